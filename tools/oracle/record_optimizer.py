"""Record optimizer / lr_scheduler / gluon.Trainer golden data from real MXNet 1.9.1 into
tests/golden/optimizer.json and tests/fixtures/optimizer/*.states. Run under the oracle
environment; deterministic.

What is recorded:
- ``optimizers``: for each case (optimizer, hyper-parameters, dtype, multi_precision, how the
  updater is called), the weights and every state array after N updates on fixed weights and
  gradients, plus ``num_update`` and ``learning_rate``;
- ``schedulers``: the learning rates a scheduler returns for a sequence of update counts;
- ``errors``: the exception class MXNet raises for bad arguments;
- ``trainers``: a small Gluon net trained by ``gluon.Trainer`` (one or two contexts,
  update_on_kvstore on/off, lr_mult, lr_scheduler): weights after N steps, then the states
  file saved there (fixture) and the weights after M more steps;
- tests/golden/gluon_train.stdout: what examples/gluon_train.py prints under MXNet.

The reverse direction is checked live before writing: mxcompat (in a subprocess) trains the
same net, saves its states, and this MXNet loads them and must continue to the same weights.

The case definitions and ``run_*`` functions also run under mxcompat (tests/test_optimizer.py
imports them): keep them plain.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path

import numpy as np

warnings.filterwarnings("ignore")
ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "tests" / "golden" / "optimizer.json"
FIXTURES = ROOT / "tests" / "fixtures" / "optimizer"

SHAPES = [(3, 4), (5,), (2, 3)]
SHAPES_2D = [(3, 4), (2, 5)]
STEPS = 4
NAMES = {0: "fc_weight", 1: "fc_bias", 2: "out_weight"}

# (id, optimizer name, kwargs expression, dtype, mode, extra)
#   mode: "list" = updater(list of indices) as Trainer calls it; "single" = one index a call
#   extra: "mult" = set_lr_mult / set_wd_mult; "names" = param_idx2name
_FULL = "wd=0.01, rescale_grad=0.5, clip_gradient=0.3"
_SCHED = "lr_scheduler=mx.lr_scheduler.FactorScheduler(step=2, factor=0.5, base_lr=0.2)"
OPT_CASES = []


def _add(name, kw, dtypes=("float32",), modes=("list",), extra=""):
    for dt in dtypes:
        for mode in modes:
            cid = f"{name}[{kw}]{dt}:{mode}{':' + extra if extra else ''}"
            OPT_CASES.append((cid, name, kw, dt, mode, extra))


for _name, _kws in [
    ("sgd", ["learning_rate=0.1", "learning_rate=0.1, momentum=0.9, " + _FULL,
             "momentum=0.9, " + _SCHED]),
    ("nag", ["learning_rate=0.1", "learning_rate=0.1, momentum=0.9, " + _FULL]),
    ("signum", ["learning_rate=0.1", "learning_rate=0.1, momentum=0, " + _FULL,
                "learning_rate=0.1, wd_lh=0.05, " + _FULL]),
    ("ftml", ["learning_rate=0.1", "learning_rate=0.1, beta1=0.5, " + _FULL]),
    ("lars", ["learning_rate=0.1, momentum=0.9, eta=0.01",
              "learning_rate=0.1, momentum=0.9, eta=0.01, " + _FULL,
              "learning_rate=0.1, eta=0.01, eps=0.001, " + _SCHED]),
    ("lbsgd", ["learning_rate=0.1, momentum=0.9",
               "learning_rate=0.1, momentum=0.9, batch_scale=2, warmup_epochs=1, "
               "updates_per_epoch=4, " + _FULL,
               "learning_rate=0.1, batch_scale=2, warmup_strategy='lars'",
               "learning_rate=0.1, batch_scale=3, warmup_strategy='power2', warmup_epochs=1,"
               " updates_per_epoch=2"]),
    ("dcasgd", ["learning_rate=0.1", "learning_rate=0.1, lamda=0.1, " + _FULL]),
    ("adam", ["learning_rate=0.01", "learning_rate=0.01, beta1=0.8, beta2=0.99, " + _FULL,
              _SCHED]),
    ("adagrad", ["learning_rate=0.1", "learning_rate=0.1, eps=1e-5, " + _FULL]),
    ("rmsprop", ["learning_rate=0.01", "learning_rate=0.01, gamma1=0.8, " + _FULL,
                 "learning_rate=0.01, centered=True",
                 "learning_rate=0.01, centered=True, gamma2=0.7, clip_weights=0.9, " + _FULL]),
    ("adadelta", ["", "rho=0.8, epsilon=1e-4, " + _FULL]),
    ("ftrl", ["", "lamda1=0.05, beta=0.5, learning_rate=0.2, " + _FULL]),
    ("adamax", ["", "learning_rate=0.01, beta1=0.8, " + _FULL]),
    ("nadam", ["", "learning_rate=0.01, schedule_decay=0.01, " + _FULL]),
    ("lamb", ["learning_rate=0.01", "learning_rate=0.01, lower_bound=0.1, upper_bound=2.0, "
              + _FULL, "learning_rate=0.01, bias_correction=False, epsilon=1e-4"]),
    ("test", ["", "rescale_grad=0.5"]),
    ("ccsgd", ["learning_rate=0.1, momentum=0.5"]),
]:
    for _kw in _kws:
        _add(_name, _kw)
_add("groupadagrad", "learning_rate=0.1")
_add("groupadagrad", "learning_rate=0.1, eps=1e-3, rescale_grad=0.5, clip_gradient=0.3")
# float64 weights, single-index calls, multipliers, idx2name
for _name, _kw in [("sgd", "learning_rate=0.1, momentum=0.9, wd=0.01"),
                   ("adam", "learning_rate=0.01, wd=0.01"), ("nag", "momentum=0.9"),
                   ("rmsprop", "centered=True"), ("ftml", ""), ("lamb", "")]:
    _add(_name, _kw, dtypes=("float64",))
for _name, _kw in [("sgd", "learning_rate=0.1, momentum=0.9, wd=0.01"),
                   ("lamb", "learning_rate=0.01, wd=0.01"), ("lars", "momentum=0.9"),
                   ("adam", "wd=0.01")]:
    _add(_name, _kw, modes=("single",))
for _name, _kw in [("sgd", "learning_rate=0.1, momentum=0.9, wd=0.1"),
                   ("adam", "learning_rate=0.01, wd=0.1"), ("lars", "momentum=0.9, wd=0.1"),
                   ("rmsprop", "wd=0.1")]:
    _add(_name, _kw, extra="mult")
    _add(_name, _kw, extra="names")
# float16 weights with a float32 master copy
for _name, _kw in [("sgd", "learning_rate=0.1, momentum=0.9, " + _FULL),
                   ("sgd", "learning_rate=0.1"), ("nag", "learning_rate=0.1, momentum=0.9"),
                   ("nag", "learning_rate=0.1"), ("lars", "learning_rate=0.1, momentum=0.9"),
                   ("lars", "learning_rate=0.1, eta=0.01"), ("lamb", "learning_rate=0.01"),
                   ("adam", "learning_rate=0.01, wd=0.01"), ("signum", "learning_rate=0.01"),
                   ("lbsgd", "learning_rate=0.1, momentum=0.9")]:
    _add(_name, _kw + ", multi_precision=True", dtypes=("float16",))
    _add(_name, _kw + ", multi_precision=True", dtypes=("float16",), modes=("single",))
_add("sgd", "learning_rate=0.1, momentum=0.9", dtypes=("float16",))


def _data(dtype, shapes, seed=7):
    rs = np.random.RandomState(seed)
    ws = [rs.uniform(-1, 1, s).astype(dtype) for s in shapes]
    gs = [[(rs.uniform(-1, 1, s) * 1.5).astype(dtype) for s in shapes] for _ in range(STEPS)]
    return ws, gs


def _flat_state(s):
    if s is None:
        return [None]
    if isinstance(s, (tuple, list)):
        return [x for e in s for x in _flat_state(e)]
    return [s]


def _enc(a):
    if a is None:
        return None
    a = a.asnumpy() if hasattr(a, "asnumpy") else np.asarray(a)
    return {"dtype": str(a.dtype), "shape": list(a.shape),
            "data": [None if not np.isfinite(v) else float(v) for v in a.ravel().tolist()]}


def run_opt(mx, case):
    """Run one optimizer case; returns a JSON-able dict."""
    _cid, name, kw, dtype, mode, extra = case
    shapes = SHAPES_2D if name == "groupadagrad" else SHAPES
    ws0, gs0 = _data(dtype, shapes)
    kwargs = eval(f"dict({kw})", {"mx": mx})
    if extra == "names":
        kwargs["param_idx2name"] = dict(NAMES)
    o = mx.optimizer.create(name, **kwargs)
    if extra == "mult":
        o.set_lr_mult({0: 0.5, "fc_bias": 3.0})
        o.set_wd_mult({2: 2.0})
    upd = mx.optimizer.get_updater(o)
    ws = [mx.nd.array(w, dtype=dtype) for w in ws0]
    lrs = []
    for step in range(STEPS):
        gs = [mx.nd.array(g, dtype=dtype) for g in gs0[step]]
        if mode == "list":
            upd(list(range(len(ws))), gs, ws)
        else:
            for i in range(len(ws)):
                upd(i, gs[i], ws[i])
        lrs.append(float(o.learning_rate))
    states = []
    for i in range(len(ws)):
        states.extend(_enc(x) for x in _flat_state(upd.states[i]))
    return {"weights": [_enc(w) for w in ws], "states": states, "num_update": o.num_update,
            "lrs": lrs}


SCHED_CASES = [
    ("factor", "mx.lr_scheduler.FactorScheduler(step=3, factor=0.5, base_lr=1.0)",
     list(range(1, 15))),
    ("factor_stop", "mx.lr_scheduler.FactorScheduler(step=1, factor=0.1, stop_factor_lr=1e-3,"
     " base_lr=1.0)", list(range(1, 8))),
    ("factor_warmup", "mx.lr_scheduler.FactorScheduler(step=2, factor=0.9, base_lr=0.5, "
     "warmup_steps=4, warmup_begin_lr=0.1)", list(range(0, 12))),
    ("factor_warmup_const", "mx.lr_scheduler.FactorScheduler(step=2, factor=0.9, base_lr=0.5,"
     " warmup_steps=3, warmup_begin_lr=0.1, warmup_mode='constant')", list(range(0, 8))),
    ("factor_backwards", "mx.lr_scheduler.FactorScheduler(step=2, factor=0.5, base_lr=1.0)",
     [1, 9, 3, 1, 12]),
    ("multifactor", "mx.lr_scheduler.MultiFactorScheduler(step=[2, 5, 6], factor=0.3, "
     "base_lr=2.0)", list(range(0, 10))),
    ("multifactor_warmup", "mx.lr_scheduler.MultiFactorScheduler(step=[4, 7], factor=0.5, "
     "base_lr=1.0, warmup_steps=3, warmup_begin_lr=0.25)", list(range(0, 10))),
    ("poly", "mx.lr_scheduler.PolyScheduler(max_update=10, base_lr=1.0, pwr=2)",
     list(range(0, 14))),
    ("poly_warmup", "mx.lr_scheduler.PolyScheduler(max_update=10, base_lr=1.0, pwr=3, "
     "final_lr=0.1, warmup_steps=3, warmup_begin_lr=0.2)", list(range(0, 14))),
    ("cosine", "mx.lr_scheduler.CosineScheduler(max_update=8, base_lr=1.0, final_lr=0.1)",
     list(range(0, 12))),
    ("cosine_warmup", "mx.lr_scheduler.CosineScheduler(max_update=10, base_lr=0.5, "
     "warmup_steps=4, warmup_begin_lr=0.1, warmup_mode='constant')", list(range(0, 12))),
]


def run_sched(mx, case):
    _cid, expr, counts = case
    s = eval(expr, {"mx": mx})
    return [float(s(n)) for n in counts]


ERROR_CASES = [
    ("unknown_name", "mx.optimizer.create('nosuchopt')"),
    ("factor_gt1", "mx.lr_scheduler.FactorScheduler(step=2, factor=1.5)"),
    ("factor_step0", "mx.lr_scheduler.FactorScheduler(step=0)"),
    ("multi_not_increasing", "mx.lr_scheduler.MultiFactorScheduler(step=[3, 2])"),
    ("warmup_mode", "mx.lr_scheduler.PolyScheduler(10, warmup_mode='cubic')"),
    ("warmup_begin", "mx.lr_scheduler.CosineScheduler(10, base_lr=0.1, warmup_begin_lr=0.5)"),
    ("warmup_negative", "mx.lr_scheduler.CosineScheduler(10, warmup_steps=-1)"),
    ("poly_max0", "mx.lr_scheduler.PolyScheduler(0)"),
    ("set_lr_with_sched", "mx.optimizer.SGD(lr_scheduler=mx.lr_scheduler.FactorScheduler(2))"
     ".set_learning_rate(0.1)"),
    ("unknown_kwarg", "mx.optimizer.create('sgd', mommentum=0.9)"),
    ("groupadagrad_wd", "u = mx.optimizer.get_updater(mx.optimizer.create('groupadagrad', "
     "wd=0.1)); u(0, mx.nd.ones((2, 3)), mx.nd.ones((2, 3)))"),
    ("dcasgd_momentum", "u = mx.optimizer.get_updater(mx.optimizer.create('dcasgd', "
     "momentum=0.9)); u(0, mx.nd.ones((2, 3)), mx.nd.ones((2, 3)))"),
    ("trainer_not_params", "mx.gluon.Trainer([mx.nd.ones(2)], 'sgd')"),
    ("trainer_opt_params_with_instance", "p = mx.gluon.Parameter('p', shape=(2,)); "
     "p.initialize(); mx.gluon.Trainer([p], mx.optimizer.SGD(), {'learning_rate': 0.1})"),
    ("trainer_stale", "p = mx.gluon.Parameter('p', shape=(2,)); p.initialize(); "
     "mx.gluon.Trainer([p], 'sgd').step(1)"),
    ("trainer_update_on_kv", "p = mx.gluon.Parameter('p', shape=(2,)); "
     "p.initialize(ctx=[mx.cpu(0), mx.cpu(1)]); mx.gluon.Trainer([p], 'sgd').allreduce_grads()"),
]


def run_error(mx, case):
    _cid, code = case
    try:
        exec(code, {"mx": mx})
    except Exception as e:  # noqa: BLE001
        return type(e).__name__
    return None


# ---- Trainer ------------------------------------------------------------------------------
TRAINER_CASES = [
    # id, optimizer, optimizer_params expression, contexts, trainer kwargs expression
    ("sgd_1ctx", "sgd", "{'learning_rate': 0.1, 'momentum': 0.9, 'wd': 0.01}", 1, "{}"),
    ("adam_1ctx", "adam", "{'learning_rate': 0.01, 'clip_gradient': 0.5}", 1, "{}"),
    ("sgd_sched", "sgd", "{'lr_scheduler': mx.lr_scheduler.MultiFactorScheduler([2, 4], 0.5,"
     " base_lr=0.1)}", 1, "{}"),
    ("rmsprop_2ctx_kv", "rmsprop", "{'learning_rate': 0.01, 'centered': True}", 2, "{}"),
    ("sgd_2ctx_nokv", "sgd", "{'learning_rate': 0.1, 'momentum': 0.9}", 2,
     "{'update_on_kvstore': False}"),
    ("lamb_2ctx_local", "lamb", "{'learning_rate': 0.01}", 2, "{'kvstore': 'local'}"),
    ("nag_nokv", "nag", "{'learning_rate': 0.1, 'momentum': 0.9}", 2, "{'kvstore': None}"),
    ("adagrad_lrmult", "adagrad", "{'learning_rate': 0.1}", 1, "{}"),
]
T_STEPS, T_MORE = 3, 2


def _net(mx, case, weights=None):
    cid, _o, _p, nctx, _k = case
    nn = mx.gluon.nn
    ctx = [mx.cpu(i) for i in range(nctx)]
    net = nn.HybridSequential(prefix="net_")
    with net.name_scope():
        net.add(nn.Dense(5, in_units=4, activation="tanh"))
        net.add(nn.Dense(3, in_units=5))
    net.initialize(ctx=ctx)
    if "fp16" in cid:
        net.cast("float16")
    params = net.collect_params()
    rs = np.random.RandomState(11)
    for name in sorted(params.keys()):
        p = params[name]
        val = rs.uniform(-0.5, 0.5, p.shape) if weights is None else np.array(weights[name])
        p.set_data(mx.nd.array(val, dtype=p.dtype))
    if "lrmult" in cid:
        params["net_dense0_weight"].lr_mult = 0.5
        params["net_dense1_bias"].wd_mult = 3.0
    return net, ctx


def _batch(mx, step, dtype):
    rs = np.random.RandomState(100 + step)
    x = rs.uniform(-1, 1, (6, 4))
    y = rs.uniform(-1, 1, (6, 3))
    return x.astype(dtype), y.astype(dtype)


def _train(mx, net, ctx, trainer, first, n, dtype):
    for step in range(first, first + n):
        x, y = _batch(mx, step, dtype)
        per = len(x) // len(ctx)
        with mx.autograd.record():
            losses = []
            for i, c in enumerate(ctx):
                xs = mx.nd.array(x[i * per:(i + 1) * per], ctx=c, dtype=dtype)
                ys = mx.nd.array(y[i * per:(i + 1) * per], ctx=c, dtype=dtype)
                d = net(xs) - ys
                losses.append((d * d).sum())
        for loss in losses:
            loss.backward()
        trainer.step(len(x))


def _weights(net):
    params = net.collect_params()
    return {k: params[k].data().asnumpy().astype("float64").tolist() for k in
            sorted(params.keys())}


def make_trainer(mx, case, net):
    _cid, oname, oparams, _n, tkw = case
    return mx.gluon.Trainer(net.collect_params(), oname, eval(oparams, {"mx": mx}),
                            **eval(tkw, {"mx": mx}))


def run_trainer(mx, case, states_path):
    """Train T_STEPS, save states to states_path, train T_MORE; weights at both points."""
    dtype = "float16" if "fp16" in case[0] else "float32"
    net, ctx = _net(mx, case)
    tr = make_trainer(mx, case, net)
    _train(mx, net, ctx, tr, 0, T_STEPS, dtype)
    mid = _weights(net)
    lr_mid = float(tr.learning_rate)
    tr.save_states(states_path)
    _train(mx, net, ctx, tr, T_STEPS, T_MORE, dtype)
    return {"mid": mid, "after": _weights(net), "lr_mid": lr_mid,
            "lr_after": float(tr.learning_rate)}


def resume_trainer(mx, case, mid, states_path):
    """A fresh net with the mid weights, a fresh trainer loading states_path, T_MORE steps."""
    dtype = "float16" if "fp16" in case[0] else "float32"
    net, ctx = _net(mx, case, weights=mid)
    tr = make_trainer(mx, case, net)
    tr.load_states(states_path)
    _train(mx, net, ctx, tr, T_STEPS, T_MORE, dtype)
    return _weights(net)


def _close(a, b, tol):
    return all(np.allclose(np.array(a[k]), np.array(b[k]), rtol=tol, atol=tol) for k in a)


def check_reverse(cases, golden):
    """mxcompat trains and saves; this MXNet loads and must continue to its own numbers."""
    import mxnet as mx
    code = ("import sys, json; sys.path.insert(0, %r); import mxcompat as mx; "
            "import record_optimizer as r; cases = {c[0]: c for c in r.TRAINER_CASES}; "
            "out = {}\n"
            "for cid in cases:\n"
            "    out[cid] = r.run_trainer(mx, cases[cid], sys.argv[1] + '/' + cid + '.states')"
            "\nprint(json.dumps(out))") % str(Path(__file__).parent)
    with tempfile.TemporaryDirectory() as tmp:
        r = subprocess.run([sys.executable, "-c", code,
                            tmp], capture_output=True, text=True, env=_compat_env())
        if r.returncode != 0:
            print("reverse check skipped (mxcompat not importable here):",
                  r.stderr.strip().splitlines()[-1:])
            return
        theirs = json.loads(r.stdout.strip().splitlines()[-1])
        for case in cases:
            cid = case[0]
            tol = 2e-2 if "fp16" in cid else 1e-5
            got = resume_trainer(mx, case, theirs[cid]["mid"], f"{tmp}/{cid}.states")
            ok = _close(got, golden[cid]["after"], tol)
            print(f"reverse {cid}: MXNet continues mxcompat's states file "
                  f"{'OK' if ok else 'MISMATCH'}")
            if not ok:
                raise SystemExit(f"reverse check failed for {cid}")


def _compat_env():
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def record_example() -> None:
    r = subprocess.run([sys.executable, str(ROOT / "examples" / "gluon_train.py")],
                       capture_output=True, text=True, check=True, cwd=ROOT)
    (ROOT / "tests" / "golden" / "gluon_train.stdout").write_text(r.stdout)


def main() -> int:
    import mxnet as mx
    mx.random.seed(0)
    golden = {"mxnet_version": mx.__version__, "optimizers": {}, "schedulers": {},
              "errors": {}, "trainers": {}}
    for case in OPT_CASES:
        try:
            golden["optimizers"][case[0]] = run_opt(mx, case)
        except Exception as e:  # noqa: BLE001
            golden["optimizers"][case[0]] = {"error": type(e).__name__}
    for case in SCHED_CASES:
        golden["schedulers"][case[0]] = run_sched(mx, case)
    for case in ERROR_CASES:
        golden["errors"][case[0]] = run_error(mx, case)
    FIXTURES.mkdir(parents=True, exist_ok=True)
    for case in TRAINER_CASES:
        golden["trainers"][case[0]] = run_trainer(mx, case, str(FIXTURES / f"{case[0]}.states"))
    check_reverse(TRAINER_CASES, golden["trainers"])
    if (ROOT / "examples" / "gluon_train.py").exists():
        record_example()
    GOLDEN.write_text(json.dumps(golden, indent=1, sort_keys=True) + "\n")
    print(f"wrote {GOLDEN.relative_to(ROOT)} and {FIXTURES.relative_to(ROOT)}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
