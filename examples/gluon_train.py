"""Training with gluon.Trainer, an optimizer and a learning-rate schedule: legacy MXNet Gluon
code, unchanged. Run it on mxcompat with:  mxcompat run examples/gluon_train.py

A small regression MLP on synthetic data (NumPy's seeded generator, weights set from it too, so
MXNet 1.9.1 and mxcompat start from the same state and print the same numbers). Adam with a
FactorScheduler and weight decay trains two epochs; the trainer's states are saved, a new
network and Trainer load parameters and states, and training continues where it stopped;
then SGD with momentum on two contexts (cpu(0), cpu(1): the gradients are summed across
them, as on two GPUs).
"""
import os
import tempfile

import numpy as np
import mxnet as mx
from mxnet import autograd, gluon, nd
from mxnet.gluon import nn

rng = np.random.RandomState(42)
n, dim, batch_size = 256, 8, 32
true_w = rng.normal(0, 1, (dim, 1))
X = rng.normal(0, 1, (n, dim))
y = np.tanh(X.dot(true_w)) + rng.normal(0, 0.05, (n, 1))
init_values = {}


def build(prefix):
    net = nn.HybridSequential(prefix=prefix)
    with net.name_scope():
        net.add(nn.Dense(16, in_units=dim, activation="tanh"))
        net.add(nn.Dense(1, in_units=16))
    return net


def set_weights(net):
    for name in sorted(net.collect_params().keys()):
        p = net.collect_params()[name]
        key = name.split("_", 1)[1]
        if key not in init_values:
            init_values[key] = rng.normal(0, 0.3, p.shape)
        p.set_data(nd.array(init_values[key]))


def run_epochs(net, trainer, epochs, first_epoch, ctx_list):
    for epoch in range(first_epoch, first_epoch + epochs):
        total = 0.0
        for i in range(0, n, batch_size):
            per = batch_size // len(ctx_list)  # each context gets a slice of the batch
            data = [nd.array(X[i + k * per:i + (k + 1) * per], ctx=c)
                    for k, c in enumerate(ctx_list)]
            label = [nd.array(y[i + k * per:i + (k + 1) * per], ctx=c)
                     for k, c in enumerate(ctx_list)]
            with autograd.record():
                losses = [((net(d) - l) ** 2).mean(axis=1) for d, l in zip(data, label)]
            for loss in losses:
                loss.backward()
            trainer.step(batch_size)
            total += sum(loss.sum().asscalar() for loss in losses)
        print("epoch %d  lr %.6f  loss %.6f" % (epoch, trainer.learning_rate, total / n))


ctx = [mx.cpu()]
net = build("reg_")
net.initialize(ctx=ctx)
set_weights(net)
schedule = mx.lr_scheduler.FactorScheduler(step=10, factor=0.7, base_lr=0.05)
trainer = gluon.Trainer(net.collect_params(), "adam",
                        {"learning_rate": 0.05, "lr_scheduler": schedule, "wd": 1e-3,
                         "clip_gradient": 5.0})
run_epochs(net, trainer, 2, 0, ctx)

folder = tempfile.mkdtemp()
net.save_parameters(os.path.join(folder, "reg.params"))
trainer.save_states(os.path.join(folder, "reg.states"))

net2 = build("reg_")
net2.load_parameters(os.path.join(folder, "reg.params"), ctx=ctx)
trainer2 = gluon.Trainer(net2.collect_params(), "adam",
                         {"learning_rate": 0.05,
                          "lr_scheduler": mx.lr_scheduler.FactorScheduler(step=10, factor=0.7,
                                                                          base_lr=0.05),
                          "wd": 1e-3, "clip_gradient": 5.0})
trainer2.load_states(os.path.join(folder, "reg.states"))
print("resumed: optimizer %s, num_update %d, lr %.6f" % (
    type(trainer2.optimizer).__name__, trainer2.optimizer.num_update, trainer2.learning_rate))
run_epochs(net2, trainer2, 2, 2, ctx)

two = [mx.cpu(0), mx.cpu(1)]
net3 = build("reg_")
net3.initialize(ctx=two)
set_weights(net3)
net3.collect_params()["reg_dense0_weight"].lr_mult = 0.5
trainer3 = gluon.Trainer(net3.collect_params(), "sgd",
                         {"learning_rate": 0.1, "momentum": 0.9})
run_epochs(net3, trainer3, 2, 0, two)
print("weights equal on both contexts:",
      all((p.data(two[0]) == p.data(two[1])).min().asscalar() == 1
          for p in net3.collect_params().values()))
print("dense1 bias:", net3.collect_params()["reg_dense1_bias"].data().asnumpy().round(5))
