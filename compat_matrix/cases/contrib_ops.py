"""mx.nd.contrib tensor ops and imperative control flow (mxcompat/ndarray/contrib.py).
Variant names start with `co_`."""
import numpy as np

from compat_matrix.spec import DT, Case, In

D = ("float32", "float64", "float16", "int32", "int64", "uint8", "int8")
DB = D + ("bool",)
FG = ("float32", "float64")
F32 = ("float32",)
GRAD_NO64 = ("float32", "float16")  # straight-through/scaled gradients: no finite differences
B = ("bool",)


def _fixed(v, grad=False):
    return In(gen=lambda rng, shape, dt, v=v: np.array(v).astype(dt), grad=grad)


def _fixed_dt(v, dtype):
    return In(dtype=dtype, gen=lambda rng, shape, dt, v=v: np.array(v).astype(dtype), grad=False)


def _with_zero(rng, shape, dt):
    """Values with a 0 planted (uint8/int8 isinf counts 0 as inf in MXNet)."""
    if dt.startswith("float"):
        specials = np.array([np.nan, np.inf, -np.inf, 0.0, 1.5, -2.0])
        a = specials[(rng.random(size=shape) * len(specials)).astype(np.int64)]
    else:
        a = np.floor(rng.random(size=shape) * 7).astype(np.int64) - 3
        if dt == "uint8":
            a = np.abs(a)
    a = a.astype(dt)
    a.reshape(-1)[0] = 0
    return a


def _isinf_ref(x):
    if x.dtype.kind == "f":
        r = np.isinf(x)
    elif x.dtype in (np.uint8, np.int8):
        r = x == 0
    else:
        r = x == np.iinfo(x.dtype).min
    return r.astype(x.dtype)


def _isfinite_ref(x):
    r = 1 - _isinf_ref(x).astype(np.int64)
    if x.dtype.kind == "f":
        r = r * ~np.isnan(x)
    return r.astype(x.dtype)


def _distinct(n_rows):
    """Index vectors of distinct rows in [0, n_rows)."""
    def gen(rng, shape, dt):
        return rng.permutation(n_rows)[:shape[0]].astype(dt)
    return gen


def _cs_h(out_dim):
    return In(gen=lambda rng, shape, dt: rng.integers(0, out_dim, shape).astype(dt), grad=False)


_CS_S = In(gen=lambda rng, shape, dt: (rng.integers(0, 2, shape) * 2 - 1).astype(dt),
           grad=False)


def _fft_ref(x):
    z = np.fft.fft(x.astype(np.float64), axis=-1)
    r = np.stack([z.real, z.imag], axis=-1).reshape(x.shape[:-1] + (2 * x.shape[-1],))
    return r.astype(x.dtype)


def _ifft_ref(x):
    d = x.shape[-1] // 2
    c = x[..., :2 * d].astype(np.float64).reshape(x.shape[:-1] + (d, 2))
    z = c[..., 0] + 1j * c[..., 1]
    return (np.fft.ifft(z, axis=-1).real * d).astype(x.dtype)


def _cs_ref(x, h, s, out_dim, processing_batch_size=32):
    d = x.shape[-1]
    x2 = x.reshape(-1, d).astype(np.float64)
    out = np.zeros((x2.shape[0], out_dim))
    for i in range(d):
        out[:, int(h.reshape(-1)[i])] += x2[:, i] * s.reshape(-1)[i]
    return out.reshape(x.shape[:-1] + (out_dim,)).astype(x.dtype)


def _arange_ref(x, start=0.0, step=1.0, repeat=1, axis=None):
    n = x.size if axis is None else x.shape[axis]
    shape = x.shape if axis is None else (x.shape[axis],)
    i = np.trunc(np.arange(n) / repeat).astype(np.int64)
    if x.dtype in (np.float32, np.float64):
        t = x.dtype.type
        return (t(start) + i.astype(x.dtype) * t(step)).reshape(shape)
    return (int(start) + i * int(step)).astype(x.dtype).reshape(shape)


def _index_array_ref(x, axes=None):
    grids = np.meshgrid(*[np.arange(s) for s in x.shape], indexing="ij")
    ax = range(x.ndim) if axes is None else [a % x.ndim for a in axes]
    return np.stack([grids[a] for a in ax], axis=-1).astype(np.int64)


def _quad_ref(x, a=0.0, b=0.0, c=0.0):
    r = a * x.astype(np.float64) ** 2 + b * x.astype(np.float64) + c
    if x.dtype.kind == "f":
        return r.astype(x.dtype)
    return np.trunc(r).astype(np.int64).astype(x.dtype)


def _round_half_away(x):
    if x.dtype.kind != "f":
        return x.copy()
    return (np.sign(x) * np.floor(np.abs(x) + 0.5)).astype(x.dtype)


def _sign0(x):
    r = np.sign(x)
    return np.nan_to_num(r, nan=0.0).astype(x.dtype) if x.dtype.kind == "f" else r


# ---- control flow (call= forms: results flattened to a list of NDArrays)
def _foreach_call(mx, a, args, kw):
    def body(d, states):
        return d * states[0] + 1, [states[0] + d]
    outs, states = mx.nd.contrib.foreach(body, a[0], [a[1]])
    return [outs] + list(states)


def _foreach_multi(mx, a, args, kw):
    def body(d, states):
        x, y = d
        return [x + y, x * states[0]], [states[0] * 0.5 + y, states[1] - x]
    outs, states = mx.nd.contrib.foreach(body, [a[0], a[1]], [a[2], a[3]])
    return list(outs) + list(states)


def _while_call(max_iterations, slice_steps=None, shape_only=False):
    def call(mx, a, args, kw):
        i0 = mx.nd.array([0], dtype=a[0].dtype)

        def cond(i, s):
            return i < 3

        def func(i, s):
            return [s * 2 + i], [i + 1, s * s * 0.5 + 1]
        outs, (i, s) = mx.nd.contrib.while_loop(cond, func, (i0, a[0]),
                                                max_iterations=max_iterations)
        if shape_only:
            return str((tuple(outs[0].shape), i.asnumpy().tolist()))
        o = outs[0] if slice_steps is None else outs[0][:slice_steps]
        return [o, s]
    return call


def _while_never(mx, a, args, kw):
    outs, s = mx.nd.contrib.while_loop(lambda s: s.sum() > 1e9, lambda s: ([s], [s + 1]),
                                       a[0], max_iterations=4)
    return str((outs, type(s).__name__, tuple(s.shape)))


def _while_no_max(mx, a, args, kw):
    return mx.nd.contrib.while_loop(lambda s: s.sum() < 1, lambda s: ([s], [s + 1]), [a[0]])


def _foreach_bad(mx, a, args, kw):
    return mx.nd.contrib.foreach(lambda d, s: (d, s), [a[0], 3], [a[0]])


def _cond(pred):
    def call(mx, a, args, kw):
        p = mx.nd.array([pred])
        return mx.nd.contrib.cond(p, lambda: a[0] * a[0] + 1, lambda: a[0] * 3 - 1)
    return call


def _cond_data(mx, a, args, kw):
    return mx.nd.contrib.cond(a[0].sum() > 0, lambda: [a[0] * 2, a[1]],
                              lambda: [a[1], a[0] - 1])


def _cond_bad_pred(mx, a, args, kw):
    return mx.nd.contrib.cond(a[0], lambda: a[0], lambda: a[0])


def _zipf_stat(out, dt, kw):
    assert np.isfinite(out.astype(np.float64)).all()
    if out.dtype == np.int64:
        assert out.shape == (64,) and out.min() >= 0 and out.max() < 10
    else:
        assert out.dtype == np.float64 and (out > 0).all()


def _uniform_stat(out, dt, kw):
    assert out.shape == (2000,) and out.min() >= 0 and out.max() < 1
    assert abs(float(out.astype(np.float64).mean()) - 0.5) < 0.05


def _ctc(name):
    def call(mx, a, args, kw):
        return getattr(mx.nd.contrib, name)(a[0], a[1])
    return call


def _bwd_only(name):
    return lambda mx, a, args, kw: getattr(mx.nd.contrib, name)()


CASES = [
    # ---------------------------------------------------------------- element tests
    Case("contrib.isinf", "co_basic", samples=[((2, 5),), ((7,),)], dtypes=D,
         inputs=[In(gen=_with_zero)], ref=_isinf_ref, grad=True),
    Case("contrib.isfinite", "co_basic", samples=[((2, 5),), ((7,),)], dtypes=D,
         inputs=[In(gen=_with_zero)], ref=_isfinite_ref, grad=True),
    Case("contrib.isnan", "co_basic", samples=[((2, 5),), ((7,),)], dtypes=D,
         inputs=[In(gen=_with_zero)],
         ref=lambda x: (x != x).astype(x.dtype), grad=True),
    # bool: MXNet fails asynchronously and the pending error resurfaces in later calls of the
    # recorder process, so these are not recorded (mxcompat must raise MXNetError)
    Case("contrib.isinf", "co_bool", dtypes=B, mx_crash="MXNet: Unknown type enum 7 (async)"),
    Case("contrib.isfinite", "co_bool", dtypes=B, mx_crash="MXNet: Unknown type enum 7 (async)"),
    Case("contrib.isnan", "co_bool", dtypes=B,
         mx_crash="MXNet: broadcast_not_equal does not support boolean type (async)"),
    Case("contrib.isinf", "co_int_min", samples=[((4,),)], dtypes=("int32", "int64"),
         inputs=[In(gen=lambda rng, shape, dt: np.array([0, 5, -7, np.iinfo(dt).min])
                    .astype(dt))], ref=_isinf_ref),
    Case("contrib.isfinite", "co_int_min", samples=[((4,),)], dtypes=("int32", "int64"),
         inputs=[In(gen=lambda rng, shape, dt: np.array([0, 5, -7, np.iinfo(dt).min])
                    .astype(dt))], ref=_isfinite_ref),
    # ---------------------------------------------------------------- allclose
    Case("contrib.allclose", "co_equal", samples=[((2, 3), (2, 3))], dtypes=D, rejects=B,
         inputs=[_fixed([[1, 2, 3], [4, 5, 6]]), _fixed([[1, 2, 3], [4, 5, 6]])],
         ref=lambda a, b: np.array(1, np.uint8)),
    Case("contrib.allclose", "co_random", samples=[((2, 3), (2, 3))], dtypes=D, rejects=B,
         ref=lambda a, b: np.array(int(np.allclose(a.astype(float), b.astype(float))),
                                   np.uint8)),
    Case("contrib.allclose", "co_tol", samples=[((2, 3), (2, 3))], dtypes=D, rejects=B,
         inputs=[In(domain=(1.0, 2.0)), In(domain=(1.0, 2.0))], kwargs={"rtol": 0.1, "atol": 1},
         ref=lambda a, b, rtol, atol: np.array(1, np.uint8)),
    Case("contrib.allclose", "co_near", samples=[((3,), (3,))], dtypes=FG + ("float16",),
         inputs=[_fixed([1.0, 100.0, -3.0]), _fixed([1.000005, 100.0004, -3.00002])],
         ref=lambda a, b: np.array(int(np.allclose(a.astype(float), b.astype(float))),
                                   np.uint8), note="float32 rounding decides the middle case"),
    Case("contrib.allclose", "co_nan", samples=[((4,), (4,))], dtypes=FG,
         inputs=[_fixed([np.nan, np.inf, 1.0, -np.inf]), _fixed([np.nan, np.inf, 1.0, -np.inf])],
         ref=lambda a, b: np.array(1, np.uint8)),
    Case("contrib.allclose", "co_nan_false", samples=[((4,), (4,))], dtypes=FG,
         inputs=[_fixed([np.nan, np.inf, 1.0, -np.inf]), _fixed([np.nan, np.inf, 1.0, -np.inf])],
         kwargs={"equal_nan": False}, ref=lambda a, b, equal_nan: np.array(0, np.uint8)),
    Case("contrib.allclose", "co_inf_b", samples=[((2,), (2,))], dtypes=FG,
         inputs=[_fixed([1.0, 2.0]), _fixed([np.inf, 2.0])],
         note="asymmetric: |a-b| <= atol + rtol*|b| holds when b is inf"),
    Case("contrib.allclose", "co_inf_a", samples=[((2,), (2,))], dtypes=FG,
         inputs=[_fixed([np.inf, 2.0]), _fixed([1.0, 2.0])],
         ref=lambda a, b: np.array(0, np.uint8)),
    Case("contrib.allclose", "co_shape", samples=[((2, 3), (3, 2))], dtypes=F32, raises=True),
    Case("contrib.allclose", "co_bcast", samples=[((2, 3), (1, 3))], dtypes=F32, raises=True),
    Case("contrib.allclose", "co_dtype", samples=[((2, 3), (2, 3))], dtypes=F32, raises=True,
         inputs=[In(), In(dtype="float64")]),
    # ---------------------------------------------------------------- arange_like
    Case("contrib.arange_like", "co_default", samples=[((2, 3),), ((4,),)], dtypes=D,
         rejects=B, ref=_arange_ref, grad=True),
    Case("contrib.arange_like", "co_start_step", samples=[((2, 3),)], dtypes=D, rejects=B,
         kwargs={"start": 1.5, "step": 0.5},
         note="float16 and integer outputs truncate start and step to integers"),
    Case("contrib.arange_like", "co_neg", samples=[((2, 3),)], dtypes=D, rejects=B,
         kwargs={"start": -1.7, "step": -1.5},
         note="float16/integer: start -1, step -1; uint8 wraps"),
    Case("contrib.arange_like", "co_repeat", samples=[((7,),)], dtypes=D, rejects=B,
         kwargs={"start": 0.1, "step": 0.3, "repeat": 2},
         note="float32 arithmetic (0.1f + 2 * 0.3f = 0.70000005); float16 truncates"),
    Case("contrib.arange_like", "co_axis", samples=[((2, 3, 4),)], dtypes=D, rejects=B,
         kwargs={"axis": -2, "start": 2, "step": 3, "repeat": 2}, ref=_arange_ref),
    Case("contrib.arange_like", "co_neg_repeat", samples=[((2, 3),)], dtypes=F32,
         kwargs={"repeat": -1}, ref=_arange_ref),
    Case("contrib.arange_like", "co_wrap", samples=[((300,),)], dtypes=("uint8", "int8"),
         kwargs={"start": 250}, ref=_arange_ref),
    Case("contrib.arange_like", "co_axis_oob", samples=[((2, 3),)], dtypes=F32,
         kwargs={"axis": 2}, raises=True),
    Case("contrib.arange_like", "co_0d", samples=[((),)], dtypes=F32, raises=True),
    Case("contrib.arange_like", "co_repeat0", samples=[((2, 3),)], dtypes=F32,
         kwargs={"repeat": 0}, mx_crash="SIGFPE"),
    Case("contrib.arange_like", "co_bad_kwarg", samples=[((2, 3),)], dtypes=F32,
         kwargs={"foo": 1}, raises=True),
    # ---------------------------------------------------------------- index_copy
    Case("contrib.index_copy", "co_basic", samples=[((5, 3), (3,), (3, 3)), ((4,), (2,), (2,))],
         dtypes=D, rejects=B, inputs=[In(), In(dtype="int64", gen=_distinct(4), grad=False),
                                      In()], grad=True),
    Case("contrib.index_copy", "co_float_index", samples=[((4, 2), (2,), (2, 2))], dtypes=FG,
         inputs=[In(), _fixed([3.7, 0.2]), In()], grad=True),
    Case("contrib.index_copy", "co_int32_index", samples=[((4, 2), (2,), (2, 2))],
         dtypes=("float32", "int32"), inputs=[In(), _fixed_dt([1, 2], "int32"), In()]),
    Case("contrib.index_copy", "co_len", samples=[((4, 2), (3,), (2, 2))], dtypes=F32,
         inputs=[In(), _fixed([0, 1, 2]), In()], raises=True),
    Case("contrib.index_copy", "co_shape", samples=[((4, 2), (2,), (2, 3))], dtypes=F32,
         inputs=[In(), _fixed([0, 1]), In()], raises=True),
    Case("contrib.index_copy", "co_index_2d", samples=[((4, 2), (1, 2), (2, 2))], dtypes=F32,
         inputs=[In(), _fixed([[0, 1]]), In()], raises=True),
    Case("contrib.index_copy", "co_dtype", samples=[((4, 2), (2,), (2, 2))], dtypes=F32,
         inputs=[In(), _fixed([0, 1]), In(dtype="float64")], raises=True),
    Case("contrib.index_copy", "co_oob", samples=[((4, 2), (2,), (2, 2))], dtypes=F32,
         inputs=[In(), _fixed([0, 5]), In()], mx_crash="heap corruption (writes out of bounds)"),
    # ---------------------------------------------------------------- index_array
    Case("contrib.index_array", "co_default", samples=[((3, 2),), ((2, 1, 3),), ((4,),)],
         dtypes=DB, ref=_index_array_ref),
    Case("contrib.index_array", "co_axes", samples=[((3, 2, 2),)], dtypes=DB,
         kwargs={"axes": (1, 0)}, ref=_index_array_ref),
    Case("contrib.index_array", "co_axes_mod", samples=[((2, 3),)], dtypes=F32,
         kwargs={"axes": (3, -3, -4, 5)}, ref=_index_array_ref,
         note="MXNet takes axes modulo ndim"),
    Case("contrib.index_array", "co_axes_empty", samples=[((2, 3),)], dtypes=F32,
         kwargs={"axes": ()}),
    Case("contrib.index_array", "co_0d", samples=[((),)], dtypes=F32, raises=True),
    Case("contrib.index_array", "co_zero_size", samples=[((0, 3),)], dtypes=F32, raises=True),
    # ---------------------------------------------------------------- quadratic
    Case("contrib.quadratic", "co_basic", samples=[((2, 3),), ((5,),)], dtypes=D, rejects=B,
         kwargs={"a": 1.5, "b": 2.5, "c": -3.5}, ref=_quad_ref, grad=True,
         note="integers: computed in floating point, truncated, wrapped"),
    Case("contrib.quadratic", "co_default", samples=[((2, 3),)], dtypes=D, rejects=B,
         ref=_quad_ref),
    Case("contrib.quadratic", "co_str_params", samples=[((4,),)], dtypes=FG,
         kwargs={"a": "2", "b": "-1", "c": "0.5"},
         ref=lambda x, a, b, c: (2 * x * x - x + 0.5).astype(x.dtype), grad=True),
    # ---------------------------------------------------------------- STEs, gradientmultiplier
    Case("contrib.round_ste", "co_fwd", samples=[((2, 5),)], dtypes=D, rejects=B,
         inputs=[In(gen=lambda rng, shape, dt: (np.floor(rng.random(shape) * 16 - 8) / 2)
                    .astype(dt))], ref=_round_half_away),
    Case("contrib.round_ste", "co_grad", samples=[((2, 5),)], dtypes=GRAD_NO64, grad=True),
    Case("contrib.sign_ste", "co_fwd", samples=[((2, 5),)], dtypes=D, rejects=B,
         inputs=[In(gen=_with_zero)], ref=_sign0),
    Case("contrib.sign_ste", "co_grad", samples=[((2, 5),)], dtypes=GRAD_NO64, grad=True),
    Case("contrib.gradientmultiplier", "co_fwd", samples=[((2, 3),)], dtypes=DB,
         kwargs={"scalar": -2.5}, ref=lambda x, scalar: x.copy()),
    Case("contrib.gradientmultiplier", "co_grad", samples=[((2, 3),)], dtypes=GRAD_NO64,
         kwargs={"scalar": -2.5}, grad=True),
    Case("contrib.gradientmultiplier", "co_grad_float", samples=[((2, 3),)],
         dtypes=GRAD_NO64, kwargs={"scalar": 0.25, "is_int": False}, grad=True),
    Case("contrib.gradientmultiplier", "co_bad_scalar", samples=[((2,),)], dtypes=F32,
         kwargs={"scalar": "abc"}, raises=True),
    Case("contrib.backward_gradientmultiplier", "co_is_int", samples=[((2, 3),)], dtypes=DB,
         kwargs={"scalar": -2.5}),
    Case("contrib.backward_gradientmultiplier", "co_not_int", samples=[((2, 3),)], dtypes=DB,
         kwargs={"scalar": 2.5, "is_int": False}),
    Case("contrib.backward_gradientmultiplier", "co_default", samples=[((2, 3),)], dtypes=F32),
    Case("contrib.backward_quadratic", "co_call", samples=[()], dtypes=F32, raises=True,
         call=_bwd_only("backward_quadratic")),
    Case("contrib.backward_index_copy", "co_call", samples=[()], dtypes=F32, raises=True,
         call=_bwd_only("backward_index_copy")),
    Case("contrib.backward_hawkesll", "co_call", samples=[()], dtypes=F32, raises=True,
         call=_bwd_only("backward_hawkesll")),
    # ---------------------------------------------------------------- fft / ifft / count_sketch
    Case("contrib.fft", "co_2d", samples=[((3, 4),), ((2, 5),)], dtypes=FG + ("float16",),
         ref=_fft_ref, grad=True, tol={"float16": (1e-2, 5e-2)},
         extension="MXNet 1.9.1 computes fft on GPU only (CPU raises); mxcompat on every "
         "device"),
    Case("contrib.fft", "co_4d", samples=[((2, 1, 2, 3),)], dtypes=FG, ref=_fft_ref,
         grad=True, extension="MXNet 1.9.1 computes fft on GPU only (CPU raises); mxcompat "
         "on every device"),
    Case("contrib.fft", "co_3d", samples=[((2, 2, 3),)], dtypes=F32, raises=True),
    Case("contrib.ifft", "co_2d", samples=[((3, 4),), ((2, 6),)], dtypes=FG + ("float16",),
         ref=_ifft_ref, grad=True, tol={"float16": (1e-2, 5e-2)},
         extension="MXNet 1.9.1 computes ifft on GPU only (CPU raises); mxcompat on every "
         "device"),
    Case("contrib.ifft", "co_4d", samples=[((2, 1, 2, 4),)], dtypes=FG, ref=_ifft_ref,
         grad=True, extension="MXNet 1.9.1 computes ifft on GPU only (CPU raises); mxcompat "
         "on every device"),
    Case("contrib.ifft", "co_3d", samples=[((2, 2, 4),)], dtypes=F32, raises=True),
    Case("contrib.count_sketch", "co_2d", samples=[((3, 4), (1, 4), (1, 4))], dtypes=FG,
         inputs=[In(), _cs_h(5), _CS_S], kwargs={"out_dim": 5}, ref=_cs_ref, grad=True,
         extension="MXNet 1.9.1 computes count_sketch on GPU only (CPU raises); mxcompat on "
         "every device"),
    Case("contrib.count_sketch", "co_4d", samples=[((2, 1, 2, 3), (1, 3), (1, 3))], dtypes=FG,
         inputs=[In(), _cs_h(4), _CS_S], kwargs={"out_dim": 4, "processing_batch_size": 2},
         ref=_cs_ref, grad=True,
         extension="MXNet 1.9.1 computes count_sketch on GPU only (CPU raises); mxcompat on "
         "every device"),
    Case("contrib.count_sketch", "co_3d", samples=[((2, 2, 3), (1, 3), (1, 3))], dtypes=F32,
         inputs=[In(), _cs_h(4), _CS_S], kwargs={"out_dim": 4}, raises=True),
    Case("contrib.count_sketch", "co_h_len", samples=[((2, 3), (1, 2), (1, 3))], dtypes=F32,
         inputs=[In(), _cs_h(4), _CS_S], kwargs={"out_dim": 4}, raises=True),
    # ---------------------------------------------------------------- random
    Case("contrib.rand_zipfian", "co_stats", samples=[((3,),)], dtypes=F32,
         inputs=[In(gen=lambda rng, shape, dt: np.array([0, 3, 9]).astype(dt))],
         call=lambda mx, a, args, kw: mx.nd.contrib.rand_zipfian(a[0], 64, 10),
         values=False, stat=_zipf_stat),
    Case("contrib.rand_zipfian", "co_expected_true", samples=[((3,),)], dtypes=F32,
         inputs=[In(gen=lambda rng, shape, dt: np.array([0, 3, 9]).astype(dt))],
         call=lambda mx, a, args, kw: mx.nd.contrib.rand_zipfian(a[0], 64, 10)[1],
         ref=lambda t: (np.log((t.astype(np.float64) + 2) / (t + 1)) / np.log(11) * 64)),
    Case("contrib.uniform", "co_stats", samples=[()], dtypes=("float32", "float64"),
         kwargs={"low": 0, "high": 1, "shape": (2000,), "dtype": DT}, values=False,
         stat=_uniform_stat),
    Case("contrib.current_context", "co_default", samples=[()], dtypes=F32,
         call=lambda mx, a, args, kw: str(mx.nd.contrib.current_context())),
    # ---------------------------------------------------------------- CTCLoss aliases
    Case("contrib.CTCLoss", "co_alias", samples=[((6, 2, 4), (2, 3))], dtypes=F32,
         inputs=[In(domain=(-2.0, 2.0)), _fixed([[1, 2, 0], [3, 1, 1]])], grad=True,
         call=_ctc("CTCLoss")),
    Case("contrib.ctc_loss", "co_alias", samples=[((6, 2, 4), (2, 3))], dtypes=F32,
         inputs=[In(domain=(-2.0, 2.0)), _fixed([[1, 2, 0], [3, 1, 1]])], grad=True,
         call=_ctc("ctc_loss")),
    # ---------------------------------------------------------------- control flow
    Case("contrib.foreach", "co_basic", samples=[((4, 3), (3,))], dtypes=FG, grad=True,
         call=_foreach_call),
    Case("contrib.foreach", "co_multi", samples=[((3, 2), (3, 2), (2,), (2,))], dtypes=FG,
         grad=True, call=_foreach_multi),
    Case("contrib.foreach", "co_bad_data", samples=[((3, 2),)], dtypes=F32, raises=True,
         call=_foreach_bad),
    Case("contrib.while_loop", "co_exact", samples=[((2,),)], dtypes=FG, grad=True,
         call=_while_call(3)),
    Case("contrib.while_loop", "co_padded", samples=[((2,),)], dtypes=FG, grad=True,
         call=_while_call(5, slice_steps=3)),
    Case("contrib.while_loop", "co_padded_shape", samples=[((2,),)], dtypes=FG,
         call=_while_call(5, shape_only=True)),
    Case("contrib.while_loop", "co_max_stops", samples=[((2,),)], dtypes=FG, grad=True,
         call=_while_call(2)),
    Case("contrib.while_loop", "co_never", samples=[((2,),)], dtypes=F32, call=_while_never),
    Case("contrib.while_loop", "co_no_max", samples=[((2,),)], dtypes=F32, raises=True,
         call=_while_no_max),
    Case("contrib.cond", "co_then", samples=[((2, 3),)], dtypes=FG, grad=True, call=_cond(1)),
    Case("contrib.cond", "co_else", samples=[((2, 3),)], dtypes=FG, grad=True, call=_cond(0)),
    Case("contrib.cond", "co_data_pred", samples=[((2, 3), (2, 3))], dtypes=FG, grad=True,
         call=_cond_data),
    Case("contrib.cond", "co_bad_pred", samples=[((2, 3),)], dtypes=F32, raises=True,
         call=_cond_bad_pred),
]
