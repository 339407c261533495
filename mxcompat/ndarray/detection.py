"""Detection and attention helpers from ``mx.nd.contrib`` (MXNet 1.9.1): box ops
(``box_iou``, ``box_nms``, ``box_encode``, ``box_decode``, ``bipartite_matching``), the SSD
MultiBox ops, the region-proposal ops, the interleaved multi-head attention matmuls,
``div_sqrt_dim`` and ``SparseEmbedding``.

Behaviour follows MXNet's CPU kernels: sorting is stable (ties keep input order), boxes that
are dropped come out as rows of -1, and the backward passes are MXNet's, not the mathematical
gradient: ``box_nms`` copies the head gradient back to the rows it kept, the
``interleaved_matmul_*`` ops and ``div_sqrt_dim`` have their true gradient, and every other
op here gives zero gradients (MXNet's ``MakeZeroGradNodes`` / zero-filling backward).
"""
from __future__ import annotations

import math
from typing import Any, Callable, Sequence

import numpy as np
import torch

from .. import _dtypes
from ..base import MXNetError, MXNetTypeError, MXNetValueError
from ._op import Bool, Enum, Float, FloatTuple, Int, OptDtype, register

_FLOATS = (torch.float16, torch.float32, torch.float64)
_FMT = Enum("corner", "center")


def _f32(v: float) -> float:
    return float(np.float32(v))


def _real(op: str, *ts: torch.Tensor) -> None:
    """MSHADOW_REAL_TYPE_SWITCH: float16/32/64 only; all inputs of one dtype."""
    for t in ts:
        if t.dtype not in _FLOATS:
            raise MXNetTypeError(f"{op}: This operation only support floating point types, "
                                 f"not {_dtypes.name(t.dtype)}")
    for i, t in enumerate(ts[1:], 1):
        if t.dtype != ts[0].dtype:
            raise MXNetTypeError(f"{op}: Incompatible attr in node at {i}-th input: expected "
                                 f"{_dtypes.name(ts[0].dtype)}, got {_dtypes.name(t.dtype)}")


def _check(cond: bool, op: str, msg: str) -> None:
    if not cond:
        raise MXNetValueError(f"{op}: {msg}")


class _ZeroGrad(torch.autograd.Function):
    """Runs ``fn(*inputs)``; the backward gives zero gradients (MXNet's zero backward)."""

    @staticmethod
    def forward(ctx: Any, fn: Callable, *inputs: torch.Tensor) -> Any:  # type: ignore[override]
        ctx.specs = [(t.shape, t.dtype, t.device) for t in inputs]
        r = fn(*inputs)
        if isinstance(r, tuple):
            return tuple(x.clone() if any(x is t for t in inputs) else x for x in r)
        return r.clone() if any(r is t for t in inputs) else r

    @staticmethod
    def backward(ctx: Any, *grads: Any) -> Any:  # type: ignore[override]
        return (None,) + tuple(torch.zeros(s, dtype=d, device=dev)
                               for s, d, dev in ctx.specs)


def _zero_grad(fn: Callable, *inputs: torch.Tensor) -> Any:
    if torch.is_grad_enabled() and any(t.requires_grad for t in inputs):
        return _ZeroGrad.apply(fn, *inputs)
    return fn(*inputs)


# ----------------------------------------------------------------------------------------
# box_iou
def _intersect(a1, a2, b1, b2, center: bool) -> torch.Tensor:
    """MXNet's Intersect along one axis: (a1, a2) / (b1, b2) are (lo, hi) or (center, len)."""
    if center:
        aw, bw = a2 / 2, b2 / 2
        al, ar, bl, br = a1 - aw, a1 + aw, b1 - bw, b1 + bw
        w = torch.minimum(br, ar) - torch.maximum(bl, al)
    else:
        w = torch.minimum(a2, b2) - torch.maximum(a1, b1)
    return torch.where(w > 0, w, torch.zeros_like(w))


def _area(b: torch.Tensor, center: bool) -> torch.Tensor:
    if center:
        w, h = b[..., 2], b[..., 3]
    else:
        w, h = b[..., 2] - b[..., 0], b[..., 3] - b[..., 1]
    return torch.where((w < 0) | (h < 0), torch.zeros_like(w), w * h)


def _iou_matrix(lhs: torch.Tensor, rhs: torch.Tensor, center: bool) -> torch.Tensor:
    """(L, 4) x (R, 4) -> (L, R), MXNet's compute_overlap (0 where the intersection is 0)."""
    a = lhs[:, None, :]
    b = rhs[None, :, :]
    inter = _intersect(a[..., 0], a[..., 2], b[..., 0], b[..., 2], center)
    inter = inter * _intersect(a[..., 1], a[..., 3], b[..., 1], b[..., 3], center)
    union = _area(a, center) + _area(b, center) - inter
    pos = inter > 0
    return torch.where(pos, inter / torch.where(pos, union, torch.ones_like(union)),
                       torch.zeros_like(inter))


@register("box_iou", params={"format": _FMT}, family="nn", ns="contrib",
          torch="pairwise IoU (torchvision.ops.box_iou for 'corner')",
          notes="zero gradient, as MXNet; 'center' boxes are [x, y, w, h]")
def box_iou(lhs, rhs, format="corner"):
    """Pairwise IoU of boxes ``lhs`` (..., 4) and ``rhs`` (..., 4): shape
    lhs.shape[:-1] + rhs.shape[:-1]."""
    op = "box_iou"
    _real(op, lhs, rhs)
    _check(lhs.dim() >= 2, op, f"lhs must have dim >= 2, {lhs.dim()} provided")
    _check(lhs.shape[-1] == 4, op, f"last dimension of lhs must be 4, {lhs.shape[-1]} provided")
    _check(rhs.dim() >= 2, op, f"rhs must have dim >= 2, {rhs.dim()} provided")
    _check(rhs.shape[-1] == 4, op, f"last dimension of rhs must be 4, {rhs.shape[-1]} provided")
    oshape = tuple(lhs.shape[:-1]) + tuple(rhs.shape[:-1])

    def fn(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        return _iou_matrix(a.reshape(-1, 4), b.reshape(-1, 4), format == "center"
                           ).reshape(oshape)
    return _zero_grad(fn, lhs, rhs)


# ----------------------------------------------------------------------------------------
# box_nms
class _NMSGather(torch.autograd.Function):
    """out = rows of data picked by ``record`` (-1: a row of -1) then re-encoded; backward
    copies the head gradient's rows back to the picked rows (MXNet's nms_backward)."""

    @staticmethod
    def forward(ctx: Any, data: torch.Tensor, record: torch.Tensor,  # type: ignore[override]
                out: torch.Tensor) -> torch.Tensor:
        ctx.save_for_backward(record)
        ctx.shape = data.shape
        return out.clone()

    @staticmethod
    def backward(ctx: Any, g: torch.Tensor) -> Any:  # type: ignore[override]
        (record,) = ctx.saved_tensors
        w = ctx.shape[-1]
        gin = torch.zeros((record.numel(), w), dtype=g.dtype, device=g.device)
        g2 = g.reshape(-1, w)
        keep = record >= 0
        gin[record[keep]] = g2[keep]
        return gin.reshape(ctx.shape), None, None


def _convert(boxes: torch.Tensor, to_center: bool) -> torch.Tensor:
    """MXNet's corner_to_center / center_to_corner: rows whose first coordinate is < 0 are
    left as they are (that is how MXNet skips the -1 rows)."""
    a, b, c, d = boxes.unbind(-1)
    if to_center:
        new = torch.stack(((a + c) / 2, (b + d) / 2, c - a, d - b), -1)
    else:
        w, h = c / 2, d / 2
        new = torch.stack((a - w, b - h, a + w, b + h), -1)
    return torch.where((a < 0)[..., None], boxes, new)


def _nms_params(op: str, shape: Sequence[int], coord_start: int, score_index: int,
                id_index: int) -> None:
    nd = len(shape)
    _check(nd >= 2, op, "input must have dim >= 2, the last two dimensions are num_box and "
           f"box_width, {list(shape)} provided")
    width = shape[-1]
    expected = 6 if id_index >= 0 else 5
    _check(width >= expected, op, f"the last dimension must have at least 5 elements namely "
           f"(score, coordinates x 4), {width} provided, {expected} expected")
    cend = coord_start + 3
    _check(0 <= score_index < width, op, f"score_index: {score_index} out of range: "
           f"(0, {width})")
    _check(score_index < coord_start or score_index > cend, op, f"score_index: {score_index} "
           f"conflict with coordinates: ({coord_start}, {cend})")
    _check(coord_start >= 0 and cend < width, op, f"coord_start: coordinates: ({coord_start}, "
           f"{cend}) out of range: (0, {width})")
    if id_index >= 0:
        _check(id_index < width, op, f"id_index: {id_index} out of range: (0, {width})")
        _check(id_index < coord_start or id_index > cend, op, f"id_index: {id_index} "
               f"conflict with coordinates: ({coord_start}, {cend})")
        _check(id_index != score_index, op, f"id_index: {id_index} conflict with "
               f"score_index: {score_index}")


def _greedy(iou_gt: np.ndarray, same: np.ndarray) -> np.ndarray:
    """Greedy suppression over candidates sorted by score: keep[i] unless an earlier kept
    candidate j has iou_gt[j, i] and same[j, i]."""
    k = iou_gt.shape[0]
    keep = np.ones(k, dtype=bool)
    sup = iou_gt & same
    for i in range(k):
        if keep[i]:
            keep[i + 1:] &= ~sup[i, i + 1:]
    return keep


@register("box_nms", outputs=("output0",),
          aliases=("box_non_maximum_suppression",), alias_ns="contrib",
          params={"overlap_thresh": Float, "valid_thresh": Float, "topk": Int,
                  "coord_start": Int, "score_index": Int, "id_index": Int,
                  "background_id": Int, "force_suppress": Bool, "in_format": _FMT,
                  "out_format": _FMT},
          family="nn", ns="contrib", torch="torchvision.ops.batched_nms (+ MXNet's layout)",
          notes="output keeps the input shape: kept boxes first (stable sort by score), "
                "the rest rows of -1; backward copies the head gradient to kept rows")
def box_nms(data, overlap_thresh=0.5, valid_thresh=0.0, topk=-1, coord_start=2,
            score_index=1, id_index=-1, background_id=-1, force_suppress=False,
            in_format="corner", out_format="corner"):
    """Non-maximum suppression over the boxes of ``data`` (..., N, K)."""
    op = "box_nms"
    _real(op, data)
    shape = tuple(data.shape)
    _nms_params(op, shape, coord_start, score_index, id_index)
    nb = int(np.prod(shape[:-2])) if len(shape) > 2 else 1
    n, w = shape[-2], shape[-1]
    k = n if topk < 0 else min(n, topk)
    flat = data.reshape(nb * n, w)
    if k < 1:
        record = torch.arange(nb * n, device=data.device)
        out = flat.detach().clone()
    else:
        d = flat.detach()
        scores = d[:, score_index]
        valid = scores > _f32(valid_thresh)
        if id_index >= 0:
            valid &= d[:, id_index] != float(background_id)
        record = torch.full((nb * n,), -1, dtype=torch.int64, device=data.device)
        center = in_format == "center"
        valid_c = valid.cpu().numpy()
        cls_all = d[:, id_index].to(torch.int64).cpu().numpy() if id_index >= 0 else None
        for b in range(nb):
            lo = b * n
            idx = np.nonzero(valid_c[lo:lo + n])[0]
            if idx.size == 0:
                continue
            it = torch.as_tensor(idx + lo, device=data.device)
            order = torch.sort(scores[it], descending=True, stable=True).indices
            cand = it[order][:k]
            boxes = d[cand][:, coord_start:coord_start + 4]
            iou = _nms_iou(boxes, center)
            thr = _f32(overlap_thresh)
            gt = (iou.float() if iou.dtype == torch.float16 else iou) > thr
            gt_np = gt.cpu().numpy()
            if id_index >= 0 and not force_suppress:
                c = cls_all[cand.cpu().numpy()]
                same = c[:, None] == c[None, :]
            else:
                same = np.ones_like(gt_np)
            keep = _greedy(gt_np, same)
            kept = cand[torch.as_tensor(keep, device=data.device)]
            record[lo:lo + kept.numel()] = kept
        rows = record.clamp(min=0)
        out = torch.where((record >= 0)[:, None], d[rows], torch.full_like(d[rows], -1))
        if in_format != out_format:
            out = out.clone()
            out[:, coord_start:coord_start + 4] = _convert(
                out[:, coord_start:coord_start + 4], out_format == "center")
    out = out.reshape(shape)
    if torch.is_grad_enabled() and data.requires_grad:
        return _NMSGather.apply(data, record, out)
    return out


def _nms_iou(boxes: torch.Tensor, center: bool) -> torch.Tensor:
    """MXNet's nms_impl IoU (no guard against a zero union: NaN never suppresses)."""
    a = boxes[:, None, :]
    b = boxes[None, :, :]
    inter = _intersect(a[..., 0], a[..., 2], b[..., 0], b[..., 2], center)
    inter = inter * _intersect(a[..., 1], a[..., 3], b[..., 1], b[..., 3], center)
    return inter / (_area(a, center) + _area(b, center) - inter)


# ----------------------------------------------------------------------------------------
# bipartite_matching
@register("bipartite_matching", required=("threshold",),
          outputs=2,
          params={"is_ascend": Bool, "threshold": Float, "topk": Int},
          family="nn", ns="contrib", torch="greedy matching over a stable sort (Python loop)",
          notes="greedy, as MXNet: stops at the first free pair failing the threshold; "
                "with topk it makes topk+1 matches like MXNet; zero gradient")
def bipartite_matching(data, is_ascend=False, threshold=None, topk=-1):
    """Greedy bipartite matching of a score matrix (..., N, M): row and column markers."""
    op = "bipartite_matching"
    _real(op, data)
    _check(data.dim() >= 2, op, f"score matrix must have dim >= 2, {data.dim()} provided")
    shape = tuple(data.shape)
    r, c = shape[-2], shape[-1]
    thr = _f32(threshold)

    def fn(x: torch.Tensor) -> Any:
        s = x.detach().reshape(-1, r * c)
        nb = s.shape[0]
        order = torch.sort(s, dim=1, descending=not is_ascend, stable=True).indices
        sv = torch.gather(s, 1, order).double().cpu().numpy()
        on = order.cpu().numpy()
        rm = np.full((nb, r), -1, dtype=np.int64)
        cm = np.full((nb, c), -1, dtype=np.int64)
        for b in range(nb):
            count = 0
            rb, cb = rm[b], cm[b]
            for j in range(r * c):
                idx = int(on[b, j])
                ri, ci = idx // c, idx % c
                if rb[ri] == -1 and cb[ci] == -1:
                    v = sv[b, j]
                    if (not is_ascend and v > thr) or (is_ascend and v < thr):
                        rb[ri] = ci
                        cb[ci] = ri
                        count += 1
                        if 0 < topk < count:
                            break
                    else:
                        break
        dev, dt = x.device, x.dtype
        return (torch.as_tensor(rm, dtype=dt, device=dev).reshape(shape[:-1]),
                torch.as_tensor(cm, dtype=dt, device=dev).reshape(shape[:-2] + (c,)))
    return _zero_grad(fn, data)


# ----------------------------------------------------------------------------------------
# box_encode / box_decode
@register("box_encode", outputs=2,
          family="nn", ns="contrib",
          torch="elementwise (corner anchors/refs -> center offsets, log sizes)",
          notes="zero gradient, as MXNet")
def box_encode(samples, matches, anchors, refs, means, stds):
    """Encode matched reference boxes against anchors: (targets, masks), each (B, N, 4)."""
    op = "box_encode"
    _real(op, samples, matches, anchors, refs, means, stds)
    _check(samples.dim() == 2, op, f"samples shape must have dim == 2, {samples.dim()} "
           "provided")
    _check(matches.dim() >= 2, op, f"matches shape must have dim == 2, {matches.dim()} "
           "provided")
    _check(anchors.dim() >= 3, op, f"anchors shape must have dim == 3, {anchors.dim()} "
           "provided")
    _check(anchors.shape[-1] == 4, op, "last dimension of anchors must be 4, "
           f"{anchors.shape[-1]} provided")
    _check(refs.dim() >= 3, op, f"refs shape must have dim == 3, {refs.dim()} provided")
    _check(refs.shape[-1] == 4, op, f"last dimension of refs must be 4, {refs.shape[-1]} "
           "provided")
    for name, t in (("means", means), ("stds", stds)):
        _check(tuple(t.shape) == (4,), op, f"{name} must have shape (4,), got "
               f"{tuple(t.shape)}")
    b, n = anchors.shape[0], anchors.shape[1]
    m = refs.shape[1]
    for name, t, want in (("samples", samples, b * n), ("matches", matches, b * n),
                          ("anchors", anchors, b * n * 4), ("refs", refs, b * m * 4)):
        _check(t.numel() == want, op, f"{name} has {t.numel()} elements, expected {want} "
               f"(B={b}, N={n}, M={m})")

    def fn(s, mt, an, rf, mu, sd):
        s = s.reshape(b, n)
        mt = mt.reshape(b, n).to(torch.int64)
        valid = s > 0.5
        bad = valid & ((mt < 0) | (mt >= m))
        if bool(bad.any()):
            raise MXNetValueError(f"{op}: matches must be in [0, {m}) for positive samples")
        an = an.reshape(b, n, 4)
        rf = rf.reshape(b, m, 4)
        g = torch.gather(rf, 1, mt.clamp(0, max(m - 1, 0))[..., None].expand(b, n, 4))
        rw, rh = g[..., 2] - g[..., 0], g[..., 3] - g[..., 1]
        rx, ry = g[..., 0] + rw * 0.5, g[..., 1] + rh * 0.5
        aw, ah = an[..., 2] - an[..., 0], an[..., 3] - an[..., 1]
        ax, ay = an[..., 0] + aw * 0.5, an[..., 1] + ah * 0.5
        t = torch.stack(((rx - ax) / aw, (ry - ay) / ah, torch.log(rw / aw),
                         torch.log(rh / ah)), -1)
        t = (t - mu) / sd
        v = valid[..., None].expand(b, n, 4)
        targets = torch.where(v, t, torch.zeros_like(t))
        masks = v.to(t.dtype)
        return targets, masks
    return _zero_grad(fn, samples, matches, anchors, refs, means, stds)


@register("box_decode", params={"std0": Float, "std1": Float, "std2": Float, "std3": Float,
                                "clip": Float, "format": _FMT},
          family="nn", ns="contrib", torch="elementwise (center offsets -> corner boxes)",
          notes="anchors must hold exactly N*4 values (shared by the batch); zero gradient")
def box_decode(data, anchors, std0=1.0, std1=1.0, std2=1.0, std3=1.0, clip=-1.0,
               format="center"):
    """Decode box offsets ``data`` (B, N, 4) against ``anchors`` (1, N, 4) to corner boxes."""
    op = "box_decode"
    _real(op, data, anchors)
    _check(data.dim() == 3, op, f"data shape must have dim == 3, {data.dim()} provided")
    _check(data.shape[-1] == 4, op, f"last dimension of data must be 4, {data.shape[-1]} "
           "provided")
    _check(anchors.dim() >= 3, op, f"anchors shape must have dim == 3, {anchors.dim()} "
           "provided")
    _check(anchors.shape[-1] == 4, op, f"last dimension of anchors must be 4, "
           f"{anchors.shape[-1]} provided")
    n = data.shape[1]
    _check(anchors.numel() == n * 4, op, f"anchors must hold (1, {n}, 4) = {n * 4} values "
           f"(shared by the batch), got shape {tuple(anchors.shape)}")
    stds = [_f32(v) for v in (std0, std1, std2, std3)]
    cl = _f32(clip)

    def fn(x, an):
        an = an.reshape(1, n, 4)
        ax, ay, aw, ah = an.unbind(-1)
        if format == "corner":
            aw = aw - ax
            ah = ah - ay
            ax = ax + aw * 0.5
            ay = ay + ah * 0.5
        ox = x[..., 0] * stds[0] * aw + ax
        oy = x[..., 1] * stds[1] * ah + ay
        dw = x[..., 2] * stds[2]
        dh = x[..., 3] * stds[3]
        if cl > 0:
            c = torch.full_like(dw, cl)
            dw = torch.where(dw < c, dw, c)
            dh = torch.where(dh < c, dh, c)
        ow = torch.exp(dw) * aw * 0.5
        oh = torch.exp(dh) * ah * 0.5
        return torch.stack((ox - ow, oy - oh, ox + ow, oy + oh), -1)
    return _zero_grad(fn, data, anchors)


# ----------------------------------------------------------------------------------------
# attention helpers
@register("div_sqrt_dim", family="nn", ns="contrib", torch="data / math.sqrt(data.shape[-1])",
          notes="integer arrays divide by int(sqrt(dim)) with truncation, as MXNet")
def div_sqrt_dim(data):
    """``data / sqrt(data.shape[-1])``."""
    op = "div_sqrt_dim"
    if data.dtype == torch.bool:
        raise MXNetTypeError(f"{op}: bool arrays are not supported (MXNet: Unknown type "
                             "enum 7)")
    if data.dim() == 0:
        raise MXNetValueError(f"{op}: 0-d arrays are not supported (MXNet's shape inference "
                              "fails)")
    dim = data.shape[-1]
    if data.is_floating_point():
        div = torch.tensor(float(dim), dtype=data.dtype, device=data.device).sqrt()
        return data / div
    div_i = int(math.sqrt(dim))
    if div_i == 0:
        return torch.zeros_like(data)
    return torch.div(data, div_i, rounding_mode="trunc").to(data.dtype)


def _fp32_cpu(op: str, *ts: torch.Tensor) -> None:
    for t in ts:
        if t.dtype != torch.float32:
            raise MXNetTypeError(f"{op}: Only FP32 is supported on CPU at the moment (got "
                                 f"{_dtypes.name(t.dtype)})")


def _heads(op: str, heads: Any) -> int:
    if heads <= 0:
        raise MXNetValueError(f"{op}: heads must be > 0, got {heads}")
    return heads


def _split(op: str, what: str, t: torch.Tensor, heads: int, parts: int) -> torch.Tensor:
    """(S, B, heads * parts * D) -> (S, B, heads, parts, D)."""
    s, b, e = t.shape
    if e % (heads * parts):
        raise MXNetValueError(f"{op}: {what}.shape[2] = {e} is not divisible by heads * "
                              f"{parts} = {heads * parts}")
    return t.reshape(s, b, heads, parts, e // (heads * parts))


def _bh(x: torch.Tensor) -> torch.Tensor:
    """(S, B, H, D) -> (B*H, S, D)."""
    s, b, h, d = x.shape
    return x.permute(1, 2, 0, 3).reshape(b * h, s, d)


def _unbh(x: torch.Tensor, b: int, h: int) -> torch.Tensor:
    """(B*H, S, D) -> (S, B, H*D)."""
    bh, s, d = x.shape
    return x.reshape(b, h, s, d).permute(2, 0, 1, 3).reshape(s, b, h * d)


def _dim3(op: str, what: str, t: torch.Tensor, layout: str) -> None:
    if t.dim() != 3:
        raise MXNetValueError(f"{op}: Input {what} should be 3D in {layout}, currently is: "
                              f"{t.dim()}D")


@register("interleaved_matmul_selfatt_qk", required=("heads",),
          params={"heads": Int}, family="nn", ns="contrib",
          torch="torch.bmm(q / sqrt(d), k.transpose(1, 2)) on the interleaved layout",
          notes="float32 only (MXNet's CPU kernel)")
def interleaved_matmul_selfatt_qk(queries_keys_values, heads=None):
    """Scaled q.k^T of self-attention from (S, B, H*3*D) interleaved projections:
    (B*H, S, S)."""
    op = "interleaved_matmul_selfatt_qk"
    h = _heads(op, heads)
    x = queries_keys_values
    _dim3(op, "queries_keys_values", x, "seq_length-batch-proj_dim")
    _fp32_cpu(op, x)
    t = _split(op, "queries_keys_values", x, h, 3)
    d = t.shape[-1]
    scale = _f32(1.0 / math.sqrt(float(np.float32(d))))
    q, k = _bh(t[:, :, :, 0, :]), _bh(t[:, :, :, 1, :])
    return torch.bmm(q * scale, k.transpose(1, 2))


@register("interleaved_matmul_selfatt_valatt", required=("heads",),
          params={"heads": Int}, family="nn",
          ns="contrib", torch="torch.bmm(attention, v) on the interleaved layout",
          notes="float32 only (MXNet's CPU kernel)")
def interleaved_matmul_selfatt_valatt(queries_keys_values, attention, heads=None):
    """attention @ v of self-attention: (S, B, H*D)."""
    op = "interleaved_matmul_selfatt_valatt"
    h = _heads(op, heads)
    x = queries_keys_values
    _dim3(op, "queries_keys_values", x, "seq_length-batch-proj_dim")
    _dim3(op, "attention", attention, "batch-seq_length-seq_length")
    s, b, e = x.shape
    _check(s == attention.shape[1], op, "queries_keys_values.shape[0] and attention.shape[1] "
           f"should be the same, currently are {s} and {attention.shape[1]}")
    _check(s == attention.shape[2], op, "queries_keys_values.shape[0] and attention.shape[2] "
           f"should be the same, currently are {s} and {attention.shape[2]}")
    _check(e % 3 == 0, op, "queries_keys_values.shape[2] should be a multiple of 3, "
           f"currently is {e}")
    _check(attention.shape[0] == b * h, op, f"attention.shape[0] should be equal to "
           f"queries_keys_values.shape[1] * heads = {b * h}, currently is "
           f"{attention.shape[0]}")
    _fp32_cpu(op, x, attention)
    t = _split(op, "queries_keys_values", x, h, 3)
    v = _bh(t[:, :, :, 2, :])
    return _unbh(torch.bmm(attention, v), b, h)


@register("interleaved_matmul_encdec_qk", required=("heads",),
          params={"heads": Int}, family="nn", ns="contrib",
          torch="torch.bmm(q / sqrt(d), k.transpose(1, 2)) on the interleaved layout",
          notes="float32 only (MXNet's CPU kernel)")
def interleaved_matmul_encdec_qk(queries, keys_values, heads=None):
    """Scaled q.k^T of encoder-decoder attention: (B*H, Sq, Sk)."""
    op = "interleaved_matmul_encdec_qk"
    h = _heads(op, heads)
    _dim3(op, "queries", queries, "seq_length-batch-proj_dim")
    _dim3(op, "keys_values", keys_values, "seq_length-batch-2*proj_dim")
    _check(queries.shape[2] * 2 == keys_values.shape[2], op, "keys_values.shape[2] should be "
           f"2 * queries.shape[2], currently are {keys_values.shape[2]} and "
           f"{queries.shape[2]}")
    _check(queries.shape[1] == keys_values.shape[1], op, "queries.shape[1] and "
           "keys_values.shape[1] should be the same, currently are "
           f"{queries.shape[1]} and {keys_values.shape[1]}")
    _fp32_cpu(op, queries, keys_values)
    sq, b, e = queries.shape
    if e % h:
        raise MXNetValueError(f"{op}: queries.shape[2] = {e} is not divisible by heads = {h}")
    d = e // h
    q = _bh(queries.reshape(sq, b, h, d))
    kv = _split(op, "keys_values", keys_values, h, 2)
    k = _bh(kv[:, :, :, 0, :])
    scale = _f32(1.0 / math.sqrt(float(d)))
    return torch.bmm(q * scale, k.transpose(1, 2))


@register("interleaved_matmul_encdec_valatt", required=("heads",),
          params={"heads": Int}, family="nn",
          ns="contrib", torch="torch.bmm(attention, v) on the interleaved layout",
          notes="float32 only (MXNet's CPU kernel)")
def interleaved_matmul_encdec_valatt(keys_values, attention, heads=None):
    """attention @ v of encoder-decoder attention: (Sq, B, H*D)."""
    op = "interleaved_matmul_encdec_valatt"
    h = _heads(op, heads)
    _dim3(op, "keys_values", keys_values, "seq_length-batch-2*proj_dim")
    _dim3(op, "attention", attention, "batch-seq_length-seq_length")
    sk, b, e = keys_values.shape
    _check(sk == attention.shape[2], op, "keys_values.shape[0] and attention.shape[2] should "
           f"be the same, currently are {sk} and {attention.shape[2]}")
    _check(b * h == attention.shape[0], op, "attention.shape[0] should be equal to "
           f"keys_values.shape[1] * heads, currently are: {attention.shape[0]} and {b * h}")
    _fp32_cpu(op, keys_values, attention)
    kv = _split(op, "keys_values", keys_values, h, 2)
    v = _bh(kv[:, :, :, 1, :])
    return _unbh(torch.bmm(attention, v), b, h)


# ----------------------------------------------------------------------------------------
# MultiBox (SSD)
def _legacy_f32(op: str, *ts: torch.Tensor) -> None:
    """The MultiBox ops are legacy operators whose type inference accepts float32 only."""
    for t in ts:
        if t.dtype != torch.float32:
            raise MXNetTypeError(f"{op}: Unsupported data type {_dtypes.name(t.dtype)} "
                                 "(MXNet's MultiBox ops take float32 only)")


@register("MultiBoxPrior", params={"sizes": FloatTuple, "ratios": FloatTuple, "clip": Bool,
                                   "steps": FloatTuple, "offsets": FloatTuple},
          family="nn", ns="contrib", torch="anchor grid built with torch.arange",
          notes="float32 only; (1, H*W*(len(sizes)+len(ratios)-1), 4); zero gradient")
def MultiBoxPrior(data, sizes=(1.0,), ratios=(1.0,), clip=False, steps=(-1.0, -1.0),
                  offsets=(0.5, 0.5)):
    """SSD prior (anchor) boxes for the feature map ``data`` (N, C, H, W)."""
    op = "MultiBoxPrior"
    _legacy_f32(op, data)
    _check(data.dim() >= 4, op, f"Input data should be 4D: batch-channel-y-x, got "
           f"{data.dim()}D")
    hgt, wid = int(data.shape[2]), int(data.shape[3])
    _check(hgt > 0, op, "Input height should > 0")
    _check(wid > 0, op, "Input width should > 0")
    _check(len(steps) == 2, op, f"steps: Step ndim must be 2: (step_y, step_x), got "
           f"{len(steps)}")
    _check(len(sizes) > 0, op, "sizes must not be empty")
    _check(len(ratios) > 0, op, "ratios must not be empty")
    _check(len(offsets) == 2, op, f"offsets must have 2 values (y, x), got {len(offsets)}")
    for o in offsets:
        _check(0.0 <= o <= 1.0, op, f"offsets must be in [0, 1], got {offsets}")
    f = np.float32
    sy, sx = f(steps[0]), f(steps[1])
    _check(float(sy) * float(sx) >= 0, op, f"steps: Must specify both step_y and step_x, "
           f"got {steps}")
    if sy <= 0 or sx <= 0:
        sy, sx = f(1) / f(hgt), f(1) / f(wid)
    cy = (np.arange(hgt).astype(f) + f(offsets[0])) * sy
    cx = (np.arange(wid).astype(f) + f(offsets[1])) * sx
    whs = []
    r0 = np.sqrt(f(ratios[0]))
    for s in sizes:
        s = f(s)
        whs.append((s * f(hgt) / f(wid) * r0 / f(2), s / r0 / f(2)))
    s0 = f(sizes[0])
    for r in ratios[1:]:
        rr = np.sqrt(f(r))
        whs.append((s0 * f(hgt) / f(wid) * rr / f(2), s0 / rr / f(2)))
    a = len(whs)
    wv = np.array([w for w, _ in whs], dtype=f)
    hv = np.array([h for _, h in whs], dtype=f)
    X = np.broadcast_to(cx[None, :, None], (hgt, wid, a))
    Y = np.broadcast_to(cy[:, None, None], (hgt, wid, a))
    out = np.stack((X - wv, Y - hv, X + wv, Y + hv), -1).reshape(1, hgt * wid * a, 4)
    if clip:
        out = np.clip(out, f(0), f(1))
    res = torch.as_tensor(np.ascontiguousarray(out), device=data.device)
    return _zero_grad(lambda x: res.clone(), data)


def _mbox_iou(anchors: torch.Tensor, gts: torch.Tensor) -> torch.Tensor:
    """(A, 4) x (G, 4) IoU as MultiBoxTarget computes it (safe_divide: 0 for a 0 union)."""
    a = anchors[:, None, :]
    g = gts[None, :, :]
    zero = torch.zeros((), dtype=anchors.dtype, device=anchors.device)
    inter = (torch.maximum(zero, torch.minimum(a[..., 2], g[..., 2])
                           - torch.maximum(a[..., 0], g[..., 0]))
             * torch.maximum(zero, torch.minimum(a[..., 3], g[..., 3])
                             - torch.maximum(a[..., 1], g[..., 1])))
    union = ((a[..., 2] - a[..., 0]) * (a[..., 3] - a[..., 1])
             + (g[..., 2] - g[..., 0]) * (g[..., 3] - g[..., 1]) - inter)
    return torch.where(union == 0, torch.zeros_like(inter),
                       inter / torch.where(union == 0, torch.ones_like(union), union))


@register("MultiBoxTarget", outputs=("loc_target", "loc_mask", "cls_target"),
          params={"overlap_threshold": Float, "ignore_label": Float,
                                    "negative_mining_ratio": Float,
                                    "negative_mining_thresh": Float,
                                    "minimum_negative_samples": Int, "variances": FloatTuple},
          family="nn", ns="contrib", torch="IoU matching in NumPy (MXNet's greedy algorithm)",
          notes="outputs (loc_target, loc_mask, cls_target); minimum_negative_samples is "
                "ignored (as MXNet's CPU kernel); zero gradient")
def MultiBoxTarget(anchor, label, cls_pred, overlap_threshold=0.5, ignore_label=-1.0,
                   negative_mining_ratio=-1.0, negative_mining_thresh=0.5,
                   minimum_negative_samples=0, variances=(0.1, 0.1, 0.2, 0.2)):
    """SSD training targets: anchors (1, A, 4), labels (B, L, >=5), class predictions
    (B, C, A)."""
    op = "MultiBoxTarget"
    _legacy_f32(op, anchor, label, cls_pred)
    _check(anchor.dim() == 3, op, "Anchor should be batch shared N*4 tensor, got shape "
           f"{tuple(anchor.shape)}")
    _check(anchor.shape[0] == 1, op, "Anchors are shared across batches, first dimension "
           "should be 1")
    _check(anchor.shape[1] > 0, op, "Number boxes should be greater than 0")
    _check(anchor.shape[2] == 4, op, "Box dimension should be 4: [xmin, ymin, xmax, ymax]")
    _check(label.dim() == 3, op, "Label should be [batch, num_labels, label_width] tensor")
    _check(label.shape[1] > 0, op, "Padded label should be greater than 0")
    _check(label.shape[2] >= 5, op, "Label width should be greater than or equal to 5")
    _check(cls_pred.dim() == 3, op, "Prediction: [batch, num_classes, num_anchors]")
    _check(cls_pred.shape[2] == anchor.shape[1], op, "Number of anchors mismatch")
    _check(len(variances) == 4, op, f"variances must have 4 values, got {len(variances)}")
    if negative_mining_ratio > 0:
        _check(negative_mining_thresh > 0, op, "negative_mining_thresh must be > 0 when "
               "negative mining is on")
    vx, vy, vw, vh = (np.float32(v) for v in variances)
    ov_thr, nm_thr = np.float32(overlap_threshold), np.float32(negative_mining_thresh)

    def fn(an_t, lb_t, cp_t):
        dt, dev = an_t.dtype, an_t.device
        na = an_t.shape[1]
        nb, nl, lw = lb_t.shape
        an = an_t.reshape(na, 4)
        loc_t = np.zeros((nb, na, 4), dtype=np.float64)
        loc_m = np.zeros((nb, na, 4), dtype=np.float64)
        cls_t = np.full((nb, na), np.float64(_dt_round(ignore_label, dt)))
        an_np = an.detach().to(torch.float32).cpu().numpy()
        lb_np = lb_t.detach().cpu().numpy()
        lb32 = lb_np.astype(np.float32)
        cp_np = cp_t.detach().cpu().numpy()
        for bi in range(nb):
            ng = 0
            for i in range(nl):
                if lb32[bi, i, 0] == -1.0:
                    if not np.all(lb32[bi, i, 1:5] == -1.0):
                        raise MXNetValueError(f"{op}: a padding label row (class -1) must be "
                                              "all -1")
                    break
                ng += 1
            if ng == 0:
                continue
            ov = _mbox_iou(an, lb_t[bi, :ng, 1:5]).detach().to(torch.float32).cpu().numpy()
            flags = np.full(na, -1, dtype=np.int8)
            best_iou = np.full(na, np.float32(-1))
            best_gt = np.full(na, -1, dtype=np.int64)
            gt_done = np.zeros(ng, dtype=bool)
            npos = 0
            while not gt_done.all():
                sub = np.where((flags == 1)[:, None] | gt_done[None, :], np.float32(-np.inf), ov)
                # first (anchor, gt) in row-major order with the strictly largest IoU
                flat = sub.reshape(-1)
                cand = np.nonzero(flat > np.float32(1e-6))[0]
                if cand.size == 0:
                    break
                top = cand[np.argmax(flat[cand])]
                bj, bk = divmod(int(top), ng)
                best_iou[bj] = flat[top]
                best_gt[bj] = bk
                npos += 1
                gt_done[bk] = True
                flags[bj] = 1
            if ov_thr > 0:
                for j in range(na):
                    if flags[j] == 1:
                        continue
                    k = int(np.argmax(ov[j]))
                    best_iou[j] = ov[j, k]
                    best_gt[j] = k
                    if ov[j, k] > ov_thr:
                        npos += 1
                        gt_done[k] = True
                        flags[j] = 1
            if negative_mining_ratio > 0:
                nneg = int(npos * np.float32(negative_mining_ratio))
                nneg = min(nneg, na - npos)
                if nneg > 0:
                    cand = []
                    for j in range(na):
                        if flags[j] == 1:
                            continue
                        if best_iou[j] < 0:
                            k = int(np.argmax(ov[j]))
                            best_iou[j] = ov[j, k]
                            best_gt[j] = k
                        if best_iou[j] < nm_thr and flags[j] == -1:
                            p = cp_np[bi, :, j]
                            e = np.exp(p - p.max())
                            prob = e[0] / e.sum()
                            cand.append((-prob, j))
                    if len(cand) < nneg:
                        raise MXNetValueError(f"{op}: not enough negative candidates")
                    # SortElemDescend: descending by -prob, stable
                    order = sorted(range(len(cand)), key=lambda i: -cand[i][0])
                    for i in order[:nneg]:
                        flags[cand[i][1]] = 0
            else:
                flags[flags != 1] = 0
            for j in range(na):
                if flags[j] == 1:
                    g = best_gt[j]
                    cls_t[bi, j] = lb_np[bi, g, 0] + 1
                    loc_m[bi, j] = 1
                    al, at, ar, ab = an_np[j]
                    aw, ah = ar - al, ab - at
                    ax, ay = (al + ar) * np.float32(0.5), (at + ab) * np.float32(0.5)
                    gl, gt_, gr, gb = lb32[bi, g, 1:5]
                    gw, gh = gr - gl, gb - gt_
                    gx, gy = (gl + gr) * np.float32(0.5), (gt_ + gb) * np.float32(0.5)
                    with np.errstate(all="ignore"):
                        loc_t[bi, j] = (np.float32((gx - ax) / aw / vx),
                                        np.float32((gy - ay) / ah / vy),
                                        np.float32(np.log(gw / aw) / vw),
                                        np.float32(np.log(gh / ah) / vh))
                elif flags[j] == 0:
                    cls_t[bi, j] = 0
        return (torch.as_tensor(loc_t.reshape(nb, na * 4), device=dev).to(dt),
                torch.as_tensor(loc_m.reshape(nb, na * 4), device=dev).to(dt),
                torch.as_tensor(cls_t, device=dev).to(dt))
    return _zero_grad(fn, anchor, label, cls_pred)


def _dt_round(v: float, dt: torch.dtype) -> float:
    return float(torch.tensor(_f32(v), dtype=dt))


@register("MultiBoxDetection", params={"clip": Bool, "threshold": Float, "background_id": Int,
                                       "nms_threshold": Float, "force_suppress": Bool,
                                       "variances": FloatTuple, "nms_topk": Int},
          family="nn", ns="contrib", torch="decode + greedy NMS (MXNet's CPU kernel)",
          notes="(B, A, 6) rows [id, score, xmin, ymin, xmax, ymax]; class 0 is the "
                "background whatever background_id says (as MXNet's CPU kernel); "
                "zero gradient")
def MultiBoxDetection(cls_prob, loc_pred, anchor, clip=True, threshold=0.01, background_id=0,
                      nms_threshold=0.5, force_suppress=False,
                      variances=(0.1, 0.1, 0.2, 0.2), nms_topk=-1):
    """SSD detections from class probabilities (B, C, A), offsets (B, A*4), anchors
    (1, A, 4)."""
    op = "MultiBoxDetection"
    _legacy_f32(op, cls_prob, loc_pred, anchor)
    _check(cls_prob.dim() == 3, op, f"cls_prob must be 3-D, provided: {tuple(cls_prob.shape)}")
    _check(loc_pred.dim() == 2, op, f"loc_pred must be 2-D, provided: {tuple(loc_pred.shape)}")
    _check(anchor.dim() == 3, op, f"anchor must be 3-D, provided: {tuple(anchor.shape)}")
    _check(cls_prob.shape[2] == anchor.shape[1], op, "Number of anchors mismatch")
    _check(cls_prob.shape[2] * 4 == loc_pred.shape[1], op, "# anchors mismatch with # loc")
    _check(anchor.shape[1] > 0, op, "Number of anchors must > 0")
    _check(anchor.shape[2] == 4, op, "anchor.shape[2] must be 4")
    _check(anchor.shape[0] == 1, op, "anchor.shape[0] must be 1 (anchors shared by the batch)")
    _check(loc_pred.shape[0] == cls_prob.shape[0], op, "loc_pred and cls_prob batch sizes "
           "differ")
    _check(len(variances) == 4, op, "Variance size must be 4")
    var = [_f32(v) for v in variances]
    thr, nms_thr = _f32(threshold), _f32(nms_threshold)

    def fn(cp, lp, an):
        nb, nc, na = cp.shape
        dt = cp.dtype
        a = an.reshape(na, 4)
        # best foreground class (first maximum; score starts at -1)
        if nc > 1:
            fg = cp[:, 1:, :]
            score, arg = fg.max(dim=1)
            # torch.max returns the first maximal index like the strict '>' scan, but a
            # score below -1 never beats the initial -1
            ids = torch.where(score > -1, arg + 1, torch.zeros_like(arg))
            score = torch.where(score > -1, score, torch.full_like(score, -1))
        else:
            ids = torch.zeros((nb, na), dtype=torch.int64, device=cp.device)
            score = torch.full((nb, na), -1, dtype=dt, device=cp.device)
        ids = torch.where((ids > 0) & (score < thr), torch.zeros_like(ids), ids)
        al, at, ar, ab = a.unbind(-1)
        aw, ah = ar - al, ab - at
        ax, ay = (al + ar) / 2, (at + ab) / 2
        p = lp.reshape(nb, na, 4)
        ox = p[..., 0] * var[0] * aw + ax
        oy = p[..., 1] * var[1] * ah + ay
        ow = torch.exp(p[..., 2] * var[2]) * aw / 2
        oh = torch.exp(p[..., 3] * var[3]) * ah / 2
        box = torch.stack((ox - ow, oy - oh, ox + ow, oy + oh), -1)
        if clip:
            box = box.clamp(0, 1)
        rows = torch.cat(((ids - 1).to(dt)[..., None], score[..., None], box), -1)
        out = torch.full((nb, na, 6), -1, dtype=dt, device=cp.device)
        rows_np = rows.detach().cpu()
        for b in range(nb):
            valid = torch.nonzero(rows_np[b, :, 0] >= 0).reshape(-1)
            nv = valid.numel()
            if nv == 0:
                continue
            comp = rows_np[b, valid]
            if nms_thr <= 0 or nms_thr > 1:
                out[b, :nv] = comp.to(out.device)
                continue
            order = torch.sort(comp[:, 1], descending=True, stable=True).indices
            nkeep = nv
            res = comp.clone()
            if 0 < nms_topk < nkeep:
                nkeep = nms_topk
                res[nkeep:, 0] = -1
            res[:nkeep] = comp[order[:nkeep]]
            bx = res[:nkeep, 2:6]
            iou = _det_iou(bx)
            ge = (iou.float() if dt == torch.float16 else iou) >= nms_thr
            cls = res[:nkeep, 0].numpy()
            same = (np.ones((nkeep, nkeep), dtype=bool) if force_suppress
                    else cls[:, None] == cls[None, :])
            keep = _greedy(ge.numpy(), same)
            res[:nkeep, 0] = torch.where(torch.as_tensor(keep), res[:nkeep, 0],
                                         torch.full_like(res[:nkeep, 0], -1))
            out[b, :nv] = res.to(out.device)
        return out
    return _zero_grad(fn, cls_prob, loc_pred, anchor)


def _det_iou(b: torch.Tensor) -> torch.Tensor:
    """MultiBoxDetection's CalculateOverlap on all pairs of (K, 4) corner boxes."""
    x = b[:, None, :]
    y = b[None, :, :]
    zero = torch.zeros((), dtype=b.dtype)
    w = torch.maximum(zero, torch.minimum(x[..., 2], y[..., 2]) - torch.maximum(x[..., 0],
                                                                                y[..., 0]))
    h = torch.maximum(zero, torch.minimum(x[..., 3], y[..., 3]) - torch.maximum(x[..., 1],
                                                                                y[..., 1]))
    i = w * h
    u = (x[..., 2] - x[..., 0]) * (x[..., 3] - x[..., 1]) + \
        (y[..., 2] - y[..., 0]) * (y[..., 3] - y[..., 1]) - i
    return torch.where(u <= 0, torch.zeros_like(i), i / torch.where(u <= 0,
                                                                     torch.ones_like(u), u))


# ----------------------------------------------------------------------------------------
# SparseEmbedding
@register("SparseEmbedding", required=("input_dim", "output_dim"),
          params={"input_dim": Int, "output_dim": Int, "dtype": OptDtype,
                                     "sparse_grad": Bool},
          family="nn", ns="contrib", torch="torch.nn.functional.embedding",
          notes="dense arrays only: same as Embedding; the weight gradient is dense (MXNet "
                "gives a row_sparse one and needs attach_grad(stype='row_sparse'))")
def SparseEmbedding(data, weight, input_dim=None, output_dim=None, dtype=None,
                    sparse_grad=False):
    """``Embedding`` on dense arrays (the gradient of ``weight`` is dense)."""
    from .nn import Embedding
    if dtype is not None and _dtypes.name(dtype) in ("int8", "int64", "bool"):
        raise MXNetValueError(f"SparseEmbedding: Invalid Input: '{_dtypes.name(dtype)}', "
                              "valid values are: {'float16', 'float32', 'float64', 'int32', "
                              "'uint8'}, in parameter dtype")
    try:
        return Embedding._mx_impl(data, weight, input_dim, output_dim, dtype, sparse_grad)
    except MXNetError as e:
        msg = str(e)
        if msg.startswith("Embedding:"):
            msg = "SparseEmbedding:" + msg[len("Embedding:"):]
        raise type(e)(msg) from None


# ----------------------------------------------------------------------------------------
# Proposal / MultiProposal (Faster R-CNN region proposals; MXNet's CPU kernels)
_PROPOSAL_PARAMS = {"rpn_pre_nms_top_n": Int, "rpn_post_nms_top_n": Int, "threshold": Float,
                    "rpn_min_size": Int, "scales": FloatTuple, "ratios": FloatTuple,
                    "feature_stride": Int, "output_score": Bool, "iou_loss": Bool}


def _rpn_anchors(stride: int, ratios: Sequence[float], scales: Sequence[float]) -> np.ndarray:
    """MXNet's GenerateAnchors (ratios outer, scales inner), in float32 like the kernel."""
    f = np.float32
    w = h = f(f(stride - 1.0) + f(1.0))
    xc = yc = f(0.5 * (w - f(1.0)))
    out = []
    for r in ratios:
        for s in scales:
            r32, s32 = f(r), f(s)
            size_ratios = f(np.floor(f(w * h) / r32))
            nw = f(f(np.floor(f(np.sqrt(size_ratios)) + f(0.5))) * s32)
            nh = f(f(np.floor(f(f(nw / s32) * r32) + f(0.5))) * s32)
            out.append((xc - f(0.5) * (nw - f(1)), yc - f(0.5) * (nh - f(1)),
                        xc + f(0.5) * (nw - f(1)), yc + f(0.5) * (nh - f(1))))
    return np.array(out, dtype=np.float32)


def _rpn_image(fg: np.ndarray, deltas: np.ndarray, info: np.ndarray, anchors: np.ndarray,
               p: dict) -> tuple:
    """One image: fg scores (A, H, W), deltas (4A, H, W), im_info (3,) -> (boxes (P, 4),
    scores (P,)) with P = rpn_post_nms_top_n rows (cycled when fewer survive NMS)."""
    f = np.float32
    a_n, hgt, wid = fg.shape
    stride = p["feature_stride"]
    count = a_n * hgt * wid
    pre = p["rpn_pre_nms_top_n"] if p["rpn_pre_nms_top_n"] > 0 else count
    pre = min(pre, count)
    post = min(p["rpn_post_nms_top_n"], pre)
    # proposals in (H, W, A) order: index = j * (W * A) + k * A + i
    grid = np.meshgrid(np.arange(hgt), np.arange(wid), np.arange(a_n), indexing="ij")
    jj, kk, ii = (g.reshape(-1) for g in grid)
    base = anchors[ii]
    x1 = base[:, 0] + f(1) * (kk * stride)
    y1 = base[:, 1] + f(1) * (jj * stride)
    x2 = base[:, 2] + f(1) * (kk * stride)
    y2 = base[:, 3] + f(1) * (jj * stride)
    score = fg[ii, jj, kk].astype(np.float32).copy()
    d = deltas.reshape(a_n, 4, hgt, wid)[ii, :, jj, kk].astype(np.float64)
    im_h, im_w = f(info[0]), f(info[1])
    x1, y1, x2, y2 = (v.astype(np.float64) for v in (x1, y1, x2, y2))
    if p["iou_loss"]:
        px1, py1, px2, py2 = x1 + d[:, 0], y1 + d[:, 1], x2 + d[:, 2], y2 + d[:, 3]
    else:
        w = (x2 - x1 + 1.0).astype(f).astype(np.float64)
        h = (y2 - y1 + 1.0).astype(f).astype(np.float64)
        cx = (x1 + 0.5 * (w - 1.0)).astype(f).astype(np.float64)
        cy = (y1 + 0.5 * (h - 1.0)).astype(f).astype(np.float64)
        pcx = (d[:, 0] * w + cx).astype(f).astype(np.float64)
        pcy = (d[:, 1] * h + cy).astype(f).astype(np.float64)
        pw = (np.exp(d[:, 2].astype(f)) * w).astype(f).astype(np.float64)
        ph = (np.exp(d[:, 3].astype(f)) * h).astype(f).astype(np.float64)
        px1, py1 = pcx - 0.5 * (pw - 1.0), pcy - 0.5 * (ph - 1.0)
        px2, py2 = pcx + 0.5 * (pw - 1.0), pcy + 0.5 * (ph - 1.0)
    box = np.stack([px1, py1, px2, py2], 1).astype(f)
    box[:, 0::2] = np.maximum(np.minimum(box[:, 0::2], im_w - f(1)), f(0))
    box[:, 1::2] = np.maximum(np.minimum(box[:, 1::2], im_h - f(1)), f(0))
    real_h, real_w = int(f(info[0]) / f(stride)), int(f(info[1]) / f(stride))
    score[(jj >= real_h) | (kk >= real_w)] = -1.0
    min_size = f(f(p["rpn_min_size"]) * f(info[2]))
    small = ((box[:, 2] - box[:, 0] + f(1)) < min_size) | ((box[:, 3] - box[:, 1] + f(1))
                                                          < min_size)
    box[small, :2] -= min_size / f(2)
    box[small, 2:] += min_size / f(2)
    score[small] = -1.0
    order = np.argsort(-score, kind="stable")[:pre]
    box, score = box[order], score[order]
    area = (box[:, 2] - box[:, 0] + f(1)) * (box[:, 3] - box[:, 1] + f(1))
    sup = np.zeros(pre, dtype=bool)
    keep: list = []
    thr = f(p["threshold"])
    for i in range(pre):
        if len(keep) >= post:
            break
        if sup[i]:
            continue
        keep.append(i)
        rest = slice(i + 1, pre)
        xx1 = np.maximum(box[i, 0], box[rest, 0])
        yy1 = np.maximum(box[i, 1], box[rest, 1])
        xx2 = np.minimum(box[i, 2], box[rest, 2])
        yy2 = np.minimum(box[i, 3], box[rest, 3])
        iw = np.maximum(f(0), xx2 - xx1 + f(1))
        ih = np.maximum(f(0), yy2 - yy1 + f(1))
        inter = iw * ih
        with np.errstate(all="ignore"):
            ovr = inter / (area[i] + area[rest] - inter)
        sup[rest] |= ovr > thr
    n_out = p["rpn_post_nms_top_n"]
    pick = np.array([keep[i] if i < len(keep) else keep[i % len(keep)] for i in range(n_out)],
                    dtype=np.int64)
    return box[pick], score[pick]


def _proposal(op: str, cls_prob: torch.Tensor, bbox_pred: torch.Tensor,
              im_info: torch.Tensor, p: dict, multi: bool) -> Any:
    for name, t in (("cls_prob", cls_prob), ("bbox_pred", bbox_pred), ("im_info", im_info)):
        if t.dtype != torch.float32:
            raise MXNetTypeError(f"{op}: input '{name}' must be float32 (MXNet's proposal "
                                 f"kernels take float32 only), got {_dtypes.name(t.dtype)}")
    _check(cls_prob.dim() == 4, op, f"cls_prob must be 4-D (N, 2*A, H, W), got shape "
           f"{tuple(cls_prob.shape)}")
    n, c2, hgt, wid = cls_prob.shape
    _check(tuple(bbox_pred.shape) == (n, c2 * 2, hgt, wid), op, "bbox_pred: shape "
           f"{tuple(bbox_pred.shape)} does not match cls_prob's, expected "
           f"{(n, c2 * 2, hgt, wid)}")
    _check(tuple(im_info.shape) == (n, 3), op, f"im_info: shape {tuple(im_info.shape)}, "
           f"expected {(n, 3)}")
    if not multi:
        _check(n == 1, op, "Sorry, multiple images each device is not implemented "
               "(use MultiProposal)")
    a_n = c2 // 2
    _check(a_n == len(p["ratios"]) * len(p["scales"]), op, f"scales/ratios: cls_prob has "
           f"{a_n} anchors per position but len(ratios) * len(scales) = "
           f"{len(p['ratios']) * len(p['scales'])}")
    _check(p["rpn_post_nms_top_n"] > 0, op, "rpn_post_nms_top_n must be > 0")
    _check(p["feature_stride"] > 0, op, "feature_stride must be > 0")
    anchors = _rpn_anchors(p["feature_stride"], p["ratios"], p["scales"])
    cp = cls_prob.detach().cpu().numpy()
    bp = bbox_pred.detach().cpu().numpy()
    ii = im_info.detach().cpu().numpy()
    rows, scores = [], []
    for b in range(n):
        info = ii[b]
        rh, rw = int(np.float32(info[0]) / np.float32(p["feature_stride"])), \
            int(np.float32(info[1]) / np.float32(p["feature_stride"]))
        _check(hgt >= rh and wid >= rw, op, f"im_info: image size {info[:2].tolist()} is "
               f"larger than the feature map ({hgt}, {wid}) times feature_stride")
        box, sc = _rpn_image(cp[b, a_n:], bp[b], info, anchors, p)
        rows.append(np.concatenate([np.full((len(box), 1), b, np.float32), box], 1))
        scores.append(sc[:, None])
    dev = cls_prob.device
    out = torch.as_tensor(np.concatenate(rows, 0), device=dev)
    sc_t = torch.as_tensor(np.concatenate(scores, 0), device=dev)
    return (out, sc_t) if p["output_score"] else out


def _proposal_op(name: str, multi: bool) -> Callable:
    @register(name, params=dict(_PROPOSAL_PARAMS), family="nn", ns="contrib",
              outputs=lambda p: ("output", "score") if p["output_score"] else ("output",),
              torch="anchor decoding + greedy NMS in NumPy (torchvision.ops.nms is close)",
              notes="float32 only; rows [batch, x1, y1, x2, y2], rpn_post_nms_top_n per "
                    "image (kept boxes cycled when fewer survive NMS); zero gradient")
    def impl(cls_prob, bbox_pred, im_info, rpn_pre_nms_top_n=6000, rpn_post_nms_top_n=300,
             threshold=0.7, rpn_min_size=16, scales=(4.0, 8.0, 16.0, 32.0),
             ratios=(0.5, 1.0, 2.0), feature_stride=16, output_score=False, iou_loss=False):
        p = {"rpn_pre_nms_top_n": rpn_pre_nms_top_n, "rpn_post_nms_top_n": rpn_post_nms_top_n,
             "threshold": threshold, "rpn_min_size": rpn_min_size, "scales": scales,
             "ratios": ratios, "feature_stride": feature_stride, "output_score": output_score,
             "iou_loss": iou_loss}
        return _zero_grad(lambda c, b, i: _proposal(name, c, b, i, p, multi), cls_prob,
                          bbox_pred, im_info)
    impl.__doc__ = ("Region proposals from RPN scores (N, 2A, H, W), box deltas (N, 4A, H, W) "
                    "and im_info (N, 3)" + (" for a batch of images." if multi else
                                            " (one image)."))
    return impl


Proposal = _proposal_op("Proposal", multi=False)
MultiProposal = _proposal_op("MultiProposal", multi=True)
