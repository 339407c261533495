"""``mx.nd.contrib`` tensor ops and control flow (MXNet 1.9.1 semantics, torch kernels).

The element tests (isinf/isfinite/isnan), allclose, arange_like, index_copy, index_array,
quadratic, the straight-through estimators, gradientmultiplier, fft/ifft, count_sketch,
rand_zipfian, the imperative control flow (foreach, while_loop, cond) and the contrib aliases
(CTCLoss/ctc_loss, uniform, current_context). Names not defined here stay stubs.
"""
from __future__ import annotations

import math
from typing import Any, Callable, List, Optional, Tuple

import torch

from .. import _dtypes
from .._state import STATE
from ..autograd import link
from ..base import MXNetError, MXNetTypeError, MXNetValueError
from ..context import current_context  # noqa: F401  (mx.nd.contrib.current_context)
from . import _op, _rules
from . import nn as _nn
from ._op import Bool, Float, Int, register
from .elemwise import _round, _sign
from .ndarray import NDArray, _cast, _wrap
from .random import uniform  # noqa: F401  (mx.nd.contrib.uniform is mx.nd.random.uniform)

__all__ = ["rand_zipfian", "foreach", "while_loop", "cond", "isinf", "isfinite", "isnan"]

# module attributes MXNet's mx.nd.contrib exposes: listed in the op registry for the docs table
register("current_context", python=True, family="misc", ns="contrib",
         torch="mx.current_context() (a module attribute)")(current_context)
register("uniform", python=True, family="random", ns="contrib",
         torch="torch.rand (mx.nd.random.uniform)")(uniform)


class MXNetAssertionError(MXNetError, AssertionError):
    """Where MXNet's Python code fails an ``assert``: an MXNetError that is also an
    AssertionError."""


# ----------------------------------------------------------------------------------------
# helpers
def _no_bool(op: str, *ts: torch.Tensor) -> None:
    for t in ts:
        if t.dtype == torch.bool:
            raise _rules.bool_unsupported(op)


def _as_nd(x: Any, op: str, pname: str = "data") -> torch.Tensor:
    return _op.unwrap(x, op, pname)


# ----------------------------------------------------------------------------------------
# element tests: Python functions in MXNet (data.abs() == inf, data != data, ...)
#: the value C casts +inf to for each integer dtype (x86: the "integer indefinite" value,
#: truncated to the width of the type): MXNet's ``abs(x) == inf`` compares against it
_INF_AS = {torch.uint8: 0, torch.int8: 0, torch.int32: -2 ** 31, torch.int64: -2 ** 63}


def _isinf_t(x: torch.Tensor, op: str) -> torch.Tensor:
    if x.dtype == torch.bool:
        raise _rules.bool_unsupported(op)
    if x.is_floating_point():
        return torch.isinf(x)
    return torch.abs(x) == _INF_AS[x.dtype]


def _elem_test(op: str, data: Any, fn: Callable) -> NDArray:
    t = _as_nd(data, op)
    if t.dtype == torch.bool:
        raise MXNetTypeError(f"{op}: Operator does not support boolean type (MXNet's "
                             f"contrib.{op} rejects bool arrays)")
    with torch.no_grad():
        r = fn(t).to(t.dtype)
    if STATE.recording:
        r = link(r, (t,))  # MXNet records it: zero gradient to the input
    return _wrap(r, data._ctx)


def isinf(data: Any) -> NDArray:
    """1 where ``data`` is +-inf, else 0, in ``data``'s dtype (MXNet: ``abs(data) == inf``;
    on uint8/int8 arrays that is ``data == 0`` and on int32/int64 ``data == INT_MIN``, since C
    casts inf to those values)."""
    return _elem_test("isinf", data, lambda t: _isinf_t(t, "isinf"))


def isfinite(data: Any) -> NDArray:
    """1 where ``data`` is neither inf nor nan, else 0, in ``data``'s dtype (integer arrays:
    the complement of isinf's cast quirk)."""
    return _elem_test("isfinite", data,
                      lambda t: ~_isinf_t(t, "isfinite") & (t == t))  # noqa: PLR0124


def isnan(data: Any) -> NDArray:
    """1 where ``data`` is nan, else 0, in ``data``'s dtype."""
    return _elem_test("isnan", data, lambda t: t != t)  # noqa: PLR0124


for _n, _f, _eq in (("isinf", isinf, "torch.isinf"), ("isfinite", isfinite, "torch.isfinite"),
                    ("isnan", isnan, "torch.isnan")):
    _f.__module__ = "mxcompat.ndarray.contrib"
    register(_n, python=True, family="elemwise", ns="contrib", torch=f"{_eq}(x).to(x.dtype)",
             notes="output in the input dtype; bool rejected"
             + ("; uint8/int8: 0 counts as inf, int32/int64: INT_MIN"
                if _n != "isnan" else ""))(_f)


# ----------------------------------------------------------------------------------------
@register("allclose", params={"rtol": Float, "atol": Float, "equal_nan": Bool},
          family="elemwise", ns="contrib", torch="torch.allclose (one uint8 scalar)",
          notes="|a-b| <= atol + rtol*|b| (asymmetric) or a == b; 0-d uint8 output")
def allclose(a, b, rtol=1e-5, atol=1e-8, equal_nan=True):
    """1 (0-d uint8) when every element of ``a`` is close to ``b``'s."""
    op = "allclose"
    _no_bool(op, a, b)
    if tuple(a.shape) != tuple(b.shape):
        raise MXNetValueError(f"{op}: Incompatible attr in node at 1-th input: expected "
                              f"{tuple(a.shape)}, got {tuple(b.shape)} (a and b must have the "
                              "same shape)")
    if a.dtype != b.dtype:
        raise _rules.dtype_mismatch(op, a.dtype, b.dtype)
    if a.numel() == 0:
        raise MXNetValueError(f"{op}: zero-size input of shape {tuple(a.shape)} is not "
                              "supported (MXNet: shape inference fails)")
    with torch.no_grad():
        x, y = a.double(), b.double()
        tol = _rules.f32(atol) + _rules.f32(rtol) * y.abs()
        close = (x == y) | ((x - y).abs() <= tol)
        if a.is_floating_point():
            nan = torch.isnan(x) | torch.isnan(y)
            both = torch.isnan(x) & torch.isnan(y)
            close = torch.where(nan, both & bool(equal_nan), close)
        return close.all().to(torch.uint8)


# ----------------------------------------------------------------------------------------
def _int_scalar(v: float, wide64: bool) -> int:
    """C's double -> int conversion on x86 (out of range: the 'integer indefinite' value)."""
    bits = 64 if wide64 else 32
    if not math.isfinite(v) or v >= 2.0 ** (bits - 1) or v < -2.0 ** (bits - 1):
        return -2 ** (bits - 1)
    return int(v)


@register("arange_like", params={"start": Float, "step": Float, "repeat": Int, "ctx": _op.Str,
                                 "axis": _op.OptInt},
          family="creation", ns="contrib", torch="torch.arange(n) // repeat * step + start",
          notes="float16 and integer outputs truncate start/step to integers (MXNet's kernel); "
          "integers wrap")
def arange_like(data, start=0.0, step=1.0, repeat=1, ctx="", axis=None):
    """Evenly spaced values shaped like ``data`` (or like ``data.shape[axis]``)."""
    op = "arange_like"
    _no_bool(op, data)
    if data.dim() == 0:
        raise MXNetValueError(f"{op}: Check failed: ndim_is_known(this->ndim()): Shape is "
                              "unknown (0-d input)")
    if axis is not None:
        nd_ = data.dim()
        if not -nd_ <= axis < nd_:
            raise MXNetValueError(f"{op}: Check failed: real_axis >=0 && real_axis < ndim: "
                                  f"cannot handle param.axis {axis}.")
        shape: Tuple[int, ...] = (data.shape[axis],)
    else:
        shape = tuple(data.shape)
    if repeat == 0:
        raise MXNetValueError(f"{op}: repeat must not be 0 (MXNet divides by it: SIGFPE)")
    n = 1
    for s in shape:
        n *= s
    dev, dt = data.device, data.dtype
    i = torch.arange(n, device=dev, dtype=torch.int64)
    i = torch.div(i, repeat, rounding_mode="trunc")
    with torch.no_grad():
        if dt in (torch.float32, torch.float64):
            r = torch.tensor(start, dtype=dt, device=dev) + i.to(dt) * torch.tensor(
                step, dtype=dt, device=dev)
        else:
            wide = dt == torch.int64
            r = _int_scalar(start, wide) + i * _int_scalar(step, wide)
            r = r.to(torch.float64).to(dt) if dt == torch.float16 else _cast(r, dt)
    return r.reshape(shape)  # recorded with a zero gradient by the op wrapper


# ----------------------------------------------------------------------------------------
@register("index_copy", family="indexing", ns="contrib",
          torch="old.index_copy(0, index.long(), new)",
          notes="float indices truncate; a repeated index keeps the last row")
def index_copy(old_tensor, index_vector, new_tensor):
    """A copy of ``old_tensor`` with rows ``index_vector[i]`` replaced by ``new_tensor[i]``."""
    op = "index_copy"
    _no_bool(op, old_tensor, new_tensor, index_vector)
    if index_vector.dim() != 1:
        raise MXNetValueError(f"{op}: Check failed: index_vector.ndim() == 1 "
                              f"({index_vector.dim()} vs. 1): the index must be a vector")
    n_new = new_tensor.shape[0] if new_tensor.dim() else 0
    if new_tensor.dim() == 0 or index_vector.shape[0] != n_new:
        raise MXNetValueError(f"{op}: Check failed: index_vector.shape[0] == "
                              f"new_tensor.shape[0] ({index_vector.shape[0]} vs. {n_new})")
    if old_tensor.dim() != new_tensor.dim() or old_tensor.shape[1:] != new_tensor.shape[1:]:
        raise MXNetValueError(f"{op}: Check failed: old_tensor and new_tensor shapes differ "
                              f"beyond axis 0: {tuple(old_tensor.shape)} vs. "
                              f"{tuple(new_tensor.shape)}")
    if old_tensor.dtype != new_tensor.dtype:
        raise _rules.dtype_mismatch(op, old_tensor.dtype, new_tensor.dtype, 2)
    idx = index_vector.detach()
    # read as int32, as MXNet does: floats by C's cast (NaN/inf to INT_MIN), int64 wraps
    idx = (_cast(idx, torch.int32) if idx.is_floating_point() else idx.to(torch.int32)).long()
    n = old_tensor.shape[0]
    if idx.numel() and (int(idx.min()) < 0 or int(idx.max()) >= n):
        raise MXNetValueError(f"{op}: index out of range [0, {n}) in index_vector "
                              f"{idx.tolist()} (MXNet writes out of bounds here)")
    if old_tensor.requires_grad or new_tensor.requires_grad:
        return _IndexCopy.apply(old_tensor, new_tensor, idx)
    return _index_copy_fwd(old_tensor, new_tensor, idx)


def _index_copy_fwd(old: torch.Tensor, new: torch.Tensor, idx: torch.Tensor) -> torch.Tensor:
    later = torch.triu(idx[:, None] == idx[None, :], diagonal=1).any(1)
    if not bool(later.any()):
        return old.index_copy(0, idx, new)
    keep = ~later   # a repeated index keeps the last row (MXNet's sequential kernel)
    return old.index_copy(0, idx[keep], new[keep])


class _IndexCopy(torch.autograd.Function):
    """MXNet's backward: ``old`` gets the head with the copied rows zeroed; every row of
    ``new`` gets the head's row at its index (repeated indices included)."""

    @staticmethod
    def forward(ctx: Any, old: torch.Tensor, new: torch.Tensor,  # type: ignore[override]
                idx: torch.Tensor) -> torch.Tensor:
        ctx.save_for_backward(idx)
        return _index_copy_fwd(old, new, idx)

    @staticmethod
    def backward(ctx: Any, g: torch.Tensor) -> Any:  # type: ignore[override]
        (idx,) = ctx.saved_tensors
        g_old = g.index_fill(0, idx, 0)
        return g_old, g.index_select(0, idx), None


@register("index_array", params={"axes": _op.Any_}, family="indexing", ns="contrib",
          torch="torch.stack(torch.meshgrid(*map(torch.arange, shape)), -1)",
          notes="int64 output; axes are taken modulo ndim (as MXNet does)")
def index_array(data, axes=None):
    """The index of every element: shape ``data.shape + (len(axes),)``, int64."""
    op = "index_array"
    if data.dim() == 0:
        raise MXNetValueError(f"{op}: 0-d input is not supported (MXNet: shape inference "
                              "fails)")
    if data.numel() == 0:
        raise MXNetValueError(f"{op}: zero-size input of shape {tuple(data.shape)} is not "
                              "supported (MXNet: shape inference fails)")
    ndim = data.dim()
    if axes is None or (isinstance(axes, str) and axes.strip() in ("None", "")):
        ax = list(range(ndim))
    else:
        ax = [a % ndim for a in _op.Shape(axes, op, "axes")]
    grids = torch.meshgrid(*[torch.arange(s, device=data.device) for s in data.shape],
                           indexing="ij")
    if not ax:
        return torch.zeros(tuple(data.shape) + (0,), dtype=torch.int64, device=data.device)
    return torch.stack([grids[a] for a in ax], dim=-1)


# ----------------------------------------------------------------------------------------
@register("quadratic", params={"a": Float, "b": Float, "c": Float}, family="elemwise",
          ns="contrib", torch="a * x ** 2 + b * x + c",
          notes="integer inputs are computed in floating point and truncated (wrap)")
def quadratic(data, a=0.0, b=0.0, c=0.0):
    """``a * data**2 + b * data + c``, element-wise."""
    _no_bool("quadratic", data)
    a, b, c = _rules.f32(a), _rules.f32(b), _rules.f32(c)
    if data.is_floating_point():
        x = data.float() if data.dtype == torch.float16 else data
        r = a * x * x + b * x + c
        return r.to(data.dtype)
    with torch.no_grad():
        x = data.double()
        return _cast(a * x * x + b * x + c, data.dtype)


class _GradMul(torch.autograd.Function):
    @staticmethod
    def forward(ctx: Any, x: torch.Tensor, scalar: float) -> torch.Tensor:  # type: ignore[override]
        ctx.scalar = scalar
        return x.clone()

    @staticmethod
    def backward(ctx: Any, g: torch.Tensor) -> Any:  # type: ignore[override]
        return g * ctx.scalar, None


@register("gradientmultiplier", params={"scalar": Float, "is_int": Bool}, family="elemwise",
          ns="contrib", torch="custom autograd.Function: identity, grad * scalar",
          notes="identity forward; backward multiplies the gradient by scalar (is_int ignored)")
def gradientmultiplier(data, scalar=1.0, is_int=True):
    """Identity forward; the gradient is multiplied by ``scalar``."""
    if data.is_floating_point() and data.requires_grad:
        return _GradMul.apply(data, float(scalar))
    return data.clone()


@register("backward_gradientmultiplier", params={"scalar": Float, "is_int": Bool},
          family="elemwise", ns="contrib", torch="data * scalar",
          notes="MXNet's internal backward op: data * scalar with the scalar-op dtype rules "
          "(is_int=False on integer/bool data gives float64; bool with is_int gives int64)")
def backward_gradientmultiplier(data, scalar=1.0, is_int=True):
    """``data * scalar`` (the backward of gradientmultiplier, callable directly)."""
    if data.is_floating_point():
        return data * scalar
    if not is_int:
        return data.double() * scalar
    src = data.long() if data.dtype == torch.bool else data
    return _cast(src * _rules.scalar_for(scalar, src.dtype), src.dtype)


def _backward_only(name: str, n_inputs: int) -> Callable:
    def fn(out: Any = None, name_: Any = None, **kwargs: Any) -> Any:
        raise MXNetValueError(f"{name}: Check failed: num_inputs == infered_num_inputs (0 vs. "
                              f"{n_inputs}) : Operator _contrib_{name} expects {n_inputs} "
                              "inputs, but got 0 instead. (MXNet's generated signature takes "
                              "no arrays, so this internal op cannot be called)")
    fn.__name__ = fn.__qualname__ = name
    fn.__module__ = "mxcompat.ndarray"
    fn.__doc__ = (f"MXNet's internal {name}: its generated signature has no array inputs, "
                  "so every call raises, as in MXNet 1.9.1.")
    return register(name, python=True, family="contrib", ns="contrib",
                    notes="always raises, as in MXNet (no array inputs in its "
                    "signature)")(fn)


backward_quadratic = _backward_only("backward_quadratic", 2)
backward_index_copy = _backward_only("backward_index_copy", 4)
backward_hawkesll = _backward_only("backward_hawkesll", 10)


# ----------------------------------------------------------------------------------------
class _STE(torch.autograd.Function):
    @staticmethod
    def forward(ctx: Any, x: torch.Tensor, fwd: Callable) -> torch.Tensor:  # type: ignore[override]
        return fwd(x)

    @staticmethod
    def backward(ctx: Any, g: torch.Tensor) -> Any:  # type: ignore[override]
        return g, None


@register("round_ste", family="elemwise", ns="contrib",
          torch="x + (round(x) - x).detach()",
          notes="round half away from zero; gradient 1 (straight-through)")
def round_ste(data):
    """``round(data)`` forward, identity gradient."""
    _no_bool("round_ste", data)
    if not data.is_floating_point():
        return data.clone()
    if data.requires_grad:
        return _STE.apply(data, _round)
    return _round(data)


@register("sign_ste", family="elemwise", ns="contrib",
          torch="x + (sign(x) - x).detach()",
          notes="sign(nan) = 0; gradient 1 (straight-through)")
def sign_ste(data):
    """``sign(data)`` forward, identity gradient."""
    _no_bool("sign_ste", data)
    if data.is_floating_point() and data.requires_grad:
        return _STE.apply(data, _sign)
    return _sign(data)


# ----------------------------------------------------------------------------------------
def _check_fft_dtype(op: str, data: torch.Tensor) -> None:
    if not data.is_floating_point():
        raise MXNetTypeError(f"{op}: only floating point data is supported, got "
                             f"{_dtypes.name(data.dtype)}")


@register("fft", params={"compute_size": Int}, family="contrib", ns="contrib",
          torch="torch.view_as_real(torch.fft.fft(x)).flatten(-2)",
          notes="MXNet 1.9.1 runs it on GPU only; mxcompat on every device. Output "
          "interleaves [re0, im0, re1, im1, ...], unnormalised")
def fft(data, compute_size=128):
    """1-D FFT of real ``data`` of shape (N, d) or (N1, N2, N3, d) -> (..., 2d)."""
    op = "fft"
    _check_fft_dtype(op, data)
    if data.dim() not in (2, 4):
        raise MXNetValueError(f"{op}: data must be 2-D or 4-D, got shape {tuple(data.shape)}")
    if compute_size <= 0:
        raise MXNetValueError(f"{op}: compute_size must be positive, got {compute_size}")
    x = data.float() if data.dtype == torch.float16 else data
    z = torch.fft.fft(x, dim=-1)
    r = torch.view_as_real(z).reshape(tuple(data.shape[:-1]) + (2 * data.shape[-1],))
    return r.to(data.dtype)


@register("ifft", params={"compute_size": Int}, family="contrib", ns="contrib",
          torch="d * torch.fft.ifft(torch.view_as_complex(x)).real",
          notes="MXNet 1.9.1 runs it on GPU only; mxcompat on every device. Input interleaves "
          "[re, im]; output is the real part, NOT divided by d (as MXNet/cuFFT)")
def ifft(data, compute_size=128):
    """Inverse 1-D FFT of interleaved complex ``data`` (..., 2d) -> real part (..., d),
    unnormalised."""
    op = "ifft"
    _check_fft_dtype(op, data)
    if data.dim() not in (2, 4):
        raise MXNetValueError(f"{op}: data must be 2-D or 4-D, got shape {tuple(data.shape)}")
    if compute_size <= 0:
        raise MXNetValueError(f"{op}: compute_size must be positive, got {compute_size}")
    d = data.shape[-1] // 2
    x = data.float() if data.dtype == torch.float16 else data
    x = x[..., :2 * d].reshape(tuple(data.shape[:-1]) + (d, 2))
    z = torch.view_as_complex(x.contiguous())
    r = torch.fft.ifft(z, dim=-1, norm="forward").real
    return r.to(data.dtype)


@register("count_sketch", params={"out_dim": Int, "processing_batch_size": Int},
          family="contrib", ns="contrib",
          torch="torch.zeros(N, out_dim).index_add_(1, h, data * s)",
          notes="MXNet 1.9.1 runs it on GPU only; mxcompat on every device")
def count_sketch(data, h, s, out_dim, processing_batch_size=32):
    """out[n, h[i]] += data[n, i] * s[i] for data (N, d) or (N1, N2, N3, d)."""
    op = "count_sketch"
    if data.dim() not in (2, 4):
        raise MXNetValueError(f"{op}: Data should be 2D or 4D!, got shape "
                              f"{tuple(data.shape)}")
    _check_fft_dtype(op, data)
    d = data.shape[-1]
    for nm, t in (("h", h), ("s", s)):
        if t.dtype != data.dtype:
            raise _rules.dtype_mismatch(op, data.dtype, t.dtype, 1 if nm == "h" else 2)
        if t.dim() != 2 or t.shape[1] != d:
            raise MXNetValueError(f"{op}: {nm.upper()} should be 2D tensor with same length as "
                                  f"input shape[{data.dim() - 1}], {tuple(t.shape)} v.s. {d}")
    if out_dim <= 0:
        raise MXNetValueError(f"{op}: out_dim must be positive, got {out_dim}")
    hh = h.detach().reshape(-1)[:d].long()
    if hh.numel() and (int(hh.min()) < 0 or int(hh.max()) >= out_dim):
        raise MXNetValueError(f"{op}: h values must be in [0, {out_dim})")
    ss = s.detach().reshape(-1)[:d]
    x2 = data.reshape(-1, d)
    out = torch.zeros((x2.shape[0], out_dim), dtype=data.dtype, device=data.device)
    out = out.index_add(1, hh, x2 * ss)
    return out.reshape(tuple(data.shape[:-1]) + (out_dim,))


# ----------------------------------------------------------------------------------------
def rand_zipfian(true_classes: Any, num_sampled: int, range_max: int,
                 ctx: Any = None) -> Tuple[NDArray, NDArray, NDArray]:
    """Sample ``num_sampled`` classes in [0, range_max) from the approximately log-uniform
    (Zipfian) distribution; returns (samples int64, expected count of true classes float64,
    expected count of the samples float64)."""
    from . import random as _random
    if not isinstance(true_classes, NDArray):
        raise MXNetTypeError("rand_zipfian: true_classes must be an NDArray, got "
                             f"{type(true_classes).__name__}")
    if ctx is None:
        ctx = current_context()
    log_range = math.log(range_max + 1)
    rnd = _random.uniform(0, log_range, shape=(num_sampled,), dtype="float64", ctx=ctx)
    sampled = (rnd.exp() - 1).astype("int64") % range_max
    tc = true_classes.as_in_context(ctx).astype("float64")
    exp_true = ((tc + 2.0) / (tc + 1.0)).log() / log_range * num_sampled
    sf = sampled.astype("float64")
    exp_sampled = ((sf + 2.0) / (sf + 1.0)).log() / log_range * num_sampled
    return sampled, exp_true, exp_sampled


# ----------------------------------------------------------------------------------------
# imperative control flow (MXNet runs these eagerly in mx.nd; autograd records the body ops)
def _flatten(args: Any, what: str) -> Tuple[List[NDArray], Any]:
    if isinstance(args, NDArray):
        return [args], 0
    if not isinstance(args, (list, tuple)):
        raise MXNetAssertionError(f"{what} must be (nested) list of NDArray, but got "
                                  f"{args!s} of type {type(args)}")
    flat: List[NDArray] = []
    fmts = []
    for a in args:
        f, fmt = _flatten(a, what)
        flat.extend(f)
        fmts.append(fmt)
    return flat, fmts


def _regroup(args: List[Any], fmt: Any) -> Tuple[Any, List[Any]]:
    if isinstance(fmt, int):
        if fmt == 0:
            return args[0], args[1:]
        return args[:fmt], args[fmt:]
    ret = []
    for f in fmt:
        res, args = _regroup(args, f)
        ret.append(res)
    return ret, args


def _scalar(x: Any, typ: type, what: str) -> Any:
    if isinstance(x, NDArray) or hasattr(x, "asscalar"):
        x = x.asscalar()
    try:
        return typ(x)
    except Exception:  # noqa: BLE001 - MXNet: any failure is this ValueError
        raise MXNetValueError(f"Cannot convert {what} to python {typ.__name__}") from None


def foreach(body: Callable, data: Any, init_states: Any, name: Any = None) -> Tuple[Any, Any]:
    """Run ``out, states = body(data[i], states)`` over axis 0 of ``data``; returns the
    stacked outputs and the last states (MXNet's imperative ``contrib.foreach``)."""
    from . import shape as _shape
    flat, _ = _flatten(data, "foreach input")
    if not all(isinstance(x, NDArray) for x in flat):
        raise MXNetAssertionError("data should be an NDArray or a nested list of NDArrays")
    flat, _ = _flatten(init_states, "foreach states")
    if not all(isinstance(x, NDArray) for x in flat):
        raise MXNetAssertionError("init_states should be an NDArray or a nested list of "
                                  "NDArrays")
    single = isinstance(data, NDArray)
    n = data.shape[0] if single else data[0].shape[0]
    states = init_states
    outputs: List[List[NDArray]] = []
    out_fmt: Any = None
    for i in range(n):
        eles = data[i] if single else [d[i] for d in data]
        outs, states = body(eles, states)
        outs, out_fmt = _flatten(outs, "foreach output")
        outputs.append(outs)
    stacked = [_shape.stack(*o) for o in zip(*outputs)]
    if out_fmt is None:
        return stacked, states
    res, _ = _regroup(stacked, out_fmt)
    return res, states


def while_loop(cond: Callable, func: Callable, loop_vars: Any,
               max_iterations: Optional[int] = None) -> Tuple[Any, Any]:
    """Run ``step_output, loop_vars = func(*loop_vars)`` while ``cond(*loop_vars)`` holds, at
    most ``max_iterations`` times. Outputs are stacked on a new axis 0 of length
    ``max_iterations`` (the rows after the last step are uninitialised, as in MXNet)."""
    from . import creation as _creation
    from . import shape as _shape
    if max_iterations is None:
        raise MXNetValueError("max_iterations should be specified")
    max_iterations = _scalar(max_iterations, int, "max_iteration")
    if len(loop_vars) == 0:
        raise MXNetValueError("loop_vars should contain at least one element")
    single = isinstance(loop_vars, NDArray)
    lv = [loop_vars] if single else list(loop_vars)
    steps = 0
    outputs: List[List[NDArray]] = []
    out_fmt: Any = None
    while steps < max_iterations and _scalar(cond(*lv), bool, "Return value of cond"):
        step_output, new_vars = func(*lv)
        if step_output is None:
            step_output = []
        if new_vars is None:
            new_vars = []
        if isinstance(step_output, tuple):
            step_output = list(step_output)
        if isinstance(new_vars, tuple):
            new_vars = list(new_vars)
        if not isinstance(new_vars, list):
            new_vars = [new_vars]
        if len(lv) != len(new_vars):
            raise MXNetValueError("The length of loop_vars should be consistent during the "
                                  "loop")
        lv = new_vars
        flat, out_fmt = _flatten(step_output, "while output")
        outputs.append(flat)
        steps += 1
        if len(flat) != len(outputs[0]):
            raise MXNetValueError("Number of elements in step_output should be the same in "
                                  "each step")
    stacked = []
    for k, step_items in enumerate(zip(*outputs), 1):
        items = [x.expand_dims(0) for x in step_items]
        if steps != max_iterations and items:
            pad = _creation.empty(shape=(max_iterations - steps,) + tuple(items[0].shape[1:]),
                                  ctx=items[0].context, dtype=items[0].dtype)
            items = items + [pad]
        try:
            stacked.append(_shape.concat(*items, dim=0))
        except MXNetError:
            raise MXNetValueError("\n".join(
                [f"Shapes of {k}-th elements in step_outputs are inconsistent, which are:"]
                + [f"  Step {i}, shape is {x.shape}" for i, x in enumerate(items)])) from None
    res: Any = stacked
    if out_fmt is not None:
        res, _ = _regroup(stacked, out_fmt)
    return res, (lv[0] if single else lv)


def cond(pred: Any, then_func: Callable, else_func: Callable) -> Any:
    """``then_func()`` if ``pred`` (a scalar NDArray) is non-zero, else ``else_func()``."""
    return then_func() if _scalar(pred, bool, "pred") else else_func()


_fn: Any
for _n, _fn in (("rand_zipfian", rand_zipfian), ("foreach", foreach),
               ("while_loop", while_loop), ("cond", cond)):
    _fn.__module__ = "mxcompat.ndarray.contrib"
    register(_n, python=True, family="random" if _n == "rand_zipfian" else "control_flow",
             ns="contrib", torch="Python loop over the body" if _n != "rand_zipfian"
             else "exp(uniform(0, log(range_max + 1))) - 1",
             notes="runs eagerly; autograd records the body's ops" if _n != "rand_zipfian"
             else "")(_fn)


# ----------------------------------------------------------------------------------------
# aliases MXNet publishes in mx.nd.contrib
for _n in ("CTCLoss", "ctc_loss"):
    _op.publish_alias("contrib", _n, _nn.CTCLoss, notes="the same function as mx.nd.CTCLoss")



# ----------------------------------------------------------------------------------------
# hawkesll: log likelihood of K independent univariate Hawkes processes per sample
_HAWKES_IN = ("lda", "alpha", "beta", "state", "lags", "marks", "valid_length", "max_time")


def _f32_math(fn: Callable, x: torch.Tensor) -> torch.Tensor:
    """MXNet's kernel calls expf/logf for every dtype: float64 values go through float."""
    if x.dtype == torch.float64:
        return fn(x.float()).double()
    return fn(x)


def _put(buf: torch.Tensor, at: tuple, new: torch.Tensor, valid: torch.Tensor) -> torch.Tensor:
    buf = buf.clone()
    buf[at] = new[valid]
    return buf


def _hawkes_run(mu: torch.Tensor, alpha: torch.Tensor, beta: torch.Tensor,
                state: torch.Tensor, lags: torch.Tensor, marks: torch.Tensor,
                vl: torch.Tensor, mt: torch.Tensor) -> Tuple[torch.Tensor, ...]:
    """MXNet's forward kernel and, in the same pass, the per-sample partial derivatives of
    the log likelihood w.r.t. mu, alpha and beta (its backward kernel)."""
    n, k = mu.shape
    T = lags.shape[1]
    dev, dt = mu.device, mu.dtype
    ar = torch.arange(n, device=dev)
    last = torch.zeros(n, k, dtype=dt, device=dev)
    st = state.clone()
    dst = torch.zeros_like(st)
    gmu, gal, gbe = torch.zeros_like(st), torch.zeros_like(st), torch.zeros_like(st)
    ll = torch.zeros(n, dtype=dt, device=dev)
    t = torch.zeros(n, dtype=dt, device=dev)
    for j in range(T):
        valid = j < vl
        if not bool(valid.any()):
            break
        ci = torch.where(valid, marks[:, j].long(), 0)
        t = torch.where(valid, t + lags[:, j], t)
        d = t - last[ar, ci]
        b, a, m, s, ds = beta[ci], alpha[ci], mu[ar, ci], st[ar, ci], dst[ar, ci]
        ed = _f32_math(torch.exp, -b * d)
        lda = m + a * b * s * ed
        comp = m * d + a * s * (1 - ed)
        ll = ll + torch.where(valid, _f32_math(torch.log, lda) - comp, 0)

        at = (ar[valid], ci[valid])
        gmu = _put(gmu, at, gmu[ar, ci] + 1 / lda - d, valid)
        gal = _put(gal, at, gal[ar, ci] + b * s * ed / lda - s * (1 - ed), valid)
        gbe = _put(gbe, at, gbe[ar, ci] + a * ed * (s * (1 - b * d) + b * ds) / lda
                   - a * (ds * (1 - ed) + s * d * ed), valid)
        dst = _put(dst, at, ed * (-d * s + ds), valid)
        st = _put(st, at, 1 + s * ed, valid)
        last = _put(last, at, t, valid)
    d = mt[:, None] - last
    ed = _f32_math(torch.exp, -beta[None, :] * d)
    ll = ll - (mu * d + alpha[None, :] * st * (1 - ed)).sum(1)
    gmu = gmu - d
    gal = gal - st * (1 - ed)
    gbe = gbe - alpha[None, :] * (dst * (1 - ed) + st * d * ed)
    return ll, ed * st, gmu, gal, gbe


class _HawkesLL(torch.autograd.Function):
    """MXNet's backward: only the log likelihood's head gradient is used (the new state's is
    ignored); the state input gets a zero gradient; lags/marks/valid_length/max_time cannot
    be differentiated (MXNet fails a check)."""

    @staticmethod
    def forward(ctx: Any, mu: torch.Tensor, alpha: torch.Tensor,  # type: ignore[override]
                beta: torch.Tensor, state: torch.Tensor, lags: torch.Tensor,
                marks: torch.Tensor, vl: torch.Tensor, mt: torch.Tensor) -> Any:
        ll, st, gmu, gal, gbe = _hawkes_run(mu, alpha, beta, state, lags, marks, vl, mt)
        ctx.save_for_backward(gmu, gal, gbe)
        ctx.state_shape = state.shape
        return ll, st

    @staticmethod
    def backward(ctx: Any, g_ll: torch.Tensor, g_st: torch.Tensor) -> Any:  # type: ignore[override]
        if any(ctx.needs_input_grad[4:]):
            raise MXNetError("hawkesll: Check failed: req[kIATimes] == kNullOp: gradients "
                             "w.r.t. lags, marks, valid_length and max_time are not "
                             "supported")
        gmu, gal, gbe = ctx.saved_tensors
        w = g_ll[:, None]
        return (w * gmu, (w * gal).sum(0), (w * gbe).sum(0),
                torch.zeros(ctx.state_shape, dtype=gmu.dtype, device=gmu.device),
                None, None, None, None)


@register("hawkesll", outputs=("output", "out_state"),
          family="contrib", ns="contrib",
          torch="a loop over the sequence (exp/log in float as MXNet's kernel)",
          notes="outputs [loglik (N,), new state (N, K)]; marks int32, the rest lda's float "
          "dtype; valid_length counts points j < valid_length; gradients w.r.t. lda/alpha/beta "
          "from the loglik head only (MXNet's backward); integer dtypes not supported")
def hawkesll(lda, alpha, beta, state, lags, marks, valid_length, max_time):
    """Log likelihood of K univariate Hawkes processes per sample observed on (0, max_time],
    and the processes' state at max_time."""
    op = "hawkesll"
    ins = (lda, alpha, beta, state, lags, marks, valid_length, max_time)
    ndims = (2, 1, 1, 2, 2, 2, 1, 1)
    for x, nm, nd_ in zip(ins, _HAWKES_IN, ndims):
        if x.dim() != nd_:
            raise MXNetValueError(f"{op}: Check failed: {nm}.ndim() == {nd_} ({x.dim()} vs. "
                                  f"{nd_})")
    n, T = lags.shape
    k = lda.shape[1]
    checks = ((lda.shape[0], n, "lda.shape[0]", "N"),
              (alpha.shape[0], k, "alpha.shape[0]", "K"),
              (beta.shape[0], k, "beta.shape[0]", "K"),
              (state.shape[0], n, "state.shape[0]", "N"),
              (state.shape[1], k, "state.shape[1]", "K"),
              (marks.shape[0], n, "marks.shape[0]", "N"),
              (marks.shape[1], T, "marks.shape[1]", "T"),
              (valid_length.shape[0], n, "valid_length.shape[0]", "N"),
              (max_time.shape[0], n, "max_time.shape[0]", "N"))
    for got, want, what, sym in checks:
        if got != want:
            raise MXNetValueError(f"{op}: Check failed: {what} == {sym} ({got} vs. {want})")
    dt = lda.dtype
    if marks.dtype != torch.int32:
        raise MXNetTypeError(f"{op}: Type inconsistent, Provided = "
                             f"{_dtypes.name(marks.dtype)}, inferred type = int32 (marks must "
                             "be int32)")
    for x, nm in zip(ins, _HAWKES_IN):
        if nm != "marks" and x.dtype != dt:
            raise MXNetTypeError(f"{op}: Type inconsistent, Provided = "
                                 f"{_dtypes.name(x.dtype)}, inferred type = {_dtypes.name(dt)} "
                                 f"('{nm}' must have lda's dtype)")
    if not dt.is_floating_point:
        raise MXNetTypeError(f"{op}: {_dtypes.name(dt)} inputs are not supported by mxcompat "
                             "(MXNet runs its float kernel in integer arithmetic, truncating "
                             "every exp/log)")
    if n == 0 or k == 0:
        raise MXNetValueError(f"{op}: zero-size inputs are not supported (MXNet: shape "
                              "inference fails)")
    cnt = torch.clamp(torch.ceil(valid_length.detach().double()), 0, T).long()
    if T:
        pos = torch.arange(T, device=marks.device)[None, :] < cnt[:, None]
        mv = marks[pos]
        if mv.numel() and (int(mv.min()) < 0 or int(mv.max()) >= k):
            raise MXNetValueError(f"{op}: a valid mark is outside [0, {k}) (MXNet reads out of "
                                  "bounds here)")
    work = torch.float32 if dt == torch.float16 else dt
    args = [x.to(work) if x.dtype != torch.int32 and x.dtype != work else x for x in ins]
    if any(x.requires_grad for x in ins):
        ll, st = _HawkesLL.apply(*args)
    else:
        with torch.no_grad():
            ll, st = _hawkes_run(*args)[:2]
    return [ll.to(dt), st.to(dt)]
