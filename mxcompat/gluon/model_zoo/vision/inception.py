"""Inception V3 (Szegedy et al. 2015) as in MXNet 1.9.1 (no auxiliary head in the net)."""
from __future__ import annotations

from typing import Any, Optional

from ... import nn
from ...block import HybridBlock
from ...contrib.nn import HybridConcurrent
from ._common import load_pretrained

__all__ = ["Inception3", "inception_v3"]

_SETTING_NAMES = ("channels", "kernel_size", "strides", "padding")


def _basic_conv(**kwargs: Any) -> nn.HybridSequential:
    out = nn.HybridSequential(prefix="")
    out.add(nn.Conv2D(use_bias=False, **kwargs), nn.BatchNorm(epsilon=0.001),
            nn.Activation("relu"))
    return out


def _branch(pool: Optional[str], *convs: tuple) -> nn.HybridSequential:
    """A branch: an optional pooling ('avg': 3x3/1 pad 1; 'max': 3x3/2), then conv-BN-ReLU
    units given as (channels, kernel, strides, padding) with None for MXNet's default."""
    out = nn.HybridSequential(prefix="")
    if pool == "avg":
        out.add(nn.AvgPool2D(pool_size=3, strides=1, padding=1))
    elif pool == "max":
        out.add(nn.MaxPool2D(pool_size=3, strides=2))
    for setting in convs:
        out.add(_basic_conv(**{k: v for k, v in zip(_SETTING_NAMES, setting)
                               if v is not None}))
    return out


def _concurrent(prefix: str) -> HybridConcurrent:
    return HybridConcurrent(axis=1, prefix=prefix)


def _make_A(pool_features: int, prefix: str) -> HybridConcurrent:
    out = _concurrent(prefix)
    with out.name_scope():
        out.add(_branch(None, (64, 1, None, None)))
        out.add(_branch(None, (48, 1, None, None), (64, 5, None, 2)))
        out.add(_branch(None, (64, 1, None, None), (96, 3, None, 1), (96, 3, None, 1)))
        out.add(_branch("avg", (pool_features, 1, None, None)))
    return out


def _make_B(prefix: str) -> HybridConcurrent:
    out = _concurrent(prefix)
    with out.name_scope():
        out.add(_branch(None, (384, 3, 2, None)))
        out.add(_branch(None, (64, 1, None, None), (96, 3, None, 1), (96, 3, 2, None)))
        out.add(_branch("max"))
    return out


def _make_C(c7: int, prefix: str) -> HybridConcurrent:
    out = _concurrent(prefix)
    with out.name_scope():
        out.add(_branch(None, (192, 1, None, None)))
        out.add(_branch(None, (c7, 1, None, None), (c7, (1, 7), None, (0, 3)),
                        (192, (7, 1), None, (3, 0))))
        out.add(_branch(None, (c7, 1, None, None), (c7, (7, 1), None, (3, 0)),
                        (c7, (1, 7), None, (0, 3)), (c7, (7, 1), None, (3, 0)),
                        (192, (1, 7), None, (0, 3))))
        out.add(_branch("avg", (192, 1, None, None)))
    return out


def _make_D(prefix: str) -> HybridConcurrent:
    out = _concurrent(prefix)
    with out.name_scope():
        out.add(_branch(None, (192, 1, None, None), (320, 3, 2, None)))
        out.add(_branch(None, (192, 1, None, None), (192, (1, 7), None, (0, 3)),
                        (192, (7, 1), None, (3, 0)), (192, 3, 2, None)))
        out.add(_branch("max"))
    return out


def _make_E(prefix: str) -> HybridConcurrent:
    out = _concurrent(prefix)
    with out.name_scope():
        out.add(_branch(None, (320, 1, None, None)))
        b3 = nn.HybridSequential(prefix="")
        out.add(b3)
        b3.add(_branch(None, (384, 1, None, None)))
        split = HybridConcurrent(axis=1, prefix="")
        split.add(_branch(None, (384, (1, 3), None, (0, 1))))
        split.add(_branch(None, (384, (3, 1), None, (1, 0))))
        b3.add(split)
        b3dbl = nn.HybridSequential(prefix="")
        out.add(b3dbl)
        b3dbl.add(_branch(None, (448, 1, None, None), (384, 3, None, 1)))
        split = HybridConcurrent(axis=1, prefix="")
        b3dbl.add(split)
        split.add(_branch(None, (384, (1, 3), None, (0, 1))))
        split.add(_branch(None, (384, (3, 1), None, (1, 0))))
        out.add(_branch("avg", (192, 1, None, None)))
    return out


def make_aux(classes: int) -> nn.HybridSequential:
    """The auxiliary classifier head of Inception V3 (defined, as in MXNet, but not part of
    :class:`Inception3`)."""
    out = nn.HybridSequential(prefix="")
    out.add(nn.AvgPool2D(pool_size=5, strides=3))
    out.add(_basic_conv(channels=128, kernel_size=1))
    out.add(_basic_conv(channels=768, kernel_size=5))
    out.add(nn.Flatten(), nn.Dense(classes))
    return out


class Inception3(HybridBlock):
    """Inception V3 for 299x299 inputs: ``features`` (stem, blocks A1-A3, B, C1-C4, D, E1-E2,
    AvgPool2D(8), Dropout(0.5)) and ``output`` Dense(``classes``)."""

    def __init__(self, classes: int = 1000, **kwargs: Any):
        super().__init__(**kwargs)
        with self.name_scope():
            self.features = nn.HybridSequential(prefix="")
            f = self.features
            f.add(_basic_conv(channels=32, kernel_size=3, strides=2))
            f.add(_basic_conv(channels=32, kernel_size=3))
            f.add(_basic_conv(channels=64, kernel_size=3, padding=1))
            f.add(nn.MaxPool2D(pool_size=3, strides=2))
            f.add(_basic_conv(channels=80, kernel_size=1))
            f.add(_basic_conv(channels=192, kernel_size=3))
            f.add(nn.MaxPool2D(pool_size=3, strides=2))
            f.add(_make_A(32, "A1_"))
            f.add(_make_A(64, "A2_"))
            f.add(_make_A(64, "A3_"))
            f.add(_make_B("B_"))
            f.add(_make_C(128, "C1_"))
            f.add(_make_C(160, "C2_"))
            f.add(_make_C(160, "C3_"))
            f.add(_make_C(192, "C4_"))
            f.add(_make_D("D_"))
            f.add(_make_E("E1_"))
            f.add(_make_E("E2_"))
            f.add(nn.AvgPool2D(pool_size=8), nn.Dropout(0.5))
            self.output = nn.Dense(classes)

    def hybrid_forward(self, F: Any, x: Any) -> Any:
        return self.output(self.features(x))


def inception_v3(pretrained: bool = False, ctx: Any = None, root: Optional[str] = None,
                 **kwargs: Any) -> Inception3:
    """Inception V3 (``pretrained``, ``ctx``, ``root``, ``classes``)."""
    net = Inception3(**kwargs)
    if pretrained:
        load_pretrained(net, "inceptionv3", root, ctx)
    return net
