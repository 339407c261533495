"""What the Symbol front-end knows about each op, in one place.

Everything ``mx.sym`` needs to compose, name, save and run an op goes through :func:`get`:
canonical MXNet name, input names (which are optional under which parameters), auxiliary
states, parameter names with required ones, visible and total outputs with their names, and
the mxcompat function that runs it. The facts come from ``_opschema.json`` (recorded from
MXNet 1.9.1's own registry by ``tools/oracle/record_opschema.py``) plus the few rules below
that depend on parameter values; the implementation is the registered ``mx.nd`` op. When
the op registry (``mxcompat.ndarray.registry``) carries the same facts, only this module
changes: parameter converters already come from its schema (``registry.spec``).
"""
from __future__ import annotations

import json
import math
import os
from typing import Any, Callable, Dict, List, Optional, Tuple

from ..base import MXNetError

_HERE = os.path.dirname(os.path.abspath(__file__))
_SCHEMA: Dict[str, dict] = {}


def _schema() -> Dict[str, dict]:
    if not _SCHEMA:
        with open(os.path.join(_HERE, "_opschema.json"), encoding="utf-8") as f:
            _SCHEMA.update(json.load(f))
    return _SCHEMA


def _true(v: Any) -> bool:
    return str(v).strip().lower() in ("true", "1")


# ---- inputs that exist only under some parameter values ---------------------------------
def _no_bias(attrs: Dict[str, str]) -> Dict[str, bool]:
    return {"bias": not _true(attrs.get("no_bias", "False"))}


def _rnn_inputs(attrs: Dict[str, str]) -> Dict[str, bool]:
    return {"state_cell": attrs.get("mode") == "lstm",
            "sequence_length": _true(attrs.get("use_sequence_length", "False"))}


#: op -> attrs -> {optional input name: present?}
_OPTIONAL_INPUTS: Dict[str, Callable[[Dict[str, str]], Dict[str, bool]]] = {
    "FullyConnected": _no_bias, "Convolution": _no_bias, "Deconvolution": _no_bias,
    "Convolution_v1": _no_bias, "_contrib_DeformableConvolution": _no_bias,
    "_contrib_ModulatedDeformableConvolution": _no_bias, "RNN": _rnn_inputs,
    "SequenceMask": lambda a: {"sequence_length": _true(a.get("use_sequence_length", "0"))},
    "SequenceLast": lambda a: {"sequence_length": _true(a.get("use_sequence_length", "0"))},
    "SequenceReverse": lambda a: {"sequence_length": _true(a.get("use_sequence_length", "0"))},
    "LeakyReLU": lambda a: {"gamma": a.get("act_type") == "prelu"},
    "SoftmaxActivation": lambda a: {},
    "softmax": lambda a: {"length": _true(a.get("use_length", "False"))},
    "masked_softmax": lambda a: {},
}


# ---- outputs that depend on parameter values --------------------------------------------
def _n_outputs(key: str, default: int = 1) -> Callable[[Dict[str, str]], List[str]]:
    def names(attrs: Dict[str, str]) -> List[str]:
        n = int(attrs.get(key, default))
        return [f"output{i}" for i in range(n)]
    return names


def _split_v2(attrs: Dict[str, str]) -> List[str]:
    ind = attrs.get("indices", "()").strip("()[] ")
    sections = int(attrs.get("sections", "0") or 0)
    n = sections if sections > 0 else len([x for x in ind.split(",") if x.strip()]) + 1
    return [f"output{i}" for i in range(n)]


def _mean_var(second: str) -> Callable[[Dict[str, str]], List[str]]:
    def names(attrs: Dict[str, str]) -> List[str]:
        if _true(attrs.get("output_mean_var", "False")):
            return ["output", "mean", second]
        return ["output"]
    return names


def _rnn_outputs(attrs: Dict[str, str]) -> List[str]:
    if not _true(attrs.get("state_outputs", "False")):
        return ["output"]
    if attrs.get("mode") == "lstm":
        return ["output", "state_output", "statecell_output"]
    return ["output", "state_output"]


def _topk_outputs(attrs: Dict[str, str]) -> List[str]:
    return ["output0", "output1"] if attrs.get("ret_typ") == "both" else ["output"]


_VISIBLE_OUTPUTS: Dict[str, Callable[[Dict[str, str]], List[str]]] = {
    "SliceChannel": _n_outputs("num_outputs"), "_split_v2": _split_v2,
    "BatchNorm": _mean_var("var"), "LayerNorm": _mean_var("std"),
    "GroupNorm": _mean_var("std"), "RNN": _rnn_outputs, "topk": _topk_outputs,
}

#: total outputs (hidden ones included) that depend on parameters
_TOTAL_OUTPUTS: Dict[str, Callable[[Dict[str, str]], int]] = {
    "SliceChannel": lambda a: int(a.get("num_outputs", 1)),
    "_split_v2": lambda a: len(_split_v2(a)),
    "RNN": lambda a: len(_rnn_outputs(a)),
    "topk": lambda a: 2 if a.get("ret_typ") == "both" else 1,
}


# ---- ops mxcompat runs with a few lines here (MXNet's internal names) --------------------
def _scalar(attrs_value: Any) -> Any:
    s = str(attrs_value).strip()
    try:
        v = float(s)
    except ValueError:
        raise MXNetError(f"invalid scalar {s!r}") from None
    if math.isfinite(v) and v.is_integer() and "." not in s and "e" not in s.lower():
        return int(v)
    return v


def _internal_ops() -> Dict[str, Callable]:
    from .. import ndarray as nd

    def bin_scalar(f: Callable) -> Callable:
        def run(data: Any, scalar: Any = 1, is_int: Any = None) -> Any:
            return f(data, _scalar(scalar))
        return run

    return {
        "_plus_scalar": bin_scalar(lambda x, s: x + s),
        "_minus_scalar": bin_scalar(lambda x, s: x - s),
        "_rminus_scalar": bin_scalar(lambda x, s: s - x),
        "_mul_scalar": bin_scalar(lambda x, s: x * s),
        "_div_scalar": bin_scalar(lambda x, s: x / s),
        "_rdiv_scalar": bin_scalar(lambda x, s: s / x),
        "_mod_scalar": bin_scalar(lambda x, s: x % s),
        "_rmod_scalar": bin_scalar(lambda x, s: s % x),
        "_power_scalar": bin_scalar(lambda x, s: x ** s),
        "_rpower_scalar": bin_scalar(lambda x, s: s ** x),
        "_maximum_scalar": bin_scalar(nd.maximum),
        "_minimum_scalar": bin_scalar(nd.minimum),
        "_hypot_scalar": bin_scalar(nd.broadcast_hypot),
        "_equal_scalar": bin_scalar(lambda x, s: x == s),
        "_not_equal_scalar": bin_scalar(lambda x, s: x != s),
        "_greater_scalar": bin_scalar(lambda x, s: x > s),
        "_greater_equal_scalar": bin_scalar(lambda x, s: x >= s),
        "_lesser_scalar": bin_scalar(lambda x, s: x < s),
        "_lesser_equal_scalar": bin_scalar(lambda x, s: x <= s),
        "_logical_and_scalar": bin_scalar(nd.broadcast_logical_and),
        "_logical_or_scalar": bin_scalar(nd.broadcast_logical_or),
        "_logical_xor_scalar": bin_scalar(nd.broadcast_logical_xor),
        "_equal": lambda lhs, rhs: lhs == rhs, "_not_equal": lambda lhs, rhs: lhs != rhs,
        "_greater": lambda lhs, rhs: lhs > rhs, "_greater_equal": lambda lhs, rhs: lhs >= rhs,
        "_lesser": lambda lhs, rhs: lhs < rhs, "_lesser_equal": lambda lhs, rhs: lhs <= rhs,
        "_maximum": nd.maximum, "_minimum": nd.minimum, "_hypot": nd.broadcast_hypot,
        "_mod": lambda lhs, rhs: lhs % rhs, "_power": lambda lhs, rhs: lhs ** rhs,
        "_logical_and": nd.broadcast_logical_and, "_logical_or": nd.broadcast_logical_or,
        "_logical_xor": nd.broadcast_logical_xor,
        "_copy": nd.identity, "_NoGradient": nd.zeros_like,
        "_zeros": nd.zeros, "_ones": nd.ones, "_full": nd.full, "_arange": nd.arange,
        "_eye": nd.eye, "_linspace": nd.linspace, "_zeros_without_dtype": nd.zeros,
        "_grad_add": nd.elemwise_add,
        # Gluon's RNN layers join their flattened weights with it
        "_rnn_param_concat": nd.concat,
        # a shape constraint for inference; the identity when running
        "_identity_with_attr_like_rhs": lambda lhs, rhs: nd.identity(lhs),
    }


_INTERNAL: Dict[str, Callable] = {}

#: MXNet op-name prefixes and the mxcompat namespace holding the rest of the name
_PREFIXES: Tuple[Tuple[str, str], ...] = (
    ("_contrib_", "contrib"), ("_linalg_", "linalg"), ("_random_", "random"),
    ("_sample_", "random"), ("_image_", "image"), ("_sparse_", "sparse"), ("", "nd"),
    ("", "_internal"))


def _impl_for(op: str) -> Optional[Callable]:
    from ..ndarray._op import NAMESPACES
    if not _INTERNAL:
        _INTERNAL.update(_internal_ops())
    if op in _INTERNAL:
        return _INTERNAL[op]
    for pre, ns in _PREFIXES:
        if pre and not op.startswith(pre):
            continue
        f = NAMESPACES.get(ns, {}).get(op[len(pre):])
        if f is not None and not getattr(f, "_mx_stub", False):
            return f
    # random_uniform style names of the random namespace
    if op.startswith("_random_"):
        f = NAMESPACES.get("nd", {}).get("random_" + op[len("_random_"):])
        if f is not None and not getattr(f, "_mx_stub", False):
            return f
    return None


# ---- the record ---------------------------------------------------------------------
class OpDef:
    """One op as the Symbol front-end sees it."""

    __slots__ = ("name", "inputs", "aux", "params", "required", "key_var_num_args",
                 "_outputs", "_total", "_impl", "_impl_done", "param_types")

    def __init__(self, name: str, entry: dict):
        self.name = name
        self.inputs: Tuple[str, ...] = tuple(entry.get("inputs", ()))
        self.aux: Tuple[str, ...] = tuple(entry.get("aux", ()))
        plist = entry.get("params", [])
        self.params: Tuple[str, ...] = tuple(p for p, _t in plist)
        self.param_types: Dict[str, str] = {p: t for p, t in plist}
        self.required: Tuple[str, ...] = tuple(p for p, t in plist if "required" in t)
        self.key_var_num_args: str = entry.get("key_var_num_args", "")
        self._outputs: List[str] = list(entry.get("outputs") or ["output"])
        self._total: int = int(entry.get("num_outputs") or len(self._outputs))
        self._impl: Optional[Callable] = None
        self._impl_done = False

    @property
    def variadic(self) -> bool:
        return bool(self.key_var_num_args)

    def present_inputs(self, attrs: Dict[str, str]) -> List[str]:
        """The input names this op takes under ``attrs`` (variadic ops: not used)."""
        rule = _OPTIONAL_INPUTS.get(self.name)
        if rule is None:
            return list(self.inputs)
        opt = rule(attrs)
        return [n for n in self.inputs if opt.get(n, True)]

    def output_names(self, attrs: Dict[str, str]) -> List[str]:
        rule = _VISIBLE_OUTPUTS.get(self.name)
        return rule(attrs) if rule is not None else list(self._outputs)

    def num_outputs(self, attrs: Dict[str, str]) -> int:
        """All outputs, hidden ones included (for node_row_ptr)."""
        rule = _TOTAL_OUTPUTS.get(self.name)
        if rule is not None:
            return rule(attrs)
        return max(self._total, len(self.output_names(attrs)))

    @property
    def impl(self) -> Optional[Callable]:
        if not self._impl_done:
            self._impl = _impl_for(self.name)
            self._impl_done = True
        return self._impl

    def _spec(self) -> Any:
        """The op registry's schema of the implementation (None: not a registered op)."""
        info = getattr(self.impl, "_mx_info", None)
        if info is None:
            return None
        try:
            from ..ndarray import registry
            s = registry.spec(f"{info.namespace}.{info.name}")
        except (ImportError, MXNetError, KeyError):
            return None
        return s if getattr(s, "declared", False) else None

    def accepted(self) -> Optional[frozenset]:
        """The parameter names the mxcompat implementation takes (None: unknown)."""
        s = self._spec()
        if s is not None:
            return frozenset(p.name for p in s.params) | frozenset(s.inputs)
        info = getattr(self.impl, "_mx_info", None)
        if info is None:
            return None
        return frozenset(info.params) | frozenset(info.inputs)

    def call_params(self, attrs: Dict[str, str]) -> Dict[str, Any]:
        """The keyword arguments that run this op with ``attrs`` (MXNet's string values,
        converted once)."""
        conv = self.converters()
        acc = self.accepted()
        out: Dict[str, Any] = {}
        for k, v in attrs.items():
            if k not in self.param_types:
                continue
            if acc is not None and k not in acc:
                continue  # an MXNet tuning knob mxcompat does not take (workspace, ...)
            c = conv.get(k)
            out[k] = c(v, self.name, k) if c is not None else v
        return out

    def converters(self) -> Dict[str, Callable]:
        """The registered op's parameter converters by name (empty when unknown)."""
        s = self._spec()
        if s is not None:
            return {p.name: p.conv for p in s.params if p.name in self.param_types}
        f = self.impl
        g = getattr(f, "__globals__", None) or {}
        out = {}
        for p in self.params:
            c = g.get(f"_c_{p}")
            if c is not None:
                out[p] = c
        return out


_DEFS: Dict[str, OpDef] = {}


def get(name: str) -> Optional[OpDef]:
    """The op called ``name`` (canonical name or alias), or None when MXNet has no such op."""
    d = _DEFS.get(name)
    if d is not None:
        return d
    s = _schema()
    entry = s.get(name)
    if entry is None:
        return None
    canon = entry["op"]
    d = _DEFS.get(canon)
    if d is None:
        centry = s.get(canon, entry)
        d = OpDef(canon, centry)
        _DEFS[canon] = d
    _DEFS[name] = d
    return d


def all_names() -> List[str]:
    """Every op name (aliases included) MXNet 1.9.1 registers, but numpy-front-end ones."""
    return [n for n in _schema() if not n.startswith(("_np", "_npi", "_npx"))]


def canonical(name: str) -> str:
    e = _schema().get(name)
    return e["op"] if e else name
