"""``mx.nd.random``: sampling ops, plus the legacy ``mx.nd.uniform`` / ``random_*`` names.

Samplers draw from mxcompat's per-device generators (``mxcompat.random``).
"""
from __future__ import annotations

from typing import Any, Callable

import torch

from .. import _dtypes
from ..base import MXNetError, MXNetValueError, _Null
from ..random import generator
from ._op import NAMESPACES, OPS, OpInfo, Shape
from .ndarray import NDArray, _ctx_for, _default_ctx, _wrap

__all__ = ["uniform", "normal"]

_FLOATS = ("float16", "float32", "float64")


def _float_dtype(dtype: Any, op: str) -> torch.dtype:
    if dtype is _Null or dtype is None or dtype == "None":
        return torch.float32
    dt = _dtypes.to_torch(dtype, where=op)
    if not dt.is_floating_point:
        raise MXNetValueError(f"{op}: Invalid Input: {_dtypes.name(dt)!r}, valid values are: "
                              "{'None', 'float16', 'float32', 'float64'}")
    return dt


def _sampler(op: str, draw: Callable, check: Callable, default_shape: tuple) -> Callable:
    """Build a sampler ``f(p1, p2, shape, dtype, ctx, out)`` with scalar parameters."""
    def run(p1: Any, p2: Any, shape: Any, dtype: Any, ctx: Any, out: Any) -> NDArray:
        if isinstance(p1, NDArray) or isinstance(p2, NDArray):
            from ..base import unsupported
            raise unsupported(f"mx.nd.random.{op} with NDArray parameters",
                              "array-valued parameters are not implemented yet")
        check(float(p1), float(p2))
        if out is not None:
            shp, dt, c, dev = out.shape, out._t.dtype, out.context, out._t.device
        else:
            shp = default_shape if shape is _Null or shape is None else Shape(shape, op,
                                                                              "shape")
            if shp == ():
                raise MXNetError(f"{op}: shape () is not supported for sampling")
            dt = _float_dtype(dtype, op)
            c = _default_ctx(ctx)
            dev = c.torch_device
        t = torch.empty(shp, dtype=dt, device=dev)
        with torch.no_grad():
            draw(t, float(p1), float(p2), generator(dev))
        if out is not None:
            out._assign(t)
            return out
        return _wrap(t, _ctx_for(c, dev))
    return run


def _check_uniform(low: float, high: float) -> None:
    if low > high:
        raise MXNetValueError(f"uniform: low ({low}) must be <= high ({high})")


def _check_normal(loc: float, scale: float) -> None:
    if not scale > 0:
        raise MXNetValueError(f"normal: scale parameter in gaussian has to be positive "
                              f"(got {scale})")


_uniform = _sampler("uniform", lambda t, a, b, g: t.uniform_(a, b, generator=g),
                    _check_uniform, (1,))
_normal = _sampler("normal", lambda t, a, b, g: t.normal_(a, b, generator=g),
                   _check_normal, (1,))


def uniform(low: Any = 0, high: Any = 1, shape: Any = _Null, dtype: Any = _Null,
            ctx: Any = None, out: Any = None, **kwargs: Any) -> NDArray:
    """Samples from U[low, high); shape defaults to (1,)."""
    return _uniform(low, high, shape, dtype, ctx, out)


def normal(loc: Any = 0, scale: Any = 1, shape: Any = _Null, dtype: Any = _Null,
           ctx: Any = None, out: Any = None, **kwargs: Any) -> NDArray:
    """Samples from N(loc, scale**2); shape defaults to (1,)."""
    return _normal(loc, scale, shape, dtype, ctx, out)


def _legacy(fn: Callable, p1: str, p2: str, d1: float, d2: float, name: str) -> Callable:
    """The generated-op spellings (mx.nd.uniform, mx.nd.random_uniform): keyword params and
    no (1,) default shape."""
    def legacy(*args: Any, **kwargs: Any) -> NDArray:
        kwargs.pop("name", None)
        names = [p1, p2, "shape", "ctx", "dtype", "out"]
        for n, v in zip(names, args):
            kwargs[n] = v
        if kwargs.get("shape", _Null) in (_Null, None, ()) and kwargs.get("out") is None:
            raise MXNetError(f"{name}: shape is required (Operator {name} inferring shapes "
                             "failed)")
        return fn(kwargs.pop(p1, d1), kwargs.pop(p2, d2), kwargs.pop("shape", _Null),
                  kwargs.pop("dtype", _Null), kwargs.pop("ctx", None), kwargs.pop("out", None))
    legacy.__name__ = legacy.__qualname__ = name
    return legacy


def _publish() -> None:
    for fn, torch_name in ((uniform, "torch.rand / Tensor.uniform_"),
                           (normal, "torch.randn / Tensor.normal_")):
        NAMESPACES.setdefault("random", {})[fn.__name__] = fn
        OPS[f"random.{fn.__name__}"] = OpInfo(name=fn.__name__, fn=fn, family="random",
                                              namespace="random", torch=torch_name)
    nd = NAMESPACES.setdefault("nd", {})
    for name, p1, p2, d1, d2, base in (("uniform", "low", "high", 0.0, 1.0, uniform),
                                        ("random_uniform", "low", "high", 0.0, 1.0, uniform),
                                        ("normal", "loc", "scale", 0.0, 1.0, normal),
                                        ("random_normal", "loc", "scale", 0.0, 1.0, normal)):
        f = _legacy(base, p1, p2, d1, d2, name)
        nd[name] = f
        OPS[f"nd.{name}"] = OpInfo(name=name, fn=f, family="random",
                                   torch=OPS[f"random.{base.__name__}"].torch)


_publish()
