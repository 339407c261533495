"""``mxcompat test`` / ``-p mxcompat.pytest_plugin``: an MXNet-era test file runs unchanged
(import mxnet redirected, nose.tools available even where nose cannot import)."""
from __future__ import annotations

import subprocess
import sys
import textwrap

LEGACY = textwrap.dedent('''
    import mxnet as mx
    import numpy as np
    from mxnet.test_utils import *
    from nose.tools import assert_raises, raises, ok_
    from common import helper_value

    def test_ones():
        assert_almost_equal(mx.nd.ones((2, 2)), np.ones((2, 2)))
        ok_(mx.__version__ == "1.9.1")
        assert helper_value() == 3

    @raises(mx.base.MXNetError)
    def test_bad_reshape():
        mx.nd.ones((2, 3)).reshape((4, 4))

    def test_assert_raises():
        assert_raises(IndexError, lambda: mx.nd.ones((2,))[5])

    def test_fails_on_purpose():
        assert_almost_equal(mx.nd.ones((2,)), np.zeros((2,)))
''')


def _suite(tmp_path):
    (tmp_path / "test_legacy.py").write_text(LEGACY)
    (tmp_path / "common.py").write_text("def helper_value():\n    return 3\n")
    return tmp_path


def _run(args, cwd, shim=False):
    code = "import sys\n"
    if shim:  # make the real nose unimportable, as on Python 3.12+
        code += ("import builtins\n_imp = builtins.__import__\n"
                 "def _no_nose(name, *a, **k):\n"
                 "    shim = getattr(sys.modules.get('nose'), '__mxcompat_shim__', False)\n"
                 "    if (name == 'nose' or name.startswith('nose.')) and not shim:\n"
                 "        raise ImportError(\"No module named 'imp'\")\n"
                 "    return _imp(name, *a, **k)\n"
                 "builtins.__import__ = _no_nose\n")
    code += "from mxcompat.cli import main\nsys.exit(main(sys.argv[1:]))\n"
    return subprocess.run([sys.executable, "-c", code] + args, cwd=cwd, capture_output=True,
                          text=True, timeout=300)


def test_mxcompat_test_runs_a_legacy_file(tmp_path):
    suite = _suite(tmp_path)
    r = _run(["test", str(suite), "-q", "-p", "no:cacheprovider"], cwd=tmp_path)
    assert "1 failed, 3 passed" in r.stdout, r.stdout + r.stderr
    assert "test_fails_on_purpose" in r.stdout and r.returncode == 1


def test_nose_shim_where_nose_cannot_import(tmp_path):
    suite = _suite(tmp_path)
    r = _run(["test", str(suite / "test_legacy.py"), "-q", "-p", "no:cacheprovider", "-k",
              "not on_purpose"], cwd=tmp_path, shim=True)
    assert "3 passed" in r.stdout and r.returncode == 0, r.stdout + r.stderr


def test_missing_path_is_a_one_line_error(tmp_path):
    r = _run(["test", str(tmp_path / "nope")], cwd=tmp_path)
    assert r.returncode == 2 and r.stderr.strip().startswith("mxcompat test: no such file")
    assert "Traceback" not in r.stderr


def test_plugin_off_leaves_mxnet_alone(tmp_path):
    (tmp_path / "test_x.py").write_text(
        "import sys\ndef test_not_redirected():\n    assert 'mxnet' not in sys.modules\n")
    r = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p",
                        "mxcompat.pytest_plugin", "--mxcompat-off", str(tmp_path)],
                       cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert "1 passed" in r.stdout, r.stdout + r.stderr
