"""Element-wise ops: arithmetic, comparison and logical operators (binary, broadcast_*,
elemwise_*, scalar forms), unary math, and the NDArray operator dunders.

Every rule about dtypes lives in ``_rules``; the factories below apply it once per family.
"""
from __future__ import annotations

from typing import Any, Callable

import torch

from .._state import STATE
from ..base import MXNetError, MXNetTypeError
from . import _rules
from ._op import call, finish, register, translate
from .ndarray import NDArray, _wrap

_is_scalar = _rules.is_scalar
_scalar_for = _rules.scalar_for
_grad_on = torch.is_grad_enabled
_set_grad = torch._C._set_grad_enabled


# ---- the tensor-level kernels (MXNet semantics) ------------------------------------------
def _div(a: torch.Tensor, b: Any) -> torch.Tensor:
    if a.is_floating_point():
        return torch.div(a, b)
    if isinstance(b, torch.Tensor):
        if bool((b == 0).any()):
            raise MXNetError("integer division by zero (MXNet 1.9.1 crashes the process "
                             "with SIGFPE here)")
    elif b == 0:
        raise MXNetError("integer division by zero (MXNet 1.9.1 crashes the process with "
                         "SIGFPE here)")
    return torch.div(a, b, rounding_mode="trunc")


def _rdiv(a: torch.Tensor, s: Any) -> torch.Tensor:
    return _div(torch.full_like(a, s), a)


def _mod(a: torch.Tensor, b: Any) -> torch.Tensor:
    """MXNet's modulo: floored (the result takes the divisor's sign), ``x % 0 == 0`` (torch
    gives NaN for floats and raises for ints), and MXNet's signed zeros: -0.0 only when both
    operands are negative."""
    if not isinstance(b, torch.Tensor):
        if b == 0:
            return torch.zeros_like(a)
        b = torch.full_like(a, b)
    zero = b == 0
    bs = torch.where(zero, torch.ones_like(b), b)
    f = torch.fmod(a.abs(), bs.abs())
    r = torch.where(a < 0, -f, f)
    adjust = (a < 0) != (bs < 0)
    r = torch.where(adjust, r + torch.where(f != 0, bs, torch.zeros_like(bs)), r)
    return torch.where(zero, torch.zeros_like(r), r)


def _rmod(a: torch.Tensor, s: Any) -> torch.Tensor:
    return _mod(torch.full_like(a, s), a)


def _pow(a: torch.Tensor, b: Any) -> torch.Tensor:
    if a.is_floating_point():
        return torch.pow(a, b)
    # MXNet computes integer pow in float32 and casts back with C semantics
    # (2 ** -1 -> 0, 3 ** 19 -> 1162261504, 3 ** 250 -> inf -> 0 for uint8); torch's integer
    # pow wraps around and refuses negative exponents
    from .ndarray import _cast
    bf = b.float() if isinstance(b, torch.Tensor) else float(b)
    return _cast(torch.pow(a.float(), bf), a.dtype)


def _rpow(a: torch.Tensor, s: Any) -> torch.Tensor:
    return _pow(torch.full_like(a, s), a)


def _cmp(fn: Callable) -> Callable:
    def k(a: torch.Tensor, b: Any) -> torch.Tensor:
        return fn(a, b).to(a.dtype)
    return k


def _logical(fn: Callable) -> Callable:
    def k(a: torch.Tensor, b: Any) -> torch.Tensor:
        bb = (b != 0) if isinstance(b, torch.Tensor) else bool(b)
        if not isinstance(bb, torch.Tensor):
            bb = torch.tensor(bb, device=a.device)
        return fn(a != 0, bb).to(a.dtype)
    return k


def _rsub(a: torch.Tensor, s: Any) -> torch.Tensor:
    return torch.rsub(a, s)


def _rcmp(fn: Callable) -> Callable:
    def k(a: torch.Tensor, s: Any) -> torch.Tensor:
        return fn(s, a).to(a.dtype)
    return k


# name -> (tensor-tensor kernel, tensor-scalar kernel, reflected tensor-scalar kernel, torch)
BINARY = {
    "add": (torch.add, torch.add, torch.add, "torch.add"),
    "sub": (torch.sub, torch.sub, _rsub, "torch.sub"),
    "mul": (torch.mul, torch.mul, torch.mul, "torch.mul"),
    "div": (_div, _div, _rdiv, "torch.div (rounding_mode='trunc' for integers)"),
    "mod": (_mod, _mod, _rmod, "torch.remainder (x % 0 == 0)"),
    "power": (_pow, _pow, _rpow, "torch.pow"),
    "maximum": (torch.maximum, lambda a, s: torch.clamp_min(a, s),
                lambda a, s: torch.clamp_min(a, s), "torch.maximum"),
    "minimum": (torch.minimum, lambda a, s: torch.clamp_max(a, s),
                lambda a, s: torch.clamp_max(a, s), "torch.minimum"),
    "hypot": (torch.hypot, lambda a, s: torch.hypot(a, torch.full_like(a, s)),
              lambda a, s: torch.hypot(torch.full_like(a, s), a), "torch.hypot"),
    "equal": (_cmp(torch.eq), _cmp(torch.eq), _cmp(torch.eq), "torch.eq (result in input dtype)"),
    "not_equal": (_cmp(torch.ne), _cmp(torch.ne), _cmp(torch.ne), "torch.ne"),
    "greater": (_cmp(torch.gt), _cmp(torch.gt), _rcmp(torch.gt), "torch.gt"),
    "greater_equal": (_cmp(torch.ge), _cmp(torch.ge), _rcmp(torch.ge), "torch.ge"),
    "lesser": (_cmp(torch.lt), _cmp(torch.lt), _rcmp(torch.lt), "torch.lt"),
    "lesser_equal": (_cmp(torch.le), _cmp(torch.le), _rcmp(torch.le), "torch.le"),
    "logical_and": (_logical(torch.logical_and), _logical(torch.logical_and),
                    _logical(torch.logical_and), "torch.logical_and"),
    "logical_or": (_logical(torch.logical_or), _logical(torch.logical_or),
                   _logical(torch.logical_or), "torch.logical_or"),
    "logical_xor": (_logical(torch.logical_xor), _logical(torch.logical_xor),
                    _logical(torch.logical_xor), "torch.logical_xor"),
}
# hypot of an int array keeps the int dtype (computed in float, truncated)
_FLOAT_ONLY_KERNELS = {"hypot"}


def _run(kernel: Callable, op: str, a: torch.Tensor, b: Any) -> torch.Tensor:
    """One kernel call with autograd on only while recording, torch errors translated."""
    try:
        if STATE.recording or not _grad_on() or not (
                a.requires_grad or (type(b) is torch.Tensor and b.requires_grad)):
            return kernel(a, b)
        _set_grad(False)
        try:
            return kernel(a, b)
        finally:
            _set_grad(True)
    except MXNetError as e:
        raise type(e)(f"{op}: {e}") from None
    except (RuntimeError, ValueError, TypeError, IndexError) as e:
        if isinstance(b, torch.Tensor) and ("size of tensor" in str(e) or "broadcast" in str(e)):
            raise _rules.shape_mismatch(op, a, b) from None
        raise translate(e, op) from None


def _int_float_kernel(kernel: Callable) -> Callable:
    def k(a: torch.Tensor, b: Any) -> torch.Tensor:
        if a.is_floating_point():
            return kernel(a, b)
        bf = b.float() if isinstance(b, torch.Tensor) else b
        return kernel(a.float(), bf).trunc().to(a.dtype)
    return k


def _make_binary(name: str) -> tuple:
    """Build, for one binary op: the NDArray-NDArray function, the NDArray-scalar function,
    and the reflected scalar function. These are what dunders and mx.nd functions call."""
    tt, ts, rts, _ = BINARY[name]
    if name in _FLOAT_ONLY_KERNELS:
        tt, ts, rts = (_int_float_kernel(k) for k in (tt, ts, rts))
    bop, sop, rop = f"broadcast_{name}", f"_{name}_scalar", f"_r{name}_scalar"

    def nd_nd(lhs: NDArray, rhs: NDArray) -> NDArray:
        a, b = lhs._t, rhs._t
        if a.dtype != b.dtype:
            raise _rules.dtype_mismatch(bop, a.dtype, b.dtype)
        if a.dtype == torch.bool:
            raise MXNetTypeError(f"Operator {bop} does not support boolean type")
        return _wrap(_run(tt, bop, a, b), lhs._ctx)

    def nd_scalar(lhs: NDArray, s: Any) -> NDArray:
        a = lhs._t
        if a.dtype == torch.bool:
            a = a.to(torch.int64)
        return _wrap(_run(ts, sop, a, _scalar_for(s, a.dtype)), lhs._ctx)

    def scalar_nd(s: Any, rhs: NDArray) -> NDArray:
        a = rhs._t
        if a.dtype == torch.bool:
            a = a.to(torch.int64)
        return _wrap(_run(rts, rop, a, _scalar_for(s, a.dtype)), rhs._ctx)

    return nd_nd, nd_scalar, scalar_nd


_FUNCS = {name: _make_binary(name) for name in BINARY}


def _binary_dispatch(name: str) -> Callable:
    """mx.nd.add(lhs, rhs) and friends: NDArray or scalar on either side."""
    nd_nd, nd_scalar, scalar_nd = _FUNCS[name]
    pyop = {"add": lambda x, y: x + y, "sub": lambda x, y: x - y, "mul": lambda x, y: x * y,
            "div": lambda x, y: x / y, "mod": lambda x, y: x % y,
            "power": lambda x, y: x ** y, "maximum": max, "minimum": min,
            "hypot": lambda x, y: (x * x + y * y) ** 0.5,
            "equal": lambda x, y: 1 if x == y else 0,
            "not_equal": lambda x, y: 1 if x != y else 0,
            "greater": lambda x, y: 1 if x > y else 0,
            "greater_equal": lambda x, y: 1 if x >= y else 0,
            "lesser": lambda x, y: 1 if x < y else 0,
            "lesser_equal": lambda x, y: 1 if x <= y else 0,
            "logical_and": lambda x, y: 1 if x and y else 0,
            "logical_or": lambda x, y: 1 if x or y else 0,
            "logical_xor": lambda x, y: 1 if bool(x) != bool(y) else 0}[name]

    def fn(lhs: Any, rhs: Any) -> Any:
        if isinstance(lhs, NDArray):
            if isinstance(rhs, NDArray):
                return nd_nd(lhs, rhs)
            if _is_scalar(rhs):
                return nd_scalar(lhs, rhs)
            raise _rules.bad_operand(rhs)
        if isinstance(rhs, NDArray):
            if _is_scalar(lhs):
                return scalar_nd(lhs, rhs)
            raise _rules.bad_operand(lhs)
        if _is_scalar(lhs) and _is_scalar(rhs):
            return pyop(lhs, rhs)
        raise _rules.bad_operand(lhs if not _is_scalar(lhs) else rhs)
    return fn


# ---- public mx.nd binary functions -------------------------------------------------------
_PUBLIC = {  # python-level mx.nd name -> op
    "add": "add", "subtract": "sub", "multiply": "mul", "divide": "div", "true_divide": "div",
    "modulo": "mod", "power": "power", "maximum": "maximum", "minimum": "minimum",
    "equal": "equal", "not_equal": "not_equal", "greater": "greater",
    "greater_equal": "greater_equal", "lesser": "lesser", "lesser_equal": "lesser_equal",
    "logical_and": "logical_and", "logical_or": "logical_or", "logical_xor": "logical_xor",
}


def _install_public() -> None:
    from ._op import NAMESPACES, OPS, OpInfo
    for pub, op in _PUBLIC.items():
        fn = _binary_dispatch(op)
        fn.__name__ = fn.__qualname__ = pub
        fn.__module__ = "mxcompat.ndarray"
        fn.__doc__ = (f"mx.nd.{pub}(lhs, rhs): element-wise with broadcasting; NDArray or "
                      f"scalar operands. torch equivalent: {BINARY[op][3]}")
        NAMESPACES.setdefault("nd", {})[pub] = fn
        OPS[f"nd.{pub}"] = OpInfo(name=pub, fn=fn, family="elemwise", torch=BINARY[op][3],
                                  inputs=("lhs", "rhs"))


_install_public()


def _register_tensor_binary(name: str, op: str, same_shape: bool) -> None:
    """broadcast_<op> (broadcasting) and elemwise_<op> (identical shapes) as registered ops."""
    tt = BINARY[op][0]
    if op in _FLOAT_ONLY_KERNELS:
        tt = _int_float_kernel(tt)

    def impl(lhs: torch.Tensor, rhs: torch.Tensor) -> torch.Tensor:
        if lhs.dtype != rhs.dtype:
            raise _rules.dtype_mismatch(name, lhs.dtype, rhs.dtype)
        if lhs.dtype == torch.bool:
            raise MXNetTypeError(f"Operator {name} does not support boolean type")
        if same_shape and lhs.shape != rhs.shape:
            raise MXNetError(f"{name}: Incompatible attr in node at 1-th input: expected "
                             f"{list(lhs.shape)}, got {list(rhs.shape)}")
        try:
            return tt(lhs, rhs)
        except RuntimeError as e:
            if "size of tensor" in str(e):
                raise _rules.shape_mismatch(name, lhs, rhs) from None
            raise
    impl.__name__ = name
    register(name, family="elemwise", torch=BINARY[op][3])(impl)


for _op_name in BINARY:
    _register_tensor_binary(f"broadcast_{_op_name}", _op_name, False)
for _op_name in ("add", "sub", "mul", "div"):
    _register_tensor_binary(f"elemwise_{_op_name}", _op_name, True)
# MXNet's broadcast names for some ops differ from the operator names
from ._op import NAMESPACES as _NS  # noqa: E402

_NS["nd"]["broadcast_minus"] = _NS["nd"]["broadcast_sub"]
_NS["nd"]["broadcast_plus"] = _NS["nd"]["broadcast_add"]


# ---- operator dunders --------------------------------------------------------------------
def _dunder(op: str, reflected: bool = False) -> Callable:
    nd_nd, nd_scalar, scalar_nd = _FUNCS[op]
    if reflected:
        def f(self: NDArray, other: Any) -> NDArray:
            if _is_scalar(other):
                return scalar_nd(other, self)
            if isinstance(other, NDArray):
                return nd_nd(other, self)
            raise _rules.bad_operand(other)
    else:
        def f(self: NDArray, other: Any) -> NDArray:  # type: ignore[misc]
            if type(other) is NDArray:
                return nd_nd(self, other)
            if _is_scalar(other):
                return nd_scalar(self, other)
            if isinstance(other, NDArray):
                return nd_nd(self, other)
            raise _rules.bad_operand(other)
    return f


def _inplace(op: str) -> Callable:
    fwd = _dunder(op)

    def f(self: NDArray, other: Any) -> NDArray:
        r = fwd(self, other)
        if r._t.shape != self._t.shape:
            raise MXNetError(f"broadcast_{op}: Shape inconsistent, Provided = "
                             f"{list(self._t.shape)}, inferred shape={list(r._t.shape)}")
        self._assign(r._t)
        return self
    return f


_DUNDERS = {"add": "add", "sub": "sub", "mul": "mul", "truediv": "div", "div": "div",
            "mod": "mod", "pow": "power", "eq": "equal", "ne": "not_equal", "gt": "greater",
            "ge": "greater_equal", "lt": "lesser", "le": "lesser_equal"}
_REFLECTED = {"radd": "add", "rsub": "sub", "rmul": "mul", "rtruediv": "div", "rdiv": "div",
              "rmod": "mod", "rpow": "power"}
_INPLACE = {"iadd": "add", "isub": "sub", "imul": "mul", "itruediv": "div", "idiv": "div",
            "imod": "mod"}

for _d, _o in _DUNDERS.items():
    setattr(NDArray, f"__{_d}__", _dunder(_o))
for _d, _o in _REFLECTED.items():
    setattr(NDArray, f"__{_d}__", _dunder(_o, reflected=True))
for _d, _o in _INPLACE.items():
    setattr(NDArray, f"__{_d}__", _inplace(_o))


def _neg(self: NDArray) -> NDArray:
    return _FUNCS["mul"][1](self, -1)


NDArray.__neg__ = _neg  # type: ignore[attr-defined]
NDArray.__hash__ = object.__hash__  # type: ignore[assignment]


# ---- unary ops ---------------------------------------------------------------------------
def _float_math(fn: Callable) -> Callable:
    """A float-domain unary kernel that, like MXNet, keeps integer dtypes: integers are
    computed in float32 and truncated back."""
    def k(x: torch.Tensor) -> torch.Tensor:
        if x.is_floating_point():
            return fn(x)
        return _trunc_to(fn(x.float()), x.dtype)
    return k


def _trunc_to(r: torch.Tensor, dt: torch.dtype) -> torch.Tensor:
    from .ndarray import _cast
    return _cast(r, dt)


def unary(name: str, kernel: Callable, *, torch_name: str = "", aliases: tuple = (),
          float_math: bool = True, notes: str = "") -> Callable:
    """Register an element-wise unary op ``name(data, out=None)``."""
    k = _float_math(kernel) if float_math else kernel

    def impl(data: torch.Tensor) -> torch.Tensor:
        return k(data)
    impl.__name__ = name
    return register(name, family="elemwise", aliases=aliases, torch=torch_name,
                    notes=notes)(impl)


exp = unary("exp", torch.exp, torch_name="torch.exp")
sqrt = unary("sqrt", torch.sqrt, torch_name="torch.sqrt")
square = unary("square", torch.square, torch_name="torch.square", float_math=False)
negative = unary("negative", torch.neg, torch_name="torch.neg", float_math=False)
__all__ = ["exp", "sqrt", "square", "negative"]
