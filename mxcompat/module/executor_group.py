"""Data parallelism for Module: one Executor per context, each bound to its slice of the
batch (MXNet's ``DataParallelExecutorGroup``, with ``work_load_list`` splitting)."""
from __future__ import annotations

import logging
from collections import OrderedDict
from typing import Any, Dict, List, Optional

from .. import ndarray as nd
from ..base import MXNetError
from ..context import cpu
from ..io import DataDesc

__all__ = ["DataParallelExecutorGroup"]


def _split_input_slice(batch_size: int, work_load_list: List[float]) -> List[slice]:
    """Slices of ``range(batch_size)`` proportional to ``work_load_list``."""
    total = sum(work_load_list)
    counts = [round(w * batch_size / total) for w in work_load_list]
    if sum(counts) < batch_size:
        counts[-1] += batch_size - sum(counts)
    out = []
    end = 0
    for c in counts:
        begin = int(min(end, batch_size))
        end = int(min(begin + c, batch_size))
        if begin >= end:
            raise ValueError("Too many slices. Some splits are empty.")
        out.append(slice(begin, end))
    return out


def _copy_into(src: Any, dst: Any) -> None:
    if tuple(src.shape) != tuple(dst.shape):
        raise MXNetError(f"Module: a batch array of shape {tuple(src.shape)} does not fit the "
                         f"bound input of shape {tuple(dst.shape)}")
    src.copyto(dst)


def _load_general(data: List[Any], targets: List[Any], major_axis: List[int]) -> None:
    for src, dsts, axis in zip(data, targets, major_axis):
        if isinstance(dsts, nd.NDArray):
            _copy_into(src, dsts)
        elif isinstance(src, (list, tuple)):
            for s, d in zip(src, dsts):
                _copy_into(s, d)
        else:
            for sl, d in dsts:
                if axis >= 0 and (sl.start != 0 or src.shape[axis] != sl.stop):
                    part = nd.slice_axis(src, axis=axis, begin=sl.start, end=sl.stop)
                    _copy_into(part.as_in_context(d.context), d)
                else:
                    _copy_into(src, d)


def _load_batch(batch: Any, targets: List[Any], major_axis: List[int], attr: str) -> None:
    if isinstance(batch, list):
        srcs = [[getattr(b, attr)[i] for b in batch] for i in range(len(targets))]
        _load_general(srcs, [[d for _, d in t] for t in targets], major_axis)
    else:
        _load_general(getattr(batch, attr), targets, major_axis)


def _merge_multi_context(outputs: List[List[Any]], major_axis: List[int]) -> List[Any]:
    out = []
    for arrays, axis in zip(outputs, major_axis):
        if axis >= 0 and len(arrays) > 1:
            ctx = arrays[0].context
            out.append(nd.concat(*[a.as_in_context(ctx) for a in arrays], dim=axis))
        else:
            out.append(arrays[0])
    return out


class DataParallelExecutorGroup:
    """Executors over ``contexts`` for ``symbol``; parameters are replicated, data and labels
    split along the batch axis of their layout."""

    def __init__(self, symbol: Any, contexts: List[Any], workload: List[float],
                 data_shapes: List[Any], label_shapes: Optional[List[Any]],
                 param_names: List[str], for_training: bool, inputs_need_grad: bool,
                 shared_group: Optional["DataParallelExecutorGroup"] = None,
                 logger: Any = logging, fixed_param_names: Optional[List[str]] = None,
                 grad_req: Any = "write", state_names: Optional[List[str]] = None,
                 group2ctxs: Any = None):
        self.param_names = param_names
        self.arg_names = symbol.list_arguments()
        self.aux_names = symbol.list_auxiliary_states()
        self.symbol = symbol
        self.contexts = contexts
        self.workload = workload
        self.for_training = for_training
        self.inputs_need_grad = inputs_need_grad
        self.logger = logger
        self._total_exec_bytes = 0
        self.fixed_param_names = list(fixed_param_names or [])
        self.state_names = list(state_names or [])
        if not for_training:
            grad_req = "null"
        data_shapes = [x if isinstance(x, DataDesc) else DataDesc(*x) for x in data_shapes]
        if label_shapes is not None:
            label_shapes = [x if isinstance(x, DataDesc) else DataDesc(*x) for x in label_shapes]
        data_names = [x.name for x in data_shapes]

        def default_req(k: str, req: str) -> str:
            if k in self.param_names:
                return "null" if k in self.fixed_param_names else req
            if k in data_names:
                return req if self.inputs_need_grad else "null"
            return "null"
        if isinstance(grad_req, str):
            self.grad_req = {k: default_req(k, grad_req) for k in self.arg_names}
        elif isinstance(grad_req, (list, tuple)):
            if len(grad_req) != len(self.arg_names):
                raise ValueError("grad_req: a list needs one entry per argument")
            self.grad_req = dict(zip(self.arg_names, grad_req))
        elif isinstance(grad_req, dict):
            self.grad_req = {k: default_req(k, "write") for k in self.arg_names}
            self.grad_req.update(grad_req)
        else:
            raise ValueError("grad_req must be one of str, list, tuple, or dict.")
        self.shared_data_arrays = (shared_group.shared_data_arrays if shared_group is not None
                                   else [{} for _ in contexts])
        self.batch_size: Optional[int] = None
        self.slices: Optional[List[slice]] = None
        self.execs: List[Any] = []
        self._default_execs: Optional[List[Any]] = None
        self.data_arrays: Any = None
        self.label_arrays: Any = None
        self.param_arrays: Any = None
        self.state_arrays: Any = None
        self.grad_arrays: Any = None
        self.aux_arrays: Any = None
        self.input_grad_arrays: Any = None
        self.data_shapes: Any = None
        self.label_shapes: Any = None
        self.data_names: Any = None
        self.label_names: Any = None
        self.data_layouts: Any = None
        self.label_layouts: Any = None
        self.output_names = symbol.list_outputs()
        self.num_outputs = len(self.output_names)
        self.output_layouts = [DataDesc.get_batch_axis(symbol[i].attr("__layout__"))
                               for i in range(self.num_outputs)]
        self._monitors: List[Any] = []
        self.bind_exec(data_shapes, label_shapes, shared_group)

    def decide_slices(self, data_shapes: List[Any]) -> List[int]:
        if not data_shapes:
            raise MXNetError("Module.bind: no data shapes given")
        axes = [DataDesc.get_batch_axis(x.layout) for x in data_shapes]
        for (name, shape), axis in zip(data_shapes, axes):
            if axis == -1:
                continue
            bs = shape[axis]
            if self.batch_size is not None:
                if bs != self.batch_size:
                    raise AssertionError(f"all data must have the same batch size: batch_size = "
                                         f"{self.batch_size}, but {name} has shape {shape}")
            else:
                self.batch_size = bs
                self.slices = _split_input_slice(bs, self.workload)
        return axes

    def _collect_arrays(self) -> None:
        execs = self.execs
        sl = self.slices or [slice(i, i + 1) for i in range(len(execs))]
        self.data_arrays = [[(sl[i], e.arg_dict[name]) for i, e in enumerate(execs)]
                            for name, _ in self.data_shapes]
        self.state_arrays = [[e.arg_dict[name] for e in execs] for name in self.state_names]
        if self.label_shapes is not None:
            self.label_arrays = [[(sl[i], e.arg_dict[name]) for i, e in enumerate(execs)]
                                 for name, _ in self.label_shapes]
        else:
            self.label_arrays = None
        pidx = [i for i, n in enumerate(self.arg_names) if n in self.param_names]
        self.param_arrays = [[e.arg_arrays[i] for e in execs] for i in pidx]
        self.grad_arrays = ([[e.grad_arrays[i] for e in execs] for i in pidx]
                            if self.for_training else None)
        if self.inputs_need_grad:
            self.input_grad_arrays = [[e.grad_arrays[self.arg_names.index(n)] for e in execs]
                                      for n, _ in self.data_shapes if n in self.arg_names]
        else:
            self.input_grad_arrays = None
        self.aux_arrays = [[e.aux_arrays[i] for e in execs] for i in range(len(self.aux_names))]

    def bind_exec(self, data_shapes: List[Any], label_shapes: Optional[List[Any]],
                  shared_group: Optional["DataParallelExecutorGroup"] = None,
                  reshape: bool = False) -> None:
        self.batch_size = None
        self.data_layouts = self.decide_slices(data_shapes)
        if label_shapes is not None:
            self.label_layouts = self.decide_slices(label_shapes)
        for i in range(len(self.contexts)):
            dshapes = self._sliced_shape(data_shapes, i, self.data_layouts)
            lshapes = (self._sliced_shape(label_shapes, i, self.label_layouts)
                       if label_shapes is not None else [])
            if reshape:
                self.execs[i] = self._default_execs[i].reshape(  # type: ignore[index]
                    allow_up_sizing=True, **dict(dshapes + lshapes))
                for m in self._monitors:
                    m.install(self.execs[i])
            else:
                self.execs.append(self._bind_ith_exec(i, dshapes, lshapes, shared_group))
        self.data_shapes = data_shapes
        self.label_shapes = label_shapes
        self.data_names = [d.name for d in data_shapes]
        if label_shapes is not None:
            self.label_names = [d.name for d in label_shapes]
        self._collect_arrays()

    def reshape(self, data_shapes: List[Any], label_shapes: Optional[List[Any]]) -> None:
        if data_shapes == self.data_shapes and label_shapes == self.label_shapes:
            return
        if self._default_execs is None:
            self._default_execs = list(self.execs)
        self.bind_exec(data_shapes, label_shapes, reshape=True)

    def set_params(self, arg_params: Dict[str, Any], aux_params: Dict[str, Any],
                   allow_extra: bool = False) -> None:
        for e in self.execs:
            e.copy_params_from(arg_params, aux_params, allow_extra_params=allow_extra)

    def get_params(self, arg_params: Dict[str, Any], aux_params: Dict[str, Any]) -> None:
        """Average the per-device copies into ``arg_params`` / ``aux_params``."""
        for names, blocks, dst in ((self.param_names, self.param_arrays, arg_params),
                                   (self.aux_names, self.aux_arrays, aux_params)):
            for name, block in zip(names, blocks):
                if len(block) == 1:
                    w = block[0].copyto(cpu())
                else:
                    w = block[0].copyto(cpu())
                    for b in block[1:]:
                        w = w + b.copyto(cpu())
                    w = w / len(block)
                w.astype(dst[name].dtype).copyto(dst[name])

    def forward(self, data_batch: Any, is_train: Optional[bool] = None) -> None:
        _load_batch(data_batch, self.data_arrays, self.data_layouts, "data")
        if is_train is None:
            is_train = self.for_training
        first = data_batch[0] if isinstance(data_batch, list) else data_batch
        if self.label_arrays is not None and first is not None and first.label:
            _load_batch(data_batch, self.label_arrays, self.label_layouts, "label")
        for e in self.execs:
            e.forward(is_train=is_train)

    def get_output_shapes(self) -> List[Any]:
        out = []
        for key, o, axis in zip(self.output_names, self.execs[0].outputs, self.output_layouts):
            shape = list(o.shape)
            if axis >= 0:
                shape[axis] = self.batch_size
            out.append((key, tuple(shape)))
        return out

    def get_outputs(self, merge_multi_context: bool = True, begin: int = 0,
                    end: Optional[int] = None) -> List[Any]:
        if end is None:
            end = self.num_outputs
        outs = [[e.outputs[i] for e in self.execs] for i in range(begin, end)]
        if merge_multi_context:
            return _merge_multi_context(outs, self.output_layouts[begin:end])
        return outs

    def get_states(self, merge_multi_context: bool = True) -> List[Any]:
        assert not merge_multi_context, \
            "merge_multi_context=True is not supported for get_states yet."
        return self.state_arrays

    def set_states(self, states: Any = None, value: Any = None) -> None:
        if states is not None:
            assert value is None, "Only one of states & value can be specified."
            _load_general(states, self.state_arrays, [0] * len(states))
        else:
            assert value is not None, "At least one of states & value must be specified."
            for dsts in self.state_arrays:
                for d in dsts:
                    d[:] = value

    def get_input_grads(self, merge_multi_context: bool = True) -> List[Any]:
        assert self.inputs_need_grad
        if merge_multi_context:
            return _merge_multi_context(self.input_grad_arrays, self.data_layouts)
        return self.input_grad_arrays

    def backward(self, out_grads: Any = None) -> None:
        assert self.for_training, "re-bind with for_training=True to run backward"
        if out_grads is None:
            out_grads = []
        elif isinstance(out_grads, nd.NDArray):
            out_grads = [out_grads]
        slices = self.slices or [slice(0, None)] * len(self.execs)
        for i, (e, sl) in enumerate(zip(self.execs, slices)):
            part = []
            for g, axis in zip(out_grads, self.output_layouts):
                if axis >= 0 and len(self.execs) > 1:
                    part.append(nd.slice_axis(g, axis=axis, begin=sl.start, end=sl.stop)
                                .as_in_context(self.contexts[i]))
                else:
                    part.append(g.as_in_context(self.contexts[i]))
            e.backward(out_grads=part or None)

    def update_metric(self, eval_metric: Any, labels: Any, pre_sliced: bool = False) -> None:
        slices = self.slices or [slice(0, None)] * len(self.execs)
        for k, (e, sl) in enumerate(zip(self.execs, slices)):
            if pre_sliced:
                lab = labels[k]
            else:
                lab = []
                layouts = self.label_layouts or [0] * len(labels)
                for label, axis in zip(labels, layouts):
                    if len(self.execs) == 1 or axis < 0:
                        lab.append(label)
                    elif axis == 0:
                        lab.append(label[sl])
                    else:
                        lab.append(nd.slice_axis(label, axis=axis, begin=sl.start,
                                                 end=sl.stop))
            names = self.label_names or []
            eval_metric.update_dict(OrderedDict(zip(names, lab)),
                                    OrderedDict(zip(self.output_names, e.outputs)))

    def _bind_ith_exec(self, i: int, data_shapes: List[Any], label_shapes: List[Any],
                       shared_group: Optional["DataParallelExecutorGroup"]) -> Any:
        """Bind executor ``i``: parameters (and their gradients) shared with
        ``shared_group``'s executor where shapes agree, data buffers shared through
        ``shared_data_arrays``."""
        from ..symbol.executor import Executor
        ctx = self.contexts[i]
        shapes = {d.name: tuple(d.shape) for d in list(data_shapes) + list(label_shapes)}
        types = {d.name: d.dtype for d in list(data_shapes) + list(label_shapes)}
        attrs = self.symbol.attr_dict()
        from .._dtypes import FLAG_NAMES  # dtype codes of __dtype__ attributes
        dnames = {d.name for d in data_shapes}
        for name in self.symbol.list_inputs():
            dt = attrs.get(name, {}).get("__dtype__")
            if name in dnames and dt not in (None, "-1") and int(dt) in FLAG_NAMES:
                types[name] = FLAG_NAMES[int(dt)]
        arg_shapes, _, aux_shapes = self.symbol.infer_shape(**shapes)
        if arg_shapes is None:
            raise MXNetError(f"Module.bind: cannot infer the shapes of all arguments from "
                             f"{shapes}")
        arg_types, _, aux_types = self.symbol.infer_type(**types)
        if arg_types is None:
            raise MXNetError("Module.bind: cannot infer the types of all arguments")
        shared_exec = shared_group.execs[i] if shared_group is not None else None
        buf = self.shared_data_arrays[i]
        args, grads, reqs = [], [], []
        for n, s, t in zip(self.arg_names, arg_shapes, arg_types):
            req = self.grad_req.get(n, "null")
            a = g = None
            if shared_exec is not None and n in self.param_names and \
                    n in shared_exec.arg_dict:
                sa = shared_exec.arg_dict[n]
                if tuple(sa.shape) == tuple(s):
                    a = sa
                    g = shared_exec.grad_dict.get(n)
            elif n not in self.param_names:
                b = buf.get(n)
                if b is not None and tuple(b.shape) == tuple(s) and b.dtype == t:
                    a = b
            if a is None:
                a = nd.zeros(s, ctx=ctx, dtype=t)
                if n not in self.param_names:
                    buf[n] = a
            if req != "null" and g is None:
                g = nd.zeros(s, ctx=ctx, dtype=t)
            args.append(a)
            grads.append(g if req != "null" else None)
            reqs.append(req)
        aux = []
        for n, s, t in zip(self.aux_names, aux_shapes, aux_types):
            a = None
            if shared_exec is not None and n in shared_exec.aux_dict and \
                    tuple(shared_exec.aux_dict[n].shape) == tuple(s):
                a = shared_exec.aux_dict[n]
            aux.append(a if a is not None else nd.zeros(s, ctx=ctx, dtype=t))
        exe = Executor(self.symbol, ctx, args, grads, Executor._reqs(self.arg_names, reqs), aux)
        self._total_exec_bytes += sum(a._t.numel() * a._t.element_size() for a in args)
        return exe

    def _sliced_shape(self, shapes: List[Any], i: int, major_axis: List[int]) -> List[Any]:
        out = []
        for d, axis in zip(shapes, major_axis):
            shape = list(d.shape)
            if axis >= 0 and self.slices is not None:
                shape[axis] = self.slices[i].stop - self.slices[i].start
            out.append(DataDesc(d.name, tuple(shape), d.dtype, d.layout))
        return out

    def install_monitor(self, mon: Any) -> None:
        self._monitors.append(mon)
        for e in self.execs:
            mon.install(e)
