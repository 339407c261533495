"""``mx.kv.KVStoreBase``: the store interface, its registry, the ``teststore`` and
``mx.kv.create``.

``create(name)`` looks ``name`` up in the registry first (stores registered with
``KVStoreBase.register``, keyed by the lower-cased class name, as in MXNet 1.9.1), then falls
back to mxcompat's built-in store (:class:`mxcompat.kvstore.kvstore.KVStore`) for the native
kinds: ``local``, ``device``, ``nccl``, the ``dist_*`` kinds, and any other name (MXNet makes
a local store of that type for unknown names).
"""
from __future__ import annotations

import warnings
from typing import Any, Dict

from ..base import MXNetError, string_types

__all__ = ["create", "KVStoreBase"]


class KVStoreBase:
    """An abstract key-value store interface for data parallel training."""

    #: the capability name that :meth:`is_capable` knows
    OPTIMIZER = "optimizer"

    #: lower-cased class name -> class, filled by :meth:`register`
    kv_registry: Dict[str, type] = {}

    def broadcast(self, key: Any, value: Any, out: Any, priority: int = 0) -> None:
        """Broadcast ``value`` (rank 0's) to every rank and write it into ``out``."""
        raise NotImplementedError()

    def pushpull(self, key: Any, value: Any, out: Any = None, priority: int = 0) -> None:
        """Push ``value`` (summed over its list and over workers) and pull the result into
        ``out`` (``value`` itself when ``out`` is None)."""
        raise NotImplementedError()

    def set_optimizer(self, optimizer: Any) -> None:
        """Register an optimizer: pushes then update the stored weights."""
        raise NotImplementedError()

    def is_capable(self, capability: str) -> bool:
        """Whether the store supports ``capability`` (``'optimizer'``)."""
        raise NotImplementedError()

    def save_optimizer_states(self, fname: str, dump_optimizer: bool = False) -> None:
        """Save the updater's states (and the optimizer with ``dump_optimizer``) to ``fname``."""
        raise NotImplementedError()

    def load_optimizer_states(self, fname: str) -> None:
        """Load the updater's states from ``fname``."""
        raise NotImplementedError()

    @property
    def type(self) -> str:
        """The type string of this store."""
        raise NotImplementedError()

    @property
    def rank(self) -> int:
        """This worker's rank, in ``[0, num_workers)``."""
        raise NotImplementedError()

    @property
    def num_workers(self) -> int:
        """The number of workers."""
        raise NotImplementedError()

    @staticmethod
    def register(klass: type) -> type:
        """Register a KVStore class so that ``mx.kv.create(klass.__name__.lower())`` makes one
        (a class decorator)."""
        assert isinstance(klass, type)
        name = klass.__name__.lower()
        if name in KVStoreBase.kv_registry:
            old = KVStoreBase.kv_registry[name]
            warnings.warn(f"WARNING: New kvstore {klass.__module__}.{klass.__name__} is "
                          f"overriding existing kvstore {old.__module__}.{old.__name__}",
                          stacklevel=2)
        KVStoreBase.kv_registry[name] = klass
        return klass


def _set_all(out: Any, value: Any) -> None:
    for o in (out if isinstance(out, list) else [out]):
        o[:] = value


@KVStoreBase.register
class TestStore(KVStoreBase):
    """A key-value store for testing (``mx.kv.create('teststore')``): single process, no
    optimizer; ``pushpull`` sums the list of values."""

    __test__ = False  # not a pytest test class

    def broadcast(self, key: Any, value: Any, out: Any, priority: int = 0) -> None:
        _set_all(out, value)

    def pushpull(self, key: Any, value: Any, out: Any = None, priority: int = 0) -> None:
        from ..ndarray import NDArray
        if isinstance(value, NDArray):
            if out is not None:
                _set_all(out, value)
            return
        ctx = value[0].context
        total = value[0].as_in_context(ctx).copy()
        for v in value[1:]:
            total = total + v.as_in_context(ctx)
        _set_all(value if out is None else out, total)

    @staticmethod
    def is_capable(capability: str) -> bool:
        if capability.lower() == KVStoreBase.OPTIMIZER:
            return False
        raise ValueError(f"Unknown capability: {capability}")

    @property
    def type(self) -> str:
        return "teststore"

    @property
    def rank(self) -> int:
        return 0

    @property
    def num_workers(self) -> int:
        return 1

    def set_optimizer(self, optimizer: Any) -> None:
        raise NotImplementedError()

    def save_optimizer_states(self, fname: str, dump_optimizer: bool = False) -> None:
        raise NotImplementedError()

    def load_optimizer_states(self, fname: str) -> None:
        raise NotImplementedError()


# Names of stores that exist in MXNet's ecosystem but not here, with what to use instead.
_REFUSED = {
    "horovod": "Horovod's MXNet integration is not available on mxcompat; use "
               "mx.kv.create('dist_sync') (torch.distributed all-reduce) with `mxcompat "
               "launch` or torchrun instead, see docs/distributed.md",
    "byteps": "BytePS is not available on mxcompat; use mx.kv.create('dist_sync') "
              "(torch.distributed all-reduce) with `mxcompat launch` or torchrun instead, "
              "see docs/distributed.md",
}


def create(name: str = "local") -> KVStoreBase:
    """Create a KVStore.

    ``local`` / ``device`` (and any other single-machine name): one process, values summed
    over the list pushed per key. ``nccl``: like ``device`` (needs CUDA). ``dist_sync``,
    ``dist_device_sync``, ``dist_sync_device``, ``dist_async`` (run synchronously): one store
    replica per worker process, kept equal with ``torch.distributed`` collectives (gloo on
    CPU, NCCL on CUDA); workers are started by ``mxcompat launch``, MXNet's
    ``tools/launch.py`` (``DMLC_*`` variables) or ``torchrun``. See docs/distributed.md.
    """
    if not isinstance(name, string_types):
        raise TypeError("name must be a string")
    name = name.lower()
    if name in KVStoreBase.kv_registry:
        return KVStoreBase.kv_registry[name]()
    if name in _REFUSED:
        raise MXNetError(f"mx.kv.create: kvstore type {name!r} is not supported: "
                         f"{_REFUSED[name]}")
    from .kvstore import KVStore
    return KVStore(name)
