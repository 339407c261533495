"""Neural-network operators of ``mx.nd``: layers, activations, normalisation, softmax and the
loss heads, sequence ops (MXNet 1.9.1 names, parameters and defaults).

Everything is written with ``torch.nn.functional``; gradients flow through torch autograd
while ``mx.autograd`` records. The loss heads whose MXNet backward is not the mathematical
gradient of their forward (``SoftmaxOutput``, the ``*RegressionOutput`` heads, ``SVMOutput``,
``MakeLoss``) are ``torch.autograd.Function``s that ignore the incoming head gradient as
MXNet does. Train-mode behaviour (``Dropout``, ``BatchNorm``) follows ``mx.autograd``'s
training flag, and ``BatchNorm`` updates its moving statistics when backward runs.
"""
from __future__ import annotations

import math
from typing import Any, Optional, Sequence

import torch
import torch.nn.functional as F

from .. import _dtypes
from .._state import STATE
from ..base import MXNetTypeError, MXNetValueError, unsupported
from ._op import (Any_, Bool, Enum, Float, Int, OptDtype, OptFloat, OptInt, Shape, register,
                  unwrap)
from .ndarray import _cast

_FLOATS = (torch.float16, torch.float32, torch.float64, torch.bfloat16)


def _dname(t: torch.Tensor) -> str:
    return _dtypes.name(t.dtype)


def _need_float(op: str, *ts: torch.Tensor) -> None:
    for t in ts:
        if t.dtype not in _FLOATS:
            raise MXNetTypeError(f"{op}: This operation only support floating point types, "
                                 f"not {_dname(t)}")


def _cpu_only(op: str, t: torch.Tensor, ok: Sequence[torch.dtype], why: str) -> None:
    """MXNet 1.9.1's CPU kernels of some ops lack some float types (its GPU ones have them)."""
    if t.device.type == "cpu" and t.dtype not in ok:
        raise MXNetTypeError(f"{op}: {_dname(t)} is not supported on CPU ({why})")


def _no_bool(op: str, t: torch.Tensor) -> None:
    if t.dtype == torch.bool:
        raise MXNetTypeError(f"{op}: Unknown type enum 7 (bool is not supported)")


def _same_dtype(op: str, ts: Sequence[torch.Tensor], names: Sequence[str]) -> None:
    dt = ts[0].dtype
    for i, (t, n) in enumerate(zip(ts, names)):
        if t.dtype != dt:
            raise MXNetTypeError(f"{op}: Incompatible attr in node at {i}-th input '{n}': "
                                 f"expected {_dtypes.name(dt)}, got {_dname(t)}")


def _opt(x: Any, op: str, name: str) -> Optional[torch.Tensor]:
    """An optional array input (passed through the wrapper as a parameter)."""
    if x is None:
        return None
    return unwrap(x, op, name)


def _bias_arity(op: str, no_bias: bool, bias: Any) -> None:
    if no_bias and bias is not None:
        raise MXNetValueError(f"{op}: expects 2 inputs, but got 3 (no_bias=True: do not pass "
                              "'bias')")
    if not no_bias and bias is None:
        raise MXNetValueError(f"{op}: expects 3 inputs, but got 2 (pass 'bias' or set "
                              "no_bias=True)")


def _shape_check(op: str, what: str, t: torch.Tensor, expect: Sequence[int]) -> None:
    if tuple(t.shape) != tuple(expect):
        raise MXNetValueError(f"{op}: Shape inconsistent for '{what}', Provided = "
                              f"{list(t.shape)}, inferred shape={tuple(expect)}")


def _training() -> bool:
    return STATE.training


# ========================================================================================
# FullyConnected
@register("FullyConnected", params={"bias": Any_, "num_hidden": Int}, family="nn",
          torch="torch.nn.functional.linear",
          notes="weight (num_hidden, input_dim); flatten=True flattens to (N, -1) first")
def FullyConnected(data, weight, bias=None, num_hidden=None, no_bias=False, flatten=True):
    op = "FullyConnected"
    if num_hidden is None:
        raise MXNetValueError(f"{op}: Required parameter num_hidden of int is not presented")
    b = _opt(bias, op, "bias")
    _bias_arity(op, no_bias, b)
    if data.dtype not in _FLOATS:
        raise MXNetTypeError(f"{op}: Unsupported type {_dname(data)} (float types only)")
    _cpu_only(op, data, (torch.float32, torch.float64),
              "float16 fully connected layer is currently only supported by CuDNN version")
    _same_dtype(op, [data, weight] + ([b] if b is not None else []),
                ["data", "weight", "bias"])
    x = data.reshape(data.shape[0], -1) if flatten and data.dim() != 2 else data
    if x.dim() == 1:
        x = x.reshape(-1, 1) if flatten else x
    _shape_check(op, "weight", weight, (num_hidden, x.shape[-1]))
    if b is not None:
        _shape_check(op, "bias", b, (num_hidden,))
    return F.linear(x, weight, b)


# ========================================================================================
# Activations
# relu as x > 0 ? x : 0 (MXNet: relu(-0.0) is 0.0; torch.relu keeps -0.0)
_ACTS = {"relu": lambda x: F.threshold(x, 0, 0), "sigmoid": torch.sigmoid, "softrelu": F.softplus,
         "softsign": F.softsign, "tanh": torch.tanh}


@register("Activation", params={"act_type": Enum(*_ACTS)}, family="nn",
          torch="torch.relu / sigmoid / nn.functional.softplus / softsign / tanh",
          notes="act_type is required; softrelu = softplus")
def Activation(data, act_type):
    _need_float("Activation", data)
    return _ACTS[act_type](data)


_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_LAMBDA = 1.0507009873554804934193349852946


@register("LeakyReLU", params={"gamma": Any_,
                               "act_type": Enum("elu", "gelu", "leaky", "prelu", "rrelu",
                                                "selu")},
          family="nn", torch="torch.where / nn.functional.elu, selu, gelu, prelu, rrelu",
          notes="default slope 0.25 (torch 0.01); elu uses slope as alpha (0.25, torch 1.0); "
                "rrelu returns [out, mask]")
def LeakyReLU(data, gamma=None, act_type="leaky", slope=0.25, lower_bound=0.125,
              upper_bound=0.334):
    op = "LeakyReLU"
    _need_float(op, data)
    if act_type == "leaky":
        return torch.where(data > 0, data, data * slope)
    if act_type == "elu":
        return torch.where(data > 0, data, torch.expm1(data) * slope)
    if act_type == "selu":
        return F.selu(data)
    if act_type == "gelu":
        return F.gelu(data)
    if act_type == "prelu":
        g = _opt(gamma, op, "gamma")
        if g is None:
            raise MXNetValueError(f"{op}: act_type='prelu' needs the 'gamma' input")
        if g.numel() != 1 and data.dim() >= 2:
            if g.numel() != data.shape[1]:
                raise MXNetValueError(f"{op}: Shape inconsistent for 'gamma', Provided = "
                                      f"{list(g.shape)}, inferred shape=({data.shape[1]},)")
            g = g.reshape((1, -1) + (1,) * (data.dim() - 2))
        return torch.where(data > 0, data, data * g)
    # rrelu: a random slope per element in training, the mean slope otherwise
    if _training():
        gen = _gen(data.device)
        mask = torch.empty(data.shape, dtype=data.dtype, device=data.device)
        mask.uniform_(lower_bound, upper_bound, generator=gen)
        return [torch.where(data > 0, data, data * mask), mask]
    s = (lower_bound + upper_bound) / 2.0
    return [torch.where(data > 0, data, data * s), torch.zeros_like(data)]


def _gen(device: torch.device) -> torch.Generator:
    from ..random import generator
    return generator(device)


# ========================================================================================
# softmax family
def _sm_prep(op: str, data: torch.Tensor, axis: int, temperature: Optional[float],
             dtype: Optional[torch.dtype]) -> tuple:
    _need_float(op, data)
    nd = data.dim()
    if not -nd <= axis < max(nd, 1):
        raise MXNetValueError(f"{op}: axis {axis} is out of range for a {nd}-d input")
    x = data  # MXNet computes in the input dtype and casts the result to dtype=
    if temperature is not None and temperature != 1.0:
        x = x / temperature
    return x, (dtype or data.dtype)


def _length_mask(op: str, x: torch.Tensor, length: Any, axis: int) -> torch.Tensor:
    ln = _opt(length, op, "length")
    if ln is None:
        raise MXNetValueError(f"{op}: use_length=True needs the 'length' input")
    if ln.dtype.is_floating_point or ln.dtype == torch.bool:
        raise MXNetTypeError(f"{op}: This operation only support integer types, not "
                             f"{_dtypes.name(ln.dtype)} (the 'length' input)")
    ax = axis % x.dim()
    exp_shape = x.shape[:ax] + x.shape[ax + 1:]
    if tuple(ln.shape) != tuple(exp_shape):
        raise MXNetValueError(f"{op}: Shape inconsistent for 'length', Provided = "
                              f"{list(ln.shape)}, inferred shape={tuple(exp_shape)}")
    pos = torch.arange(x.shape[ax], device=x.device)
    pos = pos.reshape((-1,) + (1,) * (x.dim() - ax - 1))
    # MXNet reads lengths as int32: int64 ones wrap (2**32 + 1 is 1)
    return pos < ln.unsqueeze(ax).to(torch.int32).to(torch.int64)


@register("softmax", params={"length": Any_, "axis": Int, "temperature": OptFloat,
                             "dtype": OptDtype, "use_length": Bool},
          family="nn", torch="torch.softmax",
          notes="softmax(x / temperature); dtype= sets the output dtype; use_length masks "
                "positions >= length along axis (output 0 there)")
def softmax(data, length=None, axis=-1, temperature=None, dtype=None, use_length=False):
    x, odt = _sm_prep("softmax", data, axis, temperature, dtype)
    if use_length:
        m = _length_mask("softmax", x, length, axis)
        x = x.masked_fill(~m, float("-inf"))
        r = torch.softmax(x, axis)
        # a row of length 0 is all -inf: softmax gives NaN, MXNet gives 0
        r = torch.where(m, r, torch.zeros((), dtype=r.dtype, device=r.device))
    else:
        r = torch.softmax(x, axis)
    return r if r.dtype == odt else r.to(odt)


def _no_length(op: str, use_length: bool) -> None:
    if use_length:
        raise MXNetValueError(f"{op}: Check failed: in_attrs->size() == 2U: use_length=True "
                              "needs a 'length' input, which this op does not take")


@register("log_softmax", params={"axis": Int, "temperature": OptFloat, "dtype": OptDtype,
                                 "use_length": Bool},
          family="nn", torch="torch.log_softmax")
def log_softmax(data, axis=-1, temperature=None, dtype=None, use_length=False):
    _no_length("log_softmax", use_length)
    x, odt = _sm_prep("log_softmax", data, axis, temperature, dtype)
    r = torch.log_softmax(x, axis)
    return r if r.dtype == odt else r.to(odt)


@register("softmin", params={"axis": Int, "temperature": OptFloat, "dtype": OptDtype,
                             "use_length": Bool},
          family="nn", torch="torch.softmax(-x)")
def softmin(data, axis=-1, temperature=None, dtype=None, use_length=False):
    _no_length("softmin", use_length)
    x, odt = _sm_prep("softmin", data, axis, temperature, dtype)
    r = torch.softmax(-x, axis)
    return r if r.dtype == odt else r.to(odt)


@register("SoftmaxActivation", params={"mode": Enum("channel", "instance")}, family="nn",
          torch="torch.softmax", notes="instance: over the last axis (MXNet flattens to 2-D "
                                       "keeping the last dim); channel: axis 1")
def SoftmaxActivation(data, mode="instance"):
    op = "SoftmaxActivation"
    _need_float(op, data)
    _cpu_only(op, data, (torch.float32,), "MXNet 1.9.1's CPU kernel is float32 only")
    if mode == "channel":
        if data.dim() < 2:
            raise MXNetValueError("SoftmaxActivation: mode='channel' needs at least 2-D input")
        return torch.softmax(data, 1)
    if data.dim() > 2:
        return _SoftmaxInstanceFn.apply(data)
    return torch.softmax(data, -1)


class _SoftmaxInstanceFn(torch.autograd.Function):
    """softmax over the last axis whose backward reduces over axis 1, as MXNet 1.9.1's
    SoftmaxActivation(mode='instance') does for inputs of 3 or more dims (its backward is
    the channel-mode one: p * (g - sum(g * p, axis=1)))."""

    @staticmethod
    def forward(ctx, data):  # type: ignore[override]
        p = torch.softmax(data, -1)
        ctx.save_for_backward(p)
        return p

    @staticmethod
    def backward(ctx, g):  # type: ignore[override]
        (p,) = ctx.saved_tensors
        return p * (g - (g * p).sum(1, keepdim=True))


# ========================================================================================
# Dropout
@register("Dropout", params={"p": Float, "mode": Enum("always", "training"), "axes": Shape,
                             "cudnn_off": Any_},
          family="nn", torch="torch.bernoulli mask * 1/(1-p)",
          notes="active only in training mode (mx.autograd record()/train_mode()) or "
                "mode='always'; p=1 gives NaN like MXNet; masks come from mxcompat's "
                "generators (same seed, same mask; not MXNet's bit stream)")
def Dropout(data, p=0.5, mode="training", axes=(), cudnn_off=False):
    if not (mode == "always" or _training()) or p == 0:
        return data.clone() if not data.requires_grad else data * 1
    shape = list(data.shape)
    for a in axes:
        if not -len(shape) <= a < len(shape):
            raise MXNetValueError(f"Dropout: axis {a} in axes is out of range")
        shape[a] = 1
    keep = 1.0 - p
    mdt = data.dtype if data.dtype in _FLOATS else torch.float32
    mask = torch.empty(shape, dtype=mdt, device=data.device)
    mask.bernoulli_(keep, generator=_gen(data.device))
    # MXNet scales by 1/(1-p) unconditionally, so p=1 gives 0 * inf = NaN
    scale = (1.0 / keep) if keep > 0 else float("inf")
    return data * (mask * scale)


# ========================================================================================
# Convolution / Deconvolution
_LAYOUTS = {1: "NCW", 2: "NCHW", 3: "NCDHW"}
_LAYOUT_ENUM = Enum("None", "NCDHW", "NCHW", "NCW", "NDHWC", "NHWC", "NWC")


def _conv_common(op: str, data: torch.Tensor, kernel: tuple, stride: tuple, dilate: tuple,
                 pad: tuple, layout: Optional[str]) -> tuple:
    k = len(kernel)
    if k not in (1, 2, 3):
        raise MXNetValueError(f"{op}: kernel must have 1, 2 or 3 dims, got {kernel}")
    if layout not in (None, "None") and layout != _LAYOUTS[k]:
        raise unsupported(f"{op} with layout={layout!r}", "channel-first layouts NCW/NCHW/"
                          "NCDHW only; MXNet's CPU build fails on channel-last layouts too")
    if data.dim() != k + 2:
        raise MXNetValueError(f"{op}: Input data should be {k + 2}D in batch-num_filter-"
                              f"{'x' if k == 1 else 'y-x' if k == 2 else 'd-y-x'}, got "
                              f"shape {list(data.shape)}")

    return (_fill_dims(op, stride, 1, "stride", kernel),
            _fill_dims(op, dilate, 1, "dilate", kernel), _fill_dims(op, pad, 0, "pad", kernel))


def _fill_dims(op: str, v: tuple, d: int, name: str, kernel: tuple) -> tuple:
    """A per-dimension parameter: () means ``d`` in every kernel dimension."""
    if not v:
        return (d,) * len(kernel)
    if len(v) != len(kernel):
        raise MXNetValueError(f"{op}: {name} {v} must have as many dims as kernel {kernel}")
    return tuple(v)


_CONV_FN = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}
_DECONV_FN = {1: F.conv_transpose1d, 2: F.conv_transpose2d, 3: F.conv_transpose3d}


@register("Convolution", params={"bias": Any_, "kernel": Shape, "num_filter": Int,
                                 "stride": Shape, "dilate": Shape, "pad": Shape,
                                 "num_group": Int, "workspace": Int, "no_bias": Bool,
                                 "cudnn_tune": Any_, "cudnn_off": Bool, "layout": _LAYOUT_ENUM},
          family="nn", torch="torch.nn.functional.conv1d/conv2d/conv3d",
          notes="weight (num_filter, C/num_group, *kernel); layouts NCW/NCHW/NCDHW")
def Convolution(data, weight, bias=None, kernel=None, stride=(), dilate=(), pad=(),
                num_filter=None, num_group=1, workspace=1024, no_bias=False, cudnn_tune=None,
                cudnn_off=False, layout=None):
    op = "Convolution"
    if kernel is None:
        raise MXNetValueError(f"{op}: Required parameter kernel of Shape(tuple) is not "
                              "presented")
    if num_filter is None:
        raise MXNetValueError(f"{op}: Required parameter num_filter of int (non-negative) "
                              "is not presented")
    b = _opt(bias, op, "bias")
    _bias_arity(op, no_bias, b)
    s, d, p = _conv_common(op, data, kernel, stride, dilate, pad, layout)
    dt = data.dtype
    if dt not in _FLOATS:
        _need_float(op, data)
    if weight.dtype is not dt or (b is not None and b.dtype is not dt):
        _same_dtype(op, [data, weight] + ([b] if b is not None else []),
                    ["data", "weight", "bias"])
    shape = data.shape
    c = shape[1]
    if num_group < 1 or c % num_group or num_filter % num_group:
        raise MXNetValueError(f"{op}: input channels ({c}) and num_filter ({num_filter}) "
                              f"must be divisible by num_group ({num_group})")
    if weight.shape != (num_filter, c // num_group) + tuple(kernel):
        _shape_check(op, "weight", weight, (num_filter, c // num_group) + tuple(kernel))
    if b is not None:
        _shape_check(op, "bias", b, (num_filter,))
    for i, kk in enumerate(kernel):
        if shape[2 + i] + 2 * p[i] < d[i] * (kk - 1) + 1:
            raise MXNetValueError(f"{op}: kernel size exceeds input (dim {i}: input "
                                  f"{shape[2 + i]} + 2*pad {p[i]} < dilated kernel "
                                  f"{d[i] * (kk - 1) + 1})")
    return _CONV_FN[len(kernel)](data, weight, b, s, p, d, num_group)


@register("Deconvolution", params={"bias": Any_, "kernel": Shape, "num_filter": Int,
                                   "stride": Shape, "dilate": Shape, "pad": Shape,
                                   "adj": Shape, "target_shape": Shape, "num_group": Int,
                                   "workspace": Int, "no_bias": Bool, "cudnn_tune": Any_,
                                   "cudnn_off": Bool, "layout": _LAYOUT_ENUM},
          family="nn", torch="torch.nn.functional.conv_transpose1d/2d/3d",
          notes="weight (C_in, num_filter/num_group, *kernel); no_bias defaults to True; "
                "target_shape computes pad/adj as MXNet does")
def Deconvolution(data, weight, bias=None, kernel=None, stride=(), dilate=(), pad=(), adj=(),
                  target_shape=(), num_filter=None, num_group=1, workspace=512, no_bias=True,
                  cudnn_tune=None, cudnn_off=False, layout=None):
    op = "Deconvolution"
    if kernel is None:
        raise MXNetValueError(f"{op}: Required parameter kernel of Shape(tuple) is not "
                              "presented")
    if num_filter is None:
        raise MXNetValueError(f"{op}: Required parameter num_filter of int (non-negative) "
                              "is not presented")
    b = _opt(bias, op, "bias")
    _bias_arity(op, no_bias, b)
    s, d, p = _conv_common(op, data, kernel, stride, dilate, pad, layout)
    _need_float(op, data)
    _cpu_only(op, data, (torch.float32, torch.float64), "FP16 gemm on cpu not implemented")
    k = len(kernel)
    a = tuple(adj) if adj else (0,) * k
    if len(a) != k:
        raise MXNetValueError(f"{op}: adj {adj} must have as many dims as kernel {kernel}")
    if target_shape and any(target_shape):
        if len(target_shape) != k:
            raise MXNetValueError(f"{op}: target_shape {target_shape} must have as many dims "
                                  f"as kernel {kernel}")
        pp, aa = [], []
        for i in range(k):
            full = s[i] * (data.shape[2 + i] - 1) + d[i] * (kernel[i] - 1) + 1
            if full < target_shape[i]:
                raise MXNetValueError(f"{op}: too big target shape {target_shape}")
            tot = full - target_shape[i]
            aa.append(tot % 2)
            pp.append((tot + 1) // 2)
        p, a = tuple(pp), tuple(aa)
    c = data.shape[1]
    if num_group < 1 or c % num_group or num_filter % num_group:
        raise MXNetValueError(f"{op}: input channels ({c}) and num_filter ({num_filter}) "
                              f"must be divisible by num_group ({num_group})")
    _shape_check(op, "weight", weight, (c, num_filter // num_group) + tuple(kernel))
    if b is not None:
        _shape_check(op, "bias", b, (num_filter,))
    for i in range(k):
        if a[i] >= max(s[i], d[i]):
            raise MXNetValueError(f"{op}: adj {a} must be smaller than stride {s} or "
                                  f"dilate {d}")
    return _DECONV_FN[k](data, weight, b, s, p, a, num_group, d)


# ========================================================================================
# Pooling
@register("Pooling", params={"kernel": Shape, "pool_type": Enum("avg", "lp", "max", "sum"),
                             "global_pool": Bool, "cudnn_off": Bool,
                             "pooling_convention": Enum("full", "same", "valid"),
                             "stride": Shape, "pad": Shape, "p_value": OptInt,
                             "count_include_pad": Any_, "layout": _LAYOUT_ENUM},
          family="nn", torch="torch.nn.functional.max_pool*d / avg_pool*d on an explicitly "
                             "padded input",
          notes="stride defaults to 1 (torch: the kernel); 'full' = ceil; avg counts padding "
                "by default; 'same' is rejected as MXNet 1.9.1 does in practice")
def Pooling(data, kernel=(), pool_type="max", global_pool=False, cudnn_off=False,
            pooling_convention="valid", stride=(), pad=(), p_value=None,
            count_include_pad=None, layout=None):
    op = "Pooling"
    nd = data.dim() - 2
    if nd not in (1, 2, 3):
        raise MXNetValueError(f"{op}: input must be 3-D, 4-D or 5-D, got shape "
                              f"{list(data.shape)}")
    if layout not in (None, "None") and layout != _LAYOUTS[nd]:
        raise unsupported(f"{op} with layout={layout!r}", "channel-first layouts only")
    cip = True if count_include_pad in (None, "None") else Bool(count_include_pad, op,
                                                                 "count_include_pad")
    if global_pool:
        kernel, stride, pad = tuple(data.shape[2:]), (1,) * nd, (0,) * nd
    else:
        if len(kernel) == 0:
            raise MXNetValueError(f"{op}: Check failed: param.kernel.ndim() == {nd}U (0 vs. "
                                  f"{nd}) : 0D pooling not supported (kernel is required "
                                  "unless global_pool=True)")
        if len(kernel) != nd:
            raise MXNetValueError(f"{op}: kernel {kernel} must have {nd} dims for a "
                                  f"{data.dim()}-D input")
        stride = tuple(stride) if stride else (1,) * nd
        pad = tuple(pad) if pad else (0,) * nd
        if len(stride) != nd or len(pad) != nd:
            raise MXNetValueError(f"{op}: stride {stride} and pad {pad} must have {nd} dims")
    if pooling_convention == "same":
        raise MXNetValueError(f"{op}: pooling_convention='same' is not usable in MXNet "
                              "1.9.1 (its shape inference fails for every input)")
    if pool_type == "lp" and p_value not in (1, 2, 3):
        raise MXNetValueError(f"{op}: lp pooling needs p_value 1, 2 or 3, got {p_value}")
    outs, extra = [], []
    for i in range(nd):
        n, k, s_, p_ = data.shape[2 + i], kernel[i], stride[i], pad[i]
        span = n + 2 * p_ - k
        if span < 0:
            raise MXNetValueError(f"{op}: kernel size ({k}) exceeds input ({n} padded to "
                                  f"{n + 2 * p_}) in dim {i}")
        o = (span // s_ if pooling_convention == "valid" else -(-span // s_)) + 1
        outs.append(o)
        extra.append(max((o - 1) * s_ + k - (n + 2 * p_), 0))
    # torch pools cannot take padding > kernel/2 or MXNet's ceil rule: pad explicitly
    padspec = []
    for i in reversed(range(nd)):
        padspec += [pad[i], pad[i] + extra[i]]
    ks, st = tuple(kernel), tuple(stride)
    if pool_type == "max":
        x = F.pad(data, padspec, value=float("-inf")) if any(padspec) else data
        return _MAXPOOL[nd](x, ks, st)
    x = data
    if pool_type == "lp":
        x = x.abs() if p_value == 2 else x  # x^2 is even: use |x| so sqrt gets >= 0 sums
        x = x ** p_value if p_value != 1 else x
    xp = F.pad(x, padspec) if any(padspec) else x
    ksize = math.prod(ks)
    sums = _AVGPOOL[nd](xp, ks, st) * ksize
    if pool_type == "sum":
        return sums
    if pool_type == "lp":
        if p_value == 1:
            return sums
        if p_value == 2:
            return torch.sqrt(sums)
        return torch.sign(sums) * sums.abs() ** (1.0 / 3.0)
    # avg: divisor = window elements inside the padded input (count_include_pad) or inside
    # the input itself
    if not any(padspec):
        return sums / ksize
    ones = torch.ones((1, 1) + tuple(data.shape[2:]), dtype=data.dtype, device=data.device)
    if cip:
        cpad = []
        for i in reversed(range(nd)):
            cpad += [pad[i], pad[i]]
        ones = F.pad(ones, cpad, value=1.0)
        ones = F.pad(ones, [v for i in reversed(range(nd)) for v in (0, extra[i])])
    else:
        ones = F.pad(ones, padspec)
    cnt = _AVGPOOL[nd](ones, ks, st) * ksize
    # a window entirely in the padding has no elements: MXNet gives 0 there
    return sums / cnt.clamp(min=1)


_MAXPOOL = {1: F.max_pool1d, 2: F.max_pool2d, 3: F.max_pool3d}
_AVGPOOL = {1: F.avg_pool1d, 2: F.avg_pool2d, 3: F.avg_pool3d}


# ========================================================================================
# Normalisation
def _bcast(v: torch.Tensor, nd: int, axis: int) -> torch.Tensor:
    shape = [1] * nd
    shape[axis] = -1
    return v.reshape(shape)


class _MovingStats(torch.autograd.Function):
    """Identity on the BatchNorm output whose backward updates the moving statistics and, with
    fix_gamma, overwrites gamma with 1s (MXNet does both when backward runs, never in the
    training-mode forward)."""

    @staticmethod
    def forward(ctx, out, mm, mv, mean, var, momentum, gamma):  # type: ignore[override]
        ctx.stats = (mm, mv, mean, var, momentum, gamma)
        return out.view_as(out)

    @staticmethod
    def backward(ctx, g):  # type: ignore[override]
        mm, mv, mean, var, m, gamma = ctx.stats
        with torch.no_grad():
            mm.mul_(m).add_(mean.to(mm.dtype), alpha=1 - m)
            mv.mul_(m).add_(var.to(mv.dtype), alpha=1 - m)
            if gamma is not None:
                gamma.fill_(1)
        return g, None, None, None, None, None, None


@register("BatchNorm", params={"eps": Float, "momentum": Float, "fix_gamma": Bool,
                               "use_global_stats": Bool, "output_mean_var": Bool, "axis": Int,
                               "cudnn_off": Bool, "min_calib_range": OptFloat,
                               "max_calib_range": OptFloat},
          family="nn", torch="batch statistics with torch.var_mean(unbiased=False)",
          notes="fix_gamma=True (gamma overwritten with 1s), eps 1e-3, momentum 0.9 (weight of "
                "the old value); batch stats with biased variance in training mode, moving "
                "stats otherwise; moving_mean/var updated in place when backward runs")
def BatchNorm(data, gamma, beta, moving_mean, moving_var, eps=1e-3, momentum=0.9,
              fix_gamma=True, use_global_stats=False, output_mean_var=False, axis=1,
              cudnn_off=False, min_calib_range=None, max_calib_range=None):
    op = "BatchNorm"
    _need_float(op, data)
    nd = data.dim()
    if not -nd <= axis < nd:
        raise MXNetValueError(f"{op}: axis {axis} is out of range for a {nd}-d input")
    ax = axis % nd
    c = data.shape[ax]
    for t, n in ((gamma, "gamma"), (beta, "beta"), (moving_mean, "moving_mean"),
                 (moving_var, "moving_var")):
        _shape_check(op, n, t, (c,))
    red = [i for i in range(nd) if i != ax]
    train = _training() and not use_global_stats
    if fix_gamma:
        if not train:  # MXNet overwrites gamma in a predict-mode forward (in training: at
            with torch.no_grad():  # backward)
                gamma.fill_(1)
        # gamma counts as 1 and gets a zero gradient
        g = gamma * 0 + 1 if gamma.requires_grad else torch.ones_like(gamma)
    else:
        g = gamma
    if train:
        var, mean = torch.var_mean(data, dim=red, unbiased=False)
    else:
        mean, var = moving_mean.to(data.dtype), moving_var.to(data.dtype)
    inv_std = torch.rsqrt(var + eps)
    out = (data - _bcast(mean, nd, ax)) * _bcast(inv_std * g, nd, ax) + _bcast(beta, nd, ax)
    if train and out.requires_grad:
        out = _MovingStats.apply(out, moving_mean, moving_var, mean.detach(), var.detach(),
                                 float(momentum), gamma if fix_gamma else None)
    if output_mean_var:
        return [out, mean, inv_std]
    return out


@register("LayerNorm", params={"axis": Int, "eps": Float, "output_mean_var": Bool},
          family="nn", torch="torch.var_mean + affine (like nn.functional.layer_norm)",
          notes="output_mean_var returns [out, mean, std] with the axis kept as size 1")
def LayerNorm(data, gamma, beta, axis=-1, eps=1e-5, output_mean_var=False):
    op = "LayerNorm"
    _need_float(op, data)
    nd = data.dim()
    if not -nd <= axis < nd:
        raise MXNetValueError(f"{op}: axis {axis} is out of range for a {nd}-d input")
    ax = axis % nd
    _shape_check(op, "gamma", gamma, (data.shape[ax],))
    _shape_check(op, "beta", beta, (data.shape[ax],))
    var, mean = torch.var_mean(data, dim=ax, keepdim=True, unbiased=False)
    std = torch.sqrt(var + eps)
    out = (data - mean) / std * _bcast(gamma, nd, ax) + _bcast(beta, nd, ax)
    if output_mean_var:
        return [out, mean, std]
    return out


@register("InstanceNorm", params={"eps": Float}, family="nn",
          torch="torch.var_mean over the spatial dims (like nn.functional.instance_norm)",
          notes="gamma/beta of shape (C,); eps 1e-3")
def InstanceNorm(data, gamma, beta, eps=1e-3):
    op = "InstanceNorm"
    _need_float(op, data)
    if data.dtype != torch.float32:  # as MXNet 1.9.1
        raise MXNetTypeError(f"{op}: Unsupported data type {_dname(data)} (float32 only)")
    nd = data.dim()
    if nd < 3:
        raise MXNetValueError(f"{op}: input must be at least 3-D, got shape "
                              f"{list(data.shape)}")
    _shape_check(op, "gamma", gamma, (data.shape[1],))
    _shape_check(op, "beta", beta, (data.shape[1],))
    red = tuple(range(2, nd))
    var, mean = torch.var_mean(data, dim=red, keepdim=True, unbiased=False)
    return (data - mean) / torch.sqrt(var + eps) * _bcast(gamma, nd, 1) + _bcast(beta, nd, 1)


@register("GroupNorm", params={"num_groups": Int, "eps": Float, "output_mean_var": Bool},
          family="nn", torch="torch.var_mean over each group",
          notes="MXNet 1.9.1: gamma/beta have shape (num_groups,) (torch: (C,)); "
                "output_mean_var returns [out, mean, std] of shape (N, num_groups)")
def GroupNorm(data, gamma, beta, num_groups=1, eps=1e-5, output_mean_var=False):
    op = "GroupNorm"
    _need_float(op, data)
    n, c = data.shape[0], data.shape[1]
    if num_groups < 1 or c % num_groups:
        raise MXNetValueError(f"{op}: channels ({c}) must be divisible by num_groups "
                              f"({num_groups})")
    _shape_check(op, "gamma", gamma, (num_groups,))
    _shape_check(op, "beta", beta, (num_groups,))
    x = data.reshape(n, num_groups, -1)
    var, mean = torch.var_mean(x, dim=2, keepdim=True, unbiased=False)
    std = torch.sqrt(var + eps)
    y = (x - mean) / std * gamma.reshape(1, -1, 1) + beta.reshape(1, -1, 1)
    out = y.reshape(data.shape)
    if output_mean_var:
        return [out, mean.reshape(n, num_groups), std.reshape(n, num_groups)]
    return out


@register("L2Normalization", params={"eps": Float,
                                     "mode": Enum("channel", "instance", "spatial")},
          family="nn", torch="x / sqrt(sum(x*x) + eps)",
          notes="instance: over all non-batch dims; channel: axis 1; spatial: axes 2..")
def L2Normalization(data, eps=1e-10, mode="instance"):
    op = "L2Normalization"
    _need_float(op, data)
    if mode == "instance":
        dims = tuple(range(1, data.dim()))
    elif mode == "channel":
        if data.dim() < 2:
            raise MXNetValueError(f"{op}: mode='channel' needs at least 2-D input")
        dims = (1,)
    else:
        if data.dim() < 3:
            raise MXNetValueError(f"{op}: mode='spatial' needs at least 3-D input")
        dims = tuple(range(2, data.dim()))
    norm = torch.sqrt((data * data).sum(dim=dims, keepdim=True) + eps)
    return data / norm


@register("LRN", params={"alpha": Float, "beta": Float, "knorm": Float, "nsize": Int},
          family="nn", torch="torch.nn.functional.local_response_norm",
          notes="x / (knorm + alpha/nsize * sum of squares over nsize channels)^beta")
def LRN(data, alpha=1e-4, beta=0.75, knorm=2.0, nsize=None):
    op = "LRN"
    if nsize is None:
        raise MXNetValueError(f"{op}: Required parameter nsize of int (non-negative) is not "
                              "presented")
    _need_float(op, data)
    if data.dtype != torch.float32:  # MXNet 1.9.1's CPU kernel fails on other types
        raise MXNetTypeError(f"{op}: data type {_dname(data)} is not supported (float32 "
                             "only)")
    if data.dim() != 4:
        raise MXNetValueError(f"{op}: input data should be 4-D (N, C, H, W), got shape "
                              f"{list(data.shape)}")
    sq = (data * data).unsqueeze(1)
    half = nsize // 2
    sq = F.pad(sq, (0, 0, 0, 0, half, nsize - 1 - half))
    s = F.avg_pool3d(sq, (nsize, 1, 1), stride=1).squeeze(1) * nsize
    return data / (knorm + alpha / nsize * s) ** beta


# ========================================================================================
# Embedding / UpSampling
@register("Embedding", params={"input_dim": Int, "output_dim": Int, "dtype": OptDtype,
                               "sparse_grad": Bool},
          family="nn", torch="torch.nn.functional.embedding on clamped indices",
          notes="out-of-range indices are clipped (torch raises)")
def Embedding(data, weight, input_dim=None, output_dim=None, dtype=None, sparse_grad=False):
    op = "Embedding"
    if input_dim is None:
        raise MXNetValueError(f"{op}: Required parameter input_dim of int is not presented")
    if output_dim is None:
        raise MXNetValueError(f"{op}: Required parameter output_dim of int is not presented")
    if dtype is not None and _dtypes.name(dtype) == "bool":
        raise MXNetValueError(f"{op}: Invalid Input: 'bool', valid values are: {{'bfloat16', "
                              "'float16', 'float32', 'float64', 'int32', 'int64', 'int8', "
                              "'uint8'}, in parameter dtype")
    _shape_check(op, "weight", weight, (input_dim, output_dim))
    if dtype is not None and dtype != weight.dtype:
        raise MXNetTypeError(f"{op}: Incompatible attr in node at 1-th input 'weight': "
                             f"expected {_dtypes.name(dtype)}, got {_dname(weight)}")
    idx = data.detach()
    if idx.is_floating_point():
        idx = idx.trunc()
    idx = idx.to(torch.int64).clamp(0, input_dim - 1)
    return F.embedding(idx, weight)


@register("UpSampling", params={"scale": Int, "sample_type": Enum("bilinear", "nearest"),
                                "num_filter": Int, "multi_input_mode": Enum("concat", "sum"),
                                "num_args": Int, "workspace": Int},
          variadic=True, family="nn",
          torch="repeat_interleave (nearest) / conv_transpose2d (bilinear)",
          notes="bilinear takes (data, weight) and is a depthwise deconvolution")
def UpSampling(*data, scale=None, sample_type=None, num_filter=0, multi_input_mode="concat",
               num_args=1, workspace=512):
    op = "UpSampling"
    if data and not isinstance(data[-1], torch.Tensor):  # parameters passed positionally
        *data, scale, sample_type, num_filter, multi_input_mode, num_args, workspace = data
    if len(data) != num_args and not (sample_type == "bilinear" and len(data) == 2):
        raise MXNetValueError(f"{op}: num_args={num_args} but {len(data)} inputs were given")
    if scale is None:
        raise MXNetValueError(f"{op}: Required parameter scale of int is not presented")
    if sample_type is None:
        raise MXNetValueError(f"{op}: Required parameter sample_type of {{'bilinear', "
                              "'nearest'}} is not presented")
    if not data:
        raise MXNetValueError(f"{op}: needs at least one input")
    for t in data:
        _need_float(op, t)
        if t.dim() != 4:
            raise MXNetValueError(f"{op}: inputs must be 4-D (N, C, H, W), got shape "
                                  f"{list(t.shape)}")
    if sample_type == "bilinear":
        if len(data) != 2:
            raise MXNetValueError(f"{op}: sample_type='bilinear' takes 2 inputs (data, "
                                  f"weight), got {len(data)}")
        x, w = data
        _cpu_only(op, x, (torch.float32, torch.float64), "FP16 gemm on cpu not implemented")
        c = x.shape[1]
        k = 2 * scale - scale % 2
        _shape_check(op, "weight", w, (c, 1, k, k))
        p = int(math.ceil((scale - 1) / 2.0))
        return F.conv_transpose2d(x, w, None, scale, p, 0, c)
    h0, w0 = data[0].shape[2] * scale, data[0].shape[3] * scale
    outs = []
    for t in data:
        if h0 % t.shape[2] or w0 % t.shape[3]:
            raise MXNetValueError(f"{op}: input shape {list(t.shape)} cannot be upsampled "
                                  f"to ({h0}, {w0})")
        sh, sw = h0 // t.shape[2], w0 // t.shape[3]
        outs.append(t.repeat_interleave(sh, 2).repeat_interleave(sw, 3))
    if len(outs) == 1:
        return outs[0]
    if multi_input_mode == "sum":
        r = outs[0]
        for o in outs[1:]:
            r = r + o
        return r
    return torch.cat(outs, 1)


# ========================================================================================
# Loss heads (MXNet's own backward rules, head gradient ignored)
class _SoftmaxOutputFn(torch.autograd.Function):
    @staticmethod
    def forward(ctx, data, label, cfg):  # type: ignore[override]
        grad_scale, ignore_label, multi_output, use_ignore, preserve_shape, norm, out_grad, \
            alpha = cfg
        if preserve_shape:
            prob = torch.softmax(data, -1)
            axis = data.dim() - 1
        elif multi_output:
            prob = torch.softmax(data, 1)
            axis = 1
        else:
            prob = torch.softmax(data.reshape(data.shape[0], -1), 1).reshape(data.shape)
            axis = None
        ctx.save_for_backward(prob, label)
        ctx.cfg = cfg
        ctx.axis = axis
        return prob

    @staticmethod
    def backward(ctx, g):  # type: ignore[override]
        prob, label = ctx.saved_tensors
        grad_scale, ignore_label, multi_output, use_ignore, preserve_shape, norm, out_grad, \
            alpha = ctx.cfg
        axis = ctx.axis
        n = prob.shape[0]
        p = prob if axis is not None else prob.reshape(n, -1)
        ax = axis if axis is not None else 1
        k = p.shape[ax]
        if label.shape == prob.shape:
            # soft labels: MXNet applies grad_scale only (no normalization, no smoothing)
            grad = (p - label.reshape(p.shape).to(p.dtype)) * grad_scale
        else:
            if axis is None:  # N-D data flattened to (N, -1): MXNet reads the first N labels
                lab = label.reshape(-1)[:n].to(p.dtype)
            else:
                lab = label.reshape(p.shape[:ax] + p.shape[ax + 1:]).to(p.dtype)
            li = lab.to(torch.int64).clamp(0, k - 1)
            onehot = F.one_hot(li, k).to(p.dtype).movedim(-1, ax)
            if alpha:
                onehot = onehot * (1 - alpha) + (1 - onehot) * (alpha / (k - 1))
            grad = p - onehot
            if use_ignore:
                grad = grad * (lab != ignore_label).unsqueeze(ax).to(p.dtype)
            # the divisor counts every entry of the label array (even those the flattened
            # N-D case does not read); 'null' with multi_output divides by the spatial size
            if norm == "batch":
                div = label.numel()
            elif norm == "valid":
                div = int((label != ignore_label).sum().item()) if use_ignore else label.numel()
                div = max(div, 1)
            else:
                div = math.prod(prob.shape[2:]) if multi_output and not preserve_shape else 1
            grad = grad * (grad_scale / div)
        grad = grad.reshape(prob.shape)
        if out_grad:
            # MXNet 1.9.1 multiplies by its own output here, not by the head gradient
            grad = grad * prob
        return grad, None, None


_SOFTMAX_OUT_PARAMS = {"grad_scale": Float, "ignore_label": Float, "multi_output": Bool,
                       "use_ignore": Bool, "preserve_shape": Bool,
                       "normalization": Enum("batch", "null", "valid"), "out_grad": Bool,
                       "smooth_alpha": Float}


@register("SoftmaxOutput", params=_SOFTMAX_OUT_PARAMS, aliases=("Softmax",), family="nn",
          torch="torch.softmax forward; custom autograd.Function backward",
          notes="backward = (softmax - onehot(label)) * grad_scale / norm, ignoring the head "
                "gradient (unless out_grad=True)")
def SoftmaxOutput(data, label, grad_scale=1.0, ignore_label=-1.0, multi_output=False,
                  use_ignore=False, preserve_shape=False, normalization="null",
                  out_grad=False, smooth_alpha=0.0):
    op = "SoftmaxOutput"
    _need_float(op, data)
    if label.shape != data.shape:
        if preserve_shape:
            exp = data.shape[:-1]
        elif multi_output:
            exp = (data.shape[0],) + data.shape[2:]
        else:
            exp = data.shape[:1] if data.dim() == 2 else data.shape[:-1]
        if tuple(label.shape) != tuple(exp):
            raise MXNetValueError(f"{op}: Shape inconsistent for 'label', Provided = "
                                  f"{list(label.shape)}, inferred shape={tuple(exp)}")
    cfg = (grad_scale, ignore_label, multi_output, use_ignore, preserve_shape, normalization,
           out_grad, smooth_alpha)
    return _SoftmaxOutputFn.apply(data, label.detach(), cfg)


class _RegressionFn(torch.autograd.Function):
    @staticmethod
    def forward(ctx, data, label, kind, grad_scale):  # type: ignore[override]
        out = torch.sigmoid(data) if kind == "logistic" else data.clone()
        ctx.save_for_backward(out, label)
        ctx.kind, ctx.scale = kind, grad_scale
        return out

    @staticmethod
    def backward(ctx, g):  # type: ignore[override]
        out, label = ctx.saved_tensors
        lab = label.reshape(out.shape).to(out.dtype)
        num_output = max(label.numel() // max(label.shape[0], 1), 1) if label.dim() else 1
        diff = out - lab
        if ctx.kind == "mae":
            diff = torch.sign(diff)
        return diff * (ctx.scale / num_output), None, None, None


def _regression(name: str, kind: str, fwd: str) -> Any:
    @register(name, params={"grad_scale": Float}, family="nn",
              torch=f"{fwd} forward; custom autograd.Function backward",
              notes=f"backward = {'sign(out - label)' if kind == 'mae' else '(out - label)'}"
                    " * grad_scale / num_output, ignoring the head gradient")
    def impl(data, label, grad_scale=1.0):
        _need_float(name, data)
        if label.numel() != data.numel():
            raise MXNetValueError(f"{name}: Shape inconsistent for 'label', Provided = "
                                  f"{list(label.shape)}, inferred shape={tuple(data.shape)}")
        return _RegressionFn.apply(data, label.detach(), kind, grad_scale)
    return impl


LinearRegressionOutput = _regression("LinearRegressionOutput", "linear", "identity")
LogisticRegressionOutput = _regression("LogisticRegressionOutput", "logistic", "torch.sigmoid")
MAERegressionOutput = _regression("MAERegressionOutput", "mae", "identity")


class _SVMFn(torch.autograd.Function):
    @staticmethod
    def forward(ctx, data, label, margin, reg, linear):  # type: ignore[override]
        ctx.save_for_backward(data, label)
        ctx.cfg = (margin, reg, linear)
        return data.clone()

    @staticmethod
    def backward(ctx, g):  # type: ignore[override]
        data, label = ctx.saved_tensors
        margin, reg, linear = ctx.cfg
        x = data.reshape(data.shape[0], -1)
        k = x.shape[1]
        y = F.one_hot(label.reshape(-1).to(torch.int64).clamp(0, k - 1), k).bool()
        zero = torch.zeros((), dtype=x.dtype, device=x.device)
        if linear:
            pos = torch.where(margin > x, -reg + zero, zero)
            neg = torch.where(margin > -x, reg + zero, zero)
        else:
            pos = -2 * reg * torch.clamp(margin - x, min=0)
            neg = 2 * reg * torch.clamp(margin + x, min=0)
        return torch.where(y, pos, neg).reshape(data.shape), None, None, None, None


@register("SVMOutput", params={"margin": Float, "regularization_coefficient": Float,
                               "use_linear": Bool},
          family="nn", torch="identity forward; custom autograd.Function (hinge) backward",
          notes="L2-SVM by default, L1-SVM with use_linear=True; head gradient ignored")
def SVMOutput(data, label, margin=1.0, regularization_coefficient=1.0, use_linear=False):
    op = "SVMOutput"
    _need_float(op, data)
    if label.numel() != data.shape[0]:
        raise MXNetValueError(f"{op}: Shape inconsistent for 'label', Provided = "
                              f"{list(label.shape)}, inferred shape=({data.shape[0]},)")
    return _SVMFn.apply(data, label.detach(), margin, regularization_coefficient, use_linear)


class _MakeLossFn(torch.autograd.Function):
    @staticmethod
    def forward(ctx, data, scale, thresh, norm):  # type: ignore[override]
        ctx.save_for_backward(data)
        ctx.cfg = (scale, thresh, norm)
        return data.clone()

    @staticmethod
    def backward(ctx, g):  # type: ignore[override]
        (data,) = ctx.saved_tensors
        scale, thresh, norm = ctx.cfg
        if norm == "batch":
            scale = scale / data.shape[0]
        elif norm == "valid":
            scale = scale / max(int((data > thresh).sum().item()), 1)
        return torch.full_like(data, scale), None, None, None


@register("MakeLoss", params={"grad_scale": Float, "valid_thresh": Float,
                              "normalization": Enum("batch", "null", "valid")},
          family="nn", torch="identity forward; backward = grad_scale / norm",
          notes="the head gradient is ignored")
def MakeLoss(data, grad_scale=1.0, valid_thresh=0.0, normalization="null"):
    _need_float("MakeLoss", data)
    return _MakeLossFn.apply(data, grad_scale, valid_thresh, normalization)


@register("make_loss", family="nn", torch="identity forward; backward = ones",
          notes="the head gradient is ignored")
def make_loss(data):
    return _MakeLossFn.apply(data, 1.0, 0.0, "null")


@register("softmax_cross_entropy", family="nn",
          torch="torch.nn.functional.cross_entropy(reduction='sum').reshape(1)",
          notes="sum over the batch, shape (1,)")
def softmax_cross_entropy(data, label):
    op = "softmax_cross_entropy"
    _need_float(op, data)
    if data.dim() != 2:
        raise MXNetValueError(f"{op}: data must be 2-D (batch, classes), got shape "
                              f"{list(data.shape)}")
    if label.numel() != data.shape[0]:
        raise MXNetValueError(f"{op}: Shape inconsistent for 'label', Provided = "
                              f"{list(label.shape)}, inferred shape=({data.shape[0]},)")
    k = data.shape[1]
    li = label.detach().reshape(-1).to(torch.int64).clamp(0, k - 1)
    return F.cross_entropy(data, li, reduction="sum").reshape(1)


# ========================================================================================
# Sequence ops: data is (T, N, ...) with axis=0 (SequenceMask/SequenceLast allow axis=1:
# (N, T, ...))
def _seq_len(op: str, data: torch.Tensor, sequence_length: Any, use: bool, axis: int) -> Any:
    if not use:
        return None
    ln = _opt(sequence_length, op, "sequence_length")
    if ln is None:
        raise MXNetValueError(f"{op}: use_sequence_length=True needs the 'sequence_length' "
                              "input")
    batch_axis = 1 - axis
    if ln.numel() != data.shape[batch_axis]:
        raise MXNetValueError(f"{op}: Shape inconsistent for 'sequence_length', Provided = "
                              f"{list(ln.shape)}, inferred shape=({data.shape[batch_axis]},)")
    # MXNet reads each length through a C cast to int: fractions truncate, NaN/inf/huge
    # floats become INT_MIN, int64 wraps (2**32 + 1 is 1)
    ln = ln.detach().reshape(-1)
    ln = ln.to(torch.int32) if not ln.is_floating_point() else _cast(ln, torch.int32)
    return ln.to(torch.int64)


def _seq_bad_len(op: str, ln: torch.Tensor, lo: int, hi: int) -> None:
    """MXNet 1.9.1 reads or writes outside the array for lengths outside [lo, hi] (garbage
    values, heap corruption or a crash): refuse them."""
    bad = (ln < lo) | (ln > hi)
    if bool(bad.any()):
        v = int(ln[bad][0])
        raise MXNetValueError(f"{op}: sequence_length {v} (after MXNet's cast to int32) is "
                              f"outside [{lo}, {hi}]; MXNet 1.9.1 reads or writes outside the "
                              "array there")


def _seq_axis(op: str, data: torch.Tensor, axis: int) -> int:
    _no_bool(op, data)
    if data.dim() < 2:
        raise MXNetValueError(f"{op}: data must be at least 2-D, got shape "
                              f"{list(data.shape)}")
    if axis not in (0, 1):
        raise MXNetValueError(f"{op}: axis must be 0 or 1, got {axis}")
    return axis


@register("SequenceMask", params={"sequence_length": Any_, "use_sequence_length": Bool,
                                  "value": Float, "axis": Int},
          family="nn", torch="torch.where(arange(T) < length, x, value)")
def SequenceMask(data, sequence_length=None, use_sequence_length=False, value=0.0, axis=0):
    op = "SequenceMask"
    ax = _seq_axis(op, data, axis)
    ln = _seq_len(op, data, sequence_length, use_sequence_length, ax)
    if ln is None:
        return data.clone() if not data.requires_grad else data * 1
    t = data.shape[ax]
    _seq_bad_len(op, ln, 0, 2 ** 31 - 1)
    pos = torch.arange(t, device=data.device)
    keep = pos[:, None] < ln[None, :] if ax == 0 else pos[None, :] < ln[:, None]
    keep = keep.reshape(keep.shape + (1,) * (data.dim() - 2))
    v = torch.tensor(value, dtype=data.dtype, device=data.device)
    return torch.where(keep, data, v)


@register("SequenceLast", params={"sequence_length": Any_, "use_sequence_length": Bool,
                                  "axis": Int},
          family="nn", torch="gather of step length-1")
def SequenceLast(data, sequence_length=None, use_sequence_length=False, axis=0):
    op = "SequenceLast"
    ax = _seq_axis(op, data, axis)
    ln = _seq_len(op, data, sequence_length, use_sequence_length, ax)
    if ln is None:
        return data.select(ax, data.shape[ax] - 1).clone()
    t = data.shape[ax]
    _seq_bad_len(op, ln, 1, t)
    idx = ln - 1
    batch = torch.arange(data.shape[1 - ax], device=data.device)
    return data[idx, batch] if ax == 0 else data[batch, idx]


@register("SequenceReverse", params={"sequence_length": Any_, "use_sequence_length": Bool,
                                     "axis": Int},
          family="nn", torch="index gather reversing the first length steps")
def SequenceReverse(data, sequence_length=None, use_sequence_length=False, axis=0):
    op = "SequenceReverse"
    if axis != 0:
        raise MXNetValueError(f"{op}: only axis=0 is supported, got {axis}")
    _seq_axis(op, data, 0)
    ln = _seq_len(op, data, sequence_length, use_sequence_length, 0)
    t = data.shape[0]
    if ln is None:
        return data.flip(0)
    _seq_bad_len(op, ln, 0, t)
    pos = torch.arange(t, device=data.device)[:, None]
    ln = ln[None, :]
    src = torch.where(pos < ln, ln - 1 - pos, pos)  # (T, N)
    idx = src.reshape(src.shape + (1,) * (data.dim() - 2)).expand(data.shape)
    return torch.gather(data, 0, idx)


# ========================================================================================
# RNN (fused, MXNet's packed parameter vector)
_RNN_GATES = {"rnn_relu": 1, "rnn_tanh": 1, "lstm": 4, "gru": 3}


def _rnn_param_size(mode: str, layers: int, dirs: int, inp: int, hid: int) -> int:
    g = _RNN_GATES[mode]
    size = 0
    for layer in range(layers):
        i = inp if layer == 0 else hid * dirs
        size += dirs * (g * hid * (i + hid) + 2 * g * hid)
    return size


def _rnn_unpack(params: torch.Tensor, mode: str, layers: int, dirs: int, inp: int,
                hid: int) -> list:
    """MXNet packs every weight first (per layer, per direction: W_i2h then W_h2h), then every
    bias in the same order; torch wants (w_ih, w_hh, b_ih, b_hh) per layer and direction.
    Gate order is the same in both (LSTM i, f, g, o; GRU r, z, n)."""
    g = _RNN_GATES[mode]
    ws, off = [], 0
    for layer in range(layers):
        i = inp if layer == 0 else hid * dirs
        for _ in range(dirs):
            w_ih = params[off:off + g * hid * i].reshape(g * hid, i)
            off += g * hid * i
            w_hh = params[off:off + g * hid * hid].reshape(g * hid, hid)
            off += g * hid * hid
            ws.append([w_ih, w_hh])
    for k in range(layers * dirs):
        b_ih = params[off:off + g * hid]
        off += g * hid
        b_hh = params[off:off + g * hid]
        off += g * hid
        ws[k] += [b_ih, b_hh]
    return [t for grp in ws for t in grp]


@register("RNN", params={"state_cell": Any_, "sequence_length": Any_, "state_size": Int,
                         "num_layers": Int, "bidirectional": Bool,
                         "mode": Enum("gru", "lstm", "rnn_relu", "rnn_tanh"), "p": Float,
                         "state_outputs": Bool, "projection_size": OptInt,
                         "lstm_state_clip_min": OptFloat, "lstm_state_clip_max": OptFloat,
                         "lstm_state_clip_nan": Bool, "use_sequence_length": Bool},
          family="nn", torch="torch.nn.LSTM / GRU / RNN kernels (torch._VF) on unpacked weights",
          notes="layout TNC; MXNet's packed parameters (all weights, then all biases); "
                "returns [out, h(, c)] with state_outputs=True; inter-layer dropout p uses "
                "torch's global generator")
def RNN(data, parameters, state, state_cell=None, sequence_length=None, state_size=None,
        num_layers=None, bidirectional=False, mode=None, p=0.0, state_outputs=False,
        projection_size=None, lstm_state_clip_min=None, lstm_state_clip_max=None,
        lstm_state_clip_nan=False, use_sequence_length=False):
    op = "RNN"
    for name, v in (("state_size", state_size), ("num_layers", num_layers), ("mode", mode)):
        if v is None:
            raise MXNetValueError(f"{op}: Required parameter {name} is not presented")
    if projection_size is not None or lstm_state_clip_min is not None or \
            lstm_state_clip_max is not None or use_sequence_length:
        raise unsupported(f"{op} with projection_size / lstm_state_clip_* / "
                          "use_sequence_length")
    _need_float(op, data)
    _cpu_only(op, data, (torch.float32, torch.float64), "FP16 gemm on cpu not implemented")
    if data.dim() != 3:
        raise MXNetValueError(f"{op}: data must be 3-D (seq_len, batch, input_size), got "
                              f"shape {list(data.shape)}")
    dirs = 2 if bidirectional else 1
    t, n, inp = data.shape
    hid = state_size
    psize = _rnn_param_size(mode, num_layers, dirs, inp, hid)
    if parameters.dim() != 1 or parameters.numel() != psize:
        raise MXNetValueError(f"{op}: Shape inconsistent for 'parameters', Provided = "
                              f"{list(parameters.shape)}, inferred shape=({psize},)")
    _shape_check(op, "state", state, (num_layers * dirs, n, hid))
    c0 = _opt(state_cell, op, "state_cell")
    if mode == "lstm":
        if c0 is None:
            raise MXNetValueError(f"{op}: mode='lstm' needs the 'state_cell' input")
        _shape_check(op, "state_cell", c0, (num_layers * dirs, n, hid))
    flat = _rnn_unpack(parameters, mode, num_layers, dirs, inp, hid)
    train = _training()
    # torch._VF kernels are what torch.nn.LSTM/GRU/RNN call; they take the flat weight list
    if mode == "lstm":
        out, h, c = torch._VF.lstm(data, (state, c0), flat, True, num_layers, p, train,
                                   bidirectional, False)
        return [out, h, c] if state_outputs else out
    fn = {"gru": torch._VF.gru, "rnn_tanh": torch._VF.rnn_tanh,
          "rnn_relu": torch._VF.rnn_relu}[mode]
    out, h = fn(data, state, flat, True, num_layers, p, train, bidirectional, False)
    return [out, h] if state_outputs else out


# ========================================================================================
# CTC loss, im2col / col2im
@register("CTCLoss", params={"data_lengths": Any_, "label_lengths": Any_,
                             "use_data_lengths": Bool, "use_label_lengths": Bool,
                             "blank_label": Enum("first", "last")},
          aliases=("ctc_loss",), family="nn",
          torch="torch.nn.functional.ctc_loss(log_softmax(data), reduction='none')",
          notes="data (T, N, alphabet) of unnormalised scores; label (N, L) padded with 0 "
                "(blank_label='first') or -1 ('last'); returns the per-sample loss (N,)")
def CTCLoss(data, label, data_lengths=None, label_lengths=None, use_data_lengths=False,
            use_label_lengths=False, blank_label="first"):
    op = "CTCLoss"
    _need_float(op, data)
    _cpu_only(op, data, (torch.float32,), "MXNet 1.9.1's CPU kernel is float32 only")
    if data.dim() != 3 or label.dim() != 2 or label.shape[0] != data.shape[1]:
        raise MXNetValueError(f"{op}: expects data (T, N, alphabet) and label (N, L), got "
                              f"{list(data.shape)} and {list(label.shape)}")
    t, n, k = data.shape
    lab = label.detach().to(torch.int64)
    blank, pad = (0, 0) if blank_label == "first" else (k - 1, -1)
    if use_label_lengths:
        ll = _opt(label_lengths, op, "label_lengths")
        if ll is None:
            raise MXNetValueError(f"{op}: use_label_lengths=True needs 'label_lengths'")
        tl = ll.detach().reshape(-1).to(torch.int64)
    else:  # the label ends at its first padding value
        is_pad = lab == pad
        first = torch.where(is_pad.any(1), is_pad.to(torch.int64).argmax(1),
                            torch.full((n,), lab.shape[1], dtype=torch.int64,
                                       device=lab.device))
        tl = first
    if use_data_lengths:
        dl = _opt(data_lengths, op, "data_lengths")
        if dl is None:
            raise MXNetValueError(f"{op}: use_data_lengths=True needs 'data_lengths'")
        il = dl.detach().reshape(-1).to(torch.int64)
    else:
        il = torch.full((n,), t, dtype=torch.int64, device=data.device)
    logp = torch.log_softmax(data, -1)
    tgt = lab.clamp(min=0)
    return F.ctc_loss(logp, tgt, il, tl, blank=blank, reduction="none", zero_infinity=False)


def _im2col_args(op: str, data: torch.Tensor, kernel: tuple, stride: tuple, dilate: tuple,
                 pad: tuple) -> tuple:
    if len(kernel) != 2:
        raise unsupported(f"{op} with a {len(kernel)}-D kernel", "2-D kernels only")
    s = tuple(stride) if stride else (1, 1)
    d = tuple(dilate) if dilate else (1, 1)
    p = tuple(pad) if pad else (0, 0)
    return tuple(kernel), d, p, s


@register("im2col", params={"kernel": Shape, "stride": Shape, "dilate": Shape, "pad": Shape},
          family="nn", torch="torch.nn.functional.unfold", notes="2-D (N, C, H, W) only")
def im2col(data, kernel=None, stride=(), dilate=(), pad=()):
    op = "im2col"
    if kernel is None:
        raise MXNetValueError(f"{op}: Required parameter kernel of Shape(tuple) is not "
                              "presented")
    if data.dim() != 4:
        raise MXNetValueError(f"{op}: data must be 4-D (N, C, H, W), got {list(data.shape)}")
    k, d, p, s = _im2col_args(op, data, kernel, stride, dilate, pad)
    return F.unfold(data, k, d, p, s)


@register("col2im", params={"output_size": Shape, "kernel": Shape, "stride": Shape,
                            "dilate": Shape, "pad": Shape},
          family="nn", torch="torch.nn.functional.fold", notes="2-D only; overlaps are summed")
def col2im(data, output_size=None, kernel=None, stride=(), dilate=(), pad=()):
    op = "col2im"
    if output_size is None or kernel is None:
        raise MXNetValueError(f"{op}: Required parameter "
                              f"{'output_size' if output_size is None else 'kernel'} of "
                              "Shape(tuple) is not presented")
    if data.dim() != 3:
        raise MXNetValueError(f"{op}: data must be 3-D (N, C*kh*kw, L), got "
                              f"{list(data.shape)}")
    k, d, p, s = _im2col_args(op, data, kernel, stride, dilate, pad)
    return F.fold(data, tuple(output_size), k, d, p, s)
