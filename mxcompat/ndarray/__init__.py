"""``mx.nd``: the NDArray namespace.

Each op family registers its ops (``_op.register``) when imported; this module imports the
families, publishes every registered name here (and in ``mx.nd.random``, ``mx.nd.linalg``,
...), then registers every remaining public name of MXNet 1.9.1's ``mx.nd`` as a stub that
raises MXNetError saying it is not supported yet.
"""
from __future__ import annotations

import sys as _sys
from typing import Any as _Any

import torch as _torch

from . import ndarray  # noqa: F401  (mx.nd.ndarray, the submodule)
from .ndarray import NDArray, from_torch  # noqa: F401  (mx.nd.NDArray, mx.nd.from_torch)
from . import _op

# the op families, in dependency order
from . import creation, elemwise, indexing, shape, linalg, random  # noqa: E402,F401
from . import reduce, sorting, nn, optim, serialization, contrib, sparse  # noqa: E402,F401
from . import nn_vision, detection, image, misc, quantization, graph  # noqa: E402,F401
from . import _internal  # noqa: E402,F401
from ._api_names import ND_NAMES as _ND_NAMES, SUBMODULE_NAMES as _SUB_NAMES  # noqa: E402


def waitall() -> None:
    """Wait for all pending work (CUDA kernels) to finish."""
    if _torch.cuda.is_available() and _torch.cuda.is_initialized():
        _torch.cuda.synchronize()


_op.register("waitall", python=True, family="misc", torch="torch.cuda.synchronize")(waitall)


_SUBMODULES = frozenset({"ndarray", "random", "linalg", "contrib", "sparse", "op", "image"})


def _publish() -> None:
    g = globals()
    nd = _op.NAMESPACES.setdefault("nd", {})
    for name in _ND_NAMES:
        if name not in nd and name not in g:
            _op.stub(name, "nd", family=_op.stub_family("nd", name))
    for name, fn in nd.items():
        if name not in _SUBMODULES:
            g[name] = fn
    for sub, names in _SUB_NAMES.items():
        mod = _sys.modules.get(f"{__name__}.{sub}")
        if mod is None:
            continue
        ns = _op.NAMESPACES.setdefault(sub, {})
        for name in names:
            if name not in ns and not hasattr(mod, name):
                _op.stub(name, sub, family=_op.stub_family(sub, name))
        for name, fn in ns.items():
            if not hasattr(mod, name) or getattr(getattr(mod, name), "_mx_stub", False):
                setattr(mod, name, fn)
    for name, fn in _op.NAMESPACES.get("_internal", {}).items():  # mx.nd._internal._plus_scalar
        setattr(_internal, name, fn)
    from . import _methods
    _methods.attach(nd)


_publish()
op = _sys.modules[__name__]  # mx.nd.op: the same functions


def __getattr__(name: str) -> _Any:
    if name.startswith("__"):
        raise AttributeError(name)
    from ..base import unsupported
    raise unsupported(f"mx.nd.{name}", "this name does not exist in MXNet 1.9.1's mx.nd "
                      "either" if name not in _ND_NAMES else "", attribute=True)
