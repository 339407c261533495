"""``mx.error``: MXNet's structured error classes and their registry."""
from __future__ import annotations

from .base import InternalError, MXNetError, register_error

__all__ = ["MXNetError", "register", "InternalError"]

register = register_error
