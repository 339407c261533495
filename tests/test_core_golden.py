"""Replay tests/core_cases.py on mxcompat and compare with what real MXNet 1.9.1 did
(tests/golden/core.json, recorded by tools/oracle/record_core.py)."""
from __future__ import annotations

import json
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

import mxcompat as mx
from mxcompat.base import MXNetError

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "tools" / "oracle"))
from core_cases import CASES  # noqa: E402
from record_core import encode  # noqa: E402

GOLDEN = json.loads((HERE / "golden" / "core.json").read_text())["cases"]

#: Cases where MXNet 1.9.1 raises but mxcompat deliberately succeeds (documented extensions
#: in docs/sharp-edges.md): 0-d and zero-size arrays work in every op.
EXTENSIONS = {
    "getitem:x[slice(1, 1)]": "zero-size results are supported",
    "getitem:x[(slice(None), slice(1, 1))]": "zero-size results are supported",
}

_BUILTIN = {"ValueError": ValueError, "TypeError": TypeError, "IndexError": IndexError,
            "KeyError": KeyError}


def _run(code):
    ns = {"mx": mx, "np": np}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        exec(code, ns)
    return ns.get("result")


def _same(exp, got, path="result", exact_repr=True):
    """Compare a recorded result with ours. With exact_repr=False the printed form is only
    compared when the values are bit-identical (gradients may differ in the last float32
    digit: MXNet's and torch's kernels round differently)."""
    if "seq" in exp:
        assert "seq" in got, f"{path}: expected a {exp['seq']}, got {got}"
        assert len(exp["items"]) == len(got["items"]), f"{path}: length differs"
        for i, (e, g) in enumerate(zip(exp["items"], got["items"])):
            _same(e, g, f"{path}[{i}]", exact_repr)
        return
    if exp.get("nd"):
        assert got.get("nd"), f"{path}: expected an NDArray, got {got}"
        assert got["dtype"] == exp["dtype"], f"{path}: dtype {got['dtype']} != {exp['dtype']}"
        assert got["shape"] == exp["shape"], f"{path}: shape {got['shape']} != {exp['shape']}"
        e = np.array([np.nan if v == "nan" else np.inf if v == "inf" else -np.inf
                      if v == "-inf" else v for v in exp["values"]], dtype=np.float64)
        g = np.array([np.nan if v == "nan" else np.inf if v == "inf" else -np.inf
                      if v == "-inf" else v for v in got["values"]], dtype=np.float64)
        tol = 1e-3 if exp["dtype"] == "float16" else 1e-6
        np.testing.assert_allclose(g, e, rtol=tol, atol=tol, equal_nan=True,
                                   err_msg=f"{path}: values differ")
        if exact_repr or np.array_equal(g, e, equal_nan=True):
            assert got["repr"] == exp["repr"], f"{path}: printed form differs"
        return
    assert got == exp, f"{path}: {got} != {exp}"


@pytest.mark.parametrize("cid,code", CASES, ids=[c[0] for c in CASES])
def test_core_case(cid, code):
    exp = GOLDEN[cid]
    if "error" in exp:
        if cid in EXTENSIONS:
            _run(code)  # must succeed
            return
        with pytest.raises(MXNetError) as info:
            _run(code)
        builtin = _BUILTIN.get(exp["error"])
        if builtin is not None:
            assert isinstance(info.value, builtin), (
                f"MXNet raised {exp['error']}; mxcompat's error should be one too")
        return
    got = encode(_run(code))
    _same(exp["result"], got)
