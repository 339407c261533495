"""``mxcompat scan PATH...``: report every MXNet API a code base uses and its status under
mxcompat (see :mod:`mxcompat.scan` and docs/migration.md)."""
from __future__ import annotations

import argparse
import os
import sys

from . import scan as _scan


def add_parser(subparsers: "argparse._SubParsersAction") -> argparse.ArgumentParser:
    p = subparsers.add_parser(
        "scan", help="find every use of the MXNet API in .py files and notebooks, with its "
        "status under mxcompat (static analysis: nothing is run)",
        description="Statically scan Python files and Jupyter notebooks for uses of MXNet "
        "1.9.1's API and report, per API, where it is used and whether mxcompat supports it.")
    p.add_argument("paths", nargs="+", metavar="PATH", help="files or directories")
    p.add_argument("--format", choices=sorted(_scan.FORMATS), default="table",
                   help="output format (default: table); json follows the documented schema "
                   f"{_scan.SCHEMA!r}")
    p.add_argument("-o", "--output", metavar="FILE", help="write the report to FILE instead "
                   "of stdout")
    p.add_argument("--fail-on", action="append", default=[], metavar="STATUS",
                   help="exit with status 1 if any use has this status; one of "
                   f"{', '.join(sorted(_scan.FAIL_ON))} (comma-separated or repeated; "
                   "'unsupported' includes out-of-scope, 'partial' includes failing)")
    p.add_argument("--progress", action="store_true", default=None,
                   help="show a progress bar on stderr (default: when stderr is a terminal)")
    p.add_argument("--no-progress", dest="progress", action="store_false",
                   help="never show a progress bar")
    p.set_defaults(func=run)
    return p


def _write_atomic(path: str, text: str) -> None:
    import tempfile
    d = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".mxcompat-scan-", dir=d)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def run(args: argparse.Namespace) -> int:
    fail_on: list = []
    for item in args.fail_on:
        for s in item.split(","):
            s = s.strip()
            if not s:
                continue
            if s not in _scan.FAIL_ON:
                print(f"mxcompat scan: --fail-on: unknown status {s!r} (choose from "
                      f"{', '.join(sorted(_scan.FAIL_ON))})", file=sys.stderr)
                return 2
            fail_on.extend(_scan.FAIL_ON[s])
    missing = [p for p in args.paths if not os.path.exists(p)]
    if missing:
        print(f"mxcompat scan: no such file or directory: {', '.join(missing)}",
              file=sys.stderr)
        return 2
    if args.output:
        out_dir = os.path.dirname(os.path.abspath(args.output))
        if not os.path.isdir(out_dir):
            print(f"mxcompat scan: -o {args.output}: no such directory: {out_dir}",
                  file=sys.stderr)
            return 2
    show = args.progress if args.progress is not None else sys.stderr.isatty()
    rep = _scan.scan(args.paths, progress=_scan.progress_bar() if show else None)
    text = _scan.FORMATS[args.format](rep)
    if args.output:
        try:
            _write_atomic(args.output, text)
        except OSError as e:
            print(f"mxcompat scan: -o {args.output}: {e.strerror or e}", file=sys.stderr)
            return 2
    else:
        sys.stdout.write(text)
    for err in rep.errors if (args.output or args.format != "table") else ():
        loc = err["file"] + (f":{err['line']}" if err.get("line") else "")
        print(f"mxcompat scan: {loc}: {err['message']}", file=sys.stderr)
    if fail_on:
        bad = rep.matching(fail_on)
        if bad:
            n = sum(e["count"] for e in bad)
            print(f"mxcompat scan: {n} use(s) of {len(bad)} API(s) with status "
                  f"{'/'.join(sorted(set(e['status'] for e in bad)))} (--fail-on)",
                  file=sys.stderr)
            return 1
    return 0
