"""The conformance matrix: one test per cell, ``op[variant]-dtype-device`` (see README.md).

Statuses: pass, fail, xfail (compat_matrix/xfails.txt; a listed cell that passes fails as
stale), unsupported (the op is a stub; checked to raise MXNetError), not-run (CUDA cells
without CUDA: skipped, and listed as not-run in the report).
"""
from __future__ import annotations

import pytest

from compat_matrix import runner

CELLS = runner.collect()
XFAILS = runner.load_xfails()
STATUS: dict = {}   # cell id -> status of cells that did not fail (read by conftest.py)


@pytest.mark.parametrize("cell", CELLS, ids=[c.id for c in CELLS])
def test_cell(cell: runner.Cell) -> None:
    reason = XFAILS.get(cell.id)
    try:
        status = runner.run_cell(cell)
    except runner.NotRun as e:
        STATUS[cell.id] = "not-run"
        pytest.skip(f"not-run: {e}")
    except AssertionError as e:
        if reason is not None:
            pytest.xfail(f"{reason} [{str(e).splitlines()[0][:200]}]")
        raise
    if reason is not None:
        pytest.fail(f"stale xfail: {cell.id} passes; remove it from compat_matrix/xfails.txt "
                    f"(reason was: {reason})", pytrace=False)
    STATUS[cell.id] = status


def test_xfails_name_real_cells() -> None:
    """Every entry in xfails.txt names a cell of the matrix (typos are stale entries)."""
    from compat_matrix import spec
    ids = {c.id for c in runner.collect(full=True)} | {c.id for c in CELLS}
    unknown = [x for x in XFAILS if x not in ids]
    assert not unknown or spec.is_full(), f"xfails.txt names no such cell: {unknown}"


def test_references_agree_with_goldens() -> None:
    """Where a case has a NumPy reference, it agrees with what MXNet recorded (MXNet wins: a
    case whose reference differs must fix it or say why in note=)."""
    import numpy as np

    from compat_matrix import cases, golden, spec
    bad = []
    for fam, cs in cases.load().items():
        g = golden.load(fam)
        for case in cs:
            if case.ref is None or not case.values or case.note or case.mx_crash:
                continue
            for dt in case.dtypes:
                for si, sample in enumerate(case.samples):
                    key = spec.cell_key(case.id, dt, si, 0)
                    rec = g.cell(key)
                    if not rec or "out" not in rec:
                        continue
                    ins = spec.make_inputs(case, dt, si, sample, 0)
                    kw = {k: spec.subst(v, dt, None) for k, v in case.kwargs.items()}
                    with np.errstate(all="ignore"):
                        r = case.ref(*ins, *case.args, **kw)
                    refs = list(r) if isinstance(r, (list, tuple)) else [r]
                    for k, o in enumerate(rec["out"]):
                        want = g.array(f"{key}|out{k}")
                        got = np.asarray(refs[k]) if k < len(refs) else None
                        try:
                            assert got is not None and str(got.dtype) == o["dtype"]
                            runner.assert_close(got, want, *case.tolerance(dt), key)
                        except AssertionError as e:
                            bad.append(f"{key} out{k}: {str(e)[:160] or 'dtype/count'}")
    assert not bad, ("NumPy references disagree with MXNet (fix the reference or add "
                     "note=):\n" + "\n".join(bad[:30]))
