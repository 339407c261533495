"""``mx.lr_scheduler``: learning-rate schedules, stepping exactly as MXNet 1.9.1's.

A scheduler is called with the optimizer's update count (``num_update``, which starts at 1 for
the first step) and returns the learning rate for it. As in MXNet, the schedulers are
*stateful*: Factor/MultiFactor move their ``base_lr`` down as the count passes each step (and
never back), Poly/Cosine overwrite ``base_lr`` with the value for the count they were last
called with. Their attributes have MXNet's names, so a scheduler pickled inside a Trainer
states file moves between MXNet and mxcompat both ways.

PyTorch counterparts: ``torch.optim.lr_scheduler.StepLR`` (Factor), ``MultiStepLR``
(MultiFactor), ``PolynomialLR`` (Poly), ``CosineAnnealingLR`` (Cosine), ``LinearLR`` for the
warm-up; torch's step per ``scheduler.step()`` call, MXNet's per optimizer update.
"""
from __future__ import annotations

import logging
from math import cos, pi
from typing import Any

from .base import MXNetAssertionError, MXNetValueError

__all__ = ["LRScheduler", "FactorScheduler", "MultiFactorScheduler", "PolyScheduler",
           "CosineScheduler"]


class LRScheduler:
    """Base class: ``base_lr`` and an optional warm-up over the first ``warmup_steps`` updates
    (``'linear'`` from ``warmup_begin_lr`` up to ``base_lr``, or ``'constant'`` at
    ``warmup_begin_lr``)."""

    def __init__(self, base_lr: float = 0.01, warmup_steps: int = 0,
                 warmup_begin_lr: float = 0, warmup_mode: str = "linear"):
        self.base_lr = base_lr
        if not isinstance(warmup_steps, int):
            raise MXNetAssertionError(f"{type(self).__name__}: warmup_steps must be an int, "
                                      f"got {warmup_steps!r}")
        self.warmup_steps = warmup_steps
        self.warmup_final_lr = base_lr
        self.warmup_begin_lr = warmup_begin_lr
        if self.warmup_begin_lr > self.warmup_final_lr:
            raise MXNetValueError("Base lr has to be higher than warmup_begin_lr")
        if self.warmup_steps < 0:
            raise MXNetValueError("Warmup steps has to be positive or 0")
        if warmup_mode not in ("linear", "constant"):
            raise MXNetValueError("Supports only linear and constant modes of warmup")
        self.warmup_mode = warmup_mode

    def get_warmup_lr(self, num_update: int) -> float:
        """The learning rate during warm-up (``num_update < warmup_steps``)."""
        if not num_update < self.warmup_steps:
            raise MXNetAssertionError(f"get_warmup_lr: num_update {num_update} is not inside "
                                      f"the {self.warmup_steps} warm-up steps")
        if self.warmup_mode == "linear":
            span = self.warmup_final_lr - self.warmup_begin_lr
            return self.warmup_begin_lr + span * float(num_update) / float(self.warmup_steps)
        if self.warmup_mode == "constant":
            return self.warmup_begin_lr
        raise MXNetValueError(f"Invalid warmup mode {self.warmup_mode}")

    def __call__(self, num_update: int) -> float:
        raise NotImplementedError("must override this")


class FactorScheduler(LRScheduler):
    """Multiply the rate by ``factor`` every ``step`` updates, never below
    ``stop_factor_lr``: ``lr = base_lr * factor ** floor((num_update - 1) / step)``."""

    def __init__(self, step: int, factor: float = 1, stop_factor_lr: float = 1e-8,
                 base_lr: float = 0.01, warmup_steps: int = 0, warmup_begin_lr: float = 0,
                 warmup_mode: str = "linear"):
        super().__init__(base_lr, warmup_steps, warmup_begin_lr, warmup_mode)
        if step < 1:
            raise MXNetValueError("Schedule step must be greater or equal than 1 round")
        if factor > 1.0:
            raise MXNetValueError("Factor must be no more than 1 to make lr reduce")
        self.step = step
        self.factor = factor
        self.stop_factor_lr = stop_factor_lr
        self.count = 0

    def __call__(self, num_update: int) -> float:
        if num_update < self.warmup_steps:
            return self.get_warmup_lr(num_update)
        # the count only moves forward: a smaller num_update later keeps the reduced rate
        while num_update > self.count + self.step:
            self.count += self.step
            self.base_lr *= self.factor
            if self.base_lr < self.stop_factor_lr:
                self.base_lr = self.stop_factor_lr
                logging.info("Update[%d]: now learning rate arrived at %0.5e, will not "
                             "change in the future", num_update, self.base_lr)
            else:
                logging.info("Update[%d]: Change learning rate to %0.5e", num_update,
                             self.base_lr)
        return self.base_lr


class MultiFactorScheduler(LRScheduler):
    """Multiply the rate by ``factor`` once the update count passes each entry of ``step``
    (an increasing list)."""

    def __init__(self, step: Any, factor: float = 1, base_lr: float = 0.01,
                 warmup_steps: int = 0, warmup_begin_lr: float = 0,
                 warmup_mode: str = "linear"):
        super().__init__(base_lr, warmup_steps, warmup_begin_lr, warmup_mode)
        if not (isinstance(step, list) and len(step) >= 1):
            raise MXNetAssertionError(f"MultiFactorScheduler: step must be a non-empty list, "
                                      f"got {step!r}")
        for i, s in enumerate(step):
            if i != 0 and step[i] <= step[i - 1]:
                raise MXNetValueError("Schedule step must be an increasing integer list")
            if s < 1:
                raise MXNetValueError("Schedule step must be greater or equal than 1 round")
        if factor > 1.0:
            raise MXNetValueError("Factor must be no more than 1 to make lr reduce")
        self.step = step
        self.cur_step_ind = 0
        self.factor = factor
        self.count = 0

    def __call__(self, num_update: int) -> float:
        if num_update < self.warmup_steps:
            return self.get_warmup_lr(num_update)
        while self.cur_step_ind < len(self.step):
            if num_update <= self.step[self.cur_step_ind]:
                return self.base_lr
            self.count = self.step[self.cur_step_ind]
            self.cur_step_ind += 1
            self.base_lr *= self.factor
            logging.info("Update[%d]: Change learning rate to %0.5e", num_update, self.base_lr)
        return self.base_lr


class PolyScheduler(LRScheduler):
    """``final_lr + (base_lr - final_lr) * (1 - t / T) ** pwr`` with ``t`` the updates after
    warm-up and ``T = max_update - warmup_steps``; ``final_lr`` after ``max_update``."""

    def __init__(self, max_update: int, base_lr: float = 0.01, pwr: float = 2,
                 final_lr: float = 0, warmup_steps: int = 0, warmup_begin_lr: float = 0,
                 warmup_mode: str = "linear"):
        super().__init__(base_lr, warmup_steps, warmup_begin_lr, warmup_mode)
        if not isinstance(max_update, int):
            raise MXNetAssertionError(f"PolyScheduler: max_update must be an int, got "
                                      f"{max_update!r}")
        if max_update < 1:
            raise MXNetValueError("maximum number of updates must be strictly positive")
        self.power = pwr
        self.base_lr_orig = self.base_lr
        self.max_update = max_update
        self.final_lr = final_lr
        self.max_steps = self.max_update - self.warmup_steps

    def __call__(self, num_update: int) -> float:
        if num_update < self.warmup_steps:
            return self.get_warmup_lr(num_update)
        if num_update <= self.max_update:
            frac = float(num_update - self.warmup_steps) / float(self.max_steps)
            self.base_lr = self.final_lr + (self.base_lr_orig - self.final_lr) * \
                pow(1 - frac, self.power)
        return self.base_lr


class CosineScheduler(LRScheduler):
    """``final_lr + (base_lr - final_lr) * (1 + cos(pi * t / T)) / 2`` with ``t`` and ``T``
    as in :class:`PolyScheduler`; ``final_lr`` after ``max_update``."""

    def __init__(self, max_update: int, base_lr: float = 0.01, final_lr: float = 0,
                 warmup_steps: int = 0, warmup_begin_lr: float = 0,
                 warmup_mode: str = "linear"):
        super().__init__(base_lr, warmup_steps, warmup_begin_lr, warmup_mode)
        if not isinstance(max_update, int):
            raise MXNetAssertionError(f"CosineScheduler: max_update must be an int, got "
                                      f"{max_update!r}")
        if max_update < 1:
            raise MXNetValueError("maximum number of updates must be strictly positive")
        self.base_lr_orig = base_lr
        self.max_update = max_update
        self.final_lr = final_lr
        self.max_steps = self.max_update - self.warmup_steps

    def __call__(self, num_update: int) -> float:
        if num_update < self.warmup_steps:
            return self.get_warmup_lr(num_update)
        if num_update <= self.max_update:
            self.base_lr = self.final_lr + (self.base_lr_orig - self.final_lr) * \
                (1 + cos(pi * (num_update - self.warmup_steps) / self.max_steps)) / 2
        return self.base_lr
