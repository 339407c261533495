"""Record model-zoo golden data from real MXNet 1.9.1 into tests/golden/zoo.json and
tests/fixtures/zoo/*.params. Run under the oracle environment; deterministic (a few minutes).

What is recorded:
- ``names``: for every network of ``vision.get_model`` (default arguments), sha256 digests of
  its ``repr``, of its ``collect_params()`` (name, shape, dtype) lines before the first
  forward, and of its ``save_parameters`` (structural) names, plus the parameter count;
- ``cases``: for one or more networks of each family (``CASES``), the full name/shape lists
  after a forward, then, with every parameter set by the seeded recipe ``fill`` (a NumPy
  recipe keyed by the parameter's name, so both libraries get the same weights without a
  weights file), the predict-mode output on a fixed input, the output and projections of the
  gradients of a training-mode step (predict mode for networks with Dropout, whose masks are
  random), and the predict-mode output after one plain SGD step;
- ``fixtures``: small networks built from the zoo's classes, filled by the recipe and saved by
  MXNet's ``save_parameters`` to tests/fixtures/zoo/ (one also in the legacy ``save_params``
  format of MXNet's older published files), with their outputs.

Before writing, the file formats are checked live in both directions for every case: MXNet's
``save_parameters`` file loads in mxcompat (in a subprocess) with MXNet's outputs, mxcompat
saves it back byte-identically, and MXNet loads mxcompat's file with the same outputs.
"""
from __future__ import annotations

import hashlib
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
GOLDEN = ROOT / "tests" / "golden" / "zoo.json"
FIXTURES = ROOT / "tests" / "fixtures" / "zoo"

ALL_MODELS = [
    "resnet18_v1", "resnet34_v1", "resnet50_v1", "resnet101_v1", "resnet152_v1",
    "resnet18_v2", "resnet34_v2", "resnet50_v2", "resnet101_v2", "resnet152_v2",
    "vgg11", "vgg13", "vgg16", "vgg19", "vgg11_bn", "vgg13_bn", "vgg16_bn", "vgg19_bn",
    "alexnet", "inceptionv3", "densenet121", "densenet161", "densenet169", "densenet201",
    "squeezenet1.0", "squeezenet1.1", "mobilenet1.0", "mobilenet0.75", "mobilenet0.5",
    "mobilenet0.25", "mobilenetv2_1.0", "mobilenetv2_0.75", "mobilenetv2_0.5",
    "mobilenetv2_0.25"]

# case id -> (get_model name, kwargs, input shape). The training step runs in training mode
# with every Dropout's rate set to 0 (its masks are random); inputs are large enough that
# train-mode BatchNorm sees a few values per channel at the last stage.
CASES = {
    "resnet18_v1": ("resnet18_v1", {"classes": 10}, (4, 3, 64, 64)),
    "resnet50_v1": ("resnet50_v1", {"classes": 10}, (4, 3, 64, 64)),
    "resnet18_v2": ("resnet18_v2", {"classes": 10}, (4, 3, 64, 64)),
    "resnet50_v2": ("resnet50_v2", {"classes": 10}, (4, 3, 64, 64)),
    "resnet18_v1_thumb": ("resnet18_v1", {"classes": 10, "thumbnail": True}, (2, 3, 16, 16)),
    "vgg11": ("vgg11", {"classes": 10}, (2, 3, 32, 32)),
    "vgg11_bn": ("vgg11_bn", {"classes": 10}, (4, 3, 64, 64)),
    "alexnet": ("alexnet", {"classes": 10}, (2, 3, 64, 64)),
    "densenet121": ("densenet121", {"classes": 10}, (2, 3, 224, 224)),
    "densenet_small": ("vision.DenseNet(32, 16, [2, 3, 2, 2], classes=10)", {},
                       (2, 3, 224, 224)),
    "squeezenet1.0": ("squeezenet1.0", {"classes": 10}, (1, 3, 224, 224)),
    "squeezenet1.1": ("squeezenet1.1", {"classes": 10}, (1, 3, 224, 224)),
    "inceptionv3": ("inceptionv3", {"classes": 10}, (2, 3, 299, 299)),
    "mobilenet0.25": ("mobilenet0.25", {"classes": 10}, (4, 3, 64, 64)),
    "mobilenet0.75": ("mobilenet0.75", {"classes": 10}, (4, 3, 64, 64)),
    "mobilenetv2_0.25": ("mobilenetv2_0.25", {"classes": 10}, (4, 3, 64, 64)),
    "mobilenetv2_1.0": ("mobilenetv2_1.0", {"classes": 10}, (4, 3, 64, 64)),
}

# fixture id -> (constructor expression over `vision`, input shape)
FIXTURE_NETS = {
    "tiny_resnet_v1": ("vision.ResNetV1(vision.BasicBlockV1, [1, 1], [4, 4, 8], classes=5, "
                       "thumbnail=True)", (2, 3, 8, 8)),
    "tiny_resnet_v2": ("vision.ResNetV2(vision.BottleneckV2, [1, 1], [4, 8, 16], classes=5, "
                       "thumbnail=True)", (2, 3, 8, 8)),
    "tiny_densenet": ("vision.DenseNet(4, 2, [1, 1], classes=5)", (1, 3, 64, 64)),
}

#: how many gradients (spread over the sorted names) a case records
N_GRADS = 24
LR = 0.01

# ---- what both sides run (this part also runs under mxcompat: keep it plain) --------------
ZOO_CODE = r'''
import zlib


def key(net, name):
    """A parameter's name without the network's own prefix (which counts networks)."""
    return name[len(net.prefix):] if name.startswith(net.prefix) else name


def fill(net):
    """Set every parameter from a NumPy RandomState seeded by the crc32 of its name (less the
    network's prefix): weights uniform with variance 2/fan_in, gamma near 1, beta, bias and
    running_mean near 0, running_var in [0.5, 1.5]."""
    for name, p in sorted(net.collect_params().items()):
        rs = np.random.RandomState(zlib.crc32(key(net, name).encode()))
        shape = p.shape
        if name.endswith("running_var"):
            v = rs.uniform(0.5, 1.5, shape)
        elif name.endswith("gamma"):
            v = rs.uniform(0.8, 1.2, shape)
        elif name.endswith(("beta", "bias", "running_mean")):
            v = rs.uniform(-0.1, 0.1, shape)
        else:
            fan_in = int(np.prod(shape[1:])) if len(shape) > 1 else int(shape[0])
            v = rs.uniform(-1.0, 1.0, shape) * np.sqrt(6.0 / fan_in)
        p.set_data(mx.nd.array(v.astype(np.float32)))


def net_input(shape, seed=0):
    return mx.nd.array(np.random.RandomState(seed).uniform(0, 1, shape).astype(np.float32))


def fresh(name, **kwargs):
    """vision.get_model in a fresh name scope (prefixes as in a new process: resnetv10_);
    ``name`` may also be a constructor expression over ``vision``."""
    with mx.name.NameManager():
        if name.startswith("vision."):
            return eval(name, {"vision": vision})
        return vision.get_model(name, **kwargs)


def built(name, kwargs, shape):
    """The network, initialized, shapes inferred by one forward, filled by the recipe."""
    net = fresh(name, **kwargs)
    net.initialize()
    net(net_input(shape))
    fill(net)
    return net


def grad_names(net, n):
    names = sorted(key(net, k) for k, p in net.collect_params().items()
                   if p.grad_req != "null")
    step = max(1, len(names) // n)
    return names[::step][:n] + [names[-1]]


def projection(name, g):
    rs = np.random.RandomState(zlib.crc32(name.encode()) + 1)
    return [float((g.astype(np.float64) * rs.uniform(-1, 1, g.shape)).sum()),
            float(np.abs(g.astype(np.float64)).sum())]


def no_dropout(block):
    if type(block).__name__ == "Dropout":
        block._rate = 0.0
    for child in block._children.values():
        no_dropout(child)


def run_case(name, kwargs, shape, n_grads, lr):
    net = built(name, kwargs, shape)
    x = net_input(shape)
    res = {"predict": net(x).asnumpy().tolist()}
    params = net.collect_params()
    no_dropout(net)
    with mx.autograd.record():
        out = net(x)
        w = mx.nd.array(np.random.RandomState(1).uniform(-1, 1, out.shape).astype(np.float32))
        loss = (out * w).sum()
    loss.backward()
    res["train_out"] = out.asnumpy().tolist()
    res["grads"] = {k: projection(k, params[net.prefix + k].grad().asnumpy())
                    for k in grad_names(net, n_grads)}
    for k, p in params.items():
        if p.grad_req != "null":
            p.set_data(p.data() - lr * p.grad())
    res["after_step"] = net(x).asnumpy().tolist()
    return res


def names_after_forward(name, kwargs, shape):
    net = fresh(name, **kwargs)
    net.initialize()
    net(net_input((1,) + tuple(shape[1:])))
    return [[k, list(p.shape)] for k, p in net.collect_params().items()]


def fixture_net(expr, shape):
    with mx.name.NameManager():
        net = eval(expr)
    net.initialize()
    net(net_input(shape))
    fill(net)
    return net
'''


def zoo_namespace(mx):
    ns = {"mx": mx, "np": np, "vision": mx.gluon.model_zoo.vision}
    exec(ZOO_CODE, ns)  # noqa: S102
    return ns


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def structure(net) -> dict:
    """The digests a network's names are checked by (shared with the test)."""
    params = net.collect_params()
    lines = "\n".join(f"{k} {tuple(p.shape)} {np.dtype(p.dtype).name}" for k, p in params.items())
    struct = "\n".join(sorted(net._collect_params_with_prefix().keys()))
    return {"repr": sha(repr(net)), "params": sha(lines), "structural": sha(struct),
            "count": len(list(params.keys()))}


_MXCOMPAT_SIDE = r'''
import json, os, sys, warnings
import numpy as np
warnings.filterwarnings("ignore")
import mxcompat as mx
sys.path.insert(0, sys.argv[1])
import record_zoo as rec
ns = rec.zoo_namespace(mx)
folder = sys.argv[2]
out = {}
for cid, (name, kwargs, shape) in rec.CASES.items():
    if cid not in sys.argv[3].split(","):
        continue
    net = ns["fresh"](name, **kwargs)
    net.load_parameters(os.path.join(folder, cid + ".params"))
    # saved before the forward: mxcompat's predict-mode BatchNorm(scale=False) sets its unused
    # gamma to 1 where MXNet's Gluon layer leaves it (see docs/model-zoo.md)
    net.save_parameters(os.path.join(folder, cid + ".mxcompat.params"))
    out[cid] = net(ns["net_input"](shape)).asnumpy().tolist()
print(json.dumps(out))
'''


def check_files_both_ways(mx, ns, outs, tmp, only) -> None:
    """MXNet's files load in mxcompat with MXNet's outputs and come back byte-identical;
    MXNet loads mxcompat's files with the same outputs."""
    for cid, (name, kwargs, shape) in CASES.items():
        if cid not in only:
            continue
        ns["built"](name, kwargs, shape).save_parameters(os.path.join(tmp, cid + ".params"))
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    mxc = os.environ.get("MXCOMPAT_PYTHON", str(ROOT / ".venv" / "bin" / "python"))
    raw = subprocess.run([mxc, "-c", _MXCOMPAT_SIDE, str(Path(__file__).parent), tmp,
                          ",".join(only)], env=env, check=True, stdout=subprocess.PIPE).stdout
    theirs = json.loads(raw)
    for cid, (name, kwargs, shape) in CASES.items():
        if cid not in only:
            continue
        ref = np.array(outs[cid]["predict"])
        np.testing.assert_allclose(theirs[cid], ref, rtol=1e-4, atol=1e-4 * np.abs(ref).max(),
                                   err_msg=f"{cid}: mxcompat on MXNet's file")
        a = open(os.path.join(tmp, cid + ".params"), "rb").read()
        b = open(os.path.join(tmp, cid + ".mxcompat.params"), "rb").read()
        if a != b:
            raise SystemExit(f"record_zoo: {cid}: mxcompat's save_parameters bytes differ")
        net = ns["fresh"](name, **kwargs)
        net.load_parameters(os.path.join(tmp, cid + ".mxcompat.params"))
        got = net(ns["net_input"](shape)).asnumpy()
        np.testing.assert_allclose(got, ref, rtol=1e-6, atol=1e-7)
        print(f"  {cid}: files load both ways", file=sys.stderr)


def record_fixtures(ns, golden) -> None:
    FIXTURES.mkdir(parents=True, exist_ok=True)
    for fid, (expr, shape) in FIXTURE_NETS.items():
        net = ns["fixture_net"](expr, shape)
        net.save_parameters(str(FIXTURES / f"{fid}.params"))
        if fid == "tiny_resnet_v1":  # the legacy format of Block.save_params (MXNet < 1.3,
            # the older published files): names without the network's prefix, no dots
            net.collect_params().save(str(FIXTURES / f"{fid}_legacy.params"),
                                      strip_prefix=net.prefix)
        golden["fixtures"][fid] = net(ns["net_input"](shape)).asnumpy().tolist()


def main(argv=None) -> int:
    import argparse
    ap = argparse.ArgumentParser(description="record tests/golden/zoo.json")
    ap.add_argument("--only", default=None,
                    help="comma-separated case ids: re-record just these into the existing file")
    ap.add_argument("--fixtures", action="store_true",
                    help="re-record just the fixtures into the existing file")
    args = ap.parse_args(argv)
    import mxnet as mx
    ns = zoo_namespace(mx)
    if args.fixtures:
        golden = json.loads(GOLDEN.read_text())
        record_fixtures(ns, golden)
        GOLDEN.write_text(json.dumps(golden, sort_keys=True) + "\n")
        print(f"updated the fixtures in {GOLDEN.relative_to(ROOT)}")
        return 0
    if args.only:
        only = args.only.split(",")
        golden = json.loads(GOLDEN.read_text())
        for cid in only:
            name, kwargs, shape = CASES[cid]
            print(f"recording {cid}", file=sys.stderr)
            case = ns["run_case"](name, kwargs, shape, N_GRADS, LR)
            case["names"] = ns["names_after_forward"](name, kwargs, shape)
            golden["cases"][cid] = case
        with tempfile.TemporaryDirectory() as tmp:
            check_files_both_ways(mx, ns, golden["cases"], tmp, only)
        GOLDEN.write_text(json.dumps(golden, sort_keys=True) + "\n")
        print(f"updated {', '.join(only)} in {GOLDEN.relative_to(ROOT)}")
        return 0
    golden = {"mxnet_version": mx.__version__, "n_grads": N_GRADS, "lr": LR, "names": {},
              "cases": {}, "fixtures": {}}
    for name in ALL_MODELS:
        golden["names"][name] = structure(ns["fresh"](name))
    for cid, (name, kwargs, shape) in CASES.items():
        print(f"recording {cid}", file=sys.stderr)
        case = ns["run_case"](name, kwargs, shape, N_GRADS, LR)
        case["names"] = ns["names_after_forward"](name, kwargs, shape)
        golden["cases"][cid] = case
    record_fixtures(ns, golden)
    with tempfile.TemporaryDirectory() as tmp:
        check_files_both_ways(mx, ns, golden["cases"], tmp, list(CASES))
    GOLDEN.write_text(json.dumps(golden, sort_keys=True) + "\n")
    print(f"wrote {GOLDEN.relative_to(ROOT)} and {FIXTURES.relative_to(ROOT)}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
