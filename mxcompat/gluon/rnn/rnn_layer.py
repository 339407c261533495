"""Fused recurrent layers of ``gluon.rnn``: ``RNN``, ``LSTM``, ``GRU``.

Each layer holds MXNet 1.9.1's parameters (``l0_i2h_weight`` ... ``r1_h2h_bias``, and
``l0_h2r_weight`` with a projection) under MXNet's names and shapes, so ``.params`` files
move between MXNet and mxcompat both ways. Imperatively the whole sequence runs in one call
of torch's own recurrent kernel (``torch._VF.lstm`` / ``gru`` / ``rnn_tanh`` / ``rnn_relu``,
what ``torch.nn.LSTM`` runs; cuDNN on CUDA), whose weight list is exactly these parameters
(see ``_fused``). For a Symbol graph (``F`` not ``mx.nd``) the layer emits MXNet's ``RNN``
operator over the packed parameter vector, as MXNet does.

MXNet 1.9.1's CPU kernel ignores ``use_sequence_length`` and the LSTM state clipping options
(only its cuDNN kernel applies them); mxcompat does the same on CPU (with a warning) and
applies them on GPU. ``MXCOMPAT_RNN_CPU=cudnn`` asks for the cuDNN behaviour on CPU too.
"""
from __future__ import annotations

import os
import re
import warnings
from typing import Any, Dict, List, Optional, Tuple

import torch

from ... import ndarray as nd
from ..._dtypes import name as _dtype_name
from ..._state import STATE
from ...base import (MXNetAssertionError, MXNetError, MXNetTypeError, MXNetValueError,
                     unsupported)
from ...ndarray.ndarray import NDArray, _wrap
from ..block import HybridBlock
from ..parameter import Parameter
from . import _fused
from . import rnn_cell

__all__ = ["RNN", "LSTM", "GRU"]

#: MXCOMPAT_RNN_CPU=cudnn: sequence lengths and LSTM state clipping apply on CPU as well
_CPU_ENV = "MXCOMPAT_RNN_CPU"
_STRUCT_KEY = re.compile(r"(l|r)(\d+)_(i2h|h2h|h2r)_(weight|bias)\Z")


_TORCH_KIND = {"i2h_weight": "weight_ih", "h2h_weight": "weight_hh", "i2h_bias": "bias_ih",
               "h2h_bias": "bias_hh", "h2r_weight": "weight_hr"}
_FLAT_NAME = re.compile(r"(?:^|_)(l|r)(\d+)_((?:i2h|h2h|h2r)_(?:weight|bias))\Z")
_UNFUSED_NAME = re.compile(r"(?:^|\.)_unfused\.(\d+)\.(?:(l|r)_cell\.)?"
                           r"((?:i2h|h2h|h2r)_(?:weight|bias))\Z")


def torch_name(name: str) -> str:
    """The ``torch.nn.LSTM`` / ``GRU`` / ``RNN`` parameter name of a fused layer's parameter
    (an mxcompat extension): ``'lstm0_l1_i2h_weight'`` or ``'l1_i2h_weight'`` ->
    ``'weight_ih_l1'``, ``'_unfused.0.r_cell.h2h_bias'`` (what ``save_parameters`` writes) ->
    ``'bias_hh_l0_reverse'``; what comes before ``_unfused`` in a structural name is kept
    (``'0._unfused.0.i2h_bias'`` -> ``'0.bias_ih_l0'``). Pass it as ``rename=`` to
    ``mxcompat.params.to_torch``."""
    m = _UNFUSED_NAME.search(name)
    if m is not None:
        layer, d, kind = m.group(1), m.group(2) or "l", m.group(3)
        head = name[:m.start()] + ("." if m.group(0).startswith(".") else "")
    else:
        m = _FLAT_NAME.search(name)
        if m is None:
            raise MXNetValueError(f"torch_name: {name!r} is not a parameter name of a "
                                  "gluon.rnn RNN / LSTM / GRU layer")
        d, layer, kind = m.group(1), m.group(2), m.group(3)
        head = ""
    return f"{head}{_TORCH_KIND[kind]}_l{layer}{'_reverse' if d == 'r' else ''}"


def _cudnn_semantics(x: torch.Tensor) -> bool:
    return x.device.type == "cuda" or os.environ.get(_CPU_ENV, "").lower() == "cudnn"


class _RNNLayer(HybridBlock):
    """What RNN, LSTM and GRU share."""

    def __init__(self, hidden_size: int, num_layers: int, layout: str, dropout: float,
                 bidirectional: bool, input_size: int, i2h_weight_initializer: Any,
                 h2h_weight_initializer: Any, i2h_bias_initializer: Any,
                 h2h_bias_initializer: Any, mode: str, projection_size: Optional[int],
                 h2r_weight_initializer: Any, lstm_state_clip_min: Optional[float],
                 lstm_state_clip_max: Optional[float], lstm_state_clip_nan: bool, dtype: Any,
                 use_sequence_length: bool = False, **kwargs: Any):
        super().__init__(**kwargs)
        if layout not in ("TNC", "NTC"):
            raise MXNetAssertionError(f"Invalid layout {layout}; must be one of ['TNC' or "
                                      "'NTC']")
        self._hidden_size = hidden_size
        self._projection_size = projection_size if projection_size else None
        self._num_layers = num_layers
        self._mode = mode
        self._layout = layout
        self._dropout = dropout
        self._dir = 2 if bidirectional else 1
        self._input_size = input_size
        self._i2h_weight_initializer = i2h_weight_initializer
        self._h2h_weight_initializer = h2h_weight_initializer
        self._i2h_bias_initializer = i2h_bias_initializer
        self._h2h_bias_initializer = h2h_bias_initializer
        self._h2r_weight_initializer = h2r_weight_initializer
        self._lstm_state_clip_min = lstm_state_clip_min
        self._lstm_state_clip_max = lstm_state_clip_max
        self._lstm_state_clip_nan = lstm_state_clip_nan
        self._dtype = dtype
        self._use_sequence_length = use_sequence_length
        self.skip_states: Optional[bool] = None
        self._gates = _fused.GATES[mode]
        self._warned = False

        ng, ni, nh = self._gates, input_size, hidden_size
        proj = self._projection_size
        for i in range(num_layers):
            for j in "lr"[:self._dir]:
                self._register_param(f"{j}{i}_i2h_weight", (ng * nh, ni),
                                     i2h_weight_initializer, dtype)
                self._register_param(f"{j}{i}_h2h_weight", (ng * nh, proj or nh),
                                     h2h_weight_initializer, dtype)
                self._register_param(f"{j}{i}_i2h_bias", (ng * nh,), i2h_bias_initializer,
                                     dtype)
                self._register_param(f"{j}{i}_h2h_bias", (ng * nh,), h2h_bias_initializer,
                                     dtype)
                if proj:
                    self._register_param(f"{j}{i}_h2r_weight", (proj, nh),
                                         h2r_weight_initializer, dtype)
            ni = (proj or nh) * self._dir
        self._flat_names = _fused.flat_names(num_layers, self._dir, bool(proj))

    def _register_param(self, name: str, shape: tuple, init: Any, dtype: Any) -> Parameter:
        p = self.params.get(name, shape=shape, init=init, allow_deferred_init=True,
                            dtype=dtype)
        setattr(self, name, p)
        return p

    def __repr__(self) -> str:
        s = f"{self.__class__.__name__}({{mapping}}, {self._layout}"
        if self._num_layers != 1:
            s += f", num_layers={self._num_layers}"
        if self._dropout != 0:
            s += f", dropout={self._dropout}"
        if self._dir == 2:
            s += ", bidirectional"
        s += ")"
        shape = self.l0_i2h_weight.shape  # type: ignore[attr-defined]
        mapping = f"{shape[1] if shape[1] else None} -> {shape[0] // self._gates}"
        return s.format(mapping=mapping)

    # ---- structural names: MXNet's layers save under their unfused cells' names -----------
    def _collect_params_with_prefix(self, prefix: str = "") -> Dict[str, Parameter]:
        if prefix:
            prefix += "."
        bidirectional = any(_STRUCT_KEY.match(k).group(1) == "r"  # type: ignore[union-attr]
                            for k in self._reg_params)
        ret = {}
        for key, val in self._reg_params.items():
            m = _STRUCT_KEY.match(key)
            if m is None:  # a parameter a subclass added under its own name
                ret[prefix + key] = val
                continue
            d, layer, g, t = m.groups()
            cell = f"{layer}.{d}_cell" if bidirectional else layer
            ret[f"{prefix}_unfused.{cell}.{g}_{t}"] = val
        for name, child in self._children.items():
            ret.update(child._collect_params_with_prefix(prefix + name))
        return ret

    def share_parameters(self, shared: Dict[str, Parameter]) -> "_RNNLayer":
        """Use the given parameters (by structural name, as ``_collect_params_with_prefix``
        gives them) in place of this layer's own (an mxcompat extension)."""
        own = self._collect_params_with_prefix()
        by_param = {}
        for attr, p in self._reg_params.items():
            by_param[id(p)] = attr
        for name, param in shared.items():
            if name not in own:
                continue
            attr = by_param[id(own[name])]
            old = self._reg_params[attr]
            self._reg_params[attr] = param
            object.__setattr__(self, attr, param)
            for k, v in list(self._params.items()):
                if v is old:
                    self._params._params[k] = param
        return self

    def state_info(self, batch_size: int = 0) -> List[Dict[str, Any]]:
        raise NotImplementedError

    def _unfuse(self) -> "rnn_cell.HybridSequentialRNNCell":
        """The same network as a stack of cells sharing this layer's parameters."""
        if self._projection_size:
            raise MXNetAssertionError("_unfuse does not support projection layer yet!")
        if self._lstm_state_clip_min or self._lstm_state_clip_max:
            raise MXNetAssertionError("_unfuse does not support state clipping yet!")

        def make(**kw: Any) -> rnn_cell.RecurrentCell:
            if self._mode == "rnn_relu":
                return rnn_cell.RNNCell(self._hidden_size, activation="relu", **kw)
            if self._mode == "rnn_tanh":
                return rnn_cell.RNNCell(self._hidden_size, activation="tanh", **kw)
            if self._mode == "lstm":
                return rnn_cell.LSTMCell(self._hidden_size, **kw)
            return rnn_cell.GRUCell(self._hidden_size, **kw)

        stack = rnn_cell.HybridSequentialRNNCell(prefix=self.prefix, params=self.params)
        with stack.name_scope():
            ni = self._input_size
            for i in range(self._num_layers):
                kw = {"input_size": ni,
                      "i2h_weight_initializer": self._i2h_weight_initializer,
                      "h2h_weight_initializer": self._h2h_weight_initializer,
                      "i2h_bias_initializer": self._i2h_bias_initializer,
                      "h2h_bias_initializer": self._h2h_bias_initializer}
                if self._dir == 2:
                    stack.add(rnn_cell.BidirectionalCell(make(prefix=f"l{i}_", **kw),
                                                         make(prefix=f"r{i}_", **kw)))
                else:
                    stack.add(make(prefix=f"l{i}_", **kw))
                if self._dropout > 0 and i != self._num_layers - 1:
                    stack.add(rnn_cell.DropoutCell(self._dropout))
                ni = self._hidden_size * self._dir
        return stack

    def cast(self, dtype: Any) -> None:
        super().cast(dtype)
        self._dtype = dtype

    def begin_state(self, batch_size: int = 0, func: Any = nd.zeros,
                    **kwargs: Any) -> List[Any]:
        """The initial states (zeros by default), shaped (layers * directions, batch,
        hidden); ``kwargs`` (ctx, dtype, ...) go to ``func``."""
        states = []
        for i, info in enumerate(self.state_info(batch_size)):
            info = dict(info) if info is not None else {}
            info.update(kwargs)
            states.append(rnn_cell._make_state(func, f"{self.prefix}h0_{i}", info))
        return states

    # ---- running ------------------------------------------------------------------------
    def __call__(self, inputs: Any, states: Any = None, sequence_length: Any = None,  # type: ignore[override]
                 **kwargs: Any) -> Any:
        self.skip_states = states is None
        if states is None:
            if isinstance(inputs, NDArray):
                batch_size = inputs.shape[self._layout.find("N")]
                states = self.begin_state(batch_size, ctx=inputs.context, dtype=inputs.dtype)
            else:  # a Symbol: zeros whose batch size the RNN op infers, as in MXNet
                from ... import symbol
                states = self.begin_state(0, func=symbol.zeros)
        if isinstance(states, NDArray):
            states = [states]
        if self._use_sequence_length:
            return super().__call__(inputs, states, sequence_length, **kwargs)
        return super().__call__(inputs, states, **kwargs)

    def infer_shape(self, inputs: Any, *args: Any) -> None:
        """Fix the input size of layer 0's i2h weights from ``inputs`` (C is the last
        axis in both layouts)."""
        if not isinstance(inputs, NDArray):
            raise unsupported("gluon.rnn layers' infer_shape on Symbols",
                              "it arrives with the Symbol API (issue 20)")
        if inputs.ndim != 3:
            raise MXNetError(f"{self.name}: Input data should be rank-3 tensor of dim "
                             f"[sequence length, batch size, input size], got shape "
                             f"{inputs.shape}")
        ni = inputs.shape[2]
        for j in "lr"[:self._dir]:
            p = self._reg_params[f"{j}0_i2h_weight"]
            p.shape = (p.shape[0], ni)

    def hybrid_forward(self, F: Any, inputs: Any, states: Any,  # type: ignore[override]
                       sequence_length: Any = None, **kwargs: Any) -> Any:
        if F is nd:
            out = self._forward_torch(inputs, states, sequence_length, kwargs)
        else:
            out = self._forward_op(F, inputs, states, sequence_length, kwargs)
        return out[0] if self.skip_states else out

    def _forward_op(self, F: Any, inputs: Any, states: Any, sequence_length: Any,
                    kwargs: Dict[str, Any]) -> Tuple[Any, List[Any]]:
        """MXNet's RNN operator over the packed parameter vector (for Symbol graphs)."""
        if self._layout == "NTC":
            inputs = F.swapaxes(inputs, 0, 1)
        names = _fused.mxnet_order(self._num_layers, self._dir, bool(self._projection_size))
        params = F._internal._rnn_param_concat(*[kwargs[n].reshape(-1) for n in names], dim=0)
        args = list(states) + ([sequence_length] if self._use_sequence_length else [])
        rnn = F.RNN(inputs, params, *args, use_sequence_length=self._use_sequence_length,
                    state_size=self._hidden_size, projection_size=self._projection_size,
                    num_layers=self._num_layers, bidirectional=self._dir == 2,
                    p=self._dropout, state_outputs=True, mode=self._mode,
                    lstm_state_clip_min=self._lstm_state_clip_min,
                    lstm_state_clip_max=self._lstm_state_clip_max,
                    lstm_state_clip_nan=self._lstm_state_clip_nan)
        outputs, new_states = rnn[0], list(rnn[1:])
        if self._layout == "NTC":
            outputs = F.swapaxes(outputs, 0, 1)
        return outputs, new_states

    def _check_inputs(self, inputs: NDArray, states: List[Any],
                      weights: List[torch.Tensor]) -> None:
        name = self.name
        if inputs.ndim != 3:
            raise MXNetError(f"{name}: Input data should be rank-3 tensor of dim [sequence "
                             f"length, batch size, input size], got shape {inputs.shape}")
        batch_size = inputs.shape[self._layout.find("N")]
        for state, info in zip(states, self.state_info(batch_size)):
            if state.shape != info["shape"]:
                raise MXNetValueError(f"Invalid recurrent state shape. Expecting "
                                      f"{info['shape']}, got {state.shape}.")
        want = 2 if self._mode == "lstm" else 1
        if len(states) != want:
            raise MXNetError(f"{name}: Operator RNN expects {want + 2} inputs, but got "
                             f"{len(states) + 2} instead (mode '{self._mode}' takes {want} "
                             f"state{'s' if want > 1 else ''}, got {len(states)})")
        dt = inputs._t.dtype
        for pname, w in zip(self._flat_names, weights):
            if w.dtype != dt:
                raise MXNetTypeError(
                    f"{name}: This layer requires uniform type. Expected '{_dtype_name(dt)}' "
                    f"v.s. given '{_dtype_name(w.dtype)}' at 'parameters' ({pname})")
        for i, s in enumerate(states):
            if s._t.dtype != dt:
                raise MXNetTypeError(
                    f"{name}: This layer requires uniform type. Expected '{_dtype_name(dt)}' "
                    f"v.s. given '{_dtype_name(s._t.dtype)}' at 'state'"
                    f"{'' if i == 0 else '_cell'}")
        if dt not in (torch.float32, torch.float64, torch.float16):
            raise MXNetTypeError(f"{name}: RNN supports float16, float32 and float64 data, "
                                 f"got {_dtype_name(dt)}")
        if dt == torch.float16 and inputs._t.device.type == "cpu":
            raise MXNetTypeError(f"{name}: FP16 gemm on cpu not implemented! (MXNet 1.9.1 "
                                 "runs float16 RNN layers on GPU only)")
        w0 = weights[0]
        if w0.shape[1] != inputs.shape[2]:
            raise MXNetValueError(f"{name}: Shape inconsistent: the input has "
                                  f"{inputs.shape[2]} features, {self._flat_names[0]} expects "
                                  f"{w0.shape[1]} (shape {tuple(w0.shape)})")
        ctx = inputs._t.device
        for s in states:
            if s._t.device != ctx:
                raise MXNetValueError(f"{name}: the states are on {s.context}, the input on "
                                      f"{inputs.context}")

    def _options(self, x: torch.Tensor, sequence_length: Any
                 ) -> Tuple[Optional[Tuple[float, float, bool]], Optional[torch.Tensor]]:
        """The clipping range and the sequence lengths the kernel applies (cuDNN's
        behaviour), or None where MXNet's CPU kernel ignores them."""
        lo, hi = self._lstm_state_clip_min, self._lstm_state_clip_max
        wants_clip = self._mode == "lstm" and (lo is not None or hi is not None)
        wants_len = self._use_sequence_length
        if not (wants_clip or wants_len):
            return None, None
        if not _cudnn_semantics(x):
            if not self._warned:
                self._warned = True
                what = " and ".join(w for w, on in (("LSTM state clipping", wants_clip),
                                                   ("use_sequence_length", wants_len)) if on)
                warnings.warn(f"{self.name}: MXNet 1.9.1's CPU RNN kernel ignores {what} "
                              "(only its cuDNN kernel applies it); mxcompat does the same on "
                              f"CPU. Set {_CPU_ENV}=cudnn to apply it on CPU as well.",
                              stacklevel=7)
            return None, None
        clip = None
        if wants_clip:
            if lo is None or hi is None:
                raise MXNetValueError(f"{self.name}: state_clip_min and state_clip_max must "
                                      "be given together")
            if lo > hi:
                raise MXNetValueError(f"{self.name}: state_clip_min ({lo}) must not exceed "
                                      f"state_clip_max ({hi})")
            clip = (float(lo), float(hi), bool(self._lstm_state_clip_nan))
        lengths = None
        if wants_len:
            if not isinstance(sequence_length, NDArray):
                raise MXNetValueError(f"{self.name}: use_sequence_length=True needs the "
                                      "sequence_length array (batch_size,)")
            t_len = x.shape[1 if self._layout == "NTC" else 0]
            n = x.shape[0 if self._layout == "NTC" else 1]
            ln = sequence_length._t.detach().reshape(-1)
            if ln.numel() != n:
                raise MXNetValueError(f"{self.name}: sequence_length has {ln.numel()} "
                                      f"entries for a batch of {n}")
            lengths = ln.to(torch.int64).cpu()
            bad = (lengths < 1) | (lengths > t_len)
            if bool(bad.any()):
                raise MXNetValueError(f"{self.name}: sequence lengths must lie in [1, {t_len}]"
                                      f", got {int(lengths[bad][0])}")
        return clip, lengths

    def _forward_torch(self, inputs: NDArray, states: List[Any], sequence_length: Any,
                       kwargs: Dict[str, Any]) -> Tuple[NDArray, List[NDArray]]:
        names = self._flat_names
        weights = [kwargs[n]._t for n in names]
        self._check_inputs(inputs, states, weights)
        x = inputs._t
        hx = [s._t for s in states]
        clip, lengths = self._options(x, sequence_length)
        p = float(self._dropout)
        train = STATE.training
        args = (self._mode, x, hx, weights, self._num_layers, self._dir == 2, p, train,
                self._layout == "NTC", self._projection_size is not None, clip, lengths)
        if STATE.recording or not torch.is_grad_enabled():
            out, finals = _fused.run(*args)
        else:  # outside record(): no graph (the parameters are leaves that require grad)
            with torch.no_grad():
                out, finals = _fused.run(*args)
        ctx = inputs._ctx
        return _wrap(out, ctx), [_wrap(f, ctx) for f in finals]


class RNN(_RNNLayer):
    """Multi-layer Elman RNN (``activation`` 'relu' or 'tanh') over a sequence in ``layout``
    'TNC' (default) or 'NTC'. Called as ``layer(x)`` it returns the output; as
    ``layer(x, states)`` it returns (output, new states)."""

    def __init__(self, hidden_size: int, num_layers: int = 1, activation: str = "relu",
                 layout: str = "TNC", dropout: float = 0, bidirectional: bool = False,
                 i2h_weight_initializer: Any = None, h2h_weight_initializer: Any = None,
                 i2h_bias_initializer: Any = "zeros", h2h_bias_initializer: Any = "zeros",
                 input_size: int = 0, dtype: Any = "float32", **kwargs: Any):
        if activation not in ("relu", "tanh"):
            raise MXNetValueError(f"RNN: activation must be 'relu' or 'tanh', got "
                                  f"{activation!r}")
        super().__init__(hidden_size, num_layers, layout, dropout, bidirectional, input_size,
                         i2h_weight_initializer, h2h_weight_initializer,
                         i2h_bias_initializer, h2h_bias_initializer, "rnn_" + activation,
                         None, None, None, None, False, dtype, **kwargs)

    def state_info(self, batch_size: int = 0) -> List[Dict[str, Any]]:
        return [{"shape": (self._num_layers * self._dir, batch_size, self._hidden_size),
                 "__layout__": "LNC", "dtype": self._dtype}]


class LSTM(_RNNLayer):
    """Multi-layer LSTM over a sequence in ``layout`` 'TNC' (default) or 'NTC'; states
    [h, c]. ``projection_size`` adds MXNet's (and torch's) LSTMP projection of h;
    ``state_clip_min`` / ``state_clip_max`` / ``state_clip_nan`` clip the cell state (on GPU,
    as cuDNN does; MXNet 1.9.1's CPU kernel ignores them)."""

    def __init__(self, hidden_size: int, num_layers: int = 1, layout: str = "TNC",
                 dropout: float = 0, bidirectional: bool = False, input_size: int = 0,
                 i2h_weight_initializer: Any = None, h2h_weight_initializer: Any = None,
                 i2h_bias_initializer: Any = "zeros", h2h_bias_initializer: Any = "zeros",
                 projection_size: Optional[int] = None, h2r_weight_initializer: Any = None,
                 state_clip_min: Optional[float] = None, state_clip_max: Optional[float] = None,
                 state_clip_nan: bool = False, dtype: Any = "float32", **kwargs: Any):
        super().__init__(hidden_size, num_layers, layout, dropout, bidirectional, input_size,
                         i2h_weight_initializer, h2h_weight_initializer,
                         i2h_bias_initializer, h2h_bias_initializer, "lstm", projection_size,
                         h2r_weight_initializer, state_clip_min, state_clip_max,
                         state_clip_nan, dtype, **kwargs)

    def state_info(self, batch_size: int = 0) -> List[Dict[str, Any]]:
        n = self._num_layers * self._dir
        h = self._projection_size or self._hidden_size
        return [{"shape": (n, batch_size, h), "__layout__": "LNC", "dtype": self._dtype},
                {"shape": (n, batch_size, self._hidden_size), "__layout__": "LNC",
                 "dtype": self._dtype}]


class GRU(_RNNLayer):
    """Multi-layer GRU (cuDNN's variant, as MXNet's) over a sequence in ``layout`` 'TNC'
    (default) or 'NTC'."""

    def __init__(self, hidden_size: int, num_layers: int = 1, layout: str = "TNC",
                 dropout: float = 0, bidirectional: bool = False, input_size: int = 0,
                 i2h_weight_initializer: Any = None, h2h_weight_initializer: Any = None,
                 i2h_bias_initializer: Any = "zeros", h2h_bias_initializer: Any = "zeros",
                 dtype: Any = "float32", **kwargs: Any):
        super().__init__(hidden_size, num_layers, layout, dropout, bidirectional, input_size,
                         i2h_weight_initializer, h2h_weight_initializer,
                         i2h_bias_initializer, h2h_bias_initializer, "gru", None, None, None,
                         None, False, dtype, **kwargs)

    def state_info(self, batch_size: int = 0) -> List[Dict[str, Any]]:
        return [{"shape": (self._num_layers * self._dir, batch_size, self._hidden_size),
                 "__layout__": "LNC", "dtype": self._dtype}]
