"""gluon.rnn and gluon.contrib.rnn against real MXNet 1.9.1 (tests/golden/rnn.json and
tests/fixtures/rnn/, recorded by tools/oracle/record_rnn.py): printed forms, parameter names
and state layouts of every cell and layer, the errors of the common mistakes, initializers,
outputs / final states / gradients of the fused layers and of unrolled cells on fixed weights,
and ``.params`` files written by MXNet (loaded here with the same outputs)."""
from __future__ import annotations

import json
import os
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

import mxcompat as mx

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "tools" / "oracle"))
import record_rnn as rec  # noqa: E402

GOLDEN = json.loads((HERE / "golden" / "rnn.json").read_text())
FIXTURES = HERE / "fixtures" / "rnn"
TOL = dict(rtol=2e-5, atol=2e-6)


@pytest.fixture(scope="module")
def ns():
    return rec._namespace(mx)


@pytest.fixture(autouse=True)
def _quiet():
    with warnings.catch_warnings():
        # the CPU kernel ignores clipping / sequence lengths as MXNet's does, and says so
        warnings.filterwarnings("ignore", message=".*CPU RNN kernel ignores")
        yield


@pytest.mark.parametrize("bid", sorted(GOLDEN["blocks"]))
def test_repr_names_and_state_info(ns, bid):
    code = dict(rec.BLOCKS)[bid]
    exp = GOLDEN["blocks"][bid]
    with mx.name.NameManager():
        obj = eval(code, ns)  # noqa: S307
    assert repr(obj) == exp["repr"]
    assert obj.prefix == exp["prefix"] and obj.name == exp["name"]
    got = [[k, list(p.shape), str(p.dtype)] for k, p in obj.collect_params().items()]
    assert got == exp["params"]
    assert sorted(obj._collect_params_with_prefix()) == exp["structural"]
    if "state_info" in exp:
        info = json.loads(json.dumps(obj.state_info(2)))  # tuples as lists, as recorded
        assert info == exp["state_info"]


@pytest.mark.parametrize("eid", sorted(GOLDEN["errors"]))
def test_error_messages(ns, eid):
    code, phrase = {e: (c, p) for e, c, p in rec.ERRORS}[eid]
    exp = GOLDEN["errors"][eid]
    with pytest.raises(Exception) as ei:  # noqa: PT011 - the class is checked below
        with mx.name.NameManager():
            exec(code, ns)  # noqa: S102
    err = ei.value
    mro = [c.__name__ for c in type(err).__mro__]
    for base in exp["bases"]:
        assert base in mro, (base, mro)
    if exp["type"] in ("MXNetError", "DeferredInitializationError") or \
            exp["message"].startswith("Deferred"):
        assert isinstance(err, mx.base.MXNetError)
    if phrase is None:
        assert str(err) == exp["message"]
    elif phrase:
        assert phrase in str(err), str(err)


@pytest.mark.parametrize("iid", sorted(k for k in GOLDEN["inits"] if k != "default_moments"))
def test_initializers(ns, iid):
    got = ns["run_init"](dict(rec.INIT_RUNS)[iid])
    exp = GOLDEN["inits"][iid]
    assert sorted(got) == sorted(exp)
    for k, v in exp.items():
        np.testing.assert_allclose(got[k], v, rtol=1e-7, err_msg=k)


def test_default_initialization():
    """initialize() with no arguments: weights from the global Uniform(0.07), biases 0."""
    exp = GOLDEN["inits"]["default_moments"]
    with mx.name.NameManager():
        net = mx.gluon.rnn.LSTM(50, 2, input_size=40, bidirectional=True)
    mx.random.seed(0)
    net.initialize()
    got = net._collect_params_with_prefix()
    assert sorted(got) == sorted(exp)
    for k, m in exp.items():
        v = got[k].data().asnumpy().astype(np.float64)
        if k.endswith("bias"):
            assert m["min"] == m["max"] == 0 and not v.any()
            continue
        assert v.min() >= -0.07 and v.max() <= 0.07
        assert abs(v.std() - m["std"]) < 0.05 * m["std"]
        assert abs(v.mean()) < 5 * m["std"] / np.sqrt(v.size)


def _close(got, exp, what, tol=TOL):
    np.testing.assert_allclose(np.asarray(got, dtype=np.float64), np.asarray(exp), err_msg=what,
                               **tol)


@pytest.mark.parametrize("lid", sorted(GOLDEN["layers"]))
def test_fused_layer_outputs_states_and_gradients(ns, lid):
    code, shape, st, train, dt, sl = {r[0]: r[1:] for r in rec.LAYER_RUNS}[lid]
    exp = GOLDEN["layers"][lid]
    got = ns["run_layer"](code, shape, st, train, dt, sl)
    tol = dict(rtol=1e-9, atol=1e-10) if dt == "float64" else TOL
    assert got["output_shape"] == exp["output_shape"] and got["dtype"] == exp["dtype"]
    _close(got["output"], exp["output"], "output", tol)
    assert got["state_shapes"] == exp["state_shapes"]
    for i, (g, e) in enumerate(zip(got["states"], exp["states"])):
        _close(g, e, f"state {i}", tol)
    if "input_grad" not in exp:
        return
    _close(got["input_grad"], exp["input_grad"], "input grad", tol)
    for i, (g, e) in enumerate(zip(got["state_grads"], exp["state_grads"])):
        _close(g, e, f"state grad {i}", tol)
    assert sorted(got["param_grads"]) == sorted(exp["param_grads"])
    for k, g in exp["param_grads"].items():
        _close(got["param_grads"][k], g, k, tol)


@pytest.mark.parametrize("cid", sorted(GOLDEN["cells"]))
def test_cell_unroll_outputs_states_and_gradients(ns, cid):
    code, shape, ln, lay, merge, vl, st = {r[0]: r[1:] for r in rec.CELL_RUNS}[cid]
    exp = GOLDEN["cells"][cid]
    got = ns["run_cell"](code, shape, ln, lay, merge, vl, st)
    assert got["merged"] == exp["merged"]
    assert got["output_shapes"] == exp["output_shapes"]
    for i, (g, e) in enumerate(zip(got["outputs"], exp["outputs"])):
        _close(g, e, f"output {i}")
    assert got["state_shapes"] == exp["state_shapes"]
    for i, (g, e) in enumerate(zip(got["states"], exp["states"])):
        _close(g, e, f"state {i}")
    _close(got["input_grad"], exp["input_grad"], "input grad")
    for i, (g, e) in enumerate(zip(got["state_grads"], exp["state_grads"])):
        _close(g, e, f"state grad {i}")
    assert sorted(got["param_grads"]) == sorted(exp["param_grads"])
    for k, g in exp["param_grads"].items():
        _close(got["param_grads"][k], g, k)


@pytest.mark.parametrize("did", sorted(GOLDEN["dynamic"]))
def test_dynamic_unroll(ns, did):
    code, lay, vl = {r[0]: r[1:] for r in rec.DYNAMIC_RUNS}[did]
    exp = GOLDEN["dynamic"][did]
    got = ns["run_dynamic"](code, lay, vl)
    assert got["output_shape"] == exp["output_shape"]
    _close(got["outputs"], exp["outputs"], "outputs")
    for i, (g, e) in enumerate(zip(got["states"], exp["states"])):
        _close(g, e, f"state {i}")
    _close(got["input_grad"], exp["input_grad"], "input grad")
    for k, g in exp["param_grads"].items():
        _close(got["param_grads"][k], g, k)


def _net_ns():
    nsn = {"mx": mx, "gluon": mx.gluon, "np": np, "os": os}
    exec(rec.NET_CODE, nsn)  # noqa: S102
    return nsn


@pytest.mark.parametrize("kind", sorted(GOLDEN["nets"]))
@pytest.mark.parametrize("suffix", ["", "_prefixed"])
def test_mxnet_params_file_loads_with_same_outputs(kind, suffix):
    nsn = _net_ns()
    net = nsn["build"](kind)
    path = str(FIXTURES / f"{kind}{suffix}.params")
    if suffix:
        net.collect_params().load(path)
    else:
        net.load_parameters(path)
    got = nsn["forward"](net, kind, nsn["net_input"](kind)).asnumpy()
    np.testing.assert_allclose(got, GOLDEN["nets"][kind], rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("kind", sorted(GOLDEN["nets"]))
def test_saved_params_are_byte_identical_to_mxnet(kind, tmp_path):
    nsn = _net_ns()
    nsn["save_all"](kind, str(tmp_path))
    for suffix in ("", "_prefixed"):
        name = f"{kind}{suffix}.params"
        assert (tmp_path / name).read_bytes() == (FIXTURES / name).read_bytes(), name
