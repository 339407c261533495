"""Vision datasets of ``mx.gluon.data.vision``, reading the files MXNet downloads.

The default ``root`` is MXNet's, ``$MXNET_HOME/datasets/<name>`` (``~/.mxnet/datasets``), and
the files are MXNet's: gzip'd IDX files for (Fashion-)MNIST, the CIFAR binary batches (from
``cifar-10-binary.tar.gz`` / ``cifar-100-binary.tar.gz``). A file that is missing, or whose
SHA-1 differs from the published one, is downloaded from MXNet's repository
(``$MXNET_GLUON_REPO``) when a network is there; when it is not, an ``MXNetError`` names the
file, the address and the folder to put it in.
"""
from __future__ import annotations

import gzip
import hashlib
import os
import struct
import tarfile
import tempfile
import warnings
from typing import Any, List, Tuple

import numpy as np
import torch

from ....base import MXNetError, data_dir
from ....ndarray.ndarray import NDArray, _wrap
from .. import dataset

__all__ = ["MNIST", "FashionMNIST", "CIFAR10", "CIFAR100", "ImageRecordDataset",
           "ImageFolderDataset", "ImageListDataset"]

_DEFAULT_REPO = "https://apache-mxnet.s3-accelerate.dualstack.amazonaws.com/"


# ---- files: checksum, download ------------------------------------------------------------
def _sha1(path: str) -> str:
    h = hashlib.sha1()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _ok(path: str, sha1: str) -> bool:
    return os.path.isfile(path) and _sha1(path) == sha1


def _repo_file_url(namespace: str, filename: str) -> str:
    repo = os.environ.get("MXNET_GLUON_REPO", _DEFAULT_REPO)
    if not repo.endswith("/"):
        repo += "/"
    return f"{repo}{namespace}/{filename}"


def _fetch(namespace: str, filename: str, root: str, sha1: str, what: str) -> str:
    """``root/filename``, downloaded first unless it is there with the right SHA-1."""
    path = os.path.join(root, filename)
    if _ok(path, sha1):
        return path
    present = os.path.isfile(path)
    url = _repo_file_url(namespace, filename)
    if present:
        warnings.warn(f"{what}: {path} does not match its SHA-1 ({sha1}); downloading it "
                      "again", stacklevel=4)
    import urllib.request
    os.makedirs(root, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=root, prefix=f".{filename}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as out, urllib.request.urlopen(url, timeout=60) as resp:
            while True:
                chunk = resp.read(1 << 20)
                if not chunk:
                    break
                out.write(chunk)
        got = _sha1(tmp)
        if got != sha1:
            raise MXNetError(f"{what}: the file downloaded from {url} has SHA-1 {got}, "
                             f"expected {sha1}; the download may be corrupted")
        os.replace(tmp, path)
    except MXNetError:
        raise
    except Exception as e:  # noqa: BLE001 - no network, HTTP error, disk full ...
        state = ("does not match its published SHA-1 " + sha1) if present else "is missing"
        raise MXNetError(f"{what}: the data file {path} {state}, and downloading it from "
                         f"{url} failed ({type(e).__name__}: {e}). Without a network, copy "
                         f"{filename} (as MXNet downloaded it) into {root}") from None
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
    return path


def _nd_uint8(arr: np.ndarray) -> NDArray:
    if not (arr.flags.c_contiguous and arr.flags.writeable):
        arr = np.array(arr, order="C")  # read-only file buffers, flipped channel views
    return _wrap(torch.from_numpy(arr))


# ---- MNIST / Fashion-MNIST ------------------------------------------------------------
class MNIST(dataset._DownloadedDataset):
    """MNIST handwritten digits: samples ``(image, label)``, the image a (28, 28, 1) uint8
    NDArray, the label a NumPy int32.

    ``root`` holds ``train-images-idx3-ubyte.gz`` / ``train-labels-idx1-ubyte.gz`` (or the
    ``t10k-`` pair with ``train=False``); ``transform(data, label)`` runs on each sample."""

    _namespace = "mnist"
    _files = {
        "train-images-idx3-ubyte.gz": "6c95f4b05d2bf285e1bfb0e7960c31bd3b3f8a7d",
        "train-labels-idx1-ubyte.gz": "2a80914081dc54586dbdf242f9805a6b8d2a15fc",
        "t10k-images-idx3-ubyte.gz": "c3a25af1f52dad7f726cce8cacb138654b760d48",
        "t10k-labels-idx1-ubyte.gz": "763e7fa3757d93b0cdec073cef058b2004252c17",
    }

    def __init__(self, root: str = os.path.join(data_dir(), "datasets", "mnist"),
                 train: bool = True, transform: Any = None):
        self._train = train
        super().__init__(root, transform)

    def _get_data(self) -> None:
        prefix = "train" if self._train else "t10k"
        names = (f"{prefix}-images-idx3-ubyte.gz", f"{prefix}-labels-idx1-ubyte.gz")
        what = type(self).__name__
        ns = "gluon/dataset/" + self._namespace
        data_file, label_file = (_fetch(ns, n, self._root, self._files[n], what)
                                 for n in names)
        label = _read_idx(label_file, 2049, 1, what).astype(np.int32)
        data = _read_idx(data_file, 2051, 3, what)
        if data.shape[0] != label.shape[0]:
            raise MXNetError(f"{what}: {data_file} holds {data.shape[0]} images but "
                             f"{label_file} {label.shape[0]} labels")
        self._data = _nd_uint8(data.reshape(data.shape + (1,)))
        self._label = label


def _read_idx(path: str, magic: int, ndim: int, what: str) -> np.ndarray:
    """A gzip'd IDX file of unsigned bytes (the MNIST format) as a NumPy uint8 array."""
    try:
        with gzip.open(path, "rb") as f:
            raw = f.read()
    except (OSError, EOFError) as e:
        raise MXNetError(f"{what}: cannot read {path} as a gzip file ({e})") from None
    head = 4 + 4 * ndim
    if len(raw) < head:
        raise MXNetError(f"{what}: {path} is truncated (no IDX header)")
    fields = struct.unpack(">" + "I" * (1 + ndim), raw[:head])
    if fields[0] != magic:
        raise MXNetError(f"{what}: {path} is not an IDX file of {ndim}-D unsigned bytes "
                         f"(magic {fields[0]:#x}, expected {magic:#x})")
    shape = fields[1:]
    count = int(np.prod(shape))
    if len(raw) - head < count:
        raise MXNetError(f"{what}: {path} is truncated: the header promises {count} bytes "
                         f"of data, the file holds {len(raw) - head}")
    return np.frombuffer(raw, dtype=np.uint8, count=count, offset=head).reshape(shape)


class FashionMNIST(MNIST):
    """Zalando's Fashion-MNIST, a drop-in replacement for MNIST (same files, same format);
    default root ``$MXNET_HOME/datasets/fashion-mnist``."""

    _namespace = "fashion-mnist"
    _files = {
        "train-images-idx3-ubyte.gz": "0cf37b0d40ed5169c6b3aba31069a9770ac9043d",
        "train-labels-idx1-ubyte.gz": "236021d52f1e40852b06a4c3008d8de8aef1e40b",
        "t10k-images-idx3-ubyte.gz": "626ed6a7c06dd17c0eec72fa3be1740f146a2863",
        "t10k-labels-idx1-ubyte.gz": "17f9ab60e7257a1620f4ad76bbbaf857c3920701",
    }

    def __init__(self, root: str = os.path.join(data_dir(), "datasets", "fashion-mnist"),
                 train: bool = True, transform: Any = None):
        super().__init__(root, train, transform)


# ---- CIFAR -----------------------------------------------------------------------------
class CIFAR10(dataset._DownloadedDataset):
    """CIFAR-10: samples ``(image, label)``, the image a (32, 32, 3) uint8 NDArray, the
    label a NumPy int32. Reads ``data_batch_1.bin`` .. ``data_batch_5.bin`` (or
    ``test_batch.bin``) in ``root``, extracted from ``cifar-10-binary.tar.gz``."""

    _namespace = "cifar10"
    _archive = ("cifar-10-binary.tar.gz", "fab780a1e191a7eda0f345501ccd62d20f7ed891")
    _train_files = [("data_batch_1.bin", "aadd24acce27caa71bf4b10992e9e7b2d74c2540"),
                    ("data_batch_2.bin", "c0ba65cce70568cd57b4e03e9ac8d2a5367c1795"),
                    ("data_batch_3.bin", "1dd00a74ab1d17a6e7d73e185b69dbf31242f295"),
                    ("data_batch_4.bin", "aab85764eb3584312d3c7f65fd2fd016e36a258e"),
                    ("data_batch_5.bin", "26e2849e66a845b7f1e4614ae70f4889ae604628")]
    _test_files = [("test_batch.bin", "67eb016db431130d61cd03c7ad570b013799c88c")]
    _label_bytes = 1

    def __init__(self, root: str = os.path.join(data_dir(), "datasets", "cifar10"),
                 train: bool = True, transform: Any = None):
        self._train = train
        super().__init__(root, transform)

    def _label_column(self) -> int:
        return 0

    def _read_batch(self, filename: str) -> Tuple[np.ndarray, np.ndarray]:
        rec = 3072 + self._label_bytes
        with open(filename, "rb") as f:
            raw = f.read()
        if len(raw) % rec:
            raise MXNetError(f"{type(self).__name__}: {filename} is not a CIFAR binary batch "
                             f"(its size {len(raw)} is not a multiple of {rec} bytes)")
        data = np.frombuffer(raw, dtype=np.uint8).reshape(-1, rec)
        images = data[:, self._label_bytes:].reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1)
        return images, data[:, self._label_column()].astype(np.int32)

    def _get_data(self) -> None:
        what = type(self).__name__
        files = self._train_files + self._test_files
        root = self._root
        # the CIFAR tarballs hold their batches in a sub-folder (cifar-10-batches-bin/ ...);
        # MXNet's archives hold them at the top, so both places are looked at
        for sub in ("", "cifar-10-batches-bin", "cifar-100-binary"):
            if all(_ok(os.path.join(root, sub, n), s) for n, s in files):
                base = os.path.join(root, sub)
                break
        else:
            archive = _fetch("gluon/dataset/" + self._namespace, self._archive[0], root,
                             self._archive[1], what)
            _extract(archive, root, what)
            base = root
            for sub in ("", "cifar-10-batches-bin", "cifar-100-binary"):
                if all(os.path.isfile(os.path.join(root, sub, n)) for n, _ in files):
                    base = os.path.join(root, sub)
                    break
        names = self._train_files if self._train else self._test_files
        missing = [n for n, _ in names if not os.path.isfile(os.path.join(base, n))]
        if missing:
            raise MXNetError(f"{what}: {', '.join(missing)} not found in {base} after "
                             f"extracting {self._archive[0]}")
        parts = [self._read_batch(os.path.join(base, n)) for n, _ in names]
        data = np.concatenate([p[0] for p in parts])
        label = np.concatenate([p[1] for p in parts])
        self._data = _nd_uint8(data)
        self._label = label


def _extract(archive: str, root: str, what: str) -> None:
    try:
        with tarfile.open(archive) as tar:
            for m in tar.getmembers():  # refuse paths that leave root
                target = os.path.realpath(os.path.join(root, m.name))
                if not target.startswith(os.path.realpath(root) + os.sep) or \
                        not (m.isfile() or m.isdir()):
                    raise MXNetError(f"{what}: {archive} holds an unsafe member {m.name!r}")
            tar.extractall(root)
    except (tarfile.TarError, OSError, EOFError) as e:
        raise MXNetError(f"{what}: cannot extract {archive} ({e})") from None


class CIFAR100(CIFAR10):
    """CIFAR-100 (``train.bin`` / ``test.bin``): labels are the 20 coarse classes, or the
    100 fine ones with ``fine_label=True``."""

    _namespace = "cifar100"
    _archive = ("cifar-100-binary.tar.gz", "a0bb982c76b83111308126cc779a992fa506b90b")
    _train_files = [("train.bin", "e207cd2e05b73b1393c74c7f5e7bea451d63e08e")]
    _test_files = [("test.bin", "8fb6623e830365ff53cf14adec797474f5478006")]
    _label_bytes = 2

    def __init__(self, root: str = os.path.join(data_dir(), "datasets", "cifar100"),
                 fine_label: bool = False, train: bool = True, transform: Any = None):
        self._fine_label = fine_label
        super().__init__(root, train, transform)

    def _label_column(self) -> int:
        return 1 if self._fine_label else 0


# ---- images from RecordIO, folders and lists -------------------------------------------
def _decode(buf: bytes, flag: int, where: str) -> NDArray:
    """``mx.image.imdecode(buf, flag)``: (H, W, 3) RGB uint8 (``flag=1``) or (H, W, 1) grey
    (``flag=0``), decoded with Pillow the way MXNet's OpenCV build decodes."""
    from ....image import _cv
    try:
        px = _cv.decode(bytes(buf), 1 if flag else 0, True)
    except MXNetError as e:
        raise MXNetError(f"{where}: {e}") from None
    return _nd_uint8(px)


def _imread(path: str, flag: int, what: str) -> NDArray:
    try:
        with open(path, "rb") as f:
            buf = f.read()
    except OSError as e:
        raise MXNetError(f"{what}: cannot read image file {path} ({e.strerror})") from None
    return _decode(buf, flag, f"{what}: image file {path}")


class ImageRecordDataset(dataset.RecordFileDataset):
    """Images in a RecordIO file (``.rec`` + ``.idx``, as ``im2rec`` packs them): samples
    ``(image, label)``, the image decoded to (H, W, 3) RGB uint8 (``flag=1``) or (H, W, 1)
    grey (``flag=0``), the label the record header's (a float, or a float32 array for
    multi-label records)."""

    def __init__(self, filename: str, flag: int = 1, transform: Any = None):
        super().__init__(filename)
        self._flag = flag
        self._transform = transform

    def __getitem__(self, idx: int) -> Any:
        from ....recordio import unpack
        record = super().__getitem__(idx)
        header, img = unpack(record)
        image = _decode(img, self._flag, f"ImageRecordDataset: record {idx} of "
                                         f"{self.filename}")
        if self._transform is not None:
            return self._transform(image, header.label)
        return image, header.label


_IMAGE_EXTS = (".jpg", ".jpeg", ".png")


class ImageFolderDataset(dataset.Dataset):
    """Images stored one folder per class (``root/<class>/<image>``): ``synsets`` lists the
    class names (sorted; label ``i`` is ``synsets[i]``), ``items`` the ``(filename, label)``
    pairs. Only .jpg, .jpeg and .png files are used (others are skipped with a warning)."""

    def __init__(self, root: str, flag: int = 1, transform: Any = None):
        self._root = os.path.expanduser(root)
        self._flag = flag
        self._transform = transform
        self._exts = list(_IMAGE_EXTS)
        self._list_images(self._root)

    def _list_images(self, root: str) -> None:
        self.synsets: List[str] = []
        self.items: List[Tuple[str, int]] = []
        try:
            folders = sorted(os.listdir(root))
        except OSError as e:
            raise MXNetError(f"ImageFolderDataset: cannot list the folder {root} "
                             f"({e.strerror})") from None
        for folder in folders:
            path = os.path.join(root, folder)
            if not os.path.isdir(path):
                warnings.warn(f"Ignoring {path}, which is not a directory.", stacklevel=3)
                continue
            label = len(self.synsets)
            self.synsets.append(folder)
            for filename in sorted(os.listdir(path)):
                filename = os.path.join(path, filename)
                ext = os.path.splitext(filename)[1]
                if ext.lower() not in self._exts:
                    warnings.warn(f"Ignoring {filename} of type {ext}. Only support "
                                  f"{', '.join(self._exts)}", stacklevel=3)
                    continue
                self.items.append((filename, label))

    def __getitem__(self, idx: int) -> Any:
        path, label = self.items[idx]
        img = _imread(path, self._flag, "ImageFolderDataset")
        if self._transform is not None:
            return self._transform(img, label)
        return img, label

    def __len__(self) -> int:
        return len(self.items)


class ImageListDataset(dataset.Dataset):
    """Images named by a list (an MXNet 2.0 dataset, provided for code written against it):
    ``imglist`` is a ``.lst`` file as ``im2rec`` writes it (``index<TAB>label(s)<TAB>path``
    per line) or a list of ``(label, path)`` / ``[label, ..., path]`` entries; paths are
    relative to ``root``. A single label is a float, several a float32 array."""

    def __init__(self, root: str = ".", imglist: Any = None, flag: int = 1,
                 transform: Any = None):
        self._root = os.path.expanduser(root)
        self._flag = flag
        self._transform = transform
        self.items: List[Tuple[str, Any]] = []
        if imglist is None:
            raise ValueError("ImageListDataset: imglist (a .lst file or a list of "
                             "(label, path) entries) is required")
        if isinstance(imglist, (str, os.PathLike)):
            self._read_lst(os.fspath(imglist))
        else:
            for i, entry in enumerate(imglist):
                entry = list(entry)
                if len(entry) < 2:
                    raise ValueError(f"ImageListDataset: entry {i} must be (label, ..., "
                                     f"path), got {entry!r}")
                self.items.append((os.path.join(self._root, str(entry[-1])),
                                   _label(entry[:-1])))

    def _read_lst(self, name: str) -> None:
        path = name if os.path.isfile(name) else os.path.join(self._root, name)
        try:
            with open(path, encoding="utf-8") as f:
                lines = f.read().splitlines()
        except OSError as e:
            raise MXNetError(f"ImageListDataset: cannot read the list file {path} "
                             f"({e.strerror})") from None
        for n, line in enumerate(lines, 1):
            if not line.strip():
                continue
            parts = line.split("\t")
            if len(parts) < 3:
                raise MXNetError(f"ImageListDataset: {path} line {n}: expected "
                                 f"'index<TAB>label(s)<TAB>path', got {line!r}")
            try:
                label = _label([float(v) for v in parts[1:-1]])
            except ValueError:
                raise MXNetError(f"ImageListDataset: {path} line {n}: a label is not a "
                                 f"number in {line!r}") from None
            self.items.append((os.path.join(self._root, parts[-1].strip()), label))

    def __getitem__(self, idx: int) -> Any:
        path, label = self.items[idx]
        img = _imread(path, self._flag, "ImageListDataset")
        if self._transform is not None:
            return self._transform(img, label)
        return img, label

    def __len__(self) -> int:
        return len(self.items)


def _label(values: list) -> Any:
    if len(values) == 1:
        return float(values[0])
    return np.array([float(v) for v in values], dtype=np.float32)


