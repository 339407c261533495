"""Record MXNet 1.9.1's behaviour for Python custom operators (``mx.operator`` + ``mx.nd.Custom``).

Run with the oracle interpreter from the repository root:

    /work/venvs/oracle/bin/python tools/oracle/record_custom_op.py

It writes ``tests/golden/custom_op.json`` (what :func:`scenarios` returns under real MXNet) and
``mxcompat/_op_names.py`` (MXNet's ``mx.operator.get_all_registered_operators()``).

The op definitions and scenarios below take the ``mx`` module as an argument and import
nothing from MXNet themselves: ``tests/test_operator.py`` loads this file and runs the very
same code against mxcompat, then compares with the recorded JSON.
"""
from __future__ import annotations

import json
import os
import sys
from typing import Any, Dict, List

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
GOLDEN = os.path.join(ROOT, "tests", "golden", "custom_op.json")
NAMES = os.path.join(ROOT, "mxcompat", "_op_names.py")

#: what the instrumented op logs (list_* calls are left out: MXNet asks them many times)
LOG: List[Any] = []


def define_ops(mx: Any) -> None:
    """Register the custom ops the scenarios use (names start with 'tco_')."""

    # -- MXNet's tutorial softmax with loss: need_top_grad=False, two arguments -----------
    class Softmax(mx.operator.CustomOp):
        def forward(self, is_train, req, in_data, out_data, aux):
            x = in_data[0].asnumpy()
            y = np.exp(x - x.max(axis=1).reshape((x.shape[0], 1)))
            y /= y.sum(axis=1).reshape((x.shape[0], 1))
            self.assign(out_data[0], req[0], mx.nd.array(y))

        def backward(self, req, out_grad, in_data, out_data, in_grad, aux):
            lab = in_data[1].asnumpy().ravel().astype(np.int64)
            y = out_data[0].asnumpy()
            y[np.arange(lab.shape[0]), lab] -= 1.0
            self.assign(in_grad[0], req[0], mx.nd.array(y))

    @mx.operator.register("tco_softmax")
    class SoftmaxProp(mx.operator.CustomOpProp):
        def __init__(self):
            super().__init__(need_top_grad=False)

        def list_arguments(self):
            return ["data", "label"]

        def list_outputs(self):
            return ["output"]

        def infer_shape(self, in_shape):
            data_shape = in_shape[0]
            label_shape = (in_shape[0][0],)
            return [data_shape, label_shape], [data_shape], []

        def infer_type(self, in_type):
            return in_type, [in_type[0]], []

        def create_operator(self, ctx, shapes, dtypes):
            return Softmax()

    # -- two outputs: sum and product -------------------------------------------------------
    class SumProd(mx.operator.CustomOp):
        def forward(self, is_train, req, in_data, out_data, aux):
            self.assign(out_data[0], req[0], in_data[0] + in_data[1])
            self.assign(out_data[1], req[1], in_data[0] * in_data[1])

        def backward(self, req, out_grad, in_data, out_data, in_grad, aux):
            a, b = in_data
            self.assign(in_grad[0], req[0], out_grad[0] + out_grad[1] * b)
            self.assign(in_grad[1], req[1], out_grad[0] + out_grad[1] * a)

    @mx.operator.register("tco_sumprod")
    class SumProdProp(mx.operator.CustomOpProp):
        def list_arguments(self):
            return ["a", "b"]

        def list_outputs(self):
            return ["sum", "prod"]

        def infer_shape(self, in_shape):
            return in_shape, [in_shape[0], in_shape[0]], []

        def create_operator(self, ctx, shapes, dtypes):
            return SumProd()

    # -- an aux state: a running mean updated by forward; kwargs arrive as strings ----------
    class RunningScale(mx.operator.CustomOp):
        def __init__(self, scale, momentum):
            super().__init__()
            self.scale = scale
            self.momentum = momentum

        def forward(self, is_train, req, in_data, out_data, aux):
            x = in_data[0]
            if is_train:
                aux[0][:] = self.momentum * aux[0] + (1 - self.momentum) * x.mean(axis=0)
            self.assign(out_data[0], req[0], (x - aux[0].reshape((1, -1))) * self.scale)

        def backward(self, req, out_grad, in_data, out_data, in_grad, aux):
            self.assign(in_grad[0], req[0], out_grad[0] * self.scale)

    @mx.operator.register("tco_runscale")
    class RunningScaleProp(mx.operator.CustomOpProp):
        def __init__(self, scale="1.0", momentum="0.9"):
            super().__init__(need_top_grad=True)
            LOG.append(["prop_kwargs", type(scale).__name__, scale, momentum])
            self.scale = float(scale)
            self.momentum = float(momentum)

        def list_auxiliary_states(self):
            return ["running_mean"]

        def infer_shape(self, in_shape):
            return in_shape, [in_shape[0]], [[in_shape[0][1]]]

        def create_operator(self, ctx, shapes, dtypes):
            LOG.append(["create_operator", str(ctx), shapes, dtypes])
            return RunningScale(self.scale, self.momentum)

    # -- shape and type change: row sums as float64 ----------------------------------------
    class RowSum(mx.operator.CustomOp):
        def forward(self, is_train, req, in_data, out_data, aux):
            self.assign(out_data[0], req[0], in_data[0].sum(axis=1).astype("float64"))

        def backward(self, req, out_grad, in_data, out_data, in_grad, aux):
            g = out_grad[0].astype(in_data[0].dtype).reshape((-1, 1))
            self.assign(in_grad[0], req[0], mx.nd.broadcast_to(g, in_data[0].shape))

    @mx.operator.register("tco_rowsum")
    class RowSumProp(mx.operator.CustomOpProp):
        def infer_shape(self, in_shape):
            return in_shape, [[in_shape[0][0]]]

        def infer_type(self, in_type):
            return in_type, [np.float64], []

        def create_operator(self, ctx, shapes, dtypes):
            return RowSum()

    # -- instrumented: logs the callbacks in the order they run -----------------------------
    class Logged(mx.operator.CustomOp):
        def forward(self, is_train, req, in_data, out_data, aux):
            LOG.append(["forward", int(is_train), list(req), [list(a.shape) for a in in_data],
                        [list(a.shape) for a in out_data]])
            self.assign(out_data[0], req[0], in_data[0] * 3)

        def backward(self, req, out_grad, in_data, out_data, in_grad, aux):
            LOG.append(["backward", list(req), [g.asnumpy().tolist() for g in out_grad],
                        [a.asnumpy().tolist() for a in in_data],
                        [a.asnumpy().tolist() for a in out_data]])
            self.assign(in_grad[0], req[0], out_grad[0] * 3)
            self.assign(in_grad[1], req[1], out_grad[0] * 0 + 1)

    @mx.operator.register("tco_logged")
    class LoggedProp(mx.operator.CustomOpProp):
        def __init__(self, **kwargs):
            LOG.append(["__init__", sorted(kwargs.items())])
            super().__init__()

        def list_arguments(self):
            return ["x", "y"]

        def declare_backward_dependency(self, out_grad, in_data, out_data):
            LOG.append(["declare_backward_dependency", out_grad, in_data, out_data])
            return super().declare_backward_dependency(out_grad, in_data, out_data)

        def infer_shape(self, in_shape):
            LOG.append(["infer_shape", in_shape])
            return in_shape, [in_shape[0]], []

        def infer_type(self, in_type):
            LOG.append(["infer_type", [np.dtype(t).name for t in in_type]])
            return super().infer_type(in_type)

        def infer_storage_type(self, in_stype):
            LOG.append(["infer_storage_type", in_stype])
            return super().infer_storage_type(in_stype)

        def create_operator(self, ctx, shapes, dtypes):
            LOG.append(["create_operator", str(ctx), shapes, dtypes])
            return Logged()

    # -- ops that fail in one callback ------------------------------------------------------
    class Failing(mx.operator.CustomOp):
        def __init__(self, where):
            super().__init__()
            self.where = where

        def forward(self, is_train, req, in_data, out_data, aux):
            if self.where == "forward":
                raise ValueError("forward failed on purpose")
            self.assign(out_data[0], req[0], in_data[0])

        def backward(self, req, out_grad, in_data, out_data, in_grad, aux):
            if self.where == "backward":
                raise ValueError("backward failed on purpose")
            self.assign(in_grad[0], req[0], out_grad[0])

    @mx.operator.register("tco_failing")
    class FailingProp(mx.operator.CustomOpProp):
        def __init__(self, where="none", **ignored):
            # (a property constructor that raises crashes MXNet 1.9.1 with a segfault, so
            # unknown kwargs such as data=... are accepted here)
            super().__init__()
            self.where = where

        def infer_shape(self, in_shape):
            if self.where == "count":
                return in_shape, [], []
            if self.where == "two_or_three":
                return (in_shape,)
            if self.where == "in_shape":
                return [[7]], [in_shape[0]], []
            return in_shape, [in_shape[0]], []

        def create_operator(self, ctx, shapes, dtypes):
            return Failing(self.where)


def _np(a: Any) -> Any:
    return a.asnumpy().tolist()


def _dt(a: Any) -> str:
    return np.dtype(a.dtype).name


def _err(mx: Any, fn: Any) -> Dict[str, Any]:
    try:
        fn()
        mx.nd.waitall()
    except Exception as e:  # noqa: BLE001
        return {"raised": True, "mxnet_error": isinstance(e, mx.base.MXNetError),
                "last_line": str(e).strip().splitlines()[-1][:300]}
    return {"raised": False}


def scenarios(mx: Any) -> Dict[str, Any]:
    """Run every scenario against ``mx`` and return JSON-able results."""
    out: Dict[str, Any] = {}
    x = mx.nd.array([[1.0, 2.0, 3.0, 0.5], [1.0, 0.0, -1.0, 2.0], [0.3, 0.2, 0.1, -0.4]])
    lab = mx.nd.array([2, 0, 3])

    # softmax with loss: forward, gradient (the head gradient is ignored: need_top_grad=False)
    y = mx.nd.Custom(x, lab, op_type="tco_softmax")
    out["softmax_forward"] = {"value": _np(y), "dtype": _dt(y), "type": type(y).__name__}
    x.attach_grad()
    with mx.autograd.record():
        y = mx.nd.Custom(x, lab, op_type="tco_softmax")
    y.backward()
    mx.nd.waitall()
    out["softmax_grad"] = _np(x.grad)
    with mx.autograd.record():
        y = mx.nd.Custom(x, lab, op_type="tco_softmax")
        z = y * 5
    z.backward()
    mx.nd.waitall()
    out["softmax_grad_scaled_head"] = _np(x.grad)

    # two outputs
    a = mx.nd.array([1.0, 2.0, -1.5])
    b = mx.nd.array([3.0, 4.0, 0.5])
    r = mx.nd.Custom(a, b, op_type="tco_sumprod")
    out["sumprod_forward"] = {"type": type(r).__name__, "values": [_np(t) for t in r]}
    a.attach_grad()
    b.attach_grad()
    with mx.autograd.record():
        s, p = mx.nd.Custom(a, b, op_type="tco_sumprod")
        loss = s * 2 + p * 10
    loss.backward()
    mx.nd.waitall()
    out["sumprod_grad"] = [_np(a.grad), _np(b.grad)]
    with mx.autograd.record():
        s, p = mx.nd.Custom(a, b, op_type="tco_sumprod")
    p.backward()  # only the second output: the first one's out_grad is zeros
    mx.nd.waitall()
    out["sumprod_grad_second_head"] = [_np(a.grad), _np(b.grad)]
    with mx.autograd.record():
        s, p = mx.nd.Custom(a, b, op_type="tco_sumprod")
    mx.autograd.backward([s, p], [mx.nd.array([1.0, 0.5, 2.0]), mx.nd.array([-1.0, 1.0, 3.0])])
    mx.nd.waitall()
    out["sumprod_grad_head_grads"] = [_np(a.grad), _np(b.grad)]

    # aux state: updated in place by forward in training mode only
    del LOG[:]
    d = mx.nd.array([[1.0, 2.0], [3.0, 6.0], [-1.0, 1.0]])
    rm = mx.nd.array([0.5, -0.5])
    r1 = mx.nd.Custom(d, rm, op_type="tco_runscale", scale=2, momentum=0.5)
    mx.nd.waitall()
    out["aux_predict"] = {"out": _np(r1), "aux": _np(rm)}
    d.attach_grad()
    with mx.autograd.record():
        r2 = mx.nd.Custom(d, rm, op_type="tco_runscale", scale=2, momentum=0.5)
    r2.backward(mx.nd.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]))
    mx.nd.waitall()
    out["aux_train"] = {"out": _np(r2), "aux": _np(rm), "grad": _np(d.grad)}
    with mx.autograd.train_mode():
        r3 = mx.nd.Custom(d, rm, op_type="tco_runscale", scale="0.5")
    mx.nd.waitall()
    out["aux_train_mode"] = {"out": _np(r3), "aux": _np(rm)}
    out["aux_log"] = list(LOG)

    # shape and dtype from infer_shape / infer_type
    xi = mx.nd.array([[1, 2, 3], [4, 5, 6]], dtype="float32")
    r = mx.nd.Custom(xi, op_type="tco_rowsum")
    out["rowsum"] = {"value": _np(r), "dtype": _dt(r), "shape": list(r.shape)}
    xi.attach_grad()
    with mx.autograd.record():
        r = mx.nd.Custom(xi, op_type="tco_rowsum")
    r.backward(mx.nd.array([1.0, -2.0], dtype="float64"))
    mx.nd.waitall()
    out["rowsum_grad"] = {"value": _np(xi.grad), "dtype": _dt(xi.grad)}
    h = mx.nd.array([1, 2], dtype="float16")
    r = mx.nd.Custom(mx.nd.array([[1, 2], [3, 4]], dtype="float16"), op_type="tco_rowsum")
    out["rowsum_f16"] = {"value": _np(r), "dtype": _dt(r)}
    del h

    # call order and what each callback sees
    del LOG[:]
    u = mx.nd.array([1.0, 2.0])
    v = mx.nd.array([5.0, 7.0])
    r = mx.nd.Custom(u, v, op_type="tco_logged", k1=3, k2=(1, 2), k3=True, k4=0.25, k5="s",
                     k6=None)
    mx.nd.waitall()
    out["logged_forward_value"] = _np(r)
    out["log_imperative"] = list(LOG)
    del LOG[:]
    u.attach_grad()
    with mx.autograd.record():
        r = mx.nd.Custom(u, v, op_type="tco_logged")
    r.backward(mx.nd.array([10.0, 100.0]))
    mx.nd.waitall()
    out["log_record"] = list(LOG)
    out["logged_grad"] = _np(u.grad)
    del LOG[:]
    u.attach_grad("add")
    v.attach_grad()
    for _ in range(2):
        with mx.autograd.record():
            r = mx.nd.Custom(u, v, op_type="tco_logged")
        r.backward()
        mx.nd.waitall()
    out["log_add"] = [e for e in LOG if e[0] in ("forward", "backward")]
    out["logged_grad_add"] = [_np(u.grad), _np(v.grad)]
    del LOG[:]
    with mx.autograd.record(train_mode=False):
        mx.nd.Custom(u, v, op_type="tco_logged")
    mx.nd.waitall()
    with mx.autograd.predict_mode():
        mx.nd.Custom(u, v, op_type="tco_logged")
    mx.nd.waitall()
    out["is_train"] = [e[1] for e in LOG if e[0] == "forward"]

    # out=
    o = mx.nd.zeros((2,))
    r = mx.nd.Custom(u, v, op_type="tco_logged", out=o)
    mx.nd.waitall()
    out["out_kwarg"] = {"same": r is o, "value": _np(o)}

    # errors
    one = mx.nd.array([1.0, 2.0])
    out["err_unknown"] = _err(mx, lambda: mx.nd.Custom(one, op_type="tco_no_such_op"))
    out["err_missing_op_type"] = _err(mx, lambda: mx.nd.Custom(one))
    out["err_too_many_inputs"] = _err(mx, lambda: mx.nd.Custom(one, one, op_type="tco_failing"))
    out["err_too_few_inputs"] = _err(mx, lambda: mx.nd.Custom(one, op_type="tco_sumprod"))
    out["err_data_kwarg"] = _err(mx, lambda: mx.nd.Custom(data=one, op_type="tco_failing"))
    out["err_infer_shape_count"] = _err(
        mx, lambda: mx.nd.Custom(one, op_type="tco_failing", where="count"))
    out["err_infer_shape_two_or_three"] = _err(
        mx, lambda: mx.nd.Custom(one, op_type="tco_failing", where="two_or_three"))
    out["err_infer_shape_in_shape"] = _err(
        mx, lambda: mx.nd.Custom(one, op_type="tco_failing", where="in_shape"))
    out["err_label_shape"] = _err(
        mx, lambda: mx.nd.Custom(x, mx.nd.array([1, 2]), op_type="tco_softmax"))
    out["err_forward"] = _err(mx, lambda: mx.nd.Custom(one, op_type="tco_failing",
                                                       where="forward"))

    def _bwd() -> None:
        w = mx.nd.array([1.0, 2.0])
        w.attach_grad()
        with mx.autograd.record():
            q = mx.nd.Custom(w, op_type="tco_failing", where="backward")
        q.backward()
        mx.nd.waitall()
    out["err_backward"] = _err(mx, _bwd)
    out["after_errors"] = _np(mx.nd.Custom(one, op_type="tco_failing") + 1)

    # module-level API
    out["custom_op_arguments"] = list(mx.operator.get_operator_arguments("Custom"))
    out["registered_head"] = mx.operator.get_all_registered_operators()[:3]
    return out


def main() -> None:
    import mxnet as mx
    define_ops(mx)
    res = scenarios(mx)
    res["_mxnet_version"] = mx.__version__
    with open(GOLDEN, "w") as f:
        json.dump(res, f, indent=1, sort_keys=True)
        f.write("\n")
    names = mx.operator.get_all_registered_operators()
    with open(NAMES, "w") as f:
        f.write('"""MXNet 1.9.1\'s registered operator names, as\n'
                "mx.operator.get_all_registered_operators() lists them.\n\n"
                'Generated by tools/oracle/record_custom_op.py; do not edit."""\n\n'
                "OP_NAMES: tuple = (\n")
        for n in names:
            f.write(f"    {n!r},\n")
        f.write(")\n")
    print(f"wrote {GOLDEN} and {NAMES} ({len(names)} names)", file=sys.stderr)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)  # MXNet's engine threads can hang interpreter shutdown after custom-op errors


if __name__ == "__main__":
    main()
