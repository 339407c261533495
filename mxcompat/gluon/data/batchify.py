"""``mx.gluon.data.batchify``: composable batchify functions (Stack, Pad, Append, Group,
AsList).

MXNet 1.9.1 has no such module (it arrived with MXNet 2.0 and GluonNLP); it is provided with
MXNet 2.0's names and arguments for code written against them. Each object is a callable
taking the list of samples a DataLoader gathered, usable as its ``batchify_fn``.
"""
from __future__ import annotations

from typing import Any, Callable, Optional

import numpy as np

from ...ndarray.ndarray import NDArray
from .dataloader import default_batchify_fn, default_mp_batchify_fn

__all__ = ["Stack", "Pad", "Append", "Group", "AsList"]


def _np(x: Any) -> np.ndarray:
    return x.asnumpy() if isinstance(x, NDArray) else np.asarray(x)


def _to_nd(arr: np.ndarray, shared: bool) -> Any:
    from ...context import Context
    from ...ndarray import array
    return array(arr, dtype=arr.dtype, ctx=Context("cpu_shared", 0) if shared else None)


class Stack:
    """Stack samples of equal shape along a new first axis (as the default batchify does for
    a single field: NDArrays with ``nd.stack``, others through ``np.asarray``)."""

    def __init__(self, use_shared_mem: bool = False):
        self._fn = default_mp_batchify_fn if use_shared_mem else default_batchify_fn

    def __call__(self, data: list) -> Any:
        return self._fn(list(data))


class Pad:
    """Pad samples along ``axis`` to the longest one (rounded up to a multiple of
    ``round_to``) with ``val`` (default 0), then stack them. ``dtype`` defaults to the first
    sample's dtype."""

    def __init__(self, axis: int = 0, val: Any = None, dtype: Any = None,
                 round_to: Optional[int] = None, use_shared_mem: bool = False):
        if not isinstance(axis, int):
            raise ValueError(f"Pad: axis must be an int, got {axis!r}")
        self._axis = axis
        self._val = 0 if val is None else val
        self._dtype = dtype
        self._round_to = round_to
        self._shared = use_shared_mem

    def __call__(self, data: list) -> Any:
        arrs = [_np(d) for d in data]
        if not arrs:
            raise ValueError("Pad: no samples to pad")
        ndim = arrs[0].ndim
        axis = self._axis
        if not -ndim <= axis < ndim:
            raise ValueError(f"Pad: axis {axis} is out of range for samples of {ndim} "
                             "dimension(s)")
        axis %= ndim
        for a in arrs:
            if a.ndim != ndim:
                raise ValueError("Pad: all samples must have the same number of dimensions, "
                                 f"got {ndim} and {a.ndim}")
        longest = max(a.shape[axis] for a in arrs)
        if self._round_to:
            longest = -(-longest // self._round_to) * self._round_to
        shape = list(arrs[0].shape)
        shape[axis] = longest
        dtype = np.dtype(self._dtype) if self._dtype is not None else arrs[0].dtype
        out = np.full([len(arrs)] + shape, self._val, dtype=dtype)
        for i, a in enumerate(arrs):
            if a.shape[:axis] + a.shape[axis + 1:] != tuple(shape[:axis] + shape[axis + 1:]):
                raise ValueError(f"Pad: sample {i} has shape {a.shape}, which differs from "
                                 f"{tuple(arrs[0].shape)} outside the padded axis {axis}")
            sl = [i] + [slice(None)] * ndim
            sl[axis + 1] = slice(0, a.shape[axis])
            out[tuple(sl)] = a
        return _to_nd(out, self._shared)


class Append:
    """Keep the samples as a list of arrays (each with a new batch axis of size 1 at
    ``batch_axis`` when ``expand``), for samples that cannot be stacked."""

    def __init__(self, expand: bool = True, batch_axis: int = 0, use_shared_mem: bool = False):
        self._expand = expand
        self._batch_axis = batch_axis
        self._shared = use_shared_mem

    def __call__(self, data: list) -> list:
        out = []
        for d in data:
            a = _np(d)
            if self._expand:
                a = np.expand_dims(a, axis=self._batch_axis)
            out.append(_to_nd(np.ascontiguousarray(a), self._shared))
        return out


class Group:
    """Apply one batchify function per field of tuple samples: ``Group(Stack(), Pad())``
    batches field 0 with ``Stack()`` and field 1 with ``Pad()``; returns a tuple."""

    def __init__(self, fn: Any, *args: Callable[[list], Any]):
        fns = list(fn) if isinstance(fn, (list, tuple)) else [fn]
        if args:
            if isinstance(fn, (list, tuple)):
                raise ValueError("Group: pass the functions either as one list or as "
                                 "separate arguments, not both")
            fns += list(args)
        for i, f in enumerate(fns):
            if not callable(f):
                raise ValueError(f"Group: batchify function {i} is not callable: {f!r}")
        self._fn = fns

    def __call__(self, data: list) -> tuple:
        if len(data[0]) != len(self._fn):
            raise ValueError(f"Group: the samples have {len(data[0])} fields but "
                             f"{len(self._fn)} batchify functions were given")
        return tuple(f([d[i] for d in data]) for i, f in enumerate(self._fn))


class AsList:
    """Return the samples as a plain list."""

    def __call__(self, data: list) -> list:
        return list(data)
