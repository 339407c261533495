"""Small helpers shared by Gluon's core modules (``gluon.utils`` re-exports the public ones:
``HookHandle``, ``shape_is_known``)."""
from __future__ import annotations

import collections
import weakref
from typing import Any, Iterable, Optional

from ..base import MXNetAssertionError

__all__ = ["HookHandle", "shape_is_known"]


def _indent(text: str, num_spaces: int) -> str:
    """Indent every line of ``text`` but the first by ``num_spaces`` spaces."""
    lines = text.split("\n")
    if len(lines) == 1:
        return text
    pad = " " * num_spaces
    return "\n".join([lines[0]] + [pad + line for line in lines[1:]])


def _brief_print_list(lst: Iterable[Any], limit: int = 7) -> str:
    """``'a', 'b', ...``: at most ``limit`` quoted names (the first and last few)."""
    items = list(lst)
    if len(items) > limit:
        return _brief_print_list(items[:limit // 2], limit) + ", ..., " + \
            _brief_print_list(items[-limit // 2:], limit)
    return ", ".join(f"'{i}'" for i in items)


def shape_is_known(shape: Optional[Any]) -> bool:
    """Whether every dimension of ``shape`` is known (0 marks an unknown one; a shape of
    no dimensions counts as unknown, as in MXNet's legacy shape semantics)."""
    if shape is None or len(shape) == 0:
        return False
    for dim in shape:
        if dim == 0:
            return False
        if dim < 0:
            raise MXNetAssertionError(f"shape dimension size cannot be less than 0, while "
                                      f"received {dim}")
    return True


class HookHandle:
    """Returned by ``register_forward_hook`` / ``register_forward_pre_hook``: ``detach()``
    (or leaving a ``with`` block) removes the hook."""

    def __init__(self) -> None:
        self._hooks_dict_ref: Any = None
        self._id: Optional[int] = None

    def attach(self, hooks_dict: Any, hook: Any) -> None:
        if self._hooks_dict_ref:
            raise MXNetAssertionError("The same handle cannot be attached twice.")
        self._id = id(hook)
        hooks_dict[self._id] = hook
        self._hooks_dict_ref = weakref.ref(hooks_dict)

    def detach(self) -> None:
        hooks = self._hooks_dict_ref() if self._hooks_dict_ref is not None else None
        if hooks is not None and self._id in hooks:
            del hooks[self._id]

    def __getstate__(self) -> Any:
        return (self._hooks_dict_ref() if self._hooks_dict_ref is not None else None, self._id)

    def __setstate__(self, state: Any) -> None:
        hooks = state[0] if state[0] is not None else collections.OrderedDict()
        self._keep = hooks  # a dict made here must outlive the weak reference
        self._hooks_dict_ref = weakref.ref(hooks)
        self._id = state[1]

    def __enter__(self) -> "HookHandle":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.detach()
