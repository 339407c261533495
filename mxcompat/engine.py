"""``mx.engine``: bulk execution settings.

MXNet's engine can bundle up to ``size`` consecutive operators into one scheduled unit.
mxcompat runs every operator eagerly on torch, so the bulk size changes no result and no
timing; it is kept per thread (as in MXNet) so that code reading it back sees what it set.
"""
from __future__ import annotations

import threading
from typing import Any, Optional

from .base import MXNetError

__all__ = ["set_bulk_size", "bulk"]


class _BulkState(threading.local):
    size = 0


_state = _BulkState()


def set_bulk_size(size: int) -> int:
    """Set the bulk size of this thread; returns the previous one."""
    import operator
    size = operator.index(size)  # TypeError for a non-integer, as ctypes.c_int(size) gives
    if size < 0:
        raise MXNetError(f"set_bulk_size: size must be >= 0, got {size}")
    prev = _state.size
    _state.size = size
    return prev


class _BulkScope:
    """Scope object for bulk execution."""

    def __init__(self, size: int):
        self._size = size
        self._old_size: Optional[int] = None

    def __enter__(self) -> "_BulkScope":
        self._old_size = set_bulk_size(self._size)
        return self

    def __exit__(self, ptype: Any, value: Any, trace: Any) -> None:
        assert self._old_size is not None
        set_bulk_size(self._old_size)


def bulk(size: int) -> _BulkScope:
    """``with mx.engine.bulk(10): ...`` sets the bulk size inside the block."""
    return _BulkScope(size)
