"""gluon.data behaviour checked by hand: worker processes (a dying worker is reported, a
worker's exception comes back, timeouts), samplers and batchify helpers MXNet 1.9.1 lacks
(values computed here), downloads (from a local file:// repository) and the errors for
missing, corrupt and mismatched files. tests/test_gluon_data_golden.py compares the
deterministic paths with real MXNet."""
from __future__ import annotations

import gzip
import hashlib
import io
import multiprocessing
import os
import struct
import tarfile
import time

import numpy as np
import pytest

import mxcompat as mx
from mxcompat import gluon
from mxcompat.base import MXNetError

V = gluon.data.vision
T = V.transforms


# ---- DataLoader with workers ------------------------------------------------------------
class _Dies(gluon.data.Dataset):
    def __len__(self):
        return 8

    def __getitem__(self, idx):
        if idx == 5:
            os._exit(3)  # a crash in native code looks like this to the parent
        return np.full((2,), idx, dtype=np.float32)


class _Raises(gluon.data.Dataset):
    def __len__(self):
        return 6

    def __getitem__(self, idx):
        if idx == 4:
            raise KeyError(f"no sample {idx}")
        return idx


class _Slow(gluon.data.Dataset):
    def __len__(self):
        return 4

    def __getitem__(self, idx):
        time.sleep(3)
        return idx


def test_dead_worker_is_an_error_not_a_hang():
    loader = gluon.data.DataLoader(_Dies(), batch_size=2, num_workers=2)
    got = []
    with pytest.raises(MXNetError, match="worker process died"):
        for b in loader:
            got.append(b.asnumpy()[:, 0].tolist())
    assert got in ([], [[0.0, 1.0]], [[0.0, 1.0], [2.0, 3.0]])


def test_worker_exception_comes_back():
    loader = gluon.data.DataLoader(_Raises(), batch_size=2, num_workers=2)
    with pytest.raises(KeyError, match="no sample 4"):
        list(loader)
    threads = gluon.data.DataLoader(_Raises(), batch_size=2, num_workers=2, thread_pool=True)
    with pytest.raises(KeyError, match="no sample 4"):
        list(threads)


@pytest.mark.parametrize("thread_pool", [False, True])
def test_timeout(thread_pool):
    loader = gluon.data.DataLoader(_Slow(), batch_size=1, num_workers=1, timeout=1,
                                   thread_pool=thread_pool)
    with pytest.raises(multiprocessing.TimeoutError, match="timed out after 1 seconds"):
        list(loader)


def test_workers_match_in_process_and_persist_across_epochs():
    X = np.arange(60, dtype=np.float32).reshape(20, 3)
    ds = gluon.data.ArrayDataset(X, np.arange(20))
    ref = [[a.asnumpy() for a in b] for b in gluon.data.DataLoader(ds, 6)]
    loader = gluon.data.DataLoader(ds, 6, num_workers=2, prefetch=3)
    for _ in range(2):
        got = [[a.asnumpy() for a in b] for b in loader]
        assert len(got) == len(ref) == 4
        for g, r in zip(got, ref):
            np.testing.assert_array_equal(g[0], r[0])
            np.testing.assert_array_equal(g[1], r[1])
            assert g[1].dtype == np.int64
    # two passes at once over the same loader: each gets every batch
    it1, it2 = iter(loader), iter(loader)
    a = [b[1].asnumpy().tolist() for b in it1]
    b = [b[1].asnumpy().tolist() for b in it2]
    assert a == b == [r[1].tolist() for r in ref]


def test_auto_reload_and_rollover():
    loader = gluon.data.DataLoader(list(range(7)), 3, last_batch="rollover", auto_reload=True)
    first = [b.asnumpy().tolist() for b in loader]
    second = [b.asnumpy().tolist() for b in loader]
    assert first == [[0, 1, 2], [3, 4, 5]]
    assert second == [[6, 0, 1], [2, 3, 4]]  # sample 6 rolled over to the next epoch


def test_default_batchify_errors():
    with pytest.raises(MXNetError):
        gluon.data.DataLoader([mx.nd.ones((2,)), mx.nd.ones((3,))], 2).__iter__().__next__()


def test_ndarray_dataset_batches_share_nothing_with_the_source():
    src = mx.nd.arange(12).reshape((4, 3))
    batch = next(iter(gluon.data.DataLoader(src, 2)))
    batch[:] = -1
    assert src.asnumpy().min() == 0


# ---- samplers and batchify helpers (MXNet 2.0 names) ------------------------------------
def test_interval_sampler():
    s = gluon.data.IntervalSampler(10, 3)
    assert list(s) == [0, 3, 6, 9, 1, 4, 7, 2, 5, 8] and len(s) == 10
    s = gluon.data.IntervalSampler(10, 3, rollover=False)
    assert list(s) == [0, 3, 6, 9] and len(s) == 4
    with pytest.raises(ValueError, match="interval"):
        gluon.data.IntervalSampler(5, 0)


def test_batchify_stack_pad_append_group():
    B = gluon.data.batchify
    st = B.Stack()([np.array([1, 2]), np.array([3, 4])])
    assert st.dtype == np.int64 and st.asnumpy().tolist() == [[1, 2], [3, 4]]
    pad = B.Pad(val=-1)([np.array([1, 2, 3]), np.array([4])])
    assert pad.asnumpy().tolist() == [[1, 2, 3], [4, -1, -1]]
    pad = B.Pad(axis=1, round_to=4, dtype="float32")([np.ones((2, 1)), np.ones((2, 3))])
    assert pad.shape == (2, 2, 4) and pad.dtype == np.float32
    assert pad.asnumpy()[0].sum() == 2 and pad.asnumpy()[1].sum() == 6
    app = B.Append()([np.array([1, 2]), np.array([3])])
    assert [a.shape for a in app] == [(1, 2), (1, 1)]
    grp = B.Group(B.Pad(), B.Stack())([([1, 2], 0), ([3], 1)])
    assert isinstance(grp, tuple)
    assert grp[0].asnumpy().tolist() == [[1, 2], [3, 0]] and grp[1].asnumpy().tolist() == [0, 1]
    loader = gluon.data.DataLoader([([1, 2, 3], 5), ([4], 6)], 2,
                                   batchify_fn=B.Group(B.Pad(), B.Stack()))
    x, y = next(iter(loader))
    assert x.asnumpy().tolist() == [[1, 2, 3], [4, 0, 0]] and y.asnumpy().tolist() == [5, 6]
    with pytest.raises(ValueError, match="2 fields but 1"):
        B.Group(B.Stack())([(1, 2)])
    assert B.AsList()([1, 2]) == [1, 2]


# ---- vision datasets: downloads and bad files --------------------------------------------
def _mnist_files(root, prefix="train", n=3):
    os.makedirs(root, exist_ok=True)
    images = (np.arange(n * 784) % 251).astype(np.uint8)
    labels = np.arange(n, dtype=np.uint8) % 10
    files = {f"{prefix}-images-idx3-ubyte.gz": struct.pack(">IIII", 2051, n, 28, 28)
             + images.tobytes(),
             f"{prefix}-labels-idx1-ubyte.gz": struct.pack(">II", 2049, n) + labels.tobytes()}
    sha = {}
    for name, raw in files.items():
        data = gzip.compress(raw, mtime=0)
        with open(os.path.join(root, name), "wb") as f:
            f.write(data)
        sha[name] = hashlib.sha1(data).hexdigest()
    return sha, images.reshape(n, 28, 28, 1), labels


def test_missing_file_without_network_names_it(tmp_path, monkeypatch):
    monkeypatch.setenv("MXNET_GLUON_REPO", "http://127.0.0.1:9/")
    with pytest.raises(MXNetError) as e:
        V.MNIST(root=str(tmp_path / "mnist"))
    msg = str(e.value)
    assert "train-images-idx3-ubyte.gz" in msg and "is missing" in msg
    assert str(tmp_path / "mnist") in msg and "127.0.0.1:9/gluon/dataset/mnist/" in msg


def test_checksum_mismatch_is_reported(tmp_path, monkeypatch):
    monkeypatch.setenv("MXNET_GLUON_REPO", "http://127.0.0.1:9/")
    _mnist_files(str(tmp_path))  # the real MNIST checksums do not match these files
    with pytest.warns(UserWarning, match="does not match its SHA-1"):
        with pytest.raises(MXNetError, match="does not match its published SHA-1"):
            V.MNIST(root=str(tmp_path))


def test_download_from_repository(tmp_path, monkeypatch):
    repo = tmp_path / "repo"
    sha, images, labels = _mnist_files(str(repo / "gluon" / "dataset" / "mnist"))
    monkeypatch.setenv("MXNET_GLUON_REPO", repo.as_uri())
    monkeypatch.setattr(V.MNIST, "_files", {**V.MNIST._files, **sha})
    root = tmp_path / "home" / "mnist"
    d = V.MNIST(root=str(root))
    assert sorted(os.listdir(root)) == sorted(sha)  # downloaded, no temporary left
    assert len(d) == 3
    x, y = d[2]
    assert x.dtype == np.uint8 and x.shape == (28, 28, 1) and y.dtype == np.int32
    np.testing.assert_array_equal(x.asnumpy(), images[2])
    assert int(y) == labels[2]


def test_download_with_bad_checksum_leaves_nothing(tmp_path, monkeypatch):
    repo = tmp_path / "repo"
    sha, _, _ = _mnist_files(str(repo / "gluon" / "dataset" / "mnist"))
    monkeypatch.setenv("MXNET_GLUON_REPO", repo.as_uri())
    bad = {k: "0" * 40 for k in sha}
    monkeypatch.setattr(V.MNIST, "_files", {**V.MNIST._files, **bad})
    with pytest.raises(MXNetError, match="expected 0000"):
        V.MNIST(root=str(tmp_path / "home"))
    assert os.listdir(tmp_path / "home") == []


def test_cifar_archive_download_and_extract(tmp_path, monkeypatch):
    rec = bytes([7]) + bytes(range(256)) * 12  # label 7, 3072 pixels
    members = {f"data_batch_{i}.bin": rec * i for i in range(1, 6)}
    members["test_batch.bin"] = rec
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    ns = tmp_path / "repo" / "gluon" / "dataset" / "cifar10"
    ns.mkdir(parents=True)
    (ns / "cifar-10-binary.tar.gz").write_bytes(buf.getvalue())
    monkeypatch.setenv("MXNET_GLUON_REPO", (tmp_path / "repo").as_uri())
    monkeypatch.setattr(V.CIFAR10, "_archive", ("cifar-10-binary.tar.gz",
                                                hashlib.sha1(buf.getvalue()).hexdigest()))
    sha = {n: hashlib.sha1(d).hexdigest() for n, d in members.items()}
    monkeypatch.setattr(V.CIFAR10, "_train_files",
                        [(n, sha[n]) for n, _ in V.CIFAR10._train_files])
    monkeypatch.setattr(V.CIFAR10, "_test_files", [("test_batch.bin", sha["test_batch.bin"])])
    d = V.CIFAR10(root=str(tmp_path / "cifar"))
    assert len(d) == 15
    x, y = d[14]
    assert x.shape == (32, 32, 3) and int(y) == 7
    # channel-major on disk -> (H, W, C): pixel (0, 0) is bytes 0, 1024, 2048
    assert x.asnumpy()[0, 0].tolist() == [0, 0, 0] and x.asnumpy()[0, 1].tolist() == [1, 1, 1]
    assert len(V.CIFAR10(root=str(tmp_path / "cifar"), train=False)) == 1


def test_truncated_idx_file(tmp_path, monkeypatch):
    sha, _, _ = _mnist_files(str(tmp_path))
    name = "train-images-idx3-ubyte.gz"
    data = gzip.compress(struct.pack(">IIII", 2051, 3, 28, 28) + b"\0" * 100, mtime=0)
    (tmp_path / name).write_bytes(data)
    sha[name] = hashlib.sha1(data).hexdigest()
    monkeypatch.setattr(V.MNIST, "_files", {**V.MNIST._files, **sha})
    with pytest.raises(MXNetError, match="truncated") as e:
        V.MNIST(root=str(tmp_path))
    assert name in str(e.value)


def _png(arr):
    from PIL import Image
    buf = io.BytesIO()
    Image.fromarray(arr).save(buf, format="PNG")
    return buf.getvalue()


def test_image_folder_bad_image_names_the_file(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "bad.jpg").write_bytes(b"not a jpeg")
    d = V.ImageFolderDataset(str(tmp_path))
    with pytest.raises(MXNetError, match="bad.jpg"):
        d[0]
    os.remove(tmp_path / "a" / "bad.jpg")
    with pytest.raises(MXNetError, match="bad.jpg"):
        d[0]


def test_image_list_dataset(tmp_path):
    img = (np.arange(2 * 3 * 3) * 20 % 256).astype(np.uint8).reshape(2, 3, 3)
    (tmp_path / "x.png").write_bytes(_png(img))
    (tmp_path / "list.lst").write_text("0\t1.5\tx.png\n1\t2\t3\tx.png\n")
    d = V.ImageListDataset(str(tmp_path), "list.lst")
    assert len(d) == 2
    x, y = d[0]
    np.testing.assert_array_equal(x.asnumpy(), img)
    assert y == 1.5
    assert d[1][1].tolist() == [2.0, 3.0] and d[1][1].dtype == np.float32
    g = V.ImageListDataset(str(tmp_path), [(4, "x.png")], flag=0)
    assert g[0][0].shape == (2, 3, 1) and g[0][1] == 4.0
    (tmp_path / "bad.lst").write_text("0\tx.png\n")
    with pytest.raises(MXNetError, match="line 1"):
        V.ImageListDataset(str(tmp_path), "bad.lst")


# ---- transforms --------------------------------------------------------------------------
def _img():
    return mx.nd.array((np.arange(5 * 6 * 3) * 7 % 256).reshape(5, 6, 3), dtype="uint8")


def test_random_flips_are_flips():
    img = _img()
    a = img.asnumpy()
    seen = set()
    for _ in range(30):
        lr = T.RandomFlipLeftRight()(img).asnumpy()
        tb = T.RandomFlipTopBottom()(img).asnumpy()
        assert (lr == a).all() or (lr == a[:, ::-1]).all()
        assert (tb == a).all() or (tb == a[::-1]).all()
        seen.add((lr == a).all())
    assert seen == {True, False}


def test_random_colour_transforms_keep_shape_and_range():
    img = _img()
    for t in (T.RandomBrightness(0.5), T.RandomContrast(0.5), T.RandomSaturation(0.5),
              T.RandomHue(0.5), T.RandomColorJitter(0.3, 0.3, 0.3, 0.3), T.RandomLighting(0.2)):
        out = t(img)
        assert out.shape == img.shape, t


def test_compose_groups_hybrid_blocks_and_hybridize_keeps_values():
    c = T.Compose([T.Resize(4), T.ToTensor(), T.CenterCrop(3), T.Cast("float64")])
    kinds = [type(b).__name__ for b in c._children.values()]
    assert kinds == ["HybridSequential", "CenterCrop", "Cast"]
    h = T.HybridCompose([T.ToTensor(), T.Normalize(0.5, 0.25)])
    ref = h(_img()).asnumpy()
    h.hybridize()
    np.testing.assert_array_equal(h(_img()).asnumpy(), ref)
    with pytest.raises(ValueError, match="not a HybridBlock"):
        T.HybridCompose([T.CenterCrop(3)])


def test_random_crop_with_padding():
    img = _img()
    out = T.RandomCrop((4, 3), pad=2, pad_value=9)(img)
    assert out.shape == (3, 4, 3)
    full = T.RandomCrop((10, 9), pad=2, pad_value=9)(img).asnumpy()
    assert full.shape == (9, 10, 3)
    assert (full[:2] == 9).all() and (full[:, :2] == 9).all()
    np.testing.assert_array_equal(full[2:7, 2:8], img.asnumpy())


@pytest.mark.gpu
@pytest.mark.skipif(not __import__("torch").cuda.is_available(), reason="needs CUDA")
@pytest.mark.parametrize("workers", [0, 2])
def test_pin_memory_pins(workers):
    X = np.arange(24, dtype=np.float32).reshape(6, 4)
    loader = gluon.data.DataLoader(gluon.data.ArrayDataset(X, np.arange(6)), 3,
                                   pin_memory=True, num_workers=workers)
    for x, y in loader:
        assert x.context == mx.cpu_pinned(0) and x.tensor.is_pinned()
        assert y.tensor.is_pinned()


def test_rgb_decode_matches_the_general_decoder():
    """flag=1 decodes in one Pillow conversion; it must equal the OpenCV-like general decoder
    (mx.nd.imdecode's pixels, B, G, R(, A) reversed, alpha dropped, grey replicated)."""
    from PIL import Image
    from mxcompat.gluon.data.vision.datasets import _decode
    from mxcompat.ndarray.image import _decode_pixels
    rs = np.random.RandomState(0)
    rgb = rs.randint(0, 256, (6, 7, 3)).astype(np.uint8)
    images = {"jpeg": (Image.fromarray(rgb), "JPEG"),
              "grey_jpeg": (Image.fromarray(rgb[:, :, 0]), "JPEG"),
              "rgba_png": (Image.fromarray(np.dstack([rgb, rgb[:, :, :1]])), "PNG"),
              "palette_png": (Image.fromarray(rgb).convert("P"), "PNG"),
              "grey_png": (Image.fromarray(rgb[:, :, 1]), "PNG")}
    for name, (im, fmt) in images.items():
        buf = io.BytesIO()
        im.save(buf, format=fmt)
        got = _decode(buf.getvalue(), 1, name).asnumpy()
        px = _decode_pixels(buf.getvalue(), False)
        want = np.repeat(px, 3, axis=2) if px.shape[2] == 1 else px[:, :, 2::-1]
        np.testing.assert_array_equal(got, want, err_msg=name)


def test_random_transforms_stay_random_in_compose():
    img = mx.nd.array(np.arange(18).reshape(2, 3, 3), dtype="uint8")
    c = T.Compose([T.RandomFlipLeftRight(), T.RandomBrightness(0.5), T.ToTensor()])
    outs = {tuple(c(img).asnumpy().ravel().round(5).tolist()) for _ in range(6)}
    assert len(outs) > 1


def _first_row(samples):
    return samples[0]  # a row view of the dataset's array, not a new batch


def test_views_from_workers_carry_only_their_rows():
    src = mx.nd.arange(4000).reshape((1000, 4))
    loader = gluon.data.DataLoader(gluon.data.ArrayDataset(src), 2, num_workers=1,
                                   batchify_fn=_first_row)
    rows = [b for b, _ in zip(loader, range(3))]
    assert [r.asnumpy().tolist() for r in rows] == [[0, 1, 2, 3], [8, 9, 10, 11],
                                                    [16, 17, 18, 19]]
    assert rows[0].tensor.untyped_storage().nbytes() == 16


def test_loader_recovers_after_a_worker_error():
    class Flaky(gluon.data.Dataset):
        fail = True

        def __len__(self):
            return 4

        def __getitem__(self, idx):
            if Flaky.fail and idx == 2:
                raise ValueError("flaky sample")
            return idx

    loader = gluon.data.DataLoader(Flaky(), 2, num_workers=2)
    with pytest.raises(ValueError, match="flaky sample"):
        list(loader)
    Flaky.fail = False  # the next pass forks fresh workers, which see the change
    assert [b.asnumpy().tolist() for b in loader] == [[0, 1], [2, 3]]
