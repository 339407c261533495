"""Regenerate every generated file, in dependency order, after ops or matrix cases change:

1. mxcompat/ndarray/_api_names.py   (tools/gen_api_names.py, from MXNet's recorded API)
2. a complete conformance-matrix run (pytest compat_matrix) -> compat_matrix/.last-run.json
3. compat_matrix/report.json and docs/compat-matrix.md   (python -m compat_matrix render)
4. compat_matrix/baseline.txt, only with --baseline     (python -m compat_matrix baseline)
5. mxcompat/data/api_status.json    (tools/gen_api_status.py, read by `mxcompat scan`)
6. docs/op-mapping.md               (tools/gen_op_mapping.py)

Run it from a clean checkout (uncommitted edits of others leak into the matrix run).
`python tools/refresh_generated.py [--baseline]`
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run(*cmd: str) -> None:
    print("$", " ".join(cmd), flush=True)
    subprocess.run([sys.executable, *cmd], cwd=str(ROOT), check=True)


def main(argv: list) -> int:
    run("tools/gen_api_names.py")
    run("-m", "pytest", "compat_matrix", "-q", "-p", "no:cacheprovider")
    run("-m", "compat_matrix", "render")
    if "--baseline" in argv:
        run("-m", "compat_matrix", "baseline")
    run("tools/gen_api_status.py")
    run("tools/gen_op_mapping.py")
    run("-m", "compat_matrix", "check")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
