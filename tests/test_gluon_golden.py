"""Gluon against real MXNet 1.9.1 (tests/golden/gluon.json and tests/fixtures/gluon/, recorded
by tools/oracle/record_gluon.py): printed forms and names of every layer, the errors and
warnings of the common mistakes, initializer distributions and exact values, layer outputs and
gradients on fixed weights, and ``.params`` files written by MXNet's save_parameters (loaded
here with the same outputs; the same nets saved here give byte-identical files)."""
from __future__ import annotations

import json
import re
import os
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path

import numpy as np
import pytest

import mxcompat as mx

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "tools" / "oracle"))
import record_gluon as rec  # noqa: E402

GOLDEN = json.loads((HERE / "golden" / "gluon.json").read_text())
FIXTURES = HERE / "fixtures" / "gluon"


@pytest.fixture(scope="module")
def ns():
    return rec._namespace(mx)


def _norm(text: str) -> str:
    # class reprs name mxcompat's modules where MXNet names its own
    return text.replace("mxcompat.", "mxnet.")


@pytest.mark.parametrize("bid", sorted(GOLDEN["blocks"]))
def test_block_repr_and_names(ns, bid):
    code = dict(rec.BLOCKS)[bid]
    exp = GOLDEN["blocks"][bid]
    with mx.name.NameManager():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # SyncBatchNorm's device-count caution
            obj = eval(code, ns)  # noqa: S307
    assert repr(obj) == exp["repr"]
    if "params" in exp:
        assert obj.prefix == exp["prefix"] and obj.name == exp["name"]
        got = [[k, list(p.shape) if p.shape is not None else None, str(p.dtype), p.grad_req]
               for k, p in obj.collect_params().items()]
        assert got == exp["params"]
        assert sorted(obj._collect_params_with_prefix()) == exp["structural"]


@pytest.mark.parametrize("eid", sorted(GOLDEN["errors"]))
def test_error_messages(ns, eid, tmp_path):
    code = dict(rec.ERRORS)[eid]
    exp = GOLDEN["errors"][eid]
    ns["TMP"] = str(tmp_path)
    assert exp["raised"]
    with pytest.raises(mx.base.MXNetError) as ei:
        with mx.name.NameManager():
            exec(code, ns)  # noqa: S102
    err = ei.value
    for base in exp["bases"]:  # the Python error class MXNet raised is kept too
        assert base in [c.__name__ for c in type(err).__mro__], (base, type(err).__mro__)
    # KeyError's str() quotes its message; mxcompat's KeyErrors print it plainly
    text = repr(err.args[0]) if "KeyError" in exp["bases"] else str(err)
    assert _norm(text).replace(str(tmp_path), "TMP") == exp["message"]


@pytest.mark.parametrize("wid", sorted(GOLDEN["warnings"]))
def test_warning_messages(ns, wid, tmp_path):
    code = dict(rec.WARNINGS)[wid]
    ns["TMP"] = str(tmp_path)
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        with mx.name.NameManager():
            exec(code, ns)  # noqa: S102
    got = [str(x.message).replace(str(tmp_path), "TMP") for x in w
           if issubclass(x.category, UserWarning)]
    assert got == GOLDEN["warnings"][wid]


@pytest.mark.parametrize("iid", sorted(GOLDEN["inits_random"]))
def test_random_initializer_moments(ns, iid):
    code, shape = {i: (c, s) for i, c, s in rec.RANDOM_INITS}[iid]
    exp = GOLDEN["inits_random"][iid]
    mx.random.seed(0)
    p = mx.gluon.Parameter(f"{iid}_weight", shape=shape, init=eval(code, ns))  # noqa: S307
    p.initialize()
    v = p.data().asnumpy().astype(np.float64)
    n = v.size
    # the same distribution: means within 5 standard errors, deviations within 3%, and the
    # same support (a uniform's bounds; a normal's extremes within 15% of MXNet's)
    assert abs(v.mean() - exp["mean"]) < 5 * exp["std"] / np.sqrt(n) + 1e-7
    assert abs(v.std() - exp["std"]) < 0.03 * exp["std"]
    if iid.startswith(("uniform", "xavier")) and "gauss" not in iid:
        bound = max(abs(exp["min"]), abs(exp["max"]))
        assert -bound * 1.001 <= v.min() and v.max() <= bound * 1.001
        assert v.max() > 0.98 * exp["max"] and v.min() < 0.98 * exp["min"]
    if "gram_diag_mean" in exp:
        m = v.reshape(shape[0], -1)
        gram = m @ m.T if m.shape[0] <= m.shape[1] else m.T @ m
        np.testing.assert_allclose(np.diag(gram).mean(), exp["gram_diag_mean"], rtol=1e-4)
        assert np.abs(gram - np.diag(np.diag(gram))).max() < 1e-4 + exp["gram_offdiag_absmax"]


@pytest.mark.parametrize("iid", sorted(GOLDEN["inits_exact"]))
def test_exact_initializers(ns, iid):
    code, shape = {i: (c, s) for i, c, s in rec.EXACT_INITS}[iid]
    exp = GOLDEN["inits_exact"][iid]
    init = eval(code, ns)  # noqa: S307
    if iid == "mixed":
        w, b = mx.nd.zeros(shape), mx.nd.zeros(shape[:1])
        init("m_weight", w)
        init("m_bias", b)
        np.testing.assert_array_equal(w.asnumpy(), exp["weight"])
        np.testing.assert_array_equal(b.asnumpy(), exp["bias"])
        return
    p = mx.gluon.Parameter(f"{iid}_weight", shape=shape, init=init)
    p.initialize(default_init=mx.init.One())
    np.testing.assert_allclose(p.data().asnumpy(), exp, rtol=1e-6)


def test_initializer_dumps(ns):
    for code, exp in GOLDEN["init_dumps"].items():
        assert eval(code, ns).dumps() == exp  # noqa: S307
        assert mx.init.create(exp).dumps() == exp


#: layers whose input gradient MXNet 1.9.1 gets wrong; checked against finite differences of
#: the forward pass instead:
#: - max pooling: MXNet's CPU backward puts a non-uniform head gradient at shifted positions
#:   (with head [1, 10, 100, 1000] a padded MaxPool1D gives [0, 0, 10, 100, 0, 0, 0]);
#: - SELU: MXNet's backward computes lambda * (y + alpha) for x < 0, not lambda*alpha*exp(x);
#: - BatchNorm in predict mode: MXNet's backward mixes in batch statistics the forward did
#:   not use (the same case as in tests/test_nn.py).
FD_INPUT_GRAD = set(rec.UNRELIABLE_INPUT_GRAD) | {"selu", "batchnorm_predict"}


def _fd_input_grad(ns, code, shape):
    """d(sum(layer(x) * head))/dx by central differences (float64 arithmetic on float32
    evaluations; the layers here are piecewise smooth at the sampled points)."""
    with mx.name.NameManager():
        net = eval(code, ns)  # noqa: S307
    x0 = np.random.RandomState(7).uniform(-1.0, 1.0, size=shape).astype(np.float32)
    ns["fill_params"](net, mx.nd.array(x0))
    y = net(mx.nd.array(x0)).asnumpy()
    head = np.random.RandomState(11).uniform(-1, 1, size=y.shape).astype(np.float32)
    eps = 1e-3
    g = np.zeros(x0.size)
    for i in range(x0.size):
        xp, xm = x0.copy().ravel(), x0.copy().ravel()
        xp[i] += eps
        xm[i] -= eps
        fp = (net(mx.nd.array(xp.reshape(shape))).asnumpy().astype(np.float64) * head).sum()
        fm = (net(mx.nd.array(xm.reshape(shape))).asnumpy().astype(np.float64) * head).sum()
        g[i] = (fp - fm) / (2 * eps)
    return g.reshape(shape)


@pytest.mark.parametrize("lid", sorted(GOLDEN["layers"]))
def test_layer_outputs_and_gradients(ns, lid):
    code, shape, train = {i: (c, s, t) for i, c, s, t in rec.LAYER_RUNS}[lid]
    exp = GOLDEN["layers"][lid]
    got = ns["run_layer"](code, shape, train)
    tol = dict(rtol=1e-4, atol=1e-5)
    assert got["output_shape"] == exp["output_shape"]
    np.testing.assert_allclose(got["output"], exp["output"], **tol)
    if lid == "selu":  # the analytic derivative (an input sits 2e-4 from the kink at 0)
        x = np.random.RandomState(7).uniform(-1.0, 1.0, size=shape).astype(np.float64)
        head = np.random.RandomState(11).uniform(-1, 1, size=shape).astype(np.float32)
        lam, alpha = 1.0507009873554805, 1.6732632423543772
        ref = lam * np.where(x > 0, 1.0, alpha * np.exp(x)) * head
        np.testing.assert_allclose(got["input_grad"], ref, rtol=1e-5, atol=1e-6)
    elif lid in FD_INPUT_GRAD:
        np.testing.assert_allclose(got["input_grad"], _fd_input_grad(ns, code, shape),
                                   rtol=1e-2, atol=2e-3)
    elif "input_grad" in exp:
        np.testing.assert_allclose(got["input_grad"], exp["input_grad"], **tol)
    assert sorted(got["param_grads"]) == sorted(exp["param_grads"])
    for k, g in exp["param_grads"].items():
        np.testing.assert_allclose(got["param_grads"][k], g, err_msg=k, **tol)
    for k, v in exp["params_after"].items():  # running statistics updated by backward
        np.testing.assert_allclose(got["params_after"][k], v, err_msg=k, **tol)


def _net_ns():
    nsn = {"mx": mx, "nn": mx.gluon.nn, "gluon": mx.gluon, "np": np, "os": os}
    exec(rec.NET_CODE, nsn)  # noqa: S102
    return nsn


@pytest.mark.parametrize("kind", ["mlp", "cnn"])
@pytest.mark.parametrize("suffix", ["", "_prefixed"])
def test_mxnet_params_file_loads_with_same_outputs(kind, suffix):
    nsn = _net_ns()
    net = nsn["build"](kind)
    if suffix:  # collect_params().save(): full names, read back by collect_params().load()
        net.collect_params().load(str(FIXTURES / f"{kind}{suffix}.params"))
    else:
        net.load_parameters(str(FIXTURES / f"{kind}{suffix}.params"))
    out = net(nsn["net_input"](kind)).asnumpy()
    np.testing.assert_allclose(out, GOLDEN["nets"][kind], rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("kind", ["mlp", "cnn"])
def test_saved_files_are_byte_identical_to_mxnet(kind, tmp_path):
    nsn = _net_ns()
    outs = nsn["save_all"](kind, str(tmp_path))
    np.testing.assert_allclose(outs, GOLDEN["nets"][kind], rtol=1e-5, atol=1e-6)
    for suffix in ("", "_prefixed"):
        name = f"{kind}{suffix}.params"
        assert (tmp_path / name).read_bytes() == (FIXTURES / name).read_bytes(), name


@pytest.mark.oracle
def test_real_mxnet_loads_mxcompat_files():
    """Files mxcompat writes, loaded by real MXNet 1.9.1 (the `oracle` tox environment)."""
    pytest.importorskip("mxnet")
    code = (
        "import json, sys, os, numpy as np, mxnet as mx\n"
        "from mxnet import gluon\nfrom mxnet.gluon import nn\n"
        "exec(open(sys.argv[1]).read())\n"
        "print(json.dumps({k: (lambda n: (n.load_parameters(os.path.join(sys.argv[2], "
        "k + '.params')), n(net_input(k)).asnumpy().tolist())[1])(build(k)) "
        "for k in ('mlp', 'cnn')}))\n")
    with tempfile.TemporaryDirectory() as tmp:
        _net_ns()["save_all"]("mlp", tmp)
        _net_ns()["save_all"]("cnn", tmp)
        f = os.path.join(tmp, "code.py")
        Path(f).write_text(rec.NET_CODE)
        out = subprocess.run([sys.executable, "-c", code, f, tmp], check=True,
                             stdout=subprocess.PIPE).stdout
    got = json.loads(out)
    for kind in ("mlp", "cnn"):
        np.testing.assert_allclose(got[kind], GOLDEN["nets"][kind], rtol=1e-5, atol=1e-6)


_NUM = re.compile(r"-?\d+\.\d+(?:e[-+]?\d+)?")


def test_gluon_example_prints_what_mxnet_prints():
    """examples/gluon_mlp.py, run unchanged through `mxcompat run`: MXNet's printed output
    (numbers within float32 tolerance, everything else identical)."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    r = subprocess.run([sys.executable, "-m", "mxcompat", "run", "examples/gluon_mlp.py"],
                       capture_output=True, text=True, cwd=str(ROOT), env=env, timeout=300)
    assert r.returncode == 0, r.stderr[-2000:]
    expected = (HERE / "golden" / "gluon_mlp.stdout").read_text()
    got_n = [float(v) for v in _NUM.findall(r.stdout)]
    exp_n = [float(v) for v in _NUM.findall(expected)]
    assert len(got_n) == len(exp_n) > 10
    np.testing.assert_allclose(got_n, exp_n, rtol=1e-4, atol=1e-6)
    # (an array's printed column widths follow its last digits)
    assert re.sub(r" +", " ", _NUM.sub("N", r.stdout)) == \
        re.sub(r" +", " ", _NUM.sub("N", expected))
