"""Model-zoo inference: ResNet-18 V1 and ResNet-50 V1 (batch 8, 3x224x224, predict mode) in
mxcompat's Gluon (eager and hybridized) against the same network converted to plain PyTorch
(``to_torchvision`` for ResNet-18, torchvision's own module layout; ``to_torch_module`` for
ResNet-50, whose MXNet layout torchvision lacks), and, where installed, real MXNet 1.9.1
(eager and hybridized).

    python benchmarks/bench_zoo.py [--quick] [--mxnet-python PATH]

Torch and mxcompat are timed alternately in one process (torch under ``no_grad``, as
inference code runs it); the table shows medians and the ratio to torch from that run.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

MODELS = ("resnet18_v1", "resnet50_v1")


def _input(batch: int):
    import numpy as np
    return np.random.RandomState(0).uniform(0, 1, (batch, 3, 224, 224)).astype(np.float32)


def _net(mx, name: str, hybridize: bool, batch: int):
    net = mx.gluon.model_zoo.vision.get_model(name)
    net.initialize(mx.init.Xavier())
    x = mx.nd.array(_input(batch))
    if hybridize:
        net.hybridize(static_alloc=True, static_shape=True)
    net(x).wait_to_read()

    def step():
        net(x).wait_to_read()
    return net, step


def _time(step, n: int) -> float:
    t0 = time.perf_counter()
    for _ in range(n):
        step()
    return (time.perf_counter() - t0) / n


def pair_worker(name: str, quick: bool) -> list:
    """torch, mxcompat Gluon and hybridized mxcompat Gluon in one process, timed in turn."""
    import torch
    import mxcompat as mx
    from mxcompat.gluon.model_zoo import torch_export
    torch.set_num_threads(int(os.environ.get("BENCH_THREADS", "2")))
    batch = 1 if quick else 8
    net, eager = _net(mx, name, False, batch)
    _, hybrid = _net(mx, name, True, batch)
    m = (torch_export.to_torchvision(net) if name == "resnet18_v1"
         else torch_export.to_torch_module(net))
    xt = torch.from_numpy(_input(batch))
    ref = net(mx.nd.array(_input(batch))).asnumpy()
    with torch.no_grad():
        got = m(xt).numpy()
    assert abs(got - ref).max() <= 1e-4 * abs(ref).max() + 1e-5, "torch twin differs"

    def torch_step():
        with torch.no_grad():
            m(xt)
    steps = [torch_step, eager, hybrid]
    n, rep = (1, 2) if quick else (3, 7)
    for _ in range(1 if quick else 2):
        for s in steps:
            s()
    times: list = [[] for _ in steps]
    for _ in range(rep):
        for i, s in enumerate(steps):
            times[i].append(_time(s, n))
    return [statistics.median(t) for t in times]


def mxnet_worker(name: str, quick: bool) -> list:
    import mxnet as mx
    batch = 1 if quick else 8
    out = []
    for hybridize in (False, True):
        _, step = _net(mx, name, hybridize, batch)
        n, rep = (1, 2) if quick else (3, 7)
        for _ in range(1 if quick else 2):
            step()
        out.append(statistics.median(_time(step, n) for _ in range(rep)))
    return out


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
    p.add_argument("--quick", action="store_true", help="batch 1, ResNet-18 only, few runs")
    p.add_argument("--mxnet-python", default=None,
                   help="a Python with mxnet 1.9.1, to time real MXNet too")
    args = p.parse_args(argv)
    if args.worker == "pair":
        print(json.dumps(pair_worker(args.model, args.quick)))
        return 0
    if args.worker == "mxnet":
        print(json.dumps(mxnet_worker(args.model, args.quick)))
        return 0
    q = ["--quick"] if args.quick else []
    batch = 1 if args.quick else 8
    print(f"{'Zoo inference, batch %d, 224x224' % batch:34} {'median':>10} {'vs torch':>9}")
    for model in MODELS[:1] if args.quick else MODELS:
        t, m, h = _spawn(sys.executable, ["--worker", "pair", "--model", model] + q)
        print(f"-- {model}")
        what = "to_torchvision" if model == "resnet18_v1" else "to_torch_module"
        print(f"{'  torch (' + what + ')':34} {t * 1e3:8.2f} ms {1.0:8.2f}x")
        print(f"{'  mxcompat Gluon':34} {m * 1e3:8.2f} ms {m / t:8.2f}x")
        print(f"{'  mxcompat Gluon, hybridized':34} {h * 1e3:8.2f} ms {h / t:8.2f}x")
        if args.mxnet_python:
            x, xh = _spawn(args.mxnet_python, ["--worker", "mxnet", "--model", model] + q)
            print(f"{'  MXNet 1.9.1 Gluon':34} {x * 1e3:8.2f} ms {x / t:8.2f}x")
            print(f"{'  MXNet 1.9.1 Gluon, hybridized':34} {xh * 1e3:8.2f} ms {xh / t:8.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
