"""``mx.gluon.nn``: MXNet 1.9.1's neural-network layers (plus MXNet 2.0's ``SiLU``,
``Identity`` and ``SyncBatchNorm`` names as mxcompat extensions)."""
from __future__ import annotations

from .activations import *  # noqa: F401,F403
from .basic_layers import *  # noqa: F401,F403
from .conv_layers import *  # noqa: F401,F403
from ..block import Block, HybridBlock, SymbolBlock  # noqa: F401
from . import activations, basic_layers, conv_layers  # noqa: F401
from .activations import __all__ as _act_all
from .basic_layers import __all__ as _basic_all
from .conv_layers import __all__ as _conv_all

# MXNet 2.0 has these in gluon.nn; 1.9.1 only in gluon.contrib.nn (extensions here)
from ..contrib.nn.basic_layers import Identity, SyncBatchNorm  # noqa: E402,F401

__all__ = list(_act_all) + list(_basic_all) + list(_conv_all) + ["Identity", "SyncBatchNorm"]
