"""Element-wise ops: arithmetic, comparison and logical operators (binary, broadcast_*,
elemwise_*, scalar forms), unary math, and the NDArray operator dunders.

Every rule about dtypes lives in ``_rules``; the factories below apply it once per family.
"""
from __future__ import annotations

import math
from typing import Any, Callable, Dict, Optional, Tuple

import torch

from .._state import STATE
from ..autograd import link
from ..base import MXNetError, MXNetTypeError
from . import _rules
from ._op import Bool as _op_Bool, Dtype as _op_Dtype, Float, OptInt, register, translate
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
    if a.dtype in _INT_MIN:
        # INT_MIN / -1 overflows: MXNet crashes (SIGFPE); torch silently wraps
        lo = _INT_MIN[a.dtype]
        hit = (a == lo) & (b == -1) if isinstance(b, torch.Tensor) else (
            (a == lo) if b == -1 else None)
        if hit is not None and bool(hit.any()):
            raise MXNetError("integer division overflow (INT_MIN / -1; MXNet 1.9.1 crashes "
                             "the process with SIGFPE here)")
    return torch.div(a, b, rounding_mode="trunc")


_INT_MIN = {torch.int32: -2 ** 31, torch.int64: -2 ** 63}


def _rdiv(a: torch.Tensor, s: Any) -> torch.Tensor:
    return _div(torch.full_like(a, s), a)


def _mod(a: torch.Tensor, b: Any) -> torch.Tensor:
    """MXNet's modulo: floored (the result takes the divisor's sign), ``x % 0 == 0`` (torch
    gives NaN for floats and raises for ints), and MXNet's signed zeros: a zero result keeps the
    dividend's sign when both operands have the same sign (-0.0 counting as positive), else
    it is 0.0."""
    if not isinstance(b, torch.Tensor):
        if b == 0:
            return torch.zeros_like(a)
        b = torch.full_like(a, b)
    zero = b == 0
    bs = torch.where(zero, torch.ones_like(b), b)
    # C's fmod keeps the dividend's sign (-0.0 % 2 is -0.0 in MXNet); where the signs differ
    # MXNet adds the divisor to a non-zero remainder and 0.0 to a zero one (-0.0 -> 0.0).
    # fmod of the values themselves (not of abs) also keeps int8 -128 % 3 == 1
    r = torch.fmod(a, bs)
    adjust = (a < 0) != (bs < 0)
    r = torch.where(adjust, r + torch.where(r != 0, bs, torch.zeros_like(bs)), r)
    return torch.where(zero, torch.zeros_like(r), r)


def _rmod(a: torch.Tensor, s: Any) -> torch.Tensor:
    return _mod(torch.full_like(a, s), a)


def _pow(a: torch.Tensor, b: Any) -> torch.Tensor:
    if a.is_floating_point():
        if not isinstance(b, torch.Tensor) and b in (0.5, -0.5):
            # torch turns these into sqrt/rsqrt: C's pow gives pow(-0.0, 0.5) == 0.0 and
            # pow(-inf, 0.5) == inf, as MXNet does
            b = torch.tensor(b, dtype=a.dtype, device=a.device)
        return torch.pow(a, b)
    # MXNet computes integer pow in float32 and casts back with C semantics
    # (2 ** -1 -> 0, 3 ** 19 -> 1162261504, 3 ** 250 -> inf -> 0 for uint8); torch's integer
    # pow wraps around and refuses negative exponents
    from .ndarray import _cast
    bf = b.float() if isinstance(b, torch.Tensor) else float(b)
    return _cast(torch.pow(a.float(), bf), a.dtype)


def _rpow(a: torch.Tensor, s: Any) -> torch.Tensor:
    return _pow(torch.full_like(a, s), a)


def _minmax_scalar(a: torch.Tensor, s: Any, is_max: bool) -> torch.Tensor:
    r = torch.clamp_min(a, s) if is_max else torch.clamp_max(a, s)
    if a.requires_grad:
        # MXNet's gradient is 1 where a >= s (a <= s for minimum), the tie included; torch
        # 2.14 changed clamp_min/clamp_max to give 0 at the tie, so select explicitly
        # (a NaN gets none: the comparison is false)
        r = torch.where((a >= s) if is_max else (a <= s), a, r.detach())
    if s == 0 and a.is_floating_point():
        # a tie gives the scalar in MXNet (maximum(-0.0, 0.0) is 0.0, maximum(0.0, -0.0) is
        # -0.0); torch keeps the array's zero. Adding 0.0 turns -0.0 into 0.0 (and leaves
        # everything else, gradient included, alone)
        r = r + 0.0 if math.copysign(1.0, float(s)) > 0 else -((-r) + 0.0)
    return r


def _minmax(a: torch.Tensor, b: torch.Tensor, is_max: bool) -> torch.Tensor:
    if not (a.requires_grad or b.requires_grad):
        # MXNet returns rhs on a tie (maximum(-0.0, 0.0) is 0.0); torch returns its first
        # argument, so swap them (NaN propagates from either side in both)
        return torch.maximum(b, a) if is_max else torch.minimum(b, a)
    # MXNet sends the whole gradient of a tie to lhs; torch.maximum splits it in halves.
    # NaN propagates from either side, as torch.maximum does.
    # NaN propagates from either side, as torch.maximum does, and (as in MXNet) its
    # gradient goes to neither side.
    pick_a = (a >= b) if is_max else (a <= b)
    if not a.is_floating_point():
        return torch.where(pick_a, a, b)
    pick_b = (a < b) if is_max else (a > b)
    nan = torch.where(torch.isnan(a), a, b).detach()
    return torch.where(pick_a, a, torch.where(pick_b, b, nan))


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
BINARY: Dict[str, Tuple[Any, Any, Any, str]] = {
    "add": (torch.add, torch.add, torch.add, "torch.add"),
    "sub": (torch.sub, torch.sub, _rsub, "torch.sub"),
    "mul": (torch.mul, torch.mul, torch.mul, "torch.mul"),
    "div": (_div, _div, _rdiv, "torch.div (rounding_mode='trunc' for integers)"),
    "mod": (_mod, _mod, _rmod, "torch.remainder (x % 0 == 0)"),
    "power": (_pow, _pow, _rpow, "torch.pow"),
    "maximum": (lambda a, b: _minmax(a, b, True), lambda a, s: _minmax_scalar(a, s, True),
                lambda a, s: _minmax_scalar(a, s, True), "torch.maximum"),
    "minimum": (lambda a, b: _minmax(a, b, False), lambda a, s: _minmax_scalar(a, s, False),
                lambda a, s: _minmax_scalar(a, s, False), "torch.minimum"),
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
        if STATE.recording:
            r = kernel(a, b)
            return r if r.requires_grad else link(r, (a, b))
        if (a.requires_grad or (type(b) is torch.Tensor and b.requires_grad)) and _grad_on():
            _set_grad(False)  # outside record(): build no graph
            try:
                return kernel(a, b)
            finally:
                _set_grad(True)
        return kernel(a, b)
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
        return _trunc_to(kernel(a.float(), bf), a.dtype)
    return k


# Python numbers as 0-d tensors. torch wraps a Python scalar operand into a tensor on every
# call (about 2 us); a cached 0-d tensor of the array's dtype gives the same bits (checked
# for float32/float64 add, sub, mul, div and rsub, special values included) for a fraction
# of that. Only CPU float32/float64 arrays use it: float16 ops compute a Python scalar in
# float32, which a float16 tensor operand would round first.
_SCALAR_CACHE: Dict[torch.dtype, Dict[float, torch.Tensor]] = {torch.float32: {},
                                                               torch.float64: {}}


def _operand(a: torch.Tensor, s: float) -> Any:
    """The scalar ``s`` as an operand for a kernel over ``a``: a cached 0-d tensor where
    that is exact (see above), else ``s`` itself."""
    c = _SCALAR_CACHE.get(a.dtype)
    if c is None or a.is_cuda or s == 0.0 or s != s:  # signed zeros share a key; NaN has none
        return s
    t = c.get(s)
    if t is None:
        if len(c) >= 256:
            c.clear()
        t = c[s] = torch.tensor(s, dtype=a.dtype)
    return t


def _make_binary(name: str) -> tuple:
    """Build, for one binary op: the NDArray-NDArray function, the NDArray-scalar function,
    and the reflected scalar function. These are what dunders and mx.nd functions call."""
    tt, ts, rts, _ = BINARY[name]
    if name in _FLOAT_ONLY_KERNELS:
        tt, ts, rts = (_int_float_kernel(k) for k in (tt, ts, rts))
    bop, sop, rop = f"broadcast_{name}", f"_{name}_scalar", f"_r{name}_scalar"
    fwd_cached = name in ("add", "sub", "mul", "div")
    rev_cached = name in ("add", "sub", "mul")

    def nd_nd(lhs: NDArray, rhs: NDArray) -> NDArray:
        a, b = lhs._t, rhs._t
        dt = a.dtype
        if dt is not b.dtype:
            raise _rules.dtype_mismatch(bop, dt, b.dtype)
        if dt is torch.bool:
            raise MXNetTypeError(f"Operator {bop} does not support boolean type")
        if a.requires_grad or b.requires_grad:
            return _wrap(_run(tt, bop, a, b), lhs._ctx)
        try:  # the hot path: no autograd bookkeeping to do
            r = tt(a, b)
        except Exception:  # noqa: BLE001 - _run translates the error
            return _wrap(_run(tt, bop, a, b), lhs._ctx)
        return _wrap(r, lhs._ctx)

    def nd_scalar(lhs: NDArray, s: Any) -> NDArray:
        a = lhs._t
        if a.is_floating_point():  # fast path: the scalar is used as a float
            f = _operand(a, float(s)) if fwd_cached else float(s)
            if not a.requires_grad:
                try:  # the hot path: no autograd bookkeeping to do
                    return _wrap(ts(a, f), lhs._ctx)
                except Exception:  # noqa: BLE001 - _run below translates the error
                    pass
            return _wrap(_run(ts, sop, a, f), lhs._ctx)
        if a.dtype is torch.bool:
            a = a.to(torch.int64)
        return _wrap(_run(ts, sop, a, _scalar_for(s, a.dtype)), lhs._ctx)

    def scalar_nd(s: Any, rhs: NDArray) -> NDArray:
        a = rhs._t
        if a.is_floating_point() and not a.requires_grad:
            try:  # the hot path (lr * w.grad): the scalar is used as a float
                return _wrap(rts(a, _operand(a, float(s)) if rev_cached else float(s)),
                             rhs._ctx)
            except Exception:  # noqa: BLE001 - _run below translates the error
                pass
        if a.dtype == torch.bool:
            a = a.to(torch.int64)
        return _wrap(_run(rts, rop, a, _scalar_for(s, a.dtype)), rhs._ctx)

    return nd_nd, nd_scalar, scalar_nd


_FUNCS = {name: _make_binary(name) for name in BINARY}


def _binary_dispatch(name: str) -> Callable:
    """mx.nd.add(lhs, rhs) and friends: NDArray or scalar on either side."""
    nd_nd, nd_scalar, scalar_nd = _FUNCS[name]
    pyop: Any = {"add": lambda x, y: x + y, "sub": lambda x, y: x - y, "mul": lambda x, y: x * y,
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

    def fn(lhs: Any = None, rhs: Any = None) -> Any:
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


def _power_names(f: Callable) -> Callable:
    def power(base: Any = None, exp: Any = None) -> Any:
        return f(base, exp)
    return power


def _install_public() -> None:
    for pub, op in _PUBLIC.items():
        fn = _binary_dispatch(op)
        if pub == "power":  # MXNet's signature is power(base, exp)
            fn = _power_names(fn)
        fn.__name__ = fn.__qualname__ = pub
        fn.__module__ = "mxcompat.ndarray"
        fn.__doc__ = (f"mx.nd.{pub}(lhs, rhs): element-wise with broadcasting; NDArray or "
                      f"scalar operands. torch equivalent: {BINARY[op][3]}")
        register(pub, python=True, family="elemwise", torch=BINARY[op][3],
                 inputs=("base", "exp") if pub == "power" else ("lhs", "rhs"))(fn)


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
    register(name, family="elemwise", torch=BINARY[op][3],
             aliases=_BROADCAST_ALIASES.get(name, ()))(impl)


#: MXNet's other names of some broadcast ops
_BROADCAST_ALIASES = {"broadcast_sub": ("broadcast_minus",), "broadcast_add": ("broadcast_plus",)}


for _op_name in BINARY:
    _register_tensor_binary(f"broadcast_{_op_name}", _op_name, False)
for _op_name in ("add", "sub", "mul", "div"):
    _register_tensor_binary(f"elemwise_{_op_name}", _op_name, True)


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
        return f
    tt = _FAST_TT.get(op)

    def g(self: NDArray, other: Any) -> NDArray:
        t = type(other)
        if t is NDArray:
            if tt is not None:
                # hot path (x + y on equal float dtypes, no autograd or recording): nd_nd's
                # checks, _run and _wrap inline
                a, b = self._t, other._t
                dt = a.dtype
                if dt is b.dtype and dt in _FLOATS:
                    grad = a.requires_grad or b.requires_grad
                    if not grad or STATE.recording:
                        try:
                            res = tt(a, b)
                        except Exception:  # noqa: BLE001 - nd_nd translates the error
                            pass
                        else:
                            if grad and not res.requires_grad:
                                res = link(res, (a, b))
                            r = _new(NDArray)
                            r._t, r._ctx, r._ag = res, self._ctx, None
                            return r
            return nd_nd(self, other)
        if t is float or t is int or _is_scalar(other):
            return nd_scalar(self, other)
        if isinstance(other, NDArray):
            return nd_nd(self, other)
        raise _rules.bad_operand(other)
    return g


_FLOATS = frozenset((torch.float16, torch.bfloat16, torch.float32, torch.float64))
_new = object.__new__
# the binary ops whose torch kernel is MXNet's on float operands of one dtype
_FAST_TT: Dict[str, Callable] = {"add": torch.add, "sub": torch.sub, "mul": torch.mul,
                                  "div": torch.div}


_TORCH_INPLACE = {"add": "add_", "sub": "sub_", "mul": "mul_", "div": "div_"}


def _inplace(op: str) -> Callable:
    fwd = _dunder(op)
    native = _TORCH_INPLACE.get(op)

    def f(self: NDArray, other: Any) -> NDArray:
        t = self._t
        if t.dtype is torch.bool and not isinstance(other, NDArray):
            # bool (op) scalar computes in int64, which cannot be written back into self
            raise MXNetTypeError(f"_{op}_scalar: Type inconsistent, Provided = bool, inferred "
                                 "type = int64 (an in-place op with a scalar cannot update a "
                                 "bool array; use the out-of-place form)")
        if native is not None and not STATE.recording and t.is_floating_point():
            # fast path (w -= lr * w.grad): torch's in-place op on a float array gives the
            # same bits as MXNet's out-of-place op + copy, in one pass
            o: Any = None
            scalar = type(other) is float or type(other) is int
            if scalar:
                o = _operand(t, float(other))
            elif type(other) is NDArray and other._t.dtype is t.dtype and \
                    not other._t.requires_grad:
                o = other._t
            if o is not None and (scalar or o.shape == t.shape):
                if t.requires_grad and _grad_on():
                    _set_grad(False)  # a leaf's in-place update: no graph
                    try:
                        getattr(t, native)(o)
                    finally:
                        _set_grad(True)
                else:
                    getattr(t, native)(o)
                return self
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
    a = self._t
    if a.is_floating_point() and (STATE.recording or not a.requires_grad):
        # the hot path (the sign of a loss): what _mul_scalar(x, -1) runs, without its layers
        try:
            return _wrap(torch.mul(a, _operand(a, -1.0)), self._ctx)
        except Exception:  # noqa: BLE001 - the general path translates the error
            pass
    return _FUNCS["mul"][1](self, -1)


setattr(NDArray, "__neg__", _neg)  # noqa: B010
NDArray.__hash__ = object.__hash__  # type: ignore[assignment]


# ---- unary ops ---------------------------------------------------------------------------
def _float_math(fn: Callable) -> Callable:
    """A float-domain unary kernel that, like MXNet, keeps integer dtypes: integers are
    computed in float64 (MXNet's math functions take a double for integer types:
    tanh(int32 19) -> 0, exp(int32 20) -> 485165195) and cast back with C semantics."""
    def k(x: torch.Tensor) -> torch.Tensor:
        if x.is_floating_point():
            return fn(x)
        return _trunc_to(fn(x.double()), x.dtype)
    return k


def _trunc_to(r: torch.Tensor, dt: torch.dtype) -> torch.Tensor:
    from .ndarray import _cast
    return _cast(r, dt)


def unary(name: str, kernel: Callable, *, torch_name: str = "", aliases: tuple = (),
          float_math: bool = True, notes: str = "", int_kernel: Optional[Callable] = None,
          float_only: bool = False) -> Callable:
    """Register an element-wise unary op ``name(data, out=None)``.

    ``float_math``: integer inputs are computed in float32 and cast back (MXNet keeps the
    integer dtype); otherwise ``kernel`` runs on every dtype (or ``int_kernel`` on integers).
    ``float_only``: integer inputs raise, as in MXNet. Bool inputs always raise (MXNet:
    "Unknown type enum 7")."""
    k = _float_math(kernel) if float_math else kernel
    if int_kernel is not None:
        def k(x: torch.Tensor, _f: Callable = kernel, _i: Callable = int_kernel) -> torch.Tensor:
            return _f(x) if x.is_floating_point() else _i(x)
    _bool, _fp = torch.bool, float_only

    def impl(data: torch.Tensor) -> torch.Tensor:
        if data.is_floating_point():  # every variant runs the plain kernel on floats
            return kernel(data)
        if data.dtype == _bool:
            raise _rules.bool_unsupported(name)
        if _fp:
            raise _rules.float_only(name, data.dtype)
        return k(data)
    impl.__name__ = name
    return register(name, family="elemwise", aliases=aliases, torch=torch_name,
                    notes=notes)(impl)


# ---- unary kernels with MXNet's exact semantics --------------------------------------------
def _same(x: torch.Tensor) -> torch.Tensor:
    return x.clone()


def _sign(x: torch.Tensor) -> torch.Tensor:
    r = torch.sign(x)
    # torch.sign(nan) is nan; MXNet's sign(nan) is 0
    return torch.nan_to_num(r, nan=0.0) if x.is_floating_point() else r


def _rint(x: torch.Tensor) -> torch.Tensor:
    """MXNet's rint: the nearer of floor/ceil, floor on a tie (0.5 -> 0, -0.5 -> -1, 1.5 -> 1);
    torch.round rounds half to even."""
    fl, ce = torch.floor(x), torch.ceil(x)
    return torch.where((x - fl) <= (ce - x), fl, ce)


def _round(x: torch.Tensor) -> torch.Tensor:
    """Half away from zero (C ``round``); torch.round rounds half to even."""
    t = torch.trunc(x)
    return torch.where((x - t).abs() >= 0.5, t + torch.sign(x), t)


def _cbrt(x: torch.Tensor) -> torch.Tensor:
    # torch has no cbrt; pow of a negative base with 1/3 gives nan, so take the sign apart
    # (copysign keeps cbrt(-0.0) = -0.0, so rcbrt(-0.0) = -inf as in C)
    return torch.copysign(torch.pow(x.abs(), 1.0 / 3.0), x)


def _rcbrt(x: torch.Tensor) -> torch.Tensor:
    return torch.reciprocal(_cbrt(x))


def _gamma(x: torch.Tensor) -> torch.Tensor:
    """tgamma: exp(lgamma) with the sign of gamma for negative non-integers; 0 -> inf and
    negative integers / -inf -> nan as in C (torch has no gamma function)."""
    xd = x.double() if x.dtype != torch.float64 else x
    mag = torch.exp(torch.lgamma(xd))
    # gamma(x) < 0 exactly where x < 0 and floor(x) is odd
    neg = (xd < 0) & (torch.remainder(torch.floor(xd), 2) == 1)
    r = torch.where(neg, -mag, mag)
    bad = ((xd < 0) & (xd == torch.floor(xd))) | (xd == float("-inf"))
    r = torch.where(bad, torch.full_like(r, float("nan")), r)
    r = torch.where(xd == 0, torch.copysign(torch.full_like(r, float("inf")), xd), r)
    return r.to(x.dtype)


def _erfinv_int(x: torch.Tensor) -> torch.Tensor:
    # MXNet's integer erfinv gives 0 outside [-1, 1] (the float path gives nan)
    r = torch.erfinv(x.double())
    return _trunc_to(torch.nan_to_num(r, nan=0.0, posinf=float("inf"),
                                      neginf=float("-inf")), x.dtype)


_DEG = 57.2957763671875          # MXNet's float32 180/pi, also used for float64 inputs
_RAD = 0.01745329238474369       # MXNet's float32 pi/180


def _softsign(x: torch.Tensor) -> torch.Tensor:
    return x / (1 + x.abs())


def _logical_not(x: torch.Tensor) -> torch.Tensor:
    return (x == 0).to(x.dtype)


exp = unary("exp", torch.exp, torch_name="torch.exp")
sqrt = unary("sqrt", torch.sqrt, torch_name="torch.sqrt")
square = unary("square", torch.square, torch_name="torch.square", float_math=False)
negative = unary("negative", torch.neg, torch_name="torch.neg", float_math=False)
abs = unary("abs", torch.abs, torch_name="torch.abs", float_math=False,
            notes="int8 -128 stays -128; uint8 is unchanged")
sign = unary("sign", _sign, torch_name="torch.sign", float_math=False,
             notes="sign(nan) = 0 (torch: nan)")
ceil = unary("ceil", torch.ceil, torch_name="torch.ceil", int_kernel=_same)
floor = unary("floor", torch.floor, torch_name="torch.floor", int_kernel=_same)
trunc = unary("trunc", torch.trunc, torch_name="torch.trunc", int_kernel=_same)
fix = unary("fix", torch.trunc, torch_name="torch.trunc", int_kernel=_same,
            notes="rounds toward zero")
rint = unary("rint", _rint, torch_name="torch.where(x - floor(x) <= ceil(x) - x, floor, ceil)",
             int_kernel=_same, notes="ties go down: 0.5 -> 0, -0.5 -> -1, 1.5 -> 1 (torch.round "
             "and numpy.rint round half to even)")
round = unary("round", _round, torch_name="trunc(x) + sign(x) where |frac| >= 0.5",
              int_kernel=_same, notes="half away from zero (torch.round: half to even)")
rsqrt = unary("rsqrt", torch.rsqrt, torch_name="torch.rsqrt")
cbrt = unary("cbrt", _cbrt, torch_name="sign(x) * |x| ** (1/3)")
rcbrt = unary("rcbrt", _rcbrt, torch_name="1 / cbrt(x)")
reciprocal = unary("reciprocal", torch.reciprocal, torch_name="torch.reciprocal")
expm1 = unary("expm1", torch.expm1, torch_name="torch.expm1")
log = unary("log", torch.log, torch_name="torch.log")
log10 = unary("log10", torch.log10, torch_name="torch.log10")
log2 = unary("log2", torch.log2, torch_name="torch.log2")
log1p = unary("log1p", torch.log1p, torch_name="torch.log1p")
sin = unary("sin", torch.sin, torch_name="torch.sin")
cos = unary("cos", torch.cos, torch_name="torch.cos")
tan = unary("tan", torch.tan, torch_name="torch.tan")
arcsin = unary("arcsin", torch.asin, torch_name="torch.asin")
arccos = unary("arccos", torch.acos, torch_name="torch.acos")
arctan = unary("arctan", torch.atan, torch_name="torch.atan")
sinh = unary("sinh", torch.sinh, torch_name="torch.sinh")
cosh = unary("cosh", torch.cosh, torch_name="torch.cosh")
tanh = unary("tanh", torch.tanh, torch_name="torch.tanh")
arcsinh = unary("arcsinh", torch.asinh, torch_name="torch.asinh")
arccosh = unary("arccosh", torch.acosh, torch_name="torch.acosh")
arctanh = unary("arctanh", torch.atanh, torch_name="torch.atanh")
# degrees/radians compute integer inputs in float32 (unlike the other math functions)
degrees = unary("degrees", lambda x: x * _DEG, torch_name="torch.rad2deg",
                int_kernel=lambda x: _trunc_to(x.float() * _DEG, x.dtype),
                notes="uses MXNet's float32 constant 180/pi for every dtype")
radians = unary("radians", lambda x: x * _RAD, torch_name="torch.deg2rad",
                int_kernel=lambda x: _trunc_to(x.float() * _RAD, x.dtype),
                notes="uses MXNet's float32 constant pi/180 for every dtype")
erf = unary("erf", torch.erf, torch_name="torch.erf")
erfinv = unary("erfinv", torch.erfinv, torch_name="torch.erfinv", float_math=False,
               int_kernel=_erfinv_int)
gamma = unary("gamma", _gamma, torch_name="exp(torch.lgamma(x)) with gamma's sign",
              notes="computed in float64")
gammaln = unary("gammaln", torch.lgamma, torch_name="torch.lgamma")
def _relu(x: torch.Tensor) -> torch.Tensor:
    # x > 0 ? x : 0, as MXNet: relu(-0.0) is 0.0 (torch.relu keeps -0.0); the op
    # torch.nn.functional.threshold runs, without that function's Python layer
    return torch.threshold(x, 0, 0)


relu = unary("relu", _relu, torch_name="torch.relu", float_math=False)
sigmoid = unary("sigmoid", torch.sigmoid, torch_name="torch.sigmoid")
softsign = unary("softsign", _softsign, torch_name="torch.nn.functional.softsign")
logical_not = unary("logical_not", _logical_not, torch_name="torch.logical_not (result in "
                    "the input dtype)", float_math=False)


@register("hard_sigmoid", params={"alpha": Float, "beta": Float}, family="elemwise",
          torch="torch.clamp(alpha * x + beta, 0, 1)",
          notes="float dtypes only; alpha and beta are float32 parameters")
def hard_sigmoid(data: torch.Tensor, alpha: float = 0.2, beta: float = 0.5) -> torch.Tensor:
    """max(0, min(1, alpha * data + beta))."""
    if data.dtype == torch.bool:
        raise _rules.bool_unsupported("hard_sigmoid")
    if not data.is_floating_point():
        raise _rules.float_only("hard_sigmoid", data.dtype)
    # MXNet stores alpha/beta as float32 parameters, also for float64 data
    a, b = _rules.f32(alpha), _rules.f32(beta)
    y = data * a + b
    if not y.requires_grad:
        return torch.clamp(y, 0.0, 1.0)
    # MXNet's gradient is alpha strictly inside (0, 1) and 0 at the corners; torch.clamp
    # passes the gradient at the corners too
    return torch.where(y <= 0, torch.zeros_like(y), torch.where(y >= 1, torch.ones_like(y), y))


@register("smooth_l1", params={"scalar": Float}, family="elemwise",
          torch="torch.where(|x| < 1/s^2, 0.5 * (s*x)^2, |x| - 0.5/s^2)",
          notes="scalar (sigma) defaults to 1; integer inputs are computed in float32 and "
          "truncated")
def smooth_l1(data: torch.Tensor, scalar: float = 1.0) -> torch.Tensor:
    """0.5 (sigma x)^2 where |x| < 1/sigma^2, else |x| - 0.5/sigma^2."""
    if data.dtype == torch.bool:
        raise _rules.bool_unsupported("smooth_l1")
    x = data if data.is_floating_point() else data.float()
    s2 = scalar * scalar
    ax = x.abs()
    r = torch.where(ax < 1.0 / s2, 0.5 * s2 * x * x, ax - 0.5 / s2)
    return r if data.is_floating_point() else _trunc_to(r, data.dtype)


@register("clip", params={"a_min": Float, "a_max": Float}, family="elemwise",
          torch="torch.clamp", notes="both bounds are required; computed as "
          "x > a_max ? a_max : (x < a_min ? a_min : x) with the comparisons in float and the "
          "bounds cast to the dtype (clip(int32, 0.5, 3.7) clips to [0, 3]); NaN stays NaN")
def clip(data: torch.Tensor, a_min: float, a_max: float) -> torch.Tensor:
    """Clip values to [a_min, a_max]."""
    if data.dtype == torch.bool:
        raise _rules.bool_unsupported("clip")
    lo, hi = _rules.f32(a_min), _rules.f32(a_max)
    if data.is_floating_point() and lo <= hi:
        r = torch.clamp(data, lo, hi)
        if data.requires_grad:
            # MXNet passes the gradient unless x < a_min or x > a_max (the bounds and NaN
            # included); torch 2.14 changed clamp's to 0 at the bounds, so select explicitly
            r = torch.where((data < lo) | (data > hi), r.detach(), data)
        return r
    # MXNet compares in float and returns the bound cast to the dtype; torch.clamp differs
    # for a_min > a_max and for bounds outside an integer dtype's range
    dt = data.dtype
    clo, chi = _scalar_for(lo, dt), _scalar_for(hi, dt)
    r = torch.where(data < lo, torch.full_like(data, clo), data)
    return torch.where(data > hi, torch.full_like(data, chi), r)


@register("cast", params={"dtype": _op_Dtype}, aliases=("Cast",), family="elemwise",
          torch="Tensor.to(dtype)", notes="float -> int truncates then wraps (C cast); NaN "
          "and infinities become INT_MIN")
def cast(data: torch.Tensor, dtype: torch.dtype) -> torch.Tensor:
    """Cast to ``dtype`` with C semantics."""
    return _trunc_to(data, dtype)


@register("where", family="elemwise", torch="torch.where",
          notes="x and y: same shape and dtype; condition: the same shape, or 1-D selecting "
          "whole rows (length x.shape[0]); no other broadcasting")
def where(condition: torch.Tensor, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """x where condition is non-zero (NaN counts as true), else y."""
    for t in (condition, x, y):
        if t.dtype == torch.bool:
            raise _rules.bool_unsupported("where")
    if x.dtype != y.dtype:
        raise MXNetTypeError(f"where: x and y must have the same dtype, got "
                             f"{_rules.dtype_name(x.dtype)} and {_rules.dtype_name(y.dtype)} "
                             "(MXNet: Operator where is missing FInferType attribute)")
    if x.shape != y.shape:
        raise MXNetError(f"where: x and y must have the same shape, got {list(x.shape)} and "
                         f"{list(y.shape)}")
    c = condition != 0
    if condition.shape != x.shape:
        if condition.dim() != 1 or x.dim() < 1 or condition.shape[0] != x.shape[0]:
            raise MXNetError(f"where: condition must have the shape of x {list(x.shape)} or "
                             f"be 1-D of length x.shape[0], got {list(condition.shape)}")
        c = c.reshape((-1,) + (1,) * (x.dim() - 1))
    return torch.where(c, x, y)


@register("add_n", params={"num_args": OptInt}, aliases=("ElementWiseSum",), family="elemwise",
          torch="sum of tensors (torch.stack(...).sum(0))",
          notes="all inputs must have the same shape and dtype")
def add_n(*args: torch.Tensor, num_args: Any = None) -> torch.Tensor:
    """Element-wise sum of all inputs."""
    if not args:
        raise MXNetError("add_n: needs at least one input (num_args >= 1)")
    if num_args is not None and num_args != len(args):
        raise MXNetError(f"add_n: num_args={num_args} but {len(args)} inputs were given")
    a0 = args[0]
    if a0.dtype == torch.bool:
        raise MXNetTypeError("add_n: Operator add_n does not support boolean type")
    for i, t in enumerate(args[1:], 1):
        if t.dtype != a0.dtype:
            raise _rules.dtype_mismatch("add_n", a0.dtype, t.dtype, i)
        if t.shape != a0.shape:
            raise MXNetError(f"add_n: Incompatible attr in node at {i}-th input: expected "
                             f"{list(a0.shape)}, got {list(t.shape)}")
    r = a0.clone()
    for t in args[1:]:
        r = r + t
    return r



@register("stop_gradient", aliases=("BlockGrad",), family="autograd",
          torch="Tensor.detach() (a copy, as MXNet's op output is a new array)")
def stop_gradient(data: torch.Tensor) -> torch.Tensor:
    """The input's values, with no gradient flowing back through them."""
    return data.detach().clone()


__all__ = ["unary", "exp", "sqrt", "square", "negative", "abs", "sign", "ceil", "floor",
           "trunc", "fix", "rint", "round", "rsqrt", "cbrt", "rcbrt", "reciprocal", "expm1",
           "log", "log10", "log2", "log1p", "sin", "cos", "tan", "arcsin", "arccos", "arctan",
           "sinh", "cosh", "tanh", "arcsinh", "arccosh", "arctanh", "degrees", "radians", "erf",
           "erfinv", "gamma", "gammaln", "relu", "sigmoid", "softsign", "logical_not",
           "hard_sigmoid", "smooth_l1", "clip", "cast", "where", "add_n", "stop_gradient"]


# MXNet's NDArray defines __abs__ (-> the abs op); there is no __round__
setattr(NDArray, "__abs__", abs)  # noqa: B010


# ---- MXNet's internal scalar ops (what symbol JSON holds for ``x + 1``) ---------------------
#: registry name -> (binary op, scalar on the left)
_SCALAR_OPS = {f"_{n}_scalar": (op, False) for n, op in (
    ("plus", "add"), ("minus", "sub"), ("mul", "mul"), ("div", "div"), ("mod", "mod"),
    ("power", "power"), ("maximum", "maximum"), ("minimum", "minimum"), ("hypot", "hypot"),
    ("equal", "equal"), ("not_equal", "not_equal"), ("greater", "greater"),
    ("greater_equal", "greater_equal"), ("lesser", "lesser"),
    ("lesser_equal", "lesser_equal"), ("logical_and", "logical_and"),
    ("logical_or", "logical_or"), ("logical_xor", "logical_xor"))}
_SCALAR_OPS.update({f"_r{n}_scalar": (op, True) for n, op in (
    ("minus", "sub"), ("div", "div"), ("mod", "mod"), ("power", "power"))})


def _register_scalar_op(name: str, op: str, reflected: bool) -> None:
    _nd_nd, nd_scalar, scalar_nd = _FUNCS[op]

    def impl(data: Any, scalar: float = 1.0, is_int: bool = True, out: Any = None) -> Any:
        if not isinstance(data, NDArray):
            from ._op import unwrap
            unwrap(data, name, "data")  # the error naming the op and the input
        r = scalar_nd(scalar, data) if reflected else nd_scalar(data, scalar)
        if out is None:
            return r
        from ._op import finish
        return finish(r._t, r._ctx, out, name)
    impl.__name__ = name
    impl.__doc__ = (f"MXNet's internal {name}(data, scalar): "
                    f"{'scalar OP data' if reflected else 'data OP scalar'} with OP = {op}, "
                    "as the NDArray operator computes it (is_int is accepted and ignored: the "
                    "data's dtype decides).")
    register(name, ns="_internal", family="elemwise", ndarray=True,
             params={"scalar": Float, "is_int": _op_Bool}, types={"scalar": "double"},
             torch=f"{BINARY[op][3]} with a Python scalar")(impl)


for _n, (_o, _rev) in _SCALAR_OPS.items():
    _register_scalar_op(_n, _o, _rev)


# MXNet's internal names of the same-shape binary ops (symbol JSON of ``a + b`` says _plus)
from ._op import OPS as _OPS, publish_alias as _publish_alias  # noqa: E402

for _names, _of in ((("_plus", "_add", "_Plus"), "elemwise_add"),
                    (("_minus", "_sub", "_Minus"), "elemwise_sub"),
                    (("_mul", "_Mul"), "elemwise_mul"), (("_div", "_Div"), "elemwise_div")):
    for _n in _names:
        _publish_alias("_internal", _n, _OPS[f"nd.{_of}"].fn)
