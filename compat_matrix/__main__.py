"""python -m compat_matrix render | check | baseline | list

render    take the last complete run (compat_matrix/.last-run.json) as compat_matrix/report.json
          and regenerate docs/compat-matrix.md from it (commit both)
check     fail when the committed docs differ from a render of the last complete run, or a
          baseline cell regressed in it (CI: after `pytest`)
baseline  rewrite compat_matrix/baseline.txt from report.json (explicit, reviewed in the diff)
list      print every cell id (add --full for the full run's)
"""
from __future__ import annotations

import sys

from . import report


def main(argv: list) -> int:
    cmd = argv[0] if argv else "check"
    if cmd == "render":
        if not report.LAST.exists():
            print("compat_matrix: no compat_matrix/.last-run.json; run `pytest compat_matrix` "
                  "(a complete run) first", file=sys.stderr)
            return 2
        rep = report.load_report(report.LAST)
        report.REPORT.write_text(report.LAST.read_text())
        report.DOCS.parent.mkdir(parents=True, exist_ok=True)
        report.DOCS.write_text(report.render(rep, cuda_as_not_run=True))
        print(f"wrote compat_matrix/report.json and {report.DOCS.relative_to(report.ROOT)}: "
              f"{report.summary_line(rep)}")
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
