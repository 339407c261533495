"""Inference of a ResNet-18 Symbol graph (batch 1, 3x224x224; --quick: 3x32x32): mxcompat's
``Executor.forward`` and the ``torch.fx`` module converted from the same graph, against the
same network written eagerly in PyTorch (``torch.nn.functional`` on the same weights), and,
where installed, real MXNet 1.9.1's Executor.

    python benchmarks/bench_symbol.py [--quick] [--mxnet-python PATH]

All mxcompat/torch variants are timed alternately in one process (medians; ratios to eager
torch from that run). The graph is MXNet's classic ``resnet`` symbol (conv-BN-ReLU,
basic blocks with projection shortcuts, global pooling, FullyConnected, softmax).
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time


def resnet18(mx, num_classes=1000):
    """ResNet-18 as an MXNet Symbol (v1 layout, BatchNorm after each conv)."""
    sym = mx.sym

    def conv_bn(x, nf, k, s, p, name, relu=True):
        x = sym.Convolution(x, num_filter=nf, kernel=(k, k), stride=(s, s), pad=(p, p),
                            no_bias=True, name=name + "_conv")
        x = sym.BatchNorm(x, fix_gamma=False, eps=1e-5, name=name + "_bn")
        return sym.Activation(x, act_type="relu", name=name + "_relu") if relu else x

    def block(x, nf, stride, name, project):
        y = conv_bn(x, nf, 3, stride, 1, name + "_a")
        y = conv_bn(y, nf, 3, 1, 1, name + "_b", relu=False)
        sc = conv_bn(x, nf, 1, stride, 0, name + "_sc", relu=False) if project else x
        return sym.Activation(y + sc, act_type="relu", name=name + "_out")

    x = conv_bn(sym.var("data"), 64, 7, 2, 3, "stem")
    x = sym.Pooling(x, kernel=(3, 3), stride=(2, 2), pad=(1, 1), pool_type="max", name="pool0")
    for stage, nf in enumerate((64, 128, 256, 512)):
        for b in range(2):
            stride = 2 if stage > 0 and b == 0 else 1
            x = block(x, nf, stride, f"s{stage}b{b}", project=stage > 0 and b == 0)
    x = sym.Pooling(x, kernel=(1, 1), global_pool=True, pool_type="avg", name="gap")
    x = sym.FullyConnected(sym.Flatten(x), num_hidden=num_classes, name="fc")
    return sym.softmax(x, name="prob")


def _weights(mx, net, shape):
    import numpy as np
    arg_shapes, _, aux_shapes = net.infer_shape(data=shape)
    rs = np.random.RandomState(0)
    args = {}
    for n, s in zip(net.list_arguments(), arg_shapes, strict=False):
        if n == "data":
            continue
        fan = int(np.prod(s[1:])) if len(s) > 1 else 1
        args[n] = rs.normal(0, (2.0 / fan) ** 0.5, s).astype("float32") if n.endswith(
            "weight") else (np.ones(s, "float32") if n.endswith("gamma") else
                            np.zeros(s, "float32"))
    auxs = {n: (np.ones(s, "float32") if n.endswith("var") else
                rs.uniform(-0.1, 0.1, s).astype("float32"))
            for n, s in zip(net.list_auxiliary_states(), aux_shapes, strict=False)}
    x = rs.uniform(-1, 1, shape).astype("float32")
    return x, args, auxs


def torch_eager(x, args, auxs):
    """The same network in plain PyTorch, eagerly."""
    import torch
    import torch.nn.functional as F
    w = {k: torch.from_numpy(v) for k, v in list(args.items()) + list(auxs.items())}
    xt = torch.from_numpy(x)

    def conv_bn(h, name, s, p, relu=True):
        h = F.conv2d(h, w[name + "_conv_weight"], None, s, p)
        h = F.batch_norm(h, w[name + "_bn_moving_mean"], w[name + "_bn_moving_var"],
                         w[name + "_bn_gamma"], w[name + "_bn_beta"], False, 0.0, 1e-5)
        return F.relu(h) if relu else h

    def forward():
        with torch.no_grad():
            h = conv_bn(xt, "stem", 2, 3)
            h = F.max_pool2d(h, 3, 2, 1)
            for stage in range(4):
                for b in range(2):
                    name = f"s{stage}b{b}"
                    stride = 2 if stage > 0 and b == 0 else 1
                    y = conv_bn(h, name + "_a", stride, 1)
                    y = conv_bn(y, name + "_b", 1, 1, relu=False)
                    sc = conv_bn(h, name + "_sc", stride, 0, relu=False) \
                        if stage > 0 and b == 0 else h
                    h = F.relu(y + sc)
            h = F.adaptive_avg_pool2d(h, 1).flatten(1)
            return F.softmax(F.linear(h, w["fc_weight"], w["fc_bias"]), dim=-1)
    return forward


def _time(fn, n: int) -> float:
    t0 = time.perf_counter()
    for _ in range(n):
        fn()
    return (time.perf_counter() - t0) / n


def pair_worker(quick: bool) -> list:
    import numpy as np
    import torch
    torch.set_num_threads(int(os.environ.get("BENCH_THREADS", "2")))
    import mxcompat as mx
    shape = (1, 3, 32, 32) if quick else (1, 3, 224, 224)
    net = resnet18(mx)
    x, args, auxs = _weights(mx, net, shape)
    eager = torch_eager(x, args, auxs)
    nd_args = {k: mx.nd.array(v) for k, v in args.items()}
    nd_args["data"] = mx.nd.array(x)
    exe = net.bind(mx.cpu(), nd_args, aux_states={k: mx.nd.array(v) for k, v in auxs.items()},
                   grad_req="null")

    def executor():
        return exe.forward(is_train=False)[0].asnumpy()
    gm = mx.sym.fx.to_fx(net, {k: v for k, v in nd_args.items() if k != "data"},
                         {k: mx.nd.array(v) for k, v in auxs.items()})
    xt = torch.from_numpy(x)

    def fx_module():
        with torch.no_grad():
            return gm(xt).numpy()
    ref = eager().numpy()
    for f in (executor, fx_module):  # the three compute the same thing
        np.testing.assert_allclose(f(), ref, rtol=1e-4, atol=1e-6)
    fns = [lambda: eager().numpy(), executor, fx_module]
    n, rep = (1, 2) if quick else (5, 9)
    for _ in range(1 if quick else 3):
        for f in fns:
            f()
    times: list = [[] for _ in fns]
    for _ in range(rep):
        for i, f in enumerate(fns):
            times[i].append(_time(f, n))
    return [statistics.median(t) for t in times]


def mxnet_worker(quick: bool) -> float:
    import mxnet as mx
    shape = (1, 3, 64, 64) if quick else (1, 3, 224, 224)
    net = resnet18(mx)
    x, args, auxs = _weights(mx, net, shape)
    a = {k: mx.nd.array(v) for k, v in args.items()}
    a["data"] = mx.nd.array(x)
    exe = net.bind(mx.cpu(), a, aux_states={k: mx.nd.array(v) for k, v in auxs.items()},
                   grad_req="null")

    def run():
        return exe.forward(is_train=False)[0].asnumpy()
    n, rep = (2, 3) if quick else (5, 9)
    for _ in range(3):
        run()
    return statistics.median(_time(run, n) for _ in range(rep))


def _spawn(python: str, args: list):
    env = dict(os.environ)
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env["PYTHONPATH"] = root + os.pathsep + env.get("PYTHONPATH", "")
    r = subprocess.run([python, os.path.abspath(__file__)] + args, capture_output=True,
                       text=True, env=env)
    if r.returncode:
        raise SystemExit(f"worker {args} failed:\n{r.stderr}")
    return json.loads(r.stdout.strip().splitlines()[-1])


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--worker", help=argparse.SUPPRESS)
    p.add_argument("--quick", action="store_true")
    p.add_argument("--mxnet-python", default=None)
    args = p.parse_args(argv)
    q = ["--quick"] if args.quick else []
    if args.worker == "pair":
        print(json.dumps(pair_worker(args.quick)))
        return 0
    if args.worker == "mxnet":
        print(json.dumps(mxnet_worker(args.quick)))
        return 0
    t, e, f = _spawn(sys.executable, ["--worker", "pair"] + q)
    size = "3x32x32" if args.quick else "3x224x224"
    print(f"{'ResNet-18 inference, batch 1, ' + size:40} {'median':>10} {'vs torch':>9}")
    print(f"{'  torch eager (functional, no_grad)':40} {t * 1e3:8.2f} ms {1.0:8.2f}x")
    print(f"{'  mxcompat Executor.forward':40} {e * 1e3:8.2f} ms {e / t:8.2f}x")
    print(f"{'  mxcompat -> torch.fx GraphModule':40} {f * 1e3:8.2f} ms {f / t:8.2f}x")
    if args.mxnet_python:
        x = _spawn(args.mxnet_python, ["--worker", "mxnet"] + q)
        print(f"{'  MXNet 1.9.1 Executor.forward':40} {x * 1e3:8.2f} ms {x / t:8.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
