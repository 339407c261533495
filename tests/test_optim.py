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


# ---- contrib AdamW / LAMB, preloaded SGD, LARS, group AdaGrad -----------------------------
# Values below were printed by real MXNet 1.9.1 (tools: /work/venvs/oracle) for these inputs.
def _f(x, dt="float32"):
    return nd.array(x, dtype=dt)


def test_adamw_values_and_grad_overwrite():
    w, g, m, v = _f([1.0, 2.0]), _f([0.5, -1.0]), _f([0.1, 0.2]), _f([0.1, 0.2])
    r = nd.contrib.adamw_update(w, g, m, v, rescale_grad=1.0, lr=0.1, eta=1.0, wd=0.1)
    np.testing.assert_allclose(r.asnumpy(), [0.8557613, 1.7821472], rtol=1e-6)
    np.testing.assert_allclose(m.asnumpy(), [0.14000002, 0.07999997], rtol=1e-6)
    np.testing.assert_allclose(v.asnumpy(), [0.10015, 0.20079999], rtol=1e-6)
    np.testing.assert_array_equal(w.asnumpy(), [1.0, 2.0])  # no out=: weight untouched
    # MXNet 1.9.1 writes clip(rescale_grad * grad) back into grad (non-mp adamw only)
    g = _f([0.5, -1.0])
    nd.contrib.adamw_update(w, g, _f([0, 0]), _f([0, 0]), rescale_grad=4.0, lr=0.1, eta=1.0,
                            clip_gradient=3.0)
    np.testing.assert_array_equal(g.asnumpy(), [2.0, -3.0])


def test_adamw_skips_on_nonfinite_or_zero_rescale():
    for bad in (float("nan"), float("inf"), 0.0, _f([0.0])):
        w, g, m, v = _f([1.0, 2.0]), _f([0.5, -1.0]), _f([0.1, 0.2]), _f([0.1, 0.2])
        r = nd.contrib.adamw_update(w, g, m, v, rescale_grad=bad, lr=0.1, eta=1.0, out=w)
        assert r is w
        for a, want in ((w, [1, 2]), (g, [0.5, -1]), (m, [0.1, 0.2]), (v, [0.1, 0.2])):
            np.testing.assert_allclose(a.asnumpy(), want, rtol=1e-6)
    # without out= MXNet returns an unwritten (garbage) array; mxcompat the unchanged weight
    r = nd.contrib.adamw_update(w, g, m, v, rescale_grad=0.0, lr=0.1, eta=1.0)
    np.testing.assert_array_equal(r.asnumpy(), [1.0, 2.0])


def test_adamw_rescale_array_uses_first_value_and_must_be_float32():
    w, g, m, v = _f([1.0, 2.0]), _f([0.5, -1.0]), _f([0.1, 0.2]), _f([0.1, 0.2])
    nd.contrib.adamw_update(w, g, m, v, rescale_grad=_f([2.0, 3.0]), lr=0.1, eta=1.0, out=w)
    np.testing.assert_allclose(g.asnumpy(), [1.0, -2.0])
    w64 = _f([1.0], "float64")
    with pytest.raises(MXNetError, match="adamw_update"):
        nd.contrib.adamw_update(w64, w64, w64, w64, rescale_grad=_f([1.0], "float64"),
                                lr=0.1, eta=1.0)
    with pytest.raises(TypeError):
        nd.contrib.adamw_update(w, g, m, v, rescale_grad=1.0, lr=0.1)  # eta is required


def test_mp_adamw_updates_master_copy():
    w32 = _f([1.0, 2.0])
    w = w32.astype("float16")
    m, v = _f([0.1, 0.2]), _f([0.1, 0.2])
    r = nd.contrib.mp_adamw_update(w, _f([0.5, -1], "float16"), m, v, w32, rescale_grad=1.0,
                                   lr=0.1, eta=1.0, wd=0.1)
    assert r.dtype == np.float16
    np.testing.assert_allclose(r.asnumpy(), [0.856, 1.782], rtol=1e-3)
    np.testing.assert_allclose(w32.asnumpy(), [0.8557613, 1.7821472], rtol=1e-6)
    np.testing.assert_array_equal(w.asnumpy(), [1.0, 2.0])


def _two(dt="float32"):
    return ([_f([1.0, 2.0], dt), _f([3.0], dt)], [_f([0.5, -1], dt), _f([2.0], dt)],
            [_f([0.1, 0.2], dt), _f([0.3], dt)], [_f([0.1, 0.2], dt), _f([0.3], dt)])


def test_multi_adamw_out_forms():
    w, g, m, v = _two()
    r = nd.contrib.multi_adamw_update(w, g, m, v, rescale_grad=1.0, lrs=[0.1, 0.2],
                                      wds=[0.1, 0.0], etas=[1.0, 0.5], out=w)
    assert isinstance(r, list) and r[0] is w[0] and r[1] is w[1]
    np.testing.assert_allclose(w[0].asnumpy(), [0.8557613, 1.7821472], rtol=1e-6)
    np.testing.assert_allclose(w[1].asnumpy(), [2.9147143], rtol=1e-6)
    # one weight, out= a bare array: a bare array back
    w, g, m, v = _two()
    r = nd.contrib.multi_adamw_update(w[:1], g[:1], m[:1], v[:1], rescale_grad=1.0,
                                      lrs=[0.1], wds=[0.1], etas=[1.0], out=w[0])
    assert r is w[0]
    # MXNet needs out=; mxcompat returns new arrays (extension)
    w, g, m, v = _two()
    r = nd.contrib.multi_adamw_update(w, g, m, v, rescale_grad=1.0, lrs=[0.1, 0.2],
                                      wds=[0.1, 0.0], etas=[1.0, 0.5])
    np.testing.assert_allclose(r[0].asnumpy(), [0.8557613, 1.7821472], rtol=1e-6)
    np.testing.assert_array_equal(w[0].asnumpy(), [1.0, 2.0])
    with pytest.raises(MXNetError, match="multi_adamw_update"):
        nd.contrib.multi_adamw_update(w, g, m, v, rescale_grad=1.0, lrs=[0.1],
                                      wds=[0.1, 0.0], etas=[1.0, 0.5], out=w)


def test_multi_adamw_float64_needs_matching_rescale_array():
    w, g, m, v = _two("float64")
    with pytest.raises(MXNetError, match="multi_adamw_update"):
        nd.contrib.multi_adamw_update(w, g, m, v, rescale_grad=1.0, lrs=[0.1, 0.2],
                                      wds=[0.1, 0.0], etas=[1.0, 0.5], out=w)
    # MXNet 1.9.1 reads lrs/wds/etas with the wrong width for float64 and returns garbage;
    # mxcompat computes the update (compare with the float32 result)
    nd.contrib.multi_adamw_update(w, g, m, v, rescale_grad=_f([1.0], "float64"),
                                  lrs=[0.1, 0.2], wds=[0.1, 0.0], etas=[1.0, 0.5], out=w)
    np.testing.assert_allclose(w[0].asnumpy(), [0.8557613, 1.7821472], rtol=1e-6)


def test_multi_mp_lamb_float32_weights_ignore_master_copy():
    # MXNet: for float32 weights the multi-tensor kernels use the weights and leave weights32
    w32 = [_f([1.0, 2.0]), _f([3.0])]
    w = [_f([1.0, 2.0]), _f([3.0])]
    g = [_f([0.5, -1]), _f([2.0])]
    m, v = [_f([0.1, 0.2]), _f([0.3])], [_f([0.1, 0.2]), _f([0.3])]
    r = nd.contrib.multi_mp_lamb_update(w, g, m, v, w32, step_count=[1, 2], lrs=[0.1, 0.2],
                                        wds=[0.1, 0.0], out=w)
    np.testing.assert_allclose(r[0].asnumpy(), [0.84724677, 1.8367014], rtol=1e-6)
    np.testing.assert_allclose(r[1].asnumpy(), [2.4000001], rtol=1e-6)
    np.testing.assert_array_equal(w32[0].asnumpy(), [1.0, 2.0])


def test_multi_lamb_options():
    w, g, m, v = _two()
    nd.contrib.multi_lamb_update(w, g, m, v, step_count=[1, 2], lrs=[0.1, 0.2],
                                 wds=[0.1, 0.0], out=w, lower_bound=0.5, upper_bound=2.0,
                                 clip_gradient=0.7, rescale_grad=1.5, bias_correction=False)
    np.testing.assert_allclose(w[0].asnumpy(), [0.8389907, 1.8813577], rtol=1e-6)
    np.testing.assert_allclose(w[1].asnumpy(), [2.6], rtol=1e-6)
    with pytest.raises(MXNetError, match="step count"):
        nd.contrib.multi_lamb_update(w, g, m, v, step_count=[1], lrs=[0.1, 0.2],
                                     wds=[0.1, 0.0], out=w)


def test_mp_lamb_phase2_leaves_weight32():
    w32 = _f([1.0, 2.0])
    r = nd.mp_lamb_update_phase2(w32.astype("float16"), _f([0.5, 0.5]), _f([1.0]), _f([2.0]),
                                 w32, lr=0.1)
    np.testing.assert_allclose(r.asnumpy(), [0.975, 1.975], rtol=1e-3)
    np.testing.assert_array_equal(w32.asnumpy(), [1.0, 2.0])


def test_preloaded_sgd_mom():
    w, g, m, _ = _two()
    r = nd.preloaded_multi_sgd_mom_update(w[0], g[0], m[0], w[1], g[1], m[1], _f([0.1, 0.2]),
                                          _f([0.1, 0.0]), num_weights=2, momentum=0.9,
                                          out=[w[0], w[1]])
    assert r[0] is w[0]
    # hand-computed: mom = 0.9*mom - lr*wd*w - lr*g; w += mom
    np.testing.assert_allclose(w[0].asnumpy(), [1.03, 2.26], rtol=1e-6)
    np.testing.assert_allclose(w[1].asnumpy(), [2.87], rtol=1e-6)
    np.testing.assert_allclose(m[0].asnumpy(), [0.03, 0.26], rtol=1e-5)
    np.testing.assert_allclose(m[1].asnumpy(), [-0.13], rtol=1e-5)
    with pytest.raises(MXNetError, match="preloaded_multi_sgd_update"):
        nd.preloaded_multi_sgd_update(w[0], g[0], _f([0.1], "float64"), _f([0.1], "float64"))
    with pytest.raises(MXNetError, match="lrs"):
        nd.preloaded_multi_sgd_update(w[0], g[0], w[1], g[1], _f([0.1, 0.2, 0.3]),
                                      _f([0.1, 0.0]), num_weights=2)


def test_multi_lars():
    r = nd.multi_lars(_f([0.1, 0.2, 0.3]), _f([4.0, 0.0, 9.0]), _f([1.0, 1.0, 0.0]),
                      _f([0.01, 0.0, 0.1]), eta=0.5, eps=1e-3, rescale_grad=2.0)
    np.testing.assert_allclose(r.asnumpy(), [0.04948046, 0.2, 0.3], rtol=1e-6)
    with pytest.raises(MXNetError, match="multi_lars"):
        x = _f([1.0], "float64")
        nd.multi_lars(x, x, x, x, eta=0.5, eps=1e-3)


def test_group_adagrad_matches_mxnet_row_sparse():
    # MXNet 1.9.1 runs it only with a row_sparse grad and out=weight; the same numbers here
    # come from dense arrays (a zero row of the gradient leaves its row and history alone)
    for hshape in ((3,), (3, 1)):
        w = _f([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
        h = nd.ones(hshape) * 0.5
        r = nd.contrib.group_adagrad_update(w, _f([[0.5, -1], [0, 0], [2, 1]]), h, lr=0.1,
                                            rescale_grad=2.0, clip_gradient=1.5,
                                            epsilon=1e-5, out=w)
        assert r is w
        np.testing.assert_allclose(w.asnumpy(), [[0.9314007, 2.1028988], [3.0, 4.0],
                                                 [4.9095469, 5.9095469]], rtol=1e-6)
        np.testing.assert_allclose(h.asnumpy().ravel(), [2.125, 0.5, 2.75], rtol=1e-6)
    w, h = _f([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]), nd.zeros((3,))
    nd.contrib.group_adagrad_update(w, _f([[0.5, -1], [3, 0], [2, 1]]), h, lr=0.1, out=w)
    np.testing.assert_allclose(w.asnumpy(), [[0.93675494, 2.1264901], [2.8585787, 4.0],
                                             [4.873509, 5.9367547]], rtol=1e-6)
    np.testing.assert_allclose(h.asnumpy(), [0.625, 4.5, 2.5], rtol=1e-6)
    with pytest.raises(MXNetError, match="group_adagrad_update"):
        nd.contrib.group_adagrad_update(w, w, nd.zeros((2,)), lr=0.1)


def test_single_weight_out_list():
    w, g = _f([1.0, 2.0]), _f([0.5, -1.0])
    r = nd.multi_sgd_update(w, g, lrs=(0.1,), wds=(0.0,), num_weights=1, out=[w])
    assert isinstance(r, list) and r[0] is w
    np.testing.assert_allclose(w.asnumpy(), [0.95, 2.1], rtol=1e-6)
    r = nd.multi_sgd_update(w, g, lrs=(0.1,), wds=(0.0,), num_weights=1)
    assert isinstance(r, mx.nd.NDArray)
