"""The functions of MXNet 1.9.1's ``mx.contrib.amp.amp``: each raises an ``MXNetError``
(automatic mixed precision is not supported by mxcompat; see ``torch.autocast``)."""
from __future__ import annotations

from typing import Any, Callable

from ...base import MXNetError, unsupported


def _refuse(name: str) -> Callable[..., Any]:
    def fn(*args: Any, **kwargs: Any) -> Any:
        raise unsupported(f"mx.contrib.amp.{name}", "automatic mixed precision (AMP) is not "
                          "supported by mxcompat; in PyTorch use torch.autocast and "
                          "torch.amp.GradScaler")
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"MXNet's ``amp.{name}``: raises ``MXNetError`` (AMP is not supported)."
    return fn


init = _refuse("init")
init_trainer = _refuse("init_trainer")
scale_loss = _refuse("scale_loss")
unscale = _refuse("unscale")
convert_symbol = _refuse("convert_symbol")
convert_model = _refuse("convert_model")
convert_hybrid_block = _refuse("convert_hybrid_block")
convert_bucketing_module = _refuse("convert_bucketing_module")
list_lp16_ops = _refuse("list_lp16_ops")
list_fp32_ops = _refuse("list_fp32_ops")
list_lp16_fp32_ops = _refuse("list_lp16_fp32_ops")
list_conditional_fp32_ops = _refuse("list_conditional_fp32_ops")
list_widest_type_cast = _refuse("list_widest_type_cast")

__all__ = ["MXNetError", "init", "init_trainer", "scale_loss", "unscale", "convert_symbol",
           "convert_model", "convert_hybrid_block", "convert_bucketing_module",
           "list_lp16_ops", "list_fp32_ops", "list_lp16_fp32_ops",
           "list_conditional_fp32_ops", "list_widest_type_cast"]
