"""Linear algebra: ``dot``, ``batch_dot`` (in mx.nd) and the ``mx.nd.linalg`` namespace."""
from __future__ import annotations

import torch

from .. import _dtypes
from ..base import MXNetError, MXNetTypeError, MXNetValueError
from ._op import Bool, Float, Int, register

_FLOAT = (torch.float32, torch.float64)


def _check_dot_dtypes(op: str, a: torch.Tensor, b: torch.Tensor) -> None:
    dt = a.dtype
    if dt is not b.dtype:
        raise MXNetTypeError(f"{op}: Incompatible attr in node at 1-th input: expected "
                             f"{a.dtype}, got {b.dtype}".replace("torch.", ""))
    if dt is not torch.float32 and dt is not torch.float64 and \
            not (dt is torch.float16 and a.is_cuda):
        raise MXNetTypeError(f"{op}: dot only supports float32/float64 for CPU, and "
                             f"float16/float32/float64 for GPU (got {a.dtype})".replace(
                                 "torch.", ""))


@register("dot", params={"transpose_a": Bool, "transpose_b": Bool}, family="linalg",
          torch="torch.tensordot(a, b, dims=1) (matmul for 2-D)")
def dot(lhs: torch.Tensor, rhs: torch.Tensor, transpose_a: bool = False,
        transpose_b: bool = False, forward_stype: str = "") -> torch.Tensor:
    """MXNet dot: contracts lhs's last axis with rhs's first axis (tensordot with 1 axis);
    ``transpose_a`` contracts lhs's first axis instead, ``transpose_b`` rhs's last axis.
    1-D . 1-D gives shape (1,)."""
    _check_dot_dtypes("dot", lhs, rhs)
    a, b = lhs, rhs
    da, db = a.dim(), b.dim()
    if da == 2 and db == 2 and not (transpose_a or transpose_b):  # the usual case
        if a.shape[1] == b.shape[0]:
            return torch.matmul(a, b)
    if da == 0 or db == 0:
        raise MXNetError("dot: 0-d inputs are not supported")
    if da == 1 and db == 1 and (transpose_a or transpose_b):
        raise MXNetError("dot: Check failed: !param.transpose_a && !param.transpose_b: Cannot "
                         "transpose vectors")
    if transpose_a and da > 1:
        a = a.permute(*range(1, da), 0)
    if transpose_b and db > 1:
        b = b.permute(db - 1, *range(db - 1))
    if a.shape[-1] != b.shape[0]:
        raise MXNetError(f"dot: shape inconsistent: lhs {list(lhs.shape)} and rhs "
                         f"{list(rhs.shape)} cannot be contracted (transpose_a="
                         f"{transpose_a}, transpose_b={transpose_b})")
    if da == 1 and db == 1:
        return torch.dot(a, b).reshape(1)
    if da <= 2 and db <= 2:
        return torch.matmul(a, b)
    return torch.tensordot(a, b, dims=1)


@register("batch_dot", params={"transpose_a": Bool, "transpose_b": Bool}, family="linalg",
          torch="torch.matmul (batched, N-D with N >= 3)")
def batch_dot(lhs: torch.Tensor, rhs: torch.Tensor, transpose_a: bool = False,
              transpose_b: bool = False, forward_stype: str = "") -> torch.Tensor:
    _check_dot_dtypes("batch_dot", lhs, rhs)
    if lhs.dim() < 3 or rhs.dim() < 3:
        raise MXNetError("batch_dot: batch_dot currently only support N-D*N-D array (N >= 3), "
                         f"got shapes {list(lhs.shape)} and {list(rhs.shape)}")
    if lhs.shape[:-2] != rhs.shape[:-2]:
        raise MXNetError(f"batch_dot: batch dims must match: {list(lhs.shape)} vs "
                         f"{list(rhs.shape)}")
    a = lhs.transpose(-1, -2) if transpose_a else lhs
    b = rhs.transpose(-1, -2) if transpose_b else rhs
    if a.shape[-1] != b.shape[-2]:
        raise MXNetError(f"batch_dot: shape inconsistent: {list(lhs.shape)} x "
                         f"{list(rhs.shape)} (transpose_a={transpose_a}, transpose_b="
                         f"{transpose_b})")
    return torch.matmul(a, b)


# ----------------------------------------------------------------------------------------
# khatri_rao (mx.nd) and the mx.nd.linalg namespace (with the flat linalg_* names in mx.nd).
# MXNet's la_op kernels run on float32/float64 only, on CPU and GPU alike.

def _la_check(op: str, *ts: torch.Tensor, ndim: int = 2, square: bool = False) -> None:
    dt = ts[0].dtype
    for i, t in enumerate(ts):
        if t.dtype != dt:
            raise MXNetTypeError(f"{op}: Incompatible attr in node at {i}-th input: expected "
                                 f"{_dtypes.name(dt)}, got {_dtypes.name(t.dtype)}")
    if dt not in _FLOAT:
        raise MXNetTypeError(f"{op}: This operation only supports 32-bit and 64-bit floating "
                             f"point (got {_dtypes.name(dt)})")
    for t in ts:
        if t.dim() < ndim:
            raise MXNetError(f"{op}: Input A's dimension must be >= {ndim} (got shape "
                             f"{list(t.shape)})")
    if square:
        a = ts[0]
        if a.shape[-1] != a.shape[-2]:
            raise MXNetError(f"{op}: Input A's last two dimension must be equal (got shape "
                             f"{list(a.shape)}): the operand must be a tensor of square "
                             "matrices")


def _same_batch(op: str, *ts: torch.Tensor) -> None:
    b = ts[0].shape[:-2]
    for t in ts[1:]:
        if t.dim() != ts[0].dim() or t.shape[:-2] != b:
            raise MXNetError(f"{op}: Shapes of inputs must be the same, except on the row/col "
                             f"axes: {[list(x.shape) for x in ts]}")


def _full_reduce_shape(r: torch.Tensor) -> torch.Tensor:
    # a single matrix reduces to shape (1,) in MXNet, not ()
    return r.reshape(1) if r.dim() == 0 else r


@register("khatri_rao", variadic=True, params={"num_args": Int}, family="linalg",
          torch="column-wise kron: (a[:, None, :] * b[None, :, :]).reshape(-1, n)",
          notes="float32/float64 only, as in MXNet")
def khatri_rao(*args: torch.Tensor, num_args: int = 0) -> torch.Tensor:
    """Column-wise Kronecker product of 2-D matrices with the same number of columns."""
    if not args:
        raise MXNetValueError("khatri_rao: value 0 for Parameter num_args should be greater "
                              "equal to 1")
    dt = args[0].dtype
    for i, a in enumerate(args):
        if a.dtype != dt:
            raise MXNetTypeError(f"khatri_rao: Incompatible attr in node at {i}-th input: "
                                 f"expected {_dtypes.name(dt)}, got {_dtypes.name(a.dtype)}")
        if a.dim() != 2:
            raise MXNetError(f"khatri_rao: every input must be 2-D, got shape {list(a.shape)}")
        if a.shape[1] != args[0].shape[1]:
            raise MXNetError("khatri_rao: all inputs must have the same number of columns, "
                             f"got {[list(x.shape) for x in args]}")
    if dt not in _FLOAT:
        raise MXNetTypeError(f"khatri_rao: Not implemented for {_dtypes.name(dt)} (float32 "
                             "and float64 only)")
    n = args[0].shape[1]
    r = args[0]
    for b in args[1:]:
        r = (r[:, None, :] * b[None, :, :]).reshape(-1, n)
    return r.clone() if len(args) == 1 else r


def _row_axis(op: str, axis: int, ndim: int) -> int:
    ax = axis + ndim if axis < 0 else axis
    if not 0 <= ax < ndim - 1:
        raise MXNetValueError(f"{op}: Invalid row axis ({axis}) for inputs of {ndim} "
                              "dimensions")
    return ax


def _gemm_core(op: str, A: torch.Tensor, B: torch.Tensor, transpose_a: bool,
               transpose_b: bool, axis: int) -> tuple:
    nd = A.dim()
    if B.dim() != nd:
        raise MXNetError(f"{op}: inputs must have the same number of dimensions, got shapes "
                         f"{list(A.shape)} and {list(B.shape)}")
    ax = _row_axis(op, axis, nd)
    if ax != nd - 2:
        A = A.movedim(ax, -2)
        B = B.movedim(ax, -2)
    if A.shape[:-2] != B.shape[:-2]:
        raise MXNetError(f"{op}: Shapes of inputs 0, 1 must be the same, except on row/col "
                         f"axis: {list(A.shape)} vs {list(B.shape)}")
    a = A.mT if transpose_a else A
    b = B.mT if transpose_b else B
    if a.shape[-1] != b.shape[-2]:
        raise MXNetError(f"{op}: Incompatible matrix dimensions for multiplication: "
                         f"{list(A.shape)} x {list(B.shape)} (transpose_a={transpose_a}, "
                         f"transpose_b={transpose_b}, axis={axis})")
    return torch.matmul(a, b), ax


_GEMM_P = {"transpose_a": Bool, "transpose_b": Bool, "alpha": Float, "axis": Int}


@register("gemm", ns="linalg", aliases=("linalg_gemm",), family="linalg",
          params=dict(_GEMM_P, beta=Float), torch="alpha * torch.matmul(A, B) + beta * C",
          notes="axis = the row axis of the matrices (moved to -2 and back)")
def gemm(A: torch.Tensor, B: torch.Tensor, C: torch.Tensor, transpose_a: bool = False,
         transpose_b: bool = False, alpha: float = 1.0, beta: float = 1.0,
         axis: int = -2) -> torch.Tensor:
    """alpha * op(A) op(B) + beta * C, batched over the other axes."""
    _la_check("linalg_gemm", A, B, C)
    p, ax = _gemm_core("linalg_gemm", A, B, transpose_a, transpose_b, axis)
    if ax != A.dim() - 2:
        p = p.movedim(-2, ax)
    if p.shape != C.shape:
        raise MXNetError(f"linalg_gemm: Shape inconsistent, Provided = {list(C.shape)}, "
                         f"inferred shape={list(p.shape)}")
    return alpha * p + beta * C


@register("gemm2", ns="linalg", aliases=("linalg_gemm2",), family="linalg", params=_GEMM_P,
          torch="alpha * torch.matmul(A, B)")
def gemm2(A: torch.Tensor, B: torch.Tensor, transpose_a: bool = False,
          transpose_b: bool = False, alpha: float = 1.0, axis: int = -2) -> torch.Tensor:
    """alpha * op(A) op(B), batched over the other axes."""
    _la_check("linalg_gemm2", A, B)
    p, ax = _gemm_core("linalg_gemm2", A, B, transpose_a, transpose_b, axis)
    if ax != A.dim() - 2:
        p = p.movedim(-2, ax)
    return p * alpha if alpha != 1.0 else p


@register("potrf", ns="linalg", aliases=("linalg_potrf",), family="linalg",
          torch="torch.linalg.cholesky (lower triangle read)")
def potrf(A: torch.Tensor) -> torch.Tensor:
    """Cholesky factor L (lower triangular) of each symmetric positive definite matrix."""
    _la_check("linalg_potrf", A, square=True)
    L, info = torch.linalg.cholesky_ex(A)
    if bool((info != 0).any()):
        raise MXNetError("linalg_potrf: Check failed: potrf failed; the input matrix is "
                         "either not symmetric or not positive definite")
    return L


@register("potri", ns="linalg", aliases=("linalg_potri",), family="linalg",
          torch="torch.cholesky_inverse(torch.tril(A))")
def potri(A: torch.Tensor) -> torch.Tensor:
    """(L L^T)^-1 from a Cholesky factor L (the lower triangle of A)."""
    _la_check("linalg_potri", A, square=True)
    L = A.tril()
    if bool((L.diagonal(0, -2, -1) == 0).any()):
        raise MXNetError("linalg_potri: Check failed: potri failed; the input matrix is not "
                         "a Cholesky factorization obtained by a prior call of potrf")
    return torch.cholesky_inverse(L)


_TRI_P = {"transpose": Bool, "rightside": Bool, "lower": Bool, "alpha": Float}


def _tri_check(op: str, A: torch.Tensor, B: torch.Tensor, transpose: bool,
               rightside: bool) -> None:
    _la_check(op, A, B)
    if A.shape[-1] != A.shape[-2]:
        raise MXNetError(f"{op}: First operand must be a tensor of square matrices, got "
                         f"{list(A.shape)}")
    _same_batch(op, A, B)
    k = B.shape[-1] if rightside else B.shape[-2]
    if k != A.shape[-1]:
        raise MXNetError(f"{op}: Incompatible matrix dimensions for multiplication: "
                         f"{list(A.shape)} and {list(B.shape)} (rightside={rightside})")


@register("trmm", ns="linalg", aliases=("linalg_trmm",), family="linalg", params=_TRI_P,
          torch="alpha * torch.matmul(torch.tril(A), B) (triangle of A only)")
def trmm(A: torch.Tensor, B: torch.Tensor, transpose: bool = False, rightside: bool = False,
         lower: bool = True, alpha: float = 1.0) -> torch.Tensor:
    """alpha * op(A) B (or B op(A) with rightside) for triangular A."""
    _tri_check("linalg_trmm", A, B, transpose, rightside)
    T = A.tril() if lower else A.triu()
    if transpose:
        T = T.mT
    r = torch.matmul(B, T) if rightside else torch.matmul(T, B)
    return r * alpha if alpha != 1.0 else r


@register("trsm", ns="linalg", aliases=("linalg_trsm",), family="linalg", params=_TRI_P,
          torch="torch.linalg.solve_triangular")
def trsm(A: torch.Tensor, B: torch.Tensor, transpose: bool = False, rightside: bool = False,
         lower: bool = True, alpha: float = 1.0) -> torch.Tensor:
    """Solves op(A) X = alpha B (or X op(A) = alpha B) for triangular A."""
    _tri_check("linalg_trsm", A, B, transpose, rightside)
    T = A.tril() if lower else A.triu()
    upper = not lower
    if transpose:
        T, upper = T.mT, lower
    rhs = B * alpha if alpha != 1.0 else B
    return torch.linalg.solve_triangular(T, rhs, upper=upper, left=not rightside)


@register("syrk", ns="linalg", aliases=("linalg_syrk",), family="linalg",
          params={"transpose": Bool, "alpha": Float}, torch="alpha * A @ A.mT")
def syrk(A: torch.Tensor, transpose: bool = False, alpha: float = 1.0) -> torch.Tensor:
    """alpha * A A^T (or alpha * A^T A with transpose)."""
    _la_check("linalg_syrk", A)
    r = torch.matmul(A.mT, A) if transpose else torch.matmul(A, A.mT)
    return r * alpha if alpha != 1.0 else r


@register("gelqf", outputs=2,
          ns="linalg", aliases=("linalg_gelqf",), family="linalg",
          torch="torch.linalg.qr(A.mT) transposed: Q = q.mT, L = r.mT")
def gelqf(A: torch.Tensor) -> tuple:
    """LQ factorisation A = L Q of (m, n) matrices with m <= n: returns [Q, L]."""
    _la_check("linalg_gelqf", A)
    if A.shape[-2] > A.shape[-1]:
        raise MXNetError(f"linalg_gelqf: Input A shape wrong: last dimension must be >= than "
                         f"second to last (got {list(A.shape)})")
    q, r = torch.linalg.qr(A.mT)
    return q.mT.contiguous(), r.mT.contiguous()


@register("syevd", outputs=2,
          ns="linalg", family="linalg",
          torch="torch.linalg.eigh (lower triangle) with U = V.mT, sign-normalised rows")
def syevd(A: torch.Tensor) -> tuple:
    """Symmetric eigendecomposition A = U^T diag(L) U: returns [U, L], eigenvalues ascending,
    each row of U (an eigenvector) signed so its largest-magnitude entry is positive."""
    _la_check("linalg_syevd", A, square=True)
    w, v = torch.linalg.eigh(A)
    U = v.mT
    idx = U.abs().argmax(dim=-1, keepdim=True)
    sign = torch.where(torch.gather(U, -1, idx) < 0, -1.0, 1.0).to(U.dtype)
    return (U * sign).contiguous(), w


@register("inverse", ns="linalg", aliases=("linalg_inverse",), family="linalg",
          torch="torch.linalg.inv")
def inverse(A: torch.Tensor) -> torch.Tensor:
    """Inverse of each square matrix."""
    _la_check("linalg_inverse", A, square=True)
    r, info = torch.linalg.inv_ex(A)
    if bool((info != 0).any()):
        raise MXNetError("linalg_inverse: Check failed: the input matrix is non-convertible "
                         "(singular)")
    return r


@register("det", outputs=("output0",),
          ns="linalg", aliases=("linalg_det",), family="linalg",
          torch="torch.linalg.det", notes="a single matrix gives shape (1,)")
def det(A: torch.Tensor) -> torch.Tensor:
    """Determinant of each square matrix; shape A.shape[:-2], or (1,) for a matrix."""
    _la_check("linalg_det", A, square=True)
    return _full_reduce_shape(torch.linalg.det(A))


@register("slogdet", outputs=2,
          ns="linalg", aliases=("linalg_slogdet",), family="linalg",
          torch="torch.linalg.slogdet", notes="returns [sign, logabsdet]; (1,) for a matrix")
def slogdet(A: torch.Tensor) -> tuple:
    """Sign and log of the absolute determinant: returns [sign, logabsdet]."""
    _la_check("linalg_slogdet", A, square=True)
    s, l = torch.linalg.slogdet(A)
    return _full_reduce_shape(s), _full_reduce_shape(l)


@register("sumlogdiag", ns="linalg", aliases=("linalg_sumlogdiag",), family="linalg",
          torch="A.diagonal(dim1=-2, dim2=-1).log().sum(-1)")
def sumlogdiag(A: torch.Tensor) -> torch.Tensor:
    """Sum of the logs of the diagonal of each square matrix ((1,) for a matrix)."""
    _la_check("linalg_sumlogdiag", A, square=True)
    return _full_reduce_shape(A.diagonal(0, -2, -1).log().sum(-1))


def _diag_check(op: str, A: torch.Tensor, offset: int) -> None:
    _la_check(op, A, square=True)
    n = A.shape[-1]
    if abs(offset) >= n:
        raise MXNetValueError(f"{op}: Illegal offset {offset} for diag/trian extraction of "
                              f"matrix with dimension {n}")


@register("extractdiag", ns="linalg", aliases=("linalg_extractdiag",), family="linalg",
          params={"offset": Int}, torch="torch.diagonal(A, offset, -2, -1)")
def extractdiag(A: torch.Tensor, offset: int = 0) -> torch.Tensor:
    """The (offset) diagonal of each square matrix."""
    _diag_check("linalg_extractdiag", A, offset)
    return A.diagonal(offset, -2, -1).clone()


@register("makediag", ns="linalg", aliases=("linalg_makediag",), family="linalg",
          params={"offset": Int}, torch="torch.diag_embed(A, offset)")
def makediag(A: torch.Tensor, offset: int = 0) -> torch.Tensor:
    """Square matrices with the last axis of A on the (offset) diagonal."""
    _la_check("linalg_makediag", A, ndim=1)
    return torch.diag_embed(A, offset, -2, -1)


def _trian_index(n: int, offset: int, lower: bool, device: torch.device) -> tuple:
    """Row-major indices of the lower triangle; the upper triangle is read column by column
    (MXNet's order: the lower triangle of the transpose)."""
    if offset < 0 or (offset == 0 and lower):
        rc = torch.tril_indices(n, n, offset, device=device)
        return rc[0], rc[1]
    rc = torch.tril_indices(n, n, -offset, device=device)
    return rc[1], rc[0]


@register("extracttrian", ns="linalg", aliases=("linalg_extracttrian",), family="linalg",
          params={"offset": Int, "lower": Bool}, torch="A[..., tril_indices]",
          notes="offset > 0 reads the upper triangle, offset < 0 the lower one; the upper "
                "triangle is read column by column, as MXNet does")
def extracttrian(A: torch.Tensor, offset: int = 0, lower: bool = True) -> torch.Tensor:
    """The triangle of each square matrix, flattened."""
    _diag_check("linalg_extracttrian", A, offset)
    r, c = _trian_index(A.shape[-1], offset, lower, A.device)
    return A[..., r, c]


@register("maketrian", ns="linalg", aliases=("linalg_maketrian",), family="linalg",
          params={"offset": Int, "lower": Bool}, torch="zeros + index_put at tril_indices",
          notes="inverse of extracttrian")
def maketrian(A: torch.Tensor, offset: int = 0, lower: bool = True) -> torch.Tensor:
    """Triangular matrices from the flattened triangles on A's last axis."""
    _la_check("linalg_maketrian", A, ndim=1)
    k = A.shape[-1]
    m = int(((8 * k + 1) ** 0.5 - 1) / 2 + 0.5)
    if m * (m + 1) // 2 != k:
        raise MXNetValueError(f"linalg_maketrian: Input tensor of maketrian has an invalid "
                              f"dimension for the last axis ({k} is not m*(m+1)/2)")
    n = m + abs(offset)
    r, c = _trian_index(n, offset, lower, A.device)
    flat = A.new_zeros(A.shape[:-1] + (n * n,))
    # out-of-place scatter keeps the op differentiable with respect to A
    return flat.scatter(-1, (r * n + c).expand(A.shape), A).reshape(A.shape[:-1] + (n, n))
