"""``mx.init`` / ``mx.initializer``: weight initializers, as in MXNet 1.9.1.

An :class:`Initializer` is called with an :class:`InitDesc` (a parameter name carrying
attributes) and the NDArray to fill. When the descriptor's attributes name an initializer
(``'__init__'``, which is how Gluon passes ``Parameter.init``), that one fills the array through
its ``_init_weight``; otherwise the name's suffix picks the rule: ``weight`` -> ``_init_weight``,
``bias``/``beta``/``min`` -> 0, ``gamma``/``max`` -> 1, anything else -> ``ValueError``.

Initializers are registered by their lower-cased class name (and aliases), so
``mx.init.create('xavier')``, ``create('["normal", {"sigma": 0.5}]')`` (the ``dumps()`` form)
and ``create(Xavier())`` all work. Random initializers draw from ``mx.random``'s generator:
the values differ from MXNet's (its RNG stream is not reproducible), their distributions do not.
"""
from __future__ import annotations

import json
import logging
import re
import warnings
from math import sqrt
from typing import Any, Callable, Dict, List, Optional, Sequence

import numpy as np

from .base import MXNetAssertionError, MXNetTypeError, MXNetValueError
from .ndarray.ndarray import NDArray

__all__ = ["InitDesc", "Initializer", "register", "alias", "create", "Load", "Mixed", "Zero",
           "One", "Constant", "Uniform", "Normal", "Orthogonal", "Xavier", "MSRAPrelu",
           "Bilinear", "LSTMBias", "FusedRNN"]


class InitDesc(str):
    """A parameter name with the attributes that steer its initialization (``attrs``, e.g.
    ``{'__init__': 'zeros'}``) and the global initializer to fall back to."""

    attrs: Dict[str, Any]
    global_init: Any

    def __new__(cls, name: str, attrs: Optional[Dict[str, Any]] = None,
                global_init: Any = None) -> "InitDesc":
        self = super().__new__(cls, name)
        self.attrs = attrs or {}
        self.global_init = global_init
        return self


# ---- the registry (MXNet's mx.registry factory for the 'initializer' kind) -----------------
_REGISTRY: Dict[str, type] = {}


def _register(klass: type, name: Optional[str] = None) -> type:
    if not (isinstance(klass, type) and issubclass(klass, Initializer)):
        raise MXNetAssertionError("Can only register subclass of Initializer")
    key = (name or klass.__name__).lower()
    old = _REGISTRY.get(key)
    if old is not None:
        warnings.warn(f"New initializer {klass.__module__}.{klass.__name__} registered with "
                      f"name {key} is overriding existing initializer {old.__module__}."
                      f"{old.__name__}", UserWarning, stacklevel=3)
    _REGISTRY[key] = klass
    return klass


def register(klass: type) -> type:
    """Register an Initializer subclass under its lower-cased class name (a class
    decorator), so that ``create('name')`` and ``Parameter(init='name')`` find it."""
    return _register(klass)


def alias(*aliases: str) -> Callable[[type], type]:
    """A class decorator registering an Initializer under extra names."""
    def reg(klass: type) -> type:
        for name in aliases:
            _register(klass, name)
        return klass
    return reg


def create(*args: Any, **kwargs: Any) -> "Initializer":
    """An initializer from an instance (returned as is), a registered name (``'xavier'``),
    a ``dumps()`` string (``'["normal", {"sigma": 0.5}]'``), a JSON object string or a dict
    (``{'initializer': 'normal', 'sigma': 0.5}``); extra arguments go to the constructor."""
    if args:
        name, rest = args[0], args[1:]
    else:
        if "initializer" not in kwargs:
            raise MXNetTypeError("create() needs the initializer: a name, a dumps() string "
                                 "or an Initializer")
        name, rest = kwargs.pop("initializer"), ()
    if isinstance(name, Initializer):
        if rest or kwargs:
            raise MXNetAssertionError("initializer is already an instance. Additional "
                                      "arguments are invalid")
        return name
    if isinstance(name, dict):
        return create(**name)
    if not isinstance(name, str):
        raise MXNetAssertionError("initializer must be of string type")
    if name.startswith("["):
        if rest or kwargs:
            raise MXNetAssertionError("create: a dumps() string takes no further arguments")
        klass, kw = json.loads(name)
        return create(klass, **kw)
    if name.startswith("{"):
        if rest or kwargs:
            raise MXNetAssertionError("create: a JSON object takes no further arguments")
        return create(**json.loads(name))
    key = name.lower()
    if key not in _REGISTRY:
        raise MXNetAssertionError(f"{name} is not registered. Please register with "
                                  "initializer.register first")
    return _REGISTRY[key](*rest, **kwargs)


# ---- the base class -------------------------------------------------------------------------
def _fill(arr: NDArray, value: Any) -> None:
    arr[:] = value


class Initializer:
    """Base class of the initializers: subclasses implement ``_init_weight(desc, arr)`` and
    may override ``_init_bias``, ``_init_gamma``, ``_init_beta``, ... The constructor's
    keyword arguments are what ``dumps()`` writes."""

    def __init__(self, **kwargs: Any):
        self._kwargs = kwargs
        self._verbose = False
        self._print_func: Optional[Callable[[NDArray], str]] = None

    def set_verbosity(self, verbose: bool = False,
                      print_func: Optional[Callable[[NDArray], str]] = None) -> "Initializer":
        """Log (``logging.info``) each initialized array with a statistic of its values
        (``print_func(arr)``; by default its root mean square)."""
        self._verbose = verbose
        if print_func is None:
            def print_func(x: NDArray) -> str:
                from . import ndarray as nd
                return str((nd.norm(x) / sqrt(x.size)).asscalar())
        self._print_func = print_func
        return self

    def _verbose_print(self, desc: Any, init: Any, arr: NDArray) -> None:
        if self._verbose and self._print_func:
            logging.info("Initialized %s as %s: %s", desc, init, self._print_func(arr))

    def dumps(self) -> str:
        """This initializer as a JSON string that :func:`create` reads back."""
        return json.dumps([self.__class__.__name__.lower(), self._kwargs])

    def __call__(self, desc: Any, arr: NDArray) -> None:
        if not isinstance(desc, InitDesc):
            self._legacy_init(desc, arr)
            return
        if desc.global_init is None:
            desc.global_init = self
        init = desc.attrs.get("__init__", "")
        if init:
            create(init)._init_weight(desc, arr)
            self._verbose_print(desc, init, arr)
            return
        for suffix, method in _BY_SUFFIX:
            if desc.endswith(suffix):
                getattr(self, method)(desc, arr)
                self._verbose_print(desc, suffix, arr)
                return
        self._init_default(desc, arr)

    def _legacy_init(self, name: Any, arr: Any) -> None:
        warnings.warn("\033[91mCalling initializer with init(str, NDArray) has been "
                      "deprecated.please use init(mx.init.InitDesc(...), NDArray) "
                      "instead.\033[0m", DeprecationWarning, stacklevel=3)
        if not isinstance(name, str):
            raise MXNetTypeError("name must be string")
        if not isinstance(arr, NDArray):
            raise MXNetTypeError("arr must be NDArray")
        if name.startswith("upsampling"):
            self._init_bilinear(name, arr)
        elif name.startswith("stn_loc") and name.endswith("weight"):
            self._init_zero(name, arr)
        elif name.startswith("stn_loc") and name.endswith("bias"):
            self._init_loc_bias(name, arr)
        else:
            for suffix, method in _LEGACY_BY_SUFFIX:
                if name.endswith(suffix):
                    getattr(self, method)(name, arr)
                    return
            self._init_default(name, arr)

    def _init_bilinear(self, _: Any, arr: NDArray) -> None:
        _fill(arr, _bilinear(arr.shape))

    def _init_loc_bias(self, _: Any, arr: NDArray) -> None:
        if arr.shape[0] != 6:
            raise MXNetAssertionError("stn_loc bias must have 6 elements")
        _fill(arr, np.array([1.0, 0, 0, 0, 1.0, 0]))

    def _init_zero(self, _: Any, arr: NDArray) -> None:
        _fill(arr, 0.0)

    def _init_one(self, _: Any, arr: NDArray) -> None:
        _fill(arr, 1.0)

    def _init_bias(self, _: Any, arr: NDArray) -> None:
        _fill(arr, 0.0)

    def _init_quantized_bias(self, _: Any, arr: NDArray) -> None:
        _fill(arr, 0)

    def _init_gamma(self, _: Any, arr: NDArray) -> None:
        _fill(arr, 1.0)

    def _init_beta(self, _: Any, arr: NDArray) -> None:
        _fill(arr, 0.0)

    def _init_weight(self, name: Any, arr: NDArray) -> None:
        raise NotImplementedError("Must override it")

    def _init_quantized_weight(self, _: Any, arr: NDArray) -> None:
        from . import random
        vals = random.randint(-127, 127, shape=arr.shape, dtype="int32").asnumpy()
        _fill(arr, vals.astype(np.int8))

    def _init_default(self, name: Any, _: Any) -> None:
        raise MXNetValueError(
            f"Unknown initialization pattern for {name}. Default initialization is now "
            'limited to "weight", "bias", "gamma" (1.0), and "beta" (0.0).Please use '
            "mx.sym.Variable(init=mx.init.*) to set initialization pattern")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Initializer):
            return NotImplemented
        return type(self) is type(other) and self._kwargs == other._kwargs

    __hash__ = None  # type: ignore[assignment]  # MXNet's initializers are unhashable too


#: the name-suffix rules of Initializer.__call__, in MXNet's order
_BY_SUFFIX = (("weight", "_init_weight"), ("bias", "_init_bias"), ("gamma", "_init_gamma"),
              ("beta", "_init_beta"), ("min", "_init_zero"), ("max", "_init_one"),
              ("weight_quantize", "_init_quantized_weight"),
              ("bias_quantize", "_init_quantized_bias"))
#: the rules for a plain-string name (the deprecated call style)
_LEGACY_BY_SUFFIX = (("bias", "_init_bias"), ("gamma", "_init_gamma"), ("beta", "_init_beta"),
                     ("weight", "_init_weight"), ("moving_mean", "_init_zero"),
                     ("moving_var", "_init_one"), ("moving_inv_var", "_init_zero"),
                     ("moving_avg", "_init_zero"), ("min", "_init_zero"),
                     ("max", "_init_one"))


def _bilinear(shape: Sequence[int]) -> np.ndarray:
    """The bilinear upsampling kernel over the last two axes (MXNet's values, float32)."""
    if len(shape) != 4:
        raise MXNetValueError(f"Bilinear initializer needs a 4-D weight, got shape "
                              f"{tuple(shape)}")
    f = np.ceil(shape[3] / 2.0)
    c = (2 * f - 1 - f % 2) / (2.0 * f)
    wx = 1 - np.abs(np.arange(shape[3]) / f - c)
    wy = 1 - np.abs(np.arange(shape[2]) / f - c)
    kernel = (wy[:, None] * wx[None, :]).astype(np.float32)
    return np.broadcast_to(kernel, tuple(shape)).copy()


# ---- initializers that are not Initializer subclasses --------------------------------------
class Load:
    """Fill parameters from a ``.params`` file or a ``{name: NDArray}`` dict (``arg:`` /
    ``aux:`` prefixes dropped); names not found go to ``default_init``."""

    def __init__(self, param: Any, default_init: Any = None, verbose: bool = False):
        if isinstance(param, str):
            from .ndarray import load
            param = load(param)
        if not isinstance(param, dict):
            raise MXNetAssertionError("Load: param must be a file name or a dict of NDArrays")
        self.param: Dict[str, Any] = {}
        for name, arr in param.items():
            key = name[4:] if name.startswith(("arg:", "aux:")) else name
            self.param[key] = arr
        self.default_init = default_init
        self.verbose = verbose

    def __call__(self, name: Any, arr: NDArray) -> None:
        if name in self.param:
            src = self.param[name]
            if arr.shape != src.shape:
                raise MXNetAssertionError(
                    f"Parameter {name} cannot be initialized from loading. Shape mismatch, "
                    f"target {arr.shape} vs loaded {src.shape}")
            _fill(arr, src)
            if self.verbose:
                logging.info("Initialized %s by loading", name)
        else:
            if self.default_init is None:
                raise MXNetAssertionError(f"Cannot Initialize {name}. Not found in loaded "
                                          "param and no default Initializer is provided.")
            self.default_init(name, arr)
            if self.verbose:
                logging.info("Initialized %s by default", name)


class Mixed:
    """Initializers chosen by the first regular expression (``re.match``) the name fits."""

    def __init__(self, patterns: Sequence[str], initializers: Sequence[Any]):
        if len(patterns) != len(initializers):
            raise MXNetAssertionError("Mixed: patterns and initializers must have the same "
                                      "length")
        self.map = list(zip([re.compile(p) for p in patterns], initializers))

    def __call__(self, name: Any, arr: NDArray) -> None:
        for prog, init in self.map:
            if prog.match(name):
                init(name, arr)
                return
        raise MXNetValueError(f"Parameter name {name} did not match any pattern. Consider "
                              'add a ".*" pattern at the and with default Initializer.')


# ---- the registered initializers ------------------------------------------------------------
@register
@alias("zeros")
class Zero(Initializer):
    """Fills with 0."""

    def __init__(self) -> None:
        super().__init__()

    def _init_weight(self, _: Any, arr: NDArray) -> None:
        _fill(arr, 0)


@register
@alias("ones")
class One(Initializer):
    """Fills with 1."""

    def __init__(self) -> None:
        super().__init__()

    def _init_weight(self, _: Any, arr: NDArray) -> None:
        _fill(arr, 1)


@register
class Constant(Initializer):
    """Fills with ``value``: a scalar, or an array broadcastable to the parameter."""

    def __init__(self, value: Any):
        super().__init__(value=value)
        self.value = value

    def _init_weight(self, _: Any, arr: NDArray) -> None:
        _fill(arr, self.value)

    def dumps(self) -> str:
        val = self._kwargs["value"]
        if not np.isscalar(val):
            self._kwargs["value"] = val.tolist() if isinstance(val, np.ndarray) \
                else val.asnumpy().tolist()
        return json.dumps([self.__class__.__name__.lower(), self._kwargs])


@register
class Uniform(Initializer):
    """Uniform values in ``[-scale, scale]``."""

    def __init__(self, scale: float = 0.07):
        super().__init__(scale=scale)
        self.scale = scale

    def _init_weight(self, _: Any, arr: NDArray) -> None:
        from . import random
        random.uniform(-self.scale, self.scale, arr.shape, out=arr)


@register
class Normal(Initializer):
    """Normal values with mean 0 and standard deviation ``sigma``."""

    def __init__(self, sigma: float = 0.01):
        super().__init__(sigma=sigma)
        self.sigma = sigma

    def _init_weight(self, _: Any, arr: NDArray) -> None:
        from . import random
        random.normal(0, self.sigma, arr.shape, out=arr)


@register
class Orthogonal(Initializer):
    """An orthogonal matrix (from the SVD of a random one), times ``scale``; ``rand_type``
    ``'uniform'`` or ``'normal'`` picks the random matrix."""

    def __init__(self, scale: float = 1.414, rand_type: str = "uniform"):
        super().__init__(scale=scale, rand_type=rand_type)
        self.scale = scale
        self.rand_type = rand_type

    def _init_weight(self, _: Any, arr: NDArray) -> None:
        from . import random
        nout = arr.shape[0]
        nin = int(np.prod(arr.shape[1:]))
        if self.rand_type == "uniform":
            tmp = random.uniform(-1.0, 1.0, shape=(nout, nin)).asnumpy()
        elif self.rand_type == "normal":
            tmp = random.normal(0.0, 1.0, shape=(nout, nin)).asnumpy()
        else:
            raise MXNetValueError(f"Orthogonal: unknown rand_type {self.rand_type!r}; "
                                  "expected 'uniform' or 'normal'")
        u, _s, v = np.linalg.svd(tmp, full_matrices=False)
        res = u if u.shape == tmp.shape else v
        _fill(arr, self.scale * res.reshape(arr.shape))


@register
class Xavier(Initializer):
    """Glorot initialization: values of scale ``sqrt(magnitude / factor)``, where the factor
    is the fan-in, fan-out or their mean (``factor_type`` ``'in'``, ``'out'``, ``'avg'``),
    drawn uniformly in ``[-scale, scale]`` or normally with that deviation (``rnd_type``
    ``'uniform'`` or ``'gaussian'``)."""

    def __init__(self, rnd_type: str = "uniform", factor_type: str = "avg",
                 magnitude: float = 3):
        super().__init__(rnd_type=rnd_type, factor_type=factor_type, magnitude=magnitude)
        self.rnd_type = rnd_type
        self.factor_type = factor_type
        self.magnitude = float(magnitude)

    def _init_weight(self, name: Any, arr: NDArray) -> None:
        from . import random
        shape = arr.shape
        if len(shape) < 2:
            raise MXNetValueError(f"Xavier initializer cannot be applied to vector {name}. "
                                  "It requires at least 2D.")
        hw_scale = float(np.prod(shape[2:])) if len(shape) > 2 else 1.0
        fan_in, fan_out = shape[1] * hw_scale, shape[0] * hw_scale
        if self.factor_type == "avg":
            factor = (fan_in + fan_out) / 2.0
        elif self.factor_type == "in":
            factor = fan_in
        elif self.factor_type == "out":
            factor = fan_out
        else:
            raise MXNetValueError("Incorrect factor type")
        scale = float(np.sqrt(self.magnitude / factor))
        if self.rnd_type == "uniform":
            random.uniform(-scale, scale, arr.shape, out=arr)
        elif self.rnd_type == "gaussian":
            random.normal(0, scale, arr.shape, out=arr)
        else:
            raise MXNetValueError("Unknown random type")


@register
class MSRAPrelu(Xavier):
    """He initialization for (P)ReLU networks: Gaussian Xavier with magnitude
    ``2 / (1 + slope**2)``."""

    def __init__(self, factor_type: str = "avg", slope: float = 0.25):
        super().__init__("gaussian", factor_type, 2.0 / (1 + slope ** 2))
        self._kwargs = {"factor_type": factor_type, "slope": slope}


@register
class Bilinear(Initializer):
    """The bilinear interpolation kernel (for upsampling deconvolutions)."""

    def __init__(self) -> None:
        super().__init__()

    def _init_weight(self, _: Any, arr: NDArray) -> None:
        _fill(arr, _bilinear(arr.shape))


@register
class LSTMBias(Initializer):
    """LSTM biases: 0, except the forget gate's (the second quarter), ``forget_bias``."""

    def __init__(self, forget_bias: float = 1.0):
        super().__init__(forget_bias=forget_bias)
        self.forget_bias = forget_bias

    def _init_weight(self, name: Any, arr: NDArray) -> None:
        _fill(arr, 0.0)
        num_hidden = int(arr.shape[0] / 4)
        arr[num_hidden:2 * num_hidden] = self.forget_bias


#: gate name suffixes of each fused RNN mode (MXNet's parameter names)
_RNN_GATES = {"rnn_relu": [""], "rnn_tanh": [""], "lstm": ["_i", "_f", "_c", "_o"],
              "gru": ["_r", "_z", "_o"]}


def _fused_rnn_layout(size: int, num_hidden: int, num_layers: int, mode: str,
                      bidirectional: bool) -> List[tuple]:
    """``(name, start, shape)`` of each matrix and vector in a fused RNN parameter vector of
    ``size`` elements (cuDNN's layout: every layer's weights, then every layer's biases)."""
    if mode not in _RNN_GATES:
        raise MXNetValueError(f"FusedRNN: unknown mode {mode!r}; expected one of "
                              f"{sorted(_RNN_GATES)}")
    gates = _RNN_GATES[mode]
    dirs = ["l", "r"] if bidirectional else ["l"]
    b, m, h = len(dirs), len(gates), num_hidden
    num_input = size // b // h // m - (num_layers - 1) * (h + b * h + 2) - h - 2
    out: List[tuple] = []
    p = 0
    for layer in range(num_layers):
        for d in dirs:
            for g in gates:
                shape = (h, b * h) if layer > 0 else (h, num_input)
                out.append((f"{d}{layer}_i2h{g}_weight", p, shape))
                p += shape[0] * shape[1]
            for g in gates:
                out.append((f"{d}{layer}_h2h{g}_weight", p, (h, h)))
                p += h * h
    for layer in range(num_layers):
        for d in dirs:
            for kind in ("i2h", "h2h"):
                for g in gates:
                    out.append((f"{d}{layer}_{kind}{g}_bias", p, (h,)))
                    p += h
    if p != size:
        raise MXNetAssertionError("Invalid parameters size for FusedRNNCell")
    return out


@register
class FusedRNN(Initializer):
    """Initializes a fused RNN parameter vector piece by piece: each weight matrix and bias
    with ``init`` (or the global initializer), LSTM forget-gate biases with ``forget_bias``."""

    def __init__(self, init: Any, num_hidden: int, num_layers: int, mode: str,
                 bidirectional: bool = False, forget_bias: float = 1.0):
        if isinstance(init, str):
            klass, kwargs = json.loads(init)
            init = _REGISTRY[klass.lower()](**kwargs)
        super().__init__(init=init.dumps() if init is not None else None,
                         num_hidden=num_hidden, num_layers=num_layers, mode=mode,
                         bidirectional=bidirectional, forget_bias=forget_bias)
        self._init = init
        self._num_hidden = num_hidden
        self._num_layers = num_layers
        self._mode = mode
        self._bidirectional = bidirectional
        self._forget_bias = forget_bias

    def _init_weight(self, desc: Any, arr: NDArray) -> None:
        from . import ndarray as nd
        layout = _fused_rnn_layout(arr.size, self._num_hidden, self._num_layers, self._mode,
                                   self._bidirectional)
        global_init = getattr(desc, "global_init", None)
        flat = nd.zeros((arr.size,), dtype=arr.dtype, ctx=arr.context)
        for name, start, shape in layout:
            n = int(np.prod(shape))
            piece = nd.zeros(shape, dtype=arr.dtype, ctx=arr.context)
            if self._mode == "lstm" and name.endswith("_f_bias"):
                piece[:] = self._forget_bias
            else:
                sub = InitDesc(name, global_init=global_init)
                init = self._init if self._init is not None else global_init
                if init is None:
                    raise MXNetValueError("FusedRNN: no initializer for the unpacked weights "
                                          "(give init= or call it through a global "
                                          "initializer)")
                init(sub, piece)
            flat[start:start + n] = piece.reshape((n,))
        arr[:] = flat.reshape(arr.shape)
