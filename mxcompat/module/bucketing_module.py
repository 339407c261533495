"""``BucketingModule``: one Module per bucket key (``sym_gen(key)`` gives its symbol), all
sharing the default bucket's parameters, optimizer and memory."""
from __future__ import annotations

import logging
import warnings
from typing import Any, Dict, Optional

import numpy as np

from .. import context as ctx
from .. import ndarray as nd
from .. import symbol as sym
from ..initializer import Uniform
from ..model import load_params
from ..name import NameManager
from .base_module import BaseModule, _check_input_names
from .module import Module

__all__ = ["BucketingModule"]


class BucketingModule(BaseModule):
    """Modules over variable-length data: ``sym_gen(bucket_key) -> (symbol, data_names,
    label_names)``; batches carry ``bucket_key``."""

    def __init__(self, sym_gen: Any, default_bucket_key: Any = None, logger: Any = logging,
                 context: Any = None, work_load_list: Any = None,
                 fixed_param_names: Any = None, state_names: Any = None,
                 group2ctxs: Any = None, compression_params: Any = None):
        super().__init__(logger=logger)
        assert default_bucket_key is not None
        self._default_bucket_key = default_bucket_key
        self._sym_gen = sym_gen
        symbol, data_names, label_names = self._call_sym_gen(default_bucket_key)
        data_names = list(data_names) if data_names is not None else []
        label_names = list(label_names) if label_names is not None else []
        state_names = list(state_names) if state_names is not None else []
        fixed_param_names = list(fixed_param_names) if fixed_param_names is not None else []
        _check_input_names(symbol, data_names, "data", True)
        _check_input_names(symbol, label_names, "label", False)
        _check_input_names(symbol, state_names, "state", True)
        _check_input_names(symbol, fixed_param_names, "fixed_param", True)
        self._compression_params = compression_params
        self._fixed_param_names = fixed_param_names
        self._state_names = state_names
        self._context = context if context is not None else ctx.cpu()
        self._work_load_list = work_load_list
        self._group2ctxs = group2ctxs
        self._buckets: Dict[Any, Module] = {}
        self._curr_module: Optional[Module] = None
        self._curr_bucket_key: Any = None
        self._params_dirty = False
        self._monitor: Any = None
        self._grad_req: Any = None

    def _reset_bind(self) -> None:
        self.binded = False
        self._buckets = {}
        self._curr_module = None
        self._curr_bucket_key = None

    def _call_sym_gen(self, *args: Any, **kwargs: Any) -> Any:
        with NameManager():
            return self._sym_gen(*args, **kwargs)

    def _new_module(self, symbol: Any, data_names: Any, label_names: Any) -> Module:
        return Module(symbol, data_names, label_names, logger=self.logger,
                      context=self._context, work_load_list=self._work_load_list,
                      fixed_param_names=self._fixed_param_names,
                      state_names=self._state_names, group2ctxs=self._group2ctxs,
                      compression_params=self._compression_params)

    @property
    def data_names(self) -> Any:
        if self.binded:
            return self._curr_module.data_names  # type: ignore[union-attr]
        return self._call_sym_gen(self._default_bucket_key)[1]

    @property
    def output_names(self) -> Any:
        if self.binded:
            return self._curr_module.output_names  # type: ignore[union-attr]
        return self._call_sym_gen(self._default_bucket_key)[0].list_outputs()

    @property
    def data_shapes(self) -> Any:
        assert self.binded
        return self._curr_module.data_shapes  # type: ignore[union-attr]

    @property
    def label_shapes(self) -> Any:
        assert self.binded
        return self._curr_module.label_shapes  # type: ignore[union-attr]

    @property
    def output_shapes(self) -> Any:
        assert self.binded
        return self._curr_module.output_shapes  # type: ignore[union-attr]

    @property
    def symbol(self) -> Any:
        assert self.binded
        return self._curr_module.symbol  # type: ignore[union-attr]

    def get_params(self) -> Any:
        assert self.params_initialized
        cur = self._curr_module
        cur._params_dirty = self._params_dirty  # type: ignore[union-attr]
        params = cur.get_params()  # type: ignore[union-attr]
        self._params_dirty = False
        return params

    def set_params(self, arg_params: Any, aux_params: Any, allow_missing: bool = False,
                   force_init: bool = True, allow_extra: bool = False) -> None:
        if not allow_missing:
            self.init_params(initializer=None, arg_params=arg_params, aux_params=aux_params,
                             allow_missing=allow_missing, force_init=force_init)
            return
        if self.params_initialized and not force_init:
            warnings.warn("Parameters already initialized and force_init=False. "
                          "set_params call ignored.", stacklevel=2)
            return
        self._curr_module.set_params(arg_params, aux_params,  # type: ignore[union-attr]
                                     allow_missing=allow_missing, force_init=force_init,
                                     allow_extra=allow_extra)
        self._params_dirty = True
        self.params_initialized = True

    def init_params(self, initializer: Any = Uniform(0.01), arg_params: Any = None,
                    aux_params: Any = None, allow_missing: bool = False,
                    force_init: bool = False, allow_extra: bool = False) -> None:
        if self.params_initialized and not force_init:
            return
        assert self.binded, "call bind before initializing the parameters"
        self._curr_module.init_params(  # type: ignore[union-attr]
            initializer=initializer, arg_params=arg_params, aux_params=aux_params,
            allow_missing=allow_missing, force_init=force_init, allow_extra=allow_extra)
        self._params_dirty = False
        self.params_initialized = True

    def get_states(self, merge_multi_context: bool = True) -> Any:
        assert self.binded and self.params_initialized
        return self._curr_module.get_states(merge_multi_context)  # type: ignore[union-attr]

    def set_states(self, states: Any = None, value: Any = None) -> None:
        assert self.binded and self.params_initialized
        self._curr_module.set_states(states, value)  # type: ignore[union-attr]

    def bind(self, data_shapes: Any, label_shapes: Any = None, for_training: bool = True,
             inputs_need_grad: bool = False, force_rebind: bool = False,
             shared_module: Any = None, grad_req: Any = "write") -> None:
        """Bind the default bucket's module."""
        if self.params_initialized:
            arg_params, aux_params = self.get_params()
        if force_rebind:
            self._reset_bind()
        if self.binded:
            self.logger.warning("Already bound, ignoring bind()")
            return
        assert shared_module is None, "shared_module for BucketingModule is not supported"
        self.for_training = for_training
        self.inputs_need_grad = inputs_need_grad
        self.binded = True
        self._grad_req = grad_req
        key = self._default_bucket_key
        module = self._buckets.get(key)
        if module is None:
            module = self._new_module(*self._call_sym_gen(key))
        module.bind(data_shapes, label_shapes, for_training, inputs_need_grad,
                    force_rebind=False, shared_module=None, grad_req=grad_req)
        self._curr_module = module
        self._curr_bucket_key = key
        self._buckets[key] = module
        if self.params_initialized:
            self.set_params(arg_params, aux_params)

    def switch_bucket(self, bucket_key: Any, data_shapes: Any, label_shapes: Any = None) -> None:
        """Make ``bucket_key``'s module current, binding it (sharing the default bucket's
        parameters) the first time."""
        assert self.binded, "call bind before switching bucket"
        cur = self._curr_module
        module = self._buckets.get(bucket_key)
        if module is None:
            module = self._new_module(*self._call_sym_gen(bucket_key))
            module.bind(data_shapes, label_shapes, cur.for_training,  # type: ignore[union-attr]
                        cur.inputs_need_grad, force_rebind=False,  # type: ignore[union-attr]
                        shared_module=self._buckets[self._default_bucket_key],
                        grad_req=self._grad_req)
            if self._monitor is not None:
                module.install_monitor(self._monitor)
            self._buckets[bucket_key] = module
        elif not module.binded:
            module.bind(data_shapes, label_shapes, cur.for_training,  # type: ignore[union-attr]
                        cur.inputs_need_grad, force_rebind=False,  # type: ignore[union-attr]
                        shared_module=self._buckets[self._default_bucket_key],
                        grad_req=self._grad_req)
        self._curr_module = module
        self._curr_bucket_key = bucket_key

    def init_optimizer(self, kvstore: Any = "local", optimizer: Any = "sgd",
                       optimizer_params: Any = (("learning_rate", 0.01),),
                       force_init: bool = False) -> None:
        assert self.binded and self.params_initialized
        if self.optimizer_initialized and not force_init:
            self.logger.warning("optimizer already initialized, ignoring.")
            return
        cur = self._curr_module
        cur.init_optimizer(kvstore, optimizer, optimizer_params,  # type: ignore[union-attr]
                           force_init=force_init)
        for mod in self._buckets.values():
            if mod is not cur:
                mod.borrow_optimizer(cur)  # type: ignore[arg-type]
        self.optimizer_initialized = True

    def prepare(self, data_batch: Any, sparse_row_id_fn: Any = None) -> None:
        assert self.binded and self.params_initialized
        original = self._curr_bucket_key
        self.switch_bucket(data_batch.bucket_key, data_batch.provide_data,
                           data_batch.provide_label)
        self._curr_module.prepare(data_batch,  # type: ignore[union-attr]
                                  sparse_row_id_fn=sparse_row_id_fn)
        self.switch_bucket(original, None, None)

    def forward(self, data_batch: Any, is_train: Optional[bool] = None) -> None:
        assert self.binded and self.params_initialized
        self.switch_bucket(data_batch.bucket_key, data_batch.provide_data,
                           data_batch.provide_label)
        self._curr_module.forward(data_batch, is_train=is_train)  # type: ignore[union-attr]

    def backward(self, out_grads: Any = None) -> None:
        assert self.binded and self.params_initialized
        self._curr_module.backward(out_grads=out_grads)  # type: ignore[union-attr]

    def update(self) -> None:
        assert self.binded and self.params_initialized and self.optimizer_initialized
        self._params_dirty = True
        self._curr_module.update()  # type: ignore[union-attr]

    def get_outputs(self, merge_multi_context: bool = True) -> Any:
        assert self.binded and self.params_initialized
        return self._curr_module.get_outputs(merge_multi_context)  # type: ignore[union-attr]

    def get_input_grads(self, merge_multi_context: bool = True) -> Any:
        assert self.binded and self.params_initialized and self.inputs_need_grad
        return self._curr_module.get_input_grads(  # type: ignore[union-attr]
            merge_multi_context)

    def update_metric(self, eval_metric: Any, labels: Any, pre_sliced: bool = False) -> None:
        assert self.binded and self.params_initialized
        self._curr_module.update_metric(eval_metric, labels,  # type: ignore[union-attr]
                                        pre_sliced)

    def install_monitor(self, mon: Any) -> None:
        assert self.binded
        self._monitor = mon
        for mod in self._buckets.values():
            mod.install_monitor(mon)

    def save_checkpoint(self, prefix: str, epoch: int, remove_amp_cast: bool = False) -> None:
        """``prefix-%04d.params``, one ``prefix-<key>-symbol.json`` per bucket and
        ``prefix.buckets`` (the keys)."""
        assert len(self._buckets) > 0, "Empty BucketingModule cannot be saved"
        self.save_params("%s-%04d.params" % (prefix, epoch))
        for key in self._buckets:
            symbol = self._sym_gen(key)[0]
            symbol.save("%s-%s-symbol.json" % (prefix, key), remove_amp_cast=remove_amp_cast)
        nd.save("%s.buckets" % prefix, nd.array(list(self._buckets.keys()), dtype=np.int32))

    @staticmethod
    def load(prefix: str, epoch: int, sym_gen: Any = None, default_bucket_key: Any = None,
             **kwargs: Any) -> "BucketingModule":
        assert sym_gen is not None, "sym_gen is required for loading BucketingModule"
        assert default_bucket_key is not None, \
            "default_bucket_key is required for loading BucketingModule"
        keys = [int(k) for k in nd.load("%s.buckets" % prefix)[0].asnumpy().astype("int32")]
        mod = BucketingModule(sym_gen, default_bucket_key, **kwargs)
        for key in keys:
            _, data_names, label_names = sym_gen(key)
            symbol = sym.load("%s-%s-symbol.json" % (prefix, key))
            mod._buckets[key] = Module(symbol, data_names, label_names, **kwargs)
            if key == default_bucket_key:
                mod._curr_module = mod._buckets[key]
        arg_params, aux_params = load_params(prefix, epoch)
        cur = mod._curr_module
        cur._arg_params = arg_params  # type: ignore[union-attr]
        cur._aux_params = aux_params  # type: ignore[union-attr]
        cur.params_initialized = True  # type: ignore[union-attr]
        mod.params_initialized = True
        return mod

    @staticmethod
    def load_dict(sym_dict: Any = None, sym_gen: Any = None, default_bucket_key: Any = None,
                  arg_params: Any = None, aux_params: Any = None,
                  **kwargs: Any) -> "BucketingModule":
        assert sym_dict is not None, "sym_dict needs to be provided for BucketingModule.load_dict"
        assert arg_params is not None, \
            "arg_params need to be provided for BucketingModule.load_dict"
        assert aux_params is not None, \
            "aux_params need to be provided for BucketingModule.load_dict"
        assert default_bucket_key is not None, \
            "default_bucket_key needs to be provided for BucketingModule.load_dict"
        mod = BucketingModule(sym_gen, default_bucket_key, **kwargs)
        for key, loaded in sym_dict.items():
            _, data_names, label_names = sym_gen(default_bucket_key)
            mod._buckets[key] = Module(loaded, data_names, label_names, **kwargs)
            if key == default_bucket_key:
                mod._curr_module = mod._buckets[key]
        cur = mod._curr_module
        cur._arg_params = arg_params  # type: ignore[union-attr]
        cur._aux_params = aux_params  # type: ignore[union-attr]
        cur.params_initialized = True  # type: ignore[union-attr]
        mod.params_initialized = True
        return mod
