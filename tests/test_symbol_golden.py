"""Models written by real MXNet 1.9.1 (Gluon export, Module.save_checkpoint) run in mxcompat
through SymbolBlock.imports, Symbol.bind/Executor and the torch.fx conversion, and give
MXNet's outputs and gradients (tests/golden/symbol.json, recorded by
tools/oracle/record_symbol.py); composed symbols report what MXNet reports."""
from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import numpy as np
import pytest
import torch

import mxcompat as mx
from mxcompat import nd

HERE = Path(__file__).resolve().parent
FIX = HERE / "fixtures" / "symbol"
GOLDEN = json.loads((HERE / "golden" / "symbol.json").read_text())
MODELS = GOLDEN["models"]
ORACLE = os.environ.get("MXCOMPAT_ORACLE_PYTHON", "/work/oracle-venv/bin/python")


def arr(d):
    return np.array(d["data"], dtype=d["dtype"]).reshape(d["shape"])


def close(got, want, rtol=1e-5, atol=1e-5):
    np.testing.assert_allclose(got, want, rtol=rtol, atol=atol)


def pair(name):
    return str(FIX / f"{name}-symbol.json"), str(FIX / f"{name}-0000.params")


@pytest.mark.parametrize("name", sorted(MODELS))
def test_symbolblock_imports_gives_mxnet_outputs(name):
    m = MODELS[name]
    sym_file, params = pair(name)
    names = list(m["inputs"])  # the label of a SoftmaxOutput model is an input too
    blk = mx.gluon.SymbolBlock.imports(sym_file, names, params)
    out = blk(*[nd.array(arr(m["inputs"][n])) for n in names])
    outs = out if isinstance(out, list) else [out]
    assert len(outs) == len(m["outputs"])
    for o, want in zip(outs, m["outputs"], strict=False):
        close(o.asnumpy(), arr(want))


def _bind(name, grad=False):
    m = MODELS[name]
    sym_file, params = pair(name)
    sym = mx.sym.load(sym_file)
    saved = nd.load(params)
    args = {k[4:]: v for k, v in saved.items() if k.startswith("arg:")}
    auxs = {k[4:]: v for k, v in saved.items() if k.startswith("aux:")}
    for k, v in m["inputs"].items():
        args[k] = nd.array(arr(v))
    grads = {k: nd.zeros(v.shape) for k, v in args.items()} if grad else None
    return sym.bind(mx.cpu(), args, args_grad=grads, aux_states=auxs,
                    grad_req="write" if grad else "null")


@pytest.mark.parametrize("name", sorted(MODELS))
def test_bind_executor_gives_mxnet_outputs(name):
    exe = _bind(name)
    outs = exe.forward(is_train=False)
    for o, want in zip(outs, MODELS[name]["outputs"], strict=False):
        close(o.asnumpy(), arr(want))
    assert list(exe.output_dict) == mx.sym.load(pair(name)[0]).list_outputs()


@pytest.mark.parametrize("name", [n for n in sorted(MODELS) if "grads" in MODELS[n]])
def test_executor_backward_gives_mxnet_gradients(name):
    m = MODELS[name]
    exe = _bind(name, grad=True)
    outs = exe.forward(is_train=True)
    for o, want in zip(outs, m.get("train_outputs", m["outputs"]), strict=False):
        close(o.asnumpy(), arr(want), rtol=1e-4, atol=1e-5)
    exe.backward([nd.array(arr(h)) for h in m["head_grads"]])
    for k, want in m["grads"].items():
        close(exe.grad_dict[k].asnumpy(), arr(want), rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("name", sorted(MODELS))
def test_fx_conversion_gives_mxnet_outputs(name):
    m = MODELS[name]
    sym_file, params = pair(name)
    names = list(m["inputs"])
    gm = mx.sym.fx.load(sym_file, params, data_names=names)
    assert isinstance(gm, torch.fx.GraphModule)
    with torch.no_grad():
        out = gm(*[torch.from_numpy(arr(m["inputs"][n])) for n in names])
    outs = list(out) if isinstance(out, tuple) else [out]
    for o, want in zip(outs, m["outputs"], strict=False):
        close(o.numpy(), arr(want))
    # plain torch from here: the module holds the weights as parameters
    assert any(True for _ in gm.parameters())


# ---- composed symbols report what MXNet reports ------------------------------------------
@pytest.mark.parametrize("case", sorted(GOLDEN["api"]))
def test_symbol_api_matches_mxnet(case):
    g = GOLDEN["api"][case]
    ns = {"mx": mx}
    with mx.name.NameManager():
        exec(g["code"], ns)  # noqa: S102 - the recorded case's own code
    sym = ns["sym"]
    assert sym.list_arguments() == g["arguments"]
    assert sym.list_outputs() == g["outputs"]
    assert sym.list_auxiliary_states() == g["aux"]
    assert sym.list_inputs() == g["inputs"]
    assert sym.get_internals().list_outputs() == g["internals"]
    assert sym.attr_dict() == g["attr_dict"]
    assert repr(sym) == g["repr"]
    assert sym.name == g["name"]
    js = json.loads(sym.tojson())
    assert js["nodes"] == g["nodes"]
    assert js["heads"] == g["heads"]
    assert js["arg_nodes"] == g["arg_nodes"]
    assert js["node_row_ptr"] == g["node_row_ptr"]
    a, o, x = sym.infer_shape(**ns["shapes"])
    assert [list(s) for s in a] == g["shapes"]["arg"]
    assert [list(s) for s in o] == g["shapes"]["out"]
    assert [list(s) for s in x] == g["shapes"]["aux"]
    a, o, x = sym.infer_type(**{k: "float32" for k in ns["shapes"]})
    assert [np.dtype(t).name for t in a] == g["types"]["arg"]
    assert [np.dtype(t).name for t in o] == g["types"]["out"]
    assert [np.dtype(t).name for t in x] == g["types"]["aux"]
    # and the JSON round-trips
    again = mx.sym.load_json(sym.tojson())
    assert again.tojson() == sym.tojson()


# ---- the reverse direction, live, where the oracle is installed --------------------------
_ORACLE_LOAD = r"""
import sys, json, numpy as np, mxnet as mx
blk = mx.gluon.SymbolBlock.imports(sys.argv[1] + "-symbol.json", ["data"],
                                   sys.argv[1] + "-0000.params")
x = mx.nd.array(np.load(sys.argv[2]))
print(json.dumps(blk(x).asnumpy().tolist()))
"""


@pytest.mark.skipif(not os.path.exists(ORACLE), reason="needs the MXNet 1.9.1 oracle venv")
def test_mxcompat_export_loads_in_real_mxnet(tmp_path):
    from mxcompat.gluon import nn
    with mx.name.NameManager():
        net = nn.HybridSequential()
        with net.name_scope():
            net.add(nn.Conv2D(3, 3, in_channels=2), nn.BatchNorm(), nn.Activation("relu"),
                    nn.GlobalAvgPool2D(), nn.Dense(4))
    net.initialize(mx.init.Xavier())
    net.hybridize()
    x = np.random.RandomState(0).uniform(-1, 1, (2, 2, 6, 6)).astype("float32")
    with mx.autograd.record():  # moves the running statistics
        net(nd.array(x))
    want = net(nd.array(x)).asnumpy()
    net.export(str(tmp_path / "m"), epoch=0)
    np.save(tmp_path / "x.npy", x)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    r = subprocess.run([ORACLE, "-c", _ORACLE_LOAD, str(tmp_path / "m"), str(tmp_path / "x.npy")],
                       capture_output=True, text=True, timeout=300, env=env)
    assert r.returncode == 0, r.stderr[-2000:]
    close(np.array(json.loads(r.stdout.strip().splitlines()[-1])), want)
