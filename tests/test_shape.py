"""Shape and layout ops (reshape codes, flatten, squeeze, concat/split, slice, pad, tile,
broadcast_*, diag, ...): replayed against real MXNet 1.9.1 (tests/golden/shape.json, recorded
by tools/oracle/record_shape.py), checked against NumPy, and differentiated through torch
autograd while recording."""
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
from record_shape import SHAPE, check_case  # noqa: E402

GOLDEN = json.loads((HERE / "golden" / "shape.json").read_text())["cases"]
nd = mx.nd

#: cases where MXNet 1.9.1 raises but mxcompat deliberately succeeds
EXTENSIONS: dict = {}
#: cases where MXNet 1.9.1 reads past the input (garbage or zeros) and mxcompat raises
_OOB = "the op's element count differs from the input's; MXNet reads past the input"
DEVIATIONS = {"reshape:op-rev:(2, -2)": _OOB, "reshape:op-rev:(-2, 1, 1)": _OOB,
              "reshape:op:(5, 5)": _OOB, "reshape:op-rev:(5, 5)": _OOB}


@pytest.mark.parametrize("cid,code", SHAPE, ids=[c[0] for c in SHAPE])
def test_golden(cid, code):
    check_case(mx, cid, code, GOLDEN[cid], EXTENSIONS, deviations=DEVIATIONS)


def test_golden_covers_every_case():
    assert set(GOLDEN) == {c[0] for c in SHAPE}


# ---- NumPy references -------------------------------------------------------------------
def _a(*shape, dtype="float32", seed=0):
    return np.random.RandomState(seed).uniform(-3, 3, size=shape).astype(dtype)


@pytest.mark.parametrize("dtype", ["float32", "float64", "float16", "int32", "int64", "uint8",
                                   "int8"])
def test_layout_ops_vs_numpy(dtype):
    a = _a(2, 3, 4, dtype=dtype)
    b = _a(2, 3, 4, dtype=dtype, seed=1)
    x, y = nd.array(a, dtype=dtype), nd.array(b, dtype=dtype)
    cases = [
        (nd.transpose(x), a.T), (nd.transpose(x, axes=(1, 2, 0)), a.transpose(1, 2, 0)),
        (nd.swapaxes(x, 0, 2), a.swapaxes(0, 2)), (nd.moveaxis(x, 0, -1), np.moveaxis(a, 0, -1)),
        (nd.concat(x, y), np.concatenate([a, b], 1)),
        (nd.concat(x, y, dim=-1), np.concatenate([a, b], -1)),
        (nd.concatenate([x, y]), np.concatenate([a, b])),
        (nd.stack(x, y, axis=2), np.stack([a, b], 2)),
        (nd.tile(x, (2, 1, 3)), np.tile(a, (2, 1, 3))), (nd.tile(x, (2,)), np.tile(a, 2)),
        (nd.repeat(x, 2, axis=1), np.repeat(a, 2, 1)), (nd.repeat(x, 3), np.repeat(a, 3)),
        (nd.flip(x, axis=(0, 2)), a[::-1, :, ::-1]), (nd.flatten(x), a.reshape(2, 12)),
        (nd.expand_dims(x, -2), np.expand_dims(a, -2)),
        (nd.squeeze(nd.array(a[:1], dtype=dtype)), a[0]),
        (nd.slice_axis(x, axis=2, begin=-3, end=None), a[:, :, -3:]),
        (nd.slice_like(x, nd.zeros((1, 2, 2)), axes=(0, 2)), a[:1, :, :2]),
        (nd.broadcast_to(nd.array(a[:, :1], dtype=dtype), shape=(2, 5, 4)),
         np.broadcast_to(a[:, :1], (2, 5, 4))),
        (nd.broadcast_axis(nd.array(a[:1], dtype=dtype), axis=0, size=3),
         np.broadcast_to(a[:1], (3, 3, 4))),
        (nd.diag(x, k=1, axis1=2, axis2=1), np.diagonal(a, 1, 2, 1)),
        (nd.diag(nd.array(a[0, 0], dtype=dtype), k=-2), np.diag(a[0, 0], -2)),
        (nd.reshape_like(x, nd.zeros((4, 6))), a.reshape(4, 6)),
    ]
    for k, (got, want) in enumerate(cases):
        assert got.dtype == np.dtype(dtype), k
        np.testing.assert_array_equal(got.asnumpy(), want, err_msg=str(k))
    parts = nd.split(x, 3)
    for p, q in zip(parts, np.split(a, 3, axis=1)):
        np.testing.assert_array_equal(p.asnumpy(), q)
    for p, q in zip(nd.split_v2(x, (1, 3), axis=2), np.split(a, (1, 3), axis=2)):
        np.testing.assert_array_equal(p.asnumpy(), q)


def test_slice_matches_python_slicing():
    a = _a(5, 4, 3)
    x = nd.array(a)
    rng = np.random.RandomState(3)
    choices = [None, -7, -5, -3, -1, 0, 1, 2, 3, 4, 6]
    for _ in range(300):
        n = rng.randint(1, 4)
        b = tuple(choices[i] for i in rng.randint(0, len(choices), n))
        e = tuple(choices[i] for i in rng.randint(0, len(choices), n))
        st = tuple([None, 1, 2, -1, -2, 3][i] for i in rng.randint(0, 6, n))
        key = tuple(slice(bb, ee, ss) for bb, ee, ss in zip(b, e, st))
        got = nd.slice(x, begin=b, end=e, step=st)
        np.testing.assert_array_equal(got.asnumpy(), a[key], err_msg=str(key))


@pytest.mark.parametrize("mode,npmode", [("constant", "constant"), ("edge", "edge"),
                                         ("reflect", "reflect")])
@pytest.mark.parametrize("dtype", ["float32", "float64", "float16"])
def test_pad_vs_numpy(mode, npmode, dtype):
    a = _a(2, 2, 4, 5, dtype=dtype)
    pw = (0, 0, 0, 0, 1, 3, 2, 0)
    got = nd.pad(nd.array(a, dtype=dtype), mode=mode, pad_width=pw)
    want = np.pad(a, [(0, 0), (0, 0), (1, 3), (2, 0)], mode=npmode)
    assert got.dtype == np.dtype(dtype)
    np.testing.assert_array_equal(got.asnumpy(), want)
    a5 = _a(1, 2, 3, 3, 4, dtype=dtype)
    got = nd.pad(nd.array(a5, dtype=dtype), mode=mode, pad_width=(0, 0, 0, 0, 1, 1, 2, 2, 0, 3))
    want = np.pad(a5, [(0, 0), (0, 0), (1, 1), (2, 2), (0, 3)], mode=npmode)
    np.testing.assert_array_equal(got.asnumpy(), want)


def test_depth_space_roundtrip_and_dcr_order():
    a = np.arange(2 * 12 * 2 * 3, dtype=np.float32).reshape(2, 12, 2, 3)
    x = nd.array(a)
    d = nd.depth_to_space(x, 2)
    # MXNet's DCR layout: out[n, c, h*b+i, w*b+j] = in[n, (i*b+j)*C' + c, h, w]
    b, c2 = 2, 3
    want = a.reshape(2, b, b, c2, 2, 3).transpose(0, 3, 4, 1, 5, 2).reshape(2, c2, 4, 6)
    np.testing.assert_array_equal(d.asnumpy(), want)
    np.testing.assert_array_equal(nd.space_to_depth(d, 2).asnumpy(), a)


# ---- view / copy and memory -------------------------------------------------------------
def test_ops_return_fresh_memory():
    x = nd.arange(24).reshape((2, 3, 4))
    outs = [nd.transpose(x, axes=(0, 1, 2)), nd.swapaxes(x, 1, 1), nd.flatten(x),
            nd.squeeze(x), nd.expand_dims(x, 0), nd.slice(x, begin=(0,), end=(2,)),
            nd.slice_axis(x, axis=0, begin=0, end=2), nd.slice_like(x, x), nd.tile(x, (1,)),
            nd.repeat(x, 1, axis=0), nd.flip(x, axis=()), nd.broadcast_to(x, shape=(2, 3, 4)),
            nd.reshape_like(x, x), nd.concat(x), nd.split(x, 1), nd.moveaxis(x, 0, 0),
            nd.diag(x, axis1=0, axis2=1)]
    for k, o in enumerate(outs):
        o[:] = -1
        assert x.asnumpy().min() == 0, k


def test_inplace_methods_are_views():
    x = nd.zeros((2, 1, 3))
    x.squeeze(inplace=True)[:] = 1
    x.expand_dims(0, inplace=True)[:] = x.expand_dims(0, inplace=True) + 1
    x.flatten(inplace=True)[0] = 5
    np.testing.assert_array_equal(x.asnumpy().reshape(-1), [5, 5, 5, 2, 2, 2])
    y = x.flatten()
    y[:] = 0
    assert x.asnumpy().max() == 5


def test_reshape_crashing_codes():
    x = nd.arange(24).reshape((2, 3, 4))
    # MXNet 1.9.1 corrupts its heap on these (abort); mxcompat resolves or raises
    assert nd.reshape(x, shape=(-3, -1)).shape == (6, 4)
    with pytest.raises(MXNetError, match="reshape"):
        nd.reshape(x, shape=(2, 2), reverse=True)
    with pytest.raises(MXNetError, match="reshape"):
        nd.reshape(x, shape=(5, 5))


def test_aliases_and_methods():
    assert nd.Concat is nd.concat and nd.SliceChannel is nd.split and nd.crop is nd.slice
    assert nd.Flatten is nd.flatten and nd.SwapAxis is nd.swapaxes and nd.Pad is nd.pad
    assert nd.reverse is nd.flip and nd.broadcast_axes is nd.broadcast_axis
    x = nd.arange(6).reshape((1, 2, 3))
    assert x.split(num_outputs=3, axis=2)[2].shape == (1, 2, 1)
    assert x.broadcast_axes(axis=0, size=2).shape == (2, 2, 3)
    assert x.tile((2,)).shape == (1, 2, 6) and x.repeat(2).shape == (12,)
    assert x.swapaxes(0, 2).shape == (3, 2, 1) and x.transpose().shape == (3, 2, 1)
    assert x.size_array().asnumpy().tolist() == [6]
    with pytest.raises(TypeError):
        x.transpose(2, 1, 0)
    assert nd.array([1, 2]).broadcast_like(nd.zeros((3, 2))).shape == (3, 2)


def test_out_and_multi_output_out():
    x = nd.arange(6).reshape((2, 3))
    outs = [nd.zeros((2, 1)) for _ in range(3)]
    r = nd.split(x, num_outputs=3, out=outs)
    assert r is outs and outs[2].asnumpy().tolist() == [[2], [5]]
    o = nd.zeros((3, 2))
    assert nd.transpose(x, out=o) is o and o.asnumpy().tolist() == [[0, 3], [1, 4], [2, 5]]


def test_string_params():
    x = nd.arange(24).reshape((2, 3, 4))
    assert nd.transpose(x, axes="(1, 0, 2)").shape == (3, 2, 4)
    assert nd.slice(x, begin="(None, 1)", end="(None, 3)").shape == (2, 2, 4)
    assert nd.tile(x, reps="[1, 2]").shape == (2, 3, 8)
    assert nd.split(x, num_outputs="2", axis="0", squeeze_axis="True")[0].shape == (3, 4)
    assert nd.concat(x, x, dim="0").shape == (4, 3, 4)


# ---- autograd ----------------------------------------------------------------------------
def _leaf(a):
    t = torch.tensor(a, dtype=torch.float64, requires_grad=True)
    return t, mx.nd.from_torch(t)


def test_gradients_flow_through_layout_ops():
    a = _a(2, 3, 4, dtype="float64")
    w = _a(2, 3, 4, dtype="float64", seed=2)
    t, x = _leaf(a)
    with mx.autograd.record():
        parts = [nd.transpose(x, axes=(2, 0, 1)), nd.slice(x, begin=(None, None, None),
                                                          end=(None, None, None),
                                                          step=(-1, 2, -1)),
                 nd.flip(x, axis=1), nd.tile(x, (2,)), nd.repeat(x, 2, axis=2),
                 nd.concat(x, x, dim=0), nd.stack(x, x), nd.swapaxes(x, 0, 2),
                 nd.pad(nd.expand_dims(x, 0), mode="reflect",
                        pad_width=(0, 0, 0, 0, 1, 1, 2, 1)),
                 nd.diag(x, axis1=1, axis2=2), nd.broadcast_axis(nd.expand_dims(x, 0), axis=0,
                                                                 size=3)]
        parts += list(nd.split(x, 3))
        loss = sum(p._t.sum() for p in parts) + (nd.reshape_like(x, nd.zeros((24,)))._t *
                                                 torch.tensor(w.reshape(-1))).sum()
    assert parts[0]._t.requires_grad
    loss.backward()
    # reference: the same ops through torch on a fresh leaf
    u = torch.tensor(a, requires_grad=True)
    ref = (u.permute(2, 0, 1).sum() + u[:, ::2].sum() + u.flip(1).sum() + u.tile(2).sum()
           + u.repeat_interleave(2, 2).sum() + 2 * u.sum() + 2 * u.sum() + u.sum()
           + torch.nn.functional.pad(u[None], (2, 1, 1, 1), mode="reflect").sum()
           + torch.diagonal(u, 0, 1, 2).sum() + 3 * u.sum() + u.sum()
           + (u.reshape(-1) * torch.tensor(w.reshape(-1))).sum())
    ref.backward()
    np.testing.assert_allclose(t.grad.numpy(), u.grad.numpy(), rtol=1e-12)


def test_no_graph_outside_record():
    t, x = _leaf(np.ones((2, 2)))
    assert not nd.transpose(x)._t.requires_grad
    assert not nd.concat(x, x)._t.requires_grad


@pytest.mark.parametrize("call", [
    lambda b: nd.batch_take(b, nd.array([0, 1], dtype="int32")),
    lambda b: nd.one_hot(b.reshape((-1,)), depth=3),
    lambda b: nd.ravel_multi_index(b, shape=(2, 2)),
    lambda b: nd.unravel_index(b.reshape((-1,)), shape=(2, 2)),
], ids=["batch_take", "one_hot", "ravel_multi_index", "unravel_index"])
def test_index_ops_reject_bool(call):
    # MXNet 1.9.1 (recorded in compat_matrix/golden/shape_indexing.json): these index ops
    # have no bool kernel and raise "Unknown type enum 7"
    b = nd.array([[1, 0], [0, 1]], dtype="bool")
    with pytest.raises(MXNetError, match="Unknown type enum 7"):
        call(b)
