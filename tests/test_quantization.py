"""mx.nd.contrib quantization ops: behaviour the conformance matrix can't express.

Expected values were recorded from MXNet 1.9.1's pip CPU build (oneDNN) or computed by hand
from its sources; none come from the code under test.
"""
import numpy as np
import pytest

import mxcompat as mx
from mxcompat.base import MXNetError

nd = mx.nd
C = nd.contrib


def A(v, dt="float32"):
    return nd.array(np.array(v), dtype=dt)


def vals(r):
    return [(a.asnumpy().tolist(), np.dtype(a.dtype).name) for a in r]


X = [[-1.0, -0.5, -0.25, 0.0, 0.3, 0.5, 1.0, 2.5, 0.25, 1.5 / 127, 2.5 / 127, -2.5 / 127,
      0.5 / 127]]


def test_quantize_rounds_half_to_even_and_saturates():
    # MXNet 1.9.1: oneDNN reorder, not the docstring's "+0.5 then truncate"
    r = C.quantize(A(X), A([-1.0]), A([1.0]), out_type="int8")
    assert vals(r) == [([[-127, -64, -32, 0, 38, 64, 127, 127, 32, 2, 2, -2, 0]], "int8"),
                       ([-1.0], "float32"), ([1.0], "float32")]
    r = C.quantize(A(X), A([-1.0]), A([1.0]))  # default out_type is uint8: no zero point
    assert vals(r)[0] == ([[0, 0, 0, 0, 76, 128, 255, 255, 64, 3, 5, 0, 1]], "uint8")
    assert vals(r)[1:] == [([-1.0], "float32"), ([1.0], "float32")]
    r = C.quantize(A([[0.2, 1, -3, 2.0, -2.0, 1.9]]), A([-1.0]), A([2.0]), out_type="int8")
    assert r[0].asnumpy().tolist() == [[13, 64, -128, 127, -127, 121]]


def test_quantize_nan_inf_and_zero_range():
    r = C.quantize(A([[np.nan, np.inf, -np.inf, 1.0]]), A([-1.0]), A([2.0]), out_type="int8")
    assert r[0].asnumpy().tolist() == [[127, 127, -128, 64]]
    r = C.quantize(A([[np.nan, np.inf, -np.inf, 1.0]]), A([-1.0]), A([2.0]), out_type="uint8")
    assert r[0].asnumpy().tolist() == [[0, 255, 0, 128]]
    r = C.quantize(A([[0.2, 1, -3, 0.0]]), A([0.0]), A([0.0]), out_type="int8")
    assert r[0].asnumpy().tolist() == [[127, 127, -128, 127]]
    r = C.quantize_v2(A([[0.0, 0.0]]), out_type="uint8")
    assert r[0].asnumpy().tolist() == [[0, 0]]


@pytest.mark.parametrize("kw, want", [
    ({}, ([[-51, -26, -13, 0, 15, 26, 51, 127, 13, 1, 1, -1, 0]], "int8", -2.5, 2.5)),
    ({"out_type": "uint8"}, ([[0, 0, 0, 0, 31, 51, 102, 255, 26, 1, 2, 0, 0]], "uint8",
                             -1.0, 2.5)),
    ({"min_calib_range": -1.0, "max_calib_range": 1.0},
     ([[-128, -64, -32, 0, 38, 64, 127, 127, 32, 2, 3, -3, 1]], "int8", -1.0, 1.0)),
    ({"out_type": "auto", "min_calib_range": 0.0, "max_calib_range": 1.0},
     ([[0, 0, 0, 0, 77, 128, 255, 255, 64, 3, 5, 0, 1]], "uint8", 0.0, 1.0)),
    ({"out_type": "auto", "min_calib_range": -0.5, "max_calib_range": 2.0},
     ([[-64, -32, -16, 0, 19, 32, 64, 127, 16, 1, 1, -1, 0]], "int8", -2.0, 2.0)),
])
def test_quantize_v2_recorded(kw, want):
    r = C.quantize_v2(A(X), **kw)
    q, dt, lo, hi = want
    assert vals(r) == [(q, dt), ([lo], "float32"), ([hi], "float32")]


def test_quantize_v2_passes_quantized_data_through():
    r = C.quantize_v2(A([[1, 3, 255]], "uint8"))  # default out_type int8: reinterpreted
    assert vals(r) == [([[1, 3, -1]], "int8"), ([0.0], "float32"), ([255.5], "float32")]
    r = C.quantize_v2(A([[1, -3, 127]], "int8"))
    assert vals(r) == [([[1, -3, 127]], "int8"), ([-127.5], "float32"), ([127.5], "float32")]


def test_quantize_asym_scale_shift():
    r = C.quantize_asym(A(np.linspace(-1, 2, 12).reshape(1, 3, 4)))
    assert vals(r) == [([[[0, 23, 46, 70], [93, 116, 139, 162], [185, 209, 232, 255]]],
                         "uint8"), ([85.0], "float32"), ([85.0], "float32")]
    with pytest.raises(MXNetError, match="quantize_asym.*3-D"):
        C.quantize_asym(A([[1.0, 2.0]]))  # MXNet 1.9.1 CPU: segmentation fault


def test_dequantize_uses_127_5_and_255_5():
    r = C.dequantize(A([[-128, 127, 1]], "int8"), A([-1.0]), A([2.0]))
    np.testing.assert_allclose(r.asnumpy(), [[-128 * 2 / 127.5, 127 * 2 / 127.5, 2 / 127.5]],
                               rtol=1e-6)
    r = C.dequantize(A([[0, 1, 255]], "uint8"), A([0.5]), A([2.0]))
    np.testing.assert_allclose(r.asnumpy(), [[0, 2 / 255.5, 255 * 2 / 255.5]], rtol=1e-6)
    assert r.dtype == np.float32


def test_requantize_runtime_and_calibrated():
    r = C.requantize(A([[-1000, -300, 0, 5, 300, 1000, 2 ** 30]], "int32"), A([-10.0]),
                     A([10.0]))
    assert vals(r) == [([[0, 0, 0, 0, 0, 0, 127]], "int8"), ([-5.0], "float32"),
                       ([5.0], "float32")]
    r = C.requantize(A([[-1000, -300, 0, 5, 300, 1000]], "int32"), A([-10.0]), A([10.0]),
                     min_calib_range=-2e-6, max_calib_range=3e-6)
    assert r[0].asnumpy().tolist() == [[-128, -59, 0, 1, 59, 127]]
    r = C.requantize(A([[-1000, -300, 0, 5, 300, 1000]], "int32"), A([-10.0]), A([10.0]),
                     out_type="uint8")
    assert r[0].asnumpy().tolist() == [[0, 0, 0, 1, 76, 255]]
    assert r[1].asnumpy().tolist() == [0.0]


def test_fully_connected_bias_rescale_and_range():
    d = A([[1, -2, 3, 4], [5, 6, -7, 8]], "int8")
    w = A([[1, 2, 3, 4], [-1, -2, -3, -4], [2, 0, 1, -1]], "int8")
    b = A([10, -20, 30], "int8")
    r = C.quantized_fully_connected(d, w, b, A([-1.0]), A([2.0]), A([-0.5]), A([0.25]),
                                    A([-3.0]), A([1.0]), num_hidden=3)
    assert vals(r) == [([[3847, -7672, 11476], [3853, -7678, 11470]], "int32"),
                       ([-133144.25], "float32"), ([133144.25], "float32")]
    # no_bias: the range arrays follow the weight positionally, as MXNet's generated API
    r = C.quantized_fully_connected(d, w, A([-1.0]), A([2.0]), A([-0.5]), A([0.25]),
                                    num_hidden=3, no_bias=True)
    assert r[0].asnumpy().tolist() == [[22, -22, 1], [28, -28, -5]]
    # uint8 data: MXNet counts the weight range in 255 levels
    du = A([[1, 2, 3, 4], [5, 6, 7, 8]], "uint8")
    r = C.quantized_fully_connected(du, w, b, A([-1.0]), A([2.0]), A([-0.5]), A([0.25]),
                                    A([-3.0]), A([1.0]), num_hidden=3)
    assert vals(r)[0] == ([[7695, -15360, 22996], [7735, -15400, 23004]], "int32")
    assert r[2].asnumpy().tolist() == [66311.0625]


def test_elemwise_add_int32_and_mixed():
    r = C.quantized_elemwise_add(A([[1, -2, 100, -128]], "int8"), A([[3, 4, 100, -128]], "int8"),
                                 A([-1.0]), A([2.0]), A([-4.0]), A([1.0]))
    assert vals(r) == [([[39300356, 33686020, 1684301056, -2147483648]], "int32"),
                       ([-6.0], "float32"), ([6.0], "float32")]
    r = C.quantized_elemwise_add(A([[1, 2, 100, 255]], "uint8"), A([[3, 4, 100, -128]], "int8"),
                                 A([0.0]), A([2.0]), A([-4.0]), A([1.0]))
    assert r[0].asnumpy().tolist() == [[33686148, 44914820, 1122867456, -1437270016]]
    r = C.quantized_elemwise_add(A([[1, 2, 100, 255]], "uint8"), A([[3, 4, 100, -128]], "int8"),
                                 A([0.0]), A([2.0]), A([-4.0]), A([1.0]),
                                 min_calib_range=0.0, max_calib_range=2.0)
    assert vals(r) == [([[6, 9, 127, -128]], "int8"), ([0.0], "float32"), ([2.0], "float32")]


def test_act_output_is_int8_and_embedding_truncates():
    r = C.quantized_act(A([[5, 1, 0, 3, 255]], "uint8"), A([-1.0]), A([2.0]), act_type="relu")
    assert vals(r)[0] == ([[5, 1, 0, 3, -1]], "int8")
    r = C.quantized_embedding(A([0, 2, 1.7, 2.5, 0.5, -0.6, 5]),
                              A([[1, -2], [3, 4], [-128, 127]], "int8"), A([-1.0]), A([2.0]),
                              input_dim=3, output_dim=2)
    assert r[0].asnumpy().tolist() == [[1, -2], [-128, 127], [3, 4], [-128, 127], [1, -2],
                                       [1, -2], [-128, 127]]


def test_concat_and_pooling_round_half_even():
    r = C.quantized_concat(A([[1, 2], [3, 3]], "uint8"), A([[3, 4, 5], [100, -100, 127]], "int8"),
                           A([0.0]), A([2.0]), A([-4.0]), A([3.0]), dim=1, num_args=2)
    assert vals(r) == [([[0, 0, 3, 4, 5], [1, 1, 100, -100, 127]], "int8"),
                       ([-4.0], "float32"), ([3.0], "float32")]
    x = A(np.array([[1, 2, 3, 4], [4, 5, 6, 7], [0, 1, 1, 0], [9, 9, 9, 8]]).reshape(1, 1, 4, 4),
          "int8")
    r = C.quantized_pooling(x, A([-1.0]), A([2.0]), kernel=(2, 2), stride=(2, 2),
                            pool_type="avg")
    assert r[0].asnumpy().tolist() == [[[[3, 5], [5, 4]]]]  # 4.75 -> 5, 4.5 -> 4


def test_batch_norm_recorded():
    r = C.quantized_batch_norm(A(np.arange(-8, 8).reshape(1, 2, 2, 4), "int8"),
                               A([1.0, 2.0]), A([0.5, -0.5]), A([0.1, 0.2]), A([1.0, 4.0]),
                               A([-1.0]), A([2.0]), min_calib_range=-1.0, max_calib_range=1.0)
    assert vals(r) == [([[[[35, 37, 39, 41], [43, 45, 47, 49]],
                          [[-89, -87, -85, -83], [-81, -79, -77, -75]]]], "int8"),
                       ([-1.0], "float32"), ([1.0], "float32")]


@pytest.mark.parametrize("call, words", [
    (lambda: C.quantize(A([[1.0]]), A([-1.0]), A([1.0]), out_type="int32"),
     ("quantize", "out_type")),
    (lambda: C.quantize(A([[1.0]]), A([-1.0], "float64"), A([1.0])), ("quantize", "min_range")),
    (lambda: C.quantize(A([[1.0]], "float64"), A([-1.0]), A([1.0])), ("quantize", "data")),
    (lambda: C.dequantize(A([[1]], "int32"), A([-1.0]), A([1.0])), ("dequantize", "data")),
    (lambda: C.requantize(A([[1]], "int8"), A([-1.0]), A([1.0])), ("requantize", "data")),
    (lambda: C.quantize_v2(A([[1.0]]), bogus=1), ("quantize_v2", "bogus")),
    (lambda: C.quantized_act(A([[1]], "int8"), A([-1.0]), A([1.0]), act_type="tanh"),
     ("quantized_act", "act_type")),
    (lambda: C.quantized_pooling(A(np.zeros((1, 1, 4, 4)), "int8"), A([-1.0]), A([1.0]),
                                 kernel=(2, 2), pool_type="sum"),
     ("quantized_pooling", "pool_type")),
    (lambda: C.quantized_concat(A([[1]], "int8"), A([[1]], "int8"), A([-1.0]), A([1.0]),
                                A([-1.0]), A([1.0]), num_args=2, dim=-1),
     ("quantized_concat", "dim")),
    (lambda: C.quantized_batch_norm(A(np.zeros((1, 2, 2, 2)), "int8"), A([1, 1]), A([0, 0]),
                                    A([0, 0]), A([1, 1]), A([-1.0]), A([1.0])),
     ("quantized_batch_norm", "min_calib_range")),
    (lambda: C.quantized_fully_connected(A([[1]], "int8"), A([[1]], "int8"), A([-1.0]),
                                         A([1.0]), A([-1.0]), A([1.0]), no_bias=True),
     ("quantized_fully_connected", "num_hidden")),
])
def test_errors_name_op_and_argument(call, words):
    with pytest.raises(MXNetError) as e:
        call()
    for w in words:
        assert w in str(e.value)


def test_quantized_rnn_is_a_stub():
    with pytest.raises(MXNetError, match="not supported"):
        C.quantized_rnn()


def test_calibrate_entropy_recorded():
    h = A([0, 0, 5, 3, 0, 1, 9, 0, 0, 2, 1])
    e = A(np.linspace(-1, 1, 12))
    r = C.calibrate_entropy(h, e, num_quantized_bins=3)
    np.testing.assert_allclose([x.asnumpy()[0] for x in r], [0.6363636, 0.13903515], rtol=1e-5)
    with pytest.raises(MXNetError, match="calibrate_entropy.*num_quantized_bins"):
        C.calibrate_entropy(h, e)  # 255 bins do not fit in 11
    # even-length histograms: fine unless the best threshold lies past the edges, where
    # MXNet reads out of bounds (it returned 7.27e31 here); mxcompat raises
    rng = np.random.default_rng(0)
    hh, ee = np.histogram(rng.normal(size=20000), bins=20, range=(-6, 6))
    r = C.calibrate_entropy(A(hh), A(ee), num_quantized_bins=5)
    np.testing.assert_allclose([x.asnumpy()[0] for x in r], [3.6, 0.05631754], rtol=1e-5)
    h = A([1, 2, 3, 4, 5, 6, 5, 4, 3, 2, 1, 0, 0, 1, 2, 3, 4, 5, 6, 7])
    with pytest.raises(MXNetError, match="odd number of bins"):
        C.calibrate_entropy(h, A(np.linspace(-2, 2, 21)), num_quantized_bins=5)


def test_elemwise_mul_extension():
    # MXNet 1.9.1 cannot run this op from mx.nd; values follow its CPU kernel (hand-computed)
    a, b = A([[1, -2, 100, -128]], "int8"), A([[3, 4, 100, -128]], "int8")
    rs = (A([-1.0]), A([2.0]), A([-4.0]), A([1.0]))
    r = C.quantized_elemwise_mul(a, b, *rs)
    m = np.float32(np.float32(2 / 127) * np.float32(4 / 127)) * np.float32(2 ** 31)
    assert vals(r)[0] == ([[3, -8, 10000, 16384]], "int32")
    np.testing.assert_allclose(r[2].asnumpy(), [m], rtol=1e-6)
    r = C.quantized_elemwise_mul(a, b, *rs, min_calib_range=-300.0, max_calib_range=500.0)
    assert vals(r) == [([[0, 0, 1, 2]], "int8"), ([-300.0], "float32"), ([500.0], "float32")]
    r = C.quantized_elemwise_mul(a, b, *rs, enable_float_output=True)
    np.testing.assert_allclose(r.asnumpy(), [[3, -8, 10000, 16384]] / np.float32(63.75 * 31.875),
                               rtol=1e-6)
    with pytest.raises(MXNetError, match="quantized_elemwise_mul.*lhs"):
        C.quantized_elemwise_mul(A([[1]], "uint8"), A([[1]], "int8"), *rs)


def test_autograd_zero_gradient_through_ranges():
    # MXNet: quantize* have zero gradients; a head on a range output gives zeros
    x = A([[0.5, 1.0]])
    x.attach_grad()
    with mx.autograd.record():
        r = C.quantize_v2(x, min_calib_range=-1.0, max_calib_range=1.0)
    r[1].backward()
    assert x.grad.asnumpy().tolist() == [[0.0, 0.0]]
    # dequantize(quantize(x)) * x: only the direct path carries gradient (MXNet 1.9.1)
    x = A([[0.5, 1.0]])
    x.attach_grad()
    with mx.autograd.record():
        q = C.quantize(x, A([-1.0]), A([1.0]), out_type="int8")[0]
        y = (C.dequantize(q, A([-1.0]), A([1.0])) * x).sum()
    y.backward()
    np.testing.assert_allclose(x.grad.asnumpy(), [[64 / 127.5, 127 / 127.5]], rtol=1e-6)


def test_out_arrays():
    o = [nd.zeros((1, 2), dtype="int8"), nd.zeros((1,)), nd.zeros((1,))]
    r = C.quantize(A([[0.5, 1.0]]), A([-1.0]), A([1.0]), out_type="int8", out=o)
    assert r is o
    assert o[0].asnumpy().tolist() == [[64, 127]]
    assert o[1].asnumpy().tolist() == [-1.0]
