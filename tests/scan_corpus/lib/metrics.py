"""Evaluation metrics on NDArrays."""
import mxnet
import mxnet.ndarray as G
from mxnet.ndarray import dot, topk as top_k


def accuracy(pred, label):
    return (G.argmax(pred, axis=1) == label).mean().asscalar()


def topk_accuracy(pred, label, k=5):
    idx = top_k(pred, k=k, axis=1)
    hits = G.broadcast_equal(idx, label.reshape((-1, 1)))
    return hits.sum(axis=1).mean().asscalar()


def cosine(a, b):
    num = dot(a, b)
    den = mxnet.nd.norm(a) * mxnet.nd.norm(b)
    return (num / den).asscalar()
