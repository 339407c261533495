"""Element-wise ops (unary math, clip/where/cast/add_n/smooth_l1/hard_sigmoid, binary quirks):
replayed against real MXNet 1.9.1 (tests/golden/elemwise.json, recorded by
tools/oracle/record_elemwise.py), checked against NumPy references adapted to MXNet's rules,
and differentiated through torch autograd against MXNet's recorded gradients."""
from __future__ import annotations

import numpy as np
import pytest

import mxcompat as mx
from mxcompat.base import MXNetError

from _elemwise_golden import GOLDEN, check, check_grad, rec

CASES = rec.cases("elemwise")
GRADS = rec.grads("elemwise")


@pytest.mark.parametrize("cid,code", CASES, ids=[c[0] for c in CASES])
def test_golden(cid, code):
    check("elemwise", cid, code)


@pytest.mark.parametrize("case", GRADS, ids=[c[1] for c in GRADS])
def test_golden_grad(case):
    check_grad(*case)


def test_golden_covers_every_case():
    assert set(GOLDEN["cases"]["elemwise"]) == {c[0] for c in CASES}
    assert set(GOLDEN["grads"]["elemwise"]) == {c[1] for c in GRADS}


# ---- NumPy references with MXNet's rules -------------------------------------------------
def _rint(x):
    fl, ce = np.floor(x), np.ceil(x)
    return np.where(x - fl <= ce - x, fl, ce)


def _round(x):
    return np.sign(x) * np.floor(np.abs(x) + 0.5)


REFS = {"abs": np.abs, "ceil": np.ceil, "floor": np.floor, "trunc": np.trunc, "fix": np.fix,
        "rint": _rint, "round": _round, "sqrt": np.sqrt, "rsqrt": lambda x: 1 / np.sqrt(x),
        "cbrt": np.cbrt, "rcbrt": lambda x: 1 / np.cbrt(x), "square": np.square,
        "reciprocal": np.reciprocal, "exp": np.exp, "expm1": np.expm1, "log": np.log,
        "log10": np.log10, "log2": np.log2, "log1p": np.log1p, "sin": np.sin, "cos": np.cos,
        "tan": np.tan, "arctan": np.arctan, "sinh": np.sinh, "cosh": np.cosh, "tanh": np.tanh,
        "arcsinh": np.arcsinh, "relu": lambda x: np.maximum(x, 0),
        "sigmoid": lambda x: 1 / (1 + np.exp(-x)), "softsign": lambda x: x / (1 + np.abs(x)),
        "negative": np.negative, "sign": np.sign,
        "degrees": lambda x: x * np.float64(np.float32(180) / np.float32(np.pi)),
        "radians": lambda x: x * np.float64(np.float32(np.pi / 180)),
        "logical_not": lambda x: (x == 0).astype(x.dtype)}


@pytest.mark.parametrize("op", sorted(REFS))
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_unary_against_numpy(op, dtype):
    a = np.random.RandomState(hash(op) % 1000).uniform(0.1, 3.0, size=(3, 4)) * \
        np.array([1, -1, 1, -1])
    a = a.astype(dtype)
    if op in ("sqrt", "rsqrt", "log", "log10", "log2", "log1p"):
        a = np.abs(a)
    got = getattr(mx.nd, op)(mx.nd.array(a, dtype=dtype))
    assert got.dtype == np.dtype(dtype) and got.shape == a.shape
    with np.errstate(all="ignore"):
        want = REFS[op](a.astype(np.float64))
    np.testing.assert_allclose(got.asnumpy(), want, rtol=1e-5 if dtype == "float32" else 1e-12,
                               atol=1e-6)


@pytest.mark.parametrize("dtype", ["int32", "int64", "int8", "uint8"])
@pytest.mark.parametrize("op", ["sqrt", "exp", "sin", "reciprocal", "log1p", "degrees"])
def test_unary_integer_keeps_dtype_and_truncates(op, dtype):
    a = np.array([1, 2, 3, 4], dtype=dtype)
    got = getattr(mx.nd, op)(mx.nd.array(a, dtype=dtype))
    assert got.dtype == np.dtype(dtype)
    # MXNet computes integer math in double (degrees/radians: float32), then truncates
    work = np.float32 if op == "degrees" else np.float64
    want = REFS[op](a.astype(work)).astype(work)
    np.testing.assert_array_equal(got.asnumpy(), np.trunc(want).astype(np.int64).astype(dtype))


def test_rounding_modes_are_not_bankers():
    x = mx.nd.array([0.5, 1.5, 2.5, -0.5, -1.5])
    assert mx.nd.round(x).asnumpy().tolist() == [1, 2, 3, -1, -2]
    assert mx.nd.rint(x).asnumpy().tolist() == [0, 1, 2, -1, -2]
    assert mx.nd.fix(x).asnumpy().tolist() == [0, 1, 2, -0.0, -1]


@pytest.mark.parametrize("dtype", ["float32", "int32", "uint8", "float16"])
def test_clip_against_numpy(dtype):
    a = np.random.RandomState(1).uniform(-5, 5, size=(4, 5))
    x = mx.nd.array(a, dtype="float64").astype(dtype)
    got = mx.nd.clip(x, -2.5, 3.5) if dtype != "uint8" else mx.nd.clip(x, 1.5, 200.7)
    base = x.asnumpy().astype(np.float64)
    lo, hi = (-2.5, 3.5) if dtype != "uint8" else (1.5, 200.7)
    want = np.where(base > hi, np.trunc(hi) if dtype in ("int32", "uint8") else hi,
                    np.where(base < lo, np.trunc(lo) if dtype in ("int32", "uint8") else lo,
                             base))
    np.testing.assert_allclose(got.asnumpy().astype(np.float64), want.astype(dtype), rtol=1e-3)
    assert got.dtype == np.dtype(dtype)


def test_where_against_numpy():
    rng = np.random.RandomState(2)
    c, x, y = rng.randint(0, 2, (4, 3)), rng.randn(4, 3), rng.randn(4, 3)
    got = mx.nd.where(mx.nd.array(c), mx.nd.array(x), mx.nd.array(y))
    np.testing.assert_allclose(got.asnumpy(), np.where(c, x, y).astype(np.float32))
    rows = mx.nd.where(mx.nd.array(c[:, 0]), mx.nd.array(x), mx.nd.array(y))
    np.testing.assert_allclose(rows.asnumpy(), np.where(c[:, :1], x, y).astype(np.float32))


def test_add_n_and_smooth_l1_against_numpy():
    rng = np.random.RandomState(3)
    arrs = [rng.randn(3, 4).astype(np.float32) for _ in range(5)]
    got = mx.nd.add_n(*[mx.nd.array(a) for a in arrs])
    np.testing.assert_allclose(got.asnumpy(), np.sum(arrs, axis=0), rtol=1e-6)
    v = rng.uniform(-3, 3, size=20)
    s = 1.7
    want = np.where(np.abs(v) < 1 / s ** 2, 0.5 * (s * v) ** 2, np.abs(v) - 0.5 / s ** 2)
    np.testing.assert_allclose(mx.nd.smooth_l1(mx.nd.array(v, dtype="float64"), scalar=s)
                               .asnumpy(), want, rtol=1e-12)


def test_out_argument_and_fluent_methods():
    x = mx.nd.array([-1.5, 0.5, 2.5])
    o = mx.nd.zeros((3,))
    r = mx.nd.rint(x, out=o)
    assert r is o and o.asnumpy().tolist() == [-2, 0, 2]
    for name in ("abs", "sign", "rint", "round", "fix", "cbrt", "rcbrt", "degrees", "radians",
                 "relu", "sigmoid", "clip"):
        assert callable(getattr(x, name)), name
    assert abs(x).asnumpy().tolist() == [1.5, 0.5, 2.5]
    with pytest.raises(TypeError):
        round(x)  # MXNet's NDArray has no __round__


def test_integer_division_crashes_become_errors():
    a = mx.nd.array([7, -7], dtype="int32")
    with pytest.raises(MXNetError, match="division by zero"):
        a / 0
    with pytest.raises(MXNetError, match="division by zero"):
        a / 0.5
    with pytest.raises(MXNetError, match="division by zero"):
        mx.nd.divide(a, mx.nd.array([1, 0], dtype="int32"))
    with pytest.raises(MXNetError, match="overflow"):
        mx.nd.divide(mx.nd.array([-2 ** 31], dtype="int32"), mx.nd.array([-1], dtype="int32"))
    with pytest.raises(MXNetError, match="overflow"):
        mx.nd.array([-2 ** 63, 4], dtype="int64") / -1
    assert (mx.nd.array([-128], dtype="int8") / -1).asnumpy().tolist() == [-128]


def test_errors_name_the_op():
    with pytest.raises(MXNetError, match="hard_sigmoid"):
        mx.nd.hard_sigmoid(mx.nd.array([1], dtype="int32"))
    with pytest.raises(MXNetError, match="clip"):
        mx.nd.clip(mx.nd.array([1]), a_min=0)
    with pytest.raises(MXNetError, match="where"):
        mx.nd.where(mx.nd.array([1, 0]), mx.nd.zeros((2, 3)), mx.nd.zeros((2, 3), dtype="int32"))
    with pytest.raises(MXNetError, match="add_n"):
        mx.nd.add_n(mx.nd.zeros((2,)), mx.nd.zeros((3,)))
    with pytest.raises(MXNetError, match="cast"):
        mx.nd.cast(mx.nd.zeros((2,)), dtype="complex64")


@pytest.mark.parametrize("op", ["__iadd__", "__isub__", "__imul__", "__itruediv__", "__imod__"])
def test_inplace_scalar_on_bool_raises(op):
    # MXNet 1.9.1: bool (op) scalar computes in int64, and the in-place form cannot write
    # that back: "Type inconsistent, Provided = unknown, inferred type = int64"
    # (compat_matrix/golden/core_elemwise.json, NDArray.__iadd__[scalar]|bool); the
    # out-of-place form returns int64
    b = mx.nd.array([1, 0, 1], dtype="bool")
    with pytest.raises(MXNetError, match="Type inconsistent"):
        getattr(b, op)(2)
    assert b.dtype == np.bool_ and b.asnumpy().tolist() == [True, False, True]
    r = b + 2
    assert r.dtype == np.int64 and r.asnumpy().tolist() == [3, 2, 3]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("s", [0.1, -1.0, 2.5, -0.0, 0.0, float("inf"), float("nan"), 1e-40])
def test_scalar_arithmetic_bits_match_numpy(dtype, s):
    """Scalar operands (cached as 0-d tensors for float32/float64) give NumPy's bits: the
    scalar rounded to the array's dtype once, signed zeros and NaN included."""
    vals = np.array([1.5, -0.0, 0.0, 3e-39, -7.25, np.inf, -np.inf, np.nan, 65000.0, 1e-3])
    a = mx.nd.array(vals, dtype=dtype)
    x = vals.astype(dtype)
    f = np.dtype(dtype).type
    with np.errstate(all="ignore"):
        cases = {"add": (a + s, x + f(s)), "sub": (a - s, x - f(s)), "mul": (a * s, x * f(s)),
                 "div": (a / s, x / f(s)), "rsub": (s - a, f(s) - x), "rmul": (s * a, f(s) * x)}
        for name, (got, want) in cases.items():
            g = got.asnumpy()
            same = (g == want) | (np.isnan(g) & np.isnan(want))
            assert same.all(), (name, g, want)
            assert (np.signbit(g) == np.signbit(want))[~np.isnan(want)].all(), (name, g, want)
    b = mx.nd.array(vals, dtype=dtype)
    b *= s
    assert np.array_equal(b.asnumpy(), (a * s).asnumpy(), equal_nan=True)


def test_scalar_operand_cache_stays_small():
    from mxcompat.ndarray import elemwise
    a = mx.nd.ones((2,))
    for i in range(1000):
        a = a * 1.0 + (i * 1e-3)
    assert all(len(c) <= 256 for c in elemwise._SCALAR_CACHE.values())
    np.testing.assert_allclose(a.asnumpy(), 1 + sum(i * 1e-3 for i in range(1000)), rtol=1e-4)

