"""``mx.gluon.model_zoo.vision``: MXNet 1.9.1's predefined image classification networks.

Every network of MXNet 1.9.1 is here with the same block structure, so parameter names
(``resnetv10_conv0_weight``), ``collect_params()`` keys, ``save_parameters`` names and
``repr`` are MXNet's, and MXNet's ``.params`` files (the published pretrained ones and your
fine-tuned checkpoints) load unchanged. Inputs are NCHW RGB images in [0, 1] normalized with
mean (0.485, 0.456, 0.406) and std (0.229, 0.224, 0.225); 224x224 (299x299 for Inception V3).
"""
from __future__ import annotations

from typing import Any, Callable, Dict

from ...block import HybridBlock
from .alexnet import *  # noqa: F401,F403
from .densenet import *  # noqa: F401,F403
from .inception import *  # noqa: F401,F403
from .mobilenet import *  # noqa: F401,F403
from .resnet import *  # noqa: F401,F403
from .squeezenet import *  # noqa: F401,F403
from .vgg import *  # noqa: F401,F403
from .alexnet import alexnet as _alexnet_fn
from .densenet import densenet121, densenet161, densenet169, densenet201
from .inception import inception_v3
from .mobilenet import (mobilenet0_5, mobilenet0_25, mobilenet0_75, mobilenet1_0,
                        mobilenet_v2_0_5, mobilenet_v2_0_25, mobilenet_v2_0_75,
                        mobilenet_v2_1_0)
from .resnet import (resnet18_v1, resnet18_v2, resnet34_v1, resnet34_v2, resnet50_v1,
                     resnet50_v2, resnet101_v1, resnet101_v2, resnet152_v1, resnet152_v2)
from .squeezenet import squeezenet1_0, squeezenet1_1
from .vgg import vgg11, vgg11_bn, vgg13, vgg13_bn, vgg16, vgg16_bn, vgg19, vgg19_bn

#: get_model's names -> constructors (MXNet's table)
_models: Dict[str, Callable[..., HybridBlock]] = {
    "resnet18_v1": resnet18_v1, "resnet34_v1": resnet34_v1, "resnet50_v1": resnet50_v1,
    "resnet101_v1": resnet101_v1, "resnet152_v1": resnet152_v1,
    "resnet18_v2": resnet18_v2, "resnet34_v2": resnet34_v2, "resnet50_v2": resnet50_v2,
    "resnet101_v2": resnet101_v2, "resnet152_v2": resnet152_v2,
    "vgg11": vgg11, "vgg13": vgg13, "vgg16": vgg16, "vgg19": vgg19,
    "vgg11_bn": vgg11_bn, "vgg13_bn": vgg13_bn, "vgg16_bn": vgg16_bn, "vgg19_bn": vgg19_bn,
    "alexnet": _alexnet_fn,
    "densenet121": densenet121, "densenet161": densenet161, "densenet169": densenet169,
    "densenet201": densenet201,
    "squeezenet1.0": squeezenet1_0, "squeezenet1.1": squeezenet1_1,
    "inceptionv3": inception_v3,
    "mobilenet1.0": mobilenet1_0, "mobilenet0.75": mobilenet0_75,
    "mobilenet0.5": mobilenet0_5, "mobilenet0.25": mobilenet0_25,
    "mobilenetv2_1.0": mobilenet_v2_1_0, "mobilenetv2_0.75": mobilenet_v2_0_75,
    "mobilenetv2_0.5": mobilenet_v2_0_5, "mobilenetv2_0.25": mobilenet_v2_0_25,
}


def get_model(name: str, **kwargs: Any) -> HybridBlock:
    """The network called ``name`` (case-insensitive; see MXNet's list, e.g. 'resnet50_v1',
    'vgg16_bn', 'mobilenetv2_1.0'), built with ``kwargs``: ``pretrained`` (load the model
    store's weights), ``classes``, ``ctx`` (where pretrained weights go, default CPU), ``root``
    (the model store's folder, default ``$MXNET_HOME/models``). ValueError lists the names for
    an unknown one."""
    key = name.lower()
    if key not in _models:
        raise ValueError("Model %s is not supported. Available options are\n\t%s"
                         % (key, "\n\t".join(sorted(_models))))
    return _models[key](**kwargs)
