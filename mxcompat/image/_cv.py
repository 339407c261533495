"""The OpenCV calls behind mx.image (``cv::imdecode``, ``cv::resize``, ``cv::copyMakeBorder``)
on NumPy arrays, without OpenCV.

Decoding is Pillow's (mxcompat.ndarray.image._decode_pixels). Resizing reimplements
``cv::resize``'s sampling for each interpolation (0 nearest, 1 bilinear, 2 bicubic with
A = -0.75, 3 area, 4 Lanczos-4) as two separable weight matrices, with OpenCV's pixel
centres, border replication and its rule that a bilinear 2x downscale is an area
resize. 8-bit bilinear resizes use OpenCV's fixed-point arithmetic and are bit-exact; the
other 8-bit methods compute in float and round, and may differ from OpenCV's fixed point
by 1 (measured bound in docs/io.md).
"""
from __future__ import annotations

import math
from functools import lru_cache
from typing import Any

import numpy as np

from ..base import MXNetError, MXNetValueError

_FLT_EPSILON = 1.1920929e-07


def decode(buf: bytes, flag: int = 1, to_rgb: bool = True) -> np.ndarray:
    """cv::imdecode(buf, flag) -> (H, W, C) uint8; ``to_rgb`` swaps B and R (as MXNet's
    _cvimdecode does). flag 0: grey (C = 1); flag > 0: 3 channels; flag < 0: unchanged."""
    if flag > 0:
        fast = _decode_color_fast(buf, to_rgb)
        if fast is not None:
            return fast
    from ..ndarray.image import _decode_pixels
    px = _decode_pixels(bytes(buf), flag == 0)
    if flag > 0:
        if px.shape[2] == 1:
            px = np.repeat(px, 3, axis=2)
        elif px.shape[2] == 4:
            px = px[:, :, :3]
    if to_rgb and px.shape[2] >= 3:
        px = px.copy()
        px[:, :, [0, 2]] = px[:, :, [2, 0]]
    return np.ascontiguousarray(px)


def _decode_color_fast(buf: bytes, to_rgb: bool) -> Any:
    """The common case (an 8-bit RGB or grey JPEG / PNG, 3 channels wanted) in one copy;
    None for anything else (decode() then takes the general path)."""
    try:
        import io
        from PIL import Image
        im = Image.open(io.BytesIO(buf))
        if im.mode not in ("RGB", "L") or "transparency" in im.info:
            return None
        im.load()
    except Exception:  # noqa: BLE001 - the general path reports the failure
        return None
    if im.mode == "L":
        im = im.convert("RGB")
    a = np.asarray(im)
    if not to_rgb:
        a = a[:, :, ::-1]
    return np.ascontiguousarray(a) if not a.flags.c_contiguous or not to_rgb else a


def _cubic(x: float) -> list:
    a = -0.75
    c0 = ((a * (x + 1) - 5 * a) * (x + 1) + 8 * a) * (x + 1) - 4 * a
    c1 = ((a + 2) * x - (a + 3)) * x * x + 1
    c2 = ((a + 2) * (1 - x) - (a + 3)) * (1 - x) * (1 - x) + 1
    return [c0, c1, c2, 1.0 - c0 - c1 - c2]


_S45 = 0.70710678118654752440084436210485
_CS = [(1, 0), (-_S45, -_S45), (0, 1), (_S45, -_S45), (-1, 0), (_S45, _S45), (0, -1),
       (-_S45, _S45)]


def _lanczos4(x: float) -> list:
    if x < _FLT_EPSILON:
        return [0, 0, 0, 1, 0, 0, 0, 0]
    y0 = -(x + 3) * math.pi * 0.25
    s0, c0 = math.sin(y0), math.cos(y0)
    co = []
    for i in range(8):
        y = -(x + 3 - i) * math.pi * 0.25
        co.append((_CS[i][0] * s0 + _CS[i][1] * c0) / (y * y))
    s = sum(co)
    return [c / s for c in co]


@lru_cache(maxsize=256)
def _weights(n_in: int, n_out: int, interp: int, area_down: bool) -> np.ndarray:
    """(n_out, n_in) sampling matrix of one axis, as cv::resize samples it."""
    w = np.zeros((n_out, n_in), np.float64)
    scale = n_in / n_out
    if interp == 0:
        for d in range(n_out):
            w[d, min(int(math.floor(d * scale)), n_in - 1)] = 1.0
        return w
    if interp == 3 and area_down:
        for d in range(n_out):
            f1 = d * scale
            f2 = f1 + scale
            cell = min(scale, n_in - f1)
            s1 = int(math.ceil(f1))
            s2 = min(int(math.floor(f2)), n_in - 1)
            s1 = min(s1, s2)
            if s1 - f1 > 1e-3:
                w[d, s1 - 1] += (s1 - f1) / cell
            for s in range(s1, s2):
                w[d, s] += 1.0 / cell
            if f2 - s2 > 1e-3:
                w[d, s2] += min(min(f2 - s2, 1.0), cell) / cell
        return w
    for d in range(n_out):
        if interp == 3:  # area, upscaling
            sx = int(math.floor(d * scale))
            fx = (d + 1) - (sx + 1) * (n_out / n_in)
            fx = 0.0 if fx <= 0 else fx - math.floor(fx)
        else:
            fx = (d + 0.5) * scale - 0.5
            sx = int(math.floor(fx))
            fx -= sx
        if interp in (1, 3):
            if sx < 0:
                fx, sx = 0.0, 0
            if sx >= n_in - 1:
                fx, sx = 0.0, n_in - 1
            taps, first = [1.0 - fx, fx], sx
        elif interp == 2:
            taps, first = _cubic(fx), sx - 1
        else:
            taps, first = _lanczos4(fx), sx - 3
        for k, c in enumerate(taps):
            w[d, min(max(first + k, 0), n_in - 1)] += c
    return w


@lru_cache(maxsize=256)
def _linear_fixed(n_in: int, n_out: int, clamp: bool) -> tuple:
    """cv::resize's bilinear taps in 11-bit fixed point: (first source index, weights) per
    output index, computed in float32 as OpenCV does. Columns clamp the coordinate at the
    borders; rows keep the weights and clamp the row index instead."""
    scale = 1.0 / (n_out / n_in)
    idx = np.zeros(n_out, np.int64)
    wts = np.zeros((n_out, 2), np.int32)
    one = np.float32(1.0)
    for d in range(n_out):
        fx = np.float32((d + 0.5) * scale - 0.5)
        sx = int(math.floor(fx))
        fx = np.float32(fx - np.float32(sx))
        if clamp:
            if sx < 0:
                fx, sx = np.float32(0.0), 0
            if sx >= n_in - 1:
                fx, sx = np.float32(0.0), n_in - 1
        wts[d, 0] = int(np.rint(np.float32((one - fx) * 2048)))
        wts[d, 1] = int(np.rint(np.float32(fx * 2048)))
        idx[d] = sx
    return idx, wts


def _resize_linear_u8(src: np.ndarray, w: int, h: int) -> np.ndarray:
    """Bilinear uint8 resize with OpenCV's fixed-point arithmetic (its SIMD row combine:
    ((a >> 4) * b >> 16) per row, summed, + 2 >> 2): bit-exact with MXNet's OpenCV."""
    ih, iw = src.shape[:2]
    x = src.reshape(ih, iw, -1).astype(np.int32)
    xi, xa = _linear_fixed(iw, w, True)
    yi, ya = _linear_fixed(ih, h, False)
    xi1 = np.minimum(xi + 1, iw - 1)
    rows = (x[:, xi, :] * xa[None, :, 0, None] + x[:, xi1, :] * xa[None, :, 1, None]) >> 4
    r0 = np.clip(yi, 0, ih - 1)
    r1 = np.clip(yi + 1, 0, ih - 1)
    v = ((rows[r0] * ya[:, 0, None, None]) >> 16) + ((rows[r1] * ya[:, 1, None, None]) >> 16)
    out = np.clip((v + 2) >> 2, 0, 255).astype(np.uint8)
    return out.reshape((h, w) + src.shape[2:])


def resize(src: np.ndarray, w: int, h: int, interp: int = 1) -> np.ndarray:
    """cv::resize(src, (w, h), interpolation=interp) of an (H, W[, C]) array."""
    if interp not in (0, 1, 2, 3, 4):
        raise MXNetValueError(f"imresize: unknown interpolation method {interp} (0..4)")
    w, h = int(w), int(h)
    if w <= 0 or h <= 0:
        raise MXNetValueError(f"imresize: the output size must be positive, got w={w}, h={h}")
    ih, iw = src.shape[:2]
    if ih == 0 or iw == 0:
        raise MXNetValueError("imresize: the input image is empty")
    if (ih, iw) == (h, w):
        return src.copy()
    if interp == 1 and iw == 2 * w and ih == 2 * h:
        interp = 3  # OpenCV: a bilinear downscale by exactly 2 is an area resize
    area_down = iw >= w and ih >= h
    if interp == 1 and src.dtype == np.uint8:
        return _resize_linear_u8(src, w, h)
    if interp == 3 and src.dtype == np.uint8 and iw == 2 * w and ih == 2 * h:
        # OpenCV's SIMD 2x2 area average: (a + b + c + d + 2) >> 2
        x4 = src[:2 * h, :2 * w].astype(np.int32)
        s4 = x4[0::2, 0::2] + x4[0::2, 1::2] + x4[1::2, 0::2] + x4[1::2, 1::2]
        return ((s4 + 2) >> 2).astype(np.uint8)
    if interp == 0:
        ys = np.minimum(np.floor(np.arange(h) * (ih / h)).astype(np.int64), ih - 1)
        xs = np.minimum(np.floor(np.arange(w) * (iw / w)).astype(np.int64), iw - 1)
        return np.ascontiguousarray(src[ys][:, xs])
    wy = _weights(ih, h, interp, area_down)
    wx = _weights(iw, w, interp, area_down)
    x = src.astype(np.float32 if src.dtype != np.float64 else np.float64)
    squeeze = x.ndim == 2
    if squeeze:
        x = x[:, :, None]
    dt = x.dtype
    ih, iw, c = x.shape
    # two BLAS products (they release the GIL, so decoding threads run in parallel)
    out = (wy.astype(dt) @ x.reshape(ih, iw * c)).reshape(h, iw, c)
    out = (out.transpose(0, 2, 1) @ wx.T.astype(dt)).transpose(0, 2, 1)
    if squeeze:
        out = out[:, :, 0]
    if np.issubdtype(src.dtype, np.integer):
        info = np.iinfo(src.dtype)
        out = np.clip(np.rint(out), info.min, info.max)
    return out.astype(src.dtype)


def copy_make_border(src: np.ndarray, top: int, bot: int, left: int, right: int,
                     type: int = 0, value: Any = 0.0) -> np.ndarray:
    """cv::copyMakeBorder: 0 constant, 1 replicate, 2 reflect, 3 wrap, 4 reflect-101."""
    modes = {0: "constant", 1: "edge", 2: "symmetric", 3: "wrap", 4: "reflect"}
    if type not in modes:
        raise MXNetError(f"copyMakeBorder: unknown border type {type} (0..4)")
    pad = [(top, bot), (left, right)] + [(0, 0)] * (src.ndim - 2)
    if type == 0:
        return np.pad(src, pad, mode="constant", constant_values=value)
    return np.pad(src, pad, mode=modes[type])
