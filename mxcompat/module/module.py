"""``Module``: a Symbol with its parameters, executors over one or more contexts, an
optimizer and (for several devices) a kvstore -- MXNet 1.9.1's ``mx.mod.Module``."""
from __future__ import annotations

import logging
import os
import tempfile
import warnings
from typing import Any, Dict, List, Optional, Tuple

from .. import context as ctx
from .. import ndarray as nd
from .. import optimizer as opt
from ..base import MXNetError
from ..initializer import InitDesc, Uniform
from ..io import DataDesc
from ..model import (_create_kvstore, _initialize_kvstore, _update_params,
                     _update_params_on_kvstore, load_checkpoint)
from .base_module import BaseModule, _check_input_names, _parse_data_desc
from .executor_group import DataParallelExecutorGroup

__all__ = ["Module"]


class Module(BaseModule):
    """A module over ``symbol``: ``data_names`` and ``label_names`` are its inputs, every
    other argument a parameter (``fixed_param_names`` are not updated)."""

    def __init__(self, symbol: Any, data_names: Any = ("data",),
                 label_names: Any = ("softmax_label",), logger: Any = logging,
                 context: Any = None, work_load_list: Any = None,
                 fixed_param_names: Any = None, state_names: Any = None,
                 group2ctxs: Any = None, compression_params: Any = None):
        super().__init__(logger=logger)
        from ..symbol import Symbol
        if not isinstance(symbol, Symbol):
            raise TypeError(f"Module: symbol must be an mx.sym.Symbol, got "
                            f"{type(symbol).__name__}")
        if context is None:
            context = ctx.cpu()
        if isinstance(context, ctx.Context):
            context = [context]
        self._context = list(context)
        if work_load_list is None:
            work_load_list = [1] * len(self._context)
        assert len(work_load_list) == len(self._context)
        self._work_load_list = work_load_list
        self._group2ctxs = group2ctxs
        self._symbol = symbol
        data_names = list(data_names) if data_names is not None else []
        label_names = list(label_names) if label_names is not None else []
        state_names = list(state_names) if state_names is not None else []
        fixed_param_names = list(fixed_param_names) if fixed_param_names is not None else []
        _check_input_names(symbol, data_names, "data", True)
        _check_input_names(symbol, label_names, "label", False)
        _check_input_names(symbol, state_names, "state", True)
        _check_input_names(symbol, fixed_param_names, "fixed_param", True)
        inputs = data_names + label_names + state_names
        self._param_names = [a for a in symbol.list_arguments() if a not in inputs]
        self._fixed_param_names = fixed_param_names
        self._aux_names = symbol.list_auxiliary_states()
        self._data_names = data_names
        self._label_names = label_names
        self._state_names = state_names
        self._output_names = symbol.list_outputs()
        self._arg_params: Optional[Dict[str, Any]] = None
        self._aux_params: Optional[Dict[str, Any]] = None
        self._params_dirty = False
        self._compression_params = compression_params
        self._optimizer: Any = None
        self._kvstore: Any = None
        self._update_on_kvstore: Any = None
        self._updater: Any = None
        self._preload_opt_states: Optional[str] = None
        self._grad_req: Any = None
        self._exec_group: Any = None
        self._data_shapes: Any = None
        self._label_shapes: Any = None

    # ---- checkpoints ---------------------------------------------------------------------
    @staticmethod
    def load(prefix: str, epoch: int, load_optimizer_states: bool = False,
             **kwargs: Any) -> "Module":
        """A Module from ``prefix-symbol.json`` + ``prefix-%04d.params`` (and the
        ``.states`` file with ``load_optimizer_states``, applied at ``init_optimizer``)."""
        sym, args, auxs = load_checkpoint(prefix, epoch)
        mod = Module(symbol=sym, **kwargs)
        mod._arg_params = args
        mod._aux_params = auxs
        mod.params_initialized = True
        if load_optimizer_states:
            mod._preload_opt_states = "%s-%04d.states" % (prefix, epoch)
        return mod

    def save_checkpoint(self, prefix: str, epoch: int, save_optimizer_states: bool = False,
                        remove_amp_cast: bool = True) -> None:
        self._symbol.save("%s-symbol.json" % prefix, remove_amp_cast=remove_amp_cast)
        param_name = "%s-%04d.params" % (prefix, epoch)
        self.save_params(param_name)
        logging.info('Saved checkpoint to "%s"', param_name)
        if save_optimizer_states:
            state_name = "%s-%04d.states" % (prefix, epoch)
            self.save_optimizer_states(state_name)
            logging.info('Saved optimizer state to "%s"', state_name)

    def _reset_bind(self) -> None:
        self.binded = False
        self._exec_group = None
        self._data_shapes = None
        self._label_shapes = None

    # ---- names and shapes --------------------------------------------------------------
    @property
    def data_names(self) -> List[str]:
        return self._data_names

    @property
    def label_names(self) -> List[str]:
        return self._label_names

    @property
    def output_names(self) -> List[str]:
        return self._output_names

    @property
    def data_shapes(self) -> List[Any]:
        assert self.binded
        return self._data_shapes

    @property
    def label_shapes(self) -> Any:
        assert self.binded
        return self._label_shapes

    @property
    def output_shapes(self) -> List[Any]:
        assert self.binded
        return self._exec_group.get_output_shapes()

    # ---- parameters --------------------------------------------------------------------
    def get_params(self) -> Tuple[Dict[str, Any], Dict[str, Any]]:
        assert self.params_initialized
        if self._params_dirty:
            self._sync_params_from_devices()
        return self._arg_params, self._aux_params  # type: ignore[return-value]

    def init_params(self, initializer: Any = Uniform(0.01), arg_params: Any = None,
                    aux_params: Any = None, allow_missing: bool = False,
                    force_init: bool = False, allow_extra: bool = False) -> None:
        """Fill the parameters from ``arg_params``/``aux_params`` or ``initializer`` (in
        sorted name order, as MXNet, so seeded random initialisation matches)."""
        if self.params_initialized and not force_init:
            warnings.warn("Parameters already initialized and force_init=False. "
                          "init_params call ignored.", stacklevel=2)
            return
        assert self.binded, "call bind before initializing the parameters"

        def fill(name: Any, arr: Any, cache: Any) -> None:
            if cache is not None:
                if name in cache:
                    src = cache[name]
                    if src is not arr:
                        if tuple(src.shape) != tuple(arr.shape):
                            raise MXNetError(f"init_params: '{name}' has shape "
                                             f"{tuple(src.shape)}, the module expects "
                                             f"{tuple(arr.shape)}")
                        src.astype(arr.dtype).copyto(arr)
                else:
                    if not allow_missing:
                        raise RuntimeError("%s is not presented" % name)
                    if initializer is not None:
                        initializer(name, arr)
            else:
                initializer(name, arr)

        attrs = self._symbol.attr_dict()
        for name, arr in sorted(self._arg_params.items()):  # type: ignore[union-attr]
            fill(InitDesc(name, attrs.get(name, None)), arr, arg_params)
        for name, arr in sorted(self._aux_params.items()):  # type: ignore[union-attr]
            fill(InitDesc(name, attrs.get(name, None)), arr, aux_params)
        self.params_initialized = True
        self._params_dirty = False
        self._exec_group.set_params(self._arg_params, self._aux_params, allow_extra=allow_extra)

    def set_params(self, arg_params: Any, aux_params: Any, allow_missing: bool = False,
                   force_init: bool = True, allow_extra: bool = False) -> None:
        if not allow_missing:
            self.init_params(initializer=None, arg_params=arg_params, aux_params=aux_params,
                             allow_missing=allow_missing, force_init=force_init,
                             allow_extra=allow_extra)
            return
        if self.params_initialized and not force_init:
            warnings.warn("Parameters already initialized and force_init=False. "
                          "set_params call ignored.", stacklevel=2)
            return
        self._exec_group.set_params(arg_params, aux_params, allow_extra=allow_extra)
        self._params_dirty = True
        self.params_initialized = True

    # ---- binding ---------------------------------------------------------------------------
    def bind(self, data_shapes: Any, label_shapes: Any = None, for_training: bool = True,
             inputs_need_grad: bool = False, force_rebind: bool = False,
             shared_module: Any = None, grad_req: Any = "write") -> None:
        """Make the executors for ``data_shapes`` / ``label_shapes`` (DataDescs or
        ``(name, shape)`` tuples)."""
        if force_rebind:
            self._reset_bind()
        if self.binded:
            self.logger.warning("Already bound, ignoring bind()")
            return
        self.for_training = for_training
        self.inputs_need_grad = inputs_need_grad
        self._grad_req = grad_req
        if not for_training:
            assert not inputs_need_grad
        self._data_shapes, self._label_shapes = _parse_data_desc(
            self.data_names, self.label_names, data_shapes, label_shapes)
        if shared_module is not None:
            assert isinstance(shared_module, Module) and shared_module.binded and \
                shared_module.params_initialized
            shared_group = shared_module._exec_group
            assert len(shared_group.execs) >= len(self._context)
        else:
            shared_group = None
        self._exec_group = DataParallelExecutorGroup(
            self._symbol, self._context, self._work_load_list, self._data_shapes,
            self._label_shapes, self._param_names, for_training, inputs_need_grad,
            shared_group, logger=self.logger, fixed_param_names=self._fixed_param_names,
            grad_req=grad_req, group2ctxs=self._group2ctxs, state_names=self._state_names)
        self._total_exec_bytes = self._exec_group._total_exec_bytes
        if shared_module is not None:
            self.params_initialized = True
            self._arg_params = shared_module._arg_params
            self._aux_params = shared_module._aux_params
        elif self.params_initialized:
            self._exec_group.set_params(self._arg_params, self._aux_params)
        else:
            assert self._arg_params is None and self._aux_params is None
            self._arg_params = {n: nd.zeros(b[0].shape, dtype=b[0].dtype)
                                for n, b in zip(self._param_names, self._exec_group.param_arrays)}
            self._aux_params = {n: nd.zeros(b[0].shape, dtype=b[0].dtype)
                                for n, b in zip(self._aux_names, self._exec_group.aux_arrays)}
        if shared_module is not None and shared_module.optimizer_initialized:
            self.borrow_optimizer(shared_module)
        self.binded = True

    def reshape(self, data_shapes: Any, label_shapes: Any = None) -> None:
        """Rebind the executors for new input shapes, sharing the parameters."""
        assert self.binded
        self._data_shapes, self._label_shapes = _parse_data_desc(
            self.data_names, self.label_names, data_shapes, label_shapes)
        self._exec_group.reshape(self._data_shapes, self._label_shapes)

    # ---- optimizer ---------------------------------------------------------------------
    def init_optimizer(self, kvstore: Any = "local", optimizer: Any = "sgd",
                       optimizer_params: Any = (("learning_rate", 0.01),),
                       force_init: bool = False) -> None:
        """Create the optimizer (by name with ``optimizer_params``, ``rescale_grad``
        defaulting to ``1/batch_size``, or an Optimizer instance) and the kvstore."""
        assert self.binded and self.params_initialized
        if self.optimizer_initialized and not force_init:
            self.logger.warning("optimizer already initialized, ignoring...")
            return
        if self._params_dirty:
            self._sync_params_from_devices()
        kvstore, update_on_kvstore = _create_kvstore(kvstore, len(self._context),
                                                     self._arg_params)
        batch_size = self._exec_group.batch_size
        if kvstore and "dist" in kvstore.type and "_sync" in kvstore.type:
            batch_size *= kvstore.num_workers
        rescale_grad = 1.0 / batch_size
        names = self._exec_group.param_names
        idx2name: Dict[int, str] = {}
        if update_on_kvstore:
            idx2name.update(enumerate(names))
        else:
            nctx = len(self._context)
            for k in range(nctx):
                idx2name.update({i * nctx + k: n for i, n in enumerate(names)})
        if isinstance(optimizer, str):
            params = dict(optimizer_params)
            if "rescale_grad" not in params:
                params["rescale_grad"] = rescale_grad
            optimizer = opt.create(optimizer, sym=self.symbol, param_idx2name=idx2name,
                                   **params)
        else:
            if not isinstance(optimizer, opt.Optimizer):
                raise TypeError("init_optimizer: optimizer must be a name or an "
                                f"mx.optimizer.Optimizer, got {type(optimizer).__name__}")
            if optimizer.rescale_grad != rescale_grad:
                warnings.warn("Optimizer created manually outside Module but rescale_grad is not "
                              "normalized to 1.0/batch_size/num_workers (%s vs. %s). Is this "
                              "intended?" % (optimizer.rescale_grad, rescale_grad), stacklevel=2)
            if not optimizer.idx2name:
                optimizer.idx2name = idx2name.copy()
        self._optimizer = optimizer
        self._kvstore = kvstore
        self._update_on_kvstore = update_on_kvstore
        self._updater = None
        if kvstore:
            if self._compression_params:
                kvstore.set_gradient_compression(self._compression_params)
            if update_on_kvstore:
                kvstore.set_optimizer(self._optimizer)
            _initialize_kvstore(kvstore=kvstore, param_arrays=self._exec_group.param_arrays,
                                arg_params=self._arg_params, param_names=self._param_names,
                                update_on_kvstore=update_on_kvstore)
        if not update_on_kvstore:
            self._updater = opt.get_updater(optimizer)
        self.optimizer_initialized = True
        if self._preload_opt_states is not None:
            self.load_optimizer_states(self._preload_opt_states)
            self._preload_opt_states = None

    def borrow_optimizer(self, shared_module: "Module") -> None:
        assert shared_module.optimizer_initialized
        self._optimizer = shared_module._optimizer
        self._kvstore = shared_module._kvstore
        self._update_on_kvstore = shared_module._update_on_kvstore
        self._updater = shared_module._updater
        self.optimizer_initialized = True

    # ---- computation -------------------------------------------------------------------
    def forward(self, data_batch: Any, is_train: Optional[bool] = None) -> None:
        """Forward one batch; a batch of another shape reshapes the executors first."""
        assert self.binded and self.params_initialized
        cur = tuple(tuple(d.shape) for d in self._data_shapes)
        if isinstance(data_batch, list):
            assert data_batch, "Encountered empty data batch"
            new = []
            for i in range(len(data_batch[0].data)):
                shape = tuple(data_batch[0].data[i].shape)
                for db in data_batch:
                    assert shape == tuple(db.data[i].shape), \
                        "All data batches in a list need to have the same shape"
                new.append((len(data_batch) * shape[0],) + shape[1:])
            new_shapes = tuple(new)
        else:
            new_shapes = tuple(tuple(d.shape) for d in data_batch.data)
        if cur != new_shapes:
            if getattr(data_batch, "provide_data", None):
                new_d = data_batch.provide_data
            else:
                new_d = [DataDesc(d.name, s, d.dtype, d.layout)
                         for d, s in zip(self._data_shapes, new_shapes)]
            if getattr(data_batch, "provide_label", None):
                new_l = data_batch.provide_label
            elif getattr(data_batch, "label", None) and self._label_shapes:
                new_l = [DataDesc(d.name, tuple(lab.shape), d.dtype, d.layout)
                         for d, lab in zip(self._label_shapes, data_batch.label)]
            else:
                new_l = None
            self.reshape(new_d, new_l)
        self._exec_group.forward(data_batch, is_train)

    def backward(self, out_grads: Any = None) -> None:
        assert self.binded and self.params_initialized
        self._exec_group.backward(out_grads=out_grads)

    def update(self) -> None:
        """Apply the optimizer to the gradients of the last backward."""
        assert self.binded and self.params_initialized and self.optimizer_initialized
        self._params_dirty = True
        g = self._exec_group
        if self._update_on_kvstore:
            _update_params_on_kvstore(g.param_arrays, g.grad_arrays, self._kvstore,
                                      g.param_names)
        else:
            _update_params(g.param_arrays, g.grad_arrays, updater=self._updater,
                           num_device=len(self._context), kvstore=self._kvstore,
                           param_names=g.param_names)

    def get_outputs(self, merge_multi_context: bool = True) -> List[Any]:
        assert self.binded and self.params_initialized
        return self._exec_group.get_outputs(merge_multi_context=merge_multi_context)

    def get_input_grads(self, merge_multi_context: bool = True) -> List[Any]:
        assert self.binded and self.params_initialized and self.inputs_need_grad
        return self._exec_group.get_input_grads(merge_multi_context=merge_multi_context)

    def get_states(self, merge_multi_context: bool = True) -> List[Any]:
        assert self.binded and self.params_initialized
        return self._exec_group.get_states(merge_multi_context=merge_multi_context)

    def set_states(self, states: Any = None, value: Any = None) -> None:
        assert self.binded and self.params_initialized
        self._exec_group.set_states(states, value)

    def update_metric(self, eval_metric: Any, labels: Any, pre_sliced: bool = False) -> None:
        self._exec_group.update_metric(eval_metric, labels, pre_sliced)

    def _sync_params_from_devices(self) -> None:
        self._exec_group.get_params(self._arg_params, self._aux_params)
        self._params_dirty = False

    # ---- optimizer states --------------------------------------------------------------
    def save_optimizer_states(self, fname: str) -> None:
        """Write the optimizer states (MXNet's pickle format), atomically."""
        assert self.optimizer_initialized
        if self._update_on_kvstore:
            self._kvstore.save_optimizer_states(fname)
            return
        data = self._updater.get_states()
        d = os.path.dirname(os.path.abspath(fname))
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=d)
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            os.replace(tmp, fname)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise

    def load_optimizer_states(self, fname: str) -> None:
        assert self.optimizer_initialized
        if self._update_on_kvstore:
            self._kvstore.load_optimizer_states(fname)
        else:
            with open(fname, "rb") as f:
                self._updater.set_states(f.read())

    def install_monitor(self, mon: Any) -> None:
        assert self.binded
        self._exec_group.install_monitor(mon)

    def prepare(self, data_batch: Any, sparse_row_id_fn: Any = None) -> None:
        assert self.binded
        if sparse_row_id_fn is not None:
            if not self._kvstore or not self._update_on_kvstore:
                warnings.warn(UserWarning("Parameters are not updated in the KVStore. No need to "
                                          "call sparse_row_id_fn."), stacklevel=2)
            else:
                row_ids = sparse_row_id_fn(data_batch)
                assert isinstance(row_ids, dict), "Expected dict output from sparse_row_id_fn"
                for name, rid in row_ids.items():
                    i = self._exec_group.param_names.index(name)
                    val = self._exec_group.param_arrays[i]
                    if val[0].stype == "row_sparse":
                        self._kvstore.row_sparse_pull(name, val, row_ids=rid, priority=-i)
