"""``mx.gluon.model_zoo``: MXNet 1.9.1's predefined vision networks (``vision``), its cache of
pretrained ``.params`` files (``model_store``) and, as an mxcompat extension, the way out to
plain PyTorch (``torch_export``)."""
from __future__ import annotations

from . import model_store, vision  # noqa: F401

__all__ = ["model_store", "vision"]
