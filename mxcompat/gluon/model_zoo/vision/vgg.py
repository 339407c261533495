"""VGG 11/13/16/19 (Simonyan & Zisserman 2014), with and without batch norm, as in MXNet."""
from __future__ import annotations

from typing import Any, List, Optional

from .... import initializer
from ... import nn
from ...block import HybridBlock
from ._common import load_pretrained

__all__ = ["VGG", "vgg11", "vgg13", "vgg16", "vgg19", "vgg11_bn", "vgg13_bn", "vgg16_bn",
           "vgg19_bn", "get_vgg"]


class VGG(HybridBlock):
    """``features``: the 3x3 convolutions (each optionally followed by BatchNorm) and max
    poolings, then two Dense(4096)+Dropout(0.5); ``output``: Dense(``classes``). The
    initializers are MXNet's: Xavier(gaussian, out, 2) for the convolutions, normal for Dense,
    zero biases."""

    def __init__(self, layers: List[int], filters: List[int], classes: int = 1000,
                 batch_norm: bool = False, **kwargs: Any):
        super().__init__(**kwargs)
        if len(layers) != len(filters):
            raise AssertionError(f"VGG: layers and filters differ in length ({layers}, "
                                 f"{filters})")
        with self.name_scope():
            self.features = self._make_features(layers, filters, batch_norm)
            for _ in range(2):
                self.features.add(nn.Dense(4096, activation="relu", weight_initializer="normal",
                                           bias_initializer="zeros"))
                self.features.add(nn.Dropout(rate=0.5))
            self.output = nn.Dense(classes, weight_initializer="normal",
                                   bias_initializer="zeros")

    def _make_features(self, layers: List[int], filters: List[int],
                       batch_norm: bool) -> nn.HybridSequential:
        features = nn.HybridSequential(prefix="")
        for num, width in zip(layers, filters):
            for _ in range(num):
                features.add(nn.Conv2D(width, kernel_size=3, padding=1,
                                       weight_initializer=initializer.Xavier(
                                           rnd_type="gaussian", factor_type="out",
                                           magnitude=2),
                                       bias_initializer="zeros"))
                if batch_norm:
                    features.add(nn.BatchNorm())
                features.add(nn.Activation("relu"))
            features.add(nn.MaxPool2D(strides=2))
        return features

    def hybrid_forward(self, F: Any, x: Any) -> Any:
        return self.output(self.features(x))


#: depth -> (convolutions per block, filters per block)
vgg_spec = {11: ([1, 1, 2, 2, 2], [64, 128, 256, 512, 512]),
            13: ([2, 2, 2, 2, 2], [64, 128, 256, 512, 512]),
            16: ([2, 2, 3, 3, 3], [64, 128, 256, 512, 512]),
            19: ([2, 2, 4, 4, 4], [64, 128, 256, 512, 512])}


def get_vgg(num_layers: int, pretrained: bool = False, ctx: Any = None,
            root: Optional[str] = None, **kwargs: Any) -> VGG:
    """VGG with ``num_layers`` layers (11, 13, 16, 19); ``batch_norm=True`` for the _bn
    variants."""
    if num_layers not in vgg_spec:
        raise KeyError(num_layers)
    layers, filters = vgg_spec[num_layers]
    net = VGG(layers, filters, **kwargs)
    if pretrained:
        suffix = "_bn" if kwargs.get("batch_norm") else ""
        load_pretrained(net, f"vgg{num_layers}{suffix}", root, ctx)
    return net


def vgg11(**kwargs: Any) -> VGG:
    """VGG-11 (``pretrained``, ``ctx``, ``root``, ``classes``)."""
    return get_vgg(11, **kwargs)


def vgg13(**kwargs: Any) -> VGG:
    """VGG-13 (``pretrained``, ``ctx``, ``root``, ``classes``)."""
    return get_vgg(13, **kwargs)


def vgg16(**kwargs: Any) -> VGG:
    """VGG-16 (``pretrained``, ``ctx``, ``root``, ``classes``)."""
    return get_vgg(16, **kwargs)


def vgg19(**kwargs: Any) -> VGG:
    """VGG-19 (``pretrained``, ``ctx``, ``root``, ``classes``)."""
    return get_vgg(19, **kwargs)


def vgg11_bn(**kwargs: Any) -> VGG:
    """VGG-11 with batch norm."""
    kwargs["batch_norm"] = True
    return get_vgg(11, **kwargs)


def vgg13_bn(**kwargs: Any) -> VGG:
    """VGG-13 with batch norm."""
    kwargs["batch_norm"] = True
    return get_vgg(13, **kwargs)


def vgg16_bn(**kwargs: Any) -> VGG:
    """VGG-16 with batch norm."""
    kwargs["batch_norm"] = True
    return get_vgg(16, **kwargs)


def vgg19_bn(**kwargs: Any) -> VGG:
    """VGG-19 with batch norm."""
    kwargs["batch_norm"] = True
    return get_vgg(19, **kwargs)
