"""Fluent NDArray methods (``x.exp()``, ``x.sum(axis=0)``, ...): each forwards to the
same-named ``mx.nd`` op, as in MXNet. The list is MXNet 1.9.1's."""
from __future__ import annotations

from types import FunctionType
from typing import Any, Callable, Dict

from .ndarray import NDArray

#: MXNet 1.9.1's NDArray methods that forward to the same-named mx.nd op
FLUENT = (
    "abs", "arccos", "arccosh", "arcsin", "arcsinh", "arctan", "arctanh", "argmax",
    "argmax_channel", "argmin", "argsort", "broadcast_axes", "broadcast_like", "cbrt", "ceil",
    "clip", "cos", "cosh", "degrees", "depth_to_space", "diag", "exp", "expand_dims", "expm1",
    "fix", "flatten", "flip", "floor", "log", "log10", "log1p", "log2", "log_softmax", "max",
    "mean", "min", "nanprod", "nansum", "norm", "one_hot", "ones_like", "pad", "pick", "prod",
    "radians", "rcbrt", "reciprocal", "relu", "repeat", "reshape_like", "rint", "round",
    "rsqrt", "shape_array", "sigmoid", "sign", "sin", "sinh", "size_array", "slice",
    "slice_axis", "slice_like", "softmax", "softmin", "sort", "space_to_depth", "split",
    "split_v2", "sqrt", "square", "squeeze", "sum", "swapaxes", "take", "tan", "tanh", "tile",
    "topk", "transpose", "trunc", "zeros_like",
)


def _forward(fn: Callable, name: str) -> Callable:
    def method(self: NDArray, *args: Any, **kwargs: Any) -> Any:
        return fn(self, *args, **kwargs)
    method.__name__ = method.__qualname__ = name
    method.__doc__ = f"Same as mx.nd.{name}(self, ...)."
    return method


def attach(namespace: Dict[str, Callable]) -> None:
    """Attach the fluent methods whose op exists (implemented or stub) and that NDArray does
    not define itself."""
    for name in FLUENT:
        fn = namespace.get(name)
        if fn is not None and name not in NDArray.__dict__:
            # an op's first parameter is its data array, so the op function itself works as
            # the method (one call frame less than a forwarding wrapper)
            setattr(NDArray, name, fn if isinstance(fn, FunctionType) else _forward(fn, name))
