"""mx.nd.contrib detection and attention helpers: box_iou, box_nms, box_encode/decode,
bipartite_matching, the interleaved attention matmuls, div_sqrt_dim, MultiBox*,
SparseEmbedding. Variant names start with ``dt_``.

Zero-gradient ops (MXNet's backward fills zeros) get gradient cells only in float32/float16:
the float64 gradient cells also compare against finite differences, which a zero backward
cannot match by design.
"""
import numpy as np

from compat_matrix.spec import INTS, Case, In

F32 = ("float32",)
FG = ("float32", "float64")
FLT = ("float32", "float64", "float16")


def _boxes(rng, shape, dt):
    """Corner boxes (..., 4) in [0, 1.6): x1 < x2, y1 < y2."""
    lo = rng.random(size=shape[:-1] + (2,))
    wh = 0.1 + 0.6 * rng.random(size=shape[:-1] + (2,))
    return np.concatenate([lo, lo + wh], -1).astype(dt)


def _center_boxes(rng, shape, dt):
    """Center boxes (..., 4): [x, y, w, h] with w, h > 0."""
    xy = 0.2 + rng.random(size=shape[:-1] + (2,))
    wh = 0.1 + 0.6 * rng.random(size=shape[:-1] + (2,))
    return np.concatenate([xy, wh], -1).astype(dt)


def _nms_data(rng, shape, dt):
    """(..., N, 6) rows [id, score, x1, y1, x2, y2]: 3 classes, boxes around 2 clusters (so
    that suppression happens), distinct scores."""
    n = shape[-2]
    lead = shape[:-1]
    ids = np.floor(rng.random(size=lead) * 3)
    scores = rng.random(size=lead)
    cl = np.floor(rng.random(size=lead) * 2)
    ctr = cl[..., None] * 0.8 + 0.5 + 0.1 * rng.random(size=lead + (2,))
    half = 0.3 + 0.1 * rng.random(size=lead + (2,))
    out = np.concatenate([ids[..., None], scores[..., None], ctr - half, ctr + half], -1)
    if shape[-1] > 6:
        out = np.concatenate([out, rng.random(size=lead + (shape[-1] - 6,))], -1)
    assert out.shape[-2] == n
    return out.astype(dt)


def _nms_frac_ids(rng, shape, dt):
    out = _nms_data(rng, shape, "float64")
    out[..., 0] += 0.25
    return out.astype(dt)


def _samples(rng, shape, dt):
    return (np.floor(rng.random(size=shape) * 3) - 1).astype(dt)


def _matches(m):
    return lambda rng, shape, dt: np.floor(rng.random(size=shape) * m).astype(dt)


def _stds(rng, shape, dt):
    return (0.1 + rng.random(size=shape) * 0.2).astype(dt)


def _offsets(rng, shape, dt):
    return (rng.random(size=shape) - 0.5).astype(dt)


def _labels(rng, shape, dt):
    """(B, L, 5) detection labels [cls, x1, y1, x2, y2]; the last row of each batch item
    after the first is padding (-1)."""
    b, n, w = shape
    cls = np.floor(rng.random(size=(b, n, 1)) * 3)
    box = _boxes(rng, (b, n, 4), "float64") * 0.6
    out = np.concatenate([cls, box, rng.random(size=(b, n, w - 5))], -1)
    out[1:, -1, :] = -1
    return out.astype(dt)


def _probs(rng, shape, dt):
    e = 0.05 + rng.random(size=shape) ** 2  # no transcendental: same bits on every NumPy
    return (e / e.sum(axis=1, keepdims=True)).astype(dt)


def _index(hi):
    return lambda rng, shape, dt: np.floor(rng.random(size=shape) * hi).astype(dt)


def _im_info(rng, shape, dt):
    rows = np.array([[16, 16, 1], [12, 15, 0.5]], np.float64)
    return rows[:shape[0]].astype(dt)


_RPN = {"scales": (1, 2), "ratios": (1, 2), "feature_stride": 4, "rpn_min_size": 2,
        "rpn_pre_nms_top_n": 20, "rpn_post_nms_top_n": 8, "threshold": 0.5}
_BOX = In(gen=_boxes)
_NOGRAD = In(grad=False)


def _iou_ref(a, b, format="corner"):
    a2, b2 = a.reshape(-1, 4).astype(np.float64), b.reshape(-1, 4).astype(np.float64)
    if format == "center":
        a2 = np.concatenate([a2[:, :2] - a2[:, 2:] / 2, a2[:, :2] + a2[:, 2:] / 2], 1)
        b2 = np.concatenate([b2[:, :2] - b2[:, 2:] / 2, b2[:, :2] + b2[:, 2:] / 2], 1)
    lt = np.maximum(a2[:, None, :2], b2[None, :, :2])
    rb = np.minimum(a2[:, None, 2:], b2[None, :, 2:])
    wh = np.clip(rb - lt, 0, None)
    inter = wh[..., 0] * wh[..., 1]
    ar = lambda x: (x[:, 2] - x[:, 0]) * (x[:, 3] - x[:, 1])  # noqa: E731
    u = ar(a2)[:, None] + ar(b2)[None, :] - inter
    r = np.where(inter > 0, inter / np.where(u == 0, 1, u), 0)
    return r.reshape(a.shape[:-1] + b.shape[:-1]).astype(a.dtype)


def _div_sqrt_ref(x):
    d = x.shape[-1]
    if x.dtype.kind == "f":
        return (x / np.sqrt(np.array(d, x.dtype))).astype(x.dtype)
    return np.trunc(x.astype(np.float64) / int(np.sqrt(d))).astype(x.dtype)


def _qkv_split(x, heads, parts):
    s, b, e = x.shape
    return x.reshape(s, b, heads, parts, e // (heads * parts))


def _bh(x):
    s, b, h, d = x.shape
    return x.transpose(1, 2, 0, 3).reshape(b * h, s, d)


def _selfatt_qk_ref(x, heads):
    t = _qkv_split(x.astype(np.float64), heads, 3)
    q, k = _bh(t[:, :, :, 0]), _bh(t[:, :, :, 1])
    return (q @ k.transpose(0, 2, 1) / np.sqrt(t.shape[-1])).astype(x.dtype)


def _valatt(att, v, b, h):
    o = att.astype(np.float64) @ v
    bh, s, d = o.shape
    return o.reshape(b, h, s, d).transpose(2, 0, 1, 3).reshape(s, b, h * d)


def _selfatt_valatt_ref(x, att, heads):
    t = _qkv_split(x.astype(np.float64), heads, 3)
    return _valatt(att, _bh(t[:, :, :, 2]), x.shape[1], heads).astype(x.dtype)


def _encdec_qk_ref(q, kv, heads):
    sq, b, e = q.shape
    d = e // heads
    qq = _bh(q.astype(np.float64).reshape(sq, b, heads, d))
    k = _bh(_qkv_split(kv.astype(np.float64), heads, 2)[:, :, :, 0])
    return (qq @ k.transpose(0, 2, 1) / np.sqrt(d)).astype(q.dtype)


def _encdec_valatt_ref(kv, att, heads):
    v = _bh(_qkv_split(kv.astype(np.float64), heads, 2)[:, :, :, 1])
    return _valatt(att, v, kv.shape[1], heads).astype(kv.dtype)


def _decode_ref(x, a, std0=1.0, std1=1.0, std2=1.0, std3=1.0, clip=-1.0, format="center"):
    a = a.reshape(1, -1, 4).astype(np.float64)
    x64 = x.astype(np.float64)
    if format == "corner":
        w, h = a[..., 2] - a[..., 0], a[..., 3] - a[..., 1]
        ax, ay = a[..., 0] + w / 2, a[..., 1] + h / 2
    else:
        ax, ay, w, h = a[..., 0], a[..., 1], a[..., 2], a[..., 3]
    ox, oy = x64[..., 0] * std0 * w + ax, x64[..., 1] * std1 * h + ay
    dw, dh = x64[..., 2] * std2, x64[..., 3] * std3
    if clip > 0:
        dw, dh = np.minimum(dw, clip), np.minimum(dh, clip)
    ow, oh = np.exp(dw) * w / 2, np.exp(dh) * h / 2
    return np.stack([ox - ow, oy - oh, ox + ow, oy + oh], -1).astype(x.dtype)


def _emb_ref(idx, w, input_dim, output_dim):
    return w[np.clip(idx.astype(np.int64), 0, input_dim - 1)]


_C = "contrib."
_NMS_IN = [In(gen=_nms_data)]

CASES = [
    # ---- box_iou
    Case(_C + "box_iou", "dt_corner", samples=[((3, 4), (2, 4)), ((2, 3, 4), (4, 4))],
         inputs=[_BOX, _BOX], dtypes=FLT, rejects=INTS, ref=_iou_ref),
    Case(_C + "box_iou", "dt_center", samples=[((3, 4), (5, 4))],
         inputs=[In(gen=_center_boxes), In(gen=_center_boxes)], dtypes=FLT,
         kwargs={"format": "center"}, ref=_iou_ref),
    Case(_C + "box_iou", "dt_zero_grad", samples=[((3, 4), (2, 4))], inputs=[_BOX, _BOX],
         dtypes=("float32", "float16"), grad=True, ref=_iou_ref,
         note="MXNet's backward of box_iou is zero"),
    Case(_C + "box_iou", "dt_bad_format", samples=[((3, 4), (2, 4))], inputs=[_BOX, _BOX],
         dtypes=F32, kwargs={"format": "xyxy"}, raises=True),
    Case(_C + "box_iou", "dt_bad_last_dim", samples=[((3, 5), (2, 4))], dtypes=F32,
         raises=True),
    Case(_C + "box_iou", "dt_dtype_mismatch", samples=[((3, 4), (2, 4))],
         inputs=[_BOX, In(gen=_boxes, dtype="float64")], dtypes=F32, raises=True),
    # ---- box_nms
    Case(_C + "box_nms", "dt_default", samples=[((8, 6),), ((2, 6, 6),)], inputs=_NMS_IN,
         dtypes=FLT, rejects=INTS, grad=True),
    Case(_C + "box_nms", "dt_class_aware", samples=[((10, 6),), ((2, 2, 5, 6),)],
         inputs=_NMS_IN, dtypes=FLT, kwargs={"id_index": 0, "overlap_thresh": 0.3}),
    # class ids k + 0.25 (MXNet truncates them): finite differences stay in the same class
    Case(_C + "box_nms", "dt_class_grad", samples=[((10, 6),)], inputs=[In(gen=_nms_frac_ids)],
         dtypes=FG, kwargs={"id_index": 0, "overlap_thresh": 0.3, "topk": 6}, grad=True),
    Case(_C + "box_nms", "dt_background_topk", samples=[((10, 6),)], inputs=_NMS_IN,
         dtypes=FLT, kwargs={"id_index": 0, "background_id": 1, "topk": 4,
                             "valid_thresh": 0.2}),
    Case(_C + "box_nms", "dt_force", samples=[((10, 6),)], inputs=_NMS_IN, dtypes=FLT,
         kwargs={"id_index": 0, "force_suppress": True, "overlap_thresh": 0.2}),
    Case(_C + "box_nms", "dt_center_out", samples=[((8, 6),)], inputs=_NMS_IN, dtypes=FLT,
         kwargs={"out_format": "center"}),
    Case(_C + "box_nms", "dt_center_in", samples=[((8, 6),)], inputs=_NMS_IN, dtypes=FLT,
         kwargs={"in_format": "center", "overlap_thresh": 0.1}),
    Case(_C + "box_nms", "dt_layout", samples=[((8, 7),)], inputs=_NMS_IN, dtypes=FG,
         kwargs={"coord_start": 2, "score_index": 6, "id_index": 1}),
    Case(_C + "box_nms", "dt_topk0", samples=[((5, 6),)], inputs=_NMS_IN, dtypes=FG,
         kwargs={"topk": 0}, grad=True),
    Case(_C + "box_nms", "dt_all_invalid", samples=[((5, 6),)], inputs=_NMS_IN, dtypes=FG,
         kwargs={"valid_thresh": 2.0}),
    Case(_C + "box_non_maximum_suppression", "dt_alias", samples=[((8, 6),)],
         inputs=_NMS_IN, dtypes=FG, kwargs={"overlap_thresh": 0.4}),
    Case(_C + "box_nms", "dt_bad_score_index", samples=[((5, 6),)], inputs=_NMS_IN,
         dtypes=F32, kwargs={"score_index": 3}, raises=True),
    Case(_C + "box_nms", "dt_too_narrow", samples=[((5, 4),)], dtypes=F32, raises=True),
    Case(_C + "box_nms", "dt_1d", samples=[((6,),)], dtypes=F32, raises=True),
    Case(_C + "box_nms", "dt_bad_id_index", samples=[((5, 6),)], inputs=_NMS_IN, dtypes=F32,
         kwargs={"id_index": 1}, raises=True),
    # ---- bipartite_matching
    Case(_C + "bipartite_matching", "dt_desc", samples=[((3, 4),), ((2, 4, 3),)],
         inputs=[In(domain=(0.0, 1.0))], dtypes=FLT, rejects=INTS,
         kwargs={"threshold": 0.2}),
    Case(_C + "bipartite_matching", "dt_asc_topk", samples=[((4, 5),), ((2, 3, 3),)],
         inputs=[In(domain=(0.0, 1.0))], dtypes=FLT,
         kwargs={"threshold": 0.8, "is_ascend": True, "topk": 1}),
    Case(_C + "bipartite_matching", "dt_zero_grad", samples=[((3, 4),)],
         inputs=[In(domain=(0.0, 1.0))], dtypes=("float32", "float16"), grad=True,
         kwargs={"threshold": 0.1}),
    Case(_C + "bipartite_matching", "dt_no_threshold", samples=[((3, 4),)], dtypes=F32,
         raises=True),
    Case(_C + "bipartite_matching", "dt_1d", samples=[((4,),)], dtypes=F32,
         kwargs={"threshold": 0.1}, raises=True),
    # ---- box_encode
    Case(_C + "box_encode", "dt_default", samples=[((2, 5), (2, 5), (2, 5, 4), (2, 3, 4),
                                                    (4,), (4,))],
         inputs=[In(gen=_samples), In(gen=_matches(3)), _BOX, _BOX, In(domain=(-0.1, 0.1)),
                 In(gen=_stds)], dtypes=FLT, rejects=INTS),
    Case(_C + "box_encode", "dt_zero_grad", samples=[((1, 4), (1, 4), (1, 4, 4), (1, 2, 4),
                                                      (4,), (4,))],
         inputs=[In(gen=_samples, grad=False), In(gen=_matches(2), grad=False), _BOX, _BOX,
                 In(domain=(-0.1, 0.1)), In(gen=_stds)], dtypes=F32, grad=True),
    Case(_C + "box_encode", "dt_bad_anchors", samples=[((2, 5), (2, 5), (2, 5, 3), (2, 3, 4),
                                                        (4,), (4,))],
         inputs=[In(gen=_samples), In(gen=_matches(3))], dtypes=F32, raises=True),
    # ---- box_decode
    Case(_C + "box_decode", "dt_center", samples=[((2, 5, 4), (1, 5, 4))],
         inputs=[In(gen=_offsets), In(gen=_center_boxes)], dtypes=FLT, rejects=INTS,
         ref=_decode_ref),
    Case(_C + "box_decode", "dt_corner_clip", samples=[((2, 5, 4), (1, 5, 4))],
         inputs=[In(gen=_offsets), _BOX], dtypes=FLT, ref=_decode_ref,
         kwargs={"format": "corner", "clip": 0.1, "std0": 0.1, "std1": 0.1, "std2": 0.2,
                 "std3": 0.2}),
    Case(_C + "box_decode", "dt_zero_grad", samples=[((1, 3, 4), (1, 3, 4))],
         inputs=[In(gen=_offsets), In(gen=_center_boxes)], dtypes=F32, grad=True,
         ref=_decode_ref, note="MXNet's backward of box_decode is zero"),
    Case(_C + "box_decode", "dt_batched_anchors", samples=[((2, 3, 4), (2, 3, 4))],
         dtypes=F32, raises=True),
    Case(_C + "box_decode", "dt_bad_format", samples=[((2, 3, 4), (1, 3, 4))], dtypes=F32,
         kwargs={"format": "xywh"}, raises=True),
    # ---- div_sqrt_dim
    Case(_C + "div_sqrt_dim", "dt_default", samples=[((2, 3),), ((4,),), ((2, 1, 5),)],
         dtypes=FLT + INTS, rejects=("bool",), grad=True, ref=_div_sqrt_ref),
    # ---- interleaved attention matmuls (MXNet's CPU kernels are float32 only)
    Case(_C + "interleaved_matmul_selfatt_qk", "dt_default",
         samples=[((3, 2, 12),), ((4, 1, 6),)], dtypes=F32, rejects=("float64", "float16"),
         kwargs={"heads": 2}, grad=True, ref=_selfatt_qk_ref),
    Case(_C + "interleaved_matmul_selfatt_qk", "dt_no_heads", samples=[((3, 2, 12),)],
         dtypes=F32, raises=True),
    Case(_C + "interleaved_matmul_selfatt_qk", "dt_2d", samples=[((3, 12),)], dtypes=F32,
         kwargs={"heads": 2}, raises=True),
    Case(_C + "interleaved_matmul_selfatt_valatt", "dt_default",
         samples=[((3, 2, 12), (4, 3, 3)), ((2, 2, 6), (4, 2, 2))], dtypes=F32,
         rejects=("float64", "float16"), kwargs={"heads": 2}, grad=True,
         ref=_selfatt_valatt_ref),
    Case(_C + "interleaved_matmul_selfatt_valatt", "dt_bad_att", samples=[((3, 2, 12),
                                                                             (4, 3, 2))],
         dtypes=F32, kwargs={"heads": 2}, raises=True),
    Case(_C + "interleaved_matmul_encdec_qk", "dt_default",
         samples=[((3, 2, 4), (5, 2, 8)), ((2, 1, 6), (3, 1, 12))], dtypes=F32,
         rejects=("float64", "float16"), kwargs={"heads": 2}, grad=True, ref=_encdec_qk_ref),
    Case(_C + "interleaved_matmul_encdec_qk", "dt_bad_kv", samples=[((3, 2, 4), (5, 2, 6))],
         dtypes=F32, kwargs={"heads": 2}, raises=True),
    Case(_C + "interleaved_matmul_encdec_valatt", "dt_default",
         samples=[((5, 2, 8), (4, 3, 5)), ((3, 1, 12), (2, 2, 3))], dtypes=F32,
         rejects=("float64", "float16"), kwargs={"heads": 2}, grad=True,
         ref=_encdec_valatt_ref),
    Case(_C + "interleaved_matmul_encdec_valatt", "dt_bad_att", samples=[((5, 2, 8),
                                                                            (3, 3, 5))],
         dtypes=F32, kwargs={"heads": 2}, raises=True),
    # ---- MultiBoxPrior (float32 only)
    Case(_C + "MultiBoxPrior", "dt_default", samples=[((1, 2, 3, 4),)], dtypes=F32,
         rejects=("float64", "float16")),
    Case(_C + "MultiBoxPrior", "dt_sizes_ratios", samples=[((2, 1, 3, 2),)], dtypes=F32,
         kwargs={"sizes": (0.5, 0.25, 0.1), "ratios": (1, 2, 0.5), "clip": True}),
    Case(_C + "MultiBoxPrior", "dt_steps_offsets", samples=[((1, 1, 2, 3),)], dtypes=F32,
         kwargs={"sizes": "(0.4,)", "ratios": (3.0, 0.3), "steps": (0.2, 0.3),
                 "offsets": (0.1, 0.9)}),
    Case(_C + "MultiBoxPrior", "dt_zero_grad", samples=[((1, 1, 2, 2),)], dtypes=F32,
         grad=True),
    Case(_C + "MultiBoxPrior", "dt_3d", samples=[((1, 3, 3),)], dtypes=F32, raises=True),
    Case(_C + "MultiBoxPrior", "dt_one_step", samples=[((1, 1, 2, 2),)], dtypes=F32,
         kwargs={"steps": (0.3, -1)}, raises=True),
    # ---- MultiBoxTarget
    Case(_C + "MultiBoxTarget", "dt_default",
         samples=[((1, 12, 4), (2, 3, 5), (2, 3, 12))],
         inputs=[In(gen=lambda r, s, d: (_boxes(r, s, "float64") * 0.6).astype(d)),
                 In(gen=_labels), In()], dtypes=F32, rejects=("float64", "float16") + INTS),
    Case(_C + "MultiBoxTarget", "dt_mining",
         samples=[((1, 12, 4), (2, 3, 6), (2, 4, 12))],
         inputs=[In(gen=lambda r, s, d: (_boxes(r, s, "float64") * 0.6).astype(d)),
                 In(gen=_labels), In()], dtypes=F32,
         kwargs={"negative_mining_ratio": 2.0, "negative_mining_thresh": 0.4,
                 "overlap_threshold": 0.3, "ignore_label": -2,
                 "variances": (0.2, 0.2, 0.1, 0.1)}),
    Case(_C + "MultiBoxTarget", "dt_bad_anchor", samples=[((2, 12, 4), (2, 3, 5),
                                                           (2, 3, 12))],
         inputs=[In(), In(gen=_labels)], dtypes=F32, raises=True),
    # ---- MultiBoxDetection
    Case(_C + "MultiBoxDetection", "dt_default",
         samples=[((2, 3, 10), (2, 40), (1, 10, 4))],
         inputs=[In(gen=_probs), In(gen=_offsets), _BOX], dtypes=F32,
         rejects=("float64", "float16") + INTS),
    Case(_C + "MultiBoxDetection", "dt_options",
         samples=[((2, 4, 10), (2, 40), (1, 10, 4))],
         inputs=[In(gen=_probs), In(gen=_offsets), _BOX], dtypes=F32,
         kwargs={"threshold": 0.3, "nms_threshold": 0.3, "force_suppress": True,
                 "nms_topk": 3, "clip": False, "variances": (0.2, 0.2, 0.3, 0.3)}),
    Case(_C + "MultiBoxDetection", "dt_no_nms",
         samples=[((1, 3, 8), (1, 32), (1, 8, 4))],
         inputs=[In(gen=_probs), In(gen=_offsets), _BOX], dtypes=F32,
         kwargs={"nms_threshold": 0.0, "threshold": 0.3}),
    Case(_C + "MultiBoxDetection", "dt_loc_mismatch",
         samples=[((1, 3, 8), (1, 30), (1, 8, 4))], dtypes=F32, raises=True),
    # ---- Proposal / MultiProposal (float32 only)
    Case(_C + "Proposal", "dt_scores", samples=[((1, 8, 4, 4), (1, 16, 4, 4), (1, 3))],
         inputs=[In(domain=(0.0, 1.0)), In(domain=(-0.4, 0.4)), In(gen=_im_info)], dtypes=F32,
         rejects=("float64", "float16"), kwargs=dict(_RPN, output_score=True)),
    Case(_C + "Proposal", "dt_iou_loss", samples=[((1, 8, 4, 4), (1, 16, 4, 4), (1, 3))],
         inputs=[In(domain=(0.0, 1.0)), In(domain=(-2.0, 2.0)), In(gen=_im_info)], dtypes=F32,
         kwargs=dict(_RPN, iou_loss=True)),
    Case(_C + "Proposal", "dt_two_images", samples=[((2, 8, 4, 4), (2, 16, 4, 4), (2, 3))],
         inputs=[In(domain=(0.0, 1.0)), In(domain=(-0.4, 0.4)), In(gen=_im_info)], dtypes=F32,
         kwargs=_RPN, raises=True),
    Case(_C + "MultiProposal", "dt_scores", samples=[((2, 8, 4, 4), (2, 16, 4, 4), (2, 3))],
         inputs=[In(domain=(0.0, 1.0)), In(domain=(-0.4, 0.4)), In(gen=_im_info)], dtypes=F32,
         rejects=("float64", "float16"), kwargs=dict(_RPN, output_score=True)),
    Case(_C + "MultiProposal", "dt_defaults_cycle",
         samples=[((2, 8, 3, 3), (2, 16, 3, 3), (2, 3))],
         inputs=[In(domain=(0.0, 1.0)), In(domain=(-0.4, 0.4)), In(gen=_im_info)], dtypes=F32,
         kwargs={"scales": (1, 2), "ratios": (1, 2), "threshold": 0.3,
                 "rpn_post_nms_top_n": 30}),
    Case(_C + "MultiProposal", "dt_bad_anchors", samples=[((1, 8, 4, 4), (1, 16, 4, 4),
                                                           (1, 3))],
         inputs=[In(domain=(0.0, 1.0)), In(), In(gen=_im_info)], dtypes=F32, raises=True),
    # ---- SparseEmbedding (dense arrays)
    Case(_C + "SparseEmbedding", "dt_default", samples=[((2, 3), (5, 4))],
         inputs=[In(gen=_index(5), grad=False), In()], dtypes=FG,
         kwargs={"input_dim": 5, "output_dim": 4}, ref=_emb_ref),
    Case(_C + "SparseEmbedding", "dt_no_input_dim", samples=[((2, 3), (5, 4))],
         inputs=[In(gen=_index(5)), In()], dtypes=F32, kwargs={"output_dim": 4},
         raises=True),
]
