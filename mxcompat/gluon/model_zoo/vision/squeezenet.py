"""SqueezeNet 1.0 and 1.1 (Iandola et al. 2016) as in MXNet 1.9.1."""
from __future__ import annotations

from typing import Any, Optional

from ... import nn
from ...block import HybridBlock
from ...contrib.nn import HybridConcurrent
from ._common import load_pretrained

__all__ = ["SqueezeNet", "squeezenet1_0", "squeezenet1_1"]


def _fire_conv(channels: int, kernel_size: int, padding: int = 0) -> nn.HybridSequential:
    out = nn.HybridSequential(prefix="")
    out.add(nn.Conv2D(channels, kernel_size, padding=padding), nn.Activation("relu"))
    return out


def _fire(squeeze: int, expand1x1: int, expand3x3: int) -> nn.HybridSequential:
    out = nn.HybridSequential(prefix="")
    out.add(_fire_conv(squeeze, 1))
    paths = HybridConcurrent(axis=1, prefix="")
    paths.add(_fire_conv(expand1x1, 1))
    paths.add(_fire_conv(expand3x3, 3, 1))
    out.add(paths)
    return out


class SqueezeNet(HybridBlock):
    """``version`` '1.0' or '1.1'. ``features`` ends with Dropout(0.5); ``output`` is a 1x1
    convolution to ``classes``, ReLU, AvgPool2D(13) and Flatten (so inputs are 224x224)."""

    def __init__(self, version: str, classes: int = 1000, **kwargs: Any):
        super().__init__(**kwargs)
        if version not in ("1.0", "1.1"):
            raise AssertionError(f"Unsupported SqueezeNet version {version}:1.0 or 1.1 "
                                 "expected")
        with self.name_scope():
            self.features = nn.HybridSequential(prefix="")
            f = self.features
            if version == "1.0":
                f.add(nn.Conv2D(96, kernel_size=7, strides=2), nn.Activation("relu"))
                f.add(nn.MaxPool2D(pool_size=3, strides=2, ceil_mode=True))
                f.add(_fire(16, 64, 64))
                f.add(_fire(16, 64, 64))
                f.add(_fire(32, 128, 128))
                f.add(nn.MaxPool2D(pool_size=3, strides=2, ceil_mode=True))
                f.add(_fire(32, 128, 128))
                f.add(_fire(48, 192, 192))
                f.add(_fire(48, 192, 192))
                f.add(_fire(64, 256, 256))
                f.add(nn.MaxPool2D(pool_size=3, strides=2, ceil_mode=True))
                f.add(_fire(64, 256, 256))
            else:
                f.add(nn.Conv2D(64, kernel_size=3, strides=2), nn.Activation("relu"))
                f.add(nn.MaxPool2D(pool_size=3, strides=2, ceil_mode=True))
                f.add(_fire(16, 64, 64))
                f.add(_fire(16, 64, 64))
                f.add(nn.MaxPool2D(pool_size=3, strides=2, ceil_mode=True))
                f.add(_fire(32, 128, 128))
                f.add(_fire(32, 128, 128))
                f.add(nn.MaxPool2D(pool_size=3, strides=2, ceil_mode=True))
                f.add(_fire(48, 192, 192))
                f.add(_fire(48, 192, 192))
                f.add(_fire(64, 256, 256))
                f.add(_fire(64, 256, 256))
            f.add(nn.Dropout(0.5))
            self.output = nn.HybridSequential(prefix="")
            self.output.add(nn.Conv2D(classes, kernel_size=1), nn.Activation("relu"),
                            nn.AvgPool2D(13), nn.Flatten())

    def hybrid_forward(self, F: Any, x: Any) -> Any:
        return self.output(self.features(x))


def get_squeezenet(version: str, pretrained: bool = False, ctx: Any = None,
                   root: Optional[str] = None, **kwargs: Any) -> SqueezeNet:
    """SqueezeNet ``version`` ('1.0' or '1.1')."""
    net = SqueezeNet(version, **kwargs)
    if pretrained:
        load_pretrained(net, f"squeezenet{version}", root, ctx)
    return net


def squeezenet1_0(**kwargs: Any) -> SqueezeNet:
    """SqueezeNet 1.0 (``pretrained``, ``ctx``, ``root``, ``classes``)."""
    return get_squeezenet("1.0", **kwargs)


def squeezenet1_1(**kwargs: Any) -> SqueezeNet:
    """SqueezeNet 1.1 (``pretrained``, ``ctx``, ``root``, ``classes``)."""
    return get_squeezenet("1.1", **kwargs)
