"""gluon.data against real MXNet 1.9.1 (tests/golden/data.json, recorded by
tools/oracle/record_data.py): the same cases run here with mxcompat must give MXNet's batches
(values, dtypes, shapes, contexts), orders, dataset views, transform outputs, vision dataset
samples and errors."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import mxcompat as mx

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tools" / "oracle"))
import record_data as rec  # noqa: E402

GOLDEN = json.loads((HERE / "golden" / "data.json").read_text())


def _same(got, want, path="") -> None:
    if isinstance(want, dict) and "nd" in want or isinstance(want, dict) and "np" in want:
        key = "nd" if "nd" in want else "np"
        assert key in got, f"{path}: {got} is not a {key}"
        assert got["dtype"] == want["dtype"], f"{path}: dtype {got['dtype']} != {want['dtype']}"
        assert got["shape"] == want["shape"], f"{path}: shape {got['shape']} != {want['shape']}"
        if "ctx" in want:
            assert got["ctx"] == want["ctx"], f"{path}: context {got['ctx']} != {want['ctx']}"
        g, w = np.array(got[key], dtype=float), np.array(want[key], dtype=float)
        np.testing.assert_allclose(g, w, rtol=1e-6, atol=1e-6, err_msg=path)
        return
    if isinstance(want, dict):
        assert isinstance(got, dict), f"{path}: {got!r} != {want!r}"
        assert sorted(got) == sorted(want), f"{path}: keys {sorted(got)} != {sorted(want)}"
        for k in want:
            _same(got[k], want[k], f"{path}.{k}")
        return
    if isinstance(want, list):
        assert isinstance(got, (list, tuple)) and len(got) == len(want), \
            f"{path}: {got!r} != {want!r}"
        for i, (g, w) in enumerate(zip(got, want)):
            _same(g, w, f"{path}[{i}]")
        return
    if isinstance(want, float):
        assert got == pytest.approx(want, rel=1e-6), f"{path}: {got!r} != {want!r}"
        return
    assert got == want, f"{path}: {got!r} != {want!r}"


def _json(x):
    return json.loads(json.dumps(x))


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    mp = pytest.MonkeyPatch()
    V = mx.gluon.data.vision

    def set_hashes(cls, hashes):
        if issubclass(cls, V.MNIST):
            mp.setattr(cls, "_files", {**cls._files, **hashes})
        else:
            mp.setattr(cls, "_train_files", [(n, hashes[n]) for n, _ in cls._train_files])
            mp.setattr(cls, "_test_files", [(n, hashes[n]) for n, _ in cls._test_files])

    # nothing may be downloaded: a wrong checksum would try this unreachable address
    mp.setenv("MXNET_GLUON_REPO", "http://127.0.0.1:9/")
    try:
        yield _json(rec.run_cases(mx, str(tmp_path_factory.mktemp("data")), set_hashes))
    finally:
        mp.undo()


@pytest.mark.parametrize("case", sorted(GOLDEN["loader"]))
def test_loader_batches(results, case):
    _same(results["loader"][case], GOLDEN["loader"][case], case)


@pytest.mark.parametrize("case", sorted(k for k in GOLDEN["dataset"] if k != "errors"))
def test_dataset_views(results, case):
    _same(results["dataset"][case], GOLDEN["dataset"][case], case)


@pytest.mark.parametrize("case", sorted(GOLDEN["dataset"]["errors"]))
def test_dataset_errors(results, case):
    # these are MXNet's Python-level errors: same class, same message
    assert results["dataset"]["errors"][case] == GOLDEN["dataset"]["errors"][case]


@pytest.mark.parametrize("case", sorted(k for k in GOLDEN["transforms"] if k != "errors"))
def test_transforms(results, case):
    _same(results["transforms"][case], GOLDEN["transforms"][case], case)


@pytest.mark.parametrize("case", sorted(GOLDEN["transforms"]["errors"]))
def test_transform_errors(results, case):
    # MXNet's C++ errors: an MXNetError here too (its message is mxcompat's own)
    got, want = results["transforms"]["errors"][case], GOLDEN["transforms"]["errors"][case]
    assert want[2] and got is not None and got[2], got


@pytest.mark.parametrize("case", sorted(k for k in GOLDEN["vision"]
                                        if not k.startswith("rec")))
def test_vision_datasets(results, case):
    _same(results["vision"][case], GOLDEN["vision"][case], case)


@pytest.mark.parametrize("case", ["rec", "rec_loader"])
def test_record_datasets(results, case):
    if "missing" in results["vision"]["rec"]:
        pytest.skip("mx.recordio is not in this build yet: " + results["vision"]["rec"]["missing"])
    _same(results["vision"][case], GOLDEN["vision"][case], case)


_NUM = re.compile(r"-?\d+\.\d+(?:e[-+]?\d+)?")


def test_pipeline_example_prints_what_mxnet_prints():
    """examples/gluon_data_pipeline.py, run unchanged through `mxcompat run`: MXNet's output
    (sums within float32 tolerance, everything else identical)."""
    root = HERE.parent
    env = dict(os.environ, PYTHONPATH=str(root))
    r = subprocess.run([sys.executable, "-m", "mxcompat", "run",
                        "examples/gluon_data_pipeline.py"], capture_output=True, text=True,
                       cwd=str(root), env=env, timeout=300)
    assert r.returncode == 0, r.stderr[-2000:]
    expected = (HERE / "golden" / "data_pipeline.stdout").read_text()
    got_n = [float(v) for v in _NUM.findall(r.stdout)]
    exp_n = [float(v) for v in _NUM.findall(expected)]
    assert len(got_n) == len(exp_n) == 6  # the batch sums
    np.testing.assert_allclose(got_n, exp_n, rtol=1e-5, atol=1e-6)
    assert _NUM.sub("N", r.stdout) == _NUM.sub("N", expected)
