"""More of mx.nd's random family: the *_like samplers, negative binomials, multinomial, randn,
shuffle, the legacy random_* / sample_* spellings (statistical checks: MXNet's bit streams
are not reproduced), and the deterministic _random_pdf_* densities (values and gradients)."""
import numpy as np

from compat_matrix.spec import CTX, DT, FLOATS, INTS, Case, In

NONE = [()]
N = 2000
NOT_FLOAT = INTS + ("bool",)
ALL_BUT_BOOL = FLOATS + INTS
F = ("float32",)

# ---------------------------------------------------------------------------------------
# statistics of distributions, by name: (mean, variance) of one parameter set
_LOG2PI = np.log(2 * np.pi)


def _moments(dist, *p):
    if dist == "uniform":
        lo, hi = p
        return (lo + hi) / 2, (hi - lo) ** 2 / 12
    if dist == "normal":
        return p[0], p[1] ** 2
    if dist == "exponential_rate":
        return 1 / p[0], 1 / p[0] ** 2
    if dist == "exponential_scale":
        return p[0], p[0] ** 2
    if dist == "gamma":  # shape, scale
        return p[0] * p[1], p[0] * p[1] ** 2
    if dist == "poisson":
        return p[0], p[0]
    if dist == "negbin":  # k failures, success probability p
        k, pr = p
        if pr >= 1:
            return 0.0, 0.0
        return k * (1 - pr) / pr, k * (1 - pr) / pr ** 2
    if dist == "gnb":
        mu, alpha = p
        return mu, mu + alpha * mu ** 2
    raise ValueError(dist)


_SUPPORT = {"uniform": None, "normal": None, "exponential_rate": (0, np.inf),
            "exponential_scale": (0, np.inf), "gamma": (0, np.inf), "poisson": "count",
            "negbin": "count", "gnb": "count"}


def _check_rows(x, dist, params, what=""):
    """x: (rows, n) samples; params: per-row parameter tuples."""
    for row, p in zip(x, params):
        row = row.astype(np.float64)
        mean, var = _moments(dist, *p)
        sup = _SUPPORT[dist]
        if dist == "uniform":
            assert row.min() >= p[0] and row.max() <= p[1], (what, row.min(), row.max())
        elif sup == "count":
            assert (row >= 0).all() and (row == np.round(row)).all(), (what, row[:5])
        elif sup is not None:
            assert row.min() >= sup[0], (what, row.min())
        if row.size < 500:
            continue
        sd = np.sqrt(var)
        assert abs(row.mean() - mean) < 6 * sd / np.sqrt(row.size) + 2e-2 * (1 + abs(mean)), \
            (what, p, row.mean(), mean)
        if var == 0:
            assert row.var() == 0, (what, p, row.var())
        else:
            assert 0.6 * var < row.var() < 1.6 * var, (what, p, row.var(), var)


def _stat(dist, params, out_dtype=DT, shape_tail=None):
    """A stat check for ``out`` of dtype ``out_dtype`` (DT: the cell dtype): the last axes
    (``shape_tail`` of them, default 1) are samples, the leading ones index ``params``
    (one tuple, or a list per leading index; cast to the cell dtype when ``cast``)."""
    def check(out, dt, kw):
        want = dt if out_dtype is DT else out_dtype
        assert out.dtype == np.dtype(want), (out.dtype, want)
        ps = params(dt) if callable(params) else params
        if isinstance(ps, tuple):
            _check_rows(out.reshape(1, -1), dist, [ps])
        else:
            _check_rows(out.reshape(len(ps), -1), dist, ps)
    return check


def _fixed(*vals):
    """An input generator giving the fixed values ``vals`` (the sample shape must match)."""
    return In(gen=lambda rng, shape, dt: np.asarray(vals, dtype=np.float64).reshape(shape))


def _cast_params(*cols):
    """Per-row parameter tuples after casting each column to the cell dtype (sample_* with
    integer parameter arrays truncates, as MXNet does)."""
    def ps(dt):
        cast = [np.asarray(c, dtype=np.float64).astype(dt).astype(np.float64) for c in cols]
        return list(zip(*[c.tolist() for c in cast]))
    return ps


# ---------------------------------------------------------------------------------------
# *_like: shape, dtype and context of data; numbers as parameters
_LIKE = [
    # name, kwargs, dist, params for the stats
    ("uniform_like", {"low": -1.0, "high": 3.0}, "uniform", (-1.0, 3.0)),
    ("normal_like", {"loc": 2.0, "scale": 0.5}, "normal", (2.0, 0.5)),
    ("exponential_like", {"lam": 4.0}, "exponential_rate", (4.0,)),
    ("gamma_like", {"alpha": 2.0, "beta": 1.5}, "gamma", (2.0, 1.5)),
    ("poisson_like", {"lam": 3.0}, "poisson", (3.0,)),
    ("negative_binomial_like", {"k": 3, "p": 0.4}, "negbin", (3, 0.4)),
    ("generalized_negative_binomial_like", {"mu": 2.0, "alpha": 0.5}, "gnb", (2.0, 0.5)),
]
_LIKE_DEFAULT = {"uniform_like": ("uniform", (0.0, 1.0)), "normal_like": ("normal", (0.0, 1.0)),
                 "exponential_like": ("exponential_rate", (1.0,)),
                 "gamma_like": ("gamma", (1.0, 1.0)), "poisson_like": ("poisson", (1.0,)),
                 "negative_binomial_like": ("negbin", (1, 1.0)),
                 "generalized_negative_binomial_like": ("gnb", (1.0, 1.0))}
_LIKE_BAD = {"uniform_like": {"low": 2.0, "high": 1.0}, "normal_like": {"scale": -1.0},
             "exponential_like": {"lam": 0.0}, "gamma_like": {"alpha": -1.0},
             "poisson_like": {"lam": -1.0}, "negative_binomial_like": {"k": -1},
             "generalized_negative_binomial_like": {"alpha": -1.0}}

CASES = []
for _name, _kw, _dist, _p in _LIKE:
    CASES += [
        Case(f"random.{_name}", "rm_params", samples=[((40, 50),)], kwargs=_kw, dtypes=FLOATS,
             rejects=NOT_FLOAT, values=False, stat=_stat(_dist, _p), noncontig=False),
        Case(f"random.{_name}", "rm_defaults", samples=[((20, 100),)], dtypes=("float32",),
             values=False, stat=_stat(*_LIKE_DEFAULT[_name]), noncontig=False,
             note="parameters default to MXNet's"),
        Case(f"random.{_name}", "rm_bad_param", samples=[((3,),)], kwargs=_LIKE_BAD[_name],
             dtypes=F, raises=True),
        Case(f"random.{_name}", "rm_0d", samples=[((),)], dtypes=F, raises=True,
             note="MXNet cannot infer a 0-d output shape"),
    ]
CASES += [
    Case("random.normal_like", "rm_positional", samples=[((2000,),)], args=(5.0, 0.25),
         dtypes=F, values=False, stat=_stat("normal", (5.0, 0.25)), noncontig=False),
    Case("random.negative_binomial_like", "rm_float_k", samples=[((3,),)],
         kwargs={"k": 2.5, "p": 0.5}, dtypes=F, raises=True, note="k must be an integer"),
    Case("random.normal_like", "rm_nd_param", samples=[((3,), (3,))], dtypes=F, raises=True,
         call=lambda mx, a, args, kw: mx.nd.random.normal_like(a[0], loc=a[1]),
         note="NDArray parameters are not accepted by the *_like ops"),
]

# ---------------------------------------------------------------------------------------
# mx.nd.random.negative_binomial / generalized_negative_binomial / randn / multinomial
CASES += [
    Case("random.negative_binomial", "rm_dtype", samples=NONE,
         kwargs={"k": 4, "p": 0.3, "shape": (N,), "dtype": DT, "ctx": CTX}, dtypes=FLOATS,
         rejects=NOT_FLOAT, values=False, stat=_stat("negbin", (4, 0.3))),
    Case("random.negative_binomial", "rm_p_one", samples=NONE,
         kwargs={"k": 2, "p": 1.0, "shape": (50,)}, dtypes=F, values=False,
         stat=_stat("negbin", (2, 1.0)), note="p = 1: all zeros"),
    Case("random.negative_binomial", "rm_p_above_one", samples=NONE,
         kwargs={"k": 2, "p": 1.5, "shape": (50,)}, dtypes=F, values=False,
         stat=_stat("negbin", (2, 1.0)), note="p > 1 is not checked: all zeros"),
    Case("random.negative_binomial", "rm_nd_params", samples=[((2,), (2,))],
         inputs=[_fixed(2, 6), _fixed(0.5, 0.25)], kwargs={"shape": (N,)},
         dtypes=FLOATS, values=False, noncontig=False,
         stat=_stat("negbin", _cast_params([2, 6], [0.5, 0.25]), out_dtype="float32"),
         note="NDArray parameters: output shape is param.shape + shape, float32"),
    Case("random.negative_binomial", "rm_bad_k", samples=NONE, kwargs={"k": -1, "p": 0.5},
         dtypes=F, raises=True),
    Case("random.negative_binomial", "rm_float_k", samples=NONE, kwargs={"k": 2.5, "p": 0.5},
         dtypes=F, raises=True),
    Case("random.generalized_negative_binomial", "rm_dtype", samples=NONE,
         kwargs={"mu": 3.0, "alpha": 0.4, "shape": (N,), "dtype": DT, "ctx": CTX},
         dtypes=FLOATS, rejects=NOT_FLOAT, values=False, stat=_stat("gnb", (3.0, 0.4))),
    Case("random.generalized_negative_binomial", "rm_poisson", samples=NONE,
         kwargs={"mu": 2.5, "alpha": 0.0, "shape": (N,)}, dtypes=F, values=False,
         stat=_stat("poisson", (2.5,)), note="alpha = 0 is the Poisson distribution"),
    Case("random.generalized_negative_binomial", "rm_default_shape", samples=NONE, dtypes=F,
         values=False, note="no shape: one sample, shape (1,)"),
    Case("random.generalized_negative_binomial", "rm_nd_params", samples=[((2,), (2,))],
         inputs=[_fixed(1.0, 4.0), _fixed(0.5, 0.2)], kwargs={"shape": (N,)},
         dtypes=FLOATS, values=False, noncontig=False,
         stat=_stat("gnb", _cast_params([1.0, 4.0], [0.5, 0.2]), out_dtype="float32")),
    Case("random.generalized_negative_binomial", "rm_bad_alpha", samples=NONE,
         kwargs={"mu": 1.0, "alpha": -1.0}, dtypes=F, raises=True),
    Case("random.generalized_negative_binomial", "rm_bad_mu", samples=NONE,
         kwargs={"mu": -1.0, "alpha": 1.0}, dtypes=F, raises=True),
    Case("random.randn", "rm_dtype", samples=NONE, kwargs={"dtype": DT, "loc": 1.0,
                                                            "scale": 2.0},
         call=lambda mx, a, args, kw: mx.nd.random.randn(40, 50, **kw), dtypes=FLOATS,
         rejects=NOT_FLOAT, values=False, stat=_stat("normal", (1.0, 2.0))),
    Case("random.randn", "rm_default", samples=NONE,
         call=lambda mx, a, args, kw: mx.nd.random.randn(2, 3, 4), dtypes=F, values=False),
    Case("random.randn", "rm_no_shape", samples=NONE,
         call=lambda mx, a, args, kw: mx.nd.random.randn(), dtypes=F, raises=True),
    Case("random.randn", "rm_bad_scale", samples=NONE,
         call=lambda mx, a, args, kw: mx.nd.random.randn(3, scale=-1.0), dtypes=F,
         raises=True),
    Case("random.randn", "rm_shape_kwarg", samples=NONE,
         call=lambda mx, a, args, kw: mx.nd.random.randn(shape=(2, 3)), dtypes=F,
         raises=True, note="MXNet: TypeError (multiple values for 'shape')"),
]

_PROBS = [[0.1, 0.2, 0.3, 0.4], [0.7, 0.1, 0.1, 0.1]]


def _probs_gen(rng, shape, dt):
    p = np.asarray(_PROBS, dtype=np.float64)
    return p.reshape(shape) if int(np.prod(shape)) == p.size else p[0].reshape(shape)


def _multi_stat(rows, get_prob=False, out_dtype="int32"):
    probs = np.asarray(_PROBS[:rows])

    def check(out, dt, kw):
        if get_prob and out.dtype.kind == "f":  # the log probabilities
            assert out.dtype == np.dtype(dt)
            assert out.max() <= 0 and out.min() >= np.log(0.1) - 1e-2, (out.min(), out.max())
            return
        assert out.dtype == np.dtype(out_dtype if out_dtype is not DT else dt), out.dtype
        x = out.reshape(rows, -1).astype(np.int64)
        assert x.min() >= 0 and x.max() < probs.shape[1], (x.min(), x.max())
        if x.shape[1] >= 500:
            for r in range(rows):
                freq = np.bincount(x[r], minlength=probs.shape[1]) / x.shape[1]
                assert np.abs(freq - probs[r]).max() < 0.05, (freq, probs[r])
    return check


_MULTI_IN = [In(gen=_probs_gen)]
_MULTI_F32 = [In(dtype="float32", gen=_probs_gen)]
for _op in ("random.multinomial", "sample_multinomial"):
    CASES += [
        Case(_op, "rm_data_dtype", samples=[((2, 4),)], inputs=_MULTI_IN,
             kwargs={"shape": (N,)}, dtypes=FLOATS, rejects=NOT_FLOAT, values=False,
             stat=_multi_stat(2), noncontig=False),
        Case(_op, "rm_out_dtype", samples=[((2, 4),)], inputs=_MULTI_F32,
             kwargs={"shape": (N,), "dtype": DT},
             dtypes=("float16", "float32", "float64", "uint8", "int32"),
             rejects=("int8", "int64", "bool"), values=False, stat=_multi_stat(2, out_dtype=DT),
             noncontig=False),
        Case(_op, "rm_no_shape", samples=[((2, 4),), ((4,),)], inputs=_MULTI_F32, dtypes=F,
             values=False, noncontig=False, note="one draw per row; 1-d data gives (1,)"),
        Case(_op, "rm_shape2d", samples=[((2, 4),), ((4,),)], inputs=_MULTI_F32,
             kwargs={"shape": (3, 2)}, dtypes=F, values=False, noncontig=False),
        Case(_op, "rm_get_prob", samples=[((2, 4),), ((4,),)], inputs=_MULTI_IN,
             kwargs={"shape": (5,), "get_prob": True}, dtypes=FLOATS, values=False,
             stat=_multi_stat(1, get_prob=True), noncontig=False,
             note="returns [samples, log-probabilities of the samples]"),
        Case(_op, "rm_get_prob_dtype", samples=[((2, 4),)], inputs=_MULTI_F32,
             kwargs={"shape": (3,), "get_prob": True, "dtype": "float32"}, dtypes=F,
             values=False, noncontig=False),
        Case(_op, "rm_0d", samples=[((),)], inputs=[In(domain=(0.5, 1.0))], dtypes=F,
             raises=True),
    ]

# ---------------------------------------------------------------------------------------
# shuffle: a permutation of the first axis


def _arange_gen(rng, shape, dt):
    a = np.arange(int(np.prod(shape)), dtype=np.float64).reshape(shape)
    return a % 100


def _shuffle_stat(out, dt, kw):
    n = out.shape[0]
    ref = (np.arange(out.size, dtype=np.float64).reshape(out.shape) % 100).astype(dt)
    got = sorted(map(bytes, np.ascontiguousarray(out.reshape(n, -1)).view(np.uint8)
                     .reshape(n, -1)))
    want = sorted(map(bytes, np.ascontiguousarray(ref.reshape(n, -1)).view(np.uint8)
                      .reshape(n, -1)))
    assert got == want, "shuffle did not return a permutation of the rows"


for _op in ("shuffle", "random.shuffle"):
    CASES += [
        Case(_op, "rm_rows", samples=[((12, 3),), ((20,),), ((4, 3, 2),)],
             inputs=[In(gen=_arange_gen)], dtypes=ALL_BUT_BOOL, rejects=("bool",),
             values=False, stat=_shuffle_stat),
        Case(_op, "rm_0d", samples=[((),)], dtypes=F, raises=True),
    ]

# ---------------------------------------------------------------------------------------
# the generated random_* ops: numbers only, shape required
_LEGACY = [
    ("random_exponential", {"lam": 4.0}, "exponential_rate", (4.0,), {"lam": 0.0}),
    ("random_gamma", {"alpha": 3.0, "beta": 0.5}, "gamma", (3.0, 0.5), {"alpha": 0.0}),
    ("random_poisson", {"lam": 6.0}, "poisson", (6.0,), {"lam": -1.0}),
    ("random_negative_binomial", {"k": 5, "p": 0.6}, "negbin", (5, 0.6), {"k": -1}),
    ("random_generalized_negative_binomial", {"mu": 2.0, "alpha": 0.3}, "gnb", (2.0, 0.3),
     {"mu": -1.0}),
]
for _name, _kw, _dist, _p, _bad in _LEGACY:
    CASES += [
        Case(_name, "rm_dtype", samples=NONE,
             kwargs=dict(_kw, shape=(40, 50), dtype=DT, ctx=CTX), dtypes=FLOATS,
             rejects=NOT_FLOAT, values=False, stat=_stat(_dist, _p)),
        Case(_name, "rm_defaults", samples=NONE, kwargs={"shape": (N,)}, dtypes=F,
             values=False),
        Case(_name, "rm_no_shape", samples=NONE, kwargs=_kw, dtypes=F, raises=True,
             note="the generated ops have no default shape"),
        Case(_name, "rm_bad_param", samples=NONE, kwargs=dict(_bad, shape=(3,)), dtypes=F,
             raises=True),
    ]


def _randint_stat(out, dt, lo, hi):
    assert out.dtype == np.dtype(dt), out.dtype
    x = out.astype(np.int64)
    assert x.min() >= lo and x.max() < hi, (x.min(), x.max())
    assert set(np.unique(x).tolist()) == set(range(lo, hi)), np.unique(x)
    _check_rows(out.reshape(1, -1), "uniform", [(lo, hi - 1)])


CASES += [
    Case("random_randint", "rm_dtype", samples=NONE,
         kwargs={"low": -5, "high": 7, "shape": (N,), "dtype": DT, "ctx": CTX},
         dtypes=("int32", "int64"), rejects=FLOATS + ("uint8", "int8", "bool"), values=False,
         stat=lambda out, dt, kw: _randint_stat(out, dt, -5, 7)),
    Case("random_randint", "rm_positional", samples=NONE, args=(0, 3, (50,)), dtypes=F,
         values=False),
    Case("random_randint", "rm_no_shape", samples=NONE, kwargs={"low": 0, "high": 2},
         dtypes=F, raises=True),
    Case("random_randint", "rm_bad_range", samples=NONE,
         kwargs={"low": 5, "high": 2, "shape": (3,)}, dtypes=F, raises=True),
    Case("random_randint", "rm_float_low", samples=NONE,
         kwargs={"low": 0.5, "high": 2, "shape": (3,)}, dtypes=F, raises=True),
]

# ---------------------------------------------------------------------------------------
# sample_*: NDArray parameters (any real dtype; integers truncate), output float32 or dtype=
_SAMPLE = [
    # name, parameter rows (one column per parameter), dist
    ("sample_uniform", ([0.0, 2.0], [1.0, 5.0]), "uniform"),
    ("sample_normal", ([0.0, 3.0], [1.0, 2.0]), "normal"),
    ("sample_gamma", ([1.0, 3.0], [2.0, 1.0]), "gamma"),
    ("sample_exponential", ([1.0, 4.0],), "exponential_rate"),
    ("sample_poisson", ([1.0, 6.0],), "poisson"),
    ("sample_negative_binomial", ([2.0, 5.0], [0.4, 0.75]), "negbin"),
    ("sample_generalized_negative_binomial", ([2.0, 5.0], [0.5, 0.0]), "gnb"),
]
for _name, _cols, _dist in _SAMPLE:
    _np = len(_cols)
    CASES += [
        Case(_name, "rm_param_dtype", samples=[((2,),) * _np],
             inputs=[_fixed(*c) for c in _cols], kwargs={"shape": (N,)},
             dtypes=FLOATS if _dist == "negbin" else ALL_BUT_BOOL, rejects=("bool",),
             values=False, noncontig=False,
             stat=_stat(_dist, _cast_params(*_cols), out_dtype="float32"),
             note="parameters of any real dtype (integers truncate); output float32"),
        Case(_name, "rm_out_dtype", samples=[((2,),) * _np],
             inputs=[In(dtype="float32", gen=_fixed(*c).gen) for c in _cols],
             kwargs={"shape": (N,), "dtype": DT}, dtypes=FLOATS, rejects=NOT_FLOAT,
             values=False, noncontig=False, stat=_stat(_dist, _cast_params(*_cols))),
        Case(_name, "rm_shapes", samples=[((2, 2),) * _np],
             inputs=[_fixed(*(c * 2)) for c in _cols], kwargs={"shape": (3, 4)},
             dtypes=F, values=False, noncontig=False,
             note="output shape = parameter shape + shape"),
        Case(_name, "rm_no_shape", samples=[((2, 3),) * _np],
             inputs=[_fixed(*(c * 3)) for c in _cols], dtypes=F, values=False,
             noncontig=False),
        Case(_name, "rm_scalar_params", samples=NONE, args=tuple(c[0] for c in _cols),
             kwargs={"shape": (3,)}, dtypes=F, raises=True,
             note="MXNet: AssertionError (parameters must be NDArrays)"),
    ]
CASES += [
    Case("sample_negative_binomial", "rm_int_params", samples=[((2,), (2,))],
         inputs=[_fixed(2, 5), _fixed(1, 1)], kwargs={"shape": (50,)}, dtypes=INTS,
         values=False, noncontig=False,
         stat=_stat("negbin", [(2, 1.0), (5, 1.0)], out_dtype="float32"),
         note="integer p can only be 0 or 1; p = 1 gives zeros"),
    Case("sample_negative_binomial", "rm_int_p_zero", samples=[((2,), (2,))],
         inputs=[_fixed(2, 5), _fixed(0, 1)], kwargs={"shape": (50,)}, dtypes=INTS,
         values=False, noncontig=False,
         stat=_stat("negbin", [(2, 1.0), (5, 1.0)], out_dtype="float32"),
         note="integer p = 0 gives zeros (float p = 0 gives INT32_MIN)"),
    Case("sample_normal", "rm_shape_mismatch", samples=[((2,), (3,))], dtypes=F, raises=True),
    Case("sample_normal", "rm_dtype_mismatch", samples=[((2,), (2,))],
         inputs=[In(), In(dtype="float64")], dtypes=F, raises=True),
    Case("sample_exponential", "rm_0d", samples=[((),)], inputs=[In(domain=(1.0, 2.0))],
         dtypes=F, raises=True),
    Case("sample_normal", "rm_negative_sigma", samples=[((2,), (2,))],
         inputs=[_fixed(0.0, 1.0), _fixed(-1.0, -2.0)], kwargs={"shape": (5,)}, dtypes=F,
         values=False, noncontig=False, note="array parameters are not validated"),
    Case("sample_uniform", "rm_low_above_high", samples=[((2,), (2,))],
         inputs=[_fixed(1.0, 1.0), _fixed(0.0, 0.0)], kwargs={"shape": (5,)}, dtypes=F,
         values=False, noncontig=False, note="array parameters are not validated"),
    Case("sample_poisson", "rm_positional_shape", samples=[((2,),)],
         inputs=[_fixed(1.0, 2.0)], args=(3,), dtypes=F, values=False, noncontig=False),
]

# ---------------------------------------------------------------------------------------
# _random_pdf_*: densities of samples under array parameters (deterministic)


def _pos(lo=0.2, hi=3.0):
    return In(domain=(lo, hi))


def _counts(rng, shape, dt):
    return np.floor(rng.random(size=shape) * 6)


def _simplex(rng, shape, dt):
    a = 0.2 + rng.random(size=shape)
    return a / a.sum(-1, keepdims=True)


_PDF_SAMPLES = [((2, 3), (2,), (2,)), ((4,), (4,), (4,)), ((2, 2, 3), (2, 2), (2, 2)),
                ((2, 3, 2), (2,), (2,))]


def _pdf_case(name, inputs, ref, n_params=2, dtypes=FLOATS, tol=None, sample_grad=True,
              note="", psi=False):
    samples = [s[:1 + n_params] for s in _PDF_SAMPLES]
    ins = list(inputs)
    if not sample_grad:
        ins[0] = In(domain=ins[0].domain, gen=ins[0].gen, grad=False)
    kw = dict(tol=tol or {}, note=(note + "; " + _PSI_NOTE) if psi and note else
              _PSI_NOTE if psi else note, grad_tol=_PSI_TOL if psi else {})
    return [
        Case(f"random_pdf_{name}", "rm_pdf", samples=samples, inputs=ins, dtypes=dtypes,
             rejects=NOT_FLOAT, ref=ref(False), grad=True, **kw),
        Case(f"random_pdf_{name}", "rm_log", samples=samples, inputs=ins, dtypes=dtypes,
             kwargs={"is_log": True}, ref=ref(True), grad=True, **kw),
    ]


def _bcast(p, x):
    p = np.asarray(p, dtype=np.float64)
    return p.reshape(p.shape + (1,) * (x.ndim - p.ndim))


def _lgamma(x):
    from math import lgamma
    return np.vectorize(lgamma, otypes=[np.float64])(x)


def _pdf_ref(lpdf):
    def make(is_log):
        def ref(x, *ps, is_log=is_log):
            xx = x.astype(np.float64)
            lp = lpdf(xx, *[_bcast(p, xx) for p in ps])
            return (lp if is_log else np.exp(lp)).astype(x.dtype)
        return ref
    return make


def _l_uniform(x, lo, hi):
    return np.broadcast_to(-np.log(hi - lo), x.shape)


def _l_normal(x, mu, s):
    return -0.5 * (x - mu) ** 2 / s ** 2 - np.log(np.sqrt(2 * np.pi) * s)


def _l_gamma(x, a, b):  # b is the RATE here
    return a * np.log(b) + (a - 1) * np.log(x) - b * x - _lgamma(a)


def _l_exponential(x, lam):
    return np.log(lam) - lam * x


def _l_poisson(x, lam):
    return x * np.log(lam) - _lgamma(x + 1) - lam


def _l_negbin(x, k, p):
    return _lgamma(x + k) - _lgamma(x + 1) - _lgamma(k) + k * np.log(p) + x * np.log(1 - p)


def _l_gnb(x, mu, alpha):
    return _l_negbin(x, 1 / alpha, 1 / (mu * alpha + 1))


def _dirichlet_ref(is_log):
    def ref(x, alpha, is_log=is_log):
        xx, a = x.astype(np.float64), alpha.astype(np.float64)
        k = xx.shape[-1]
        lead = a.shape[:-1]
        n_par = int(np.prod(lead)) if lead else 1
        xs = xx.reshape(n_par, -1, k)
        aa = a.reshape(n_par, 1, k)
        lp = ((aa - 1) * np.log(xs)).sum(-1) + _lgamma(aa.sum(-1)) - _lgamma(aa).sum(-1)
        out = lp if is_log else np.exp(lp)
        shape = xx.shape[:-1] if xx.ndim > 1 else (1,)
        return out.reshape(shape).astype(x.dtype)
    return ref


_F16 = {"float16": (2e-2, 2e-2)}
# MXNet's parameter gradients use a single-precision digamma (cephes psif, absolute error up
# to ~1e-6) even for float64; mxcompat's torch.digamma is exact to double precision
_PSI_TOL = {"float64": (1e-4, 1e-5)}
_PSI_NOTE = "float64 parameter gradients: MXNet's digamma is only single-precision accurate"
CASES += _pdf_case("uniform", [In(), In(domain=(-2.0, -1.0)), In(domain=(1.0, 3.0))],
                   _pdf_ref(_l_uniform), note="the sample's support is not checked")
CASES += _pdf_case("normal", [In(), In(domain=(-1.0, 1.0)), _pos(0.5, 2.0)],
                   _pdf_ref(_l_normal))
CASES += _pdf_case("gamma", [_pos(0.3, 3.0), _pos(0.5, 3.0), _pos(0.5, 2.0)],
                   _pdf_ref(_l_gamma), note="beta is the RATE here (the samplers' scale)",
                   psi=True)
CASES += _pdf_case("exponential", [_pos(0.0, 3.0), _pos(0.5, 2.0)], _pdf_ref(_l_exponential),
                   n_params=1)
CASES += _pdf_case("poisson", [In(gen=_counts), _pos(0.5, 4.0)], _pdf_ref(_l_poisson),
                   n_params=1, sample_grad=False, tol=_F16,
                   note="no gradient flows to the sample (MXNet returns 0)")
CASES += _pdf_case("negative_binomial", [In(gen=_counts), _pos(1.0, 4.0), _pos(0.2, 0.8)],
                   _pdf_ref(_l_negbin), sample_grad=False, tol=_F16, psi=True,
                   note="p is the success probability; no gradient flows to the sample")
CASES += _pdf_case("generalized_negative_binomial",
                   [In(gen=_counts), _pos(0.5, 4.0), _pos(0.2, 1.5)], _pdf_ref(_l_gnb),
                   sample_grad=False, tol=_F16, psi=True,
                   note="no gradient flows to the sample (MXNet returns 0)")
_DIR_SAMPLES = [((2, 3), (2, 3)), ((3,), (3,)), ((2, 4, 3), (2, 3)), ((5, 3), (3,))]
CASES += [
    Case("random_pdf_dirichlet", "rm_pdf", samples=_DIR_SAMPLES,
         inputs=[In(gen=_simplex), _pos(0.5, 3.0)], rejects=NOT_FLOAT,
         ref=_dirichlet_ref(False), grad=True, tol=_F16, grad_tol=_PSI_TOL, note=_PSI_NOTE),
    Case("random_pdf_dirichlet", "rm_log", samples=_DIR_SAMPLES,
         inputs=[In(gen=_simplex), _pos(0.5, 3.0)], kwargs={"is_log": True},
         ref=_dirichlet_ref(True), grad=True, tol=_F16, grad_tol=_PSI_TOL, note=_PSI_NOTE),
    Case("random_pdf_dirichlet", "rm_k_mismatch", samples=[((2, 3), (2, 4))], dtypes=F,
         raises=True),
    Case("random_pdf_dirichlet", "rm_param_ndim", samples=[((3,), (1, 3))], dtypes=F,
         raises=True),
    # error cases of the scalar-parameter densities
    Case("random_pdf_normal", "rm_param_shape", samples=[((2, 3), (3,), (3,)),
                                                         ((2, 3), (1,), (1,)),
                                                         ((2, 3), (2,), (3,))],
         dtypes=F, raises=True, note="parameters must match the leading axes of sample"),
    Case("random_pdf_normal", "rm_param_ndim", samples=[((2,), (2, 2), (2, 2))], dtypes=F,
         raises=True),
    Case("random_pdf_normal", "rm_0d", samples=[((), (), ())], dtypes=F, raises=True),
    Case("random_pdf_normal", "rm_mixed_dtype", samples=[((2, 3), (2,), (2,))],
         inputs=[In(), In(dtype="float64"), In(dtype="float64")], dtypes=F, raises=True),
    Case("random_pdf_gamma", "rm_mixed_dtype", samples=[((2, 3), (2,), (2,))],
         inputs=[_pos(), _pos(), In(dtype="float64", domain=(0.5, 1.0))], dtypes=F,
         raises=True),
    Case("random_pdf_poisson", "rm_scalar_param", samples=[((2, 3),)], args=(1.0,),
         dtypes=F, raises=True, note="MXNet: AssertionError (parameters must be NDArrays)"),
    Case("random_pdf_exponential", "rm_missing_param", samples=[((2, 3),)], dtypes=F,
         raises=True),
    Case("random_pdf_uniform", "rm_is_log_2", samples=[((2,), (2,), (2,))],
         inputs=[In(), In(domain=(-2.0, -1.0)), In(domain=(1.0, 2.0))],
         kwargs={"is_log": 2}, dtypes=F, raises=True),
    Case("random_pdf_normal", "rm_is_log_str", samples=[((2, 3), (2,), (2,))],
         inputs=[In(), In(), _pos(0.5, 2.0)], kwargs={"is_log": "True"}, dtypes=F,
         ref=_pdf_ref(_l_normal)(True)),
    Case("random_pdf_normal", "rm_zero_size", samples=[((0, 3), (0,), (0,))], dtypes=F,
         raises=True, mx_crash="SIGFPE",
         note="MXNet crashes the process (division by zero): mxcompat raises"),
]
