"""Errors and small shared helpers (the ``mx.base`` module)."""
from __future__ import annotations

__all__ = [
    "MXNetError", "NotImplementedForSymbol", "NotSupportedForSparseNDArray",
    "InternalError", "DeferredInitializationError", "MXNetValueError",
    "MXNetTypeError", "MXNetIndexError", "MXNetKeyError", "MXNetDtypeError",
    "MXNetAttributeError", "MXNetAssertionError", "UnsupportedError",
    "_Null", "string_types", "numeric_types", "integer_types", "DOCS_URL",
]

#: Where users are sent when something is not supported.
DOCS_URL = "docs/compat-matrix.md"


class MXNetError(RuntimeError):
    """The error MXNet raises (a subclass of RuntimeError, as in MXNet 1.9.1)."""


class NotImplementedForSymbol(MXNetError):
    pass


class NotSupportedForSparseNDArray(MXNetError):
    pass


class InternalError(MXNetError):
    pass


class DeferredInitializationError(MXNetError):
    pass


# Where MXNet raises a plain Python error (ValueError, TypeError, IndexError, KeyError),
# mxcompat raises an MXNetError that is *also* that Python error, so legacy
# ``except ValueError:`` clauses keep working and ``except MXNetError`` catches everything.
class MXNetValueError(MXNetError, ValueError):
    pass


class MXNetTypeError(MXNetError, TypeError):
    pass


class MXNetIndexError(MXNetError, IndexError):
    pass


class MXNetKeyError(MXNetError, KeyError):
    def __str__(self) -> str:  # KeyError quotes its message; keep it readable
        return str(self.args[0]) if self.args else ""


class MXNetDtypeError(MXNetError, KeyError, TypeError):
    """An unsupported dtype (MXNet raises KeyError from array()/astype(), MXNetError from ops)."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class UnsupportedError(MXNetError, NotImplementedError):
    """Raised by MXNet APIs that mxcompat does not implement (yet)."""


class MXNetAttributeError(UnsupportedError, AttributeError):
    """A name mxcompat does not provide: an MXNetError saying so, and an AttributeError so
    that ``hasattr`` and ``getattr(obj, name, default)`` keep working."""


class MXNetAssertionError(MXNetError, AssertionError):
    """A check MXNet makes with ``assert`` (Gluon's load and naming checks, registries):
    legacy ``except AssertionError:`` clauses keep working."""


class _NullType:
    """MXNet's placeholder for 'argument not given'."""

    _instance = None

    def __new__(cls):
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "_Null"

    def __bool__(self) -> bool:
        return False

    def __reduce__(self):
        return (_NullType, ())


_Null = _NullType()

string_types = (str,)
numeric_types = (float, int)
integer_types = (int,)


def unsupported(what: str, hint: str = "", attribute: bool = False) -> UnsupportedError:
    """Build the error for an MXNet API that mxcompat does not provide (``attribute=True``
    for a failed attribute lookup: the error is then also an AttributeError)."""
    msg = f"{what} is not supported by mxcompat yet"
    if hint:
        msg += f" ({hint})"
    msg += f"; see {DOCS_URL} for what is supported"
    return (MXNetAttributeError if attribute else UnsupportedError)(msg)
