"""``mx.contrib.amp``: importable, so that scripts and test suites that import it at module
level load; automatic mixed precision itself is not supported (each call raises an
``MXNetError``). In PyTorch, ``torch.autocast`` and ``torch.amp.GradScaler`` do this job."""
from __future__ import annotations

from . import amp
from .amp import (convert_bucketing_module, convert_hybrid_block, convert_model,
                  convert_symbol, init, init_trainer, list_conditional_fp32_ops,
                  list_fp32_ops, list_lp16_fp32_ops, list_lp16_ops, list_widest_type_cast,
                  scale_loss, unscale)

__all__ = ["amp", "init", "init_trainer", "scale_loss", "unscale", "convert_symbol",
           "convert_model", "convert_hybrid_block", "convert_bucketing_module",
           "list_lp16_ops", "list_fp32_ops", "list_lp16_fp32_ops",
           "list_conditional_fp32_ops", "list_widest_type_cast"]
