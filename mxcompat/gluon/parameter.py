"""Gluon parameters: :class:`Parameter`, :class:`Constant` and :class:`ParameterDict`.

A Parameter holds one NDArray per context it was initialized on (``data(ctx)``), and, unless
``grad_req='null'``, a gradient NDArray per context attached through ``mx.autograd`` (so
``autograd.backward`` writes or adds into ``grad(ctx)``). A shape with unknown (0) dimensions
defers initialization until the first forward pass infers them (``allow_deferred_init``).
Names, shapes, printed forms and error messages are MXNet 1.9.1's.
"""
from __future__ import annotations

import warnings
from collections import OrderedDict
from typing import Any, Iterable, List, Optional, Tuple

import numpy as np

from .. import autograd
from .. import initializer
from .. import ndarray as nd
from ..base import (DeferredInitializationError as _BaseDeferred, MXNetAssertionError,
                    MXNetError, MXNetTypeError, MXNetValueError, unsupported)
from ..context import Context, cpu, current_context
from ..ndarray.ndarray import NDArray
from ._util import _brief_print_list, _indent, shape_is_known

__all__ = ["DeferredInitializationError", "Parameter", "Constant", "ParameterDict",
           "tensor_types"]

#: what a Block's forward accepts as arrays (MXNet also lists Symbol, which arrives with
#: the Symbol API)
tensor_types = (NDArray,)

_NAMING_URL = ("https://mxnet.io/api/python/docs/tutorials/packages/gluon/blocks/"
               "naming.html")
_VALID_STYPES = ("default", "row_sparse", "csr")


class DeferredInitializationError(_BaseDeferred):
    """A parameter's initialization waits for the first forward pass to know its shape."""


def _symbol_api(what: str) -> MXNetError:
    return unsupported(what, "it arrives with the Symbol API (issue 20)")


class Parameter:
    """A weight of a Block: an NDArray per context, with its gradient, learning-rate and
    weight-decay multipliers and initializer (see MXNet's ``gluon.Parameter``)."""

    def __init__(self, name: str, grad_req: str = "write", shape: Any = None,
                 dtype: Any = np.float32, lr_mult: float = 1.0, wd_mult: float = 1.0,
                 init: Any = None, allow_deferred_init: bool = False,
                 differentiable: bool = True, stype: str = "default",
                 grad_stype: str = "default"):
        self._var = None
        self._data: Optional[List[NDArray]] = None
        self._grad: Optional[List[NDArray]] = None
        self._ctx_list: Optional[List[Context]] = None
        self._ctx0: Optional[Context] = None  # the one context (data(ctx) fast path)
        self._ctx_map: Optional[List[List[Optional[int]]]] = None
        self._trainer: Any = None
        self._deferred_init: tuple = ()
        self._differentiable = differentiable
        self._allow_deferred_init = allow_deferred_init
        self._grad_req: Optional[str] = None
        if isinstance(shape, int):
            shape = (shape,)
        self._shape = shape
        self.name = name
        self._dtype = dtype
        self.lr_mult = lr_mult
        self.wd_mult = wd_mult
        self.grad_req = grad_req
        self.init = init
        if grad_stype not in _VALID_STYPES:
            raise MXNetAssertionError(
                f"grad_stype for Parameter '{name}' must be one of 'default', 'row_sparse', "
                f"or 'csr', but got '{grad_stype}'")
        if stype not in _VALID_STYPES:
            raise MXNetAssertionError(
                f"stype for Parameter '{name}' must be one of 'default', 'row_sparse', or "
                f"'csr', but got '{stype}'")
        self._grad_stype = grad_stype
        self._stype = stype

    def __repr__(self) -> str:
        return f"Parameter {self.name} (shape={self.shape}, dtype={self.dtype})"

    # ---- attributes -------------------------------------------------------------------
    @property
    def grad_req(self) -> Optional[str]:
        return self._grad_req

    @grad_req.setter
    def grad_req(self, req: str) -> None:
        if req not in ("write", "add", "null"):
            raise MXNetAssertionError(f"grad_req must be one of 'write', 'add', or 'null', "
                                      f"but got '{req}'")
        if not self._differentiable:
            req = "null"
        if self._grad_req == req:
            return
        self._grad_req = req
        if req == "null" and self._grad is not None:
            self._grad = None
            self._data = [d.detach() for d in self._data or []]
        elif self._data is not None:
            self._init_grad()

    @property
    def dtype(self) -> Any:
        """The parameter's data type as given (setting it casts the parameter)."""
        return self._dtype

    @dtype.setter
    def dtype(self, dtype: Any) -> None:
        self.cast(dtype)

    @property
    def shape(self) -> Any:
        """The parameter's shape; 0 marks a dimension not known yet."""
        return self._shape

    @shape.setter
    def shape(self, new_shape: Any) -> None:
        if self._shape is None:
            self._shape = new_shape
            return
        if len(self._shape) != len(new_shape) or \
                not all(j in (-1, 0, i) for i, j in zip(new_shape, self._shape)):
            raise MXNetAssertionError(f"Expected shape {new_shape} is incompatible with given "
                                      f"shape {self._shape}.")
        self._shape = new_shape

    @property
    def stype(self) -> str:
        return self._stype

    @property
    def grad_stype(self) -> str:
        return self._grad_stype

    def _set_trainer(self, trainer: Any) -> None:
        """Associate the Trainer that updates this parameter (one per sparse parameter)."""
        if self._stype != "default" and self._trainer and trainer and \
                self._trainer is not trainer:
            raise MXNetError(
                f"Failed to set the trainer for Parameter '{self.name}' because it was "
                f"already set. More than one trainers for a {self._stype} Parameter is not "
                "supported.")
        self._trainer = trainer

    # ---- access -----------------------------------------------------------------------
    def _check_and_get(self, arr_list: Optional[List[NDArray]], ctx: Any) -> Any:
        if arr_list is not None:
            if ctx is list:
                return arr_list
            if ctx is None:
                if len(arr_list) == 1:
                    return arr_list[0]
                ctx = current_context()
            ctx_list = self._ctx_map[ctx.device_typeid & 1]  # type: ignore[index]
            if ctx.device_id < len(ctx_list):
                idx = ctx_list[ctx.device_id]
                if idx is not None:
                    return arr_list[idx]
            raise MXNetError(f"Parameter '{self.name}' was not initialized on context {ctx}. "
                             f"It was only initialized on {self._ctx_list}.")
        if self._deferred_init:
            raise DeferredInitializationError(
                f"Parameter '{self.name}' has not been initialized yet because initialization "
                "was deferred. Actual initialization happens during the first forward pass. "
                "Please pass one batch of data through the network before accessing "
                "Parameters. You can also avoid deferred initialization by specifying "
                "in_units, num_features, etc., for network layers.")
        raise MXNetError(
            f"Parameter '{self.name}' has not been initialized. Note that you should "
            "initialize parameters and create Trainer with Block.collect_params() instead of "
            "Block.params because the later does not include Parameters of nested child "
            "Blocks")

    def data(self, ctx: Optional[Context] = None) -> NDArray:
        """The parameter's NDArray on ``ctx`` (the only one, or the current context's)."""
        if self._stype != "default":
            raise MXNetError(
                f"Cannot return a copy of Parameter '{self.name}' on ctx {ctx} via data() "
                f"because its storage type is {self._stype}. Please use row_sparse_data() "
                "instead.")
        d = self._data
        if d is not None and (ctx is None or ctx is self._ctx0) and len(d) == 1:
            return d[0]
        return self._check_and_get(d, ctx)

    def list_data(self) -> List[NDArray]:
        """The parameter's NDArrays on all its contexts, in initialization order."""
        if self._stype != "default":
            raise MXNetError(
                f"Cannot return copies of Parameter '{self.name}' on all contexts via "
                f"list_data() because its storage type is {self._stype}. Please use "
                "row_sparse_data() instead.")
        return self._check_and_get(self._data, list)

    def _get_row_sparse(self, arr_list: Any, ctx: Any, row_id: Any) -> Any:
        if not isinstance(row_id, NDArray):
            raise MXNetTypeError(f"row_id must have NDArray type, but {type(row_id)} is given")
        if not self._trainer:
            raise MXNetError(f"Cannot get row_sparse data for Parameter '{self.name}' when no "
                             "Trainer is created with it.")
        results = self._check_and_get(arr_list, ctx)
        self._trainer._row_sparse_pull(self, results, row_id)
        return results

    def row_sparse_data(self, row_id: NDArray) -> Any:
        """The rows ``row_id`` of a row_sparse parameter, on row_id's context."""
        if self._stype != "row_sparse":
            raise MXNetError(
                f"Cannot return a copy of Parameter {self.name} via row_sparse_data() because "
                f"its storage type is {self._stype}. Please use data() instead.")
        return self._get_row_sparse(self._data, row_id.context, row_id)

    def list_row_sparse_data(self, row_id: NDArray) -> Any:
        """The rows ``row_id`` of a row_sparse parameter, on all its contexts."""
        if self._stype != "row_sparse":
            raise MXNetError(
                f"Cannot return copies of Parameter '{self.name}' on all contexts via "
                f"list_row_sparse_data() because its storage type is {self._stype}. Please "
                "use data() instead.")
        return self._get_row_sparse(self._data, list, row_id)

    def grad(self, ctx: Optional[Context] = None) -> NDArray:
        """The gradient buffer on ``ctx`` (what backward writes or adds into)."""
        g = self._grad
        if g is not None and self._grad_stype != "default":
            self._fresh_sparse(g)
        if g is not None and ctx is None and len(g) == 1:
            return g[0]
        if self._data is not None and g is None:
            raise MXNetError(f"Cannot get gradient array for Parameter '{self.name}' because "
                             "grad_req='null'")
        return self._check_and_get(g, ctx)

    def list_grad(self) -> List[NDArray]:
        """The gradient buffers on all contexts, in initialization order."""
        if self._data is not None and self._grad is None:
            raise MXNetError(f"Cannot get gradient array for Parameter '{self.name}' because "
                             "grad_req='null'")
        if self._grad is not None and self._grad_stype != "default":
            self._fresh_sparse(self._grad)
        return self._check_and_get(self._grad, list)

    def list_ctx(self) -> List[Context]:
        """The contexts this parameter is (or, deferred, will be) initialized on."""
        if self._data is None:
            if self._deferred_init:
                return self._deferred_init[1]
            raise MXNetError(f"Parameter '{self.name}' has not been initialized")
        return self._ctx_list  # type: ignore[return-value]

    def zero_grad(self) -> None:
        """Set the gradient buffers to 0 (nothing to do without gradients)."""
        if self._grad is None:
            return
        for g in self._grad:
            g[:] = 0

    def var(self) -> Any:
        """The parameter as a Symbol variable (made once, with its shape, dtype, lr/wd
        multipliers, initializer and storage type as attributes)."""
        if self._var is None:
            from ..symbol import var
            self._var = var(self.name, shape=self.shape, dtype=self.dtype,
                            lr_mult=self.lr_mult, wd_mult=self.wd_mult, init=self.init,
                            stype=self._stype)
        return self._var

    # ---- initialization ---------------------------------------------------------------
    def initialize(self, init: Any = None, ctx: Any = None,
                   default_init: Any = initializer.Uniform(), force_reinit: bool = False) -> None:
        """Create the data (and gradient) arrays on ``ctx`` (a Context or a list; by default
        the current context), filled by ``init``, else ``self.init``, else ``default_init``.
        A shape with unknown dimensions defers this to the first forward pass."""
        if self._data is not None and not force_reinit:
            warnings.warn(f"Parameter '{self.name}' is already initialized, ignoring. Set "
                          "force_reinit=True to re-initialize.", stacklevel=2)
            return
        self._data = self._grad = None
        if ctx is None:
            ctx = [current_context()]
        if isinstance(ctx, Context):
            ctx = [ctx]
        if init is None:
            init = default_init if self.init is None else self.init
        if not shape_is_known(self.shape):
            if self._allow_deferred_init:
                self._deferred_init = (init, ctx, default_init, None)
                return
            raise MXNetValueError(f"Cannot initialize Parameter '{self.name}' because it has "
                                  f"invalid shape: {self.shape}.")
        self._deferred_init = (init, ctx, default_init, None)
        self._finish_deferred_init()

    def _finish_deferred_init(self) -> None:
        if not self._deferred_init:
            return
        init, ctx, default_init, data = self._deferred_init
        self._deferred_init = ()
        if not shape_is_known(self.shape):
            raise MXNetAssertionError(
                f"Cannot initialize Parameter '{self.name}' because it has invalid shape: "
                f"{self.shape}. Please specify in_units, in_channels, etc for `Block`s.")
        with autograd.pause():
            if data is None:
                data = nd.zeros(shape=self.shape, dtype=self.dtype, ctx=cpu())
                initializer.create(default_init)(
                    initializer.InitDesc(self.name, {"__init__": init}), data)
            self._init_impl(data, ctx)

    def _init_impl(self, data: NDArray, ctx_list: Iterable[Context]) -> None:
        self._ctx_list = list(ctx_list)
        self._ctx0 = self._ctx_list[0] if len(self._ctx_list) == 1 and \
            self._stype == "default" else None
        self._ctx_map = [[], []]
        for i, ctx in enumerate(self._ctx_list):
            dev_list = self._ctx_map[ctx.device_typeid & 1]
            while len(dev_list) <= ctx.device_id:
                dev_list.append(None)
            dev_list[ctx.device_id] = i
        self._data = [data.copyto(ctx) for ctx in self._ctx_list]
        self._init_grad()

    def _init_grad(self) -> None:
        if self.grad_req == "null" or self._data is None:
            self._grad = None
            return
        if self._grad_stype == "default":
            self._grad = [nd.zeros(shape=d.shape, dtype=d.dtype, ctx=d.context)
                          for d in self._data]
        else:
            self._grad = [nd.sparse.zeros(self._grad_stype, d.shape, ctx=d.context,
                                          dtype=d.dtype) for d in self._data]
        autograd.mark_variables(self._data, self._grad, self.grad_req)

    def _fresh_sparse(self, grads: List[NDArray]) -> None:
        # a sparse gradient's stored rows follow its values: backward may have given the
        # buffer a new tensor (whose version counter can equal the old one's), so the
        # pattern is recomputed from the values the next time it is read
        for g in grads:
            g._ver = -1  # type: ignore[attr-defined]

    def _check_load(self, data: NDArray, ctx: Any, cast_dtype: bool,
                    dtype_source: str) -> None:
        """Raise MXNet's error if ``data`` cannot be loaded into this parameter (nothing is
        changed; ``_load_init`` then cannot fail)."""
        if cast_dtype and dtype_source not in ("current", "saved"):
            raise MXNetAssertionError(f"dtype_source must be 'current' or 'saved', got "
                                      f"{dtype_source!r}")
        if self.shape:
            for self_dim, data_dim in zip(self.shape, data.shape):
                if self_dim not in (0, data_dim):
                    raise MXNetAssertionError(
                        f"Failed loading Parameter '{self.name}' from saved params: shape "
                        f"incompatible expected {self.shape} vs saved {data.shape}")
            if len(self.shape) != len(data.shape):  # what MXNet's shape setter then says
                merged = tuple(j if i == 0 else i for i, j in zip(self.shape, data.shape))
                raise MXNetAssertionError(f"Expected shape {merged} is incompatible with given "
                                          f"shape {self.shape}.")
        if self.dtype and not cast_dtype and np.dtype(self.dtype).type != data.dtype:
            raise MXNetAssertionError(
                f"Failed loading Parameter '{self.name}' from saved params: dtype incompatible "
                f"expected {self.dtype} vs saved {data.dtype}. Set cast_dtype=True to cast the "
                "dtype of saved params.")
        if isinstance(ctx, Context):
            ctx = [ctx]
        if self._data is None:
            if self._deferred_init and ctx is not None and \
                    set(ctx) != set(self._deferred_init[1]):
                raise MXNetAssertionError(
                    f"Failed to load Parameter '{self.name}' on {ctx} because it was previous "
                    f"initialized on {self.list_ctx()}.")
        elif ctx is not None and set(ctx) != set(self.list_ctx()):
            raise MXNetAssertionError(
                f"Failed to load Parameter '{self.name}' on {ctx} because it was previous "
                f"initialized on {self.list_ctx()}.")

    def _load_init(self, data: NDArray, ctx: Any, cast_dtype: bool = False,
                   dtype_source: str = "current") -> None:
        """(Re)initialize from loaded ``data`` on ``ctx`` (or where it already lives)."""
        self._check_load(data, ctx, cast_dtype, dtype_source)
        if self.shape:
            self.shape = tuple(j if i == 0 else i for i, j in zip(self.shape, data.shape))
        if self.dtype and cast_dtype and np.dtype(self.dtype).type != data.dtype:
            if dtype_source == "current":
                data = data.astype(self.dtype, copy=False)
            else:
                self.dtype = data.dtype
        if isinstance(ctx, Context):
            ctx = [ctx]
        if self._data is None:
            if self._deferred_init:
                ctx = self._deferred_init[1]
            elif ctx is None:
                ctx = [cpu()]
            with autograd.pause():
                self._init_impl(data, ctx)
        else:
            self.set_data(data)
        self._deferred_init = ()

    def reset_ctx(self, ctx: Any) -> None:
        """Move the parameter to other context(s) (its value is kept)."""
        if ctx is None:
            ctx = [current_context()]
        if isinstance(ctx, Context):
            ctx = [ctx]
        if self._data:
            data = self._reduce()
            with autograd.pause():
                self._init_impl(data, ctx)
        elif self._deferred_init:
            init, _, default_init, data = self._deferred_init
            self._deferred_init = (init, ctx, default_init, data)
        else:
            raise MXNetValueError(f"Cannot reset context for Parameter '{self.name}' because "
                                  "it has not been initialized.")

    def set_data(self, data: Any) -> None:
        """Set the value on all contexts (deferred parameters keep it for their
        initialization)."""
        self.shape = data.shape
        if self._data is None:
            if not self._deferred_init:
                raise MXNetAssertionError(f"Parameter '{self.name}' has not been initialized")
            self._deferred_init = self._deferred_init[:3] + (data,)
            return
        trainer = self._trainer
        if trainer is not None and getattr(trainer, "_kv_initialized", False) and \
                getattr(trainer, "_update_on_kvstore", False):
            if self not in getattr(trainer, "_params_to_init", ()):
                trainer._reset_kvstore()
        with autograd.pause():
            for arr in self._data:
                arr[:] = data

    def _reduce(self) -> NDArray:
        """The value on cpu(0): the mean over contexts."""
        ctx = cpu()
        if self._stype != "default":
            # a row_sparse parameter: every row, from the trainer's kvstore (as MXNet)
            if not self._trainer:
                raise MXNetError(f"Cannot reduce row_sparse Parameter '{self.name}' when no "
                                 "Trainer is created with it.")
            all_rows = nd.arange(0, self.shape[0], dtype="int64", ctx=ctx)
            data = nd.zeros(self.shape, stype="row_sparse", ctx=ctx)
            self._trainer._row_sparse_pull(self, data, all_rows, full_idx=True)
            return data
        block = self.list_data()
        if len(block) > 1:
            return nd.add_n(*(w.copyto(ctx) for w in block)) / len(block)
        return block[0].copyto(ctx)

    def cast(self, dtype: Any) -> None:
        """Cast the data and gradient to ``dtype``."""
        self._dtype = dtype
        if self._data is None:
            return
        with autograd.pause():
            self._data = [d.astype(dtype) for d in self._data]
            if self._grad is None:
                return
            self._grad = [g.astype(dtype) for g in self._grad]
            autograd.mark_variables(self._data, self._grad, self.grad_req)


class Constant(Parameter):
    """A parameter that training leaves alone (``grad_req`` is always 'null'); its value can
    still be changed with ``set_data``."""

    def __init__(self, name: str, value: Any):
        if not isinstance(value, NDArray):
            value = nd.array(value)
        self.value = value
        const = value

        class Init(initializer.Initializer):
            def _init_weight(self, _: Any, arr: NDArray) -> None:
                const.copyto(arr)

        init_name = f"Constant_{name}_{id(self)}"
        initializer.alias(init_name)(Init)
        super().__init__(name, grad_req="null", shape=value.shape, dtype=value.dtype,
                         init=init_name)

    def __repr__(self) -> str:
        return f"Constant {self.name} (shape={self.shape}, dtype={self.dtype})"

    @property  # type: ignore[override]
    def grad_req(self) -> str:
        return "null"

    @grad_req.setter
    def grad_req(self, req: str) -> None:
        if req != "null":
            warnings.warn(f'Constant parameter "{self.name}" does not support grad_req other '
                          f'than "null", and new value "{req}" is ignored.', stacklevel=2)


def _shape_merge(want: Any, have: Any) -> Optional[tuple]:
    """The shape both ``want`` and ``have`` describe (0/-1: unknown), or None."""
    if len(want) != len(have):
        return None
    out = []
    for a, b in zip(want, have):
        if a != b and a > 0 and b > 0:
            return None
        out.append(b if a in (0, -1) else a)
    return tuple(out)


class ParameterDict:
    """An ordered dict of Parameters whose ``get`` creates them under ``prefix`` (or takes
    them from the ``shared`` dict, which is how Blocks share weights)."""

    def __init__(self, prefix: str = "", shared: Optional["ParameterDict"] = None):
        self._prefix = prefix
        self._params: "OrderedDict[str, Parameter]" = OrderedDict()
        self._shared = shared

    def __repr__(self) -> str:
        name = self._prefix + " " if self._prefix else ""
        content = "\n".join(_indent(f"  {v}", 2) for v in self.values())
        return f"{name}(\n{content}\n)"

    def __getitem__(self, key: str) -> Parameter:
        return self._params[key]

    def __iter__(self) -> Any:
        return iter(self._params)

    def __len__(self) -> int:
        return len(self._params)

    def __contains__(self, key: object) -> bool:
        return key in self._params

    def items(self) -> Any:
        return self._params.items()

    def keys(self) -> Any:
        return self._params.keys()

    def values(self) -> Any:
        return self._params.values()

    @property
    def prefix(self) -> str:
        """What ``get`` puts before the names of the parameters it creates."""
        return self._prefix

    def _get_impl(self, name: str) -> Optional[Parameter]:
        if name in self._params:
            return self._params[name]
        if self._shared is not None and name in self._shared._params:
            self._params[name] = self._shared._params[name]
            return self._shared._params[name]
        return None

    def get(self, name: str, **kwargs: Any) -> Parameter:
        """The parameter ``prefix + name``: existing here or in the shared dict (its
        attributes must agree with ``kwargs``), else a new ``Parameter(**kwargs)``."""
        name = self.prefix + name
        param = self._get_impl(name)
        if param is None:
            param = Parameter(name, **kwargs)
            self._params[name] = param
            return param
        for k, v in kwargs.items():
            if hasattr(param, k) and getattr(param, k) is not None:
                existing = getattr(param, k)
                if k == "shape" and v is not None and len(v) == len(existing):
                    merged = _shape_merge(v, existing)
                    if merged is not None:
                        param._shape = merged
                        continue
                elif k == "dtype" and np.dtype(v) == np.dtype(existing):
                    continue
                if v is not None and v != existing:
                    raise MXNetAssertionError(
                        f"Cannot retrieve Parameter '{name}' because desired attribute does "
                        f"not match with stored for attribute '{k}': desired '{v}' vs stored "
                        f"'{getattr(param, k)}'.")
            else:
                setattr(param, k, v)
        return param

    def get_constant(self, name: str, value: Any = None) -> "Constant":
        """The Constant ``prefix + name``, created with ``value`` if it does not exist."""
        name = self.prefix + name
        param = self._get_impl(name)
        if param is None:
            if value is None:
                from ..base import MXNetKeyError
                raise MXNetKeyError(f"No constant named '{name}'. Please specify value if you "
                                    "want to create a new constant.")
            param = Constant(name, value)
            self._params[name] = param
        elif value is not None:
            if not isinstance(param, Constant):
                raise MXNetAssertionError(f"Parameter '{name}' already exists but it is not a "
                                          "constant.")
            if isinstance(value, NDArray):
                value = value.asnumpy()
            value = np.asarray(value)
            if param.shape != value.shape or not (param.value.asnumpy() == value).all():
                raise MXNetAssertionError(f"Constant '{name}' already exists but it's value "
                                          "doesn't match new value")
        return param  # type: ignore[return-value]

    def update(self, other: Any) -> None:
        """Add the parameters of ``other`` (a name clash with a different one is an error)."""
        for k, v in other.items():
            if k in self._params and self._params[k] is not v:
                raise MXNetAssertionError(
                    "Cannot update self with other because they have different Parameters "
                    f"with the same name '{k}'")
        for k, v in other.items():
            self._params[k] = v

    def initialize(self, init: Any = initializer.Uniform(), ctx: Any = None,
                   verbose: bool = False, force_reinit: bool = False) -> None:
        """Initialize every parameter (``init`` is the default for those without their
        own ``init``)."""
        if verbose:
            init.set_verbosity(verbose=verbose)
        for v in self.values():
            v.initialize(None, ctx, init, force_reinit=force_reinit)

    def zero_grad(self) -> None:
        """Set every gradient buffer to 0."""
        for p in self.values():
            if p.grad_req == "null" or p._grad is None:
                continue
            for g in p._grad:
                g[:] = 0

    def reset_ctx(self, ctx: Any) -> None:
        """Move every parameter to other context(s)."""
        for p in self.values():
            p.reset_ctx(ctx)

    def list_ctx(self) -> List[Context]:
        """Every context any of the parameters is on."""
        s: set = set()
        for p in self.values():
            s.update(p.list_ctx())
        return list(s)

    def setattr(self, name: str, value: Any) -> None:
        """Set attribute ``name`` (``grad_req``, ``lr_mult``, ...) of every parameter."""
        for p in self.values():
            setattr(p, name, value)

    def save(self, filename: str, strip_prefix: str = "") -> None:
        """Save to a ``.params`` file under the parameters' names less ``strip_prefix``."""
        arg_dict = {}
        for param in self.values():
            if not param.name.startswith(strip_prefix):
                raise MXNetValueError(
                    f"Prefix '{strip_prefix}' is to be striped before saving, but Parameter's "
                    f"name '{param.name}' does not start with '{strip_prefix}'. this may be due "
                    "to your Block shares parameters from other Blocks or you forgot to use "
                    "'with name_scope()' when creating child blocks. For more info on naming, "
                    f"please see {_NAMING_URL}")
            arg_dict[param.name[len(strip_prefix):]] = param._reduce()
        nd.save(filename, arg_dict)

    def load(self, filename: str, ctx: Any = None, allow_missing: bool = False,
             ignore_extra: bool = False, restore_prefix: str = "", cast_dtype: bool = False,
             dtype_source: str = "current") -> None:
        """Load from a ``.params`` file (names get ``restore_prefix`` in front). Every check
        runs before anything is loaded: an error leaves the parameters as they were."""
        if restore_prefix:
            for name in self.keys():
                if not name.startswith(restore_prefix):
                    raise MXNetAssertionError(
                        f"restore_prefix is '{restore_prefix}' but Parameters name '{name}' "
                        f"does not start with '{restore_prefix}'. For more info on naming, "
                        f"please see {_NAMING_URL}")
        loaded = nd.load(filename)
        self.load_dict(loaded, ctx, allow_missing, ignore_extra, restore_prefix, filename,
                       cast_dtype, dtype_source)

    def load_dict(self, param_dict: Any, ctx: Any = None, allow_missing: bool = False,
                  ignore_extra: bool = False, restore_prefix: str = "",
                  filename: Optional[str] = None, cast_dtype: bool = False,
                  dtype_source: str = "current") -> None:
        """Load from a ``{name: NDArray}`` dict (``arg:``/``aux:`` prefixes dropped)."""
        lprefix = len(restore_prefix)
        items = param_dict.items() if isinstance(param_dict, dict) else param_dict
        loaded = [(k[4:] if k.startswith(("arg:", "aux:")) else k, v) for k, v in items]
        arg_dict = {restore_prefix + k: v for k, v in loaded}
        where = f"file: {filename}" if filename else "param_dict"
        if not allow_missing:
            for name in self.keys():
                if name not in arg_dict:
                    raise MXNetAssertionError(
                        f"Parameter '{name[lprefix:]}' is missing in {where}, which contains "
                        f"parameters: {_brief_print_list(arg_dict.keys())}. Please make sure "
                        "source and target networks have the same prefix.For more info on "
                        f"naming, please see {_NAMING_URL}")
        todo: List[Tuple[Parameter, NDArray]] = []
        for name, value in arg_dict.items():
            if name not in self._params:
                if not ignore_extra:
                    raise MXNetAssertionError(
                        f"Parameter '{name[lprefix:]}' loaded from {where} is not present in "
                        f"ParameterDict, choices are: {_brief_print_list(self._params.keys())}. "
                        "Set ignore_extra to True to ignore. Please make sure source and target "
                        "networks have the same prefix.For more info on naming, please see "
                        f"{_NAMING_URL}")
                continue
            param = self._params[name]
            param._check_load(value, ctx, cast_dtype, dtype_source)
            todo.append((param, value))
        for param, value in todo:
            param._load_init(value, ctx, cast_dtype=cast_dtype, dtype_source=dtype_source)

