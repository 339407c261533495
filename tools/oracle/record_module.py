"""Record Module-API golden data from real MXNet 1.9.1 into tests/golden/module.json and
tests/fixtures/module/. Run under the oracle environment; deterministic.

What is recorded (scenarios in tests/module_cases.py, the same code mxcompat runs):
- ``Module.fit`` of an MLP (SGD with momentum and wd, Speedometer, validation with a padded
  last batch) and of a CNN with BatchNorm (Adam, two metrics, log_train_metric): the log
  lines (timing normalized), the final parameters, ``predict`` / ``score`` /
  ``iter_predict`` outputs; the MLP on two contexts with ``work_load_list``; one
  forward/backward/update by hand with ``inputs_need_grad``; a BucketingModule; a
  SequentialModule; a Monitor's lines; ``print_summary``'s text; forward with a new batch
  size (reshape) and ``predict`` of a numpy array;
- ``checkpoint``: MXNet trains the CNN one epoch and writes ``cnn-symbol.json``,
  ``cnn-0001.params`` and ``cnn-0001.states`` into tests/fixtures/module/; then
  ``Module.load(..., load_optimizer_states=True)`` resumes one epoch: parameters and
  outputs recorded.

The reverse direction is checked live: mxcompat (in a subprocess) writes the same
checkpoint, and this MXNet resumes from mxcompat's files with the same results.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path

import numpy as np

warnings.filterwarnings("ignore")
ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "tests" / "golden" / "module.json"
FIXTURES = ROOT / "tests" / "fixtures" / "module"
sys.path.insert(0, str(ROOT / "tests"))

_MXCOMPAT_SIDE = '''
import sys
sys.path.insert(0, sys.argv[1])
import mxcompat as mx
import module_cases
module_cases.checkpoint_train(mx, sys.argv[2])
'''


def _close(a, b, what):
    np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=1e-4, atol=1e-5,
                               err_msg=what)


def main() -> None:
    import mxnet as mx

    import module_cases as mc
    out = {"mxnet": mx.__version__, "scenarios": {}}
    for name in mc.SCENARIOS:
        mx.random.seed(0)
        out["scenarios"][name] = mc.run(mx, name)
    FIXTURES.mkdir(parents=True, exist_ok=True)
    prefix = str(FIXTURES / "cnn")
    mc.checkpoint_train(mx, prefix)
    out["checkpoint"] = mc.checkpoint_resume(mx, prefix)
    if os.environ.get("RECORD_MODULE_SKIP_REVERSE"):  # debugging only
        GOLDEN.write_text(json.dumps(out, sort_keys=True) + "\n")
        return
    # reverse: mxcompat writes the checkpoint, MXNet resumes from it
    tmp = tempfile.mkdtemp()
    try:
        env = dict(os.environ, PYTHONPATH=str(ROOT))
        subprocess.run([sys.executable, "-c", _MXCOMPAT_SIDE, str(ROOT / "tests"),
                        os.path.join(tmp, "cnn")], env=env, check=True)
        theirs = mc.checkpoint_resume(mx, os.path.join(tmp, "cnn"))
        for k, v in out["checkpoint"]["params"].items():
            _close(theirs["params"][k], v, "resume from mxcompat's checkpoint: " + k)
        _close(theirs["predict"], out["checkpoint"]["predict"], "predict after resume")
        _close(theirs["loaded_predict"], out["checkpoint"]["loaded_predict"], "loaded")
        out["reverse_checked"] = True
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    GOLDEN.write_text(json.dumps(out, indent=None, sort_keys=True) + "\n")
    print(f"wrote {GOLDEN} and {FIXTURES}")


if __name__ == "__main__":
    main()
