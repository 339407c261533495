"""gluon.model_zoo against real MXNet 1.9.1 (tests/golden/zoo.json and tests/fixtures/zoo/,
recorded by tools/oracle/record_zoo.py): every network's repr and parameter names, outputs
and one training step of each family on weights set by a seeded recipe, MXNet-saved files
(both formats) loading here and saved back byte-identically; the model store (file naming,
sha1 check, download from a repo URL, the offline error); and the way out to torch
(to_torch_module, the torchvision layouts, ``mxcompat convert --zoo``)."""
from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest
import torch

import mxcompat as mx
from mxcompat.base import MXNetError
from mxcompat.gluon.model_zoo import model_store, vision
from mxcompat.gluon.model_zoo import torch_export as tx

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "tools" / "oracle"))
import record_zoo as rec  # noqa: E402

GOLDEN = json.loads((HERE / "golden" / "zoo.json").read_text())
FIXTURES = HERE / "fixtures" / "zoo"
NS = rec.zoo_namespace(mx)

#: Training steps are ill-conditioned in places (train-mode BatchNorm over a few values per
#: channel, ReLU-dead channels, conv biases right before a BatchNorm whose true gradient is 0):
#: float32 rounding differences between MXNet's oneDNN kernels and torch's grow towards the
#: input. Gradients are compared to 1e-2 relative (of each parameter's L1 norm), MobileNet's
#: (consecutive train-mode BatchNorms, channels as narrow as 8) to 5e-2; the output after the
#: SGD step to the tolerances below (MobileNet's is not compared). See docs/model-zoo.md.
GRAD_TOL = {"mobilenet0.25": 5e-2, "mobilenet0.75": 5e-2, "mobilenetv2_0.25": 5e-2,
            "mobilenetv2_1.0": 5e-2}
STEP_TOL = {"resnet50_v1": 3e-2, "resnet50_v2": 1e-1, "inceptionv3": 1e-1,
            "mobilenet0.25": None, "mobilenet0.75": None, "mobilenetv2_0.25": None,
            "mobilenetv2_1.0": None}
#: outputs (the training-mode one of MobileNet V2 normalizes 2x2 maps of a batch of 4)
OUT_TOL = {"inceptionv3": 1e-3, "mobilenetv2_0.25": 1e-3, "mobilenetv2_1.0": 1e-3}
#: full-size networks at 224x224 / 299x299 (minutes on a CPU): run with -m slow
HEAVY = {"densenet121", "inceptionv3"}
CASE_IDS = [pytest.param(c, marks=pytest.mark.slow) if c in HEAVY else c
            for c in sorted(rec.CASES)]


def _close(got, ref, rtol=1e-4, what=""):
    got, ref = np.asarray(got, dtype=np.float64), np.asarray(ref, dtype=np.float64)
    assert got.shape == ref.shape, what
    np.testing.assert_allclose(got, ref, rtol=rtol, atol=rtol * np.abs(ref).max(),
                               err_msg=what)


# ---- names ----------------------------------------------------------------------------------
@pytest.mark.parametrize("name", rec.ALL_MODELS)
def test_repr_and_parameter_names_match_mxnet(name):
    assert rec.structure(NS["fresh"](name)) == GOLDEN["names"][name]


@pytest.mark.parametrize("cid", CASE_IDS)
def test_shapes_after_forward_match_mxnet(cid):
    name, kwargs, shape = rec.CASES[cid]
    assert NS["names_after_forward"](name, kwargs, shape) == GOLDEN["cases"][cid]["names"]


def test_get_model_names_and_errors():
    assert sorted(vision._models) == sorted(rec.ALL_MODELS)
    assert type(vision.get_model("ResNet18_V1")).__name__ == "ResNetV1"
    with pytest.raises(ValueError, match="Model resnet19_v1 is not supported.*\n\talexnet"):
        vision.get_model("resnet19_v1")
    with pytest.raises(AssertionError, match="Invalid number of layers: 20"):
        vision.get_resnet(1, 20)
    with pytest.raises(AssertionError, match="Invalid resnet version: 3"):
        vision.get_resnet(3, 18)
    with pytest.raises(AssertionError, match="SqueezeNet version 1.2"):
        vision.SqueezeNet("1.2")


def test_import_paths_of_mxnet():
    from mxcompat.gluon.model_zoo.vision.resnet import BasicBlockV1, resnet_spec
    from mxcompat.gluon.model_zoo.vision.mobilenet import LinearBottleneck, RELU6  # noqa: F401
    assert resnet_spec[50][0] == "bottle_neck" and BasicBlockV1 is vision.BasicBlockV1
    assert callable(vision.alexnet) and callable(vision.inception_v3)
    assert mx.gluon.model_zoo.vision is vision and mx.gluon.model_zoo.model_store is model_store


# ---- numbers ----------------------------------------------------------------------------------
@pytest.mark.parametrize("cid", CASE_IDS)
def test_outputs_and_training_step_match_mxnet(cid):
    name, kwargs, shape = rec.CASES[cid]
    ref = GOLDEN["cases"][cid]
    got = NS["run_case"](name, kwargs, shape, GOLDEN["n_grads"], GOLDEN["lr"])
    otol = OUT_TOL.get(cid, 1e-4)
    _close(got["predict"], ref["predict"], rtol=otol, what="predict")
    _close(got["train_out"], ref["train_out"], rtol=otol, what="train-mode output")
    tol = GRAD_TOL.get(cid, 1e-2)
    assert sorted(got["grads"]) == sorted(ref["grads"])
    g_got = np.array([got["grads"][k] for k in sorted(ref["grads"])])
    g_ref = np.array([ref["grads"][k] for k in sorted(ref["grads"])])
    floor = 1e-6 * g_ref[:, 1].max()  # gradients that are 0 up to rounding
    # a projection on random signs cancels (it is ~sqrt(n) times smaller than the L1 norm):
    # its error is bounded by the elementwise relative error times the L1 norm
    np.testing.assert_array_less(np.abs(g_got[:, 0] - g_ref[:, 0]), tol * g_ref[:, 1] + floor,
                                 err_msg="gradient projections")
    np.testing.assert_allclose(g_got[:, 1], g_ref[:, 1], rtol=tol, atol=floor,
                               err_msg="gradient L1 norms")
    step_tol = STEP_TOL.get(cid, 1e-2)
    if step_tol is not None:
        _close(got["after_step"], ref["after_step"], rtol=step_tol,
               what="predict output after one SGD step")


@pytest.mark.parametrize("fid", sorted(rec.FIXTURE_NETS))
def test_mxnet_params_file_loads_and_saves_back_identically(fid, tmp_path):
    expr, shape = rec.FIXTURE_NETS[fid]
    with mx.name.NameManager():
        net = eval(expr, {"vision": vision})  # noqa: S307
    net.load_parameters(str(FIXTURES / f"{fid}.params"))
    net.save_parameters(str(tmp_path / "back.params"))
    assert (tmp_path / "back.params").read_bytes() == (FIXTURES / f"{fid}.params").read_bytes()
    _close(net(NS["net_input"](shape)).asnumpy(), GOLDEN["fixtures"][fid], rtol=1e-5)
    built = NS["fixture_net"](expr, shape)  # the recipe here gives MXNet's bytes too
    built.save_parameters(str(tmp_path / "mine.params"))
    assert (tmp_path / "mine.params").read_bytes() == (FIXTURES / f"{fid}.params").read_bytes()


def test_legacy_save_params_file_loads():
    """MXNet's older published files: names without the network prefix, no dots."""
    expr, shape = rec.FIXTURE_NETS["tiny_resnet_v1"]
    net = eval(expr, {"vision": vision})  # noqa: S307  (any prefix: it is restored)
    net.load_parameters(str(FIXTURES / "tiny_resnet_v1_legacy.params"))
    _close(net(NS["net_input"](shape)).asnumpy(), GOLDEN["fixtures"]["tiny_resnet_v1"],
           rtol=1e-5)


def test_hybridized_gives_the_same_outputs():
    name, kwargs, shape = rec.CASES["resnet18_v1"]
    net = NS["built"](name, kwargs, shape)
    net.hybridize()
    x = NS["net_input"](shape)
    for _ in range(2):
        _close(net(x).asnumpy(), GOLDEN["cases"]["resnet18_v1"]["predict"])


# ---- model store ---------------------------------------------------------------------------
def _store_file(tmp_path, name="squeezenet1.1"):
    """A real squeezenet1.1 parameter file (recipe weights) and its sha1."""
    net = NS["built"](name, {}, (1, 3, 224, 224))
    src = tmp_path / "src.params"
    net.save_parameters(str(src))
    return net, src, hashlib.sha1(src.read_bytes()).hexdigest()


def test_model_file_name_and_default_root(monkeypatch, tmp_path):
    assert model_store.short_hash("resnet18_v1") == "a0666292"
    with pytest.raises(ValueError, match="Pretrained model for resnet19 is not available"):
        model_store.get_model_file("resnet19")
    monkeypatch.setenv("MXNET_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("MXNET_GLUON_REPO", (tmp_path / "nowhere").as_uri())
    with pytest.raises(MXNetError) as err:
        model_store.get_model_file("resnet18_v1")
    msg = str(err.value)
    expected = tmp_path / "home" / "models" / "resnet18_v1-a0666292.params"
    assert str(expected) in msg
    assert "gluon/models/resnet18_v1-a0666292.zip" in msg
    assert not any(p.name.endswith(".params") or ".zip" in p.name
                   for p in (tmp_path / "home" / "models").iterdir())


def test_pretrained_from_the_cache_with_sha1_check(monkeypatch, tmp_path):
    net, src, sha1 = _store_file(tmp_path)
    monkeypatch.setitem(model_store._model_sha1, "squeezenet1.1", sha1)
    root = tmp_path / "models"
    root.mkdir()
    (root / f"squeezenet1.1-{sha1[:8]}.params").write_bytes(src.read_bytes())
    x = NS["net_input"]((1, 3, 224, 224))
    got = vision.get_model("squeezenet1.1", pretrained=True, root=str(root))
    np.testing.assert_array_equal(got(x).asnumpy(), net(x).asnumpy())
    # a corrupted cache entry is fetched again; offline that is an error naming the file
    (root / f"squeezenet1.1-{sha1[:8]}.params").write_bytes(b"garbage")
    monkeypatch.setenv("MXNET_GLUON_REPO", (tmp_path / "offline").as_uri() + "/")
    with pytest.raises(MXNetError, match="squeezenet1.1-" + sha1[:8]):
        vision.squeezenet1_1(pretrained=True, root=str(root))


def test_pretrained_download_from_a_repo_url(monkeypatch, tmp_path):
    net, src, sha1 = _store_file(tmp_path)
    monkeypatch.setitem(model_store._model_sha1, "squeezenet1.1", sha1)
    repo = tmp_path / "repo" / "gluon" / "models"
    repo.mkdir(parents=True)
    with zipfile.ZipFile(repo / f"squeezenet1.1-{sha1[:8]}.zip", "w") as zf:
        zf.write(src, f"squeezenet1.1-{sha1[:8]}.params")
    monkeypatch.setenv("MXNET_GLUON_REPO", (tmp_path / "repo").as_uri())
    root = tmp_path / "cache"
    path = model_store.get_model_file("squeezenet1.1", root=str(root))
    assert path == str(root / f"squeezenet1.1-{sha1[:8]}.params")
    assert sorted(p.name for p in root.iterdir()) == [f"squeezenet1.1-{sha1[:8]}.params"]
    x = NS["net_input"]((1, 3, 224, 224))
    got = vision.get_model("squeezenet1.1", pretrained=True, root=str(root))
    np.testing.assert_array_equal(got(x).asnumpy(), net(x).asnumpy())
    # a download whose sha1 differs
    monkeypatch.setitem(model_store._model_sha1, "squeezenet1.1", sha1[:8] + "0" * 32)
    with zipfile.ZipFile(repo / f"squeezenet1.1-{sha1[:8]}.zip", "w") as zf:
        zf.writestr(f"squeezenet1.1-{sha1[:8]}.params", b"other")
    with pytest.raises(ValueError, match="Downloaded file has different hash"):
        model_store.get_model_file("squeezenet1.1", root=str(root))
    model_store.purge(str(root))
    assert list(root.iterdir()) == []


def test_bad_zip_from_repo(monkeypatch, tmp_path):
    repo = tmp_path / "gluon" / "models"
    repo.mkdir(parents=True)
    (repo / "alexnet-44335d1f.zip").write_bytes(b"not a zip")
    monkeypatch.setenv("MXNET_GLUON_REPO", tmp_path.as_uri())
    with pytest.raises(MXNetError, match="not a zip file holding alexnet-44335d1f.params"):
        model_store.get_model_file("alexnet", root=str(tmp_path / "cache"))
    assert list((tmp_path / "cache").iterdir()) == []


# ---- to torch ------------------------------------------------------------------------------
@pytest.mark.parametrize("cid", ["resnet18_v1", "resnet50_v1", "resnet18_v2", "resnet50_v2",
                                 "vgg11_bn", "alexnet", "squeezenet1.0", "mobilenet0.25",
                                 "mobilenetv2_0.25", "resnet18_v1_thumb"])
def test_torch_module_gives_mxnet_outputs(cid):
    name, kwargs, shape = rec.CASES[cid]
    net = NS["built"](name, kwargs, shape)
    m = tx.to_torch_module(net)
    assert isinstance(m, torch.nn.Module) and not m.training
    with torch.no_grad():
        out = m(torch.from_numpy(NS["net_input"](shape).asnumpy()))
    _close(out.numpy(), GOLDEN["cases"][cid]["predict"])


def test_torch_module_shares_weights_and_trains():
    net = NS["built"]("resnet18_v1", {"classes": 10}, (2, 3, 32, 32))
    m = tx.to_torch_module(net)
    w = net.collect_params()[net.prefix + "dense0_weight"]
    assert m.output.weight.data_ptr() == w.data().to_torch().data_ptr()
    x = NS["net_input"]((2, 3, 32, 32))
    with torch.no_grad():
        m.output.bias += 1.0
    np.testing.assert_allclose(net(x).asnumpy(), m(x.to_torch()).detach().numpy(), rtol=1e-5,
                               atol=1e-5)
    n_params = sum(1 for p in m.parameters() if p.requires_grad)
    assert n_params == sum(1 for p in net.collect_params().values() if p.grad_req != "null")


def test_torch_module_errors_and_custom_converters():
    class Twice(mx.gluon.HybridBlock):
        def hybrid_forward(self, F, x):
            return x * 2

    seq = mx.gluon.nn.HybridSequential()
    seq.add(mx.gluon.nn.Dense(3, in_units=2), Twice())
    seq.initialize()
    with pytest.raises(MXNetError, match="no converter for Twice"):
        tx.to_torch_module(seq)

    class TorchTwice(torch.nn.Module):
        def forward(self, x):
            return x * 2

    tx.register_converter(Twice, lambda b: TorchTwice())
    try:
        x = mx.nd.array([[1.0, -2.0]])
        out = tx.to_torch_module(seq)(x.to_torch()).detach().numpy()
        np.testing.assert_allclose(out, seq(x).asnumpy(), rtol=1e-6)
    finally:
        del tx._CONVERTERS[Twice]
    lazy = mx.gluon.nn.Dense(3)
    lazy.initialize()
    with pytest.raises(MXNetError, match="has no data yet"):
        tx.to_torch_module(lazy)


def _tv_check(name, shape, classes=10):
    with mx.name.NameManager():
        net = vision.get_model(name, classes=classes)
    net.initialize(mx.init.Xavier(magnitude=2))
    x = NS["net_input"](shape)
    ref = net(x).asnumpy()
    tv = tx.to_torchvision(net)
    with torch.no_grad():
        _close(tv(x.to_torch()).numpy(), ref, what=name)
    return net, tv, x, ref


@pytest.mark.parametrize("name,shape", [("resnet18_v1", (2, 3, 64, 64)),
                                        ("resnet34_v1", (1, 3, 64, 64)),
                                        ("squeezenet1.0", (1, 3, 224, 224)),
                                        ("squeezenet1.1", (1, 3, 224, 224)),
                                        ("alexnet", (1, 3, 224, 224)),
                                        ("densenet121", (1, 3, 224, 224)),
                                        ("vgg11_bn", (1, 3, 224, 224))])
def test_torchvision_layout_gives_the_same_outputs(name, shape):
    net, tv, x, ref = _tv_check(name, shape)
    arch = tx.torchvision_arch(net)
    sd = tx.torchvision_state_dict(net)
    assert list(sd) == list(tv.state_dict())
    # the keys are torchvision's: a fresh copy of the layout loads the state dict strictly
    with mx.name.NameManager():
        other = vision.get_model(name, classes=10)
    other.initialize()
    other(x)
    fresh = tx.to_torchvision(other)
    fresh.load_state_dict(sd, strict=True)
    with torch.no_grad():
        _close(fresh(x.to_torch()).numpy(), ref, what=name)
    try:  # torchvision itself, where installed
        import torchvision.models as tvm
    except ImportError:
        return
    model = getattr(tvm, arch)(num_classes=10).eval()
    if hasattr(model, "aux_logits"):
        model.aux_logits = False
    model.load_state_dict(sd, strict=True)
    with torch.no_grad():
        _close(model(x.to_torch()).numpy(), ref, what=f"torchvision {arch}")


def test_torchvision_arch_names_and_refusals():
    def arch(name, **kw):
        with mx.name.NameManager():
            return tx.torchvision_arch(vision.get_model(name, **kw))
    assert arch("vgg16") == "vgg16" and arch("vgg19_bn") == "vgg19_bn"
    assert arch("densenet161") == "densenet161" and arch("resnet34_v1") == "resnet34"
    with pytest.raises(MXNetError, match="strides the first 1x1"):
        arch("resnet50_v1")
    with pytest.raises(MXNetError, match="extra 1x1 expansion"):
        arch("mobilenetv2_1.0")
    with pytest.raises(MXNetError, match="ResNetV2 has no torchvision twin"):
        arch("resnet18_v2")


# ---- mxcompat convert --zoo ------------------------------------------------------------------
def _cli(*args):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "mxcompat", "convert", *args],
                          capture_output=True, text=True, env=env, timeout=300)


def test_cli_convert_zoo_torchvision_and_module(tmp_path):
    name, kwargs, shape = rec.CASES["resnet18_v1"]
    net = NS["built"](name, kwargs, shape)
    src = tmp_path / "r18.params"
    net.save_parameters(str(src))
    out = tmp_path / "r18.pt"
    r = _cli(str(src), str(out), "--zoo", "resnet18_v1")
    assert r.returncode == 0, r.stderr
    assert "torchvision resnet18" in r.stderr and "classes=10" in r.stderr
    sd = torch.load(out, weights_only=True)
    fresh = tx.to_torchvision(NS["built"](name, kwargs, shape))
    fresh.load_state_dict(sd, strict=True)
    x = NS["net_input"](shape)
    with torch.no_grad():
        _close(fresh(x.to_torch()).numpy(), GOLDEN["cases"]["resnet18_v1"]["predict"])
    # --zoo-keys module: the to_torch_module layout, for any zoo network
    src2 = tmp_path / "m.params"
    NS["built"]("mobilenetv2_0.25", {"classes": 10}, (4, 3, 64, 64)).save_parameters(str(src2))
    out2 = tmp_path / "m.pt"
    r = _cli(str(src2), str(out2), "--zoo", "mobilenetv2_0.25", "--zoo-keys", "module")
    assert r.returncode == 0, r.stderr
    sd2 = torch.load(out2, weights_only=True)
    m = tx.to_torch_module(NS["built"]("mobilenetv2_0.25", {"classes": 10}, (4, 3, 64, 64)))
    m.load_state_dict(sd2, strict=True)
    with torch.no_grad():
        _close(m(NS["net_input"]((4, 3, 64, 64)).to_torch()).numpy(),
               GOLDEN["cases"]["mobilenetv2_0.25"]["predict"])


def test_cli_convert_zoo_errors(tmp_path):
    net = NS["built"]("resnet50_v1", {"classes": 10}, (1, 3, 32, 32))
    src = tmp_path / "r50.params"
    net.save_parameters(str(src))
    r = _cli(str(src), str(tmp_path / "o.pt"), "--zoo", "resnet50_v1")
    assert r.returncode != 0 and "strides the first 1x1" in r.stderr
    assert "Traceback" not in r.stderr and not (tmp_path / "o.pt").exists()
    r = _cli(str(src), str(tmp_path / "o.pt"), "--zoo", "resnet18_v1")
    assert r.returncode != 0 and "resnet18_v1" in r.stderr and "Traceback" not in r.stderr
    r = _cli(str(src), str(tmp_path / "o.pt"), "--zoo", "resnet19")
    assert r.returncode != 0 and "resnet19 is not supported" in r.stderr
