"""mx.sym: composition, names and attributes, JSON (old formats, hostile files), Executor
(gradients against torch and finite differences), Gluon's symbolic side, the torch.fx
conversion and ``mxcompat convert`` for exported models."""
from __future__ import annotations

import copy
import json
import pickle
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

import mxcompat as mx
from mxcompat import nd
from mxcompat.base import MXNetError

HERE = Path(__file__).resolve().parent
GOLDEN = json.loads((HERE / "golden" / "symbol.json").read_text())
FIX = HERE / "fixtures" / "symbol"


def rand(*shape, seed=0):
    return np.random.RandomState(seed).uniform(-1, 1, shape).astype("float32")


# ---- variables, names, attributes --------------------------------------------------------
def test_variable_attributes():
    v = mx.sym.var("w", shape=(2, 3), dtype="float16", lr_mult=0.5, wd_mult=2, init=mx.init.One(),
                   stype="row_sparse", __extra__="x")
    assert v.attr("__shape__") == "(2, 3)"
    assert v.attr("__dtype__") == "2"
    assert v.attr("lr_mult") == "0.5" and v.attr("__wd_mult__") == "2"
    assert v.attr("__init__") == mx.init.One().dumps()
    assert v.attr("__storage_type__") == "1" and v.attr("__extra__") == "x"
    assert v.list_attr()["lr_mult"] == "0.5"
    with pytest.raises(TypeError, match="string for variable"):
        mx.sym.var(3)
    with pytest.raises(ValueError, match="double underscores"):
        mx.sym.var("x", foo="bar")
    with pytest.raises(ValueError, match="Attributes need to be string"):
        mx.sym.var("x", attr={"a": 1})


def test_auto_names_prefix_and_attr_scope():
    with mx.name.NameManager():
        a = mx.sym.var("a")
        assert mx.sym.FullyConnected(a, num_hidden=2).name == "fullyconnected0"
        assert mx.sym.FullyConnected(a, num_hidden=2).name == "fullyconnected1"
        assert (a + 1).name == "_plusscalar0"
        assert mx.sym.split(a, num_outputs=2).name == "split0"
        assert mx.sym.contrib.box_nms(a).name == "box_nms0"
        with mx.name.Prefix("net_"):
            fc = mx.sym.FullyConnected(a, num_hidden=2, name="fc")
            assert fc.name == "net_fc"
            assert fc.list_arguments() == ["a", "net_fc_weight", "net_fc_bias"]
    with mx.AttrScope(ctx_group="g1", __note__="n"):
        s = mx.sym.Activation(mx.sym.var("x"), act_type="relu", name="act")
    assert s.attr("ctx_group") == "g1" and s.attr("__ctx_group__") == "g1"
    assert s.attr("__note__") == "n"
    s._set_attr(tag="t")
    assert s.attr("tag") == "t"
    with pytest.raises(ValueError, match="string values"):
        s._set_attr(tag=1)


def test_composer_arguments_and_errors():
    x = mx.sym.var("x")
    fc = mx.sym.FullyConnected(x, num_hidden=3, no_bias=True, name="fc")
    assert fc.list_arguments() == ["x", "fc_weight"]
    w = mx.sym.var("w")
    assert mx.sym.FullyConnected(data=x, weight=w, num_hidden=3, name="f2").list_arguments() \
        == ["x", "w", "f2_bias"]
    with pytest.raises(MXNetError, match="Required parameter num_hidden"):
        mx.sym.FullyConnected(x)
    with pytest.raises(MXNetError, match="Cannot find argument 'nope'"):
        mx.sym.FullyConnected(x, num_hidden=2, nope=1)
    with pytest.raises(TypeError):
        mx.sym.FullyConnected(x, num_hidden=2) + nd.ones((1,))
    cat = mx.sym.concat(x, w, dim=0, name="cat")
    assert cat.attr("num_args") == "2"
    assert mx.sym.Group([x, w]).list_outputs() == ["x", "w"]
    with pytest.raises(TypeError, match="list of symbols"):
        mx.sym.Group([x, 1])
    with pytest.raises(AttributeError):
        mx.sym.NoSuchOp  # noqa: B018


def test_indexing_children_internals_and_compose():
    data = mx.sym.var("data")
    sp = mx.sym.SliceChannel(data, num_outputs=3, name="slice")
    assert len(sp) == 3 and sp.name == "slice" and repr(sp) == "<Symbol slice>"
    assert sp[1].list_outputs() == ["slice_output1"]
    assert sp["slice_output2"].list_outputs() == ["slice_output2"]
    assert sp[-1].list_outputs() == ["slice_output2"]
    assert sp[0:2].list_outputs() == ["slice_output0", "slice_output1"]
    with pytest.raises(IndexError):
        sp[3]
    with pytest.raises(ValueError, match="Cannot find output"):
        sp["nope"]
    cat = mx.sym.Concat(*list(sp), name="cat")
    assert cat.get_children().list_outputs() == ["slice_output0", "slice_output1",
                                                "slice_output2"]
    assert data.get_children() is None
    inner = mx.sym.var("inner")
    net = mx.sym.FullyConnected(inner, num_hidden=2, name="fc2")
    composed = net(inner=mx.sym.Activation(data, act_type="relu", name="act"))
    assert composed.list_arguments() == ["data", "fc2_weight", "fc2_bias"]
    assert net.list_arguments() == ["inner", "fc2_weight", "fc2_bias"]  # __call__ copies
    with pytest.raises(mx.base.NotImplementedForSymbol):
        bool(data)


def test_pickle_copy_and_json_round_trip(tmp_path):
    net = mx.sym.FullyConnected(mx.sym.var("data"), num_hidden=4, name="fc")
    net = mx.sym.BatchNorm(net, name="bn")
    for other in (pickle.loads(pickle.dumps(net)), copy.deepcopy(net),
                  mx.sym.load_json(net.tojson())):
        assert other.tojson() == net.tojson()
    f = tmp_path / "net-symbol.json"
    net.save(str(f))
    assert mx.sym.load(str(f)).tojson() == net.tojson()
    with pytest.raises(MXNetError, match="cannot read"):
        mx.sym.load(str(tmp_path / "missing.json"))
    with pytest.raises(OSError):  # a failed save leaves nothing behind
        net.save(str(tmp_path / "no" / "dir.json"))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["net-symbol.json"]


def test_legacy_json_is_upgraded_as_mxnet_does():
    g = GOLDEN["legacy"]
    sym = mx.sym.load_json(g["json"])
    assert json.loads(sym.tojson()) == g["upgraded"]
    assert sym.list_arguments() == g["arguments"]
    assert sym.list_auxiliary_states() == g["aux"]
    assert sym.attr_dict() == g["attr_dict"]


# ---- hostile JSON ------------------------------------------------------------------------
def _graph(nodes, heads=None):
    return json.dumps({"nodes": nodes, "arg_nodes": [], "heads": heads or [[len(nodes) - 1,
                                                                            0, 0]]})


VAR = {"op": "null", "name": "x", "inputs": []}


@pytest.mark.parametrize("nodes,heads,match", [
    ([VAR, {"op": "__import__('os').system('true')", "name": "evil", "inputs": [[0, 0, 0]]}],
     None, "node 'evil': unknown operator"),
    ([VAR, {"op": "FullyConnected", "name": "fc", "attrs": {"num_hidden": "2"},
            "inputs": [[0, 0, 0]]}], None, "node 'fc'.*missing input"),
    ([VAR, {"op": "relu", "name": "r", "inputs": [[1, 0, 0]]}], None,
     "node 'r'.*cycle or a forward reference"),
    ([VAR, {"op": "FullyConnected", "name": "fc", "attrs": {"num_hidden": "abc"},
            "inputs": [[0, 0, 0], [0, 0, 0], [0, 0, 0]]}], None,
     "node 'fc'.*bad attribute num_hidden"),
    ([VAR, {"op": "Activation", "name": "a", "attrs": {"act_type": 3},
            "inputs": [[0, 0, 0]]}], None, "node 'a': attribute 'act_type' must be a string"),
    ([VAR, {"op": "Activation", "name": "a", "inputs": [[0, 0, 0]]}], None,
     "node 'a'.*required attribute 'act_type'"),
    ([VAR, {"op": "relu", "name": "r", "inputs": [[0, 3, 0]]}], None,
     "node 'r'.*output 3 of 'x'"),
    ([VAR, {"op": "relu", "name": "r", "inputs": "x"}], None, "node 'r': 'inputs'"),
    ([VAR], [[5, 0, 0]], "bad head entry"),
    ([{"op": "null", "inputs": []}], None, "node 0 has no name"),
])
def test_corrupt_json_names_the_node(nodes, heads, match):
    with pytest.raises(MXNetError, match=match):
        mx.sym.load_json(_graph(nodes, heads))


def test_not_json_at_all():
    for text in ("{", "[]", '{"nodes": 3}', "null"):
        with pytest.raises(MXNetError, match="Symbol JSON"):
            mx.sym.load_json(text)


# ---- shapes and types --------------------------------------------------------------------
def test_infer_shape_partial_unknown_and_errors():
    data = mx.sym.var("data")
    prev = mx.sym.var("prev")
    out = mx.sym.FullyConnected(data, num_hidden=8, name="x2h") + \
        mx.sym.FullyConnected(prev, num_hidden=8, name="h2h")
    with pytest.warns(UserWarning, match="Cannot decide shape"):
        assert out.infer_shape(data=(4, 3)) == (None, None, None)
    arg, _, _ = out.infer_shape_partial(data=(4, 3))
    d = dict(zip(out.list_arguments(), arg, strict=False))
    assert d["x2h_weight"] == (8, 3) and d["h2h_weight"] == ()
    arg, outs, _ = out.infer_shape(data=(4, 3), prev=(4, 5))
    assert dict(zip(out.list_arguments(), arg, strict=False))["h2h_weight"] == (8, 5)
    assert outs == [(4, 8)]
    with pytest.raises(MXNetError):
        out.infer_shape(data=(4, 3), prev=(4, 5), x2h_weight=(7, 3))
    # unknown dimensions (0) propagate
    _, outs, _ = mx.sym.dot(mx.sym.var("a"), mx.sym.var("b")).infer_shape_partial(
        a=(0, 3, 4), b=(4, 5))
    assert outs == [(0, 3, 5)]
    a, outs, _ = (mx.sym.var("p", shape=(0, 10)) + mx.sym.var("q", shape=(12, 0))).infer_shape()
    assert a == [(12, 10), (12, 10)] and outs == [(12, 10)]
    t, o, _ = mx.sym.Cast(mx.sym.var("c"), dtype="float16").infer_type(c="float32")
    assert t == [np.float32] and o == [np.float16]


# ---- executor ----------------------------------------------------------------------------
def test_executor_gradients_against_torch():
    x, w, b = mx.sym.var("x"), mx.sym.var("w"), mx.sym.var("b")
    y = mx.sym.FullyConnected(x, w, b, num_hidden=3)
    out = mx.sym.Group([mx.sym.tanh(y) * 2, mx.sym.sum(mx.sym.square(y), axis=1)])
    vals = {"x": rand(4, 5), "w": rand(3, 5, seed=1), "b": rand(3, seed=2)}
    args = {k: nd.array(v) for k, v in vals.items()}
    grads = {k: nd.zeros(v.shape) for k, v in vals.items()}
    exe = out.bind(mx.cpu(), args, args_grad=grads)
    heads = [rand(4, 3, seed=3), rand(4, seed=4)]
    o = exe.forward(is_train=True)
    exe.backward([nd.array(h) for h in heads])
    tx = {k: torch.tensor(v, requires_grad=True) for k, v in vals.items()}
    ty = tx["x"] @ tx["w"].T + tx["b"]
    t_out = [torch.tanh(ty) * 2, (ty * ty).sum(1)]
    torch.autograd.backward(t_out, [torch.tensor(h) for h in heads])
    for mine, ref in zip(o, t_out, strict=False):
        np.testing.assert_allclose(mine.asnumpy(), ref.detach().numpy(), rtol=1e-5, atol=1e-6)
    for k in vals:
        np.testing.assert_allclose(grads[k].asnumpy(), tx[k].grad.numpy(), rtol=1e-5,
                                   atol=1e-6)
    # grad_req='add' accumulates; 'null' leaves the array alone
    exe2 = out.bind(mx.cpu(), args, args_grad={k: nd.ones(v.shape) for k, v in vals.items()},
                    grad_req={"x": "add", "w": "null", "b": "write"})
    exe2.forward(is_train=True)
    exe2.backward([nd.array(h) for h in heads])
    np.testing.assert_allclose(exe2.grad_dict["x"].asnumpy(), tx["x"].grad.numpy() + 1,
                               rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(exe2.grad_dict["w"].asnumpy(), np.ones((3, 5)))


def test_executor_gradient_matches_finite_differences():
    x = mx.sym.var("x")
    y = mx.sym.sum(mx.sym.sigmoid(x) * mx.sym.sin(x))
    v = rand(3, 2).astype("float64")
    exe = y.bind(mx.cpu(), {"x": nd.array(v, dtype="float64")},
                 args_grad={"x": nd.zeros((3, 2), dtype="float64")})
    exe.forward(is_train=True)
    exe.backward()
    f = lambda a: float(np.sum(1 / (1 + np.exp(-a)) * np.sin(a)))  # noqa: E731
    num = np.zeros_like(v)
    for i in np.ndindex(v.shape):
        e = np.zeros_like(v)
        e[i] = 1e-6
        num[i] = (f(v + e) - f(v - e)) / 2e-6
    np.testing.assert_allclose(exe.grad_dict["x"].asnumpy(), num, rtol=1e-6, atol=1e-8)


def test_simple_bind_copy_params_reshape_eval_and_monitor():
    x = mx.sym.var("x")
    fc = mx.sym.FullyConnected(x, num_hidden=4, name="fc")
    out = mx.sym.BatchNorm(fc, name="bn", fix_gamma=False)
    exe = out.simple_bind(mx.cpu(), x=(5, 3), grad_req="null")
    assert [a.shape for a in exe.arg_arrays] == [(5, 3), (4, 3), (4,), (4,), (4,)]
    assert [a.shape for a in exe.aux_arrays] == [(4,), (4,)]
    assert exe.outputs[0].shape == (5, 4)  # allocated at bind time
    params = {"fc_weight": nd.array(rand(4, 3)), "fc_bias": nd.zeros((4,)),
              "bn_gamma": nd.ones((4,)), "bn_beta": nd.zeros((4,))}
    exe.copy_params_from(params, {"bn_moving_mean": nd.zeros((4,)),
                                  "bn_moving_var": nd.ones((4,))})
    with pytest.raises(ValueError, match="not in the arguments"):
        exe.copy_params_from({"nope": nd.zeros((1,))})
    xv = rand(5, 3, seed=5)
    o = exe.forward(x=nd.array(xv))[0].asnumpy()
    ref = xv @ params["fc_weight"].asnumpy().T / np.sqrt(1 + 1e-3)
    np.testing.assert_allclose(o, ref, rtol=1e-5, atol=1e-6)
    small = exe.reshape(x=(2, 3))
    small.forward()
    np.testing.assert_allclose(exe.outputs[0].asnumpy()[:2], ref[:2], rtol=1e-5, atol=1e-6)
    with pytest.raises(AssertionError, match="larger than original"):
        exe.reshape(x=(9, 3))
    seen = []
    exe.set_monitor_callback(lambda name, arr: seen.append(name))
    exe.forward()
    assert seen == ["fc_output", "bn_output"]
    got = fc.eval(ctx=mx.cpu(), x=nd.array(xv), fc_weight=params["fc_weight"],
                  fc_bias=params["fc_bias"])
    np.testing.assert_allclose(got[0].asnumpy(), xv @ params["fc_weight"].asnumpy().T,
                               rtol=1e-5, atol=1e-6)
    with pytest.raises(ValueError, match="missing"):
        fc.bind(mx.cpu(), {"x": nd.array(xv)})


def test_unsupported_op_in_graph_is_a_clear_error():
    sym = mx.sym.load_json(_graph([VAR, {"op": "_cvimresize", "name": "rs",
                                         "attrs": {"w": "2", "h": "2"},
                                         "inputs": [[0, 0, 0]]}]))
    with pytest.raises(MXNetError, match="node 'rs'.*_cvimresize"):
        sym.bind(mx.cpu(), {"x": nd.ones((2, 2, 3))})


# ---- Gluon's symbolic side ---------------------------------------------------------------
def test_gluon_blocks_on_symbols_and_export_rules(tmp_path):
    from mxcompat.gluon import nn
    with mx.name.NameManager():
        net = nn.HybridSequential(prefix="net_")
        with net.name_scope():
            net.add(nn.Dense(3, in_units=2), nn.Activation("relu"))
    net.initialize()
    out = net(mx.sym.var("data"))
    assert isinstance(out, mx.sym.Symbol)
    assert out.list_arguments() == ["data", "net_dense0_weight", "net_dense0_bias"]
    assert out.name == "net_relu0_fwd"
    v = net[0].weight.var()
    assert v is net[0].weight.var() and v.attr("__shape__") == "(3, 2)"
    with pytest.raises(RuntimeError, match="hybridize"):
        net.export(str(tmp_path / "m"))
    net.hybridize()
    x = nd.array(rand(4, 2))
    want = net(x).asnumpy()
    net.export(str(tmp_path / "m"), epoch=7)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m-0007.params", "m-symbol.json"]
    assert sorted(nd.load(str(tmp_path / "m-0007.params"))) == [
        "arg:net_dense0_bias", "arg:net_dense0_weight"]
    blk = mx.gluon.SymbolBlock.imports(str(tmp_path / "m-symbol.json"), "data",
                                       str(tmp_path / "m-0007.params"))
    np.testing.assert_allclose(blk(x).asnumpy(), want, rtol=1e-6)
    # a SymbolBlock trains like any block
    with mx.autograd.record():
        loss = blk(x).sum()
    loss.backward()
    g = blk.collect_params()["net_dense0_bias"].grad().asnumpy()
    np.testing.assert_allclose(g, (want > 0).sum(0).astype("float32"))
    # and composes on Symbols
    assert blk(mx.sym.var("z")).list_arguments()[0] == "z"


def test_symbolblock_from_symbols_defers_init():
    data = mx.sym.var("data")
    out = mx.sym.FullyConnected(data, num_hidden=5, name="fc")
    blk = mx.gluon.SymbolBlock(out, data)
    blk.initialize()
    y = blk(nd.ones((2, 7)))
    assert y.shape == (2, 5)
    assert blk.collect_params()["fc_weight"].shape == (5, 7)


# ---- torch.fx conversion and the CLI ------------------------------------------------------
def test_fx_matches_executor_and_exports():
    x = mx.sym.var("x")
    h = mx.sym.Convolution(x, kernel=(3, 3), num_filter=4, pad=(1, 1), name="c")
    h = mx.sym.Pooling(mx.sym.relu(h), kernel=(2, 2), stride=(2, 2), pool_type="max")
    sp = mx.sym.split(mx.sym.flatten(h), num_outputs=2, axis=1)
    out = mx.sym.Group([sp[0] * 3 + 1, mx.sym.softmax(sp[1])])
    vals = {"x": rand(2, 3, 6, 6), "c_weight": rand(4, 3, 3, 3, seed=1),
            "c_bias": rand(4, seed=2)}
    exe = out.bind(mx.cpu(), {k: nd.array(v) for k, v in vals.items()})
    want = [o.asnumpy() for o in exe.forward()]
    gm = mx.sym.fx.to_fx(out, {k: nd.array(v) for k, v in vals.items() if k != "x"})
    assert gm.mx_input_names == ["x"]
    got = gm(torch.from_numpy(vals["x"]))
    for g, w in zip(got, want, strict=False):
        np.testing.assert_allclose(g.detach().numpy(), w, rtol=1e-5, atol=1e-6)
    prog = torch.export.export(gm, (torch.from_numpy(vals["x"]),))
    for g, w in zip(prog.module()(torch.from_numpy(vals["x"])), want, strict=False):
        np.testing.assert_allclose(g.detach().numpy(), w, rtol=1e-5, atol=1e-6)
    with pytest.raises(MXNetError, match="no value for c_bias"):
        mx.sym.fx.to_fx(out, {"c_weight": nd.ones((4, 3, 3, 3))}, data_names=["x"])


def test_cli_convert_exported_model(tmp_path):
    m = GOLDEN["models"]["cnn_gluon"]
    x = np.array(m["inputs"]["data"]["data"], dtype="float32").reshape(
        m["inputs"]["data"]["shape"])
    want = np.array(m["outputs"][0]["data"]).reshape(m["outputs"][0]["shape"])
    sym, params = str(FIX / "cnn_gluon-symbol.json"), str(FIX / "cnn_gluon-0000.params")
    cmd = [sys.executable, "-m", "mxcompat", "convert"]
    r = subprocess.run(cmd + [sym, params, str(tmp_path / "m.pt")], capture_output=True,
                       text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    gm = torch.load(str(tmp_path / "m.pt"), weights_only=False)
    np.testing.assert_allclose(gm(torch.from_numpy(x)).detach().numpy(), want, rtol=1e-5,
                               atol=1e-5)
    r = subprocess.run(cmd + [sym, params, str(tmp_path / "m.pt2")], capture_output=True,
                       text=True, timeout=300)
    assert r.returncode != 0 and "--input" in r.stderr
    r = subprocess.run(cmd + [sym, params, str(tmp_path / "m.pt2"), "--input",
                              "data:" + ",".join(map(str, x.shape))],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    prog = torch.export.load(str(tmp_path / "m.pt2"))
    np.testing.assert_allclose(prog.module()(torch.from_numpy(x)).detach().numpy(), want,
                               rtol=1e-5, atol=1e-5)


def test_hidden_attribute_keywords_on_op_composers():
    # MXNet's symbol creation turns lr_mult= / wd_mult= / ctx_group= on an op into the hidden
    # attribute (listed under both names, as MXNet 1.9.1's test_attr.py expects) and refuses
    # the old per-input form with its deprecation message
    data = mx.sym.Variable("data")
    fc = mx.sym.FullyConnected(data=data, name="fc1", num_hidden=4, lr_mult=0, wd_mult=0.5)
    assert fc.attr("lr_mult") == "0" and fc.attr("__lr_mult__") == "0"
    assert fc.attr_dict()["fc1"]["__wd_mult__"] == "0.5"
    with pytest.raises(MXNetError, match="setting variable attributes with fc1_lr_mult is "
                       "deprecated"):
        mx.sym.FullyConnected(data=data, num_hidden=2, fc1_lr_mult=1)
