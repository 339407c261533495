"""The queryable op registry (mxcompat.ndarray.registry).

- every op's schema (parameters, required ones, inputs, auxiliary states, outputs, also with
  the switches that change them: no_bias, output_mean_var, ret_typ, num_outputs) against what
  MXNet 1.9.1's own registry says (tests/golden/op_schema.json, recorded by
  tools/oracle/record_op_schema.py);
- calling an op through MXNet's stringified attributes (what symbol JSON holds) gives what the
  keyword call gives, for every conformance-matrix case of every registered op.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Dict, List

import numpy as np
import pytest

import mxcompat as mx
from mxcompat.base import MXNetError
from mxcompat.ndarray import _op, registry

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = json.loads((ROOT / "tests" / "golden" / "op_schema.json").read_text())["ops"]

#: ops whose declaration does not (yet) say all MXNet's registry says, with what differs;
#: the test fails when one of them starts to match (remove it here) or another one differs
KNOWN_GAPS: Dict[str, str] = {
    "_internal._split_v2": "no 'sections' parameter; outputs depend on indices/sections",
    "nd.amp_cast": "bfloat16 is not a supported dtype",
    "nd.cast": "bfloat16 is not a supported dtype",
    "nd.cast_storage": "a Python function here: stype has no 'required' mark",
    "sparse.cast_storage": "a Python function here: stype has no 'required' mark",
    "nd.multi_mp_sgd_mom_update": "lrs/wds may come positionally inside data (checked in the op)",
    "nd.multi_mp_sgd_update": "lrs/wds may come positionally inside data (checked in the op)",
    "nd.multi_sgd_mom_update": "lrs/wds may come positionally inside data (checked in the op)",
    "nd.multi_sgd_update": "lrs/wds may come positionally inside data (checked in the op)",
    "nd.sample_multinomial": "a Python function here: get_prob's second output not declared",
    # MXNet's Python-level random functions, compared with the registry op they call
    "random.exponential": "mx.nd.random.exponential(scale) calls _random_exponential(lam)",
    "random.exponential_like": "a Python function here: its parameters are not declared",
    "random.gamma_like": "a Python function here: its parameters are not declared",
    "random.generalized_negative_binomial_like": "a Python function here: parameters not "
                                                 "declared",
    "random.negative_binomial_like": "a Python function here: its parameters are not declared",
    "random.normal_like": "a Python function here: its parameters are not declared",
    "random.poisson_like": "a Python function here: its parameters are not declared",
    "random.uniform_like": "a Python function here: its parameters are not declared",
    "sparse.adagrad_update": "MXNet's sparse-only op: no dense op to take the schema from",
}


def _gparams(g: Dict[str, Any]) -> List[List[str]]:
    return [[a, t] for a, t in g["args"] if not t.startswith(("NDArray", "Symbol"))]


def _schema_diffs(key: str) -> List[str]:
    """How mxcompat's schema of ``key`` differs from MXNet's registry (empty: it matches)."""
    g = GOLDEN.get(registry.mxnet_name(key))
    if g is None:
        return []
    s = registry.spec(key)
    diffs = []
    kv = g["key_var_num_args"]
    ours = {p.name for p in s.params} - {kv}
    theirs = {a for a, _ in _gparams(g)} - {kv}
    if ours != theirs:
        diffs.append(f"params {sorted(ours ^ theirs)}")
    req = {a for a, t in _gparams(g) if "required" in t} - {kv}
    oreq = {p.name for p in s.params if p.required} - {kv}
    if req != oreq:
        diffs.append(f"required {sorted(req ^ oreq)}")
    sym = g["symbol"]
    if "error" in sym:
        return diffs
    for attrs, want in [(sym["attrs"], sym)] + [(dict(sym["attrs"], **v["attrs"]), v)
                                                for v in sym.get("variants", [])]:
        try:
            got = {"arguments": registry.arg_names(key, attrs),
                   "aux": registry.aux_names(key, attrs),
                   "outputs": registry.output_names(key, attrs)}
        except MXNetError as e:
            diffs.append(f"{attrs}: {e}")
            continue
        for what in ("arguments", "aux", "outputs"):
            if got[what] != want[what]:
                diffs.append(f"{what} with {attrs}: {got[what]} != {want[what]}")
    return diffs


def test_schema_matches_mxnet_registry():
    checked = 0
    diffs = {}
    for key in registry.ops():
        if registry.mxnet_name(key) not in GOLDEN:
            continue
        checked += 1
        d = _schema_diffs(key)
        if d:
            diffs[key] = "; ".join(d)
    assert checked > 380
    new = {k: v for k, v in diffs.items() if k not in KNOWN_GAPS}
    fixed = sorted(k for k in KNOWN_GAPS if k not in diffs)
    assert not new, "schemas differ from MXNet 1.9.1's registry:\n" + "\n".join(
        f"{k}: {v}" for k, v in sorted(new.items()))
    assert not fixed, f"these now match MXNet: remove them from KNOWN_GAPS: {fixed}"


def test_every_op_is_declared_through_register():
    # one declaration per op: every implemented op has a schema from _op.register, and no op
    # module writes the registry tables itself
    assert all(i.spec is not None for i in _op.OPS.values() if i.supported)
    import re
    write = re.compile(r"\b(OPS|NAMESPACES)(\[[^\]]*\])+(\.fn)?\s*=(?!=)|NAMESPACES\.setdefault"
                       r"|\bOpInfo\(|_op\._add\(")
    pkg = ROOT / "mxcompat" / "ndarray"
    for f in sorted(pkg.glob("*.py")):
        if f.name in ("_op.py", "registry.py", "__init__.py"):  # __init__ publishes stubs
            continue
        m = write.search(f.read_text())
        assert m is None, f"{f.name} writes the op tables directly ({m.group(0)})"


def test_type_names_of_required_params_are_mxnet_s():
    # the missing-parameter error names MXNet's type ("kernel of Shape(tuple)")
    for key in registry.ops():
        g = GOLDEN.get(registry.mxnet_name(key))
        if g is None or registry.spec(key).python:
            continue
        want = {a: t.split(", required")[0] for a, t in _gparams(g) if "required" in t}
        for p in registry.spec(key).params:
            if p.required and p.name in want and not want[p.name].startswith("{"):
                assert p.type_name == want[p.name], (key, p.name)


def test_lookup_by_every_kind_of_name():
    assert registry.get("clip") is registry.get("nd.clip") is _op.OPS["nd.clip"]
    assert registry.key("_contrib_quantize_v2") == "contrib.quantize_v2"
    assert registry.key("_linalg_gemm2") == "linalg.gemm2"
    assert registry.key("_random_uniform") == "random.uniform"
    assert registry.key("_sample_uniform") == "random.uniform"
    assert registry.key("Softmax") == "nd.SoftmaxOutput"  # an alias
    assert registry.mxnet_name("contrib.quantize_v2") == "_contrib_quantize_v2"
    assert registry.mxnet_name("linalg.gemm2") == "_linalg_gemm2"
    with pytest.raises(MXNetError, match="not_an_op"):
        registry.get("not_an_op")


def test_query_fully_connected_and_batchnorm():
    assert registry.input_names("FullyConnected", {"num_hidden": "4"}) == ["data", "weight",
                                                                            "bias"]
    assert registry.input_names("FullyConnected", {"num_hidden": "4", "no_bias": "True"}) == [
        "data", "weight"]
    assert registry.input_names("BatchNorm") == ["data", "gamma", "beta", "moving_mean",
                                                 "moving_var"]
    assert registry.arg_names("BatchNorm") == ["data", "gamma", "beta"]
    assert registry.aux_names("BatchNorm") == ["moving_mean", "moving_var"]
    assert registry.output_names("BatchNorm", {"output_mean_var": "True"}) == [
        "output", "mean", "var"]
    assert registry.input_names("Concat", {"num_args": "3", "dim": "0"}) == ["arg0", "arg1",
                                                                             "arg2"]
    d = registry.describe("Convolution")
    kernel = next(p for p in d["params"] if p["name"] == "kernel")
    assert kernel == {"name": "kernel", "type": "Shape(tuple)", "required": True,
                      "default": None}
    assert d["torch"] and d["outputs"] == ["output"]
    assert registry.describe("FullyConnected")["inputs"][2] == {
        "name": "bias", "optional": True, "when": "no_bias=False", "variadic": False,
        "aux": False}
    assert registry.describe("split")["outputs"] is None  # depends on num_outputs
    assert registry.output_names("split", {"num_outputs": "3"}) == ["output0", "output1",
                                                                    "output2"]


def test_parse_attrs_converts_strings_and_rejects_bad_ones():
    p = registry.parse_attrs("Convolution", {"kernel": "(3, 3)", "num_filter": "8",
                                             "no_bias": "True", "__lr_mult__": "2"})
    assert p["kernel"] == (3, 3) and p["num_filter"] == 8 and p["no_bias"] is True
    assert p["stride"] == () and p["num_group"] == 1  # defaults filled in
    with pytest.raises(MXNetError, match="Required parameter kernel of Shape\\(tuple\\)"):
        registry.parse_attrs("Convolution", {"num_filter": "8"})
    with pytest.raises(MXNetError, match="Cannot find argument 'kernal'"):
        registry.parse_attrs("Convolution", {"kernal": "(3, 3)", "num_filter": "8"})
    with pytest.raises(MXNetError, match="no_bias"):
        registry.parse_attrs("Convolution", {"kernel": "(3, 3)", "num_filter": "8",
                                             "no_bias": "maybe"})


def test_describe_is_plain_data_for_every_op():
    table = registry.schema_table()
    assert len(table) == len(registry.ops()) > 450
    json.dumps(table)  # JSON-serialisable: what a tool or the symbol layer reads


def test_invoke_takes_torch_tensors():
    import torch
    x = torch.arange(6, dtype=torch.float32).reshape(2, 3)
    (r,) = registry.invoke("clip", [x], {"a_min": "1", "a_max": "4"})
    np.testing.assert_array_equal(r.asnumpy(), np.clip(x.numpy(), 1, 4))
    outs = registry.invoke("topk", [mx.nd.array(x)], {"k": "2", "ret_typ": "both"})
    assert len(outs) == registry.num_outputs("topk", {"ret_typ": "both"}) == 2


# ---- the string-attribute path against the keyword path, on the matrix's cases -------------
def _cases():
    from compat_matrix import cases as _cases_mod
    out = []
    for _fam, cs in sorted(_cases_mod.load().items()):
        for c in cs:
            if (c.raises or c.call is not None or c.args or not c.kwargs
                    or c.op.startswith(("NDArray.", "gluon."))):
                continue
            try:
                info = registry.get(c.op)
            except MXNetError:
                continue
            if not info.supported or c.mx_crash or c.extension:
                continue
            out.append(c)
    return out


def _stringify(v: Any) -> Any:
    if isinstance(v, (mx.nd.NDArray, mx.Context)) or callable(v):
        return v
    return str(v)


@pytest.mark.parametrize("case", _cases(), ids=lambda c: c.id)
def test_string_attrs_give_the_keyword_result(case):
    from compat_matrix import spec
    dtype = "float32" if "float32" in case.dtypes else case.dtypes[0]
    ctx = mx.cpu()
    kwargs = {k: spec.subst(v, dtype, ctx) for k, v in case.kwargs.items()}
    ins = spec.make_inputs(case, dtype, 0, case.samples[0])

    def arrays():
        return [mx.nd.array(a, dtype=a.dtype) for a in ins]
    fn = registry.get(case.op).fn
    attrs = {k: _stringify(v) for k, v in kwargs.items()}
    mx.random.seed(7)
    try:
        want = spec.outputs(fn(*arrays(), **kwargs))
    except MXNetError as e:  # the string path raises the same error
        mx.random.seed(7)
        with pytest.raises(type(e)) as got_e:
            registry.invoke(case.op, arrays(), attrs)
        assert str(got_e.value) == str(e)
        return
    mx.random.seed(7)
    got = registry.invoke(case.op, arrays(), attrs)
    assert want[0] in ("nd", "nds"), want
    assert len(got) == len(want[1])
    for g, w in zip(got, want[1]):
        g = g.asnumpy()
        assert g.dtype == w.dtype and g.shape == w.shape
        if case.values:
            np.testing.assert_array_equal(g, w)


# ---- MXNet's internal scalar ops (what symbol JSON holds for ``x + 1``) ---------------------
SCALAR_OPS = json.loads((ROOT / "tests" / "golden" / "op_schema.json").read_text())[
    "scalar_ops"]


@pytest.mark.parametrize("name", sorted(SCALAR_OPS))
def test_internal_scalar_ops_match_mxnet(name):
    import sys
    sys.path.insert(0, str(ROOT / "tools" / "oracle"))
    import record_op_schema as rec
    for key, want in SCALAR_OPS[name].items():
        dt, sc = key.split("|")
        data = rec.SCALAR_DATA
        if dt == "int32" and name in ("_rdiv_scalar", "_rmod_scalar"):
            data = [v for v in data if int(v) != 0]
        x = mx.nd.array(np.array(data).astype(dt), dtype=dt)
        if "error" in want:
            with pytest.raises(MXNetError):
                registry.invoke(name, [x], {"scalar": sc})
            continue
        (got,) = registry.invoke(name, [x], {"scalar": sc})
        assert got.dtype == np.dtype(want["dtype"]), (key, got.dtype)
        np.testing.assert_allclose(got.asnumpy().astype(np.float64).ravel(), want["values"],
                                   rtol=1e-6, atol=0, err_msg=key)
        assert getattr(mx.nd._internal, name) is registry.get(name).fn
