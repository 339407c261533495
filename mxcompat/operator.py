"""``mx.operator``: MXNet 1.9.1's Python custom operators, run by ``mx.nd.Custom``.

A custom operator is two classes, as in MXNet::

    class Square(mx.operator.CustomOp):
        def forward(self, is_train, req, in_data, out_data, aux):
            self.assign(out_data[0], req[0], in_data[0] * in_data[0])

        def backward(self, req, out_grad, in_data, out_data, in_grad, aux):
            self.assign(in_grad[0], req[0], 2 * in_data[0] * out_grad[0])

    @mx.operator.register("square")
    class SquareProp(mx.operator.CustomOpProp):
        def create_operator(self, ctx, shapes, dtypes):
            return Square()

    y = mx.nd.Custom(x, op_type="square")

How ``mx.nd.Custom`` runs one call (the order MXNet 1.9.1 uses): the property class is built
with the call's keyword arguments converted to strings; ``declare_backward_dependency``,
``infer_shape``, ``infer_type`` and ``infer_storage_type`` are asked in that order; then
``create_operator(ctx, shapes, dtypes)`` (shapes and MXNet type flags of the arguments then
the auxiliary states) gives the operator, whose ``forward`` fills output arrays allocated from
the inferred shapes and types. While ``mx.autograd`` records, the call is one
``torch.autograd.Function`` whose backward calls the operator's ``backward`` with NDArrays.

Differences from MXNet (which runs these callbacks on its engine threads, asynchronously):
errors raised by the callbacks surface at the ``Custom`` call (or at ``backward``) as
``MXNetError`` chained to the original exception; output and gradient buffers start as zeros
(MXNet leaves them uninitialised, or passes the variable's gradient buffer); out_grad arrays a
property does not declare as backward dependencies (``need_top_grad=False``) are zeros (MXNet
passes empty arrays that cannot be read).
"""
from __future__ import annotations

import collections
import warnings
from typing import Any, Dict, List, Optional, Sequence

import torch

from . import _dtypes
from ._state import STATE
from .base import MXNetError, MXNetTypeError, MXNetValueError, unsupported

__all__ = ["CustomOp", "CustomOpProp", "register", "get_all_registered_operators",
           "get_operator_arguments", "OperatorArguments"]

_REQ = ("null", "write", "inplace", "add")


class CustomOp:
    """Base class of operators written in Python: override ``forward`` and ``backward``."""

    def __init__(self) -> None:
        pass

    def forward(self, is_train: Any, req: List[str], in_data: List[Any], out_data: List[Any],
                aux: List[Any]) -> None:
        """Write the outputs into ``out_data`` (NDArrays) following ``req`` (``'write'``...);
        ``self.assign(dst, req, src)`` does that. ``is_train`` is 1 in training mode, else 0."""

    def backward(self, req: List[str], out_grad: List[Any], in_data: List[Any],
                 out_data: List[Any], in_grad: List[Any], aux: List[Any]) -> None:
        """Write the input gradients into ``in_grad`` following ``req`` (``'null'``: skip,
        ``'write'``/``'inplace'``: overwrite, ``'add'``: accumulate)."""

    def assign(self, dst: Any, req: str, src: Any) -> None:
        """Store ``src`` into ``dst`` as ``req`` says: 'null' does nothing, 'write' and
        'inplace' overwrite, 'add' adds."""
        if req == "null":
            return
        if req in ("write", "inplace"):
            dst[:] = src
        elif req == "add":
            dst[:] += src


class CustomOpProp:
    """Base class of a custom operator's property: its arguments, outputs, auxiliary states,
    shape/type inference, backward dependencies, and the operator it creates.

    ``need_top_grad=False`` (loss heads) declares that backward does not read ``out_grad``.
    """

    def __init__(self, need_top_grad: bool = True) -> None:
        self.need_top_grad_ = need_top_grad

    def infer_shape(self, in_shape: List[List[int]]) -> Any:
        """(argument shapes, output shapes[, aux shapes]); by default every output has the
        first argument's shape and there are no aux shapes."""
        return in_shape, (in_shape[0],) * len(self.list_outputs()), ()

    def infer_type(self, in_type: List[Any]) -> Any:
        """(argument types, output types[, aux types]) as NumPy type classes; by default all
        take the first argument's type."""
        return (in_type, [in_type[0]] * len(self.list_outputs()),
                [in_type[0]] * len(self.list_auxiliary_states()))

    def infer_storage_type(self, in_stype: List[str]) -> Any:
        """(argument stypes, output stypes[, aux stypes]); the default accepts dense inputs
        only and makes everything 'default'."""
        for i, stype in enumerate(in_stype):
            assert stype == "default", (
                "Default infer_storage_type implementation doesnt allow non default stypes: "
                f"found non default stype '{stype}' for in_stype[{i}]. Please implement "
                "infer_storage_type and infer_storage_type_backward interface in your custom "
                "operator if you have non-default input/output stypes")
        return (in_stype, ["default"] * len(self.list_outputs()),
                ["default"] * len(self.list_auxiliary_states()))

    def infer_storage_type_backward(self, ograd_stype: List[str], in_stype: List[str],
                                    out_stype: List[str], igrad_stype: List[str],
                                    aux_stype: List[str]) -> Any:
        """The storage types of the backward pass: all 'default' (mxcompat's custom ops are
        dense; this is not called)."""
        lists = [ograd_stype, in_stype, out_stype, igrad_stype, aux_stype]
        return tuple(["default"] * len(s) for s in lists)

    def list_outputs(self) -> List[str]:
        return ["output"]

    def list_arguments(self) -> List[str]:
        return ["data"]

    def list_auxiliary_states(self) -> List[str]:
        return []

    def declare_backward_dependency(self, out_grad: List[int], in_data: List[int],
                                    out_data: List[int]) -> List[int]:
        """Ids of the arrays backward reads: out_grad (unless need_top_grad is False),
        in_data and out_data."""
        deps: List[int] = []
        if self.need_top_grad_:
            deps.extend(out_grad)
        deps.extend(in_data)
        deps.extend(out_data)
        return deps

    def create_operator(self, ctx: Any, in_shapes: List[List[int]],
                        in_dtypes: List[int]) -> CustomOp:
        """The operator doing the computation, for this context, these input shapes and these
        input type flags (0 float32, 1 float64, 2 float16, 3 uint8, 4 int32, 5 int8,
        6 int64, 7 bool)."""
        return CustomOp()


#: op_type -> property class
_REGISTRY: Dict[str, type] = {}


def register(reg_name: str) -> Any:
    """Class decorator registering a :class:`CustomOpProp` subclass as ``op_type=reg_name``
    for ``mx.nd.Custom``. Registering a name again replaces the earlier class (with a
    warning, as MXNet logs one)."""
    def do_register(prop_cls: type) -> type:
        name = str(reg_name)
        if name in _REGISTRY and _REGISTRY[name] is not prop_cls:
            warnings.warn("New registration is overriding existing custom operator " + name,
                          stacklevel=2)
        _REGISTRY[name] = prop_cls
        return prop_cls
    return do_register


register("custom_op")(CustomOpProp)


def get_all_registered_operators() -> List[str]:
    """The names of MXNet 1.9.1's registered (C++) operators, as MXNet lists them (custom
    operators are not among them)."""
    from ._op_names import OP_NAMES
    return list(OP_NAMES)


OperatorArguments = collections.namedtuple("OperatorArguments", ["narg", "names", "types"])


def get_operator_arguments(op_name: str) -> Any:
    """(narg, names, types) of an operator's arguments. mxcompat knows them for ``Custom``;
    for other MXNet operators this raises MXNetError saying it is unsupported."""
    if op_name == "Custom":
        return OperatorArguments(narg=2, names=["data", "op_type"],
                                 types=["NDArray-or-Symbol[]", "string"])
    from ._op_names import OP_NAMES
    if op_name not in OP_NAMES:
        raise MXNetError(f"Check failed: op != nullptr: Operator {op_name} is not registered")
    raise unsupported(f"mx.operator.get_operator_arguments({op_name!r})",
                      "argument tables are only known for 'Custom'")


_LEGACY = ("PythonOp", "NumpyOp", "NDArrayOp")


def __getattr__(name: str) -> Any:
    if name in _LEGACY:
        raise unsupported(f"mx.operator.{name}", "the deprecated pre-CustomOp interface; "
                          "write a CustomOp/CustomOpProp pair instead", attribute=True)
    raise AttributeError(f"module 'mxcompat.operator' has no attribute {name!r}")


# ---- running a custom op: mx.nd.Custom -------------------------------------------------------
def _fail(where: str, exc: BaseException) -> MXNetError:
    err = MXNetError(f"Custom: Error in {where}: {type(exc).__name__}: {exc}")
    err.__cause__ = exc
    return err


def _call(where: str, fn: Any, /, *args: Any, **kwargs: Any) -> Any:
    """Run a user callback; its exception becomes an MXNetError naming the callback."""
    try:
        return fn(*args, **kwargs)
    except MXNetError:
        raise
    except Exception as e:  # noqa: BLE001 - a user callback: report it as MXNet does
        raise _fail(where, e) from e


def _names(where: str, fn: Any) -> List[str]:
    res = _call(where, fn)
    try:
        return [str(n) for n in res]
    except TypeError as e:
        raise _fail(where, e) from e


def _split(where: str, ret: Any, counts: Sequence[int], what: str) -> List[list]:
    """Validate an infer_* result: 2 or 3 lists with the declared numbers of entries."""
    try:
        ret = list(ret)
    except TypeError as e:
        raise _fail(where, e) from e
    if len(ret) == 2:
        ret.append([])
    elif len(ret) != 3:
        raise _fail(where, AssertionError(f"{where.split('.')[-1]} must return 2 or 3 lists"))
    kinds = ("input", "output", "aux state")
    out = [list(r) for r in ret]
    for lst, n, kind in ((out[1], counts[1], kinds[1]), (out[0], counts[0], kinds[0]),
                         (out[2], counts[2], kinds[2])):
        if len(lst) != n:
            title = "InferShape" if what == "shapes" else "InferType"
            raise _fail(where, AssertionError(
                f"{title} Error: expecting {n} entries in returned {kind} {what}, got "
                f"{len(lst)}."))
    return out


def _shape(where: str, s: Any) -> tuple:
    try:
        return tuple(int(d) for d in s)
    except (TypeError, ValueError) as e:
        raise _fail(where, e) from e


def _np_type(where: str, t: Any) -> torch.dtype:
    # MXNet looks the returned types up among the NumPy scalar type classes
    if isinstance(t, type) and t in _dtypes.NP_TO_TORCH:
        return _dtypes.NP_TO_TORCH[t]
    raise _fail(where, KeyError(t))


def _check_inputs(op_type: str, data: Sequence[Any]) -> None:
    from .ndarray.ndarray import NDArray
    for i, d in enumerate(data):
        if not isinstance(d, NDArray):
            raise MXNetTypeError(f"Custom ({op_type}): input {i} must be an NDArray, got "
                                 f"{type(d).__name__}")


def _shape_str(s: Sequence[int]) -> str:
    return "[" + ",".join(str(int(d)) for d in s) + "]"


class _Plan:
    """Everything decided before forward runs: the property, the operator, output types."""

    def __init__(self, op_type: str, data: Sequence[Any], kwargs: Dict[str, Any]):
        if op_type not in _REGISTRY:
            raise MXNetValueError(f"Custom: Check failed: CustomOperator::Get()->Find("
                                  f"params.op_type) != nullptr: Cannot find custom operator "
                                  f"{op_type}")
        self.op_type = op_type
        cls = _REGISTRY[op_type]
        # MXNet passes every keyword argument to the property as a string
        skw = {str(k): str(v) for k, v in kwargs.items()}
        prop = _call(f"{op_type}.__init__", cls, **skw)
        self.prop = prop
        args = _names(f"{op_type}.list_arguments", prop.list_arguments)
        outs = _names(f"{op_type}.list_outputs", prop.list_outputs)
        auxs = _names(f"{op_type}.list_auxiliary_states", prop.list_auxiliary_states)
        n_in, n_out, n_aux = len(args), len(outs), len(auxs)
        self.n_in, self.n_out, self.n_aux = n_in, n_out, n_aux
        _check_inputs(op_type, data)
        if len(data) != n_in + n_aux:
            raise MXNetValueError(
                f"Custom: Check failed: num_inputs == infered_num_inputs ({len(data)} vs. "
                f"{n_in + n_aux}) : Operator Custom expects {n_in + n_aux} inputs, but got "
                f"{len(data)} instead.")
        self.args = list(data[:n_in])
        self.aux = list(data[n_in:])
        # backward dependencies: out_grad ids, then in_data, then out_data
        og_ids = list(range(n_out))
        in_ids = list(range(n_out, n_out + n_in))
        od_ids = list(range(n_out + n_in, 2 * n_out + n_in))
        deps = _call(f"{op_type}.declare_backward_dependency",
                     prop.declare_backward_dependency, og_ids, in_ids, od_ids)
        try:
            dep_set = {int(d) for d in deps}
        except (TypeError, ValueError) as e:
            raise _fail(f"{op_type}.declare_backward_dependency", e) from e
        self.needs_out_grad = [i in dep_set for i in og_ids]
        # shapes
        where = f"{op_type}.infer_shape"
        in_shapes = [list(a.shape) for a in self.args]
        ishp, oshp, ashp = _split(where, _call(where, prop.infer_shape, in_shapes),
                                  (n_in, n_out, n_aux), "shapes")
        for given, inferred in zip(in_shapes + [list(a.shape) for a in self.aux],
                                   [_shape(where, s) for s in ishp + ashp]):
            if tuple(given) != inferred:
                raise MXNetValueError(f"Custom ({op_type}): Shape inconsistent, Provided = "
                                      f"{_shape_str(given)}, inferred shape="
                                      f"{_shape_str(inferred)}")
        self.out_shapes = [_shape(where, s) for s in oshp]
        # types
        where = f"{op_type}.infer_type"
        in_types = [a.dtype for a in self.args]
        ityp, otyp, atyp = _split(where, _call(where, prop.infer_type, in_types),
                                  (n_in, n_out, n_aux), "types")
        given_t = [a._t.dtype for a in self.args + self.aux]
        for i, (g, t) in enumerate(zip(given_t, [_np_type(where, t) for t in ityp + atyp])):
            if g != t:
                raise MXNetTypeError(f"Custom ({op_type}): Incompatible attr in node at "
                                     f"{i}-th input: expected {_dtypes.name(t)}, got "
                                     f"{_dtypes.name(g)}")
        self.out_dtypes = [_np_type(where, t) for t in otyp]
        # storage types (dense only)
        where = f"{op_type}.infer_storage_type"
        in_st = [getattr(a, "stype", "default") for a in self.args]
        _, ost, ast = _split(where, _call(where, prop.infer_storage_type, in_st),
                             (n_in, n_out, n_aux), "storage types")
        if any(s != "default" for s in list(ost) + list(ast)):
            raise unsupported(f"mx.nd.Custom ({op_type}) with sparse outputs or aux states",
                              "mxcompat runs custom operators on dense arrays")
        # the operator
        from .context import Context
        first = data[0] if len(data) else None
        if first is not None:
            self.ctx = first.context
        else:
            from .context import current_context
            self.ctx = current_context()
        assert isinstance(self.ctx, Context)
        shapes = [list(a.shape) for a in self.args + self.aux]
        flags = [_dtypes.TORCH_TO_FLAG[a._t.dtype] for a in self.args + self.aux]
        self.op = _call(f"{op_type}.create_operator", prop.create_operator, self.ctx, shapes,
                        flags)

    # -- running the operator's callbacks --
    def new_outputs(self) -> List[torch.Tensor]:
        dev = self.args[0]._t.device if self.args else self.ctx.torch_device
        return [torch.zeros(s, dtype=dt, device=dev)
                for s, dt in zip(self.out_shapes, self.out_dtypes)]

    def forward(self, arg_tensors: Sequence[torch.Tensor]) -> List[torch.Tensor]:
        from .autograd import pause
        from .ndarray.ndarray import _wrap
        outs = self.new_outputs()
        c = self.args[0]._ctx if self.args else None
        in_data = [_wrap(t, a._ctx) for t, a in zip(arg_tensors, self.args)]
        out_data = [_wrap(t, c) for t in outs]
        with pause(train_mode=STATE.training), torch.no_grad(), self.ctx:
            _call("CustomOp.forward", self.op.forward, is_train=int(STATE.training),
                  req=["write"] * self.n_out, in_data=in_data, out_data=out_data,
                  aux=self.aux)
        return outs

    def backward(self, reqs: List[str], out_grads: Sequence[Optional[torch.Tensor]],
                 arg_tensors: Sequence[torch.Tensor],
                 out_tensors: Sequence[torch.Tensor]) -> List[Optional[torch.Tensor]]:
        from .autograd import pause
        from .ndarray.ndarray import _wrap
        c = self.args[0]._ctx if self.args else None
        og = []
        for i, (g, o) in enumerate(zip(out_grads, out_tensors)):
            if g is None or not self.needs_out_grad[i]:
                g = torch.zeros_like(o)
            og.append(_wrap(g.detach().to(o.dtype).contiguous().clone(), c))
        in_data = [_wrap(t.detach(), a._ctx) for t, a in zip(arg_tensors, self.args)]
        out_data = [_wrap(t.detach(), c) for t in out_tensors]
        in_grad = [_wrap(torch.zeros_like(t.detach()), a._ctx)
                   for t, a in zip(arg_tensors, self.args)]
        with pause(train_mode=STATE.training), torch.no_grad(), self.ctx:
            _call("CustomOp.backward", self.op.backward, req=list(reqs), out_grad=og,
                  in_data=in_data, out_data=out_data, in_grad=in_grad, aux=self.aux)
        return [None if r == "null" else g._t for r, g in zip(reqs, in_grad)]


def _req_of(arr: Any, needed: bool) -> str:
    """The req MXNet gives backward for one input: 'null' when no gradient flows to it, 'add'
    for a variable attached with grad_req='add', 'write' otherwise."""
    if not needed:
        return "null"
    ag = arr._ag
    if getattr(ag, "req", None) == "add" and arr._t.is_leaf:
        return "add"
    return "write"


def custom(*data: Any, op_type: Any = None, out: Any = None, name: Any = None,
           **kwargs: Any) -> Any:
    """``mx.nd.Custom``: run the custom operator registered as ``op_type`` on ``data``
    (its arguments, then its auxiliary states); other keyword arguments go to the property
    class's constructor as strings. Returns an NDArray, or a list for several outputs."""
    from .ndarray.ndarray import NDArray, _wrap
    if op_type is None or op_type == "":
        raise MXNetValueError("Custom: Check failed: !params.op_type.empty(): Required "
                              "argument `op_type` is missing.")
    plan = _Plan(str(op_type), data, kwargs)
    args = plan.args
    c = args[0]._ctx if args else None
    recording = STATE.recording and any(a._t.requires_grad for a in args)
    if not recording:
        outs = plan.forward([a._t.detach() for a in args])
    else:
        needs = [a._t.requires_grad for a in args]

        class _CustomFn(torch.autograd.Function):
            @staticmethod
            def forward(ctx: Any, *tensors: torch.Tensor) -> Any:
                o = plan.forward([t.detach() for t in tensors])
                ctx.save_for_backward(*tensors, *o)
                for t in o:
                    if not t.is_floating_point():
                        ctx.mark_non_differentiable(t)
                return tuple(o)

            @staticmethod
            def backward(ctx: Any, *grads: Any) -> Any:
                saved = ctx.saved_tensors
                ins, os_ = saved[:plan.n_in], saved[plan.n_in:]
                reqs = [_req_of(a, n and ctx.needs_input_grad[i])
                        for i, (a, n) in enumerate(zip(args, needs))]
                res = plan.backward(reqs, grads, ins, os_)
                return tuple(None if r is None or not t.is_floating_point() else r
                             for r, t in zip(res, ins))

        outs = list(_CustomFn.apply(*[a._t for a in args]))
    results = [_wrap(t, c) for t in outs]
    if out is not None:
        targets = [out] if isinstance(out, NDArray) else list(out)
        if len(targets) != len(results):
            raise MXNetValueError(f"Custom ({plan.op_type}): out= needs {len(results)} "
                                  f"arrays, got {len(targets)}")
        for t, r in zip(targets, results):
            if not isinstance(t, NDArray):
                raise MXNetTypeError(f"Custom ({plan.op_type}): out= must hold NDArrays, got "
                                     f"{type(t).__name__}")
            if tuple(t.shape) != tuple(r.shape):
                raise MXNetValueError(f"Custom ({plan.op_type}): Shape inconsistent, Provided "
                                      f"= {_shape_str(t.shape)}, inferred shape="
                                      f"{_shape_str(r.shape)}")
            t._assign(r._t)
        return out
    return results[0] if len(results) == 1 else results

