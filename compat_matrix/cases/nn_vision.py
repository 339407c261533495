"""Spatial / vision neural-network ops (samplers, ROI pooling, correlation, *_v1 names,
contrib vision layers)."""
import numpy as np

from compat_matrix.spec import Case, In

FG = ("float32", "float64")
F3 = ("float32", "float64", "float16")
F32 = ("float32",)
INTS = ("uint8", "int32", "int8", "int64")


def _rois(n_batch, size_h, size_w, neg_batch=False):
    """rois (R, 5): [batch, x1, y1, x2, y2] with x1<=x2, y1<=y2 inside (a bit past) the
    image."""
    def gen(rng, shape, dt):
        r = shape[0]
        b = rng.integers(-1 if neg_batch else 0, n_batch, r).astype(np.float64)
        x = np.sort(rng.random((r, 2)) * (size_w + 1) - 0.5, axis=1)
        y = np.sort(rng.random((r, 2)) * (size_h + 1) - 0.5, axis=1)
        out = np.stack([b, x[:, 0], y[:, 0], x[:, 1], y[:, 1]], axis=1)
        return out.astype(dt)
    return In(gen=gen, grad=False)


_ROI_FIXED = In(gen=lambda rng, shape, dt: np.array(
    [[0, 0.4, 1.5, 5.5, 4.49], [1, 2.5, 0.0, 3.5, 5.0], [0, -1.0, -2.0, 2.0, 2.0],
     [1, 6.0, 5.0, 9.0, 9.0]], dtype=dt)[:shape[0]], grad=False)

_ROI_OUT = In(gen=lambda rng, shape, dt: np.array(
    [[0, 6.0, 6.0, 9.0, 8.0], [0, -5.0, -4.0, -1.0, -2.0], [0, -2.0, 1.0, 7.5, 3.0],
     [0, 2.2, 2.7, 2.2, 2.7]], dtype=dt)[:shape[0]], grad=False)

_AFFINE = In(gen=lambda rng, shape, dt: (np.array([0.9, 0.2, 0.1, -0.15, 1.1, -0.05])
                                         + 0.1 * rng.random(shape)).astype(dt))
_GRID = In(domain=(-1.2, 1.2))


def _bn_v1_predict(x, g, b, mm, mv, fix_gamma):
    s = (1, -1, 1, 1)
    return ((x - mm.reshape(s)) / np.sqrt(mv.reshape(s) + 1e-3) * g.reshape(s)
            + b.reshape(s)).astype(x.dtype)


def _ident_loc(rng, shape, dt):
    return np.array([[1, 0, 0, 0, 1, 0]], dt)


def _ident_grid(rng, shape, dt):
    """An identity grid (exact -1, 0, 1 and pixel centres) with a few exact shifts."""
    n, _, h, w = shape
    xs = np.linspace(-1.0, 1.0, w)
    ys = np.linspace(-1.0, 1.0, h)
    g = np.stack(np.broadcast_arrays(xs[None, :], ys[:, None]))[None].repeat(n, 0)
    g = g + rng.integers(-1, 2, g.shape) * 0.5
    return g.astype(dt)


_MDCN_GRAD = ("gradients on CPU (MXNet 1.9.1's CPU backward raises 'only implemented in "
              "GPU'); checked against finite differences")


CASES = [
    # --- GridGenerator ---------------------------------------------------------------
    Case("GridGenerator", "nv_affine", samples=[((2, 6),)], dtypes=F32,
         rejects=("float64", "float16") + INTS,
         kwargs={"transform_type": "affine", "target_shape": (3, 4)}, grad=True),
    Case("GridGenerator", "nv_affine_sq", samples=[((1, 6),)], dtypes=F32,
         inputs=[_AFFINE], kwargs={"transform_type": "affine", "target_shape": (5, 5)},
         grad=True),
    Case("GridGenerator", "nv_warp", samples=[((2, 2, 3, 4),)], dtypes=F32,
         rejects=("float64", "float16") + INTS,
         kwargs={"transform_type": "warp"}, grad=True),
    Case("GridGenerator", "nv_affine_badshape", samples=[((2, 5),)], dtypes=("float32",),
         kwargs={"transform_type": "affine", "target_shape": (3, 4)}, raises=True),
    Case("GridGenerator", "nv_badtype", samples=[((2, 6),)], dtypes=("float32",),
         kwargs={"transform_type": "perspective", "target_shape": (3, 4)}, raises=True),
    # --- BilinearSampler ---------------------------------------------------------------
    Case("BilinearSampler", "nv_basic", samples=[((2, 3, 4, 5), (2, 2, 3, 4))], dtypes=F3,
         rejects=INTS, inputs=[In(), _GRID], grad=True,
         tol={"float16": (1e-2, 2e-1)}),
    Case("BilinearSampler", "nv_outside", samples=[((1, 2, 3, 3), (1, 2, 4, 4))], dtypes=F3,
         inputs=[In(), In(domain=(-2.0, 2.0))], grad=True),
    # exact pixel positions are kinks: the grid gradient is compared with MXNet's in float32
    # only (finite differences average the two one-sided slopes there)
    Case("BilinearSampler", "nv_exact_grid", samples=[((1, 2, 3, 5), (1, 2, 3, 5))],
         dtypes=F32, inputs=[In(), In(gen=_ident_grid)], grad=True),
    Case("BilinearSampler", "nv_exact_grid64", samples=[((1, 2, 3, 5), (1, 2, 3, 5))],
         dtypes=("float64",), inputs=[In(), In(gen=_ident_grid, grad=False)], grad=True),
    Case("BilinearSampler", "nv_badgrid", samples=[((2, 3, 4, 5), (2, 3, 3, 4))],
         dtypes=("float32",), raises=True),
    # --- SpatialTransformer -------------------------------------------------------------
    Case("SpatialTransformer", "nv_affine", samples=[((2, 3, 4, 5), (2, 6))], dtypes=FG,
         rejects=("float16",) + INTS, inputs=[In(), _AFFINE],
         kwargs={"target_shape": (3, 4), "transform_type": "affine",
                 "sampler_type": "bilinear"}, grad=True, tol={"float16": (1e-2, 2e-1)}),
    Case("SpatialTransformer", "nv_identity", samples=[((1, 2, 3, 4), (1, 6))], dtypes=F32,
         inputs=[In(), In(gen=_ident_loc)],
         kwargs={"target_shape": (3, 4), "transform_type": "affine",
                 "sampler_type": "bilinear"}, grad=True),
    Case("SpatialTransformer", "nv_identity64", samples=[((1, 2, 3, 4), (1, 6))],
         dtypes=("float64",), inputs=[In(), In(gen=_ident_loc, grad=False)],
         kwargs={"target_shape": (3, 4), "transform_type": "affine",
                 "sampler_type": "bilinear"}, grad=True),
    Case("SpatialTransformer", "nv_badloc", samples=[((2, 3, 4, 5), (2, 4))],
         dtypes=("float32",),
         kwargs={"target_shape": (3, 4), "transform_type": "affine",
                 "sampler_type": "bilinear"}, raises=True),
    # --- ROIPooling ---------------------------------------------------------------------
    Case("ROIPooling", "nv_basic", samples=[((2, 3, 6, 7), (4, 5))], dtypes=F3,
         rejects=INTS, inputs=[In(), _rois(2, 6, 7)],
         kwargs={"pooled_size": (2, 2), "spatial_scale": 1.0}, grad=True),
    Case("ROIPooling", "nv_fixed_scale", samples=[((2, 2, 5, 5), (4, 5))], dtypes=F3,
         inputs=[In(), _ROI_FIXED],
         kwargs={"pooled_size": (3, 2), "spatial_scale": 0.5}, grad=True),
    Case("ROIPooling", "nv_big_bins", samples=[((1, 2, 4, 4), (2, 5))], dtypes=F3,
         inputs=[In(), _rois(1, 4, 4)],
         kwargs={"pooled_size": (5, 6), "spatial_scale": 1.0}, grad=True),
    Case("ROIPooling", "nv_outside", samples=[((1, 2, 5, 5), (4, 5))], dtypes=F3,
         inputs=[In(), _ROI_OUT], kwargs={"pooled_size": (2, 3), "spatial_scale": 1.0},
         grad=True),
    Case("ROIPooling", "nv_badrois", samples=[((2, 3, 6, 7), (4, 4))], dtypes=("float32",),
         kwargs={"pooled_size": (2, 2), "spatial_scale": 1.0}, raises=True),
    # --- ROIAlign -----------------------------------------------------------------------
    Case("contrib.ROIAlign", "nv_basic", samples=[((2, 3, 6, 7), (4, 5))], dtypes=F3,
         rejects=INTS, inputs=[In(), _rois(2, 6, 7)],
         kwargs={"pooled_size": (2, 2), "spatial_scale": 1.0}, grad=True),
    Case("contrib.ROIAlign", "nv_ratio", samples=[((2, 2, 5, 5), (4, 5))], dtypes=F3,
         inputs=[In(), _ROI_FIXED],
         kwargs={"pooled_size": (3, 2), "spatial_scale": 0.5, "sample_ratio": 2}, grad=True),
    Case("contrib.ROIAlign", "nv_aligned", samples=[((2, 2, 5, 5), (4, 5))], dtypes=F3,
         inputs=[In(), _ROI_FIXED],
         kwargs={"pooled_size": (2, 3), "spatial_scale": 1.0, "aligned": True}, grad=True),
    Case("contrib.ROIAlign", "nv_possens", samples=[((2, 8, 5, 5), (3, 5))], dtypes=F3,
         inputs=[In(), _rois(2, 5, 5)],
         kwargs={"pooled_size": (2, 2), "spatial_scale": 1.0, "position_sensitive": True,
                 "sample_ratio": 2}, grad=True),
    Case("contrib.ROIAlign", "nv_outside", samples=[((1, 2, 5, 5), (4, 5))], dtypes=F3,
         inputs=[In(), _ROI_OUT], kwargs={"pooled_size": (2, 3), "spatial_scale": 1.0},
         grad=True),
    Case("contrib.ROIAlign", "nv_aligned_empty_roi", samples=[((1, 2, 5, 5), (4, 5))],
         dtypes=F32, inputs=[In(), _ROI_OUT],
         kwargs={"pooled_size": (2, 2), "spatial_scale": 1.0, "aligned": True},
         mx_crash="abort (Check failed: roi_width > 0 inside the kernel)"),
    Case("contrib.ROIAlign", "nv_outside_aligned", samples=[((1, 2, 5, 5), (3, 5))],
         dtypes=F3, inputs=[In(), _ROI_OUT],
         kwargs={"pooled_size": (2, 2), "spatial_scale": 1.0, "aligned": True,
                 "sample_ratio": 3}, grad=True),
    Case("contrib.PSROIPooling", "nv_outside", samples=[((1, 8, 5, 5), (4, 5))], dtypes=F3,
         inputs=[In(), _ROI_OUT],
         kwargs={"spatial_scale": 1.0, "output_dim": 2, "pooled_size": 2}, grad=True),
    # --- PSROIPooling -------------------------------------------------------------------
    Case("contrib.PSROIPooling", "nv_basic", samples=[((2, 8, 6, 6), (4, 5))], dtypes=F3,
         rejects=INTS, inputs=[In(), _rois(2, 6, 6)],
         kwargs={"spatial_scale": 1.0, "output_dim": 2, "pooled_size": 2}, grad=True),
    Case("contrib.PSROIPooling", "nv_scale", samples=[((2, 18, 5, 5), (4, 5))], dtypes=F3,
         inputs=[In(), _ROI_FIXED],
         kwargs={"spatial_scale": 0.5, "output_dim": 2, "pooled_size": 3}, grad=True),
    # --- Correlation --------------------------------------------------------------------
    Case("Correlation", "nv_default", samples=[((2, 3, 5, 6), (2, 3, 5, 6))], dtypes=F3,
         rejects=INTS, grad=True),
    Case("Correlation", "nv_k3_d2", samples=[((1, 2, 7, 8), (1, 2, 7, 8))], dtypes=F3,
         kwargs={"kernel_size": 3, "max_displacement": 2, "stride1": 1, "stride2": 1,
                 "pad_size": 2}, grad=True),
    Case("Correlation", "nv_strides", samples=[((1, 2, 9, 9), (1, 2, 9, 9))], dtypes=F3,
         kwargs={"kernel_size": 1, "max_displacement": 4, "stride1": 2, "stride2": 2,
                 "pad_size": 4}, grad=True),
    Case("Correlation", "nv_absdiff", samples=[((1, 2, 6, 6), (1, 2, 6, 6))], dtypes=F3,
         kwargs={"kernel_size": 3, "max_displacement": 1, "pad_size": 1,
                 "is_multiply": False}, grad=True),
    # --- legacy v1 ----------------------------------------------------------------------
    Case("Convolution_v1", "nv_3x3", samples=[((2, 3, 5, 5), (4, 3, 3, 3), (4,))],
         dtypes=FG, rejects=("float16",) + INTS,
         kwargs={"kernel": (3, 3), "num_filter": 4, "pad": (1, 1)}, grad=True),
    Case("Convolution_v1", "nv_group_stride", samples=[((1, 4, 6, 6), (2, 2, 2, 2))],
         dtypes=FG, kwargs={"kernel": (2, 2), "num_filter": 2, "num_group": 2,
                            "stride": (2, 2), "no_bias": True}, grad=True),
    Case("Pooling_v1", "nv_max", samples=[((2, 2, 5, 5),)], dtypes=F3,
         kwargs={"kernel": (2, 2), "stride": (2, 2), "pool_type": "max"}, grad=True),
    Case("Pooling_v1", "nv_max_pad", samples=[((1, 2, 4, 4),)], dtypes=F3,
         kwargs={"kernel": (3, 3), "stride": (2, 2), "pad": (1, 1), "pool_type": "max"},
         grad=True),
    Case("Pooling_v1", "nv_avg_full", samples=[((1, 2, 5, 5),)], dtypes=F3,
         kwargs={"kernel": (2, 2), "stride": (2, 2), "pool_type": "avg",
                 "pooling_convention": "full"}, grad=True),
    Case("Pooling_v1", "nv_avg_pad", samples=[((1, 2, 4, 4),)], dtypes=F3,
         kwargs={"kernel": (3, 3), "pad": (1, 1), "pool_type": "avg"}, grad=True),
    Case("Pooling_v1", "nv_sum_global", samples=[((2, 3, 3, 4),)], dtypes=F3,
         kwargs={"kernel": (1, 1), "global_pool": True, "pool_type": "sum"}, grad=True),
    Case("BatchNorm_v1", "nv_no_aux", samples=[((2, 3, 2, 2), (3,), (3,))], dtypes=FG,
         raises=True),
    # --- Crop ---------------------------------------------------------------------------
    Case("Crop", "nv_hw", samples=[((2, 2, 5, 6),)], dtypes=F32,
         rejects=("float64", "float16") + INTS,
         kwargs={"num_args": 1, "h_w": (3, 4), "offset": (1, 2)}, grad=True),
    Case("Crop", "nv_center", samples=[((2, 2, 5, 6),)], dtypes=F32,
         kwargs={"num_args": 1, "h_w": (2, 3), "center_crop": True}, grad=True),
    Case("Crop", "nv_like", samples=[((1, 2, 5, 6), (1, 1, 3, 3))], dtypes=F32,
         kwargs={"num_args": 2, "center_crop": True}, grad=True),
    Case("Crop", "nv_too_big", samples=[((1, 2, 5, 6),)], dtypes=("float32",),
         kwargs={"num_args": 1, "h_w": (4, 4), "offset": (2, 0)}, raises=True),
    Case("IdentityAttachKLSparseReg", "nv_no_aux", samples=[((3, 4),)], dtypes=FG,
         raises=True),
    # --- contrib.BilinearResize2D -------------------------------------------------------
    Case("contrib.BilinearResize2D", "nv_size", samples=[((1, 2, 3, 4),)], dtypes=F3,
         rejects=INTS, kwargs={"height": 5, "width": 7}, grad=True),
    Case("contrib.BilinearResize2D", "nv_down", samples=[((1, 2, 5, 6),)], dtypes=F3,
         kwargs={"height": 3, "width": 4}, grad=True),
    Case("contrib.BilinearResize2D", "nv_noalign", samples=[((1, 2, 3, 4),)], dtypes=F3,
         kwargs={"height": 5, "width": 6, "align_corners": False}, grad=True),
    Case("contrib.BilinearResize2D", "nv_noalign_down", samples=[((1, 2, 6, 7),)],
         dtypes=F3, kwargs={"height": 4, "width": 3, "align_corners": False}, grad=True),
    Case("contrib.BilinearResize2D", "nv_scale", samples=[((1, 2, 3, 4),)], dtypes=F3,
         kwargs={"scale_height": 1.5, "scale_width": 2.0}, grad=True),
    Case("contrib.BilinearResize2D", "nv_like", samples=[((1, 2, 3, 4), (1, 1, 4, 6))],
         dtypes=F3, inputs=[In(), In(grad=False)], kwargs={"mode": "like"}, grad=True),
    Case("contrib.BilinearResize2D", "nv_odd_scale", samples=[((1, 1, 5, 4),)], dtypes=F3,
         kwargs={"mode": "odd_scale", "scale_height": 2.0, "scale_width": 1.5}, grad=True),
    Case("contrib.BilinearResize2D", "nv_to_even_up", samples=[((1, 1, 5, 4),)], dtypes=F3,
         kwargs={"mode": "to_even_up"}, grad=True),
    Case("contrib.BilinearResize2D", "nv_to_odd_down", samples=[((1, 1, 5, 4),)],
         dtypes=F3, kwargs={"mode": "to_odd_down"}, grad=True),
    # --- contrib.AdaptiveAvgPooling2D ---------------------------------------------------
    Case("contrib.AdaptiveAvgPooling2D", "nv_basic", samples=[((2, 2, 5, 7),)], dtypes=F3,
         rejects=INTS, kwargs={"output_size": (2, 3)}, grad=True),
    Case("contrib.AdaptiveAvgPooling2D", "nv_square", samples=[((1, 2, 6, 6),)], dtypes=F3,
         kwargs={"output_size": 4}, grad=True),
    Case("contrib.AdaptiveAvgPooling2D", "nv_global", samples=[((1, 3, 4, 5),)], dtypes=F3,
         grad=True),
    # --- SyncBatchNorm / BatchNormWithReLU (predict mode) -------------------------------
    Case("contrib.SyncBatchNorm", "nv_predict",
         samples=[((2, 3, 2, 2), (3,), (3,), (3,), (3,))], dtypes=F32,
         rejects=("float64", "float16"),
         inputs=[In(), In(grad=False), In(grad=False), In(grad=False),
                 In(domain=(0.5, 2.0), grad=False)],
         kwargs={"fix_gamma": False, "key": "bn0"}),
    Case("contrib.SyncBatchNorm", "nv_no_key",
         samples=[((2, 3, 2, 2), (3,), (3,), (3,), (3,))], dtypes=F32, raises=True),
    Case("contrib.BatchNormWithReLU", "nv_predict",
         samples=[((2, 3, 2, 2), (3,), (3,), (3,), (3,))], dtypes=F32,
         rejects=("float64", "float16"),
         inputs=[In(), In(grad=False), In(grad=False), In(grad=False),
                 In(domain=(0.5, 2.0), grad=False)],
         kwargs={"fix_gamma": False}),
    # --- contrib.DeformableConvolution / ModulatedDeformableConvolution ----------------
    Case("contrib.DeformableConvolution", "nv_3x3",
         samples=[((1, 2, 5, 5), (1, 18, 5, 5), (3, 2, 3, 3), (3,))], dtypes=FG,
         rejects=("float16",) + INTS, inputs=[In(), In(domain=(-1.5, 1.5)), In(), In()],
         kwargs={"kernel": (3, 3), "num_filter": 3, "pad": (1, 1)}, grad=True),
    Case("contrib.DeformableConvolution", "nv_groups",
         samples=[((1, 4, 5, 6), (1, 16, 2, 3), (2, 2, 2, 2))], dtypes=FG,
         inputs=[In(), In(domain=(-2.0, 2.0)), In()],
         kwargs={"kernel": (2, 2), "num_filter": 2, "stride": (2, 2), "num_group": 2,
                 "num_deformable_group": 2, "no_bias": True}, grad=True),
    Case("contrib.DeformableConvolution", "nv_dilate",
         samples=[((1, 2, 6, 6), (1, 8, 4, 4), (2, 2, 2, 2), (2,))], dtypes=FG,
         inputs=[In(), In(domain=(-1.0, 1.0)), In(), In()],
         kwargs={"kernel": (2, 2), "num_filter": 2, "dilate": (2, 2)}, grad=True),
    Case("contrib.DeformableConvolution", "nv_badoffset",
         samples=[((1, 2, 5, 5), (1, 9, 5, 5), (3, 2, 3, 3), (3,))], dtypes=("float32",),
         kwargs={"kernel": (3, 3), "num_filter": 3, "pad": (1, 1)}, raises=True),
    Case("contrib.ModulatedDeformableConvolution", "nv_fwd",
         samples=[((1, 2, 5, 5), (1, 18, 5, 5), (1, 9, 5, 5), (3, 2, 3, 3), (3,))],
         dtypes=FG, rejects=("float16",) + INTS,
         inputs=[In(), In(domain=(-1.5, 1.5)), In(domain=(0.0, 1.0)), In(), In()],
         kwargs={"kernel": (3, 3), "num_filter": 3, "pad": (1, 1)}),
    Case("contrib.ModulatedDeformableConvolution", "nv_3x3",
         samples=[((1, 2, 5, 5), (1, 18, 5, 5), (1, 9, 5, 5), (3, 2, 3, 3), (3,))],
         dtypes=FG,
         inputs=[In(), In(domain=(-1.5, 1.5)), In(domain=(0.0, 1.0)), In(), In()],
         kwargs={"kernel": (3, 3), "num_filter": 3, "pad": (1, 1)}, grad=True,
         extension=_MDCN_GRAD),
    Case("contrib.ModulatedDeformableConvolution", "nv_groups",
         samples=[((1, 4, 5, 6), (1, 16, 2, 3), (1, 8, 2, 3), (2, 2, 2, 2))], dtypes=FG,
         inputs=[In(), In(domain=(-2.0, 2.0)), In(domain=(0.0, 1.0)), In()],
         kwargs={"kernel": (2, 2), "num_filter": 2, "stride": (2, 2), "num_group": 2,
                 "num_deformable_group": 2, "no_bias": True}, grad=True,
         extension=_MDCN_GRAD),
    # --- error cases -----------------------------------------------------------------
    Case("Correlation", "nv_even_kernel", samples=[((1, 2, 6, 6), (1, 2, 6, 6))],
         dtypes=F32, kwargs={"kernel_size": 2, "max_displacement": 1, "pad_size": 1},
         raises=True),
    Case("Correlation", "nv_too_small", samples=[((1, 2, 6, 6), (1, 2, 6, 6))],
         dtypes=F32, kwargs={"kernel_size": 3, "max_displacement": 4}, raises=True),
    Case("Correlation", "nv_3d", samples=[((2, 6, 6), (2, 6, 6))], dtypes=F32, raises=True),
    Case("Correlation", "nv_md0", samples=[((1, 2, 4, 5), (1, 2, 4, 5))], dtypes=F3,
         kwargs={"max_displacement": 0}, grad=True),
    Case("Correlation", "nv_s2_gt_md", samples=[((1, 2, 6, 6), (1, 2, 6, 6))], dtypes=F3,
         kwargs={"max_displacement": 1, "stride2": 2}, grad=True),
    Case("Convolution_v1", "nv_1d", samples=[((1, 2, 5), (3, 2, 3), (3,))], dtypes=F32,
         kwargs={"kernel": (3,), "num_filter": 3}, raises=True),
    Case("Convolution_v1", "nv_dilate", samples=[((1, 2, 6, 6), (3, 2, 3, 3), (3,))],
         dtypes=FG, rejects=("float16",) + INTS,
         kwargs={"kernel": (3, 3), "num_filter": 3, "dilate": (2, 2)}, grad=True),
    Case("Pooling_v1", "nv_default_stride", samples=[((1, 2, 4, 4),)], dtypes=F3,
         rejects=INTS, kwargs={"kernel": (2, 2), "pool_type": "max"}, grad=True),
    Case("Pooling_v1", "nv_max_full", samples=[((1, 2, 5, 5),)], dtypes=F3,
         kwargs={"kernel": (2, 2), "stride": (2, 2), "pool_type": "max",
                 "pooling_convention": "full"}, grad=True),
    Case("Pooling_v1", "nv_global_avg", samples=[((1, 2, 3, 4),)], dtypes=F3,
         kwargs={"kernel": (2, 2), "global_pool": True, "pool_type": "avg"}, grad=True),
    Case("Pooling_v1", "nv_3d", samples=[((1, 2, 4, 4, 4),)], dtypes=F32,
         kwargs={"kernel": (2, 2, 2), "pool_type": "max"}, raises=True),
    Case("Pooling_v1", "nv_nokernel", samples=[((1, 2, 4, 4),)], dtypes=F32,
         kwargs={"pool_type": "max"}, raises=True),
    Case("Pooling_v1", "nv_lp", samples=[((1, 2, 4, 4),)], dtypes=F32,
         kwargs={"kernel": (2, 2), "pool_type": "lp"}, raises=True),
    Case("Crop", "nv_hw0", samples=[((1, 2, 5, 6),)], dtypes=F32, kwargs={"num_args": 1},
         raises=True),
    Case("Crop", "nv_like_big", samples=[((1, 2, 5, 6), (1, 1, 6, 6))], dtypes=F32,
         kwargs={"num_args": 2}, raises=True),
    Case("Crop", "nv_like_offset", samples=[((1, 2, 5, 6), (1, 1, 3, 3))], dtypes=F32,
         kwargs={"num_args": 2, "offset": (1, 2)}, grad=True),
    Case("Crop", "nv_nargs", samples=[((1, 2, 5, 6),)], dtypes=F32,
         kwargs={"num_args": 2, "h_w": (2, 2)}, raises=True),
    Case("GridGenerator", "nv_target0", samples=[((1, 6),)], dtypes=F32,
         kwargs={"transform_type": "affine"}, raises=True),
    Case("GridGenerator", "nv_no_type", samples=[((1, 6),)], dtypes=F32,
         kwargs={"target_shape": (2, 2)}, raises=True),
    Case("GridGenerator", "nv_warp_badshape", samples=[((1, 3, 3, 3),)], dtypes=F32,
         kwargs={"transform_type": "warp"}, raises=True),
    Case("SpatialTransformer", "nv_target0", samples=[((1, 2, 4, 4), (1, 6))], dtypes=F32,
         kwargs={"transform_type": "affine", "sampler_type": "bilinear"}, raises=True),
    Case("SpatialTransformer", "nv_no_sampler", samples=[((1, 2, 4, 4), (1, 6))],
         dtypes=F32, kwargs={"transform_type": "affine", "target_shape": (2, 2)},
         raises=True),
    Case("BilinearSampler", "nv_batch_mismatch", samples=[((1, 2, 4, 4), (2, 2, 3, 3))],
         dtypes=F32, raises=True),
    Case("BilinearSampler", "nv_3d", samples=[((2, 4, 4), (1, 2, 3, 3))], dtypes=F32,
         raises=True),
    Case("ROIPooling", "nv_no_pooled", samples=[((1, 2, 4, 4), (1, 5))], dtypes=F32,
         inputs=[In(), _rois(1, 4, 4)], kwargs={"spatial_scale": 1.0}, raises=True),
    Case("ROIPooling", "nv_pooled_1d", samples=[((1, 2, 4, 4), (1, 5))], dtypes=F32,
         inputs=[In(), _rois(1, 4, 4)], kwargs={"pooled_size": (2,), "spatial_scale": 1.0},
         raises=True),
    Case("ROIPooling", "nv_3d", samples=[((2, 4, 4), (1, 5))], dtypes=F32,
         inputs=[In(), _rois(1, 4, 4)], kwargs={"pooled_size": (2, 2), "spatial_scale": 1.0},
         raises=True),
    Case("contrib.ROIAlign", "nv_possens_bad", samples=[((1, 2, 4, 4), (1, 5))], dtypes=F32,
         inputs=[In(), _rois(1, 4, 4)],
         kwargs={"pooled_size": (2, 2), "spatial_scale": 1.0, "position_sensitive": True},
         raises=True),
    Case("contrib.PSROIPooling", "nv_group2", samples=[((1, 8, 6, 6), (2, 5))], dtypes=F3,
         inputs=[In(), _rois(1, 6, 6)],
         kwargs={"spatial_scale": 1.0, "output_dim": 2, "pooled_size": 3, "group_size": 2},
         grad=True),
    Case("contrib.BilinearResize2D", "nv_default", samples=[((1, 2, 3, 4),)], dtypes=F3,
         grad=True),
    Case("contrib.BilinearResize2D", "nv_like_missing", samples=[((1, 2, 3, 4),)],
         dtypes=F32, kwargs={"mode": "like"}, raises=True),
    Case("contrib.BilinearResize2D", "nv_one_scale", samples=[((1, 2, 3, 4),)],
         dtypes=F32, kwargs={"scale_height": 0.5, "width": 4}, raises=True),
    Case("contrib.BilinearResize2D", "nv_3d", samples=[((2, 3, 4),)], dtypes=F32,
         kwargs={"height": 3, "width": 3}, raises=True),
    Case("contrib.BilinearResize2D", "nv_h0", samples=[((1, 2, 3, 4),)], dtypes=F32,
         kwargs={"height": 0, "width": 3}, raises=True),
    Case("contrib.BilinearResize2D", "nv_to_even_down", samples=[((1, 1, 5, 4),)],
         dtypes=F3, kwargs={"mode": "to_even_down"}, grad=True),
    Case("contrib.BilinearResize2D", "nv_odd_scale_even", samples=[((1, 1, 4, 6),)],
         dtypes=F3, kwargs={"mode": "odd_scale", "scale_height": 1.5, "scale_width": 0.5},
         grad=True),
    Case("contrib.AdaptiveAvgPooling2D", "nv_zero", samples=[((1, 2, 4, 4),)],
         dtypes=F3, kwargs={"output_size": 0}),
    Case("contrib.AdaptiveAvgPooling2D", "nv_bigger", samples=[((1, 2, 3, 4),)], dtypes=F3,
         kwargs={"output_size": (5, 6)}, grad=True),
    Case("contrib.AdaptiveAvgPooling2D", "nv_3d", samples=[((2, 4, 4),)], dtypes=F32,
         kwargs={"output_size": 2}, raises=True),
    # gradient cells run in training mode (batch statistics); fix_gamma=True overwrites gamma
    # in place (as MXNet does), which the matrix's input check forbids: see
    # tests/test_nn_vision.py
    Case("contrib.SyncBatchNorm", "nv_train",
         samples=[((2, 3, 2, 2), (3,), (3,), (3,), (3,))], dtypes=F32,
         inputs=[In(), In(), In(), In(grad=False), In(domain=(0.5, 2.0), grad=False)],
         kwargs={"fix_gamma": False, "key": "bn1"}, grad=True),
    Case("contrib.BatchNormWithReLU", "nv_train",
         samples=[((2, 3, 2, 2), (3,), (3,), (3,), (3,))], dtypes=F32,
         inputs=[In(), In(), In(), In(grad=False), In(domain=(0.5, 2.0), grad=False)],
         kwargs={"fix_gamma": False}, grad=True),
    # auxiliary states as keyword arguments: MXNet's mx.nd cannot pass them at all
    Case("BatchNorm_v1", "nv_aux_kwargs",
         samples=[((2, 3, 2, 2), (3,), (3,), (3,), (3,))], dtypes=FG,
         inputs=[In(), In(), In(), In(), In(domain=(0.5, 2.0))],
         kwargs={"fix_gamma": False},
         call=lambda mx, a, args, kw: mx.nd.BatchNorm_v1(a[0], a[1], a[2], moving_mean=a[3],
                                                         moving_var=a[4], **kw),
         ref=_bn_v1_predict, tol={"float32": (1e-4, 1e-4)},
         extension=("moving_mean/moving_var as keyword arguments (MXNet: 'Cannot find "
                    "argument'; its mx.nd.BatchNorm_v1 is uncallable)")),
    Case("IdentityAttachKLSparseReg", "nv_aux_kwargs", samples=[((3, 4), (4,))], dtypes=FG,
         inputs=[In(), In(domain=(0.1, 0.9))],
         call=lambda mx, a, args, kw: mx.nd.IdentityAttachKLSparseReg(a[0], moving_avg=a[1]),
         ref=lambda x, avg: x,
         extension=("moving_avg as a keyword argument (MXNet: 'Cannot find argument'; its "
                    "mx.nd.IdentityAttachKLSparseReg is uncallable)")),
]


# --- contrib.RROIAlign / contrib.DeformablePSROIPooling (variant prefix nv2_) -------------
def _rrois(n_batch, size_h, size_w):
    """rois (R, 6): [batch, center_x, center_y, width, height, angle in degrees]."""
    def gen(rng, shape, dt):
        r = shape[0]
        b = rng.integers(0, n_batch, r).astype(np.float64)
        cx = rng.random(r) * size_w
        cy = rng.random(r) * size_h
        wh = 0.5 + rng.random((r, 2)) * 5.0
        ang = rng.random(r) * 360.0 - 180.0
        return np.stack([b, cx, cy, wh[:, 0], wh[:, 1], ang], axis=1).astype(dt)
    return In(gen=gen, grad=False)


# right angles, a ROI reaching outside the image, one below 1x1 (forced to 1x1)
_RROI_FIXED = In(gen=lambda rng, shape, dt: np.array(
    [[0, 4.0, 3.0, 6.0, 3.0, 0.0], [1, 5.0, 5.0, 4.0, 2.0, 90.0],
     [0, 1.0, 7.0, 9.0, 5.0, -30.0], [1, 3.5, 2.5, 0.4, 0.7, 180.0],
     [1, 9.0, 9.0, 3.0, 3.0, 45.0]], dtype=dt)[:shape[0]], grad=False)

_DPS_ROIS = In(gen=lambda rng, shape, dt: np.array(
    [[0, 0.4, 1.5, 5.5, 4.49], [1, 2.5, 0.0, 3.5, 5.0], [0, -2.0, -1.0, 3.0, 7.0],
     [1, 6.0, 5.0, 9.0, 9.0]], dtype=dt)[:shape[0]], grad=False)
_TRANS = In(domain=(-1.0, 1.0))

_DPS = {"spatial_scale": 1.0, "output_dim": 2, "group_size": 2, "pooled_size": 2,
        "trans_std": 0.1}

CASES += [
    # MXNet registers no gradient for RROIAlign: its gradient cells check that backward
    # raises MXNetError
    Case("contrib.RROIAlign", "nv2_basic", samples=[((2, 3, 6, 7), (4, 6))], dtypes=F3,
         rejects=INTS, inputs=[In(), _rrois(2, 6, 7)],
         kwargs={"pooled_size": (2, 2), "spatial_scale": 1.0}, grad=True),
    Case("contrib.RROIAlign", "nv2_fixed_ratio", samples=[((2, 2, 8, 8), (5, 6))],
         dtypes=F3, inputs=[In(), _RROI_FIXED],
         kwargs={"pooled_size": (3, 2), "spatial_scale": 0.5, "sampling_ratio": 2}),
    Case("contrib.RROIAlign", "nv2_fixed", samples=[((2, 2, 8, 8), (5, 6))],
         dtypes=F3, inputs=[In(), _RROI_FIXED],
         kwargs={"pooled_size": (2, 3), "spatial_scale": 1.0}),
    Case("contrib.RROIAlign", "nv2_badrois", samples=[((2, 3, 6, 7), (4, 5))],
         dtypes=F32, kwargs={"pooled_size": (2, 2), "spatial_scale": 1.0}, raises=True),
    Case("contrib.RROIAlign", "nv2_no_pooled", samples=[((1, 2, 4, 4), (1, 6))],
         dtypes=F32, inputs=[In(), _rrois(1, 4, 4)], kwargs={"spatial_scale": 1.0},
         raises=True),
    Case("contrib.RROIAlign", "nv2_pooled_1d", samples=[((1, 2, 4, 4), (1, 6))],
         dtypes=F32, inputs=[In(), _rrois(1, 4, 4)],
         kwargs={"pooled_size": (2,), "spatial_scale": 1.0}, raises=True),
    Case("contrib.RROIAlign", "nv2_3d", samples=[((2, 4, 4), (1, 6))], dtypes=F32,
         inputs=[In(), _rrois(1, 4, 4)], kwargs={"pooled_size": (2, 2), "spatial_scale": 1.0},
         raises=True),
    # --- DeformablePSROIPooling: out only (top_count is hidden); gradients to data and trans
    Case("contrib.DeformablePSROIPooling", "nv2_trans",
         samples=[((2, 8, 6, 6), (4, 5), (4, 2, 2, 2))], dtypes=F3, rejects=INTS,
         inputs=[In(), _rois(2, 6, 6), _TRANS], kwargs=_DPS, grad=True),
    Case("contrib.DeformablePSROIPooling", "nv2_classes_spp",
         samples=[((2, 18, 7, 7), (4, 5), (4, 4, 3, 3))], dtypes=F3,
         inputs=[In(), _DPS_ROIS, _TRANS],
         kwargs={"spatial_scale": 0.5, "output_dim": 2, "group_size": 3, "pooled_size": 3,
                 "sample_per_part": 2, "trans_std": 0.3}, grad=True),
    Case("contrib.DeformablePSROIPooling", "nv2_part",
         samples=[((1, 4, 6, 6), (3, 5), (3, 2, 2, 2))], dtypes=F3,
         inputs=[In(), _rois(1, 6, 6), _TRANS],
         kwargs={"spatial_scale": 1.0, "output_dim": 4, "group_size": 1, "pooled_size": 3,
                 "part_size": 2, "sample_per_part": 2, "trans_std": 0.2}, grad=True),
    Case("contrib.DeformablePSROIPooling", "nv2_no_trans",
         samples=[((2, 8, 5, 5), (4, 5))], dtypes=F3, inputs=[In(), _DPS_ROIS],
         kwargs={"spatial_scale": 0.7, "output_dim": 2, "group_size": 2, "pooled_size": 4,
                 "sample_per_part": 3, "no_trans": True}, grad=True),
    Case("contrib.DeformablePSROIPooling", "nv2_no_group",
         samples=[((1, 8, 6, 6), (2, 5), (2, 2, 2, 2))], dtypes=F32,
         inputs=[In(), _rois(1, 6, 6), _TRANS],
         kwargs={"spatial_scale": 1.0, "output_dim": 2, "pooled_size": 2}, raises=True),
    Case("contrib.DeformablePSROIPooling", "nv2_scale_bound",
         samples=[((1, 8, 6, 6), (2, 5), (2, 2, 2, 2))], dtypes=F32,
         inputs=[In(), _rois(1, 6, 6), _TRANS], kwargs=dict(_DPS, spatial_scale=2.0),
         raises=True),
    Case("contrib.DeformablePSROIPooling", "nv2_trans_missing",
         samples=[((1, 8, 6, 6), (2, 5))], dtypes=F32, inputs=[In(), _rois(1, 6, 6)],
         kwargs=_DPS, raises=True),
    Case("contrib.DeformablePSROIPooling", "nv2_trans_extra",
         samples=[((1, 8, 6, 6), (2, 5), (2, 2, 2, 2))], dtypes=F32,
         inputs=[In(), _rois(1, 6, 6), _TRANS], kwargs=dict(_DPS, no_trans=True),
         raises=True),
    Case("contrib.DeformablePSROIPooling", "nv2_trans_3d",
         samples=[((1, 8, 6, 6), (2, 5), (2, 2, 2))], dtypes=F32,
         inputs=[In(), _rois(1, 6, 6), _TRANS], kwargs=_DPS, raises=True),
]
