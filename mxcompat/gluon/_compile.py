"""The opt-in compiled mode of ``HybridBlock.hybridize(backend='torch.compile')`` (or
``MXCOMPAT_HYBRIDIZE=compile``): the block's forward pass, as a function of the input tensors,
runs through ``torch.compile``. The parameters' tensors are read inside the compiled function
(torch.compile lifts them as inputs), so gradients still reach ``Parameter.grad()`` through
``mx.autograd``. Results are those of the eager pass (the same torch kernels; fusion may change
the last bits of floating-point sums). A forward pass torch.compile cannot handle runs eagerly
from then on, with one warning.
"""
from __future__ import annotations

import os
import warnings
from typing import Any, Dict, Optional

import torch

from ..ndarray.ndarray import NDArray, _wrap

#: torch.compile(mode=...) for the compiled mode (MXCOMPAT_COMPILE_MODE overrides)
_MODE_ENV = "MXCOMPAT_COMPILE_MODE"


class CompiledBlock:
    """Runs ``block.forward`` (the eager pass) through ``torch.compile``."""

    def __init__(self, block: Any, options: Optional[Dict[str, Any]] = None):
        self.block = block
        self.options = dict(options or {})
        self.failed = False
        self._fn: Any = None
        self._run: Any = None

    def _build(self) -> Any:
        block = self.block

        def run(*tensors: torch.Tensor) -> Any:
            ctxs = run.ctxs  # type: ignore[attr-defined]
            args = [_wrap(t, c) if t is not None else None for t, c in zip(tensors, ctxs)]
            out = block.forward(*args)
            if isinstance(out, NDArray):
                return out._t
            if isinstance(out, (list, tuple)):
                return tuple(o._t if isinstance(o, NDArray) else o for o in out)
            return out

        run.ctxs = []  # type: ignore[attr-defined]
        mode = os.environ.get(_MODE_ENV) or self.options.get("mode")
        kwargs: Dict[str, Any] = {"dynamic": False}
        if mode:
            kwargs["mode"] = mode
        if "fullgraph" in self.options:
            kwargs["fullgraph"] = bool(self.options["fullgraph"])
        self._run = run
        return torch.compile(run, **kwargs)

    def __call__(self, *args: Any) -> Any:
        if self.failed or not all(a is None or isinstance(a, NDArray) for a in args):
            return self.block.forward(*args)
        if self._fn is None:
            self._fn = self._build()
        self._run.ctxs = [a._ctx if a is not None else None  # type: ignore[attr-defined]
                          for a in args]
        try:
            out = self._fn(*[a._t if a is not None else None for a in args])
        except Exception as e:  # noqa: BLE001 - any compiler failure: fall back to eager
            self.failed = True
            warnings.warn(f"hybridize(backend='torch.compile'): torch.compile could not "
                          f"compile {type(self.block).__name__} ({type(e).__name__}: "
                          f"{str(e).splitlines()[0] if str(e) else ''}); running it eagerly",
                          RuntimeWarning, stacklevel=3)
            return self.block.forward(*args)
        ctx = args[0]._ctx if args and isinstance(args[0], NDArray) else None
        if isinstance(out, torch.Tensor):
            return _wrap(out, ctx)
        if isinstance(out, tuple):
            return [_wrap(o, ctx) if isinstance(o, torch.Tensor) else o for o in out]
        return out
