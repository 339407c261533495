"""``mx.library``: loading custom-operator libraries (``.so``/``.dll`` built against
MXNet's C++ extension API). mxcompat has no C++ engine to load them into: :func:`load` checks
the path as MXNet does, then raises an :class:`MXNetError` saying why, and pointing at
``mx.operator.CustomOp`` (Python custom operators), which mxcompat supports."""
from __future__ import annotations

import os

from .base import MXNetError

__all__ = ["load"]


def load(path: str, verbose: bool = True) -> None:
    """Refuse to load an MXNet extension library (see the module docstring)."""
    if not os.path.exists(path):
        raise MXNetError("load path %s does NOT exist" % path)
    if not os.path.isabs(path):
        raise MXNetError("load path %s is not an absolute path" % path)
    _, file_ext = os.path.splitext(path)
    if file_ext not in [".so", ".dll"]:
        raise MXNetError("load path %s is NOT a library file" % path)
    raise MXNetError(f"mx.library.load({path!r}): mxcompat cannot load MXNet C++ extension "
                     "libraries (they are built against libmxnet's C API, which mxcompat does "
                     "not have); port the operators to mx.operator.CustomOp (Python, "
                     "supported) or to torch")
