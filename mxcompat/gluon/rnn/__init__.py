"""``mx.gluon.rnn``: MXNet 1.9.1's recurrent cells (``RNNCell``, ``LSTMCell``, ``GRUCell``
and the stacking / modifying cells) and fused layers (``RNN``, ``LSTM``, ``GRU``)."""
from __future__ import annotations

from . import rnn_cell, rnn_layer  # noqa: F401
from .rnn_cell import *  # noqa: F401,F403
from .rnn_layer import *  # noqa: F401,F403
from .rnn_layer import torch_name  # noqa: F401 - an mxcompat extension (not in __all__)

__all__ = list(rnn_cell.__all__) + list(rnn_layer.__all__)
