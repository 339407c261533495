"""Contexts: ``mx.cpu()``, ``mx.gpu(i)``, ``mx.Context``; mapping to ``torch.device``.

``gpu(i)`` maps to ``cuda:i``. Without CUDA, a GPU context fails with an MXNetError at its first
use (creating the Context never fails, as in MXNet). Setting the environment variable
``MXCOMPAT_GPU_FALLBACK=cpu`` instead runs GPU contexts on the CPU, with one warning; the
arrays still report ``gpu(i)`` so printed output matches the GPU run.
"""
from __future__ import annotations

import os
import threading
import warnings
from typing import Any, Optional

import torch

from .base import MXNetError, MXNetKeyError

__all__ = ["Context", "cpu", "gpu", "cpu_pinned", "current_context", "num_gpus",
           "gpu_memory_info"]

FALLBACK_ENV = "MXCOMPAT_GPU_FALLBACK"
_CPU = torch.device("cpu")


class _DefaultContext(threading.local):
    """The per-thread default context (``with mx.gpu(0):``); None means cpu(0). The class
    attribute is what a thread that never set one reads (no AttributeError to catch)."""

    value: "Optional[Context]" = None


_DEFAULT_CTX_DEPRECATED = ("Context.default_ctx has been deprecated. Please use "
                           "Context.current_context() instead. Please use "
                           "test_utils.set_default_context to set a default context")


class _ContextMeta(type):
    """``Context.default_ctx``: MXNet's deprecated class property (get and set)."""

    @property
    def default_ctx(cls) -> "Context":
        warnings.warn(_DEFAULT_CTX_DEPRECATED, DeprecationWarning, stacklevel=2)
        return current_context()

    @default_ctx.setter
    def default_ctx(cls, val: "Context") -> None:
        warnings.warn(_DEFAULT_CTX_DEPRECATED, DeprecationWarning, stacklevel=2)
        Context._default.value = val


class Context(metaclass=_ContextMeta):
    """A device context, as in MXNet: ``Context('gpu', 1)``, ``Context(other_ctx)``."""

    devtype2str = {1: "cpu", 2: "gpu", 3: "cpu_pinned", 5: "cpu_shared"}
    devstr2type = {"cpu": 1, "gpu": 2, "cpu_pinned": 3, "cpu_shared": 5}
    _default = _DefaultContext()
    __slots__ = ("device_typeid", "device_id", "_old_ctx", "_device")

    device_typeid: int
    device_id: int

    def __init__(self, device_type: Any, device_id: int = 0):
        if isinstance(device_type, Context):
            self.device_typeid = device_type.device_typeid
            self.device_id = device_type.device_id
        else:
            try:
                self.device_typeid = Context.devstr2type[device_type]
            except (KeyError, TypeError):
                raise MXNetKeyError(
                    f"Context: unknown device type {device_type!r}; expected one of "
                    "'cpu', 'gpu', 'cpu_pinned', 'cpu_shared'") from None
            self.device_id = int(device_id)
        self._old_ctx: Optional[Context] = None
        self._device: Optional[torch.device] = None

    @property
    def device_type(self) -> str:
        return Context.devtype2str[self.device_typeid]

    def __hash__(self) -> int:
        return hash((self.device_typeid, self.device_id))

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, Context) and self.device_typeid == other.device_typeid
                and self.device_id == other.device_id)

    def __ne__(self, other: object) -> bool:
        return not self.__eq__(other)

    def __str__(self) -> str:
        return f"{self.device_type}({self.device_id})"

    __repr__ = __str__

    def __enter__(self) -> "Context":
        self._old_ctx = current_context()
        Context._default.value = self
        return self

    def __exit__(self, *exc: Any) -> None:
        Context._default.value = self._old_ctx

    def __reduce__(self):
        return (Context, (self.device_type, self.device_id))

    @property
    def torch_device(self) -> torch.device:
        """The torch device this context runs on (raises MXNetError if unavailable)."""
        dev = self._device
        if dev is None:
            dev = self._device = _resolve(self)
        return dev

    def empty_cache(self) -> None:
        if self.device_typeid == 2 and torch.cuda.is_available():
            torch.cuda.empty_cache()

    @classmethod
    def _get_default(cls) -> "Context":
        return current_context()


_warned_fallback = False


def _resolve(ctx: Context) -> torch.device:
    if ctx.device_typeid != 2:
        return _CPU
    if torch.cuda.is_available() and ctx.device_id < torch.cuda.device_count():
        return torch.device("cuda", ctx.device_id)
    if os.environ.get(FALLBACK_ENV, "").lower() == "cpu":
        global _warned_fallback
        if not _warned_fallback:
            _warned_fallback = True
            warnings.warn(f"{FALLBACK_ENV}=cpu: running GPU contexts such as {ctx} on the CPU",
                          RuntimeWarning, stacklevel=4)
        return _CPU
    if not torch.cuda.is_available():
        why = "CUDA is not available to torch on this machine"
    else:
        why = f"only {torch.cuda.device_count()} CUDA device(s) are visible"
    raise MXNetError(f"Context {ctx}: GPU is not available ({why}). Set the environment "
                     f"variable {FALLBACK_ENV}=cpu to run GPU scripts on the CPU.")


_CPU0 = Context("cpu", 0)


def cpu(device_id: int = 0) -> Context:
    return Context("cpu", device_id)


def gpu(device_id: int = 0) -> Context:
    return Context("gpu", device_id)


def cpu_pinned(device_id: int = 0) -> Context:
    return Context("cpu_pinned", device_id)


def current_context() -> Context:
    ctx = Context._default.value
    return _CPU0 if ctx is None else ctx


def num_gpus() -> int:
    return torch.cuda.device_count() if torch.cuda.is_available() else 0


def gpu_memory_info(device_id: int = 0) -> tuple:
    """(free, total) bytes of a GPU, as MXNet returns them."""
    if not torch.cuda.is_available():
        raise MXNetError("gpu_memory_info: this call needs a CUDA device, and none is available")
    free, total = torch.cuda.mem_get_info(device_id)
    return free, total


def context_of_device(device: torch.device) -> Context:
    if device.type == "cuda":
        return Context("gpu", device.index or 0)
    return _CPU0
