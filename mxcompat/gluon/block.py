"""Gluon blocks: :class:`Block`, :class:`HybridBlock` (and :class:`SymbolBlock`, which
arrives with the Symbol API).

A Block names itself as MXNet 1.9.1 does (``dense0_``, ``hybridsequential1_conv0_``: a counter
per class name in the enclosing ``name_scope()``, or in the current ``mx.name.NameManager`` at
the top level), registers the Blocks and Parameters assigned to its attributes, and runs
``forward`` when called. A HybridBlock's ``hybrid_forward(F, x, ..., **params)`` runs with
``F = mx.nd`` on the parameters' arrays for the input's context; parameters whose shapes are
not known yet are inferred from the first input (see :func:`register_shape_rule`).

``hybridize()`` accepts MXNet 1.9.1's arguments and never changes a result: the block keeps
running eagerly, unless ``backend='torch.compile'`` (or ``MXCOMPAT_HYBRIDIZE=compile``) asks
for the compiled mode (see docs/gluon.md).
"""
from __future__ import annotations

import os
import re
import threading
import warnings
from collections import OrderedDict, defaultdict
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

from .. import autograd
from .. import initializer
from .. import ndarray as nd
from ..base import (MXNetAssertionError, MXNetError, MXNetTypeError, MXNetValueError,
                    unsupported)
from ..context import _CPU0, Context
from ..ndarray.ndarray import NDArray
from .. import name as _name
from ._util import HookHandle, _brief_print_list, _indent
from .parameter import DeferredInitializationError, Parameter, ParameterDict, _symbol_api

__all__ = ["Block", "HybridBlock", "register_shape_rule"]

_DEFAULT_CTX = Context._default


class _BlockScope:
    """What ``with block.name_scope():`` enters: children created inside get the block's
    prefix and a per-class counter of their own."""

    _current = threading.local()

    def __init__(self, block: "Block"):
        self._block = block
        self._counter: Dict[str, int] = {}
        self._old_scope: Optional[_BlockScope] = None
        self._name_scope: Any = None

    @staticmethod
    def create(prefix: Optional[str], params: Optional[ParameterDict],
               hint: str) -> Tuple[str, ParameterDict]:
        """The prefix and ParameterDict of a new Block of class alias ``hint``."""
        current = getattr(_BlockScope._current, "value", None)
        if current is None:
            if prefix is None:
                prefix = _name._current_manager().get(None, hint) + "_"
            if params is None:
                params = ParameterDict(prefix)
            else:
                params = ParameterDict(params.prefix, params)
            return prefix, params
        if prefix is None:
            count = current._counter.get(hint, 0)
            prefix = f"{hint}{count}_"
            current._counter[hint] = count + 1
        if params is None:
            parent = current._block.params
            params = ParameterDict(parent.prefix + prefix, parent._shared)
        else:
            params = ParameterDict(params.prefix, params)
        return current._block.prefix + prefix, params

    def __enter__(self) -> "_BlockScope":
        if self._block._empty_prefix:
            return self
        self._old_scope = getattr(_BlockScope._current, "value", None)
        _BlockScope._current.value = self
        self._name_scope = _name.Prefix(self._block.prefix)
        self._name_scope.__enter__()
        return self

    def __exit__(self, *exc: Any) -> None:
        if self._block._empty_prefix:
            return
        self._name_scope.__exit__(*exc)
        self._name_scope = None
        _BlockScope._current.value = self._old_scope


def _find_arrays(args: Any, found: List[NDArray]) -> bool:
    """Collect the NDArrays in (nested lists/tuples of) ``args``; True if a Symbol is seen."""
    sym = False
    for a in args:
        if isinstance(a, NDArray):
            found.append(a)
        elif isinstance(a, (list, tuple)):
            sym = _find_arrays(a, found) or sym
        elif type(a).__name__ == "Symbol":
            sym = True
    return sym


class Block:
    """Base class of all layers and models: subclass it, create children and parameters in
    ``__init__`` (inside ``with self.name_scope():``) and compute in ``forward``."""

    def __init__(self, prefix: Optional[str] = None, params: Optional[ParameterDict] = None):
        self._empty_prefix = prefix == ""
        self._prefix, self._params = _BlockScope.create(prefix, params, self._alias())
        self._name = self._prefix[:-1] if self._prefix.endswith("_") else self._prefix
        self._scope = _BlockScope(self)
        self._children: "OrderedDict[str, Block]" = OrderedDict()
        self._reg_params: Dict[str, Parameter] = {}
        self._forward_hooks: "OrderedDict[int, Callable]" = OrderedDict()
        self._forward_pre_hooks: "OrderedDict[int, Callable]" = OrderedDict()

    def __repr__(self) -> str:
        modstr = "\n".join(f"  ({key}): {_indent(repr(block), 2)}"
                           for key, block in self.__dict__.items() if isinstance(block, Block))
        return f"{self.__class__.__name__}(\n{modstr}\n)"

    def __setattr__(self, name: str, value: Any) -> None:
        if hasattr(self, name):
            existing = getattr(self, name)
            if isinstance(existing, (Parameter, Block)) and not isinstance(value, type(existing)):
                raise MXNetTypeError(f"Changing attribute type for {name} from "
                                     f"{type(existing)} to {type(value)}is not allowed.")
        if isinstance(value, Block):
            self.register_child(value, name)
        elif isinstance(value, Parameter):
            if name in self._reg_params:
                raise MXNetAssertionError(
                    "Overriding Parameter attribute %s is not allowed. If you want to share "
                    "parameters between blocks, please set 'params' at Block construction "
                    "instead.")
            self._reg_params[name] = value
        object.__setattr__(self, name, value)

    def _check_container_with_block(self) -> None:
        children = set(self._children.values())

        def unregistered(data: Any) -> bool:
            if isinstance(data, (list, tuple)):
                return any(unregistered(e) for e in data)
            if isinstance(data, dict):
                return any(unregistered(v) for v in data.values())
            if isinstance(data, Block):
                return data not in children
            return False

        for k, v in self.__dict__.items():
            if isinstance(v, (list, tuple, dict)) and not (k.startswith("__") or
                                                           k == "_children"):
                if unregistered(v):
                    warnings.warn(
                        f'"{self.__class__.__name__}.{k}" is an unregistered container with '
                        "Blocks. Note that Blocks inside the list, tuple or dict will not be "
                        "registered automatically. Make sure to register them using "
                        "register_child() or switching to nn.Sequential/nn.HybridSequential "
                        "instead. ", stacklevel=3)

    def _alias(self) -> str:
        return self.__class__.__name__.lower()

    @property
    def prefix(self) -> str:
        """The prefix of this block's parameter and child names (``dense0_``)."""
        return self._prefix

    @property
    def name(self) -> str:
        """The block's name: its prefix without the trailing ``_``."""
        return self._name

    def name_scope(self) -> _BlockScope:
        """``with self.name_scope():`` around the creation of children names them under
        this block's prefix."""
        return self._scope

    @property
    def params(self) -> ParameterDict:
        """This block's own ParameterDict (children's parameters not included)."""
        return self._params

    def collect_params(self, select: Optional[str] = None) -> ParameterDict:
        """A ParameterDict of this block's and all descendants' parameters; ``select``, a
        regular expression, keeps the names it matches (``'.*weight|.*bias'``)."""
        self._check_container_with_block()
        ret = ParameterDict(self._params.prefix)
        if not select:
            ret.update(self.params)
        else:
            pattern = re.compile(select)
            ret.update({k: v for k, v in self.params.items() if pattern.match(k)})
        for child in self._children.values():
            ret.update(child.collect_params(select=select))
        return ret

    def _collect_params_with_prefix(self, prefix: str = "") -> Dict[str, Parameter]:
        """Parameters by structural name (``'0.weight'``, ``'features.3.bias'``)."""
        if prefix:
            prefix += "."
        ret = {prefix + key: val for key, val in self._reg_params.items()}
        for name, child in self._children.items():
            ret.update(child._collect_params_with_prefix(prefix + name))
        return ret

    # ---- saving and loading -----------------------------------------------------------
    def save_parameters(self, filename: str, deduplicate: bool = False) -> None:
        """Save the parameters under their structural names (``load_parameters`` reads the
        file); ``deduplicate`` saves a shared parameter once."""
        params = self._collect_params_with_prefix()
        if deduplicate:
            reverse = {v: k for k, v in params.items()}
            params = {k: v for v, k in reverse.items()}
        nd.save(filename, {key: val._reduce() for key, val in params.items()})

    def save_params(self, filename: str) -> None:
        """Deprecated: save under prefixed names (``collect_params().save``)."""
        warnings.warn("save_params is deprecated. Please use save_parameters. Note that if you "
                      "want load from SymbolBlock later, please use export instead. For "
                      "details, see https://mxnet.apache.org/tutorials/gluon/save_load_params."
                      "html", stacklevel=2)
        try:
            self.collect_params().save(filename, strip_prefix=self.prefix)
        except ValueError as e:
            raise MXNetValueError(f"{e}\nsave_params is deprecated. Using save_parameters may "
                                  "resolve this error.") from None

    def load_parameters(self, filename: str, ctx: Any = None, allow_missing: bool = False,
                        ignore_extra: bool = False, cast_dtype: bool = False,
                        dtype_source: str = "current") -> None:
        """Load a file written by ``save_parameters`` (or, with prefixed names, by
        ``save_params`` / ``collect_params().save``). Every check runs before anything is
        loaded: an error leaves the block as it was."""
        loaded = nd.load(filename)
        if not isinstance(loaded, dict):
            raise MXNetValueError(f"load_parameters: {filename} holds a list of arrays, not "
                                  "named parameters")
        params = self._collect_params_with_prefix()
        if not loaded and not params:
            return
        if not any("." in k for k in loaded):
            del loaded  # names without dots: a file of prefixed names
            self.collect_params().load(filename, ctx, allow_missing, ignore_extra, self.prefix,
                                       cast_dtype=cast_dtype, dtype_source=dtype_source)
            return
        if not allow_missing:
            names_of: Dict[Parameter, List[str]] = defaultdict(list)
            for k, v in params.items():
                names_of[v].append(k)
            for name, param in params.items():
                if not any(p in loaded for p in names_of[param]):
                    raise MXNetAssertionError(
                        f"Parameter '{name}' is missing in file '{filename}', which contains "
                        f"parameters: {_brief_print_list(loaded.keys())}. Set "
                        "allow_missing=True to ignore missing parameters.")
        todo = []
        for name, value in loaded.items():
            if name not in params:
                if not ignore_extra:
                    raise MXNetValueError(
                        f"Parameter '{name}' loaded from file '{filename}' is not present in "
                        "ParameterDict, which contains parameters "
                        f"{_brief_print_list(self._params.keys())}. Set ignore_extra=True to "
                        "ignore. ")
                continue
            params[name]._check_load(value, ctx, cast_dtype, dtype_source)
            todo.append((params[name], value))
        for param, value in todo:
            param._load_init(value, ctx, cast_dtype=cast_dtype, dtype_source=dtype_source)

    def load_params(self, filename: str, ctx: Any = None, allow_missing: bool = False,
                    ignore_extra: bool = False) -> None:
        """Deprecated: ``load_parameters``."""
        warnings.warn("load_params is deprecated. Please use load_parameters.", stacklevel=2)
        self.load_parameters(filename, ctx, allow_missing, ignore_extra)

    def save(self, prefix: str) -> None:
        """Save the model's structure and parameters (needs the Symbol API)."""
        raise _symbol_api("Block.save()")

    def load(self, prefix: str) -> None:
        """Load what ``Block.save`` wrote (needs the Symbol API)."""
        raise _symbol_api("Block.load()")

    # ---- structure --------------------------------------------------------------------
    def register_child(self, block: "Block", name: Optional[str] = None) -> None:
        """Make ``block`` a child (blocks assigned to attributes are registered already)."""
        if name is None:
            name = str(len(self._children))
        self._children[name] = block

    def register_forward_pre_hook(self, hook: Callable) -> HookHandle:
        """Call ``hook(block, inputs)`` before each forward; returns a handle to remove it."""
        handle = HookHandle()
        handle.attach(self._forward_pre_hooks, hook)
        return handle

    def register_forward_hook(self, hook: Callable) -> HookHandle:
        """Call ``hook(block, inputs, outputs)`` after each forward; returns a handle."""
        handle = HookHandle()
        handle.attach(self._forward_hooks, hook)
        return handle

    def apply(self, fn: Callable[["Block"], Any]) -> "Block":
        """Call ``fn(block)`` on every descendant, then on this block; returns this block."""
        for child in self._children.values():
            child.apply(fn)
        fn(self)
        return self

    def initialize(self, init: Any = initializer.Uniform(), ctx: Any = None,
                   verbose: bool = False, force_reinit: bool = False) -> None:
        """Initialize all parameters (``collect_params().initialize(...)``)."""
        self.collect_params().initialize(init, ctx, verbose, force_reinit)

    def hybridize(self, active: bool = True, **kwargs: Any) -> None:
        """Hybridize the HybridBlock descendants (a plain Block itself runs as it is)."""
        for child in self._children.values():
            child.hybridize(active, **kwargs)

    def cast(self, dtype: Any) -> None:
        """Cast all parameters to ``dtype``."""
        for child in self._children.values():
            child.cast(dtype)
        for _, param in self.params.items():
            param.cast(dtype)

    def zero_grad(self) -> None:
        """Set all parameters' gradients to 0 (an mxcompat extension: MXNet 2.0's name for
        ``collect_params().zero_grad()``)."""
        self.collect_params().zero_grad()

    def share_parameters(self, shared: Dict[str, Parameter]) -> "Block":
        """Use the given parameters, by structural name (``'0.weight'``), in place of this
        block's own (an mxcompat extension with MXNet 2.0's name; in 1.9.1, share with
        ``params=other.params`` at construction)."""
        if not isinstance(shared, dict):
            raise MXNetTypeError("share_parameters: expected a dict of structural names to "
                                 "Parameters, such as other.collect_params_with_prefix()")
        own = self._collect_params_with_prefix()
        for name, param in shared.items():
            if name not in own:
                continue
            *path, attr = name.split(".")
            blk: Block = self
            for part in path:
                blk = blk._children[part]
            old = blk._reg_params[attr]
            blk._reg_params[attr] = param
            object.__setattr__(blk, attr, param)
            for k, v in list(blk._params.items()):
                if v is old:
                    blk._params._params[k] = param
        return self

    def __call__(self, *args: Any) -> Any:
        # hooks of blocks running inside a hybridized block's graph do not fire (MXNet runs
        # that graph as one cached op)
        if self._forward_pre_hooks and not _GRAPH.inside:
            for hook in list(self._forward_pre_hooks.values()):
                hook(self, args)
        out = self.forward(*args)
        if self._forward_hooks and not _GRAPH.inside:
            for hook in list(self._forward_hooks.values()):
                hook(self, args, out)
        return out

    def forward(self, *args: Any) -> Any:
        """The computation: override it (positional NDArray arguments)."""
        raise NotImplementedError

    def register_op_hook(self, callback: Callable, monitor_all: bool = False) -> None:
        """Install an operator monitor on the hybridized children."""
        for child in self._children.values():
            child.register_op_hook(callback, monitor_all)

    def summary(self, *inputs: Any) -> None:
        """Print each layer's output shape and parameter count for one forward pass of
        ``inputs`` (the block must be initialized and not hybridized)."""
        summary: "OrderedDict[str, Dict[str, Any]]" = OrderedDict()
        seen: set = set()
        hooks: List[HookHandle] = []

        def shape_str(args: Any) -> str:
            def shapes(a: Any) -> Any:
                if isinstance(a, (list, tuple)):
                    return [shapes(i) for i in a]
                return a.shape if isinstance(a, NDArray) else a
            s = shapes(args)
            text = str(s)[1:-1] if isinstance(s, list) else str(s)
            return text.replace("L", "")

        def register_summary_hook(block: Block) -> None:
            if isinstance(block, HybridBlock) and block._active:
                raise MXNetAssertionError(f'"{block.name}" must not be hybridized to print '
                                          "summary.")

            def hook(block: Block, _: Any, outputs: Any) -> None:
                key = f"{block.__class__.__name__}-{len(summary)}"
                ent = summary[key] = OrderedDict()
                ent["output_shape"] = shape_str(outputs)
                n = trainable = shared = 0
                for p in block.params.values():
                    size = p.data().size
                    n += size
                    trainable += 0 if p.grad_req == "null" else size
                    if p in seen:
                        shared += size
                    else:
                        seen.add(p)
                ent["n_params"], ent["trainable"], ent["shared"] = n, trainable, shared

            from .nn.basic_layers import HybridSequential, Sequential
            if not isinstance(block, (Sequential, HybridSequential)):
                hooks.append(block.register_forward_hook(hook))

        summary["Input"] = OrderedDict(output_shape=shape_str(inputs), n_params=0,
                                       trainable=0, shared=0)
        try:
            self.apply(register_summary_hook)
            self(*inputs)
            fmt = "{:>20}  {:>42} {:>15}"
            print("-" * 80)
            print(fmt.format("Layer (type)", "Output Shape", "Param #"))
            print("=" * 80)
            total = trainable = shared = 0
            for layer, ent in summary.items():
                print(fmt.format(layer, str(ent["output_shape"]), ent["n_params"]))
                total += ent["n_params"]
                trainable += ent["trainable"]
                shared += ent["shared"]
            print("=" * 80)
            print("Parameters in forward computation graph, duplicate included")
            print("   Total params: " + str(total))
            print("   Trainable params: " + str(trainable))
            print("   Non-trainable params: " + str(total - trainable))
            print("Shared params in forward computation graph: " + str(shared))
            print("Unique parameters in model: " + str(total - shared))
            print("-" * 80)
        finally:
            for h in hooks:
                h.detach()


# ---- shape inference for deferred parameters ----------------------------------------------
class _Pending:
    """Stands for a parameter whose shape is not known yet while ``infer_shape`` runs."""

    __slots__ = ("param",)

    def __init__(self, param: Parameter):
        self.param = param

    def __getattr__(self, name: str) -> Any:
        raise DeferredInitializationError(
            f"Parameter '{self.param.name}' has not been initialized yet because "
            "initialization was deferred, and its shape cannot be inferred before it is used "
            f"here (.{name}); give the layer its input size (in_units, in_channels, ...)")


#: op name -> (input names in order, rule(input shapes by name, attrs) -> shapes by name)
_SHAPE_RULES: Dict[str, Tuple[Tuple[str, ...], Callable[..., Dict[str, tuple]]]] = {}


def register_shape_rule(op: str, inputs: Sequence[str]) -> Callable[[Callable], Callable]:
    """Teach deferred initialization how ``F.<op>`` determines the shapes of its parameter
    inputs: ``rule(shapes, attrs)`` gets the known input shapes by name (None for the ones
    to infer) and the op's keyword arguments, and returns shapes by input name."""
    def deco(fn: Callable[..., Dict[str, tuple]]) -> Callable[..., Dict[str, tuple]]:
        _SHAPE_RULES[op] = (tuple(inputs), fn)
        return fn
    return deco


class _InferF:
    """``F`` while shapes are inferred: calls go to ``mx.nd``; a call given a pending
    parameter first fixes that parameter's shape by the op's rule and passes zeros."""

    def __init__(self, namespace: Any, prefix: str = ""):
        self._ns = namespace
        self._prefix = prefix

    def __getattr__(self, name: str) -> Any:
        target = getattr(self._ns, name)
        if type(target).__name__ == "module":
            sub = _InferF(target, f"{self._prefix}{name}.")
            setattr(self, name, sub)
            return sub
        if not callable(target) or isinstance(target, type):
            return target
        op = self._prefix + name

        def call(*args: Any, **kwargs: Any) -> Any:
            if any(type(a) is _Pending for a in args) or \
                    any(type(v) is _Pending for v in kwargs.values()):
                args, kwargs = _resolve_pending(op, args, kwargs)
            return target(*args, **kwargs)
        setattr(self, name, call)
        return call


def _resolve_pending(op: str, args: tuple, kwargs: dict) -> Tuple[tuple, dict]:
    entry = _SHAPE_RULES.get(op)
    pending = [a for a in list(args) + list(kwargs.values()) if type(a) is _Pending]
    if entry is None:
        names = ", ".join(f"'{p.param.name}'" for p in pending)
        raise MXNetError(f"cannot infer the shape of Parameter {names} from F.{op}; give it "
                         "a full shape (in_units, in_channels, ...)")
    input_names, rule = entry
    bound: Dict[str, Any] = dict(zip(input_names, args))
    attrs = {}
    for k, v in kwargs.items():
        if k in input_names:
            bound[k] = v
        else:
            attrs[k] = v
    shapes = {k: (None if type(v) is _Pending or v is None else v.shape)
              for k, v in bound.items()}
    inferred = rule(shapes, attrs)
    ctx = None
    for v in bound.values():
        if isinstance(v, NDArray):
            ctx = v.context
            break
    for k, v in list(bound.items()):
        if type(v) is _Pending:
            p = v.param
            want = inferred.get(k)
            if want is None:
                raise MXNetError(f"F.{op} cannot infer the shape of its input '{k}' "
                                 f"(Parameter '{p.name}')")
            p.shape = tuple(int(d) for d in want)
            bound[k] = nd.zeros(p.shape, dtype=p.dtype, ctx=ctx)
    new_args = tuple(bound[input_names[i]] if i < len(input_names) else a
                     for i, a in enumerate(args))
    new_kwargs = {k: (bound[k] if k in input_names else v) for k, v in kwargs.items()}
    return new_args, new_kwargs


class _GraphState(threading.local):
    """Whether a hybridized block's forward pass is running (its descendants then run as
    parts of that graph: no input checks of their own, as in MXNet's cached graph)."""

    inside = False


_GRAPH = _GraphState()


def _input_format(args: Any) -> Any:
    """MXNet's format of (nested) hybridized inputs: 0 an array, -1 None, a list for a
    list; anything else is a ValueError."""
    if isinstance(args, NDArray):
        return 0
    if args is None:
        return -1
    if not isinstance(args, (list, tuple)):
        raise MXNetValueError(f"When hybridized, the input of HybridBlock input must be "
                              f"(nested) list of Symbol or NDArray, but got {args} of type "
                              f"{type(args)}")
    return [_input_format(a) for a in args]


def _format_compatible(fmt: list, stored: list) -> bool:
    """Formats that differ only by trailing None arguments (defaults) are compatible."""
    if len(stored) > len(fmt):
        return all(f == -1 for f in stored[len(fmt):]) and fmt == stored[:len(fmt)]
    if len(stored) < len(fmt):
        return all(f == -1 for f in fmt[len(stored):]) and fmt[:len(stored)] == stored
    return False


class HybridBlock(Block):
    """A Block written as ``hybrid_forward(F, x, *args, **params)`` over ``F``'s ops
    (``mx.nd`` here); it can be hybridized. Its children must be HybridBlocks."""

    def __init__(self, prefix: Optional[str] = None, params: Optional[ParameterDict] = None):
        super().__init__(prefix=prefix, params=params)
        self._cached_graph: tuple = ()
        self._cached_op: Any = None
        self._cached_op_args: list = []
        self._out_format: Any = None
        self._in_format: Any = None
        self._active = False
        self._flags: list = []
        self._callback: Any = None
        self._monitor_all = False
        self._backend: Optional[str] = None
        self._backend_opts: Dict[str, Any] = {}
        self._compiled: Any = None

    def __setattr__(self, name: str, value: Any) -> None:
        super().__setattr__(name, value)
        if isinstance(value, HybridBlock):
            self._clear_cached_op()

    def _clear_cached_op(self) -> None:
        object.__setattr__(self, "_cached_graph", ())
        object.__setattr__(self, "_cached_op", None)
        object.__setattr__(self, "_cached_op_args", [])
        object.__setattr__(self, "_compiled", None)
        object.__setattr__(self, "_in_format", None)

    def register_child(self, block: Block, name: Optional[str] = None) -> None:
        if not isinstance(block, HybridBlock):
            raise MXNetValueError(
                f"Children of HybridBlock must also be HybridBlock, but {block} has type "
                f"{type(block)}. If you are using Sequential, please try HybridSequential "
                "instead.")
        super().register_child(block, name)
        self._clear_cached_op()

    def hybridize(self, active: bool = True, backend: Optional[str] = None, clear: bool = True,
                  static_alloc: bool = False, static_shape: bool = False,
                  inline_limit: int = 2, forward_bulk_size: Optional[int] = None,
                  backward_bulk_size: Optional[int] = None, **kwargs: Any) -> None:
        """Turn hybrid mode on or off for this block and its descendants. MXNet's options
        are accepted; results never change. ``backend='torch.compile'`` (an mxcompat
        extension) runs the block through ``torch.compile``."""
        if kwargs:
            self._backend_opts = kwargs
        self._backend = backend
        self._active = active
        self._flags = [("static_alloc", static_alloc), ("static_shape", static_shape),
                       ("inline_limit", inline_limit)]
        if forward_bulk_size is not None:
            self._flags.append(("forward_bulk_size", forward_bulk_size))
        if backward_bulk_size is not None:
            self._flags.append(("backward_bulk_size", backward_bulk_size))
        if clear:
            self._clear_cached_op()
        if active and self._forward_hooks or self._forward_pre_hooks:
            warnings.warn(f'"{self}" is being hybridized while still having forward '
                          f'hook/pre-hook. If "{self}" is a child of HybridBlock, the hooks '
                          "will not take effect.", stacklevel=2)
        # as in MXNet, the backend and its options stay with this block (its children run
        # inside its graph)
        for child in self._children.values():
            child.hybridize(active, static_alloc=static_alloc, static_shape=static_shape,
                            inline_limit=inline_limit, forward_bulk_size=forward_bulk_size,
                            backward_bulk_size=backward_bulk_size)

    def optimize_for(self, x: Any, *args: Any, backend: Optional[str] = None,
                     clear: bool = False, partition_if_dynamic: bool = True,
                     static_alloc: bool = False, static_shape: bool = False,
                     inline_limit: int = 2, forward_bulk_size: Optional[int] = None,
                     backward_bulk_size: Optional[int] = None, **kwargs: Any) -> None:
        """Hybridize with ``backend`` and run one forward pass on the inputs."""
        self.hybridize(True, backend=backend, clear=clear, static_alloc=static_alloc,
                       static_shape=static_shape, inline_limit=inline_limit,
                       forward_bulk_size=forward_bulk_size,
                       backward_bulk_size=backward_bulk_size, **kwargs)
        self(x, *args)

    def cast(self, dtype: Any) -> None:
        self._clear_cached_op()
        super().cast(dtype)

    def register_op_hook(self, callback: Callable, monitor_all: bool = False) -> None:
        raise unsupported("HybridBlock.register_op_hook (operator monitors of hybridized "
                          "graphs)", "it arrives with the Symbol API (issue 20)")

    # ---- shapes -----------------------------------------------------------------------
    def infer_shape(self, *args: Any) -> None:
        """Infer the unknown dimensions of this block's parameters from the inputs."""
        found: List[NDArray] = []
        _find_arrays(args, found)
        ctx = found[0].context if found else None
        params: Dict[str, Any] = {}
        for k, v in self._reg_params.items():
            if v._data is None and v._deferred_init:
                params[k] = _Pending(v)
            else:
                params[k] = v.data(ctx)
        with autograd.pause(train_mode=autograd.is_training()):
            self.hybrid_forward(_InferF(nd), *args, **params)

    def infer_type(self, *args: Any) -> None:
        """Give this block's parameters the dtype of the (first) input."""
        found: List[NDArray] = []
        _find_arrays(args, found)
        if found:
            for p in self.collect_params().values():
                p.cast(found[0].dtype)

    def _deferred_infer_shape(self, *args: Any) -> None:
        try:
            self.infer_shape(*args)
        except Exception as e:
            raise MXNetValueError("Deferred initialization failed because shape cannot be "
                                  f"inferred. {e}") from None

    def export(self, path: str, epoch: int = 0, remove_amp_cast: bool = True) -> Tuple[str, str]:
        """Write ``path-symbol.json`` and ``path-NNNN.params`` as MXNet does: the graph of
        ``hybrid_forward`` traced with ``F = mx.sym`` (inputs ``data``, or ``data0``,
        ``data1``, ...) and the parameters under ``arg:`` / ``aux:`` names."""
        if self._in_format is None:
            raise RuntimeError("Please first call block.hybridize() and then run forward with "
                               "this block at least once before calling export.")
        from ._symbolic import export_block
        return export_block(self, path, epoch, remove_amp_cast)

    def _symbolic_graph(self) -> Tuple[list, Any]:
        """(input variables, output symbol) of this block traced with ``F = mx.sym``."""
        from ._symbolic import trace
        return trace(self, self._in_format)

    # ---- running ----------------------------------------------------------------------
    def forward(self, x: Any, *args: Any) -> Any:
        if self._active and not _GRAPH.inside:
            return self._call_hybridized(x, *args)
        if type(x) is NDArray or isinstance(x, NDArray):
            ctx = x._ctx
            if ctx is None:
                ctx = _CPU0 if x._t.is_cpu else x.context
        else:
            found: List[NDArray] = []
            has_symbol = _find_arrays((x,) + args, found)
            if has_symbol:
                from ._symbolic import forward_symbol
                return forward_symbol(self, x, args)
            if not found:
                raise MXNetValueError("In HybridBlock, there must be one NDArray or one Symbol "
                                      "in the input. Please check the type of the args.\n")
            ctx = found[0].context
        dflt = _DEFAULT_CTX
        old = dflt.value
        if old is ctx or (old is None and ctx is _CPU0):
            return self._forward_on(ctx, x, args)  # already the current context
        dflt.value = ctx
        try:
            return self._forward_on(ctx, x, args)
        finally:
            dflt.value = old

    def _forward_on(self, ctx: Context, x: Any, args: tuple) -> Any:
        """``hybrid_forward(mx.nd, x, *args, **params)`` with the parameters on ``ctx``
        (inferring the shapes of deferred ones first)."""
        reg = self._reg_params
        if not reg:
            return self.hybrid_forward(nd, x, *args)
        try:
            params = {}
            for k, v in reg.items():
                d = v._data
                # one default-storage array on this context (the common case): no call
                params[k] = d[0] if d is not None and ctx is v._ctx0 else v.data(ctx)
        except DeferredInitializationError:
            self._deferred_infer_shape(x, *args)
            for v in self.params.values():
                v._finish_deferred_init()
            params = {k: v.data(ctx) for k, v in reg.items()}
        return self.hybrid_forward(nd, x, *args, **params)

    def _call_hybridized(self, x: Any, *args: Any) -> Any:
        """A hybridized call: MXNet's checks of the inputs (arrays or None only, one context,
        the structure of the first call), then the forward pass (compiled if asked), with the
        descendants run as parts of this graph."""
        if not args and type(x) is NDArray:
            fmt: Any = [0]
            found = [x]
        else:
            found = []
            has_symbol = _find_arrays((x,) + args, found)
            if has_symbol:
                from ._symbolic import forward_symbol
                return forward_symbol(self, x, args)
            if not found:
                raise MXNetValueError("In HybridBlock, there must be one NDArray or one Symbol "
                                      "in the input. Please check the type of the args.\n")
            fmt = _input_format((x,) + args)
        ctxs = {a.context for a in found} if len(found) > 1 else ()
        if len(ctxs) > 1:
            raise MXNetValueError(
                "Find multiple contexts in the input, After hybridized, the HybridBlock only "
                "supports one input context. You can print the ele.ctx in the input arguments "
                f"to inspect their contexts. Find all contexts = {ctxs}")
        stored = self._in_format
        if stored is None:
            object.__setattr__(self, "_in_format", fmt)
        elif fmt != stored and not _format_compatible(fmt, stored):
            raise MXNetValueError("The argument structure of HybridBlock does not match the "
                                  f"cached version. Stored format = {fmt}, input format = "
                                  f"{stored}")
        compiled = self._compiled_forward()
        _GRAPH.inside = True
        try:
            if compiled is not None:
                return compiled(x, *args)
            return self.forward(x, *args)
        finally:
            _GRAPH.inside = False

    def _check_one_ctx(self, x: Any, args: tuple) -> None:
        found: List[NDArray] = []
        _find_arrays((x,) + args, found)
        ctxs = {a.context for a in found}
        if len(ctxs) > 1:
            raise MXNetValueError(
                "Find multiple contexts in the input, After hybridized, the HybridBlock only "
                "supports one input context. You can print the ele.ctx in the input arguments "
                f"to inspect their contexts. Find all contexts = {ctxs}")

    def _compiled_forward(self) -> Any:
        """The compiled runner when ``backend='torch.compile'`` (or MXCOMPAT_HYBRIDIZE=compile)
        asks for one; None: run eagerly. Decided once per hybridize()."""
        c = self._compiled
        if c is not None:
            return c or None
        backend = self._backend
        if backend is None:
            wanted = os.environ.get(_COMPILE_ENV, "").lower() == "compile"
        else:
            wanted = backend in _COMPILE_BACKENDS
            if not wanted and backend not in _warned_backends:
                _warned_backends.add(backend)
                warnings.warn(f"hybridize(backend={backend!r}): MXNet's subgraph backends do "
                              "not exist in mxcompat; the block runs as without a backend "
                              "(backend='torch.compile' compiles it)", stacklevel=4)
        if not wanted:
            object.__setattr__(self, "_compiled", False)
            return None
        from ._compile import CompiledBlock
        compiled = CompiledBlock(self, self._backend_opts)
        object.__setattr__(self, "_compiled", compiled)
        return compiled

    def hybrid_forward(self, F: Any, x: Any, *args: Any, **kwargs: Any) -> Any:
        """The computation over ``F``'s ops: override it."""
        raise NotImplementedError


#: hybridize(backend=...) values that select the compiled mode
_COMPILE_BACKENDS = frozenset({"torch.compile", "torch_compile", "inductor"})
#: MXCOMPAT_HYBRIDIZE=compile: every hybridize() without a backend compiles
_COMPILE_ENV = "MXCOMPAT_HYBRIDIZE"
_warned_backends: set = set()


def __getattr__(name: str) -> Any:
    if name == "SymbolBlock":
        from ._symbolic import SymbolBlock
        return SymbolBlock
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# ---- shape rules of the ops Gluon's layers call ---------------------------------------------
def _prod(shape: Sequence[int]) -> int:
    n = 1
    for d in shape:
        n *= int(d)
    return n


@register_shape_rule("FullyConnected", ("data", "weight", "bias"))
def _fc_rule(s: Dict[str, Any], a: Dict[str, Any]) -> Dict[str, tuple]:
    data = s["data"]
    n = int(a["num_hidden"])
    flatten = a.get("flatten", True)
    flatten = flatten if isinstance(flatten, bool) else str(flatten).lower() in ("1", "true")
    units = _prod(data[1:]) if flatten else int(data[-1])
    return {"weight": (n, units), "bias": (n,)}


def _channel_axis(layout: Any, ndim: int) -> int:
    if layout and str(layout).endswith("C"):
        return ndim - 1
    return 1


@register_shape_rule("Convolution", ("data", "weight", "bias"))
def _conv_rule(s: Dict[str, Any], a: Dict[str, Any]) -> Dict[str, tuple]:
    data = s["data"]
    kernel = tuple(a["kernel"]) if not isinstance(a["kernel"], int) else (a["kernel"],)
    nf, ng = int(a["num_filter"]), int(a.get("num_group", 1) or 1)
    layout = a.get("layout")
    c = int(data[_channel_axis(layout, len(data))])
    if layout and str(layout).endswith("C"):
        w = (nf,) + kernel + (c // ng,)
    else:
        w = (nf, c // ng) + kernel
    return {"weight": w, "bias": (nf,)}


@register_shape_rule("Deconvolution", ("data", "weight", "bias"))
def _deconv_rule(s: Dict[str, Any], a: Dict[str, Any]) -> Dict[str, tuple]:
    data = s["data"]
    kernel = tuple(a["kernel"]) if not isinstance(a["kernel"], int) else (a["kernel"],)
    nf, ng = int(a["num_filter"]), int(a.get("num_group", 1) or 1)
    layout = a.get("layout")
    c = int(data[_channel_axis(layout, len(data))])
    if layout and str(layout).endswith("C"):
        w = (c,) + kernel + (nf // ng,)
    else:
        w = (c, nf // ng) + kernel
    return {"weight": w, "bias": (nf,)}


def _per_channel(axis_default: int, names: Sequence[str]) -> Callable[..., Dict[str, tuple]]:
    def rule(s: Dict[str, Any], a: Dict[str, Any]) -> Dict[str, tuple]:
        data = s["data"]
        axis = int(a.get("axis", axis_default))
        c = int(data[axis])
        return {n: (c,) for n in names}
    return rule


_BN_INPUTS = ("data", "gamma", "beta", "moving_mean", "moving_var")
register_shape_rule("BatchNorm", _BN_INPUTS)(_per_channel(1, _BN_INPUTS[1:]))
register_shape_rule("contrib.SyncBatchNorm", _BN_INPUTS)(_per_channel(1, _BN_INPUTS[1:]))
register_shape_rule("InstanceNorm", ("data", "gamma", "beta"))(
    _per_channel(1, ("gamma", "beta")))
register_shape_rule("LayerNorm", ("data", "gamma", "beta"))(
    _per_channel(-1, ("gamma", "beta")))
register_shape_rule("GroupNorm", ("data", "gamma", "beta"))(
    lambda s, a: {"gamma": (int(a.get("num_groups", 1)),), "beta": (int(a.get("num_groups", 1)),)})


@register_shape_rule("LeakyReLU", ("data", "gamma"))
def _prelu_rule(s: Dict[str, Any], a: Dict[str, Any]) -> Dict[str, tuple]:
    data = s["data"]
    return {"gamma": (int(data[1]) if len(data) > 1 else 1,)}


for _op in ("elemwise_add", "elemwise_sub", "elemwise_mul", "elemwise_div"):
    register_shape_rule(_op, ("lhs", "rhs"))(
        lambda s, a: {"lhs": s["rhs"], "rhs": s["lhs"]})
