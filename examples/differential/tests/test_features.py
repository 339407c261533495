import mxnet as mx
import numpy as np

from teamlib import features


def _data():
    rng = np.random.RandomState(0)
    x = rng.rand(12, 3).astype("float32") * 4 - 2
    labels = (x[:, 0] + x[:, 1] > 0).astype("float32") + (x[:, 2] > 1)
    return mx.nd.array(x), mx.nd.array(labels)


def test_standardize(same_as_reference):
    x, _ = _data()
    out = features.standardize(x)
    same_as_reference("out", out)
    np.testing.assert_allclose(out.asnumpy().mean(axis=0), 0, atol=1e-5)


def test_bucketize_truncates(same_as_reference):
    x, _ = _data()
    out = features.bucketize(x)
    assert out.dtype == np.int32
    same_as_reference("out", out)


def test_top2_indices_are_floats(same_as_reference):
    x, _ = _data()
    out = features.top2(x)
    assert out.dtype == np.float32 and out.shape == (12, 2)
    same_as_reference("out", out)


def test_train_logreg(same_as_reference):
    x, labels = _data()
    w, b = features.train_logreg(x, labels, num_classes=3)
    same_as_reference("w", w)
    same_as_reference("b", b)
    acc = features.accuracy(x, labels, w, b)
    assert acc.shape == (1,)  # MXNet's full reductions have shape (1,)
    same_as_reference("accuracy", acc)
