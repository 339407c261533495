"""The distributed kinds' transport: ``torch.distributed`` (gloo on CPU, NCCL on CUDA).

How a worker finds its group, in this order:

1. ``torch.distributed`` is already initialised (the script called ``init_process_group``):
   that group is used as is.
2. ``torchrun`` variables (``RANK``, ``WORLD_SIZE``, ``MASTER_ADDR``, ``MASTER_PORT``):
   ``init_process_group(init_method='env://')``.
3. MXNet launcher variables (``DMLC_ROLE=worker``, ``DMLC_NUM_WORKER``,
   ``DMLC_PS_ROOT_URI``, ``DMLC_PS_ROOT_PORT``; set by ``mxcompat launch`` and by MXNet's
   ``tools/launch.py``): the worker connects to the rendezvous store at the root address
   (hosted by ``mxcompat launch``, or by the process started with ``DMLC_ROLE=scheduler``),
   takes rank ``DMLC_WORKER_ID`` when set, else the next free rank, and joins a group of
   ``DMLC_NUM_WORKER`` processes.
4. None of these: a group of one (rank 0, one worker); no process group is created.

Every wait is bounded by ``MXCOMPAT_DIST_TIMEOUT`` seconds (default 300): a worker that dies
or never joins makes the others raise :class:`~mxcompat.base.MXNetError` (at once when its
connection closes, else when the timeout runs out), never hang.
"""
from __future__ import annotations

import atexit
import datetime
import os
from typing import List, Mapping, Optional

import torch

from ..base import MXNetError

__all__ = ["group", "timeout_seconds", "DistGroup"]

_GROUP: Optional["DistGroup"] = None
_BUCKET_BYTES = 16 << 20
_DIRECT_BYTES = 1 << 20


def timeout_seconds(env: Optional[Mapping[str, str]] = None) -> float:
    """The bound on every distributed wait (``MXCOMPAT_DIST_TIMEOUT``, seconds, read from
    ``env`` or else this process's environment)."""
    raw = (os.environ if env is None else env).get("MXCOMPAT_DIST_TIMEOUT", "300")
    try:
        t = float(raw)
    except ValueError:
        raise MXNetError(f"MXCOMPAT_DIST_TIMEOUT must be a number of seconds, got {raw!r}") \
            from None
    if not t > 0:
        raise MXNetError(f"MXCOMPAT_DIST_TIMEOUT must be > 0, got {raw!r}")
    return t


def _env_int(name: str) -> int:
    raw = os.environ.get(name)
    try:
        return int(raw)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise MXNetError(f"mx.kv.create: environment variable {name} must be an integer, "
                         f"got {raw!r}") from None


def _backend(kind: str) -> str:
    b = os.environ.get("MXCOMPAT_DIST_BACKEND")
    if b:
        return b
    if "device" in kind and torch.cuda.is_available():
        return "nccl"
    return "gloo"


class DistGroup:
    """This process's place in the worker group and the collectives a store needs."""

    def __init__(self, rank: int, world_size: int, backend: Optional[str], how: str):
        self.rank = rank
        self.world_size = world_size
        self.backend = backend
        self.how = how
        self.timeout = timeout_seconds()
        self.broken: Optional[str] = None

    # ---- collectives ------------------------------------------------------------------
    def _fail(self, what: str, e: BaseException) -> MXNetError:
        msg = (f"kvstore {what}: the collective across {self.world_size} workers failed "
               f"(rank {self.rank}): a worker died, or did not answer within "
               f"MXCOMPAT_DIST_TIMEOUT={self.timeout:g} s [{type(e).__name__}: "
               f"{str(e).strip().splitlines()[0] if str(e).strip() else ''}]")
        self.broken = msg
        _mark_aborted()
        return MXNetError(msg)

    def _check(self, what: str) -> None:
        if self.broken is not None:
            raise MXNetError(f"kvstore {what}: the worker group is broken by an earlier "
                             f"failure: {self.broken}")

    def _on_device(self, t: torch.Tensor) -> bool:
        return self.backend != "nccl" or t.device.type == "cuda"

    def _buckets(self, tensors: List[torch.Tensor]) -> List[List[int]]:
        """Indices of ``tensors`` in collective calls: a large contiguous tensor alone (reduced
        where it is), small ones packed by dtype/device into buckets of <= 16 MiB (one call
        instead of one per array)."""
        out: List[List[int]] = []
        current: dict = {}
        for i, t in enumerate(tensors):
            nbytes = t.numel() * t.element_size()
            if nbytes >= _DIRECT_BYTES and t.is_contiguous() and self._on_device(t):
                out.append([i])
                continue
            key = (t.dtype, t.device)
            b = current.get(key)
            if b is None or b[1] + nbytes > _BUCKET_BYTES:
                b = [[], 0]
                current[key] = b
                out.append(b[0])
            b[0].append(i)
            b[1] += nbytes
        return out

    def _run(self, tensors: List[torch.Tensor], what: str, op: str) -> None:
        import torch.distributed as dist
        if self.world_size == 1 or not tensors:
            return
        self._check(what)
        try:
            for idx in self._buckets(tensors):
                ts = [tensors[i] for i in idx]
                dev = ts[0].device
                if len(ts) == 1 and ts[0].is_contiguous() and self._on_device(ts[0]):
                    flat = ts[0]
                else:
                    flat = torch.cat([t.reshape(-1) for t in ts])
                    if not self._on_device(flat):
                        flat = flat.cuda()
                if op == "sum":
                    dist.all_reduce(flat, op=dist.ReduceOp.SUM)
                else:
                    dist.broadcast(flat, src=0)
                if flat is ts[0]:
                    continue
                flat = flat.to(dev)
                off = 0
                for t in ts:
                    n = t.numel()
                    t.copy_(flat[off:off + n].view_as(t))
                    off += n
        except MXNetError:
            raise
        except Exception as e:
            raise self._fail(what, e) from None

    def all_reduce(self, tensors: List[torch.Tensor], what: str = "push") -> None:
        """Sum ``tensors`` over all workers, in place."""
        self._run(tensors, what, "sum")

    def broadcast(self, tensors: List[torch.Tensor], what: str = "init") -> None:
        """Replace ``tensors`` by rank 0's, in place."""
        self._run(tensors, what, "broadcast")

    def barrier(self) -> None:
        """Wait for every worker (bounded by the timeout)."""
        if self.world_size == 1:
            return
        self._check("barrier")
        self.all_reduce([torch.zeros(1)], "barrier")


_STORE = None


def _mark_aborted() -> None:
    try:
        if _STORE is not None:
            _STORE.set("mxcompat/aborted", "1")
    except Exception:  # the store may be gone already; nothing more to tell
        pass


def _finished() -> None:
    try:
        if _STORE is not None:
            _STORE.add("mxcompat/finished", 1)
    except Exception:  # the scheduler may be gone already
        pass


def _dmlc_group(kind: str, timeout: float) -> DistGroup:
    import torch.distributed as dist
    global _STORE
    n = _env_int("DMLC_NUM_WORKER")
    if n < 1:
        raise MXNetError(f"mx.kv.create({kind!r}): DMLC_NUM_WORKER must be >= 1, got {n}")
    host = os.environ.get("DMLC_PS_ROOT_URI") or "127.0.0.1"
    port = _env_int("DMLC_PS_ROOT_PORT")
    td = datetime.timedelta(seconds=timeout)
    try:
        store = dist.TCPStore(host, port, is_master=False, timeout=td)
    except Exception as e:
        raise MXNetError(f"mx.kv.create({kind!r}): no rendezvous at DMLC_PS_ROOT_URI="
                         f"{host} DMLC_PS_ROOT_PORT={port} within {timeout:g} s (start the "
                         f"workers with `mxcompat launch` or MXNet's tools/launch.py) "
                         f"[{type(e).__name__}: {e}]") from None
    _STORE = store
    atexit.register(_finished)
    if os.environ.get("DMLC_WORKER_ID") is not None:
        rank = _env_int("DMLC_WORKER_ID")
    else:
        rank = int(store.add("mxcompat/rank", 1)) - 1
    if not 0 <= rank < n:
        raise MXNetError(f"mx.kv.create({kind!r}): worker rank {rank} is outside "
                         f"[0, DMLC_NUM_WORKER={n})")
    backend = _backend(kind)
    if n > 1:
        try:
            dist.init_process_group(backend, store=dist.PrefixStore("mxcompat/pg", store),
                                    rank=rank, world_size=n, timeout=td)
        except Exception as e:
            _mark_aborted()
            raise MXNetError(f"mx.kv.create({kind!r}): worker {rank} could not join a group "
                             f"of {n} workers within {timeout:g} s (a worker died or never "
                             f"started) [{type(e).__name__}: {e}]") from None
    return DistGroup(rank, n, backend if n > 1 else None, "dmlc")


def _torchrun_group(kind: str, timeout: float) -> DistGroup:
    import torch.distributed as dist
    rank = _env_int("RANK")
    n = _env_int("WORLD_SIZE")
    backend = _backend(kind)
    try:
        dist.init_process_group(backend, init_method="env://", rank=rank, world_size=n,
                                timeout=datetime.timedelta(seconds=timeout))
    except Exception as e:
        raise MXNetError(f"mx.kv.create({kind!r}): worker {rank} could not join the torchrun "
                         f"group of {n} workers within {timeout:g} s "
                         f"[{type(e).__name__}: {e}]") from None
    return DistGroup(rank, n, backend, "torchrun")


def group(kind: str) -> DistGroup:
    """This process's worker group (created on first use, then shared by every store)."""
    global _GROUP
    if _GROUP is not None:
        return _GROUP
    import torch.distributed as dist
    timeout = timeout_seconds()
    env = os.environ
    if dist.is_available() and dist.is_initialized():
        g = DistGroup(dist.get_rank(), dist.get_world_size(), dist.get_backend(), "existing")
    elif all(v in env for v in ("RANK", "WORLD_SIZE", "MASTER_ADDR", "MASTER_PORT")):
        g = _torchrun_group(kind, timeout)
    elif "DMLC_NUM_WORKER" in env and env.get("DMLC_ROLE", "worker") == "worker":
        g = _dmlc_group(kind, timeout)
    else:
        g = DistGroup(0, 1, None, "single")
    _GROUP = g
    return g
