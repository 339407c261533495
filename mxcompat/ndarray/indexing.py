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

from typing import Any, List, Tuple

import numpy as np
import torch

from .._state import STATE
from ..base import MXNetError, MXNetIndexError, MXNetTypeError, MXNetValueError
from . import _rules
from .ndarray import NDArray, _cast, _wrap

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
    a = np.asarray(k)
    if a.dtype == object:
        raise MXNetTypeError(f"NDArray does not support indexing with {k!r}")
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
        if isinstance(k, bool) or isinstance(k, np.bool_):
            raise _bad_key(k)
        if isinstance(k, _INT_TYPES) or (isinstance(k, np.integer)):
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
    step = 1 if s.step is None else int(s.step)
    if step == 0:
        raise MXNetValueError("slice step cannot be zero")
    start, stop, step = s.indices(n)
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
    if (type(key) is tuple and not key) or (type(key) is slice and key == slice(None)):
        return self
    entries, advanced = _expand(key, t.dim())
    if advanced:
        _check_bool_masks(entries, t)
        dev = t.device
        tkey = tuple(_index_tensor(k, dev) if isinstance(k, (_ADV_TYPES, tuple)) else k
                     for k in entries)
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


def _value_tensor(self: NDArray, value: Any) -> Any:
    t = self._t
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
        dev = t.device
        tkey = tuple(_index_tensor(k, dev) if isinstance(k, (_ADV_TYPES, tuple)) else k
                     for k in entries)
        try:
            region_shape = t[tkey].shape
            if isinstance(v, torch.Tensor):
                vv = v
                while vv.dim() > len(region_shape) and vv.shape[0] == 1:
                    vv = vv[0]
                vv = vv.expand(region_shape)
            else:
                vv = torch.tensor(v, dtype=t.dtype, device=dev)
            t.index_put_(tkey, vv)
        except IndexError as e:
            raise MXNetIndexError(str(e)) from None
        except RuntimeError:
            raise _bcast_error(tuple(v.shape) if isinstance(v, torch.Tensor) else (),
                               tuple(t[tkey].shape)) from None
        return
    region, _copy, flips = _basic(t, entries)  # torch basic indexing is always a view
    if flips and isinstance(v, torch.Tensor):
        try:
            v = v.expand(region.shape) if v.shape != region.shape else v
        except RuntimeError:
            raise _bcast_error(tuple(v.shape), tuple(region.shape)) from None
        v = v.flip(flips)
    _fill(region, v)


NDArray.__getitem__ = getitem  # type: ignore[attr-defined]
NDArray.__setitem__ = setitem  # type: ignore[attr-defined]
