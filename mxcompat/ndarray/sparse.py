"""``mx.nd.sparse``: CSRNDArray / RowSparseNDArray, emulated on dense tensors.

Representation
--------------
A sparse array is an NDArray subclass whose ``_t`` is the full dense tensor (so every dense op
works on it unchanged) plus its *stored pattern*: the MXNet layout's aux arrays (int64
``indices`` for row_sparse; int64 ``indices`` + ``indptr`` for CSR) and, when the array was
built from an explicit layout, that layout's ``data``. Values outside the pattern are zero;
values inside may be zero too (MXNet keeps explicit zeros: ``sparse.floor(csr)`` stores the
0.0 that flooring 0.5 gives). The pattern is valid while the dense tensor has not been written
in place since (``torch.Tensor._version``); after an in-place write (``out=``, ``x[:] = ...``)
the pattern is recomputed from the non-zeros.

Ops
---
Every ``mx.nd.sparse.<op>`` runs the dense ``mx.nd`` op on the dense tensors, then applies
MXNet 1.9.1's storage-type rule for the inputs' storage types (one table, ``_RULES``): the
result's stype, its pattern (the input's, the union of the inputs', or the result's
non-zeros), or the MXNetError MXNet raises when no implementation exists for those storage
types. Memory and speed are dense; values and stypes are MXNet's.
"""
from __future__ import annotations

import builtins
import inspect
import warnings
from typing import Any, Callable, Dict, Optional, Sequence, Tuple

import numpy as np
import torch

from .. import _dtypes
from .._state import STATE
from ..base import (MXNetError, MXNetTypeError, MXNetValueError, NotSupportedForSparseNDArray,
                    _Null)
from ..context import Context
from . import _op
from .ndarray import NDArray, _cast, _ctx_for, _default_ctx, _np_str, _wrap

__all__ = ["BaseSparseNDArray", "CSRNDArray", "RowSparseNDArray", "csr_matrix",
           "row_sparse_array", "array", "zeros", "empty", "cast_storage", "retain"]

_new = object.__new__
# mx.nd.sparse publishes ops named slice/abs/round/sum into this module: keep the builtins
_pyslice = builtins.slice
_I64 = torch.int64


class _SparseNotImplemented(MXNetError, NotImplementedError):
    """What MXNet raises as NotImplementedError on sparse arrays (size, in-place operators)."""


def _storage_error(op: str, stypes: Sequence[str], why: str = "") -> MXNetError:
    st = ", ".join(stypes)
    return MXNetError(f"{op}: Check failed: infer_stype_success: Operator not implemented: "
                      f"operator = {op}, input storage types = [{st}]" +
                      (f" ({why})" if why else ""))


# ----------------------------------------------------------------------------------------
# patterns
def _csr_pattern(t: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
    nz = t != 0
    counts = nz.sum(1, dtype=_I64)
    indptr = torch.zeros(t.shape[0] + 1, dtype=_I64, device=t.device)
    torch.cumsum(counts, 0, out=indptr[1:])
    indices = nz.nonzero()[:, 1].to(_I64)
    return indices, indptr


def _rsp_pattern(t: torch.Tensor) -> torch.Tensor:
    if t.dim() == 0 or t.shape[0] == 0:
        return torch.zeros(0, dtype=_I64, device=t.device)
    nz = (t != 0).reshape(t.shape[0], -1).any(1)
    return nz.nonzero()[:, 0].to(_I64)


def _csr_rows(indptr: torch.Tensor) -> torch.Tensor:
    n = indptr.shape[0] - 1
    if n < 0:  # unallocated storage (MXNet's indptr of shape (0,)): no entries
        return torch.zeros(0, dtype=_I64, device=indptr.device)
    return torch.repeat_interleave(torch.arange(n, device=indptr.device),
                                   indptr[1:] - indptr[:-1])


def _csr_mask(shape: tuple, indices: torch.Tensor, indptr: torch.Tensor) -> torch.Tensor:
    m = torch.zeros(shape, dtype=torch.bool, device=indices.device)
    if indices.numel():
        m[_csr_rows(indptr), indices] = True
    return m


def _rsp_mask(shape: tuple, indices: torch.Tensor) -> torch.Tensor:
    m = torch.zeros(shape[:1], dtype=torch.bool, device=indices.device)
    m[indices] = True
    return m.reshape((shape[0],) + (1,) * (len(shape) - 1)).expand(shape)


# ----------------------------------------------------------------------------------------
class BaseSparseNDArray(NDArray):
    """The base class of the sparse arrays (MXNet's ``BaseSparseNDArray``)."""

    __slots__ = ("_aux", "_sdata", "_ver", "_noptr")
    _aux: tuple
    _sdata: Optional[torch.Tensor]
    _ver: int
    _STYPE = ""

    @staticmethod
    def _compute_aux(t: torch.Tensor) -> tuple:
        """The stored pattern (aux arrays) of dense values ``t`` (per storage type)."""
        raise NotImplementedError

    def __init__(self, handle: Any = None, writable: bool = True):
        if handle is None:  # what unpickling calls, before __setstate__ fills the array
            self._t, self._ctx, self._ag = torch.empty(0), None, None
            self._aux, self._sdata, self._ver = (), None, 0
            return
        raise MXNetTypeError(f"{type(self).__name__}(handle): create sparse arrays with "
                             "mx.nd.sparse.csr_matrix / row_sparse_array / zeros, or "
                             "NDArray.tostype")

    # ---- the stored layout -------------------------------------------------------------
    def _pattern(self) -> tuple:
        if self._ver != self._t._version:
            self._aux = self._compute_aux(self._t.detach())
            self._sdata = None
            self._ver = self._t._version
            self._noptr = False
        return self._aux

    @property
    def stype(self) -> str:
        return self._STYPE

    @property
    def size(self) -> int:
        raise _SparseNotImplemented("NDArray.size is not defined for sparse arrays (MXNet "
                                    "raises NotImplementedError: the size is ambiguous)")

    def reshape(self, *shape: Any, **kwargs: Any) -> NDArray:
        raise NotSupportedForSparseNDArray(
            f"Function reshape with arguments ({type(shape)}) is not supported for "
            "SparseNDArray and only available in NDArray.")

    def __repr__(self) -> str:
        shape_info = "x".join(str(d) for d in self._t.shape)
        return f"\n<{type(self).__name__} {shape_info} @{self.context}>"

    __str__ = __repr__

    def asnumpy(self) -> np.ndarray:
        return NDArray.asnumpy(self)

    def _dense(self) -> NDArray:
        """A default-storage NDArray view of the values (shares the tensor)."""
        return _wrap(self._src(), self._ctx)

    def tostype(self, stype: str) -> NDArray:
        return cast_storage(self, stype=stype)

    def astype(self, dtype: Any, copy: bool = True) -> NDArray:
        dt = _dtypes.to_torch(dtype, where="astype")
        if not copy and dt == self._t.dtype:
            return self
        return _like(self, _cast(self._src(), dt), keep_data=False)

    def copy(self) -> NDArray:
        return _like(self, self._src().clone())

    def copyto(self, other: Any) -> Any:
        if isinstance(other, NDArray):
            if other is self:
                warnings.warn("You are attempting to copy an array to itself", RuntimeWarning,
                              stacklevel=2)
                return False
            if other.stype not in ("default", self.stype):
                raise MXNetTypeError("copyto does not support destination NDArray stype "
                                     f"{other.stype}")
            if tuple(other.shape) != tuple(self.shape):
                raise MXNetValueError(f"copyto: Incompatible attr at 0-th output: expected "
                                      f"{list(self.shape)}, got {list(other.shape)}")
            other._assign(self._t.detach())
            if isinstance(other, BaseSparseNDArray):
                _set_layout(other, self._pattern(), None)
            return other
        if isinstance(other, Context):
            dev = other.torch_device
            r = _like(self, self._t.detach().to(dev, copy=True))
            r._ctx = _ctx_for(other, dev)
            return r
        raise MXNetTypeError(f"copyto does not support type {type(other)}")

    def as_in_context(self, context: Context) -> NDArray:
        if self.context == context:
            return self
        return self.copyto(context)

    def check_format(self, full_check: bool = True) -> None:
        """The emulated layout is always valid (it is derived from the dense values)."""

    # ---- operators (MXNet: add/subtract/multiply/divide of mx.nd.sparse) ----------------
    def __add__(self, other: Any) -> NDArray:
        return add(self, other)

    def __sub__(self, other: Any) -> NDArray:
        return subtract(self, other)

    def __mul__(self, other: Any) -> NDArray:
        return multiply(self, other)

    def __div__(self, other: Any) -> NDArray:
        return divide(self, other)

    def __truediv__(self, other: Any) -> NDArray:
        # MXNet: NDArray.__truediv__ -> broadcast_div / _div_scalar
        if isinstance(other, NDArray):
            return broadcast_div(self, other)
        return _scalar_op(self, other, "div")

    def __rmul__(self, other: Any) -> NDArray:
        return multiply(self, other) if not isinstance(other, NDArray) else \
            NDArray.__mul__(_plain(other), self._dense())

    def __neg__(self) -> NDArray:
        return _scalar_op(self, -1.0, "mul")

    def _inplace(self, *a: Any) -> Any:
        raise _SparseNotImplemented("in-place operators (+=, -=, *=, /=) are not supported "
                                    f"for {type(self).__name__} (MXNet raises "
                                    "NotImplementedError)")

    __iadd__ = __isub__ = __imul__ = __idiv__ = __itruediv__ = _inplace

    # CSRNDArray / RowSparseNDArray (MXNet 1.9.1): ``a op= b`` computes ``a op b`` with the
    # sparse operators, then copies the result back into ``a`` (the same object keeps its
    # storage type; a dense result is cast back to it)
    def _inplace_add(self, other: Any) -> Any:
        return self._copy_back(self + other)

    def _inplace_sub(self, other: Any) -> Any:
        return self._copy_back(self - other)

    def _inplace_mul(self, other: Any) -> Any:
        return self._copy_back(self * other)

    def _inplace_div(self, other: Any) -> Any:
        return self._copy_back(self / other)

    def _copy_back(self, result: NDArray) -> Any:
        if tuple(result.shape) != tuple(self.shape):
            raise MXNetValueError(f"{type(self).__name__} in-place operator: Incompatible attr "
                                  f"at 0-th output: expected {list(result.shape)}, got "
                                  f"{list(self.shape)}")
        if result.stype != self.stype:
            result = cast_storage(result, stype=self.stype)
        if result.dtype != self.dtype:
            result = result.astype(self.dtype)
        result.copyto(self)
        return self

    def _setitem_check(self, key: Any, value: Any) -> None:
        name = type(self).__name__
        if not isinstance(key, _pyslice):
            raise (MXNetError if self._STYPE == "csr" else MXNetTypeError)(
                f"{name} only supports [:] for assignment")
        if key.start is not None or key.stop is not None or key.step is not None:
            raise MXNetValueError(f"Assignment with slice for {name} is not implemented yet.")

    def __setitem__(self, key: Any, value: Any) -> None:
        self._setitem_check(key, value)
        if isinstance(value, NDArray):
            if value is not self:
                value.copyto(self)
            return
        if isinstance(value, (int, float, bool, np.number, np.bool_)):
            if self._STYPE == "csr":
                raise MXNetValueError("Assigning numeric types to CSRNDArray is not "
                                      "implemented yet.")
            self._assign(torch.full(self._t.shape, float(value), dtype=self._t.dtype,
                                    device=self._t.device))
            _set_layout(self, (torch.arange(self._t.shape[0], device=self._t.device),), None)
            return
        if isinstance(value, (np.ndarray, np.generic)):
            warnings.warn(f"Assigning non-NDArray object to {type(self).__name__} is not "
                          "efficient", RuntimeWarning, stacklevel=2)
            from .creation import array as _array
            _array(value).copyto(self)
            return
        raise MXNetTypeError(f"type {type(value)} not supported")

    # pickling: NDArray's __reduce__ / __getstate__ (MXNet's layout: the class, (None,), and
    # {'handle': one sparse record}), so pickles cross between MXNet and mxcompat both ways
    def __setstate__(self, state: dict) -> None:
        from .serialization import loads_record
        h = state.get("handle") if isinstance(state, dict) else None
        if h is None:
            raise MXNetValueError(f"{type(self).__name__}: the pickle holds no array")
        other = loads_record(h)
        if getattr(other, "_STYPE", "default") != self._STYPE:
            raise MXNetTypeError(f"{type(self).__name__}: the pickled record is a "
                                 f"{other.stype} array")
        self._t, self._ctx, self._ag = other._t, None, None
        _set_layout(self, other._pattern(), other._sdata)  # type: ignore[attr-defined]


class CSRNDArray(BaseSparseNDArray):
    """A 2-D array in compressed sparse row format (values held densely, see the module
    docstring)."""

    __slots__ = ()
    _STYPE = "csr"

    __iadd__ = BaseSparseNDArray._inplace_add
    __isub__ = BaseSparseNDArray._inplace_sub
    __imul__ = BaseSparseNDArray._inplace_mul
    __idiv__ = __itruediv__ = BaseSparseNDArray._inplace_div

    @staticmethod
    def _compute_aux(t: torch.Tensor) -> tuple:
        return _csr_pattern(t)

    @property
    def indices(self) -> NDArray:
        return _wrap(self._pattern()[0].clone(), self._ctx)

    @property
    def indptr(self) -> NDArray:
        ptr = self._pattern()[1]
        if getattr(self, "_noptr", False):
            ptr = ptr[:0]  # MXNet: unallocated storage, see _keep
        return _wrap(ptr.clone(), self._ctx)

    @property
    def data(self) -> NDArray:
        indices, indptr = self._pattern()
        if self._sdata is not None:
            return _wrap(self._sdata.clone(), self._ctx)
        t = self._t.detach()
        return _wrap(t[_csr_rows(indptr), indices].clone(), self._ctx)

    def asscipy(self) -> Any:
        try:
            import scipy.sparse as spsp
        except ImportError:
            raise ImportError("scipy could not be imported. Please make sure that the scipy "
                              "is installed.") from None
        return spsp.csr_matrix((self.data.asnumpy(), self.indices.asnumpy(),
                                self.indptr.asnumpy()), shape=self.shape,
                               dtype=self.dtype)

    def __getitem__(self, key: Any) -> NDArray:
        n = self._t.shape[0]
        if isinstance(key, (int, np.integer)) and not isinstance(key, bool):
            k = int(key)
            if k < -n or k >= n:
                raise MXNetError(f"index {k} is out of bounds for axis 0 with size {n}")
            k = k + n if k < 0 else k
            key = _pyslice(k, k + 1)
        if isinstance(key, _pyslice):
            if key.step is not None and key.step != 1:
                raise MXNetValueError("CSRNDArray only supports continuous slicing on axis 0")
            if key.start is None and key.stop is None:
                return self
            start, stop, _ = key.indices(n)
            stop = max(stop, start)
            return _slice_rows(self, start, stop)
        if isinstance(key, tuple):
            raise MXNetValueError("Multi-dimension indexing is not supported")
        raise MXNetValueError(f"Undefined behaviour for {key}")


class RowSparseNDArray(BaseSparseNDArray):
    """An array stored as a set of rows (slices along the first axis); values held densely,
    see the module docstring."""

    __slots__ = ()
    _STYPE = "row_sparse"

    __iadd__ = BaseSparseNDArray._inplace_add
    __isub__ = BaseSparseNDArray._inplace_sub
    __imul__ = BaseSparseNDArray._inplace_mul
    __idiv__ = __itruediv__ = BaseSparseNDArray._inplace_div

    @staticmethod
    def _compute_aux(t: torch.Tensor) -> tuple:
        return (_rsp_pattern(t),)

    @property
    def indices(self) -> NDArray:
        return _wrap(self._pattern()[0].clone(), self._ctx)

    @property
    def data(self) -> NDArray:
        (indices,) = self._pattern()
        if self._sdata is not None:
            return _wrap(self._sdata.clone(), self._ctx)
        return _wrap(self._t.detach()[indices].clone(), self._ctx)

    def retain(self, *args: Any, **kwargs: Any) -> NDArray:
        return retain(self, *args, **kwargs)

    def __getitem__(self, key: Any) -> NDArray:
        if isinstance(key, (int, np.integer)) and not isinstance(key, bool):
            raise MXNetError("__getitem__ with int key is not implemented for "
                             "RowSparseNDArray yet")
        if isinstance(key, _pyslice):
            if key.start is not None or key.stop is not None or key.step is not None:
                raise MXNetError("RowSparseNDArray only supports [:] for __getitem__")
            return self
        if isinstance(key, tuple):
            raise MXNetValueError("Multi-dimension indexing is not supported")
        raise MXNetValueError(f"Undefined behaviour for {key}")


_CLASSES = {"csr": CSRNDArray, "row_sparse": RowSparseNDArray}


def _make(stype: str, t: torch.Tensor, aux: Optional[tuple] = None,
          data: Optional[torch.Tensor] = None, ctx: Any = None) -> BaseSparseNDArray:
    """A sparse array over dense tensor ``t`` with pattern ``aux`` (None: its non-zeros)."""
    cls = _CLASSES[stype]
    a = _new(cls)
    a._t = t
    a._ctx = ctx
    a._ag = None
    if aux is None:
        aux = cls._compute_aux(t.detach())
    a._aux = aux
    a._sdata = data
    a._ver = t._version
    return a


def _set_layout(a: BaseSparseNDArray, aux: tuple, data: Optional[torch.Tensor]) -> None:
    a._aux = aux
    a._sdata = data
    a._ver = a._t._version
    a._noptr = False


def _like(src: BaseSparseNDArray, t: torch.Tensor, keep_data: bool = True) -> BaseSparseNDArray:
    """A new array of src's stype and pattern over values ``t``."""
    aux = src._pattern()
    data = src._sdata if keep_data and src._sdata is not None else None
    if data is not None and data.dtype != t.dtype:
        data = None
    return _make(src._STYPE, t, aux, None if data is None else data.clone(), src._ctx)


def _plain(x: NDArray) -> NDArray:
    return x._dense() if isinstance(x, BaseSparseNDArray) else x


def _slice_rows(a: CSRNDArray, start: int, stop: int) -> CSRNDArray:
    indices, indptr = a._pattern()
    if indptr.numel() == 0:  # unallocated storage: no stored entries
        indptr = torch.zeros(a.shape[0] + 1, dtype=_I64, device=indptr.device)
    lo, hi = int(indptr[start]), int(indptr[stop])
    t = a._src()[start:stop].clone()
    ptr = indptr[start:stop + 1] - lo
    data = a._sdata[lo:hi].clone() if a._sdata is not None else None
    return _make("csr", t, (indices[lo:hi].clone(), ptr.clone()), data,  # type: ignore[return-value]
                 a._ctx)


# ----------------------------------------------------------------------------------------
# construction
def _src_dtype(src: Any, dtype: Any) -> torch.dtype:
    """MXNet's _prepare_default_dtype: the source's dtype for NumPy arrays / NDArrays,
    float32 otherwise."""
    if dtype is not None:
        return _dtypes.to_torch(dtype, where="sparse")
    if isinstance(src, NDArray):
        return src._t.dtype
    if isinstance(src, np.ndarray) or _is_scipy(src):
        return _dtypes.to_torch(src.dtype, where="sparse")
    return torch.float32


def _is_scipy(x: Any) -> bool:
    return type(x).__module__.startswith("scipy.sparse")


def _as_tensor(x: Any, dt: torch.dtype, what: str) -> torch.Tensor:
    if isinstance(x, NDArray):
        t = x._t.detach()
        return _cast(t, dt) if t.dtype != dt else t.clone()
    try:
        a = np.asarray(x)
        if a.dtype == object:
            raise TypeError
        a = a.astype(_dtypes.TORCH_TO_NP[dt])
    except (TypeError, ValueError):
        raise MXNetTypeError(f"{what}: values must be array like object") from None
    return torch.from_numpy(np.require(a, requirements="C"))


def _check_shape(s1: Any, s2: Any) -> None:
    if s2 is not None and tuple(s1) != tuple(s2):
        raise MXNetValueError(f"Shape mismatch detected. {tuple(s1)} v.s. {tuple(s2)}")


def _ctx_dev(ctx: Any) -> Tuple[Context, torch.device]:
    c = _default_ctx(ctx)
    return c, c.torch_device


def _from_csr_def(data: Any, indices: Any, indptr: Any, shape: Any, ctx: Any,
                  dtype: Any) -> CSRNDArray:
    op = "csr_matrix"
    dt = _src_dtype(data, dtype)
    d = _as_tensor(data, dt, op)
    ind = _as_tensor(indices, _I64, op)
    ptr = _as_tensor(indptr, _I64, op)
    if shape is None:
        if ind.dim() != 1 or ind.shape[0] == 0:
            raise MXNetValueError("invalid shape")
        shape = (ptr.shape[0] - 1, int(ind.max()) + 1)
    shape = tuple(int(s) for s in shape)
    if d.dim() != 1 or ptr.dim() != 1 or ind.dim() != 1 or ptr.shape[0] == 0 or \
            len(shape) != 2:
        raise MXNetValueError("invalid shape")
    m, n = shape
    nnz = d.shape[0]
    if ptr.shape[0] != m + 1 or ind.shape[0] != nnz or int(ptr[0]) != 0 or \
            int(ptr[-1]) != nnz or bool((ptr[1:] < ptr[:-1]).any()):
        raise MXNetValueError(f"{op}: indptr {ptr.tolist()} does not describe {nnz} stored "
                              f"values in {m} rows (mxcompat validates the layout; MXNet "
                              "does not and gives undefined results)")
    if nnz and (bool((ind < 0).any()) or int(ind.max()) >= n):
        raise MXNetValueError(f"{op}: column index out of range [0, {n}) in indices "
                              f"(mxcompat validates the layout; MXNet does not)")
    c, dev = _ctx_dev(ctx)
    t = torch.zeros(shape, dtype=dt)
    if nnz:
        rows = _csr_rows(ptr)
        t.index_put_((rows, ind), d, accumulate=True)
    t, d, ind, ptr = t.to(dev), d.to(dev), ind.to(dev), ptr.to(dev)
    return _make("csr", t, (ind, ptr), d, _ctx_for(c, dev))  # type: ignore[return-value]


def _from_rsp_def(data: Any, indices: Any, shape: Any, ctx: Any,
                  dtype: Any) -> RowSparseNDArray:
    op = "row_sparse_array"
    dt = _src_dtype(data, dtype)
    d = _as_tensor(data, dt, op)
    ind = _as_tensor(indices, _I64, op)
    if shape is None:
        if ind.dim() != 1 or ind.shape[0] == 0:
            raise MXNetValueError("invalid shape")
        shape = (int(ind[-1]) + 1,) + tuple(d.shape[1:])
    shape = tuple(int(s) for s in shape)
    if d.dim() != len(shape) or ind.dim() != 1 or int(np.prod(shape[1:])) == 0:
        raise MXNetValueError("invalid shape")
    if d.shape[0] != ind.shape[0] or tuple(d.shape[1:]) != shape[1:]:
        raise MXNetValueError(f"{op}: data of shape {tuple(d.shape)} does not match "
                              f"{ind.shape[0]} row indices of an array of shape {shape}")
    if ind.numel() and (bool((ind < 0).any()) or int(ind.max()) >= shape[0]):
        raise MXNetValueError(f"{op}: row index out of range [0, {shape[0]}) in indices "
                              "(mxcompat validates the layout; MXNet does not)")
    if ind.numel() > 1 and bool((ind[1:] <= ind[:-1]).any()):
        raise MXNetValueError(f"{op}: row indices must be sorted and unique, got "
                              f"{ind.tolist()} (mxcompat validates the layout; MXNet does "
                              "not and gives undefined results)")
    c, dev = _ctx_dev(ctx)
    t = torch.zeros(shape, dtype=dt)
    if ind.numel():
        t[ind] = d
    t, d, ind = t.to(dev), d.to(dev), ind.to(dev)
    return _make("row_sparse", t, (ind,), d, _ctx_for(c, dev))  # type: ignore[return-value]


def _empty_sparse(stype: str, shape: Any, ctx: Any, dtype: Any) -> BaseSparseNDArray:
    if stype not in _CLASSES:
        raise MXNetValueError(f"unknown storage type {stype}")
    from .creation import _shape
    shp = _shape(shape, "zeros")
    dt = _dtypes.to_torch(dtype, where="zeros")
    c, dev = _ctx_dev(ctx)
    t = torch.zeros(shp, dtype=dt, device=dev)
    if stype == "csr":
        if len(shp) != 2:
            raise MXNetValueError(f"zeros: a csr array must be 2-D, got shape {shp}")
        aux: tuple = (torch.zeros(0, dtype=_I64, device=dev),
                      torch.zeros(shp[0] + 1, dtype=_I64, device=dev))
    else:
        aux = (torch.zeros(0, dtype=_I64, device=dev),)
    return _make(stype, t, aux, None, _ctx_for(c, dev))


def _pyfn(name: str, torch_eq: str = "", notes: str = "", like: Optional[str] = None,
          inputs: Optional[Sequence[str]] = None) -> Callable:
    """Declare a function of mx.nd.sparse: ``register(python=True)``; ``like``: the dense op
    whose schema it has."""
    reg = _op.register(name, python=True, ns="sparse", family="sparse", torch=torch_eq,
                       notes=notes, like=like, inputs=inputs)

    def deco(fn: Callable) -> Callable:
        fn.__module__ = "mxcompat.ndarray.sparse"
        return reg(fn)
    return deco


@_pyfn("csr_matrix", "torch.sparse_csr_tensor (values kept dense)")
def csr_matrix(arg1: Any, shape: Any = None, ctx: Any = None, dtype: Any = None) -> CSRNDArray:
    """Create a CSRNDArray from (data, indices, indptr), (data, (row, col)), a shape, a
    dense array/NDArray, a CSRNDArray or a scipy.sparse.csr_matrix."""
    if isinstance(arg1, tuple):
        if len(arg1) == 2:
            if isinstance(arg1[1], tuple) and len(arg1[1]) == 2:
                data, (row, col) = arg1
                try:
                    import scipy.sparse as spsp
                except ImportError:
                    raise ImportError("scipy could not be imported. Please make sure that "
                                      "the scipy is installed.") from None
                data, row, col = (x.asnumpy() if isinstance(x, NDArray) else x
                                  for x in (data, row, col))
                coo = spsp.coo_matrix((data, (row, col)), shape=shape)
                _check_shape(coo.shape, shape)
                return array(coo.tocsr(), ctx=ctx, dtype=dtype)  # type: ignore[return-value]
            _check_shape(arg1, shape)
            return empty("csr", arg1, ctx=ctx, dtype=dtype)  # type: ignore[return-value]
        if len(arg1) == 3:
            return _from_csr_def(arg1[0], arg1[1], arg1[2], shape, ctx, dtype)
        raise MXNetValueError(f"Unexpected length of input tuple: {len(arg1)}")
    if isinstance(arg1, CSRNDArray) or _is_scipy(arg1):
        _check_shape(arg1.shape, shape)
        return array(arg1, ctx=ctx, dtype=dtype)  # type: ignore[return-value]
    if isinstance(arg1, RowSparseNDArray):
        raise MXNetValueError("Unexpected input type: RowSparseNDArray")
    return _from_dense(arg1, "csr", shape, ctx, dtype)  # type: ignore[return-value]


def _from_dense(arg1: Any, stype: str, shape: Any, ctx: Any, dtype: Any) -> BaseSparseNDArray:
    from .creation import array as _array
    dns = _array(arg1, dtype=_src_dtype(arg1, dtype))
    if ctx is not None and dns.context != ctx:
        dns = dns.as_in_context(ctx)
    _check_shape(dns.shape, shape)
    if stype == "csr" and dns.ndim != 2:
        raise MXNetValueError("To convert to a CSR, the NDArray should be 2 Dimensional. "
                              f"Current shape is {dns.shape}")
    return cast_storage(dns, stype=stype)  # type: ignore[return-value]


@_pyfn("row_sparse_array", "a dense tensor with a row index set")
def row_sparse_array(arg1: Any, shape: Any = None, ctx: Any = None,
                     dtype: Any = None) -> RowSparseNDArray:
    """Create a RowSparseNDArray from (data, indices), a shape, a dense array/NDArray or a
    RowSparseNDArray."""
    if isinstance(arg1, tuple):
        if len(arg1) < 2:
            raise MXNetValueError(f"Unexpected length of input tuple: {len(arg1)}")
        if len(arg1) > 2 or (isinstance(arg1[0], (int, np.integer)) and
                             isinstance(arg1[1], (int, np.integer))):
            _check_shape(arg1, shape)
            return empty("row_sparse", arg1, ctx=ctx, dtype=dtype)  # type: ignore
        return _from_rsp_def(arg1[0], arg1[1], shape, ctx, dtype)
    if isinstance(arg1, RowSparseNDArray):
        _check_shape(arg1.shape, shape)
        return array(arg1, ctx=ctx, dtype=dtype)  # type: ignore[return-value]
    if isinstance(arg1, CSRNDArray):
        raise MXNetValueError("Unexpected input type: CSRNDArray")
    return _from_dense(arg1, "row_sparse", shape, ctx, dtype)  # type: ignore[return-value]


@_pyfn("array")
def array(source_array: Any, ctx: Any = None, dtype: Any = None) -> BaseSparseNDArray:
    """A sparse array from a CSRNDArray, a RowSparseNDArray or a scipy.sparse.csr_matrix."""
    if isinstance(source_array, NDArray):
        if not isinstance(source_array, BaseSparseNDArray):
            raise MXNetValueError("Please use `tostype` to create RowSparseNDArray or "
                                  "CSRNDArray from an NDArray")
        dt = _src_dtype(source_array, dtype)
        c, dev = _ctx_dev(ctx)
        src = source_array._t.detach()
        t = (_cast(src, dt) if dt != src.dtype else src.clone()).to(dev)
        aux = tuple(a.to(dev) for a in source_array._pattern())
        data = source_array._sdata
        if data is not None:
            data = (_cast(data, dt) if dt != data.dtype else data.clone()).to(dev)
        return _make(source_array._STYPE, t, aux, data, _ctx_for(c, dev))
    if _is_scipy(source_array) and getattr(source_array, "format", "") == "csr":
        csr = source_array.sorted_indices()
        csr.sum_duplicates()
        return csr_matrix((csr.data, csr.indices, csr.indptr), shape=csr.shape,
                          dtype=_src_dtype(source_array, dtype), ctx=ctx)
    if isinstance(source_array, (np.ndarray, np.generic)):
        raise MXNetValueError("Please use mx.nd.array to create an NDArray with source_array "
                              f"of type {type(source_array)}")
    raise MXNetValueError(f"Unexpected source_array type: {type(source_array)}")


@_pyfn("zeros", "torch.zeros")
def zeros(stype: str, shape: Any, ctx: Any = None, dtype: Any = None, **kwargs: Any) -> NDArray:
    """An all-zero array of storage type ``stype`` ('default', 'csr', 'row_sparse')."""
    if stype == "default":
        from .creation import zeros as _zeros
        return _zeros(shape, ctx=ctx, dtype=dtype, **kwargs)
    if stype not in _CLASSES:
        raise MXNetValueError(f"unknown storage type{stype}")
    return _empty_sparse(stype, shape, ctx, dtype)


@_pyfn("empty", "torch.zeros")
def empty(stype: str, shape: Any, ctx: Any = None, dtype: Any = None) -> NDArray:
    """An empty sparse array (no stored values) of storage type ``stype``."""
    if isinstance(shape, int):
        shape = (shape,)
    if stype in _CLASSES:
        return zeros(stype, shape, ctx=ctx, dtype=dtype)
    raise MXNetError(f"unknown stype : {stype}")


# ----------------------------------------------------------------------------------------
# cast_storage / retain
_STYPES = ("csr", "default", "row_sparse")


def _cast_storage(data: Any = None, stype: Any = _Null, out: Any = None, name: Any = None,
                  **kwargs: Any) -> NDArray:
    op = "cast_storage"
    if kwargs:
        _op._kw_error(op, kwargs, ("stype",))
    if not isinstance(data, NDArray):
        _op.unwrap(data, op, "data")
    if stype is _Null:
        _op._missing(op, "stype")
    st = str(stype)
    if st not in _STYPES:
        raise MXNetValueError(f"{op}: Invalid Input: {st!r}, valid values are: "
                              "{'csr', 'default', 'row_sparse'}")
    src = data.stype
    t = data._src()
    if st == "default":
        r: NDArray = _wrap(t.clone(), data._ctx)
    elif src == st:
        r = _like(data, t.clone())
    elif src != "default":
        raise _storage_error(op, [src], f"cast_storage from {src} to {st} is not supported")
    elif st == "csr":
        if t.dim() != 2:
            raise MXNetError(f"{op}: Check failed: dns.shape_.ndim() == 2 ({t.dim()} vs. 2) "
                             ": a csr array must be 2-D")
        r = _make("csr", t.clone(), None, None, data._ctx)
    else:
        if t.dim() == 0:
            raise MXNetError(f"{op}: a row_sparse array needs at least one dimension")
        r = _make("row_sparse", t.clone(), None, None, data._ctx)
    return _finish(r, out, op)


def _retain(data: Any = None, indices: Any = None, out: Any = None, name: Any = None,
            **kwargs: Any) -> NDArray:
    op = "_sparse_retain"
    if kwargs:
        _op._kw_error(op, kwargs, ())
    for v, n in ((data, "data"), (indices, "indices")):
        if not isinstance(v, NDArray):
            _op.unwrap(v, op, n)
    if data.stype != "row_sparse" or indices.stype != "default":
        raise _storage_error(op, [data.stype, indices.stype])
    t = data._src()
    idx = indices._t.detach().to(_I64).reshape(-1)
    if idx.numel() and (bool((idx < 0).any()) or int(idx.max()) >= t.shape[0]):
        raise MXNetError(f"{op}: row index out of range [0, {t.shape[0]}) in indices")
    idx = torch.unique(idx)  # sorted, as a row_sparse layout is
    keep = torch.zeros(t.shape[0], dtype=torch.bool, device=t.device)
    keep[idx] = True
    mask = keep.reshape((t.shape[0],) + (1,) * (t.dim() - 1))
    r = _make("row_sparse", torch.where(mask, t, torch.zeros((), dtype=t.dtype,
                                                             device=t.device)),
              (idx,), None, data._ctx)
    return _finish(r, out, op)


def _finish(r: NDArray, out: Any, op: str) -> NDArray:
    if out is None:
        return r
    if not isinstance(out, NDArray):
        raise MXNetTypeError(f"{op}: out= must be an NDArray, got {type(out).__name__}")
    if tuple(out.shape) != tuple(r.shape):
        raise MXNetValueError(f"{op}: Incompatible attr at 0-th output: expected "
                              f"{list(r.shape)}, got {list(out.shape)} (the out= array's shape)")
    out._assign(r._t.detach() if not STATE.recording else r._t)
    if isinstance(out, BaseSparseNDArray) and isinstance(r, BaseSparseNDArray) and \
            out._STYPE == r._STYPE:
        _set_layout(out, r._pattern(), None)
    return out


# ----------------------------------------------------------------------------------------
# storage-type rules
# A rule takes (op name, the array inputs, the bound parameters) and returns
# (output stype, pattern mode) or raises. Pattern modes:
#   "keep"  - the first sparse input's pattern (values outside it are zero)
#   "union" - the union of the inputs' row_sparse row sets
#   "nz"    - the result's non-zeros
#   "empty" - no stored values
#   "cols"  - dot(csr.T, x): rows = the csr's distinct column indices
Rule = Callable[[str, list, dict], Tuple[str, str]]

_S = {"default": "d", "csr": "c", "row_sparse": "r"}


def _sig(ins: list) -> str:
    return "".join(_S[x.stype] for x in ins)


def _keep(op: str, ins: list, kw: dict) -> Tuple[str, str]:
    """f(0) == 0 unary ops: csr -> csr, row_sparse -> row_sparse (same stored pattern)."""
    x = ins[0]
    if x.stype == "csr" and int(x._pattern()[0].numel()) == 0:
        # MXNet 1.9.1 leaves the output's storage unallocated for a csr input without
        # stored entries: indptr comes back with shape (0,)
        return "csr", "keep_noptr"
    return x.stype, "keep"


_F32_F64 = (torch.float32, torch.float64)


def _float_kernel(op: str, ins: list) -> None:
    """MXNet's sparse kernels for csr (+) dense run in float32/float64 only."""
    if ins and ins[0]._t.dtype not in _F32_F64:
        raise MXNetError(f"{op}: This operation only supports 32-bit and 64-bit floating "
                         f"point (got {str(ins[0]._t.dtype).replace('torch.', '')})")


def _norm(op: str, ins: list, kw: dict) -> Tuple[str, str]:
    """norm of a sparse array: float32/float64 only (float16: not implemented)."""
    if ins and isinstance(ins[0], BaseSparseNDArray):
        dt = ins[0]._t.dtype
        if dt == torch.float16:
            raise MXNetError(f"{op}: Not implemented for float16 {ins[0].stype} input")
        if not dt.is_floating_point:
            raise MXNetError(f"{op}: This operation only support floating point types, not "
                             f"{str(dt).replace('torch.', '')}")
    return "default", "nz"


def _fully_connected(op: str, ins: list, kw: dict) -> Tuple[str, str]:
    if ins and ins[0]._t.dtype == torch.float16:
        raise MXNetError(f"{op}: float16 fully connected layer is currently only supported "
                         "by the CuDNN version (CPU: float32/float64)")
    return "default", "nz"


def _dense_out(op: str, ins: list, kw: dict) -> Tuple[str, str]:
    """f(0) != 0 or reductions: always default storage."""
    return "default", "nz"


def _zeros_like(op: str, ins: list, kw: dict) -> Tuple[str, str]:
    return ins[0].stype, "empty"


def _clip(op: str, ins: list, kw: dict) -> Tuple[str, str]:
    st = ins[0].stype
    if st == "default":
        return st, "nz"
    lo, hi = float(kw.get("a_min", 0.0)), float(kw.get("a_max", 0.0))
    if not (lo <= 0.0 <= hi):
        raise _storage_error(op, [st], "clip keeps sparse storage only when "
                                       "a_min <= 0 <= a_max")
    return st, "keep"


def _slice_rule(op: str, ins: list, kw: dict) -> Tuple[str, str]:
    st = ins[0].stype
    step = kw.get("step")
    if st == "csr" and ins[0].ndim == 2 and not (step and any(s not in (None, 1)
                                                                for s in step)):
        return "csr", "keep"
    return "default", "nz"


def _elemwise_addsub(op: str, ins: list, kw: dict) -> Tuple[str, str]:
    s = _sig(ins)
    if s == "cc":
        return "csr", "nz"
    if s == "rr":
        return "row_sparse", "union"
    if s in ("cd", "dc"):
        _float_kernel(op, ins)
    return "default", "nz"


def _elemwise_mul(op: str, ins: list, kw: dict) -> Tuple[str, str]:
    s = _sig(ins)
    if s == "cc":
        return "csr", "nz"
    if s in ("cd", "dc"):
        _float_kernel(op, ins)
        return "csr", "keep"
    if s == "rr":
        return "row_sparse", "union"
    if s in ("rd", "dr"):
        return "row_sparse", "keep"
    return "default", "nz"


def _broadcast_muldiv(op: str, ins: list, kw: dict) -> Tuple[str, str]:
    lhs, rhs = ins
    if lhs.stype == "csr" and rhs.stype == "default":
        if op == "broadcast_div" and tuple(lhs.shape) == tuple(rhs.shape):
            raise MXNetError(f"{op}: Check failed: supported_op: Please use elemwise_div for "
                             "division between csr and dense of the same shape")
        return "csr", "keep"
    return "default", "nz"


def _add_n(op: str, ins: list, kw: dict) -> Tuple[str, str]:
    if ins and all(x.stype == "row_sparse" for x in ins):
        return "row_sparse", "union"
    return "default", "nz"


def _dot(op: str, ins: list, kw: dict) -> Tuple[str, str]:
    ta, tb = bool(kw.get("transpose_a", False)), bool(kw.get("transpose_b", False))
    s = _sig(ins)
    if s[:1] == "c" and len(ins) == 2 and ins[1].ndim != 2:
        raise MXNetError(f"{op}: Check failed: inputs[1].shape().ndim() == 2 "
                         f"({ins[1].ndim} vs. 2) : sparse dot only supports 2 dimensional rhs")
    if s in ("cd", "cr") and ta and not tb:
        return "row_sparse", "cols"
    if s == "dc":
        return "csr", "nz"
    return "default", "nz"


def _concat(op: str, ins: list, kw: dict) -> Tuple[str, str]:
    if ins and all(x.stype == "csr" for x in ins) and int(kw.get("dim", 1)) == 0:
        return "csr", "nz"
    return "default", "nz"


# ----------------------------------------------------------------------------------------
# the op wrapper
def _dense_fn(name: str) -> Callable:
    fn = _op.NAMESPACES.get("nd", {}).get(name)
    if fn is None or getattr(fn, "_mx_stub", False):
        raise MXNetError(f"mx.nd.sparse.{name}: the dense op mx.nd.{name} is not available")
    return fn


def _bind(fn: Callable, args: tuple, kwargs: dict) -> Tuple[list, dict]:
    """Split an op call into its array inputs (in order) and its parameters."""
    info = getattr(fn, "_mx_info", None)
    names = list(info.inputs) if info is not None else []
    if info is None or any(p.kind is p.VAR_POSITIONAL
                           for p in inspect.signature(fn).parameters.values()):
        return [a for a in args if isinstance(a, NDArray)], dict(kwargs)
    ins = []
    kw = dict(kwargs)
    pos = list(args)
    bound: Dict[str, Any] = {}
    for n in names:
        if pos:
            bound[n] = pos.pop(0)
        elif n in kw:
            bound[n] = kw.pop(n)
    ins = [v for v in bound.values() if isinstance(v, NDArray)]
    params = list(info.params) if info is not None else []
    for p, v in zip(params, pos):
        kw[p] = v
    return ins, kw


def _apply_pattern(r: NDArray, stype: str, mode: str, ins: list, op: str,
                   mask_fn: Optional[Callable] = None) -> NDArray:
    t = r._t
    if stype == "default":
        return r if type(r) is NDArray else _wrap(t, r._ctx)
    sp = [x for x in ins if isinstance(x, BaseSparseNDArray)]
    zero = torch.zeros((), dtype=t.dtype, device=t.device)
    if mode == "keep" and sp and tuple(sp[0].shape) == tuple(t.shape):
        src = sp[0]
        aux = src._pattern()
        if stype == "csr":
            mask = _csr_mask(tuple(t.shape), *aux)
        else:
            mask = _rsp_mask(tuple(t.shape), aux[0])
        t = torch.where(mask, t, zero)
        aux = tuple(a.clone() for a in aux)
    elif mode == "keep_noptr":
        t = torch.zeros_like(t)
        res = _make(stype, t, None, None, r._ctx)
        res._noptr = True
        return res
    elif mode == "keep" and sp and mask_fn is not None:
        src = sp[0]
        full = _csr_mask(tuple(src.shape), *src._pattern()) if src._STYPE == "csr" else \
            _rsp_mask(tuple(src.shape), src._pattern()[0])
        mask = mask_fn(_wrap(full.to(t.dtype)))._t != 0
        t = torch.where(mask, t, zero)
        aux = _csr_pattern(mask) if stype == "csr" else (_rsp_pattern(mask),)
    elif mode == "union":
        rows = torch.unique(torch.cat([x._pattern()[0] for x in sp])) if sp else \
            torch.zeros(0, dtype=_I64, device=t.device)
        t = torch.where(_rsp_mask(tuple(t.shape), rows), t, zero)
        aux = (rows,)
    elif mode == "empty":
        aux = None
        t = torch.zeros_like(t)
        if stype == "csr":
            aux = (torch.zeros(0, dtype=_I64, device=t.device),
                   torch.zeros(t.shape[0] + 1, dtype=_I64, device=t.device))
        else:
            aux = (torch.zeros(0, dtype=_I64, device=t.device),)
    elif mode == "cols":
        cols = torch.unique(sp[0]._pattern()[0]) if sp else torch.zeros(
            0, dtype=_I64, device=t.device)
        t = torch.where(_rsp_mask(tuple(t.shape), cols), t, zero)
        aux = (cols,)
    else:
        aux = None
    return _make(stype, t, aux, None, r._ctx)


def _rsp_int_div(dfn: Callable, ins: list) -> NDArray:
    """Integer row_sparse / row_sparse: MXNet divides the stored rows only (rows neither
    stores are 0, not a division by zero)."""
    rows = torch.unique(torch.cat([x._pattern()[0] for x in ins]))
    q = dfn(_wrap(ins[0]._t[rows], ins[0]._ctx), _wrap(ins[1]._t[rows], ins[0]._ctx))._t
    out = torch.zeros(tuple(ins[0].shape), dtype=q.dtype, device=q.device)
    out[rows] = q
    return _wrap(out, ins[0]._ctx)


def _make_op(name: str, rule: Rule, dense: Optional[str] = None, notes: str = "") -> Callable:
    dname = dense or name

    def fn(*args: Any, **kwargs: Any) -> Any:
        out = kwargs.pop("out", None)
        kwargs.pop("name", None)
        dfn = _dense_fn(dname)
        ins, kw = _bind(dfn, args, kwargs)
        stype, mode = rule(name, ins, kw)
        pargs = tuple(_plain(a) if isinstance(a, NDArray) else a for a in args)
        pkw = {k: (_plain(v) if isinstance(v, NDArray) else v) for k, v in kwargs.items()}
        if name == "elemwise_div" and _sig(ins) == "rr" and \
                not ins[0]._t.dtype.is_floating_point:
            r = _rsp_int_div(dfn, ins)
        else:
            r = dfn(*pargs, **pkw)
        if isinstance(r, (list, tuple)):
            return _finish(r[0], out, name) if out is not None else r
        mask_fn = None
        if mode == "keep" and any(isinstance(a, BaseSparseNDArray) and
                                  tuple(a.shape) != tuple(r.shape) for a in ins):
            # the result's pattern: the same op applied to the input's pattern mask
            rest = {k: v for k, v in pkw.items() if not isinstance(v, NDArray)}
            mask_fn = lambda m: dfn(m, *pargs[1:], **rest)  # noqa: E731
        res = _apply_pattern(r, stype, mode, ins, name, mask_fn)
        return _finish(res, out, name)

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = (f"mx.nd.sparse.{name}: mx.nd.{dname} with MXNet 1.9.1's storage-type "
                  f"rule ({rule.__doc__ or rule.__name__.strip('_')}).")
    return _pyfn(name, f"mx.nd.{dname} on the dense values", notes, like=f"nd.{dname}")(fn)


_UNARY_KEEP = ("abs", "arcsin", "arcsinh", "arctan", "arctanh", "cbrt", "ceil", "degrees",
               "expm1", "fix", "floor", "log1p", "negative", "radians", "relu", "rint",
               "round", "sign", "sin", "sinh", "sqrt", "square", "tan", "tanh", "trunc",
               "make_loss", "stop_gradient")
_UNARY_DENSE = ("arccos", "arccosh", "cos", "cosh", "exp", "gamma", "gammaln", "log", "log10",
                "log2", "rsqrt", "sigmoid", "sum", "mean", "where", "Embedding",
                "LinearRegressionOutput", "LogisticRegressionOutput",
                "MAERegressionOutput", "broadcast_add", "broadcast_sub", "broadcast_plus",
                "broadcast_minus", "elemwise_div")

#: op name -> (storage rule, dense mx.nd op name or None for the same name)
_RULES: Dict[str, Tuple[Rule, Optional[str]]] = {}
_RULES.update({n: (_keep, None) for n in _UNARY_KEEP})
_RULES.update({n: (_dense_out, None) for n in _UNARY_DENSE})
_RULES.update({
    "zeros_like": (_zeros_like, None),
    "norm": (_norm, None),
    "FullyConnected": (_fully_connected, None),
    "clip": (_clip, None),
    "slice": (_slice_rule, None),
    "elemwise_add": (_elemwise_addsub, None),
    "elemwise_sub": (_elemwise_addsub, None),
    "elemwise_mul": (_elemwise_mul, None),
    "broadcast_mul": (_broadcast_muldiv, None),
    "broadcast_div": (_broadcast_muldiv, None),
    "add_n": (_add_n, None),
    "ElementWiseSum": (_add_n, "add_n"),
    "dot": (_dot, None),
    "concat": (_concat, None),
})

for _name, (_rule, _dense) in _RULES.items():
    _make_op(_name, _rule, _dense)

def _dispatch(op: str, inputs: Dict[str, Any], params: Dict[str, Any], out: Any) -> Any:
    """mx.nd.<op> called with a sparse input: MXNet runs the same op, so its storage rule
    applies there too (``mx.nd.abs(csr)`` is csr). Ops without a rule: NotImplemented, and
    the dense op runs on the values (MXNet's storage fallback)."""
    if op not in _RULES:
        return NotImplemented
    fn = _op.NAMESPACES["sparse"][op]
    kw = dict(params)
    if out is not None:
        kw["out"] = out
    vals = list(inputs.values())
    if len(inputs) == 1 and isinstance(vals[0], list):  # variadic ops (add_n, concat)
        return fn(*vals[0], **kw)
    return fn(**inputs, **kw)


_op.SPARSE_DISPATCH[0] = _dispatch


# ----------------------------------------------------------------------------------------
# helpers MXNet's mx.nd.sparse module exposes because it imports them (module attributes)
@_pyfn("current_context", "mx.current_context()")
def current_context() -> Context:
    """The current default context (``mx.current_context()``)."""
    from ..context import current_context as _cc
    return _cc()


@_pyfn("py_sum", "builtins.sum")
def py_sum(iterable: Any, start: Any = 0) -> Any:
    """Python's builtin ``sum`` (MXNet's sparse module keeps it under this name)."""
    return builtins.sum(iterable, start)


@_pyfn("check_call", "(MXNet's C API return-code check)")
def check_call(ret: int) -> None:
    """MXNet's C API return-code check: mxcompat has no C API, so any non-zero code is an
    error."""
    if ret != 0:
        raise MXNetError(f"check_call: C API call failed with return code {ret} (mxcompat has "
                         "no MXNet C API)")


@_pyfn("c_array_buf", "(ctype * len(buf)).from_buffer(buf)")
def c_array_buf(ctype: Any, buf: Any) -> Any:
    """A ctypes array of ``ctype`` over the writable buffer ``buf`` (no copy), as MXNet's."""
    return (ctype * len(buf)).from_buffer(buf)

cast_storage = _pyfn("cast_storage", "Tensor.to_sparse_csr / to_dense (values kept dense)",
                     inputs=("data",))(
    _cast_storage)
cast_storage.__name__ = "cast_storage"
_op.register("cast_storage", python=True, family="sparse", inputs=("data",),
             torch="Tensor.to_sparse_csr / to_dense")(cast_storage)
retain = _pyfn("retain", "rows of a row_sparse array", inputs=("data", "indices"))(_retain)
retain.__name__ = "retain"
gs_retain = _pyfn("gs_retain", "rows of a row_sparse array", inputs=("data", "indices"))(
    _retain)


# ----------------------------------------------------------------------------------------
# add / subtract / multiply / divide (MXNet's Python-level dispatch)
def _is_num(x: Any) -> bool:
    return isinstance(x, (int, float, bool, np.number, np.bool_))


def _scalar_op(x: NDArray, s: Any, kind: str, reverse: bool = False) -> NDArray:
    d = _plain(x)
    if kind == "add":
        r = d + s
    elif kind == "sub":
        r = (s - d) if reverse else (d - s)
    elif kind == "mul":
        r = d * s
    else:
        r = (s / d) if reverse else (d / s)
    if isinstance(x, BaseSparseNDArray) and kind in ("mul", "div"):
        return _apply_pattern(r, x._STYPE, "keep", [x], "_scalar")
    return r


def _ufunc(lhs: Any, rhs: Any, kind: str, elem: str, bcast: str) -> NDArray:
    if _is_num(lhs) and _is_num(rhs):
        import operator
        return {"add": operator.add, "sub": operator.sub, "mul": operator.mul,
                "div": operator.truediv}[kind](lhs, rhs)
    if _is_num(rhs):
        return _scalar_op(lhs, rhs, kind)
    if _is_num(lhs):
        # MXNet 1.9.1 quirk reproduced: sparse.subtract(s, x) and sparse.divide(s, x) have
        # no reflected scalar op and compute x - s and x / s.
        return _scalar_op(rhs, lhs, kind)
    if not isinstance(lhs, NDArray) or not isinstance(rhs, NDArray):
        raise MXNetTypeError(f"type {type(rhs if isinstance(lhs, NDArray) else lhs)} "
                             "not supported")
    if tuple(lhs.shape) == tuple(rhs.shape):
        return _op.NAMESPACES["sparse"][elem](lhs, rhs)
    return _op.NAMESPACES["sparse"][bcast](lhs, rhs)


@_pyfn("add", "torch.add")
def add(lhs: Any, rhs: Any) -> NDArray:
    """lhs + rhs: elemwise_add for equal shapes, broadcast_add otherwise."""
    return _ufunc(lhs, rhs, "add", "elemwise_add", "broadcast_add")


@_pyfn("subtract", "torch.sub")
def subtract(lhs: Any, rhs: Any) -> NDArray:
    """lhs - rhs: elemwise_sub for equal shapes, broadcast_sub otherwise."""
    return _ufunc(lhs, rhs, "sub", "elemwise_sub", "broadcast_sub")


@_pyfn("multiply", "torch.mul")
def multiply(lhs: Any, rhs: Any) -> NDArray:
    """lhs * rhs: elemwise_mul for equal shapes, broadcast_mul otherwise."""
    return _ufunc(lhs, rhs, "mul", "elemwise_mul", "broadcast_mul")


@_pyfn("divide", "torch.div")
def divide(lhs: Any, rhs: Any) -> NDArray:
    """lhs / rhs: elemwise_div for equal shapes, broadcast_div otherwise."""
    return _ufunc(lhs, rhs, "div", "elemwise_div", "broadcast_div")


broadcast_div = _op.NAMESPACES["sparse"]["broadcast_div"]


# ----------------------------------------------------------------------------------------
# optimizer updates: a row_sparse gradient with lazy_update updates only its rows
def _make_update(name: str, n_states: int, lazy_param: bool) -> Callable:
    def fn(*args: Any, **kwargs: Any) -> Any:
        out = kwargs.pop("out", None)
        kwargs.pop("name", None)
        dfn = _dense_fn(name if name != "adagrad_update" else "sgd_update")
        arrays = list(args[:2 + n_states])
        rest = args[2 + n_states:]
        in_names = ["weight", "grad"] + [f"state{i}" for i in range(n_states)]
        for i, n in enumerate(("weight", "grad")):
            if i >= len(arrays) and n in kwargs:
                arrays.append(kwargs.pop(n))
        if name != "adagrad_update":
            info = dfn._mx_info  # type: ignore[attr-defined]
            for n in info.inputs[len(arrays):]:
                if n in kwargs:
                    arrays.append(kwargs.pop(n))
            in_names = list(info.inputs)
        elif len(arrays) < 3 and "history" in kwargs:
            arrays.append(kwargs.pop("history"))
        for a, n in zip(arrays, in_names):
            if not isinstance(a, NDArray):
                _op.unwrap(a, name, n)
        if len(arrays) < 2 + n_states:
            raise MXNetValueError(f"{name}: required input '{in_names[len(arrays)]}' is "
                                  "missing")
        w, g = arrays[0], arrays[1]
        states = arrays[2:]
        if name == "adagrad_update":
            return _adagrad(w, g, states[0], out, rest, kwargs)
        lazy = True
        if lazy_param:
            lz = kwargs.get("lazy_update", True)
            lazy = _op.Bool(lz, name, "lazy_update")
        if g.stype == "row_sparse" and (out is None or out is not w):
            if lazy or w.stype == "row_sparse":
                raise MXNetError(f"{name}: Check failed: req == kWriteInplace: kWriteInplace "
                                 f"is expected for sparse {name} (pass out=weight)")
        if g.stype == "row_sparse" and lazy and lazy_param:
            rows = g._pattern()[0]
            sub = [_wrap(x._t.detach()[rows].clone(), x._ctx) for x in [w, g] + states]
            dfn(*sub, *rest, **kwargs, out=sub[0])
            with torch.no_grad():
                for x, s in zip([w] + states, [sub[0]] + sub[2:]):
                    x._t[rows] = s._t
            return w
        r = dfn(*[_plain(x) for x in [w, g] + states], *rest, **kwargs)
        return _finish(r, out, name)

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = (f"mx.nd.sparse.{name}: with a row_sparse gradient (and lazy_update), only "
                  "the gradient's rows of the weight and states are updated.")
    return _pyfn(name, f"mx.nd.{name} on the gradient's rows",
                 like=f"nd.{name}" if name != "adagrad_update" else None)(fn)


def _adagrad(w: NDArray, g: NDArray, h: NDArray, out: Any, rest: tuple,
             kw: dict) -> NDArray:
    op = "_sparse_adagrad_update"
    pn = ("lr", "epsilon", "wd", "rescale_grad", "clip_gradient")
    for p, v in zip(pn, rest):
        kw[p] = v
    bad = [k for k in kw if k not in pn]
    if bad:
        _op._kw_error(op, {bad[0]: kw[bad[0]]}, pn)
    if kw.get("lr", _Null) in (_Null, None):
        raise MXNetValueError(f"{op}: Required parameter lr of float is not presented")
    lr = _op.Float(kw["lr"], op, "lr")
    eps = _op.Float(kw.get("epsilon", 1e-7), op, "epsilon")
    wd = _op.Float(kw.get("wd", 0.0), op, "wd")
    rescale = _op.Float(kw.get("rescale_grad", 1.0), op, "rescale_grad")
    clip = _op.Float(kw.get("clip_gradient", -1.0), op, "clip_gradient")
    if (w.stype, g.stype, h.stype) not in (("default", "row_sparse", "default"),
                                            ("row_sparse", "row_sparse", "row_sparse")) \
            or wd != 0.0:
        raise _storage_error(op, [w.stype, g.stype, h.stype],
                             "adagrad_update needs a row_sparse gradient and wd = 0")
    if out is None or out is not w:
        raise MXNetError(f"{op}: Check failed: req == kWriteInplace: kWriteInplace is "
                         "expected for sparse adagrad_update (pass out=weight)")
    if not w._t.dtype.is_floating_point:
        raise MXNetError(f"{op}: This operation only support floating point types, not "
                         f"{str(w._t.dtype).replace('torch.', '')}")
    rows = g._pattern()[0]
    with torch.no_grad():
        gg = g._t[rows] * rescale
        if clip >= 0:
            gg = gg.clamp(-clip, clip)
        hh = h._t[rows] + gg * gg
        h._t[rows] = hh
        w._t[rows] = w._t[rows] - lr * gg / (torch.sqrt(hh) + eps)
    return w


_make_update("sgd_update", 0, True)
_make_update("sgd_mom_update", 1, True)
_make_update("adam_update", 2, True)
_make_update("ftrl_update", 2, False)
_make_update("adagrad_update", 1, False)


# ----------------------------------------------------------------------------------------
# fluent methods of the sparse classes forward to the sparse ops (x.abs() keeps csr)
def _attach_methods() -> None:
    from ._methods import FLUENT
    ns = _op.NAMESPACES["sparse"]
    for name in FLUENT:
        fn = ns.get(name)
        if fn is not None:
            def method(self: NDArray, *a: Any, _fn: Callable = fn, **k: Any) -> Any:
                return _fn(self, *a, **k)
            method.__name__ = method.__qualname__ = name
            setattr(BaseSparseNDArray, name, method)


_attach_methods()




def _stype_of(x: Any) -> str:
    return x.stype if isinstance(x, NDArray) else "default"


_unused = (_np_str, _stype_of)
