"""One training step (forward, loss, backward, SGD update) of a Gluon MLP (784-256-10, batch 64)
and a small CNN (two 3x3 conv + pool blocks and a dense head on 1x28x28, batch 32): mxcompat's
Gluon against the same models in plain PyTorch (torch.nn + torch.optim.SGD, eager), and, where
installed, real MXNet 1.9.1.

    python benchmarks/bench_gluon.py [--quick] [--mxnet-python PATH]

The Gluon step is what a legacy script runs: ``net(x)`` under ``autograd.record()``, a
softmax cross-entropy written with ``mx.nd`` ops, ``loss.backward()`` and ``sgd_update`` on
every parameter (what ``gluon.Trainer`` does for SGD). Torch and mxcompat are timed
alternately in one process; the table shows medians and the ratio to torch from that run.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

MODELS = ("mlp", "cnn")


def _data(model: str):
    import numpy as np
    rs = np.random.RandomState(0)
    if model == "mlp":
        return rs.rand(64, 784).astype(np.float32), rs.randint(0, 10, 64)
    return rs.rand(32, 1, 28, 28).astype(np.float32), rs.randint(0, 10, 32)


def torch_step(model: str):
    import torch
    from torch import nn
    torch.set_num_threads(int(os.environ.get("BENCH_THREADS", "2")))
    X, y = _data(model)
    xb, yb = torch.from_numpy(X), torch.from_numpy(y).long()
    torch.manual_seed(0)
    if model == "mlp":
        net = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 10))
    else:
        net = nn.Sequential(nn.Conv2d(1, 8, 3), nn.ReLU(), nn.MaxPool2d(2),
                            nn.Conv2d(8, 16, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                            nn.Linear(16 * 5 * 5, 10))
    opt = torch.optim.SGD(net.parameters(), lr=0.05)
    lossf = nn.CrossEntropyLoss()

    def step():
        opt.zero_grad()
        loss = lossf(net(xb), yb)
        loss.backward()
        opt.step()
        return loss.item()
    return step


def gluon_step(model: str, lib: str, hybridize: bool = False):
    if lib == "mxnet":
        import mxnet as mx
    else:
        import mxcompat as mx
        import torch
        torch.set_num_threads(int(os.environ.get("BENCH_THREADS", "2")))
    nd, ag, nn = mx.nd, mx.autograd, mx.gluon.nn
    X, y = _data(model)
    xb, yb = nd.array(X), nd.array(y)
    net = nn.HybridSequential()
    with net.name_scope():
        if model == "mlp":
            net.add(nn.Dense(256, activation="relu"), nn.Dense(10))
        else:
            net.add(nn.Conv2D(8, 3, activation="relu"), nn.MaxPool2D(),
                    nn.Conv2D(16, 3, activation="relu"), nn.MaxPool2D(), nn.Flatten(),
                    nn.Dense(10))
    net.initialize(mx.init.Xavier())
    if hybridize:
        net.hybridize(static_alloc=True, static_shape=True)
    net(xb)
    params = [p for p in net.collect_params().values() if p.grad_req != "null"]
    lr = 0.05

    def step():
        with ag.record():
            out = net(xb)
            loss = -nd.pick(nd.log_softmax(out), yb).mean()
        loss.backward()
        for p in params:
            w = p.data()
            nd.sgd_update(w, p.grad(), lr=lr, wd=0.0, rescale_grad=1.0, out=w)
        return loss.asscalar()
    return step


def _time(step, n: int) -> float:
    t0 = time.perf_counter()
    for _ in range(n):
        step()
    return (time.perf_counter() - t0) / n


def pair_worker(model: str, quick: bool) -> list:
    """torch, mxcompat Gluon and hybridized mxcompat Gluon in one process, timed in turn."""
    steps = [torch_step(model), gluon_step(model, "mxcompat"),
             gluon_step(model, "mxcompat", hybridize=True)]
    n, rep = (2, 3) if quick else ((30, 15) if model == "mlp" else (10, 11))
    for _ in range(2 if quick else 8):
        for s in steps:
            s()
    times: list = [[] for _ in steps]
    for _ in range(rep):
        for i, s in enumerate(steps):
            times[i].append(_time(s, n))
    return [statistics.median(t) for t in times]


def mxnet_worker(model: str, quick: bool) -> float:
    step = gluon_step(model, "mxnet")
    n, rep = (2, 3) if quick else (20, 7)
    for _ in range(2 if quick else 8):
        step()
    return statistics.median(_time(step, n) for _ in range(rep))


def _spawn(python: str, args: list):
    env = dict(os.environ)
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env["PYTHONPATH"] = root + os.pathsep + env.get("PYTHONPATH", "")
    r = subprocess.run([python, os.path.abspath(__file__)] + args, capture_output=True,
                       text=True, env=env)
    if r.returncode:
        raise SystemExit(f"worker {args} failed:\n{r.stderr}")
    return json.loads(r.stdout.strip().splitlines()[-1])


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--worker", help=argparse.SUPPRESS)
    p.add_argument("--model", help=argparse.SUPPRESS)
    p.add_argument("--quick", action="store_true")
    p.add_argument("--mxnet-python", default=None)
    args = p.parse_args(argv)
    if args.worker == "pair":
        print(json.dumps(pair_worker(args.model, args.quick)))
        return 0
    if args.worker == "mxnet":
        print(json.dumps(mxnet_worker(args.model, args.quick)))
        return 0
    q = ["--quick"] if args.quick else []
    print(f"{'Gluon training step':34} {'median':>10} {'vs torch':>9}")
    for model in MODELS:
        t, m, h = _spawn(sys.executable, ["--worker", "pair", "--model", model] + q)
        title = "MLP 784-256-10, batch 64" if model == "mlp" else "CNN 1x28x28, batch 32"
        print(f"-- {title}")
        print(f"{'  torch.nn + torch.optim.SGD':34} {t * 1e3:8.3f} ms {1.0:8.2f}x")
        print(f"{'  mxcompat Gluon':34} {m * 1e3:8.3f} ms {m / t:8.2f}x")
        print(f"{'  mxcompat Gluon, hybridized':34} {h * 1e3:8.3f} ms {h / t:8.2f}x")
        if args.mxnet_python:
            x = _spawn(args.mxnet_python, ["--worker", "mxnet", "--model", model] + q)
            print(f"{'  MXNet 1.9.1 Gluon':34} {x * 1e3:8.3f} ms {x / t:8.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
