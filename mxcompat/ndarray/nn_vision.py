"""Spatial / vision neural-network ops: samplers, ROI pooling, correlation, the ``*_v1`` names
and the contrib vision layers.

Conventions reproduced from MXNet 1.9.1:

- sampling grids are normalised to [-1, 1] with -1/+1 at the centres of the corner pixels
  (torch's ``align_corners=True``); samples outside the input read zeros;
- ROI coordinates are ``[batch_index, x1, y1, x2, y2]`` in input-image units, scaled by
  ``spatial_scale``; ``ROIPooling`` rounds them half away from zero (C ``round``);
- gradients come from torch autograd, except where MXNet's backward is not the gradient of
  its forward (``IdentityAttachKLSparseReg``).
"""
from __future__ import annotations

import math
from typing import Any, Optional

import numpy as np
import torch
import torch.nn.functional as F

from .. import _dtypes
from .._state import STATE
from ..base import MXNetError, MXNetTypeError, MXNetValueError
from . import nn as _nn
from .nn import _opt
from ._op import Any_, Bool, Enum, Float, Int, OptFloat, OptInt, Shape, When, register, unwrap

_FLOATS = (torch.float16, torch.float32, torch.float64)


def _dname(t: torch.Tensor) -> str:
    return _dtypes.name(t.dtype)


def _need_float(op: str, *named: tuple) -> None:
    for name, t in named:
        if t.dtype not in _FLOATS:
            raise MXNetTypeError(f"{op}: input '{name}' must be a floating point array "
                                 f"(float16/float32/float64), got {_dname(t)}")


def _only_f32(op: str, t: torch.Tensor, msg: str = "") -> None:
    if t.dtype != torch.float32:
        raise MXNetTypeError(f"{op}: {msg or 'Other DTypes are not supported!'} (MXNet's CPU "
                             f"{op} supports float32 only, got {_dname(t)}; input 'data')")


def _same_dtype(op: str, *named: tuple) -> None:
    n0, t0 = named[0]
    for n, t in named[1:]:
        if t.dtype != t0.dtype:
            raise MXNetTypeError(f"{op}: input '{n}' has dtype {_dname(t)}, expected "
                                 f"{_dname(t0)} (the dtype of '{n0}')")


def _ndim(op: str, name: str, t: torch.Tensor, nd: int, what: str = "") -> None:
    if t.dim() != nd:
        raise MXNetValueError(f"{op}: input '{name}' must be {nd}-D{what}, got shape "
                              f"{list(t.shape)}")


def _hw(op: str, p: str, v: tuple, allow_zero: bool = True) -> tuple:
    if len(v) == 1:
        v = (v[0], v[0])
    if len(v) != 2 or any(x < 0 for x in v) or (not allow_zero and any(x <= 0 for x in v)):
        raise MXNetValueError(f"{op}: invalid value {v} for parameter '{p}' (expected two "
                              f"{'non-negative' if allow_zero else 'positive'} integers)")
    return tuple(v)


def _f32(x: torch.Tensor) -> tuple:
    """float16 -> float32 for kernels torch's CPU backend lacks in half; returns (x, dtype)."""
    if x.dtype == torch.float16:
        return x.float(), torch.float16
    return x, x.dtype


# ========================================================================================
# GridGenerator / BilinearSampler / SpatialTransformer
def _affine_grid(theta: torch.Tensor, h: int, w: int) -> torch.Tensor:
    """(N, 6) affine parameters -> (N, 2, h, w) sampling grid (x first, then y)."""
    dt = theta.dtype
    dev = theta.device
    xs = -1.0 + torch.arange(w, dtype=torch.float64, device=dev) * (2.0 / (w - 1) if w > 1
                                                                      else float("inf"))
    ys = -1.0 + torch.arange(h, dtype=torch.float64, device=dev) * (2.0 / (h - 1) if h > 1
                                                                      else float("inf"))
    gx = xs.repeat(h)
    gy = ys.repeat_interleave(w)
    dst = torch.stack([gx, gy, torch.ones_like(gx)]).to(dt)  # (3, h*w)
    out = torch.matmul(theta.reshape(-1, 2, 3), dst)
    return out.reshape(theta.shape[0], 2, h, w)


def _warp_grid(flow: torch.Tensor) -> torch.Tensor:
    n, _, h, w = flow.shape
    dev = flow.device
    jx = torch.arange(w, dtype=flow.dtype, device=dev).reshape(1, 1, w).expand(1, h, w)
    iy = torch.arange(h, dtype=flow.dtype, device=dev).reshape(1, h, 1).expand(1, h, w)
    base = torch.cat([jx, iy]).unsqueeze(0)
    scale = torch.tensor([(w - 1) / 2.0, (h - 1) / 2.0], dtype=flow.dtype,
                         device=dev).reshape(1, 2, 1, 1)
    return (flow + base) / scale - 1.0


@register("GridGenerator", required=("transform_type",),
          params={"transform_type": Enum("affine", "warp"),
                                   "target_shape": Shape},
          family="nn", torch="torch.nn.functional.affine_grid(align_corners=True), permuted "
                             "to (N, 2, H, W)",
          notes="affine: data (N, 6) -> grid (N, 2, H, W); warp: data is a flow (N, 2, H, W) "
                "added to pixel coordinates and normalised to [-1, 1]")
def GridGenerator(data, transform_type=None, target_shape=(0, 0)):
    op = "GridGenerator"
    _only_f32(op, data)
    if transform_type == "affine":
        h, w = _hw(op, "target_shape", tuple(target_shape), allow_zero=False)
        if data.dim() != 2 or data.shape[1] != 6:
            raise MXNetValueError(f"{op}: incorrect shape {list(data.shape)} of input 'data': "
                                  "affine transform_type needs data of shape (batch, 6)")
        x, dt = _f32(data)
        return _affine_grid(x, h, w).to(dt)
    if data.dim() != 4 or data.shape[1] != 2:
        raise MXNetValueError(f"{op}: incorrect shape {list(data.shape)} of input 'data': warp "
                              "transform_type needs a flow of shape (batch, 2, H, W)")
    x, dt = _f32(data)
    return _warp_grid(x).to(dt)


def _bilinear_sample(data: torch.Tensor, grid: torch.Tensor) -> torch.Tensor:
    """MXNet's BilinearSampler: grid (N, 2, H', W') in [-1, 1], zeros outside."""
    x, dt = _f32(data)
    g = grid.to(x.dtype).permute(0, 2, 3, 1)
    out = F.grid_sample(x, g, mode="bilinear", padding_mode="zeros", align_corners=True)
    return out.to(dt)


@register("BilinearSampler", params={"cudnn_off": OptInt},
          family="nn", torch="torch.nn.functional.grid_sample(mode='bilinear', "
                             "padding_mode='zeros', align_corners=True) with the grid "
                             "permuted to (N, H, W, 2)",
          notes="grid (N, 2, H', W'): channel 0 is x, channel 1 is y, normalised to [-1, 1]; "
                "samples outside the input read 0")
def BilinearSampler(data, grid, cudnn_off=None):
    op = "BilinearSampler"
    _need_float(op, ("data", data), ("grid", grid))
    _same_dtype(op, ("data", data), ("grid", grid))
    _ndim(op, "data", data, 4, " (batch, channel, height, width)")
    _ndim(op, "grid", grid, 4, " (batch, 2, height, width)")
    if grid.shape[0] != data.shape[0] or grid.shape[1] != 2:
        raise MXNetValueError(f"{op}: incorrect shape {list(grid.shape)} of input 'grid': expected "
                              f"({data.shape[0]}, 2, H, W) for data {list(data.shape)}")
    return _bilinear_sample(data, grid)


@register("SpatialTransformer", required=("sampler_type", "transform_type"),
          params={"target_shape": Shape,
                                        "transform_type": Enum("affine"),
                                        "sampler_type": Enum("bilinear"),
                                        "cudnn_off": OptInt},
          family="nn", torch="affine_grid + grid_sample(align_corners=True, zeros padding)",
          notes="GridGenerator(affine) followed by BilinearSampler")
def SpatialTransformer(data, loc, target_shape=(0, 0), transform_type=None,
                       sampler_type=None, cudnn_off=None):
    op = "SpatialTransformer"
    _need_float(op, ("data", data), ("loc", loc))
    _same_dtype(op, ("data", data), ("loc", loc))
    if data.dtype == torch.float16:
        raise MXNetTypeError(f"{op}: FP16 gemm on cpu not implemented! (input 'data' is "
                             "float16; use float32 or float64)")
    _ndim(op, "data", data, 4, " (batch, channel, height, width)")
    h, w = _hw(op, "target_shape", tuple(target_shape), allow_zero=False)
    if loc.dim() != 2 or loc.shape != (data.shape[0], 6):
        raise MXNetValueError(f"{op}: incorrect shape {list(loc.shape)} of input 'loc': expected "
                              f"({data.shape[0]}, 6)")
    x, dt = _f32(data)
    grid = _affine_grid(loc.to(x.dtype), h, w)
    return _bilinear_sample(x, grid).to(dt)


# ========================================================================================
# ROI pooling family
def _roi_check(op: str, data: torch.Tensor, rois: torch.Tensor) -> None:
    _need_float(op, ("data", data), ("rois", rois))
    _same_dtype(op, ("data", data), ("rois", rois))
    _ndim(op, "data", data, 4, " (batch, channel, height, width)")
    if rois.dim() != 2 or rois.shape[1] != 5:
        raise MXNetValueError(f"{op}: input 'rois' must have shape (num_rois, 5) "
                              f"[batch_index, x1, y1, x2, y2], got {list(rois.shape)}")


def _pooled(op: str, pooled_size: Any, spatial_scale: Any = 1.0) -> tuple:
    """The (height, width) of ``pooled_size``; the ROI ops also require ``spatial_scale``."""
    ps = tuple(pooled_size)
    if len(ps) != 2 or ps[0] <= 0 or ps[1] <= 0:
        raise MXNetValueError(f"{op}: invalid value {tuple(pooled_size)} for parameter "
                              "'pooled_size' (expected dimension=2: two positive integers)")
    return ps


def _c_round(x: float) -> int:
    """C ``round``: half away from zero."""
    return int(math.floor(abs(x) + 0.5)) * (1 if x >= 0 else -1)


def _batch_index(op: str, r: torch.Tensor, n: int) -> int:
    b = int(r[0].item())
    if not 0 <= b < n:
        raise MXNetValueError(f"{op}: roi batch index {b} is out of range for a batch of "
                              f"{n} (input 'rois')")
    return b


@register("ROIPooling", required=("pooled_size", "spatial_scale"),
          params={"pooled_size": Shape, "spatial_scale": Float},
          family="nn", torch="per ROI: torch.amax over each bin (no torch equivalent; "
                             "torchvision.ops.roi_pool is close)",
          notes="ROI corners rounded half away from zero after scaling; bins "
                "floor/ceil-split; empty bins give 0; the gradient goes to the first maximum")
def ROIPooling(data, rois, pooled_size=None, spatial_scale=None):
    op = "ROIPooling"
    ph, pw = _pooled(op, pooled_size, spatial_scale)
    _roi_check(op, data, rois)
    n, c, h, w = data.shape
    npdt = torch.float32 if data.dtype == torch.float16 else data.dtype
    scale = torch.tensor(spatial_scale, dtype=npdt).item()
    r_cpu = rois.detach().to("cpu", npdt)
    outs = []
    neg = torch.tensor(float("-inf"), dtype=data.dtype, device=data.device)
    for k in range(rois.shape[0]):
        r = r_cpu[k]
        b = _batch_index(op, r, n)
        sw, sh, ew, eh = (_c_round(float(torch.tensor(float(r[i]) * scale, dtype=npdt)))
                          for i in (1, 2, 3, 4))
        rh, rw = max(eh - sh + 1, 1), max(ew - sw + 1, 1)
        bh = torch.tensor(rh, dtype=npdt) / ph
        bw = torch.tensor(rw, dtype=npdt) / pw
        hs = [min(max(int(math.floor(float(i * bh))) + sh, 0), h) for i in range(ph)]
        he = [min(max(int(math.ceil(float((i + 1) * bh))) + sh, 0), h) for i in range(ph)]
        ws = [min(max(int(math.floor(float(j * bw))) + sw, 0), w) for j in range(pw)]
        we = [min(max(int(math.ceil(float((j + 1) * bw))) + sw, 0), w) for j in range(pw)]
        # work on the ROI's bounding box only
        h0, h1 = min(hs), max(max(he), min(hs) + 1)
        w0, w1 = min(ws), max(max(we), min(ws) + 1)
        hh, ww = h1 - h0, w1 - w0
        cm = torch.zeros(pw, ww, dtype=torch.bool)
        for j in range(pw):
            cm[j, ws[j] - w0:we[j] - w0] = True
        rm = torch.zeros(ph, hh, dtype=torch.bool)
        for i in range(ph):
            rm[i, hs[i] - h0:he[i] - h0] = True
        cm, rm = cm.to(data.device), rm.to(data.device)
        x = data[b, :, h0:h1, w0:w1]  # (C, hh, ww)
        # max over the columns of each bin (per row), then over the rows: the first
        # maximum in row-major order wins, as in MXNet's loop
        if x.shape[1] == 0 or x.shape[2] == 0:  # the whole ROI lies outside the image
            outs.append(data.new_zeros((c, ph, pw)))
            continue
        t = torch.where(cm.reshape(1, 1, pw, ww), x.unsqueeze(2), neg)  # (C, hh, PW, ww)
        t = t.max(dim=3).values  # (C, hh, PW)
        t = torch.where(rm.reshape(1, ph, hh, 1), t.unsqueeze(1), neg)  # (C, PH, hh, PW)
        t = t.max(dim=2).values  # (C, PH, PW)
        empty = ~(rm.any(1).reshape(ph, 1) & cm.any(1).reshape(1, pw))
        outs.append(torch.where(empty, torch.zeros((), dtype=data.dtype,
                                                   device=data.device), t))
    if not outs:
        return data.new_zeros((0, c, ph, pw))
    return torch.stack(outs)


def _interp_matrix(pos: torch.Tensor, size: int, dtype: torch.dtype) -> torch.Tensor:
    """Rows of bilinear weights (len(pos), size) with ROIAlign's border rules."""
    m = torch.zeros(pos.shape[0], size, dtype=dtype)
    for i, y in enumerate(pos.tolist()):
        if y < -1.0 or y > size:
            continue
        y = max(y, 0.0)
        lo = int(y)
        if lo >= size - 1:
            lo = hi = size - 1
            y = float(lo)
        else:
            hi = lo + 1
        ly = y - lo
        m[i, lo] += 1.0 - ly
        m[i, hi] += ly
    return m


@register("ROIAlign", required=("pooled_size", "spatial_scale"),
          ns="contrib",
          params={"pooled_size": Shape, "spatial_scale": Float, "sample_ratio": Int,
                  "position_sensitive": Bool, "aligned": Bool},
          family="nn", torch="torchvision.ops.roi_align (not a dependency here: per ROI, "
                             "separable bilinear weight matrices)",
          notes="sample_ratio<=0: ceil(roi_size/pooled_size) samples per bin; aligned=True "
                "shifts by half a pixel; rois with a negative batch index give 0; no "
                "gradient w.r.t. rois")
def ROIAlign(data, rois, pooled_size=None, spatial_scale=None, sample_ratio=-1,
             position_sensitive=False, aligned=False):
    op = "ROIAlign"
    ph, pw = _pooled(op, pooled_size, spatial_scale)
    _roi_check(op, data, rois)
    n, c, h, w = data.shape
    if position_sensitive and c % (ph * pw):
        raise MXNetValueError(f"{op}: with position_sensitive=True the number of channels "
                              f"({c}) must be divisible by pooled_size[0]*pooled_size[1] "
                              f"({ph * pw})")
    cout = c // (ph * pw) if position_sensitive else c
    x, dt = _f32(data)
    cdt = x.dtype
    r_all = rois.detach().to("cpu", torch.float64)
    off = 0.5 if aligned else 0.0
    outs = []
    for k in range(rois.shape[0]):
        r = r_all[k].tolist()
        b = int(r[0])
        if b < 0:
            outs.append(x.new_zeros((cout, ph, pw)))
            continue
        if b >= n:
            raise MXNetValueError(f"{op}: roi batch index {b} is out of range for a batch "
                                  f"of {n} (input 'rois')")
        x1, y1, x2, y2 = (v * spatial_scale - off for v in r[1:])
        rw, rh = x2 - x1, y2 - y1
        if not aligned:
            rw, rh = max(rw, 1.0), max(rh, 1.0)
        elif rw <= 0 or rh <= 0:  # MXNet: "Check failed: roi_width > 0" (process abort)
            raise MXNetValueError(f"{op}: with aligned=True every ROI must have a positive "
                                  f"width and height (input 'rois', row {k}: {r[1:]})")
        bh, bw = rh / ph, rw / pw
        gh = sample_ratio if sample_ratio > 0 else int(math.ceil(rh / ph))
        gw = sample_ratio if sample_ratio > 0 else int(math.ceil(rw / pw))
        cnt = max(gh * gw, 1)
        if gh <= 0 or gw <= 0:
            outs.append(x.new_zeros((cout, ph, pw)))
            continue
        ys = torch.tensor([y1 + i * bh + (iy + 0.5) * bh / gh for i in range(ph)
                           for iy in range(gh)], dtype=torch.float64)
        xs = torch.tensor([x1 + j * bw + (ix + 0.5) * bw / gw for j in range(pw)
                           for ix in range(gw)], dtype=torch.float64)
        my = _interp_matrix(ys, h, cdt).to(x.device).reshape(ph, gh, h).sum(1)
        mx_ = _interp_matrix(xs, w, cdt).to(x.device).reshape(pw, gw, w).sum(1)
        full = torch.matmul(torch.matmul(my, x[b]), mx_.t()) / cnt  # (C, PH, PW)
        if position_sensitive:
            full = full.reshape(cout, ph * pw, ph * pw)
            full = torch.diagonal(full, dim1=1, dim2=2).reshape(cout, ph, pw)
        outs.append(full)
    if not outs:
        return data.new_zeros((0, cout, ph, pw))
    return torch.stack(outs).to(dt)


@register("PSROIPooling", required=("output_dim", "pooled_size", "spatial_scale"),
          ns="contrib",
          params={"spatial_scale": Float, "output_dim": Int, "pooled_size": Int,
                  "group_size": Int},
          family="nn", torch="per ROI: average of each bin over its position-sensitive "
                             "channel group",
          notes="ROI corners rounded before scaling, end corner +1; group_size 0 means "
                "pooled_size")
def PSROIPooling(data, rois, spatial_scale=None, output_dim=None, pooled_size=None,
                 group_size=0):
    op = "PSROIPooling"
    if pooled_size <= 0 or output_dim <= 0:
        raise MXNetValueError(f"{op}: pooled_size ({pooled_size}) and output_dim "
                              f"({output_dim}) must be positive")
    g = group_size if group_size > 0 else pooled_size
    _roi_check(op, data, rois)
    n, c, h, w = data.shape
    if c != output_dim * g * g:
        raise MXNetValueError(f"{op}: the channels ({c}) of input 'data' must equal "
                              f"output_dim * group_size^2 ({output_dim} * {g}^2)")
    p = pooled_size
    x, dt = _f32(data)
    cdt = x.dtype
    r_all = rois.detach().to("cpu", cdt)
    outs = []
    for k in range(rois.shape[0]):
        r = r_all[k]
        b = _batch_index(op, r, n)

        def f(v: float) -> float:
            return float(torch.tensor(v, dtype=cdt))
        sw = f(_c_round(float(r[1])) * spatial_scale)
        sh = f(_c_round(float(r[2])) * spatial_scale)
        ew = f((_c_round(float(r[3])) + 1.0) * spatial_scale)
        eh = f((_c_round(float(r[4])) + 1.0) * spatial_scale)
        rw, rh = f(max(ew - sw, 0.1)), f(max(eh - sh, 0.1))
        bh, bw = f(rh / p), f(rw / p)
        res = x.new_zeros((output_dim, p, p))
        cells = []
        for i in range(p):
            hs = min(max(int(math.floor(f(i * bh + sh))), 0), h)
            he = min(max(int(math.ceil(f((i + 1) * bh + sh))), 0), h)
            gh = min(max(int(math.floor(i * g / p)), 0), g - 1)
            row = []
            for j in range(p):
                ws = min(max(int(math.floor(f(j * bw + sw))), 0), w)
                we = min(max(int(math.ceil(f((j + 1) * bw + sw))), 0), w)
                gw = min(max(int(math.floor(j * g / p)), 0), g - 1)
                if he <= hs or we <= ws:
                    row.append(x.new_zeros((output_dim,)))
                    continue
                chans = torch.arange(output_dim, device=x.device) * g * g + gh * g + gw
                blk = x[b, chans, hs:he, ws:we]
                row.append(blk.sum(dim=(1, 2)) / ((he - hs) * (we - ws)))
            cells.append(torch.stack(row, dim=1))
        res = torch.stack(cells, dim=1)
        outs.append(res)
    if not outs:
        return data.new_zeros((0, output_dim, p, p))
    return torch.stack(outs).to(dt)


# ========================================================================================
# Correlation
@register("Correlation", params={"kernel_size": Int, "max_displacement": Int, "stride1": Int,
                                 "stride2": Int, "pad_size": Int, "is_multiply": Bool},
          family="nn", torch="shifted products / absolute differences averaged with "
                             "torch.nn.functional.avg_pool2d (FlowNet correlation)",
          notes="output channels (2*(max_displacement//stride2)+1)^2; values averaged over "
                "kernel_size^2 * channels")
def Correlation(data1, data2, kernel_size=1, max_displacement=1, stride1=1, stride2=1,
                pad_size=0, is_multiply=True):
    op = "Correlation"
    _need_float(op, ("data1", data1), ("data2", data2))
    _same_dtype(op, ("data1", data1), ("data2", data2))
    _ndim(op, "data1", data1, 4, " (batch, channel, height, width)")
    if data1.shape != data2.shape:
        raise MXNetValueError(f"{op}: data1 {list(data1.shape)} and data2 "
                              f"{list(data2.shape)} must have the same shape")
    for p, v, lo in (("kernel_size", kernel_size, 1), ("stride1", stride1, 1),
                     ("stride2", stride2, 1), ("max_displacement", max_displacement, 0),
                     ("pad_size", pad_size, 0)):
        if v < lo:
            raise MXNetValueError(f"{op}: invalid value {v} for parameter '{p}' (must be "
                                  f">= {lo})")
    if kernel_size % 2 == 0:
        raise MXNetValueError(f"{op}: kernel_size ({kernel_size}) must be odd")
    n, c, h, w = data1.shape
    kr = (kernel_size - 1) // 2
    border = max_displacement + kr
    hp, wp = h + 2 * pad_size, w + 2 * pad_size
    th = int(math.ceil((hp - 2 * border) / stride1))
    tw = int(math.ceil((wp - 2 * border) / stride1))
    if th < 1 or tw < 1:
        raise MXNetValueError(f"{op}: the padded input ({hp}x{wp}) is too small for "
                              f"max_displacement {max_displacement} and kernel_size "
                              f"{kernel_size} (input 'data1')")
    rad = max_displacement // stride2
    gw = 2 * rad + 1
    x1, dt = _f32(data1)
    x2 = data2.to(x1.dtype)
    p1 = F.pad(x1, [pad_size] * 4)
    p2 = F.pad(x2, [pad_size] * 4)
    md = max_displacement
    # the rows/cols the windows of top-left corners y1 = i*stride1 + md cover
    span_h = (th - 1) * stride1 + kernel_size
    span_w = (tw - 1) * stride1 + kernel_size
    a = p1[:, :, md:md + span_h, md:md + span_w]
    outs = []
    for tc in range(gw * gw):
        dx = (tc % gw - rad) * stride2
        dy = (tc // gw - rad) * stride2
        b = p2[:, :, md + dy:md + dy + span_h, md + dx:md + dx + span_w]
        prod = a * b if is_multiply else (a - b).abs()
        s = prod.sum(dim=1, keepdim=True)
        outs.append(F.avg_pool2d(s, kernel_size, stride1) / c)
    return torch.cat(outs, dim=1).to(dt)


# ========================================================================================
# Legacy *_v1 names (the maths of nn.py's ops under the v1 parameter sets)
def _renamed(e: MXNetError, old: str, new: str) -> MXNetError:
    msg = str(e)
    if msg.startswith(old + ":") or msg.startswith(old + " "):
        msg = new + msg[len(old):]
    return type(e)(msg)


@register("Convolution_v1", required=("kernel", "num_filter"),
          optional={"bias": When("no_bias", False)},
          types={"num_filter": "int (non-negative)"},
          params={"bias": Any_, "kernel": Shape, "num_filter": Int,
                                    "stride": Shape, "dilate": Shape, "pad": Shape,
                                    "num_group": Int, "workspace": Int, "no_bias": Bool,
                                    "cudnn_tune": Any_, "cudnn_off": Bool,
                                    "layout": Enum("None", "NCDHW", "NCHW", "NDHWC", "NHWC")},
          family="nn", torch="torch.nn.functional.conv2d",
          notes="Convolution's maths; 2-D kernels only, no float16 (as MXNet's CPU build)")
def Convolution_v1(data, weight, bias=None, kernel=None, stride=(), dilate=(), pad=(),
                   num_filter=None, num_group=1, workspace=1024, no_bias=False,
                   cudnn_tune=None, cudnn_off=False, layout=None):
    op = "Convolution_v1"
    if kernel is not None and len(kernel) != 2:
        raise MXNetValueError(f"{op}: only 2-D kernels are supported (MXNet: 1D convolution "
                              "not supported / Volume convolution is not implemented), got "
                              f"kernel={kernel}")
    if data.dtype == torch.float16:
        raise MXNetTypeError(f"{op}: FP16 gemm on cpu not implemented! (input 'data' is "
                             "float16)")
    try:
        return _nn.Convolution._mx_impl(data, weight, bias, kernel, stride, dilate, pad,
                                        num_filter, num_group, workspace, no_bias,
                                        cudnn_tune, cudnn_off, layout)
    except MXNetError as e:
        raise _renamed(e, "Convolution", op) from None


@register("Pooling_v1", params={"kernel": Shape, "pool_type": Enum("avg", "max", "sum"),
                                "global_pool": Bool,
                                "pooling_convention": Enum("full", "valid"),
                                "stride": Shape, "pad": Shape},
          family="nn", torch="max_pool2d / avg_pool2d on a zero-padded input",
          notes="padding is zeros (also for max); avg divides by the full kernel size")
def Pooling_v1(data, kernel=(), pool_type="max", global_pool=False,
               pooling_convention="valid", stride=(), pad=()):
    op = "Pooling_v1"
    _need_float(op, ("data", data))
    nd = data.dim() - 2
    if nd != 2:
        raise MXNetValueError(f"{op}: input data should be 4D in (batch, channel, y, x) "
                              f"(MXNet's Pooling_v1 has no 1-D or 3-D kernels), got shape "
                              f"{list(data.shape)}")
    if not global_pool and len(kernel) == 0:
        raise MXNetValueError(f"{op}: 0D pooling not supported (parameter 'kernel' is "
                              "required unless global_pool=True)")
    if not global_pool and len(kernel) not in (0, nd):
        raise MXNetValueError(f"{op}: kernel {kernel} must have {nd} dims for a "
                              f"{data.dim()}-D input")
    x = data
    if pad and not global_pool and any(pad):
        if len(pad) != nd:
            raise MXNetValueError(f"{op}: pad {pad} must have {nd} dims")
        spec = []
        for i in reversed(range(nd)):
            spec += [pad[i], pad[i]]
        x = F.pad(data, spec)
    kind = "sum" if pool_type == "avg" else pool_type
    try:
        r = _nn.Pooling._mx_impl(x, kernel=kernel, pool_type=kind, global_pool=global_pool,
                                 pooling_convention=pooling_convention, stride=stride,
                                 pad=(), layout=None)
    except MXNetError as e:
        raise _renamed(e, "Pooling", op) from None
    if pool_type == "avg":
        k = tuple(data.shape[2:]) if global_pool else tuple(kernel)
        r = r / math.prod(k)
    return r


def _need_aux(op: str, names: tuple, got: tuple, n_in: int) -> None:
    if any(v is None for v in got):
        raise MXNetValueError(
            f"{op}: Operator {op} expects {n_in + len(names)} inputs, but got "
            f"{n_in + sum(v is not None for v in got)} instead (its auxiliary state"
            f"{'s' if len(names) > 1 else ''} {', '.join(names)} must be passed as keyword "
            f"argument{'s' if len(names) > 1 else ''}; MXNet's mx.nd cannot pass them at all)")


@register("BatchNorm_v1", optional={"moving_mean": None, "moving_var": None},
          aux=("moving_mean", "moving_var"), outputs=_nn._bn_outputs,
          params={"eps": Float, "momentum": Float, "fix_gamma": Bool,
                                  "use_global_stats": Bool, "output_mean_var": Bool,
                                  "moving_mean": Any_, "moving_var": Any_},
          family="nn", torch="as BatchNorm (axis 1)",
          notes="moving_mean/moving_var (auxiliary states) are keyword arguments: MXNet's "
                "mx.nd.BatchNorm_v1 has no way to pass them and always fails")
def BatchNorm_v1(data, gamma, beta, eps=1e-3, momentum=0.9, fix_gamma=True,
                 use_global_stats=False, output_mean_var=False, moving_mean=None,
                 moving_var=None):
    op = "BatchNorm_v1"
    _need_aux(op, ("moving_mean", "moving_var"), (moving_mean, moving_var), 3)
    mm = unwrap(moving_mean, op, "moving_mean")
    mv = unwrap(moving_var, op, "moving_var")
    try:
        out = _nn.BatchNorm._mx_impl(data, gamma, beta, mm, mv, eps=eps, momentum=momentum,
                                     fix_gamma=fix_gamma, use_global_stats=use_global_stats,
                                     output_mean_var=False, axis=1)
    except MXNetError as e:
        raise _renamed(e, "BatchNorm", op) from None
    if not output_mean_var:
        return out
    # v1's extra outputs are the mean and the (biased) variance, not BatchNorm's inv_std
    if STATE.training and not use_global_stats:
        red = [i for i in range(data.dim()) if i != 1]
        var, mean = torch.var_mean(data.detach(), dim=red, unbiased=False)
    else:
        mean, var = mm.to(data.dtype), mv.to(data.dtype)
    return [out, mean, var]


# ========================================================================================
# Crop
@register("Crop", variadic=True, params={"num_args": Int, "offset": Shape, "h_w": Shape,
                                         "center_crop": Bool},
          family="nn", torch="tensor slicing data[:, :, y:y+h, x:x+w]",
          notes="crop to h_w, or to the spatial size of a second (crop_like) input; offset "
                "(y, x) or center_crop; no gradient to the crop_like input")
def Crop(*data, num_args=None, offset=(0, 0), h_w=(0, 0), center_crop=False):
    op = "Crop"
    if num_args not in (1, 2):
        raise MXNetValueError(f"{op}: invalid value {num_args} for parameter 'num_args' "
                              "(expected 1 or 2)")
    if len(data) != num_args:
        raise MXNetValueError(f"{op}: Operator Crop expects {num_args} inputs (num_args), "
                              f"but got {len(data)} instead")
    x = data[0]
    for i, t in enumerate(data):
        _only_f32(op, t, f"Unsupported data type {_dname(t)} for input {i}")
    if x.dim() != 4:
        raise MXNetValueError(f"{op}: input data should be 4D in batch-num_filter-y-x, got "
                              f"shape {list(x.shape)}")
    off = _hw(op, "offset", tuple(offset))
    if num_args == 2:
        like = data[1]
        if like.dim() != 4:
            raise MXNetValueError(f"{op}: the crop_like input should be 4D, got shape "
                                  f"{list(like.shape)}")
        ch, cw = like.shape[2], like.shape[3]
    else:
        ch, cw = _hw(op, "h_w", tuple(h_w))
        if ch == 0 or cw == 0:
            raise MXNetValueError(f"{op}: h_w {tuple(h_w)} must be positive when num_args=1 "
                                  "(parameter 'h_w')")
    h, w = x.shape[2], x.shape[3]
    if ch > h or cw > w:
        raise MXNetValueError(f"{op}: the crop size ({ch}, {cw}) (parameter 'h_w' or the "
                              f"crop-like input) exceeds the input size ({h}, {w}) of 'data'")
    if center_crop:
        oy, ox = (h - ch) // 2, (w - cw) // 2
    else:
        oy, ox = off
        if oy + ch > h or ox + cw > w:
            raise MXNetValueError(f"{op}: offset {tuple(offset)} + crop size ({ch}, {cw}) "
                                  f"exceeds the input size ({h}, {w}) (parameter 'offset')")
    return x[:, :, oy:oy + ch, ox:ox + cw].clone()


# ========================================================================================
# IdentityAttachKLSparseReg
class _KLSparse(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, avg, target, penalty, momentum):  # type: ignore[override]
        ctx.save_for_backward(x)
        ctx.args = (avg, target, penalty, momentum)
        return x.clone()

    @staticmethod
    def backward(ctx, g):  # type: ignore[override]
        (x,) = ctx.saved_tensors
        avg, target, penalty, m = ctx.args
        with torch.no_grad():
            avg.mul_(m).add_(x.to(avg.dtype).mean(0), alpha=1 - m)
            a = avg.to(g.dtype)
            reg = penalty * (-target / a + (1 - target) / (1 - a))
        return g + reg.unsqueeze(0), None, None, None, None


@register("IdentityAttachKLSparseReg", optional={"moving_avg": None}, aux=("moving_avg",),
          params={"sparseness_target": Float, "penalty": Float,
                                               "momentum": Float, "moving_avg": Any_},
          family="nn", torch="identity forward; custom torch.autograd.Function backward",
          notes="backward updates moving_avg (momentum-weighted batch mean) and adds "
                "penalty*(-t/avg + (1-t)/(1-avg)); moving_avg (an auxiliary state) is a "
                "keyword argument: MXNet's mx.nd has no way to pass it and always fails")
def IdentityAttachKLSparseReg(data, sparseness_target=0.1, penalty=0.001, momentum=0.9,
                              moving_avg=None):
    op = "IdentityAttachKLSparseReg"
    _need_aux(op, ("moving_avg",), (moving_avg,), 1)
    avg = unwrap(moving_avg, op, "moving_avg")
    _need_float(op, ("data", data))
    _ndim(op, "data", data, 2, " (batch, units)")
    if tuple(avg.shape) != (data.shape[1],):
        raise MXNetValueError(f"{op}: moving_avg must have shape ({data.shape[1]},), got "
                              f"{list(avg.shape)}")
    if data.requires_grad:
        return _KLSparse.apply(data, avg, float(sparseness_target), float(penalty),
                               float(momentum))
    return data.clone()


# ========================================================================================
# contrib.BilinearResize2D / AdaptiveAvgPooling2D
_RESIZE_MODES = ("size", "odd_scale", "like", "to_even_down", "to_even_up", "to_odd_down",
                 "to_odd_up")


def _resize_linear_weights(n_in: int, n_out: int, align: bool, dtype: torch.dtype,
                           device: Any) -> torch.Tensor:
    """(n_out, n_in) interpolation matrix along one axis, MXNet's source-index rules (the
    source positions and fractional weights are computed in float32 whatever the data
    dtype)."""
    f = np.float32
    m = np.zeros((n_out, n_in), dtype=np.float64)
    if align:
        rs = f(n_in - 1) / f(n_out - 1) if n_out > 1 else f(0.0)
    else:
        rs = f(n_in) / f(n_out)
    for o in range(n_out):
        if align:
            src = f(rs * f(o))
        else:
            src = max(f(rs * f(f(o) + f(0.5)) - f(0.5)), f(0.0))
        i0 = int(src)
        i1 = i0 + 1 if i0 < n_in - 1 else i0
        l1 = f(src - f(i0))
        m[o, i0] += 1.0 - float(l1)  # the complement is taken in the data dtype
        m[o, i1] += float(l1)
    return torch.from_numpy(m).to(dtype=dtype, device=device)


@register("BilinearResize2D", optional={"like": When("mode", "like")},
          ns="contrib",
          params={"like": Any_, "height": Int, "width": Int, "scale_height": OptFloat,
                  "scale_width": OptFloat, "mode": Enum(*_RESIZE_MODES),
                  "align_corners": Bool},
          family="nn", torch="torch.nn.functional.interpolate(mode='bilinear', "
                             "align_corners=...) (same weights, as a separable matmul)",
          notes="scale_height/scale_width override height/width; modes size, like, "
                "odd_scale, to_even_*/to_odd_*")
def BilinearResize2D(data, like=None, height=1, width=1, scale_height=None,
                     scale_width=None, mode="size", align_corners=True):
    op = "BilinearResize2D"
    _need_float(op, ("data", data))
    _ndim(op, "data", data, 4, " (batch, channel, height, width)")
    lk = _opt(like, op, "like")
    h, w = data.shape[2], data.shape[3]
    if mode == "like":
        if lk is None:
            raise MXNetValueError(f"{op}: mode='like' needs the input 'like'")
        oh, ow = lk.shape[2], lk.shape[3]
    elif mode == "size":
        if (scale_height is None) != (scale_width is None):
            raise MXNetValueError(f"{op}: scale_height and scale_width must be given together "
                                  "(MXNet fails with 'bad optional access')")
        if scale_height is not None:
            oh = int(h * scale_height)
        else:
            oh = height
        if scale_width is not None:
            ow = int(w * scale_width)
        else:
            ow = width
    elif mode == "odd_scale":
        sh = scale_height if scale_height is not None else 1.0
        sw = scale_width if scale_width is not None else 1.0
        oh = int((h - 1) * sh) + 1 if h % 2 else int(h * sh)
        ow = int((w - 1) * sw) + 1 if w % 2 else int(w * sw)
    else:
        even = mode.startswith("to_even")
        up = mode.endswith("up")

        def fix(v: int) -> int:
            want_even = even
            if (v % 2 == 0) == want_even:
                return v
            return v + 1 if up else v - 1
        oh, ow = fix(h), fix(w)
    if oh <= 0 or ow <= 0:
        raise MXNetValueError(f"{op}: output size ({oh}, {ow}) must be positive (parameters "
                              "'height'/'width'/'scale_height'/'scale_width')")
    x, dt = _f32(data)
    my = _resize_linear_weights(h, oh, align_corners, x.dtype, x.device)
    mx_ = _resize_linear_weights(w, ow, align_corners, x.dtype, x.device)
    return torch.matmul(torch.matmul(my, x), mx_.t()).to(dt)


@register("AdaptiveAvgPooling2D", ns="contrib", params={"output_size": Shape},
          family="nn", torch="torch.nn.functional.adaptive_avg_pool2d",
          notes="bins [floor(i*H/oh), ceil((i+1)*H/oh)); output_size () means 1x1, one "
                "value means square")
def AdaptiveAvgPooling2D(data, output_size=()):
    op = "AdaptiveAvgPooling2D"
    _need_float(op, ("data", data))
    _ndim(op, "data", data, 4, " (batch, channel, height, width)")
    os_ = tuple(output_size)
    if len(os_) == 0:
        os_ = (1, 1)
    elif len(os_) == 1:
        os_ = (os_[0], os_[0])
    if os_ == (0, 0):  # MXNet gives an empty (N, C, 0, 0) result
        return data.new_zeros(tuple(data.shape[:2]) + (0, 0))
    if len(os_) != 2 or os_[0] <= 0 or os_[1] <= 0:
        raise MXNetValueError(f"{op}: invalid value {tuple(output_size)} for parameter "
                              "'output_size' (expected one or two positive integers)")
    x, dt = _f32(data)
    return F.adaptive_avg_pool2d(x, os_).to(dt)


# ========================================================================================
# contrib.SyncBatchNorm / BatchNormWithReLU
def _process_group() -> Any:
    """``torch.distributed`` when a process group of more than one process is active (a
    ``dist_*`` KVStore joined it, or the script called ``init_process_group``), else None."""
    try:
        import torch.distributed as dist
    except ImportError:  # pragma: no cover - torch built without distributed
        return None
    if not (dist.is_available() and dist.is_initialized()):
        return None
    return dist if dist.get_world_size() > 1 else None


def _sync_bn_across_processes(op, data, gamma, beta, moving_mean, moving_var, eps, momentum,
                              fix_gamma, output_mean_var):
    """mxcompat extension: training-mode SyncBatchNorm over every process's batch. The
    per-channel sum and element count, then the sum of squared deviations from the global
    mean, are all-reduced (``torch.distributed.nn.functional.all_reduce``, whose backward
    all-reduces the gradients, so autograd sees the global statistics); every process then
    normalises with, and updates its moving statistics from, the same mean and variance."""
    from torch.distributed.nn.functional import all_reduce
    nd, c = data.dim(), data.shape[1]
    for t, n in ((gamma, "gamma"), (beta, "beta"), (moving_mean, "moving_mean"),
                 (moving_var, "moving_var")):
        _nn._shape_check(op, n, t, (c,))
    red = [i for i in range(nd) if i != 1]
    try:
        local = torch.cat([data.sum(dim=red),
                           data.new_tensor([float(data.numel() // max(c, 1))])])
        tot = all_reduce(local)
        count = tot[c].detach()
        if float(count) == 0:
            raise MXNetValueError(f"{op}: the batches of all processes are empty")
        mean = tot[:c] / count
        dev = data - _nn._bcast(mean, nd, 1)
        var = all_reduce((dev * dev).sum(dim=red)) / count
    except RuntimeError as e:
        raise MXNetError(f"{op}: the cross-process all_reduce of the batch statistics failed "
                         f"(a worker died or left?) [{type(e).__name__}: {e}]") from None
    if fix_gamma:
        g = gamma * 0 + 1 if gamma.requires_grad else torch.ones_like(gamma)
    else:
        g = gamma
    inv_std = torch.rsqrt(var + eps)
    out = dev * _nn._bcast(inv_std * g, nd, 1) + _nn._bcast(beta, nd, 1)
    if out.requires_grad:
        out = _nn._MovingStats.apply(out, moving_mean, moving_var, mean.detach(), var.detach(),
                                     float(momentum), gamma if fix_gamma else None)
    if output_mean_var:
        return [out, mean, inv_std]
    return out


@register("SyncBatchNorm", required=("key",), types={"key": "string"},
          aux=("moving_mean", "moving_var"), outputs=_nn._bn_outputs,
          ns="contrib",
          params={"eps": Float, "momentum": Float, "fix_gamma": Bool,
                  "use_global_stats": Bool, "output_mean_var": Bool, "ndev": Int,
                  "key": Any_},
          family="nn", torch="as BatchNorm (one device: no cross-device reduction)",
          notes="one device: the same as BatchNorm with axis 1")
def SyncBatchNorm(data, gamma, beta, moving_mean, moving_var, eps=1e-3, momentum=0.9,
                  fix_gamma=True, use_global_stats=False, output_mean_var=False, ndev=1,
                  key=None):
    op = "SyncBatchNorm"
    _only_f32(op, data, "TBlob.get_with_shape: data type do not match")
    if not use_global_stats and data.dim() >= 2 and _nn._training() and \
            _process_group() is not None:
        return _sync_bn_across_processes(op, data, gamma, beta, moving_mean, moving_var, eps,
                                         momentum, fix_gamma, output_mean_var)
    try:
        return _nn.BatchNorm._mx_impl(data, gamma, beta, moving_mean, moving_var, eps=eps,
                                      momentum=momentum, fix_gamma=fix_gamma,
                                      use_global_stats=use_global_stats,
                                      output_mean_var=output_mean_var, axis=1)
    except MXNetError as e:
        raise _renamed(e, "BatchNorm", op) from None


@register("BatchNormWithReLU", aux=("moving_mean", "moving_var"), outputs=_nn._bn_outputs,
          ns="contrib",
          params={"eps": Float, "momentum": Float, "fix_gamma": Bool,
                  "use_global_stats": Bool, "output_mean_var": Bool, "axis": Int,
                  "cudnn_off": Bool, "min_calib_range": OptFloat,
                  "max_calib_range": OptFloat},
          family="nn", torch="BatchNorm then torch.relu",
          notes="BatchNorm followed by relu")
def BatchNormWithReLU(data, gamma, beta, moving_mean, moving_var, eps=1e-3, momentum=0.9,
                      fix_gamma=True, use_global_stats=False, output_mean_var=False, axis=1,
                      cudnn_off=False, min_calib_range=None, max_calib_range=None):
    op = "BatchNormWithReLU"
    _only_f32(op, data, "BatchNormWithReLU operator only supports MKL-DNN Backend.")
    if data.dim() != 4:
        raise MXNetValueError(f"{op}: BatchNormWithReLU operator only supports MKL-DNN "
                              f"Backend (4-D float32 input 'data' only, got shape "
                              f"{list(data.shape)})")
    try:
        r = _nn.BatchNorm._mx_impl(data, gamma, beta, moving_mean, moving_var, eps=eps,
                                   momentum=momentum, fix_gamma=fix_gamma,
                                   use_global_stats=use_global_stats,
                                   output_mean_var=output_mean_var, axis=axis)
    except MXNetError as e:
        raise _renamed(e, "BatchNorm", op) from None
    if isinstance(r, list):
        return [torch.relu(r[0])] + r[1:]
    return torch.relu(r)





# ========================================================================================
# contrib.DeformableConvolution / ModulatedDeformableConvolution
def _deform_sample(x: torch.Tensor, ph: torch.Tensor, pw: torch.Tensor,
                   modulated: bool) -> torch.Tensor:
    """Bilinear samples of x (N, G, Cg, H, W) at positions ph/pw (N, G, P) -> (N, G, Cg, P).

    DeformableConvolution (MXNet's deformable_im2col) reads a sample only when
    0 <= h < H and 0 <= w < W and clamps its high neighbours to the last row/column;
    ModulatedDeformableConvolution reads it when -1 < h < H and -1 < w < W, neighbours
    outside the input counting as 0."""
    n, g, cg, h, w = x.shape
    flat = x.reshape(n, g, cg, h * w)
    if modulated:
        inside = (ph > -1) & (pw > -1) & (ph < h) & (pw < w)
    else:
        inside = (ph >= 0) & (pw >= 0) & (ph < h) & (pw < w)
    hl = torch.floor(ph.detach())
    wl = torch.floor(pw.detach())
    yy, xx = ph, pw
    if not modulated:
        # clamp at the last row/column: the sample position becomes that row/column
        ch = hl >= h - 1
        cw = wl >= w - 1
        hl = torch.where(ch, torch.full_like(hl, h - 1), hl)
        wl = torch.where(cw, torch.full_like(wl, w - 1), wl)
        yy = torch.where(ch, hl, ph)
        xx = torch.where(cw, wl, pw)
        hh = torch.where(ch, hl, hl + 1)
        wh = torch.where(cw, wl, wl + 1)
    else:
        hh, wh = hl + 1, wl + 1
    ly, lx = yy - hl, xx - wl
    vy, vx = 1 - ly, 1 - lx
    out = torch.zeros((), dtype=x.dtype, device=x.device)
    for hi, wi, wt in ((hl, wl, vy * vx), (hl, wh, vy * lx), (hh, wl, ly * vx),
                       (hh, wh, ly * lx)):
        ok = inside & (hi >= 0) & (wi >= 0) & (hi <= h - 1) & (wi <= w - 1)
        idx = (hi.clamp(0, h - 1) * w + wi.clamp(0, w - 1)).long()
        v = torch.gather(flat, 3, idx.unsqueeze(2).expand(n, g, cg, idx.shape[-1]))
        out = out + v * (wt * ok.to(wt.dtype)).unsqueeze(2)
    return out


def _deform_conv(op: str, data: torch.Tensor, offset: torch.Tensor,
                 mask: Optional[torch.Tensor], weight: torch.Tensor, bias: Any,
                 kernel: Any, stride: tuple, dilate: tuple, pad: tuple, num_filter: Any,
                 num_group: int, num_deformable_group: int, no_bias: bool,
                 layout: Any) -> torch.Tensor:
    if len(kernel) != 2:
        raise MXNetValueError(f"{op}: only 2-D kernels are supported, got kernel={kernel}")
    if layout not in (None, "None", "NCHW"):
        raise MXNetValueError(f"{op}: invalid value {layout!r} for parameter 'layout' (only "
                              "NCHW)")
    b = _opt(bias, op, "bias")
    if no_bias and b is not None:
        raise MXNetValueError(f"{op}: no_bias=True: do not pass 'bias'")
    if not no_bias and b is None:
        raise MXNetValueError(f"{op}: pass 'bias' or set no_bias=True")
    named = [("data", data), ("offset", offset), ("weight", weight)]
    if mask is not None:
        named.append(("mask", mask))
    if b is not None:
        named.append(("bias", b))
    _need_float(op, *named)
    _same_dtype(op, *named)
    if data.dtype == torch.float16:
        raise MXNetTypeError(f"{op}: float16 is not supported on CPU (input 'data'), as in "
                             "MXNet 1.9.1")
    _ndim(op, "data", data, 4, " (batch, channel, height, width)")
    kh, kw = kernel
    s = _hw(op, "stride", tuple(stride) or (1, 1), allow_zero=False)
    d = _hw(op, "dilate", tuple(dilate) or (1, 1), allow_zero=False)
    p = _hw(op, "pad", tuple(pad) or (0, 0))
    n, c, h, w = data.shape
    g, dg = num_group, num_deformable_group
    if g < 1 or c % g or num_filter % g:
        raise MXNetValueError(f"{op}: the channels ({c}) of 'data' and num_filter ({num_filter}) "
                              f"must be divisible by num_group ({g})")
    if dg < 1 or c % dg:
        raise MXNetValueError(f"{op}: the channels ({c}) of 'data' must be divisible by "
                              f"num_deformable_group ({dg})")
    ho = (h + 2 * p[0] - (d[0] * (kh - 1) + 1)) // s[0] + 1
    wo = (w + 2 * p[1] - (d[1] * (kw - 1) + 1)) // s[1] + 1
    if ho <= 0 or wo <= 0:
        raise MXNetValueError(f"{op}: parameter 'kernel' exceeds the padded input "
                              f"{[h + 2 * p[0], w + 2 * p[1]]}")
    k = kh * kw
    if tuple(offset.shape) != (n, 2 * k * dg, ho, wo):
        raise MXNetValueError(f"{op}: input 'offset' must have shape {(n, 2 * k * dg, ho, wo)}"
                              f", got {list(offset.shape)}")
    if mask is not None and tuple(mask.shape) != (n, k * dg, ho, wo):
        raise MXNetValueError(f"{op}: input 'mask' must have shape {(n, k * dg, ho, wo)}, "
                              f"got {list(mask.shape)}")
    if tuple(weight.shape) != (num_filter, c // g, kh, kw):
        raise MXNetValueError(f"{op}: input 'weight' must have shape "
                              f"{(num_filter, c // g, kh, kw)}, got {list(weight.shape)}")
    if b is not None and tuple(b.shape) != (num_filter,):
        raise MXNetValueError(f"{op}: input 'bias' must have shape ({num_filter},), got "
                              f"{list(b.shape)}")
    x, dt = _f32(data)
    cdt = x.dtype
    off = offset.to(cdt).reshape(n, dg, k, 2, ho, wo)
    ki = torch.arange(kh, dtype=cdt, device=x.device).repeat_interleave(kw)
    kj = torch.arange(kw, dtype=cdt, device=x.device).repeat(kh)
    base_h = (torch.arange(ho, dtype=cdt, device=x.device) * s[0] - p[0]).reshape(1, 1, 1,
                                                                                   ho, 1)
    base_w = (torch.arange(wo, dtype=cdt, device=x.device) * s[1] - p[1]).reshape(1, 1, 1,
                                                                                   1, wo)
    ph_ = base_h + (ki * d[0]).reshape(1, 1, k, 1, 1) + off[:, :, :, 0]
    pw_ = base_w + (kj * d[1]).reshape(1, 1, k, 1, 1) + off[:, :, :, 1]
    cols = _deform_sample(x.reshape(n, dg, c // dg, h, w), ph_.reshape(n, dg, -1),
                          pw_.reshape(n, dg, -1), mask is not None)  # (N, dg, Cg, K*Ho*Wo)
    cols = cols.reshape(n, dg, c // dg, k, ho * wo)
    if mask is not None:
        cols = cols * mask.to(cdt).reshape(n, dg, 1, k, ho * wo)
    cols = cols.reshape(n, g, (c // g) * k, ho * wo)
    wt = weight.to(cdt).reshape(g, num_filter // g, (c // g) * k)
    out = torch.einsum("gfq,ngqp->ngfp", wt, cols).reshape(n, num_filter, ho, wo)
    if b is not None:
        out = out + b.to(cdt).reshape(1, -1, 1, 1)
    return out.to(dt)


_DCONV_PARAMS = {"bias": Any_, "kernel": Shape, "stride": Shape, "dilate": Shape,
                 "pad": Shape, "num_filter": Int, "num_group": Int,
                 "num_deformable_group": Int, "workspace": Int, "no_bias": Bool,
                 "layout": Any_}


@register("DeformableConvolution", required=("kernel", "num_filter"),
          optional={"bias": When("no_bias", False)},
          ns="contrib", params=_DCONV_PARAMS, family="nn",
          torch="torchvision.ops.deform_conv2d (not a dependency here: bilinear-sampling "
                "im2col written with torch.gather, then a grouped matmul)",
          notes="offset (N, 2*kh*kw*num_deformable_group, Ho, Wo), (dy, dx) per kernel tap; "
                "samples outside [0, H) x [0, W) read 0, neighbours clamped at the last "
                "row/column")
def DeformableConvolution(data, offset, weight, bias=None, kernel=None, stride=(), dilate=(),
                          pad=(), num_filter=None, num_group=1, num_deformable_group=1,
                          workspace=1024, no_bias=False, layout=None):
    return _deform_conv("DeformableConvolution", data, offset, None, weight, bias, kernel,
                        stride, dilate, pad, num_filter, num_group, num_deformable_group,
                        no_bias, layout)


@register("ModulatedDeformableConvolution", required=("kernel", "num_filter"),
          types={"num_filter": "int (non-negative)"},
          optional={"bias": When("no_bias", False)},
          ns="contrib",
          params=dict(_DCONV_PARAMS, im2col_step=Int), family="nn",
          torch="torchvision.ops.deform_conv2d(mask=...) (not a dependency here)",
          notes="DCNv2: sampled values multiplied by mask (N, kh*kw*num_deformable_group, Ho, "
                "Wo); samples with -1 < h < H, -1 < w < W read, outside neighbours 0")
def ModulatedDeformableConvolution(data, offset, mask, weight, bias=None, kernel=None,
                                   stride=(), dilate=(), pad=(), num_filter=None, num_group=1,
                                   num_deformable_group=1, workspace=1024, no_bias=False,
                                   im2col_step=64, layout=None):
    return _deform_conv("ModulatedDeformableConvolution", data, offset, mask, weight, bias,
                        kernel, stride, dilate, pad, num_filter, num_group,
                        num_deformable_group, no_bias, layout)


# ========================================================================================
# contrib.RROIAlign / contrib.DeformablePSROIPooling
_NP_DT = {torch.float16: np.float16, torch.float32: np.float32, torch.float64: np.float64}


def _rounder(dt: torch.dtype) -> Any:
    """``q(a)``: float64 values rounded to ``dt`` (kept as float64). Writing each arithmetic
    step of MXNet's kernels as ``q(a op b)`` reproduces its rounding in ``dt`` exactly (for
    float16 too: mshadow's half_t computes each op in float32 and rounds it to half)."""
    npdt = _NP_DT[dt]

    def q(a: Any) -> np.ndarray:
        return np.asarray(a, dtype=np.float64).astype(npdt).astype(np.float64)
    return q


class _NoBackward(torch.autograd.Function):
    """The forward of an op MXNet registers no gradient for; its backward raises as MXNet's
    autograd does."""

    @staticmethod
    def forward(ctx: Any, op: str, fn: Any, *inputs: torch.Tensor) -> Any:  # type: ignore[override]
        ctx.op = op
        with torch.no_grad():
            return fn(*inputs)

    @staticmethod
    def backward(ctx: Any, *grads: Any) -> Any:  # type: ignore[override]
        raise MXNetError(f"{ctx.op}: Operator _contrib_{ctx.op} is non-differentiable because "
                         "it didn't register FGradient attribute (MXNet 1.9.1 has no backward "
                         "for it)")


def _rroi_align(data: torch.Tensor, rois: torch.Tensor, ph: int, pw: int,
                spatial_scale: float, sampling_ratio: int) -> torch.Tensor:
    op = "RROIAlign"
    n, c, h, w = data.shape
    dt = data.dtype
    q = _rounder(dt)
    ss = float(q(np.float32(spatial_scale)))  # a float parameter, used in DType
    r_all = q(rois.detach().to("cpu", torch.float64).numpy())
    xs_all = data.detach().to(torch.float64)
    outs = []
    for k in range(r_all.shape[0]):
        r = r_all[k]
        b = int(r[0])  # static_cast<int>: truncation toward zero
        if not 0 <= b < n:  # MXNet reads outside the input (undefined behaviour)
            raise MXNetValueError(f"{op}: roi batch index {r[0]:g} is out of range for a "
                                  f"batch of {n} (input 'rois', row {k})")
        cx, cy = q(r[1] * ss), q(r[2] * ss)
        rw, rh = max(q(r[3] * ss), 1.0), max(q(r[4] * ss), 1.0)
        if dt == torch.float16:
            theta = q(q(r[5] * float(np.float32(math.pi))) / 180.0)
        else:
            theta = q(r[5] * math.pi / 180.0)
        cos_t, sin_t = q(math.cos(theta)), q(math.sin(theta))
        sh, sw = -rh / 2.0, -rw / 2.0  # exact halves
        bh, bw = q(rh / ph), q(rw / pw)
        gh = sampling_ratio if sampling_ratio > 0 else int(math.ceil(q(rh / ph)))
        gw = sampling_ratio if sampling_ratio > 0 else int(math.ceil(q(rw / pw)))
        # sample offsets inside the rotated frame, (PH, PW, gh, gw)
        iy = np.arange(gh, dtype=np.float64) + 0.5
        ix = np.arange(gw, dtype=np.float64) + 0.5
        yy = q(q(sh + q(np.arange(ph) * bh))[:, None] + q(q(iy * bh) / gh)[None, :])
        xx = q(q(sw + q(np.arange(pw) * bw))[:, None] + q(q(ix * bw) / gw)[None, :])
        yy = np.broadcast_to(yy[:, None, :, None], (ph, pw, gh, gw))
        xx = np.broadcast_to(xx[None, :, None, :], (ph, pw, gh, gw))
        x = q(q(q(xx * cos_t) + q(yy * sin_t)) + cx)
        y = q(q(q(yy * cos_t) - q(xx * sin_t)) + cy)
        inside = ~((y < -1.0) | (y > h) | (x < -1.0) | (x > w))
        y, x = np.maximum(y, 0.0), np.maximum(x, 0.0)
        yl, xl = np.floor(y).astype(np.int64), np.floor(x).astype(np.int64)
        ey, ex = yl >= h - 1, xl >= w - 1
        yl, xl = np.where(ey, h - 1, yl), np.where(ex, w - 1, xl)
        y, x = np.where(ey, yl, y), np.where(ex, xl, x)
        yhi, xhi = np.where(ey, yl, yl + 1), np.where(ex, xl, xl + 1)
        ly, lx = q(y - yl), q(x - xl)
        hy, hx = q(1.0 - ly), q(1.0 - lx)
        wts = np.stack([q(hy * hx), q(hy * lx), q(ly * hx), q(ly * lx)]) * inside
        idx = np.stack([yl * w + xl, yl * w + xhi, yhi * w + xl, yhi * w + xhi]) * inside
        wt = torch.from_numpy(wts.reshape(4, ph * pw, gh * gw)).to(data.device)
        it = torch.from_numpy(idx.reshape(-1)).to(data.device)
        vals = xs_all[b].reshape(c, h * w)[:, it].reshape(c, 4, ph * pw, gh * gw)
        out = (vals * wt).sum(dim=(1, 3)) / float(q(gh * gw))
        outs.append(out.reshape(c, ph, pw))
    if not outs:
        return data.new_zeros((0, c, ph, pw))
    return torch.stack(outs).to(dt)


@register("RROIAlign", required=("pooled_size", "spatial_scale"),
          ns="contrib",
          params={"pooled_size": Shape, "spatial_scale": Float, "sampling_ratio": Int},
          family="nn", torch="no torch equivalent (torchvision.ops.roi_align has no rotation; "
                             "detectron2's ROIAlignRotated is the same kernel): bilinear "
                             "samples on a rotated grid, averaged per bin",
          notes="rois (R, 6) [batch_index, center_x, center_y, width, height, angle in "
                "degrees, counter-clockwise]; widths/heights below 1 become 1; "
                "sampling_ratio<=0: ceil(size/pooled) samples per bin; forward only (MXNet "
                "has no gradient: backward raises)")
def RROIAlign(data, rois, pooled_size=None, spatial_scale=None, sampling_ratio=-1):
    op = "RROIAlign"
    ph, pw = _pooled(op, pooled_size, spatial_scale)
    _need_float(op, ("data", data), ("rois", rois))
    _same_dtype(op, ("data", data), ("rois", rois))
    _ndim(op, "data", data, 4, " (batch, channel, height, width)")
    if rois.dim() != 2 or rois.shape[1] != 6:
        raise MXNetValueError(f"{op}: input 'rois' must have shape (num_rois, 6) "
                              "[batch_index, center_x, center_y, width, height, angle], got "
                              f"{list(rois.shape)}")

    def fn(d: torch.Tensor, r: torch.Tensor) -> torch.Tensor:
        return _rroi_align(d, r, ph, pw, spatial_scale, sampling_ratio)
    if torch.is_grad_enabled() and (data.requires_grad or rois.requires_grad):
        return _NoBackward.apply(op, fn, data, rois)
    return fn(data, rois)


def _c_round_np(a: np.ndarray) -> np.ndarray:
    return np.sign(a) * np.floor(np.abs(a) + 0.5)


@register("DeformablePSROIPooling",
          required=("group_size", "output_dim", "pooled_size", "spatial_scale"),
          optional={"trans": When("no_trans", False)},
          ns="contrib",
          params={"trans": Any_, "spatial_scale": Float, "output_dim": Int, "group_size": Int,
                  "pooled_size": Int, "part_size": Int, "sample_per_part": Int,
                  "trans_std": Float, "no_trans": Bool},
          family="nn", torch="no torch equivalent (Deformable R-FCN): per bin, "
                             "sample_per_part^2 bilinear samples shifted by trans * trans_std "
                             "* roi size, averaged over those inside the input",
          notes="ROI corners rounded, end +1, then scaled and shifted by -0.5; trans (R, "
                "2*num_classes, part_size, part_size) read as MXNet reads it; no_trans=True "
                "takes no trans input; gradients to data and trans as MXNet's CPU backward, "
                "zero to rois")
def DeformablePSROIPooling(data, rois, trans=None, spatial_scale=None, output_dim=None,
                           group_size=None, pooled_size=None, part_size=0, sample_per_part=1,
                           trans_std=0.0, no_trans=False):
    op = "DeformablePSROIPooling"
    for p, v in (("spatial_scale", spatial_scale), ("trans_std", trans_std)):
        if not 0.0 <= v <= 1.0:
            raise MXNetValueError(f"{op}: value {v:g} for Parameter {p} exceed bound [0,1]")
    for p, v, lo in (("output_dim", output_dim, 1), ("group_size", group_size, 1),
                     ("pooled_size", pooled_size, 1), ("part_size", part_size, 0),
                     ("sample_per_part", sample_per_part, 0)):
        if v < lo:
            raise MXNetValueError(f"{op}: invalid value {v} for parameter '{p}' (must be "
                                  f">= {lo})")
    t = _opt(trans, op, "trans")
    if no_trans and t is not None:
        raise MXNetValueError(f"{op}: with no_trans=True the op takes 2 inputs (data, rois), "
                              "but got 3 (drop 'trans')")
    if not no_trans and t is None:
        raise MXNetValueError(f"{op}: expects 3 inputs (data, rois, trans), but got 2 (pass "
                              "'trans' or set no_trans=True)")
    named = [("data", data), ("rois", rois)] + ([("trans", t)] if t is not None else [])
    _need_float(op, *named)
    _same_dtype(op, *named)
    _ndim(op, "data", data, 4, " (batch, channel, height, width)")
    if rois.dim() != 2 or rois.shape[1] != 5:
        raise MXNetValueError(f"{op}: input 'rois' must have shape (num_rois, 5) "
                              f"[batch_index, x1, y1, x2, y2], got {list(rois.shape)}")
    if t is not None and t.dim() != 4:
        raise MXNetValueError(f"{op}: input 'trans' must be 4-D (num_rois, 2*num_classes, "
                              f"part_size, part_size), got shape {list(t.shape)}")
    n, c, h, w = data.shape
    g, p, s = group_size, pooled_size, sample_per_part
    part = part_size if part_size > 0 else p
    if c < output_dim * g * g:  # MXNet reads past the input (undefined behaviour)
        raise MXNetValueError(f"{op}: input 'data' has {c} channels; output_dim * "
                              f"group_size^2 = {output_dim * g * g} are needed")
    nr = rois.shape[0]
    dt = data.dtype
    q = _rounder(dt)
    ss = q(np.float32(spatial_scale))
    std = float(q(np.float32(trans_std)))
    r = q(rois.detach().to("cpu", torch.float64).numpy()).reshape(nr, 5)
    bidx = np.trunc(r[:, 0]).astype(np.int64)
    bad = np.nonzero((bidx < 0) | (bidx >= n))[0]
    if bad.size:
        raise MXNetValueError(f"{op}: roi batch index {r[bad[0], 0]:g} is out of range for a "
                              f"batch of {n} (input 'rois', row {int(bad[0])})")
    sw = q(q(q(_c_round_np(r[:, 1])) * ss) - 0.5)
    sh = q(q(q(_c_round_np(r[:, 2])) * ss) - 0.5)
    ew = q(q(q(_c_round_np(r[:, 3]) + 1.0) * ss) - 0.5)
    eh = q(q(q(_c_round_np(r[:, 4]) + 1.0) * ss) - 0.5)
    low = float(q(0.1))
    rw, rh = np.maximum(q(ew - sw), low), np.maximum(q(eh - sh), low)
    bw, bh = q(rw / p), q(rh / p)
    subw, subh = q(bw / s) if s else bw, q(bh / s) if s else bh
    ar = np.arange(p, dtype=np.float64)
    parts = np.floor(q(q(ar / p) * part)).astype(np.int64)  # part_h / part_w per bin
    grp = np.clip(np.floor(q(q(ar * g) / p)).astype(np.int64), 0, g - 1)  # gh / gw per bin
    wbase = q(q(ar[None, :] * bw[:, None]) + sw[:, None])  # (R, P)
    hbase = q(q(ar[None, :] * bh[:, None]) + sh[:, None])
    dev = data.device

    def tt(a: Any) -> torch.Tensor:
        return torch.as_tensor(np.asarray(a), dtype=dt, device=dev)
    ctop = np.arange(output_dim)
    chan = (ctop[:, None, None] * g + grp[None, :, None]) * g + grp[None, None, :]  # (od,P,P)
    wstart = tt(wbase).reshape(nr, 1, 1, p).expand(nr, output_dim, p, p)
    hstart = tt(hbase).reshape(nr, 1, p, 1).expand(nr, output_dim, p, p)
    if t is not None:
        ncls = t.shape[1] // 2
        if ncls == 0 or output_dim < ncls:  # MXNet divides by zero (SIGFPE)
            raise MXNetValueError(f"{op}: input 'trans' must have 2*num_classes channels "
                                  f"with 1 <= num_classes <= output_dim ({output_dim}), got "
                                  f"shape {list(t.shape)}")
        cls = ctop // (output_dim // ncls)
        ix = ((((np.arange(nr)[:, None, None, None] * ncls + cls[None, :, None, None]) * 2)
               * part + parts[None, None, :, None]) * part + parts[None, None, None, :])
        if nr and int(ix.max()) + part * part >= t.numel():  # MXNet reads past 'trans'
            raise MXNetValueError(f"{op}: input 'trans' of shape {list(t.shape)} is too small "
                                  f"for {nr} rois, {ncls} classes and part_size {part}")
        flat_t = t.reshape(-1)
        itx = torch.as_tensor(ix, device=dev)
        tx = flat_t[itx] * std
        ty = flat_t[itx + part * part] * std
        wstart = wstart + tx * tt(rw).reshape(nr, 1, 1, 1)
        hstart = hstart + ty * tt(rh).reshape(nr, 1, 1, 1)
    flat = data.reshape(-1)
    base = torch.as_tensor((bidx[:, None, None, None] * c + chan[None]) * (h * w), device=dev)
    total = torch.zeros((nr, output_dim, p, p), dtype=dt, device=dev)
    count = torch.zeros((nr, output_dim, p, p), dtype=torch.int64, device=dev)
    zero = torch.zeros((), dtype=dt, device=dev)
    for ih in range(s):
        for iw in range(s):
            wv = wstart + tt(q(iw * subw)).reshape(nr, 1, 1, 1)
            hv = hstart + tt(q(ih * subh)).reshape(nr, 1, 1, 1)
            ok = ~((wv < -0.5) | (wv > w - 0.5) | (hv < -0.5) | (hv > h - 0.5))
            wv = wv.clamp(0, w - 1)
            hv = hv.clamp(0, h - 1)
            x1, x2 = torch.floor(wv.detach()), torch.ceil(wv.detach())
            y1, y2 = torch.floor(hv.detach()), torch.ceil(hv.detach())
            dx, dy = wv - x1, hv - y1
            x1, x2, y1, y2 = (v.long() for v in (x1, x2, y1, y2))
            v11 = flat[base + y1 * w + x1]
            v12 = flat[base + y2 * w + x1]
            v21 = flat[base + y1 * w + x2]
            v22 = flat[base + y2 * w + x2]
            val = ((1 - dx) * (1 - dy) * v11 + (1 - dx) * dy * v12 + dx * (1 - dy) * v21
                   + dx * dy * v22)
            total = total + torch.where(ok, val, zero)
            count = count + ok.long()
    return torch.where(count > 0, total / count.clamp(min=1).to(dt), zero)
