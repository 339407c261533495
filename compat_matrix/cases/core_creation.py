"""Core creation ops: array, zeros, ones, full, empty, arange, linspace, eye, *_like."""
import numpy as np

from compat_matrix.refs import c_cast
from compat_matrix.spec import ALL_DTYPES, CTX, DT, FLOATS, NUMERIC, Case

NONE = [()]   # one sample with no array inputs


def _stat_empty(out, dt, kw):
    assert out.shape == tuple(kw["shape"]) and out.dtype == np.dtype(dt)


def _arange(start, stop=None, step=1.0, repeat=1, dtype="float32", ctx=None):
    if stop is None:
        start, stop = 0, start
    n = int(np.ceil((stop - start) / step))
    v = np.arange(n, dtype=np.float64) * np.float64(step) + start
    return np.repeat(v, repeat).astype(dtype)


CASES = [
    Case("array", "list", samples=NONE, args=([[1.7, -2.2, 3.0], [0.0, 255.9, -1.5]],),
         kwargs={"dtype": DT, "ctx": CTX}, dtypes=ALL_DTYPES,
         ref=lambda v, dtype, ctx: c_cast(np.asarray(v, np.float64), dtype),
         note="values go through NumPy's astype (truncation; bool: nonzero)"),
    Case("array", "default_dtype", samples=NONE, args=([1, 2, 3],), kwargs={"ctx": CTX},
         dtypes=("float32",), ref=lambda v, ctx: np.asarray(v, np.float32),
         note="float32 for every non-NDArray source"),
    Case("array", "numpy_source", samples=[((2, 3),)], dtypes=NUMERIC,
         call=lambda mx, a, args, kw: mx.nd.array(a[0].asnumpy()),
         ref=lambda x: x.astype(np.float32), noncontig=False),
    Case("array", "nd_source", samples=[((2, 3),)], dtypes=NUMERIC + ("bool",),
         call=lambda mx, a, args, kw: mx.nd.array(a[0]), ref=lambda x: x,
         note="an NDArray source keeps its dtype"),
    Case("array", "scalar", samples=NONE, args=(5.5,), dtypes=("float32",),
         ref=lambda v: np.asarray(v, np.float32), note="a scalar gives a 0-d array"),
    Case("zeros", samples=NONE, kwargs={"shape": (2, 3), "dtype": DT, "ctx": CTX},
         dtypes=ALL_DTYPES, ref=lambda shape, dtype, ctx: np.zeros(shape, dtype)),
    Case("zeros", "int_shape", samples=NONE, kwargs={"shape": 4, "ctx": CTX},
         dtypes=("float32",), ref=lambda shape, ctx: np.zeros(shape, np.float32)),
    Case("zeros", "empty", samples=NONE, kwargs={"shape": (0, 3), "dtype": DT},
         dtypes=("float32",), ref=lambda shape, dtype: np.zeros(shape, dtype),
         extension="zero-size shapes are supported (MXNet: shape inference fails)"),
    Case("zeros", "bad_dtype", samples=NONE, kwargs={"shape": (2,), "dtype": "int16"},
         dtypes=("float32",), raises=True),
    Case("ones", samples=NONE, kwargs={"shape": (3, 1, 2), "dtype": DT, "ctx": CTX},
         dtypes=ALL_DTYPES, ref=lambda shape, dtype, ctx: np.ones(shape, dtype)),
    Case("full", samples=NONE, kwargs={"shape": (2, 3), "val": -7.5, "dtype": DT,
                                        "ctx": CTX},
         dtypes=ALL_DTYPES, ref=lambda shape, val, dtype, ctx: c_cast(np.full(shape, val),
                                                                      dtype)),
    Case("full", "int_shape", samples=NONE, kwargs={"shape": 3, "val": 1},
         dtypes=("float32",), ref=lambda shape, val: np.full(shape, val, np.float32)),
    Case("empty", samples=NONE, kwargs={"shape": (2, 3), "dtype": DT, "ctx": CTX},
         dtypes=ALL_DTYPES, values=False,
         stat=lambda out, dt, kw: None),
    Case("arange", samples=NONE, args=(5,), kwargs={"dtype": DT, "ctx": CTX},
         dtypes=NUMERIC, ref=lambda start, dtype, ctx: _arange(start, dtype=dtype)),
    Case("arange", "step", samples=NONE, args=(0, 1, 0.3), kwargs={"dtype": DT},
         dtypes=FLOATS, ref=lambda a, b, c, dtype: _arange(a, b, c, dtype=dtype),
         note="values computed in the target dtype"),
    Case("arange", "negative_step", samples=NONE, args=(5, 0, -1), kwargs={"dtype": DT},
         dtypes=("float32", "int32", "int64"),
         ref=lambda a, b, c, dtype: _arange(a, b, c, dtype=dtype)),
    Case("arange", "repeat", samples=NONE, args=(0, 5, 2), kwargs={"repeat": 3, "dtype": DT},
         dtypes=("float32", "int32"),
         ref=lambda a, b, c, repeat, dtype: _arange(a, b, c, repeat, dtype)),
    Case("arange", "int_fraction", samples=NONE, args=(0, 2.5), kwargs={"dtype": "int32"},
         dtypes=("int32",), ref=lambda a, b, dtype: np.arange(3, dtype=np.int32)),
    Case("arange", "backward", samples=NONE, args=(5, 0), dtypes=("float32",), raises=True,
         note="an empty range raises in MXNet (NumPy: empty array)"),
    Case("linspace", samples=NONE, args=(0, 1, 5), kwargs={"dtype": DT, "ctx": CTX},
         dtypes=FLOATS, ref=lambda a, b, n, dtype, ctx: np.linspace(a, b, n).astype(dtype)),
    Case("linspace", "no_endpoint", samples=NONE, args=(0, 1, 4),
         kwargs={"endpoint": False, "dtype": DT}, dtypes=FLOATS,
         ref=lambda a, b, n, endpoint, dtype: np.linspace(a, b, n, endpoint=False
                                                          ).astype(dtype)),
    Case("linspace", "int", samples=NONE, args=(0, 10, 4), kwargs={"dtype": DT},
         dtypes=("int32", "int64"),
         ref=lambda a, b, n, dtype: c_cast(np.linspace(a, b, n), dtype)),
    Case("linspace", "one", samples=NONE, args=(2, 10, 1), dtypes=("float32",),
         ref=lambda a, b, n: np.array([a], np.float32)),
    Case("eye", samples=NONE, args=(3,), kwargs={"dtype": DT, "ctx": CTX},
         dtypes=NUMERIC, ref=lambda n, dtype, ctx: np.eye(n, dtype=dtype)),
    Case("eye", "rect_k", samples=NONE, args=(2, 3, 1), kwargs={"dtype": DT},
         dtypes=FLOATS + ("int32",), ref=lambda n, m, k, dtype: np.eye(n, m, k, dtype=dtype)),
    Case("eye", "neg_k", samples=NONE, args=(3,), kwargs={"k": -1}, dtypes=("float32",),
         ref=lambda n, k: np.eye(n, k=k, dtype=np.float32)),
    Case("zeros_like", samples=[((2, 3),), ((1,),)], dtypes=ALL_DTYPES,
         ref=lambda x: np.zeros_like(x)),
    Case("ones_like", samples=[((2, 3),), ((4, 1, 2),)], dtypes=ALL_DTYPES,
         ref=lambda x: np.ones_like(x)),
    Case("NDArray.zeros_like", samples=[((2, 3),)], dtypes=NUMERIC,
         ref=lambda x: np.zeros_like(x)),
    Case("NDArray.ones_like", samples=[((2, 3),)], dtypes=NUMERIC,
         ref=lambda x: np.ones_like(x)),
]
