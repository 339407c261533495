"""``mx.util``: MXNet 1.9.1's general helpers.

The NumPy-semantics switches (``set_np_shape``, ``np_shape``, ``use_np_shape``, ``np_array``,
``use_np_array``, ``use_np``, ``set_np``, ``reset_np``) keep MXNet's state machine: the shape
flag is per thread unless set globally (``set_np_shape(2)``), the array flag is a per-thread
scope. mxcompat's ``mx.nd`` operators do not change behaviour under them yet (see
docs/sharp-edges.md), and ``mx.np`` arrays are outside mxcompat's scope.
``getenv``/``setenv`` read and write the process environment (``os.environ``), which is what
mxcompat's Python backend reads.
"""
from __future__ import annotations

import functools
import inspect
import logging
import os
import threading
from typing import Any, Callable, Optional, Tuple

__all__ = [
    "get_gpu_count", "get_gpu_memory", "set_np_shape", "is_np_shape", "np_shape",
    "use_np_shape", "set_module", "np_array", "is_np_array", "use_np_array", "use_np",
    "np_ufunc_legal_option", "wrap_np_unary_func", "wrap_np_binary_func", "set_np",
    "reset_np", "get_cuda_compute_capability", "getenv", "setenv",
]

_np_ufunc_default_kwargs = {
    "where": True, "casting": "same_kind", "order": "K", "dtype": None, "subok": True,
}

_set_np_shape_logged = False
_set_np_array_logged = False


def get_gpu_count() -> int:
    """The number of CUDA devices torch sees."""
    from .context import num_gpus
    return num_gpus()


def get_gpu_memory(gpu_dev_id: int) -> Tuple[int, int]:
    """(free, total) bytes of CUDA device ``gpu_dev_id``."""
    from .context import gpu_memory_info
    return gpu_memory_info(gpu_dev_id)


# --- NumPy shape semantics: a global flag and a per-thread flag, as in MXNet's engine
class _ShapeState(threading.local):
    value = False


_shape_local = _ShapeState()
_shape_global = [False]


def set_np_shape(active: Any) -> bool:
    """Turn NumPy shape semantics on (``True``/1: this thread, 2: every thread) or off
    (``False``/0); returns whether it was on before."""
    global _set_np_shape_logged
    if active:
        if not _set_np_shape_logged:
            logging.info("NumPy-shape semantics has been activated in your code. This is "
                         "required for creating and manipulating scalar and zero-size "
                         "tensors, which were not supported in MXNet before, as in the "
                         "official NumPy library. Please DO NOT manually deactivate this "
                         "semantics while using `mxnet.numpy` and `mxnet.numpy_extension` "
                         "modules.")
            _set_np_shape_logged = True
    elif is_np_array():
        raise ValueError("Deactivating NumPy shape semantics while NumPy array semantics is "
                         "still active is not allowed. Please consider calling "
                         "`npx.reset_np()` to deactivate both of them.")
    prev = is_np_shape()
    flag = int(active)
    if flag == 2:
        _shape_global[0] = True
        _shape_local.value = True
    elif flag:
        _shape_local.value = True
    else:
        _shape_global[0] = False
        _shape_local.value = False
    return prev


def is_np_shape() -> bool:
    """Whether NumPy shape semantics is on (globally or in this thread)."""
    return bool(_shape_global[0] or _shape_local.value)


class _NumpyShapeScope:
    """``with`` scope of NumPy shape semantics (use :func:`np_shape`)."""

    def __init__(self, is_np_shape: Any):  # noqa: F811 - MXNet's parameter name
        self._enter_is_np_shape = is_np_shape
        self._prev_is_np_shape: Optional[bool] = None

    def __enter__(self) -> None:
        if self._enter_is_np_shape is not None:
            self._prev_is_np_shape = set_np_shape(self._enter_is_np_shape)

    def __exit__(self, ptype: Any, value: Any, trace: Any) -> None:
        if self._enter_is_np_shape is not None and \
                self._prev_is_np_shape != self._enter_is_np_shape:
            set_np_shape(self._prev_is_np_shape)


def np_shape(active: bool = True) -> _NumpyShapeScope:
    """A ``with`` scope turning NumPy shape semantics on (or off with ``active=False``)."""
    return _NumpyShapeScope(active)


def _decorate_class(cls: type, deco: Callable) -> type:
    def pred(f: Any) -> bool:
        return inspect.isfunction(f) or inspect.ismethod(f) or isinstance(f, property)
    for name, method in inspect.getmembers(cls, predicate=pred):
        if isinstance(method, property):
            setattr(cls, name, property(deco(method.__get__), method.__set__,
                                        method.__delattr__, method.__doc__))
        else:
            setattr(cls, name, deco(method))
    return cls


def use_np_shape(func: Any) -> Any:
    """Decorator: run the function (or every method of the class) under NumPy shape
    semantics."""
    if inspect.isclass(func):
        return _decorate_class(func, use_np_shape)
    if callable(func):
        @functools.wraps(func)
        def _with_np_shape(*args: Any, **kwargs: Any) -> Any:
            with np_shape(active=True):
                return func(*args, **kwargs)
        return _with_np_shape
    raise TypeError("use_np_shape can only decorate classes and callable objects, "
                    "while received a {}".format(str(type(func))))


def _sanity_check_params(func_name: str, unsupported_params: Any, param_dict: Any) -> None:
    for param_name in unsupported_params:
        if param_name in param_dict:
            raise NotImplementedError(f"function {func_name} does not support parameter "
                                      f"{param_name}")


def set_module(module: Optional[str]) -> Callable:
    """Decorator setting a function's ``__module__``."""
    def decorator(func: Any) -> Any:
        if module is not None:
            func.__module__ = module
        return func
    return decorator


class _NumpyArrayScope:
    """``with`` scope of NumPy array semantics (use :func:`np_array`); ``_current`` is a
    thread-local holding the innermost scope, as in MXNet."""

    _current = threading.local()

    def __init__(self, is_np_array: bool):  # noqa: F811 - MXNet's parameter name
        self._old_scope: Optional[_NumpyArrayScope] = None
        self._is_np_array = is_np_array

    def __enter__(self) -> "_NumpyArrayScope":
        if not hasattr(_NumpyArrayScope._current, "value"):
            _NumpyArrayScope._current.value = _NumpyArrayScope(False)
        self._old_scope = _NumpyArrayScope._current.value
        _NumpyArrayScope._current.value = self
        return self

    def __exit__(self, ptype: Any, value: Any, trace: Any) -> None:
        assert self._old_scope
        _NumpyArrayScope._current.value = self._old_scope


def np_array(active: bool = True) -> _NumpyArrayScope:
    """A ``with`` scope turning NumPy array semantics on (or off)."""
    return _NumpyArrayScope(active)


def is_np_array() -> bool:
    """Whether NumPy array semantics is on in this thread."""
    cur = getattr(_NumpyArrayScope._current, "value", None)
    return bool(cur._is_np_array) if cur is not None else False


def use_np_array(func: Any) -> Any:
    """Decorator: run the function (or every method of the class) under NumPy array
    semantics."""
    if inspect.isclass(func):
        return _decorate_class(func, use_np_array)
    if callable(func):
        @functools.wraps(func)
        def _with_np_array(*args: Any, **kwargs: Any) -> Any:
            with np_array(active=True):
                return func(*args, **kwargs)
        return _with_np_array
    raise TypeError("use_np_array can only decorate classes and callable objects, "
                    "while received a {}".format(str(type(func))))


def use_np(func: Any) -> Any:
    """:func:`use_np_shape` and :func:`use_np_array` together."""
    return use_np_shape(use_np_array(func))


def np_ufunc_legal_option(key: str, value: Any) -> bool:
    """Whether ``key=value`` is a legal NumPy ufunc keyword argument."""
    if key == "where":
        return True
    if key == "casting":
        return value in {"no", "equiv", "safe", "same_kind", "unsafe"}
    if key == "order":
        return isinstance(value, str)
    if key == "dtype":
        import numpy as _np
        return value in {_np.int8, _np.uint8, _np.int32, _np.int64, _np.float16, _np.float32,
                         _np.float64, "int8", "uint8", "int32", "int64", "float16", "float32",
                         "float64"}
    if key == "subok":
        return isinstance(value, bool)
    return False


def _check_ufunc_kwargs(func: Callable, kwargs: dict, unary: bool) -> None:
    for key, value in kwargs.items():
        if key not in _np_ufunc_default_kwargs:
            raise TypeError("{} is an invalid keyword to function '{}'".format(
                key, func.__name__))
        if value != _np_ufunc_default_kwargs[key]:
            if np_ufunc_legal_option(key, value):
                if unary:
                    raise NotImplementedError("{}={} is not implemented yet for operator {}"
                                              .format(key, str(value), func.__name__))
                raise NotImplementedError("{}={} is not implemented yet".format(
                    key, str(value)))
            if unary:
                raise TypeError("{}={} not understood for operator {}".format(
                    key, value, func.__name__))
            raise TypeError("{} {} not understood".format(key, value))


def wrap_np_unary_func(func: Callable) -> Callable:
    """Wrap a NumPy-style unary function so that unsupported ufunc keywords raise."""
    @functools.wraps(func)
    def _wrap_np_unary_func(x: Any, out: Any = None, **kwargs: Any) -> Any:
        _check_ufunc_kwargs(func, kwargs, True)
        return func(x, out=out)
    return _wrap_np_unary_func


def wrap_np_binary_func(func: Callable) -> Callable:
    """Wrap a NumPy-style binary function so that unsupported ufunc keywords raise."""
    @functools.wraps(func)
    def _wrap_np_binary_func(x1: Any, x2: Any, out: Any = None, **kwargs: Any) -> Any:
        _check_ufunc_kwargs(func, kwargs, False)
        return func(x1, x2, out=out)
    return _wrap_np_binary_func


def _set_np_array(active: bool) -> bool:
    global _set_np_array_logged
    if active and not _set_np_array_logged:
        logging.info("NumPy array semantics has been activated in your code. This allows you "
                     "to use operators from MXNet NumPy and NumPy Extension modules as well "
                     "as MXNet NumPy `ndarray`s.")
        _set_np_array_logged = True
    cur_state = is_np_array()
    _NumpyArrayScope._current.value = _NumpyArrayScope(active)
    return cur_state


def set_np(shape: bool = True, array: bool = True) -> None:
    """Turn NumPy shape and array semantics on or off (array needs shape)."""
    if not shape and array:
        raise ValueError("NumPy Shape semantics is required in using NumPy array semantics.")
    _set_np_array(array)
    set_np_shape(shape)


def reset_np() -> None:
    """Turn both NumPy semantics off."""
    set_np(shape=False, array=False)


def get_cuda_compute_capability(ctx: Any) -> int:
    """The CUDA compute capability of a GPU context as one number (70 for sm_70)."""
    if ctx.device_type != "gpu":
        raise ValueError("Expecting a gpu context to get cuda compute capability, while "
                         "received ctx {}".format(str(ctx)))
    import torch
    if not torch.cuda.is_available():
        raise OSError("could not load any of: libcuda.so libcuda.dylib cuda.dll")
    major, minor = torch.cuda.get_device_capability(ctx.device_id)
    return major * 10 + minor


def getenv(name: str) -> Optional[str]:
    """The value of environment variable ``name`` (None when unset)."""
    return os.environ.get(name)


def setenv(name: str, value: Optional[str]) -> None:
    """Set environment variable ``name`` (``None`` unsets it)."""
    if value is None:
        os.environ.pop(name, None)
    else:
        os.environ[name] = value
