"""dot, batch_dot, khatri_rao and mx.nd.linalg: replayed against real MXNet 1.9.1
(tests/golden/linalg.json, recorded by tools/oracle/record_linalg.py), checked against NumPy,
and differentiated through torch autograd while recording."""
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
from record_linalg import CASES, encode, run_case  # noqa: E402

GOLDEN = json.loads((HERE / "golden" / "linalg.json").read_text())["cases"]
nd = mx.nd


def _vals(rec):
    return np.array([float(x) for x in rec["values"]], dtype=np.float64)


def _compare(got, exp, cid):
    if "seq" in exp:
        assert "seq" in got and len(got["seq"]) == len(exp["seq"]), cid
        for g, e in zip(got["seq"], exp["seq"]):
            _compare(g, e, cid)
        return
    assert got["dtype"] == exp["dtype"], cid
    assert got["shape"] == exp["shape"], cid
    tol = 1e-4 if exp["dtype"] == "float32" else 1e-9
    np.testing.assert_allclose(_vals(got), _vals(exp), rtol=tol, atol=tol, err_msg=cid)


@pytest.mark.parametrize("cid,code", CASES, ids=[c[0] for c in CASES])
def test_golden(cid, code):
    exp = GOLDEN[cid]
    if "error" in exp:
        assert exp["mxnet_error"] or exp["error"] == "AssertionError", exp
        with pytest.raises(MXNetError) as ei:
            run_case(mx, code)
        op = cid.split(":")[1]
        assert op in str(ei.value), (str(ei.value), op)
        return
    _compare(encode(run_case(mx, code)), exp["result"], cid)


def test_golden_covers_every_case():
    assert set(GOLDEN) == {c[0] for c in CASES}


# ---- names -------------------------------------------------------------------------------
LINALG = ("det", "extractdiag", "extracttrian", "gelqf", "gemm", "gemm2", "inverse",
          "makediag", "maketrian", "potrf", "potri", "slogdet", "sumlogdiag", "syevd", "syrk",
          "trmm", "trsm")


@pytest.mark.parametrize("name", LINALG)
def test_linalg_names(name):
    fn = getattr(nd.linalg, name)
    assert not getattr(fn, "_mx_stub", False)
    if name != "syevd":  # MXNet 1.9.1 has no mx.nd.linalg_syevd
        assert getattr(nd, "linalg_" + name) is fn


# ---- against NumPy -----------------------------------------------------------------------
def _rand(*shape, seed=0, dtype="float64"):
    return np.random.RandomState(seed).uniform(-1, 1, size=shape).astype(dtype)


def test_dot_is_tensordot():
    a, b = _rand(2, 3, 4), _rand(4, 3, 5, seed=1)
    r = nd.dot(nd.array(a, dtype="float64"), nd.array(b, dtype="float64"))
    np.testing.assert_allclose(r.asnumpy(), np.tensordot(a, b, 1), rtol=1e-12)
    r = nd.dot(nd.array(a, dtype="float64"), nd.array(b.T, dtype="float64"), transpose_b=True)
    np.testing.assert_allclose(r.asnumpy(), np.tensordot(a, np.moveaxis(b.T, -1, 0), 1),
                               rtol=1e-12)


def test_dot_1d_shape_and_out():
    o = nd.zeros((1,))
    r = nd.dot(nd.array([1, 2, 3]), nd.array([4, 5, 6]), out=o)
    assert r is o and o.shape == (1,) and o.asnumpy()[0] == 32


def test_batch_dot_matches_numpy():
    a, b = _rand(3, 2, 4), _rand(3, 5, 4, seed=2)
    r = nd.batch_dot(nd.array(a), nd.array(b), transpose_b=True)
    np.testing.assert_allclose(r.asnumpy(), a @ np.swapaxes(b, 1, 2), rtol=1e-5, atol=1e-6)


def test_linalg_against_numpy():
    a = _rand(3, 4, 4, seed=3) + 3 * np.eye(4)
    A = nd.array(a, dtype="float64")
    np.testing.assert_allclose(nd.linalg.det(A).asnumpy(), np.linalg.det(a), rtol=1e-10)
    np.testing.assert_allclose(nd.linalg.inverse(A).asnumpy(), np.linalg.inv(a), rtol=1e-10)
    s, l = nd.linalg.slogdet(A)
    s0, l0 = np.linalg.slogdet(a)
    np.testing.assert_array_equal(s.asnumpy(), s0)
    np.testing.assert_allclose(l.asnumpy(), l0, rtol=1e-10)
    spd = a @ np.swapaxes(a, 1, 2)
    L = nd.linalg.potrf(nd.array(spd, dtype="float64"))
    np.testing.assert_allclose(L.asnumpy(), np.linalg.cholesky(spd), rtol=1e-10)
    np.testing.assert_allclose(nd.linalg.potri(L).asnumpy(), np.linalg.inv(spd), rtol=1e-8)
    U, lam = nd.linalg.syevd(nd.array(spd, dtype="float64"))
    u = U.asnumpy()
    np.testing.assert_allclose(np.swapaxes(u, 1, 2) @ (lam.asnumpy()[..., None] * u), spd,
                               rtol=1e-9, atol=1e-9)
    Q, L2 = nd.linalg.gelqf(nd.array(a[:, :3, :], dtype="float64"))
    np.testing.assert_allclose(L2.asnumpy() @ Q.asnumpy(), a[:, :3, :], atol=1e-12)
    assert np.allclose(np.triu(L2.asnumpy(), 1), 0)


def test_det_shapes():
    assert nd.linalg.det(nd.ones((2, 2))).shape == (1,)
    assert nd.linalg.det(nd.ones((5, 2, 2))).shape == (5,)
    assert nd.linalg.sumlogdiag(nd.ones((2, 2))).shape == (1,)
    assert [x.shape for x in nd.linalg.slogdet(nd.ones((2, 3, 2, 2)))] == [(2, 3), (2, 3)]


def test_params_accept_strings_and_out():
    A, B = nd.array(_rand(2, 3)), nd.array(_rand(3, 2, seed=1))
    o = nd.zeros((2, 2))
    r = nd.linalg.gemm2(A, B, alpha="2", transpose_a="False", out=o)
    assert r is o
    np.testing.assert_allclose(o.asnumpy(), 2 * A.asnumpy() @ B.asnumpy(), rtol=1e-5)
    with pytest.raises(MXNetError, match="gemm2"):
        nd.linalg.gemm2(A, B, bogus=1)


def test_multi_output_out():
    outs = [nd.zeros((1,)), nd.zeros((1,))]
    r = nd.linalg.slogdet(nd.array([[2.0, 0], [0, -3]]), out=outs)
    assert r is outs
    assert outs[0].asnumpy()[0] == -1 and np.isclose(outs[1].asnumpy()[0], np.log(6))


# ---- autograd ----------------------------------------------------------------------------
def _leaf(a):
    t = torch.tensor(a, dtype=torch.float64, requires_grad=True)
    return t, mx.nd.from_torch(t)


def test_grad_det_inverse_potrf_gemm():
    a = _rand(3, 3, seed=7) + 3 * np.eye(3)
    t, x = _leaf(a)
    with mx.autograd.record():
        y = nd.linalg.det(x)
    assert y._t.requires_grad
    y._t.sum().backward()
    np.testing.assert_allclose(t.grad.numpy(), np.linalg.det(a) * np.linalg.inv(a).T,
                               rtol=1e-10)
    t, x = _leaf(a)
    with mx.autograd.record():
        y = nd.linalg.inverse(x)
    y._t.sum().backward()
    inv = np.linalg.inv(a)
    np.testing.assert_allclose(t.grad.numpy(), -(inv.T @ np.ones((3, 3)) @ inv.T), rtol=1e-9)
    spd = a @ a.T
    t, x = _leaf(spd)
    with mx.autograd.record():
        y = nd.linalg.sumlogdiag(nd.linalg.potrf(x))
    y._t.sum().backward()
    # sum(log(diag(chol(A)))) = logdet(A)/2, whose gradient is inv(A)/2
    np.testing.assert_allclose(t.grad.numpy(), np.linalg.inv(spd) / 2, rtol=1e-9)
    b = _rand(3, 2, seed=8)
    tb, xb = _leaf(b)
    t, x = _leaf(a)
    c = nd.ones((3, 2), dtype="float64")
    with mx.autograd.record():
        y = nd.linalg.gemm(x, xb, c, alpha=2.0)
    y._t.sum().backward()
    np.testing.assert_allclose(t.grad.numpy(), 2 * np.ones((3, 2)) @ b.T, rtol=1e-12)
    np.testing.assert_allclose(tb.grad.numpy(), 2 * a.T @ np.ones((3, 2)), rtol=1e-12)


def test_no_graph_outside_record():
    t, x = _leaf(np.eye(2) * 2)
    assert not nd.linalg.det(x)._t.requires_grad


# ---- GPU -----------------------------------------------------------------------------------
@pytest.mark.gpu
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
def test_gpu_dot_float16_and_linalg():
    g = mx.gpu(0)
    a = nd.array(_rand(3, 4), ctx=g, dtype="float16")
    b = nd.array(_rand(4, 2, seed=1), ctx=g, dtype="float16")
    r = nd.dot(a, b)
    assert r.dtype == np.float16 and r.context == g
    np.testing.assert_allclose(r.asnumpy(), a.asnumpy().astype("f4") @ b.asnumpy(), rtol=1e-2,
                               atol=1e-2)
    with pytest.raises(MXNetError, match="linalg_gemm2"):
        nd.linalg.gemm2(a, b)
    A = nd.array(_rand(2, 3, 3) + 3 * np.eye(3), ctx=g)
    np.testing.assert_allclose(nd.linalg.det(A).asnumpy(), np.linalg.det(A.asnumpy()),
                               rtol=1e-4)
    assert nd.linalg.det(A).context == g
