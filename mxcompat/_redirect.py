"""Make ``import mxnet`` resolve to mxcompat (used by ``mxcompat run`` and
``mxcompat.install()``).

``mxnet`` becomes the ``mxcompat`` package, ``mxnet.nd`` / ``mxnet.ndarray`` the NDArray
namespace, and so on. Importing a part of MXNet outside mxcompat's scope (``mxnet.gluon``,
``mxnet.symbol``, ...) fails at import with a message saying so. While installed, NDArrays
pickle under MXNet's class path (``mxnet.ndarray.ndarray.NDArray``), so real MXNet can load
them, and MXNet pickles load here.
"""
from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import sys
from types import ModuleType
from typing import Any, Optional

from .base import UnsupportedError

#: mxnet modules whose mxcompat home has another name; every other ``mxnet.a.b`` resolves to
#: ``mxcompat.a.b`` when that module exists (so a new front-end needs no entry here)
_ALIASES = {
    "mxnet": "mxcompat",
    "mxnet.nd": "mxcompat.ndarray",
    "mxnet.ndarray.op": "mxcompat.ndarray",
    "mxnet.ndarray.utils": "mxcompat.ndarray",
}


def _target(fullname: str) -> str:
    alias = _ALIASES.get(fullname)
    if alias is not None:
        return alias
    head, _, rest = fullname.partition(".")
    return "mxcompat." + rest


class MXNetImportError(UnsupportedError, ImportError):
    """Importing a part of MXNet that mxcompat does not provide."""


class _Loader(importlib.abc.Loader):
    def __init__(self, target: str):
        self.target = target

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType:
        return importlib.import_module(self.target)

    def exec_module(self, module: ModuleType) -> None:
        pass


def _out_of_scope(fullname: str) -> MXNetImportError:
    from . import _OUT_OF_SCOPE
    what = _OUT_OF_SCOPE.get(fullname.split(".")[1], f"'{fullname}'")
    return MXNetImportError(
        f"import {fullname}: {what} is not supported by mxcompat, which provides MXNet "
        "1.9.1's Python API except the parts listed in docs/migration.md")


class _Finder(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname: str, path: Any = None,
                  target: Any = None) -> Optional[importlib.machinery.ModuleSpec]:
        if fullname != "mxnet" and not fullname.startswith("mxnet."):
            return None
        dest = _target(fullname)
        try:
            found = importlib.util.find_spec(dest)
        except ModuleNotFoundError:
            found = None
        if found is None:
            raise _out_of_scope(fullname)
        return importlib.machinery.ModuleSpec(fullname, _Loader(dest))


class ScopeFinder(importlib.abc.MetaPathFinder):
    """Last on sys.meta_path: ``import mxcompat.X`` (which ``from mxnet import X`` becomes under
    the redirect) of a part outside mxcompat's scope fails with a message saying so, instead
    of a bare 'cannot import name'.

    It does not answer ``import mxnet`` without :func:`install`: code that probes for a real
    MXNet (``importlib.util.find_spec("mxnet")``, ``try: import mxnet``) must not find
    mxcompat just because something imported it."""

    def find_spec(self, fullname: str, path: Any = None,
                  target: Any = None) -> Optional[importlib.machinery.ModuleSpec]:
        if fullname.startswith("mxcompat.") and fullname.count(".") == 1:
            from . import _OUT_OF_SCOPE
            if fullname.split(".")[1] in _OUT_OF_SCOPE:
                raise _out_of_scope(fullname.replace("mxcompat.", "mxnet.", 1))
        return None


_FINDER = _Finder()


def _drop_real_mxnet() -> None:
    """Forget a real MXNet imported before :func:`install`, with a warning: modules that
    already hold it keep it, every later ``import mxnet`` gets mxcompat."""
    import warnings
    import mxcompat
    real = sys.modules.get("mxnet")
    if real is None or real is mxcompat or getattr(real, "__mxcompat_shim__", False):
        return
    where = getattr(real, "__file__", None) or "?"
    warnings.warn(
        f"mxcompat.install(): the real MXNet ({where}) was imported before the redirect; "
        "modules that imported it keep using it, every later 'import mxnet' gives mxcompat. "
        "Call mxcompat.install() (or use 'mxcompat run') before anything imports mxnet.",
        RuntimeWarning, stacklevel=3)
    for name in [n for n in sys.modules if n == "mxnet" or n.startswith("mxnet.")]:
        del sys.modules[name]


def install() -> None:
    _drop_real_mxnet()
    if _FINDER not in sys.meta_path:
        sys.meta_path.insert(0, _FINDER)
    import mxcompat
    sys.modules.setdefault("mxnet", mxcompat)
    from .ndarray.ndarray import NDArray
    from .ndarray.sparse import CSRNDArray, RowSparseNDArray
    NDArray.__module__ = "mxnet.ndarray.ndarray"
    CSRNDArray.__module__ = RowSparseNDArray.__module__ = "mxnet.ndarray.sparse"


def uninstall() -> None:
    if _FINDER in sys.meta_path:
        sys.meta_path.remove(_FINDER)
    for name in [n for n in sys.modules if n == "mxnet" or n.startswith("mxnet.")]:
        del sys.modules[name]
    from .ndarray.ndarray import NDArray
    from .ndarray.sparse import CSRNDArray, RowSparseNDArray
    NDArray.__module__ = "mxcompat.ndarray.ndarray"
    CSRNDArray.__module__ = RowSparseNDArray.__module__ = "mxcompat.ndarray.sparse"


def installed() -> bool:
    return _FINDER in sys.meta_path
