"""mx.nd misc names (mxcompat/ndarray/misc.py): behaviour the matrix can't express (in-place
writes, shared memory, returned identity, error types). Expected values are MXNet 1.9.1's
(recorded with the oracle)."""
import numpy as np
import pytest

import mxcompat as mx
from mxcompat.base import MXNetError

nd = mx.nd


def test_fill_element_0index_out_of_place():
    lhs = nd.array([[1, 2, 3], [4, 5, 6]])
    r = nd.fill_element_0index(lhs, nd.array([10, 20]), nd.array([2, 0]))
    assert r.asnumpy().tolist() == [[1, 2, 10], [20, 5, 6]]
    assert lhs.asnumpy().tolist() == [[1, 2, 3], [4, 5, 6]]
    # out-of-range indices leave the row alone; fractions truncate
    r = nd.fill_element_0index(lhs, nd.array([10, 20]), nd.array([3, -1]))
    assert r.asnumpy().tolist() == [[1, 2, 3], [4, 5, 6]]
    r = nd.fill_element_0index(lhs, nd.array([10, 20]), nd.array([1.7, 0.2]))
    assert r.asnumpy().tolist() == [[1, 10, 3], [20, 5, 6]]


def test_onehot_encode_writes_out():
    out = nd.zeros((3, 4))
    r = nd.onehot_encode(nd.array([1, 3, 0]), out)
    assert r is out
    assert out.asnumpy().tolist() == [[0, 1, 0, 0], [0, 0, 0, 1], [1, 0, 0, 0]]
    with pytest.raises(MXNetError):
        nd.onehot_encode(nd.array([1, 2, 0]), nd.zeros((3, 4), dtype="int32"))


def test_amp_cast_rules():
    x = nd.array([0.5, 1.5, 2.5, -2.5, -0.5, 3.7, 1e10, -1e10, 200, 300])
    assert nd.amp_cast(x, dtype="int32").asnumpy().tolist() == [
        0, 2, 2, -2, 0, 4, 2147483520, -2147483648, 200, 300]
    assert nd.amp_cast(x, dtype="uint8").asnumpy().tolist() == [
        0, 2, 2, 0, 0, 4, 255, 0, 200, 255]
    assert nd.amp_cast(x.astype("float16"), dtype="int8").asnumpy().tolist() == [
        0, 1, 2, -2, 0, 3, 0, 0, -56, 44]
    i = nd.array([1, 2], dtype="int32")
    assert nd.amp_cast(i, dtype="float16").dtype == np.int32


def test_from_numpy_shares_memory_and_locks():
    n = np.arange(6, dtype=np.float32).reshape(2, 3)
    x = nd.from_numpy(n)
    assert not n.flags.writeable
    x[0, 0] = 100
    assert n[0, 0] == 100
    with pytest.raises(MXNetError):
        nd.from_numpy(np.zeros((2, 3)).T)
    with pytest.raises(MXNetError):
        nd.from_numpy(np.array([1, 2], dtype=np.int16))


def test_dlpack_roundtrip_shares_and_consumes_once():
    a = nd.array([1, 2, 3])
    cap = nd.to_dlpack_for_read(a)
    assert type(cap).__name__ == "PyCapsule"
    b = nd.from_dlpack(cap)
    b[0] = 9
    assert a.asnumpy().tolist() == [9, 2, 3]
    with pytest.raises(MXNetError, match="consumed only once"):
        nd.from_dlpack(cap)
    c = nd.from_dlpack(a.to_dlpack_for_write())
    c[1] = 7
    assert a.asnumpy().tolist() == [9, 7, 3]


def test_slice_assign_in_place_returns_self():
    x = nd.ones((2, 2, 2))
    r = x.slice_assign(nd.zeros((1, 1, 2)), (0, 0, None), (1, 1, None), (None, None, None))
    assert r is x
    assert x.asnumpy().ravel().tolist() == [0, 0, 1, 1, 1, 1, 1, 1]
    y = nd.ones((2, 3), dtype="int32")
    assert y.slice_assign_scalar(2.7, (0,), (1,), ()) is y
    assert y.asnumpy().tolist() == [[2, 2, 2], [1, 1, 1]]
    with pytest.raises(MXNetError):
        x.slice_assign(nd.zeros((1, 1, 2), dtype="int32"), (0, 0), (1, 1), ())


def test_indexing_helpers():
    assert nd.get_indexing_dispatch_code((0, slice(1, 2), None)) == 0
    assert nd.get_indexing_dispatch_code((0, [1, 2])) == 1
    assert nd.get_indexing_dispatch_code(((),)) == 2
    assert nd.get_oshape_of_gather_nd_op((3, 4, 5), (2, 6)) == (6, 5)
    key, prepend = nd.indexing_key_expand_implicit_axes((slice(None, 2), None, 0, Ellipsis),
                                                        (3, 4, 5))
    assert key == (slice(None, 2), None, 0, slice(None)) and prepend == -1
    assert nd.indexing_key_expand_implicit_axes((True,), (3, 4, 5))[1] == 1


def test_cachedop_says_unsupported_and_custom_needs_a_registered_op():
    with pytest.raises(MXNetError, match="not supported"):
        nd.CachedOp(None)
    # MXNet 1.9.1: "Cannot find custom operator x" for an op_type nobody registered
    with pytest.raises(MXNetError, match="Cannot find custom operator x"):
        nd.Custom(nd.ones(2), op_type="x")
