"""``mx.runtime``: which features this installation has, by MXNet 1.9.1's feature names.

MXNet reports the compile-time options of its library. mxcompat answers for what it runs on:
``CUDA``/``CUDNN``/``NCCL`` from the installed torch, the ``CPU_*`` and ``F16C`` flags from the
processor, ``OPENMP``/``BLAS_*``/``LAPACK`` from torch's build, ``OPENCV`` when image decoding
works (Pillow), ``PROFILER`` (``mx.profiler`` works), and false for what mxcompat does not
provide (``MKLDNN`` operators, ``TENSORRT``, ``CUDA_RTC``, ``CAFFE``, ``DIST_KVSTORE``,
``TVM_OP``, ``INT64_TENSOR_SIZE``: shapes follow the default 32-bit-index build).
Like MXNet's, ``CUDA`` says whether the build has CUDA (torch's), not whether a GPU is present:
use ``mx.num_gpus()`` for that.
"""
from __future__ import annotations

import collections
import platform
from typing import Any, Dict, List, Optional, Set

__all__ = ["Feature", "feature_list", "Features"]

#: MXNet 1.9.1's feature names, in its order
FEATURE_NAMES = [
    "CUDA", "CUDNN", "NCCL", "CUDA_RTC", "TENSORRT", "CPU_SSE", "CPU_SSE2", "CPU_SSE3",
    "CPU_SSE4_1", "CPU_SSE4_2", "CPU_SSE4A", "CPU_AVX", "CPU_AVX2", "OPENMP", "SSE", "F16C",
    "JEMALLOC", "BLAS_OPEN", "BLAS_ATLAS", "BLAS_MKL", "BLAS_APPLE", "LAPACK", "MKLDNN",
    "OPENCV", "CAFFE", "PROFILER", "DIST_KVSTORE", "CXX14", "INT64_TENSOR_SIZE",
    "SIGNAL_HANDLER", "DEBUG", "TVM_OP",
]


class Feature:
    """One feature: ``name`` and ``enabled`` (printed as ``✔ NAME`` / ``✖ NAME``)."""

    __slots__ = ("_name", "_enabled")

    def __init__(self, name: str, enabled: bool):
        self._name = name
        self._enabled = bool(enabled)

    @property
    def name(self) -> str:
        """Feature name."""
        return self._name

    @property
    def enabled(self) -> bool:
        """Whether this installation has the feature."""
        return self._enabled

    def __repr__(self) -> str:
        return ("✔ {}" if self.enabled else "✖ {}").format(self.name)


def _cpu_flags() -> Optional[Set[str]]:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("flags"):
                    return set(line.split(":", 1)[1].split())
    except OSError:
        pass
    return None


def _cpu_features() -> Dict[str, bool]:
    x86 = platform.machine().lower() in ("x86_64", "amd64", "i386", "i686", "x86")
    flags = _cpu_flags()
    if flags is None:  # not Linux: what torch's kernel dispatch found
        try:
            import torch
            cap = torch.backends.cpu.get_cpu_capability()
        except Exception:
            cap = "DEFAULT"
        avx2 = x86 and cap in ("AVX2", "AVX512")
        flags = ({"sse", "sse2"} if x86 else set()) | (
            {"pni", "sse4_1", "sse4_2", "avx", "avx2", "f16c"} if avx2 else set())
    return {
        "CPU_SSE": "sse" in flags, "CPU_SSE2": "sse2" in flags, "CPU_SSE3": "pni" in flags,
        "CPU_SSE4_1": "sse4_1" in flags, "CPU_SSE4_2": "sse4_2" in flags,
        "CPU_SSE4A": "sse4a" in flags, "CPU_AVX": "avx" in flags,
        "CPU_AVX2": "avx2" in flags, "SSE": "sse2" in flags, "F16C": "f16c" in flags,
    }


def _detect() -> Dict[str, bool]:
    import torch
    found = dict.fromkeys(FEATURE_NAMES, False)
    found.update(_cpu_features())
    cuda = bool(torch.backends.cuda.is_built())
    found["CUDA"] = cuda
    found["CUDNN"] = cuda and bool(torch.backends.cudnn.is_available())
    try:
        import torch.distributed as dist
        found["NCCL"] = cuda and dist.is_available() and dist.is_nccl_available()
    except Exception:
        found["NCCL"] = False
    found["OPENMP"] = bool(torch.backends.openmp.is_available())
    config = torch.__config__.show()
    blas = ""
    for part in config.replace("\n", ",").split(","):
        part = part.strip()
        if part.startswith("BLAS_INFO="):
            blas = part.split("=", 1)[1].strip().lower()
    found["BLAS_MKL"] = blas == "mkl" or (not blas and bool(torch.backends.mkl.is_available()))
    found["BLAS_OPEN"] = blas in ("open", "openblas")
    found["BLAS_ATLAS"] = blas == "atlas"
    found["BLAS_APPLE"] = blas in ("accelerate", "apple")
    found["LAPACK"] = bool(getattr(torch._C, "has_lapack", False))
    try:
        import PIL.Image  # noqa: F401  (mx.image decoding)
        found["OPENCV"] = True
    except ImportError:
        found["OPENCV"] = False
    found["PROFILER"] = True
    found["CXX14"] = True
    found["SIGNAL_HANDLER"] = False
    found["DEBUG"] = False
    return found


def feature_list() -> List[Feature]:
    """Every feature of this installation, in MXNet's order."""
    return [Feature(name, enabled) for name, enabled in _detect().items()]


class Features(collections.OrderedDict):
    """The features by name (one shared instance, as in MXNet)."""

    instance: Any = None

    def __new__(cls) -> "Features":
        if cls.instance is None:
            cls.instance = super().__new__(cls)
            super(Features, cls.instance).__init__([(f.name, f) for f in feature_list()])
        return cls.instance

    def __init__(self) -> None:  # filled once in __new__; a second call changes nothing
        pass

    def __repr__(self) -> str:
        return str(list(self.values()))

    def is_enabled(self, feature_name: str) -> bool:
        """Whether the feature is enabled; RuntimeError for a name MXNet does not know."""
        feature_name = feature_name.upper()
        if feature_name not in self:
            raise RuntimeError("Feature '{}' is unknown, known features are: {}".format(
                feature_name, list(self.keys())))
        return self[feature_name].enabled
