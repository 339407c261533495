"""The Symbol class: a graph of MXNet ops, with MXNet 1.9.1's names, attributes and JSON.

A node is what MXNet's JSON holds: an op name (``None`` for a variable), a name, string
attributes and input entries ``(node, output index)``. A :class:`Symbol` is a list of output
entries. Nothing runs while a graph is composed; :mod:`mxcompat.symbol.executor` walks it
with the registered ``mx.nd`` ops (``bind``, ``simple_bind``, ``eval``), and
:mod:`mxcompat.symbol.fx` turns it into a ``torch.fx`` GraphModule.
"""
from __future__ import annotations

import copy as _copy
import json
import os
import tempfile
from typing import Any, Dict, Iterator, List, Optional, Sequence, Tuple

import numpy as np

from .. import _dtypes
from ..attribute import AttrScope
from ..base import MXNetError, NotImplementedForSymbol, _Null
from ..name import NameManager, _current_manager
from . import _opinfo

__all__ = ["Symbol", "var", "Variable", "Group", "load", "load_json"]

MXNET_VERSION = 10901


class _Node:
    """One graph node: ``op`` is None for a variable."""

    __slots__ = ("op", "name", "attrs", "inputs", "versions", "__weakref__")

    def __init__(self, op: Optional[str], name: str, attrs: Optional[Dict[str, str]] = None,
                 inputs: Optional[List[Tuple["_Node", int]]] = None):
        #: the input entries' versions read from a JSON file (None: composed here)
        self.versions: Optional[List[int]] = None
        self.op = op
        self.name = name
        self.attrs: Dict[str, str] = attrs if attrs is not None else {}
        self.inputs: List[Tuple[_Node, int]] = inputs if inputs is not None else []

    @property
    def is_var(self) -> bool:
        return self.op is None

    @property
    def opdef(self) -> "_opinfo.OpDef":
        d = _opinfo.get(self.op) if self.op else None
        if d is None:
            raise MXNetError(f"node '{self.name}': unknown operator '{self.op}'")
        return d

    def output_names(self) -> List[str]:
        if self.op is None:
            return [self.name]
        outs = self.opdef.output_names(self.attrs)
        if len(outs) == 1 and outs[0] == "output":
            return [f"{self.name}_output"]
        return [f"{self.name}_{o}" for o in outs]

    def num_visible(self) -> int:
        return 1 if self.op is None else len(self.opdef.output_names(self.attrs))

    def input_names(self) -> List[str]:
        """The input names of this node's inputs, in order ('' for variadic inputs)."""
        if self.op is None:
            return []
        d = self.opdef
        if d.variadic:
            return [""] * len(self.inputs)
        names = d.present_inputs(self.attrs)
        if len(names) < len(self.inputs):
            names = list(d.inputs)
        return names[:len(self.inputs)] + [""] * (len(self.inputs) - len(names))

    def params(self) -> Dict[str, str]:
        """The op's parameters among the attributes (no user/dunder attributes)."""
        d = self.opdef
        return {k: v for k, v in self.attrs.items() if k in d.param_types}


def _topo(heads: Sequence[Tuple[_Node, int]]) -> List[_Node]:
    """Nodes reachable from ``heads``, inputs first (MXNet's DFS post-order)."""
    order: List[_Node] = []
    seen = set()
    for head, _ in heads:
        if id(head) in seen:
            continue
        stack = [(head, 0)]
        seen.add(id(head))
        while stack:
            node, i = stack[-1]
            if i < len(node.inputs):
                stack[-1] = (node, i + 1)
                child = node.inputs[i][0]
                if id(child) not in seen:
                    seen.add(id(child))
                    stack.append((child, 0))
            else:
                stack.pop()
                order.append(node)
    return order


def _aux_nodes(order: Sequence[_Node]) -> set:
    aux = set()
    for n in order:
        if n.op is None:
            continue
        d = n.opdef
        if not d.aux:
            continue
        for (src, _), iname in zip(n.inputs, n.input_names(), strict=False):
            if iname in d.aux and src.op is None:
                aux.add(id(src))
    return aux


#: attributes MXNet also lists without their underscores (``__lr_mult__`` as ``lr_mult``)
_PLAIN_KEYS = ("ctx_group", "lr_mult", "wd_mult", "force_mirroring", "mirror_stage")


def _with_plain_keys(attrs: Dict[str, str]) -> Dict[str, str]:
    """The attributes in key order, ``__lr_mult__`` also as ``lr_mult`` (as MXNet lists)."""
    out: Dict[str, str] = {}
    for k in sorted(attrs):
        v = attrs[k]
        out[k] = v
        if len(k) > 4 and k.startswith("__") and k.endswith("__") and k[2:-2] in _PLAIN_KEYS:
            out[k[2:-2]] = v
    return out


class Symbol:
    """A symbolic graph (one or several outputs)."""

    __slots__ = ("_outputs", "__weakref__")
    #: NumPy gives way to Symbol's operators
    __array_priority__ = 1000.0

    def __init__(self, outputs: List[Tuple[_Node, int]]):
        self._outputs = list(outputs)

    # ---- identity -------------------------------------------------------------------
    @property
    def handle(self) -> "Symbol":
        return self

    @property
    def name(self) -> Optional[str]:
        """The node's name when every output comes from one node, else None."""
        first = self._outputs[0][0] if self._outputs else None
        if first is None or any(n is not first for n, _ in self._outputs):
            return None
        return first.name

    def __repr__(self) -> str:
        name = self.name
        if name is not None:
            return f"<Symbol {name}>"
        names = ", ".join(n.name for n, _ in self._outputs)
        return f"<Symbol group [{names}]>"

    __str__ = __repr__

    def __len__(self) -> int:
        return len(self._outputs)

    def __iter__(self) -> Iterator["Symbol"]:
        return (Symbol([o]) for o in self._outputs)

    def __getitem__(self, index: Any) -> "Symbol":
        outs = self.list_outputs()
        if isinstance(index, slice):
            start, stop, step = index.indices(len(outs))
            return Group([self[i] for i in range(start, stop, step)])
        if isinstance(index, str):
            idx = [i for i, o in enumerate(outs) if o == index]
            if not idx:
                raise ValueError(f"Cannot find output that matches name \"{index}\"")
            if len(idx) > 1:
                raise ValueError(f"There are multiple outputs with name \"{index}\"")
            index = idx[0]
        if not isinstance(index, (int, np.integer)) or isinstance(index, bool):
            raise TypeError("Symbol only support integer index to fetch i-th output")
        index = int(index)
        if index < 0:
            index += len(outs)
        if not 0 <= index < len(outs):
            raise IndexError(f"list index out of range: {index} (the symbol has "
                             f"{len(outs)} outputs)")
        return Symbol([self._outputs[index]])

    def __copy__(self) -> "Symbol":
        return self._deepcopy()

    def __deepcopy__(self, memo: Any) -> "Symbol":
        return self._deepcopy()

    def _deepcopy(self, replace: Optional[Dict[int, Tuple[_Node, int]]] = None) -> "Symbol":
        """A copy of the graph; ``replace`` maps id(variable node) -> entry to use instead."""
        mapping: Dict[int, _Node] = {}
        replace = replace or {}
        for n in _topo(self._outputs):
            if id(n) in replace:
                continue
            inputs = []
            for src, i in n.inputs:
                r = replace.get(id(src))
                inputs.append(r if r is not None else (mapping[id(src)], i))
            m = mapping[id(n)] = _Node(n.op, n.name, dict(n.attrs), inputs)
            m.versions = None if n.versions is None else list(n.versions)
        outs = []
        for n, i in self._outputs:
            r = replace.get(id(n))
            outs.append(r if r is not None else (mapping[id(n)], i))
        return Symbol(outs)

    def __getstate__(self) -> Dict[str, Any]:
        return {"handle": self.tojson()}

    def __setstate__(self, state: Dict[str, Any]) -> None:
        self._outputs = load_json(state["handle"])._outputs

    def __bool__(self) -> bool:
        raise NotImplementedForSymbol("Function __bool__ (namely operator \"bool\") is not "
                                      "implemented for Symbol and only available in NDArray.")

    __nonzero__ = __bool__

    # ---- listing --------------------------------------------------------------------
    def _order(self) -> List[_Node]:
        return _topo(self._outputs)

    def list_arguments(self) -> List[str]:
        order = self._order()
        aux = _aux_nodes(order)
        return [n.name for n in order if n.op is None and id(n) not in aux]

    def list_auxiliary_states(self) -> List[str]:
        order = self._order()
        aux = _aux_nodes(order)
        return [n.name for n in order if n.op is None and id(n) in aux]

    def list_inputs(self) -> List[str]:
        return [n.name for n in self._order() if n.op is None]

    def list_outputs(self) -> List[str]:
        return [n.output_names()[i] for n, i in self._outputs]

    def get_internals(self) -> "Symbol":
        outs = []
        for n in self._order():
            for i in range(n.num_visible()):
                outs.append((n, i))
        return Symbol(outs)

    def get_children(self) -> Optional["Symbol"]:
        ins = []
        seen = set()
        for n, _ in self._outputs:
            if id(n) in seen:
                continue
            seen.add(id(n))
            ins.extend(n.inputs)
        if not ins:
            return None
        return Symbol(ins)

    # ---- attributes -----------------------------------------------------------------
    def attr(self, key: str) -> Optional[str]:
        if len(self._outputs) != 1:
            return None
        attrs = self._outputs[0][0].attrs
        if key in attrs:
            return attrs[key]
        return attrs.get(f"__{key}__")

    def list_attr(self, recursive: bool = False) -> Dict[str, str]:
        if recursive:
            raise DeprecationWarning("Symbol.list_attr with recursive=True has been deprecated. "
                                     "Please use attr_dict instead.")
        if len(self._outputs) != 1:
            return {}
        return _with_plain_keys(self._outputs[0][0].attrs)

    def attr_dict(self) -> Dict[str, Dict[str, str]]:
        return {n.name: _with_plain_keys(n.attrs) for n in self._order() if n.attrs}

    def _set_attr(self, **kwargs: Any) -> None:
        for k, v in kwargs.items():
            if not isinstance(v, str):
                raise ValueError("Set Attr only accepts string values")
            for n, _ in self._outputs:
                n.attrs[k] = v

    # ---- composition ----------------------------------------------------------------
    def __call__(self, *args: Any, **kwargs: Any) -> "Symbol":
        s = self._deepcopy()
        s._compose(*args, **kwargs)
        return s

    def _compose(self, *args: Any, **kwargs: Any) -> None:
        name = kwargs.pop("name", None)
        if args and kwargs:
            raise TypeError("compose only accept input Symbols either as positional or "
                            "keyword arguments, not both")
        for a in list(args) + list(kwargs.values()):
            if not isinstance(a, Symbol):
                raise TypeError("Compose expect `Symbol` as arguments")
            if len(a._outputs) != 1:
                raise MXNetError("compose: an argument must have exactly one output, "
                                 f"{a!r} has {len(a._outputs)}")
        order = self._order()
        variables = [n for n in order if n.op is None]
        replace: Dict[int, Tuple[_Node, int]] = {}
        if args:
            args_names = self.list_arguments()
            if len(args) > len(args_names):
                raise MXNetError(f"compose: {len(args)} positional arguments given, the "
                                 f"symbol has {len(args_names)}")
            by_name = {n.name: n for n in variables}
            for nm, a in zip(args_names, args, strict=False):
                replace[id(by_name[nm])] = a._outputs[0]
        else:
            for n in variables:
                if n.name in kwargs:
                    replace[id(n)] = kwargs[n.name]._outputs[0]
        new = self._deepcopy(replace)
        if name and len(new._outputs) == 1 and new._outputs[0][0].op is not None:
            new._outputs[0][0].name = name
        self._outputs = new._outputs

    # ---- operators ------------------------------------------------------------------
    def _binary(self, other: Any, op: str, hint: str, sop: str, shint: str,
                reverse: bool = False) -> "Symbol":
        if isinstance(other, Symbol):
            a, b = (other, self) if reverse else (self, other)
            return _create(op, [a, b], {}, None, None, hint)
        if isinstance(other, (int, float, np.number, bool)) and not isinstance(other, np.ndarray):
            return _create(sop, [self], {"scalar": _fmt(other)}, None, None, shint)
        raise TypeError(f"type {type(other).__name__} not supported")

    def __add__(self, o: Any) -> "Symbol":
        return self._binary(o, "elemwise_add", "_plus", "_plus_scalar", "_plusscalar")

    __radd__ = __add__

    def __sub__(self, o: Any) -> "Symbol":
        return self._binary(o, "elemwise_sub", "_minus", "_minus_scalar", "_minusscalar")

    def __rsub__(self, o: Any) -> "Symbol":
        return self._binary(o, "elemwise_sub", "_minus", "_rminus_scalar", "_rminusscalar",
                            reverse=True)

    def __mul__(self, o: Any) -> "Symbol":
        return self._binary(o, "elemwise_mul", "_mul", "_mul_scalar", "_mulscalar")

    __rmul__ = __mul__

    def __truediv__(self, o: Any) -> "Symbol":
        return self._binary(o, "elemwise_div", "_div", "_div_scalar", "_divscalar")

    def __rtruediv__(self, o: Any) -> "Symbol":
        return self._binary(o, "elemwise_div", "_div", "_rdiv_scalar", "_rdivscalar",
                            reverse=True)

    __div__ = __truediv__
    __rdiv__ = __rtruediv__

    def __mod__(self, o: Any) -> "Symbol":
        return self._binary(o, "_mod", "_mod", "_mod_scalar", "_modscalar")

    def __rmod__(self, o: Any) -> "Symbol":
        return self._binary(o, "_mod", "_mod", "_rmod_scalar", "_rmodscalar", reverse=True)

    def __pow__(self, o: Any) -> "Symbol":
        return self._binary(o, "_power", "_power", "_power_scalar", "_powerscalar")

    def __rpow__(self, o: Any) -> "Symbol":
        return self._binary(o, "_power", "_power", "_rpower_scalar", "_rpower_scalar",
                            reverse=True)

    def __neg__(self) -> "Symbol":
        return self.__mul__(-1.0)

    def __abs__(self) -> "Symbol":
        return _create("abs", [self], {}, None, None, "abs")

    def __eq__(self, o: Any) -> "Symbol":  # type: ignore[override]
        return self._binary(o, "_equal", "_equal", "_equal_scalar", "_equal_scalar")

    def __ne__(self, o: Any) -> "Symbol":  # type: ignore[override]
        return self._binary(o, "_not_equal", "_not_equal", "_not_equal_scalar",
                            "_not_equal_scalar")

    def __gt__(self, o: Any) -> "Symbol":
        return self._binary(o, "_greater", "_greater", "_greater_scalar", "_greater_scalar")

    def __ge__(self, o: Any) -> "Symbol":
        return self._binary(o, "_greater_equal", "_greater_equal", "_greater_equal_scalar",
                            "_greater_equal_scalar")

    def __lt__(self, o: Any) -> "Symbol":
        return self._binary(o, "_lesser", "_lesser", "_lesser_scalar", "_lesser_scalar")

    def __le__(self, o: Any) -> "Symbol":
        return self._binary(o, "_lesser_equal", "_lesser_equal", "_lesser_equal_scalar",
                            "_lesser_equal_scalar")

    __hash__ = object.__hash__

    def astype(self, dtype: Any, **kwargs: Any) -> "Symbol":
        return _compose_op("Cast", "cast", self, dtype=dtype, **kwargs)

    # ---- shapes and types -------------------------------------------------------------
    def infer_shape(self, *args: Any, **kwargs: Any) -> Tuple[Any, Any, Any]:
        from .infer import infer_shape
        return infer_shape(self, args, kwargs, partial=False)

    def infer_shape_partial(self, *args: Any, **kwargs: Any) -> Tuple[Any, Any, Any]:
        from .infer import infer_shape
        return infer_shape(self, args, kwargs, partial=True)

    def infer_type(self, *args: Any, **kwargs: Any) -> Tuple[Any, Any, Any]:
        from .infer import infer_type
        return infer_type(self, args, kwargs, partial=False)

    def infer_type_partial(self, *args: Any, **kwargs: Any) -> Tuple[Any, Any, Any]:
        from .infer import infer_type
        return infer_type(self, args, kwargs, partial=True)

    # ---- saving ---------------------------------------------------------------------
    def tojson(self, remove_amp_cast: bool = True) -> str:
        return _to_json(self, remove_amp_cast)

    def save(self, fname: str, remove_amp_cast: bool = True) -> None:
        if not isinstance(fname, str):
            raise TypeError("fname need to be string")
        text = self.tojson(remove_amp_cast)
        d = os.path.dirname(os.path.abspath(fname))
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=d)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(text)
            os.replace(tmp, fname)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise

    def debug_str(self) -> str:
        lines = []
        for n in self._order():
            if n.op is None:
                lines.append(f"Variable:{n.name}")
                continue
            lines.append("-" * 40)
            lines.append(f"Op:{n.op}, Name={n.name}")
            lines.append("Inputs:")
            for j, (src, i) in enumerate(n.inputs):
                lines.append(f"\targ[{j}]={src.name}({i})")
            if n.attrs:
                lines.append("Attrs:")
                for k, v in n.attrs.items():
                    lines.append(f"\t{k}={v}")
        return "\n".join(lines) + "\n"

    # ---- running --------------------------------------------------------------------
    def bind(self, ctx: Any, args: Any, args_grad: Any = None, grad_req: Any = "write",
             aux_states: Any = None, group2ctx: Any = None, shared_exec: Any = None) -> Any:
        from .executor import Executor
        return Executor._bind(self, ctx, args, args_grad, grad_req, aux_states)

    def simple_bind(self, ctx: Any, grad_req: Any = "write", type_dict: Any = None,
                    stype_dict: Any = None, group2ctx: Any = None,
                    shared_arg_names: Any = None, shared_exec: Any = None,
                    shared_buffer: Any = None, **kwargs: Any) -> Any:
        from .executor import Executor
        return Executor._simple_bind(self, ctx, grad_req, type_dict, shared_buffer, kwargs)

    def _bind(self, *args: Any, **kwargs: Any) -> Any:
        return self.bind(*args, **kwargs)

    def eval(self, ctx: Any = None, **kwargs: Any) -> List[Any]:
        from ..context import current_context
        ctx = ctx or current_context()
        exe = self.bind(ctx, kwargs)
        return exe.forward()

    def gradient(self, wrt: Any) -> "Symbol":
        raise MXNetError("Symbol.gradient is not supported in MXNet 1.9.1 either "
                         "(use bind(...).backward())")

    def optimize_for(self, backend: Any, args: Any = None, aux: Any = None, ctx: Any = None,
                     **kwargs: Any) -> "Symbol":
        """MXNet's subgraph backends do not exist here: the graph is returned unchanged."""
        return self._deepcopy()

    def get_backend_symbol(self, backend: str) -> "Symbol":
        return self._deepcopy()

    def _gen_atomic_symbol(self) -> "Symbol":
        """The head op alone (same op, name and attributes, no inputs)."""
        node = self._outputs[0][0]
        if node.op is None:
            raise MXNetError("_gen_atomic_symbol: a variable is not an op")
        return Symbol([(_Node(node.op, node.name, dict(node.attrs), []), 0)])

    def _num_outputs(self) -> int:
        return len(self._outputs)


def _fmt(v: Any) -> str:
    """A parameter value as MXNet's Python front-end writes it into the graph."""
    if isinstance(v, str):
        return v
    if isinstance(v, bool):
        return str(v)
    if isinstance(v, (np.bool_,)):
        return str(bool(v))
    if isinstance(v, np.integer):
        return str(int(v))
    if isinstance(v, np.floating):
        return str(float(v))
    if isinstance(v, type) and issubclass(v, np.generic) or isinstance(v, np.dtype):
        return np.dtype(v).name
    if isinstance(v, list):
        return str(tuple(v)) if v and all(isinstance(x, (int, np.integer)) for x in v) \
            else str(v)
    try:
        import torch
        if isinstance(v, torch.dtype):
            return _dtypes.name(v)
    except ImportError:  # pragma: no cover
        pass
    return str(v)


# ---- creating nodes ---------------------------------------------------------------------
def _new_name(name: Optional[str], hint: str) -> str:
    return _current_manager().get(name, hint)


def _scope_attrs(attr: Optional[Dict[str, str]]) -> Dict[str, str]:
    """The attributes of a new node: the AttrScope's updated with ``attr``; MXNet keeps
    ``ctx_group``, ``lr_mult``, ... as ``__ctx_group__``, ... """
    cur = getattr(AttrScope._current, "value", None)
    attrs = dict(attr or {}) if cur is None else dict(cur.get(attr))
    for k in _PLAIN_KEYS:
        if k in attrs:
            attrs[f"__{k}__"] = attrs.pop(k)
    return attrs


#: aux-state variables MXNet creates with an initializer attribute
_AUX_INIT = {"moving_mean": '["zero", {}]', "moving_var": '["one", {}]',
             "running_mean": '["zero", {}]', "running_var": '["one", {}]'}


#: other inputs MXNet creates with an initializer attribute
_INPUT_INIT = {("LeakyReLU", "gamma"): '["Constant", {"value": 0.25}]'}


def _create(op: str, inputs: List[Any], params: Dict[str, str], name: Optional[str],
            attr: Optional[Dict[str, str]], hint: str,
            named_inputs: Optional[Dict[str, Any]] = None) -> Symbol:
    """A new op node over ``inputs`` (Symbols, positional) / ``named_inputs``."""
    d = _opinfo.get(op)
    if d is None:
        raise MXNetError(f"Cannot find operator '{op}'")
    attrs = _scope_attrs(attr)
    for v in (attr or {}).values():
        if not isinstance(v, str):
            raise ValueError("Attributes need to be string")
    for k, v in list(params.items()):
        hidden = next((h for h in _PLAIN_KEYS if k.endswith(h)), None)
        if hidden is not None and k not in d.param_types:
            if k != hidden:  # MXNet's C API refuses the old per-input form (fc1_lr_mult=...)
                raise MXNetError(
                    f"setting variable attributes with {k} is deprecated. please instead use\n"
                    f"w = Variable({hidden}={v})\nsym = YourSymbolName("
                    f"{k[:-len(hidden) - 1]}=w)")
            attrs[f"__{hidden}__"] = str(v)  # lr_mult=... on an op: its hidden attribute
            continue
        if k not in d.param_types and not (k.startswith("__") and k.endswith("__")):
            raise MXNetError(f"{d.name}: Cannot find argument '{k}', Possible Arguments: "
                             f"{', '.join(d.params) or '(none)'}")
        attrs[k] = v
    for p in d.required:
        if p not in params:
            raise MXNetError(f"Required parameter {p} of {d.param_types[p].split(',')[0]} is "
                             f"not presented, in operator {d.name}(name=\"{name or ''}\")")
    name = _new_name(name, hint)
    entries: List[Tuple[_Node, int]] = []
    if d.variadic:
        for s in inputs:
            entries.extend(_entries(s, d.name))
        if named_inputs:
            raise MXNetError(f"{d.name}: variadic inputs must be positional")
    else:
        present = d.present_inputs(attrs)
        named = dict(named_inputs or {})
        if len(inputs) > len(present):
            raise MXNetError(f"{d.name}: too many inputs ({len(inputs)}), it takes "
                             f"{', '.join(present)}")
        for iname, s in zip(present, inputs, strict=False):
            if iname in named:
                raise MXNetError(f"{d.name}: input '{iname}' given twice")
            named[iname] = s
        for k in named:
            if k not in d.inputs:
                raise MXNetError(f"{d.name}: Cannot find input '{k}', it takes "
                                 f"{', '.join(d.inputs)}")
        for iname in present:
            s = named.get(iname)
            if s is None:
                vattrs = dict(attrs)
                init = _INPUT_INIT.get((d.name, iname)) or (
                    _AUX_INIT.get(iname) if iname in d.aux else None)
                if init is not None:
                    vattrs["__init__"] = init
                entries.append((_Node(None, f"{name}_{iname}", vattrs), 0))
            else:
                e = _entries(s, d.name)
                if len(e) != 1:
                    raise MXNetError(f"{d.name}: input '{iname}' must have one output, "
                                     f"{s!r} has {len(e)}")
                entries.extend(e)
    node = _Node(d.name, name, attrs, entries)
    return Symbol([(node, i) for i in range(node.num_visible())])


def _entries(s: Any, op: str) -> List[Tuple[_Node, int]]:
    if not isinstance(s, Symbol):
        raise TypeError(f"{op}: Compose expect `Symbol` as arguments, got "
                        f"{type(s).__name__}")
    return list(s._outputs)


def _compose_op(op: str, hint: str, *args: Any, **kwargs: Any) -> Symbol:
    """Call op ``op`` as MXNet's generated ``mx.sym.<op>`` does (see :func:`make_composer`)."""
    return make_composer(op, hint)(*args, **kwargs)


def make_composer(op: str, func_name: Optional[str] = None) -> Any:
    """The ``mx.sym`` function of op ``op`` (an alias or canonical name)."""
    d = _opinfo.get(op)
    if d is None:
        raise AttributeError(op)
    fname = func_name or op
    hint = fname.lower()
    sig_names = list(d.inputs) + list(d.params)

    def composer(*args: Any, **kwargs: Any) -> Symbol:
        name = kwargs.pop("name", None)
        attr = kwargs.pop("attr", None)
        kwargs.pop("out", None)
        inputs: List[Any] = []
        named: Dict[str, Any] = {}
        params: Dict[str, str] = {}
        if d.variadic:
            for a in args:
                if isinstance(a, (list, tuple)) and all(isinstance(x, Symbol) for x in a):
                    inputs.extend(a)
                else:
                    inputs.append(a)
            for a in inputs:
                if not isinstance(a, Symbol):
                    raise TypeError(f"{fname}: positional arguments must be Symbols "
                                    f"(variadic op), got {type(a).__name__}")
            for k in list(kwargs):
                if isinstance(kwargs[k], Symbol):
                    inputs.append(kwargs.pop(k))
        else:
            for i, a in enumerate(args):
                if i >= len(sig_names):
                    raise TypeError(f"{fname}() takes at most {len(sig_names)} positional "
                                    f"arguments ({len(args)} given)")
                key = sig_names[i]
                if key in kwargs:
                    raise TypeError(f"{fname}() got multiple values for argument '{key}'")
                kwargs[key] = a
            for k in list(kwargs):
                v = kwargs[k]
                if k in d.inputs:
                    kwargs.pop(k)
                    if v is None:
                        continue
                    if not isinstance(v, Symbol):
                        raise TypeError(f"{fname}: input '{k}' must be a Symbol, got "
                                        f"{type(v).__name__}")
                    named[k] = v
                elif isinstance(v, Symbol):
                    raise TypeError(f"{fname}: '{k}' is not an input of {d.name}")
        for k, v in kwargs.items():
            if v is None or v is _Null:
                continue
            params[k] = _fmt(v)
        if d.variadic and d.key_var_num_args and d.key_var_num_args not in params:
            params[d.key_var_num_args] = str(len(inputs))
        return _create(d.name, inputs, params, name, attr, hint, named)

    composer.__name__ = fname
    composer.__qualname__ = fname
    composer.__doc__ = f"Compose the MXNet op {d.name} (inputs: {', '.join(d.inputs)}; " \
                       f"parameters: {', '.join(d.params)})."
    return composer


# ---- variables and groups ----------------------------------------------------------------
def var(name: str, attr: Optional[Dict[str, str]] = None, shape: Any = None,
        lr_mult: Any = None, wd_mult: Any = None, dtype: Any = None, init: Any = None,
        stype: Any = None, profiler_scope: Any = None, **kwargs: Any) -> Symbol:
    """A variable (an input, a weight, ...) of the graph."""
    if not isinstance(name, str):
        raise TypeError("Expect a string for variable `name`")
    attrs = _scope_attrs(attr)
    for v in (attr or {}).values():
        if not isinstance(v, str):
            raise ValueError("Attributes need to be string")
    if shape is not None:
        attrs["__shape__"] = str(tuple(shape) if isinstance(shape, list) else shape)
    if lr_mult is not None:
        attrs["__lr_mult__"] = str(lr_mult)
    if wd_mult is not None:
        attrs["__wd_mult__"] = str(wd_mult)
    if dtype is not None:
        attrs["__dtype__"] = str(_dtypes.TORCH_TO_FLAG[_dtypes.to_torch(dtype)])
    if init is not None:
        attrs["__init__"] = init if isinstance(init, str) else init.dumps()
    if stype is not None:
        attrs["__storage_type__"] = str({"default": 0, "row_sparse": 1, "csr": 2}.get(
            stype, stype))
    if profiler_scope is not None:
        attrs["__profiler_scope__"] = profiler_scope
    for k, v in kwargs.items():
        if k.startswith("__") and k.endswith("__"):
            attrs[k] = str(v)
        else:
            raise ValueError(f"Attribute name={k} is not supported. Additional attributes "
                             "must start and end with double underscores, e.g, __yourattr__")
    return Symbol([(_Node(None, name, attrs), 0)])


Variable = var


def Group(symbols: Sequence[Symbol], create_fn: Any = None) -> Symbol:
    """One symbol with the outputs of all ``symbols``."""
    if not symbols or any(not isinstance(s, Symbol) for s in symbols):
        raise TypeError("Expected a list of symbols as input")
    outs: List[Tuple[_Node, int]] = []
    for s in symbols:
        outs.extend(s._outputs)
    return Symbol(outs)


# ---- JSON -------------------------------------------------------------------------------
def _q(s: str) -> str:
    return json.dumps(s)


def _dict_str(d: Dict[str, str], indent: str) -> str:
    items = sorted(d.items())
    if len(items) == 1:
        k, v = items[0]
        return "{" + f"{_q(k)}: {_q(v)}" + "}"
    inner = ", \n".join(f"{indent}  {_q(k)}: {_q(v)}" for k, v in items)
    return "{\n" + inner + "\n" + indent + "}"


def _to_json(sym: Symbol, remove_amp_cast: bool = True) -> str:
    order = sym._order()
    if remove_amp_cast:
        order, heads = _drop_amp_cast(order, sym._outputs)
    else:
        heads = sym._outputs
    index = {id(n): i for i, n in enumerate(order)}
    aux = _aux_nodes(order)
    parts = []
    row = [0]
    for n in order:
        lines = [f'      "op": {_q(n.op or "null")}', f'      "name": {_q(n.name)}']
        if n.attrs:
            lines.append(f'      "attrs": {_dict_str(n.attrs, "      ")}')
        ins = []
        names = n.input_names()
        for j, ((src, i), iname) in enumerate(zip(n.inputs, names, strict=False)):
            if n.versions is not None and j < len(n.versions):
                ins.append(f"[{index[id(src)]}, {i}, {n.versions[j]}]")
                continue
            version = 1 if (src.op is None and id(src) in aux and n.op is not None
                            and iname in n.opdef.aux) else 0
            ins.append(f"[{index[id(src)]}, {i}, {version}]")
        lines.append(f'      "inputs": [{", ".join(ins)}]')
        parts.append("    {\n" + ", \n".join(lines) + "\n    }")
        row.append(row[-1] + (1 if n.op is None else n.opdef.num_outputs(n.attrs)))
    arg_nodes = [str(i) for i, n in enumerate(order) if n.op is None]
    head_s = ", ".join(f"[{index[id(n)]}, {i}, 0]" for n, i in heads)
    row_s = ", \n".join(f"    {r}" for r in row)
    _ = aux
    return ("{\n  \"nodes\": [\n" + ", \n".join(parts) + "\n  ], \n"
            f"  \"arg_nodes\": [{', '.join(arg_nodes)}], \n"
            f"  \"node_row_ptr\": [\n{row_s}\n  ], \n"
            f"  \"heads\": [{head_s}], \n"
            f"  \"attrs\": {{{_np_shape_attr()}\"mxnet_version\": [\"int\", {MXNET_VERSION}]}}"
            "\n}")


def _np_shape_attr() -> str:
    from ..util import is_np_shape
    return '"is_np_shape": ["int", 1], ' if is_np_shape() else ""


def _drop_amp_cast(order: List[_Node], heads: List[Tuple[_Node, int]]) -> Tuple[list, list]:
    if not any(n.op in ("amp_cast", "amp_multicast") for n in order):
        return order, heads
    # amp casts are identities in the saved graph: their consumers read the cast's input
    def through(e: Tuple[_Node, int]) -> Tuple[_Node, int]:
        n, i = e
        while n.op in ("amp_cast", "amp_multicast"):
            n, i = n.inputs[i if n.op == "amp_multicast" else 0]
        return n, i
    mapping: Dict[int, _Node] = {}
    for n in order:
        if n.op in ("amp_cast", "amp_multicast"):
            continue
        mapping[id(n)] = _Node(n.op, n.name, dict(n.attrs), [])
    for n in order:
        if id(n) in mapping:
            mapping[id(n)].inputs = [(mapping[id(s)], i) for s, i in map(through, n.inputs)]
    new_heads = [(mapping[id(n)], i) for n, i in map(through, heads)]
    return _topo(new_heads), new_heads


#: attributes MXNet's old JSON kept without underscores (upgraded on load)
_LEGACY_KEYS = _PLAIN_KEYS


def _bad(msg: str) -> MXNetError:
    return MXNetError(f"Symbol JSON: {msg}")


def load_json(json_str: str) -> Symbol:
    """A Symbol from MXNet's JSON (1.9.1's format and the older ones MXNet upgrades)."""
    if not isinstance(json_str, str):
        raise TypeError("fname required to be string")
    try:
        js = json.loads(json_str)
    except ValueError as e:
        raise _bad(f"not valid JSON ({e})") from None
    if not isinstance(js, dict) or not isinstance(js.get("nodes"), list):
        raise _bad("expected an object with a 'nodes' list")
    nodes_js = js["nodes"]
    nodes: List[_Node] = []
    for idx, nj in enumerate(nodes_js):
        if not isinstance(nj, dict):
            raise _bad(f"node {idx} is not an object")
        name = nj.get("name")
        op = nj.get("op")
        if not isinstance(name, str):
            raise _bad(f"node {idx} has no name")
        if not isinstance(op, str):
            raise _bad(f"node {idx} ('{name}') has no op")
        attrs: Dict[str, str] = {}
        for key in ("param", "attr", "attrs"):
            a = nj.get(key)
            if a is None:
                continue
            if not isinstance(a, dict):
                raise _bad(f"node '{name}': '{key}' must be an object")
            for k, v in a.items():
                if not isinstance(v, str):
                    raise _bad(f"node '{name}': attribute '{k}' must be a string, got "
                               f"{type(v).__name__}")
                if key == "attr" and k in _LEGACY_KEYS:
                    k = f"__{k}__"
                attrs[k] = v
        inputs: List[Tuple[_Node, int]] = []
        versions: List[int] = []
        raw = nj.get("inputs", [])
        if not isinstance(raw, list):
            raise _bad(f"node '{name}': 'inputs' must be a list")
        for e in raw:
            if not isinstance(e, list) or len(e) not in (2, 3) or \
                    not all(isinstance(x, int) and not isinstance(x, bool) for x in e):
                raise _bad(f"node '{name}': bad input entry {e!r}")
            src, out = e[0], e[1]
            if src >= idx or src < 0:
                what = "a cycle or a forward reference" if src >= idx else "a bad index"
                raise _bad(f"node '{name}': input {e!r} refers to node {src} ({what}); "
                           "inputs must come before the node")
            snode = nodes[src]
            if out < 0 or out >= (1 if snode.op is None else
                                  snode.opdef.num_outputs(snode.attrs)):
                raise _bad(f"node '{name}': input {e!r} refers to output {out} of "
                           f"'{snode.name}', which does not exist")
            inputs.append((snode, out))
            versions.append(e[2] if len(e) == 3 else 0)
        if op == "null":
            if inputs:
                raise _bad(f"variable node '{name}' cannot have inputs")
            nodes.append(_Node(None, name, attrs))
            continue
        d = _opinfo.get(op)
        if d is None:
            raise _bad(f"node '{name}': unknown operator '{op}'")
        _check_params(d, name, attrs)
        node = _Node(d.name, name, attrs, inputs)
        node.versions = versions
        if not d.variadic:
            _upgrade_inputs(node, d, nodes)
            node.versions += [0] * (len(node.inputs) - len(versions))
        nodes.append(node)
    heads_js = js.get("heads")
    if not isinstance(heads_js, list) or not heads_js:
        raise _bad("'heads' must be a non-empty list")
    heads = []
    for h in heads_js:
        if not isinstance(h, list) or len(h) not in (2, 3) or not all(
                isinstance(x, int) for x in h) or not 0 <= h[0] < len(nodes):
            raise _bad(f"bad head entry {h!r}")
        heads.append((nodes[h[0]], h[1]))
    return Symbol(heads)


def _check_params(d: "_opinfo.OpDef", name: str, attrs: Dict[str, str]) -> None:
    conv = d.converters()
    for k, v in attrs.items():
        if k.startswith("__") and k.endswith("__"):
            continue
        if k not in d.param_types:
            continue  # user attributes (ctx_group, ...) stay as they are
        c = conv.get(k)
        if c is not None:
            try:
                c(v, d.name, k)
            except MXNetError as e:
                raise _bad(f"node '{name}' ({d.name}): bad attribute {k}={v!r}: {e}") from None
    for p in d.required:
        if p not in attrs:
            raise _bad(f"node '{name}' ({d.name}): required attribute '{p}' is missing")


def _upgrade_inputs(node: _Node, d: "_opinfo.OpDef", nodes: List[_Node]) -> None:
    """Inputs an old JSON lacks (BatchNorm's aux states) become variables, as MXNet's
    upgrade does; ``<input>_lr_mult``-style attributes move to the input variable."""
    present = d.present_inputs(node.attrs)
    if len(node.inputs) > len(present):
        raise _bad(f"node '{node.name}' ({d.name}): {len(node.inputs)} inputs, the op takes "
                   f"{len(present)} ({', '.join(present)})")
    missing = present[len(node.inputs):]
    if missing and any(m not in d.aux for m in missing):
        raise _bad(f"node '{node.name}' ({d.name}): missing input(s) "
                   f"{', '.join(m for m in missing if m not in d.aux)}")
    for m in missing:
        vattrs = {k: v for k, v in node.attrs.items()}
        if m in _AUX_INIT:
            vattrs["__init__"] = _AUX_INIT[m]
        node.inputs.append((_Node(None, f"{node.name}_{m}", vattrs), 0))
    for (src, _), iname in zip(node.inputs, present, strict=False):
        if src.op is not None:
            continue
        for key in ("lr_mult", "wd_mult"):
            k = f"{iname}_{key}"
            if k in node.attrs:
                src.attrs[f"__{key}__"] = node.attrs.pop(k)


def load(fname: str) -> Symbol:
    """Read a symbol file (``mx.sym.load``)."""
    if not isinstance(fname, str):
        raise TypeError("fname need to be string")
    try:
        with open(fname, encoding="utf-8") as f:
            text = f.read()
    except OSError as e:
        raise MXNetError(f"mx.sym.load: cannot read {fname!r}: {e.strerror}") from None
    try:
        return load_json(text)
    except MXNetError as e:
        raise MXNetError(f"{fname}: {e}") from None


# fluent methods: x.reshape(...) is mx.sym.reshape(x, ...)
_FLUENT = (
    "reshape", "reshape_like", "zeros_like", "ones_like", "broadcast_to", "broadcast_like",
    "broadcast_axes", "repeat", "pad", "swapaxes", "split", "split_v2", "slice", "slice_axis",
    "slice_like", "take", "one_hot", "pick", "sort", "topk", "argsort", "argmax",
    "argmax_channel", "argmin", "clip", "abs", "sign", "flatten", "shape_array",
    "size_array", "expand_dims", "tile", "transpose", "flip", "depth_to_space",
    "space_to_depth", "diag", "sum", "nansum", "prod", "nanprod", "mean", "max", "min",
    "norm", "round", "rint", "fix", "floor", "ceil", "trunc", "sin", "cos", "tan", "arcsin",
    "arccos", "arctan", "degrees", "radians", "sinh", "cosh", "tanh", "arcsinh", "arccosh",
    "arctanh", "exp", "expm1", "log", "log10", "log2", "log1p", "sqrt", "rsqrt", "cbrt",
    "rcbrt", "square", "reciprocal", "relu", "sigmoid", "softmax", "log_softmax",
    "softmin", "squeeze")


def _fluent(name: str) -> Any:
    def method(self: Symbol, *args: Any, **kwargs: Any) -> Symbol:
        return make_composer(name)(self, *args, **kwargs)
    method.__name__ = name
    return method


for _n in _FLUENT:
    setattr(Symbol, _n, _fluent(_n))
del _n
_ = (_copy, NameManager)
