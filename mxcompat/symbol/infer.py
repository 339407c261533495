"""``infer_shape`` / ``infer_type`` of a Symbol: the graph is run on meta tensors (no data,
no compute), with the parameter-shape rules Gluon's deferred initialization uses for the
inputs nobody gave (a FullyConnected weight from its data and ``num_hidden``)."""
from __future__ import annotations

import warnings
from typing import Any, Dict, List, Optional, Tuple

import numpy as np
import torch

from .. import _dtypes
from ..base import MXNetError
from .symbol import Symbol, _aux_nodes, _Node

_META = torch.device("meta")


def _shape_rules() -> Dict[str, Any]:
    from ..gluon.block import _SHAPE_RULES
    return _SHAPE_RULES


def _prod(s: Any) -> int:
    n = 1
    for d in s:
        n *= int(d)
    return n


def _true(v: Any) -> bool:
    return v is True or str(v).lower() in ("true", "1")


def _extra_rule(op: str, shapes: Dict[str, Any], p: Dict[str, Any]) -> Dict[str, tuple]:
    """Shape rules for inputs the Gluon table does not cover."""
    data = shapes.get("data")
    if data is None:
        return {}
    if op == "Embedding":
        return {"weight": (int(p["input_dim"]), int(p["output_dim"]))}
    if op == "SoftmaxOutput":
        if _true(p.get("multi_output", False)):
            return {"label": (data[0],) + tuple(data[2:])}
        if _true(p.get("preserve_shape", False)):
            return {"label": tuple(data[:-1])}
        return {"label": (data[0],)}
    if op in ("LinearRegressionOutput", "LogisticRegressionOutput", "MAERegressionOutput"):
        return {"label": tuple(data)}
    if op == "SVMOutput":
        return {"label": (data[0],)}
    if op == "RNN":
        return _rnn_rule(data, p)
    return {}


def _rnn_rule(data: Any, p: Dict[str, Any]) -> Dict[str, tuple]:
    mode = p.get("mode", "lstm")
    gates = {"lstm": 4, "gru": 3}.get(mode, 1)
    h = int(p["state_size"])
    layers = int(p["num_layers"])
    dirs = 2 if _true(p.get("bidirectional", False)) else 1
    proj = p.get("projection_size")
    n = 0
    size = int(data[2])
    for layer in range(layers):
        isz = size if layer == 0 else h * dirs
        n += dirs * gates * h * (isz + h + 2)
    if proj:
        raise MXNetError("RNN: projection_size is not supported by shape inference")
    st = (layers * dirs, int(data[1]), h)
    return {"parameters": (n,), "state": st, "state_cell": st}


def _given(sym: Symbol, args: tuple, kwargs: Dict[str, Any], what: str) -> Dict[str, Any]:
    names = sym.list_arguments()
    given: Dict[str, Any] = {}
    if args:
        if len(args) > len(names):
            raise MXNetError(f"{what}: {len(args)} positional arguments, the symbol has "
                             f"{len(names)} arguments")
        for n, v in zip(names, args, strict=False):
            if v is not None:
                given[n] = v
    for k, v in kwargs.items():
        if v is not None:
            given[k] = v
    return given


def _var_shape(n: _Node, given: Dict[str, Any]) -> Optional[tuple]:
    s = given.get(n.name)
    if s is None:
        a = n.attrs.get("__shape__")
        if a is None:
            return None
        try:
            s = tuple(int(x) for x in a.strip("()[] ").split(",") if x.strip())
        except ValueError:
            raise MXNetError(f"variable '{n.name}': bad __shape__ {a!r}") from None
    else:
        if isinstance(s, int):
            s = (s,)
        s = tuple(int(x) for x in s)
    if not s:  # () is "unknown" in MXNet 1.x (0 marks an unknown dimension)
        return None
    # in np_shape mode -1 marks an unknown dimension: 0 inside this module
    return tuple(max(int(d), 0) for d in s)


def _var_dtype(n: _Node, types: Dict[str, Any]) -> Optional[torch.dtype]:
    t = types.get(n.name)
    if t is not None:
        return _dtypes.to_torch(t)
    a = n.attrs.get("__dtype__")
    if a is not None and a.strip().lstrip("-").isdigit() and int(a) >= 0:
        return _dtypes.FLAG_TO_TORCH.get(int(a))
    return None


_SEQUENCE_OPS = frozenset({"SequenceLast", "SequenceMask", "SequenceReverse"})


def _run_node(n: _Node, vals: List[Any]) -> List[Any]:
    """Outputs (tensors) of ``n`` on meta inputs; real zeros when an op needs data."""
    from ..ndarray.ndarray import _wrap
    d = n.opdef
    fn = d.impl
    if fn is None:
        raise MXNetError(f"node '{n.name}': operator '{n.op}' is not supported by mxcompat")
    params = d.call_params(n.attrs)
    from .executor import _call_op
    try:
        r = _call_op(fn, n, [_wrap(v) for v in vals], params)
    except Exception:  # noqa: BLE001 - meta tensors unsupported: run on zeros
        # sequence lengths of 0 are invalid for SequenceLast/Mask/Reverse: use 1
        fill = torch.ones if n.op in _SEQUENCE_OPS else torch.zeros
        real = [fill(v.shape, dtype=v.dtype) for v in vals]
        try:
            r = _call_op(fn, n, [_wrap(v) for v in real], params)
        except MXNetError as e:
            raise MXNetError(f"infer_shape error in node '{n.name}' ({n.op}): {e}") from None
        except Exception as e:  # noqa: BLE001
            raise MXNetError(f"infer_shape error in node '{n.name}' ({n.op}): "
                             f"{str(e).splitlines()[0] if str(e) else type(e).__name__}") \
                from None
    outs = r if isinstance(r, (list, tuple)) else [r]
    return [o._t if hasattr(o, "_t") else o for o in outs]


#: creation ops whose ``shape`` may hold 0 (unknown) dimensions the consumer decides
CREATION_OPS = frozenset({"_zeros", "_ones", "_full", "_zeros_without_dtype"})


def unknown_creation(n: _Node) -> bool:
    """A zeros/ones/full node whose shape has unknown (0) dimensions."""
    if n.op not in CREATION_OPS:
        return False
    shape = n.attrs.get("shape", "()")
    try:
        dims = [int(x) for x in shape.strip("()[] ").split(",") if x.strip()]
    except ValueError:
        return False
    return any(d == 0 for d in dims)


def _declared_shape(n: _Node) -> tuple:
    """The (partly unknown) shape attribute of a creation node."""
    return tuple(int(x) for x in n.attrs.get("shape", "()").strip("()[] ").split(",")
                 if x.strip())


def rule_shapes(n: _Node, known: Dict[str, Optional[tuple]]) -> Dict[str, tuple]:
    """Shapes of ``n``'s inputs that its op's rule derives from the known ones."""
    d = n.opdef
    p = d.call_params(n.attrs)
    entry = _shape_rules().get(d.name)
    inferred: Dict[str, tuple] = {}
    try:
        if entry is not None and known.get(entry[0][0]) is not None:
            inferred = entry[1](known, p)
        if not inferred:
            inferred = _extra_rule(d.name, known, p)
    except (KeyError, IndexError, ValueError, TypeError):
        inferred = {}
    return {k: tuple(int(x) for x in v) for k, v in inferred.items() if v is not None}


#: ops whose inputs and output all have one shape (partial shapes unify across them)
_SAME_SHAPE = frozenset({
    "elemwise_add", "elemwise_sub", "elemwise_mul", "elemwise_div", "_mod", "_power",
    "_equal", "_not_equal", "_greater", "_greater_equal", "_lesser", "_lesser_equal",
    "_maximum", "_minimum", "_hypot", "_logical_and", "_logical_or", "_logical_xor",
    "_grad_add", "add_n", "_identity_with_attr_like_rhs"})

#: stand-ins for unknown (0) dimensions: an output dimension that differs between the two
#: runs depends on an unknown one
_PROBES = (7, 11)


def _unify(shapes: List[Optional[tuple]]) -> Optional[tuple]:
    known = [s for s in shapes if s is not None]
    if not known:
        return None
    ndim = len(known[0])
    if any(len(s) != ndim for s in known):
        return None
    out = []
    for dims in zip(*known, strict=False):
        nz = {d for d in dims if d}
        if len(nz) > 1:
            raise MXNetError(f"infer_shape error: inconsistent shapes {known}")
        out.append(nz.pop() if nz else 0)
    return tuple(out)


def _run_shapes(n: _Node, ins: List[Tuple[tuple, Any]]) -> List[Tuple[tuple, Any]]:
    """(shape, dtype) of ``n``'s outputs; unknown dimensions (0) stay 0."""
    if not any(0 in s for s, _ in ins):
        outs = _run_node(n, [torch.empty(s, dtype=t, device=_META) for s, t in ins])
        return [(tuple(o.shape), o.dtype) for o in outs]
    runs = []
    for p in _PROBES:
        tens = [torch.empty(tuple(d or p for d in s), dtype=t, device=_META) for s, t in ins]
        try:
            runs.append(_run_node(n, tens))
        except MXNetError:
            return []
    res = []
    for a, b in zip(*runs, strict=False):
        if a.dim() != b.dim():
            res.append(((), a.dtype))
            continue
        dims = tuple(x if x == y else 0 for x, y in zip(a.shape, b.shape, strict=False))
        res.append((dims, a.dtype))
    return res


#: ops whose first input has the output's shape (element-wise on one array)
_LIKE_DATA = frozenset({
    "Activation", "relu", "sigmoid", "tanh", "softsign", "exp", "log", "sqrt", "square",
    "abs", "negative", "Dropout", "BatchNorm", "LeakyReLU", "InstanceNorm", "LayerNorm",
    "Cast", "amp_cast", "_copy", "identity", "BlockGrad", "stop_gradient", "make_loss",
    "softmax", "log_softmax", "SoftmaxActivation", "clip", "_plus_scalar", "_minus_scalar",
    "_rminus_scalar", "_mul_scalar", "_div_scalar", "_rdiv_scalar", "_power_scalar",
    "_rpower_scalar", "_mod_scalar", "_rmod_scalar", "_maximum_scalar", "_minimum_scalar",
    "_equal_scalar", "_not_equal_scalar", "_greater_scalar", "_greater_equal_scalar",
    "_lesser_scalar", "_lesser_equal_scalar", "SoftmaxOutput", "LinearRegressionOutput",
    "LogisticRegressionOutput", "MAERegressionOutput", "zeros_like", "ones_like"})


def _merge(a: Optional[tuple], b: Optional[tuple]) -> Optional[tuple]:
    """The two partial shapes' combined knowledge (None when they cannot be one shape)."""
    if a is None:
        return b
    if b is None:
        return a
    if len(a) != len(b) or any(x and y and x != y for x, y in zip(a, b, strict=True)):
        raise MXNetError(f"infer_shape error: shape inconsistent, {a} vs {b}")
    return tuple(x or y for x, y in zip(a, b, strict=True))


def _backward(n: _Node, ins: List[Optional[tuple]], outs: List[Optional[tuple]]
              ) -> List[Optional[tuple]]:
    """What ``n``'s (partially known) outputs say about its inputs' shapes."""
    op = n.op
    res: List[Optional[tuple]] = [None] * len(ins)
    out = outs[0] if outs else None
    if out is None and op != "SliceChannel":
        return res
    if op in _SAME_SHAPE:
        return [out] * len(ins)
    if op in _LIKE_DATA:
        res[0] = out
        return res
    p = n.attrs
    if op in ("FullyConnected", "Convolution", "Deconvolution", "Pooling", "Embedding") \
            and ins and ins[0] is not None and out is not None:
        d = list(ins[0])
        d[0] = d[0] or out[0]
        strides = [x for x in p.get("stride", "(1,)").strip("()").split(",") if x.strip()]
        if op == "Convolution" and len(d) == len(out) and all(int(x) == 1 for x in strides):
            k = [int(x) for x in p.get("kernel", "()").strip("()").split(",") if x.strip()]
            pad = [int(x) for x in p.get("pad", "()").strip("()").split(",") if x.strip()] \
                or [0] * len(k)
            dil = [int(x) for x in p.get("dilate", "()").strip("()").split(",") if x.strip()] \
                or [1] * len(k)
            for j in range(len(k)):
                if not d[2 + j] and out[2 + j]:
                    d[2 + j] = out[2 + j] + dil[j] * (k[j] - 1) - 2 * pad[j]
        res[0] = tuple(d)
        return res
    if op == "SliceChannel":
        num = int(p.get("num_outputs", 1))
        axis = int(p.get("axis", 1))
        squeeze = str(p.get("squeeze_axis", "0")).lower() in ("1", "true")
        merged: Optional[tuple] = None
        for o in outs:
            if o is None:
                continue
            d = list(o)
            if squeeze:
                d.insert(axis % (len(d) + 1), num)
            else:
                d[axis] = d[axis] * num
            merged = _merge(merged, tuple(d))
        res[0] = merged
        return res
    if op == "Concat":
        dim = int(p.get("dim", 1))
        for j, s in enumerate(ins):
            d = list(out)
            d[dim] = s[dim] if s is not None and len(s) == len(out) else 0
            res[j] = tuple(d)
        known = [s[dim] if s is not None and len(s) == len(out) else 0 for s in ins]
        if out[dim] and known.count(0) == 1:
            j = known.index(0)
            d = list(res[j])  # type: ignore[arg-type]
            d[dim] = out[dim] - sum(known)
            res[j] = tuple(d)
        return res
    return res


def _propagate(sym: Symbol, shapes: Dict[str, Any], types: Dict[str, Any]) -> Tuple[
        Dict[str, Any], Dict[int, Any]]:
    """Known (possibly partial) var shapes/dtypes and every node's outputs as (shape,
    dtype) pairs (None: unknown): forward passes on meta tensors alternate with backward
    passes (what consumers say about their inputs) until nothing changes."""
    order = sym._order()
    var_shape: Dict[int, Optional[tuple]] = {}
    var_dtype: Dict[int, Optional[torch.dtype]] = {}
    for n in order:
        if n.op is None:
            var_shape[id(n)] = _var_shape(n, shapes)
            var_dtype[id(n)] = _var_dtype(n, types)
    outs: Dict[int, Any] = {}
    hints: Dict[Tuple[int, int], tuple] = {}
    #: whether the last forward pass learnt a shape an earlier node could use
    dirty = [False]

    def gather(n: _Node) -> List[Any]:
        ins: List[Any] = []
        for src, i in n.inputs:
            if src.op is None:
                s = var_shape[id(src)]
                ins.append(None if s is None else (s, var_dtype[id(src)]))
            else:
                o = outs[id(src)]
                got = o[i] if o and i < len(o) and o[i][0] != () else None
                if got is None and unknown_creation(src):  # zeros((0, H)): partly known
                    got = (_declared_shape(src), None)
                h = hints.get((id(src), i))
                if h is not None:
                    got = (_merge(got[0] if got else None, h),
                           got[1] if got else None)
                ins.append(got)
        return ins

    def forward() -> None:
        for n in order:
            if n.op is None:
                continue
            if unknown_creation(n):
                outs[id(n)] = None
                continue
            names = n.input_names()
            ins = gather(n)
            first_dtype = next((x[1] for x in ins if x is not None and x[1] is not None),
                               None)
            if n.op in _SAME_SHAPE and n.inputs:
                u = _unify([x[0] if x is not None else None for x in ins])
                if u is not None:
                    for j, (src, i) in enumerate(n.inputs):
                        if src.op is None:
                            var_shape[id(src)] = u
                        elif hints.get((id(src), i)) != u:
                            dirty[0] = True
                            hints[(id(src), i)] = u
                        ins[j] = (u, ins[j][1] if ins[j] is not None else first_dtype)
            if any(x is None or 0 in x[0] for x in ins):
                known = {iname: (x[0] if x is not None and 0 not in x[0] else None)
                         for x, iname in zip(ins, names, strict=False)}
                if ins and ins[0] is not None and names:
                    known[names[0]] = ins[0][0]  # the data input, partial or not
                inferred = rule_shapes(n, known)
                for j, ((src, i), iname) in enumerate(zip(n.inputs, names, strict=False)):
                    if iname not in inferred or (ins[j] is not None and 0 not in ins[j][0]):
                        continue
                    shape = _merge(ins[j][0] if ins[j] is not None else None,
                                   inferred[iname])
                    if src.op is None:
                        var_shape[id(src)] = shape
                    else:
                        hints[(id(src), i)] = shape  # type: ignore[assignment]
                    ins[j] = (shape, var_dtype.get(id(src)) or first_dtype)
            for (src, _), x in zip(n.inputs, ins, strict=False):
                if src.op is None and var_dtype[id(src)] is None and x is not None:
                    var_dtype[id(src)] = first_dtype or _dtypes.DEFAULT
            if any(x is None for x in ins):
                outs[id(n)] = None
                continue
            ins = [(s, t or first_dtype or _dtypes.DEFAULT) for s, t in ins]
            outs[id(n)] = _run_shapes(n, ins) or None

    def backward() -> bool:
        changed = False
        for n in reversed(order):
            if n.op is None or not n.inputs:
                continue
            o = outs.get(id(n))
            k = n.num_visible()
            oshapes = [_merge(o[i][0] if o and i < len(o) and o[i][0] != () else None,
                              hints.get((id(n), i))) for i in range(k)]
            ins = [x[0] if x is not None else None for x in gather(n)]
            if all(s is not None and 0 not in s for s in ins):
                continue  # the inputs are known: nothing to learn about them
            try:
                want = _backward(n, ins, oshapes)
            except (ValueError, IndexError, TypeError):
                continue
            for (src, i), w in zip(n.inputs, want, strict=False):
                if w is None:
                    continue
                if src.op is None:
                    new = _merge(var_shape[id(src)], w)
                    if new != var_shape[id(src)]:
                        var_shape[id(src)] = new
                        changed = True
                else:
                    new = _merge(hints.get((id(src), i)), w)
                    if new != hints.get((id(src), i)):
                        hints[(id(src), i)] = new  # type: ignore[assignment]
                        changed = True
        return changed

    forward()
    for _ in range(4):
        if not backward() and not dirty[0]:
            break
        dirty[0] = False
        forward()
    return {"shape": var_shape, "dtype": var_dtype, "order": order, "hints": hints}, outs


def infer_shape(sym: Symbol, args: tuple, kwargs: Dict[str, Any], partial: bool,
                types: Optional[Dict[str, Any]] = None) -> Tuple[Any, Any, Any]:
    """``types``: the arguments' dtypes where known (simple_bind's type_dict), so that ops
    checking their inputs' dtypes (integer indices) see the right ones."""
    given = _given(sym, args, kwargs, "infer_shape")
    for k, v in given.items():
        if not isinstance(v, (tuple, list, int)):
            raise TypeError("Arguments need to be shapes (tuple), but argument "
                            f"'{k}' is {type(v).__name__}")
    info, outs = _propagate(sym, given, dict(types or {}))
    order = info["order"]
    aux = _aux_nodes(order)
    vs = info["shape"]
    arg_shapes = [vs[id(n)] for n in order if n.op is None and id(n) not in aux]
    aux_shapes = [vs[id(n)] for n in order if n.op is None and id(n) in aux]
    out_shapes = []
    for n, i in sym._outputs:
        if n.op is None:
            out_shapes.append(vs[id(n)])
        else:
            o = outs[id(n)]
            out_shapes.append(o[i][0] if o and i < len(o) and o[i][0] != () else None)

    def unknown(s: Optional[tuple]) -> bool:
        return s is None or 0 in s
    if not partial and any(unknown(s) for s in arg_shapes + out_shapes + aux_shapes):
        names = [n.name for n in order if n.op is None and unknown(vs[id(n)])]
        warnings.warn("Cannot decide shape for the following arguments (0s in shape means "
                      f"unknown dimensions). Consider providing them as input:\n\t{names}",
                      stacklevel=3)
        return None, None, None
    from ..util import is_np_shape
    if is_np_shape():
        def fix(s: Optional[tuple]) -> Any:
            return None if s is None else tuple(-1 if d == 0 else d for d in s)
    else:
        def fix(s: Optional[tuple]) -> Any:
            return () if s is None else tuple(s)
    return [fix(s) for s in arg_shapes], [fix(s) for s in out_shapes], \
        [fix(s) for s in aux_shapes]


def infer_type(sym: Symbol, args: tuple, kwargs: Dict[str, Any], partial: bool) -> Tuple[
        Any, Any, Any]:
    given = _given(sym, args, kwargs, "infer_type")
    order = sym._order()
    aux = _aux_nodes(order)
    vt: Dict[int, Optional[torch.dtype]] = {}
    out_t: Dict[int, List[Optional[torch.dtype]]] = {}
    for n in order:
        if n.op is None:
            vt[id(n)] = _var_dtype(n, given)
    for n in order:
        if n.op is None:
            continue
        ins = []
        for src, i in n.inputs:
            ins.append(vt[id(src)] if src.op is None else out_t[id(src)][min(
                i, len(out_t[id(src)]) - 1)])
        known = next((t for t in ins if t is not None), None)
        for src, _ in n.inputs:
            if src.op is None and vt[id(src)] is None and known is not None:
                vt[id(src)] = known
        p = n.attrs
        if "dtype" in p and n.op not in ("topk", "argsort") and p["dtype"] not in ("None", ""):
            try:
                t = _dtypes.to_torch(p["dtype"])
            except MXNetError:
                t = known
        elif n.op in ("argmax", "argmin", "argsort", "topk", "argmax_channel", "shape_array",
                      "size_array"):
            t = torch.int64 if n.op in ("shape_array", "size_array") else torch.float32
            if n.op in ("argsort", "topk") and p.get("dtype", "float32") != "float32":
                t = _dtypes.to_torch(p["dtype"])
        else:
            t = known
        out_t[id(n)] = [t] * max(1, n.num_visible())
    if not partial:
        for n in order:
            if n.op is None and vt[id(n)] is None:
                vt[id(n)] = _dtypes.DEFAULT
        for k in out_t:
            out_t[k] = [t or _dtypes.DEFAULT for t in out_t[k]]

    def np_t(t: Optional[torch.dtype]) -> Any:
        return None if t is None else _dtypes.np_type(t)
    arg = [np_t(vt[id(n)]) for n in order if n.op is None and id(n) not in aux]
    auxt = [np_t(vt[id(n)]) for n in order if n.op is None and id(n) in aux]
    outs = [np_t(vt[id(n)] if n.op is None else out_t[id(n)][i]) for n, i in sym._outputs]
    if not partial and any(x is None for x in arg + auxt + outs):
        return None, None, None
    return arg, outs, auxt


_ = np
