"""Gluon losses and mx.metric in a legacy training loop: unchanged MXNet 1.9.1 code.
Run it on mxcompat with:  mxcompat run examples/gluon_loss_metric.py

A small MLP classifies synthetic 20-feature points of 5 classes (NumPy's seeded generator; the
weights come from the same generator, so MXNet and mxcompat start from the same state). Each
batch is split over two contexts with ``gluon.utils.split_and_load``, the loss is
``SoftmaxCrossEntropyLoss`` with per-sample weights, gradients are clipped with
``gluon.utils.clip_global_norm`` and applied by hand (plain SGD), and a composite metric
(accuracy, top-2 accuracy, cross-entropy, the loss itself) is reported per epoch, locally and
globally, the way MXNet's Speedometer-era scripts print them.
"""
import numpy as np
import mxnet as mx
from mxnet import autograd, gluon, nd
from mxnet.gluon import nn

rng = np.random.RandomState(1)
n_in, n_cls, n, batch = 20, 5, 240, 40
centers = rng.normal(0, 1, (n_cls, n_in))
labels = rng.randint(0, n_cls, n)
X = nd.array(centers[labels] + rng.normal(0, 1.5, (n, n_in)))
y = nd.array(labels)
w = nd.array(rng.uniform(0.5, 1.5, (n, 1)))          # per-sample loss weights
ctxs = [mx.cpu(0), mx.cpu(1)]

net = nn.HybridSequential()
with net.name_scope():
    net.add(nn.Dense(32, activation="relu", in_units=n_in), nn.Dense(n_cls, in_units=32))
net.initialize(ctx=ctxs)
for _name, param in sorted(net.collect_params().items()):
    param.set_data(nd.array(rng.normal(0, 0.2, param.shape)))

loss_fn = gluon.loss.SoftmaxCrossEntropyLoss()
print(loss_fn)
metric = mx.metric.create(["acc", mx.metric.TopKAccuracy(top_k=2), "ce"])
loss_metric = mx.metric.Loss()
print(metric.get_config()["metrics"][1])

params = [p for p in net.collect_params().values()]
lr = 0.5
for epoch in range(3):
    metric.reset_local()
    loss_metric.reset_local()
    for i in range(0, n, batch):
        datas = gluon.utils.split_and_load(X[i:i + batch], ctxs)
        labs = gluon.utils.split_and_load(y[i:i + batch], ctxs)
        weights = gluon.utils.split_and_load(w[i:i + batch], ctxs)
        with autograd.record():
            outs = [net(d) for d in datas]
            losses = [loss_fn(o, l, sw) for o, l, sw in zip(outs, labs, weights)]
        for loss in losses:
            loss.backward()
        for p in params:                                # sum the two contexts' gradients
            total = p.list_grad()[0] + p.list_grad()[1].as_in_context(ctxs[0])
            for g in p.list_grad():
                g[:] = total.as_in_context(g.context)
        norm = gluon.utils.clip_global_norm([p.list_grad()[0] for p in params], 5.0)
        for p in params:
            for data, grad in zip(p.list_data(), p.list_grad()):
                data[:] = data - lr / batch * grad
        metric.update(labs, [nd.softmax(o) for o in outs])
        loss_metric.update(None, losses)
    print("Epoch[%d] grad-norm=%.5f" % (epoch, norm))
    for name, value in metric.get_name_value() + loss_metric.get_name_value():
        print("Epoch[%d] Train-%s=%.6f (%s)" % (epoch, name, value, type(value).__name__))

for name, value in metric.get_global_name_value():
    print("Global-%s=%.6f" % (name, value))
pred = net(X.as_in_context(ctxs[0]))
print("final loss %.6f" % loss_fn(pred, y.as_in_context(ctxs[0])).mean().asscalar())
f1 = mx.metric.F1(average="micro")
f1.update([(y == 0).as_in_context(ctxs[0])],
          [nd.stack(nd.ones_like(pred[:, 0]) - nd.softmax(pred)[:, 0],
                    nd.softmax(pred)[:, 0], axis=1)])
print("class-0 F1 %.6f over %d examples" % (f1.get()[1], f1.metrics.total_examples))
print(metric)
