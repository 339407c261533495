"""The ``mxcompat`` command: ``run``, ``scan``, ``inspect``, ``convert``."""
from __future__ import annotations

import argparse
import os
import runpy
import sys
from typing import List, Optional

from .base import MXNetError


def _shim_path() -> str:
    """The folder holding the stand-in ``mxnet`` package for child processes."""
    return os.path.join(os.path.dirname(os.path.abspath(__file__)), "_shim")


def _export_redirect() -> None:
    """Child processes (spawn/forkserver pools, ``subprocess`` of ``sys.executable``) inherit
    the environment: put the stand-in ``mxnet`` package first on their ``PYTHONPATH``."""
    shim = _shim_path()
    old = os.environ.get("PYTHONPATH", "")
    parts = [p for p in old.split(os.pathsep) if p]
    if shim not in parts:
        os.environ["PYTHONPATH"] = os.pathsep.join([shim] + parts)
    # multiprocessing's spawn children take the parent's sys.path, not PYTHONPATH's. Here the
    # redirect's finder (first on sys.meta_path) answers 'import mxnet' before any path entry.
    if shim not in sys.path:
        sys.path.insert(0, shim)


def _run(args: argparse.Namespace) -> int:
    import importlib.util
    from . import _legacy_printing
    from ._redirect import install
    install()
    _legacy_printing()
    _export_redirect()
    if args.module:
        try:
            found = importlib.util.find_spec(args.target)
        except (ImportError, ValueError):
            found = None
        if found is None:
            print(f"mxcompat run: no module named {args.target}", file=sys.stderr)
            return 2
        sys.argv = [args.target] + list(args.args)
        runpy.run_module(args.target, run_name="__main__", alter_sys=True)
        return 0
    path = args.target
    if not os.path.exists(path):
        print(f"mxcompat run: no such file: {path}", file=sys.stderr)
        return 2
    if os.path.isdir(path) and not os.path.isfile(os.path.join(path, "__main__.py")):
        print(f"mxcompat run: {path} is a directory without a __main__.py", file=sys.stderr)
        return 2
    sys.argv = [path] + list(args.args)
    sys.path.insert(0, os.path.abspath(path) if os.path.isdir(path)
                    else os.path.dirname(os.path.abspath(path)))
    runpy.run_path(path, run_name="__main__")
    return 0


def _version() -> str:
    import platform

    import numpy
    import torch

    from . import __mxcompat_version__, __version__
    return (f"mxcompat {__mxcompat_version__} (MXNet {__version__} API) on torch "
            f"{torch.__version__}, NumPy {numpy.__version__}, Python "
            f"{platform.python_version()}")


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="mxcompat", description="Run and migrate Apache MXNet "
                                "1.9.1 NDArray code on PyTorch.")
    p.add_argument("--version", action="store_true",
                   help="print mxcompat's version and those of torch, NumPy and Python")
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
    if args.version:
        print(_version())
        return 0
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
