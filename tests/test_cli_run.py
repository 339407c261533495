"""The command line's edges: ``--version``, one-line errors, ``mxcompat run`` reaching child
processes, pickles written under ``run``, and ``install()`` after a real
``mxnet`` import."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import types
from pathlib import Path

import numpy as np
import pytest
import torch

import mxcompat as mx

ROOT = Path(__file__).resolve().parents[1]


def _env():
    e = dict(os.environ)
    e["PYTHONPATH"] = str(ROOT) + os.pathsep + e.get("PYTHONPATH", "")
    return e


def _mxcompat(*args, cwd=None, timeout=180):
    return subprocess.run([sys.executable, "-m", "mxcompat", *args], capture_output=True,
                          text=True, cwd=str(cwd or ROOT), env=_env(), timeout=timeout)


def test_version_names_every_component():
    r = _mxcompat("--version")
    assert r.returncode == 0, r.stderr
    line = r.stdout.strip()
    assert line.startswith(f"mxcompat {mx.__mxcompat_version__} (MXNet 1.9.1 API)")
    assert f"torch {torch.__version__}" in line and f"NumPy {np.__version__}" in line
    assert "Python %d.%d" % sys.version_info[:2] in line


def test_run_directory_and_missing_module_are_one_line_errors(tmp_path):
    r = _mxcompat("run", str(tmp_path))
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert r.stderr.strip() == f"mxcompat run: {tmp_path} is a directory without a __main__.py"
    r = _mxcompat("run", "-m", "no_such_module_xyz")
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert r.stderr.strip() == "mxcompat run: no module named no_such_module_xyz"


def test_run_directory_with_main(tmp_path):
    (tmp_path / "__main__.py").write_text(
        "import mxnet as mx\nimport helper\nprint(helper.f(mx.nd.ones((2, 2))))\n")
    (tmp_path / "helper.py").write_text("def f(x):\n    return x.sum().asscalar()\n")
    r = _mxcompat("run", str(tmp_path))
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "4.0"


def test_scan_output_in_missing_directory(tmp_path):
    src = tmp_path / "a.py"
    src.write_text("import mxnet as mx\nmx.nd.ones(1)\n")
    r = _mxcompat("scan", str(src), "-o", str(tmp_path / "no" / "dir" / "x.txt"))
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert r.stderr.count("\n") == 1 and "no such directory" in r.stderr
    out = tmp_path / "report.txt"
    r = _mxcompat("scan", str(src), "-o", str(out))
    assert r.returncode == 0 and "mx.nd.ones" in out.read_text()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".mxcompat")] == []


SPAWN_SCRIPT = textwrap.dedent("""
    import multiprocessing as mp
    import pickle
    import subprocess
    import sys

    import mxnet as mx


    def work(i):
        import mxnet
        return float((mxnet.nd.ones((2,)) * i).sum().asscalar())


    if __name__ == "__main__":
        for method in ("spawn", "forkserver"):
            with mp.get_context(method).Pool(2) as pool:
                print(method, pool.map(work, [1, 2, 3]))
        out = subprocess.run([sys.executable, "-c",
                              "import mxnet; print(mxnet.nd.ones((3,)).sum().asscalar())"],
                             capture_output=True, text=True, timeout=120)
        print("subprocess", out.stdout.strip(), out.returncode)
        with open(sys.argv[1], "wb") as f:
            pickle.dump(mx.nd.array([[1, 2], [3, 4]]), f)
""")


def test_run_reaches_child_processes_and_its_pickles_load(tmp_path):
    script = tmp_path / "pool.py"
    script.write_text(SPAWN_SCRIPT)
    pkl = tmp_path / "x.pkl"
    r = _mxcompat("run", str(script), str(pkl), cwd=tmp_path, timeout=300)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == ["spawn [2.0, 4.0, 6.0]", "forkserver [2.0, 4.0, 6.0]",
                                     "subprocess 3.0 0"]
    # the pickle names MXNet's class (so that real MXNet loads it); mxcompat loads it with the
    # redirect installed, as its own class
    assert b"mxnet.ndarray.ndarray" in pkl.read_bytes()
    code = ("import pickle, mxcompat, importlib.util\n"
            "assert importlib.util.find_spec('mxnet') is None\n"
            "mxcompat.install()\n"
            f"x = pickle.load(open({str(pkl)!r}, 'rb'))\n"
            "assert type(x) is mxcompat.nd.NDArray\n"
            "print(x.asnumpy().tolist(), x.dtype.__name__)\n")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                       env=_env(), timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "[[1.0, 2.0], [3.0, 4.0]] float32"


def test_install_after_a_real_mxnet_import_warns_and_takes_over():
    fake = types.ModuleType("mxnet")
    fake.__file__ = "/site-packages/mxnet/__init__.py"
    sub = types.ModuleType("mxnet.ndarray")
    saved = {k: sys.modules[k] for k in list(sys.modules) if k.split(".")[0] == "mxnet"}
    sys.modules.update({"mxnet": fake, "mxnet.ndarray": sub})
    try:
        with pytest.warns(RuntimeWarning, match="real MXNet .*imported before the redirect"):
            mx.install()
        import mxnet
        import mxnet.ndarray
        assert mxnet is mx and mxnet.ndarray is mx.nd
    finally:
        mx.uninstall()
        sys.modules.update(saved)


def test_install_twice_does_not_warn(recwarn):
    mx.install()
    try:
        mx.install()
    finally:
        mx.uninstall()
    assert not [w for w in recwarn if issubclass(w.category, RuntimeWarning)]


def test_contrib_namespace_and_amp_import():
    # legacy scripts and MXNet's own train/test_bucketing.py import these at module level
    mx.install()
    try:
        from mxnet.contrib import amp
        import mxnet.contrib.ndarray as cnd
        import mxnet as mxn
        assert cnd is mx.nd.contrib and mxn.contrib.nd is mx.nd.contrib
        assert mxn.contrib.sym is mx.sym.contrib
        with pytest.raises(mx.base.MXNetError, match="mixed precision"):
            amp.init()
        with pytest.raises(mx.base.MXNetError, match="mixed precision"):
            amp.amp.convert_hybrid_block(None)
        with pytest.raises(ImportError, match="mxnet.contrib.onnx"):
            import mxnet.contrib.onnx  # noqa: F401
        with pytest.raises(AttributeError, match="contrib.text"):
            mxn.contrib.text  # noqa: B018
    finally:
        mx.uninstall()


def test_every_data_file_of_the_package_is_declared_for_the_wheel():
    # an editable install reads files a wheel would leave out (the Symbol API's op schema was
    # one): every non-Python file under mxcompat/ must match pyproject's package-data
    import fnmatch
    import re
    text = (ROOT / "pyproject.toml").read_text()
    block = re.search(r"\[tool\.setuptools\.package-data\]\s*\nmxcompat = \[(.*?)\]", text)
    patterns = re.findall(r'"([^"]+)"', block.group(1))
    pkg = ROOT / "mxcompat"
    files = [p.relative_to(pkg).as_posix() for p in pkg.rglob("*")
             if p.is_file() and p.suffix not in (".py", ".pyc") and "__pycache__" not in p.parts]
    assert files, "no data files found"
    missing = [f for f in files if not any(fnmatch.fnmatch(f, pat) for pat in patterns)]
    assert missing == [], f"not in [tool.setuptools.package-data]: {missing}"
