"""gluon.loss.SoftmaxCrossEntropyLoss forward + backward and mx.metric.Accuracy.update:
mxcompat against plain torch (``F.cross_entropy`` / ``argmax == label``) on the same data, and,
when available, real MXNet 1.9.1.

    python benchmarks/bench_loss_metric.py                  # the sizes below
    python benchmarks/bench_loss_metric.py --quick          # tiny sizes (a smoke run)
    python benchmarks/bench_loss_metric.py --mxnet-python /path/to/python   # MXNet elsewhere

Two sizes: a small batch (128 x 10 classes, where per-call overhead dominates) and a large one
(1024 x 1000). mxcompat and torch run in this process, interleaved repeat by repeat; MXNet,
when measured, runs in its own process (with ``waitall`` so that its asynchronous engine has
finished each step). Both use ``BENCH_THREADS`` threads (default 1: these calls are small,
and on a busy machine waking a second thread costs more than the work). Figures are medians;
compare ratios within one run.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from typing import Callable, Dict, List, Tuple

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)


def _sizes(quick: bool) -> List[Tuple[int, int]]:
    return [(8, 4), (32, 16)] if quick else [(128, 10), (1024, 1000)]


def _data(n: int, c: int):
    import numpy as np
    rs = np.random.RandomState(0)
    return (rs.uniform(-2, 2, (n, c)).astype(np.float32),
            rs.randint(0, c, n).astype(np.float32))


def _steps(n: int, c: int) -> Dict[str, Callable[[], None]]:
    import numpy as np
    import torch
    import torch.nn.functional as F

    import mxcompat as mx
    torch.set_num_threads(_threads())
    x_np, y_np = _data(n, c)
    x = mx.nd.array(x_np)
    y = mx.nd.array(y_np)
    x.attach_grad()
    loss_fn = mx.gluon.loss.SoftmaxCrossEntropyLoss()
    xt = torch.from_numpy(x_np).requires_grad_()
    yt = torch.from_numpy(y_np).long()
    acc = mx.metric.Accuracy()
    tot = [0, 0]

    def loss_mx() -> None:
        with mx.autograd.record():
            out = loss_fn(x, y)
        out.backward()

    def loss_torch() -> None:
        xt.grad = None
        F.cross_entropy(xt, yt, reduction="none").sum().backward()

    def acc_mx() -> None:
        acc.update([y], [x])

    def acc_torch() -> None:
        tot[0] += int((xt.detach().argmax(1) == yt).sum().item())
        tot[1] += n

    loss_mx()
    loss_torch()
    np.testing.assert_allclose(x.grad.asnumpy(), xt.grad.numpy(), rtol=1e-4, atol=1e-6)
    return {"loss_mxcompat": loss_mx, "loss_torch": loss_torch,
            "acc_mxcompat": acc_mx, "acc_torch": acc_torch}


def _threads() -> int:
    return int(os.environ.get("BENCH_THREADS", "1"))


def _interleaved(fns: Dict[str, Callable[[], None]], repeats: int) -> Dict[str, float]:
    for fn in fns.values():  # warm up
        fn()
    times: Dict[str, List[float]] = {k: [] for k in fns}
    for _ in range(repeats):
        for k, fn in fns.items():
            t0 = time.perf_counter()
            fn()
            times[k].append(time.perf_counter() - t0)
    return {k: statistics.median(v) * 1e6 for k, v in times.items()}


def _mxnet_worker(sizes: List[Tuple[int, int]], repeats: int) -> List[Dict[str, float]]:
    import mxnet as mx
    def steps(n: int, c: int) -> Dict[str, Callable[[], None]]:
        x_np, y_np = _data(n, c)
        x, y = mx.nd.array(x_np), mx.nd.array(y_np)
        x.attach_grad()
        loss_fn = mx.gluon.loss.SoftmaxCrossEntropyLoss()
        acc = mx.metric.Accuracy()

        def loss_step() -> None:
            with mx.autograd.record():
                out = loss_fn(x, y)
            out.backward()
            mx.nd.waitall()

        def acc_step() -> None:
            acc.update([y], [x])

        return {"loss_mxnet": loss_step, "acc_mxnet": acc_step}

    return [_interleaved(steps(n, c), repeats) for n, c in sizes]


def _real_mxnet_here() -> bool:
    try:
        import mxnet.base
    except Exception:
        return False
    return hasattr(mxnet.base, "_LIB")


def main(argv: List[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="tiny sizes, few repeats")
    ap.add_argument("--repeats", type=int, default=None)
    ap.add_argument("--mxnet-python", default=None, help="an interpreter with real MXNet")
    ap.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    a = ap.parse_args(argv)
    sizes = _sizes(a.quick)
    repeats = a.repeats or (3 if a.quick else 200)
    if a.worker:
        print(json.dumps(_mxnet_worker(sizes, repeats)))
        return 0
    ours = [_interleaved(_steps(n, c), repeats) for n, c in sizes]
    theirs = None
    py = sys.executable if _real_mxnet_here() else a.mxnet_python
    if py:
        out = subprocess.run([py, os.path.abspath(__file__), "--worker", "--repeats",
                              str(repeats)] + (["--quick"] if a.quick else []),
                             capture_output=True, text=True, check=True,
                             env=dict(os.environ, PYTHONPATH="",
                                      OMP_NUM_THREADS=str(_threads()),
                                      MXNET_CPU_WORKER_NTHREADS=str(_threads())))
        theirs = json.loads(out.stdout.strip().splitlines()[-1])
    print(f"median of {repeats}, microseconds per call, {_threads()} thread(s):")
    for i, (n, c) in enumerate(sizes):
        r = ours[i]
        print(f"  batch {n} x {c} classes")
        for what, label in (("loss", "SoftmaxCrossEntropyLoss fwd+bwd"),
                            ("acc", "Accuracy.update")):
            line = (f"    {label:32s} torch {r[what + '_torch']:9.1f}   mxcompat "
                    f"{r[what + '_mxcompat']:9.1f}   mxcompat/torch "
                    f"{r[what + '_mxcompat'] / r[what + '_torch']:6.2f}x")
            if theirs is not None:
                m = theirs[i][what + "_mxnet"]
                line += f"   MXNet {m:9.1f}   MXNet/mxcompat {m / r[what + '_mxcompat']:5.2f}x"
            print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
