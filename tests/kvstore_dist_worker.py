"""A worker of the distributed KVStore tests (tests/test_kvstore.py starts it through
``mxcompat launch``): runs one scenario and writes what it saw to OUT_DIR/rank<r>.json.

Plain legacy MXNet code: ``import mxnet`` resolves to mxcompat under ``mxcompat launch``.
"""
import json
import os
import sys

import numpy as np

import mxnet as mx

MODE = sys.argv[1]
OUT_DIR = sys.argv[2]
KIND = sys.argv[3] if len(sys.argv) > 3 else "dist_sync"

# the training problem: y = X w + b, squared loss, a batch of 8 rows split over workers
X = np.linspace(-1, 1, 8 * 3, dtype=np.float32).reshape(8, 3)
Y = (X @ np.array([1.5, -2.0, 0.5], dtype=np.float32) + 0.25).astype(np.float32)
W0 = np.array([[0.1, 0.2, -0.3]], dtype=np.float32)


def grads(w, b, rows):
    """Summed gradients of 0.5 * (x.w + b - y)^2 over ``rows`` (float32, NumPy)."""
    x, y = X[rows], Y[rows]
    err = x @ w.reshape(-1) + b[0] - y
    return (err @ x).reshape(1, 3).astype(np.float32), np.array([err.sum()], np.float32)


def sgd():
    return mx.optimizer.SGD(learning_rate=0.1, momentum=0.9, wd=0.01, rescale_grad=1.0 / 8)


class MomentumSGD:
    """MXNet's Optimizer interface (create_state/update) on nd.sgd_mom_update."""

    def __init__(self):
        self.kw = dict(lr=0.1, momentum=0.9, wd=0.01, rescale_grad=1.0 / 8)

    def create_state(self, index, weight):
        return mx.nd.zeros(weight.shape, weight.context, dtype=weight.dtype)

    def update(self, index, weight, grad, state):
        mx.nd.sgd_mom_update(weight, grad, state, out=weight, **self.kw)


def make_optimizer():
    opt = getattr(mx, "optimizer", None)
    try:
        return sgd() if opt is not None and hasattr(opt, "SGD") else MomentumSGD()
    except Exception:
        return MomentumSGD()


def train(kv, rank, nworkers, steps=4):
    """Train through the store: each worker pushes its rows' gradients (as two 'devices')."""
    w = mx.nd.array(W0)
    b = mx.nd.zeros((1,))
    kv.init("w", w)
    kv.init("b", b)
    kv.set_optimizer(make_optimizer())
    mine = np.array_split(np.arange(8), nworkers)[rank]
    halves = np.array_split(mine, 2)
    for _ in range(steps):
        gw, gb = [], []
        for rows in halves:
            a, c = grads(w.asnumpy(), b.asnumpy(), rows)
            gw.append(mx.nd.array(a))
            gb.append(mx.nd.array(c))
        kv.push(["w", "b"], [gw, gb])
        kv.pull(["w", "b"], out=[w, b])
    return [w.asnumpy().tolist(), b.asnumpy().tolist()]


def train_gluon(kind, rank, nworkers, update_on_kvstore, steps=4):
    """The same training through gluon.Trainer(kvstore=...), two contexts per worker."""
    from mxnet import autograd, gluon
    ctxs = [mx.cpu(0), mx.cpu(1)]
    w = gluon.Parameter("w", shape=(1, 3))
    b = gluon.Parameter("b", shape=(1,))
    w.initialize(ctx=ctxs, init=mx.init.Constant(0.5))
    b.initialize(ctx=ctxs, init="zeros")
    w.set_data(mx.nd.array(W0))  # the same start on every worker, as with a common seed
    trainer = gluon.Trainer([w, b], "sgd", {"learning_rate": 0.1, "momentum": 0.9,
                                            "wd": 0.01}, kvstore=kind,
                            update_on_kvstore=update_on_kvstore)
    mine = np.array_split(np.arange(8), nworkers)[rank]
    halves = np.array_split(mine, 2)
    for _ in range(steps):
        with autograd.record():
            losses = []
            for ctx, rows in zip(ctxs, halves, strict=False):
                x = mx.nd.array(X[rows], ctx=ctx)
                y = mx.nd.array(Y[rows], ctx=ctx)
                pred = mx.nd.dot(x, w.data(ctx).T).reshape((-1,)) + b.data(ctx)
                losses.append(0.5 * ((pred - y) ** 2).sum())
        for loss in losses:
            loss.backward()
        trainer.step(8)  # the global batch: gradients are summed over every worker
    return [w.data(ctxs[1]).asnumpy().tolist(), b.data(ctxs[1]).asnumpy().tolist()]


def main():
    if MODE == "single":  # the reference: one process, the full batch, a local store
        kv = mx.kv.create("local")
        res = {"train": train(kv, 0, 1)}
        rank = 0
    elif MODE == "api":
        kv = mx.kv.create(KIND)
        rank, n = kv.rank, kv.num_workers
        res = {"rank": rank, "num_workers": n, "type": kv.type}
        shape = (2, 3)
        kv.init(3, mx.nd.ones(shape) * (rank + 1))  # rank 0's value wins
        o = mx.nd.zeros(shape)
        kv.pull(3, out=o)
        res["init"] = o.asnumpy().tolist()
        kv.push(3, [mx.nd.ones(shape) * (rank + 1), mx.nd.ones(shape)])  # sum over devices+workers
        kv.pull(3, out=[o])
        res["push"] = o.asnumpy().tolist()
        vals = [mx.nd.ones(shape) * 0.5]
        kv.pushpull(3, vals)
        res["pushpull"] = vals[0].asnumpy().tolist()
        outs = [mx.nd.zeros(shape), mx.nd.zeros(shape)]
        kv.broadcast(4, mx.nd.ones(shape) * (10 + rank), out=outs)
        res["broadcast"] = [x.asnumpy().tolist() for x in outs]

        def upd(key, recv, stored):
            stored[:] = stored + recv * 2

        kv._set_updater(upd)
        kv.push(4, mx.nd.ones(shape) * (rank + 1))
        kv.pull(4, out=o)
        res["updater"] = o.asnumpy().tolist()
        v = [mx.nd.ones(shape) * (rank + 1)]
        kv.pushpull(4, v)  # in place, through the updater: v gets the updated stored value
        res["pushpull_updater"] = v[0].asnumpy().tolist()
        kv._barrier()
        kv2 = mx.kv.create(KIND)
        kv2.set_gradient_compression({"type": "2bit", "threshold": 0.5})
        kv2.init(0, mx.nd.zeros((6,)))
        g = mx.nd.array([0.1, 0.3, 0.6, -0.2, -0.7, 1.4]) * (rank + 1)
        seq = []
        for _ in range(3):
            kv2.push(0, g)
            kv2.pull(0, out=(o2 := mx.nd.zeros((6,))))
            seq.append(o2.asnumpy().tolist())
        res["compression"] = seq
        kv3 = mx.kv.create(KIND)
        res["train"] = train(kv3, rank, n)
        res["trainer"] = train_gluon(KIND, rank, n, None)
        res["trainer_local_update"] = train_gluon(mx.kv.create(KIND), rank, n, False)
        with open(os.path.join(OUT_DIR, f"states{rank}.bin"), "wb") as f:
            f.write(b"")
        kv3.save_optimizer_states(os.path.join(OUT_DIR, f"states{rank}.bin"))
        try:
            kv.pull(99, out=o)
        except mx.base.MXNetError as e:
            res["pull_uninit"] = str(e)
    elif MODE in ("die", "never_join"):
        rank = int(os.environ["DMLC_WORKER_ID"])
        if MODE == "never_join" and rank == 1:
            return 0  # exits without ever creating the store
        kv = mx.kv.create(KIND)
        kv.init(0, mx.nd.ones((4,)))
        if rank == 1:
            os._exit(7)  # dies in the middle of training
        res = {}
        try:
            for _ in range(3):
                kv.push(0, mx.nd.ones((4,)))
            res["error"] = None
        except mx.base.MXNetError as e:
            res["error"] = str(e)
    else:
        raise SystemExit(f"unknown mode {MODE}")
    with open(os.path.join(OUT_DIR, f"rank{rank}.json"), "w") as f:
        json.dump(res, f)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except mx.base.MXNetError as e:
        rank = os.environ.get("DMLC_WORKER_ID", "0")
        with open(os.path.join(OUT_DIR, f"rank{rank}.json"), "w") as f:
            json.dump({"error": str(e)}, f)
        raise
