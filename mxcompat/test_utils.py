"""``mx.test_utils``: the helpers legacy MXNet test suites use, with MXNet 1.9.1's signatures,
default tolerances and failure messages.

Comparisons always run in NumPy (MXNet 1.9.1 used its own ``contrib.allclose`` kernel when both
inputs were NDArrays of one dtype on one context; the formula is the same). Helpers built on
the Symbol API (``check_symbolic_forward``, executors) are outside mxcompat's scope and raise
``MXNetError`` saying so; ``check_numeric_gradient`` takes a Python function of NDArrays
instead of a Symbol.
"""
from __future__ import annotations

import numbers
import os
import sys
from contextlib import contextmanager
from typing import Any, Callable, Dict, Iterator, Optional, Sequence, Tuple

import numpy as np

from .base import MXNetError, MXNetValueError, unsupported
from .context import Context, current_context, num_gpus

__all__ = [
    "assert_almost_equal", "almost_equal", "same", "assert_allclose",
    "assert_almost_equal_ignore_nan", "assert_almost_equal_with_err", "assert_exception",
    "checkShapes", "locationError", "get_rtol", "get_atol", "get_etol", "get_tolerance",
    "get_tols", "effective_dtype", "default_rtols", "default_atols", "default_dtype",
    "default_numeric_eps", "default_context", "set_default_context", "current_context",
    "list_gpus", "environment", "getenv", "setenv", "random_arrays", "random_uniform_arrays",
    "random_sample", "rand_shape_2d", "rand_shape_3d", "rand_shape_nd", "rand_ndarray",
    "rand_coord_2d", "same_array", "np_reduce", "retry", "compare_ndarray_tuple",
    "collapse_sum_like", "create_vector", "create_2d_tensor", "get_identity_mat",
    "check_numeric_gradient", "discard_stderr",
]

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
    """A dense NDArray of standard-normal values (float32 unless ``dtype``), drawn from
    NumPy's global generator like MXNet's. Sparse storage types are not supported."""
    if stype != "default":
        raise unsupported(f"mx.test_utils.rand_ndarray(stype={stype!r})",
                          "sparse storage types are outside mxcompat's scope; use "
                          "stype='default'")
    ctx = ctx if ctx else default_context()
    return _nd().array(random_arrays(shape), dtype=dtype, ctx=ctx)


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


def getenv(name: str) -> Optional[str]:
    return os.environ.get(name)


def setenv(name: str, value: Optional[str]) -> None:
    if value is None:
        os.environ.pop(name, None)
    else:
        os.environ[name] = value


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
    """Silence stderr (file descriptor 2) inside the block."""
    sys.stderr.flush()
    stderr_fd = sys.stderr.fileno()
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
    """Check autograd's gradient of ``sym`` against central finite differences.

    MXNet takes a Symbol here; mxcompat (no Symbol API) takes a Python function of NDArrays
    returning one NDArray: ``check_numeric_gradient(lambda x, y: x * y, [x_np, y_np])``.
    ``location`` is a list (positional arguments) or a dict (keyword arguments) of arrays;
    ``aux_states`` (a dict) is passed as extra keyword arguments without gradients. As in
    MXNet, the output is multiplied by a fixed random projection before summing, and the
    comparison uses :func:`assert_almost_equal` with names ``NUMERICAL_x`` / ``BACKWARD_x``.
    """
    if not callable(sym):
        raise unsupported("mx.test_utils.check_numeric_gradient with a Symbol",
                          "the Symbol API is outside mxcompat's scope; pass a Python function "
                          "of NDArrays instead")
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
# the rest of MXNet's mx.test_utils: Symbol/executor/dataset helpers, outside the scope
_SYMBOLIC = {
    "check_symbolic_forward", "check_symbolic_backward", "check_consistency", "check_speed",
    "simple_forward", "numeric_grad", "same_symbol_structure",
    "check_gluon_hybridize_consistency", "compare_optimizer",
}


def __getattr__(name: str) -> Any:
    if name.startswith("__"):
        raise AttributeError(name)
    if name in _SYMBOLIC:
        hint = "it needs the Symbol/executor API, which is outside mxcompat's scope"
    elif name.startswith(("get_mnist", "get_cifar", "get_zip", "get_bz2", "download")):
        hint = "dataset download helpers are outside mxcompat's scope"
    elif "sparse" in name or "csr" in name:
        hint = "sparse storage is outside mxcompat's scope"
    else:
        hint = ""
    raise unsupported(f"mx.test_utils.{name}", hint, attribute=True)
