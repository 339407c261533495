"""Helpers of mx.io (MXNet's ``mxnet/io/utils.py`` behaviour)."""
from __future__ import annotations

from collections import OrderedDict
from typing import Any

import numpy as np
import torch

from ..ndarray import NDArray
from ..ndarray import array as _dense_array
from ..ndarray.misc import from_numpy
from ..ndarray.sparse import CSRNDArray
from ..ndarray.sparse import array as sparse_array

try:  # optional, as in MXNet
    import h5py  # type: ignore[import-not-found]
except ImportError:
    h5py = None


def array(source: Any, ctx: Any = None, dtype: Any = None) -> Any:
    """mx.nd.array, which in MXNet also turns a SciPy CSR matrix into a CSRNDArray."""
    if type(source).__module__.startswith("scipy.sparse"):
        return sparse_array(source, ctx, dtype)
    return _dense_array(source, ctx, dtype)


def _array_types() -> tuple:
    return (np.ndarray, NDArray, h5py.Dataset) if h5py else (np.ndarray, NDArray)


def _init_data(data: Any, allow_empty: bool, default_name: str) -> list:
    """Data in canonical form: a sorted list of (name, NDArray)."""
    assert (data is not None) or allow_empty
    if data is None:
        data = []
    if isinstance(data, _array_types()):
        data = [data]
    if isinstance(data, list):
        if not allow_empty:
            assert len(data) > 0
        if len(data) == 1:
            data = OrderedDict([(default_name, data[0])])
        else:
            data = OrderedDict([("_%d_%s" % (i, default_name), d) for i, d in enumerate(data)])
    if not isinstance(data, dict):
        raise TypeError("Input must be NDArray, numpy.ndarray, h5py.Dataset " +
                        "a list of them or dict with them as values")
    keep = (NDArray, h5py.Dataset) if h5py else NDArray
    for k, v in data.items():
        if not isinstance(v, keep):
            try:
                data[k] = array(v)
            except Exception:  # noqa: BLE001 - MXNet's bare except, same message
                raise TypeError(("Invalid type '%s' for %s, " % (type(v), k)) +
                                "should be NDArray, numpy.ndarray or h5py.Dataset") from None
    return list(sorted(data.items()))


def _has_instance(data: list, dtype: Any) -> bool:
    """Whether any array of ``data`` (a list of (name, array)) is a ``dtype``."""
    return any(isinstance(arr, dtype) for _, arr in data)


def _getdata_by_idx(data: list, idx: Any) -> list:
    """``data`` reordered by ``idx`` (the shuffle)."""
    out = []
    for k, v in data:
        if h5py is not None and isinstance(v, h5py.Dataset):
            out.append((k, v))
        elif isinstance(v, CSRNDArray):
            out.append((k, sparse_array(v.asscipy()[idx], v.context)))
        else:
            out.append((k, array(v.asnumpy()[idx], v.context)))
    return out


def _slice_along_batch_axis(data: Any, s: slice, batch_axis: int) -> Any:
    """A copy of ``data[s]`` along ``batch_axis`` (MXNet's slice_axis). CPU arrays are
    copied by NumPy: a batch-sized torch copy goes through torch's intra-op thread pool,
    which costs far more than the copy on a busy machine."""
    if type(data) is NDArray:
        t = data.tensor
        if t.device.type == "cpu" and not t.requires_grad and t.dtype != torch.bfloat16:
            a = t.numpy()
            idx = [slice(None)] * a.ndim
            idx[batch_axis] = slice(*s.indices(a.shape[batch_axis]))
            return from_numpy(a[tuple(idx)].copy())
    return data.slice_axis(axis=batch_axis, begin=s.start, end=s.stop)
