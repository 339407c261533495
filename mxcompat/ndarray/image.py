"""``mx.nd.image``: image transforms on NDArrays, with MXNet 1.9.1's layouts, dtypes and errors.

Layouts: images are HWC (``to_tensor``, ``crop``, ``resize`` also take NHWC batches);
``normalize`` takes CHW / NCHW tensors. Channels must be 1 or 3 where MXNet checks it.
Integer outputs are converted as MXNet's C++ casts do (truncation toward zero, wrapping);
``random_*`` ops draw from mxcompat's generators (``mx.random.seed``), so their values differ
from MXNet's stream (shapes, dtypes and ranges match).
"""
from __future__ import annotations

from typing import Any

import torch

from .. import _dtypes
from ..base import MXNetError, MXNetTypeError, MXNetValueError, unsupported
from ..random import generator
from ._op import Bool, Float, FloatTuple, Int, register
from .ndarray import _cast

__all__ = ["to_tensor", "normalize", "flip_left_right", "flip_top_bottom",
           "random_flip_left_right", "random_flip_top_bottom", "crop", "resize",
           "adjust_lighting", "random_brightness", "random_contrast", "random_saturation",
           "random_hue", "random_color_jitter", "random_lighting"]

_NS = "image"
_FAM = "image"


def _no_bool(t: torch.Tensor, op: str) -> None:
    if t.dtype == torch.bool:
        raise MXNetTypeError(f"image.{op}: Unknown type enum 7 (MXNet's image ops do not "
                             "support bool arrays; cast with .astype())")


def _hwc3(t: torch.Tensor, op: str, channels: bool = True) -> None:
    """MXNet's check for the single-image (H, W, C) ops."""
    _no_bool(t, op)
    if t.dim() != 3:
        raise MXNetValueError(f"image.{op}: Check failed: dshape.ndim() == 3 ({t.dim()} vs. "
                              "3) : Input image must have shape (height, width, channels), but "
                              f"got {list(t.shape)}")
    if channels and t.shape[2] not in (1, 3):
        raise MXNetValueError(f"image.{op}: Check failed: nchannels == 3 || nchannels == 1: "
                              "The last dimension of input image must be the channel dimension "
                              f"with either 1 or 3 elements, but got input with shape "
                              f"{list(t.shape)}")


def _rgb(t: torch.Tensor, op: str) -> None:
    if t.shape[-1] != 3:
        raise MXNetValueError(f"image.{op}: this op needs 3 (RGB) channels, got an image of "
                              f"shape {list(t.shape)}")


def _store(v: torch.Tensor, dt: torch.dtype) -> torch.Tensor:
    """A float result stored in the image's dtype: uint8 saturates, the other integer types
    convert as C casts do (truncate toward zero, wrap)."""
    if dt.is_floating_point:
        return v.to(dt)
    if dt == torch.uint8:
        return v.clamp(0, 255).trunc().to(dt)
    return _cast(v, dt)


def _sat(v: torch.Tensor, dt: torch.dtype) -> torch.Tensor:
    """A float result stored with saturation (the random color ops): clamp to the integer
    range, then truncate."""
    if dt.is_floating_point:
        return v.to(dt)
    info = torch.iinfo(dt)
    return v.clamp(info.min, info.max).trunc().to(dt)


def _work(t: torch.Tensor) -> torch.Tensor:
    """The float type the computation runs in (float32, float64 for float64 images)."""
    return t.to(torch.float64) if t.dtype == torch.float64 else t.to(torch.float32)


# ---- layout and value conversions ------------------------------------------------------------
@register("to_tensor", ns=_NS, family=_FAM,
          torch="x.permute(2, 0, 1).float() / 255 (torchvision.transforms.functional.to_tensor)")
def to_tensor(data: torch.Tensor) -> torch.Tensor:
    """(H, W, C) or (N, H, W, C) values in [0, 255] -> float32 (C, H, W) / (N, C, H, W) in
    [0, 1]."""
    _no_bool(data, "to_tensor")
    if data.dim() not in (3, 4):
        raise MXNetValueError("image.to_tensor: Check failed: (shp.ndim() == 3) || (shp.ndim() "
                              "== 4): Input image must have shape (height, width, channels), "
                              f"or (N, height, width, channels) but got {list(data.shape)}")
    x = data.to(torch.float32) / 255.0
    return x.permute(2, 0, 1).contiguous() if data.dim() == 3 else \
        x.permute(0, 3, 1, 2).contiguous()


@register("normalize", params={"mean": FloatTuple, "std": FloatTuple}, ns=_NS, family=_FAM,
          torch="(x - mean[:, None, None]) / std[:, None, None] "
                "(torchvision.transforms.functional.normalize)")
def normalize(data: torch.Tensor, mean: tuple = (0.0, 0.0, 0.0, 0.0),
              std: tuple = (1.0, 1.0, 1.0, 1.0)) -> torch.Tensor:
    """(x - mean[c]) / std[c] over a (C, H, W) or (N, C, H, W) tensor; mean/std have one
    value or one per channel (the 4-value defaults fit neither for 1 or 3 channels, as in
    MXNet)."""
    op = "image.normalize"
    _no_bool(data, "normalize")
    if data.dim() not in (3, 4):
        raise MXNetValueError(f"{op}: Check failed: (dshape.ndim() == 3) || (dshape.ndim() == "
                              "4): Input tensor must have shape (channels, height, width), or "
                              f"(N, channels, height, width), but got {list(data.shape)}")
    c = data.shape[-3]
    if c not in (1, 3):
        raise MXNetValueError(f"{op}: Check failed: nchannels == 3 || nchannels == 1: The first "
                              "dimension of input tensor must be the channel dimension with "
                              f"either 1 or 3 elements, but got input with shape "
                              f"{list(data.shape)}")
    for nm, v in (("mean", mean), ("std", std)):
        if len(v) not in (1, c):
            raise MXNetValueError(f"{op}: Check failed: (param.{nm}.ndim() == 1) || "
                                  f"(param.{nm}.ndim() == nchannels): Invalid {nm} for input "
                                  f"with shape {list(data.shape)}. {nm} must have either 1 or "
                                  f"{c} elements, but got {len(v)}")
    x = _work(data)
    m = torch.tensor([float(torch.tensor(v, dtype=torch.float32)) for v in mean],
                     dtype=x.dtype, device=x.device)
    s = torch.tensor([float(torch.tensor(v, dtype=torch.float32)) for v in std],
                     dtype=x.dtype, device=x.device)
    m = m.expand(c).reshape(c, 1, 1)
    s = s.expand(c).reshape(c, 1, 1)
    return _store((x - m) / s, data.dtype)


# ---- flips and crops -------------------------------------------------------------------------
@register("flip_left_right", ns=_NS, family=_FAM, torch="torch.flip(x, [1])")
def flip_left_right(data: torch.Tensor) -> torch.Tensor:
    """Mirror an (H, W, C) image horizontally (MXNet 1.9.1 leaves the middle column of an
    odd-width image uninitialized; mxcompat copies it)."""
    _hwc3(data, "flip_left_right")
    return data.flip(1)


@register("flip_top_bottom", ns=_NS, family=_FAM, torch="torch.flip(x, [0])")
def flip_top_bottom(data: torch.Tensor) -> torch.Tensor:
    """Mirror an (H, W, C) image vertically (MXNet 1.9.1 leaves the middle row of an
    odd-height image uninitialized; mxcompat copies it)."""
    _hwc3(data, "flip_top_bottom")
    return data.flip(0)


def _coin(data: torch.Tensor) -> bool:
    g = generator(data.device)
    return bool(torch.rand((), generator=g, device=data.device) < 0.5)


@register("random_flip_left_right", ns=_NS, family=_FAM,
          torch="torch.flip(x, [1]) with probability 0.5")
def random_flip_left_right(data: torch.Tensor) -> torch.Tensor:
    """flip_left_right with probability 0.5, else a copy."""
    _hwc3(data, "random_flip_left_right")
    return data.flip(1) if _coin(data) else data.clone()


@register("random_flip_top_bottom", ns=_NS, family=_FAM,
          torch="torch.flip(x, [0]) with probability 0.5")
def random_flip_top_bottom(data: torch.Tensor) -> torch.Tensor:
    """flip_top_bottom with probability 0.5, else a copy."""
    _hwc3(data, "random_flip_top_bottom")
    return data.flip(0) if _coin(data) else data.clone()


@register("crop", params={"x": Int, "y": Int, "width": Int, "height": Int}, ns=_NS,
          family=_FAM, torch="x[..., y:y + height, x:x + width, :]")
def crop(data: torch.Tensor, x: int, y: int, width: int, height: int) -> torch.Tensor:
    """The (height, width) window at column x, row y of an (H, W, C) / (N, H, W, C) image."""
    op = "image.crop"
    _no_bool(data, "crop")
    if data.dim() not in (3, 4):
        raise MXNetValueError(f"{op}: Image Crop expects inputs of 3D (h, w, c) or 4D "
                              f"(n, h, w, c). But got {data.dim()}")
    if data.shape[-1] not in (1, 3):
        raise MXNetValueError(f"{op}: Check failed: Expect channel of the input image is 1 or "
                              f"3, but got{data.shape[-1]}")
    h, w = data.shape[-3], data.shape[-2]
    if height <= 0 or width <= 0:
        raise MXNetValueError(f"{op}: Check failed: (param.height > 0) && (param.width > 0): "
                              "Input height and width must be greater than 0")
    if x < 0 or y < 0:
        raise MXNetValueError(f"{op}: x and y must be non-negative, got x={x}, y={y} (MXNet "
                              "reads outside the image)")
    if x + width > w:
        raise MXNetValueError(f"{op}: Check failed: param.x + param.width <= ishape[ishape.ndim"
                              "() - 2]: x + width should not be greater than input width")
    if y + height > h:
        raise MXNetValueError(f"{op}: Check failed: param.y + param.height <= ishape[ishape."
                              "ndim() - 3]: y + height should not be greater than input height")
    return data[..., y:y + height, x:x + width, :].clone()


# ---- resize (OpenCV's cv::resize semantics) --------------------------------------------------
def _size_param(v: Any, op: str, p: str) -> tuple:
    from ._op import Shape
    return Shape(v, op, p)


def _out_hw(h: int, w: int, size: tuple, keep_ratio: bool, op: str) -> tuple:
    if len(size) == 0:
        raise MXNetValueError(f"{op}: Check failed: size must be given: (width, height) or "
                              "(size)")
    if len(size) == 1:
        s = size[0]
        if keep_ratio:
            if h > w:
                return int(s * h / w), s
            return s, int(s * w / h)
        return s, s
    if len(size) != 2:
        raise MXNetValueError(f"{op}: size must be (width, height) or (size), got {size}")
    return size[1], size[0]


@register("resize", params={"size": _size_param, "keep_ratio": Bool, "interp": Int}, ns=_NS,
          family=_FAM, torch="torch.nn.functional.interpolate (OpenCV cv::resize rules)")
def resize(data: torch.Tensor, size: tuple = (), keep_ratio: Any = False,
           interp: int = 1) -> torch.Tensor:
    """Resize an (H, W, C) / (N, H, W, C) image to ``size`` = (width, height) or (size) (the
    short edge with ``keep_ratio``). interp 0 nearest, 1 bilinear, 2 bicubic, 3 area, 4
    Lanczos-4, as OpenCV's cv::resize (MXNet's CPU kernel); uint8, float32 and float64 images
    (int8 / int32 with interp=0)."""
    op = "image.resize"
    keep = bool(keep_ratio)
    if data.dim() not in (3, 4):
        raise MXNetValueError(f"{op}: Check failed: Input image must have shape (height, width, "
                              f"channels) or (N, height, width, channels), but got "
                              f"{list(data.shape)}")
    if data.dtype == torch.float16:
        raise MXNetTypeError(f"{op}: Check failed: inputs[0].type_flag_ != mshadow::kFloat16: "
                             "opencv image mat doesn't support fp16")
    nearest_int = interp == 0 and data.dtype in (torch.int8, torch.int32)
    if data.dtype not in (torch.uint8, torch.float32, torch.float64) and not nearest_int:
        raise MXNetTypeError(f"{op}: OpenCV(3.4.2) resize: (-215:Assertion failed) func != 0 "
                             f"in function 'resize' (no {_dtypes.name(data.dtype)} kernel; "
                             "MXNet resizes uint8, float32 and float64 images)")
    h, w = data.shape[-3], data.shape[-2]
    oh, ow = _out_hw(h, w, tuple(size), keep, op)
    if oh <= 0 or ow <= 0:
        raise MXNetValueError(f"{op}: the output size must be positive, got (width, height) = "
                              f"({ow}, {oh})")
    if interp in (9, 10):
        # MXNet passes interp straight to cv::resize, which knows neither (mx.image's 9 "auto"
        # and 10 "random" are resolved in Python before the op is called)
        raise MXNetError(f"{op}: OpenCV(3.4.2) resize: (-5:Bad argument) Unknown "
                         f"interpolation method in function 'resize' (interp={interp})")
    if interp not in (0, 1, 2, 3, 4):
        raise MXNetValueError(f"{op}: invalid interpolation method interp={interp} (0 nearest, "
                              "1 bilinear, 2 bicubic, 3 area, 4 Lanczos)")
    # the same cv::resize reimplementation as mx.image.imresize (bit-exact 8-bit bilinear and
    # 2x area; bicubic, area and Lanczos within 1 grey level of OpenCV's fixed point)
    if h == 0 or w == 0:
        raise MXNetValueError(f"{op}: the input image is empty (shape {list(data.shape)})")
    from ..image import _cv
    x = data if data.dim() == 4 else data.unsqueeze(0)
    src = x.detach().cpu().numpy()
    r = torch.stack([torch.from_numpy(_cv.resize(im, ow, oh, interp)) for im in src]) \
        if len(src) else torch.empty((0, oh, ow, x.shape[-1]), dtype=data.dtype)
    r = r.to(device=data.device, dtype=data.dtype)
    r = r if data.dim() == 4 else r.squeeze(0)
    return _NoBackward.apply(data, r) if data.requires_grad else r


class _NoBackward(torch.autograd.Function):
    """``image.resize`` has no usable gradient in MXNet 1.9.1: its backward fails its own
    shape check ("Incompatible attr in node ... expected [out shape], got [in shape]"). Raise
    an MXNetError there too, rather than give a made-up gradient."""

    @staticmethod
    def forward(ctx: Any, data: torch.Tensor, result: torch.Tensor) -> torch.Tensor:
        ctx.shapes = (tuple(result.shape), tuple(data.shape))
        return result

    @staticmethod
    def backward(ctx: Any, grad: torch.Tensor) -> Any:
        out_shape, in_shape = ctx.shapes
        raise MXNetError(f"image.resize: backward is not supported (MXNet 1.9.1's fails: "
                         f"Incompatible attr in node image.resize_backward at 0-th output: "
                         f"expected {list(out_shape)}, got {list(in_shape)})")


# ---- color ops -------------------------------------------------------------------------------
#: AlexNet's PCA of ImageNet RGB values: eigenvalue-scaled eigenvectors (rows: R, G, B)
_EIG = ((55.46 * -0.5675, 4.794 * 0.7192, 1.148 * 0.4009),
        (55.46 * -0.5808, 4.794 * -0.0045, 1.148 * -0.8140),
        (55.46 * -0.5836, 4.794 * -0.6948, 1.148 * 0.4203))
_GRAY = (0.299, 0.587, 0.114)


def _lighting(data: torch.Tensor, alpha: tuple) -> torch.Tensor:
    a = [float(torch.tensor(v, dtype=torch.float32)) for v in alpha]
    pca = [sum(_EIG[i][j] * a[j] for j in range(3)) for i in range(3)]
    x = _work(data)
    p = torch.tensor(pca, dtype=torch.float32).to(x.dtype).to(x.device)
    return _store(x + p, data.dtype)


@register("adjust_lighting", params={"alpha": FloatTuple}, ns=_NS, family=_FAM,
          torch="x + eigvec @ (alpha * eigval) (AlexNet PCA lighting)")
def adjust_lighting(data: torch.Tensor, alpha: tuple) -> torch.Tensor:
    """Add AlexNet's PCA lighting offset for the given R, G, B alphas to an (H, W, 3) image."""
    _hwc3(data, "adjust_lighting")
    _rgb(data, "adjust_lighting")
    if len(alpha) != 3:
        raise MXNetValueError(f"image.adjust_lighting: alpha must have 3 values (R, G, B), got "
                              f"{len(alpha)}")
    return _lighting(data, alpha)


def _uniform(data: torch.Tensor, lo: float, hi: float) -> float:
    g = generator(data.device)
    u = float(torch.rand((), generator=g, dtype=torch.float64, device=data.device))
    return lo + (hi - lo) * u


def _brightness(x: torch.Tensor, alpha: float) -> torch.Tensor:
    return x * alpha


def _contrast(x: torch.Tensor, alpha: float) -> torch.Tensor:
    gray = (x[..., 0] * _GRAY[0] + x[..., 1] * _GRAY[1] + x[..., 2] * _GRAY[2]).mean()
    return x * alpha + gray * (1 - alpha)


def _saturation(x: torch.Tensor, alpha: float) -> torch.Tensor:
    gray = (x[..., 0] * _GRAY[0] + x[..., 1] * _GRAY[1] + x[..., 2] * _GRAY[2]).unsqueeze(-1)
    return x * alpha + gray * (1 - alpha)


def _hue(x: torch.Tensor, alpha: float) -> torch.Tensor:
    """Rotate the hue by alpha * 360 degrees (RGB -> HLS -> RGB, as MXNet's random_hue)."""
    if abs(alpha) < 1e-4:
        return x
    r, g, b = x[..., 0], x[..., 1], x[..., 2]
    mx_, _ = x.max(-1)
    mn, _ = x.min(-1)
    diff = mx_ - mn
    s_ = mx_ + mn
    light = s_ / 2
    safe = torch.where(diff == 0, torch.ones_like(diff), diff)
    h = torch.where(mx_ == r, (g - b) / safe,
                    torch.where(mx_ == g, 2 + (b - r) / safe, 4 + (r - g) / safe)) * 60
    h = torch.where(diff == 0, torch.zeros_like(h), h)
    h = (h + alpha * 360.0) % 360.0
    # back to RGB: the same chroma and lightness, the new hue
    hp = h / 60.0
    xx = diff * (1 - torch.abs(hp % 2 - 1))
    zero = torch.zeros_like(diff)
    sector = hp.floor().long().clamp(0, 5)
    cand = [(diff, xx, zero), (xx, diff, zero), (zero, diff, xx), (zero, xx, diff),
            (xx, zero, diff), (diff, zero, xx)]
    out = []
    for k in range(3):
        v = zero.clone()
        for sidx, c in enumerate(cand):
            v = torch.where(sector == sidx, c[k], v)
        out.append(v + (light - diff / 2))
    return torch.stack(out, -1)


def _color_op(name: str, fn: Any, doc: str, torch_eq: str) -> Any:
    def impl(data: torch.Tensor, min_factor: float, max_factor: float) -> torch.Tensor:
        _hwc3(data, name)
        if fn is not _brightness:
            _rgb(data, name)
        alpha = _uniform(data, min_factor, max_factor)
        if fn is not _hue:
            alpha = float(torch.tensor(alpha, dtype=torch.float32))
        return _sat(fn(_work(data), alpha), data.dtype)
    impl.__doc__ = doc
    impl.__name__ = name
    return register(name, params={"min_factor": Float, "max_factor": Float}, ns=_NS,
                    family=_FAM, torch=torch_eq)(impl)


random_brightness = _color_op("random_brightness", _brightness,
          "x * alpha, alpha ~ U(min_factor, max_factor), on an (H, W, C) image.",
          "x * alpha (torchvision adjust_brightness)")
random_contrast = _color_op("random_contrast", _contrast,
          "alpha * x + (1 - alpha) * mean(gray), alpha ~ U(min_factor, max_factor).",
          "torchvision adjust_contrast")
random_saturation = _color_op("random_saturation", _saturation,
          "alpha * x + (1 - alpha) * gray(x), alpha ~ U(min_factor, max_factor).",
          "torchvision adjust_saturation")
random_hue = _color_op("random_hue", _hue,
          "Rotate the hue by alpha * 360 degrees, alpha ~ U(min_factor, max_factor).",
          "RGB -> HLS hue shift -> RGB (torchvision adjust_hue)")


@register("random_color_jitter", params={"brightness": Float, "contrast": Float,
                                         "saturation": Float, "hue": Float},
          ns=_NS, family=_FAM, torch="torchvision ColorJitter")
def random_color_jitter(data: torch.Tensor, brightness: float, contrast: float,
                        saturation: float, hue: float) -> torch.Tensor:
    """Brightness, contrast, saturation and hue jitter (factors 1 +- U(-v, v), hue U(-v, v)),
    applied in a random order; a jitter of 0 is skipped."""
    op = "random_color_jitter"
    _hwc3(data, op)
    _rgb(data, op)
    for nm, v in (("brightness", brightness), ("contrast", contrast),
                  ("saturation", saturation), ("hue", hue)):
        if v < 0:
            raise MXNetValueError(f"image.{op}: {nm} must be non-negative, got {v}")
    g = generator(data.device)
    order = torch.randperm(4, generator=g, device=data.device).tolist()
    x = _work(data)
    for k in order:
        if k == 0 and brightness > 0:
            x = _brightness(x, 1 + _uniform(data, -brightness, brightness))
        elif k == 1 and contrast > 0:
            x = _contrast(x, 1 + _uniform(data, -contrast, contrast))
        elif k == 2 and saturation > 0:
            x = _saturation(x, 1 + _uniform(data, -saturation, saturation))
        elif k == 3 and hue > 0:
            x = _hue(x, _uniform(data, -hue, hue))
    return _sat(x, data.dtype)


@register("random_lighting", params={"alpha_std": Float}, ns=_NS, family=_FAM,
          torch="adjust_lighting with alpha ~ N(0, alpha_std) per channel")
def random_lighting(data: torch.Tensor, alpha_std: float = 0.05) -> torch.Tensor:
    """adjust_lighting with R, G, B alphas drawn from N(0, alpha_std)."""
    _hwc3(data, "random_lighting")
    _rgb(data, "random_lighting")
    g = generator(data.device)
    a = torch.randn(3, generator=g, dtype=torch.float64, device=data.device) * alpha_std
    return _lighting(data, tuple(float(v) for v in a))



# ---- mx.nd.imdecode (the deprecated NDArray decoder) ----------------------------------------
# Decoding uses Pillow, an optional dependency (mxcompat has no OpenCV). The pixels are what
# MXNet's OpenCV build gives: cv::imdecode(buf, IMREAD_UNCHANGED) for channels != 1 (the
# image's own channels, in B, G, R(, A) order) and cv::imdecode(buf, IMREAD_GRAYSCALE) for
# channels == 1, with the grey conversion of the codec OpenCV uses (libpng's for PNG, the
# luma plane for JPEG, OpenCV's cvtColor for the others).
def _pillow() -> Any:
    try:
        from PIL import Image
    except ImportError:
        raise MXNetError("imdecode: decoding images needs the optional dependency Pillow, "
                         "which is not installed (pip install pillow)") from None
    return Image


def _gray_png(rgb: Any) -> Any:
    """libpng's png_set_rgb_to_gray(0.299, 0.587) on 8-bit RGB: 15-bit fixed-point
    coefficients, truncated; grey pixels pass through."""
    import numpy as np
    r, g, b = (rgb[..., i].astype(np.int64) for i in range(3))
    y = (r * 9797 + g * 19234 + b * 3737) >> 15
    return np.where((r == g) & (r == b), r, y).astype(np.uint8)


def _gray_cv(rgb: Any) -> Any:
    """OpenCV's BGR -> grey: 14-bit fixed-point coefficients, rounded."""
    import numpy as np
    r, g, b = (rgb[..., i].astype(np.int64) for i in range(3))
    return ((b * 1868 + g * 9617 + r * 4899 + 8192) >> 14).astype(np.uint8)


def _decode_pixels(buf: bytes, gray: bool) -> Any:
    """Image bytes -> (H, W, C) uint8 NumPy array as MXNet's OpenCV decode gives it."""
    import numpy as np
    Image = _pillow()
    import io
    try:
        im = Image.open(io.BytesIO(buf))
        fmt = im.format
        if gray and fmt == "JPEG" and im.mode in ("RGB", "YCbCr", "L"):
            im.draft("L", im.size)  # libjpeg's grey output: the luma plane
        im.load()
    except Exception as e:  # noqa: BLE001 - any decoder failure is MXNet's decode failure
        raise MXNetError("imdecode: Check failed: res.data != nullptr: OpenCV Failed to "
                         f"decode image (Pillow: {type(e).__name__}: {e})") from None
    mode = im.mode
    if mode in ("I;16", "I;16B", "I;16L", "I", "F") or mode.startswith("I;"):
        raise unsupported(f"imdecode of a {mode} (16-bit / 32-bit) image",
                          "MXNet reads such images' bytes as 8-bit pixels")
    if mode == "1":
        im, mode = im.convert("L"), "L"
    if gray:
        if mode == "L":
            return np.asarray(im)[:, :, None]
        if mode == "LA":
            return np.asarray(im)[:, :, :1]
        rgb = np.asarray(im.convert("RGB"))
        g = _gray_png(rgb) if fmt == "PNG" else _gray_cv(rgb)
        return g[:, :, None]
    if mode == "L":
        return np.asarray(im)[:, :, None]
    alpha = mode in ("RGBA", "LA", "PA") or "transparency" in im.info
    if alpha:
        a = np.asarray(im.convert("RGBA"))
        return np.ascontiguousarray(a[:, :, [2, 1, 0, 3]])
    a = np.asarray(im.convert("RGB"))
    return np.ascontiguousarray(a[:, :, ::-1])


def _imdecode_impl(str_img: Any, clip_rect: Any, out: Any, index: Any, channels: Any,
                   mean: Any) -> Any:
    from .ndarray import NDArray, _wrap
    op = "imdecode"
    if isinstance(str_img, str):
        try:
            buf = str_img.encode("latin-1")  # a Python 2 style byte string
        except UnicodeEncodeError:
            raise MXNetTypeError(f"{op}: str_img must be bytes (or a str of byte values "
                                 "< 256)") from None
    elif isinstance(str_img, (bytes, bytearray, memoryview)):
        buf = bytes(str_img)
    else:
        raise MXNetTypeError(f"{op}: str_img must be the image file's bytes, got "
                             f"{type(str_img).__name__}")
    try:
        x0, y0, x1, y1 = (int(v) for v in clip_rect)
        n_ch, idx = int(channels), int(index)
    except (TypeError, ValueError):
        raise MXNetValueError(f"{op}: clip_rect must be 4 integers (x0, y0, x1, y1) and "
                              f"channels/index integers, got clip_rect={clip_rect!r}, "
                              f"channels={channels!r}, index={index!r}") from None
    if n_ch < 0 or idx < 0:
        raise MXNetValueError(f"{op}: channels ({n_ch}) and index ({idx}) must be >= 0")
    for nm, v in (("mean", mean), ("out", out)):
        if v is not None and not isinstance(v, NDArray):
            raise MXNetTypeError(f"{op}: {nm} must be an NDArray, got {type(v).__name__}")
    px = _decode_pixels(buf, n_ch == 1)
    h, w, c = px.shape
    if n_ch > c:
        raise MXNetValueError(f"{op}: Check failed: n_channels <= res.channels() ({n_ch} vs. "
                              f"{c}): the image has {c} channel(s) (parameter 'channels')")
    if y1 - y0 == 0:
        x0, x1, y0, y1 = 0, w, 0, h
    if not (0 <= x0 <= x1 <= w and 0 <= y0 <= y1 <= h):
        raise MXNetValueError(f"{op}: Check failed: x1 <= res.cols && y1 <= res.rows: "
                              f"clip_rect {tuple(clip_rect)} does not fit the {w}x{h} image "
                              "(x0 <= x1 <= width, y0 <= y1 <= height)")
    shape = (n_ch, y1 - y0, x1 - x0)
    pix = torch.from_numpy(px[y0:y1, x0:x1, :n_ch].copy()).permute(2, 0, 1)
    m = mean._t if mean is not None else None
    if m is not None and m.dtype == torch.bool:
        raise MXNetTypeError(f"{op}: Unknown type enum 7 (a bool 'mean' is not supported)")
    if out is None:
        dt = m.dtype if m is not None else torch.float32
        target: Any = None
    else:
        t = out._t
        if t.dim() == 3:
            target = t
        elif t.dim() == 4:
            if idx >= t.shape[0]:
                raise MXNetValueError(f"{op}: index {idx} is out of range for the out= "
                                      f"buffer of shape {list(t.shape)}")
            target = t[idx]
        else:
            raise MXNetValueError(f"{op}: out= must be 3-D (c, h, w) or 4-D (n, c, h, w), "
                                  f"got shape {list(t.shape)}")
        if t.dtype == torch.bool:
            raise MXNetTypeError(f"{op}: Unknown type enum 7 (a bool out= is not supported)")
        if tuple(target.shape) != shape:
            raise MXNetValueError(f"{op}: Check failed: the out= buffer's image shape "
                                  f"{list(target.shape)} must be {list(shape)} (channels, "
                                  "clipped height, clipped width)")
        dt = t.dtype
    if m is not None:
        if m.dtype != dt:
            raise MXNetTypeError(f"{op}: Check failed: mean.dtype() == buff.dtype(): mean is "
                                 f"{_dtypes.name(m.dtype)}, the output "
                                 f"{_dtypes.name(dt)}")
        if tuple(m.shape[:3]) != shape or m.dim() < 3:
            raise MXNetValueError(f"{op}: Check failed: mean must have shape {list(shape)} "
                                  f"(channels, clipped height, clipped width), got "
                                  f"{list(m.shape)}")
    v = _cast(pix, dt) if not dt.is_floating_point else pix.to(dt)
    if m is not None:
        v = v - m.reshape(shape).to(v.device)
        if not dt.is_floating_point:
            v = _cast(v, dt)
    if out is None:
        return _wrap(v.contiguous(), None)
    with torch.no_grad():
        target.copy_(v.to(target.device))
    return out


def _publish_imdecode() -> None:
    from .shape import pyfunc

    @pyfunc("imdecode", torch_eq="PIL.Image.open(...) (Pillow, optional) -> BGR(A) uint8 "
                                  "-> permute(2, 0, 1), minus mean",
            notes="DEPRECATED in MXNet. (C, H, W) float32 (or mean's dtype), channels in "
                  "OpenCV's B, G, R(, A) order; clip_rect (x0, y0, x1, y1); needs Pillow. "
                  "MXNet 1.9.1 on Python 3 fails for every image (it stringifies the bytes); "
                  "mxcompat decodes them",
            family="image")
    def imdecode(str_img, clip_rect=(0, 0, 0, 0), out=None, index=0, channels=3,
                 mean=None):
        """DEPRECATED, use mx.img instead (MXNet's own words).

        Decode image bytes to a (channels, height, width) NDArray: float32, or the dtype of
        ``mean``, which is subtracted. Channels come in OpenCV's order (B, G, R, then alpha);
        ``channels=1`` decodes to grey. ``clip_rect=(x0, y0, x1, y1)`` crops (all zero: the
        whole image). With ``out`` (3-D, or 4-D with ``index``), writes there and returns it.
        Needs Pillow (``pip install pillow``)."""
        return _imdecode_impl(str_img, clip_rect, out, index, channels, mean)


_publish_imdecode()
