"""mx.optimizer, mx.lr_scheduler and gluon.Trainer against real MXNet 1.9.1.

Goldens (tests/golden/optimizer.json, tests/fixtures/optimizer/*.states) are recorded by
tools/oracle/record_optimizer.py: weights and every state after N updates for each optimizer
case, scheduler rates, error classes, and Trainer runs whose states files MXNet saved."""
from __future__ import annotations

import builtins
import json
import os
import pickle
import sys
from pathlib import Path

import numpy as np
import pytest

import mxcompat as mx
from mxcompat import gluon
from mxcompat.base import MXNetError

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tools" / "oracle"))
import record_optimizer as rec  # noqa: E402

GOLDEN = json.loads((HERE / "golden" / "optimizer.json").read_text())
FIX = HERE / "fixtures" / "optimizer"


def _arr(e):
    return np.array([np.nan if v is None else v for v in e["data"]]).reshape(e["shape"])


def _compare(got, exp, tol, what):
    assert (got is None) == (exp is None), what
    if exp is None:
        return
    assert got["dtype"] == exp["dtype"], (what, got["dtype"], exp["dtype"])
    assert got["shape"] == exp["shape"], what
    np.testing.assert_allclose(_arr(got), _arr(exp), rtol=tol, atol=tol, err_msg=what)


@pytest.mark.parametrize("case", rec.OPT_CASES, ids=[c[0] for c in rec.OPT_CASES])
def test_optimizer_golden(case):
    exp = GOLDEN["optimizers"][case[0]]
    if "error" in exp:
        with pytest.raises(MXNetError):
            rec.run_opt(mx, case)
        return
    if case[3] == "float16" and "multi_precision" not in case[2]:
        with pytest.warns(UserWarning, match="multi_precision=True"):
            got = rec.run_opt(mx, case)
    else:
        got = rec.run_opt(mx, case)
    tol = 2e-3 if case[3] == "float16" else (1e-10 if case[3] == "float64" and
                                             case[1] in ("sgd", "nag", "adam") else 2e-5)
    assert got["num_update"] == exp["num_update"]
    np.testing.assert_allclose(got["lrs"], exp["lrs"], rtol=1e-12)
    assert len(got["weights"]) == len(exp["weights"])
    assert len(got["states"]) == len(exp["states"])
    for i, (g, e) in enumerate(zip(got["weights"], exp["weights"])):
        _compare(g, e, tol, f"weight {i}")
    for i, (g, e) in enumerate(zip(got["states"], exp["states"])):
        _compare(g, e, tol, f"state {i}")


@pytest.mark.parametrize("case", rec.SCHED_CASES, ids=[c[0] for c in rec.SCHED_CASES])
def test_scheduler_golden(case):
    np.testing.assert_allclose(rec.run_sched(mx, case), GOLDEN["schedulers"][case[0]],
                               rtol=1e-13)


@pytest.mark.parametrize("case", rec.ERROR_CASES, ids=[c[0] for c in rec.ERROR_CASES])
def test_error_golden(case):
    exp = GOLDEN["errors"][case[0]]
    assert exp is not None
    with pytest.raises(Exception) as ei:
        exec(case[1], {"mx": mx})
    cls = getattr(builtins, exp, None)
    if cls is None:
        assert isinstance(ei.value, MXNetError), (exp, ei.value)
    else:
        assert isinstance(ei.value, cls), (exp, type(ei.value))


def _close(got, exp, tol):
    for k in exp:
        np.testing.assert_allclose(np.array(got[k]), np.array(exp[k]), rtol=tol, atol=tol,
                                   err_msg=k)


@pytest.mark.parametrize("case", rec.TRAINER_CASES, ids=[c[0] for c in rec.TRAINER_CASES])
def test_trainer_golden(case, tmp_path):
    exp = GOLDEN["trainers"][case[0]]
    got = rec.run_trainer(mx, case, str(tmp_path / "s.states"))
    _close(got["mid"], exp["mid"], 1e-5)
    _close(got["after"], exp["after"], 1e-5)
    assert got["lr_mid"] == pytest.approx(exp["lr_mid"], rel=1e-12)
    assert got["lr_after"] == pytest.approx(exp["lr_after"], rel=1e-12)


@pytest.mark.parametrize("case", rec.TRAINER_CASES, ids=[c[0] for c in rec.TRAINER_CASES])
def test_trainer_loads_mxnet_states(case):
    """A states file MXNet saved mid-training: loading it here continues to MXNet's weights."""
    exp = GOLDEN["trainers"][case[0]]
    got = rec.resume_trainer(mx, case, exp["mid"], str(FIX / f"{case[0]}.states"))
    _close(got, exp["after"], 1e-5)


def test_saved_states_are_mxnet_pickles(tmp_path):
    """The file names MXNet's classes (so MXNet can unpickle it) whether or not the mxnet
    redirect is installed."""
    net, ctx = rec._net(mx, rec.TRAINER_CASES[0])
    tr = rec.make_trainer(mx, rec.TRAINER_CASES[0], net)
    rec._train(mx, net, ctx, tr, 0, 1, "float32")
    f = tmp_path / "a.states"
    tr.save_states(str(f))
    raw = f.read_bytes()
    assert b"mxnet.ndarray.ndarray" in raw and b"mxnet.optimizer.optimizer" in raw
    assert b"mxcompat" not in raw
    states, optim = mx.optimizer.optimizer._loads(raw)
    assert type(optim) is mx.optimizer.SGD and optim.momentum == 0.9
    assert sorted(states) == [0, 1, 2, 3]


# ---- error handling ------------------------------------------------------------------------
def _trained(name="sgd", params=None):
    p = gluon.Parameter("w", shape=(3,))
    p.initialize(init=mx.init.Constant(1.0))
    tr = gluon.Trainer([p], name, params or {"learning_rate": 0.1, "momentum": 0.9})
    with mx.autograd.record():
        y = (p.data() * p.data()).sum()
    y.backward()
    tr.step(1)
    return p, tr


def test_states_from_another_optimizer(tmp_path):
    _, sgd = _trained("sgd")
    f = tmp_path / "sgd.states"
    sgd.save_states(str(f))
    _, adam = _trained("adam", {"learning_rate": 0.1})
    before = adam._updaters[0].states[0][0].asnumpy().copy()
    with pytest.raises(MXNetError, match="SGD.*Adam"):
        adam.load_states(str(f))
    assert type(adam.optimizer) is mx.optimizer.Adam
    np.testing.assert_array_equal(adam._updaters[0].states[0][0].asnumpy(), before)


def test_corrupt_and_hostile_states_files(tmp_path):
    p, tr = _trained()
    f = tmp_path / "bad.states"
    f.write_bytes(b"not a pickle at all")
    with pytest.raises(MXNetError, match="corrupt"):
        tr.load_states(str(f))

    class Evil:
        def __reduce__(self):
            return (os.system, ("echo pwned",))
    f.write_bytes(pickle.dumps(({0: Evil()}, mx.optimizer.SGD())))
    with pytest.raises(MXNetError, match="refusing"):
        tr.load_states(str(f))
    f.write_bytes(pickle.dumps(([1, 2], "x")))
    with pytest.raises(MXNetError):
        tr.load_states(str(f))
    with pytest.raises(MXNetError, match="cannot read"):
        tr.load_states(str(tmp_path / "missing.states"))
    assert type(tr.optimizer) is mx.optimizer.SGD and tr.optimizer.momentum == 0.9


def test_save_states_is_atomic(tmp_path, monkeypatch):
    p, tr = _trained()
    f = tmp_path / "t.states"
    tr.save_states(str(f))
    good = f.read_bytes()

    def boom(*a, **k):
        raise RuntimeError("disk full")
    monkeypatch.setattr(mx.optimizer.Updater, "get_states", boom)
    with pytest.raises(RuntimeError):
        tr.save_states(str(f))
    assert f.read_bytes() == good
    assert [x.name for x in tmp_path.iterdir()] == ["t.states"]


@pytest.mark.parametrize("kw", [{"learning_rate": "0.1"}, {"momentum": None},
                                {"wd": [0.1]}, {"clip_gradient": "big"}])
def test_bad_hyper_parameter(kw):
    with pytest.raises(MXNetError, match=list(kw)[0]):
        mx.optimizer.create("sgd", **kw)


def test_unknown_optimizer():
    with pytest.raises(MXNetError, match="Cannot find optimizer adamw"):
        mx.optimizer.create("adamw")
    p = gluon.Parameter("w", shape=(2,))
    p.initialize()
    with pytest.raises(MXNetError, match="nosuch"):
        gluon.Trainer([p], "nosuch")


def test_stale_gradient():
    a = gluon.Parameter("a", shape=(2,))
    b = gluon.Parameter("b", shape=(2,))
    for q in (a, b):
        q.initialize(init=mx.init.Constant(1.0))
    tr = gluon.Trainer([a, b], "sgd", {"learning_rate": 1.0})
    with mx.autograd.record():
        y = (a.data() * 2).sum()
    y.backward()
    with pytest.raises(UserWarning, match="Parameter `b`.*has not been updated"):
        tr.step(1)
    # as MXNet: the failed step already cleared a's flag, so nothing is updated now
    tr.step(1, ignore_stale_grad=True)
    np.testing.assert_allclose(a.data().asnumpy(), [1, 1])
    np.testing.assert_allclose(b.data().asnumpy(), [1, 1])
    with pytest.raises(UserWarning, match="Parameter `a`"):
        tr.step(1)
    with mx.autograd.record():
        y = (a.data() * 2).sum()
    y.backward()
    tr.step(1, ignore_stale_grad=True)  # a fresh again: updated, b skipped
    np.testing.assert_allclose(a.data().asnumpy(), [-1, -1])
    np.testing.assert_allclose(b.data().asnumpy(), [1, 1])


def test_learning_rate_api():
    p, tr = _trained()
    assert tr.learning_rate == 0.1
    tr.set_learning_rate(0.5)
    assert tr.learning_rate == 0.5 and tr.optimizer.lr == 0.5
    sched = mx.lr_scheduler.FactorScheduler(step=1, factor=0.5, base_lr=1.0)
    p2 = gluon.Parameter("v", shape=(2,))
    p2.initialize()
    tr2 = gluon.Trainer([p2], "sgd", {"lr_scheduler": sched})
    with pytest.raises(UserWarning):
        tr2.set_learning_rate(0.1)


def test_sgld_formula():
    """SGLD's noise comes from mxcompat's generator: replay it with the same seed."""
    w0 = np.array([0.5, -1.0, 2.0], dtype=np.float32)
    g = np.array([0.2, 0.4, -0.6], dtype=np.float32)
    o = mx.optimizer.create("sgld", learning_rate=0.01, wd=0.1, rescale_grad=0.5)
    w = mx.nd.array(w0)
    mx.random.seed(5)
    mx.optimizer.get_updater(o)(0, mx.nd.array(g), w)
    mx.random.seed(5)
    noise = mx.nd.random.normal(0, np.sqrt(0.01), shape=(3,)).asnumpy()
    exp = w0 - 0.01 / 2 * (g * 0.5 + 0.1 * w0) + noise
    np.testing.assert_allclose(w.asnumpy(), exp, rtol=1e-6)


def test_trainer_fp16_multi_precision():
    """float16 Parameters with multi_precision: the Trainer keeps MXNet's (state, weight32)
    layout and gives the same numbers as the recorded float16 updater case."""
    case = next(c for c in rec.OPT_CASES if c[1] == "sgd" and c[3] == "float16" and
                "multi_precision" in c[2] and c[4] == "list" and "wd=" not in c[2])
    exp = GOLDEN["optimizers"][case[0]]
    ws0, gs0 = rec._data("float16", rec.SHAPES)
    params = []
    for i, w in enumerate(ws0):
        p = gluon.Parameter(f"p{i}", shape=w.shape, dtype="float16")
        p.initialize()
        p.set_data(mx.nd.array(w, dtype="float16"))
        params.append(p)
    tr = gluon.Trainer(params, "sgd", {"learning_rate": 0.1, "multi_precision": True})
    for step in range(rec.STEPS):
        with mx.autograd.record():
            loss = sum((p.data().astype("float32") *
                        mx.nd.array(gs0[step][i], dtype="float32")).sum()
                       for i, p in enumerate(params))
        loss.backward()
        tr.step(1)
    for i, p in enumerate(params):
        _compare(rec._enc(p.data()), exp["weights"][i], 2e-3, f"weight {i}")
    st = tr._updaters[0].states[0]
    assert st[0] is None and st[1].dtype == np.float32


def test_two_contexts_grads_summed():
    p = gluon.Parameter("x", shape=(4,))
    p.initialize(ctx=[mx.cpu(0), mx.cpu(1)], init="zeros")
    tr = gluon.Trainer([p], "sgd", {"learning_rate": 1.0}, update_on_kvstore=False)
    with mx.autograd.record():
        ys = [(w + 1) * (k + 1) for k, w in enumerate(p.list_data())]
    for y in ys:
        y.backward()
    tr.allreduce_grads()
    for g in p.list_grad():
        np.testing.assert_allclose(g.asnumpy(), [3, 3, 3, 3])
    tr.update(1)
    for d in p.list_data():
        np.testing.assert_allclose(d.asnumpy(), [-3, -3, -3, -3])
    # 'dist_sync' outside a launcher is a group of one worker (docs/distributed.md); the
    # update happens on the store (update_on_kvstore defaults to True for dist kinds)
    tr = gluon.Trainer([p], "sgd", {"learning_rate": 1.0}, kvstore="dist_sync")
    with mx.autograd.record():
        ys = [(w + 1) * (k + 1) for k, w in enumerate(p.list_data())]
    for y in ys:
        y.backward()
    tr.step(1)
    assert tr._update_on_kvstore and tr._kvstore.type == "dist_sync"
    for d in p.list_data():
        np.testing.assert_allclose(d.asnumpy(), [-6, -6, -6, -6])


FAST_CASES = [("sgd", {"learning_rate": 0.1}), ("sgd", {"momentum": 0.9, "wd": 0.01,
                                                        "clip_gradient": 0.2}),
              ("nag", {"momentum": 0.9, "wd": 0.01}), ("nag", {}),
              ("adam", {"wd": 0.01, "rescale_grad": 0.5}),
              ("rmsprop", {"clip_weights": 0.5, "wd": 0.01}),
              ("adagrad", {"wd": 0.01, "clip_gradient": 0.3})]


@pytest.mark.parametrize("name,kw", FAST_CASES, ids=[f"{n}{k}" for n, k in FAST_CASES])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_fast_path_matches_update_ops(name, kw, dtype, monkeypatch):
    """The multi-tensor fast path gives the per-weight update operators' numbers (with
    lr_mult/wd_mult, an lr scheduler and a parameter skipped in one step)."""
    from mxcompat.optimizer import _fast
    if name in ("adagrad", "rmsprop") and dtype == "float64":
        pytest.skip("float32 states (as MXNet): float64 weights are an error there")
    ws0, gs0 = rec._data(dtype, rec.SHAPES + [(7,)])
    results = []
    for fast in (True, False):
        calls = []
        real = _fast.run
        if fast:
            def counting(*a, calls=calls, real=real):
                calls.append(1)
                return real(*a)
            monkeypatch.setattr(_fast, "run", counting)
        else:
            monkeypatch.setattr(_fast, "run", lambda *a: False)
        o = mx.optimizer.create(name, lr_scheduler=mx.lr_scheduler.FactorScheduler(
            2, 0.5, base_lr=0.05), **kw)
        o.set_lr_mult({1: 2.0})
        o.set_wd_mult({0: 0.0})
        u = mx.optimizer.get_updater(o)
        ws = [mx.nd.array(w, dtype=dtype) for w in ws0]
        for step in range(rec.STEPS):
            idx = [0, 1, 2, 3] if step != 1 else [0, 2, 3]
            u(idx, [mx.nd.array(gs0[step][i], dtype=dtype) for i in idx], [ws[i] for i in idx])
        results.append([w.asnumpy() for w in ws])
        if fast:
            assert calls
    for a, b in zip(*results):
        np.testing.assert_array_equal(a, b)


def test_gluon_train_example_prints_what_mxnet_prints():
    """examples/gluon_train.py, run unchanged through `mxcompat run`: MXNet's output
    (recorded by tools/oracle/record_optimizer.py), numbers within float32 tolerance."""
    import re
    import subprocess
    env = dict(os.environ, PYTHONPATH=str(HERE.parent))
    r = subprocess.run([sys.executable, "-m", "mxcompat", "run", "examples/gluon_train.py"],
                       capture_output=True, text=True, cwd=str(HERE.parent), env=env,
                       timeout=300)
    assert r.returncode == 0, r.stderr[-2000:]
    expected = (HERE / "golden" / "gluon_train.stdout").read_text()
    num = re.compile(r"-?\d+\.\d+")
    got_n = [float(v) for v in num.findall(r.stdout)]
    exp_n = [float(v) for v in num.findall(expected)]
    assert len(got_n) == len(exp_n) > 10
    np.testing.assert_allclose(got_n, exp_n, rtol=1e-4, atol=2e-6)
    assert num.sub("N", r.stdout) == num.sub("N", expected)


def test_row_sparse_parameter_updates_on_kvstore(tmp_path):
    """A row_sparse weight always lives on a kvstore (even on one context, as MXNet): rows
    are pulled by row_sparse_data, the update runs there, states save and load."""
    x = gluon.Parameter("x", shape=(4, 2), stype="row_sparse", grad_stype="row_sparse")
    x.initialize(ctx=[mx.cpu(0)], init="ones")
    tr = gluon.Trainer([x], "sgd", {"learning_rate": 0.5, "momentum": 0.5})
    rows = mx.nd.arange(0, 4)
    for _ in range(2):
        with mx.autograd.record():
            for w in x.list_row_sparse_data(rows):
                y = w * mx.nd.array([[1, 2]])
                y.backward()
        tr.step(1)
    assert tr._kvstore is not None and tr._update_on_kvstore is True
    # mom1 = -0.5*g, w1 = 1 - 0.5g; mom2 = 0.5*mom1 - 0.5g = -0.75g, w2 = w1 + mom2
    exp = 1 - 1.25 * np.array([[1.0, 2.0]] * 4)
    np.testing.assert_allclose(x.row_sparse_data(rows).asnumpy(), exp, rtol=1e-6)
    part = x.row_sparse_data(mx.nd.array([1, 3])).asnumpy()
    np.testing.assert_allclose(part[[1, 3]], exp[[1, 3]], rtol=1e-6)
    assert (part[[0, 2]] == 0).all()
    tr.save_states(str(tmp_path / "s.states"))
    tr.load_states(str(tmp_path / "s.states"))
    assert tr._kvstore._updater.optimizer.num_update == 2
    with pytest.raises(MXNetError, match="More than one trainers"):
        gluon.Trainer([x], "sgd")
    z = gluon.Parameter("z", shape=(4, 2), stype="row_sparse", grad_stype="row_sparse")
    z.initialize(ctx=[mx.cpu(0)])
    with pytest.raises(MXNetError, match="update_on_kvstore=False"):
        gluon.Trainer([z], "sgd", update_on_kvstore=False).step(1)


def test_save_of_a_row_sparse_parameter_pulls_every_row(tmp_path):
    # MXNet's ParameterDict.save reduces a row_sparse parameter through its trainer's kvstore
    # (every row); without a trainer there is nothing to pull from
    params = mx.gluon.ParameterDict()
    x = params.get("x", shape=(4, 2), stype="row_sparse")
    params.initialize(ctx=mx.cpu(0), init=mx.init.Constant(3.0))
    with pytest.raises(MXNetError, match="no Trainer"):
        params.save(str(tmp_path / "none.params"))
    mx.gluon.Trainer(params, "sgd", {"learning_rate": 0.1}, kvstore="local")
    params.save(str(tmp_path / "p.params"))
    saved = mx.nd.load(str(tmp_path / "p.params"))["x"]
    assert saved.stype == "row_sparse"
    np.testing.assert_array_equal(saved.asnumpy(), np.full((4, 2), 3.0, np.float32))
    params.load(str(tmp_path / "p.params"))
    np.testing.assert_array_equal(x.row_sparse_data(mx.nd.arange(0, 4)).asnumpy(),
                                  np.full((4, 2), 3.0, np.float32))
