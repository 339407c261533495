"""Linear algebra: ``dot``, ``batch_dot`` (in mx.nd) and the ``mx.nd.linalg`` namespace."""
from __future__ import annotations

import torch

from ..base import MXNetError, MXNetTypeError
from ._op import Bool, register

_FLOAT = (torch.float32, torch.float64)


def _check_dot_dtypes(op: str, a: torch.Tensor, b: torch.Tensor) -> None:
    if a.dtype != b.dtype:
        raise MXNetTypeError(f"{op}: Incompatible attr in node at 1-th input: expected "
                             f"{a.dtype}, got {b.dtype}".replace("torch.", ""))
    ok = _FLOAT + ((torch.float16,) if a.device.type == "cuda" else ())
    if a.dtype not in ok:
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
    if a.dim() == 0 or b.dim() == 0:
        raise MXNetError("dot: 0-d inputs are not supported")
    if transpose_a and a.dim() > 1:
        a = a.permute(*range(1, a.dim()), 0)
    if transpose_b and b.dim() > 1:
        b = b.permute(b.dim() - 1, *range(b.dim() - 1))
    if a.shape[-1] != b.shape[0]:
        raise MXNetError(f"dot: shape inconsistent: lhs {list(lhs.shape)} and rhs "
                         f"{list(rhs.shape)} cannot be contracted (transpose_a="
                         f"{transpose_a}, transpose_b={transpose_b})")
    if a.dim() == 1 and b.dim() == 1:
        return torch.dot(a, b).reshape(1)
    if a.dim() <= 2 and b.dim() <= 2:
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
