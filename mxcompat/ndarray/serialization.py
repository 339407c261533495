"""The ``.params`` format: ``mx.nd.save``, ``mx.nd.load``, ``mx.nd.load_frombuffer``, and the
single-record form behind NDArray pickling (``dumps_record`` / ``loads_record``).

The layout is MXNet 1.9.1's (little-endian, no padding anywhere):

* file: u64 magic ``0x112``, u64 reserved 0, u64 count, ``count`` records, u64 name count
  (0 for a list, ``count`` for a dict), then per name a u64 byte length and the UTF-8 bytes;
* record V2 (``0xF993FAC9``, what MXNet 1.9.1 writes outside np-shape mode): u32 magic,
  i32 storage type, [sparse: storage shape], shape (i32 ndim + ndim x i64), i32 dev_type,
  i32 dev_id, i32 type flag, [sparse: per aux array i32 type flag + shape], data, [aux data];
* record V3 (``0xF993FACA``, np-shape mode): as V2, dense only, ndim 0 is a true 0-d array;
* record V1 (``0xF993FAC8``): as V2 without the storage-type field;
* v0 (before magic numbers): the first u32 is ndim, then ndim x u32 dims, ctx, type flag, data.

Writing is byte-identical to MXNet 1.9.1 (always V2 records, since mxcompat has no np-shape
mode). Reading accepts every version above, and also what MXNet writes but cannot read back
(0-d arrays in V2 records). Sparse records (csr, row_sparse) load as ``CSRNDArray`` /
``RowSparseNDArray`` with the file's layout, and save as MXNet writes them.

Hardening: the reader never trusts a size field. Every count, ndim, dim and byte length is
checked against the bytes that remain *before* anything is allocated, the whole file is parsed
and validated before the first array is built, and every problem raises MXNetError naming the
file and what is wrong. Nothing is ever unpickled or evaluated.

Memory: ``load`` parses the headers through a small read window, then reads each array's
bytes from the file straight into that array's own (freshly allocated, aligned) tensor: one
copy from the OS page cache, no intermediate buffer, no mmap. So every array owns its memory
(keeping one array does not keep the file's other bytes alive; ``torch.save`` and safetensors
see separate storages), and arrays stay valid after the file is closed, replaced, truncated or
deleted; a file truncated *while* it loads gives an MXNetError, never a SIGBUS. A file whose
arrays hold 16 MB or more is read by up to four threads at once (``os.preadv`` into the
arrays' memory, in 8 MB pieces): copying out of the page cache is bound by one core's memory
bandwidth, so this is what makes a large load faster than MXNet's.
``load_frombuffer`` copies each array out of the caller's buffer once, likewise. Bool payloads
are normalised to 0/1; big-endian hosts byte-swap in place.
"""
from __future__ import annotations

import math
import os
import secrets
import stat
import struct
import sys
import threading
from typing import Any, Callable, List, Optional, Tuple, Union

import numpy as np
import torch

from .. import _dtypes
from ..base import MXNetError, MXNetTypeError, MXNetValueError
from ..context import Context
from ._op import register
from .ndarray import NDArray, _ctx_for, _default_ctx, _wrap

__all__ = ["save", "load", "load_frombuffer", "dumps_record", "loads_record"]

LIST_MAGIC = 0x112
V1_MAGIC = 0xF993FAC8
V2_MAGIC = 0xF993FAC9
V3_MAGIC = 0xF993FACA
#: the largest ndim accepted from a file (NumPy 1.x's limit)
MAX_NDIM = 32
#: sparse records become dense arrays; refuse a dense result larger than this many bytes
#: (a hostile header can claim a huge dense shape over a tiny payload)
SPARSE_DENSE_LIMIT = 1 << 32
#: fsync saved files before renaming them into place (durable across a crash); the
#: environment variable MXCOMPAT_SAVE_FSYNC=0 turns it off (MXNet and torch.save never fsync)
FSYNC = os.environ.get("MXCOMPAT_SAVE_FSYNC", "1").strip().lower() not in ("0", "false", "no")
#: chunk size for reading files (progress callbacks fire once per chunk)
READ_CHUNK = 64 << 20
#: a file whose dense arrays hold at least this many bytes is read by LOAD_THREADS threads
#: at once (copying out of the page cache is bound by one core's memory bandwidth)
PARALLEL_READ_MIN = 16 << 20
#: pieces of at most this many bytes are what the reading threads share out
PARALLEL_PIECE = 8 << 20
LOAD_THREADS = max(1, min(4, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
                          else (os.cpu_count() or 1)))
#: with FSYNC on, the disk write-back of a saved file is started every this many bytes, so
#: that it overlaps the rest of the save and the final fsync waits only for the tail
WRITEBACK_EVERY = 8 << 20

_DEV_TYPES = {1: "cpu", 2: "gpu", 3: "cpu_pinned", 5: "cpu_shared"}
_ITEMSIZE = {0: 4, 1: 8, 2: 2, 3: 1, 4: 4, 5: 1, 6: 8, 7: 1}
_NP_LE = {0: "<f4", 1: "<f8", 2: "<f2", 3: "u1", 4: "<i4", 5: "i1", 6: "<i8", 7: "u1"}
_AUX_FLAGS = (3, 4, 5, 6)  # integer types valid for sparse index arrays
_LITTLE = sys.byteorder == "little"

_U32 = struct.Struct("<I")
_I32 = struct.Struct("<i")
_U64 = struct.Struct("<Q")
_I32X2 = struct.Struct("<ii")
_HEAD = struct.Struct("<QQQ")
_REC_HEAD = struct.Struct("<Ii")      # magic, stype
_REC_TAIL = struct.Struct("<iii")     # dev_type, dev_id, type flag
_DIMS: dict = {}


def _dims_struct(n: int, code: str) -> struct.Struct:
    key = (n, code)
    s = _DIMS.get(key)
    if s is None:
        s = _DIMS[key] = struct.Struct(f"<{n}{code}")
    return s


# ---------------------------------------------------------------------------------------------
# parsing (no allocation beyond small Python objects; every size checked before use)
# ---------------------------------------------------------------------------------------------
class Record:
    """One parsed record: where its bytes are and what they mean (no data copied)."""

    __slots__ = ("version", "stype", "shape", "sshape", "dev", "flag", "data_off",
                 "aux", "none", "offset")

    def __init__(self) -> None:
        self.version = 2
        self.stype = 0
        self.shape: Tuple[int, ...] = ()
        self.sshape: Optional[Tuple[int, ...]] = None
        self.dev: Tuple[int, int] = (1, 0)
        self.flag = 0
        self.data_off = 0
        self.aux: List[Tuple[int, Tuple[int, ...], int]] = []  # (flag, shape, offset)
        self.none = False
        self.offset = 0

    @property
    def dtype_name(self) -> str:
        return _dtypes.FLAG_NAMES[self.flag]

    @property
    def stype_name(self) -> str:
        return ("default", "row_sparse", "csr")[self.stype]

    @property
    def size(self) -> int:
        """Elements of the (dense) array."""
        return 0 if self.none else math.prod(self.shape)

    @property
    def nbytes(self) -> int:
        """Bytes of the (dense) array once loaded."""
        return self.size * _ITEMSIZE[self.flag] if not self.none else 0

    @property
    def stored_bytes(self) -> int:
        """Bytes of payload in the file (values plus sparse index arrays)."""
        if self.none:
            return 0
        n = math.prod(self.sshape if self.sshape is not None else self.shape)
        n *= _ITEMSIZE[self.flag]
        for f, s, _ in self.aux:
            n += math.prod(s) * _ITEMSIZE[f]
        return n

    @property
    def format(self) -> str:
        return {0: "v0", 1: "V1", 2: "V2", 3: "V3"}[self.version]


class _BufSource:
    """Bytes in memory (``load_frombuffer``, pickles, tests)."""

    __slots__ = ("buf", "end")

    def __init__(self, buf: Any) -> None:
        self.buf = buf if isinstance(buf, memoryview) else memoryview(buf)
        if self.buf.format != "B" or self.buf.ndim != 1:
            self.buf = self.buf.cast("B")
        self.end = len(self.buf)

    def get(self, pos: int, n: int) -> Any:
        return self.buf[pos:pos + n]

    def readinto(self, pos: int, dst: np.ndarray, progress: Any = None) -> None:
        dst[:] = np.frombuffer(self.buf, dtype=np.uint8, count=dst.size, offset=pos)


class _FileSource:
    """An open file, read through a small window for headers and straight into each array's
    storage for data (no intermediate buffer, and no mmap: a file truncated by someone else
    while we read it gives an error, never a SIGBUS)."""

    __slots__ = ("f", "end", "wpos", "win", "where", "done")
    WINDOW = 1 << 16

    def __init__(self, f: Any, size: int, where: str) -> None:
        self.f, self.end, self.where = f, size, where
        self.wpos, self.win = 0, b""
        self.done = 0

    def _read(self, pos: int, n: int) -> bytes:
        self.f.seek(pos)
        data = self.f.read(n)
        return data

    def _changed(self) -> MXNetError:
        return MXNetError(f"{self.where}: the file changed (shrank) while it was being loaded")

    def get(self, pos: int, n: int) -> Any:
        w = self.wpos
        if w <= pos and pos + n <= w + len(self.win):
            return memoryview(self.win)[pos - w:pos - w + n]
        if n > self.WINDOW:
            data = self._read(pos, n)
            if len(data) < n:
                raise self._changed()
            return data
        self.win = self._read(pos, min(self.WINDOW, self.end - pos))
        self.wpos = pos
        if len(self.win) < n:
            raise self._changed()
        return memoryview(self.win)[:n]

    def readinto(self, pos: int, dst: np.ndarray, progress: Any = None) -> None:
        self.f.seek(pos)
        got, n = 0, dst.size
        with memoryview(dst) as mv:  # type: ignore[arg-type]
            while got < n:
                k = self.f.readinto(mv[got:got + READ_CHUNK])
                if not k:
                    raise self._changed()
                got += k
                if progress is not None:
                    self.done += k
                    progress(self.done, self.end)


class _Parser:
    __slots__ = ("src", "pos", "end", "where", "label")

    def __init__(self, src: Any, where: str) -> None:
        self.src = src
        self.pos = 0
        self.end = src.end
        self.where = where
        self.label = ""

    def error(self, msg: str) -> MXNetError:
        lab = f"{self.label}: " if self.label else ""
        return MXNetError(f"{self.where}: invalid NDArray file: {lab}{msg}")

    def take(self, size: int, what: str) -> int:
        p = self.pos
        left = self.end - p
        if size > left:
            raise self.error(f"truncated: {what} needs {size} bytes at offset {p}, but only "
                             f"{left} remain")
        self.pos = p + size
        return p

    def u32(self, what: str) -> int:
        return _U32.unpack(self.src.get(self.take(4, what), 4))[0]

    def i32(self, what: str) -> int:
        return _I32.unpack(self.src.get(self.take(4, what), 4))[0]

    def u64(self, what: str) -> int:
        return _U64.unpack(self.src.get(self.take(8, what), 8))[0]

    def tshape(self, what: str, v3: bool) -> Optional[Tuple[int, ...]]:
        """i32 ndim + ndim x i64 dims; None for ndim -1 (MXNet's 'none' array)."""
        ndim = self.i32(f"the ndim of the {what}")
        if ndim == -1:
            return None
        if ndim < 0 or ndim > MAX_NDIM:
            raise self.error(f"{what} has ndim {ndim} (expected 0..{MAX_NDIM})")
        if ndim == 0:
            return ()
        p = self.take(8 * ndim, f"the {ndim} dims of the {what}")
        dims = _dims_struct(ndim, "q").unpack(self.src.get(p, 8 * ndim))
        for d in dims:
            if d < 0:
                raise self.error(f"{what} {dims} has a negative dimension"
                                 + (" (unknown size)" if v3 and d == -1 else ""))
        return dims

    def valid_flag(self, flag: int, what: str) -> int:
        if flag in _ITEMSIZE:
            return flag
        if flag in _dtypes.FLAG_NAMES:
            raise self.error(f"{what} has dtype {_dtypes.FLAG_NAMES[flag]} (type flag {flag}), "
                             "which MXNet 1.9.1 NDArrays (and mxcompat) do not support; "
                             "supported: float32, float64, float16, uint8, int8, int32, int64, "
                             "bool")
        raise self.error(f"{what} has an unknown type flag {flag}")

    def looks_like_payload_head(self) -> bool:
        """After an ndim 0 in a V0/V1/V2 record: does a context and a type flag follow (a 0-d
        array, as MXNet 1.9.1 writes them), or not (an old 'none' array, nothing follows)?"""
        if self.end - self.pos < 12:
            return False
        dev_type, dev_id, flag = _REC_TAIL.unpack(self.src.get(self.pos, 12))
        return dev_type in _DEV_TYPES and 0 <= dev_id < (1 << 16) and flag in _dtypes.FLAG_NAMES

    def record(self) -> Record:
        r = Record()
        r.offset = self.pos
        magic = self.u32("the record magic")
        if magic == V2_MAGIC or magic == V3_MAGIC:
            r.version = 2 if magic == V2_MAGIC else 3
            r.stype = self.i32("the storage type")
            if r.stype not in (0, 1, 2):
                raise self.error(f"unknown storage type {r.stype} (expected 0 default, "
                                 "1 row_sparse, 2 csr)")
            if r.version == 3 and r.stype != 0:
                raise self.error("a V3 (np-shape) record must be dense, but has storage "
                                 f"type {r.stype}")
        elif magic == V1_MAGIC:
            r.version = 1
        elif magic <= MAX_NDIM:
            r.version = 0
        else:
            raise self.error(f"unknown record magic 0x{magic:08x} (not an MXNet NDArray "
                             "record)")
        v3 = r.version == 3
        nad = r.stype  # number of aux arrays: row_sparse 1, csr 2
        if nad:
            r.sshape = self.tshape("storage shape", v3)
            if r.sshape is None:
                raise self.error("a sparse record has no storage shape (ndim -1)")
        if r.version == 0:
            ndim = magic
            shape: Optional[Tuple[int, ...]] = ()
            if ndim:
                p = self.take(4 * ndim, f"the {ndim} dims of the shape")
                shape = tuple(_dims_struct(ndim, "I").unpack(self.src.get(p, 4 * ndim)))
        else:
            shape = self.tshape("shape", v3)
        if shape is None or (not shape and not v3 and not nad
                             and not self.looks_like_payload_head()):
            r.none = True  # an empty ('none') NDArray: nothing else was written
            return r
        r.shape = shape
        p = self.take(8, "the context")
        dev_type, dev_id = _I32X2.unpack(self.src.get(p, 8))
        if dev_type not in _DEV_TYPES or dev_id < 0:
            raise self.error(f"invalid context (device type {dev_type}, id {dev_id})")
        r.dev = (dev_type, dev_id)
        r.flag = self.valid_flag(self.i32("the type flag"), "the array")
        for k in range(nad):
            af = self.valid_flag(self.i32(f"the type flag of aux array {k}"),
                                 f"aux array {k}")
            if af not in _AUX_FLAGS:
                raise self.error(f"sparse index array {k} has non-integer dtype "
                                 f"{_dtypes.FLAG_NAMES[af]}")
            ash = self.tshape(f"shape of aux array {k}", v3)
            if ash is None:
                raise self.error(f"aux array {k} has no shape (ndim -1)")
            r.aux.append((af, ash, 0))
        isz = _ITEMSIZE[r.flag]
        if nad and r.sshape and r.sshape[0] == 0 and r.aux[-1][1] and r.aux[-1][1][0]:
            # MXNet 1.9.1 can pickle a csr array whose storage shape is still 0 rows (it
            # reads the shape before the asynchronous tostype that made it has finished);
            # the stored row count is that of its (last) index array
            assert r.shape is not None
            r.sshape = (r.aux[-1][1][0],) + (tuple(r.shape[1:]) if r.stype == 1 else ())
        if nad:
            self._check_sparse(r)
        n = math.prod(r.sshape if nad else shape)  # type: ignore[arg-type]
        r.data_off = self.take(n * isz, f"the data ({n} x {isz}-byte "
                                        f"{_dtypes.FLAG_NAMES[r.flag]} elements)")
        for k, (af, ash, _) in enumerate(r.aux):
            m = math.prod(ash)
            r.aux[k] = (af, ash, self.take(m * _ITEMSIZE[af], f"aux array {k} ({m} elements)"))
        if nad:
            self._check_indices(r)
        return r

    def _check_sparse(self, r: Record) -> None:
        shape, ss = r.shape, r.sshape
        assert ss is not None
        dense = math.prod(shape) * _ITEMSIZE[r.flag]
        if dense > SPARSE_DENSE_LIMIT:
            raise self.error(f"sparse array of shape {shape} would need {dense} bytes as a "
                             "dense array (limit: serialization.SPARSE_DENSE_LIMIT = "
                             f"{SPARSE_DENSE_LIMIT})")
        if r.stype == 2:  # csr: values (nnz,), indptr (rows+1,), indices (nnz,)
            if len(shape) != 2 or len(ss) != 1:
                raise self.error(f"csr array must be 2-D with a 1-D storage shape, got shape "
                                 f"{shape}, storage shape {ss}")
            want = [(shape[0] + 1,), (ss[0],)]
        else:  # row_sparse: values (k,)+shape[1:], row indices (k,)
            if len(shape) < 1 or len(ss) != len(shape) or tuple(ss[1:]) != tuple(shape[1:]) \
                    or ss[0] > shape[0]:
                raise self.error(f"row_sparse storage shape {ss} does not fit shape {shape}")
            want = [(ss[0],)]
        got = [tuple(a[1]) for a in r.aux]
        if got != want:
            raise self.error(f"{r.stype_name} index arrays have shapes {got}, expected {want}")

    def aux_array(self, r: Record, k: int) -> np.ndarray:
        af, ash, off = r.aux[k]
        n = math.prod(ash)
        return np.frombuffer(self.src.get(off, n * _ITEMSIZE[af]), dtype=_NP_LE[af], count=n)

    def _check_indices(self, r: Record) -> None:
        if r.stype == 2:
            indptr, idx = self.aux_array(r, 0), self.aux_array(r, 1)
            nnz, cols = r.sshape[0], r.shape[1]  # type: ignore[index]
            if indptr[0] != 0 or indptr[-1] != nnz or (np.diff(indptr) < 0).any():
                raise self.error("csr indptr is not a non-decreasing sequence from 0 to nnz")
            if idx.size and (idx.min() < 0 or idx.max() >= cols):
                raise self.error(f"csr column index out of range [0, {cols})")
        else:
            idx = self.aux_array(r, 0)
            if idx.size and (idx.min() < 0 or idx.max() >= r.shape[0]):
                raise self.error(f"row_sparse row index out of range [0, {r.shape[0]})")


def _parse(src: Any, where: str) -> Tuple[List[Record], Optional[List[str]]]:
    p = _Parser(src, where)
    if p.end < 8:
        raise p.error(f"the file holds {p.end} bytes, too short for the header")
    if p.u64("the header") != LIST_MAGIC:
        raise p.error("bad header (not an NDArray list file: the magic number 0x112 is "
                      "missing)")
    p.u64("the reserved field")
    count = p.u64("the array count")
    # every record takes at least 4 bytes, and the name count 8 more
    if count > (p.end - p.pos - 8) // 4:
        raise p.error(f"the header claims {count} arrays, but only {p.end - p.pos} bytes "
                      "follow")
    recs = []
    for i in range(count):
        p.label = f"array {i}"
        recs.append(p.record())
    p.label = ""
    ncount = p.u64("the name count")
    if ncount not in (0, count):
        raise p.error(f"the file has {count} arrays but {ncount} names")
    if not ncount:
        return recs, None
    names = []
    for i in range(ncount):
        p.label = f"name {i}"
        n = p.u64("the name length")
        off = p.take(n, "the name")
        # MXNet hands names to Python as C strings: a NUL byte ends the name
        raw = bytes(p.src.get(off, n)).split(b"\0", 1)[0]
        try:
            names.append(raw.decode("utf-8"))
        except UnicodeDecodeError as e:
            raise p.error(f"the name at offset {off} is not valid UTF-8 ({e.reason})") from None
    return recs, names


def parse(buf: Any, where: str = "mx.nd.load") -> Tuple[List[Record], Optional[List[str]]]:
    """Parse and validate a whole ``.params`` buffer; return its records and its names (None
    for a list file). Nothing is allocated from size fields; the data is not touched except to
    validate sparse index arrays."""
    return _parse(_BufSource(buf), where)


def parse_record(buf: Any, where: str) -> Record:
    """Parse one record at the start of ``buf`` (the pickle / raw-bytes form)."""
    p = _Parser(_BufSource(buf), where)
    r = p.record()
    if r.none:
        raise p.error("the record holds no array")
    return r


# ---------------------------------------------------------------------------------------------
# building arrays from parsed records: each array's bytes are read (or copied) once, straight
# into its own storage
# ---------------------------------------------------------------------------------------------
def _bytes_of(t: torch.Tensor) -> np.ndarray:
    """A fresh contiguous tensor's memory as a flat uint8 NumPy array (shared)."""
    return t.view(-1).view(torch.uint8).numpy()


def _fix(t: torch.Tensor, flag: int) -> None:
    """What a payload needs once its bytes are in ``t``."""
    if t.numel() == 0:
        return
    if flag == 7:
        # bytes other than 0/1 in a bool tensor are undefined behaviour in torch: normalise
        t.view(-1).view(torch.uint8).clamp_(max=1)
    elif not _LITTLE and _ITEMSIZE[flag] > 1:
        t.numpy().byteswap(inplace=True)


def _read(src: Any, flag: int, shape: Tuple[int, ...], off: int,
          progress: Any = None) -> torch.Tensor:
    t = torch.empty(shape, dtype=_dtypes.FLAG_TO_TORCH[flag])
    if t.numel():
        src.readinto(off, _bytes_of(t), progress)
        _fix(t, flag)
    return t


def _pread_pieces(fd: int, pieces: List[Tuple[int, memoryview]], changed: Callable,
                  errors: List[BaseException]) -> None:
    try:
        for pos, mv in pieces:
            got, n = 0, len(mv)
            while got < n:
                k = os.preadv(fd, [mv[got:]], pos + got)
                if not k:
                    raise changed()
                got += k
    except BaseException as e:  # noqa: BLE001 - re-raised by the thread that waits
        errors.append(e)


def _read_parallel(src: "_FileSource", jobs: List[Tuple[int, np.ndarray]]) -> None:
    """Fill each ``(file offset, destination)`` of ``jobs`` from ``src``'s file, the work cut
    into pieces and shared between LOAD_THREADS threads (this one included)."""
    pieces: List[Tuple[int, memoryview]] = []
    for pos, dst in jobs:
        mv = memoryview(dst)  # type: ignore[arg-type]
        for a in range(0, len(mv), PARALLEL_PIECE):
            pieces.append((pos + a, mv[a:a + PARALLEL_PIECE]))
    k = min(LOAD_THREADS, len(pieces))
    shares: List[List[Tuple[int, memoryview]]] = [pieces[i::k] for i in range(k)]
    errors: List[BaseException] = []
    fd = src.f.fileno()
    workers = [threading.Thread(target=_pread_pieces, args=(fd, sh, src._changed, errors),
                                daemon=True) for sh in shares[1:]]
    for w in workers:
        w.start()
    try:
        _pread_pieces(fd, shares[0], src._changed, errors)
    finally:
        # the other threads write into the arrays through the open file: let them finish
        # before anything (even a KeyboardInterrupt) leaves this function and closes it
        for w in workers:
            while w.is_alive():
                try:
                    w.join()
                except BaseException as e:  # noqa: BLE001 - re-raised below
                    errors.append(e)
    if errors:
        raise errors[0]


def _parallel_reads(src: Any, recs: List[Record], progress: Any) -> bool:
    return isinstance(src, _FileSource) and progress is None and LOAD_THREADS > 1 and \
        hasattr(os, "preadv") and \
        sum(r.nbytes for r in recs if r.stype == 0) >= PARALLEL_READ_MIN


_STYPES = {0: "default", 1: "row_sparse", 2: "csr"}


def _tensors(src: Any, r: Record, progress: Any = None) -> Tuple[torch.Tensor, tuple, Any]:
    """(dense values, sparse aux arrays in mxcompat's order, stored data or None)."""
    if r.none:
        return torch.empty(0, dtype=torch.float32), (), None
    if r.stype == 0:
        return _read(src, r.flag, r.shape, r.data_off, progress), (), None
    assert r.sshape is not None
    vals = _read(src, r.flag, r.sshape, r.data_off, progress)
    aux = [_read(src, f, s, off, progress).long() for f, s, off in r.aux]
    dense = torch.zeros(r.shape, dtype=vals.dtype)
    if r.stype == 2:
        indptr, idx = aux
        rows = torch.repeat_interleave(torch.arange(r.shape[0]), indptr.diff())
        dense[rows, idx] = vals
        return dense, (idx, indptr), vals
    dense[aux[0]] = vals
    return dense, (aux[0],), vals


def _arrays(src: Any, recs: List[Record], ctx: Any, progress: Any = None) -> List[NDArray]:
    if _parallel_reads(src, recs, progress):
        # a large file: allocate every dense array, then read their bytes in parallel
        dense = {}
        jobs = []
        for i, r in enumerate(recs):
            if r.stype == 0 and not r.none:
                t = dense[i] = torch.empty(r.shape, dtype=_dtypes.FLAG_TO_TORCH[r.flag])
                if t.numel():
                    jobs.append((r.data_off, _bytes_of(t)))
        _read_parallel(src, jobs)
        for i, t in dense.items():
            _fix(t, recs[i].flag)
        parts = [(r.stype, dense[i], (), None) if i in dense else (r.stype, *_tensors(src, r))
                 for i, r in enumerate(recs)]
    else:
        parts = [(r.stype, *_tensors(src, r, progress)) for r in recs]
    dev, cs = None, None
    if ctx is not None:
        c = _default_ctx(ctx)
        dev = c.torch_device
        cs = _ctx_for(c, dev)
    out: List[NDArray] = []
    for stype, t, aux, data in parts:
        if dev is not None and t.device != dev:
            t = t.to(dev)
            aux = tuple(x.to(dev) for x in aux)
            data = None if data is None else data.to(dev)
        if stype:
            from .sparse import _make
            out.append(_make(_STYPES[stype], t, aux, data, cs))
        else:
            out.append(_wrap(t, cs))
    return out


def _result(src: Any, where: str, ctx: Any, progress: Any = None) -> Union[list, dict]:
    if not isinstance(src, (_BufSource, _FileSource)):
        src = _BufSource(src)
    recs, names = _parse(src, where)
    arrays = _arrays(src, recs, ctx, progress)
    if progress is not None:
        progress(src.end, src.end)
    if names is None:
        return arrays
    return dict(zip(names, arrays))


# ---------------------------------------------------------------------------------------------
# reading files
# ---------------------------------------------------------------------------------------------
def _path(fname: Any, op: str) -> str:
    if isinstance(fname, str):
        return fname
    if isinstance(fname, os.PathLike):  # extension: MXNet 1.9.1 takes only str
        p = os.fspath(fname)
        return p if isinstance(p, str) else os.fsdecode(p)
    raise MXNetTypeError(f"{op}: fname required to be a string (or an os.PathLike, an "
                         f"mxcompat extension), got {type(fname).__name__}")


def _os_error(op: str, fname: str, e: OSError) -> MXNetError:
    return MXNetError(f"{op}: cannot {'write' if op.endswith('save') else 'open'} "
                      f"{fname!r}: {e.strerror or e}")


def with_file(fname: str, op: str, where: str, fn: Callable[[Any], Any]) -> Any:
    """Open ``fname`` and call ``fn(source)`` with a parser source over it (a non-regular
    file, such as a pipe, is read into memory first)."""
    try:
        f = open(fname, "rb", buffering=0)
    except OSError as e:
        raise _os_error(op, fname, e) from None
    with f:
        try:
            st = os.fstat(f.fileno())
            if stat.S_ISREG(st.st_mode):
                src: Any = _FileSource(f, st.st_size, where)
            else:
                src = _BufSource(f.readall())
            return fn(src)
        except OSError as e:
            raise _os_error(op, fname, e) from None


def load_path(fname: str, op: str, ctx: Any = None,
              progress: Optional[Callable[[int, int], None]] = None) -> Union[list, dict]:
    """``load`` with a caller-chosen error prefix and a ``progress(done, total)`` callback."""
    where = f"{op}: {fname!r}"
    return with_file(fname, op, where, lambda src: _result(src, where, ctx, progress))


def load(fname: Any, ctx: Any = None) -> Union[List[NDArray], dict]:
    """Load arrays saved by ``mx.nd.save`` (or by MXNet, any version): a list, or a dict when
    the file holds names.

    ``ctx`` (an mxcompat extension) places every array there; by default arrays land on
    cpu(0), as in a CPU build of MXNet, whatever context they were saved from. ``fname`` may
    also be an ``os.PathLike`` (extension). Sparse records load as dense NDArrays.
    """
    return load_path(_path(fname, "mx.nd.load"), "mx.nd.load", ctx)


def load_frombuffer(buf: Any, ctx: Any = None) -> Union[List[NDArray], dict]:
    """Load arrays from the bytes of a ``.params`` file (as ``load``). Each array gets its own
    copy of its bytes, so nothing aliases ``buf``. ``bytearray``/``memoryview`` buffers and
    ``ctx`` are mxcompat extensions."""
    if isinstance(buf, str):
        raise MXNetValueError("mx.nd.load_frombuffer: a str cannot hold an NDArray file (it "
                              "contains NUL bytes); pass the file's bytes")
    if not isinstance(buf, (bytes, bytearray, memoryview)):
        raise MXNetTypeError("mx.nd.load_frombuffer: buf required to be a string or bytes, "
                             f"got {type(buf).__name__}")
    src = _BufSource(buf)
    return _result(src, f"mx.nd.load_frombuffer: <buffer of {src.end} bytes>", ctx)


# ---------------------------------------------------------------------------------------------
# writing
# ---------------------------------------------------------------------------------------------
def _host_bytes(t: torch.Tensor) -> np.ndarray:
    """A tensor's elements as little-endian bytes (a flat uint8 view where possible)."""
    t = t.detach()
    if t.device.type != "cpu":
        t = t.cpu()
    if not t.is_contiguous():
        t = t.contiguous()
    arr = t.numpy()
    if not _LITTLE and arr.dtype.itemsize > 1:
        arr = arr.astype(arr.dtype.newbyteorder("<"))
    return arr.reshape(-1).view(np.uint8)


def _shape_bytes(shape: Tuple[int, ...]) -> bytes:
    nd = len(shape)
    return _I32.pack(nd) + (_dims_struct(nd, "q").pack(*shape) if nd else b"")


def _record_parts(a: NDArray) -> Tuple[bytes, np.ndarray]:
    """The V2 record header of ``a`` and its payload as a flat uint8 NumPy array."""
    c = a.context
    flag = _dtypes.TORCH_TO_FLAG[a._t.dtype]
    stype = getattr(a, "_STYPE", "default")
    if stype == "default":
        head = (_REC_HEAD.pack(V2_MAGIC, 0) + _shape_bytes(tuple(a._t.shape))
                + _REC_TAIL.pack(c.device_typeid, c.device_id, flag))
        return head, _host_bytes(a._t)
    # sparse (MXNet's layout): storage type, storage shape, shape, context, type flag, then
    # per aux array (csr: indptr, indices; row_sparse: indices) its type flag and shape;
    # payload: the stored values, then each aux array
    data = a.data._t  # type: ignore[attr-defined]
    aux = a._pattern()  # type: ignore[attr-defined]
    aux = (aux[1], aux[0]) if stype == "csr" else aux
    head = (_REC_HEAD.pack(V2_MAGIC, 2 if stype == "csr" else 1)
            + _shape_bytes(tuple(data.shape)) + _shape_bytes(tuple(a._t.shape))
            + _REC_TAIL.pack(c.device_typeid, c.device_id, flag)
            + b"".join(_I32.pack(_dtypes.TORCH_TO_FLAG[x.dtype]) + _shape_bytes(tuple(x.shape))
                       for x in aux))
    return head, np.concatenate([_host_bytes(data)] + [_host_bytes(x) for x in aux])


def _check_data(data: Any) -> Tuple[List[NDArray], Optional[List[str]]]:
    if isinstance(data, NDArray):
        return [data], None
    msg = "save only accept dict str->NDArray or list of NDArray"
    if isinstance(data, dict):
        if any(not isinstance(k, str) for k in data) or \
                any(not isinstance(v, NDArray) for v in data.values()):
            raise MXNetTypeError(f"mx.nd.save: {msg}")
        return list(data.values()), list(data.keys())
    if isinstance(data, list):
        if any(not isinstance(v, NDArray) for v in data):
            raise MXNetTypeError(f"mx.nd.save: {msg}")
        return list(data), None
    raise MXNetValueError("mx.nd.save: data needs to either be a NDArray, dict of str, NDArray "
                          f"pairs or a list of NDarrays (got {type(data).__name__})")


def _name_bytes(names: Optional[List[str]]) -> bytes:
    if not names:
        return _U64.pack(0)
    out = [_U64.pack(len(names))]
    for k in names:
        # MXNet passes names to C as NUL-terminated strings: a NUL byte ends the name
        b = k.encode("utf-8", "surrogatepass").split(b"\0", 1)[0]
        out.append(_U64.pack(len(b)))
        out.append(b)
    return b"".join(out)


def _libc_fn(name: str, argtypes: List[Any]) -> Any:
    """A libc function through ctypes (Linux only), or None."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        import ctypes
        fn = getattr(ctypes.CDLL(None, use_errno=True), name)
    except (OSError, AttributeError, ImportError):
        return None
    fn.argtypes = argtypes
    fn.restype = ctypes.c_int
    return fn


_SYNC_RANGE: List[Any] = []
_FALLOCATE: List[Any] = []


def _sync_file_range() -> Any:
    """libc's sync_file_range (Linux), or None."""
    if not _SYNC_RANGE:
        import ctypes
        _SYNC_RANGE.append(_libc_fn("sync_file_range", [ctypes.c_int, ctypes.c_int64,
                                                        ctypes.c_int64, ctypes.c_uint]))
    return _SYNC_RANGE[0]


def _preallocate(fd: int, size: int) -> None:
    """Reserve ``size`` bytes of disk for a file about to be written, without changing its
    size (Linux fallocate with FALLOC_FL_KEEP_SIZE; nothing elsewhere, and no emulation where
    the file system lacks it). On ext4 this makes the writes that follow about twice as fast.
    Only used for saves that are not fsync'd: an fsync after it is slower, since the
    reserved blocks are converted to written ones as part of the sync."""
    if not _FALLOCATE:
        import ctypes
        _FALLOCATE.append(_libc_fn("fallocate", [ctypes.c_int, ctypes.c_int, ctypes.c_int64,
                                                 ctypes.c_int64]))
    fn = _FALLOCATE[0]
    if fn is not None and size > 0:
        fn(fd, 1, 0, size)  # 1: FALLOC_FL_KEEP_SIZE; a failure only loses the speed-up


class _Writeback:
    """Starts the disk write-back of what has been written so far, every WRITEBACK_EVERY
    bytes (Linux's sync_file_range(SYNC_FILE_RANGE_WRITE): it only starts the I/O, which then
    runs while the save goes on; the fsync at the end still waits for everything)."""

    __slots__ = ("f", "fn", "started", "pending")

    def __init__(self, f: Any) -> None:
        self.f, self.started, self.pending = f, 0, 0
        self.fn = _sync_file_range() if FSYNC else None

    def wrote(self, n: int) -> None:
        if self.fn is None:
            return
        self.pending += n
        if self.pending >= WRITEBACK_EVERY:
            self.f.flush()
            end = self.f.tell()
            self.fn(self.f.fileno(), self.started, end - self.started, 2)  # ..._WRITE
            self.started, self.pending = end, 0


def _params_size(arrays: List[NDArray], name_bytes: bytes) -> int:
    """The exact size of the file ``_write_params`` writes (from shapes, without copying a
    byte of data off a GPU)."""
    n = _HEAD.size + len(name_bytes)
    for a in arrays:
        shapes = [tuple(a._t.shape)]
        items = [a._t.numel() * a._t.element_size()]
        if getattr(a, "_STYPE", "default") != "default":
            data = a.data._t  # type: ignore[attr-defined]
            aux = a._pattern()  # type: ignore[attr-defined]
            shapes += [tuple(data.shape)] + [tuple(x.shape) for x in aux]
            items = [data.numel() * data.element_size()] + \
                [x.numel() * x.element_size() for x in aux]
            n += 4 * len(aux)  # each aux array's type flag
        n += _REC_HEAD.size + _REC_TAIL.size + sum(4 + 8 * len(sh) for sh in shapes)
        n += sum(items)
    return n


def _write_params(f: Any, arrays: List[NDArray], names: Optional[List[str]]) -> None:
    wb = _Writeback(f)
    name_bytes = _name_bytes(names)
    if not FSYNC:
        _preallocate(f.fileno(), _params_size(arrays, name_bytes))
    f.write(_HEAD.pack(LIST_MAGIC, 0, len(arrays)))
    for a in arrays:
        head, payload = _record_parts(a)
        f.write(head)
        if payload.size:
            f.write(memoryview(payload))  # type: ignore[arg-type]
            wb.wrote(payload.size)
    f.write(name_bytes)


def atomic_write(path: str, write: Callable[[Any], None], op: str) -> None:
    """Write ``path`` through ``write(file)`` atomically: a temporary file in the same folder,
    flushed and fsync'ed (unless ``FSYNC`` is off), then ``os.replace``. On any exception the
    temporary file is removed and an existing ``path`` is left untouched. A symlink is written
    through (its target is replaced). A new file gets the usual ``0o666 & ~umask`` mode; an
    existing one keeps its mode."""
    target = os.path.realpath(path) if os.path.islink(path) else path
    folder = os.path.dirname(target) or "."
    tmp = os.path.join(folder, f".{os.path.basename(target)}.{os.getpid()}."
                               f"{secrets.token_hex(4)}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0),
                     0o666)
    except OSError as e:
        raise _os_error(op, path, e) from None
    try:
        try:
            mode = stat.S_IMODE(os.stat(target).st_mode)
        except OSError:
            mode = None
        with open(fd, "wb", buffering=1 << 20) as f:
            if mode is not None:
                os.chmod(tmp, mode)
            write(f)
            f.flush()
            if FSYNC:
                os.fsync(f.fileno())
        os.replace(tmp, target)
    except BaseException as e:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(e, OSError):
            raise _os_error(op, path, e) from None
        raise


def save(fname: Any, data: Any) -> None:
    """Save an NDArray, a list of NDArrays or a dict str -> NDArray in MXNet's format (bytes
    identical to MXNet 1.9.1's). The write is atomic (temporary file, fsync, rename).
    ``fname`` may also be an ``os.PathLike`` (an mxcompat extension)."""
    arrays, names = _check_data(data)
    path = _path(fname, "mx.nd.save")
    atomic_write(path, lambda f: _write_params(f, arrays, names), "mx.nd.save")


def dumps_record(nd: NDArray) -> bytearray:
    """One V2 record without the list container (MXNet's raw-bytes / pickle form).

    A ``bytearray``, as MXNet's ``__getstate__`` produces: MXNet's ``__setstate__`` needs a
    writable buffer, so a pickle holding ``bytes`` would not load in MXNet."""
    if not isinstance(nd, NDArray):
        raise MXNetTypeError(f"dumps_record: expected an NDArray, got {type(nd).__name__}")
    head, payload = _record_parts(nd)
    out = bytearray(len(head) + payload.size)
    out[:len(head)] = head
    out[len(head):] = memoryview(payload)  # type: ignore[arg-type]
    return out


def loads_record(buf: Any, ctx: Any = None) -> NDArray:
    """The NDArray in one record (``dumps_record``'s inverse; any record version). The bytes
    are copied, so the array does not alias ``buf``."""
    if not isinstance(buf, (bytes, bytearray, memoryview)):
        raise MXNetTypeError(f"loads_record: expected bytes, got {type(buf).__name__}")
    src = _BufSource(buf)
    where = f"NDArray record (<{src.end} bytes>)"
    p = _Parser(src, where)
    r = p.record()
    if r.none:
        raise p.error("the record holds no array")
    return _arrays(src, [r], ctx)[0]


def _publish() -> None:
    notes = {"save": "byte-identical to MXNet 1.9.1; atomic write; os.PathLike accepted",
             "load": "V0/V1/V2/V3 records, sparse records as dense arrays; ctx= extension",
             "load_frombuffer": "bytes (bytearray/memoryview accepted as an extension)"}
    torch_names = {"save": "torch.save", "load": "torch.load", "load_frombuffer": "torch.load"}
    for name in ("save", "load", "load_frombuffer"):
        globals()[name].__module__ = "mxcompat.ndarray"
        register(name, python=True, family="serialization", torch=torch_names[name],
                 notes=notes[name])(globals()[name])


_publish()
_ = Context
