"""``mx.contrib.symbol``: MXNet's alias of ``mx.sym.contrib``."""
import sys

from ..symbol import contrib as _contrib

sys.modules[__name__] = _contrib
