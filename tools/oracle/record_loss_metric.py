"""Record gluon.loss / mx.metric / gluon.utils golden data from real MXNet 1.9.1 into
tests/golden/loss_metric.json. Run under the oracle environment; deterministic.

What is recorded:
- ``losses``: for each case (a constructor and its inputs), the block's repr and name, the
  output (values, shape, dtype) and the gradients of the marked inputs after
  ``out.backward()`` under ``autograd.record()``; the inputs themselves are stored too;
- ``metrics``: for each scripted sequence of ``update`` / ``reset_local`` / ``reset`` calls,
  what ``get``, ``get_global``, the name-value lists and ``str()`` give after each step,
  with the Python type of each value (``float`` vs ``float64``) and the counters;
- ``configs``: ``get_config()`` of metrics made by ``create``;
- ``errors``: exception class and message of the common mistakes;
- ``utils``: split_data / split_and_load / clip_global_norm results;
- tests/golden/gluon_loss_metric.stdout: what examples/gluon_loss_metric.py prints under MXNet.

The case tables below also run under mxcompat (tests/test_loss_metric_golden.py imports this
file): keep them plain.
"""
from __future__ import annotations

import json
import math
import sys
import warnings
from pathlib import Path
from typing import Any, Dict, List

import numpy as np

warnings.filterwarnings("ignore")
ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "tests" / "golden" / "loss_metric.json"
EXAMPLE = ROOT / "examples" / "gluon_loss_metric.py"
EXAMPLE_OUT = ROOT / "tests" / "golden" / "gluon_loss_metric.stdout"


def _r(seed: int) -> np.random.RandomState:
    return np.random.RandomState(seed)


def _labels(seed: int, shape: tuple, classes: int) -> np.ndarray:
    return _r(seed).randint(0, classes, size=shape).astype("float32")


def _u(seed: int, *shape: int, lo: float = -2.0, hi: float = 2.0) -> np.ndarray:
    return _r(seed).uniform(lo, hi, size=shape).astype("float32")


def _sign(seed: int, *shape: int) -> np.ndarray:
    return (_r(seed).randint(0, 2, size=shape) * 2 - 1).astype("float32")


def _ctc_labels() -> np.ndarray:
    return np.array([[1, 0, -1, -1], [2, 1, 1, -1], [0, 1, 0, 2]], dtype="float32")


# (id, constructor, inputs: list of arrays or None, indices of the inputs to differentiate)
LOSSES: List[tuple] = [
    ("l2", "gluon.loss.L2Loss()", lambda: [_u(1, 4, 3), _u(2, 4, 3)], [0]),
    ("l2_w", "gluon.loss.L2Loss(weight=3.0)", lambda: [_u(1, 4, 3), _u(2, 12)], [0]),
    ("l2_sw", "gluon.loss.L2Loss()", lambda: [_u(1, 4, 3), _u(2, 4, 3), _u(3, 4, 1, lo=0)],
     [0]),
    ("l2_batch1", "gluon.loss.L2Loss(batch_axis=1)", lambda: [_u(1, 3, 5), _u(2, 3, 5)], [0]),
    ("l1", "gluon.loss.L1Loss()", lambda: [_u(4, 5, 2, 2), _u(5, 5, 4)], [0]),
    ("l1_w_sw", "gluon.loss.L1Loss(weight=0.5)",
     lambda: [_u(4, 5, 2), _u(5, 5, 2), _u(6, 1, 2, lo=0)], [0]),
    ("l1_1d", "gluon.loss.L1Loss()", lambda: [_u(4, 6), _u(5, 6)], [0]),
    ("sbce", "gluon.loss.SigmoidBinaryCrossEntropyLoss()",
     lambda: [_u(7, 4, 3, lo=-30, hi=30), _labels(8, (4, 3), 2)], [0]),
    ("sbce_sigmoid", "gluon.loss.SigmoidBCELoss(from_sigmoid=True)",
     lambda: [_u(7, 4, 3, lo=0.01, hi=0.99), _labels(8, (4, 3), 2)], [0]),
    ("sbce_posw", "gluon.loss.SigmoidBCELoss()",
     lambda: [_u(7, 4, 3), _labels(8, (4, 3), 2), None, _u(9, 1, 3, lo=0.5, hi=3)], [0]),
    ("sbce_sigmoid_posw", "gluon.loss.SigmoidBCELoss(from_sigmoid=True, weight=2)",
     lambda: [_u(7, 4, 3, lo=0.01, hi=0.99), _labels(8, (4, 3), 2), _u(10, 4, 1, lo=0),
              _u(9, 1, 3, lo=0.5, hi=3)], [0]),
    ("sce", "gluon.loss.SoftmaxCrossEntropyLoss()", lambda: [_u(11, 6, 5), _labels(12, (6,), 5)],
     [0]),
    ("sce_2d_label", "gluon.loss.SoftmaxCELoss()",
     lambda: [_u(11, 6, 5), _labels(12, (6, 1), 5)], [0]),
    ("sce_axis1", "gluon.loss.SoftmaxCrossEntropyLoss(axis=1)",
     lambda: [_u(13, 2, 4, 3), _labels(14, (2, 3), 4)], [0]),
    ("sce_dense", "gluon.loss.SoftmaxCrossEntropyLoss(sparse_label=False)",
     lambda: [_u(15, 4, 3), np.eye(3, dtype="float32")[[0, 2, 1, 2]] * 0.8 + 0.2 / 3], [0, 1]),
    ("sce_logits", "gluon.loss.SoftmaxCrossEntropyLoss(from_logits=True, weight=0.5)",
     lambda: [np.log(_u(16, 4, 3, lo=0.1, hi=1)), _labels(17, (4,), 3),
              _u(18, 4, 1, lo=0)], [0]),
    ("sce_batch1", "gluon.loss.SoftmaxCrossEntropyLoss(batch_axis=1)",
     lambda: [_u(19, 3, 4, 5), _labels(20, (3, 4), 5)], [0]),
    ("kl", "gluon.loss.KLDivLoss()",
     lambda: [np.log(_u(21, 3, 4, lo=0.1, hi=1)), _u(22, 3, 4, lo=0, hi=1)], [0]),
    ("kl_logits", "gluon.loss.KLDivLoss(from_logits=False, axis=0)",
     lambda: [_u(23, 3, 4), _u(24, 3, 4, lo=0, hi=1), _u(25, 3, 1, lo=0)], [0]),
    ("ctc_ntc", "gluon.loss.CTCLoss()", lambda: [_u(26, 3, 20, 4), _ctc_labels()], [0]),
    ("ctc_tnc_tn", "gluon.loss.CTCLoss(layout='TNC', label_layout='TN')",
     lambda: [_u(26, 20, 3, 4), _ctc_labels().T.copy()], [0]),
    ("ctc_lengths", "gluon.loss.CTCLoss(weight=2.0)",
     lambda: [_u(27, 3, 10, 5), _ctc_labels(), np.array([10, 8, 9], "float32"),
              np.array([2, 3, 4], "float32"), _u(28, 3, lo=0)], [0]),
    ("huber", "gluon.loss.HuberLoss()", lambda: [_u(29, 4, 3), _u(30, 4, 3)], [0]),
    ("huber_rho", "gluon.loss.HuberLoss(rho=0.3, weight=2)",
     lambda: [_u(29, 4, 3), _u(30, 4, 3), _u(31, 4, 1, lo=0)], [0]),
    ("hinge", "gluon.loss.HingeLoss()", lambda: [_u(32, 5, 2), _sign(33, 5, 2)], [0]),
    ("hinge_margin", "gluon.loss.HingeLoss(margin=2, weight=0.5)",
     lambda: [_u(32, 5, 2), _sign(33, 10)], [0]),
    ("sqhinge", "gluon.loss.SquaredHingeLoss()", lambda: [_u(34, 5, 2), _sign(35, 5, 2)], [0]),
    ("sqhinge_sw", "gluon.loss.SquaredHingeLoss(margin=0.5)",
     lambda: [_u(34, 5, 2), _sign(35, 5, 2), _u(36, 5, 1, lo=0)], [0]),
    ("logistic", "gluon.loss.LogisticLoss()", lambda: [_u(37, 4, 3), _sign(38, 4, 3)], [0]),
    ("logistic_binary", "gluon.loss.LogisticLoss(label_format='binary')",
     lambda: [_u(37, 4, 3, lo=-40, hi=40), _labels(38, (4, 3), 2)], [0]),
    ("triplet", "gluon.loss.TripletLoss()",
     lambda: [_u(39, 4, 3), _u(40, 4, 3), _u(41, 4, 3)], [0, 1, 2]),
    ("triplet_margin", "gluon.loss.TripletLoss(margin=0.1, weight=2)",
     lambda: [_u(39, 4, 3), _u(40, 12), _u(41, 4, 3)], [0]),
    ("poisson", "gluon.loss.PoissonNLLLoss()",
     lambda: [_u(42, 4, 3), _labels(43, (4, 3), 5)], [0]),
    ("poisson_nologits", "gluon.loss.PoissonNLLLoss(from_logits=False)",
     lambda: [_u(42, 4, 3, lo=0.1, hi=4), _labels(43, (4, 3), 5), _u(44, 4, 1, lo=0)], [0]),
    ("poisson_full", "gluon.loss.PoissonNLLLoss(compute_full=True)",
     lambda: [_u(42, 4, 3), _labels(43, (4, 3), 5) + 1], []),
    ("poisson_full_zero", "gluon.loss.PoissonNLLLoss(compute_full=True)",
     lambda: [_u(42, 4, 3), _labels(43, (4, 3), 5)], []),
    ("cosine", "gluon.loss.CosineEmbeddingLoss()",
     lambda: [_u(45, 5, 3), _u(46, 5, 3), np.array([1, -1, 1, -1, 0], "float32")], [0, 1]),
    ("cosine_margin", "gluon.loss.CosineEmbeddingLoss(margin=0.2, weight=3)",
     lambda: [_u(45, 5, 3), _u(46, 5, 3), _sign(47, 5, 1), _u(48, 5, 1, lo=0)], [0]),
    ("sdml", "gluon.loss.SDMLLoss()", lambda: [_u(49, 4, 3), _u(50, 4, 3)], [0, 1]),
    ("sdml_smooth", "gluon.loss.SDMLLoss(smoothing_parameter=0.1)",
     lambda: [_u(49, 3, 5), _u(50, 3, 5)], [0]),
    ("sce_f64", "gluon.loss.SoftmaxCrossEntropyLoss()",
     lambda: [_u(51, 3, 4).astype("float64"), _labels(52, (3,), 4).astype("float64")], [0]),
    ("sce_sw_1d", "gluon.loss.SoftmaxCrossEntropyLoss()",  # (N,1) x (N,) -> (N,N), as MXNet
     lambda: [_u(61, 4, 3), _labels(62, (4,), 3), _u(63, 4, lo=0)], [0]),
    ("l1_sw_3d", "gluon.loss.L1Loss()",
     lambda: [_u(64, 4, 3), _u(65, 4, 3), _u(66, 4, 1, 1, lo=0)], [0]),
    ("sce_f16", "gluon.loss.SoftmaxCrossEntropyLoss()",
     lambda: [_u(53, 4, 3).astype("float16"), _labels(54, (4,), 3).astype("float16")], [0]),
    ("sce_int32_label", "gluon.loss.SoftmaxCrossEntropyLoss()",
     lambda: [_u(55, 4, 3), _labels(56, (4,), 3).astype("int32")], [0]),
    ("l2_f16", "gluon.loss.L2Loss()", lambda: [_u(57, 4, 3).astype("float16"),
                                             _u(58, 4, 3).astype("float16")], [0]),
    ("sbce_f16", "gluon.loss.SigmoidBCELoss()",
     lambda: [_u(59, 4, 3).astype("float16"), _labels(60, (4, 3), 2).astype("float16")], [0]),
]


def _pred(seed: int, n: int, k: int) -> np.ndarray:
    p = _r(seed).uniform(0.05, 1, size=(n, k)).astype("float32")
    return p / p.sum(axis=1, keepdims=True)


# Metric scripts: ``m`` is the metric; step(...) updates and observes; L/P are lists of
# arrays given as nested lists. reset(), reset_local() observe too.
METRICS: List[tuple] = [
    ("acc", "m = mx.metric.create('acc')\n"
            "step([[0, 1, 1]], [[[0.3, 0.7], [0, 1.], [0.4, 0.6]]])\n"
            "step([[1, 0]], [[[0.1, 0.9], [0.5, 0.4]]])\n"
            "reset_local()\n"
            "step([[0, 0, 1]], [[[0.3, 0.7], [0.9, 0.1], [0.4, 0.6]]])\n"
            "reset()"),
    ("acc_2d_label", "m = mx.metric.Accuracy()\n"
                     "step([[[0, 1, 1], [1, 0, 1]]], [P6])"),
    ("acc_axis0", "m = mx.metric.Accuracy(axis=0)\n"
                  "step([[0, 1]], [[[0.3, 0.7], [0.9, 0.2]]])"),
    ("acc_same_shape", "m = mx.metric.Accuracy()\n"
                       "step([[1, 2, 3]], [[1.2, 2.9, 3.0]])"),
    ("acc_int_labels", "m = mx.metric.Accuracy(name='a')\n"
                       "step([nd.array([0, 2, 1], dtype='int32')], [P3])"),
    ("topk", "m = mx.metric.create('top_k_accuracy', top_k=2)\n"
             "step([[0, 1, 2, 3]], [P4x4])\n"
             "step([[3, 3, 3, 3]], [P4x4])\n"
             "reset_local()"),
    ("f1_macro", "m = mx.metric.F1()\n"
                 "step([[1, 0], [1, 0]], [[[0.1, 0.9], [0.5, 0.5]], [[0.85, 0.15], [1, 0]]])\n"
                 "step([[0], [1]], [[[0.6, 0.4]], [[0.2, 0.8]]])\n"
                 "reset_local()\n"
                 "step([[0, 0]], [[[0.9, 0.1], [0.8, 0.2]]])"),
    ("f1_micro", "m = mx.metric.create('f1', average='micro')\n"
                 "step([[1, 0], [1, 0]], [[[0.1, 0.9], [0.5, 0.5]], [[0.85, 0.15], [1, 0]]])\n"
                 "step([[0], [1]], [[[0.6, 0.4]], [[0.2, 0.8]]])\n"
                 "reset_local()\n"
                 "step([[1, 1, 0]], [[[0.1, 0.9], [0.7, 0.3], [0.2, 0.8]]])"),
    ("mcc_macro", "m = mx.metric.MCC()\n"
                  "step([[1, 0], [1, 0]], [[[0.1, 0.9], [0.5, 0.5]], [[0.85, 0.15], [1, 0]]])\n"
                  "step([[0], [1]], [[[0.6, 0.4]], [[0.2, 0.8]]])\n"
                  "reset()"),
    ("mcc_micro", "m = mx.metric.create('mcc', average='micro')\n"
                  "step([[1, 0], [1, 0]], [[[0.1, 0.9], [0.5, 0.5]], [[0.85, 0.15], [1, 0]]])\n"
                  "step([[0, 1, 1]], [[[0.6, 0.4], [0.3, 0.7], [0.9, 0.1]]])\n"
                  "reset_local()\n"
                  "step([[0, 0]], [[[0.9, 0.1], [0.8, 0.2]]])"),
    ("perplexity", "m = mx.metric.create('perplexity', -1)\n"
                   "step([[0, 1, 1]], [[[0.8, 0.2], [0.2, 0.8], [0, 1.]]])\n"
                   "step([[0, 2]], [[[0.5, 0.25, 0.25], [0.1, 0.1, 0.8]]])"),
    ("perplexity_ignore", "m = mx.metric.Perplexity(ignore_label=0)\n"
                          "step([[0, 1, 2, 1]], [P4x3])\n"
                          "reset_local()\n"
                          "step([[0, 0]], [[[0.5, 0.5], [0.3, 0.7]]])"),
    ("perplexity_none", "m = mx.metric.Perplexity(None)\n"
                        "step([[0, 1, 2, 1]], [P4x3])"),
    ("perplexity_axis", "m = mx.metric.Perplexity(ignore_label=None, axis=0)\n"
                        "step([[0, 2, 1]], [P3])"),
    ("mae", "m = mx.metric.create('mae')\n"
            "step([[1, 2, 3]], [[1.5, 2, 2]])\n"
            "step([[[1, 2], [3, 4]]], [[[1.1, 2.2], [2.7, 4.0]]])"),
    ("mse", "m = mx.metric.MSE()\n"
            "step([[1, 2, 3]], [[1.5, 2, 2]])\n"
            "single(nd.array([[1, 2, 3, 4]]) + 0.1, nd.array([[1, 2, 3, 4]]))"),
    ("rmse", "m = mx.metric.RMSE()\n"
             "step([[1, 2, 3], [0, 0]], [[1.5, 2, 2], [1, 1]])\n"
             "reset_local()\n"
             "step([[1, 2]], [[[1.5], [2.5]]])"),
    ("ce", "m = mx.metric.create('ce')\n"
           "step([[0, 1, 2, 1]], [P4x3])\n"
           "step([[[2], [0]]], [[[0.1, 0.2, 0.7], [0.6, 0.2, 0.2]]])"),
    ("nll", "m = mx.metric.create('nll_loss', eps=1e-6)\n"
            "step([[2, 1]], [[[0.2, 0.3, 0.5], [0.6, 0.1, 0.3]]])"),
    ("pearsonr_macro", "m = mx.metric.create('pearsonr')\n"
                       "step([[[1, 0], [0, 1], [0, 1]]], [[[0.3, 0.7], [0, 1.], [0.4, 0.6]]])\n"
                       "step([[1, 2, 3, 4]], [[1.5, 1.7, 3.3, 3.9]])"),
    ("pearsonr_micro", "m = mx.metric.PearsonCorrelation(average='micro')\n"
                       "step([[[1, 0], [0, 1], [0, 1]]], [[[0.3, 0.7], [0, 1.], [0.4, 0.6]]])\n"
                       "step([[[1, 0], [0, 1], [0, 1]]], [[[1, 2], [3, 2], [4, 6]]])\n"
                       "reset_local()"),
    ("pcc", "m = mx.metric.create('pcc')\n"
            "step([[0, 1, 1, 0, 1]], [[[0.9, 0.1], [0.2, 0.8], [0.6, 0.4], [0.3, 0.7], "
            "[0.1, 0.9]]])\n"
            "step([[2, 0, 1]], [[2, 0, 2]])\n"
            "reset_local()\n"
            "step([[0, 1]], [[[0.9, 0.1], [0.2, 0.8]]])"),
    ("pcc_rows", "m = mx.metric.PCC()\n"  # rows of labels: one count per distinct pair
                 "step([[[0, 1, 1], [1, 1, 0]]], [[[0, 1, 1], [1, 0, 0]]])\n"
                 "step([[0, 1, 2, 2]], [[0, 1, 2, 1]])"),
    ("loss", "m = mx.metric.create('loss')\n"
             "step(None, [[0.5, 1.5, 2.0]])\n"
             "single(None, nd.array([[1, 2], [3, 4]]))"),
    ("torch_caffe", "m = mx.metric.create(['torch', 'caffe'])\n"
                    "step(None, [[0.5, 1.5, 2.0]])"),
    ("custom", "def mae_fn(label, pred):\n"
               "    return np.abs(label - pred).mean()\n"
               "m = mx.metric.create(mae_fn)\n"
               "step([[1, 2, 3]], [[1.5, 2, 2]])\n"
               "step([[1, 2]], [[1, 3]])"),
    ("custom_tuple", "m = mx.metric.CustomMetric(lambda l, p: ((l == p).sum(), l.size))\n"
                     "step([[1, 2, 3]], [[1, 2, 2]])"),
    ("custom_f32", "m = mx.metric.np(lambda l, p: np.float32(np.abs(l - p).sum()), "
                   "name='f32')\n"
                   "step([[1, 2, 3]], [[1.5, 2, 2]])"),
    ("np_wrapper", "def my_err(label, pred):\n"
                   "    return float(np.square(label - pred).sum()), label.size\n"
                   "m = mx.metric.np(my_err, allow_extra_outputs=True)\n"
                   "step([[1, 2]], [[1.5, 2], [9, 9]])"),
    ("composite", "m = mx.metric.create(['acc', 'f1', mx.metric.MAE(name='m')])\n"
                  "step([[0, 1, 1]], [[[0.3, 0.7], [0, 1.], [0.4, 0.6]]])\n"
                  "reset_local()\n"
                  "step([[1, 1]], [[[0.3, 0.7], [0.8, 0.2]]])"),
    ("composite_dict", "m = mx.metric.CompositeEvalMetric(['acc', 'ce'], "
                       "output_names=['out'], label_names=['lab'])\n"
                       "m.update_dict({'lab': nd.array([0, 1]), 'other': nd.array([5])}, "
                       "{'out': nd.array([[0.6, 0.4], [0.3, 0.7]]), 'x': nd.array([1])})\n"
                       "observe()"),
    ("update_dict_names", "m = mx.metric.Accuracy(output_names=['b'], label_names=['l'])\n"
                          "m.update_dict({'l': nd.array([1, 0])}, "
                          "{'a': nd.array([[0, 1], [0, 1]]), 'b': nd.array([[0, 1], [1, 0]])})\n"
                          "observe()"),
    ("empty", "m = mx.metric.create('acc')\nobserve()\n"
              "m = mx.metric.Perplexity(-1)\nobserve()\n"
              "m = mx.metric.create(['mae', 'rmse'])\nobserve()"),
]

CONFIGS = [
    "mx.metric.create('acc', axis=0)",
    "mx.metric.create('f1')",
    "mx.metric.create('mcc', average='micro')",
    "mx.metric.create('perplexity', -1)",
    "mx.metric.create('pearsonr')",
    "mx.metric.create('pcc')",
    "mx.metric.create('nll_loss')",
    "mx.metric.create('loss')",
    "mx.metric.create('top_k_acc', top_k=3)",
    "mx.metric.create(['acc', 'f1'])",
    "mx.metric.create('ce', output_names=['o'], label_names=['l'])",
    "mx.metric.create('{\"metric\": \"mse\", \"name\": \"my\"}')",
    "mx.metric.create('[\"rmse\", {\"name\": \"r\"}]')",
    "mx.metric.create({'metric': 'Accuracy', 'axis': 2})",
    "mx.metric.create(mx.metric.Accuracy(name='x'))",
]

ERRORS = [
    ("metric_unknown", "mx.metric.create('nosuchmetric')"),
    ("metric_nonstring", "mx.metric.create(3)"),
    ("metric_instance_args", "mx.metric.create(mx.metric.Accuracy(), 1)"),
    ("acc_len", "mx.metric.Accuracy().update([nd.array([0, 1])], [nd.array([[0, 1]] * 3)])"),
    ("acc_lists", "mx.metric.Accuracy().update([nd.array([0, 1])], [])"),
    ("mae_lists", "mx.metric.MAE().update([nd.array([0, 1]), nd.array([1])], "
                  "[nd.array([0, 1])])"),
    ("topk_1", "mx.metric.TopKAccuracy(top_k=1)"),
    ("topk_3d", "mx.metric.TopKAccuracy(top_k=2).update([nd.zeros((2,))], "
                "[nd.zeros((2, 2, 2))])"),
    ("f1_multiclass", "mx.metric.F1().update([nd.array([0, 1, 2])], [nd.zeros((3, 2))])"),
    ("f1_len", "mx.metric.F1().update([nd.array([0, 1, 1])], [nd.zeros((2, 2))])"),
    ("perplexity_shape", "mx.metric.Perplexity(-1).update([nd.array([0, 1, 1])], "
                         "[nd.zeros((2, 2))])"),
    ("perplexity_axis_shape", "mx.metric.Perplexity(None, axis=1).update("
                              "[nd.zeros((2, 2))], [nd.ones((2, 3, 2))])"),
    ("pearsonr_shape", "mx.metric.PearsonCorrelation().update([nd.array([[1, 2]])], "
                       "[nd.array([1, 2])])"),
    ("nll_len", "mx.metric.NegativeLogLikelihood().update([nd.array([0, 1, 1])], "
                "[nd.zeros((2, 2))])"),
    ("custom_config", "mx.metric.CustomMetric(lambda l, p: 1.0).get_config()"),
    ("base_update", "mx.metric.EvalMetric('x').update([], [])"),
    ("loss_weight", "gluon.loss.L1Loss(weight='a')(nd.ones((2, 2)), nd.ones((2, 2)))"),
    ("logistic_format", "gluon.loss.LogisticLoss(label_format='bad')"),
    ("ctc_layout", "gluon.loss.CTCLoss(layout='NCT')"),
    ("ctc_label_layout", "gluon.loss.CTCLoss(label_layout='TT')"),
    ("split_uneven", "gluon.utils.split_data(nd.zeros((5, 2)), 2)"),
    ("clip_empty", "gluon.utils.clip_global_norm([], 1.0)"),
    ("download_noname", "gluon.utils.download('http://example.com/')"),
    ("download_retries", "gluon.utils.download('http://example.com/a', retries=-1)"),
    ("shape_negative", "gluon.utils.shape_is_known((2, -3))"),
    ("shape_negative_np", "with mx.util.np_shape(True):\n"
                          "    gluon.utils.shape_is_known((2, -3))"),
]

# errors whose message comes from MXNet's C++ core (only the class is compared)
ERRORS_CLASS_ONLY = [
    ("l1_label_size", "gluon.loss.L1Loss()(nd.ones((2, 3)), nd.ones((2, 2)))"),
    ("topk_more_than_classes", "mx.metric.TopKAccuracy(top_k=10).update([nd.array([0, 1])],"
                               " [nd.ones((2, 4))])"),
    ("perplexity_3d", "mx.metric.Perplexity(ignore_label=1).update([nd.zeros((2, 3))], "
                      "[nd.ones((2, 3, 3))])"),
    ("sample_weight_shape", "gluon.loss.L2Loss()(nd.ones((2, 3)), nd.zeros((2, 3)), "
                            "nd.array([1, 2]))"),
    ("poisson_full_record", "x = nd.ones((2, 2)); x.attach_grad()\n"
                            "with mx.autograd.record():\n"
                            "    gluon.loss.PoissonNLLLoss(compute_full=True)(x, x + 1)"),
    ("sce_label_shape", "gluon.loss.SoftmaxCrossEntropyLoss(sparse_label=False)"
                        "(nd.ones((2, 3)), nd.ones((2, 2)))"),
]

UTILS = [
    ("split_even", "gluon.utils.split_data(nd.arange(12).reshape((6, 2)), 3)"),
    ("split_uneven", "gluon.utils.split_data(nd.arange(14).reshape((7, 2)), 3, "
                     "even_split=False)"),
    ("split_axis1", "gluon.utils.split_data(nd.arange(24).reshape((2, 6, 2)), 4, batch_axis=1,"
                    " even_split=False)"),
    ("split_more_slices", "gluon.utils.split_data(nd.arange(4).reshape((2, 2)), 3, "
                          "even_split=False)"),
    ("load_one", "gluon.utils.split_and_load(np.arange(6).reshape((3, 2)), [mx.cpu()])"),
    ("load_two", "gluon.utils.split_and_load(nd.arange(8).reshape((4, 2)), "
                 "[mx.cpu(0), mx.cpu(1)])"),
    ("load_list", "gluon.utils.split_and_load([[1, 2], [3, 4], [5, 6]], [mx.cpu(0), "
                  "mx.cpu(1)], even_split=False)"),
    ("shape_known", "[gluon.utils.shape_is_known(s) for s in [None, (), (2, 0), (3, 4)]]"),
    ("sha1", "gluon.utils.check_sha1(__file__, 'abc')"),
    ("shape_known_np", "[mx.util.np_shape(True).__enter__(), [gluon.utils.shape_is_known(s) "
                       "for s in [(), (2, 0), (2, -1), (3, 4)]], "
                       "mx.util.np_shape(False).__enter__()][1]"),
]

CLIPS = [
    ("clip", [[[1.0, 2.0], [3.0, 4.0]], [5.0, 6.0, 7.0]], 2.0, True),
    ("clip_noop", [[0.1, 0.2], [0.3]], 10.0, True),
    ("clip_nosync", [[3.0, 4.0]], 1.0, False),
    ("clip_inf", [[1.0, float("inf")], [1.0]], 1.0, True),
]


# ---- the runners (shared with the tests) --------------------------------------------------
def namespace(mx: Any) -> Dict[str, Any]:
    return {"mx": mx, "nd": mx.nd, "np": np, "gluon": mx.gluon, "__file__": __file__}


def _jsonable(x: Any) -> Any:
    if isinstance(x, float) and math.isnan(x):
        return "nan"
    if isinstance(x, float) and math.isinf(x):
        return "inf" if x > 0 else "-inf"
    if isinstance(x, (np.floating,)):
        return _jsonable(float(x))
    if isinstance(x, (np.integer,)):
        return int(x)
    if isinstance(x, (list, tuple)):
        return [_jsonable(i) for i in x]
    return x


def _arr(a: np.ndarray) -> Dict[str, Any]:
    return {"data": _jsonable(a.tolist()), "shape": list(a.shape), "dtype": str(a.dtype)}


def run_loss(mx: Any, case: tuple) -> Dict[str, Any]:
    cid, code, make, grads = case
    ns = namespace(mx)
    with mx.name.NameManager():
        loss = eval(code, ns)  # noqa: S307
    inputs = make()
    args = []
    for i, a in enumerate(inputs):
        if a is None:
            args.append(None)
            continue
        x = mx.nd.array(a, dtype=a.dtype)
        if i in grads:
            x.attach_grad()
        args.append(x)
    if grads:
        with mx.autograd.record():
            out = loss(*args)
        out.backward()
    else:
        out = loss(*args)
    res = {"repr": repr(loss), "name": loss.name, "out": _arr(out.asnumpy()),
           "inputs": [None if a is None else _arr(a) for a in inputs],
           "grads": {str(i): _arr(args[i].grad.asnumpy()) for i in grads}}
    return res


def _value(v: Any) -> Any:
    if isinstance(v, list):
        return [_value(i) for i in v]
    return [_jsonable(v), type(v).__name__]


def run_metric(mx: Any, code: str) -> List[Any]:
    ns = namespace(mx)
    seen: List[Any] = []

    def arrays(xs: Any) -> Any:
        if xs is None:
            return None
        return [x if isinstance(x, mx.nd.NDArray) else mx.nd.array(x) for x in xs]

    def observe() -> None:
        m = ns["m"]
        seen.append({
            "get": _value(list(m.get())), "global": _value(list(m.get_global())),
            "nv": _value([list(p) for p in m.get_name_value()]),
            "gnv": _value([list(p) for p in m.get_global_name_value()]),
            "str": str(m),
            "num_inst": _value(getattr(m, "num_inst", None)),
            "global_num_inst": _value(getattr(m, "global_num_inst", None)),
        })

    def step(labels: Any, preds: Any) -> None:
        ns["m"].update(arrays(labels), arrays(preds))
        observe()

    def single(label: Any, pred: Any) -> None:
        ns["m"].update(label, pred)
        observe()

    def reset() -> None:
        ns["m"].reset()
        observe()

    def reset_local() -> None:
        ns["m"].reset_local()
        observe()

    ns.update(step=step, single=single, reset=reset, reset_local=reset_local,
              observe=observe, P6=_pred(60, 6, 2), P3=_pred(61, 3, 3), P4x4=_pred(62, 4, 4),
              P4x3=_pred(63, 4, 3),
              P2x3x2=_r(64).uniform(0.05, 1, size=(2, 3, 2)).astype("float32"),
              P2x3x3=_r(65).uniform(0.05, 1, size=(2, 3, 3)).astype("float32"))
    exec(code, ns)  # noqa: S102
    return seen


def run_config(mx: Any, code: str) -> Any:
    m = eval(code, namespace(mx))  # noqa: S307
    config = m.get_config()
    again = mx.metric.create(json.dumps(config))
    return {"config": config, "again": again.get_config(), "type": type(m).__name__,
            "name": m.name}


def run_error(mx: Any, code: str) -> Dict[str, Any]:
    ns = namespace(mx)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            exec(code, ns)  # noqa: S102
    except Exception as e:  # noqa: BLE001
        return {"raised": True, "bases": [c.__name__ for c in type(e).__mro__
                                          if c.__module__ == "builtins"],
                "message": str(e)}
    return {"raised": False}


def run_util(mx: Any, code: str) -> Any:
    res = eval(code, namespace(mx))  # noqa: S307
    if isinstance(res, list) and res and isinstance(res[0], mx.nd.NDArray):
        return [{"value": _arr(r.asnumpy()), "ctx": str(r.context)} for r in res]
    return res


def run_clip(mx: Any, case: tuple) -> Dict[str, Any]:
    _, arrays, max_norm, check = case
    xs = [mx.nd.array(a) for a in arrays]
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        norm = mx.gluon.utils.clip_global_norm(xs, max_norm, check_isfinite=check)
    if isinstance(norm, mx.nd.NDArray):
        norm_out: Any = {"ndarray": _arr(norm.asnumpy())}
    else:
        norm_out = [_jsonable(norm), type(norm).__name__]
    return {"norm": norm_out, "arrays": [_arr(x.asnumpy()) for x in xs],
            "warnings": [str(i.message) for i in w]}


def record(mx: Any) -> Dict[str, Any]:
    return {
        "losses": {c[0]: run_loss(mx, c) for c in LOSSES},
        "metrics": {cid: run_metric(mx, code) for cid, code in METRICS},
        "configs": {code: run_config(mx, code) for code in CONFIGS},
        "errors": {cid: run_error(mx, code) for cid, code in ERRORS + ERRORS_CLASS_ONLY},
        "utils": {cid: run_util(mx, code) for cid, code in UTILS},
        "clips": {c[0]: run_clip(mx, c) for c in CLIPS},
    }


def main() -> int:
    import mxnet as mx
    if not mx.__version__.startswith("1.9"):
        print("record_loss_metric: needs MXNet 1.9.1", file=sys.stderr)
        return 2
    data = record(mx)
    GOLDEN.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n")
    print(f"wrote {GOLDEN}")
    import subprocess
    r = subprocess.run([sys.executable, str(EXAMPLE)], capture_output=True, text=True,
                       check=True, cwd=ROOT)
    EXAMPLE_OUT.write_text(r.stdout)
    print(f"wrote {EXAMPLE_OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
