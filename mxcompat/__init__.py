"""mxcompat: Apache MXNet 1.9.1's NDArray API on PyTorch.

``import mxcompat as mx`` gives ``mx.nd``, ``mx.autograd``, ``mx.random``, ``mx.cpu()`` /
``mx.gpu(i)`` and ``mx.base.MXNetError`` with MXNet 1.9.1's behaviour. ``mxcompat run
script.py`` (or ``mxcompat.install()``) makes an unchanged ``import mxnet`` resolve here.
"""
from __future__ import annotations

import gc as _gc
from typing import Any as _Any


def _launcher_role() -> None:
    # MXNet's launcher starts the same script as server/scheduler processes (DMLC_ROLE), which
    # MXNet serves on `import mxnet`: do the same (servers exit, the scheduler hosts the
    # workers' rendezvous until they finish; see docs/distributed.md)
    import os
    role = os.environ.get("DMLC_ROLE", "worker")
    if role == "server":
        raise SystemExit(0)
    if role == "scheduler":
        from .kvstore.kvstore_server import _init_kvstore_server_module
        _init_kvstore_server_module()


_launcher_role()

# Importing the op families allocates tens of thousands of objects, enough to trigger one
# full cyclic-GC pass over everything torch allocated before (~70 ms, half of the import).
# Nothing here makes reference cycles worth collecting, so the collector waits until the end.
_gc_was_on = _gc.isenabled()
_gc.disable()
try:
    from . import base
    from .base import MXNetError
    from . import context
    from .context import Context, cpu, cpu_pinned, current_context, gpu, num_gpus
    from . import ndarray
    from . import ndarray as nd
    from . import autograd
    from . import random
    from . import operator
    from . import util
    from .util import is_np_shape, set_np_shape, np_shape, use_np_shape
    from .util import is_np_array, np_array, use_np_array, use_np
finally:
    if _gc_was_on:
        _gc.enable()

#: the MXNet version whose behaviour mxcompat reproduces (legacy code checks mx.__version__)
__version__ = "1.9.1"
#: mxcompat's own version
__mxcompat_version__ = "0.1.0"

__all__ = ["base", "MXNetError", "context", "Context", "cpu", "gpu", "cpu_pinned",
           "current_context", "num_gpus", "nd", "ndarray", "autograd", "random", "operator",
           "install", "uninstall", "util", "is_np_shape", "set_np_shape", "np_shape",
           "use_np_shape", "is_np_array", "np_array", "use_np_array", "use_np"]


def install() -> None:
    """Make ``import mxnet`` (and ``mxnet.*``) resolve to mxcompat in this process."""
    from ._redirect import install as _install
    _install()


def _legacy_printing() -> None:
    """Legacy scripts ran beside NumPy 1.x: under NumPy 2, print scalars the 1.x way
    (``3000000.0``, not ``3e+06`` / ``np.float32(3000000.0)``). Used by ``mxcompat run``."""
    import numpy as np
    if int(np.__version__.split(".")[0]) >= 2:
        np.set_printoptions(legacy="1.25")


def uninstall() -> None:
    """Undo :func:`install`."""
    from ._redirect import uninstall as _uninstall
    _uninstall()


# Parts of MXNet outside mxcompat's scope: a clear error instead of an AttributeError.
_OUT_OF_SCOPE = {
    "amp": "mx.amp",
    "dlpack": "DLPack helpers",
    "executor_manager": "executor managers",
    "np": "mx.np",
    "npx": "mx.npx",
    "numpy": "mx.numpy",
    "numpy_extension": "mx.numpy_extension",
    "onnx": "mx.onnx",
    "registry": "mx.registry",
    "rtc": "mx.rtc",
    "subgraph": "subgraph backends",
    "tvmop": "mx.tvmop",
}


def _add_scope_finder() -> None:
    import sys
    from ._redirect import ScopeFinder
    if not any(isinstance(f, ScopeFinder) for f in sys.meta_path):
        sys.meta_path.append(ScopeFinder())


_add_scope_finder()



#: MXNet's short names for its modules (``mx.sym`` is ``mx.symbol``, ...)
_MODULE_ALIASES = {
    "sym": "symbol", "mod": "module", "init": "initializer", "kv": "kvstore", "img": "image",
    "viz": "visualization", "rnd": "random", "mon": "monitor",
}


def __getattr__(name: str) -> _Any:
    # MXNet imports every front-end with the package; mxcompat imports each on first use, so
    # ``import mxcompat`` costs only the NDArray layer.
    import importlib
    import importlib.util
    if name == "AttrScope":
        from .attribute import AttrScope
        globals()[name] = AttrScope
        return AttrScope
    module = _MODULE_ALIASES.get(name, name)
    if not name.startswith("_") and name not in _OUT_OF_SCOPE and \
            importlib.util.find_spec(f"{__name__}.{module}") is not None:
        value = importlib.import_module(f".{module}", __name__)
        globals()[name] = value
        return value
    if name in _OUT_OF_SCOPE:
        from .base import unsupported
        raise unsupported(f"mx.{name}", f"{_OUT_OF_SCOPE[name]} is outside mxcompat's scope; "
                          "see docs/migration.md", attribute=True)
    raise AttributeError(f"module 'mxcompat' has no attribute {name!r}")
