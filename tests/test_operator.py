"""mx.operator custom operators and mx.nd.Custom against MXNet 1.9.1.

The op definitions and scenarios live in tools/oracle/record_custom_op.py, which recorded
tests/golden/custom_op.json by running them under real MXNet; here the same code runs against
mxcompat and must give the same values, gradients, call order and errors.
"""
from __future__ import annotations

import importlib.util
import json
import math
import os
import subprocess
import sys
import warnings
from typing import Any

import numpy as np
import pytest

import mxcompat as mx
from mxcompat.base import MXNetError

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GOLDEN = os.path.join(ROOT, "tests", "golden", "custom_op.json")


def _load_recorder() -> Any:
    path = os.path.join(ROOT, "tools", "oracle", "record_custom_op.py")
    spec = importlib.util.spec_from_file_location("_record_custom_op", path)
    mod = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(mod)
    return mod


REC = _load_recorder()
REC.define_ops(mx)


@pytest.fixture(scope="module")
def golden() -> dict:
    with open(GOLDEN) as f:
        return json.load(f)


@pytest.fixture(scope="module")
def ours() -> dict:
    return REC.scenarios(mx)


def _close(a: Any, b: Any, path: str = "") -> None:
    """Recursive comparison: floats within float32 tolerance, everything else equal."""
    if isinstance(a, float) or isinstance(b, float):
        assert isinstance(a, (int, float)) and isinstance(b, (int, float)), (path, a, b)
        assert math.isclose(a, b, rel_tol=1e-5, abs_tol=1e-6), (path, a, b)
    elif isinstance(a, (list, tuple)):
        assert isinstance(b, (list, tuple)) and len(a) == len(b), (path, a, b)
        for i, (x, y) in enumerate(zip(a, b)):
            _close(x, y, f"{path}[{i}]")
    elif isinstance(a, dict):
        assert isinstance(b, dict) and sorted(a) == sorted(b), (path, a, b)
        for k in a:
            _close(a[k], b[k], f"{path}.{k}")
    else:
        assert a == b, (path, a, b)


VALUE_KEYS = [
    "softmax_forward", "softmax_grad", "softmax_grad_scaled_head", "sumprod_forward",
    "sumprod_grad", "sumprod_grad_second_head", "sumprod_grad_head_grads", "aux_predict",
    "aux_train", "aux_train_mode", "aux_log", "rowsum", "rowsum_grad", "rowsum_f16",
    "logged_forward_value", "log_imperative", "log_record", "logged_grad", "log_add",
    "logged_grad_add", "is_train", "out_kwarg", "after_errors", "custom_op_arguments",
    "registered_head",
]


@pytest.mark.parametrize("key", VALUE_KEYS)
def test_same_as_mxnet(key: str, golden: dict, ours: dict) -> None:
    _close(ours[key], golden[key], key)


def test_every_recorded_scenario_is_checked(golden: dict) -> None:
    keys = {k for k in golden if not k.startswith("_")}
    assert keys == set(VALUE_KEYS) | set(ERRORS), keys ^ (set(VALUE_KEYS) | set(ERRORS))


#: error scenario -> text MXNet's message and ours share (None: MXNet only reports a failed
#: callback check, ours names the callback and the exception: `ours_has`)
ERRORS = {
    "err_unknown": "Cannot find custom operator tco_no_such_op",
    "err_missing_op_type": "Required argument `op_type` is missing.",
    "err_too_many_inputs": "Operator Custom expects 1 inputs, but got 2 instead.",
    "err_too_few_inputs": "Operator Custom expects 2 inputs, but got 1 instead.",
    "err_data_kwarg": "Operator Custom expects 1 inputs, but got 0 instead.",
    "err_infer_shape_in_shape": "Shape inconsistent, Provided = [2], inferred shape=[7]",
    "err_label_shape": "Shape inconsistent, Provided = [2], inferred shape=[3]",
    "err_infer_shape_count": None,
    "err_infer_shape_two_or_three": None,
    "err_forward": None,
    "err_backward": None,
}
OURS_HAS = {
    "err_infer_shape_count": "tco_failing.infer_shape: AssertionError: InferShape Error: "
                             "expecting 1 entries in returned output shapes, got 0.",
    "err_infer_shape_two_or_three": "infer_shape must return 2 or 3 lists",
    "err_forward": "Error in CustomOp.forward: ValueError: forward failed on purpose",
    "err_backward": "Error in CustomOp.backward: ValueError: backward failed on purpose",
}


@pytest.mark.parametrize("key", sorted(ERRORS))
def test_errors_as_mxnet(key: str, golden: dict, ours: dict) -> None:
    g, o = golden[key], ours[key]
    assert g["raised"] and g["mxnet_error"]
    assert o["raised"] and o["mxnet_error"], o
    phrase = ERRORS[key]
    if phrase is not None:
        assert phrase in g["last_line"]
        assert phrase in o["last_line"], o
    else:
        assert OURS_HAS[key] in o["last_line"], o


# ---- behaviour the recorded scenarios do not cover --------------------------------------------
def test_namespace_and_stub_gone() -> None:
    assert mx.operator.CustomOp is not None
    assert not getattr(mx.nd.Custom, "_mx_stub", False)
    assert mx.nd.op.Custom is mx.nd.Custom
    assert "custom_op" in mx.operator._REGISTRY
    names = mx.operator.get_all_registered_operators()
    assert len(names) == 1167 and "Custom" in names and "Activation" in names


def test_legacy_op_classes_unsupported() -> None:
    with pytest.raises(MXNetError, match="NDArrayOp"):
        mx.operator.NDArrayOp  # noqa: B018


def test_get_operator_arguments_errors() -> None:
    with pytest.raises(MXNetError, match="Operator tco_softmax is not registered"):
        mx.operator.get_operator_arguments("tco_softmax")
    with pytest.raises(MXNetError, match="not supported"):
        mx.operator.get_operator_arguments("Activation")


def test_import_mxnet_operator_under_redirect() -> None:
    code = ("import mxcompat; mxcompat.install()\n"
            "import mxnet.operator\n"
            "from mxnet.operator import CustomOp, CustomOpProp, register\n"
            "import mxnet as mx\n"
            "assert mx.operator is mxnet.operator and CustomOp is mx.operator.CustomOp\n"
            "print('ok')\n")
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                       cwd=ROOT, timeout=120)
    assert r.returncode == 0 and r.stdout.strip() == "ok", r.stderr


class _Probe(mx.operator.CustomOp):
    seen: dict = {}

    def forward(self, is_train, req, in_data, out_data, aux):
        self.assign(out_data[0], req[0], in_data[0] * 2)

    def backward(self, req, out_grad, in_data, out_data, in_grad, aux):
        _Probe.seen = {"req": list(req), "out_grad": [g.asnumpy() for g in out_grad],
                       "in_grad": [g.asnumpy().copy() for g in in_grad]}
        self.assign(in_grad[0], req[0], mx.nd.ones_like(in_data[0]) * 2)


@mx.operator.register("tco_test_probe")
class _ProbeProp(mx.operator.CustomOpProp):
    def __init__(self, top="True"):
        super().__init__(need_top_grad=(top == "True"))

    def list_arguments(self):
        return ["a", "b"]

    def create_operator(self, ctx, shapes, dtypes):
        return _Probe()


def test_need_top_grad_false_gives_zero_out_grad() -> None:
    # MXNet hands backward empty, unreadable out_grad arrays here; mxcompat: zeros
    a, b = mx.nd.array([1.0, 2.0]), mx.nd.array([3.0, 4.0])
    a.attach_grad()
    with mx.autograd.record():
        y = mx.nd.Custom(a, b, op_type="tco_test_probe", top=False)
    y.backward(mx.nd.array([5.0, 6.0]))
    assert _Probe.seen["req"] == ["write", "null"]
    np.testing.assert_array_equal(_Probe.seen["out_grad"][0], [0.0, 0.0])
    for g in _Probe.seen["in_grad"]:
        np.testing.assert_array_equal(g, [0.0, 0.0])
    np.testing.assert_array_equal(a.grad.asnumpy(), [2.0, 2.0])
    with mx.autograd.record():
        y = mx.nd.Custom(a, b, op_type="tco_test_probe")
    y.backward(mx.nd.array([5.0, 6.0]))
    np.testing.assert_array_equal(_Probe.seen["out_grad"][0], [5.0, 6.0])


def test_not_recorded_outside_record() -> None:
    a = mx.nd.array([1.0, 2.0])
    a.attach_grad()
    y = mx.nd.Custom(a, mx.nd.array([0.0, 0.0]), op_type="tco_test_probe")
    with pytest.raises(MXNetError, match="not in a computational graph"):
        y.backward()


def test_reregistering_warns_and_replaces() -> None:
    class A(mx.operator.CustomOpProp):
        pass

    class B(mx.operator.CustomOpProp):
        pass

    mx.operator.register("tco_test_twice")(A)
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        assert mx.operator.register("tco_test_twice")(B) is B
    assert any("overriding existing custom operator tco_test_twice" in str(x.message) for x in w)
    assert mx.operator._REGISTRY["tco_test_twice"] is B


def test_property_constructor_error_is_mxnet_error() -> None:
    # (MXNet 1.9.1 crashes with a segfault here)
    with pytest.raises(MXNetError, match=r"tco_test_probe.__init__: TypeError"):
        mx.nd.Custom(mx.nd.ones((2,)), mx.nd.ones((2,)), op_type="tco_test_probe", bad=1)


def test_infer_type_must_return_numpy_types() -> None:
    @mx.operator.register("tco_test_strtype")
    class P(mx.operator.CustomOpProp):
        def infer_type(self, in_type):
            return in_type, ["int32"], []

    with pytest.raises(MXNetError, match=r"tco_test_strtype.infer_type: KeyError"):
        mx.nd.Custom(mx.nd.ones((2,)), op_type="tco_test_strtype")


def test_base_custom_op_outputs_zeros() -> None:
    # the default 'custom_op' forward writes nothing: MXNet returns uninitialised memory,
    # mxcompat zeros
    r = mx.nd.Custom(mx.nd.ones((2, 2)), op_type="custom_op")
    assert r.shape == (2, 2) and r.dtype == np.float32
    np.testing.assert_array_equal(r.asnumpy(), np.zeros((2, 2)))


def test_assign_reqs() -> None:
    op = mx.operator.CustomOp()
    d = mx.nd.array([1.0, 2.0])
    op.assign(d, "null", mx.nd.array([5.0, 5.0]))
    np.testing.assert_array_equal(d.asnumpy(), [1.0, 2.0])
    op.assign(d, "write", mx.nd.array([5.0, 6.0]))
    np.testing.assert_array_equal(d.asnumpy(), [5.0, 6.0])
    op.assign(d, "inplace", mx.nd.array([1.0, 1.0]))
    np.testing.assert_array_equal(d.asnumpy(), [1.0, 1.0])
    op.assign(d, "add", mx.nd.array([2.0, 3.0]))
    np.testing.assert_array_equal(d.asnumpy(), [3.0, 4.0])


def test_non_ndarray_input() -> None:
    with pytest.raises(MXNetError, match="must be an NDArray"):
        mx.nd.Custom([1.0, 2.0], op_type="custom_op")


def test_custom_inside_larger_graph() -> None:
    # gradients flow through the custom op from upstream and downstream torch-recorded ops
    x = mx.nd.array([0.5, -1.0, 2.0])
    x.attach_grad()
    with mx.autograd.record():
        h = mx.nd.exp(x)
        s, p = mx.nd.Custom(h, h * 2, op_type="tco_sumprod")
        loss = (s + p).sum()
    loss.backward()
    e = np.exp(np.array([0.5, -1.0, 2.0], dtype=np.float32))
    # s + p = 3h + 2h^2  ->  d/dx = (3 + 4h) * h
    np.testing.assert_allclose(x.grad.asnumpy(), (3 + 4 * e) * e, rtol=1e-5)
