"""Train a two-layer perceptron on random data (MXNet 1.x NDArray + autograd)."""
import argparse

import mxnet as mx
import numpy as np
from mxnet import autograd


def init_params(n_in, n_hidden, n_out, ctx):
    w1 = mx.nd.random.normal(0, 0.1, shape=(n_in, n_hidden), ctx=ctx)
    b1 = mx.nd.zeros(n_hidden, ctx=ctx)
    w2 = mx.nd.random.normal(0, 0.1, shape=(n_hidden, n_out), ctx=ctx)
    b2 = mx.nd.zeros(n_out, ctx=ctx)
    params = [w1, b1, w2, b2]
    for p in params:
        p.attach_grad()
    return params


def net(x, params):
    w1, b1, w2, b2 = params
    h = mx.nd.relu(mx.nd.dot(x, w1) + b1)
    return mx.nd.dot(h, w2) + b2


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--epochs", type=int, default=2)
    args = parser.parse_args()
    ctx = mx.gpu(0) if mx.context.num_gpus() > 0 else mx.cpu()
    mx.random.seed(42)
    X = mx.nd.array(np.random.rand(64, 10), ctx=ctx)
    y = mx.nd.one_hot(mx.nd.array(np.random.randint(0, 3, 64)), 3)
    params = init_params(10, 16, 3, ctx)
    for epoch in range(args.epochs):
        with autograd.record():
            out = net(X, params)
            loss = mx.nd.softmax_cross_entropy(out, mx.nd.argmax(y, axis=1))
        loss.backward()
        for p in params:
            mx.nd.sgd_update(p, p.grad, lr=0.1, out=p)
        print("epoch %d loss %.4f" % (epoch, loss.asscalar()))
    mx.nd.save("params.nd", {"w%d" % i: p for i, p in enumerate(params)})


if __name__ == "__main__":
    main()
