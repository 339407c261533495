"""Errors and small shared helpers (the ``mx.base`` module).

Besides mxcompat's error classes, this module has the names of MXNet 1.9.1's ``mx.base`` that
Python code and test suites import: the type tuples (``integer_types``, ``numeric_types``,
``string_types``), ``_as_list``, ``py_str``, ``c_str``/``c_array``/... (ctypes helpers that
need no library), ``data_dir``, ``classproperty``/``with_metaclass`` and the handle types.
There is no ``libmxnet`` behind mxcompat: ``_LIB`` is an object whose every C function raises
an :class:`MXNetError` saying so when it is looked up.
"""
from __future__ import annotations

import ctypes
import os
import platform
import sys
from typing import Any, Dict

import numpy as _np

__all__ = [
    "MXNetError", "NotImplementedForSymbol", "NotSupportedForSparseNDArray",
    "InternalError", "DeferredInitializationError", "MXNetValueError",
    "MXNetTypeError", "MXNetIndexError", "MXNetKeyError", "MXNetDtypeError",
    "MXNetAttributeError", "MXNetAssertionError", "UnsupportedError",
    "_Null", "string_types", "numeric_types", "integer_types", "DOCS_URL",
    "py_str", "c_str", "c_array", "c_array_buf", "c_str_array", "c_handle_array",
    "check_call", "data_dir", "data_dir_default", "classproperty", "with_metaclass",
    "register_error", "error_types", "mx_real_t", "mx_uint", "mx_int", "mx_int64",
    "mx_float", "mx_float_p", "NDArrayHandle", "SymbolHandle", "build_param_doc",
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


def _rebuild_error(qualname: str, args: tuple) -> BaseException:
    return globals()[qualname](*args)


class _PythonNamedError(MXNetError):
    """Base of the errors that stand for a plain Python error MXNet raises: the class is
    *named* like that error (``type(e).__name__ == 'ValueError'``, which scripts print), and
    pickles by its real name."""

    def __reduce__(self):
        return (_rebuild_error, (type(self).__qualname__, self.args))


# Where MXNet raises a plain Python error (ValueError, TypeError, IndexError, KeyError),
# mxcompat raises an MXNetError that is *also* that Python error, so legacy
# ``except ValueError:`` clauses keep working and ``except MXNetError`` catches everything.
class MXNetValueError(_PythonNamedError, ValueError):
    pass


class MXNetTypeError(_PythonNamedError, TypeError):
    pass


class MXNetIndexError(_PythonNamedError, IndexError):
    pass


class MXNetKeyError(_PythonNamedError, KeyError):
    def __str__(self) -> str:  # KeyError quotes its message; keep it readable
        return str(self.args[0]) if self.args else ""


for _cls, _name in ((MXNetValueError, "ValueError"), (MXNetTypeError, "TypeError"),
                    (MXNetIndexError, "IndexError"), (MXNetKeyError, "KeyError")):
    _cls.__name__ = _name


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

# MXNet 1.9.1's tuples (Python 2's ``long`` is ``int``, hence the repeats)
string_types = (str,)
numeric_types = (float, int, int, _np.generic)
integer_types = (int, int, _np.int32, _np.int64)
basestring = str
long = int

#: MXNet's default real type
mx_real_t = _np.float32
mx_uint = ctypes.c_uint
mx_int = ctypes.c_int
mx_int64 = ctypes.c_int64
mx_float = ctypes.c_float
mx_float_p = ctypes.POINTER(mx_float)
NDArrayHandle = ctypes.c_void_p
FunctionHandle = ctypes.c_void_p
OpHandle = ctypes.c_void_p
CachedOpHandle = ctypes.c_void_p
SymbolHandle = ctypes.c_void_p
ExecutorHandle = ctypes.c_void_p
DataIterCreatorHandle = ctypes.c_void_p
DataIterHandle = ctypes.c_void_p
KVStoreHandle = ctypes.c_void_p
RecordIOHandle = ctypes.c_void_p
RtcHandle = ctypes.c_void_p
CudaModuleHandle = ctypes.c_void_p
CudaKernelHandle = ctypes.c_void_p
ProfileHandle = ctypes.c_void_p
DLPackHandle = ctypes.c_void_p


def py_str(x: bytes) -> str:
    """Decode UTF-8 bytes (from a C API) to str."""
    return x.decode("utf-8")


def c_str(string: str) -> ctypes.c_char_p:
    """A ``ctypes.c_char_p`` holding ``string`` encoded as UTF-8."""
    return ctypes.c_char_p(string.encode("utf-8"))


def c_array(ctype: Any, values: Any) -> Any:
    """A ctypes array of ``ctype`` filled with ``values``."""
    out = (ctype * len(values))()
    out[:] = values
    return out


def c_array_buf(ctype: Any, buf: Any) -> Any:
    """A ctypes array of ``ctype`` sharing the memory of a writable buffer."""
    return (ctype * len(buf)).from_buffer(buf)


def c_str_array(strings: Any) -> Any:
    """A ctypes ``char *[]`` of the UTF-8 encoded strings."""
    arr = (ctypes.c_char_p * len(strings))()
    arr[:] = [s.encode("utf-8") for s in strings]
    return arr


def c_handle_array(objs: Any) -> Any:
    """A ctypes ``void *[]`` of the objects' ``handle`` attributes."""
    arr = (ctypes.c_void_p * len(objs))()
    arr[:] = [o.handle for o in objs]
    return arr


def ctypes2buffer(cptr: Any, length: int) -> bytearray:
    """Copy ``length`` bytes from a ``POINTER(c_char)`` into a bytearray."""
    if not isinstance(cptr, ctypes.POINTER(ctypes.c_char)):
        raise TypeError("expected char pointer")
    res = bytearray(length)
    rptr = (ctypes.c_char * length).from_buffer(res)
    ctypes.memmove(rptr, cptr, length)
    return res


def ctypes2numpy_shared(cptr: Any, shape: Any) -> _np.ndarray:
    """A float32 NumPy array of ``shape`` viewing the memory of a ``POINTER(mx_float)``."""
    if not isinstance(cptr, ctypes.POINTER(mx_float)):
        raise RuntimeError("expected float pointer")
    size = 1
    for s in shape:
        size *= s
    dbuffer = (mx_float * size).from_address(ctypes.addressof(cptr.contents))
    return _np.frombuffer(dbuffer, dtype=_np.float32).reshape(shape)  # type: ignore[call-overload]


def _as_list(obj: Any) -> Any:
    """``obj`` itself if it is a list or tuple, else ``[obj]``."""
    if isinstance(obj, (list, tuple)):
        return obj
    return [obj]


def data_dir_default() -> str:
    """``%APPDATA%/mxnet`` on Windows, ``~/.mxnet`` elsewhere."""
    if platform.system() == "Windows":
        return os.path.join(os.environ.get("APPDATA", ""), "mxnet")
    return os.path.join(os.path.expanduser("~"), ".mxnet")


def data_dir() -> str:
    """Where MXNet keeps downloaded data: ``$MXNET_HOME``, else :func:`data_dir_default`."""
    return os.getenv("MXNET_HOME", data_dir_default())


#: error names a C API message may start with, and the class raised for each (MXNet's table)
error_types: Dict[str, type] = {
    "NotImplementedForSymbol": NotImplementedForSymbol, "InternalError": InternalError,
    "ValueError": ValueError, "TypeError": TypeError, "AttributeError": AttributeError,
    "IndexError": IndexError, "NotImplementedError": NotImplementedError,
}


def register_error(func_name: Any = None, cls: Any = None) -> Any:
    """Register an error class under a name (``@register_error`` on a class uses its name)."""
    if callable(func_name):
        cls = func_name
        func_name = cls.__name__

    def register(mycls: type) -> type:
        error_types[func_name if isinstance(func_name, str) else mycls.__name__] = mycls
        return mycls
    return register if cls is None else register(cls)


class _LastError:
    message = ""


def check_call(ret: int) -> None:
    """Raise :class:`MXNetError` when a C API return code is not 0 (MXNet's convention)."""
    if ret != 0:
        raise MXNetError(_LastError.message or f"C API call failed with code {ret}")


class _NoLib:
    """Stands for MXNet's ``_LIB`` (the loaded libmxnet): mxcompat has no C library, so
    looking up any of its functions raises an MXNetError (an AttributeError too)."""

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        raise unsupported(f"mx.base._LIB.{name}", "mxcompat has no libmxnet: its C API "
                          "functions do not exist; use the Python API", attribute=True)

    def __repr__(self) -> str:
        return "<mxcompat: no libmxnet C library>"


_LIB = _NoLib()


class _MXClassPropertyDescriptor:
    def __init__(self, fget: Any, fset: Any = None):
        self.fget = fget
        self.fset = fset

    def __get__(self, obj: Any, clas: Any = None) -> Any:
        if clas is None:
            clas = type(obj)
        return self.fget.__get__(obj, clas)()

    def __set__(self, obj: Any, value: Any) -> Any:
        if not self.fset:
            raise MXNetError("cannot use the setter: %s to set attribute" % obj.__name__)
        if isinstance(obj, type):
            type_ = obj
            obj = None
        else:
            type_ = type(obj)
        return self.fset.__get__(obj, type_)(value)

    def setter(self, func: Any) -> "_MXClassPropertyDescriptor":
        if not isinstance(func, (classmethod, staticmethod)):
            func = classmethod(func)
        self.fset = func
        return self


class _MXClassPropertyMetaClass(type):
    def __setattr__(cls, key: str, value: Any) -> None:
        obj = cls.__dict__.get(key)
        if obj and isinstance(obj, _MXClassPropertyDescriptor):
            obj.__set__(cls, value)
            return
        super().__setattr__(key, value)


def classproperty(func: Any) -> _MXClassPropertyDescriptor:
    """A property on the class itself (settable through :class:`_MXClassPropertyMetaClass`)."""
    if not isinstance(func, (classmethod, staticmethod)):
        func = classmethod(func)
    return _MXClassPropertyDescriptor(func)


def with_metaclass(meta: type, *bases: type) -> type:
    """A base class that makes its subclasses instances of ``meta`` (Python 2/3 idiom)."""
    class metaclass(type):
        def __new__(cls, name, this_bases, d):  # type: ignore[no-untyped-def]
            return meta(name, bases, d)

        @classmethod
        def __prepare__(cls, name, this_bases):  # type: ignore[no-untyped-def]
            return meta.__prepare__(name, bases)
    return type.__new__(metaclass, "temporary_class", (), {})


def build_param_doc(arg_names: Any, arg_types: Any, arg_descs: Any,
                    remove_dup: bool = True) -> str:
    """A 'Parameters' docstring section from names, types and descriptions."""
    seen = set()
    parts = []
    for key, type_info, desc in zip(arg_names, arg_types, arg_descs):
        if (key in seen and remove_dup) or key == "num_args":
            continue
        seen.add(key)
        ret = "%s : %s" % (key, type_info)
        if len(desc) != 0:
            ret += "\n    " + desc
        parts.append(ret)
    return "Parameters\n----------\n%s\n" % "\n".join(parts)


def add_fileline_to_docstring(module: Any, incursive: bool = True) -> None:
    """Append ``From:file:line`` to the docstrings of a module's functions and classes."""
    import inspect

    def _add(obj: Any) -> None:
        if obj.__doc__ is None or "From:" in obj.__doc__:
            return
        try:
            fname = inspect.getsourcefile(obj)
            line = inspect.getsourcelines(obj)[-1]
        except (OSError, TypeError):
            return
        if fname is None:
            return
        obj.__doc__ += "\n\nFrom:%s:%d" % (fname, line)
    if isinstance(module, str):
        module = sys.modules[module]
    for _, obj in inspect.getmembers(module):
        if inspect.isbuiltin(obj):
            continue
        if inspect.isfunction(obj):
            _add(obj)
        if inspect.ismethod(obj):
            _add(obj.__func__)
        if inspect.isclass(obj) and incursive:
            add_fileline_to_docstring(obj, False)



def unsupported(what: str, hint: str = "", attribute: bool = False) -> UnsupportedError:
    """Build the error for an MXNet API that mxcompat does not provide (``attribute=True``
    for a failed attribute lookup: the error is then also an AttributeError)."""
    msg = f"{what} is not supported by mxcompat yet"
    if hint:
        msg += f" ({hint})"
    msg += f"; see {DOCS_URL} for what is supported"
    return (MXNetAttributeError if attribute else UnsupportedError)(msg)
