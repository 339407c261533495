"""``gluon.Trainer``: applies an optimizer to a set of Parameters, as MXNet 1.9.1's does.

``trainer.step(batch_size)`` rescales the gradients by ``1/batch_size``, sums them across the
parameters' contexts (through a KVStore when there are several) and updates every parameter
whose gradient backward has written since the last step. ``save_states`` / ``load_states``
read and write MXNet's states files (a pickle of the updater's states and the optimizer).

KVStore: with one context and a non-distributed kvstore type, MXNet uses no KVStore at all;
with several contexts, ``'device'``/``'local'`` sum the gradients across contexts and (by
default, ``update_on_kvstore``) update once and copy the result to every context. mxcompat
does the same with ``mx.kv`` stores (``dist_*`` kinds across processes on
``torch.distributed``, see docs/distributed.md). Everything that creates or
talks to a KVStore goes through :meth:`Trainer._create_kvstore` and :meth:`_allreduce_grads`,
the hooks where distributed kvstores (``mx.kvstore``) plug in.

PyTorch counterpart: ``torch.optim.Optimizer`` (``step()`` after ``loss.backward()``; torch
has no ``batch_size`` rescaling: divide the loss instead) plus
``torch.nn.parallel.DistributedDataParallel`` for the gradient all-reduce.
"""
from __future__ import annotations

import os
import tempfile
from typing import Any, Dict, List, Optional

import numpy as np
import torch

from .. import optimizer as opt
from ..autograd import _Grad
from ..base import MXNetAssertionError, MXNetError, MXNetTypeError, MXNetValueError
from ..ndarray import NDArray
from .parameter import Parameter, ParameterDict

__all__ = ["Trainer"]


class Trainer:
    """Applies an optimizer to a list (or dict / ParameterDict) of Parameters.

    ``optimizer`` is a name for ``mx.optimizer.create`` (with ``optimizer_params``) or an
    Optimizer instance; ``kvstore`` is ``'device'``, ``'local'``, None or a KVStore;
    ``update_on_kvstore`` None lets the kvstore decide (as MXNet).
    """

    def __init__(self, params: Any, optimizer: Any, optimizer_params: Optional[dict] = None,
                 kvstore: Any = "device", compression_params: Optional[dict] = None,
                 update_on_kvstore: Optional[bool] = None):
        if isinstance(params, (dict, ParameterDict)):
            params = [params[key] for key in sorted(list(params.keys()))]
        if not isinstance(params, (list, tuple)):
            raise MXNetValueError(f"First argument must be a list or dict of Parameters, got "
                                  f"{type(params)}.")
        self._params: List[Parameter] = []
        self._contains_sparse_weight = False
        self._contains_sparse_grad = False
        self._param2idx: Dict[str, int] = {}
        for i, param in enumerate(params):
            if not isinstance(param, Parameter):
                raise MXNetValueError(f"First argument must be a list or dict of Parameters, "
                                      f"got list of {type(param)}.")
            self._param2idx[param.name] = i
            self._params.append(param)
            param._set_trainer(self)
            if param._stype != "default":
                self._contains_sparse_weight = True
            if param._grad_stype != "default":
                self._contains_sparse_grad = True
        self._compression_params = compression_params
        self._contexts = self._check_contexts()
        self._init_optimizer(optimizer, optimizer_params if optimizer_params else {})
        self._scale = self._optimizer.rescale_grad
        self._kvstore_params = {"kvstore": kvstore, "update_on_kvstore": update_on_kvstore}
        self._kv_initialized = False
        self._kvstore: Any = None
        self._update_on_kvstore: Optional[bool] = None
        self._distributed: Optional[bool] = None
        self._params_to_init: List[Parameter] = []
        self._fast: Any = None
        self._reset_kvstore()

    def _check_contexts(self) -> Any:
        contexts = None
        for param in self._params:
            ctx = param.list_ctx()
            if contexts is not None and contexts != ctx:
                raise MXNetAssertionError(
                    "All Parameters must be initialized on the same set of contexts, but "
                    f"Parameter {param.name} is initialized on {ctx} while previous "
                    f"Parameters are initialized on {contexts}.")
            contexts = ctx
        return contexts

    def _init_optimizer(self, optimizer: Any, optimizer_params: dict) -> None:
        param_dict = {i: param for i, param in enumerate(self._params)}
        if isinstance(optimizer, opt.Optimizer):
            if optimizer_params:
                raise MXNetAssertionError("optimizer_params must be None if optimizer is an "
                                          "instance of Optimizer instead of str")
            self._optimizer = optimizer
            self._optimizer.param_dict = param_dict
        elif isinstance(optimizer, str):
            if not isinstance(optimizer_params, dict):
                raise MXNetTypeError(f"Trainer: optimizer_params must be a dict, got "
                                     f"{type(optimizer_params).__name__}")
            self._optimizer = opt.create(optimizer, param_dict=param_dict, **optimizer_params)
        else:
            raise MXNetTypeError(f"Trainer: optimizer must be an optimizer name or an "
                                 f"mx.optimizer.Optimizer, got {type(optimizer).__name__}")
        self._updaters = [opt.get_updater(self._optimizer) for _ in self._contexts]

    def _init_params(self) -> None:
        if not self._kv_initialized:
            raise MXNetAssertionError("Cannot initialize parameters in KVStore when KVStore "
                                      "is not initialized.")
        pending = []
        if self._kvstore:
            for param in self._params_to_init:
                if param._deferred_init:
                    pending.append(param)
                    continue
                arrays = param._check_and_get(param._data, list)
                idx = self._param2idx[param.name]
                if param._stype != "default":
                    self._kvstore.init(idx, arrays[0])
                else:
                    self._kvstore.broadcast(idx, arrays[0], arrays)
        self._params_to_init = pending

    def _reset_kvstore(self) -> None:
        if self._kvstore and "dist" in self._kvstore.type:
            raise MXNetError("Cannot reset distributed KVStore.")
        self._kv_initialized = False
        self._kvstore = None
        self._distributed = None
        self._update_on_kvstore = None
        self._params_to_init = list(self._params)
        self._fast = None

    # ==== KVStore hookup: the one place a KVStore is chosen and created ====================
    def _create_kvstore(self, kvstore: Any, num_device: int, arg_arrays: dict) -> tuple:
        """(kvstore or None, update_on_kvstore), as MXNet's ``model._create_kvstore``.

        A KVStore object (anything with ``type`` / ``pushpull``, e.g. from ``mx.kvstore``)
        is used as given; a name goes to ``mx.kv.create`` (``'device'``/``'local'`` over
        several contexts, or a ``'dist_*'`` kind across worker processes)."""
        update = bool(int(os.getenv("MXNET_UPDATE_ON_KVSTORE", "1")))
        if kvstore is None:
            kv = None
        elif isinstance(kvstore, str):
            if num_device == 1 and "dist" not in kvstore:
                kv = None
            else:
                from .. import kvstore as kvs  # mx.kv: local/device stores, dist_* kinds
                kv = kvs.create(kvstore)
                if kvstore == "local":
                    biggest = max(int(np.prod(a.shape)) for a in arg_arrays.values())
                    if biggest > 1024 * 1024 * 16:
                        update = False
        elif hasattr(kvstore, "pushpull") and hasattr(kvstore, "type"):
            kv = kvstore
        else:
            raise MXNetTypeError("kvstore must be KVStore, str or None")
        if kv is None:
            update = False
        else:
            update = update and kv.is_capable("optimizer")
        return kv, update

    def _create_sparse_kvstore(self, kvstore: Any) -> tuple:
        """Row-sparse weights always update on a kvstore (MXNet's
        ``model._create_sparse_kvstore``)."""
        if isinstance(kvstore, str):
            from .. import kvstore as kvs  # mx.kv: local/device stores, dist_* kinds
            return kvs.create(kvstore), True
        if kvstore is not None and hasattr(kvstore, "pushpull") and hasattr(kvstore, "type"):
            return kvstore, True
        raise MXNetTypeError(f"Cannot create '{kvstore}' KVStore with row_sparse parameters. "
                             "The type must be KVStore or str.")

    def _init_kvstore(self) -> None:
        config = self._kvstore_params
        if self._contains_sparse_weight:
            kvstore, update_on_kvstore = self._create_sparse_kvstore(config["kvstore"])
            self._distributed = "dist" in kvstore.type
            if config["update_on_kvstore"] is False:
                raise MXNetValueError("Cannot set update_on_kvstore=False when sparse weights "
                                      "are present.")
        elif self._contains_sparse_grad:
            arg_arrays = {p.name: p.data(self._contexts[0]) for p in self._params}
            kvstore, _ = self._create_kvstore(config["kvstore"], len(self._contexts),
                                              arg_arrays)
            self._distributed = "dist" in kvstore.type if kvstore else False
            update_on_kvstore = self._distributed
            if config["update_on_kvstore"] is not None:
                if config["update_on_kvstore"] is False and self._distributed:
                    raise MXNetValueError("Cannot set update_on_kvstore=False on dist kvstore "
                                          "when sparse gradients are present.")
                update_on_kvstore = config["update_on_kvstore"]
        else:
            arg_arrays = {p.name: p.data(self._contexts[0]) for p in self._params}
            kvstore, update_on_kvstore = self._create_kvstore(config["kvstore"],
                                                              len(self._contexts), arg_arrays)
            self._distributed = "dist" in kvstore.type if kvstore else False
            if self._distributed and "async" in kvstore.type:
                update_on_kvstore = True
                if config["update_on_kvstore"] is False:
                    raise MXNetValueError("Please set update_on_kvstore=True when training in "
                                          "async mode.")
            if config["update_on_kvstore"] is not None:
                update_on_kvstore = config["update_on_kvstore"]
            if update_on_kvstore and not kvstore.is_capable("optimizer"):
                if config["update_on_kvstore"]:
                    raise MXNetValueError("Please set update_on_kvstore=False when training "
                                          f"with {type(kvstore)}")
                update_on_kvstore = False
        if kvstore:
            if self._compression_params:
                kvstore.set_gradient_compression(self._compression_params)
            if update_on_kvstore:
                kvstore.set_optimizer(self._optimizer)
            self._kvstore = kvstore
            self._update_on_kvstore = update_on_kvstore
        else:
            self._kvstore = None
            self._update_on_kvstore = None
        self._kv_initialized = True

    def _allreduce_grads(self) -> None:
        """Sum each parameter's gradients over its contexts through the kvstore (and, with
        update_on_kvstore, update the weights there)."""
        if not self._kvstore:
            return
        for i, param in enumerate(self._params):
            if param.grad_req == "null":
                continue
            grads = param.list_grad()
            if grads[0].stype != "default":
                self._kvstore.push(i, grads, priority=-i)
                if param._stype == "default":
                    pull = param.list_data() if self._update_on_kvstore else grads
                    self._kvstore.pull(i, pull, priority=-i, ignore_sparse=self._distributed)
                continue
            if self._update_on_kvstore:
                self._kvstore.pushpull(i, grads, out=param.list_data(), priority=-i)
            else:
                self._kvstore.pushpull(i, grads, priority=-i)
    # ==== end of the KVStore hookup ===========================================================

    @property
    def learning_rate(self) -> float:
        if not isinstance(self._optimizer, opt.Optimizer):
            raise UserWarning("Optimizer has to be defined before its learning rate can be "
                              "accessed.")
        return self._optimizer.learning_rate

    @property
    def optimizer(self) -> opt.Optimizer:
        if isinstance(self._optimizer, opt.Optimizer):
            return self._optimizer
        raise UserWarning("Optimizer has not been initialized yet")

    def set_learning_rate(self, lr: float) -> None:
        """Set the optimizer's learning rate (not with an lr_scheduler)."""
        if not isinstance(self._optimizer, opt.Optimizer):
            raise UserWarning("Optimizer has to be defined before its learning rate is "
                              "mutated.")
        self._optimizer.set_learning_rate(lr)

    def _row_sparse_pull(self, parameter: Any, out: Any, row_id: Any,
                         full_idx: bool = False) -> None:
        """Fill ``out`` (a row_sparse parameter's arrays) with the rows ``row_id`` of the
        kvstore's weight (Parameter.row_sparse_data calls this)."""
        self._prepare()
        idx = self._param2idx[parameter.name]
        if full_idx:  # every row: a plain pull (the dist stores hold dense weights)
            if row_id.size != out.shape[0]:
                raise MXNetAssertionError("row_sparse_pull: full_idx needs every row id")
            self._kvstore.pull(idx, out=out, priority=-idx, ignore_sparse=False)
        elif all(o.stype == "row_sparse" for o in (out if isinstance(out, list) else [out])):
            self._kvstore.row_sparse_pull(idx, out=out, row_ids=row_id, priority=-idx)
        else:
            # mxcompat's row_sparse Parameters hold dense arrays (the KVStore, as MXNet's,
            # row_sparse_pulls only into row_sparse arrays): the pulled rows, zeros elsewhere
            self._kvstore.pull(idx, out=out, priority=-idx, ignore_sparse=False)
            for o in (out if isinstance(out, list) else [out]):
                keep = torch.zeros(o.shape[0], dtype=torch.bool, device=o._t.device)
                keep[row_id._t.reshape(-1).to(device=o._t.device, dtype=torch.int64)] = True
                o._t.data[~keep] = 0  # like the pull: invisible to autograd

    def _check_and_rescale_grad(self, scale: float) -> None:
        if self._update_on_kvstore and self._distributed and self._kv_initialized:
            if self._optimizer.rescale_grad != scale:
                raise UserWarning("Possible change in the `batch_size` from previous `step` "
                                  "detected. Optimizer gradient normalizing factor will not "
                                  "change w.r.t new batch_size when update_on_kvstore=True "
                                  "and when distributed kvstore is used.")
        self._optimizer.rescale_grad = scale

    def _prepare(self) -> None:
        if not self._kv_initialized:
            self._init_kvstore()
        if self._params_to_init:
            self._init_params()

    def step(self, batch_size: Any, ignore_stale_grad: bool = False) -> None:
        """One update: gradients rescaled by ``1/batch_size``, summed over contexts, applied.
        A parameter whose gradient backward has not written since the last step is an error
        (``UserWarning``, as MXNet) unless ``ignore_stale_grad``, which skips it."""
        _check_batch(batch_size, "step")
        self._check_and_rescale_grad(self._scale / batch_size)
        self._prepare()
        self._allreduce_grads()
        self._update(ignore_stale_grad)

    def allreduce_grads(self) -> None:
        """Sum the gradients over contexts (for ``update`` after gradient processing)."""
        self._prepare()
        if self._kvstore and self._update_on_kvstore:
            raise MXNetAssertionError(
                "allreduce_grads() when parameters are updated on kvstore is not supported. "
                "Try setting `update_on_kvstore` to False when creating trainer.")
        self._allreduce_grads()

    def update(self, batch_size: Any, ignore_stale_grad: bool = False) -> None:
        """Apply the update only (after ``allreduce_grads``)."""
        _check_batch(batch_size, "update")
        self._prepare()
        if self._kvstore and self._update_on_kvstore:
            raise MXNetAssertionError(
                "update() when parameters are updated on kvstore is not supported. Try "
                "setting `update_on_kvstore` to False when creating trainer.")
        self._check_and_rescale_grad(self._scale / batch_size)
        self._update(ignore_stale_grad)

    def _update(self, ignore_stale_grad: bool = False) -> None:
        loss_scaler = getattr(self, "_amp_loss_scaler", None)
        if loss_scaler is not None and loss_scaler.has_overflow(self._params):
            return
        on_kv = bool(self._kvstore and self._update_on_kvstore)
        if not on_kv and not ignore_stale_grad and len(self._updaters) == 1:
            batch = self._one_context_batch()
            if batch is not None:
                if batch[0]:
                    self._updaters[0](*batch)
                return
        updates: List[list] = [[] for _ in self._updaters]
        for i, param in enumerate(self._params):
            if param.grad_req == "null":
                continue
            datas = param._check_and_get(param._data, list)
            if not ignore_stale_grad:
                for data in datas:
                    if not data._fresh_grad:
                        raise _stale(param, data)
            if on_kv:
                continue
            for upd, arr, grad in zip(updates, datas, param.list_grad()):
                if not ignore_stale_grad or arr._fresh_grad:
                    upd.append((i, grad, arr))
                    arr._fresh_grad = False
        if on_kv:
            return
        for updater, upd in zip(self._updaters, updates):
            if upd:
                i, g, w = zip(*upd)
                updater(list(i), list(g), list(w))

    def _one_context_batch(self) -> Optional[tuple]:
        """The (indices, grads, weights) of a one-context step, checking and clearing the
        fresh-gradient flags as the general loop does; None for anything unusual (sparse,
        uninitialized) so that the general loop handles it."""
        idx: list = []
        grads: list = []
        weights: list = []
        for i, param in enumerate(self._params):
            if param.grad_req == "null":
                continue
            d, g = param._data, param._grad
            if d is None or g is None or param._grad_stype != "default" or len(d) != 1:
                for arr in weights:  # undo: the general loop clears them itself
                    arr._ag.fresh = True
                return None
            arr = d[0]
            ag = arr._ag
            if not (isinstance(ag, _Grad) and ag.fresh):
                raise _stale(param, arr)
            ag.fresh = False
            idx.append(i)
            grads.append(g[0])
            weights.append(arr)
        return idx, grads, weights

    def save_states(self, fname: str) -> None:
        """Save the optimizer and its states to ``fname`` in MXNet's format (atomically)."""
        if self._optimizer is None:
            raise MXNetAssertionError("Trainer.save_states: no optimizer")
        self._prepare()
        if self._update_on_kvstore:
            if self._params_to_init:
                raise MXNetAssertionError("Cannot save trainer states when some parameters "
                                          "are not yet initialized in kvstore.")
            self._kvstore.save_optimizer_states(fname, dump_optimizer=True)
        else:
            _atomic_write(fname, self._updaters[0].get_states(dump_optimizer=True))

    def load_states(self, fname: str) -> None:
        """Load what ``save_states`` (here or in MXNet) wrote. A file from another optimizer
        or a corrupt file is an MXNetError, and leaves the trainer unchanged."""
        self._prepare()
        if self._update_on_kvstore:
            self._kvstore.load_optimizer_states(fname)
            self._optimizer = self._kvstore._updater.optimizer
        else:
            data = _read(fname)
            probe = opt.get_updater(self._optimizer)
            probe.set_states(data)  # validates before anything changes
            for updater in self._updaters:
                updater.set_states(data)
                updater.optimizer = self._updaters[0].optimizer
            self._optimizer = self._updaters[0].optimizer
        self._optimizer.param_dict = {i: p for i, p in enumerate(self._params)}


def _stale(param: Any, data: NDArray) -> UserWarning:
    return UserWarning(
        f"Gradient of Parameter `{param.name}` on context {data.context} has not been "
        "updated by backward since last `step`. This could mean a bug in your model that "
        "made it only use a subset of the Parameters (Blocks) for this iteration. If you are "
        "intentionally only using a subset, call step with ignore_stale_grad=True to "
        "suppress this warning and skip updating of Parameters with stale gradient")


def _check_batch(batch_size: Any, what: str) -> None:
    if isinstance(batch_size, bool) or not isinstance(batch_size, (int, float, np.number)):
        raise MXNetValueError(f"Trainer.{what}: batch_size must be a number, got "
                              f"{batch_size!r}")
    if batch_size == 0:
        raise MXNetValueError(f"Trainer.{what}: batch_size must not be 0")


def _read(fname: str) -> bytes:
    try:
        with open(fname, "rb") as f:
            return f.read()
    except OSError as e:
        raise MXNetError(f"load_states: cannot read {fname!r}: {e.strerror}") from None


def _atomic_write(fname: str, data: bytes) -> None:
    folder = os.path.dirname(os.path.abspath(fname))
    fd, tmp = tempfile.mkstemp(prefix=".states.", dir=folder)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, fname)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


