"""mxcompat.params (load_params, describe, to_torch, save_torch) and the `mxcompat inspect` /
`mxcompat convert` commands, on files written by real MXNet (tests/fixtures/params/)."""
from __future__ import annotations

import json
import os
import pathlib
import subprocess
import sys

import numpy as np
import pytest
import torch

import mxcompat as mx
from mxcompat import params as P
from mxcompat.base import MXNetError
from mxcompat.cli import main

ROOT = pathlib.Path(__file__).resolve().parents[1]
FIX = ROOT / "tests" / "fixtures" / "params"
FILES = json.loads((FIX / "manifest.json").read_text(encoding="utf-8"))["files"]
MODULE = FIX / "module_checkpoint-0002.params"
EXPORT = FIX / "gluon_export-0000.params"
GLUON = FIX / "gluon_save_parameters.params"


def _expected(e):
    return np.array(e["values"], dtype=e["dtype"]).reshape(e["shape"])


def _has_safetensors() -> bool:
    try:
        import safetensors.torch  # noqa: F401
    except ImportError:
        return False
    return True


# ---- Python API --------------------------------------------------------------------------
def test_load_params_dict_and_list():
    d = P.load_params(MODULE)
    assert list(d) == [e["name"] for e in FILES[MODULE.name]["arrays"]]
    lst = P.load_params(str(FIX / "dtypes_list.params"))
    assert list(lst) == [str(i) for i in range(8)]
    for a, e in zip(lst.values(), FILES["dtypes_list.params"]["arrays"]):
        assert a.asnumpy().tobytes() == _expected(e).tobytes()


@pytest.mark.parametrize("fname", sorted(f for f, v in FILES.items() if v["kind"] != "pickle"))
def test_describe_matches_manifest(fname):
    info = P.describe(FIX / fname)
    v = FILES[fname]
    assert info["bytes"] == v["size"]
    assert info["kind"] == (v["kind"] if v["arrays"] else "list")
    for a, e in zip(info["arrays"], v["arrays"]):
        assert a["shape"] == e["shape"] and a["dtype"] == e["dtype"]
        assert a["stype"] == e["stype"]
        assert a["elements"] == int(np.prod(e["shape"]))
        assert a["bytes"] == _expected(e).nbytes
        assert a["saved_ctx"] == e["ctx"]
    assert info["total_bytes"] == sum(_expected(e).nbytes for e in v["arrays"])


def test_to_torch_names():
    raw = P.to_torch(MODULE, strip_arg_aux=False)
    assert list(raw) == [e["name"] for e in FILES[MODULE.name]["arrays"]]
    sd = P.to_torch(MODULE)
    assert list(sd) == ["fc1_weight", "fc1_bias", "bn1_gamma", "bn1_beta", "bn1_moving_mean",
                        "bn1_moving_var"]
    for t, e in zip(sd.values(), FILES[MODULE.name]["arrays"]):
        assert isinstance(t, torch.Tensor)
        assert t.numpy().tobytes() == _expected(e).tobytes()
    ex = P.to_torch(EXPORT, strip_prefix="hybridsequential0_")
    assert list(ex)[:2] == ["dense0_weight", "dense0_bias"]
    # the prefix is stripped only where present
    assert list(P.to_torch(MODULE, strip_prefix="fc1_"))[:3] == ["weight", "bias", "bn1_gamma"]


def test_to_torch_collisions_rename_dtype():
    d = {"arg:w": mx.nd.ones((2,)), "aux:w": mx.nd.zeros((2,))}
    with pytest.raises(MXNetError, match="'arg:w' and 'aux:w' both become 'w'"):
        P.to_torch(d)
    out = P.to_torch(d, strip_arg_aux=False, rename={"arg:w": "weight"})
    assert list(out) == ["weight", "aux:w"]
    out = P.to_torch(d, rename=lambda n: n.upper(), strip_arg_aux=False)
    assert list(out) == ["ARG:W", "AUX:W"]
    mixed = {"f": mx.nd.ones((2,)), "i": mx.nd.array([1, 2], dtype="int32")}
    out = P.to_torch(mixed, dtype="float16")
    assert out["f"].dtype == torch.float16 and out["i"].dtype == torch.int32
    with pytest.raises(MXNetError):
        P.to_torch(mixed, dtype="int32")
    with pytest.raises(TypeError):
        P.to_torch({"a": np.ones(2)})
    with pytest.raises(TypeError):
        P.to_torch(123)


def test_to_torch_clone_and_sharing():
    d = mx.nd.load(str(GLUON))
    shared = P.to_torch(d)
    assert shared["0.weight"].data_ptr() == d["0.weight"].tensor.data_ptr()
    own = P.to_torch(d, clone=True)
    assert own["0.weight"].data_ptr() != d["0.weight"].tensor.data_ptr()
    assert torch.equal(own["0.weight"], shared["0.weight"])


def test_gluon_weights_into_torch_module():
    """Gluon save_parameters names are structural, as torch's: Dense -> Linear as is,
    BatchNorm's gamma/beta -> weight/bias."""
    sd = P.to_torch(GLUON, rename=lambda n: n.replace("gamma", "weight").replace("beta", "bias"))
    net = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.BatchNorm1d(3))
    missing, unexpected = net.load_state_dict(sd, strict=False)
    assert set(missing) <= {"1.num_batches_tracked"} and unexpected == []
    net.eval()
    x = torch.arange(8, dtype=torch.float32).reshape(2, 4)
    e = {a["name"]: _expected(a) for a in FILES[GLUON.name]["arrays"]}
    h = x.numpy() @ e["0.weight"].T + e["0.bias"]
    ref = (h - e["1.running_mean"]) / np.sqrt(e["1.running_var"] + 1e-5) * e["1.gamma"] \
        + e["1.beta"]
    np.testing.assert_allclose(net(x).detach().numpy(), ref, rtol=1e-4, atol=1e-4)


def test_save_torch_pt(tmp_path):
    sd = P.to_torch(FIX / "dtypes_dict.params")
    out = tmp_path / "o.pt"
    P.save_torch(out, sd)
    back = torch.load(out, weights_only=True)
    assert list(back) == list(sd)
    for k in sd:
        assert back[k].dtype == sd[k].dtype and torch.equal(back[k], sd[k])
    with pytest.raises(MXNetError, match="format must be one of"):
        P.save_torch(out, sd, format="npz")
    with pytest.raises(TypeError, match="not a tensor"):
        P.save_torch(out, {"a": 1})


def test_save_torch_safetensors_missing(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "safetensors", None)
    monkeypatch.setitem(sys.modules, "safetensors.torch", None)
    with pytest.raises(MXNetError, match="needs the safetensors package"):
        P.save_torch(tmp_path / "o.safetensors", {"a": torch.ones(2)}, format="safetensors")
    assert not (tmp_path / "o.safetensors").exists()
    rc = main(["convert", str(MODULE), str(tmp_path / "o.safetensors")])
    assert rc == 1 and not (tmp_path / "o.safetensors").exists()


@pytest.mark.skipif(not _has_safetensors(), reason="safetensors not installed")
def test_save_torch_safetensors(tmp_path):
    from safetensors.torch import load_file
    sd = P.to_torch(FIX / "dtypes_dict.params")
    P.save_torch(tmp_path / "o.safetensors", sd, format="safetensors")
    back = load_file(str(tmp_path / "o.safetensors"))
    assert set(back) == set(sd) and all(torch.equal(back[k], sd[k]) for k in sd)


# ---- the commands ------------------------------------------------------------------------
def test_inspect_table(capsys):
    assert main(["inspect", str(MODULE)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].endswith("dict of 6 arrays, 432 B on disk (V2 records)")
    assert out[1].split() == ["name", "shape", "dtype", "elements", "bytes"]
    assert out[2].split() == ["arg:fc1_weight", "(2,", "3)", "float32", "6", "24"]
    assert out[-1].split() == ["total", "16", "64", "(64", "B)"]


def test_inspect_json(capsys):
    assert main(["inspect", str(FIX / "unicode_names.params"), "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert [a["name"] for a in info["arrays"]] == \
        [e["name"] for e in FILES["unicode_names.params"]["arrays"]]
    assert info["total_elements"] == 6


def test_inspect_errors(tmp_path, capsys):
    assert main(["inspect", str(tmp_path / "nope.params")]) == 1
    err = capsys.readouterr().err
    assert "cannot open" in err and "nope.params" in err
    bad = tmp_path / "bad.params"
    bad.write_bytes(MODULE.read_bytes()[:100])
    assert main(["inspect", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "bad.params" in err and "truncated" in err


def test_convert(tmp_path, capsys):
    out = tmp_path / "m.pt"
    assert main(["convert", str(MODULE), str(out), "--strip-arg-aux", "-q"]) == 0
    sd = torch.load(out, weights_only=True)
    assert list(sd) == ["fc1_weight", "fc1_bias", "bn1_gamma", "bn1_beta", "bn1_moving_mean",
                        "bn1_moving_var"]
    assert main(["convert", str(EXPORT), str(out), "--strip-prefix", "arg:hybridsequential0_"]
                ) == 0
    sd = torch.load(out, weights_only=True)
    assert list(sd)[:2] == ["dense0_weight", "dense0_bias"]
    assert "6 arrays" in capsys.readouterr().err


def test_convert_progress_and_errors(tmp_path, capsys):
    out = tmp_path / "g.pt"
    assert main(["convert", str(GLUON), str(out), "--progress"]) == 0
    err = capsys.readouterr().err
    assert "reading" in err and "100.0%" in err
    assert main(["convert", str(GLUON), str(out)]) == 0
    assert "%" not in capsys.readouterr().err  # not a TTY, small file: no bar
    bad = tmp_path / "bad.params"
    bad.write_bytes(b"\x12\x01" + b"\0" * 6)
    assert main(["convert", str(bad), str(tmp_path / "x.pt")]) == 1
    assert "bad.params" in capsys.readouterr().err
    assert not (tmp_path / "x.pt").exists()


def test_python_m_mxcompat_inspect():
    r = subprocess.run([sys.executable, "-m", "mxcompat", "inspect", str(GLUON), "--json"],
                       capture_output=True, text=True, cwd=str(ROOT),
                       env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert r.returncode == 0, r.stderr
    info = json.loads(r.stdout)
    assert [a["name"] for a in info["arrays"]][:2] == ["0.weight", "0.bias"]


def test_benchmark_quick_runs(tmp_path):
    r = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "bench_params.py"),
                        "--quick", "--dir", str(tmp_path)], capture_output=True, text=True,
                       cwd=str(ROOT), env=dict(os.environ, PYTHONPATH=str(ROOT)), timeout=300)
    assert r.returncode == 0, r.stderr
    assert "mxcompat" in r.stdout and "torch" in r.stdout
