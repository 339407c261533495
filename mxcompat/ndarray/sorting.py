"""Sorting and searching ops (sort, argsort, topk, pick, histogram) with MXNet 1.9.1's rules:
indices come back as float32 unless ``dtype`` says otherwise, ``axis=None`` flattens, ties keep
the lower index first (MXNet's sort is stable for short rows; see docs/ops-elemwise.md)."""
from __future__ import annotations

import warnings
from typing import Any, Optional

import numpy as np
import torch

from ..base import MXNetError, MXNetTypeError, MXNetValueError
from . import _rules
from ._op import Bool, Dtype, Enum, Int, OptInt, register
from .ndarray import NDArray, _cast, _wrap

__all__ = ["sort", "argsort", "topk", "pick", "histogram"]

_INDEX_DTYPES = ("float16", "float32", "float64", "int32", "int64", "uint8")
IndexDtype = Enum(*_INDEX_DTYPES)
_IDX = {n: Dtype(n) for n in _INDEX_DTYPES}


def _axis(ndim: int, axis: int, op: str) -> int:
    if not -ndim <= axis < max(ndim, 1):
        raise MXNetError(f"{op}: Invalid axis! axis should be between 0 and {ndim}, found "
                         f"axis={axis}")
    return axis + ndim if axis < 0 else axis


def _prepare(data: torch.Tensor, axis: Optional[int], op: str, f16: bool = True) -> tuple:
    """(tensor to sort, dim): flattened when axis is None."""
    if data.dtype == torch.bool:
        raise _rules.bool_unsupported(op)
    if not f16 and data.dtype == torch.float16:
        raise MXNetTypeError(f"{op}: This operation does not support float16")
    if axis is None or data.dim() == 0:
        return data.reshape(-1), 0
    return data, _axis(data.dim(), axis, op)


def _sorted(x: torch.Tensor, dim: int, ascend: bool) -> Any:
    # stable: ties keep the lower index first, as MXNet does for short rows (torch's default
    # sort and topk order ties arbitrarily)
    return torch.sort(x, dim=dim, descending=not ascend, stable=True)


@register("sort", outputs=("output0",),
          params={"axis": OptInt, "is_ascend": Bool}, family="sorting",
          torch="torch.sort(stable=True).values",
          notes="axis=None flattens; float16 and bool are rejected as in MXNet")
def sort(data: torch.Tensor, axis: Optional[int] = -1, is_ascend: bool = True) -> torch.Tensor:
    """Sorted values along ``axis``."""
    x, dim = _prepare(data, axis, "sort", f16=False)
    return _sorted(x, dim, is_ascend).values


@register("argsort", params={"axis": OptInt, "is_ascend": Bool, "dtype": IndexDtype},
          family="sorting", torch="torch.sort(stable=True).indices",
          notes="indices as float32 by default (dtype: float16/32/64, int32/64, uint8); ties "
          "in input order")
def argsort(data: torch.Tensor, axis: Optional[int] = -1, is_ascend: bool = True,
            dtype: str = "float32") -> torch.Tensor:
    """Indices that sort ``data`` along ``axis``."""
    x, dim = _prepare(data, axis, "argsort", f16=False)
    return _sorted(x, dim, is_ascend).indices.to(_IDX[dtype])


def _topk_outputs(p: dict) -> tuple:
    """topk's visible outputs: both value and indices with ret_typ='both'."""
    return {"both": ("output0", "output1"), "value": ("output0",)}.get(p["ret_typ"],
                                                                      ("output",))


@register("topk", outputs=_topk_outputs,
          params={"axis": OptInt, "k": Int,
                          "ret_typ": Enum("both", "indices", "mask", "value"),
                          "is_ascend": Bool, "dtype": IndexDtype}, family="sorting",
          torch="torch.sort(stable=True) narrowed to k (torch.topk orders ties arbitrarily)",
          notes="k <= 0 means all; ret_typ 'both' returns [values, indices]; 'mask' a 0/1 array "
          "of the input's shape and dtype; indices float32 by default")
def topk(data: torch.Tensor, axis: Optional[int] = -1, k: int = 1, ret_typ: str = "indices",
         is_ascend: bool = False, dtype: str = "float32") -> Any:
    """The k largest (or smallest, is_ascend) elements along ``axis``."""
    x, dim = _prepare(data, axis, "topk")
    n = x.shape[dim] if x.dim() else 1
    if k > n:
        raise MXNetValueError(f"topk: k must be smaller than {n}, get k = {k}")
    kk = n if k <= 0 else k
    s = _sorted(x, dim, is_ascend)
    if ret_typ == "mask":
        idx = s.indices.narrow(dim, 0, kk)
        m = torch.zeros_like(x).scatter(dim, idx, torch.ones_like(idx, dtype=x.dtype))
        return m.reshape(data.shape)
    ind = s.indices.narrow(dim, 0, kk).to(_IDX[dtype])
    if ret_typ == "indices":
        return ind
    val = s.values.narrow(dim, 0, kk)
    return val if ret_typ == "value" else [val, ind]


@register("pick", params={"axis": OptInt, "keepdims": Bool, "mode": Enum("clip", "wrap")},
          aliases=("choose_element_0index",), family="sorting",
          torch="torch.gather(data, axis, index)",
          notes="index may be float (truncated); out-of-range indices are clipped (mode='clip') "
          "or wrapped (mode='wrap'); axis=None is rejected as in MXNet")
def pick(data: torch.Tensor, index: torch.Tensor, axis: Optional[int] = -1,
         keepdims: bool = False, mode: str = "clip") -> torch.Tensor:
    """data[..., index[...], ...] along ``axis``."""
    if axis is None:
        raise MXNetValueError("pick: axis=None is not supported by pick yet. Must specify an "
                              "axis.")
    if data.dtype == torch.bool:
        raise _rules.bool_unsupported("pick")
    if data.dim() == 0:
        data = data.reshape(1)
    nd = data.dim()
    if not -nd <= axis < nd:
        raise MXNetError(f"pick: axis {axis} exceeds the input dimension of {nd}")
    ax = axis + nd if axis < 0 else axis
    shape = data.shape
    red = shape[:ax] + shape[ax + 1:]
    kept = shape[:ax] + (1,) + shape[ax + 1:]
    ishape = index.shape
    # the usual index lacks the picked axis: unsqueeze puts it back (cheaper than reshape)
    lacks_axis = ishape == red
    if not lacks_axis and ishape != kept and not (not red and index.numel() == 1):
        raise MXNetError(f"pick: Shape inconsistent, Provided = {list(ishape)}, inferred "
                         f"shape={list(red) or [1]}")
    n = shape[ax]
    i = None
    if index.numel() and index.dtype != torch.bool:
        # the usual case, every index already in [0, n): truncating to int64 is all there is
        # to do (one range check instead of the cast and clip below)
        lo, hi = torch.aminmax(index)
        if lo.item() >= 0 and hi.item() < n:
            i = index.long()
    if i is None:
        # MXNet casts indices to int32 first, as C does: floats truncate (NaN, inf and
        # anything outside int32 become INT_MIN), wider integers wrap; then clip or wrap into
        # range
        i = _cast(index, torch.int32) if index.is_floating_point() else index.to(torch.int32)
        i = i.long()
        i = i.clamp(0, n - 1) if mode == "clip" else torch.remainder(i, n)
    i = i.unsqueeze(ax) if lacks_axis else i.reshape(kept)
    r = torch.gather(data, ax, i)
    return r if keepdims else (r.squeeze(ax) if red else r.reshape(1))


# ---- histogram (a Python-level function in MXNet, not a generated op) ----------------------
def histogram(a: Any, bins: Any = 10, range: Any = None) -> Any:  # noqa: A002 - MXNet's name
    """mx.nd.histogram(a, bins=10, range=None) as MXNet 1.9.1:

    - ``bins`` an int and ``range`` given: ``[counts (int64), edges (a's dtype)]``;
    - ``bins`` an NDArray of edges (a's dtype): ``[counts (int64), bins]``;
    - ``bins`` an int without ``range``: NumPy's histogram of ``a`` (a warning says so),
      returned as a tuple of two float32 NDArrays.
    Values outside the range are ignored; the last bin includes its right edge."""
    if not isinstance(a, NDArray):
        raise MXNetTypeError(f"histogram: a must be an NDArray, got {type(a).__name__}")
    if isinstance(bins, NDArray):
        if bins._t.dtype != a._t.dtype:
            raise MXNetTypeError(f"histogram: bins must have the dtype of a "
                                 f"({_rules.dtype_name(a._t.dtype)}), got "
                                 f"{_rules.dtype_name(bins._t.dtype)}")
        edges = bins._t
        counts = _hist_edges(a._t, edges)
        return [_wrap(counts, a._ctx), _wrap(edges.clone(), a._ctx)]
    if not isinstance(bins, (int, np.integer)) or isinstance(bins, bool):
        raise MXNetValueError("histogram: bins argument should be either an integer or an "
                              "NDArray")
    if range is None:
        warnings.warn("range is not specified, using numpy's result to ensure consistency "
                      "with numpy", stacklevel=2)
        c, e = np.histogram(a.asnumpy(), bins=int(bins))
        return (_wrap(torch.from_numpy(c.astype(np.float32)), a._ctx),
                _wrap(torch.from_numpy(e.astype(np.float32)), a._ctx))
    lo, hi = float(range[0]), float(range[1])
    nb = int(bins)
    if nb <= 0:
        raise MXNetValueError(f"histogram: bins must be positive, got {nb}")
    x = a._t.reshape(-1)
    edges = torch.linspace(lo, hi, nb + 1, dtype=torch.float64).to(
        x.dtype if x.is_floating_point() else torch.float64)
    if not x.is_floating_point():
        edges = _cast(edges, x.dtype)
    xd = x.double()
    inside = (xd >= lo) & (xd <= hi)
    idx = ((xd - lo) * nb / (hi - lo)).floor().clamp(0, nb - 1).to(torch.int64) \
        if hi > lo else torch.zeros_like(xd, dtype=torch.int64)
    counts = torch.bincount(idx[inside], minlength=nb)[:nb].to(torch.int64)
    return [_wrap(counts, a._ctx), _wrap(edges, a._ctx)]


def _hist_edges(x: torch.Tensor, edges: torch.Tensor) -> torch.Tensor:
    x = x.reshape(-1).double().contiguous()
    e = edges.reshape(-1).double().contiguous()
    nb = e.numel() - 1
    if nb < 1:
        raise MXNetValueError("histogram: bins needs at least two edges")
    # right=True: index of the first edge > x; values equal to the last edge go in the last bin
    idx = torch.bucketize(x, e, right=True) - 1
    idx = torch.where(x == e[-1], torch.full_like(idx, nb - 1), idx)
    ok = (idx >= 0) & (idx < nb)
    return torch.bincount(idx[ok], minlength=nb)[:nb].to(torch.int64)


histogram.__module__ = "mxcompat.ndarray"
register("histogram", python=True, family="sorting", inputs=("a",),
         torch="torch.bucketize + torch.bincount (numpy.histogram without range)")(histogram)
