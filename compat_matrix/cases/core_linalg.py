"""Core matrix products: dot (tensordot over lhs last / rhs first axis, (1,) for 1-D.1-D)
and batch_dot. (mx.nd.linalg.* and the default dot/batch_dot cases are in linalg_random.py.)"""
import numpy as np

from compat_matrix.spec import FLOATS, INTS, Case

F64 = ("float32", "float64")


def _dot(a, b, transpose_a=False, transpose_b=False):
    if transpose_a:
        a = np.moveaxis(a, 0, -1) if a.ndim > 1 else a
    if transpose_b:
        b = np.moveaxis(b, -1, 0) if b.ndim > 1 else b
    r = np.tensordot(a, b, axes=1)
    return np.asarray(r).reshape(1) if np.ndim(r) == 0 else r


def _batch_dot(a, b, transpose_a=False, transpose_b=False):
    if transpose_a:
        a = np.swapaxes(a, -1, -2)
    if transpose_b:
        b = np.swapaxes(b, -1, -2)
    return np.matmul(a, b)


TOL = {"float32": (1e-4, 1e-4)}
CASES = [
    Case("dot", "ranks", samples=[((2, 3), (3, 4)), ((1, 1), (1, 1)), ((4,), (4,)),
                                  ((2, 3), (3,)), ((3,), (3, 2))],
         dtypes=F64, rejects=INTS + ("float16",), gpu_dtypes=FLOATS, ref=_dot, grad=True,
         tol=TOL),
    Case("dot", "nd", samples=[((2, 3, 4), (4, 5)), ((2, 3), (3, 2, 2))], dtypes=F64,
         ref=_dot, grad=True, tol=TOL,
         note="N-D dot contracts lhs's last axis with rhs's first (np.tensordot(a, b, 1))"),
    Case("dot", "transpose_a", samples=[((3, 2), (3, 4)), ((3, 2, 2), (3, 5))],
         kwargs={"transpose_a": True}, dtypes=F64, ref=_dot, grad=True, tol=TOL),
    Case("dot", "transpose_b", samples=[((2, 3), (4, 3))], kwargs={"transpose_b": True},
         dtypes=F64, ref=_dot, grad=True, tol=TOL),
    Case("dot", "transpose_both", samples=[((3, 2), (4, 3))],
         kwargs={"transpose_a": True, "transpose_b": True}, dtypes=F64, ref=_dot, tol=TOL),
    Case("dot", "mismatch", samples=[((2, 3), (4, 5))], dtypes=("float32",), raises=True),
    Case("batch_dot", "shapes", samples=[((2, 3, 4), (2, 4, 5)), ((1, 1, 1), (1, 1, 1)),
                                         ((2, 2, 3, 4), (2, 2, 4, 2))],
         dtypes=F64, gpu_dtypes=FLOATS, rejects=INTS + ("float16",), ref=_batch_dot,
         grad=True, tol=TOL),
    Case("batch_dot", "transpose_a", samples=[((2, 4, 3), (2, 4, 5))],
         kwargs={"transpose_a": True}, dtypes=F64, ref=_batch_dot, grad=True, tol=TOL),
    Case("batch_dot", "transpose_b", samples=[((2, 3, 4), (2, 5, 4))],
         kwargs={"transpose_b": True}, dtypes=F64, ref=_batch_dot, grad=True, tol=TOL),
    Case("batch_dot", "2d", samples=[((2, 3), (3, 4))], dtypes=("float32",), raises=True,
         note="batch_dot needs N-D inputs with N >= 3"),
    Case("batch_dot", "batch_mismatch", samples=[((2, 3, 4), (3, 4, 5))],
         dtypes=("float32",), raises=True),
]
