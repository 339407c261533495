"""mx.nd.contrib detection / attention helpers: behaviour the conformance matrix does not
express (backward rules, MXNet quirks, error messages). Expected values were recorded from
MXNet 1.9.1 or are computed by hand."""
import numpy as np
import pytest

import mxcompat as mx
from mxcompat.base import MXNetError

C = mx.nd.contrib

_NMS = [[0, 0.5, 0, 0, 1, 1], [1, 0.4, 0, 0, 1, 1], [0, 0.9, 0.1, 0.1, 1, 1],
        [0, 0.9, 2, 2, 3, 3], [-1, 0.3, 0, 0, 1, 1]]


def test_box_nms_layout_and_stable_ties():
    out = C.box_nms(mx.nd.array(_NMS)).asnumpy()
    # MXNet 1.9.1: the two 0.9 boxes keep input order, the rest is suppressed (-1 rows)
    want = np.array([[0, 0.9, 0.1, 0.1, 1, 1], [0, 0.9, 2, 2, 3, 3]] + [[-1] * 6] * 3,
                    np.float32)
    np.testing.assert_allclose(out, want, rtol=1e-6)


def test_box_nms_class_aware_and_background():
    out = C.box_nms(mx.nd.array(_NMS), id_index=0, background_id=0).asnumpy()
    want = np.array([[1, 0.4, 0, 0, 1, 1], [-1, 0.3, 0, 0, 1, 1]] + [[-1] * 6] * 3,
                    np.float32)
    np.testing.assert_allclose(out, want, rtol=1e-6)


def test_box_nms_topk0_is_identity():
    np.testing.assert_array_equal(C.box_nms(mx.nd.array(_NMS), topk=0).asnumpy(),
                                  np.array(_NMS, np.float32))


def test_box_nms_center_conversion_skips_negative_x():
    # MXNet's corner_to_center leaves rows whose first coordinate is < 0 untouched
    d = mx.nd.array([[0, 0.9, -0.5, 0, 1, 1], [0, 0.8, 2, 2, 3, 3]])
    out = C.box_nms(d, out_format="center").asnumpy()
    np.testing.assert_allclose(out, [[0, 0.9, -0.5, 0, 1, 1], [0, 0.8, 2.5, 2.5, 1, 1]],
                               rtol=1e-6)


def test_box_nms_backward_copies_rows_back():
    x = mx.nd.array(_NMS)
    x.attach_grad()
    with mx.autograd.record():
        y = C.box_nms(x, out_format="center")
    y.backward(mx.nd.arange(30).reshape((5, 6)))
    want = np.zeros((5, 6), np.float32)
    want[2] = np.arange(6)
    want[3] = np.arange(6, 12)
    np.testing.assert_array_equal(x.grad.asnumpy(), want)


@pytest.mark.parametrize("make", [
    lambda a: C.box_iou(a, a),
    lambda a: C.box_decode(a.reshape((1, 2, 4)), a.reshape((1, 2, 4))),
    lambda a: C.bipartite_matching(a, threshold=0.1)[0],
])
def test_zero_gradients(make):
    a = mx.nd.array([[0, 0, 2, 2], [1, 1, 3, 3]])
    a.attach_grad()
    with mx.autograd.record():
        o = make(a)
    o.backward()
    np.testing.assert_array_equal(a.grad.asnumpy(), np.zeros((2, 4), np.float32))


def test_bipartite_topk_makes_one_extra_match():
    # MXNet breaks only once count > topk: topk=1 gives two matches
    r, c = C.bipartite_matching(mx.nd.array([[0.5, 0.6], [0.1, 0.2], [0.3, 0.4]]),
                                threshold=0.0, topk=1)
    np.testing.assert_array_equal(r.asnumpy(), [1, -1, 0])
    np.testing.assert_array_equal(c.asnumpy(), [2, 0])


def test_bipartite_ties_keep_input_order():
    r, c = C.bipartite_matching(mx.nd.array([[0.5, 0.5], [0.5, 0.5]]), threshold=0.1)
    np.testing.assert_array_equal(r.asnumpy(), [0, 1])
    np.testing.assert_array_equal(c.asnumpy(), [0, 1])


def test_multibox_detection_topk_rows():
    # rows past nms_topk keep their (unsorted) values with id -1, as MXNet's CPU kernel
    prob = mx.nd.array([[[0.1, 0.2, 0.3, 0.4], [0.9, 0.8, 0.7, 0.6]]])
    anc = mx.nd.array([[[0, 0, .5, .5], [.5, .5, 1, 1], [0, .5, .5, 1], [.5, 0, 1, .5]]])
    out = C.MultiBoxDetection(prob, mx.nd.zeros((1, 16)), anc, nms_topk=2).asnumpy()
    want = [[[0, 0.9, 0, 0, .5, .5], [0, 0.8, .5, .5, 1, 1], [-1, 0.7, 0, .5, .5, 1],
             [-1, 0.6, .5, 0, 1, .5]]]
    np.testing.assert_allclose(out, want, rtol=1e-6)


def test_div_sqrt_dim_integer_truncates_divisor():
    # MXNet: uint8 with last dim 5 divides by int(sqrt(5)) == 2
    out = C.div_sqrt_dim(mx.nd.array([[3, 6, 9, 8, 8]], dtype="uint8"))
    assert out.dtype == np.uint8
    np.testing.assert_array_equal(out.asnumpy(), [[1, 3, 4, 4, 4]])


def test_interleaved_selfatt_matches_reference_and_grad():
    rng = np.random.RandomState(0)
    x = rng.randn(3, 2, 12).astype(np.float32)
    q = x.reshape(3, 2, 2, 3, 2)
    qq = q[:, :, :, 0].transpose(1, 2, 0, 3).reshape(4, 3, 2) / np.sqrt(2)
    kk = q[:, :, :, 1].transpose(1, 2, 0, 3).reshape(4, 3, 2)
    a = mx.nd.array(x)
    a.attach_grad()
    with mx.autograd.record():
        o = C.interleaved_matmul_selfatt_qk(a, heads=2)
    np.testing.assert_allclose(o.asnumpy(), qq @ kk.transpose(0, 2, 1), rtol=1e-5, atol=1e-6)
    o.backward()
    g = a.grad.asnumpy().reshape(3, 2, 2, 3, 2)
    assert np.all(g[:, :, :, 2] == 0)  # values do not enter q.k
    assert np.any(g[:, :, :, 0] != 0)


def test_sparse_embedding_dense_gradient():
    w = mx.nd.array(np.arange(12).reshape(4, 3))
    w.attach_grad()
    with mx.autograd.record():
        y = C.SparseEmbedding(mx.nd.array([0, 3, 3]), w, input_dim=4, output_dim=3)
    y.backward()
    np.testing.assert_array_equal(y.asnumpy()[1], [9, 10, 11])
    assert w.grad.stype == "default"
    np.testing.assert_array_equal(w.grad.asnumpy(), [[1] * 3, [0] * 3, [0] * 3, [2] * 3])


@pytest.mark.parametrize("call, words", [
    (lambda: C.box_iou(mx.nd.ones((2, 4)), mx.nd.ones((2, 4)), format="xx"),
     ("box_iou", "format")),
    (lambda: C.box_nms(mx.nd.ones((3, 6)), score_index=3), ("box_nms", "score_index")),
    (lambda: C.box_nms(mx.nd.ones((3, 6)), id_index=1), ("box_nms", "id_index")),
    (lambda: C.box_nms(mx.nd.ones((3, 6)), bogus=1), ("box_nms", "bogus")),
    (lambda: C.bipartite_matching(mx.nd.ones((2, 2))), ("bipartite_matching", "threshold")),
    (lambda: C.interleaved_matmul_selfatt_qk(mx.nd.ones((2, 1, 6))),
     ("interleaved_matmul_selfatt_qk", "heads")),
    (lambda: C.interleaved_matmul_selfatt_qk(mx.nd.ones((2, 1, 6)), heads=4),
     ("interleaved_matmul_selfatt_qk", "heads")),
    (lambda: C.interleaved_matmul_selfatt_qk(mx.nd.ones((2, 1, 6), dtype="float64"), heads=1),
     ("interleaved_matmul_selfatt_qk", "FP32")),
    (lambda: C.MultiBoxPrior(mx.nd.ones((1, 1, 2, 2)), steps=(0.3, -1)),
     ("MultiBoxPrior", "steps")),
    (lambda: C.box_decode(mx.nd.ones((2, 3, 4)), mx.nd.ones((2, 3, 4))),
     ("box_decode", "anchors")),
    (lambda: C.SparseEmbedding(mx.nd.ones((2,)), mx.nd.ones((4, 3)), output_dim=3),
     ("SparseEmbedding", "input_dim")),
])
def test_errors_name_op_and_argument(call, words):
    with pytest.raises(MXNetError) as e:
        call()
    for w in words:
        assert w in str(e.value)
