"""A Gluon model: outside mxcompat's scope."""
import mxnet as mx
from mxnet import gluon
from mxnet.gluon import nn


class MLP(gluon.HybridBlock):
    def __init__(self, **kwargs):
        super(MLP, self).__init__(**kwargs)
        with self.name_scope():
            self.fc1 = nn.Dense(64, activation="relu")
            self.fc2 = nn.Dense(10)

    def hybrid_forward(self, F, x):
        return self.fc2(self.fc1(x))


def build(ctx):
    net = MLP()
    net.initialize(mx.init.Xavier(), ctx=ctx)
    trainer = gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": 0.1})
    loss_fn = mx.gluon.loss.SoftmaxCrossEntropyLoss()
    data = mx.sym.Variable("data")
    return net, trainer, loss_fn, data
