"""The op registry, queryable: every op's schema in MXNet's terms, and a way to call an op
from MXNet's stringified attributes (what a symbol JSON file holds).

Each op is declared once, with ``mxcompat.ndarray._op.register`` (see
docs/ops-how-defined.md); this module reads those declarations::

    >>> from mxcompat.ndarray import registry
    >>> registry.input_names("FullyConnected", {"num_hidden": "4", "no_bias": "True"})
    ['data', 'weight']
    >>> registry.aux_names("BatchNorm")
    ['moving_mean', 'moving_var']
    >>> [o.shape for o in registry.invoke("Convolution", [x, w, b], {"kernel": "(3, 3)",
    ...                                   "num_filter": "2"})]                # doctest: +SKIP

Names: an op is found by its mxcompat key (``"nd.clip"``, ``"contrib.quantize_v2"``), by its
public name in ``mx.nd`` (``"clip"``, an alias such as ``"Softmax"``), or by MXNet's registry
name as symbol JSON spells it (``"_contrib_quantize_v2"``, ``"_random_uniform"``,
``"_linalg_gemm2"``).

Inputs: :func:`input_names` lists the array inputs in call order, as MXNet's
``FListInputNames`` does for these attributes (an optional input whose switch is off, like
``bias`` with ``no_bias=True``, is left out; a variadic op's inputs are ``arg0, arg1, ...``).
Auxiliary states (BatchNorm's moving statistics) are inputs too: :func:`arg_names` is the list
without them, :func:`aux_names` the list of them.
"""
from __future__ import annotations

import keyword
from typing import Any, Dict, List, Mapping, Optional, Sequence

import torch

from ..base import MXNetError, MXNetValueError
from . import _op
from ._op import OPS, NAMESPACES, OpInfo, OpSpec, Param

__all__ = ["get", "ops", "spec", "describe", "parse_attrs", "input_names", "arg_names",
           "aux_names", "output_names", "num_outputs", "invoke", "mxnet_name", "key"]

#: MXNet registry-name prefix -> mxcompat namespace (MXNet's python/mxnet/base.py rule)
_PREFIXES = (("_contrib_", "contrib"), ("_linalg_", "linalg"), ("_sparse_", "sparse"),
             ("_image_", "image"), ("_random_", "random"), ("_sample_", "random"))


def _lookup(name: str) -> Optional[OpInfo]:
    info = OPS.get(name)
    if info is not None:
        return info
    if "." in name:
        ns, short = name.split(".", 1)
        fn = NAMESPACES.get(ns, {}).get(short)
        return getattr(fn, "_mx_info", None) or _by_fn(fn)
    fn = NAMESPACES.get("nd", {}).get(name)
    if fn is not None:
        return getattr(fn, "_mx_info", None) or _by_fn(fn) or OPS.get(f"nd.{name}")
    for prefix, ns in _PREFIXES:
        if name.startswith(prefix):
            short = name[len(prefix):]
            return _lookup(f"{ns}.{short}")
    fn = NAMESPACES.get("_internal", {}).get(name)
    if fn is not None:
        return getattr(fn, "_mx_info", None) or _by_fn(fn)
    return None


_FN_INDEX: Dict[int, OpInfo] = {}


def _by_fn(fn: Any) -> Optional[OpInfo]:
    if fn is None:
        return None
    if len(_FN_INDEX) != len(OPS):
        _FN_INDEX.clear()
        for info in OPS.values():
            _FN_INDEX.setdefault(id(info.fn), info)
    return _FN_INDEX.get(id(fn))


def get(name: str) -> OpInfo:
    """The registered op called ``name`` (an mxcompat key, a public or alias name, or MXNet's
    registry name); MXNetError if there is none."""
    info = _lookup(name)
    if info is None:
        raise MXNetError(f"Operator {name} is not registered in mxcompat (and not an op of "
                         "MXNet 1.9.1's mx.nd)")
    return info


def key(name: str) -> str:
    """The mxcompat key ("nd.clip", "contrib.quantize_v2") of an op name."""
    info = get(name)
    return f"{info.namespace}.{info.name}"


def mxnet_name(name: str) -> str:
    """MXNet's registry name of an op (what symbol JSON spells): ``contrib.quantize_v2`` ->
    ``_contrib_quantize_v2``, ``linalg.gemm2`` -> ``_linalg_gemm2``, ``nd.clip`` -> ``clip``.
    Python-level functions with no registry op of their own (``random.uniform``, which picks
    ``_random_uniform`` or ``_sample_uniform``) get the scalar-parameter form."""
    info = get(name)
    ns = info.namespace
    if ns in ("nd", "_internal"):
        return info.name
    if ns == "random" and not info.name.endswith("_like"):
        return f"_random_{info.name}"
    return f"_{ns}_{info.name}"


def ops(namespace: Optional[str] = None, supported: bool = True) -> List[str]:
    """The keys of every registered op (``"nd.clip"``, ...), sorted; with ``supported=False``
    also the names that exist only as stubs raising 'not supported'."""
    return sorted(k for k, i in OPS.items() if (i.supported or not supported)
                  and (namespace is None or i.namespace == namespace))


def spec(name: str) -> OpSpec:
    """The op's schema (:class:`~mxcompat.ndarray._op.OpSpec`)."""
    info = get(name)
    if "like" in info.extra:
        return spec(info.extra["like"])
    if info.spec is not None:
        return info.spec
    if not info.supported:
        raise MXNetError(f"{name}: not supported by mxcompat yet (no schema)")
    # an op that brings its own boundary: what its OpInfo knows (names only)
    return OpSpec(inputs=tuple(info.inputs),
                  params=tuple(Param(p, _op.Any_) for p in info.params), declared=False)


def describe(name: str) -> Dict[str, Any]:
    """The schema as plain data: inputs, parameters (type, default, required), outputs,
    auxiliary states, variadic count parameter, differentiability, torch equivalent."""
    info = get(name)
    s = spec(name)
    return {
        "name": info.name, "key": f"{info.namespace}.{info.name}", "mxnet_name": mxnet_name(name),
        "aliases": list(info.aliases), "family": info.family,
        "inputs": [{"name": n, "optional": bool(s.optional and n in s.optional),
                    "when": repr(s.optional[n]) if s.optional and s.optional.get(n) else None,
                    "variadic": n == s.variadic,
                    "aux": not callable(s.aux) and n in s.aux} for n in s.inputs],
        "params": [{"name": p.name, "type": p.type_name, "required": p.required,
                    "default": None if p.required else _plain(p.default)} for p in s.params],
        # outputs that depend on the parameters (split's num_outputs): ask output_names
        "outputs": None if callable(s.outputs) else list(s.outputs),
        "aux": None if callable(s.aux) else list(s.aux),
        "key_var_num_args": s.key_var_num_args,
        "differentiable": s.differentiable, "torch": info.torch, "declared": s.declared,
    }


def _plain(v: Any) -> Any:
    if isinstance(v, torch.dtype):
        from .. import _dtypes
        return _dtypes.name(v)
    if isinstance(v, (bool, int, float, str)) or v is None:
        return v
    if isinstance(v, tuple):
        return [_plain(x) for x in v]
    return repr(v)


def _is_hidden(k: str) -> bool:
    # symbol-level attributes (__lr_mult__, __init__, __profiler_scope__, ...) are no op's
    return k.startswith("__") and k.endswith("__")


def parse_attrs(name: str, attrs: Optional[Mapping[str, Any]] = None,
                defaults: bool = True) -> Dict[str, Any]:
    """Convert MXNet's stringified attributes (``{"kernel": "(3, 3)", "no_bias": "True"}``)
    to the op's parameter values, with the defaults of those not given (``defaults=False``:
    only those given). Symbol-level ``__x__`` attributes are skipped; an unknown one or a
    missing required one is an MXNetError naming the op, as a call would raise."""
    info = get(name)
    s = spec(name)
    by_name = {p.name: p for p in s.params}
    out: Dict[str, Any] = {}
    for k, v in (attrs or {}).items():
        if _is_hidden(k):
            continue
        p = by_name.get(k)
        if p is None:
            if not s.declared or s.python:
                out[k] = v
                continue
            _op._kw_error(info.name, {k: v}, tuple(by_name))
        elif v is None or (isinstance(v, str) and v == "None" and p.default is None
                           and not p.required):
            out[k] = None
        else:
            out[k] = p.conv(v, info.name, k)
    if defaults:
        for p in s.params:
            if p.name in out:
                continue
            if p.required:
                if s.declared and not s.python and p.name != s.key_var_num_args:
                    _op._missing(info.name, p.name, p.type_name)
                continue
            out[p.name] = p.default
    return out


def _num_var(name: str, s: OpSpec, params: Mapping[str, Any], n: Optional[int]) -> int:
    if n is not None:
        return n
    if s.key_var_num_args and params.get(s.key_var_num_args) is not None:
        return int(params[s.key_var_num_args])
    raise MXNetValueError(f"{name}: the number of inputs of a variadic op needs "
                          f"'{s.key_var_num_args or 'num_args'}'")


def _present(name: str, attrs: Optional[Mapping[str, Any]], num_inputs: Optional[int]
             ) -> List[str]:
    s = spec(name)
    params = parse_attrs(name, attrs) if s.declared else dict(attrs or {})
    if s.input_names is not None:
        return list(s.input_names(params))
    names: List[str] = []
    for n in s.inputs:
        if n == s.variadic:
            k = _num_var(name, s, params, None if num_inputs is None else
                         num_inputs - len(names))
            names += [f"arg{i}" for i in range(k)] if n in ("data", "args") or len(
                s.inputs) == 1 else [f"{n}{i}" for i in range(k)]
            continue
        pred = s.optional.get(n) if s.optional else None
        if s.optional and n in s.optional and pred is not None and not pred(params):
            continue
        names.append(n)
    return names


def input_names(name: str, attrs: Optional[Mapping[str, Any]] = None,
                num_inputs: Optional[int] = None) -> List[str]:
    """The array inputs in call order for these attributes, auxiliary states included
    (``num_inputs``: how many a variadic op gets when ``num_args`` is not among the
    attributes)."""
    return _present(name, attrs, num_inputs)


def arg_names(name: str, attrs: Optional[Mapping[str, Any]] = None,
              num_inputs: Optional[int] = None) -> List[str]:
    """The inputs that are arguments of a symbol (auxiliary states left out)."""
    aux = set(aux_names(name, attrs))
    return [n for n in _present(name, attrs, num_inputs) if n not in aux]


def aux_names(name: str, attrs: Optional[Mapping[str, Any]] = None) -> List[str]:
    """The auxiliary states (BatchNorm: moving_mean, moving_var)."""
    s = spec(name)
    if callable(s.aux):
        return list(s.aux(parse_attrs(name, attrs)))
    return list(s.aux)


def output_names(name: str, attrs: Optional[Mapping[str, Any]] = None) -> List[str]:
    """The visible outputs' names for these attributes (``output``; ``output0, output1, ...``
    for a multi-output op; BatchNorm with output_mean_var: ``output, mean, var``)."""
    s = spec(name)
    if callable(s.outputs):
        return list(s.outputs(parse_attrs(name, attrs)))
    return list(s.outputs)


def num_outputs(name: str, attrs: Optional[Mapping[str, Any]] = None) -> int:
    """How many visible outputs the op has for these attributes."""
    return len(output_names(name, attrs))


def invoke(name: str, inputs: Sequence[Any], attrs: Optional[Mapping[str, Any]] = None,
           out: Any = None) -> List[Any]:
    """Run the op on ``inputs`` (NDArrays or torch tensors, in :func:`input_names` order)
    with MXNet's (possibly stringified) attributes; returns the list of output NDArrays.

    This is the path a symbol executor takes for a node of symbol JSON; it gives what the
    keyword call ``mx.nd.<op>(*inputs, **params)`` gives."""
    info = get(name)
    s = spec(name)
    fn = info.fn
    arrays = [_as_nd(x) for x in inputs]
    kw: Dict[str, Any] = {k: v for k, v in (attrs or {}).items() if not _is_hidden(k)}
    if s.declared:
        kw = parse_attrs(name, kw, defaults=False)
    if s.variadic:
        # every input positional (dgl_subgraph's graph comes before its variadic data)
        res = fn(*arrays, **kw) if out is None else fn(*arrays, out=out, **kw)
    elif s.python:  # a Python-level function: its arrays positionally, as a caller passes them
        res = fn(*arrays, **kw) if out is None else fn(*arrays, out=out, **kw)
    else:
        names = _present(name, kw, len(arrays))
        if len(names) != len(arrays):
            raise MXNetValueError(f"{info.name}: expects {len(names)} inputs "
                                  f"({', '.join(names)}), got {len(arrays)}")
        if out is not None:
            kw["out"] = out
        kw.update((n + "_" if keyword.iskeyword(n) else n, a) for n, a in zip(names, arrays))
        res = fn(**kw)
    return list(res) if isinstance(res, (list, tuple)) else [res]


def _as_nd(x: Any) -> Any:
    if isinstance(x, torch.Tensor):
        from .ndarray import from_torch
        return from_torch(x)
    return x


def schema_table() -> Dict[str, Dict[str, Any]]:
    """:func:`describe` of every supported op, by key (for tools and docs)."""
    return {k: describe(k) for k in ops()}

