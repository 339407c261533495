"""Optimizer update operators of ``mx.nd`` (``sgd_update``, ``adam_update``, ...).

As in MXNet 1.9.1, an update op returns the new weight (written into ``out=`` when given;
``out=weight`` is the usual in-place call) and updates its state arrays (``mom``, ``mean``,
``var``, ``weight32``, ...) in place. Without ``out=`` the weight itself is left untouched.
All arithmetic is done in the weight's dtype (the ``mp_*`` ops in float32 on ``weight32``).
``lazy_update`` only matters for row-sparse gradients, which mxcompat does not have.
"""
from __future__ import annotations

import functools
from typing import Any, Callable, Dict

import math
import threading

import torch

from .. import _dtypes
from ..base import MXNetTypeError, MXNetValueError
from ._op import Bool, Float, FloatTuple, Int, OptInt, Shape
from ._op import register as _register
from .ndarray import NDArray, _wrap

_FLOATS = (torch.float16, torch.float32, torch.float64, torch.bfloat16)


def _q(v: Any) -> Any:
    """MXNet's float parameters are C++ floats: round Python floats (and tuples of them) to
    float32 (matters for float64 weights, e.g. 1 - beta2 with beta2=0.999)."""
    if type(v) is float:
        return float(torch.tensor(v, dtype=torch.float32))
    if type(v) is tuple and v and all(type(x) is float for x in v):
        return tuple(_q(x) for x in v)
    return v


def _f32(impl: Callable) -> Callable:
    @functools.wraps(impl)
    def run(*args: Any, **kwargs: Any) -> Any:
        return impl(*[_q(a) for a in args], **{k: _q(v) for k, v in kwargs.items()})
    return run


def register(name: str, **kw: Any) -> Callable:
    """_op.register, with the op's float parameters rounded to float32 as in MXNet."""
    deco = _register(name, **kw)
    return lambda impl: deco(_f32(impl))


def _check(op: str, *ts: torch.Tensor) -> None:
    dt, shape = ts[0].dtype, ts[0].shape
    if dt not in _FLOATS:
        raise MXNetTypeError(f"{op}: This operation only support floating point types, not "
                             f"{_dtypes.name(dt)}")
    for i, t in enumerate(ts[1:], 1):
        if t.shape != shape:
            raise MXNetValueError(f"{op}: Shape inconsistent at {i}-th input: expected "
                                  f"{list(shape)}, got {list(t.shape)}")


def _same_dt(op: str, *ts: torch.Tensor) -> None:
    dt = ts[0].dtype
    for i, t in enumerate(ts[1:], 1):
        if t.dtype != dt:
            raise MXNetTypeError(f"{op}: Incompatible attr in node at {i}-th input: expected "
                                 f"{_dtypes.name(dt)}, got {_dtypes.name(t.dtype)}")


def _rescale(grad: torch.Tensor, rescale: float, clip: float) -> torch.Tensor:
    g = grad * rescale
    return g.clamp(-clip, clip) if clip >= 0 else g


def _set(state: torch.Tensor, value: torch.Tensor) -> None:
    """Update a state array in place (states are never part of an autograd graph)."""
    with torch.no_grad():
        state.copy_(value)


_COMMON = {"lr": Float, "wd": Float, "rescale_grad": Float, "clip_gradient": Float}
_FAM = "optimizer"


def _d(t: torch.Tensor) -> torch.Tensor:
    return t.detach()


@register("sgd_update", required=("lr",),
          params=dict(_COMMON, lazy_update=Bool), family=_FAM,
          torch="w * (1 - lr*wd) - lr * clip(rescale_grad * grad)")
def sgd_update(weight, grad, lr=None, wd=0.0, rescale_grad=1.0, clip_gradient=-1.0,
               lazy_update=True):
    op = "sgd_update"
    w, g = _d(weight), _d(grad)
    _check(op, w, g)
    _same_dt(op, w, g)
    return w * (1 - lr * wd) - lr * _rescale(g, rescale_grad, clip_gradient)


@register("sgd_mom_update", required=("lr",),
          aux=("mom",),
          params=dict(_COMMON, momentum=Float, lazy_update=Bool),
          family=_FAM, torch="mom = momentum*mom - lr*wd*w - lr*clip(rescale*grad); w += mom",
          notes="mom updated in place")
def sgd_mom_update(weight, grad, mom, lr=None, momentum=0.0, wd=0.0, rescale_grad=1.0,
                   clip_gradient=-1.0, lazy_update=True):
    op = "sgd_mom_update"
    w, g, m = _d(weight), _d(grad), mom
    _check(op, w, g, m)
    _same_dt(op, w, g, m)
    nm = momentum * m.detach() - (lr * wd) * w - lr * _rescale(g, rescale_grad, clip_gradient)
    _set(m, nm)
    return w + nm


def _nag_public(fn: Callable) -> Callable:
    def nag_mom_update(weight=None, grad=None, mom=None, *args: Any, **kwargs: Any) -> Any:
        out = kwargs.get("out")
        alias = isinstance(out, NDArray) and isinstance(weight, NDArray) and (
            out is weight or (out._t.data_ptr() == weight._t.data_ptr()
                              and out._t.shape == weight._t.shape))
        if not alias:
            return fn(weight, grad, mom, *args, **kwargs)
        _NAG_ALIAS.on = True
        try:
            return fn(weight, grad, mom, *args, **kwargs)
        finally:
            _NAG_ALIAS.on = False
    return nag_mom_update


@register("nag_mom_update", wrap=_nag_public, required=("lr",),
          aux=("mom",),
          params=dict(_COMMON, momentum=Float), family=_FAM,
          torch="g = clip(rescale*grad) + wd*w; mom = momentum*mom - lr*g; "
                "w += momentum*mom - lr*g", notes="mom updated in place")
def nag_mom_update(weight, grad, mom, lr=None, momentum=0.0, wd=0.0, rescale_grad=1.0,
                   clip_gradient=-1.0):
    op = "nag_mom_update"
    w, g = _d(weight), _d(grad)
    _check(op, w, g, mom)
    _same_dt(op, w, g, mom)
    gr = _rescale(g, rescale_grad, clip_gradient)
    gg = gr + wd * w
    m0 = mom.detach()
    nm = momentum * m0 - lr * gg
    nw = w + momentum * nm - lr * gg
    if _NAG_ALIAS.on:
        # MXNet 1.9.1 writes the weight first and then computes mom from the weight array;
        # with out=weight the state therefore sees the updated weight
        nm = momentum * m0 - lr * (gr + wd * nw)
    _set(mom, nm)
    return nw


class _Alias(threading.local):
    on = False


_NAG_ALIAS = _Alias()


def _mp_nag(weight, grad, mom, weight32, lr, momentum, wd, rescale_grad, clip_gradient):
    w32 = weight32.detach()
    g = _d(grad).to(w32.dtype)
    gr = _rescale(g, rescale_grad, clip_gradient)
    gg = gr + wd * w32
    m0 = mom.detach()
    nw = w32 + momentum * (momentum * m0 - lr * gg) - lr * gg
    _set(weight32, nw)
    # as MXNet: mom is computed after weight32 was updated in place, from the new weight32
    _set(mom, momentum * m0 - lr * (gr + wd * nw))
    return nw.to(weight.dtype)




@register("mp_nag_mom_update", required=("lr",),
          aux=("mom", "weight32"),
          params=dict(_COMMON, momentum=Float), family=_FAM,
          torch="nag_mom_update on the float32 master copy weight32",
          notes="mom and weight32 updated in place")
def mp_nag_mom_update(weight, grad, mom, weight32, lr=None, momentum=0.0, wd=0.0,
                      rescale_grad=1.0, clip_gradient=-1.0):
    _check("mp_nag_mom_update", weight, grad, mom, weight32)
    return _mp_nag(weight, grad, mom, weight32, lr, momentum, wd, rescale_grad, clip_gradient)


@register("adam_update", required=("lr",),
          aux=("mean", "var"),
          params=dict(_COMMON, beta1=Float, beta2=Float, epsilon=Float,
                                     lazy_update=Bool),
          family=_FAM, torch="g = clip(rescale*grad + wd*w); mean, var EMAs; "
                             "w -= lr * mean / (sqrt(var) + epsilon)",
          notes="no bias correction (the Python optimizer folds it into lr); mean/var in place")
def adam_update(weight, grad, mean, var, lr=None, beta1=0.9, beta2=0.999, epsilon=1e-8,
                wd=0.0, rescale_grad=1.0, clip_gradient=-1.0, lazy_update=True):
    op = "adam_update"
    w, g = _d(weight), _d(grad)
    _check(op, w, g, mean, var)
    _same_dt(op, w, g, mean, var)
    gg = g * rescale_grad + wd * w
    if clip_gradient >= 0:
        gg = gg.clamp(-clip_gradient, clip_gradient)
    m = beta1 * mean.detach() + (1 - beta1) * gg
    v = beta2 * var.detach() + (1 - beta2) * gg * gg
    _set(mean, m)
    _set(var, v)
    return w - lr * m / (torch.sqrt(v) + epsilon)


def _clip_w(w: torch.Tensor, c: float) -> torch.Tensor:
    return w.clamp(-c, c) if c >= 0 else w


def _rms_grad(g: torch.Tensor, w: torch.Tensor, rescale: float, wd: float,
              clip: float) -> torch.Tensor:
    gg = g * rescale + wd * w
    return gg.clamp(-clip, clip) if clip >= 0 else gg


@register("rmsprop_update", required=("lr",),
          aux=("n",),
          params=dict(_COMMON, gamma1=Float, epsilon=Float,
                                        clip_weights=Float),
          family=_FAM, torch="n = gamma1*n + (1-gamma1)*g^2; w -= lr*g/sqrt(n + epsilon)",
          notes="n updated in place")
def rmsprop_update(weight, grad, n, lr=None, gamma1=0.95, epsilon=1e-8, wd=0.0,
                   rescale_grad=1.0, clip_gradient=-1.0, clip_weights=-1.0):
    op = "rmsprop_update"
    w, g = _d(weight), _d(grad)
    _check(op, w, g, n)
    _same_dt(op, w, g, n)
    gg = _rms_grad(g, w, rescale_grad, wd, clip_gradient)
    nn_ = (1 - gamma1) * gg * gg + gamma1 * n.detach()
    _set(n, nn_)
    return _clip_w(w - lr * gg / torch.sqrt(nn_ + epsilon), clip_weights)


@register("rmspropalex_update", required=("lr",),
          aux=("n", "g", "delta"),
          params=dict(_COMMON, gamma1=Float, gamma2=Float,
                                            epsilon=Float, clip_weights=Float),
          family=_FAM, torch="centered RMSProp (Graves 2013)",
          notes="n, g, delta updated in place")
def rmspropalex_update(weight, grad, n, g, delta, lr=None, gamma1=0.95, gamma2=0.9,
                       epsilon=1e-8, wd=0.0, rescale_grad=1.0, clip_gradient=-1.0,
                       clip_weights=-1.0):
    op = "rmspropalex_update"
    w, gr = _d(weight), _d(grad)
    _check(op, w, gr, n, g, delta)
    _same_dt(op, w, gr, n, g, delta)
    gg = _rms_grad(gr, w, rescale_grad, wd, clip_gradient)
    nn_ = (1 - gamma1) * gg * gg + gamma1 * n.detach()
    ng = (1 - gamma1) * gg + gamma1 * g.detach()
    nd_ = gamma2 * delta.detach() - lr * gg / torch.sqrt(nn_ - ng * ng + epsilon)
    _set(n, nn_)
    _set(g, ng)
    _set(delta, nd_)
    return _clip_w(w + nd_, clip_weights)


@register("ftrl_update", required=("lr",),
          aux=("z", "n"),
          params=dict(_COMMON, lamda1=Float, beta=Float), family=_FAM,
          torch="FTRL-Proximal (McMahan et al. 2013)", notes="z and n updated in place")
def ftrl_update(weight, grad, z, n, lr=None, lamda1=0.01, beta=1.0, wd=0.0, rescale_grad=1.0,
                clip_gradient=-1.0):
    op = "ftrl_update"
    w, g = _d(weight), _d(grad)
    _check(op, w, g, z, n)
    _same_dt(op, w, g, z, n)
    gg = _rescale(g, rescale_grad, clip_gradient)
    n0 = n.detach()
    nz = z.detach() + gg - (torch.sqrt(n0 + gg * gg) - torch.sqrt(n0)) * w / lr
    nn_ = n0 + gg * gg
    _set(z, nz)
    _set(n, nn_)
    nw = (torch.sign(nz) * lamda1 - nz) / ((beta + torch.sqrt(nn_)) / lr + wd)
    return torch.where(nz.abs() > lamda1, nw, torch.zeros_like(nw))


@register("ftml_update", required=("lr", "t"),
          aux=("d", "v", "z"),
          params={"lr": Float, "beta1": Float, "beta2": Float,
                                 "epsilon": Float, "t": Int, "wd": Float,
                                 "rescale_grad": Float, "clip_grad": Float},
          family=_FAM, torch="FTML (Zheng & Kwok 2017)", notes="d, v, z updated in place")
def ftml_update(weight, grad, d, v, z, lr=None, beta1=0.6, beta2=0.999, epsilon=1e-8,
                t=None, wd=0.0, rescale_grad=1.0, clip_grad=-1.0):
    op = "ftml_update"
    w, g = _d(weight), _d(grad)
    _check(op, w, g, d, v, z)
    _same_dt(op, w, g, d, v, z)
    # MXNet casts every parameter to the weight dtype and computes in it (float16 too)
    c = {k: torch.tensor(x, dtype=torch.float32).to(w.dtype) for k, x in
         (("lr", lr), ("b1", beta1), ("b2", beta2), ("eps", epsilon), ("t", float(t)),
          ("wd", wd), ("rs", rescale_grad))}
    gg = g * c["rs"] + c["wd"] * w
    if clip_grad >= 0:
        gg = gg.clamp(-clip_grad, clip_grad)
    one = torch.ones((), dtype=w.dtype)
    nv = c["b2"] * v.detach() + (one - c["b2"]) * gg * gg
    dt = (one - torch.pow(c["b1"], c["t"])) / c["lr"] * (
        torch.sqrt(nv / (one - torch.pow(c["b2"], c["t"]))) + c["eps"])
    nz = c["b1"] * z.detach() + (one - c["b1"]) * gg - (dt - c["b1"] * d.detach()) * w
    _set(v, nv)
    _set(z, nz)
    _set(d, dt)
    return -nz / dt


@register("signsgd_update", required=("lr",),
          params=dict(_COMMON), family=_FAM,
          torch="w * (1 - lr*wd) - lr * sign(grad)")
def signsgd_update(weight, grad, lr=None, wd=0.0, rescale_grad=1.0, clip_gradient=-1.0):
    op = "signsgd_update"
    w, g = _d(weight), _d(grad)
    _check(op, w, g)
    _same_dt(op, w, g)
    return w * (1 - lr * wd) - lr * torch.sign(_rescale(g, rescale_grad, clip_gradient))


@register("signum_update", required=("lr",),
          aux=("mom",),
          params=dict(_COMMON, momentum=Float, wd_lh=Float), family=_FAM,
          torch="mom = momentum*mom - (1-momentum)*(clip(rescale*grad) + wd*w); "
                "w = w*(1 - lr*wd_lh) + lr*sign(mom)", notes="mom updated in place")
def signum_update(weight, grad, mom, lr=None, momentum=0.0, wd=0.0, rescale_grad=1.0,
                  clip_gradient=-1.0, wd_lh=0.0):
    op = "signum_update"
    w, g = _d(weight), _d(grad)
    _check(op, w, g, mom)
    _same_dt(op, w, g, mom)
    nm = (momentum * mom.detach() - (1 - momentum) * wd * w
          - (1 - momentum) * _rescale(g, rescale_grad, clip_gradient))
    _set(mom, nm)
    return w * (1 - lr * wd_lh) + lr * torch.sign(nm)


def _lamb1(op, weight, grad, mean, var, beta1, beta2, epsilon, t, bias_correction, wd,
           rescale_grad, clip_gradient):
    w, g = weight, _d(grad).to(weight.dtype)
    gg = _rescale(g, rescale_grad, clip_gradient)
    m = beta1 * mean.detach() + (1 - beta1) * gg
    v = beta2 * var.detach() + (1 - beta2) * gg * gg
    _set(mean, m)
    _set(var, v)
    if bias_correction:
        m = m / (1 - beta1 ** t)
        v = v / (1 - beta2 ** t)
    return m / (torch.sqrt(v) + epsilon) + wd * w


_LAMB1 = {"beta1": Float, "beta2": Float, "epsilon": Float, "t": Int,
          "bias_correction": Bool, "wd": Float, "rescale_grad": Float, "clip_gradient": Float}


@register("lamb_update_phase1", required=("t", "wd"),
          aux=("mean", "var"),
          params=_LAMB1, family=_FAM,
          torch="Adam-style direction + wd*w (LAMB phase 1)",
          notes="returns the update direction g; mean/var updated in place")
def lamb_update_phase1(weight, grad, mean, var, beta1=0.9, beta2=0.999, epsilon=1e-6, t=None,
                       bias_correction=True, wd=None, rescale_grad=1.0, clip_gradient=-1.0):
    op = "lamb_update_phase1"
    _check(op, weight, grad, mean, var)
    _same_dt(op, weight, grad, mean, var)
    return _lamb1(op, _d(weight), grad, mean, var, beta1, beta2, epsilon, t, bias_correction,
                  wd, rescale_grad, clip_gradient)


@register("mp_lamb_update_phase1", required=("t", "wd"),
          aux=("mean", "var"),
          params=_LAMB1, family=_FAM,
          torch="lamb_update_phase1 on the float32 master copy weight32",
          notes="returns float32 g; mean/var updated in place")
def mp_lamb_update_phase1(weight, grad, mean, var, weight32, beta1=0.9, beta2=0.999,
                          epsilon=1e-6, t=None, bias_correction=True, wd=None,
                          rescale_grad=1.0, clip_gradient=-1.0):
    op = "mp_lamb_update_phase1"
    _check(op, weight, grad, mean, var, weight32)
    for what, x, dt in (("weight", weight, torch.float16), ("grad", grad, torch.float16),
                        ("mean", mean, torch.float32), ("var", var, torch.float32),
                        ("weight32", weight32, torch.float32)):
        if x.dtype != dt:
            raise MXNetTypeError(f"{op}: Type inconsistent for {what}, Provided = "
                                 f"{_dtypes.name(x.dtype)}, inferred type = {_dtypes.name(dt)}")
    return _lamb1(op, _d(weight32), grad, mean, var, beta1, beta2, epsilon, t,
                  bias_correction, wd, rescale_grad, clip_gradient)


def _lamb2(weight, g, r1, r2, lr, lower_bound, upper_bound):
    r1 = r1.detach()
    if lower_bound >= 0:
        r1 = r1.clamp(min=lower_bound)
    if upper_bound >= 0:
        r1 = r1.clamp(max=upper_bound)
    r2 = r2.detach()
    ratio = torch.where((r1 == 0) | (r2 == 0), torch.ones_like(r1), r1 / r2)
    return weight - lr * ratio * g.detach()


@register("lamb_update_phase2", required=("lr",),
          params={"lr": Float, "lower_bound": Float,
                                        "upper_bound": Float},
          family=_FAM, torch="w -= lr * (r1/r2 or 1) * g (LAMB phase 2)")
def lamb_update_phase2(weight, g, r1, r2, lr=None, lower_bound=-1.0, upper_bound=-1.0):
    op = "lamb_update_phase2"
    _check(op, weight, g)
    return _lamb2(_d(weight), g, r1, r2, lr, lower_bound, upper_bound)


@register("mp_lamb_update_phase2", required=("lr",),
          aux=("weight32",),
          params={"lr": Float, "lower_bound": Float,
                                           "upper_bound": Float},
          family=_FAM, torch="lamb_update_phase2 on weight32",
          notes="returns (weight32 - lr*ratio*g) cast to the weight dtype; as in MXNet 1.9.1, "
                "weight32 itself is not updated")
def mp_lamb_update_phase2(weight, g, r1, r2, weight32, lr=None, lower_bound=-1.0,
                          upper_bound=-1.0):
    op = "mp_lamb_update_phase2"
    _check(op, weight, g, weight32)
    nw = _lamb2(weight32.detach(), g.to(weight32.dtype), r1, r2, lr, lower_bound, upper_bound)
    return nw.to(weight.dtype)


def _mp_sgd(weight, grad, mom, weight32, lr, momentum, wd, rescale_grad, clip_gradient):
    w32 = weight32.detach()
    g = _d(grad).to(w32.dtype)
    step = lr * _rescale(g, rescale_grad, clip_gradient)
    if mom is None:
        nw = w32 * (1 - lr * wd) - step
    else:
        nm = momentum * mom.detach() - (lr * wd) * w32 - step
        _set(mom, nm)
        nw = w32 + nm
    _set(weight32, nw)
    return nw.to(weight.dtype)


@register("mp_sgd_update", required=("lr",),
          aux=("weight32",),
          params=dict(_COMMON, lazy_update=Bool), family=_FAM,
          torch="sgd_update on the float32 master copy weight32",
          notes="weight32 updated in place; returns weight32 cast to weight's dtype")
def mp_sgd_update(weight, grad, weight32, lr=None, wd=0.0, rescale_grad=1.0,
                  clip_gradient=-1.0, lazy_update=True):
    op = "mp_sgd_update"
    _check(op, weight, grad, weight32)
    return _mp_sgd(weight, grad, None, weight32, lr, 0.0, wd, rescale_grad, clip_gradient)


@register("mp_sgd_mom_update", required=("lr",),
          aux=("mom", "weight32"),
          params=dict(_COMMON, momentum=Float, lazy_update=Bool),
          family=_FAM, torch="sgd_mom_update on the float32 master copy weight32",
          notes="mom and weight32 updated in place")
def mp_sgd_mom_update(weight, grad, mom, weight32, lr=None, momentum=0.0, wd=0.0,
                      rescale_grad=1.0, clip_gradient=-1.0, lazy_update=True):
    op = "mp_sgd_mom_update"
    _check(op, weight, grad, mom, weight32)
    return _mp_sgd(weight, grad, mom, weight32, lr, momentum, wd, rescale_grad, clip_gradient)


def _positional(data: tuple) -> bool:
    """Whether the op wrapper passed the parameters positionally after the variadic inputs
    (older _op.py) rather than by keyword: inputs are tensors, parameters never are."""
    return bool(data) and not isinstance(data[-1], torch.Tensor)


def _bare_single(fn: Callable) -> Callable:
    """The public multi-tensor op: the impl returns a list; as MXNet, ``out=`` a list gives a
    list and ``out=`` one array gives that array; without ``out=`` (an mxcompat extension) a
    single weight gives a bare array."""
    def public(*data: Any, **kwargs: Any) -> Any:
        r = fn(*data, **kwargs)
        if kwargs.get("out") is None and isinstance(r, list) and len(r) == 1:
            return r[0]
        return r
    return public


# ---- multi-tensor variants: data = [w0, g0, (mom0), (w32_0), w1, g1, ...] -----------------
def _multi_schema(per: int, has_mom: bool, mp: bool, preloaded: bool) -> Dict[str, Any]:
    """The register() schema arguments of a multi-tensor update: MXNet names its inputs
    weight_0, grad_0, (mom_0,) (weight32_0,), weight_1, ... (then lrs, wds when preloaded);
    mom_i and weight32_i are auxiliary states; one output per weight."""
    kinds = ["weight", "grad"] + (["mom"] if has_mom else []) + (["weight32"] if mp else [])

    def names(p: Dict[str, Any]) -> tuple:
        ns = tuple(f"{k}_{i}" for i in range(p["num_weights"]) for k in kinds)
        return ns + (("lrs", "wds") if preloaded else ())

    def aux(p: Dict[str, Any]) -> tuple:
        return tuple(f"{k}_{i}" for i in range(p["num_weights"]) for k in kinds[2:])

    def outputs(p: Dict[str, Any]) -> tuple:
        n = p["num_weights"]
        return ("output",) if n == 1 else tuple(f"output{i}" for i in range(n))
    return {"input_names": names, "aux": aux, "outputs": outputs}


def _multi(name: str, per: int, has_mom: bool, mp: bool) -> Callable:
    params = {"lrs": FloatTuple, "wds": FloatTuple, "rescale_grad": Float,
              "clip_gradient": Float, "num_weights": Int}
    if has_mom:
        params["momentum"] = Float

    def impl(*data, lrs=None, wds=None, momentum=0.0, rescale_grad=1.0, clip_gradient=-1.0,
             num_weights=1):
        if has_mom and _positional(data):
            *data, lrs, wds, momentum, rescale_grad, clip_gradient, num_weights = data
        if lrs is None or wds is None:
            raise MXNetValueError(f"{name}: Required parameter "
                                  f"{'lrs' if lrs is None else 'wds'} of tuple of <float> "
                                  "is not presented")
        if len(data) != per * num_weights:
            raise MXNetValueError(f"{name}: expects {per * num_weights} inputs ({per} per "
                                  f"weight, num_weights={num_weights}), got {len(data)}")
        if len(lrs) != num_weights or len(wds) != num_weights:
            raise MXNetValueError(f"{name}: lrs and wds need num_weights={num_weights} "
                                  f"values, got {len(lrs)} and {len(wds)}")
        outs = []
        for i in range(num_weights):
            grp = data[i * per:(i + 1) * per]
            w, g = grp[0], grp[1]
            mom = grp[2] if has_mom else None
            _check(name, *grp)
            if mp and w.dtype != torch.float32:
                outs.append(_mp_sgd(w, g, mom, grp[-1], lrs[i], momentum, wds[i],
                                    rescale_grad, clip_gradient))
            elif mp:
                # MXNet's multi-tensor kernel ignores weight32 for float32 weights
                _same_dt(name, w, g, *grp[2:])
                outs.append(_mp_sgd(w, g, mom, w.detach().clone(), lrs[i], momentum, wds[i],
                                    rescale_grad, clip_gradient))
            elif has_mom:
                outs.append(sgd_mom_update._mx_impl(w, g, mom, lrs[i], momentum, wds[i],
                                                    rescale_grad, clip_gradient))
            else:
                outs.append(sgd_update._mx_impl(w, g, lrs[i], wds[i], rescale_grad,
                                                clip_gradient))
        return outs
    if not has_mom:
        def impl_nm(*data, lrs=None, wds=None, rescale_grad=1.0, clip_gradient=-1.0,
                    num_weights=1):
            if _positional(data):
                *data, lrs, wds, rescale_grad, clip_gradient, num_weights = data
            return impl(*data, lrs=lrs, wds=wds, rescale_grad=rescale_grad,
                        clip_gradient=clip_gradient, num_weights=num_weights)
        fn = impl_nm
        params.pop("momentum", None)
    else:
        fn = impl
    fn.__name__ = name
    return register(name, params=params, family=_FAM, wrap=_bare_single,
                    **_multi_schema(per, has_mom, mp, False),
                    torch=f"a loop of {'mp_' if mp else ''}sgd{'_mom' if has_mom else ''}"
                          "_update",
                    notes="returns a list of num_weights arrays (one bare array when "
                          "num_weights=1); MXNet requires out=, mxcompat also allows "
                          "omitting it")(fn)


multi_sgd_update = _multi("multi_sgd_update", 2, False, False)
multi_sgd_mom_update = _multi("multi_sgd_mom_update", 3, True, False)
multi_mp_sgd_update = _multi("multi_mp_sgd_update", 3, False, True)
multi_mp_sgd_mom_update = _multi("multi_mp_sgd_mom_update", 4, True, True)


# ---- finiteness, sums of squares, resets --------------------------------------------------
def _finite(op: str, ts: Any) -> torch.Tensor:
    ok = True
    for t in ts:
        if t.dtype not in _FLOATS:
            raise MXNetTypeError(f"{op}: This operation only support floating point types, "
                                 f"not {_dtypes.name(t.dtype)}")
        ok = ok and bool(torch.isfinite(t.detach()).all())
    return torch.tensor([1.0 if ok else 0.0], dtype=torch.float32, device=ts[0].device)


def _with_init_output(fn: Callable) -> Callable:
    """init_output=False keeps out='s value unless a value is not finite (MXNet ANDs the
    result into the existing output)."""
    def public(*args: Any, **kwargs: Any) -> Any:
        init = kwargs.get("init_output", True)
        out = kwargs.get("out")
        if out is not None and not Bool(init, fn.__name__, "init_output"):
            kwargs.pop("out")
            r = fn(*args, **kwargs)
            if float(r._t[0]) == 0.0:
                out._assign(torch.zeros_like(out._t))
            return out
        return fn(*args, **kwargs)
    return public


@register("all_finite", wrap=_with_init_output, params={"init_output": Bool}, family=_FAM,
          torch="torch.isfinite(x).all() as float32 (1,)",
          notes="init_output=False with out=: out is only set to 0 when a value is not finite")
def _all_finite(data, init_output=True):
    return _finite("all_finite", [data])


@register("multi_all_finite", wrap=_with_init_output,
          input_names=lambda p: tuple(f"array_{i}" for i in range(p["num_arrays"])),
          params={"num_arrays": Int, "init_output": Bool}, family=_FAM,
          torch="torch.isfinite over all inputs, float32 (1,)")
def _multi_all_finite(*data, num_arrays=1, init_output=True):
    if _positional(data):
        *data, num_arrays, init_output = data
    if len(data) != num_arrays:
        raise MXNetValueError(f"multi_all_finite: expects num_arrays={num_arrays} inputs, got "
                              f"{len(data)}")
    return _finite("multi_all_finite", data)


all_finite = _all_finite
multi_all_finite = _multi_all_finite


@register("multi_sum_sq", input_names=lambda p: tuple(f"array_{i}" for i in range(p["num_arrays"])),
          required=("num_arrays",), types={"num_arrays": "int"},
          params={"num_arrays": OptInt}, family=_FAM,
          torch="torch.stack([(x.float()**2).sum() for x in data])",
          notes="float32 result of shape (num_arrays,)")
def multi_sum_sq(*data, num_arrays=None):
    if _positional(data):
        *data, num_arrays = data
    op = "multi_sum_sq"
    for i, t in enumerate(data):
        if t.dtype != data[0].dtype:
            raise MXNetTypeError(f"{op}: This layer requires uniform type. Expected "
                                 f"'{_dtypes.name(data[0].dtype)}' v.s. given "
                                 f"'{_dtypes.name(t.dtype)}' at 'array_{i}'")
    if len(data) != num_arrays:
        raise MXNetValueError(f"{op}: expects num_arrays={num_arrays} inputs, got {len(data)}")
    vals = [(t.detach().to(torch.float32) ** 2).sum() for t in data]
    return torch.stack(vals)


@register("reset_arrays", ndarray=True, params={"num_arrays": Int}, family=_FAM, outputs=(),
          input_names=lambda p: tuple(f"array_{i}" for i in range(p["num_arrays"])),
          torch="tensor.zero_() on each input", notes="in place; returns []")
def reset_arrays(*data: Any, num_arrays: int, out: Any = None) -> list:
    """Set every input array to zero in place; returns [] as MXNet does."""
    op = "reset_arrays"
    if len(data) != num_arrays:
        raise MXNetValueError(f"{op}: expects num_arrays={num_arrays} inputs, got {len(data)}")
    for a in data:
        if not isinstance(a, NDArray):
            raise MXNetTypeError(f"{op}: inputs must be NDArrays, got {type(a).__name__}")
    for a in data:
        _floating(op, a._t, "data")
    for a in data:
        a._assign(torch.zeros_like(a._t))
    return []


# ==========================================================================================
# AdamW, multi-tensor AdamW/LAMB, preloaded multi-SGD, LARS, group AdaGrad
# ==========================================================================================
def _tensor(op: str, x: Any, what: str) -> torch.Tensor:
    if not isinstance(x, NDArray):
        raise MXNetTypeError(f"{op}: {what} must be an NDArray, got {type(x).__name__}")
    return x._t


def _floating(op: str, t: torch.Tensor, what: str) -> None:
    if t.dtype not in _FLOATS:
        raise MXNetTypeError(f"{op}: This operation only support floating point types, not "
                             f"{_dtypes.name(t.dtype)} ({what})")


def _want_dt(op: str, t: torch.Tensor, dt: torch.dtype, what: str) -> None:
    if t.dtype != dt:
        raise MXNetTypeError(f"{op}: Type inconsistent for {what}: expected "
                             f"{_dtypes.name(dt)}, got {_dtypes.name(t.dtype)}")


def _want_shape(op: str, t: torch.Tensor, shape: Any, what: str) -> None:
    if tuple(t.shape) != tuple(shape):
        raise MXNetValueError(f"{op}: Shape inconsistent for {what}: expected "
                              f"{list(shape)}, got {list(t.shape)}")


def _params(op: str, kwargs: dict, spec: dict) -> dict:
    """Parse keyword parameters: spec = {name: (converter, default)}; default _REQ means
    required. Unknown names are errors, as in MXNet."""
    out = {}
    for k in kwargs:
        if k not in spec:
            raise MXNetValueError(f"{op}: Cannot find argument '{k}', Possible Arguments: "
                                  + ", ".join(spec))
    for k, (conv, default) in spec.items():
        v = kwargs.get(k, default)
        if v is _REQ:
            raise MXNetValueError(f"{op}: Required parameter {k} is not presented")
        out[k] = v if v is None else _q(conv(v, op, k))
    return out


_REQ = object()


def _scale_of(op: str, rescale_grad: Any, dt: torch.dtype) -> float:
    """The value of AdamW's rescale_grad: a number, or an NDArray (its first element) of dtype
    ``dt`` (MXNet turns a number into a float32 (1,) array)."""
    if isinstance(rescale_grad, NDArray):
        t = rescale_grad._t
        if t.dtype != dt:
            raise MXNetTypeError(f"{op}: Type inconsistent, Provided = {_dtypes.name(t.dtype)}, "
                                 f"inferred type = {_dtypes.name(dt)} (rescale_grad)")
        if t.numel() == 0:
            raise MXNetValueError(f"{op}: rescale_grad is empty")
        return float(t.reshape(-1)[0])
    if dt != torch.float32:
        raise MXNetTypeError(f"{op}: Incompatible attr in node: expected {_dtypes.name(dt)}, "
                             "got float32 (a numeric rescale_grad becomes a float32 array; "
                             "pass an NDArray of the weights' dtype)")
    return float(torch.tensor(Float(rescale_grad, op, "rescale_grad"), dtype=torch.float32))


def _skip(scale: float) -> bool:
    return not math.isfinite(scale) or scale == 0.0


def _clip(g: torch.Tensor, clip: float) -> torch.Tensor:
    return g.clamp(-clip, clip) if clip >= 0 else g


def _out_result(op: str, results: list, out: Any, ctx: Any, bare_single: bool) -> Any:
    """Wrap/write the results of a multi-output update as MXNet returns them."""
    from ._op import finish
    if out is None:
        outs = [_wrap(r, ctx) for r in results]
        return outs[0] if bare_single and len(outs) == 1 else outs
    if isinstance(out, NDArray) and len(results) == 1:
        return finish(results[0], ctx, out, op)
    return finish(results, ctx, out, op)


_ADAMW = {"lr": (Float, _REQ), "eta": (Float, _REQ), "beta1": (Float, 0.9),
          "beta2": (Float, 0.999), "epsilon": (Float, 1e-8), "wd": (Float, 0.0),
          "clip_gradient": (Float, -1.0)}


def _adamw_core(w, g, mean, var, scale, lr, eta, beta1, beta2, epsilon, wd, clip,
                master: bool) -> torch.Tensor:
    """One AdamW step; mean/var (and the master weight) are updated in place; returns the new
    weight in the computation dtype."""
    gg = _clip(g * scale, clip)
    m = beta1 * mean + (1 - beta1) * gg
    v = beta2 * var + (1 - beta2) * gg * gg
    _set(mean, m)
    _set(var, v)
    return w - eta * (lr * m / (torch.sqrt(v) + epsilon) + wd * w)


def _adamw(op: str, mp: bool, weight, grad, mean, var, weight32, rescale_grad, out, kwargs):
    p = _params(op, kwargs, _ADAMW)
    tw, tg = _tensor(op, weight, "weight"), _tensor(op, grad, "grad")
    tm, tv = _tensor(op, mean, "mean"), _tensor(op, var, "var")
    states = [("mean", tm), ("var", tv)]
    if mp:
        states.append(("weight32", _tensor(op, weight32, "weight32")))
    _floating(op, tw, "weight")
    _want_dt(op, tg, tw.dtype, "grad")
    for what, t in states:
        _want_dt(op, t, torch.float32 if mp else tw.dtype, what)
    for what, t in [("grad", tg)] + states:
        _want_shape(op, t, tw.shape, what)
    scale = _scale_of(op, rescale_grad, torch.float32)
    ctx = weight._ctx
    if _skip(scale):
        # MXNet skips the whole update (no state changes); the output is not written
        if out is not None:
            return out
        return _wrap(tw.detach().clone(), ctx)
    with torch.no_grad():
        if mp:
            t32 = states[2][1]
            nw = _adamw_core(t32, tg.to(torch.float32), tm, tv, scale, p["lr"], p["eta"],
                             p["beta1"], p["beta2"], p["epsilon"], p["wd"],
                             p["clip_gradient"], True)
            _set(t32, nw)
            nw = nw.to(tw.dtype)
        else:
            # as MXNet 1.9.1: grad is overwritten with clip(rescale_grad * grad)
            _set(tg, _clip(tg.detach() * scale, p["clip_gradient"]))
            nw = _adamw_core(tw.detach(), tg.detach(), tm, tv, 1.0, p["lr"], p["eta"],
                             p["beta1"], p["beta2"], p["epsilon"], p["wd"],
                             p["clip_gradient"], False)
    return _out_result(op, [nw], out, ctx, True)


def adamw_update(weight, grad, mean, var, rescale_grad, lr, eta, beta1=0.9,
                 beta2=0.999, epsilon=1e-8, wd=0, clip_gradient=-1, out=None, name=None,
                 **kwargs):
    """AdamW step: ``w -= eta * (lr * m / (sqrt(v) + epsilon) + wd * w)``; mean and var are
    updated in place. ``rescale_grad`` (a number or a float32 NDArray) NaN, Inf or 0 skips
    the update."""
    kw = dict(kwargs, lr=lr, eta=eta, beta1=beta1, beta2=beta2, epsilon=epsilon, wd=wd,
              clip_gradient=clip_gradient)
    kw = {k: v for k, v in kw.items() if v is not None}
    return _adamw("adamw_update", False, weight, grad, mean, var, None, rescale_grad, out, kw)


def mp_adamw_update(weight, grad, mean, var, weight32, rescale_grad, lr, eta,
                    beta1=0.9, beta2=0.999, epsilon=1e-8, wd=0, clip_gradient=-1, out=None,
                    name=None, **kwargs):
    """AdamW on the float32 master copy ``weight32`` (updated in place with mean/var); returns
    it cast to the weight's dtype."""
    kw = dict(kwargs, lr=lr, eta=eta, beta1=beta1, beta2=beta2, epsilon=epsilon, wd=wd,
              clip_gradient=clip_gradient)
    kw = {k: v for k, v in kw.items() if v is not None}
    return _adamw("mp_adamw_update", True, weight, grad, mean, var, weight32, rescale_grad,
                  out, kw)


def _groups(op: str, per: int, lists: list, size: int) -> list:
    names = ("weights", "grads", "mean", "var", "weights32")[:per]
    for nm, lst in zip(names, lists):
        if not isinstance(lst, (list, tuple)):
            raise MXNetTypeError(f"{op}: {nm} must be a list of NDArrays, got "
                                 f"{type(lst).__name__}")
    n = min(len(x) for x in lists)
    if size != n:
        raise MXNetValueError(f"{op}: expects {per * size} array inputs ({per} per weight, "
                              f"{size} weights), got {per * n}")
    if size < 1:
        raise MXNetValueError(f"{op}: needs at least one weight")
    return [[_tensor(op, lists[j][i], f"{names[j]}[{i}]") for j in range(per)]
            for i in range(size)]


def _floats(op: str, v: Any, what: str, n: int) -> tuple:
    t = _q(FloatTuple(v, op, what))
    if len(t) != n:
        raise MXNetValueError(f"{op}: Number of {what} is inconsistent with the number of "
                              f"weights: expected {n}, got {len(t)}")
    return t


def _multi_adamw(op, mp, lists, rescale_grad, lrs, wds, etas, out, size, kwargs):
    p = _params(op, kwargs, {k: _ADAMW[k] for k in ("beta1", "beta2", "epsilon",
                                                     "clip_gradient")})
    per = 5 if mp else 4
    n = size or len(lists[0])
    grp = _groups(op, per, lists, n)
    lrs, wds, etas = (_floats(op, lrs, "lrs", n), _floats(op, wds, "wds", n),
                      _floats(op, etas, "etas", n))
    dt = grp[0][0].dtype
    _floating(op, grp[0][0], "weights[0]")
    for i, ts in enumerate(grp):
        for j, t in enumerate(ts):
            if mp and j >= 2:
                _want_dt(op, t, torch.float32, f"input {i * per + j}")
            elif mp:
                _want_dt(op, t, ts[0].dtype, f"input {i * per + j}")
            else:
                _want_dt(op, t, dt, f"input {i * per + j}")
            _want_shape(op, t, ts[0].shape, f"input {i * per + j}")
    scale = _scale_of(op, rescale_grad, torch.float32 if mp else dt)
    ctx = lists[0][0]._ctx
    if _skip(scale):
        if out is not None:
            return out
        return _out_result(op, [ts[0].detach().clone() for ts in grp], None, ctx, True)
    res = []
    with torch.no_grad():
        for i, ts in enumerate(grp):
            w, g, mean, var = ts[:4]
            mixed = mp and w.dtype != torch.float32
            wc = ts[4] if mixed else w.detach().to(mean.dtype)
            nw = _adamw_core(wc, g.detach().to(mean.dtype), mean, var, scale, lrs[i],
                             etas[i], p["beta1"], p["beta2"], p["epsilon"], wds[i],
                             p["clip_gradient"], mixed)
            if mixed:
                _set(ts[4], nw)
            res.append(nw.to(w.dtype))
    return _out_result(op, res, out, ctx, True)


def multi_adamw_update(weights, grads, mean, var, rescale_grad, lrs, wds, etas, out=None,
                       name=None, size=0, **kwargs):
    """AdamW on several weights at once (lists); mean/var updated in place. MXNet requires
    ``out=`` (a list, or one NDArray for a single weight)."""
    return _multi_adamw("multi_adamw_update", False, [weights, grads, mean, var],
                        rescale_grad, lrs, wds, etas, out, size, kwargs)


def multi_mp_adamw_update(weights, grads, mean, var, weights32, rescale_grad, lrs, wds, etas,
                          out=None, name=None, size=0, **kwargs):
    """Multi-precision multi-tensor AdamW: float32 mean/var/weights32 (the master copy is used
    and updated only for weights that are not float32, as in MXNet)."""
    return _multi_adamw("multi_mp_adamw_update", True, [weights, grads, mean, var, weights32],
                        rescale_grad, lrs, wds, etas, out, size, kwargs)


_MLAMB = {"beta1": (Float, 0.9), "beta2": (Float, 0.999), "epsilon": (Float, 1e-6),
          "rescale_grad": (Float, 1.0), "lower_bound": (Float, -1.0),
          "upper_bound": (Float, -1.0), "clip_gradient": (Float, -1.0),
          "bias_correction": (Bool, True)}


def _multi_lamb(op, mp, lists, step_count, lrs, wds, out, num_tensors, kwargs):
    p = _params(op, kwargs, _MLAMB)
    per = 5 if mp else 4
    n = num_tensors or len(lists[0])
    grp = _groups(op, per, lists, n)
    if n > 45:
        raise MXNetValueError(f"{op}: Invalid number of tensors, the maximum value is 45, and "
                              f"got {n}")
    lrs, wds = _floats(op, lrs, "lrs", n), _floats(op, wds, "wds", n)
    steps = Shape(step_count, op, "step_count")
    if len(steps) != n:
        raise MXNetValueError(f"{op}: Number of step counts is inconsistent with num_tensors: "
                              f"expected {n}, got {len(steps)}")
    dt = grp[0][0].dtype
    _floating(op, grp[0][0], "weights[0]")
    for i, ts in enumerate(grp):
        for j, t in enumerate(ts):
            want = torch.float32 if mp and j >= 2 else (ts[0].dtype if mp else dt)
            _want_dt(op, t, want, f"input {i * per + j}")
            _want_shape(op, t, ts[0].shape, f"input {i * per + j}")
    b1, b2, eps = p["beta1"], p["beta2"], p["epsilon"]
    res = []
    with torch.no_grad():
        dirs, masters = [], []
        for i, ts in enumerate(grp):
            w, g, mean, var = ts[:4]
            mixed = mp and w.dtype != torch.float32
            cdt = mean.dtype
            wc = ts[4] if mixed else w.detach().to(cdt)
            gg = _clip(g.detach().to(cdt) * p["rescale_grad"], p["clip_gradient"])
            m = b1 * mean + (1 - b1) * gg
            v = b2 * var + (1 - b2) * gg * gg
            _set(mean, m)
            _set(var, v)
            if p["bias_correction"]:
                m = m / (1 - b1 ** steps[i])
                v = v / (1 - b2 ** steps[i])
            # the direction is kept in float32 (MXNet's temp_g)
            dirs.append((m / (torch.sqrt(v) + eps) + wds[i] * wc).to(torch.float32))
            masters.append((wc, mixed))
        for i, ts in enumerate(grp):
            w = ts[0]
            # r1 from the weights as given (not the master copies), r2 from the directions
            r1 = float(torch.sqrt((w.detach().to(torch.float32) ** 2).sum()))
            r2 = float(torch.sqrt((dirs[i] ** 2).sum()))
            if p["lower_bound"] >= 0:
                r1 = max(r1, p["lower_bound"])
            if p["upper_bound"] >= 0:
                r1 = min(r1, p["upper_bound"])
            ratio = 1.0 if r1 == 0.0 or r2 == 0.0 else r1 / r2
            wc, mixed = masters[i]
            nw = wc - (lrs[i] * ratio) * dirs[i].to(wc.dtype)
            if mixed:
                _set(ts[4], nw)
            res.append(nw.to(w.dtype))
    return _out_result(op, res, out, lists[0][0]._ctx, True)


def multi_lamb_update(weights, grads, mean, var, step_count, lrs, wds, out=None,
                      num_tensors=0, **kwargs):
    """LAMB (both phases) on several weights at once; mean/var updated in place."""
    kwargs.pop("name", None)
    return _multi_lamb("multi_lamb_update", False, [weights, grads, mean, var], step_count,
                       lrs, wds, out, num_tensors, kwargs)


def multi_mp_lamb_update(weights, grads, mean, var, weights32, step_count, lrs, wds, out=None,
                         num_tensors=0, **kwargs):
    """Multi-precision multi-tensor LAMB (float32 mean/var/weights32)."""
    kwargs.pop("name", None)
    return _multi_lamb("multi_mp_lamb_update", True, [weights, grads, mean, var, weights32],
                       step_count, lrs, wds, out, num_tensors, kwargs)


def _publish_contrib() -> None:
    from .shape import pyfunc
    for fn, eq, notes in (
            (adamw_update, "w -= eta*(lr*m/(sqrt(v)+eps) + wd*w) (torch.optim.AdamW without "
             "bias correction)", "mean/var in place; rescale_grad NaN/Inf/0 skips the update"),
            (mp_adamw_update, "adamw_update on the float32 master copy weight32",
             "mean/var/weight32 in place"),
            (multi_adamw_update, "a loop of adamw_update", "mean/var in place"),
            (multi_mp_adamw_update, "a loop of mp_adamw_update",
             "mean/var/weights32 in place"),
            (multi_lamb_update, "LAMB phase 1 + trust ratio + phase 2 per tensor",
             "mean/var in place"),
            (multi_mp_lamb_update, "multi_lamb_update on float32 master copies",
             "mean/var/weights32 in place")):
        pyfunc(fn.__name__, torch_eq=eq, notes=notes, ns="contrib", family=_FAM)(fn)


_publish_contrib()


# ---- preloaded multi-SGD: lrs and wds are float32 NDArrays among the inputs -------------
def _preloaded(name: str, per: int, has_mom: bool, mp: bool) -> Callable:
    params = {"rescale_grad": Float, "clip_gradient": Float, "num_weights": Int}
    if has_mom:
        params["momentum"] = Float

    def impl(*data, momentum=0.0, rescale_grad=1.0, clip_gradient=-1.0, num_weights=1):
        if len(data) != per * num_weights + 2:
            raise MXNetValueError(f"{name}: expects {per * num_weights + 2} inputs ({per} per "
                                  f"weight, num_weights={num_weights}, then lrs and wds), got "
                                  f"{len(data)}")
        lrs_t, wds_t = data[-2], data[-1]
        for what, t in (("lrs", lrs_t), ("wds", wds_t)):
            _want_dt(name, t, torch.float32, what)
            if t.numel() != num_weights:
                raise MXNetValueError(f"{name}: Number of {what} is inconsistent with "
                                      f"num_weights: expected {num_weights}, got {t.numel()}")
        lrs = lrs_t.detach().reshape(-1).tolist()
        wds = wds_t.detach().reshape(-1).tolist()
        outs = []
        with torch.no_grad():
            for i in range(num_weights):
                grp = data[i * per:(i + 1) * per]
                w, g = grp[0], grp[1]
                _floating(name, w, f"weight {i}")
                nlow = per - (1 if mp else 0) - (1 if mp and has_mom else 0)
                for j, t in enumerate(grp):
                    want = w.dtype if j < nlow else torch.float32
                    _want_dt(name, t, want, f"input {i * per + j}")
                    _want_shape(name, t, w.shape, f"input {i * per + j}")
                mixed = mp and w.dtype != torch.float32
                cdt = torch.float32 if mp else w.dtype
                wc = grp[-1].detach() if mixed else w.detach().to(cdt)
                # lrs/wds are float32 values, used in the computation dtype
                lr = float(torch.tensor(lrs[i], dtype=torch.float32))
                wd = float(torch.tensor(wds[i], dtype=torch.float32))
                gg = _clip(g.detach().to(cdt) * rescale_grad, clip_gradient)
                step = -(lr * wd) * wc - lr * gg
                if has_mom:
                    mom = grp[2]
                    nm = momentum * mom.detach() + step
                    _set(mom, nm)
                    step = nm
                nw = wc + step
                if mixed:
                    _set(grp[-1], nw)
                outs.append(nw.to(w.dtype))
        return outs
    impl.__name__ = name
    if not has_mom:
        def impl_nm(*data, rescale_grad=1.0, clip_gradient=-1.0, num_weights=1):
            return impl(*data, rescale_grad=rescale_grad, clip_gradient=clip_gradient,
                        num_weights=num_weights)
        impl_nm.__name__ = name
        fn = impl_nm
        params.pop("momentum", None)
    else:
        fn = impl
    return register(
        name, params=params, family=_FAM, wrap=_bare_single,
        **_multi_schema(per, has_mom, mp, True),
                    torch=f"a loop of {'mp_' if mp else ''}sgd{'_mom' if has_mom else ''}"
                          "_update with lrs/wds read from float32 arrays",
                    notes="inputs: per weight (w, g[, mom][, w32]), then lrs and wds; returns "
                          "a list (one array when num_weights=1); MXNet requires out=, "
                          "mxcompat also allows omitting it")(fn)


preloaded_multi_sgd_update = _preloaded("preloaded_multi_sgd_update", 2, False, False)
preloaded_multi_sgd_mom_update = _preloaded("preloaded_multi_sgd_mom_update", 3, True, False)
preloaded_multi_mp_sgd_update = _preloaded("preloaded_multi_mp_sgd_update", 3, False, True)
preloaded_multi_mp_sgd_mom_update = _preloaded("preloaded_multi_mp_sgd_mom_update", 4, True,
                                               True)


@register("multi_lars", required=("eps", "eta"),
          params={"eta": Float, "eps": Float, "rescale_grad": Float},
          family=_FAM, torch="torch.where(valid, lrs*eta*|w| / (|g|*rescale + wds*|w| + eps), "
                             "lrs)", notes="float32 only, as MXNet")
def multi_lars(lrs, weights_sum_sq, grads_sum_sq, wds, eta=None, eps=None, rescale_grad=1.0):
    op = "multi_lars"
    ts = (lrs, weights_sum_sq, grads_sum_sq, wds)
    for what, t in zip(("lrs", "weights_sum_sq", "grads_sum_sq", "wds"), ts):
        _floating(op, t, what)
        _want_dt(op, t, lrs.dtype, what)
        _want_shape(op, t, lrs.shape, what)
    if lrs.dtype != torch.float32:
        raise MXNetTypeError(f"{op}: MultiLARS only support float (float32), got "
                             f"{_dtypes.name(lrs.dtype)}")
    lr, wss, gss, wd = (t.detach() for t in ts)
    wn = torch.sqrt(wss)
    valid = (wn > 0) & (gss > 0)
    v = lr * eta * wn / (torch.sqrt(gss) * rescale_grad + wd * wn + eps)
    return torch.where(valid, v, lr)


@register("group_adagrad_update", required=("lr",),
          aux=("history",),
          ns="contrib",
          params={"lr": Float, "rescale_grad": Float, "clip_gradient": Float,
                  "epsilon": Float}, family=_FAM,
          torch="h += mean(clip(rescale*g)**2 over each row); w - lr*g/sqrt(h + epsilon)",
          notes="history (one value per row) updated in place; MXNet 1.9.1 runs it only with "
                "a row_sparse grad, mxcompat on dense arrays (every row present)")
def group_adagrad_update(weight, grad, history, lr=None, rescale_grad=1.0, clip_gradient=-1.0,
                         epsilon=1e-5):
    op = "group_adagrad_update"
    _floating(op, weight, "weight")
    _want_dt(op, grad, weight.dtype, "grad")
    _want_dt(op, history, weight.dtype, "history")
    _want_shape(op, grad, weight.shape, "grad")
    if weight.dim() < 1 or history.dim() < 1 or history.shape[0] != weight.shape[0] or \
            history.numel() != weight.shape[0]:
        raise MXNetValueError(f"{op}: history must hold one value per row of weight "
                              f"{list(weight.shape)}, got shape {list(history.shape)}")
    with torch.no_grad():
        rows = weight.shape[0]
        w = weight.detach().reshape(rows, -1)
        g = _clip(grad.detach().reshape(rows, -1) * rescale_grad, clip_gradient)
        h = history.detach().reshape(rows) + (g * g).mean(dim=1)
        _set(history, h.reshape(history.shape))
        nw = w - lr * g / torch.sqrt(h + epsilon).unsqueeze(1)
    return nw.reshape(weight.shape)
