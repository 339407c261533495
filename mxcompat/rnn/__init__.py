"""``mx.rnn``: MXNet 1.9.1's legacy symbolic RNN cells (RNNCell, LSTMCell, GRUCell,
SequentialRNNCell), ``BucketSentenceIter`` and RNN checkpoints. The fused, bidirectional and
modifier cells are not provided (``mx.gluon.rnn`` has their Gluon counterparts)."""
from ..model import load_checkpoint, save_checkpoint
from .io import BucketSentenceIter, encode_sentences
from .rnn_cell import (BaseRNNCell, GRUCell, LSTMCell, RNNCell, RNNParams,
                       SequentialRNNCell)

__all__ = ["BaseRNNCell", "RNNParams", "RNNCell", "LSTMCell", "GRUCell", "SequentialRNNCell",
           "BucketSentenceIter", "encode_sentences", "save_rnn_checkpoint",
           "load_rnn_checkpoint", "do_rnn_checkpoint"]


def save_rnn_checkpoint(cells, prefix, epoch, symbol, arg_params, aux_params):  # noqa: ANN001
    """``mx.model.save_checkpoint`` with the cells' weights unpacked per gate."""
    if isinstance(cells, BaseRNNCell):
        cells = [cells]
    for cell in cells:
        arg_params = cell.unpack_weights(arg_params)
    save_checkpoint(prefix, epoch, symbol, arg_params, aux_params)


def load_rnn_checkpoint(cells, prefix, epoch):  # noqa: ANN001
    """``mx.model.load_checkpoint`` with the cells' per-gate weights packed again."""
    sym, arg, aux = load_checkpoint(prefix, epoch)
    if isinstance(cells, BaseRNNCell):
        cells = [cells]
    for cell in cells:
        arg = cell.pack_weights(arg)
    return sym, arg, aux


def do_rnn_checkpoint(cells, prefix, period=1):  # noqa: ANN001
    """Epoch-end callback saving an RNN checkpoint every ``period`` epochs."""
    period = int(max(1, period))

    def _callback(iter_no, sym=None, arg=None, aux=None):  # noqa: ANN001
        if (iter_no + 1) % period == 0:
            save_rnn_checkpoint(cells, prefix, iter_no + 1, sym, arg, aux)
    return _callback
