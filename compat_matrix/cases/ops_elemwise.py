"""Element-wise, reduction and sorting ops beyond the core cases (owner: the elemwise /
reduce / sorting modules): unary math, clip/where/cast/add_n/smooth_l1/hard_sigmoid,
argmax/argmin/norm/moments/cumsum, sort/argsort/topk/pick. Detailed MXNet quirks are in
tests/golden/elemwise.json (tools/oracle/record_elemwise.py)."""
import numpy as np

from compat_matrix.refs import c_cast, unary
from compat_matrix.spec import ALL_DTYPES, FLOATS, INTS, NUMERIC, Case, In

SHAPES = [((2, 3),), ((1,),), ((4, 1, 3),)]
RB = ("bool",)  # MXNet: "Unknown type enum 7"


def _rint(x):
    fl, ce = np.floor(x), np.ceil(x)
    return np.where(x - fl <= ce - x, fl, ce)


def _round(x):
    return np.where(np.abs(x - np.trunc(x)) >= 0.5, np.trunc(x) + np.sign(x), np.trunc(x))


_POS = (0.2, 3.0)
_UNIT = (-0.9, 0.9)
UNARY = {  # name: (numpy reference, domain, gradient cells)
    "abs": (np.abs, None, True), "sign": (np.sign, None, True),
    "ceil": (np.ceil, None, True), "floor": (np.floor, None, True),
    "trunc": (np.trunc, None, True), "fix": (np.fix, None, True),
    "rint": (_rint, None, True), "round": (_round, None, True),
    "rsqrt": (lambda x: 1 / np.sqrt(x), _POS, True), "cbrt": (np.cbrt, None, True),
    "rcbrt": (lambda x: 1 / np.cbrt(x), _POS, True), "reciprocal": (np.reciprocal, _POS, True),
    "expm1": (np.expm1, None, True), "log": (np.log, _POS, True),
    "log10": (np.log10, _POS, True), "log2": (np.log2, _POS, True),
    "log1p": (np.log1p, _POS, True), "sin": (np.sin, None, True), "cos": (np.cos, None, True),
    "tan": (np.tan, (-1.2, 1.2), True), "arcsin": (np.arcsin, _UNIT, True),
    "arccos": (np.arccos, _UNIT, True), "arctan": (np.arctan, None, True),
    "sinh": (np.sinh, None, True), "cosh": (np.cosh, None, True),
    "tanh": (np.tanh, None, True), "arcsinh": (np.arcsinh, None, True),
    "arccosh": (np.arccosh, (1.1, 4.0), True), "arctanh": (np.arctanh, _UNIT, True),
    "degrees": (lambda x: x * np.float32(57.2957763671875), None, True),
    "radians": (lambda x: x * np.float32(0.01745329238474369), None, True),
    "relu": (lambda x: np.maximum(x, 0), None, True),
    "sigmoid": (lambda x: 1 / (1 + np.exp(-x)), None, True),
    "softsign": (lambda x: x / (1 + np.abs(x)), None, True),
    "logical_not": (lambda x: (x == 0).astype(x.dtype), None, False),
}
_SAME_INT = {"abs", "sign", "ceil", "floor", "trunc", "fix", "rint", "round", "relu",
             "logical_not"}

def unary64(f):
    """MXNet computes integer inputs of its math functions in double, then C-casts."""
    def ref(x, **kw):
        with np.errstate(all="ignore"):
            if x.dtype.kind == "f":
                return np.asarray(f(x, **kw)).astype(x.dtype)
            return c_cast(f(x.astype(np.float64), **kw), x.dtype)
    return ref


def _norm2(x):
    """MXNet's L2 norm keeps a running scale (max |x|) and a sum of (|x|/scale)**2 in the
    input dtype: for integers the ratios truncate, leaving max|x| * sqrt(#elements equal to
    it) (truncated); for bool, any()."""
    if x.dtype.kind == "f":
        return np.array([np.sqrt((x.astype(np.float64) ** 2).sum())]).astype(x.dtype)
    if x.dtype == bool:
        return np.array([x.any()])
    a = np.abs(x.astype(np.int64))
    m = a.max()
    return np.array([np.trunc(m * np.sqrt((a == m).sum()))]).astype(x.dtype)


def _moments(x, axes):
    """Integer moments stay in the input dtype: the sum and the squared deviations wrap and
    the divisions truncate."""
    if x.dtype.kind == "f":
        return [x.mean(axis=axes), x.var(axis=axes)]
    n = np.prod([x.shape[a] for a in axes])
    mean = (x.sum(axis=axes, dtype=x.dtype).astype(np.int64) // n
            if x.dtype.kind == "u" else np.trunc(x.sum(axis=axes, dtype=x.dtype) / n))
    mean = mean.astype(x.dtype)
    d = (x - np.expand_dims(mean, axes)).astype(x.dtype)
    ss = (d * d).astype(x.dtype).sum(axis=axes, dtype=x.dtype)
    var = np.trunc(ss.astype(np.float64) / n).astype(x.dtype)
    return [mean, var]


def _pick_idx(rng, shape, dt):
    return rng.integers(-1, 4, shape).astype(dt)  # -1 is clipped to 0


def _pick_ref(x, i, axis=-1, keepdims=False):
    ax = axis % x.ndim
    idx = np.clip(i.astype(np.int64), 0, x.shape[ax] - 1)
    r = np.take_along_axis(x, idx.reshape(x.shape[:ax] + (1,) + x.shape[ax + 1:]), ax)
    return r if keepdims or x.ndim == 1 else r.squeeze(ax)


CASES = []
for name, (f, dom, grad) in UNARY.items():
    ref = unary(f) if name in ("degrees", "radians") else unary64(f)
    if name in _SAME_INT:
        ref = (lambda f: lambda x: f(x).astype(x.dtype) if x.dtype.kind in "iu" else  # noqa: B023
               unary64(f)(x))(f)  # noqa: B023 - f is bound by the outer lambda
    CASES.append(Case(name, samples=SHAPES, inputs=[In(domain=dom)], dtypes=NUMERIC, ref=ref,
                      grad=grad, tol={"float16": (1e-2, 1e-2)},
                      note="ties: rint goes down, round away from zero" if name in
                      ("rint", "round") else "integer tanh near 1 follows MXNet's libm "
                      "(the NumPy reference may truncate to 1 where MXNet gives 0)"
                      if name == "tanh" else ""))
    CASES.append(Case(f"NDArray.{name}", inputs=[In(domain=dom)], dtypes=NUMERIC, rejects=RB,
                      ref=ref) if name not in ("softsign", "logical_not", "negative") else None)
    CASES.append(Case(name, "bool", samples=[((2, 3),)], dtypes=(), rejects=("bool",)))
CASES = [c for c in CASES if c is not None]

CASES += [
    Case("erf", samples=SHAPES, dtypes=NUMERIC, rejects=RB, grad=True,
         tol={"float16": (1e-2, 1e-2)}),
    Case("erfinv", samples=SHAPES, inputs=[In(domain=_UNIT)], dtypes=NUMERIC, rejects=RB, grad=True,
         tol={"float16": (1e-2, 1e-2)}),
    # MXNet computes gamma's float64 gradient at about float32 precision (digamma in float)
    Case("gamma", samples=SHAPES, inputs=[In(domain=(0.2, 4.0))], dtypes=NUMERIC, rejects=RB,
         grad=True, tol={"float16": (1e-2, 1e-2)}, grad_tol={"float64": (1e-4, 1e-8)}),
    Case("gammaln", samples=SHAPES, inputs=[In(domain=(0.2, 4.0))], dtypes=NUMERIC, rejects=RB,
         grad=True, tol={"float16": (1e-2, 1e-2)}),
    Case("hard_sigmoid", samples=SHAPES, dtypes=FLOATS, rejects=INTS + RB, grad=True,
         ref=lambda x, **kw: np.clip(x * np.float32(0.2) + 0.5, 0, 1).astype(x.dtype)),
    Case("hard_sigmoid", "alpha_beta", kwargs={"alpha": 0.3, "beta": 0.4}, dtypes=FLOATS,
         rejects=INTS + RB,
         ref=lambda x, alpha, beta: np.clip(x * np.float32(alpha) + np.float32(beta), 0, 1)
         .astype(x.dtype)),
    Case("smooth_l1", samples=SHAPES, kwargs={"scalar": 1.5}, dtypes=NUMERIC, rejects=RB, grad=True,
         ref=lambda x, scalar: np.where(np.abs(x) < 1 / scalar ** 2, 0.5 * (scalar * x) ** 2,
                                        np.abs(x) - 0.5 / scalar ** 2).astype(x.dtype)),
    Case("clip", samples=SHAPES, kwargs={"a_min": -1.0, "a_max": 1.5}, dtypes=NUMERIC, rejects=RB,
         grad=True, ref=lambda x, a_min, a_max: np.where(
             x > a_max, c_cast(np.float64(a_max), x.dtype),
             np.where(x < a_min, c_cast(np.float64(a_min), x.dtype), x)).astype(x.dtype)),
    Case("where", samples=[((2, 3), (2, 3), (2, 3)), ((3,), (3, 2), (3, 2))],
         inputs=[In(gen=lambda rng, s, dt: rng.integers(0, 2, s).astype(dt)), In(), In()],
         dtypes=NUMERIC, rejects=RB, grad=True,
         ref=lambda c, x, y: np.where(c.reshape(c.shape + (1,) * (x.ndim - c.ndim)) != 0,
                                      x, y)),
    Case("cast", "to_int32", kwargs={"dtype": "int32"}, inputs=[In(domain=(-50, 50))],
         dtypes=ALL_DTYPES, ref=lambda x, dtype: c_cast(x, dtype)),
    Case("cast", "to_float16", kwargs={"dtype": "float16"}, dtypes=ALL_DTYPES,
         ref=lambda x, dtype: x.astype(dtype)),
    Case("add_n", samples=[((2, 3), (2, 3), (2, 3))], dtypes=NUMERIC, rejects=RB, grad=True,
         ref=lambda a, b, c: (a + b + c).astype(a.dtype)),
    # ---- reductions
    Case("argmax", samples=[((2, 3, 4),)], kwargs={"axis": 1}, dtypes=NUMERIC, rejects=RB,
         ref=lambda x, axis: np.argmax(x, axis=axis).astype(x.dtype)),
    Case("argmin", samples=[((2, 3, 4),)], kwargs={"axis": -1, "keepdims": True},
         dtypes=NUMERIC, rejects=RB,
         ref=lambda x, axis, keepdims: np.expand_dims(np.argmin(x, axis=axis), axis)
         .astype(x.dtype)),
    Case("argmax", "flat", samples=[((2, 3),)], dtypes=NUMERIC, rejects=RB,
         ref=lambda x: np.array([np.argmax(x)]).astype(x.dtype)),
    Case("argmax_channel", samples=[((4, 5),)], dtypes=NUMERIC, rejects=RB,
         ref=lambda x: np.argmax(x, axis=1).astype(x.dtype)),
    Case("norm", samples=[((2, 3),), ((3, 2, 2),)], dtypes=ALL_DTYPES, grad=True,
         ref=_norm2),
    Case("norm", "ord1_axis", samples=[((3, 4),)], kwargs={"ord": 1, "axis": 1},
         dtypes=ALL_DTYPES, ref=lambda x, ord, axis: np.abs(x).sum(axis=axis).astype(x.dtype)),
    Case("moments", samples=[((3, 4),)], kwargs={"axes": (1,)}, dtypes=NUMERIC, rejects=RB,
         grad=True, ref=_moments),
    Case("cumsum", samples=[((3, 4),)], kwargs={"axis": 1}, dtypes=ALL_DTYPES, grad=True,
         ref=lambda x, axis: np.cumsum(x, axis=axis, dtype=np.int64 if x.dtype == bool
                                            else x.dtype)),
    # ---- sorting
    Case("sort", samples=[((3, 5),), ((2, 3, 4),)], dtypes=("float32", "float64") + INTS,
         rejects=("float16", "bool"), ref=lambda x: np.sort(x, axis=-1)),
    Case("sort", "grad", samples=[((3, 5),), ((2, 3, 4),)], dtypes=("float32", "float64"),
         grad=True, ref=lambda x: np.sort(x, axis=-1),
         extension="the gradient: MXNet 1.9.1's sort backward fails (_backward_topk rejects "
                   "axis=''); mxcompat computes it (checked against finite differences)"),
    Case("argsort", samples=[((3, 5),)], inputs=[In(gen=lambda rng, s, dt: rng.permutation(
        int(np.prod(s))).reshape(s).astype(dt))], dtypes=("float32", "float64") + INTS,
        rejects=("float16", "bool"), ref=lambda x: np.argsort(x, axis=-1).astype(np.float32)),
    Case("topk", samples=[((3, 5),)], kwargs={"k": 2, "ret_typ": "value"}, dtypes=NUMERIC,
         rejects=RB, grad=True, ref=lambda x, k, ret_typ: -np.sort(-x.astype(np.float64), axis=-1)
         [..., :k].astype(x.dtype)),
    Case("pick", samples=[((3, 4), (3,))], inputs=[In(), In(dtype="float32",
         gen=lambda rng, s, dt: rng.integers(-1, 6, s).astype(dt))], dtypes=NUMERIC, rejects=RB,
         grad=True, ref=lambda x, i: x[np.arange(x.shape[0]), np.clip(i.astype(int), 0,
                                                                      x.shape[1] - 1)]),
    # indices beyond int32: MXNet casts to int32 first (floats: C's cast, INT_MIN for NaN, inf
    # and out-of-range values; wider integers wrap), then clips or wraps
    Case("pick", "big_float_idx", samples=[((6, 4), (6,))], dtypes=("float32",),
         inputs=[In(), In(dtype="float32", gen=lambda rng, s, dt: np.array(
             [3e9, -3e9, 5e9, np.nan, np.inf, 2.7], dt))],
         note="NaN/inf/out-of-int32 indices select element 0 (INT_MIN, clipped)"),
    Case("pick", "big_float_idx_wrap", samples=[((6, 4), (6,))], dtypes=("float32",),
         kwargs={"mode": "wrap"}, inputs=[In(), In(dtype="float32", gen=lambda rng, s, dt:
                                                   np.array([3e9, -3e9, 5e9, np.nan, -1.0, 6.0],
                                                            dt))],
         note="INT_MIN wraps to element 1 of 4"),
    Case("pick", "big_int64_idx", samples=[((4, 3), (4,))], dtypes=("float32",),
         inputs=[In(), In(dtype="int64", gen=lambda rng, s, dt: np.array(
             [3000000000, -3000000000, 5000000000, 1], dt))],
         note="int64 indices wrap to int32 before clipping"),
    # other axes and index shapes: an index without the picked axis, one with it as size 1,
    # 1-d data, keepdims
    Case("pick", "axis0", samples=[((3, 4), (4,)), ((2, 3, 4), (3, 4)), ((2, 3, 4), (1, 3, 4)),
                                   ((5,), (1,))],
         dtypes=FLOATS, kwargs={"axis": 0}, grad=True, inputs=[In(), In(dtype="float32",
                                                                           gen=_pick_idx)],
         ref=_pick_ref),
    Case("pick", "middle_axis_keepdims", samples=[((2, 3, 4), (2, 4)), ((2, 3, 4), (2, 1, 4))],
         dtypes=FLOATS, kwargs={"axis": 1, "keepdims": True}, grad=True,
         inputs=[In(), In(dtype="float32", gen=_pick_idx)], ref=_pick_ref),
]
