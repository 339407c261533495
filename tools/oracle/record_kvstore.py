"""Record KVStore golden data from real MXNet 1.9.1 into tests/golden/kvstore.json. Run under
the oracle environment; deterministic.

Each scenario below is a function of the ``mx`` module (and an SGD optimizer factory) that
returns plain lists; the same functions run under mxcompat in tests/test_kvstore.py, which
compares to what is recorded here:

- ``local`` / ``device`` push, pull, pushpull and broadcast with int and str keys, lists of
  values per key (summed), lists of outputs (broadcast), dtype casts on push and pull;
- the updater's call order and arguments (str keys arrive as bytes);
- 2-bit gradient compression: several iterations with residuals, one and two senders,
  thresholds 0.5 and the default, with and without an updater;
- row_sparse stores and ``row_sparse_pull``;
- ``set_optimizer(SGD(momentum, wd, rescale_grad))`` over several pushes, and the saved
  optimizer states (then loaded by mxcompat, which continues the run);
- the error class and message for the mistakes users make.
"""
from __future__ import annotations

import base64
import json
import os
import sys
import tempfile
import warnings
from pathlib import Path

import numpy as np

warnings.filterwarnings("ignore")
ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "tests" / "golden" / "kvstore.json"

SHAPE = (2, 3)
G = [0.1, 0.3, 0.6, -0.2, -0.7, 1.4, -2.0, 0.05, 0.25, -0.5]


# ---- scenarios (these also run under mxcompat: keep them plain) ----------------------------
def sc_local(mx, make_sgd=None):
    out = {}
    for kind in ("local", "device"):
        kv = mx.kv.create(kind)
        kv.init(3, mx.nd.ones(SHAPE))
        kv.init([5, 7], [mx.nd.ones(SHAPE) * 2, mx.nd.ones(SHAPE) * 3])
        o = mx.nd.zeros(SHAPE)
        kv.pull(3, out=o)
        r = [o.asnumpy().tolist()]
        kv.push(3, [mx.nd.ones(SHAPE) * 2, mx.nd.ones(SHAPE) * 3, mx.nd.ones(SHAPE) * 4])
        kv.pull(3, out=o)
        r.append(o.asnumpy().tolist())
        outs = [mx.nd.zeros(SHAPE), mx.nd.zeros(SHAPE, dtype="float64")]
        kv.push([5, 7], [[mx.nd.ones(SHAPE), mx.nd.ones(SHAPE) * 5], mx.nd.arange(6).reshape(SHAPE)])
        kv.pull([5, 7], out=outs)
        r.append([x.asnumpy().tolist() for x in outs] + [str(outs[1].dtype)])
        vals = [mx.nd.ones(SHAPE) * 1.5, mx.nd.ones(SHAPE) * 2.5]
        kv.pushpull(5, vals)
        r.append([v.asnumpy().tolist() for v in vals])
        res = [mx.nd.zeros(SHAPE), mx.nd.zeros(SHAPE)]
        kv.broadcast(11, mx.nd.arange(6).reshape(SHAPE) * 0.5, out=res)
        r.append([v.asnumpy().tolist() for v in res])
        kv.init(20, mx.nd.ones(SHAPE, dtype="float16"))
        kv.push(20, mx.nd.ones(SHAPE) * 1.0009765625 * 3)
        kv.pull(20, out=o)
        r.append(o.asnumpy().tolist())
        kv.push(3, mx.nd.ones(SHAPE, dtype="float64") * 0.1)
        kv.pull(3, out=o)
        r.append(o.asnumpy().tolist())
        r.append([kv.type, kv.rank, kv.num_workers])
        out[kind] = r
    return out


def sc_updater(mx, make_sgd=None):
    calls = []
    kv = mx.kv.create()
    kv.init([11, 5, 7], [mx.nd.ones(SHAPE)] * 3)

    def upd(key, recv, stored):
        calls.append([repr(key), type(key).__name__, recv.asnumpy().tolist(), recv.stype,
                      stored.asnumpy().tolist()])
        stored[:] = stored * 2 + recv

    kv._set_updater(upd)
    kv.push([11, 5, 7, 5], [mx.nd.ones(SHAPE), mx.nd.ones(SHAPE) * 2, mx.nd.ones(SHAPE) * 3,
                            mx.nd.ones(SHAPE) * 4])
    o = mx.nd.zeros(SHAPE)
    kv.pull(5, out=o)
    res = [o.asnumpy().tolist()]
    kv2 = mx.kv.create("device")
    kv2.init(["w", "b"], [mx.nd.ones(SHAPE), mx.nd.zeros(SHAPE)])
    kv2._set_updater(upd)
    kv2.push(["b", "w"], [mx.nd.ones(SHAPE), [mx.nd.ones(SHAPE), mx.nd.ones(SHAPE)]])
    kv2.pull("w", out=o)
    res.append(o.asnumpy().tolist())
    kv2.push("b", [mx.nd.ones(SHAPE).tostype("row_sparse")] * 2)
    kv2.pull("b", out=o)
    res.append(o.asnumpy().tolist())
    return {"calls": calls, "results": res}


def sc_compression(mx, make_sgd=None):
    out = {}
    g = mx.nd.array(G)
    for label, params, kind in (("t05", {"type": "2bit", "threshold": 0.5}, "device"),
                                ("default", {"type": "2bit"}, "device"),
                                ("t02_str", {"type": "2bit", "threshold": "0.2"},
                                 "local_allreduce_device")):
        kv = mx.kv.create(kind)
        kv.set_gradient_compression(params)
        kv.init([0, 1, 2], [mx.nd.zeros((len(G),))] * 3)
        o = mx.nd.zeros((len(G),))
        seq = []
        for _ in range(5):
            kv.push(0, g)
            kv.pull(0, out=o)
            seq.append(o.asnumpy().tolist())
        for _ in range(5):
            kv.push(1, [g, g * 2, g * -0.5])
            kv.pull(1, out=o)
            seq.append(o.asnumpy().tolist())

        def upd(key, recv, stored):
            stored[:] = stored + recv
        kv._set_updater(upd)
        for _ in range(4):
            kv.push(2, [g, g * 3])
            kv.pull(2, out=o)
            seq.append(o.asnumpy().tolist())
        for _ in range(3):
            kv.push(2, g * 0.1)
            kv.pull(2, out=o)
            seq.append(o.asnumpy().tolist())
        out[label] = seq
    return out


def sc_row_sparse(mx, make_sgd=None):
    kv = mx.kv.create()
    kv.init("e", mx.nd.array(np.arange(12).reshape(4, 3)).tostype("row_sparse"))
    o = mx.nd.zeros((4, 3)).tostype("row_sparse")
    kv.row_sparse_pull("e", out=o, row_ids=mx.nd.array([3, 1, 1]))
    res = [o.asnumpy().tolist(), o.indices.asnumpy().tolist(), o.stype]
    a = mx.nd.zeros((4, 3)).tostype("row_sparse")
    b = mx.nd.zeros((4, 3)).tostype("row_sparse")
    kv.row_sparse_pull("e", out=[a, b], row_ids=mx.nd.array([0, 2]))
    res.append([a.asnumpy().tolist(), b.asnumpy().tolist()])
    kv.row_sparse_pull("e", out=[a, b], row_ids=[mx.nd.array([1]), mx.nd.array([2, 3])])
    res.append([a.asnumpy().tolist(), b.asnumpy().tolist()])
    kv.push("e", [mx.nd.ones((4, 3)).tostype("row_sparse"),
                  mx.nd.array([[0, 0, 0], [1, 2, 3], [0, 0, 0], [0, 0, 0]]).tostype("row_sparse")])
    full = mx.nd.zeros((4, 3)).tostype("row_sparse")
    kv.pull("e", out=full, ignore_sparse=False)
    res.append([full.asnumpy().tolist(), full.stype])
    d = mx.nd.zeros((4, 3))
    kv.pull("e", out=d)
    res.append(d.asnumpy().tolist())
    return {"results": res}


def sc_optimizer(mx, make_sgd):
    kv = mx.kv.create("local")
    kv.init([0, 1], [mx.nd.array(np.linspace(-1, 1, 6).reshape(SHAPE)), mx.nd.ones((4,))])
    kv.set_optimizer(make_sgd())
    w = mx.nd.zeros(SHAPE)
    b = mx.nd.zeros((4,))
    seq = []
    for i in range(3):
        kv.push([0, 1], [[mx.nd.ones(SHAPE) * (i + 1), mx.nd.arange(6).reshape(SHAPE)],
                         mx.nd.array([1, -2, 3, -4]) * 0.5])
        kv.pull([0, 1], out=[w, b])
        seq.append([w.asnumpy().tolist(), b.asnumpy().tolist()])
    return {"seq": seq}


def opt_continue(mx, make_sgd, states: bytes):
    """Load saved states into a fresh store at the weights reached, push once more."""
    kv = mx.kv.create("local")
    kv.init([0, 1], [mx.nd.array(np.linspace(-1, 1, 6).reshape(SHAPE)), mx.nd.ones((4,))])
    kv.set_optimizer(make_sgd())
    with tempfile.TemporaryDirectory() as d:
        p = os.path.join(d, "s.states")
        with open(p, "wb") as f:
            f.write(states)
        kv.load_optimizer_states(p)
    w = mx.nd.zeros(SHAPE)
    b = mx.nd.zeros((4,))
    kv.push([0, 1], [mx.nd.ones(SHAPE), mx.nd.array([1, 1, 1, 1])])
    kv.pull([0, 1], out=[w, b])
    return [w.asnumpy().tolist(), b.asnumpy().tolist()]


def _err(f):
    try:
        f()
    except BaseException as e:  # noqa: B036 - recording what is raised, whatever it is
        return [type(e).__name__, str(e).strip().splitlines()[-1] if str(e).strip() else ""]
    return ["no error", ""]


def sc_errors(mx, make_sgd=None):
    res = {}
    kv = mx.kv.create()
    kv.init(3, mx.nd.ones(SHAPE))
    o = mx.nd.zeros(SHAPE)
    res["init_twice"] = _err(lambda: kv.init(3, mx.nd.ones(SHAPE)))
    res["broadcast_existing"] = _err(lambda: kv.broadcast(3, mx.nd.ones(SHAPE), out=o))
    res["pull_uninit"] = _err(lambda: kv.pull(9, out=o))
    res["pull_no_out"] = _err(lambda: kv.pull(3))
    res["str_key_on_int_store"] = _err(lambda: kv.init("z", mx.nd.ones(SHAPE)))
    res["float_key"] = _err(lambda: kv.init(1.5, mx.nd.ones(SHAPE)))
    res["key_value_lengths"] = _err(lambda: kv.init([1, 2], [mx.nd.ones(SHAPE)]))
    res["mixed_keys"] = _err(lambda: kv.init([10, "a"], [mx.nd.ones(SHAPE)] * 2))
    res["push_numpy"] = _err(lambda: kv.push(3, np.ones(SHAPE)))
    res["create_int"] = _err(lambda: mx.kv.create(1))
    res["gc_local"] = _err(lambda: kv.set_gradient_compression({"type": "2bit"}))
    res["save_no_updater"] = _err(lambda: kv.save_optimizer_states("never-written.states"))
    res["load_no_updater"] = _err(lambda: kv.load_optimizer_states("never-read.states"))
    res["is_capable_foo"] = _err(lambda: kv.is_capable("foo"))
    res["is_capable_opt"] = [str(kv.is_capable("optimizer")), ""]
    dv = mx.kv.create("device")
    res["gc_1bit"] = _err(lambda: dv.set_gradient_compression({"type": "1bit"}))
    res["gc_no_type"] = _err(lambda: dv.set_gradient_compression({"threshold": 1}))
    res["gc_negative"] = _err(lambda: dv.set_gradient_compression({"type": "2bit",
                                                                    "threshold": -1}))
    res["gc_extra_key"] = _err(lambda: dv.set_gradient_compression({"type": "2bit", "foo": 1}))
    sk = mx.kv.create()
    sk.init("a", mx.nd.ones(SHAPE))
    res["str_pull_uninit"] = _err(lambda: sk.pull("zz", out=o))
    rsp = mx.nd.zeros(SHAPE).tostype("row_sparse")
    res["rsp_pull_dense_store"] = _err(lambda: sk.row_sparse_pull("a", out=rsp,
                                                                   row_ids=mx.nd.array([1])))
    res["rsp_pull_dense_out"] = _err(lambda: sk.row_sparse_pull("a", out=mx.nd.zeros(SHAPE),
                                                                 row_ids=mx.nd.array([1])))
    res["rsp_pull_no_row_ids"] = _err(lambda: sk.row_sparse_pull("a", out=rsp))
    res["rsp_pull_row_ids_count"] = _err(lambda: sk.row_sparse_pull(
        "a", out=[rsp, rsp], row_ids=[mx.nd.array([0])] * 3))
    res["teststore_optimizer"] = _err(lambda: mx.kv.create("teststore").set_optimizer(None))
    res["teststore_capable"] = _err(lambda: mx.kv.create("teststore").is_capable("x"))
    return res


SCENARIOS = {"local": sc_local, "updater": sc_updater, "compression": sc_compression,
             "row_sparse": sc_row_sparse, "optimizer": sc_optimizer, "errors": sc_errors}

SGD_KW = dict(learning_rate=0.1, momentum=0.9, wd=0.01, rescale_grad=0.5)


def main() -> int:
    import mxnet as mx

    def make_sgd():
        return mx.optimizer.SGD(**SGD_KW)

    data = {name: f(mx, make_sgd) for name, f in SCENARIOS.items()}
    # the states after the optimizer scenario, saved by MXNet, and one more step from them
    kv = mx.kv.create("local")
    kv.init([0, 1], [mx.nd.array(np.linspace(-1, 1, 6).reshape(SHAPE)), mx.nd.ones((4,))])
    kv.set_optimizer(make_sgd())
    for i in range(3):
        kv.push([0, 1], [[mx.nd.ones(SHAPE) * (i + 1), mx.nd.arange(6).reshape(SHAPE)],
                         mx.nd.array([1, -2, 3, -4]) * 0.5])
    with tempfile.TemporaryDirectory() as d:
        p = os.path.join(d, "s.states")
        kv.save_optimizer_states(p)
        with open(p, "rb") as f:
            states = f.read()
    data["states_b64"] = base64.b64encode(states).decode()
    data["states_continue"] = opt_continue(mx, make_sgd, states)
    data["create"] = {}
    for name in ("local", "device", "local_allreduce_cpu", "local_allreduce_device", "foo",
                 "LOCAL", "teststore"):
        kv = mx.kv.create(name)
        data["create"][name] = [kv.type, kv.rank, kv.num_workers,
                                str(type(kv).is_capable(kv, "optimizer")
                                    if name != "teststore" else kv.is_capable("optimizer"))]
    GOLDEN.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(data, indent=1, sort_keys=True) + "\n"
    tmp = GOLDEN.with_suffix(".tmp")
    tmp.write_text(text)
    os.replace(tmp, GOLDEN)
    print(f"wrote {GOLDEN.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
