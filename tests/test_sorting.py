"""Sorting and searching (sort, argsort, topk, pick, histogram): replayed against real MXNet
1.9.1 (tests/golden/elemwise.json, tools/oracle/record_elemwise.py), NumPy references, and
gradients through torch autograd against MXNet's."""
from __future__ import annotations

import numpy as np
import pytest

import mxcompat as mx
from mxcompat.base import MXNetError

from _elemwise_golden import GOLDEN, check, check_grad, rec

CASES = rec.cases("sorting")
GRADS = rec.grads("sorting")


@pytest.mark.parametrize("cid,code", CASES, ids=[c[0] for c in CASES])
def test_golden(cid, code):
    check("sorting", cid, code)


@pytest.mark.parametrize("case", GRADS, ids=[c[1] for c in GRADS])
def test_golden_grad(case):
    check_grad(*case)


def test_golden_covers_every_case():
    assert set(GOLDEN["cases"]["sorting"]) == {c[0] for c in CASES}
    assert set(GOLDEN["grads"]["sorting"]) == {c[1] for c in GRADS}


@pytest.mark.parametrize("axis", [0, 1, -1, None])
@pytest.mark.parametrize("asc", [True, False])
def test_sort_argsort_against_numpy(axis, asc):
    a = np.random.RandomState(8).permutation(60).reshape(3, 4, 5).astype(np.float32)
    x = mx.nd.array(a)
    want = np.sort(a, axis=axis)
    want_i = np.argsort(a, axis=axis)
    ax = -1 if axis is None else axis
    if not asc:
        want, want_i = np.flip(want, axis=ax), np.flip(want_i, axis=ax)
    np.testing.assert_array_equal(mx.nd.sort(x, axis=axis, is_ascend=asc).asnumpy(), want)
    got_i = mx.nd.argsort(x, axis=axis, is_ascend=asc)
    assert got_i.dtype == np.float32
    np.testing.assert_array_equal(got_i.asnumpy(), want_i)


@pytest.mark.parametrize("k", [1, 3, 0])
def test_topk_against_numpy(k):
    a = np.random.RandomState(9).permutation(24).reshape(4, 6).astype(np.float64)
    v, i = mx.nd.topk(mx.nd.array(a, dtype="float64"), k=k, ret_typ="both", dtype="int64")
    kk = k or 6
    want_i = np.argsort(-a, axis=-1)[:, :kk]
    np.testing.assert_array_equal(i.asnumpy(), want_i)
    np.testing.assert_array_equal(v.asnumpy(), np.take_along_axis(a, want_i, -1))
    assert v.dtype == np.float64 and i.dtype == np.int64
    mask = mx.nd.topk(mx.nd.array(a), k=k, ret_typ="mask").asnumpy()
    assert mask.sum() == 4 * kk and set(np.unique(mask)) <= {0.0, 1.0}


def test_pick_against_numpy():
    a = np.random.RandomState(10).randn(4, 5).astype(np.float32)
    idx = np.array([0, 4, 7, -2])
    got = mx.nd.pick(mx.nd.array(a), mx.nd.array(idx), axis=1)
    np.testing.assert_array_equal(got.asnumpy(), a[np.arange(4), np.clip(idx, 0, 4)])
    got = mx.nd.pick(mx.nd.array(a), mx.nd.array(idx), axis=1, mode="wrap", keepdims=True)
    np.testing.assert_array_equal(got.asnumpy()[:, 0], a[np.arange(4), idx % 5])


def test_histogram_against_numpy():
    a = np.random.RandomState(11).randn(200).astype(np.float32)
    c, e = mx.nd.histogram(mx.nd.array(a), bins=8, range=(-2, 2))
    wc, we = np.histogram(a, bins=8, range=(-2, 2))
    np.testing.assert_array_equal(c.asnumpy(), wc)
    np.testing.assert_allclose(e.asnumpy(), we, rtol=1e-6)
    c2, _ = mx.nd.histogram(mx.nd.array(a), bins=mx.nd.array(we.astype(np.float32)))
    np.testing.assert_array_equal(c2.asnumpy(), wc)


def test_ties_keep_input_order():
    x = mx.nd.array([2, 1, 2, 1, 1, 2])
    assert mx.nd.argsort(x).asnumpy().tolist() == [1, 3, 4, 0, 2, 5]
    assert mx.nd.topk(x, k=3).asnumpy().tolist() == [0, 2, 5]


def test_errors_name_the_op():
    x = mx.nd.zeros((2, 3))
    with pytest.raises(MXNetError, match="topk"):
        mx.nd.topk(x, k=4)
    with pytest.raises(MXNetError, match="sort"):
        mx.nd.sort(x.astype("float16"))
    with pytest.raises(MXNetError, match="pick"):
        mx.nd.pick(x, mx.nd.array([0]), axis=None)
    with pytest.raises(MXNetError, match="argsort"):
        mx.nd.argsort(x, dtype="int8")
