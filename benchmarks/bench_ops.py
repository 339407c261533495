"""Per-op cost of mxcompat against raw torch and real MXNet 1.9.1.

Each framework runs in its own process (importing MXNet changes torch's thread settings), with
the same workloads; the parent prints medians and ratios in one run:

    python benchmarks/bench_ops.py                 # mxcompat and raw torch
    python benchmarks/bench_ops.py --with-mxnet    # + MXNet (needs an interpreter with mxnet:
                                                   #   the current one, or --mxnet-python PATH)
    python benchmarks/bench_ops.py --quick         # tiny repeat counts (a smoke run)
    python benchmarks/bench_ops.py --markdown      # the table as Markdown

MXNet is asynchronous: its small-op workloads end with a synchronisation (wait_to_read), as
real code must before it reads a result; mxcompat and torch on the CPU are synchronous.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from typing import Callable, Dict, Tuple

SMALL = ("add_4x4", "scalar_chain", "array_from_list", "asnumpy_small", "slice_get",
         "slice_set")
LARGE = ("add_2048", "dot_1000", "conv2d")


def workloads(lib: str) -> Dict[str, Tuple[Callable, int]]:
    """name -> (callable, calls per timing) for one framework."""
    import numpy as np
    rs = np.random.RandomState(0)
    small = rs.rand(4, 4).astype(np.float32)
    big = rs.rand(2048, 2048).astype(np.float32)
    m1000 = rs.rand(1000, 1000).astype(np.float32)
    img = rs.rand(8, 16, 32, 32).astype(np.float32)
    ker = rs.rand(32, 16, 3, 3).astype(np.float32)
    out: Dict[str, Tuple[Callable, int]] = {}
    if lib == "torch":
        import torch
        torch.set_num_threads(int(os.environ.get("BENCH_THREADS", "2")))
        a, b = torch.from_numpy(small), torch.from_numpy(small.copy())
        A, B = torch.from_numpy(big), torch.from_numpy(big.copy())
        M = torch.from_numpy(m1000)
        X, K = torch.from_numpy(img), torch.from_numpy(ker)
        F = torch.nn.functional
        out["add_4x4"] = (lambda: a + b, 2000)
        out["scalar_chain"] = (lambda: (((a * 2 + 1) - b) / 3).exp().sum().item(), 1000)
        out["array_from_list"] = (lambda: torch.tensor([1.0, 2.0, 3.0, 4.0]), 2000)
        out["asnumpy_small"] = (lambda: a.numpy().copy(), 2000)
        out["slice_get"] = (lambda: a[1:3], 2000)

        def sset():
            a[1:3] = 0.5
        out["slice_set"] = (sset, 2000)
        out["add_2048"] = (lambda: A + B, 20)
        out["dot_1000"] = (lambda: M @ M, 10)
        out["conv2d"] = (lambda: F.conv2d(X, K, padding=1), 10)
    else:
        if lib == "mxnet":
            import mxnet as mx
            sync = True
        else:
            import mxcompat as mx
            import torch
            torch.set_num_threads(int(os.environ.get("BENCH_THREADS", "2")))
            sync = False
        nd = mx.nd
        a, b = nd.array(small), nd.array(small.copy())
        A, B = nd.array(big), nd.array(big.copy())
        M = nd.array(m1000)
        X, K = nd.array(img), nd.array(ker)

        def sset():
            a[1:3] = 0.5
            return a
        conv = getattr(nd, "Convolution", None)
        ops = {  # name -> (callable, calls per timing, whether its result needs a wait)
            "add_4x4": (lambda: a + b, 2000, True),
            "scalar_chain": (lambda: (((a * 2 + 1) - b) / 3).exp().sum().asscalar(), 1000,
                             False),
            "array_from_list": (lambda: nd.array([1.0, 2.0, 3.0, 4.0]), 2000, True),
            "asnumpy_small": (lambda: a.asnumpy(), 2000, False),
            "slice_get": (lambda: a[1:3], 2000, True),
            "slice_set": (sset, 2000, True),
            "add_2048": (lambda: A + B, 20, True),
            "dot_1000": (lambda: nd.dot(M, M), 10, True),
            "conv2d": (lambda: conv(X, K, no_bias=True, kernel=(3, 3), pad=(1, 1),
                                    num_filter=32), 10, True),
        }
        for name, (fn, number, wait) in ops.items():
            # MXNet is asynchronous: wait, as real code must before using a result (mxcompat
            # and torch on the CPU are synchronous: no wrapper call is added to their timing)
            if sync and wait:
                fn = (lambda f=fn: f().wait_to_read())
            out[name] = (fn, number)
    return out


def measure(fn: Callable, number: int, repeat: int) -> float:
    """Median seconds per call over `repeat` timings of `number` calls (after a warm-up)."""
    for _ in range(max(1, number // 10)):
        fn()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        for _ in range(number):
            fn()
        times.append((time.perf_counter() - t0) / number)
    return statistics.median(times)


def worker(lib: str, quick: bool) -> Dict[str, float]:
    res: Dict[str, float] = {}
    for name, (fn, number) in workloads(lib).items():
        n = max(1, number // 50) if quick else number
        try:
            res[name] = measure(fn, n, 3 if quick else 7)
        except Exception as e:  # an op the framework lacks: report, keep going
            res[name] = float("nan")
            print(f"{lib}:{name}: {type(e).__name__}: {e}", file=sys.stderr)
    return res


def pair_worker(quick: bool) -> Dict[str, Dict[str, float]]:
    """torch and mxcompat in one process, their timings interleaved repeat by repeat, so that
    load from elsewhere on a shared machine hits both alike."""
    wt, wm = workloads("torch"), workloads("mxcompat")
    out: Dict[str, Dict[str, float]] = {"torch": {}, "mxcompat": {}}
    for name, (ft, number) in wt.items():
        fm = wm[name][0]
        n = max(1, number // 50) if quick else number
        tt, tm = [], []
        for _ in range(3 if quick else 9):
            tt.append(measure(ft, n, 1))
            tm.append(measure(fm, n, 1))
        out["torch"][name] = statistics.median(tt)
        out["mxcompat"][name] = statistics.median(tm)
    return out


def import_times(python: str) -> Tuple[float, float]:
    """Median over 5 fresh processes of (time of `import torch`, extra time of `import
    mxcompat` after it), measured inside the process (interpreter start-up excluded).

    Both imports read compiled bytecode, as installed packages do (pip compiles them at
    install time): an untimed first import writes mxcompat's, even where
    PYTHONDONTWRITEBYTECODE is set, so that the timed ones do not compile its source."""
    code = ("import time; t = time.perf_counter(); import torch; t1 = time.perf_counter(); "
            "import mxcompat; t2 = time.perf_counter(); print(t1 - t, t2 - t1)")
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env = dict(os.environ, PYTHONPATH=root + os.pathsep + os.environ.get("PYTHONPATH", ""))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    subprocess.run([python, "-c", "import mxcompat"], check=True, capture_output=True, env=env)
    runs = []
    for _ in range(5):
        out = subprocess.run([python, "-c", code], check=True, capture_output=True, text=True,
                             env=env).stdout.split()
        runs.append((float(out[0]), float(out[1])))
    return (statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs))


def _spawn(python: str, lib: str, quick: bool) -> Dict:
    cmd = [python, os.path.abspath(__file__), "--worker", lib] + (["--quick"] if quick else [])
    env = dict(os.environ)
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env["PYTHONPATH"] = root + os.pathsep + env.get("PYTHONPATH", "")
    r = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if r.returncode:
        raise SystemExit(f"{lib} worker failed:\n{r.stderr}")
    if r.stderr.strip():
        print(r.stderr.strip(), file=sys.stderr)
    return json.loads(r.stdout.strip().splitlines()[-1])


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--worker", help=argparse.SUPPRESS)
    p.add_argument("--quick", action="store_true")
    p.add_argument("--with-mxnet", action="store_true")
    p.add_argument("--mxnet-python", default=None)
    p.add_argument("--markdown", action="store_true")
    p.add_argument("--json", dest="json_out")
    args = p.parse_args(argv)
    if args.worker == "pair":
        print(json.dumps(pair_worker(args.quick)))
        return 0
    if args.worker:
        print(json.dumps(worker(args.worker, args.quick)))
        return 0
    res = _spawn(sys.executable, "pair", args.quick)
    if args.with_mxnet or args.mxnet_python:
        py = args.mxnet_python or sys.executable
        res["mxnet"] = _spawn(py, "mxnet", args.quick)
    if not args.quick:
        t_imp, extra = import_times(sys.executable)
        res["torch"]["import"] = t_imp
        res["mxcompat"]["import"] = t_imp + extra
    names = list(SMALL + LARGE) + ([] if args.quick else ["import"])
    rows = []
    for n in names:
        t, m = res["torch"].get(n), res["mxcompat"].get(n)
        x = res.get("mxnet", {}).get(n)
        rows.append((n, t, m, m / t if t else float("nan"), x,
                     (x / m) if x and m else None))
    if args.json_out:
        with open(args.json_out, "w") as f:
            json.dump(res, f, indent=1, sort_keys=True)
    fmt = _md if args.markdown else _txt
    print(fmt(rows, "mxnet" in res))
    if not args.quick:
        extra = res["mxcompat"]["import"] / res["torch"]["import"] - 1
        print(f"\nimport: mxcompat adds {extra:.0%}"
              " to `import torch`")
    return 0


def _us(v):
    if v is None or v != v:
        return "-"
    return f"{v * 1e6:,.1f} µs" if v < 0.01 else f"{v * 1e3:,.2f} ms"


def _txt(rows, mxnet: bool) -> str:
    head = f"{'workload':18} {'torch':>12} {'mxcompat':>12} {'mxc/torch':>10}"
    if mxnet:
        head += f" {'mxnet':>12} {'mxnet/mxc':>10}"
    lines = [head]
    for n, t, m, r, x, rx in rows:
        line = f"{n:18} {_us(t):>12} {_us(m):>12} {r:>9.2f}x"
        if mxnet:
            line += f" {_us(x):>12} {(f'{rx:.1f}x' if rx else '-'):>10}"
        lines.append(line)
    return "\n".join(lines)


def _md(rows, mxnet: bool) -> str:
    head = "| workload | raw torch | mxcompat | mxcompat / torch |"
    sep = "|---|---:|---:|---:|"
    if mxnet:
        head += " MXNet 1.9.1 | MXNet / mxcompat |"
        sep += "---:|---:|"
    lines = [head, sep]
    for n, t, m, r, x, rx in rows:
        line = f"| {n} | {_us(t)} | {_us(m)} | {r:.2f}x |"
        if mxnet:
            line += f" {_us(x)} | {(f'{rx:.1f}x' if rx else '-')} |"
        lines.append(line)
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
