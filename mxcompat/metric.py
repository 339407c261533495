"""``mx.metric``: MXNet 1.9.1's evaluation metrics.

A metric accumulates ``sum_metric`` / ``num_inst`` over ``update(labels, preds)`` calls (lists
of NDArrays, or single NDArrays) and reports ``get() -> (name, value)``. Each keeps two sets
of statistics: the local ones (cleared by ``reset_local()``) and the global ones (cleared only
by ``reset()``), read by ``get_global()``. ``create`` builds a metric from a registered name
(``'acc'``, ``'f1'``, ...), a list of them (a :class:`CompositeEvalMetric`), a function (a
:class:`CustomMetric`), a ``get_config()`` dict or its JSON string.

The values keep MXNet's Python types (``numpy.float64`` where MXNet's arithmetic on NumPy
scalars gives one, ``float`` where it gives a float) whatever NumPy version runs here: sums are
accumulated with NumPy 1.x's promotion of Python numbers and NumPy scalars.
"""
from __future__ import annotations

import json
import math
import warnings
from collections import OrderedDict
from typing import Any, Callable, Dict, List, Optional, Tuple

import numpy as _np
import torch

from . import ndarray as _nd
from .base import MXNetAssertionError, MXNetTypeError, MXNetValueError, numeric_types
from .ndarray.ndarray import NDArray

__all__ = ["EvalMetric", "CompositeEvalMetric", "Accuracy", "TopKAccuracy", "F1", "MCC",
           "Perplexity", "MAE", "MSE", "RMSE", "CrossEntropy", "NegativeLogLikelihood",
           "PearsonCorrelation", "PCC", "Loss", "Torch", "Caffe", "CustomMetric", "np",
           "create", "register", "alias", "check_label_shapes"]


# ---- NumPy 1.x's scalar promotion, so that sums have MXNet's types under NumPy 2 too --------
def _np_type(x: Any) -> Any:
    if isinstance(x, _np.generic):
        return x.dtype
    if isinstance(x, bool):
        return _np.dtype(_np.bool_)
    if isinstance(x, int):
        return _np.dtype(_np.int64)
    if isinstance(x, float):
        return _np.dtype(_np.float64)
    return None


def _add(total: Any, value: Any) -> Any:
    """``total + value`` as NumPy 1.23 computes it: a Python number meeting a NumPy scalar
    counts as int64/float64 (NumPy 2 would keep the NumPy scalar's narrower type)."""
    if isinstance(total, _np.generic) or isinstance(value, _np.generic):
        ta, tb = _np_type(total), _np_type(value)
        if ta is not None and tb is not None:
            dt = _np.promote_types(ta, tb)
            return dt.type(total) + dt.type(value)
    return total + value


def _scalar_repr(v: Any) -> str:
    return str(v) if isinstance(v, _np.generic) else repr(v)


def _host(x: Any) -> _np.ndarray:
    return x.asnumpy() if isinstance(x, NDArray) else _np.asarray(x)


def check_label_shapes(labels: Any, preds: Any, wrap: bool = False,
                       shape: bool = False) -> Tuple[Any, Any]:
    """Raise ValueError unless ``labels`` and ``preds`` have the same length (or, with
    ``shape=True``, the same shape); with ``wrap=True`` a single NDArray becomes a list."""
    if shape:
        label_shape, pred_shape = labels.shape, preds.shape
    else:
        label_shape, pred_shape = len(labels), len(preds)
    if label_shape != pred_shape:
        raise MXNetValueError(f"Shape of labels {label_shape} does not match shape of "
                              f"predictions {pred_shape}")
    if wrap:
        if isinstance(labels, NDArray):
            labels = [labels]
        if isinstance(preds, NDArray):
            preds = [preds]
    return labels, preds


# ---- the registry ('metric' kind of MXNet's mx.registry) ---------------------------------
_REGISTRY: Dict[str, type] = {}


def register(klass: type, name: Optional[str] = None) -> type:
    """Register an EvalMetric subclass under its lower-cased class name (or ``name``)."""
    if not (isinstance(klass, type) and issubclass(klass, EvalMetric)):
        raise MXNetAssertionError("Can only register subclass of EvalMetric")
    key = (name or klass.__name__).lower()
    old = _REGISTRY.get(key)
    if old is not None:
        warnings.warn(f"\033[91mNew metric {klass.__module__}.{klass.__name__} registered with "
                      f"name {key} isoverriding existing metric {old.__module__}."
                      f"{old.__name__}\033[0m", UserWarning, stacklevel=2)
    _REGISTRY[key] = klass
    return klass


def alias(*aliases: str) -> Callable[[type], type]:
    """A class decorator registering an EvalMetric subclass under extra names."""
    def reg(klass: type) -> type:
        for name in aliases:
            register(klass, name)
        return klass
    return reg


def _create(*args: Any, **kwargs: Any) -> "EvalMetric":
    if args:
        name, args = args[0], args[1:]
    else:
        if "metric" not in kwargs:
            raise MXNetTypeError("create() needs the metric: a name, a config or an "
                                 "EvalMetric")
        name = kwargs.pop("metric")
    if isinstance(name, EvalMetric):
        if args or kwargs:
            raise MXNetAssertionError("metric is already an instance. Additional arguments "
                                      "are invalid")
        return name
    if isinstance(name, dict):
        return _create(**name)
    if not isinstance(name, str):
        raise MXNetAssertionError("metric must be of string type")
    if name.startswith("["):
        if args or kwargs:
            raise MXNetAssertionError("")
        name, kwargs = json.loads(name)
        return _create(name, **kwargs)
    if name.startswith("{"):
        if args or kwargs:
            raise MXNetAssertionError("")
        return _create(**json.loads(name))
    key = name.lower()
    if key not in _REGISTRY:
        raise MXNetAssertionError(f"{key} is not registered. Please register with "
                                  "metric.register first")
    return _REGISTRY[key](*args, **kwargs)


def create(metric: Any, *args: Any, **kwargs: Any) -> "EvalMetric":
    """A metric from a name (``'acc'``), a function (a CustomMetric), a list (a
    CompositeEvalMetric of each), an EvalMetric (returned as is), a config dict or JSON."""
    if callable(metric):
        return CustomMetric(metric, *args, **kwargs)
    if isinstance(metric, list):
        composite = CompositeEvalMetric()
        for child in metric:
            composite.add(create(child, *args, **kwargs))
        return composite
    return _create(metric, *args, **kwargs)


# ---- the base class ----------------------------------------------------------------------
class EvalMetric:
    """Base of the metrics: ``name``, the ``output_names`` / ``label_names`` that
    ``update_dict`` picks, and the local and global sums."""

    def __init__(self, name: Any, output_names: Optional[List[str]] = None,
                 label_names: Optional[List[str]] = None, **kwargs: Any) -> None:
        self.name = str(name)
        self.output_names = output_names
        self.label_names = label_names
        self._has_global_stats = kwargs.pop("has_global_stats", False)
        self._kwargs = kwargs
        self.reset()

    def __str__(self) -> str:
        # NumPy 1.x prints a NumPy scalar inside a dict as a plain number, NumPy 2 as
        # ``np.float64(...)``: print MXNet's form whatever NumPy runs here
        pairs = dict(self.get_name_value()).items()
        items = ", ".join(f"{k!r}: {_scalar_repr(v)}" for k, v in pairs)
        return f"EvalMetric: {{{items}}}"

    def get_config(self) -> Dict[str, Any]:
        """The constructor arguments, with ``metric`` (the class name): ``create`` rebuilds
        the metric from it."""
        config = self._kwargs.copy()
        config.update({"metric": type(self).__name__, "name": self.name,
                       "output_names": self.output_names, "label_names": self.label_names})
        return config

    def update_dict(self, label: Dict[str, Any], pred: Dict[str, Any]) -> None:
        """``update`` with the arrays named by ``label_names`` / ``output_names`` (all, in
        order, when those are None)."""
        preds = ([pred[n] for n in self.output_names] if self.output_names is not None
                 else list(pred.values()))
        labels = ([label[n] for n in self.label_names] if self.label_names is not None
                  else list(label.values()))
        self.update(labels, preds)

    def update(self, labels: Any, preds: Any) -> None:
        """Add a batch of labels and predictions to the statistics."""
        raise NotImplementedError()

    def reset(self) -> None:
        """Clear the local and the global statistics."""
        self.num_inst: Any = 0
        self.sum_metric: Any = 0.0
        self.global_num_inst: Any = 0
        self.global_sum_metric: Any = 0.0

    def reset_local(self) -> None:
        """Clear the local statistics only."""
        self.num_inst = 0
        self.sum_metric = 0.0

    def _add_stat(self, value: Any, count: Any) -> None:
        self.sum_metric = _add(self.sum_metric, value)
        self.global_sum_metric = _add(self.global_sum_metric, value)
        self.num_inst = _add(self.num_inst, count)
        self.global_num_inst = _add(self.global_num_inst, count)

    def get(self) -> Tuple[Any, Any]:
        """``(name, value)`` of the local statistics (``nan`` before any update)."""
        if self.num_inst == 0:
            return self.name, float("nan")
        return self.name, self.sum_metric / self.num_inst

    def get_global(self) -> Tuple[Any, Any]:
        """``(name, value)`` of the global statistics."""
        if not self._has_global_stats:
            return self.get()
        if self.global_num_inst == 0:
            return self.name, float("nan")
        return self.name, self.global_sum_metric / self.global_num_inst

    @staticmethod
    def _pairs(name: Any, value: Any) -> List[Tuple[Any, Any]]:
        names = name if isinstance(name, list) else [name]
        values = value if isinstance(value, list) else [value]
        return list(zip(names, values))

    def get_name_value(self) -> List[Tuple[Any, Any]]:
        """``get()`` as a list of ``(name, value)`` pairs."""
        return self._pairs(*self.get())

    def get_global_name_value(self) -> List[Tuple[Any, Any]]:
        """``get_global()`` as a list of ``(name, value)`` pairs."""
        if not self._has_global_stats:
            return self.get_name_value()
        return self._pairs(*self.get_global())


@register
@alias("composite")
class CompositeEvalMetric(EvalMetric):
    """Several metrics updated together; ``get()`` gives lists of names and values."""

    def __init__(self, metrics: Optional[List[Any]] = None, name: str = "composite",
                 output_names: Optional[List[str]] = None,
                 label_names: Optional[List[str]] = None) -> None:
        super().__init__(name, output_names=output_names, label_names=label_names,
                         has_global_stats=True)
        self.metrics = [create(m) for m in (metrics or [])]

    def add(self, metric: Any) -> None:
        """Add a child metric (anything ``create`` accepts)."""
        self.metrics.append(create(metric))

    def get_metric(self, index: int) -> Any:
        """The child metric at ``index`` (as in MXNet, a ValueError is *returned* when the
        index is out of range)."""
        try:
            return self.metrics[index]
        except IndexError:
            return ValueError(f"Metric index {index} is out of range 0 and "
                              f"{len(self.metrics)}")

    def update_dict(self, labels: Dict[str, Any], preds: Dict[str, Any]) -> None:
        if self.label_names is not None:
            labels = OrderedDict([i for i in labels.items() if i[0] in self.label_names])
        if self.output_names is not None:
            preds = OrderedDict([i for i in preds.items() if i[0] in self.output_names])
        for metric in self.metrics:
            metric.update_dict(labels, preds)

    def update(self, labels: Any, preds: Any) -> None:
        for metric in self.metrics:
            metric.update(labels, preds)

    def reset(self) -> None:
        for metric in getattr(self, "metrics", ()):
            metric.reset()

    def reset_local(self) -> None:
        for metric in getattr(self, "metrics", ()):
            metric.reset_local()

    def _collect(self, getter: str) -> Tuple[List[Any], List[Any]]:
        names: List[Any] = []
        values: List[Any] = []
        for metric in self.metrics:
            name, value = getattr(metric, getter)()
            names.extend([name] if isinstance(name, str) else name)
            values.extend([value] if isinstance(value, numeric_types) else value)
        return names, values

    def get(self) -> Tuple[List[Any], List[Any]]:
        return self._collect("get")

    def get_global(self) -> Tuple[List[Any], List[Any]]:
        return self._collect("get_global")

    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        config.update({"metrics": [m.get_config() for m in self.metrics]})
        return config


# ---- classification ----------------------------------------------------------------------
def _as_tensor(x: Any) -> torch.Tensor:
    return x._t if isinstance(x, NDArray) else torch.as_tensor(_np.asarray(x))


@register
@alias("acc")
class Accuracy(EvalMetric):
    """The fraction of predictions equal to the labels; predictions of another shape than
    the labels are class scores, reduced by argmax along ``axis``."""

    def __init__(self, axis: int = 1, name: str = "accuracy",
                 output_names: Optional[List[str]] = None,
                 label_names: Optional[List[str]] = None) -> None:
        super().__init__(name, axis=axis, output_names=output_names, label_names=label_names,
                         has_global_stats=True)
        self.axis = axis

    def update(self, labels: Any, preds: Any) -> None:
        labels, preds = check_label_shapes(labels, preds, True)
        for label, pred in zip(labels, preds):
            pt = pred._t if type(pred) is NDArray else _as_tensor(pred)
            lt = label._t if type(label) is NDArray else _as_tensor(label)
            if pt.shape != lt.shape:
                # MXNet's argmax gives float32 indices (exact below 2**24 classes), then int32
                if not -pt.dim() <= self.axis < pt.dim():
                    _nd.argmax(pred, axis=self.axis)  # the op's error for a bad axis
                pt = torch.argmax(pt, dim=self.axis)
            elif pt.dtype is not torch.int32:
                pt = pt.to(torch.int32)
            if lt.dtype is not torch.int32:
                lt = lt.to(torch.int32)
            n = pt.numel()
            if lt.numel() != n:
                raise MXNetValueError(f"Shape of labels {lt.numel()} does not match shape of "
                                      f"predictions {n}")
            if lt.device != pt.device:
                lt = lt.to(pt.device)
            correct = _np.int64((pt.reshape(-1) == lt.reshape(-1)).sum().item())
            self._add_stat(correct, n)


@register
@alias("top_k_accuracy", "top_k_acc")
class TopKAccuracy(EvalMetric):
    """The fraction of samples whose label is among the ``top_k`` highest scores."""

    def __init__(self, top_k: int = 1, name: str = "top_k_accuracy",
                 output_names: Optional[List[str]] = None,
                 label_names: Optional[List[str]] = None) -> None:
        super().__init__(name, top_k=top_k, output_names=output_names,
                         label_names=label_names, has_global_stats=True)
        self.top_k = top_k
        if not self.top_k > 1:
            raise MXNetAssertionError("Please use Accuracy if top_k is no more than 1")
        self.name += f"_{self.top_k}"

    def update(self, labels: Any, preds: Any) -> None:
        labels, preds = check_label_shapes(labels, preds, True)
        for label, pred in zip(labels, preds):
            if len(pred.shape) > 2:
                raise MXNetAssertionError("Predictions should be no more than 2 dims")
            order = _np.argpartition(_host(pred).astype("float32"), -self.top_k)
            label = _host(label).astype("int32")
            check_label_shapes(label, order)
            n = order.shape[0]
            if order.ndim == 1:
                # MXNet compares the partition of a 1-d score vector with the labels, and
                # leaves the global sum alone there
                hits: Any = order.flat == label.flat
                self.sum_metric = _add(self.sum_metric, hits.sum())
            else:
                classes = order.shape[1]
                for j in range(min(classes, self.top_k)):
                    hits = order[:, classes - 1 - j].flat == label.flat
                    self.sum_metric = _add(self.sum_metric, hits.sum())
                    self.global_sum_metric = _add(self.global_sum_metric, hits.sum())
            self.num_inst += n
            self.global_num_inst += n


class _BinaryClassificationMetrics:
    """True/false positive/negative counts (local and global) of a binary classifier whose
    predictions are two-column scores."""

    def __init__(self) -> None:
        self.reset_stats()

    def update_binary_stats(self, label: Any, pred: Any) -> None:
        pred = _host(pred)
        label = _host(label).astype("int32")
        pred_label = _np.argmax(pred, axis=1)
        check_label_shapes(label, pred)
        if len(_np.unique(label)) > 2:
            raise MXNetValueError(f"{type(self).__name__} currently only supports binary "
                                  "classification.")
        pred_true = pred_label == 1
        label_true = label == 1
        tp = (pred_true & label_true).sum()
        fp = (pred_true & ~label_true).sum()
        fn = (~pred_true & label_true).sum()
        tn = (~pred_true & ~label_true).sum()
        self.true_positives += tp
        self.global_true_positives += tp
        self.false_positives += fp
        self.global_false_positives += fp
        self.false_negatives += fn
        self.global_false_negatives += fn
        self.true_negatives += tn
        self.global_true_negatives += tn

    @staticmethod
    def _ratio(num: Any, other: Any) -> float:
        return float(num) / (num + other) if num + other > 0 else 0.0

    @property
    def precision(self) -> float:
        return self._ratio(self.true_positives, self.false_positives)

    @property
    def global_precision(self) -> float:
        return self._ratio(self.global_true_positives, self.global_false_positives)

    @property
    def recall(self) -> float:
        return self._ratio(self.true_positives, self.false_negatives)

    @property
    def global_recall(self) -> float:
        return self._ratio(self.global_true_positives, self.global_false_negatives)

    @staticmethod
    def _f(p: float, r: float) -> float:
        return 2 * p * r / (p + r) if p + r > 0 else 0.0

    @property
    def fscore(self) -> float:
        return self._f(self.precision, self.recall)

    @property
    def global_fscore(self) -> float:
        return self._f(self.global_precision, self.global_recall)

    def matthewscc(self, use_global: bool = False) -> float:
        """Matthews correlation of the counts (0 when there are none; zero factors of the
        denominator are left out)."""
        pre = "global_" if use_global else ""
        if not (self.global_total_examples if use_global else self.total_examples):
            return 0.0
        tp = float(getattr(self, pre + "true_positives"))
        fp = float(getattr(self, pre + "false_positives"))
        fn = float(getattr(self, pre + "false_negatives"))
        tn = float(getattr(self, pre + "true_negatives"))
        denom = 1.0
        for t in (tp + fp, tp + fn, tn + fp, tn + fn):
            if t != 0.0:
                denom *= t
        return (tp * tn - fp * fn) / math.sqrt(denom)

    @property
    def total_examples(self) -> Any:
        return (self.false_negatives + self.false_positives + self.true_negatives
                + self.true_positives)

    @property
    def global_total_examples(self) -> Any:
        return (self.global_false_negatives + self.global_false_positives
                + self.global_true_negatives + self.global_true_positives)

    def local_reset_stats(self) -> None:
        self.false_positives = 0
        self.false_negatives = 0
        self.true_positives = 0
        self.true_negatives = 0

    def reset_stats(self) -> None:
        self.local_reset_stats()
        self.global_false_positives = 0
        self.global_false_negatives = 0
        self.global_true_positives = 0
        self.global_true_negatives = 0


class _BinaryMetric(EvalMetric):
    """F1 and MCC: a score of the binary counts, averaged per update (``'macro'``) or over
    all samples (``'micro'``)."""

    _stats: _BinaryClassificationMetrics

    def _score(self, use_global: bool) -> float:
        raise NotImplementedError

    def _mode(self) -> str:
        raise NotImplementedError

    def update(self, labels: Any, preds: Any) -> None:
        labels, preds = check_label_shapes(labels, preds, True)
        stats = self._stats
        for label, pred in zip(labels, preds):
            stats.update_binary_stats(label, pred)
        if self._mode() == "macro":
            self.sum_metric += self._score(False)
            self.global_sum_metric += self._score(True)
            self.num_inst += 1
            self.global_num_inst += 1
            stats.reset_stats()
        else:
            self.sum_metric = self._score(False) * stats.total_examples
            self.global_sum_metric = self._score(True) * stats.global_total_examples
            self.num_inst = stats.total_examples
            self.global_num_inst = stats.global_total_examples


@register
class F1(_BinaryMetric):
    """The F1 score of a binary classifier (predictions: two-column scores)."""

    def __init__(self, name: str = "f1", output_names: Optional[List[str]] = None,
                 label_names: Optional[List[str]] = None, average: str = "macro") -> None:
        self.average = average
        self.metrics = _BinaryClassificationMetrics()
        super().__init__(name=name, output_names=output_names, label_names=label_names,
                         has_global_stats=True)

    @property
    def _stats(self) -> _BinaryClassificationMetrics:  # type: ignore[override]
        return self.metrics

    def _mode(self) -> str:
        return self.average

    def _score(self, use_global: bool) -> float:
        return self.metrics.global_fscore if use_global else self.metrics.fscore

    def reset(self) -> None:
        self.sum_metric = 0.0
        self.num_inst = 0
        self.global_num_inst = 0
        self.global_sum_metric = 0.0
        self.metrics.reset_stats()

    def reset_local(self) -> None:
        self.sum_metric = 0.0
        self.num_inst = 0
        self.metrics.local_reset_stats()


@register
class MCC(_BinaryMetric):
    """The Matthews correlation coefficient of a binary classifier."""

    def __init__(self, name: str = "mcc", output_names: Optional[List[str]] = None,
                 label_names: Optional[List[str]] = None, average: str = "macro") -> None:
        self._average = average
        self._metrics = _BinaryClassificationMetrics()
        super().__init__(name=name, output_names=output_names, label_names=label_names,
                         has_global_stats=True)

    @property
    def _stats(self) -> _BinaryClassificationMetrics:  # type: ignore[override]
        return self._metrics

    def _mode(self) -> str:
        return self._average

    def _score(self, use_global: bool) -> float:
        return self._metrics.matthewscc(use_global=use_global)

    def reset(self) -> None:
        self.sum_metric = 0.0
        self.num_inst = 0.0
        self.global_sum_metric = 0.0
        self.global_num_inst = 0.0
        self._metrics.reset_stats()

    def reset_local(self) -> None:
        self.sum_metric = 0.0
        self.num_inst = 0.0
        self._metrics.local_reset_stats()


@register
class Perplexity(EvalMetric):
    """``exp`` of the mean negative log-probability of the labels (``pred``: probabilities
    along ``axis``); labels equal to ``ignore_label`` are left out."""

    def __init__(self, ignore_label: Optional[int], axis: int = -1, name: str = "perplexity",
                 output_names: Optional[List[str]] = None,
                 label_names: Optional[List[str]] = None) -> None:
        super().__init__(name, ignore_label=ignore_label, output_names=output_names,
                         label_names=label_names, has_global_stats=True)
        self.ignore_label = ignore_label
        self.axis = axis

    def update(self, labels: Any, preds: Any) -> None:
        if len(labels) != len(preds):
            raise MXNetAssertionError("")
        loss: Any = 0.0
        num: Any = 0
        for label, pred in zip(labels, preds):
            if not label.size == pred.size / pred.shape[-1]:
                raise MXNetAssertionError(f"shape mismatch: {label.shape} vs. {pred.shape}")
            label = label.as_in_context(pred.context).reshape((label.size,))
            picked = _nd.pick(pred, label.astype(dtype="int32"), axis=self.axis)
            if self.ignore_label is not None:
                ignore = (label == self.ignore_label).astype(picked.dtype)
                num = _add(num, -_nd.sum(ignore).asscalar())
                picked = picked * (1 - ignore) + ignore
            loss = _add(loss, -_nd.sum(_nd.log(_nd.maximum(1e-10, picked))).asscalar())
            num = _add(num, picked.size)
        self._add_stat(loss, num)

    def get(self) -> Tuple[str, float]:
        if self.num_inst == 0:
            return self.name, float("nan")
        return self.name, math.exp(self.sum_metric / self.num_inst)

    def get_global(self) -> Tuple[str, float]:
        if self.global_num_inst == 0:
            return self.name, float("nan")
        return self.name, math.exp(self.global_sum_metric / self.global_num_inst)


# ---- regression --------------------------------------------------------------------------
def _as_columns(x: Any) -> _np.ndarray:
    x = _host(x)
    return x.reshape(x.shape[0], 1) if x.ndim == 1 else x


class _Regression(EvalMetric):
    """MAE, MSE, RMSE: one error per (label, pred) pair, averaged over the pairs."""

    def __init__(self, name: str, output_names: Optional[List[str]] = None,
                 label_names: Optional[List[str]] = None) -> None:
        super().__init__(name, output_names=output_names, label_names=label_names,
                         has_global_stats=True)

    @staticmethod
    def _error(diff: _np.ndarray) -> Any:
        raise NotImplementedError

    def update(self, labels: Any, preds: Any) -> None:
        labels, preds = check_label_shapes(labels, preds, True)
        for label, pred in zip(labels, preds):
            self._add_stat(self._error(_as_columns(label) - _as_columns(pred)), 1)


@register
class MAE(_Regression):
    """Mean absolute error."""

    def __init__(self, name: str = "mae", output_names: Optional[List[str]] = None,
                 label_names: Optional[List[str]] = None) -> None:
        super().__init__(name, output_names=output_names, label_names=label_names)

    @staticmethod
    def _error(diff: _np.ndarray) -> Any:
        return _np.abs(diff).mean()


@register
class MSE(_Regression):
    """Mean squared error."""

    def __init__(self, name: str = "mse", output_names: Optional[List[str]] = None,
                 label_names: Optional[List[str]] = None) -> None:
        super().__init__(name, output_names=output_names, label_names=label_names)

    @staticmethod
    def _error(diff: _np.ndarray) -> Any:
        return (diff ** 2.0).mean()


@register
class RMSE(_Regression):
    """Root mean squared error (of each batch, averaged over batches)."""

    def __init__(self, name: str = "rmse", output_names: Optional[List[str]] = None,
                 label_names: Optional[List[str]] = None) -> None:
        super().__init__(name, output_names=output_names, label_names=label_names)

    @staticmethod
    def _error(diff: _np.ndarray) -> Any:
        return _np.sqrt((diff ** 2.0).mean())


class _Likelihood(EvalMetric):
    """CrossEntropy and NegativeLogLikelihood: ``-log(p[label] + eps)`` summed per sample."""

    def __init__(self, eps: float, name: str, output_names: Optional[List[str]] = None,
                 label_names: Optional[List[str]] = None) -> None:
        super().__init__(name, eps=eps, output_names=output_names, label_names=label_names,
                         has_global_stats=True)
        self.eps = eps

    def update(self, labels: Any, preds: Any) -> None:
        labels, preds = check_label_shapes(labels, preds, True)
        for label, pred in zip(labels, preds):
            label = _host(label).ravel()
            pred = _host(pred)
            n = pred.shape[0]
            if label.shape[0] != n:
                raise MXNetAssertionError(self._mismatch(label.shape[0], n))
            prob = pred[_np.arange(n, dtype=_np.int64), _np.int64(label)]
            self._add_stat((-_np.log(prob + self.eps)).sum(), n)

    @staticmethod
    def _mismatch(n_label: int, n_pred: int) -> str:
        return ""


@register
@alias("ce")
class CrossEntropy(_Likelihood):
    """Cross-entropy of probability predictions against class labels, per sample."""

    def __init__(self, eps: float = 1e-12, name: str = "cross-entropy",
                 output_names: Optional[List[str]] = None,
                 label_names: Optional[List[str]] = None) -> None:
        super().__init__(eps, name, output_names=output_names, label_names=label_names)


@register
@alias("nll_loss")
class NegativeLogLikelihood(_Likelihood):
    """Negative log-likelihood of probability predictions, per sample."""

    def __init__(self, eps: float = 1e-12, name: str = "nll-loss",
                 output_names: Optional[List[str]] = None,
                 label_names: Optional[List[str]] = None) -> None:
        super().__init__(eps, name, output_names=output_names, label_names=label_names)

    @staticmethod
    def _mismatch(n_label: int, n_pred: int) -> str:
        return str((n_label, n_pred))


@register
@alias("pearsonr")
class PearsonCorrelation(EvalMetric):
    """Pearson correlation of predictions and labels: per update, averaged (``'macro'``), or
    over all values seen (``'micro'``, with running means and sums of squares)."""

    def __init__(self, name: str = "pearsonr", output_names: Optional[List[str]] = None,
                 label_names: Optional[List[str]] = None, average: str = "macro") -> None:
        self.average = average
        super().__init__(name, output_names=output_names, label_names=label_names,
                         has_global_stats=True)
        if self.average == "micro":
            self.reset_micro()

    def reset_micro(self) -> None:
        self._sse_p: Any = 0
        self._mean_p: Any = 0
        self._sse_l: Any = 0
        self._mean_l: Any = 0
        self._pred_nums = 0
        self._label_nums = 0
        self._conv: Any = 0

    def reset(self) -> None:
        self.num_inst = 0
        self.sum_metric = 0.0
        self.global_num_inst = 0
        self.global_sum_metric = 0.0
        if self.average == "micro":
            self.reset_micro()

    def update_variance(self, new_values: _np.ndarray, *aggregate: Any) -> Tuple[Any, Any, Any]:
        """Welford's update of ``(count, mean, M2)`` with ``new_values``."""
        count, mean, m_2 = aggregate
        count += len(new_values)
        delta = new_values - mean
        mean += _np.sum(delta / count)
        m_2 += _np.sum(delta * (new_values - mean))
        return count, mean, m_2

    def update_cov(self, label: _np.ndarray, pred: _np.ndarray) -> None:
        self._conv = self._conv + _np.sum((label - self._mean_l) * (pred - self._mean_p))

    def update(self, labels: Any, preds: Any) -> None:
        labels, preds = check_label_shapes(labels, preds, True)
        for label, pred in zip(labels, preds):
            check_label_shapes(label, pred, False, True)
            label = _host(label).ravel().astype(_np.float64)
            pred = _host(pred).ravel().astype(_np.float64)
            if self.average == "macro":
                self._add_stat(_np.corrcoef(pred, label)[0, 1], 1)
            else:
                self.global_num_inst += 1
                self.num_inst += 1
                self._label_nums, self._mean_l, self._sse_l = self.update_variance(
                    label, self._label_nums, self._mean_l, self._sse_l)
                self.update_cov(label, pred)
                self._pred_nums, self._mean_p, self._sse_p = self.update_variance(
                    pred, self._pred_nums, self._mean_p, self._sse_p)

    def get(self) -> Tuple[str, Any]:
        if self.num_inst == 0:
            return self.name, float("nan")
        if self.average == "macro":
            return self.name, self.sum_metric / self.num_inst
        n = self._label_nums
        r = self._conv / ((n - 1) * _np.sqrt(self._sse_p / (n - 1))
                          * _np.sqrt(self._sse_l / (n - 1)))
        return self.name, r


@register
class PCC(EvalMetric):
    """Multiclass Pearson correlation (the generalised Matthews coefficient) of the
    confusion matrix accumulated over all updates; grows with the classes seen."""

    lcm: Any
    gcm: Any

    def __init__(self, name: str = "pcc", output_names: Optional[List[str]] = None,
                 label_names: Optional[List[str]] = None, has_global_stats: bool = True) -> None:
        self.k = 2
        super().__init__(name=name, output_names=output_names, label_names=label_names,
                         has_global_stats=has_global_stats)

    def _grow(self, inc: int) -> None:
        width = ((0, inc), (0, inc))
        self.lcm = _np.pad(self.lcm, width, mode="constant", constant_values=0)
        self.gcm = _np.pad(self.gcm, width, mode="constant", constant_values=0)
        self.k += inc

    @staticmethod
    def _calc_mcc(cmat: _np.ndarray) -> Any:
        n = cmat.sum()
        x = cmat.sum(axis=1)
        y = cmat.sum(axis=0)
        cov_xx = _np.sum(x * (n - x))
        cov_yy = _np.sum(y * (n - y))
        if cov_xx == 0 or cov_yy == 0:
            return float("nan")
        cov_xy = _np.sum(cmat.diagonal() * n - x * y)
        return cov_xy / (cov_xx * cov_yy) ** 0.5

    def update(self, labels: Any, preds: Any) -> None:
        labels, preds = check_label_shapes(labels, preds, True)
        for label, pred in zip(labels, preds):
            label = _host(label.astype("int32", copy=False))
            pred = _host(pred)
            if pred.shape != label.shape:
                pred = pred.argmax(axis=1)
            else:
                pred = pred.astype("int32", copy=False)
            n = max(pred.max(), label.max())
            if n >= self.k:
                self._grow(int(n) + 1 - self.k)
            bcm = _np.zeros((self.k, self.k))
            if pred.ndim == 1:
                _np.add.at(bcm, (pred, label), 1)
            else:  # rows of indices: one fancy-indexed += per row, as MXNet counts them
                for i, j in zip(pred, label):
                    bcm[i, j] += 1
            self.lcm += bcm
            self.gcm += bcm
        self.num_inst += 1
        self.global_num_inst += 1

    @property
    def sum_metric(self) -> Any:  # type: ignore[override]
        return self._calc_mcc(self.lcm) * self.num_inst

    @property
    def global_sum_metric(self) -> Any:  # type: ignore[override]
        return self._calc_mcc(self.gcm) * self.global_num_inst

    def reset(self) -> None:
        self.global_num_inst = 0.0
        self.gcm = _np.zeros((self.k, self.k))
        self.reset_local()

    def reset_local(self) -> None:
        self.num_inst = 0.0
        self.lcm = _np.zeros((self.k, self.k))


# ---- losses and user functions -----------------------------------------------------------
@register
class Loss(EvalMetric):
    """The mean of the predictions (which are loss values); labels are ignored."""

    def __init__(self, name: str = "loss", output_names: Optional[List[str]] = None,
                 label_names: Optional[List[str]] = None) -> None:
        super().__init__(name, output_names=output_names, label_names=label_names,
                         has_global_stats=True)

    def update(self, _: Any, preds: Any) -> None:
        if isinstance(preds, NDArray):
            preds = [preds]
        for pred in preds:
            self._add_stat(_nd.sum(pred).asscalar(), pred.size)


@register
class Torch(Loss):
    """The Loss metric named ``'torch'`` (kept from MXNet's Torch plugin)."""

    def __init__(self, name: str = "torch", output_names: Optional[List[str]] = None,
                 label_names: Optional[List[str]] = None) -> None:
        super().__init__(name, output_names=output_names, label_names=label_names)


@register
class Caffe(Loss):
    """The Loss metric named ``'caffe'`` (kept from MXNet's Caffe plugin)."""

    def __init__(self, name: str = "caffe", output_names: Optional[List[str]] = None,
                 label_names: Optional[List[str]] = None) -> None:
        super().__init__(name, output_names=output_names, label_names=label_names)


@register
class CustomMetric(EvalMetric):
    """A metric from ``feval(label, pred)`` on NumPy arrays, returning a value (one
    instance) or ``(sum, count)``."""

    def __init__(self, feval: Callable, name: Optional[str] = None,
                 allow_extra_outputs: bool = False, output_names: Optional[List[str]] = None,
                 label_names: Optional[List[str]] = None) -> None:
        if name is None:
            name = feval.__name__
            if "<" in name:
                name = f"custom({name})"
        super().__init__(name, feval=feval, allow_extra_outputs=allow_extra_outputs,
                         output_names=output_names, label_names=label_names,
                         has_global_stats=True)
        self._feval = feval
        self._allow_extra_outputs = allow_extra_outputs

    def update(self, labels: Any, preds: Any) -> None:
        if not self._allow_extra_outputs:
            labels, preds = check_label_shapes(labels, preds, True)
        for pred, label in zip(preds, labels):
            reval = self._feval(_host(label), _host(pred))
            if isinstance(reval, tuple):
                self._add_stat(*reval)
            else:
                self._add_stat(reval, 1)

    def get_config(self) -> Dict[str, Any]:
        raise NotImplementedError("CustomMetric cannot be serialized")


def np(numpy_feval: Callable, name: Optional[str] = None,
       allow_extra_outputs: bool = False) -> CustomMetric:
    """A CustomMetric from a function of NumPy arrays ``(label, pred)``."""
    def feval(label: _np.ndarray, pred: _np.ndarray) -> Any:
        return numpy_feval(label, pred)
    feval.__name__ = numpy_feval.__name__
    return CustomMetric(feval, name, allow_extra_outputs)
