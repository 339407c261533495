"""Symbolic RNN cells of ``mx.rnn`` (MXNet 1.9.1's legacy API): ``RNNCell``, ``LSTMCell``,
``GRUCell`` and ``SequentialRNNCell``, with ``unroll``, ``begin_state`` and
``pack_weights`` / ``unpack_weights``. They compose ``mx.sym`` graphs with MXNet's node and
parameter names, so checkpoints are interchangeable."""
from __future__ import annotations

from typing import Any, Dict, List, Optional

from .. import initializer as init
from .. import ndarray
from .. import symbol

__all__ = ["RNNParams", "BaseRNNCell", "RNNCell", "LSTMCell", "GRUCell", "SequentialRNNCell"]


def _normalize_sequence(length: Optional[int], inputs: Any, layout: str, merge: Any,
                        in_layout: Optional[str] = None) -> Any:
    """Inputs as a list of per-step symbols (``merge=False``), one symbol (``True``), or
    as given (``None``)."""
    assert inputs is not None, ("unroll(inputs=None) has been deprecated. Please create input "
                                "variables outside unroll.")
    axis = layout.find("T")
    in_axis = in_layout.find("T") if in_layout is not None else axis
    if isinstance(inputs, symbol.Symbol):
        if merge is False:
            assert len(inputs.list_outputs()) == 1, (
                "unroll doesn't allow grouped symbol as input. Please convert to list with "
                "list(inputs) first or let unroll handle splitting.")
            inputs = list(symbol.split(inputs, axis=in_axis, num_outputs=length,
                                       squeeze_axis=1))
    else:
        assert length is None or len(inputs) == length
        if merge is True:
            inputs = symbol.Concat(*[symbol.expand_dims(i, axis=axis) for i in inputs],
                                   dim=axis)
            in_axis = axis
    if isinstance(inputs, symbol.Symbol) and axis != in_axis:
        inputs = symbol.swapaxes(inputs, dim0=axis, dim1=in_axis)
    return inputs, axis


class RNNParams:
    """A cell's parameter variables, created once per name (``prefix + name``)."""

    def __init__(self, prefix: str = ""):
        self._prefix = prefix
        self._params: Dict[str, Any] = {}

    def get(self, name: str, **kwargs: Any) -> Any:
        name = self._prefix + name
        if name not in self._params:
            self._params[name] = symbol.Variable(name, **kwargs)
        return self._params[name]


class BaseRNNCell:
    """The cell interface: ``cell(inputs, states) -> (output, new_states)``."""

    def __init__(self, prefix: str = "", params: Optional[RNNParams] = None):
        if params is None:
            params = RNNParams(prefix)
            self._own_params = True
        else:
            self._own_params = False
        self._prefix = prefix
        self._params = params
        self._modified = False
        self.reset()

    def reset(self) -> None:
        self._init_counter = -1
        self._counter = -1
        for cell in getattr(self, "_cells", []):
            cell.reset()

    def __call__(self, inputs: Any, states: Any) -> Any:
        raise NotImplementedError()

    @property
    def params(self) -> RNNParams:
        self._own_params = False
        return self._params

    @property
    def state_info(self) -> List[Any]:
        raise NotImplementedError()

    @property
    def state_shape(self) -> List[Any]:
        return [e["shape"] for e in self.state_info]

    @property
    def _gate_names(self) -> Any:
        return ()

    def begin_state(self, func: Any = symbol.zeros, **kwargs: Any) -> List[Any]:
        """Initial states: ``func(name='<prefix>begin_state_<i>', shape=(0, hidden), ...)``
        (batch size 0 = decided at bind time)."""
        assert not self._modified, (
            "After applying modifier cells (e.g. DropoutCell) the base cell cannot be called "
            "directly. Call the modifier cell instead.")
        states = []
        for info in self.state_info:
            self._init_counter += 1
            if info is not None:
                kwargs.update(info)
            states.append(func(name="%sbegin_state_%d" % (self._prefix, self._init_counter),
                               **kwargs))
        return states

    def unpack_weights(self, args: Dict[str, Any]) -> Dict[str, Any]:
        """Split the fused ``i2h`` / ``h2h`` weights into one array per gate."""
        args = args.copy()
        if not self._gate_names:
            return args
        h = self._num_hidden  # type: ignore[attr-defined]
        for group in ("i2h", "h2h"):
            weight = args.pop("%s%s_weight" % (self._prefix, group))
            bias = args.pop("%s%s_bias" % (self._prefix, group))
            for j, gate in enumerate(self._gate_names):
                args["%s%s%s_weight" % (self._prefix, group, gate)] = \
                    weight[j * h:(j + 1) * h].copy()
                args["%s%s%s_bias" % (self._prefix, group, gate)] = \
                    bias[j * h:(j + 1) * h].copy()
        return args

    def pack_weights(self, args: Dict[str, Any]) -> Dict[str, Any]:
        """The inverse of :meth:`unpack_weights`."""
        args = args.copy()
        if not self._gate_names:
            return args
        for group in ("i2h", "h2h"):
            ws, bs = [], []
            for gate in self._gate_names:
                ws.append(args.pop("%s%s%s_weight" % (self._prefix, group, gate)))
                bs.append(args.pop("%s%s%s_bias" % (self._prefix, group, gate)))
            args["%s%s_weight" % (self._prefix, group)] = ndarray.concat(*ws, dim=0)
            args["%s%s_bias" % (self._prefix, group)] = ndarray.concat(*bs, dim=0)
        return args

    def unroll(self, length: int, inputs: Any, begin_state: Any = None, layout: str = "NTC",
               merge_outputs: Any = None) -> Any:
        """Apply the cell ``length`` times; ``(outputs, states)``."""
        self.reset()
        inputs, _ = _normalize_sequence(length, inputs, layout, False)
        states = self.begin_state() if begin_state is None else begin_state
        outputs = []
        for i in range(length):
            out, states = self(inputs[i], states)
            outputs.append(out)
        outputs, _ = _normalize_sequence(length, outputs, layout, merge_outputs)
        return outputs, states

    def _get_activation(self, inputs: Any, activation: Any, **kwargs: Any) -> Any:
        if isinstance(activation, str):
            return symbol.Activation(inputs, act_type=activation, **kwargs)
        return activation(inputs, **kwargs)


class RNNCell(BaseRNNCell):
    """Elman cell: ``out = act(W_i x + b_i + W_h h + b_h)``."""

    def __init__(self, num_hidden: int, activation: Any = "tanh", prefix: str = "rnn_",
                 params: Optional[RNNParams] = None):
        super().__init__(prefix=prefix, params=params)
        self._num_hidden = num_hidden
        self._activation = activation
        self._iW = self.params.get("i2h_weight")
        self._iB = self.params.get("i2h_bias")
        self._hW = self.params.get("h2h_weight")
        self._hB = self.params.get("h2h_bias")

    @property
    def state_info(self) -> List[Any]:
        return [{"shape": (0, self._num_hidden), "__layout__": "NC"}]

    @property
    def _gate_names(self) -> Any:
        return ("",)

    def __call__(self, inputs: Any, states: Any) -> Any:
        self._counter += 1
        name = "%st%d_" % (self._prefix, self._counter)
        i2h = symbol.FullyConnected(data=inputs, weight=self._iW, bias=self._iB,
                                    num_hidden=self._num_hidden, name="%si2h" % name)
        h2h = symbol.FullyConnected(data=states[0], weight=self._hW, bias=self._hB,
                                    num_hidden=self._num_hidden, name="%sh2h" % name)
        out = self._get_activation(i2h + h2h, self._activation, name="%sout" % name)
        return out, [out]


class LSTMCell(BaseRNNCell):
    """LSTM cell (gates in MXNet's order i, f, c, o; ``forget_bias`` through the
    ``LSTMBias`` initializer of ``i2h_bias``)."""

    def __init__(self, num_hidden: int, prefix: str = "lstm_",
                 params: Optional[RNNParams] = None, forget_bias: float = 1.0):
        super().__init__(prefix=prefix, params=params)
        self._num_hidden = num_hidden
        self._iW = self.params.get("i2h_weight")
        self._hW = self.params.get("h2h_weight")
        self._iB = self.params.get("i2h_bias", init=init.LSTMBias(forget_bias=forget_bias))
        self._hB = self.params.get("h2h_bias")

    @property
    def state_info(self) -> List[Any]:
        return [{"shape": (0, self._num_hidden), "__layout__": "NC"},
                {"shape": (0, self._num_hidden), "__layout__": "NC"}]

    @property
    def _gate_names(self) -> Any:
        return ["_i", "_f", "_c", "_o"]

    def __call__(self, inputs: Any, states: Any) -> Any:
        self._counter += 1
        name = "%st%d_" % (self._prefix, self._counter)
        n = self._num_hidden
        i2h = symbol.FullyConnected(data=inputs, weight=self._iW, bias=self._iB,
                                    num_hidden=n * 4, name="%si2h" % name)
        h2h = symbol.FullyConnected(data=states[0], weight=self._hW, bias=self._hB,
                                    num_hidden=n * 4, name="%sh2h" % name)
        gates = symbol.SliceChannel(i2h + h2h, num_outputs=4, name="%sslice" % name)
        in_gate = symbol.Activation(gates[0], act_type="sigmoid", name="%si" % name)
        forget_gate = symbol.Activation(gates[1], act_type="sigmoid", name="%sf" % name)
        in_transform = symbol.Activation(gates[2], act_type="tanh", name="%sc" % name)
        out_gate = symbol.Activation(gates[3], act_type="sigmoid", name="%so" % name)
        next_c = symbol._internal._plus(forget_gate * states[1], in_gate * in_transform,
                                        name="%sstate" % name)
        next_h = symbol._internal._mul(out_gate, symbol.Activation(next_c, act_type="tanh"),
                                       name="%sout" % name)
        return next_h, [next_h, next_c]


class GRUCell(BaseRNNCell):
    """GRU cell (gates r, z, o, as MXNet)."""

    def __init__(self, num_hidden: int, prefix: str = "gru_",
                 params: Optional[RNNParams] = None):
        super().__init__(prefix=prefix, params=params)
        self._num_hidden = num_hidden
        self._iW = self.params.get("i2h_weight")
        self._iB = self.params.get("i2h_bias")
        self._hW = self.params.get("h2h_weight")
        self._hB = self.params.get("h2h_bias")

    @property
    def state_info(self) -> List[Any]:
        return [{"shape": (0, self._num_hidden), "__layout__": "NC"}]

    @property
    def _gate_names(self) -> Any:
        return ["_r", "_z", "_o"]

    def __call__(self, inputs: Any, states: Any) -> Any:
        self._counter += 1
        name = "%st%d_" % (self._prefix, self._counter)
        n = self._num_hidden
        prev = states[0]
        i2h = symbol.FullyConnected(data=inputs, weight=self._iW, bias=self._iB,
                                    num_hidden=n * 3, name="%s_i2h" % name)
        h2h = symbol.FullyConnected(data=prev, weight=self._hW, bias=self._hB,
                                    num_hidden=n * 3, name="%s_h2h" % name)
        i2h_r, i2h_z, i2h = symbol.SliceChannel(i2h, num_outputs=3, name="%s_i2h_slice" % name)
        h2h_r, h2h_z, h2h = symbol.SliceChannel(h2h, num_outputs=3, name="%s_h2h_slice" % name)
        reset_gate = symbol.Activation(i2h_r + h2h_r, act_type="sigmoid",
                                       name="%s_r_act" % name)
        update_gate = symbol.Activation(i2h_z + h2h_z, act_type="sigmoid",
                                        name="%s_z_act" % name)
        cand = symbol.Activation(i2h + reset_gate * h2h, act_type="tanh",
                                 name="%s_h_act" % name)
        next_h = symbol._internal._plus((1.0 - update_gate) * cand, update_gate * prev,
                                        name="%sout" % name)
        return next_h, [next_h]


class SequentialRNNCell(BaseRNNCell):
    """Cells stacked: each one's output is the next one's input."""

    def __init__(self, params: Optional[RNNParams] = None):
        super().__init__(prefix="", params=params)
        self._override_cell_params = params is not None
        self._cells: List[BaseRNNCell] = []

    def add(self, cell: BaseRNNCell) -> None:
        self._cells.append(cell)
        if self._override_cell_params:
            assert cell._own_params, \
                "Either specify params for SequentialRNNCell or child cells, not both."
            cell.params._params.update(self.params._params)
        self.params._params.update(cell.params._params)

    @property
    def state_info(self) -> List[Any]:
        return [i for c in self._cells for i in c.state_info]

    def begin_state(self, **kwargs: Any) -> List[Any]:  # type: ignore[override]
        assert not self._modified, (
            "After applying modifier cells (e.g. ZoneoutCell) the base cell cannot be called "
            "directly. Call the modifier cell instead.")
        return [s for c in self._cells for s in c.begin_state(**kwargs)]

    def unpack_weights(self, args: Dict[str, Any]) -> Dict[str, Any]:
        for c in self._cells:
            args = c.unpack_weights(args)
        return args

    def pack_weights(self, args: Dict[str, Any]) -> Dict[str, Any]:
        for c in self._cells:
            args = c.pack_weights(args)
        return args

    def __call__(self, inputs: Any, states: Any) -> Any:
        self._counter += 1
        next_states: List[Any] = []
        p = 0
        for cell in self._cells:
            n = len(cell.state_info)
            inputs, st = cell(inputs, states[p:p + n])
            p += n
            next_states.extend(st)
        return inputs, next_states

    def unroll(self, length: int, inputs: Any, begin_state: Any = None, layout: str = "NTC",
               merge_outputs: Any = None) -> Any:
        self.reset()
        last = len(self._cells) - 1
        if begin_state is None:
            begin_state = self.begin_state()
        p = 0
        next_states: List[Any] = []
        for i, cell in enumerate(self._cells):
            n = len(cell.state_info)
            inputs, st = cell.unroll(length, inputs=inputs, begin_state=begin_state[p:p + n],
                                     layout=layout,
                                     merge_outputs=None if i < last else merge_outputs)
            p += n
            next_states.extend(st)
        return inputs, next_states
