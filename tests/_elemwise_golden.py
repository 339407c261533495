"""Shared replay helpers for tests/test_elemwise.py, test_reduce.py and test_sorting.py: the
MXNet 1.9.1 records in tests/golden/elemwise.json (tools/oracle/record_elemwise.py)."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import torch

import mxcompat as mx
from mxcompat._state import STATE

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tools" / "oracle"))
import record_elemwise as rec  # noqa: E402

GOLDEN = json.loads((HERE / "golden" / "elemwise.json").read_text())


def check(group: str, cid: str, code: str, deviations: dict = None) -> None:
    exp = GOLDEN["cases"][group][cid]
    if deviations and cid in deviations:
        return check_deviation(cid, code, exp, deviations[cid])
    rec.check_case(mx, cid, code, exp)


def check_deviation(cid: str, code: str, exp: dict, why: str) -> None:
    """A documented deviation: the case must still run (or raise MXNetError) but is allowed
    to differ from MXNet; and it must really differ (else the entry is stale)."""
    try:
        rec.check_case(mx, cid, code, exp)
    except AssertionError:
        return
    raise AssertionError(f"{cid}: listed as a deviation ({why}) but matches MXNet now")


def check_grad(group: str, cid: str, op: str, inputs: list, kwargs: str, out) -> None:
    """Run the op on mxcompat with torch autograd on (as mx.autograd.record() does) and
    compare d(sum(out * head))/d(inputs) with MXNet's recorded gradients."""
    exp = GOLDEN["grads"][group][cid]
    assert "result" in exp, f"{cid}: MXNet raised {exp}"
    ns = {"mx": mx, "np": np}
    exec(rec.PRELUDE, ns)
    xs = [eval(src, ns) for src in inputs]
    leaves = []
    for x in xs:
        t = x._t.detach().clone()
        if t.is_floating_point():
            t.requires_grad_(True)
        leaves.append(t)
    fn = getattr(mx.nd, op)
    kw = eval(f"dict({kwargs})", ns)
    STATE.recording = True
    try:
        y = fn(*[mx.nd.from_torch(t) for t in leaves], **kw)
    finally:
        STATE.recording = False
    if out is not None:
        y = y[out]
    h = ns["R"](*y.shape, seed=99, lo=0.5, hi=1.5, dt=np.dtype(y.dtype).name)._t
    yt = y._t
    if yt.requires_grad:
        (yt * h.to(yt.dtype)).sum().backward()
    grads = []
    for t in leaves:
        gr = t.grad if t.grad is not None else torch.zeros_like(t)
        grads.append(mx.nd.from_torch(gr.detach()))
    rec.same(exp["result"], rec.encode(grads), cid, tol={"float16": (2e-3, 2e-3),
                                                        "float32": (1e-5, 1e-5),
                                                        "float64": (1e-5, 1e-7)})
