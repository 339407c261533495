"""Golden files: ``golden/<module>.json`` (what MXNet returned or raised, per cell sample)
beside ``golden/<module>.npz`` (the output values). Written deterministically: same data,
byte-identical files (sorted keys, fixed zip timestamps, no compression metadata drift)."""
from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any, Dict, Tuple

import numpy as np

GOLDEN_DIR = Path(__file__).resolve().parent / "golden"
_EPOCH = (1980, 1, 1, 0, 0, 0)


def write_npz(path: Path, arrays: Dict[str, np.ndarray]) -> None:
    """An .npz NumPy can read, with fixed timestamps and sorted members."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for key in sorted(arrays):
            a = np.ascontiguousarray(arrays[key])
            member = io.BytesIO()
            np.lib.format.write_array(member, a, version=(1, 0), allow_pickle=False)
            info = zipfile.ZipInfo(key + ".npy", date_time=_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3
            zf.writestr(info, member.getvalue(), compresslevel=6)
    path.write_bytes(buf.getvalue())


def write(module: str, meta: Dict[str, Any], arrays: Dict[str, np.ndarray]) -> Tuple[Path, Path]:
    GOLDEN_DIR.mkdir(parents=True, exist_ok=True)
    jp, npp = GOLDEN_DIR / f"{module}.json", GOLDEN_DIR / f"{module}.npz"
    jp.write_text(json.dumps(meta, indent=1, sort_keys=True) + "\n")
    write_npz(npp, arrays)
    return jp, npp


class Golden:
    """The recorded results of one case module (lazy: nothing loads until asked)."""

    def __init__(self, module: str) -> None:
        self.module = module
        self._meta: Any = None
        self._npz: Any = None

    @property
    def exists(self) -> bool:
        return (GOLDEN_DIR / f"{self.module}.json").exists()

    @property
    def meta(self) -> Dict[str, Any]:
        if self._meta is None:
            p = GOLDEN_DIR / f"{self.module}.json"
            self._meta = json.loads(p.read_text()) if p.exists() else {"cells": {}}
        return self._meta

    def cell(self, key: str) -> Any:
        return self.meta["cells"].get(key)

    def array(self, name: str) -> np.ndarray:
        if self._npz is None:
            self._npz = np.load(GOLDEN_DIR / f"{self.module}.npz", allow_pickle=False)
        return self._npz[name]


_CACHE: Dict[str, Golden] = {}


def load(module: str) -> Golden:
    g = _CACHE.get(module)
    if g is None:
        g = _CACHE[module] = Golden(module)
    return g
