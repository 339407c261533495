"""Record Symbol-API golden data from real MXNet 1.9.1 into tests/golden/symbol.json and
tests/fixtures/symbol/*. Run under the oracle environment; deterministic.

What is recorded:
- ``models`` + fixtures: ``<name>-symbol.json`` / ``<name>-0000.params`` pairs written by
  MXNet itself, by Gluon ``export`` (an MLP, a CNN with BatchNorm whose running statistics
  moved, an Embedding+LSTM network) and by ``Module.save_checkpoint`` /
  ``mx.model.save_checkpoint`` (a CNN with BatchNorm and SoftmaxOutput, an unrolled RNN
  with shared weights, an SSD-style detection head), with their inputs and MXNet's outputs
  (inference), and for the Module CNN the training-mode outputs and every argument's
  gradient through ``Executor.backward`` with fixed head gradients;
- ``api``: for composed symbols, what MXNet reports: arguments, outputs, auxiliary states,
  internals, attr_dict, infer_shape and infer_type results and the JSON's nodes/heads.

Before writing, the reverse direction is checked live: the same Gluon nets built by mxcompat
(in a subprocess), given MXNet's parameters, exported with ``export``, load in this MXNet
through ``SymbolBlock.imports`` and give MXNet's outputs.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path

import numpy as np

warnings.filterwarnings("ignore")
ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "tests" / "golden" / "symbol.json"
FIXTURES = ROOT / "tests" / "fixtures" / "symbol"

# ---- Gluon nets both sides build (this part also runs under mxcompat: keep it plain) -------
GLUON_CODE = '''
def build_gluon(kind):
    from mxnet.gluon import nn, rnn
    with mx.name.NameManager():
        if kind == "mlp_gluon":
            net = nn.HybridSequential(prefix="mlp_")
            with net.name_scope():
                net.add(nn.Dense(16, activation="relu", in_units=8), nn.Dense(4, in_units=16))
        elif kind == "cnn_gluon":
            net = nn.HybridSequential(prefix="cnn_")
            with net.name_scope():
                net.add(nn.Conv2D(4, 3, padding=1, in_channels=3), nn.BatchNorm(in_channels=4),
                        nn.Activation("relu"), nn.MaxPool2D(), nn.Flatten(),
                        nn.Dense(5, in_units=64))
        elif kind == "rnn_gluon":
            net = nn.HybridSequential(prefix="rnn_")
            with net.name_scope():
                net.add(nn.Embedding(20, 6), rnn.LSTM(8, layout="NTC", input_size=6),
                        nn.Dense(3, flatten=False, in_units=8))
        else:
            raise ValueError(kind)
    return net


def gluon_input(kind):
    rs = np.random.RandomState(7)
    if kind == "mlp_gluon":
        return rs.uniform(-1, 1, (3, 8)).astype("float32")
    if kind == "cnn_gluon":
        return rs.uniform(-1, 1, (2, 3, 8, 8)).astype("float32")
    return rs.randint(0, 20, (2, 5)).astype("float32")


def fill_params(net, seed):
    rs = np.random.RandomState(seed)
    for name, p in sorted(net.collect_params().items()):
        v = rs.uniform(-0.5, 0.5, p.shape).astype("float32")
        if name.endswith("running_var"):
            v = np.abs(v) + 0.5
        p.set_data(mx.nd.array(v))
'''

_MXCOMPAT_SIDE = r'''
import json, sys
import numpy as np
import mxcompat
mxcompat.install()
import mxnet as mx
exec(open(sys.argv[1]).read())
out = {}
for kind in ("mlp_gluon", "cnn_gluon", "rnn_gluon"):
    net = build_gluon(kind)
    net.initialize()
    net.load_parameters(sys.argv[2] + "/" + kind + ".gluon.params")
    net.hybridize()
    y = net(mx.nd.array(gluon_input(kind)))
    net.export(sys.argv[2] + "/" + kind + "_mxc", epoch=0)
    out[kind] = y.asnumpy().tolist()
print(json.dumps(out))
'''


def _arr(a):
    a = np.asarray(a)
    return {"shape": list(a.shape), "dtype": str(a.dtype), "data": a.ravel().tolist()}


def record_gluon_models(mx, tmp):
    ns = {"mx": mx, "np": np}
    exec(GLUON_CODE, ns)  # noqa: S102
    models = {}
    for i, kind in enumerate(("mlp_gluon", "cnn_gluon", "rnn_gluon")):
        net = ns["build_gluon"](kind)
        net.initialize()
        ns["fill_params"](net, 100 + i)
        net.hybridize()
        x = mx.nd.array(ns["gluon_input"](kind))
        if kind == "cnn_gluon":  # move the BatchNorm running statistics
            for _ in range(2):
                with mx.autograd.record():
                    net(x)
        y = net(x)
        net.export(str(FIXTURES / kind), epoch=0)
        net.save_parameters(os.path.join(tmp, kind + ".gluon.params"))
        models[kind] = {"inputs": {"data": _arr(x.asnumpy())}, "outputs": [_arr(y.asnumpy())],
                        "source": "gluon export"}
    # reverse direction: mxcompat exports the same nets with these parameters
    code_file = os.path.join(tmp, "gluon_code.py")
    with open(code_file, "w") as f:
        f.write(GLUON_CODE)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    raw = subprocess.run([sys.executable, "-c", _MXCOMPAT_SIDE, code_file, tmp], env=env,
                         check=True, stdout=subprocess.PIPE).stdout
    theirs = json.loads(raw)
    for kind, m in models.items():
        want = np.array(m["outputs"][0]["data"]).reshape(m["outputs"][0]["shape"])
        np.testing.assert_allclose(np.array(theirs[kind]), want, rtol=1e-5, atol=1e-5)
        blk = mx.gluon.SymbolBlock.imports(os.path.join(tmp, kind + "_mxc-symbol.json"),
                                           ["data"], os.path.join(tmp, kind + "_mxc-0000.params"))
        got = blk(mx.nd.array(ns["gluon_input"](kind))).asnumpy()
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)
        print(f"  live check: {kind} exported by mxcompat loads in MXNet, same outputs")
    return models


def _checkpoint(mx, name, sym, shapes, seed, train_steps=0, label=None):
    """Bind with Module, fill parameters, optionally train a few steps, save_checkpoint."""
    rs = np.random.RandomState(seed)
    data_names = [n for n in shapes if n != "softmax_label"]
    label_names = ["softmax_label"] if "softmax_label" in shapes else []
    mod = mx.mod.Module(sym, data_names=data_names, label_names=label_names,
                        context=mx.cpu())
    mod.bind(data_shapes=[(n, shapes[n]) for n in data_names],
             label_shapes=[(n, shapes[n]) for n in label_names] or None,
             for_training=train_steps > 0)
    mod.init_params(mx.init.Uniform(0.3))
    args, auxs = mod.get_params()
    args = {k: mx.nd.array(rs.uniform(-0.5, 0.5, v.shape)) for k, v in sorted(args.items())}
    auxs = {k: mx.nd.array(rs.uniform(0.5, 1.0, v.shape)) for k, v in sorted(auxs.items())}
    mod.set_params(args, auxs)
    inputs = {n: rs.uniform(-1, 1, shapes[n]).astype("float32") for n in data_names}
    if label is not None:
        inputs["softmax_label"] = label
    if train_steps:
        mod.init_optimizer(optimizer="sgd", optimizer_params={"learning_rate": 0.1})
        batch = mx.io.DataBatch([mx.nd.array(inputs[n]) for n in data_names],
                                [mx.nd.array(inputs[n]) for n in label_names])
        for _ in range(train_steps):
            mod.forward(batch, is_train=True)
            mod.backward()
            mod.update()
    mod.save_checkpoint(str(FIXTURES / name), 0)
    return inputs


def _load_pair(mx, name):
    sym = mx.sym.load(str(FIXTURES / f"{name}-symbol.json"))
    saved = mx.nd.load(str(FIXTURES / f"{name}-0000.params"))
    args = {k[4:]: v for k, v in saved.items() if k.startswith("arg:")}
    auxs = {k[4:]: v for k, v in saved.items() if k.startswith("aux:")}
    return sym, args, auxs


def _run(mx, name, inputs, is_train=False, out_grads=None):
    sym, args, auxs = _load_pair(mx, name)
    args = dict(args)
    for k, v in inputs.items():
        args[k] = mx.nd.array(v)
    grads = {k: mx.nd.zeros(v.shape) for k, v in args.items()} if out_grads else None
    exe = sym.bind(mx.cpu(), args, args_grad=grads, aux_states=auxs,
                   grad_req="write" if out_grads else "null")
    outs = [o.asnumpy() for o in exe.forward(is_train=is_train)]
    if out_grads:
        exe.backward([mx.nd.array(g) for g in out_grads])
        return outs, {k: v.asnumpy() for k, v in exe.grad_dict.items()}
    return outs, None


def cnn_module_sym(mx):
    data = mx.sym.var("data")
    x = mx.sym.Convolution(data, num_filter=4, kernel=(3, 3), pad=(1, 1), name="conv1")
    x = mx.sym.BatchNorm(x, fix_gamma=False, name="bn1")
    x = mx.sym.Activation(x, act_type="relu", name="relu1")
    x = mx.sym.Pooling(x, kernel=(2, 2), stride=(2, 2), pool_type="max", name="pool1")
    x = mx.sym.Convolution(x, num_filter=6, kernel=(3, 3), no_bias=True, name="conv2")
    x = mx.sym.BatchNorm(x, name="bn2")
    x = mx.sym.Pooling(x, global_pool=True, kernel=(1, 1), pool_type="avg", name="gap")
    x = mx.sym.Flatten(x, name="flat")
    x = mx.sym.FullyConnected(x, num_hidden=3, name="fc")
    return mx.sym.SoftmaxOutput(x, name="softmax")


def rnn_module_sym(mx, steps=4, hidden=5):
    data = mx.sym.var("data")
    xs = mx.sym.split(data, num_outputs=steps, axis=1, squeeze_axis=True, name="steps")
    wi, bi = mx.sym.var("i2h_weight"), mx.sym.var("i2h_bias")
    wh = mx.sym.var("h2h_weight")
    h = None
    outs = []
    for t in range(steps):
        i2h = mx.sym.FullyConnected(xs[t], weight=wi, bias=bi, num_hidden=hidden,
                                    name=f"t{t}_i2h")
        if h is None:
            h = mx.sym.tanh(i2h, name=f"t{t}_h")
        else:
            h2h = mx.sym.FullyConnected(h, weight=wh, num_hidden=hidden, no_bias=True,
                                        name=f"t{t}_h2h")
            h = mx.sym.tanh(i2h + h2h, name=f"t{t}_h")
        outs.append(mx.sym.expand_dims(h, axis=1))
    seq = mx.sym.concat(*outs, dim=1, name="seq")
    last = mx.sym.FullyConnected(h, num_hidden=2, name="out")
    return mx.sym.Group([seq, mx.sym.softmax(last, axis=-1, name="prob")])


def det_module_sym(mx, num_classes=2):
    data = mx.sym.var("data")
    feat = mx.sym.Convolution(data, num_filter=8, kernel=(3, 3), pad=(1, 1), name="body")
    feat = mx.sym.Activation(feat, act_type="relu", name="body_relu")
    anchors = mx.sym.contrib.MultiBoxPrior(feat, sizes=(0.3, 0.6), ratios=(1, 2),
                                           name="anchors")
    na = 3
    cls = mx.sym.Convolution(feat, num_filter=na * (num_classes + 1), kernel=(3, 3),
                             pad=(1, 1), name="cls_pred")
    cls = mx.sym.transpose(cls, axes=(0, 2, 3, 1))
    cls = mx.sym.reshape(cls, shape=(0, -1, num_classes + 1))
    cls = mx.sym.transpose(cls, axes=(0, 2, 1), name="cls_t")
    prob = mx.sym.softmax(cls, axis=1, name="cls_prob")
    loc = mx.sym.Convolution(feat, num_filter=na * 4, kernel=(3, 3), pad=(1, 1),
                             name="loc_pred")
    loc = mx.sym.Flatten(mx.sym.transpose(loc, axes=(0, 2, 3, 1)), name="loc_flat")
    det = mx.sym.contrib.MultiBoxDetection(prob, loc, anchors, nms_threshold=0.45,
                                           force_suppress=False, nms_topk=20,
                                           name="detection")
    return mx.sym.Group([det, prob])


def record_module_models(mx):
    models = {}
    rs = np.random.RandomState(3)
    label = rs.randint(0, 3, (4,)).astype("float32")
    inp = _checkpoint(mx, "cnn_module", cnn_module_sym(mx),
                      {"data": (4, 3, 8, 8), "softmax_label": (4,)}, 11, train_steps=2,
                      label=label)
    outs, _ = _run(mx, "cnn_module", inp)
    head = [rs.normal(size=(4, 3)).astype("float32")]
    touts, grads = _run(mx, "cnn_module", inp, is_train=True, out_grads=head)
    models["cnn_module"] = {
        "inputs": {k: _arr(v) for k, v in inp.items()}, "outputs": [_arr(o) for o in outs],
        "train_outputs": [_arr(o) for o in touts], "head_grads": [_arr(h) for h in head],
        "grads": {k: _arr(v) for k, v in grads.items()}, "source": "Module.save_checkpoint"}
    inp = _checkpoint(mx, "rnn_module", rnn_module_sym(mx), {"data": (2, 4, 3)}, 12)
    outs, _ = _run(mx, "rnn_module", inp)
    head = [rs.normal(size=o.shape).astype("float32") for o in outs]
    _, grads = _run(mx, "rnn_module", inp, is_train=True, out_grads=head)
    models["rnn_module"] = {"inputs": {k: _arr(v) for k, v in inp.items()},
                            "outputs": [_arr(o) for o in outs],
                            "head_grads": [_arr(h) for h in head],
                            "grads": {k: _arr(v) for k, v in grads.items()},
                            "source": "Module.save_checkpoint"}
    inp = _checkpoint(mx, "det_module", det_module_sym(mx), {"data": (1, 3, 6, 6)}, 13)
    outs, _ = _run(mx, "det_module", inp)
    models["det_module"] = {"inputs": {k: _arr(v) for k, v in inp.items()},
                            "outputs": [_arr(o) for o in outs],
                            "source": "Module.save_checkpoint"}
    return models


# ---- symbol API facts --------------------------------------------------------------------
API_CASES = [
    ("fc_bn_split", """
d = mx.sym.var('data', shape=(2, 3), lr_mult=2.0, attr={'foo': 'bar'})
fc = mx.sym.FullyConnected(d, num_hidden=4)
bn = mx.sym.BatchNorm(fc)
a = mx.sym.Activation(bn, act_type='relu') + 1
s = mx.sym.split(a, num_outputs=2, axis=1)
sym = mx.sym.Group([s[0] * 2, s[1], mx.sym.Dropout(a)])
shapes = {'data': (2, 3)}
"""),
    ("operators", """
a = mx.sym.var('a'); b = mx.sym.var('b')
sym = mx.sym.Group([a + b, a - b, a * b, a / b, a % b, a ** b, a + 1, a - 1, 1 - a, a * 2,
                    a / 2, 2 / a, a % 2, 2 % a, a ** 2, 2 ** a, -a, a == b, a == 1, a != b,
                    a > 1, a >= b, a < 1, a <= 1, abs(a), a.reshape((2, -1)), a.sum(axis=1),
                    mx.sym.maximum(a, 1), mx.sym.minimum(a, b), mx.sym.pow(a, 3)])
shapes = {'a': (2, 6), 'b': (2, 6)}
"""),
    ("conv_net", """
with mx.name.Prefix('net_'):
    with mx.AttrScope(ctx_group='dev1', __mood__='ok'):
        x = mx.sym.var('data')
        x = mx.sym.Convolution(x, kernel=(3, 3), num_filter=8, stride=(2, 2), pad=(1, 1))
        x = mx.sym.BatchNorm(x, fix_gamma=False, output_mean_var=True)[0]
    x = mx.sym.Pooling(x, kernel=(2, 2), pool_type='avg', global_pool=True)
    x = mx.sym.Deconvolution(x, kernel=(2, 2), num_filter=3, no_bias=True)
    x = mx.sym.LeakyReLU(x, act_type='prelu')
    x = mx.sym.Embedding(mx.sym.flatten(x), input_dim=10, output_dim=4)
sym = mx.sym.SoftmaxOutput(mx.sym.FullyConnected(x, num_hidden=5), name='softmax')
shapes = {'data': (2, 3, 9, 9)}
"""),
    ("rnn_op", """
x = mx.sym.var('x')
sym = mx.sym.RNN(x, state_size=4, num_layers=2, mode='lstm', bidirectional=True,
                 state_outputs=True, name='lstm')
shapes = {'x': (5, 2, 3)}
"""),
    ("compose_internals", """
net = mx.sym.FullyConnected(mx.sym.var('data'), num_hidden=3, name='fc1')
net = mx.sym.Activation(net, act_type='tanh', name='act')
inner = mx.sym.var('inner')
net2 = mx.sym.FullyConnected(inner, num_hidden=2, name='fc2')
composed = net2(inner=net)
sym = mx.sym.Group([composed, composed.get_internals()['fc1_output'],
                    composed.get_children()[0]])
shapes = {'data': (4, 6)}
"""),
]


def record_api(mx):
    out = {}
    for name, code in API_CASES:
        ns = {"mx": mx}
        with mx.name.NameManager():
            exec(code, ns)  # noqa: S102
        sym = ns["sym"]
        js = json.loads(sym.tojson())
        arg_shapes, out_shapes, aux_shapes = sym.infer_shape(**ns["shapes"])
        arg_t, out_t, aux_t = sym.infer_type(**{k: "float32" for k in ns["shapes"]})
        out[name] = {
            "code": code, "arguments": sym.list_arguments(), "outputs": sym.list_outputs(),
            "aux": sym.list_auxiliary_states(), "inputs": sym.list_inputs(),
            "internals": sym.get_internals().list_outputs(), "attr_dict": sym.attr_dict(),
            "shapes": {"arg": [list(s) for s in arg_shapes], "out": [list(s) for s in out_shapes],
                       "aux": [list(s) for s in aux_shapes]},
            "types": {"arg": [np.dtype(t).name for t in arg_t],
                      "out": [np.dtype(t).name for t in out_t],
                      "aux": [np.dtype(t).name for t in aux_t]},
            "nodes": js["nodes"], "heads": js["heads"], "arg_nodes": js["arg_nodes"],
            "node_row_ptr": js["node_row_ptr"], "repr": repr(sym), "name": sym.name,
        }
    return out


#: a graph in MXNet 0.8's JSON format (param/attr, two-element inputs, BatchNorm without its
#: auxiliary inputs, per-input lr_mult on the op) that MXNet upgrades on load
LEGACY_JSON = {
    "nodes": [
        {"op": "null", "param": {}, "name": "data", "inputs": [], "backward_source_id": -1,
         "attr": {"ctx_group": "stage1", "lr_mult": "0.2"}},
        {"op": "null", "param": {}, "name": "fc1_weight", "inputs": [],
         "backward_source_id": -1, "attr": {"wd_mult": "0.3"}},
        {"op": "null", "param": {}, "name": "fc1_bias", "inputs": [], "backward_source_id": -1},
        {"op": "FullyConnected", "param": {"no_bias": "False", "num_hidden": "4"},
         "name": "fc1", "inputs": [[0, 0], [1, 0], [2, 0]], "backward_source_id": -1,
         "attr": {"ctx_group": "stage1", "weight_lr_mult": "1.2"}},
        {"op": "null", "param": {}, "name": "bn_gamma", "inputs": [], "backward_source_id": -1},
        {"op": "null", "param": {}, "name": "bn_beta", "inputs": [], "backward_source_id": -1},
        {"op": "BatchNorm", "param": {"eps": "0.001", "fix_gamma": "True",
                                      "momentum": "0.9", "use_global_stats": "False"},
         "name": "bn", "inputs": [[3, 0], [4, 0], [5, 0]], "backward_source_id": -1},
        {"op": "Activation", "param": {"act_type": "relu"}, "name": "relu1",
         "inputs": [[6, 0]], "backward_source_id": -1},
    ],
    "arg_nodes": [0, 1, 2, 4, 5],
    "heads": [[7, 0]],
}


def record_legacy(mx):
    sym = mx.sym.load_json(json.dumps(LEGACY_JSON))
    return {"json": json.dumps(LEGACY_JSON), "upgraded": json.loads(sym.tojson()),
            "arguments": sym.list_arguments(), "aux": sym.list_auxiliary_states(),
            "attr_dict": sym.attr_dict()}


def main() -> int:
    import mxnet as mx
    FIXTURES.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        models = record_gluon_models(mx, tmp)
    models.update(record_module_models(mx))
    golden = {"mxnet": mx.__version__, "models": models, "api": record_api(mx),
              "legacy": record_legacy(mx)}
    GOLDEN.write_text(json.dumps(golden, indent=1, sort_keys=True) + "\n")
    print(f"wrote {GOLDEN} and {len(models)} model pairs in {FIXTURES}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
