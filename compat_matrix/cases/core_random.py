"""Core random sampling through the legacy mx.nd names (uniform, normal, random_uniform,
random_normal) and mx.nd.random's defaults: checked by shape, dtype, bounds and moments (a
shim is not expected to reproduce MXNet's bit streams)."""
import numpy as np

from compat_matrix.spec import CTX, DT, FLOATS, Case

NONE = [()]
N = 4000


def _uniform(lo, hi):
    def check(out, dt, kw):
        assert out.dtype == np.dtype(dt), out.dtype
        x = out.astype(np.float64)
        assert x.min() >= lo and x.max() <= hi, (x.min(), x.max())
        if out.size >= 1000:
            sd = (hi - lo) / np.sqrt(12)
            assert abs(x.mean() - (lo + hi) / 2) < 6 * sd / np.sqrt(x.size) + 1e-2
            assert abs(x.std() - sd) < 0.1 * sd
    return check


def _normal(mu, sigma):
    def check(out, dt, kw):
        assert out.dtype == np.dtype(dt), out.dtype
        x = out.astype(np.float64)
        assert abs(x.mean() - mu) < 6 * sigma / np.sqrt(x.size) + 1e-2, x.mean()
        assert abs(x.std() - sigma) < 0.1 * sigma, x.std()
    return check


CASES = [
    Case("uniform", samples=NONE, kwargs={"low": -2.0, "high": 3.0, "shape": (N,), "dtype": DT,
                                          "ctx": CTX},
         dtypes=FLOATS, values=False, stat=_uniform(-2.0, 3.0)),
    Case("random_uniform", samples=NONE, kwargs={"low": 0.0, "high": 1.0, "shape": (50, 40)},
         dtypes=("float32",), values=False, stat=_uniform(0.0, 1.0)),
    Case("normal", samples=NONE, kwargs={"loc": -1.0, "scale": 0.5, "shape": (N,), "dtype": DT},
         dtypes=FLOATS, values=False, stat=_normal(-1.0, 0.5)),
    Case("random_normal", samples=NONE, kwargs={"loc": 0.0, "scale": 2.0, "shape": (N,)},
         dtypes=("float32",), values=False, stat=_normal(0.0, 2.0)),
    Case("random.uniform", "default_shape", samples=NONE, dtypes=("float32",), values=False,
         stat=_uniform(0.0, 1.0), note="no shape: one sample, shape (1,)"),
    Case("random.normal", "default_shape", samples=NONE, dtypes=("float32",), values=False),
    Case("random.uniform", "shape2d", samples=NONE, kwargs={"shape": (40, 50), "dtype": DT},
         dtypes=FLOATS, values=False, stat=_uniform(0.0, 1.0)),
    Case("random.normal", "float16", samples=NONE,
         kwargs={"shape": (N,), "dtype": "float16"}, dtypes=("float16",), values=False,
         stat=_normal(0.0, 1.0)),
    Case("random.uniform", "int_dtype", samples=NONE, kwargs={"shape": (3,), "dtype": "int32"},
         dtypes=("float32",), raises=True),
    Case("random.uniform", "nd_params", samples=[((2,), (2,))],
         call=lambda mx, a, args, kw: mx.nd.random.uniform(a[0], a[0] + 1, shape=(500,)),
         dtypes=("float32",), values=False, noncontig=False,
         note="NDArray parameters: output shape is param.shape + shape"),
    Case("uniform", "no_shape", samples=NONE, dtypes=("float32",), raises=True,
         note="the legacy names have no (1,) default shape"),
    Case("random.uniform", "zero_size", samples=NONE, kwargs={"shape": (0, 3)},
         dtypes=("float32",), values=False,
         extension="zero-size shapes are supported (MXNet: shape inference fails)"),
]
