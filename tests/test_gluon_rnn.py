"""gluon.rnn / gluon.contrib.rnn behaviour beyond the recorded MXNet data (see
test_gluon_rnn_golden.py for that): the fused kernels against torch.nn.LSTM/GRU/RNN and a
step-by-step reference, fused layers against their unfused cells, cuDNN's sequence-length and
state-clipping semantics (GPU, or MXCOMPAT_RNN_CPU=cudnn) against hand-written references,
hybridize, save/load, dtypes, dropout, begin states, and the cells' bookkeeping."""
from __future__ import annotations

import itertools
import os
import re
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest
import torch

import mxcompat as mx
from mxcompat.base import MXNetError
from mxcompat.gluon import contrib, rnn
from mxcompat.gluon.rnn import _fused

MODES = ["lstm", "gru", "rnn_tanh", "rnn_relu"]


def _layer(mode, hidden, **kw):
    if mode == "lstm":
        return rnn.LSTM(hidden, **kw)
    if mode == "gru":
        return rnn.GRU(hidden, **kw)
    return rnn.RNN(hidden, activation=mode[4:], **kw)


def _cell(mode, hidden, **kw):
    if mode == "lstm":
        return rnn.LSTMCell(hidden, **kw)
    if mode == "gru":
        return rnn.GRUCell(hidden, **kw)
    return rnn.RNNCell(hidden, activation=mode[4:], **kw)


def _fill(block, seed=0, scale=0.5):
    for i, (_, p) in enumerate(sorted(block.collect_params().items())):
        v = np.random.RandomState(seed + i).uniform(-scale, scale, size=p.shape)
        p.set_data(mx.nd.array(v, dtype=p.dtype))


def _rand(shape, seed, dtype="float32"):
    return mx.nd.array(np.random.RandomState(seed).uniform(-1, 1, size=shape), dtype=dtype)


# ---- the kernels ---------------------------------------------------------------------------
@pytest.mark.parametrize("mode,layers,bi,proj,batch_first",
                         [(m, n, b, p, bf) for m, n, b, p, bf in
                          itertools.product(MODES, (1, 2), (False, True), (False, True),
                                            (False, True)) if m == "lstm" or not p])
def test_torch_kernel_matches_step_by_step_reference(mode, layers, bi, proj, batch_first):
    """_fused.run (torch._VF) and _fused.loop (plain torch ops, one step at a time) agree on
    outputs, final states and every gradient, in float64."""
    torch.manual_seed(0)
    g, hid, inp, t, n = _fused.GATES[mode], 3, 2, 4, 3
    dirs = 2 if bi else 1
    ph = 2 if proj else hid
    weights = []
    for layer in range(layers):
        ni = inp if layer == 0 else ph * dirs
        for _ in range(dirs):
            shapes = [(g * hid, ni), (g * hid, ph), (g * hid,), (g * hid,)]
            if proj:
                shapes.append((ph, hid))
            weights += [torch.rand(s, dtype=torch.float64, requires_grad=True) - 0.5
                        for s in shapes]
    weights = [w.detach().requires_grad_() for w in weights]
    x = torch.rand((n, t, inp) if batch_first else (t, n, inp), dtype=torch.float64,
                   requires_grad=True)
    states = [torch.rand(layers * dirs, n, ph, dtype=torch.float64, requires_grad=True)]
    if mode == "lstm":
        states.append(torch.rand(layers * dirs, n, hid, dtype=torch.float64,
                                 requires_grad=True))
    leaves = [x] + states + weights
    results = []
    for fn in (_fused.run, _fused.loop):
        out, finals = fn(mode, x, states, weights, layers, bi, 0.0, False, batch_first, proj)
        loss = (out * torch.linspace(-1, 1, out.numel(), dtype=torch.float64)
                .reshape(out.shape)).sum() + sum((f * 0.3).sum() for f in finals)
        results.append([out, *finals, *torch.autograd.grad(loss, leaves)])
    for a, b in zip(*results):
        torch.testing.assert_close(a, b, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("bi", [False, True])
def test_layer_matches_torch_nn_modules(mode, bi):
    """MXNet's parameters are torch.nn's: l{k}_i2h_weight -> weight_ih_l{k},
    r{k}_h2h_bias -> bias_hh_l{k}_reverse, ... (docs/weights.md); the outputs agree."""
    layer = _layer(mode, 4, num_layers=2, bidirectional=bi, input_size=3, layout="NTC")
    layer.initialize()
    _fill(layer)
    cls = {"lstm": torch.nn.LSTM, "gru": torch.nn.GRU}.get(mode, torch.nn.RNN)
    kw = {} if cls is not torch.nn.RNN else {"nonlinearity": mode[4:]}
    ref = cls(3, 4, num_layers=2, bidirectional=bi, batch_first=True, **kw)
    mapping = {"i2h_weight": "weight_ih", "h2h_weight": "weight_hh", "i2h_bias": "bias_ih",
               "h2h_bias": "bias_hh"}
    with torch.no_grad():
        for name, p in layer.collect_params().items():
            d, k, g, t = name[len(layer.prefix)], name[len(layer.prefix) + 1], *name.split(
                "_")[-2:]
            tname = f"{mapping[g + '_' + t]}_l{k}" + ("_reverse" if d == "r" else "")
            getattr(ref, tname).copy_(torch.from_numpy(p.data().asnumpy()))
    x = _rand((2, 5, 3), 1)
    got = layer(x).asnumpy()
    want = ref(torch.from_numpy(x.asnumpy()))[0].detach().numpy()
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


def test_lstm_projection_matches_torch_and_trains():
    """LSTMP (projection_size) is torch's proj_size; unlike MXNet 1.9.1's CPU kernel (which
    has no backward for it) it trains on CPU too, with torch's gradients."""
    layer = rnn.LSTM(5, projection_size=2, input_size=3)
    layer.initialize()
    _fill(layer)
    ref = torch.nn.LSTM(3, 5, proj_size=2)
    with torch.no_grad():
        for ours, theirs in (("i2h_weight", "weight_ih_l0"), ("h2h_weight", "weight_hh_l0"),
                             ("i2h_bias", "bias_ih_l0"), ("h2h_bias", "bias_hh_l0"),
                             ("h2r_weight", "weight_hr_l0")):
            getattr(ref, theirs).copy_(layer.params[layer.prefix + "l0_" + ours].data().tensor)
    x = _rand((4, 2, 3), 2)
    x.attach_grad()
    with mx.autograd.record():
        y = layer(x)
    y.backward()
    xt = torch.from_numpy(x.asnumpy()).requires_grad_()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yt = ref(xt)[0]
    yt.sum().backward()
    np.testing.assert_allclose(y.asnumpy(), yt.detach().numpy(), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(x.grad.asnumpy(), xt.grad.numpy(), rtol=1e-5, atol=1e-6)
    g = layer.params[layer.prefix + "l0_h2r_weight"].grad().asnumpy()
    np.testing.assert_allclose(g, ref.weight_hr_l0.grad.numpy(), rtol=1e-5, atol=1e-6)


# ---- fused layers against their cells ----------------------------------------------------------
@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("bi", [False, True])
def test_fused_layer_equals_unfused_cells(mode, bi):
    layer = _layer(mode, 3, num_layers=2, bidirectional=bi, input_size=2, dropout=0.4)
    layer.initialize()
    _fill(layer)
    cells = layer._unfuse()
    assert [type(c).__name__ for c in cells._children.values()] == \
        [("BidirectionalCell" if bi else type(_cell(mode, 1)).__name__), "DropoutCell",
         ("BidirectionalCell" if bi else type(_cell(mode, 1)).__name__)]
    x = _rand((4, 2, 2), 3)
    begin = [_rand(s.shape, 10 + i) for i, s in enumerate(layer.begin_state(2))]
    cell_begin = []  # the cells take (per layer, per direction) states in order h, c
    for k in range(begin[0].shape[0]):
        cell_begin += [b[k] for b in begin]
    outs = []
    for run in ("fused", "cells"):
        xx = x.copy()
        xx.attach_grad()
        with mx.autograd.record(train_mode=False):
            if run == "fused":
                y, st = layer(xx, begin)
            else:
                y, st = cells.unroll(4, xx, begin_state=cell_begin, layout="TNC",
                                     merge_outputs=True)
                st = [mx.nd.stack(*st[i::len(begin)], axis=0) for i in range(len(begin))]
            (y * y).sum().backward()
        grads = {k: p.grad().asnumpy().copy() for k, p in layer.collect_params().items()}
        outs.append((y.asnumpy(), [s.asnumpy() for s in st], xx.grad.asnumpy(), grads))
    (y1, s1, g1, p1), (y2, s2, g2, p2) = outs
    np.testing.assert_allclose(y1, y2, rtol=1e-5, atol=1e-6)
    for a, b in zip(s1, s2):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(g1, g2, rtol=1e-4, atol=1e-6)
    for k in p1:
        np.testing.assert_allclose(p1[k], p2[k], rtol=1e-4, atol=1e-6, err_msg=k)


def test_lstmp_cells_equal_projected_layer():
    layer = rnn.LSTM(4, 2, projection_size=2, bidirectional=True, input_size=3, prefix="p_")
    stack = rnn.HybridSequentialRNNCell(prefix="p_")
    with stack.name_scope():
        for i in range(2):
            stack.add(rnn.BidirectionalCell(contrib.rnn.LSTMPCell(4, 2, prefix=f"l{i}_"),
                                            contrib.rnn.LSTMPCell(4, 2, prefix=f"r{i}_")))
    layer.initialize()
    stack.initialize()
    x = _rand((3, 2, 3), 4)
    stack.unroll(3, x, layout="TNC")
    _fill(layer)
    for name, p in layer.collect_params().items():
        stack.collect_params()[name].set_data(p.data())
    y1, (h, c) = layer(x, layer.begin_state(2))
    y2, st = stack.unroll(3, x, layout="TNC", merge_outputs=True)
    np.testing.assert_allclose(y1.asnumpy(), y2.asnumpy(), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(h.asnumpy(), np.stack([s.asnumpy() for s in st[0::2]]),
                               rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(c.asnumpy(), np.stack([s.asnumpy() for s in st[1::2]]),
                               rtol=1e-5, atol=1e-6)


# ---- cuDNN semantics: sequence lengths and state clipping -------------------------------------
def _np_lstm(x, h, c, wi, wh, bi, bh, lo=None, hi=None, nan=False):
    """One-direction, one-layer LSTM in NumPy float64 (gates i, f, g, o), with cuDNN's cell
    clipping."""
    def sig(v):
        return 1 / (1 + np.exp(-v))
    ys = []
    for t in range(x.shape[0]):
        i, f, g, o = np.split(x[t] @ wi.T + bi + h @ wh.T + bh, 4, axis=-1)
        c = sig(f) * c + sig(i) * np.tanh(g)
        if lo is not None:
            c = np.clip(c, lo, hi)
            if nan:
                c = np.where(np.isnan(c), lo, c)
        h = sig(o) * np.tanh(c)
        ys.append(h)
    return np.stack(ys), h, c


def _params_np(layer, d="l", k=0):
    get = layer.collect_params()
    return [get[f"{layer.prefix}{d}{k}_{n}"].data().asnumpy().astype(np.float64)
            for n in ("i2h_weight", "h2h_weight", "i2h_bias", "h2h_bias")]


def test_cpu_ignores_clipping_and_lengths_like_mxnet():
    """MXNet 1.9.1's CPU kernel ignores state clipping and sequence lengths; so does
    mxcompat's on CPU, with a warning (once per layer) saying so."""
    clipped = rnn.LSTM(3, input_size=2, state_clip_min=-0.01, state_clip_max=0.01)
    plain = rnn.LSTM(3, input_size=2)
    for b in (clipped, plain):
        b.initialize()
        _fill(b)
    x = _rand((4, 2, 2), 5)
    with pytest.warns(UserWarning, match="CPU RNN kernel ignores LSTM state clipping"):
        y1 = clipped(x)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        y1 = clipped(x)  # warned once already
    np.testing.assert_array_equal(y1.asnumpy(), plain(x).asnumpy())


@pytest.fixture
def cudnn_on_cpu(monkeypatch):
    monkeypatch.setenv("MXCOMPAT_RNN_CPU", "cudnn")


@pytest.mark.parametrize("nan", [False, True])
def test_state_clipping_cudnn_semantics(cudnn_on_cpu, nan):
    layer = rnn.LSTM(3, input_size=2, state_clip_min=-0.2, state_clip_max=0.15,
                     state_clip_nan=nan, dtype="float64")
    layer.initialize()
    _fill(layer, scale=1.5)
    x = _rand((5, 2, 2), 6, "float64")
    h0, c0 = [_rand(s.shape, 7 + i, "float64") for i, s in enumerate(layer.begin_state(2))]
    c0[0, 1, 0] = np.nan
    y, (h, c) = layer(x, [h0, c0])
    ry, rh, rc = _np_lstm(x.asnumpy(), h0.asnumpy()[0], c0.asnumpy()[0], *_params_np(layer),
                          lo=-0.2, hi=0.15, nan=nan)
    np.testing.assert_allclose(y.asnumpy(), ry, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(c.asnumpy()[0], rc, rtol=1e-12)
    finite = c.asnumpy()[~np.isnan(c.asnumpy())]
    assert finite.max() <= 0.15 and finite.min() >= -0.2
    # the NaN in sample 1's cell state: clipped to the lower bound with state_clip_nan,
    # propagated (into every unit through h2h) without it
    assert np.isnan(y.asnumpy()[1:, 1]).all() != nan and not np.isnan(y.asnumpy()[:, 0]).any()


def test_state_clipping_gradient_is_zero_where_clipped(cudnn_on_cpu):
    layer = rnn.LSTM(2, input_size=2, state_clip_min=-0.05, state_clip_max=0.05,
                     dtype="float64")
    layer.initialize()
    _fill(layer, scale=2.0)
    x = _rand((3, 1, 2), 8, "float64")
    x.attach_grad()
    with mx.autograd.record():
        _, (_, c) = layer(x, layer.begin_state(1, dtype="float64"))
    c.backward()
    assert np.all(np.abs(c.asnumpy()) == 0.05)  # saturated: nothing reaches the input
    np.testing.assert_array_equal(x.grad.asnumpy(), 0)


@pytest.mark.parametrize("mode,bi,clip", [(m, b, c) for m in MODES for b in (False, True)
                                          for c in (False, True) if m == "lstm" or not c])
def test_sequence_length_cudnn_semantics(cudnn_on_cpu, mode, bi, clip):
    """With use_sequence_length each sequence runs as if alone (reverse direction from its
    own last step); outputs past the length are 0 and the final states are those of the
    last valid step; the same for gradients."""
    kw = dict(state_clip_min=-5.0, state_clip_max=5.0) if clip else {}
    layer = _layer(mode, 3, num_layers=2, bidirectional=bi, input_size=2,
                   use_sequence_length=True, layout="NTC", **kw)
    layer.initialize()
    _fill(layer)
    lengths = [4, 1, 3]
    x = _rand((3, 4, 2), 9)
    begin = [_rand(s.shape, 12 + i) for i, s in enumerate(layer.begin_state(3))]
    x.attach_grad()
    with mx.autograd.record():
        y, st = layer(x, begin, mx.nd.array(lengths))
    y.backward()
    gx = x.grad.asnumpy()
    y = y.asnumpy()
    for b, ln in enumerate(lengths):
        xb = x[b:b + 1, :ln].copy()
        xb.attach_grad()
        with mx.autograd.record():
            yb, sb = layer(xb, [s[:, b:b + 1] for s in begin], mx.nd.array([ln]))
        yb.backward()
        np.testing.assert_allclose(y[b, :ln], yb.asnumpy()[0], rtol=1e-5, atol=1e-6)
        np.testing.assert_array_equal(y[b, ln:], 0)
        for s_all, s_one in zip(st, sb):
            np.testing.assert_allclose(s_all.asnumpy()[:, b], s_one.asnumpy()[:, 0],
                                       rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(gx[b, :ln], xb.grad.asnumpy()[0], rtol=1e-4, atol=1e-6)
        np.testing.assert_array_equal(gx[b, ln:], 0)


def test_sequence_length_errors(cudnn_on_cpu):
    layer = rnn.GRU(2, input_size=2, use_sequence_length=True)
    layer.initialize()
    x = mx.nd.ones((3, 2, 2))
    with pytest.raises(MXNetError, match="sequence lengths must lie in"):
        layer(x, layer.begin_state(2), mx.nd.array([3, 0]))
    with pytest.raises(MXNetError, match="needs the sequence_length"):
        layer(x, layer.begin_state(2))
    with pytest.raises(MXNetError, match="must be given together"):
        bad = rnn.LSTM(2, input_size=2, state_clip_min=0.5)
        bad.initialize()
        bad(x)


# ---- layers: running, options, hybridize, save / load -------------------------------------------
def test_call_forms_layouts_and_hybridize():
    layer = rnn.GRU(4, 2, layout="NTC")
    layer.initialize()
    x = _rand((2, 5, 3), 11)
    y = layer(x)
    assert isinstance(y, mx.nd.NDArray) and y.shape == (2, 5, 4)
    assert repr(layer) == "GRU(3 -> 4, NTC, num_layers=2)"
    y2, states = layer(x, layer.begin_state(2))
    np.testing.assert_array_equal(y.asnumpy(), y2.asnumpy())
    assert [s.shape for s in states] == [(2, 2, 4)]
    y3, _ = layer(x, states[0])  # one state may be given bare
    tnc = rnn.GRU(4, 2, params=layer.collect_params(), prefix=layer.prefix)
    np.testing.assert_allclose(tnc(mx.nd.swapaxes(x, 0, 1)).asnumpy(),
                               np.swapaxes(y.asnumpy(), 0, 1), rtol=1e-6)
    layer.hybridize()
    np.testing.assert_array_equal(layer(x).asnumpy(), y.asnumpy())
    y4, _ = layer(x, states)
    np.testing.assert_array_equal(y4.asnumpy(), y3.asnumpy())
    net = mx.gluon.nn.HybridSequential()
    with net.name_scope():
        net.add(rnn.LSTM(3, bidirectional=True), mx.gluon.nn.Dense(2, flatten=False))
    net.initialize()
    net.hybridize()
    assert net(x).shape == (2, 5, 2)  # x read as TNC here


def test_dropout_between_layers_only_in_training():
    layer = rnn.LSTM(8, 3, dropout=0.5, input_size=4)
    layer.initialize(mx.init.Uniform(0.5))
    x = _rand((6, 4, 4), 12)
    y0 = layer(x).asnumpy()
    np.testing.assert_array_equal(layer(x).asnumpy(), y0)  # predict mode: no dropout
    with mx.autograd.train_mode():
        mx.random.seed(1)
        a = layer(x).asnumpy()
        b = layer(x).asnumpy()
        mx.random.seed(1)
        c = layer(x).asnumpy()
    assert not np.allclose(a, y0) and not np.allclose(a, b)
    np.testing.assert_array_equal(a, c)  # the masks come from mx.random's generators
    one = rnn.LSTM(8, 1, dropout=0.5, input_size=4)  # one layer: nothing to drop between
    one.initialize()
    with mx.autograd.train_mode():
        np.testing.assert_array_equal(one(x).asnumpy(), one(x).asnumpy())


def test_dtype_cast_and_float64():
    layer = rnn.LSTM(3, input_size=2, dtype="float64")
    layer.initialize()
    x = _rand((3, 2, 2), 13, "float64")
    y, (h, c) = layer(x, layer.begin_state(2, dtype="float64"))
    assert y.dtype == np.float64 and h.dtype == np.float64
    assert layer(x).dtype == np.float64  # default states follow the input's dtype
    layer.cast("float32")
    assert layer._dtype == "float32" and layer.begin_state(2)[0].dtype == np.float32
    y32 = layer(x.astype("float32"))
    np.testing.assert_allclose(y32.asnumpy(), y.asnumpy(), rtol=1e-5, atol=1e-6)
    with pytest.raises(MXNetError, match="requires uniform type"):
        layer(x)


def test_begin_state_functions():
    layer = rnn.LSTM(3, 2, bidirectional=True)
    ones = layer.begin_state(5, func=mx.nd.ones, dtype="float64")
    assert [(s.shape, s.dtype) for s in ones] == [((4, 5, 3), np.float64)] * 2
    assert (ones[0].asnumpy() == 1).all()
    mx.random.seed(3)
    rnd = layer.begin_state(2, func=mx.nd.random.uniform, low=-1, high=1)
    assert rnd[0].shape == (4, 2, 3) and rnd[0].asnumpy().std() > 0.1
    seen = []
    cell = rnn.GRUCell(4, prefix="g_")
    cell.begin_state(batch_size=2, func=lambda **kw: seen.append(kw) or mx.nd.zeros((1,)))
    assert seen == [{"name": "g_begin_state_0", "shape": (2, 4), "__layout__": "NC"}]
    assert cell._init_counter == 0
    cell.begin_state(batch_size=2)
    assert cell._init_counter == 1
    cell.reset()
    assert cell._init_counter == -1 and cell._counter == -1


def test_deferred_input_size_and_infer_shape():
    layer = rnn.LSTM(4, 2, bidirectional=True)
    layer.initialize()
    assert repr(layer).startswith("LSTM(None -> 4")
    x = mx.nd.ones((3, 2, 7))
    layer.infer_shape(x, layer.begin_state(2))
    assert layer.l0_i2h_weight.shape == (16, 7) and layer.r0_i2h_weight.shape == (16, 7)
    assert layer.l1_i2h_weight.shape == (16, 8)
    assert layer(x).shape == (3, 2, 8)
    assert repr(layer) == "LSTM(7 -> 4, TNC, bidirectional)".replace(
        "TNC,", "TNC, num_layers=2,")


def test_save_load_round_trip_and_into_cells(tmp_path):
    layer = rnn.GRU(3, 2, bidirectional=True, input_size=2)
    layer.initialize(mx.init.Xavier())
    f = str(tmp_path / "gru.params")
    layer.save_parameters(f)
    assert sorted(mx.nd.load(f)) == sorted(layer._collect_params_with_prefix())
    other = rnn.GRU(3, 2, bidirectional=True)
    other.load_parameters(f)
    x = _rand((4, 2, 2), 14)
    np.testing.assert_array_equal(other(x).asnumpy(), layer(x).asnumpy())
    # the layer's file is the unfused cells' file (MXNet's structural names)
    holder = mx.gluon.nn.HybridSequential()
    holder.register_child(layer._unfuse(), "_unfused")
    assert sorted(holder._collect_params_with_prefix()) == sorted(mx.nd.load(f))


def test_share_parameters_by_structural_name():
    a = rnn.LSTM(3, input_size=2)
    b = rnn.LSTM(3, input_size=2)
    a.initialize()
    b.share_parameters(a._collect_params_with_prefix())
    x = _rand((3, 2, 2), 15)
    np.testing.assert_array_equal(a(x).asnumpy(), b(x).asnumpy())
    assert b.l0_h2h_weight is a.l0_h2h_weight


def test_bad_arguments():
    with pytest.raises(MXNetError, match="activation must be 'relu' or 'tanh'"):
        rnn.RNN(3, activation="sigmoid")
    layer = rnn.LSTM(3, input_size=2)
    layer.initialize()
    with pytest.raises(MXNetError, match="expects 4 inputs"):
        layer(mx.nd.ones((2, 2, 2)), [mx.nd.zeros((1, 2, 3))] * 3)
    # a modifier cell's default begin_state is mx.sym.zeros, as in MXNet
    with mx.name.NameManager():
        st = contrib.rnn.VariationalDropoutCell(rnn.GRUCell(2)).begin_state(batch_size=2)
    assert [s.list_outputs() for s in st] == [["gru0_begin_state_0_output"]]
    assert st[0].attr_dict()["gru0_begin_state_0"] == {
        "dtype": "float32", "shape": "(2, 2)", "__layout__": "NC"}


# ---- cells ----------------------------------------------------------------------------------
def test_cell_unroll_forms():
    cell = rnn.LSTMCell(3, input_size=2)
    cell.initialize()
    x = _rand((2, 4, 2), 16)
    merged, st = cell.unroll(4, x, merge_outputs=True)
    steps, st2 = cell.unroll(4, [x[:, i] for i in range(4)])
    assert isinstance(steps, list) and len(steps) == 4
    np.testing.assert_allclose(np.stack([s.asnumpy() for s in steps], 1), merged.asnumpy(),
                               rtol=1e-6)
    tnc, _ = cell.unroll(4, mx.nd.swapaxes(x, 0, 1), layout="TNC", merge_outputs=True)
    np.testing.assert_allclose(np.swapaxes(tnc.asnumpy(), 0, 1), merged.asnumpy(), rtol=1e-6)
    h, c = cell.begin_state(batch_size=2)
    for i in range(4):  # stepping by hand gives the same
        out, (h, c) = cell(x[:, i], [h, c])
    np.testing.assert_allclose(out.asnumpy(), steps[-1].asnumpy(), rtol=1e-6)
    assert cell._counter == 7  # unroll's 4 steps (from a reset), then 4 more
    cell.hybridize()
    again, _ = cell.unroll(4, x, merge_outputs=True)
    np.testing.assert_allclose(again.asnumpy(), merged.asnumpy(), rtol=1e-6)
    assert cell._counter == 3  # a hybridized step counts once


def test_cell_valid_length_equals_truncated_sequences():
    cell = rnn.BidirectionalCell(rnn.GRUCell(3, input_size=2), rnn.LSTMCell(2, input_size=2))
    cell.initialize()
    x = _rand((3, 5, 2), 17)
    lengths = [5, 2, 3]
    out, st = cell.unroll(5, x, valid_length=mx.nd.array(lengths), merge_outputs=True)
    for b, ln in enumerate(lengths):
        o, s = cell.unroll(ln, x[b:b + 1, :ln], merge_outputs=True)
        np.testing.assert_allclose(out.asnumpy()[b, :ln], o.asnumpy()[0], rtol=1e-5, atol=1e-6)
        np.testing.assert_array_equal(out.asnumpy()[b, ln:], 0)
        for a, e in zip(st, s):
            np.testing.assert_allclose(a.asnumpy()[b], e.asnumpy()[0], rtol=1e-5, atol=1e-6)


def test_zoneout_and_variational_dropout_masks_in_training():
    mx.random.seed(4)
    base = rnn.RNNCell(50, input_size=50)
    zone = rnn.ZoneoutCell(base, zoneout_outputs=0.5, zoneout_states=0.0)
    zone.initialize(mx.init.Uniform(1.0))
    x = _rand((4, 3, 50), 18)
    with mx.autograd.train_mode():
        out, _ = zone.unroll(3, x, merge_outputs=True)
    ref, _ = zone.unroll(3, x, merge_outputs=True)  # predict mode: the plain cell
    o, r = out.asnumpy(), ref.asnumpy()
    first_kept = np.isclose(o[:, 0], r[:, 0])
    assert 0.3 < first_kept.mean() < 0.7 and np.all(o[:, 0][~first_kept] == 0)
    vd = contrib.rnn.VariationalDropoutCell(rnn.RNNCell(40, input_size=50), drop_inputs=0.5)
    vd.initialize(mx.init.One())
    ones = mx.nd.ones((2, 4, 50))
    with mx.autograd.train_mode():
        vo, _ = vd.unroll(4, ones, merge_outputs=True)
    # one input mask for the whole sequence: every step sees the same masked input sum
    pre = np.arctanh(np.clip(vo.asnumpy()[:, 0], -0.999999, 0.999999))
    assert np.allclose(pre, pre[:, :1], atol=1e-3)
    with mx.autograd.train_mode():
        vd2 = contrib.rnn.VariationalDropoutCell(rnn.RNNCell(3, input_size=50),
                                                 drop_states=0.5)
        vd2.initialize()
        vd2.unroll(4, ones)
        mask = vd2.drop_states_mask.asnumpy()
    assert set(np.unique(mask)) <= {0.0, 2.0}


def test_modifier_cells_bookkeeping():
    base = rnn.LSTMCell(3, prefix="b_")
    res = rnn.ResidualCell(base)
    assert res.params is base.params and res.prefix == "b_residualcell"
    assert res.begin_state(func=mx.nd.zeros, batch_size=2)[0].shape == (2, 3)
    with pytest.raises(AssertionError, match="already modified"):
        rnn.ZoneoutCell(base)
    stack = rnn.SequentialRNNCell()
    stack.add(rnn.LSTMCell(3, input_size=3))
    stack.add(rnn.DropoutCell(0.0))
    stack.add(res)
    stack.initialize()
    assert len(stack) == 3 and stack[1]._rate == 0.0
    assert [i["shape"] for i in stack.state_info(4)] == [(4, 3)] * 4
    x = _rand((4, 3), 19)
    out, states = stack(x, stack.begin_state(batch_size=4, func=mx.nd.zeros))
    assert out.shape == (4, 3) and len(states) == 4
    with pytest.raises(NotImplementedError):
        stack.hybrid_forward(mx.nd, x, states)


def test_conv_cells_shapes_and_deferred_channels():
    for cls, x_shape, state in ((contrib.rnn.Conv1DGRUCell, (2, 3, 4, 9), (2, 5, 9)),
                                (contrib.rnn.Conv2DRNNCell, (2, 3, 4, 6, 6), (2, 5, 4, 4)),
                                (contrib.rnn.Conv3DLSTMCell, (2, 2, 4, 3, 3, 3),
                                 (2, 5, 1, 1, 1))):
        dims = len(x_shape) - 3
        pad = (1,) * dims if cls is contrib.rnn.Conv1DGRUCell else (0,) * dims
        cell = cls((0,) + x_shape[3:], 5, 3, 3, i2h_pad=pad)
        cell.initialize()
        out, st = cell.unroll(x_shape[1], mx.nd.ones(x_shape), merge_outputs=True)
        assert out.shape == (x_shape[0], x_shape[1]) + state[1:]
        assert st[0].shape == state and cell.i2h_weight.shape[1] == 4


# ---- the example ----------------------------------------------------------------------------
def test_char_lstm_example_matches_mxnet():
    """examples/char_lstm.py, run unchanged by `mxcompat run`, prints MXNet 1.9.1's losses and
    generated text (tests/golden/char_lstm.stdout, recorded by tools/oracle/record_rnn.py)."""
    root = Path(__file__).resolve().parents[1]
    env = dict(os.environ, PYTHONPATH=str(root) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    r = subprocess.run([sys.executable, "-m", "mxcompat", "run", "examples/char_lstm.py"],
                       capture_output=True, text=True, cwd=root, env=env, timeout=300)
    assert r.returncode == 0, r.stderr
    got = r.stdout.strip().splitlines()
    exp = (root / "tests" / "golden" / "char_lstm.stdout").read_text().strip().splitlines()
    assert len(got) == len(exp)
    num = re.compile(r"-?\d+\.\d+")
    for g, e in zip(got, exp):
        assert num.sub("#", g) == num.sub("#", e), (g, e)
        np.testing.assert_allclose([float(v) for v in num.findall(g)],
                                   [float(v) for v in num.findall(e)], rtol=1e-4, err_msg=g)


# ---- GPU (skipped without CUDA) ----------------------------------------------------------------
def _gpu_available():
    return mx.context.num_gpus() > 0


@pytest.mark.gpu
@pytest.mark.skipif(not _gpu_available(), reason="needs a CUDA device")
@pytest.mark.parametrize("mode", MODES)
def test_gpu_layer_matches_cpu(mode):
    layer = _layer(mode, 8, num_layers=2, bidirectional=True, input_size=4)
    layer.initialize(ctx=[mx.cpu(), mx.gpu()])
    _fill(layer)
    x = _rand((6, 3, 4), 20)
    y_cpu = layer(x).asnumpy()
    y_gpu = layer(x.as_in_context(mx.gpu())).asnumpy()
    np.testing.assert_allclose(y_gpu, y_cpu, rtol=1e-3, atol=1e-4)


@pytest.mark.gpu
@pytest.mark.skipif(not _gpu_available(), reason="needs a CUDA device")
def test_gpu_clipping_and_lengths_follow_cudnn(monkeypatch):
    layer = rnn.LSTM(4, input_size=3, state_clip_min=-0.1, state_clip_max=0.1,
                     use_sequence_length=True, bidirectional=True)
    layer.initialize(ctx=[mx.cpu(), mx.gpu()])
    _fill(layer, scale=1.5)
    x = _rand((5, 2, 3), 21)
    lengths = mx.nd.array([5, 3])
    begin = layer.begin_state(2)
    y_gpu = layer(x.as_in_context(mx.gpu()), [b.as_in_context(mx.gpu()) for b in begin],
                  lengths.as_in_context(mx.gpu()))[0].asnumpy()
    monkeypatch.setenv("MXCOMPAT_RNN_CPU", "cudnn")
    y_ref = layer(x, begin, lengths)[0].asnumpy()
    np.testing.assert_allclose(y_gpu, y_ref, rtol=1e-3, atol=1e-4)


# ---- cells on Symbols (golden: tests/golden/rnn_symbol.json, tools/oracle/record_rnn_symbol.py)
def _rnn_symbol_recorder():
    import importlib.util
    root = Path(__file__).resolve().parents[1]
    spec = importlib.util.spec_from_file_location(
        "record_rnn_symbol", root / "tools" / "oracle" / "record_rnn_symbol.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _rnn_symbol_golden():
    import json
    root = Path(__file__).resolve().parents[1]
    return json.loads((root / "tests" / "golden" / "rnn_symbol.json").read_text())["cases"]


@pytest.mark.parametrize("case", _rnn_symbol_golden(), ids=lambda c: c["id"])
def test_cells_on_symbols_match_mxnet(case):
    """The recorder's own case code run under mxcompat: graph names, inferred shapes and the
    bound graph's forward values are MXNet's."""
    rec = _rnn_symbol_recorder()
    spec = next(c for c in rec.CASES if c[0] == case["id"])
    got = rec.run_case(mx, mx.gluon, spec)
    assert got["arguments"] == case["arguments"]
    assert got["outputs"] == case["outputs"]
    assert got["internals"] == case["internals"]
    assert got["arg_shapes"] == case["arg_shapes"]
    assert got["out_shapes"] == case["out_shapes"]
    assert len(got["values"]) == len(case["values"])
    for g, e in zip(got["values"], case["values"]):
        np.testing.assert_allclose(np.array(g), np.array(e), rtol=1e-5, atol=1e-6)


def test_cell_begin_state_symbols():
    """begin_state(func=mx.sym.zeros) gives zeros variables with an unknown batch size whose
    value the executor sizes from the graph at run time."""
    cell = rnn.GRUCell(3, prefix="g_")
    states = cell.begin_state(func=mx.sym.zeros)
    assert [s.name for s in states] == ["g_begin_state_0"]
    out, _ = cell(mx.sym.var("x"), states)
    assert out.name == "g_t0_out"
    vals = {"x": mx.nd.ones((5, 2)), "g_i2h_weight": mx.nd.ones((9, 2)) * 0.1,
            "g_h2h_weight": mx.nd.ones((9, 3)), "g_i2h_bias": mx.nd.zeros((9,)),
            "g_h2h_bias": mx.nd.zeros((9,))}
    res = out.bind(mx.cpu(), vals).forward()[0]
    assert res.shape == (5, 3)
    cell.initialize()
    for k in ("i2h_weight", "h2h_weight", "i2h_bias", "h2h_bias"):
        cell.params[f"g_{k}"].set_data(vals[f"g_{k}"])
    cell.reset()
    ref, _ = cell(vals["x"], [mx.nd.zeros((5, 3))])
    np.testing.assert_allclose(res.asnumpy(), ref.asnumpy(), rtol=1e-6)


def test_unroll_grouped_symbol_rejected():
    cell = rnn.RNNCell(3)
    grouped = mx.sym.Group([mx.sym.var("a"), mx.sym.var("b")])
    with pytest.raises(AssertionError, match="grouped symbol"):
        cell.unroll(2, grouped, merge_outputs=False)
