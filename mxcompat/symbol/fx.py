"""From a Symbol graph to PyTorch: a ``torch.fx.GraphModule`` whose outputs equal the
Symbol's (inference mode), with the parameters as the module's parameters and buffers.

>>> gm = mxcompat.symbol.fx.load("model-symbol.json", "model-0000.params")  # doctest: +SKIP
>>> y = gm(torch.randn(1, 3, 224, 224))                                       # doctest: +SKIP

Each op node becomes one ``call_function`` node calling the registered op's tensor-level
implementation with its parameters already converted from MXNet's strings, so the module
runs at torch's speed, prints as readable code, and can be handed to ``torch.export``
(``torch.onnx.export`` follows from there).
"""
from __future__ import annotations

import operator
import re
from typing import Any, Dict, List, Optional, Sequence, Tuple

import torch
import torch.fx

from ..base import MXNetError
from . import _opinfo
from .symbol import Symbol, _aux_nodes, _Node

__all__ = ["to_fx", "load", "mx_impl", "mx_op", "mx_lazy_op"]


# The graph calls these module-level functions with the op's name as a string, so that a
# GraphModule pickles (torch.save) and prints as plain code.
def _wrap_all(tensors: Sequence[Any]) -> List[Any]:
    from ..ndarray.ndarray import _wrap
    return [_wrap(t) if isinstance(t, torch.Tensor) else t for t in tensors]


def _unwrap_result(r: Any) -> Any:
    # (under torch.export the op wrapper may hand back the fake tensor itself)
    if isinstance(r, (list, tuple)):
        return tuple(getattr(x, "_t", x) for x in r)
    return getattr(r, "_t", r)


_Proxy = torch.fx.Proxy


def _as_leaf(fn: Any, args: tuple, kwargs: dict) -> Any:
    """While fx traces the module again (torch.load of a pickled GraphModule does), these
    functions stay one call each."""
    for a in args:
        if isinstance(a, _Proxy):
            return a.tracer.create_proxy("call_function", fn, args, kwargs)
    return None


def mx_impl(op: str, *tensors: Any, **params: Any) -> Any:
    """Run op ``op``'s tensor-level implementation."""
    p = _as_leaf(mx_impl, (op,) + tensors, params)
    if p is not None:
        return p
    return _opinfo.get(op).impl._mx_impl(*tensors, **params)  # type: ignore[union-attr]


def mx_op(op: str, names: Optional[Tuple[str, ...]], *tensors: Any, **params: Any) -> Any:
    """Run op ``op`` at the NDArray level (inputs by name when ``names``)."""
    p = _as_leaf(mx_op, (op, names) + tensors, params)
    if p is not None:
        return p
    fn = _opinfo.get(op).impl  # type: ignore[union-attr]
    args = _wrap_all(tensors)
    if names is None:
        return _unwrap_result(fn(*args, **params))
    return _unwrap_result(fn(**dict(zip(names, args, strict=False)), **params))


def mx_lazy_op(op: str, attrs: Tuple[Tuple[str, str], ...], slots: Tuple[Any, ...],
               *tensors: Any, **params: Any) -> Any:
    """Run op ``op`` whose inputs in ``slots`` given as ``(creation op, attrs)`` are zeros
    (ones, ...) of a shape decided from the other inputs (RNN begin states)."""
    p = _as_leaf(mx_lazy_op, (op, attrs, slots) + tensors, params)
    if p is not None:
        return p
    from .executor import _call_op, _Lazy, _resolve_lazy
    node = _Node(op, op, dict(attrs), [(None, 0)] * len(slots))  # type: ignore[list-item]
    it = iter(_wrap_all(tensors))
    full = [next(it) if s is None else
            _Lazy(_Node(s[0], s[0], dict(s[1]))) for s in slots]
    return _unwrap_result(_call_op(node.opdef.impl, node, _resolve_lazy(node, full), params))


def _attr_name(name: str, used: set) -> str:
    s = re.sub(r"\W", "_", name)
    if not s or s[0].isdigit():
        s = "p_" + s
    base, i = s, 1
    while s in used:
        s = f"{base}_{i}"
        i += 1
    used.add(s)
    return s


def to_fx(sym: Symbol, arg_params: Optional[Dict[str, Any]] = None,
          aux_params: Optional[Dict[str, Any]] = None,
          data_names: Optional[Sequence[str]] = None) -> torch.fx.GraphModule:
    """``sym`` as a GraphModule. Variables found in ``arg_params``/``aux_params`` (NDArrays
    or tensors) become parameters (arguments) and buffers (auxiliary states); the others
    are the module's inputs, in ``data_names`` order (default: graph order)."""
    if not isinstance(sym, Symbol):
        raise TypeError("to_fx: expected a Symbol")
    arg_params = dict(arg_params or {})
    aux_params = dict(aux_params or {})
    order = sym._order()
    aux_ids = _aux_nodes(order)
    variables = [n for n in order if n.op is None]
    if data_names is None:
        data_names = [n.name for n in variables
                      if n.name not in arg_params and n.name not in aux_params]
    data_names = list(data_names)
    by_name = {n.name: n for n in variables}
    for n in data_names:
        if n not in by_name:
            raise MXNetError(f"to_fx: '{n}' is not a variable of the graph "
                             f"({', '.join(by_name)})")
    missing = [n.name for n in variables if n.name not in data_names
               and n.name not in arg_params and n.name not in aux_params]
    if missing:
        raise MXNetError(f"to_fx: no value for {', '.join(missing)} (give them in arg_params/"
                         "aux_params or data_names)")
    root = torch.nn.Module()
    graph = torch.fx.Graph()
    env: Dict[int, Any] = {}
    used: set = set()
    for name in data_names:
        env[id(by_name[name])] = graph.placeholder(_attr_name(name, used))
    for n in variables:
        if id(n) in env:
            continue
        value = aux_params.get(n.name) if n.name in aux_params else arg_params[n.name]
        t = value._t if hasattr(value, "_t") else torch.as_tensor(value)
        attr = _attr_name(n.name, used)
        if id(n) in aux_ids or n.name in aux_params:
            root.register_buffer(attr, t.detach().clone())
        else:
            root.register_parameter(attr, torch.nn.Parameter(t.detach().clone(),
                                                             requires_grad=t.is_floating_point()))
        env[id(n)] = graph.get_attr(attr)
    from .infer import unknown_creation
    for n in order:
        if n.op is None:
            continue
        if unknown_creation(n):  # zeros whose shape the consumer decides at run time
            env[id(n)] = _LazySpec(n)
            continue
        args = [_value(env, s, i) for s, i in n.inputs]
        if any(type(a) is _LazySpec for a in args):
            env[id(n)] = _emit_lazy(graph, n, args)
        else:
            env[id(n)] = _emit(graph, n, args)
    outs = [_value(env, n, i) for n, i in sym._outputs]
    graph.output(outs[0] if len(outs) == 1 else tuple(outs))
    gm = torch.fx.GraphModule(root, graph, class_name="MXNetSymbol")
    gm.eval()
    gm.mx_output_names = sym.list_outputs()  # type: ignore[assignment]
    gm.mx_input_names = data_names  # type: ignore[assignment]
    return gm


class _Multi:
    """An fx node whose value is a tuple of outputs (indexed lazily)."""

    __slots__ = ("node", "graph", "items")

    def __init__(self, graph: torch.fx.Graph, node: Any):
        self.graph, self.node, self.items = graph, node, {}

    def get(self, i: int) -> Any:
        if i not in self.items:
            self.items[i] = self.graph.call_function(operator.getitem, (self.node, i))
        return self.items[i]


class _LazySpec:
    __slots__ = ("node",)

    def __init__(self, node: _Node):
        self.node = node


def _emit_lazy(graph: torch.fx.Graph, n: _Node, args: List[Any]) -> Any:
    """A consumer of lazily shaped zeros: they are made from the other inputs at run time."""
    params = n.opdef.call_params(n.attrs)
    slots = tuple(None if type(a) is not _LazySpec else
                  (a.node.op, tuple(sorted(a.node.attrs.items()))) for a in args)
    node = graph.call_function(
        mx_lazy_op, (n.op, tuple(sorted(n.attrs.items())), slots) +
        tuple(a for a in args if type(a) is not _LazySpec), params)
    if n.num_visible() > 1:
        return _Multi(graph, node)
    return node


def _value(env: Dict[int, Any], n: _Node, i: int) -> Any:
    v = env[id(n)]
    if isinstance(v, _Multi):
        return v.get(i)
    return v


def _emit(graph: torch.fx.Graph, n: _Node, args: List[Any]) -> Any:
    d = n.opdef
    fn = d.impl
    if fn is None:
        raise MXNetError(f"to_fx: node '{n.name}': operator '{n.op}' is not supported by "
                         "mxcompat")
    params = d.call_params(n.attrs)
    impl = getattr(fn, "_mx_impl", None)
    names = n.input_names()
    info = getattr(fn, "_mx_info", None)
    # inputs the registered op takes as NDArray-valued parameters (FullyConnected's bias)
    as_param = info is not None and bool(set(names) & set(info.params))
    gap = not d.variadic and names != list(d.inputs[:len(names)])
    if impl is not None and not as_param and not gap:
        node = graph.call_function(mx_impl, (d.name,) + tuple(args), params)
    else:
        names_arg = tuple(names) if (gap or as_param) else None
        node = graph.call_function(mx_op, (d.name, names_arg) + tuple(args), params)
    node.name = re.sub(r"\W", "_", n.name) or node.name
    if n.num_visible() > 1 or d.num_outputs(n.attrs) > 1 and _returns_list(n):
        return _Multi(graph, node)
    return node


def _returns_list(n: _Node) -> bool:
    # ops with hidden outputs return only the visible one (a tensor)
    return len(n.opdef.output_names(n.attrs)) > 1


def load(symbol_file: str, params_file: Optional[str] = None,
         data_names: Optional[Sequence[str]] = None) -> torch.fx.GraphModule:
    """A GraphModule from an MXNet ``-symbol.json`` and its ``.params`` file (Gluon export
    or Module checkpoint: ``arg:``/``aux:`` names)."""
    from .. import ndarray as nd
    from .symbol import load as load_sym
    sym = load_sym(symbol_file)
    arg_params: Dict[str, Any] = {}
    aux_params: Dict[str, Any] = {}
    if params_file is not None:
        saved = nd.load(params_file)
        if not isinstance(saved, dict):
            raise MXNetError(f"{params_file}: expected named arrays (a dict), got a list")
        aux_names = set(sym.list_auxiliary_states())
        for k, v in saved.items():
            if k.startswith("arg:"):
                arg_params[k[4:]] = v
            elif k.startswith("aux:"):
                aux_params[k[4:]] = v
            elif k in aux_names:
                aux_params[k] = v
            else:
                arg_params[k] = v
        known = set(sym.list_inputs())
        arg_params = {k: v for k, v in arg_params.items() if k in known}
        aux_params = {k: v for k, v in aux_params.items() if k in known}
        if data_names is None:
            data_names = [n for n in sym.list_inputs()
                          if n not in arg_params and n not in aux_params]
    return to_fx(sym, arg_params, aux_params, data_names)
