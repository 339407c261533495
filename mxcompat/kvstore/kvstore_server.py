"""Server and scheduler roles of MXNet's launcher (``DMLC_ROLE=server|scheduler``).

mxcompat has no parameter servers: each worker keeps a replica of the store and the replicas
are kept equal with all-reduce. A process started as a *server* exits at once (status 0). A
process started as the *scheduler* hosts the rendezvous store the workers connect to
(``DMLC_PS_ROOT_URI``:``DMLC_PS_ROOT_PORT``) and exits once every worker has finished, or
soon after one reports a failure. Both happen on ``import mxcompat`` (or ``import mxnet``
under ``mxcompat run``), as MXNet starts its servers on ``import mxnet``.
"""
from __future__ import annotations

import datetime
import os
import sys
import time
from typing import Any

__all__ = ["KVStoreServer"]


class KVStoreServer:
    """MXNet's server object. There is no server loop in mxcompat: :meth:`run` returns at
    once (the workers update their own replicas)."""

    def __init__(self, kvstore: Any):
        self.kvstore = kvstore
        self.handle = getattr(kvstore, "handle", None)
        self.init_logginig = False

    def _controller(self) -> Any:
        def server_controller(cmd_id: int, cmd_body: Any, _: Any = None) -> None:
            return None
        return server_controller

    def run(self) -> None:
        return None


def run_scheduler(poll: float = 0.2) -> int:
    """Host the workers' rendezvous store until they are done; the exit status."""
    import torch.distributed as dist
    from ..base import MXNetError
    from .dist import timeout_seconds
    n = int(os.environ.get("DMLC_NUM_WORKER", "1"))
    port = int(os.environ["DMLC_PS_ROOT_PORT"])
    host = os.environ.get("DMLC_PS_ROOT_URI") or "127.0.0.1"
    try:
        store = dist.TCPStore(host, port, is_master=True, wait_for_workers=False,
                              timeout=datetime.timedelta(seconds=timeout_seconds()))
    except Exception as e:
        raise MXNetError(f"kvstore scheduler: cannot listen on {host}:{port} "
                         f"[{type(e).__name__}: {e}]") from None
    aborted_at = None
    while True:
        if int(store.add("mxcompat/finished", 0)) >= n:
            return 0
        if aborted_at is None and store.check(["mxcompat/aborted"]):
            aborted_at = time.monotonic()
        if aborted_at is not None and time.monotonic() - aborted_at > 5.0:
            return 1
        time.sleep(poll)


def _init_kvstore_server_module() -> None:
    """Play the server / scheduler role named by ``DMLC_ROLE`` and exit; workers return."""
    role = os.environ.get("DMLC_ROLE", "worker")
    if role == "server":
        sys.exit(0)
    if role == "scheduler":
        sys.exit(run_scheduler())
