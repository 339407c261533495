"""A 2-layer LSTM language-model step (hidden 256, input 256, sequence 35, batch 32):
forward + backward of mxcompat's ``gluon.rnn.LSTM`` against ``torch.nn.LSTM`` on the same
data and weights, and, when available, real MXNet 1.9.1's ``gluon.rnn.LSTM``.

    python benchmarks/bench_rnn.py                  # the sizes above
    python benchmarks/bench_rnn.py --quick          # tiny sizes (a smoke run)
    python benchmarks/bench_rnn.py --mxnet-python /path/to/python   # MXNet elsewhere

mxcompat and torch run in this process, interleaved repeat by repeat (so that load from
elsewhere on a shared machine hits both alike); each timed step is the whole training-step
core: the forward pass over the sequence from zero begin states, a scalar loss, and backward
into the parameters' gradients (``zero_grad(set_to_none=True)`` semantics on the torch side,
MXNet's grad_req='write' on mxcompat's). MXNet, when measured, runs in its own process.
Figures are medians; compare ratios within one run.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from typing import Callable, Dict, List

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)


def _sizes(quick: bool) -> Dict[str, int]:
    if quick:
        return {"layers": 2, "hidden": 16, "input": 16, "seq": 5, "batch": 4}
    return {"layers": 2, "hidden": 256, "input": 256, "seq": 35, "batch": 32}


def _data(s: Dict[str, int]):
    import numpy as np
    rs = np.random.RandomState(0)
    x = rs.uniform(-1, 1, (s["seq"], s["batch"], s["input"])).astype(np.float32)
    return x


def _steps(s: Dict[str, int]) -> Dict[str, Callable[[], None]]:
    """The step functions of mxcompat and torch, on the same weights and data."""
    import numpy as np
    import torch

    import mxcompat as mx
    x_np = _data(s)
    layer = mx.gluon.rnn.LSTM(s["hidden"], s["layers"], input_size=s["input"])
    layer.initialize(mx.init.Uniform(0.1))
    ref = torch.nn.LSTM(s["input"], s["hidden"], s["layers"])
    names = {"i2h_weight": "weight_ih", "h2h_weight": "weight_hh", "i2h_bias": "bias_ih",
             "h2h_bias": "bias_hh"}
    with torch.no_grad():
        for k in range(s["layers"]):
            for ours, theirs in names.items():
                p = layer.collect_params()[f"{layer.prefix}l{k}_{ours}"]
                getattr(ref, f"{theirs}_l{k}").copy_(p.data().tensor)
    x_mx = mx.nd.array(x_np)
    x_t = torch.from_numpy(x_np)
    params = list(ref.parameters())

    def step_mx() -> None:
        with mx.autograd.record():
            loss = layer(x_mx).sum()
        loss.backward()

    def step_torch() -> None:
        for p in params:
            p.grad = None
        ref(x_t)[0].sum().backward()

    # the two compute the same thing
    step_mx()
    step_torch()
    g_mx = layer.collect_params()[f"{layer.prefix}l0_h2h_weight"].grad().asnumpy()
    np.testing.assert_allclose(g_mx, ref.weight_hh_l0.grad.numpy(), rtol=1e-3, atol=1e-4)
    return {"mxcompat": step_mx, "torch": step_torch}


def _interleaved(fns: Dict[str, Callable[[], None]], repeats: int) -> Dict[str, float]:
    for fn in fns.values():  # warm up
        fn()
    times: Dict[str, List[float]] = {k: [] for k in fns}
    for _ in range(repeats):
        for k, fn in fns.items():
            t0 = time.perf_counter()
            fn()
            times[k].append(time.perf_counter() - t0)
    return {k: statistics.median(v) * 1e3 for k, v in times.items()}


def _mxnet_worker(s: Dict[str, int], repeats: int) -> float:
    import mxnet as mx
    x = mx.nd.array(_data(s))
    layer = mx.gluon.rnn.LSTM(s["hidden"], s["layers"], input_size=s["input"])
    layer.initialize(mx.init.Uniform(0.1))

    def step() -> None:
        with mx.autograd.record():
            loss = layer(x).sum()
        loss.backward()
        mx.nd.waitall()

    return _interleaved({"mxnet": step}, repeats)["mxnet"]


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
    s = _sizes(a.quick)
    repeats = a.repeats or (3 if a.quick else 30)
    if a.worker:
        print(json.dumps({"mxnet_ms": _mxnet_worker(s, repeats)}))
        return 0
    res = _interleaved(_steps(s), repeats)
    mxnet_ms = None
    py = sys.executable if _real_mxnet_here() else a.mxnet_python
    if py:
        out = subprocess.run([py, os.path.abspath(__file__), "--worker", "--repeats",
                              str(repeats)] + (["--quick"] if a.quick else []),
                             capture_output=True, text=True, check=True,
                             env=dict(os.environ, PYTHONPATH=""))
        mxnet_ms = json.loads(out.stdout.strip().splitlines()[-1])["mxnet_ms"]
    print(f"2-layer LSTM forward + backward (hidden {s['hidden']}, input {s['input']}, "
          f"seq {s['seq']}, batch {s['batch']}), median of {repeats}:")
    print(f"  torch.nn.LSTM          {res['torch']:9.2f} ms")
    print(f"  mxcompat gluon.rnn.LSTM {res['mxcompat']:8.2f} ms   "
          f"mxcompat / torch = {res['mxcompat'] / res['torch']:.3f}x")
    if mxnet_ms is not None:
        print(f"  MXNet 1.9.1 gluon.rnn.LSTM {mxnet_ms:5.2f} ms   "
              f"MXNet / mxcompat = {mxnet_ms / res['mxcompat']:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
