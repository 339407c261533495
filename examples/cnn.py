"""A from-scratch CNN trained with mx.nd + mx.autograd: legacy MXNet 1.x code, unchanged.

Run it on mxcompat with:  python -m mxcompat run examples/cnn.py
(or under real MXNet 1.9.1 with plain `python`); both print the same losses (to float32
rounding). Data and initial weights come from NumPy's RandomState(0).
"""
import mxnet as mx
import numpy as np

rs = np.random.RandomState(0)
N, C, H, W, K = 16, 1, 8, 8, 3

# a toy problem: the class is which third of the image is brightest
X = rs.uniform(0, 1, size=(N, C, H, W))
Y = np.arange(N) % K
for i in range(N):
    X[i, :, :, Y[i] * 2:Y[i] * 2 + 3] += 1.0
data = mx.nd.array(X)
label = mx.nd.array(Y)


def param(*shape, scale=0.1):
    return mx.nd.array(rs.normal(0, scale, size=shape))


conv_w, conv_b = param(4, C, 3, 3, scale=0.3), mx.nd.zeros(4)
gamma, beta = mx.nd.ones(4), mx.nd.zeros(4)
moving_mean, moving_var = mx.nd.zeros(4), mx.nd.ones(4)
fc_w, fc_b = param(K, 4 * 4 * 4), mx.nd.zeros(K)
params = [conv_w, conv_b, gamma, beta, fc_w, fc_b]
for p in params:
    p.attach_grad()


def net(x):
    h = mx.nd.Convolution(x, conv_w, conv_b, kernel=(3, 3), pad=(1, 1), num_filter=4)
    h = mx.nd.BatchNorm(h, gamma, beta, moving_mean, moving_var, fix_gamma=False)
    h = mx.nd.Activation(h, act_type='relu')
    h = mx.nd.Pooling(h, kernel=(2, 2), stride=(2, 2), pool_type='max')
    return mx.nd.FullyConnected(h, fc_w, fc_b, num_hidden=K)


lr = 0.2
for step in range(12):
    with mx.autograd.record():
        out = net(data)
        loss = mx.nd.softmax_cross_entropy(out, label) / N
    loss.backward()
    for p in params:
        p[:] = p - lr * p.grad
    print('step %d loss %.6f' % (step, loss.asscalar()))

# prediction mode uses the moving statistics that backward() updated
out = net(data)
print('moving_mean %.6f moving_var %.6f' % (moving_mean.sum().asscalar(),
                                           moving_var.sum().asscalar()))
print('predict loss %.6f' % (mx.nd.softmax_cross_entropy(out, label) / N).asscalar())
