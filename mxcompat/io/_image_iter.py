"""ImageRecordIter / ImageRecordUInt8Iter: MXNet's C++ RecordIO image iterators in Python.

Each batch's records are decoded (Pillow) and augmented in ``preprocess_threads`` threads
(Pillow's decoder and the BLAS resize release the GIL), and up to ``prefetch_buffer``
batches are prepared ahead in a background thread. The augmentation is MXNet's default
one: optional shorter-edge ``resize``; an image still smaller than ``data_shape`` is
enlarged to cover it; a centre crop (random with ``rand_crop``) of ``data_shape``;
``mirror`` / ``rand_mirror``; then ``(pixel - mean) * scale / std`` per RGB channel.
"""
from __future__ import annotations

import os
import queue
import struct
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np

from ..base import MXNetError, unsupported
from ..recordio import _HEAD, _LEN_MASK, _MAGIC, MXRecordIO, unpack
from ._native import (_COMMON, _REQUIRED, _BatchLoader, _bool, _make, _num, _params, _part,
                      _shape, _StdShuffle, _str)

_UNSUPPORTED_AUGS = ("max_rotate_angle", "max_shear_ratio", "max_aspect_ratio",
                     "max_random_scale", "min_random_scale", "max_crop_size", "min_crop_size",
                     "random_h", "random_s", "random_l", "rotate", "brightness", "contrast",
                     "saturation", "pca_noise", "max_random_area", "min_random_area",
                     "max_random_illumination", "max_random_contrast", "random_resized_crop")


def _scan_offsets(path: str) -> list:
    """Byte offsets of the records of a .rec file (headers only are read)."""
    offs = []
    try:
        f = open(path, "rb")  # noqa: SIM115
    except OSError as e:
        raise MXNetError(f"ImageRecordIter: cannot open {path!r}: {e.strerror or e}") from None
    with f:
        size = os.fstat(f.fileno()).st_size
        pos = 0
        start = True
        while pos < size:
            f.seek(pos)
            head = f.read(8)
            if len(head) < 8:
                raise MXNetError(f"ImageRecordIter: invalid RecordIO file {path!r}: the record "
                                 f"at byte offset {pos} is truncated")
            magic, lrec = _HEAD.unpack(head)
            if magic != _MAGIC:
                raise MXNetError(f"ImageRecordIter: invalid RecordIO file {path!r}: no RecordIO "
                                 f"magic at byte offset {pos}")
            if start:
                offs.append(pos)
            cflag = lrec >> 29
            start = cflag in (0, 3)
            nxt = pos + 8 + (((lrec & _LEN_MASK) + 3) & ~3)
            if nxt > size:
                raise MXNetError(f"ImageRecordIter: invalid RecordIO file {path!r}: the record "
                                 f"at byte offset {offs[-1]} is truncated (the file ends at "
                                 f"{size}, the record at {nxt})")
            pos = nxt
    return offs


class _RecSource:
    """Records of a .rec file as instances for the BatchLoader."""

    zero_index = True

    def __init__(self, it: str, p: dict, dtype: Any, pool: ThreadPoolExecutor):
        self.it = it
        self.p = p
        self.dtype = dtype
        self.pool = pool
        path = p["path_imgrec"]
        if p["path_imgidx"]:
            from ..recordio import MXIndexedRecordIO
            rec = MXIndexedRecordIO(p["path_imgidx"], path, "r")
            offs = [rec.idx[k] for k in rec.keys]
            rec.close()
        else:
            offs = _scan_offsets(path)
        rows = _part(len(offs), p["num_parts"], p["part_index"], it)
        self.offs = offs
        self.rows = np.asarray(rows)
        self.n = len(self.rows)
        # the record order: MXNet's std::shuffle over std::mt19937(111 + seed), reshuffling
        # the original order at every epoch (and at every round_batch wrap)
        self.shuffler = _StdShuffle(111 + p["seed"])
        # rand_crop / rand_mirror: MXNet's first decoding thread draws from std::mt19937(111)
        # (whatever the seed), per image: crop y, crop x, then 2 more draws (rand_crop), a
        # draw, the mirror coin, 2 more (rand_mirror), 6 draws with both. Reproduced for
        # preprocess_threads=1; the draws of a pass are taken in file order (order()).
        rc, rm = p["rand_crop"], p["rand_mirror"]
        self.n_draws = 6 if (rc and rm) else 4 if (rc or rm) else 0
        self.aug_engine = np.random.MT19937(0)
        self.aug_engine._legacy_seeding(111)
        self.local = threading.local()
        c, h, w = p["data_shape"]
        if c not in (1, 3):
            raise MXNetError(f"{it}: data_shape must have 1 or 3 channels, got {c}")
        self.shape = (c, h, w)
        self.lw = p["label_width"]
        mean = np.array([p["mean_r"], p["mean_g"], p["mean_b"]], np.float32)[:c]
        std = np.array([p["std_r"], p["std_g"], p["std_b"]], np.float32)[:c]
        self.mul = np.float32(p["scale"]) / std
        self.mean_c = [np.float32(v) for v in mean]
        self.mul_c = [np.float32(v) for v in self.mul.ravel()]
        self.lists: Any = None
        if p["path_imglist"]:
            self.lists = _read_imglist(p["path_imglist"], self.lw, it)

    def order(self) -> Any:
        # a new pass over the records: MXNet decodes the whole pass (a chunk) with the
        # augmentation engine in file order, then serves it in the (shuffled) order
        k = self.n_draws
        if k:
            raw = self.aug_engine.random_raw(k * len(self.rows))
            self.pass_draws = {int(i): raw[j * k:(j + 1) * k] for j, i in enumerate(self.rows)}
        if self.p["shuffle"]:
            return self.shuffler.shuffle(self.rows)
        return self.rows

    def _reader(self) -> Any:
        r = getattr(self.local, "r", None)
        if r is None:
            r = MXRecordIO(self.p["path_imgrec"], "r")
            self.local.r = r
        return r

    def token(self, i: int) -> tuple:
        """(record index, the augmentation draws of the pass it was picked from)."""
        return i, (self.pass_draws[i] if self.n_draws else None)

    def _one_drawn(self, args: tuple) -> tuple:
        return self._one(*args)

    def _one(self, i: int, draws: Any = None) -> tuple:
        r = self._reader()
        r.handle.seek(self.offs[i])
        r.handle.eof = False
        s = r.read()
        if s is None:
            raise MXNetError(f"{self.it}: record {i} (byte offset {self.offs[i]}) of "
                             f"{self.p['path_imgrec']!r} is missing")
        try:
            header, img = unpack(s)
        except struct.error as e:
            raise MXNetError(f"{self.it}: record {i} (byte offset {self.offs[i]}) of "
                             f"{self.p['path_imgrec']!r}: {e}") from None
        if self.lists is not None and header.id in self.lists:
            label = self.lists[header.id]
        elif header.flag > 0:
            label = np.asarray(header.label, np.float32)
        else:
            label = np.float32(header.label)
        nlab = 1 if np.ndim(label) == 0 else label.size
        if nlab != self.lw and not (self.lw == 1 and nlab >= 1):
            raise MXNetError(f"{self.it}: Check failed: the record of id {header.id} has "
                             f"{nlab} labels, label_width is {self.lw}")
        if self.lw > 1 and nlab < self.lw:
            raise MXNetError(f"{self.it}: label_width must be 1 unless an imglist is "
                             "provided or the rec file is packed with multi dimensional label")
        try:
            px = self._augment(img, draws)
        except MXNetError as e:
            raise MXNetError(f"{self.it}: cannot decode the image of record id {header.id} "
                             f"(byte offset {self.offs[i]}) in {self.p['path_imgrec']!r}: "
                             f"{e}") from None
        lab = np.float32(label) if np.ndim(label) == 0 else \
            (label[:self.lw] if self.lw > 1 else np.float32(label.ravel()[0]))
        return px, lab

    def _augment(self, buf: bytes, draws: Any = None) -> np.ndarray:
        from ..image import _cv
        p = self.p
        c, dh, dw = self.shape
        img = _cv.decode(buf, 0 if c == 1 else 1, True)
        interp = p["inter_method"] if p["inter_method"] in (0, 1, 2, 3, 4) else 1
        h, w = img.shape[:2]
        if p["resize"] > 0:
            if h > w:
                nh, nw = p["resize"] * h // w, p["resize"]
            else:
                nh, nw = p["resize"], p["resize"] * w // h
            if (nh, nw) != (h, w):
                img = _cv.resize(img, nw, nh, interp)
                h, w = nh, nw
        if h < dh or w < dw:
            f = max(dh / h, dw / w)
            nh, nw = max(dh, int(h * f)), max(dw, int(w * f))
            img = _cv.resize(img, nw, nh, interp)
            h, w = nh, nw
        if p["rand_crop"]:
            # std::uniform_int_distribution(0, range) over a 32-bit engine (libstdc++)
            y = int(draws[0]) // (0xFFFFFFFF // (h - dh + 1))
            x = int(draws[1]) // (0xFFFFFFFF // (w - dw + 1))
        else:
            y, x = (h - dh) // 2, (w - dw) // 2
        img = img[y:y + dh, x:x + dw]
        # std::uniform_real_distribution<float>(0, 1) < 0.5: float(r) / 2**32 < 0.5
        coin = p["rand_mirror"] and \
            np.float32(int(draws[3 if p["rand_crop"] else 1])) < np.float32(2.0 ** 31)
        if p["mirror"] or coin:
            img = img[:, ::-1]
        if img.ndim == 2:
            img = img[:, :, None]
        if self.dtype == np.uint8:
            return np.ascontiguousarray(img.transpose(2, 0, 1))
        # (pixel - mean) * (scale / std), one channel plane at a time (long inner loops)
        out = np.empty((c, dh, dw), np.float32)
        for ch in range(c):
            np.subtract(img[:, :, ch], self.mean_c[ch], out=out[ch], dtype=np.float32)
            if self.mul_c[ch] != 1:
                out[ch] *= self.mul_c[ch]
        return out

    def fetch(self, picked: list) -> list:
        work = picked  # tokens: (index, its draws)
        if len(picked) > 1 and self.pool is not None:
            return list(self.pool.map(self._one_drawn, work))
        return [self._one(*w) for w in work]

    def collate(self, slots: list) -> tuple:
        from ..ndarray.misc import from_numpy
        c, h, w = self.shape
        bs = len(slots)
        data = np.zeros((bs, c, h, w), self.dtype)
        lab = np.zeros((bs, self.lw) if self.lw > 1 else (bs,), np.float32)
        for k, s in enumerate(slots):
            if s is not None:
                data[k] = s[0]
                lab[k] = s[1]
        # fresh arrays every batch: hand them over without a copy
        return from_numpy(data), from_numpy(lab)


def _read_imglist(path: str, lw: int, it: str) -> dict:
    out = {}
    try:
        with open(path) as f:
            lines = f.read().splitlines()
    except OSError as e:
        raise MXNetError(f"{it}: cannot read path_imglist {path!r}: {e.strerror or e}") from None
    for n, ln in enumerate(lines):
        if not ln.strip():
            continue
        fields = ln.split("\t")
        try:
            out[int(float(fields[0]))] = np.asarray([float(v) for v in fields[1:1 + lw]],
                                                    np.float32)
        except (ValueError, IndexError):
            raise MXNetError(f"{it}: path_imglist {path!r}, line {n + 1}: invalid entry "
                             f"{ln[:80]!r}") from None
    return out


class _PrefetchHandle:
    """Runs the BatchLoader ``depth`` batches ahead in a background thread."""

    def __init__(self, loader: _BatchLoader, depth: int):
        self.loader = loader
        self.depth = max(1, depth)
        self.q: Any = None
        self.thread: Any = None
        self.stop = threading.Event()
        self._start()

    @staticmethod
    def _run(loader: _BatchLoader, q: queue.Queue, stop: threading.Event) -> None:
        # no reference to the handle: dropping the iterator stops this thread (__del__)
        def put(item: Any) -> None:
            while not stop.is_set():
                try:
                    q.put(item, timeout=0.1)
                    return
                except queue.Full:
                    continue

        while not stop.is_set():
            try:
                item = loader.next()
            except BaseException as e:  # noqa: BLE001 - handed to the consumer
                put(("error", e))
                return
            put(("batch", item))
            if item is None:
                return

    def _start(self) -> None:
        self.stop = threading.Event()
        self.q = queue.Queue(self.depth)
        self.thread = threading.Thread(target=self._run, args=(self.loader, self.q, self.stop),
                                       daemon=True)
        self.thread.start()

    def _halt(self) -> None:
        self.stop.set()
        while self.thread.is_alive():
            try:
                self.q.get(timeout=0.05)
            except queue.Empty:
                pass
        self.thread.join()

    def before_first(self) -> None:
        self._halt()
        self.loader.before_first()
        self._start()

    def next(self) -> Any:
        kind, item = self.q.get()
        if kind == "error":
            self.q.put((kind, item))  # the reader thread has stopped: fail again until reset
            raise item
        if item is None:
            self.q.put(("batch", None))  # stay at the end until reset
        return item

    def __del__(self) -> None:
        try:
            self.stop.set()
        except Exception:  # noqa: BLE001
            pass


def _image_record_iter(it: str, dtype: Any, args: tuple, kwargs: dict) -> Any:
    if args:
        raise TypeError("%s can only accept keyword arguments" % it)
    for k in _UNSUPPORTED_AUGS:
        v = kwargs.get(k)
        if v not in (None, 0, 0.0, False, "0", "False", -1, "-1", "0.0"):
            raise unsupported(f"{it}({k}=...)", "mxcompat's ImageRecordIter does resize, "
                              "crop, mirror and mean/std; use mx.image / gluon transforms "
                              "for the other augmentations")
    if kwargs.get("mean_img"):
        raise unsupported(f"{it}(mean_img=...)", "pass mean_r/mean_g/mean_b instead")
    spec = dict(_COMMON, path_imgrec=(_str, _REQUIRED), path_imgidx=(_str, ""),
                path_imglist=(_str, ""), data_shape=(_shape, _REQUIRED),
                label_width=(_num(int), 1), shuffle=(_bool, False), seed=(_num(int), 0),
                preprocess_threads=(_num(int), 4), resize=(_num(int), -1),
                rand_crop=(_bool, False), rand_mirror=(_bool, False), mirror=(_bool, False),
                mean_r=(_num(float), 0.0), mean_g=(_num(float), 0.0), mean_b=(_num(float), 0.0),
                std_r=(_num(float), 1.0), std_g=(_num(float), 1.0), std_b=(_num(float), 1.0),
                scale=(_num(float), 1.0), inter_method=(_num(int), 1), verbose=(_bool, True))
    p = _params(it, spec, kwargs)
    if len(p["data_shape"]) != 3:
        raise MXNetError(f"{it}: data_shape must be (channels, height, width), got "
                         f"{p['data_shape']}")
    threads = max(1, p["preprocess_threads"])
    pool = ThreadPoolExecutor(threads) if threads > 1 else None
    src = _RecSource(it, p, dtype, pool)
    if src.n == 0:
        raise MXNetError(f"{it}: {p['path_imgrec']!r} holds no records")
    loader = _BatchLoader(it, src, p["batch_size"], p["round_batch"])
    handle = _PrefetchHandle(loader, p["prefetch_buffer"])
    return _make(handle, kwargs)


def ImageRecordIter(*args: Any, **kwargs: Any) -> Any:
    """Iterates over a RecordIO file of images (``path_imgrec``) in (batch, C, H, W)
    float32 batches of ``data_shape``, with resize / crop / mirror / mean-std
    preprocessing in ``preprocess_threads`` threads."""
    return _image_record_iter("ImageRecordIter", np.float32, args, kwargs)


def ImageRecordUInt8Iter(*args: Any, **kwargs: Any) -> Any:
    """ImageRecordIter with uint8 pixels (no mean/std/scale)."""
    return _image_record_iter("ImageRecordUInt8Iter", np.uint8, args, kwargs)


def ImageDetRecordIter(*args: Any, **kwargs: Any) -> Any:
    """Not implemented: the object-detection RecordIO iterator."""
    raise unsupported("mx.io.ImageDetRecordIter", "the object-detection record iterator is "
                      "not implemented; read the records with mx.recordio")


def ImageRecordInt8Iter(*args: Any, **kwargs: Any) -> Any:
    """Not implemented: the int8 (quantized input) image iterator."""
    raise unsupported("mx.io.ImageRecordInt8Iter", "use ImageRecordUInt8Iter")
