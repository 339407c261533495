"""Get weights out of MXNet ``.params`` files: a Python API over ``mx.nd.load``.

* ``load_params(path)`` -> ``{name: NDArray}`` (list files get the names ``'0'``, ``'1'``, ...)
* ``describe(path)`` -> names, shapes, dtypes and sizes, without loading any data
* ``to_torch(path_or_dict, strip_prefix=..., strip_arg_aux=...)`` -> a torch state dict
* ``save_torch(path, state_dict, format='pt'|'safetensors')``

Names in ``.params`` files come in three flavours (see docs/weights.md): Gluon's
``save_parameters`` (``'0.weight'``, structural, like torch's), Gluon's
``collect_params().save`` (``'hybridsequential0_dense0_weight'``, prefixed), and Module /
``export`` checkpoints (``'arg:fc1_weight'``, ``'aux:bn1_moving_mean'``).
"""
from __future__ import annotations

import os
from typing import Any, Callable, Dict, List, Mapping, Optional, Union

import torch

from . import _dtypes
from .base import MXNetError, MXNetTypeError, MXNetValueError
from .ndarray import serialization as _ser
from .ndarray.ndarray import NDArray

__all__ = ["load_params", "describe", "to_torch", "save_torch", "FORMATS"]

FORMATS = ("pt", "safetensors")
PathLike = Union[str, "os.PathLike[str]"]
Progress = Optional[Callable[[int, int], None]]


def _path(p: Any, op: str) -> str:
    if isinstance(p, (str, os.PathLike)):
        return os.fspath(p) if not isinstance(p, str) else p  # type: ignore[return-value]
    raise MXNetTypeError(f"{op}: expected a file path, got {type(p).__name__}")


def load_params(path: PathLike, ctx: Any = None, progress: Progress = None
                ) -> Dict[str, NDArray]:
    """Load a ``.params`` file as a dict name -> NDArray (a list file's arrays are named
    ``'0'``, ``'1'``, ...). ``progress(done_bytes, total_bytes)`` is called while reading."""
    p = _path(path, "load_params")
    got = _ser.load_path(p, "load_params", ctx, progress)
    if isinstance(got, dict):
        return got
    return {str(i): a for i, a in enumerate(got)}


def describe(path: PathLike, where: Optional[str] = None) -> Dict[str, Any]:
    """What a ``.params`` file holds, read from its headers only (no array is built):
    ``{'file', 'bytes', 'kind': 'list'|'dict', 'arrays': [{'name', 'shape', 'dtype', 'stype',
    'format', 'elements', 'bytes', 'saved_ctx'}], 'total_elements', 'total_bytes'}``.
    ``bytes`` per array is its dense size once loaded."""
    p = _path(path, "inspect")
    where = where or f"params.describe: {p!r}"
    src_end: List[int] = []

    def headers(src: Any) -> Any:
        src_end.append(src.end)
        return _ser._parse(src, where)

    recs, names = _ser.with_file(p, "params.describe", where, headers)
    size = src_end[0]
    arrays: List[Dict[str, Any]] = []
    for i, r in enumerate(recs):
        arrays.append({
            "name": names[i] if names is not None else str(i),
            "shape": list(r.shape), "dtype": r.dtype_name, "stype": r.stype_name,
            "format": r.format, "elements": r.size, "bytes": r.nbytes,
            "saved_ctx": f"{_ser._DEV_TYPES[r.dev[0]]}({r.dev[1]})" if not r.none else None})
    return {"file": p, "bytes": size, "kind": "dict" if names is not None else "list",
            "arrays": arrays, "total_elements": sum(a["elements"] for a in arrays),
            "total_bytes": sum(a["bytes"] for a in arrays)}


def _strip(name: str, strip_prefix: Optional[str], strip_arg_aux: bool) -> str:
    if strip_arg_aux and (name.startswith("arg:") or name.startswith("aux:")):
        name = name[4:]
    if strip_prefix and name.startswith(strip_prefix):
        name = name[len(strip_prefix):]
    return name


def to_torch(src: Union[PathLike, Mapping[str, Any], List[Any]],
             strip_prefix: Optional[str] = None, strip_arg_aux: bool = True,
             dtype: Any = None, device: Any = None,
             rename: Union[None, Mapping[str, str], Callable[[str], str]] = None,
             clone: bool = False, progress: Progress = None) -> Dict[str, torch.Tensor]:
    """A torch state dict (name -> ``torch.Tensor``) from a ``.params`` file or from what
    ``mx.nd.load`` returned.

    * ``strip_arg_aux`` (default True): drop Module/export's ``'arg:'`` / ``'aux:'``.
    * ``strip_prefix``: drop this prefix where a name starts with it (after ``arg:``/``aux:``
      are stripped), e.g. ``'hybridsequential0_'``.
    * ``rename``: a dict (old name -> new name, names not in it are kept) or a function,
      applied last.
    * ``dtype``: cast floating-point tensors (integer/bool tensors are kept as they are).
    * ``device``: move every tensor there.
    * ``clone``: give every tensor its own storage (by default the tensors of one file are
      zero-copy views of the file's read buffer, which stays alive while any is used).

    Two names that become equal raise MXNetError naming both.
    """
    if isinstance(src, (str, os.PathLike)):
        items = list(load_params(src, progress=progress).items())
    elif isinstance(src, Mapping):
        items = list(src.items())
    elif isinstance(src, list):
        items = [(str(i), a) for i, a in enumerate(src)]
    else:
        raise MXNetTypeError("to_torch: expected a path, a dict name -> NDArray or a list of "
                             f"NDArrays, got {type(src).__name__}")
    fdt = None if dtype is None else _torch_dtype(dtype)
    out: Dict[str, torch.Tensor] = {}
    origin: Dict[str, str] = {}
    for name, a in items:
        if not isinstance(name, str):
            raise MXNetTypeError(f"to_torch: names must be str, got {name!r}")
        if isinstance(a, NDArray):
            t = a._t.detach()
        elif isinstance(a, torch.Tensor):
            t = a.detach()
        else:
            raise MXNetTypeError(f"to_torch: {name!r} is a {type(a).__name__}, not an NDArray")
        orig = t
        new = _strip(name, strip_prefix, strip_arg_aux)
        if rename is not None:
            new = rename(new) if callable(rename) else rename.get(new, new)
        if new in origin:
            raise MXNetValueError(f"to_torch: {origin[new]!r} and {name!r} both become "
                                  f"{new!r}; pass other strip/rename options")
        origin[new] = name
        if fdt is not None and t.is_floating_point() and t.dtype != fdt:
            t = t.to(fdt)
        if device is not None:
            t = t.to(device)
        if clone and t is orig:
            t = t.clone()
        out[new] = t
    return out


def _torch_dtype(dtype: Any) -> torch.dtype:
    if isinstance(dtype, torch.dtype):
        if not dtype.is_floating_point:
            raise MXNetValueError(f"to_torch: dtype must be a floating-point type, got {dtype}")
        return dtype
    if isinstance(dtype, str) and hasattr(torch, dtype) and \
            isinstance(getattr(torch, dtype), torch.dtype):
        return _torch_dtype(getattr(torch, dtype))
    return _torch_dtype(_dtypes.to_torch(dtype, where="to_torch"))


def save_torch(path: PathLike, state: Mapping[str, torch.Tensor], format: str = "pt") -> None:
    """Write a state dict: ``format='pt'`` with ``torch.save`` (load it with
    ``torch.load(path, weights_only=True)``), ``'safetensors'`` with the ``safetensors``
    package (an optional dependency: ``pip install safetensors``). The write is atomic."""
    p = _path(path, "save_torch")
    if format not in FORMATS:
        raise MXNetValueError(f"save_torch: format must be one of {FORMATS}, got {format!r}")
    state = {k: (v._t.detach() if isinstance(v, NDArray) else v) for k, v in state.items()}
    for k, v in state.items():
        if not isinstance(v, torch.Tensor):
            raise MXNetTypeError(f"save_torch: {k!r} is a {type(v).__name__}, not a tensor")
    if format == "pt":
        _ser.atomic_write(p, lambda f: torch.save(state, f), "save_torch")
        return
    try:
        from safetensors.torch import save as _st_save
    except ImportError:
        raise MXNetError("save_torch: format 'safetensors' needs the safetensors package "
                         "(pip install safetensors, or pip install mxcompat[safetensors])"
                         ) from None
    blob = _st_save({k: v.detach().cpu().contiguous() for k, v in state.items()})
    _ser.atomic_write(p, lambda f: f.write(blob), "save_torch")
