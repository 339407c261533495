"""Array creation: array, zeros, ones, full, empty, arange, eye, linspace, *_like."""
from __future__ import annotations

import math
from typing import Any

import numpy as np
import torch

from .. import _dtypes
from .._state import STATE
from ..autograd import link
from ..base import MXNetError, MXNetTypeError, MXNetValueError, _Null
from ..context import _CPU0, Context
from ._op import NAMESPACES, Shape, register
from .ndarray import NDArray, _cast, _ctx_for, _default_ctx, _wrap

__all__ = ["array", "zeros", "ones", "full", "empty", "arange", "eye", "linspace",
           "zeros_like", "ones_like"]


def _place(t: torch.Tensor, ctx: Context) -> NDArray:
    if ctx is _CPU0 and t.is_cpu:  # the default context, nothing to move or record
        return _wrap(t, None)
    dev = ctx.torch_device
    if t.device != dev:
        t = t.to(dev)
    return _wrap(t, _ctx_for(ctx, dev))


def _shape(shape: Any, op: str) -> tuple:
    if type(shape) is tuple:  # fast path: a tuple of non-negative ints is the answer
        for d in shape:
            if type(d) is not int or d < 0:
                break
        else:
            return shape
    elif type(shape) is int and shape >= 0:
        return (shape,)
    if isinstance(shape, NDArray):
        raise MXNetTypeError(f"{op}: shape must be an int or a tuple of ints, not an NDArray")
    try:
        shp = Shape(shape, op, "shape")
    except MXNetError:
        raise MXNetValueError(f"{op}: Invalid Parameter format for shape expect Shape(tuple) "
                              f"but value={shape!r}") from None
    if any(d < 0 for d in shp):
        raise MXNetValueError(f"{op}: shape dim size must be >= 0, got shape={shape!r}")
    return shp


_EXACT = 2 ** 53  # Python ints up to here are exact in float64, as NumPy would hold them


def array(source_array: Any, ctx: Any = None, dtype: Any = None) -> NDArray:
    """Create an NDArray. The dtype defaults to float32 for every source except an NDArray,
    whose dtype is kept (MXNet's rule: lists of ints and NumPy int64/float64 become float32)."""
    c = _default_ctx(ctx)
    if type(source_array) is list and dtype is None and all(
            type(v) is float or (type(v) is int and -_EXACT <= v <= _EXACT)
            for v in source_array):
        # hot path: a flat list of Python numbers, converted straight to float32 (each
        # number rounds once, as NumPy's float64 -> float32 does)
        return _place(torch.tensor(source_array, dtype=torch.float32), c)
    if isinstance(source_array, NDArray):
        dt = source_array._t.dtype if dtype is None else _dtypes.to_torch(dtype, where="array")
        st = source_array._t.detach()
        return _place(_cast(st, dt) if dt != st.dtype else st.clone(), c)
    dt = _dtypes.to_torch(dtype, where="array")
    if isinstance(source_array, torch.Tensor):
        source_array = source_array.detach().cpu().numpy()
    try:
        if isinstance(source_array, np.ndarray):
            src = source_array
        else:
            if isinstance(source_array, (str, bytes)) or (
                    hasattr(source_array, "__next__") and not isinstance(source_array, range)):
                raise TypeError
            src = np.asarray(source_array)
        if src.dtype == object:
            if src.ndim == 0 and src[()] is None:
                src = np.asarray(np.nan)
            else:
                raise TypeError
        npt = _dtypes.TORCH_TO_NP[dt]
        if np.iscomplexobj(src):
            src = src.real
        if (src is not source_array and src.dtype.kind == "f"
                and np.dtype(npt).kind in "iu"):
            # MXNet builds a list's array with NumPy 1.23's np.array(list, dtype): each float
            # goes through a Python int (NaN, inf and values beyond int64 raise), then wraps
            # to the width (3e9 -> int32 -1294967296, where a C cast would give INT_MIN)
            if not np.isfinite(src).all() or bool((np.abs(src) >= 2.0 ** 63).any()):
                raise TypeError
            src = np.trunc(src).astype(np.int64)
        a = src.astype(npt) if src.dtype != npt else np.array(src, copy=True)
    except (TypeError, ValueError):
        raise MXNetTypeError("source_array must be array like object (a nested list of "
                             f"numbers, a NumPy array or an NDArray), got "
                             f"{type(source_array).__name__}") from None
    return _place(torch.from_numpy(np.require(a, requirements="C")), c)


def empty(shape: Any, ctx: Any = None, dtype: Any = None, stype: Any = None) -> NDArray:
    if stype not in (None, "default"):
        from .sparse import zeros as _sparse_zeros
        return _sparse_zeros(stype, shape, ctx=ctx, dtype=dtype)
    c = _default_ctx(ctx)
    dt = _dtypes.to_torch(dtype, where="empty")
    return _wrap(torch.empty(_shape(shape, "empty"), dtype=dt, device=c.torch_device),
                 _ctx_for(c, c.torch_device))


def _filled(op: str, shape: Any, ctx: Any, dtype: Any, value: Any,
            out: Any = None) -> NDArray:
    c = _default_ctx(ctx)
    dt = _dtypes.to_torch(dtype, where=op)
    shp = _shape(shape, op)
    if not dt.is_floating_point and dt != torch.bool:
        from ._rules import scalar_for
        value = scalar_for(value, dt)
    if out is not None:
        out._assign(torch.full(out._t.shape, value, dtype=out._t.dtype,
                               device=out._t.device))
        return out
    return _wrap(torch.full(shp, value, dtype=dt, device=c.torch_device),
                 _ctx_for(c, c.torch_device))


def zeros(shape: Any, ctx: Any = None, dtype: Any = None, stype: Any = None,
          **kwargs: Any) -> NDArray:
    if stype not in (None, "default"):
        from .sparse import zeros as _sparse_zeros
        return _sparse_zeros(stype, shape, ctx=ctx, dtype=dtype)
    return _filled("zeros", shape, ctx, dtype, 0)


def ones(shape: Any, ctx: Any = None, dtype: Any = None, **kwargs: Any) -> NDArray:
    return _filled("ones", shape, ctx, dtype, 1)


def full(shape: Any, val: Any, ctx: Any = None, dtype: Any = np.float32,
         out: Any = None) -> NDArray:
    return _filled("full", shape, ctx, dtype, float(val), out)


def zeros_like(data: Any = None, out: Any = None, name: Any = None, **kwargs: Any) -> NDArray:
    """Zeros of ``data``'s shape, dtype and context (a ``dtype=`` argument is ignored, as in
    MXNet). A sparse ``data`` gives an empty sparse array of its storage type."""
    if getattr(data, "_STYPE", None):
        return NAMESPACES["sparse"]["zeros_like"](data, out=out)
    r = _wrap(_like(torch.zeros_like, _nd(data, "zeros_like")._t), data._ctx)
    return _to_out(r, out)


def ones_like(data: Any = None, out: Any = None, name: Any = None, **kwargs: Any) -> NDArray:
    r = _wrap(_like(torch.ones_like, _nd(data, "ones_like")._t), data._ctx)
    return _to_out(r, out)


def _like(fn: Any, t: torch.Tensor) -> torch.Tensor:
    """zeros_like / ones_like: while recording, MXNet records the op (the input then gets a
    zero gradient through it)."""
    r = fn(t, requires_grad=False)
    return link(r, (t,)) if STATE.recording else r


def _nd(x: Any, op: str) -> NDArray:
    if not isinstance(x, NDArray):
        raise MXNetTypeError(f"{op}: data must be an NDArray, got {type(x).__name__}")
    return x


def _to_out(r: NDArray, out: Any) -> NDArray:
    if out is None:
        return r
    from ._op import finish
    return finish(r._t, r._ctx, out, "out")


def arange(start: Any, stop: Any = None, step: Any = 1.0, repeat: int = 1,
           infer_range: Any = None, ctx: Any = None, dtype: Any = np.float32) -> NDArray:
    """Evenly spaced values in [start, stop); each value repeated ``repeat`` times.

    As in MXNet: values are computed in the target dtype (``start + i * step``), an empty or
    backward range is an error, and a single argument is the stop."""
    if infer_range is not None:
        import warnings
        warnings.warn("`infer_range` argument has been deprecated", DeprecationWarning,
                      stacklevel=2)
    if stop is None:
        start, stop = 0, start
    c = _default_ctx(ctx)
    dt = _dtypes.to_torch(dtype, where="arange")
    start, stop, step = float(start), float(stop), float(step)
    if step == 0:
        raise MXNetValueError("arange: step must not be 0")
    if (step > 0 and not start < stop) or (step < 0 and not start > stop):
        raise MXNetValueError(f"arange: Invalid range (start, stop, step) = "
                              f"({_g(start)},{_g(stop)},{_g(step)})")
    if int(repeat) < 1:
        raise MXNetValueError(f"arange: repeat must be positive, got {repeat}")
    n = int(math.ceil((stop - start) / step))
    dev = c.torch_device
    if dt.is_floating_point:
        idx = torch.arange(n, dtype=dt, device=dev)
        t = idx * torch.tensor(step, dtype=dt) + torch.tensor(start, dtype=dt)
    else:
        idx = torch.arange(n, dtype=torch.int64, device=dev)
        t = (int(start) + idx * int(step)).to(dt)
    if int(repeat) > 1:
        t = t.repeat_interleave(int(repeat))
    return _wrap(t, _ctx_for(c, dev))


def _g(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else repr(x)


def linspace(start: Any, stop: Any, num: Any, endpoint: bool = True, ctx: Any = None,
             dtype: Any = np.float32) -> NDArray:
    c = _default_ctx(ctx)
    dt = _dtypes.to_torch(dtype, where="linspace")
    num = int(num)
    if num < 0:
        raise MXNetValueError(f"linspace: num must be non-negative, got {num}")
    start, stop = float(start), float(stop)
    div = (num - 1) if endpoint else num
    step = (stop - start) / div if div > 0 else 0.0
    i = torch.arange(num, dtype=torch.float64)
    t = start + i * step
    if endpoint and num > 1:
        t[-1] = stop
    return _place(_cast(t, dt) if not dt.is_floating_point else t.to(dt), c)


def eye(N: Any, M: Any = 0, k: Any = 0, ctx: Any = None, dtype: Any = None,
        **kwargs: Any) -> NDArray:
    c = _default_ctx(ctx)
    dt = _dtypes.to_torch(dtype, where="eye")
    n, m, k = int(N), int(M) or int(N), int(k)
    a = np.eye(n, m, k, dtype=_dtypes.TORCH_TO_NP[dt])
    return _place(torch.from_numpy(a), c)


def _publish() -> None:
    torch_names = {"array": "torch.tensor(..., dtype=torch.float32)", "zeros": "torch.zeros",
                   "ones": "torch.ones", "full": "torch.full", "empty": "torch.empty",
                   "arange": "torch.arange (+ repeat_interleave)", "eye": "torch.eye",
                   "linspace": "torch.linspace", "zeros_like": "torch.zeros_like",
                   "ones_like": "torch.ones_like"}
    g = globals()
    for name in __all__:
        g[name].__module__ = "mxcompat.ndarray"
        register(name, python=True, family="creation", torch=torch_names.get(name, ""),
                 inputs=("data",) if name.endswith("_like") else None)(g[name])


_publish()
_ = _Null
