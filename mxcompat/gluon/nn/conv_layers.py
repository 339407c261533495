"""Convolution, transposed convolution, pooling and padding layers of ``gluon.nn``."""
from __future__ import annotations

from typing import Any, Optional, Sequence, Tuple

from ...base import MXNetAssertionError, MXNetError
from ..block import HybridBlock
from .activations import Activation
from .basic_layers import _run_act

__all__ = ["Conv1D", "Conv2D", "Conv3D", "Conv1DTranspose", "Conv2DTranspose",
           "Conv3DTranspose", "MaxPool1D", "MaxPool2D", "MaxPool3D", "AvgPool1D", "AvgPool2D",
           "AvgPool3D", "GlobalMaxPool1D", "GlobalMaxPool2D", "GlobalMaxPool3D",
           "GlobalAvgPool1D", "GlobalAvgPool2D", "GlobalAvgPool3D", "ReflectionPad2D"]

_NUMBER = (int, float)


def _tuple(value: Any, n: int) -> tuple:
    return (value,) * n if isinstance(value, _NUMBER) else tuple(value)


def _weight_shapes(op_name: str, layout: str, in_channels: int, channels: int,
                   kernel: Tuple[int, ...], groups: int, stride: tuple,
                   adj: Optional[tuple]) -> Tuple[tuple, tuple]:
    """The weight and bias shapes the op declares for an input of ``in_channels`` channels
    (0: not known yet), as MXNet's shape inference gives them at construction."""
    channel_first = layout.find("C") == 1
    if op_name == "Convolution":
        if in_channels and in_channels % groups:
            raise MXNetError(f"Convolution: input num_filter must divide group size "
                             f"({in_channels} vs. {groups})")
        if channels % groups:
            raise MXNetError(f"Convolution: output num_filter must divide group size "
                             f"({channels} vs. {groups})")
        cin = in_channels // groups
        w = (channels, cin) + kernel if channel_first else (channels,) + kernel + (cin,)
    else:
        if adj is not None:
            for i, (a, s) in enumerate(zip(adj, stride)):
                if not s - 1 >= a:
                    raise MXNetError(f"Deconvolution: Check failed: param_.stride[{i}]-1 >= "
                                     f"o_adj[{i}] ({s - 1} vs. {a}) : adj(y) must be samller "
                                     f"than stride[{i}]")
        cout = channels // groups
        w = (in_channels, cout) + kernel if channel_first else (in_channels,) + kernel + (cout,)
    return w, (channels,)


class _Conv(HybridBlock):
    """The N-D (transposed) convolution behind Conv1D ... Conv3DTranspose."""

    def __init__(self, channels: int, kernel_size: Tuple[int, ...], strides: Any,
                 padding: Any, dilation: Any, groups: int, layout: str, in_channels: int = 0,
                 activation: Optional[str] = None, use_bias: bool = True,
                 weight_initializer: Any = None, bias_initializer: Any = "zeros",
                 op_name: str = "Convolution", adj: Any = None, prefix: Optional[str] = None,
                 params: Any = None):
        super().__init__(prefix=prefix, params=params)
        with self.name_scope():
            self._channels = channels
            self._in_channels = in_channels
            n = len(kernel_size)
            strides = _tuple(strides, n)
            padding = _tuple(padding, n)
            dilation = _tuple(dilation, n)
            self._op_name = op_name
            self._kwargs = {"kernel": kernel_size, "stride": strides, "dilate": dilation,
                            "pad": padding, "num_filter": channels, "num_group": groups,
                            "no_bias": not use_bias, "layout": layout}
            if adj is not None:
                self._kwargs["adj"] = adj
            wshape, bshape = _weight_shapes(op_name, layout, in_channels, channels,
                                            tuple(kernel_size), groups, strides, adj)
            self.bias: Any = None
            self.act: Any = None
            self.weight = self.params.get("weight", shape=wshape, init=weight_initializer,
                                          allow_deferred_init=True)
            if use_bias:
                self.bias = self.params.get("bias", shape=bshape, init=bias_initializer,
                                            allow_deferred_init=True)
            else:
                self.bias = None
            if activation is not None:
                self.act = Activation(activation, prefix=activation + "_")
            else:
                self.act = None

    def hybrid_forward(self, F: Any, x: Any, weight: Any, bias: Any = None) -> Any:
        op = getattr(F, self._op_name)
        if bias is None:
            out = op(x, weight, name="fwd", **self._kwargs)
        else:
            out = op(x, weight, bias, name="fwd", **self._kwargs)
        if self.act is not None:
            out = _run_act(self.act, F, out)
        return out

    def _alias(self) -> str:
        return "conv"

    def __repr__(self) -> str:
        k = self._kwargs
        n = len(k["kernel"])
        shape = self.weight.shape
        s = f"{self.__class__.__name__}({shape[1] if shape[1] else None} -> {shape[0]}, " \
            f"kernel_size={k['kernel']}, stride={k['stride']}"
        if k["pad"] != (0,) * n:
            s += f", padding={k['pad']}"
        if k["dilate"] != (1,) * n:
            s += f", dilation={k['dilate']}"
        if hasattr(self, "out_pad") and self.out_pad != (0,) * n:
            s += f", output_padding={self.out_pad}"
        if k["num_group"] != 1:
            s += f", groups={k['num_group']}"
        if self.bias is None:
            s += ", bias=False"
        if self.act:
            s += f", {self.act}"
        return s + ")"


def _check_kernel(kernel_size: Any, n: int) -> tuple:
    kernel = _tuple(kernel_size, n)
    if len(kernel) != n:
        raise MXNetAssertionError(f"kernel_size must be a number or a list of {n} ints")
    return kernel


def _check_outpad(output_padding: Any, n: int) -> tuple:
    outpad = _tuple(output_padding, n)
    if len(outpad) != n:
        raise MXNetAssertionError(f"output_padding must be a number or a list of {n} ints")
    return outpad


def _check_layout(layout: str, allowed: Sequence[str], msg: str) -> None:
    if layout not in allowed:
        raise MXNetAssertionError(msg)


class Conv1D(_Conv):
    """1-D convolution over ``(N, C, W)`` inputs."""

    def __init__(self, channels: int, kernel_size: Any, strides: Any = 1, padding: Any = 0,
                 dilation: Any = 1, groups: int = 1, layout: str = "NCW",
                 activation: Optional[str] = None, use_bias: bool = True,
                 weight_initializer: Any = None, bias_initializer: Any = "zeros",
                 in_channels: int = 0, **kwargs: Any):
        _check_layout(layout, ("NCW",), "Only supports 'NCW' layout for now")
        kernel_size = _check_kernel(kernel_size, 1)
        op_name = kwargs.pop("op_name", "Convolution")
        super().__init__(channels, kernel_size, strides, padding, dilation, groups, layout,
                         in_channels, activation, use_bias, weight_initializer,
                         bias_initializer, op_name, **kwargs)


class Conv2D(_Conv):
    """2-D convolution over ``(N, C, H, W)`` (or NHWC) inputs."""

    def __init__(self, channels: int, kernel_size: Any, strides: Any = (1, 1),
                 padding: Any = (0, 0), dilation: Any = (1, 1), groups: int = 1,
                 layout: str = "NCHW", activation: Optional[str] = None, use_bias: bool = True,
                 weight_initializer: Any = None, bias_initializer: Any = "zeros",
                 in_channels: int = 0, **kwargs: Any):
        _check_layout(layout, ("NCHW", "NHWC"), "Only supports 'NCHW' and 'NHWC' layout for now")
        kernel_size = _check_kernel(kernel_size, 2)
        op_name = kwargs.pop("op_name", "Convolution")
        super().__init__(channels, kernel_size, strides, padding, dilation, groups, layout,
                         in_channels, activation, use_bias, weight_initializer,
                         bias_initializer, op_name, **kwargs)


class Conv3D(_Conv):
    """3-D convolution over ``(N, C, D, H, W)`` (or NDHWC) inputs."""

    def __init__(self, channels: int, kernel_size: Any, strides: Any = (1, 1, 1),
                 padding: Any = (0, 0, 0), dilation: Any = (1, 1, 1), groups: int = 1,
                 layout: str = "NCDHW", activation: Optional[str] = None,
                 use_bias: bool = True, weight_initializer: Any = None,
                 bias_initializer: Any = "zeros", in_channels: int = 0, **kwargs: Any):
        _check_layout(layout, ("NCDHW", "NDHWC"),
                      "Only supports 'NCDHW' and 'NDHWC' layout for now")
        kernel_size = _check_kernel(kernel_size, 3)
        op_name = kwargs.pop("op_name", "Convolution")
        super().__init__(channels, kernel_size, strides, padding, dilation, groups, layout,
                         in_channels, activation, use_bias, weight_initializer,
                         bias_initializer, op_name, **kwargs)


class Conv1DTranspose(_Conv):
    """1-D transposed convolution (deconvolution)."""

    def __init__(self, channels: int, kernel_size: Any, strides: Any = 1, padding: Any = 0,
                 output_padding: Any = 0, dilation: Any = 1, groups: int = 1,
                 layout: str = "NCW", activation: Optional[str] = None, use_bias: bool = True,
                 weight_initializer: Any = None, bias_initializer: Any = "zeros",
                 in_channels: int = 0, **kwargs: Any):
        _check_layout(layout, ("NCW",), "Only supports 'NCW' layout for now")
        kernel_size = _check_kernel(kernel_size, 1)
        output_padding = _check_outpad(output_padding, 1)
        op_name = kwargs.pop("op_name", "Deconvolution")
        super().__init__(channels, kernel_size, strides, padding, dilation, groups, layout,
                         in_channels, activation, use_bias, weight_initializer,
                         bias_initializer, op_name=op_name, adj=output_padding, **kwargs)
        self.outpad = output_padding


class Conv2DTranspose(_Conv):
    """2-D transposed convolution (deconvolution)."""

    def __init__(self, channels: int, kernel_size: Any, strides: Any = (1, 1),
                 padding: Any = (0, 0), output_padding: Any = (0, 0), dilation: Any = (1, 1),
                 groups: int = 1, layout: str = "NCHW", activation: Optional[str] = None,
                 use_bias: bool = True, weight_initializer: Any = None,
                 bias_initializer: Any = "zeros", in_channels: int = 0, **kwargs: Any):
        _check_layout(layout, ("NCHW", "NHWC"), "Only supports 'NCHW' and 'NHWC' layout for now")
        kernel_size = _check_kernel(kernel_size, 2)
        output_padding = _check_outpad(output_padding, 2)
        op_name = kwargs.pop("op_name", "Deconvolution")
        super().__init__(channels, kernel_size, strides, padding, dilation, groups, layout,
                         in_channels, activation, use_bias, weight_initializer,
                         bias_initializer, op_name=op_name, adj=output_padding, **kwargs)
        self.outpad = output_padding


class Conv3DTranspose(_Conv):
    """3-D transposed convolution (deconvolution)."""

    def __init__(self, channels: int, kernel_size: Any, strides: Any = (1, 1, 1),
                 padding: Any = (0, 0, 0), output_padding: Any = (0, 0, 0),
                 dilation: Any = (1, 1, 1), groups: int = 1, layout: str = "NCDHW",
                 activation: Optional[str] = None, use_bias: bool = True,
                 weight_initializer: Any = None, bias_initializer: Any = "zeros",
                 in_channels: int = 0, **kwargs: Any):
        _check_layout(layout, ("NCDHW", "NDHWC"),
                      "Only supports 'NCDHW' and 'NDHWC' layout for now")
        kernel_size = _check_kernel(kernel_size, 3)
        output_padding = _check_outpad(output_padding, 3)
        op_name = kwargs.pop("op_name", "Deconvolution")
        super().__init__(channels, kernel_size, strides, padding, dilation, groups, layout,
                         in_channels, activation, use_bias, weight_initializer,
                         bias_initializer, op_name=op_name, adj=output_padding, **kwargs)
        self.outpad = output_padding


class _Pooling(HybridBlock):
    """The pooling behind the Max/Avg/Global pooling layers."""

    def __init__(self, pool_size: tuple, strides: Any, padding: Any, ceil_mode: bool,
                 global_pool: bool, pool_type: str, layout: str,
                 count_include_pad: Optional[bool] = None, **kwargs: Any):
        super().__init__(**kwargs)
        if strides is None:
            strides = pool_size
        strides = _tuple(strides, len(pool_size))
        padding = _tuple(padding, len(pool_size))
        self._kwargs = {"kernel": pool_size, "stride": strides, "pad": padding,
                        "global_pool": global_pool, "pool_type": pool_type, "layout": layout,
                        "pooling_convention": "full" if ceil_mode else "valid"}
        if count_include_pad is not None:
            self._kwargs["count_include_pad"] = count_include_pad

    def _alias(self) -> str:
        return "pool"

    def hybrid_forward(self, F: Any, x: Any) -> Any:
        return F.Pooling(x, name="fwd", **self._kwargs)

    def __repr__(self) -> str:
        k = self._kwargs
        return (f"{self.__class__.__name__}(size={k['kernel']}, stride={k['stride']}, "
                f"padding={k['pad']}, ceil_mode={k['pooling_convention'] == 'full'}, "
                f"global_pool={k['global_pool']}, pool_type={k['pool_type']}, "
                f"layout={k['layout']})")


_LAYOUTS = {1: ("NCW", "NWC"), 2: ("NCHW", "NHWC"), 3: ("NCDHW", "NDHWC")}


def _pool_size(pool_size: Any, layout: str, n: int) -> tuple:
    allowed = _LAYOUTS[n]
    _check_layout(layout, allowed, f"Only {allowed[0]} and {allowed[1]} layouts are valid for "
                                   f"{n}D Pooling")
    size = _tuple(pool_size, n)
    if len(size) != n:
        raise MXNetAssertionError(f"pool_size must be a number or a list of {n} ints")
    return size


class MaxPool1D(_Pooling):
    """1-D max pooling."""

    def __init__(self, pool_size: Any = 2, strides: Any = None, padding: Any = 0,
                 layout: str = "NCW", ceil_mode: bool = False, **kwargs: Any):
        super().__init__(_pool_size(pool_size, layout, 1), strides, padding, ceil_mode, False,
                         "max", layout, **kwargs)


class MaxPool2D(_Pooling):
    """2-D max pooling."""

    def __init__(self, pool_size: Any = (2, 2), strides: Any = None, padding: Any = 0,
                 layout: str = "NCHW", ceil_mode: bool = False, **kwargs: Any):
        super().__init__(_pool_size(pool_size, layout, 2), strides, padding, ceil_mode, False,
                         "max", layout, **kwargs)


class MaxPool3D(_Pooling):
    """3-D max pooling."""

    def __init__(self, pool_size: Any = (2, 2, 2), strides: Any = None, padding: Any = 0,
                 ceil_mode: bool = False, layout: str = "NCDHW", **kwargs: Any):
        super().__init__(_pool_size(pool_size, layout, 3), strides, padding, ceil_mode, False,
                         "max", layout, **kwargs)


class AvgPool1D(_Pooling):
    """1-D average pooling."""

    def __init__(self, pool_size: Any = 2, strides: Any = None, padding: Any = 0,
                 layout: str = "NCW", ceil_mode: bool = False, count_include_pad: bool = True,
                 **kwargs: Any):
        super().__init__(_pool_size(pool_size, layout, 1), strides, padding, ceil_mode, False,
                         "avg", layout, count_include_pad, **kwargs)


class AvgPool2D(_Pooling):
    """2-D average pooling."""

    def __init__(self, pool_size: Any = (2, 2), strides: Any = None, padding: Any = 0,
                 ceil_mode: bool = False, layout: str = "NCHW", count_include_pad: bool = True,
                 **kwargs: Any):
        super().__init__(_pool_size(pool_size, layout, 2), strides, padding, ceil_mode, False,
                         "avg", layout, count_include_pad, **kwargs)


class AvgPool3D(_Pooling):
    """3-D average pooling."""

    def __init__(self, pool_size: Any = (2, 2, 2), strides: Any = None, padding: Any = 0,
                 ceil_mode: bool = False, layout: str = "NCDHW", count_include_pad: bool = True,
                 **kwargs: Any):
        super().__init__(_pool_size(pool_size, layout, 3), strides, padding, ceil_mode, False,
                         "avg", layout, count_include_pad, **kwargs)


def _global(layout: str, n: int) -> None:
    allowed = _LAYOUTS[n]
    _check_layout(layout, allowed, f"Only {allowed[0]} and {allowed[1]} layouts are valid for "
                                   f"{n}D Pooling")


class GlobalMaxPool1D(_Pooling):
    """Max over the whole width."""

    def __init__(self, layout: str = "NCW", **kwargs: Any):
        _global(layout, 1)
        super().__init__((1,), None, 0, True, True, "max", layout, **kwargs)


class GlobalMaxPool2D(_Pooling):
    """Max over the whole height and width."""

    def __init__(self, layout: str = "NCHW", **kwargs: Any):
        _global(layout, 2)
        super().__init__((1, 1), None, 0, True, True, "max", layout, **kwargs)


class GlobalMaxPool3D(_Pooling):
    """Max over the whole depth, height and width."""

    def __init__(self, layout: str = "NCDHW", **kwargs: Any):
        _global(layout, 3)
        super().__init__((1, 1, 1), None, 0, True, True, "max", layout, **kwargs)


class GlobalAvgPool1D(_Pooling):
    """Mean over the whole width."""

    def __init__(self, layout: str = "NCW", **kwargs: Any):
        _global(layout, 1)
        super().__init__((1,), None, 0, True, True, "avg", layout, **kwargs)


class GlobalAvgPool2D(_Pooling):
    """Mean over the whole height and width."""

    def __init__(self, layout: str = "NCHW", **kwargs: Any):
        _global(layout, 2)
        super().__init__((1, 1), None, 0, True, True, "avg", layout, **kwargs)


class GlobalAvgPool3D(_Pooling):
    """Mean over the whole depth, height and width."""

    def __init__(self, layout: str = "NCDHW", **kwargs: Any):
        _global(layout, 3)
        super().__init__((1, 1, 1), None, 0, True, True, "avg", layout, **kwargs)


class ReflectionPad2D(HybridBlock):
    """Pads the last two axes of NCHW input by reflection (``padding`` on each side, or
    MXNet's 8-tuple ``pad_width``)."""

    def __init__(self, padding: Any = 0, **kwargs: Any):
        super().__init__(**kwargs)
        if isinstance(padding, _NUMBER):
            padding = (0, 0, 0, 0, padding, padding, padding, padding)
        if len(padding) != 8:
            raise MXNetAssertionError("ReflectionPad2D: padding must be a number or 8 ints")
        self._padding = padding

    def hybrid_forward(self, F: Any, x: Any) -> Any:
        return F.pad(x, mode="reflect", pad_width=self._padding)
