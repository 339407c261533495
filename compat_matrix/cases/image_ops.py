"""mx.nd.image (mxcompat/ndarray/image.py): layout conversions, flips, crop, resize,
lighting, and the random color ops (checked by shape/dtype and by properties every draw
must satisfy). Variant names start with `im_`."""
import numpy as np

from compat_matrix.spec import Case, In

IMG = In(domain=(0, 255))
NOB = ("float32", "float64", "float16", "uint8", "int32", "int8", "int64")
RB = ("bool",)
RES = ("uint8", "float32", "float64")
F = ("float32", "float64")


def _pix(rng, shape, dt):
    return rng.integers(0, 256, shape).astype(dt)


PIX = In(gen=_pix)


def _to_tensor_ref(x):
    y = x.astype(np.float32) / np.float32(255)
    return np.moveaxis(y, -1, -3)


def _norm_ref(x, mean, std):
    c = x.shape[-3]
    m = np.broadcast_to(np.array(mean, np.float32), (c,)).reshape(c, 1, 1)
    s = np.broadcast_to(np.array(std, np.float32), (c,)).reshape(c, 1, 1)
    return ((x.astype(np.float32) - m) / s).astype(x.dtype)


def _flip_check(axis, name):
    def call(mx, a, args, kw):
        out = getattr(mx.nd.image, name)(a[0]).asnumpy()
        x = a[0].asnumpy()
        return bool(np.array_equal(out, x) or np.array_equal(out, np.flip(x, axis)))
    return call


def _linear_fit(mx, op, lo, hi):
    """The op is out = alpha * x + beta with one alpha in [lo, hi] for the whole image."""
    def call(mx_, a, args, kw):
        x = a[0].asnumpy().astype(np.float64)
        out = getattr(mx_.nd.image, op)(a[0], min_factor=lo, max_factor=hi).asnumpy()
        out = out.astype(np.float64)
        if op == "random_saturation":
            g = lambda v: (v * np.array([0.299, 0.587, 0.114])).sum(-1, keepdims=True)  # noqa
            x, out = x - g(x), out - g(out)
            alpha = (out * x).sum() / (x * x).sum()
            return bool(lo - 1e-4 <= alpha <= hi + 1e-4 and np.allclose(out, alpha * x,
                                                                         atol=1e-2))
        A = np.stack([x.ravel(), np.ones(x.size)], 1)
        (alpha, beta), *_ = np.linalg.lstsq(A, out.ravel(), rcond=None)
        ok = np.allclose(out, alpha * x + beta, atol=1e-2)
        if op == "random_brightness":
            ok = ok and abs(beta) < 1e-3
        return bool(ok and lo - 1e-4 <= alpha <= hi + 1e-4)
    return call


def _lighting_check(mx, a, args, kw):
    x = a[0].asnumpy().astype(np.float64)
    out = mx.nd.image.random_lighting(a[0], alpha_std=0.1).asnumpy().astype(np.float64)
    d = (out - x).reshape(-1, 3)
    return bool(np.allclose(d, d[0], atol=1e-3) and np.abs(d[0]).max() < 60)


def _range_stat(out, dt, kw):
    if dt == "uint8":
        assert out.min() >= 0 and out.max() <= 255


def _resize(size, **kw):
    return dict(size=size, **kw)


CASES = [
    # ---- to_tensor
    Case("image.to_tensor", "im_hwc", samples=[((4, 5, 3),), ((2, 3, 1),)], inputs=[IMG],
         dtypes=NOB, rejects=RB, ref=_to_tensor_ref, tol={"float16": (1e-3, 1e-3)}),
    Case("image.to_tensor", "im_nhwc", samples=[((2, 3, 4, 3),)], inputs=[IMG], dtypes=NOB,
         ref=_to_tensor_ref),
    Case("image.to_tensor", "im_2d", samples=[((3, 4),)], inputs=[IMG], dtypes=("uint8",),
         raises=True),
    # ---- normalize
    Case("image.normalize", "im_chw", samples=[((3, 2, 2),), ((2, 3, 2, 2),)],
         inputs=[In(domain=(10, 250))], kwargs={"mean": (1.0, 2.0, 3.0), "std": (2.0, 3.0, 4.0)},
         dtypes=NOB, ref=_norm_ref, note="integer results truncate"),
    # (MXNet aborts the process on a 4-D bool batch; the 3-D one raises)
    Case("image.normalize", "im_bool", samples=[((3, 2, 2),)], dtypes=RB, raises=True,
         kwargs={"mean": (1.0, 2.0, 3.0), "std": (2.0, 3.0, 4.0)}),
    Case("image.normalize", "im_one", samples=[((3, 2, 2),), ((1, 3, 3),)],
         kwargs={"mean": (0.5,), "std": (2.0,)}, dtypes=F, ref=_norm_ref),
    Case("image.normalize", "im_scalar", samples=[((1, 2, 2),)], kwargs={"mean": 0.25,
                                                                          "std": 0.5},
         dtypes=F, ref=lambda x, mean, std: ((x - np.float32(0.25)) / np.float32(0.5))
         .astype(x.dtype)),
    Case("image.normalize", "im_defaults", samples=[((3, 2, 2),)], dtypes=("float32",),
         raises=True),
    Case("image.normalize", "im_bad_mean", samples=[((3, 2, 2),)], dtypes=("float32",),
         kwargs={"mean": (1.0, 2.0), "std": (1.0, 1.0)}, raises=True),
    Case("image.normalize", "im_channels", samples=[((4, 2, 2),)], dtypes=("float32",),
         kwargs={"mean": (1.0,), "std": (1.0,)}, raises=True),
    Case("image.normalize", "im_2d", samples=[((2, 2),)], dtypes=("float32",),
         kwargs={"mean": (1.0,), "std": (1.0,)}, raises=True),
    # ---- flips (MXNet 1.9.1 leaves the middle column/row of odd sizes uninitialized: even
    # sizes only)
    Case("image.flip_left_right", "im_hwc", samples=[((4, 4, 3),), ((2, 6, 1),)],
         inputs=[IMG], dtypes=NOB, rejects=RB, ref=lambda x: np.flip(x, 1).copy()),
    Case("image.flip_left_right", "im_nhwc", samples=[((2, 2, 2, 3),)], dtypes=("float32",),
         raises=True),
    Case("image.flip_left_right", "im_channels", samples=[((2, 2, 2),)], dtypes=("float32",),
         raises=True),
    Case("image.flip_top_bottom", "im_hwc", samples=[((4, 4, 3),), ((2, 6, 1),)],
         inputs=[IMG], dtypes=NOB, rejects=RB, ref=lambda x: np.flip(x, 0).copy()),
    Case("image.flip_top_bottom", "im_nhwc", samples=[((2, 2, 2, 3),)], dtypes=("float32",),
         raises=True),
    Case("image.random_flip_left_right", "im_either", samples=[((4, 4, 3),)], inputs=[IMG],
         dtypes=("float32", "uint8"), call=_flip_check(1, "random_flip_left_right")),
    Case("image.random_flip_left_right", "im_shape", samples=[((2, 4, 3),)], inputs=[IMG],
         dtypes=NOB, rejects=RB, values=False),
    Case("image.random_flip_top_bottom", "im_either", samples=[((4, 4, 3),)], inputs=[IMG],
         dtypes=("float32", "uint8"), call=_flip_check(0, "random_flip_top_bottom")),
    Case("image.random_flip_top_bottom", "im_shape", samples=[((4, 2, 1),)], inputs=[IMG],
         dtypes=NOB, rejects=RB, values=False),
    # ---- crop
    Case("image.crop", "im_hwc", samples=[((4, 5, 3),), ((3, 3, 1),)], inputs=[IMG],
         kwargs={"x": 1, "y": 0, "width": 2, "height": 3}, dtypes=NOB, rejects=RB,
         ref=lambda a, x, y, width, height: a[..., 0:3, 1:3, :].copy()),
    Case("image.crop", "im_nhwc", samples=[((2, 4, 4, 3),)], inputs=[IMG],
         kwargs={"x": 2, "y": 1, "width": 2, "height": 2}, dtypes=("uint8", "float32"),
         ref=lambda a, x, y, width, height: a[..., 1:3, 2:4, :].copy()),
    Case("image.crop", "im_too_wide", samples=[((4, 4, 3),)],
         kwargs={"x": 3, "y": 0, "width": 2, "height": 3}, dtypes=("uint8",), raises=True),
    Case("image.crop", "im_too_tall", samples=[((4, 4, 3),)],
         kwargs={"x": 0, "y": 2, "width": 2, "height": 3}, dtypes=("uint8",), raises=True),
    Case("image.crop", "im_zero", samples=[((4, 4, 3),)],
         kwargs={"x": 0, "y": 0, "width": 0, "height": 3}, dtypes=("uint8",), raises=True),
    Case("image.crop", "im_channels", samples=[((4, 4, 2),)],
         kwargs={"x": 0, "y": 0, "width": 2, "height": 3}, dtypes=("uint8",), raises=True),
    Case("image.crop", "im_2d", samples=[((4, 4),)],
         kwargs={"x": 0, "y": 0, "width": 2, "height": 3}, dtypes=("uint8",), raises=True),
    # ---- resize (OpenCV semantics)
    Case("image.resize", "im_down", samples=[((4, 6, 3),)], inputs=[PIX],
         kwargs=_resize((3, 2)), dtypes=RES, rejects=("float16",)),
    # (MXNet aborts the process on a 4-D batch of a dtype it rejects: no rejects here)
    Case("image.resize", "im_nhwc", samples=[((2, 4, 4, 1),)], inputs=[PIX],
         kwargs=_resize((3, 2)), dtypes=RES),
    Case("image.resize", "im_up", samples=[((3, 2, 3),)], inputs=[PIX],
         kwargs=_resize((5, 4)), dtypes=RES),
    Case("image.resize", "im_odd", samples=[((5, 7, 3),)], inputs=[PIX],
         kwargs=_resize((3, 4)), dtypes=RES),
    Case("image.resize", "im_int_size", samples=[((4, 6, 1),)], inputs=[PIX],
         kwargs=_resize(3), dtypes=RES),
    Case("image.resize", "im_keep_ratio", samples=[((4, 6, 3),), ((6, 4, 3),)], inputs=[PIX],
         kwargs=_resize(2, keep_ratio=True), dtypes=RES),
    Case("image.resize", "im_nearest_down", samples=[((4, 6, 3),)], inputs=[PIX],
         kwargs=_resize((4, 3), interp=0), dtypes=RES),
    Case("image.resize", "im_nearest_up", samples=[((3, 2, 3),)], inputs=[PIX],
         kwargs=_resize((5, 7), interp=0), dtypes=RES),
    Case("image.resize", "im_same", samples=[((3, 4, 3),)], inputs=[PIX],
         kwargs=_resize((4, 3)), dtypes=RES, ref=lambda x, size: x.copy()),
    # ---- lighting
    Case("image.adjust_lighting", "im_hwc", samples=[((3, 4, 3),)], inputs=[PIX],
         kwargs={"alpha": (0.1, 0.2, 0.3)}, dtypes=NOB, rejects=RB),
    Case("image.adjust_lighting", "im_saturate", samples=[((3, 4, 3),)], inputs=[PIX],
         kwargs={"alpha": (-1.0, 2.0, 3.0)}, dtypes=NOB,
         note="uint8 saturates, other integer types truncate and wrap"),
    Case("image.adjust_lighting", "im_nhwc", samples=[((2, 2, 2, 3),)], dtypes=("float32",),
         kwargs={"alpha": (0.1, 0.2, 0.3)}, raises=True),
    Case("image.random_lighting", "im_shape", samples=[((3, 4, 3),)], inputs=[PIX],
         dtypes=NOB, rejects=RB, values=False, stat=_range_stat),
    Case("image.random_lighting", "im_offset", samples=[((3, 4, 3),)], inputs=[IMG],
         dtypes=F, call=_lighting_check),
    # ---- random color ops
    Case("image.random_brightness", "im_shape", samples=[((3, 4, 3),), ((2, 2, 1),)],
         inputs=[PIX], kwargs={"min_factor": 0.5, "max_factor": 1.5}, dtypes=NOB, rejects=RB,
         values=False, stat=_range_stat),
    Case("image.random_brightness", "im_scale", samples=[((3, 4, 3),)], inputs=[IMG],
         dtypes=F, call=_linear_fit(None, "random_brightness", 0.5, 1.5)),
    Case("image.random_brightness", "im_nhwc", samples=[((2, 2, 2, 3),)], dtypes=("float32",),
         kwargs={"min_factor": 0.5, "max_factor": 1.5}, raises=True),
    Case("image.random_contrast", "im_shape", samples=[((3, 4, 3),)], inputs=[PIX],
         kwargs={"min_factor": 0.5, "max_factor": 1.5}, dtypes=NOB, rejects=RB,
         values=False, stat=_range_stat),
    Case("image.random_contrast", "im_affine", samples=[((3, 4, 3),)], inputs=[IMG],
         dtypes=F, call=_linear_fit(None, "random_contrast", 0.5, 1.5)),
    Case("image.random_saturation", "im_shape", samples=[((3, 4, 3),)], inputs=[PIX],
         kwargs={"min_factor": 0.5, "max_factor": 1.5}, dtypes=NOB, rejects=RB,
         values=False, stat=_range_stat),
    Case("image.random_saturation", "im_gray", samples=[((3, 4, 3),)], inputs=[IMG],
         dtypes=F, call=_linear_fit(None, "random_saturation", 0.5, 1.5)),
    Case("image.random_hue", "im_shape", samples=[((3, 4, 3),)], inputs=[PIX],
         kwargs={"min_factor": 0.0, "max_factor": 0.3}, dtypes=NOB, rejects=RB,
         values=False, stat=_range_stat),
    Case("image.random_hue", "im_nhwc", samples=[((2, 2, 2, 3),)], dtypes=("float32",),
         kwargs={"min_factor": 0.0, "max_factor": 0.3}, raises=True),
    Case("image.random_color_jitter", "im_shape", samples=[((3, 4, 3),)], inputs=[PIX],
         kwargs={"brightness": 0.3, "contrast": 0.3, "saturation": 0.3, "hue": 0.1},
         dtypes=NOB, rejects=RB, values=False, stat=_range_stat),
    Case("image.random_color_jitter", "im_nhwc", samples=[((2, 2, 2, 3),)],
         kwargs={"brightness": 0.3, "contrast": 0.3, "saturation": 0.3, "hue": 0.1},
         dtypes=("float32",), raises=True),
]
