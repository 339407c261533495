"""``mx.mod.Module``: one ``fit`` epoch of an MLP and inference ``forward`` of a ResNet-ish
graph (conv stem, 4 residual blocks with BatchNorm, pooling, classifier), against the same
networks written eagerly in PyTorch and, where installed, real MXNet 1.9.1's Module.

    python benchmarks/bench_module.py [--quick] [--mxnet-python PATH]

Each library runs in its own process with the same thread count (BENCH_THREADS, default 2);
the table shows medians and the ratio to torch from that run.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

N, NIN, HID, CLS, BS = 2000, 100, 256, 10, 100
IMG_BS, CH = 8, 32


def _data():
    import numpy as np
    rs = np.random.RandomState(0)
    x = rs.randn(N, NIN).astype("float32")
    y = rs.randint(0, CLS, N).astype("float32")
    img = rs.randn(IMG_BS, 3, 32, 32).astype("float32")
    return x, y, img


# ---- MXNet / mxcompat ----------------------------------------------------------------------
def _mx_mlp(mx):
    d = mx.sym.var("data")
    h = mx.sym.Activation(mx.sym.FullyConnected(d, num_hidden=HID, name="fc1"),
                          act_type="relu")
    h = mx.sym.Activation(mx.sym.FullyConnected(h, num_hidden=HID, name="fc2"),
                          act_type="relu")
    return mx.sym.SoftmaxOutput(mx.sym.FullyConnected(h, num_hidden=CLS, name="fc3"),
                                name="softmax")


def _mx_resnet(mx):
    def conv_bn(x, name, stride=1, relu=True):
        x = mx.sym.Convolution(x, kernel=(3, 3), pad=(1, 1), stride=(stride, stride),
                               num_filter=CH, no_bias=True, name=name + "_conv")
        x = mx.sym.BatchNorm(x, fix_gamma=False, name=name + "_bn")
        return mx.sym.Activation(x, act_type="relu") if relu else x
    x = conv_bn(mx.sym.var("data"), "stem")
    for i in range(4):
        y = conv_bn(x, f"b{i}a")
        y = conv_bn(y, f"b{i}b", relu=False)
        x = mx.sym.Activation(x + y, act_type="relu")
    x = mx.sym.Pooling(x, global_pool=True, kernel=(1, 1), pool_type="avg")
    x = mx.sym.FullyConnected(mx.sym.flatten(x), num_hidden=CLS, name="fc")
    return mx.sym.softmax(x)


def mx_worker(lib: str, quick: bool) -> dict:
    if lib == "mxnet":
        import mxnet as mx
    else:
        import torch
        torch.set_num_threads(int(os.environ.get("BENCH_THREADS", "2")))
        import mxcompat as mx
    import logging
    logging.disable(logging.INFO)
    x, y, img = _data()
    it = mx.io.NDArrayIter(x, y, batch_size=BS)
    mod = mx.mod.Module(_mx_mlp(mx))
    mod.bind(it.provide_data, it.provide_label)
    mod.init_params(mx.init.Xavier())
    mod.init_optimizer(optimizer="sgd", optimizer_params={"learning_rate": 0.01,
                                                          "momentum": 0.9})
    reps = 2 if quick else 5

    def epoch():
        mod.fit(it, num_epoch=1)
        mx.nd.waitall()
    epoch()
    fit = []
    for _ in range(reps):
        t0 = time.perf_counter()
        epoch()
        fit.append(time.perf_counter() - t0)
    rmod = mx.mod.Module(_mx_resnet(mx), label_names=None)
    rmod.bind([("data", img.shape)], for_training=False)
    rmod.init_params(mx.init.Xavier())
    batch = mx.io.DataBatch([mx.nd.array(img)])

    def fwd():
        rmod.forward(batch, is_train=False)
        rmod.get_outputs()[0].wait_to_read()
    for _ in range(3):
        fwd()
    n = 5 if quick else 30
    f = []
    for _ in range(reps):
        t0 = time.perf_counter()
        for _ in range(n):
            fwd()
        f.append((time.perf_counter() - t0) / n)
    return {"fit": statistics.median(fit), "forward": statistics.median(f)}


# ---- eager PyTorch -------------------------------------------------------------------------
def torch_worker(quick: bool) -> dict:
    import torch
    from torch import nn
    torch.set_num_threads(int(os.environ.get("BENCH_THREADS", "2")))
    x, y, img = _data()
    X, Y = torch.from_numpy(x), torch.from_numpy(y).long()
    net = nn.Sequential(nn.Linear(NIN, HID), nn.ReLU(), nn.Linear(HID, HID), nn.ReLU(),
                        nn.Linear(HID, CLS))
    opt = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9)
    loss_fn = nn.CrossEntropyLoss()

    def epoch():
        correct = 0
        for i in range(0, N, BS):
            xb, yb = X[i:i + BS], Y[i:i + BS]
            out = net(xb)
            loss = loss_fn(out, yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
            correct += int((out.argmax(1) == yb).sum())  # the accuracy metric Module.fit logs
        return correct
    reps = 2 if quick else 5
    epoch()
    fit = []
    for _ in range(reps):
        t0 = time.perf_counter()
        epoch()
        fit.append(time.perf_counter() - t0)

    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.a = nn.Sequential(nn.Conv2d(CH, CH, 3, padding=1, bias=False),
                                   nn.BatchNorm2d(CH), nn.ReLU(),
                                   nn.Conv2d(CH, CH, 3, padding=1, bias=False),
                                   nn.BatchNorm2d(CH))

        def forward(self, t):
            return torch.relu(t + self.a(t))
    rnet = nn.Sequential(nn.Conv2d(3, CH, 3, padding=1, bias=False), nn.BatchNorm2d(CH),
                         nn.ReLU(), *[Block() for _ in range(4)], nn.AdaptiveAvgPool2d(1),
                         nn.Flatten(), nn.Linear(CH, CLS), nn.Softmax(dim=1)).eval()
    inp = torch.from_numpy(img)

    def fwd():
        with torch.no_grad():
            return rnet(inp)
    for _ in range(3):
        fwd()
    n = 5 if quick else 30
    f = []
    for _ in range(reps):
        t0 = time.perf_counter()
        for _ in range(n):
            fwd()
        f.append((time.perf_counter() - t0) / n)
    return {"fit": statistics.median(fit), "forward": statistics.median(f)}


def _spawn(python: str, args: list) -> dict:
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
    if args.worker == "torch":
        print(json.dumps(torch_worker(args.quick)))
        return 0
    if args.worker in ("mxnet", "mxcompat"):
        print(json.dumps(mx_worker(args.worker, args.quick)))
        return 0
    t = _spawn(sys.executable, ["--worker", "torch"] + q)
    m = _spawn(sys.executable, ["--worker", "mxcompat"] + q)
    x = _spawn(args.mxnet_python, ["--worker", "mxnet"] + q) if args.mxnet_python else None
    print(f"Module {'':40} {'torch':>10} {'mxcompat':>10} {'vs torch':>9}"
          + (f" {'MXNet 1.9.1':>12} {'vs torch':>9}" if x else ""))
    for key, label in (("fit", f"fit epoch, MLP {NIN}-{HID}-{HID}-{CLS}, {N} samples"),
                       ("forward", f"forward, ResNet-ish (9 conv+BN), batch {IMG_BS}")):
        line = f"  {label:44} {t[key] * 1e3:7.2f} ms {m[key] * 1e3:7.2f} ms " \
               f"{m[key] / t[key]:8.2f}x"
        if x:
            line += f" {x[key] * 1e3:9.2f} ms {x[key] / t[key]:8.2f}x"
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
