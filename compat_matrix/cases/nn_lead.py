"""Core neural-network ops (FullyConnected ... Embedding), declared by the lead."""
import numpy as np

from compat_matrix.spec import Case, In

FG = ("float32", "float64")


def _softmax(x, axis=-1):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _fc(x, w, b, num_hidden):
    return x.reshape(x.shape[0], -1) @ w.T + b


def _pool_max(x, kernel, stride):
    n, c, h, w = x.shape
    kh, kw = kernel
    sh, sw = stride
    oh, ow = (h - kh) // sh + 1, (w - kw) // sw + 1
    out = np.empty((n, c, oh, ow), x.dtype)
    for i in range(oh):
        for j in range(ow):
            out[:, :, i, j] = x[:, :, i * sh:i * sh + kh, j * sw:j * sw + kw].max(axis=(2, 3))
    return out


def _conv(x, w, b, kernel, num_filter, pad):
    p = pad[0]
    xp = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)))
    n, c, h, ww = xp.shape
    f, _, kh, kw = w.shape
    out = np.zeros((n, f, h - kh + 1, ww - kw + 1), np.float64)
    for i in range(h - kh + 1):
        for j in range(ww - kw + 1):
            out[:, :, i, j] = np.tensordot(xp[:, :, i:i + kh, j:j + kw], w,
                                           axes=([1, 2, 3], [1, 2, 3]))
    return (out + b.reshape(1, -1, 1, 1)).astype(x.dtype)


def _layernorm(x, g, b):
    m = x.mean(-1, keepdims=True)
    v = x.var(-1, keepdims=True)
    return (x - m) / np.sqrt(v + 1e-5) * g + b


def _bn_predict(x, g, b, mm, mv, fix_gamma):
    # predict mode: the moving statistics; eps 1e-3 (MXNet's default)
    s = (1, -1, 1, 1)
    return ((x - mm.reshape(s)) / np.sqrt(mv.reshape(s) + 1e-3) * g.reshape(s)
            + b.reshape(s)).astype(x.dtype)


_POS = In(domain=(0.5, 2.0), grad=False)

CASES = [
    Case("FullyConnected", "lead_basic", samples=[((4, 3), (5, 3), (5,))], dtypes=FG,
         kwargs={"num_hidden": 5}, grad=True, ref=_fc),
    Case("FullyConnected", "lead_flatten", samples=[((2, 3, 2), (4, 6), (4,))], dtypes=FG,
         kwargs={"num_hidden": 4}, grad=True, ref=_fc),
    Case("Activation", "lead_relu", samples=[((3, 4),)], dtypes=FG, kwargs={"act_type": "relu"},
         grad=True, ref=lambda x, act_type: np.maximum(x, 0)),
    Case("Activation", "lead_sigmoid", samples=[((3, 4),)], dtypes=FG,
         kwargs={"act_type": "sigmoid"}, grad=True,
         ref=lambda x, act_type: 1 / (1 + np.exp(-x))),
    Case("Activation", "lead_tanh", samples=[((3, 4),)], dtypes=FG, kwargs={"act_type": "tanh"},
         grad=True, ref=lambda x, act_type: np.tanh(x)),
    Case("Activation", "lead_softrelu", samples=[((3, 4),)], dtypes=FG,
         kwargs={"act_type": "softrelu"}, grad=True,
         ref=lambda x, act_type: np.log1p(np.exp(x))),
    Case("Activation", "lead_softsign", samples=[((3, 4),)], dtypes=FG,
         kwargs={"act_type": "softsign"}, grad=True,
         ref=lambda x, act_type: x / (1 + np.abs(x))),
    Case("LeakyReLU", "lead_leaky", samples=[((3, 4),)], dtypes=FG, grad=True,
         ref=lambda x: np.where(x > 0, x, 0.25 * x)),
    Case("LeakyReLU", "lead_elu", samples=[((3, 4),)], dtypes=FG, kwargs={"act_type": "elu"},
         grad=True, ref=lambda x, act_type: np.where(x > 0, x, 0.25 * np.expm1(x))),
    Case("softmax", "lead_last", samples=[((3, 4),), ((2, 3, 4),)], dtypes=FG, grad=True,
         ref=lambda x: _softmax(x)),
    Case("softmax", "lead_axis0", samples=[((3, 4),)], dtypes=FG, kwargs={"axis": 0},
         grad=True, ref=lambda x, axis: _softmax(x, axis)),
    Case("log_softmax", "lead_last", samples=[((3, 4),)], dtypes=FG, grad=True,
         ref=lambda x: np.log(_softmax(x))),
    Case("softmin", "lead_last", samples=[((3, 4),)], dtypes=FG, grad=True,
         ref=lambda x: _softmax(-x)),
    Case("Pooling", "lead_max", samples=[((2, 2, 5, 5),)], dtypes=FG,
         kwargs={"kernel": (2, 2), "pool_type": "max"},
         ref=lambda x, kernel, pool_type: _pool_max(x, kernel, (1, 1))),
    Case("Pooling", "lead_max_s2", samples=[((2, 2, 6, 6),)], dtypes=FG,
         kwargs={"kernel": (2, 2), "stride": (2, 2), "pool_type": "max"}, grad=True,
         ref=lambda x, kernel, stride, pool_type: _pool_max(x, kernel, stride)),
    Case("Pooling", "lead_global_avg", samples=[((2, 3, 4, 4),)], dtypes=FG,
         kwargs={"kernel": (1, 1), "global_pool": True, "pool_type": "avg"}, grad=True,
         ref=lambda x, kernel, global_pool, pool_type: x.mean(axis=(2, 3), keepdims=True)),
    Case("Convolution", "lead_3x3", samples=[((2, 3, 5, 5), (4, 3, 3, 3), (4,))], dtypes=FG,
         kwargs={"kernel": (3, 3), "num_filter": 4, "pad": (1, 1)}, grad=True,
         ref=_conv, tol={"float32": (1e-4, 1e-4)}),
    Case("LayerNorm", "lead_last", samples=[((3, 4), (4,), (4,))], dtypes=FG, grad=True,
         ref=_layernorm, tol={"float32": (1e-4, 1e-4)}),
    Case("BatchNorm", "lead_predict", samples=[((2, 3, 2, 2), (3,), (3,), (3,), (3,))],
         dtypes=FG, inputs=[In(), In(grad=False), In(grad=False), In(grad=False), _POS],
         kwargs={"fix_gamma": False}, ref=_bn_predict, tol={"float32": (1e-4, 1e-4)}),
    Case("L2Normalization", "lead_instance", samples=[((3, 4),)], dtypes=("float32",),
         grad=True, ref=lambda x: x / np.sqrt((x * x).sum(axis=1, keepdims=True) + 1e-10)),
    Case("Embedding", "lead_basic", samples=[((5,), (4, 3))], dtypes=FG,
         inputs=[In(gen=lambda rng, shape, dt: rng.integers(0, 4, shape).astype(dt),
                    grad=False), In()],
         kwargs={"input_dim": 4, "output_dim": 3},
         ref=lambda i, w, input_dim, output_dim: w[i.astype(int)]),
    Case("SequenceMask", "lead_len", samples=[((4, 2, 3), (2,))], dtypes=FG,
         inputs=[In(), In(gen=lambda rng, shape, dt: np.array([1, 3]).astype(dt),
                          grad=False)],
         kwargs={"use_sequence_length": True},
         ref=lambda x, n, use_sequence_length: np.where(
             np.arange(4)[:, None, None] < n[None, :, None], x, 0)),
    Case("Dropout", "lead_predict", samples=[((3, 4),)], dtypes=FG, ref=lambda x: x),
]
