"""``mx.model``: checkpoints (``prefix-symbol.json`` + ``prefix-%04d.params`` with ``arg:`` /
``aux:`` names), ``BatchEndParam`` and the kvstore helpers Module uses.

``FeedForward`` was deprecated in MXNet 1.x in favour of ``mx.mod.Module``; mxcompat does not
provide it and raises a clear ``MXNetError`` that points at Module.
"""
from __future__ import annotations

import logging
import os
from collections import namedtuple
from typing import Any, Dict, List, Optional, Tuple

import numpy as np

from .base import MXNetError

__all__ = ["BatchEndParam", "save_checkpoint", "load_checkpoint", "load_params", "FeedForward"]

BatchEndParam = namedtuple("BatchEndParams", ["epoch", "nbatch", "eval_metric", "locals"])


def _create_kvstore(kvstore: Any, num_device: int, arg_params: Dict[str, Any]) -> Tuple[Any, bool]:
    """The kvstore Module trains with (None for one device and a local store, as MXNet) and
    whether the optimizer runs inside it."""
    from . import kvstore as kvs
    update_on_kvstore = bool(int(os.getenv("MXNET_UPDATE_ON_KVSTORE", "1")))
    if kvstore is None:
        kv = None
    elif isinstance(kvstore, kvs.KVStoreBase):
        kv = kvstore
    elif isinstance(kvstore, str):
        if num_device == 1 and "dist" not in kvstore:
            kv = None
        else:
            kv = kvs.create(kvstore)
            if kvstore == "local" and arg_params:
                biggest = max(int(np.prod(p.shape)) for p in arg_params.values())
                if biggest > 16 * 1024 * 1024:
                    update_on_kvstore = False
    else:
        raise TypeError("kvstore must be KVStore, str or None")
    if kv is None:
        update_on_kvstore = False
    else:
        update_on_kvstore = update_on_kvstore and kv.is_capable(kvs.KVStoreBase.OPTIMIZER)
    return kv, update_on_kvstore


def _initialize_kvstore(kvstore: Any, param_arrays: List[List[Any]], arg_params: Dict[str, Any],
                        param_names: List[str], update_on_kvstore: bool) -> None:
    for name, on_devs in zip(param_names, param_arrays):
        if update_on_kvstore and arg_params[name].stype == "default":
            kvstore.broadcast(name, arg_params[name], out=on_devs)
        else:
            kvstore.init(name, arg_params[name])


def _update_params_on_kvstore(param_arrays: List[List[Any]], grad_arrays: List[List[Any]],
                              kvstore: Any, param_names: List[str]) -> None:
    for i, (args, grads) in enumerate(zip(param_arrays, grad_arrays)):
        if grads[0] is None:
            continue
        name = param_names[i]
        if grads[0].stype == "default" and args[0].stype == "default":
            kvstore.pushpull(name, grads, out=args, priority=-i)
        else:
            kvstore.push(name, grads, priority=-i)
            kvstore.pull(name, out=args, priority=-i)


def _update_params(param_arrays: List[List[Any]], grad_arrays: List[List[Any]], updater: Any,
                   num_device: int, kvstore: Any = None,
                   param_names: Optional[List[str]] = None) -> None:
    """Aggregate gradients over devices (through ``kvstore`` when there is one) and run
    ``updater`` per device with MXNet's indices ``i * num_device + k``."""
    per_dev: List[list] = [[] for _ in range(num_device)]
    for i, (args, grads) in enumerate(zip(param_arrays, grad_arrays)):
        if grads[0] is None:
            continue
        if kvstore:
            name = param_names[i]  # type: ignore[index]
            if grads[0].stype == "default" and args[0].stype == "default":
                kvstore.pushpull(name, grads, priority=-i)
            else:
                kvstore.push(name, grads, priority=-i)
                kvstore.pull(name, out=grads, priority=-i)
        for k, (w, g) in enumerate(zip(args, grads)):
            per_dev[k].append((i * num_device + k, g, w))
    for ups in per_dev:
        if ups:
            idx, g, w = zip(*ups)
            updater(list(idx), list(g), list(w))


def _multiple_callbacks(callbacks: Any, *args: Any, **kwargs: Any) -> None:
    if isinstance(callbacks, list):
        for cb in callbacks:
            cb(*args, **kwargs)
    elif callbacks:
        callbacks(*args, **kwargs)


def save_checkpoint(prefix: str, epoch: int, symbol: Any, arg_params: Dict[str, Any],
                    aux_params: Dict[str, Any], remove_amp_cast: bool = True) -> None:
    """Write ``prefix-symbol.json`` (when ``symbol`` is given) and ``prefix-%04d.params``."""
    from . import ndarray as nd
    from .context import cpu
    if symbol is not None:
        symbol.save("%s-symbol.json" % prefix, remove_amp_cast=remove_amp_cast)
    save_dict = {"arg:%s" % k: v.as_in_context(cpu()) for k, v in arg_params.items()}
    save_dict.update({"aux:%s" % k: v.as_in_context(cpu()) for k, v in aux_params.items()})
    param_name = "%s-%04d.params" % (prefix, epoch)
    nd.save(param_name, save_dict)
    logging.info('Saved checkpoint to "%s"', param_name)


def _split_params(save_dict: Any, fname: str) -> Tuple[Dict[str, Any], Dict[str, Any]]:
    if not isinstance(save_dict, dict):
        raise MXNetError(f"load_params: {fname!r} holds a list of arrays, not the named "
                         "'arg:'/'aux:' arrays of a checkpoint")
    arg_params: Dict[str, Any] = {}
    aux_params: Dict[str, Any] = {}
    for k, v in save_dict.items():
        tp, _, name = k.partition(":")
        if tp == "arg" and name:
            arg_params[name] = v
        elif tp == "aux" and name:
            aux_params[name] = v
    return arg_params, aux_params


def load_params(prefix: str, epoch: int) -> Tuple[Dict[str, Any], Dict[str, Any]]:
    """``(arg_params, aux_params)`` from ``prefix-%04d.params``."""
    from . import ndarray as nd
    fname = "%s-%04d.params" % (prefix, epoch)
    return _split_params(nd.load(fname), fname)


def load_checkpoint(prefix: str, epoch: int) -> Tuple[Any, Dict[str, Any], Dict[str, Any]]:
    """``(symbol, arg_params, aux_params)`` of a checkpoint written by ``save_checkpoint``
    (mxcompat's or MXNet's)."""
    from . import symbol as sym
    symbol = sym.load("%s-symbol.json" % prefix)
    arg_params, aux_params = load_params(prefix, epoch)
    return symbol, arg_params, aux_params


class FeedForward:
    """Deprecated in MXNet 1.x (it prints a deprecation notice there); not provided."""

    def __init__(self, *args: Any, **kwargs: Any):
        raise MXNetError("mx.model.FeedForward is deprecated in MXNet 1.9.1 and not provided "
                         "by mxcompat; use mx.mod.Module (Module.fit / Module.predict) instead")

    @staticmethod
    def load(*args: Any, **kwargs: Any) -> Any:
        raise MXNetError("mx.model.FeedForward.load: FeedForward is deprecated in MXNet 1.9.1 "
                         "and not provided by mxcompat; use mx.mod.Module.load instead")

    @staticmethod
    def create(*args: Any, **kwargs: Any) -> Any:
        raise MXNetError("mx.model.FeedForward.create: FeedForward is deprecated in MXNet "
                         "1.9.1 and not provided by mxcompat; use mx.mod.Module.fit instead")
