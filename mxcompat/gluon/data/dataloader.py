"""``mx.gluon.data.DataLoader``: mini-batches from a dataset, in this process, in a thread
pool, or in worker processes.

Worker processes are torch's own DataLoader machinery (``torch.utils.data.DataLoader`` over
this loader's batch sampler and batchify function): batches come back in order through shared
memory, a worker that dies is reported instead of waited on, and the workers stay up between
epochs as MXNet's process pool does. The batches, their order, dtypes and contexts are MXNet
1.9.1's (``cpu_shared(0)`` from workers, ``cpu_pinned(i)`` with ``pin_memory``).
"""
from __future__ import annotations

import multiprocessing
import multiprocessing.pool
import warnings
from multiprocessing.reduction import ForkingPickler
from typing import Any, Callable, Iterator, Optional

import numpy as np
import torch
import torch.utils.data as _tud

from ...base import MXNetError
from ...context import Context, cpu_pinned
from ...ndarray.ndarray import NDArray, _wrap
from . import sampler as _sampler

__all__ = ["DataLoader", "default_batchify_fn", "default_mp_batchify_fn"]

_CPU_SHARED = Context("cpu_shared", 0)

# NumPy dtypes an NDArray can hold as they are (anything else goes through mx.nd.array,
# which raises MXNet's error for it)
_ND_DTYPES = frozenset(np.dtype(t) for t in (np.float16, np.float32, np.float64, np.uint8,
                                              np.int8, np.int32, np.int64, np.bool_))


# ---- NDArrays between processes: the tensor travels through torch's shared memory -------
def _rebuild_ndarray(t: torch.Tensor, ctx: Optional[Context]) -> NDArray:
    return _wrap(t, ctx)


def _reduce_ndarray(a: NDArray) -> Any:
    t = a._t.detach()
    if t.device.type == "cpu" and not t.is_shared() and \
            t.untyped_storage().nbytes() > t.numel() * t.element_size():
        t = t.clone()  # a view (a row of a dataset array): share the view, not its base
    return _rebuild_ndarray, (t, a._ctx)


# multiprocessing's pickler (queues, pools, pipes) only; plain pickle keeps MXNet's format
ForkingPickler.register(NDArray, _reduce_ndarray)


# ---- batchify ----------------------------------------------------------------------------
def _stack(data: list, shared: bool) -> NDArray:
    first = data[0]
    t0 = first._t
    dt, shape, ctx = t0.dtype, t0.shape, first._ctx
    for a in data:
        t = a._t
        if type(a) is not NDArray or t.dtype != dt or t.shape != shape or a._ctx is not ctx:
            break
    else:
        if t0.device.type == "cpu":
            tensors = [a._t for a in data]
            with torch.no_grad():  # a batch is data, never part of a recorded graph
                if shared and _tud.get_worker_info() is not None:
                    out = _shared_empty((len(data),) + tuple(shape), dt)
                    torch.stack(tensors, out=out)
                    return _wrap(out, _CPU_SHARED)
                out = torch.stack(tensors)
            return _wrap(out, _CPU_SHARED if shared else ctx)
    from ...ndarray import stack  # mixed dtypes / shapes / contexts: MXNet's own checks
    out = stack(*data)
    if shared:
        out = out.as_in_context(_CPU_SHARED)
    return out


def _shared_empty(shape: tuple, dt: torch.dtype) -> torch.Tensor:
    """An empty CPU tensor whose storage is already in shared memory (no copy when it is
    sent to the main process)."""
    numel = 1
    for d in shape:
        numel *= d
    try:
        # what torch's default_collate does in a worker; falls back on newer torch
        storage = torch.empty(0, dtype=dt)._typed_storage()._new_shared(numel)
        return torch.empty(0, dtype=dt).set_(storage).view(shape)
    except (AttributeError, RuntimeError, TypeError):
        return torch.empty(shape, dtype=dt).share_memory_()


def _from_numpy(data: list, shared: bool) -> NDArray:
    arr = np.asarray(data)
    if arr.dtype not in _ND_DTYPES:
        from ...ndarray import array
        return array(arr, dtype=arr.dtype, ctx=_CPU_SHARED if shared else None)
    if shared and _tud.get_worker_info() is not None:
        out = _shared_empty(arr.shape, torch.from_numpy(arr[:0]).dtype)
        out.numpy()[...] = arr
        return _wrap(out, _CPU_SHARED)
    return _wrap(torch.from_numpy(arr), _CPU_SHARED if shared else None)


def default_batchify_fn(data: list) -> Any:
    """Collate samples into a batch, as MXNet's: NDArrays are stacked (``nd.stack``),
    tuples are collated element-wise into a **list**, anything else goes through
    ``np.asarray`` and keeps NumPy's dtype (int64 for Python ints, float64 for floats)."""
    first = data[0]
    if isinstance(first, NDArray):
        return _stack(data, False)
    if isinstance(first, tuple):
        return [default_batchify_fn(list(i)) for i in zip(*data)]
    return _from_numpy(data, False)


def default_mp_batchify_fn(data: list) -> Any:
    """``default_batchify_fn`` with the batch in shared memory (context ``cpu_shared(0)``),
    the default with ``num_workers > 0``."""
    first = data[0]
    if isinstance(first, NDArray):
        return _stack(data, True)
    if isinstance(first, tuple):
        return [default_mp_batchify_fn(list(i)) for i in zip(*data)]
    return _from_numpy(data, True)


def _as_in_context(data: Any, ctx: Context) -> Any:
    """``data`` (an NDArray, or lists / tuples of them) moved to ``ctx``; to ``cpu_pinned``
    the tensors are page-locked (``Tensor.pin_memory()``) when CUDA is there."""
    if isinstance(data, NDArray):
        if ctx.device_typeid == 3 and data._t.device.type == "cpu":
            if data.context == ctx:
                return data
            t = data._t.detach()
            t = t.pin_memory() if torch.cuda.is_available() else t.clone()
            return _wrap(t, ctx)
        return data.as_in_context(ctx)
    if isinstance(data, (list, tuple)):
        return [_as_in_context(d, ctx) for d in data]
    return data


# ---- worker processes through torch's DataLoader ---------------------------------------
class _BatchDataset(_tud.Dataset):
    """A torch map-style dataset whose "index" is a list of indices: one item = one batch."""

    def __init__(self, dataset: Any, batchify_fn: Callable[[list], Any]):
        self.dataset = dataset
        self.batchify_fn = batchify_fn

    def __getitem__(self, batch: list) -> Any:
        dataset = self.dataset
        return self.batchify_fn([dataset[i] for i in batch])

    def __len__(self) -> int:
        return len(self.dataset)


class _BatchIndices:
    """torch's sampler slot: each pass iterates the (MXNet) batch sampler afresh."""

    def __init__(self, batch_sampler: Any):
        self.batch_sampler = batch_sampler

    def __iter__(self) -> Iterator[Any]:
        return iter(self.batch_sampler)

    def __len__(self) -> int:
        return len(self.batch_sampler)


# torch advises against more workers than CPUs; MXNet takes num_workers as given
_WORKER_COUNT_WARNING = "This DataLoader will create"


def _identity(batch: Any) -> Any:
    return batch


def _translate_worker_error(e: RuntimeError, timeout: float) -> Optional[BaseException]:
    msg = str(e)
    if "DataLoader worker" in msg and ("exited unexpectedly" in msg or "killed" in msg):
        return MXNetError(f"DataLoader: a worker process died while loading a batch ({msg}). "
                          "Common causes: the process was killed (out of memory), a crash in "
                          "native code of the dataset or transform, or sys.exit/os._exit "
                          "called in a worker")
    if "timed out" in msg:
        return multiprocessing.TimeoutError(
            f"DataLoader: worker timed out after {timeout} seconds. This might be caused by "
            "a slow transform (increase timeout) or insufficient shared memory (reduce "
            "num_workers or increase the system's shared memory)")
    return None


def _worker_init(worker_id: int) -> None:
    import signal
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the main process's to handle


class _ProcessWorkers:
    """One persistent torch DataLoader (its workers live across epochs); an iteration
    started while another is still running gets a one-off loader of its own."""

    def __init__(self, dataset: Any, batchify_fn: Any, batch_sampler: Any, num_workers: int,
                 prefetch: int, timeout: float):
        self._args = (_BatchDataset(dataset, batchify_fn), _BatchIndices(batch_sampler))
        self._num_workers = num_workers
        # MXNet's prefetch counts batches over all workers; torch's is per worker (>= 1)
        self._prefetch_factor = max(1, -(-prefetch // num_workers))
        self._timeout = timeout
        # worker seeds come from a private generator, so starting workers leaves the
        # random streams of the main process (mx.random, torch, NumPy) untouched
        self._gen = torch.Generator()
        self._gen.manual_seed(torch.initial_seed() & 0xFFFF_FFFF_FFFF)
        self._persistent: Optional[_tud.DataLoader] = None
        self._busy = False

    def _loader(self, persistent: bool) -> _tud.DataLoader:
        ds, indices = self._args
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=_WORKER_COUNT_WARNING)
            return _tud.DataLoader(ds, batch_size=None, sampler=indices,
                                   num_workers=self._num_workers, collate_fn=_identity,
                                   timeout=self._timeout,
                                   prefetch_factor=self._prefetch_factor,
                                   persistent_workers=persistent, generator=self._gen,
                                   worker_init_fn=_worker_init)

    def iterate(self) -> Iterator[Any]:
        """Start a pass now (workers begin loading at once) and return its batches."""
        if self._busy:
            loader, own = self._loader(False), False
        else:
            if self._persistent is None:
                self._persistent = self._loader(True)
            loader, own = self._persistent, True
            self._busy = True
        try:
            with warnings.catch_warnings():
                warnings.filterwarnings("ignore", message=_WORKER_COUNT_WARNING)
                it = iter(loader)
        except BaseException:
            self._busy = self._busy and not own
            raise
        return self._drain(it, own)

    def _drain(self, it: Iterator[Any], own: bool) -> Iterator[Any]:
        try:
            while True:
                try:
                    batch = next(it)
                except StopIteration:
                    return
                except Exception as e:
                    # the workers of a failed pass are not reused: the next starts afresh
                    if own:
                        self.close()
                    err = (_translate_worker_error(e, self._timeout)
                           if isinstance(e, RuntimeError) else None)
                    if err is None:
                        raise
                    raise err from None
                yield batch
        finally:
            if own:
                self._busy = False

    def close(self) -> None:
        loader, self._persistent = self._persistent, None
        if loader is not None:
            it = getattr(loader, "_iterator", None)
            if it is not None and hasattr(it, "_shutdown_workers"):
                it._shutdown_workers()


class _ThreadWorkers:
    """MXNet's thread_pool=True: batches made by a thread pool, returned in order."""

    def __init__(self, dataset: Any, batchify_fn: Any, batch_sampler: Any, num_workers: int,
                 prefetch: int, timeout: float):
        self._pool = multiprocessing.pool.ThreadPool(num_workers)
        self._dataset = dataset
        self._batchify_fn = batchify_fn
        self._batch_sampler = batch_sampler
        self._prefetch = prefetch
        self._timeout = timeout

    def _work(self, batch: list) -> Any:
        dataset = self._dataset
        return self._batchify_fn([dataset[i] for i in batch])

    def iterate(self) -> Iterator[Any]:
        """Start a pass now (``prefetch`` batches are submitted at once)."""
        indices = iter(self._batch_sampler)
        pending: list = []
        for _ in range(self._prefetch):
            self._push(indices, pending)
        return self._drain(indices, pending)

    def _push(self, indices: Iterator[Any], pending: list) -> None:
        b = next(indices, None)
        if b is not None:
            pending.append(self._pool.apply_async(self._work, (b,)))

    def _drain(self, indices: Iterator[Any], pending: list) -> Iterator[Any]:
        while True:
            self._push(indices, pending)
            if not pending:
                return
            res = pending.pop(0)
            try:
                batch = res.get(self._timeout)
            except multiprocessing.TimeoutError:
                raise multiprocessing.TimeoutError(
                    f"DataLoader: worker timed out after {self._timeout} seconds. This might "
                    "be caused by a slow transform; increase timeout to allow slower data "
                    "loading in each worker") from None
            yield batch

    def close(self) -> None:
        self._pool.terminate()


class DataLoader:
    """Loads mini-batches from ``dataset`` (MXNet 1.9.1's ``gluon.data.DataLoader``).

    Parameters are MXNet's: ``batch_size``, ``shuffle``, ``sampler``, ``last_batch``
    ('keep' | 'discard' | 'rollover'), ``batch_sampler``, ``batchify_fn``, ``num_workers``,
    ``pin_memory``, ``pin_device_id``, ``prefetch`` (batches in flight, default
    ``2 * num_workers``), ``thread_pool``, ``timeout`` (seconds to wait for one batch) and
    ``auto_reload`` (start the next pass's prefetch as soon as one pass ends)."""

    def __init__(self, dataset: Any, batch_size: Optional[int] = None, shuffle: bool = False,
                 sampler: Any = None, last_batch: Optional[str] = None,
                 batch_sampler: Any = None, batchify_fn: Any = None, num_workers: int = 0,
                 pin_memory: bool = False, pin_device_id: int = 0, prefetch: Any = None,
                 thread_pool: bool = False, timeout: float = 120, auto_reload: bool = False):
        self._workers: Any = None
        self._dataset = dataset
        self._pin_memory = pin_memory
        self._pin_device_id = pin_device_id
        self._thread_pool = thread_pool
        self._timeout = timeout
        assert timeout > 0, f"timeout must be positive, given {timeout}"

        if batch_sampler is None:
            if batch_size is None:
                raise ValueError("batch_size must be specified unless batch_sampler is "
                                 "specified")
            if sampler is None:
                sampler = (_sampler.RandomSampler(len(dataset)) if shuffle
                           else _sampler.SequentialSampler(len(dataset)))
            elif shuffle:
                raise ValueError("shuffle must not be specified if sampler is specified")
            batch_sampler = _sampler.BatchSampler(sampler, batch_size,
                                                  last_batch if last_batch else "keep")
        elif batch_size is not None or shuffle or sampler is not None or \
                last_batch is not None:
            raise ValueError("batch_size, shuffle, sampler and last_batch must not be "
                             "specified if batch_sampler is specified.")

        self._batch_sampler = batch_sampler
        self._num_workers = num_workers if num_workers >= 0 else 0
        self._prefetch = max(0, int(prefetch) if prefetch is not None
                             else 2 * self._num_workers)
        if batchify_fn is None:
            batchify_fn = default_mp_batchify_fn if num_workers > 0 else default_batchify_fn
        self._batchify_fn = batchify_fn
        if self._num_workers > 0:
            kind = _ThreadWorkers if thread_pool else _ProcessWorkers
            self._workers = kind(dataset, batchify_fn, batch_sampler, self._num_workers,
                                 self._prefetch, timeout)
        self.auto_reload = auto_reload
        self._iter: Any = None
        if auto_reload:
            self.refresh()

    def __iter__(self) -> Iterator[Any]:
        if self._iter is None:
            self.refresh()
        it, self._iter = self._iter, None  # one prefetched pass is used once
        yield from it
        if self._iter is None and self.auto_reload:
            self.refresh()

    def _same_process_iter(self) -> Iterator[Any]:
        dataset, batchify = self._dataset, self._batchify_fn
        pin = cpu_pinned(self._pin_device_id) if self._pin_memory else None
        for batch in self._batch_sampler:
            ret = batchify([dataset[idx] for idx in batch])
            if pin is not None:
                ret = _as_in_context(ret, pin)
            yield ret

    def _worker_iter(self, batches: Iterator[Any]) -> Iterator[Any]:
        pin = cpu_pinned(self._pin_device_id) if self._pin_memory else None
        for batch in batches:
            if pin is not None:
                batch = _as_in_context(batch, pin)
            yield batch

    def _prefetch_iter(self) -> Iterator[Any]:
        if self._num_workers == 0:
            return self._same_process_iter()
        return self._worker_iter(self._workers.iterate())

    def __len__(self) -> int:
        return len(self._batch_sampler)

    def refresh(self) -> None:
        """Start a new pass now (its prefetching begins at once)."""
        self._iter = self._prefetch_iter()

    def clean(self) -> None:
        """Drop the prefetched pass; the next one starts when iterated."""
        self._iter = None

    def __del__(self) -> None:
        workers = getattr(self, "_workers", None)
        if workers is not None:
            try:
                workers.close()
            except Exception:  # noqa: BLE001 - interpreter shutdown
                pass
