"""The conformance matrix's machinery: golden files, inputs, comparison, report, docs check.

The last tests run `python -m compat_matrix check` on the committed report (CI runs it on the
fresh one after pytest): the table in docs/compat-matrix.md must equal a render of
compat_matrix/report.json, no baseline cell may fail in it, and it must list exactly the cells
the cases declare.
"""
from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest

from compat_matrix import cases, golden, report, runner, spec
from compat_matrix.spec import Case, In


def _case(cid: str) -> Case:
    for cs in cases.load().values():
        for c in cs:
            if c.id == cid:
                return c
    raise KeyError(cid)


# ---- golden files and inputs -------------------------------------------------------------
def test_npz_is_byte_deterministic(tmp_path):
    arrays = {"b": np.arange(5, dtype=np.int32), "a": np.linspace(0, 1, 7).astype(np.float16)}
    p1, p2 = tmp_path / "x.npz", tmp_path / "y.npz"
    golden.write_npz(p1, arrays)
    golden.write_npz(p2, dict(reversed(list(arrays.items()))))
    assert p1.read_bytes() == p2.read_bytes()
    with np.load(p1) as z:
        assert sorted(z.files) == ["a", "b"]
        np.testing.assert_array_equal(z["b"], arrays["b"])


def test_inputs_are_deterministic_and_match_the_recorded_ones():
    c = _case("exp[default]")
    a = spec.make_inputs(c, "float16", 2, c.samples[2], 1)
    b = spec.make_inputs(c, "float16", 2, c.samples[2], 1)
    assert a[0].dtype == np.float16 and a[0].shape == (4, 1, 3)
    np.testing.assert_array_equal(a[0], b[0])
    rec = golden.load("core_elemwise").cell(spec.cell_key(c.id, "float16", 2, 1))
    assert rec["crc"] == spec.inputs_crc(a)
    # different dtype/sample/draw -> different stream
    assert spec.seed_of(c.id, "float16", 2, 1) != spec.seed_of(c.id, "float16", 2, 0)


def test_input_domains_and_fixed_dtypes():
    c = Case("x", inputs=[In(domain=(0.5, 0.75)), In(dtype="int32", domain=(3, 4))],
             samples=[((50,), (50,))])
    x, i = spec.make_inputs(c, "float64", 0, c.samples[0])
    assert x.dtype == np.float64 and x.min() >= 0.5 and x.max() < 0.75
    assert i.dtype == np.int32 and set(np.unique(i)) <= {3, 4}
    u = spec.make_inputs(Case("x", samples=[((200,),)]), "uint8", 0, ((200,),))[0]
    assert u.min() >= 0 and u.max() <= 20


def test_golden_arrays_read_back():
    g = golden.load("core_elemwise")
    key = spec.cell_key("exp[default]", "float32", 0, 0)
    out = g.array(key + "|out0")
    assert out.dtype == np.float32 and list(out.shape) == g.cell(key)["out"][0]["shape"]
    ins = spec.make_inputs(_case("exp[default]"), "float32", 0, ((2, 3),))
    np.testing.assert_allclose(out, np.exp(ins[0]), rtol=1e-5)


# ---- comparison ---------------------------------------------------------------------------
def test_assert_close():
    a = np.array([1.0, np.nan, np.inf], np.float32)
    runner.assert_close(a, np.array([1.00005, np.nan, np.inf], np.float32), 1e-4, 1e-3, "x")
    with pytest.raises(AssertionError, match="NaN positions"):
        runner.assert_close(a, np.array([1.0, 2.0, np.inf], np.float32), 1e-4, 1e-3, "x")
    with pytest.raises(AssertionError, match="infinities"):
        runner.assert_close(a, np.array([1.0, np.nan, -np.inf], np.float32), 1e-4, 1e-3, "x")
    with pytest.raises(AssertionError, match="outside"):
        runner.assert_close(a, np.array([1.1, np.nan, np.inf], np.float32), 1e-4, 1e-3, "x")
    with pytest.raises(AssertionError, match="1 of 2 values differ"):
        runner.assert_close(np.array([1, 2], np.int32), np.array([1, 3], np.int32), 0, 0, "x")


def test_a_wrong_result_fails_its_cell():
    good = _case("exp[default]")
    bad = dataclasses.replace(good, call=lambda mx, a, args, kw: mx.nd.square(a[0]))
    bad.family = good.family
    assert runner.run_cell(runner.Cell(good, "float32", "cpu")) == "pass"
    with pytest.raises(AssertionError, match="values outside"):
        runner.run_cell(runner.Cell(bad, "float32", "cpu"))


def test_a_wrong_dtype_fails_its_cell():
    good = _case("exp[default]")
    bad = dataclasses.replace(good, call=lambda mx, a, args, kw: mx.nd.exp(a[0]).astype(
        "float64"))
    bad.family = good.family
    with pytest.raises(AssertionError, match="dtype float64, MXNet gives float32"):
        runner.run_cell(runner.Cell(bad, "float32", "cpu"))


def test_a_missing_error_fails_its_cell():
    good = _case("broadcast_add[mismatch]")
    bad = dataclasses.replace(good, call=lambda mx, a, args, kw: a[0])
    bad.family = good.family
    assert runner.run_cell(runner.Cell(good, "float32", "cpu")) == "pass"
    with pytest.raises(AssertionError, match="mxcompat returned a result"):
        runner.run_cell(runner.Cell(bad, "float32", "cpu"))


def test_a_cell_without_golden_fails():
    c = Case("exp", "never_recorded", dtypes=("float32",))
    c.family = "core_elemwise"
    with pytest.raises(AssertionError, match="no golden"):
        runner.run_cell(runner.Cell(c, "float32", "cpu"))


def test_strided_inputs_are_really_non_contiguous():
    import mxcompat as mx
    a = np.arange(6, dtype=np.float32).reshape(2, 3)
    s = runner._strided(mx, a, mx.cpu())
    assert not s._t.is_contiguous()
    np.testing.assert_array_equal(s.asnumpy(), a)
    v = runner._sliced(mx, a, mx.cpu())
    assert v._t.storage_offset() > 0
    np.testing.assert_array_equal(v.asnumpy(), a)


def test_cuda_cells_are_not_run_without_cuda():
    import torch
    if torch.cuda.is_available():
        pytest.skip("CUDA present")
    with pytest.raises(runner.NotRun):
        runner.run_cell(runner.Cell(_case("exp[default]"), "float32", "cuda"))


def test_xfail_file_format(tmp_path):
    p = tmp_path / "x.txt"
    p.write_text("# comment\n\nexp[default]-float32-cpu  # why not\nfoo[a]-int8-cpu\n")
    assert runner.load_xfails(p) == {"exp[default]-float32-cpu": "why not",
                                     "foo[a]-int8-cpu": "(no reason given)"}
    for cid, reason in runner.load_xfails().items():
        assert reason != "(no reason given)", f"xfails.txt: {cid} has no reason"


def test_case_ids_are_unique_and_cells_named():
    ids = [c.id for c in runner.collect(full=False)]
    assert len(ids) == len(set(ids))
    assert "exp[default]-float32-cpu" in ids and "exp[default]-grad-float32-cpu" in ids
    assert "exp[default]-float32-cuda" in ids


# ---- statuses, rendering, check ------------------------------------------------------------
def test_op_status():
    assert report.op_status(["pass", "pass", "not-run"], False, True) == "supported"
    assert report.op_status(["pass", "fail"], False, True) == "partial"
    assert report.op_status(["pass", "xfail"], False, True) == "partial"
    assert report.op_status(["fail", "fail"], False, True) == "failing"
    assert report.op_status([], False, True) == "untested"
    assert report.op_status([], True, False) == "unsupported"
    assert report.op_status(["unsupported"], True, False) == "unsupported"
    assert report.op_status(["not-run"], False, True) == "untested"


def _synthetic():
    cell = {"op": "exp", "dtype": "float32", "device": "cpu", "grad": False, "rejects": False,
            "reason": "", "case_module": "m"}
    return {"mode": "default", "cuda": False, "api": ["exp", "foo", "bar"],
            "ops": {"exp": {"family": "elemwise", "torch": "torch.exp", "notes": [],
                            "stub": False, "implemented": True},
                    "foo": {"family": "misc", "torch": "", "notes": [], "stub": True,
                            "implemented": False},
                    "bar": {"family": "misc", "torch": "", "notes": [], "stub": False,
                            "implemented": True}},
            "cells": {"exp[default]-float32-cpu": dict(cell, status="pass"),
                      "exp[default]-float16-cpu": dict(cell, dtype="float16", status="fail"),
                      "exp[default]-float32-cuda": dict(cell, device="cuda",
                                                        status="not-run")}}


def test_render_synthetic_report():
    text = report.render(_synthetic())
    assert "| `exp` | partial | float32 | `torch.exp` |" in text
    assert "| `foo` | unsupported |" in text and "| `bar` | untested |" in text
    assert "| 3 | 0 | 1 | 0 | 1 | 1 |" in text   # ops: supported partial failing unsup untested
    assert "| cpu | float32 | 1 | 0 | 0 | 0 | 0 |" in text
    assert report.render(_synthetic()) == text


def test_check_detects_stale_docs_and_regressions(tmp_path):
    rep = _synthetic()
    rp, dp, bp = tmp_path / "r.json", tmp_path / "d.md", tmp_path / "b.txt"
    rp.write_text(json.dumps(rep))
    dp.write_text(report.render(rep, cuda_as_not_run=True))
    bp.write_text("exp[default]-float32-cpu\n")
    assert report.check(rp, dp, bp) == []
    bp.write_text("exp[default]-float16-cpu\n")
    assert any("no longer pass" in p for p in report.check(rp, dp, bp))
    bp.write_text("")
    dp.write_text("old table\n")
    assert any("differs from a fresh render" in p for p in report.check(rp, dp, bp))


def test_api_names_layouts():
    nd, meth = report._names_from_api({
        "nd": {"exp": {"kind": "function"}, "sum": {"kind": "function"},
               "linalg": {"kind": "module"}, "NDArray": {"kind": "class"}},
        "nd_submodules": {"linalg": {"gemm": {"kind": "function"}}},
        "ndarray_methods": {"exp": {"kind": "method"}, "T": {"kind": "property"}},
        "ndarray_dunders": ["__add__"]})
    assert nd == ["exp", "sum", "linalg.gemm"] and meth == ["exp", "T", "__add__"]


# ---- the CI check on the committed report ---------------------------------------------------
def test_committed_docs_match_the_report_and_no_regressions():
    problems = report.check(report.REPORT)
    assert not problems, "\n".join(problems)


def test_report_lists_the_declared_cells():
    rep = report.load_report()
    want = {c.id for c in runner.collect(full=False, stubs=False)}
    have = {cid for cid in rep["cells"] if not cid.split("-")[0].endswith("[stub]")}
    missing, extra = sorted(want - have), sorted(have - want)
    assert not missing and not extra, (
        "compat_matrix/report.json is stale (cases changed): run `pytest compat_matrix`, "
        "`python -m compat_matrix render` and commit report.json and docs/compat-matrix.md. "
        f"missing: {missing[:10]} extra: {extra[:10]}")
