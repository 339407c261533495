"""The fused recurrent kernels behind ``gluon.rnn.RNN`` / ``LSTM`` / ``GRU``, on torch tensors.

MXNet's layer parameters (``l0_i2h_weight``, ``l0_h2h_weight``, ``l0_i2h_bias``,
``l0_h2h_bias``, ``l0_h2r_weight``, then ``r0_...`` for the reverse direction, then layer 1)
are exactly the tensors ``torch.nn.LSTM`` keeps as ``weight_ih_l0``, ``weight_hh_l0``,
``bias_ih_l0``, ``bias_hh_l0``, ``weight_hr_l0`` (``..._reverse`` for ``r``): the same shapes
and the same gate order (LSTM i, f, g, o; GRU r, z, n with the reset gate applied to
``W_hn h + b_hn``), checked against MXNet 1.9.1. So the kernels here hand the parameters
straight to ``torch._VF.lstm`` / ``gru`` / ``rnn_tanh`` / ``rnn_relu``, which is what
``torch.nn.LSTM`` runs (oneDNN or the native kernel on CPU, cuDNN on CUDA).

Two options have no torch kernel: LSTM state clipping, and sequence lengths combined with
clipping. :func:`loop` runs them step by step in plain torch ops (it also computes every
other configuration, and serves as the reference the tests hold the kernels to).
"""
from __future__ import annotations

import contextlib
import warnings
from typing import Any, Iterator, List, Optional, Sequence, Tuple

import torch
import torch.nn.functional as F

GATES = {"rnn_relu": 1, "rnn_tanh": 1, "lstm": 4, "gru": 3}

_VF_FN = {"gru": "gru", "rnn_tanh": "rnn_tanh", "rnn_relu": "rnn_relu"}


def run(mode: str, x: torch.Tensor, states: Sequence[torch.Tensor],
        weights: List[torch.Tensor], num_layers: int, bidirectional: bool, p: float,
        train: bool, batch_first: bool, has_proj: bool,
        clip: Optional[Tuple[float, float, bool]] = None,
        lengths: Optional[torch.Tensor] = None) -> Tuple[torch.Tensor, List[torch.Tensor]]:
    """Run a fused multi-layer RNN: ``x`` is (T, N, C) (or (N, T, C) with ``batch_first``),
    ``states`` [h0] or [h0, c0] of shape (layers * dirs, N, H), ``weights`` in torch's order
    (per layer, per direction: w_ih, w_hh, b_ih, b_hh[, w_hr]). ``clip`` = (min, max, nan)
    clips the LSTM cell state at every step; ``lengths`` (N,) int64 on the CPU makes the
    steps past each sequence's length no-ops with zero outputs (cuDNN's padded layout).
    Returns the output and the final states.

    Dropout between layers (``p`` in training) draws its masks from mxcompat's generators
    (``mx.random.seed`` makes them reproducible), so the layers then run one at a time."""
    if p > 0 and train and num_layers > 1:
        return _layerwise(mode, x, states, weights, num_layers, bidirectional, p, train,
                          batch_first, has_proj, clip, lengths)
    if clip is not None:
        return loop(mode, x, states, weights, num_layers, bidirectional, p, train, batch_first,
                    has_proj, clip, lengths)
    if lengths is not None:
        return _packed(mode, x, states, weights, num_layers, bidirectional, p, train,
                       batch_first, has_proj, lengths)
    # torch warns where it takes another path than its fastest, which here is expected:
    # "LSTM with projections is not supported with oneDNN" (CPU), and on CUDA "RNN module
    # weights are not part of single contiguous chunk of memory" (the parameters are separate
    # tensors; cuDNN gets them packed on each call, as MXNet packs them for its RNN op)
    quiet = x.device.type != "cpu" or (has_proj and mode == "lstm")
    with (_quiet() if quiet else contextlib.nullcontext()):
        if mode == "lstm":
            out, h, c = torch._VF.lstm(x, (states[0], states[1]), weights, True, num_layers, p,
                                       train, bidirectional, batch_first)
            return out, [h, c]
        fn = getattr(torch._VF, _VF_FN[mode])
        out, h = fn(x, states[0], weights, True, num_layers, p, train, bidirectional,
                    batch_first)
        return out, [h]


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """Silence torch's path warnings around one kernel call."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


def _dropout(x: torch.Tensor, p: float) -> torch.Tensor:
    """MXNet's Dropout (a 0/1 mask scaled by 1/(1-p)) from mxcompat's generator."""
    from ...random import generator
    mask = torch.empty_like(x).bernoulli_(1.0 - p, generator=generator(x.device))
    return x * (mask * (1.0 / (1.0 - p) if p < 1 else float("inf")))


def _layerwise(mode: str, x: torch.Tensor, states: Sequence[torch.Tensor],
               weights: List[torch.Tensor], num_layers: int, bidirectional: bool, p: float,
               train: bool, batch_first: bool, has_proj: bool,
               clip: Optional[Tuple[float, float, bool]],
               lengths: Optional[torch.Tensor]) -> Tuple[torch.Tensor, List[torch.Tensor]]:
    """One layer at a time, with dropout on every output but the last."""
    dirs = 2 if bidirectional else 1
    per = (5 if has_proj else 4) * dirs
    finals: List[List[torch.Tensor]] = [[] for _ in states]
    out = x
    for k in range(num_layers):
        st = [s[k * dirs:(k + 1) * dirs] for s in states]
        out, fin = run(mode, out, st, weights[k * per:(k + 1) * per], 1, bidirectional, 0.0,
                       train, batch_first, has_proj, clip, lengths)
        for acc, f in zip(finals, fin):
            acc.append(f)
        if k < num_layers - 1:
            out = _dropout(out, p)
    return out, [torch.cat(f, 0) for f in finals]


def _packed(mode: str, x: torch.Tensor, states: Sequence[torch.Tensor],
            weights: List[torch.Tensor], num_layers: int, bidirectional: bool, p: float,
            train: bool, batch_first: bool, has_proj: bool,
            lengths: torch.Tensor) -> Tuple[torch.Tensor, List[torch.Tensor]]:
    """Variable-length sequences through torch's packed-sequence kernels."""
    from torch.nn.utils.rnn import PackedSequence, pack_padded_sequence, pad_packed_sequence
    total = x.shape[1 if batch_first else 0]
    packed = pack_padded_sequence(x, lengths, batch_first=batch_first, enforce_sorted=False)
    order, back = packed.sorted_indices, packed.unsorted_indices
    assert order is not None and back is not None  # enforce_sorted=False gives both
    hx = [s.index_select(1, order) for s in states]
    with _quiet():
        if mode == "lstm":
            out, h, c = torch._VF.lstm(packed.data, packed.batch_sizes, (hx[0], hx[1]),
                                       weights, True, num_layers, p, train, bidirectional)
            finals = [h, c]
        else:
            fn = getattr(torch._VF, _VF_FN[mode])
            out, h = fn(packed.data, packed.batch_sizes, hx[0], weights, True, num_layers, p,
                        train, bidirectional)
            finals = [h]
    seq = PackedSequence(out, packed.batch_sizes, order, back)
    padded, _ = pad_packed_sequence(seq, batch_first=batch_first, total_length=total)
    return padded, [s.index_select(1, back) for s in finals]


def _reverse(seq: torch.Tensor, lengths: Optional[torch.Tensor]) -> torch.Tensor:
    """Reverse (T, N, C) along time; with lengths, only each sequence's first steps."""
    if lengths is None:
        return seq.flip(0)
    t = seq.shape[0]
    pos = torch.arange(t, device=seq.device)[:, None]
    ln = lengths.to(seq.device)[None, :]
    src = torch.where(pos < ln, ln - 1 - pos, pos)
    return torch.gather(seq, 0, src[:, :, None].expand(seq.shape))


def _clip(c: torch.Tensor, clip: Tuple[float, float, bool]) -> torch.Tensor:
    lo, hi, nan = clip
    out = c.clamp(lo, hi)
    if nan:  # the NaNs a clamp lets through become the lower bound (cuDNN's non-propagating
        out = torch.where(torch.isnan(out), torch.full_like(out, lo), out)  # min/max)
    return out


def loop(mode: str, x: torch.Tensor, states: Sequence[torch.Tensor],
         weights: List[torch.Tensor], num_layers: int, bidirectional: bool, p: float,
         train: bool, batch_first: bool, has_proj: bool,
         clip: Optional[Tuple[float, float, bool]] = None,
         lengths: Optional[torch.Tensor] = None) -> Tuple[torch.Tensor, List[torch.Tensor]]:
    """The same computation as :func:`run`, one time step at a time in plain torch ops."""
    if batch_first:
        x = x.transpose(0, 1)
    dirs = 2 if bidirectional else 1
    per = 5 if has_proj else 4
    t_len = x.shape[0]
    mask = None
    if lengths is not None:
        lengths = lengths.to(x.device)
        mask = torch.arange(t_len, device=x.device)[:, None] < lengths[None, :]  # (T, N)
    h_out: List[torch.Tensor] = []
    c_out: List[torch.Tensor] = []
    layer_in = x
    for layer in range(num_layers):
        outs = []
        for d in range(dirs):
            k = layer * dirs + d
            w = weights[k * per:(k + 1) * per]
            w_ih, w_hh, b_ih, b_hh = w[:4]
            w_hr = w[4] if has_proj else None
            h = states[0][k]
            c: Any = states[1][k] if mode == "lstm" else None
            seq = layer_in if d == 0 else _reverse(layer_in, lengths)
            xw = F.linear(seq, w_ih, b_ih)
            ys = []
            for t in range(t_len):
                hw = F.linear(h, w_hh, b_hh)
                if mode == "lstm":
                    i, f, g, o = (xw[t] + hw).chunk(4, -1)
                    c_new = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
                    if clip is not None:
                        c_new = _clip(c_new, clip)
                    h_new = torch.sigmoid(o) * torch.tanh(c_new)
                    if w_hr is not None:
                        h_new = F.linear(h_new, w_hr)
                elif mode == "gru":
                    xr, xz, xn = xw[t].chunk(3, -1)
                    hr, hz, hn = hw.chunk(3, -1)
                    r = torch.sigmoid(xr + hr)
                    z = torch.sigmoid(xz + hz)
                    n = torch.tanh(xn + r * hn)
                    h_new = (1 - z) * n + z * h
                    c_new = None
                else:
                    pre = xw[t] + hw
                    h_new = torch.tanh(pre) if mode == "rnn_tanh" else torch.relu(pre)
                    c_new = None
                if mask is not None:
                    m = mask[t][:, None]
                    h = torch.where(m, h_new, h)
                    if c_new is not None:
                        c = torch.where(m, c_new, c)
                    ys.append(torch.where(m, h_new, torch.zeros_like(h_new)))
                else:
                    h = h_new
                    c = c_new
                    ys.append(h_new)
            y = torch.stack(ys)
            if d == 1:
                y = _reverse(y, lengths)
            outs.append(y)
            h_out.append(h)
            if c is not None:
                c_out.append(c)
        layer_in = outs[0] if dirs == 1 else torch.cat(outs, -1)
        if p > 0 and train and layer < num_layers - 1:
            layer_in = _dropout(layer_in, p)
    out = layer_in.transpose(0, 1) if batch_first else layer_in
    finals = [torch.stack(h_out)]
    if mode == "lstm":
        finals.append(torch.stack(c_out))
    return out, finals


def flat_names(num_layers: int, dirs: int, has_proj: bool) -> List[str]:
    """The layer's parameter names in the order the torch kernels take them."""
    kinds = ["i2h_weight", "h2h_weight", "i2h_bias", "h2h_bias"]
    if has_proj:
        kinds.append("h2r_weight")
    return [f"{d}{layer}_{k}" for layer in range(num_layers) for d in "lr"[:dirs]
            for k in kinds]


def mxnet_order(num_layers: int, dirs: int, has_proj: bool) -> List[str]:
    """The order of MXNet's packed parameter vector (``F.RNN``'s ``parameters``): every
    weight (per layer, per direction: i2h, h2h[, h2r]), then every bias (i2h, h2h)."""
    gs = ["i2h", "h2h"] + (["h2r"] if has_proj else [])
    names = [f"{d}{layer}_{g}_weight" for layer in range(num_layers) for d in "lr"[:dirs]
             for g in gs]
    names += [f"{d}{layer}_{g}_bias" for layer in range(num_layers) for d in "lr"[:dirs]
              for g in ("i2h", "h2h")]
    return names

