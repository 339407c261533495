"""Record MXNet 1.9.1's mx.test_utils behaviour (return values, exception types, assertion
messages, printed output, seeded random data) into tests/golden/test_utils.json.

Run under real MXNet (`tox -e oracle`, or /work/venvs/oracle/bin/python). Deterministic: the
same MXNet gives a byte-identical file. tests/test_test_utils.py replays every case through
mxcompat.test_utils and compares.
"""
from __future__ import annotations

import contextlib
import io
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "tests" / "golden" / "test_utils.json"


def A(values, dtype="float64", kind="np"):
    """An array argument: kind 'np' (NumPy), 'nd' (NDArray) or 'num' (a Python number)."""
    return {"kind": kind, "values": values, "dtype": dtype}


N = float("nan")
INF = float("inf")

# (case id, function, positional args, keyword args)
CASES = [
    ("aae_f64_names", "assert_almost_equal",
     [A([1.0, 2.0, 3.0]), A([1.0, 2.5, 3.1])], {"names": ["x", "y"]}),
    ("aae_nd_f32", "assert_almost_equal",
     [A([1, 2, 3], "float32", "nd"), A([1, 2.01, 3], "float32", "nd")], {}),
    ("aae_nd_np_mixed_pass", "assert_almost_equal",
     [A([1, 2, 3], "float32", "nd"), A([1.0, 2.001, 3.0])], {}),
    ("aae_nd_np_mixed_fail", "assert_almost_equal",
     [A([1, 2, 3], "float32", "nd"), A([1.0, 2.01, 3.0])], {}),
    ("aae_int32", "assert_almost_equal",
     [A([1, 2], "int32"), A([1, 3], "int32")], {}),
    ("aae_nan", "assert_almost_equal", [A([1, N]), A([1, N])], {}),
    ("aae_nan_equal", "assert_almost_equal", [A([1, N]), A([1, N])], {"equal_nan": True}),
    ("aae_inf_equal", "assert_almost_equal", [A([1, INF]), A([1, INF])], {}),
    ("aae_scalars", "assert_almost_equal", [A(1.0, kind="num"), A(1.0001, kind="num")], {}),
    ("aae_np_scalar", "assert_almost_equal",
     [A(1.0, "float32", "npscalar"), A(1.1, kind="num")], {}),
    ("aae_broadcast", "assert_almost_equal", [A([1, 2]), A([[1, 2]])], {}),
    ("aae_no_broadcast", "assert_almost_equal", [A([1, 2]), A([[1, 2]])],
     {"use_broadcast": False}),
    ("aae_f16_vs_f32", "assert_almost_equal",
     [A([1.0, 2.0], "float16"), A([1.005, 2.05], "float32")], {}),
    ("aae_mixed_tols_fail", "assert_almost_equal",
     [A([1.0, 2.0], "float16"), A([1.5, 2.0], "float32")], {}),
    ("aae_explicit_tol", "assert_almost_equal", [A([1.0, 2.0]), A([1.0, 2.1])],
     {"rtol": 0.1, "atol": 0.0}),
    ("aae_tol_dict", "assert_almost_equal",
     [A([1.0, 2.0], "float32"), A([1.0, 2.1], "float32")], {"rtol": {"float32": 0.1}}),
    ("aae_mismatches", "assert_almost_equal",
     [A([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]), A([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])],
     {"mismatches": [2, 3]}),
    ("aae_mismatches_unlimited", "assert_almost_equal",
     [A([0, 1, 2, 3, 4, 5]), A([0.5, 1, 2.5, 3, 4.5, 5])], {"mismatches": [10, 0]}),
    ("aae_2d", "assert_almost_equal",
     [A([[1, 2, 3], [4, 5, 6]], "float32"), A([[1, 2, 3], [4, 9, 6]], "float32")], {}),
    ("aae_bool_fail", "assert_almost_equal",
     [A([True, False], "bool"), A([True, True], "bool")], {}),
    ("aae_bool_pass", "assert_almost_equal",
     [A([True, False], "bool"), A([True, False], "bool")], {}),
    ("aae_shape_mismatch", "assert_almost_equal", [A([1, 2]), A([1, 2, 3])], {}),
    ("allclose_fail", "assert_allclose", [A([1.0]), A([1.0000001])], {}),
    ("allclose_nan", "assert_allclose", [A([N, 1.0]), A([N, 1.0])], {}),
    ("ignore_nan_pass", "assert_almost_equal_ignore_nan", [A([N, 1.0]), A([3.0, 1.0])], {}),
    ("ignore_nan_fail", "assert_almost_equal_ignore_nan", [A([N, 1.0]), A([3.0, 1.5])], {}),
    ("with_err_pass", "assert_almost_equal_with_err",
     [A([1.0, 2.0, 3.0, 4.0]), A([1.0, 2.0, 3.0, 9.0])], {"etol": 0.3}),
    ("with_err_fail", "assert_almost_equal_with_err",
     [A([1.0, 2.0, 3.0, 4.0]), A([1.0, 5.0, 3.0, 9.0])], {"etol": 0.3}),
    ("almost_equal_true", "almost_equal", [A([1.0, 2.0]), A([1.0, 2.00001])], {}),
    ("almost_equal_false", "almost_equal", [A([1.0, 2.0]), A([1.0, 2.0001])], {}),
    ("almost_equal_bcast", "almost_equal", [A([1.0, 2.0]), A([[1.0, 2.0]])], {}),
    ("almost_equal_nan", "almost_equal", [A([N]), A([N])], {"equal_nan": True}),
    ("same_true", "same", [A([1, 2]), A([1, 2])], {}),
    ("same_nan", "same", [A([1, N]), A([1, N])], {}),
    ("same_shape", "same", [A([1, 2]), A([[1, 2]])], {}),
    ("get_rtol_default", "get_rtol", [], {}),
    ("get_atol_default", "get_atol", [], {}),
    ("get_rtol_given", "get_rtol", [A(0.5, kind="num")], {}),
    ("get_tols_f32_f64", "get_tols",
     [A([1.0], "float32"), A([1.0], "float64"), A(None, kind="none"), A(None, kind="none")],
     {}),
    ("get_tols_f16_i32", "get_tols",
     [A([1.0], "float16"), A([1], "int32"), A(None, kind="none"), A(None, kind="none")], {}),
    ("get_tols_given", "get_tols",
     [A([1.0], "float16"), A([1.0]), A(0.5, kind="num"), A(None, kind="none")], {}),
    ("get_etol", "get_etol", [], {}),
    ("default_context", "default_context", [], {}),
    ("list_gpus", "list_gpus", [], {}),
    ("assert_exception_ok", "assert_exception_div", [], {}),
    ("assert_exception_none", "assert_exception_nothrow", [], {}),
    ("collapse_sum_like", "collapse_sum_like",
     [A([[1, 2, 3], [4, 5, 6]]), A([1, 3], kind="shape")], {}),
    ("np_reduce", "np_reduce_sum",
     [A([[[1, 2], [3, 4]], [[5, 6], [7, 8]]]), A([0, 2], kind="shape")], {}),
]

# seeded random helpers: (case id, seed, function, args)
RANDOM = [
    ("rand_ndarray", 0, "rand_ndarray", [[2, 3]], {}),
    ("rand_ndarray_f16", 1, "rand_ndarray", [[4]], {"dtype": "float16"}),
    ("rand_ndarray_f64", 2, "rand_ndarray", [[2, 2]], {"dtype": "float64"}),
    ("random_arrays_two", 3, "random_arrays", [[2], [3]], {}),
    ("random_arrays_one", 4, "random_arrays", [[2, 2]], {}),
    ("random_arrays_scalar", 5, "random_arrays", [[]], {}),
    ("rand_shape_2d", 6, "rand_shape_2d", [], {}),
    ("rand_shape_2d_dims", 7, "rand_shape_2d", [3, 4], {}),
    ("rand_shape_3d", 8, "rand_shape_3d", [], {}),
    ("rand_shape_nd", 9, "rand_shape_nd", [4], {}),
    ("rand_shape_nd_dim", 10, "rand_shape_nd", [3, 2], {}),
    ("rand_shape_nd_zero", 11, "rand_shape_nd", [5, 1], {"allow_zero_size": True}),
    ("random_uniform_arrays", 12, "random_uniform_arrays", [[3]], {"low": -1.0, "high": 2.0}),
]


def build(mx, np, v):
    k = v["kind"]
    if k == "none":
        return None
    if k == "num":
        return v["values"]
    if k == "shape":
        return tuple(v["values"])
    if k == "npscalar":
        return np.dtype(v["dtype"]).type(v["values"])
    arr = np.array(v["values"], dtype=v["dtype"])
    return mx.nd.array(arr, dtype=v["dtype"]) if k == "nd" else arr


def call(mx, np, fname, args, kwargs):
    tu = mx.test_utils
    kwargs = dict(kwargs)
    for key in ("rtol", "atol"):
        if isinstance(kwargs.get(key), dict):
            kwargs[key] = {np.dtype(d): t for d, t in kwargs[key].items()}
    for key in ("names", "mismatches"):
        if key in kwargs:
            kwargs[key] = tuple(kwargs[key])
    if fname == "assert_exception_div":
        return tu.assert_exception(lambda: 1 // 0, ZeroDivisionError)
    if fname == "assert_exception_nothrow":
        return tu.assert_exception(lambda: 1, ZeroDivisionError)
    if fname == "np_reduce_sum":
        return tu.np_reduce(args[0], args[1], True, np.sum)
    return getattr(tu, fname)(*args, **kwargs)


def encode(np, r):
    """A JSON form of a result."""
    if r is None:
        return None
    if isinstance(r, (bool, np.bool_)):
        return bool(r)
    if isinstance(r, range):
        return {"range": [r.start, r.stop]}
    if hasattr(r, "asnumpy"):
        a = r.asnumpy()
        return {"nd": a.tolist(), "dtype": str(a.dtype), "shape": list(a.shape)}
    if isinstance(r, np.ndarray):
        return {"np": r.tolist(), "dtype": str(r.dtype), "shape": list(r.shape)}
    if isinstance(r, (list, tuple)):
        return [encode(np, x) for x in r]
    if isinstance(r, (np.integer, int)):
        return int(r)
    if isinstance(r, (np.floating, float)):
        return float(r)
    return str(r)


def run_case(mx, np, fname, args, kwargs):
    buf = io.StringIO()
    rec = {}
    try:
        with contextlib.redirect_stdout(buf):
            rec["result"] = encode(np, call(mx, np, fname, [build(mx, np, a) for a in args],
                                            kwargs))
        rec["raised"] = None
    except Exception as e:  # noqa: BLE001 - we record whatever MXNet raised
        rec["raised"] = type(e).__name__
        rec["message"] = str(e)
    rec["stdout"] = buf.getvalue()
    return rec


def main(argv) -> int:
    try:
        import mxnet as mx
    except ImportError:
        print("record_test_utils: run under real MXNet 1.9.1 (tox -e oracle)", file=sys.stderr)
        return 2
    import numpy as np
    out = {"header": {"mxnet_version": mx.__version__, "numpy_version": np.__version__,
                      "recorded_by": "tools/oracle/record_test_utils.py"},
           "cases": {}, "random": {}}
    saved = np.get_printoptions()
    for cid, fname, args, kwargs in CASES:
        rec = run_case(mx, np, fname, args, kwargs)
        np.set_printoptions(**saved)  # MXNet's assert_almost_equal changes them globally
        out["cases"][cid] = {"fn": fname, "args": args, "kwargs": kwargs, **rec}
    for cid, seed, fname, args, kwargs in RANDOM:
        np.random.seed(seed)
        fargs = [tuple(a) if isinstance(a, list) else a for a in args]
        r = getattr(mx.test_utils, fname)(*fargs, **kwargs)
        out["random"][cid] = {"fn": fname, "seed": seed, "args": args, "kwargs": kwargs,
                              "result": encode(np, r)}
    OUT.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(out, indent=1, sort_keys=True, allow_nan=True) + "\n"
    Path(argv[0] if argv else OUT).write_text(text)
    print(f"wrote {argv[0] if argv else OUT}: {len(out['cases'])} cases, "
          f"{len(out['random'])} random cases")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
