"""mx.image against values recorded from MXNet 1.9.1 (tools/oracle/record_io.py image):
cv::resize for every interpolation (uint8 within 1, float32 within 1e-3), crops, borders,
the seeded random crops and the full CreateAugmenter pipeline, ImageIter batches, and
decoding (PNG exact; the JPEG within the bound documented in docs/io.md)."""
import base64
import json
import random
import sys
from pathlib import Path

import numpy as np
import pytest

import mxcompat as mx
from mxcompat.base import MXNetError

HERE = Path(__file__).parent
FIX = HERE / "fixtures" / "io"
G = json.loads((HERE / "golden" / "image.json").read_text())
sys.path.insert(0, str(HERE.parent / "tools" / "oracle"))
import record_io as R  # noqa: E402

IMGS = R.image_fixture_images()
JPEG = base64.b64decode(R.JPEG_B64)
#: the JPEG decode bound against MXNet's OpenCV (libjpeg-turbo, same IDCT): see docs/io.md
JPEG_BOUND = 1


def _close(got, want, atol):
    want = np.asarray(want, dtype=np.float64)
    got = got.asnumpy() if hasattr(got, "asnumpy") else np.asarray(got)
    assert got.shape == want.shape
    np.testing.assert_allclose(got.astype(np.float64), want, atol=atol, rtol=0)


@pytest.mark.parametrize("k", range(len(G["resize"])))
def test_imresize_matches_opencv(k):
    c = G["resize"][k]
    x = mx.nd.array(IMGS[c["img"]], dtype="uint8")
    u8 = mx.image.imresize(x, c["w"], c["h"], interp=c["interp"])
    assert u8.dtype == np.uint8
    # nearest and bilinear are bit-exact; the others within 1 (docs/io.md)
    _close(u8, c["u8"], 0 if c["interp"] in (0, 1) else 1)
    _close(mx.image.imresize(x.astype("float32"), c["w"], c["h"], interp=c["interp"]),
           c["f32"], 2e-3)


@pytest.mark.parametrize("k", range(len(G["nd_resize"])))
def test_nd_image_resize_matches_opencv(k):
    """mx.nd.image.resize (gluon's Resize / CropResize) runs the same cv::resize as
    mx.image.imresize: uint8 nearest, bilinear and 2x area bit-exact, bicubic / area /
    Lanczos within 1 grey level; float32 within 2e-3."""
    c = G["nd_resize"][k]
    a = IMGS[c["img"]]
    size, keep, interp = tuple(c["size"]), c["keep_ratio"], c["interp"]
    x = mx.nd.array(a, dtype="uint8")
    u8 = mx.nd.image.resize(x, size=size, keep_ratio=keep, interp=interp)
    assert u8.dtype == np.uint8
    half = len(size) == 2 and size[0] * 2 == a.shape[1] and size[1] * 2 == a.shape[0]
    exact = interp in (0, 1) or (interp == 3 and half)
    _close(u8, c["u8"], 0 if exact else 1)
    f32 = mx.nd.image.resize(x.astype("float32"), size=size, keep_ratio=keep, interp=interp)
    assert f32.dtype == np.float32
    _close(f32, c["f32"], 2e-3)


@pytest.mark.parametrize("interp", range(5))
def test_nd_image_resize_batch_matches_opencv(interp):
    batch = mx.nd.array(np.stack([IMGS[3], IMGS[3][::-1]]), dtype="uint8")
    got = mx.nd.image.resize(batch, size=(17, 23), interp=interp)
    _close(got, G["nd_resize_batch"][str(interp)], 0 if interp in (0, 1) else 1)


def test_crops_and_helpers():
    a = mx.nd.array(IMGS[1], dtype="uint8")
    ops = G["ops"]
    _close(mx.image.resize_short(a, 6), ops["resize_short"], 1)
    _close(mx.image.resize_short(a, 20, interp=9), ops["resize_short_9"], 1)
    out, box = mx.image.center_crop(a, (5, 4))
    _close(out, ops["center_crop"][0], 0)
    assert list(box) == ops["center_crop"][1]
    out, box = mx.image.center_crop(a, (30, 8))
    _close(out, ops["center_crop_up"][0], 1)
    assert list(box) == ops["center_crop_up"][1]
    _close(mx.image.fixed_crop(a, 2, 1, 6, 5, size=(4, 4)), ops["fixed_crop"], 1)
    assert [list(mx.image.scale_down(s, z)) for s, z in
            [((640, 480), (720, 120)), ((640, 480), (480, 640)), ((100, 50), (30, 60))]] \
        == ops["scale_down"]
    f = a.astype("float32")
    _close(mx.image.color_normalize(f.copy(), mx.nd.array([100, 110, 120]),
                                    mx.nd.array([50, 60, 70])), ops["color_normalize"], 1e-5)
    _close(mx.image.copyMakeBorder(a, 1, 2, 3, 0, type=0, value=7), ops["border"], 0)
    _close(mx.image.copyMakeBorder(a, 2, 1, 0, 2, type=1), ops["border_rep"], 0)


def test_seeded_random_crops_match_mxnet():
    a = mx.nd.array(IMGS[1], dtype="uint8")
    random.seed(5)
    np.random.seed(5)
    for want in G["ops"]["random_crop"]:
        out, box = mx.image.random_crop(a, (5, 6))
        assert list(box) == want[1]
        _close(out, want[0], 1)
    for want in G["ops"]["random_size_crop"]:
        out, box = mx.image.random_size_crop(a, (6, 6), 0.3, (0.75, 1.33))
        assert list(box) == want[1]
        _close(out, want[0], 1)


def test_create_augmenter_pipeline_matches_mxnet():
    augs = mx.image.CreateAugmenter((3, 6, 6), resize=8, rand_crop=True, rand_resize=True,
                                    rand_mirror=True, mean=True, std=True, brightness=0.2,
                                    contrast=0.2, saturation=0.2, hue=0.1, pca_noise=0.1,
                                    rand_gray=0.3, inter_method=1)
    assert [type(x).__name__ for x in augs] == G["aug_names"]
    assert [x.dumps() for x in augs] == G["aug_dumps"]
    random.seed(11)
    np.random.seed(11)
    for k, want in enumerate(G["aug_out"]):
        y = mx.nd.array(IMGS[k], dtype="uint8")
        for aug in augs:
            y = aug(y)
        # a resize (within 1 grey level) goes through normalization: 1/57 per level
        _close(y, want, 0.05)


def _batches(it, n_epochs):
    out = []
    for _ in range(n_epochs):
        out.append([(b.data[0].asnumpy(), b.label[0].asnumpy(), b.pad) for b in it])
        it.reset()
    return out


@pytest.mark.parametrize("name", ["imageiter_roll", "imageiter_pad"])
def test_imageiter_matches_mxnet(name):
    if name == "imageiter_roll":
        it = mx.image.ImageIter(4, (3, 6, 6), path_imgrec=str(FIX / "images.rec"),
                                path_imgidx=str(FIX / "images.idx"),
                                last_batch_handle="roll_over")
        n = 3
    else:
        it = mx.image.ImageIter(4, (3, 5, 5), path_imgrec=str(FIX / "images.rec"), resize=7,
                                last_batch_handle="pad")
        n = 2
    got = _batches(it, n)
    want = G[name]
    assert [len(e) for e in got] == [len(e) for e in want]
    for eg, ew in zip(got, want):
        for (d, lab, pad), bw in zip(eg, ew):
            assert pad == bw["pad"]
            _close(d, bw["data"][0], 1)
            _close(lab, bw["label"][0], 0)


def test_imdecode_png_exact_and_jpeg_bound():
    d = G["decode"]
    _close(mx.image.imdecode(R.png_bytes(IMGS[0])), d["png_rgb"], 0)
    _close(mx.image.imdecode(JPEG), d["jpeg_rgb"], JPEG_BOUND)
    _close(mx.image.imdecode(JPEG, to_rgb=False), d["jpeg_bgr"], JPEG_BOUND)
    _close(mx.image.imdecode(JPEG, flag=0), d["jpeg_gray"], JPEG_BOUND)
    # numpy and NDArray buffers
    buf = np.frombuffer(JPEG, np.uint8)
    _close(mx.image.imdecode(buf), d["jpeg_rgb"], JPEG_BOUND)
    _close(mx.image.imdecode(mx.nd.array(buf, dtype="uint8")), d["jpeg_rgb"], JPEG_BOUND)
    with pytest.raises(ValueError, match="buf must be of type bytes"):
        mx.image.imdecode("a string")
    with pytest.raises(MXNetError):
        mx.image.imdecode(b"garbage")


def test_imread(tmp_path):
    p = tmp_path / "a.png"
    p.write_bytes(R.png_bytes(IMGS[2]))
    np.testing.assert_array_equal(mx.image.imread(str(p)).asnumpy(), IMGS[2])
    np.testing.assert_array_equal(mx.img.imread(str(p), to_rgb=False).asnumpy(),
                                  IMGS[2][:, :, ::-1])
    assert mx.image.imread(str(p), flag=0).shape == IMGS[2].shape[:2] + (1,)
    with pytest.raises(MXNetError, match="blah.jpg"):
        mx.image.imread(str(tmp_path / "blah.jpg"))


def test_imageiter_from_list_and_broken_image(tmp_path):
    for i in range(3):
        (tmp_path / f"{i}.png").write_bytes(R.png_bytes(IMGS[i]))
    (tmp_path / "bad.png").write_bytes(b"broken")
    lst = tmp_path / "x.lst"
    lst.write_text("".join(f"{i}\t{i * 2}.0\t{i}.png\n" for i in range(3)))
    it = mx.image.ImageIter(3, (3, 5, 5), path_imglist=str(lst), path_root=str(tmp_path))
    b = it.next()
    assert b.data[0].shape == (3, 3, 5, 5) and b.label[0].asnumpy().tolist() == [0, 2, 4]
    it = mx.image.ImageIter(1, (3, 5, 5), imglist=[[1.0, "bad.png"]], path_root=str(tmp_path))
    with pytest.raises(RuntimeError, match="Broken image filename: bad.png"):
        it.next()


def test_detection_parts_say_they_are_missing():
    with pytest.raises(MXNetError, match="mx.image.detection"):
        _ = mx.image.ImageDetIter
    assert not hasattr(mx.image, "CreateDetAugmenter")
    with pytest.raises(MXNetError, match="ImageDetRecordIter"):
        mx.io.ImageDetRecordIter(path_imgrec="x.rec")
    assert mx.io.ImageRecordIter_v1 is mx.io.ImageRecordIter
