"""Convolutional recurrent cells (``Conv{1,2,3}D{RNN,LSTM,GRU}Cell``): the gated cells of
``gluon.rnn`` with the i2h and h2h products replaced by convolutions, as in MXNet 1.9.1.

``input_shape`` is one sample's shape without the batch axis, in ``conv_layout`` (channels
first for 'NCW'/'NCHW'/'NCDHW', last for 'NWC'/'NHWC'/'NDHWC'); a channel count of 0 is
inferred from the first input. The h2h convolution keeps the state's spatial size (odd
``h2h_kernel``, padding ``dilate * (kernel - 1) / 2``).
"""
from __future__ import annotations

import math
from typing import Any, Dict, List, Optional, Sequence, Tuple

from ....base import MXNetAssertionError, numeric_types
from ...rnn.rnn_cell import HybridRecurrentCell

__all__ = ["Conv1DRNNCell", "Conv2DRNNCell", "Conv3DRNNCell",
           "Conv1DLSTMCell", "Conv2DLSTMCell", "Conv3DLSTMCell",
           "Conv1DGRUCell", "Conv2DGRUCell", "Conv3DGRUCell"]


def _conv_out_size(dims: Sequence[int], kernels: Sequence[int], pads: Sequence[int],
                   dilations: Sequence[int]) -> Tuple[int, ...]:
    """The spatial size a stride-1 convolution gives (0 stays 0: not known yet)."""
    return tuple(int(math.floor(x + 2 * p - d * (k - 1) - 1) + 1) if x else 0
                 for x, k, p, d in zip(dims, kernels, pads, dilations))


def _tuple(spec: Any, dims: int) -> Tuple[int, ...]:
    return (int(spec),) * dims if isinstance(spec, numeric_types) else tuple(spec)


class _BaseConvRNNCell(HybridRecurrentCell):
    """What the convolutional cells share: the two convolutions and the state shape."""

    _gate_names: Sequence[str] = ("",)

    def __init__(self, input_shape: Sequence[int], hidden_channels: int, i2h_kernel: Any,
                 h2h_kernel: Any, i2h_pad: Any, i2h_dilate: Any, h2h_dilate: Any,
                 i2h_weight_initializer: Any, h2h_weight_initializer: Any,
                 i2h_bias_initializer: Any, h2h_bias_initializer: Any, dims: int,
                 conv_layout: str, activation: Any, prefix: Optional[str] = None,
                 params: Any = None):
        super().__init__(prefix=prefix, params=params)
        self._hidden_channels = hidden_channels
        self._input_shape = input_shape
        self._conv_layout = conv_layout
        self._activation = activation
        for spec in (i2h_kernel, i2h_pad, i2h_dilate, h2h_kernel, h2h_dilate):
            if not (isinstance(spec, int) or len(spec) == dims):
                raise MXNetAssertionError(
                    f"For {dims}D convolution, the convolution settings can only be either int "
                    f"or list/tuple of length {dims}")
        self._i2h_kernel = _tuple(i2h_kernel, dims)
        self._stride = (1,) * dims
        self._i2h_pad = _tuple(i2h_pad, dims)
        self._i2h_dilate = _tuple(i2h_dilate, dims)
        self._h2h_kernel = _tuple(h2h_kernel, dims)
        if not all(k % 2 == 1 for k in self._h2h_kernel):
            raise MXNetAssertionError(f"Only support odd number, get h2h_kernel= {h2h_kernel}")
        self._h2h_dilate = _tuple(h2h_dilate, dims)
        (self._channel_axis, self._in_channels, i2h_shape, h2h_shape, self._h2h_pad,
         self._state_shape) = self._decide_shapes()
        n = hidden_channels * self._num_gates
        self.i2h_weight = self.params.get("i2h_weight", shape=i2h_shape,
                                          init=i2h_weight_initializer, allow_deferred_init=True)
        self.h2h_weight = self.params.get("h2h_weight", shape=h2h_shape,
                                          init=h2h_weight_initializer, allow_deferred_init=True)
        self.i2h_bias = self.params.get("i2h_bias", shape=(n,), init=i2h_bias_initializer,
                                        allow_deferred_init=True)
        self.h2h_bias = self.params.get("h2h_bias", shape=(n,), init=h2h_bias_initializer,
                                        allow_deferred_init=True)

    def _decide_shapes(self) -> Tuple[int, int, tuple, tuple, tuple, tuple]:
        channel_axis = self._conv_layout.find("C")
        shape = tuple(self._input_shape)
        in_channels = shape[channel_axis - 1]
        dims = shape[1:] if channel_axis == 1 else shape[:-1]
        hc = self._hidden_channels
        total = hc * self._num_gates
        out_size = _conv_out_size(dims, self._i2h_kernel, self._i2h_pad, self._i2h_dilate)
        h2h_pad = tuple(d * (k - 1) // 2 for d, k in zip(self._h2h_dilate, self._h2h_kernel))
        if channel_axis == 1:
            i2h = (total, in_channels) + self._i2h_kernel
            h2h = (total, hc) + self._h2h_kernel
            state = (hc,) + out_size
        else:
            i2h = (total,) + self._i2h_kernel + (in_channels,)
            h2h = (total,) + self._h2h_kernel + (hc,)
            state = out_size + (hc,)
        return channel_axis, in_channels, i2h, h2h, h2h_pad, state

    def __repr__(self) -> str:
        shape = self.i2h_weight.shape
        in_channels = shape[1 if self._channel_axis == 1 else -1]
        return (f"{self.__class__.__name__}({in_channels if in_channels else None} -> "
                f"{shape[0]}, {self._activation}, {self._conv_layout})")

    @property
    def _num_gates(self) -> int:
        return len(self._gate_names)

    def _conv_forward(self, F: Any, inputs: Any, states: Any, i2h_weight: Any,
                      h2h_weight: Any, i2h_bias: Any, h2h_bias: Any,
                      prefix: str) -> Tuple[Any, Any]:
        n = self._hidden_channels * self._num_gates
        i2h = F.Convolution(data=inputs, num_filter=n, kernel=self._i2h_kernel,
                            stride=self._stride, pad=self._i2h_pad, dilate=self._i2h_dilate,
                            weight=i2h_weight, bias=i2h_bias, layout=self._conv_layout,
                            name=prefix + "i2h")
        h2h = F.Convolution(data=states[0], num_filter=n, kernel=self._h2h_kernel,
                            dilate=self._h2h_dilate, pad=self._h2h_pad, stride=self._stride,
                            weight=h2h_weight, bias=h2h_bias, layout=self._conv_layout,
                            name=prefix + "h2h")
        return i2h, h2h

    def state_info(self, batch_size: int = 0) -> List[Dict[str, Any]]:
        raise NotImplementedError("_BaseConvRNNCell is abstract class for convolutional RNN")

    def hybrid_forward(self, F: Any, inputs: Any, states: Any) -> Any:  # type: ignore[override]
        raise NotImplementedError("_BaseConvRNNCell is abstract class for convolutional RNN")


class _ConvRNNCell(_BaseConvRNNCell):
    _gate_names = ("",)

    def state_info(self, batch_size: int = 0) -> List[Dict[str, Any]]:
        return [{"shape": (batch_size,) + self._state_shape, "__layout__": self._conv_layout}]

    def _alias(self) -> str:
        return "conv_rnn"

    def hybrid_forward(self, F: Any, inputs: Any, states: Any, i2h_weight: Any,  # type: ignore[override]
                       h2h_weight: Any, i2h_bias: Any, h2h_bias: Any) -> Any:
        prefix = f"t{self._counter}_"
        i2h, h2h = self._conv_forward(F, inputs, states, i2h_weight, h2h_weight, i2h_bias,
                                      h2h_bias, prefix)
        output = self._get_activation(F, i2h + h2h, self._activation, name=prefix + "out")
        return output, [output]


class _ConvLSTMCell(_BaseConvRNNCell):
    _gate_names = ("_i", "_f", "_c", "_o")

    def state_info(self, batch_size: int = 0) -> List[Dict[str, Any]]:
        shape = (batch_size,) + self._state_shape
        return [{"shape": shape, "__layout__": self._conv_layout},
                {"shape": shape, "__layout__": self._conv_layout}]

    def _alias(self) -> str:
        return "conv_lstm"

    def hybrid_forward(self, F: Any, inputs: Any, states: Any, i2h_weight: Any,  # type: ignore[override]
                       h2h_weight: Any, i2h_bias: Any, h2h_bias: Any) -> Any:
        prefix = f"t{self._counter}_"
        i2h, h2h = self._conv_forward(F, inputs, states, i2h_weight, h2h_weight, i2h_bias,
                                      h2h_bias, prefix)
        gates = F.SliceChannel(i2h + h2h, num_outputs=4, name=prefix + "slice",
                               axis=self._channel_axis)
        in_gate = F.Activation(gates[0], act_type="sigmoid", name=prefix + "i")
        forget_gate = F.Activation(gates[1], act_type="sigmoid", name=prefix + "f")
        candidate = self._get_activation(F, gates[2], self._activation, name=prefix + "c")
        out_gate = F.Activation(gates[3], act_type="sigmoid", name=prefix + "o")
        next_c = F.elemwise_add(forget_gate * states[1], in_gate * candidate,
                                name=prefix + "state")
        next_h = F.elemwise_mul(out_gate, self._get_activation(F, next_c, self._activation),
                                name=prefix + "out")
        return next_h, [next_h, next_c]


class _ConvGRUCell(_BaseConvRNNCell):
    _gate_names = ("_r", "_z", "_o")

    def state_info(self, batch_size: int = 0) -> List[Dict[str, Any]]:
        return [{"shape": (batch_size,) + self._state_shape, "__layout__": self._conv_layout}]

    def _alias(self) -> str:
        return "conv_gru"

    def hybrid_forward(self, F: Any, inputs: Any, states: Any, i2h_weight: Any,  # type: ignore[override]
                       h2h_weight: Any, i2h_bias: Any, h2h_bias: Any) -> Any:
        prefix = f"t{self._counter}_"
        i2h, h2h = self._conv_forward(F, inputs, states, i2h_weight, h2h_weight, i2h_bias,
                                      h2h_bias, prefix)
        i2h_r, i2h_z, i2h_n = F.SliceChannel(i2h, num_outputs=3, name=prefix + "i2h_slice",
                                             axis=self._channel_axis)
        h2h_r, h2h_z, h2h_n = F.SliceChannel(h2h, num_outputs=3, name=prefix + "h2h_slice",
                                             axis=self._channel_axis)
        reset = F.Activation(i2h_r + h2h_r, act_type="sigmoid", name=prefix + "r_act")
        update = F.Activation(i2h_z + h2h_z, act_type="sigmoid", name=prefix + "z_act")
        candidate = self._get_activation(F, i2h_n + reset * h2h_n, self._activation,
                                         name=prefix + "h_act")
        next_h = F.elemwise_add((1. - update) * candidate, update * states[0],
                                name=prefix + "out")
        return next_h, [next_h]


def _make(base: Any, dims: int, layout: str, doc: str) -> Any:
    """A public cell class: ``base`` with ``dims``-D defaults."""
    zeros = (0,) * dims
    ones = (1,) * dims

    def __init__(self: Any, input_shape: Sequence[int], hidden_channels: int, i2h_kernel: Any,
                 h2h_kernel: Any, i2h_pad: Any = zeros, i2h_dilate: Any = ones,
                 h2h_dilate: Any = ones, i2h_weight_initializer: Any = None,
                 h2h_weight_initializer: Any = None, i2h_bias_initializer: Any = "zeros",
                 h2h_bias_initializer: Any = "zeros", conv_layout: str = layout,
                 activation: Any = "tanh", prefix: Optional[str] = None,
                 params: Any = None) -> None:
        base.__init__(self, input_shape, hidden_channels, i2h_kernel, h2h_kernel, i2h_pad,
                      i2h_dilate, h2h_dilate, i2h_weight_initializer, h2h_weight_initializer,
                      i2h_bias_initializer, h2h_bias_initializer, dims, conv_layout,
                      activation, prefix=prefix, params=params)

    kind = {"_ConvRNNCell": "RNN", "_ConvLSTMCell": "LSTM", "_ConvGRUCell": "GRU"}[base.__name__]
    name = f"Conv{dims}D{kind}Cell"
    __init__.__qualname__ = f"{name}.__init__"
    return type(name, (base,), {"__init__": __init__, "__doc__": doc, "__module__": __name__})


_DOC = ("{dims}-D convolutional {kind} cell: input_shape is one sample's shape in conv_layout "
        "(default '{layout}'); i2h_kernel / h2h_kernel / i2h_pad / i2h_dilate / h2h_dilate are "
        "ints or {dims}-tuples; h2h_kernel must be odd.")

Conv1DRNNCell = _make(_ConvRNNCell, 1, "NCW", _DOC.format(dims=1, kind="RNN", layout="NCW"))
Conv2DRNNCell = _make(_ConvRNNCell, 2, "NCHW", _DOC.format(dims=2, kind="RNN", layout="NCHW"))
Conv3DRNNCell = _make(_ConvRNNCell, 3, "NCDHW",
                      _DOC.format(dims=3, kind="RNN", layout="NCDHW"))
Conv1DLSTMCell = _make(_ConvLSTMCell, 1, "NCW", _DOC.format(dims=1, kind="LSTM", layout="NCW"))
Conv2DLSTMCell = _make(_ConvLSTMCell, 2, "NCHW",
                       _DOC.format(dims=2, kind="LSTM", layout="NCHW"))
Conv3DLSTMCell = _make(_ConvLSTMCell, 3, "NCDHW",
                       _DOC.format(dims=3, kind="LSTM", layout="NCDHW"))
Conv1DGRUCell = _make(_ConvGRUCell, 1, "NCW", _DOC.format(dims=1, kind="GRU", layout="NCW"))
Conv2DGRUCell = _make(_ConvGRUCell, 2, "NCHW", _DOC.format(dims=2, kind="GRU", layout="NCHW"))
Conv3DGRUCell = _make(_ConvGRUCell, 3, "NCDHW",
                      _DOC.format(dims=3, kind="GRU", layout="NCDHW"))
