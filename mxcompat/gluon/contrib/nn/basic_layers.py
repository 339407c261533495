"""Contributed layers: Concurrent, HybridConcurrent, Identity, SparseEmbedding,
SyncBatchNorm, PixelShuffle1D/2D/3D."""
from __future__ import annotations

import warnings
from typing import Any, Dict, Optional

from .... import context
from .... import ndarray as nd
from ....base import MXNetAssertionError
from ...block import Block, HybridBlock
from ...nn.basic_layers import BatchNorm, HybridSequential, Sequential

__all__ = ["Concurrent", "HybridConcurrent", "Identity", "SparseEmbedding", "SyncBatchNorm",
           "PixelShuffle1D", "PixelShuffle2D", "PixelShuffle3D"]


class Concurrent(Sequential):
    """Runs every child on the same input and concatenates the outputs along ``axis``."""

    def __init__(self, axis: int = -1, prefix: Optional[str] = None, params: Any = None):
        super().__init__(prefix=prefix, params=params)
        self.axis = axis

    def forward(self, x: Any) -> Any:
        outs = [block(x) for block in self._children.values()]
        return nd.concat(*outs, dim=self.axis)


class HybridConcurrent(HybridSequential):
    """Runs every HybridBlock child on the same input and concatenates the outputs along
    ``axis``."""

    def __init__(self, axis: int = -1, prefix: Optional[str] = None, params: Any = None):
        super().__init__(prefix=prefix, params=params)
        self.axis = axis

    def hybrid_forward(self, F: Any, x: Any) -> Any:
        outs = [block(x) for block in self._children.values()]
        return F.concat(*outs, dim=self.axis)


class Identity(HybridBlock):
    """Returns its input."""

    def __init__(self, prefix: Optional[str] = None, params: Any = None):
        super().__init__(prefix=prefix, params=params)

    def hybrid_forward(self, F: Any, x: Any) -> Any:
        return x


class SparseEmbedding(Block):
    """An Embedding whose weight and gradient are row_sparse (the rows a batch uses are
    pulled from the Trainer)."""

    def __init__(self, input_dim: int, output_dim: int, dtype: Any = "float32",
                 weight_initializer: Any = None, **kwargs: Any):
        super().__init__(**kwargs)
        self._kwargs = {"input_dim": input_dim, "output_dim": output_dim, "dtype": dtype,
                        "sparse_grad": True}
        self.weight = self.params.get("weight", shape=(input_dim, output_dim),
                                      init=weight_initializer, dtype=dtype,
                                      grad_stype="row_sparse", stype="row_sparse")

    def forward(self, x: Any) -> Any:
        weight = self.weight.row_sparse_data(x)
        return nd.Embedding(x, weight, name="fwd", **self._kwargs)

    def __repr__(self) -> str:
        k = self._kwargs
        return f"{self.__class__.__name__}({k['input_dim']} -> {k['output_dim']}, " \
               f"{k['dtype']})"


class SyncBatchNorm(BatchNorm):
    """Batch normalization whose statistics are computed over the whole batch across
    ``num_devices`` devices (on one device: BatchNorm's numbers)."""

    def __init__(self, in_channels: int = 0, num_devices: Optional[int] = None,
                 momentum: float = 0.9, epsilon: float = 1e-5, center: bool = True,
                 scale: bool = True, use_global_stats: bool = False,
                 beta_initializer: Any = "zeros", gamma_initializer: Any = "ones",
                 running_mean_initializer: Any = "zeros",
                 running_variance_initializer: Any = "ones", **kwargs: Any):
        super().__init__(axis=1, momentum=momentum, epsilon=epsilon, center=center,
                         scale=scale, use_global_stats=use_global_stats,
                         beta_initializer=beta_initializer, gamma_initializer=gamma_initializer,
                         running_mean_initializer=running_mean_initializer,
                         running_variance_initializer=running_variance_initializer,
                         in_channels=in_channels, **kwargs)
        if num_devices is None:
            num_devices = self._get_num_devices()
        self._kwargs: Dict[str, Any] = {
            "eps": epsilon, "momentum": momentum, "fix_gamma": not scale,
            "use_global_stats": use_global_stats, "ndev": num_devices, "key": self.prefix}

    def _get_num_devices(self) -> int:
        warnings.warn("Caution using SyncBatchNorm: if not using all the GPUs, please "
                      "mannually set num_devices", UserWarning, stacklevel=3)
        n = context.num_gpus()
        return n if n > 0 else 1

    def hybrid_forward(self, F: Any, x: Any, gamma: Any, beta: Any, running_mean: Any,
                       running_var: Any) -> Any:
        return F.contrib.SyncBatchNorm(x, gamma, beta, running_mean, running_var, name="fwd",
                                       **self._kwargs)


class PixelShuffle1D(HybridBlock):
    """``(N, C*f, W)`` -> ``(N, C, W*f)``: sub-pixel upsampling by ``factor``."""

    def __init__(self, factor: int):
        super().__init__()
        self._factor = int(factor)

    def hybrid_forward(self, F: Any, x: Any) -> Any:
        f = self._factor
        n, cf, w = x.shape
        y = F.reshape(x, shape=(n, cf // f, f, w))
        y = F.transpose(y, axes=(0, 1, 3, 2))
        return F.reshape(y, shape=(n, cf // f, w * f))

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}({self._factor})"


def _factors(factor: Any, n: int) -> tuple:
    try:
        return (int(factor),) * n
    except TypeError:
        out = tuple(int(f) for f in factor)
        if len(out) != n:
            raise MXNetAssertionError(f"wrong length {len(out)}") from None
        return out


class PixelShuffle2D(HybridBlock):
    """``(N, C*f1*f2, H, W)`` -> ``(N, C, H*f1, W*f2)``: sub-pixel upsampling."""

    def __init__(self, factor: Any):
        super().__init__()
        self._factors = _factors(factor, 2)

    def hybrid_forward(self, F: Any, x: Any) -> Any:
        f1, f2 = self._factors
        n, c, h, w = x.shape
        c //= f1 * f2
        y = F.reshape(x, shape=(n, c, f1, f2, h, w))
        y = F.transpose(y, axes=(0, 1, 4, 2, 5, 3))
        return F.reshape(y, shape=(n, c, h * f1, w * f2))

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}({self._factors})"


class PixelShuffle3D(HybridBlock):
    """``(N, C*f1*f2*f3, D, H, W)`` -> ``(N, C, D*f1, H*f2, W*f3)``: sub-pixel upsampling."""

    def __init__(self, factor: Any):
        super().__init__()
        self._factors = _factors(factor, 3)

    def hybrid_forward(self, F: Any, x: Any) -> Any:
        f1, f2, f3 = self._factors
        n, c, d, h, w = x.shape
        c //= f1 * f2 * f3
        y = F.reshape(x, shape=(n, c, f1, f2, f3, d, h, w))
        y = F.transpose(y, axes=(0, 1, 5, 2, 6, 3, 7, 4))
        return F.reshape(y, shape=(n, c, d * f1, h * f2, w * f3))

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}({self._factors})"
