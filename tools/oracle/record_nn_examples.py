"""Record the stdout of examples/cnn.py and examples/lstm.py under real MXNet 1.9.1 into
tests/golden/<name>.stdout (run with the oracle Python; deterministic)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ("cnn", "lstm")


def main() -> int:
    for name in EXAMPLES:
        r = subprocess.run([sys.executable, str(ROOT / "examples" / f"{name}.py")],
                           capture_output=True, text=True, check=True, cwd=ROOT)
        (ROOT / "tests" / "golden" / f"{name}.stdout").write_text(r.stdout)
        print(f"recorded {name}: {len(r.stdout.splitlines())} lines")
    return 0


if __name__ == "__main__":
    sys.exit(main())
