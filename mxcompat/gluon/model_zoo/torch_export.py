"""Leaving for PyTorch: a Gluon network as a plain ``torch.nn.Module`` (an mxcompat extension).

- :func:`to_torch_module` turns any block built from ``gluon.nn`` layers (Dense, Conv1D-3D,
  BatchNorm, pooling, activations, Dropout, Flatten, (Hybrid)Sequential, HybridConcurrent,
  Identity) and the model zoo's own blocks into ``torch.nn`` modules whose parameters and
  buffers *share memory* with the block's (an in-place update on either side is seen by the
  other). The result is in eval mode (MXNet's predict mode) and gives the block's outputs.
  :func:`register_converter` teaches it a block class of your own.
- :func:`to_torchvision` / :func:`torchvision_state_dict` rebuild the zoo networks whose
  architecture torchvision has exactly (ResNet-18/34 V1, VGG with and without BN, AlexNet,
  SqueezeNet 1.0/1.1, DenseNet) with torchvision's module structure and key names, so the
  state dict loads with ``torchvision.models.<arch>(num_classes=...).load_state_dict(sd)``
  (torchvision itself is not needed here).
"""
from __future__ import annotations

from collections import OrderedDict
from typing import Any, Callable, Dict, List, Optional, Tuple

import torch
from torch import nn

from ...base import MXNetError

__all__ = ["to_torch_module", "register_converter", "to_torchvision", "torchvision_state_dict",
           "torchvision_arch"]

_CONVERTERS: Dict[type, Callable[[Any], nn.Module]] = {}


def register_converter(cls: type, fn: Callable[[Any], nn.Module]) -> None:
    """Use ``fn(block) -> torch.nn.Module`` for blocks of class ``cls`` (and subclasses not
    registered themselves) in :func:`to_torch_module`; ``fn`` may call
    :func:`to_torch_module` on the block's children."""
    _CONVERTERS[cls] = fn


def to_torch_module(block: Any) -> nn.Module:
    """A plain ``torch.nn.Module`` computing what ``block`` computes, sharing its parameters
    (which must be initialized, with known shapes: run one forward first for deferred ones).
    Raises MXNetError naming a block class it cannot convert."""
    _ensure_builtin()
    for cls in type(block).__mro__:
        fn = _CONVERTERS.get(cls)
        if fn is not None:
            return fn(block).eval()
    raise MXNetError(f"to_torch_module: no converter for {type(block).__name__} "
                     f"({block.name}); register one with "
                     "mxcompat.gluon.model_zoo.torch_export.register_converter")


# ---- shared tensors ---------------------------------------------------------------------
def _tensor(param: Any, what: str) -> torch.Tensor:
    try:
        data = param.data()
    except Exception as err:  # deferred init, not initialized
        raise MXNetError(f"to_torch_module: parameter {param.name} ({what}) has no data yet "
                         f"({err}); initialize the block and run one forward first") from None
    return data.to_torch()


def _param(param: Any, what: str) -> nn.Parameter:
    t = _tensor(param, what)
    return nn.Parameter(t, requires_grad=param.grad_req != "null")


# ---- layers -------------------------------------------------------------------------------
_ACTS: Dict[str, Callable[[], nn.Module]] = {
    "relu": nn.ReLU, "sigmoid": nn.Sigmoid, "tanh": nn.Tanh, "softrelu": nn.Softplus,
    "softsign": nn.Softsign}


def _act_module(name: str) -> nn.Module:
    if name not in _ACTS:
        raise MXNetError(f"to_torch_module: activation {name!r} has no torch equivalent here")
    return _ACTS[name]()


class Dense(nn.Linear):
    """Gluon's Dense: flattens all but the first axis first (``flatten=True``), then an
    optional activation."""

    def __init__(self, weight: nn.Parameter, bias: Optional[nn.Parameter], flatten: bool,
                 act: Optional[nn.Module]):
        nn.Module.__init__(self)
        self.in_features, self.out_features = weight.shape[1], weight.shape[0]
        self.weight = weight
        self.bias = bias
        self.flatten = flatten
        self.act = act

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.flatten and x.dim() != 2:
            x = x.flatten(1)
        x = super().forward(x)
        return self.act(x) if self.act is not None else x


class Conv(nn.Module):
    """Gluon's N-D convolution (NC... layout), with an optional activation."""

    def __init__(self, weight: nn.Parameter, bias: Optional[nn.Parameter], stride: tuple,
                 padding: tuple, dilation: tuple, groups: int, act: Optional[nn.Module]):
        super().__init__()
        self.weight, self.bias = weight, bias
        self.stride, self.padding, self.dilation, self.groups = stride, padding, dilation, groups
        self.act = act
        self._fn = {3: nn.functional.conv1d, 4: nn.functional.conv2d,
                    5: nn.functional.conv3d}[weight.dim()]

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self._fn(x, self.weight, self.bias, self.stride, self.padding, self.dilation,
                     self.groups)
        return self.act(x) if self.act is not None else x

    def extra_repr(self) -> str:
        return (f"{self.weight.shape[1] * self.groups}, {self.weight.shape[0]}, "
                f"kernel_size={tuple(self.weight.shape[2:])}, stride={self.stride}, "
                f"padding={self.padding}, groups={self.groups}, bias={self.bias is not None}")


class BatchNorm(nn.modules.batchnorm._BatchNorm):
    """torch batch norm over axis 1 of an input of any rank (as Gluon's BatchNorm);
    ``use_global_stats`` normalizes with the running statistics in training mode too."""

    use_global_stats = False

    def _check_input_dim(self, input: torch.Tensor) -> None:
        if input.dim() < 2:
            raise ValueError(f"expected at least 2-D input (got {input.dim()}-D)")

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.use_global_stats:
            return nn.functional.batch_norm(x, self.running_mean, self.running_var,
                                            self.weight, self.bias, False, 0.0, self.eps)
        return super().forward(x)


class Concat(nn.ModuleList):
    """HybridConcurrent: every branch on the same input, outputs concatenated on ``dim``."""

    def __init__(self, branches: List[nn.Module], dim: int):
        super().__init__(branches)
        self.dim = dim

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.cat([b(x) for b in self], dim=self.dim)


class Swish(nn.Module):
    def __init__(self, beta: float):
        super().__init__()
        self.beta = beta

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x * torch.sigmoid(self.beta * x)


def _dense(b: Any) -> nn.Module:
    bias = _param(b.bias, "bias") if b.bias is not None else None
    act = _act_module(b.act._act_type) if b.act is not None else None
    return Dense(_param(b.weight, "weight"), bias, b._flatten, act)


def _conv(b: Any) -> nn.Module:
    k = b._kwargs
    if b._op_name != "Convolution" or k["layout"] not in ("NCW", "NCHW", "NCDHW"):
        raise MXNetError(f"to_torch_module: {type(b).__name__} with layout {k['layout']} "
                         "is not supported (only NC.. convolutions)")
    bias = _param(b.bias, "bias") if b.bias is not None else None
    act = _act_module(b.act._act_type) if b.act is not None else None
    return Conv(_param(b.weight, "weight"), bias, tuple(k["stride"]), tuple(k["pad"]),
                tuple(k["dilate"]), int(k["num_group"]), act)


def _batchnorm(b: Any) -> nn.Module:
    k = b._kwargs
    if k["axis"] != 1:
        raise MXNetError(f"to_torch_module: BatchNorm on axis {k['axis']} is not supported "
                         "(only axis 1)")
    mean = _tensor(b.running_mean, "running_mean")
    m = BatchNorm(mean.shape[0], eps=k["eps"], momentum=1.0 - k["momentum"])
    m.use_global_stats = bool(k["use_global_stats"])
    if k["fix_gamma"]:  # MXNet computes with gamma = 1 whatever is stored
        m.weight = nn.Parameter(torch.ones_like(mean), requires_grad=False)
    else:
        m.weight = _param(b.gamma, "gamma")
    m.bias = _param(b.beta, "beta")
    m.running_mean = mean
    m.running_var = _tensor(b.running_var, "running_var")
    if getattr(b, "fuse_relu", False):
        return nn.Sequential(m, nn.ReLU())
    return m


def _pool(b: Any) -> nn.Module:
    k = b._kwargs
    n = len(k["kernel"])
    if k["layout"] not in ("NCW", "NCHW", "NCDHW"):
        raise MXNetError(f"to_torch_module: pooling with layout {k['layout']} is not supported")
    if k["global_pool"]:
        return {"avg": [None, nn.AdaptiveAvgPool1d, nn.AdaptiveAvgPool2d, nn.AdaptiveAvgPool3d],
                "max": [None, nn.AdaptiveMaxPool1d, nn.AdaptiveMaxPool2d,
                        nn.AdaptiveMaxPool3d]}[k["pool_type"]][n](1)
    ceil = k["pooling_convention"] == "full"
    if k["pool_type"] == "max":
        return [None, nn.MaxPool1d, nn.MaxPool2d, nn.MaxPool3d][n](
            k["kernel"], k["stride"], k["pad"], ceil_mode=ceil)
    return [None, nn.AvgPool1d, nn.AvgPool2d, nn.AvgPool3d][n](
        k["kernel"], k["stride"], k["pad"], ceil_mode=ceil,
        count_include_pad=k.get("count_include_pad", True))


def _sequential(b: Any) -> nn.Module:
    return nn.Sequential(*[to_torch_module(c) for c in b._children.values()])


def _dropout(b: Any) -> nn.Module:
    if b._axes:
        raise MXNetError("to_torch_module: Dropout with axes is not supported")
    return nn.Dropout(b._rate)


def _prelu(b: Any) -> nn.Module:
    alpha = _param(b.alpha, "alpha")
    m = nn.PReLU(alpha.shape[0])
    m.weight = alpha
    return m


# ---- the model zoo's blocks -----------------------------------------------------------------
class ResidualV1(nn.Module):
    """ResNet V1 block: relu(body(x) + downsample(x) or x)."""

    def __init__(self, body: nn.Module, downsample: Optional[nn.Module]):
        super().__init__()
        self.body, self.downsample = body, downsample

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        residual = self.downsample(x) if self.downsample is not None else x
        return torch.relu(self.body(x) + residual)


class ResidualV2(nn.Module):
    """ResNet V2 (pre-activation) block: bn-relu-conv units; the projection reads the first
    pre-activated input."""

    def __init__(self, units: List[Tuple[nn.Module, nn.Module]], downsample: Optional[nn.Module]):
        super().__init__()
        for i, (bn, conv) in enumerate(units, 1):
            setattr(self, f"bn{i}", bn)
            setattr(self, f"conv{i}", conv)
        self.n = len(units)
        self.downsample = downsample

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        residual = x
        x = torch.relu(self.bn1(x))
        if self.downsample is not None:
            residual = self.downsample(x)
        x = self.conv1(x)
        for i in range(2, self.n + 1):
            x = getattr(self, f"conv{i}")(torch.relu(getattr(self, f"bn{i}")(x)))
        return x + residual


class LinearBottleneck(nn.Module):
    """MobileNetV2's block: out(x), plus x when ``use_shortcut``."""

    def __init__(self, out: nn.Module, use_shortcut: bool):
        super().__init__()
        self.out, self.use_shortcut = out, use_shortcut

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.out(x)
        return y + x if self.use_shortcut else y


class FeaturesOutput(nn.Module):
    """A zoo network: ``output(features(x))``."""

    def __init__(self, features: nn.Module, output: nn.Module):
        super().__init__()
        self.features, self.output = features, output

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.output(self.features(x))


def _opt(b: Any) -> Optional[nn.Module]:
    return to_torch_module(b) if b is not None else None


def _v2(b: Any) -> nn.Module:
    n = 3 if hasattr(b, "bn3") else 2
    units = [(to_torch_module(getattr(b, f"bn{i}")), to_torch_module(getattr(b, f"conv{i}")))
             for i in range(1, n + 1)]
    return ResidualV2(units, _opt(b.downsample))


_BUILTIN_DONE = False


def _ensure_builtin() -> None:
    global _BUILTIN_DONE
    if _BUILTIN_DONE:
        return
    from .. import nn as gnn
    from ..contrib import nn as cnn
    from .vision import densenet, inception, mobilenet, resnet, squeezenet, vgg
    from .vision.alexnet import AlexNet
    table: Dict[type, Callable[[Any], nn.Module]] = {
        gnn.Dense: _dense, gnn.Conv1D: _conv, gnn.Conv2D: _conv, gnn.Conv3D: _conv,
        gnn.BatchNorm: _batchnorm, gnn.BatchNormReLU: _batchnorm,
        gnn.MaxPool1D: _pool, gnn.MaxPool2D: _pool, gnn.MaxPool3D: _pool,
        gnn.AvgPool1D: _pool, gnn.AvgPool2D: _pool, gnn.AvgPool3D: _pool,
        gnn.GlobalAvgPool1D: _pool, gnn.GlobalAvgPool2D: _pool, gnn.GlobalAvgPool3D: _pool,
        gnn.GlobalMaxPool1D: _pool, gnn.GlobalMaxPool2D: _pool, gnn.GlobalMaxPool3D: _pool,
        gnn.Activation: lambda b: _act_module(b._act_type),
        gnn.LeakyReLU: lambda b: nn.LeakyReLU(b._alpha),
        gnn.ELU: lambda b: nn.ELU(b._alpha), gnn.SELU: lambda b: nn.SELU(),
        gnn.GELU: lambda b: nn.GELU(), gnn.SiLU: lambda b: nn.SiLU(),
        gnn.Swish: lambda b: Swish(b._beta), gnn.PReLU: _prelu,
        gnn.Flatten: lambda b: nn.Flatten(), gnn.Dropout: _dropout,
        gnn.Sequential: _sequential, gnn.HybridSequential: _sequential,
        cnn.HybridConcurrent: lambda b: Concat([to_torch_module(c)
                                                for c in b._children.values()], b.axis),
        cnn.Concurrent: lambda b: Concat([to_torch_module(c)
                                          for c in b._children.values()], b.axis),
        cnn.Identity: lambda b: nn.Identity(),
        resnet.BasicBlockV1: lambda b: ResidualV1(to_torch_module(b.body), _opt(b.downsample)),
        resnet.BottleneckV1: lambda b: ResidualV1(to_torch_module(b.body), _opt(b.downsample)),
        resnet.BasicBlockV2: _v2, resnet.BottleneckV2: _v2,
        mobilenet.RELU6: lambda b: nn.ReLU6(),
        mobilenet.LinearBottleneck: lambda b: LinearBottleneck(to_torch_module(b.out),
                                                               b.use_shortcut),
    }
    for cls in (resnet.ResNetV1, resnet.ResNetV2, vgg.VGG, AlexNet, densenet.DenseNet,
                squeezenet.SqueezeNet, inception.Inception3, mobilenet.MobileNet,
                mobilenet.MobileNetV2):
        table[cls] = lambda b: FeaturesOutput(to_torch_module(b.features),
                                              to_torch_module(b.output))
    for cls, fn in table.items():
        _CONVERTERS.setdefault(cls, fn)
    _BUILTIN_DONE = True


# ---- torchvision's structure and names -------------------------------------------------------
class _TVBasicBlock(nn.Module):
    def __init__(self, conv1: nn.Module, bn1: nn.Module, conv2: nn.Module, bn2: nn.Module,
                 downsample: Optional[nn.Module]):
        super().__init__()
        self.conv1, self.bn1, self.relu = conv1, bn1, nn.ReLU(inplace=False)
        self.conv2, self.bn2, self.downsample = conv2, bn2, downsample

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        identity = self.downsample(x) if self.downsample is not None else x
        return self.relu(out + identity)


class TVResNet(nn.Module):
    """torchvision's ResNet (BasicBlock) layout: conv1, bn1, relu, maxpool, layer1-4, avgpool,
    fc."""

    def __init__(self, conv1: nn.Module, bn1: nn.Module, layers: List[nn.Module], fc: nn.Module):
        super().__init__()
        self.conv1, self.bn1, self.relu = conv1, bn1, nn.ReLU()
        self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
        for i, layer in enumerate(layers, 1):
            setattr(self, f"layer{i}", layer)
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = fc

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        return self.fc(torch.flatten(self.avgpool(x), 1))


class TVFeaturesClassifier(nn.Module):
    """torchvision's VGG / AlexNet / SqueezeNet / DenseNet layout: features, [avgpool],
    classifier."""

    def __init__(self, features: nn.Module, avgpool: Optional[nn.Module],
                 classifier: nn.Module, flatten: bool, relu_before_pool: bool = False):
        super().__init__()
        self.features = features
        if avgpool is not None:
            self.avgpool = avgpool
        self.classifier = classifier
        self._flatten, self._relu = flatten, relu_before_pool

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.features(x)
        if self._relu:  # DenseNet: relu then global pooling
            x = nn.functional.adaptive_avg_pool2d(torch.relu(x), (1, 1))
        elif hasattr(self, "avgpool"):
            x = self.avgpool(x)
        if self._flatten:
            x = torch.flatten(x, 1)
        x = self.classifier(x)
        return x if self._flatten else torch.flatten(x, 1)


class _TVFire(nn.Module):
    def __init__(self, squeeze: nn.Module, expand1x1: nn.Module, expand3x3: nn.Module):
        super().__init__()
        self.squeeze, self.squeeze_activation = squeeze, nn.ReLU()
        self.expand1x1, self.expand1x1_activation = expand1x1, nn.ReLU()
        self.expand3x3, self.expand3x3_activation = expand3x3, nn.ReLU()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.squeeze_activation(self.squeeze(x))
        return torch.cat([self.expand1x1_activation(self.expand1x1(x)),
                          self.expand3x3_activation(self.expand3x3(x))], 1)


class _TVDenseLayer(nn.Module):
    def __init__(self, norm1: nn.Module, conv1: nn.Module, norm2: nn.Module, conv2: nn.Module,
                 drop: Optional[nn.Module]):
        super().__init__()
        self.norm1, self.relu1, self.conv1 = norm1, nn.ReLU(), conv1
        self.norm2, self.relu2, self.conv2 = norm2, nn.ReLU(), conv2
        self.drop = drop

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.conv1(self.relu1(self.norm1(x)))
        y = self.conv2(self.relu2(self.norm2(y)))
        if self.drop is not None:
            y = self.drop(y)
        return torch.cat([x, y], 1)


def _plain(m: nn.Module, kind: str) -> nn.Module:
    """torchvision's leaf modules (nn.Conv2d / nn.Linear / nn.BatchNorm2d) sharing ``m``'s
    tensors, so state-dict keys and module types are torchvision's."""
    if kind == "conv":
        w = m.weight
        c = nn.Conv2d(w.shape[1] * m.groups, w.shape[0], tuple(w.shape[2:]), m.stride,
                      m.padding, m.dilation, m.groups, bias=m.bias is not None)
        c.weight, c.bias = m.weight, m.bias
        return c
    if kind == "linear":
        lin = nn.Linear(m.weight.shape[1], m.weight.shape[0], bias=m.bias is not None)
        lin.weight, lin.bias = m.weight, m.bias
        return lin
    bn = nn.BatchNorm2d(m.num_features, eps=m.eps, momentum=m.momentum)
    bn.weight, bn.bias, bn.running_mean, bn.running_var = (m.weight, m.bias, m.running_mean,
                                                           m.running_var)
    return bn


def _with_act(conv: nn.Module) -> List[nn.Module]:
    mods = [_plain(conv, "conv")]
    if conv.act is not None:
        mods.append(conv.act)
    return mods


def torchvision_arch(net: Any) -> str:
    """torchvision's constructor name for ``net`` ('resnet18', 'vgg16_bn', 'alexnet',
    'squeezenet1_1', 'densenet121', ...), or MXNetError saying why the zoo network has no
    torchvision twin."""
    from .vision import densenet, mobilenet, resnet, squeezenet, vgg
    from .vision.alexnet import AlexNet
    if isinstance(net, resnet.ResNetV1):
        stages = [c for c in net.features._children.values()
                  if isinstance(c, resnet.HybridBlock) and c.prefix.endswith(("stage1_",
                                                                              "stage2_",
                                                                              "stage3_",
                                                                              "stage4_"))]
        blocks = [list(s._children.values()) for s in stages]
        if len(net.features) != 9 or not all(isinstance(b, resnet.BasicBlockV1)
                                              for s in blocks for b in s):
            raise MXNetError(
                "torchvision_arch: only ResNet-18/34 V1 (basic blocks, 7x7 stem) match "
                "torchvision exactly; MXNet's ResNet-50/101/152 V1 strides the first 1x1 "
                "convolution of a bottleneck (and gives it a bias) where torchvision strides the "
                "3x3 one, so its weights compute something else in torchvision's resnet50: use "
                "to_torch_module instead")
        depth = {(2, 2, 2, 2): 18, (3, 4, 6, 3): 34}.get(tuple(len(s) for s in blocks))
        if depth is None:
            raise MXNetError("torchvision_arch: this ResNet V1 depth has no torchvision model")
        return f"resnet{depth}"
    if isinstance(net, vgg.VGG):
        convs = sum(1 for c in net.features._children.values() if type(c).__name__ == "Conv2D")
        bn = any(type(c).__name__ == "BatchNorm" for c in net.features._children.values())
        if convs not in (8, 10, 13, 16):
            raise MXNetError("torchvision_arch: this VGG depth has no torchvision model")
        return f"vgg{convs + 3}" + ("_bn" if bn else "")
    if isinstance(net, AlexNet):
        return "alexnet"
    if isinstance(net, squeezenet.SqueezeNet):
        first = net.features[0]
        return "squeezenet1_0" if first._kwargs["kernel"] == (7, 7) else "squeezenet1_1"
    if isinstance(net, densenet.DenseNet):
        conv0 = net.features[0].weight.shape[0]
        blocks = tuple(len(net.features[i]) for i in (4, 6, 8, 10))
        arch = {(64, (6, 12, 24, 16)): "densenet121", (96, (6, 12, 36, 24)): "densenet161",
                (64, (6, 12, 32, 32)): "densenet169",
                (64, (6, 12, 48, 32)): "densenet201"}.get((conv0, blocks))
        if arch is None:
            raise MXNetError("torchvision_arch: this DenseNet configuration has no torchvision "
                             "model")
        return arch
    if isinstance(net, (mobilenet.MobileNetV2, mobilenet.MobileNet)):
        raise MXNetError(
            "torchvision_arch: MXNet's MobileNet differs from torchvision's (MobileNetV2: an "
            "extra 1x1 expansion in the first block, widths not rounded to multiples of 8, a "
            "bias-free 1x1 convolution as classifier; MobileNet V1: not in torchvision): use "
            "to_torch_module instead")
    raise MXNetError(f"torchvision_arch: {type(net).__name__} has no torchvision twin here "
                     "(ResNet-18/34 V1, VGG, AlexNet, SqueezeNet and DenseNet do); use "
                     "to_torch_module instead")


def to_torchvision(net: Any) -> nn.Module:
    """``net`` (a zoo ResNet-18/34 V1, VGG, AlexNet, SqueezeNet or DenseNet) as a torch module
    with torchvision's structure and state-dict keys, sharing ``net``'s tensors; in eval mode.
    Its ``state_dict()`` loads into ``torchvision.models.<torchvision_arch(net)>(num_classes=
    classes)``."""
    arch = torchvision_arch(net)
    m = to_torch_module(net)
    f = m.features
    if arch.startswith("resnet"):
        layers = []
        for stage in list(f)[4:8]:
            blocks = [_TVBasicBlock(_plain(b.body[0], "conv"), _plain(b.body[1], "bn"),
                                    _plain(b.body[3], "conv"), _plain(b.body[4], "bn"),
                                    None if b.downsample is None else nn.Sequential(
                                        _plain(b.downsample[0], "conv"),
                                        _plain(b.downsample[1], "bn")))
                      for b in stage]
            layers.append(nn.Sequential(*blocks))
        out = TVResNet(_plain(f[0], "conv"), _plain(f[1], "bn"), layers,
                       _plain(m.output, "linear"))
    elif arch.startswith("vgg"):
        feats: List[nn.Module] = []
        dense: List[nn.Module] = []
        for layer in f:
            if isinstance(layer, Conv):
                feats.append(_plain(layer, "conv"))
            elif isinstance(layer, BatchNorm):
                feats.append(_plain(layer, "bn"))
            elif isinstance(layer, Dense):
                dense.append(layer)
            elif not isinstance(layer, (nn.Dropout, nn.Flatten)):
                feats.append(layer)
        classifier = nn.Sequential(_plain(dense[0], "linear"), nn.ReLU(), nn.Dropout(0.5),
                                   _plain(dense[1], "linear"), nn.ReLU(), nn.Dropout(0.5),
                                   _plain(m.output, "linear"))
        out = TVFeaturesClassifier(nn.Sequential(*feats), nn.AdaptiveAvgPool2d((7, 7)),
                                   classifier, flatten=True)
    elif arch == "alexnet":
        feats = []
        for layer in list(f)[:8]:
            feats.extend(_with_act(layer) if isinstance(layer, Conv) else [layer])
        classifier = nn.Sequential(nn.Dropout(0.5), _plain(f[9], "linear"), nn.ReLU(),
                                   nn.Dropout(0.5), _plain(f[11], "linear"), nn.ReLU(),
                                   _plain(m.output, "linear"))
        out = TVFeaturesClassifier(nn.Sequential(*feats), nn.AdaptiveAvgPool2d((6, 6)),
                                   classifier, flatten=True)
    elif arch.startswith("squeezenet"):
        feats = []
        for layer in list(f)[:-1]:  # the trailing Dropout moves into the classifier
            if isinstance(layer, nn.Sequential):  # a fire module
                feats.append(_TVFire(_plain(layer[0][0], "conv"), _plain(layer[1][0][0], "conv"),
                                     _plain(layer[1][1][0], "conv")))
            elif isinstance(layer, Conv):
                feats.append(_plain(layer, "conv"))
            else:
                feats.append(layer)
        classifier = nn.Sequential(nn.Dropout(0.5), _plain(m.output[0], "conv"), nn.ReLU(),
                                   nn.AdaptiveAvgPool2d((1, 1)))
        out = TVFeaturesClassifier(nn.Sequential(*feats), None, classifier, flatten=False)
    else:  # densenet
        feats_od: Dict[str, nn.Module] = {
            "conv0": _plain(f[0], "conv"), "norm0": _plain(f[1], "bn"), "relu0": nn.ReLU(),
            "pool0": f[3]}
        for k, idx in enumerate((4, 6, 8, 10), 1):
            block = nn.Module()
            for j, layer in enumerate(f[idx], 1):
                seq = layer[1]
                drop = seq[6] if len(seq) > 6 else None
                block.add_module(f"denselayer{j}", _TVDenseLayer(
                    _plain(seq[0], "bn"), _plain(seq[2], "conv"), _plain(seq[3], "bn"),
                    _plain(seq[5], "conv"), drop))
            feats_od[f"denseblock{k}"] = _DenseBlock(block)
            if k < 4:
                tr = f[idx + 1]
                feats_od[f"transition{k}"] = nn.Sequential(_named(
                    norm=_plain(tr[0], "bn"), relu=nn.ReLU(), conv=_plain(tr[2], "conv"),
                    pool=tr[3]))
        feats_od["norm5"] = _plain(f[11], "bn")
        out = TVFeaturesClassifier(nn.Sequential(_named(**feats_od)), None,
                                   _plain(m.output, "linear"), flatten=True,
                                   relu_before_pool=True)
    return out.eval()


def _named(**mods: nn.Module) -> "OrderedDict[str, nn.Module]":
    return OrderedDict(mods)


class _DenseBlock(nn.Module):
    """torchvision's _DenseBlock: its layers (``denselayer<j>``) applied in turn."""

    def __init__(self, holder: nn.Module):
        super().__init__()
        for name, mod in holder.named_children():
            self.add_module(name, mod)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for layer in self.children():
            x = layer(x)
        return x


def torchvision_state_dict(net: Any) -> Dict[str, torch.Tensor]:
    """The state dict of :func:`to_torchvision` (detached tensors sharing ``net``'s memory),
    with torchvision's key names; ``num_batches_tracked`` entries are included as zeros, as
    torchvision's models expect them."""
    sd = to_torchvision(net).state_dict()
    return {k: v.detach() for k, v in sd.items()}

