"""The case format of the conformance matrix: cases are data.

A family module ``compat_matrix/cases/<family>.py`` defines ``CASES = [Case(...), ...]``.
Everything here is shared by the test runner (mxcompat, no MXNet) and the recorder
(``tools/oracle/record_matrix.py``, real MXNet 1.9.1): both build the same inputs from the
same seeds and call the op the same way, through an ``mx`` module passed in.

Nothing in this module imports mxcompat or mxnet.
"""
from __future__ import annotations

import os
import zlib
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, Optional, Sequence, Tuple

import numpy as np

# ---------------------------------------------------------------------------------------
# dtypes
ALL_DTYPES = ("float32", "float64", "float16", "uint8", "int32", "int8", "int64", "bool")
FLOATS = ("float32", "float64", "float16")
INTS = ("uint8", "int32", "int8", "int64")
SIGNED_INTS = ("int32", "int8", "int64")
NUMERIC = FLOATS + INTS
DEVICES = ("cpu", "cuda")

#: MXNet's own default tolerances (mx.test_utils.assert_almost_equal): (rtol, atol)
DEFAULT_TOL: Dict[str, Tuple[float, float]] = {
    "float16": (1e-2, 1e-1), "float32": (1e-4, 1e-3), "float64": (1e-5, 1e-20),
    "uint8": (0.0, 0.0), "int8": (0.0, 0.0), "int32": (0.0, 0.0), "int64": (0.0, 0.0),
    "bool": (0.0, 0.0),
}
#: gradient cells: autograd in float32 vs. MXNet/finite differences is looser
GRAD_TOL: Dict[str, Tuple[float, float]] = {
    "float16": (5e-2, 2e-1), "float32": (1e-3, 1e-3), "float64": (1e-5, 1e-8),
}

#: default value domain per dtype kind (inclusive bounds for ints)
DEFAULT_DOMAIN = {"float": (-3.0, 3.0), "int": (-10, 10), "uint8": (0, 20), "int8": (-10, 10),
                  "bool": (0, 1)}


class _Placeholder:
    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name


#: in ``kwargs``/``args``: replaced by the cell's dtype name ("float32", ...)
DT = _Placeholder("DT")
#: in ``kwargs``/``args``: replaced by the cell's context (mx.cpu() / mx.gpu(0))
CTX = _Placeholder("CTX")


# ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class In:
    """How one array input is generated.

    domain: (lo, hi) of the values (floats: uniform in [lo, hi); ints: integers in [lo, hi]);
        None = the dtype's default (floats (-3, 3), ints (-10, 10), uint8 (0, 20)).
    dtype: a fixed dtype for this input (index arrays); None = the cell's dtype.
    gen: ``gen(rng, shape, dtype_name) -> np.ndarray`` for anything else (rng is a
        ``np.random.Generator``); overrides domain.
    special: sprinkle nan/inf/-inf/0/-0 into float inputs (only with NaN-aware ops).
    grad: whether gradient cells differentiate with respect to this input (floats only).
    """
    domain: Optional[Tuple[float, float]] = None
    dtype: Optional[str] = None
    gen: Optional[Callable] = None
    special: bool = False
    grad: bool = True


@dataclass
class Case:
    """One op variant of the matrix. See compat_matrix/README.md."""
    op: str                                   # "exp", "linalg.gemm", "NDArray.__add__", ...
    variant: str = "default"
    samples: Sequence[tuple] = (((2, 3),),)   # one tuple of input shapes per sample
    inputs: Sequence[In] = ()                 # one In per array input (default In())
    args: tuple = ()                          # extra positional args after the arrays
    kwargs: Dict[str, Any] = field(default_factory=dict)
    dtypes: Sequence[str] = FLOATS            # dtypes MXNet supports on CPU
    gpu_dtypes: Optional[Sequence[str]] = None  # on GPU (None: same as dtypes)
    rejects: Sequence[str] = ()               # dtypes MXNet rejects: cells expect MXNetError
    ref: Optional[Callable] = None            # NumPy reference with MXNet's rules
    tol: Dict[str, Tuple[float, float]] = field(default_factory=dict)  # dtype -> (rtol, atol)
    grad: bool = False                        # add gradient cells
    grad_tol: Dict[str, Tuple[float, float]] = field(default_factory=dict)
    fd: bool = True                           # float64 gradient cells also check finite
    #                                           differences (False: MXNet's backward is not
    #                                           the derivative: loss heads, straight-through)
    values: bool = True                       # False: compare shape/dtype only (random ops)
    stat: Optional[Callable] = None           # stat(out_np, dtype, kwargs): asserts (random)
    raises: bool = False                      # MXNet raises here (an error case)
    extension: str = ""                       # MXNet raises, mxcompat deliberately succeeds
    note: str = ""                            # why MXNet differs from the NumPy reference etc.
    mx_crash: str = ""                        # MXNet crashes (or returns garbage) here: not
    #                                           recorded; mxcompat must raise MXNetError
    call: Optional[Callable] = None           # call(mx, arrays, args, kwargs) -> result
    full_samples: Sequence[tuple] = ()        # extra samples in the full run
    noncontig: bool = True                    # also run on sliced/strided inputs
    family: str = ""                          # filled in by the loader

    @property
    def id(self) -> str:
        return f"{self.op}[{self.variant}]"

    def n_inputs(self, sample: tuple) -> int:
        return len(sample)

    def input_spec(self, i: int) -> In:
        return self.inputs[i] if i < len(self.inputs) else In()

    def dtypes_for(self, device: str) -> Sequence[str]:
        if device == "cuda" and self.gpu_dtypes is not None:
            return self.gpu_dtypes
        return self.dtypes

    def all_samples(self, full: bool) -> list:
        return list(self.samples) + (list(self.full_samples) if full else [])

    def tolerance(self, dtype: str, grad: bool = False) -> Tuple[float, float]:
        if grad:
            return self.grad_tol.get(dtype) or GRAD_TOL.get(dtype) or DEFAULT_TOL[dtype]
        return self.tol.get(dtype, DEFAULT_TOL[dtype])


# ---------------------------------------------------------------------------------------
# deterministic inputs
def is_full() -> bool:
    """The larger sampled run (MXCOMPAT_MATRIX=full): all samples, more value draws."""
    return os.environ.get("MXCOMPAT_MATRIX", "").strip().lower() == "full"


#: value draws per sample: the default run uses draw 0 only
FULL_DRAWS = 3


def seed_of(case_id: str, dtype: str, sample: int, draw: int, what: str = "in") -> int:
    return zlib.crc32(f"{case_id}|{dtype}|{sample}|{draw}|{what}".encode())


def _kind(dtype: str) -> str:
    return "float" if dtype.startswith("float") else dtype if dtype in ("uint8", "int8",
                                                                         "bool") else "int"


def make_array(rng: np.random.Generator, shape: tuple, dtype: str, spec: In) -> np.ndarray:
    if spec.gen is not None:
        a = np.asarray(spec.gen(rng, shape, dtype))
        return a.astype(dtype, copy=False) if a.dtype != np.dtype(dtype) else a
    kind = _kind(dtype)
    lo, hi = spec.domain if spec.domain is not None else DEFAULT_DOMAIN[kind]
    u = rng.random(size=shape)  # float64 in [0, 1): the most version-stable NumPy stream
    if kind == "float":
        a = lo + u * (hi - lo)
        if spec.special and a.size:
            m = rng.random(size=shape)
            specials = np.array([np.nan, np.inf, -np.inf, 0.0, -0.0])
            pick = (rng.random(size=shape) * len(specials)).astype(np.int64)
            a = np.where(m < 0.3, specials[pick], a)
        return a.astype(dtype)
    a = np.floor(lo + u * (hi - lo + 1)).astype(np.int64)
    if dtype == "bool":
        return a.astype(bool)
    return a.astype(dtype)


def make_inputs(case: Case, dtype: str, sample_index: int, sample: tuple,
                draw: int = 0) -> list:
    """The NumPy inputs of one cell sample (same on every machine and NumPy version)."""
    rng = np.random.default_rng(seed_of(case.id, dtype, sample_index, draw))
    out = []
    for i, shape in enumerate(sample):
        spec = case.input_spec(i)
        out.append(make_array(rng, tuple(shape), spec.dtype or dtype, spec))
    return out


def make_head(case: Case, dtype: str, sample_index: int, draw: int, shape: tuple,
              k: int = 0) -> np.ndarray:
    """The head gradient of a gradient cell for output k (values in [0.5, 1.5))."""
    rng = np.random.default_rng(seed_of(case.id, dtype, sample_index, draw, f"head{k}"))
    return (0.5 + rng.random(size=shape)).astype(dtype)


def inputs_crc(arrays: Sequence[np.ndarray]) -> int:
    c = 0
    for a in arrays:
        a = np.ascontiguousarray(a)
        c = zlib.crc32(f"{a.dtype.str}{a.shape}".encode(), c)
        c = zlib.crc32(a.tobytes(), c)
    return c


def subst(v: Any, dtype: str, ctx: Any) -> Any:
    if v is DT:
        return dtype
    if v is CTX:
        return ctx
    if isinstance(v, tuple):
        return tuple(subst(x, dtype, ctx) for x in v)
    if isinstance(v, list):
        return [subst(x, dtype, ctx) for x in v]
    return v


def resolve(mx: Any, op: str) -> Callable:
    """The callable an op name means in module ``mx`` (mxnet or mxcompat)."""
    if op.startswith("NDArray."):
        meth = op[len("NDArray."):]
        return lambda *a, **k: getattr(a[0], meth)(*a[1:], **k)
    obj = mx.nd
    for part in op.split("."):
        obj = getattr(obj, part)
    return obj


def run_call(mx: Any, case: Case, arrays: list, dtype: str, ctx: Any) -> Any:
    """Call the case's op on NDArrays ``arrays`` (what both sides run)."""
    args = subst(case.args, dtype, ctx)
    kwargs = {k: subst(v, dtype, ctx) for k, v in case.kwargs.items()}
    if case.call is not None:
        return case.call(mx, arrays, args, kwargs)
    return resolve(mx, case.op)(*arrays, *args, **kwargs)


def grad_inputs(case: Case, sample: tuple, dtype: str) -> list:
    """Indices of the inputs gradient cells differentiate (float inputs of the cell dtype)."""
    if not dtype.startswith("float"):
        return []
    return [i for i in range(len(sample)) if case.input_spec(i).grad
            and (case.input_spec(i).dtype or dtype) == dtype]


def cell_key(case_id: str, dtype: str, sample: int, draw: int) -> str:
    return f"{case_id}|{dtype}|{sample}|{draw}"


def cell_id(case: Case, dtype: str, device: str, grad: bool = False) -> str:
    return f"{case.id}-{'grad-' if grad else ''}{dtype}-{device}"


def outputs(result: Any) -> Tuple[str, Any]:
    """Normalise an op's result: ("nd", [np arrays]) for an NDArray, ("nds", [...]) for a
    list/tuple of them, ("np", [array]) for a NumPy array, ("npscalar", value) for a NumPy
    scalar, ("py", value) for a plain Python value."""
    if hasattr(result, "asnumpy"):
        return "nd", [result.asnumpy()]
    if isinstance(result, (list, tuple)) and result and all(hasattr(r, "asnumpy")
                                                               for r in result):
        return "nds", [r.asnumpy() for r in result]
    if isinstance(result, np.ndarray):
        return "np", [result]
    if isinstance(result, np.generic):
        return "npscalar", result.item()
    return "py", result


def error_record(e: BaseException, mxnet_error_cls: Any) -> Dict[str, Any]:
    msg = [ln for ln in str(e).strip().splitlines() if ln.strip()]
    return {"type": type(e).__name__, "mxnet": isinstance(e, mxnet_error_cls),
            "message": (msg[-1] if msg else "")[:300]}
