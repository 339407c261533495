"""A 784-256-10 multilayer perceptron trained from scratch with mx.nd and mx.autograd:
legacy MXNet code, unchanged. Run on mxcompat with:  mxcompat run examples/mlp.py

The "images" are synthetic (NumPy's seeded generator), so MXNet 1.9.1 and mxcompat start from
the same data and weights and print the same losses.
"""
import numpy as np
from mxnet import autograd, nd

rng = np.random.RandomState(0)
num_inputs, num_hidden, num_outputs = 784, 256, 10
n, batch_size = 512, 64
centers = rng.normal(0, 1, (num_outputs, num_inputs))
labels_np = rng.randint(0, num_outputs, n)
X = nd.array(centers[labels_np] + rng.normal(0, 2.0, (n, num_inputs)))
Y = nd.array(labels_np)

W1 = nd.array(rng.normal(0, 0.01, (num_inputs, num_hidden)))
b1 = nd.zeros(num_hidden)
W2 = nd.array(rng.normal(0, 0.01, (num_hidden, num_outputs)))
b2 = nd.zeros(num_outputs)
params = [W1, b1, W2, b2]
for p in params:
    p.attach_grad()


def relu(x):
    return nd.maximum(x, 0)


def net(x):
    h = relu(nd.dot(x, W1) + b1)
    return nd.dot(h, W2) + b2


def softmax_cross_entropy(y_hat, y):
    y_hat = y_hat - y_hat.max(axis=1, keepdims=True)
    log_prob = y_hat - nd.log(nd.exp(y_hat).sum(axis=1, keepdims=True))
    return -nd.pick(log_prob, y, axis=1)


lr = 0.1
for epoch in range(3):
    total = 0.0
    for i in range(0, n, batch_size):
        xb, yb = X[i:i + batch_size], Y[i:i + batch_size]
        with autograd.record():
            loss = softmax_cross_entropy(net(xb), yb).mean()
        loss.backward()
        for p in params:
            p[:] = p - lr * p.grad
        total += loss.asscalar()
    acc = (net(X).argmax(axis=1) == Y).mean().asscalar()
    print("epoch %d, loss %.6f, train acc %.4f" % (epoch + 1, total / (n // batch_size), acc))
