"""``mx.sym`` / ``mx.symbol``: symbolic graphs of MXNet ops (see docs/symbol.md).

Every op MXNet 1.9.1 registers is a composer here, with MXNet's names, parameters and
automatic node names (``mx.sym.FullyConnected(data, num_hidden=4)`` is ``fullyconnected0``);
``contrib``, ``linalg``, ``random``, ``image``, ``sparse``, ``op`` and ``_internal`` hold the
prefixed ones. Composers are made on first use.
"""
from __future__ import annotations

import types
from typing import Any

from ..base import _Null
from . import _opinfo
from .executor import Executor
from .symbol import Group, Symbol, Variable, load, load_json, make_composer, var

__all__ = ["Symbol", "var", "Variable", "Group", "load", "load_json", "Executor", "zeros",
           "ones", "full", "arange", "eye", "linspace", "pow", "power", "maximum", "minimum",
           "hypot", "contrib", "linalg", "random", "image", "sparse", "op"]

_SUBMODULES = {"contrib": "_contrib_", "linalg": "_linalg_", "image": "_image_",
               "sparse": "_sparse_"}


class _OpModule(types.ModuleType):
    """A namespace of composers: ``prefix + name`` is the MXNet op."""

    def __init__(self, name: str, prefix: str, top: bool = False):
        super().__init__(name)
        self._prefix = prefix
        self._top = top

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        op = self._prefix + name
        if _opinfo.get(op) is None or (self._top and name.startswith("_")):
            raise AttributeError(f"module '{self.__name__}' has no attribute '{name}'")
        fn = make_composer(op, name)
        setattr(self, name, fn)
        return fn

    def __dir__(self) -> list:
        p = self._prefix
        return sorted(n[len(p):] for n in _opinfo.all_names() if n.startswith(p))


contrib = _OpModule(__name__ + ".contrib", "_contrib_")
linalg = _OpModule(__name__ + ".linalg", "_linalg_")
image = _OpModule(__name__ + ".image", "_image_")
sparse = _OpModule(__name__ + ".sparse", "_sparse_")
_internal = _OpModule(__name__ + "._internal", "")
op = _OpModule(__name__ + ".op", "", top=True)


def _has_symbol(args: tuple, kwargs: dict) -> bool:
    return any(isinstance(a, Symbol) for a in list(args) + list(kwargs.values()))


class _RandomModule(types.ModuleType):
    """``mx.sym.random.uniform(low, high, shape)``: ``_random_uniform`` with scalars,
    ``_sample_uniform`` when the distribution parameters are Symbols."""

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        rnd, smp = "_random_" + name, "_sample_" + name
        if _opinfo.get(rnd) is None and _opinfo.get(smp) is None:
            if _opinfo.get("_" + name) is not None:  # shuffle
                fn = make_composer("_" + name, name)
                setattr(self, name, fn)
                return fn
            raise AttributeError(f"module '{self.__name__}' has no attribute '{name}'")

        def fn(*args: Any, **kwargs: Any) -> Symbol:
            if _has_symbol(args, kwargs) and _opinfo.get(smp) is not None:
                return make_composer(smp, "_sample_" + name)(*args, **kwargs)
            return make_composer(rnd, "_random_" + name)(*args, **kwargs)
        fn.__name__ = name
        setattr(self, name, fn)
        return fn


random = _RandomModule(__name__ + ".random")


def __getattr__(name: str) -> Any:
    if name == "fx":  # the torch.fx conversion (imports torch.fx on first use)
        import importlib
        return importlib.import_module(".fx", __name__)
    if name.startswith("__") or name.startswith("_") and _opinfo.get(name) is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    if _opinfo.get(name) is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    fn = make_composer(name)
    globals()[name] = fn
    return fn


def __dir__() -> list:
    return sorted(set(__all__) | {n for n in _opinfo.all_names() if not n.startswith("_")})


# ---- Python-level helpers of mx.sym (creation, scalar-or-symbol dispatch) -----------------
def _kw(kwargs: dict, **more: Any) -> dict:
    out = dict(kwargs)
    for k, v in more.items():
        if v is not None and v is not _Null:
            out[k] = v
    return out


def zeros(shape: Any, dtype: Any = None, **kwargs: Any) -> Symbol:
    return make_composer("_zeros", "_zeros")(**_kw(kwargs, shape=shape,
                                                     dtype=dtype or "float32"))


def ones(shape: Any, dtype: Any = None, **kwargs: Any) -> Symbol:
    return make_composer("_ones", "_ones")(**_kw(kwargs, shape=shape,
                                                   dtype=dtype or "float32"))


def full(shape: Any, val: Any, dtype: Any = None, **kwargs: Any) -> Symbol:
    return make_composer("_full", "_full")(**_kw(kwargs, shape=shape, value=val,
                                                   dtype=dtype or "float32"))


def arange(start: Any, stop: Any = None, step: float = 1.0, repeat: int = 1,
           infer_range: bool = False, name: Any = None, dtype: Any = None) -> Symbol:
    return make_composer("_arange", "_arange")(**_kw(
        {}, start=start, stop=stop, step=step, repeat=repeat, infer_range=infer_range,
        name=name, dtype=dtype or "float32"))


def eye(N: int, M: int = 0, k: int = 0, dtype: Any = None, **kwargs: Any) -> Symbol:
    return make_composer("_eye", "_eye")(**_kw(kwargs, N=N, M=M, k=k,
                                                 dtype=dtype or "float32"))


def linspace(start: float, stop: float, num: int, endpoint: bool = True, name: Any = None,
             dtype: Any = None) -> Symbol:
    return make_composer("_linspace", "_linspace")(**_kw(
        {}, start=start, stop=stop, step=0, num=num, endpoint=endpoint, name=name,
        dtype=dtype or "float32"))


def _sym_or_scalar(lhs: Any, rhs: Any, op: str, sop: str, rsop: str, fn: Any) -> Any:
    # the names MXNet's Python helpers call (_internal._MaximumScalar, ...) give the hints
    def hint(o: str) -> str:
        return "_" + o.replace("_", "")
    if isinstance(lhs, Symbol) and isinstance(rhs, Symbol):
        return make_composer(op, hint(op))(lhs, rhs)
    if isinstance(lhs, Symbol):
        return make_composer(sop, hint(sop))(lhs, scalar=rhs)
    if isinstance(rhs, Symbol):
        return make_composer(rsop, hint(rsop))(rhs, scalar=lhs)
    return fn(lhs, rhs)


def pow(base: Any, exp: Any) -> Any:  # noqa: A001 - MXNet's name
    return _sym_or_scalar(base, exp, "_power", "_power_scalar", "_rpower_scalar",
                          lambda a, b: a ** b)


power = pow


def maximum(left: Any, right: Any) -> Any:
    return _sym_or_scalar(left, right, "_maximum", "_maximum_scalar", "_maximum_scalar",
                          max)


def minimum(left: Any, right: Any) -> Any:
    return _sym_or_scalar(left, right, "_minimum", "_minimum_scalar", "_minimum_scalar",
                          min)


def hypot(left: Any, right: Any) -> Any:
    import math
    return _sym_or_scalar(left, right, "_hypot", "_hypot_scalar", "_hypot_scalar",
                          math.hypot)


# mx.sym.symbol (the module MXNet code imports names from) is this package's Symbol module
from . import symbol  # noqa: E402,F401
