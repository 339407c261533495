"""Case modules, one per op family: each defines ``CASES = [Case(...), ...]``.

``load()`` imports every module here (sorted), sets ``case.family`` to the module name and
checks that case ids (``op[variant]``) are unique across the whole matrix.
"""
from __future__ import annotations

import importlib
import pkgutil
from typing import Dict, List

from ..spec import Case

_LOADED: Dict[str, List[Case]] = {}


def modules() -> List[str]:
    return sorted(m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_"))


def load(only: str = "") -> Dict[str, List[Case]]:
    """{module name: [cases]} for every case module (or just ``only``)."""
    if not _LOADED:
        seen: Dict[str, str] = {}
        for name in modules():
            mod = importlib.import_module(f"{__name__}.{name}")
            cases = list(getattr(mod, "CASES", ()))
            for c in cases:
                c.family = name
                if c.id in seen:
                    raise ValueError(f"compat_matrix: case {c.id} is declared in both "
                                     f"cases/{seen[c.id]}.py and cases/{name}.py")
                seen[c.id] = name
            _LOADED[name] = cases
    if only:
        return {only: _LOADED[only]}
    return dict(_LOADED)
