"""``mx.gluon.data`` samplers: which indices a DataLoader reads, in which order and batches.

The order of every sampler here is MXNet 1.9.1's: ``RandomSampler`` draws its permutation from
NumPy's global generator (``np.random.shuffle``), so after ``np.random.seed(s)`` a shuffled
loader visits the samples in the same order as MXNet's.
"""
from __future__ import annotations

from typing import Any, Callable, Iterator, List

import numpy as np

__all__ = ["Sampler", "SequentialSampler", "RandomSampler", "FilterSampler", "BatchSampler",
           "IntervalSampler"]

_LAST_BATCH = ("keep", "discard", "rollover")


def _bad_last_batch(value: Any) -> ValueError:
    return ValueError("last_batch must be one of 'keep', 'discard', or 'rollover', "
                      f"but got {value}")


class Sampler:
    """Base class of the samplers: subclasses define ``__iter__`` and ``__len__``."""

    def __iter__(self) -> Iterator[Any]:
        raise NotImplementedError

    def __len__(self) -> int:
        raise NotImplementedError


class SequentialSampler(Sampler):
    """``start, start + 1, ..., start + length - 1`` in order."""

    def __init__(self, length: int, start: int = 0):
        self._length = length
        self._start = start

    def __iter__(self) -> Iterator[int]:
        return iter(range(self._start, self._start + self._length))

    def __len__(self) -> int:
        return self._length


class RandomSampler(Sampler):
    """A random permutation of ``0 .. length - 1`` (drawn from NumPy's global generator on
    each pass, as MXNet does)."""

    def __init__(self, length: int):
        self._length = length

    def __iter__(self) -> Iterator[Any]:
        order = np.arange(self._length)
        np.random.shuffle(order)
        return iter(order)

    def __len__(self) -> int:
        return self._length


class FilterSampler(Sampler):
    """The indices of the samples of ``dataset`` for which ``fn(sample)`` is true (evaluated
    once, when the sampler is made)."""

    def __init__(self, fn: Callable[[Any], bool], dataset: Any):
        self._fn = fn
        self._dataset = dataset
        self._indices = [i for i, sample in enumerate(dataset) if fn(sample)]

    def __iter__(self) -> Iterator[int]:
        return iter(self._indices)

    def __len__(self) -> int:
        return len(self._indices)


class IntervalSampler(Sampler):
    """``0, interval, 2 * interval, ...``; with ``rollover`` then ``1, 1 + interval, ...`` and
    so on until every index was visited (an MXNet 2.0 sampler, provided for code written
    against it)."""

    def __init__(self, length: int, interval: int, rollover: bool = True):
        if not 0 < interval <= max(length, 1):
            raise ValueError(f"IntervalSampler: interval {interval} must be in [1, length] "
                             f"(length {length})")
        self._length = length
        self._interval = interval
        self._rollover = rollover

    def __iter__(self) -> Iterator[int]:
        for start in range(self._interval if self._rollover else 1):
            yield from range(start, self._length, self._interval)

    def __len__(self) -> int:
        if self._rollover:
            return self._length
        return len(range(0, self._length, self._interval))


class BatchSampler(Sampler):
    """Groups the indices of ``sampler`` into lists of ``batch_size``.

    ``last_batch``: ``'keep'`` yields a short last batch, ``'discard'`` drops it,
    ``'rollover'`` carries its indices over to the front of the next pass."""

    def __init__(self, sampler: Any, batch_size: int, last_batch: str = "keep"):
        self._sampler = sampler
        self._batch_size = batch_size
        self._last_batch = last_batch
        self._prev: List[Any] = []

    def __iter__(self) -> Iterator[List[Any]]:
        size = self._batch_size
        batch, self._prev = self._prev, []
        for i in self._sampler:
            batch.append(i)
            if len(batch) == size:
                yield batch
                batch = []
        if batch:
            mode = self._last_batch
            if mode == "keep":
                yield batch
            elif mode == "rollover":
                self._prev = batch
            elif mode != "discard":
                raise _bad_last_batch(mode)

    def __len__(self) -> int:
        mode, n, size = self._last_batch, len(self._sampler), self._batch_size
        if mode == "keep":
            return (n + size - 1) // size
        if mode == "discard":
            return n // size
        if mode == "rollover":
            return (len(self._prev) + n) // size
        raise _bad_last_batch(mode)
