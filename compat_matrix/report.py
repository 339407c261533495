"""The matrix report: compat_matrix/report.json (written by the pytest run) -> the table in
docs/compat-matrix.md, the regression baseline, and the checks CI runs."""
from __future__ import annotations

import json
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Tuple

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
REPORT = HERE / "report.json"               # committed: the run behind docs/compat-matrix.md
LAST = HERE / ".last-run.json"              # written by every complete pytest run (ignored)
PARTIAL = HERE / ".last-run.partial.json"   # runs with deselected cells (ignored)
BASELINE = HERE / "baseline.txt"
API_JSON = HERE / "data" / "mxnet_api.json"
DOCS = ROOT / "docs" / "compat-matrix.md"

STATUSES = ("pass", "fail", "xfail", "unsupported", "not-run")
OP_STATUSES = ("supported", "partial", "failing", "unsupported", "untested")


# ---------------------------------------------------------------------------------------
# the op universe: MXNet 1.9.1's public names
def _names_from_api(data: Any) -> Tuple[List[str], List[str]]:
    """(mx.nd names incl. "linalg.gemm"-style submodule names, NDArray method/dunder names)
    from compat_matrix/data/mxnet_api.json (tools/oracle/record_api.py's layout: "nd",
    "nd_submodules", "ndarray_methods", "ndarray_dunders"; entries with a "kind" other than
    function/method/property, i.e. modules and classes, are not ops)."""
    def names(v: Any, kinds: tuple = ("function",)) -> List[str]:
        if isinstance(v, dict):
            return [k for k, e in v.items()
                    if not isinstance(e, dict) or e.get("kind", kinds[0]) in kinds]
        if isinstance(v, list):
            return [x if isinstance(x, str) else x.get("name", "") for x in v]
        return []
    nd: List[str] = []
    meth: List[str] = []
    if not isinstance(data, dict):
        return nd, meth
    nd += names(data.get("nd", data.get("mx.nd", {})))
    subs = data.get("nd_submodules", data.get("submodules", {}))
    if isinstance(subs, dict):
        for sub, v in subs.items():
            if sub.split(".")[-1] == "op":   # mx.nd.op is mx.nd itself
                continue
            nd += [f"{sub.split('.')[-1]}.{n}" for n in names(v)]
    for key in ("mx.nd.linalg", "mx.nd.random", "mx.nd.contrib", "mx.nd.sparse"):
        if key in data:
            nd += [f"{key.split('.')[-1]}.{n}" for n in names(data[key])]
    for key in ("ndarray_methods", "NDArray"):
        v = data.get(key)
        if isinstance(v, dict) and ("methods" in v or "attributes" in v):
            meth += names(v.get("methods")) + names(v.get("attributes"))
        elif v is not None:
            meth += names(v, ("method", "property", "function"))
    meth += names(data.get("ndarray_dunders", []))
    return nd, meth


def api_ops() -> List[str]:
    """Every row of the table: MXNet 1.9.1's public mx.nd names (``linalg.gemm`` for
    submodules) and NDArray methods (``NDArray.exp``)."""
    nd: List[str] = []
    meth: List[str] = []
    if API_JSON.exists():
        nd, meth = _names_from_api(json.loads(API_JSON.read_text()))
    if not nd:
        from mxcompat.ndarray import _api_names
        nd = list(_api_names.ND_NAMES)
        for sub, names in _api_names.SUBMODULE_NAMES.items():
            nd += [f"{sub}.{n}" for n in names]
    if not nd:  # no API list yet: what mxcompat registered
        from mxcompat.ndarray import _op
        nd = [k[3:] if k.startswith("nd.") else k for k in _op.OPS]
    out = sorted({n for n in nd if n and not n.startswith("_")})
    out += sorted({f"NDArray.{m}" for m in meth if m and (not m.startswith("_") or
                                                          m.startswith("__"))})
    return out


# ---------------------------------------------------------------------------------------
def op_info(op: str) -> Any:
    from mxcompat.ndarray import _op
    if op.startswith("NDArray."):
        key = "nd." + op[len("NDArray."):]
    elif "." in op:
        key = op
    else:
        key = "nd." + op
    info = _op.OPS.get(key)
    if info is None and op.startswith("NDArray."):
        return None
    if info is None:
        from . import runner
        fn = runner.op_function(op)
        info = getattr(fn, "_mx_info", None)
    return info


def op_status(statuses: Iterable[str], stub: bool, implemented: bool) -> str:
    st = [s for s in statuses if s != "not-run"]
    if stub:
        return "unsupported"
    if not st:
        return "untested" if implemented else "unsupported"
    if all(s == "pass" for s in st):
        return "supported"
    if any(s in ("pass", "xfail") for s in st) and any(s == "pass" for s in st):
        return "partial"
    if all(s in ("xfail", "unsupported") for s in st) and "xfail" in st:
        return "partial"
    if all(s == "unsupported" for s in st):
        return "unsupported"
    return "failing"


def build_rows(report: Dict[str, Any], cuda_as_not_run: bool = False) -> List[Dict[str, Any]]:
    """One row per op: from the report's cells plus the API names and stubs it lists."""
    cells = report["cells"]
    by_op: Dict[str, List[Tuple[str, Dict[str, Any]]]] = defaultdict(list)
    for cid, c in cells.items():
        by_op[c["op"]].append((cid, c))
    rows = []
    for op in sorted(set(report.get("api", [])) | set(by_op)):
        meta = report.get("ops", {}).get(op, {})
        target = meta.get("alias_of", "")
        cs = by_op.get(op, [])
        if not cs and target and by_op.get(target):
            cs = by_op[target]   # the same function as a tested name: its cells count here
            meta = dict(meta, notes=[f"same function as `{target}`"] + meta.get("notes", []))
        sts = []
        for _cid, c in cs:
            s = c["status"]
            if cuda_as_not_run and c.get("device") == "cuda":
                s = "not-run"
            sts.append(s)
        status = op_status(sts, meta.get("stub", False), meta.get("implemented", False))
        dt_ok: Dict[str, set] = defaultdict(set)
        dt_all: Dict[str, set] = defaultdict(set)
        for (_cid, c), s in zip(cs, sts):
            if c.get("dtype") and not c.get("rejects"):
                dt_all[c["device"]].add(c["dtype"])
                if s == "pass":
                    dt_ok[c["device"]].add(c["dtype"])
        for (_cid, c), s in zip(cs, sts):
            if s in ("fail", "xfail", "unsupported") and c.get("dtype"):
                dt_ok[c["device"]].discard(c["dtype"])
        notes = list(meta.get("notes", []))
        fails = sorted(cid for (cid, c), s in zip(cs, sts) if s in ("fail", "xfail"))
        if fails:
            notes.append(f"{len(fails)} cell(s) not passing: " + ", ".join(fails[:3])
                         + (" ..." if len(fails) > 3 else ""))
        rows.append({"op": op, "family": meta.get("family", ""), "status": status,
                     "torch": meta.get("torch", ""), "notes": notes,
                     "dtypes": {d: sorted(v, key=_dt_order) for d, v in dt_ok.items()},
                     "cells": len(cs)})
    return rows


def _dt_order(d: str) -> int:
    from .spec import ALL_DTYPES
    return ALL_DTYPES.index(d) if d in ALL_DTYPES else 99


def render(report: Dict[str, Any], cuda_as_not_run: bool = False) -> str:
    rows = build_rows(report, cuda_as_not_run)
    cells = report["cells"]
    cnt = Counter(r["status"] for r in rows)
    lines = [
        "# MXNet 1.9.1 compatibility matrix",
        "",
        "<!-- generated by `python -m compat_matrix render` from compat_matrix/report.json "
        "(a complete `pytest compat_matrix` run); do not edit by hand -->",
        "",
        "Every public name of MXNet 1.9.1's `mx.nd` (submodules as `linalg.gemm`; `mx.nd.op` "
        "is `mx.nd` itself) and every `NDArray` method, with what the conformance matrix "
        "measured for mxcompat. Cells are op x dtype x device (x gradient), compared with "
        "outputs recorded from real MXNet 1.9.1 (`compat_matrix/golden/`). See "
        "`compat_matrix/README.md`.",
        "",
        "Op status: **supported** = every cell passes; **partial** = some cells pass, others "
        "fail or are expected failures; **failing** = no cell passes; **unsupported** = "
        "mxcompat raises MXNetError saying so; **untested** = implemented, no cases yet.",
        "",
        f"Run: {report.get('mode', 'default')} matrix"
        + (", CUDA cells not run (no CUDA device)" if cuda_as_not_run or not
           report.get("cuda") else ", CUDA cells run") + ".",
        "",
        "## Summary",
        "",
        "| ops | " + " | ".join(OP_STATUSES) + " |",
        "|---|" + "---|" * len(OP_STATUSES),
        f"| {len(rows)} | " + " | ".join(str(cnt.get(s, 0)) for s in OP_STATUSES) + " |",
        "",
        "Cells by dtype and device:",
        "",
        "| device | dtype | " + " | ".join(STATUSES) + " |",
        "|---|---|" + "---|" * len(STATUSES),
    ]
    per: Dict[Tuple[str, str], Counter] = defaultdict(Counter)
    for c in cells.values():
        if not c.get("dtype"):
            continue
        s = c["status"]
        if cuda_as_not_run and c.get("device") == "cuda":
            s = "not-run"
        kind = c["dtype"] + (" (grad)" if c.get("grad") else "")
        per[(c["device"], kind)][s] += 1
    for (dev, kind) in sorted(per, key=lambda k: (k[0], _dt_order(k[1].split()[0]), k[1])):
        ct = per[(dev, kind)]
        lines.append(f"| {dev} | {kind} | " + " | ".join(str(ct.get(s, 0)) for s in STATUSES)
                     + " |")
    tot: Counter = Counter()
    for ct in per.values():
        tot.update(ct)
    lines.append("| all | all | " + " | ".join(str(tot.get(s, 0)) for s in STATUSES) + " |")
    fams: Dict[str, List[Dict[str, Any]]] = defaultdict(list)
    for r in rows:
        fams[r["family"] or "other"].append(r)
    lines += _family_summary(fams)
    lines += ["", "## Ops", "",
              "dtypes: the dtypes whose every cell passes, on CPU (and CUDA where run).", ""]
    for fam in sorted(fams):
        lines += [f"### {fam}", "", "| op | status | dtypes passing | torch | notes |",
                  "|---|---|---|---|---|"]
        for r in fams[fam]:
            dts = r["dtypes"].get("cpu", [])
            d = ", ".join(dts)
            if r["dtypes"].get("cuda"):
                d += "; cuda: " + ", ".join(r["dtypes"]["cuda"])
            torch_eq = f"`{r['torch']}`" if r["torch"] else ""
            notes = "; ".join(n.replace("|", "\\|").replace("\n", " ") for n in r["notes"])
            lines.append(f"| `{r['op']}` | {r['status']} | {d} | {torch_eq} | {notes} |")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


# families outside the tensor-op surface: layers, losses, quantized layers, optimizer updates
LAYER_FAMILIES = ("nn", "optimizer", "quantization")


def surface_coverage(rows: List[Dict[str, Any]]) -> Tuple[int, int]:
    """(supported, total) over the tensor-op surface: every row outside LAYER_FAMILIES."""
    surf = [r for r in rows if r["family"] not in LAYER_FAMILIES]
    return sum(r["status"] == "supported" for r in surf), len(surf)


def _family_summary(fams: Dict[str, List[Dict[str, Any]]]) -> List[str]:
    out = ["", "Ops by family:", "",
           "| family | ops | " + " | ".join(OP_STATUSES) + " | supported % |",
           "|---|---|" + "---|" * (len(OP_STATUSES) + 1)]
    for fam in sorted(fams):
        ct = Counter(r["status"] for r in fams[fam])
        n = len(fams[fam])
        out.append(f"| {fam} | {n} | " + " | ".join(str(ct.get(s, 0)) for s in OP_STATUSES)
                   + f" | {100 * ct.get('supported', 0) / n:.0f}% |")
    sup, tot = surface_coverage([r for rs in fams.values() for r in rs])
    out += ["", f"Tensor-op surface (every family except {', '.join(LAYER_FAMILIES)}): "
            f"**{sup} of {tot} names supported ({100 * sup / max(tot, 1):.1f}%)**."]
    return out


# ---------------------------------------------------------------------------------------
def load_report(path: Path = REPORT) -> Dict[str, Any]:
    return json.loads(path.read_text())


def write_report(data: Dict[str, Any], complete: bool) -> Path:
    path = LAST if complete else PARTIAL
    from .golden import _dumps
    data = dict(data, cells={k: {f: v for f, v in c.items() if v not in ("", False)}
                             for k, c in data["cells"].items()})
    path.write_text(_dumps(data))
    return path


def passing(report: Dict[str, Any]) -> List[str]:
    return sorted(cid for cid, c in report["cells"].items() if c["status"] == "pass")


def read_baseline(path: Path = BASELINE) -> List[str]:
    if not path.exists():
        return []
    return [ln.strip() for ln in path.read_text().splitlines()
            if ln.strip() and not ln.startswith("#")]


def write_baseline(report: Dict[str, Any], path: Path = BASELINE) -> int:
    ids = [c for c in passing(report) if not c.endswith("-cuda")]
    path.write_text("# cells that passed in the committed matrix run (CPU); a cell listed "
                    "here that stops passing\n# fails `python -m compat_matrix check`. "
                    "Update with `python -m compat_matrix baseline`.\n"
                    + "".join(i + "\n" for i in ids))
    return len(ids)


def check(report_path: Path = LAST, docs_path: Path = DOCS,
          baseline_path: Path = BASELINE) -> List[str]:
    """Problems (empty = fine): the committed docs differ from a fresh render of the report,
    or a baseline cell no longer passes."""
    problems: List[str] = []
    if not report_path.exists():
        return [f"{report_path.name} is missing: run `pytest compat_matrix` (a complete run) "
                "first"]
    rep = load_report(report_path)
    fresh = render(rep, cuda_as_not_run=True)
    have = docs_path.read_text() if docs_path.exists() else ""
    if fresh != have:
        import difflib
        diff = list(difflib.unified_diff(have.splitlines(), fresh.splitlines(),
                                         "committed", "fresh render", lineterm="", n=0))
        shown = docs_path.relative_to(ROOT) if docs_path.is_relative_to(ROOT) else docs_path
        problems.append(f"{shown} differs from a fresh render of the report (run `python -m "
                        "compat_matrix render` and commit):\n  " + "\n  ".join(diff[:40]))
    cells = rep["cells"]
    regressed = [c for c in read_baseline(baseline_path)
                 if c in cells and cells[c]["status"] not in ("pass", "not-run")]
    gone = [c for c in read_baseline(baseline_path) if c not in cells]
    if regressed:
        problems.append(f"{len(regressed)} baseline cell(s) no longer pass: "
                        + ", ".join(regressed[:20]))
    if gone:
        problems.append(f"{len(gone)} baseline cell(s) no longer exist (renamed/removed "
                        "cases? update the baseline explicitly): " + ", ".join(gone[:20]))
    return problems


def summary_line(report: Dict[str, Any]) -> str:
    rows = build_rows(report)
    cnt = Counter(r["status"] for r in rows)
    cc = Counter(c["status"] for c in report["cells"].values())
    return (f"{len(rows)} ops: " + ", ".join(f"{cnt.get(s, 0)} {s}" for s in OP_STATUSES)
            + "; cells: " + ", ".join(f"{cc.get(s, 0)} {s}" for s in STATUSES))


def op_meta(ops: Iterable[str], tested: Optional[set] = None) -> Dict[str, Dict[str, Any]]:
    """Per-op facts for the report (family, torch equivalent, notes, stub or not)."""
    from . import runner
    ops = list(ops)
    tested = tested or set()
    fns = {op: runner.op_function(op) for op in ops}
    canon: Dict[int, str] = {}
    for op in sorted(ops, key=lambda o: (o not in tested, o.startswith("NDArray."), o)):
        f = fns[op]
        if f is not None and not getattr(f, "_mx_stub", False):
            canon.setdefault(id(f), op)
    out: Dict[str, Dict[str, Any]] = {}
    for op in ops:
        fn = fns[op]
        stub = fn is None or bool(getattr(fn, "_mx_stub", False))
        info: Optional[Any] = op_info(op)
        notes = []
        if info is not None and info.notes:
            notes.append(info.notes)
        out[op] = {"family": info.family if info is not None else "",
                   "torch": info.torch if info is not None else "",
                   "notes": notes, "stub": stub, "implemented": fn is not None and not stub,
                   "alias_of": canon.get(id(fn), op) if fn is not None and
                   canon.get(id(fn), op) != op else ""}
    return out
