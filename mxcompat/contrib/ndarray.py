"""``mx.contrib.ndarray``: MXNet's alias of ``mx.nd.contrib``."""
import sys

from ..ndarray import contrib as _contrib

sys.modules[__name__] = _contrib
