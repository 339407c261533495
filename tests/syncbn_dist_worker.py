"""A worker of the cross-process SyncBatchNorm test (tests/test_syncbn_dist.py starts it through
``mxcompat.launch``): joins the group through a ``dist_sync`` KVStore, runs SyncBatchNorm in
training mode on its share of a fixed batch for two steps and writes what it saw to
OUT_DIR/rank<r>.json. Plain legacy MXNet code: ``import mxnet`` resolves to mxcompat."""
import json
import os
import sys

import numpy as np

import mxnet as mx

OUT_DIR = sys.argv[1]
N, C = 8, 3


def batch(step):
    """The full batch of a step (every rank builds it, then takes its rows) and the loss
    weights: the same function runs in the single-process reference of the test."""
    rs = np.random.RandomState(7 + step)
    x = rs.normal(1.0, 2.0, size=(N, C, 2, 2)).astype(np.float32)
    w = rs.uniform(-1, 1, size=(N, C, 2, 2)).astype(np.float32)
    return x, w


def make_block(block):
    block.initialize()
    block.gamma.set_data(mx.nd.array([1.5, 0.5, -1.0]))
    block.beta.set_data(mx.nd.array([0.1, -0.2, 0.3]))
    return block


def main():
    kv = mx.kv.create("dist_sync")
    rank, n = kv.rank, kv.num_workers
    bn = make_block(mx.gluon.contrib.nn.SyncBatchNorm(in_channels=C, num_devices=1,
                                                      momentum=0.8))
    rows = slice(rank * N // n, (rank + 1) * N // n)
    res = {"rank": rank, "num_workers": n, "steps": []}
    for step in range(2):
        xf, wf = batch(step)
        x = mx.nd.array(xf[rows])
        x.attach_grad()
        with mx.autograd.record():
            out = bn(x)
            loss = (out * mx.nd.array(wf[rows])).sum()
        loss.backward()
        res["steps"].append({
            "out": out.asnumpy().tolist(), "xgrad": x.grad.asnumpy().tolist(),
            "gamma_grad": bn.gamma.grad().asnumpy().tolist(),
            "beta_grad": bn.beta.grad().asnumpy().tolist(),
            "running_mean": bn.running_mean.data().asnumpy().tolist(),
            "running_var": bn.running_var.data().asnumpy().tolist()})
    # predict mode afterwards: no collective, the moving statistics are used
    res["predict"] = bn(mx.nd.array(batch(0)[0][rows])).asnumpy().tolist()
    tmp = os.path.join(OUT_DIR, f".rank{rank}.json.tmp")
    with open(tmp, "w") as f:
        json.dump(res, f)
    os.replace(tmp, os.path.join(OUT_DIR, f"rank{rank}.json"))


if __name__ == "__main__":
    main()
