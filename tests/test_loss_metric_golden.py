"""gluon.loss, mx.metric and gluon.utils against real MXNet 1.9.1 (tests/golden/loss_metric.json,
recorded by tools/oracle/record_loss_metric.py): loss outputs, shapes, dtypes, reprs, names and
input gradients; metric values *with their Python types* after each update / reset step;
``get_config`` round trips; the errors of the common mistakes; split/clip utilities."""
from __future__ import annotations

import json
import math
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
import record_loss_metric as rec  # noqa: E402

GOLDEN = json.loads((HERE / "golden" / "loss_metric.json").read_text())


def _np(rec_arr):
    data = [[float("nan") if v == "nan" else v for v in row] if isinstance(row, list) else
            (float("nan") if row == "nan" else row) for row in rec_arr["data"]] \
        if isinstance(rec_arr["data"], list) else rec_arr["data"]
    return np.array(data, dtype=rec_arr["dtype"]).reshape(rec_arr["shape"])


def _close(got, exp, rtol=1e-5, atol=1e-6):
    assert got["shape"] == exp["shape"]
    assert got["dtype"] == exp["dtype"]
    a = np.array(got["data"], dtype=object).ravel().tolist() if got["shape"] else [got["data"]]
    b = np.array(exp["data"], dtype=object).ravel().tolist() if exp["shape"] else [exp["data"]]
    fa = np.array([float(v) for v in a])
    fb = np.array([float(v) for v in b])
    np.testing.assert_allclose(fa, fb, rtol=rtol, atol=atol, equal_nan=True)


@pytest.mark.parametrize("case", rec.LOSSES, ids=[c[0] for c in rec.LOSSES])
def test_loss_values_and_gradients(case):
    exp = GOLDEN["losses"][case[0]]
    got = rec.run_loss(mx, case)
    assert got["repr"] == exp["repr"]
    assert got["name"] == exp["name"]
    assert got["inputs"] == exp["inputs"]  # same generated inputs on both sides
    # float16: one unit in the last place (accumulation order differs)
    rtol, atol = (2e-3, 2e-3) if exp["out"]["dtype"] == "float16" else (1e-5, 1e-5)
    _close(got["out"], exp["out"], rtol=rtol, atol=atol)
    assert sorted(got["grads"]) == sorted(exp["grads"])
    for k in exp["grads"]:
        _close(got["grads"][k], exp["grads"][k], rtol=max(rtol, 1e-4), atol=atol)


def _same_value(got, exp):
    """[value, typename] pairs (nested lists for composite metrics)."""
    if isinstance(exp, list) and exp and isinstance(exp[0], list):
        assert isinstance(got, list) and len(got) == len(exp)
        for g, e in zip(got, exp):
            _same_value(g, e)
        return
    gv, gt = got
    ev, et = exp
    assert gt == et, (got, exp)
    if isinstance(ev, float) or ev in ("nan", "inf", "-inf"):
        assert gv == ev or math.isclose(float(gv), float(ev), rel_tol=1e-6, abs_tol=1e-12), \
            (got, exp)
    else:
        assert gv == ev, (got, exp)


def _same_str(got: str, exp: str):
    if got == exp:
        return
    # floats in the printed dict may differ in the last digits (float32 sums)
    import re
    num = re.compile(r"-?\d+\.\d+(?:e-?\d+)?|nan")
    assert num.sub("#", got) == num.sub("#", exp), (got, exp)
    for a, b in zip(num.findall(got), num.findall(exp)):
        assert a == b or math.isclose(float(a), float(b), rel_tol=1e-6), (got, exp)


@pytest.mark.parametrize("mid", [c[0] for c in rec.METRICS])
def test_metric_steps(mid):
    code = dict(rec.METRICS)[mid]
    exp = GOLDEN["metrics"][mid]
    got = rec.run_metric(mx, code)
    assert len(got) == len(exp)
    for g, e in zip(got, exp):
        for key in ("get", "global", "nv", "gnv", "num_inst", "global_num_inst"):
            _same_value(g[key], e[key])
        _same_str(g["str"], e["str"])


@pytest.mark.parametrize("code", rec.CONFIGS)
def test_metric_config_round_trip(code):
    assert rec.run_config(mx, code) == GOLDEN["configs"][code]


ERRORS = dict(rec.ERRORS)
CLASS_ONLY = dict(rec.ERRORS_CLASS_ONLY)


@pytest.mark.parametrize("eid", sorted(ERRORS) + sorted(CLASS_ONLY))
def test_errors(eid):
    code = ERRORS.get(eid) or CLASS_ONLY[eid]
    exp = GOLDEN["errors"][eid]
    got = rec.run_error(mx, code)
    assert got["raised"] and exp["raised"]
    for base in exp["bases"]:
        assert base in got["bases"], (base, got)
    if eid in ERRORS:
        assert got["message"] == exp["message"]
    if exp["bases"][0] == "RuntimeError":  # MXNetError: mxcompat's is an MXNetError too
        err_code = code
        with pytest.raises(mx.base.MXNetError):
            exec(err_code, rec.namespace(mx))  # noqa: S102


@pytest.mark.parametrize("uid", [c[0] for c in rec.UTILS])
def test_utils(uid):
    got = rec.run_util(mx, dict(rec.UTILS)[uid])
    assert got == GOLDEN["utils"][uid]


@pytest.mark.parametrize("case", rec.CLIPS, ids=[c[0] for c in rec.CLIPS])
def test_clip_global_norm(case):
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        got = rec.run_clip(mx, case)
    exp = GOLDEN["clips"][case[0]]
    assert got["warnings"] == exp["warnings"]
    if "ndarray" in exp["norm"]:
        _close(got["norm"]["ndarray"], exp["norm"]["ndarray"])
    else:
        _same_value(got["norm"], exp["norm"])
    for g, e in zip(got["arrays"], exp["arrays"]):
        _close(g, e)


_NUM = re.compile(r"-?\d+\.\d+(?:e[-+]?\d+)?")


def test_example_prints_what_mxnet_prints():
    """examples/gluon_loss_metric.py, run unchanged through `mxcompat run`: MXNet's printed
    output (numbers within float32 tolerance, everything else identical, the Python types
    of the metric values included)."""
    env = dict(os.environ, PYTHONPATH=str(HERE.parent))
    r = subprocess.run([sys.executable, "-m", "mxcompat", "run", str(rec.EXAMPLE)],
                       capture_output=True, text=True, cwd=str(HERE.parent), env=env,
                       timeout=300)
    assert r.returncode == 0, r.stderr[-2000:]
    expected = rec.EXAMPLE_OUT.read_text()
    got_n = [float(v) for v in _NUM.findall(r.stdout)]
    exp_n = [float(v) for v in _NUM.findall(expected)]
    assert len(got_n) == len(exp_n) > 20
    np.testing.assert_allclose(got_n, exp_n, rtol=1e-5, atol=2e-6)
    assert _NUM.sub("N", r.stdout) == _NUM.sub("N", expected)
