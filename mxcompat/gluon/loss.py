"""``mx.gluon.loss``: MXNet 1.9.1's loss functions as HybridBlocks.

Every loss is a :class:`Loss` (a HybridBlock named ``<classname>N`` as in MXNet, printed as
``ClassName(batch_axis=0, w=None)``) whose ``hybrid_forward(F, pred, label, ...)`` is written
over ``F``'s ops, so autograd flows through it like through any other block. The numbers are
MXNet's, formula for formula (see docs/losses-metrics.md for what each loss becomes in torch):

=============================  ============================================================
loss                           per-element value (then ``sample_weight``, ``weight``, mean)
=============================  ============================================================
L2Loss                         ``weight/2 * (label - pred)**2`` (``weight`` defaults to 1)
L1Loss                         ``|label - pred|``
SigmoidBinaryCrossEntropyLoss  stable ``-(y log s(x) + (1-y) log(1-s(x)))``, ``pos_weight``
SoftmaxCrossEntropyLoss        ``-log_softmax(pred)[label]`` (or ``-sum(label*logp)``)
KLDivLoss                      ``label * (log(label + 1e-12) - pred)``, summed
CTCLoss                        the CTC negative log-likelihood per sequence
HuberLoss                      ``|d| - rho/2`` beyond ``rho``, ``d**2/(2 rho)`` inside
HingeLoss / SquaredHingeLoss   ``max(0, margin - pred*label)`` (squared)
LogisticLoss                   ``log(1 + exp(-pred*label))`` (labels -1/1 or 0/1)
TripletLoss                    ``max(0, |a-p|^2 - |a-n|^2 + margin)`` per sample
PoissonNLLLoss                 ``exp(pred) - target*pred`` (+ Stirling term), a scalar mean
CosineEmbeddingLoss            ``1 - cos`` for label 1, ``max(0, cos - margin)`` for -1
SDMLLoss                       KL between smoothed identity and softmax(-distances)
=============================  ============================================================
"""
from __future__ import annotations

import math
from typing import Any, Optional

from .. import ndarray as _nd
from ..base import MXNetAssertionError, MXNetValueError, numeric_types
from .block import HybridBlock

__all__ = ["Loss", "L2Loss", "L1Loss", "SigmoidBinaryCrossEntropyLoss", "SigmoidBCELoss",
           "SoftmaxCrossEntropyLoss", "SoftmaxCELoss", "KLDivLoss", "CTCLoss", "HuberLoss",
           "HingeLoss", "SquaredHingeLoss", "LogisticLoss", "TripletLoss", "PoissonNLLLoss",
           "CosineEmbeddingLoss", "SDMLLoss"]

def _weighted(F: Any, loss: Any, weight: Optional[float] = None,
              sample_weight: Any = None) -> Any:
    """``loss * sample_weight`` (broadcast) and then ``* weight`` (a number)."""
    if sample_weight is not None:
        loss = F.broadcast_mul(loss, sample_weight)
    if weight is not None:
        if not isinstance(weight, numeric_types):
            raise MXNetAssertionError("weight must be a number")
        loss = loss * weight
    return loss


def _like(F: Any, x: Any, ref: Any) -> Any:
    """``x`` reshaped to ``ref``'s shape (labels may come flattened or with extra axes of 1)."""
    if F is _nd:
        return x.reshape(ref.shape)
    return F.reshape_like(x, ref)


# MXNet's names for the two helpers (extension libraries such as GluonNLP import them)
_apply_weighting = _weighted
_reshape_like = _like


class Loss(HybridBlock):
    """The base of every loss: a scalar ``weight`` (None: no scaling) and the ``batch_axis``
    kept by the per-sample reduction. Subclasses write ``hybrid_forward``."""

    def __init__(self, weight: Optional[float], batch_axis: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._weight = weight
        self._batch_axis = batch_axis

    def __repr__(self) -> str:
        return f"{type(self).__name__}(batch_axis={self._batch_axis}, w={self._weight})"

    def _per_sample(self, F: Any, loss: Any) -> Any:
        """The mean over every axis but the batch axis."""
        return F.mean(loss, axis=self._batch_axis, exclude=True)

    def hybrid_forward(self, F: Any, x: Any, *args: Any, **kwargs: Any) -> Any:
        """The loss of ``x`` against the other inputs: override it."""
        raise NotImplementedError


class L2Loss(Loss):
    """``weight/2 * (label - pred)**2`` averaged over each sample (torch: ``mse_loss / 2``)."""

    def __init__(self, weight: Optional[float] = 1., batch_axis: int = 0, **kwargs: Any) -> None:
        super().__init__(weight, batch_axis, **kwargs)

    def hybrid_forward(self, F: Any, pred: Any, label: Any, sample_weight: Any = None) -> Any:
        label = _like(F, label, pred)
        loss = F.square(label - pred)
        # (weight=None fails here with Python's TypeError, as in MXNet)
        loss = _weighted(F, loss, self._weight / 2, sample_weight)  # type: ignore[operator]
        return self._per_sample(F, loss)


class L1Loss(Loss):
    """``|label - pred|`` averaged over each sample (torch: ``l1_loss``)."""

    def __init__(self, weight: Optional[float] = None, batch_axis: int = 0,
                 **kwargs: Any) -> None:
        super().__init__(weight, batch_axis, **kwargs)

    def hybrid_forward(self, F: Any, pred: Any, label: Any, sample_weight: Any = None) -> Any:
        label = _like(F, label, pred)
        loss = _weighted(F, F.abs(label - pred), self._weight, sample_weight)
        return self._per_sample(F, loss)


class SigmoidBinaryCrossEntropyLoss(Loss):
    """Binary cross-entropy on logits (``from_sigmoid=False``, the numerically stable form)
    or on probabilities; ``pos_weight`` scales the positive term."""

    def __init__(self, from_sigmoid: bool = False, weight: Optional[float] = None,
                 batch_axis: int = 0, **kwargs: Any) -> None:
        super().__init__(weight, batch_axis, **kwargs)
        self._from_sigmoid = from_sigmoid

    def hybrid_forward(self, F: Any, pred: Any, label: Any, sample_weight: Any = None,
                       pos_weight: Any = None) -> Any:
        label = _like(F, label, pred)
        if self._from_sigmoid:
            eps = 1e-12
            pos = F.log(pred + eps) * label
            if pos_weight is not None:
                pos = F.broadcast_mul(pos, pos_weight)
            loss = -(pos + F.log(1. - pred + eps) * (1. - label))
        else:
            # log(1 + exp(-|x|)): the part of log(1 + exp(x)) that never overflows
            soft = F.Activation(-F.abs(pred), act_type="softrelu")
            if pos_weight is None:
                loss = F.relu(pred) - pred * label + soft
            else:
                scale = 1 + F.broadcast_mul(pos_weight - 1, label)
                loss = pred - pred * label + scale * (soft + F.relu(-pred))
        loss = _weighted(F, loss, self._weight, sample_weight)
        return self._per_sample(F, loss)


SigmoidBCELoss = SigmoidBinaryCrossEntropyLoss


class SoftmaxCrossEntropyLoss(Loss):
    """Cross-entropy of ``softmax(pred)`` along ``axis``: integer class labels
    (``sparse_label=True``, shape of ``pred`` without ``axis``) or distributions (same shape
    as ``pred``); ``from_logits=True`` takes ``pred`` as log-probabilities already."""

    def __init__(self, axis: int = -1, sparse_label: bool = True, from_logits: bool = False,
                 weight: Optional[float] = None, batch_axis: int = 0, **kwargs: Any) -> None:
        super().__init__(weight, batch_axis, **kwargs)
        self._axis = axis
        self._sparse_label = sparse_label
        self._from_logits = from_logits

    def hybrid_forward(self, F: Any, pred: Any, label: Any, sample_weight: Any = None) -> Any:
        logp = pred if self._from_logits else F.log_softmax(pred, self._axis)
        if self._sparse_label:
            loss = -F.pick(logp, label, axis=self._axis, keepdims=True)
        else:
            label = _like(F, label, logp)
            loss = -F.sum(logp * label, axis=self._axis, keepdims=True)
        loss = _weighted(F, loss, self._weight, sample_weight)
        return F.mean(loss, axis=self._batch_axis, exclude=True)


SoftmaxCELoss = SoftmaxCrossEntropyLoss


class KLDivLoss(Loss):
    """``label * (log(label) - pred)`` summed over each sample; ``pred`` is log-probabilities
    (``from_logits=True``, the default) or logits softmaxed along ``axis``."""

    def __init__(self, from_logits: bool = True, axis: int = -1, weight: Optional[float] = None,
                 batch_axis: int = 0, **kwargs: Any) -> None:
        super().__init__(weight, batch_axis, **kwargs)
        self._from_logits = from_logits
        self._axis = axis

    def hybrid_forward(self, F: Any, pred: Any, label: Any, sample_weight: Any = None) -> Any:
        logp = pred if self._from_logits else F.log_softmax(pred, self._axis)
        loss = label * (F.log(label + 1e-12) - logp)
        loss = _weighted(F, loss, self._weight, sample_weight)
        return F.sum(loss, axis=self._batch_axis, exclude=True)


class CTCLoss(Loss):
    """Connectionist temporal classification loss of unnormalised ``pred`` (layout ``'NTC'``
    or ``'TNC'``) against ``label`` (``'NT'`` or ``'TN'``, padded with -1); the blank is the
    last class. ``pred_lengths`` / ``label_lengths`` give each sequence's true lengths."""

    def __init__(self, layout: str = "NTC", label_layout: str = "NT",
                 weight: Optional[float] = None, **kwargs: Any) -> None:
        if layout not in ("NTC", "TNC"):
            raise MXNetAssertionError(f"Only 'NTC' and 'TNC' layouts for pred are supported. "
                                      f"Got: {layout}")
        if label_layout not in ("NT", "TN"):
            raise MXNetAssertionError(f"Only 'NT' and 'TN' layouts for label are supported. "
                                      f"Got: {label_layout}")
        self._layout = layout
        self._label_layout = label_layout
        super().__init__(weight, label_layout.find("N"), **kwargs)

    def hybrid_forward(self, F: Any, pred: Any, label: Any, pred_lengths: Any = None,
                       label_lengths: Any = None, sample_weight: Any = None) -> Any:
        if self._layout == "NTC":
            pred = F.swapaxes(pred, 0, 1)
        if self._batch_axis == 1:
            label = F.swapaxes(label, 0, 1)
        loss = F.CTCLoss(pred, label, pred_lengths, label_lengths,
                         use_data_lengths=pred_lengths is not None,
                         use_label_lengths=label_lengths is not None, blank_label="last")
        return _weighted(F, loss, self._weight, sample_weight)


class HuberLoss(Loss):
    """Smooth L1: ``|d| - rho/2`` where ``|d| > rho``, else ``d**2 / (2 rho)``."""

    def __init__(self, rho: float = 1, weight: Optional[float] = None, batch_axis: int = 0,
                 **kwargs: Any) -> None:
        super().__init__(weight, batch_axis, **kwargs)
        self._rho = rho

    def hybrid_forward(self, F: Any, pred: Any, label: Any, sample_weight: Any = None) -> Any:
        label = _like(F, label, pred)
        dist = F.abs(label - pred)
        rho = self._rho
        loss = F.where(dist > rho, dist - 0.5 * rho, (0.5 / rho) * F.square(dist))
        loss = _weighted(F, loss, self._weight, sample_weight)
        return self._per_sample(F, loss)


class HingeLoss(Loss):
    """``max(0, margin - pred * label)`` with labels -1/1."""

    def __init__(self, margin: float = 1, weight: Optional[float] = None, batch_axis: int = 0,
                 **kwargs: Any) -> None:
        super().__init__(weight, batch_axis, **kwargs)
        self._margin = margin

    def hybrid_forward(self, F: Any, pred: Any, label: Any, sample_weight: Any = None) -> Any:
        label = _like(F, label, pred)
        loss = F.relu(self._margin - pred * label)
        loss = _weighted(F, loss, self._weight, sample_weight)
        return self._per_sample(F, loss)


class SquaredHingeLoss(Loss):
    """``max(0, margin - pred * label) ** 2`` with labels -1/1."""

    def __init__(self, margin: float = 1, weight: Optional[float] = None, batch_axis: int = 0,
                 **kwargs: Any) -> None:
        super().__init__(weight, batch_axis, **kwargs)
        self._margin = margin

    def hybrid_forward(self, F: Any, pred: Any, label: Any, sample_weight: Any = None) -> Any:
        label = _like(F, label, pred)
        loss = F.square(F.relu(self._margin - pred * label))
        loss = _weighted(F, loss, self._weight, sample_weight)
        return self._per_sample(F, loss)


class LogisticLoss(Loss):
    """``log(1 + exp(-pred * label))`` for labels -1/1 (``label_format='signed'``) or 0/1
    (``'binary'``)."""

    def __init__(self, weight: Optional[float] = None, batch_axis: int = 0,
                 label_format: str = "signed", **kwargs: Any) -> None:
        super().__init__(weight, batch_axis, **kwargs)
        self._label_format = label_format
        if label_format not in ("signed", "binary"):
            # MXNet's message, spelling included
            raise MXNetValueError(f"label_format can only be signed or binary, recieved "
                                  f"{label_format}.")

    def hybrid_forward(self, F: Any, pred: Any, label: Any, sample_weight: Any = None) -> Any:
        label = _like(F, label, pred)
        if self._label_format == "signed":
            label = (label + 1.0) / 2.0  # -1/1 -> 0/1
        loss = F.relu(pred) - pred * label + F.Activation(-F.abs(pred), act_type="softrelu")
        loss = _weighted(F, loss, self._weight, sample_weight)
        return self._per_sample(F, loss)


class TripletLoss(Loss):
    """``max(0, sum((positive - pred)**2) - sum((negative - pred)**2) + margin)`` per
    sample."""

    def __init__(self, margin: float = 1, weight: Optional[float] = None, batch_axis: int = 0,
                 **kwargs: Any) -> None:
        super().__init__(weight, batch_axis, **kwargs)
        self._margin = margin

    def hybrid_forward(self, F: Any, pred: Any, positive: Any, negative: Any) -> Any:
        positive = _like(F, positive, pred)
        negative = _like(F, negative, pred)
        gap = F.sum(F.square(positive - pred) - F.square(negative - pred),
                    axis=self._batch_axis, exclude=True)
        return _weighted(F, F.relu(gap + self._margin), self._weight, None)


class PoissonNLLLoss(Loss):
    """Poisson negative log-likelihood, averaged over everything (a ``(1,)`` result):
    ``exp(pred) - target*pred`` (``from_logits=True``) or ``pred - target*log(pred+eps)``;
    ``compute_full`` adds Stirling's approximation of ``log(target!)`` where target > 1."""

    def __init__(self, weight: Optional[float] = None, from_logits: bool = True,
                 batch_axis: int = 0, compute_full: bool = False, **kwargs: Any) -> None:
        super().__init__(weight, batch_axis, **kwargs)
        self._from_logits = from_logits
        self._compute_full = compute_full

    def hybrid_forward(self, F: Any, pred: Any, target: Any, sample_weight: Any = None,
                       epsilon: float = 1e-08) -> Any:
        target = _like(F, target, pred)
        if self._from_logits:
            loss = F.exp(pred) - target * pred
        else:
            loss = pred - target * F.log(pred + epsilon)
        if self._compute_full:
            stirling = target * F.log(target) - target + 0.5 * F.log(2 * target * math.pi)
            # as in MXNet: the mask multiplies (a target of 0 gives 0 * -inf = nan), and the
            # in-place updates make this option fail under autograd.record()
            stirling *= target > 1
            loss += stirling
        loss = _weighted(F, loss, self._weight, sample_weight)
        return F.mean(loss)


class CosineEmbeddingLoss(Loss):
    """``1 - cos(input1, input2)`` where label is 1, ``max(0, cos - margin)`` where it is -1
    (0 for other labels); one value per row, shape ``(batch, 1)``."""

    def __init__(self, weight: Optional[float] = None, batch_axis: int = 0, margin: float = 0,
                 **kwargs: Any) -> None:
        super().__init__(weight, batch_axis, **kwargs)
        self._margin = margin

    def hybrid_forward(self, F: Any, input1: Any, input2: Any, label: Any,
                       sample_weight: Any = None) -> Any:
        input1 = _like(F, input1, input2)
        label = label.reshape((-1, 1))
        cos = self._cosine_similarity(F, input1, input2)
        same = (1 - cos) * (label == 1)
        zero = F.array([0]) if F is _nd else F.zeros((1, 1))
        differ = F.broadcast_maximum(zero, (label == -1) * (cos - self._margin))
        return _weighted(F, same + differ, self._weight, sample_weight)

    def _cosine_similarity(self, F: Any, x: Any, y: Any, axis: int = -1) -> Any:
        norms = F.norm(x, axis=axis).reshape((-1, 1)) * F.norm(y, axis=axis).reshape((-1, 1))
        dots = F.sum(x * y, axis=axis).reshape((-1, 1))
        eps = F.array([1e-12]) if F is _nd else F.full((1, 1), 1e-12)
        return dots / F.broadcast_maximum(norms, eps)


class SDMLLoss(Loss):
    """Smoothed deep metric learning: row i of ``x1`` should be nearest to row i of ``x2``
    among all rows of the batch. KL divergence between the identity smoothed by
    ``smoothing_parameter`` and ``softmax(-squared distances)``, per row."""

    def __init__(self, smoothing_parameter: float = 0.3, weight: Optional[float] = 1.,
                 batch_axis: int = 0, **kwargs: Any) -> None:
        super().__init__(weight, batch_axis, **kwargs)
        self.kl_loss = KLDivLoss(from_logits=True)
        self.smoothing_parameter = smoothing_parameter

    def _compute_distances(self, x1: Any, x2: Any) -> Any:
        """Squared euclidean distance of every row of ``x1`` to every row of ``x2``."""
        if x1.shape != x2.shape:
            raise MXNetAssertionError("")
        n, dim = x1.shape
        a = x1.expand_dims(1).broadcast_to([n, n, dim])
        b = x2.expand_dims(0).broadcast_to([n, n, dim])
        return ((a - b) ** 2).sum(axis=2)

    def _compute_labels(self, F: Any, batch_size: int) -> Any:
        """The identity matrix with ``smoothing_parameter`` of each row's mass spread evenly
        over the other columns."""
        eye = F.eye(batch_size)
        s = self.smoothing_parameter
        return eye * (1 - s) + (1 - eye) * s / (batch_size - 1)

    def _loss(self, F: Any, x1: Any, x2: Any) -> Any:
        labels = self._compute_labels(F, x1.shape[0])
        distances = self._compute_distances(x1, x2)
        logp = F.log_softmax(-distances, axis=1)
        return self.kl_loss(logp, labels.as_in_context(distances.context))

    def hybrid_forward(self, F: Any, x1: Any, x2: Any) -> Any:
        return self._loss(F, x1, x2)
