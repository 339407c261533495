"""KVStore push/pull of a ResNet-50-sized parameter set (161 float32 arrays, 25.6 M values,
102 MB): mxcompat's stores against raw torch and, when available, real MXNet 1.9.1.

    python benchmarks/bench_kvstore.py               # the full set
    python benchmarks/bench_kvstore.py --quick       # tiny arrays (a smoke run)
    python benchmarks/bench_kvstore.py --mxnet-python /path/to/python   # MXNet elsewhere

Measured (median of the repeats, each library in its own fresh process):

- ``local``: ``kv.push(keys, [[g0, g1]]*n)`` + ``kv.pull(keys, out)`` -- two 'devices' per key
  summed, the result assigned and pulled back; raw torch does the same work as
  ``torch.add(g0, g1, out=stored)`` + ``out.copy_(stored)`` per array. MXNet 1.9.1's local
  store runs the same calls (with ``mx.nd.waitall()``).
- ``dist_sync`` (2 worker processes on this machine, gloo over loopback, started with
  ``mxcompat.launch``): ``kv.pushpull(keys, grads)`` against ``torch.distributed.all_reduce``
  of the same tensors one by one (what a hand-written loop does) in the same processes,
  interleaved. MXNet's dist_sync needs its parameter-server processes and is not measured.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from typing import Callable, Dict, List

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)


def resnet50_shapes() -> List[tuple]:
    """The parameter shapes of ResNet-50 v1 (convolutions, batch-norm gamma/beta, fc)."""
    shapes = [(64, 3, 7, 7), (64,), (64,)]
    cin = 64
    for width, blocks in ((64, 3), (128, 4), (256, 6), (512, 3)):
        for b in range(blocks):
            cout = width * 4
            shapes += [(width, cin, 1, 1), (width,), (width,), (width, width, 3, 3), (width,),
                       (width,), (cout, width, 1, 1), (cout,), (cout,)]
            if b == 0:
                shapes += [(cout, cin, 1, 1), (cout,), (cout,)]
            cin = cout
    return shapes + [(1000, 2048), (1000,)]


def _shapes(quick: bool) -> List[tuple]:
    return [(4, 3)] * 8 if quick else resnet50_shapes()


def _median_ms(fn: Callable[[], object], repeats: int) -> float:
    fn()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1e3


def bench_local(lib: str, quick: bool, repeats: int) -> float:
    import numpy as np
    shapes = _shapes(quick)
    rs = np.random.RandomState(0)
    data = [rs.standard_normal(s).astype(np.float32) for s in shapes]
    keys = list(range(len(shapes)))
    if lib == "torch":
        import torch
        g0 = [torch.from_numpy(d) for d in data]
        g1 = [t * 2 for t in g0]
        stored = [torch.zeros_like(t) for t in g0]
        outs = [torch.zeros_like(t) for t in g0]

        def step() -> None:
            for a, b, s, o in zip(g0, g1, stored, outs, strict=False):
                torch.add(a, b, out=s)
                o.copy_(s)
        return _median_ms(step, repeats)
    if lib == "mxcompat":
        import mxcompat as mx
        wait = lambda: None  # noqa: E731
    else:
        import mxnet as mx
        wait = mx.nd.waitall
    g0 = [mx.nd.array(d) for d in data]
    g1 = [a * 2 for a in g0]
    outs = [mx.nd.zeros(s) for s in shapes]
    kv = mx.kv.create("local")
    kv.init(keys, [mx.nd.zeros(s) for s in shapes])
    vals = [[a, b] for a, b in zip(g0, g1, strict=False)]
    wait()

    def step() -> None:
        kv.push(keys, vals)
        kv.pull(keys, out=outs)
        wait()
    return _median_ms(step, repeats)


def dist_worker(out_dir: str, quick: bool, repeats: int) -> int:
    import numpy as np
    import torch
    import torch.distributed as dist

    import mxcompat as mx
    shapes = _shapes(quick)
    kv = mx.kv.create("dist_sync")
    rs = np.random.RandomState(kv.rank)
    data = [rs.standard_normal(s).astype(np.float32) for s in shapes]
    keys = list(range(len(shapes)))
    grads = [mx.nd.array(d) for d in data]
    kv.init(keys, [mx.nd.zeros(s) for s in shapes])
    tensors = [torch.from_numpy(d.copy()) for d in data]

    def kv_step() -> None:
        kv.pushpull(keys, grads)

    def torch_step() -> None:
        for t in tensors:
            dist.all_reduce(t)

    res: Dict[str, List[float]] = {"kv": [], "torch": []}
    for _ in range(3):  # interleaved rounds: background load hits both alike
        res["kv"].append(_median_ms(kv_step, repeats))
        res["torch"].append(_median_ms(torch_step, repeats))
    if kv.rank == 0:
        out = {k: statistics.median(v) for k, v in res.items()}
        with open(os.path.join(out_dir, "dist.json"), "w") as f:
            json.dump(out, f)
    kv._barrier()
    return 0


def bench_dist(quick: bool, repeats: int) -> Dict[str, float]:
    from mxcompat.launch import launch
    with tempfile.TemporaryDirectory() as d:
        cmd = [sys.executable, os.path.abspath(__file__), "--dist-worker", d, "--repeats",
               str(repeats)] + (["--quick"] if quick else [])
        with open(os.devnull, "w") as sink:
            rc = launch(cmd, 2, timeout=600, redirect=False, stdout=sink)
        if rc:
            raise SystemExit(f"dist_sync benchmark workers failed (status {rc})")
        with open(os.path.join(d, "dist.json")) as f:
            return json.load(f)


def _real_mxnet_here() -> bool:
    try:
        import mxnet.base
    except Exception:
        return False
    return hasattr(mxnet.base, "_LIB")


def main(argv: List[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="tiny arrays, few repeats")
    ap.add_argument("--repeats", type=int, default=None)
    ap.add_argument("--mxnet-python", default=None, help="an interpreter with real MXNet")
    ap.add_argument("--worker", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--dist-worker", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--no-dist", action="store_true", help="skip the 2-process measurement")
    ap.add_argument("--no-local", action="store_true", help="skip the local-store measurement")
    ap.add_argument("--dist", action="store_true", help="with --quick: run the 2-process part")
    ap.add_argument("--rounds", type=int, default=3, help="fresh processes per library")
    ap.add_argument("--threads", type=int, default=None,
                    help="OMP_NUM_THREADS for the local-store processes (all libraries)")
    a = ap.parse_args(argv)
    repeats = a.repeats or (2 if a.quick else 7)
    if a.dist_worker:
        return dist_worker(a.dist_worker, a.quick, repeats)
    if a.worker:
        print(json.dumps(bench_local(a.worker, a.quick, repeats)))
        return 0
    pythons = {"mxcompat": sys.executable, "torch": sys.executable}
    if _real_mxnet_here():
        pythons["mxnet"] = sys.executable
    elif a.mxnet_python:
        pythons["mxnet"] = a.mxnet_python
    if a.no_local:
        pythons = {}
    runs: Dict[str, List[float]] = {lib: [] for lib in pythons}
    # fresh processes, rounds interleaving the libraries so background load hits them alike
    for _ in range(1 if a.quick else a.rounds):
        for lib, py in pythons.items():
            if a.quick and py == sys.executable:
                runs[lib].append(bench_local(lib, True, repeats))
                continue
            env = dict(os.environ, PYTHONPATH=ROOT)
            if a.threads:
                env["OMP_NUM_THREADS"] = str(a.threads)
            r = subprocess.run([py, os.path.abspath(__file__), "--worker", lib, "--repeats",
                                str(repeats)] + (["--quick"] if a.quick else []),
                               capture_output=True, text=True, env=env)
            if r.returncode:
                print(f"{lib} run failed:\n{r.stderr[-1500:]}", file=sys.stderr)
                if lib != "mxnet":
                    return 1
                continue
            runs[lib].append(json.loads(r.stdout.strip().splitlines()[-1]))
    local = {lib: statistics.median(v) for lib, v in runs.items() if v}
    shapes = _shapes(a.quick)
    n = sum(int(__import__("math").prod(s)) for s in shapes)
    print(f"{len(shapes)} float32 arrays, {n} values ({n * 4 / 1e6:.1f} MB); median of "
          f"{repeats} runs")
    if local:
        print(f"{'local store: push 2 devices + pull':<44}{'ms':>10}{'x mxcompat':>12}")
    for lib, ms in local.items():
        print(f"  {lib:<42}{ms:>10.2f}{ms / local['mxcompat']:>12.2f}")
    if a.quick and not a.dist:
        print("(--quick: the 2-process dist_sync measurement is skipped; add --dist to run it)")
    elif not a.no_dist:
        d = bench_dist(a.quick, repeats)
        print(f"{'dist_sync, 2 processes (gloo, loopback)':<44}{'ms':>10}{'x raw torch':>12}")
        print(f"  {'mxcompat kv.pushpull':<42}{d['kv']:>10.2f}{d['kv'] / d['torch']:>12.2f}")
        print(f"  {'torch.distributed.all_reduce per array':<42}{d['torch']:>10.2f}"
              f"{1.0:>12.2f}")
    print("(x mxcompat > 1: slower than mxcompat; x raw torch < 1.2 is the target)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
