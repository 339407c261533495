"""Linear regression from scratch with mx.nd and mx.autograd: legacy MXNet code, unchanged.

Run on mxcompat with:  mxcompat run examples/linear_regression.py
Data and initial weights come from NumPy's seeded generator, so MXNet 1.9.1 and mxcompat
start from the same numbers and print the same losses.
"""
import numpy as np
from mxnet import autograd, nd

rng = np.random.RandomState(0)
num_examples, num_inputs = 1000, 2
true_w, true_b = np.array([2.0, -3.4]), 4.2
X = rng.normal(0, 1, (num_examples, num_inputs))
y = X.dot(true_w) + true_b + rng.normal(0, 0.01, num_examples)

features = nd.array(X)
labels = nd.array(y)
w = nd.array(rng.normal(0, 0.01, (num_inputs, 1)))
b = nd.zeros((1,))
for param in (w, b):
    param.attach_grad()


def linreg(X, w, b):
    return nd.dot(X, w) + b


def squared_loss(y_hat, y):
    return (y_hat - y.reshape(y_hat.shape)) ** 2 / 2


def sgd(params, lr, batch_size):
    for param in params:
        param[:] = param - lr * param.grad / batch_size


lr, num_epochs, batch_size = 0.03, 3, 10
for epoch in range(num_epochs):
    for i in range(0, num_examples, batch_size):
        Xb = features[i:i + batch_size]
        yb = labels[i:i + batch_size]
        with autograd.record():
            l = squared_loss(linreg(Xb, w, b), yb)
        l.backward()
        sgd([w, b], lr, batch_size)
    train_l = squared_loss(linreg(features, w, b), labels)
    print("epoch %d, loss %.6f" % (epoch + 1, train_l.mean().asscalar()))

print("w", ["%.4f" % v for v in w.asnumpy().ravel()], "b", "%.4f" % b.asscalar())
print("grad is attached:", w.grad.shape == w.shape, type(w.grad).__name__)
