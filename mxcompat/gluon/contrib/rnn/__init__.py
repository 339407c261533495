"""``mx.gluon.contrib.rnn``: contributed recurrent cells (``VariationalDropoutCell``,
``LSTMPCell``, the convolutional RNN / LSTM / GRU cells) and ``rnn_cell.dynamic_unroll``."""
from __future__ import annotations

from . import conv_rnn_cell, rnn_cell  # noqa: F401
from .conv_rnn_cell import *  # noqa: F401,F403
from .rnn_cell import *  # noqa: F401,F403

__all__ = list(conv_rnn_cell.__all__) + list(rnn_cell.__all__)
