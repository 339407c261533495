"""Multi-tensor fast path of the Updater for the common optimizers.

``Updater(indices, grads, weights)`` over many dense weights of one dtype and device runs SGD
(with or without momentum), NAG, Adam, RMSProp (not centered) and AdaGrad as a handful of
``torch._foreach_*`` kernels updating the weight and state tensors *in place*, instead of one
update operator per weight (each of which returns a new array that is then copied into the
weight). The arithmetic is the update operators' own, operation for operation (same
float32-rounded hyper-parameters, same order of the multiplications and additions), and the
bookkeeping (update counts, learning rates with schedulers and multipliers) is done exactly as
the optimizer's own ``update`` does it, so the numbers are those of the slow path.
Anything else (sparse arrays, float16 with multi_precision, mixed dtypes or devices,
subclasses of the optimizers) takes the regular path.
"""
from __future__ import annotations

import math
from typing import Any, Callable, Dict, List

import torch

from ..ndarray.ndarray import NDArray
from ..ndarray.optim import _q  # the update ops' float32 rounding of hyper-parameters

_FLOAT = (torch.float32, torch.float64)


def _lists(weights: list, grads: list, states: list, n_state: int) -> Any:
    """torch tensors of the weights, grads and states when the fast path applies, else None."""
    w0 = weights[0]
    if type(w0) is not NDArray:
        return None
    dt, dev = w0._t.dtype, w0._t.device
    if dt not in _FLOAT:
        return None
    ws, gs, ss = [], [], [[] for _ in range(n_state)]
    for w, g, s in zip(weights, grads, states):
        if type(w) is not NDArray or type(g) is not NDArray:
            return None
        wt, gt = w._t, g._t
        if wt.dtype != dt or gt.dtype != dt or wt.device != dev or gt.device != dev or \
                wt.shape != gt.shape:
            return None
        ws.append(wt)
        gs.append(gt.detach())
        if n_state:
            parts = s if isinstance(s, (tuple, list)) else (s,)
            if len(parts) != n_state:
                return None
            for k, p in enumerate(parts):
                if type(p) is not NDArray or p._t.dtype != dt or p._t.shape != wt.shape or \
                        p._t.device != dev:
                    return None
                ss[k].append(p._t)
        elif s is not None:
            return None
    return ws, gs, ss


def _counts_chunked(opt: Any, indices: list) -> tuple:
    """lrs/wds as the aggregated path computes them (chunks of aggregate_num indices)."""
    lrs: List[float] = []
    wds: List[float] = []
    n = max(1, opt.aggregate_num)
    for s in range(0, len(indices), n):
        chunk = indices[s:s + n]
        opt._update_count(chunk)
        lrs.extend(opt._get_lrs(chunk))
        wds.extend(opt._get_wds(chunk))
    return lrs, wds


def _counts_each(opt: Any, indices: list, wd_first: bool = False) -> tuple:
    """lrs/wds/t as the per-index ``update`` computes them."""
    lrs, wds, ts = [], [], []
    for i in indices:
        opt._update_count(i)
        lrs.append(opt._get_lr(i))
        wds.append(opt._get_wd(i))
        ts.append(opt._index_update_count[i])
    return lrs, wds, ts


def _grad(gs: list, rescale: float, clip: float) -> list:
    r = torch._foreach_mul(gs, rescale)
    if clip >= 0:
        torch._foreach_clamp_min_(r, -clip)
        torch._foreach_clamp_max_(r, clip)
    return r


def _clip_of(opt: Any) -> float:
    return _q(float(opt.clip_gradient)) if opt.clip_gradient else -1.0


def _sgd(opt: Any, indices: list, t: Any) -> None:
    ws, gs, ss = t
    lrs, wds = _counts_chunked(opt, indices)
    lrs = [_q(float(x)) for x in lrs]
    wds = [_q(float(x)) for x in wds]
    r = _grad(gs, _q(float(opt.rescale_grad)), _clip_of(opt))
    torch._foreach_mul_(r, lrs)
    if opt.momentum > 0:
        moms = ss[0]
        mom = _q(float(opt.momentum))
        torch._foreach_mul_(moms, mom)
        torch._foreach_sub_(moms, torch._foreach_mul(ws, [lr * wd for lr, wd in zip(lrs, wds)]))
        torch._foreach_sub_(moms, r)
        torch._foreach_add_(ws, moms)
    else:
        torch._foreach_mul_(ws, [1 - lr * wd for lr, wd in zip(lrs, wds)])
        torch._foreach_sub_(ws, r)


def _nag(opt: Any, indices: list, t: Any) -> None:
    ws, gs, ss = t
    lrs, wds, _ = _counts_each(opt, indices)
    lrs = [_q(float(x)) for x in lrs]
    wds = [_q(float(x)) for x in wds]
    gr = _grad(gs, _q(float(opt.rescale_grad)), _clip_of(opt))
    if opt.momentum <= 0:  # sgd_update
        torch._foreach_mul_(gr, lrs)
        torch._foreach_mul_(ws, [1 - lr * wd for lr, wd in zip(lrs, wds)])
        torch._foreach_sub_(ws, gr)
        return
    moms = ss[0]
    mom = _q(float(opt.momentum))
    gg = torch._foreach_add(gr, torch._foreach_mul(ws, wds))
    torch._foreach_mul_(gg, lrs)
    nm = torch._foreach_mul(moms, mom)
    torch._foreach_sub_(nm, gg)
    torch._foreach_mul_(nm, mom)
    torch._foreach_add_(ws, nm)
    torch._foreach_sub_(ws, gg)
    # nag_mom_update with out=weight: the momentum is computed from the updated weight
    t2 = torch._foreach_mul(ws, wds)
    t2 = torch._foreach_add(gr, t2)
    torch._foreach_mul_(t2, lrs)
    torch._foreach_mul_(moms, mom)
    torch._foreach_sub_(moms, t2)


def _adam(opt: Any, indices: list, t: Any) -> None:
    ws, gs, ss = t
    lrs, wds, ts = _counts_each(opt, indices)
    b1, b2 = opt.beta1, opt.beta2
    lrs = [_q(float(lr * (math.sqrt(1. - b2 ** k) / (1. - b1 ** k)))) for lr, k in zip(lrs, ts)]
    wds = [_q(float(x)) for x in wds]
    b1, b2, eps = _q(float(b1)), _q(float(b2)), _q(float(opt.epsilon))
    means, vars_ = ss
    gg = torch._foreach_mul(gs, _q(float(opt.rescale_grad)))
    torch._foreach_add_(gg, torch._foreach_mul(ws, wds))
    clip = _clip_of(opt)
    if clip >= 0:
        torch._foreach_clamp_min_(gg, -clip)
        torch._foreach_clamp_max_(gg, clip)
    torch._foreach_mul_(means, b1)
    torch._foreach_add_(means, torch._foreach_mul(gg, 1 - b1))
    sq = torch._foreach_mul(gg, 1 - b2)
    torch._foreach_mul_(sq, gg)
    torch._foreach_mul_(vars_, b2)
    torch._foreach_add_(vars_, sq)
    step = torch._foreach_mul(means, lrs)
    den = torch._foreach_sqrt(vars_)
    torch._foreach_add_(den, eps)
    torch._foreach_div_(step, den)
    torch._foreach_sub_(ws, step)


def _rmsprop(opt: Any, indices: list, t: Any) -> None:
    ws, gs, ss = t
    lrs, wds, _ = _counts_each(opt, indices)
    lrs = [_q(float(x)) for x in lrs]
    wds = [_q(float(x)) for x in wds]
    g1, eps = _q(float(opt.gamma1)), _q(float(opt.epsilon))
    ns = ss[0]
    gg = torch._foreach_mul(gs, _q(float(opt.rescale_grad)))
    torch._foreach_add_(gg, torch._foreach_mul(ws, wds))
    clip = _clip_of(opt)
    if clip >= 0:
        torch._foreach_clamp_min_(gg, -clip)
        torch._foreach_clamp_max_(gg, clip)
    sq = torch._foreach_mul(gg, 1 - g1)
    torch._foreach_mul_(sq, gg)
    torch._foreach_mul_(ns, g1)
    torch._foreach_add_(ns, sq)
    den = torch._foreach_add(ns, eps)
    torch._foreach_sqrt_(den)
    torch._foreach_mul_(gg, lrs)
    torch._foreach_div_(gg, den)
    torch._foreach_sub_(ws, gg)
    if opt.clip_weights:
        c = _q(float(opt.clip_weights))
        if c >= 0:
            torch._foreach_clamp_min_(ws, -c)
            torch._foreach_clamp_max_(ws, c)


def _adagrad(opt: Any, indices: list, t: Any) -> None:
    ws, gs, ss = t
    lrs, wds, _ = _counts_each(opt, indices)
    hs = ss[0]
    g = torch._foreach_mul(gs, opt.rescale_grad)
    if opt.clip_gradient is not None:
        c = opt.clip_gradient
        torch._foreach_clamp_min_(g, -c)
        torch._foreach_clamp_max_(g, c)
    torch._foreach_add_(hs, torch._foreach_mul(g, g))
    den = torch._foreach_add(hs, opt.float_stable_eps)
    torch._foreach_sqrt_(den)
    div = torch._foreach_div(g, den)
    torch._foreach_add_(div, torch._foreach_mul(ws, [float(x) for x in wds]))
    torch._foreach_mul_(div, [-float(x) for x in lrs])
    torch._foreach_add_(ws, div)


def _n_state_sgd(opt: Any) -> int:
    return 1 if opt.momentum != 0.0 else 0


def _table() -> Dict[type, tuple]:
    from . import optimizer as o
    return {
        o.SGD: (_sgd, _n_state_sgd),
        o.ccSGD: (_sgd, _n_state_sgd),
        o.NAG: (_nag, _n_state_sgd),
        o.Adam: (_adam, lambda opt: 2),
        o.RMSProp: (_rmsprop, lambda opt: 1),
        o.AdaGrad: (_adagrad, lambda opt: 1),
    }


_TABLE: List[Dict[type, tuple]] = []


def run(updater: Any, indices: list, weights: list, grads: list) -> bool:
    """Apply the update with foreach kernels; False (nothing done) when it does not apply."""
    if not _TABLE:
        _TABLE.append(_table())
    opt = updater.optimizer
    entry = _TABLE[0].get(type(opt))
    if entry is None or not weights:
        return False
    fn, n_state = entry
    if getattr(opt, "centered", False) or (opt.momentum < 0 if hasattr(opt, "momentum")
                                          else False):
        return False
    if type(opt) is _adagrad_cls() and weights[0]._t.dtype != torch.float32:
        return False  # AdaGrad's history is float32 whatever the weight
    states = [updater.states[i] for i in indices]
    t = _lists(weights, grads, states, n_state(opt))
    if t is None:
        return False
    with torch.no_grad():
        fn(opt, list(indices), t)
    return True


def _adagrad_cls() -> Callable:
    from .optimizer import AdaGrad
    return AdaGrad
