"""Legacy MXNet training with the Module API: a symbolic MLP trained by Module.fit over an
NDArrayIter, with Speedometer logging, validation, a checkpoint, and predict/score.
Unchanged MXNet 1.9.1 code. Run on mxcompat with:  mxcompat run examples/module_mlp.py

The data and the initial weights are fixed (NumPy's seeded generator), so MXNet 1.9.1 and
mxcompat print the same metrics (timing fields aside).
"""
import logging
import os
import sys
import tempfile

import mxnet as mx
import numpy as np

logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stdout)

rng = np.random.RandomState(42)
n, nin, classes = 600, 20, 4
centers = rng.normal(0, 1, (classes, nin))
labels = rng.randint(0, classes, n)
X = (centers[labels] + rng.normal(0, 1.5, (n, nin))).astype("float32")
Y = labels.astype("float32")

train_iter = mx.io.NDArrayIter(X[:500], Y[:500], batch_size=50, shuffle=False)
val_iter = mx.io.NDArrayIter(X[500:], Y[500:], batch_size=30)

data = mx.sym.Variable("data")
fc1 = mx.sym.FullyConnected(data, num_hidden=64, name="fc1")
act1 = mx.sym.Activation(fc1, act_type="relu", name="relu1")
fc2 = mx.sym.FullyConnected(act1, num_hidden=32, name="fc2")
act2 = mx.sym.Activation(fc2, act_type="relu", name="relu2")
fc3 = mx.sym.FullyConnected(act2, num_hidden=classes, name="fc3")
net = mx.sym.SoftmaxOutput(fc3, name="softmax")

mx.viz.print_summary(net, shape={"data": (50, nin)})

arg_params = {
    "fc1_weight": mx.nd.array(rng.normal(0, 0.1, (64, nin))), "fc1_bias": mx.nd.zeros(64),
    "fc2_weight": mx.nd.array(rng.normal(0, 0.1, (32, 64))), "fc2_bias": mx.nd.zeros(32),
    "fc3_weight": mx.nd.array(rng.normal(0, 0.1, (classes, 32))),
    "fc3_bias": mx.nd.zeros(classes)}

mod = mx.mod.Module(symbol=net, context=mx.cpu(), data_names=["data"],
                    label_names=["softmax_label"])
mod.fit(train_iter, eval_data=val_iter, optimizer="sgd",
        optimizer_params={"learning_rate": 0.1, "momentum": 0.9, "wd": 1e-4},
        eval_metric="acc", arg_params=arg_params, num_epoch=4,
        batch_end_callback=mx.callback.Speedometer(50, 5))

print("score:", [(name, round(float(v), 6)) for name, v in mod.score(val_iter, ["acc", "ce"])])
prob = mod.predict(val_iter)
print("predict shape:", prob.shape)
print("first predictions:", np.round(prob.asnumpy()[:3], 4).tolist())

with tempfile.TemporaryDirectory() as tmp:
    prefix = os.path.join(tmp, "mlp")
    mod.save_checkpoint(prefix, 4)
    sym, args, auxs = mx.model.load_checkpoint(prefix, 4)
    loaded = mx.mod.Module(sym)
    loaded.bind(data_shapes=val_iter.provide_data, label_shapes=val_iter.provide_label,
                for_training=False)
    loaded.set_params(args, auxs)
    same = np.allclose(loaded.predict(val_iter).asnumpy(), prob.asnumpy(), atol=1e-6)
    print("checkpoint reload gives the same predictions:", same)
