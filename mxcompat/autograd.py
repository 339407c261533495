"""``mx.autograd`` on torch autograd (being written): recording state only for now."""
from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Iterator

import torch

from ._state import STATE

__all__ = ["record", "pause", "train_mode", "predict_mode", "is_recording", "is_training",
           "set_recording", "set_training"]


def is_recording() -> bool:
    return STATE.recording


def is_training() -> bool:
    return STATE.training


def set_recording(is_recording: bool) -> bool:
    prev = STATE.recording
    STATE.recording = bool(is_recording)
    return prev


def set_training(train_mode: bool) -> bool:
    prev = STATE.training
    STATE.training = bool(train_mode)
    return prev


@contextmanager
def _scope(recording: Any, training: Any) -> Iterator[None]:
    prev = (STATE.recording, STATE.training)
    prev_grad = torch.is_grad_enabled()
    if recording is not None:
        STATE.recording = recording
        torch._C._set_grad_enabled(recording)
    if training is not None:
        STATE.training = training
    try:
        yield
    finally:
        STATE.recording, STATE.training = prev
        torch._C._set_grad_enabled(prev_grad)


def record(train_mode: bool = True) -> Any:
    return _scope(True, train_mode)


def pause(train_mode: bool = False) -> Any:
    return _scope(False, train_mode)


def train_mode() -> Any:
    return _scope(None, True)


def predict_mode() -> Any:
    return _scope(None, False)


def _check_inplace(arr: Any) -> None:
    """Called before an in-place write while recording (filled in by the autograd work)."""
