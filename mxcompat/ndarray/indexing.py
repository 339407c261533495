"""``NDArray.__getitem__`` / ``__setitem__`` with MXNet's rules, plus the indexing ops.

- An int on the first axis gives a view with that axis removed, but never a 0-d array:
  ``v[0]`` on a 1-D array has shape ``(1,)``.
- Basic indexing returns a write-through view when the selected region is contiguous in
  memory and a copy otherwise (``x[:, 1]``, ``x[::2]``, ``x[::-1]``); ``x[:]`` and ``x[()]``
  return the array itself.
- A decreasing range with a positive step (``v[3:1]``) is an error, as in MXNet.
- Lists, ranges, NumPy arrays and NDArrays index in NumPy's advanced style and return a
  copy; index arrays are truncated to integers, and NumPy *bool* arrays are used as 0/1
  integer indices (MXNet's legacy behaviour). NDArray bool masks raise.
"""
from __future__ import annotations

import operator
from typing import Any, List, Tuple

import numpy as np
import torch

from .._state import STATE
from ..base import MXNetError, MXNetIndexError, MXNetTypeError, MXNetValueError
from . import _rules
from .ndarray import NDArray, _cast, _new, _wrap

_INT_TYPES = (int, np.int32, np.int64)
_ADV_TYPES = (list, range, np.ndarray, NDArray, torch.Tensor)


def _index_tensor(k: Any, device: torch.device) -> torch.Tensor:
    if isinstance(k, NDArray):
        t = k._t.detach()
        if t.dtype == torch.bool:
            raise MXNetValueError(
                "Cannot perform boolean indexing in legacy mode (MXNet 1.9.1 rejects NDArray "
                "bool masks); use mx.nd.contrib.boolean_mask or index with integer arrays")
        if t.is_floating_point():
            t = t.trunc()
        return t.to(device=device, dtype=torch.int64)
    if isinstance(k, torch.Tensor):
        return k.to(device=device, dtype=torch.int64)
    try:
        a = np.asarray(k)
    except ValueError:  # ragged nested lists
        a = None
    if a is None or a.dtype == object:
        raise MXNetTypeError(f"source_array must be array like object: NDArray does not "
                             f"support indexing with {k!r}")
    if a.dtype.kind == "f":
        a = np.trunc(a)
    # MXNet converts index arrays to int32: a NumPy bool array becomes 0/1 indices
    return torch.from_numpy(np.ascontiguousarray(a.astype(np.int64))).to(device)


def _check_bool_masks(entries: list, t: torch.Tensor) -> None:
    """MXNet 1.9.1 checks an NDArray bool mask's shape (IndexError), then refuses it."""
    axis = 0
    for k in entries:
        if isinstance(k, NDArray) and k._t.dtype == torch.bool:
            n, m = t.shape[axis] if axis < t.dim() else 0, k._t.shape[0] if k.ndim else 0
            if n != m:
                raise MXNetIndexError(f"boolean index did not match indexed array along axis "
                                      f"{axis}; size is {n} but corresponding boolean size is "
                                      f"{m}")
        if k is not None:
            axis += 1


def _bad_key(k: Any) -> MXNetError:
    return MXNetValueError(f"NDArray does not support slicing with key {k!r} of type "
                           f"{type(k)}.")


def _expand(key: Any, ndim: int) -> Tuple[list, bool]:
    """Normalise a key into a list of entries; returns (entries, is_advanced)."""
    if not isinstance(key, tuple):
        key = (key,)
    entries: List[Any] = []
    advanced = False
    for k in key:
        # MXNet's integer key types are int (bool included: True is 1), np.int32, np.int64;
        # other NumPy scalars (np.uint8, np.bool_, np.float32, ...) are refused
        if isinstance(k, _INT_TYPES):
            entries.append(int(k))
        elif k is None or k is Ellipsis or isinstance(k, slice):
            entries.append(k)
        elif isinstance(k, _ADV_TYPES) or (isinstance(k, tuple)):
            advanced = True
            entries.append(k)
        else:
            raise _bad_key(k)
    n_ell = sum(1 for k in entries if k is Ellipsis)
    if n_ell > 1:
        raise MXNetIndexError("an index can only have a single ellipsis ('...')")
    n_real = sum(1 for k in entries if k is not None and k is not Ellipsis)
    if n_real > ndim:
        raise MXNetIndexError(f"too many indices ({n_real}) for array with {ndim} dimensions")
    return entries, advanced


def _slice_bounds(s: slice, n: int, axis: int) -> Tuple[int, int, int]:
    try:
        step = 1 if s.step is None else operator.index(s.step)
        if step == 0:
            raise MXNetValueError("slice step cannot be zero")
        start, stop, step = s.indices(n)
    except TypeError as e:  # float bounds
        raise MXNetTypeError(f"NDArray slicing: {e} ({s!r})") from None
    if step > 0 and s.start is not None and s.stop is not None and start > stop:
        raise MXNetError(f"Check failed: begin <= end ({start} vs. {stop}) : Invalid slicing "
                         f"range [{start}, {stop}) on axis {axis}")
    return start, stop, step


def _basic(t: torch.Tensor, entries: list) -> Tuple[torch.Tensor, bool, list]:
    """Apply a basic key. Returns (result view, needs_copy, flip dims in result)."""
    tkey: List[Any] = []
    flips: List[int] = []
    copy = False
    axis = 0
    out_dim = 0
    ndim = t.dim()
    n_real = sum(1 for k in entries if k is not None and k is not Ellipsis)
    for k in entries:
        if k is Ellipsis:
            fill = ndim - n_real
            tkey.append(Ellipsis)
            axis += fill
            out_dim += fill
        elif k is None:
            tkey.append(None)
            out_dim += 1
        elif isinstance(k, int):
            n = t.shape[axis]
            if not -n <= k < n:
                raise MXNetIndexError(f"index {k} is out of bounds for axis {axis} with size "
                                      f"{n}")
            tkey.append(k)
            axis += 1
        else:
            n = t.shape[axis]
            start, stop, step = _slice_bounds(k, n, axis)
            if step < 0:
                idx = range(start, stop, step)
                if len(idx) == 0:
                    tkey.append(slice(0, 0))
                else:
                    tkey.append(slice(idx[-1], idx[0] + 1, -step))
                    flips.append(out_dim)
                copy = True
            else:
                tkey.append(slice(start, stop, step))
            axis += 1
            out_dim += 1
    r = t[tuple(tkey)]
    if not copy and not r.is_contiguous():
        copy = True
    return r, copy, flips


def _check_begin_end(key: slice, n: int) -> None:
    """MXNet rejects x[a:b] on the first axis when both bounds are given and a > b."""
    start, stop, _ = key.indices(n)
    if start > stop:
        raise MXNetError(f"Check failed: begin <= end ({start} vs. {stop}) : Invalid "
                         f"slicing range [{start}, {stop}) on axis 0")


def getitem(self: NDArray, key: Any) -> NDArray:
    t = self._t
    if type(key) is int:  # fast path: x[i]
        if t.dim() == 0:
            raise MXNetIndexError("too many indices for a 0-d array")
        n = t.shape[0]
        if not -n <= key < n:
            raise MXNetIndexError(f"index {key} is out of bounds for axis 0 with size {n}")
        r = t[key]
        if r.dim() == 0:
            r = r.reshape(1)
        return _wrap(r, self._ctx)
    if type(key) is slice and key.step is None:
        b, e = key.start, key.stop
        if (b is None or type(b) is int) and (e is None or type(e) is int) and t.dim():
            # fast path: x[a:b] on the first axis, always a contiguous (write-through) view
            if b is None and e is None:
                return self
            r = t[key]
            # MXNet's begin <= end check can only fail when both bounds are given, not
            # 0 <= b <= e, and the result is empty (numel: no Size object)
            if b is not None and e is not None and not 0 <= b <= e and not r.numel():
                _check_begin_end(key, t.shape[0])
            a = _new(NDArray)  # _wrap, inline
            a._t, a._ctx, a._ag = r, self._ctx, None
            return a
    if (type(key) is tuple and not key) or (type(key) is slice and key == slice(None)):
        return self
    entries, advanced = _expand(key, t.dim())
    if advanced:
        _check_bool_masks(entries, t)
        t, entries = _flip_neg_slices(t, entries)
        tkey = _adv_key(entries, t.device)
        try:
            r = t[tkey]
        except IndexError as e:
            raise MXNetIndexError(str(e)) from None
        return _wrap(r.contiguous(), self._ctx)  # advanced indexing always copies
    r, copy, flips = _basic(t, entries)
    if flips:
        r = r.flip(flips)
    elif copy:
        r = r.clone()
    if r.dim() == 0:
        r = r.reshape(1)
    return _wrap(r, self._ctx)


def _flip_neg_slices(t: torch.Tensor, entries: list) -> Tuple[torch.Tensor, list]:
    """For an advanced key: turn negative-step slices into positive ones on a flipped view
    (torch slicing has no negative steps)."""
    if not any(isinstance(k, slice) and k.step is not None and k.step < 0 for k in entries):
        return t, entries
    n_real = sum(1 for k in entries if k is not None and k is not Ellipsis)
    out, flips, axis = [], [], 0
    for k in entries:
        if k is Ellipsis:
            axis += t.dim() - n_real
        elif k is None:
            pass
        elif isinstance(k, slice) and k.step is not None and k.step < 0:
            n = t.shape[axis]
            start, stop, step = _slice_bounds(k, n, axis)
            flips.append(axis)
            k = slice(n - 1 - start, n - 1 - stop, -step)
            axis += 1
        else:
            axis += 1
        out.append(k)
    return t.flip(flips), out


def _neg_axes(t: torch.Tensor, entries: list) -> list:
    """The tensor axes that _flip_neg_slices flips for ``entries``."""
    n_real = sum(1 for k in entries if k is not None and k is not Ellipsis)
    flips, axis = [], 0
    for k in entries:
        if k is Ellipsis:
            axis += t.dim() - n_real
        elif k is not None:
            if isinstance(k, slice) and k.step is not None and k.step < 0:
                flips.append(axis)
            axis += 1
    return flips


def _adv_key(entries: list, dev: torch.device) -> tuple:
    """A torch key for an advanced index. Python ints become (1,)-shaped index tensors: NumPy
    (and MXNet) count them as advanced indices when placing the broadcast dims, while torch
    treats an int (or a 0-d tensor) as a basic index."""
    tkey = [_index_tensor(k, dev) if isinstance(k, (_ADV_TYPES, tuple)) else k
            for k in entries]
    if any(type(k) is int for k in tkey) and any(
            isinstance(k, torch.Tensor) and k.dim() >= 1 for k in tkey):
        tkey = [torch.tensor([k], dtype=torch.int64, device=dev) if type(k) is int else k
                for k in tkey]
    return tuple(tkey)


def _value_tensor(self: NDArray, value: Any) -> Any:
    t = self._t
    if value is None:  # MXNet goes through np.array(None): NaN
        value = float("nan")
    if isinstance(value, NDArray):
        v = value._t
        return v if v.dtype == t.dtype else _cast(v, t.dtype)
    if _rules.is_scalar(value):
        if t.dtype == torch.bool:
            return bool(value)
        return _rules.scalar_for(value, t.dtype)
    if isinstance(value, (np.ndarray, list, tuple)) or isinstance(value, torch.Tensor):
        if isinstance(value, torch.Tensor):
            value = value.detach().cpu().numpy()
        try:
            a = np.asarray(value)
        except ValueError:
            a = None
        if a is None or a.dtype == object:
            raise MXNetTypeError(f"{type(self)} does not support assignment with "
                                 f"non-array-like object {value!r}")
        v = torch.from_numpy(np.ascontiguousarray(a)).to(t.device)
        return _cast(v, t.dtype) if v.dtype != t.dtype else v
    raise MXNetTypeError(f"{type(self)} does not support assignment with non-array-like "
                         f"object {value!r} of type {type(value)}")


def _bcast_error(vshape: tuple, tshape: tuple) -> MXNetError:
    return MXNetValueError(f"operands could not be broadcast together with remapped "
                           f"shapes[original->remapped]: {tuple(vshape)} and requested shape "
                           f"{tuple(tshape)}")


def setitem(self: NDArray, key: Any, value: Any) -> None:
    t = self._t
    if type(value) is float and type(key) is slice and key.step is None and \
            not t.requires_grad and not STATE.recording and t.is_floating_point():
        b, e = key.start, key.stop
        if (b is None or type(b) is int) and (e is None or type(e) is int) and t.dim():
            # hot path: x[a:b] = 0.5 on a float array (fill_ converts the double as MXNet)
            r = t[key]
            if b is not None and e is not None and not r.numel():
                _check_begin_end(key, t.shape[0])
            r.fill_(value)
            return
    if STATE.recording:
        from ..autograd import _check_inplace
        _check_inplace(self)
    v = _value_tensor(self, value)
    guard = t.requires_grad or (isinstance(v, torch.Tensor) and v.requires_grad)
    prev = torch.is_grad_enabled()
    if guard:
        torch._C._set_grad_enabled(False)
    try:
        _setitem(t, key, v)
    finally:
        if guard:
            torch._C._set_grad_enabled(prev)


def _fill(target: torch.Tensor, v: Any) -> None:
    if isinstance(v, torch.Tensor):
        if v.untyped_storage().data_ptr() == target.untyped_storage().data_ptr():
            v = v.clone()  # torch's copy_ refuses overlapping source and destination
        vv = v
        # NumPy-style: leading length-1 dims of the value may be dropped
        while vv.dim() > target.dim() and vv.shape[0] == 1:
            vv = vv[0]
        try:
            target.copy_(vv.expand(target.shape) if vv.shape != target.shape else vv)
        except RuntimeError:
            raise _bcast_error(tuple(v.shape), tuple(target.shape)) from None
    else:
        target.fill_(v)


def _setitem(t: torch.Tensor, key: Any, v: Any) -> None:
    if type(key) is slice and key.step is None and t.dim() and \
            (key.start is None or type(key.start) is int) and \
            (key.stop is None or type(key.stop) is int):
        # fast path: x[a:b] = v on the first axis
        r = t[key]
        if not r.shape[0] and key.start is not None and key.stop is not None:
            _check_begin_end(key, t.shape[0])
        _fill(r, v)
        return
    if type(key) is int:
        n = t.shape[0] if t.dim() else 0
        if not -n <= key < n:
            raise MXNetIndexError(f"index {key} is out of bounds for axis 0 with size {n}")
        _fill(t[key], v)
        return
    if (type(key) is tuple and not key) or key is Ellipsis or key is None or (
            type(key) is slice and key == slice(None)):
        _fill(t, v)
        return
    entries, advanced = _expand(key, t.dim())
    if advanced:
        t0 = t
        t, entries = _flip_neg_slices(t, entries)
        if t is not t0:
            # torch.flip copies: write into the flipped copy, then copy it back flipped
            _setitem(t, tuple(entries), v)
            t0.copy_(t.flip(_neg_axes(t0, list(key if isinstance(key, tuple) else (key,)))))
            return
        tkey = _adv_key(entries, t.device)
        try:
            region_shape = t[tkey].shape
        except IndexError as e:
            raise MXNetIndexError(str(e)) from None
        if isinstance(v, torch.Tensor):
            vv = v
            while vv.dim() > len(region_shape) and vv.shape[0] == 1:
                vv = vv[0]
            try:
                vv = vv.expand(region_shape)
            except RuntimeError:
                raise _bcast_error(tuple(v.shape), tuple(region_shape)) from None
            if vv.untyped_storage().data_ptr() == t.untyped_storage().data_ptr():
                vv = vv.clone()
            t[tkey] = vv
        else:
            t[tkey] = v
        return
    region, _copy, flips = _basic(t, entries)  # torch basic indexing is always a view
    if flips and isinstance(v, torch.Tensor):
        try:
            v = v.expand(region.shape) if v.shape != region.shape else v
        except RuntimeError:
            raise _bcast_error(tuple(v.shape), tuple(region.shape)) from None
        v = v.flip(flips)
    _fill(region, v)


setattr(NDArray, "__getitem__", getitem)  # noqa: B010
setattr(NDArray, "__setitem__", setitem)  # noqa: B010


# ======================================================================== indexing ops
from ._op import Dtype, Enum, Float, Int, Shape, register  # noqa: E402

_INT_DT = (torch.uint8, torch.int8, torch.int32, torch.int64)


def _int32_idx(t: torch.Tensor) -> torch.Tensor:
    """Index values as MXNet's kernels read them, through a C cast to int32: floats truncate
    (NaN, inf and values outside int32 become INT_MIN), int64 wraps; returned as int64."""
    t = t.detach()
    if t.dtype in (torch.int64, torch.int32, torch.uint8, torch.int8):
        return t.to(torch.int32).to(torch.int64) if t.dtype == torch.int64 else t.to(torch.int64)
    return _cast(t, torch.int32).to(torch.int64)


@register("take", params={"axis": Int, "mode": Enum("clip", "wrap", "raise")},
          family="indexing", torch="torch.index_select (+ clip/wrap of the indices)",
          notes="out-of-range indices are clipped by default; mode='raise' rejects any index "
                "outside [0, n), negative ones included")
def take(a: torch.Tensor, indices: torch.Tensor, axis: int = 0,
         mode: str = "clip") -> torch.Tensor:
    """Gather slices of ``a`` along ``axis``; the result's shape splices ``indices.shape`` in
    at ``axis``."""
    nd_ = a.dim()
    if not -nd_ <= axis < nd_:
        raise MXNetError(f"take: Axis should be in the range of [-r, r-1] where r is the rank "
                         f"of input tensor (axis={axis}, r={nd_})")
    ax = axis + nd_ if axis < 0 else axis
    n = a.shape[ax]
    idx = indices if indices.dtype == torch.int64 else indices.to(torch.int64)
    if mode == "clip":
        idx = idx.clamp(0, n - 1)
    elif mode == "wrap":
        idx = torch.remainder(idx, n)
    elif idx.numel() and bool(((idx < 0) | (idx >= n)).any()):
        raise MXNetIndexError("take: Check failed: is_valid: take operator contains indices "
                              "out of bound")
    if idx.dim() == 1:
        return torch.index_select(a, ax, idx)
    r = torch.index_select(a, ax, idx.reshape(-1))
    return r.reshape(tuple(a.shape[:ax]) + tuple(indices.shape) + tuple(a.shape[ax + 1:]))


@register("batch_take", family="indexing", torch="torch.gather along the last axis",
          notes="indices must be int32 (as in MXNet); out-of-range indices are clipped")
def batch_take(a: torch.Tensor, indices: torch.Tensor) -> torch.Tensor:
    """out[i] = a[i, indices[i]] for a 2-D ``a`` (leading axes are flattened)."""
    if a.dtype == torch.bool:
        raise _rules.bool_unsupported("batch_take")
    if indices.dtype != torch.int32:
        from .. import _dtypes
        raise MXNetTypeError(f"batch_take: Type inconsistent, Provided = "
                             f"{_dtypes.name(indices.dtype)}, inferred type = int32 (the "
                             "indices must be int32)")
    if a.dim() < 1:
        raise MXNetError("batch_take: the data must have at least one axis")
    last = a.shape[-1]
    flat = a.reshape(-1, last)
    if indices.numel() != flat.shape[0]:
        raise MXNetError(f"batch_take: Index array's size must be the same as data array's "
                         f"size excluding the first dimension ({indices.numel()} vs. "
                         f"{flat.shape[0]})")
    idx = indices.to(torch.int64).reshape(-1, 1).clamp(0, last - 1)
    return torch.gather(flat, 1, idx).reshape(indices.shape)


def _nd_index(indices: torch.Tensor, shape: tuple, op: str) -> List[torch.Tensor]:
    """gather_nd/scatter_nd index rows as int64 tensors, after MXNet's bounds check
    (-dim <= i <= dim - 1, compared before truncation; negative values wrap)."""
    if indices.dim() < 1:
        raise MXNetError(f"{op}: indices must have at least one axis")
    m = indices.shape[0]
    if m > len(shape):
        raise MXNetError(f"{op}: Number of indices exceeds data dimension ({m} vs. "
                         f"{len(shape)})")
    rows = []
    for k in range(m):
        v = indices[k].detach()
        n = shape[k]
        bad = (v < -n) | (v > n - 1)
        if v.numel() and bool(bad.any()):
            b = v[bad].reshape(-1)[0].item()
            b = int(b) if float(b).is_integer() else b
            raise MXNetIndexError(f"{op}: index {b} is out of bounds for axis {k} with size "
                                  f"{n}")
        if v.is_floating_point():
            v = torch.where(v < 0, v + n, v)
        i = v.to(torch.int64)
        rows.append(torch.where(i < 0, i + n, i))
    return rows


@register("gather_nd", family="indexing", torch="data[tuple(indices)] (advanced indexing)")
def gather_nd(data: torch.Tensor, indices: torch.Tensor) -> torch.Tensor:
    """out[y...] = data[indices[0, y...], ..., indices[M-1, y...], ...]; the result's shape
    is indices.shape[1:] + data.shape[M:]."""
    rows = _nd_index(indices, tuple(data.shape), "gather_nd")
    return data[tuple(rows)]


@register("scatter_nd", params={"shape": Shape}, family="indexing",
          torch="torch.zeros(shape).index_put(tuple(indices), data)",
          notes="out-of-range (or negative) indices raise IndexError; MXNet writes outside "
                "the output there")
def scatter_nd(data: torch.Tensor, indices: torch.Tensor, shape: tuple) -> torch.Tensor:
    """The inverse of gather_nd: a zero array of ``shape`` with data written at indices."""
    if not shape:
        raise MXNetValueError("scatter_nd: Required parameter shape is not presented")
    m = indices.shape[0] if indices.dim() else 0
    want = tuple(indices.shape[1:]) + tuple(shape[m:])
    if indices.dim() < 1 or m > len(shape) or tuple(data.shape) != want:
        raise MXNetError(f"scatter_nd: Invalid data, indices, and output shape combination "
                         f"for scatter_nd: {list(data.shape)}, {list(indices.shape)}, "
                         f"{list(shape)}")
    rows = []
    for k in range(m):
        i = _int32_idx(indices[k])
        if i.numel() and bool(((i < 0) | (i >= shape[k])).any()):
            raise MXNetIndexError(f"scatter_nd: an index on axis {k} is out of bounds for size "
                                  f"{shape[k]} (MXNet 1.9.1 would write outside the output)")
        rows.append(i)
    out = torch.zeros(shape, dtype=data.dtype, device=data.device)
    return out.index_put(tuple(rows), data)


@register("one_hot", params={"depth": Int, "on_value": Float, "off_value": Float,
                             "dtype": Dtype},
          family="indexing", torch="torch.nn.functional.one_hot (+ on/off values, dtype)",
          notes="float32 by default; indices outside [0, depth) give an all-off_value row")
def one_hot(indices: torch.Tensor, depth: int, on_value: float = 1.0, off_value: float = 0.0,
            dtype: Any = "float32") -> torch.Tensor:
    dt = dtype if isinstance(dtype, torch.dtype) else Dtype(dtype, "one_hot", "dtype")
    if indices.dtype == torch.bool:
        raise _rules.bool_unsupported("one_hot")
    if dt == torch.bool:
        raise MXNetValueError("one_hot: Invalid Input: 'bool' for parameter 'dtype', valid "
                              "values are: {'bfloat16', 'float16', 'float32', 'float64', "
                              "'int32', 'int64', 'int8', 'uint8'}")
    if depth < 0:
        raise MXNetValueError(f"one_hot: Dimension size, depth, must be a non-negative "
                              f"integer (got {depth})")
    # int64 indices wrap to int32 (2**32 + 1 selects 1), floats cast as C does
    idx = _int32_idx(indices)
    hit = idx.unsqueeze(-1) == torch.arange(depth, device=idx.device)
    if on_value == 1.0 and off_value == 0.0:
        return hit.to(dt)
    on = _rules.scalar_for(on_value, dt)
    off = _rules.scalar_for(off_value, dt)
    out = torch.full(hit.shape, off, dtype=dt, device=idx.device)
    return out.masked_fill_(hit, on)


@register("ravel_multi_index", params={"shape": Shape}, family="indexing",
          torch="sum(index[k] * stride[k]) (no bounds check, as in MXNet)")
def ravel_multi_index(data: torch.Tensor, shape: tuple = ()) -> torch.Tensor:
    if not shape:
        raise MXNetValueError("ravel_multi_index: Empty shape parameter for ravel operator.")
    if data.dtype == torch.bool:
        raise _rules.bool_unsupported("ravel_multi_index")
    if data.dim() < 1 or data.shape[0] != len(shape):
        raise MXNetError(f"ravel_multi_index: data must have shape ({len(shape)}, ...), got "
                         f"{list(data.shape)}")
    idx = _int32_idx(data)  # int64 wraps, NaN/inf become INT_MIN, as in MXNet
    out = torch.zeros(idx.shape[1:], dtype=torch.int64, device=idx.device)
    for k, n in enumerate(shape):
        out = out * n + idx[k]
    # MXNet's index arithmetic is int32 and wraps (a NaN index, INT_MIN, times 4 gives 0)
    return out.to(torch.int32).to(data.dtype)


@register("unravel_index", params={"shape": Shape}, family="indexing",
          torch="torch.unravel_index (C remainder/division: no wrap of the leading index)")
def unravel_index(data: torch.Tensor, shape: tuple = ()) -> torch.Tensor:
    if not shape:
        raise MXNetValueError("unravel_index: Empty shape parameter for unravel operator.")
    if data.dtype == torch.bool:
        raise _rules.bool_unsupported("unravel_index")
    idx = _int32_idx(data)  # int64 wraps, NaN/inf become INT_MIN, as in MXNet
    coords = []
    for n in reversed(shape[1:]):
        coords.append(torch.fmod(idx, n))
        idx = torch.div(idx, n, rounding_mode="trunc")
    coords.append(idx)
    return torch.stack(coords[::-1]).to(data.dtype)


@register("boolean_mask", params={"axis": Int}, family="indexing", ns="contrib",
          torch="data[index != 0] (a boolean mask along axis 0)")
def boolean_mask(data: torch.Tensor, index: torch.Tensor, axis: int = 0) -> torch.Tensor:
    """The rows of ``data`` (axis 0) where ``index`` is non-zero."""
    if axis != 0:
        raise MXNetError(f"boolean_mask: axis must be 0 (MXNet 1.9.1: Not supported yet; got "
                         f"axis={axis})")
    if index.dim() != 1 or data.dim() < 1 or index.shape[0] != data.shape[0]:
        raise MXNetError(f"boolean_mask: the index must be 1-D with data.shape[0] = "
                         f"{data.shape[0] if data.dim() else 0} entries, got "
                         f"{list(index.shape)}")
    return data[index.detach() != 0]
