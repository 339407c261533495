"""Gluon's core: Parameter / ParameterDict, Block / HybridBlock naming and structure, the
basic layers against NumPy, deferred initialization, save/load (structural and prefixed
names, the checks that keep a failed load from changing anything), hooks and hybridize.
MXNet's printed forms and messages are checked against tests/golden/gluon.json where the
recorder has them (see test_gluon_golden.py); here against hand-written expectations."""
from __future__ import annotations

import warnings

import numpy as np
import pytest

import mxcompat as mx
from mxcompat import autograd, gluon, nd
from mxcompat.base import MXNetError
from mxcompat.gluon import nn


@pytest.fixture(autouse=True)
def fresh_names():
    # automatic prefixes count per NameManager: each test starts from dense0, conv0, ...
    with mx.name.NameManager():
        yield


def mlp(**kw):
    net = nn.HybridSequential(**kw)
    with net.name_scope():
        net.add(nn.Dense(8, activation="relu"), nn.Dense(3))
    return net


# ---- naming -----------------------------------------------------------------------------
def test_automatic_prefixes_count_per_class():
    a, b = nn.Dense(2), nn.Dense(2)
    c = nn.Conv2D(2, 3)
    d = nn.MaxPool2D()
    assert (a.prefix, b.prefix, c.prefix, d.prefix) == ("dense0_", "dense1_", "conv0_", "pool0_")
    assert a.name == "dense0" and a.weight.name == "dense0_weight"


def test_name_scope_nests_prefixes_and_restarts_child_counters():
    net = nn.HybridSequential()
    with net.name_scope():
        net.add(nn.Dense(4, activation="tanh"), nn.Dense(2))
        inner = nn.HybridSequential()
        with inner.name_scope():
            inner.add(nn.Conv2D(3, 1))
        net.add(inner)
    net2 = nn.HybridSequential()
    with net2.name_scope():
        net2.add(nn.Dense(1))
    assert list(net.collect_params().keys()) == [
        "hybridsequential0_dense0_weight", "hybridsequential0_dense0_bias",
        "hybridsequential0_dense1_weight", "hybridsequential0_dense1_bias",
        "hybridsequential0_hybridsequential0_conv0_weight",
        "hybridsequential0_hybridsequential0_conv0_bias"]
    assert net[0].act.prefix == "hybridsequential0_dense0_tanh_"
    assert list(net2.collect_params().keys())[0] == "hybridsequential1_dense0_weight"


def test_explicit_prefix_and_name_manager():
    d = nn.Dense(2, prefix="fc_")
    assert d.weight.name == "fc_weight"
    with mx.name.NameManager():
        assert nn.Dense(2).prefix == "dense0_"
    with mx.name.Prefix("net_"):
        assert nn.Dense(2).prefix == "net_dense0_"
    assert mx.name.NameManager().get("given", "hint") == "given"
    blk = nn.Dense(2, prefix="")
    with blk.name_scope():  # an empty prefix adds no scope
        assert nn.Dense(1).prefix == "dense0_"


def test_activation_prefix_is_its_name():
    assert nn.Activation("relu").prefix == "relu0_"
    assert nn.Activation("relu").prefix == "relu1_"


def test_collect_params_select_and_structural_names():
    net = mlp()
    sel = net.collect_params(".*weight")
    assert list(sel.keys()) == ["hybridsequential0_dense0_weight",
                                "hybridsequential0_dense1_weight"]
    assert list(net.collect_params("hybridsequential0_dense1_bias").keys()) == \
        ["hybridsequential0_dense1_bias"]
    assert list(net._collect_params_with_prefix().keys()) == \
        ["0.weight", "0.bias", "1.weight", "1.bias"]


def test_attribute_registration_and_type_change():
    class Net(gluon.Block):
        def __init__(self):
            super().__init__()
            with self.name_scope():
                self.fc = nn.Dense(2)
                self.w = self.params.get("w", shape=(2,))

        def forward(self, x):
            return self.fc(x) + self.w.data()

    net = Net()
    assert list(net._children) == ["fc"]
    assert list(net._reg_params) == ["w"]
    assert list(net.collect_params().keys()) == ["net0_w", "net0_dense0_weight",
                                                 "net0_dense0_bias"]
    with pytest.raises(TypeError):
        net.fc = 3
    with pytest.raises(AssertionError):
        net.w = gluon.Parameter("other", shape=(1,))


def test_hybridblock_children_must_be_hybrid():
    net = nn.HybridSequential()
    with pytest.raises(ValueError, match="Children of HybridBlock must also be HybridBlock"):
        net.add(nn.Lambda(lambda x: x))


def test_unregistered_container_warns():
    class Net(gluon.Block):
        def __init__(self):
            super().__init__()
            self.layers = [nn.Dense(2)]

    with pytest.warns(UserWarning, match="unregistered container with Blocks"):
        Net().collect_params()


# ---- Parameter --------------------------------------------------------------------------
def test_parameter_lifecycle_and_repr():
    p = gluon.Parameter("w", shape=(2, 3), init=mx.init.One())
    assert repr(p) == "Parameter w (shape=(2, 3), dtype=<class 'numpy.float32'>)"
    with pytest.raises(RuntimeError, match="Parameter 'w' has not been initialized. Note"):
        p.data()
    p.initialize()
    np.testing.assert_array_equal(p.data().asnumpy(), np.ones((2, 3), np.float32))
    np.testing.assert_array_equal(p.grad().asnumpy(), np.zeros((2, 3), np.float32))
    assert p.list_ctx() == [mx.cpu(0)]
    assert p.data() is p.list_data()[0] and p.grad() is p.list_grad()[0]
    with pytest.warns(UserWarning, match="Parameter 'w' is already initialized, ignoring. Set "
                                         "force_reinit=True to re-initialize."):
        p.initialize()
    p.initialize(init=mx.init.Zero(), force_reinit=True)
    assert p.data().asnumpy().sum() == 0
    p.set_data(nd.full((2, 3), 5))
    assert p.data().asnumpy().mean() == 5
    with pytest.raises(AssertionError, match="Expected shape"):
        p.set_data(nd.ones((3, 2)))


def test_parameter_several_contexts():
    p = gluon.Parameter("w", shape=(3,), init=mx.init.Uniform())
    p.initialize(ctx=[mx.cpu(0), mx.cpu(1)])
    assert p.list_ctx() == [mx.cpu(0), mx.cpu(1)]
    a, b = p.data(mx.cpu(0)), p.data(mx.cpu(1))
    assert a.context == mx.cpu(0) and b.context == mx.cpu(1)
    np.testing.assert_array_equal(a.asnumpy(), b.asnumpy())
    assert a is not b
    with mx.cpu(1):
        assert p.data() is b
    with pytest.raises(RuntimeError, match=r"was not initialized on context cpu\(2\)"):
        p.data(mx.cpu(2))
    b[:] = b + 2
    np.testing.assert_allclose(p._reduce().asnumpy(), a.asnumpy() + 1, rtol=1e-6)
    p.reset_ctx(mx.cpu(0))
    assert p.list_ctx() == [mx.cpu(0)]
    np.testing.assert_allclose(p.data().asnumpy(), a.asnumpy() + 1, rtol=1e-6)


def test_grad_req_write_add_null():
    p = gluon.Parameter("w", shape=(2,), init=mx.init.One())
    p.initialize()
    x = nd.array([1.0, 2.0])
    for _ in range(2):
        with autograd.record():
            y = (p.data() * x).sum()
        y.backward()
    np.testing.assert_array_equal(p.grad().asnumpy(), [1, 2])  # written, not added
    p.grad_req = "add"
    for _ in range(2):
        with autograd.record():
            y = (p.data() * x).sum()
        y.backward()
    # switching grad_req makes fresh (zero) gradient buffers, then two steps add up
    np.testing.assert_array_equal(p.grad().asnumpy(), [2, 4])
    p.zero_grad()
    np.testing.assert_array_equal(p.grad().asnumpy(), [0, 0])
    p.grad_req = "null"
    with pytest.raises(RuntimeError, match="because grad_req='null'"):
        p.grad()
    with pytest.raises(AssertionError, match="grad_req must be one of"):
        p.grad_req = "sometimes"
    p.grad_req = "write"
    assert p.grad().asnumpy().sum() == 0


def test_lr_wd_mult_and_setattr():
    net = mlp()
    params = net.collect_params()
    params.setattr("lr_mult", 0.5)
    assert all(p.lr_mult == 0.5 for p in params.values())
    net[0].weight.wd_mult = 0.0
    assert net[0].weight.wd_mult == 0.0 and net[0].bias.wd_mult == 1.0


def test_cast_parameter_and_block():
    net = mlp()
    net.initialize()
    net(nd.ones((1, 4)))
    net.cast("float64")
    assert all(p.data().dtype == np.float64 for p in net.collect_params().values())
    out = net(nd.ones((1, 4), dtype="float64"))
    assert out.dtype == np.float64
    with autograd.record():
        out = net(nd.ones((1, 4), dtype="float64"))
    out.backward()
    assert net[0].weight.grad().dtype == np.float64


def test_constant():
    c = gluon.Constant("c", [[1, 2], [3, 4]])
    assert repr(c) == "Constant c (shape=(2, 2), dtype=<class 'numpy.float32'>)"
    c.initialize()
    np.testing.assert_array_equal(c.data().asnumpy(), [[1, 2], [3, 4]])
    assert c.grad_req == "null"
    with pytest.warns(UserWarning, match="does not support grad_req other than"):
        c.grad_req = "write"
    pd = gluon.ParameterDict("b_")
    k = pd.get_constant("k", [1.0, 2.0])
    assert k.name == "b_k" and pd.get_constant("k") is k
    with pytest.raises(KeyError, match="No constant named 'b_z'"):
        pd.get_constant("z")


def test_parameter_dict_get_sharing_and_update():
    pd = gluon.ParameterDict("net_")
    w = pd.get("w", shape=(2, 0), allow_deferred_init=True)
    assert pd.get("w", shape=(2, 5)) is w and w.shape == (2, 5)
    with pytest.raises(AssertionError, match="desired attribute does not match"):
        pd.get("w", shape=(3, 5))
    shared = gluon.ParameterDict("net_", shared=pd)
    assert shared.get("w") is w
    other = gluon.ParameterDict("net_")
    other.get("w", shape=(2, 5))
    with pytest.raises(AssertionError, match="different Parameters with the same name"):
        pd.update(other)
    assert repr(gluon.ParameterDict("x_")) == "x_ (\n\n)"


def test_params_sharing_between_blocks():
    a = nn.Dense(3, in_units=2)
    b = nn.Dense(3, in_units=2, params=a.collect_params())
    assert b.weight is a.weight and b.bias is a.bias
    a.initialize()
    x = nd.ones((1, 2))
    np.testing.assert_array_equal(a(x).asnumpy(), b(x).asnumpy())


def test_share_parameters_extension():
    a, b = mlp(), mlp()
    a.initialize()
    b.share_parameters(a._collect_params_with_prefix())
    assert b[0].weight is a[0].weight
    x = nd.ones((2, 4))
    np.testing.assert_array_equal(a(x).asnumpy(), b(x).asnumpy())


# ---- deferred initialization -----------------------------------------------------------
def test_deferred_init_infers_shapes():
    net = nn.HybridSequential()
    with net.name_scope():
        net.add(nn.Conv2D(4, 3), nn.BatchNorm(), nn.Dense(5), nn.LayerNorm(),
                nn.Conv2DTranspose(2, 2, strides=2))
    net.initialize()
    w = net[0].weight
    with pytest.raises(gluon.DeferredInitializationError,
                       match="initialization was deferred. Actual initialization happens"):
        w.data()
    assert w.list_ctx() == [mx.cpu(0)]
    net[:4](nd.ones((2, 3, 6, 6)))
    assert w.shape == (4, 3, 3, 3)
    assert net[1].gamma.shape == (4,)
    assert net[2].weight.shape == (5, 64)
    assert net[3].gamma.shape == (5,)
    net[4](nd.ones((2, 7, 3, 3)))
    assert net[4].weight.shape == (7, 2, 2, 2)


def test_deferred_init_custom_block_and_nhwc():
    class Scale(gluon.HybridBlock):
        def __init__(self, **kw):
            super().__init__(**kw)
            with self.name_scope():
                self.weight = self.params.get("weight", shape=(6, 0),
                                              allow_deferred_init=True)

        def hybrid_forward(self, F, x, weight):
            return F.FullyConnected(x, weight, num_hidden=6, no_bias=True, flatten=False)

    s = Scale()
    s.initialize(mx.init.One())
    out = s(nd.ones((2, 3, 4)))
    assert s.weight.shape == (6, 4) and out.shape == (2, 3, 6)
    np.testing.assert_array_equal(out.asnumpy(), np.full((2, 3, 6), 4.0))
    # channel-last layouts: the weight shape MXNet declares (mx.nd's Convolution runs
    # channel-first layouts only, as MXNet's CPU build)
    assert nn.Conv2D(5, (3, 2), layout="NHWC", in_channels=3).weight.shape == (5, 3, 2, 3)
    assert nn.Conv2D(5, (3, 2), layout="NHWC").weight.shape == (5, 3, 2, 0)
    assert nn.Conv2DTranspose(4, 3, layout="NHWC", in_channels=6, groups=2).weight.shape == \
        (6, 3, 3, 2)


def test_deferred_init_unknown_shape_errors():
    class Bad(gluon.HybridBlock):
        def __init__(self):
            super().__init__()
            self.w = self.params.get("w", shape=(0,), allow_deferred_init=True)

        def hybrid_forward(self, F, x, w):
            return F.broadcast_add(x, w)

    b = Bad()
    b.initialize()
    with pytest.raises(ValueError, match="Deferred initialization failed because shape cannot "
                                         "be inferred"):
        b(nd.ones((2, 2)))
    p = gluon.Parameter("q", shape=(0, 2))
    with pytest.raises(ValueError, match=r"Cannot initialize Parameter 'q' because it has "
                                         r"invalid shape: \(0, 2\)\."):
        p.initialize()


# ---- layers against NumPy ---------------------------------------------------------------
def test_dense_forward_backward_against_numpy():
    rng = np.random.RandomState(0)
    x = rng.randn(4, 2, 3).astype(np.float32)
    d = nn.Dense(5, in_units=6, activation="tanh")
    d.initialize(mx.init.Normal(0.5))
    w, b = d.weight.data().asnumpy(), d.bias.data().asnumpy()
    assert b.sum() == 0  # bias_initializer='zeros' wins over the global initializer
    d.bias.set_data(nd.array(rng.randn(5)))
    b = d.bias.data().asnumpy()
    xa = nd.array(x)
    with autograd.record():
        y = d(xa)
    y.backward()
    pre = x.reshape(4, 6) @ w.T + b
    np.testing.assert_allclose(y.asnumpy(), np.tanh(pre), rtol=1e-5, atol=1e-6)
    g = 1 - np.tanh(pre) ** 2
    np.testing.assert_allclose(d.weight.grad().asnumpy(), g.T @ x.reshape(4, 6), rtol=1e-4,
                               atol=1e-5)
    np.testing.assert_allclose(d.bias.grad().asnumpy(), g.sum(0), rtol=1e-5, atol=1e-6)
    nf = nn.Dense(5, flatten=False, use_bias=False, in_units=3)
    nf.initialize()
    np.testing.assert_allclose(nf(xa).asnumpy(), x @ nf.weight.data().asnumpy().T,
                               rtol=1e-5, atol=1e-6)


def test_dropout_flatten_activation_lambda():
    x = nd.ones((4, 50))
    drop = nn.Dropout(0.5)
    np.testing.assert_array_equal(drop(x).asnumpy(), x.asnumpy())  # predict mode: identity
    with autograd.train_mode():
        y = drop(x).asnumpy()
    assert set(np.unique(y)) <= {0.0, 2.0} and 0 < (y == 0).mean() < 1
    with autograd.train_mode():
        shared = nn.Dropout(0.5, axes=(1,))(x).asnumpy()
    assert all(len(set(row)) == 1 for row in shared)  # one mask value per row
    assert nn.Flatten()(nd.ones((2, 3, 4))).shape == (2, 12)
    np.testing.assert_allclose(nn.Activation("sigmoid")(nd.zeros((2,))).asnumpy(), [0.5, 0.5])
    np.testing.assert_allclose(nn.Lambda("exp")(nd.zeros((1,))).asnumpy(), [1.0])
    np.testing.assert_allclose(nn.HybridLambda(lambda F, x: F.relu(x))(nd.array([-1, 2]))
                               .asnumpy(), [0, 2])
    with pytest.raises(AssertionError, match="Function name nope is not found in ndarray."):
        nn.Lambda("nope")


def test_sequential_indexing_len_and_repr():
    net = nn.Sequential()
    with net.name_scope():
        net.add(nn.Dense(3, activation="relu"), nn.Dropout(0.25), nn.Dense(2, in_units=3))
    assert len(net) == 3 and isinstance(net[1], nn.Dropout)
    sub = net[1:]
    assert isinstance(sub, nn.Sequential) and len(sub) == 2 and sub.prefix == net.prefix
    assert repr(net) == ("Sequential(\n  (0): Dense(None -> 3, Activation(relu))\n"
                         "  (1): Dropout(p = 0.25, axes=())\n  (2): Dense(3 -> 2, linear)\n)")


def test_custom_block_repr_lists_attribute_children():
    class Net(gluon.HybridBlock):
        def __init__(self):
            super().__init__()
            with self.name_scope():
                self.body = nn.HybridSequential()
                self.body.add(nn.Dense(2))
                self.out = nn.Flatten()

        def hybrid_forward(self, F, x):
            return self.out(self.body(x))

    assert repr(Net()) == ("Net(\n  (body): HybridSequential(\n    (0): Dense(None -> 2, "
                           "linear)\n  )\n  (out): Flatten\n)")


# ---- hooks, apply, hybridize ------------------------------------------------------------
def test_forward_hooks_and_apply():
    net = mlp()
    net.initialize()
    seen = []
    h1 = net[0].register_forward_pre_hook(lambda blk, inp: seen.append(("pre", blk.name)))
    h2 = net[0].register_forward_hook(
        lambda blk, inp, out: seen.append(("post", blk.name, out.shape)))
    net(nd.ones((2, 4)))
    assert seen == [("pre", "hybridsequential0_dense0"),
                    ("post", "hybridsequential0_dense0", (2, 8))]
    h1.detach()
    with h2:
        pass
    net(nd.ones((2, 4)))
    assert len(seen) == 2
    names = []
    net.apply(lambda b: names.append(b.name))
    assert names == ["hybridsequential0_dense0_relu", "hybridsequential0_dense0",
                     "hybridsequential0_dense1", "hybridsequential0"]


def test_hybridize_accepts_mxnet_arguments_and_keeps_results():
    net = mlp()
    net.initialize()
    x = nd.random.uniform(shape=(3, 4))
    eager = net(x).asnumpy()
    net.hybridize(static_alloc=True, static_shape=True, inline_limit=4, forward_bulk_size=8,
                  backward_bulk_size=8)
    assert net._active and net[0]._active
    np.testing.assert_array_equal(net(x).asnumpy(), eager)
    net.hybridize(False)
    assert not net[0]._active
    # as in MXNet, hybridize(False) drops the cached graph that export() writes
    with pytest.raises(RuntimeError, match="run forward with this block at least once"):
        net.export("/tmp/never")
    assert net[0].weight.var().name == net[0].weight.name


def test_hybridize_warns_with_hooks():
    d = nn.Dense(2)
    d.register_forward_hook(lambda *a: None)
    with pytest.warns(UserWarning, match="is being hybridized while still having forward hook"):
        d.hybridize()


def test_summary_prints_mxnet_table(capsys):
    net = mlp()
    net.initialize()
    net(nd.ones((2, 4)))  # (the deferred-init pass would show in the table, as in MXNet)
    net.summary(nd.ones((2, 4)))
    out = capsys.readouterr().out.splitlines()
    assert out[1] == f"{'Layer (type)':>20}  {'Output Shape':>42} {'Param #':>15}"
    assert out[3] == f"{'Input':>20}  {'(2, 4)':>42} {0:>15}"
    assert out[4] == f"{'Activation-1':>20}  {'(2, 8)':>42} {0:>15}"
    assert out[5] == f"{'Dense-2':>20}  {'(2, 8)':>42} {40:>15}"
    assert out[6] == f"{'Dense-3':>20}  {'(2, 3)':>42} {27:>15}"
    assert "   Total params: 67" in out


def test_hybridblock_needs_an_ndarray():
    d = nn.Dense(2)
    with pytest.raises(ValueError, match="there must be one NDArray or one Symbol"):
        d([1, 2])


# ---- save / load ------------------------------------------------------------------------
def test_save_load_structural_round_trip(tmp_path):
    net = mlp()
    net.initialize()
    x = nd.random.uniform(shape=(2, 4))
    y = net(x)
    f = str(tmp_path / "net.params")
    net.save_parameters(f)
    assert sorted(nd.load(f)) == ["0.bias", "0.weight", "1.bias", "1.weight"]
    other = mlp()  # another prefix: structural names still match
    other.load_parameters(f)
    np.testing.assert_array_equal(other(x).asnumpy(), y.asnumpy())
    other.load_parameters(f, ctx=mx.cpu(0))


def test_save_params_legacy_names(tmp_path):
    net = mlp()
    net.initialize()
    net(nd.ones((1, 4)))
    f = str(tmp_path / "legacy.params")
    with pytest.warns(UserWarning, match="save_params is deprecated"):
        net.save_params(f)
    assert sorted(nd.load(f)) == ["dense0_bias", "dense0_weight", "dense1_bias",
                                  "dense1_weight"]
    other = mlp()
    with pytest.warns(UserWarning, match="load_params is deprecated"):
        other.load_params(f)
    x = nd.ones((1, 4))
    np.testing.assert_array_equal(other(x).asnumpy(), net(x).asnumpy())
    third = mlp()
    third.load_parameters(f)  # prefixed names go through collect_params().load
    np.testing.assert_array_equal(third(x).asnumpy(), net(x).asnumpy())


def test_collect_params_save_load_with_prefixes(tmp_path):
    net = mlp()
    net.initialize()
    net(nd.ones((1, 4)))
    f = str(tmp_path / "pd.params")
    net.collect_params().save(f)
    assert "hybridsequential0_dense0_weight" in nd.load(f)
    net.collect_params().load(f)
    with pytest.raises(ValueError, match="Prefix 'zz_' is to be striped before saving"):
        net.collect_params().save(f, strip_prefix="zz_")


def _weights(net):
    return {k: v.data().asnumpy().copy() for k, v in net._collect_params_with_prefix().items()}


def test_load_errors_change_nothing(tmp_path):
    net = mlp()
    net.initialize()
    net(nd.ones((1, 4)))
    f = str(tmp_path / "a.params")
    net.save_parameters(f)
    bigger = nn.HybridSequential()
    with bigger.name_scope():
        bigger.add(nn.Dense(8, in_units=4), nn.Dense(3, in_units=8), nn.Dense(2, in_units=3))
    bigger.initialize()
    before = _weights(bigger)
    with pytest.raises(AssertionError, match="Parameter '2.weight' is missing in file"):
        bigger.load_parameters(f)
    assert all((before[k] == v).all() for k, v in _weights(bigger).items())
    bigger.load_parameters(f, allow_missing=True)
    np.testing.assert_array_equal(bigger[1].weight.data().asnumpy(),
                                  net[1].weight.data().asnumpy())
    small = nn.HybridSequential()
    with small.name_scope():
        small.add(nn.Dense(8, in_units=4))
    small.initialize()
    before = _weights(small)
    with pytest.raises(ValueError, match="Parameter '1.weight' loaded from file .* is not "
                                         "present in ParameterDict"):
        small.load_parameters(f)
    assert all((before[k] == v).all() for k, v in _weights(small).items())
    small.load_parameters(f, ignore_extra=True)
    # a shape mismatch, found after a loadable parameter: still nothing is loaded
    wrong = nn.HybridSequential()
    with wrong.name_scope():
        wrong.add(nn.Dense(8, in_units=4), nn.Dense(5, in_units=8))
    wrong.initialize()
    before = _weights(wrong)
    with pytest.raises(AssertionError, match=r"Failed loading Parameter 'hybridsequential3_"
                                             r"dense1_weight' from saved params: shape "
                                             r"incompatible expected \(5, 8\) vs saved "
                                             r"\(3, 8\)"):
        wrong.load_parameters(f)
    assert all((before[k] == v).all() for k, v in _weights(wrong).items())


def test_load_dtype_rules(tmp_path):
    net = mlp()
    net.initialize()
    net(nd.ones((1, 4)))
    f = str(tmp_path / "d.params")
    net.save_parameters(f)
    n16 = mlp()
    n16.initialize()
    n16(nd.ones((1, 4)))
    n16.cast("float16")
    with pytest.raises(AssertionError, match="dtype incompatible expected float16 vs saved "
                                             "<class 'numpy.float32'>. Set cast_dtype=True"):
        n16.load_parameters(f)
    n16.load_parameters(f, cast_dtype=True)
    assert n16[0].weight.data().dtype == np.float16
    n16.load_parameters(f, cast_dtype=True, dtype_source="saved")
    assert n16[0].weight.data().dtype == np.float32


def test_load_into_deferred_block(tmp_path):
    net = mlp()
    net.initialize()
    x = nd.ones((2, 4))
    y = net(x)
    f = str(tmp_path / "n.params")
    net.save_parameters(f)
    fresh = mlp()
    fresh.load_parameters(f)  # never initialized: loading initializes on cpu(0)
    assert fresh[0].weight.shape == (8, 4)
    np.testing.assert_array_equal(fresh(x).asnumpy(), y.asnumpy())


def test_save_is_atomic_and_loads_list_file_error(tmp_path):
    f = str(tmp_path / "list.params")
    nd.save(f, [nd.ones((1,))])
    with pytest.raises(MXNetError, match="list of arrays"):
        mlp().load_parameters(f)


def test_deduplicate_shared_parameters(tmp_path):
    class Twice(gluon.HybridBlock):
        def __init__(self):
            super().__init__()
            with self.name_scope():
                self.a = nn.Dense(2, in_units=2)
                self.b = nn.Dense(2, in_units=2, params=self.a.params)

        def hybrid_forward(self, F, x):
            return self.b(self.a(x))

    t = Twice()
    t.initialize()
    f = str(tmp_path / "t.params")
    t.save_parameters(f, deduplicate=True)
    assert len(nd.load(f)) == 2
    t2 = Twice()
    t2.load_parameters(f)
    x = nd.ones((1, 2))
    np.testing.assert_array_equal(t2(x).asnumpy(), t(x).asnumpy())


def test_multi_context_block_forward():
    net = mlp()
    net.initialize(ctx=[mx.cpu(0), mx.cpu(1)])
    x0 = nd.ones((2, 4), ctx=mx.cpu(0))
    x1 = nd.ones((2, 4), ctx=mx.cpu(1))
    with autograd.record():
        y0, y1 = net(x0), net(x1)
    autograd.backward([y0, y1])
    assert y1.context == mx.cpu(1)
    np.testing.assert_array_equal(y0.asnumpy(), y1.asnumpy())
    g = net[0].weight.list_grad()
    np.testing.assert_array_equal(g[0].asnumpy(), g[1].asnumpy())
    assert g[1].context == mx.cpu(1)


def test_block_zero_grad_extension():
    net = mlp()
    net.initialize()
    with autograd.record():
        y = net(nd.ones((1, 4))).sum()
    y.backward()
    net.zero_grad()
    assert all(p.grad().asnumpy().sum() == 0 for p in net.collect_params().values())


def test_forward_does_not_warn():
    net = mlp()
    net.initialize()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = net(nd.ones((1, 4)))
    assert out.shape == (1, 3)


def test_hybridized_input_checks():
    class Add(gluon.HybridBlock):
        def hybrid_forward(self, F, a, b=None):
            return a if b is None else a + b

    f = Add()
    np.testing.assert_array_equal(f(nd.ones((2,)), 1).asnumpy(), [2, 2])  # eager: scalars ok
    f.hybridize()
    with pytest.raises(ValueError, match="must be \\(nested\\) list of Symbol or NDArray"):
        f(nd.ones((2,)), 1)
    g = Add()
    g.hybridize()
    g(nd.ones((2,)))
    g(nd.ones((2,)), None)  # a trailing None (a default) matches the first call
    with pytest.raises(ValueError, match="argument structure of HybridBlock does not match"):
        g(nd.ones((2,)), nd.ones((2,)))
    h = Add()
    h.hybridize()
    with pytest.raises(ValueError, match="Find multiple contexts in the input"):
        h(nd.ones((2,), ctx=mx.cpu(0)), nd.ones((2,), ctx=mx.cpu(1)))


def test_embedding_sparse_grad_is_row_sparse():
    emb = nn.Embedding(10, 3, sparse_grad=True)
    emb.initialize()
    with autograd.record():
        y = emb(nd.array([1, 4, 4]))
    y.backward()
    g = emb.weight.grad()
    assert g.stype == "row_sparse"
    np.testing.assert_array_equal(g.indices.asnumpy(), [1, 4])
    np.testing.assert_array_equal(g.data.asnumpy(), [[1, 1, 1], [2, 2, 2]])
    assert repr(emb) == "Embedding(10 -> 3, float32)"


def test_hooks_of_children_of_a_hybridized_block_do_not_fire():
    net = mlp()
    net.initialize()
    calls = []
    net[0].register_forward_hook(lambda *a: calls.append("child"))
    net.register_forward_hook(lambda *a: calls.append("top"))
    net(nd.ones((1, 4)))
    assert calls == ["child", "top"]
    calls.clear()
    with pytest.warns(UserWarning, match="is being hybridized while still having"):
        net.hybridize()
    net(nd.ones((1, 4)))
    assert calls == ["top"]  # the child runs inside the graph, as in MXNet's cached op


def test_compiled_mode_plumbing(monkeypatch):
    # torch.compile itself takes minutes on a CPU; here it is replaced by the identity, which
    # checks what mxcompat adds around it (inputs in, arrays out, gradients, fallback)
    import torch
    monkeypatch.setattr(torch, "compile", lambda fn, **kw: fn)
    a, b = mlp(), mlp()
    a.initialize()
    x = nd.random.uniform(shape=(3, 4))
    a(x)
    b.share_parameters(a._collect_params_with_prefix())
    b.hybridize(backend="torch.compile")
    with autograd.record():
        y = b(x)
    y.backward()
    assert b._compiled and not b._compiled.failed
    np.testing.assert_array_equal(y.asnumpy(), a(x).asnumpy())
    assert a[0].weight.grad().asnumpy().any()
    monkeypatch.setenv("MXCOMPAT_HYBRIDIZE", "compile")
    c = mlp()
    c.initialize()
    c.hybridize()
    c(x)
    assert c._compiled
    monkeypatch.setattr(torch, "compile", lambda fn, **kw: (lambda *t: 1 / 0))
    d = mlp()
    d.initialize()
    d.hybridize(backend="torch.compile")
    with pytest.warns(RuntimeWarning, match="could not compile HybridSequential"):
        out = d(x)
    assert out.shape == (3, 3) and d._compiled.failed


def test_unknown_backend_warns_once_and_runs():
    net = mlp()
    net.initialize()
    x = nd.ones((1, 4))
    ref = net(x).asnumpy()
    net.hybridize(backend="MKLDNN_QUANTIZE")
    with pytest.warns(UserWarning, match="subgraph backends do not exist in mxcompat"):
        out = net(x)
    np.testing.assert_array_equal(out.asnumpy(), ref)


@pytest.mark.slow
def test_compiled_mode_matches_eager():
    a, b = mlp(), mlp()
    a.initialize()
    x = nd.random.uniform(shape=(3, 4))
    a(x)
    b.share_parameters(a._collect_params_with_prefix())
    b.hybridize(backend="torch.compile")
    with autograd.record():
        yb = b(x)
    yb.backward()
    gb = a[0].weight.grad().asnumpy().copy()
    with autograd.record():
        ya = a(x)
    ya.backward()
    assert not b._compiled.failed
    np.testing.assert_allclose(yb.asnumpy(), ya.asnumpy(), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(gb, a[0].weight.grad().asnumpy(), rtol=1e-5, atol=1e-6)


def test_custom_initializer_registry_and_load(tmp_path, caplog):
    @mx.init.register
    @mx.init.alias("halfs")
    class Half(mx.init.Initializer):
        def _init_weight(self, _, arr):
            arr[:] = 0.5

    p = gluon.Parameter("h_weight", shape=(2,), init="halfs")
    p.initialize()
    np.testing.assert_array_equal(p.data().asnumpy(), [0.5, 0.5])
    assert isinstance(mx.init.create("half"), Half)
    f = str(tmp_path / "w.params")
    nd.save(f, {"arg:fc_weight": nd.full((2, 2), 3.0)})
    load = mx.init.Load(f, default_init=mx.init.One())
    w, b = nd.zeros((2, 2)), nd.zeros((2,))
    load("fc_weight", w)
    with pytest.warns(DeprecationWarning, match="init\\(str, NDArray\\) has been deprecated"):
        load("fc_bias", b)
    np.testing.assert_array_equal(w.asnumpy(), np.full((2, 2), 3.0))
    # the default initializer gets the plain name: its suffix rule makes a bias 0 (MXNet's)
    np.testing.assert_array_equal(b.asnumpy(), [0.0, 0.0])
    with pytest.raises(AssertionError, match="Shape mismatch, target"):
        load("fc_weight", nd.zeros((3,)))
    import logging
    with caplog.at_level(logging.INFO):
        d = nn.Dense(2, in_units=2)
        d.initialize(mx.init.Xavier(), verbose=True)
    assert "Initialized dense" in caplog.text


def test_symbol_dependent_parts_say_so():
    with pytest.raises(MXNetError, match="Symbol API"):
        mlp().save("prefix")
