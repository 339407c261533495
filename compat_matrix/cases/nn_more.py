"""More neural-network ops of mx.nd: loss heads, Deconvolution, normalisation, LRN, RNN,
sequence ops, UpSampling, CTC, im2col/col2im (variant prefix ``nm_``).

Loss heads (SoftmaxOutput, the regression heads, SVMOutput, MakeLoss, make_loss) have an
MXNet-defined backward that ignores the head gradient: their gradient cells compare with
MXNet's autograd. The runner also compares float64 gradients with finite differences of the
forward when the differentiated inputs have at most 128 elements, which a loss head can never
match, so their gradient samples use more than 128 data elements (``_BIG``).
"""
import numpy as np

from compat_matrix.spec import ALL_DTYPES, INTS, Case, In

FG = ("float32", "float64")
F16 = ("float16",)
F32 = ("float32",)
INTS_REJ = ("int32",)

#: a loss-head data shape with > 128 elements (see the module docstring)
_BIG = (9, 15)


def _ints(lo, hi, grad=False):
    """Integer values in [lo, hi) in the cell's dtype (labels, lengths)."""
    return In(gen=lambda rng, shape, dt: np.floor(lo + rng.random(size=shape) * (hi - lo))
              .astype(dt), grad=grad)


def _fixed(values):
    """A fixed array (whatever the sample shape says) in the cell's dtype."""
    return In(gen=lambda rng, shape, dt: np.asarray(values).astype(dt), grad=False)


_POS = In(domain=(0.5, 2.0))
_SMALL = In(domain=(-0.5, 0.5))


def _softmax(x, axis=-1):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _sm_flat(x, label, **kw):
    return _softmax(x.reshape(x.shape[0], -1).astype(np.float64), 1).reshape(x.shape) \
        .astype(x.dtype)


def _deconv(x, w, b=None, kernel=(), stride=(), pad=(), adj=(), dilate=(), num_filter=0,
            num_group=1, no_bias=True, target_shape=()):
    """Transposed convolution by scattering (N, C, *S) x (C, F/g, *K) -> (N, F, *O)."""
    k = len(kernel)
    s = stride or (1,) * k
    p = pad or (0,) * k
    a = adj or (0,) * k
    d = dilate or (1,) * k
    if target_shape:
        p, a = [], []
        for i in range(k):
            full = s[i] * (x.shape[2 + i] - 1) + d[i] * (kernel[i] - 1) + 1
            tot = full - target_shape[i]
            a.append(tot % 2)
            p.append((tot + 1) // 2)
    n, c = x.shape[:2]
    g = num_group
    fpg = w.shape[1]
    full = [s[i] * (x.shape[2 + i] - 1) + d[i] * (kernel[i] - 1) + 1 + a[i] for i in range(k)]
    out = np.zeros((n, fpg * g) + tuple(full), np.float64)
    cpg = c // g
    for idx in np.ndindex(*x.shape[2:]):
        for kk in np.ndindex(*kernel):
            pos = tuple(idx[i] * s[i] + kk[i] * d[i] for i in range(k))
            for gi in range(g):
                xs = x[(slice(None), slice(gi * cpg, (gi + 1) * cpg)) + idx]    # (N, cpg)
                ws = w[(slice(gi * cpg, (gi + 1) * cpg), slice(None)) + kk]     # (cpg, fpg)
                out[(slice(None), slice(gi * fpg, (gi + 1) * fpg)) + pos] += xs @ ws
    sl = tuple(slice(p[i], full[i] - p[i]) for i in range(k))
    out = out[(slice(None), slice(None)) + sl]
    if b is not None:
        out += b.reshape((1, -1) + (1,) * k)
    return out.astype(x.dtype)


def _rnn_psize(mode, layers, dirs, inp, hid):
    g = {"rnn_relu": 1, "rnn_tanh": 1, "lstm": 4, "gru": 3}[mode]
    size = 0
    for layer in range(layers):
        i = inp if layer == 0 else hid * dirs
        size += dirs * (g * hid * (i + hid) + 2 * g * hid)
    return size


def _rnn(mode, layers=1, bi=False, state_outputs=False, grad=True, t=3, n=2, inp=3, hid=2,
         variant=None, dtypes=FG):
    dirs = 2 if bi else 1
    ps = _rnn_psize(mode, layers, dirs, inp, hid)
    st = (layers * dirs, n, hid)
    sample = ((t, n, inp), (ps,), st) + ((st,) if mode == "lstm" else ())
    kw = {"state_size": hid, "num_layers": layers, "mode": mode}
    if bi:
        kw["bidirectional"] = True
    if state_outputs:
        kw["state_outputs"] = True
    name = variant or f"nm_{mode}" + (f"_L{layers}" if layers > 1 else "") + \
        ("_bi" if bi else "") + ("_states" if state_outputs else "")
    return Case("RNN", name, samples=[sample], dtypes=dtypes,
                inputs=[In(domain=(-1.0, 1.0)), _SMALL, _SMALL, _SMALL],
                kwargs=kw, grad=grad, rejects=("float16", "int32"), gpu_dtypes=FG + F16)


def _ctc_call(use_dl, use_ll):
    def call(mx, a, args, kw):
        extra = {}
        i = 2
        if use_dl:
            extra["data_lengths"] = a[i]
            i += 1
        if use_ll:
            extra["label_lengths"] = a[i]
        return mx.nd.CTCLoss(a[0], a[1], **extra, **kw)
    return call


# label rows for CTC: blank 0 ('first'): labels 1..3, padded with 0
_CTC_FIRST = [[1, 2, 0], [3, 1, 1]]
_CTC_LAST = [[0, 1, -1], [2, 0, 0]]

CASES = [
    # ---------------------------------------------------------------- SoftmaxOutput
    Case("SoftmaxOutput", "nm_basic", samples=[((3, 5), (3,))], dtypes=FG + F16,
         inputs=[In(), _ints(0, 5)], rejects=INTS_REJ, ref=_sm_flat),
    Case("SoftmaxOutput", "nm_grad", samples=[(_BIG, (9,))], dtypes=FG + F16,
         inputs=[In(), _ints(0, 15)], grad=True),
    Case("SoftmaxOutput", "nm_grad_scale", samples=[(_BIG, (9,))], dtypes=FG,
         inputs=[In(), _ints(0, 15)], kwargs={"grad_scale": 2.5}, grad=True),
    Case("SoftmaxOutput", "nm_ignore", samples=[(_BIG, (9,))], dtypes=FG,
         inputs=[In(), _ints(0, 4)], kwargs={"use_ignore": True, "ignore_label": 1},
         grad=True),
    Case("SoftmaxOutput", "nm_ignore_off", samples=[(_BIG, (9,))], dtypes=FG,
         inputs=[In(), _ints(0, 4)], kwargs={"ignore_label": 1}, grad=True),
    Case("SoftmaxOutput", "nm_norm_batch", samples=[(_BIG, (9,))], dtypes=FG,
         inputs=[In(), _ints(0, 15)], kwargs={"normalization": "batch"}, grad=True),
    Case("SoftmaxOutput", "nm_norm_valid", samples=[(_BIG, (9,))], dtypes=FG,
         inputs=[In(), _ints(0, 4)],
         kwargs={"normalization": "valid", "use_ignore": True, "ignore_label": 2},
         grad=True),
    Case("SoftmaxOutput", "nm_norm_valid_noignore", samples=[(_BIG, (9,))], dtypes=FG,
         inputs=[In(), _ints(0, 15)], kwargs={"normalization": "valid"}, grad=True),
    Case("SoftmaxOutput", "nm_multi_output", samples=[((3, 4, 11), (3, 11))], dtypes=FG,
         inputs=[In(), _ints(0, 4)], kwargs={"multi_output": True}, grad=True),
    Case("SoftmaxOutput", "nm_multi_norm_valid", samples=[((3, 4, 11), (3, 11))],
         dtypes=FG, inputs=[In(), _ints(0, 4)],
         kwargs={"multi_output": True, "normalization": "valid", "use_ignore": True,
                 "ignore_label": 0}, grad=True),
    Case("SoftmaxOutput", "nm_multi_batch_scale", samples=[((3, 4, 11), (3, 11))], dtypes=FG,
         inputs=[In(), _ints(0, 4)],
         kwargs={"multi_output": True, "normalization": "batch", "grad_scale": 2.0},
         grad=True),
    Case("SoftmaxOutput", "nm_preserve_valid", samples=[((3, 11, 4), (3, 11))], dtypes=FG,
         inputs=[In(), _ints(0, 4)],
         kwargs={"preserve_shape": True, "normalization": "valid", "use_ignore": True,
                 "ignore_label": 3}, grad=True),
    Case("SoftmaxOutput", "nm_preserve_batch", samples=[((3, 11, 4), (3, 11))], dtypes=FG,
         inputs=[In(), _ints(0, 4)],
         kwargs={"preserve_shape": True, "normalization": "batch"}, grad=True),
    # out_grad=True: MXNet 1.9.1 multiplies the gradient by its own output
    Case("SoftmaxOutput", "nm_out_grad", samples=[(_BIG, (9,))], dtypes=FG,
         inputs=[In(), _ints(0, 15)], kwargs={"out_grad": True}, grad=True),
    Case("SoftmaxOutput", "nm_preserve_shape", samples=[((3, 11, 4), (3, 11))], dtypes=FG,
         inputs=[In(), _ints(0, 4)], kwargs={"preserve_shape": True}, grad=True),
    # N-D data without multi_output/preserve_shape: the label must have shape data.shape[:-1]
    # but MXNet's kernel softmaxes over all non-batch dims (flattened) and reads only the
    # first N label values (label.reshape(-1)[:N]); 'valid' counts every label entry
    Case("SoftmaxOutput", "nm_nd_flat", samples=[((3, 2, 4), (3, 2))], dtypes=FG,
         inputs=[In(), _ints(0, 8)], ref=_sm_flat),
    Case("SoftmaxOutput", "nm_nd_flat_grad", samples=[((5, 3, 9), (5, 3))], dtypes=FG,
         inputs=[In(), _ints(0, 27)], grad=True),
    Case("SoftmaxOutput", "nm_nd_flat_valid", samples=[((5, 3, 9), (5, 3))], dtypes=FG,
         inputs=[In(), _ints(0, 4)],
         kwargs={"normalization": "valid", "use_ignore": True, "ignore_label": 1}, grad=True),
    Case("SoftmaxOutput", "nm_nd_bad_label", samples=[((3, 2, 4), (3,))], dtypes=F32,
         inputs=[In(), _ints(0, 8)], raises=True),
    Case("SoftmaxOutput", "nm_bad_label_col", samples=[((3, 5), (3, 1))], dtypes=F32,
         inputs=[In(), _ints(0, 5)], raises=True),
    Case("SoftmaxOutput", "nm_soft_label", samples=[(_BIG, _BIG)], dtypes=FG,
         inputs=[In(), In(domain=(0.0, 1.0), grad=False)], grad=True),
    Case("SoftmaxOutput", "nm_smooth", samples=[(_BIG, (9,))], dtypes=FG,
         inputs=[In(), _ints(0, 15)], kwargs={"smooth_alpha": 0.1}, grad=True),
    Case("SoftmaxOutput", "nm_bad_label", samples=[((3, 5), (4,))], dtypes=F32,
         inputs=[In(), _ints(0, 5)], raises=True),
    Case("Softmax", "nm_alias", samples=[(_BIG, (9,))], dtypes=FG,
         inputs=[In(), _ints(0, 15)], kwargs={"grad_scale": 0.5}, grad=True),
    # ---------------------------------------------------------------- regression heads
    Case("LinearRegressionOutput", "nm_basic", samples=[((3, 4), (3, 4))], dtypes=FG + F16,
         inputs=[In(), In(grad=False)], rejects=INTS_REJ, ref=lambda x, y: x),
    Case("LinearRegressionOutput", "nm_grad", samples=[(_BIG, _BIG)], dtypes=FG + F16,
         inputs=[In(), In(grad=False)], grad=True),
    Case("LinearRegressionOutput", "nm_grad_scale", samples=[(_BIG, _BIG)], dtypes=FG,
         inputs=[In(), In(grad=False)], kwargs={"grad_scale": 3.0}, grad=True),
    Case("LinearRegressionOutput", "nm_label_1d", samples=[((135, 1), (135,))], dtypes=FG,
         inputs=[In(), In(grad=False)], grad=True),
    Case("LinearRegressionOutput", "nm_bad_label", samples=[((3, 4), (3, 5))], dtypes=F32,
         inputs=[In(), In(grad=False)], raises=True),
    Case("LogisticRegressionOutput", "nm_basic", samples=[((3, 4), (3, 4))],
         dtypes=FG + F16, inputs=[In(), In(domain=(0.0, 1.0), grad=False)],
         rejects=INTS_REJ, ref=lambda x, y: (1 / (1 + np.exp(-x))).astype(x.dtype)),
    Case("LogisticRegressionOutput", "nm_grad", samples=[(_BIG, _BIG)], dtypes=FG + F16,
         inputs=[In(), In(domain=(0.0, 1.0), grad=False)], grad=True),
    Case("LogisticRegressionOutput", "nm_grad_scale", samples=[(_BIG, _BIG)], dtypes=FG,
         inputs=[In(), In(domain=(0.0, 1.0), grad=False)], kwargs={"grad_scale": 0.5},
         grad=True),
    Case("MAERegressionOutput", "nm_basic", samples=[((3, 4), (3, 4))], dtypes=FG + F16,
         inputs=[In(), In(grad=False)], rejects=INTS_REJ, ref=lambda x, y: x),
    Case("MAERegressionOutput", "nm_grad", samples=[(_BIG, _BIG)], dtypes=FG + F16,
         inputs=[In(), In(grad=False)], grad=True),
    Case("MAERegressionOutput", "nm_grad_scale", samples=[(_BIG, _BIG)], dtypes=FG,
         inputs=[In(), In(grad=False)], kwargs={"grad_scale": 2.0}, grad=True),
    # ---------------------------------------------------------------- SVMOutput
    Case("SVMOutput", "nm_basic", samples=[((3, 5), (3,))], dtypes=FG + F16,
         inputs=[In(), _ints(0, 5)], rejects=INTS_REJ, ref=lambda x, y: x),
    Case("SVMOutput", "nm_grad", samples=[(_BIG, (9,))], dtypes=FG,
         inputs=[In(), _ints(0, 15)], grad=True),
    Case("SVMOutput", "nm_margin", samples=[(_BIG, (9,))], dtypes=FG,
         inputs=[In(), _ints(0, 15)], kwargs={"margin": 0.5, "regularization_coefficient": 2.0},
         grad=True),
    Case("SVMOutput", "nm_linear", samples=[(_BIG, (9,))], dtypes=FG,
         inputs=[In(), _ints(0, 15)], kwargs={"use_linear": True}, grad=True),
    Case("SVMOutput", "nm_linear_margin", samples=[(_BIG, (9,))], dtypes=FG,
         inputs=[In(), _ints(0, 15)], kwargs={"use_linear": True, "margin": 2.0,
                                              "regularization_coefficient": 0.5}, grad=True),
    Case("SVMOutput", "nm_bad_label", samples=[((3, 5), (4,))], dtypes=F32,
         inputs=[In(), _ints(0, 5)], raises=True),
    # ---------------------------------------------------------------- MakeLoss / make_loss
    Case("MakeLoss", "nm_basic", samples=[((3, 4),)], dtypes=FG + F16, rejects=INTS,
         ref=lambda x: x),
    Case("MakeLoss", "nm_grad", samples=[(_BIG,)], dtypes=FG + F16, grad=True),
    Case("MakeLoss", "nm_grad_scale", samples=[(_BIG,)], dtypes=FG,
         kwargs={"grad_scale": 0.25}, grad=True),
    Case("MakeLoss", "nm_norm_batch", samples=[(_BIG,)], dtypes=FG,
         kwargs={"normalization": "batch"}, grad=True),
    Case("MakeLoss", "nm_bad_norm", samples=[((3, 4),)], dtypes=F32,
         kwargs={"normalization": "sum"}, raises=True),
    Case("MakeLoss", "nm_norm_valid", samples=[(_BIG,)], dtypes=FG,
         kwargs={"normalization": "valid", "valid_thresh": 0.5}, grad=True),
    Case("make_loss", "nm_basic", samples=[((3, 4),)], dtypes=ALL_DTYPES,
         ref=lambda x: x),
    Case("make_loss", "nm_grad", samples=[(_BIG,)], dtypes=FG, grad=True),
    # ---------------------------------------------------------------- softmax_cross_entropy
    Case("softmax_cross_entropy", "nm_basic", samples=[((4, 5), (4,))], dtypes=FG + F16,
         inputs=[In(), _ints(0, 5)], rejects=INTS_REJ, grad=True,
         ref=lambda x, y: np.array([-np.log(_softmax(x.astype(np.float64)))[
             np.arange(x.shape[0]), y.astype(int)].sum()]).astype(x.dtype)),
    Case("softmax_cross_entropy", "nm_bad_label", samples=[((4, 5), (3,))], dtypes=F32,
         inputs=[In(), _ints(0, 5)], raises=True),
    Case("softmax_cross_entropy", "nm_3d", samples=[((2, 3, 4), (2,))], dtypes=F32,
         inputs=[In(), _ints(0, 4)], raises=True),
    # ---------------------------------------------------------------- SoftmaxActivation
    # float32 only: MXNet 1.9.1's CPU kernel fails on float64/float16
    Case("SoftmaxActivation", "nm_instance", samples=[((3, 4),), ((2, 3, 4),)],
         dtypes=F32, rejects=("float64", "float16", "int32"), gpu_dtypes=FG + F16, grad=True),
    Case("SoftmaxActivation", "nm_channel", samples=[((2, 3, 4),), ((2, 3, 2, 2),)],
         dtypes=F32, kwargs={"mode": "channel"}, grad=True,
         ref=lambda x, mode: _softmax(x, 1)),
    Case("SoftmaxActivation", "nm_bad_mode", samples=[((2, 3),)], dtypes=F32,
         kwargs={"mode": "spatial"}, raises=True),
    # ---------------------------------------------------------------- Deconvolution
    Case("Deconvolution", "nm_2d", samples=[((2, 3, 3, 3), (3, 4, 2, 2))], dtypes=FG,
         kwargs={"kernel": (2, 2), "num_filter": 4}, grad=True,
         rejects=("float16", "int32"), gpu_dtypes=FG + F16,
         ref=_deconv, tol={"float32": (1e-4, 1e-4)}),
    Case("Deconvolution", "nm_bias", samples=[((2, 3, 3, 3), (3, 2, 3, 3), (2,))], dtypes=FG,
         kwargs={"kernel": (3, 3), "num_filter": 2, "no_bias": False}, grad=True,
         ref=_deconv, tol={"float32": (1e-4, 1e-4)}),
    Case("Deconvolution", "nm_stride_pad", samples=[((1, 2, 3, 3), (2, 3, 3, 3))], dtypes=FG,
         kwargs={"kernel": (3, 3), "num_filter": 3, "stride": (2, 2), "pad": (1, 1)},
         grad=True, ref=_deconv, tol={"float32": (1e-4, 1e-4)}),
    Case("Deconvolution", "nm_adj", samples=[((1, 2, 3, 3), (2, 2, 3, 3))], dtypes=FG,
         kwargs={"kernel": (3, 3), "num_filter": 2, "stride": (2, 2), "pad": (1, 1),
                 "adj": (1, 1)},
         grad=True, ref=_deconv, tol={"float32": (1e-4, 1e-4)}),
    Case("Deconvolution", "nm_dilate", samples=[((1, 2, 3, 3), (2, 2, 2, 2))], dtypes=FG,
         kwargs={"kernel": (2, 2), "num_filter": 2, "dilate": (2, 2)}, grad=True,
         ref=_deconv, tol={"float32": (1e-4, 1e-4)}),
    Case("Deconvolution", "nm_group", samples=[((1, 4, 3, 3), (4, 1, 2, 2))], dtypes=FG,
         kwargs={"kernel": (2, 2), "num_filter": 2, "num_group": 2}, grad=True,
         ref=_deconv, tol={"float32": (1e-4, 1e-4)}),
    Case("Deconvolution", "nm_target", samples=[((1, 2, 3, 3), (2, 2, 3, 3))],
         dtypes=("float64",), kwargs={"kernel": (3, 3), "num_filter": 2, "stride": (2, 2),
                                      "target_shape": (6, 6)}, grad=True, ref=_deconv),
    Case("Deconvolution", "nm_target_f32", samples=[((1, 2, 3, 3), (2, 2, 3, 3))],
         dtypes=F32, kwargs={"kernel": (3, 3), "num_filter": 2, "stride": (2, 2),
                             "target_shape": (6, 6)}, grad=True,
         ref=_deconv, tol={"float32": (1e-4, 1e-4)},
         extension="float32 with target_shape: MXNet 1.9.1's MKLDNN build fails ('could not "
                   "create a descriptor'); mxcompat computes it as MXNet does in float64"),
    Case("Deconvolution", "nm_1d", samples=[((2, 3, 5), (3, 2, 3))], dtypes=FG,
         kwargs={"kernel": (3,), "num_filter": 2, "stride": (2,)}, grad=True,
         ref=_deconv, tol={"float32": (1e-4, 1e-4)}),
    Case("Deconvolution", "nm_3d", samples=[((1, 2, 2, 3, 3), (2, 2, 2, 2, 2))], dtypes=F32,
         kwargs={"kernel": (2, 2, 2), "num_filter": 2}, grad=True,
         ref=_deconv, tol={"float32": (1e-4, 1e-4)}),
    Case("Deconvolution", "nm_3d_f64", samples=[((1, 2, 2, 3, 3), (2, 2, 2, 2, 2))],
         dtypes=("float64",), kwargs={"kernel": (2, 2, 2), "num_filter": 2}, grad=True,
         ref=_deconv,
         extension="3-D float64: MXNet 1.9.1's CPU build has only the MKLDNN (float32) 3-D "
                   "kernel ('Only 1D or 2D Deconvolution is natively supported')"),
    Case("Deconvolution", "nm_no_num_filter", samples=[((1, 2, 3, 3), (2, 2, 2, 2))],
         dtypes=F32, kwargs={"kernel": (2, 2)}, raises=True),
    Case("Deconvolution", "nm_bad_weight", samples=[((1, 2, 3, 3), (3, 2, 2, 2))],
         dtypes=F32, kwargs={"kernel": (2, 2), "num_filter": 2}, raises=True),
    Case("Deconvolution", "nm_bad_group", samples=[((1, 3, 3, 3), (3, 1, 2, 2))],
         dtypes=F32, kwargs={"kernel": (2, 2), "num_filter": 2, "num_group": 2},
         raises=True),
    # ---------------------------------------------------------------- InstanceNorm
    Case("InstanceNorm", "nm_3d", samples=[((2, 3, 4), (3,), (3,))], dtypes=F32,
         inputs=[In(), _POS, In()], grad=True, rejects=("float64", "float16")),
    Case("InstanceNorm", "nm_4d_eps", samples=[((2, 2, 2, 3), (2,), (2,))], dtypes=F32,
         inputs=[In(), _POS, In()], kwargs={"eps": 0.1}, grad=True),
    Case("InstanceNorm", "nm_2d", samples=[((2, 3), (3,), (3,))], dtypes=F32, raises=True),
    Case("InstanceNorm", "nm_bad_gamma", samples=[((2, 3, 4), (2,), (3,))], dtypes=F32,
         raises=True),
    # ---------------------------------------------------------------- GroupNorm
    Case("GroupNorm", "nm_default", samples=[((2, 4, 3), (1,), (1,))], dtypes=FG + F16,
         inputs=[In(), _POS, In()], grad=True, rejects=INTS_REJ),
    Case("GroupNorm", "nm_groups", samples=[((2, 4, 3), (2,), (2,)),
                                            ((2, 6, 2, 2), (2,), (2,))],
         dtypes=FG + F16, inputs=[In(), _POS, In()], kwargs={"num_groups": 2}, grad=True),
    Case("GroupNorm", "nm_eps", samples=[((2, 4, 3), (4,), (4,))], dtypes=FG,
         inputs=[In(), _POS, In()], kwargs={"num_groups": 4, "eps": 0.1}, grad=True),
    Case("GroupNorm", "nm_mean_var", samples=[((2, 4, 3), (2,), (2,))], dtypes=FG,
         inputs=[In(), _POS, In()], kwargs={"num_groups": 2, "output_mean_var": True}),
    Case("GroupNorm", "nm_bad_gamma", samples=[((2, 4, 3), (4,), (4,))], dtypes=F32,
         kwargs={"num_groups": 2}, raises=True),
    Case("GroupNorm", "nm_bad_groups", samples=[((2, 4, 3), (3,), (3,))], dtypes=F32,
         kwargs={"num_groups": 3}, raises=True),
    # ---------------------------------------------------------------- LRN
    Case("LRN", "nm_nsize3", samples=[((2, 5, 2, 2),)], dtypes=F32, kwargs={"nsize": 3},
         grad=True, rejects=("float64", "float16")),
    Case("LRN", "nm_nsize5", samples=[((1, 6, 2, 3),)], dtypes=F32, kwargs={"nsize": 5},
         grad=True),
    Case("LRN", "nm_params", samples=[((2, 4, 2, 2),)], dtypes=F32,
         kwargs={"nsize": 3, "alpha": 0.5, "beta": 0.5, "knorm": 1.0}, grad=True),
    Case("LRN", "nm_3d", samples=[((2, 4, 3),)], dtypes=F32, kwargs={"nsize": 3},
         raises=True),
    Case("LRN", "nm_no_nsize", samples=[((2, 4, 2, 2),)], dtypes=F32, raises=True),
    # ---------------------------------------------------------------- RNN
    _rnn("lstm"),
    _rnn("gru"),
    _rnn("rnn_tanh"),
    _rnn("rnn_relu"),
    _rnn("lstm", layers=2),
    _rnn("gru", layers=2),
    _rnn("lstm", bi=True),
    _rnn("gru", bi=True),
    _rnn("rnn_tanh", layers=2, bi=True),
    _rnn("lstm", state_outputs=True),
    _rnn("gru", state_outputs=True),
    _rnn("rnn_relu", bi=True, state_outputs=True),
    _rnn("lstm", layers=2, bi=True, state_outputs=True),
    Case("RNN", "nm_no_mode", samples=[((3, 2, 3), (42,), (1, 2, 2))], dtypes=F32,
         kwargs={"state_size": 2, "num_layers": 1}, raises=True),
    Case("RNN", "nm_2d_data", samples=[((3, 3), (42,), (1, 2, 2))], dtypes=F32,
         kwargs={"state_size": 2, "num_layers": 1, "mode": "gru"}, raises=True),
    Case("RNN", "nm_bad_psize", samples=[((3, 2, 3), (10,), (1, 2, 2))], dtypes=F32,
         kwargs={"state_size": 2, "num_layers": 1, "mode": "gru"}, raises=True),
    Case("RNN", "nm_bad_state", samples=[((3, 2, 3), (42,), (1, 3, 2))], dtypes=F32,
         kwargs={"state_size": 2, "num_layers": 1, "mode": "gru"}, raises=True),
    # ---------------------------------------------------------------- SequenceLast
    # no gradient cells without sequence_length: MXNet 1.9.1's backward corrupts memory
    # and aborts the process there (tests/test_nn.py checks mxcompat's gradient)
    Case("SequenceLast", "nm_plain", samples=[((4, 3, 2),), ((3, 2),)],
         dtypes=FG + F16 + INTS, rejects=("bool",), ref=lambda x: x[-1]),
    Case("SequenceLast", "nm_len", samples=[((4, 3, 2), (3,))], dtypes=FG + F16,
         inputs=[In(), _fixed([2, 4, 1])], kwargs={"use_sequence_length": True}, grad=True,
         ref=lambda x, n, use_sequence_length: x[n.astype(int) - 1, np.arange(3)]),
    Case("SequenceLast", "nm_axis1", samples=[((3, 4, 2), (3,))], dtypes=FG,
         inputs=[In(), _fixed([2, 4, 1])], kwargs={"use_sequence_length": True, "axis": 1},
         grad=True,
         ref=lambda x, n, use_sequence_length, axis: x[np.arange(3), n.astype(int) - 1]),
    Case("SequenceLast", "nm_axis1_plain", samples=[((3, 4, 2),)], dtypes=FG,
         kwargs={"axis": 1}, ref=lambda x, axis: x[:, -1]),
    # ---------------------------------------------------------------- SequenceReverse
    Case("SequenceReverse", "nm_plain", samples=[((4, 3, 2),), ((3, 2),)],
         dtypes=FG + F16 + INTS, grad=True, rejects=("bool",), ref=lambda x: x[::-1]),
    Case("SequenceReverse", "nm_len", samples=[((4, 3, 2), (3,))], dtypes=FG + F16,
         inputs=[In(), _fixed([2, 4, 1])], kwargs={"use_sequence_length": True}, grad=True),
    Case("SequenceReverse", "nm_axis1", samples=[((3, 4, 2),)], dtypes=F32,
         kwargs={"axis": 1}, raises=True),
    # ---------------------------------------------------------------- UpSampling
    Case("UpSampling", "nm_nearest", samples=[((1, 2, 2, 3),)], dtypes=FG + F16,
         kwargs={"scale": 2, "sample_type": "nearest"}, grad=True, rejects=INTS_REJ,
         ref=lambda x, scale, sample_type: x.repeat(2, 2).repeat(2, 3)),
    Case("UpSampling", "nm_nearest3", samples=[((2, 1, 2, 2),)], dtypes=FG,
         kwargs={"scale": 3, "sample_type": "nearest"}, grad=True),
    Case("UpSampling", "nm_nearest_concat", samples=[((1, 2, 2, 2), (1, 1, 4, 4))],
         dtypes=FG, kwargs={"scale": 2, "sample_type": "nearest", "num_args": 2},
         grad=True),
    Case("UpSampling", "nm_nearest_sum", samples=[((1, 2, 2, 2), (1, 2, 4, 4))],
         dtypes=FG, kwargs={"scale": 2, "sample_type": "nearest", "num_args": 2,
                            "multi_input_mode": "sum"}, grad=True),
    Case("UpSampling", "nm_bilinear", samples=[((1, 2, 3, 3), (2, 1, 4, 4))], dtypes=FG,
         rejects=("float16",), gpu_dtypes=FG + F16,
         kwargs={"scale": 2, "sample_type": "bilinear", "num_filter": 2}, grad=True),
    Case("UpSampling", "nm_bilinear3", samples=[((1, 1, 2, 2), (1, 1, 5, 5))], dtypes=FG,
         kwargs={"scale": 3, "sample_type": "bilinear", "num_filter": 1}, grad=True),
    Case("UpSampling", "nm_no_scale", samples=[((1, 2, 2, 3),)], dtypes=F32,
         kwargs={"sample_type": "nearest"}, raises=True),
    Case("UpSampling", "nm_bad_weight", samples=[((1, 2, 3, 3), (2, 1, 3, 3))], dtypes=F32,
         kwargs={"scale": 2, "sample_type": "bilinear", "num_filter": 2}, raises=True),
    # ---------------------------------------------------------------- CTCLoss / ctc_loss
    # float32 only: MXNet 1.9.1's CPU kernel fails on float64 (and rejects other types)
    Case("CTCLoss", "nm_first", samples=[((6, 2, 4), (2, 3))], dtypes=F32,
         inputs=[In(domain=(-2.0, 2.0)), _fixed(_CTC_FIRST)], grad=True,
         rejects=("float64", "float16", "int32")),
    Case("CTCLoss", "nm_last", samples=[((6, 2, 4), (2, 3))], dtypes=F32,
         inputs=[In(domain=(-2.0, 2.0)), _fixed(_CTC_LAST)], kwargs={"blank_label": "last"},
         grad=True),
    Case("CTCLoss", "nm_data_len", samples=[((6, 2, 4), (2, 3), (2,))], dtypes=F32,
         inputs=[In(domain=(-2.0, 2.0)), _fixed(_CTC_FIRST), _fixed([4, 6])],
         kwargs={"use_data_lengths": True}, call=_ctc_call(True, False), grad=True),
    Case("CTCLoss", "nm_label_len", samples=[((6, 2, 4), (2, 3), (2,))], dtypes=F32,
         inputs=[In(domain=(-2.0, 2.0)), _fixed([[1, 2, 3], [3, 1, 1]]), _fixed([1, 3])],
         kwargs={"use_label_lengths": True}, call=_ctc_call(False, True), grad=True),
    Case("CTCLoss", "nm_both_len_last", samples=[((6, 2, 4), (2, 3), (2,), (2,))],
         dtypes=F32,
         inputs=[In(domain=(-2.0, 2.0)), _fixed([[0, 1, 2], [2, 2, 0]]), _fixed([5, 6]),
                 _fixed([2, 3])],
         kwargs={"use_data_lengths": True, "use_label_lengths": True, "blank_label": "last"},
         call=_ctc_call(True, True), grad=True),
    Case("ctc_loss", "nm_alias", samples=[((5, 2, 5), (2, 2))], dtypes=F32,
         inputs=[In(domain=(-2.0, 2.0)), _fixed([[1, 4], [2, 0]])], grad=True),
    Case("CTCLoss", "nm_2d_data", samples=[((6, 4), (2, 3))], dtypes=F32,
         inputs=[In(), _fixed(_CTC_FIRST)], raises=True),
    Case("CTCLoss", "nm_bad_label", samples=[((6, 2, 4), (3, 3))], dtypes=F32,
         inputs=[In(), _ints(1, 4)], raises=True),
    # ---------------------------------------------------------------- im2col / col2im
    Case("im2col", "nm_k2", samples=[((1, 2, 4, 4),)], dtypes=FG + F16,
         kwargs={"kernel": (2, 2)}, grad=True, rejects=INTS_REJ),
    Case("im2col", "nm_stride", samples=[((2, 2, 5, 5),)], dtypes=FG,
         kwargs={"kernel": (3, 3), "stride": (2, 2)}, grad=True),
    Case("im2col", "nm_dilate", samples=[((1, 2, 5, 5),)], dtypes=FG,
         kwargs={"kernel": (2, 2), "dilate": (2, 2)}, grad=True),
    Case("im2col", "nm_pad", samples=[((1, 1, 3, 4),)], dtypes=FG,
         kwargs={"kernel": (3, 3), "pad": (1, 1), "stride": (1, 2)}, grad=True),
    Case("im2col", "nm_3d_data", samples=[((2, 4, 4),)], dtypes=F32,
         kwargs={"kernel": (2, 2)}, raises=True),
    Case("im2col", "nm_no_kernel", samples=[((1, 2, 4, 4),)], dtypes=F32, raises=True),
    Case("col2im", "nm_k2", samples=[((1, 8, 9),)], dtypes=FG + F16,
         kwargs={"output_size": (4, 4), "kernel": (2, 2)}, grad=True, rejects=INTS_REJ),
    Case("col2im", "nm_stride", samples=[((2, 18, 4),)], dtypes=FG,
         kwargs={"output_size": (5, 5), "kernel": (3, 3), "stride": (2, 2)}, grad=True),
    Case("col2im", "nm_dilate", samples=[((1, 8, 9),)], dtypes=FG,
         kwargs={"output_size": (5, 5), "kernel": (2, 2), "dilate": (2, 2)}, grad=True),
    Case("col2im", "nm_pad", samples=[((1, 9, 6),)], dtypes=FG,
         kwargs={"output_size": (3, 4), "kernel": (3, 3), "pad": (1, 1), "stride": (1, 2)},
         grad=True),
    Case("col2im", "nm_bad_size", samples=[((1, 8, 7),)], dtypes=F32,
         kwargs={"output_size": (4, 4), "kernel": (2, 2)}, raises=True),
]
