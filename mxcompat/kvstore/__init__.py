"""``mx.kv`` / ``mx.kvstore``: key-value stores for data-parallel training.

``mx.kv.create(name)`` makes a store: ``local`` and ``device`` on one machine, the ``dist_*``
kinds across worker processes on ``torch.distributed`` (see ``docs/distributed.md``), or any
store registered with ``KVStoreBase.register``.
"""
from . import base
from . import kvstore
from . import kvstore_server
from .base import KVStoreBase, create
from .kvstore import KVStore
from .kvstore_server import KVStoreServer

__all__ = ["KVStore", "KVStoreBase", "KVStoreServer", "create", "base", "kvstore",
           "kvstore_server"]
