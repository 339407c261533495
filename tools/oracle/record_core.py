"""Record the core behaviour cases (tests/core_cases.py) and the bundled walk-through's
output from real MXNet 1.9.1, into tests/golden/core.json and
tests/golden/seed_walkthrough.stdout. Deterministic: same MXNet, same files."""
from __future__ import annotations

import json
import math
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))


def encode(v):
    """A JSON-able description of a result (shared by the recorder and the tests)."""
    if hasattr(v, "asnumpy") and hasattr(v, "context"):
        a = v.asnumpy()
        return {"nd": True, "dtype": str(a.dtype), "shape": list(a.shape),
                "values": _vals(a), "repr": repr(v)}
    return _plain(v)


def _vals(a):
    flat = a.reshape(-1).tolist()
    return [(_f(x) if isinstance(x, float) else x) for x in flat]


def _f(x):
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return x


def _plain(v):
    if isinstance(v, (list, tuple)):
        return {"seq": type(v).__name__, "items": [encode(x) for x in v]}
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, float):
        return {"value": _f(v)}
    if v is None or isinstance(v, (bool, int, str)):
        return {"value": v}
    return {"value": repr(v)}


def record_cases(cases) -> dict:
    """Run each (id, code) case under real MXNet; its result, or the error MXNet raised
    (asynchronous kernel errors included: each case ends with a waitall)."""
    import mxnet as mx
    recs = {}
    for cid, code in cases:
        ns = {"mx": mx, "np": np}
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                exec(code, ns)
                mx.nd.waitall()
                rec = {"result": encode(ns.get("result"))}
        except Exception as e:  # noqa: BLE001 - recording what MXNet raises is the point
            msg = str(e).strip().splitlines()
            rec = {"error": type(e).__name__, "mxnet_error": isinstance(e, mx.base.MXNetError),
                   "message": msg[-1] if msg else ""}
        recs[cid] = rec
    return recs


def main() -> int:
    import mxnet as mx
    from core_cases import CASES
    out = {"mxnet_version": mx.__version__, "numpy_version": np.__version__,
           "recorded_by": "tools/oracle/record_core.py", "cases": record_cases(CASES)}
    path = ROOT / "tests" / "golden" / "core.json"
    path.write_text(json.dumps(out, indent=1, sort_keys=True) + "\n")
    print(f"wrote {len(out['cases'])} cases to {path}")
    walk = subprocess.run([sys.executable, str(ROOT / "examples" / "seed_walkthrough.py")],
                          capture_output=True, text=True, check=True, cwd=str(ROOT))
    (ROOT / "tests" / "golden" / "seed_walkthrough.stdout").write_text(walk.stdout)
    print("wrote tests/golden/seed_walkthrough.stdout")
    return 0


if __name__ == "__main__":
    sys.exit(main())
