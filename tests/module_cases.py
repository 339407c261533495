"""Module scenarios, run under real MXNet 1.9.1 (tools/oracle/record_module.py records them
into tests/golden/module.json and writes checkpoints into tests/fixtures/module/) and under
mxcompat (tests/test_module_golden.py compares). Every function takes the ``mx`` module so
both libraries run the same code; inputs and initial parameters are fixed numbers.
"""
from __future__ import annotations

import logging
import re

import numpy as np

SCENARIOS = ["mlp_sgd", "cnn_adam", "mlp_multictx", "mlp_inputgrad", "bucketing",
             "sequential", "monitor", "summary", "reshape", "rnn_cells"]


class _Capture(logging.Handler):
    def __init__(self):
        super().__init__(logging.INFO)
        self.lines = []

    def emit(self, record):
        self.lines.append(record.getMessage())


def normalize(line):
    """Timing fields replaced, so logs compare across machines."""
    line = re.sub(r"Speed: [0-9.]+(e[+-]?\d+)? samples/sec", "Speed: X samples/sec", line)
    line = re.sub(r"Speed: inf samples/sec", "Speed: X samples/sec", line)
    return re.sub(r"Time cost=[0-9.]+", "Time cost=X", line)


def capture(fn):
    root = logging.getLogger()
    h = _Capture()
    old = root.level
    root.addHandler(h)
    root.setLevel(logging.INFO)
    try:
        out = fn()
    finally:
        root.removeHandler(h)
        root.setLevel(old)
    return out, [normalize(x) for x in h.lines]


def mlp(mx, num_hidden=16, classes=3, out="softmax"):
    data = mx.sym.var("data")
    fc1 = mx.sym.FullyConnected(data, num_hidden=num_hidden, name="fc1")
    act = mx.sym.Activation(fc1, act_type="relu", name="relu1")
    fc2 = mx.sym.FullyConnected(act, num_hidden=classes, name="fc2")
    if out == "softmax":
        return mx.sym.SoftmaxOutput(fc2, name="softmax")
    return mx.sym.LinearRegressionOutput(fc2, name="lro")


def cnn(mx):
    data = mx.sym.var("data")
    c = mx.sym.Convolution(data, kernel=(3, 3), num_filter=4, pad=(1, 1), no_bias=True,
                           name="conv1")
    b = mx.sym.BatchNorm(c, name="bn1", fix_gamma=False)
    a = mx.sym.Activation(b, act_type="relu", name="relu1")
    p = mx.sym.Pooling(a, kernel=(2, 2), stride=(2, 2), pool_type="max", name="pool1")
    f = mx.sym.Flatten(p, name="flat")
    fc = mx.sym.FullyConnected(f, num_hidden=3, name="fc1")
    return mx.sym.SoftmaxOutput(fc, name="softmax")


def mlp_params(mx, nin=6, num_hidden=16, classes=3, seed=1):
    rng = np.random.RandomState(seed)
    return {"fc1_weight": mx.nd.array(rng.uniform(-0.3, 0.3, (num_hidden, nin))),
            "fc1_bias": mx.nd.array(rng.uniform(-0.1, 0.1, (num_hidden,))),
            "fc2_weight": mx.nd.array(rng.uniform(-0.3, 0.3, (classes, num_hidden))),
            "fc2_bias": mx.nd.array(rng.uniform(-0.1, 0.1, (classes,)))}


def cnn_params(mx, seed=2):
    rng = np.random.RandomState(seed)
    arg = {"conv1_weight": mx.nd.array(rng.uniform(-0.3, 0.3, (4, 1, 3, 3))),
           "bn1_gamma": mx.nd.array(rng.uniform(0.8, 1.2, (4,))),
           "bn1_beta": mx.nd.array(rng.uniform(-0.1, 0.1, (4,))),
           "fc1_weight": mx.nd.array(rng.uniform(-0.3, 0.3, (3, 64))),
           "fc1_bias": mx.nd.array(rng.uniform(-0.1, 0.1, (3,)))}
    aux = {"bn1_moving_mean": mx.nd.zeros(4), "bn1_moving_var": mx.nd.ones(4)}
    return arg, aux


def cls_data(n=100, nin=6, classes=3, seed=0):
    rng = np.random.RandomState(seed)
    x = rng.randn(n, nin).astype("float32")
    w = rng.randn(nin, classes).astype("float32")
    y = np.argmax(x @ w, axis=1).astype("float32")
    return x, y


def img_data(n=40, seed=3):
    rng = np.random.RandomState(seed)
    x = rng.randn(n, 1, 8, 8).astype("float32")
    y = (x[:, 0, :4].mean(axis=(1, 2)) > x[:, 0, 4:].mean(axis=(1, 2))).astype("float32")
    y = y + (x[:, 0, :, :4].mean(axis=(1, 2)) > 0)
    return x, y.astype("float32")


def params_out(mod):
    arg, aux = mod.get_params()
    out = {k: v.asnumpy().tolist() for k, v in sorted(arg.items())}
    out.update({"aux:" + k: v.asnumpy().tolist() for k, v in sorted(aux.items())})
    return out


def run_mlp_sgd(mx):
    x, y = cls_data()
    train = mx.io.NDArrayIter(x, y, batch_size=20, shuffle=False)
    val = mx.io.NDArrayIter(x[:50], y[:50], batch_size=20)  # last batch padded by 10
    mod = mx.mod.Module(mlp(mx), context=mx.cpu())

    def go():
        mod.fit(train, eval_data=val, eval_metric="acc", num_epoch=3,
                arg_params=mlp_params(mx), optimizer="sgd",
                optimizer_params={"learning_rate": 0.1, "momentum": 0.9, "wd": 1e-4},
                batch_end_callback=mx.callback.Speedometer(20, 2),
                eval_end_callback=mx.callback.LogValidationMetricsCallback())
    _, lines = capture(go)
    pred = mod.predict(val)
    score = mod.score(val, ["acc", "ce"])
    outs = [[o.asnumpy().tolist() for o in b[0]] for b in mod.iter_predict(val)]
    listed = mod.predict(val, merge_batches=False)
    return {"log": lines, "params": params_out(mod), "predict": pred.asnumpy().tolist(),
            "score": [[n, float(v)] for n, v in score], "iter_predict": outs,
            "unmerged_shapes": [[list(o.shape) for o in b] for b in listed],
            "output_shapes": [[n, list(s)] for n, s in mod.output_shapes]}


def run_cnn_adam(mx):
    x, y = img_data()
    train = mx.io.NDArrayIter(x, y, batch_size=10)
    arg, aux = cnn_params(mx)
    mod = mx.mod.Module(cnn(mx))

    def go():
        mod.fit(train, eval_data=train, num_epoch=2, arg_params=arg, aux_params=aux,
                optimizer="adam", optimizer_params={"learning_rate": 0.01},
                eval_metric=["acc", "ce"], batch_end_callback=mx.callback.log_train_metric(2))
    _, lines = capture(go)
    return {"log": lines, "params": params_out(mod),
            "predict": mod.predict(train).asnumpy().tolist()}


def run_mlp_multictx(mx):
    x, y = cls_data(n=60)
    train = mx.io.NDArrayIter(x, y, batch_size=12)
    mod = mx.mod.Module(mlp(mx), context=[mx.cpu(0), mx.cpu(1)], work_load_list=[1, 2])

    def go():
        mod.fit(train, num_epoch=2, arg_params=mlp_params(mx), optimizer="sgd",
                optimizer_params={"learning_rate": 0.2})
    _, lines = capture(go)
    outs = mod.get_outputs(merge_multi_context=False)
    return {"log": lines, "params": params_out(mod),
            "slice_shapes": [[list(o.shape) for o in per] for per in outs],
            "predict": mod.predict(train).asnumpy().tolist()}


def run_mlp_inputgrad(mx):
    x, _ = cls_data(n=8)
    target = np.linspace(-1, 1, 24).reshape(8, 3).astype("float32")
    mod = mx.mod.Module(mlp(mx, out="lro"), label_names=["lro_label"])
    mod.bind(data_shapes=[("data", (8, 6))], label_shapes=[("lro_label", (8, 3))],
             inputs_need_grad=True)
    mod.init_params(arg_params=mlp_params(mx))
    mod.init_optimizer(optimizer="adam", optimizer_params={"learning_rate": 0.05})
    batch = mx.io.DataBatch([mx.nd.array(x)], [mx.nd.array(target)])
    mod.forward(batch, is_train=True)
    mod.backward()
    gd = mod._exec_group.execs[0].grad_dict
    grads = {k: v.asnumpy().tolist() for k, v in sorted(gd.items()) if v is not None}
    ig = mod.get_input_grads()[0].asnumpy().tolist()
    mod.update()
    mod.forward(batch, is_train=False)
    out = mod.get_outputs()[0].asnumpy().tolist()
    metric = mx.metric.create("mse")
    mod.update_metric(metric, batch.label)
    return {"grads": grads, "input_grad": ig, "params": params_out(mod), "outputs": out,
            "mse": float(metric.get()[1])}


def bucket_sym_gen(mx):
    def sym_gen(seq_len):
        data = mx.sym.var("data")
        s = mx.sym.sum(data, axis=1, name="pool")
        fc = mx.sym.FullyConnected(s, num_hidden=3, name="fc")
        return mx.sym.SoftmaxOutput(fc, name="softmax"), ("data",), ("softmax_label",)
    return sym_gen


def bucket_batches(mx):
    rng = np.random.RandomState(5)
    out = []
    for key in (3, 5, 3, 7, 5):
        d = rng.randn(4, key, 2).astype("float32")
        lab = (d.sum(axis=(1, 2)) > 0).astype("float32") + (d[:, 0, 0] > 0)
        out.append(mx.io.DataBatch([mx.nd.array(d)], [mx.nd.array(lab)], pad=0, bucket_key=key,
                                   provide_data=[mx.io.DataDesc("data", (4, key, 2))],
                                   provide_label=[mx.io.DataDesc("softmax_label", (4,))]))
    return out


def make_bucket_iter(mx):
    class BucketIter(mx.io.DataIter):
        def __init__(self):
            super().__init__(batch_size=4)
            self.batches = bucket_batches(mx)
            self.cur = 0
            self.provide_data = [mx.io.DataDesc("data", (4, 7, 2))]
            self.provide_label = [mx.io.DataDesc("softmax_label", (4,))]
            self.default_bucket_key = 7

        def reset(self):
            self.cur = 0

        def next(self):
            if self.cur >= len(self.batches):
                raise StopIteration
            self.cur += 1
            return self.batches[self.cur - 1]
    return BucketIter()


def run_bucketing(mx):
    it = make_bucket_iter(mx)
    mod = mx.mod.BucketingModule(bucket_sym_gen(mx), default_bucket_key=7)
    rng = np.random.RandomState(6)
    arg = {"fc_weight": mx.nd.array(rng.uniform(-0.5, 0.5, (3, 2))),
           "fc_bias": mx.nd.zeros(3)}

    def go():
        mod.fit(it, num_epoch=2, arg_params=arg, optimizer="sgd",
                optimizer_params={"learning_rate": 0.1, "momentum": 0.5})
    _, lines = capture(go)
    preds = [[o.asnumpy().tolist() for o in p] for p in mod.predict(it, merge_batches=False)]
    return {"log": lines, "params": params_out(mod), "predict": preds,
            "buckets": sorted(int(k) for k in mod._buckets)}


def run_sequential(mx):
    x, y = cls_data(n=40)
    d = mx.sym.var("data")
    net1 = mx.sym.Activation(mx.sym.FullyConnected(d, num_hidden=16, name="fc1"),
                             act_type="relu", name="relu1")
    d2 = mx.sym.var("data")
    net2 = mx.sym.SoftmaxOutput(mx.sym.FullyConnected(d2, num_hidden=3, name="fc2"),
                                name="softmax")
    m1 = mx.mod.Module(net1, label_names=None)
    m2 = mx.mod.Module(net2)
    seq = mx.mod.SequentialModule()
    seq.add(m1).add(m2, take_labels=True, auto_wiring=True)
    train = mx.io.NDArrayIter(x, y, batch_size=10)

    def go():
        seq.fit(train, num_epoch=2, arg_params=mlp_params(mx), optimizer="sgd",
                optimizer_params={"learning_rate": 0.1})
    _, lines = capture(go)
    return {"log": lines, "params": params_out(seq),
            "predict": seq.predict(train).asnumpy().tolist()}


def run_monitor(mx):
    x, y = cls_data(n=20)
    train = mx.io.NDArrayIter(x, y, batch_size=10)
    mon = mx.mon.Monitor(1, pattern=".*", sort=True)
    mod = mx.mod.Module(mlp(mx))

    def go():
        mod.fit(train, num_epoch=1, arg_params=mlp_params(mx), monitor=mon,
                optimizer_params={"learning_rate": 0.1})
    _, lines = capture(go)
    return {"log": lines}


def run_summary(mx):
    import contextlib
    import io
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        mx.viz.print_summary(cnn(mx), shape={"data": (10, 1, 8, 8)})
        mx.viz.print_summary(mlp(mx))
    return {"text": buf.getvalue()}


def run_reshape(mx):
    mod = mx.mod.Module(mlp(mx))
    mod.bind(data_shapes=[("data", (10, 6))], label_shapes=[("softmax_label", (10,))],
             for_training=False)
    mod.init_params(arg_params=mlp_params(mx))
    x, y = cls_data(n=7)
    mod.forward(mx.io.DataBatch([mx.nd.array(x)], [mx.nd.array(y)]))
    out7 = mod.get_outputs()[0].asnumpy().tolist()
    shapes = [[d.name, list(d.shape)] for d in mod.data_shapes]
    m3 = mx.mod.Module(mlp(mx))
    m3.bind(data_shapes=[("data", (3, 6))], label_shapes=[("softmax_label", (3,))],
            for_training=False)
    m3.init_params(arg_params=mlp_params(mx))
    out_np = m3.predict(x[:3]).asnumpy().tolist()
    return {"out7": out7, "data_shapes": shapes, "predict_numpy": out_np,
            "output_shapes": [[n, list(s)] for n, s in mod.output_shapes]}


def run(mx, name):
    return globals()["run_" + name](mx)


# ---- checkpoints ---------------------------------------------------------------------------
def checkpoint_train(mx, prefix):
    """One epoch of Adam on the CNN, then a checkpoint with optimizer states."""
    x, y = img_data()
    train = mx.io.NDArrayIter(x, y, batch_size=10)
    arg, aux = cnn_params(mx)
    mod = mx.mod.Module(cnn(mx))
    mod.fit(train, num_epoch=1, arg_params=arg, aux_params=aux, optimizer="adam",
            optimizer_params={"learning_rate": 0.01})
    mod.save_checkpoint(prefix, 1, save_optimizer_states=True)
    return mod


def checkpoint_resume(mx, prefix):
    """Load the checkpoint with its optimizer states, train one more epoch, predict."""
    x, y = img_data()
    train = mx.io.NDArrayIter(x, y, batch_size=10)
    mod = mx.mod.Module.load(prefix, 1, load_optimizer_states=True)
    mod.fit(train, begin_epoch=1, num_epoch=2, optimizer="adam",
            optimizer_params={"learning_rate": 0.01})
    sym, arg, aux = mx.model.load_checkpoint(prefix, 1)
    m2 = mx.mod.Module(sym)
    m2.bind(data_shapes=train.provide_data, label_shapes=train.provide_label,
            for_training=False)
    m2.set_params(arg, aux)
    return {"params": params_out(mod), "predict": mod.predict(train).asnumpy().tolist(),
            "loaded_predict": m2.predict(train).asnumpy().tolist()}


def run_rnn_cells(mx):
    """Symbolic mx.rnn cells unrolled over 3 steps (explicit begin states), bound with fixed
    parameters: outputs, final states, argument names, and pack/unpack of the weights."""
    rng = np.random.RandomState(9)
    stack = mx.rnn.SequentialRNNCell()
    stack.add(mx.rnn.LSTMCell(num_hidden=4, prefix="l0_"))
    stack.add(mx.rnn.GRUCell(num_hidden=3, prefix="g1_"))
    stack.add(mx.rnn.RNNCell(num_hidden=2, prefix="r2_"))
    data = mx.sym.var("data")
    begin = [mx.sym.var("s%d" % i) for i in range(len(stack.state_info))]
    outs, states = stack.unroll(3, data, begin_state=begin, layout="NTC", merge_outputs=True)
    net = mx.sym.Group([outs] + list(states))
    shapes = {"data": (2, 3, 5), "s0": (2, 4), "s1": (2, 4), "s2": (2, 3), "s3": (2, 2)}
    arg_shapes, _, _ = net.infer_shape(**shapes)
    args = {n: mx.nd.array(rng.uniform(-0.5, 0.5, s))
            for n, s in zip(net.list_arguments(), arg_shapes)}
    exe = net.bind(mx.cpu(), args)
    exe.forward()
    unpacked = stack.unpack_weights({k: v for k, v in args.items() if k[:2] in ("l0", "g1", "r2")})
    repacked = stack.pack_weights(unpacked)
    return {"arguments": net.list_arguments(), "outputs": net.list_outputs(),
            "values": [o.asnumpy().tolist() for o in exe.outputs],
            "unpacked": sorted(unpacked),
            "repack_ok": all(bool((repacked[k] == args[k]).asnumpy().all()) for k in repacked),
            "state_info": [[list(i["shape"]), i["__layout__"]] for i in stack.state_info]}
