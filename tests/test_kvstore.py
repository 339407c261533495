"""mx.kv / mx.kvstore: single-machine stores against MXNet 1.9.1's recorded behaviour
(tests/golden/kvstore.json, by tools/oracle/record_kvstore.py), 2-bit compression against a
NumPy reference, and the distributed kinds with real worker processes on loopback (started
here through ``mxcompat launch``, every run bounded by a timeout)."""
from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest

import mxcompat as mx
from mxcompat.base import MXNetError

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "tools" / "oracle"))
import record_kvstore as rec  # noqa: E402

GOLDEN = json.loads((HERE / "golden" / "kvstore.json").read_text())


class MomentumSGD:
    """MXNet's Optimizer interface over nd.sgd_mom_update (until mx.optimizer exists)."""

    def __init__(self, learning_rate, momentum, wd, rescale_grad):
        self.kw = dict(lr=learning_rate, momentum=momentum, wd=wd, rescale_grad=rescale_grad)

    def create_state(self, index, weight):
        return mx.nd.zeros(weight.shape, weight.context, dtype=weight.dtype)

    def update(self, index, weight, grad, state):
        mx.nd.sgd_mom_update(weight, grad, state, out=weight, **self.kw)


def make_sgd():
    try:
        return mx.optimizer.SGD(**rec.SGD_KW)
    except (AttributeError, MXNetError, ImportError):
        return MomentumSGD(**rec.SGD_KW)


def _jsonish(x):
    return json.loads(json.dumps(x))


@pytest.mark.parametrize("name", ["local", "updater", "compression", "row_sparse",
                                  "optimizer"])
def test_scenario_matches_mxnet(name, capfd):
    got = _jsonish(rec.SCENARIOS[name](mx, make_sgd))
    want = GOLDEN[name]
    np.testing.assert_equal(_round(got), _round(want))


def _round(x):
    if isinstance(x, float):
        return round(x, 5)
    if isinstance(x, list):
        return [_round(v) for v in x]
    if isinstance(x, dict):
        return {k: _round(v) for k, v in x.items()}
    return x


def test_errors_match_mxnet():
    got = rec.sc_errors(mx)
    for case, (cls, msg) in GOLDEN["errors"].items():
        gcls, gmsg = got[case]
        if cls == "MXNetError":
            assert gcls == "MXNetError", (case, got[case])
            assert msg.replace("MXNetError: ", "") in gmsg, (case, got[case], msg)
        else:
            assert gcls == cls, (case, got[case])
            assert gmsg.endswith(msg), (case, got[case], msg)


def test_mxnet_errors_are_mxneterror_or_python_classes():
    kv = mx.kv.create()
    kv.init(3, mx.nd.ones((2, 3)))
    # deliberate difference: MXNet leaves a shape mismatch undefined; mxcompat refuses it
    with pytest.raises(MXNetError, match="shape mismatch for key 3"):
        kv.push(3, mx.nd.ones((3, 3)))
    with pytest.raises(MXNetError, match="shape mismatch"):
        kv.pull(3, out=mx.nd.ones((3,)))
    with pytest.raises(MXNetError, match="key 8 has not been inited"):
        kv.push(8, mx.nd.ones((2, 3)))


def test_create_kinds():
    for name, (typ, rank, n, capable) in GOLDEN["create"].items():
        kv = mx.kv.create(name)
        assert [kv.type, kv.rank, kv.num_workers] == [typ, rank, n]
        assert str(kv.is_capable("optimizer")) == capable
    for name in ("horovod", "byteps", "Horovod"):
        with pytest.raises(MXNetError, match="not supported.*dist_sync"):
            mx.kv.create(name)
    if not mx.num_gpus():
        with pytest.raises(MXNetError, match="needs CUDA"):
            mx.kv.create("nccl")
    assert mx.kv is mx.kvstore
    assert {"KVStore", "KVStoreBase", "KVStoreServer", "create"} <= set(dir(mx.kv))


def test_dist_kind_without_launcher_is_one_worker(monkeypatch):
    for var in ("DMLC_NUM_WORKER", "RANK", "WORLD_SIZE", "DMLC_ROLE"):
        monkeypatch.delenv(var, raising=False)
    for name in ("dist_sync", "dist_device_sync", "dist_async"):
        kv = mx.kv.create(name)
        assert (kv.type, kv.rank, kv.num_workers) == (name, 0, 1)
        kv.init("a", mx.nd.ones((2,)))
        kv.push("a", [mx.nd.ones((2,)), mx.nd.ones((2,)) * 2])
        out = mx.nd.zeros((2,))
        kv.pull("a", out=out)
        np.testing.assert_array_equal(out.asnumpy(), [3, 3])
        kv._barrier()
        kv.barrier()


def test_registry_and_custom_store():
    @mx.kv.KVStoreBase.register
    class MyStore(mx.kv.KVStoreBase):
        made = 0

        def __init__(self):
            MyStore.made += 1

    try:
        kv = mx.kv.create("MyStore")
        assert isinstance(kv, MyStore) and MyStore.made == 1
        with pytest.warns(UserWarning, match="overriding existing kvstore"):
            mx.kv.KVStoreBase.register(MyStore)
        with pytest.raises(NotImplementedError):
            kv.pushpull(1, mx.nd.ones((1,)))
    finally:
        mx.kv.KVStoreBase.kv_registry.pop("mystore", None)
    ts = mx.kv.create("teststore")
    vals = [mx.nd.ones((2,)), mx.nd.ones((2,)) * 4]
    ts.pushpull(0, vals)
    np.testing.assert_array_equal(vals[1].asnumpy(), [5, 5])


def _twobit_reference(pushes, threshold):
    """MXNet's 2-bit scheme in NumPy float32: residual += g; send +-threshold when the
    residual reaches it; the sent amount leaves the residual; the receiver sums."""
    th = np.float32(threshold)
    res = {}
    outs = []
    for senders in pushes:
        total = np.zeros_like(senders[0])
        for i, g in enumerate(senders):
            r = res.setdefault(i, np.zeros_like(g))
            r += g
            q = np.where(r >= th, th, np.where(r <= -th, -th, np.float32(0)))
            r -= q
            total = total + q
        outs.append(total)
    return outs


def test_twobit_compression_against_numpy():
    rng = np.random.RandomState(0)
    kv = mx.kv.create("device")
    kv.set_gradient_compression({"type": "2bit", "threshold": 0.3})
    kv.init("g", mx.nd.zeros((50,)))
    pushes = [[rng.randn(50).astype(np.float32) * 0.4 for _ in range(3)] for _ in range(6)]
    want = _twobit_reference(pushes, 0.3)
    out = mx.nd.zeros((50,))
    for p, w in zip(pushes, want, strict=False):
        kv.push("g", [mx.nd.array(g) for g in p])
        kv.pull("g", out=out)
        np.testing.assert_allclose(out.asnumpy(), w, rtol=0, atol=1e-6)


def _unpickle(data):
    """States files name MXNet's classes (so that MXNet reads them): read them as mxcompat's."""
    import io
    from mxcompat.kvstore.kvstore import _MXNetUnpickler
    return _MXNetUnpickler(io.BytesIO(data)).load()


def test_optimizer_states_roundtrip_and_mxnet_file(tmp_path):
    # states saved by MXNet 1.9.1 load here and continue the run with MXNet's numbers
    states = base64.b64decode(GOLDEN["states_b64"])
    got = rec.opt_continue(mx, make_sgd, states)
    np.testing.assert_allclose(np.array(got[0]), np.array(GOLDEN["states_continue"][0]),
                               rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(np.array(got[1]), np.array(GOLDEN["states_continue"][1]),
                               rtol=1e-6, atol=1e-7)
    # save (atomic) / load round trip; a corrupt file raises and changes nothing
    kv = mx.kv.create()
    kv.init(0, mx.nd.ones((3,)))
    kv.set_optimizer(make_sgd())
    kv.push(0, mx.nd.ones((3,)))
    f = tmp_path / "opt.states"
    kv.save_optimizer_states(str(f))
    assert [p.name for p in tmp_path.iterdir()] == ["opt.states"]
    saved = _unpickle(f.read_bytes())
    np.testing.assert_allclose(saved[0].asnumpy(), [-0.05 - 0.1 * 0.01 * 1] * 3, rtol=1e-6)
    bad = tmp_path / "bad.states"
    bad.write_bytes(b"\x80\x04not a pickle")
    before = dict(kv._updater.states)
    with pytest.raises(MXNetError, match="not an optimizer states file"):
        kv.load_optimizer_states(str(bad))
    assert kv._updater.states.keys() == before.keys()
    assert kv._updater.states[0] is before[0]
    kv.load_optimizer_states(str(f))
    np.testing.assert_allclose(kv._updater.states[0].asnumpy(), saved[0].asnumpy())
    kv.save_optimizer_states(str(f), dump_optimizer=True)
    st, opt = _unpickle(f.read_bytes())
    assert type(opt).__name__ == type(kv._updater.optimizer).__name__


def test_pull_into_row_sparse_is_ignored(capfd):
    kv = mx.kv.create()
    kv.init(0, mx.nd.ones((2, 2)) * 2)
    out = mx.nd.zeros((2, 2)).tostype("row_sparse")
    kv.pull(0, out=out)
    np.testing.assert_array_equal(out.asnumpy(), np.zeros((2, 2)))
    assert "This call has been ignored" in capfd.readouterr().err


# ---- distributed: real worker processes ---------------------------------------------------
WORKER = HERE / "kvstore_dist_worker.py"
RUN_LIMIT = 240  # seconds a launch may take on a busy machine before it is killed


def _results(n, out_dir):
    results = {}
    for r in range(n):
        f = Path(out_dir) / f"rank{r}.json"
        if f.exists():
            results[r] = json.loads(f.read_text())
    return results


def _launch_cli(n, mode, out_dir, timeout_env="20"):
    """``mxcompat launch -n N python worker.py ...`` as a user types it."""
    env = dict(os.environ, MXCOMPAT_DIST_TIMEOUT=timeout_env, PYTHONPATH=str(ROOT))
    cmd = [sys.executable, "-m", "mxcompat", "launch", "-n", str(n), "--timeout",
           str(RUN_LIMIT), "python", str(WORKER), mode, str(out_dir)]
    p = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=RUN_LIMIT + 30)
    return p.returncode, p.stdout + p.stderr, _results(n, out_dir)


def _launch(n, mode, out_dir, timeout_env="20"):
    """``mxcompat.launch.launch`` from this process (no launcher process to start)."""
    import io
    from mxcompat.launch import launch
    env = dict(os.environ, MXCOMPAT_DIST_TIMEOUT=timeout_env, PYTHONPATH=str(ROOT))
    if mode == "never_join":  # worker 1 is a shell that exits: it never imports anything
        cmd = ["sh", "-c", 'if [ "$DMLC_WORKER_ID" = 1 ]; then exit 0; fi; '
               'exec "$0" -m mxcompat run "$1" never_join "$2"', sys.executable, str(WORKER),
               str(out_dir)]
    else:
        cmd = [sys.executable, "-m", "mxcompat", "run", str(WORKER), mode, str(out_dir)]
    sink = io.StringIO()
    rc = launch(cmd, n, timeout=RUN_LIMIT, redirect=False, stdout=sink, env=env)
    return rc, sink.getvalue(), _results(n, out_dir)


def _launch_like_mxnet(n, mode, out_dir, timeout_env="20"):
    """What MXNet's tools/launch.py does: the same command as scheduler, server and workers,
    told apart only by DMLC_ROLE; workers get no rank (the rendezvous hands them out)."""
    from mxcompat.launch import free_port
    port = free_port()
    base = dict(os.environ, MXCOMPAT_DIST_TIMEOUT=timeout_env, PYTHONPATH=str(ROOT),
                DMLC_NUM_WORKER=str(n), DMLC_NUM_SERVER="1", DMLC_PS_ROOT_URI="127.0.0.1",
                DMLC_PS_ROOT_PORT=str(port))
    for k in ("DMLC_WORKER_ID", "RANK", "WORLD_SIZE", "MASTER_ADDR", "MASTER_PORT"):
        base.pop(k, None)
    cmd = [sys.executable, "-m", "mxcompat", "run", str(WORKER), mode, str(out_dir)]
    roles = ["scheduler", "server"] + ["worker"] * n
    procs = [subprocess.Popen(cmd, env=dict(base, DMLC_ROLE=role), stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True) for role in roles]
    log, codes = "", []
    try:
        for p in procs:
            out, _ = p.communicate(timeout=RUN_LIMIT)
            log += out
            codes.append(p.returncode)
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()
    return (max(codes, key=abs) if codes else -1), log, _results(n, out_dir)


@pytest.fixture(scope="module")
def dist_runs(tmp_path_factory):
    """All launches at once (each bounded), so the machine's cores overlap their start-up:
    2 workers by ``mxcompat.launch``, 4 workers the way MXNet's tools/launch.py starts them
    (with a scheduler and a server process), and the two fault cases (one through the
    ``mxcompat launch`` command line)."""
    jobs = {"api2": (2, "api", "20"), "api4": (4, "api", "20"), "die": (2, "die", "20"),
            "never_join": (2, "never_join", "3")}
    results = {}

    def run(name, n, mode, t):
        d = tmp_path_factory.mktemp(name)
        how = {"api4": _launch_like_mxnet, "die": _launch_cli}.get(name, _launch)
        results[name] = how(n, mode, d, t) + (d,)

    threads = [threading.Thread(target=run, args=(k,) + v) for k, v in jobs.items()]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def _reference_training(steps=4):
    """One process on the full batch, in NumPy float32 with MXNet's sgd_mom_update."""
    sys.path.insert(0, str(HERE))
    X = np.linspace(-1, 1, 24, dtype=np.float32).reshape(8, 3)
    Y = (X @ np.array([1.5, -2.0, 0.5], dtype=np.float32) + 0.25).astype(np.float32)
    w = np.array([[0.1, 0.2, -0.3]], np.float32)
    b = np.zeros(1, np.float32)
    mw, mb = np.zeros_like(w), np.zeros_like(b)
    lr, mom, wd, rs = np.float32(0.1), np.float32(0.9), np.float32(0.01), np.float32(1 / 8)
    for _ in range(steps):
        err = X @ w.reshape(-1) + b[0] - Y
        gw, gb = (err @ X).reshape(1, 3), np.array([err.sum()], np.float32)
        mw = mom * mw - lr * wd * w - lr * rs * gw
        mb = mom * mb - lr * wd * b - lr * rs * gb
        w, b = w + mw, b + mb
    return w, b


@pytest.mark.parametrize("run,n", [("api2", 2), ("api4", 4)])
def test_dist_sync_api_and_training(dist_runs, run, n):
    rc, log, res, out_dir = dist_runs[run]
    assert rc == 0, log[-3000:]
    assert sorted(res) == list(range(n)), log[-3000:]
    rw, rb = _reference_training()
    tri = n * (n + 1) / 2
    g = np.array([0.1, 0.3, 0.6, -0.2, -0.7, 1.4], np.float32)
    comp = _twobit_reference([[g * (r + 1) for r in range(n)]] * 3, 0.5)
    states = {(Path(out_dir) / f"states{r}.bin").read_bytes() for r in range(n)}
    assert len(states) == 1  # every replica holds the same optimizer states
    for r in range(n):
        d = res[r]
        assert (d["rank"], d["num_workers"], d["type"]) == (r, n, "dist_sync")
        np.testing.assert_array_equal(d["init"], np.ones((2, 3)))  # rank 0's value
        np.testing.assert_array_equal(d["push"], np.full((2, 3), tri + n))
        np.testing.assert_array_equal(d["pushpull"], np.full((2, 3), 0.5 * n))
        np.testing.assert_array_equal(d["broadcast"], np.full((2, 2, 3), 10.0))
        np.testing.assert_array_equal(d["updater"], np.full((2, 3), 10 + 2 * tri))
        np.testing.assert_array_equal(d["pushpull_updater"], np.full((2, 3), 10 + 4 * tri))
        np.testing.assert_allclose(d["compression"], comp, atol=1e-6)
        np.testing.assert_allclose(d["train"][0], rw, rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(d["train"][1], rb, rtol=1e-5, atol=1e-6)
        for how in ("trainer", "trainer_local_update"):  # gluon.Trainer(kvstore=...)
            np.testing.assert_allclose(d[how][0], rw, rtol=1e-5, atol=1e-6, err_msg=how)
            np.testing.assert_allclose(d[how][1], rb, rtol=1e-5, atol=1e-6, err_msg=how)
        assert "key 99 has not been inited" in d["pull_uninit"]


def test_dead_worker_raises_mxneterror(dist_runs):
    rc, log, res, _ = dist_runs["die"]
    assert rc == 7, log[-3000:]  # the dead worker's status
    err = res[0]["error"]
    assert err and "kvstore push" in err and "a worker died" in err, log[-3000:]


def test_worker_that_never_joins_raises_mxneterror(dist_runs):
    rc, log, res, _ = dist_runs["never_join"]
    assert rc == 1, log[-3000:]
    err = res[0]["error"]
    assert "could not join a group of 2 workers within 3 s" in err, log[-3000:]


def test_launcher_command_and_environment(monkeypatch):
    from mxcompat import launch as L
    from mxcompat.cli import build_parser
    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    py = sys.executable
    assert L._python_command(["python", "train.py", "--lr", "1"], True) == \
        [py, "-m", "mxcompat", "run", "train.py", "--lr", "1"]
    assert L._python_command(["train.py"], True) == [py, "-m", "mxcompat", "run", "train.py"]
    assert L._python_command(["python", "train.py"], False) == [py, "train.py"]
    assert L._python_command(["bash", "run.sh"], True) == ["bash", "run.sh"]
    with pytest.raises(MXNetError, match="no command"):
        L._python_command([], True)
    with pytest.raises(MXNetError, match="-n must be >= 1"):
        L.launch(["python", "x.py"], 0)
    env = L.worker_env(1, 2, "127.0.0.1", 1234, base={"RANK": "5", "PATH": "/bin"})
    assert "RANK" not in env and env["PATH"] == "/bin"
    assert {k: env[k] for k in ("DMLC_ROLE", "DMLC_NUM_WORKER", "DMLC_NUM_SERVER",
                                "DMLC_PS_ROOT_URI", "DMLC_PS_ROOT_PORT", "DMLC_WORKER_ID")} == \
        {"DMLC_ROLE": "worker", "DMLC_NUM_WORKER": "2", "DMLC_NUM_SERVER": "0",
         "DMLC_PS_ROOT_URI": "127.0.0.1", "DMLC_PS_ROOT_PORT": "1234", "DMLC_WORKER_ID": "1"}
    assert int(env["OMP_NUM_THREADS"]) >= 1
    args = build_parser().parse_args(["launch", "-n", "3", "-s", "1", "--launcher", "local",
                                      "python", "train.py", "--epochs", "2"])
    assert (args.num_workers, args.command) == (3, ["python", "train.py", "--epochs", "2"])


def test_bad_timeout_setting(monkeypatch):
    from mxcompat.kvstore.dist import timeout_seconds
    monkeypatch.setenv("MXCOMPAT_DIST_TIMEOUT", "soon")
    with pytest.raises(MXNetError, match="MXCOMPAT_DIST_TIMEOUT must be a number"):
        timeout_seconds()
    monkeypatch.setenv("MXCOMPAT_DIST_TIMEOUT", "0")
    with pytest.raises(MXNetError, match="must be > 0"):
        timeout_seconds()
