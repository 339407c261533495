"""``mx.gluon.data`` datasets: Dataset, SimpleDataset, ArrayDataset, RecordFileDataset.

A dataset is anything with ``__len__`` and ``__getitem__``; ``transform`` / ``transform_first``
are lazy by default (the function runs each time a sample is read), ``filter`` / ``shard`` /
``take`` / ``sample`` give views chosen by a sampler, exactly as in MXNet 1.9.1.
"""
from __future__ import annotations

import os
import threading
from typing import Any, Callable

import numpy as np

from ...ndarray.ndarray import NDArray

__all__ = ["Dataset", "SimpleDataset", "ArrayDataset", "RecordFileDataset"]


class Dataset:
    """Abstract dataset: subclasses define ``__getitem__`` and ``__len__``.

    NumPy arrays, NDArrays and lists can be used directly wherever a dataset is expected."""

    def __getitem__(self, idx: int) -> Any:
        raise NotImplementedError

    def __len__(self) -> int:
        raise NotImplementedError

    def filter(self, fn: Callable[[Any], bool]) -> "Dataset":
        """The samples for which ``fn(sample)`` is true (``fn`` runs once over the dataset
        now; a lazily transformed dataset is filtered on its transformed samples)."""
        from .sampler import FilterSampler
        return _SampledDataset(self, FilterSampler(fn, self))

    def shard(self, num_shards: int, index: int) -> "Dataset":
        """Part ``index`` of ``num_shards`` contiguous parts; the first ``len % num_shards``
        parts hold one sample more."""
        assert index < num_shards, f"Shard index of out bound: {index} out of {num_shards}"
        assert num_shards > 0, "Number of shards must be greater than 0"
        assert index >= 0, "Index must be non-negative"
        base, rest = divmod(len(self), num_shards)
        start = base * index + min(index, rest)
        length = base + (1 if index < rest else 0)
        from .sampler import SequentialSampler
        return _SampledDataset(self, SequentialSampler(length, start))

    def take(self, count: Any) -> "Dataset":
        """The first ``count`` samples (all of them when ``count`` is None or too large)."""
        n = len(self)
        if count is None or count > n:
            count = n
        from .sampler import SequentialSampler
        return _SampledDataset(self, SequentialSampler(count))

    def sample(self, sampler: Any) -> "Dataset":
        """The samples at the indices ``sampler`` yields (a ``gluon.data.Sampler``)."""
        from .sampler import Sampler
        if not isinstance(sampler, Sampler):
            raise TypeError(f"Invalid sampler type: {type(sampler)}. Expected "
                            "gluon.data.Sampler instead.")
        return _SampledDataset(self, sampler)

    def transform(self, fn: Callable[..., Any], lazy: bool = True) -> "Dataset":
        """Each sample passed through ``fn`` (a tuple sample is unpacked into arguments).

        ``lazy=False`` applies ``fn`` to every sample now and keeps the results."""
        trans = _LazyTransformDataset(self, fn)
        if lazy:
            return trans
        return SimpleDataset([trans[i] for i in range(len(trans))])

    def transform_first(self, fn: Callable[[Any], Any], lazy: bool = True) -> "Dataset":
        """Like ``transform``, applied to the first element of each sample only (the data,
        leaving the label as it is)."""
        return self.transform(_TransformFirstClosure(fn), lazy)


class SimpleDataset(Dataset):
    """A dataset over any object with ``len()`` and ``[]`` (a list, an array, ...)."""

    def __init__(self, data: Any):
        self._data = data

    def __len__(self) -> int:
        return len(self._data)

    def __getitem__(self, idx: int) -> Any:
        return self._data[idx]


class _LazyTransformDataset(Dataset):
    def __init__(self, data: Any, fn: Callable[..., Any]):
        self._data = data
        self._fn = fn

    def __len__(self) -> int:
        return len(self._data)

    def __getitem__(self, idx: int) -> Any:
        item = self._data[idx]
        if isinstance(item, tuple):
            return self._fn(*item)
        return self._fn(item)


class _TransformFirstClosure:
    """A picklable ``lambda x, *rest: (fn(x),) + rest`` (worker processes may pickle it)."""

    def __init__(self, fn: Callable[[Any], Any]):
        self._fn = fn

    def __call__(self, x: Any, *args: Any) -> Any:
        if args:
            return (self._fn(x),) + args
        return self._fn(x)


class _SampledDataset(Dataset):
    def __init__(self, dataset: Any, sampler: Any):
        self._dataset = dataset
        self._sampler = sampler
        self._indices = list(iter(sampler))

    def __len__(self) -> int:
        return len(self._sampler)

    def __getitem__(self, idx: int) -> Any:
        return self._dataset[self._indices[idx]]


class ArrayDataset(Dataset):
    """Combines dataset-like objects of equal length: sample ``i`` is
    ``(a[i], b[i], ...)`` (just ``a[i]`` for one argument).

    A 1-D NDArray is converted to NumPy first (as in MXNet), so its samples are NumPy
    scalars and batch by ``np.asarray``'s rules."""

    def __init__(self, *args: Any):
        assert len(args) > 0, "Needs at least 1 arrays"
        self._length = len(args[0])
        self._data = []
        for i, data in enumerate(args):
            assert len(data) == self._length, (
                f"All arrays must have the same length; array[0] has length {self._length} "
                f"while array[{i + 1}] has {len(data)}.")
            if isinstance(data, NDArray) and data.ndim == 1:
                data = data.asnumpy()
            self._data.append(data)
        # sample i of a dense NDArray is the row view x[i]: taken straight from its tensor
        self._getters = [_row(d) if type(d) is NDArray else d.__getitem__
                         for d in self._data]

    def __getitem__(self, idx: int) -> Any:
        if type(idx) is not int:
            if isinstance(idx, np.integer):  # RandomSampler's indices
                return self[int(idx)]
            if len(self._data) == 1:
                return self._data[0][idx]
            return tuple(data[idx] for data in self._data)
        if len(self._getters) == 1:
            return self._getters[0](idx)
        return tuple([get(idx) for get in self._getters])

    def __len__(self) -> int:
        return self._length


def _row(a: NDArray) -> Callable[[int], Any]:
    from ...ndarray.ndarray import _wrap

    def get(i: int) -> NDArray:
        t = a._t
        n = t.shape[0]
        if not -n <= i < n:
            return a[i]  # MXNet's IndexError
        return _wrap(t[i], a._ctx)
    return get


class RecordFileDataset(Dataset):
    """The records of a RecordIO file (``.rec`` plus its ``.idx`` beside it), each as the
    record's raw ``bytes``, in the order of the index file's keys.

    Reading uses ``mx.recordio.MXIndexedRecordIO``; each process (a DataLoader worker)
    opens its own handle."""

    def __init__(self, filename: str):
        self.idx_file = os.path.splitext(filename)[0] + ".idx"
        self.filename = filename
        self._open()

    def _open(self) -> None:
        from ...recordio import MXIndexedRecordIO
        self._record = MXIndexedRecordIO(self.idx_file, self.filename, "r")
        self._pid = os.getpid()
        self._lock = threading.Lock()  # one file position: thread_pool readers take turns

    def __getitem__(self, idx: int) -> Any:
        if self._pid != os.getpid():  # a forked worker: a handle of its own
            self._open()
        rec = self._record
        key = rec.keys[idx]
        with self._lock:
            return rec.read_idx(key)

    def __len__(self) -> int:
        return len(self._record.keys)

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state.pop("_record", None)
        state.pop("_pid", None)
        state.pop("_lock", None)
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._open()


class _DownloadedDataset(Dataset):
    """Base of MNIST, CIFAR10, ...: ``_get_data`` fills ``_data`` and ``_label``."""

    def __init__(self, root: str, transform: Any):
        super().__init__()
        self._transform = transform
        self._data: Any = None
        self._label: Any = None
        root = os.path.expanduser(root)
        self._root = root
        if not os.path.isdir(root):
            os.makedirs(root)
        self._get_data()

    def __getitem__(self, idx: int) -> Any:
        if self._transform is not None:
            return self._transform(self._data[idx], self._label[idx])
        return self._data[idx], self._label[idx]

    def __len__(self) -> int:
        return len(self._label)

    def _get_data(self) -> None:
        raise NotImplementedError
