"""``mx.log``: MXNet's logging helpers (a coloured one-letter-level formatter)."""
from __future__ import annotations

import logging
import warnings
from typing import Any, Optional

__all__ = ["CRITICAL", "ERROR", "WARNING", "INFO", "DEBUG", "NOTSET", "getLogger",
           "get_logger"]

CRITICAL = logging.CRITICAL
ERROR = logging.ERROR
WARNING = logging.WARNING
INFO = logging.INFO
DEBUG = logging.DEBUG
NOTSET = logging.NOTSET

_LABELS = {logging.CRITICAL: "C", logging.ERROR: "E", logging.WARNING: "W", logging.INFO: "I",
           logging.DEBUG: "D"}


class _Formatter(logging.Formatter):
    """``<colour><level letter><mmdd HH:MM:SS> <pid> <path>:<func>:<line>] message``."""

    def __init__(self) -> None:
        super().__init__(datefmt="%m%d %H:%M:%S")

    def _get_color(self, level: int) -> str:
        if logging.WARNING <= level:
            return "\x1b[31m"
        if logging.INFO <= level:
            return "\x1b[32m"
        return "\x1b[34m"

    def _get_label(self, level: int) -> str:
        return _LABELS.get(level, "U")

    def format(self, record: logging.LogRecord) -> str:
        fmt = self._get_color(record.levelno) + self._get_label(record.levelno)
        fmt += "%(asctime)s %(process)d %(pathname)s:%(funcName)s:%(lineno)d]\x1b[0m %(message)s"
        self._style._fmt = fmt
        return super().format(record)


def getLogger(name: Optional[str] = None, filename: Optional[str] = None,
              filemode: Optional[str] = None, level: int = WARNING) -> logging.Logger:
    """Deprecated name of :func:`get_logger`."""
    warnings.warn("getLogger is deprecated, Use get_logger instead.", DeprecationWarning,
                  stacklevel=2)
    return get_logger(name, filename, filemode, level)


def get_logger(name: Optional[str] = None, filename: Optional[str] = None,
               filemode: Optional[str] = None, level: int = WARNING) -> logging.Logger:
    """The logger ``name``; the first call for a name adds a handler (a file when
    ``filename`` is given, else stderr with MXNet's formatter) and sets ``level``."""
    logger: Any = logging.getLogger(name)
    if name is not None and not getattr(logger, "_init_done", None):
        logger._init_done = True
        if filename:
            hdlr: logging.Handler = logging.FileHandler(filename, filemode or "a")
        else:
            hdlr = logging.StreamHandler()
            hdlr.setFormatter(_Formatter())
        logger.addHandler(hdlr)
        logger.setLevel(level)
    return logger
