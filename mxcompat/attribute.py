"""``mx.attribute``: ``AttrScope``, the ``with`` scope of attributes that symbols created
inside it get (``with mx.AttrScope(ctx_group='dev1'): ...``). Scopes nest and are per
thread, as in MXNet."""
from __future__ import annotations

import threading
import warnings
from collections import defaultdict
from typing import Any, Dict, Optional

from .base import _MXClassPropertyMetaClass, classproperty, string_types

__all__ = ["AttrScope"]


class AttrScope(metaclass=_MXClassPropertyMetaClass):
    """Attributes (string values) attached to every symbol created inside the scope."""

    _current = threading.local()
    _subgraph_names: Dict[str, int] = defaultdict(int)

    def __init__(self, **kwargs: Any):
        self._old_scope: Optional[AttrScope] = None
        for value in kwargs.values():
            if not isinstance(value, string_types):
                raise ValueError("Attributes need to be string")
        self._attr: Dict[str, str] = kwargs

    def get(self, attr: Optional[Dict[str, str]]) -> Dict[str, str]:
        """The scope's attributes updated with ``attr`` (``attr`` wins)."""
        if self._attr:
            ret = self._attr.copy()
            if attr:
                ret.update(attr)
            return ret
        return attr if attr else {}

    def __enter__(self) -> "AttrScope":
        if not hasattr(AttrScope._current, "value"):
            AttrScope._current.value = AttrScope()
        self._old_scope = AttrScope._current.value
        attr = AttrScope._current.value._attr.copy()
        attr.update(self._attr)
        self._attr = attr
        AttrScope._current.value = self
        return self

    def __exit__(self, ptype: Any, value: Any, trace: Any) -> None:
        assert self._old_scope
        AttrScope._current.value = self._old_scope

    @classproperty
    def current(cls) -> "AttrScope":  # type: ignore[misc]
        warnings.warn("AttrScope.current has been deprecated. It is advised to use the `with` "
                      "statement with AttrScope.", DeprecationWarning, stacklevel=2)
        if not hasattr(AttrScope._current, "value"):
            cls._current.value = AttrScope()
        return cls._current.value

    @current.setter  # type: ignore[no-redef]
    def current(cls, val: "AttrScope") -> None:
        warnings.warn("AttrScope.current has been deprecated. It is advised to use the `with` "
                      "statement with AttrScope.", DeprecationWarning, stacklevel=2)
        cls._current.value = val


AttrScope._current.value = AttrScope()
