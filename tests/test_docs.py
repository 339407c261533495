"""The documentation: every ```python sample in docs/*.md and README.md runs, the generated
op-mapping page is fresh, and the differential-testing example passes on mxcompat (and fails
when a result differs from the MXNet-recorded reference)."""
from __future__ import annotations

import contextlib
import importlib.util
import io
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import mxcompat
from mxcompat import _redirect
from mxcompat.ndarray.ndarray import NDArray

ROOT = Path(__file__).resolve().parents[1]
PAGES = sorted(ROOT.glob("docs/*.md")) + [ROOT / "README.md"]
SKIP_MARK = "<!-- skip-test -->"
_FENCE = re.compile(r"^```python[ \t]*\n(.*?)^```[ \t]*$", re.S | re.M)


def python_blocks(text: str):
    """(line number, code, skipped) for each ```python block; a block directly preceded by
    ``<!-- skip-test -->`` (blank lines allowed) is skipped."""
    out = []
    for m in _FENCE.finditer(text):
        before = text[:m.start()].rstrip()
        line = text.count("\n", 0, m.start()) + 1
        out.append((line, m.group(1), before.endswith(SKIP_MARK)))
    return out


def test_block_extraction():
    text = ("intro\n```python\na = 1\n```\n\n<!-- skip-test -->\n\n```python\nneeds_gpu()\n```\n"
            "```bash\nls\n```\n```python  \nb = 2\n```\n")
    assert python_blocks(text) == [(2, "a = 1\n", False), (8, "needs_gpu()\n", True),
                                   (14, "b = 2\n", False)]


PAGE_IDS = [p.relative_to(ROOT).as_posix() for p in PAGES]


@pytest.mark.parametrize("page", PAGE_IDS)
def test_python_samples_run(page, monkeypatch):
    """The blocks of one page run in order in one namespace (like a reader pasting them into
    one session), from the repository root, with `import mxnet` resolving to mxcompat."""
    text = (ROOT / page).read_text(encoding="utf-8")
    blocks = python_blocks(text)
    if not blocks:
        pytest.skip("no python samples")
    monkeypatch.chdir(ROOT)
    was_installed = _redirect.installed()
    ns: dict = {"__name__": "__docs__"}
    ran = 0
    try:
        mxcompat.install()
        for line, code, skipped in blocks:
            if skipped:
                continue
            if "attach_grad" in code and not hasattr(NDArray, "attach_grad"):
                pytest.skip(f"{page}:{line} needs mx.autograd, not available yet")
            out = io.StringIO()
            try:
                with contextlib.redirect_stdout(out):
                    exec(compile(code, f"{page}:{line}", "exec"), ns)
            except Exception as e:  # noqa: BLE001 - report which sample failed
                raise AssertionError(f"the sample at {page}:{line} failed: "
                                     f"{type(e).__name__}: {e}\n{code}") from e
            ran += 1
    finally:
        if not was_installed:
            mxcompat.uninstall()
    assert ran or all(s for _, _, s in blocks)


def test_skip_marks_are_rare():
    """Opting out needs a reason (e.g. a GPU); keep it visible."""
    total = sum(len(python_blocks(p.read_text(encoding="utf-8"))) for p in PAGES)
    skipped = sum(s for p in PAGES for _, _, s in python_blocks(p.read_text(encoding="utf-8")))
    assert skipped <= max(2, total // 10), (skipped, total)


def test_migration_samples_print_what_they_say(monkeypatch, capsys):
    """Spot-check outputs the guide states in comments."""
    import numpy as np

    import mxcompat as mx
    x = mx.nd.array([[1, 2], [3, 4]])
    t = x.tensor
    t.mul_(10)
    assert x.asnumpy().tolist() == [[10, 20], [30, 40]]
    try:
        mx.test_utils.assert_almost_equal(mx.nd.array([1, 2]), mx.nd.array([1, 2.1]))
    except AssertionError as e:
        assert str(e).splitlines()[2].startswith("Error 82.644")
    else:  # pragma: no cover
        raise AssertionError("should have failed")
    # the guide's translation table
    legacy = mx.nd.concat(mx.nd.array(np.ones((2, 2))), mx.nd.array(np.ones((2, 2))))
    assert legacy.shape == (2, 4)


# ---- generated pages
def _tool(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "tools" / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_op_mapping_page_is_fresh():
    fresh = _tool("gen_op_mapping").render()
    assert (ROOT / "docs" / "op-mapping.md").read_text() == fresh, (
        "docs/op-mapping.md is stale (the op registry or the matrix changed): run "
        "python tools/gen_op_mapping.py and commit it")


def test_op_mapping_lists_every_implemented_op():
    from mxcompat.ndarray import _op
    text = (ROOT / "docs" / "op-mapping.md").read_text()
    for key, info in _op.OPS.items():
        ns, name = key.split(".", 1)
        public = f"mx.nd.{name}" if ns == "nd" else f"mx.nd.{ns}.{name}"
        if info.supported and not name.startswith("_"):
            assert f"| `{public}`" in text, public
            if info.torch:
                assert info.torch.split()[0].replace("|", "\\|") in text


def test_migration_guide_documents_the_scan_schema():
    from mxcompat import scan
    text = (ROOT / "docs" / "migration.md").read_text()
    assert f'"schema": "{scan.SCHEMA}"' in text
    for field in ("schema", "mxcompat_version", "mxnet_version", "status_source", "paths",
                  "summary", "apis", "errors"):
        assert re.search(rf"^\|[^|\n]*`{field}(\[\])?`[^|\n]*\|", text, re.M), field
    for status in scan.STATUSES:
        assert f"| `{status}` |" in text, status


# ---- the differential-testing example
EXAMPLE = ROOT / "examples" / "differential"


def _run_example(path: Path, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""),
               MXCOMPAT_BACKEND="mxcompat")
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           str(path), *args], cwd=path, env=env, capture_output=True,
                          text=True, timeout=300)


def test_differential_example_passes_on_mxcompat(tmp_path):
    ref = json.loads((EXAMPLE / "tests" / "reference.json").read_text())
    assert len(ref) >= 6  # recorded with real MXNet 1.9.1 (--backend mxnet --record)
    dst = tmp_path / "differential"
    shutil.copytree(EXAMPLE, dst, ignore=shutil.ignore_patterns("__pycache__"))
    r = _run_example(dst, "--backend", "mxcompat")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "4 passed" in r.stdout

    # the same suite fails when one value differs from MXNet's reference
    key = sorted(k for k in ref if k.startswith("test_standardize"))[0]
    ref[key]["values"][0][0] += 0.01
    (dst / "tests" / "reference.json").write_text(json.dumps(ref))
    r = _run_example(dst, "--backend", "mxcompat", "-k", "standardize")
    assert r.returncode == 1 and "mxnet_reference" in r.stdout, r.stdout + r.stderr

    # --backend mxnet is refused without real MXNet rather than silently using mxcompat
    has_mxnet = importlib.util.find_spec("mxnet") is not None
    if not has_mxnet:
        r = _run_example(dst, "--backend", "mxnet")
        assert r.returncode != 0 and "needs real MXNet" in r.stdout + r.stderr
