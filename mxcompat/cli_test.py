"""``mxcompat test PATH [pytest args]``: run an MXNet-era test suite with pytest, ``import
mxnet`` redirected to mxcompat (see :mod:`mxcompat.pytest_plugin`)."""
from __future__ import annotations

import argparse
import os
import sys


def add_parser(subparsers: "argparse._SubParsersAction") -> argparse.ArgumentParser:
    p = subparsers.add_parser(
        "test", help="run an MXNet-era test suite (pytest) with import mxnet -> mxcompat",
        description="Run pytest on PATH with the mxcompat plugin: 'import mxnet' resolves to "
        "mxcompat, and 'nose.tools' works where nose itself cannot be imported. Every "
        "argument after PATH goes to pytest.")
    p.add_argument("path", metavar="PATH", help="a test file or directory")
    p.add_argument("pytest_args", nargs=argparse.REMAINDER, help="arguments for pytest")
    p.set_defaults(func=run)
    return p


def run(args: argparse.Namespace) -> int:
    if not os.path.exists(args.path):
        print(f"mxcompat test: no such file or directory: {args.path}", file=sys.stderr)
        return 2
    try:
        import pytest
    except ImportError:
        print("mxcompat test: pytest is not installed (pip install pytest)", file=sys.stderr)
        return 2
    path = os.path.abspath(args.path)
    # MXNet's suites import their helpers (common.py) from the test directory
    folder = path if os.path.isdir(path) else os.path.dirname(path)
    if folder not in sys.path:
        sys.path.insert(0, folder)
    return int(pytest.main(["-p", "mxcompat.pytest_plugin", path] + list(args.pytest_args)))
