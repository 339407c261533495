"""Record gluon.data golden data from real MXNet 1.9.1 into tests/golden/data.json.
Run under the oracle environment; deterministic.

The cases (``run_cases``) are plain code that runs unchanged under MXNet and under mxcompat:
tests/test_gluon_data_golden.py runs them with mxcompat and compares with what MXNet gave.
What is recorded: the batches (values, dtype, shape, context) of DataLoaders over arrays,
lists, tuples and NDArrays with every ``last_batch`` mode, samplers, workers, shuffling after
``np.random.seed``; Dataset's filter/shard/take/transform; the vision transforms on fixed
images (crops drawn after ``random.seed``); MNIST / Fashion-MNIST / CIFAR10 / CIFAR100 read
from tiny files in MXNet's formats; ImageFolderDataset and ImageRecordDataset over PNG images
(the ``.rec`` written here byte by byte, and checked to read back in MXNet); the errors of
the common mistakes; and tests/golden/data_pipeline.stdout, what examples/gluon_data_pipeline.py
prints under MXNet.
"""
from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import random
import struct
import sys
import tempfile
import warnings
from pathlib import Path

import numpy as np

warnings.filterwarnings("ignore")
ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "tests" / "golden" / "data.json"


# ---- tiny datasets in MXNet's file formats (plain NumPy / gzip / Pillow) --------------------
def _pixels(n: int, shape: tuple, seed: int) -> np.ndarray:
    return ((np.arange(n * int(np.prod(shape))) * 37 + seed * 11) % 256).astype(np.uint8) \
        .reshape((n,) + shape)


def write_mnist(root: str, prefix: str, n: int, seed: int) -> dict:
    """``<prefix>-images-idx3-ubyte.gz`` / ``-labels-idx1-ubyte.gz``; returns name -> sha1."""
    os.makedirs(root, exist_ok=True)
    images = _pixels(n, (28, 28), seed)
    labels = (np.arange(n) * 3 + seed) % 10
    files = {f"{prefix}-images-idx3-ubyte.gz": struct.pack(">IIII", 2051, n, 28, 28)
             + images.tobytes(),
             f"{prefix}-labels-idx1-ubyte.gz": struct.pack(">II", 2049, n)
             + labels.astype(np.uint8).tobytes()}
    out = {}
    for name, raw in files.items():
        path = os.path.join(root, name)
        with open(path, "wb") as f:
            f.write(gzip.compress(raw, mtime=0))
        out[name] = hashlib.sha1(open(path, "rb").read()).hexdigest()
    return out


def write_cifar(root: str, names: list, n: int, label_bytes: int) -> dict:
    os.makedirs(root, exist_ok=True)
    out = {}
    for k, name in enumerate(names):
        recs = []
        for i in range(n):
            labels = bytes([(i * 7 + k * 3 + j * 5) % (100 if j else 20) for j in
                            range(label_bytes)]) if label_bytes == 2 else bytes([(i + k) % 10])
            recs.append(labels + _pixels(1, (3, 32, 32), k * 10 + i).tobytes())
        path = os.path.join(root, name)
        with open(path, "wb") as f:
            f.write(b"".join(recs))
        out[name] = hashlib.sha1(open(path, "rb").read()).hexdigest()
    return out


def _png(arr: np.ndarray) -> bytes:
    from PIL import Image
    buf = io.BytesIO()
    mode = "L" if arr.ndim == 2 else "RGB"
    Image.fromarray(arr, mode).save(buf, format="PNG")
    return buf.getvalue()


def write_image_folder(root: str) -> None:
    for c, cls in enumerate(["cat", "bus", "ant"]):
        d = os.path.join(root, cls)
        os.makedirs(d, exist_ok=True)
        for i in range(2):
            arr = _pixels(1, (4 + i, 5, 3), c * 3 + i)[0]
            if c == 2 and i == 1:
                arr = arr[:, :, 0]  # a grey PNG
            with open(os.path.join(d, f"img{i}.png"), "wb") as f:
                f.write(_png(arr))
    with open(os.path.join(root, "bus", "notes.txt"), "w") as f:
        f.write("not an image")
    with open(os.path.join(root, "README"), "w") as f:
        f.write("a file beside the class folders")


def write_rec(prefix: str) -> None:
    """``prefix.rec`` / ``prefix.idx`` in MXNet's RecordIO layout, written byte by byte:
    each record is magic 0xced7230a, a length word, the IRHeader (flag, label, id, id2; with
    flag > 0 that many float32 labels follow) and a PNG, padded to 4 bytes."""
    recs = []
    for i in range(5):
        img = _png(_pixels(1, (3 + i % 2, 4, 3), 20 + i)[0])
        if i == 3:
            labels = np.array([1.5, 2.0, 7.0], dtype=np.float32)
            head = struct.pack("<IfQQ", 3, 0.0, i, 0) + labels.tobytes()
        else:
            head = struct.pack("<IfQQ", 0, float(i * 2 + 1), i, 0)
        recs.append(head + img)
    offsets = []
    with open(prefix + ".rec", "wb") as f:
        for r in recs:
            offsets.append(f.tell())
            f.write(struct.pack("<II", 0xCED7230A, len(r)))
            f.write(r)
            f.write(b"\0" * (-len(r) % 4))
    with open(prefix + ".idx", "w") as f:
        for k, off in zip([10, 11, 12, 13, 14], offsets):
            f.write(f"{k}\t{off}\n")


# ---- the cases (run under MXNet and under mxcompat) -----------------------------------------
def enc(x):
    """A JSON form of what a loader / dataset returns."""
    if isinstance(x, (list, tuple)):
        return {"seq": type(x).__name__, "items": [enc(v) for v in x]}
    if hasattr(x, "asnumpy"):
        a = x.asnumpy()
        return {"nd": a.tolist(), "dtype": str(a.dtype), "shape": list(a.shape),
                "ctx": str(x.context)}
    if isinstance(x, np.ndarray):
        return {"np": x.tolist(), "dtype": str(x.dtype), "shape": list(x.shape)}
    if isinstance(x, np.generic):
        return {"npscalar": x.item(), "dtype": str(x.dtype)}
    return {"py": x, "type": type(x).__name__}


def _err(fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001
        return [type(e).__name__, str(e).split("\n")[0], isinstance(e, _MX[0].base.MXNetError)]
    return None


def loader_cases(mx) -> dict:
    gluon = mx.gluon
    X = (np.arange(21, dtype=np.float64).reshape(7, 3) * 0.5)
    Y = np.arange(7, dtype=np.int32) * 2
    out = {}

    def batches(loader, epochs=1):
        return [[enc(b) for b in loader] for _ in range(epochs)]

    ds = gluon.data.ArrayDataset(X, Y)
    for lb in ("keep", "discard", "rollover"):
        dl = gluon.data.DataLoader(ds, 3, last_batch=lb)
        out[f"array_{lb}"] = {"len": len(dl), "batches": batches(dl, 3)}
    ndX = mx.nd.array(np.arange(28).reshape(7, 2, 2))
    ndY = mx.nd.array(np.arange(7) + 0.5)
    out["ndarray"] = batches(gluon.data.DataLoader(gluon.data.ArrayDataset(ndX, ndY), 4))
    out["single"] = batches(gluon.data.DataLoader(gluon.data.ArrayDataset(X), 4))
    out["nd_single"] = batches(gluon.data.DataLoader(ndX, 3))
    out["ints"] = batches(gluon.data.DataLoader([1, 2, 3, 4, 5], 2))
    out["floats"] = batches(gluon.data.DataLoader([1.5, 2.0, 3.25], 2))
    out["bools"] = batches(gluon.data.DataLoader([True, False, True], 3))
    out["tuples"] = batches(gluon.data.DataLoader([(1, 2.5), (3, 4.5), (5, 6.5)], 2))
    out["lists"] = batches(gluon.data.DataLoader([([1, 2], 0), ([3, 4], 1)], 1))
    out["np_scalars"] = batches(gluon.data.DataLoader(
        [np.float32(1.5), np.float32(2.5), np.float32(-1)], 2))
    out["uint8"] = batches(gluon.data.DataLoader(
        gluon.data.SimpleDataset([np.full((2, 2), i, dtype=np.uint8) for i in range(3)]), 2))
    out["workers"] = batches(gluon.data.DataLoader(ds, 3, num_workers=2), 2)
    out["threads"] = batches(gluon.data.DataLoader(ds, 3, num_workers=2, thread_pool=True))
    out["pinned"] = batches(gluon.data.DataLoader(ds, 4, pin_memory=True))
    bs = gluon.data.BatchSampler(gluon.data.SequentialSampler(7), 2, "discard")
    out["batch_sampler"] = batches(gluon.data.DataLoader(ds, batch_sampler=bs))
    out["sampler"] = batches(gluon.data.DataLoader(
        ds, 2, sampler=gluon.data.SequentialSampler(5, 2)))
    out["custom_batchify"] = batches(gluon.data.DataLoader(
        ds, 3, batchify_fn=lambda samples: [s[1] for s in samples]))
    np.random.seed(7)
    out["shuffle"] = batches(gluon.data.DataLoader(ds, 3, shuffle=True), 2)
    np.random.seed(11)
    out["random_sampler"] = [[int(i) for i in gluon.data.RandomSampler(9)] for _ in range(2)]
    img = mx.nd.array(_pixels(5, (3, 4, 3), 1), dtype="uint8")
    tds = gluon.data.ArrayDataset(img, np.arange(5)).transform_first(
        gluon.data.vision.transforms.ToTensor())
    out["transform_first"] = batches(gluon.data.DataLoader(tds, 2))
    return out


def dataset_cases(mx) -> dict:
    gluon = mx.gluon
    a = gluon.data.SimpleDataset(list(range(10)))
    out = {
        "filter": list(a.filter(lambda x: x % 3 == 0)),
        "filter_transformed": list(a.transform(lambda x: x * 2).filter(lambda x: x % 4 == 0)),
        "shard": [list(a.shard(4, i)) for i in range(4)],
        "take": [list(a.take(3)), len(a.take(None)), len(a.take(100))],
        "sample": list(a.sample(gluon.data.SequentialSampler(3, 4))),
        "transform_eager": enc(a.transform(lambda x: x + 1, lazy=False)[2]),
        "transform_first": enc(gluon.data.ArrayDataset([1, 2], [3, 4])
                               .transform_first(lambda x: x * 10)[1]),
        "transform_tuple": enc(gluon.data.ArrayDataset([1, 2], [3, 4])
                               .transform(lambda x, y: x + y)[1]),
        "array_item": enc(gluon.data.ArrayDataset(mx.nd.array([[1, 2], [3, 4]]),
                                                  mx.nd.array([5, 6]))[1]),
        "batch_sampler": {lb: [list(gluon.data.BatchSampler(
            gluon.data.SequentialSampler(7), 3, lb)) for _ in range(3)] for lb in
            ("keep", "discard", "rollover")},
        "batch_sampler_len": [len(gluon.data.BatchSampler(gluon.data.SequentialSampler(7), 3,
                                                          lb)) for lb in
                              ("keep", "discard", "rollover")],
    }
    dl = gluon.data.DataLoader
    out["errors"] = {
        "no_batch_size": _err(lambda: dl([1, 2])),
        "shuffle_and_sampler": _err(lambda: dl([1, 2], 1, shuffle=True,
                                               sampler=gluon.data.SequentialSampler(2))),
        "batch_sampler_and_size": _err(lambda: dl(
            [1, 2], 1, batch_sampler=gluon.data.BatchSampler(
                gluon.data.SequentialSampler(2), 1))),
        "bad_last_batch": _err(lambda: list(dl([1, 2, 3], 2, last_batch="foo"))),
        "bad_last_batch_len": _err(lambda: len(dl([1, 2, 3], 2, last_batch="foo"))),
        "sample_not_sampler": _err(lambda: a.sample([1, 2])),
        "length_mismatch": _err(lambda: gluon.data.ArrayDataset([1, 2], [1, 2, 3])),
        "no_arrays": _err(lambda: gluon.data.ArrayDataset()),
        "shard_index": _err(lambda: a.shard(2, 2)),
        "zero_timeout": _err(lambda: dl([1, 2], 1, timeout=0)),
    }
    return out


def transform_cases(mx) -> dict:
    T = mx.gluon.data.vision.transforms
    img = mx.nd.array(_pixels(1, (7, 9, 3), 3)[0], dtype="uint8")
    batch = mx.nd.array(_pixels(2, (6, 5, 3), 4), dtype="uint8")
    f32 = img.astype("float32")
    cases = {
        "to_tensor": lambda: T.ToTensor()(img),
        "to_tensor_batch": lambda: T.ToTensor()(batch),
        "normalize": lambda: T.Normalize((0.1, 0.2, 0.3), (0.5, 0.25, 2.0))(
            T.ToTensor()(img)),
        "normalize_scalar": lambda: T.Normalize(0.5, 0.25)(T.ToTensor()(batch)),
        "cast": lambda: T.Cast("float16")(img),
        "cast_default": lambda: T.Cast()(img),
        "resize_wh": lambda: T.Resize((5, 4))(img),
        "resize_int": lambda: T.Resize(6)(img),
        "resize_keep": lambda: T.Resize(4, keep_ratio=True)(img),
        "resize_up": lambda: T.Resize((13, 11))(img),
        "resize_nearest": lambda: T.Resize((5, 4), interpolation=0)(img),
        "resize_float": lambda: T.Resize((5, 4))(f32),
        "resize_batch": lambda: T.Resize((3, 4))(batch),
        "center_crop": lambda: T.CenterCrop(4)(img),
        "center_crop_wh": lambda: T.CenterCrop((5, 3))(img),
        "center_crop_up": lambda: T.CenterCrop(12)(img),
        "center_crop_wide": lambda: T.CenterCrop((12, 4))(img),
        "crop_resize": lambda: T.CropResize(1, 2, 4, 3)(img),
        "crop_resize_size": lambda: T.CropResize(1, 2, 4, 3, size=(3, 2), interpolation=1)(img),
        "crop_resize_batch": lambda: T.CropResize(0, 1, 3, 2)(batch),
        "compose": lambda: T.Compose([T.Resize(8), T.CenterCrop(6), T.ToTensor(),
                                      T.Normalize(0.5, 0.5)])(img),
    }
    out = {k: enc(f()) for k, f in cases.items()}
    rrc = []
    random.seed(5)
    for size, scale, ratio in [(4, (0.08, 1.0), (0.75, 4 / 3)), ((5, 3), (0.3, 0.9), (0.5, 2)),
                               (6, (0.9, 1.0), (3.0, 4.0))]:
        rrc.append(enc(T.RandomResizedCrop(size, scale, ratio)(img)))
    out["random_resized_crop"] = rrc
    random.seed(9)
    out["random_apply"] = [list(T.RandomApply(T.Resize(3), 0.5)(img).shape)
                           for _ in range(8)]
    out["errors"] = {
        "to_tensor_2d": _err(lambda: T.ToTensor()(mx.nd.ones((3, 4), dtype="uint8"))),
        "crop_resize_no_interp": _err(lambda: T.CropResize(1, 2, 4, 3, size=(3, 2))(img)),
        "resize_bad_ndim": _err(lambda: T.Resize(3)(mx.nd.ones((3,), dtype="uint8"))),
    }
    return out


def vision_cases(mx, tmp: str, set_hashes) -> dict:
    """``set_hashes(cls, {name: sha1})`` makes ``cls`` accept the fixture files (MXNet: by
    bypassing the download; mxcompat: by setting the expected checksums)."""
    V = mx.gluon.data.vision
    out = {}
    mroot = os.path.join(tmp, "mnist")
    hashes = write_mnist(mroot, "train", 6, 1)
    hashes.update(write_mnist(mroot, "t10k", 3, 2))
    set_hashes(V.MNIST, hashes)
    for train in (True, False):
        d = V.MNIST(root=mroot, train=train)
        out[f"mnist_{train}"] = {"len": len(d), "items": [enc(d[i]) for i in (0, len(d) - 1)]}
    d = V.MNIST(root=mroot, transform=lambda x, y: (x.astype("float32") / 255, y))
    out["mnist_transform"] = enc(d[2])
    froot = os.path.join(tmp, "fashion")
    set_hashes(V.FashionMNIST, write_mnist(froot, "train", 4, 3))
    d = V.FashionMNIST(root=froot)
    out["fashion"] = {"len": len(d), "item": enc(d[3])}
    croot = os.path.join(tmp, "cifar10")
    names = [f"data_batch_{i}.bin" for i in range(1, 6)] + ["test_batch.bin"]
    set_hashes(V.CIFAR10, write_cifar(croot, names, 2, 1))
    for train in (True, False):
        d = V.CIFAR10(root=croot, train=train)
        out[f"cifar10_{train}"] = {"len": len(d), "items": [enc(d[i]) for i in (0, len(d) - 1)]}
    c100 = os.path.join(tmp, "cifar100")
    set_hashes(V.CIFAR100, write_cifar(c100, ["train.bin", "test.bin"], 3, 2))
    for fine in (False, True):
        d = V.CIFAR100(root=c100, fine_label=fine)
        out[f"cifar100_{fine}"] = {"len": len(d), "labels": [enc(d[i][1]) for i in range(3)],
                                   "item": enc(d[1][0])}
    out["cifar100_test"] = len(V.CIFAR100(root=c100, train=False))

    folder = os.path.join(tmp, "folder")
    write_image_folder(folder)
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        d = V.ImageFolderDataset(folder)
        dg = V.ImageFolderDataset(folder, flag=0)
    out["folder"] = {
        "synsets": d.synsets,
        "items": [[os.path.relpath(p, folder), lab] for p, lab in d.items],
        "warnings": sorted(set(str(x.message).replace(folder, "<root>") for x in w)),
        "samples": [enc(d[i]) for i in range(len(d))],
        "grey": [enc(dg[i]) for i in (0, 5)],
    }
    prefix = os.path.join(tmp, "images")
    write_rec(prefix)
    try:
        d = V.ImageRecordDataset(prefix + ".rec")
        r = mx.gluon.data.RecordFileDataset(prefix + ".rec")
        out["rec"] = {"len": len(d), "samples": [enc(d[i]) for i in range(len(d))],
                      "grey": enc(V.ImageRecordDataset(prefix + ".rec", flag=0)[1]),
                      "raw_len": [len(r[i]) for i in range(len(r))]}
        loader = mx.gluon.data.DataLoader(V.ImageRecordDataset(prefix + ".rec").transform_first(
            V.transforms.Resize((2, 2))).take(3), 2, num_workers=2)
        out["rec_loader"] = [enc(b) for b in loader]
    except (ImportError, AttributeError) as e:  # mxcompat without mx.recordio yet
        out["rec"] = {"missing": str(e)}
    return out


_MX: list = []


def run_cases(mx, tmp: str, set_hashes) -> dict:
    _MX[:] = [mx]
    return {"loader": loader_cases(mx), "dataset": dataset_cases(mx),
            "transforms": transform_cases(mx), "vision": vision_cases(mx, tmp, set_hashes)}


def _mxnet_set_hashes(cls, hashes):
    """MXNet checks fixed SHA-1s and downloads otherwise: accept the fixture files as they
    are."""
    import mxnet.gluon.data.vision.datasets as vd
    vd.download = lambda url, path=None, sha1_hash=None, **kw: os.path.join(
        path, url.split("/")[-1])
    vd.check_sha1 = lambda filename, sha1: os.path.exists(filename)


def main() -> int:
    import mxnet as mx
    random.seed(0)
    np.random.seed(0)
    with tempfile.TemporaryDirectory() as tmp:
        golden = run_cases(mx, tmp, _mxnet_set_hashes)
    GOLDEN.write_text(json.dumps(golden, indent=None, sort_keys=True) + "\n")
    print(f"wrote {GOLDEN} ({GOLDEN.stat().st_size} bytes)")
    import subprocess
    r = subprocess.run([sys.executable, str(ROOT / "examples" / "gluon_data_pipeline.py")],
                       capture_output=True, text=True, check=True, cwd=str(ROOT))
    out = ROOT / "tests" / "golden" / "data_pipeline.stdout"
    out.write_text(r.stdout)
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
