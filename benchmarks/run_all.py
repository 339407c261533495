"""Run every benchmark in this folder, one after the other, in one go (`tox -e bench`).

    python benchmarks/run_all.py                  # mxcompat against raw torch
    python benchmarks/run_all.py --with-mxnet     # + real MXNet 1.9.1 (this interpreter must
                                                  #   import it, or pass --mxnet-python PATH)
    python benchmarks/run_all.py --quick          # a smoke run with tiny sizes

Each benchmark prints its own table of medians and ratios measured in that one run; figures
from different runs (or machines) are not comparable, ratios within a run are.
"""
from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true")
    p.add_argument("--with-mxnet", action="store_true")
    p.add_argument("--mxnet-python", default=None)
    p.add_argument("--only", nargs="*", default=None, help="benchmark names (e.g. ops params)")
    args = p.parse_args(argv)
    import torch
    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, {platform.system()}; "
          f"Python {platform.python_version()}; torch {torch.__version__}; "
          f"torch threads {torch.get_num_threads()}")
    extra = ["--quick"] if args.quick else []
    if args.with_mxnet or args.mxnet_python:
        extra += ["--mxnet-python", args.mxnet_python or sys.executable]
    env = dict(os.environ)
    env["PYTHONPATH"] = str(HERE.parent) + os.pathsep + env.get("PYTHONPATH", "")
    failed = []
    for script in sorted(HERE.glob("bench_*.py")):
        name = script.stem[len("bench_"):]
        if args.only and name not in args.only:
            continue
        print(f"\n## {name}  ({script.name})", flush=True)
        rc = subprocess.call([sys.executable, str(script)] + extra, env=env)
        if rc:
            failed.append(script.name)
    if failed:
        print("\nfailed: " + ", ".join(failed), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
