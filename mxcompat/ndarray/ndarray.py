"""The NDArray class: one object around one ``torch.Tensor``.

Arithmetic operators, indexing and the fluent methods (``x.exp()``, ``x.sum()``, ...) are
attached by the op-family modules from tables pointing at the registered ops; this module only
holds what is NDArray's own: attributes, conversion, copying, printing, pickling.
"""
from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any, Iterator, Optional

import numpy as np
import torch

from .. import _dtypes
from .._state import STATE
from ..base import MXNetError, MXNetIndexError, MXNetTypeError, MXNetValueError
from ..context import _CPU0, Context, context_of_device, current_context

__all__ = ["NDArray", "from_torch"]

_new = object.__new__
py_slice = slice  # MXNet's name for the builtin (its module shadows ``slice``); tests import it


class NDArray:
    """An MXNet NDArray backed by a ``torch.Tensor`` (``x.tensor``).

    ``_ctx`` is None when the context follows from the tensor's device (cpu(0) or gpu(i));
    it is set for contexts a device alone cannot tell (``cpu(1)``, ``cpu_pinned(0)``, a GPU
    context running on the CPU fallback).
    """

    __slots__ = ("_t", "_ctx", "_ag", "__weakref__")
    # NumPy defers to NDArray's reflected operators (as in MXNet).
    __array_priority__ = 1000.0
    _t: torch.Tensor
    _ctx: Optional[Context]
    _ag: Any

    if TYPE_CHECKING:  # attached by the op-family modules at import (see their tables)
        def __getitem__(self, key: Any) -> "NDArray": ...
        def __setitem__(self, key: Any, value: Any) -> None: ...
        def reshape(self, *shape: Any, **kwargs: Any) -> "NDArray": ...
        def __neg__(self) -> "NDArray": ...
        def __add__(self, other: Any) -> "NDArray": ...
        def __sub__(self, other: Any) -> "NDArray": ...
        def __mul__(self, other: Any) -> "NDArray": ...
        def __truediv__(self, other: Any) -> "NDArray": ...
        def __getattr__(self, name: str) -> Any: ...  # the fluent methods (x.exp(), ...)

    def __init__(self, handle: Any = None, writable: bool = True):
        # MXNet's constructor takes a C handle; here an NDArray is built from a tensor.
        if handle is None:
            handle = torch.empty(0)
        elif not isinstance(handle, torch.Tensor):
            raise MXNetTypeError("NDArray(handle): expected a torch.Tensor; create arrays "
                                 "with mx.nd.array(...) or mx.nd.from_torch(tensor)")
        self._t = handle
        self._ctx = None
        self._ag = None

    # ---- attributes -------------------------------------------------------------------
    @property
    def shape(self) -> tuple:
        return tuple(self._t.shape)

    @property
    def size(self) -> int:
        return self._t.numel()

    @property
    def ndim(self) -> int:
        return self._t.dim()

    @property
    def dtype(self) -> Any:
        return _dtypes.TORCH_TO_NP[self._t.dtype]

    @property
    def context(self) -> Context:
        c = self._ctx
        return context_of_device(self._t.device) if c is None else c

    ctx = context

    @property
    def stype(self) -> str:
        return "default"

    @property
    def writable(self) -> bool:
        return True

    @property
    def handle(self) -> Any:
        raise MXNetError("NDArray.handle: mxcompat arrays have no MXNet C handle; use "
                         "NDArray.tensor for the underlying torch.Tensor")

    @property
    def tensor(self) -> torch.Tensor:
        """The underlying ``torch.Tensor`` (shares memory; an mxcompat extension)."""
        return self._t

    def to_torch(self) -> torch.Tensor:
        """The underlying ``torch.Tensor`` (shares memory; an mxcompat extension)."""
        return self._t

    def _src(self) -> torch.Tensor:
        """The tensor to compute from in a method: part of the recorded graph while
        mx.autograd is recording, detached otherwise (nothing is recorded outside record())."""
        return self._t if STATE.recording else self._t.detach()

    @property
    def T(self) -> "NDArray":
        if self._t.dim() < 2:
            return self
        if self._t.dtype is torch.bool:  # MXNet's transpose has no bool kernel
            from ._rules import bool_unsupported
            raise bool_unsupported("transpose")
        return _wrap(self._src().permute(*reversed(range(self._t.dim()))).contiguous(),
                     self._ctx)

    # ---- conversion -------------------------------------------------------------------
    def asnumpy(self) -> np.ndarray:
        """A fresh C-contiguous NumPy copy."""
        t = self._t
        if t.requires_grad:
            t = t.detach()
        if t.is_cpu:
            return t.numpy().copy()
        return t.cpu().numpy()

    def asscalar(self) -> Any:
        t = self._t
        if t.numel() != 1:
            raise MXNetValueError("The current array is not a scalar")
        if t.dim() == 1:
            # item() is exact for every NDArray dtype, and cheaper than a NumPy round trip
            return _dtypes.TORCH_TO_NP[t.dtype](t.item())
        # MXNet indexes with [()]: shape (1, 1) returns the (1, 1) array itself
        return self.asnumpy()[()]

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        # Extension: MXNet 1.9.1 has no __array__ and np.asarray(nd) builds an object array.
        a = self.asnumpy()
        return a if dtype is None else a.astype(dtype)

    def __float__(self) -> float:  # extension: MXNet 1.9.1 raises TypeError
        if self._t.numel() != 1:
            raise MXNetTypeError("only one-element NDArrays can be converted to Python scalars")
        return float(self._t.item())

    def __int__(self) -> int:  # extension: MXNet 1.9.1 raises TypeError
        if self._t.numel() != 1:
            raise MXNetTypeError("only one-element NDArrays can be converted to Python scalars")
        return int(self._t.item())

    def __bool__(self) -> bool:
        n = self._t.numel()
        if n == 0:
            return False
        if n == 1:
            return bool(self._t.item())
        raise MXNetValueError("The truth value of an NDArray with multiple elements is "
                              "ambiguous.")

    __nonzero__ = __bool__

    def __len__(self) -> int:
        if self._t.dim() == 0:
            raise MXNetIndexError("tuple index out of range (len() of a 0-d NDArray)")
        return self._t.shape[0]

    def __iter__(self) -> Iterator["NDArray"]:
        if self._t.dim() == 0:
            raise MXNetTypeError("iteration over a 0-d NDArray")
        for i in range(self._t.shape[0]):
            yield self[i]

    __hash__ = object.__hash__

    # ---- copying and devices ----------------------------------------------------------
    def astype(self, dtype: Any, copy: bool = True) -> "NDArray":
        dt = _dtypes.to_torch(dtype, where="astype")
        if not copy and dt == self._t.dtype:
            return self
        return _wrap(_cast(self._src(), dt), self._ctx)

    def copy(self) -> "NDArray":
        return _wrap(self._src().clone(), self._ctx)

    def __copy__(self) -> "NDArray":
        return self.copy()

    def __deepcopy__(self, memo: Any) -> "NDArray":
        return self.copy()

    def copyto(self, other: Any) -> Any:
        if isinstance(other, NDArray):
            if other is self:
                warnings.warn("You are attempting to copy an array to itself", RuntimeWarning,
                              stacklevel=2)
                return False
            if tuple(other._t.shape) != tuple(self._t.shape):
                raise MXNetValueError(
                    f"copyto: Incompatible attr at 0-th output: expected "
                    f"{list(self._t.shape)}, got {list(other._t.shape)}")
            other._assign(self._t.detach())
            return other
        if isinstance(other, Context):
            dev = other.torch_device
            t = self._t.detach().to(dev, copy=True)
            return _wrap(t, _ctx_for(other, dev))
        raise MXNetTypeError(f"copyto does not support type {type(other)}")

    def as_in_context(self, context: Context) -> "NDArray":
        if self.context == context:
            return self
        return self.copyto(context)

    def wait_to_read(self) -> None:
        if self._t.device.type == "cuda":
            torch.cuda.synchronize(self._t.device)

    def wait_to_write(self) -> None:
        self.wait_to_read()

    def as_nd_ndarray(self) -> "NDArray":
        return self

    def as_np_ndarray(self) -> Any:
        from ..base import unsupported
        raise unsupported("NDArray.as_np_ndarray (the mx.np interface)")

    def tostype(self, stype: str) -> "NDArray":
        """A copy in storage type ``stype`` ('default', 'csr', 'row_sparse'; cast_storage)."""
        from .sparse import cast_storage
        return cast_storage(self, stype=stype)

    # ---- writing in place -------------------------------------------------------------
    def _assign(self, value: torch.Tensor) -> None:
        """Copy ``value`` (broadcast, cast) into this array in place, as MXNet writes do."""
        t = self._t
        if STATE.recording:
            from ..autograd import _check_inplace
            _check_inplace(self)
        if t.requires_grad or value.requires_grad:
            with torch.no_grad():
                t.copy_(value)
        else:
            t.copy_(value)

    # ---- printing ---------------------------------------------------------------------
    def __repr__(self) -> str:
        shape_info = "x".join(str(d) for d in self._t.shape)
        return f"\n{_np_str(self.asnumpy())}\n<{type(self).__name__} {shape_info} @{self.context}>"

    __str__ = __repr__

    # ---- pickling (MXNet's layout: state {'handle': one V2 record}) -------------------
    def __reduce__(self) -> Any:
        return (type(self), (None,), self.__getstate__())

    def __getstate__(self) -> dict:
        from .serialization import dumps_record
        return {"handle": dumps_record(self)}

    def __setstate__(self, state: dict) -> None:
        from .serialization import loads_record
        h = state.get("handle") if isinstance(state, dict) else None
        if h is None:
            self._t, self._ctx, self._ag = torch.empty(0), None, None
            return
        other = loads_record(h)
        self._t, self._ctx, self._ag = other._t, None, None


_NP2 = int(np.__version__.split(".")[0]) >= 2


def _np_str(a: np.ndarray) -> str:
    """str() of a NumPy array as NumPy 1.x prints it (MXNet 1.9.1 ran beside NumPy < 1.24);
    NumPy 2 formats some float32 values differently (1.6777216e+07 for 16777216.). The
    user's other print options (precision, threshold, ...) still apply."""
    if _NP2 and np.get_printoptions().get("legacy") is False:
        with np.printoptions(legacy="1.25"):
            return str(a)
    return str(a)


def _ctx_for(ctx: Context, dev: torch.device) -> Optional[Context]:
    """The _ctx slot value for arrays of ``ctx`` living on ``dev`` (None when derivable)."""
    if ctx is _CPU0:  # the default context (its device is always the CPU)
        return None
    if ctx.device_typeid == 1 and ctx.device_id == 0 and dev.type == "cpu":
        return None
    if ctx.device_typeid == 2 and dev.type == "cuda":
        return None
    return ctx


def _wrap(t: torch.Tensor, ctx: Optional[Context] = None) -> NDArray:
    a = _new(NDArray)
    a._t = t
    a._ctx = ctx
    a._ag = None
    return a


_INT_INFO = {torch.uint8: (0, 8), torch.int8: (-128, 8), torch.int32: (-2 ** 31, 32),
             torch.int64: (-2 ** 63, 64)}


def _cast(t: torch.Tensor, dt: torch.dtype) -> torch.Tensor:
    """Cast as MXNet's C++ static_cast does on x86: float -> int truncates toward zero, then
    wraps into the type's range; NaN and infinities become the 32-bit (or 64-bit) minimum."""
    if dt == t.dtype:
        return t.clone()
    if dt in _INT_INFO and t.is_floating_point():
        lo, bits = _INT_INFO[dt]
        hi = lo + (1 << bits) - 1
        # fast path: every value inside the target range, where torch's conversion already
        # truncates toward zero exactly as C does (a NaN makes both bounds NaN: slow path)
        if t.numel() == 0:
            return t.to(dt)
        vmin, vmax = torch.aminmax(t.detach())
        if vmin.item() > float(lo - 1) and vmax.item() < float(hi + 1):
            return t.to(dt)
        wide = 64 if bits == 64 else 32
        x = t.double() if t.dtype != torch.float64 else t
        bad = ~torch.isfinite(x)
        limit = 2.0 ** (wide - 1)
        bad |= (x >= limit) | (x < -limit)
        x = torch.where(bad, torch.zeros((), dtype=x.dtype, device=x.device), x).trunc()
        i = x.to(torch.int64)
        i = torch.where(bad, torch.full((), -2 ** (wide - 1), dtype=torch.int64,
                                        device=i.device), i)
        if bits < 64:
            i = (i - lo) % (1 << bits) + lo
        return i.to(dt)
    return t.to(dt)


def from_torch(tensor: torch.Tensor, ctx: Optional[Context] = None) -> NDArray:
    """Wrap a ``torch.Tensor`` as an NDArray without copying (an mxcompat extension).

    The tensor must have one of the eight dtypes MXNet supports; a non-contiguous tensor is
    made contiguous (a copy), since MXNet arrays are always dense.
    """
    if not isinstance(tensor, torch.Tensor):
        raise MXNetTypeError(f"from_torch: expected a torch.Tensor, got {type(tensor).__name__}")
    if tensor.dtype not in _dtypes.TORCH_TO_NP:
        raise MXNetTypeError(f"from_torch: dtype {tensor.dtype} is not one MXNet supports")
    t = tensor if tensor.is_contiguous() else tensor.contiguous()
    c = None
    if ctx is not None and ctx != context_of_device(t.device):
        c = ctx
    return _wrap(t, c)


def _default_ctx(ctx: Any) -> Context:
    if ctx is None:
        return current_context()
    if isinstance(ctx, Context):
        return ctx
    if isinstance(ctx, str):
        s = ctx.strip()
        for name in ("cpu_pinned", "cpu_shared", "cpu", "gpu"):
            if s.startswith(name + "(") and s.endswith(")"):
                try:
                    return Context(name, int(s[len(name) + 1:-1]))
                except ValueError:
                    break
    raise MXNetValueError(f"Invalid context string {ctx!r}: expected a Context such as "
                          "mx.cpu() or mx.gpu(0)")


#: MXNet's storage-type ids (the ``__storage_type__`` attribute of symbol variables)
_STORAGE_TYPE_STR_TO_ID = {"_undefined": -1, "default": 0, "row_sparse": 1, "csr": 2}
_STORAGE_TYPE_ID_TO_STR = {v: k for k, v in _STORAGE_TYPE_STR_TO_ID.items()}
