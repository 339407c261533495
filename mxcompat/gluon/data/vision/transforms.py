"""``mx.gluon.data.vision.transforms``: image transforms as Gluon blocks (MXNet 1.9.1's list,
plus MXNet 2.0's ``HybridCompose`` and ``RandomCrop``).

The HybridBlocks run the ``mx.nd.image`` operators (``to_tensor``, ``normalize``, ``resize``,
``crop``, the random colour ops); the Blocks that MXNet writes with ``mx.image``
(``CenterCrop``, ``RandomResizedCrop``, ``RandomCrop``, ``Rotate``, ``RandomRotation``) call
the same ``mx.image`` functions, which draw their windows from Python's ``random`` module as
MXNet's do (after ``random.seed(s)`` they cut the same windows).
"""
from __future__ import annotations

import random
from typing import Any, Optional, Tuple

import numpy as np

from ....base import MXNetError, numeric_types
from ...block import Block, HybridBlock
from ...nn import HybridSequential, Sequential

__all__ = ["Compose", "HybridCompose", "Cast", "ToTensor", "Normalize", "Rotate",
           "RandomRotation", "RandomResizedCrop", "CropResize", "CenterCrop", "Resize",
           "RandomCrop", "RandomFlipLeftRight", "RandomFlipTopBottom", "RandomBrightness",
           "RandomContrast", "RandomSaturation", "RandomHue", "RandomColorJitter",
           "RandomLighting", "RandomApply"]


class Compose(Sequential):
    """Applies ``transforms`` in order; runs of consecutive HybridBlocks are grouped into
    a hybridized ``HybridSequential`` (as MXNet does)."""

    def __init__(self, transforms: list):
        super().__init__()
        run: list = []
        for t in list(transforms) + [None]:
            if isinstance(t, HybridBlock):
                run.append(t)
                continue
            if len(run) == 1:
                self.add(run[0])
            elif len(run) > 1:
                block = HybridSequential()
                for h in run:
                    block.add(h)
                block.hybridize()
                self.add(block)
            run = []
            if t is not None:
                self.add(t)


class HybridCompose(HybridSequential):
    """Applies HybridBlock ``transforms`` in order, as one HybridBlock (MXNet 2.0)."""

    def __init__(self, transforms: list):
        super().__init__()
        for t in transforms:
            if not isinstance(t, HybridBlock):
                raise ValueError(f"HybridCompose: {t!r} is not a HybridBlock; use Compose "
                                 "for a mix of Blocks and HybridBlocks")
            self.add(t)


class Cast(HybridBlock):
    """Casts the input to ``dtype`` (default float32)."""

    def __init__(self, dtype: Any = "float32"):
        super().__init__()
        self._dtype = dtype

    def hybrid_forward(self, F: Any, x: Any) -> Any:
        return F.cast(x, self._dtype)


class ToTensor(HybridBlock):
    """(H, W, C) or (N, H, W, C) images in [0, 255] -> float32 (C, H, W) / (N, C, H, W) in
    [0, 1] (``mx.nd.image.to_tensor``)."""

    def __init__(self) -> None:
        super().__init__()

    def hybrid_forward(self, F: Any, x: Any) -> Any:
        return F.image.to_tensor(x)


class Normalize(HybridBlock):
    """``(x[c] - mean[c]) / std[c]`` per channel of a (C, H, W) or (N, C, H, W) tensor
    (``mx.nd.image.normalize``); a scalar applies to all channels."""

    def __init__(self, mean: Any = 0.0, std: Any = 1.0):
        super().__init__()
        self._mean = mean
        self._std = std

    def hybrid_forward(self, F: Any, x: Any) -> Any:
        return F.image.normalize(x, self._mean, self._std)


def _mx_image(what: str) -> Any:
    try:
        from .... import image
    except ImportError:
        raise MXNetError(f"{what} needs mx.image, which is not available in this build of "
                         "mxcompat") from None
    return image


class Rotate(Block):
    """Rotates float32 images by ``rotation_degrees`` (``mx.image.imrotate``)."""

    def __init__(self, rotation_degrees: float, zoom_in: bool = False, zoom_out: bool = False):
        super().__init__()
        self._args = (rotation_degrees, zoom_in, zoom_out)

    def forward(self, x: Any) -> Any:
        if x.dtype is not np.float32:
            raise TypeError("This transformation only supports float32. "
                            "Consider calling it after ToTensor")
        return _mx_image("Rotate").imrotate(x, *self._args)


class RandomRotation(Block):
    """Rotates float32 images by a random angle in ``angle_limits`` with probability
    ``rotate_with_proba`` (``mx.image.random_rotate``)."""

    def __init__(self, angle_limits: Tuple[float, float], zoom_in: bool = False,
                 zoom_out: bool = False, rotate_with_proba: float = 1.0):
        super().__init__()
        lower, upper = angle_limits
        if lower >= upper:
            raise ValueError("`angle_limits` must be an ordered tuple")
        if rotate_with_proba < 0 or rotate_with_proba > 1:
            raise ValueError("Probability of rotating the image should be between 0 and 1")
        self._args = (angle_limits, zoom_in, zoom_out)
        self._rotate_with_proba = rotate_with_proba

    def forward(self, x: Any) -> Any:
        if np.random.random() > self._rotate_with_proba:
            return x
        if x.dtype is not np.float32:
            raise TypeError("This transformation only supports float32. "
                            "Consider calling it after ToTensor")
        return _mx_image("RandomRotation").random_rotate(x, *self._args)


# ---- crops: mx.image's functions, as MXNet's transforms call them ----------------------
def _pair(size: Any) -> Tuple[int, int]:
    if isinstance(size, numeric_types):
        return (size, size)
    return tuple(size)  # type: ignore[return-value]


def _hwc(x: Any, what: str) -> None:
    if x.ndim != 3:
        raise MXNetError(f"{what}: expects an (H, W, C) image, got shape {x.shape}")


class RandomResizedCrop(Block):
    """Crops a random window (area ``scale`` of the image, aspect ratio in ``ratio``) and
    resizes it to ``size`` (w, h); falls back to a center crop after 10 tries
    (``mx.image.random_size_crop``)."""

    def __init__(self, size: Any, scale: Tuple[float, float] = (0.08, 1.0),
                 ratio: Tuple[float, float] = (3.0 / 4.0, 4.0 / 3.0), interpolation: int = 1):
        super().__init__()
        self._args = (_pair(size), scale, ratio, interpolation)

    def forward(self, x: Any) -> Any:
        _hwc(x, "RandomResizedCrop")
        return _mx_image("RandomResizedCrop").random_size_crop(x, *self._args)[0]


class CenterCrop(Block):
    """Crops the center ``size`` (w, h) window, scaled down to fit and resized back up when
    the image is smaller (``mx.image.center_crop``)."""

    def __init__(self, size: Any, interpolation: int = 1):
        super().__init__()
        self._args = (_pair(size), interpolation)

    def forward(self, x: Any) -> Any:
        _hwc(x, "CenterCrop")
        return _mx_image("CenterCrop").center_crop(x, *self._args)[0]


class RandomCrop(Block):
    """Crops a random ``size`` (w, h) window, after padding the image by ``pad`` pixels
    (int, or (w, h), or (left, top, right, bottom)) with ``pad_value`` (MXNet 2.0)."""

    def __init__(self, size: Any, pad: Any = None, pad_value: Any = 0, interpolation: int = 1):
        super().__init__()
        self._size = _pair(size)
        self._pad = pad
        self._pad_value = pad_value
        self._interp = interpolation

    def forward(self, x: Any) -> Any:
        _hwc(x, "RandomCrop")
        if self._pad:
            p = self._pad
            if isinstance(p, numeric_types):
                left = top = right = bottom = int(p)
            elif len(p) == 2:
                left = right = int(p[0])
                top = bottom = int(p[1])
            else:
                left, top, right, bottom = (int(v) for v in p)
            from ....ndarray.ndarray import _wrap
            import torch
            t = x._t
            h, w, c = t.shape
            out = torch.full((h + top + bottom, w + left + right, c), self._pad_value,
                             dtype=t.dtype)
            out[top:top + h, left:left + w] = t
            x = _wrap(out, x._ctx)
        return _mx_image("RandomCrop").random_crop(x, self._size, self._interp)[0]


class CropResize(HybridBlock):
    """Crops the (``x``, ``y``, ``width``, ``height``) window of (H, W, C) or (N, H, W, C)
    images, then resizes it to ``size`` if given (``mx.nd.image.crop`` + ``resize``)."""

    def __init__(self, x: int, y: int, width: int, height: int, size: Any = None,
                 interpolation: Optional[int] = None):
        super().__init__()
        self._x = x
        self._y = y
        self._width = width
        self._height = height
        self._size = size
        self._interpolation = interpolation

    def hybrid_forward(self, F: Any, x: Any) -> Any:
        out = F.image.crop(x, self._x, self._y, self._width, self._height)
        if self._size:
            # as in MXNet, a size without an interpolation is an error of resize's
            out = F.image.resize(out, self._size, False, self._interpolation)
        return out


class Resize(HybridBlock):
    """Resizes (H, W, C) or (N, H, W, C) images to ``size`` (w, h), or the short edge to
    ``size`` with ``keep_ratio`` (``mx.nd.image.resize``)."""

    def __init__(self, size: Any, keep_ratio: bool = False, interpolation: int = 1):
        super().__init__()
        self._keep = keep_ratio
        self._size = size
        self._interpolation = interpolation

    def hybrid_forward(self, F: Any, x: Any) -> Any:
        return F.image.resize(x, self._size, self._keep, self._interpolation)


class RandomFlipLeftRight(HybridBlock):
    """Flips the image left to right with probability 0.5."""

    def __init__(self) -> None:
        super().__init__()

    def hybrid_forward(self, F: Any, x: Any) -> Any:
        return F.image.random_flip_left_right(x)


class RandomFlipTopBottom(HybridBlock):
    """Flips the image top to bottom with probability 0.5."""

    def __init__(self) -> None:
        super().__init__()

    def hybrid_forward(self, F: Any, x: Any) -> Any:
        return F.image.random_flip_top_bottom(x)


class _RandomFactor(HybridBlock):
    _op = ""

    def __init__(self, value: float):
        super().__init__()
        self._args = (max(0, 1 - value), 1 + value)

    def hybrid_forward(self, F: Any, x: Any) -> Any:
        return getattr(F.image, self._op)(x, *self._args)


class RandomBrightness(_RandomFactor):
    """Scales brightness by a factor drawn from ``[max(0, 1 - brightness), 1 + brightness]``."""

    _op = "random_brightness"

    def __init__(self, brightness: float):
        super().__init__(brightness)


class RandomContrast(_RandomFactor):
    """Scales contrast by a factor drawn from ``[max(0, 1 - contrast), 1 + contrast]``."""

    _op = "random_contrast"

    def __init__(self, contrast: float):
        super().__init__(contrast)


class RandomSaturation(_RandomFactor):
    """Scales saturation by a factor drawn from ``[max(0, 1 - saturation), 1 + saturation]``."""

    _op = "random_saturation"

    def __init__(self, saturation: float):
        super().__init__(saturation)


class RandomHue(_RandomFactor):
    """Shifts hue by a factor drawn from ``[max(0, 1 - hue), 1 + hue]``."""

    _op = "random_hue"

    def __init__(self, hue: float):
        super().__init__(hue)


class RandomColorJitter(HybridBlock):
    """Random brightness, contrast, saturation and hue jitter
    (``mx.nd.image.random_color_jitter``)."""

    def __init__(self, brightness: float = 0, contrast: float = 0, saturation: float = 0,
                 hue: float = 0):
        super().__init__()
        self._args = (brightness, contrast, saturation, hue)

    def hybrid_forward(self, F: Any, x: Any) -> Any:
        return F.image.random_color_jitter(x, *self._args)


class RandomLighting(HybridBlock):
    """AlexNet-style PCA lighting noise of strength ``alpha``
    (``mx.nd.image.random_lighting``)."""

    def __init__(self, alpha: float):
        super().__init__()
        self._alpha = alpha

    def hybrid_forward(self, F: Any, x: Any) -> Any:
        return F.image.random_lighting(x, self._alpha)


class RandomApply(Sequential):
    """Applies ``transforms`` with probability ``p`` (decided with Python's ``random``)."""

    def __init__(self, transforms: Any, p: float = 0.5):
        super().__init__()
        self.transforms = transforms
        self.p = p

    def forward(self, x: Any) -> Any:
        if self.p < random.random():
            return x
        return self.transforms(x)


