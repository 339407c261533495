"""``mx.recordio``: MXNet's RecordIO files (``.rec`` / ``.idx``), read and written in pure Python.

The byte format is dmlc-core's, as MXNet 1.9.1 writes and reads it:

* each record starts with the magic ``0xced7230a`` (uint32, little-endian) and a uint32
  ``lrec``: the upper 3 bits are a continuation flag ``cflag``, the lower 29 the length of the
  part that follows;
* the part is padded with zero bytes to a multiple of 4;
* the writer splits a record wherever its payload holds the magic at a 4-byte aligned offset
  (``cflag`` 1 = first part, 2 = middle, 3 = last; 0 = the whole record), dropping those 4
  bytes; the reader joins the parts and puts the magic back;
* a record must be shorter than 2**29 bytes (MXNet's writer refuses longer ones too).

``.idx`` files are text, one ``key<TAB>byte offset`` line per record.

Differences from MXNet (documented in docs/io.md): writers publish their files atomically
(a temporary file beside the target, ``os.replace`` on ``close``), so a crash mid-write
leaves the previous file intact; corrupt or truncated files raise :class:`MXNetError`
naming the file and the record's byte offset instead of dmlc's terse check failures.
"""
from __future__ import annotations

import atexit
import numbers
import os
import struct
import tempfile
import weakref
from collections import namedtuple
from multiprocessing import current_process
from typing import Any

import numpy as np

from .base import MXNetError, MXNetTypeError, MXNetValueError

__all__ = ["MXRecordIO", "MXIndexedRecordIO", "IRHeader", "pack", "unpack", "pack_img",
           "unpack_img"]

_MAGIC = 0xCED7230A
_MAGIC_BYTES = struct.pack("<I", _MAGIC)
_HEAD = struct.Struct("<II")
_LEN_MASK = (1 << 29) - 1
_MAX_RECORD = 1 << 29
_WRITE_BUFFER = 1 << 20


class RecordIOFormatError(MXNetError, struct.error):
    """A record that is not in MXNet's format (an MXNetError, and a ``struct.error`` as the
    failures of MXNet's own ``struct.unpack`` call were)."""


def _path(uri: Any) -> str:
    if isinstance(uri, bytes):
        return uri.decode("utf-8")
    try:
        return os.fspath(uri)
    except TypeError:
        raise MXNetTypeError(f"MXRecordIO: uri must be a path (str), got "
                             f"{type(uri).__name__}") from None


_open_writers: "weakref.WeakSet[MXRecordIO]" = weakref.WeakSet()


@atexit.register
def _close_writers() -> None:
    # MXNet's C++ writer sits on a FILE*, which libc flushes at exit even when the Python
    # object was never closed; publish the files of writers still open at exit likewise.
    for rec in list(_open_writers):
        try:
            rec.close()
        except Exception:  # noqa: BLE001 - nothing to report to at interpreter exit
            pass


class _Reader:
    """Sequential reader over one file, the dmlc RecordIOReader's logic."""

    __slots__ = ("path", "f", "eof")

    def __init__(self, path: str):
        self.path = path
        try:
            self.f = open(path, "rb")  # noqa: SIM115 - closed by close()
        except OSError as e:
            raise MXNetError(f"MXRecordIO: cannot open {path!r} for reading: "
                             f"{e.strerror or e}") from None
        self.eof = False

    def _fail(self, start: int, what: str) -> MXNetError:
        return MXNetError(f"MXRecordIO: invalid RecordIO file {self.path!r}: the record at "
                          f"byte offset {start} {what}")

    def read(self) -> bytes | None:
        if self.eof:
            return None
        f = self.f
        start = f.tell()
        parts: list = []
        while True:
            head = f.read(8)
            if len(head) < 8:
                if not head and not parts:
                    self.eof = True
                    return None
                raise self._fail(start, "is truncated (the file ends inside a record header)")
            magic, lrec = _HEAD.unpack(head)
            if magic != _MAGIC:
                raise self._fail(start, f"does not start with the RecordIO magic 0xced7230a "
                                        f"(found 0x{magic:08x} at offset {f.tell() - 8})")
            cflag, n = lrec >> 29, lrec & _LEN_MASK
            padded = (n + 3) & ~3
            data = f.read(padded)
            if len(data) < padded:
                raise self._fail(start, f"is truncated (a part of {n} bytes, the file ends "
                                        f"after {len(data)})")
            if cflag == 0 or cflag == 3:
                if not parts:
                    return data[:n] if padded != n else data
                parts.append(data[:n])
                return b"".join(parts)
            if cflag > 3:
                raise self._fail(start, f"has an invalid continuation flag {cflag}")
            parts.append(data[:n])
            parts.append(_MAGIC_BYTES)

    def seek(self, pos: int) -> None:
        # dmlc's reader keeps its end-of-stream flag across seeks: once a read has hit the
        # end, reads return None until reset() (MXNet 1.9.1's behaviour, kept)
        self.f.seek(pos)

    def close(self) -> None:
        self.f.close()


class _Writer:
    """Writer to a temporary file beside ``path``, published by ``os.replace`` on close."""

    __slots__ = ("path", "tmp", "fd", "buf", "pos", "pid", "_buffered")

    def __init__(self, path: str):
        self.path = path
        d = os.path.dirname(os.path.abspath(path))
        try:
            self.fd, self.tmp = tempfile.mkstemp(prefix="." + os.path.basename(path) + ".",
                                                 suffix=".tmp", dir=d)
        except OSError as e:
            raise MXNetError(f"MXRecordIO: cannot open {path!r} for writing: "
                             f"{e.strerror or e}") from None
        self.buf: list = []
        self.pos = 0
        self.pid = os.getpid()
        self._buffered = 0

    def _emit(self, b: bytes) -> None:
        self.buf.append(b)
        self._buffered += len(b)
        self.pos += len(b)

    def write(self, data: bytes) -> None:
        n = len(data)
        if n >= _MAX_RECORD:
            raise MXNetError(f"MXRecordIO: cannot write a record of {n} bytes to "
                             f"{self.path!r}: RecordIO only accepts records shorter than "
                             "2**29 bytes")
        start = 0
        if _MAGIC_BYTES in data:
            # split at every 4-byte aligned occurrence of the magic, as dmlc's writer does
            view = memoryview(data)
            i = data.find(_MAGIC_BYTES)
            while 0 <= i <= n - 4:
                if i % 4 == 0:
                    self._emit(_HEAD.pack(_MAGIC, ((1 if start == 0 else 2) << 29) | (i - start)))
                    if i != start:
                        self._emit(bytes(view[start:i]))
                    start = i + 4
                    i = data.find(_MAGIC_BYTES, start)
                else:
                    i = data.find(_MAGIC_BYTES, i + 1)
            tail = bytes(view[start:])
        else:
            tail = data
        rest = n - start
        self._emit(_HEAD.pack(_MAGIC, ((3 if start else 0) << 29) | rest))
        if rest:
            self._emit(tail)
        pad = (-rest) & 3
        if pad:
            self._emit(b"\0" * pad)
        if self._buffered >= _WRITE_BUFFER:
            self.flush()

    def flush(self) -> None:
        if self.buf:
            data = b"".join(self.buf)
            self.buf = []
            self._buffered = 0
            view = memoryview(data)
            while view:
                k = os.write(self.fd, view)
                view = view[k:]

    def close(self) -> None:
        if os.getpid() != self.pid:
            # a forked child's copy: never publish (or flush into) the parent's file
            os.close(self.fd)
            return
        try:
            self.flush()
        finally:
            os.close(self.fd)
        os.replace(self.tmp, self.path)


class MXRecordIO:
    """Reads/writes a RecordIO file sequentially (MXNet's ``mx.recordio.MXRecordIO``).

    ``flag`` is ``'r'`` or ``'w'``. A writer writes to a temporary file beside ``uri``
    and replaces ``uri`` with it on :meth:`close` (also at garbage collection and at exit).
    """

    def __init__(self, uri: Any, flag: str):
        self.uri = _path(uri)
        self.handle: Any = None
        self.flag = flag
        self.pid: Any = None
        self.is_open = False
        self.open()

    def open(self) -> None:
        """Opens the record file."""
        if self.flag == "w":
            self.handle = _Writer(self.uri)
            self.writable = True
            _open_writers.add(self)
        elif self.flag == "r":
            self.handle = _Reader(self.uri)
            self.writable = False
        else:
            raise ValueError("Invalid flag %s" % self.flag)
        self.pid = current_process().pid
        self.is_open = True

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:  # noqa: BLE001 - a destructor must not raise
            pass

    def __getstate__(self) -> dict:
        """Pickling closes the file (MXNet's behaviour); the copy reopens it."""
        is_open = self.is_open
        self.close()
        d = dict(self.__dict__)
        d["is_open"] = is_open
        del d["handle"]
        return d

    def __setstate__(self, d: dict) -> None:
        self.__dict__ = d
        is_open = d["is_open"]
        self.is_open = False
        self.handle = None
        if is_open:
            self.open()

    def _check_pid(self, allow_reset: bool = False) -> None:
        if not self.pid == current_process().pid:
            if allow_reset:
                self.reset()
            else:
                raise RuntimeError("Forbidden operation in multiple processes")

    def close(self) -> None:
        """Closes the record file (a writer publishes its file here)."""
        if not self.is_open:
            return
        self.is_open = False
        self.pid = None
        handle, self.handle = self.handle, None
        if self.writable:
            _open_writers.discard(self)
        if handle is not None:
            handle.close()

    def reset(self) -> None:
        """Resets the pointer to the first item (a writer starts its file over)."""
        self.close()
        self.open()

    def write(self, buf: Any) -> None:
        """Appends ``buf`` (bytes) as a record."""
        assert self.writable
        self._check_pid(allow_reset=False)
        if not isinstance(buf, bytes):
            if isinstance(buf, (bytearray, memoryview)):
                buf = bytes(buf)
            else:
                raise MXNetTypeError(f"MXRecordIO.write: buf must be bytes, got "
                                     f"{type(buf).__name__}")
        self.handle.write(buf)

    def read(self) -> bytes | None:
        """Returns the next record as bytes, or None at the end of the file."""
        assert not self.writable
        self._check_pid(allow_reset=False)
        return self.handle.read()


class MXIndexedRecordIO(MXRecordIO):
    """RecordIO with random access through an ``.idx`` file (``key<TAB>offset`` lines).

    ``key_type`` converts keys (``int`` by default); ``keys`` lists them in file order.
    """

    def __init__(self, idx_path: Any, uri: Any, flag: str, key_type: Any = int):
        self.idx_path = _path(idx_path)
        self.idx: dict = {}
        self.keys: list = []
        self.key_type = key_type
        self.fidx: Any = None
        super().__init__(uri, flag)

    def open(self) -> None:
        super().open()
        self.idx = {}
        self.keys = []
        if self.writable:
            self.fidx = _IdxWriter(self.idx_path)
            return
        try:
            with open(self.idx_path) as f:
                lines = f.read().split("\n")
        except OSError as e:
            self.handle.close()
            self.is_open = False
            raise MXNetError(f"MXIndexedRecordIO: cannot open index {self.idx_path!r}: "
                             f"{e.strerror or e}") from None
        if lines and lines[-1] == "":
            lines.pop()
        idx, keys, kt = self.idx, self.keys, self.key_type
        for n, line in enumerate(lines, 1):
            fields = line.strip().split("\t")
            try:
                key = kt(fields[0])
                idx[key] = int(fields[1])
            except (ValueError, IndexError, TypeError):
                self.handle.close()
                self.is_open = False
                raise MXNetValueError(f"MXIndexedRecordIO: invalid index file "
                                      f"{self.idx_path!r}, line {n}: {line!r} (expected "
                                      "'key<TAB>byte offset')") from None
            keys.append(key)
        self.fidx = None

    def close(self) -> None:
        """Closes the record file and the index (writers publish both)."""
        if not self.is_open:
            return
        super().close()
        if self.fidx is not None:
            self.fidx.close()
            self.fidx = None

    def __getstate__(self) -> dict:
        d = super().__getstate__()
        d["fidx"] = None
        return d

    def seek(self, idx: Any) -> None:
        """Moves the read pointer to the record with key ``idx``."""
        assert not self.writable
        self._check_pid(allow_reset=True)
        pos = self.idx[idx]
        self.handle.seek(pos)

    def tell(self) -> int:
        """The write head's byte offset."""
        assert self.writable
        return self.handle.pos

    def read_idx(self, idx: Any) -> bytes | None:
        """Returns the record with key ``idx``."""
        self.seek(idx)
        return self.read()

    def write_idx(self, idx: Any, buf: Any) -> None:
        """Appends ``buf`` as the record with key ``idx``."""
        key = self.key_type(idx)
        pos = self.tell()
        self.write(buf)
        self.fidx.write("%s\t%d\n" % (str(key), pos))
        self.idx[key] = pos
        self.keys.append(key)


class _IdxWriter:
    """Text index written to a temporary file, published on close."""

    def __init__(self, path: str):
        self.path = path
        self.pid = os.getpid()
        d = os.path.dirname(os.path.abspath(path))
        try:
            fd, self.tmp = tempfile.mkstemp(prefix="." + os.path.basename(path) + ".",
                                            suffix=".tmp", dir=d)
        except OSError as e:
            raise MXNetError(f"MXIndexedRecordIO: cannot open index {path!r} for writing: "
                             f"{e.strerror or e}") from None
        self.lines: list = []
        self.fd = fd

    def write(self, s: str) -> None:
        self.lines.append(s)

    def close(self) -> None:
        if os.getpid() != self.pid:
            os.close(self.fd)
            return
        with os.fdopen(self.fd, "w") as f:
            f.write("".join(self.lines))
        os.replace(self.tmp, self.path)


IRHeader = namedtuple("HEADER", ["flag", "label", "id", "id2"])
IRHeader.__doc__ = """A record's header: ``flag`` (the number of float32 labels stored before
the payload, 0 for a single label), ``label`` (a float or an array of floats), ``id`` and
``id2`` (uint64 ids)."""

_IR_FORMAT = "IfQQ"
_IR_STRUCT = struct.Struct("<IfQQ")
_IR_SIZE = _IR_STRUCT.size


def pack(header: Any, s: bytes) -> bytes:
    """Packs ``header`` (an :data:`IRHeader`) and the payload ``s`` into one record's bytes.

    A numeric label is stored in the header (flag 0); an array label is stored as float32
    values before the payload, with ``flag`` set to their count."""
    header = IRHeader(*header)
    if isinstance(header.label, numbers.Number):
        header = header._replace(flag=0)
    else:
        label = np.asarray(header.label, dtype=np.float32)
        header = header._replace(flag=label.size, label=0)
        s = label.tobytes() + s
    return _IR_STRUCT.pack(*header) + s


def unpack(s: bytes) -> tuple:
    """Splits a record's bytes into ``(IRHeader, payload)``; multi-label headers get their
    labels as a float32 NumPy array."""
    if len(s) < _IR_SIZE:
        raise RecordIOFormatError(f"recordio.unpack: a record must start with a "
                                  f"{_IR_SIZE}-byte IRHeader, got {len(s)} bytes")
    header = IRHeader(*_IR_STRUCT.unpack_from(s))
    s = s[_IR_SIZE:]
    if header.flag > 0:
        if len(s) < header.flag * 4:
            raise RecordIOFormatError(f"recordio.unpack: the header announces {header.flag} "
                                      f"float32 labels, but only {len(s)} bytes follow it")
        header = header._replace(label=np.frombuffer(s, np.float32, header.flag))
        s = s[header.flag * 4:]
    return header, s


def _cv_decode(buf: bytes, iscolor: int) -> np.ndarray:
    """cv2.imdecode(buf, iscolor) with Pillow: -1 unchanged (grey stays 2-D, BGR(A)), 0 grey
    (2-D), > 0 three BGR channels."""
    from .ndarray.image import _decode_pixels
    px = _decode_pixels(buf, iscolor == 0)
    if iscolor == 0:
        return px[:, :, 0]
    if iscolor < 0:
        return px[:, :, 0] if px.shape[2] == 1 else px
    if px.shape[2] == 1:
        return np.repeat(px, 3, axis=2)
    return np.ascontiguousarray(px[:, :, :3])


def unpack_img(s: bytes, iscolor: int = -1) -> tuple:
    """Unpacks an image record into ``(IRHeader, image)``; the image is a uint8 NumPy array in
    OpenCV's layout (H, W[, C], channels B, G, R(, A)), as ``cv2.imdecode(buf, iscolor)``
    gives it. Decoded with Pillow; an undecodable image raises MXNetError (cv2 returned
    None)."""
    header, s = unpack(s)
    try:
        img = _cv_decode(s, int(iscolor))
    except MXNetError as e:
        raise MXNetError(f"recordio.unpack_img: cannot decode the image of record id "
                         f"{header.id}: {e}") from None
    return header, img


def pack_img(header: Any, img: Any, quality: int = 95, img_fmt: str = ".jpg") -> bytes:
    """Encodes ``img`` (uint8, OpenCV layout: H x W grey or H x W x 3/4 B, G, R(, A)) as JPEG
    (``quality`` 1-100) or PNG (``quality`` = compression level 0-9) and packs it with
    ``header``. Encoded with Pillow."""
    try:
        from PIL import Image
    except ImportError:
        raise MXNetError("recordio.pack_img: encoding images needs the optional dependency "
                         "Pillow (pip install pillow)") from None
    import io
    a = np.asarray(img)
    if a.dtype != np.uint8:
        raise MXNetTypeError(f"recordio.pack_img: img must be uint8, got {a.dtype}")
    if a.ndim == 3 and a.shape[2] == 1:
        a = a[:, :, 0]
    if a.ndim == 2:
        im = Image.fromarray(a, "L")
    elif a.ndim == 3 and a.shape[2] == 3:
        im = Image.fromarray(np.ascontiguousarray(a[:, :, ::-1]), "RGB")
    elif a.ndim == 3 and a.shape[2] == 4:
        im = Image.fromarray(np.ascontiguousarray(a[:, :, [2, 1, 0, 3]]), "RGBA")
    else:
        raise MXNetValueError(f"recordio.pack_img: img must be H x W or H x W x 1/3/4, got "
                              f"shape {a.shape}")
    fmt = img_fmt.upper()
    out = io.BytesIO()
    if fmt in (".JPG", ".JPEG"):
        if im.mode == "RGBA":
            im = im.convert("RGB")  # OpenCV's JPEG encoder drops alpha too
        im.save(out, "JPEG", quality=min(max(int(quality), 1), 100))
    elif fmt == ".PNG":
        # OpenCV clamps IMWRITE_PNG_COMPRESSION to 0..9 (pack_img's default 95 means 9)
        im.save(out, "PNG", compress_level=min(max(int(quality), 0), 9))
    else:
        ext = fmt.lstrip(".").lower()
        Image.init()
        name = Image.EXTENSION.get("." + ext)
        if name is None:
            raise MXNetValueError(f"recordio.pack_img: unknown image format {img_fmt!r}")
        im.save(out, name)
    return pack(header, out.getvalue())
