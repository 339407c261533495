"""Recurrent cells of ``gluon.rnn``: one time step per call, ``unroll`` for a sequence.

A cell is a Block whose call takes ``(inputs, states)`` for one step and returns
``(output, new_states)``; ``unroll(length, inputs, ...)`` steps it over a sequence given as
one array (``layout`` 'NTC' or 'TNC') or a list of per-step arrays, and ``valid_length``
masks each sequence past its length (outputs become 0, final states are those of the last
valid step). Parameter names, shapes, state layouts, reprs and the arithmetic of each step
are MXNet 1.9.1's, so cells and the fused layers (``rnn_layer``) share checkpoints.
"""
from __future__ import annotations

from typing import Any, Callable, Dict, List, Optional, Tuple, cast

from ... import ndarray as nd
from ...base import (MXNetAssertionError, MXNetError, MXNetValueError, numeric_types,
                     string_types, unsupported)
from ...ndarray.ndarray import NDArray
from .._util import _indent
from ..block import _GRAPH, Block, HybridBlock

__all__ = ["RecurrentCell", "HybridRecurrentCell", "RNNCell", "LSTMCell", "GRUCell",
           "SequentialRNNCell", "HybridSequentialRNNCell", "DropoutCell", "ModifierCell",
           "ZoneoutCell", "ResidualCell", "BidirectionalCell"]


def _symbol_input(what: str) -> MXNetError:
    return unsupported(f"{what} on Symbols", "it arrives with the Symbol API (issue 20)")


def _is_symbol(x: Any) -> bool:
    return type(x).__name__ == "Symbol"


def _is_tensor(x: Any) -> bool:
    """An NDArray or a Symbol (MXNet's ``tensor_types``)."""
    return isinstance(x, NDArray) or _is_symbol(x)


def _symbol_module() -> Any:
    from ... import symbol
    return symbol


def _sym_zeros() -> Callable:
    """``mx.sym.zeros``, the default state function of ModifierCell.begin_state."""
    try:
        from ... import symbol
    except ImportError:
        raise _symbol_input("ModifierCell.begin_state() without func=") from None
    return symbol.zeros  # type: ignore[attr-defined,no-any-return]


def _make_state(func: Callable, name: str, info: Dict[str, Any]) -> Any:
    """``func(name=..., **info)``; the ``__layout__`` hint is dropped for functions that do
    not take it (mxcompat's random samplers check their keyword arguments)."""
    try:
        return func(name=name, **info)
    except MXNetValueError as e:
        if "__layout__" not in info or "'__layout__'" not in str(e):
            raise
    info = {k: v for k, v in info.items() if k != "__layout__"}
    return func(name=name, **info)


def _cells_state_info(cells: Any, batch_size: int) -> List[Dict[str, Any]]:
    out: List[Dict[str, Any]] = []
    for c in cells:
        out.extend(c.state_info(batch_size))
    return out


def _cells_begin_state(cells: Any, **kwargs: Any) -> List[Any]:
    out: List[Any] = []
    for c in cells:
        out.extend(c.begin_state(**kwargs))
    return out


def _as_list(x: Any) -> List[Any]:
    return list(x) if isinstance(x, (list, tuple)) else [x]


def _format_sequence(length: Optional[int], inputs: Any, layout: str, merge: Optional[bool],
                     in_layout: Optional[str] = None) -> Tuple[Any, int, Any, int]:
    """Bring ``inputs`` (one array or a list of per-step arrays) into the form a cell's
    unroll needs: a list of steps (``merge=False``), one array stacked along the layout's
    time axis (``merge=True``), or as given (``None``). Returns (inputs, time axis, F,
    batch size)."""
    if inputs is None:
        raise MXNetAssertionError("unroll(inputs=None) has been deprecated. Please create "
                                  "input variables outside unroll.")
    axis = layout.find("T")
    batch_axis = layout.find("N")
    in_axis = in_layout.find("T") if in_layout is not None else axis
    batch_size = 0
    F: Any = nd
    if _is_symbol(inputs):
        F = _symbol_module()
        if merge is False:
            if len(inputs.list_outputs()) != 1:
                raise MXNetAssertionError(
                    "unroll doesn't allow grouped symbol as input. Please convert to list "
                    "with list(inputs) first or let unroll handle splitting.")
            inputs = list(F.split(inputs, axis=in_axis, num_outputs=length, squeeze_axis=1))
    elif isinstance(inputs, NDArray):
        batch_size = inputs.shape[batch_axis]
        if merge is False:
            if length is not None and length != inputs.shape[in_axis]:
                raise MXNetAssertionError(
                    f"unroll: length {length} does not match the {inputs.shape[in_axis]} "
                    f"steps of the input (axis {in_axis} of shape {inputs.shape})")
            inputs = _as_list(nd.split(inputs, axis=in_axis, num_outputs=inputs.shape[in_axis],
                                       squeeze_axis=1))
    else:
        if length is not None and len(inputs) != length:
            raise MXNetAssertionError(f"unroll: length {length} does not match the "
                                      f"{len(inputs)} input steps given")
        if _is_symbol(inputs[0]):
            F = _symbol_module()
        else:
            batch_size = inputs[0].shape[0]
        if merge is True:
            inputs = F.stack(*inputs, axis=axis)
            in_axis = axis
    if _is_tensor(inputs) and axis != in_axis:
        inputs = F.swapaxes(inputs, dim1=axis, dim2=in_axis)
    return inputs, axis, F, batch_size


def _get_begin_state(cell: "RecurrentCell", F: Any, begin_state: Any, inputs: Any,
                     batch_size: int) -> Any:
    if begin_state is not None:
        return begin_state
    if F is not nd:
        return cell.begin_state(func=F.zeros, batch_size=batch_size)
    ctx = inputs.context if isinstance(inputs, NDArray) else inputs[0].context
    with ctx:
        return cell.begin_state(func=F.zeros, batch_size=batch_size)


def _mask_sequence_variable_length(F: Any, data: Any, length: int, valid_length: Any,
                                   time_axis: int, merge: bool) -> Any:
    """Zero the steps of each sequence past its valid length."""
    if not _is_tensor(data):
        data = F.stack(*data, axis=time_axis)
    out = F.SequenceMask(data, sequence_length=valid_length, use_sequence_length=True,
                         axis=time_axis)
    if not merge:
        out = _as_list(F.split(out, num_outputs=length, axis=time_axis, squeeze_axis=True))
    return out


def _reverse_sequences(sequences: List[Any], unroll_step: int, valid_length: Any = None
                       ) -> List[Any]:
    """The steps in reverse order; with ``valid_length``, each sequence's valid steps are
    reversed in place (the padding stays at the end)."""
    if valid_length is None:
        return list(reversed(sequences))
    F: Any = _symbol_module() if _is_symbol(sequences[0]) else nd
    rev = F.SequenceReverse(F.stack(*sequences, axis=0), sequence_length=valid_length,
                            use_sequence_length=True)
    if F is not nd:  # a Symbol with one output per step
        return list(F.split(rev, axis=0, num_outputs=unroll_step, squeeze_axis=True))
    if unroll_step > 1:
        return _as_list(F.split(rev, axis=0, num_outputs=unroll_step, squeeze_axis=True))
    return [rev[0]]


def _steps(x: Any) -> List[Any]:
    """The items of a list of steps, or the slices along axis 0 of an array (what iterating
    over it gives)."""
    if isinstance(x, NDArray):
        return [x[i] for i in range(x.shape[0])]
    return list(x)  # a list, or a Symbol's outputs


class RecurrentCell(Block):
    """Base class of the recurrent cells: ``cell(inputs, states)`` runs one step,
    ``unroll`` runs a sequence, ``begin_state`` makes the initial states."""

    def __init__(self, prefix: Optional[str] = None, params: Any = None):
        super().__init__(prefix=prefix, params=params)
        self._modified = False
        self.reset()

    def reset(self) -> None:
        """Reset the step counters before a new sequence (``unroll`` does it)."""
        self._init_counter = -1
        self._counter = -1
        for cell in self._children.values():
            cell.reset()  # type: ignore[attr-defined]

    def state_info(self, batch_size: int = 0) -> List[Dict[str, Any]]:
        """Shape and layout of each state."""
        raise NotImplementedError()

    def begin_state(self, batch_size: int = 0, func: Callable = nd.zeros,
                    **kwargs: Any) -> List[Any]:
        """The initial states, one ``func(name=..., shape=..., **kwargs)`` each (``func`` is
        ``mx.nd.zeros`` by default; ``ctx``, ``dtype``... go through ``kwargs``)."""
        if self._modified:
            raise MXNetAssertionError(
                "After applying modifier cells (e.g. ZoneoutCell) the base cell cannot be "
                "called directly. Call the modifier cell instead.")
        states = []
        for info in self.state_info(batch_size):
            self._init_counter += 1
            info = dict(info) if info is not None else {}
            info.update(kwargs)
            states.append(_make_state(func, f"{self._prefix}begin_state_{self._init_counter}",
                                      info))
        return states

    def unroll(self, length: int, inputs: Any, begin_state: Any = None, layout: str = "NTC",
               merge_outputs: Optional[bool] = None, valid_length: Any = None
               ) -> Tuple[Any, List[Any]]:
        """Run ``length`` steps over ``inputs`` (an array in ``layout`` or a list of
        per-step arrays). Returns (outputs, final states); outputs are one array when
        ``merge_outputs`` (None: as the inputs came, one array when ``valid_length`` is
        given), else a list."""
        self.reset()
        inputs, axis, F, batch_size = _format_sequence(length, inputs, layout, False)
        states = _get_begin_state(self, F, begin_state, inputs, batch_size)
        outputs = []
        history = []
        for i in range(length):
            output, states = self(inputs[i], states)
            outputs.append(output)
            if valid_length is not None:
                history.append(states)
        if valid_length is not None:
            states = [F.SequenceLast(F.stack(*per_state, axis=0), sequence_length=valid_length,
                                     use_sequence_length=True, axis=0)
                      for per_state in zip(*history)]
            outputs = _mask_sequence_variable_length(F, outputs, length, valid_length, axis,
                                                     True)
        outputs, _, _, _ = _format_sequence(length, outputs, layout, merge_outputs)
        return outputs, states

    def _get_activation(self, F: Any, inputs: Any, activation: Any, **kwargs: Any) -> Any:
        """Apply ``activation``: a name ('tanh', 'relu', 'sigmoid', 'softsign', or any
        ``Activation`` act_type), a ``LeakyReLU`` block, or a callable."""
        fn = {"tanh": F.tanh, "relu": F.relu, "sigmoid": F.sigmoid,
              "softsign": F.softsign}.get(activation) if isinstance(activation, str) else None
        if fn is not None:
            return fn(inputs, **kwargs)
        if isinstance(activation, string_types):
            return F.Activation(inputs, act_type=activation, **kwargs)
        from ..nn import LeakyReLU
        if isinstance(activation, LeakyReLU):
            return F.LeakyReLU(inputs, act_type="leaky", slope=activation._alpha, **kwargs)
        return activation(inputs, **kwargs)

    def forward(self, inputs: Any, states: Any) -> Any:  # type: ignore[override]
        """One step: (output, new states)."""
        if _is_symbol(inputs) or not (getattr(self, "_active", False) and not _GRAPH.inside):
            self._counter += 1  # a hybridized call re-enters forward once: count it once
        return super().forward(inputs, states)


class HybridRecurrentCell(RecurrentCell, HybridBlock):
    """A recurrent cell written as ``hybrid_forward(F, inputs, states, **params)``."""

    def __init__(self, prefix: Optional[str] = None, params: Any = None):
        super().__init__(prefix=prefix, params=params)

    def hybrid_forward(self, F: Any, x: Any, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError


def _mapping(shape: Any, out_index: int = 0) -> str:
    inp = shape[1] if shape[1] else None
    return f"{inp} -> {shape[out_index]}"


class _GatedCell(HybridRecurrentCell):
    """The four parameters every gated cell has: i2h/h2h weight (gates * hidden, in) and
    bias (gates * hidden,)."""

    _num_gates = 1

    def __init__(self, hidden_size: int, i2h_weight_initializer: Any,
                 h2h_weight_initializer: Any, i2h_bias_initializer: Any,
                 h2h_bias_initializer: Any, input_size: int, prefix: Optional[str],
                 params: Any, h2h_in: Optional[int] = None):
        super().__init__(prefix=prefix, params=params)
        self._hidden_size = hidden_size
        self._input_size = input_size
        n = self._num_gates * hidden_size
        self.i2h_weight = self.params.get("i2h_weight", shape=(n, input_size),
                                          init=i2h_weight_initializer, allow_deferred_init=True)
        self.h2h_weight = self.params.get("h2h_weight",
                                          shape=(n, hidden_size if h2h_in is None else h2h_in),
                                          init=h2h_weight_initializer, allow_deferred_init=True)
        self.i2h_bias = self.params.get("i2h_bias", shape=(n,), init=i2h_bias_initializer,
                                        allow_deferred_init=True)
        self.h2h_bias = self.params.get("h2h_bias", shape=(n,), init=h2h_bias_initializer,
                                        allow_deferred_init=True)

    def state_info(self, batch_size: int = 0) -> List[Dict[str, Any]]:
        return [{"shape": (batch_size, self._hidden_size), "__layout__": "NC"}]

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}({_mapping(self.i2h_weight.shape)})"

    def _projections(self, F: Any, inputs: Any, state: Any, i2h_weight: Any, h2h_weight: Any,
                     i2h_bias: Any, h2h_bias: Any) -> Tuple[Any, Any]:
        prefix = f"t{self._counter}_"
        n = self._hidden_size * self._num_gates
        i2h = F.FullyConnected(data=inputs, weight=i2h_weight, bias=i2h_bias, num_hidden=n,
                               name=prefix + "i2h")
        h2h = F.FullyConnected(data=state, weight=h2h_weight, bias=h2h_bias, num_hidden=n,
                               name=prefix + "h2h")
        return i2h, h2h


class RNNCell(_GatedCell):
    """Elman cell: ``h' = activation(W_ih x + b_ih + W_hh h + b_hh)`` (``activation`` 'tanh'
    by default; a name, a LeakyReLU block or a callable)."""

    _num_gates = 1

    def __init__(self, hidden_size: int, activation: Any = "tanh",
                 i2h_weight_initializer: Any = None, h2h_weight_initializer: Any = None,
                 i2h_bias_initializer: Any = "zeros", h2h_bias_initializer: Any = "zeros",
                 input_size: int = 0, prefix: Optional[str] = None, params: Any = None):
        super().__init__(hidden_size, i2h_weight_initializer, h2h_weight_initializer,
                         i2h_bias_initializer, h2h_bias_initializer, input_size, prefix,
                         params)
        self._activation = activation

    def _alias(self) -> str:
        return "rnn"

    def __repr__(self) -> str:
        return (f"{self.__class__.__name__}({_mapping(self.i2h_weight.shape)}, "
                f"{self._activation})")

    def hybrid_forward(self, F: Any, inputs: Any, states: Any, i2h_weight: Any,  # type: ignore[override]
                       h2h_weight: Any, i2h_bias: Any, h2h_bias: Any) -> Any:
        prefix = f"t{self._counter}_"
        i2h, h2h = self._projections(F, inputs, states[0], i2h_weight, h2h_weight, i2h_bias,
                                     h2h_bias)
        total = F.elemwise_add(i2h, h2h, name=prefix + "plus0")
        output = self._get_activation(F, total, self._activation, name=prefix + "out")
        return output, [output]


class LSTMCell(_GatedCell):
    """Long short-term memory cell; states [h, c]; gates i, f, c (the candidate), o in the
    rows of the weights; ``activation`` for the candidate and the output, and
    ``recurrent_activation`` for the gates."""

    _num_gates = 4

    def __init__(self, hidden_size: int, i2h_weight_initializer: Any = None,
                 h2h_weight_initializer: Any = None, i2h_bias_initializer: Any = "zeros",
                 h2h_bias_initializer: Any = "zeros", input_size: int = 0,
                 prefix: Optional[str] = None, params: Any = None, activation: Any = "tanh",
                 recurrent_activation: Any = "sigmoid"):
        super().__init__(hidden_size, i2h_weight_initializer, h2h_weight_initializer,
                         i2h_bias_initializer, h2h_bias_initializer, input_size, prefix,
                         params)
        self._activation = activation
        self._recurrent_activation = recurrent_activation

    def state_info(self, batch_size: int = 0) -> List[Dict[str, Any]]:
        return [{"shape": (batch_size, self._hidden_size), "__layout__": "NC"},
                {"shape": (batch_size, self._hidden_size), "__layout__": "NC"}]

    def _alias(self) -> str:
        return "lstm"

    def hybrid_forward(self, F: Any, inputs: Any, states: Any, i2h_weight: Any,  # type: ignore[override]
                       h2h_weight: Any, i2h_bias: Any, h2h_bias: Any) -> Any:
        prefix = f"t{self._counter}_"
        i2h, h2h = self._projections(F, inputs, states[0], i2h_weight, h2h_weight, i2h_bias,
                                     h2h_bias)
        gates = F.SliceChannel(F.elemwise_add(i2h, h2h, name=prefix + "plus0"), num_outputs=4,
                               name=prefix + "slice")
        act, rec = self._activation, self._recurrent_activation
        in_gate = self._get_activation(F, gates[0], rec, name=prefix + "i")
        forget_gate = self._get_activation(F, gates[1], rec, name=prefix + "f")
        candidate = self._get_activation(F, gates[2], act, name=prefix + "c")
        out_gate = self._get_activation(F, gates[3], rec, name=prefix + "o")
        next_c = F.elemwise_add(F.elemwise_mul(forget_gate, states[1], name=prefix + "mul0"),
                                F.elemwise_mul(in_gate, candidate, name=prefix + "mul1"),
                                name=prefix + "state")
        next_h = F.elemwise_mul(out_gate, F.Activation(next_c, act_type=act,
                                                       name=prefix + "activation0"),
                                name=prefix + "out")
        return next_h, [next_h, next_c]


class GRUCell(_GatedCell):
    """Gated recurrent unit cell (cuDNN's variant: the reset gate multiplies
    ``W_hn h + b_hn``); gates r, z, n in the rows of the weights."""

    _num_gates = 3

    def __init__(self, hidden_size: int, i2h_weight_initializer: Any = None,
                 h2h_weight_initializer: Any = None, i2h_bias_initializer: Any = "zeros",
                 h2h_bias_initializer: Any = "zeros", input_size: int = 0,
                 prefix: Optional[str] = None, params: Any = None):
        super().__init__(hidden_size, i2h_weight_initializer, h2h_weight_initializer,
                         i2h_bias_initializer, h2h_bias_initializer, input_size, prefix,
                         params)

    def _alias(self) -> str:
        return "gru"

    def hybrid_forward(self, F: Any, inputs: Any, states: Any, i2h_weight: Any,  # type: ignore[override]
                       h2h_weight: Any, i2h_bias: Any, h2h_bias: Any) -> Any:
        prefix = f"t{self._counter}_"
        prev_h = states[0]
        i2h, h2h = self._projections(F, inputs, prev_h, i2h_weight, h2h_weight, i2h_bias,
                                     h2h_bias)
        i2h_r, i2h_z, i2h_n = F.SliceChannel(i2h, num_outputs=3, name=prefix + "i2h_slice")
        h2h_r, h2h_z, h2h_n = F.SliceChannel(h2h, num_outputs=3, name=prefix + "h2h_slice")
        reset = F.Activation(F.elemwise_add(i2h_r, h2h_r, name=prefix + "plus0"),
                             act_type="sigmoid", name=prefix + "r_act")
        update = F.Activation(F.elemwise_add(i2h_z, h2h_z, name=prefix + "plus1"),
                              act_type="sigmoid", name=prefix + "z_act")
        candidate = F.Activation(F.elemwise_add(i2h_n, F.elemwise_mul(reset, h2h_n,
                                                                      name=prefix + "mul0"),
                                                name=prefix + "plus2"),
                                 act_type="tanh", name=prefix + "h_act")
        ones = F.ones_like(update, name=prefix + "ones_like0")
        next_h = F.elemwise_add(
            F.elemwise_mul(F.elemwise_sub(ones, update, name=prefix + "minus0"), candidate,
                           name=prefix + "mul1"),
            F.elemwise_mul(update, prev_h, name=prefix + "mul20"), name=prefix + "out")
        return next_h, [next_h]


def _stack_repr(cell: Block) -> str:
    body = "\n".join(f"({i}): {_indent(repr(m), 2)}" for i, m in cell._children.items())
    return f"{cell.__class__.__name__}(\n{body}\n)"


class _StackMixin:
    """What SequentialRNNCell and HybridSequentialRNNCell share: cells run one after the
    other, each taking its own slice of the states."""

    _children: Any
    _modified: bool

    def add(self, cell: Block) -> None:
        """Append a cell."""
        self.register_child(cell)  # type: ignore[attr-defined]

    def state_info(self, batch_size: int = 0) -> List[Dict[str, Any]]:
        return _cells_state_info(self._children.values(), batch_size)

    def begin_state(self, **kwargs: Any) -> List[Any]:
        if self._modified:
            raise MXNetAssertionError(
                "After applying modifier cells (e.g. ZoneoutCell) the base cell cannot be "
                "called directly. Call the modifier cell instead.")
        return _cells_begin_state(self._children.values(), **kwargs)

    def _step(self, inputs: Any, states: Any) -> Tuple[Any, List[Any]]:
        self._counter += 1  # type: ignore[attr-defined]
        if any(isinstance(c, BidirectionalCell) for c in self._children.values()):
            raise MXNetAssertionError(f"{self.__class__.__name__}: a BidirectionalCell "
                                      "cannot be stepped; use unroll()")
        next_states: List[Any] = []
        p = 0
        for cell in self._children.values():
            n = len(cell.state_info())
            inputs, state = cell(inputs, states[p:p + n])
            p += n
            next_states.extend(state)
        return inputs, next_states

    def unroll(self, length: int, inputs: Any, begin_state: Any = None, layout: str = "NTC",
               merge_outputs: Optional[bool] = None, valid_length: Any = None
               ) -> Tuple[Any, List[Any]]:
        self.reset()  # type: ignore[attr-defined]
        inputs, _, F, batch_size = _format_sequence(length, inputs, layout, None)
        begin_state = _get_begin_state(self, F, begin_state, inputs,  # type: ignore[arg-type]
                                       batch_size)
        cells = list(self._children.values())
        p = 0
        next_states: List[Any] = []
        for i, cell in enumerate(cells):
            n = len(cell.state_info())
            states = begin_state[p:p + n]
            p += n
            inputs, states = cell.unroll(length, inputs=inputs, begin_state=states,
                                         layout=layout,
                                         merge_outputs=None if i < len(cells) - 1 else
                                         merge_outputs, valid_length=valid_length)
            next_states.extend(states)
        return inputs, next_states

    def __getitem__(self, i: Any) -> Block:
        return self._children[str(i)]  # type: ignore[no-any-return]

    def __len__(self) -> int:
        return len(self._children)

    def __repr__(self) -> str:
        return _stack_repr(self)  # type: ignore[arg-type]


class SequentialRNNCell(_StackMixin, RecurrentCell):  # type: ignore[misc]
    """Cells stacked one on the other (any cells; not hybridizable)."""

    def __init__(self, prefix: Optional[str] = None, params: Any = None):
        super().__init__(prefix=prefix, params=params)

    def __call__(self, inputs: Any, states: Any) -> Any:
        return self._step(inputs, states)

    def hybrid_forward(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError


class HybridSequentialRNNCell(_StackMixin, HybridRecurrentCell):  # type: ignore[misc]
    """Hybrid cells stacked one on the other."""

    def __init__(self, prefix: Optional[str] = None, params: Any = None):
        super().__init__(prefix=prefix, params=params)

    def __call__(self, inputs: Any, states: Any) -> Any:
        return self._step(inputs, states)

    def hybrid_forward(self, F: Any, inputs: Any, states: Any) -> Any:  # type: ignore[override]
        return self._step(inputs, states)


class DropoutCell(HybridRecurrentCell):
    """Dropout on the inputs (no states); ``axes`` share the mask along those axes."""

    def __init__(self, rate: float, axes: Any = (), prefix: Optional[str] = None,
                 params: Any = None):
        super().__init__(prefix, params)
        if not isinstance(rate, numeric_types):
            raise MXNetAssertionError("rate must be a number")
        self._rate = rate
        self._axes = axes

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}(rate={self._rate}, axes={self._axes})"

    def state_info(self, batch_size: int = 0) -> List[Dict[str, Any]]:
        return []

    def _alias(self) -> str:
        return "dropout"

    def hybrid_forward(self, F: Any, inputs: Any, states: Any) -> Any:  # type: ignore[override]
        if self._rate > 0:
            inputs = F.Dropout(data=inputs, p=self._rate, axes=self._axes,
                               name=f"t{self._counter}_fwd")
        return inputs, states

    def unroll(self, length: int, inputs: Any, begin_state: Any = None, layout: str = "NTC",
               merge_outputs: Optional[bool] = None, valid_length: Any = None
               ) -> Tuple[Any, List[Any]]:
        self.reset()
        inputs, _, F, _ = _format_sequence(length, inputs, layout, merge_outputs)
        if _is_tensor(inputs):
            return self.hybrid_forward(F, inputs, begin_state if begin_state else [])
        return super().unroll(length, inputs, begin_state=begin_state, layout=layout,
                              merge_outputs=merge_outputs, valid_length=None)


class ModifierCell(HybridRecurrentCell):
    """Base class of the cells that wrap another cell (``base_cell``) and change what it
    does; it uses the base cell's parameters, and the base cell can then only be run
    through it."""

    def __init__(self, base_cell: RecurrentCell):
        if base_cell._modified:
            raise MXNetAssertionError(f"Cell {base_cell.name} is already modified. One cell "
                                      "cannot be modified twice")
        base_cell._modified = True
        super().__init__(prefix=base_cell.prefix + self._alias(), params=None)
        self.base_cell = base_cell

    @property
    def params(self) -> Any:  # type: ignore[override]
        return self.base_cell.params

    def state_info(self, batch_size: int = 0) -> List[Dict[str, Any]]:
        return self.base_cell.state_info(batch_size)

    def begin_state(self, func: Optional[Callable] = None,  # type: ignore[override]
                    **kwargs: Any) -> List[Any]:
        """The base cell's initial states (``func`` defaults to ``mx.sym.zeros``, as in
        MXNet: pass ``func=mx.nd.zeros`` for arrays)."""
        if self._modified:
            raise MXNetAssertionError(
                "After applying modifier cells (e.g. DropoutCell) the base cell cannot be "
                "called directly. Call the modifier cell instead.")
        if func is None:
            func = _sym_zeros()
        self.base_cell._modified = False
        try:
            return self.base_cell.begin_state(func=func, **kwargs)
        finally:
            self.base_cell._modified = True

    def hybrid_forward(self, F: Any, inputs: Any, states: Any) -> Any:  # type: ignore[override]
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}({self.base_cell})"


def _check_not_bidirectional(base_cell: Any, what: str) -> None:
    if isinstance(base_cell, SequentialRNNCell) and not hasattr(base_cell, "_bidirectional"):
        # MXNet 1.9.1 reads the attribute, which SequentialRNNCell does not have
        from ...base import MXNetAttributeError
        raise MXNetAttributeError(f"'SequentialRNNCell' object has no attribute "
                                  f"'_bidirectional' ({what} cannot wrap a SequentialRNNCell "
                                  "in MXNet 1.9.1; wrap the cells inside it instead)")


class ZoneoutCell(ModifierCell):
    """Zoneout: in training, each output / state unit keeps its previous value with
    probability ``zoneout_outputs`` / ``zoneout_states``."""

    def __init__(self, base_cell: RecurrentCell, zoneout_outputs: float = 0.,
                 zoneout_states: float = 0.):
        if isinstance(base_cell, BidirectionalCell):
            raise MXNetAssertionError(
                "BidirectionalCell doesn't support zoneout since it doesn't support step. "
                "Please add ZoneoutCell to the cells underneath instead.")
        _check_not_bidirectional(base_cell, "ZoneoutCell")
        super().__init__(base_cell)
        self.zoneout_outputs = zoneout_outputs
        self.zoneout_states = zoneout_states
        self._prev_output: Any = None

    def __repr__(self) -> str:
        return (f"{self.__class__.__name__}(p_out={self.zoneout_outputs}, "
                f"p_state={self.zoneout_states}, {self.base_cell})")

    def _alias(self) -> str:
        return "zoneout"

    def reset(self) -> None:
        super().reset()
        self._prev_output = None

    def hybrid_forward(self, F: Any, inputs: Any, states: Any) -> Any:  # type: ignore[override]
        p_out, p_state = self.zoneout_outputs, self.zoneout_states
        next_output, next_states = self.base_cell(inputs, states)

        def mask(p: float, like: Any) -> Any:
            return F.Dropout(F.ones_like(like), p=p)

        prev = self._prev_output
        if prev is None:
            prev = F.zeros_like(next_output)
        output = (F.where(mask(p_out, next_output), next_output, prev)
                  if p_out != 0. else next_output)
        if p_state != 0.:
            new_states = [F.where(mask(p_state, new), new, old)
                          for new, old in zip(next_states, states)]
        else:
            new_states = next_states
        self._prev_output = output
        return output, new_states


class ResidualCell(ModifierCell):
    """Adds the input to the base cell's output (``output + inputs``)."""

    def __init__(self, base_cell: RecurrentCell):
        super().__init__(base_cell)

    def hybrid_forward(self, F: Any, inputs: Any, states: Any) -> Any:  # type: ignore[override]
        output, states = self.base_cell(inputs, states)
        output = F.elemwise_add(output, inputs, name=f"t{self._counter}_fwd")
        return output, states

    def unroll(self, length: int, inputs: Any, begin_state: Any = None, layout: str = "NTC",
               merge_outputs: Optional[bool] = None, valid_length: Any = None
               ) -> Tuple[Any, List[Any]]:
        self.reset()
        self.base_cell._modified = False
        try:
            outputs, states = self.base_cell.unroll(length, inputs=inputs,
                                                    begin_state=begin_state, layout=layout,
                                                    merge_outputs=merge_outputs,
                                                    valid_length=valid_length)
        finally:
            self.base_cell._modified = True
        if merge_outputs is None:
            merge_outputs = _is_tensor(outputs)
        inputs, axis, F, _ = _format_sequence(length, inputs, layout, merge_outputs)
        if valid_length is not None:
            inputs = _mask_sequence_variable_length(F, inputs, length, valid_length, axis,
                                                    merge_outputs)
        if merge_outputs:
            outputs = F.elemwise_add(outputs, inputs)
        else:
            outputs = [F.elemwise_add(i, j) for i, j in zip(outputs, inputs)]
        return outputs, states


class BidirectionalCell(HybridRecurrentCell):
    """Runs ``l_cell`` forward and ``r_cell`` backward over the sequence and concatenates
    their outputs (only ``unroll``: it cannot be stepped)."""

    def __init__(self, l_cell: RecurrentCell, r_cell: RecurrentCell,
                 output_prefix: str = "bi_"):
        super().__init__(prefix="", params=None)
        self.register_child(l_cell, "l_cell")
        self.register_child(r_cell, "r_cell")
        self._output_prefix = output_prefix

    def __call__(self, inputs: Any, states: Any) -> Any:
        raise NotImplementedError("Bidirectional cannot be stepped. Please use unroll")

    def __repr__(self) -> str:
        return (f"{self.__class__.__name__}(forward={self._children['l_cell']}, "
                f"backward={self._children['r_cell']})")

    def state_info(self, batch_size: int = 0) -> List[Dict[str, Any]]:
        return _cells_state_info(self._children.values(), batch_size)

    def begin_state(self, **kwargs: Any) -> List[Any]:  # type: ignore[override]
        if self._modified:
            raise MXNetAssertionError(
                "After applying modifier cells (e.g. DropoutCell) the base cell cannot be "
                "called directly. Call the modifier cell instead.")
        return _cells_begin_state(self._children.values(), **kwargs)

    def unroll(self, length: int, inputs: Any, begin_state: Any = None, layout: str = "NTC",
               merge_outputs: Optional[bool] = None, valid_length: Any = None
               ) -> Tuple[Any, List[Any]]:
        self.reset()
        inputs, axis, F, batch_size = _format_sequence(length, inputs, layout, False)
        reversed_inputs = _reverse_sequences(inputs, length, valid_length)
        states = _get_begin_state(self, F, begin_state, inputs, batch_size)
        l_cell, r_cell = cast(List[Any], list(self._children.values()))
        n_l = len(l_cell.state_info(batch_size))
        l_outputs, l_states = l_cell.unroll(length, inputs=inputs, begin_state=states[:n_l],
                                            layout=layout, merge_outputs=merge_outputs,
                                            valid_length=valid_length)
        r_outputs, r_states = r_cell.unroll(length, inputs=reversed_inputs,
                                            begin_state=states[n_l:], layout=layout,
                                            merge_outputs=False, valid_length=valid_length)
        r_back = _reverse_sequences(r_outputs, length, valid_length)
        if merge_outputs is None:
            merge_outputs = _is_tensor(l_outputs)
            l_outputs, _, _, _ = _format_sequence(None, l_outputs, layout, merge_outputs)
            r_back, _, _, _ = _format_sequence(None, r_back, layout, merge_outputs)
        if merge_outputs:
            r_merged = F.stack(*_steps(r_back), axis=axis)
            outputs = F.concat(l_outputs, r_merged, dim=2, name=f"{self._output_prefix}out")
        else:
            outputs = [F.concat(lo, ro, dim=1, name=f"{self._output_prefix}t{i}")
                       for i, (lo, ro) in enumerate(zip(_steps(l_outputs), _steps(r_back)))]
        if valid_length is not None:
            outputs = _mask_sequence_variable_length(F, outputs, length, valid_length, axis,
                                                     merge_outputs)
        return outputs, list(l_states) + list(r_states)

