"""Record the autograd cases (tests/autograd_cases.py) and the from-scratch training examples
(examples/linear_regression.py, examples/mlp.py) from real MXNet 1.9.1 into
tests/golden/autograd.json and tests/golden/<example>.stdout. Deterministic."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path


ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "tools" / "oracle"))
from record_core import record_cases  # noqa: E402

EXAMPLES = ("linear_regression", "mlp")


def main() -> int:
    import mxnet as mx
    from autograd_cases import CASES
    out = {"mxnet_version": mx.__version__, "recorded_by": "tools/oracle/record_autograd.py",
           "cases": record_cases(CASES)}
    path = ROOT / "tests" / "golden" / "autograd.json"
    path.write_text(json.dumps(out, indent=1, sort_keys=True) + "\n")
    print(f"wrote {len(out['cases'])} cases to {path}")
    for name in EXAMPLES:
        r = subprocess.run([sys.executable, str(ROOT / "examples" / f"{name}.py")],
                           capture_output=True, text=True, check=True, cwd=str(ROOT))
        (ROOT / "tests" / "golden" / f"{name}.stdout").write_text(r.stdout)
        print(f"wrote tests/golden/{name}.stdout")
    return 0


if __name__ == "__main__":
    sys.exit(main())
