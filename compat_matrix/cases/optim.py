"""Optimizer update ops (mxcompat/ndarray/optim.py).

MXNet's update ops return the new weight and mutate their state inputs (and the weight when
``out=weight``). Every case here runs through a ``call=`` that first copies the inputs (the
matrix checks that inputs are left alone), runs the update on the copies and returns
``[returned value(s)..., every input copy after the call...]``, so each in-place effect (and
the weight being left untouched without ``out=``) is compared with MXNet too.
"""
import numpy as np

from compat_matrix.spec import FLOATS, INTS, Case, In, resolve

NONFLOAT = INTS + ("bool",)
F32 = "float32"
POS = In(domain=(0.1, 1.0))           # variances / accumulators (sqrt of them is taken)
POS32 = In(domain=(0.1, 1.0), dtype=F32)
ST32 = In(dtype=F32)                  # float32 states of the mp_* ops
S = (2, 3)


def _nd(mx, a):
    return a.copy()


def _upd(op, out=False):
    """call=: run ``op`` on copies of the inputs, return [result, *inputs after]."""
    def call(mx, arrays, args, kw):
        xs = [_nd(mx, a) for a in arrays]
        kw = dict(kw)
        if out:
            kw["out"] = xs[0]
        r = resolve(mx, op)(*xs, *args, **kw)
        return (list(r) if isinstance(r, (list, tuple)) else [r]) + xs
    return call


def _multi(op, per, n, out=True):
    """call= for multi_* / preloaded_* ops over interleaved inputs (out= the weights)."""
    def call(mx, arrays, args, kw):
        xs = [_nd(mx, a) for a in arrays]
        kw = dict(kw)
        if out:
            kw["out"] = [xs[i * per] for i in range(n)]
        r = resolve(mx, op)(*xs, *args, **kw)
        return (list(r) if isinstance(r, (list, tuple)) else [r]) + xs
    return call


def _lists(op, per, n, out=True, rescale=None, single_out=False):
    """call= for the Python-level contrib.multi_* ops that take lists per role."""
    def call(mx, arrays, args, kw):
        xs = [_nd(mx, a) for a in arrays]
        k = xs[per * n:]  # trailing extra inputs (an NDArray rescale_grad)
        roles = [[xs[i * per + j] for i in range(n)] for j in range(per)]
        kw = dict(kw)
        if rescale == "nd":
            kw["rescale_grad"] = k[0]
        if out:
            kw["out"] = roles[0][0] if single_out else list(roles[0])
        r = resolve(mx, op)(*roles, *args, **kw)
        return (list(r) if isinstance(r, (list, tuple)) else [r]) + xs
    return call


def _rescale_nd(op, value, out=True, mp=False):
    """call= for (mp_)adamw_update with rescale_grad given as a float32 NDArray."""
    def call(mx, arrays, args, kw):
        xs = [_nd(mx, a) for a in arrays]
        kw = dict(kw)
        kw["rescale_grad"] = mx.nd.array(np.array([value], dtype=np.float32), dtype=F32)
        if out:
            kw["out"] = xs[0]
        r = resolve(mx, op)(*xs, *args, **kw)
        return [r] + xs
    return call


def _finite_out(mx, arrays, args, kw):
    o = mx.nd.array(np.array([1.0], dtype=np.float32), dtype=F32)
    r = resolve(mx, "all_finite")(arrays[0], init_output=False, out=o)
    return [r, o]


def _reset(mx, arrays, args, kw):
    xs = [_nd(mx, a) for a in arrays]
    r = resolve(mx, "reset_arrays")(*xs, num_arrays=len(xs))
    assert isinstance(r, list) and not r, r
    return xs


CASES = []


def _add(op, variant, n_in, inputs=(), kwargs=None, out=False, dtypes=FLOATS, rejects=(),
         raises=False, samples=None, note="", tol=None):
    CASES.append(Case(op, variant, samples=samples or [(S,) * n_in], inputs=list(inputs),
                      kwargs=kwargs or {}, call=_upd(op, out), dtypes=dtypes,
                      rejects=rejects, raises=raises, note=note, tol=tol or {},
                      noncontig=False))


def _std(op, n_in, inputs=(), base=None, lazy=False, mp=False, clip="clip_gradient"):
    """The standard variants of a single-tensor update op."""
    base = dict(base or {})
    if "lr" not in base and op not in ("lamb_update_phase1", "mp_lamb_update_phase1"):
        base["lr"] = 0.1
    dts = FLOATS if not mp else ("float16",) if "phase1" in op else ("float16", "float32")
    outs = "phase1" not in op  # phase 1 returns a direction, not a weight
    rej = NONFLOAT if not mp else ("float32",) if "phase1" in op else ()
    _add(op, "op_basic", n_in, inputs, base, dtypes=dts, rejects=rej)
    _add(op, "op_out", n_in, inputs, dict(base, wd=0.05, rescale_grad=0.5), out=outs,
         dtypes=dts)
    _add(op, "op_clip", n_in, inputs, dict(base, wd=0.1, rescale_grad=2.0, **{clip: 0.75}),
         out=outs, dtypes=dts)
    _add(op, "op_noclip", n_in, inputs, dict(base, **{clip: -1.0, "rescale_grad": 1.5}),
         dtypes=dts)
    if lazy:
        _add(op, "op_lazy", n_in, inputs, dict(base, lazy_update=False, wd=0.01), out=True,
             dtypes=dts)
    bad = [S] * n_in
    bad[1] = (3, 2)
    _add(op, "op_shape", n_in, inputs, base, dtypes=("float32",) if not mp else ("float16",),
         raises=True, samples=[tuple(bad)])


_std("sgd_update", 2, lazy=True)
_std("sgd_mom_update", 3, base={"momentum": 0.9}, lazy=True)
_std("nag_mom_update", 3, base={"momentum": 0.9})
_std("mp_sgd_update", 3, inputs=[In(), In(), ST32], lazy=True, mp=True)
_std("mp_sgd_mom_update", 4, inputs=[In(), In(), ST32, ST32], base={"momentum": 0.9},
     lazy=True, mp=True)
_std("mp_nag_mom_update", 4, inputs=[In(), In(), ST32, ST32], base={"momentum": 0.9}, mp=True)
_std("adam_update", 4, inputs=[In(), In(), In(), POS], base={"beta1": 0.8, "beta2": 0.9},
     lazy=True)
_std("rmsprop_update", 3, inputs=[In(), In(), POS], base={"gamma1": 0.9})
_add("rmsprop_update", "op_clip_weights", 3, [In(), In(), POS],
     {"lr": 0.5, "clip_weights": 1.0, "epsilon": 1e-4}, out=True)
_std("rmspropalex_update", 5,
     inputs=[In(), In(), In(domain=(1.0, 2.0)), In(domain=(-0.5, 0.5)), In()],
     base={"gamma1": 0.95, "gamma2": 0.9})
_add("rmspropalex_update", "op_clip_weights", 5,
     [In(), In(), In(domain=(1.0, 2.0)), In(domain=(-0.5, 0.5)), In()],
     {"lr": 0.5, "clip_weights": 1.0}, out=True)
_std("ftrl_update", 4, inputs=[In(), In(), In(), POS], base={"lamda1": 0.5, "beta": 1.0})
_std("ftml_update", 5, inputs=[In(), In(), POS, POS, In()], base={"t": 2, "beta1": 0.6},
     clip="clip_grad")
_std("signsgd_update", 2)
_std("signum_update", 3, base={"momentum": 0.9})
_add("signum_update", "op_wd_lh", 3, (), {"lr": 0.1, "momentum": 0.5, "wd_lh": 0.1},
     out=True)
_std("lamb_update_phase1", 4, inputs=[In(), In(), In(), POS], base={"t": 1, "wd": 0.01})
_add("lamb_update_phase1", "op_nobias", 4, [In(), In(), In(), POS],
     {"t": 3, "wd": 0.1, "bias_correction": False, "beta1": 0.8})
_std("mp_lamb_update_phase1", 5, inputs=[In(), In(), ST32, POS32, ST32],
     base={"t": 2, "wd": 0.01}, mp=True)

_R = In(domain=(0.5, 2.0))
_R32 = In(domain=(0.5, 2.0), dtype=F32)
for _v, _kw in (("op_basic", {"lr": 0.1}),
                ("op_bounds", {"lr": 0.1, "lower_bound": 0.8, "upper_bound": 1.2})):
    CASES.append(Case("lamb_update_phase2", _v, samples=[(S, S, (1,), (1,))],
                      inputs=[In(), In(), _R, _R], kwargs=_kw,
                      call=_upd("lamb_update_phase2", _v == "op_basic"), dtypes=FLOATS,
                      rejects=NONFLOAT if _v == "op_basic" else (), noncontig=False))
    CASES.append(Case("mp_lamb_update_phase2", _v, samples=[(S, S, (1,), (1,), S)],
                      inputs=[In(), ST32, _R32, _R32, ST32], kwargs=_kw,
                      call=_upd("mp_lamb_update_phase2", _v == "op_basic"),
                      dtypes=("float16", "float32"), noncontig=False))
CASES.append(Case("lamb_update_phase2", "op_zero_norm", samples=[(S, S, (1,), (1,))],
                  inputs=[In(), In(), In(gen=lambda rng, s, dt: np.zeros(s)), _R],
                  kwargs={"lr": 0.1}, call=_upd("lamb_update_phase2"), noncontig=False))
CASES.append(Case("lamb_update_phase2", "op_shape", samples=[(S, (3, 2), (1,), (1,))],
                  inputs=[In(), In(), _R, _R], kwargs={"lr": 0.1},
                  call=_upd("lamb_update_phase2"), dtypes=("float32",), raises=True,
                  noncontig=False))


# ---- multi-tensor SGD (interleaved inputs; MXNet requires out=) -------------------------
_MS = {"lrs": (0.1, 0.2), "wds": (0.0, 0.05), "num_weights": 2}
for _op, _per, _ins, _mp, _mom in (
        ("multi_sgd_update", 2, [], False, False),
        ("multi_sgd_mom_update", 3, [], False, True),
        ("multi_mp_sgd_update", 3, [In(), In(), ST32], True, False),
        ("multi_mp_sgd_mom_update", 4, [In(), In(), ST32, ST32], True, True)):
    _samp = (S,) * _per + ((4,),) * _per
    _dts = ("float16", "float32") if _mp else FLOATS
    _kw = dict(_MS, momentum=0.9) if _mom else dict(_MS)
    CASES.append(Case(_op, "op_basic", samples=[_samp], inputs=_ins * 2, kwargs=_kw,
                      call=_multi(_op, _per, 2), dtypes=_dts, noncontig=False))
    CASES.append(Case(_op, "op_clip", samples=[_samp], inputs=_ins * 2,
                      kwargs=dict(_kw, rescale_grad=2.0, clip_gradient=0.5),
                      call=_multi(_op, _per, 2), dtypes=_dts, noncontig=False))
    CASES.append(Case(_op, "op_single", samples=[(S,) * _per], inputs=_ins,
                      kwargs=dict(_kw, lrs=(0.3,), wds=(0.1,), num_weights=1),
                      call=_multi(_op, _per, 1), dtypes=_dts, noncontig=False))
    CASES.append(Case(_op, "op_num_weights", samples=[_samp], inputs=_ins * 2,
                      kwargs=dict(_kw, num_weights=3), call=_multi(_op, _per, 2),
                      dtypes=("float32",), raises=True, noncontig=False))
    CASES.append(Case(_op, "op_shape", samples=[(S,) * (_per - 1) + ((4,),)],
                      inputs=_ins, kwargs=dict(_kw, lrs=(0.3,), wds=(0.1,), num_weights=1),
                      call=_multi(_op, _per, 1), dtypes=("float32",), raises=True,
                      noncontig=False))


# ---- finiteness, sums of squares, resets -----------------------------------------------
_SPECIAL = In(special=True)
CASES += [
    Case("all_finite", "op_basic", samples=[(S,), ((5,),)], dtypes=FLOATS, rejects=INTS,
         noncontig=False),
    Case("all_finite", "op_special", samples=[((4, 5),)], inputs=[_SPECIAL], dtypes=FLOATS,
         noncontig=False),
    Case("all_finite", "op_init_output", samples=[((4, 5),), ((3,),)], inputs=[_SPECIAL],
         call=_finite_out, dtypes=FLOATS, noncontig=False),
    Case("multi_all_finite", "op_basic", samples=[(S, (4,))], kwargs={"num_arrays": 2},
         dtypes=FLOATS, noncontig=False),
    Case("multi_all_finite", "op_special", samples=[((4, 5), (3,))],
         inputs=[In(), _SPECIAL], kwargs={"num_arrays": 2}, dtypes=FLOATS, noncontig=False),
    Case("multi_sum_sq", "op_basic", samples=[(S, (4,), (1,))], kwargs={"num_arrays": 3},
         dtypes=FLOATS, noncontig=False),
    Case("multi_sum_sq", "op_single", samples=[((5, 2),)], kwargs={"num_arrays": 1},
         dtypes=FLOATS, noncontig=False),
    Case("multi_sum_sq", "op_mixed", samples=[(S, (4,))], inputs=[In(), In(dtype="float64")],
         kwargs={"num_arrays": 2}, dtypes=("float32",), raises=True, noncontig=False),
    Case("reset_arrays", "op_basic", samples=[(S, (4,))], call=_reset,
         dtypes=FLOATS, rejects=("int32",), noncontig=False),
]


# ---- AdamW (contrib) -----------------------------------------------------------------------
_AW = {"lr": 0.1, "eta": 0.5, "beta1": 0.8, "beta2": 0.9}
_AWI = [In(), In(), In(), POS]
_MAWI = [In(), In(), ST32, POS32, ST32]
for _op, _ins, _dts in (("contrib.adamw_update", _AWI, FLOATS),
                        ("contrib.mp_adamw_update", _MAWI, FLOATS)):
    _n = len(_ins)
    CASES += [
        Case(_op, "op_basic", samples=[(S,) * _n], inputs=_ins,
             kwargs=dict(_AW, rescale_grad=1.0), call=_upd(_op), dtypes=_dts,
             rejects=() if "mp_" in _op else INTS, noncontig=False),
        Case(_op, "op_out", samples=[(S,) * _n], inputs=_ins,
             kwargs=dict(_AW, rescale_grad=0.5, wd=0.1), call=_upd(_op, True), dtypes=_dts,
             noncontig=False),
        Case(_op, "op_clip", samples=[(S,) * _n], inputs=_ins,
             kwargs=dict(_AW, rescale_grad=2.0, wd=0.1, clip_gradient=0.5),
             call=_upd(_op, True), dtypes=_dts, noncontig=False),
        Case(_op, "op_nd_rescale", samples=[(S,) * _n], inputs=_ins, kwargs=dict(_AW),
             call=_rescale_nd(_op, 2.0), dtypes=_dts, noncontig=False),
        Case(_op, "op_skip_nan", samples=[(S,) * _n], inputs=_ins,
             kwargs=dict(_AW, rescale_grad=float("nan")), call=_upd(_op, True), dtypes=_dts,
             noncontig=False),
        Case(_op, "op_skip_zero", samples=[(S,) * _n], inputs=_ins, kwargs=dict(_AW),
             call=_rescale_nd(_op, 0.0), dtypes=_dts, noncontig=False),
        Case(_op, "op_skip_inf", samples=[(S,) * _n], inputs=_ins,
             kwargs=dict(_AW, rescale_grad=float("inf")), call=_upd(_op, True), dtypes=_dts,
             noncontig=False),
        Case(_op, "op_shape", samples=[(S, (3, 2)) + (S,) * (_n - 2)], inputs=_ins,
             kwargs=dict(_AW, rescale_grad=1.0), call=_upd(_op), dtypes=("float32",),
             raises=True, noncontig=False),
    ]
CASES.append(Case("contrib.adamw_update", "op_nd_rescale_dtype", samples=[(S,) * 5],
                  inputs=_AWI + [In(domain=(1.0, 2.0))], kwargs=dict(_AW),
                  call=lambda mx, a, args, kw: resolve(mx, "contrib.adamw_update")(
                      *[x.copy() for x in a[:4]], rescale_grad=a[4][0], **kw),
                  dtypes=("float64", "float16"), raises=True, noncontig=False))

_MAW = {"lrs": (0.1, 0.2), "wds": (0.0, 0.1), "etas": (1.0, 0.5), "beta1": 0.8}
_two = (S,) * 4 + ((4,),) * 4
CASES += [
    Case("contrib.multi_adamw_update", "op_basic", samples=[_two], inputs=_AWI * 2,
         kwargs=dict(_MAW, rescale_grad=1.0), call=_lists("contrib.multi_adamw_update", 4, 2),
         dtypes=("float32",), noncontig=False),
    Case("contrib.multi_adamw_update", "op_clip", samples=[_two], inputs=_AWI * 2,
         kwargs=dict(_MAW, rescale_grad=2.0, clip_gradient=0.5),
         call=_lists("contrib.multi_adamw_update", 4, 2), dtypes=("float32",),
         noncontig=False),
    Case("contrib.multi_adamw_update", "op_nd_rescale", samples=[_two + ((1,),)],
         inputs=_AWI * 2 + [In(domain=(1.0, 2.0))], kwargs=dict(_MAW),
         call=_lists("contrib.multi_adamw_update", 4, 2, rescale="nd"), dtypes=("float32",),
         noncontig=False),
    Case("contrib.multi_adamw_update", "op_skip", samples=[_two], inputs=_AWI * 2,
         kwargs=dict(_MAW, rescale_grad=float("inf")),
         call=_lists("contrib.multi_adamw_update", 4, 2), dtypes=("float32",),
         noncontig=False),
    Case("contrib.multi_adamw_update", "op_single_bare", samples=[(S,) * 4], inputs=_AWI,
         kwargs={"lrs": (0.1,), "wds": (0.1,), "etas": (1.0,), "rescale_grad": 1.0},
         call=_lists("contrib.multi_adamw_update", 4, 1, single_out=True),
         dtypes=("float32",), noncontig=False),
    # a numeric rescale_grad is a float32 array, which non-float32 weights reject
    Case("contrib.multi_adamw_update", "op_dtype", samples=[_two], inputs=_AWI * 2,
         kwargs=dict(_MAW, rescale_grad=1.0), call=_lists("contrib.multi_adamw_update", 4, 2),
         dtypes=("float64", "float16"), raises=True, noncontig=False),
    Case("contrib.multi_adamw_update", "op_lrs", samples=[_two], inputs=_AWI * 2,
         kwargs=dict(_MAW, rescale_grad=1.0, lrs=(0.1,)),
         call=_lists("contrib.multi_adamw_update", 4, 2), dtypes=("float32",), raises=True,
         noncontig=False),
    Case("contrib.multi_mp_adamw_update", "op_basic", samples=[(S,) * 5 + ((4,),) * 5],
         inputs=_MAWI * 2, kwargs=dict(_MAW, rescale_grad=1.0),
         call=_lists("contrib.multi_mp_adamw_update", 5, 2), dtypes=FLOATS, noncontig=False),
    Case("contrib.multi_mp_adamw_update", "op_clip", samples=[(S,) * 5 + ((4,),) * 5],
         inputs=_MAWI * 2, kwargs=dict(_MAW, rescale_grad=2.0, clip_gradient=0.5),
         call=_lists("contrib.multi_mp_adamw_update", 5, 2), dtypes=("float16",),
         noncontig=False),
    Case("contrib.multi_mp_adamw_update", "op_skip", samples=[(S,) * 5 + ((4,),) * 5],
         inputs=_MAWI * 2, kwargs=dict(_MAW, rescale_grad=0.0),
         call=_lists("contrib.multi_mp_adamw_update", 5, 2), dtypes=("float16",),
         noncontig=False),
]

# ---- multi-tensor LAMB ------------------------------------------------------------------
_ML = {"lrs": (0.1, 0.2), "wds": (0.01, 0.0), "step_count": (1, 3)}
CASES += [
    Case("contrib.multi_lamb_update", "op_basic", samples=[_two], inputs=_AWI * 2,
         kwargs=dict(_ML), call=_lists("contrib.multi_lamb_update", 4, 2), dtypes=FLOATS,
         noncontig=False),
    Case("contrib.multi_lamb_update", "op_options", samples=[_two], inputs=_AWI * 2,
         kwargs=dict(_ML, rescale_grad=1.5, clip_gradient=0.7, lower_bound=0.5,
                     upper_bound=2.0, bias_correction=False, beta1=0.8, epsilon=1e-4),
         call=_lists("contrib.multi_lamb_update", 4, 2), dtypes=FLOATS, noncontig=False),
    Case("contrib.multi_lamb_update", "op_single_bare", samples=[(S,) * 4], inputs=_AWI,
         kwargs={"lrs": (0.1,), "wds": (0.1,), "step_count": (2,)},
         call=_lists("contrib.multi_lamb_update", 4, 1, single_out=True), dtypes=FLOATS,
         noncontig=False),
    Case("contrib.multi_lamb_update", "op_steps", samples=[_two], inputs=_AWI * 2,
         kwargs=dict(_ML, step_count=(1,)), call=_lists("contrib.multi_lamb_update", 4, 2),
         dtypes=("float32",), raises=True, noncontig=False),
    Case("contrib.multi_mp_lamb_update", "op_basic", samples=[(S,) * 5 + ((4,),) * 5],
         inputs=_MAWI * 2, kwargs=dict(_ML), call=_lists("contrib.multi_mp_lamb_update", 5, 2),
         dtypes=FLOATS, noncontig=False),
    Case("contrib.multi_mp_lamb_update", "op_options", samples=[(S,) * 5 + ((4,),) * 5],
         inputs=_MAWI * 2, kwargs=dict(_ML, rescale_grad=0.5, clip_gradient=0.2,
                                       upper_bound=0.5),
         call=_lists("contrib.multi_mp_lamb_update", 5, 2), dtypes=("float16",),
         noncontig=False),
]

# ---- preloaded multi-SGD: lrs and wds are float32 arrays after the weights ---------------
def _lrwd(vals):
    return In(dtype=F32, gen=lambda rng, s, dt: np.array(vals[:s[0]]))


_LR, _WD = _lrwd([0.1, 0.2, 0.3]), _lrwd([0.0, 0.05, 0.1])
for _op, _per, _ins, _mp, _mom in (
        ("preloaded_multi_sgd_update", 2, [In(), In()], False, False),
        ("preloaded_multi_sgd_mom_update", 3, [In(), In(), In()], False, True),
        ("preloaded_multi_mp_sgd_update", 3, [In(), In(), ST32], True, False),
        ("preloaded_multi_mp_sgd_mom_update", 4, [In(), In(), ST32, ST32], True, True)):
    _samp = (S,) * _per + ((4,),) * _per + ((2,), (2,))
    _kw = {"num_weights": 2, "momentum": 0.9} if _mom else {"num_weights": 2}
    CASES += [
        Case(_op, "op_basic", samples=[_samp], inputs=_ins * 2 + [_LR, _WD], kwargs=_kw,
             call=_multi(_op, _per, 2), dtypes=FLOATS,
             rejects=() if _mp else ("int32",), noncontig=False),
        Case(_op, "op_clip", samples=[_samp], inputs=_ins * 2 + [_LR, _WD],
             kwargs=dict(_kw, rescale_grad=2.0, clip_gradient=0.5),
             call=_multi(_op, _per, 2), dtypes=FLOATS, noncontig=False),
        Case(_op, "op_single", samples=[(S,) * _per + ((1,), (1,))],
             inputs=_ins + [_LR, _WD], kwargs=dict(_kw, num_weights=1),
             call=_multi(_op, _per, 1), dtypes=FLOATS, noncontig=False),
        Case(_op, "op_num_lrs", samples=[(S,) * _per + ((4,),) * _per + ((3,), (2,))],
             inputs=_ins * 2 + [_LR, _WD], kwargs=_kw, call=_multi(_op, _per, 2),
             dtypes=("float32",), raises=True, noncontig=False),
        Case(_op, "op_num_weights", samples=[_samp], inputs=_ins * 2 + [_LR, _WD],
             kwargs=dict(_kw, num_weights=1), call=_multi(_op, _per, 1),
             dtypes=("float32",), raises=True, noncontig=False),
    ]
CASES.append(Case("preloaded_multi_sgd_update", "op_lrs_dtype", samples=[(S, S, (1,), (1,))],
                  inputs=[In(), In(), In(domain=(0.1, 0.2)), In(domain=(0.0, 0.1))],
                  call=_multi("preloaded_multi_sgd_update", 2, 1), dtypes=("float64",),
                  raises=True, noncontig=False))

# ---- LARS ------------------------------------------------------------------------------
_LARS_IN = [In(domain=(0.05, 0.5)),
            In(gen=lambda rng, s, dt: np.where(rng.random(s) < 0.2, 0.0,
                                               rng.random(s) * 4 + 0.5)),
            In(gen=lambda rng, s, dt: np.where(rng.random(s) < 0.2, 0.0,
                                               rng.random(s) * 2 + 0.1)),
            In(domain=(0.0, 0.1))]
CASES += [
    Case("multi_lars", "op_basic", samples=[((8,),) * 4, ((2, 3),) * 4], inputs=_LARS_IN,
         kwargs={"eta": 0.5, "eps": 1e-3, "rescale_grad": 2.0}, dtypes=("float32",),
         rejects=("float64", "float16", "int32"), noncontig=False),
    Case("multi_lars", "op_default_rescale", samples=[((6,),) * 4], inputs=_LARS_IN,
         kwargs={"eta": 0.1, "eps": 0.0}, dtypes=("float32",), noncontig=False),
    Case("multi_lars", "op_shape", samples=[((3,), (4,), (4,), (4,))], inputs=_LARS_IN,
         kwargs={"eta": 0.1, "eps": 0.0}, dtypes=("float32",), raises=True,
         noncontig=False),
]


# ---- group AdaGrad: MXNet 1.9.1 runs it only with row_sparse gradients ---------------------
def _gada_ref(w, g, h, lr, rescale_grad=1.0, clip_gradient=-1.0, epsilon=1e-5):
    gg = g.astype(np.float64) * rescale_grad
    if clip_gradient >= 0:
        gg = np.clip(gg, -clip_gradient, clip_gradient)
    hn = h.reshape(-1).astype(np.float64) + (gg.reshape(len(w), -1) ** 2).mean(axis=1)
    nw = w - lr * gg / np.sqrt(hn + epsilon).reshape((-1,) + (1,) * (w.ndim - 1))
    dt = w.dtype
    return [nw.astype(dt), w, g, hn.reshape(h.shape).astype(dt)]


_GA_EXT = ("dense gradients: MXNet 1.9.1's CPU build implements group_adagrad_update only for "
           "row_sparse gradients; mxcompat computes the same update with every row present")
CASES += [
    Case("contrib.group_adagrad_update", "op_basic", samples=[((4, 3), (4, 3), (4, 1))],
         inputs=[In(), In(), POS], kwargs={"lr": 0.1},
         call=_upd("contrib.group_adagrad_update"), ref=_gada_ref, extension=_GA_EXT,
         dtypes=FLOATS, noncontig=False),
    Case("contrib.group_adagrad_update", "op_options", samples=[((4, 3), (4, 3), (4,))],
         inputs=[In(), In(), POS],
         kwargs={"lr": 0.2, "rescale_grad": 2.0, "clip_gradient": 1.5, "epsilon": 1e-3},
         call=_upd("contrib.group_adagrad_update"), ref=_gada_ref, extension=_GA_EXT,
         dtypes=FLOATS, noncontig=False),
]
