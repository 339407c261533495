"""The ``mxcompat`` command: ``run``, ``scan``, ``inspect``, ``convert``."""
from __future__ import annotations

import argparse
import os
import runpy
import sys
from typing import List, Optional

from .base import MXNetError


def _legacy_printing() -> None:
    """Legacy scripts ran beside NumPy 1.x: under NumPy 2, print scalars the 1.x way
    (``3000000.0``, not ``3e+06`` / ``np.float32(3000000.0)``)."""
    import numpy as np
    if int(np.__version__.split(".")[0]) >= 2:
        np.set_printoptions(legacy="1.25")


def _run(args: argparse.Namespace) -> int:
    from ._redirect import install
    install()
    _legacy_printing()
    if args.module:
        sys.argv = [args.target] + list(args.args)
        runpy.run_module(args.target, run_name="__main__", alter_sys=True)
        return 0
    path = args.target
    if not os.path.exists(path):
        print(f"mxcompat run: no such file: {path}", file=sys.stderr)
        return 2
    sys.argv = [path] + list(args.args)
    sys.path.insert(0, os.path.dirname(os.path.abspath(path)))
    runpy.run_path(path, run_name="__main__")
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="mxcompat", description="Run and migrate Apache MXNet "
                                "1.9.1 NDArray code on PyTorch.")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    r = sub.add_parser("run", help="run a legacy MXNet script unchanged (import mxnet -> "
                       "mxcompat)")
    r.add_argument("-m", dest="module", action="store_true", help="run TARGET as a module")
    r.add_argument("target", help="the script (or module with -m)")
    r.add_argument("args", nargs=argparse.REMAINDER, help="arguments for the script")
    r.set_defaults(func=_run)
    for extra in ("scan", "inspect", "convert", "test", "im2rec", "launch"):
        try:
            mod = __import__(f"mxcompat.cli_{extra}", fromlist=["add_parser"])
        except ImportError:
            continue
        mod.add_parser(sub)
    return p


def main(argv: Optional[List[str]] = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except MXNetError as e:
        if args.command == "run":
            raise
        print(f"mxcompat {args.command}: {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
