"""Edge values the conformance matrix cannot express: the sign of zeros (the matrix compares
values, not signbits) and the error messages for out-of-range sequence lengths.

Expected values were recorded from MXNet 1.9.1 (identical for float16/32/64)."""
import math

import numpy as np
import pytest

import mxcompat as mx
from mxcompat.base import MXNetError

NAN, INF = float("nan"), float("inf")
FLOATS = ("float32", "float64", "float16")


def _a(vals, dt):
    return mx.nd.array(np.array(vals, dt), dtype=dt)


def _same(got, want):
    got = got.asnumpy().astype(np.float64).ravel().tolist()
    assert len(got) == len(want)
    for g, w in zip(got, want):
        if math.isnan(w):
            assert math.isnan(g), (got, want)
        else:
            assert g == w and math.copysign(1, g) == math.copysign(1, w), (got, want)


MA = [NAN, 1, NAN, -0.0, 0.0, INF, -INF]
MB = [1, NAN, NAN, 0.0, -0.0, NAN, 1]
Z4 = [-0.0, 0.0, -1, 1]


@pytest.mark.parametrize("dt", FLOATS)
def test_maximum_minimum_ties_give_rhs(dt):
    _same(mx.nd.maximum(_a(MA, dt), _a(MB, dt)), [NAN, NAN, NAN, 0.0, -0.0, NAN, 1.0])
    _same(mx.nd.minimum(_a(MA, dt), _a(MB, dt)), [NAN, NAN, NAN, 0.0, -0.0, NAN, -INF])
    _same(mx.nd.broadcast_maximum(_a(MA, dt), _a(MB, dt)), [NAN, NAN, NAN, 0.0, -0.0, NAN, 1.0])
    _same(mx.nd.maximum(_a(Z4, dt), 0.0), [0.0, 0.0, 0.0, 1.0])
    _same(mx.nd.maximum(_a(Z4, dt), -0.0), [-0.0, -0.0, -0.0, 1.0])
    _same(mx.nd.minimum(_a(Z4, dt), 0.0), [0.0, 0.0, -1.0, 0.0])
    _same(mx.nd.minimum(_a(Z4, dt), -0.0), [-0.0, -0.0, -1.0, -0.0])


def test_maximum_scalar_tie_gradient_still_goes_to_the_array():
    x = _a([0.0, -0.0, 1.0], "float32")
    x.attach_grad()
    with mx.autograd.record():
        y = mx.nd.maximum(x, 0.0)
    y.backward()
    _same(y, [0.0, 0.0, 1.0])
    assert x.grad.asnumpy().tolist() == [1.0, 1.0, 1.0]


@pytest.mark.parametrize("dt", FLOATS)
def test_mod_signed_zeros(dt):
    _same(_a([-0.0, -0.0, 0.0, 4, -4, 4, -4, -0.0], dt) % _a([2, -2, -2, -2, 2, 2, -2, INF], dt),
          [-0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -0.0, -0.0])
    _same(-0.0 % _a([5.5, -5.5, 1, -3, INF, 0], dt), [-0.0, 0.0, -0.0, 0.0, -0.0, 0.0])


def test_mod_int8_min():
    assert (_a([5, -5, 5, -5, -128], "int8") % _a([2, 2, -2, -2, 3], "int8")).asnumpy().tolist() \
        == [1, 1, -1, -1, 1]


@pytest.mark.parametrize("dt", FLOATS)
def test_pow_half_is_c_pow(dt):
    _same(_a([-0.0, -INF, 0.0], dt) ** 0.5, [0.0, INF, 0.0])
    _same(_a([-0.0, -INF, 0.0], dt) ** -0.5, [INF, 0.0, INF])


_X = mx.nd.array(np.arange(24).reshape(4, 2, 3))


@pytest.mark.parametrize("op,length,shown", [
    ("SequenceMask", [-1, 2], "-1"), ("SequenceMask", [NAN, 1], "-2147483648"),
    ("SequenceLast", [0, 4], "0"), ("SequenceLast", [5, 1], "5"),
    ("SequenceLast", [INF, 1], "-2147483648"), ("SequenceReverse", [5, 1], "5"),
    ("SequenceReverse", [-0.5, -1], "-1")])
def test_sequence_length_out_of_range_raises(op, length, shown):
    with pytest.raises(MXNetError, match=f"{op}: sequence_length {shown} "):
        getattr(mx.nd, op)(_X, mx.nd.array(length), use_sequence_length=True)


def test_sequence_int64_length_wraps():
    ln = mx.nd.array(np.array([2 ** 32 + 4, 2 ** 32 + 1]), dtype="int64")
    out = mx.nd.SequenceLast(_X, ln, use_sequence_length=True)
    assert out.asnumpy().tolist() == [[18.0, 19.0, 20.0], [3.0, 4.0, 5.0]]


@pytest.mark.parametrize("dt", FLOATS)
def test_relu_of_negative_zero_is_positive_zero(dt):
    x = _a([-0.0, 0.0, -1, 1], dt)
    _same(mx.nd.relu(x), [0.0, 0.0, 0.0, 1.0])
    _same(mx.nd.Activation(x, act_type="relu"), [0.0, 0.0, 0.0, 1.0])
    _same(x.relu(), [0.0, 0.0, 0.0, 1.0])


def test_relu_gradient_at_zero_is_zero():
    x = _a([-0.0, 0.0, -1, 2], "float32")
    x.attach_grad()
    with mx.autograd.record():
        y = mx.nd.relu(x)
    y.backward()
    assert x.grad.asnumpy().tolist() == [0.0, 0.0, 0.0, 1.0]
