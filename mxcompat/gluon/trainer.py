"""``gluon.Trainer``: applies an optimizer to a set of Parameters, as MXNet 1.9.1's does.

``trainer.step(batch_size)`` rescales the gradients by ``1/batch_size``, sums them across the
parameters' contexts (through a KVStore when there are several) and updates every parameter
whose gradient backward has written since the last step. ``save_states`` / ``load_states``
read and write MXNet's states files (a pickle of the updater's states and the optimizer).

KVStore: with one context and a non-distributed kvstore type, MXNet uses no KVStore at all;
with several contexts, ``'device'``/``'local'`` sum the gradients across contexts and (by
default, ``update_on_kvstore``) update once and copy the result to every context. mxcompat
does the same with an in-process store (:class:`_LocalKVStore`). Everything that creates or
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
from ..base import (MXNetAssertionError, MXNetError, MXNetTypeError, MXNetValueError,
                    unsupported)
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
        is used as given; ``'device'``/``'local'`` over several contexts become an in-process
        :class:`_LocalKVStore`; ``'dist_*'`` need ``mx.kvstore``."""
        update = bool(int(os.getenv("MXNET_UPDATE_ON_KVSTORE", "1")))
        if kvstore is None:
            kv = None
        elif isinstance(kvstore, str):
            if num_device == 1 and "dist" not in kvstore:
                kv = None
            elif "dist" in kvstore or kvstore not in ("local", "device"):
                kv = _external_kvstore(kvstore)
            else:
                kv = _LocalKVStore(kvstore)
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

    def _init_kvstore(self) -> None:
        config = self._kvstore_params
        arg_arrays = {p.name: p.data(self._contexts[0]) for p in self._params} \
            if not self._contains_sparse_weight else {}
        if self._contains_sparse_weight or self._contains_sparse_grad:
            raise unsupported("gluon.Trainer with row_sparse weights or gradients",
                              "sparse gradients are not supported by mxcompat's Trainer")
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
                raise MXNetValueError("Please set update_on_kvstore=False when training with "
                                      f"{type(kvstore)}")
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
        raise unsupported("Trainer row_sparse pull", "sparse parameters are not supported by "
                          "mxcompat's Trainer")

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
        updates: List[list] = [[] for _ in self._updaters]
        for i, param in enumerate(self._params):
            if param.grad_req == "null":
                continue
            datas = param._check_and_get(param._data, list)
            if not ignore_stale_grad:
                for data in datas:
                    if not data._fresh_grad:
                        raise UserWarning(
                            f"Gradient of Parameter `{param.name}` on context {data.context} "
                            "has not been updated by backward since last `step`. This could "
                            "mean a bug in your model that made it only use a subset of the "
                            "Parameters (Blocks) for this iteration. If you are intentionally "
                            "only using a subset, call step with ignore_stale_grad=True to "
                            "suppress this warning and skip updating of Parameters with stale "
                            "gradient")
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
                if not _fast_update(updater, list(i), list(w), list(g)):
                    updater(list(i), list(g), list(w))

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


def _external_kvstore(name: str) -> Any:
    try:
        from .. import kvstore as kvs  # provided by the KVStore part of mxcompat
    except ImportError:
        kvs = None
    if kvs is None or not hasattr(kvs, "create"):
        raise unsupported(f"gluon.Trainer(kvstore={name!r})",
                          "only 'device' and 'local' kvstores are available in this build")
    return kvs.create(name)


class _LocalKVStore:
    """In-process kvstore of type 'device'/'local' for several contexts: pushpull sums the
    values of a key, runs the optimizer on the stored weight when one is set, and copies the
    result out (MXNet's local KVStore semantics)."""

    def __init__(self, kind: str):
        self.type = kind
        self._store: Dict[Any, NDArray] = {}
        self._updater: Any = None
        self.rank = 0
        self.num_workers = 1

    def is_capable(self, capability: str) -> bool:
        return capability.lower() == "optimizer"

    def set_optimizer(self, optimizer: Any) -> None:
        self._updater = opt.get_updater(optimizer)

    def set_gradient_compression(self, compression_params: Any) -> None:
        raise unsupported("gradient compression", "the local kvstore of mxcompat does not "
                          "compress gradients")

    def init(self, key: Any, value: NDArray) -> None:
        self._store[key] = value.copy()

    def broadcast(self, key: Any, value: NDArray, out: Any) -> None:
        self.init(key, value)
        self.pull(key, out)

    def push(self, key: Any, values: Any, priority: int = 0) -> None:
        values = values if isinstance(values, (list, tuple)) else [values]
        merged = values[0].copy()
        for v in values[1:]:
            merged += v.as_in_context(merged.context)
        if self._updater is not None:
            stored = self._store[key]
            self._updater(key, merged, stored)
        else:
            self._store[key] = merged

    def pull(self, key: Any, out: Any = None, priority: int = 0,
             ignore_sparse: bool = True) -> None:
        outs = out if isinstance(out, (list, tuple)) else [out]
        src = self._store[key]
        for o in outs:
            with torch.no_grad():
                o._t.copy_(src._t.to(o._t.device))

    def pushpull(self, key: Any, value: Any, out: Any = None, priority: int = 0) -> None:
        self.push(key, value, priority)
        self.pull(key, value if out is None else out, priority)

    def save_optimizer_states(self, fname: str, dump_optimizer: bool = False) -> None:
        if self._updater is None:
            raise MXNetAssertionError("Cannot save states for distributed training")
        _atomic_write(fname, self._updater.get_states(dump_optimizer))

    def load_optimizer_states(self, fname: str) -> None:
        if self._updater is None:
            raise MXNetAssertionError("Cannot load states for distributed training")
        data = _read(fname)
        opt.get_updater(self._updater.optimizer).set_states(data)  # validate first
        self._updater.set_states(data)


def _fast_update(updater: Any, indices: list, weights: list, grads: list) -> bool:
    """Placeholder for the multi-tensor fast path (returns False: use the Updater)."""
    return False
