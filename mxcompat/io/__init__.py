"""``mx.io``: data iterators (MXNet 1.9.1's ``mxnet.io``).

NDArrayIter, ResizeIter and PrefetchingIter are MXNet's Python code's behaviour; the C++
iterators (CSVIter, LibSVMIter, MNISTIter, ImageRecordIter, ImageRecordUInt8Iter) are
reimplemented in Python with the same batching, ``pad`` counts and output layout.
"""
from . import io
from .io import (DataBatch, DataDesc, DataIter, MXDataIter, NDArrayIter, PrefetchingIter,
                 ResizeIter)
from ._native import CSVIter, LibSVMIter, MNISTIter
from ._image_iter import ImageRecordIter, ImageRecordUInt8Iter
from . import utils
from ._image_iter import ImageRecordIter as ImageRecordIter_v1
from ._image_iter import ImageRecordUInt8Iter as ImageRecordUInt8Iter_v1
from ._image_iter import ImageDetRecordIter, ImageRecordInt8Iter
from .utils import _getdata_by_idx, _has_instance, _init_data  # noqa: F401 (MXNet exports them)

__all__ = ["DataBatch", "DataDesc", "DataIter", "MXDataIter", "NDArrayIter", "PrefetchingIter",
           "ResizeIter", "CSVIter", "LibSVMIter", "MNISTIter", "ImageRecordIter",
           "ImageRecordUInt8Iter", "ImageRecordIter_v1", "ImageRecordUInt8Iter_v1",
           "ImageDetRecordIter", "ImageRecordInt8Iter", "io", "utils"]
