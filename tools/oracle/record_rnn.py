"""Record golden data for ``gluon.rnn`` / ``gluon.contrib.rnn`` from real MXNet 1.9.1 into
tests/golden/rnn.json and tests/fixtures/rnn/*.params. Run under the oracle environment;
deterministic.

What is recorded:
- ``blocks``: for each construction snippet (cells, stacks, modifiers, fused layers and their
  ``_unfuse()``), the repr, prefix, ``collect_params()`` names / shapes / dtypes, the
  structural (``save_parameters``) names and ``state_info(2)``;
- ``errors``: the exception class and message MXNet gives for the common mistakes;
- ``inits``: parameter values of layers / cells initialized with deterministic initializers,
  and the moments of the default (``initialize()``) weights;
- ``layers``: fused RNN / LSTM / GRU layers on fixed weights, inputs and begin states:
  outputs, final states, and the gradients of the input, the begin states and every
  parameter (each layer type with every option: layers, directions, layouts, projection,
  state clipping and sequence lengths (which MXNet's CPU kernel ignores), float64, dropout
  in predict mode, default begin states);
- ``cells``: cells unrolled on fixed weights (layouts, merged or not, valid lengths, given
  or default begin states, the contrib cells and ``dynamic_unroll``): outputs, states and
  gradients;
- fixtures: layers and cells saved by ``save_parameters`` (and ``collect_params().save``),
  with their outputs on a fixed input;
- tests/golden/char_lstm.stdout: what examples/char_lstm.py prints under MXNet.

Before writing, the reverse direction is checked live: the same layers built and saved by
mxcompat (in a subprocess) load in this MXNet with the same outputs, and the files are
byte-identical to MXNet's own.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path

import numpy as np

warnings.filterwarnings("ignore")
ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "tests" / "golden" / "rnn.json"
EXAMPLE_OUT = ROOT / "tests" / "golden" / "char_lstm.stdout"
FIXTURES = ROOT / "tests" / "fixtures" / "rnn"

# ---- what both sides build (this part also runs under mxcompat: keep it plain) ------------
BLOCKS = [
    ("rnncell", "rnn.RNNCell(4)"),
    ("rnncell_relu", "rnn.RNNCell(4, activation='relu', input_size=3, prefix='r_')"),
    ("lstmcell", "rnn.LSTMCell(4, input_size=3)"),
    ("grucell", "rnn.GRUCell(5)"),
    ("sequential", "stack(rnn.SequentialRNNCell, ['rnn.LSTMCell(3)', 'rnn.DropoutCell(0.5)', "
                   "'rnn.GRUCell(3, input_size=3)'])"),
    ("hybridsequential", "stack(rnn.HybridSequentialRNNCell, ['rnn.RNNCell(3)', "
                         "'rnn.LSTMCell(2)'])"),
    ("bidirectional", "rnn.BidirectionalCell(rnn.LSTMCell(3, prefix='l_'), "
                      "rnn.GRUCell(3, prefix='r_'))"),
    ("dropoutcell", "rnn.DropoutCell(0.25, axes=(0,))"),
    ("zoneout", "rnn.ZoneoutCell(rnn.LSTMCell(3, prefix='z_'), 0.5, 0.2)"),
    ("residual", "rnn.ResidualCell(rnn.GRUCell(3))"),
    ("vardrop", "contrib_rnn.VariationalDropoutCell(rnn.GRUCell(3), 0.1, 0.2, 0.3)"),
    ("lstmp", "contrib_rnn.LSTMPCell(6, 3)"),
    ("lstmp_sized", "contrib_rnn.LSTMPCell(6, 3, input_size=4)"),
    ("conv1d_rnn", "contrib_rnn.Conv1DRNNCell((3, 7), 4, 3, 3)"),
    ("conv1d_lstm", "contrib_rnn.Conv1DLSTMCell((0, 7), 4, (3,), (3,), i2h_pad=(1,))"),
    ("conv2d_gru", "contrib_rnn.Conv2DGRUCell((5, 7, 2), 3, 3, (3, 1), conv_layout='NHWC')"),
    ("conv2d_lstm", "contrib_rnn.Conv2DLSTMCell((2, 6, 6), 3, (3, 3), (5, 3), i2h_dilate=2)"),
    ("conv3d_rnn", "contrib_rnn.Conv3DRNNCell((2, 4, 4, 4), 3, 3, 3, activation='relu')"),
    ("conv3d_gru", "contrib_rnn.Conv3DGRUCell((2, 4, 4, 4), 2, 1, 3)"),
    ("lstm", "rnn.LSTM(10)"),
    ("lstm_full", "rnn.LSTM(10, 3, dropout=0.5, bidirectional=True, input_size=4, "
                  "layout='NTC')"),
    ("lstm_proj", "rnn.LSTM(6, 2, projection_size=3, input_size=4)"),
    ("lstm_proj_bi", "rnn.LSTM(6, 2, projection_size=3, bidirectional=True)"),
    ("gru", "rnn.GRU(10, 2)"),
    ("gru_f64", "rnn.GRU(4, input_size=3, dtype='float64')"),
    ("rnn_relu", "rnn.RNN(10)"),
    ("rnn_tanh_bi", "rnn.RNN(5, 2, activation='tanh', bidirectional=True, input_size=2)"),
    ("lstm_prefix", "rnn.LSTM(3, prefix='enc_')"),
    ("unfuse_lstm_bi", "rnn.LSTM(3, 2, bidirectional=True, input_size=2)._unfuse()"),
    ("unfuse_gru_dropout", "rnn.GRU(3, 3, dropout=0.3)._unfuse()"),
    ("unfuse_rnn", "rnn.RNN(4, activation='tanh', input_size=5)._unfuse()"),
    ("nested", "net_with_lstm()"),
]

BUILD_HELPERS = '''
def stack(cls, children, **kw):
    net = cls(**kw)
    with net.name_scope():
        for c in children:
            net.add(eval(c) if isinstance(c, str) else c)
    return net


def net_with_lstm():
    net = gluon.nn.HybridSequential()
    with net.name_scope():
        net.add(rnn.LSTM(4, 2, input_size=3, bidirectional=True))
        net.add(gluon.nn.Dense(2, flatten=False))
    return net
'''

# ---- errors: (id, code, None for the exact message, or a phrase both messages contain) -----
ERRORS = [
    ("layout", "rnn.LSTM(10, layout='NCT')", None),
    ("state_shape", "l = rnn.LSTM(4, input_size=3); l.initialize(); "
                    "l(mx.nd.ones((2, 3, 3)), [mx.nd.ones((1, 2, 4)), mx.nd.ones((1, 2, 4))])",
     None),
    ("state_shape_gru", "l = rnn.GRU(4, 2, input_size=3); l.initialize(); "
                        "l(mx.nd.ones((2, 3, 3)), mx.nd.ones((1, 3, 4)))", None),
    ("input_rank", "l = rnn.GRU(4, input_size=3); l.initialize(); l(mx.nd.ones((2, 3)))",
     "rank-3"),
    ("input_size", "l = rnn.LSTM(4, input_size=3); l.initialize(); l(mx.nd.ones((2, 3, 5)))",
     "Shape inconsistent"),
    ("dtype_mismatch", "l = rnn.LSTM(4, input_size=3); l.initialize(); "
                       "l(mx.nd.ones((2, 3, 3), dtype='float64'))", "requires uniform type"),
    ("fp16_cpu", "l = rnn.GRU(4, input_size=3, dtype='float16'); l.initialize(); "
                 "l(mx.nd.ones((2, 3, 3), dtype='float16')).asnumpy()",
     "FP16 gemm on cpu not implemented"),
    ("lstm_one_state", "l = rnn.LSTM(4, input_size=3); l.initialize(); "
                       "l(mx.nd.ones((2, 3, 3)), mx.nd.zeros((1, 3, 4)))", "expects"),
    ("bidirectional_step", "c = rnn.BidirectionalCell(rnn.LSTMCell(3), rnn.LSTMCell(3)); "
                           "c(mx.nd.ones((2, 3)), [])", None),
    ("zoneout_bidirectional", "rnn.ZoneoutCell(rnn.BidirectionalCell(rnn.LSTMCell(3), "
                              "rnn.LSTMCell(3)))", None),
    ("zoneout_sequential", "rnn.ZoneoutCell(rnn.SequentialRNNCell())", "_bidirectional"),
    ("modified_twice", "x = rnn.LSTMCell(3, prefix='x_'); rnn.ZoneoutCell(x); "
                       "rnn.ResidualCell(x)", None),
    ("modified_begin_state", "x = rnn.LSTMCell(3); rnn.ZoneoutCell(x); "
                             "x.begin_state(batch_size=2)", None),
    ("dropout_rate", "rnn.DropoutCell('a')", None),
    ("conv_setting", "contrib_rnn.Conv1DRNNCell((5, 7), 10, (3, 3), 3)", None),
    ("conv_even_kernel", "contrib_rnn.Conv2DLSTMCell((5, 7, 7), 10, 3, (3, 2))", None),
    ("unfuse_projection", "rnn.LSTM(3, projection_size=2)._unfuse()", None),
    ("unfuse_clip", "rnn.LSTM(3, state_clip_min=-1, state_clip_max=1)._unfuse()", None),
    ("unroll_length", "c = rnn.LSTMCell(4); c.initialize(); c.unroll(3, mx.nd.ones((2, 4, 5)))",
     ""),
    ("unroll_list_length", "c = rnn.LSTMCell(4); c.initialize(); "
                           "c.unroll(3, [mx.nd.ones((2, 5))] * 2)", ""),
    ("cell_missing_state", "c = rnn.LSTMCell(4); c.initialize(); "
                           "c(mx.nd.ones((3, 5)), [mx.nd.ones((3, 4))])", "out of range"),
    ("leaky_block_unroll", "c = rnn.RNNCell(3, activation=gluon.nn.LeakyReLU(0.1)); "
                           "c.initialize(); c.unroll(2, mx.nd.ones((1, 2, 2)))",
     "has no attribute 'reset'"),
    ("deferred_data", "l = rnn.LSTM(4); l.initialize(); l.l0_i2h_weight.data()", None),
]

# ---- fused layers on fixed weights ----------------------------------------------------------
#: (id, constructor, input shape, begin states given, train mode (None: forward only, as
#: MXNet's CPU kernel has no backward for LSTM projections), dtype, sequence lengths)
LAYER_RUNS = [
    ("lstm", "rnn.LSTM(3, input_size=4)", (5, 2, 4), True, False, "float32", None),
    ("lstm_default_states", "rnn.LSTM(3)", (5, 2, 4), False, False, "float32", None),
    ("lstm_2l", "rnn.LSTM(3, 2)", (4, 2, 4), True, True, "float32", None),
    ("lstm_bi", "rnn.LSTM(3, bidirectional=True)", (4, 3, 2), True, True, "float32", None),
    ("lstm_2l_bi_ntc", "rnn.LSTM(3, 2, bidirectional=True, layout='NTC')", (2, 4, 3), True,
     True, "float32", None),
    ("lstm_proj", "rnn.LSTM(5, projection_size=3)", (4, 2, 3), True, None, "float32", None),
    ("lstm_proj_2l_bi", "rnn.LSTM(5, 2, projection_size=2, bidirectional=True)", (3, 2, 3),
     True, None, "float32", None),
    ("lstm_proj_default_states", "rnn.LSTM(4, projection_size=2, layout='NTC')", (2, 3, 3),
     False, None, "float32", None),
    ("lstm_clip", "rnn.LSTM(3, state_clip_min=-0.05, state_clip_max=0.05, "
                  "state_clip_nan=True)", (4, 2, 3), True, True, "float32", None),
    ("lstm_seqlen", "rnn.LSTM(3, use_sequence_length=True, bidirectional=True, "
                    "input_size=2)", (4, 3, 2), True, True, "float32", [4, 2, 1]),
    ("lstm_f64", "rnn.LSTM(3, 2, dtype='float64')", (3, 2, 4), True, True, "float64", None),
    ("lstm_dropout_predict", "rnn.LSTM(3, 3, dropout=0.5)", (3, 2, 2), True, False,
     "float32", None),
    ("gru", "rnn.GRU(3)", (5, 2, 4), True, True, "float32", None),
    ("gru_default_states", "rnn.GRU(4, layout='NTC')", (2, 5, 3), False, True, "float32",
     None),
    ("gru_2l_bi", "rnn.GRU(3, 2, bidirectional=True)", (4, 2, 3), True, True, "float32",
     None),
    ("gru_f64_ntc", "rnn.GRU(3, layout='NTC', dtype='float64')", (2, 3, 2), True, True,
     "float64", None),
    ("gru_seqlen", "rnn.GRU(3, use_sequence_length=True, input_size=2)", (4, 2, 2), True,
     True, "float32", [2, 4]),
    ("rnn_relu", "rnn.RNN(3)", (5, 2, 4), True, True, "float32", None),
    ("rnn_tanh", "rnn.RNN(3, activation='tanh')", (5, 2, 4), True, True, "float32", None),
    ("rnn_relu_2l_bi_ntc", "rnn.RNN(4, 2, bidirectional=True, layout='NTC')", (3, 4, 2),
     True, True, "float32", None),
    ("rnn_tanh_3l", "rnn.RNN(3, 3, activation='tanh')", (3, 2, 2), False, True, "float32",
     None),
    ("rnn_tanh_f64_bi", "rnn.RNN(2, activation='tanh', bidirectional=True, dtype='float64')",
     (3, 2, 3), True, True, "float64", None),
]

# ---- cells unrolled on fixed weights ---------------------------------------------------------
#: (id, constructor, input shape, length, layout, merge_outputs, valid lengths, given begin
#: states)
CELL_RUNS = [
    ("rnncell_ntc", "rnn.RNNCell(3)", (2, 4, 3), 4, "NTC", True, None, False),
    ("rnncell_relu_tnc_list", "rnn.RNNCell(3, activation='relu')", (4, 2, 3), 4, "TNC", False,
     None, True),
    ("rnncell_softsign", "rnn.RNNCell(3, activation='softsign')", (2, 3, 2), 3, "NTC", True,
     None, False),
    ("rnncell_softrelu", "rnn.RNNCell(3, activation='softrelu')", (2, 3, 2), 3, "NTC", True,
     None, False),
    ("lstmcell", "rnn.LSTMCell(3)", (2, 4, 3), 4, "NTC", True, None, True),
    ("lstmcell_acts", "rnn.LSTMCell(3, activation='relu', recurrent_activation='tanh')",
     (2, 3, 2), 3, "NTC", True, None, False),
    ("lstmcell_valid", "rnn.LSTMCell(3)", (3, 4, 2), 4, "NTC", True, [4, 1, 2], True),
    ("grucell", "rnn.GRUCell(3)", (4, 2, 3), 4, "TNC", True, None, True),
    ("grucell_valid_tnc", "rnn.GRUCell(3)", (4, 3, 2), 4, "TNC", None, [2, 4, 3], False),
    ("sequential", "stack(rnn.SequentialRNNCell, ['rnn.LSTMCell(3)', 'rnn.DropoutCell(0.5)', "
                   "'rnn.GRUCell(2)'])", (2, 3, 2), 3, "NTC", True, None, False),
    ("hybridsequential_valid", "stack(rnn.HybridSequentialRNNCell, ['rnn.RNNCell(3)', "
                               "'rnn.ResidualCell(rnn.GRUCell(3))'])", (3, 4, 2), 4, "NTC",
     False, [1, 4, 3], False),
    ("bidirectional", "rnn.BidirectionalCell(rnn.LSTMCell(3), rnn.GRUCell(2))", (2, 3, 2), 3,
     "NTC", True, None, True),
    ("bidirectional_valid", "rnn.BidirectionalCell(rnn.GRUCell(3), rnn.GRUCell(3))",
     (3, 4, 2), 4, "NTC", True, [4, 2, 1], False),
    ("bidirectional_list", "rnn.BidirectionalCell(rnn.RNNCell(2), rnn.RNNCell(2))", (3, 2, 2),
     3, "TNC", False, None, False),
    ("residual", "rnn.ResidualCell(rnn.GRUCell(2))", (2, 3, 2), 3, "NTC", True, None, False),
    ("residual_list", "rnn.ResidualCell(rnn.RNNCell(2))", (2, 3, 2), 3, "NTC", False, None,
     False),
    ("zoneout_predict", "rnn.ZoneoutCell(rnn.LSTMCell(3), 0.5, 0.5)", (2, 3, 2), 3, "NTC",
     True, None, False),
    ("dropoutcell_predict", "rnn.DropoutCell(0.5)", (2, 3, 2), 3, "NTC", True, None, False),
    ("vardrop_predict", "contrib_rnn.VariationalDropoutCell(rnn.LSTMCell(3), 0.5, 0.5, 0.5)",
     (2, 3, 2), 3, "NTC", True, None, False),
    ("vardrop_nostate_valid", "contrib_rnn.VariationalDropoutCell(rnn.GRUCell(3), 0.5, 0, "
                              "0.5)", (3, 3, 2), 3, "NTC", True, [3, 1, 2], False),
    ("lstmp", "contrib_rnn.LSTMPCell(4, 2)", (2, 3, 3), 3, "NTC", True, None, True),
    ("conv1d_rnn", "contrib_rnn.Conv1DRNNCell((2, 5), 3, 3, 3)", (2, 3, 2, 5), 3, "NTC", True,
     None, False),
    ("conv1d_lstm_pad", "contrib_rnn.Conv1DLSTMCell((2, 5), 2, 3, 3, i2h_pad=1)",
     (2, 3, 2, 5), 3, "NTC", True, None, True),
    ("conv2d_gru", "contrib_rnn.Conv2DGRUCell((2, 4, 4), 2, 3, 3, i2h_pad=1, h2h_dilate=2)",
     (2, 2, 2, 4, 4), 2, "NTC", True, None, False),
    ("conv2d_lstm_deferred", "contrib_rnn.Conv2DLSTMCell((0, 4, 5), 2, (3, 2), 3)",
     (2, 2, 3, 4, 5), 2, "NTC", False, None, False),
    ("conv3d_rnn", "contrib_rnn.Conv3DRNNCell((1, 3, 3, 3), 2, 2, 1)", (2, 2, 1, 3, 3, 3), 2,
     "NTC", True, None, False),
]

#: cells MXNet 1.9.1's oneDNN build cannot run (a padded i2h convolution fails in backward with
#: "Check failed: to.IsDefaultData()"): recorded with MXNET_MKLDNN_ENABLED=0 (its native kernels)
NO_ONEDNN = {"conv1d_lstm_pad", "conv2d_gru"}

#: (id, cell, layout, with valid lengths)
DYNAMIC_RUNS = [
    ("lstm_tnc", "rnn.LSTMCell(3, prefix='rnn_')", "TNC", False),
    ("gru_ntc_valid", "rnn.GRUCell(3, prefix='rnn_')", "NTC", True),
    ("rnn_tnc_valid", "rnn.RNNCell(3, prefix='rnn_')", "TNC", True),
]

#: (id, layer or cell constructor, how it initializes)
INIT_RUNS = [
    ("lstm_lstmbias", "rnn.LSTM(2, 2, input_size=3, i2h_weight_initializer='ones', "
                      "h2h_weight_initializer=mx.init.Constant(0.5), "
                      "i2h_bias_initializer=mx.init.LSTMBias(2.0), h2h_bias_initializer='ones')"),
    ("gru_bi_default_bias", "rnn.GRU(2, bidirectional=True, input_size=2)"),
    ("lstm_proj_h2r", "rnn.LSTM(3, input_size=2, projection_size=2, "
                      "h2r_weight_initializer='ones')"),
    ("lstmcell_inits", "rnn.LSTMCell(2, input_size=2, i2h_bias_initializer='lstmbias', "
                       "h2h_weight_initializer='ones')"),
    ("lstmpcell_inits", "contrib_rnn.LSTMPCell(2, 1, input_size=2, "
                        "h2r_weight_initializer=mx.init.Constant(3))"),
    ("conv_inits", "contrib_rnn.Conv1DGRUCell((1, 3), 1, 1, 1, i2h_weight_initializer='ones', "
                   "h2h_bias_initializer='ones')"),
]


def values(shape, seed, dtype="float32"):
    rs = np.random.RandomState(seed)
    return rs.uniform(-1.0, 1.0, size=shape).astype(dtype)


RUN_CODE = BUILD_HELPERS + '''
def _np(a):
    return a.asnumpy().astype(np.float64)


def _r8(a):
    """float values at 8 significant digits (what the tests compare against)."""
    return [float("%.8g" % v) for v in np.asarray(a, dtype=np.float64).ravel()]


def _fill(net, seed=100, scale=0.5):
    for i, (name, p) in enumerate(sorted(net._collect_params_with_prefix().items())):
        v = np.random.RandomState(seed + i).uniform(-scale, scale, size=p.shape)
        p.set_data(mx.nd.array(v.astype(p.dtype), dtype=p.dtype))


def _head_loss(arrs, seed):
    loss = None
    for i, a in enumerate(arrs):
        h = np.random.RandomState(seed + i).uniform(-1, 1, size=a.shape).astype(a.dtype)
        term = (a * mx.nd.array(h, dtype=a.dtype)).sum()
        loss = term if loss is None else loss + term
    return loss


def _grads(net):
    return {k: _r8(_np(p.grad())) for k, p in sorted(net._collect_params_with_prefix().items())
            if p.grad_req != 'null'}


def run_layer(code, shape, with_states, train, dtype, seqlen):
    with mx.name.NameManager():
        net = eval(code)
    x = mx.nd.array(np.random.RandomState(7).uniform(-1, 1, size=shape).astype(dtype),
                    dtype=dtype)
    net.initialize(mx.init.Zero())
    batch = shape[net._layout.find('N')]
    states = None
    if with_states:
        states = [mx.nd.array(np.random.RandomState(20 + i).uniform(-1, 1, size=s.shape)
                              .astype(dtype), dtype=dtype)
                  for i, s in enumerate(net.begin_state(batch, dtype=dtype))]
    args = [x] if states is None else [x, states]
    if seqlen is not None:
        args.append(mx.nd.array(seqlen))
    with mx.autograd.pause():
        net(*args)  # deferred shapes
    _fill(net)
    if train is None:
        out = net(*args)
        y, finals = (out[0], out[1]) if states is not None else (out, [])
        return {"output": _r8(_np(y)), "output_shape": list(y.shape),
                "states": [_r8(_np(s)) for s in finals],
                "state_shapes": [list(s.shape) for s in finals],
                "dtype": str(y.dtype.__name__)}
    x.attach_grad()
    for s in states or []:
        s.attach_grad()
    with mx.autograd.record(train_mode=train):
        out = net(*args)
        y, finals = (out[0], out[1]) if states is not None else (out, [])
        loss = _head_loss([y] + list(finals), 11)
    loss.backward()
    res = {"output": _r8(_np(y)), "output_shape": list(y.shape),
           "states": [_r8(_np(s)) for s in finals],
           "state_shapes": [list(s.shape) for s in finals],
           "input_grad": _r8(_np(x.grad)),
           "state_grads": [_r8(_np(s.grad)) for s in states or []],
           "param_grads": _grads(net), "dtype": str(y.dtype.__name__)}
    return res


def run_cell(code, shape, length, layout, merge, valid, given_states):
    with mx.name.NameManager():
        net = eval(code)
    x = mx.nd.array(np.random.RandomState(7).uniform(-1, 1, size=shape).astype('float32'))
    net.initialize(mx.init.Zero())
    batch = shape[layout.find('N')]
    with mx.autograd.pause():
        net.unroll(length, x, layout=layout, merge_outputs=True)  # deferred shapes
    _fill(net)
    states = None
    if given_states:
        states = [mx.nd.array(np.random.RandomState(20 + i).uniform(-1, 1, size=s.shape)
                              .astype('float32'))
                  for i, s in enumerate(net.begin_state(batch_size=batch, func=mx.nd.zeros))]
        for s in states:
            s.attach_grad()
    vl = None if valid is None else mx.nd.array(valid)
    x.attach_grad()
    with mx.autograd.record(train_mode=False):
        outs, finals = net.unroll(length, x, begin_state=states, layout=layout,
                                  merge_outputs=merge, valid_length=vl)
        outs_list = outs if isinstance(outs, (list, tuple)) else [outs]
        loss = _head_loss(list(outs_list) + list(finals), 11)
    loss.backward()
    return {"merged": not isinstance(outs, (list, tuple)),
            "outputs": [_r8(_np(o)) for o in outs_list],
            "output_shapes": [list(o.shape) for o in outs_list],
            "states": [_r8(_np(s)) for s in finals],
            "state_shapes": [list(s.shape) for s in finals],
            "input_grad": _r8(_np(x.grad)),
            "state_grads": [_r8(_np(s.grad)) for s in states or []],
            "param_grads": _grads(net)}


def run_dynamic(code, layout, valid):
    with mx.name.NameManager():
        cell = eval(code)
    T, N, C, H = 4, 3, 2, 3
    shape = (T, N, C) if layout == 'TNC' else (N, T, C)
    x = mx.nd.array(np.random.RandomState(7).uniform(-1, 1, size=shape).astype('float32'))
    cell.initialize(mx.init.Zero())
    states = [mx.nd.array(np.random.RandomState(20 + i).uniform(-1, 1, size=s['shape'])
                          .astype('float32'))
              for i, s in enumerate(cell.state_info(N))]
    cell(x[0] if layout == 'TNC' else x[:, 0, :], states)  # deferred shapes
    _fill(cell)
    vl = mx.nd.array([4, 1, 3]) if valid else None
    x.attach_grad()
    with mx.autograd.record(train_mode=False):
        outs, finals = contrib_rnn.rnn_cell.dynamic_unroll(cell, x, states, layout=layout,
                                                           valid_length=vl)
        loss = _head_loss([outs] + list(finals), 11)
    loss.backward()
    return {"outputs": _r8(_np(outs)), "output_shape": list(outs.shape),
            "states": [_r8(_np(s)) for s in finals], "input_grad": _r8(_np(x.grad)),
            "param_grads": _grads(cell)}


def run_init(code):
    with mx.name.NameManager():
        net = eval(code)
    net.initialize(mx.init.Constant(0.25))  # for the parameters without an init of their own
    return {k: _r8(_np(p.data())) for k, p in sorted(net._collect_params_with_prefix().items())}
'''


def _namespace(mx):
    """What the snippets see: mx, gluon, rnn, contrib_rnn, np and the helpers."""
    gluon = mx.gluon
    ns = {"mx": mx, "gluon": gluon, "rnn": gluon.rnn, "contrib_rnn": gluon.contrib.rnn,
          "np": np}
    exec(RUN_CODE, ns)  # noqa: S102 - our own helper code
    return ns


def record_blocks(mx, ns):
    out = {}
    for bid, code in BLOCKS:
        with mx.name.NameManager():
            obj = eval(code, ns)  # noqa: S307
        ent = {"repr": repr(obj), "prefix": obj.prefix, "name": obj.name,
               "params": [[k, list(p.shape), str(p.dtype)]
                          for k, p in obj.collect_params().items()],
               "structural": sorted(obj._collect_params_with_prefix())}
        if hasattr(obj, "state_info"):
            try:
                ent["state_info"] = obj.state_info(2)
            except NotImplementedError:
                pass
        out[bid] = ent
    return out


def record_errors(mx, ns):
    out = {}
    for eid, code, phrase in ERRORS:
        try:
            with mx.name.NameManager():
                exec(code, ns)  # noqa: S102
            raise SystemExit(f"record_rnn: error case {eid} did not raise")
        except SystemExit:
            raise
        except Exception as e:  # noqa: BLE001
            bases = [c.__name__ for c in type(e).__mro__
                     if c.__name__ in ("ValueError", "TypeError", "KeyError", "AssertionError",
                                       "RuntimeError", "IndexError", "AttributeError",
                                       "NotImplementedError")]
            msg = str(e)
            if phrase and phrase not in msg:
                raise SystemExit(f"record_rnn: {eid}: {phrase!r} not in {msg!r}") from None
            out[eid] = {"type": type(e).__name__, "bases": bases, "message": msg}
    return out


def record_inits(mx, ns):
    out = {eid: ns["run_init"](code) for eid, code in INIT_RUNS}
    # the default initialization: global Uniform(0.07) for the weights, zeros for the biases
    with mx.name.NameManager():
        net = mx.gluon.rnn.LSTM(50, 2, input_size=40, bidirectional=True)
    mx.random.seed(0)
    net.initialize()
    mom = {}
    for k, p in sorted(net._collect_params_with_prefix().items()):
        v = p.data().asnumpy().astype(np.float64)
        mom[k] = {"mean": float(v.mean()), "std": float(v.std()), "min": float(v.min()),
                  "max": float(v.max())}
    out["default_moments"] = mom
    return out


# ---- layers saved to files ---------------------------------------------------------------
NET_CODE = '''
SAVED = [
    ("lstm_bi_2l", "gluon.rnn.LSTM(4, 2, bidirectional=True, input_size=3)"),
    ("gru", "gluon.rnn.GRU(5, input_size=3, layout='NTC')"),
    ("rnn_tanh_2l", "gluon.rnn.RNN(3, 2, activation='tanh', input_size=3)"),
    ("lstm_proj", "gluon.rnn.LSTM(6, projection_size=2, input_size=3)"),
    ("lstmcell", "gluon.rnn.LSTMCell(4, input_size=3)"),
    ("stack", "stack_cells()"),
    ("net", "net_with_lstm()"),
]


def stack_cells():
    net = gluon.rnn.HybridSequentialRNNCell()
    with net.name_scope():
        net.add(gluon.rnn.BidirectionalCell(gluon.rnn.GRUCell(3, input_size=3, prefix='l0_'),
                                            gluon.rnn.GRUCell(3, input_size=3, prefix='r0_')))
        net.add(gluon.rnn.ResidualCell(gluon.rnn.RNNCell(6, input_size=6, prefix='l1_')))
    return net


def net_with_lstm():
    net = gluon.nn.HybridSequential()
    with net.name_scope():
        net.add(gluon.rnn.LSTM(4, 2, input_size=3, bidirectional=True))
        net.add(gluon.nn.Dense(2, flatten=False, in_units=8))
    return net


def build(kind):
    with mx.name.NameManager():
        return eval(dict(SAVED)[kind])


def net_input(kind):
    shape = (2, 4, 3) if kind == 'gru' else (4, 2, 3)
    return mx.nd.array(np.random.RandomState(5).uniform(-1, 1, size=shape).astype(np.float32))


def forward(net, kind, x):
    if hasattr(net, 'unroll'):
        return net.unroll(4, x, layout='TNC', merge_outputs=True)[0]
    return net(x)


def filled(kind):
    net = build(kind)
    net.initialize(mx.init.Zero())
    for i, (name, p) in enumerate(sorted(net._collect_params_with_prefix().items())):
        v = np.random.RandomState(300 + i).uniform(-1.0, 1.0, size=p.shape)
        p.set_data(mx.nd.array(v.astype(np.float32)))
    return net


def save_all(kind, folder):
    net = filled(kind)
    net.save_parameters(os.path.join(folder, kind + '.params'))
    net.collect_params().save(os.path.join(folder, kind + '_prefixed.params'))
    return forward(net, kind, net_input(kind)).asnumpy().tolist()
'''

_MXCOMPAT_SIDE = r'''
import os, sys, json, warnings
import numpy as np
warnings.filterwarnings("ignore")
import mxcompat
mxcompat.install()
import mxnet as mx
from mxnet import gluon
ns = {"mx": mx, "gluon": gluon, "np": np, "os": os}
exec(open(sys.argv[1]).read(), ns)
kinds = [k for k, _ in ns["SAVED"]]
print(json.dumps({k: ns["save_all"](k, sys.argv[2]) for k in kinds}))
'''


def record_nets(mx, tmp):
    ns = {"mx": mx, "gluon": mx.gluon, "np": np, "os": os}
    exec(NET_CODE, ns)  # noqa: S102
    kinds = [k for k, _ in ns["SAVED"]]
    FIXTURES.mkdir(parents=True, exist_ok=True)
    outs = {k: ns["save_all"](k, str(FIXTURES)) for k in kinds}
    # the reverse direction: mxcompat writes the same layers; MXNet loads them
    code_file = os.path.join(tmp, "net_code.py")
    with open(code_file, "w") as f:
        f.write(NET_CODE)
    mine = os.path.join(tmp, "mxcompat")
    os.makedirs(mine)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    raw = subprocess.run([sys.executable, "-c", _MXCOMPAT_SIDE, code_file, mine], env=env,
                         check=True, stdout=subprocess.PIPE).stdout
    their_outs = json.loads(raw)
    for kind in kinds:
        np.testing.assert_allclose(their_outs[kind], outs[kind], rtol=1e-5, atol=1e-6)
        for suffix in ("", "_prefixed"):
            fname = f"{kind}{suffix}.params"
            ours = open(os.path.join(mine, fname), "rb").read()
            theirs = (FIXTURES / fname).read_bytes()
            if ours != theirs:
                raise SystemExit(f"record_rnn: {fname} written by mxcompat differs from "
                                 "MXNet's bytes")
        net = ns["build"](kind)
        net.load_parameters(os.path.join(mine, f"{kind}.params"))
        got = ns["forward"](net, kind, ns["net_input"](kind)).asnumpy()
        np.testing.assert_allclose(got, outs[kind], rtol=1e-6, atol=1e-7)
    return outs


def _cell_without_onednn(cid):
    """run_cell for ``cid`` in an MXNet with oneDNN switched off (a subprocess)."""
    env = dict(os.environ, MXNET_MKLDNN_ENABLED="0", MXNET_STORAGE_FALLBACK_LOG_VERBOSE="0")
    raw = subprocess.run([sys.executable, __file__, "--cell", cid], env=env, check=True,
                         stdout=subprocess.PIPE).stdout
    return json.loads(raw)


def main() -> int:
    import mxnet as mx
    ns = _namespace(mx)
    if sys.argv[1:2] == ["--cell"]:
        cid = sys.argv[2]
        code, shape, ln, lay, merge, vl, st = {c[0]: c[1:] for c in CELL_RUNS}[cid]
        print(json.dumps(ns["run_cell"](code, shape, ln, lay, merge, vl, st)))
        return 0
    golden = {"mxnet_version": mx.__version__,
              "blocks": record_blocks(mx, ns),
              "errors": record_errors(mx, ns),
              "inits": record_inits(mx, ns),
              "layers": {lid: ns["run_layer"](code, shape, st, train, dt, sl)
                         for lid, code, shape, st, train, dt, sl in LAYER_RUNS},
              "cells": {cid: (_cell_without_onednn(cid) if cid in NO_ONEDNN else
                              ns["run_cell"](code, shape, ln, lay, merge, vl, st))
                        for cid, code, shape, ln, lay, merge, vl, st in CELL_RUNS},
              "dynamic": {did: ns["run_dynamic"](code, lay, vl)
                          for did, code, lay, vl in DYNAMIC_RUNS}}
    with tempfile.TemporaryDirectory() as tmp:
        golden["nets"] = record_nets(mx, tmp)
    GOLDEN.write_text(json.dumps(golden, indent=0, sort_keys=True) + "\n")
    example = subprocess.run([sys.executable, str(ROOT / "examples" / "char_lstm.py")],
                             check=True, stdout=subprocess.PIPE, text=True).stdout
    EXAMPLE_OUT.write_text(example)
    print(f"wrote {GOLDEN.relative_to(ROOT)}, {EXAMPLE_OUT.relative_to(ROOT)} and "
          f"{FIXTURES.relative_to(ROOT)}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
