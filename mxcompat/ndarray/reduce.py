"""Reductions with MXNet's rules: ``axis`` (int, tuple, ``()`` or None = all), ``keepdims``,
``exclude`` (reduce every axis *except* those listed); a full reduction gives shape ``(1,)``;
the result keeps the input dtype (integer ``mean`` divides with truncation, uint8 sums wrap)."""
from __future__ import annotations

from typing import Any, Callable, Optional, Tuple

import torch

from ..base import MXNetError
from ._op import Axis, Bool, register

__all__ = ["reduce_axes", "reduction"]


def reduce_axes(ndim: int, axis: Any, exclude: bool, op: str) -> Tuple[int, ...]:
    """The sorted, non-negative axes a reduction runs over."""
    if axis is None or axis == ():
        axes: Tuple[int, ...] = tuple(range(ndim))
        return () if exclude and axis == () and False else axes
    raw = (axis,) if isinstance(axis, int) else tuple(axis)
    out = []
    for a in raw:
        b = a + ndim if a < 0 else a
        if not 0 <= b < ndim:
            raise MXNetError(f"{op}: Reduction axis {a} Exceeds input dimensions "
                             f"{[int(d) for d in range(ndim)] and ndim}-d input")
        out.append(b)
    axes = tuple(sorted(set(out)))
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
              notes: str = "") -> Callable:
    """Register ``name(data, axis=None, keepdims=False, exclude=False)``.

    ``kernel(x, axes)`` reduces tensor ``x`` over the tuple ``axes`` (never empty unless the
    input is 0-d) and returns a tensor of ``x``'s dtype without the reduced dims.
    """
    def impl(data: torch.Tensor, axis: Optional[Any] = None, keepdims: bool = False,
             exclude: bool = False) -> torch.Tensor:
        axes = reduce_axes(data.dim(), axis, exclude, name)
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
    if x.dtype == torch.bool:
        return x.any() if False else x.to(torch.int64).sum(dim=axes).to(torch.bool)
    return torch.sum(x, dim=axes, dtype=x.dtype)


def _mean(x: torch.Tensor, axes: tuple) -> torch.Tensor:
    if x.is_floating_point():
        return torch.mean(x, dim=axes)
    n = 1
    for a in axes:
        n *= x.shape[a]
    s = torch.sum(x, dim=axes, dtype=x.dtype)
    return torch.div(s, n, rounding_mode="trunc") if n else s


def _prod(x: torch.Tensor, axes: tuple) -> torch.Tensor:
    r = x
    for a in sorted(axes, reverse=True):
        r = torch.prod(r, dim=a, dtype=x.dtype)
    return r


def _amax(x: torch.Tensor, axes: tuple) -> torch.Tensor:
    if x.numel() == 0:
        raise MXNetError("max: cannot reduce an empty array (no identity)")
    return torch.amax(x, dim=axes)


def _amin(x: torch.Tensor, axes: tuple) -> torch.Tensor:
    if x.numel() == 0:
        raise MXNetError("min: cannot reduce an empty array (no identity)")
    return torch.amin(x, dim=axes)


def _nan_to(x: torch.Tensor, v: float) -> torch.Tensor:
    return torch.nan_to_num(x, nan=v, posinf=float("inf"), neginf=float("-inf")) \
        if x.is_floating_point() else x


sum = reduction("sum", _sum, "torch.sum (result dtype = input dtype)", aliases=("sum_axis",))
mean = reduction("mean", _mean, "torch.mean (integer inputs: truncating division)")
prod = reduction("prod", _prod, "torch.prod")
max = reduction("max", _amax, "torch.amax", aliases=("max_axis",))
min = reduction("min", _amin, "torch.amin", aliases=("min_axis",))
nansum = reduction("nansum", lambda x, a: _sum(_nan_to(x, 0.0), a), "torch.nansum")
nanprod = reduction("nanprod", lambda x, a: _prod(_nan_to(x, 1.0), a), "torch.prod of "
                    "nan_to_num(x, nan=1)")
