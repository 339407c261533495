"""Save and load of ~64 MB of parameters: mxcompat (mx.nd.save / mx.nd.load) against
torch.save / torch.load and, when available, real MXNet 1.9.1.

    python benchmarks/bench_params.py                 # 16 float32 arrays of 1M elements
    python benchmarks/bench_params.py --quick         # tiny sizes (a smoke run)
    python benchmarks/bench_params.py --mxnet-python /path/to/python   # MXNet elsewhere

Each library runs in its own fresh process, over interleaved rounds. MXNet is measured with
this interpreter when ``import mxnet`` gives real MXNet here (e.g. the oracle environment),
else with ``--mxnet-python`` if given. Loads run from a warm page cache (the file was just
written, and os.sync() ran after the saves so that no disk write-back competes with the
loads); every loaded result is kept until the timing ends, so each load gets fresh memory, as
the single load of a real program does. mxcompat's save is atomic and fsyncs the file
(torch.save and MXNet do neither; "mxcompat-nofsync" is the same save with
MXCOMPAT_SAVE_FSYNC=0); mxcompat's load reads each array straight into its own memory, with
several threads for large files. torch-mmap is torch.load(mmap=True), which reads nothing
until the tensors are touched (so its load time is not comparable).
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


def _median_ms(fn: Callable[[], object], repeats: int) -> float:
    fn()  # warm up (imports, page cache, allocator)
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1e3


def _data(n_arrays: int, n_elems: int):
    import numpy as np
    rs = np.random.RandomState(0)
    return {f"layer{i}.weight": rs.standard_normal(n_elems).astype(np.float32)
            for i in range(n_arrays)}


def bench(lib: str, folder: str, n_arrays: int, n_elems: int, repeats: int) -> Dict[str, float]:
    data = _data(n_arrays, n_elems)
    f = os.path.join(folder, f"bench_{lib}_{os.getpid()}.bin")
    try:
        if lib in ("mxcompat", "mxcompat-nofsync"):
            import mxcompat as mx
            from mxcompat.ndarray import serialization
            serialization.FSYNC = lib == "mxcompat"
            d = {k: mx.nd.array(v) for k, v in data.items()}
            save = lambda: mx.nd.save(f, d)  # noqa: E731
            load = lambda: mx.nd.load(f)  # noqa: E731
        elif lib == "torch":
            import torch
            d = {k: torch.from_numpy(v) for k, v in data.items()}
            save = lambda: torch.save(d, f)  # noqa: E731
            load = lambda: torch.load(f, weights_only=True)  # noqa: E731
        elif lib == "torch-mmap":
            import torch
            d = {k: torch.from_numpy(v) for k, v in data.items()}
            save = lambda: torch.save(d, f)  # noqa: E731
            load = lambda: torch.load(f, weights_only=True, mmap=True)  # noqa: E731
        elif lib == "mxnet":
            import mxnet as mx
            d = {k: mx.nd.array(v) for k, v in data.items()}
            mx.nd.waitall()

            def save() -> None:
                mx.nd.save(f, d)

            def load() -> None:
                out = mx.nd.load(f)
                mx.nd.waitall()
                return out
        else:
            raise SystemExit(f"unknown library {lib}")
        res = {"save_ms": _median_ms(save, repeats)}
        # let the disk write-back the saves started finish first: it would otherwise compete
        # with the loads for CPU and memory bandwidth, more for whichever saved fastest
        if hasattr(os, "sync"):
            os.sync()
        # every loaded checkpoint is kept until the timing ends, so that each load gets fresh
        # memory from the OS, as the one load of a real program does (freeing and re-loading
        # would measure the C allocator's reuse instead, which MXNet's memory pool wins)
        kept: List[object] = []
        res["load_ms"] = _median_ms(lambda: kept.append(load()), repeats)
        kept.clear()
        res["file_bytes"] = os.path.getsize(f)
        return res
    finally:
        if os.path.exists(f):
            os.unlink(f)


def _real_mxnet_here() -> bool:
    try:
        import mxnet  # noqa: F401
        import mxnet.base
    except Exception:
        return False
    return hasattr(mxnet.base, "_LIB")


def main(argv: List[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="tiny sizes, few repeats")
    ap.add_argument("--repeats", type=int, default=None)
    ap.add_argument("--dir", default=None, help="folder for the files (default: a temp dir)")
    ap.add_argument("--mxnet-python", default=None, help="an interpreter with real MXNet")
    ap.add_argument("--worker", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--rounds", type=int, default=None,
                    help="fresh processes per library (default 3; 1 with --quick)")
    ap.add_argument("--json", action="store_true", help="print the results as JSON")
    a = ap.parse_args(argv)
    n_arrays, n_elems = (16, 1000) if a.quick else (16, 1 << 20)
    repeats = a.repeats or (3 if a.quick else 9)
    folder = a.dir or tempfile.mkdtemp(prefix="bench_params_")
    if a.worker:
        print(json.dumps(bench(a.worker, folder, n_arrays, n_elems, repeats)))
        return 0
    libs = ["mxcompat", "mxcompat-nofsync", "torch", "torch-mmap"]
    pythons = {lib: sys.executable for lib in libs}
    if _real_mxnet_here():
        pythons["mxnet"] = sys.executable
    elif a.mxnet_python:
        pythons["mxnet"] = a.mxnet_python
    # every library runs in its own fresh process (allocator state, thread settings), and the
    # rounds interleave the libraries so that background load hits them alike (--quick runs
    # in this process)
    runs: Dict[str, List[Dict[str, float]]] = {lib: [] for lib in pythons}
    for _ in range(a.rounds or (1 if a.quick else 3)):
        for lib, py in pythons.items():
            if a.quick and py == sys.executable:  # a smoke run: no fresh processes
                runs[lib].append(bench(lib, folder, n_arrays, n_elems, repeats))
                continue
            args = [py, os.path.abspath(__file__), "--worker", lib, "--dir", folder,
                    "--repeats", str(repeats)] + (["--quick"] if a.quick else [])
            r = subprocess.run(args, capture_output=True, text=True,
                               env=dict(os.environ, PYTHONPATH=ROOT))
            if r.returncode:
                print(f"{lib} run failed:\n{r.stderr[-1500:]}", file=sys.stderr)
                if lib != "mxnet":
                    return 1
                continue
            runs[lib].append(json.loads(r.stdout.strip().splitlines()[-1]))
    results = {lib: {k: statistics.median(x[k] for x in rs) for k in rs[0]}
               for lib, rs in runs.items() if rs}
    if a.json:
        print(json.dumps(results, indent=1))
        return 0
    mb = n_arrays * n_elems * 4 / 1e6
    print(f"{n_arrays} float32 arrays x {n_elems} elements ({mb:.1f} MB), median of "
          f"{repeats} runs x {len(next(iter(runs.values())))} processes, folder {folder}")
    base = results["mxcompat"]
    print(f"{'library':<18}{'save ms':>10}{'load ms':>10}{'save x':>9}{'load x':>9}"
          f"{'file bytes':>13}")
    for lib, r in results.items():
        print(f"{lib:<18}{r['save_ms']:>10.2f}{r['load_ms']:>10.2f}"
              f"{r['save_ms'] / base['save_ms']:>9.2f}{r['load_ms'] / base['load_ms']:>9.2f}"
              f"{int(r['file_bytes']):>13}")
    print("(save x / load x: time relative to mxcompat; > 1 means mxcompat is faster)")
    if not a.dir:
        try:
            os.rmdir(folder)
        except OSError:
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
