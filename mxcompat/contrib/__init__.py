"""``mx.contrib``: MXNet 1.9.1's experimental namespace.

``mx.contrib.ndarray`` / ``nd`` and ``mx.contrib.symbol`` / ``sym`` are the ``contrib`` op
namespaces of ``mx.nd`` and ``mx.sym``. ``mx.contrib.amp`` imports (legacy training scripts
import it at module level) and each of its functions raises an ``MXNetError`` saying automatic
mixed precision is not supported; the other parts of MXNet's ``contrib`` (``onnx``,
``quantization``, ``tensorboard``, ``text``, ``svrg_optimization``, ``io``, ``autograd``)
are outside mxcompat's scope and fail at import with an ``MXNetError`` saying so.
"""
from __future__ import annotations

import importlib
from typing import Any

from ..ndarray import contrib as nd  # noqa: F401  (mx.contrib.nd)

_OUT_OF_SCOPE = {
    "autograd": "mx.contrib.autograd (use mx.autograd)",
    "io": "mx.contrib.io",
    "onnx": "mx.contrib.onnx",
    "quantization": "mx.contrib.quantization",
    "quant": "mx.contrib.quantization",
    "svrg_optimization": "mx.contrib.svrg_optimization",
    "tensorboard": "mx.contrib.tensorboard",
    "text": "mx.contrib.text",
}


def __getattr__(name: str) -> Any:
    if name in ("ndarray", "symbol", "sym"):
        value = importlib.import_module(".ndarray" if name == "ndarray" else ".symbol", __name__)
        globals()[name] = value
        return value
    if name == "amp":
        return importlib.import_module(".amp", __name__)
    if name in _OUT_OF_SCOPE:
        from ..base import unsupported
        raise unsupported(f"mx.contrib.{name}", f"{_OUT_OF_SCOPE[name]} is outside "
                          "mxcompat's scope; see docs/migration.md", attribute=True)
    raise AttributeError(f"module 'mxcompat.contrib' has no attribute {name!r}")
