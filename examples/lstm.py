"""A from-scratch LSTM regressor with the fused mx.nd.RNN op: legacy MXNet 1.x code, unchanged.

Run it on mxcompat with:  python -m mxcompat run examples/lstm.py
(or under real MXNet 1.9.1 with plain `python`); both print the same losses (to float32
rounding). The LSTM weights live in MXNet's packed parameter vector.
"""
import mxnet as mx
import numpy as np

rs = np.random.RandomState(0)
T, N, I, H = 6, 8, 2, 5

# target: a weighted sum over time of the inputs
X = rs.uniform(-1, 1, size=(T, N, I))
Y = (X[:, :, 0] * np.linspace(0.2, 1.0, T)[:, None]).sum(0, keepdims=True).T - \
    X[-1, :, 1:2]
data, target = mx.nd.array(X), mx.nd.array(Y)

n_params = 4 * H * (I + H) + 2 * 4 * H
rnn_params = mx.nd.array(rs.uniform(-0.3, 0.3, size=(n_params,)))
fc_w = mx.nd.array(rs.uniform(-0.3, 0.3, size=(1, H)))
fc_b = mx.nd.zeros(1)
h0, c0 = mx.nd.zeros((1, N, H)), mx.nd.zeros((1, N, H))
params = [rnn_params, fc_w, fc_b]
for p in params:
    p.attach_grad()

lr = 0.2
for step in range(15):
    with mx.autograd.record():
        out = mx.nd.RNN(data, rnn_params, h0, c0, state_size=H, num_layers=1, mode='lstm')
        last = out[T - 1]
        pred = mx.nd.FullyConnected(last, fc_w, fc_b, num_hidden=1)
        loss = ((pred - target) ** 2).mean()
    loss.backward()
    for p in params:
        p[:] = p - lr * p.grad
    print('step %d loss %.6f' % (step, loss.asscalar()))
