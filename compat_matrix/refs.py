"""NumPy references adapted to MXNet 1.9.1's rules, for case modules.

MXNet keeps the input dtype everywhere: integer inputs of float math are computed in float32
and cast back C-style (truncate, then wrap); comparisons give 1/0 in the input dtype; full
reductions give shape (1,); scalars are cast to the array dtype first.
"""
from __future__ import annotations

from typing import Any, Callable, Optional

import numpy as np

_INT_BITS = {"uint8": (0, 8), "int8": (-128, 8), "int32": (-2 ** 31, 32),
             "int64": (-2 ** 63, 64)}


def c_cast(a: Any, dtype: Any) -> np.ndarray:
    """Cast like C's static_cast on x86: float -> int truncates toward zero, then wraps;
    NaN/inf/out-of-range become the 32-bit (64-bit for int64) minimum, then wrap."""
    a = np.asarray(a)
    dt = np.dtype(dtype)
    if dt.kind not in "iu" or a.dtype.kind != "f":
        with np.errstate(all="ignore"):
            return a.astype(dt)
    lo, bits = _INT_BITS[dt.name]
    wide = 64 if bits == 64 else 32
    x = a.astype(np.float64)
    bad = ~np.isfinite(x) | (x >= 2.0 ** (wide - 1)) | (x < -2.0 ** (wide - 1))
    i = np.where(bad, 0, np.trunc(np.where(bad, 0, x))).astype(np.int64)
    i = np.where(bad, -2 ** (wide - 1), i)
    if bits < 64:
        i = (i - lo) % (1 << bits) + lo
    return i.astype(dt)


def unary(f: Callable) -> Callable:
    """Elementwise float math: floats in their own dtype, ints via float32 then C cast."""
    def ref(x: np.ndarray, **kw: Any) -> np.ndarray:
        with np.errstate(all="ignore"):
            if x.dtype.kind == "f":
                return np.asarray(f(x, **kw)).astype(x.dtype)
            return c_cast(f(x.astype(np.float32), **kw), x.dtype)
    ref.__name__ = f"unary({getattr(f, '__name__', 'f')})"
    return ref


def binary(f: Callable, int_exact: bool = True) -> Callable:
    """Same-dtype binary op with broadcasting; the result keeps the input dtype.
    ``int_exact``: integer inputs computed in int64 (add/sub/mul/max/min); otherwise via
    float32 like MXNet's float kernels."""
    def ref(a: np.ndarray, b: np.ndarray, **kw: Any) -> np.ndarray:
        with np.errstate(all="ignore"):
            if a.dtype.kind == "f":
                return np.asarray(f(a, b, **kw)).astype(a.dtype)
            if int_exact:
                return c_cast(f(a.astype(np.int64), b.astype(np.int64), **kw), a.dtype) \
                    if a.dtype != np.int64 else np.asarray(f(a, b, **kw)).astype(a.dtype)
            return c_cast(f(a.astype(np.float32), b.astype(np.float32), **kw), a.dtype)
    ref.__name__ = f"binary({getattr(f, '__name__', 'f')})"
    return ref


def compare(f: Callable) -> Callable:
    """Comparison / logical: 1/0 in the input dtype."""
    def ref(a: np.ndarray, b: Any, **kw: Any) -> np.ndarray:
        if not isinstance(b, np.ndarray):
            b = scalar_for(a.dtype, b)
        return np.asarray(f(a, b)).astype(a.dtype)
    return ref


def scalar_for(dtype: Any, s: Any) -> Any:
    """The Python scalar as MXNet uses it with an array of ``dtype``: cast to the dtype."""
    return c_cast(np.asarray(float(s), dtype=np.float64), dtype)[()]


def trunc_div(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """C integer division (toward zero)."""
    q = np.trunc(a.astype(np.float64) / b.astype(np.float64))
    return c_cast(q, a.dtype)


def reduce_axes(ndim: int, axis: Any, exclude: bool = False) -> tuple:
    if axis is None or axis == ():
        axes = tuple(range(ndim))
    elif isinstance(axis, int):
        axes = (axis % ndim,)
    else:
        axes = tuple(a % ndim for a in axis)
    if exclude:
        axes = tuple(i for i in range(ndim) if i not in axes)
    return axes


def reduction(f: Callable, int_mean: bool = False) -> Callable:
    """sum/prod/max/min/mean with MXNet's axis/keepdims/exclude and the (1,) full-reduction
    shape; the result keeps the input dtype (int mean truncates)."""
    def ref(x: np.ndarray, axis: Any = None, keepdims: bool = False, exclude: bool = False,
            **kw: Any) -> np.ndarray:
        axes = reduce_axes(x.ndim, axis, exclude)
        with np.errstate(all="ignore"):
            if int_mean and x.dtype.kind in "iu":
                s = np.sum(x.astype(np.int64), axis=axes, keepdims=keepdims)
                n = int(np.prod([x.shape[i] for i in axes])) if axes else 1
                r = c_cast(np.trunc(s / n), x.dtype)
            else:
                acc = np.int64 if x.dtype.kind in "iu" else x.dtype
                r = f(x.astype(acc), axis=axes, keepdims=keepdims)
                r = c_cast(r, x.dtype) if x.dtype.kind in "iu" else np.asarray(r).astype(
                    x.dtype)
        r = np.asarray(r)
        if r.ndim == 0:
            r = r.reshape(1)
        return r
    return ref


def nd_array_like(v: Any, dtype: Optional[str] = None) -> np.ndarray:
    """What mx.nd.array(v, dtype=...) holds: float32 unless a dtype is given."""
    return np.asarray(v, dtype=np.float64).astype(dtype or "float32")


# ---------------------------------------------------------------------------------------
# input generators for In(gen=...): gen(rng, shape, dtype_name) -> np.ndarray
def small_ints(lo: int = -2, hi: int = 2) -> Callable:
    """Integers in [lo, hi] in any dtype (ties and zeros for comparisons/logical ops)."""
    def gen(rng: np.random.Generator, shape: tuple, dt: str) -> np.ndarray:
        a = np.floor(lo + rng.random(size=shape) * (hi - lo + 1))
        return a.astype(bool) if dt == "bool" else a.astype(dt)
    return gen


def nonzero(lo: float = 1, hi: float = 5) -> Callable:
    """Magnitudes in [lo, hi] with random signs (signed dtypes); divisors (integer division by
    zero kills MXNet with SIGFPE)."""
    def gen(rng: np.random.Generator, shape: tuple, dt: str) -> np.ndarray:
        m = lo + rng.random(size=shape) * (hi - lo)
        s = np.where(rng.random(size=shape) < 0.5, -1.0, 1.0)
        if np.dtype(dt).kind == "u":
            s = np.ones_like(s)
        a = m * s
        if np.dtype(dt).kind in "iu":
            a = np.trunc(a)
        return a.astype(dt)
    return gen


def indices(lo: int, hi: int) -> Callable:
    """Integer index values in [lo, hi) (use with In(dtype=...))."""
    def gen(rng: np.random.Generator, shape: tuple, dt: str) -> np.ndarray:
        return np.floor(lo + rng.random(size=shape) * (hi - lo)).astype(dt)
    return gen


def with_nan(lo: float = -3, hi: float = 3, p: float = 0.3) -> Callable:
    """Floats in [lo, hi) with about a fraction p of NaNs (no infinities)."""
    def gen(rng: np.random.Generator, shape: tuple, dt: str) -> np.ndarray:
        a = lo + rng.random(size=shape) * (hi - lo)
        return np.where(rng.random(size=shape) < p, np.nan, a).astype(dt)
    return gen
