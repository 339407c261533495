"""Indexing: NDArray.__getitem__/__setitem__ (views vs copies, advanced indexing, errors) and
the indexing ops (take, batch_take, gather_nd, scatter_nd, one_hot, ravel/unravel,
contrib.boolean_mask): replayed against real MXNet 1.9.1 (tests/golden/indexing.json,
recorded by tools/oracle/record_shape.py), checked against NumPy and through autograd."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

import mxcompat as mx
from mxcompat.base import MXNetError

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tools" / "oracle"))
from record_shape import INDEXING, check_case  # noqa: E402

GOLDEN = json.loads((HERE / "golden" / "indexing.json").read_text())["cases"]
nd = mx.nd

#: cases where MXNet 1.9.1 raises but mxcompat deliberately succeeds
_ZS = "zero-size results are supported (documented extension)"
EXTENSIONS = {
    "getitem:x[[]]": _ZS, "getitem:x[(slice(None), [])]": _ZS,
    "getitem:x[np.array([], dtype=np.int64)]": _ZS, "setitem:w[[]]=1": _ZS,
    "getitem:x[mx.nd.array(1)]": "a 0-d NDArray index works like an int (MXNet 1.9.1 fails "
                                 "with AttributeError)",
    "setitem:bool-nd": "assigning an NDArray into a bool array works (MXNet 1.9.1: Unknown "
                       "type enum 7)",
}
#: cases where MXNet's result is an artefact of unsafe memory use; mxcompat gives NumPy's
#: result, checked here instead: in-place copy of overlapping memory (mxcompat reads the
#: value before writing) and unravel_index of a 2-D array (MXNet writes past its output)
NUMPY_INSTEAD = {
    "setitem:self-slice": np.array([0, 0, 1, 2], dtype=np.float32),
    "unravel_index:2d-input": np.array(np.unravel_index([[1, 5], [7, 2]], (3, 4)),
                                       dtype=np.float32),
}


@pytest.mark.parametrize("cid,code", INDEXING, ids=[c[0] for c in INDEXING])
def test_golden(cid, code):
    if cid in NUMPY_INSTEAD:
        assert GOLDEN[cid]["result"]["values"] != NUMPY_INSTEAD[cid].tolist()
        from record_shape import run_case
        np.testing.assert_array_equal(run_case(mx, code).asnumpy(), NUMPY_INSTEAD[cid])
        return
    kind = cid.split(":")[0]
    check_case(mx, cid, code, GOLDEN[cid], EXTENSIONS,
               name_op=kind not in ("getitem", "setitem", "view", "view-iadd"))


def test_golden_covers_every_case():
    assert set(GOLDEN) == {c[0] for c in INDEXING}


# ---- NumPy references adapted to MXNet's rules ------------------------------------------
def _mx_getitem_ref(a, key):
    """NumPy's result with MXNet's rule that a result is never 0-d."""
    r = a[key]
    return r.reshape(1) if r.ndim == 0 else r


def test_basic_getitem_vs_numpy():
    a = np.arange(120, dtype=np.float32).reshape(2, 3, 4, 5)
    x = nd.array(a)
    rng = np.random.RandomState(0)
    for _ in range(300):
        key = []
        for d in a.shape[:rng.randint(1, 5)]:
            if rng.randint(4) == 0:
                key.append(None)
            kind = rng.randint(3)
            if kind == 0:
                key.append(int(rng.randint(-d, d)))
            elif kind == 1:
                key.append(slice(None))
            elif kind == 2:
                b = int(rng.randint(-d, d))
                key.append(slice(b, None, int(rng.choice([1, 2, -1, -2]))))
        key = tuple(key)
        np.testing.assert_array_equal(x[key].asnumpy(), _mx_getitem_ref(a, key),
                                      err_msg=str(key))


def test_advanced_getitem_vs_numpy():
    a = np.arange(60, dtype=np.float32).reshape(3, 4, 5)
    x = nd.array(a)
    keys = [([0, 2],), ([[0], [2]], [1, 3]), (slice(None), [3, 0], slice(1, 4)),
            (1, slice(None), [4, 0, 2]), ([0, 1], 2, [1, 3]), (Ellipsis, [0, -1]),
            (np.array([[2, 1]]), slice(None, None, -1)), ([-1, 0], [-1, 0], [-1, 0])]
    for key in keys:
        np.testing.assert_array_equal(x[key].asnumpy(), a[key], err_msg=str(key))
    # NDArray index arrays (float values truncated) and MXNet's bool-as-int rule
    np.testing.assert_array_equal(x[nd.array([2.9, 0.2])].asnumpy(), a[[2, 0]])
    np.testing.assert_array_equal(x[np.array([True, False, True])].asnumpy(), a[[1, 0, 1]])


def test_setitem_vs_numpy():
    rng = np.random.RandomState(1)
    for key, val in [((slice(None), 1), 7.0), ((0, slice(None, None, -1)), np.arange(5.0)),
                     ((slice(None), [2, 0], 1), np.array([[1.0], [2.0], [3.0]])),
                     ((1, slice(None), [4, 0]), np.arange(8.0).reshape(2, 4)),
                     ((slice(None, None, -1), [1, 0]), np.arange(15.0).reshape(3, 1, 5)),
                     (([0, 2], slice(1, 3)), 9.0), ((Ellipsis, 0), np.arange(4.0))]:
        a = rng.uniform(size=(3, 4, 5)).astype(np.float32)
        x = nd.array(a)
        x[key] = nd.array(val) if isinstance(val, np.ndarray) else val
        a[key] = val
        np.testing.assert_array_equal(x.asnumpy(), a, err_msg=str(key))


def test_view_rule_is_contiguity():
    """A basic-index result shares memory exactly when the selected region is contiguous."""
    keys = [0, (1, 2), slice(0, 1), (0, slice(1, 3)), (slice(None), 1), slice(None, None, 2),
            (0, 1, slice(0, 2)), (0, slice(None), 0), (slice(0, 2), slice(0, 2)),
            (slice(1, 2), 0, slice(None))]
    for key in keys:
        a = np.zeros((2, 3, 4), dtype=np.float32)
        x = nd.array(a)
        r = x[key]
        r[:] = 1
        region = a[key]
        contiguous = region.flags["C_CONTIGUOUS"] and (
            region.size <= 1 or np.shares_memory(a, region))
        assert (x.asnumpy().sum() > 0) == bool(contiguous), key


def test_unsafe_mxnet_cases_raise():
    # MXNet 1.9.1 writes outside the array (heap corruption) on these; mxcompat raises
    w = nd.zeros((2, 3))
    with pytest.raises(IndexError):
        w[[0, 5]] = 1
    with pytest.raises(MXNetError, match="scatter_nd"):
        nd.scatter_nd(nd.array([2, 3]), nd.array([[-1, 0]]), shape=(2,))
    with pytest.raises(IndexError, match="out of bounds"):
        nd.arange(4)[nd.array([0, 4])]
    # take(mode='raise') refuses negative indices too (as MXNet does)
    with pytest.raises(MXNetError, match="take"):
        nd.take(nd.ones((3, 2)), nd.array([-1]), mode="raise")


def test_take_modes_vs_numpy():
    a = np.arange(24, dtype=np.float32).reshape(4, 6)
    x = nd.array(a)
    idx = np.array([[-9, -1, 0], [3, 5, 13]], dtype=np.float32)
    for axis in (0, 1, -1):
        n = a.shape[axis]
        got = nd.take(x, nd.array(idx), axis=axis)
        np.testing.assert_array_equal(got.asnumpy(), np.take(a, np.clip(idx.astype(int), 0,
                                                                         n - 1), axis=axis))
        got = nd.take(x, nd.array(idx), axis=axis, mode="wrap")
        np.testing.assert_array_equal(got.asnumpy(), np.take(a, idx.astype(int) % n, axis=axis))


def test_one_hot_gather_scatter_ravel_vs_numpy():
    idx = np.array([[0, 3, -1], [2, 7, 1]], dtype=np.float32)
    got = nd.one_hot(nd.array(idx), 4, on_value=3, off_value=-2, dtype="int64")
    want = np.where(idx[..., None] == np.arange(4), 3, -2)
    assert got.dtype == np.int64
    np.testing.assert_array_equal(got.asnumpy(), want)
    a = np.arange(24, dtype=np.float64).reshape(2, 3, 4)
    gi = np.array([[1, 0, -1], [2, 0, 1]])
    np.testing.assert_array_equal(nd.gather_nd(nd.array(a, dtype="float64"),
                                               nd.array(gi)).asnumpy(), a[tuple(gi)])
    data = np.array([[1, 2, 3, 4], [5, 6, 7, 8]], dtype=np.float32)
    si = np.array([[1, 0], [2, 0]])
    want = np.zeros((2, 3, 4), dtype=np.float32)
    want[tuple(si)] = data
    np.testing.assert_array_equal(nd.scatter_nd(nd.array(data), nd.array(si),
                                                shape=(2, 3, 4)).asnumpy(), want)
    multi = np.array([[1, 0, 2], [2, 3, 0], [0, 1, 3]])
    flat = np.ravel_multi_index(multi, (3, 4, 4))
    np.testing.assert_array_equal(
        nd.ravel_multi_index(nd.array(multi, dtype="int64"), shape=(3, 4, 4)).asnumpy(), flat)
    np.testing.assert_array_equal(
        nd.unravel_index(nd.array(flat, dtype="int64"), shape=(3, 4, 4)).asnumpy(), multi)


def test_boolean_mask_in_contrib():
    x = nd.arange(12).reshape((4, 3))
    r = nd.contrib.boolean_mask(x, nd.array([0, 1, 0, 3]))
    np.testing.assert_array_equal(r.asnumpy(), np.arange(12).reshape(4, 3)[[1, 3]])
    with pytest.raises(MXNetError, match="boolean_mask"):
        nd.contrib.boolean_mask(x, nd.array([0, 1, 0, 3]), axis=1)


# ---- autograd ----------------------------------------------------------------------------
def _leaf(a):
    t = torch.tensor(a, dtype=torch.float64, requires_grad=True)
    return t, mx.nd.from_torch(t)


def test_gradients_through_indexing():
    a = np.random.RandomState(2).uniform(size=(3, 4))
    t, x = _leaf(a)
    with mx.autograd.record():
        outs = [x[1], x[:, 1:3], x[::-1, ::2], x[[0, 0, 2]], x[nd.array([2, 1]), 1:],
                nd.take(x, nd.array([0, 0, 3]), axis=1), nd.gather_nd(x, nd.array([[0, 2],
                                                                                  [1, 1]])),
                nd.batch_take(x, nd.array([1, 2, 3], dtype="int32")),
                nd.contrib.boolean_mask(x, nd.array([1, 0, 1])),
                nd.scatter_nd(x, nd.array([[2, 0, 1]]), shape=(4, 4))]
        loss = sum((o._t * (k + 1)).sum() for k, o in enumerate(outs))
    loss.backward()
    g = np.zeros_like(a)
    g[1] += 1
    g[:, 1:3] += 2
    g[::-1, ::2] += 3
    np.add.at(g, [0, 0, 2], 4)
    g[[2, 1], 1:] += 5
    np.add.at(g, (slice(None), [0, 0, 3]), 6)
    g[0, 1] += 7
    g[2, 1] += 7
    g[[0, 1, 2], [1, 2, 3]] += 8
    g[[0, 2]] += 9
    g += 10
    np.testing.assert_allclose(t.grad.numpy(), g, rtol=1e-12)
