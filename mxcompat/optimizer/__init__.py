"""``mx.optimizer``: MXNet 1.9.1's optimizers, built on the ``mx.nd`` update operators.

``mx.optimizer.create('adam', learning_rate=0.01)``, ``Optimizer.register``,
``get_updater(opt)`` and every optimizer of MXNet 1.9.1 (SGD, NAG, Signum, FTML, LARS, LBSGD,
DCASGD, SGLD, Adam, AdaGrad, RMSProp, AdaDelta, Ftrl, Adamax, Nadam, LAMB, Test, ccSGD and
``contrib.GroupAdaGrad``) with MXNet's numbers and states.
"""
from . import optimizer, contrib  # noqa: F401
from .optimizer import *  # noqa: F401,F403
from .optimizer import __all__ as _all

__all__ = list(_all) + ["contrib"]
