"""Core elementwise ops: unary math (exp/sqrt/square/negative), binary ops with broadcasting
(broadcast_*, elemwise_*, the mx.nd functions with scalar forms), the NDArray operators and
comparisons."""
import numpy as np

from compat_matrix.refs import (binary, c_cast, compare, nonzero, scalar_for, small_ints,
                                trunc_div, unary)
from compat_matrix.spec import ALL_DTYPES, FLOATS, INTS, NUMERIC, SIGNED_INTS, Case, In

UNARY_SHAPES = [((2, 3),), ((1,),), ((4, 1, 3),)]
BCAST = [((2, 3), (2, 3)), ((2, 3), (1, 3)), ((2, 1), (1, 3)), ((1,), (1,)),
         ((3, 1, 2), (4, 1))]
SAME = [((2, 3), (2, 3)), ((1,), (1,)), ((2, 1, 3), (2, 1, 3))]
RB = ("bool",)  # MXNet: "Unknown type enum 7"
ZERO_D = "0-d arrays are supported (MXNet: shape inference fails)"
ZERO_SIZE = "zero-size arrays are supported (MXNet: shape inference fails)"


def _np_mod(a, b):
    """MXNet's %: floored (sign of the divisor); by zero gives 0."""
    with np.errstate(all="ignore"):
        r = np.mod(a, np.where(b == 0, 1, b))
    return np.where(b == 0, np.zeros((), a.dtype), r).astype(a.dtype)


def _np_div(a, b):
    if a.dtype.kind == "f":
        with np.errstate(all="ignore"):
            return (a / b).astype(a.dtype)
    return trunc_div(a, b)


def _np_pow(a, b):
    with np.errstate(all="ignore"):
        if a.dtype.kind == "f":
            return np.power(a, b).astype(a.dtype)
        return c_cast(np.power(a.astype(np.float64), b.astype(np.float64)), a.dtype)


def _scalar(f):
    """ref for array (op) python scalar: the scalar is cast to the array dtype first."""
    return lambda a, s: f(a, np.asarray(scalar_for(a.dtype, s), dtype=a.dtype))


def _b64(f):
    """A bool array with a Python scalar: MXNet computes in int64 (the scalar cast to
    int64)."""
    def ref(*xs, **kw):
        xs = [x.astype(np.int64) if isinstance(x, np.ndarray) and x.dtype == bool else x
              for x in xs]
        return f(*xs, **kw)
    return ref


def _rscalar(f):
    return lambda a, s: f(np.full_like(a, scalar_for(a.dtype, s)), a)


CASES = [
    # ---- unary ---------------------------------------------------------------------------
    Case("exp", samples=UNARY_SHAPES, inputs=[In(domain=(-3, 5))], dtypes=NUMERIC, rejects=RB,
         ref=unary(np.exp), grad=True),
    Case("exp", "special", inputs=[In(special=True)], dtypes=NUMERIC, rejects=RB,
         ref=lambda x: unary(np.exp)(x) if x.dtype.kind == "f" else
         c_cast(np.exp(x.astype(np.float64)), x.dtype)),
    Case("exp", "0d", samples=[((),)], ref=unary(np.exp), extension=ZERO_D),
    Case("exp", "empty", samples=[((0, 3),)], ref=unary(np.exp), extension=ZERO_SIZE),
    Case("NDArray.exp", samples=UNARY_SHAPES, inputs=[In(domain=(-3, 5))], dtypes=NUMERIC,
         rejects=RB,
         ref=unary(np.exp)),
    Case("sqrt", samples=UNARY_SHAPES, inputs=[In(domain=(0.1, 9))], dtypes=NUMERIC, rejects=RB,
         ref=unary(np.sqrt), grad=True),
    Case("sqrt", "negative", inputs=[In(domain=(-4, -0.1))], dtypes=NUMERIC, rejects=RB,
         ref=unary(np.sqrt)),
    Case("NDArray.sqrt", inputs=[In(domain=(0.1, 9))], dtypes=NUMERIC, rejects=RB,
         ref=unary(np.sqrt)),
    Case("square", samples=UNARY_SHAPES, dtypes=NUMERIC, rejects=RB,
         ref=unary(np.square), grad=True),
    Case("square", "int_wrap", inputs=[In(domain=(-120, 120))], dtypes=("int8", "uint8"),
         rejects=RB,
         ref=lambda x: c_cast(x.astype(np.int64) ** 2, x.dtype),
         note="integer square wraps in the input dtype"),
    Case("NDArray.square", dtypes=NUMERIC, rejects=RB, ref=unary(np.square)),
    Case("negative", samples=UNARY_SHAPES, dtypes=NUMERIC, rejects=RB,
         ref=lambda x: c_cast(-x.astype(np.float64), x.dtype) if x.dtype.kind in "iu"
         else -x, grad=True),
    Case("NDArray.__neg__", samples=UNARY_SHAPES, dtypes=ALL_DTYPES,
         ref=_b64(lambda x: c_cast(-x.astype(np.float64), x.dtype) if x.dtype.kind in "iu"
                  else -x), note="-uint8 wraps (MXNet multiplies by -1 in the dtype)"),
]

# ---- binary ops with broadcasting ----------------------------------------------------------
_BIN = {
    "add": (np.add, None), "sub": (np.subtract, None), "mul": (np.multiply, None),
    "div": (_np_div, [In(), In(gen=nonzero(1, 5))]),
    "mod": (_np_mod, [In(), In(gen=nonzero(1, 5))]),
    "power": (_np_pow, [In(domain=(0.5, 3)), In(domain=(-2, 2))]),
    "maximum": (np.maximum, None), "minimum": (np.minimum, None),
}
for name, (f, ins) in _BIN.items():
    ref = binary(f) if name not in ("div", "mod", "power") else f
    dts = NUMERIC
    ins_i = ins
    if name == "power":
        ins_i = [In(domain=(0.5, 3)), In(domain=(-2, 2))]
    CASES.append(Case(f"broadcast_{name}", samples=BCAST, inputs=ins_i or (), dtypes=dts,
                      rejects=RB,
                      ref=ref, grad=name not in ("mod",)))
CASES += [
    Case("broadcast_power", "int", samples=BCAST[:2], inputs=[In(domain=(-3, 3)),
                                                             In(domain=(0, 3))],
         dtypes=SIGNED_INTS + ("uint8",), rejects=RB, ref=_np_pow),
    Case("broadcast_mod", "by_zero", samples=BCAST[:2], inputs=[In(), In(gen=small_ints(-1, 1))],
         dtypes=NUMERIC, rejects=RB, ref=_np_mod, note="x % 0 is 0 in MXNet (NumPy: nan or error)"),
    Case("broadcast_div", "float_by_zero", samples=BCAST[:1], inputs=[In(special=True),
                                                                     In(gen=small_ints(-1, 1))],
         dtypes=FLOATS, rejects=RB, ref=_np_div),
    Case("broadcast_div", "int_by_zero", samples=[((3,), (3,))],
         inputs=[In(), In(gen=lambda rng, s, dt: np.zeros(s, dt))], dtypes=("int32",),
         mx_crash="SIGFPE", noncontig=False),
    Case("broadcast_maximum", "nan", samples=BCAST[:2], inputs=[In(special=True),
                                                               In(special=True)],
         dtypes=NUMERIC, rejects=RB, ref=binary(np.maximum), note="maximum/minimum propagate NaN"),
    Case("broadcast_minimum", "nan", samples=BCAST[:2], inputs=[In(special=True),
                                                               In(special=True)],
         dtypes=NUMERIC, rejects=RB, ref=binary(np.minimum)),
    Case("broadcast_hypot", samples=BCAST, dtypes=NUMERIC, rejects=RB, grad=True,
         ref=lambda a, b: binary(np.hypot, int_exact=a.dtype.kind == "f")(a, b)),
    Case("broadcast_hypot", "int", samples=BCAST[:2], dtypes=INTS, rejects=RB,
         ref=binary(np.hypot, int_exact=False)),
    Case("broadcast_add", "mismatch", samples=[((2, 3), (3, 2))], dtypes=("float32",), raises=True),
    Case("broadcast_add", "dtype_mismatch", samples=[((2, 3), (2, 3))],
         inputs=[In(), In(dtype="int32")], dtypes=("float32", "float64"), raises=True),
    Case("broadcast_add", "bool", samples=[((2, 3), (2, 3))], dtypes=(), rejects=("bool",)),
    Case("broadcast_add", "0d", samples=[((), ())], ref=binary(np.add), extension=ZERO_D),
    Case("broadcast_add", "empty", samples=[((0, 3), (1, 3))], ref=binary(np.add),
         extension=ZERO_SIZE),
]
for name, f in (("equal", np.equal), ("not_equal", np.not_equal), ("greater", np.greater),
                ("greater_equal", np.greater_equal), ("lesser", np.less),
                ("lesser_equal", np.less_equal), ("logical_and", np.logical_and),
                ("logical_or", np.logical_or), ("logical_xor", np.logical_xor)):
    CASES.append(Case(f"broadcast_{name}", samples=BCAST,
                      inputs=[In(gen=small_ints()), In(gen=small_ints())], dtypes=NUMERIC,
                      rejects=RB, ref=compare(f)))
    CASES.append(Case(name, samples=BCAST[:2], inputs=[In(gen=small_ints()),
                                                         In(gen=small_ints())],
                      dtypes=NUMERIC, rejects=RB, ref=compare(f)))
    CASES.append(Case(name, "scalar", samples=[((2, 3),)], inputs=[In(gen=small_ints())],
                      args=(1.5,), dtypes=ALL_DTYPES,
                      ref=_b64(lambda a, s, f=f: compare(f)(a, s))))

# ---- elemwise_* (same shapes only) ----------------------------------------------------------
for name, f in (("add", np.add), ("sub", np.subtract), ("mul", np.multiply),
                ("div", _np_div)):
    CASES.append(Case(f"elemwise_{name}", samples=SAME,
                      inputs=[In(), In(gen=nonzero(1, 5))] if name == "div" else (),
                      dtypes=NUMERIC, rejects=RB, ref=binary(f) if name != "div" else f,
                      grad=True))
CASES.append(Case("elemwise_add", "broadcast", samples=[((2, 3), (2, 1))],
                  dtypes=("float32",), raises=True, note="elemwise_* require identical shapes"))

# ---- mx.nd functions: array/array and array/scalar forms -------------------------------
_FUNCS = {"add": np.add, "subtract": np.subtract, "multiply": np.multiply,
          "divide": _np_div, "true_divide": _np_div, "modulo": _np_mod, "power": _np_pow,
          "maximum": np.maximum, "minimum": np.minimum}
for name, f in _FUNCS.items():
    safe = name in ("divide", "true_divide", "modulo")
    ins = [In(), In(gen=nonzero(1, 5))] if safe else (
        [In(domain=(0.5, 3)), In(domain=(-2, 2))] if name == "power" else ())
    bref = f if name in ("divide", "true_divide", "modulo", "power") else binary(f)
    CASES.append(Case(name, samples=BCAST[:3], inputs=ins, dtypes=NUMERIC, rejects=RB,
                      ref=bref))
    CASES.append(Case(name, "scalar", samples=[((2, 3),)],
                      inputs=[In(domain=(0.5, 3))] if name == "power" else (),
                      args=(2.5,), dtypes=ALL_DTYPES, ref=_b64(_scalar(bref)),
                      note="the scalar is cast to the array's dtype first (int32 * 2.5 == "
                      "int32 * 2)" if name == "multiply" else ""))
    CASES.append(Case(name, "rscalar", samples=[((2, 3),)],
                      inputs=[In(gen=nonzero(1, 5))] if safe else
                      ([In(domain=(-2, 2))] if name == "power" else ()),
                      call=lambda mx, a, args, kw, name=name: getattr(mx.nd, name)(3.5, a[0]),
                      dtypes=ALL_DTYPES, ref=_b64(lambda a, bref=bref: bref(
                          np.full_like(a, scalar_for(a.dtype, 3.5)), a))))
CASES += [
    Case("add", "two_scalars", samples=[()], args=(2, 3), dtypes=("float32",),
         note="two Python scalars give a Python value"),
    Case("maximum", "two_scalars", samples=[()], args=(2, 3.5), dtypes=("float32",)),
]

# ---- operators --------------------------------------------------------------------------
_OPS = {"__add__": np.add, "__sub__": np.subtract, "__mul__": np.multiply,
        "__truediv__": _np_div, "__mod__": _np_mod, "__pow__": _np_pow}
_ROPS = {"__radd__": "__add__", "__rsub__": "__sub__", "__rmul__": "__mul__",
         "__rtruediv__": "__truediv__", "__rmod__": "__mod__", "__rpow__": "__pow__"}
for dunder, f in _OPS.items():
    safe = dunder in ("__truediv__", "__mod__")
    ins = [In(), In(gen=nonzero(1, 5))] if safe else (
        [In(domain=(0.5, 3)), In(domain=(-2, 2))] if dunder == "__pow__" else ())
    bref = f if dunder in ("__truediv__", "__mod__", "__pow__") else binary(f)
    CASES.append(Case(f"NDArray.{dunder}", samples=BCAST, inputs=ins, dtypes=NUMERIC,
                      rejects=RB, ref=bref, grad=dunder != "__mod__"))
    for s in (2.5, -3):
        CASES.append(Case(f"NDArray.{dunder}", f"scalar{s}", samples=[((2, 3),)],
                          inputs=[In(domain=(0.5, 3))] if dunder == "__pow__" else (),
                          args=(s,), dtypes=ALL_DTYPES, ref=_b64(_scalar(bref))))
for rd, d in _ROPS.items():
    f = _OPS[d]
    bref = f if d in ("__truediv__", "__mod__", "__pow__") else binary(f)
    CASES.append(Case(f"NDArray.{rd}", "scalar", samples=[((2, 3),)],
                      inputs=[In(gen=nonzero(1, 5))] if rd in ("__rtruediv__", "__rmod__")
                      else ([In(domain=(-2, 2))] if rd == "__rpow__" else ()),
                      args=(2.5,), dtypes=ALL_DTYPES, ref=_b64(_rscalar(bref))))
for dunder, f in (("__eq__", np.equal), ("__ne__", np.not_equal), ("__lt__", np.less),
                  ("__le__", np.less_equal), ("__gt__", np.greater),
                  ("__ge__", np.greater_equal)):
    CASES.append(Case(f"NDArray.{dunder}", samples=BCAST[:3],
                      inputs=[In(gen=small_ints()), In(gen=small_ints())], dtypes=NUMERIC,
                      rejects=RB, ref=compare(f)))
    CASES.append(Case(f"NDArray.{dunder}", "scalar", samples=[((2, 3),)],
                      inputs=[In(gen=small_ints())], args=(0.5,), dtypes=ALL_DTYPES,
                      ref=_b64(lambda a, s, f=f: compare(f)(a, s))))
CASES += [
    Case("NDArray.__truediv__", "int_trunc", samples=[((6,), (6,))],
         inputs=[In(domain=(-20, 20)), In(gen=nonzero(1, 6))], dtypes=SIGNED_INTS, rejects=RB,
         ref=trunc_div, note="integer / truncates toward zero (C division)"),
    Case("NDArray.__truediv__", "int_by_zero", samples=[((3,),)], args=(0.5,),
         dtypes=("int32",), mx_crash="SIGFPE", noncontig=False),
    Case("NDArray.__add__", "dtype_mismatch", samples=[((2, 3), (2, 3))],
         inputs=[In(), In(dtype="int32")], dtypes=("float32", "float16"), raises=True),
    Case("NDArray.__add__", "mismatch", samples=[((2, 3), (3, 2))], dtypes=("float32",),
         raises=True),
    Case("NDArray.__add__", "uint8_wrap", samples=[((2, 3),)], args=(300,),
         dtypes=("uint8",), ref=_scalar(binary(np.add))),
    Case("NDArray.__mul__", "int_nan", samples=[((2, 3),)], args=(float("nan"),),
         dtypes=INTS, ref=_scalar(binary(np.multiply)),
         note="nan cast to an integer dtype is INT_MIN"),
    Case("NDArray.__iadd__", samples=[((2, 3), (2, 3)), ((2, 3), (3,))], dtypes=NUMERIC, rejects=RB,
         ref=binary(np.add)),
    Case("NDArray.__iadd__", "scalar", samples=[((2, 3),)], args=(2.7,), dtypes=NUMERIC, rejects=RB,
         ref=_scalar(binary(np.add))),
    Case("NDArray.__isub__", samples=[((2, 3), (2, 3))], dtypes=NUMERIC, rejects=RB,
         ref=binary(np.subtract)),
    Case("NDArray.__imul__", "scalar", samples=[((2, 3),)], args=(2.5,), dtypes=NUMERIC, rejects=RB,
         ref=_scalar(binary(np.multiply))),
    Case("NDArray.__itruediv__", "scalar", samples=[((2, 3),)], args=(2.0,), dtypes=NUMERIC,
         rejects=RB,
         ref=_scalar(_np_div)),
    Case("NDArray.__iadd__", "grow", samples=[((1, 3), (2, 3))], dtypes=("float32",), raises=True,
         note="in-place ops cannot grow self"),
]
for dunder in ("__add__", "__mul__", "__sub__", "__eq__", "__gt__"):
    CASES.append(Case(f"NDArray.{dunder}", "bool_scalar", samples=[((2, 3),)], args=(2,),
                      dtypes=("bool",), note="a bool array with a Python scalar: MXNet "
                      "computes in int64"))
