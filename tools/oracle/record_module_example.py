"""Record the stdout of examples/module_mlp.py under real MXNet 1.9.1 into
tests/golden/module_mlp.stdout (run with the oracle Python). Timing fields (Speedometer's
samples/sec, "Time cost") vary by run; tests/test_module.py normalizes them."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def main() -> int:
    r = subprocess.run([sys.executable, str(ROOT / "examples" / "module_mlp.py")],
                       capture_output=True, text=True, check=True, cwd=ROOT)
    lines = [ln for ln in r.stdout.splitlines(keepends=True)
             if "Saved checkpoint to" not in ln]  # a temporary path
    (ROOT / "tests" / "golden" / "module_mlp.stdout").write_text("".join(lines))
    print(f"recorded module_mlp: {len(lines)} lines")
    return 0


if __name__ == "__main__":
    sys.exit(main())
