"""gluon.loss, mx.metric and gluon.utils against independent references: torch.nn.functional
losses and NumPy formulas (values and input gradients), NumPy / hand-computed metric values,
downloads from a local HTTP server (and the errors when nothing answers)."""
from __future__ import annotations

import functools
import http.server
import os
import socket
import sys
import threading

import numpy as np
import pytest
import torch
import torch.nn.functional as tF

import mxcompat as mx
from mxcompat import autograd, gluon, nd

R = np.random.RandomState(7)


def _run(loss, *inputs, grad=(0,)):
    """(output, [grads of the chosen inputs]) as NumPy, the forward pass recorded."""
    args = []
    for i, a in enumerate(inputs):
        x = None if a is None else nd.array(a, dtype=a.dtype)
        if x is not None and i in grad:
            x.attach_grad()
        args.append(x)
    with autograd.record():
        out = loss(*args)
    out.backward()
    return out.asnumpy(), [args[i].grad.asnumpy() for i in grad]


def _torch_ref(fn, *inputs, grad=(0,)):
    ts = [None if a is None else torch.tensor(a, dtype=torch.float64, requires_grad=i in grad)
          for i, a in enumerate(inputs)]
    out = fn(*ts)
    out.sum().backward()
    return out.detach().numpy(), [ts[i].grad.numpy() for i in grad]


def _check(loss, fn, *inputs, grad=(0,), rtol=1e-4, atol=1e-5):
    got, ggot = _run(loss, *inputs, grad=grad)
    exp, gexp = _torch_ref(fn, *inputs, grad=grad)
    np.testing.assert_allclose(got, exp.reshape(got.shape), rtol=rtol, atol=atol)
    for g, e in zip(ggot, gexp):
        np.testing.assert_allclose(g, e, rtol=rtol, atol=atol)


def f32(*shape, lo=-2.0, hi=2.0):
    return R.uniform(lo, hi, size=shape).astype("float32")


# ---- losses against torch ----------------------------------------------------------------
def test_l2_l1_against_torch():
    p, l, w = f32(4, 3), f32(4, 3), f32(4, 1, lo=0)
    _check(gluon.loss.L2Loss(), lambda a, b: ((a - b) ** 2 / 2).mean(1), p, l)
    _check(gluon.loss.L2Loss(weight=4.), lambda a, b, c: ((a - b) ** 2 * 2 * c).mean(1),
           p, l, w)
    _check(gluon.loss.L1Loss(), lambda a, b: tF.l1_loss(a, b, reduction="none").mean(1), p, l)
    # a label with the same number of elements is reshaped to the prediction's shape
    _check(gluon.loss.L1Loss(), lambda a, b: (a - b.reshape(4, 3)).abs().mean(1),
           p, l.reshape(12))


def test_l2_batch_axis_1():
    p, l = f32(3, 5), f32(3, 5)
    out, _ = _run(gluon.loss.L2Loss(batch_axis=1), p, l)
    np.testing.assert_allclose(out, ((p - l) ** 2 / 2).mean(0), rtol=1e-5)
    assert out.shape == (5,)


def test_sigmoid_bce_against_torch():
    p, l = f32(5, 4, lo=-20, hi=20), R.randint(0, 2, (5, 4)).astype("float32")
    pw = f32(1, 4, lo=0.5, hi=3)
    _check(gluon.loss.SigmoidBCELoss(),
           lambda a, b: tF.binary_cross_entropy_with_logits(a, b, reduction="none").mean(1),
           p, l)
    _check(gluon.loss.SigmoidBCELoss(),
           lambda a, b, s, w: tF.binary_cross_entropy_with_logits(
               a, b, pos_weight=w, reduction="none").mean(1), p, l, None, pw)
    q = f32(5, 4, lo=0.05, hi=0.95)
    _check(gluon.loss.SigmoidBCELoss(from_sigmoid=True),
           lambda a, b: tF.binary_cross_entropy(a, b, reduction="none").mean(1), q, l)


def test_softmax_ce_against_torch():
    p, l = f32(6, 5), R.randint(0, 5, 6).astype("float32")
    _check(gluon.loss.SoftmaxCrossEntropyLoss(),
           lambda a, b: tF.cross_entropy(a, b.long(), reduction="none"), p, l)
    # class axis 1 of a (N, C, T) prediction: torch's layout
    p3, l3 = f32(2, 4, 3), R.randint(0, 4, (2, 3)).astype("float32")
    _check(gluon.loss.SoftmaxCrossEntropyLoss(axis=1),
           lambda a, b: tF.cross_entropy(a, b.long(), reduction="none").mean(1), p3, l3)
    dense = np.eye(5, dtype="float32")[R.randint(0, 5, 6)] * 0.9 + 0.02
    _check(gluon.loss.SoftmaxCrossEntropyLoss(sparse_label=False),
           lambda a, b: tF.cross_entropy(a, b, reduction="none"), p, dense, grad=(0, 1))
    logp = np.log(f32(6, 5, lo=0.1, hi=1))
    _check(gluon.loss.SoftmaxCrossEntropyLoss(from_logits=True, weight=2.),
           lambda a, b: 2 * tF.nll_loss(a, b.long(), reduction="none"), logp, l)


def test_softmax_ce_sample_weight_and_dtype():
    p, l, w = f32(4, 3), np.array([0, 2, 1, 1], "float32"), f32(4, 1, lo=0)
    out, (g,) = _run(gluon.loss.SoftmaxCELoss(), p, l, w)
    ref = -np.log(np.exp(p) / np.exp(p).sum(1, keepdims=True))[np.arange(4), l.astype(int)]
    np.testing.assert_allclose(out, ref * w[:, 0], rtol=1e-5)
    sm = np.exp(p) / np.exp(p).sum(1, keepdims=True)
    np.testing.assert_allclose(g, (sm - np.eye(3)[l.astype(int)]) * w, rtol=1e-4, atol=1e-6)
    out64, _ = _run(gluon.loss.SoftmaxCELoss(), p.astype("float64"), l.astype("float64"))
    assert out64.dtype == np.float64


def test_kl_div_against_torch():
    logp, q = np.log(f32(3, 4, lo=0.1, hi=1)), f32(3, 4, lo=0.01, hi=1)
    _check(gluon.loss.KLDivLoss(),
           lambda a, b: tF.kl_div(a, b, reduction="none").sum(1), logp, q, rtol=1e-4)
    x = f32(3, 4)
    _check(gluon.loss.KLDivLoss(from_logits=False),
           lambda a, b: tF.kl_div(tF.log_softmax(a, -1), b, reduction="none").sum(1), x, q)


def test_ctc_against_torch():
    T, N, C = 12, 3, 5
    x = f32(N, T, C)
    labels = np.array([[1, 0, -1], [2, 1, 1], [0, 3, 2]], "float32")
    lengths = np.array([2, 3, 3])

    def ref(a, b):
        logp = tF.log_softmax(a.transpose(0, 1), -1)
        targets = torch.tensor(labels, dtype=torch.long).clamp(min=0)
        return tF.ctc_loss(logp, targets, torch.full((N,), T, dtype=torch.long),
                           torch.tensor(lengths), blank=C - 1, reduction="none",
                           zero_infinity=False)
    _check(gluon.loss.CTCLoss(), ref, x, labels, rtol=1e-4, atol=1e-4)
    # TNC / TN layouts give the same numbers
    out_tnc, _ = _run(gluon.loss.CTCLoss(layout="TNC", label_layout="TN"),
                      x.transpose(1, 0, 2).copy(), labels.T.copy())
    out_ntc, _ = _run(gluon.loss.CTCLoss(), x, labels)
    np.testing.assert_allclose(out_tnc, out_ntc, rtol=1e-5)


def test_ctc_lengths_against_torch():
    T, N, C = 8, 2, 4
    x = f32(N, T, C)
    labels = np.array([[1, 0, 2], [2, 2, 0]], "float32")
    pl, ll = np.array([8, 6], "float32"), np.array([3, 2], "float32")

    def ref(a, b, c, d):
        logp = tF.log_softmax(a.transpose(0, 1), -1)
        return tF.ctc_loss(logp, b.long(), c.long(), d.long(), blank=C - 1, reduction="none")
    _check(gluon.loss.CTCLoss(), ref, x, labels, pl, ll, rtol=1e-4, atol=1e-4)


def test_huber_hinge_logistic_against_torch():
    p, l = f32(5, 4), f32(5, 4)
    _check(gluon.loss.HuberLoss(rho=0.5),
           lambda a, b: tF.smooth_l1_loss(a, b, beta=0.5, reduction="none").mean(1), p, l)
    s = (R.randint(0, 2, (5, 4)) * 2 - 1).astype("float32")
    _check(gluon.loss.HingeLoss(margin=1.5),
           lambda a, b: torch.relu(1.5 - a * b).mean(1), p, s)
    _check(gluon.loss.SquaredHingeLoss(),
           lambda a, b: (torch.relu(1 - a * b) ** 2).mean(1), p, s)
    _check(gluon.loss.LogisticLoss(),
           lambda a, b: tF.soft_margin_loss(a, b, reduction="none").mean(1), p, s)
    _check(gluon.loss.LogisticLoss(label_format="binary"),
           lambda a, b: tF.binary_cross_entropy_with_logits(a, b, reduction="none").mean(1),
           p * 20, (s + 1) / 2)


def test_triplet_against_numpy():
    a, p, n = f32(4, 3), f32(4, 3), f32(4, 3)
    out, grads = _run(gluon.loss.TripletLoss(margin=0.5), a, p, n, grad=(0, 1, 2))
    gap = ((p - a) ** 2).sum(1) - ((n - a) ** 2).sum(1) + 0.5
    np.testing.assert_allclose(out, np.maximum(gap, 0), rtol=1e-5, atol=1e-6)
    active = (gap > 0)[:, None]
    np.testing.assert_allclose(grads[0], active * (2 * (n - p)), rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(grads[1], active * (2 * (p - a)), rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(grads[2], active * (-2 * (n - a)), rtol=1e-4, atol=1e-6)


def test_poisson_nll_against_torch():
    p, t = f32(4, 3), R.randint(0, 5, (4, 3)).astype("float32")
    _check(gluon.loss.PoissonNLLLoss(),
           lambda a, b: tF.poisson_nll_loss(a, b, log_input=True, reduction="mean"), p, t)
    q = f32(4, 3, lo=0.1, hi=3)
    _check(gluon.loss.PoissonNLLLoss(from_logits=False),
           lambda a, b: tF.poisson_nll_loss(a, b, log_input=False, eps=1e-8), q, t)
    out = gluon.loss.PoissonNLLLoss(compute_full=True)(nd.array(p), nd.array(t + 1))
    ref = tF.poisson_nll_loss(torch.tensor(p), torch.tensor(t + 1), full=True)
    np.testing.assert_allclose(out.asnumpy(), [ref.item()], rtol=1e-5)
    assert out.shape == (1,)


def test_poisson_full_in_place_fails_under_record():
    x = nd.ones((2, 2))
    x.attach_grad()
    with pytest.raises(mx.base.MXNetError, match="inplace operations"):
        with autograd.record():
            gluon.loss.PoissonNLLLoss(compute_full=True)(x, x + 1)


def test_cosine_embedding_against_torch():
    a, b = f32(5, 3), f32(5, 3)
    y = np.array([1, -1, 1, -1, -1], "float32")
    out, grads = _run(gluon.loss.CosineEmbeddingLoss(margin=0.1), a, b, y, grad=(0, 1))
    ta = torch.tensor(a, requires_grad=True)
    tb = torch.tensor(b, requires_grad=True)
    ref = tF.cosine_embedding_loss(ta, tb, torch.tensor(y), margin=0.1, reduction="none")
    ref.sum().backward()
    assert out.shape == (5, 1)
    np.testing.assert_allclose(out[:, 0], ref.detach().numpy(), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(grads[0], ta.grad.numpy(), rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(grads[1], tb.grad.numpy(), rtol=1e-4, atol=1e-6)


def test_sdml_against_numpy():
    x1, x2 = f32(4, 3), f32(4, 3)
    out = gluon.loss.SDMLLoss(smoothing_parameter=0.3)(nd.array(x1), nd.array(x2)).asnumpy()
    d = ((x1[:, None, :] - x2[None, :, :]) ** 2).sum(2).astype("float64")
    logp = -d - np.log(np.exp(-d).sum(1, keepdims=True))
    lab = np.eye(4) * 0.7 + (1 - np.eye(4)) * 0.1
    ref = (lab * (np.log(lab + 1e-12) - logp)).sum(1)
    np.testing.assert_allclose(out, ref, rtol=1e-4, atol=1e-5)


def test_loss_hybridize_same_result():
    p, l = f32(4, 3), np.array([0, 1, 2, 1], "float32")
    loss = gluon.loss.SoftmaxCrossEntropyLoss()
    eager = loss(nd.array(p), nd.array(l)).asnumpy()
    loss.hybridize()
    np.testing.assert_array_equal(loss(nd.array(p), nd.array(l)).asnumpy(), eager)


def test_loss_names_reprs_and_children():
    with mx.name.NameManager():
        a = gluon.loss.SoftmaxCrossEntropyLoss()
        b = gluon.loss.SoftmaxCELoss(weight=0.5, batch_axis=1)
        c = gluon.loss.SDMLLoss()
    assert (a.name, b.name) == ("softmaxcrossentropyloss0", "softmaxcrossentropyloss1")
    assert repr(b) == "SoftmaxCrossEntropyLoss(batch_axis=1, w=0.5)"
    assert c.kl_loss.name == "kldivloss0"  # made outside name_scope(), as in MXNet
    assert repr(c) == "SDMLLoss(batch_axis=0, w=1.0)"
    assert gluon.loss.SigmoidBCELoss is gluon.loss.SigmoidBinaryCrossEntropyLoss
    assert len(a.collect_params()) == 0


def test_user_defined_loss_with_mxnet_helpers():
    """A custom loss written the way extension libraries write them (subclassing Loss,
    using MXNet's _reshape_like / _apply_weighting)."""
    from mxcompat.gluon.loss import Loss, _apply_weighting, _reshape_like

    class CubeLoss(Loss):
        def __init__(self, weight=None, batch_axis=0, **kwargs):
            super().__init__(weight, batch_axis, **kwargs)

        def hybrid_forward(self, F, pred, label, sample_weight=None):
            label = _reshape_like(F, label, pred)
            loss = F.abs(pred - label) ** 3
            loss = _apply_weighting(F, loss, self._weight, sample_weight)
            return F.mean(loss, axis=self._batch_axis, exclude=True)

    p, l = f32(3, 4), f32(12)
    with mx.name.NameManager():
        loss = CubeLoss(weight=2.)
    assert loss.name == "cubeloss0" and repr(loss) == "CubeLoss(batch_axis=0, w=2.0)"
    _check(loss, lambda a, b: 2 * ((a - b.reshape(3, 4)).abs() ** 3).mean(1), p, l)
    with pytest.raises(AssertionError, match="weight must be a number"):
        CubeLoss(weight="x")(nd.array(p), nd.array(l))


def test_loss_in_a_training_step():
    """A loss drives a Dense layer's gradients as the hand-derived formula says."""
    net = gluon.nn.Dense(3, in_units=4)
    net.initialize(mx.init.Constant(0.1))
    x, y = nd.array(f32(5, 4)), nd.array([0, 1, 2, 1, 0])
    with autograd.record():
        loss = gluon.loss.SoftmaxCrossEntropyLoss()(net(x), y)
    loss.backward()
    logits = x.asnumpy() @ np.full((4, 3), 0.1) + 0.1
    sm = np.exp(logits) / np.exp(logits).sum(1, keepdims=True)
    dlogits = sm - np.eye(3)[[0, 1, 2, 1, 0]]
    np.testing.assert_allclose(net.weight.grad().asnumpy(), dlogits.T @ x.asnumpy(),
                               rtol=1e-4, atol=1e-6)


# ---- metrics against NumPy -----------------------------------------------------------------
def test_accuracy_random_against_numpy():
    pred = R.uniform(size=(50, 7)).astype("float32")
    label = R.randint(0, 7, 50)
    m = mx.metric.Accuracy()
    m.update([nd.array(label)], [nd.array(pred)])
    name, value = m.get()
    assert name == "accuracy"
    assert value == (pred.argmax(1) == label).mean()
    assert type(value) is np.float64


def test_topk_against_numpy():
    pred = R.uniform(size=(40, 6)).astype("float32")
    label = R.randint(0, 6, 40)
    m = mx.metric.TopKAccuracy(top_k=3)
    m.update([nd.array(label)], [nd.array(pred)])
    top3 = np.argsort(-pred, 1)[:, :3]
    assert m.get() == ("top_k_accuracy_3", (top3 == label[:, None]).any(1).mean())


def test_f1_mcc_against_counts():
    pred = R.uniform(size=(30, 2)).astype("float32")
    label = R.randint(0, 2, 30)
    p = pred.argmax(1)
    tp = ((p == 1) & (label == 1)).sum()
    fp = ((p == 1) & (label == 0)).sum()
    fn = ((p == 0) & (label == 1)).sum()
    tn = ((p == 0) & (label == 0)).sum()
    f1 = mx.metric.F1()
    mcc = mx.metric.MCC()
    for m in (f1, mcc):
        m.update([nd.array(label)], [nd.array(pred)])
    assert np.isclose(f1.get()[1], 2 * tp / (2 * tp + fp + fn))
    ref = (tp * tn - fp * fn) / np.sqrt(float((tp + fp) * (tp + fn) * (tn + fp) * (tn + fn)))
    assert np.isclose(mcc.get()[1], ref)


def test_perplexity_ignore_label_against_numpy():
    pred = R.uniform(0.05, 1, size=(10, 4)).astype("float32")
    label = R.randint(0, 4, 10)
    keep = label != 2
    m = mx.metric.Perplexity(ignore_label=2)
    m.update([nd.array(label)], [nd.array(pred)])
    ref = np.exp(-np.log(pred[np.arange(10), label][keep]).sum() / keep.sum())
    assert np.isclose(m.get()[1], ref, rtol=1e-6)
    assert type(m.get()[1]) is float


def test_regression_metrics_against_numpy():
    label, pred = R.uniform(size=(8, 3)), R.uniform(size=(8, 3))
    for name, ref in [("mae", np.abs(label - pred).mean()),
                      ("mse", ((label - pred) ** 2).mean()),
                      ("rmse", np.sqrt(((label - pred) ** 2).mean()))]:
        m = mx.metric.create(name)
        m.update([nd.array(label)], [nd.array(pred)])
        assert np.isclose(m.get()[1], ref, rtol=1e-5)
        assert type(m.get()[1]) is np.float64


def test_pcc_multiclass_against_formula():
    label = R.randint(0, 4, 60)
    pred = R.randint(0, 4, 60)
    cm = np.zeros((4, 4))
    np.add.at(cm, (pred, label), 1)
    n, x, y = cm.sum(), cm.sum(1), cm.sum(0)
    ref = (np.trace(cm) * n - (x * y).sum()) / np.sqrt(((x * (n - x)).sum())
                                                        * (y * (n - y)).sum())
    m = mx.metric.PCC()
    m.update([nd.array(label)], [nd.array(pred)])
    assert np.isclose(m.get()[1], ref)


def test_global_vs_local_statistics():
    m = mx.metric.create("acc")
    m.update([nd.array([0, 1])], [nd.array([[1, 0], [1, 0]])])
    m.reset_local()
    m.update([nd.array([1, 1])], [nd.array([[0, 1], [0, 1]])])
    assert m.get()[1] == 1.0
    assert m.get_global()[1] == 0.75
    assert m.get_global_name_value() == [("accuracy", 0.75)]
    m.reset()
    assert np.isnan(m.get_global()[1])


def test_register_alias_and_create():
    @mx.metric.register
    @mx.metric.alias("my_metric_alias")
    class MyMetric(mx.metric.EvalMetric):
        def __init__(self, name="mine"):
            super().__init__(name)

        def update(self, labels, preds):
            self.sum_metric += 1
            self.num_inst += 1

    assert isinstance(mx.metric.create("mymetric"), MyMetric)
    assert isinstance(mx.metric.create("MY_METRIC_ALIAS"), MyMetric)
    with pytest.warns(UserWarning, match="overriding"):
        mx.metric.register(MyMetric)
    with pytest.raises(AssertionError, match="Can only register subclass"):
        mx.metric.register(int)
    custom = mx.metric.create(lambda l, p: 1.0)
    assert isinstance(custom, mx.metric.CustomMetric) and custom.name == "custom(<lambda>)"


def test_metric_errors_are_mxnet_errors():
    with pytest.raises(mx.base.MXNetError, match="nosuch is not registered"):
        mx.metric.create("nosuch")
    with pytest.raises(ValueError, match="Shape of labels 2 does not match"):
        mx.metric.Accuracy().update([nd.array([0, 1])], [nd.array([[0, 1]] * 3)])


def test_composite_get_metric_returns_error():
    c = mx.metric.CompositeEvalMetric(["acc"])
    assert isinstance(c.get_metric(0), mx.metric.Accuracy)
    err = c.get_metric(3)  # MXNet returns (does not raise) the error
    assert isinstance(err, ValueError) and "out of range 0 and 1" in str(err)


# ---- gluon.utils ---------------------------------------------------------------------------
def test_split_data_views_and_shapes():
    x = nd.arange(20).reshape((10, 2))
    parts = gluon.utils.split_data(x, 3, even_split=False)
    assert [p.shape for p in parts] == [(4, 2), (3, 2), (3, 2)]
    np.testing.assert_array_equal(np.concatenate([p.asnumpy() for p in parts]), x.asnumpy())
    with pytest.raises(ValueError, match="cannot be evenly split"):
        gluon.utils.split_data(x, 3)


def test_clip_global_norm_against_numpy():
    a, b = f32(3, 4), f32(5)
    xs = [nd.array(a), nd.array(b)]
    norm = gluon.utils.clip_global_norm(xs, 1.0)
    total = np.sqrt((a.astype("float64") ** 2).sum() + (b ** 2).sum())
    assert np.isclose(norm, total, rtol=1e-6)
    np.testing.assert_allclose(xs[0].asnumpy(), a / (total + 1e-8), rtol=1e-5)
    with pytest.warns(UserWarning, match="nan or inf"):
        gluon.utils.clip_global_norm([nd.array([np.nan, 1.0])], 1.0)


def test_check_sha1(tmp_path):
    import hashlib
    f = tmp_path / "x.bin"
    f.write_bytes(b"abc" * 1000)
    assert gluon.utils.check_sha1(str(f), hashlib.sha1(b"abc" * 1000).hexdigest())
    assert not gluon.utils.check_sha1(str(f), "0" * 40)


def test_reexported_helpers():
    assert gluon.utils.shape_is_known((2, 3)) and not gluon.utils.shape_is_known((2, 0))
    assert gluon.utils.HookHandle is mx.gluon.block.HookHandle


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def http_root(tmp_path):
    root = tmp_path / "srv"
    root.mkdir()
    (root / "data.txt").write_bytes(b"payload " * 500)
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_Quiet, directory=str(root)))
    t = threading.Thread(target=server.serve_forever, daemon=True)
    t.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", root
    finally:
        server.shutdown()
        server.server_close()


def _free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


@pytest.mark.parametrize("use_requests", [True, False])
def test_download_from_local_server(http_root, tmp_path, monkeypatch, capsys, use_requests):
    import hashlib
    if not use_requests:
        monkeypatch.setitem(sys.modules, "requests", None)  # the urllib fallback
    elif pytest.importorskip("requests") is None:  # pragma: no cover
        return
    url, root = http_root
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    sha = hashlib.sha1(b"payload " * 500).hexdigest()
    fname = gluon.utils.download(f"{url}/data.txt", path=str(out_dir), sha1_hash=sha)
    assert fname == os.path.join(str(out_dir), "data.txt")
    assert open(fname, "rb").read() == b"payload " * 500
    assert os.listdir(out_dir) == ["data.txt"]  # no temporary file left behind
    assert "Downloading" in capsys.readouterr().out
    # present and matching: not fetched again
    gluon.utils.download(f"{url}/data.txt", path=str(out_dir), sha1_hash=sha)
    assert "Downloading" not in capsys.readouterr().out
    # a hash that does not match the content
    with pytest.raises(UserWarning, match="content hash does not match"):
        gluon.utils.download(f"{url}/data.txt", path=str(tmp_path / "y.txt"),
                             sha1_hash="0" * 40, retries=0)
    # a missing file: the status is not 200
    with pytest.raises(RuntimeError, match="Failed downloading url"):
        gluon.utils.download(f"{url}/missing.txt", path=str(tmp_path / "m.txt"), retries=1)
    assert not (tmp_path / "m.txt").exists()


@pytest.mark.parametrize("use_requests", [True, False])
def test_download_without_network_fails_clearly(tmp_path, monkeypatch, capsys, use_requests):
    if not use_requests:
        monkeypatch.setitem(sys.modules, "requests", None)
    url = f"http://127.0.0.1:{_free_port()}/file.bin"
    with pytest.raises(Exception) as ei:
        gluon.utils.download(url, path=str(tmp_path / "f.bin"), retries=2)
    assert "retrying, 1 attempt left" in capsys.readouterr().out
    if sys.version_info >= (3, 11):
        assert any("could not be fetched (2 attempts)" in n
                   for n in getattr(ei.value, "__notes__", []))
    assert os.listdir(tmp_path) == []


def test_download_verify_ssl_warns(http_root, tmp_path):
    url, _ = http_root
    with pytest.warns(UserWarning, match="Unverified HTTPS request"):
        gluon.utils.download(f"{url}/data.txt", path=str(tmp_path / "d.txt"),
                             verify_ssl=False)


@pytest.mark.gpu
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
def test_loss_and_metric_on_gpu():
    ctx = mx.gpu(0)
    p = nd.array(f32(6, 5), ctx=ctx)
    l = nd.array([0, 1, 2, 3, 4, 0], ctx=ctx)
    p.attach_grad()
    with autograd.record():
        out = gluon.loss.SoftmaxCrossEntropyLoss()(p, l)
    out.backward()
    assert out.context == ctx and p.grad.context == ctx
    cpu_out = gluon.loss.SoftmaxCrossEntropyLoss()(p.as_in_context(mx.cpu()),
                                                   l.as_in_context(mx.cpu()))
    np.testing.assert_allclose(out.asnumpy(), cpu_out.asnumpy(), rtol=1e-5)
    m = mx.metric.Accuracy()
    m.update([l], [p])
    assert m.get()[1] == (p.asnumpy().argmax(1) == l.asnumpy()).mean()
    parts = gluon.utils.split_and_load(np.arange(8).reshape(4, 2), [ctx, mx.cpu()])
    assert parts[0].context == ctx and parts[1].context == mx.cpu()
    norm = gluon.utils.clip_global_norm([p.grad], 0.1)
    assert isinstance(norm, float)
