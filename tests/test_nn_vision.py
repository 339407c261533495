"""Vision nn ops: behaviour the conformance matrix can't express (auxiliary states, training
mode, error messages). Expected values were recorded from MXNet 1.9.1 (the symbolic executor
where mx.nd cannot call the op) or are computed by hand."""
from __future__ import annotations

import numpy as np
import pytest

import mxcompat as mx
from mxcompat.base import MXNetError

F32 = np.float32

# ---- recorded from MXNet 1.9.1: mx.sym.BatchNorm_v1(...).simple_bind, aux states set ----
X = np.array([-0.16595602, 0.44064903, -0.99977124, -0.39533484, -0.70648825, -0.8153228,
              -0.62747955, -0.30887854, -0.20646507, 0.0776335, -0.16161096, 0.37043905,
              -0.5910955, 0.7562349, -0.9452248, 0.340935, -0.16539037, 0.11737967,
              -0.7192261, -0.603797, 0.6014892, 0.9365232, -0.37315166, 0.38464522],
             F32).reshape(2, 3, 2, 2)
HEAD = np.array([0.87638915, 0.89460665, 0.08504421, 0.03905478, 0.16983043, 0.8781425,
                 0.09834684, 0.42110762, 0.95788956, 0.5331653, 0.6918771, 0.31551564,
                 0.6865009, 0.83462566, 0.01828828, 0.7501443, 0.9888611, 0.74816567,
                 0.280444, 0.78927934, 0.10322601, 0.44789353, 0.9085955, 0.29361415],
                F32).reshape(2, 3, 2, 2)
GAMMA = np.array([1.5, 0.5, 2.0], F32)
BETA = np.array([0.1, -0.2, 0.3], F32)
MM = np.array([0.1, 0.2, -0.1], F32)
MV = np.array([1.2, 0.8, 1.5], F32)

BN_PRED_FIXED = [-0.1426824, 0.4108391, -0.90353113, -0.3519885, -1.2128519, -1.3344567,
                 -1.1245725, -0.76858824, 0.21310061, 0.44498885, 0.24971163, 0.6839839,
                 -0.5306183, 0.69880825, -0.85375804, 0.31985095, -0.60826373, -0.29231465,
                 -1.2270844, -1.0981113, 0.87257266, 1.1460357, 0.07704693, 0.6955793]
BN_PRED_FREE = [-0.26402363, 0.5662586, -1.4052966, -0.5779827, -0.70642596, -0.76722836,
                -0.6622863, -0.48429415, 0.12620121, 0.5899776, 0.19942325, 1.0679678,
                -0.8459274, 0.9982124, -1.330637, 0.42977643, -0.4041319, -0.24615735,
                -0.7135422, -0.64905566, 1.4451454, 1.9920713, -0.14590615, 1.0911586]
BN_TRAIN_FREE = [0.17086196, 1.6536522, -1.8673224, -0.38983345, -0.57177204, -0.7493617,
                 -0.44285047, 0.07702334, -1.6510727, -0.2996328, -1.4377043, 1.0932257,
                 -0.86835223, 2.4250724, -1.7339886, 1.4099104, 0.31115866, 0.7725656,
                 -0.59255695, -0.40420672, 2.1923172, 3.7860541, -2.4439907, 1.1608036]
BN_TRAIN_FREE_GDATA = [0.83003855, 0.17172194, -0.13822448, -0.9509764, -0.46066508,
                       0.76887274, -0.63085175, -0.32010597, 0.97725654, -0.31501174,
                       -0.17319155, -0.59992313, 0.85846543, -0.34055233, -0.36460376,
                       -0.06586862, 0.5090779, -0.07530737, -0.2715401, 0.48052037,
                       -1.0176111, 1.4806144, 0.31556463, -0.667698]
BN_TRAIN_MEAN = [-0.19494544, -0.47865036, 0.20368782]
BN_TRAIN_VAR = [0.37556088, 0.09289413, 0.1757684]
BN_MM_AFTER = [0.07050545, 0.13213494, -0.06963121]
BN_MV_AFTER = [1.1175561, 0.7292894, 1.3675767]


def _nd(a):
    return mx.nd.array(np.asarray(a, F32))


@pytest.mark.parametrize("fix_gamma,want", [(True, BN_PRED_FIXED), (False, BN_PRED_FREE)])
def test_batchnorm_v1_predict(fix_gamma, want):
    out = mx.nd.BatchNorm_v1(_nd(X), _nd(GAMMA), _nd(BETA), fix_gamma=fix_gamma,
                             moving_mean=_nd(MM), moving_var=_nd(MV), output_mean_var=True)
    np.testing.assert_allclose(out[0].asnumpy().ravel(), want, rtol=1e-5, atol=1e-6)
    # v1's extra outputs: the (moving) mean and variance
    np.testing.assert_allclose(out[1].asnumpy(), MM)
    np.testing.assert_allclose(out[2].asnumpy(), MV)


def test_batchnorm_v1_train_backward_updates_moving_stats():
    x, g, b, mm, mv = _nd(X), _nd(GAMMA), _nd(BETA), _nd(MM), _nd(MV)
    x.attach_grad()
    g.attach_grad()
    b.attach_grad()
    with mx.autograd.record():
        out = mx.nd.BatchNorm_v1(x, g, b, fix_gamma=False, moving_mean=mm, moving_var=mv,
                                 output_mean_var=True)
    np.testing.assert_allclose(out[0].asnumpy().ravel(), BN_TRAIN_FREE, rtol=1e-5,
                               atol=1e-5)
    np.testing.assert_allclose(out[1].asnumpy(), BN_TRAIN_MEAN, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(out[2].asnumpy(), BN_TRAIN_VAR, rtol=1e-5, atol=1e-6)
    out[0].backward(_nd(HEAD))
    np.testing.assert_allclose(x.grad.asnumpy().ravel(), BN_TRAIN_FREE_GDATA, rtol=1e-4,
                               atol=1e-5)
    np.testing.assert_allclose(g.grad.asnumpy(), [2.3269615, 1.0181115, -1.8121672],
                               rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(b.grad.asnumpy(), [4.184654, 4.374177, 4.2517767],
                               rtol=1e-5)
    np.testing.assert_allclose(mm.asnumpy(), BN_MM_AFTER, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(mv.asnumpy(), BN_MV_AFTER, rtol=1e-5, atol=1e-6)


def test_batchnorm_v1_needs_aux_states():
    with pytest.raises(MXNetError, match=r"BatchNorm_v1.*expects 5 inputs.*moving_mean"):
        mx.nd.BatchNorm_v1(_nd(X), _nd(GAMMA), _nd(BETA))


# ---- IdentityAttachKLSparseReg (recorded from MXNet's symbolic executor) -------------
KL_D = np.array([[0.28777534, 0.13002858, 0.01936696, 0.6788355],
                 [0.21162811, 0.26554665, 0.49157315, 0.05336254],
                 [0.5741176, 0.14672858, 0.5893055, 0.69975835]], F32)
KL_H = np.array([[0.10233443, 0.41405597, 0.69440013, 0.41417927],
                 [0.04995346, 0.5358964, 0.66379464, 0.5148891],
                 [0.94459474, 0.58655506, 0.9034019, 0.1374747]], F32)
KL_GRAD = [[0.1075359, 0.4236587, 0.69080704, 0.4343476],
           [0.05515493, 0.54549915, 0.66020155, 0.5350575],
           [0.9497962, 0.5961578, 0.8998088, 0.15764305]]
KL_AVG = [0.31156808, 0.4361536, 0.15334971, 0.65546376]


def test_kl_sparse_reg_forward_identity_backward_penalty():
    d = _nd(KL_D)
    avg = _nd([0.3, 0.5, 0.1, 0.7])
    d.attach_grad()
    with mx.autograd.record():
        out = mx.nd.IdentityAttachKLSparseReg(d, sparseness_target=0.2, penalty=0.01,
                                              momentum=0.8, moving_avg=avg)
    np.testing.assert_array_equal(out.asnumpy(), KL_D)
    out.backward(_nd(KL_H))
    np.testing.assert_allclose(d.grad.asnumpy(), KL_GRAD, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(avg.asnumpy(), KL_AVG, rtol=1e-5, atol=1e-6)


def test_kl_sparse_reg_needs_moving_avg():
    with pytest.raises(MXNetError, match=r"IdentityAttachKLSparseReg.*moving_avg"):
        mx.nd.IdentityAttachKLSparseReg(_nd(KL_D))


# ---- samplers (MXNet 1.9.1 values) ------------------------------------------------------
def test_identity_affine_grid_reproduces_input():
    x = mx.nd.array(np.arange(16, dtype=F32).reshape(1, 1, 4, 4))
    g = mx.nd.GridGenerator(_nd([[1, 0, 0, 0, 1, 0]]), transform_type="affine",
                            target_shape=(4, 4))
    np.testing.assert_allclose(mx.nd.BilinearSampler(x, g).asnumpy(), x.asnumpy(),
                               atol=1e-5)


def test_bilinear_sampler_zero_outside():
    x = mx.nd.array(np.arange(16, dtype=F32).reshape(1, 1, 4, 4))
    grid = _nd([[[[1.0, -1.5]], [[1.0, 0.0]]]])  # (x, y) = (1, 1) and (-1.5, 0)
    # MXNet: [15, 1.5]: the second sample is half a pixel left of column 0 -> 0.5 * 3
    np.testing.assert_allclose(mx.nd.BilinearSampler(x, grid).asnumpy().ravel(), [15.0, 1.5])


def test_grid_generator_float32_only():
    with pytest.raises(MXNetError, match="GridGenerator.*float32"):
        mx.nd.GridGenerator(mx.nd.ones((1, 6), dtype="float64"), transform_type="affine",
                            target_shape=(2, 2))


# ---- ROI ops ------------------------------------------------------------------------
def test_roipooling_gradient_goes_to_first_maximum():
    x = mx.nd.ones((1, 1, 3, 3))
    x.attach_grad()
    with mx.autograd.record():
        y = mx.nd.ROIPooling(x, _nd([[0, 0, 0, 1, 1]]), pooled_size=(1, 1), spatial_scale=1.0)
    y.backward()
    assert y.asnumpy().ravel().tolist() == [1.0]
    assert x.grad.asnumpy().ravel().tolist() == [1, 0, 0, 0, 0, 0, 0, 0, 0]


def test_roipooling_rounds_half_away_from_zero():
    x = mx.nd.array(np.arange(36, dtype=F32).reshape(1, 1, 6, 6))
    y = mx.nd.ROIPooling(x, _nd([[0, 0.5, 1.5, 2.5, 3.5]]), pooled_size=(2, 2),
                         spatial_scale=1.0)
    assert y.asnumpy().ravel().tolist() == [20.0, 21.0, 26.0, 27.0]  # MXNet 1.9.1


def test_roialign_values_and_negative_batch_index():
    x = mx.nd.array(np.arange(16, dtype=F32).reshape(1, 1, 4, 4))
    rois = _nd([[0, 0, 0, 2, 2], [-1, 0, 0, 2, 2]])
    y = mx.nd.contrib.ROIAlign(x, rois, pooled_size=(1, 1), spatial_scale=1.0)
    # MXNet gives 5.0 for the first ROI; for a negative batch index it leaves the output
    # uninitialised, mxcompat writes 0
    assert y.asnumpy().ravel().tolist() == [5.0, 0.0]
    ya = mx.nd.contrib.ROIAlign(x, rois[:1], pooled_size=(1, 1), spatial_scale=1.0,
                                aligned=True)
    assert ya.asnumpy().ravel().tolist() == [2.5]


def test_roi_errors_name_op_and_argument():
    x = mx.nd.ones((1, 2, 4, 4))
    with pytest.raises(MXNetError, match="ROIPooling.*pooled_size"):
        mx.nd.ROIPooling(x, _nd([[0, 0, 0, 1, 1]]), spatial_scale=1.0)
    with pytest.raises(MXNetError, match="ROIPooling.*rois"):
        mx.nd.ROIPooling(x, _nd([[0, 0, 1, 1]]), pooled_size=(1, 1), spatial_scale=1.0)
    with pytest.raises(MXNetError, match="ROIPooling.*rois"):
        mx.nd.ROIPooling(x, _nd([[3, 0, 0, 1, 1]]), pooled_size=(1, 1), spatial_scale=1.0)
    with pytest.raises(MXNetError, match="ROIAlign.*position_sensitive"):
        mx.nd.contrib.ROIAlign(x, _nd([[0, 0, 0, 1, 1]]), pooled_size=(2, 2),
                               spatial_scale=1.0, position_sensitive=True)


# ---- Correlation --------------------------------------------------------------------
def test_correlation_centre_pixel():
    x = mx.nd.array(np.arange(16, dtype=F32).reshape(1, 1, 4, 4))
    y = mx.nd.Correlation(x, x, kernel_size=1, max_displacement=1, pad_size=1)
    # MXNet 1.9.1: x[1,1] (=5) times its 3x3 neighbourhood
    assert y.asnumpy()[0, :, 1, 1].tolist() == [0, 5, 10, 20, 25, 30, 40, 45, 50]


def test_correlation_errors():
    x = mx.nd.ones((1, 2, 6, 6))
    with pytest.raises(MXNetError, match="Correlation.*kernel_size"):
        mx.nd.Correlation(x, x, kernel_size=2)
    with pytest.raises(MXNetError, match="Correlation.*data1"):
        mx.nd.Correlation(x, x, kernel_size=3, max_displacement=4)


# ---- Crop / v1 / contrib ------------------------------------------------------------
def test_crop_like_gets_no_gradient():
    x = mx.nd.array(np.arange(30, dtype=F32).reshape(1, 1, 5, 6))
    like = mx.nd.zeros((1, 1, 2, 2))
    x.attach_grad()
    like.attach_grad()
    with mx.autograd.record():
        y = mx.nd.Crop(x, like, num_args=2, center_crop=True)
    y.backward()
    # offset ((5 - 2) // 2, (6 - 2) // 2) = (1, 2)
    assert y.asnumpy().ravel().tolist() == [8.0, 9.0, 14.0, 15.0]
    assert like.grad.asnumpy().sum() == 0
    assert x.grad.asnumpy().sum() == 4


def test_v1_errors_name_the_v1_op():
    with pytest.raises(MXNetError, match="Convolution_v1"):
        mx.nd.Convolution_v1(mx.nd.ones((1, 2, 5)), mx.nd.ones((3, 2, 3)), mx.nd.zeros(3),
                             kernel=(3,), num_filter=3)
    with pytest.raises(MXNetError, match="Convolution_v1.*weight"):
        mx.nd.Convolution_v1(mx.nd.ones((1, 2, 5, 5)), mx.nd.ones((3, 2, 2, 2)),
                             mx.nd.zeros(3), kernel=(3, 3), num_filter=3)
    with pytest.raises(MXNetError, match="Pooling_v1.*pool_type"):
        mx.nd.Pooling_v1(mx.nd.ones((1, 2, 4, 4)), kernel=(2, 2), pool_type="lp")


def test_pooling_v1_max_pads_with_zeros():
    y = mx.nd.Pooling_v1(-mx.nd.ones((1, 1, 3, 3)), kernel=(2, 2), pad=(1, 1),
                         pool_type="max")
    # MXNet 1.9.1: border windows see the zero padding
    assert y.asnumpy().ravel()[:8].tolist() == [0, 0, 0, 0, 0, -1, -1, 0]


def test_batchnorm_with_relu_train_mode_and_4d_only():
    d = mx.nd.array(np.arange(16, dtype=F32).reshape(2, 2, 2, 2) - 3.5)
    args = (mx.nd.ones(2), mx.nd.zeros(2), mx.nd.zeros(2), mx.nd.ones(2))
    y = mx.nd.contrib.BatchNormWithReLU(d, *args)
    np.testing.assert_allclose(y.asnumpy().ravel()[:8],
                               [0, 0, 0, 0, 0.4997502, 1.4992507, 2.498751, 3.4982514],
                               rtol=1e-5)
    with mx.autograd.record(train_mode=True):
        yt = mx.nd.contrib.BatchNormWithReLU(d, *args)
    assert yt.asnumpy().ravel()[:8].tolist() == [0] * 8
    with pytest.raises(MXNetError, match="BatchNormWithReLU"):
        mx.nd.contrib.BatchNormWithReLU(d.reshape((2, 2, 4)), *args)


def test_sync_batchnorm_needs_key():
    d = mx.nd.ones((2, 2, 2, 2))
    args = (mx.nd.ones(2), mx.nd.zeros(2), mx.nd.zeros(2), mx.nd.ones(2))
    with pytest.raises(MXNetError, match="SyncBatchNorm.*key"):
        mx.nd.contrib.SyncBatchNorm(d, *args)


def test_adaptive_avg_pooling_zero_output():
    y = mx.nd.contrib.AdaptiveAvgPooling2D(mx.nd.ones((1, 2, 4, 4)), output_size=0)
    assert y.shape == (1, 2, 0, 0)  # as MXNet 1.9.1


def test_bilinear_resize_needs_both_scales():
    with pytest.raises(MXNetError, match="BilinearResize2D.*scale_width"):
        mx.nd.contrib.BilinearResize2D(mx.nd.ones((1, 1, 3, 4)), scale_height=0.5)


def test_deformable_conv_zero_offset_is_convolution():
    rng = np.random.default_rng(0)
    x = mx.nd.array(rng.random((1, 2, 5, 5)).astype(F32))
    w = mx.nd.array(rng.random((3, 2, 3, 3)).astype(F32))
    b = mx.nd.array(rng.random(3).astype(F32))
    off = mx.nd.zeros((1, 18, 5, 5))
    y = mx.nd.contrib.DeformableConvolution(x, off, w, b, kernel=(3, 3), num_filter=3,
                                            pad=(1, 1))
    ref = mx.nd.Convolution(x, w, b, kernel=(3, 3), num_filter=3, pad=(1, 1))
    np.testing.assert_allclose(y.asnumpy(), ref.asnumpy(), rtol=1e-5, atol=1e-5)
    m = mx.nd.ones((1, 9, 5, 5))
    ym = mx.nd.contrib.ModulatedDeformableConvolution(x, off, m, w, b, kernel=(3, 3),
                                                      num_filter=3, pad=(1, 1))
    np.testing.assert_allclose(ym.asnumpy(), ref.asnumpy(), rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("op", ["BatchNormWithReLU", "SyncBatchNorm"])
def test_contrib_batchnorms_fix_gamma_overwrites_gamma(op):
    # MXNet 1.9.1 (like BatchNorm): gamma becomes 1s in a predict-mode forward and at
    # backward in training mode
    f = getattr(mx.nd.contrib, op)
    kw = {"key": "a"} if op == "SyncBatchNorm" else {}
    d = mx.nd.ones((2, 3, 2, 2))
    g = mx.nd.ones(3) * 2
    f(d, g, mx.nd.zeros(3), mx.nd.zeros(3), mx.nd.ones(3), **kw).wait_to_read()
    assert g.asnumpy().tolist() == [1, 1, 1]
    g = mx.nd.ones(3) * 2
    g.attach_grad()
    with mx.autograd.record():
        o = f(d, g, mx.nd.zeros(3), mx.nd.zeros(3), mx.nd.ones(3), **kw)
    o.backward()
    assert g.asnumpy().tolist() == [1, 1, 1]


# ---- contrib.RROIAlign / contrib.DeformablePSROIPooling --------------------------------------
def test_rroialign_values_and_no_backward():
    x = mx.nd.array(np.random.RandomState(0).rand(2, 3, 6, 7))
    rois = mx.nd.array([[0, 3, 3, 4, 2, 30], [1, 2.5, 3, 3, 4, -45]])
    y = mx.nd.contrib.RROIAlign(x, rois, pooled_size=(2, 2), spatial_scale=1.0)
    # recorded from MXNet 1.9.1
    np.testing.assert_allclose(y.asnumpy()[0, 0].ravel(),
                               [0.5202289, 0.68310285, 0.4380141, 0.5015809], rtol=1e-6)
    np.testing.assert_allclose(y.asnumpy()[1, 2].ravel(),
                               [0.5333729, 0.46535352, 0.43594974, 0.35337076], rtol=1e-6)
    # MXNet registers no gradient: backward raises
    x.attach_grad()
    with mx.autograd.record():
        z = mx.nd.contrib.RROIAlign(x, rois, pooled_size=(2, 2), spatial_scale=1.0)
    with pytest.raises(MXNetError, match="non-differentiable"):
        z.backward()


def test_rroialign_angle0_is_roialign():
    x = mx.nd.array(np.random.RandomState(1).rand(1, 2, 7, 8), dtype="float64")
    cx, cy, w, h = 3.3, 2.9, 4.2, 3.6
    r6 = mx.nd.array([[0, cx, cy, w, h, 0.0]], dtype="float64")
    r5 = mx.nd.array([[0, cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2]], dtype="float64")
    a = mx.nd.contrib.RROIAlign(x, r6, pooled_size=(3, 2), spatial_scale=1.0,
                                sampling_ratio=2)
    b = mx.nd.contrib.ROIAlign(x, r5, pooled_size=(3, 2), spatial_scale=1.0, sample_ratio=2)
    np.testing.assert_allclose(a.asnumpy(), b.asnumpy(), rtol=1e-12)


def test_rroialign_batch_index_checked():
    x = mx.nd.ones((1, 1, 4, 4))
    with pytest.raises(MXNetError, match="batch index"):
        mx.nd.contrib.RROIAlign(x, mx.nd.array([[1, 2, 2, 2, 2, 0]]), pooled_size=(1, 1),
                                spatial_scale=1.0)


def test_deformable_psroi_pooling_one_output_and_checks():
    x = mx.nd.ones((1, 8, 5, 5))
    rois = mx.nd.array([[0, 0, 0, 3, 3]])
    tr = mx.nd.zeros((1, 2, 2, 2))
    kw = dict(spatial_scale=1.0, output_dim=2, group_size=2, pooled_size=2, trans_std=0.1)
    y = mx.nd.contrib.DeformablePSROIPooling(x, rois, tr, **kw)
    # top_count is a hidden output: one NDArray comes back, as in MXNet
    assert isinstance(y, mx.nd.NDArray) and y.shape == (1, 2, 2, 2)
    assert (y.asnumpy() == 1).all()
    # MXNet reads outside its buffers here (undefined behaviour): mxcompat raises
    with pytest.raises(MXNetError, match="channels"):
        mx.nd.contrib.DeformablePSROIPooling(x[:, :6], rois, tr, **kw)
    with pytest.raises(MXNetError, match="trans"):
        mx.nd.contrib.DeformablePSROIPooling(x, mx.nd.array([[0, 0, 0, 3, 3]] * 2), tr, **kw)
    with pytest.raises(MXNetError, match="batch index"):
        mx.nd.contrib.DeformablePSROIPooling(x, mx.nd.array([[1, 0, 0, 3, 3]]), tr, **kw)
    with pytest.raises(MXNetError, match="exceed bound"):
        mx.nd.contrib.DeformablePSROIPooling(x, rois, tr, **dict(kw, trans_std=1.5))


def test_deformable_psroi_pooling_gradients():
    """Gradients recorded from MXNet 1.9.1: data and trans get MXNet's backward, rois zero."""
    rng = np.random.RandomState(0)
    x = mx.nd.array(rng.rand(2, 8, 6, 6))
    rois = mx.nd.array([[0, 1, 1, 4, 3], [1, 0, 2, 5, 5]])
    tr = mx.nd.array(rng.rand(2, 2, 2, 2) - 0.5)
    for a in (x, rois, tr):
        a.attach_grad()
    with mx.autograd.record():
        y = mx.nd.contrib.DeformablePSROIPooling(x, rois, tr, spatial_scale=1.0,
                                                 output_dim=2, group_size=2, pooled_size=2,
                                                 trans_std=0.1)
    y.backward()
    np.testing.assert_allclose(tr.grad.asnumpy().ravel()[:4],
                               [0.20217869, -0.19949925, -0.20089138, -0.02496866], rtol=1e-5)
    assert (rois.grad.asnumpy() == 0).all()
