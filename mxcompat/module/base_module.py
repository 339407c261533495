"""``BaseModule``: the training / scoring / prediction loops shared by every Module kind
(``fit``, ``score``, ``predict``, ``iter_predict``, parameter save/load), with MXNet
1.9.1's log lines."""
from __future__ import annotations

import logging
import time
import warnings
from typing import Any, Dict, List, Optional, Tuple

import numpy as np

from .. import metric
from .. import ndarray
from ..context import cpu
from ..initializer import Uniform
from ..io import DataBatch, DataDesc, DataIter
from ..model import BatchEndParam

__all__ = ["BaseModule"]


def _as_list(obj: Any) -> list:
    return obj if isinstance(obj, list) else [obj]


def _check_input_names(symbol: Any, names: List[str], typename: str, throw: bool) -> None:
    """Complain (ValueError or a warning, as MXNet) about input names not in the symbol."""
    args = symbol.list_arguments()
    for name in names:
        if name in args:
            continue
        candidates = [a for a in args if not a.endswith(("_weight", "_bias", "_gamma", "_beta"))]
        msg = ("\033[91mYou created Module with Module(..., %s_names=%s) but input with name "
               "'%s' is not found in symbol.list_arguments(). Did you mean one of:\n\t%s\033[0m"
               % (typename, str(names), name, "\n\t".join(candidates)))
        if throw:
            raise ValueError(msg)
        warnings.warn(msg, stacklevel=2)


def _check_names_match(data_names: List[str], data_shapes: List[Any], name: str,
                       throw: bool) -> None:
    actual = [x[0] for x in data_shapes]
    if sorted(data_names) != sorted(actual):
        msg = "Data provided by %s_shapes don't match names specified by %s_names (%s vs. %s)" % (
            name, name, str(data_shapes), str(data_names))
        if throw:
            raise ValueError(msg)
        warnings.warn(msg, stacklevel=2)


def _parse_data_desc(data_names: List[str], label_names: List[str], data_shapes: Any,
                     label_shapes: Any) -> Tuple[List[Any], Optional[List[Any]]]:
    """DataDescs from ``(name, shape)`` tuples or DataDescs, checked against the names."""
    data_shapes = [x if isinstance(x, DataDesc) else DataDesc(*x) for x in data_shapes]
    _check_names_match(data_names, data_shapes, "data", True)
    if label_shapes is not None:
        label_shapes = [x if isinstance(x, DataDesc) else DataDesc(*x) for x in label_shapes]
        _check_names_match(label_names, label_shapes, "label", False)
    else:
        _check_names_match(label_names, [], "label", False)
    return data_shapes, label_shapes


class BaseModule:
    """The interface every module implements, and the loops built on it."""

    def __init__(self, logger: Any = logging):
        self.logger = logger
        self.binded = False
        self.for_training = False
        self.inputs_need_grad = False
        self.params_initialized = False
        self.optimizer_initialized = False
        self._symbol: Any = None
        self._total_exec_bytes = 0

    # ---- high level ----------------------------------------------------------------
    def forward_backward(self, data_batch: Any) -> None:
        self.forward(data_batch, is_train=True)
        self.backward()

    def score(self, eval_data: Any, eval_metric: Any, num_batch: Optional[int] = None,
              batch_end_callback: Any = None, score_end_callback: Any = None,
              reset: bool = True, epoch: int = 0, sparse_row_id_fn: Any = None) -> list:
        """Run ``eval_data`` through the module and return ``eval_metric``'s
        ``[(name, value)]``."""
        assert self.binded and self.params_initialized
        if reset:
            eval_data.reset()
        if not isinstance(eval_metric, metric.EvalMetric):
            eval_metric = metric.create(eval_metric)
        eval_metric.reset()
        actual_num_batch = 0
        for nbatch, eval_batch in enumerate(eval_data):
            if num_batch is not None and nbatch == num_batch:
                break
            self.prepare(eval_batch, sparse_row_id_fn=sparse_row_id_fn)
            self.forward(eval_batch, is_train=False)
            if isinstance(eval_batch, list):
                self.update_metric(eval_metric, [b.label for b in eval_batch], pre_sliced=True)
            else:
                self.update_metric(eval_metric, eval_batch.label)
            if batch_end_callback is not None:
                p = BatchEndParam(epoch=epoch, nbatch=nbatch, eval_metric=eval_metric,
                                  locals=locals())
                for cb in _as_list(batch_end_callback):
                    cb(p)
            actual_num_batch += 1
        if score_end_callback:
            p = BatchEndParam(epoch=epoch, nbatch=actual_num_batch, eval_metric=eval_metric,
                              locals=locals())
            for cb in _as_list(score_end_callback):
                cb(p)
        return eval_metric.get_name_value()

    def iter_predict(self, eval_data: Any, num_batch: Optional[int] = None, reset: bool = True,
                     sparse_row_id_fn: Any = None) -> Any:
        """Yield ``(outputs, nbatch, batch)`` per batch, padding removed."""
        assert self.binded and self.params_initialized
        if reset:
            eval_data.reset()
        for nbatch, eval_batch in enumerate(eval_data):
            if num_batch is not None and nbatch == num_batch:
                break
            self.prepare(eval_batch, sparse_row_id_fn=sparse_row_id_fn)
            self.forward(eval_batch, is_train=False)
            pad = eval_batch.pad
            outputs = [o[0:o.shape[0] - pad] for o in self.get_outputs()]
            yield outputs, nbatch, eval_batch

    def predict(self, eval_data: Any, num_batch: Optional[int] = None,
                merge_batches: bool = True, reset: bool = True,
                always_output_list: bool = False, sparse_row_id_fn: Any = None) -> Any:
        """The outputs over ``eval_data`` (a DataIter, or one NDArray / numpy batch)."""
        assert self.binded and self.params_initialized
        if isinstance(eval_data, (ndarray.NDArray, np.ndarray)):
            if isinstance(eval_data, np.ndarray):
                eval_data = ndarray.array(eval_data)
            self.forward(DataBatch([eval_data]))
            return self.get_outputs()[0]
        if not isinstance(eval_data, DataIter):
            raise ValueError("eval_data must be of type NDArray or DataIter")
        if reset:
            eval_data.reset()
        output_list = []
        for nbatch, eval_batch in enumerate(eval_data):
            if num_batch is not None and nbatch == num_batch:
                break
            self.prepare(eval_batch, sparse_row_id_fn=sparse_row_id_fn)
            self.forward(eval_batch, is_train=False)
            pad = eval_batch.pad
            output_list.append([o[0:o.shape[0] - pad].copy() for o in self.get_outputs()])
        if not output_list:
            return output_list
        if merge_batches:
            n = len(output_list[0])
            for out in output_list:
                assert len(out) == n, ("Cannot merge batches, as num of outputs is not the same "
                                       "in mini-batches. Maybe bucketing is used?")
            merged = [ndarray.concat(*[out[i] for out in output_list], dim=0)
                      for i in range(n)]
            if n == 1 and not always_output_list:
                return merged[0]
            return merged
        return output_list

    def fit(self, train_data: Any, eval_data: Any = None, eval_metric: Any = "acc",
            epoch_end_callback: Any = None, batch_end_callback: Any = None,
            kvstore: Any = "local", optimizer: Any = "sgd",
            optimizer_params: Any = (("learning_rate", 0.01),), eval_end_callback: Any = None,
            eval_batch_end_callback: Any = None, initializer: Any = Uniform(0.01),
            arg_params: Any = None, aux_params: Any = None, allow_missing: bool = False,
            force_rebind: bool = False, force_init: bool = False, begin_epoch: int = 0,
            num_epoch: Optional[int] = None, validation_metric: Any = None,
            monitor: Any = None, sparse_row_id_fn: Any = None) -> None:
        """Train for epochs ``begin_epoch .. num_epoch - 1``: bind, init_params,
        init_optimizer, then forward/backward/update per batch, logging
        ``Epoch[i] Train-<metric>=...``, ``Epoch[i] Time cost=...`` and, with ``eval_data``,
        ``Epoch[i] Validation-<metric>=...``."""
        assert num_epoch is not None, "please specify number of epochs"
        self.bind(data_shapes=train_data.provide_data, label_shapes=train_data.provide_label,
                  for_training=True, force_rebind=force_rebind)
        if monitor is not None:
            self.install_monitor(monitor)
        self.init_params(initializer=initializer, arg_params=arg_params,
                         aux_params=aux_params, allow_missing=allow_missing,
                         force_init=force_init)
        self.init_optimizer(kvstore=kvstore, optimizer=optimizer,
                            optimizer_params=optimizer_params)
        if validation_metric is None:
            validation_metric = eval_metric
        if not isinstance(eval_metric, metric.EvalMetric):
            eval_metric = metric.create(eval_metric)
        for epoch in range(begin_epoch, num_epoch):
            tic = time.time()
            eval_metric.reset()
            nbatch = 0
            data_iter = iter(train_data)
            end_of_batch = False
            next_batch = next(data_iter)
            name_values: list = []
            while not end_of_batch:
                batch = next_batch
                if monitor is not None:
                    monitor.tic()
                self.forward_backward(batch)
                self.update()
                if isinstance(batch, list):
                    self.update_metric(eval_metric, [b.label for b in batch], pre_sliced=True)
                else:
                    self.update_metric(eval_metric, batch.label)
                try:
                    next_batch = next(data_iter)
                    self.prepare(next_batch, sparse_row_id_fn=sparse_row_id_fn)
                except StopIteration:
                    end_of_batch = True
                if monitor is not None:
                    monitor.toc_print()
                if end_of_batch:
                    name_values = eval_metric.get_global_name_value()
                if batch_end_callback is not None:
                    p = BatchEndParam(epoch=epoch, nbatch=nbatch, eval_metric=eval_metric,
                                      locals=locals())
                    for cb in _as_list(batch_end_callback):
                        cb(p)
                nbatch += 1
            for name, val in name_values:
                self.logger.info("Epoch[%d] Train-%s=%f", epoch, name, val)
            toc = time.time()
            self.logger.info("Epoch[%d] Time cost=%.3f", epoch, toc - tic)
            arg_params_, aux_params_ = self.get_params()
            self.set_params(arg_params_, aux_params_)
            if epoch_end_callback is not None:
                for cb in _as_list(epoch_end_callback):
                    cb(epoch, self.symbol, arg_params_, aux_params_)
            if eval_data is not None:
                res = self.score(eval_data, validation_metric,
                                 score_end_callback=eval_end_callback,
                                 batch_end_callback=eval_batch_end_callback, epoch=epoch)
                for name, val in res:
                    self.logger.info("Epoch[%d] Validation-%s=%f", epoch, name, val)
            train_data.reset()

    # ---- symbol information -----------------------------------------------------------
    @property
    def data_names(self) -> List[str]:
        raise NotImplementedError()

    @property
    def output_names(self) -> List[str]:
        raise NotImplementedError()

    @property
    def data_shapes(self) -> List[Any]:
        raise NotImplementedError()

    @property
    def label_shapes(self) -> Any:
        raise NotImplementedError()

    @property
    def output_shapes(self) -> List[Any]:
        raise NotImplementedError()

    @property
    def symbol(self) -> Any:
        return self._symbol

    # ---- parameters --------------------------------------------------------------------
    def get_params(self) -> Tuple[Dict[str, Any], Dict[str, Any]]:
        raise NotImplementedError()

    def init_params(self, initializer: Any = Uniform(0.01), arg_params: Any = None,
                    aux_params: Any = None, allow_missing: bool = False,
                    force_init: bool = False, allow_extra: bool = False) -> None:
        raise NotImplementedError()

    def set_params(self, arg_params: Any, aux_params: Any, allow_missing: bool = False,
                   force_init: bool = True, allow_extra: bool = False) -> None:
        self.init_params(initializer=None, arg_params=arg_params, aux_params=aux_params,
                         allow_missing=allow_missing, force_init=force_init,
                         allow_extra=allow_extra)

    def save_params(self, fname: str) -> None:
        """Save the parameters as ``arg:name`` / ``aux:name`` arrays (MXNet's format)."""
        arg_params, aux_params = self.get_params()
        d = {"arg:%s" % k: v.as_in_context(cpu()) for k, v in arg_params.items()}
        d.update({"aux:%s" % k: v.as_in_context(cpu()) for k, v in aux_params.items()})
        ndarray.save(fname, d)

    def load_params(self, fname: str) -> None:
        saved = ndarray.load(fname)
        if not isinstance(saved, dict):
            raise ValueError("Invalid param file " + fname)
        arg_params: Dict[str, Any] = {}
        aux_params: Dict[str, Any] = {}
        for k, v in saved.items():
            kind, _, name = k.partition(":")
            if kind == "arg":
                arg_params[name] = v
            elif kind == "aux":
                aux_params[name] = v
            else:
                raise ValueError("Invalid param file " + fname)
        self.set_params(arg_params, aux_params)

    def get_states(self, merge_multi_context: bool = True) -> list:
        assert self.binded and self.params_initialized
        assert not merge_multi_context
        return []

    def set_states(self, states: Any = None, value: Any = None) -> None:
        assert self.binded and self.params_initialized
        assert not states and not value

    def install_monitor(self, mon: Any) -> None:
        raise NotImplementedError()

    # ---- computation -----------------------------------------------------------------
    def prepare(self, data_batch: Any, sparse_row_id_fn: Any = None) -> None:
        if sparse_row_id_fn is not None:
            warnings.warn(UserWarning("sparse_row_id_fn is not invoked for BaseModule."),
                          stacklevel=2)

    def forward(self, data_batch: Any, is_train: Optional[bool] = None) -> None:
        raise NotImplementedError()

    def backward(self, out_grads: Any = None) -> None:
        raise NotImplementedError()

    def get_outputs(self, merge_multi_context: bool = True) -> list:
        raise NotImplementedError()

    def get_input_grads(self, merge_multi_context: bool = True) -> list:
        raise NotImplementedError()

    def update(self) -> None:
        raise NotImplementedError()

    def update_metric(self, eval_metric: Any, labels: Any, pre_sliced: bool = False) -> None:
        raise NotImplementedError()

    # ---- binding / optimizer -------------------------------------------------------------
    def bind(self, data_shapes: Any, label_shapes: Any = None, for_training: bool = True,
             inputs_need_grad: bool = False, force_rebind: bool = False,
             shared_module: Any = None, grad_req: Any = "write") -> None:
        raise NotImplementedError()

    def init_optimizer(self, kvstore: Any = "local", optimizer: Any = "sgd",
                       optimizer_params: Any = (("learning_rate", 0.01),),
                       force_init: bool = False) -> None:
        raise NotImplementedError()
