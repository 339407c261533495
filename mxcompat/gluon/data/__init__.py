"""``mx.gluon.data``: datasets, samplers, DataLoader and batchify functions
(MXNet 1.9.1's ``gluon.data``; ``vision`` holds the image datasets and transforms)."""
from __future__ import annotations

from typing import Any

from .dataset import ArrayDataset, Dataset, RecordFileDataset, SimpleDataset
from .sampler import (BatchSampler, FilterSampler, IntervalSampler, RandomSampler, Sampler,
                      SequentialSampler)
from .dataloader import DataLoader
from . import batchify

__all__ = ["Dataset", "SimpleDataset", "ArrayDataset", "RecordFileDataset", "Sampler",
           "SequentialSampler", "RandomSampler", "FilterSampler", "BatchSampler",
           "IntervalSampler", "DataLoader", "batchify", "vision"]


def __getattr__(name: str) -> Any:
    if name == "vision":  # loaded on first use (it brings in the transforms' Gluon blocks)
        import importlib
        mod = importlib.import_module(".vision", __name__)
        globals()["vision"] = mod
        return mod
    raise AttributeError(f"module 'mxnet.gluon.data' has no attribute {name!r}")
