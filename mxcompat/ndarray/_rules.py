"""MXNet's dtype rules for element-wise arithmetic, in one place.

- Two NDArrays must have the same dtype (no promotion): a mismatch raises MXNetError.
- A Python scalar is cast to the array's dtype *before* the operation (C ``static_cast``:
  truncation toward zero, then wrap-around), so ``int32 * 2.5 == int32 * 2`` and the result
  keeps the array's dtype. Bool arrays become int64 under scalar operations.
- Integer division truncates toward zero; modulo is floored and ``x % 0 == 0``.
- Comparisons and logical ops return the operand dtype holding 0/1.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np
import torch

from .. import _dtypes
from ..base import MXNetError, MXNetTypeError

SCALAR_TYPES = (int, float, bool, np.generic)

_INT_RANGE = {torch.uint8: (0, 8), torch.int8: (-128, 8), torch.int32: (-2 ** 31, 32),
              torch.int64: (-2 ** 63, 64)}


def is_scalar(x: Any) -> bool:
    return isinstance(x, SCALAR_TYPES) and not isinstance(x, (np.ndarray, np.str_, np.bytes_))


def scalar_for(value: Any, dtype: torch.dtype) -> Any:
    """The Python number MXNet effectively uses for ``value`` against an array of ``dtype``."""
    v = float(value)
    if dtype.is_floating_point:
        return v
    info = _INT_RANGE.get(dtype)
    if info is None:  # bool arrays: handled by the caller (promoted to int64)
        return v
    lo, bits = info
    wide = 64 if bits == 64 else 32
    if not math.isfinite(v) or v >= 2.0 ** (wide - 1) or v < -2.0 ** (wide - 1):
        i = -2 ** (wide - 1)
    else:
        i = int(v)
    if bits < 64:
        i = (i - lo) % (1 << bits) + lo
    return i


def f32(v: float) -> float:
    """A float parameter as MXNet stores it (C ``float``): rounded to float32."""
    return float(np.float32(v))


def dtype_name(dt: torch.dtype) -> str:
    return _dtypes.name(dt)


def dtype_mismatch(op: str, a: torch.dtype, b: torch.dtype, index: int = 1) -> MXNetError:
    return MXNetTypeError(
        f"{op}: Incompatible attr in node at {index}-th input: expected {_dtypes.name(a)}, "
        f"got {_dtypes.name(b)} (MXNet does not promote dtypes; cast one operand with "
        ".astype())")


def bool_unsupported(op: str) -> MXNetError:
    """MXNet's unary/reduction kernels have no bool instantiation ("Unknown type enum 7")."""
    return MXNetTypeError(f"{op}: Unknown type enum 7 (MXNet's {op} does not support bool "
                          "arrays; cast with .astype())")


def float_only(op: str, dt: torch.dtype) -> MXNetError:
    return MXNetTypeError(f"{op}: This operation only support floating point types, not "
                          f"{_dtypes.name(dt)}")


def bad_operand(x: Any) -> MXNetError:
    return MXNetTypeError(f"type {type(x)} not supported")


def shape_mismatch(op: str, a: torch.Tensor, b: torch.Tensor) -> MXNetError:
    return MXNetError(f"{op}: operands could not be broadcast together with shapes "
                      f"{list(a.shape)} {list(b.shape)}")
