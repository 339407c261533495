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


def test_resize_unsupported_interp():
    with pytest.raises(MXNetError, match="not supported"):
        im.resize(mx.nd.ones((4, 4, 3)), size=(2, 2), interp=3)
    with pytest.raises(MXNetError):
        im.resize(mx.nd.ones((4, 4, 3), dtype="float16"), size=(2, 2))
