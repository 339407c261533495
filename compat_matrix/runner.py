"""Runs matrix cells against mxcompat and the recorded MXNet goldens (no MXNet needed).

A cell is (case, dtype, device[, grad]); it runs every sample of the case (and, in the full
run, every value draw) and raises AssertionError with a readable message on the first
mismatch. ``status`` is what the report shows for a cell that did not fail: "pass", or
"unsupported" (the op is a stub and was checked to raise MXNetError).
"""
from __future__ import annotations

import fnmatch
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import numpy as np

from . import cases as case_modules
from . import golden, spec
from .spec import Case

HERE = Path(__file__).resolve().parent
XFAILS = HERE / "xfails.txt"

_BUILTIN_ERRORS = {"TypeError": TypeError, "ValueError": ValueError, "IndexError": IndexError,
                   "KeyError": KeyError, "AttributeError": AttributeError,
                   "AssertionError": AssertionError, "NotImplementedError": NotImplementedError,
                   "ZeroDivisionError": ZeroDivisionError}


class NotRun(Exception):
    """The cell cannot run here (no CUDA)."""


@dataclass(frozen=True)
class Cell:
    case: Case
    dtype: str
    device: str
    grad: bool = False
    stub_op: str = ""   # a stub-only row: the op name (no case)

    @property
    def id(self) -> str:
        if self.stub_op:
            return f"{self.stub_op}[stub]-{self.device}"
        return spec.cell_id(self.case, self.dtype, self.device, self.grad)

    @property
    def op(self) -> str:
        return self.stub_op or self.case.op


# ---------------------------------------------------------------------------------------
def _mx() -> Any:
    import mxcompat
    return mxcompat


def op_function(op: str) -> Any:
    """mxcompat's function for an op name, or None when the name does not exist."""
    mx = _mx()
    if op.startswith("NDArray."):
        meth = op[len("NDArray."):]
        from mxcompat.ndarray import _methods
        if meth in _methods.FLUENT:
            return getattr(mx.nd, meth, None)
        return getattr(mx.nd.NDArray, meth, None)
    obj: Any = mx.gluon if op.startswith("gluon.") else mx.nd  # Gluon layers: gluon.nn.X
    for part in (op[len("gluon."):] if op.startswith("gluon.") else op).split("."):
        try:
            obj = getattr(obj, part)
        except Exception:  # noqa: BLE001 - mx.nd.__getattr__ raises MXNetError for unknowns
            return None
    return obj


def is_stub(op: str) -> bool:
    fn = op_function(op)
    return fn is None or bool(getattr(fn, "_mx_stub", False))


def collect(full: Optional[bool] = None, stubs: bool = True) -> List[Cell]:
    """Every cell of the matrix, in a stable order."""
    full = spec.is_full() if full is None else full
    cells: List[Cell] = []
    tested = set()
    for _mod, cases in case_modules.load().items():
        for case in cases:
            tested.add(case.op)
            for device in spec.DEVICES:
                dts = list(dict.fromkeys(list(case.dtypes_for(device)) + list(case.rejects)))
                for dt in dts:
                    cells.append(Cell(case, dt, device))
                    if case.grad and dt.startswith("float") and dt not in case.rejects:
                        cells.append(Cell(case, dt, device, grad=True))
    if stubs:
        from . import report
        for op in report.api_ops():
            if op not in tested and is_stub(op):
                cells.append(Cell(_STUB_CASE, "", "cpu", stub_op=op))
    return cells


_STUB_CASE = Case("<stub>", samples=())


def load_xfails(path: Path = XFAILS) -> Dict[str, str]:
    out: Dict[str, str] = {}
    if not path.exists():
        return out
    for line in path.read_text().splitlines():
        s = line.strip()
        if not s or s.startswith("#"):
            continue
        cid, _, reason = s.partition("#")
        out[cid.strip()] = reason.strip() or "(no reason given)"
    return out


# ---------------------------------------------------------------------------------------
def run_cell(cell: Cell) -> str:
    """Run one cell; return its status ("pass"/"unsupported"), raise AssertionError on a
    mismatch, NotRun when it cannot run here."""
    import torch
    if cell.device == "cuda" and not torch.cuda.is_available():
        raise NotRun("no CUDA device")
    mx = _mx()
    if cell.stub_op:
        _check_stub(mx, cell.stub_op, None)
        return "unsupported"
    case = cell.case
    if is_stub(case.op):
        _check_stub(mx, case.op, cell)
        return "unsupported"
    ctx = mx.gpu(0) if cell.device == "cuda" else mx.cpu()
    # a dtype MXNet rejects on CPU only (its GPU kernels take it): no golden applies
    cuda_only = cell.device == "cuda" and cell.dtype in case.rejects and \
        cell.dtype in case.dtypes_for("cuda")
    if cuda_only and case.ref is None:
        raise NotRun(f"{cell.dtype} runs on CUDA only and the case has no NumPy reference")
    g = golden.load(case.family)
    full = spec.is_full()
    draws = range(spec.FULL_DRAWS) if full else range(1)
    for si, sample in enumerate(case.all_samples(full)):
        for draw in draws:
            key = spec.cell_key(case.id, cell.dtype, si, draw)
            ins = spec.make_inputs(case, cell.dtype, si, sample, draw)
            rec = g.cell(key)
            where = f"sample {si} {list(map(tuple, sample))}" + (f" draw {draw}" if draw else "")
            if cuda_only:
                rec = None  # the CPU golden's error does not apply: checked against the ref
            if rec is None:
                if not cuda_only and (cell.dtype in case.dtypes or cell.dtype in case.rejects
                                      or case.ref is None):
                    raise AssertionError(
                        f"no golden for {key} in compat_matrix/golden/{case.family}.json: "
                        f"record it (tools/oracle/record_matrix.py --family {case.family})")
            elif rec["crc"] != spec.inputs_crc(ins):
                raise AssertionError(f"{where}: inputs differ from the recorded ones (NumPy "
                                     "random stream changed?); re-record the goldens")
            if cell.grad:
                _grad_sample(mx, case, cell, ctx, si, sample, draw, ins, rec, g, key, where)
            else:
                _forward_sample(mx, case, cell, ctx, si, ins, rec, g, key, where, draw == 0)
    return "pass"


def _check_stub(mx: Any, op: str, cell: Optional[Cell]) -> None:
    fn = op_function(op)
    if fn is None:
        return  # absent entirely: mx.nd.<name> raised MXNetError on access (checked below)
    if cell is not None and cell.case.samples:
        arrays = [mx.nd.array(a, dtype=a.dtype) for a in
                  spec.make_inputs(cell.case, cell.dtype, 0, cell.case.samples[0])]
        call = lambda: spec.run_call(mx, cell.case, arrays, cell.dtype, mx.cpu())  # noqa: E731
    else:
        call = fn
    try:
        call()
    except mx.base.MXNetError as e:
        assert "not supported" in str(e) or "unsupported" in str(e).lower(), (
            f"{op} is a stub but its error does not say it is unsupported: {e}")
        return
    except Exception as e:  # noqa: BLE001
        raise AssertionError(f"{op} is a stub but raised {type(e).__name__}, "
                             f"not MXNetError: {e}") from None
    raise AssertionError(f"{op} is a stub but did not raise")


def _nd(mx: Any, a: np.ndarray, ctx: Any) -> Any:
    return mx.nd.array(a, ctx=ctx, dtype=a.dtype)


def _call(mx: Any, case: Case, arrays: list, dtype: str, ctx: Any) -> Tuple[str, Any]:
    return spec.outputs(spec.run_call(mx, case, arrays, dtype, ctx))


def _expect_error(mx: Any, case: Case, arrays: list, dtype: str, ctx: Any, err: Dict[str, Any],
                  where: str) -> None:
    try:
        kind, val = _call(mx, case, arrays, dtype, ctx)
    except mx.base.MXNetError:
        return
    except Exception as e:  # noqa: BLE001
        want = _BUILTIN_ERRORS.get(err.get("type", ""))
        if want is not None and isinstance(e, want) and not err.get("mxnet"):
            return
        raise AssertionError(f"{where}: MXNet raised {err['type']}({err['message']!r}); "
                             f"mxcompat raised {type(e).__name__}: {e}") from None
    raise AssertionError(f"{where}: MXNet raised {err['type']}({err['message']!r}) but "
                         "mxcompat returned a result (declare extension= if deliberate)")


def _forward_sample(mx: Any, case: Case, cell: Cell, ctx: Any, si: int, ins: list,
                    rec: Optional[Dict[str, Any]], g: golden.Golden, key: str, where: str,
                    first_draw: bool) -> None:
    dtype = cell.dtype
    arrays = [_nd(mx, a, ctx) for a in ins]
    if rec is not None and ("error" in rec or "crash" in rec) and not case.extension:
        err = rec.get("error") or {"type": "crash", "message": rec["crash"], "mxnet": True}
        _expect_error(mx, case, arrays, dtype, ctx, err, where)
        return
    if not case.values:  # random ops: a reproducible stream per cell sample
        mx.random.seed(spec.seed_of(case.id, dtype, si, 0, "mx"))
    try:
        kind, got = _call(mx, case, arrays, dtype, ctx)
    except Exception as e:  # noqa: BLE001
        raise AssertionError(f"{where}: mxcompat raised {type(e).__name__}: "
                             f"{str(e).strip().splitlines()[0] if str(e).strip() else ''}"
                             ) from None
    if rec is not None and "error" not in rec and "crash" not in rec:
        _compare_recorded(case, dtype, kind, got, rec, g, key, where)
    elif case.ref is not None:
        _compare_ref(case, dtype, kind, got, ins, where)
    if case.stat is not None and kind not in ("py", "npscalar"):
        for a in got:
            case.stat(a, dtype, {k: spec.subst(v, dtype, None) for k, v in case.kwargs.items()})
    if kind in ("py", "npscalar"):
        return
    # inputs must not be modified by the op
    if not case.op.startswith("NDArray.__i") and case.op not in _MUTATING:
        for i, (a, x) in enumerate(zip(ins, arrays)):
            if not _same(a, x.asnumpy()):
                raise AssertionError(f"{where}: the op modified input {i}")
    if case.noncontig and first_draw and case.values and ins:
        _check_noncontig(mx, case, dtype, ctx, ins, got, where)


_MUTATING = ("NDArray.__setitem__", "NDArray.copyto")


def _same(a: np.ndarray, b: np.ndarray) -> bool:
    return a.shape == b.shape and np.array_equal(a, b, equal_nan=a.dtype.kind == "f")


def _compare_recorded(case: Case, dtype: str, kind: str, got: Any, rec: Dict[str, Any],
                      g: golden.Golden, key: str, where: str) -> None:
    want_kind = rec["kind"]
    if want_kind in ("py", "npscalar") or kind in ("py", "npscalar"):
        if kind != want_kind:
            raise AssertionError(f"{where}: MXNet returned {want_kind!r} result, mxcompat "
                                 f"{kind!r} ({got!r})")
        want = rec["value"]
        gv = got if isinstance(got, (bool, int, float, str)) or got is None else repr(got)
        if type(gv) is not type(want) or (gv != want and not (
                isinstance(want, float) and np.isclose(gv, want, equal_nan=True))):
            raise AssertionError(f"{where}: MXNet returned {want!r}, mxcompat {gv!r}")
        return
    outs = rec["out"]
    if kind != want_kind or len(got) != len(outs):
        raise AssertionError(f"{where}: MXNet returned {len(outs)} output(s) "
                             f"({_KINDS[want_kind]}), mxcompat {len(got)} ({_KINDS[kind]})")
    for k, (a, o) in enumerate(zip(got, outs)):
        what = f"{where} output {k}"
        if str(a.dtype) != o["dtype"]:
            raise AssertionError(f"{what}: dtype {a.dtype}, MXNet gives {o['dtype']}")
        if list(a.shape) != o["shape"]:
            raise AssertionError(f"{what}: shape {a.shape}, MXNet gives {tuple(o['shape'])}")
        if case.values:
            assert_close(a, g.array(f"{key}|out{k}"), *case.tolerance(dtype), what)


_KINDS = {"nd": "NDArray", "nds": "a list of NDArrays", "np": "a NumPy array",
          "py": "a Python value", "npscalar": "a NumPy scalar"}


def _compare_ref(case: Case, dtype: str, kind: str, got: Any, ins: list, where: str) -> None:
    assert case.ref is not None
    r = case.ref(*ins, *case.args, **{k: spec.subst(v, dtype, None)
                                      for k, v in case.kwargs.items()})
    if kind in ("py", "npscalar"):
        assert got == r, f"{where}: {got!r} != reference {r!r}"
        return
    refs = [np.asarray(x) for x in (r if isinstance(r, (list, tuple)) else [r])]
    if len(refs) != len(got):
        raise AssertionError(f"{where}: {len(got)} outputs, reference gives {len(refs)}")
    for k, (a, b) in enumerate(zip(got, refs)):
        what = f"{where} output {k} (vs NumPy reference; no golden)"
        if a.dtype != b.dtype or a.shape != b.shape:
            raise AssertionError(f"{what}: {a.dtype}{a.shape} vs {b.dtype}{b.shape}")
        if case.values:
            assert_close(a, b, *case.tolerance(dtype), what)


def _at(idx: Any) -> tuple:
    return tuple(int(x) for x in idx)


def assert_close(got: np.ndarray, want: np.ndarray, rtol: float, atol: float,
                 what: str) -> None:
    """Values within MXNet's tolerance, NaN at the same positions, infinities equal."""
    if got.shape != want.shape:
        raise AssertionError(f"{what}: shape {got.shape} vs {want.shape}")
    if got.dtype.kind in "biu" and want.dtype.kind in "biu" and rtol == 0 and atol == 0:
        if not np.array_equal(got, want):
            bad = np.argwhere(got != want)
            i = _at(bad[0])
            raise AssertionError(f"{what}: {len(bad)} of {got.size} values differ; first at "
                                 f"{i}: {got[i].item()!r} vs MXNet {want[i].item()!r}")
        return
    g, w = got.astype(np.float64), want.astype(np.float64)
    gn, wn = np.isnan(g), np.isnan(w)
    if not np.array_equal(gn, wn):
        i = _at(np.argwhere(gn != wn)[0])
        raise AssertionError(f"{what}: NaN positions differ; first at {i}: {g[i]} vs {w[i]}")
    ok = ~gn
    gi, wi = np.isinf(g) & ok, np.isinf(w) & ok
    if not np.array_equal(gi, wi) or not np.array_equal(g[gi], w[wi]):
        i = _at(np.argwhere((gi != wi) | (gi & (g != w)))[0])
        raise AssertionError(f"{what}: infinities differ; first at {i}: {g[i]} vs {w[i]}")
    fin = ok & ~gi
    with np.errstate(invalid="ignore"):
        err = np.abs(g - w)
    bad = fin & (err > atol + rtol * np.abs(w))
    if bad.any():
        i = _at(np.argwhere(bad)[0])
        raise AssertionError(f"{what}: {int(bad.sum())} of {got.size} values outside rtol="
                             f"{rtol:g} atol={atol:g}; first at {i}: {float(g[i])!r} vs MXNet "
                             f"{float(w[i])!r}")


def _strided(mx: Any, a: np.ndarray, ctx: Any) -> Any:
    """An NDArray over a non-contiguous tensor holding ``a`` (every axis strided)."""
    import torch
    from mxcompat.ndarray.ndarray import _wrap
    base = mx.nd.array(a, ctx=ctx, dtype=a.dtype)._t
    big = torch.zeros(tuple(base.shape) + (2,), dtype=base.dtype, device=base.device)
    t = big[..., 1]
    t.copy_(base)
    return _wrap(t)


def _sliced(mx: Any, a: np.ndarray, ctx: Any) -> Any:
    """An NDArray obtained by slicing a larger NDArray along its first axis (a view with a
    storage offset, as x[1:3] gives in MXNet)."""
    pad = np.zeros((a.shape[0] + 2,) + a.shape[1:], dtype=a.dtype)
    pad[1:-1] = a
    return mx.nd.array(pad, ctx=ctx, dtype=a.dtype)[1:a.shape[0] + 1]


def _check_noncontig(mx: Any, case: Case, dtype: str, ctx: Any, ins: list, want: list,
                     where: str) -> None:
    if not any(a.ndim >= 1 and a.size > 0 for a in ins):
        return
    for how, make in (("sliced", _sliced), ("strided", _strided)):
        arrays = [make(mx, a, ctx) if a.ndim >= 1 and a.size > 0 else _nd(mx, a, ctx)
                  for a in ins]
        try:
            kind, got = _call(mx, case, arrays, dtype, ctx)
        except Exception as e:  # noqa: BLE001
            raise AssertionError(f"{where}: on {how} (non-contiguous) inputs mxcompat raised "
                                 f"{type(e).__name__}: {e}") from None
        for k, (a, b) in enumerate(zip(got, want)):
            if a.dtype != b.dtype or a.shape != b.shape:
                raise AssertionError(f"{where} output {k}: {how} inputs give {a.dtype}{a.shape}"
                                     f", contiguous {b.dtype}{b.shape}")
            assert_close(a, b, *case.tolerance(dtype), f"{where} output {k} ({how} inputs "
                         "vs contiguous)")


# ---------------------------------------------------------------------------------------
def _grad_run(mx: Any, case: Case, dtype: str, ctx: Any, si: int, draw: int, ins: list,
              gidx: list) -> list:
    xs = [_nd(mx, a, ctx) for a in ins]
    for i in gidx:
        xs[i].attach_grad()
    with mx.autograd.record():
        res = spec.run_call(mx, case, xs, dtype, ctx)
    outs = list(res) if isinstance(res, (list, tuple)) else [res]
    heads = [_nd(mx, spec.make_head(case, dtype, si, draw, o.shape, k), ctx)
             for k, o in enumerate(outs)]
    if len(outs) == 1:
        outs[0].backward(heads[0])
    else:
        mx.autograd.backward(outs, head_grads=heads)
    return [xs[i].grad.asnumpy() for i in gidx]


def _grad_sample(mx: Any, case: Case, cell: Cell, ctx: Any, si: int, sample: tuple, draw: int,
                 ins: list, rec: Optional[Dict[str, Any]], g: golden.Golden, key: str,
                 where: str) -> None:
    dtype = cell.dtype
    if not hasattr(mx.nd.NDArray, "attach_grad"):
        raise NotRun("mxcompat has no NDArray.attach_grad (autograd) yet")
    gidx = spec.grad_inputs(case, sample, dtype)
    if not gidx:
        return
    if rec is not None and ("error" in rec or "grad_error" in rec) and not case.extension:
        if "error" in rec:
            return  # the forward cell checks the error
        err = rec["grad_error"]
        try:
            _grad_run(mx, case, dtype, ctx, si, draw, ins, gidx)
        except mx.base.MXNetError:
            return
        except Exception as e:  # noqa: BLE001
            raise AssertionError(f"{where}: MXNet's backward raised {err['type']}; mxcompat "
                                 f"raised {type(e).__name__}: {e}") from None
        raise AssertionError(f"{where}: MXNet's backward raised {err['type']}("
                             f"{err['message']!r}); mxcompat computed a gradient")
    try:
        grads = _grad_run(mx, case, dtype, ctx, si, draw, ins, gidx)
    except Exception as e:  # noqa: BLE001
        raise AssertionError(f"{where}: gradient failed in mxcompat: {type(e).__name__}: "
                             f"{str(e).strip().splitlines()[0] if str(e).strip() else ''}"
                             ) from None
    rtol, atol = case.tolerance(dtype, grad=True)
    if rec is not None and "grad" in rec:
        for gr, i in zip(grads, gidx):
            want = g.array(f"{key}|grad{i}")
            if gr.dtype != want.dtype or gr.shape != want.shape:
                raise AssertionError(f"{where}: grad of input {i} is {gr.dtype}{gr.shape}, "
                                     f"MXNet gives {want.dtype}{want.shape}")
            assert_close(gr, want, rtol, atol, f"{where} grad of input {i}")
    if case.fd and dtype == "float64" and draw == 0 and sum(ins[i].size for i in gidx) <= 128:
        fd = _finite_diff(mx, case, dtype, ctx, si, draw, ins, gidx)
        for gr, i, f in zip(grads, gidx, fd):
            assert_close(gr, f, 1e-4, 1e-6, f"{where} grad of input {i} (vs finite "
                         "differences)")


def _finite_diff(mx: Any, case: Case, dtype: str, ctx: Any, si: int, draw: int, ins: list,
                 gidx: list, eps: float = 1e-6) -> list:
    """d(sum(out * head))/d(input) by central differences, in float64, through mxcompat."""
    heads: list = []

    def f(xs: list) -> float:
        res = spec.run_call(mx, case, [_nd(mx, a, ctx) for a in xs], dtype, ctx)
        outs = list(res) if isinstance(res, (list, tuple)) else [res]
        if not heads:
            heads.extend(spec.make_head(case, dtype, si, draw, o.shape, k).astype(np.float64)
                         for k, o in enumerate(outs))
        return float(sum((o.asnumpy().astype(np.float64) * h).sum()
                         for o, h in zip(outs, heads)))
    f(ins)
    out = []
    for i in gidx:
        d = np.zeros(ins[i].shape, dtype=np.float64)
        for j in np.ndindex(*ins[i].shape):
            xs = [a.copy() for a in ins]
            xs[i][j] += eps
            hi = f(xs)
            xs[i][j] -= 2 * eps
            lo = f(xs)
            d[j] = (hi - lo) / (2 * eps)
        out.append(d)
    return out


def match_cells(cells: List[Cell], pattern: str) -> List[Cell]:
    return [c for c in cells if fnmatch.fnmatchcase(c.id, pattern)]
