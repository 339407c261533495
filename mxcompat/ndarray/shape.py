"""Shape and layout ops. ``reshape`` with MXNet's special codes lives here."""
from __future__ import annotations

from typing import Any, List, Sequence

import numpy as np

import torch

from ..base import MXNetError, MXNetTypeError, MXNetValueError
from ._rules import bool_unsupported
from . import _op
from ._op import (Axis, Bool, Enum, Float, Int, OptInt, Shape, register)
from .ndarray import NDArray, _wrap

__all__ = ["infer_reshape", "reshape"]


def _own(r: torch.Tensor, *srcs: torch.Tensor) -> torch.Tensor:
    """The op's result as a fresh array: MXNet ops never return memory shared with an input
    (torch's reshape/permute/narrow/expand may return views)."""
    p = r.untyped_storage().data_ptr()
    for x in srcs:
        if x.untyped_storage().data_ptr() == p:
            return r.clone(memory_format=torch.contiguous_format)
    return r if r.is_contiguous() else r.contiguous()


def pyfunc(name: str, torch_eq: str = "", notes: str = "", ns: str = "nd",
           family: str = "shape", inputs: Any = None) -> Any:
    """Declare a Python-level MXNet function (moveaxis, concatenate, split_v2, ...):
    ``register(python=True)``."""
    reg = _op.register(name, python=True, torch=torch_eq, notes=notes, ns=ns, family=family,
                       inputs=inputs)

    def deco(fn: Any) -> Any:
        fn.__module__ = "mxcompat.ndarray"
        return reg(fn)
    return deco


def _axis(a: int, ndim: int, op: str, what: str = "axis") -> int:
    """A possibly negative axis in [-ndim, ndim) made non-negative, else MXNetError."""
    if not -ndim <= a < ndim:
        raise MXNetError(f"{op}: {what} {a} is out of bounds for array of ndim {ndim} "
                         f"(valid: [{-ndim}, {ndim - 1}])")
    return a + ndim if a < 0 else a


def _axis_nonneg(a: int, ndim: int, op: str, what: str = "axis") -> int:
    """An axis MXNet requires to be in [0, ndim) (transpose axes, flip, broadcast_axis)."""
    if not 0 <= a < ndim:
        raise MXNetError(f"{op}: Check failed: i >= 0 && i < ndim(): {what} index = {a} must "
                         f"be in range [0, {ndim})")
    return a


def _prod(xs: Sequence[int]) -> int:
    p = 1
    for x in xs:
        p *= int(x)
    return p


def infer_reshape(src: Sequence[int], target: Sequence[int], reverse: bool = False,
                  op: str = "reshape") -> tuple:
    """Resolve MXNet's reshape codes against the source shape.

    0 copies a source dim, -1 infers one dim, -2 copies all remaining dims, -3 merges two
    source dims, -4 splits one source dim into the next two values (one may be -1).
    ``reverse=True`` applies the codes right to left.
    """
    src = [int(d) for d in src]
    tgt = [int(d) for d in target]
    if reverse:
        src, tgt = src[::-1], tgt[::-1]
    out: List[int] = []
    inf = -1
    si = 0
    i = 0
    try:
        while i < len(tgt):
            p = tgt[i]
            if p > 0:
                out.append(p)
                si += 1
            elif p == 0:
                out.append(src[si])
                si += 1
            elif p == -1:
                if inf >= 0:
                    raise MXNetValueError(f"{op}: One and only one dim can be inferred")
                inf = len(out)
                out.append(1)
                si += 1
            elif p == -2:
                out.extend(src[si:])
                si = len(src)
            elif p == -3:
                out.append(src[si] * src[si + 1])
                si += 2
            elif p == -4:
                if i + 2 >= len(tgt):
                    raise MXNetValueError(f"{op}: -4 must be followed by two dims")
                d = src[si]
                si += 1
                d0, d1 = tgt[i + 1], tgt[i + 2]
                i += 2
                if d0 == -1 and d1 == -1:
                    raise MXNetValueError(f"{op}: Split dims cannot both be -1")
                if d0 == -1:
                    d0 = d // d1 if d1 else 0
                if d1 == -1:
                    d1 = d // d0 if d0 else 0
                if d0 * d1 != d:
                    raise MXNetValueError(f"{op}: Split dims {d0}, {d1} do not divide "
                                          f"original dim {d}")
                out.extend([d0, d1])
            else:
                raise MXNetValueError(f"{op}: shape dim size must be >= -1, while received "
                                      f"{p}")
            i += 1
    except IndexError:
        raise MXNetValueError(f"{op}: target shape {tuple(target)} refers to more dims than "
                              f"the input shape {tuple(src)} has") from None
    total = _prod(src)
    if inf >= 0:
        rest = _prod(out[:inf] + out[inf + 1:])
        if rest == 0 or total % rest:
            raise MXNetValueError(f"{op}: cannot infer dim -1: size {total} is not a "
                                  f"multiple of {rest} (target shape {tuple(target)})")
        out[inf] = total // rest
    if reverse:
        out = out[::-1]
    n = _prod(out)
    if n > total:
        raise MXNetError(f"{op}: Check failed: shape_.Size() >= shape.Size() ({total} vs. "
                         f"{n}) : target shape size is larger than the current shape")
    if n < total:
        raise MXNetValueError(f"Cannot reshape array of size {total} into shape "
                              f"{tuple(out)}")
    return tuple(out)


def _reshape_method(self: NDArray, *shape: Any, **kwargs: Any) -> NDArray:
    """x.reshape(2, 3), x.reshape((2, 3)), x.reshape(shape=(2, 3), reverse=False): a view."""
    reverse = kwargs.pop("reverse", False)
    target: Any = shape
    if "shape" in kwargs:
        if shape:
            raise MXNetTypeError("reshape: shape given both positionally and as a keyword")
        target = kwargs.pop("shape")
    elif len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        target = shape[0]
    if kwargs:
        raise MXNetTypeError(f"Got unknown keywords in reshape: {', '.join(kwargs)}. Accepted "
                             "keyword arguments are 'shape' and 'reverse'.")
    tgt = Shape(target, "reshape", "shape") if not isinstance(target, int) else (target,)
    new = infer_reshape(self._t.shape, tgt, Bool(reverse, "reshape", "reverse"))
    t = self._t
    try:
        r = t.view(new)
    except RuntimeError:  # non-contiguous source: cannot share memory
        r = t.reshape(new)
    return _wrap(r, self._ctx)


setattr(NDArray, "reshape", _reshape_method)  # noqa: B010


@register("reshape", params={"shape": Shape, "reverse": Bool, "target_shape": Shape,
                             "keep_highest": Bool},
          aliases=("Reshape",), family="shape", torch="torch.reshape (+ MXNet's 0/-1/-2/-3/-4 "
                                                        "codes)")
def reshape(data: torch.Tensor, shape: tuple = (), reverse: bool = False,
            target_shape: tuple = (), keep_highest: bool = False) -> torch.Tensor:
    """Reshape with MXNet's special codes; the op returns a copy (the method is a view)."""
    tgt = shape if shape else target_shape
    if not tgt:
        raise MXNetValueError("reshape: Required parameter shape is not presented")
    # MXNet 1.9.1's op does not check the element count when codes are reversed or the
    # size differs (it reads past the input or corrupts memory); infer_reshape raises.
    new = infer_reshape(data.shape, tgt, reverse)
    return data.reshape(new).clone()


# ---------------------------------------------------------------------------- reshape_like
@register("reshape_like", params={"lhs_begin": OptInt, "lhs_end": OptInt, "rhs_begin": OptInt,
                                  "rhs_end": OptInt},
          family="shape", torch="lhs.reshape(new shape built from rhs.shape)")
def reshape_like(lhs: torch.Tensor, rhs: torch.Tensor, lhs_begin: Any = None,
                 lhs_end: Any = None, rhs_begin: Any = None,
                 rhs_end: Any = None) -> torch.Tensor:
    """lhs reshaped so that lhs.shape[lhs_begin:lhs_end] becomes rhs.shape[rhs_begin:rhs_end]."""
    ls, rs = list(lhs.shape), list(rhs.shape)

    def rng(b: Any, e: Any, n: int) -> tuple:
        b = 0 if b is None else (b + n if b < 0 else b)
        e = n if e is None else (e + n if e < 0 else e)
        if not 0 <= b <= e <= n:
            raise MXNetError(f"reshape_like: invalid begin/end ({b}, {e}) for a {n}-d input")
        return b, e
    lb, le = rng(lhs_begin, lhs_end, len(ls))
    rb, re_ = rng(rhs_begin, rhs_end, len(rs))
    new = ls[:lb] + rs[rb:re_] + ls[le:]
    if _prod(new) != _prod(ls):
        raise MXNetError(f"reshape_like: Cannot reshape lhs with shape {ls} to new shape "
                         f"{new} because they have different size.")
    return lhs.reshape(new).clone()


# ---------------------------------------------------------------- flatten / expand / squeeze
@register("flatten", aliases=("Flatten",), family="shape",
          torch="torch.flatten(x, 1) (a 1-D input gives (N, 1))")
def flatten(data: torch.Tensor) -> torch.Tensor:
    """(d0, d1*...*dk); a 1-D (N,) input gives (N, 1)."""
    if data.dim() == 0:
        return data.reshape(1, 1).clone()
    return data.reshape(data.shape[0], _prod(data.shape[1:])).clone()


@register("expand_dims", params={"axis": Int}, family="shape", torch="torch.unsqueeze")
def expand_dims(data: torch.Tensor, axis: int) -> torch.Tensor:
    nd_ = data.dim()
    a = axis + nd_ + 1 if axis < 0 else axis
    if not 0 <= a <= nd_:
        raise MXNetError(f"expand_dims: axis must be in the range [{-nd_}, {nd_}] ({axis} "
                         "provided)")
    return data.unsqueeze(a).clone()


def _squeeze_shape(shape: tuple, axis: Any, op: str) -> list:
    nd_ = len(shape)
    if axis is None:
        new = [d for d in shape if d != 1]
    else:
        axes = (axis,) if isinstance(axis, int) else tuple(axis)
        seen = set()
        for a in axes:
            if not -nd_ <= a < nd_:
                raise MXNetError(f"{op}: axis {a} is out of bounds for array of dimension "
                                 f"{nd_}")
            b = a + nd_ if a < 0 else a
            if b in seen:
                raise MXNetError(f"{op}: duplicate value in axis {tuple(axes)}")
            seen.add(b)
            if shape[b] != 1:
                raise MXNetError(f"{op}: cannot select an axis to squeeze out which has "
                                 f"size={shape[b]} not equal to one")
        new = [d for i, d in enumerate(shape) if i not in seen]
    return new or [1]


@register("squeeze", params={"axis": Axis}, family="shape",
          torch="torch.squeeze (squeezing every axis leaves shape (1,))")
def squeeze(data: torch.Tensor, axis: Any = None) -> torch.Tensor:
    return data.reshape(_squeeze_shape(tuple(data.shape), axis, "squeeze")).clone()


def _flatten_method(self: NDArray, inplace: bool = False) -> NDArray:
    """x.flatten(inplace=False): a copy, or with inplace=True a view of shape (d0, -1)."""
    if not inplace:
        return flatten(self)
    return self.reshape((0, -1))


def _expand_dims_method(self: NDArray, axis: int, inplace: bool = False) -> NDArray:
    """x.expand_dims(axis, inplace=False): a copy, or with inplace=True a view."""
    if not inplace:
        return expand_dims(self, axis=axis)
    shape = list(self.shape)
    if not -len(shape) - 1 <= axis <= len(shape):
        raise MXNetValueError(f"expand_dims: axis {axis} is out of range for {len(shape)}d "
                              "array")
    shape.insert(axis + len(shape) + 1 if axis < 0 else axis, 1)
    return self.reshape(shape)


def _squeeze_method(self: NDArray, axis: Any = None, inplace: bool = False) -> NDArray:
    """x.squeeze(axis=None, inplace=False): a copy, or with inplace=True a view."""
    if not inplace:
        return squeeze(self, axis=axis)
    shape = list(self.shape)
    axes = [axis] if isinstance(axis, int) else axis
    if axes:
        if len(axes) != len(set(axes)):
            raise MXNetValueError(f"squeeze: axis {axis} contains duplicate which is not "
                                  "allowed.")
        for a in axes:
            if not -len(shape) <= a < len(shape):
                raise MXNetValueError(f"squeeze: axis {a} is out of range for {len(shape)}d "
                                      "array")
            if shape[a] != 1:
                raise MXNetValueError(f"squeeze: Squeeze target axis {a} must be size 1, got "
                                      f"{shape[a]}.")
        drop = {a + len(shape) if a < 0 else a for a in axes}
        shape = [d for i, d in enumerate(shape) if i not in drop]
    else:
        shape = [d for d in shape if d != 1]
    return self.reshape(shape or [1])


NDArray.flatten = _flatten_method  # type: ignore[attr-defined]
NDArray.expand_dims = _expand_dims_method  # type: ignore[attr-defined]
NDArray.squeeze = _squeeze_method  # type: ignore[attr-defined]


# ------------------------------------------------------------ transpose / swapaxes / moveaxis
@register("transpose", params={"axes": Shape}, family="shape",
          torch="torch.permute (no axes: reverse them)")
def transpose(data: torch.Tensor, axes: tuple = ()) -> torch.Tensor:
    _no_bool(data, "transpose")
    nd_ = data.dim()
    if not axes:
        perm = tuple(range(nd_ - 1, -1, -1))
    else:
        if len(axes) != nd_:
            raise MXNetError(f"transpose: axes {axes} must have one entry per input dimension "
                             f"({nd_})")
        perm = tuple(_axis_nonneg(a, nd_, "transpose", "axes") for a in axes)
        if len(set(perm)) != nd_:
            raise MXNetError(f"transpose: axes {axes} repeat an axis")
    return _own(data.permute(perm), data)


def _transpose_method(self: NDArray, *args: Any, **kwargs: Any) -> NDArray:
    """x.transpose(axes) / x.transpose(axes=...) (a tuple, as in MXNet: varargs fail)."""
    if len(args) > 1:
        raise MXNetTypeError("transpose: object of type 'int' has no len() (MXNet's "
                             "x.transpose takes the axes as one tuple: x.transpose((1, 0)))")
    return transpose(self, *args, **kwargs)


NDArray.transpose = _transpose_method  # type: ignore[attr-defined]


@register("swapaxes", params={"dim1": Int, "dim2": Int}, aliases=("SwapAxis",),
          family="shape", torch="torch.swapaxes")
def swapaxes(data: torch.Tensor, dim1: int = 0, dim2: int = 0) -> torch.Tensor:
    _no_bool(data, "swapaxes")
    nd_ = data.dim()
    a = _axis(dim1, nd_, "swapaxes", "dim1")
    b = _axis(dim2, nd_, "swapaxes", "dim2")
    return _own(data.transpose(a, b), data)


def _normalize_axes(v: Any, ndim: int, what: str) -> tuple:
    vals = [v] if isinstance(v, (int, np.integer)) else list(v)
    out = []
    for a in vals:
        a = int(a)
        if not -ndim <= a < ndim:
            raise MXNetValueError(f"moveaxis: {what} should verify 0 <= {what} < tensor.ndim "
                                  f"({ndim}); got {a}")
        out.append(a + ndim if a < 0 else a)
    if len(set(out)) != len(out):
        raise MXNetValueError(f"moveaxis: repeated axis in {what}")
    return tuple(out)


@pyfunc("moveaxis", torch_eq="torch.movedim")
def moveaxis(tensor: NDArray, source: Any, destination: Any) -> NDArray:
    """Move axes ``source`` to positions ``destination`` (a transpose)."""
    src = _normalize_axes(source, tensor.ndim, "source")
    dst = _normalize_axes(destination, tensor.ndim, "destination")
    if len(src) != len(dst):
        raise MXNetValueError("moveaxis: `source` and `destination` arguments must have the "
                              "same number of elements")
    order = [n for n in range(tensor.ndim) if n not in src]
    for d, s_ in sorted(zip(dst, src)):
        order.insert(d, s_)
    return transpose(tensor, axes=tuple(order))


# ---------------------------------------------------------------- concat / stack / split
def _no_bool(t: torch.Tensor, op: str) -> None:
    """MXNet 1.9.1's shape kernels have no bool instantiation ("Unknown type enum 7")."""
    if t.dtype is torch.bool:
        raise bool_unsupported(op)


def _same_dtype(ts: Sequence[torch.Tensor], op: str) -> None:
    d = ts[0].dtype
    for k, t in enumerate(ts[1:], 1):
        if t.dtype != d:
            from .. import _dtypes
            raise MXNetTypeError(f"{op}: Non-uniform data type, expected data type "
                                 f"{_dtypes.name(d)}, got data type {_dtypes.name(t.dtype)} "
                                 f"for input {k}")


def _check_num_args(n: int, num_args: Any, op: str) -> None:
    if num_args is not None and num_args != n:
        raise MXNetError(f"{op}: Operator {op} expects {num_args} inputs (num_args), but got "
                         f"{n} instead.")


@register("concat", params={"dim": Int, "num_args": OptInt}, aliases=("Concat",),
          family="shape", torch="torch.cat (default dim=1)")
def concat(*data: torch.Tensor, dim: int = 1, num_args: Any = None) -> torch.Tensor:
    if not data:
        raise MXNetValueError("concat: needs at least one input array")
    _check_num_args(len(data), num_args, "concat")
    nd_ = data[0].dim()
    if not -nd_ <= dim < nd_:
        raise MXNetError(f"concat: axis {dim} exceeds the input dimension of {nd_}")
    a = dim + nd_ if dim < 0 else dim
    _same_dtype(data, "concat")
    _no_bool(data[0], "concat")
    base = list(data[0].shape)
    for t in data[1:]:
        sh = list(t.shape)
        if len(sh) != nd_ or sh[:a] + sh[a + 1:] != base[:a] + base[a + 1:]:
            raise MXNetError(f"concat: Incompatible input shape: expected "
                             f"{base[:a] + [-1] + base[a + 1:]}, got {sh}")
    if len(data) == 1:
        return data[0].clone()
    return torch.cat(data, a)


@pyfunc("concatenate", torch_eq="torch.cat")
def concatenate(arrays: Any, axis: int = 0, always_copy: bool = True) -> NDArray:
    """Deprecated list-taking concat along ``axis`` (default 0)."""
    if not isinstance(arrays, list) or not arrays or not isinstance(arrays[0], NDArray):
        raise MXNetValueError("concatenate: arrays must be a non-empty list of NDArrays "
                              "(MXNet asserts this)")
    if not always_copy and len(arrays) == 1:
        return arrays[0]
    return concat(*arrays, dim=axis)


@register("stack", params={"axis": Int, "num_args": OptInt}, family="shape",
          torch="torch.stack")
def stack(*data: torch.Tensor, axis: int = 0, num_args: Any = None) -> torch.Tensor:
    if not data:
        raise MXNetValueError("stack: needs at least one input array")
    _check_num_args(len(data), num_args, "stack")
    nd_ = data[0].dim() + 1
    if not -nd_ <= axis < nd_:
        raise MXNetError(f"stack: axis {axis} exceeds the input dimension of {nd_}")
    d = data[0].dtype
    for k, t in enumerate(data[1:], 1):
        if t.dtype != d:
            from .. import _dtypes
            raise MXNetTypeError(f"stack: Incompatible attr in node at {k}-th input: expected "
                                 f"{_dtypes.name(d)}, got {_dtypes.name(t.dtype)}")
    shape = data[0].shape
    ts = []
    for t in data:
        if t.shape != shape:
            # MXNet 1.9.1 takes every input's shape from the first one: an input with the
            # same number of elements is read in that shape; any other is an error here
            if t.numel() != data[0].numel():
                raise MXNetError(f"stack: input shapes differ: {list(shape)} vs "
                                 f"{list(t.shape)}")
            t = t.reshape(shape)
        ts.append(t)
    return torch.stack(ts, axis + nd_ if axis < 0 else axis)


@register("split", outputs=lambda p: tuple(f"output{i}" for i in range(p["num_outputs"])),
          params={"num_outputs": Int, "axis": Int, "squeeze_axis": Bool},
          aliases=("SliceChannel",), family="shape",
          torch="torch.chunk (default axis=1; one output is returned bare)")
def split(data: torch.Tensor, num_outputs: int, axis: int = 1,
          squeeze_axis: bool = False) -> Any:
    _no_bool(data, "split")
    nd_ = data.dim()
    if not -nd_ <= axis < nd_:
        raise MXNetError(f"split: axis {axis} is out of bounds for array of ndim {nd_}")
    a = axis + nd_ if axis < 0 else axis
    n = data.shape[a]
    if num_outputs <= 0 or n % num_outputs:
        raise MXNetError(f"split: You are trying to split the {a}-th axis of input tensor "
                         f"with shape {list(data.shape)} into num_outputs={num_outputs} evenly "
                         f"sized chunks, but this is not possible because {num_outputs} does "
                         f"not evenly divide {n}")
    if squeeze_axis and n != num_outputs:
        raise MXNetError(f"split: If squeeze axis is True, the size of the sliced axis must "
                         f"be the same as num_outputs. Input shape={list(data.shape)}, "
                         f"axis={a}, num_outputs={num_outputs}.")
    step = n // num_outputs
    parts = [data.narrow(a, k * step, step) for k in range(num_outputs)]
    if squeeze_axis:
        parts = [p.squeeze(a) for p in parts]
    parts = [p.clone(memory_format=torch.contiguous_format) for p in parts]
    return parts[0] if num_outputs == 1 else parts


@register("_split_v2", required=("indices",),
          params={"indices": Shape, "axis": Int, "squeeze_axis": Bool},
          family="shape", ns="_internal", torch="torch.tensor_split")
def _split_v2(data: torch.Tensor, indices: tuple = (), axis: int = 0,
              squeeze_axis: bool = False) -> Any:
    _no_bool(data, "split_v2")
    nd_ = data.dim()
    a = _axis(axis, nd_, "split_v2")
    n = data.shape[a]
    bounds = list(indices) + [n]
    parts = []
    for k in range(len(indices)):
        b, e = bounds[k], bounds[k + 1]
        if e > n:
            raise MXNetError(f"split_v2: end {e} is no less than the size of the axis {n}")
        if b > e:
            raise MXNetError(f"split_v2: start {b} is not less than end {e} for subarray {k}")
        p = data.narrow(a, b, e - b)
        if squeeze_axis:
            if p.shape[a] != 1:
                raise MXNetError(f"split_v2: squeeze_axis needs sections of size 1 on axis "
                                 f"{a}, got {p.shape[a]}")
            p = p.squeeze(a)
        parts.append(p.clone(memory_format=torch.contiguous_format))
    return parts[0] if len(parts) == 1 else parts


@pyfunc("split_v2", inputs=("ary",), torch_eq="torch.tensor_split")
def split_v2(ary: NDArray, indices_or_sections: Any, axis: int = 0,
             squeeze_axis: bool = False) -> Any:
    """Split into equal sections (an int) or at the indices of a tuple."""
    if isinstance(indices_or_sections, int):
        n = ary.shape[axis]
        sections = indices_or_sections
        if sections <= 0 or n % sections:
            raise MXNetValueError("split_v2: array split does not result in an equal division")
        size = n // sections
        indices = [k * size for k in range(sections)]
    elif isinstance(indices_or_sections, tuple):
        indices = [0] + list(indices_or_sections)
    else:
        raise MXNetValueError("split_v2: indices_or_sections must either int or tuple of ints")
    return _split_v2(ary, indices=tuple(indices), axis=axis, squeeze_axis=squeeze_axis)


# ------------------------------------------------------------------------- slicing ops
def _opt_tuple(v: Any, op: str, p: str) -> tuple:
    """A tuple whose entries are ints or None (MXNet's Tuple<optional<int>>)."""
    if isinstance(v, str):
        body = v.strip().strip("()[]").strip()
        items: list = [x.strip() for x in body.split(",") if x.strip()]
        t = tuple(None if x == "None" else Int(x, op, p) for x in items)
    elif v is None:
        return (None,)
    elif isinstance(v, (list, tuple)):
        t = tuple(None if x is None else Int(x, op, p) for x in v)
    else:
        t = (Int(v, op, p),)
    if any(x is not None and not -2 ** 31 <= x < 2 ** 31 for x in t):
        # MXNet parses these as int32 and refuses anything wider
        raise MXNetValueError(f"{op}: Invalid Parameter format for {p} expect Shape(tuple) "
                              f"but value='{v}' (entries must fit in int32)")
    return t


@register("slice", types={"begin": "Shape(tuple)", "end": "Shape(tuple)"},
          params={"begin": _opt_tuple, "end": _opt_tuple, "step": _opt_tuple},
          aliases=("crop",), family="shape",
          torch="tensor[b0:e0:s0, b1:e1:s1, ...] (copy; negative steps via flip)")
def slice(data: torch.Tensor, begin: tuple, end: tuple, step: tuple = ()) -> torch.Tensor:
    """Python-style slicing of the leading len(begin) axes (None = the full range)."""
    if len(begin) != len(end):
        raise MXNetError(f"slice: begin and end must have the same length ({len(begin)} vs. "
                         f"{len(end)})")
    if len(begin) > data.dim():
        raise MXNetError(f"slice: Slicing axis exceeds data dimensions ({len(begin)} vs. "
                         f"{data.dim()})")
    if step and len(step) != len(begin):
        raise MXNetError(f"slice: step must have the same length as begin ({len(step)} vs. "
                         f"{len(begin)})")
    key = []
    flips = []
    for i, (b, e) in enumerate(zip(begin, end)):
        st = step[i] if step and step[i] is not None else 1
        if st == 0:
            raise MXNetError(f"slice: slice op step[{i}] cannot be 0")
        start, stop, st = _builtin_slice(b, e, st).indices(data.shape[i])
        if st > 0:
            key.append(_builtin_slice(start, stop, st))
        else:
            idx = range(start, stop, st)
            if len(idx) == 0:
                key.append(_builtin_slice(0, 0))
            else:
                # torch slicing has no negative steps: take the ascending range, flip after
                key.append(_builtin_slice(idx[-1], idx[0] + 1, -st))
                flips.append(i)
    r = data[tuple(key)]
    if flips:
        r = r.flip(flips)
    return _own(r, data)


_builtin_slice = __builtins__["slice"] if isinstance(__builtins__, dict) else \
    __builtins__.slice  # the module-level name `slice` is MXNet's op


@register("slice_axis", params={"axis": Int, "begin": Int, "end": OptInt}, family="shape",
          torch="torch.narrow")
def slice_axis(data: torch.Tensor, axis: int, begin: int, end: Any) -> torch.Tensor:
    _no_bool(data, "slice_axis")
    nd_ = data.dim()
    if not -nd_ <= axis < nd_:
        raise MXNetError(f"slice_axis: axis {axis} must be smaller than the source ndim "
                         f"{nd_} (negative counts from the end)")
    a = axis + nd_ if axis < 0 else axis
    n = data.shape[a]
    b = begin + n if begin < 0 else begin
    if b < 0:
        raise MXNetError(f"slice_axis: Invalid begin for begin={begin}")
    e = n if end is None else (end + n if end < 0 else end)
    if e > n:
        raise MXNetError(f"slice_axis: Invalid end for end={end} as axis_size is {n}")
    if not b < e:
        raise MXNetError(f"slice_axis: Invalid begin, end, get begin={begin}, end={end}")
    return _own(data.narrow(a, b, e - b), data)


@register("slice_like", params={"axes": Shape}, family="shape",
          torch="tensor[:s0, :s1, ...] with the sizes of shape_like")
def slice_like(data: torch.Tensor, shape_like: torch.Tensor, axes: tuple = ()) -> torch.Tensor:
    _no_bool(data, "slice_like")
    nd_ = data.dim()
    if not axes:
        if shape_like.dim() != nd_:
            raise MXNetError(f"slice_like: By default slice_like performs slice on all axes, "
                             f"but ndim mismatch for inputs: {nd_} vs. {shape_like.dim()}")
        axes = tuple(range(nd_))
    r = data
    for a in axes:
        b = a + nd_ if a < 0 else a
        if not 0 <= b < nd_ or b >= shape_like.dim():
            raise MXNetError(f"slice_like: Slice axis: {a} exceeds first input: {nd_}")
        size = shape_like.shape[b]
        if size > data.shape[b]:
            raise MXNetError(f"slice_like: Slice axis {b} with size {size} exceeds limit of "
                             f"input with size {data.shape[b]}")
        r = r.narrow(b, 0, size)
    return _own(r, data)


# ------------------------------------------------------------------------ tile / repeat
@register("tile", params={"reps": Shape}, family="shape", torch="torch.tile")
def tile(data: torch.Tensor, reps: tuple) -> torch.Tensor:
    if any(r <= 0 for r in reps):
        raise MXNetError(f"tile: reps must be positive: reps : {tuple(reps)}")
    if not reps:
        return data.clone()
    return _own(data.tile(reps), data)


@register("repeat", params={"repeats": Int, "axis": OptInt}, family="shape",
          torch="torch.repeat_interleave (axis None flattens)")
def repeat(data: torch.Tensor, repeats: int, axis: Any = None) -> torch.Tensor:
    if repeats < 0:
        raise MXNetError(f"repeat: repeats cannot be a negative number ({repeats})")
    if repeats == 0:
        # MXNet 1.9.1 gives shape (0,) for repeats=0, whatever the axis
        return data.new_empty((0,))
    if axis is None:
        return data.reshape(-1).repeat_interleave(repeats)
    nd_ = data.dim()
    if not -nd_ <= axis < nd_:
        raise MXNetError(f"repeat: axis = {axis} out of bounds for a {nd_}-d input")
    return data.repeat_interleave(repeats, dim=axis)


# --------------------------------------------------------------------------------- pad
@register("pad", params={"mode": Enum("constant", "edge", "reflect"), "pad_width": Shape,
                         "constant_value": Float},
          aliases=("Pad",), family="shape",
          torch="torch.nn.functional.pad (constant / replicate / reflect)")
def pad(data: torch.Tensor, mode: str, pad_width: tuple,
        constant_value: float = 0.0) -> torch.Tensor:
    """Pad a 4-D or 5-D array's spatial axes; pad_width is (before, after) per axis."""
    nd_ = data.dim()
    if nd_ not in (4, 5):
        raise MXNetError("pad: Current implementation only supports 4-D or 5-D input.")
    if len(pad_width) != 2 * nd_ or any(pad_width[:4]):
        raise MXNetError("pad: Current implementation expects padding on the first two axes "
                         f"to be zero (pad_width has 2*ndim = {2 * nd_} entries, got "
                         f"{tuple(pad_width)}).")
    if not data.is_floating_point():
        from .. import _dtypes
        raise MXNetTypeError(f"pad: This operation only support floating point types, not "
                             f"{_dtypes.name(data.dtype)}")
    tp = []
    for i in range(nd_ - 1, 1, -1):  # torch wants (last before, last after, ...)
        tp += [pad_width[2 * i], pad_width[2 * i + 1]]
    if mode == "constant":
        return torch.nn.functional.pad(data, tp, mode="constant", value=constant_value)
    if mode == "reflect":
        for i in range(2, nd_):
            if pad_width[2 * i] >= data.shape[i] or pad_width[2 * i + 1] >= data.shape[i]:
                raise MXNetError("pad: Current implementation of reflection padding only "
                                 "supports padding sizes smaller than the input size.")
    tmode = "replicate" if mode == "edge" else "reflect"
    # torch's replicate/reflect pads need float16 support on CPU: compute in float32
    if data.dtype == torch.float16 and data.device.type == "cpu":
        return torch.nn.functional.pad(data.float(), tp, mode=tmode).to(torch.float16)
    return torch.nn.functional.pad(data, tp, mode=tmode)


# -------------------------------------------------------------------------------- flip
@register("flip", params={"axis": Shape}, aliases=("reverse",), family="shape",
          torch="torch.flip")
def flip(data: torch.Tensor, axis: tuple) -> torch.Tensor:
    _no_bool(data, "flip")
    nd_ = data.dim()
    counts: dict = {}
    for a in axis:
        if a < 0:
            raise MXNetError(f"flip: Check failed: i >= 0 && i < ndim(): axis index = {a} must "
                             f"be in range [0, {nd_})")
        if a >= nd_:
            raise MXNetError(f"flip: axis {a} is out of bounds for a {nd_}-d input")
        counts[a] = counts.get(a, 0) + 1
    dims = [a for a, c in counts.items() if c % 2]  # MXNet flips once per listed axis
    if not dims:
        return data.clone()
    return data.flip(dims)


# ------------------------------------------------------------------------- broadcasting
@register("broadcast_to", params={"shape": Shape}, family="shape",
          torch="torch.Tensor.expand (same ndim; 0 keeps a dim)")
def broadcast_to(data: torch.Tensor, shape: tuple = ()) -> torch.Tensor:
    ish = list(data.shape)
    if len(shape) != len(ish):
        raise MXNetError(f"broadcast_to: Operand of shape {ish} cannot be broadcasted to "
                         f"{list(shape)}")
    out = [i if o == 0 else o for i, o in zip(ish, shape)]
    for i, o in zip(ish, out):
        if i != o and i != 1:
            raise MXNetError(f"broadcast_to: Array cannot be broadcasted from {ish} to "
                             f"{list(shape)}")
    return data.expand(out).clone(memory_format=torch.contiguous_format)


def _broadcast_to_method(self: NDArray, shape: Any) -> NDArray:
    """x.broadcast_to(shape): left-pads x's shape with 1s first (unlike the op)."""
    cur = self.shape
    shape = tuple(shape)
    err = MXNetValueError(f"operands could not be broadcast together with remapped "
                          f"shapes[original->remapped]: {cur} and requested shape {shape}")
    if len(shape) < len(cur):
        raise err
    padded = (1,) * (len(shape) - len(cur)) + cur
    if any(c != s and c != 1 for c, s in zip(padded, shape)):
        raise err
    src = self.reshape(padded) if padded != cur else self
    return broadcast_to(src, shape=shape)


def _broadcast_like_method(self: NDArray, other: NDArray) -> NDArray:
    """x.broadcast_like(other) = x.broadcast_to(other.shape) (no lhs_axes/rhs_axes)."""
    return _broadcast_to_method(self, other.shape)


NDArray.broadcast_to = _broadcast_to_method  # type: ignore[attr-defined]
NDArray.broadcast_like = _broadcast_like_method  # type: ignore[attr-defined]


@register("broadcast_axis", params={"axis": Shape, "size": Shape},
          aliases=("broadcast_axes",), family="shape", torch="torch.Tensor.expand")
def broadcast_axis(data: torch.Tensor, axis: tuple = (), size: tuple = ()) -> torch.Tensor:
    if len(axis) != len(size):
        raise MXNetError(f"broadcast_axis: axis and size must have the same length "
                         f"({len(axis)} vs. {len(size)})")
    if len(axis) == 1:  # MXNet's one-axis kernel has no bool case; its N-axis one has
        _no_bool(data, "broadcast_axis")
    nd_ = data.dim()
    out = list(data.shape)
    for a, n in zip(axis, size):
        _axis_nonneg(a, nd_, "broadcast_axis", "axis")
        if out[a] != 1:
            raise MXNetError(f"broadcast_axis: Broadcasting axis must have size 1 (axis {a} "
                             f"has size {out[a]})")
        out[a] = n
    return data.expand(out).clone(memory_format=torch.contiguous_format)


@register("broadcast_like", params={"lhs_axes": Shape, "rhs_axes": Shape}, family="shape",
          torch="torch.Tensor.expand_as")
def broadcast_like(lhs: torch.Tensor, rhs: torch.Tensor, lhs_axes: tuple = (),
                   rhs_axes: tuple = ()) -> torch.Tensor:
    ls, rs = list(lhs.shape), list(rhs.shape)
    if not lhs_axes and not rhs_axes:
        if len(ls) != len(rs):
            raise MXNetError(f"broadcast_like: Operand of shape {ls} cannot be broadcasted to "
                             f"{rs}")
        out = rs
    else:
        if len(lhs_axes) != len(rhs_axes):
            raise MXNetError("broadcast_like: Input_axis and other_axis size does not match")
        out = list(ls)
        for la, ra in zip(lhs_axes, rhs_axes):
            out[_axis(la, len(ls), "broadcast_like", "lhs_axes")] = \
                rs[_axis(ra, len(rs), "broadcast_like", "rhs_axes")]
    for i, o in zip(ls, out):
        if i != o and i != 1:
            raise MXNetError(f"broadcast_like: Array cannot be broadcasted from {ls} to "
                             f"{list(out)}")
    return lhs.expand(out).clone(memory_format=torch.contiguous_format)


# ------------------------------------------------------------ depth_to_space / space_to_depth
@register("depth_to_space", params={"block_size": Int}, family="shape",
          torch="reshape + permute (MXNet's DCR order; torch.pixel_shuffle is CRD)")
def depth_to_space(data: torch.Tensor, block_size: int) -> torch.Tensor:
    _no_bool(data, "depth_to_space")
    if data.dim() != 4:
        raise MXNetError(f"depth_to_space: Operation Depth To Space requires exactly 4D "
                         f"tensor (got {data.dim()}-D)")
    n, c, h, w = data.shape
    b = block_size
    if b <= 0 or c % (b * b):
        raise MXNetError(f"depth_to_space: Cannot perform Depth To Space operation on the "
                         f"specified tensor. Dimension:1(depth dimension) should be a "
                         f"multiple of 'block^2' (block_size={b}, depth={c})")
    r = data.reshape(n, b, b, c // (b * b), h, w).permute(0, 3, 4, 1, 5, 2)
    return r.reshape(n, c // (b * b), h * b, w * b)


@register("space_to_depth", params={"block_size": Int}, family="shape",
          torch="reshape + permute (inverse of depth_to_space; not pixel_unshuffle's order)")
def space_to_depth(data: torch.Tensor, block_size: int) -> torch.Tensor:
    _no_bool(data, "space_to_depth")
    if data.dim() != 4:
        raise MXNetError(f"space_to_depth: Operation Space To Depth requires exactly 4D "
                         f"tensor (got {data.dim()}-D)")
    n, c, h, w = data.shape
    b = block_size
    if b <= 0 or h % b or w % b:
        raise MXNetError(f"space_to_depth: Cannot perform Space To Depth operation on the "
                         f"specified tensor. Dimensions 2 and 3 (space) should be multiples "
                         f"of 'block' (block_size={b}, shape={list(data.shape)})")
    r = data.reshape(n, c, h // b, b, w // b, b).permute(0, 3, 5, 1, 2, 4)
    return _own(r.reshape(n, b * b * c, h // b, w // b), data)


# -------------------------------------------------------------------------------- diag
@register("diag", params={"k": Int, "axis1": Int, "axis2": Int}, family="shape",
          torch="torch.diag (1-D) / torch.diagonal (N-D)")
def diag(data: torch.Tensor, k: int = 0, axis1: int = 0, axis2: int = 1) -> torch.Tensor:
    _no_bool(data, "diag")
    if data.dim() == 1:
        return torch.diag(data, k)
    nd_ = data.dim()
    for a in (axis1, axis2):
        if not -nd_ <= a < nd_:
            raise MXNetError(f"diag: axis {a} exceeds the input dimension of {nd_}")
    a1, a2 = axis1 % nd_, axis2 % nd_
    if a1 == a2:
        raise MXNetError(f"diag: axis1 and axis2 cannot refer to the same axis {a1}")
    h, w = data.shape[a1], data.shape[a2]
    if (w - k if k > 0 else w) < 0 or (h + k if k < 0 else h) < 0:
        raise MXNetError(f"diag: Diagonal does not exist (k={k} for a {h}x{w} plane).")
    return _own(torch.diagonal(data, k, a1, a2), data)


def _diag_method(self: NDArray, k: int = 0, **kwargs: Any) -> NDArray:
    return diag(self, k, **kwargs)


NDArray.diag = _diag_method  # type: ignore[attr-defined]


# ------------------------------------------------------------------ shape_array / size_array
@register("shape_array", family="shape", torch="torch.tensor(x.shape, dtype=torch.int64)")
def shape_array(data: torch.Tensor) -> torch.Tensor:
    return torch.tensor(list(data.shape) or [], dtype=torch.int64, device=data.device)


@register("size_array", family="shape", torch="torch.tensor([x.numel()], dtype=torch.int64)")
def size_array(data: torch.Tensor) -> torch.Tensor:
    return torch.tensor([data.numel()], dtype=torch.int64, device=data.device)
