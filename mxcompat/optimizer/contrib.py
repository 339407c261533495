"""``mx.optimizer.contrib``: GroupAdaGrad (MXNet 1.9.1 has no AdamW optimizer class; its
AdamW is the operator ``mx.nd.contrib.adamw_update``)."""
from __future__ import annotations

from typing import Any

from ..base import MXNetAssertionError
from ..ndarray import NDArray, clip, contrib, mean, sqrt, square, zeros
from .optimizer import Optimizer, _check_weight, _number

register = Optimizer.register

__all__ = ["GroupAdaGrad"]


@register
class GroupAdaGrad(Optimizer):
    """AdaGrad with one accumulator per row of a 2-D weight:
    ``history += mean(g**2, axis=1); weight -= lr * g / sqrt(history + eps)``. No weight
    decay (a non-zero ``wd`` is an error, as in MXNet)."""

    def __init__(self, eps: float = 1e-5, **kwargs: Any):
        super().__init__(**kwargs)
        _number("GroupAdaGrad", "eps", eps)
        self.float_stable_eps = eps

    def create_state(self, index: Any, weight: NDArray) -> Any:
        if len(weight.shape) != 2:
            raise MXNetAssertionError(f"GroupAdaGrad: the weight must be 2-D, got shape "
                                      f"{weight.shape}")
        return zeros((weight.shape[0], 1), weight.context, stype=weight.stype)

    def update(self, index: Any, weight: NDArray, grad: NDArray, state: Any) -> None:
        _check_weight("GroupAdaGrad", weight, grad)
        self._update_count(index)
        lr = self._get_lr(index)
        wd = self._get_wd(index)
        if wd != 0:
            raise MXNetAssertionError("Weight decay is not supported for GroupAdaGrad")
        if grad.stype == "row_sparse":
            kwargs = {"epsilon": self.float_stable_eps, "rescale_grad": self.rescale_grad}
            if self.clip_gradient:
                kwargs["clip_gradient"] = self.clip_gradient
            contrib.group_adagrad_update(weight, grad, state, out=weight, lr=lr, **kwargs)
            return
        grad = grad * self.rescale_grad
        if self.clip_gradient is not None:
            grad = clip(grad, -self.clip_gradient, self.clip_gradient)
        state[:] += mean(square(grad), axis=1, keepdims=True)
        weight[:] -= lr * grad / sqrt(state + self.float_stable_eps)
