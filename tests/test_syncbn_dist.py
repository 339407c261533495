"""gluon.contrib.nn.SyncBatchNorm across processes (an mxcompat extension, see
docs/distributed.md): two workers on loopback, started here through ``mxcompat.launch`` and
bounded in time, must give what one process gets applying BatchNorm to the concatenated batch.
Without a process group SyncBatchNorm is BatchNorm."""
import importlib.util
import io
import json
import os
import sys
from pathlib import Path

import numpy as np
import pytest

import mxcompat as mx

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
WORKER = HERE / "syncbn_dist_worker.py"
RUN_LIMIT = 240  # seconds the launch may take on a busy machine before it is killed


def _worker_module():
    # the worker's batch/make_block helpers (it imports ``mxnet``: alias it to mxcompat)
    sys.modules.setdefault("mxnet", mx)
    spec = importlib.util.spec_from_file_location("syncbn_dist_worker", WORKER)
    mod = importlib.util.module_from_spec(spec)
    argv = sys.argv
    sys.argv = [str(WORKER), "unused"]
    try:
        spec.loader.exec_module(mod)
    finally:
        sys.argv = argv
    return mod


def _reference(w):
    """One process, plain BatchNorm on the full batch of each step."""
    bn = w.make_block(mx.gluon.nn.BatchNorm(in_channels=w.C, momentum=0.8))
    steps = []
    for step in range(2):
        xf, wf = w.batch(step)
        x = mx.nd.array(xf)
        x.attach_grad()
        with mx.autograd.record():
            out = bn(x)
            loss = (out * mx.nd.array(wf)).sum()
        loss.backward()
        steps.append({"out": out.asnumpy(), "xgrad": x.grad.asnumpy(),
                      "gamma_grad": bn.gamma.grad().asnumpy(),
                      "beta_grad": bn.beta.grad().asnumpy(),
                      "running_mean": bn.running_mean.data().asnumpy(),
                      "running_var": bn.running_var.data().asnumpy()})
    predict = bn(mx.nd.array(w.batch(0)[0])).asnumpy()
    return steps, predict


@pytest.fixture(scope="module")
def two_workers(tmp_path_factory):
    from mxcompat.launch import launch
    out_dir = tmp_path_factory.mktemp("syncbn")
    env = dict(os.environ, MXCOMPAT_DIST_TIMEOUT="30", PYTHONPATH=str(ROOT))
    cmd = [sys.executable, "-m", "mxcompat", "run", str(WORKER), str(out_dir)]
    sink = io.StringIO()
    rc = launch(cmd, 2, timeout=RUN_LIMIT, redirect=False, stdout=sink, env=env)
    res = {}
    for r in range(2):
        f = out_dir / f"rank{r}.json"
        if f.exists():
            res[r] = json.loads(f.read_text())
    return rc, sink.getvalue(), res


def test_two_processes_match_one_process_on_the_whole_batch(two_workers):
    rc, log, res = two_workers
    assert rc == 0, log[-3000:]
    assert sorted(res) == [0, 1] and all(r["num_workers"] == 2 for r in res.values())
    steps, predict = _reference(_worker_module())
    tol = dict(rtol=1e-4, atol=1e-5)
    for s, ref in enumerate(steps):
        got = [res[r]["steps"][s] for r in (0, 1)]
        # outputs and input gradients: each rank holds its half of the batch
        for key in ("out", "xgrad"):
            np.testing.assert_allclose(np.concatenate([np.array(g[key]) for g in got]),
                                       ref[key], err_msg=f"step {s} {key}", **tol)
        # parameter gradients: each rank has its own rows' share; their sum (what a
        # dist_sync KVStore push adds up) is the full batch's gradient
        for key in ("gamma_grad", "beta_grad"):
            np.testing.assert_allclose(sum(np.array(g[key]) for g in got), ref[key],
                                       err_msg=f"step {s} {key}", **tol)
        # moving statistics: identical on both ranks and equal to the full batch's
        for key in ("running_mean", "running_var"):
            assert got[0][key] == got[1][key], (s, key)
            np.testing.assert_allclose(np.array(got[0][key]), ref[key],
                                       err_msg=f"step {s} {key}", **tol)
    np.testing.assert_allclose(np.concatenate([np.array(res[r]["predict"]) for r in (0, 1)]),
                               predict, **tol)


def test_halves_differ_from_per_process_batchnorm(two_workers):
    # the check above is not satisfied by a per-process BatchNorm: the halves' own statistics
    # give other outputs on this batch
    _, _, res = two_workers
    w = _worker_module()
    xf, _ = w.batch(0)
    bn = w.make_block(mx.gluon.nn.BatchNorm(in_channels=w.C))
    with mx.autograd.record():
        local = bn(mx.nd.array(xf[:4])).asnumpy()
    assert not np.allclose(local, np.array(res[0]["steps"][0]["out"]), atol=1e-3)


def test_without_process_group_syncbatchnorm_is_batchnorm():
    import torch.distributed as dist
    assert not dist.is_initialized()
    w = _worker_module()
    xf, wf = w.batch(1)
    outs = []
    for blk in (mx.gluon.contrib.nn.SyncBatchNorm(in_channels=3, num_devices=1),
                mx.gluon.nn.BatchNorm(in_channels=3)):
        blk = w.make_block(blk)
        x = mx.nd.array(xf)
        x.attach_grad()
        with mx.autograd.record():
            loss = (blk(x) * mx.nd.array(wf)).sum()
        loss.backward()
        outs.append((x.grad.asnumpy(), blk.gamma.grad().asnumpy(),
                     blk.running_mean.data().asnumpy(), blk.running_var.data().asnumpy()))
    for a, b in zip(*outs, strict=True):
        np.testing.assert_array_equal(a, b)
