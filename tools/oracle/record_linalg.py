"""Record dot / batch_dot / khatri_rao / mx.nd.linalg cases from real MXNet 1.9.1 into
tests/golden/linalg.json (run under the oracle environment; deterministic: same MXNet, same
file). tests/test_linalg.py replays CASES on mxcompat and compares.

Each case is Python code run with ``mx``, ``np`` and ``R`` (a fixed-seed helper making
well-conditioned inputs) in scope; it leaves its result in ``result``.
"""
from __future__ import annotations

import json
import math
import re
import sys
import warnings
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]


_R_SRC = '''
def R(*shape, seed=0, dtype="float32", spd=False, shift=0.0, sym=False):
    a = np.random.RandomState(seed).uniform(-1, 1, size=shape)
    if sym:
        a = a + np.swapaxes(a, -1, -2)
    if spd:
        a = a @ np.swapaxes(a, -1, -2) + shape[-1] * np.eye(shape[-1])
    elif shift:
        a = a + shift * np.eye(shape[-1])
    return mx.nd.array(a, dtype=dtype)
'''

_DT = ("float32", "float64")
CASES = []


def _c(cid, code):
    CASES.append((cid, code))


for dt in _DT:
    d = f"dtype='{dt}'"
    # dot / batch_dot
    _c(f"dot:1d.1d:{dt}", f"result = mx.nd.dot(R(4, {d}), R(4, seed=1, {d}))")
    _c(f"dot:2d.2d:{dt}", f"result = mx.nd.dot(R(3, 4, {d}), R(4, 5, seed=1, {d}))")
    _c(f"dot:2d.2d:tt:{dt}", f"result = mx.nd.dot(R(4, 3, {d}), R(5, 4, seed=1, {d}), "
                             "transpose_a=True, transpose_b=True)")
    _c(f"dot:3d.3d:{dt}", f"result = mx.nd.dot(R(2, 3, 4, {d}), R(4, 5, 2, seed=1, {d}))")
    _c(f"dot:3d.2d:ta:{dt}", f"result = mx.nd.dot(R(2, 3, 4, {d}), R(2, 5, seed=1, {d}), "
                             "transpose_a=True)")
    _c(f"dot:3d.3d:tb:{dt}", f"result = mx.nd.dot(R(2, 3, 4, {d}), R(5, 6, 4, seed=1, {d}), "
                             "transpose_b=True)")
    _c(f"dot:3d.3d:tt:{dt}", f"result = mx.nd.dot(R(2, 3, 4, {d}), R(5, 6, 2, seed=1, {d}), "
                             "transpose_a=True, transpose_b=True)")
    _c(f"dot:1d.2d:tb:{dt}", f"result = mx.nd.dot(R(3, {d}), R(2, 3, seed=1, {d}), "
                             "transpose_b=True)")
    _c(f"dot:2d.1d:ta:{dt}", f"result = mx.nd.dot(R(3, 2, {d}), R(3, seed=1, {d}), "
                             "transpose_a=True)")
    _c(f"dot:2d.1d:tb:{dt}", f"result = mx.nd.dot(R(2, 3, {d}), R(3, seed=1, {d}), "
                             "transpose_b=True)")
    _c(f"batch_dot:{dt}", f"result = mx.nd.batch_dot(R(2, 3, 4, {d}), R(2, 4, 5, seed=1, {d}))")
    _c(f"batch_dot:tt:{dt}", f"result = mx.nd.batch_dot(R(2, 4, 3, {d}), R(2, 5, 4, seed=1, "
                             f"{d}), transpose_a=True, transpose_b=True)")
    _c(f"batch_dot:4d:{dt}", f"result = mx.nd.batch_dot(R(2, 2, 3, 4, {d}), R(2, 2, 4, 5, "
                             f"seed=1, {d}))")
    _c(f"khatri_rao:{dt}", f"result = mx.nd.khatri_rao(R(2, 3, {d}), R(4, 3, seed=1, {d}), "
                           f"R(2, 3, seed=2, {d}))")
    # linalg
    _c(f"gemm:{dt}", f"result = mx.nd.linalg.gemm(R(3, 4, {d}), R(4, 2, seed=1, {d}), "
                     f"R(3, 2, seed=2, {d}), alpha=2.5, beta=-0.5)")
    _c(f"gemm:tt:batch:{dt}", f"result = mx.nd.linalg.gemm(R(2, 4, 3, {d}), R(2, 5, 4, seed=1, "
                              f"{d}), R(2, 3, 5, seed=2, {d}), transpose_a=True, "
                              "transpose_b=True, alpha=0.5, beta=2)")
    _c(f"gemm:axis0:{dt}", f"result = mx.nd.linalg_gemm(R(3, 2, 4, {d}), R(4, 2, 5, seed=1, "
                           f"{d}), R(3, 2, 5, seed=2, {d}), axis=0)")
    _c(f"gemm2:{dt}", f"result = mx.nd.linalg.gemm2(R(2, 3, 4, {d}), R(2, 4, 5, seed=1, {d}), "
                      "alpha=-1.5)")
    _c(f"gemm2:axis1:ta:{dt}", f"result = mx.nd.linalg_gemm2(R(2, 3, 4, 5, {d}), R(2, 3, 4, 5, "
                               f"seed=1, {d}), axis=1, transpose_a=True)")
    _c(f"gemm2:axis-3:tb:{dt}", f"result = mx.nd.linalg.gemm2(R(2, 3, 4, 5, {d}), R(2, 3, 4, 5, "
                                f"seed=1, {d}), axis=-3, transpose_b=True)")
    _c(f"potrf:{dt}", f"result = mx.nd.linalg.potrf(R(2, 4, 4, spd=True, {d}))")
    _c(f"potrf:upper-ignored:{dt}", f"a = R(3, 3, spd=True, {d}); a[0, 2] = 100.0\n"
                                    "result = mx.nd.linalg_potrf(a)")
    _c(f"potri:{dt}", f"result = mx.nd.linalg.potri(mx.nd.linalg.potrf(R(2, 3, 3, spd=True, "
                      f"{d})))")
    _c(f"potri:upper-ignored:{dt}", f"L = mx.nd.linalg.potrf(R(3, 3, spd=True, {d})); "
                                    "L[0, 1] = 7.0\nresult = mx.nd.linalg_potri(L)")
    for tr in (False, True):
        for rs in (False, True):
            for lo in (True, False):
                kw = f"transpose={tr}, rightside={rs}, lower={lo}, alpha=1.5"
                bshape = "2, 3, 4" if rs else "2, 4, 3"
                tag = f"{int(tr)}{int(rs)}{int(lo)}"
                _c(f"trmm:{tag}:{dt}", f"result = mx.nd.linalg.trmm(R(2, 4, 4, {d}), "
                                       f"R({bshape}, seed=1, {d}), {kw})")
                _c(f"trsm:{tag}:{dt}", f"result = mx.nd.linalg_trsm(R(2, 4, 4, shift=3, {d}), "
                                       f"R({bshape}, seed=1, {d}), {kw})")
    _c(f"syrk:{dt}", f"result = mx.nd.linalg.syrk(R(2, 3, 4, {d}), alpha=0.5)")
    _c(f"syrk:t:{dt}", f"result = mx.nd.linalg_syrk(R(3, 4, {d}), transpose=True)")
    _c(f"gelqf:{dt}", f"result = mx.nd.linalg.gelqf(R(3, 5, {d}))")
    _c(f"gelqf:batch:{dt}", f"result = mx.nd.linalg_gelqf(R(2, 3, 3, seed=4, {d}))")
    _c(f"syevd:{dt}", f"result = mx.nd.linalg.syevd(R(4, 4, sym=True, {d}))")
    _c(f"syevd:batch:{dt}", f"result = mx.nd.linalg.syevd(R(2, 3, 3, seed=5, sym=True, {d}))")
    _c(f"syevd:lower:{dt}", f"result = mx.nd.linalg.syevd(mx.nd.array([[1, 0], [5, 2]], {d}))")
    _c(f"inverse:{dt}", f"result = mx.nd.linalg.inverse(R(2, 3, 3, shift=3, {d}))")
    _c(f"inverse:2d:{dt}", f"result = mx.nd.linalg_inverse(R(4, 4, shift=3, {d}))")
    _c(f"det:2d:{dt}", f"result = mx.nd.linalg.det(R(3, 3, shift=2, {d}))")
    _c(f"det:4d:{dt}", f"result = mx.nd.linalg_det(R(2, 3, 3, 3, {d}))")
    _c(f"det:singular:{dt}", f"result = mx.nd.linalg.det(mx.nd.array([[1, 2], [2, 4]], {d}))")
    _c(f"slogdet:2d:{dt}", f"result = mx.nd.linalg.slogdet(R(3, 3, {d}))")
    _c(f"slogdet:batch:{dt}", f"result = mx.nd.linalg_slogdet(R(4, 3, 3, seed=3, {d}))")
    _c(f"slogdet:singular:{dt}", f"result = mx.nd.linalg.slogdet(mx.nd.array([[1, 2], [2, 4]], "
                                 f"{d}))")
    _c(f"sumlogdiag:{dt}", f"result = mx.nd.linalg.sumlogdiag(R(3, 3, spd=True, {d}))")
    _c(f"sumlogdiag:batch:{dt}", f"result = mx.nd.linalg_sumlogdiag(R(2, 3, 3, spd=True, {d}))")
    _c(f"sumlogdiag:neg:{dt}", f"result = mx.nd.linalg.sumlogdiag(mx.nd.array([[-1, 0], "
                               f"[0, 2]], {d}))")
    for off in (0, 1, -2):
        _c(f"extractdiag:{off}:{dt}", f"result = mx.nd.linalg.extractdiag(R(2, 4, 4, {d}), "
                                      f"offset={off})")
        _c(f"makediag:{off}:{dt}", f"result = mx.nd.linalg_makediag(R(2, 3, {d}), "
                                   f"offset={off})")
    for off in (0, 1, -1, 2):
        for lo in (True, False):
            _c(f"extracttrian:{off}:{lo}:{dt}",
               f"result = mx.nd.linalg.extracttrian(R(2, 4, 4, {d}), offset={off}, lower={lo})")
            _c(f"maketrian:{off}:{lo}:{dt}",
               f"result = mx.nd.linalg_maketrian(R(2, 6, {d}), offset={off}, lower={lo})")

# error cases (mxcompat must raise MXNetError where MXNet does)
for cid, code in [
        ("err:dot:int32", "result = mx.nd.dot(mx.nd.ones((2, 3), dtype='int32'), "
                          "mx.nd.ones((3, 2), dtype='int32'))"),
        ("err:dot:float16", "result = mx.nd.dot(mx.nd.ones((2, 3), dtype='float16'), "
                            "mx.nd.ones((3, 2), dtype='float16'))"),
        ("err:dot:mixed", "result = mx.nd.dot(mx.nd.ones((2, 3)), mx.nd.ones((3, 2), "
                          "dtype='float64'))"),
        ("err:dot:shape", "result = mx.nd.dot(mx.nd.ones((2, 3)), mx.nd.ones((2, 3)))"),
        ("err:dot:vector-transpose", "result = mx.nd.dot(mx.nd.ones(2), mx.nd.ones(2), "
                                     "transpose_a=True)"),
        ("err:batch_dot:2d", "result = mx.nd.batch_dot(mx.nd.ones((3, 4)), mx.nd.ones((4, 5)))"),
        ("err:batch_dot:batch", "result = mx.nd.batch_dot(mx.nd.ones((2, 3, 4)), "
                                "mx.nd.ones((3, 4, 5)))"),
        ("err:batch_dot:ndim", "result = mx.nd.batch_dot(mx.nd.ones((2, 3, 4)), "
                               "mx.nd.ones((2, 2, 4, 5)))"),
        ("err:batch_dot:k", "result = mx.nd.batch_dot(mx.nd.ones((2, 3, 4)), "
                            "mx.nd.ones((2, 3, 5)))"),
        ("err:khatri_rao:int", "result = mx.nd.khatri_rao(mx.nd.ones((2, 2), dtype='int32'))"),
        ("err:khatri_rao:cols", "result = mx.nd.khatri_rao(mx.nd.ones((2, 2)), "
                                "mx.nd.ones((1, 3)))"),
        ("err:khatri_rao:1d", "result = mx.nd.khatri_rao(mx.nd.ones(2), mx.nd.ones(2))"),
        ("err:khatri_rao:none", "result = mx.nd.khatri_rao()"),
        ("err:det:int32", "result = mx.nd.linalg.det(mx.nd.ones((2, 2), dtype='int32'))"),
        ("err:det:float16", "result = mx.nd.linalg.det(mx.nd.ones((2, 2), dtype='float16'))"),
        ("err:det:nonsquare", "result = mx.nd.linalg.det(mx.nd.ones((2, 3)))"),
        ("err:det:1d", "result = mx.nd.linalg.det(mx.nd.ones(2))"),
        ("err:potrf:notpd", "result = mx.nd.linalg.potrf(mx.nd.array([[1, 2], [2, 1]]))"),
        ("err:potri:zero-diag", "result = mx.nd.linalg.potri(mx.nd.array([[0, 0], [1, 1]]))"),
        ("err:inverse:singular", "result = mx.nd.linalg.inverse(mx.nd.array([[1, 2], [2, 4]]))"),
        ("err:gemm:C", "result = mx.nd.linalg.gemm(mx.nd.ones((2, 2)), mx.nd.ones((2, 2)), "
                       "mx.nd.ones((3, 3)))"),
        ("err:gemm:missing-C", "result = mx.nd.linalg.gemm(mx.nd.ones((2, 2)), "
                               "mx.nd.ones((2, 2)))"),
        ("err:gemm2:int32", "result = mx.nd.linalg.gemm2(mx.nd.ones((2, 2), dtype='int32'), "
                            "mx.nd.ones((2, 2), dtype='int32'))"),
        ("err:gemm2:batch", "result = mx.nd.linalg.gemm2(mx.nd.ones((2, 3, 4)), "
                            "mx.nd.ones((3, 4, 5)))"),
        ("err:gemm2:axis", "result = mx.nd.linalg.gemm2(mx.nd.ones((2, 3)), mx.nd.ones((3, 2)), "
                           "axis=-1)"),
        ("err:gemm2:1d", "result = mx.nd.linalg.gemm2(mx.nd.ones(3), mx.nd.ones(3))"),
        ("err:trmm:nonsquare", "result = mx.nd.linalg.trmm(mx.nd.ones((2, 3)), "
                               "mx.nd.ones((2, 3)))"),
        ("err:trmm:shape", "result = mx.nd.linalg.trmm(mx.nd.ones((3, 3)), mx.nd.ones((2, 3)))"),
        ("err:gelqf:tall", "result = mx.nd.linalg.gelqf(mx.nd.ones((3, 2)))"),
        ("err:extractdiag:nonsquare", "result = mx.nd.linalg.extractdiag(mx.nd.ones((3, 4)))"),
        ("err:extractdiag:offset", "result = mx.nd.linalg.extractdiag(mx.nd.ones((3, 3)), "
                                   "offset=3)"),
        ("err:extracttrian:offset", "result = mx.nd.linalg.extracttrian(mx.nd.ones((3, 3)), "
                                    "offset=3)"),
        ("err:maketrian:size", "result = mx.nd.linalg.maketrian(mx.nd.ones(4))"),
        ("err:makediag:int32", "result = mx.nd.linalg.makediag(mx.nd.ones(2, dtype='int32'))"),
        ("err:sumlogdiag:nonsquare", "result = mx.nd.linalg.sumlogdiag(mx.nd.ones((2, 3)))"),
]:
    _c(cid, code)


def encode(v):
    """A JSON-able description of a result (shared by the recorder and the tests)."""
    if isinstance(v, (list, tuple)):
        return {"seq": [encode(x) for x in v]}
    a = v.asnumpy()
    return {"dtype": str(a.dtype), "shape": list(a.shape),
            "values": [_f(x) for x in a.astype(np.float64).reshape(-1).tolist()]}


def _f(x):
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return float(np.float64(x))


def run_case(mx, code):
    ns = {"mx": mx, "np": np}
    exec(_R_SRC, ns)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        exec(code, ns)
    return ns["result"]


def main() -> int:
    import mxnet as mx
    out = {"mxnet_version": mx.__version__, "recorded_by": "tools/oracle/record_linalg.py",
           "cases": {}}
    for cid, code in CASES:
        try:
            rec = {"result": encode(run_case(mx, code))}
        except Exception as e:  # noqa: BLE001 - recording what MXNet raises is the point
            msg = str(e).strip().splitlines()
            # some MXNet messages start with a wall-clock stamp "[hh:mm:ss] "
            msg = [re.sub(r"^\[\d\d:\d\d:\d\d\] ", "", m) for m in msg]
            rec = {"error": type(e).__name__, "mxnet_error": isinstance(e, mx.base.MXNetError),
                   "message": msg[-1] if msg else ""}
        out["cases"][cid] = rec
    path = ROOT / "tests" / "golden" / "linalg.json"
    path.write_text(json.dumps(out, indent=0, sort_keys=True) + "\n")
    print(f"wrote {len(out['cases'])} cases to {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
