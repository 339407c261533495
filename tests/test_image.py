"""mx.nd.image: values recorded from MXNet 1.9.1 for the deterministic ops, properties for
the random ones."""
import numpy as np
import pytest

import mxcompat as mx
from mxcompat.base import MXNetError

im = mx.nd.image


def test_adjust_lighting_pca_and_casts():
    z = mx.nd.zeros((1, 1, 3))
    np.testing.assert_allclose(im.adjust_lighting(z, alpha=(1, 0, 0)).asnumpy().ravel(),
                               [-31.47355, -32.211166, -32.366455], rtol=1e-5)
    x = mx.nd.array([[[250, 5, 128], [100, 100, 100]]], dtype="uint8")
    # uint8 saturates
    assert im.adjust_lighting(x, alpha=(-1, 0, 0)).asnumpy().ravel().tolist() == [
        255, 37, 160, 131, 132, 132]
    assert im.adjust_lighting(x, alpha=(1, 0, 0)).asnumpy().ravel().tolist() == [
        218, 0, 95, 68, 67, 67]
    # int8 truncates and wraps
    assert im.adjust_lighting(x.astype("int8"), alpha=(1, 0, 0)).asnumpy().ravel().tolist() \
        == [-37, -27, 96, 68, 67, 67]


def test_normalize_defaults_fail_for_rgb():
    with pytest.raises(MXNetError, match="mean"):
        im.normalize(mx.nd.ones((3, 2, 2)))
    r = im.normalize(mx.nd.ones((1, 2, 2)) * 3, mean=1.0, std=2.0)
    assert r.asnumpy().ravel().tolist() == [1.0] * 4


def test_flip_layout_errors():
    with pytest.raises(MXNetError):
        im.flip_left_right(mx.nd.ones((2, 2, 2, 3)))
    x = mx.nd.array(np.arange(18).reshape(2, 3, 3))
    # MXNet 1.9.1 leaves the middle column uninitialized for odd widths; mxcompat copies it
    assert im.flip_left_right(x).asnumpy()[:, 1].tolist() == x.asnumpy()[:, 1].tolist()


def test_random_ops_properties():
    mx.random.seed(3)
    x = mx.nd.array(np.random.RandomState(0).randint(1, 256, (4, 4, 3)), dtype="float32")
    for _ in range(5):
        out = im.random_brightness(x, min_factor=0.5, max_factor=1.5).asnumpy()
        ratio = out / x.asnumpy()
        assert np.allclose(ratio, ratio.flat[0]) and 0.5 <= ratio.flat[0] <= 1.5
        f = im.random_flip_left_right(x).asnumpy()
        assert np.array_equal(f, x.asnumpy()) or np.array_equal(f, x.asnumpy()[:, ::-1])
        u = im.random_color_jitter(x.astype("uint8"), brightness=0.5, contrast=0.5,
                                   saturation=0.5, hue=0.2)
        assert u.dtype == np.uint8 and u.shape == (4, 4, 3)
        h = im.random_hue(x, min_factor=0.0, max_factor=0.5).asnumpy()
        # a hue rotation keeps each pixel's max + min (lightness)
        np.testing.assert_allclose(h.max(-1) + h.min(-1),
                                   x.asnumpy().max(-1) + x.asnumpy().min(-1), atol=1e-3)


def test_resize_bad_interp_and_dtype():
    # MXNet hands interp to cv::resize: 9 / 10 (mx.image's auto / random) are unknown there
    for interp in (9, 10, -1):
        with pytest.raises(MXNetError, match=r"image\.resize.*interp"):
            im.resize(mx.nd.ones((4, 4, 3)), size=(2, 2), interp=interp)
    with pytest.raises(MXNetError, match="fp16"):
        im.resize(mx.nd.ones((4, 4, 3), dtype="float16"), size=(2, 2))
    assert im.resize(mx.nd.ones((0, 4, 4, 3)), size=(5, 6)).shape == (0, 6, 5, 3)
    with pytest.raises(MXNetError, match=r"image\.resize.*empty"):
        im.resize(mx.nd.ones((4, 0, 3)), size=(2, 2))
    # every cv::resize method works (values: tests/test_mximage.py, recorded from MXNet)
    for interp in range(5):
        np.testing.assert_allclose(im.resize(mx.nd.ones((4, 4, 3)) * 7, size=(6, 3),
                                             interp=interp).asnumpy(),
                                   np.full((3, 6, 3), 7.0), rtol=1e-6)


# ---- mx.nd.imdecode ---------------------------------------------------------------------------
# tests/golden/imdecode.json comes from tools/oracle/record_imdecode.py: the pixels MXNet's
# OpenCV decodes from the same bytes, laid out as MXNet's C++ Imdecode does. (MXNet 1.9.1's own
# mx.nd.imdecode fails for every image under Python 3; see docs/ops-image.md.)
import base64  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

_IMD = json.loads((Path(__file__).parent / "golden" / "imdecode.json").read_text())
_IMGS = {k: base64.b64decode(v) for k, v in _IMD["images"].items()}


def _case_id(c):
    return f"{c['image']}-c{c['channels']}-{'x'.join(map(str, c['clip_rect']))}-" \
           f"{(c['mean'] or {}).get('dtype', 'nomean')}"


@pytest.mark.parametrize("case", _IMD["cases"], ids=_case_id)
def test_imdecode_matches_mxnet_opencv(case):
    pytest.importorskip("PIL")
    mean = None
    if case["mean"] is not None:
        m = case["mean"]
        mean = mx.nd.array(np.array(m["values"], dtype=m["dtype"]).reshape(case["shape"]),
                           dtype=m["dtype"])
    r = mx.nd.imdecode(_IMGS[case["image"]], clip_rect=tuple(case["clip_rect"]),
                       channels=case["channels"], mean=mean)
    want = np.array(case["values"], dtype=case["dtype"]).reshape(case["shape"])
    assert r.dtype == want.dtype and r.shape == want.shape
    if case["image"].startswith("jpeg"):
        # Pillow's libjpeg(-turbo) and MXNet's OpenCV libjpeg may round the IDCT / colour
        # conversion differently: within one unit
        np.testing.assert_allclose(r.asnumpy(), want, atol=1)
    else:
        np.testing.assert_array_equal(r.asnumpy(), want)


def _golden(image, channels, clip=(0, 0, 0, 0)):
    for c in _IMD["cases"]:
        if (c["image"], c["channels"], tuple(c["clip_rect"]), c["mean"]) == \
                (image, channels, tuple(clip), None):
            return np.array(c["values"], dtype=c["dtype"]).reshape(c["shape"])
    raise KeyError(image)


def test_imdecode_out_buffers_and_str():
    pytest.importorskip("PIL")
    b = _IMGS["png_rgb"]
    want = _golden("png_rgb", 3)
    o3 = mx.nd.ones((3, 5, 7))
    assert mx.nd.imdecode(b, out=o3) is o3
    np.testing.assert_array_equal(o3.asnumpy(), want)
    o4 = mx.nd.ones((2, 3, 5, 7), dtype="float64")
    assert mx.nd.imdecode(b, out=o4, index=1) is o4
    np.testing.assert_array_equal(o4.asnumpy()[1], want)
    assert (o4.asnumpy()[0] == 1).all()  # the other slice is left alone
    # a Python 2 style byte string (str of code points < 256) decodes as the bytes
    np.testing.assert_array_equal(mx.nd.imdecode(b.decode("latin-1")).asnumpy(), want)
    # RGBA keeps its alpha plane with channels=4 (IMREAD_UNCHANGED: B, G, R, A)
    r4 = mx.nd.imdecode(_IMGS["png_rgba"], channels=4)
    assert r4.shape == (4, 4, 5)
    np.testing.assert_array_equal(r4.asnumpy()[:3], _golden("png_rgba", 3))


def test_imdecode_errors():
    pytest.importorskip("PIL")
    b = _IMGS["png_rgb"]
    with pytest.raises(MXNetError, match="channels"):
        mx.nd.imdecode(_IMGS["png_gray"])  # a grey PNG has 1 channel, channels=3 asked
    with pytest.raises(MXNetError, match="channels"):
        mx.nd.imdecode(b, channels=4)
    with pytest.raises(MXNetError, match="clip_rect"):
        mx.nd.imdecode(b, clip_rect=(0, 0, 8, 5))
    with pytest.raises(MXNetError, match="mean"):
        mx.nd.imdecode(b, mean=mx.nd.zeros((3, 5, 6)))
    with pytest.raises(MXNetError, match="mean"):
        mx.nd.imdecode(b, mean=mx.nd.zeros((3, 5, 7)), out=mx.nd.zeros((3, 5, 7), dtype="float64"))
    with pytest.raises(MXNetError, match="out"):
        mx.nd.imdecode(b, out=mx.nd.zeros((3, 4, 7)))
    with pytest.raises(MXNetError, match="index"):
        mx.nd.imdecode(b, out=mx.nd.zeros((2, 3, 5, 7)), index=2)
    with pytest.raises(MXNetError, match="decode"):
        mx.nd.imdecode(b"not an image")
    with pytest.raises(MXNetError, match="str_img"):
        mx.nd.imdecode(np.frombuffer(b, np.uint8))


def test_imdecode_without_pillow_names_the_dependency(monkeypatch):
    monkeypatch.setitem(sys.modules, "PIL", None)  # makes `from PIL import Image` fail
    with pytest.raises(MXNetError, match="pip install pillow"):
        mx.nd.imdecode(_IMGS["png_rgb"])


def test_resize_backward_is_an_error_as_in_mxnet():
    # MXNet 1.9.1's backward of image.resize fails its own shape check (MXNetError); mxcompat
    # raises too instead of inventing a gradient
    x = mx.nd.ones((4, 4, 3))
    x.attach_grad()
    with mx.autograd.record():
        y = mx.nd.image.resize(x, (8, 8))
    with pytest.raises(MXNetError, match=r"image\.resize: backward"):
        y.backward()
