"""mx.nd.random, mx.random and the legacy random_* / sample_* names. MXNet's bit streams are
not reproduced, so samples are checked statistically (fixed seed, n = 1e5: means and variances
within a few standard errors), plus shapes, dtypes, bounds, seeding and MXNet's error cases
(observed with real MXNet 1.9.1, /work/shared/mxnet-semantics.md section 9)."""
from __future__ import annotations

import numpy as np
import pytest
import torch

import mxcompat as mx
from mxcompat.base import MXNetError

nd = mx.nd
N = 100_000


@pytest.fixture(autouse=True)
def _seed():
    mx.random.seed(1234)


def _moments(x, mean, var, k=5.0):
    a = x.asnumpy().astype(np.float64).ravel()
    n = a.size
    assert abs(a.mean() - mean) < k * np.sqrt(var / n) + 1e-12, (a.mean(), mean)
    # the sample variance's standard error is about var * sqrt(2 / n) (exact for a normal,
    # a rough bound otherwise; k leaves room for heavier tails)
    assert abs(a.var() - var) < 3 * k * var * np.sqrt(2.0 / n) + 1e-12, (a.var(), var)


# ---- distributions ---------------------------------------------------------------------------
@pytest.mark.parametrize("fn,kw,mean,var", [
    (nd.random.uniform, dict(low=-2, high=3), 0.5, 25 / 12),
    (nd.random.normal, dict(loc=1.5, scale=2), 1.5, 4.0),
    (nd.random.exponential, dict(scale=2.0), 2.0, 4.0),
    (nd.random.gamma, dict(alpha=2.5, beta=1.5), 3.75, 2.5 * 1.5 ** 2),
    (nd.random.gamma, dict(alpha=0.5, beta=2.0), 1.0, 2.0),
    (nd.random.poisson, dict(lam=3.5), 3.5, 3.5),
    (nd.random.negative_binomial, dict(k=3, p=0.4), 3 * 0.6 / 0.4, 3 * 0.6 / 0.16),
    (nd.random.generalized_negative_binomial, dict(mu=2.0, alpha=0.5), 2.0, 2.0 + 0.5 * 4),
    (nd.random.generalized_negative_binomial, dict(mu=2.0, alpha=0.0), 2.0, 2.0),
])
def test_distribution_moments(fn, kw, mean, var):
    x = fn(shape=(N,), **kw)
    assert x.shape == (N,) and x.dtype == np.float32
    _moments(x, mean, var)


def test_legacy_exponential_takes_a_rate():
    _moments(nd.random_exponential(lam=4.0, shape=N), 0.25, 1 / 16)
    _moments(nd.sample_exponential(nd.array([4.0]), shape=N), 0.25, 1 / 16)
    _moments(nd.random.exponential_like(nd.zeros(N), lam=4.0), 0.25, 1 / 16)


def test_uniform_bounds_and_default_shape():
    x = nd.random.uniform(2, 3, shape=(N,)).asnumpy()
    assert x.min() >= 2 and x.max() < 3
    assert nd.random.uniform().shape == (1,)
    assert nd.random.normal().shape == (1,)
    assert nd.random.randint(0, 5).shape == (1,)
    assert nd.random.uniform(1, 1, shape=3).asnumpy().tolist() == [1, 1, 1]


def test_discrete_values_are_integral():
    for x in (nd.random.poisson(2.0, shape=1000), nd.random.negative_binomial(2, 0.3, shape=1000),
              nd.random.generalized_negative_binomial(1.0, 0.3, shape=1000)):
        a = x.asnumpy()
        assert x.dtype == np.float32 and (a == np.round(a)).all() and (a >= 0).all()


def test_degenerate_parameters():
    assert (nd.random.poisson(0, shape=10).asnumpy() == 0).all()
    assert (nd.random.negative_binomial(0, 0.5, shape=10).asnumpy() == 0).all()
    assert (nd.random.negative_binomial(1, 1, shape=10).asnumpy() == 0).all()
    assert (nd.random.generalized_negative_binomial(0, 1, shape=10).asnumpy() == 0).all()


@pytest.mark.parametrize("dtype", ["float16", "float32", "float64"])
def test_float_dtypes(dtype):
    for f in (nd.random.uniform, nd.random.normal, nd.random.gamma, nd.random.poisson,
              nd.random.exponential):
        assert f(shape=(4,), dtype=dtype).dtype == np.dtype(dtype)
    assert nd.random.randn(2, 3, dtype=dtype).dtype == np.dtype(dtype)


def test_randint():
    x = nd.random.randint(-3, 4, shape=(N,))
    assert x.dtype == np.int32
    a = x.asnumpy()
    assert a.min() == -3 and a.max() == 3
    _moments(x, 0.0, (7 ** 2 - 1) / 12)
    assert nd.random.randint(0, 2 ** 40, shape=3, dtype="int64").dtype == np.int64
    assert nd.random_randint(0, 5, shape=2).dtype == np.int32
    assert nd.random_randint(low=0, high=5, shape=2, dtype="int64").dtype == np.int64


def test_randn():
    x = nd.random.randn(400, 250, loc=5, scale=2)
    assert x.shape == (400, 250) and x.dtype == np.float32
    _moments(x, 5.0, 4.0)
    assert nd.random.randn(2, 3, dtype="float64").dtype == np.float64


def test_multinomial():
    p = nd.array([[0.2, 0.3, 0.5], [1.0, 0.0, 0.0]])
    s = nd.random.multinomial(p, shape=N)
    assert s.shape == (2, N) and s.dtype == np.int32
    a = s.asnumpy()
    freq = np.bincount(a[0], minlength=3) / N
    assert np.all(np.abs(freq - [0.2, 0.3, 0.5]) < 5 * np.sqrt(0.25 / N))
    assert (a[1] == 0).all()
    assert nd.random.multinomial(nd.array([0.2, 0.8])).shape == (1,)
    assert nd.random.multinomial(p).shape == (2,)
    s, lp = nd.random.multinomial(nd.array([0.2, 0.8]), shape=(3, 4), get_prob=True)
    assert s.shape == lp.shape == (3, 4) and lp.dtype == np.float32
    np.testing.assert_allclose(lp.asnumpy(), np.log(np.array([0.2, 0.8], "f4"))[s.asnumpy()])
    assert nd.random.multinomial(p, dtype="float64").dtype == np.float64
    assert nd.random.multinomial(p, dtype="uint8").dtype == np.uint8
    assert nd.sample_multinomial(p, shape=2).shape == (2, 2)


def test_multinomial_is_not_normalised():
    # MXNet: the first i with u < p[0] + ... + p[i], else len(p)
    assert (nd.random.multinomial(nd.array([1.0, 3.0]), shape=1000).asnumpy() == 0).all()
    a = nd.random.multinomial(nd.array([0.1, 0.1]), shape=N).asnumpy()
    assert abs((a == 2).mean() - 0.8) < 0.01 and abs((a == 0).mean() - 0.1) < 0.01


def test_shuffle():
    x = nd.array(np.arange(20).reshape(10, 2))
    y = nd.random.shuffle(x)
    assert y.shape == (10, 2)
    assert sorted(y.asnumpy()[:, 0].tolist()) == list(range(0, 20, 2))
    np.testing.assert_array_equal(y.asnumpy()[:, 1] - y.asnumpy()[:, 0], 1)
    np.testing.assert_array_equal(x.asnumpy(), np.arange(20).reshape(10, 2))
    assert nd.shuffle(nd.array([1, 2, 3], dtype="int32")).dtype == np.int32
    o = nd.zeros((10, 2))
    assert nd.shuffle(x, out=o) is o and sorted(o.asnumpy()[:, 0].tolist()) == list(range(0, 20, 2))
    perms = {tuple(mx.random.shuffle(nd.array([1, 2, 3])).asnumpy().tolist()) for _ in range(60)}
    assert len(perms) == 6


# ---- NDArray parameters ----------------------------------------------------------------------
def test_array_parameters():
    lo, hi = nd.array([0, 10]), nd.array([1, 11])
    x = nd.random.uniform(lo, hi, shape=(3, N // 10))
    assert x.shape == (2, 3, N // 10) and x.dtype == np.float32
    a = x.asnumpy()
    assert a[0].min() >= 0 and a[0].max() < 1 and a[1].min() >= 10 and a[1].max() < 11
    assert nd.random.uniform(lo, hi).shape == (2,)
    assert nd.random.uniform(lo, hi, dtype="float64").dtype == np.float64
    # the output is float32 whatever the parameters' dtype
    assert nd.random.uniform(lo.astype("float64"), hi.astype("float64")).dtype == np.float32
    assert nd.random.uniform(lo.astype("int32"), hi.astype("int32")).dtype == np.float32
    g = nd.random.gamma(nd.array([1.0, 4.0]), nd.array([2.0, 0.5]), shape=N)
    _moments(g[0], 2.0, 4.0)
    _moments(g[1], 2.0, 1.0)
    e = nd.random.exponential(nd.array([1.0, 3.0]), shape=N)
    _moments(e[1], 3.0, 9.0)
    s = nd.sample_normal(mu=nd.array([0.0, 5.0]), sigma=nd.array([1.0, 0.1]), shape=N)
    _moments(s[1], 5.0, 0.01)
    assert nd.random.randn(2, loc=nd.array([1, 2]), scale=nd.array([1, 1])).shape == (2, 2)
    o = nd.zeros((2, 2))
    assert nd.random.uniform(lo, hi, shape=2, out=o) is o


def test_array_parameter_errors():
    lo = nd.array([0, 10])
    with pytest.raises(AssertionError, match="same type"):
        nd.random.uniform(lo, 2)
    with pytest.raises(MXNetError, match="same type"):
        nd.random.randn(2, loc=nd.array([1, 2]))
    with pytest.raises(MXNetError, match="uniform"):
        nd.random.uniform(lo, nd.array([1, 2], dtype="float64"))
    with pytest.raises(MXNetError, match="uniform"):
        nd.random.uniform(lo, nd.array([1, 2, 3]))
    with pytest.raises(MXNetError, match="randint"):
        nd.random.randint(nd.array([1]), nd.array([3]), shape=3)
    with pytest.raises(AssertionError, match="NDArray"):
        nd.sample_uniform(1, 2)
    with pytest.raises(MXNetError, match="sample_poisson"):
        nd.sample_poisson(nd.array([1, 2]), ctx=mx.cpu())


# ---- *_like ---------------------------------------------------------------------------------
def test_like():
    d = nd.zeros((2, 3), dtype="float64")
    x = nd.random.uniform_like(d, low=2, high=3)
    assert x.shape == (2, 3) and x.dtype == np.float64
    assert (x.asnumpy() >= 2).all() and (x.asnumpy() < 3).all()
    assert nd.random.uniform_like(nd.zeros(2), 2, 3).asnumpy().min() >= 2
    _moments(nd.random.normal_like(nd.zeros(N), loc=1, scale=3), 1.0, 9.0)
    _moments(nd.random.gamma_like(nd.zeros(N), alpha=2, beta=3), 6.0, 18.0)
    _moments(nd.random.poisson_like(nd.zeros(N), lam=4), 4.0, 4.0)
    _moments(nd.random.negative_binomial_like(nd.zeros(N), k=2, p=0.5), 2.0, 4.0)
    _moments(nd.random.generalized_negative_binomial_like(nd.zeros(N), mu=2, alpha=0.5),
             2.0, 4.0)
    assert nd.random.uniform_like(nd.zeros(2, dtype="float16")).dtype == np.float16
    with pytest.raises(MXNetError, match="uniform_like"):
        nd.random.uniform_like(nd.zeros((2, 3), dtype="int32"))
    with pytest.raises(MXNetError, match="uniform_like"):
        nd.random.uniform_like(nd.zeros(2), low=3, high=2)
    with pytest.raises(MXNetError, match="shape"):
        nd.random.uniform_like(nd.zeros(2), shape=3)


# ---- legacy names ---------------------------------------------------------------------------
LEGACY = ["random_uniform", "random_normal", "random_randint", "random_poisson",
          "random_gamma", "random_exponential", "random_negative_binomial",
          "random_generalized_negative_binomial", "sample_uniform", "sample_normal",
          "sample_gamma", "sample_exponential", "sample_poisson", "sample_negative_binomial",
          "sample_generalized_negative_binomial", "sample_multinomial", "shuffle", "uniform",
          "normal"]
RANDOM = ["uniform", "normal", "randn", "randint", "exponential", "gamma", "poisson",
          "negative_binomial", "generalized_negative_binomial", "multinomial", "shuffle",
          "uniform_like", "normal_like", "exponential_like", "gamma_like", "poisson_like",
          "negative_binomial_like", "generalized_negative_binomial_like"]


@pytest.mark.parametrize("name", LEGACY)
def test_legacy_names_exist(name):
    assert not getattr(getattr(nd, name), "_mx_stub", False)


@pytest.mark.parametrize("name", RANDOM)
def test_random_names_exist(name):
    assert not getattr(getattr(nd.random, name), "_mx_stub", False)


def test_mx_random_mirrors_nd_random():
    for name in ("uniform", "normal", "randn", "randint", "exponential", "gamma", "poisson",
                 "negative_binomial", "generalized_negative_binomial", "multinomial",
                 "shuffle"):
        assert getattr(mx.random, name) is getattr(nd.random, name)


def test_legacy_spellings():
    assert nd.random_uniform(0, 1, (2,)).shape == (2,)
    x = nd.random_uniform(0, 1, (2,), mx.cpu(), "float64")
    assert x.dtype == np.float64
    assert nd.random_uniform(low="1", high="2", shape="(2,)").asnumpy().min() >= 1
    assert nd.uniform(shape=2, dtype="float16").dtype == np.float16
    assert nd.random_poisson(shape=2).dtype == np.float32
    assert nd.sample_uniform(nd.array([1, 2]), nd.array([2, 3]), shape=(3,)).shape == (2, 3)
    assert nd.sample_uniform(nd.array([[1, 2]]), nd.array([[2, 3]])).shape == (1, 2)
    for f in (nd.random_uniform, nd.uniform, nd.normal, nd.random_gamma):
        with pytest.raises(MXNetError, match="shape"):
            f()
    with pytest.raises(MXNetError, match="random_randint"):
        nd.random_randint(shape=2)
    with pytest.raises(MXNetError, match="random_exponential"):
        nd.random_exponential(lam=0, shape=3)
    with pytest.raises(MXNetError, match="random_poisson"):
        nd.random_poisson(shape=2, dtype="int32")
    with pytest.raises(MXNetError, match="sample_uniform"):
        nd.sample_uniform(nd.array([1, 2]), nd.array([2, 3]), dtype="int32")


# ---- errors (MXNet 1.9.1's cases) ------------------------------------------------------------
@pytest.mark.parametrize("call,op", [
    (lambda: nd.random.uniform(2, 1), "uniform"),
    (lambda: nd.random.uniform(dtype="int32"), "uniform"),
    (lambda: nd.random.normal(0, 0), "normal"),
    (lambda: nd.random.normal(0, -1), "normal"),
    (lambda: nd.random.randn(), "randn"),
    (lambda: nd.random.randn(2, 3, dtype="int32"), "randn"),
    (lambda: nd.random.randint(0, 10, shape=3, dtype="float32"), "randint"),
    (lambda: nd.random.randint(5, 3, shape=3), "randint"),
    (lambda: nd.random.randint(3, 3, shape=3), "randint"),  # MXNet: SIGFPE crash
    (lambda: nd.random.randint(0.5, 3.7, shape=3), "randint"),
    (lambda: nd.random.exponential(-1), "exponential"),
    (lambda: nd.random.gamma(0, 1), "gamma"),
    (lambda: nd.random.gamma(1, 0), "gamma"),
    (lambda: nd.random.poisson(-1), "poisson"),
    (lambda: nd.random.poisson(dtype="int32"), "poisson"),
    (lambda: nd.random.negative_binomial(-1, 0.5), "negative_binomial"),
    (lambda: nd.random.negative_binomial(2.5, 0.5), "negative_binomial"),
    (lambda: nd.random.generalized_negative_binomial(-1, 1), "generalized_negative_binomial"),
    (lambda: nd.random.generalized_negative_binomial(1, -1), "generalized_negative_binomial"),
    (lambda: nd.random.uniform(shape=()), "uniform"),
    (lambda: nd.random.uniform(shape=(3,), out=nd.zeros((2, 2))), "uniform"),
    (lambda: nd.random.uniform(shape=(2, 2), dtype="float64", out=nd.zeros((2, 2))), "uniform"),
    (lambda: nd.random.uniform(low="1", high="2"), "uniform"),
    (lambda: nd.random.uniform(shape=2, bogus=1), "uniform"),
    (lambda: nd.random.multinomial(nd.array([2, 8], dtype="int32")), "multinomial"),
    (lambda: nd.random.multinomial(nd.array([0.2, 0.8]), dtype="int64"), "multinomial"),
    (lambda: nd.random.multinomial(nd.array([0.1, 0.1]), shape=(2, 3), out=nd.zeros((2, 3))),
     "multinomial"),
])
def test_errors(call, op):
    with pytest.raises(MXNetError, match=op):
        call()


def test_exponential_zero_scale_is_zero_division():
    with pytest.raises(ZeroDivisionError):
        nd.random.exponential(0)


# ---- out=, ctx= ------------------------------------------------------------------------------
def test_out_and_ctx():
    o = nd.zeros((2, 2))
    assert nd.random.uniform(out=o) is o and (o.asnumpy() > 0).any()
    o64 = nd.zeros((2, 3), dtype="float64")
    assert nd.random.normal(shape=(2, 3), out=o64) is o64
    oi = nd.zeros((3,), dtype="int32")
    assert nd.random.randint(0, 9, out=oi) is oi
    x = nd.random.uniform(shape=2, ctx=mx.cpu(1))
    assert x.context == mx.cpu(1)
    assert nd.random.normal(1, 2, shape=(2,), ctx="cpu(0)").context == mx.cpu(0)


# ---- seeding ---------------------------------------------------------------------------------
def _draw_all():
    return [nd.random.uniform(shape=5), nd.random.normal(shape=5), nd.random.gamma(shape=5),
            nd.random.poisson(shape=5), nd.random.randint(0, 100, shape=5),
            nd.random.multinomial(nd.array([0.3, 0.7]), shape=5),
            nd.random.shuffle(nd.array(np.arange(8)))]


def test_seed_reproducible():
    mx.random.seed(7)
    a = _draw_all()
    mx.random.seed(7)
    b = _draw_all()
    for x, y in zip(a, b):
        np.testing.assert_array_equal(x.asnumpy(), y.asnumpy())
    mx.random.seed(8)
    c = _draw_all()
    assert not np.array_equal(a[0].asnumpy(), c[0].asnumpy())


def test_seed_per_context():
    mx.random.seed(5)
    a0 = nd.random.uniform(shape=4, ctx=mx.cpu(0))
    mx.random.seed(5, ctx=mx.cpu(0))
    b0 = nd.random.uniform(shape=4, ctx=mx.cpu(0))
    np.testing.assert_array_equal(a0.asnumpy(), b0.asnumpy())
    with pytest.raises(ValueError):
        mx.random.seed(1.5)


def test_independent_of_torch_global_generator():
    mx.random.seed(11)
    torch.manual_seed(0)
    a = nd.random.normal(shape=6).asnumpy()
    t1 = torch.rand(3)
    mx.random.seed(11)
    torch.manual_seed(99)
    b = nd.random.normal(shape=6).asnumpy()
    np.testing.assert_array_equal(a, b)
    torch.manual_seed(0)
    nd.random.normal(shape=100)
    nd.random.gamma(shape=100)
    nd.random.poisson(shape=100)
    nd.random.shuffle(nd.array(np.arange(8)))
    torch.testing.assert_close(torch.rand(3), t1)


@pytest.mark.gpu
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
def test_gpu_sampling():
    g = mx.gpu(0)
    mx.random.seed(3)
    x = nd.random.normal(2, 3, shape=N, ctx=g)
    assert x.context == g
    _moments(x, 2.0, 9.0)
    _moments(nd.random.gamma(2.0, 1.5, shape=N, ctx=g), 3.0, 4.5)
    _moments(nd.random.poisson(3.0, shape=N, ctx=g), 3.0, 3.0)
    mx.random.seed(3)
    y = nd.random.normal(2, 3, shape=N, ctx=g)
    np.testing.assert_array_equal(x.asnumpy(), y.asnumpy())
    s = nd.random.multinomial(nd.array([[0.5, 0.5]], ctx=g), shape=10)
    assert s.context == g and s.shape == (1, 10)


def test_mx_random_has_no_like_functions():
    # MXNet 1.9.1's mx.random has no *_like names
    assert not hasattr(mx.random, "uniform_like")


# ---- random_pdf_*: values and gradients recorded from MXNet 1.9.1 -----------------------------
# float64 inputs; sample (2, 3), one parameter set per row; the gradients are of sum(out).
_S = [[0.5, 1.0, 2.0], [1.5, 2.5, 0.1]]
_P, _Q, _PR = [1.0, 2.0], [2.0, 3.0], [0.3, 0.6]


def _pdf_grads(name, arrays, **kw):
    xs = [nd.array(a, dtype="float64") for a in arrays]
    for x in xs:
        x.attach_grad()
    with mx.autograd.record():
        y = getattr(nd, "random_pdf_" + name)(*xs, **kw)
    y.backward(nd.ones_like(y))
    return y.asnumpy(), [x.grad.asnumpy() for x in xs]


@pytest.mark.parametrize("name,arrays,kw,out,grads", [
    ("normal", [_S, _P, _Q], {}, [[0.19333, 0.19947, 0.17603], [0.13115, 0.13115, 0.10881]],
     [[[0.02417, 0.0, -0.04401], [0.00729, -0.00729, 0.02297]], [0.01984, -0.02297],
      [-0.25637, -0.10673]]),
    ("normal", [_S, _P, _Q], {"is_log": True},
     [[-1.64334, -1.61209, -1.73709], [-2.03144, -2.03144, -2.21811]],
     [[[0.125, 0.0, -0.25], [0.05556, -0.05556, 0.21111]], [0.125, -0.21111],
      [-1.34375, -0.84778]]),
    ("uniform", [_S, [-1.0, 0.0], _Q], {}, [[1 / 3] * 3] * 2,
     [[[0.0] * 3] * 2, [1 / 3, 1 / 3], [-1 / 3, -1 / 3]]),
    ("gamma", [_S, _P, _Q], {}, [[0.73576, 0.27067, 0.03663], [0.14997, 0.01244, 0.66674]],
     [[[-1.47152, -0.54134, -0.07326], [-0.34993, -0.03236, 4.66715]], [0.84047, -0.90264],
      [-0.19028, 0.23003]]),
    ("exponential", [_S, _P], {}, [[0.60653, 0.36788, 0.13534], [0.09957, 0.01348, 1.63746]],
     [[[-0.60653, -0.36788, -0.13534], [-0.19915, -0.02695, -3.27492]], [0.16793, 0.52846]]),
    ("poisson", [_S, _P], {"is_log": True},
     [[-0.87922, -1.0, -1.69315], [-1.24496, -1.46811, -1.88081]],
     [[[0.0] * 3] * 2, [0.5, -0.95]]),
    ("negative_binomial", [_S, _P, _PR], {},
     [[0.251, 0.21, 0.147], [0.22768, 0.1275, 0.36133]],
     [[[0.0] * 3] * 2, [-0.14747, -0.06532], [1.12738, 0.64734]]),
    ("generalized_negative_binomial", [_S, _P, _PR], {},
     [[0.3976, 0.32081, 0.1604], [0.21154, 0.14615, 0.2718]],
     [[[0.0] * 3] * 2, [-0.02954, -0.1248], [-0.26374, -0.02431]]),
    ("dirichlet", [[[0.2, 0.3, 0.5], [0.1, 0.1, 0.8]], [[1.0, 2.0, 3.0], [2.0, 2.0, 2.0]]], {},
     [4.5, 0.96], [[[0.0, 15.0, 18.0], [9.6, 9.6, 1.2]],
                   [[3.03253, 0.35712, 0.40584], [-0.97848, -0.97848, 1.01778]]]),
    ("dirichlet", [np.full((2, 2, 3), 1 / 3), [[1.0, 2.0, 3.0], [2.0, 2.5, 2.0]]],
     {"is_log": True}, [[0.79851, 0.79851], [1.53274, 1.53274]],
     [[[[0.0, 3.0, 6.0], [0.0, 3.0, 6.0]], [[3.0, 4.5, 3.0], [3.0, 4.5, 3.0]]],
      [[2.36944, 0.36944, -0.63056], [0.54303, -0.01772, 0.54303]]]),
])
def test_pdf_values_and_gradients(name, arrays, kw, out, grads):
    y, gs = _pdf_grads(name, arrays, **kw)
    assert y.dtype == np.float64
    np.testing.assert_allclose(y, out, atol=1e-5)
    for g, want in zip(gs, grads):
        np.testing.assert_allclose(g, want, atol=1e-5)


def test_pdf_discrete_sample_gradient_is_written_as_zero():
    # MXNet writes 0 into the sample's gradient (grad_req 'write'), replacing what was there
    s = nd.array([[1.0, 2.0]])
    lam = nd.array([1.5])
    s.attach_grad()
    s.grad[:] = 7.0
    with mx.autograd.record():
        y = nd.random_pdf_poisson(s, lam)
    y.backward()
    np.testing.assert_array_equal(s.grad.asnumpy(), [[0.0, 0.0]])


def test_pdf_shapes_and_params():
    # dirichlet: one vector sample -> (1,); shared alpha for many samples -> leading axes
    a = nd.array([1.0, 2.0, 3.0])
    assert nd.random_pdf_dirichlet(nd.array([0.2, 0.3, 0.5]), a).shape == (1,)
    assert nd.random_pdf_dirichlet(nd.ones((2, 3)) / 3, a).shape == (2,)
    assert nd.random_pdf_dirichlet(nd.ones((2, 4, 3)) / 3, nd.ones((2, 3))).shape == (2, 4)
    # keyword form, is_log as MXNet's string, out=
    s, mu, sig = nd.array(_S), nd.array(_P), nd.array(_Q)
    o = nd.zeros((2, 3))
    r = nd.random_pdf_normal(sample=s, mu=mu, sigma=sig, is_log="True", out=o)
    assert r is o
    np.testing.assert_allclose(o.asnumpy()[0], [-1.6433357, -1.6120857, -1.7370857],
                               rtol=1e-6)
    h = nd.random_pdf_normal(s.astype("float16"), mu.astype("float16"),
                             sig.astype("float16"))
    assert h.dtype == np.float16
    np.testing.assert_allclose(h.asnumpy()[0], [0.1934, 0.1996, 0.1761], atol=1e-3)


@pytest.mark.parametrize("call,msg", [
    (lambda: nd.random_pdf_normal(nd.ones((2, 3)), nd.ones((3,)), nd.ones((3,))),
     "Shape inconsistent"),
    (lambda: nd.random_pdf_normal(nd.ones((2, 3)), nd.ones((2,)), nd.ones((3,))),
     "Shape inconsistent"),
    (lambda: nd.random_pdf_normal(nd.ones((2,)), nd.ones((2, 2)), nd.ones((2, 2))),
     "at least dimension"),
    (lambda: nd.random_pdf_normal(nd.ones((2, 3)), nd.ones((2,), dtype="float64"),
                                  nd.ones((2,), dtype="float64")), "expected float32"),
    (lambda: nd.random_pdf_poisson(nd.ones((2,), dtype="int32"), nd.ones((2,), dtype="int32")),
     "floating point"),
    (lambda: nd.random_pdf_normal(nd.ones((2,)), nd.ones((2,)), nd.ones((2,)), is_log=2),
     "is_log"),
    (lambda: nd.random_pdf_normal(nd.ones((2,)), nd.ones((2,)), nd.ones((2,)), foo=1),
     "foo"),
    (lambda: nd.random_pdf_dirichlet(nd.ones((2, 3)), nd.ones((2, 4))), "Shape inconsistent"),
    (lambda: nd.random_pdf_normal(nd.ones((0, 3)), nd.ones((0,)), nd.ones((0,))),
     "zero-size"),
])
def test_pdf_errors(call, msg):
    with pytest.raises(MXNetError, match=msg) as e:
        call()
    assert "random_pdf_" in str(e.value)


def test_shuffle_and_sample_reject_what_mxnet_rejects():
    with pytest.raises(MXNetError, match="0-d"):
        nd.shuffle(nd.array(1.0))
    with pytest.raises(MXNetError, match="bool"):
        nd.random.shuffle(nd.array([1, 0], dtype="bool"))
    with pytest.raises(MXNetError, match="bool"):
        nd.sample_poisson(nd.array([1, 0], dtype="bool"))
    with pytest.raises(MXNetError, match="0-d"):
        nd.sample_exponential(nd.array(1.0))
