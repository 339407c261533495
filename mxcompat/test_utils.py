"""``mx.test_utils``: the helpers legacy MXNet test suites use, with MXNet 1.9.1's signatures,
default tolerances, random-number consumption and failure messages.

Every public name of MXNet 1.9.1's module is here, and ``from mxnet.test_utils import *``
exports the same names as MXNet's (its module-level imports included: ``mx``, ``np``,
``Context``, ``array``, ``use_np``, ``Features``, ...). Comparisons run in NumPy. The helpers
built on the Symbol API (``check_symbolic_forward``, ``check_consistency``, ...) drive
``sym.bind``/``simple_bind`` executors as MXNet's do, and need ``mx.sym``;
``check_numeric_gradient`` also takes a Python function of NDArrays (an mxcompat extension).
``chi_square_check``/``verify_generator`` compute the chi-square p-value without SciPy.
"""
from __future__ import annotations

import bz2
import errno
import gzip
import json
import logging
import numbers
import os
import platform
import struct
import sys
import time
import traceback
import zipfile
from collections import OrderedDict
from contextlib import contextmanager
from typing import Any, Callable, Dict, Iterator, Optional, Sequence, Tuple

import numpy as np
import numpy.random as rnd
import numpy.testing as npt  # noqa: F401 - part of MXNet's star-import surface

try:
    import scipy.stats as ss
except ImportError:
    ss = None
try:
    import requests
except ImportError:
    requests = None

import mxcompat as mx

from .base import MXNetError, MXNetValueError, unsupported
from .context import Context, current_context, num_gpus
from .ndarray import array
from .runtime import Features
from .util import get_cuda_compute_capability, getenv, setenv, use_np  # noqa: F401

try:  # the Symbol API, when this mxcompat has it
    from .symbol import Symbol  # noqa: F401
except ImportError:
    pass

_NP2 = int(np.__version__.split(".")[0]) >= 2


def _nd():
    from . import ndarray
    return ndarray


def _is_nd(x: Any) -> bool:
    return isinstance(x, _nd().NDArray)


def _to_np(x: Any) -> Any:
    return x.asnumpy() if _is_nd(x) else x


# ---------------------------------------------------------------------------------------
# tolerances
def default_rtols() -> Dict[np.dtype, float]:
    """Default relative tolerance per dtype (MXNet 1.9.1's table)."""
    d: Dict[np.dtype, float] = {np.dtype(np.float16): 1e-2, np.dtype(np.float32): 1e-4,
                                np.dtype(np.float64): 1e-5}
    for t in (np.bool_, np.int8, np.uint8, np.int32, np.uint32, np.int64, np.uint64):
        d[np.dtype(t)] = 0
    return d


def default_atols() -> Dict[np.dtype, float]:
    """Default absolute tolerance per dtype (MXNet 1.9.1's table)."""
    d: Dict[np.dtype, float] = {np.dtype(np.float16): 1e-1, np.dtype(np.float32): 1e-3,
                                np.dtype(np.float64): 1e-20}
    for t in (np.bool_, np.int8, np.uint8, np.int32, np.uint32, np.int64, np.uint64):
        d[np.dtype(t)] = 0
    return d


def default_dtype() -> type:
    return np.float32


def default_numeric_eps() -> Dict[np.dtype, float]:
    """Finite-difference step per dtype (powers of two, as in MXNet)."""
    return {np.dtype(np.float16): 1.0 / 2 ** 6, np.dtype(np.float32): 1.0 / 2 ** 9,
            np.dtype(np.float64): 1.0 / 2 ** 14}


def get_rtol(rtol: Optional[float] = None, dtype: Any = np.dtype(np.float64)) -> float:
    return default_rtols()[np.dtype(dtype)] if rtol is None else rtol


def get_atol(atol: Optional[float] = None, dtype: Any = np.dtype(np.float64)) -> float:
    return default_atols()[np.dtype(dtype)] if atol is None else atol


def get_etol(etol: Optional[float] = None) -> float:
    return 0 if etol is None else etol


def effective_dtype(dat: Any) -> np.dtype:
    """The dtype whose tolerance applies to ``dat``: its own, except float32 on a TF32-enabled
    GPU (compute capability >= 8.0, ``NVIDIA_TF32_OVERRIDE`` not '0'), which counts as
    float16, as in MXNet."""
    dtype = np.dtype(dat.dtype)
    ctx = getattr(dat, "ctx", None)
    if dtype == np.float32 and isinstance(ctx, Context) and ctx.device_type == "gpu":
        try:
            import torch
            major, _ = torch.cuda.get_device_capability(ctx.device_id)
        except Exception:  # no usable CUDA device: no TF32 either
            return dtype
        if major >= 8 and os.environ.get("NVIDIA_TF32_OVERRIDE") != "0":
            return np.dtype(np.float16)
    return dtype


def get_tolerance(dat: Any, tol: Any, default_tol: Dict[np.dtype, float]) -> float:
    """``tol`` if it is a number, else ``tol[dtype]`` (a dict) or ``default_tol[dtype]``."""
    if isinstance(tol, numbers.Number):
        return tol  # type: ignore[return-value]
    dtype = effective_dtype(dat)
    tol = {} if tol is None else tol
    return tol.get(dtype, default_tol[dtype])


def get_tols(x: Any, y: Any, rtol: Any, atol: Any) -> Tuple[float, float]:
    """The (rtol, atol) for comparing x and y: given numbers, or the larger of the two
    inputs' dtype defaults."""
    if isinstance(x, numbers.Number):
        x = np.array(x)
    if isinstance(y, numbers.Number):
        y = np.array(y)
    r = max(get_tolerance(x, rtol, default_rtols()), get_tolerance(y, rtol, default_rtols()))
    a = max(get_tolerance(x, atol, default_atols()), get_tolerance(y, atol, default_atols()))
    return r, a


# ---------------------------------------------------------------------------------------
# messages
def _build_err_msg(arrays: Sequence[Any], err_msg: str, header: str = "Items are not equal:",
                   names: Sequence[str] = ("ACTUAL", "DESIRED"), precision: int = 8) -> str:
    """NumPy's assertion text (``numpy.testing.build_err_msg``'s layout), printed with MXNet's
    options (threshold=4, suppress=True) and NumPy 1.x number formatting."""
    msg = ["\n" + header]
    if err_msg:
        if "\n" not in err_msg and len(err_msg) < 79 - len(header):
            msg = [msg[0] + " " + err_msg]
        else:
            msg.append(err_msg)
    opts: Dict[str, Any] = {"threshold": 4, "suppress": True}
    if _NP2:
        opts["legacy"] = "1.25"  # NumPy 2 would print np.float32(1.0) for scalars
    with np.printoptions(**opts):
        for name, a in zip(names, arrays):
            try:
                r = (np.array_repr(a, precision=precision) if isinstance(a, np.ndarray)
                     else repr(a))
            except Exception as exc:  # pragma: no cover - mirrors NumPy's fallback
                r = f"[repr failed for <{type(a).__name__}>: {exc}]"
            if r.count("\n") > 3:
                r = "\n".join(r.splitlines()[:3]) + "..."
            msg.append(f" {name}: {r}")
    return "\n".join(msg)


def checkShapes(a: Any, b: Any) -> None:
    """AssertionError unless ``a`` and ``b`` have the same shape."""
    if a.shape != b.shape:
        raise AssertionError(_build_err_msg(
            [_to_np(a), _to_np(b)],
            f"a.shape = {a.shape} and b.shape = {b.shape} are not equal"))


def locationError(a: Any, b: Any, index: Any, names: Sequence[str],
                  maxError: bool = False) -> str:
    maximum = "maximum " if maxError else ""
    return "Location of %serror: %s, %s=%.8f, %s=%.8f" % (
        maximum, str(index), names[0], a[index], names[1], b[index])


def _find_max_violation(a: np.ndarray, b: np.ndarray, rtol: float,
                        atol: float) -> Tuple[Any, float]:
    # equal values (including equal infinities) count as no error, as np.allclose does
    with np.errstate(invalid="ignore", over="ignore"):
        absdiff = np.where(np.equal(a, b), 0, np.abs(a - b))
        tol = atol + rtol * np.abs(b)
        violation = absdiff / (tol + 1e-20)
    loc = np.argmax(violation)
    idx = tuple(int(i) for i in np.unravel_index(loc, violation.shape))  # NumPy 2 reprs np.int64
    return idx, np.max(violation)


# ---------------------------------------------------------------------------------------
# comparisons
def almost_equal(a: Any, b: Any, rtol: Optional[float] = None, atol: Optional[float] = None,
                 equal_nan: bool = False, use_broadcast: bool = True) -> bool:
    """``np.allclose(a, b)`` with MXNet's float64 default tolerances (rtol 1e-5,
    atol 1e-20). Like MXNet, expects NumPy inputs (NDArrays are converted)."""
    if not use_broadcast:
        checkShapes(a, b)
    return bool(np.allclose(_to_np(a), _to_np(b), rtol=get_rtol(rtol), atol=get_atol(atol),
                            equal_nan=equal_nan))


def same(a: Any, b: Any) -> bool:
    """``np.array_equal``: same shape and values (NaN != NaN)."""
    return bool(np.array_equal(_to_np(a), _to_np(b)))


def _mismatch_report(a: np.ndarray, b: np.ndarray, rtol: float, atol: float,
                     names: Sequence[str], equal_nan: bool,
                     mismatches: Sequence[int]) -> str:
    """Print MXNet's 'Maximum errors' table to stdout and return the error text."""
    index, rel = _find_max_violation(a, b, rtol, atol)
    if index == ():
        return "Error %f exceeds tolerance rtol=%e, atol=%e.\n" % (rel, rtol, atol)
    index_err, rel_err = index, rel
    print("\n*** Maximum errors for vector of size {}:  rtol={}, atol={}\n"
          .format(a.size, rtol, atol))
    a_tmp = a.copy()
    b_tmp = b.copy()
    i = 1
    while i <= a.size:
        if i <= mismatches[0]:
            print("%3d: Error %f  %s" % (i, rel, locationError(a, b, index, names)))
        a_tmp[index] = b_tmp[index] = 0
        if almost_equal(a_tmp, b_tmp, rtol, atol, equal_nan=equal_nan):
            break
        i += 1
        if i <= mismatches[1] or mismatches[1] <= 0:
            index, rel = _find_max_violation(a_tmp, b_tmp, rtol, atol)
        else:
            break
    degree = "at least " if mismatches[1] > 0 and i > mismatches[1] else ""
    return "Error %f exceeds tolerance rtol=%e, atol=%e (mismatch %s%f%%).\n%s" % (
        rel_err, rtol, atol, degree, 100 * i / a.size,
        locationError(a, b, index_err, names, maxError=True))


def assert_almost_equal(a: Any, b: Any, rtol: Any = None, atol: Any = None,
                        names: Sequence[str] = ("a", "b"), equal_nan: bool = False,
                        use_broadcast: bool = True,
                        mismatches: Sequence[int] = (10, 10)) -> None:
    """Assert ``|a - b| <= atol + rtol * |b|`` elementwise (NumPy arrays, NDArrays, numbers;
    broadcast-compatible shapes unless ``use_broadcast=False``). Default tolerances come from
    the dtypes (the larger of the two inputs'): float16 1e-2/1e-1, float32 1e-4/1e-3,
    float64 1e-5/1e-20, integers and bool exact. On failure prints the largest errors to
    stdout and raises AssertionError with MXNet's text."""
    if not use_broadcast:
        checkShapes(a, b)
    rtol, atol = get_tols(a, b, rtol, atol)
    a = _to_np(a)
    b = _to_np(b)
    if getattr(a, "dtype", None) == np.bool_ and getattr(b, "dtype", None) == np.bool_:
        np.testing.assert_equal(a, b)
        return
    if almost_equal(a, b, rtol, atol, equal_nan=equal_nan):
        return
    if not isinstance(a, np.ndarray):
        a = np.asarray(a)
    if not isinstance(b, np.ndarray):
        b = np.asarray(b)
    err = _mismatch_report(a, b, rtol, atol, names, equal_nan, mismatches)
    raise AssertionError(_build_err_msg([_scalar_back(a), _scalar_back(b)], err))


def _scalar_back(x: np.ndarray) -> Any:
    # MXNet's message shows a number it was given as that number (``ACTUAL: 1.0``)
    return x.item() if isinstance(x, np.ndarray) and x.ndim == 0 else x


def assert_allclose(a: Any, b: Any, rtol: float = 1e-07, atol: float = 0,
                    equal_nan: bool = True) -> None:
    assert_almost_equal(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan)


def assert_almost_equal_ignore_nan(a: Any, b: Any, rtol: Optional[float] = None,
                                   atol: Optional[float] = None,
                                   names: Sequence[str] = ("a", "b")) -> None:
    """:func:`assert_almost_equal` with every position that is NaN in either input zeroed."""
    a = np.copy(_to_np(a))
    b = np.copy(_to_np(b))
    nan_mask = np.logical_or(np.isnan(a), np.isnan(b))
    a[nan_mask] = 0
    b[nan_mask] = 0
    assert_almost_equal(a, b, rtol, atol, names)


def assert_almost_equal_with_err(a: Any, b: Any, rtol: Optional[float] = None,
                                 atol: Optional[float] = None, etol: Optional[float] = None,
                                 names: Sequence[str] = ("a", "b"), equal_nan: bool = False,
                                 mismatches: Sequence[int] = (10, 10)) -> None:
    """Like :func:`assert_almost_equal`, but passes while the fraction of mismatching
    elements is at most ``etol``."""
    etol = get_etol(etol)
    if etol <= 0:
        assert_almost_equal(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan)
        return
    rtol, atol = get_tols(a, b, rtol, atol)
    a = np.asarray(_to_np(a))
    b = np.asarray(_to_np(b))
    equals = np.isclose(a, b, rtol=rtol, atol=atol)
    if 1 - np.count_nonzero(equals) / equals.size > etol:
        err = _mismatch_report(a, b, rtol, atol, names, equal_nan, mismatches)
        raise AssertionError(_build_err_msg([a, b], err))


def assert_exception(f: Callable, exception_type: Any, *args: Any, **kwargs: Any) -> None:
    """AssertionError unless ``f(*args, **kwargs)`` raises ``exception_type``."""
    try:
        f(*args, **kwargs)
    except exception_type:
        return
    raise AssertionError


def compare_ndarray_tuple(t1: Any, t2: Any, rtol: Optional[float] = None,
                          atol: Optional[float] = None) -> None:
    if t1 is None or t2 is None:
        return
    if isinstance(t1, tuple):
        for s1, s2 in zip(t1, t2):
            compare_ndarray_tuple(s1, s2, rtol, atol)
    else:
        assert_almost_equal(t1, t2, rtol=rtol, atol=atol)


def same_array(array1: Any, array2: Any) -> bool:
    """Whether two NDArrays share memory (probed by writing to the first, as MXNet does)."""
    array1[:] += 1
    if not same(array1.asnumpy(), array2.asnumpy()):
        array1[:] -= 1
        return False
    array1[:] -= 1
    return same(array1.asnumpy(), array2.asnumpy())


# ---------------------------------------------------------------------------------------
# random data (NumPy's global generator, as in MXNet: np.random.seed(s) reproduces MXNet's
# test data exactly)
def random_arrays(*shapes: Any) -> Any:
    """Standard-normal float32 NumPy arrays, one per shape (a bare array for one shape)."""
    arrays: list = [np.array(np.random.randn(), dtype=default_dtype()) if len(s) == 0
              else np.random.randn(*s).astype(default_dtype()) for s in shapes]
    return arrays[0] if len(arrays) == 1 else arrays


def random_uniform_arrays(*shapes: Any, **kwargs: Any) -> list:
    low = kwargs.pop("low", 0.0)
    high = kwargs.pop("high", 1.0)
    dtype = kwargs.pop("dtype", default_dtype())
    if kwargs:
        raise TypeError("Got unexpected argument/s : " + str(kwargs.keys()))
    return [np.random.uniform(low, high, size=s).astype(dtype) for s in shapes]


def random_sample(population: Any, k: int) -> Any:
    assert 0 <= k <= len(population)
    population_copy = population[:]
    np.random.shuffle(population_copy)
    return population_copy[0:k]


def rand_shape_2d(dim0: int = 10, dim1: int = 10, allow_zero_size: bool = False) -> tuple:
    low = 0 if allow_zero_size else 1
    return np.random.randint(low, dim0 + 1), np.random.randint(low, dim1 + 1)


def rand_shape_3d(dim0: int = 10, dim1: int = 10, dim2: int = 10,
                  allow_zero_size: bool = False) -> tuple:
    low = 0 if allow_zero_size else 1
    return (np.random.randint(low, dim0 + 1), np.random.randint(low, dim1 + 1),
            np.random.randint(low, dim2 + 1))


def rand_shape_nd(num_dim: int, dim: int = 10, allow_zero_size: bool = False) -> tuple:
    low = 0 if allow_zero_size else 1
    return tuple(np.random.randint(low, dim + 1, size=num_dim))


def rand_coord_2d(x_low: int, x_high: int, y_low: int, y_high: int) -> tuple:
    x = np.random.randint(x_low, x_high, dtype=np.int64)
    y = np.random.randint(y_low, y_high, dtype=np.int64)
    return x, y


def rand_ndarray(shape: Any, stype: str = "default", density: Optional[float] = None,
                 dtype: Any = None, modifier_func: Any = None,
                 shuffle_csr_indices: bool = False, distribution: Any = None,
                 ctx: Any = None) -> Any:
    """A random NDArray: dense standard-normal values (float32 unless ``dtype``) from NumPy's
    global generator, or a sparse one (``stype`` 'csr'/'row_sparse', see
    :func:`rand_sparse_ndarray`)."""
    ctx = ctx if ctx else default_context()
    if stype == "default":
        return _nd().array(random_arrays(shape), dtype=dtype, ctx=ctx)
    arr, _ = rand_sparse_ndarray(shape, stype, density=density, modifier_func=modifier_func,
                                 dtype=dtype, shuffle_csr_indices=shuffle_csr_indices,
                                 distribution=distribution, ctx=ctx)
    return arr


def create_vector(size: int, dtype: Any = np.int64) -> Any:
    return _nd().arange(0, size, dtype=dtype)


def create_2d_tensor(rows: int, columns: int, dtype: Any = np.int64) -> Any:
    a = _nd().arange(0, rows, dtype=dtype).reshape(rows, 1)
    return _nd().broadcast_to(a, shape=(a.shape[0], columns))


def get_identity_mat(size: int) -> Any:
    return _nd().eye(size)


def np_reduce(dat: np.ndarray, axis: Any, keepdims: bool,
              numpy_reduce_func: Callable) -> np.ndarray:
    """Reduce over several axes one at a time (from the last)."""
    if isinstance(axis, int):
        axis = [axis]
    else:
        axis = list(axis) if axis is not None else range(len(dat.shape))
    ret = dat
    for i in reversed(sorted(axis)):
        ret = numpy_reduce_func(ret, axis=i)
    if keepdims:
        keepdims_shape = list(dat.shape)
        for i in axis:
            keepdims_shape[i] = 1
        ret = ret.reshape(tuple(keepdims_shape))
    return ret


def collapse_sum_like(a: np.ndarray, shape: Sequence[int]) -> np.ndarray:
    """Sum ``a`` over the axes that ``shape`` broadcasts."""
    assert len(a.shape) >= len(shape)
    if np.prod(shape) == 0 or a.size == 0:
        return np.zeros(shape, dtype=a.dtype)
    ndim_diff = len(a.shape) - len(shape)
    axes = list(range(ndim_diff))
    for i, s in enumerate(shape):
        if s != a.shape[i + ndim_diff]:
            assert s == 1
            axes.append(i + ndim_diff)
    return np.sum(a, axis=tuple(axes)).reshape(shape)


# ---------------------------------------------------------------------------------------
# contexts and the environment
def default_context() -> Context:
    """The current default context: cpu(0) unless changed by :func:`set_default_context` or
    a ``with mx.gpu():`` block."""
    return current_context()


def set_default_context(ctx: Context) -> None:
    Context._default.value = ctx


def list_gpus() -> range:
    """``range(number of CUDA devices)`` (``range(0, 0)`` without CUDA)."""
    return range(num_gpus())



@contextmanager
def environment(*args: Any) -> Iterator[None]:
    """``with environment('NAME', 'value'):`` or ``with environment({'A': '1', 'B': None}):``
    sets (None: unsets) environment variables for the block and restores them after."""
    if len(args) == 1 and isinstance(args[0], dict):
        env_vars = args[0]
    else:
        assert len(args) == 2, "Expecting one dict arg or two args: env var name and value"
        env_vars = {args[0]: args[1]}
    snapshot = {k: os.environ.get(k) for k in env_vars}
    for k, v in env_vars.items():
        setenv(k, v)
    try:
        yield
    finally:
        _nd().waitall()
        for k, v in snapshot.items():
            setenv(k, v)


@contextmanager
def discard_stderr() -> Iterator[None]:
    """Silence stderr (its file descriptor) inside the block; a stderr without a file
    descriptor is left as it is."""
    try:
        sys.stderr.flush()
        stderr_fd = sys.stderr.fileno()
    except (AttributeError, OSError, ValueError):
        yield
        return
    saved = os.dup(stderr_fd)
    with open(os.devnull, "w") as devnull:
        os.dup2(devnull.fileno(), stderr_fd)
        try:
            yield
        finally:
            os.dup2(saved, stderr_fd)
            os.close(saved)


def retry(n: int) -> Callable:
    """Decorator: rerun a stochastic test up to ``n`` times while it fails an assertion."""
    assert n > 0

    def decorate(f: Callable) -> Callable:
        def wrapper(*args: Any, **kwargs: Any) -> None:
            for i in range(n):
                try:
                    f(*args, **kwargs)
                    return
                except AssertionError:
                    if i == n - 1:
                        raise
                    _nd().waitall()
        return wrapper
    return decorate


# ---------------------------------------------------------------------------------------
# gradients
def _location(fn: Callable, location: Any) -> Dict[str, np.ndarray]:
    if isinstance(location, dict):
        return {k: np.asarray(_to_np(v)) for k, v in location.items()}
    if not isinstance(location, (list, tuple)):
        location = [location]
    import inspect
    try:
        params = [p.name for p in inspect.signature(fn).parameters.values()
                  if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    except (TypeError, ValueError):
        params = []
    names = params[:len(location)] if len(params) >= len(location) else \
        [f"arg{i}" for i in range(len(location))]
    return {n: np.asarray(_to_np(v)) for n, v in zip(names, location)}


def check_numeric_gradient(sym: Any, location: Any, aux_states: Any = None,
                           numeric_eps: Optional[float] = None, rtol: Optional[float] = None,
                           atol: Optional[float] = None, grad_nodes: Any = None,
                           use_forward_train: bool = True, ctx: Any = None,
                           grad_stype_dict: Any = None, dtype: Any = np.float32) -> None:
    """Check the gradient of ``sym`` against central finite differences.

    ``sym`` is a Symbol (MXNet's form: its executor's backward is checked) or, as an mxcompat
    extension, a Python function of NDArrays returning one NDArray (autograd is checked):
    ``check_numeric_gradient(lambda x, y: x * y, [x_np, y_np])``."""
    if _is_symbol(sym):
        return _check_numeric_gradient_symbol(
            sym, location, aux_states=aux_states, numeric_eps=numeric_eps, rtol=rtol,
            atol=atol, grad_nodes=grad_nodes, use_forward_train=use_forward_train, ctx=ctx,
            grad_stype_dict=grad_stype_dict, dtype=dtype)
    return _check_numeric_gradient_fn(
        sym, location, aux_states=aux_states, numeric_eps=numeric_eps, rtol=rtol, atol=atol,
        grad_nodes=grad_nodes, use_forward_train=use_forward_train, ctx=ctx,
        grad_stype_dict=grad_stype_dict, dtype=dtype)


def _check_numeric_gradient_fn(sym: Any, location: Any, aux_states: Any = None,
                               numeric_eps: Optional[float] = None,
                               rtol: Optional[float] = None, atol: Optional[float] = None,
                               grad_nodes: Any = None, use_forward_train: bool = True,
                               ctx: Any = None, grad_stype_dict: Any = None,
                               dtype: Any = np.float32) -> None:
    """check_numeric_gradient for a Python function of NDArrays.
    ``location`` is a list (positional arguments) or a dict (keyword arguments) of arrays;
    ``aux_states`` (a dict) is passed as extra keyword arguments without gradients. As in
    MXNet, the output is multiplied by a fixed random projection before summing, and the
    comparison uses :func:`assert_almost_equal` with names ``NUMERICAL_x`` / ``BACKWARD_x``.
    """
    if not callable(sym):
        raise MXNetValueError("check_numeric_gradient: sym must be a Symbol or a Python "
                              f"function of NDArrays, got {type(sym).__name__}")
    if grad_stype_dict:
        raise unsupported("check_numeric_gradient(grad_stype_dict=...)",
                          "sparse gradients are outside mxcompat's scope")
    dtype = np.dtype(dtype)
    if dtype not in (np.float16, np.float32, np.float64):
        raise MXNetValueError(f"check_numeric_gradient: dtype must be float16, float32 or "
                              f"float64, got {dtype}")
    nd = _nd()
    from . import autograd
    if not hasattr(nd.NDArray, "attach_grad"):
        raise MXNetError("check_numeric_gradient needs mx.autograd (NDArray.attach_grad), "
                         "which this mxcompat build does not provide yet")
    ctx = ctx if ctx is not None else default_context()
    loc = _location(sym, location)
    aux = {k: nd.array(_to_np(v), ctx=ctx, dtype=dtype) for k, v in (aux_states or {}).items()}
    if grad_nodes is None:
        grad_req = {k: "write" for k in loc}
    elif isinstance(grad_nodes, dict):
        grad_req = dict(grad_nodes)
    elif isinstance(grad_nodes, (list, tuple)):
        grad_req = {k: "write" for k in grad_nodes}
    else:
        raise MXNetValueError("check_numeric_gradient: grad_nodes must be None, a list or a "
                              "dict")
    unknown = [k for k in grad_req if k not in loc]
    if unknown:
        raise MXNetValueError(f"check_numeric_gradient: grad_nodes {unknown} are not "
                              f"arguments ({list(loc)})")

    def call(arrays: Dict[str, Any]) -> Any:
        out = sym(**arrays, **aux) if isinstance(location, dict) else \
            sym(*arrays.values(), **aux)
        if not _is_nd(out):
            raise MXNetValueError("check_numeric_gradient: the function must return one "
                                  f"NDArray, got {type(out).__name__}")
        return out

    args = {k: nd.array(v, ctx=ctx, dtype=dtype) for k, v in loc.items()}
    for k in grad_req:
        args[k].attach_grad()
    with autograd.record(train_mode=True):
        out = call(args)
        # a fixed random projection of the output, not too small (as in MXNet)
        proj_np = np.random.rand(*out.shape) + 0.1
        loss = (out * nd.array(proj_np, ctx=ctx, dtype=out.dtype)).sum()
    loss.backward()
    eps = get_tolerance(out, numeric_eps, default_numeric_eps())
    if dtype in (np.float16, np.float32):
        assert eps >= 1e-5

    scope = autograd.train_mode if use_forward_train else autograd.predict_mode

    def f(values: Dict[str, np.ndarray]) -> float:
        with scope():
            o = call({k: nd.array(v, ctx=ctx, dtype=dtype) for k, v in values.items()})
        return float((o.asnumpy().astype(np.float64) * proj_np).sum())

    for name in grad_req:
        v = loc[name].astype(dtype, copy=True)
        if v.dtype.kind != "f":
            continue
        fd = np.zeros(v.shape, dtype=dtype)
        flat = v.reshape(-1)
        values = dict(loc)
        values[name] = v
        for i in range(flat.size):
            old = flat[i]
            flat[i] = old + eps / 2.0
            f_plus = f(values)
            flat[i] = old - eps / 2.0
            f_minus = f(values)
            flat[i] = old
            fd.reshape(-1)[i] = (f_plus - f_minus) / eps
        req = grad_req[name]
        sym_grad = args[name].grad
        if req == "write":
            assert_almost_equal(fd, sym_grad, rtol, atol, (f"NUMERICAL_{name}",
                                                          f"BACKWARD_{name}"))
        elif req == "null":
            continue
        else:
            raise MXNetValueError(f"check_numeric_gradient: grad_req {req!r} for argument "
                                  f"{name!r} is not supported (use 'write' or 'null')")




# ---------------------------------------------------------------------------------------
# element-wise helpers and matrices
def assign_each(the_input: np.ndarray, function: Optional[Callable]) -> np.ndarray:
    """``function`` applied to every element (a float64 array), or a copy when None."""
    if function is None:
        return np.array(the_input)
    out = np.zeros(the_input.shape)
    flat_in = np.asarray(the_input).reshape(-1)
    flat_out = out.reshape(-1)
    for i in range(flat_in.size):
        flat_out[i] = function(flat_in[i])
    return out


def assign_each2(input1: np.ndarray, input2: np.ndarray,
                 function: Optional[Callable]) -> np.ndarray:
    """``function(a, b)`` over paired elements of two same-shape arrays (float64)."""
    if function is None:
        return np.array(input1)
    assert input1.shape == input2.shape
    out = np.zeros(input1.shape)
    a = np.asarray(input1).reshape(-1)
    b = np.asarray(input2).reshape(-1)
    flat_out = out.reshape(-1)
    for i in range(a.size):
        flat_out[i] = function(a[i], b[i])
    return out


def get_identity_mat_batch(size: int) -> Any:
    """Two stacked ``size`` x ``size`` identity matrices (float32 NDArray)."""
    eye = get_identity_mat(size).asnumpy()
    return _nd().array([eye, eye])


def new_matrix_with_real_eigvals_2d(n: int) -> np.ndarray:
    """A random n x n matrix with real eigenvalues in [-10, 10] (a well-conditioned
    similarity transform of a diagonal matrix)."""
    shape = (n, n)
    while True:
        d = np.diag(np.random.uniform(-1.0, 1.0, shape[-1]))
        eye = np.eye(shape[-1]).reshape(shape)
        v = np.random.uniform(-1.0, 1.0, shape[-1]).reshape(shape[:-1] + (1,))
        v = v / np.linalg.norm(v, axis=-2, keepdims=True)
        q = np.matmul(eye - 2 * np.matmul(v, np.swapaxes(v, -1, -2)), d)
        if np.linalg.cond(q, 2) < 3:
            break
    d = np.diag(np.random.uniform(-10.0, 10.0, n))
    return np.matmul(np.matmul(np.linalg.inv(q), d), q)


def new_matrix_with_real_eigvals_nd(shape: Sequence[int]) -> np.ndarray:
    """A batch of :func:`new_matrix_with_real_eigvals_2d` matrices of ``shape``."""
    n = int(np.prod(shape[:-2])) if len(shape) > 2 else 1
    return np.array([new_matrix_with_real_eigvals_2d(shape[-1])
                     for _ in range(n)]).reshape(shape)


def new_orthonormal_matrix_2d(n: int) -> np.ndarray:
    """A random n x n orthonormal matrix (QR of a random symmetric matrix)."""
    x = np.random.randn(n, n)
    return np.linalg.qr(np.matmul(x.T, x))[0]


def new_sym_matrix_with_real_eigvals_2d(n: int) -> np.ndarray:
    """A random symmetric n x n matrix with eigenvalues in [-10, 10]."""
    q = new_orthonormal_matrix_2d(n)
    d = np.diag(np.random.uniform(-10.0, 10.0, n))
    return np.matmul(np.matmul(q.T, d), q)


def new_sym_matrix_with_real_eigvals_nd(shape: Sequence[int]) -> np.ndarray:
    """A batch of :func:`new_sym_matrix_with_real_eigvals_2d` matrices of ``shape``."""
    n = int(np.prod(shape[:-2])) if len(shape) > 2 else 1
    return np.array([new_sym_matrix_with_real_eigvals_2d(shape[-1])
                     for _ in range(n)]).reshape(shape)


# ---------------------------------------------------------------------------------------
# sparse arrays
def _sorted_items(d: Dict[str, Any]) -> list:
    return sorted(d.items(), key=lambda t: t[0])


def _sorted_dict(d: Dict[str, Any]) -> "OrderedDict[str, Any]":
    return OrderedDict(_sorted_items(d))


def _validate_csr_generation_inputs(num_rows: int, num_cols: int, density: float,
                                    distribution: str = "uniform") -> None:
    total_nnz = int(num_rows * num_cols * density)
    if density < 0 or density > 1:
        raise ValueError("density has to be between 0 and 1")
    if num_rows <= 0 or num_cols <= 0:
        raise ValueError("num_rows or num_cols should be greater than 0")
    if distribution == "powerlaw" and total_nnz < 2 * num_rows:
        raise ValueError("not supported for this density: %s for this shape (%s, %s) Please "
                         "keep : num_rows * num_cols * density >= 2 * num_rows"
                         % (density, num_rows, num_cols))


def shuffle_csr_column_indices(csr: Any) -> None:
    """Shuffle the column indices inside every row of a SciPy CSR matrix, in place."""
    for i in range(len(csr.indptr) - 1):
        lo, hi = csr.indptr[i], csr.indptr[i + 1]
        part = np.array(csr.indices[lo:hi])
        np.random.shuffle(part)
        csr.indices[lo:hi] = part


def _get_uniform_dataset_csr(num_rows: int, num_cols: int, density: float = 0.1,
                             dtype: Any = None, data_init: Any = None,
                             shuffle_csr_indices: bool = False) -> Any:
    _validate_csr_generation_inputs(num_rows, num_cols, density, distribution="uniform")
    nd = _nd()
    try:
        from scipy import sparse as spsp
    except ImportError:
        assert data_init is None, "data_init option is not supported when scipy is absent"
        assert not shuffle_csr_indices, \
            "shuffle_csr_indices option is not supported when scipy is absent"
        dns = nd.random.uniform(shape=(num_rows, num_cols), dtype=dtype)
        return (dns * (dns < density)).tostype("csr")
    csr = spsp.rand(num_rows, num_cols, density, dtype=dtype, format="csr")
    if data_init is not None:
        csr.data.fill(data_init)
    if shuffle_csr_indices is True:
        shuffle_csr_column_indices(csr)
    return nd.sparse.csr_matrix((csr.data, csr.indices, csr.indptr),
                                shape=(num_rows, num_cols), dtype=dtype)


def _get_powerlaw_dataset_csr(num_rows: int, num_cols: int, density: float = 0.1,
                              dtype: Any = None) -> Any:
    """A CSR matrix whose row lengths grow geometrically (1, 2, 4, ... non-zeros) until
    ``density`` is reached."""
    _validate_csr_generation_inputs(num_rows, num_cols, density, distribution="powerlaw")
    nd = _nd()
    remaining = int(num_rows * num_cols * density)
    dense = np.zeros((num_rows, num_cols), dtype=dtype)
    for row in range(num_rows):
        dense[row][0] = 1 + rnd.uniform(0.001, 2)
        remaining -= 1
        if remaining <= 0:
            return nd.array(dense).tostype("csr")
    col_max = 2
    for row in range(num_rows):
        col_limit = min(num_cols, col_max)
        if col_limit == num_cols and remaining > col_limit:
            dense[row] = 1 + rnd.uniform(0.001, 2)
            remaining = remaining - col_limit + 1
            if remaining <= 0:
                return nd.array(dense).tostype("csr")
            continue
        for col in range(1, col_limit):
            dense[row][col] = 1 + rnd.uniform(0.001, 2)
            remaining -= 1
            if remaining <= 0:
                return nd.array(dense).tostype("csr")
        col_max *= 2
    if remaining > 0:
        raise ValueError("not supported for this density: %s for this shape (%s,%s)"
                         % (density, num_rows, num_cols))
    return nd.array(dense).tostype("csr")


def rand_sparse_ndarray(shape: Any, stype: str, density: Optional[float] = None,
                        dtype: Any = None, distribution: Optional[str] = None,
                        data_init: Any = None, rsp_indices: Any = None,
                        modifier_func: Optional[Callable] = None,
                        shuffle_csr_indices: bool = False, ctx: Any = None) -> Tuple[Any, Any]:
    """A random sparse NDArray and its parts: ``(row_sparse array, (values, indices))`` or
    ``(csr array, (indptr, indices, data))``. ``density`` defaults to a random fraction;
    ``distribution`` is 'uniform' or (CSR only) 'powerlaw'."""
    nd = _nd()
    ctx = ctx if ctx else default_context()
    density = rnd.rand() if density is None else density
    dtype = default_dtype() if dtype is None else dtype
    distribution = "uniform" if distribution is None else distribution
    if stype == "row_sparse":
        assert distribution == "uniform", \
            "Distribution %s not supported for row_sparse" % distribution
        if rsp_indices is not None:
            indices = rsp_indices
            assert len(indices) <= shape[0]
        else:
            indices = np.argwhere(rnd.rand(shape[0]) < density).flatten()
        if indices.shape[0] == 0:
            result = nd.zeros(shape, stype="row_sparse", dtype=dtype, ctx=ctx)
            return result, (np.array([], dtype=dtype), np.array([]))
        val = rnd.rand(indices.shape[0], *shape[1:]).astype(dtype)
        if data_init is not None:
            val.fill(data_init)
        if modifier_func is not None:
            val = assign_each(val, modifier_func)
        arr = nd.sparse.row_sparse_array((val, indices), shape=shape, dtype=dtype, ctx=ctx)
        return arr, (val, indices)
    if stype == "csr":
        assert len(shape) == 2
        if distribution == "uniform":
            csr = _get_uniform_dataset_csr(shape[0], shape[1], density, data_init=data_init,
                                           shuffle_csr_indices=shuffle_csr_indices,
                                           dtype=dtype).as_in_context(ctx)
        elif distribution == "powerlaw":
            csr = _get_powerlaw_dataset_csr(shape[0], shape[1], density=density,
                                            dtype=dtype).as_in_context(ctx)
        else:
            raise AssertionError("Distribution not supported: %s" % distribution)
        return csr, (csr.indptr, csr.indices, csr.data)
    raise AssertionError("unknown storage type")


def create_sparse_array(shape: Any, stype: str, data_init: Any = None,
                        rsp_indices: Any = None, dtype: Any = None,
                        modifier_func: Optional[Callable] = None, density: float = 0.5,
                        shuffle_csr_indices: bool = False) -> Any:
    """A random sparse NDArray ('row_sparse' or 'csr') of ``shape``."""
    if stype == "row_sparse":
        arr_indices = None
        if rsp_indices is not None:
            arr_indices = np.asarray(rsp_indices)
            arr_indices.sort()
        arr, _ = rand_sparse_ndarray(shape, stype, density=density, data_init=data_init,
                                     rsp_indices=arr_indices, dtype=dtype,
                                     modifier_func=modifier_func)
    elif stype == "csr":
        arr, _ = rand_sparse_ndarray(shape, stype, density=density, data_init=data_init,
                                     dtype=dtype, modifier_func=modifier_func,
                                     shuffle_csr_indices=shuffle_csr_indices)
    else:
        raise AssertionError("Unknown storage type: " + stype)
    return arr


def create_sparse_array_zd(shape: Any, stype: str, density: float, data_init: Any = None,
                           rsp_indices: Any = None, dtype: Any = None,
                           modifier_func: Optional[Callable] = None,
                           shuffle_csr_indices: bool = False) -> Any:
    """:func:`create_sparse_array`, with row_sparse arrays holding only ``rsp_indices``'
    rows (density 0 otherwise)."""
    if stype == "row_sparse":
        density = 0.0
        if rsp_indices is not None:
            assert len(rsp_indices) <= shape[0]
    return create_sparse_array(shape, stype, data_init=data_init, rsp_indices=rsp_indices,
                               dtype=dtype, modifier_func=modifier_func, density=density,
                               shuffle_csr_indices=shuffle_csr_indices)


# ---------------------------------------------------------------------------------------
# random generators: mean / variance / chi-square checks
def gen_buckets_probs_with_ppf(ppf: Callable, nbuckets: int) -> Tuple[list, list]:
    """``nbuckets`` equiprobable buckets ``(ppf(i/n), ppf((i+1)/n))`` and their
    probabilities."""
    assert nbuckets > 0
    probs = [1.0 / nbuckets for _ in range(nbuckets)]
    buckets = [(ppf(i / float(nbuckets)), ppf((i + 1) / float(nbuckets)))
               for i in range(nbuckets)]
    return buckets, probs


def mean_check(generator: Callable, mu: float, sigma: float, nsamples: int = 1000000) -> bool:
    """Whether the mean of ``generator(nsamples)`` lies within mu +- 3 sigma / sqrt(n)."""
    samples = np.array(generator(nsamples))
    sample_mean = samples.mean()
    bound = 3 * sigma / np.sqrt(nsamples)
    return bool(mu - bound < sample_mean < mu + bound)


def var_check(generator: Callable, sigma: float, nsamples: int = 1000000) -> bool:
    """Whether the sample variance lies within sigma^2 +- 3 sqrt(2 sigma^4 / (n - 1))."""
    samples = np.array(generator(nsamples))
    sample_var = samples.var(ddof=1)
    bound = 3 * np.sqrt(2 * sigma ** 4 / (nsamples - 1))
    return bool(sigma ** 2 - bound < sample_var < sigma ** 2 + bound)


def _chi2_sf(stat: float, dof: int) -> float:
    """P(X > stat) for X ~ chi-square(dof): the regularised upper incomplete gamma
    Q(dof / 2, stat / 2)."""
    import torch
    if dof <= 0:
        return float("nan")
    q = torch.special.gammaincc(torch.tensor(dof / 2.0, dtype=torch.float64),
                                torch.tensor(stat / 2.0, dtype=torch.float64))
    return float(q)


def chi_square_check(generator: Callable, buckets: list, probs: Sequence[float],
                     nsamples: int = 1000000) -> Tuple[float, np.ndarray, np.ndarray]:
    """Pearson's chi-square test of ``generator(nsamples)`` against ``probs``.

    ``buckets`` are ``(low, high)`` ranges (a continuous distribution; ascending, not
    overlapping) or the possible values (a discrete one). Returns ``(p, observed
    frequencies, expected frequencies)``."""
    assert isinstance(buckets, list)
    samples = generator(nsamples)
    assert len(probs) == len(buckets)
    continuous = isinstance(buckets[0], (list, tuple))
    if continuous:
        edges = np.zeros((len(buckets) * 2,), dtype=np.float32)
        for i, (lo, hi) in enumerate(buckets):
            assert lo <= hi
            if i < len(buckets) - 1:
                assert hi <= buckets[i + 1][0]
            edges[i * 2] = lo
            edges[i * 2 + 1] = hi
        bucket_ids = np.searchsorted(edges, samples, side="right") // 2
    else:
        bucket_ids = np.array(samples)
    expected_freq = (nsamples * np.array(probs, dtype=np.float32)).astype(np.int32)
    obs_freq = np.zeros(shape=len(buckets), dtype=np.int64)
    for i, bucket in enumerate(buckets):
        obs_freq[i] = (bucket_ids == (i if continuous else bucket)).sum()
    exp = expected_freq.astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        stat = float(np.sum((obs_freq - exp) ** 2 / exp))
    p = _chi2_sf(stat, len(buckets) - 1)
    return p, obs_freq, expected_freq


def verify_generator(generator: Callable, buckets: list, probs: Sequence[float],
                     nsamples: int = 1000000, nrepeat: int = 5, success_rate: float = 0.2,
                     alpha: float = 0.05) -> list:
    """Run :func:`chi_square_check` ``nrepeat`` times; AssertionError unless at least
    ``success_rate`` of the runs have p > ``alpha``. Returns the p values."""
    cs_ret_l, obs_freq_l, expected_freq_l = [], [], []
    for _ in range(nrepeat):
        cs_ret, obs_freq, expected_freq = chi_square_check(
            generator=generator, buckets=buckets, probs=probs, nsamples=nsamples)
        cs_ret_l.append(cs_ret)
        obs_freq_l.append(obs_freq)
        expected_freq_l.append(expected_freq)
    success_num = (np.array(cs_ret_l) > alpha).sum()
    if success_num < nrepeat * success_rate:
        raise AssertionError("Generator test fails, Chi-square p=%s, obs_freq=%s, "
                             "expected_freq=%s.\nbuckets=%s, probs=%s"
                             % (str(cs_ret_l), str(obs_freq_l), str(expected_freq_l),
                                str(buckets), str(probs)))
    return cs_ret_l


# ---------------------------------------------------------------------------------------
# the Symbol API (executors): these need mx.sym
def _is_symbol(x: Any) -> bool:
    try:
        cls = __getattr__("Symbol") if "Symbol" not in globals() else globals()["Symbol"]
    except (ImportError, AttributeError):  # no Symbol API in this mxcompat
        return False
    return isinstance(x, cls)


def _np_dtype_or_asnumpy(v: Any, dtype: Any) -> Any:
    return v.dtype if (isinstance(dtype, str) and dtype == "asnumpy") else dtype


def _parse_location(sym: Any, location: Any, ctx: Any, dtype: Any = np.float32) -> Any:
    assert isinstance(location, (dict, list, tuple))
    assert (isinstance(dtype, str) and dtype == "asnumpy") or \
        dtype in (np.float16, np.float32, np.float64)
    if isinstance(location, dict):
        if set(location.keys()) != set(sym.list_arguments()):
            raise ValueError("Symbol arguments and keys of the given location do not match."
                             "symbol args:%s, location.keys():%s"
                             % (str(set(sym.list_arguments())), str(set(location.keys()))))
    else:
        location = dict(zip(sym.list_arguments(), location))
    nd = _nd()
    location = {k: nd.array(v, ctx=ctx, dtype=_np_dtype_or_asnumpy(v, dtype))
                if isinstance(v, np.ndarray) else v for k, v in location.items()}
    return _sorted_dict(location)


def _parse_aux_states(sym: Any, aux_states: Any, ctx: Any, dtype: Any = np.float32) -> Any:
    assert (isinstance(dtype, str) and dtype == "asnumpy") or \
        dtype in (np.float16, np.float32, np.float64)
    if aux_states is None:
        return None
    if isinstance(aux_states, dict):
        if set(aux_states.keys()) != set(sym.list_auxiliary_states()):
            raise ValueError("Symbol aux_states names and given aux_states do not match."
                             "symbol aux_names:%s, aux_states.keys:%s"
                             % (str(set(sym.list_auxiliary_states())),
                                str(set(aux_states.keys()))))
    elif isinstance(aux_states, (list, tuple)):
        aux_states = dict(zip(sym.list_auxiliary_states(), aux_states))
    nd = _nd()
    return {k: nd.array(v, ctx=ctx, dtype=_np_dtype_or_asnumpy(v, dtype))
            for k, v in aux_states.items()}


def simple_forward(sym: Any, ctx: Any = None, is_train: bool = False, **inputs: Any) -> Any:
    """Bind ``sym`` to the NumPy ``inputs``, run forward, return the output(s) as NumPy."""
    ctx = ctx or default_context()
    exe = sym.bind(ctx, args={k: array(v) for k, v in inputs.items()})
    exe.forward(is_train=is_train)
    outputs = [x.asnumpy() for x in exe.outputs]
    return outputs[0] if len(outputs) == 1 else outputs


def numeric_grad(executor: Any, location: Dict[str, np.ndarray], aux_states: Any = None,
                 eps: float = 1e-4, use_forward_train: bool = True,
                 dtype: Any = np.float32) -> Dict[str, np.ndarray]:
    """Central finite differences of the sum of ``executor``'s first output with respect to
    every floating-point argument in ``location`` (NumPy arrays)."""
    nd = _nd()
    assert dtype in (np.float16, np.float32, np.float64)

    def as_stype(var: Any, stype: str) -> Any:
        return nd.cast_storage(nd.array(var, dtype=dtype), stype=stype)

    def set_aux(cast: bool) -> None:
        for key, val in (aux_states or {}).items():
            if cast:
                executor.aux_dict[key][:] = as_stype(val, executor.aux_dict[key].stype)
            else:
                executor.aux_dict[key][:] = val

    approx_grads = {k: np.zeros(v.shape, dtype=dtype) for k, v in location.items()}
    for k, v in location.items():
        if executor.arg_dict[k].stype == "default":
            executor.arg_dict[k][:] = as_stype(v, "default")
    for k in location:
        location[k] = np.asarray(location[k], order="C")
    for k, v in location.items():
        if v.dtype.kind != "f":
            continue
        stype = executor.arg_dict[k].stype
        old_value = v.copy()
        flat = v.ravel()
        for i in range(int(np.prod(v.shape))):
            flat[i] += eps / 2.0
            executor.arg_dict[k][:] = as_stype(v, stype)
            set_aux(cast=False)
            executor.forward(is_train=use_forward_train)
            f_peps = executor.outputs[0].asnumpy()
            flat[i] -= eps
            executor.arg_dict[k][:] = as_stype(v, stype)
            set_aux(cast=True)
            executor.forward(is_train=use_forward_train)
            f_neps = executor.outputs[0].asnumpy()
            approx_grads[k].ravel()[i] = (f_peps - f_neps).sum() / eps
            flat[i] = old_value.ravel()[i]
        executor.arg_dict[k][:] = as_stype(old_value, stype)
    return approx_grads


def _check_numeric_gradient_symbol(sym: Any, location: Any, aux_states: Any = None,
                                   numeric_eps: Optional[float] = None,
                                   rtol: Optional[float] = None, atol: Optional[float] = None,
                                   grad_nodes: Any = None, use_forward_train: bool = True,
                                   ctx: Any = None, grad_stype_dict: Any = None,
                                   dtype: Any = np.float32) -> None:
    nd = _nd()
    assert dtype in (np.float16, np.float32, np.float64)
    ctx = ctx if ctx is not None else default_context()
    location = _parse_location(sym=sym, location=location, ctx=ctx, dtype=dtype)
    location_npy = {k: v.asnumpy() for k, v in location.items()}
    aux_states = _parse_aux_states(sym=sym, aux_states=aux_states, ctx=ctx, dtype=dtype)
    aux_states_npy = None if aux_states is None else \
        {k: v.asnumpy() for k, v in aux_states.items()}
    if grad_nodes is None:
        grad_nodes = sym.list_arguments()
        grad_req = {k: "write" for k in grad_nodes}
    elif isinstance(grad_nodes, (list, tuple)):
        grad_nodes = list(grad_nodes)
        grad_req = {k: "write" for k in grad_nodes}
    elif isinstance(grad_nodes, dict):
        grad_req = grad_nodes.copy()
        grad_nodes = list(grad_nodes.keys())
    else:
        raise ValueError
    _, out_shape, _ = sym.infer_shape(**{k: v.shape for k, v in location.items()})
    proj = mx.sym.Variable("__random_proj")
    out = mx.sym.make_loss(sym * proj)
    location = dict(list(location.items()) + [
        ("__random_proj", nd.array(np.random.rand(*out_shape[0]) + 0.1, ctx=ctx,
                                   dtype=dtype))])
    args_grad_npy = dict([(k, np.random.normal(0, 0.01, size=location[k].shape))
                          for k in grad_nodes] +
                         [("__random_proj", np.random.normal(0, 0.01, size=out_shape[0]))])
    args_grad = {k: nd.array(v, ctx=ctx, dtype=dtype) for k, v in args_grad_npy.items()}
    if grad_stype_dict is not None:
        assert isinstance(grad_stype_dict, dict), "grad_stype_dict must be a dict"
        for k, v in grad_stype_dict.items():
            if k in args_grad and v in ("row_sparse", "csr"):
                args_grad[k] = nd.zeros(args_grad[k].shape, args_grad[k].context,
                                        args_grad[k].dtype, v)
    executor = out.bind(ctx, grad_req=grad_req, args=location, args_grad=args_grad,
                        aux_states=aux_states)
    if len(executor.arg_arrays) != len(location):
        raise ValueError("Executor arg_arrays and and location len do not match."
                         "Got %d inputs and %d locations" % (len(executor.arg_arrays),
                                                             len(location)))
    assert len(executor.outputs) == 1
    executor.forward(is_train=True)
    eps = get_tolerance(executor.outputs[0], numeric_eps, default_numeric_eps())
    if dtype in (np.float32, np.float16):
        assert eps >= 1e-5
    executor.backward()
    symbolic_grads = executor.grad_dict
    numeric_gradients = numeric_grad(executor, location_npy, aux_states_npy, eps=eps,
                                     use_forward_train=use_forward_train, dtype=dtype)
    for name in grad_nodes:
        fd_grad = numeric_gradients[name]
        orig_grad = args_grad_npy[name]
        sym_grad = symbolic_grads[name]
        names = ("NUMERICAL_%s" % name, "BACKWARD_%s" % name)
        if grad_req[name] == "write":
            assert_almost_equal(fd_grad, sym_grad, rtol, atol, names)
        elif grad_req[name] == "add":
            assert_almost_equal(fd_grad, _to_np(sym_grad) - orig_grad, rtol, atol, names)
        elif grad_req[name] == "null":
            assert_almost_equal(orig_grad, sym_grad, rtol, atol, names)
        else:
            raise ValueError("Invalid grad_req %s for argument %s" % (grad_req[name], name))


def check_symbolic_forward(sym: Any, location: Any, expected: Any,
                           rtol: Optional[float] = None, atol: Optional[float] = None,
                           aux_states: Any = None, ctx: Any = None, equal_nan: bool = False,
                           dtype: Any = np.float32) -> Any:
    """Bind ``sym`` at ``location``, run forward (inference) and compare every output with
    ``expected`` (a list in output order, or a dict by output name). Returns the outputs."""
    nd = _nd()
    ctx = ctx if ctx is not None else default_context()
    location = _parse_location(sym=sym, location=location, ctx=ctx, dtype=dtype)
    aux_states = _parse_aux_states(sym=sym, aux_states=aux_states, ctx=ctx, dtype=dtype)
    if isinstance(expected, dict):
        expected = [expected[k] for k in sym.list_outputs()]
    args_grad_data = {k: nd.empty(v.shape, ctx=ctx, dtype=_np_dtype_or_asnumpy(v, dtype))
                      for k, v in location.items()}
    executor = sym.bind(ctx=ctx, args=location, args_grad=args_grad_data,
                        aux_states=aux_states)
    for g in executor.grad_arrays:
        if g.ndim == 0:
            g[()] = 0
        else:
            g[:] = 0
    executor.forward(is_train=False)
    for output_name, expect, output in zip(sym.list_outputs(), expected, executor.outputs):
        assert_almost_equal(expect, output, rtol, atol,
                            ("EXPECTED_%s" % output_name, "FORWARD_%s" % output_name),
                            equal_nan=equal_nan)
    return executor.outputs


def check_symbolic_backward(sym: Any, location: Any, out_grads: Any, expected: Any,
                            rtol: Optional[float] = None, atol: Optional[float] = None,
                            aux_states: Any = None, grad_req: Any = "write", ctx: Any = None,
                            grad_stypes: Any = None, equal_nan: bool = False,
                            dtype: Any = np.float32) -> Dict[str, Any]:
    """Bind ``sym``, run forward (training) and backward with ``out_grads``, and compare the
    argument gradients with ``expected`` (honouring ``grad_req`` 'write'/'add'/'null').
    Returns the gradient arrays by argument name."""
    nd = _nd()
    ctx = ctx if ctx is not None else default_context()
    location = _parse_location(sym=sym, location=location, ctx=ctx, dtype=dtype)
    aux_states = _parse_aux_states(sym=sym, aux_states=aux_states, ctx=ctx, dtype=dtype)
    if isinstance(expected, (list, tuple)):
        expected = dict(zip(sym.list_arguments(), expected))
    args_grad_npy = {k: np.random.normal(size=v.shape) for k, v in _sorted_items(expected)}
    args_grad_data = {}
    for k, v in args_grad_npy.items():
        arr = nd.array(v, ctx=ctx, dtype=_np_dtype_or_asnumpy(expected[k], dtype))
        stype = grad_stypes.get(k) if grad_stypes is not None else None
        if stype is not None and stype != "default":
            arr = create_sparse_array(v.shape, stype, density=0.0)
        args_grad_data[k] = arr
    if isinstance(grad_req, str):
        grad_req = {k: grad_req for k in sym.list_arguments()}
    elif isinstance(grad_req, (list, tuple)):
        grad_req = dict(zip(sym.list_arguments(), grad_req))
    executor = sym.bind(ctx=ctx, args=location, args_grad=args_grad_data,
                        aux_states=aux_states, grad_req=grad_req)
    executor.forward(is_train=True)

    def to_nd(a: Any) -> Any:
        if isinstance(a, np.ndarray):
            return nd.array(a, ctx=ctx, dtype=_np_dtype_or_asnumpy(a, dtype))
        return a
    if isinstance(out_grads, (tuple, list)):
        out_grads = [to_nd(a) for a in out_grads]
    elif isinstance(out_grads, dict):
        out_grads = {k: to_nd(v) for k, v in out_grads.items()}
    else:
        assert out_grads is None
    executor.backward(out_grads)
    grads = args_grad_data
    for name in expected:
        names = ("EXPECTED_%s" % name, "BACKWARD_%s" % name)
        if grad_req[name] == "write":
            assert_almost_equal(expected[name], grads[name], rtol, atol, names,
                                equal_nan=equal_nan)
        elif grad_req[name] == "add":
            assert_almost_equal(expected[name], _to_np(grads[name]) - args_grad_npy[name],
                                rtol, atol, names, equal_nan=equal_nan)
        elif grad_req[name] == "null":
            assert_almost_equal(args_grad_npy[name], grads[name], rtol, atol, names,
                                equal_nan=equal_nan)
        else:
            raise ValueError("Invalid grad_req %s for argument %s" % (grad_req[name], name))
    return args_grad_data


def check_speed(sym: Any, location: Any = None, ctx: Any = None, N: int = 20,
                grad_req: Any = None, typ: str = "whole", **kwargs: Any) -> float:
    """Seconds per forward+backward (``typ='whole'``) or forward (``'forward'``) pass of
    ``sym``, averaged over ``N`` runs."""
    ctx = ctx if ctx is not None else default_context()
    grad_req = "write" if grad_req is None else grad_req
    if location is None:
        exe = sym.simple_bind(grad_req=grad_req, ctx=ctx, **kwargs)
        location = {k: np.random.normal(size=arr.shape, scale=1.0)
                    for k, arr in exe.arg_dict.items()}
    else:
        assert isinstance(location, dict), 'Expect dict, get "location"=%s' % str(location)
        exe = sym.simple_bind(grad_req=grad_req, ctx=ctx,
                              **{k: v.shape for k, v in location.items()})
    for name, iarr in location.items():
        exe.arg_dict[name][:] = iarr.astype(exe.arg_dict[name].dtype)
    if typ not in ("whole", "forward"):
        raise ValueError('typ can only be "whole" or "forward".')
    train = typ == "whole"

    def step() -> None:
        exe.forward(is_train=train)
        if train:
            exe.backward(out_grads=exe.outputs)
    step()
    for output in exe.outputs:
        output.wait_to_read()
    tic = time.time()
    for _ in range(N):
        step()
    _nd().waitall()
    return (time.time() - tic) * 1.0 / N


def check_consistency(sym: Any, ctx_list: Sequence[Dict[str, Any]], scale: float = 1.0,
                      grad_req: Any = "write", arg_params: Any = None, aux_params: Any = None,
                      rtol: Any = None, atol: Any = None, raise_on_err: bool = True,
                      ground_truth: Any = None, equal_nan: bool = False,
                      use_uniform: bool = False, rand_type: Any = np.float64) -> Dict[str, Any]:
    """Run ``sym`` (or one symbol per context) under every ``ctx_list`` entry (a dict of
    ``simple_bind`` arguments: ``ctx``, shapes, ``type_dict``) on the same random inputs and
    compare outputs and gradients with the most precise run. Returns the reference arrays."""
    nd = _nd()
    assert len(ctx_list) > 1
    syms = [sym] * len(ctx_list) if _is_symbol(sym) else list(sym)
    assert len(syms) == len(ctx_list)
    output_names = syms[0].list_outputs()
    arg_names = syms[0].list_arguments()
    exe_list = []
    for s, ctx in zip(syms, ctx_list):
        assert s.list_arguments() == arg_names
        assert s.list_outputs() == output_names
        exe_list.append(s.simple_bind(grad_req=grad_req, **ctx))
    arg_params = {} if arg_params is None else arg_params
    aux_params = {} if aux_params is None else aux_params

    def smaller_dtype(dt1: Any, dt2: Any) -> Any:
        return dt1 if dt2 is None or np.dtype(dt1).itemsize < np.dtype(dt2).itemsize else dt2

    for n, arr in _sorted_items(exe_list[0].arg_dict):
        if n not in arg_params:
            if use_uniform:
                arg_params[n] = np.random.uniform(low=-0.92 * scale, high=0.92 * scale,
                                                  size=arr.shape).astype(rand_type)
            else:
                arg_params[n] = np.random.normal(size=arr.shape,
                                                 scale=scale).astype(rand_type)
    for n in exe_list[0].aux_dict:
        aux_params.setdefault(n, 0)
    for exe in exe_list:
        for name, arr in exe.arg_dict.items():
            arr[:] = arg_params[name]
        for name, arr in exe.aux_dict.items():
            arr[:] = aux_params[name]
        if grad_req == "add":
            for arr in exe.grad_arrays:
                arr[:] = np.zeros(arr.shape, dtype=arr.dtype)
    dtypes = [np.dtype(exe.outputs[0].dtype) for exe in exe_list]
    gt_idx = int(np.argmax(dtypes))
    gt = ground_truth
    if gt is None:
        gt = exe_list[gt_idx].output_dict.copy()
        if grad_req != "null":
            gt.update(exe_list[gt_idx].grad_dict)
    for exe in exe_list:
        exe.forward(is_train=False)
    for i, exe in enumerate(exe_list):
        if i == gt_idx:
            continue
        for name, arr in zip(output_names, exe.outputs):
            try:
                assert_almost_equal(arr, gt[name], rtol=rtol, atol=atol, equal_nan=equal_nan)
            except AssertionError as e:
                print("Predict Err: ctx %d vs ctx %d at %s" % (i, gt_idx, name))
                traceback.print_exc()
                if raise_on_err:
                    raise e
                print(str(e))
    if grad_req != "null":
        for exe in exe_list:
            exe.forward(is_train=True)
        least_precise = [out.dtype for out in exe_list[0].outputs]
        for exe in exe_list:
            least_precise = [smaller_dtype(o.dtype, dt) for o, dt in zip(exe.outputs,
                                                                          least_precise)]
        golden = [out.astype(dt).asnumpy() for out, dt in zip(exe_list[0].outputs,
                                                              least_precise)]
        for exe in exe_list:
            exe.backward([nd.array(g, ctx=exe._ctx, dtype=out.dtype).tostype(out.stype)
                          for g, out in zip(golden, exe.outputs)])
        for i, exe in enumerate(exe_list):
            if i == gt_idx:
                continue
            for name, arr in zip(output_names + arg_names, exe.outputs + exe.grad_arrays):
                if gt[name] is None:
                    assert arr is None
                    continue
                gtarr = gt[name]
                try:
                    rt, at = rtol, atol
                    small_arr = smaller_dtype(arr.dtype, dtypes[i])
                    small_gt = smaller_dtype(gtarr.dtype, dtypes[gt_idx])
                    if small_arr != arr.dtype or small_gt != gtarr.dtype:
                        rt, at = get_tols(arr.astype(small_arr), gtarr.astype(small_gt),
                                          rtol, atol)
                    assert_almost_equal(arr, gtarr, rtol=rt, atol=at, equal_nan=equal_nan)
                except AssertionError as e:
                    print("Train Err: {} {} ctx {} vs {} {} ctx {} at {}".format(
                        np.dtype(arr.dtype).name, arr.ctx, i, np.dtype(gtarr.dtype).name,
                        gtarr.ctx, gt_idx, name))
                    traceback.print_exc()
                    if raise_on_err:
                        raise e
                    print(str(e))
    return gt


def same_symbol_structure(sym1: Any, sym2: Any) -> bool:
    """Whether two symbols' graphs have the same operators node by node."""
    nodes1 = json.loads(sym1.tojson())["nodes"]
    nodes2 = json.loads(sym2.tojson())["nodes"]
    return all(n1["op"] == n2["op"] for n1, n2 in zip(nodes1, nodes2))


def compare_optimizer(opt1: Any, opt2: Any, shape: Any, dtype: Any, w_stype: str = "default",
                      g_stype: str = "default", rtol: float = 1e-4, atol: float = 1e-5,
                      compare_states: bool = True, ntensors: int = 1) -> None:
    """Apply one update of ``opt1`` and ``opt2`` to the same random weight and gradient
    (or ``ntensors`` of them, ``opt2`` updating them all in one call) and compare the
    weights (and states)."""
    ctx = default_context()
    if not isinstance(shape, list):
        assert ntensors == 1
        if w_stype == "default":
            w2 = mx.random.uniform(shape=shape, ctx=ctx, dtype=dtype)
            w1 = w2.copyto(ctx)
        elif w_stype in ("row_sparse", "csr"):
            w2 = rand_ndarray(shape, w_stype, density=1, dtype=dtype)
            w1 = w2.copyto(ctx).tostype("default")
        else:
            raise Exception("type not supported yet")
        if g_stype == "default":
            g2 = mx.random.uniform(shape=shape, ctx=ctx, dtype=dtype)
            g1 = g2.copyto(ctx)
        elif g_stype in ("row_sparse", "csr"):
            g2 = rand_ndarray(shape, g_stype, dtype=dtype)
            g1 = g2.copyto(ctx).tostype("default")
        else:
            raise Exception("type not supported yet")
        state1 = opt1.create_state_multi_precision(0, w1)
        state2 = opt2.create_state_multi_precision(0, w2)
        if compare_states:
            compare_ndarray_tuple(state1, state2)
        opt1.update_multi_precision(0, w1, g1, state1)
        opt2.update_multi_precision(0, w2, g2, state2)
        if compare_states:
            compare_ndarray_tuple(state1, state2, rtol=rtol, atol=atol)
        assert_almost_equal(w1, w2, rtol=rtol, atol=atol)
        return
    from copy import deepcopy
    w1_l, g1_l = [], []
    for s in shape:
        w1_l.append(mx.random.uniform(shape=s, ctx=ctx, dtype=dtype))
        g1_l.append(mx.random.uniform(shape=s, ctx=ctx, dtype=dtype))
    w1t, g1t = tuple(w1_l), tuple(g1_l)
    w2t, g2t = deepcopy(w1t), deepcopy(g1t)
    states2 = [opt2.create_state_multi_precision(0, w2t[i]) for i in range(ntensors)]
    opt2.update_multi_precision(list(range(ntensors)), w2t, g2t, states2)
    for i in range(ntensors):
        state1 = opt1.create_state_multi_precision(i, w1t[i])
        opt1.update_multi_precision(i, w1t[i], g1t[i], state1)
        if compare_states:
            compare_ndarray_tuple(state1, states2[i], rtol, atol)
        compare_ndarray_tuple(w1t[i], w2t[i], rtol, atol)


@use_np
def check_gluon_hybridize_consistency(net_builder: Callable, data_l: Sequence[Any],
                                      numpy_func: Optional[Callable] = None,
                                      test_grad: bool = True, rtol: float = 1e-4,
                                      atol: float = 1e-4) -> None:
    """Build the network four ways (plain/hybridized, with/without autograd) from the same
    initial parameters and check that outputs (and input gradients) agree, and match
    ``numpy_func`` when given."""
    class _NumpyParamDictInit(mx.init.Initializer):
        def __init__(self, np_params: Dict[str, np.ndarray]):
            super().__init__()
            self._np_params = np_params

        def _init_weight(self, name: str, arr: Any) -> None:
            arr[()] = self._np_params[name]

    saved_out_np = None
    saved_grads: Optional[list] = None
    params_init = None
    for hybridize in (False, True):
        for use_autograd in ([False, True] if test_grad else [False]):
            net = net_builder(prefix="net_")
            if params_init is None:
                net.initialize()
            else:
                net.initialize(params_init)
            if hybridize:
                net.hybridize()
            in_data_l = [ele.copy() for ele in data_l]
            if use_autograd:
                for ele in in_data_l:
                    ele.attach_grad()
                with mx.autograd.record():
                    out = net(*in_data_l)
                out.backward(out)
            else:
                out = net(*in_data_l)
            if params_init is None:
                params_init = _NumpyParamDictInit(
                    {k: v.data().asnumpy() for k, v in net.collect_params().items()})
            if saved_out_np is None:
                saved_out_np = out.asnumpy()
            else:
                assert_almost_equal(out.asnumpy(), saved_out_np, rtol=rtol, atol=atol)
            if use_autograd:
                if saved_grads is None:
                    saved_grads = [ele.grad.asnumpy() for ele in in_data_l]
                else:
                    for data, saved in zip(in_data_l, saved_grads):
                        assert_almost_equal(data.grad.asnumpy(), saved, rtol=rtol, atol=atol)
    if numpy_func is not None:
        numpy_out = numpy_func(*[ele.asnumpy() for ele in data_l])
        assert_almost_equal(saved_out_np, numpy_out, rtol=rtol, atol=atol)


# ---------------------------------------------------------------------------------------
# downloads and data sets (these need network access; nothing here runs at import)
def download(url: str, fname: Optional[str] = None, dirname: Optional[str] = None,
             overwrite: bool = False, retries: int = 5) -> str:
    """Download ``url`` to ``fname`` (default: the URL's last part, under ``dirname``),
    retrying ``retries`` times; an existing file is kept unless ``overwrite``. Returns the
    file name. Uses ``requests`` when installed, else urllib. The file is written to a
    temporary name and renamed when complete."""
    assert retries >= 0, "Number of retries should be at least 0"
    if fname is None:
        fname = url.split("/")[-1]
    if dirname is None:
        dirname = os.path.dirname(fname)
    else:
        fname = os.path.join(dirname, fname)
    if dirname != "" and not os.path.exists(dirname):
        try:
            logging.info("create directory %s", dirname)
            os.makedirs(dirname)
        except OSError as exc:
            if exc.errno != errno.EEXIST:
                raise OSError("failed to create " + dirname) from exc
    if not overwrite and os.path.exists(fname):
        logging.info("%s exists, skipping download", fname)
        return fname
    tmp = fname + ".part"
    while retries + 1 > 0:
        try:
            with open(tmp, "wb") as f:
                if requests is not None:
                    r = requests.get(url, stream=True)
                    assert r.status_code == 200, "failed to open %s" % url
                    for chunk in r.iter_content(chunk_size=1024):
                        if chunk:
                            f.write(chunk)
                else:
                    import urllib.request
                    with urllib.request.urlopen(url) as resp:
                        while True:
                            chunk = resp.read(1 << 16)
                            if not chunk:
                                break
                            f.write(chunk)
            os.replace(tmp, fname)
            break
        except Exception as e:
            if os.path.exists(tmp):
                os.remove(tmp)
            retries -= 1
            if retries <= 0:
                raise e
            print("download failed, retrying, {} attempt{} left".format(
                retries, "s" if retries > 1 else ""))
    logging.info("downloaded %s into %s successfully", url, fname)
    return fname


_MODEL_URL = "http://data.mxnet.io/models/"
_MODELS = {
    "imagenet1k-inception-bn": ("imagenet/inception-bn/Inception-BN-symbol.json",
                                "imagenet/inception-bn/Inception-BN-0126.params"),
    **{f"imagenet1k-resnet-{n}": (f"imagenet/resnet/{n}-layers/resnet-{n}-symbol.json",
                                  f"imagenet/resnet/{n}-layers/resnet-{n}-0000.params")
       for n in (18, 34, 50, 101, 152)},
    **{f"imagenet1k-resnext-{n}": (f"imagenet/resnext/{n}-layers/resnext-{n}-symbol.json",
                                   f"imagenet/resnext/{n}-layers/resnext-{n}-0000.params")
       for n in (50, 101)},
    "imagenet1k-resnext-101-64x4d": (
        "imagenet/resnext/101-layers/resnext-101-64x4d-symbol.json",
        "imagenet/resnext/101-layers/resnext-101-64x4d-0000.params"),
    "imagenet11k-resnet-152": ("imagenet-11k/resnet-152/resnet-152-symbol.json",
                               "imagenet-11k/resnet-152/resnet-152-0000.params"),
    "imagenet11k-place365ch-resnet-152": ("imagenet-11k-place365-ch/resnet-152-symbol.json",
                                          "imagenet-11k-place365-ch/resnet-152-0000.params"),
    "imagenet11k-place365ch-resnet-50": ("imagenet-11k-place365-ch/resnet-50-symbol.json",
                                         "imagenet-11k-place365-ch/resnet-50-0000.params"),
}


def download_model(model_name: str, dst_dir: str = "./",
                   meta_info: Optional[Dict[str, Dict[str, str]]] = None) -> Tuple[Any, int]:
    """Download a pretrained model's ``-symbol.json`` and ``-0000.params`` into ``dst_dir``;
    returns ``(path prefix, 0)``, or ``(None, 0)`` for an unknown model."""
    if meta_info is None:
        meta_info = {k: {"symbol": _MODEL_URL + s, "params": _MODEL_URL + p}
                     for k, (s, p) in _MODELS.items()}
    meta_info = dict(meta_info)
    if model_name not in meta_info:
        return None, 0
    if not os.path.isdir(dst_dir):
        os.mkdir(dst_dir)
    meta = dict(meta_info[model_name])
    assert "symbol" in meta, "missing symbol url"
    prefix = os.path.join(dst_dir, model_name)
    download(meta["symbol"], prefix + "-symbol.json")
    assert "params" in meta, "mssing parameter file url"
    download(meta["params"], prefix + "-0000.params")
    return prefix, 0


def get_mnist() -> Dict[str, np.ndarray]:
    """MNIST as NumPy arrays (downloaded): ``train_data``/``test_data`` float32
    (N, 1, 28, 28) in [0, 1], ``train_label``/``test_label`` int8."""
    def read_data(label_url: str, image_url: str) -> Tuple[np.ndarray, np.ndarray]:
        with gzip.open(download(label_url)) as flbl:
            struct.unpack(">II", flbl.read(8))
            label = np.frombuffer(flbl.read(), dtype=np.int8)
        with gzip.open(download(image_url), "rb") as fimg:
            _, _, rows, cols = struct.unpack(">IIII", fimg.read(16))
            raw = np.frombuffer(fimg.read(), dtype=np.uint8).reshape(len(label), rows, cols)
            image = raw.reshape(raw.shape[0], 1, 28, 28).astype(np.float32) / 255
        return label, image
    path = "http://data.mxnet.io/data/mnist/"
    train_lbl, train_img = read_data(path + "train-labels-idx1-ubyte.gz",
                                     path + "train-images-idx3-ubyte.gz")
    test_lbl, test_img = read_data(path + "t10k-labels-idx1-ubyte.gz",
                                   path + "t10k-images-idx3-ubyte.gz")
    return {"train_data": train_img, "train_label": train_lbl,
            "test_data": test_img, "test_label": test_lbl}


def get_mnist_pkl() -> None:
    """Download ``data/mnist.pkl.gz`` when missing."""
    if not os.path.isdir("data"):
        os.makedirs("data")
    if not os.path.exists("data/mnist.pkl.gz"):
        download("http://deeplearning.net/data/mnist/mnist.pkl.gz", dirname="data")


def _get_zip_into_data(url: str, needed: Sequence[str]) -> None:
    if not os.path.isdir("data"):
        os.makedirs("data")
    if not all(os.path.exists(os.path.join("data", n)) for n in needed):
        zip_file_path = download(url, dirname="data")
        with zipfile.ZipFile(zip_file_path) as zf:
            zf.extractall("data")


def get_mnist_ubyte() -> None:
    """Download and unpack MNIST's idx files into ``data/`` when missing."""
    _get_zip_into_data("http://data.mxnet.io/mxnet/data/mnist.zip",
                       ["train-images-idx3-ubyte", "train-labels-idx1-ubyte",
                        "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"])


def get_cifar10() -> None:
    """Download and unpack CIFAR-10's RecordIO files into ``data/cifar`` when missing."""
    _get_zip_into_data("http://data.mxnet.io/mxnet/data/cifar10.zip",
                       ["cifar/train.rec", "cifar/test.rec", "cifar/train.lst",
                        "cifar/test.lst"])


def get_mnist_iterator(batch_size: int, input_shape: Sequence[int], num_parts: int = 1,
                       part_index: int = 0) -> Tuple[Any, Any]:
    """``(train, val)`` ``mx.io.MNISTIter`` iterators over the downloaded MNIST."""
    get_mnist_ubyte()
    flat = len(input_shape) != 3
    train = mx.io.MNISTIter(image="data/train-images-idx3-ubyte",
                            label="data/train-labels-idx1-ubyte", input_shape=input_shape,
                            batch_size=batch_size, shuffle=True, flat=flat,
                            num_parts=num_parts, part_index=part_index)
    val = mx.io.MNISTIter(image="data/t10k-images-idx3-ubyte",
                          label="data/t10k-labels-idx1-ubyte", input_shape=input_shape,
                          batch_size=batch_size, flat=flat, num_parts=num_parts,
                          part_index=part_index)
    return train, val


def get_zip_data(data_dir: str, url: str, data_origin_name: str) -> None:
    """Download the zip at ``url`` into ``data_dir`` and unpack it, unless
    ``data_origin_name`` is there already."""
    data_origin_name = os.path.join(data_dir, data_origin_name)
    if not os.path.exists(data_origin_name):
        download(url, dirname=data_dir, overwrite=False)
        with zipfile.ZipFile(data_origin_name) as zf:
            zf.extractall(path=data_dir)


def get_bz2_data(data_dir: str, data_name: str, url: str, data_origin_name: str) -> None:
    """Download the .bz2 at ``url`` and decompress it to ``data_dir/data_name`` unless that
    exists."""
    data_name = os.path.join(data_dir, data_name)
    data_origin_name = os.path.join(data_dir, data_origin_name)
    if not os.path.exists(data_name):
        download(url, fname=data_origin_name, dirname=data_dir, overwrite=False)
        with bz2.BZ2File(data_origin_name, "rb") as bz_file, open(data_name, "wb") as fout:
            for line in bz_file:
                fout.write(line)
        os.remove(data_origin_name)


def get_im2rec_path(home_env: str = "MXNET_HOME") -> str:
    """The path of ``tools/im2rec.py`` under ``$MXNET_HOME`` (or beside the package)."""
    root = os.environ[home_env] if home_env in os.environ else os.path.dirname(mx.__file__)
    for candidate in (os.path.join(root, "tools", "im2rec.py"),
                      os.path.join(root, "..", "..", "tools", "im2rec.py")):
        if os.path.isfile(candidate):
            return candidate
    raise IOError("Could not find path to tools/im2rec.py")


# ---------------------------------------------------------------------------------------
# where the tests run
def is_cd_run() -> bool:
    """Whether this is MXNet's continuous-delivery run (``CD_JOB=1``)."""
    return os.environ.get("CD_JOB", 0) == "1"


def is_aarch64_run() -> bool:
    return platform.machine() == "aarch64"


_features = Features()


def has_tvm_ops() -> bool:
    """Whether TVM-generated operators are available (never, in mxcompat)."""
    return bool(_features.is_enabled("TVM_OP"))


def is_op_runnable() -> bool:
    """Whether the NumPy-extension operators can run on the current context (always: there
    are no TVM operators to need a compute capability)."""
    return True


# ---------------------------------------------------------------------------------------
# DummyIter needs mx.io (another front-end): defined on first use, or at import when mx.io
# is already there
def _make_dummy_iter() -> type:
    from .io import DataIter

    class DummyIter(DataIter):  # type: ignore[misc, valid-type]
        """An iterator that returns the first batch of ``real_iter`` for ever (for speed
        tests)."""

        def __init__(self, real_iter: Any):
            super().__init__()
            self.real_iter = real_iter
            self.provide_data = real_iter.provide_data
            self.provide_label = real_iter.provide_label
            self.batch_size = real_iter.batch_size
            self.the_batch = next(real_iter)

        def __iter__(self) -> "DummyIter":
            return self

        def next(self) -> Any:
            return self.the_batch

        __next__ = next

    DummyIter.__module__ = __name__
    return DummyIter


if "mxcompat.io" in sys.modules:
    DummyIter = _make_dummy_iter()


def __getattr__(name: str) -> Any:
    import importlib
    value: Any
    if name == "DummyIter":
        value = _make_dummy_iter()
    elif name == "Symbol":
        value = importlib.import_module(".symbol", __package__).Symbol
    elif name == "np_symbol":
        value = importlib.import_module(".symbol.numpy", __package__)._Symbol
    else:
        raise AttributeError(f"module 'mxnet.test_utils' has no attribute {name!r}")
    globals()[name] = value
    return value


#: what ``from mxnet.test_utils import *`` gives: MXNet 1.9.1's module has no ``__all__``,
#: so its star import exports every public global, its own imports included (``mx``, ``np``,
#: ``os``, ``Context``, ``array``, ...); the Symbol/io names join when those front-ends exist
_MXNET_PUBLIC = [
    "Context", "DummyIter", "Features", "OrderedDict", "Symbol", "almost_equal", "array",
    "assert_allclose", "assert_almost_equal", "assert_almost_equal_ignore_nan",
    "assert_almost_equal_with_err", "assert_exception", "assign_each", "assign_each2", "bz2",
    "checkShapes", "check_consistency", "check_gluon_hybridize_consistency",
    "check_numeric_gradient", "check_speed", "check_symbolic_backward",
    "check_symbolic_forward", "chi_square_check", "collapse_sum_like",
    "compare_ndarray_tuple", "compare_optimizer", "contextmanager", "create_2d_tensor",
    "create_sparse_array", "create_sparse_array_zd", "create_vector", "current_context",
    "default_atols", "default_context", "default_dtype", "default_numeric_eps",
    "default_rtols", "discard_stderr", "download", "download_model", "effective_dtype",
    "environment", "errno", "gen_buckets_probs_with_ppf", "get_atol", "get_bz2_data",
    "get_cifar10", "get_cuda_compute_capability", "get_etol", "get_identity_mat",
    "get_identity_mat_batch", "get_im2rec_path", "get_mnist", "get_mnist_iterator",
    "get_mnist_pkl", "get_mnist_ubyte", "get_rtol", "get_tolerance", "get_tols",
    "get_zip_data", "getenv", "gzip", "has_tvm_ops", "is_aarch64_run", "is_cd_run",
    "is_op_runnable", "json", "list_gpus", "locationError", "logging", "mean_check", "mx",
    "new_matrix_with_real_eigvals_2d", "new_matrix_with_real_eigvals_nd",
    "new_orthonormal_matrix_2d", "new_sym_matrix_with_real_eigvals_2d",
    "new_sym_matrix_with_real_eigvals_nd", "np", "np_reduce", "np_symbol", "npt", "numbers",
    "numeric_grad", "os", "platform", "rand_coord_2d", "rand_ndarray", "rand_shape_2d",
    "rand_shape_3d", "rand_shape_nd", "rand_sparse_ndarray", "random_arrays",
    "random_sample", "random_uniform_arrays", "requests", "retry", "rnd", "same",
    "same_array", "same_symbol_structure", "set_default_context", "setenv",
    "shuffle_csr_column_indices", "simple_forward", "ss", "struct", "sys", "time",
    "traceback", "use_np", "var_check", "verify_generator", "zipfile",
]


def __dir__() -> list:
    return sorted(set(globals()) | {"DummyIter", "Symbol"})


def _star_names() -> list:
    names = []
    for n in _MXNET_PUBLIC:
        if n == "requests" and requests is None:
            continue
        if n in globals():
            names.append(n)
            continue
        try:
            __getattr__(n)
        except Exception:
            continue
        names.append(n)
    return names


__all__ = _star_names()
