"""The one mapping between MXNet type flags, NumPy types and torch dtypes.

MXNet 1.9.1 NDArrays hold exactly eight dtypes; ``NDArray.dtype`` reports the NumPy *type
class* (``numpy.float32``), not a ``numpy.dtype``.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import torch

from .base import MXNetDtypeError, MXNetError

# (numpy type, torch dtype, mshadow type flag)
_TABLE = (
    (np.float32, torch.float32, 0),
    (np.float64, torch.float64, 1),
    (np.float16, torch.float16, 2),
    (np.uint8, torch.uint8, 3),
    (np.int32, torch.int32, 4),
    (np.int8, torch.int8, 5),
    (np.int64, torch.int64, 6),
    (np.bool_, torch.bool, 7),
)

NP_TO_TORCH: dict[Any, torch.dtype] = {n: t for n, t, _ in _TABLE}
TORCH_TO_NP: dict[torch.dtype, Any] = {t: n for n, t, _ in _TABLE}
TORCH_TO_FLAG: dict[torch.dtype, int] = {t: f for _, t, f in _TABLE}
FLAG_TO_TORCH: dict[int, torch.dtype] = {f: t for _, t, f in _TABLE}
FLAG_TO_NP: dict[int, Any] = {f: n for n, _, f in _TABLE}
#: Every type flag MXNet defines (for messages about files holding types NDArray can't).
FLAG_NAMES = {0: "float32", 1: "float64", 2: "float16", 3: "uint8", 4: "int32", 5: "int8",
              6: "int64", 7: "bool", 8: "int16", 9: "uint16", 10: "uint32", 11: "uint64",
              12: "bfloat16"}

FLOAT_DTYPES = frozenset({torch.float16, torch.float32, torch.float64})
INT_DTYPES = frozenset({torch.uint8, torch.int8, torch.int32, torch.int64})
DEFAULT = torch.float32

_NAMES = ", ".join(sorted(["bool", "float16", "float32", "float64", "int32", "int64", "int8",
                           "uint8"]))
_cache: dict[Any, torch.dtype] = {}


def to_torch(dtype: Any, default: torch.dtype = DEFAULT, where: str = "") -> torch.dtype:
    """Resolve any dtype spelling MXNet accepts ('float32', np.float32, np.dtype, 'f4', 'half',
    int, float, bool, None, a torch dtype) into a torch dtype, or raise MXNetError."""
    if dtype is None:
        return default
    try:
        return _cache[dtype]
    except (KeyError, TypeError):
        pass
    if isinstance(dtype, torch.dtype):
        if dtype in TORCH_TO_NP:
            return dtype
        raise _bad(dtype, where)
    try:
        npt = np.dtype(dtype).type
    except TypeError:
        raise _bad(dtype, where) from None
    try:
        res = NP_TO_TORCH[npt]
    except KeyError:
        raise _bad(dtype, where) from None
    try:
        _cache[dtype] = res
    except TypeError:
        pass
    return res


def _bad(dtype: Any, where: str) -> MXNetError:
    loc = f" in {where}" if where else ""
    return MXNetDtypeError(f"Invalid dtype {dtype!r}{loc}: MXNet NDArrays support only {_NAMES}")


def np_type(dtype: torch.dtype) -> Any:
    return TORCH_TO_NP[dtype]


def name(dtype: torch.dtype) -> str:
    return np.dtype(TORCH_TO_NP[dtype]).name


def is_float(dtype: torch.dtype) -> bool:
    return dtype in FLOAT_DTYPES
