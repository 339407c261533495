"""Reductions (sum/mean/prod/max/min/nansum/nanprod dtype rules, argmax/argmin,
argmax_channel, norm, moments, cumsum): replayed against real MXNet 1.9.1
(tests/golden/elemwise.json, tools/oracle/record_elemwise.py), NumPy references, and
gradients through torch autograd against MXNet's."""
from __future__ import annotations

import numpy as np
import pytest

import mxcompat as mx
from mxcompat.base import MXNetError

from _elemwise_golden import GOLDEN, check, check_grad, rec

CASES = rec.cases("reduce")
GRADS = rec.grads("reduce")
#: cases where mxcompat deliberately differs from MXNet (none among the recorded ones; the
#: float16 norm accumulation is tested below)
DEVIATIONS: dict = {}


@pytest.mark.parametrize("cid,code", CASES, ids=[c[0] for c in CASES])
def test_golden(cid, code):
    check("reduce", cid, code, DEVIATIONS)


@pytest.mark.parametrize("case", GRADS, ids=[c[1] for c in GRADS])
def test_golden_grad(case):
    check_grad(*case)


def test_golden_covers_every_case():
    assert set(GOLDEN["cases"]["reduce"]) == {c[0] for c in CASES}
    assert set(GOLDEN["grads"]["reduce"]) == {c[1] for c in GRADS}


@pytest.mark.parametrize("dtype", ["float32", "float64", "int32", "int64", "int8"])
@pytest.mark.parametrize("axis", [None, 0, 1, 2, -1])
def test_argmax_argmin_against_numpy(dtype, axis):
    a = np.random.RandomState(4).randint(-50, 50, size=(3, 4, 5)).astype(dtype)
    x = mx.nd.array(a, dtype=dtype)
    for op, ref in (("argmax", np.argmax), ("argmin", np.argmin)):
        got = getattr(mx.nd, op)(x, axis=axis)
        want = ref(a, axis=axis)
        assert got.dtype == np.dtype(dtype)
        assert got.shape == (np.shape(want) or (1,))
        np.testing.assert_array_equal(got.asnumpy(), np.reshape(want, got.shape))


@pytest.mark.parametrize("axis", [None, 0, 1, (0, 2), -1])
@pytest.mark.parametrize("ord_", [1, 2])
def test_norm_against_numpy(axis, ord_):
    a = np.random.RandomState(5).randn(3, 4, 5)
    for dtype, rtol in (("float32", 1e-5), ("float64", 1e-12)):
        got = mx.nd.norm(mx.nd.array(a, dtype=dtype), ord=ord_, axis=axis)
        ax = axis if axis is not None else (0, 1, 2)
        want = (np.sum(np.abs(a), axis=ax) if ord_ == 1 else np.sqrt(np.sum(a * a, axis=ax)))
        assert got.dtype == np.dtype(dtype)
        np.testing.assert_allclose(got.asnumpy(), np.reshape(want, got.shape), rtol=rtol)


def test_norm_does_not_overflow_and_float16_deviation():
    assert mx.nd.norm(mx.nd.array([3e37, 4e37])).asnumpy()[0] == pytest.approx(5e37, rel=1e-6)
    assert mx.nd.norm(mx.nd.array([3e200, 4e200], dtype="float64")).asnumpy()[0] == \
        pytest.approx(5e200, rel=1e-12)
    # documented deviation: MXNet's float16 accumulation gives 45.25 here
    assert mx.nd.norm(mx.nd.ones((10000,), dtype="float16")).asnumpy()[0] == 100


@pytest.mark.parametrize("dtype", ["float32", "float64", "int32"])
def test_moments_against_numpy(dtype):
    a = np.random.RandomState(6).randint(-9, 9, size=(4, 5)).astype(dtype)
    m, v = mx.nd.moments(mx.nd.array(a, dtype=dtype), axes=(1,))
    if dtype == "int32":
        wm = np.trunc(a.sum(1) / 5).astype(dtype)
        d = a - wm[:, None]
        wv = np.trunc((d * d).sum(1) / 5).astype(dtype)
    else:
        wm, wv = a.mean(1), a.var(1)
    np.testing.assert_allclose(m.asnumpy(), wm, rtol=1e-6)
    np.testing.assert_allclose(v.asnumpy(), wv, rtol=1e-5)


def test_cumsum_against_numpy():
    a = np.random.RandomState(7).randn(3, 4).astype(np.float32)
    np.testing.assert_allclose(mx.nd.cumsum(mx.nd.array(a), axis=1).asnumpy(),
                               np.cumsum(a, axis=1), rtol=1e-6)
    np.testing.assert_allclose(mx.nd.cumsum(mx.nd.array(a)).asnumpy(), np.cumsum(a), rtol=1e-6)
    u = mx.nd.cumsum(mx.nd.array([200, 100], dtype="uint8"))
    assert u.dtype == np.uint8 and u.asnumpy().tolist() == [200, 44]


def test_nansum_kahan_semantics():
    f = lambda v: mx.nd.nansum(mx.nd.array(v)).asnumpy()[0]  # noqa: E731
    assert np.isnan(f([np.inf, 1]))
    assert f([1, np.inf]) == np.inf
    assert f([1, np.nan, 2]) == 3
    assert np.isnan(f([np.inf, np.nan, 2]))
    assert f([np.inf, np.nan]) == np.inf


def test_int_sums_wrap_and_means_truncate():
    x = mx.nd.array([[100, 200, 7], [120, 3, 9]], dtype="uint8")
    assert x.sum(axis=1).asnumpy().tolist() == [(307) % 256, 132]
    assert mx.nd.array([-7, 0], dtype="int8").mean().asnumpy().tolist() == [-3]


def test_reduction_axis_errors_name_the_op():
    x = mx.nd.zeros((2, 3))
    for op in ("sum", "mean", "max", "norm"):
        with pytest.raises(MXNetError, match=op):
            getattr(mx.nd, op)(x, axis=2)
        with pytest.raises(MXNetError, match="duplicates"):
            getattr(mx.nd, op)(x, axis=(0, 0))
    with pytest.raises(MXNetError, match="argmax"):
        mx.nd.argmax(x, axis=2)
    with pytest.raises(MXNetError, match="moments"):
        mx.nd.moments(x)
    with pytest.raises(MXNetError, match="cumsum"):
        mx.nd.cumsum(x, axis=-1)
