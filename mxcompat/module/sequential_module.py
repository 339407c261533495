"""``SequentialModule``: modules chained output-to-input (``add(module, take_labels=...,
auto_wiring=...)``)."""
from __future__ import annotations

import copy
import logging
from typing import Any, Dict, List, Optional

from ..initializer import Uniform
from .base_module import BaseModule

__all__ = ["SequentialModule"]


class SequentialModule(BaseModule):
    """Modules run in order; ``take_labels=True`` gives a module the labels (and makes it
    count for ``update_metric``), ``auto_wiring=True`` renames the previous outputs to its
    data names."""

    META_TAKE_LABELS = "take_labels"
    META_AUTO_WIRING = "auto_wiring"

    def __init__(self, logger: Any = logging):
        super().__init__(logger=logger)
        self._modules: List[Any] = []
        self._metas: List[Dict[str, Any]] = []
        self._label_shapes: Any = None
        self._data_shapes: Any = None
        self._meta_keys = {self.META_TAKE_LABELS, self.META_AUTO_WIRING}

    def add(self, module: Any, **kwargs: Any) -> "SequentialModule":
        self._modules.append(module)
        for key in kwargs:
            assert key in self._meta_keys, 'Unknown meta "%s", a typo?' % key
        self._metas.append(kwargs)
        self.binded = False
        self.params_initialized = False
        self.optimizer_initialized = False
        return self

    @property
    def data_names(self) -> List[str]:
        return self._modules[0].data_names if self._modules else []

    @property
    def output_names(self) -> List[str]:
        return self._modules[-1].output_names if self._modules else []

    @property
    def data_shapes(self) -> Any:
        assert self.binded
        return self._modules[0].data_shapes

    @property
    def label_shapes(self) -> Any:
        assert self.binded
        return self._label_shapes

    @property
    def output_shapes(self) -> Any:
        assert self.binded
        return self._modules[-1].output_shapes

    def get_params(self) -> Any:
        assert self.binded and self.params_initialized
        arg_params: Dict[str, Any] = {}
        aux_params: Dict[str, Any] = {}
        for m in self._modules:
            arg, aux = m.get_params()
            arg_params.update(arg)
            aux_params.update(aux)
        return arg_params, aux_params

    def init_params(self, initializer: Any = Uniform(0.01), arg_params: Any = None,
                    aux_params: Any = None, allow_missing: bool = False,
                    force_init: bool = False, allow_extra: bool = False) -> None:
        if self.params_initialized and not force_init:
            return
        assert self.binded, "call bind before initializing the parameters"
        for m in self._modules:
            m.init_params(initializer=initializer, arg_params=arg_params,
                          aux_params=aux_params, allow_missing=allow_missing,
                          force_init=force_init, allow_extra=allow_extra)
        seen_arg: Dict[str, int] = {}
        seen_aux: Dict[str, int] = {}
        for i, m in enumerate(self._modules):
            arg, aux = m.get_params()
            for seen, names in ((seen_arg, arg.keys()), (seen_aux, aux.keys())):
                for name in names:
                    if name in seen:
                        j = seen[name]
                        raise AssertionError(
                            'Duplicated parameter names: name "%s" in layer %d (%s) is already '
                            "used in layer %d (%s)." % (name, i, type(self._modules[i]), j,
                                                        type(self._modules[j])))
                    seen[name] = i
        self.params_initialized = True

    def bind(self, data_shapes: Any, label_shapes: Any = None, for_training: bool = True,
             inputs_need_grad: bool = False, force_rebind: bool = False,
             shared_module: Any = None, grad_req: Any = "write") -> None:
        if self.binded and not force_rebind:
            self.logger.warning("Already bound, ignoring bind()")
            return
        if inputs_need_grad:
            assert for_training is True
        assert shared_module is None, "Shared module is not supported"
        assert len(self._modules) > 0, "Attempting to bind an empty SequentialModule"
        self.binded = True
        self._label_shapes = label_shapes
        shapes = data_shapes
        any_labels = False
        for i, m in enumerate(self._modules):
            meta = self._metas[i]
            if meta.get(self.META_TAKE_LABELS):
                my_labels = label_shapes
                any_labels = True
            else:
                my_labels = None
            need_grad = bool(inputs_need_grad or (for_training and i > 0))
            if meta.get(self.META_AUTO_WIRING, False):
                names = m.data_names
                assert len(names) == len(shapes)
                shapes = [(n, s) for n, (_, s) in zip(names, shapes)]
            m.bind(data_shapes=shapes, label_shapes=my_labels, for_training=for_training,
                   inputs_need_grad=need_grad, force_rebind=force_rebind, shared_module=None,
                   grad_req=grad_req)
            shapes = m.output_shapes
        if not any_labels:
            self._label_shapes = None

    def init_optimizer(self, kvstore: Any = "local", optimizer: Any = "sgd",
                       optimizer_params: Any = (("learning_rate", 0.01),),
                       force_init: bool = False) -> None:
        assert self.binded and self.params_initialized
        if self.optimizer_initialized and not force_init:
            self.logger.warning("optimizer already initialized, ignoring.")
            return
        for m in self._modules:
            m.init_optimizer(kvstore=kvstore, optimizer=optimizer,
                             optimizer_params=optimizer_params, force_init=force_init)
        self.optimizer_initialized = True

    def forward(self, data_batch: Any, is_train: Optional[bool] = None) -> None:
        assert self.binded and self.params_initialized
        batch = copy.copy(data_batch)
        for i, m in enumerate(self._modules):
            m.forward(batch, is_train=is_train)
            if i + 1 == len(self._modules):
                break
            batch.data = m.get_outputs()
            if hasattr(batch, "provide_data"):
                names = [x[0] for x in m.output_shapes]
                assert len(names) == len(batch.data)
                batch.provide_data = [(n, x.shape) for n, x in zip(names, batch.data)]

    def backward(self, out_grads: Any = None) -> None:
        assert self.binded and self.params_initialized
        for i in range(len(self._modules) - 1, -1, -1):
            m = self._modules[i]
            m.backward(out_grads=out_grads)
            if i == 0:
                break
            out_grads = m.get_input_grads()

    def update(self) -> None:
        assert self.binded and self.params_initialized and self.optimizer_initialized
        for m in self._modules:
            m.update()

    def get_outputs(self, merge_multi_context: bool = True) -> Any:
        assert self.binded and self.params_initialized
        return self._modules[-1].get_outputs(merge_multi_context=merge_multi_context)

    def get_input_grads(self, merge_multi_context: bool = True) -> Any:
        assert self.binded and self.params_initialized and self.inputs_need_grad
        return self._modules[0].get_input_grads(merge_multi_context=merge_multi_context)

    def update_metric(self, eval_metric: Any, labels: Any, pre_sliced: bool = False) -> None:
        assert self.binded and self.params_initialized
        for meta, m in zip(self._metas, self._modules):
            if meta.get(self.META_TAKE_LABELS):
                m.update_metric(eval_metric, labels, pre_sliced)

    def install_monitor(self, mon: Any) -> None:
        assert self.binded
        for m in self._modules:
            m.install_monitor(mon)
