"""Start N local worker processes for the distributed KVStore kinds (``mxcompat launch``).

The counterpart of MXNet's ``tools/launch.py --launcher local``: every worker runs the same
command with MXNet's launcher variables set (``DMLC_ROLE=worker``, ``DMLC_NUM_WORKER``,
``DMLC_NUM_SERVER=0``, ``DMLC_PS_ROOT_URI``, ``DMLC_PS_ROOT_PORT``) plus ``DMLC_WORKER_ID``
(its rank). The launcher itself hosts the rendezvous store at the root address, so no
scheduler process is needed; ``mx.kv.create('dist_sync')`` in the workers joins a
``torch.distributed`` group through it. Each output line is prefixed with the worker's rank.

When a worker fails, the others are given ``MXCOMPAT_DIST_TIMEOUT`` seconds (they normally
fail at once with an MXNetError, their peer being gone) and are then killed; the launcher
returns the first failing worker's exit status.
"""
from __future__ import annotations

import datetime
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from typing import IO, List, Optional, Sequence

from .base import MXNetError

__all__ = ["launch", "free_port", "worker_env"]


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port free on ``host`` right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


def worker_env(rank: int, num_workers: int, host: str, port: int,
               base: Optional[dict] = None) -> dict:
    """The environment of worker ``rank`` (MXNet's launcher variables)."""
    env = dict(os.environ if base is None else base)
    for k in ("RANK", "WORLD_SIZE", "MASTER_ADDR", "MASTER_PORT", "LOCAL_RANK"):
        env.pop(k, None)  # torchrun's variables would take precedence in the workers
    if "OMP_NUM_THREADS" not in env and num_workers > 1:
        # as torchrun does: N workers each running as many threads as there are cores would
        # oversubscribe the machine (torch's parallel regions then stall on descheduled threads)
        env["OMP_NUM_THREADS"] = str(max(1, (os.cpu_count() or 1) // num_workers))
    env.update({"DMLC_ROLE": "worker", "DMLC_NUM_WORKER": str(num_workers),
                "DMLC_NUM_SERVER": "0", "DMLC_PS_ROOT_URI": host,
                "DMLC_PS_ROOT_PORT": str(port), "DMLC_WORKER_ID": str(rank),
                "PYTHONUNBUFFERED": "1"})
    return env


def _python_command(cmd: Sequence[str], redirect: bool) -> List[str]:
    """Run a Python script through ``mxcompat run`` so that ``import mxnet`` resolves."""
    cmd = list(cmd)
    if not cmd:
        raise MXNetError("mxcompat launch: no command given")
    if cmd[0].endswith(".py"):
        cmd = [sys.executable] + cmd
    if cmd[0] in ("python", "python3"):
        cmd[0] = sys.executable  # the interpreter mxcompat is installed in
    exe = os.path.basename(cmd[0])
    if redirect and exe.startswith("python") and len(cmd) > 1 and cmd[1].endswith(".py"):
        return [cmd[0], "-m", "mxcompat", "run"] + cmd[1:]
    return cmd


def _pump(stream: IO[bytes], rank: int, sink: IO[str], lock: threading.Lock,
          prefix: bool) -> None:
    for raw in iter(stream.readline, b""):
        line = raw.decode("utf-8", "replace")
        with lock:
            sink.write((f"[{rank}] " if prefix else "") + line)
            sink.flush()
    stream.close()


def launch(command: Sequence[str], num_workers: int, host: str = "127.0.0.1",
           port: Optional[int] = None, timeout: Optional[float] = None,
           redirect: bool = True, prefix: bool = True, stdout: Optional[IO[str]] = None,
           env: Optional[dict] = None) -> int:
    """Run ``command`` as ``num_workers`` local workers; the first non-zero exit status,
    else 0. ``timeout`` (seconds) bounds the whole run: past it every worker is killed and
    124 is returned."""
    import torch.distributed as dist
    from .kvstore.dist import timeout_seconds
    if num_workers < 1:
        raise MXNetError(f"mxcompat launch: -n must be >= 1, got {num_workers}")
    cmd = _python_command(command, redirect)
    sink = stdout if stdout is not None else sys.stdout
    grace = timeout_seconds(env) + 5.0
    if port is None:
        port = free_port(host)
    try:
        store = dist.TCPStore(host, port, is_master=True, wait_for_workers=False,
                              timeout=datetime.timedelta(seconds=grace))
    except Exception as e:
        raise MXNetError(f"mxcompat launch: cannot host the rendezvous on {host}:{port} "
                         f"[{type(e).__name__}: {e}]") from None
    lock = threading.Lock()
    procs: List[subprocess.Popen] = []
    pumps: List[threading.Thread] = []
    try:
        for rank in range(num_workers):
            p = subprocess.Popen(cmd, env=worker_env(rank, num_workers, host, port, env),
                                 stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                 start_new_session=True)
            procs.append(p)
            t = threading.Thread(target=_pump, args=(p.stdout, rank, sink, lock, prefix),
                                 daemon=True)
            t.start()
            pumps.append(t)
        status = _wait(procs, timeout, grace)
    except KeyboardInterrupt:
        status = 130
    finally:
        for p in procs:
            if p.poll() is None:
                _kill(p)
        for t in pumps:
            t.join(timeout=5)
        del store
    return status


def _kill(p: subprocess.Popen) -> None:
    try:
        os.killpg(p.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError, OSError):
        p.kill()
    p.wait()


def _wait(procs: List[subprocess.Popen], timeout: Optional[float], grace: float) -> int:
    start = time.monotonic()
    first_fail: Optional[int] = None
    fail_at = 0.0
    while True:
        codes = [p.poll() for p in procs]
        if first_fail is None:
            bad = [c for c in codes if c not in (None, 0)]
            if bad:
                first_fail = bad[0]
                fail_at = time.monotonic()
        if all(c is not None for c in codes):
            return first_fail if first_fail is not None else 0
        now = time.monotonic()
        if first_fail is not None and now - fail_at > grace:
            return first_fail
        if timeout is not None and now - start > timeout:
            return 124
        time.sleep(0.05)
