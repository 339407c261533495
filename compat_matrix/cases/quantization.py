"""mx.nd.contrib quantization ops (mxcompat/ndarray/quantization.py): quantize, quantize_v2,
quantize_asym, dequantize, requantize and the quantized_* layers, against MXNet 1.9.1's CPU
build (oneDNN). Integer outputs are compared exactly, the float32 min/max range outputs
within float32 tolerance. Variant names start with `qz_`."""
import numpy as np

from compat_matrix.spec import Case, In

F32 = ("float32",)
Q = ("int8", "uint8")
NOT_F32 = ("float64", "float16", "int32", "int8", "uint8")
NOT_Q = ("float32", "int32")
_QBOUNDS = {"int8": (-128, 128), "uint8": (0, 256), "int32": (-100, 100)}


def _r(v):
    """A min/max range input: float32 of shape (1,) holding ``v``."""
    return In(dtype="float32", grad=False,
              gen=lambda rng, shape, dt, v=v: np.full(shape, v, np.float32))


def _q(rng, shape, dt):
    lo, hi = _QBOUNDS.get(dt, (-20, 20))
    return rng.integers(lo, hi, shape)


QDATA = In(gen=_q, grad=False)                     # int8/uint8 data over the full range
W8 = In(dtype="int8", grad=False, gen=lambda rng, shape, dt: rng.integers(-128, 128, shape))
U8 = In(dtype="uint8", grad=False, gen=lambda rng, shape, dt: rng.integers(0, 256, shape))


def _i32(lo, hi):
    return In(grad=False, gen=lambda rng, shape, dt, lo=lo, hi=hi: rng.integers(lo, hi, shape))


def _f(lo, hi):
    return In(domain=(lo, hi), grad=False)


R1 = ((1,), (1,))


def _c(name):
    """Call ``mx.nd.contrib.<name>`` with every array positional (MXNet's generated functions
    collect them in order)."""
    def call(m, a, args, kw):
        return getattr(m.nd.contrib, name)(*a, *args, **kw)
    return call


_MUL_EXT = ("MXNet 1.9.1 fails on every mx.nd call of quantized_elemwise_mul ('Check failed: "
            "out_shapes.size() == outputs.size()'); mxcompat computes its CPU kernel's maths")


def _f32(v):
    return np.float32(v)


def _mabs(lo, hi):
    return max(abs(_f32(lo.reshape(-1)[0])), abs(_f32(hi.reshape(-1)[0])))


def _mul_int32(a, b, amin, amax, bmin, bmax):
    m = _f32(_f32(_mabs(amin, amax) / _f32(127)) * _f32(_mabs(bmin, bmax) / _f32(127)))
    m = _f32(m * _f32(2 ** 31))
    return [a.astype(np.int32) * b.astype(np.int32), np.array([-m], np.float32),
            np.array([m], np.float32)]


def _mul_calib(a, b, amin, amax, bmin, bmax, min_calib_range, max_calib_range):
    ls = _f32(_f32(127.5) / _mabs(amin, amax))
    rs = _f32(_f32(127.5) / _mabs(bmin, bmax))
    oc = max(abs(_f32(min_calib_range)), abs(_f32(max_calib_range)))
    scale = _f32(_f32(_f32(_f32(127.5) / oc) / ls) / rs)
    y = np.trunc((a.astype(np.int32) * b.astype(np.int32)).astype(np.float32) * scale)
    return [y.astype(np.int64).astype(np.int8), np.array([min_calib_range], np.float32),
            np.array([max_calib_range], np.float32)]


def _mul_float(a, b, amin, amax, bmin, bmax, enable_float_output):
    ls = _f32(_f32(127.5) / _mabs(amin, amax))
    rs = _f32(_f32(127.5) / _mabs(bmin, bmax))
    scale = _f32(1.0 / float(ls) / float(rs))
    return (a.astype(np.int32) * b.astype(np.int32)).astype(np.float32) * scale


def _hist(rng, shape, dt):
    x = np.linspace(-3, 3, shape[0])
    h = np.round(rng.random(shape) * 60 * np.exp(-x * x / 2) + (rng.random(shape) < 0.3) * 2)
    h[rng.random(shape) < 0.15] = 0
    return h


EDGES = In(dtype="float32", grad=False,
           gen=lambda rng, shape, dt: np.linspace(-2.0, 2.0, shape[0]))
HIST = In(gen=_hist, grad=False)


# ---------------------------------------------------------------------------------------
CASES = [
    # ---- quantize (v1): round-half-even, saturating; uint8 has no zero point
    Case("contrib.quantize", "qz_int8", samples=[((2, 3),) + R1, ((4, 5),) + R1],
         inputs=[_f(-2.5, 2.5), _r(-1.5), _r(2.0)], kwargs={"out_type": "int8"},
         dtypes=F32, rejects=NOT_F32),
    Case("contrib.quantize", "qz_uint8", samples=[((3, 4),) + R1],
         inputs=[_f(-0.5, 3.5), _r(0.5), _r(3.0)], dtypes=F32, rejects=NOT_F32),
    Case("contrib.quantize", "qz_4d", samples=[((2, 3, 2, 2),) + R1],
         inputs=[_f(-1.0, 1.0), _r(-1.0), _r(1.0)], kwargs={"out_type": "int8"}, dtypes=F32),
    Case("contrib.quantize", "qz_4d_u8", samples=[((1, 2, 3, 2),) + R1],
         inputs=[_f(-1.0, 1.0), _r(-1.0), _r(1.0)], kwargs={"out_type": "uint8"},
         dtypes=F32),
    Case("contrib.quantize", "qz_bad_out_type", samples=[((2, 3),) + R1],
         inputs=[_f(-1, 1), _r(-1.0), _r(1.0)], kwargs={"out_type": "int32"}, dtypes=F32,
         raises=True),
    Case("contrib.quantize", "qz_range_shape", samples=[((2, 3), (2,), (2,))],
         inputs=[_f(-1, 1), _r(-1.0), _r(1.0)], dtypes=F32, raises=True),
    Case("contrib.quantize", "qz_range_f64", samples=[((2, 3),) + R1],
         inputs=[_f(-1, 1), In(dtype="float64", gen=lambda r, s, d: np.full(s, -1.0)),
                 In(dtype="float64", gen=lambda r, s, d: np.full(s, 1.0))],
         dtypes=F32, raises=True),

    Case("contrib.quantize", "qz_empty", samples=[((0, 3),) + R1],
         inputs=[_f(-1, 1), _r(-1.0), _r(1.0)], dtypes=F32, raises=True),
    Case("contrib.quantize", "qz_0d", samples=[((),) + R1],
         inputs=[_f(-1, 1), _r(-1.0), _r(1.0)], dtypes=F32, raises=True),
    Case("contrib.quantize", "qz_range_2d", samples=[((2, 3), (1, 1), (1, 1))],
         inputs=[_f(-1, 1), _r(-1.0), _r(1.0)], dtypes=F32, raises=True),
    Case("contrib.quantize", "qz_range_0d", samples=[((2, 3), (), ())],
         inputs=[_f(-1, 1), _r(-1.0), _r(1.0)], kwargs={"out_type": "int8"}, dtypes=F32),

    # ---- quantize_v2: calibrated or runtime range, 127.5/255.5 scales
    Case("contrib.quantize_v2", "qz_runtime", samples=[((2, 5),), ((3, 2, 2),)],
         inputs=[_f(-2.0, 3.0)], dtypes=F32, rejects=("float64", "float16", "int32")),
    Case("contrib.quantize_v2", "qz_runtime_u8", samples=[((2, 5),)], inputs=[_f(-1.0, 3.0)],
         kwargs={"out_type": "uint8"}, dtypes=F32),
    Case("contrib.quantize_v2", "qz_calib", samples=[((3, 4),), ((2, 2, 2, 2),)],
         inputs=[_f(-2.0, 2.0)], kwargs={"min_calib_range": -1.0, "max_calib_range": 1.5},
         dtypes=F32),
    Case("contrib.quantize_v2", "qz_calib_u8", samples=[((3, 4),)], inputs=[_f(-1.0, 2.0)],
         kwargs={"out_type": "uint8", "min_calib_range": -1.0, "max_calib_range": 1.5},
         dtypes=F32),
    Case("contrib.quantize_v2", "qz_auto_u8", samples=[((3, 4),)], inputs=[_f(-0.5, 2.5)],
         kwargs={"out_type": "auto", "min_calib_range": 0.0, "max_calib_range": 2.0},
         dtypes=F32),
    Case("contrib.quantize_v2", "qz_auto_s8", samples=[((3, 4),)], inputs=[_f(-0.5, 2.5)],
         kwargs={"out_type": "auto", "min_calib_range": -0.5, "max_calib_range": 2.0},
         dtypes=F32),
    Case("contrib.quantize_v2", "qz_auto_nocalib", samples=[((3, 4),)],
         inputs=[_f(-0.5, 2.5)], kwargs={"out_type": "auto"}, dtypes=F32),
    Case("contrib.quantize_v2", "qz_min_only", samples=[((3, 4),)], inputs=[_f(-0.5, 2.5)],
         kwargs={"min_calib_range": 1.0}, dtypes=F32,
         note="one calibration bound alone is ignored: the range comes from the data"),
    Case("contrib.quantize_v2", "qz_pass", samples=[((2, 3),)], inputs=[QDATA], dtypes=Q,
         note="int8/uint8 data are passed through byte for byte (uint8 -> int8 reinterprets)"),
    Case("contrib.quantize_v2", "qz_pass_calib", samples=[((2, 3),)], inputs=[QDATA],
         kwargs={"out_type": "uint8", "min_calib_range": -1.0, "max_calib_range": 2.0},
         dtypes=Q),
    Case("contrib.quantize_v2", "qz_0d", samples=[((),)], dtypes=F32, raises=True),
    Case("contrib.quantize_v2", "qz_empty", samples=[((0, 3),)], dtypes=F32, raises=True),
    Case("contrib.quantize_v2", "qz_bad_out_type", samples=[((2, 3),)], dtypes=F32,
         kwargs={"out_type": "int32"}, raises=True),

    # ---- quantize_asym: uint8 with scale/shift outputs; 3-D float32 only on CPU
    Case("contrib.quantize_asym", "qz_runtime", samples=[((2, 3, 4),)], inputs=[_f(-1.0, 2.0)],
         dtypes=F32, rejects=("float64", "int8", "uint8")),
    Case("contrib.quantize_asym", "qz_calib", samples=[((1, 3, 4),)], inputs=[_f(-1.0, 2.0)],
         kwargs={"min_calib_range": -0.5, "max_calib_range": 1.0}, dtypes=F32),
    Case("contrib.quantize_asym", "qz_2d", samples=[((3, 4),)], dtypes=F32,
         mx_crash="SIGSEGV (MXNet 1.9.1 CPU: quantize_asym on non-3-D data)"),

    # ---- dequantize: scale max(|min|,|max|) / 127.5 (int8) or / 255.5 (uint8)
    Case("contrib.dequantize", "qz_default", samples=[((2, 3),) + R1, ((2, 2, 1, 3),) + R1],
         inputs=[QDATA, _r(-1.5), _r(2.5)], dtypes=Q, rejects=NOT_Q),
    Case("contrib.dequantize", "qz_pos", samples=[((4,),) + R1],
         inputs=[QDATA, _r(0.5), _r(3.0)], dtypes=Q),
    Case("contrib.dequantize", "qz_bad_out_type", samples=[((2, 3),) + R1],
         inputs=[QDATA, _r(-1.0), _r(1.0)], kwargs={"out_type": "float64"}, dtypes=Q,
         raises=True),
    Case("contrib.dequantize", "qz_range_shape", samples=[((2, 3), (2,), (2,))],
         inputs=[QDATA, _r(-1.0), _r(1.0)], dtypes=Q, raises=True),

    Case("contrib.dequantize", "qz_0d", samples=[((),) + R1],
         inputs=[QDATA, _r(-1.0), _r(1.0)], dtypes=Q, raises=True),

    # ---- requantize: int32 -> int8/uint8
    Case("contrib.requantize", "qz_runtime", samples=[((3, 4),) + R1],
         inputs=[_i32(-2 ** 20, 2 ** 20), _r(-8.0), _r(8.0)], dtypes=("int32",),
         rejects=("int8", "uint8", "float32", "int64")),
    Case("contrib.requantize", "qz_runtime_u8", samples=[((3, 4),) + R1],
         inputs=[_i32(-2 ** 20, 2 ** 20), _r(-8.0), _r(6.0)], dtypes=("int32",),
         kwargs={"out_type": "uint8"}),
    Case("contrib.requantize", "qz_calib", samples=[((3, 4),) + R1],
         inputs=[_i32(-2 ** 20, 2 ** 20), _r(-8.0), _r(8.0)], dtypes=("int32",),
         kwargs={"min_calib_range": -0.002, "max_calib_range": 0.003}),
    Case("contrib.requantize", "qz_calib_u8", samples=[((3, 4),) + R1],
         inputs=[_i32(-2 ** 20, 2 ** 20), _r(-8.0), _r(8.0)], dtypes=("int32",),
         kwargs={"out_type": "auto", "min_calib_range": 0.0, "max_calib_range": 0.003}),

    # ---- quantized_fully_connected: int32 output, ranges from the input ranges
    Case("contrib.quantized_fully_connected", "qz_bias",
         samples=[((3, 4), (5, 4), (5,)) + R1 * 3],
         inputs=[QDATA, W8, W8, _r(-1.0), _r(2.0), _r(-0.5), _r(0.25), _r(-3.0), _r(1.0)],
         kwargs={"num_hidden": 5}, dtypes=Q, rejects=NOT_Q,
         call=_c("quantized_fully_connected")),
    Case("contrib.quantized_fully_connected", "qz_no_bias",
         samples=[((2, 3, 2), (4, 6)) + R1 * 2],
         inputs=[QDATA, W8, _r(-1.0), _r(2.0), _r(-0.5), _r(0.25)],
         kwargs={"num_hidden": 4, "no_bias": True}, dtypes=Q,
         call=_c("quantized_fully_connected")),
    Case("contrib.quantized_fully_connected", "qz_no_flatten",
         samples=[((2, 3, 4), (2, 4), (2,)) + R1 * 3],
         inputs=[QDATA, W8, W8, _r(-1.0), _r(2.0), _r(-0.5), _r(0.25), _r(-30.0), _r(1.0)],
         kwargs={"num_hidden": 2, "flatten": False}, dtypes=Q,
         call=_c("quantized_fully_connected")),
    Case("contrib.quantized_fully_connected", "qz_bad_hidden",
         samples=[((3, 4), (5, 4), (5,)) + R1 * 3],
         inputs=[QDATA, W8, W8, _r(-1.0), _r(2.0), _r(-0.5), _r(0.25), _r(-3.0), _r(1.0)],
         kwargs={"num_hidden": 4}, dtypes=Q, raises=True,
         call=_c("quantized_fully_connected")),
    Case("contrib.quantized_fully_connected", "qz_u8_weight",
         samples=[((3, 4), (5, 4), (5,)) + R1 * 3],
         inputs=[QDATA, U8, W8, _r(-1.0), _r(2.0), _r(-0.5), _r(0.25), _r(-3.0), _r(1.0)],
         kwargs={"num_hidden": 5}, dtypes=("int8",), raises=True,
         call=_c("quantized_fully_connected")),

    # ---- quantized_conv: uint8 data only on the CPU build
    Case("contrib.quantized_conv", "qz_bias",
         samples=[((2, 3, 5, 5), (4, 3, 3, 3), (4,)) + R1 * 3],
         inputs=[QDATA, W8, W8, _r(0.0), _r(2.0), _r(-0.5), _r(0.25), _r(-3.0), _r(1.0)],
         kwargs={"kernel": (3, 3), "num_filter": 4, "pad": (1, 1), "stride": (2, 2)},
         dtypes=("uint8",), rejects=("int8", "float32"), call=_c("quantized_conv")),
    Case("contrib.quantized_conv", "qz_no_bias",
         samples=[((1, 2, 4, 5), (3, 2, 2, 2)) + R1 * 2],
         inputs=[QDATA, W8, _r(0.0), _r(2.0), _r(-0.5), _r(0.25)],
         kwargs={"kernel": (2, 2), "num_filter": 3, "no_bias": True, "dilate": (1, 2)},
         dtypes=("uint8",), call=_c("quantized_conv")),
    Case("contrib.quantized_conv", "qz_3d",
         samples=[((1, 2, 3, 3, 3), (2, 2, 2, 2, 2), (2,)) + R1 * 3],
         inputs=[QDATA, W8, W8, _r(0.0), _r(2.0), _r(-0.5), _r(0.25), _r(-3.0), _r(1.0)],
         kwargs={"kernel": (2, 2, 2), "num_filter": 2}, dtypes=("uint8",),
         call=_c("quantized_conv")),
    Case("contrib.quantized_conv", "qz_group",
         samples=[((1, 4, 4, 4), (4, 2, 2, 2), (4,)) + R1 * 3],
         inputs=[QDATA, W8, W8, _r(0.0), _r(2.0), _r(-0.5), _r(0.25), _r(-3.0), _r(1.0)],
         kwargs={"kernel": (2, 2), "num_filter": 4, "num_group": 2}, dtypes=("uint8",),
         raises=True, call=_c("quantized_conv")),
    Case("contrib.quantized_conv", "qz_1d",
         samples=[((1, 2, 5), (2, 2, 3), (2,)) + R1 * 3],
         inputs=[QDATA, W8, W8, _r(0.0), _r(2.0), _r(-0.5), _r(0.25), _r(-3.0), _r(1.0)],
         kwargs={"kernel": (3,), "num_filter": 2}, dtypes=("uint8",), raises=True,
         call=_c("quantized_conv")),

    # ---- quantized_act: relu only, output always int8
    Case("contrib.quantized_act", "qz_relu", samples=[((3, 4),) + R1, ((1, 2, 2, 3),) + R1],
         inputs=[QDATA, _r(-1.0), _r(2.0)], kwargs={"act_type": "relu"}, dtypes=Q,
         rejects=NOT_Q),
    Case("contrib.quantized_act", "qz_tanh", samples=[((3, 4),) + R1],
         inputs=[QDATA, _r(-1.0), _r(2.0)], kwargs={"act_type": "tanh"}, dtypes=Q,
         raises=True),

    # ---- quantized_flatten: any dtype, range passed through
    Case("contrib.quantized_flatten", "qz_default",
         samples=[((2, 3, 2),) + R1, ((2, 1, 2, 2),) + R1, ((3,),) + R1],
         inputs=[QDATA, _r(-1.0), _r(2.0)], dtypes=Q + ("float32", "int32")),

    Case("contrib.quantized_flatten", "qz_empty", samples=[((0, 3),) + R1],
         inputs=[QDATA, _r(-1.0), _r(2.0)], dtypes=Q, raises=True),

    # ---- quantized_pooling
    Case("contrib.quantized_pooling", "qz_max", samples=[((2, 2, 4, 4),) + R1],
         inputs=[QDATA, _r(-1.0), _r(2.0)],
         kwargs={"kernel": (2, 2), "stride": (2, 2), "pool_type": "max"}, dtypes=Q,
         rejects=("float32",)),
    Case("contrib.quantized_pooling", "qz_avg", samples=[((1, 2, 5, 5),) + R1],
         inputs=[QDATA, _r(-1.0), _r(2.0)],
         kwargs={"kernel": (3, 3), "stride": (1, 1), "pad": (1, 1), "pool_type": "avg"},
         dtypes=Q),
    Case("contrib.quantized_pooling", "qz_avg_nopad", samples=[((1, 2, 5, 5),) + R1],
         inputs=[QDATA, _r(-1.0), _r(2.0)],
         kwargs={"kernel": (3, 3), "pad": (1, 1), "pool_type": "avg",
                 "count_include_pad": False}, dtypes=Q),
    Case("contrib.quantized_pooling", "qz_avg_s2", samples=[((1, 3, 4, 6),) + R1],
         inputs=[QDATA, _r(-1.0), _r(2.0)],
         kwargs={"kernel": (2, 2), "stride": (2, 2), "pool_type": "avg"}, dtypes=Q),
    Case("contrib.quantized_pooling", "qz_full", samples=[((1, 1, 5, 5),) + R1],
         inputs=[QDATA, _r(-1.0), _r(2.0)],
         kwargs={"kernel": (2, 2), "stride": (2, 2), "pool_type": "max",
                 "pooling_convention": "full"}, dtypes=Q),
    Case("contrib.quantized_pooling", "qz_global", samples=[((2, 2, 3, 3),) + R1],
         inputs=[QDATA, _r(-1.0), _r(2.0)],
         kwargs={"kernel": (3, 3), "global_pool": True, "pool_type": "avg"}, dtypes=Q),
    Case("contrib.quantized_pooling", "qz_3d", samples=[((1, 1, 2, 4, 4),) + R1],
         inputs=[QDATA, _r(-1.0), _r(2.0)], kwargs={"kernel": (2, 2, 2), "pool_type": "max"},
         dtypes=Q),
    Case("contrib.quantized_pooling", "qz_sum", samples=[((1, 1, 4, 4),) + R1],
         inputs=[QDATA, _r(-1.0), _r(2.0)], kwargs={"kernel": (2, 2), "pool_type": "sum"},
         dtypes=Q, raises=True),
    Case("contrib.quantized_pooling", "qz_global_nokernel", samples=[((1, 1, 4, 4),) + R1],
         inputs=[QDATA, _r(-1.0), _r(2.0)], kwargs={"global_pool": True, "pool_type": "avg"},
         dtypes=Q, raises=True),
    Case("contrib.quantized_pooling", "qz_1d", samples=[((1, 2, 4),) + R1],
         inputs=[QDATA, _r(-1.0), _r(2.0)], kwargs={"kernel": (2,)}, dtypes=Q, raises=True),

    # ---- quantized_concat: inputs rescaled to the joint range
    Case("contrib.quantized_concat", "qz_same", samples=[((2, 2), (2, 3)) + R1 * 2],
         inputs=[QDATA, QDATA, _r(-1.0), _r(2.0), _r(-4.0), _r(1.0)],
         kwargs={"dim": 1, "num_args": 2}, dtypes=Q, rejects=("float32",),
         call=_c("quantized_concat")),
    Case("contrib.quantized_concat", "qz_dim0", samples=[((1, 3), (2, 3), (2, 3)) + R1 * 3],
         inputs=[QDATA, QDATA, QDATA, _r(-1.0), _r(2.0), _r(-4.0), _r(3.0), _r(-2.0),
                 _r(2.0)],
         kwargs={"dim": 0, "num_args": 3}, dtypes=Q, call=_c("quantized_concat")),
    Case("contrib.quantized_concat", "qz_mixed", samples=[((2, 2), (2, 3)) + R1 * 2],
         inputs=[U8, W8, _r(0.0), _r(2.0), _r(-4.0), _r(3.0)],
         kwargs={"dim": 1, "num_args": 2}, dtypes=("int8",), call=_c("quantized_concat")),
    Case("contrib.quantized_concat", "qz_num_args", samples=[((2, 2), (2, 3)) + R1 * 2],
         inputs=[QDATA, QDATA, _r(-1.0), _r(2.0), _r(-4.0), _r(1.0)],
         kwargs={"dim": 1}, dtypes=Q, raises=True, call=_c("quantized_concat")),
    Case("contrib.quantized_concat", "qz_neg_dim", samples=[((2, 2), (2, 3)) + R1 * 2],
         inputs=[QDATA, QDATA, _r(-1.0), _r(2.0), _r(-4.0), _r(1.0)],
         kwargs={"dim": -1, "num_args": 2}, dtypes=Q, call=_c("quantized_concat"),
         mx_crash="SIGSEGV (MXNet 1.9.1 CPU: quantized_concat with a negative dim)"),

    # ---- quantized_elemwise_add
    Case("contrib.quantized_elemwise_add", "qz_int32", samples=[((2, 3),) * 2 + R1 * 2],
         inputs=[QDATA, QDATA, _r(-1.0), _r(2.0), _r(-4.0), _r(1.0)], dtypes=Q,
         rejects=("float32",)),
    Case("contrib.quantized_elemwise_add", "qz_calib", samples=[((2, 3),) * 2 + R1 * 2],
         inputs=[QDATA, QDATA, _r(-1.0), _r(2.0), _r(-4.0), _r(1.0)], dtypes=Q,
         kwargs={"min_calib_range": -3.0, "max_calib_range": 2.0}),
    Case("contrib.quantized_elemwise_add", "qz_mixed_u8s8", samples=[((2, 3),) * 2 + R1 * 2],
         inputs=[U8, W8, _r(0.0), _r(2.0), _r(-4.0), _r(1.0)], dtypes=("int8",)),
    Case("contrib.quantized_elemwise_add", "qz_mixed_s8u8_calib",
         samples=[((2, 3),) * 2 + R1 * 2],
         inputs=[W8, U8, _r(-2.0), _r(2.0), _r(0.0), _r(3.0)], dtypes=("int8",),
         kwargs={"min_calib_range": -1.0, "max_calib_range": 4.0}),
    Case("contrib.quantized_elemwise_add", "qz_shape", samples=[((2, 3), (3, 2)) + R1 * 2],
         inputs=[QDATA, QDATA, _r(-1.0), _r(2.0), _r(-4.0), _r(1.0)], dtypes=Q, raises=True),

    # ---- quantized_elemwise_mul: MXNet 1.9.1 fails on every mx.nd call (its shape function
    # clears the outputs); mxcompat computes what its CPU kernel would
    Case("contrib.quantized_elemwise_mul", "qz_int32", samples=[((2, 3),) * 2 + R1 * 2],
         inputs=[QDATA, QDATA, _r(-1.0), _r(2.0), _r(-4.0), _r(1.0)], dtypes=("int8",),
         extension=_MUL_EXT, ref=_mul_int32),
    Case("contrib.quantized_elemwise_mul", "qz_not_int8", samples=[((2, 3),) * 2 + R1 * 2],
         inputs=[QDATA, QDATA, _r(-1.0), _r(2.0), _r(-4.0), _r(1.0)],
         dtypes=("uint8", "float32"), raises=True),
    Case("contrib.quantized_elemwise_mul", "qz_calib", samples=[((2, 3),) * 2 + R1 * 2],
         inputs=[QDATA, QDATA, _r(-1.0), _r(2.0), _r(-4.0), _r(1.0)], dtypes=("int8",),
         kwargs={"min_calib_range": -300.0, "max_calib_range": 500.0},
         extension=_MUL_EXT, ref=_mul_calib),
    Case("contrib.quantized_elemwise_mul", "qz_float", samples=[((2, 3),) * 2 + R1 * 2],
         inputs=[QDATA, QDATA, _r(-1.0), _r(2.0), _r(-4.0), _r(1.0)], dtypes=("int8",),
         kwargs={"enable_float_output": True}, extension=_MUL_EXT, ref=_mul_float),

    # ---- quantized_embedding: indices truncated then clipped
    Case("contrib.quantized_embedding", "qz_default", samples=[((2, 3), (4, 3)) + R1],
         inputs=[In(grad=False, gen=lambda rng, shape, dt: rng.uniform(-1.5, 5.5, shape)
                    if dt.startswith("float") else rng.integers(-1, 6, shape)),
                 W8, _r(-1.0), _r(2.0)],
         kwargs={"input_dim": 4, "output_dim": 3}, dtypes=("float32", "float64", "int32")),
    Case("contrib.quantized_embedding", "qz_bad_dim", samples=[((3,), (4, 3)) + R1],
         inputs=[In(domain=(0, 3), grad=False), W8, _r(-1.0), _r(2.0)],
         kwargs={"input_dim": 5, "output_dim": 3}, dtypes=F32, raises=True),
    Case("contrib.quantized_embedding", "qz_u8_weight", samples=[((3,), (4, 3)) + R1],
         inputs=[In(domain=(0, 3), grad=False), U8, _r(-1.0), _r(2.0)],
         kwargs={"input_dim": 4, "output_dim": 3}, dtypes=F32, raises=True),

    # ---- quantized_batch_norm: needs a calibrated output range
    Case("contrib.quantized_batch_norm", "qz_calib",
         samples=[((2, 3, 2, 2), (3,), (3,), (3,), (3,)) + R1],
         inputs=[QDATA, In(dtype="float32", domain=(0.5, 2.0), grad=False),
                 In(dtype="float32", domain=(-1.0, 1.0), grad=False),
                 In(dtype="float32", domain=(-0.5, 0.5), grad=False),
                 In(dtype="float32", domain=(0.5, 4.0), grad=False), _r(-1.0), _r(2.0)],
         kwargs={"min_calib_range": -3.0, "max_calib_range": 3.0}, dtypes=Q,
         rejects=("float32",)),
    Case("contrib.quantized_batch_norm", "qz_nocalib",
         samples=[((2, 3, 2, 2), (3,), (3,), (3,), (3,)) + R1],
         inputs=[QDATA, In(dtype="float32", domain=(0.5, 2.0), grad=False),
                 In(dtype="float32", domain=(-1.0, 1.0), grad=False),
                 In(dtype="float32", domain=(-0.5, 0.5), grad=False),
                 In(dtype="float32", domain=(0.5, 4.0), grad=False), _r(-1.0), _r(2.0)],
         dtypes=("int8",), raises=True),
    # ---- calibrate_entropy: KL-divergence threshold search (odd-length histograms)
    Case("contrib.calibrate_entropy", "qz_small", samples=[((41,), (42,)), ((21,), (22,))],
         inputs=[HIST, EDGES], kwargs={"num_quantized_bins": 7}, dtypes=F32,
         rejects=("float64", "int32")),
    Case("contrib.calibrate_entropy", "qz_255", samples=[((601,), (602,))],
         inputs=[HIST, EDGES], dtypes=F32),
    Case("contrib.calibrate_entropy", "qz_too_many_bins", samples=[((41,), (42,))],
         inputs=[HIST, EDGES], dtypes=F32, raises=True),
    Case("contrib.calibrate_entropy", "qz_edges_len", samples=[((41,), (41,))],
         inputs=[HIST, EDGES], kwargs={"num_quantized_bins": 7}, dtypes=F32, raises=True),
    # ---- quantized_rnn: MXNet 1.9.1's pip CPU build fails ("could not create a primitive
    # descriptor for a reorder primitive"); a stub in mxcompat
    Case("contrib.quantized_rnn", "qz_lstm",
         samples=[((3, 2, 4), (4 * 5 * 9 + 8 * 5,), (1, 2, 5), (1, 2, 5)) + R1],
         inputs=[QDATA, In(dtype="float32", domain=(-0.5, 0.5), grad=False),
                 In(dtype="float32", domain=(0.0, 0.0), grad=False),
                 In(dtype="float32", domain=(0.0, 0.0), grad=False), _r(85.0), _r(85.0)],
         kwargs={"state_size": 5, "num_layers": 1, "mode": "lstm"}, dtypes=("uint8",),
         raises=True, call=_c("quantized_rnn")),
]
