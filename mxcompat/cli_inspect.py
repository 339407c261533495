"""``mxcompat inspect FILE [--json]``: names, shapes, dtypes and sizes in a .params file."""
from __future__ import annotations

import argparse
import json
import sys
from typing import Any, Dict, List


def human(n: int) -> str:
    """Bytes as a short human-readable string (1024-based)."""
    x = float(n)
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if x < 1024 or unit == "TiB":
            return f"{int(x)} {unit}" if unit == "B" else f"{x:.1f} {unit}"
        x /= 1024
    return f"{n} B"  # pragma: no cover


def render_table(info: Dict[str, Any]) -> str:
    arrays: List[Dict[str, Any]] = info["arrays"]
    formats = sorted({a["format"] for a in arrays})
    lines = [f"{info['file']}: {info['kind']} of {len(arrays)} array"
             f"{'' if len(arrays) == 1 else 's'}, {human(info['bytes'])} on disk"
             + (f" ({'/'.join(formats)} records)" if formats else "")]
    sparse = any(a["stype"] != "default" for a in arrays)
    head = ["name", "shape", "dtype"] + (["stype"] if sparse else []) + ["elements", "bytes"]
    rows = []
    for a in arrays:
        shape = "(" + ", ".join(str(d) for d in a["shape"]) + ("," if len(a["shape"]) == 1
                                                               else "") + ")"
        rows.append([a["name"], shape, a["dtype"]] + ([a["stype"]] if sparse else [])
                    + [str(a["elements"]), str(a["bytes"])])
    total = ["total", "", ""] + ([""] if sparse else []) + [str(info["total_elements"]),
                                                           str(info["total_bytes"])]
    widths = [max(len(r[i]) for r in [head, total] + rows) for i in range(len(head))]
    right = {len(head) - 2, len(head) - 1}

    def fmt(r: List[str]) -> str:
        return "  ".join(c.rjust(w) if i in right else c.ljust(w)
                         for i, (c, w) in enumerate(zip(r, widths))).rstrip()

    lines.append(fmt(head))
    lines.extend(fmt(r) for r in rows)
    lines.append(fmt(total) + f"  ({human(info['total_bytes'])})")
    return "\n".join(lines)


def _run(args: argparse.Namespace) -> int:
    from .params import describe
    info = describe(args.file, where=repr(args.file))
    if args.json:
        sys.stdout.write(json.dumps(info, indent=1, ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(render_table(info) + "\n")
    return 0


def add_parser(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "inspect", help="list the arrays in an MXNet .params file (names, shapes, dtypes, "
        "sizes)", description="List the arrays in an MXNet .params file (as written by "
        "mx.nd.save, Gluon or Module) without loading them.")
    p.add_argument("file", help="the .params file")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.set_defaults(func=_run)
