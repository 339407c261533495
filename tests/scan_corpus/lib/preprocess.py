"""Feature preprocessing helpers."""
from mxnet import nd
from mxnet import ndarray as F


def normalize(x):
    mean = F.mean(x, axis=0)
    std = F.sqrt(F.mean(F.square(x - mean), axis=0)) + 1e-6
    return (x - mean) / std


def to_batches(data, batch_size):
    n = data.shape[0]
    return [data[i:i + batch_size] for i in range(0, n, batch_size)]


def load_features(path):
    arrays = nd.load(path)
    feats = nd.concat(*[arrays[k] for k in sorted(arrays)], dim=1)
    feats = feats.astype("float32")
    print(feats.shape, feats.context)
    return normalize(feats)
