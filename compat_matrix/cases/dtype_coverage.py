"""dtype coverage: variants declaring the dtypes MXNet 1.9.1 accepts for ops whose other
cases leave them out (found by ``record_matrix.py --probe-all``). Kept apart from the
original modules so their goldens stay untouched. Variant names start with ``dc_``."""
import numpy as np

from compat_matrix.cases.misc_more import _hist
from compat_matrix.spec import DT, Case, In

F16 = ("float16",)
INTS = ("uint8", "int32", "int8", "int64")
SINTS = ("int32", "int8", "int64")


def _softmax(x, axis=-1):
    x = x.astype(np.float64)
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _pool(x, kernel, pool_type):
    n, c, h, w = x.shape
    kh, kw = kernel
    oh, ow = h - kh + 1, w - kw + 1
    out = np.empty((n, c, oh, ow), np.float64)
    f = np.max if pool_type == "max" else np.mean
    for i in range(oh):
        for j in range(ow):
            out[:, :, i, j] = f(x[:, :, i:i + kh, j:j + kw].astype(np.float64), axis=(2, 3))
    return out.astype(x.dtype)


def _layernorm(x, g, b):
    dt = x.dtype
    x, g, b = (a.astype(np.float64) for a in (x, g, b))
    m = x.mean(-1, keepdims=True)
    v = x.var(-1, keepdims=True)
    return ((x - m) / np.sqrt(v + 1e-5) * g + b).astype(dt)


def _idx(hi):
    return lambda rng, shape, dt: np.floor(rng.random(size=shape) * hi).astype(dt)


def _seq_len(rng, shape, dt):
    return np.array([1, 3]).astype(dt)


def _nms_data(rng, shape, dt):
    """(N, 6) rows [id, score, x1, y1, x2, y2], two clusters of boxes, distinct scores."""
    lead = shape[:-1]
    ids = np.floor(rng.random(size=lead) * 3)
    scores = rng.random(size=lead)
    cl = np.floor(rng.random(size=lead) * 2)
    ctr = cl[..., None] * 0.8 + 0.5 + 0.1 * rng.random(size=lead + (2,))
    half = 0.3 + 0.1 * rng.random(size=lead + (2,))
    return np.concatenate([ids[..., None], scores[..., None], ctr - half, ctr + half],
                          -1).astype(dt)


def _pix(rng, shape, dt):
    return rng.integers(0, 128, shape).astype(dt)


def _inplace(meth):
    def call(mx, a, args, kw):
        x = a[0].copy()
        r = getattr(x, meth)(a[1])
        return [x, r]
    return call


def _set(key, value_input=False, value=None):
    def call(mx, a, args, kw):
        a[0][key] = a[1] if value_input else value
        return a[0]
    return call


def _uniform_stat(out, dt, kw):
    assert out.shape == (2000,) and out.min() >= 0 and out.max() < 1
    assert abs(float(out.astype(np.float64).mean()) - 0.5) < 0.05


def _uniform_rows(out, dt, kw):
    assert out.shape == (2, 300) and out.dtype == np.float32
    for lo, row in zip((0, 5), out):
        assert row.min() >= lo and row.max() <= lo + 1 and abs(row.mean() - lo - 0.5) < 0.1


def _conv(x, w, b, kernel, num_filter):
    n, c, h, ww = x.shape
    f, _, kh, kw = w.shape
    out = np.zeros((n, f, h - kh + 1, ww - kw + 1), np.int64)
    for i in range(h - kh + 1):
        for j in range(ww - kw + 1):
            out[:, :, i, j] = np.tensordot(x[:, :, i:i + kh, j:j + kw].astype(np.int64),
                                           w.astype(np.int64), axes=([1, 2, 3], [1, 2, 3]))
    return (out + b.astype(np.int64).reshape(1, -1, 1, 1)).astype(x.dtype)


POS = In(domain=(1, 4))
SMALL = In(domain=(-2, 2))

CASES = [
    # ---- nn ops in float16
    Case("Activation", "dc_relu", dtypes=F16, kwargs={"act_type": "relu"},
         ref=lambda x, act_type: np.maximum(x, 0)),
    Case("Activation", "dc_sigmoid", dtypes=F16, kwargs={"act_type": "sigmoid"},
         ref=lambda x, act_type: (1 / (1 + np.exp(-x.astype(np.float64)))).astype(x.dtype)),
    Case("softmax", "dc_f16", samples=[((3, 4),)], dtypes=F16,
         ref=lambda x: _softmax(x).astype(x.dtype)),
    Case("log_softmax", "dc_f16", samples=[((3, 4),)], dtypes=F16,
         ref=lambda x: np.log(_softmax(x)).astype(x.dtype)),
    Case("softmin", "dc_f16", samples=[((3, 4),)], dtypes=F16,
         ref=lambda x: _softmax(-x).astype(x.dtype)),
    Case("Softmax", "dc_f16", samples=[((3, 5), (3,))], dtypes=F16,
         inputs=[In(), In(gen=_idx(5), grad=False)],
         ref=lambda x, y: _softmax(x).astype(x.dtype)),
    Case("Pooling", "dc_max", samples=[((1, 2, 4, 4),)], dtypes=F16,
         kwargs={"kernel": (2, 2), "pool_type": "max"}, ref=_pool),
    Case("Pooling", "dc_avg", samples=[((1, 2, 4, 4),)], dtypes=F16,
         kwargs={"kernel": (2, 2), "pool_type": "avg"}, ref=_pool),
    Case("LeakyReLU", "dc_leaky", samples=[((3, 4),)], dtypes=F16,
         ref=lambda x: np.where(x > 0, x, 0.25 * x)),
    Case("LayerNorm", "dc_last", samples=[((3, 4), (4,), (4,))], dtypes=F16, ref=_layernorm),
    Case("Dropout", "dc_predict", samples=[((3, 4),)], dtypes=F16, ref=lambda x: x),
    # (L2Normalization float16/float64: not declared. MXNet 1.9.1 accepts them, but the
    # recorder process dies of heap corruption (free(): invalid next size) inside its
    # L2Normalization call in most runs, so no stable golden can be recorded)
    Case("Embedding", "dc_dtypes", samples=[((5,), (4, 3))], dtypes=F16 + INTS,
         rejects=("bool",),
         inputs=[In(gen=_idx(4), grad=False), In()],
         kwargs={"input_dim": 4, "output_dim": 3, "dtype": DT},
         ref=lambda i, w, input_dim, output_dim, dtype: w[i.astype(int)]),
    Case("SequenceMask", "dc_len", samples=[((4, 2, 3), (2,))], dtypes=F16 + INTS,
         rejects=("bool",),
         inputs=[In(), In(gen=_seq_len, grad=False)],
         kwargs={"use_sequence_length": True},
         ref=lambda x, n, use_sequence_length: np.where(
             np.arange(4)[:, None, None] < n[None, :, None], x, 0).astype(x.dtype)),
    Case("Convolution", "dc_int8", samples=[((1, 2, 4, 4), (2, 2, 3, 3), (2,))],
         dtypes=("int8",), inputs=[SMALL, SMALL, SMALL],
         kwargs={"kernel": (3, 3), "num_filter": 2}, ref=_conv),
    # ---- misc
    Case("histogram", "dc_range", samples=[((10,),)], dtypes=F16 + INTS,
         call=_hist(bins=4, range=(-3.0, 3.0))),
    Case("histogram", "dc_bins_arr", samples=[((12,),)], dtypes=F16 + INTS, call=_hist(True)),
    Case("linspace", "dc_int", samples=[()], args=(0, 10, 4), kwargs={"dtype": DT},
         dtypes=("int8", "uint8"),
         ref=lambda a, b, n, dtype: np.linspace(a, b, n).astype(dtype)),
    Case("contrib.uniform", "dc_f16", samples=[()], dtypes=F16,
         kwargs={"low": 0, "high": 1, "shape": (2000,), "dtype": DT}, values=False,
         stat=_uniform_stat),
    Case("contrib.box_non_maximum_suppression", "dc_f16", samples=[((8, 6),)],
         inputs=[In(gen=_nms_data)], dtypes=F16, kwargs={"overlap_thresh": 0.4}),
    Case("contrib.SparseEmbedding", "dc_dtypes", samples=[((2, 3), (5, 4))],
         inputs=[In(gen=_idx(5), grad=False), In()],
         dtypes=("float16", "uint8", "int32"), rejects=("int8", "int64", "bool"),
         kwargs={"input_dim": 5, "output_dim": 4, "dtype": DT}),
    Case("amp_multicast", "dc_same", samples=[((2,), (2, 2))], kwargs={"num_outputs": 2},
         dtypes=("int8", "uint8")),
    # OpenCV's bilinear resize takes int64 here but asserts on int32/int8 (3 channels)
    Case("image.resize", "dc_ints", samples=[((4, 6, 3),)], inputs=[In(gen=_pix)],
         kwargs={"size": (3, 2)}, dtypes=("int64",)),
    Case("image.resize", "dc_ints_rej", samples=[((4, 6, 3),)], inputs=[In(gen=_pix)],
         kwargs={"size": (3, 2)}, dtypes=(), rejects=("int32", "int8"),
         mx_crash="OpenCV assertion, then heap corruption (malloc abort)"),
    Case("image.resize", "dc_nearest_ints", samples=[((4, 6, 3),)], inputs=[In(gen=_pix)],
         kwargs={"size": (4, 3), "interp": 0}, dtypes=("int32", "int64", "int8")),
    # NDArray low/high of any numeric dtype: the output is float32
    Case("random.uniform", "dc_nd_params", samples=[((2,), (2,))],
         inputs=[In(gen=lambda rng, shape, dt: np.array([0, 5]).astype(dt))] * 2,
         call=lambda mx, a, args, kw: mx.nd.random.uniform(a[0], a[1] + 1, shape=(300,)),
         dtypes=("float64", "float16") + INTS, values=False, noncontig=False,
         stat=_uniform_rows),
    Case("stop_gradient", "dc_bool", dtypes=("bool",), ref=lambda x: x.copy()),
    Case("NDArray.zeros_like", "dc_bool", samples=[((2, 3),)], dtypes=("bool",),
         ref=lambda x: np.zeros_like(x)),
    Case("NDArray.ones_like", "dc_bool", samples=[((2, 3),)], dtypes=("bool",),
         ref=lambda x: np.ones_like(x)),
    # ---- operators
    Case("NDArray.__div__", "dc_arr", samples=[((2, 3), (2, 3))], inputs=[In(), POS],
         dtypes=INTS, rejects=("bool",), call=lambda mx, a, args, kw: a[0].__div__(a[1])),
    Case("NDArray.__div__", "dc_scalar", samples=[((2, 3),)], args=(2,),
         dtypes=INTS + ("bool",)),
    Case("NDArray.__rdiv__", "dc_arr", samples=[((2, 3), (2, 3))], inputs=[POS, In()],
         dtypes=INTS, rejects=("bool",), call=lambda mx, a, args, kw: a[0].__rdiv__(a[1])),
    Case("NDArray.__rdiv__", "dc_scalar", samples=[((2, 3),)], inputs=[POS], args=(7,),
         dtypes=INTS + ("bool",)),
    Case("NDArray.__idiv__", "dc_arr", samples=[((2, 3), (2, 3))], inputs=[In(), POS],
         dtypes=("uint8",), call=_inplace("__idiv__")),
    Case("NDArray.__imod__", "dc_arr", samples=[((2, 3), (2, 3))],
         inputs=[In(domain=(0, 20)), POS], dtypes=("float16", "int8", "uint8"),
         call=_inplace("__imod__")),
    # a bool NDArray value raises in MXNet ('Unknown type enum 7'); a scalar works
    Case("NDArray.__setitem__", "dc_bool", samples=[((4, 3), (2, 3))],
         call=_set(slice(1, 3), value_input=True), dtypes=("bool",),
         ref=lambda x, v: np.concatenate([x[:1], v, x[3:]]),
         extension="assigning a bool array into part of a bool array (MXNet 1.9.1's "
                   "_slice_assign has no bool kernel: Unknown type enum 7)"),
    Case("NDArray.__setitem__", "dc_bool_scalar", samples=[((4, 3),)],
         call=_set(1, value=1), dtypes=("bool",)),
]
