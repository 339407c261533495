"""``mx.name``: automatic names (``dense0``, ``conv1``, ...) as MXNet 1.9.1 hands them out.

A :class:`NameManager` keeps one counter per hint; the current manager is thread-local and
changed with ``with NameManager():`` / ``with Prefix('net_'):``. Gluon's automatic block
prefixes come from the current manager's counters, so a fresh ``NameManager`` restarts them.
"""
from __future__ import annotations

import threading
import warnings
from typing import Any, Dict, Optional

__all__ = ["NameManager", "Prefix"]


class _Meta(type):
    """Gives ``NameManager.current`` as MXNet has it: a deprecated class-level property."""

    @property
    def current(cls) -> "NameManager":
        warnings.warn("NameManager.current has been deprecated. It is advised to use the "
                      "`with` statement with NameManager.", DeprecationWarning, stacklevel=2)
        return _current_manager()

    @current.setter
    def current(cls, value: "NameManager") -> None:
        NameManager._current.value = value


class NameManager(metaclass=_Meta):
    """Hands out names: the given one, or ``<hint><n>`` with a counter per hint."""

    _current = threading.local()

    def __init__(self) -> None:
        self._counter: Dict[str, int] = {}
        self._old_manager: Optional[NameManager] = None

    def get(self, name: Optional[str], hint: str) -> str:
        """``name`` when given (non-empty), else the next automatic name for ``hint``."""
        if name:
            return name
        n = self._counter.get(hint, 0)
        self._counter[hint] = n + 1
        return f"{hint}{n}"

    def __enter__(self) -> "NameManager":
        self._old_manager = _current_manager()
        NameManager._current.value = self
        return self

    def __exit__(self, *exc: Any) -> None:
        assert self._old_manager is not None
        NameManager._current.value = self._old_manager
        self._old_manager = None


class Prefix(NameManager):
    """A NameManager whose names all start with ``prefix``."""

    def __init__(self, prefix: str):
        super().__init__()
        self._prefix = prefix

    def get(self, name: Optional[str], hint: str) -> str:
        return self._prefix + super().get(name, hint)


def _current_manager() -> NameManager:
    """The calling thread's current manager (each thread starts with its own)."""
    cur = getattr(NameManager._current, "value", None)
    if cur is None:
        cur = NameManager._current.value = NameManager()
    return cur


NameManager._current.value = NameManager()
