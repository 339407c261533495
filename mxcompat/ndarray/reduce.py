"""Reductions with MXNet's rules: ``axis`` (int, tuple, ``()`` or None = all), ``keepdims``,
``exclude`` (reduce every axis *except* those listed); a full reduction gives shape ``(1,)``;
the result keeps the input dtype (integer ``mean`` divides with truncation, uint8 sums wrap)."""
from __future__ import annotations

from typing import Any, Callable, Optional, Tuple

import builtins as _builtins

import torch

from ..base import MXNetError, MXNetTypeError, MXNetValueError
from . import _rules
from ._op import Axis, Bool, Int, OptDtype, OptInt, register

_bmax = _builtins.max

__all__ = ["reduce_axes", "reduction", "sum", "mean", "prod", "max", "min", "nansum", "nanprod",
           "argmax", "argmin", "argmax_channel", "norm", "moments", "cumsum"]


def reduce_axes(ndim: int, axis: Any, exclude: bool, op: str,
                shape: Optional[tuple] = None) -> Tuple[int, ...]:
    """The sorted, non-negative axes a reduction runs over (MXNet's checks: no duplicates,
    every axis in [-ndim, ndim))."""
    if axis is None or axis == ():
        return tuple(range(ndim))
    raw = (axis,) if isinstance(axis, int) else tuple(axis)
    out = []
    for a in raw:
        b = a + ndim if a < 0 else a
        if not 0 <= b < _bmax(ndim, 1):
            dims = list(shape) if shape is not None else f"of a {ndim}-d input"
            raise MXNetError(f"{op}: Reduction axis {a} Exceeds input dimensions {dims}")
        out.append(b)
    axes = tuple(sorted(out))
    if len(set(axes)) != len(axes):
        raise MXNetError(f"{op}: Reduction axes have duplicates {list(axes)}")
    if exclude:
        axes = tuple(i for i in range(ndim) if i not in axes)
    return axes


def _finish_shape(r: torch.Tensor, x: torch.Tensor, axes: Tuple[int, ...],
                  keepdims: bool) -> torch.Tensor:
    if keepdims:
        shape = [1 if i in axes else d for i, d in enumerate(x.shape)]
        if not shape:
            shape = [1]
        return r.reshape(shape)
    if r.dim() == 0:
        return r.reshape(1)
    return r


def reduction(name: str, kernel: Callable, torch_name: str, aliases: tuple = (),
              notes: str = "", full: Optional[Callable] = None,
              one_axis: Optional[Callable] = None) -> Callable:
    """Register ``name(data, axis=None, keepdims=False, exclude=False)``.

    ``kernel(x, axes)`` reduces tensor ``x`` over the tuple ``axes`` (never empty unless the
    input is 0-d) and returns a tensor of ``x``'s dtype without the reduced dims. Optional
    torch shortcuts for floating inputs, where they give the kernel's result: ``full(x)``
    for a full reduction, ``one_axis(x, axis, keepdim=...)`` for one axis.
    """
    def impl(data: torch.Tensor, axis: Optional[Any] = None, keepdims: bool = False,
             exclude: bool = False) -> torch.Tensor:
        if axis is None and not keepdims and not exclude and data.dim():
            # fast path for the common full reduction x.sum(): no axis bookkeeping
            if full is not None and data.is_floating_point():
                # a 1-d input (a batch of losses) reduces straight to shape (1,)
                return full(data, 0, keepdim=True) if data.dim() == 1 else \
                    full(data).reshape(1)
            return kernel(data, tuple(range(data.dim()))).reshape(1)
        if type(axis) is int and not exclude:
            # fast path for one valid axis (x.sum(axis=1, keepdims=True) in a loss)
            nd_ = data.dim()
            a = axis + nd_ if axis < 0 else axis
            if 0 <= a < nd_:
                if one_axis is not None and data.is_floating_point():
                    return one_axis(data, a, keepdim=keepdims) if nd_ > 1 or keepdims \
                        else one_axis(data, a).reshape(1)
                r = kernel(data, (a,))
                if keepdims:
                    return r.unsqueeze(a)
                return r if r.dim() else r.reshape(1)
        axes = reduce_axes(data.dim(), axis, exclude, name, tuple(data.shape))
        if data.dim() == 0:
            r = kernel(data.reshape(1), (0,))
        elif not axes:
            r = data.clone()
        else:
            r = kernel(data, axes)
        return _finish_shape(r, data, axes, keepdims)
    impl.__name__ = name
    return register(name, params={"axis": Axis, "keepdims": Bool, "exclude": Bool},
                    family="reduce", aliases=aliases, torch=torch_name, notes=notes)(impl)


def _sum(x: torch.Tensor, axes: tuple) -> torch.Tensor:
    if x.dtype == torch.bool:  # MXNet sums bools in bool: any
        return torch.any(x, dim=axes) if len(axes) == 1 else x.any() if len(axes) == x.dim() \
            else x.to(torch.uint8).amax(dim=axes).to(torch.bool)
    # dtype= keeps integer sums in the input dtype (wrapping like MXNet); torch would promote
    # them to int64. float16 sums accumulate in float32 in both torch and MXNet.
    return torch.sum(x, dim=axes, dtype=x.dtype)


def _mean(x: torch.Tensor, axes: tuple) -> torch.Tensor:
    if x.is_floating_point():
        return torch.mean(x, dim=axes)
    if x.dtype == torch.bool:
        return _sum(x, axes)
    n = 1
    for a in axes:
        n *= x.shape[a]
    s = torch.sum(x, dim=axes, dtype=x.dtype)
    return torch.div(s, n, rounding_mode="trunc") if n else s


def _prod(x: torch.Tensor, axes: tuple) -> torch.Tensor:
    if x.dtype == torch.bool:
        return x.to(torch.uint8).amin(dim=axes).to(torch.bool) if x.numel() else \
            torch.ones(_kept(x, axes), dtype=torch.bool, device=x.device)
    r = x
    for a in sorted(axes, reverse=True):
        r = torch.prod(r, dim=a, dtype=x.dtype)
    return r


def _kept(x: torch.Tensor, axes: tuple) -> list:
    return [d for i, d in enumerate(x.shape) if i not in axes]


class _TiedExtreme(torch.autograd.Function):
    """max/min whose gradient goes in full to every element equal to the result, as in
    MXNet (torch.amax/amin split it evenly between ties)."""

    @staticmethod
    def forward(ctx: Any, x: torch.Tensor, axes: tuple, is_max: bool,
                keepdim: bool) -> torch.Tensor:
        r = torch.amax(x, dim=axes, keepdim=True) if is_max else \
            torch.amin(x, dim=axes, keepdim=True)
        ctx.save_for_backward(x, r)
        return r if keepdim else r.squeeze(axes)

    @staticmethod
    def backward(ctx: Any, grad: torch.Tensor) -> Any:
        x, r = ctx.saved_tensors
        return grad.reshape(r.shape) * (x == r), None, None, None


def _extreme(x: torch.Tensor, axes: tuple, is_max: bool, op: str,
             keepdim: bool = False) -> torch.Tensor:
    if x.numel() == 0:
        raise MXNetError(f"{op}: cannot reduce an empty array (no identity)")
    if x.dtype == torch.bool:
        u = x.to(torch.uint8)
        r = torch.amax(u, dim=axes, keepdim=keepdim) if is_max else \
            torch.amin(u, dim=axes, keepdim=keepdim)
        return r.to(torch.bool)
    if x.requires_grad and torch.is_grad_enabled():  # recording (else no graph is built)
        n = 1  # elements per group
        for a in axes:
            n *= x.shape[a]
        if n > 1 and not x.is_cuda:
            # No tie and no NaN in any group (the usual case): torch's own gradient, which
            # splits between ties, is then MXNet's, and much cheaper in backward than the
            # Python Function. The check: every group has exactly n - 1 elements strictly
            # beyond its extreme (a tie or a NaN, which compares false, leaves fewer). On a
            # GPU the check would cost a synchronisation.
            if is_max:
                rk = torch.amax(x, dim=axes, keepdim=True)
                beyond = torch.count_nonzero(x < rk)
            else:
                rk = torch.amin(x, dim=axes, keepdim=True)
                beyond = torch.count_nonzero(x > rk)
            if beyond.item() == rk.numel() * (n - 1):
                return rk if keepdim else rk.squeeze(axes)
        return _TiedExtreme.apply(x, axes, is_max, keepdim)
    return torch.amax(x, dim=axes, keepdim=keepdim) if is_max else \
        torch.amin(x, dim=axes, keepdim=keepdim)


def _amax(x: torch.Tensor, axes: tuple) -> torch.Tensor:
    return _extreme(x, axes, True, "max")


def _amin(x: torch.Tensor, axes: tuple) -> torch.Tensor:
    return _extreme(x, axes, False, "min")


def _amax_axis(x: torch.Tensor, a: int, keepdim: bool = False) -> torch.Tensor:
    return _extreme(x, (a,), True, "max", keepdim)


def _amin_axis(x: torch.Tensor, a: int, keepdim: bool = False) -> torch.Tensor:
    return _extreme(x, (a,), False, "min", keepdim)


def _nan_to(x: torch.Tensor, v: float) -> torch.Tensor:
    return torch.where(torch.isnan(x), torch.full_like(x, v), x) \
        if x.is_floating_point() else x


def _to_last(x: torch.Tensor, axes: tuple) -> torch.Tensor:
    """``x`` with the reduced axes moved to the end and flattened into one (row-major order,
    the order MXNet's reduction kernels visit them)."""
    keep = [i for i in range(x.dim()) if i not in axes]
    y = x.permute(keep + list(axes)) if keep or list(axes) != list(range(x.dim())) else x
    return y.reshape([x.shape[i] for i in keep] + [-1])


def _nansum(x: torch.Tensor, axes: tuple) -> torch.Tensor:
    """MXNet's nansum skips NaN and sums with Kahan compensation, so once an infinity has
    been added, any later non-NaN value turns the result into NaN ([inf, 1] -> nan,
    [1, inf] -> inf). torch.nansum would give inf for both."""
    if not x.is_floating_point():
        return _sum(x, axes)
    r = _sum(_nan_to(x, 0.0), axes)
    if not bool(torch.isinf(r).any()):
        return r
    f = _to_last(x.detach(), axes)
    valid = ~torch.isnan(f)
    inf = torch.isinf(f).to(torch.int32)
    before = torch.cumsum(inf, dim=-1) - inf      # infinities strictly before each element
    poisoned = (valid & (before > 0)).any(dim=-1)
    return torch.where(poisoned, torch.full_like(r, float("nan")), r)


sum = reduction("sum", _sum, "torch.sum (result dtype = input dtype)", aliases=("sum_axis",),
                full=torch.sum, one_axis=torch.sum)
mean = reduction("mean", _mean, "torch.mean (integer inputs: truncating division)",
                 full=torch.mean, one_axis=torch.mean)
prod = reduction("prod", _prod, "torch.prod")
max = reduction("max", _amax, "torch.amax", aliases=("max_axis",), one_axis=_amax_axis)
min = reduction("min", _amin, "torch.amin", aliases=("min_axis",), one_axis=_amin_axis)
nansum = reduction("nansum", _nansum, "torch.nansum",
                   notes="Kahan summation as MXNet: a non-NaN value after an infinity gives NaN")
nanprod = reduction("nanprod", lambda x, a: _prod(_nan_to(x, 1.0), a), "torch.prod of "
                    "nan_to_num(x, nan=1)")


# ---- argmax / argmin -----------------------------------------------------------------------
def _one_axis(ndim: int, axis: int, op: str) -> int:
    if not -ndim <= axis < _bmax(ndim, 1):
        raise MXNetError(f"{op}: axis {axis} exceeds the input dimension of {ndim}")
    return axis + ndim if axis < 0 else axis


def _arg(op: str, fn: Callable) -> Callable:
    def impl(data: torch.Tensor, axis: Optional[int] = None,
             keepdims: bool = False) -> torch.Tensor:
        if data.dtype == torch.bool:
            raise _rules.bool_unsupported(op)
        if data.numel() == 0:
            raise MXNetError(f"{op}: cannot reduce an empty array")
        # the result is an index held in the input dtype (float32 indices for float32 data)
        if axis is None:
            r = fn(data.reshape(-1), 0)
            shape = [1] * data.dim() if keepdims and data.dim() else [1]
            return r.reshape(shape).to(data.dtype)
        ax = _one_axis(data.dim(), axis, op)
        src = data.reshape(1) if data.dim() == 0 else data
        return fn(src, ax if data.dim() else 0).unsqueeze(ax) .to(data.dtype) \
            if keepdims else _full1(fn(src, ax if data.dim() else 0)).to(data.dtype)
    impl.__name__ = op
    return impl


def _full1(r: torch.Tensor) -> torch.Tensor:
    return r.reshape(1) if r.dim() == 0 else r


def _argmax_k(x: torch.Tensor, dim: int) -> torch.Tensor:
    # torch.argmax: first index of the maximum, NaN counts as the maximum (as MXNet)
    return torch.argmax(x, dim=dim)


def _argmin_k(x: torch.Tensor, dim: int) -> torch.Tensor:
    return torch.argmin(x, dim=dim)


_ARG_PARAMS = {"axis": OptInt, "keepdims": Bool}
argmax = register("argmax", params=_ARG_PARAMS, family="reduce",
                  torch="torch.argmax (result cast to the input dtype)",
                  notes="indices in the input dtype; axis=None flattens; ties -> first index; "
                  "NaN counts as the maximum")(_arg("argmax", _argmax_k))
argmin = register("argmin", params=_ARG_PARAMS, family="reduce",
                  torch="torch.argmin (result cast to the input dtype)",
                  notes="indices in the input dtype; NaN counts as the minimum")(
                      _arg("argmin", _argmin_k))
_argmax_impl = _arg("argmax_channel", _argmax_k)


@register("argmax_channel", family="reduce", torch="torch.argmax(x, dim=1)",
          notes="argmax over axis 1 (the last axis of a 2-D array), in the input dtype")
def argmax_channel(data: torch.Tensor) -> torch.Tensor:
    """argmax over axis 1."""
    return _argmax_impl(data, 1, False)


# ---- norm ------------------------------------------------------------------------------------
def _l2(x: torch.Tensor, axes: tuple) -> torch.Tensor:
    if x.dtype == torch.float64:
        # scaled like MXNet's nrm2 reducer, so huge values do not overflow
        m = torch.amax(x.abs(), dim=axes, keepdim=True)
        safe = torch.where((m == 0) | torch.isinf(m), torch.ones_like(m), m)
        r = m.squeeze(axes) * torch.sqrt(torch.sum((x / safe) ** 2, dim=axes))
        r = torch.where(m.squeeze(axes) == 0, torch.zeros_like(r), r)
    else:
        # float16/float32 accumulate in float64: no overflow, no rounding build-up
        r = torch.linalg.vector_norm(x, 2, dim=axes, dtype=torch.float64).to(x.dtype)
    if bool(torch.isinf(r).any()):
        # MXNet's scaled accumulation gives NaN when two infinities meet
        many = torch.isinf(x).sum(dim=axes) > 1
        r = torch.where(many, torch.full_like(r, float("nan")), r)
    return r


def _l2_int(x: torch.Tensor, axes: tuple) -> torch.Tensor:
    """MXNet's nrm2 reducer run in integer arithmetic: with scale = max|x|, every smaller
    value contributes (|x| / scale)^2 == 0 (integer division), so the result is
    scale * sqrt(count of |x| == scale), truncated ([[1, 5, 3], [4, 2, 6]] -> 6)."""
    a = x.abs() if x.dtype != torch.uint8 else x
    m = torch.amax(a, dim=axes, keepdim=True)
    cnt = torch.sum((a == m) & (m != 0), dim=axes).double()
    r = m.squeeze(axes).double() * torch.sqrt(cnt)
    from .ndarray import _cast
    return _cast(r, x.dtype)


@register("norm", params={"ord": Int, "axis": Axis, "out_dtype": OptDtype, "keepdims": Bool},
          family="reduce", torch="torch.linalg.vector_norm",
          notes="ord 1 or 2 only; ord=2 over a matrix is the Frobenius norm; out_dtype must "
          "equal the input dtype (MXNet 1.9.1 fails otherwise); integer L2 norms follow "
          "MXNet's integer arithmetic (max|x| * sqrt(count of max))")
def norm(data: torch.Tensor, ord: int = 2, axis: Any = None, out_dtype: Any = None,
         keepdims: bool = False) -> torch.Tensor:
    """The L1 or L2 norm over ``axis`` (all axes by default)."""
    if ord not in (1, 2):
        raise MXNetValueError(f"norm: norm only supports ord=1 and ord=2, got ord={ord}")
    if out_dtype is not None and out_dtype != data.dtype:
        raise MXNetTypeError(f"norm: out_dtype={_rules.dtype_name(out_dtype)} differs from the "
                             f"input dtype {_rules.dtype_name(data.dtype)}; MXNet 1.9.1 fails "
                             "here (TBlob.get_with_shape: data type do not match)")
    axes = reduce_axes(data.dim(), axis, False, "norm", tuple(data.shape))
    x = data.reshape(1) if data.dim() == 0 else data
    if data.dim() == 0:
        axes = (0,)
    if x.dtype == torch.bool:
        r = x.any() if not axes else x.to(torch.uint8).amax(dim=axes).to(torch.bool)
    elif ord == 1:
        r = torch.sum(x.abs() if x.dtype != torch.uint8 else x, dim=axes, dtype=x.dtype)
        if x.is_floating_point() and bool(torch.isinf(r).any()):
            # MXNet's L1 norm is a Kahan sum too: a value after an infinity gives NaN
            r = torch.where(torch.isnan(r), r, _nansum(x.abs(), axes))
    elif x.is_floating_point():
        r = _l2(x, axes)
    else:
        r = _l2_int(x, axes)
    return _finish_shape(r, data, axes, keepdims)


# ---- moments ---------------------------------------------------------------------------------
@register("moments", outputs=2,
          params={"axes": Axis, "keepdims": Bool}, family="reduce",
          torch="torch.var_mean(x, dim=axes, correction=0)",
          notes="returns [mean, biased variance]; axes is required; integer inputs use "
          "truncating integer arithmetic")
def moments(data: torch.Tensor, axes: Any = None, keepdims: bool = False) -> list:
    """[mean, variance (biased)] over ``axes``."""
    if axes is None or axes == ():
        raise MXNetValueError("moments: Empty axes is not supported, if you would like to do "
                              "global moments, please pass all axes to axes argument")
    if data.dtype == torch.bool:
        raise _rules.bool_unsupported("moments")
    ax = reduce_axes(data.dim(), axes, False, "moments", tuple(data.shape))
    m = _mean(data, ax)
    mk = m.reshape([1 if i in ax else d for i, d in enumerate(data.shape)])
    d = data - mk
    v = _mean(d * d, ax)
    return [_finish_shape(m, data, ax, keepdims), _finish_shape(v, data, ax, keepdims)]


# ---- cumsum ----------------------------------------------------------------------------------
@register("cumsum", params={"axis": OptInt, "dtype": OptDtype}, family="reduce",
          torch="torch.cumsum",
          notes="axis=None flattens; negative axes are rejected (as MXNet 1.9.1); bool input "
          "gives int64; integer sums keep (and wrap in) the input dtype")
def cumsum(a: torch.Tensor, axis: Optional[int] = None, dtype: Any = None) -> torch.Tensor:
    """Cumulative sum along ``axis`` (flattened when axis is None)."""
    out = dtype if dtype is not None else (torch.int64 if a.dtype == torch.bool else a.dtype)
    if axis is None:
        x, dim = a.reshape(-1), 0
    else:
        if axis < 0:
            raise MXNetValueError(f"cumsum: axis={axis}: MXNet 1.9.1's cumsum rejects negative "
                                  f"axes (index = {axis} must be in range [0, {a.dim()}))")
        if axis >= _bmax(a.dim(), 1):
            raise MXNetValueError(f"cumsum: axis value {axis} out of range for a {a.dim()}-d "
                                  "input")
        x, dim = (a.reshape(1), 0) if a.dim() == 0 else (a, axis)
    if x.is_floating_point() and not out.is_floating_point:
        from .ndarray import _cast
        x = _cast(x, out)
    return torch.cumsum(x, dim=dim, dtype=out)
