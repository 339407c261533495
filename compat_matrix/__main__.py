"""python -m compat_matrix render | check | baseline | list

render    regenerate docs/compat-matrix.md from compat_matrix/report.json
check     fail when the committed docs differ from a fresh render, or a baseline cell regressed
baseline  rewrite compat_matrix/baseline.txt from the report (explicit, reviewed in the diff)
list      print every cell id (add --full for the full run's)
"""
from __future__ import annotations

import sys

from . import report


def main(argv: list) -> int:
    cmd = argv[0] if argv else "check"
    if cmd == "render":
        if not report.REPORT.exists():
            print("compat_matrix: no compat_matrix/report.json; run `pytest compat_matrix` "
                  "(a complete run) first", file=sys.stderr)
            return 2
        rep = report.load_report()
        report.DOCS.parent.mkdir(parents=True, exist_ok=True)
        report.DOCS.write_text(report.render(rep, cuda_as_not_run=True))
        print(f"wrote {report.DOCS.relative_to(report.ROOT)}: {report.summary_line(rep)}")
        return 0
    if cmd == "check":
        problems = report.check()
        for p in problems:
            print(f"compat_matrix check: {p}", file=sys.stderr)
        if not problems:
            print("compat_matrix check: docs match the report; no baseline regressions")
        return 1 if problems else 0
    if cmd == "baseline":
        n = report.write_baseline(report.load_report())
        print(f"wrote {report.BASELINE.relative_to(report.ROOT)}: {n} passing cells")
        return 0
    if cmd == "list":
        from . import runner
        for c in runner.collect(full="--full" in argv):
            print(c.id)
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
