"""Golden files: ``golden/<module>.json`` (what MXNet returned or raised, per cell sample,
one line each) beside ``golden/<module>.npz`` (the output values: one flat pool per dtype; the
"at" of each output/gradient entry is its offset in its dtype's pool). Written
deterministically: same data, byte-identical files (sorted keys, fixed zip timestamps)."""
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


def _dumps(doc: Dict[str, Any]) -> str:
    """JSON with one line per entry of the big sections (readable diffs, small files)."""
    parts = []
    for k in sorted(doc):
        v = doc[k]
        if isinstance(v, dict) and k in ("cells", "probe", "ops"):
            inner = ",\n".join(f"  {json.dumps(kk)}: "
                               f"{json.dumps(v[kk], sort_keys=True, separators=(',', ':'))}"
                               for kk in sorted(v))
            parts.append(f"{json.dumps(k)}: {{\n{inner}\n}}" if v else f"{json.dumps(k)}: {{}}")
        else:
            parts.append(f"{json.dumps(k)}: {json.dumps(v, sort_keys=True)}")
    return "{\n" + ",\n".join(parts) + "\n}\n"


def write(module: str, meta: Dict[str, Any], arrays: Dict[str, np.ndarray]) -> Tuple[Path, Path]:
    GOLDEN_DIR.mkdir(parents=True, exist_ok=True)
    jp, npp = GOLDEN_DIR / f"{module}.json", GOLDEN_DIR / f"{module}.npz"
    pools: Dict[str, list] = {}
    sizes: Dict[str, int] = {}
    cells = meta["cells"]
    for name in sorted(arrays):
        a = np.asarray(arrays[name])
        dt = a.dtype.name
        pools.setdefault(dt, []).append(a.reshape(-1))
        key, what = name.rsplit("|", 1)
        entry = _entry(cells[key], what)
        assert entry["dtype"] == dt and entry["shape"] == list(a.shape), name
        entry["at"] = sizes.get(dt, 0)
        sizes[dt] = sizes.get(dt, 0) + a.size
    jp.write_text(_dumps(meta))
    write_npz(npp, {dt: np.concatenate(p) if p else np.zeros(0, dt) for dt, p in pools.items()})
    return jp, npp


def _entry(rec: Dict[str, Any], what: str) -> Dict[str, Any]:
    """The out/grad entry an array name's last part ("out0", "grad1") refers to."""
    if what.startswith("out"):
        return rec["out"][int(what[3:])]
    i = int(what[4:])
    return next(g for g in rec["grad"] if g["input"] == i)


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
            with np.load(GOLDEN_DIR / f"{self.module}.npz", allow_pickle=False) as z:
                self._npz = {k: z[k] for k in z.files}
        key, what = name.rsplit("|", 1)
        e = _entry(self.meta["cells"][key], what)
        shape = e["shape"]
        n = int(np.prod(shape)) if shape else 1
        return self._npz[e["dtype"]][e["at"]:e["at"] + n].reshape(shape)


_CACHE: Dict[str, Golden] = {}


def load(module: str) -> Golden:
    g = _CACHE.get(module)
    if g is None:
        g = _CACHE[module] = Golden(module)
    return g
