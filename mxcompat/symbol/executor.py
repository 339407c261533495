"""``Executor``: a Symbol bound to arrays, run by walking the graph with the registered
``mx.nd`` ops; ``backward`` is torch autograd over the same walk.

The interface is MXNet 1.9.1's (``forward(is_train, **kwargs)``, ``backward(out_grads)``,
``outputs``, ``arg_dict``, ``grad_dict``, ``aux_dict``, ``output_dict``,
``copy_params_from``, ``reshape``, ``set_monitor_callback``); Module builds on it.
"""
from __future__ import annotations

from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

import torch

from .. import autograd
from ..base import MXNetError
from ..ndarray.ndarray import NDArray, _wrap
from .symbol import Symbol, _aux_nodes, _Node

__all__ = ["Executor"]

_GRAD_REQS = ("null", "write", "add", "inplace")


def _call_op(fn: Callable, n: _Node, args: List[Any], params: Dict[str, Any]) -> Any:
    """Run op node ``n``'s implementation: inputs positional up to the first absent optional
    input, by name after it."""
    d = n.opdef
    if d.variadic:
        return fn(*args, **params)
    names = n.input_names()
    if len(names) == len(d.inputs) or names == list(d.inputs[:len(names)]):
        return fn(*args, **params)
    pos = []
    kw = dict(params)
    gap = False
    for iname, a, want in zip(names, args, d.inputs, strict=False):
        if iname != want:
            gap = True
        if gap:
            kw[iname] = a
        else:
            pos.append(a)
    return fn(*pos, **kw)


_LAZY = object()


class _Lazy:
    """The output of a zeros/ones/full node with unknown dimensions, made when its consumer
    knows the shape."""

    __slots__ = ("node",)

    def __init__(self, node: _Node):
        self.node = node


def _graph_shape(lazy: _Node, whole: Optional[Callable]) -> Optional[tuple]:
    """The shape whole-graph inference gives a lazy node (what its consumers' other
    inputs and outputs say: an RNN cell's h2h FullyConnected gets its batch size from the
    i2h one it is added to)."""
    if whole is None:
        return None
    info, _ = whole()
    s = info["hints"].get((id(lazy), 0))
    return tuple(s) if s is not None and 0 not in s else None


def _resolve_lazy(n: _Node, args: List[Any], whole: Optional[Callable] = None) -> List[Any]:
    from .. import ndarray as nd
    from .infer import rule_shapes
    names = n.input_names()
    known = {iname: (tuple(a.shape) if type(a) is not _Lazy else None)
             for iname, a in zip(names, args, strict=False)}
    shapes = rule_shapes(n, known)
    ref = next((a for a in args if type(a) is not _Lazy), None)
    out = []
    for iname, a in zip(names, args, strict=False):
        if type(a) is _Lazy:
            if iname not in shapes:
                g = _graph_shape(a.node, whole)
                if g is not None:
                    shapes[iname] = g
            if iname not in shapes:
                raise MXNetError(f"node '{a.node.name}' ({a.node.op}): the unknown "
                                 f"dimensions of its shape cannot be inferred from "
                                 f"'{n.name}'")
            p = a.node.attrs
            dtype = p.get("dtype", "float32")
            ctx = ref.context if ref is not None else None
            if a.node.op == "_ones":
                a = nd.ones(shapes[iname], ctx=ctx, dtype=dtype)
            elif a.node.op == "_full":
                a = nd.full(shapes[iname], float(p.get("value", 0)), ctx=ctx, dtype=dtype)
            else:
                a = nd.zeros(shapes[iname], ctx=ctx, dtype=dtype)
        out.append(a)
    return out


class _Plan:
    """The graph as a list of steps, resolved once: (node, fn, params, input slots)."""

    __slots__ = ("order", "steps", "heads", "var_index", "names", "lazy", "sym")

    def __init__(self, sym: Symbol):
        self.sym = sym
        self.order = order = sym._order()
        index = {id(n): i for i, n in enumerate(order)}
        self.steps: List[Tuple[_Node, Any, Dict[str, Any], List[Tuple[int, int]]]] = []
        self.var_index: Dict[str, int] = {}
        from .infer import unknown_creation
        self.lazy = False
        for i, n in enumerate(order):
            if unknown_creation(n):  # zeros of a shape its consumer decides (RNN states)
                self.lazy = True
                self.steps.append((n, _LAZY, {}, []))
                continue
            if n.op is None:
                if n.name in self.var_index:
                    raise MXNetError(f"the graph has two variables named '{n.name}'")
                self.var_index[n.name] = i
                self.steps.append((n, None, {}, []))
                continue
            d = n.opdef
            fn = d.impl
            if fn is None:
                raise MXNetError(f"node '{n.name}': operator '{n.op}' is not supported by "
                                 "mxcompat")
            params = d.call_params(n.attrs)
            refs = [(index[id(s)], k) for s, k in n.inputs]
            self.steps.append((n, fn, params, refs))
        self.heads = [(index[id(n)], k) for n, k in sym._outputs]

    def run(self, env: Dict[str, Any], monitor: Optional[Callable] = None) -> List[Any]:
        vals: List[Any] = [None] * len(self.steps)
        whole: Any = None
        if self.lazy:
            cache: List[Any] = []

            def whole() -> Any:  # whole-graph shape inference, once per run when needed
                if not cache:
                    from .infer import _propagate
                    shapes = {k: tuple(v.shape) for k, v in env.items()
                              if hasattr(v, "shape")}
                    cache.append(_propagate(self.sym, shapes, {}))
                return cache[0]
        for i, (n, fn, params, refs) in enumerate(self.steps):
            if fn is None:
                v = env.get(n.name)
                if v is None:
                    raise MXNetError(f"no array bound to variable '{n.name}'")
                vals[i] = (v,)
                continue
            if fn is _LAZY:
                vals[i] = (_Lazy(n),)
                continue
            args = [vals[j][k] for j, k in refs]
            if self.lazy and any(type(a) is _Lazy for a in args):
                args = _resolve_lazy(n, args, whole)
            try:
                r = _call_op(fn, n, args, params)
            except MXNetError as e:
                raise MXNetError(f"node '{n.name}' ({n.op}): {e}") from None
            vals[i] = r if isinstance(r, (list, tuple)) else (r,)
            if monitor is not None:
                for name, v in zip(n.output_names(), vals[i], strict=False):
                    monitor(name, v)
        return [vals[j][k] for j, k in self.heads]


def _as_list(names: Sequence[str], arrays: Any, what: str, required: bool = True) -> List[Any]:
    if arrays is None:
        if required and names:
            raise ValueError(f"{what} must be given")
        return [None] * len(names)
    if isinstance(arrays, dict):
        out = []
        for n in names:
            if n not in arrays:
                if required:
                    raise ValueError(f"key `{n}` is missing in `{what}`")
                out.append(None)
            else:
                out.append(arrays[n])
        return out
    if isinstance(arrays, (list, tuple)):
        if len(arrays) != len(names):
            raise ValueError(f"Length of {what} do not match number of arguments "
                             f"({len(arrays)} vs {len(names)})")
        return list(arrays)
    raise TypeError(f"Only accept list of NDArrays or dict of str to NDArray for {what}")


class Executor:
    """A bound symbol (``Symbol.bind`` / ``simple_bind``)."""

    def __init__(self, symbol: Symbol, ctx: Any, arg_arrays: List[NDArray],
                 grad_arrays: List[Optional[NDArray]], grad_req: List[str],
                 aux_arrays: List[NDArray]):
        self._symbol = symbol
        self._ctx = ctx
        self._arg_names = symbol.list_arguments()
        self._aux_names = symbol.list_auxiliary_states()
        self._out_names = symbol.list_outputs()
        self.arg_arrays = arg_arrays
        self.grad_arrays = grad_arrays
        self.aux_arrays = aux_arrays
        self._grad_req = grad_req
        self._plan = _Plan(symbol)
        self.outputs: List[NDArray] = self._alloc_outputs()
        self._graph: Any = None
        self._monitor: Optional[Callable] = None
        self._monitor_all = False
        self._arg_dict: Optional[Dict[str, NDArray]] = None
        self._grad_dict: Optional[Dict[str, NDArray]] = None
        self._aux_dict: Optional[Dict[str, NDArray]] = None

    def _alloc_outputs(self) -> List[NDArray]:
        """The output arrays, allocated at bind time as in MXNet (empty when the shapes
        cannot be inferred before the first forward)."""
        from .. import ndarray as nd
        try:
            shapes = {n: a.shape for n, a in zip(self._arg_names, self.arg_arrays, strict=False)}
            shapes.update({n: a.shape for n, a in zip(self._aux_names, self.aux_arrays,
                                                      strict=False)})
            types = {n: a.dtype for n, a in zip(self._arg_names, self.arg_arrays, strict=False)}
            _, out_shapes, _ = self._symbol.infer_shape_partial(**shapes)
            _, out_types, _ = self._symbol.infer_type_partial(**types)
        except Exception:  # noqa: BLE001 - decided at the first forward instead
            return []
        if not out_shapes or any(not s or 0 in s for s in out_shapes) or \
                out_types is None or any(t is None for t in out_types):
            return []
        ctx = self.arg_arrays[0].context if self.arg_arrays else self._ctx
        return [nd.zeros(s, ctx=ctx, dtype=t) for s, t in zip(out_shapes, out_types, strict=False)]

    # ---- construction ---------------------------------------------------------------
    @staticmethod
    def _bind(sym: Symbol, ctx: Any, args: Any, args_grad: Any, grad_req: Any,
              aux_states: Any) -> "Executor":
        if not isinstance(sym, Symbol):
            raise TypeError("bind: expected a Symbol")
        arg_names = sym.list_arguments()
        aux_names = sym.list_auxiliary_states()
        arg_arrays = _as_list(arg_names, args, "args")
        for n, a in zip(arg_names, arg_arrays, strict=False):
            if not isinstance(a, NDArray):
                raise TypeError(f"bind: args['{n}'] must be an NDArray, got "
                                f"{type(a).__name__}")
        grad_arrays = _as_list(arg_names, args_grad, "args_grad", required=False)
        reqs = Executor._reqs(arg_names, grad_req)
        if args_grad is None:
            reqs = ["null"] * len(arg_names)
        reqs = [r if g is not None else "null" for r, g in zip(reqs, grad_arrays, strict=False)]
        aux_arrays = _as_list(aux_names, aux_states, "aux_states", required=bool(aux_names))
        return Executor(sym, ctx, arg_arrays, grad_arrays, reqs, aux_arrays)

    @staticmethod
    def _reqs(names: Sequence[str], grad_req: Any) -> List[str]:
        if isinstance(grad_req, str):
            reqs = [grad_req] * len(names)
        elif isinstance(grad_req, (list, tuple)):
            if len(grad_req) != len(names):
                raise ValueError("grad_req: a list must have one entry per argument")
            reqs = list(grad_req)
        elif isinstance(grad_req, dict):
            reqs = [grad_req.get(n, "null") for n in names]
        else:
            raise TypeError("grad_req must be a str, list or dict")
        for r in reqs:
            if r not in _GRAD_REQS:
                raise ValueError(f"grad_req must be in {_GRAD_REQS}, got {r!r}")
        return ["write" if r == "inplace" else r for r in reqs]

    @staticmethod
    def _simple_bind(sym: Symbol, ctx: Any, grad_req: Any, type_dict: Any,
                     shared_buffer: Any, shapes: Dict[str, Any]) -> "Executor":
        from .. import ndarray as nd
        from .infer import infer_shape
        arg_shapes, _, aux_shapes = infer_shape(sym, (), shapes, False, types=type_dict)
        if arg_shapes is None:
            raise MXNetError("simple_bind: cannot infer the shapes of all arguments from "
                             f"{shapes}")
        arg_types, _, aux_types = sym.infer_type(**(type_dict or {}))
        if arg_types is None:
            raise MXNetError("simple_bind: cannot infer the types of all arguments")
        arg_names = sym.list_arguments()
        reqs = Executor._reqs(arg_names, grad_req)
        args, grads = [], []
        for n, s, t, r in zip(arg_names, arg_shapes, arg_types, reqs, strict=False):
            a = None
            if shared_buffer is not None and n in shared_buffer:
                b = shared_buffer[n]
                if tuple(b.shape) == tuple(s) and b.dtype == t:
                    a = b
            if a is None:
                a = nd.zeros(s, ctx=ctx, dtype=t)
                if shared_buffer is not None:
                    shared_buffer[n] = a
            args.append(a)
            grads.append(None if r == "null" else nd.zeros(s, ctx=ctx, dtype=t))
        aux = [nd.zeros(s, ctx=ctx, dtype=t) for s, t in zip(aux_shapes, aux_types, strict=False)]
        return Executor(sym, ctx, args, grads, reqs, aux)

    # ---- dictionaries ---------------------------------------------------------------
    @property
    def arg_dict(self) -> Dict[str, NDArray]:
        if self._arg_dict is None:
            self._arg_dict = dict(zip(self._arg_names, self.arg_arrays, strict=False))
        return self._arg_dict

    @property
    def grad_dict(self) -> Dict[str, NDArray]:
        if self._grad_dict is None:
            self._grad_dict = {n: g for n, g in zip(self._arg_names, self.grad_arrays, strict=False)
                               if g is not None}
        return self._grad_dict

    @property
    def aux_dict(self) -> Dict[str, NDArray]:
        if self._aux_dict is None:
            self._aux_dict = dict(zip(self._aux_names, self.aux_arrays, strict=False))
        return self._aux_dict

    @property
    def output_dict(self) -> Dict[str, NDArray]:
        return dict(zip(self._out_names, self.outputs, strict=False))

    # ---- running --------------------------------------------------------------------
    def forward(self, is_train: bool = False, **kwargs: Any) -> List[NDArray]:
        if kwargs:
            ad = self.arg_dict
            for k, v in kwargs.items():
                if k not in ad:
                    raise MXNetError(f"forward: unknown argument '{k}'")
                dst = ad[k]
                if isinstance(v, NDArray):
                    if tuple(v.shape) != tuple(dst.shape):
                        raise MXNetError(f"forward: shape of '{k}' is {v.shape}, the executor "
                                         f"was bound with {dst.shape}")
                    v.copyto(dst)
                else:
                    dst[:] = v
        env: Dict[str, Any] = dict(zip(self._aux_names, self.aux_arrays, strict=False))
        # as in MXNet, backward may follow a forward in predict mode: record whenever
        # gradients are bound
        need_grad = any(r != "null" for r in self._grad_req)
        monitor = self._monitor
        if need_grad:
            leaves = []
            for n, a, r in zip(self._arg_names, self.arg_arrays, self._grad_req, strict=False):
                if r != "null" and a._t.is_floating_point():
                    t = a._t.detach().requires_grad_(True)
                    leaves.append((n, t))
                    env[n] = _wrap(t, a._ctx)
                else:
                    env[n] = a
            with autograd.record(train_mode=is_train):
                outs = self._plan.run(env, monitor)
            self._graph = (leaves, [o._t for o in outs])
        else:
            for n, a in zip(self._arg_names, self.arg_arrays, strict=False):
                env[n] = a
            self._graph = None
            with autograd.pause(train_mode=is_train):
                outs = self._plan.run(env, monitor)
        self._set_outputs([o._t.detach() if o._t.requires_grad else o._t for o in outs],
                          outs)
        return self.outputs

    def _set_outputs(self, tensors: List[torch.Tensor], outs: List[NDArray]) -> None:
        cur = self.outputs
        if len(cur) == len(tensors):
            for a, t in zip(cur, tensors, strict=False):
                if a._t.shape == t.shape and a._t.dtype == t.dtype:
                    a._t.copy_(t)  # the bound output buffers (views of them see it too)
                else:
                    a._t = t
        else:
            self.outputs = [_wrap(t, o._ctx) for t, o in zip(tensors, outs, strict=False)]

    def backward(self, out_grads: Any = None, is_train: bool = True) -> None:
        if self._graph is None:
            if all(r == "null" for r in self._grad_req):
                return
            raise MXNetError("backward: call forward(is_train=True) first")
        leaves, outs = self._graph
        if out_grads is None:
            heads = [torch.ones_like(o) for o in outs]
        else:
            if isinstance(out_grads, NDArray):
                out_grads = [out_grads]
            if isinstance(out_grads, dict):
                out_grads = [out_grads[n] for n in self._out_names]
            if len(out_grads) != len(outs):
                raise MXNetError(f"backward: {len(out_grads)} out_grads for {len(outs)} "
                                 "outputs")
            heads = [g._t.to(o.dtype) if isinstance(g, NDArray) else torch.as_tensor(g)
                     for g, o in zip(out_grads, outs, strict=False)]
        pairs = [(o, h) for o, h in zip(outs, heads, strict=False) if o.requires_grad]
        if not leaves:
            return
        if pairs:
            grads = torch.autograd.grad([o for o, _ in pairs], [t for _, t in leaves],
                                        [h for _, h in pairs], allow_unused=True)
        else:
            grads = [None] * len(leaves)
        gd = dict(zip(self._arg_names, zip(self.grad_arrays, self._grad_req, strict=False),
                      strict=False))
        for (n, t), g in zip(leaves, grads, strict=False):
            arr, req = gd[n]
            if arr is None:
                continue
            if g is None:
                g = torch.zeros_like(t)
            g = g.to(arr._t.dtype)
            if req == "add":
                arr._t.add_(g)
            else:
                arr._t.copy_(g)
        self._graph = None

    def set_monitor_callback(self, callback: Callable, monitor_all: bool = False) -> None:
        self._monitor = callback
        self._monitor_all = monitor_all

    def copy_params_from(self, arg_params: Dict[str, NDArray],
                         aux_params: Optional[Dict[str, NDArray]] = None,
                         allow_extra_params: bool = False) -> None:
        for name, array in arg_params.items():
            if name in self.arg_dict:
                dst = self.arg_dict[name]
                array.astype(dst.dtype).copyto(dst)
            elif not allow_extra_params:
                raise ValueError(f"Find name \"{name}\" that is not in the arguments")
        if aux_params is None:
            return
        for name, array in aux_params.items():
            if name in self.aux_dict:
                dst = self.aux_dict[name]
                array.astype(dst.dtype).copyto(dst)
            elif not allow_extra_params:
                raise ValueError(f"Find name {name} that is not in the auxiliary states")

    def reshape(self, partial_shaping: bool = False, allow_up_sizing: bool = False,
                **kwargs: Any) -> "Executor":
        """A new executor for new input shapes. Arrays whose shape is unchanged are shared;
        smaller ones are views of this executor's memory; larger ones need
        ``allow_up_sizing``."""
        arg_shapes, out_shapes, aux_shapes = self._symbol.infer_shape(**kwargs)
        if arg_shapes is None:
            raise ValueError("Insufficient argument shapes provided.")

        def remake(name: str, a: NDArray, shape: tuple, what: str) -> NDArray:
            from .. import ndarray as nd
            if tuple(a.shape) == tuple(shape):
                return a
            if what != "output" and not partial_shaping and name not in kwargs:
                raise AssertionError(f"Shape of unspecified array {what}:{name} changed. This "
                                     "can cause the new executor to not share parameters with "
                                     "the old one. Please check for error in network. If this "
                                     "is intended, set partial_shaping=True to suppress this "
                                     "warning.")
            n = 1
            for d in shape:
                n *= int(d)
            if n > a._t.numel():
                if not allow_up_sizing and what != "output":
                    raise AssertionError(f"New shape of {what}:{name} larger than original. "
                                         "First making a big executor and then down sizing it "
                                         "is more efficient than the reverse.If you really want "
                                         "to up size, set allow_up_sizing=True to enable "
                                         "allocation of new arrays.")
                return nd.zeros(shape, ctx=a.context, dtype=a.dtype)
            return _wrap(a._t.reshape(-1)[:n].view(tuple(shape)), a._ctx)

        new_args, new_grads = [], []
        for n, a, g, s in zip(self._arg_names, self.arg_arrays, self.grad_arrays, arg_shapes,
                              strict=False):
            new_args.append(remake(n, a, s, "arg"))
            new_grads.append(None if g is None else remake(n, g, s, "grad"))
        new_aux = [remake(n, a, s, "aux")
                   for n, a, s in zip(self._aux_names, self.aux_arrays, aux_shapes, strict=False)]
        exe = Executor(self._symbol, self._ctx, new_args, new_grads, list(self._grad_req),
                       new_aux)
        if len(self.outputs) == len(out_shapes):
            exe.outputs = [remake(n, o, s, "output")
                           for n, o, s in zip(self._out_names, self.outputs, out_shapes,
                                              strict=False)]
        return exe

    def debug_str(self) -> str:
        return self._symbol.debug_str()

    def get_optimized_symbol(self) -> Symbol:
        return self._symbol._deepcopy()


_ = _aux_nodes
