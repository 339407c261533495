"""``mx.nd.random``: sampling ops, plus MXNet's older spellings in ``mx.nd`` (``uniform``,
``random_*``, ``sample_*``, ``shuffle``).

Every sampler draws from mxcompat's per-device generators (``mxcompat.random.generator``),
never from torch's global generator, so ``mx.random.seed`` makes streams reproducible and the
user's own ``torch.manual_seed`` neither affects nor is affected by them. The bit streams differ
from MXNet's; the distributions, shapes, dtypes and error cases are MXNet 1.9.1's.

Distribution parameters are Python numbers (validated, as MXNet does) or NDArrays of one
shape and dtype (not validated, as in MXNet); with NDArray parameters the output shape is
``param.shape + shape``.
"""
from __future__ import annotations

from typing import Any, Callable, Dict, Optional, Sequence

import numpy as np
import torch

from .. import _dtypes
from ..base import MXNetError, MXNetTypeError, MXNetValueError, _Null
from ..context import current_context as _current_context
from ..random import generator
from ._op import Bool, Float, Int, Literal, Shape, Str, register
from .ndarray import NDArray, _ctx_for, _default_ctx, _wrap
from .shape import pyfunc as _pyfunc

__all__ = ["uniform", "normal", "randn", "randint", "exponential", "gamma", "poisson",
           "negative_binomial", "generalized_negative_binomial", "multinomial", "shuffle",
           "uniform_like", "normal_like", "exponential_like", "gamma_like", "poisson_like",
           "negative_binomial_like", "generalized_negative_binomial_like"]


class MXNetAssertionError(MXNetError, AssertionError):
    """MXNet's Python front end asserts here (AssertionError); also an MXNetError."""


class MXNetZeroDivisionError(MXNetError, ZeroDivisionError):
    """MXNet divides by the scale in Python (ZeroDivisionError); also an MXNetError."""


_FLOAT_DT = (torch.float16, torch.float32, torch.float64)
_FLOAT_VALID = "{'None', 'float16', 'float32', 'float64'}"
_INT_VALID = "{'None', 'int32', 'int64'}"
_MULTI_VALID = "{'float16', 'float32', 'float64', 'int32', 'uint8'}"
_INT32_MIN = -2147483648.0


def _none(v: Any) -> bool:
    return v is _Null or v is None or (isinstance(v, str) and v == "None")


def _dtype(dtype: Any, op: str, allowed: tuple, valid: str,
           default: torch.dtype) -> torch.dtype:
    if _none(dtype):
        return default
    try:
        dt = _dtypes.to_torch(dtype, where=op)
    except MXNetError:
        dt = None
    if dt is None or dt not in allowed:
        name = dtype if isinstance(dtype, str) else (_dtypes.name(dt) if dt else str(dtype))
        raise MXNetValueError(f"{op}: Invalid Input: {name!r}, valid values are: {valid}")
    return dt


def _compute_dtype(dt: torch.dtype) -> torch.dtype:
    # sample in float32 for float16 outputs (torch's samplers lack float16 kernels on CPU)
    return torch.float64 if dt == torch.float64 else torch.float32


# ----------------------------------------------------------------------------------------
# Draws over full-shape parameters. ``p`` are Python floats or tensors broadcastable to
# ``shape``; every draw uses the given generator.

def _rand(shape: tuple, dt: torch.dtype, dev: torch.device, g: torch.Generator) -> torch.Tensor:
    return torch.rand(shape, dtype=dt, device=dev, generator=g)


def _std_gamma(alpha: torch.Tensor, g: torch.Generator) -> torch.Tensor:
    """Gamma(alpha, 1) by Marsaglia and Tsang's method (vectorised rejection); alpha <= 0 or
    NaN gives NaN. torch._standard_gamma takes no generator, so it cannot be used here."""
    a = alpha.reshape(-1)
    bad = ~(a > 0)
    small = a < 1
    aa = torch.where(bad, torch.ones_like(a), torch.where(small, a + 1, a))
    d = aa - 1.0 / 3.0
    c = 1.0 / torch.sqrt(9.0 * d)
    out = torch.empty_like(a)
    todo = torch.arange(a.numel(), device=a.device)
    while todo.numel():
        dp, cp = d[todo], c[todo]
        x = torch.randn(todo.shape, dtype=a.dtype, device=a.device, generator=g)
        v = (1.0 + cp * x) ** 3
        u = torch.rand(todo.shape, dtype=a.dtype, device=a.device, generator=g)
        ok = (v > 0) & (torch.log(u) < 0.5 * x * x + dp - dp * v + dp * torch.log(v))
        out[todo[ok]] = (dp * v)[ok]
        todo = todo[~ok]
    if bool(small.any()):
        boost = _rand(a.shape, a.dtype, a.device, g).pow(1.0 / torch.where(small, a, aa))
        out = torch.where(small, out * boost, out)
    out = torch.where(bad, torch.full_like(out, float("nan")), out)
    return out.reshape(alpha.shape)


def _full(p: Any, shape: tuple, dt: torch.dtype, dev: torch.device) -> torch.Tensor:
    if isinstance(p, torch.Tensor):
        return p.expand(shape).to(dt)
    return torch.full(shape, float(p), dtype=dt, device=dev)


def _poisson(lam: torch.Tensor, g: torch.Generator) -> torch.Tensor:
    # torch.poisson rejects negative and NaN rates; MXNet yields 0 for them
    lam = torch.where(lam > 0, lam, torch.zeros_like(lam))
    return torch.poisson(lam, generator=g)


def _d_uniform(p: Sequence, shape: tuple, dt: torch.dtype, dev: torch.device,
               g: torch.Generator) -> torch.Tensor:
    lo, hi = p
    if not isinstance(lo, torch.Tensor):
        return torch.empty(shape, dtype=dt, device=dev).uniform_(lo, hi, generator=g)
    return lo + (hi - lo) * _rand(shape, dt, dev, g)


def _d_normal(p: Sequence, shape: tuple, dt: torch.dtype, dev: torch.device,
              g: torch.Generator) -> torch.Tensor:
    loc, scale = p
    if not isinstance(loc, torch.Tensor):
        return torch.empty(shape, dtype=dt, device=dev).normal_(loc, scale, generator=g)
    return loc + scale * torch.randn(shape, dtype=dt, device=dev, generator=g)


def _d_exponential(p: Sequence, shape: tuple, dt: torch.dtype, dev: torch.device,
                   g: torch.Generator) -> torch.Tensor:
    (lam,) = p  # the rate
    e = torch.empty(shape, dtype=dt, device=dev).exponential_(1.0, generator=g)
    return e / lam


def _d_gamma(p: Sequence, shape: tuple, dt: torch.dtype, dev: torch.device,
             g: torch.Generator) -> torch.Tensor:
    alpha, beta = p  # beta is the scale
    return _std_gamma(_full(alpha, shape, dt, dev), g) * beta


def _d_poisson(p: Sequence, shape: tuple, dt: torch.dtype, dev: torch.device,
               g: torch.Generator) -> torch.Tensor:
    return _poisson(_full(p[0], shape, dt, dev), g)


def _d_negbin(p: Sequence, shape: tuple, dt: torch.dtype, dev: torch.device,
              g: torch.Generator) -> torch.Tensor:
    k = _full(p[0], shape, dt, dev)
    pr = _full(p[1], shape, dt, dev)
    live = (k > 0) & (pr > 0) & (pr < 1)
    one = torch.ones_like(k)
    lam = _std_gamma(torch.where(live, k, one), g) * torch.where(live, (1 - pr) / pr, one)
    r = torch.where(live, _poisson(torch.where(live, lam, one), g), torch.zeros_like(k))
    # p == 0 (infinite mean): MXNet casts an infinite rate to int, i.e. INT32_MIN
    return torch.where((pr <= 0) & (k > 0), torch.full_like(r, _INT32_MIN), r)


def _d_gennegbin(p: Sequence, shape: tuple, dt: torch.dtype, dev: torch.device,
                 g: torch.Generator) -> torch.Tensor:
    mu = _full(p[0], shape, dt, dev)
    alpha = _full(p[1], shape, dt, dev)
    mixed = alpha > 0
    one = torch.ones_like(mu)
    shape_k = torch.where(mixed, 1.0 / torch.where(mixed, alpha, one), one)
    lam = torch.where(mixed, _std_gamma(shape_k, g) * alpha * mu, mu)
    return _poisson(lam, g)


# ----------------------------------------------------------------------------------------
# Scalar parameter checks (MXNet checks scalar parameters only).

def _chk_uniform(op: str, lo: float, hi: float) -> None:
    if not hi >= lo:
        raise MXNetValueError(f"{op}: Check failed: param.high >= param.low ({hi} vs. {lo}) : "
                              "low must be less or equal to high in uniform distribution")


def _chk_normal(op: str, loc: float, scale: float) -> None:
    if not scale > 0:
        raise MXNetValueError(f"{op}: Check failed: param.scale > 0 ({scale} vs. 0) : scale "
                              "parameter in gaussian has to be positive")


def _chk_exponential(op: str, lam: float) -> None:
    if not lam > 0:
        raise MXNetValueError(f"{op}: Check failed: param.lam > 0 ({lam} vs. 0) : lambda "
                              "parameter in exponential distribution has to be positive")


def _chk_gamma(op: str, alpha: float, beta: float) -> None:
    for n, v in (("alpha", alpha), ("beta", beta)):
        if not v > 0:
            raise MXNetValueError(f"{op}: Check failed: param.{n} > 0 ({v} vs. 0) : {n} "
                                  "parameter in gamma distribution has to be positive")


def _chk_poisson(op: str, lam: float) -> None:
    if not lam >= 0:
        raise MXNetValueError(f"{op}: Check failed: param.lam >= 0 ({lam} vs. 0) : lambda "
                              "parameter in poisson distribution has to be non-negative")


def _chk_negbin(op: str, k: float, p: float) -> None:
    if not k >= 0:
        raise MXNetValueError(f"{op}: Check failed: param.k >= 0 ({k} vs. 0) : k parameter "
                              "in negative binomial distribution has to be non-negative")
    if not 0 <= p:
        raise MXNetValueError(f"{op}: Check failed: param.p >= 0 ({p} vs. 0) : p parameter "
                              "in negative binomial distribution has to be non-negative")


def _chk_gennegbin(op: str, mu: float, alpha: float) -> None:
    for n, v in (("mu", mu), ("alpha", alpha)):
        if not v >= 0:
            raise MXNetValueError(f"{op}: Check failed: param.{n} >= 0 ({v} vs. 0) : {n} "
                                  "parameter in generalized negative binomial distribution "
                                  "has to be non-negative")


class _Dist:
    __slots__ = ("name", "pnames", "draw", "check", "conv", "torch")

    def __init__(self, name: str, pnames: tuple, draw: Callable, check: Callable,
                 torch_eq: str, conv: Optional[tuple] = None):
        self.name, self.pnames, self.draw, self.check = name, pnames, draw, check
        self.conv = conv or tuple(Float for _ in pnames)
        self.torch = torch_eq


_UNIFORM = _Dist("uniform", ("low", "high"), _d_uniform, _chk_uniform,
                 "torch.rand (low + (high - low) * U)")
_NORMAL = _Dist("normal", ("loc", "scale"), _d_normal, _chk_normal,
                "torch.randn (loc + scale * Z)")
_EXPONENTIAL = _Dist("exponential", ("lam",), _d_exponential, _chk_exponential,
                     "Tensor.exponential_(1) / lam")
_GAMMA = _Dist("gamma", ("alpha", "beta"), _d_gamma, _chk_gamma,
               "Marsaglia-Tsang on torch.randn/torch.rand (torch._standard_gamma has no "
               "generator argument)")
_POISSON = _Dist("poisson", ("lam",), _d_poisson, _chk_poisson, "torch.poisson")
_NEGBIN = _Dist("negative_binomial", ("k", "p"), _d_negbin, _chk_negbin,
                "torch.poisson(Gamma(k, (1 - p) / p))", conv=(Int, Float))
_GENNEGBIN = _Dist("generalized_negative_binomial", ("mu", "alpha"), _d_gennegbin,
                   _chk_gennegbin, "torch.poisson(Gamma(1 / alpha, alpha * mu))")


# ----------------------------------------------------------------------------------------
# The sampling core shared by every spelling.

def _out_check(op: str, out: Any) -> None:
    if not isinstance(out, NDArray):
        raise MXNetTypeError(f"{op}: out= must be an NDArray, got {type(out).__name__}")


def _sample(dist: _Dist, op: str, params: Sequence, shape: Any, dtype: Any, ctx: Any,
            out: Any, default_shape: Optional[tuple]) -> NDArray:
    """Draw from ``dist``: params are all Python numbers or all NDArrays."""
    arrays = [isinstance(p, NDArray) for p in params]
    shp = None if _none(shape) else Shape(shape, op, "shape")
    req = None if _none(dtype) else _dtype(dtype, op, _FLOAT_DT, _FLOAT_VALID, torch.float32)
    if out is not None:
        _out_check(op, out)
    if all(arrays):
        ts = [p._t for p in params]
        if ts[0].dtype == torch.bool:
            raise MXNetTypeError(f"{op}: bool distribution parameters are not supported "
                                 "(MXNet: Unknown type enum 7)")
        if ts[0].dim() == 0:
            raise MXNetValueError(f"{op}: 0-d distribution parameters are not supported "
                                  "(MXNet: Shape is unknown)")
        for t in ts[1:]:
            if t.dtype != ts[0].dtype:
                raise MXNetTypeError(f"{op}: distribution parameters must have the same "
                                     f"dtype, got {_dtypes.name(ts[0].dtype)} and "
                                     f"{_dtypes.name(t.dtype)}")
            if t.shape != ts[0].shape:
                raise MXNetValueError(f"{op}: distribution parameters must have the same "
                                      f"shape, got {list(ts[0].shape)} and {list(t.shape)}")
        extra = shp or ()
        full = tuple(ts[0].shape) + extra
        dev, c = ts[0].device, params[0]._ctx
    else:
        for _p, a in zip(params, arrays):
            if a:
                other = next(type(q) for q in params if not isinstance(q, NDArray))
                raise MXNetAssertionError(
                    f"{op}: Distribution parameters must all have the same type, but got "
                    f"both {other} and {NDArray}.")
        vals = [conv(p, op, n) for p, conv, n in zip(params, dist.conv, dist.pnames)]
        dist.check(op, *vals)
        if shp is None:
            if out is not None:
                shp = tuple(out.shape)
            elif default_shape is None:
                raise MXNetValueError(f"{op}: shape is required (Operator {op} inferring "
                                      "shapes failed)")
            else:
                shp = default_shape
        if shp == ():
            raise MXNetValueError(f"{op}: shape () cannot be sampled (Operator {op} inferring "
                                  "shapes failed)")
        full = shp
        if out is not None and ctx is None:
            dev, c = out._t.device, out._ctx
        else:
            cc = _default_ctx(None if _none(ctx) else ctx)
            dev = cc.torch_device
            c = _ctx_for(cc, dev)
    if out is not None:
        if tuple(out.shape) != full:
            raise MXNetValueError(f"{op}: Shape inconsistent, Provided = {list(out.shape)}, "
                                  f"inferred shape={list(full)}")
        if req is not None and req != out._t.dtype:
            raise MXNetTypeError(f"{op}: Output type does not match requested type: "
                                 f"{_dtypes.name(out._t.dtype)} vs {_dtypes.name(req)}")
        dt = out._t.dtype
    else:
        dt = req or torch.float32
    cdt = _compute_dtype(dt)
    if all(arrays):
        tail = (1,) * (len(full) - ts[0].dim())
        ps = [t.to(cdt).reshape(tuple(t.shape) + tail) for t in ts]
    else:
        ps = vals
    if all(arrays) and torch.is_grad_enabled():
        with torch.no_grad():  # samples carry no gradient to their parameters
            r = dist.draw(ps, full, cdt, dev, generator(dev))
    else:
        r = dist.draw(ps, full, cdt, dev, generator(dev))
    if dist is _NEGBIN and all(arrays) and not ts[0].is_floating_point():
        # integer p == 0: MXNet's integer arithmetic gives 0 (not the float case's INT32_MIN)
        r = torch.where(ps[1].expand(full) <= 0, torch.zeros_like(r), r)
    if r.dtype != dt:
        r = r.to(dt)
    if out is not None:
        out._assign(r)
        return out
    return _wrap(r, c)


def _numbers(op: str, params: Sequence) -> None:
    """mx.nd.random.* accept NDArrays or numbers, nothing else (MXNet's front-end check)."""
    for p in params:
        if not isinstance(p, (NDArray, int, float, np.number)) or isinstance(p, bool):
            raise MXNetValueError(f"{op}: Distribution parameters must be either NDArray or "
                                  f"numbers, but got {type(p)}.")


def _no_kwargs(op: str, kwargs: Dict[str, Any], allowed: Sequence[str]) -> None:
    kwargs.pop("name", None)
    if kwargs:
        bad = next(iter(kwargs))
        raise MXNetValueError(f"{op}: Cannot find argument '{bad}', Possible Arguments: "
                              f"{', '.join(allowed)}")


_FRONT = ("shape", "dtype", "ctx", "out")


# ---- mx.nd.random.* ------------------------------------------------------------------------
def uniform(low: Any = 0, high: Any = 1, shape: Any = _Null, dtype: Any = _Null,
            ctx: Any = None, out: Any = None, **kwargs: Any) -> NDArray:
    """Samples from U[low, high); shape defaults to (1,)."""
    _no_kwargs("uniform", kwargs, ("low", "high") + _FRONT)
    _numbers("uniform", (low, high))
    return _sample(_UNIFORM, "uniform", (low, high), shape, dtype, ctx, out, (1,))


def normal(loc: Any = 0, scale: Any = 1, shape: Any = _Null, dtype: Any = _Null,
           ctx: Any = None, out: Any = None, **kwargs: Any) -> NDArray:
    """Samples from N(loc, scale**2); shape defaults to (1,)."""
    _no_kwargs("normal", kwargs, ("loc", "scale") + _FRONT)
    _numbers("normal", (loc, scale))
    return _sample(_NORMAL, "normal", (loc, scale), shape, dtype, ctx, out, (1,))


def randn(*shape: Any, **kwargs: Any) -> NDArray:
    """``randn(d0, d1, ..., loc=0, scale=1, dtype=None, ctx=None, out=None)``: normal
    samples of shape (d0, d1, ...)."""
    if "shape" in kwargs:
        raise MXNetTypeError("randn: got multiple values for keyword argument 'shape' (pass "
                             "the dimensions positionally)")
    loc, scale = kwargs.pop("loc", 0), kwargs.pop("scale", 1)
    dtype, ctx, out = kwargs.pop("dtype", _Null), kwargs.pop("ctx", None), kwargs.pop("out",
                                                                                      None)
    _no_kwargs("randn", kwargs, ("loc", "scale", "dtype", "ctx", "out"))
    _numbers("randn", (loc, scale))
    return _sample(_NORMAL, "randn", (loc, scale), tuple(shape), dtype, ctx, out, None)


def exponential(scale: Any = 1, shape: Any = _Null, dtype: Any = _Null, ctx: Any = None,
                out: Any = None, **kwargs: Any) -> NDArray:
    """Samples from the exponential distribution with mean ``scale`` (rate 1/scale)."""
    _no_kwargs("exponential", kwargs, ("scale",) + _FRONT)
    _numbers("exponential", (scale,))
    if isinstance(scale, NDArray):
        lam: Any = _wrap(1.0 / scale._t.to(torch.float64), scale._ctx)
    else:
        try:
            lam = 1.0 / scale
        except ZeroDivisionError:
            raise MXNetZeroDivisionError("exponential: scale must not be 0 (float division "
                                         "by zero)") from None
    return _sample(_EXPONENTIAL, "exponential", (lam,), shape, dtype, ctx, out, (1,))


def gamma(alpha: Any = 1, beta: Any = 1, shape: Any = _Null, dtype: Any = _Null,
          ctx: Any = None, out: Any = None, **kwargs: Any) -> NDArray:
    """Samples from Gamma(shape=alpha, scale=beta): mean alpha*beta."""
    _no_kwargs("gamma", kwargs, ("alpha", "beta") + _FRONT)
    _numbers("gamma", (alpha, beta))
    return _sample(_GAMMA, "gamma", (alpha, beta), shape, dtype, ctx, out, (1,))


def poisson(lam: Any = 1, shape: Any = _Null, dtype: Any = _Null, ctx: Any = None,
            out: Any = None, **kwargs: Any) -> NDArray:
    """Samples from Poisson(lam), as float32 (or the float ``dtype``)."""
    _no_kwargs("poisson", kwargs, ("lam",) + _FRONT)
    _numbers("poisson", (lam,))
    return _sample(_POISSON, "poisson", (lam,), shape, dtype, ctx, out, (1,))


def negative_binomial(k: Any = 1, p: Any = 1, shape: Any = _Null, dtype: Any = _Null,
                      ctx: Any = None, out: Any = None, **kwargs: Any) -> NDArray:
    """Samples failures before the k-th success (success probability p): mean k(1-p)/p."""
    _no_kwargs("negative_binomial", kwargs, ("k", "p") + _FRONT)
    _numbers("negative_binomial", (k, p))
    return _sample(_NEGBIN, "negative_binomial", (k, p), shape, dtype, ctx, out, (1,))


def generalized_negative_binomial(mu: Any = 1, alpha: Any = 1, shape: Any = _Null,
                                  dtype: Any = _Null, ctx: Any = None, out: Any = None,
                                  **kwargs: Any) -> NDArray:
    """Samples with mean mu and variance mu + alpha*mu**2."""
    op = "generalized_negative_binomial"
    _no_kwargs(op, kwargs, ("mu", "alpha") + _FRONT)
    _numbers(op, (mu, alpha))
    return _sample(_GENNEGBIN, op, (mu, alpha), shape, dtype, ctx, out, (1,))


def randint(low: Any, high: Any, shape: Any = _Null, dtype: Any = _Null, ctx: Any = None,
            out: Any = None, **kwargs: Any) -> NDArray:
    """Samples integers from [low, high); int32 by default (int32 or int64)."""
    return _randint("randint", low, high, shape, dtype, ctx, out, kwargs, (1,))


def _randint(op: str, low: Any, high: Any, shape: Any, dtype: Any, ctx: Any, out: Any,
             kwargs: Dict[str, Any], default_shape: Optional[tuple]) -> NDArray:
    _no_kwargs(op, kwargs, ("low", "high") + _FRONT)
    if isinstance(low, NDArray) or isinstance(high, NDArray):
        raise MXNetTypeError(f"{op}: NDArray parameters are not supported by randint (MXNet "
                             "fails with TypeError as well); pass Python integers")
    for n, v in (("low", low), ("high", high)):
        if v is _Null or v is None:
            raise MXNetValueError(f"{op}: Required parameter {n} of long is not presented")
    lo, hi = Int(low, op, "low"), Int(high, op, "high")
    if hi < lo:
        raise MXNetValueError(f"{op}: Check failed: param.high >= param.low ({hi} vs. {lo}) : "
                              "low must be less or equal to high in uniform distribution")
    if hi == lo:
        # MXNet 1.9.1 crashes the process (SIGFPE) here
        raise MXNetValueError(f"{op}: low ({lo}) == high ({hi}): the range [low, high) is "
                              "empty")
    if out is not None:
        _out_check(op, out)
    dt = _dtype(dtype, op, (torch.int32, torch.int64), _INT_VALID,
                out._t.dtype if out is not None else torch.int32)
    shp = None if _none(shape) else Shape(shape, op, "shape")
    if shp is None:
        if out is not None:
            shp = tuple(out.shape)
        elif default_shape is None:
            raise MXNetValueError(f"{op}: shape is required (Operator {op} inferring shapes "
                                  "failed)")
        else:
            shp = default_shape
    if shp == ():
        raise MXNetValueError(f"{op}: shape () cannot be sampled")
    if out is not None:
        if tuple(out.shape) != shp:
            raise MXNetValueError(f"{op}: Shape inconsistent, Provided = {list(out.shape)}, "
                                  f"inferred shape={list(shp)}")
        if out._t.dtype != dt:
            raise MXNetTypeError(f"{op}: Output type does not match requested type: "
                                 f"{_dtypes.name(out._t.dtype)} vs {_dtypes.name(dt)}")
        dev, c = out._t.device, out._ctx
    else:
        cc = _default_ctx(None if _none(ctx) else ctx)
        dev = cc.torch_device
        c = _ctx_for(cc, dev)
    r = torch.randint(lo, hi, shp, generator=generator(dev), device=dev, dtype=torch.int64)
    if dt != torch.int64:
        r = r.to(dt)  # an int32 draw from a wider range wraps, as in MXNet
    if out is not None:
        out._assign(r)
        return out
    return _wrap(r, c)


def multinomial(data: Any, shape: Any = _Null, get_prob: Any = False, out: Any = None,
                dtype: Any = "int32", **kwargs: Any) -> Any:
    """Samples category indices from the last axis of ``data`` (probabilities are used as
    given, not normalised, as in MXNet); ``get_prob=True`` also returns their log
    probabilities."""
    return _multinomial("multinomial", data, shape, get_prob, out, dtype, kwargs)


def _multinomial(op: str, data: Any, shape: Any, get_prob: Any, out: Any, dtype: Any,
                 kwargs: Dict[str, Any]) -> Any:
    _no_kwargs(op, kwargs, ("shape", "get_prob", "dtype", "out"))
    if not isinstance(data, NDArray):
        raise MXNetTypeError(f"{op}: data must be an NDArray, got {type(data).__name__}")
    p = data._t
    if p.dtype not in _FLOAT_DT:
        raise MXNetTypeError(f"{op}: This operation only support floating point types, not "
                             f"{_dtypes.name(p.dtype)}")
    if p.dim() == 0:
        raise MXNetValueError(f"{op}: data must have at least one axis")
    dt = _dtype("int32" if _none(dtype) else dtype, op,
                (torch.float16, torch.float32, torch.float64, torch.int32, torch.uint8),
                _MULTI_VALID, torch.int32)
    gp = False if _none(get_prob) else Bool(get_prob, op, "get_prob")
    extra = () if _none(shape) else Shape(shape, op, "shape")
    batch = tuple(p.shape[:-1])
    full = batch + extra
    if full == ():
        full = (1,)
    k = p.shape[-1]
    n_b = int(np.prod(batch)) if batch else 1
    n_s = int(np.prod(extra)) if extra else 1
    with torch.no_grad():
        cdt = _compute_dtype(p.dtype)
        # MXNet returns the first i with u < p[0] + ... + p[i], or K when there is none
        cdf = p.to(cdt).reshape(n_b, k).cumsum(-1)
        dev = p.device
        u = torch.rand((n_b, n_s), dtype=cdt, device=dev, generator=generator(dev))
        idx = torch.searchsorted(cdf.contiguous(), u, right=True)
        samples = idx.reshape(full).to(dt)
        if gp:
            logp = torch.log(p.reshape(n_b, k).to(cdt))
            # an out-of-range index (MXNet reads past the row) gets log(0) = -inf here
            padded = torch.cat([logp, torch.full((n_b, 1), float("-inf"), dtype=cdt,
                                                 device=dev)], -1)
            lp = torch.gather(padded, 1, idx).reshape(full).to(p.dtype)
    res = [samples, lp] if gp else [samples]
    if out is not None:
        outs = list(out) if isinstance(out, (list, tuple)) else [out]
        if len(outs) != len(res):
            raise MXNetValueError(f"{op}: out= needs {len(res)} arrays, got {len(outs)}")
        for o, r in zip(outs, res):
            _out_check(op, o)
            if tuple(o.shape) != tuple(r.shape):
                raise MXNetValueError(f"{op}: Shape inconsistent, Provided = {list(o.shape)}, "
                                      f"inferred shape={list(r.shape)}")
            if o._t.dtype != r.dtype:
                raise MXNetTypeError(f"{op}: Type inconsistent, Provided = "
                                     f"{_dtypes.name(o._t.dtype)}, inferred type = "
                                     f"{_dtypes.name(r.dtype)}")
            o._assign(r)
        return out
    wrapped = [_wrap(r, data._ctx) for r in res]
    return wrapped if gp else wrapped[0]


def shuffle(data: Any, **kwargs: Any) -> NDArray:
    """A copy of ``data`` with its first axis randomly permuted."""
    out = kwargs.pop("out", None)
    _no_kwargs("shuffle", kwargs, ("data", "out"))
    if not isinstance(data, NDArray):
        raise MXNetTypeError(f"shuffle: data must be an NDArray, got {type(data).__name__}")
    t = data._t
    if t.dim() == 0:
        raise MXNetValueError("shuffle: 0-d arrays cannot be shuffled (MXNet: shape inference "
                              "fails)")
    if t.dtype == torch.bool:
        raise MXNetTypeError("shuffle: bool arrays are not supported (MXNet: Unknown type "
                             "enum 7)")
    perm = torch.randperm(t.shape[0], generator=generator(t.device), device=t.device)
    r = t[perm]
    if out is not None:
        _out_check("shuffle", out)
        if tuple(out.shape) != tuple(r.shape) or out._t.dtype != r.dtype:
            raise MXNetValueError(f"shuffle: out= must have shape {list(r.shape)} and dtype "
                                  f"{_dtypes.name(r.dtype)}")
        out._assign(r)
        return out
    return _wrap(r, data._ctx)


# ---- *_like: shape, dtype and context of ``data`` ------------------------------------------
def _like(dist: _Dist, defaults: tuple) -> Callable:
    op = f"{dist.name}_like"
    names = dist.pnames

    def fn(data: Any = None, *args: Any, out: Any = None, name: Any = None,
           **kwargs: Any) -> NDArray:
        vals = list(defaults)
        for i, v in enumerate(args[:len(names)]):
            vals[i] = v
        for i, n in enumerate(names):
            if n in kwargs:
                vals[i] = kwargs.pop(n)
        vals = [defaults[i] if v is _Null else v for i, v in enumerate(vals)]
        _no_kwargs(op, kwargs, names)
        if not isinstance(data, NDArray):
            raise MXNetTypeError(f"{op}: data must be an NDArray, got {type(data).__name__}")
        if data._t.dtype not in _FLOAT_DT:
            raise MXNetTypeError(f"{op}: This operation only support floating point types, "
                                 f"not {_dtypes.name(data._t.dtype)}")
        for v in vals:
            if isinstance(v, NDArray):
                raise MXNetTypeError(f"{op}: parameters must be numbers, not NDArrays")
        return _sample(dist, op, vals, tuple(data.shape), _dtypes.name(data._t.dtype),
                       data.context, out, None)
    fn.__name__ = fn.__qualname__ = op
    fn.__doc__ = (f"Samples from the {dist.name} distribution ({', '.join(names)}) with the "
                  "shape, dtype and context of ``data``.")
    return fn


uniform_like = _like(_UNIFORM, (0.0, 1.0))
normal_like = _like(_NORMAL, (0.0, 1.0))
exponential_like = _like(_EXPONENTIAL, (1.0,))
gamma_like = _like(_GAMMA, (1.0, 1.0))
poisson_like = _like(_POISSON, (1.0,))
negative_binomial_like = _like(_NEGBIN, (1, 1.0))
generalized_negative_binomial_like = _like(_GENNEGBIN, (1.0, 1.0))


# ---- mx.nd.random_* / mx.nd.uniform / mx.nd.normal: the generated ops ----------------------
def _legacy(name: str, dist: _Dist, defaults: tuple) -> Callable:
    """Keyword-style generated op ``name(p1, p2, shape, ctx, dtype, out, name)``: numbers
    only (strings too, as MXNet stringifies params), no default shape."""
    names = dist.pnames
    order = names + ("shape", "ctx", "dtype")

    def fn(*args: Any, **kwargs: Any) -> NDArray:
        kwargs.pop("name", None)
        out = kwargs.pop("out", None)
        if len(args) > len(order):
            raise MXNetTypeError(f"{name}: too many positional arguments")
        for n, v in zip(order, args):
            if n in kwargs:
                raise MXNetTypeError(f"{name}: got multiple values for argument '{n}'")
            kwargs[n] = v
        vals = [kwargs.pop(n, _Null) for n in names]
        vals = [defaults[i] if v is _Null or v is None else v for i, v in enumerate(vals)]
        shape, ctx, dtype = (kwargs.pop(n, _Null) for n in ("shape", "ctx", "dtype"))
        _no_kwargs(name, kwargs, order)
        for v in vals:
            if isinstance(v, NDArray):
                raise MXNetTypeError(f"{name}: parameters must be numbers, not NDArrays "
                                     f"(use mx.nd.sample_{dist.name} for array parameters)")
        return _sample(dist, name, vals, shape, dtype, None if _none(ctx) else ctx, out,
                       None)
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = (f"Samples from the {dist.name} distribution ({', '.join(names)}); "
                  "``shape`` is required.")
    return fn


def random_randint(low: Any = _Null, high: Any = _Null, shape: Any = _Null, ctx: Any = _Null,
                   dtype: Any = _Null, out: Any = None, name: Any = None,
                   **kwargs: Any) -> NDArray:
    """Samples integers from [low, high); ``shape`` is required."""
    return _randint("random_randint", low, high, shape, dtype,
                    None if _none(ctx) else ctx, out, kwargs, None)


# ---- mx.nd.sample_*: NDArray parameters ----------------------------------------------------
def _sample_op(name: str, dist: _Dist, pnames: tuple) -> Callable:
    order = pnames + ("shape", "dtype")

    def fn(*args: Any, **kwargs: Any) -> NDArray:
        kwargs.pop("name", None)
        out = kwargs.pop("out", None)
        if len(args) > len(order):
            raise MXNetTypeError(f"{name}: too many positional arguments")
        for n, v in zip(order, args):
            kwargs[n] = v
        vals = [kwargs.pop(n, None) for n in pnames]
        shape, dtype = kwargs.pop("shape", _Null), kwargs.pop("dtype", _Null)
        _no_kwargs(name, kwargs, order)
        for n, v in zip(pnames, vals):
            if not isinstance(v, NDArray):
                raise MXNetAssertionError(f"{name}: Argument {n} must have NDArray type, but "
                                          f"got {v}")
        return _sample(dist, name, vals, shape, dtype, None, out, None)
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = (f"Samples from {dist.name} distributions with NDArray parameters "
                  f"({', '.join(pnames)}): output shape = parameter shape + ``shape``.")
    return fn


def sample_multinomial(data: Any = None, shape: Any = _Null, get_prob: Any = _Null,
                       dtype: Any = _Null, out: Any = None, name: Any = None,
                       **kwargs: Any) -> Any:
    """Same as mx.nd.random.multinomial."""
    return _multinomial("sample_multinomial", data, shape, get_prob, out, dtype, kwargs)


def _shuffle_op(data: Any = None, out: Any = None, name: Any = None, **kwargs: Any) -> NDArray:
    """A copy of ``data`` with its first axis randomly permuted."""
    return shuffle(data, out=out, **kwargs)


_shuffle_op.__name__ = _shuffle_op.__qualname__ = "shuffle"

_LEGACY = {
    "uniform": (_UNIFORM, (0.0, 1.0)), "random_uniform": (_UNIFORM, (0.0, 1.0)),
    "normal": (_NORMAL, (0.0, 1.0)), "random_normal": (_NORMAL, (0.0, 1.0)),
    "random_exponential": (_EXPONENTIAL, (1.0,)), "random_gamma": (_GAMMA, (1.0, 1.0)),
    "random_poisson": (_POISSON, (1.0,)),
    "random_negative_binomial": (_NEGBIN, (1, 1.0)),
    "random_generalized_negative_binomial": (_GENNEGBIN, (1.0, 1.0)),
}
_SAMPLE = {
    "sample_uniform": (_UNIFORM, ("low", "high")), "sample_normal": (_NORMAL, ("mu", "sigma")),
    "sample_gamma": (_GAMMA, ("alpha", "beta")), "sample_exponential": (_EXPONENTIAL, ("lam",)),
    "sample_poisson": (_POISSON, ("lam",)),
    "sample_negative_binomial": (_NEGBIN, ("k", "p")),
    "sample_generalized_negative_binomial": (_GENNEGBIN, ("mu", "alpha")),
}


def _publish() -> None:
    g = globals()
    notes = {"exponential": "scale = 1 / rate", "gamma": "beta is the scale",
             "multinomial": "probabilities not normalised; an out-of-range index gets log "
                            "probability -inf", "randint": "low == high raises (MXNet crashes)"}
    dists = {d.name: d for d in (_UNIFORM, _NORMAL, _EXPONENTIAL, _GAMMA, _POISSON, _NEGBIN,
                                 _GENNEGBIN)}
    extra_torch = {"randn": "torch.randn", "randint": "torch.randint",
                   "multinomial": "torch.searchsorted(cumsum(p), torch.rand(...))",
                   "shuffle": "x[torch.randperm(n)]"}
    for name in __all__:
        fn = g[name]
        base = name[:-5] if name.endswith("_like") else name
        teq = dists[base].torch if base in dists else extra_torch[base]
        register(name, python=True, ns="random", family="random", torch=teq,
                 notes=notes.get(base, ""),
                 inputs=("data",) if name.endswith("_like") or name == "shuffle" else ())(fn)

    def add(name: str, fn: Callable, teq: str, note: str = "", **schema: Any) -> None:
        register(name, python=True, family="random", torch=teq, notes=note, **schema)(fn)

    for name, (dist, defaults) in _LEGACY.items():
        add(name, _legacy(name, dist, defaults), dist.torch,
            "lam is the RATE" if dist is _EXPONENTIAL else "shape is required", inputs=(),
            params=dict({p: Float for p in dist.pnames}, shape=Shape, ctx=Str,
                        dtype=Literal))
    add("random_randint", random_randint, "torch.randint", notes["randint"], inputs=(),
        params={"low": Int, "high": Int, "shape": Shape, "ctx": Str, "dtype": Literal},
        required=("low", "high"), types={"low": "long", "high": "long"})
    for name, (dist, pnames) in _SAMPLE.items():
        add(name, _sample_op(name, dist, pnames), dist.torch,
            "lam is the RATE" if dist is _EXPONENTIAL else "NDArray parameters",
            inputs=pnames, params={"shape": Shape, "dtype": Literal})
    add("sample_multinomial", sample_multinomial, extra_torch["multinomial"],
        notes["multinomial"], inputs=("data",))
    add("shuffle", _shuffle_op, extra_torch["shuffle"], inputs=("data",))


_publish()


# ---- mx.nd.random_pdf_*: densities of samples under array parameters -----------------------
# MXNet's _random_pdf_* ops: every input an NDArray of one float dtype; the parameters share
# one shape, which must equal the leading axes of ``sample`` (for the Dirichlet: the leading
# axes plus the last, vector, axis). Gradients are the true derivatives, except that the
# discrete densities (poisson, negative binomials) give the sample a zero gradient, as MXNet
# does.

def _is_log(v: Any, op: str = "", p: str = "") -> bool:
    """MXNet's boolean parameter: True/False, 0/1 or their strings; 2 is an error."""
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    if isinstance(v, (int, np.integer)) and int(v) in (0, 1):
        return bool(v)
    if isinstance(v, str) and v.strip().lower() in ("true", "false", "1", "0"):
        return v.strip().lower() in ("true", "1")
    raise MXNetValueError(f"{op}: Invalid Parameter format for {p} expect boolean but "
                          f"value='{v}'")


class _ZeroGrad(torch.autograd.Function):
    """Zeros shaped like x whose gradient to x is zero: keeps x on the autograd path (MXNet
    writes a zero gradient for it) without touching the values."""

    @staticmethod
    def forward(ctx: Any, x: torch.Tensor) -> torch.Tensor:  # type: ignore[override]
        return torch.zeros_like(x)

    @staticmethod
    def backward(ctx: Any, g: torch.Tensor) -> torch.Tensor:  # type: ignore[override]
        return torch.zeros_like(g)


def _pdf_inputs(op: str, sample: torch.Tensor, params: Sequence[torch.Tensor],
                vector: bool = False) -> tuple:
    """Check MXNet's rules; return (sample, params broadcastable to it) in the compute
    dtype."""
    for i, t in enumerate([sample, *params]):
        if t.dtype == torch.bool:
            raise MXNetTypeError(f"{op}: bool inputs are not supported (MXNet: Unknown type "
                                 "enum 7)")
        if t.dtype not in _FLOAT_DT:
            raise MXNetTypeError(f"{op}: This operation only support floating point types, "
                                 f"not {_dtypes.name(t.dtype)}")
        if t.dtype != sample.dtype:
            raise MXNetTypeError(f"{op}: Incompatible attr in node at {i}-th input: expected "
                                 f"{_dtypes.name(sample.dtype)}, got {_dtypes.name(t.dtype)}")
    for t in (sample, *params):
        if t.dim() == 0:
            raise MXNetValueError(f"{op}: 0-d inputs are not supported (MXNet cannot infer "
                                  "their shape)")
        if t.numel() == 0:
            raise MXNetValueError(f"{op}: zero-size inputs are not supported (MXNet crashes "
                                  "on them)")
    p0 = params[0]
    for p in params[1:]:
        if p.shape != p0.shape:
            raise MXNetValueError(f"{op}: Shape inconsistent, Provided = {list(p.shape)}, "
                                  f"inferred shape={list(p0.shape)}")
    if p0.dim() > sample.dim():
        raise MXNetValueError(f"{op}: dimension of input samples ({sample.dim()}) must be at "
                              f"least dimension of distribution parameters ({p0.dim()})")
    want = tuple(sample.shape[:p0.dim()])
    if vector:
        want = want[:-1] + (sample.shape[-1],)
    if tuple(p0.shape) != want:
        raise MXNetValueError(f"{op}: Shape inconsistent, Provided = {list(p0.shape)}, "
                              f"inferred shape={list(want)}")
    cdt = _compute_dtype(sample.dtype)
    x = sample.to(cdt)
    if vector:
        return x, [p.to(cdt) for p in params]
    tail = (1,) * (x.dim() - p0.dim())
    return x, [p.to(cdt).reshape(tuple(p.shape) + tail) for p in params]


def _lgamma(t: torch.Tensor) -> torch.Tensor:
    return torch.lgamma(t)


def _nb_lpdf(x: torch.Tensor, k: torch.Tensor, p: torch.Tensor) -> torch.Tensor:
    # p is the success probability: P(x failures before the k-th success)
    return (_lgamma(x + k) - _lgamma(x + 1) - _lgamma(k) + k * torch.log(p)
            + x * torch.log1p(-p))


def _pdf_finish(sample: torch.Tensor, out: torch.Tensor) -> torch.Tensor:
    return out.to(sample.dtype) if out.dtype != sample.dtype else out


_PDF_DOC = ("Densities of ``sample`` under {what}, one parameter set per leading index of "
            "``sample`` (the parameters' shape); ``is_log=True`` gives log-densities.")
_PDF_NOTE = "float16/32/64 only, all inputs one dtype; gradients w.r.t. sample and parameters"


@register("random_pdf_uniform", params={"is_log": _is_log}, family="random",
          torch="-log(high - low) / 1 / (high - low), broadcast to sample",
          notes="the sample's support is not checked; the sample's gradient is 0")
def random_pdf_uniform(sample: torch.Tensor, low: torch.Tensor, high: torch.Tensor,
                       is_log: bool = False) -> torch.Tensor:
    x, (lo, hi) = _pdf_inputs("random_pdf_uniform", sample, (low, high))
    width = hi - lo
    val = -torch.log(width) if is_log else 1.0 / width
    return _pdf_finish(sample, val.expand(x.shape) + _ZeroGrad.apply(x))


@register("random_pdf_normal", params={"is_log": _is_log}, family="random",
          torch="torch.distributions.Normal(mu, sigma).log_prob", notes=_PDF_NOTE)
def random_pdf_normal(sample: torch.Tensor, mu: torch.Tensor, sigma: torch.Tensor,
                      is_log: bool = False) -> torch.Tensor:
    x, (u, s) = _pdf_inputs("random_pdf_normal", sample, (mu, sigma))
    expo = -0.5 * (x - u) * (x - u) / (s * s)
    norm = float(np.sqrt(2 * np.pi)) * s
    return _pdf_finish(sample, expo - torch.log(norm) if is_log else torch.exp(expo) / norm)


@register("random_pdf_gamma", params={"is_log": _is_log}, family="random",
          torch="torch.distributions.Gamma(alpha, rate=beta).log_prob",
          notes="beta is the RATE here (the gamma samplers' beta is the scale)")
def random_pdf_gamma(sample: torch.Tensor, alpha: torch.Tensor, beta: torch.Tensor,
                     is_log: bool = False) -> torch.Tensor:
    x, (a, b) = _pdf_inputs("random_pdf_gamma", sample, (alpha, beta))
    lp = a * torch.log(b) + (a - 1) * torch.log(x) - b * x - _lgamma(a)
    return _pdf_finish(sample, lp if is_log else torch.exp(lp))


@register("random_pdf_exponential", params={"is_log": _is_log}, family="random",
          torch="torch.distributions.Exponential(lam).log_prob",
          notes="lam is the rate; " + _PDF_NOTE)
def random_pdf_exponential(sample: torch.Tensor, lam: torch.Tensor,
                           is_log: bool = False) -> torch.Tensor:
    x, (lm,) = _pdf_inputs("random_pdf_exponential", sample, (lam,))
    return _pdf_finish(sample, torch.log(lm) - lm * x if is_log else lm * torch.exp(-lm * x))


@register("random_pdf_poisson", params={"is_log": _is_log}, family="random",
          torch="torch.distributions.Poisson(lam).log_prob",
          notes="the sample's gradient is 0 (as in MXNet)")
def random_pdf_poisson(sample: torch.Tensor, lam: torch.Tensor,
                       is_log: bool = False) -> torch.Tensor:
    x, (lm,) = _pdf_inputs("random_pdf_poisson", sample, (lam,))
    xd = x.detach()
    lp = xd * torch.log(lm) - _lgamma(xd + 1) - lm
    return _pdf_finish(sample, (lp if is_log else torch.exp(lp)) + _ZeroGrad.apply(x))


@register("random_pdf_negative_binomial", params={"is_log": _is_log}, family="random",
          torch="torch.distributions.NegativeBinomial(k, probs=1 - p).log_prob",
          notes="p is the success probability; the sample's gradient is 0 (as in MXNet)")
def random_pdf_negative_binomial(sample: torch.Tensor, k: torch.Tensor, p: torch.Tensor,
                                 is_log: bool = False) -> torch.Tensor:
    x, (kk, pp) = _pdf_inputs("random_pdf_negative_binomial", sample, (k, p))
    lp = _nb_lpdf(x.detach(), kk, pp)
    return _pdf_finish(sample, (lp if is_log else torch.exp(lp)) + _ZeroGrad.apply(x))


@register("random_pdf_generalized_negative_binomial", params={"is_log": _is_log},
          family="random",
          torch="negative binomial log-density with k = 1 / alpha, p = 1 / (1 + mu * alpha)",
          notes="the sample's gradient is 0 (as in MXNet)")
def random_pdf_generalized_negative_binomial(sample: torch.Tensor, mu: torch.Tensor,
                                             alpha: torch.Tensor,
                                             is_log: bool = False) -> torch.Tensor:
    x, (m, a) = _pdf_inputs("random_pdf_generalized_negative_binomial", sample, (mu, alpha))
    lp = _nb_lpdf(x.detach(), 1.0 / a, 1.0 / (m * a + 1.0))
    return _pdf_finish(sample, (lp if is_log else torch.exp(lp)) + _ZeroGrad.apply(x))


@register("random_pdf_dirichlet", params={"is_log": _is_log}, family="random",
          torch="torch.distributions.Dirichlet(alpha).log_prob",
          notes="alpha has the sample's leading axes plus its last (vector) axis; output "
                "drops the last axis ((1,) for one vector sample)")
def random_pdf_dirichlet(sample: torch.Tensor, alpha: torch.Tensor,
                         is_log: bool = False) -> torch.Tensor:
    x, (a,) = _pdf_inputs("random_pdf_dirichlet", sample, (alpha,), vector=True)
    k = x.shape[-1]
    n_par = int(np.prod(a.shape[:-1])) if a.dim() > 1 else 1
    xs = x.reshape(n_par, -1, k)
    aa = a.reshape(n_par, 1, k)
    lp = ((aa - 1) * torch.log(xs)).sum(-1) + _lgamma(aa.sum(-1)) - _lgamma(aa).sum(-1)
    out = lp if is_log else torch.exp(lp)
    shape = tuple(x.shape[:-1]) if x.dim() > 1 else (1,)
    return _pdf_finish(sample, out.reshape(shape))


for _fn, _what in ((random_pdf_uniform, "U(low, high)"), (random_pdf_normal, "N(mu, sigma^2)"),
                   (random_pdf_gamma, "Gamma(alpha, rate beta)"),
                   (random_pdf_exponential, "Exponential(rate lam)"),
                   (random_pdf_poisson, "Poisson(lam)"),
                   (random_pdf_negative_binomial, "NB(k, success probability p)"),
                   (random_pdf_generalized_negative_binomial, "GNB(mu, alpha)"),
                   (random_pdf_dirichlet, "Dirichlet(alpha)")):
    _fn.__doc__ = _PDF_DOC.format(what=_what) + "\n\n" + (_fn.__doc__ or "")


# MXNet's mx.nd.random module also exposes the context helper it imports
@_pyfunc("current_context", ns="random", family="misc",
         torch_eq="mx.current_context() (a module attribute)")
def current_context() -> Any:
    """The current default context (``mx.current_context()``)."""
    return _current_context()
