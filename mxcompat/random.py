"""``mx.random``: seeding, and the distribution functions of ``mx.nd.random``.

mxcompat keeps its own torch generators, one per device, so seeding MXNet code never disturbs
the user's own torch random state. As in MXNet, a fresh process starts from a fixed seed, so
unseeded runs are reproducible too. The bit streams differ from MXNet's (MXNet's own CPU and
GPU streams differ as well): same seed, same numbers, same distributions.
"""
from __future__ import annotations

from typing import Any, Dict

import numpy as np
import torch

from .base import MXNetValueError

__all__ = ["seed", "generator"]

_DEFAULT_SEED = 0
_GENERATORS: Dict[str, torch.Generator] = {}


def generator(device: torch.device) -> torch.Generator:
    """The mxcompat generator for ``device`` (created and seeded on first use)."""
    key = str(device)
    g = _GENERATORS.get(key)
    if g is None:
        g = torch.Generator(device=device)
        g.manual_seed(_seed_for(_DEFAULT_SEED, key))
        _GENERATORS[key] = g
    return g


def _seed_for(s: int, key: str) -> int:
    # distinct but reproducible streams per device
    return (int(s) * 1000003 + sum(key.encode())) % (2 ** 63)


def seed(seed_state: Any, ctx: Any = "all") -> None:
    """Seed the random generators of all devices (``ctx='all'``) or of one context."""
    if isinstance(seed_state, bool) or not isinstance(seed_state, (int, np.integer)):
        raise MXNetValueError("seed_state must be int")
    global _DEFAULT_SEED
    s = int(seed_state)
    if isinstance(ctx, str) and ctx == "all":
        _DEFAULT_SEED = s
        for key, g in _GENERATORS.items():
            g.manual_seed(_seed_for(s, key))
        return
    from .context import Context
    if not isinstance(ctx, Context):
        raise MXNetValueError(f"seed: ctx must be 'all' or a Context, got {ctx!r}")
    dev = ctx.torch_device
    g = generator(dev)
    g.manual_seed(_seed_for(s, str(dev)))


#: the mx.nd.random functions that MXNet 1.9.1 also exposes as mx.random.<name>
_MIRRORED = frozenset({"exponential", "gamma", "generalized_negative_binomial", "multinomial",
                       "negative_binomial", "normal", "poisson", "randint", "randn", "shuffle",
                       "uniform"})


def __getattr__(name: str) -> Any:
    # mx.random.uniform & co. are the mx.nd.random functions
    if name in _MIRRORED:
        from .ndarray import random as _ndr
        return getattr(_ndr, name)
    raise AttributeError(f"module 'mxcompat.random' has no attribute {name!r}")
