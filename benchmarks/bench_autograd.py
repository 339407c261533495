"""One training step of a 784-256-10 MLP (batch 64) with autograd and in-place SGD updates:
mxcompat against the same loop in raw torch and, where installed, real MXNet 1.9.1.

    python benchmarks/bench_autograd.py [--quick] [--mxnet-python PATH]

Each framework runs in its own process; the parent prints medians and ratios from one run.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time


def _data():
    import numpy as np
    rs = np.random.RandomState(0)
    return (rs.rand(64, 784).astype(np.float32), rs.randint(0, 10, 64),
            (rs.randn(784, 256) * 0.01).astype(np.float32),
            (rs.randn(256, 10) * 0.01).astype(np.float32))


def step_fn(lib: str):
    X, y, w1, w2 = _data()
    lr = 0.1
    if lib == "torch":
        import torch
        torch.set_num_threads(int(os.environ.get("BENCH_THREADS", "2")))
        xb, yb = torch.from_numpy(X), torch.from_numpy(y)
        W1 = torch.from_numpy(w1).requires_grad_()
        b1 = torch.zeros(256, requires_grad=True)
        W2 = torch.from_numpy(w2).requires_grad_()
        b2 = torch.zeros(10, requires_grad=True)
        params = [W1, b1, W2, b2]

        def step():
            h = torch.clamp_min(xb @ W1 + b1, 0)
            out = h @ W2 + b2
            out = out - out.amax(dim=1, keepdim=True)
            logp = out - out.exp().sum(dim=1, keepdim=True).log()
            loss = -logp.gather(1, yb[:, None]).mean()
            for p in params:
                p.grad = None
            loss.backward()
            with torch.no_grad():
                for p in params:
                    p -= lr * p.grad
            return loss.item()
        return step
    if lib == "mxnet":
        import mxnet as mx
    else:
        import mxcompat as mx
        import torch
        torch.set_num_threads(int(os.environ.get("BENCH_THREADS", "2")))
    nd, ag = mx.nd, mx.autograd
    xb, yb = nd.array(X), nd.array(y)
    W1, b1, W2, b2 = nd.array(w1), nd.zeros(256), nd.array(w2), nd.zeros(10)
    params = [W1, b1, W2, b2]
    for p in params:
        p.attach_grad()

    def step():
        with ag.record():
            h = nd.relu(nd.dot(xb, W1) + b1)
            out = nd.dot(h, W2) + b2
            out = out - out.max(axis=1, keepdims=True)
            logp = out - nd.log(nd.exp(out).sum(axis=1, keepdims=True))
            loss = -nd.pick(logp, yb, axis=1).mean()
        loss.backward()
        for p in params:
            p -= lr * p.grad
        return loss.asscalar()
    return step


def _time(step, n: int) -> float:
    t0 = time.perf_counter()
    for _ in range(n):
        step()
    return (time.perf_counter() - t0) / n


def worker(lib: str, quick: bool) -> float:
    step = step_fn(lib)
    n, rep = (3, 3) if quick else (50, 7)
    for _ in range(3 if quick else 10):
        step()
    return statistics.median(_time(step, n) for _ in range(rep))


def pair_worker(quick: bool) -> list:
    """raw torch and mxcompat in one process, timed alternately (shared-machine noise hits
    both alike)."""
    st, sm = step_fn("torch"), step_fn("mxcompat")
    n, rep = (3, 3) if quick else (20, 15)
    for _ in range(3 if quick else 10):
        st()
        sm()
    tt, tm = [], []
    for _ in range(rep):
        tt.append(_time(st, n))
        tm.append(_time(sm, n))
    return [statistics.median(tt), statistics.median(tm)]


def _spawn(python: str, lib: str, quick: bool):
    env = dict(os.environ)
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env["PYTHONPATH"] = root + os.pathsep + env.get("PYTHONPATH", "")
    cmd = [python, os.path.abspath(__file__), "--worker", lib] + (["--quick"] if quick else [])
    r = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if r.returncode:
        raise SystemExit(f"{lib} worker failed:\n{r.stderr}")
    return json.loads(r.stdout.strip().splitlines()[-1])


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--worker", help=argparse.SUPPRESS)
    p.add_argument("--quick", action="store_true")
    p.add_argument("--mxnet-python", default=None)
    args = p.parse_args(argv)
    if args.worker == "pair":
        print(json.dumps(pair_worker(args.quick)))
        return 0
    if args.worker:
        print(json.dumps(worker(args.worker, args.quick)))
        return 0
    t, m = _spawn(sys.executable, "pair", args.quick)
    print(f"{'MLP 784-256-10 step':22} {'median':>10} {'vs torch':>9}")
    print(f"{'raw torch':22} {t * 1e3:8.2f} ms {1.0:8.2f}x")
    print(f"{'mxcompat':22} {m * 1e3:8.2f} ms {m / t:8.2f}x")
    if args.mxnet_python:
        x = _spawn(args.mxnet_python, "mxnet", args.quick)
        print(f"{'MXNet 1.9.1':22} {x * 1e3:8.2f} ms {x / t:8.2f}x  (mxcompat is "
              f"{x / m:.2f}x faster)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
