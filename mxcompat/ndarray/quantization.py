"""``mx.nd.contrib`` quantization ops: quantize / dequantize / requantize and the quantized_*
layers, as MXNet 1.9.1's CPU build (oneDNN/MKLDNN) computes them.

The CPU build runs every one of these ops through oneDNN, whose maths differs from the
formulas in MXNet's docstrings (see docs/ops-quantization.md):

- float -> int8/uint8 is ``round_half_even(x * scale)`` in float32, saturated to the output
  type's bounds (so int8 can reach -128); NaN becomes 127 (int8) or 0 (uint8);
- "zero-centred" scales use MXNet's ``kInt8Range = 127.5`` / ``kUint8Range = 255.5`` in
  quantize_v2 / dequantize / quantized layers, but 127 / 255 in quantize (v1) / requantize;
- uint8 is quantized without an offset: ``scale = 255(.5) / max(|min|, |max|)``.

All integer arithmetic is exact (int64 / float64 accumulators); scale arithmetic is done in
float32 as MXNet does. The ops are inference-only: no gradient flows through them.
"""
from __future__ import annotations

import inspect
import math
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

import numpy as np
import torch
import torch.nn.functional as F

from .. import _dtypes
from ..base import MXNetTypeError, MXNetValueError, _Null
from . import _op
from ._op import Bool, Enum, Int, OptFloat, OptInt, Shape

_F32 = np.float32
_K_INT8 = _F32(127.5)
_K_UINT8 = _F32(255.5)
_I32_RANGE = _F32(2147483647.0)  # float(INT32_MAX) == 2**31


# ---------------------------------------------------------------------------------------
# declarations: each op goes through _op.register, with its arrays taken as MXNet's generated
# functions pass them (the given ones, in signature order: so
# ``quantized_fully_connected(d, w, min_d, max_d, min_w, max_w, no_bias=True)`` works) and no
# autograd (MXNet's quantization ops have zero gradients: MakeZeroGradNodes).
_P = inspect.Parameter
#: bias and its range take part unless no_bias
_BIAS = {n: _op.When("no_bias", False) for n in ("bias", "min_bias", "max_bias")}


def _qop(name: str, inputs: Sequence[str], params: Dict[str, Tuple[Callable, Any]],
         torch_eq: str = "", notes: str = "", variadic: bool = False,
         optional: Optional[Dict[str, Any]] = None,
         outputs: Any = ("output", "min_output", "max_output"), **schema: Any) -> Callable:
    """Declare the quantization op ``contrib.<name>``: ``params`` maps each parameter to
    (converter, default), ``_Null`` meaning required. The body is ``body(op, arrays,
    **params)`` with ``op`` the name its messages use."""
    qual = f"contrib.{name}"

    def deco(body: Callable) -> Callable:
        def impl(*ts: torch.Tensor, **p: Any) -> Any:
            r = body(qual, list(ts), **p)
            dev = ts[0].device
            if dev.type != "cpu":  # range outputs are built on the CPU: follow the data
                r = (tuple(x.to(dev) for x in r) if isinstance(r, tuple) else r.to(dev))
            return list(r) if isinstance(r, tuple) else r
        impl.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
            [_P("data", _P.VAR_POSITIONAL)]
            + [_P(pn, _P.KEYWORD_ONLY, default=_P.empty if d is _Null else d)
               for pn, (_c, d) in params.items()])
        impl.__doc__ = body.__doc__
        return _op.register(name, ns="contrib", family="quantization", torch=torch_eq,
                            notes=notes, params={pn: c for pn, (c, _d) in params.items()},
                            inputs=None if variadic else tuple(inputs), optional=optional,
                            outputs=outputs, differentiable=False, **schema)(impl)
    return deco


# ---------------------------------------------------------------------------------------
# helpers
def _dt(t: torch.Tensor) -> str:
    return _dtypes.name(t.dtype)


def _need(op: str, what: str, t: torch.Tensor, allowed: Sequence[torch.dtype]) -> None:
    if t.dtype not in allowed:
        names = " or ".join(_dtypes.name(d) for d in allowed)
        raise MXNetTypeError(f"{op}: {what} must be {names}, got {_dt(t)}")


def _scalar(op: str, what: str, t: torch.Tensor) -> np.float32:
    """A min/max range input: a float32 array holding one value."""
    if t.dtype != torch.float32:
        raise MXNetTypeError(f"{op}: {what} must be a float32 array, got {_dt(t)}")
    if t.numel() != 1 or t.dim() > 1:
        raise MXNetValueError(f"{op}: {what} must have shape (1,), got {tuple(t.shape)}")
    return _F32(t.reshape(-1)[0].item())


def _rng(v: Any) -> torch.Tensor:
    return torch.tensor([float(v)], dtype=torch.float32)


def _maxabs(a: Any, b: Any) -> np.float32:
    return _F32(max(abs(_F32(a)), abs(_F32(b))))


def _div(a: Any, b: Any) -> np.float32:
    """float32 a / b with C semantics (x/0 = +-inf, 0/0 = nan)."""
    with np.errstate(all="ignore"):
        return _F32(_F32(a) / _F32(b))


def _mul(a: Any, b: Any) -> np.float32:
    with np.errstate(all="ignore"):
        return _F32(_F32(a) * _F32(b))


_BOUNDS = {torch.int8: (-128, 127, 127), torch.uint8: (0, 255, 0),
           torch.int32: (-2147483648, 2147483647, 0)}


def _round_sat(x: torch.Tensor, dtype: torch.dtype) -> torch.Tensor:
    """oneDNN's float -> integer store: round half to even, saturate; NaN -> 127 (int8) or
    0 (uint8), as the CPU build gives."""
    lo, hi, nan = _BOUNDS[dtype]
    x = x.to(torch.float64)
    x = torch.where(torch.isnan(x), torch.full_like(x, float(nan)), x)
    return torch.round(x).clamp(lo, hi).to(dtype)


def _scale_store(x: torch.Tensor, scale: Any, dtype: torch.dtype) -> torch.Tensor:
    """round_sat(float32(x) * float32(scale)) as oneDNN's reorder with output scales."""
    xf = x.to(torch.float32)
    s = torch.tensor(float(_F32(scale)), dtype=torch.float32)
    return _round_sat(xf * s, dtype)


_I8U8 = (torch.int8, torch.uint8)


def _out_type(out_type: str, lo: Optional[float], hi: Optional[float]) -> torch.dtype:
    """MXNet's GetQuantizeOutputType."""
    if out_type == "uint8":
        return torch.uint8
    if out_type == "auto" and lo is not None and hi is not None and _F32(lo) >= 0:
        return torch.uint8
    return torch.int8


def _check_data(op: str, t: torch.Tensor) -> None:
    if t.dim() == 0 or t.numel() == 0:
        raise MXNetValueError(f"{op}: shape inference failed for data of shape "
                              f"{tuple(t.shape)} (MXNet needs a non-empty array with ndim >= 1)")


def _n(op: str, ts: list, k: int, names: str) -> None:
    if len(ts) != k:
        raise MXNetValueError(f"{op}: expects {k} array inputs ({names}), got {len(ts)}")


# ---------------------------------------------------------------------------------------
# quantize / dequantize / requantize
_OT = Enum("int8", "uint8")
_OT_AUTO = Enum("auto", "int8", "uint8")


@_qop("quantize", ["data", "min_range", "max_range"], {"out_type": (_OT, "uint8")},
      torch_eq="torch.round(x * scale).clamp(...) (oneDNN reorder)",
      notes="oneDNN maths: round-half-even, saturating; uint8 has no zero point",
      outputs=3)
def _quantize(op: str, ts: list, out_type: str) -> tuple:
    """Quantize float32 data to int8/uint8 with the given range (MXNet 1.9.1 CPU)."""
    _n(op, ts, 3, "data, min_range, max_range")
    data, tmin, tmax = ts
    _need(op, "data", data, (torch.float32,))
    lo, hi = _scalar(op, "min_range", tmin), _scalar(op, "max_range", tmax)
    _check_data(op, data)
    real = _maxabs(lo, hi)
    if out_type == "uint8":
        q = _scale_store(data, _div(255.0, real), torch.uint8)
        return q, _rng(lo), _rng(hi)
    q = _scale_store(data, _div(127.0, real), torch.int8)
    return q, _rng(-real), _rng(real)


def _calib(lo: Optional[float], hi: Optional[float]) -> bool:
    return lo is not None and hi is not None


@_qop("quantize_v2", ["data"], {"out_type": (_OT_AUTO, "int8"),
                                "min_calib_range": (OptFloat, None),
                                "max_calib_range": (OptFloat, None)},
      torch_eq="torch.round(x * scale).clamp(...) (oneDNN reorder)",
      notes="range from calibration or the data's min/max; int8/uint8 data pass through",
      outputs=3)
def _quantize_v2(op: str, ts: list, out_type: str, min_calib_range: Optional[float],
                 max_calib_range: Optional[float]) -> tuple:
    """Quantize float32 data with calibrated or runtime ranges (MXNet 1.9.1 CPU)."""
    _n(op, ts, 1, "data")
    data = ts[0]
    _need(op, "data", data, (torch.float32, torch.uint8, torch.int8))
    _check_data(op, data)
    dt = _out_type(out_type, min_calib_range, max_calib_range)
    calib = _calib(min_calib_range, max_calib_range)
    if data.dtype in _I8U8:
        # passed through byte for byte (a uint8 array with out_type int8 is reinterpreted)
        q = data.contiguous().view(dt).clone()
        if calib:
            return q, _rng(_F32(min_calib_range)), _rng(_F32(max_calib_range))
        if data.dtype == torch.uint8:
            return q, _rng(0.0), _rng(_K_UINT8)
        return q, _rng(-_K_INT8), _rng(_K_INT8)
    if calib:
        lo, hi = _F32(min_calib_range), _F32(max_calib_range)
    else:
        lo, hi = _F32(data.min().item()), _F32(data.max().item())
    real = _maxabs(lo, hi)
    if dt == torch.uint8:
        q = _scale_store(data, _div(_K_UINT8, real), torch.uint8)
        return q, _rng(lo), _rng(hi)
    q = _scale_store(data, _div(_K_INT8, real), torch.int8)
    return q, _rng(-real), _rng(real)


@_qop("quantize_asym", ["data"], {"min_calib_range": (OptFloat, None),
                                  "max_calib_range": (OptFloat, None)},
      torch_eq="torch.round(x * scale + shift).clamp(0, 255)",
      notes="3-D float32 data only (MXNet 1.9.1's CPU build crashes on other shapes)",
      outputs=("output", "scale", "shift"))
def _quantize_asym(op: str, ts: list, min_calib_range: Optional[float],
                   max_calib_range: Optional[float]) -> tuple:
    """Asymmetric uint8 quantization; returns (data, scale, shift) (MXNet 1.9.1 CPU)."""
    _n(op, ts, 1, "data")
    data = ts[0]
    _need(op, "data", data, (torch.float32,))
    if data.dim() != 3 or data.numel() == 0:
        raise MXNetValueError(f"{op}: data must be a non-empty 3-D array, got shape "
                              f"{tuple(data.shape)} (MXNet 1.9.1's CPU build crashes with a "
                              "segmentation fault on other shapes)")
    if _calib(min_calib_range, max_calib_range):
        lo, hi = _F32(min_calib_range), _F32(max_calib_range)
    else:
        lo, hi = _F32(data.min().item()), _F32(data.max().item())
    with np.errstate(all="ignore"):
        scale = _div(255.0, _F32(hi - lo))
        shift = _F32(_F32(255.0) - _mul(hi, scale))
    x = data.to(torch.float32) * torch.tensor(float(scale), dtype=torch.float32)
    x = x + torch.tensor(float(shift), dtype=torch.float32)
    x = torch.where(torch.isnan(x), torch.zeros_like(x), x)
    return _round_sat(x, torch.uint8), _rng(scale), _rng(shift)


@_qop("dequantize", ["data", "min_range", "max_range"],
      {"out_type": (Enum("float32"), "float32")},
      torch_eq="q.float() * (max(|min|, |max|) / 127.5)",
      notes="scale uses 127.5 (int8) / 255.5 (uint8), as the CPU build",
      outputs=1)
def _dequantize(op: str, ts: list, out_type: str) -> torch.Tensor:
    """Dequantize int8/uint8 data to float32 (MXNet 1.9.1 CPU)."""
    _n(op, ts, 3, "data, min_range, max_range")
    data, tmin, tmax = ts
    _need(op, "data", data, _I8U8)
    lo, hi = _scalar(op, "min_range", tmin), _scalar(op, "max_range", tmax)
    _check_data(op, data)
    qr = _K_INT8 if data.dtype == torch.int8 else _K_UINT8
    scale = _div(_maxabs(lo, hi), qr)
    return data.to(torch.float32) * torch.tensor(float(scale), dtype=torch.float32)


@_qop("requantize", ["data", "min_range", "max_range"],
      {"out_type": (_OT_AUTO, "int8"), "min_calib_range": (OptFloat, None),
       "max_calib_range": (OptFloat, None)},
      torch_eq="torch.round(q.float() * scale).clamp(...)",
      outputs=3)
def _requantize(op: str, ts: list, out_type: str, min_calib_range: Optional[float],
                max_calib_range: Optional[float]) -> tuple:
    """Requantize int32 data to int8/uint8 (MXNet 1.9.1 CPU)."""
    _n(op, ts, 3, "data, min_range, max_range")
    data, tmin, tmax = ts
    _need(op, "data", data, (torch.int32,))
    lo, hi = _scalar(op, "min_range", tmin), _scalar(op, "max_range", tmax)
    _check_data(op, data)
    if _calib(min_calib_range, max_calib_range):
        real = _maxabs(min_calib_range, max_calib_range)
    else:
        d = data.to(torch.int64)
        dmax = max(abs(float(_F32(d.min().item()))), abs(float(_F32(d.max().item()))))
        drange = _F32(min(int(dmax), 2147483647))  # C float -> int32 then back to float
        real = _div(_mul(drange, _maxabs(lo, hi)), _I32_RANGE)
    first = _div(_maxabs(lo, hi), _I32_RANGE)
    dt = _out_type(out_type, min_calib_range, max_calib_range)
    if dt == torch.int8:
        second = _div(127.0, real)
        omin, omax = -real, real
    else:
        second = _div(255.0, real)
        omin, omax = _F32(0.0), real
    q = _scale_store(data, _mul(first, second), dt)
    return q, _rng(omin), _rng(omax)


# ---------------------------------------------------------------------------------------
# quantized layers
def _mult_range(lo_a: Any, hi_a: Any, lo_b: Any, hi_b: Any, a_level: float,
                b_level: float) -> Tuple[np.float32, np.float32]:
    """MXNet's QuantizationRangeForMultiplication (int32 output)."""
    fa = _div(_maxabs(lo_a, hi_a), a_level)
    fb = _div(_maxabs(lo_b, hi_b), b_level)
    m = _mul(_mul(fa, fb), _I32_RANGE)
    return -m, m


def _i32(x: torch.Tensor) -> torch.Tensor:
    return x.round().clamp(-2147483648, 2147483647).to(torch.int32)


@_qop("quantized_fully_connected",
      ["data", "weight", "bias", "min_data", "max_data", "min_weight", "max_weight",
       "min_bias", "max_bias"],
      {"num_hidden": (Int, _Null), "no_bias": (Bool, False), "flatten": (Bool, True)},
      torch_eq="x.double() @ w.double().T + trunc(bias * rescale) -> int32",
      optional=_BIAS)
def _qfc(op: str, ts: list, num_hidden: int, no_bias: bool, flatten: bool) -> tuple:
    """int8/uint8 x int8 fully connected layer accumulating in int32 (MXNet 1.9.1 CPU)."""
    k = 6 if no_bias else 9
    _n(op, ts, k, "data, weight, " + ("" if no_bias else "bias, ") + "and their min/max")
    data, weight = ts[0], ts[1]
    bias = None if no_bias else ts[2]
    rs = ts[2 if no_bias else 3:]
    names = ["min_data", "max_data", "min_weight", "max_weight", "min_bias", "max_bias"]
    r = [_scalar(op, names[i], t) for i, t in enumerate(rs)]
    _need(op, "data", data, _I8U8)
    _need(op, "weight", weight, (torch.int8,))
    if bias is not None:
        _need(op, "bias", bias, (torch.int8,))
    _check_data(op, data)
    x = data.to(torch.float64)
    x = x.reshape(x.shape[0], -1) if flatten else x
    in_f = x.shape[-1]
    if tuple(weight.shape) != (num_hidden, in_f):
        raise MXNetValueError(f"{op}: weight has shape {tuple(weight.shape)}, expected "
                              f"{(num_hidden, in_f)} (num_hidden, input features)")
    y = x @ weight.to(torch.float64).T
    dscale = _div(_K_INT8 if data.dtype == torch.int8 else _K_UINT8, _maxabs(r[0], r[1]))
    wscale = _div(_K_INT8, _maxabs(r[2], r[3]))
    if bias is not None:
        if tuple(bias.shape) != (num_hidden,):
            raise MXNetValueError(f"{op}: bias has shape {tuple(bias.shape)}, expected "
                                  f"{(num_hidden,)}")
        rescale = _div(_mul(_mul(dscale, wscale), _maxabs(r[4], r[5])), _K_INT8)
        qb = (bias.to(torch.float32) * torch.tensor(float(rescale), dtype=torch.float32))
        y = y + qb.to(torch.float64).trunc()
    if data.dtype == torch.int8:
        lo, hi = _mult_range(r[0], r[1], r[2], r[3], 127.0, 127.0)
    else:  # MXNet's S8U8 range: data counted as int8, weight as uint8 (255 levels)
        lo, hi = _mult_range(r[0], r[1], r[2], r[3], 127.0, 255.0)
    return _i32(y), _rng(lo), _rng(hi)


@_qop("quantized_conv",
      ["data", "weight", "bias", "min_data", "max_data", "min_weight", "max_weight",
       "min_bias", "max_bias"],
      {"kernel": (Shape, _Null), "stride": (Shape, ()), "dilate": (Shape, ()),
       "pad": (Shape, ()), "num_filter": (Int, _Null), "num_group": (Int, 1),
       "workspace": (Int, 1024), "no_bias": (Bool, False),
       "cudnn_tune": (Enum("None", "fastest", "limited_workspace", "off"), None),
       "cudnn_off": (Bool, False),
       "layout": (Enum("None", "NCDHW", "NCHW", "NCW", "NDHWC", "NHWC"), None)},
      torch_eq="torch.nn.functional.conv2d/conv3d in float64 (exact) -> int32",
      optional=_BIAS, types={"num_filter": "int (non-negative)"})
def _qconv(op: str, ts: list, kernel: tuple, stride: tuple, dilate: tuple, pad: tuple,
           num_filter: int, num_group: int, workspace: int, no_bias: bool,
           cudnn_tune: Any, cudnn_off: bool, layout: Any) -> tuple:
    """uint8 x int8 convolution accumulating in int32 (MXNet 1.9.1 CPU)."""
    k = 6 if no_bias else 9
    _n(op, ts, k, "data, weight, " + ("" if no_bias else "bias, ") + "and their min/max")
    data, weight = ts[0], ts[1]
    bias = None if no_bias else ts[2]
    rs = ts[2 if no_bias else 3:]
    names = ["min_data", "max_data", "min_weight", "max_weight", "min_bias", "max_bias"]
    r = [_scalar(op, names[i], t) for i, t in enumerate(rs)]
    if num_group != 1:
        raise MXNetValueError(f"{op}: quantized_conv only supports num_group=1 for now "
                              f"(num_group={num_group})")
    if layout not in (None, "None", "NCHW", "NCDHW"):
        raise MXNetValueError(f"{op}: mkldnn quantized_conv now supports NCHW or NCDHW for "
                              f"now (layout={layout})")
    nd = len(kernel)
    if nd not in (2, 3):
        raise MXNetValueError(f"{op}: mkldnn quantized_conv only supports 2d or 3d kernel "
                              f"for now (kernel={kernel})")
    if data.dim() not in (4, 5) or data.dim() != nd + 2:
        raise MXNetValueError(f"{op}: data must be {nd + 2}-D for a {nd}-D kernel "
                              f"(got shape {tuple(data.shape)})")
    _need(op, "weight", weight, (torch.int8,))
    if bias is not None:
        _need(op, "bias", bias, (torch.int8,))
    _need(op, "data", data, (torch.uint8,))
    stride = stride or (1,) * nd
    dilate = dilate or (1,) * nd
    pad = pad or (0,) * nd
    for pn, pv in (("stride", stride), ("dilate", dilate), ("pad", pad)):
        if len(pv) != nd:
            raise MXNetValueError(f"{op}: {pn} {pv} must have {nd} dimensions like kernel")
    wshape = (num_filter, data.shape[1]) + tuple(kernel)
    if tuple(weight.shape) != wshape:
        raise MXNetValueError(f"{op}: weight has shape {tuple(weight.shape)}, expected "
                              f"{wshape}")
    if bias is not None and tuple(bias.shape) != (num_filter,):
        raise MXNetValueError(f"{op}: bias has shape {tuple(bias.shape)}, expected "
                              f"{(num_filter,)}")
    conv = F.conv2d if nd == 2 else F.conv3d
    y = conv(data.to(torch.float64), weight.to(torch.float64),
             None if bias is None else bias.to(torch.float64), stride=stride, padding=pad,
             dilation=dilate)
    lo, hi = _mult_range(r[0], r[1], r[2], r[3], 127.0, 127.0)
    return _i32(y), _rng(lo), _rng(hi)


@_qop("quantized_act", ["data", "min_data", "max_data"],
      {"act_type": (Enum("relu", "sigmoid", "softrelu", "softsign", "tanh"), _Null)},
      torch_eq="torch.relu (int8 output)")
def _qact(op: str, ts: list, act_type: str) -> tuple:
    """int8 ReLU; the output is always int8 (uint8 data are reinterpreted) (MXNet 1.9.1)."""
    _n(op, ts, 3, "data, min_data, max_data")
    data, tmin, tmax = ts
    if act_type != "relu":
        raise MXNetValueError(f"{op}: _contrib_quantized_act only supports act_type=relu for "
                              f"now (act_type={act_type!r})")
    lo, hi = _scalar(op, "min_data", tmin), _scalar(op, "max_data", tmax)
    _need(op, "data", data, _I8U8)
    _check_data(op, data)
    y = data.clamp(min=0).contiguous().view(torch.int8).clone()
    return y, _rng(lo), _rng(hi)


@_qop("quantized_flatten", ["data", "min_data", "max_data"], {},
      torch_eq="x.reshape(x.shape[0], -1)")
def _qflatten(op: str, ts: list) -> tuple:
    """Flatten to 2-D, passing the range through (any dtype, as MXNet 1.9.1)."""
    _n(op, ts, 3, "data, min_data, max_data")
    data, tmin, tmax = ts
    lo, hi = _scalar(op, "min_data", tmin), _scalar(op, "max_data", tmax)
    _check_data(op, data)
    return data.reshape(data.shape[0], -1).clone(), _rng(lo), _rng(hi)


@_qop("quantized_pooling", ["data", "min_data", "max_data"],
      {"kernel": (Shape, ()), "pool_type": (Enum("avg", "lp", "max", "sum"), "max"),
       "global_pool": (Bool, False), "cudnn_off": (Bool, False),
       "pooling_convention": (Enum("full", "same", "valid"), "valid"),
       "stride": (Shape, ()), "pad": (Shape, ()), "p_value": (OptInt, None),
       "count_include_pad": (Bool, None),
       "layout": (Enum("None", "NCDHW", "NCHW", "NCW", "NDHWC", "NHWC", "NWC"), None)},
      torch_eq="torch.nn.functional.max_pool2d / avg_pool2d (+ round half even)")
def _qpool(op: str, ts: list, kernel: tuple, pool_type: str, global_pool: bool,
           cudnn_off: bool, pooling_convention: str, stride: tuple, pad: tuple,
           p_value: Any, count_include_pad: Optional[bool], layout: Any) -> tuple:
    """int8/uint8 max/avg pooling (MXNet 1.9.1 CPU)."""
    _n(op, ts, 3, "data, min_data, max_data")
    data, tmin, tmax = ts
    lo, hi = _scalar(op, "min_data", tmin), _scalar(op, "max_data", tmax)
    if pool_type not in ("max", "avg"):
        raise MXNetValueError(f"{op}: QuantizedPoolingOp only supports pool_type=max/avg for "
                              f"now (pool_type={pool_type!r})")
    if layout not in (None, "None", "NCHW", "NCDHW"):
        raise MXNetValueError(f"{op}: MKL-DNN QuantizedPoolingOp only supports NCHW/NCDHW "
                              f"layout for now (layout={layout})")
    if data.dim() not in (4, 5):
        raise MXNetValueError(f"{op}: quantized_pooling only supports 4-D or 5-D data "
                              f"(got shape {tuple(data.shape)})")
    nd = data.dim() - 2
    if len(kernel) != nd:
        raise MXNetValueError(f"{op}: kernel {kernel} must have {nd} dimensions for "
                              f"{data.dim()}-D data (MXNet requires it even with "
                              "global_pool=True)")
    _need(op, "data", data, _I8U8)
    spatial = tuple(data.shape[2:])
    if global_pool:
        kernel, stride, pad = spatial, (1,) * nd, (0,) * nd
        ceil = False
    else:
        stride = stride or (1,) * nd
        pad = pad or (0,) * nd
        if len(stride) != nd or len(pad) != nd:
            raise MXNetValueError(f"{op}: stride {stride} and pad {pad} must have {nd} "
                                  "dimensions like kernel")
        for kk, s, p in zip(kernel, spatial, pad):
            if kk > s + 2 * p:
                raise MXNetValueError(f"{op}: kernel size ({kk}) exceeds input ({s} padded "
                                      f"to {s + 2 * p})")
        ceil = pooling_convention != "valid"
    x = data.to(torch.float64)
    if pool_type == "max":
        mp = F.max_pool2d if nd == 2 else F.max_pool3d
        y = mp(x, kernel, stride, pad, ceil_mode=ceil)
        return y.to(data.dtype), _rng(lo), _rng(hi)
    ap = F.avg_pool2d if nd == 2 else F.avg_pool3d
    cip = True if count_include_pad is None else count_include_pad
    y = ap(x, kernel, stride, pad, ceil_mode=ceil, count_include_pad=cip)
    return _round_sat(y, data.dtype), _rng(lo), _rng(hi)


@_qop("quantized_concat", [], {"num_args": (Int, _Null), "dim": (Int, 1)}, variadic=True,
      torch_eq="torch.cat after rescaling each input to the joint range",
      input_names=lambda p: tuple(f"arg{i}" for i in range(p["num_args"])) + tuple(
          f"arg{i}_{m}" for i in range(p["num_args"]) for m in ("min", "max")))
def _qconcat(op: str, ts: list, num_args: int, dim: int) -> tuple:
    """Concatenate int8/uint8 arrays, rescaled to the widest range (MXNet 1.9.1 CPU)."""
    if num_args < 1 or len(ts) != 3 * num_args:
        raise MXNetValueError(f"{op}: expects {3 * num_args} inputs (num_args={num_args} "
                              f"arrays, then a min and a max per array), got {len(ts)}")
    data = ts[:num_args]
    rngs = [(_scalar(op, f"min of input {i}", ts[num_args + 2 * i]),
             _scalar(op, f"max of input {i}", ts[num_args + 2 * i + 1]))
            for i in range(num_args)]
    for i, d in enumerate(data):
        _need(op, f"input {i}", d, _I8U8)
    nd = data[0].dim()
    if dim < 0:
        raise MXNetValueError(f"{op}: dim={dim}: negative dim is not supported (MXNet "
                              "1.9.1's CPU build crashes on it)")
    if dim >= nd:
        raise MXNetValueError(f"{op}: dim={dim} is out of range for {nd}-D inputs")
    for i, d in enumerate(data):
        if d.dim() != nd or any(a != b for j, (a, b) in enumerate(zip(d.shape, data[0].shape))
                                if j != dim):
            raise MXNetValueError(f"{op}: input {i} has shape {tuple(d.shape)}, incompatible "
                                  f"with {tuple(data[0].shape)} along dim {dim}")
    omin = _F32(min([_F32(0.0)] + [lo for lo, _ in rngs]))
    omax = _F32(max([_F32(0.0)] + [hi for _, hi in rngs]))
    odt = torch.int8 if any(d.dtype == torch.int8 for d in data) else torch.uint8

    def scale_of(dt: torch.dtype, lo: Any, hi: Any) -> np.float32:
        return _div(_K_INT8 if dt == torch.int8 else _K_UINT8, _maxabs(lo, hi))
    oscale = scale_of(odt, omin, omax)
    parts = []
    for d, (lo, hi) in zip(data, rngs):
        s = scale_of(d.dtype, lo, hi)
        if s == oscale and d.dtype == odt:
            parts.append(d)
        else:
            parts.append(_scale_store(d, _div(oscale, s), odt))
    return torch.cat(parts, dim), _rng(omin), _rng(omax)


@_qop("quantized_elemwise_add", ["lhs", "rhs", "lhs_min", "lhs_max", "rhs_min", "rhs_max"],
      {"min_calib_range": (OptFloat, None), "max_calib_range": (OptFloat, None)},
      torch_eq="round(a * sa + b * sb) in float32")
def _qadd(op: str, ts: list, min_calib_range: Optional[float],
          max_calib_range: Optional[float]) -> tuple:
    """Add two int8/uint8 arrays: int32 output, or int8/uint8 with a calibrated range."""
    _n(op, ts, 6, "lhs, rhs, lhs_min, lhs_max, rhs_min, rhs_max")
    a, b = ts[0], ts[1]
    amin, amax, bmin, bmax = (_scalar(op, n, t) for n, t in
                              zip(("lhs_min", "lhs_max", "rhs_min", "rhs_max"), ts[2:]))
    _need(op, "lhs", a, _I8U8)
    _need(op, "rhs", b, _I8U8)
    if tuple(a.shape) != tuple(b.shape):
        raise MXNetValueError(f"{op}: lhs and rhs must have the same shape, got "
                              f"{tuple(a.shape)} and {tuple(b.shape)}")
    _check_data(op, a)
    calib = _calib(min_calib_range, max_calib_range)
    if calib:
        odt = a.dtype if a.dtype == b.dtype else torch.int8
    else:
        odt = torch.int32
    orange = {torch.int8: _K_INT8, torch.uint8: _K_UINT8, torch.int32: _I32_RANGE}[odt]
    aabs, babs = _maxabs(amin, amax), _maxabs(bmin, bmax)
    arange_ = _K_INT8 if a.dtype == torch.int8 else _K_UINT8
    ascale = _div(arange_, aabs)
    bscale = _div(_K_INT8 if b.dtype == torch.int8 else _K_UINT8, babs)
    if calib:
        omin, omax = _F32(min_calib_range), _F32(max_calib_range)
        oscale = _div(orange, _maxabs(omin, omax))
    else:
        omax = _F32(aabs + babs)
        omin = -omax
    tot = _F32(aabs + babs)
    sa = sb = _F32(1.0)
    if a.dtype != b.dtype:
        # the uint8 input is first reordered into int8 (saturating), then summed at scale 1
        if calib:
            if a.dtype == torch.int8:
                u8 = _div(oscale, bscale)
                sa = _div(oscale, ascale)
            else:
                u8 = _div(oscale, ascale)
                sb = _div(oscale, bscale)
        else:
            if a.dtype == torch.int8:
                u8 = _div(_mul(babs, orange), _mul(tot, _K_UINT8))
                sa = _div(_mul(aabs, orange), _mul(tot, arange_))
            else:
                u8 = _div(_mul(aabs, orange), _mul(tot, arange_))
                sb = _div(_mul(babs, orange), _mul(tot, _K_INT8))
        if a.dtype == torch.uint8:
            a = _scale_store(a, u8, torch.int8)
        else:
            b = _scale_store(b, u8, torch.int8)
    elif calib:
        sa, sb = _div(oscale, ascale), _div(oscale, bscale)
    else:
        sa = _div(_mul(aabs, orange), _mul(tot, arange_))
        sb = _div(_mul(babs, orange), _mul(tot, arange_))
    f = torch.float32
    acc = a.to(f) * torch.tensor(float(sa), dtype=f)
    acc = acc + b.to(f) * torch.tensor(float(sb), dtype=f)
    return _round_sat(acc, odt), _rng(omin), _rng(omax)


@_qop("quantized_embedding", ["data", "weight", "min_weight", "max_weight"],
      {"input_dim": (Int, _Null), "output_dim": (Int, _Null),
       "dtype": (Enum("bfloat16", "float16", "float32", "float64", "int32", "int64", "int8",
                      "uint8"), "float32"),
       "sparse_grad": (Bool, False)},
      torch_eq="weight[idx.trunc().clamp(0, input_dim - 1)]")
def _qembedding(op: str, ts: list, input_dim: int, output_dim: int, dtype: str,
                sparse_grad: bool) -> tuple:
    """Look up int8 embedding rows; indices truncated and clipped (MXNet 1.9.1)."""
    _n(op, ts, 4, "data, weight, min_weight, max_weight")
    data, weight, tmin, tmax = ts
    lo, hi = _scalar(op, "min_weight", tmin), _scalar(op, "max_weight", tmax)
    _need(op, "weight", weight, (torch.int8,))
    if data.dtype == torch.bool:
        raise MXNetTypeError(f"{op}: data must be a numeric array, got bool")
    if tuple(weight.shape) != (input_dim, output_dim):
        raise MXNetValueError(f"{op}: weight has shape {tuple(weight.shape)}, expected "
                              f"{(input_dim, output_dim)} (input_dim, output_dim)")
    if data.numel() == 0:
        raise MXNetValueError(f"{op}: data must not be empty")
    if data.is_floating_point():
        idx = data.to(torch.float64).nan_to_num(0.0).trunc().clamp(-1, input_dim)
    else:
        idx = data.to(torch.int64)
    idx = idx.to(torch.int64).clamp(0, input_dim - 1)
    return weight[idx], _rng(lo), _rng(hi)


@_qop("quantized_batch_norm",
      ["data", "gamma", "beta", "moving_mean", "moving_var", "min_data", "max_data"],
      {"eps": (OptFloat, 0.0010000000474974513), "momentum": (OptFloat, 0.9),
       "fix_gamma": (Bool, True), "use_global_stats": (Bool, False),
       "output_mean_var": (Bool, False), "axis": (Int, 1), "cudnn_off": (Bool, False),
       "min_calib_range": (OptFloat, None), "max_calib_range": (OptFloat, None)},
      torch_eq="round(x * gamma/sqrt(var+eps) + shift) with calibrated output range",
      aux=("moving_mean", "moving_var"))
def _qbn(op: str, ts: list, eps: float, momentum: float, fix_gamma: bool,
         use_global_stats: bool, output_mean_var: bool, axis: int, cudnn_off: bool,
         min_calib_range: Optional[float], max_calib_range: Optional[float]) -> tuple:
    """int8 batch norm with the moving statistics and a calibrated output range."""
    _n(op, ts, 7, "data, gamma, beta, moving_mean, moving_var, min_data, max_data")
    data = ts[0]
    lo, hi = _scalar(op, "min_data", ts[5]), _scalar(op, "max_data", ts[6])
    _need(op, "data", data, _I8U8)
    _check_data(op, data)
    ax = axis + data.dim() if axis < 0 else axis
    if not 0 <= ax < data.dim():
        raise MXNetValueError(f"{op}: axis {axis} is out of range for {data.dim()}-D data")
    c = data.shape[ax]
    stats = []
    for n, t in zip(("gamma", "beta", "moving_mean", "moving_var"), ts[1:5]):
        _need(op, n, t, (torch.float32,))
        if tuple(t.shape) != (c,):
            raise MXNetValueError(f"{op}: {n} has shape {tuple(t.shape)}, expected {(c,)}")
        stats.append(t.detach().cpu().numpy().astype(np.float32))
    if not _calib(min_calib_range, max_calib_range):
        raise MXNetValueError(f"{op}: min_calib_range or max_calib_range is not available. "
                              "Quantized BN currently don't support calib_mode=None")
    omin, omax = _F32(min_calib_range), _F32(max_calib_range)
    gamma, beta, mean, var = stats
    max_in = _maxabs(lo, hi)
    max_out = _maxabs(omin, omax)
    eps_f = float(eps)
    with np.errstate(all="ignore"):
        invstd = (1.0 / np.sqrt(var.astype(np.float64) + eps_f)).astype(np.float32)
        w = ((gamma * invstd) * max_in / max_out).astype(np.float32)
        b = ((beta - mean * gamma * invstd) * _K_INT8 / max_out).astype(np.float32)
        # oneDNN normalises with mean 0, var 1 and the same eps
        inv1 = _F32(1.0 / math.sqrt(_F32(1.0) + _F32(eps_f)))
    x = data
    if data.dtype == torch.uint8:
        x = _scale_store(data, _div(_K_INT8, _K_UINT8), torch.int8)
    shape = [1] * data.dim()
    shape[ax] = c
    wt = torch.from_numpy(w).reshape(shape).to(data.device)
    bt = torch.from_numpy(b).reshape(shape).to(data.device)
    y = x.to(torch.float32) * torch.tensor(float(inv1), dtype=torch.float32) * wt + bt
    return _round_sat(y, torch.int8), _rng(omin), _rng(omax)


@_qop("quantized_elemwise_mul", ["lhs", "rhs", "lhs_min", "lhs_max", "rhs_min", "rhs_max"],
      {"min_calib_range": (OptFloat, None), "max_calib_range": (OptFloat, None),
       "enable_float_output": (Bool, False)},
      torch_eq="a.int() * b.int() (int32), or scaled to int8 / float32",
      notes="extension: MXNet 1.9.1 cannot run it from mx.nd (shape-inference bug); "
            "mxcompat computes its CPU kernel's maths",
      outputs=lambda p: ("output",) if p["enable_float_output"] else (
          "output", "min_output", "max_output"))
def _qmul(op: str, ts: list, min_calib_range: Optional[float],
          max_calib_range: Optional[float], enable_float_output: bool) -> Any:
    """Multiply two int8 arrays element-wise (MXNet's CPU kernel maths; MXNet 1.9.1 itself
    fails on every mx.nd call of this op)."""
    _n(op, ts, 6, "lhs, rhs, lhs_min, lhs_max, rhs_min, rhs_max")
    a, b = ts[0], ts[1]
    amin, amax, bmin, bmax = (_scalar(op, n, t) for n, t in
                              zip(("lhs_min", "lhs_max", "rhs_min", "rhs_max"), ts[2:]))
    _need(op, "lhs", a, (torch.int8,))
    _need(op, "rhs", b, (torch.int8,))
    if tuple(a.shape) != tuple(b.shape):
        raise MXNetValueError(f"{op}: lhs and rhs must have the same shape (no broadcasting), "
                              f"got {tuple(a.shape)} and {tuple(b.shape)}")
    _check_data(op, a)
    prod = a.to(torch.int32) * b.to(torch.int32)
    lscale = _div(_K_INT8, _maxabs(amin, amax))
    rscale = _div(_K_INT8, _maxabs(bmin, bmax))
    if enable_float_output:
        scale = _F32(1.0 / float(lscale) / float(rscale))
        return prod.to(torch.float32) * torch.tensor(float(scale), dtype=torch.float32)
    if _calib(min_calib_range, max_calib_range):
        omin, omax = _F32(min_calib_range), _F32(max_calib_range)
        scale = _div(_div(_div(_K_INT8, _maxabs(omin, omax)), lscale), rscale)
        y = (prod.to(torch.float32) * torch.tensor(float(scale), dtype=torch.float32)).trunc()
        # C static_cast<int8_t>(float): truncation, then the low byte
        y = y.nan_to_num(0.0).clamp(-2 ** 31, 2 ** 31 - 1).to(torch.int64)
        return ((y + 128) % 256 - 128).to(torch.int8), _rng(omin), _rng(omax)
    lo, hi = _mult_range(amin, amax, bmin, bmax, 127.0, 127.0)
    return prod, _rng(lo), _rng(hi)


def _smooth(p: np.ndarray, eps: float = 0.0001) -> Optional[np.ndarray]:
    """MXNet's SmoothDistribution: zeros get eps, the rest give the same amount back."""
    zero = p == 0
    nz, nnz = int(zero.sum()), int((~zero).sum())
    if not nnz:
        return None
    eps1 = _F32(_F32(eps) * _F32(nz) / _F32(nnz))
    if eps1 >= 1.0:
        return None
    return (p + np.where(zero, _F32(eps), -eps1).astype(np.float32)).astype(np.float32)


@_qop("calibrate_entropy", ["hist", "hist_edges"],
      {"num_quantized_bins": (Int, 255)},
      torch_eq="(NumPy) KL-divergence threshold search over the histogram",
      notes="MXNet's CPU kernel; even-length histograms read past hist_edges in MXNet",
      outputs=("threshold", "divergence"))
def _calibrate_entropy(op: str, ts: list, num_quantized_bins: int) -> tuple:
    """The threshold minimising the KL divergence between a histogram and its quantized
    version, and that divergence (MXNet 1.9.1's calibrate_entropy)."""
    _n(op, ts, 2, "hist, hist_edges")
    hist_t, edges_t = ts
    _need(op, "hist", hist_t, (torch.float32,))
    _need(op, "hist_edges", edges_t, (torch.float32,))
    hist = hist_t.detach().cpu().reshape(-1).numpy().astype(np.float32)
    edges = edges_t.detach().cpu().reshape(-1).numpy().astype(np.float32)
    nb = hist.size
    if nb + 1 != edges.size:
        raise MXNetValueError(f"{op}: hist_edges must have len(hist) + 1 = {nb + 1} elements, "
                              f"got {edges.size}")
    nq = num_quantized_bins
    if nq < 1 or nb // 2 + 1 - nq // 2 <= 0:
        raise MXNetValueError(f"{op}: num_quantized_bins={nq} is too large for a histogram of "
                              f"{nb} bins (needs num_quantized_bins // 2 <= len(hist) // 2)")
    zero = nb // 2
    half = nq // 2
    thresholds: List[Optional[np.float32]] = []
    divergence: List[np.float32] = []
    counts = np.trunc(np.maximum(hist, 0)).astype(np.int64)  # C size_t(float)
    for i in range(half, zero + 1):
        start, stop = zero - i, zero + i + 1
        thresholds.append(edges[stop] if stop < edges.size else None)
        n = stop - start
        p = np.zeros(n, np.float32)
        sliced = np.zeros(n, np.int64)
        # as MXNet's loop: bins <= start add up in p[0]; the bins in (start, stop) are copied
        # (the last one into p[-1]), then the bins >= stop are added to p[-1]
        p[0] = np.float32(hist[:start + 1].sum(dtype=np.float32))
        mid = hist[start + 1:stop]  # shorter than n - 1 when stop > len(hist)
        p[1:1 + mid.size] = mid
        sliced[1:1 + mid.size] = counts[start + 1:stop]
        p[-1] = np.float32(p[-1] + hist[stop:].sum(dtype=np.float32))
        # merge into nq bins of n // nq (the last one takes the rest), then spread each
        # merged count evenly over its non-empty source bins
        m = n // nq
        seg = np.minimum(np.arange(n) // m, nq - 1) if m else np.full(n, nq - 1)
        qb = np.bincount(seg, weights=sliced, minlength=nq).astype(np.float32)
        norm = np.bincount(seg, weights=(sliced != 0), minlength=nq)
        with np.errstate(all="ignore"):
            spread = (qb[seg] / norm[seg]).astype(np.float32)
        q = np.where((p != 0) & (norm[seg] > 0), spread, np.float32(0)).astype(np.float32)
        ps, qs = _smooth(p), _smooth(q)
        if qs is None:
            divergence.append(_F32(np.inf))
            continue
        if ps is None or ps.size != qs.size:
            raise MXNetValueError(f"{op}: Check failed: p.size() == q.size() (the histogram "
                                  "is all zeros in the searched window)")
        ps = ps / _F32(ps.sum(dtype=np.float32))
        qs = qs / _F32(qs.sum(dtype=np.float32))
        if not (np.all(ps > 0) and np.all(qs > 0)):
            raise MXNetValueError(f"{op}: Check failed: p[i] > 0 && q[i] > 0 (negative or "
                                  "too small histogram counts)")
        divergence.append(_F32((ps * np.log(ps / qs)).sum(dtype=np.float32)))
    best, best_div = 0, _F32(np.finfo(np.float32).max)
    for k, d in enumerate(divergence):
        if d < best_div:
            best, best_div = k, d
    thr = thresholds[best]
    if thr is None:
        raise MXNetValueError(f"{op}: the best threshold lies past hist_edges (an even-length "
                              "histogram: MXNet 1.9.1 reads out of bounds here and returns "
                              "garbage); use an odd number of bins")
    return _rng(thr), _rng(best_div)


# ---------------------------------------------------------------------------------------
# not implemented
def _qstub(name: str, hint: str) -> None:
    _op.stub(name, "contrib", family="quantization", hint=hint)


_qstub("quantized_rnn",
       "the oneDNN int8 LSTM kernel is not implemented; MXNet 1.9.1's pip CPU build failed on "
       "every call we tried too ('could not create a primitive descriptor for a reorder "
       "primitive'). Use mx.nd.RNN on dequantized data")
