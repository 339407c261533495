"""pytest plugin of the matrix: collects each cell's status and writes the JSON report
(compat_matrix/report.json for a complete run, report.partial.json when cells were
deselected)."""
from __future__ import annotations

from typing import Any, Dict

import pytest

_RESULTS: Dict[str, Dict[str, Any]] = {}
_SELECTED: set = set()


def pytest_collection_modifyitems(session: Any, config: Any, items: list) -> None:
    for it in items:
        cell = getattr(it, "callspec", None) and it.callspec.params.get("cell")
        if cell is not None:
            _SELECTED.add(cell.id)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: Any, call: Any) -> Any:
    outcome = yield
    rep = outcome.get_result()
    cell = getattr(item, "callspec", None) and item.callspec.params.get("cell")
    if cell is None:
        return
    if rep.when == "call" or (rep.when == "setup" and not rep.passed):
        from compat_matrix import test_matrix
        if hasattr(rep, "wasxfail"):
            status, why = "xfail", rep.wasxfail
        elif rep.skipped:
            status, why = "not-run", str(rep.longrepr[-1]) if isinstance(
                rep.longrepr, tuple) else ""
            why = why.replace("Skipped: ", "").replace("not-run: ", "")
        elif rep.failed:
            status = "fail"
            why = ""
            if call.excinfo is not None:
                why = str(call.excinfo.value).strip().splitlines()[0][:240] if str(
                    call.excinfo.value).strip() else call.excinfo.typename
        else:
            status, why = test_matrix.STATUS.get(cell.id, "pass"), ""
        _RESULTS[cell.id] = {"status": status, "reason": why, "op": cell.op,
                             "dtype": cell.dtype, "device": cell.device, "grad": cell.grad,
                             "rejects": bool(cell.dtype and cell.dtype in cell.case.rejects),
                             "case_module": cell.case.family}


def pytest_sessionfinish(session: Any, exitstatus: Any) -> None:
    if not _RESULTS:
        return
    import torch

    from compat_matrix import cases, report, runner, spec
    all_cells = runner.collect()
    complete = {c.id for c in all_cells} <= set(_RESULTS)
    for c in all_cells:   # deselected cells (a partial run) are listed as not-run
        if c.id not in _RESULTS:
            _RESULTS[c.id] = {"status": "not-run", "reason": "deselected", "op": c.op,
                              "dtype": c.dtype, "device": c.device, "grad": c.grad,
                              "rejects": bool(c.dtype and c.dtype in c.case.rejects),
                              "case_module": c.case.family}
    api = report.api_ops()
    tested = {c.op for cs in cases.load().values() for c in cs}
    ops = report.op_meta(sorted(set(api) | {r["op"] for r in _RESULTS.values()}), tested)
    for _fam, cs in cases.load().items():
        for case in cs:
            m = ops[case.op]
            if not m["family"]:
                m["family"] = "NDArray" if case.op.startswith("NDArray.") else case.family
            for what, text in (("extension", case.extension), ("note", case.note)):
                t = f"{case.variant}: {what}: {text}" if text else ""
                if t and t not in m["notes"]:
                    m["notes"].append(t)
    for op, m in ops.items():
        if not m["family"] and op.startswith("NDArray."):
            m["family"] = "NDArray"
    data = {"mode": "full" if spec.is_full() else "default",
            "cuda": bool(torch.cuda.is_available()),
            "api": api, "ops": ops, "cells": dict(sorted(_RESULTS.items()))}
    path = report.write_report(data, complete)
    tr = session.config.pluginmanager.get_plugin("terminalreporter")
    if tr is not None:
        tr.write_line(f"compat_matrix: {report.summary_line(data)} -> "
                      f"{path.relative_to(report.ROOT)}")
