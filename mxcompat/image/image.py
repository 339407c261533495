"""mx.image: image decoding, resizing, cropping, augmenters and ImageIter (MXNet 1.9.1's
``mxnet.image``), on NDArrays in (height, width, channels) layout.

Decoding uses Pillow (see docs/io.md for why, and the measured pixel bounds against
MXNet's OpenCV build); resizing reimplements cv::resize (mxcompat.image._cv). Random
choices use Python's ``random`` and NumPy's global generator exactly where MXNet's Python
code does, so seeding them reproduces MXNet's random crops, flips and jitters.
"""
from __future__ import annotations

import json
import logging
import os
import random
import warnings
from numbers import Number
from typing import Any

import numpy as np

from .. import io
from .. import ndarray as nd
from .. import recordio
from ..base import MXNetError, MXNetValueError
from . import _cv

numeric_types = (float, int, np.generic)

__all__ = ["imread", "imdecode", "imresize", "scale_down", "copyMakeBorder", "resize_short",
           "fixed_crop", "random_crop", "center_crop", "color_normalize", "random_size_crop",
           "imrotate", "random_rotate", "Augmenter", "SequentialAug", "ResizeAug",
           "ForceResizeAug", "RandomCropAug", "RandomSizedCropAug", "CenterCropAug",
           "RandomOrderAug", "BrightnessJitterAug", "ContrastJitterAug",
           "SaturationJitterAug", "HueJitterAug", "ColorJitterAug", "LightingAug",
           "ColorNormalizeAug", "RandomGrayAug", "HorizontalFlipAug", "CastAug",
           "CreateAugmenter", "ImageIter"]


def _out(arr: np.ndarray, out: Any, ctx: Any = None) -> Any:
    res = nd.array(arr, ctx=ctx, dtype=arr.dtype)
    if out is None:
        return res
    if tuple(out.shape) != tuple(arr.shape):
        raise MXNetValueError(f"the out= array has shape {out.shape}, the result {arr.shape}")
    out[:] = res.astype(out.dtype)
    return out


def _np(src: Any, op: str) -> np.ndarray:
    if isinstance(src, nd.NDArray):
        return src.asnumpy()
    if isinstance(src, np.ndarray):
        return src
    raise MXNetValueError(f"{op}: src must be an NDArray, got {type(src).__name__}")


def imread(filename: str, flag: int = 1, to_rgb: bool = True, out: Any = None) -> Any:
    """Reads an image file into an (H, W, C) uint8 NDArray (C = 3, or 1 with ``flag=0``);
    RGB order unless ``to_rgb=False`` (OpenCV's BGR)."""
    try:
        with open(filename, "rb") as f:
            buf = f.read()
    except OSError as e:
        raise MXNetError(f"imread: cannot read image file {filename!r}: "
                         f"{e.strerror or e}") from None
    try:
        px = _cv.decode(buf, int(flag), bool(to_rgb))
    except MXNetError as e:
        raise MXNetError(f"imread: cannot decode image file {filename!r}: {e}") from None
    return _out(px, out)


def imresize(src: Any, w: int, h: int, interp: int = 1, out: Any = None) -> Any:
    """Resizes an (H, W, C) image to width ``w`` and height ``h`` (cv::resize; ``interp`` 0
    nearest, 1 bilinear, 2 bicubic, 3 area, 4 Lanczos)."""
    a = _np(src, "imresize")
    if a.ndim not in (2, 3):
        raise MXNetValueError(f"imresize: src must be (H, W, C), got shape {a.shape}")
    res = _cv.resize(a, w, h, int(interp))
    ctx = src.context if isinstance(src, nd.NDArray) else None
    return _out(res, out, ctx)


def imdecode(buf: Any, flag: int = 1, to_rgb: bool = True, out: Any = None) -> Any:
    """Decodes image bytes (bytes, bytearray, a uint8 NumPy array or NDArray) into an
    (H, W, C) uint8 NDArray, RGB unless ``to_rgb=False``; ``flag=0`` decodes to grey."""
    if isinstance(buf, nd.NDArray):
        raw = buf.asnumpy().astype(np.uint8).tobytes()
    elif isinstance(buf, (bytes, bytearray)):
        raw = bytes(buf)
    elif isinstance(buf, np.ndarray):
        raw = np.ascontiguousarray(buf).view(np.uint8).tobytes()
    else:
        raise ValueError("buf must be of type bytes, bytearray or numpy.ndarray,"
                         "if you would like to input type str, please convert to bytes")
    return _out(_cv.decode(raw, int(flag), bool(to_rgb)), out)


def scale_down(src_size: tuple, size: tuple) -> tuple:
    """Shrinks ``size`` (w, h), keeping its aspect ratio, until it fits ``src_size``."""
    w, h = size
    sw, sh = src_size
    if sh < h:
        w, h = float(w * sh) / h, sh
    if sw < w:
        w, h = sw, float(h * sw) / w
    return int(w), int(h)


def copyMakeBorder(src: Any, top: int, bot: int, left: int, right: int, type: int = 0,
                   value: float = 0.0, values: Any = None, out: Any = None) -> Any:
    """Pads an image (cv::copyMakeBorder): ``type`` 0 constant ``value`` (or per-channel
    ``values``), 1 replicate, 2 reflect, 3 wrap, 4 reflect-101."""
    a = _np(src, "copyMakeBorder")
    if type == 0 and values is not None:
        vals = list(values)
        planes = [_cv.copy_make_border(a[..., c], top, bot, left, right, 0,
                                       vals[c] if c < len(vals) else 0)
                  for c in range(a.shape[2])]
        res = np.stack(planes, axis=2)
    else:
        res = _cv.copy_make_border(a, top, bot, left, right, type, value)
    return _out(res.astype(a.dtype), out)


def _get_interp_method(interp: int, sizes: tuple = ()) -> int:
    """Resolves 9 (auto: cubic to enlarge, area to shrink, bilinear otherwise) and 10
    (random) to a cv::resize method."""
    if interp == 9:
        if sizes:
            assert len(sizes) == 4
            oh, ow, nh, nw = sizes
            if nh > oh and nw > ow:
                return 2
            if nh < oh and nw < ow:
                return 3
            return 1
        return 2
    if interp == 10:
        return random.randint(0, 4)
    if interp not in (0, 1, 2, 3, 4):
        raise ValueError("Unknown interp method %d" % interp)
    return interp


def resize_short(src: Any, size: int, interp: int = 2) -> Any:
    """Resizes so that the shorter edge is ``size`` (the longer scaled, rounded down)."""
    h, w, _ = src.shape
    if h > w:
        new_h, new_w = size * h // w, size
    else:
        new_h, new_w = size, size * w // h
    return imresize(src, new_w, new_h, interp=_get_interp_method(interp, (h, w, new_h, new_w)))


def fixed_crop(src: Any, x0: int, y0: int, w: int, h: int, size: Any = None,
               interp: int = 2) -> Any:
    """Crops the (x0, y0, w, h) box, then resizes it to ``size`` (w, h) if given."""
    out = src[y0:y0 + h, x0:x0 + w]
    if size is not None and (w, h) != size:
        sizes = (h, w, size[1], size[0])
        out = imresize(out, *size, interp=_get_interp_method(interp, sizes))
    return out


def random_crop(src: Any, size: tuple, interp: int = 2) -> tuple:
    """A random crop of ``size`` (w, h) (scaled down to fit); returns (image, (x0, y0, w, h))."""
    h, w, _ = src.shape
    new_w, new_h = scale_down((w, h), size)
    x0 = random.randint(0, w - new_w)
    y0 = random.randint(0, h - new_h)
    out = fixed_crop(src, x0, y0, new_w, new_h, size, interp)
    return out, (x0, y0, new_w, new_h)


def center_crop(src: Any, size: tuple, interp: int = 2) -> tuple:
    """The central crop of ``size`` (w, h) (scaled down to fit, then resized back);
    returns (image, (x0, y0, w, h))."""
    h, w, _ = src.shape
    new_w, new_h = scale_down((w, h), size)
    x0 = int((w - new_w) / 2)
    y0 = int((h - new_h) / 2)
    out = fixed_crop(src, x0, y0, new_w, new_h, size, interp)
    return out, (x0, y0, new_w, new_h)


def color_normalize(src: Any, mean: Any, std: Any = None) -> Any:
    """``(src - mean) / std``, in place on ``src`` (as MXNet)."""
    if mean is not None:
        src -= mean
    if std is not None:
        src /= std
    return src


def random_size_crop(src: Any, size: tuple, area: Any, ratio: tuple, interp: int = 2,
                     **kwargs: Any) -> tuple:
    """A crop of random area (fraction of the image in ``area``) and aspect ratio (in
    ``ratio``, sampled log-uniformly), resized to ``size``; ten tries, then a center crop."""
    h, w, _ = src.shape
    src_area = h * w
    if "min_area" in kwargs:
        warnings.warn("`min_area` is deprecated. Please use `area` instead.",
                      DeprecationWarning, stacklevel=2)
        area = kwargs.pop("min_area")
    assert not kwargs, "unexpected keyword arguments for `random_size_crop`."
    if isinstance(area, numeric_types):
        area = (area, 1.0)
    for _ in range(10):
        target_area = random.uniform(area[0], area[1]) * src_area
        log_ratio = (np.log(ratio[0]), np.log(ratio[1]))
        new_ratio = np.exp(random.uniform(*log_ratio))
        new_w = int(round(np.sqrt(target_area * new_ratio)))
        new_h = int(round(np.sqrt(target_area / new_ratio)))
        if new_w <= w and new_h <= h:
            x0 = random.randint(0, w - new_w)
            y0 = random.randint(0, h - new_h)
            out = fixed_crop(src, x0, y0, new_w, new_h, size, interp)
            return out, (x0, y0, new_w, new_h)
    return center_crop(src, size, interp)


def imrotate(src: Any, rotation_degrees: Any, zoom_in: bool = False,
             zoom_out: bool = False) -> Any:
    """Rotates float32 (C, H, W) images (or an (N, C, H, W) batch) by the given degrees
    about their centres (bilinear sampling; zoom_in / zoom_out rescale to hide or keep the
    corners)."""
    if zoom_in and zoom_out:
        raise ValueError("`zoom_in` and `zoom_out` cannot be both True")
    if src.dtype is not np.float32:
        raise TypeError("Only `float32` images are supported by this function")
    expanded = False
    if src.ndim == 3:
        expanded = True
        src = src.expand_dims(axis=0)
        if not isinstance(rotation_degrees, Number):
            raise TypeError("When a single image is passed the rotation angle is "
                            "required to be a scalar.")
    elif src.ndim != 4:
        raise ValueError("Only 3D and 4D are supported by this function")
    if isinstance(rotation_degrees, Number):
        rotation_degrees = nd.array([rotation_degrees] * len(src), ctx=src.context)
    if len(src) != len(rotation_degrees):
        raise ValueError("The number of images must be equal to the number of rotation angles")
    rotation_degrees = rotation_degrees.as_in_context(src.context)
    rad = (np.pi * rotation_degrees / 180).expand_dims(axis=1).expand_dims(axis=2)
    _, _, h, w = src.shape
    hscale, wscale = float(h - 1) / 2, float(w - 1) / 2
    hm = (nd.repeat(nd.arange(h, ctx=src.context).astype("float32").reshape(h, 1), w, axis=1)
          - hscale).expand_dims(axis=0)
    wm = (nd.repeat(nd.arange(w, ctx=src.context).astype("float32").reshape(1, w), h, axis=0)
          - wscale).expand_dims(axis=0)
    ca, sa = nd.cos(rad), nd.sin(rad)
    wr = (wm * ca - hm * sa) / wscale
    hr = (wm * sa + hm * ca) / hscale
    hh, ww = nd.array([h], ctx=src.context), nd.array([w], ctx=src.context)
    if zoom_in or zoom_out:
        rho = nd.sqrt(hh * hh + ww * ww)
        ang = nd.arctan(hh / ww)
        c1x = nd.abs(rho * nd.cos(ang + nd.abs(rad)))
        c1y = nd.abs(rho * nd.sin(ang + nd.abs(rad)))
        c2x = nd.abs(rho * nd.cos(ang - nd.abs(rad)))
        c2y = nd.abs(rho * nd.sin(ang - nd.abs(rad)))
        max_x, max_y = nd.maximum(c1x, c2x), nd.maximum(c1y, c2y)
        if zoom_out:
            scale = nd.maximum(max_x / ww, max_y / hh)
        else:
            scale = nd.minimum(ww / max_x, hh / max_y)
        scale = scale.expand_dims(axis=3)
    else:
        scale = 1
    grid = nd.concat(wr.expand_dims(axis=1), hr.expand_dims(axis=1), dim=1) * scale
    rot = nd.BilinearSampler(src, grid)
    return rot[0] if expanded else rot


def random_rotate(src: Any, angle_limits: tuple, zoom_in: bool = False,
                  zoom_out: bool = False) -> Any:
    """Rotates by a random angle drawn uniformly from ``angle_limits`` (NumPy's generator)."""
    if src.ndim == 3:
        deg = np.random.uniform(*angle_limits)
    else:
        deg = nd.array(np.random.uniform(*angle_limits, size=src.shape[0]))
    return imrotate(src, deg, zoom_in=zoom_in, zoom_out=zoom_out)


# ---- augmenters ------------------------------------------------------------------------------
class Augmenter:
    """Base of the image augmenters: callable on an (H, W, C) NDArray; ``dumps()`` gives
    its name and arguments as JSON."""

    def __init__(self, **kwargs: Any):
        self._kwargs = kwargs
        for k, v in self._kwargs.items():
            if isinstance(v, nd.NDArray):
                v = v.asnumpy()
            if isinstance(v, np.ndarray):
                self._kwargs[k] = v.tolist()

    def dumps(self) -> Any:
        """``[class name in lower case, kwargs]`` as a JSON string."""
        return json.dumps([self.__class__.__name__.lower(), self._kwargs])

    def __call__(self, src: Any) -> Any:
        raise NotImplementedError("Must override implementation.")


class SequentialAug(Augmenter):
    """Applies the augmenters ``ts`` in order."""

    def __init__(self, ts: list):
        super().__init__()
        self.ts = ts

    def dumps(self) -> Any:
        return [self.__class__.__name__.lower(), [x.dumps() for x in self.ts]]

    def __call__(self, src: Any) -> Any:
        for aug in self.ts:
            src = aug(src)
        return src


class ResizeAug(Augmenter):
    """Resizes the shorter edge to ``size``."""

    def __init__(self, size: int, interp: int = 2):
        super().__init__(size=size, interp=interp)
        self.size = size
        self.interp = interp

    def __call__(self, src: Any) -> Any:
        return resize_short(src, self.size, self.interp)


class ForceResizeAug(Augmenter):
    """Resizes to ``size`` (w, h), ignoring the aspect ratio."""

    def __init__(self, size: tuple, interp: int = 2):
        super().__init__(size=size, interp=interp)
        self.size = size
        self.interp = interp

    def __call__(self, src: Any) -> Any:
        sizes = (src.shape[0], src.shape[1], self.size[1], self.size[0])
        return imresize(src, *self.size, interp=_get_interp_method(self.interp, sizes))


class RandomCropAug(Augmenter):
    """A random crop of ``size`` (w, h)."""

    def __init__(self, size: tuple, interp: int = 2):
        super().__init__(size=size, interp=interp)
        self.size = size
        self.interp = interp

    def __call__(self, src: Any) -> Any:
        return random_crop(src, self.size, self.interp)[0]


class RandomSizedCropAug(Augmenter):
    """A random-area, random-aspect crop resized to ``size`` (see random_size_crop)."""

    def __init__(self, size: tuple, area: Any, ratio: tuple, interp: int = 2, **kwargs: Any):
        super().__init__(size=size, area=area, ratio=ratio, interp=interp)
        self.size = size
        if "min_area" in kwargs:
            warnings.warn("`min_area` is deprecated. Please use `area` instead.",
                          DeprecationWarning, stacklevel=2)
            self.area = kwargs.pop("min_area")
        else:
            self.area = area
        self.ratio = ratio
        self.interp = interp
        assert not kwargs, "unexpected keyword arguments for `RandomSizedCropAug`."

    def __call__(self, src: Any) -> Any:
        return random_size_crop(src, self.size, self.area, self.ratio, self.interp)[0]


class CenterCropAug(Augmenter):
    """The central crop of ``size`` (w, h)."""

    def __init__(self, size: tuple, interp: int = 2):
        super().__init__(size=size, interp=interp)
        self.size = size
        self.interp = interp

    def __call__(self, src: Any) -> Any:
        return center_crop(src, self.size, self.interp)[0]


class RandomOrderAug(Augmenter):
    """Applies the augmenters ``ts`` in a random order (shuffling ``ts`` in place)."""

    def __init__(self, ts: list):
        super().__init__()
        self.ts = ts

    def dumps(self) -> Any:
        return [self.__class__.__name__.lower(), [x.dumps() for x in self.ts]]

    def __call__(self, src: Any) -> Any:
        random.shuffle(self.ts)
        for t in self.ts:
            src = t(src)
        return src


class BrightnessJitterAug(Augmenter):
    """Multiplies by ``1 + uniform(-brightness, brightness)`` (in place)."""

    def __init__(self, brightness: float):
        super().__init__(brightness=brightness)
        self.brightness = brightness

    def __call__(self, src: Any) -> Any:
        alpha = 1.0 + random.uniform(-self.brightness, self.brightness)
        src *= alpha
        return src


_GRAY_COEF = [[[0.299, 0.587, 0.114]]]


class ContrastJitterAug(Augmenter):
    """Blends with the mean grey level by a random factor (in place)."""

    def __init__(self, contrast: float):
        super().__init__(contrast=contrast)
        self.contrast = contrast
        self.coef = nd.array(_GRAY_COEF)

    def __call__(self, src: Any) -> Any:
        alpha = 1.0 + random.uniform(-self.contrast, self.contrast)
        gray = src * self.coef
        gray = 3.0 * (1.0 - alpha) / gray.size * nd.sum(gray)
        src *= alpha
        src += gray
        return src


class SaturationJitterAug(Augmenter):
    """Blends each pixel with its grey level by a random factor (in place)."""

    def __init__(self, saturation: float):
        super().__init__(saturation=saturation)
        self.saturation = saturation
        self.coef = nd.array(_GRAY_COEF)

    def __call__(self, src: Any) -> Any:
        alpha = 1.0 + random.uniform(-self.saturation, self.saturation)
        gray = src * self.coef
        gray = nd.sum(gray, axis=2, keepdims=True)
        gray *= (1.0 - alpha)
        src *= alpha
        src += gray
        return src


class HueJitterAug(Augmenter):
    """Rotates the hue by a random angle (in YIQ space)."""

    def __init__(self, hue: float):
        super().__init__(hue=hue)
        self.hue = hue
        self.tyiq = np.array([[0.299, 0.587, 0.114],
                              [0.596, -0.274, -0.321],
                              [0.211, -0.523, 0.311]])
        self.ityiq = np.array([[1.0, 0.956, 0.621],
                               [1.0, -0.272, -0.647],
                               [1.0, -1.107, 1.705]])

    def __call__(self, src: Any) -> Any:
        alpha = random.uniform(-self.hue, self.hue)
        u = np.cos(alpha * np.pi)
        w = np.sin(alpha * np.pi)
        bt = np.array([[1.0, 0.0, 0.0], [0.0, u, -w], [0.0, w, u]])
        t = np.dot(np.dot(self.ityiq, bt), self.tyiq).T
        return nd.dot(src, nd.array(t))


class ColorJitterAug(RandomOrderAug):
    """Brightness, contrast and saturation jitter, in a random order."""

    def __init__(self, brightness: float, contrast: float, saturation: float):
        ts: list = []
        if brightness > 0:
            ts.append(BrightnessJitterAug(brightness))
        if contrast > 0:
            ts.append(ContrastJitterAug(contrast))
        if saturation > 0:
            ts.append(SaturationJitterAug(saturation))
        super().__init__(ts)


class LightingAug(Augmenter):
    """AlexNet-style PCA lighting noise (NumPy's generator)."""

    def __init__(self, alphastd: float, eigval: Any, eigvec: Any):
        super().__init__(alphastd=alphastd, eigval=eigval, eigvec=eigvec)
        self.alphastd = alphastd
        self.eigval = eigval
        self.eigvec = eigvec

    def __call__(self, src: Any) -> Any:
        alpha = np.random.normal(0, self.alphastd, size=(3,))
        rgb = np.dot(self.eigvec * alpha, self.eigval)
        src += nd.array(rgb)
        return src


class ColorNormalizeAug(Augmenter):
    """``(src - mean) / std``."""

    def __init__(self, mean: Any, std: Any):
        super().__init__(mean=mean, std=std)
        self.mean = mean if mean is None or isinstance(mean, nd.NDArray) else nd.array(mean)
        self.std = std if std is None or isinstance(std, nd.NDArray) else nd.array(std)

    def __call__(self, src: Any) -> Any:
        return color_normalize(src, self.mean, self.std)


class RandomGrayAug(Augmenter):
    """With probability ``p``, converts to grey (kept as 3 channels)."""

    def __init__(self, p: float):
        super().__init__(p=p)
        self.p = p
        self.mat = nd.array([[0.21, 0.21, 0.21], [0.72, 0.72, 0.72], [0.07, 0.07, 0.07]])

    def __call__(self, src: Any) -> Any:
        if random.random() < self.p:
            src = nd.dot(src, self.mat)
        return src


class HorizontalFlipAug(Augmenter):
    """With probability ``p``, flips left-right."""

    def __init__(self, p: float):
        super().__init__(p=p)
        self.p = p

    def __call__(self, src: Any) -> Any:
        if random.random() < self.p:
            src = nd.flip(src, axis=1)
        return src


class CastAug(Augmenter):
    """Casts to ``typ`` (float32 by default)."""

    def __init__(self, typ: str = "float32"):
        super().__init__(type=typ)
        self.typ = typ

    def __call__(self, src: Any) -> Any:
        return src.astype(self.typ)


_PCA_EIGVAL = np.array([55.46, 4.794, 1.148])
_PCA_EIGVEC = np.array([[-0.5675, 0.7192, 0.4009],
                        [-0.5808, -0.0045, -0.8140],
                        [-0.5836, -0.6948, 0.4203]])


def CreateAugmenter(data_shape: tuple, resize: int = 0, rand_crop: bool = False,
                    rand_resize: bool = False, rand_mirror: bool = False, mean: Any = None,
                    std: Any = None, brightness: float = 0, contrast: float = 0,
                    saturation: float = 0, hue: float = 0, pca_noise: float = 0,
                    rand_gray: float = 0, inter_method: int = 2) -> list:
    """The standard augmenter list for ``data_shape`` (C, H, W): optional shorter-edge resize,
    a random / random-sized / center crop, optional flip, cast to float32, color jitter,
    hue, PCA noise, random grey, and normalization (``mean=True`` / ``std=True`` use
    ImageNet's values)."""
    auglist: list = []
    if resize > 0:
        auglist.append(ResizeAug(resize, inter_method))
    crop_size = (data_shape[2], data_shape[1])
    if rand_resize:
        assert rand_crop
        auglist.append(RandomSizedCropAug(crop_size, 0.08, (3.0 / 4.0, 4.0 / 3.0), inter_method))
    elif rand_crop:
        auglist.append(RandomCropAug(crop_size, inter_method))
    else:
        auglist.append(CenterCropAug(crop_size, inter_method))
    if rand_mirror:
        auglist.append(HorizontalFlipAug(0.5))
    auglist.append(CastAug())
    if brightness or contrast or saturation:
        auglist.append(ColorJitterAug(brightness, contrast, saturation))
    if hue:
        auglist.append(HueJitterAug(hue))
    if pca_noise > 0:
        auglist.append(LightingAug(pca_noise, _PCA_EIGVAL, _PCA_EIGVEC))
    if rand_gray > 0:
        auglist.append(RandomGrayAug(rand_gray))
    if mean is True:
        mean = nd.array([123.68, 116.28, 103.53])
    elif mean is not None:
        assert isinstance(mean, (np.ndarray, nd.NDArray)) and mean.shape[0] in [1, 3]
    if std is True:
        std = nd.array([58.395, 57.12, 57.375])
    elif std is not None:
        assert isinstance(std, (np.ndarray, nd.NDArray)) and std.shape[0] in [1, 3]
    if mean is not None or std is not None:
        auglist.append(ColorNormalizeAug(mean, std))
    return auglist


class ImageIter(io.DataIter):
    """Iterates over images from a ``.rec`` (``path_imgrec``, optional ``path_imgidx``), or
    a ``.lst`` (``path_imglist``) / list (``imglist``) of files under ``path_root``, through
    ``aug_list`` (default: CreateAugmenter(data_shape, **kwargs)), in (N, C, H, W) float32
    batches. ``last_batch_handle``: 'pad', 'discard' or 'roll_over'."""

    def __init__(self, batch_size: int, data_shape: tuple, label_width: int = 1,
                 path_imgrec: Any = None, path_imglist: Any = None, path_root: Any = None,
                 path_imgidx: Any = None, shuffle: bool = False, part_index: int = 0,
                 num_parts: int = 1, aug_list: Any = None, imglist: Any = None,
                 data_name: str = "data", label_name: str = "softmax_label",
                 dtype: str = "float32", last_batch_handle: str = "pad", **kwargs: Any):
        super().__init__()
        assert path_imgrec or path_imglist or isinstance(imglist, list)
        assert dtype in ["int32", "float32", "int64", "float64"], dtype + " label not supported"
        num_threads = os.environ.get("MXNET_CPU_WORKER_NTHREADS", 1)
        logging.info("Using %s threads for decoding...", str(num_threads))
        logging.info("Set enviroment variable MXNET_CPU_WORKER_NTHREADS to a larger number "
                     "to use more threads.")
        class_name = self.__class__.__name__
        if path_imgrec:
            logging.info("%s: loading recordio %s...", class_name, path_imgrec)
            if path_imgidx:
                self.imgrec: Any = recordio.MXIndexedRecordIO(path_imgidx, path_imgrec, "r")
                self.imgidx: Any = list(self.imgrec.keys)
            else:
                self.imgrec = recordio.MXRecordIO(path_imgrec, "r")
                self.imgidx = None
        else:
            self.imgrec = None
        imgkeys: list = []
        if path_imglist:
            logging.info("%s: loading image list %s...", class_name, path_imglist)
            table: dict = {}
            with open(path_imglist) as fin:
                for n, line in enumerate(iter(fin.readline, "")):
                    fields = line.strip().split("\t")
                    try:
                        label = nd.array(fields[1:-1], dtype=dtype)
                        key = int(fields[0])
                    except (ValueError, IndexError, MXNetError):
                        raise MXNetValueError(
                            f"{class_name}: invalid line {n + 1} in image list "
                            f"{path_imglist!r}: {line.strip()!r} (expected "
                            "'index<TAB>label(s)<TAB>path')") from None
                    table[key] = (label, fields[-1])
                    imgkeys.append(key)
            self.imglist: Any = table
        elif isinstance(imglist, list):
            logging.info("%s: loading image list...", class_name)
            table = {}
            for index, img in enumerate(imglist, 1):
                key = str(index)
                if len(img) > 2:
                    label = nd.array(img[:-1], dtype=dtype)
                elif isinstance(img[0], numeric_types):
                    label = nd.array([img[0]], dtype=dtype)
                else:
                    label = nd.array(img[0], dtype=dtype)
                table[key] = (label, img[-1])
                imgkeys.append(key)
            self.imglist = table
        else:
            self.imglist = None
        self.path_root = path_root
        self.check_data_shape(data_shape)
        self.provide_data = [(data_name, (batch_size,) + data_shape)]
        if label_width > 1:
            self.provide_label = [(label_name, (batch_size, label_width))]
        else:
            self.provide_label = [(label_name, (batch_size,))]
        self.batch_size = batch_size
        self.data_shape = data_shape
        self.label_width = label_width
        self.shuffle = shuffle
        if self.imgrec is None:
            self.seq: Any = imgkeys
        elif shuffle or num_parts > 1 or path_imgidx:
            assert self.imgidx is not None
            self.seq = self.imgidx
        else:
            self.seq = None
        if num_parts > 1:
            assert part_index < num_parts
            n = len(self.seq)
            c = n // num_parts
            self.seq = self.seq[part_index * c:(part_index + 1) * c]
        self.auglist = CreateAugmenter(data_shape, **kwargs) if aug_list is None else aug_list
        self.cur = 0
        self._allow_read = True
        self.last_batch_handle = last_batch_handle
        self.num_image = len(self.seq) if self.seq is not None else None
        self._cache_data: Any = None
        self._cache_label: Any = None
        self._cache_idx: Any = None
        self.reset()

    def reset(self) -> None:
        """Starts the next epoch (reshuffling; roll_over keeps its carried examples)."""
        if self.seq is not None and self.shuffle:
            random.shuffle(self.seq)
        if self.last_batch_handle != "roll_over" or self._cache_data is None:
            if self.imgrec is not None:
                self.imgrec.reset()
            self.cur = 0
            if self._allow_read is False:
                self._allow_read = True

    def hard_reset(self) -> None:
        """Resets, dropping any roll-over data."""
        if self.seq is not None and self.shuffle:
            random.shuffle(self.seq)
        if self.imgrec is not None:
            self.imgrec.reset()
        self.cur = 0
        self._allow_read = True
        self._cache_data = None
        self._cache_label = None
        self._cache_idx = None

    def next_sample(self) -> tuple:
        """(label, image bytes) of the next example."""
        if self._allow_read is False:
            raise StopIteration
        if self.seq is not None:
            if self.cur < self.num_image:
                idx = self.seq[self.cur]
            else:
                if self.last_batch_handle != "discard":
                    self.cur = 0
                raise StopIteration
            self.cur += 1
            if self.imgrec is not None:
                s = self.imgrec.read_idx(idx)
                header, img = recordio.unpack(s)
                if self.imglist is None:
                    return header.label, img
                return self.imglist[idx][0], img
            label, fname = self.imglist[idx]
            return label, self.read_image(fname)
        s = self.imgrec.read()
        if s is None:
            if self.last_batch_handle != "discard":
                self.imgrec.reset()
            raise StopIteration
        header, img = recordio.unpack(s)
        return header.label, img

    def _batchify(self, batch_data: Any, batch_label: Any, start: int = 0) -> int:
        i = start
        batch_size = self.batch_size
        try:
            while i < batch_size:
                label, s = self.next_sample()
                data = self.imdecode(s)
                try:
                    self.check_valid_image(data)
                except RuntimeError as e:
                    logging.debug("Invalid image, skipping:  %s", str(e))
                    continue
                data = self.augmentation_transform(data)
                assert i < batch_size, "Batch size must be multiples of augmenter output length"
                batch_data[i] = self.postprocess_data(data)
                batch_label[i] = label
                i += 1
        except StopIteration:
            if not i:
                raise StopIteration from None
        return i

    def next(self) -> Any:
        batch_size = self.batch_size
        c, h, w = self.data_shape
        if self._cache_data is not None:
            assert self._cache_label is not None, "_cache_label didn't have values"
            assert self._cache_idx is not None, "_cache_idx didn't have values"
            batch_data = self._cache_data
            batch_label = self._cache_label
            i = self._cache_idx
        else:
            batch_data = nd.zeros((batch_size, c, h, w))
            batch_label = nd.empty(self.provide_label[0][1])
            i = self._batchify(batch_data, batch_label)
        pad = batch_size - i
        if pad != 0:
            if self.last_batch_handle == "discard":
                raise StopIteration
            if self.last_batch_handle == "roll_over" and self._cache_data is None:
                self._cache_data = batch_data
                self._cache_label = batch_label
                self._cache_idx = i
                raise StopIteration
            self._batchify(batch_data, batch_label, i)
            if self.last_batch_handle == "pad":
                self._allow_read = False
            else:
                self._cache_data = None
                self._cache_label = None
                self._cache_idx = None
        return io.DataBatch([batch_data], [batch_label], pad=pad)

    def check_data_shape(self, data_shape: tuple) -> None:
        """Checks that ``data_shape`` is (3, H, W)."""
        if not len(data_shape) == 3:
            raise ValueError("data_shape should have length 3, with dimensions CxHxW")
        if not data_shape[0] == 3:
            raise ValueError("This iterator expects inputs to have 3 channels.")

    def check_valid_image(self, data: Any) -> None:
        """Raises RuntimeError for an empty image (skipped by the iterator)."""
        if len(data[0].shape) == 0:
            raise RuntimeError("Data shape is wrong")

    def imdecode(self, s: bytes) -> Any:
        """Decodes ``s``; a broken image raises RuntimeError naming its file or index."""
        def locate() -> str:
            if self.seq is not None:
                idx = self.seq[self.cur % self.num_image - 1]
            else:
                idx = self.cur % self.num_image - 1 if self.num_image else "?"
            if self.imglist is not None:
                _, fname = self.imglist[idx]
                msg = "filename: {}".format(fname)
            else:
                msg = "index: {}".format(idx)
            return "Broken image " + msg
        try:
            img = imdecode(s)
        except Exception as e:  # noqa: BLE001 - MXNet wraps every decoder failure
            raise RuntimeError("{}, {}".format(locate(), e)) from None
        return img

    def read_image(self, fname: str) -> bytes:
        """The bytes of ``fname`` under ``path_root``."""
        path = os.path.join(self.path_root, fname) if self.path_root else fname
        try:
            with open(path, "rb") as fin:
                return fin.read()
        except OSError as e:
            raise MXNetError(f"{self.__class__.__name__}: cannot read image {path!r}: "
                             f"{e.strerror or e}") from None

    def augmentation_transform(self, data: Any) -> Any:
        """Applies the augmenters in order."""
        for aug in self.auglist:
            data = aug(data)
        return data

    def postprocess_data(self, datum: Any) -> Any:
        """(H, W, C) -> (C, H, W)."""
        return nd.transpose(datum, axes=(2, 0, 1))
