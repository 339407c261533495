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

import functools
import math
import struct
from typing import Any, Callable, Dict, List, Union

import torch

from ..ndarray.ndarray import NDArray
from ..ndarray.optim import _q as _q_slow  # the update ops' float32 rounding of scalars


@functools.lru_cache(maxsize=4096)
def _q(x: float) -> float:
    """A Python float rounded to float32 (what the update ops do to their parameters)."""
    try:
        return struct.unpack("f", struct.pack("f", x))[0]
    except OverflowError:
        return _q_slow(x)


def _sc(vals: List[float]) -> Union[float, List[float]]:
    """One scalar when all values are equal (a faster kernel), else the list."""
    v0 = vals[0]
    for v in vals:
        if v != v0:
            return vals
    return v0

_FLOAT = (torch.float32, torch.float64)


def _lists(weights: list, grads: list, states: list, n_state: int) -> Any:
    """torch tensors of the weights, grads and states when the fast path applies, else None."""
    if not all(type(w) is NDArray for w in weights) or \
            not all(type(g) is NDArray for g in grads):
        return None
    ws = [w._t for w in weights]
    gs = [g._t for g in grads]
    t0 = ws[0]
    dt, dev = t0.dtype, t0.device
    if dt not in _FLOAT or not all(w.dtype is dt and w.device == dev and g.dtype is dt and
                                   g.shape == w.shape and g.device == dev
                                   for w, g in zip(ws, gs)):
        return None
    ss: List[list] = []
    if n_state == 0:
        if any(s is not None for s in states):
            return None
    else:
        parts = [s if isinstance(s, (tuple, list)) else (s,) for s in states]
        if any(len(p) != n_state for p in parts):
            return None
        for k in range(n_state):
            col = [p[k] for p in parts]
            if not all(type(x) is NDArray for x in col):
                return None
            ts = [x._t for x in col]
            if not all(x.dtype is dt and x.shape == w.shape and x.device == dev
                       for x, w in zip(ts, ws)):
                return None
            ss.append(ts)
    return ws, gs, ss


def _counts_chunked(opt: Any, indices: list) -> tuple:
    """lrs/wds as the aggregated path computes them (chunks of aggregate_num indices)."""
    if opt.lr_scheduler is None:  # the rate does not depend on the count: one batch
        opt._update_count(indices)
        return opt._get_lrs(indices), opt._get_wds(indices)
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
    if opt.lr_scheduler is None:  # the rate does not depend on the count: one batch
        opt._update_count(indices)
        counts = opt._index_update_count
        return opt._get_lrs(indices), opt._get_wds(indices), [counts[i] for i in indices]
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


def _pow2(x: float) -> bool:
    m, _ = math.frexp(x)
    return m == 0.5


def _clip_of(opt: Any) -> float:
    return _q(float(opt.clip_gradient)) if opt.clip_gradient else -1.0


def _sgd(opt: Any, indices: list, t: Any) -> None:
    ws, gs, ss = t
    lrs, wds = _counts_chunked(opt, indices)
    lrs = [_q(float(x)) for x in lrs]
    wds = [_q(float(x)) for x in wds]
    rescale, clip = _q(float(opt.rescale_grad)), _clip_of(opt)
    lr1 = _sc(lrs)
    if clip < 0 and _pow2(rescale) and not isinstance(lr1, list) and _q(lr1 * rescale) != 0:
        # lr * (rescale * g) == (lr * rescale) * g exactly when rescale is a power of two
        # (1/batch_size for the usual batch sizes): one kernel instead of two
        r = torch._foreach_mul(gs, lr1 * rescale)
    else:
        r = _grad(gs, rescale, clip)
        torch._foreach_mul_(r, lr1)
    if opt.momentum > 0:
        moms = ss[0]
        mom = _q(float(opt.momentum))
        torch._foreach_mul_(moms, mom)
        decay = _sc([lr * wd for lr, wd in zip(lrs, wds)])
        if decay != 0.0:  # subtracting 0 * w is the identity (w finite)
            torch._foreach_sub_(moms, torch._foreach_mul(ws, decay))
        torch._foreach_sub_(moms, r)
        torch._foreach_add_(ws, moms)
    else:
        keep = _sc([1 - lr * wd for lr, wd in zip(lrs, wds)])
        if keep != 1.0:  # multiplying by 1 is the identity
            torch._foreach_mul_(ws, keep)
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
