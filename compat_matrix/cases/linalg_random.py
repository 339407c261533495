"""Linear algebra (khatri_rao, mx.nd.linalg) and random sampling."""
import numpy as np

from compat_matrix.spec import CTX, DT, Case, In

F = ("float32", "float64")
NONE = [()]


def _spd(rng, shape, dt):
    a = rng.uniform(-1, 1, size=shape)
    return (a @ np.swapaxes(a, -1, -2) + shape[-1] * np.eye(shape[-1])).astype(dt)


def _wellcond(rng, shape, dt):
    return (rng.uniform(-1, 1, size=shape) + 3 * np.eye(shape[-1])).astype(dt)


def _r1(v):
    v = np.asarray(v)
    return v.reshape(1) if v.ndim == 0 else v


def _dt(f):
    return lambda *a, **k: np.asarray(f(*a, **k)).astype(a[0].dtype)


def _stat_range(lo, hi):
    def check(out, dt, kw):
        assert out.dtype == np.dtype(dt) and out.shape == tuple(kw["shape"])
        assert out.min() >= lo and out.max() <= hi
    return check


def _stat_mean(mean, sd):
    def check(out, dt, kw):
        assert out.dtype == np.dtype(dt) and out.shape == tuple(kw["shape"])
        assert abs(out.astype(np.float64).mean() - mean) < 6 * sd / np.sqrt(out.size) + 1e-2
    return check


CASES = [
    # dot / batch_dot cases live in core_linalg.py (the matrix owner's)
    Case("khatri_rao", samples=[((2, 3), (4, 3))], dtypes=F, rejects=("int32",),
         ref=_dt(lambda a, b: (a[:, None, :] * b[None, :, :]).reshape(-1, 3))),
    Case("linalg.gemm", samples=[((2, 3, 4), (2, 4, 2), (2, 3, 2))], dtypes=F,
         rejects=("float16",), kwargs={"alpha": 1.5, "beta": -0.5},
         ref=_dt(lambda a, b, c, alpha, beta: alpha * a @ b + beta * c), grad=True),
    Case("linalg.gemm2", samples=[((3, 4), (4, 2)), ((2, 3, 4), (2, 4, 5))], dtypes=F,
         rejects=("float16", "int32"), ref=_dt(lambda a, b: a @ b), grad=True),
    Case("linalg.potrf", samples=[((2, 3, 3),)], dtypes=F, inputs=[In(gen=_spd)],
         rejects=("float16",), ref=_dt(np.linalg.cholesky)),
    Case("linalg.inverse", samples=[((3, 3),), ((2, 3, 3),)], dtypes=F,
         inputs=[In(gen=_wellcond)], rejects=("float16",), ref=_dt(np.linalg.inv), grad=True),
    Case("linalg.det", samples=[((3, 3),), ((2, 3, 3),)], dtypes=F,
         inputs=[In(gen=_wellcond)], rejects=("float16",),
         ref=_dt(lambda a: _r1(np.linalg.det(a))), grad=True),
    Case("linalg.slogdet", samples=[((3, 3),), ((2, 3, 3),)], dtypes=F,
         inputs=[In(gen=_wellcond)],
         ref=lambda a: [_r1(x).astype(a.dtype) for x in np.linalg.slogdet(a)]),
    Case("linalg.sumlogdiag", samples=[((2, 3, 3),)], dtypes=F, inputs=[In(gen=_spd)],
         ref=_dt(lambda a: np.log(np.diagonal(a, 0, -2, -1)).sum(-1)), grad=True),
    Case("linalg.syrk", samples=[((2, 3, 4),)], dtypes=F, kwargs={"alpha": 0.5},
         ref=_dt(lambda a, alpha: alpha * a @ np.swapaxes(a, -1, -2)), grad=True),
    Case("linalg.trmm", samples=[((3, 3), (3, 2))], dtypes=F,
         ref=_dt(lambda a, b: np.tril(a) @ b), grad=True),
    Case("linalg.trsm", samples=[((3, 3), (3, 2))], dtypes=F, inputs=[In(gen=_wellcond), In()],
         ref=_dt(lambda a, b: np.linalg.solve(np.tril(a), b))),
    Case("linalg.extractdiag", samples=[((2, 3, 3),)], dtypes=F, kwargs={"offset": 1},
         ref=lambda a, offset: np.diagonal(a, offset, -2, -1).copy(), grad=True),
    Case("linalg.makediag", samples=[((2, 3),)], dtypes=F,
         ref=lambda a: np.stack([np.diag(r) for r in a]), grad=True),
    Case("linalg.extracttrian", samples=[((3, 3),)], dtypes=F,
         ref=lambda a: a[np.tril_indices(3)], grad=True),
    Case("linalg.maketrian", samples=[((2, 6),)], dtypes=F,
         note="lower triangle packed row by row"),
    Case("random.uniform", samples=NONE, kwargs={"low": -1.0, "high": 2.0, "shape": (2000,),
                                                 "dtype": DT, "ctx": CTX},
         values=False, stat=_stat_range(-1.0, 2.0)),
    Case("random.normal", samples=NONE, kwargs={"loc": 1.0, "scale": 2.0, "shape": (2000,),
                                                "dtype": DT},
         values=False, stat=_stat_mean(1.0, 2.0)),
    Case("random.gamma", samples=NONE, kwargs={"alpha": 2.0, "beta": 1.5, "shape": (2000,),
                                               "dtype": DT},
         values=False, stat=_stat_mean(3.0, np.sqrt(4.5))),
    Case("random.poisson", samples=NONE, kwargs={"lam": 3.0, "shape": (2000,), "dtype": DT},
         values=False, stat=_stat_mean(3.0, np.sqrt(3.0))),
    Case("random.exponential", samples=NONE, kwargs={"scale": 2.0, "shape": (2000,),
                                                     "dtype": DT},
         values=False, stat=_stat_mean(2.0, 2.0)),
    Case("random.randint", samples=NONE, kwargs={"low": -3, "high": 5, "shape": (2000,),
                                                 "dtype": DT},
         dtypes=("int32", "int64"), rejects=("float32",), values=False,
         stat=_stat_range(-3, 4)),
    Case("random.uniform", "bad_range", samples=NONE, kwargs={"low": 2.0, "high": 1.0},
         dtypes=("float32",), raises=True),
    Case("random.normal", "bad_scale", samples=NONE, kwargs={"scale": 0.0},
         dtypes=("float32",), raises=True),
    Case("random.randint", "empty_range", samples=NONE, kwargs={"low": 3, "high": 3},
         dtypes=("int32",), raises=True, mx_crash="SIGFPE"),
]
