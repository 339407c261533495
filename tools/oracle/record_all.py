"""Run every golden-data recorder in tools/oracle/ under real MXNet 1.9.1 (the `oracle` tox
environment). Each recorder is deterministic: same inputs, byte-identical files."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def main(argv: list) -> int:
    try:
        import mxnet  # noqa: F401
    except ImportError:
        print("record_all: real MXNet 1.9.1 is not importable; run `tox -e oracle`",
              file=sys.stderr)
        return 2
    here = Path(__file__).resolve().parent
    scripts = sorted(p for p in here.glob("record_*.py") if p.name != "record_all.py")
    only = set(argv)
    failed = []
    for s in scripts:
        if only and s.stem not in only and s.stem.replace("record_", "") not in only:
            continue
        print(f"== {s.name}", flush=True)
        rc = subprocess.call([sys.executable, str(s)], cwd=str(here.parent.parent))
        if rc:
            failed.append(s.name)
    if failed:
        print("record_all: failed: " + ", ".join(failed), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
