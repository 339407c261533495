"""``mx.libinfo``: where MXNet's library and headers are. mxcompat has neither (it runs on
torch): the finders raise ``RuntimeError`` as MXNet does when nothing is found, after
honouring ``MXNET_LIBRARY_PATH``/``MXNET_INCLUDE_PATH``/``MXNET_CONF_PATH``."""
from __future__ import annotations

import os
from typing import List

__all__ = ["find_lib_path", "find_include_path", "find_conf_path", "__version__"]

#: the MXNet version whose behaviour mxcompat reproduces
__version__ = "1.9.1"


def _from_env(var: str, isdir: bool = False) -> str:
    path = os.environ.get(var)
    ok = os.path.isdir(path) if (path and isdir) else (path and os.path.isfile(path))
    if path and ok and os.path.isabs(path):
        return path
    return ""


def find_lib_path(prefix: str = "libmxnet") -> List[str]:
    """``[$MXNET_LIBRARY_PATH]`` when it names a file; otherwise RuntimeError (mxcompat has
    no libmxnet)."""
    lib = _from_env("MXNET_LIBRARY_PATH")
    if lib:
        return [lib]
    raise RuntimeError(f"Cannot find the MXNet library: mxcompat runs MXNet's API on torch "
                       f"and has no {prefix} shared library")


def find_include_path() -> str:
    """``$MXNET_INCLUDE_PATH`` when it names a folder; otherwise RuntimeError."""
    incl = _from_env("MXNET_INCLUDE_PATH", isdir=True)
    if incl:
        return incl
    raise RuntimeError("Cannot find the MXNet include path: mxcompat has no C headers")


def find_conf_path(prefix: str = "tvmop") -> str:
    """``$MXNET_CONF_PATH`` when it names a file; otherwise RuntimeError."""
    conf = _from_env("MXNET_CONF_PATH")
    if conf:
        return conf
    raise RuntimeError(f"Cannot find the TVM op config ({prefix}.conf): mxcompat has no TVM "
                       "operators")
