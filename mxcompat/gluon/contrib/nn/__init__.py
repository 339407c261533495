"""``mx.gluon.contrib.nn``: contributed layers."""
from __future__ import annotations

# gluon.nn re-exports Identity/SyncBatchNorm from basic_layers below, and basic_layers builds on
# gluon.nn's layers: load gluon.nn first so that reaching ``gluon.contrib.nn`` before
# ``gluon.nn`` is not a circular import
from ... import nn as _gluon_nn  # noqa: E402,F401
from .basic_layers import *  # noqa: F401,F403,E402
from .basic_layers import __all__  # noqa: F401
