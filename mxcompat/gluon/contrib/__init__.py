"""``mx.gluon.contrib``: contributed Gluon parts (each imported on first use)."""
from __future__ import annotations

import importlib
import importlib.util
from typing import Any

_PARTS = ("nn", "rnn", "cnn", "data", "estimator")


def __getattr__(name: str) -> Any:
    if name not in _PARTS:
        raise AttributeError(f"module 'mxnet.gluon.contrib' has no attribute {name!r}")
    if importlib.util.find_spec(f"{__name__}.{name}") is None:
        from ...base import unsupported
        raise unsupported(f"mx.gluon.contrib.{name}", f"mx.gluon.contrib.{name} is not "
                          "available in this build of mxcompat", attribute=True)
    mod = importlib.import_module(f".{name}", __name__)
    globals()[name] = mod
    return mod
