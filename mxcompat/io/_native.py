"""MXNet's C++ data iterators (CSVIter, LibSVMIter, MNISTIter, ImageRecordIter,
ImageRecordUInt8Iter) reimplemented in Python behind :class:`~mxcompat.io.io.MXDataIter`.

The batching follows MXNet's BatchLoader: with ``round_batch`` (the default) the last
batch of an epoch is completed from the start of the data and ``pad`` counts those
examples, and the next epoch continues after them; without it, the padded slots keep the
previous batch's examples (MXNet reuses its output buffer) and ``pad`` counts them.
"""
from __future__ import annotations

import ast
import os
import re
import sys
from typing import Any, Callable

import numpy as np

from ..base import MXNetError, MXNetValueError
from .io import MXDataIter

_DTYPES = {"float32": np.float32, "int32": np.int32, "int64": np.int64, "uint8": np.uint8,
           "int8": np.int8, "float16": np.float16, "float64": np.float64}


# ---- parameters (MXNet passes every value through str() to its C++ parser) --------------
def _shape(v: Any, name: str, it: str) -> tuple:
    if isinstance(v, str):
        try:
            v = ast.literal_eval(v.strip() or "()")
        except (ValueError, SyntaxError):
            raise MXNetValueError(f"{it}: invalid shape {v!r} for parameter '{name}'") from None
    if isinstance(v, (int, np.integer)):
        v = (v,)
    try:
        return tuple(int(x) for x in v)
    except (TypeError, ValueError):
        raise MXNetValueError(f"{it}: invalid shape {v!r} for parameter '{name}'") from None


def _bool(v: Any, name: str, it: str) -> bool:
    if isinstance(v, str):
        s = v.strip().lower()
        if s in ("1", "true"):
            return True
        if s in ("0", "false"):
            return False
        raise MXNetValueError(f"{it}: invalid boolean {v!r} for parameter '{name}'")
    return bool(v)


def _num(kind: type) -> Callable:
    def conv(v: Any, name: str, it: str) -> Any:
        try:
            return kind(float(v)) if kind is int and isinstance(v, str) and "." in v \
                else kind(v)
        except (TypeError, ValueError):
            raise MXNetValueError(f"{it}: invalid value {v!r} for parameter '{name}' "
                                  f"(expected {kind.__name__})") from None
    return conv


def _str(v: Any, name: str, it: str) -> str:
    return os.fspath(v) if isinstance(v, os.PathLike) else str(v)


def _dtype(v: Any, name: str, it: str) -> Any:
    if v is None:
        return None
    key = np.dtype(v).name if not isinstance(v, str) else v
    if key not in _DTYPES:
        raise MXNetValueError(f"{it}: invalid dtype {v!r} for parameter '{name}'")
    return _DTYPES[key]


_REQUIRED = object()


def _params(it: str, spec: dict, kwargs: dict) -> dict:
    """Parse ``kwargs`` against ``spec`` ({name: (converter, default)}); unknown names are
    ignored, as MXNet's iterators do."""
    out = {}
    for name, (conv, default) in spec.items():
        if name in kwargs and kwargs[name] is not None:
            out[name] = conv(kwargs[name], name, it)
        elif default is _REQUIRED:
            raise MXNetError(f"{it}: Required parameter {name} is not presented")
        else:
            out[name] = default
    return out


_COMMON = {
    "batch_size": (_num(int), _REQUIRED),
    "round_batch": (_bool, True),
    "prefetch_buffer": (_num(int), 4),
    "ctx": (_str, "gpu"),
    "dtype": (_dtype, None),
    "num_parts": (_num(int), 1),
    "part_index": (_num(int), 0),
}


# ---- batching ------------------------------------------------------------------------------
class _BatchLoader:
    """MXNet's BatchLoader over a list-like source of instances.

    ``source.n`` instances; ``source.get(i)`` gives instance ``i``; ``source.order()`` the
    order of an epoch (called at each epoch start); ``collate(instances, indices)`` builds
    ``(data NDArray, label NDArray)``."""

    def __init__(self, it: str, source: Any, batch_size: int, round_batch: bool):
        self.it = it
        self.source = source
        self.batch_size = batch_size
        self.round_batch = round_batch
        self.slots: list = [None] * batch_size
        self.index = np.zeros(batch_size, np.uint64)
        self.num_overflow = 0
        self.order = source.order()
        self.pos = 0

    def before_first(self) -> None:
        if not self.round_batch or self.num_overflow == 0:
            self.order = self.source.order()
            self.pos = 0
        else:
            self.num_overflow = 0

    def _next_inst(self) -> Any:
        if self.pos >= len(self.order):
            return None
        i = int(self.order[self.pos])
        self.pos += 1
        return i

    def next(self) -> Any:
        if self.num_overflow != 0:
            return None
        bs = self.batch_size
        picked: list = []
        # what a source needs to know at the time an instance is picked (its pass)
        token = getattr(self.source, "token", None)
        tokens: list = []
        while len(picked) < bs:
            i = self._next_inst()
            if i is None:
                break
            picked.append(i)
            if token is not None:
                tokens.append(token(i))
        if not picked:
            return None
        top = len(picked)
        pad = 0
        if top < bs:
            if self.round_batch:
                self.order = self.source.order()
                self.pos = 0
                while len(picked) < bs:
                    i = self._next_inst()
                    if i is None:
                        raise MXNetError(f"{self.it}: Check failed: base_->Next(): number of "
                                         f"input must be bigger than batch size ({bs})")
                    picked.append(i)
                    if token is not None:
                        tokens.append(token(i))
                    self.num_overflow += 1
                pad = self.num_overflow
            else:
                pad = bs - top
        insts = self.source.fetch(tokens if token is not None else picked)
        for k, (i, inst) in enumerate(zip(picked, insts)):
            self.slots[k] = inst
            self.index[k] = i
        data, label = self.source.collate(self.slots)
        if getattr(self.source, "zero_index", False):
            return data, label, pad, np.zeros(bs, np.uint64)  # what MXNet's image iterators report
        return data, label, pad, self.index.copy()


def _part(n: int, num_parts: int, part_index: int, it: str) -> range:
    if num_parts < 1 or not 0 <= part_index < num_parts:
        raise MXNetValueError(f"{it}: part_index ({part_index}) must be in [0, num_parts "
                              f"({num_parts}))")
    return range(n * part_index // num_parts, n * (part_index + 1) // num_parts)


class _ArraySource:
    """Instances that are rows of in-memory arrays (CSV, LibSVM, MNIST)."""

    def __init__(self, n: int, collate: Callable, shuffle: bool = False, seed: int = 0,
                 rows: Any = None):
        self.rows = np.arange(n) if rows is None else np.asarray(rows)
        self.n = len(self.rows)
        self.collate = collate
        self.shuffle = shuffle
        self.rng = np.random.RandomState(seed)

    def order(self) -> Any:
        if self.shuffle:
            return self.rng.permutation(self.rows)
        return self.rows

    def fetch(self, picked: list) -> list:
        return picked


def _make(handle: Any, kwargs: dict) -> MXDataIter:
    return MXDataIter(handle, **{k: v for k, v in kwargs.items()
                                 if k in ("data_name", "label_name")})


class _Handle:
    """What MXDataIter drives: before_first() / next()."""

    def __init__(self, loader: _BatchLoader):
        self.loader = loader

    def before_first(self) -> None:
        self.loader.before_first()

    def next(self) -> Any:
        return self.loader.next()


def _nd(a: np.ndarray) -> Any:
    from ..ndarray import array
    return array(a, dtype=a.dtype)


# ---- CSVIter -------------------------------------------------------------------------------
def _read_csv(path: str, width: int, dtype: Any, it: str, what: str) -> np.ndarray:
    try:
        with open(path) as f:
            text = f.read()
    except OSError as e:
        raise MXNetError(f"{it}: cannot read {what} {path!r}: {e.strerror or e}") from None
    rows = [ln for ln in text.splitlines() if ln.strip()]
    out = np.empty((len(rows), width), dtype=np.float64)
    for n, ln in enumerate(rows):
        fields = ln.split(",")
        if len(fields) != width:
            raise MXNetError(f"{it}: Check failed: row.length == shape.Size() ({len(fields)} "
                             f"vs. {width}) : The data size in CSV do not match size of "
                             f"shape: {what} {path!r}, line {n + 1} has {len(fields)} "
                             f"values, the shape needs {width}")
        try:
            out[n] = [float(x) if x.strip() else 0.0 for x in fields]
        except ValueError:
            raise MXNetError(f"{it}: {what} {path!r}, line {n + 1}: not a number in "
                             f"{ln[:80]!r}") from None
    return out.astype(dtype)


def CSVIter(*args: Any, **kwargs: Any) -> MXDataIter:
    """Iterates over CSV files (``data_csv``, optional ``label_csv``) in batches of
    ``batch_size`` rows reshaped to ``data_shape`` / ``label_shape``."""
    it = "CSVIter"
    if args:
        raise TypeError("%s can only accept keyword arguments" % it)
    spec = dict(_COMMON, data_csv=(_str, _REQUIRED), data_shape=(_shape, _REQUIRED),
                label_csv=(_str, "NULL"), label_shape=(_shape, (1,)))
    p = _params(it, spec, kwargs)
    dt = p["dtype"] or np.float32
    dshape, lshape = p["data_shape"], p["label_shape"]
    data = _read_csv(p["data_csv"], int(np.prod(dshape)), dt, it, "data_csv")
    n = len(data)
    if p["label_csv"] != "NULL":
        label = _read_csv(p["label_csv"], int(np.prod(lshape)), dt, it, "label_csv")
        if len(label) < n:
            raise MXNetError(f"{it}: label_csv {p['label_csv']!r} has {len(label)} rows, "
                             f"data_csv has {n}")
    else:
        label = np.zeros((n, int(np.prod(lshape))), dt)
    lout = (-1,) if lshape == (1,) else (-1,) + lshape

    def collate(slots: list) -> tuple:
        idx = [0 if s is None else s for s in slots]
        d = data[idx].reshape((-1,) + dshape)
        lb = label[idx].reshape(lout)
        for k, s in enumerate(slots):
            if s is None:
                d[k] = 0
                lb[k] = 0
        return _nd(d), _nd(lb)

    rows = _part(n, p["num_parts"], p["part_index"], it)
    src = _ArraySource(n, collate, rows=rows)
    return _make(_Handle(_BatchLoader(it, src, p["batch_size"], p["round_batch"])), kwargs)


# ---- LibSVMIter ----------------------------------------------------------------------------
_FLOAT_PREFIX = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


def _read_libsvm(path: str, width: int, it: str, what: str, with_label: bool) -> tuple:
    try:
        with open(path) as f:
            lines = f.read().splitlines()
    except OSError as e:
        raise MXNetError(f"{it}: cannot read {what} {path!r}: {e.strerror or e}") from None
    labels, rows = [], []
    for n, ln in enumerate(lines):
        toks = ln.split()
        if not toks:
            continue
        lab = 0.0
        if with_label:
            # dmlc's parser reads the first token as the label, whatever follows a number
            # in it (strtof); label files carry such a column too, which is ignored
            m = _FLOAT_PREFIX.match(toks[0])
            lab = float(m.group(0)) if m else 0.0
            toks = toks[1:]
        idx, val = [], []
        for t in toks:
            k, _, v = t.partition(":")
            try:
                ki, vf = int(k), float(v)
            except ValueError:
                raise MXNetError(f"{it}: {what} {path!r}, line {n + 1}: bad feature "
                                 f"{t!r} (expected index:value)") from None
            if not 0 <= ki < width:
                raise MXNetError(f"{it}: {what} {path!r}, line {n + 1}: feature index {ki} "
                                 f"is out of range for shape ({width},)")
            idx.append(ki)
            val.append(vf)
        labels.append(lab)
        rows.append((np.asarray(idx, np.int64), np.asarray(val, np.float32)))
    return labels, rows


def _csr(rows: list, width: int) -> Any:
    from ..ndarray.sparse import csr_matrix
    indptr = np.zeros(len(rows) + 1, np.int64)
    for k, (i, _) in enumerate(rows):
        indptr[k + 1] = indptr[k] + len(i)
    ind = np.concatenate([r[0] for r in rows]) if rows else np.zeros(0, np.int64)
    val = np.concatenate([r[1] for r in rows]) if rows else np.zeros(0, np.float32)
    return csr_matrix((val, ind, indptr), shape=(len(rows), width), dtype=np.float32)


def LibSVMIter(*args: Any, **kwargs: Any) -> MXDataIter:
    """Iterates over a LibSVM file (``label index:value ...`` lines) as CSRNDArray batches of
    ``data_shape`` columns; labels from the first column, or from ``label_libsvm`` (CSR of
    ``label_shape``)."""
    it = "LibSVMIter"
    if args:
        raise TypeError("%s can only accept keyword arguments" % it)
    spec = dict(_COMMON, data_libsvm=(_str, _REQUIRED), data_shape=(_shape, _REQUIRED),
                label_libsvm=(_str, "NULL"), label_shape=(_shape, (1,)))
    p = _params(it, spec, kwargs)
    width = int(np.prod(p["data_shape"]))
    labels, rows = _read_libsvm(p["data_libsvm"], width, it, "data_libsvm", True)
    lshape = p["label_shape"]
    lrows = None
    if p["label_libsvm"] != "NULL":
        _, lrows = _read_libsvm(p["label_libsvm"], int(np.prod(lshape)), it, "label_libsvm",
                                True)
    lab = np.asarray(labels, np.float32)
    empty = (np.zeros(0, np.int64), np.zeros(0, np.float32))

    def collate(slots: list) -> tuple:
        d = _csr([empty if s is None else rows[s] for s in slots], width)
        if lrows is not None:
            lb = _csr([empty if s is None else lrows[s] for s in slots], int(np.prod(lshape)))
        else:
            lb = _nd(np.asarray([0.0 if s is None else lab[s] for s in slots], np.float32))
        return d, lb

    rng = _part(len(rows), p["num_parts"], p["part_index"], it)
    src = _ArraySource(len(rows), collate, rows=rng)
    return _make(_Handle(_BatchLoader(it, src, p["batch_size"], p["round_batch"])), kwargs)


# ---- MNISTIter -----------------------------------------------------------------------------
def _read_idx(path: str, magic: int, it: str) -> np.ndarray:
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except OSError as e:
        raise MXNetError(f"{it}: cannot read {path!r}: {e.strerror or e}") from None
    ndim = 3 if magic == 2051 else 1
    head = 4 * (1 + ndim)
    if len(raw) < head or int.from_bytes(raw[:4], "big") != magic:
        raise MXNetError(f"{it}: {path!r} is not an MNIST idx file (expected magic {magic}, "
                         f"got {int.from_bytes(raw[:4], 'big') if len(raw) >= 4 else None})")
    dims = [int.from_bytes(raw[4 + 4 * k:8 + 4 * k], "big") for k in range(ndim)]
    need = head + int(np.prod(dims))
    if len(raw) < need:
        raise MXNetError(f"{it}: {path!r} is truncated: the header announces {dims} "
                         f"({need} bytes), the file has {len(raw)}")
    return np.frombuffer(raw, np.uint8, int(np.prod(dims)), head).reshape(dims)


def MNISTIter(*args: Any, **kwargs: Any) -> MXDataIter:
    """Iterates over MNIST's idx files (``image``, ``label``): float32 pixels / 256 in
    (batch, 1, 28, 28), or (batch, 784) with ``flat``; the last partial batch is dropped."""
    it = "MNISTIter"
    if args:
        raise TypeError("%s can only accept keyword arguments" % it)
    spec = dict(_COMMON, image=(_str, "./train-images-idx3-ubyte"),
                label=(_str, "./train-labels-idx1-ubyte"), batch_size=(_num(int), 128),
                shuffle=(_bool, True), flat=(_bool, False), seed=(_num(int), 0),
                silent=(_bool, False))
    p = _params(it, spec, kwargs)
    imgs = _read_idx(p["image"], 2051, it)
    labs = _read_idx(p["label"], 2049, it)
    if len(labs) < len(imgs):
        raise MXNetError(f"{it}: {p['label']!r} has {len(labs)} labels for {len(imgs)} images")
    rows = _part(len(imgs), p["num_parts"], p["part_index"], it)
    bs = p["batch_size"]
    h, w = imgs.shape[1:]
    shape = (bs, h * w) if p["flat"] else (bs, 1, h, w)
    if not p["silent"]:
        shown = "(%d,%d)" % shape if p["flat"] else "[%d,%d,%d,%d]" % shape
        print(f"MNISTIter: load {len(rows)} images, shuffle={int(p['shuffle'])}, "
              f"shape={shown}", file=sys.stderr)
    # MNISTIter shuffles once, at load, exactly as MXNet's std::shuffle does
    order = np.asarray(rows)
    if p["shuffle"]:
        order = _cxx_shuffle(order, p["seed"])
    return _make(_MNISTHandle(imgs, labs, order, bs, shape), kwargs)


class _StdShuffle:
    """``std::shuffle(first, last, engine)`` over a persistent ``std::mt19937(seed)``, as
    MXNet 1.9.1's build (libstdc++) computes it: Fisher-Yates from the front, each index
    drawn by ``uniform_int_distribution`` (rejection below a multiple of the range, then
    division) from the 32-bit Mersenne Twister seeded like ``std::mt19937(seed)``."""

    def __init__(self, seed: int):
        self.bg = np.random.MT19937(0)
        self.bg._legacy_seeding(int(seed) & 0xFFFFFFFF)  # init_genrand(seed)

    def shuffle(self, values: np.ndarray) -> np.ndarray:
        v = [int(x) for x in values]
        n = len(v)
        raws = self.bg.random_raw(max(n - 1, 0)).tolist() if n > 1 else []
        k = 0
        for i in range(1, n):
            scaling = 0xFFFFFFFF // (i + 1)
            past = (i + 1) * scaling
            while True:
                if k == len(raws):  # a rejection used one more draw
                    raws, k = self.bg.random_raw(1).tolist(), 0
                r = raws[k]
                k += 1
                if r < past:
                    break
            j = r // scaling
            v[i], v[j] = v[j], v[i]
        if k != len(raws):  # never: every draw was used, the engine state is exact
            raise AssertionError("_StdShuffle: draws left over")
        return np.asarray(v, dtype=np.asarray(values).dtype)


def _cxx_shuffle(values: np.ndarray, seed: int) -> np.ndarray:
    """``std::shuffle(v.begin(), v.end(), std::mt19937(seed))`` (MNISTIter's shuffle)."""
    return _StdShuffle(seed).shuffle(values)


class _MNISTHandle:
    def __init__(self, imgs: np.ndarray, labs: np.ndarray, order: np.ndarray, bs: int,
                 shape: tuple):
        self.imgs, self.labs, self.order, self.bs, self.shape = imgs, labs, order, bs, shape
        self.pos = 0

    def before_first(self) -> None:
        self.pos = 0

    def next(self) -> Any:
        if self.pos + self.bs > len(self.order):
            return None
        sel = self.order[self.pos:self.pos + self.bs]
        self.pos += self.bs
        d = self.imgs[sel].astype(np.float32).reshape(self.shape) * np.float32(1.0 / 256.0)
        return (_nd(d), _nd(self.labs[sel].astype(np.float32)), 0,
                np.zeros(self.bs, np.uint64))  # MXNet reports index 0 for every example
