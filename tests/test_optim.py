"""Optimizer update ops: replayed against real MXNet 1.9.1 (tests/golden/nn.json, recorded by
tools/oracle/record_nn.py: the returned weight and every state after the call), plus in-place
semantics and NumPy references."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest

import mxcompat as mx
from mxcompat.base import MXNetError

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tools" / "oracle"))
from record_nn import CASES, GRAD_MXCOMPAT, compare, encode, run_case  # noqa: E402

GOLDEN = json.loads((HERE / "golden" / "nn.json").read_text())["cases"]
nd = mx.nd
OPT_CASES = [c for c in CASES if c[0].startswith("opt:")]


@pytest.mark.parametrize("cid,code", OPT_CASES, ids=[c[0] for c in OPT_CASES])
def test_golden(cid, code):
    exp = GOLDEN[cid]
    if "error" in exp:
        assert exp["mxnet_error"], exp
        with pytest.raises(MXNetError) as ei:
            run_case(mx, code, GRAD_MXCOMPAT)
        assert cid.split(":")[1] in str(ei.value)
        return
    # MXNet computes beta**t and some FTML/LAMB intermediates in float32
    loose = cid.endswith("float64") and ("ftml" in cid or "lamb" in cid)
    compare(encode(run_case(mx, code, GRAD_MXCOMPAT)), exp["result"], cid,
            rtol=2e-5 if loose else None)


def test_inplace_semantics():
    w, g, m = nd.array([1.0, 2.0]), nd.array([0.5, -1.0]), nd.zeros(2)
    r = nd.sgd_mom_update(w, g, m, lr=0.1, momentum=0.9)
    # without out=: a new array; the weight is untouched, the state is updated
    assert r is not w
    np.testing.assert_array_equal(w.asnumpy(), [1.0, 2.0])
    np.testing.assert_allclose(m.asnumpy(), [-0.05, 0.1], rtol=1e-6)
    np.testing.assert_allclose(r.asnumpy(), [0.95, 2.1], rtol=1e-6)
    # out=w writes into the very same object
    view = w[0:1]
    r = nd.sgd_update(w, g, lr=1.0, out=w)
    assert r is w
    np.testing.assert_allclose(w.asnumpy(), [0.5, 3.0])
    np.testing.assert_allclose(view.asnumpy(), [0.5])


def test_adam_numpy():
    rs = np.random.RandomState(0)
    w0, g0, m0, v0 = rs.rand(6), rs.randn(6), rs.rand(6), rs.rand(6)
    w, g, m, v = (nd.array(a, dtype="float64") for a in (w0, g0, m0, v0))
    nd.adam_update(w, g, m, v, lr=0.01, beta1=0.8, beta2=0.9, epsilon=1e-6, wd=0.1,
                   rescale_grad=0.5, out=w)
    gg = 0.5 * g0 + 0.1 * w0
    me = 0.8 * m0 + 0.2 * gg
    ve = 0.9 * v0 + 0.1 * gg * gg
    np.testing.assert_allclose(m.asnumpy(), me, rtol=1e-6)
    np.testing.assert_allclose(v.asnumpy(), ve, rtol=1e-6)
    np.testing.assert_allclose(w.asnumpy(), w0 - 0.01 * me / (np.sqrt(ve) + 1e-6), rtol=1e-6)


def test_training_loop_with_updates():
    # a few SGD-momentum steps on a least-squares problem reduce the loss
    rs = np.random.RandomState(0)
    xa = rs.randn(32, 4)
    x = nd.array(xa)
    y = nd.array(xa @ np.array([[1.0], [-2.0], [0.5], [3.0]]))
    w, mom = nd.zeros((1, 4)), nd.zeros((1, 4))
    losses = []
    for _ in range(20):
        xa, wa, ya = x.asnumpy(), w.asnumpy(), y.asnumpy()
        err = xa @ wa.T - ya
        losses.append(float((err ** 2).mean()))
        grad = nd.array(2 * err.T @ xa / 32)
        nd.sgd_mom_update(w, grad, mom, lr=0.05, momentum=0.5, out=w)
    assert losses[-1] < losses[0] * 0.9


def test_nag_out_alias_matches_mxnet():
    # probed on MXNet 1.9.1: with out=weight, mom is computed from the updated weight
    w, g, m = nd.array([1.0]), nd.array([0.0]), nd.array([0.5])
    nd.nag_mom_update(w, g, m, lr=0.1, momentum=0.9, wd=0.01, out=w)
    np.testing.assert_allclose(w.asnumpy(), [1.4031], rtol=1e-6)
    np.testing.assert_allclose(m.asnumpy(), [0.4485969], rtol=1e-6)
    w, m = nd.array([1.0]), nd.array([0.5])
    r = nd.nag_mom_update(w, g, m, lr=0.1, momentum=0.9, wd=0.01)
    np.testing.assert_allclose(r.asnumpy(), [1.4031], rtol=1e-6)
    np.testing.assert_allclose(m.asnumpy(), [0.449], rtol=1e-6)


def test_errors():
    with pytest.raises(MXNetError, match="multi_sgd_update"):
        nd.multi_sgd_update(nd.ones(2), nd.ones(2), lrs=(0.1, 0.2), wds=(0, 0))
    with pytest.raises(MXNetError, match="reset_arrays"):
        nd.reset_arrays(nd.ones(2))
    with pytest.raises(MXNetError, match="ftml_update"):
        nd.ftml_update(nd.ones(2), nd.ones(2), nd.ones(2), nd.ones(2), nd.ones(2), lr=0.1)
