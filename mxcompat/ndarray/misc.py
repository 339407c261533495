"""Miscellaneous ``mx.nd`` names: DLPack exchange, AMP casts, legacy helpers.

Implemented here: ``fill_element_0index``, ``onehot_encode``, ``identity``, ``amp_cast``,
``amp_multicast``, ``from_numpy``, ``from_dlpack``, ``to_dlpack_for_read``,
``to_dlpack_for_write`` (and the ``NDArray.to_dlpack_for_*`` methods), ``NDArray.slice_assign``,
``NDArray.slice_assign_scalar`` and MXNet's Python indexing helpers
(``get_indexing_dispatch_code``, ``get_oshape_of_gather_nd_op``,
``indexing_key_expand_implicit_axes``) and ``Custom`` (runs ``mx.operator`` custom operators,
see ``mxcompat/operator.py``). ``CachedOp`` stays unsupported (it needs the Symbol API).
"""
from __future__ import annotations

import ctypes
from typing import Any, Optional, Sequence

import numpy as np
import torch
import torch.utils.dlpack as _tdl

from .. import _dtypes
from ..base import MXNetTypeError, MXNetValueError
from ._op import Bool, Dtype, Int, register, stub
from .ndarray import NDArray, _cast, _wrap, from_torch
from .shape import _opt_tuple, pyfunc

__all__ = ["fill_element_0index", "onehot_encode", "identity", "amp_cast", "amp_multicast",
           "from_numpy", "from_dlpack", "to_dlpack_for_read", "to_dlpack_for_write",
           "get_indexing_dispatch_code", "get_oshape_of_gather_nd_op",
           "indexing_key_expand_implicit_axes", "Custom"]

_F32 = torch.float32
_slice = slice  # the builtin (nothing here shadows it, but keep the intent explicit)


def _name(dt: torch.dtype) -> str:
    return _dtypes.name(dt)


# ---- legacy row ops -------------------------------------------------------------------------
@register("fill_element_0index", family="misc",
          torch="out = lhs.clone(); out[rows, rhs.long()] = mhs (out-of-range rows untouched)")
def fill_element_0index(lhs: torch.Tensor, mhs: torch.Tensor, rhs: torch.Tensor) -> torch.Tensor:
    """A copy of the matrix ``lhs`` with ``lhs[i, int(rhs[i])] = mhs[i]`` for every row i.

    MXNet 1.9.1: float32 only; indices are truncated toward zero; a row whose index is out of
    range is left unchanged.
    """
    op = "fill_element_0index"
    for nm, t in (("lhs", lhs), ("mhs", mhs), ("rhs", rhs)):
        if t.dtype != _F32:
            raise MXNetTypeError(f"{op}: Check failed: TBlob.get_with_shape: data type do not "
                                 f"match specified type (input '{nm}' is {_name(t.dtype)}; "
                                 "MXNet's fill_element_0index supports float32 only)")
    if lhs.dim() != 2 or mhs.dim() != 1 or rhs.dim() != 1:
        raise MXNetValueError(f"{op}: Check failed: lshape.ndim() == 2 && mshape.ndim() == 1 "
                              "&& rshape.ndim() == 1: fill_row_element only support 2D "
                              f"Matrix, 1D value and 1D index (got {list(lhs.shape)}, "
                              f"{list(mhs.shape)}, {list(rhs.shape)})")
    if not lhs.shape[0] == mhs.shape[0] == rhs.shape[0]:
        raise MXNetValueError(f"{op}: Check failed: (lshape[0] == mshape[0]) && (mshape[0] == "
                              "rshape[0]): choose_row_element index vector, value vector and "
                              "matrix shape mismatch")
    out = lhs.clone()
    idx = rhs.detach().trunc()
    ok = (idx >= 0) & (idx < lhs.shape[1])
    rows = torch.arange(lhs.shape[0], device=lhs.device)[ok]
    out[rows, idx[ok].long()] = mhs[ok]
    return out


def _onehot_check(t: torch.Tensor, what: str) -> None:
    if t.dtype != _F32:
        raise MXNetTypeError(f"onehot_encode: Check failed: {what}.type_flag_ == mshadow::"
                             "default_type_flag: one_hot_encode only support float32 as "
                             f"input/output (got {_name(t.dtype)})")


def onehot_encode(indices: Any, out: Any) -> Any:
    """One-hot encode ``indices`` (1-D float32) into the 2-D float32 array ``out`` in place and
    return ``out`` (deprecated in MXNet: use ``one_hot``). Indices are truncated toward zero;
    an out-of-range index leaves its row all zeros."""
    op = "onehot_encode"
    if not isinstance(indices, NDArray) or not isinstance(out, NDArray):
        raise MXNetTypeError(f"{op}: indices and out must be NDArrays, got "
                             f"{type(indices).__name__} and {type(out).__name__}")
    it, ot = indices._t, out._t
    _onehot_check(it, "index")
    _onehot_check(ot, "ret")
    if it.dim() != 1 or ot.dim() != 2 or it.shape[0] != ot.shape[0]:
        raise MXNetValueError(f"{op}: Check failed: index[0] == proptype[0]: OneHotEncode "
                              f"shape inconsistent (indices {list(it.shape)}, out "
                              f"{list(ot.shape)})")
    idx = it.detach().trunc()
    ok = (idx >= 0) & (idx < ot.shape[1])
    r = torch.zeros_like(ot)
    rows = torch.arange(ot.shape[0], device=ot.device)[ok]
    r[rows, idx[ok].long()] = 1
    out._assign(r)
    return out


pyfunc("onehot_encode", torch_eq="torch.nn.functional.one_hot (in place into out)",
       notes="deprecated in MXNet; writes into out and returns it", family="misc")(onehot_encode)


@register("identity", family="misc", torch="tensor.clone()")
def identity(data: torch.Tensor) -> torch.Tensor:
    """A copy of the input (MXNet's ``_copy``)."""
    return data.clone()


# ---- AMP casts ------------------------------------------------------------------------------
_LOWP = (torch.float16, torch.float32, torch.bfloat16)
_INT_SAT = {torch.int32: (-2147483648.0, 2147483520.0), torch.int8: (-128.0, 127.0),
            torch.uint8: (0.0, 255.0)}


def _amp_convert(t: torch.Tensor, dt: torch.dtype) -> torch.Tensor:
    if t.dtype == dt:
        return t.clone()
    if t.dtype == _F32 and dt in _INT_SAT:
        # MXNet's CPU build converts float32 through MKLDNN: round half to even, saturate
        lo, hi = _INT_SAT[dt]
        return torch.round(t).clamp(lo, hi).to(dt)
    if dt.is_floating_point:
        return t.to(dt)
    return _cast(t, dt)


@register("amp_cast", params={"dtype": Dtype}, family="misc",
          torch="tensor.to(dtype) for float16/float32/bfloat16 inputs; identity otherwise")
def amp_cast(data: torch.Tensor, dtype: torch.dtype) -> torch.Tensor:
    """Cast between low-precision floats and float32; inputs of other dtypes pass through
    unchanged (the result keeps the input's dtype)."""
    if data.dtype not in _LOWP:
        return data.clone()
    return _amp_convert(data, dtype)


@register("amp_multicast",
          input_names=lambda p: tuple(f"data_{i}" for i in range(p["num_outputs"])),
          outputs=lambda p: ("output",) if p["num_outputs"] == 1 else tuple(
              f"output{i}" for i in range(p["num_outputs"])),
          params={"num_outputs": Int, "cast_narrow": Bool}, variadic=True,
          family="misc", torch="each float16/float32 input .to(the widest (or narrowest) type)")
def amp_multicast(*data: torch.Tensor, num_outputs: int, cast_narrow: bool = False) -> list:
    """Cast every float16/float32 input to the widest of their types (``cast_narrow``: the
    narrowest); other inputs pass through. Returns ``num_outputs`` arrays."""
    op = "amp_multicast"
    if len(data) != num_outputs:
        raise MXNetValueError(f"{op}: Check failed: num_inputs == infered_num_inputs "
                              f"({len(data)} vs. {num_outputs}) : Operator amp_multicast "
                              f"expects {num_outputs} inputs, but got {len(data)} instead.")
    floats = [t.dtype for t in data if t.dtype in _LOWP]
    if floats:
        if cast_narrow:
            target = torch.float16 if torch.float16 in floats else (
                torch.bfloat16 if torch.bfloat16 in floats else _F32)
        else:
            target = _F32 if _F32 in floats or len(set(floats)) > 1 else floats[0]
    outs = []
    for t in data:
        outs.append(t.to(target) if t.dtype in _LOWP and t.dtype != target else t.clone())
    return outs


# ---- NumPy and DLPack exchange --------------------------------------------------------------
def from_numpy(ndarray: Any, zero_copy: bool = True, array_cls: Any = NDArray) -> NDArray:
    """An NDArray backed by a NumPy array.

    ``zero_copy=True`` (the default) shares the NumPy array's memory (C-contiguous arrays
    only) and marks the NumPy array read-only, as MXNet does; ``zero_copy=False`` copies.
    """
    op = "from_numpy"
    if not isinstance(ndarray, np.ndarray):
        raise MXNetTypeError(f"{op}: expected a numpy.ndarray, got {type(ndarray).__name__}")
    if not zero_copy:
        from .creation import array
        return array(ndarray, dtype=ndarray.dtype)
    if not ndarray.flags["C_CONTIGUOUS"]:
        raise MXNetValueError(f"{op}: Only c-contiguous arrays are supported for zero-copy")
    # MXNet's DLPack type map has no int8
    if ndarray.dtype not in [np.dtype(d) for d in ("float32", "float64", "float16", "uint8",
                                                   "int32", "int64", "bool")]:
        raise MXNetValueError(f"{op}: {ndarray.dtype} is not supported.")
    t = torch.from_numpy(ndarray)
    ndarray.flags["WRITEABLE"] = False
    return _wrap(t)


pyfunc("from_numpy", torch_eq="torch.from_numpy (shares memory)",
       notes="zero_copy shares memory and makes the NumPy array read-only",
       family="misc")(from_numpy)

_PyCapsule_IsValid = ctypes.pythonapi.PyCapsule_IsValid
_PyCapsule_IsValid.restype = ctypes.c_int
_PyCapsule_IsValid.argtypes = [ctypes.py_object, ctypes.c_char_p]


def from_dlpack(dlpack: Any) -> NDArray:
    """An NDArray sharing the memory of a DLPack capsule (or of an object with
    ``__dlpack__``, e.g. a torch tensor: an mxcompat extension). A capsule can be consumed
    only once."""
    op = "from_dlpack"
    if type(dlpack).__name__ == "PyCapsule":
        if not _PyCapsule_IsValid(dlpack, b"dltensor"):
            raise MXNetValueError(f"{op}: Invalid DLPack Tensor. DLTensor capsules can be "
                                  "consumed only once.")
    elif not hasattr(dlpack, "__dlpack__"):
        raise MXNetTypeError(f"{op}: Invalid DLPack Tensor: expected a DLPack capsule, got "
                             f"{type(dlpack).__name__}")
    try:
        t = _tdl.from_dlpack(dlpack)
    except (RuntimeError, TypeError, ValueError, BufferError) as e:
        raise MXNetValueError(f"{op}: {e}") from None
    if t.dtype not in _dtypes.TORCH_TO_NP:
        raise MXNetTypeError(f"{op}: dtype {t.dtype} is not one MXNet supports")
    return from_torch(t)  # (a strided tensor is made compact, a copy)


pyfunc("from_dlpack", torch_eq="torch.utils.dlpack.from_dlpack", family="misc",
       notes="shares memory; a capsule can be consumed once")(from_dlpack)


def _to_dlpack(data: Any, op: str) -> Any:
    if not isinstance(data, NDArray):
        raise MXNetTypeError(f"{op}: expected an NDArray, got {type(data).__name__}")
    data.wait_to_read()
    t = data._t.detach()
    # MXNet arrays are always compact; an mxcompat array over a strided tensor exports a copy
    return _tdl.to_dlpack(t if t.is_contiguous() else t.contiguous())


def to_dlpack_for_read(data: Any) -> Any:
    """A DLPack capsule ("dltensor") sharing ``data``'s memory, for reading."""
    return _to_dlpack(data, "to_dlpack_for_read")


def to_dlpack_for_write(data: Any) -> Any:
    """A DLPack capsule ("dltensor") sharing ``data``'s memory, for writing."""
    return _to_dlpack(data, "to_dlpack_for_write")


for _f in (to_dlpack_for_read, to_dlpack_for_write):
    pyfunc(_f.__name__, torch_eq="torch.utils.dlpack.to_dlpack", family="misc",
           notes="a torch-made DLPack capsule sharing the array's memory")(_f)

def _to_dlpack_for_read_method(self: NDArray) -> Any:
    return to_dlpack_for_read(self)


def _to_dlpack_for_write_method(self: NDArray) -> Any:
    return to_dlpack_for_write(self)


_to_dlpack_for_read_method.__name__ = "to_dlpack_for_read"
_to_dlpack_for_write_method.__name__ = "to_dlpack_for_write"
setattr(NDArray, "to_dlpack_for_read", _to_dlpack_for_read_method)  # noqa: B010
setattr(NDArray, "to_dlpack_for_write", _to_dlpack_for_write_method)  # noqa: B010


# ---- slice_assign (in place, returns self) ---------------------------------------------------
def _slice_key(shape: Sequence[int], begin: tuple, end: tuple, step: tuple, op: str) -> tuple:
    """Index key for MXNet's Python-style slice of the leading len(begin) axes; negative steps
    as index tensors (torch basic slicing has no negative steps)."""
    if len(begin) != len(end):
        raise MXNetValueError(f"{op}: begin and end must have the same length "
                              f"({len(begin)} vs. {len(end)})")
    if len(begin) > len(shape):
        raise MXNetValueError(f"{op}: Check failed: param_begin.ndim() <= dshape.ndim() "
                              f"({len(begin)} vs. {len(shape)}) : Slicing axis exceeds data "
                              "dimensions")
    if step and len(step) != len(begin):
        raise MXNetValueError(f"{op}: step must have the same length as begin "
                              f"({len(step)} vs. {len(begin)})")
    key: list = []
    for i, (b, e) in enumerate(zip(begin, end)):
        st = step[i] if step and step[i] is not None else 1
        if st == 0:
            raise MXNetValueError(f"{op}: slice op step[{i}] cannot be 0")
        start, stop, st = _slice(b, e, st).indices(shape[i])
        if st > 0:
            key.append(_slice(start, stop, st))
        else:
            key.append(list(range(start, stop, st)))
    return tuple(key)


def _apply_assign(t: torch.Tensor, key: tuple, value: Any) -> None:
    """t[key] = value with MXNet's slice semantics (list entries: per-axis index lists)."""
    if not any(isinstance(k, list) for k in key):
        t[key] = value
        return
    # negative-step axes: build an open mesh of indices
    idx = []
    nd_ = len(key)
    for i, k in enumerate(key):
        r = torch.arange(t.shape[i])[k] if isinstance(k, _slice) else torch.tensor(k,
                                                                                 dtype=torch.long)
        shape = [1] * nd_
        shape[i] = r.numel()
        idx.append(r.to(t.device).reshape(shape))
    t[tuple(idx)] = value


def _sl_params(begin: Any, end: Any, step: Any, op: str) -> tuple:
    return (_opt_tuple(begin, op, "begin"), _opt_tuple(end, op, "end"),
            _opt_tuple(step, op, "step") if step is not None else ())


def _slice_assign(self: NDArray, rhs: Any, begin: Any, end: Any, step: Any) -> NDArray:
    """Assign ``rhs`` to ``self[begin:end:step]`` in place; return ``self``."""
    op = "slice_assign"
    if not isinstance(rhs, NDArray):
        raise MXNetTypeError(f"{op}: rhs must be an NDArray, got {type(rhs).__name__}")
    b, e, s = _sl_params(begin, end, step, op)
    t, r = self._t, rhs._t
    key = _slice_key(t.shape, b, e, s, op)
    want = tuple(t[key].shape) if not any(isinstance(k, list) for k in key) else tuple(
        len(k) if isinstance(k, list) else len(range(*k.indices(t.shape[i])))
        for i, k in enumerate(key)) + tuple(t.shape[len(key):])
    if tuple(r.shape) != want:
        raise MXNetValueError(f"{op}: Shape inconsistent, Provided = {list(r.shape)}, "
                              f"inferred shape={list(want)}")
    if r.dtype != t.dtype:
        raise MXNetTypeError(f"{op}: Incompatible attr in node at 1-th input: expected "
                             f"{_name(t.dtype)}, got {_name(r.dtype)}")
    with torch.no_grad():
        _apply_assign(t, key, r.detach())
    return self


def _slice_assign_scalar(self: NDArray, value: Any, begin: Any, end: Any, step: Any) -> NDArray:
    """Assign the scalar ``value`` (cast to this array's dtype) to ``self[begin:end:step]`` in
    place; return ``self``."""
    op = "slice_assign_scalar"
    b, e, s = _sl_params(begin, end, step, op)
    t = self._t
    key = _slice_key(t.shape, b, e, s, op)
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise MXNetValueError(f"{op}: invalid value {value!r} for parameter 'scalar' "
                              "(expected a number)") from None
    from ._rules import scalar_for
    if t.dtype == torch.bool:
        sv: Any = bool(v)
    else:
        sv = scalar_for(v, t.dtype)
        if not t.dtype.is_floating_point:
            sv = int(sv)
    with torch.no_grad():
        _apply_assign(t, key, sv)
    return self


_slice_assign.__name__ = "slice_assign"
_slice_assign_scalar.__name__ = "slice_assign_scalar"
NDArray.slice_assign = _slice_assign  # type: ignore[attr-defined]
NDArray.slice_assign_scalar = _slice_assign_scalar  # type: ignore[attr-defined]


# ---- MXNet's Python indexing helpers ---------------------------------------------------------
_BASIC, _ADVANCED, _EMPTY_TUPLE = 0, 1, 2
_NO_ZERO_DIM_BOOL, _ZERO_DIM_BOOL_FALSE, _ZERO_DIM_BOOL_TRUE = -1, 0, 1


def get_indexing_dispatch_code(key: Any) -> int:
    """0 for basic indexing (ints, slices, None), 1 for advanced (arrays, lists, tuples,
    ranges), 2 for an empty-tuple entry; a tuple ``key`` is required."""
    if not isinstance(key, tuple):
        raise MXNetTypeError("get_indexing_dispatch_code: key must be a tuple, got "
                             f"{type(key).__name__}")
    for idx in key:
        if isinstance(idx, (NDArray, np.ndarray, list, tuple, range)):
            if isinstance(idx, tuple) and len(idx) == 0:
                return _EMPTY_TUPLE
            return _ADVANCED
        if not (isinstance(idx, (_slice, int, np.integer)) or idx is None):
            raise MXNetValueError(f"NDArray does not support slicing with key {idx} of type "
                                  f"{type(idx)}.")
    return _BASIC


def get_oshape_of_gather_nd_op(dshape: Sequence[int], ishape: Sequence[int]) -> tuple:
    """The output shape of gather_nd for data shape ``dshape`` and index shape ``ishape``."""
    if not (len(dshape) > 0 and len(ishape) > 0):
        raise MXNetValueError("get_oshape_of_gather_nd_op: dshape and ishape must be "
                              f"non-empty, got {tuple(dshape)} and {tuple(ishape)}")
    oshape = list(ishape[1:])
    if ishape[0] < len(dshape):
        oshape.extend(dshape[ishape[0]:])
    return tuple(oshape)


def indexing_key_expand_implicit_axes(key: Any, shape: Sequence[int]) -> tuple:
    """(key with its implicit axes made explicit by ``slice(None)``, prepend), where prepend
    is -1, or 0/1 when a 0-d boolean (False/True) index appeared."""
    op = "indexing_key_expand_implicit_axes"
    if not isinstance(key, tuple):
        key = (key,)
    ell_idx: Optional[int] = None
    num_none = 0
    nonell: list = []
    prepend = _NO_ZERO_DIM_BOOL
    axis = 0
    for i, idx in enumerate(key):
        if idx is Ellipsis:
            if ell_idx is not None:
                raise MXNetIndexError_("Cannot use more than one ellipsis (`...`) for indexing")
            ell_idx = i
            continue
        if isinstance(idx, (bool, np.bool_)):
            prepend = _ZERO_DIM_BOOL_TRUE if idx else _ZERO_DIM_BOOL_FALSE
            continue
        if idx is None:
            num_none += 1
        if isinstance(idx, NDArray) and idx._t.dtype == torch.bool:
            if idx.ndim == 0:
                prepend = _ZERO_DIM_BOOL_TRUE if bool(idx._t) else _ZERO_DIM_BOOL_FALSE
                continue
            raise MXNetValueError(f"{op}: Cannot perform boolean indexing in legacy mode "
                                  "(mx.np semantics, which mxcompat does not provide)")
        if isinstance(idx, NDArray) and idx.ndim == 0:
            nonell.append(int(idx._t.item()))
        else:
            nonell.append(idx)
        axis += 1
    if ell_idx is None:
        ell_idx = len(nonell)
    ell_ndim = len(shape) + num_none - len(nonell)
    expanded = tuple(nonell[:ell_idx]) + (_slice(None),) * ell_ndim + tuple(nonell[ell_idx:])
    return expanded, prepend


from ..base import MXNetIndexError as MXNetIndexError_  # noqa: E402

_helper: Any
for _helper in (get_indexing_dispatch_code, get_oshape_of_gather_nd_op,
                indexing_key_expand_implicit_axes):
    pyfunc(_helper.__name__, torch_eq="(pure Python)", family="misc",
           notes="MXNet's Python indexing helper")(_helper)


# ---- unsupported: symbolic graphs -----------------------------------------------------------
stub("CachedOp", "nd", family="misc",
     hint="CachedOp runs a Symbol graph, and mxcompat has no Symbol API; call the mx.nd ops "
          "directly")


# ---- custom operators (mx.operator) ----------------------------------------------------------
def Custom(*data: Any, **kwargs: Any) -> Any:
    """Run the custom operator registered with ``mx.operator.register`` as ``op_type`` on
    ``data`` (its arguments, then its auxiliary states). Other keyword arguments reach the
    property class's constructor as strings (as in MXNet); ``out=`` and ``name=`` as for any
    op. Differentiable under ``mx.autograd.record()`` through the operator's ``backward``."""
    from ..operator import custom
    return custom(*data, **kwargs)


pyfunc("Custom", torch_eq="torch.autograd.Function calling CustomOp.forward/backward",
       notes="Python custom operators (mx.operator.CustomOp / CustomOpProp); dense arrays "
             "only; see docs/custom-ops.md", family="misc")(Custom)
