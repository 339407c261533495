"""Generate mxcompat/data/api_status.json: the status under mxcompat of every public name of
MXNet 1.9.1's API, which ``mxcompat scan`` ships with and reads.

Inputs: compat_matrix/data/mxnet_api.json (MXNet's API surface, recorded from MXNet 1.9.1),
the op registry (mxcompat.ndarray._op.OPS: implemented or stub) and, when present,
compat_matrix/report.json (the conformance matrix: supported / partial / failing /
untested). Deterministic.

    python tools/gen_api_status.py           # write the file
    python tools/gen_api_status.py --check   # exit 1 if the committed file is stale
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

API_JSON = ROOT / "compat_matrix" / "data" / "mxnet_api.json"
REPORT = ROOT / "compat_matrix" / "report.json"


def render() -> str:
    from mxcompat import scan
    api = json.loads(API_JSON.read_text()) if API_JSON.exists() else None
    rows = None
    if REPORT.exists():
        from compat_matrix import report as matrix_report
        report = json.loads(REPORT.read_text())
        rows = {r["op"]: r for r in matrix_report.build_rows(report, cuda_as_not_run=True)}
        # why cells do not pass (xfails.txt reasons / failure texts), for the scan's reasons
        for cid, cell in sorted(report["cells"].items()):
            if cell["status"] in ("fail", "xfail") and cell["op"] in rows:
                why = (cell.get("reason") or cell["status"]).split(" [sample")[0]
                rows[cell["op"]].setdefault("fail_reasons", []).append(f"{cid}: {why}")
    return scan.render_status(scan.build_status(api, rows))


def main(argv: list) -> int:
    from mxcompat import scan
    text = render()
    if "--check" in argv:
        current = scan.STATUS_FILE.read_text() if scan.STATUS_FILE.exists() else ""
        if current != text:
            print(f"{scan.STATUS_FILE.relative_to(ROOT)} is stale: run "
                  "python tools/gen_api_status.py", file=sys.stderr)
            return 1
        return 0
    scan.STATUS_FILE.parent.mkdir(parents=True, exist_ok=True)
    scan.STATUS_FILE.write_text(text)
    data = json.loads(text)
    print(f"wrote {scan.STATUS_FILE.relative_to(ROOT)}: {len(data['names'])} names "
          f"(status source: {data['source']})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
