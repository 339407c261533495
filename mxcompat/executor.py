"""``mx.executor``: the Executor of bound symbols (see mxcompat.symbol.executor)."""
from .symbol.executor import Executor

__all__ = ["Executor"]
