"""Core reductions: sum/mean/prod/max/min/nansum/nanprod with axis/keepdims/exclude, and
the (1,)-shaped full reduction."""
import numpy as np

from compat_matrix.refs import reduction, with_nan
from compat_matrix.spec import ALL_DTYPES, Case, In

SHAPES = [((2, 3, 4),), ((1,),), ((5,),), ((3, 1),)]
REFS = {"sum": reduction(np.sum), "mean": reduction(np.mean, int_mean=True),
        "prod": reduction(np.prod), "max": reduction(np.max), "min": reduction(np.min),
        "nansum": reduction(np.nansum), "nanprod": reduction(np.nanprod)}
VARIANTS = [  # (variant, kwargs, samples)
    ("all", {}, SHAPES),
    ("axis0", {"axis": 0}, SHAPES),
    ("axis-1", {"axis": -1}, [((2, 3, 4),), ((3, 1),)]),
    ("axes", {"axis": (0, 2)}, [((2, 3, 4),)]),
    ("keepdims", {"axis": 1, "keepdims": True}, [((2, 3, 4),), ((3, 1),)]),
    ("keepdims_all", {"keepdims": True}, [((2, 3),)]),
    ("exclude", {"axis": 0, "exclude": True}, [((2, 3, 4),), ((3, 1),)]),
    ("empty_axes", {"axis": ()}, [((2, 3),)]),
]

def _with_inf(rng, shape, dt):
    """NaNs and an infinity in every row."""
    a = with_nan()(rng, shape, dt).astype(np.float64)
    a[:, 0] = np.where(rng.random(shape[0]) < 0.5, np.inf, -np.inf)
    return a.astype(dt)


def _float_only(gen, lo=-10, hi=10):
    """gen for float cells; integer/bool cells get plain integers in [lo, hi] (NaN and
    infinities have no integer form)."""
    def g(rng, shape, dt):
        if dt.startswith("float"):
            return gen(rng, shape, dt)
        if dt == "bool":
            lo_, hi_ = 0, 1
        else:
            lo_, hi_ = (0, 20) if dt == "uint8" else (lo, hi)
        return np.floor(lo_ + rng.random(size=shape) * (hi_ - lo_ + 1)).astype(dt)
    return g


CASES = []
for op, ref in REFS.items():
    nan = op.startswith("nan")
    for variant, kw, samples in VARIANTS:
        if nan and variant not in ("all", "axis0", "keepdims"):
            continue
        domain = (0.5, 1.5) if "prod" in op else None
        CASES.append(Case(op, variant, samples=samples, kwargs=kw,
                          inputs=[In(domain=domain)] if not nan else
                          [In(gen=_float_only(with_nan(*(domain or (-3, 3))),
                                              *((1, 2) if domain else (-10, 10))))],
                          dtypes=ALL_DTYPES, ref=ref,
                          grad=variant in ("all", "axis0", "keepdims") and not nan,
                          tol={"float16": (1e-2, 2e-1)}))
CASES += [
    Case("sum", "int_overflow", samples=[((4, 3),)], inputs=[In(domain=(100, 250))],
         dtypes=("uint8", "int8"), ref=REFS["sum"], note="integer sums wrap in the input dtype"),
    Case("mean", "int_trunc", samples=[((2, 3),)], inputs=[In(domain=(-9, 9))],
         dtypes=("int32", "int64"), ref=REFS["mean"], kwargs={"axis": 0},
         note="integer mean truncates"),
    Case("sum", "nan", samples=[((3, 4),)], inputs=[In(special=True)], dtypes=ALL_DTYPES,
         kwargs={"axis": 1}, ref=REFS["sum"]),
    Case("nansum", "inf", samples=[((3, 4),)], inputs=[In(gen=_float_only(_with_inf))],
         dtypes=ALL_DTYPES,
         kwargs={"axis": 1}, ref=REFS["nansum"],
         note="MXNet's nansum gives NaN when the values include infinities (NumPy: inf)"),
    Case("max", "nan", samples=[((3, 4),)], inputs=[In(special=True)], dtypes=ALL_DTYPES,
         kwargs={"axis": 1}, ref=REFS["max"], note="max propagates NaN"),
    Case("sum", "bad_axis", samples=[((2, 3),)], kwargs={"axis": 2}, dtypes=("float32",),
         raises=True),
    Case("sum", "empty", samples=[((0, 3),)], ref=REFS["sum"], dtypes=("float32",),
         kwargs={"axis": 0}, extension="zero-size inputs are supported"),
    Case("NDArray.sum", samples=SHAPES, dtypes=ALL_DTYPES, ref=REFS["sum"]),
    Case("NDArray.sum", "axis", samples=[((2, 3, 4),)], args=(1, True), dtypes=ALL_DTYPES,
         ref=lambda x, a, k: REFS["sum"](x, axis=a, keepdims=k)),
    Case("NDArray.mean", samples=SHAPES, dtypes=ALL_DTYPES, ref=REFS["mean"]),
    Case("NDArray.max", "axis", samples=[((2, 3, 4),)], kwargs={"axis": 0}, dtypes=ALL_DTYPES,
         ref=REFS["max"]),
    Case("NDArray.min", samples=SHAPES, dtypes=ALL_DTYPES, ref=REFS["min"]),
    Case("NDArray.prod", samples=[((2, 3),)], inputs=[In(domain=(0.5, 1.5))],
         dtypes=ALL_DTYPES, ref=REFS["prod"]),
]
