"""mx.mod / mx.model / mx.callback / mx.monitor / mx.viz against what real MXNet 1.9.1 did
(tests/golden/module.json and tests/fixtures/module/, recorded by
tools/oracle/record_module.py running tests/module_cases.py; examples/module_mlp.py's
stdout by tools/oracle/record_module_example.py), plus error behaviour."""
from __future__ import annotations

import json
import logging
import os
import re
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

import mxcompat as mx

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import module_cases as mc  # noqa: E402

GOLDEN = json.loads((HERE / "golden" / "module.json").read_text())
FIX = HERE / "fixtures" / "module"
_NUM = re.compile(r"-?\d+\.\d+(?:e[+-]?\d+)?|-?\d+e[+-]?\d+")


def close(got, want, what=""):
    np.testing.assert_allclose(np.asarray(got, dtype=np.float64),
                               np.asarray(want, dtype=np.float64), rtol=2e-4, atol=2e-5,
                               err_msg=what)


def same_lines(got, want):
    """Same text; the decimal numbers in it equal to float32 precision."""
    assert len(got) == len(want), (got, want)
    for g, w in zip(got, want):
        assert _NUM.sub("#", g) == _NUM.sub("#", w), (g, w)
        close([float(x) for x in _NUM.findall(g)], [float(x) for x in _NUM.findall(w)], g)


def _regular(x):
    # ragged lists: NumPy 2 raises ValueError, NumPy 1.x warns (VisibleDeprecationWarning)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            return np.asarray(x).dtype.kind in "fiub"
    except (ValueError, Warning):
        return False


def same(got, want, path=""):
    if isinstance(want, dict):
        assert sorted(got) == sorted(want), path
        for k in want:
            same(got[k], want[k], f"{path}/{k}")
    elif isinstance(want, str):
        assert got == want, path
    elif isinstance(want, list) and want and all(isinstance(x, str) for x in want):
        same_lines(got, want)
    elif isinstance(want, list) and want and isinstance(want[0], list) and want[0] and \
            isinstance(want[0][0], str):  # [(name, value)] pairs
        assert [g[0] for g in got] == [w[0] for w in want], path
        close([g[1:] for g in got], [w[1:] for w in want], path)
    elif isinstance(want, list) and want and not _regular(want):  # ragged / mixed
        assert len(got) == len(want), path
        for i, (g, w) in enumerate(zip(got, want)):
            same(g, w, f"{path}[{i}]")
    else:
        close(got, want, path)


@pytest.mark.parametrize("name", [s for s in mc.SCENARIOS if s != "monitor"])
def test_scenario_matches_mxnet(name):
    mx.random.seed(0)
    same(mc.run(mx, name), GOLDEN["scenarios"][name], name)


def test_monitor_matches_mxnet_forward_entries():
    # MXNet's Monitor also reports its backward nodes' outputs (``*_backward_*``); mxcompat
    # runs backward through torch autograd and reports the forward outputs, arguments and
    # auxiliary states (docs/module.md)
    got = mc.run(mx, "monitor")["log"]
    want = [x for x in GOLDEN["scenarios"]["monitor"]["log"] if "_backward_" not in x]
    same_lines(got, want)


@pytest.mark.filterwarnings("ignore:Parameters already initialized")
def test_resume_from_mxnet_checkpoint_with_optimizer_states():
    got = mc.checkpoint_resume(mx, str(FIX / "cnn"))
    same(got, GOLDEN["checkpoint"], "checkpoint")
    assert GOLDEN["reverse_checked"]  # MXNet resumed from mxcompat's checkpoint at recording


@pytest.mark.filterwarnings("ignore:Parameters already initialized")
def test_checkpoint_roundtrip_and_format(tmp_path):
    prefix = str(tmp_path / "cnn")
    mod = mc.checkpoint_train(mx, prefix)
    raw = mx.nd.load(prefix + "-0001.params")
    arg, aux = mod.get_params()
    assert sorted(raw) == sorted(["arg:" + k for k in arg] + ["aux:" + k for k in aux])
    sym, arg2, aux2 = mx.model.load_checkpoint(prefix, 1)
    assert sym.tojson() == mod.symbol.tojson()
    for k in arg:
        close(arg2[k].asnumpy(), arg[k].asnumpy(), k)
    # resuming from this checkpoint (with its optimizer states) gives what MXNet got resuming
    # from its own
    same(mc.checkpoint_resume(mx, prefix), GOLDEN["checkpoint"], "checkpoint")


def test_model_save_checkpoint_and_do_checkpoint(tmp_path):
    sym = mc.mlp(mx)
    arg = mc.mlp_params(mx)
    cb = mx.callback.do_checkpoint(str(tmp_path / "m"), period=2)
    cb(0, sym, arg, {})
    assert not (tmp_path / "m-0001.params").exists()
    cb(1, sym, arg, {})
    s, a, b = mx.model.load_checkpoint(str(tmp_path / "m"), 2)
    assert s.list_arguments() == sym.list_arguments() and b == {}
    close(a["fc1_weight"].asnumpy(), arg["fc1_weight"].asnumpy())


def test_load_checkpoint_errors(tmp_path):
    with pytest.raises(mx.base.MXNetError):
        mx.model.load_checkpoint(str(tmp_path / "missing"), 0)
    mc.mlp(mx).save(str(tmp_path / "bad-symbol.json"))
    (tmp_path / "bad-0000.params").write_bytes(b"not a params file")
    with pytest.raises(mx.base.MXNetError):
        mx.model.load_checkpoint(str(tmp_path / "bad"), 0)
    mx.nd.save(str(tmp_path / "lst-0000.params"), [mx.nd.zeros(2)])
    with pytest.raises(mx.base.MXNetError, match="arg:"):
        mx.model.load_params(str(tmp_path / "lst"), 0)


def test_optimizer_states_roundtrip(tmp_path):
    x, y = mc.cls_data(n=40)
    it = mx.io.NDArrayIter(x, y, batch_size=10)

    def make():
        m = mx.mod.Module(mc.mlp(mx))
        m.bind(it.provide_data, it.provide_label)
        m.init_params(arg_params=mc.mlp_params(mx))
        # momentum states carry over; Adam's step count does not (as in MXNet, the
        # updater's states hold no counts)
        m.init_optimizer(optimizer="sgd",
                         optimizer_params={"learning_rate": 0.1, "momentum": 0.9})
        return m
    a = make()
    for batch in it:
        a.forward_backward(batch)
        a.update()
    a.save_optimizer_states(str(tmp_path / "s.states"))
    b = make()
    b.set_params(*a.get_params())
    b.load_optimizer_states(str(tmp_path / "s.states"))
    it.reset()
    for batch in it:
        for m in (a, b):
            m.forward_backward(batch)
            m.update()
    same(mc.params_out(b), mc.params_out(a))


def test_forward_backward_by_hand_equals_fit():
    x, y = mc.cls_data(n=40)
    it = mx.io.NDArrayIter(x, y, batch_size=10)
    fit = mx.mod.Module(mc.mlp(mx))
    fit.fit(it, num_epoch=1, arg_params=mc.mlp_params(mx),
            optimizer_params={"learning_rate": 0.3})
    hand = mx.mod.Module(mc.mlp(mx))
    hand.bind(it.provide_data, it.provide_label)
    hand.init_params(arg_params=mc.mlp_params(mx))
    hand.init_optimizer(optimizer_params={"learning_rate": 0.3})
    it.reset()
    for batch in it:
        hand.forward(batch, is_train=True)
        hand.backward()
        hand.update()
    same(mc.params_out(hand), mc.params_out(fit))


def test_rescale_grad_defaults_to_inverse_batch_size():
    x, y = mc.cls_data(n=20)
    it = mx.io.NDArrayIter(x, y, batch_size=5)
    m = mx.mod.Module(mc.mlp(mx))
    m.bind(it.provide_data, it.provide_label)
    m.init_params()
    m.init_optimizer(optimizer="sgd")
    assert m._optimizer.rescale_grad == pytest.approx(0.2)
    m2 = mx.mod.Module(mc.mlp(mx))
    m2.bind(it.provide_data, it.provide_label)
    m2.init_params()
    with pytest.warns(UserWarning, match="rescale_grad"):
        m2.init_optimizer(optimizer=mx.optimizer.SGD(learning_rate=0.1))


def test_sym_lr_mult_attribute_reaches_optimizer():
    data = mx.sym.var("data")
    w = mx.sym.var("fc_weight", lr_mult=0.0)
    net = mx.sym.SoftmaxOutput(mx.sym.FullyConnected(data, weight=w, num_hidden=2, name="fc"),
                               name="softmax")
    m = mx.mod.Module(net)
    x, y = mc.cls_data(n=10, classes=2)
    it = mx.io.NDArrayIter(x, y, batch_size=10)
    m.bind(it.provide_data, it.provide_label)
    m.init_params(mx.init.Uniform(0.5))
    before = m.get_params()[0]["fc_weight"].asnumpy().copy()
    m.init_optimizer(optimizer_params={"learning_rate": 1.0})
    m.forward_backward(next(iter(it)))
    m.update()
    arg = m.get_params()[0]
    np.testing.assert_array_equal(arg["fc_weight"].asnumpy(), before)


def test_module_errors():
    net = mc.mlp(mx)
    with pytest.raises(ValueError, match="not found in symbol.list_arguments"):
        mx.mod.Module(net, data_names=["nodata"])
    with pytest.raises(TypeError):
        mx.mod.Module("not a symbol")
    m = mx.mod.Module(net)
    with pytest.raises(AssertionError):
        m.init_params()
    x, y = mc.cls_data(n=10)
    it = mx.io.NDArrayIter(x, y, batch_size=5)
    with pytest.raises(AssertionError, match="number of epochs"):
        m.fit(it)
    m.bind(it.provide_data, it.provide_label)
    with pytest.raises(RuntimeError, match="fc1_bias is not presented"):
        m.init_params(arg_params={"fc1_weight": mx.nd.zeros((16, 6))})
    m.init_params()
    with pytest.raises(ValueError, match="DataIter"):
        m.predict([1, 2, 3])
    with pytest.raises(mx.base.MXNetError):
        mx.model.FeedForward(net)


def test_multi_context_outputs_split_by_work_load():
    got = GOLDEN["scenarios"]["mlp_multictx"]["slice_shapes"]
    assert got == [[[4, 3], [8, 3]]]  # MXNet's split of 12 by work_load_list [1, 2]


def test_speedometer_and_callbacks_log_format(caplog):
    metric = mx.metric.create("acc")
    metric.update([mx.nd.array([0, 1])], [mx.nd.array([[1, 0], [0, 1]])])
    sp = mx.callback.Speedometer(batch_size=4, frequent=2, auto_reset=False)
    pb = mx.callback.ProgressBar(total=4, length=8)
    lt = mx.callback.log_train_metric(2)
    with caplog.at_level(logging.INFO):
        for nb in range(5):
            p = mx.model.BatchEndParam(epoch=3, nbatch=nb, eval_metric=metric, locals=None)
            sp(p)
            pb(p)
            lt(p)
        mx.callback.LogValidationMetricsCallback()(p)
    msgs = [r.getMessage() for r in caplog.records]
    speed = [m for m in msgs if "Speed" in m]
    assert len(speed) == 2
    assert re.fullmatch(r"Epoch\[3\] Batch \[0-2\]\tSpeed: \d+\.\d\d samples/sec\t"
                        r"accuracy=1\.000000", speed[0])
    assert "[====----] 50%\r" in msgs
    assert "Iter[3] Batch[4] Train-accuracy=1.000000" in msgs
    assert msgs[-1] == "Epoch[3] Validation-accuracy=1.000000"


def test_monitor_toc_format(caplog):
    mon = mx.mon.Monitor(2, pattern="fc2.*")
    x, y = mc.cls_data(n=20)
    it = mx.io.NDArrayIter(x, y, batch_size=10)
    m = mx.mod.Module(mc.mlp(mx))
    m.bind(it.provide_data, it.provide_label)
    m.init_params(arg_params=mc.mlp_params(mx))
    m.install_monitor(mon)
    res = []
    for batch in it:
        mon.tic()
        m.forward(batch)
        res.append(mon.toc())
    assert [k for _, k, _ in res[0]] == ["fc2_output", "fc2_weight", "fc2_bias"]
    assert res[1] == []  # interval 2: the second batch is not collected
    want = np.linalg.norm(mc.mlp_params(mx)["fc2_weight"].asnumpy()) / np.sqrt(48)
    close(float(res[0][1][2].strip()), want)


def test_viz_plot_network_needs_graphviz():
    try:
        import graphviz  # noqa: F401
    except ImportError:
        with pytest.raises(ImportError, match="graphviz"):
            mx.viz.plot_network(mc.mlp(mx))
    else:
        dot = mx.viz.plot_network(mc.mlp(mx), shape={"data": (2, 6)})
        assert "fc1" in dot.source


def test_module_namespace_aliases():
    assert mx.mod is mx.module
    assert mx.mon is mx.monitor and mx.viz is mx.visualization
    import mxcompat.module.executor_group as eg
    assert eg.DataParallelExecutorGroup is mx.mod.DataParallelExecutorGroup


def _normalize(text):
    text = re.sub(r"Speed: [0-9.]+ samples/sec", "Speed: X samples/sec", text)
    return re.sub(r"Time cost=[0-9.]+", "Time cost=X", text)


def test_example_module_mlp_prints_mxnet_output():
    root = HERE.parent
    r = subprocess.run([sys.executable, "-m", "mxcompat", "run", "examples/module_mlp.py"],
                       capture_output=True, text=True, cwd=root, timeout=600,
                       env=dict(os.environ, PYTHONPATH=str(root)))
    assert r.returncode == 0, r.stderr
    got = "".join(ln for ln in r.stdout.splitlines(keepends=True)
                  if "Saved checkpoint to" not in ln)
    want = (HERE / "golden" / "module_mlp.stdout").read_text()
    assert _normalize(got) == _normalize(want)


def test_rnn_checkpoint_unpacks_and_packs(tmp_path):
    cell = mx.rnn.LSTMCell(num_hidden=2, prefix="l_")
    out, _ = cell.unroll(2, mx.sym.var("data"), begin_state=[mx.sym.var("h"), mx.sym.var("c")],
                         merge_outputs=True)
    rng = np.random.RandomState(0)
    args = {"l_i2h_weight": mx.nd.array(rng.randn(8, 3)), "l_i2h_bias": mx.nd.zeros(8),
            "l_h2h_weight": mx.nd.array(rng.randn(8, 2)), "l_h2h_bias": mx.nd.ones(8)}
    mx.rnn.save_rnn_checkpoint(cell, str(tmp_path / "r"), 1, out, args, {})
    saved = mx.model.load_params(str(tmp_path / "r"), 1)[0]
    assert "l_i2h_f_weight" in saved and "l_i2h_weight" not in saved
    close(saved["l_i2h_f_weight"].asnumpy(), args["l_i2h_weight"].asnumpy()[2:4])
    _, packed, _ = mx.rnn.load_rnn_checkpoint(cell, str(tmp_path / "r"), 1)
    for k, v in args.items():
        close(packed[k].asnumpy(), v.asnumpy(), k)


def test_bucket_sentence_iter_batches():
    import random
    random.seed(0)
    np.random.seed(0)
    sents = [[1, 2, 3], [4, 5], [6, 7, 8, 9], [1, 2], [3, 4, 5], [5, 6, 7, 8]]
    it = mx.rnn.BucketSentenceIter(sents, batch_size=2, buckets=[2, 3, 4], invalid_label=0)
    assert it.default_bucket_key == 4
    keys = []
    for b in it:
        d, lab = b.data[0].asnumpy(), b.label[0].asnumpy()
        assert d.shape == (2, b.bucket_key) and b.provide_data[0].shape == d.shape
        np.testing.assert_array_equal(lab[:, :-1], d[:, 1:])
        assert (lab[:, -1] == 0).all()
        keys.append(b.bucket_key)
    assert sorted(keys) == [2, 3, 4]
