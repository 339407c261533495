"""mx.io's Python iterators: DataDesc, DataBatch, DataIter, ResizeIter, PrefetchingIter,
NDArrayIter, and MXDataIter, the front of the file-reading iterators (CSVIter, LibSVMIter,
MNISTIter, ImageRecordIter, ...) that MXNet implements in C++ and mxcompat in Python
(:mod:`mxcompat.io._native`)."""
from __future__ import annotations

import logging
import threading
from collections import namedtuple
from typing import Any

import numpy as np

from ..ndarray import NDArray, array, concat, tile
from ..ndarray.misc import from_numpy
from ..ndarray.sparse import CSRNDArray
from .utils import _getdata_by_idx, _has_instance, _init_data, _slice_along_batch_axis

mx_real_t = np.float32

__all__ = ["DataDesc", "DataBatch", "DataIter", "ResizeIter", "PrefetchingIter", "NDArrayIter",
           "MXDataIter"]


class DataDesc(namedtuple("DataDesc", ["name", "shape"])):
    """Name, shape, dtype and layout of one data or label input (a ``(name, shape)`` tuple
    with ``dtype`` and ``layout`` attributes, as in MXNet)."""

    def __new__(cls, name: str, shape: Any, dtype: Any = mx_real_t, layout: str = "NCHW"):
        ret = super(cls, DataDesc).__new__(cls, name, shape)
        ret.dtype = dtype
        ret.layout = layout
        return ret

    def __repr__(self) -> str:
        return "DataDesc[%s,%s,%s,%s]" % (self.name, self.shape, self.dtype, self.layout)

    @staticmethod
    def get_batch_axis(layout: Any) -> int:
        """The index of ``N`` in ``layout`` (0 when ``layout`` is None, -1 without ``N``)."""
        if layout is None:
            return 0
        return layout.find("N")

    @staticmethod
    def get_list(shapes: Any, types: Any) -> list:
        """DataDescs from ``[(name, shape)]`` and optional ``[(name, dtype)]``."""
        if types is not None:
            type_dict = dict(types)
            return [DataDesc(x[0], x[1], type_dict[x[0]]) for x in shapes]
        return [DataDesc(x[0], x[1]) for x in shapes]


class DataBatch:
    """One batch: lists of data and label NDArrays, ``pad`` (examples padded at the end),
    ``index``, ``bucket_key``, ``provide_data`` / ``provide_label``."""

    def __init__(self, data: Any, label: Any = None, pad: Any = None, index: Any = None,
                 bucket_key: Any = None, provide_data: Any = None, provide_label: Any = None):
        if data is not None:
            assert isinstance(data, (list, tuple)), "Data must be list of NDArrays"
        if label is not None:
            assert isinstance(label, (list, tuple)), "Label must be list of NDArrays"
        self.data = data
        self.label = label
        self.pad = pad
        self.index = index
        self.bucket_key = bucket_key
        self.provide_data = provide_data
        self.provide_label = provide_label

    def __str__(self) -> str:
        data_shapes = [d.shape for d in self.data]
        label_shapes = [lb.shape for lb in self.label] if self.label else None
        return "{}: data shapes: {} label shapes: {}".format(
            self.__class__.__name__, data_shapes, label_shapes)


class DataIter:
    """The base of all data iterators: ``next()`` returns a DataBatch, StopIteration at the
    end of an epoch, ``reset()`` starts the next one."""

    def __init__(self, batch_size: int = 0):
        self.batch_size = batch_size

    def __iter__(self) -> "DataIter":
        return self

    def reset(self) -> None:
        pass

    def next(self) -> DataBatch:
        if self.iter_next():
            return DataBatch(data=self.getdata(), label=self.getlabel(),
                             pad=self.getpad(), index=self.getindex())
        raise StopIteration

    def __next__(self) -> DataBatch:
        return self.next()

    def iter_next(self) -> Any:
        pass

    def getdata(self) -> Any:
        pass

    def getlabel(self) -> Any:
        pass

    def getindex(self) -> Any:
        return None

    def getpad(self) -> Any:
        pass


class ResizeIter(DataIter):
    """``data_iter`` made ``size`` batches long per epoch (restarting it when it ends)."""

    def __init__(self, data_iter: Any, size: int, reset_internal: bool = True):
        super().__init__()
        self.data_iter = data_iter
        self.size = size
        self.reset_internal = reset_internal
        self.cur = 0
        self.current_batch: Any = None
        self.provide_data = data_iter.provide_data
        self.provide_label = data_iter.provide_label
        self.batch_size = data_iter.batch_size
        if hasattr(data_iter, "default_bucket_key"):
            self.default_bucket_key = data_iter.default_bucket_key

    def reset(self) -> None:
        self.cur = 0
        if self.reset_internal:
            self.data_iter.reset()

    def iter_next(self) -> bool:
        if self.cur == self.size:
            return False
        try:
            self.current_batch = self.data_iter.next()
        except StopIteration:
            self.data_iter.reset()
            self.current_batch = self.data_iter.next()
        self.cur += 1
        return True

    def getdata(self) -> Any:
        return self.current_batch.data

    def getlabel(self) -> Any:
        return self.current_batch.label

    def getindex(self) -> Any:
        return self.current_batch.index

    def getpad(self) -> Any:
        return self.current_batch.pad


class PrefetchingIter(DataIter):
    """Runs ``iters`` (one or a list, combined batch by batch) in background threads, one
    batch ahead. ``rename_data`` / ``rename_label``: one ``{old: new}`` dict per iterator."""

    def __init__(self, iters: Any, rename_data: Any = None, rename_label: Any = None):
        super().__init__()
        if not isinstance(iters, list):
            iters = [iters]
        self.n_iter = len(iters)
        assert self.n_iter > 0
        self.iters = iters
        self.rename_data = rename_data
        self.rename_label = rename_label
        self.batch_size = self.provide_data[0][1][0]
        self.data_ready = [threading.Event() for _ in range(self.n_iter)]
        self.data_taken = [threading.Event() for _ in range(self.n_iter)]
        for e in self.data_taken:
            e.set()
        self.started = True
        self.current_batch: Any = [None for _ in range(self.n_iter)]
        self.next_batch: list = [None for _ in range(self.n_iter)]
        self._errors: list = [None for _ in range(self.n_iter)]

        def prefetch_func(self: "PrefetchingIter", i: int) -> None:
            while True:
                self.data_taken[i].wait()
                if not self.started:
                    break
                try:
                    self.next_batch[i] = self.iters[i].next()
                except StopIteration:
                    self.next_batch[i] = None
                except BaseException as e:  # noqa: BLE001 - handed to the consumer
                    # MXNet's thread dies and the consumer waits for ever; report instead
                    self.next_batch[i] = None
                    self._errors[i] = e
                self.data_taken[i].clear()
                self.data_ready[i].set()

        self.prefetch_threads = [threading.Thread(target=prefetch_func, args=[self, i],
                                                  daemon=True) for i in range(self.n_iter)]
        for thread in self.prefetch_threads:
            thread.start()

    def __del__(self) -> None:
        self.started = False
        for e in getattr(self, "data_taken", []):
            e.set()
        for thread in getattr(self, "prefetch_threads", []):
            thread.join()

    @property
    def provide_data(self) -> list:
        if self.rename_data is None:
            return sum([i.provide_data for i in self.iters], [])
        return sum([[DataDesc(r[x.name], x.shape, x.dtype) if isinstance(x, DataDesc)
                     else DataDesc(*x) for x in i.provide_data]
                    for r, i in zip(self.rename_data, self.iters)], [])

    @property
    def provide_label(self) -> list:
        if self.rename_label is None:
            return sum([i.provide_label for i in self.iters], [])
        return sum([[DataDesc(r[x.name], x.shape, x.dtype) if isinstance(x, DataDesc)
                     else DataDesc(*x) for x in i.provide_label]
                    for r, i in zip(self.rename_label, self.iters)], [])

    def _raise_errors(self) -> None:
        for i, e in enumerate(self._errors):
            if e is not None:
                self._errors[i] = None
                raise e

    def reset(self) -> None:
        for e in self.data_ready:
            e.wait()
        for it in self.iters:
            it.reset()
        for e in self.data_ready:
            e.clear()
        for e in self.data_taken:
            e.set()

    def iter_next(self) -> bool:
        for e in self.data_ready:
            e.wait()
        if any(err is not None for err in self._errors):
            for e in self.data_ready:
                e.clear()
            for e in self.data_taken:
                e.set()
            self._raise_errors()
        if self.next_batch[0] is None:
            for b in self.next_batch:
                assert b is None, "Number of entry mismatches between iterators"
            return False
        for batch in self.next_batch:
            assert batch.pad == self.next_batch[0].pad, \
                "Number of entry mismatches between iterators"
        self.current_batch = DataBatch(sum([b.data for b in self.next_batch], []),
                                       sum([b.label for b in self.next_batch], []),
                                       self.next_batch[0].pad, self.next_batch[0].index,
                                       provide_data=self.provide_data,
                                       provide_label=self.provide_label)
        for e in self.data_ready:
            e.clear()
        for e in self.data_taken:
            e.set()
        return True

    def next(self) -> DataBatch:
        if self.iter_next():
            return self.current_batch
        raise StopIteration

    def getdata(self) -> Any:
        return self.current_batch.data

    def getlabel(self) -> Any:
        return self.current_batch.label

    def getindex(self) -> Any:
        return self.current_batch.index

    def getpad(self) -> Any:
        return self.current_batch.pad


class NDArrayIter(DataIter):
    """Iterates over NDArrays / NumPy arrays (one, a list, or a dict of them) in batches.

    ``last_batch_handle``: ``'pad'`` (fill the last batch from the start, ``pad`` counts the
    filler), ``'discard'`` (drop it), ``'roll_over'`` (carry it into the next epoch).
    ``shuffle`` reorders with NumPy's global generator at every reset, as MXNet does."""

    def __init__(self, data: Any, label: Any = None, batch_size: int = 1, shuffle: bool = False,
                 last_batch_handle: str = "pad", data_name: str = "data",
                 label_name: str = "softmax_label", layout: str = "NCHW"):
        super().__init__(batch_size)
        self.data = _init_data(data, allow_empty=False, default_name=data_name)
        self.label = _init_data(label, allow_empty=True, default_name=label_name)
        if ((_has_instance(self.data, CSRNDArray) or _has_instance(self.label, CSRNDArray))
                and last_batch_handle != "discard"):
            raise NotImplementedError("`NDArrayIter` only supports ``CSRNDArray``"
                                      " with `last_batch_handle` set to `discard`.")
        self.idx = np.arange(self.data[0][1].shape[0])
        self.shuffle = shuffle
        self.last_batch_handle = last_batch_handle
        self.batch_size = batch_size
        self.cursor = -self.batch_size
        self.num_data = self.idx.shape[0]
        self.reset()
        self.data_list = [x[1] for x in self.data] + [x[1] for x in self.label]
        self.num_source = len(self.data_list)
        self._cache_data: Any = None
        self._cache_label: Any = None
        self.layout = layout

    def _descs(self, source: list) -> list:
        batch_axis = self.layout.find("N")
        return [DataDesc(k, tuple(list(v.shape[:batch_axis]) + [self.batch_size]
                                  + list(v.shape[batch_axis + 1:])), v.dtype, layout=self.layout)
                for k, v in source]

    @property
    def provide_data(self) -> list:
        """DataDescs of the data inputs (batch size on the layout's N axis)."""
        return self._descs(self.data)

    @property
    def provide_label(self) -> list:
        """DataDescs of the labels."""
        return self._descs(self.label)

    def hard_reset(self) -> None:
        """Resets ignoring roll-over data (the next epoch starts at the first example)."""
        if self.shuffle:
            self._shuffle_data()
        self.cursor = -self.batch_size
        self._cache_data = None
        self._cache_label = None

    def reset(self) -> None:
        """Starts the next epoch (with ``roll_over``, after the carried-over examples)."""
        if self.shuffle:
            self._shuffle_data()
        if self.last_batch_handle == "roll_over" and \
                self.num_data - self.batch_size < self.cursor < self.num_data:
            self.cursor = self.cursor - self.num_data - self.batch_size
        else:
            self.cursor = -self.batch_size

    def iter_next(self) -> bool:
        self.cursor += self.batch_size
        return self.cursor < self.num_data

    def next(self) -> DataBatch:
        if not self.iter_next():
            raise StopIteration
        data = self.getdata()
        label = self.getlabel()
        # a partial batch (discard / roll_over) ends the epoch; roll_over keeps it
        if data[0].shape[self.layout.find("N")] != self.batch_size:
            self._cache_data = data
            self._cache_label = label
            raise StopIteration
        return DataBatch(data=data, label=label, pad=self.getpad(), index=None)

    def _getdata(self, data_source: list, start: Any = None, end: Any = None) -> list:
        assert start is not None or end is not None, "should at least specify start or end"
        start = start if start is not None else 0
        if end is None:
            end = data_source[0][1].shape[0] if data_source else 0
        s = slice(start, end)
        out = []
        for x in data_source:
            if isinstance(x[1], (np.ndarray, NDArray)):
                out.append(_slice_along_batch_axis(x[1], s, self.layout.find("N")))
            else:  # h5py datasets need increasing indices
                sel = self.idx[s]
                order = sorted(sel)
                out.append(array(x[1][order][[list(sel).index(i) for i in order]]))
        return out

    def _concat(self, first_data: list, second_data: list) -> list:
        if not first_data or not second_data:
            return first_data if first_data else second_data
        assert len(first_data) == len(second_data), "data source should contain the same size"
        axis = self.layout.find("N")
        out = []
        for a, b in zip(first_data, second_data):
            if type(a) is NDArray and type(b) is NDArray and a.tensor.device.type == "cpu" \
                    and b.tensor.device.type == "cpu" and a.dtype == b.dtype \
                    and not a.tensor.requires_grad and not b.tensor.requires_grad:
                # NumPy: torch.cat goes through torch's thread pool (slow on a busy machine)
                out.append(from_numpy(np.concatenate([a.tensor.numpy(), b.tensor.numpy()],
                                                     axis=axis)))
            else:
                out.append(concat(a, b, dim=axis))
        return out

    def _tile(self, data: list, repeats: int) -> list:
        if not data:
            return []
        res = []
        for datum in data:
            reps = [1] * len(datum.shape)
            reps[0] = repeats
            res.append(tile(datum, reps))
        return res

    def _batchify(self, data_source: list) -> list:
        assert self.cursor < self.num_data, "DataIter needs reset."
        if self.last_batch_handle == "roll_over" and -self.batch_size < self.cursor < 0:
            assert self._cache_data is not None or self._cache_label is not None, \
                "next epoch should have cached data"
            cache_data = self._cache_data if self._cache_data is not None else self._cache_label
            second_data = self._getdata(data_source, end=self.cursor + self.batch_size)
            if self._cache_data is not None:
                self._cache_data = None
            else:
                self._cache_label = None
            return self._concat(cache_data, second_data)
        if self.last_batch_handle == "pad" and self.cursor + self.batch_size > self.num_data:
            pad = self.batch_size - self.num_data + self.cursor
            first_data = self._getdata(data_source, start=self.cursor)
            if pad > self.num_data:
                repeats = pad // self.num_data
                second_data = self._tile(self._getdata(data_source, end=self.num_data), repeats)
                if pad % self.num_data != 0:
                    second_data = self._concat(second_data,
                                               self._getdata(data_source,
                                                             end=pad % self.num_data))
            else:
                second_data = self._getdata(data_source, end=pad)
            return self._concat(first_data, second_data)
        end_idx = min(self.cursor + self.batch_size, self.num_data)
        return self._getdata(data_source, self.cursor, end_idx)

    def getdata(self) -> list:
        return self._batchify(self.data)

    def getlabel(self) -> list:
        return self._batchify(self.label)

    def getpad(self) -> int:
        if self.last_batch_handle == "pad" and self.cursor + self.batch_size > self.num_data:
            return self.cursor + self.batch_size - self.num_data
        if self.last_batch_handle == "roll_over" and -self.batch_size < self.cursor < 0:
            return -self.cursor
        return 0

    def _shuffle_data(self) -> None:
        np.random.shuffle(self.idx)
        self.data = _getdata_by_idx(self.data, self.idx)
        self.label = _getdata_by_idx(self.label, self.idx)


class MXDataIter(DataIter):
    """The Python front of MXNet's file iterators. ``handle`` is the reader behind it (in
    mxcompat a Python object with ``before_first()`` and ``next()``, which returns
    ``(data, label, pad, index)`` or None at the end of the epoch). The first batch is read
    at construction, as in MXNet, to learn the shapes."""

    def __init__(self, handle: Any, data_name: str = "data", label_name: str = "softmax_label",
                 **_: Any):
        super().__init__()
        self.handle = handle
        self._debug_skip_load = False
        self._debug_at_begin = True
        self._cur: Any = None
        self.first_batch: Any = None
        self.first_batch = self.next()
        data = self.first_batch.data[0]
        label = self.first_batch.label[0]
        self.provide_data = [DataDesc(data_name, data.shape, data.dtype)]
        self.provide_label = [DataDesc(label_name, label.shape, label.dtype)]
        self.batch_size = data.shape[0]

    def debug_skip_load(self) -> None:
        """From now on, return the first batch again and again (a speed test of the rest)."""
        self._debug_skip_load = True
        logging.info("Set debug_skip_load to be true, will simply return first batch")

    def reset(self) -> None:
        self._debug_at_begin = True
        self.first_batch = None
        self.handle.before_first()

    def _advance(self) -> bool:
        self._cur = self.handle.next()
        return self._cur is not None

    def next(self) -> DataBatch:
        if self._debug_skip_load and not self._debug_at_begin:
            return DataBatch(data=[self.getdata()], label=[self.getlabel()],
                             pad=self.getpad(), index=self.getindex())
        if self.first_batch is not None:
            batch = self.first_batch
            self.first_batch = None
            return batch
        self._debug_at_begin = False
        if self._advance():
            return DataBatch(data=[self.getdata()], label=[self.getlabel()],
                             pad=self.getpad(), index=self.getindex())
        raise StopIteration

    def iter_next(self) -> bool:
        if self.first_batch is not None:
            return True
        return self._advance()

    def getdata(self) -> Any:
        return self._cur[0]

    def getlabel(self) -> Any:
        return self._cur[1]

    def getindex(self) -> Any:
        return self._cur[3]

    def getpad(self) -> int:
        return self._cur[2]
