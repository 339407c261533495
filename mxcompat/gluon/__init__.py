"""``mx.gluon``: MXNet 1.9.1's imperative/hybrid neural-network API over mxcompat's NDArrays.

MXNet imports every part of Gluon with the package; here each part is imported on first use,
so ``from mxnet import gluon`` stays cheap and a part that is not available yet fails with a
clear ``MXNetError`` naming it.
"""
from __future__ import annotations

import importlib
import importlib.util
from typing import Any

#: public name -> the submodule that defines it (a submodule's own name maps to itself)
_LAZY = {
    "Parameter": "parameter", "Constant": "parameter", "ParameterDict": "parameter",
    "DeferredInitializationError": "parameter", "tensor_types": "parameter",
    "Block": "block", "HybridBlock": "block", "SymbolBlock": "_symbolic",
    "Trainer": "trainer",
    "nn": "nn", "rnn": "rnn", "loss": "loss", "data": "data", "utils": "utils",
    "model_zoo": "model_zoo", "contrib": "contrib", "parameter": "parameter", "block": "block",
    "trainer": "trainer",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'mxnet.gluon' has no attribute {name!r}")
    if importlib.util.find_spec(f"{__name__}.{module}") is None:
        from ..base import unsupported
        raise unsupported(f"mx.gluon.{name}", f"mx.gluon.{module} is not available in this "
                          "build of mxcompat", attribute=True)
    mod = importlib.import_module(f".{module}", __name__)
    value = mod if module == name else getattr(mod, name)
    globals()[name] = value
    return value
