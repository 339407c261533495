"""The op decorator: one place for the NDArray boundary of every registered op.

An op is written as a plain function over ``torch.Tensor`` inputs and Python parameters::

    @register("clip", params={"a_min": Float, "a_max": Float}, torch="torch.clamp")
    def clip(data, a_min, a_max):
        return data.clamp(a_min, a_max)

``register`` generates, once, a public function with MXNet's generated-op signature
(``clip(data=None, a_min=_Null, a_max=_Null, out=None, name=None, **kwargs)``): inputs first,
then parameters, then ``out`` and ``name``. That wrapper unwraps NDArrays, converts parameters
(MXNet stringifies them, so ``keepdims='True'`` works), runs the op with torch autograd on only
while ``mx.autograd`` is recording, writes ``out=``, wraps results on the first input's context
and turns torch errors into ``MXNetError`` naming the op.

Everything that can be decided when the op is defined is decided then; the call path is:
type check, unwrap, one call, wrap. Only the compilation of the wrapper's source waits for
the op's first call (compiling every wrapper took most of ``import mxcompat``).
"""
from __future__ import annotations

import ast
import inspect
import keyword
import linecache
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional, Sequence

import numpy as np
import torch

from .. import _dtypes
from .._state import STATE
from ..autograd import link as _link
from ..base import (MXNetError, MXNetIndexError, MXNetTypeError, MXNetValueError, _Null,
                    unsupported)
from .ndarray import NDArray, _wrap

__all__ = ["register", "OpInfo", "OpSpec", "Param", "OPS", "NAMESPACES", "Bool", "Int", "Float",
           "Shape", "Axis",
           "OptInt", "OptFloat", "Dtype", "OptDtype", "Enum", "Any_", "Str", "FloatTuple",
           "unwrap", "stub", "When"]


# ----------------------------------------------------------------------------------------
# Parameter converters. Each takes (value, op_name, param_name) and returns the Python value.
def _fail(op: str, pname: str, value: Any, expect: str) -> MXNetError:
    return MXNetValueError(f"{op}: invalid value {value!r} for parameter '{pname}' "
                           f"(expected {expect})")


def Bool(v: Any, op: str = "", p: str = "") -> bool:
    if isinstance(v, (bool, int, np.bool_, np.integer)):
        return bool(v)
    if isinstance(v, str):
        s = v.strip().lower()
        if s in ("true", "1"):
            return True
        if s in ("false", "0"):
            return False
    raise _fail(op, p, v, "a boolean")


def Int(v: Any, op: str = "", p: str = "") -> int:
    if isinstance(v, (int, np.integer)) and not isinstance(v, bool):
        return int(v)
    if isinstance(v, bool):
        return int(v)
    if isinstance(v, str):
        try:
            return int(v.strip())
        except ValueError:
            pass
    if isinstance(v, (float, np.floating)) and float(v).is_integer():
        return int(v)
    raise _fail(op, p, v, "an integer")


def Float(v: Any, op: str = "", p: str = "") -> float:
    if isinstance(v, (int, float, np.number, np.bool_)):
        return float(v)
    if isinstance(v, str):
        try:
            return float(v.strip())
        except ValueError:
            pass
    raise _fail(op, p, v, "a number")


def Str(v: Any, op: str = "", p: str = "") -> str:
    return str(v)


def Any_(v: Any, op: str = "", p: str = "") -> Any:
    return v


def _parse_tuple(v: Any, op: str, p: str, item: Callable) -> tuple:
    if isinstance(v, str):
        s = v.strip().strip("()[]").strip()
        parts = [x for x in (y.strip() for y in s.split(",")) if x and x != "None"]
        return tuple(item(x, op, p) for x in parts)
    if isinstance(v, (list, tuple)):
        return tuple(item(x, op, p) for x in v)
    return (item(v, op, p),)


def Shape(v: Any, op: str = "", p: str = "") -> tuple:
    """A tuple of ints; an int means a 1-tuple."""
    if type(v) is tuple:  # fast path: already a tuple of ints
        for x in v:
            if type(x) is not int:
                break
        else:
            return v
    if isinstance(v, (float, np.floating)):
        raise _fail(op, p, v, "a shape (tuple of ints)")
    if isinstance(v, (list, tuple)) and any(isinstance(x, (float, np.floating)) for x in v):
        raise _fail(op, p, v, "a shape (tuple of ints)")
    return _parse_tuple(v, op, p, Int)


def FloatTuple(v: Any, op: str = "", p: str = "") -> tuple:
    return _parse_tuple(v, op, p, Float)


def Axis(v: Any, op: str = "", p: str = "") -> Any:
    """None, an int, or a tuple of ints (an empty tuple means 'all axes' for reductions)."""
    if v is None:
        return None
    if isinstance(v, str) and v.strip() in ("None", ""):
        return None
    if isinstance(v, (int, np.integer)) and not isinstance(v, bool):
        return int(v)
    t = Shape(v, op, p)
    if isinstance(v, str) and len(t) == 1 and not v.strip().startswith(("(", "[")):
        return t[0]
    return t


def OptInt(v: Any, op: str = "", p: str = "") -> Optional[int]:
    if v is None or (isinstance(v, str) and v.strip() == "None"):
        return None
    return Int(v, op, p)


def OptFloat(v: Any, op: str = "", p: str = "") -> Optional[float]:
    if v is None or (isinstance(v, str) and v.strip() == "None"):
        return None
    return Float(v, op, p)


_DTYPE_NAMES = ("bfloat16", "bool", "float16", "float32", "float64", "int32", "int64", "int8",
                "uint8")


def Dtype(v: Any, op: str = "", p: str = "") -> torch.dtype:
    try:
        return _dtypes.to_torch(v, where=op)
    except MXNetError:
        valid = "{" + ", ".join(repr(x) for x in _DTYPE_NAMES) + "}"
        raise MXNetValueError(f"{op}: Invalid Input: {str(v)!r} for parameter '{p}', valid "
                              f"values are: {valid}") from None


def OptDtype(v: Any, op: str = "", p: str = "") -> Optional[torch.dtype]:
    if v is None or (isinstance(v, str) and v in ("None", "")):
        return None
    return Dtype(v, op, p)


def Enum(*choices: str) -> Callable:
    valid = "{" + ", ".join(repr(c) for c in sorted(choices)) + "}"

    def conv(v: Any, op: str = "", p: str = "") -> str:
        s = str(v)
        if s not in choices:
            raise MXNetValueError(f"{op}: Invalid Input: {s!r} for parameter '{p}', valid "
                                  f"values are: {valid}")
        return s
    conv.__name__ = f"Enum{tuple(choices)}"
    conv._mx_type = "int"  # type: ignore[attr-defined]  (an enum is an int to MXNet)
    conv._mx_choices = tuple(choices)  # type: ignore[attr-defined]
    return conv


#: MXNet's name of each converter's type, as its errors and op docs spell it ("Required
#: parameter kernel of Shape(tuple) is not presented"); an enumeration is an int to MXNet
_TYPE_NAMES: Dict[Callable, str] = {Bool: "boolean", Int: "int", Float: "float", Str: "string",
                                    Any_: "any", Shape: "Shape(tuple)",
                                    FloatTuple: "tuple of <float>", Axis: "Shape or None",
                                    OptInt: "int or None", OptFloat: "float or None",
                                    Dtype: "int", OptDtype: "int or None"}


def type_name(conv: Callable) -> str:
    """MXNet's type name of a converter (an Enum's is 'int', as in MXNet's messages)."""
    return getattr(conv, "_mx_type", None) or _TYPE_NAMES.get(conv, "any")


class When:
    """A condition on an op's parsed parameters, for an optional input:
    ``When("no_bias", False)`` (bias takes part unless no_bias), ``When("act_type",
    "prelu")``; its repr is what ``describe`` shows."""
    __slots__ = ("param", "values")

    def __init__(self, param: str, *values: Any) -> None:
        self.param = param
        self.values = values or (True,)

    def __call__(self, params: Dict[str, Any]) -> bool:
        return params.get(self.param) in self.values

    def __repr__(self) -> str:
        return " or ".join(f"{self.param}={v!r}" for v in self.values)


# ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Param:
    """One op parameter: name, converter (string or Python value -> value), default,
    whether it is required and MXNet's type name (used in the missing-parameter error)."""
    name: str
    conv: Callable
    default: Any = None
    required: bool = False
    type_name: str = "any"


@dataclass(frozen=True)
class OpSpec:
    """The schema of an op, in MXNet's terms (see mxcompat.ndarray.registry).

    ``inputs``: array inputs in call order (the variadic one last-but-not-least: its name is in
    ``variadic``); ``optional``: input -> predicate over the parsed parameters saying whether
    the input takes part (None: optional, always listed); ``aux``: inputs that are auxiliary
    states in a symbol (BatchNorm's moving_mean/moving_var); ``outputs``: the visible outputs'
    names, or a function of the parsed parameters giving them; ``key_var_num_args``: the
    parameter counting the variadic inputs."""
    inputs: tuple = ()
    params: tuple = ()
    optional: Any = None
    aux: tuple = ()
    outputs: Any = ("output",)
    variadic: Optional[str] = None
    key_var_num_args: Optional[str] = None
    differentiable: bool = True
    declared: bool = True
    #: for ops whose input names depend on the parameters (multi_sgd_update: weight_0,
    #: grad_0, weight_1, ...): a function of the parsed parameters giving them all, in order
    input_names: Optional[Callable] = None
    #: a Python-level function of MXNet's API (mx.nd.zeros, mx.nd.save, mx.nd.random.uniform):
    #: no op of MXNet's registry, no generated wrapper; parameters are passed as they are
    python: bool = False


@dataclass
class OpInfo:
    """Metadata of a registered op (used by the conformance matrix and the docs)."""
    name: str
    fn: Callable
    family: str
    namespace: str = "nd"
    aliases: tuple = ()
    torch: str = ""
    notes: str = ""
    inputs: tuple = ()
    params: tuple = ()
    supported: bool = True
    extra: Dict[str, Any] = field(default_factory=dict)
    spec: Optional[OpSpec] = None


#: every registered op and stub, by "namespace.name" ("nd.exp", "linalg.gemm", ...)
OPS: Dict[str, OpInfo] = {}
#: namespace -> {public name -> function}; "nd" is the mx.nd top level
NAMESPACES: Dict[str, Dict[str, Callable]] = {}


def _key(ns: str, name: str) -> str:
    return f"{ns}.{name}"


def _add(ns: str, name: str, fn: Callable) -> None:
    NAMESPACES.setdefault(ns, {})[name] = fn


def unwrap(x: Any, op: str, pname: str) -> torch.Tensor:
    """NDArray -> tensor; anything else is an error naming the op and the argument."""
    if type(x) is NDArray or isinstance(x, NDArray):
        return x._t
    if x is None or x is _Null:
        raise MXNetValueError(f"{op}: required input '{pname}' is missing")
    raise MXNetTypeError(f"{op}: input '{pname}' must be an NDArray, got {type(x).__name__}")


_TORCH_ERRORS = (RuntimeError, ValueError, IndexError, TypeError, NotImplementedError)

#: installed by mxcompat.ndarray.sparse: ``dispatch(op, inputs, params, out)`` runs ``op`` with
#: MXNet's storage-type rule when an input is a sparse array, or returns NotImplemented (the
#: dense op then runs on the values, as MXNet's storage fallback does)
SPARSE_DISPATCH: List[Optional[Callable]] = [None]


def sparse_call(op: str, inputs: Dict[str, Any], params: Dict[str, Any], out: Any) -> Any:
    d = SPARSE_DISPATCH[0]
    if d is None:
        return NotImplemented
    return d(op, {k: v for k, v in inputs.items() if v is not None},
             {k: v for k, v in params.items() if v is not _Null}, out)


def translate(e: BaseException, op: str) -> MXNetError:
    """Turn an error from torch into the MXNetError a user sees."""
    if isinstance(e, MXNetError):
        return e
    msg = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
    cls: type = {IndexError: MXNetIndexError, TypeError: MXNetTypeError,
                 ValueError: MXNetValueError}.get(type(e), MXNetError)  # type: ignore[arg-type]
    return cls(f"{op}: {msg}")


_grad_on = torch.is_grad_enabled
_set_grad = torch._C._set_grad_enabled


def call(impl: Callable, op: str, *args: Any, **kwargs: Any) -> Any:
    """Run impl(*args, **kwargs) with torch autograd enabled only while mx.autograd is
    recording."""
    try:
        if STATE.recording or not _grad_on():
            return impl(*args, **kwargs)
        _set_grad(False)
        try:
            return impl(*args, **kwargs)
        finally:
            _set_grad(True)
    except _TORCH_ERRORS as e:
        raise translate(e, op) from None


def finish(r: Any, ctx: Any, out: Any, op: str) -> Any:
    """Wrap the op's result(s); with out=, write into the given array(s) and return them."""
    if out is None:
        if type(r) is torch.Tensor:
            return _wrap(r, ctx)
        if isinstance(r, (tuple, list)):
            return [_wrap(x, ctx) for x in r]
        return r
    if isinstance(r, (tuple, list)):
        outs = out if isinstance(out, (list, tuple)) else [out]
        if len(outs) != len(r):
            raise MXNetValueError(f"{op}: out= needs {len(r)} arrays, got {len(outs)}")
        for o, x in zip(outs, r):
            _write_out(o, x, op)
        return out
    _write_out(out, r, op)
    return out


def _write_out(o: Any, r: torch.Tensor, op: str) -> None:
    if not isinstance(o, NDArray):
        raise MXNetTypeError(f"{op}: out= must be an NDArray, got {type(o).__name__}")
    t = o._t
    if tuple(t.shape) != tuple(r.shape):
        raise MXNetValueError(f"{op}: Incompatible attr at 0-th output: expected "
                              f"{list(r.shape)}, got {list(t.shape)} (the out= array's shape)")
    if t.dtype != r.dtype:
        raise MXNetTypeError(f"{op}: Incompatible attr at 0-th output: expected "
                             f"{_dtypes.name(r.dtype)}, got {_dtypes.name(t.dtype)} "
                             "(the out= array's dtype)")
    o._assign(r)


def register(name: str, *, params: Optional[Dict[str, Callable]] = None,
             aliases: Sequence[str] = (), family: str = "misc", ns: str = "nd",
             alias_ns: str = "nd", torch: str = "", notes: str = "",
             variadic: bool = False, ignore_unknown: Optional[bool] = None,
             no_scalar_ctx: bool = False, required: Sequence[str] = (),
             optional: Optional[Dict[str, Optional[Callable]]] = None,
             aux: Sequence[str] = (), outputs: Any = None, types: Optional[Dict[str, str]] = None,
             differentiable: bool = True, key_var_num_args: Optional[str] = None,
             input_names: Optional[Callable] = None,
             inputs: Optional[Sequence[str]] = None, ndarray: bool = False,
             python: bool = False, wrap: Optional[Callable] = None,
             like: Optional[str] = None) -> Callable:
    """Register ``impl`` as the MXNet op ``name`` (see the module docstring and
    docs/ops-how-defined.md).

    Parameters of ``impl`` that appear in ``params`` (or have a default) are op parameters;
    the others are array inputs. With ``variadic=True`` the first parameter of ``impl`` is
    ``*data`` (concat-style ops). ``aliases`` are extra names, in ``alias_ns``.

    The schema: ``required`` names parameters that must be given although ``impl`` has a
    default for them; ``optional`` maps optional array inputs (``bias``) to a predicate over
    the parsed parameters telling whether the input takes part (``lambda p: not
    p["no_bias"]``) or None; ``aux`` names the inputs that are auxiliary states;
    ``outputs`` gives the visible outputs (a count, a tuple of names, or a function of the
    parsed parameters returning names; default one ``output``); ``types`` overrides MXNet's
    type name of a parameter (``{"num_filter": "int (non-negative)"}``); ``input_names``, for
    a variadic op whose inputs MXNet names from its parameters (``weight_0, grad_0, ...``), is
    a function of the parsed parameters giving them (``aux`` may then be one too).

    ``inputs`` names the array inputs of an ``impl(*arrays, **params)`` that takes them as
    MXNet's generated functions pass them: the given (non-None) ones, in signature order
    (``quantized_fully_connected(d, w, min_d, max_d, min_w, max_w, no_bias=True)``); the
    impl's keyword-only parameters are the op's parameters. ``differentiable=False``: the op
    runs without autograd; while recording, its float outputs get a zero gradient.

    ``ndarray=True``: an op on array layouts (CSR graphs, storage types) rather than tensors:
    ``impl`` gets the arrays as passed (NDArrays, or None), the parsed parameters and ``out``
    (keyword), and returns the result itself; the wrapper parses the parameters and turns
    torch errors into MXNetError.

    ``python=True``: ``impl`` is a Python-level function of MXNet's API (``mx.nd.zeros``,
    ``mx.nd.save``, ``mx.nd.moveaxis``): published as it is, with its metadata and a schema
    read from its signature (``inputs``: which of its arguments are arrays); with ``like``
    (an op key: ``"nd.sum"``), a Python function with the same schema as that op
    (``mx.nd.sparse.sum``).

    ``wrap``: the conventions MXNet's Python layer adds around the op (a list of one result
    returned bare, out= written only under a condition): ``wrap(op_function)`` returns the
    public function, published in the op's place.
    """
    params = dict(params or {})
    required_set = frozenset(required)
    optional = dict(optional or {})
    types = dict(types or {})

    if python:
        return _python_function(name, family=family, ns=ns, aliases=aliases,
                                alias_ns=alias_ns, torch=torch, notes=notes, inputs=inputs,
                                outputs=outputs, params=params or None, required=required,
                                like=like, types=types)
    collect = list(inputs) if inputs is not None else None

    def deco(impl: Callable) -> Callable:
        sig = inspect.signature(impl)
        inputs, plist = [], []
        var_input = None
        for p in sig.parameters.values():
            if ndarray and p.name == "out":
                continue  # an NDArray-level op writes out= itself
            if p.kind is p.VAR_POSITIONAL:
                var_input = p.name
            elif p.name in params or p.default is not p.empty:
                conv = params.get(p.name) or _conv_for_default(p.default)
                req = p.default is p.empty or p.name in required_set
                plist.append((p.name, conv, None if req else p.default, req,
                              types.get(p.name) or type_name(conv)))
            else:
                inputs.append(p.name)
        if collect is not None:
            inputs, var_input = collect, None
        fn = _build(name, impl, inputs, plist, var_input,
                    ignore_unknown if ignore_unknown is not None else not plist,
                    collect=collect is not None, differentiable=differentiable,
                    nd_level=ndarray)
        fn.__doc__ = (impl.__doc__ or "") + (f"\n\ntorch equivalent: {torch}" if torch else "")
        spec = _spec(inputs, plist, var_input, optional, aux, outputs, differentiable,
                     key_var_num_args, input_names)
        if wrap is not None:
            pub = wrap(fn)
            pub.__name__ = pub.__qualname__ = fn.__name__
            pub.__doc__, pub.__module__ = fn.__doc__, fn.__module__
            fn = pub
        info = OpInfo(name=name, fn=fn, family=family, namespace=ns, aliases=tuple(aliases),
                      torch=torch, notes=notes, inputs=tuple(inputs) or ((var_input,) if
                      var_input else ()), params=tuple(p[0] for p in plist), spec=spec)
        OPS[_key(ns, name)] = info
        _add(ns, name, fn)
        for a in aliases:
            _add(alias_ns, a, fn)
        fn._mx_impl = impl  # type: ignore[attr-defined]
        fn._mx_info = info  # type: ignore[attr-defined]
        return fn
    return deco


def Literal(v: Any, op: str = "", p: str = "") -> Any:
    """A Python-level function's parameter from MXNet's string form: a Python literal
    ("(2, 3)", "0.5", "None", "True") or else the string itself ("float32")."""
    if isinstance(v, str):
        try:
            return ast.literal_eval(v.strip())
        except (ValueError, SyntaxError):
            return v
    return v


def _python_function(name: str, *, family: str, ns: str, aliases: Sequence[str], alias_ns: str,
                     torch: str, notes: str, inputs: Optional[Sequence[str]],
                     outputs: Any, params: Optional[Dict[str, Callable]] = None,
                     required: Sequence[str] = (), like: Optional[str] = None,
                     types: Optional[Dict[str, str]] = None) -> Callable:
    """register(python=True): publish a Python-level function with its metadata. Its schema:
    ``inputs`` (else the arguments without a default) and ``params`` (name -> converter; else
    the other arguments, read as Python literals)."""
    def deco(fn: Callable) -> Callable:
        ins: List[str] = []
        ps: List[Param] = []
        var = None
        sig = inspect.signature(fn).parameters
        for p in sig.values():
            if p.kind is p.VAR_KEYWORD or p.name in ("out", "name", "name_"):
                continue
            if p.kind is p.VAR_POSITIONAL:
                var = p.name
                continue
            is_input = (p.name in inputs) if inputs is not None else p.default is p.empty
            if is_input:
                ins.append(p.name)
            elif params is None:
                ps.append(Param(p.name, Literal, None if p.default is p.empty else p.default,
                                p.default is p.empty, "any"))
        for n in inputs or ():
            if n not in ins and n != var:
                ins.append(n)
        for pn, conv in (params or {}).items():
            d = sig[pn].default if pn in sig and sig[pn].default is not sig[pn].empty else None
            ps.append(Param(pn, conv, d, pn in required,
                            (types or {}).get(pn) or type_name(conv)))
        if var is not None and (inputs is None or var in inputs):
            ins.append(var)
        outs = outputs if outputs is not None else ("output",)
        if isinstance(outs, int):
            outs = ("output",) if outs == 1 else tuple(f"output{i}" for i in range(outs))
        spec = OpSpec(inputs=tuple(ins), params=tuple(ps), outputs=outs, variadic=var,
                      python=True)
        info = OpInfo(name=name, fn=fn, family=family, namespace=ns, aliases=tuple(aliases),
                      torch=torch, notes=notes, inputs=tuple(ins),
                      params=tuple(p.name for p in ps), spec=spec)
        if like is not None:  # the schema is that op's (looked up when first asked for)
            info.extra["like"] = like
        OPS[_key(ns, name)] = info
        _add(ns, name, fn)
        for a in aliases:
            _add(alias_ns, a, fn)
        # no _mx_info on the function: code that binds a generated op's arguments by its
        # schema (mx.nd.sparse's dispatch) must not take it for one; the registry finds it by
        # its key
        return fn
    return deco


def publish_alias(ns: str, name: str, fn: Callable, notes: str = "") -> OpInfo:
    """Publish the registered op ``fn`` under another namespace too (``mx.nd.contrib.CTCLoss``
    is ``mx.nd.CTCLoss``): its own key in OPS, the same declaration."""
    src = fn._mx_info  # type: ignore[attr-defined]
    info = OpInfo(name=name, fn=fn, family=src.family, namespace=ns, torch=src.torch,
                  notes=notes or src.notes, inputs=src.inputs, params=src.params, spec=src.spec)
    OPS[_key(ns, name)] = info
    _add(ns, name, fn)
    return info


def _spec(inputs: list, plist: list, var_input: Optional[str], optional: dict, aux: Any,
          outputs: Any, differentiable: bool, key_var: Optional[str],
          input_names: Optional[Callable] = None) -> OpSpec:
    """The schema of a registered op, from its impl's signature and register's arguments."""
    # optional array inputs (bias) go through the wrapper as parameters but are inputs
    ins = list(inputs) + [p[0] for p in plist if p[0] in optional]
    order = {n: i for i, n in enumerate([*inputs, *(p[0] for p in plist)])}
    ins.sort(key=order.__getitem__)
    if var_input:
        ins.append(var_input)
    ps = tuple(Param(p[0], p[1], p[2], p[3], p[4]) for p in plist if p[0] not in optional)
    if var_input and key_var is None and any(p.name == "num_args" for p in ps):
        key_var = "num_args"
    if outputs is None:
        outputs = ("output",)
    elif isinstance(outputs, int):
        outputs = ("output",) if outputs == 1 else tuple(f"output{i}" for i in range(outputs))
    return OpSpec(inputs=tuple(ins), params=ps, optional=optional or None,
                  aux=aux if callable(aux) else tuple(aux), outputs=outputs,
                  variadic=var_input, key_var_num_args=key_var,
                  differentiable=differentiable, input_names=input_names)


#: converters whose result, for an input of this Python type, is the input itself
_FAST_TYPES: Dict[Callable, str] = {Bool: "bool", Int: "int", OptInt: "int", Axis: "int",
                                    Float: "float", OptFloat: "float", Str: "str"}


def _conv_for_default(d: Any) -> Callable:
    if isinstance(d, bool):
        return Bool
    if isinstance(d, int):
        return Int
    if isinstance(d, float):
        return Float
    if isinstance(d, str):
        return Str
    if isinstance(d, tuple):
        return Shape
    return Any_


def _build(name: str, impl: Callable, inputs: list, plist: list, var_input: Optional[str],
           ignore_unknown: bool, collect: bool = False, differentiable: bool = True,
           nd_level: bool = False) -> Callable:
    """Generate the public wrapper's source once, with MXNet's signature; it is compiled on the
    function's first call."""
    g: Dict[str, Any] = {"_impl": impl, "_call": call, "_finish": finish, "_unwrap": unwrap,
                         "NDArray": NDArray, "_Null": _Null, "_op": name,
                         "_kw_error": _kw_error, "_missing": _missing, "_ctx_of": _ctx_of,
                         "_STATE": STATE, "_grad_on": _grad_on, "_ERRS": _TORCH_ERRORS,
                         "_translate": translate, "_Tensor": torch.Tensor, "_wrap": _wrap,
                         "_sparse_call": sparse_call, "_link": _link,
                         "_new": object.__new__, "_set_grad": _set_grad}
    safe = {n: (n if not keyword.iskeyword(n) else n + "_") for n in inputs}
    lines = []
    if var_input:
        sig = f"*{var_input}, **kwargs"
        lines.append("    out = kwargs.pop('out', None); kwargs.pop('name', None)")
        for pn, conv, default, _required, _tn in plist:
            g[f"_c_{pn}"] = conv
            g[f"_d_{pn}"] = default
            lines.append(f"    {pn} = kwargs.pop('{pn}', _Null)")
        lines.append("    if kwargs: _kw_error(_op, kwargs, _PNAMES)")
        pdict = "{" + ", ".join(f"'{p[0]}': {p[0]}" for p in plist) + "}"
        if not nd_level:
            lines.append(f"    if any(type(x) is not NDArray and getattr(x, '_STYPE', None) "
                         f"for x in {var_input}):")
            lines.append(f"        _s = _sparse_call(_op, {{'{var_input}': list({var_input})}}, "
                         f"{pdict}, out)")
            lines.append("        if _s is not NotImplemented: return _s")
            lines.append(f"    _ts = [_unwrap(x, _op, '{var_input}') for x in {var_input}]")
        call_args = [f"*{var_input}" if nd_level else "*_ts"]
        ctx_expr = f"_ctx_of({var_input}[0]) if {var_input} else None"
    elif collect:
        # MXNet's generated-function rule: the given arrays, in signature order
        parts = [f"{safe[n]}=None" for n in inputs] + [f"{p[0]}=_Null" for p in plist]
        parts += ["out=None", "name=None", "**kwargs"]
        sig = ", ".join(parts)
        unknown = "pass" if ignore_unknown else "_kw_error(_op, kwargs, _PNAMES)"
        lines.append(f"    if kwargs: {unknown}")
        g["_INAMES"] = tuple(inputs)
        lines.append("    _ts = []")
        lines.append("    _x0 = None")
        lines.append("    for _n, _x in zip(_INAMES, (" + "".join(f"{safe[n]}, " for n in inputs)
                     + ")):")
        lines.append("        if _x is None: continue")
        lines.append("        _ts.append(_x._t if type(_x) is NDArray else _unwrap(_x, _op, _n))")
        lines.append("        if _x0 is None: _x0 = _x")
        lines.append("    if not _ts: _unwrap(None, _op, _INAMES[0])")
        call_args = ["*_ts"]
        ctx_expr = "_x0._ctx"
    else:
        parts = [f"{safe[n]}=None" for n in inputs] + [f"{p[0]}=_Null" for p in plist]
        parts += ["out=None", "name=None", "**kwargs"]
        sig = ", ".join(parts)
        unknown = "pass" if ignore_unknown else "_kw_error(_op, kwargs, _PNAMES)"
        lines.append(f"    if kwargs: {unknown}")
        call_args = []
        idict = "{" + ", ".join(f"'{n}': {safe[n]}" for n in inputs) + "}"
        pdict = "{" + ", ".join(f"'{p[0]}': {p[0]}" for p in plist) + "}"
        for i, n in enumerate(inputs if not nd_level else ()):
            v = safe[n]
            # a sparse input (never on the hot path: type(v) is NDArray there) takes MXNet's
            # storage-type rule for this op, where mx.nd.sparse has one
            lines.append(f"    if type({v}) is NDArray:")
            lines.append(f"        _t{i} = {v}._t")
            lines.append("    else:")
            lines.append(f"        if getattr({v}, '_STYPE', None):")
            lines.append(f"            _s = _sparse_call(_op, {idict}, {pdict}, out)")
            lines.append("            if _s is not NotImplemented: return _s")
            lines.append(f"        _t{i} = _unwrap({v}, _op, '{n}')")
            call_args.append(f"_t{i}")
        if nd_level:
            call_args = [safe[n] for n in inputs]
        ctx_expr = f"{safe[inputs[0]]}._ctx" if inputs else "None"
    for pn, conv, default, required, tname in plist:
        g[f"_c_{pn}"] = conv
        g[f"_d_{pn}"] = default
        if required:
            lines.append(f"    if {pn} is _Null: _missing(_op, '{pn}', {tname!r})")
            ft = _FAST_TYPES.get(conv)
            fast = f"{pn} if type({pn}) is {ft} else " if ft else ""
            lines.append(f"    {pn} = {fast}_c_{pn}({pn}, _op, '{pn}')")
        else:
            # a value already of the converter's result type is taken as it is (x.sum(axis=1)
            # converts nothing)
            ft = _FAST_TYPES.get(conv)
            fast = f"{pn} if type({pn}) is {ft} else " if ft else ""
            lines.append(f"    {pn} = _d_{pn} if {pn} is _Null else {fast}"
                         f"(None if {pn} is None and _d_{pn} is None else "
                         f"_c_{pn}({pn}, _op, '{pn}'))")
        # after *data, parameters can only be passed by keyword
        call_args.append(f"{pn}={pn}" if var_input or collect else pn)
    g["_PNAMES"] = tuple(p[0] for p in plist)
    # The hot path: call the kernel directly. Only when an input requires grad outside
    # record() does torch's grad mode need switching off (so that no graph is built).
    if var_input or collect:
        needs = "any(t.requires_grad for t in _ts)"
    else:
        needs = " or ".join(f"_t{i}.requires_grad" for i in range(len(inputs))) or "False"
    args = ", ".join(call_args)
    tensors = ("_ts" if var_input or collect else
               "(" + "".join(f"_t{i}, " for i in range(len(inputs))) + ")")
    if nd_level:
        # the op builds its result (and writes out=) itself
        lines.append("    try:")
        lines.append(f"        return _impl({args}{', ' if args else ''}out=out)")
        lines.append("    except _ERRS as _e:")
        lines.append("        raise _translate(_e, _op) from None")
    elif not differentiable:
        # no graph: run without autograd; while recording, float outputs get a zero gradient
        lines.append("    try:")
        lines.append("        if _grad_on():")
        lines.append("            _set_grad(False)")
        lines.append("            try:")
        lines.append(f"                _r = _impl({args})")
        lines.append("            finally:")
        lines.append("                _set_grad(True)")
        lines.append("        else:")
        lines.append(f"            _r = _impl({args})")
        lines.append("    except _ERRS as _e:")
        lines.append("        raise _translate(_e, _op) from None")
        lines.append("    if _STATE.recording:")
        lines.append(f"        _r = _link(_r, {tensors})")
    else:
        lines.append("    if _STATE.recording:")
        lines.append("        try:")
        lines.append(f"            _r = _impl({args})")
        lines.append("        except _ERRS as _e:")
        lines.append("            raise _translate(_e, _op) from None")
        lines.append("        if type(_r) is not _Tensor or not _r.requires_grad:")
        lines.append(f"            _r = _link(_r, {tensors})")
        lines.append(f"    elif ({needs}) and _grad_on():")
        lines.append(f"        _r = _call(_impl, _op, {args})")
        lines.append("    else:")
        lines.append("        try:")
        lines.append(f"            _r = _impl({args})")
        lines.append("        except _ERRS as _e:")
        lines.append("            raise _translate(_e, _op) from None")
    if not nd_level:
        lines.append("    if out is None and type(_r) is _Tensor:")
        lines.append("        _a = _new(NDArray)")  # _wrap, inline (one call less per op)
        lines.append(f"        _a._t, _a._ctx, _a._ag = _r, {ctx_expr}, None")
        lines.append("        return _a")
        lines.append(f"    return _finish(_r, {ctx_expr}, out, _op)")
    fname = name if name.isidentifier() and not keyword.iskeyword(name) else "_op_fn"
    src = f"def {fname}({sig}):\n" + "\n".join(lines) + "\n"
    # Compiling ~300 wrappers took most of `import mxcompat` (0.3 ms each), so each is
    # compiled on its first call: until then the public function runs a shared trampoline
    # that compiles the wrapper and takes its code object, so every reference to the
    # function (the mx.nd namespace, fluent methods) runs the real wrapper from then on.
    fn = _FunctionType(_LAZY_CODE, g, fname)

    def materialize() -> Callable:
        if fn.__code__ is _LAZY_CODE:
            filename = f"<mxcompat op {name}>"
            # tracebacks through the wrapper show its source
            linecache.cache[filename] = (len(src), None, src.splitlines(True), filename)
            exec(compile(src, filename, "exec"), g)
            real = g[fname]
            fn.__defaults__, fn.__kwdefaults__ = real.__defaults__, real.__kwdefaults__
            fn.__code__ = real.__code__
            fn.__dict__.pop("__signature__", None)
            g[fname] = fn
        return fn
    g["_materialize"] = materialize
    fn.__signature__ = _signature(inputs, safe, plist, var_input)  # type: ignore[attr-defined]
    fn._mx_source = src  # type: ignore[attr-defined]
    fn.__name__ = name
    fn.__qualname__ = name
    fn.__module__ = "mxcompat.ndarray"
    fn._mx_materialize = materialize  # type: ignore[attr-defined]
    return fn


def _lazy(*args: Any, **kwargs: Any) -> Any:
    return _materialize()(*args, **kwargs)  # type: ignore[name-defined]  # noqa: F821


_LAZY_CODE = _lazy.__code__
_FunctionType: Any = type(_lazy)
_P = inspect.Parameter


def _signature(inputs: list, safe: dict, plist: list, var_input: Optional[str]) -> Any:
    """The signature the generated wrapper will have (inspect reads it before the first call)."""
    if var_input:
        ps = [_P(var_input, _P.VAR_POSITIONAL)]
    else:
        ps = [_P(safe[n], _P.POSITIONAL_OR_KEYWORD, default=None) for n in inputs]
        ps += [_P(p[0], _P.POSITIONAL_OR_KEYWORD, default=_Null) for p in plist]
        ps += [_P("out", _P.POSITIONAL_OR_KEYWORD, default=None),
               _P("name", _P.POSITIONAL_OR_KEYWORD, default=None)]
    return inspect.Signature(ps + [_P("kwargs", _P.VAR_KEYWORD)])


def _ctx_of(x: Any) -> Any:
    return x._ctx if isinstance(x, NDArray) else None


def _kw_error(op: str, kwargs: dict, pnames: tuple) -> None:
    bad = next(iter(kwargs))
    raise MXNetValueError(f"{op}: Cannot find argument '{bad}', Possible Arguments: "
                          f"{', '.join(pnames) or '(none)'}")


def _missing(op: str, pname: str, tname: str = "") -> None:
    of = f" of {tname}" if tname and tname != "any" else ""
    raise MXNetValueError(f"{op}: Required parameter {pname}{of} is not presented")


def stub_family(ns: str, name: str) -> str:
    """The op family (report grouping) of an MXNet name that no op module implements."""
    if ns in ("sparse", "image", "random", "linalg"):
        return ns
    if name.startswith(("random_", "sample_")):
        return "random"
    if name.startswith(("quantize", "quantized_", "requantize", "dequantize", "calibrate")):
        return "quantization"
    return "contrib" if ns == "contrib" else "misc"


def stub(name: str, ns: str = "nd", family: str = "misc", hint: str = "") -> Callable:
    """Register an MXNet name mxcompat does not implement: calling it raises MXNetError."""
    qual = f"mx.nd.{name}" if ns == "nd" else f"mx.nd.{ns}.{name}"

    def fn(*args: Any, **kwargs: Any) -> Any:
        raise unsupported(qual, hint)
    fn.__name__ = name
    fn.__qualname__ = name
    fn.__doc__ = f"{qual} is not supported by mxcompat yet."
    fn._mx_stub = True  # type: ignore[attr-defined]
    OPS.setdefault(_key(ns, name), OpInfo(name=name, fn=fn, family=family, namespace=ns,
                                          supported=False, notes=hint))
    _add(ns, name, fn)
    return fn
