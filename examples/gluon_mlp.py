"""A Gluon MLP classifier on MNIST-like synthetic data: legacy MXNet Gluon code, unchanged.
Run it on mxcompat with:  mxcompat run examples/gluon_mlp.py

The "images" are 784-pixel vectors drawn around ten class centres (NumPy's seeded generator),
and the weights are set from the same generator, so MXNet 1.9.1 and mxcompat start from the
same state and print the same numbers (no Dropout: its random masks come from each
framework's own generator). The update is plain SGD written with NDArrays, as in
The Straight Dope's chapters; the parameters are saved, reloaded into a fresh network and
evaluated again.
"""
import os
import tempfile

import numpy as np
import mxnet as mx
from mxnet import autograd, nd
from mxnet.gluon import nn

rng = np.random.RandomState(0)
num_inputs, num_outputs = 784, 10
n_train, n_test, batch_size = 512, 128, 64
centers = rng.normal(0, 1, (num_outputs, num_inputs))


def make(n):
    labels = rng.randint(0, num_outputs, n)
    return nd.array(centers[labels] + rng.normal(0, 2.5, (n, num_inputs))), nd.array(labels)


X_train, y_train = make(n_train)
X_test, y_test = make(n_test)


def build():
    net = nn.HybridSequential()
    with net.name_scope():
        net.add(nn.Dense(128, activation="relu"))
        net.add(nn.Dense(64, activation="relu"))
        net.add(nn.Dense(num_outputs))
    return net


net = build()
net.initialize(mx.init.Xavier(magnitude=2.24), ctx=mx.cpu())
net(X_train[:1])  # deferred initialization: the input size comes from the data
for _name, param in sorted(net.collect_params().items()):
    param.set_data(nd.array(rng.normal(0, 0.05, param.shape)))
net.hybridize()
print(net)
print(net.collect_params())


def cross_entropy(output, label):
    return -nd.pick(nd.log_softmax(output), label)


def accuracy(model, X, y):
    correct = 0.0
    for i in range(0, X.shape[0], batch_size):
        out = model(X[i:i + batch_size])
        correct += (out.argmax(axis=1) == y[i:i + batch_size]).sum().asscalar()
    return correct / X.shape[0]


learning_rate = 0.1
params = [p for p in net.collect_params().values() if p.grad_req != "null"]
for epoch in range(4):
    cumulative_loss = 0.0
    for i in range(0, n_train, batch_size):
        data, label = X_train[i:i + batch_size], y_train[i:i + batch_size]
        with autograd.record():
            loss = cross_entropy(net(data), label)
        loss.backward()
        for p in params:
            p.data()[:] = p.data() - learning_rate / batch_size * p.grad()
        cumulative_loss += nd.sum(loss).asscalar()
    print("Epoch %d. Loss: %.6f, Train_acc %.4f, Test_acc %.4f" % (
        epoch, cumulative_loss / n_train, accuracy(net, X_train, y_train),
        accuracy(net, X_test, y_test)))

path = os.path.join(tempfile.mkdtemp(), "gluon_mlp.params")
net.save_parameters(path)
print(sorted(nd.load(path).keys()))
restored = build()
restored.load_parameters(path, ctx=mx.cpu())
print("Restored Test_acc %.4f" % accuracy(restored, X_test, y_test))
print(restored[0].weight.data()[0, :4])
