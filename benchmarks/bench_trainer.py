"""``gluon.Trainer.step`` over a 100-parameter model (50 weights 64x64 + 50 biases 64) against
``torch.optim``'s ``step()`` for the same optimizer on the same tensors, and, where installed,
real MXNet 1.9.1's ``Trainer.step``.

    python benchmarks/bench_trainer.py [--quick] [--mxnet-python PATH]

Only the update is timed: gradients are fixed and (for the Gluon trainers) marked fresh before
each step, as backward would. torch runs its default implementation for CPU tensors
(``foreach=None``). Torch and mxcompat are timed alternately in one process; the table shows
medians and the ratio to torch from that run.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

CASES = [
    ("sgd", {"learning_rate": 0.01}, "SGD", {"lr": 0.01}),
    ("sgd", {"learning_rate": 0.01, "momentum": 0.9, "wd": 1e-4}, "SGD",
     {"lr": 0.01, "momentum": 0.9, "weight_decay": 1e-4}),
    ("adam", {"learning_rate": 0.001}, "Adam", {"lr": 0.001}),
    ("nag", {"learning_rate": 0.01, "momentum": 0.9}, "SGD",
     {"lr": 0.01, "momentum": 0.9, "nesterov": True}),
    ("rmsprop", {"learning_rate": 0.001}, "RMSprop", {"lr": 0.001, "alpha": 0.9}),
    ("adagrad", {"learning_rate": 0.01}, "Adagrad", {"lr": 0.01}),
]
N_LAYERS = 50
DIM = 64


def _arrays():
    import numpy as np
    rs = np.random.RandomState(0)
    out = []
    for _ in range(N_LAYERS):
        out.append((rs.uniform(-0.1, 0.1, (DIM, DIM)).astype("float32"),
                    rs.uniform(-0.1, 0.1, (DIM, DIM)).astype("float32")))
        out.append((rs.uniform(-0.1, 0.1, (DIM,)).astype("float32"),
                    rs.uniform(-0.1, 0.1, (DIM,)).astype("float32")))
    return out


def torch_step(case):
    import torch
    torch.set_num_threads(int(os.environ.get("BENCH_THREADS", "2")))
    params = []
    for w, g in _arrays():
        p = torch.nn.Parameter(torch.from_numpy(w.copy()))
        p.grad = torch.from_numpy(g.copy())
        params.append(p)
    opt = getattr(torch.optim, case[2])(params, **case[3])
    return opt.step, None


def gluon_step(case, lib):
    if lib == "mxnet":
        import mxnet as mx
    else:
        import mxcompat as mx
        import torch
        torch.set_num_threads(int(os.environ.get("BENCH_THREADS", "2")))
    params = []
    for i, (w, g) in enumerate(_arrays()):
        p = mx.gluon.Parameter(f"p{i}", shape=w.shape)
        p.initialize()
        p.set_data(mx.nd.array(w))
        p.grad()[:] = mx.nd.array(g)
        params.append(p)
    datas = [p.data() for p in params]
    trainer = mx.gluon.Trainer(params, case[0], dict(case[1]))

    def fresh():
        for d in datas:
            d._fresh_grad = True

    def step():
        trainer.step(1)
    return step, fresh


def _time(step, fresh, n: int) -> float:
    total = 0.0
    for _ in range(n):
        if fresh is not None:
            fresh()
        t0 = time.perf_counter()
        step()
        total += time.perf_counter() - t0
    if hasattr(step, "__self__"):
        pass
    return total / n


def pair_worker(ci: int, quick: bool) -> list:
    case = CASES[ci]
    steps = [torch_step(case), gluon_step(case, "mxcompat")]
    n, rep = (2, 3) if quick else (20, 11)
    for _ in range(2 if quick else 10):
        for s, f in steps:
            if f:
                f()
            s()
    times: list = [[] for _ in steps]
    for _ in range(rep):
        for i, (s, f) in enumerate(steps):
            times[i].append(_time(s, f, n))
    return [statistics.median(t) for t in times]


def mxnet_worker(ci: int, quick: bool) -> float:
    import mxnet as mx
    s, f = gluon_step(CASES[ci], "mxnet")
    n, rep = (2, 3) if quick else (20, 7)
    for _ in range(2 if quick else 10):
        f()
        s()
    mx.nd.waitall()

    def synced():
        s()
        mx.nd.waitall()
    return statistics.median(_time(synced, f, n) for _ in range(rep))


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
    p.add_argument("--case", type=int, help=argparse.SUPPRESS)
    p.add_argument("--quick", action="store_true")
    p.add_argument("--mxnet-python", default=None)
    args = p.parse_args(argv)
    if args.worker == "pair":
        print(json.dumps(pair_worker(args.case, args.quick)))
        return 0
    if args.worker == "mxnet":
        print(json.dumps(mxnet_worker(args.case, args.quick)))
        return 0
    q = ["--quick"] if args.quick else []
    print(f"Trainer.step, {2 * N_LAYERS} parameters "
          f"{'':18} {'torch.optim':>12} {'mxcompat':>10} {'vs torch':>9}"
          + (f" {'MXNet 1.9.1':>12} {'vs torch':>9}" if args.mxnet_python else ""))
    for ci, case in enumerate(CASES):
        t, m = _spawn(sys.executable, ["--worker", "pair", "--case", str(ci)] + q)
        label = f"{case[0]} {case[1]}"
        line = f"  {label:54} {t * 1e3:9.3f} ms {m * 1e3:7.3f} ms {m / t:8.2f}x"
        if args.mxnet_python:
            x = _spawn(args.mxnet_python, ["--worker", "mxnet", "--case", str(ci)] + q)
            line += f" {x * 1e3:9.3f} ms {x / t:8.2f}x"
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
