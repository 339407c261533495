"""``mx.nd.contrib`` graph ops on CSR adjacency matrices (MXNet 1.9.1's DGL support):
getnnz, edge_id, dgl_adjacency, dgl_subgraph, dgl_graph_compact and the neighbour samplers.

A graph is a square CSRNDArray whose stored values are int64 edge ids (edge id 0 is a stored
value like any other, so these ops read the CSR layout: ``data`` / ``indices`` / ``indptr``,
never the dense values). Where MXNet's kernels read out of bounds or abort the process
(unsorted or out-of-range vertex ids, wrong dtypes that only the kernel checks, inconsistent
sizes) mxcompat raises MXNetError naming the op and the argument.
"""
from __future__ import annotations

from typing import Any, List, Optional, Tuple

import numpy as np
import torch

from .. import _dtypes
from ..base import MXNetError, MXNetTypeError, MXNetValueError, _Null
from . import _op
from .ndarray import NDArray, _wrap
from .sparse import CSRNDArray, _csr_rows, _make, _set_layout

__all__: List[str] = []

_I64 = torch.int64


def _graph_op(name: str, torch_eq: str, notes: str, **schema: Any) -> Any:
    """Declare the contrib graph op ``name`` (an op on CSR layouts: NDArray level)."""
    return _op.register(name, ns="contrib", family="sparse", torch=torch_eq, notes=notes,
                        ndarray=True, **schema)


def _n_outputs(n: int) -> tuple:
    return ("output",) if n == 1 else tuple(f"output{i}" for i in range(n))


def _axis_conv(v: Any, op: str = "", p: str = "") -> Optional[int]:
    return _axis_param(v, op)


_axis_conv._mx_type = "int or None"  # type: ignore[attr-defined]


# ----------------------------------------------------------------------------------------
# helpers
def _stype(x: Any) -> str:
    return getattr(x, "stype", "default")


def _need_nd(x: Any, op: str, pname: str) -> NDArray:
    if isinstance(x, NDArray):
        return x
    if x is None or x is _Null:
        raise MXNetValueError(f"{op}: required input '{pname}' is missing")
    raise MXNetTypeError(f"{op}: input '{pname}' must be an NDArray, got {type(x).__name__}")


def _need_csr(x: Any, op: str, pname: str) -> CSRNDArray:
    x = _need_nd(x, op, pname)
    if not isinstance(x, CSRNDArray):
        raise MXNetError(f"{op}: Check failed: infer_stype_success: Operator not implemented: "
                         f"operator = {op}, input storage types = [{_stype(x)}] ('{pname}' "
                         "must be a CSRNDArray)")
    return x


def _need_dense(x: Any, op: str, pname: str) -> NDArray:
    x = _need_nd(x, op, pname)
    if _stype(x) != "default":
        raise MXNetError(f"{op}: Check failed: input '{pname}' must have default storage, "
                         f"got {_stype(x)}")
    return x


def _need_dtype(x: NDArray, dt: torch.dtype, op: str, pname: str) -> None:
    if x._t.dtype != dt:
        raise MXNetTypeError(f"{op}: '{pname}' must be {_dtypes.name(dt)}, got "
                             f"{_dtypes.name(x._t.dtype)} (MXNet: type check failed)")


def _need_1d(x: NDArray, op: str, pname: str) -> None:
    if x._t.dim() != 1:
        raise MXNetValueError(f"{op}: Check failed: '{pname}' must be 1-D, got shape "
                              f"{tuple(x._t.shape)}")


def _layout(x: CSRNDArray) -> Tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """(data, indices, indptr) of a CSR array, on its device, as MXNet stores them."""
    indices, indptr = x._pattern()
    data = x._sdata
    if data is None:
        data = x._t.detach()[_csr_rows(indptr), indices]
    return data, indices, indptr


def _build_csr(shape: Tuple[int, int], data: torch.Tensor, indices: torch.Tensor,
               indptr: torch.Tensor, dev: torch.device, ctx: Any) -> CSRNDArray:
    """A CSRNDArray with exactly this layout (explicit zeros, unsorted or repeated columns
    kept); the dense values: the last stored value of each position, as MXNet's cast."""
    data, indices, indptr = data.to(dev), indices.to(dev, _I64), indptr.to(dev, _I64)
    t = torch.zeros(shape, dtype=data.dtype, device=dev)
    if indices.numel() and indptr.numel():
        rows = _csr_rows(indptr)
        t[rows, indices] = data
    return _make("csr", t, (indices, indptr), data, ctx)  # type: ignore[return-value]


def _num_args(op: str, na: Optional[int], n: int) -> None:
    if na is not None:
        if na != n:
            raise MXNetValueError(f"{op}: Check failed: num_inputs == infered_num_inputs ({n} "
                                  f"vs. {na}) : Operator {op} expects {na} inputs, but got "
                                  f"{n} instead.")
    if n < 2:
        raise MXNetValueError(f"{op}: value {n} for Parameter num_args should be greater equal "
                              "to 2")


def _write_dense_out(r: NDArray, out: Any, op: str) -> NDArray:
    if out is None:
        return r
    return _op.finish(r._t, r._ctx, out, op)


def _write_csr_outs(res: List[CSRNDArray], out: Any, op: str) -> Any:
    if out is None:
        return res[0] if len(res) == 1 else res
    outs = list(out) if isinstance(out, (list, tuple)) else [out]
    if len(outs) != len(res):
        raise MXNetValueError(f"{op}: out= needs {len(res)} arrays, got {len(outs)}")
    for o, r in zip(outs, res):
        if not isinstance(o, CSRNDArray):
            raise MXNetTypeError(f"{op}: out= must hold CSRNDArrays, got "
                                 f"{type(o).__name__}")
        if tuple(o.shape) != tuple(r.shape) or o._t.dtype != r._t.dtype:
            raise MXNetValueError(f"{op}: out= array of shape {tuple(o.shape)} "
                                  f"({_dtypes.name(o._t.dtype)}) does not match the result "
                                  f"{tuple(r.shape)} ({_dtypes.name(r._t.dtype)})")
        o._assign(r._t)
        _set_layout(o, r._aux, r._sdata)
    return out if isinstance(out, (list, tuple)) or len(res) > 1 else outs[0]


# ----------------------------------------------------------------------------------------
def _axis_param(v: Any, op: str) -> Optional[int]:
    if v is None or v is _Null:
        return None
    if isinstance(v, str) and v.strip() == "None":
        return None
    ok = isinstance(v, (int, np.integer)) and not isinstance(v, (bool, np.bool_))
    if isinstance(v, str):
        try:
            v, ok = int(v.strip()), True
        except ValueError:
            ok = False
    if not ok:
        raise MXNetValueError(f"{op}: Invalid Parameter format for axis expect int or None but "
                              f"value='{v}'")
    return int(v)


@_graph_op("getnnz", "torch.diff(crow_indices) / crow_indices[-1]",
           "stored values (explicit zeros included); int64; axis None or 1 (axis=0 only on an "
           "empty CSR, as MXNet); CSR input only", params={"axis": _axis_conv})
def getnnz(data: Any, axis: Optional[int] = None, out: Any = None) -> NDArray:
    """The number of stored values of a CSR matrix (explicit zeros included): of the whole
    matrix (``axis=None``, shape (1,)) or of each row (``axis=1``); int64."""
    op = "getnnz"
    x = _need_nd(data, op, "data")
    ax = axis
    if ax is not None and ax not in (0, 1):
        raise MXNetValueError(f"{op}: Unexpected value for axis({ax}). Candidates are None, 0, "
                              "and 1")
    x = _need_csr(x, op, "data")
    if x._t.dtype == torch.bool:
        raise MXNetTypeError(f"{op}: Unknown type enum 7 (bool CSR arrays are not supported)")
    _, indptr = x._pattern()
    dev = x._t.device
    rows, cols = x._t.shape
    nnz = int(indptr[-1]) if indptr.numel() else 0
    if ax is None:
        r = torch.tensor([nnz], dtype=_I64, device=dev)
    elif ax == 1:
        r = (indptr[1:] - indptr[:-1]).to(_I64) if nnz else torch.zeros(rows, dtype=_I64,
                                                                         device=dev)
    else:
        if nnz:
            raise MXNetError(f"{op}: getnnz with axis = 0 is not supported yet")
        r = torch.zeros(cols, dtype=_I64, device=dev)
    return _write_dense_out(_wrap(r, x._ctx), out, op)


# ----------------------------------------------------------------------------------------
@_graph_op("edge_id", "searching the row's crow/col indices",
           "out[i] = data[u[i], v[i]] if that edge is stored, else -1, in data's dtype; u/v "
           "truncated to integers")
def edge_id(data: Any, u: Any, v: Any, out: Any = None) -> NDArray:
    """The stored value (edge id) at (u[i], v[i]) of a CSR graph, or -1 where no value is
    stored there; output in the graph's dtype."""
    op = "edge_id"
    g = _need_nd(data, op, "data")
    uu = _need_nd(u, op, "u")
    vv = _need_nd(v, op, "v")
    g = _need_csr(g, op, "data")
    for a, n in ((uu, "u"), (vv, "v")):
        _need_dense(a, op, n)
        _need_1d(a, op, n)
    if uu._t.shape[0] != vv._t.shape[0]:
        raise MXNetValueError(f"{op}: Check failed: in_attrs->at(1)[0] == in_attrs->at(2)[0] "
                              f"({uu._t.shape[0]} vs. {vv._t.shape[0]}) : u and v must have "
                              "the same length")
    if uu._t.shape[0] == 0:
        raise MXNetValueError(f"{op}: zero-size u and v are not supported (MXNet: shape "
                              "inference fails)")
    if uu._t.dtype != vv._t.dtype:
        raise MXNetTypeError(f"{op}: u and v must have the same dtype, got "
                             f"{_dtypes.name(uu._t.dtype)} and {_dtypes.name(vv._t.dtype)} "
                             "(MXNet: data type do not match)")
    if g._t.dtype == torch.bool:
        raise MXNetTypeError(f"{op}: bool graphs are not supported (MXNet: unknown type)")
    vals, indices, indptr = _layout(g)
    dev = g._t.device
    nrows = g._t.shape[0]

    def ids(a: NDArray) -> torch.Tensor:
        t = a._t.detach()
        if t.is_floating_point():
            t = torch.trunc(t)
        return t.to(_I64)
    ui, vi = ids(uu).to(dev), ids(vv).to(dev)
    res = torch.full((ui.shape[0],), -1, dtype=_I64, device=dev).to(g._t.dtype)
    if indices.numel():
        if bool(((ui < 0) | (ui >= nrows)).any()):
            raise MXNetValueError(f"{op}: u holds a row id outside [0, {nrows}) (MXNet reads "
                                  "out of bounds here)")
        lo, hi = indptr[ui], indptr[ui + 1]
        # the first stored position of column v in row u (std::find)
        pos = torch.arange(indices.shape[0], device=dev)
        hit = (indices[None, :] == vi[:, None]) & (pos[None, :] >= lo[:, None]) & \
            (pos[None, :] < hi[:, None])
        found = hit.any(1)
        first = torch.where(hit, pos[None, :], indices.shape[0]).min(1).values
        res = res.clone()
        res[found] = vals[first[found]].to(res.dtype)
    return _write_dense_out(_wrap(res, uu._ctx if uu._ctx is not None else g._ctx), out, op)


# ----------------------------------------------------------------------------------------
@_graph_op("dgl_adjacency", "torch.ones_like(values) on the same pattern",
           "float32 CSR of ones on the input's pattern; int64 input only")
def dgl_adjacency(data: Any, out: Any = None) -> CSRNDArray:
    """The adjacency matrix of a CSR graph: a float32 CSR with 1.0 at every stored position
    (the input's edge ids must be int64)."""
    op = "dgl_adjacency"
    g = _need_nd(data, op, "data")
    if _stype(g) != "csr":
        raise MXNetError(f"{op}: Check failed: inputs[0].storage_type() == kCSRStorage ('data' "
                         f"must be a CSRNDArray, got {_stype(g)})")
    _need_dtype(g, _I64, op, "data")
    _, indices, indptr = _layout(g)  # type: ignore[arg-type]
    ones = torch.ones(indices.shape[0], dtype=torch.float32, device=g._t.device)
    r = _build_csr(tuple(g._t.shape), ones, indices.clone(), indptr.clone(),  # type: ignore
                   g._t.device, g._ctx)
    return _write_csr_outs([r], out, op)


# ----------------------------------------------------------------------------------------
def _np_layout(g: CSRNDArray) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
    d, i, p = _layout(g)
    return (d.cpu().numpy(), i.cpu().numpy().astype(np.int64),
            p.cpu().numpy().astype(np.int64))


@_graph_op("dgl_subgraph", "index_select of rows, columns filtered through a vertex map",
           "induced subgraphs; new edge ids 0..nnz-1; with return_mapping the parent's edge ids "
           "too; vertex lists must be sorted int64",
           params={"num_args": _op.OptInt, "return_mapping": _op.Bool},
           outputs=lambda p: _n_outputs((p["num_args"] - 1) * (2 if p["return_mapping"] else 1)))
def dgl_subgraph(*data: Any, return_mapping: bool, num_args: Optional[int] = None,
                 out: Any = None) -> Any:
    """The subgraphs induced by sorted int64 vertex sets: ``dgl_subgraph(graph, v1, v2, ...,
    return_mapping=...)`` gives one CSR per set with new edge ids (0, 1, ... in row order),
    then, with ``return_mapping=True``, one per set with the parent graph's edge ids."""
    op = "dgl_subgraph"
    _num_args(op, num_args, len(data))
    ret_map = return_mapping
    g = _need_nd(data[0], op, "graph")
    if _stype(g) != "csr":
        raise MXNetError(f"{op}: Check failed: in_attrs->at(0) == kCSRStorage ('graph' must "
                         f"be a CSRNDArray, got {_stype(g)})")
    vsets = []
    for k, v in enumerate(data[1:]):
        pn = f"data[{k}]"
        v = _need_dense(v, op, pn)
        _need_1d(v, op, pn)
        _need_dtype(v, _I64, op, pn)
        if v._t.shape[0] == 0:
            raise MXNetValueError(f"{op}: {pn} is empty (MXNet: shape inference fails)")
        vsets.append(v)
    _need_dtype(g, _I64, op, "graph")
    gdata, gind, gptr = _np_layout(g)  # type: ignore[arg-type]
    nv = g._t.shape[0]
    subs, maps = [], []
    for k, v in enumerate(vsets):
        vid = v._t.detach().cpu().numpy()
        if (np.diff(vid) < 0).any():
            raise MXNetValueError(f"{op}: Check failed: std::is_sorted: The input vertex list "
                                  f"data[{k}] has to be sorted")
        if (vid < 0).any() or (vid >= nv).any():
            raise MXNetValueError(f"{op}: Check failed: oldvid < num_vertices: a vertex id in "
                                  f"data[{k}] isn't in a graph of {nv} vertices")
        new_id = {int(o): i for i, o in enumerate(vid)}  # a repeated id maps to its last place
        cols: List[int] = []
        eids: List[int] = []
        ptr = [0]
        for o in vid:
            for j in range(gptr[o], gptr[o + 1]):
                c = int(gind[j])
                if c in new_id:
                    cols.append(new_id[c])
                    eids.append(int(gdata[j]))
            ptr.append(len(cols))
        n = len(vid)
        ci = torch.tensor(cols, dtype=_I64)
        pi = torch.tensor(ptr, dtype=_I64)
        subs.append(_build_csr((n, n), torch.arange(len(cols), dtype=_I64), ci, pi,
                               g._t.device, g._ctx))
        if ret_map:
            maps.append(_build_csr((n, n), torch.tensor(eids, dtype=_I64), ci.clone(),
                                   pi.clone(), g._t.device, g._ctx))
    return _write_csr_outs(subs + maps, out, op)


# ----------------------------------------------------------------------------------------
@_graph_op("dgl_graph_compact", "renumbering the columns through the vertex list",
           "drops the padding rows/columns of sampled subgraphs; new edge ids 0..nnz-1; with "
           "return_mapping the extra outputs are empty CSRs (as MXNet: never filled)",
           params={"num_args": _op.OptInt, "return_mapping": _op.Bool, "graph_sizes": _op.Shape},
           types={"graph_sizes": "tuple of <long>"},
           outputs=lambda p: _n_outputs(p["num_args"] // 2 * (2 if p["return_mapping"] else 1)))
def dgl_graph_compact(*data: Any, return_mapping: bool, graph_sizes: tuple,
                      num_args: Optional[int] = None, out: Any = None) -> Any:
    """Compact sampled subgraphs: ``dgl_graph_compact(g1, ..., gn, v1, ..., vn,
    graph_sizes=(...), return_mapping=...)`` renumbers each graph's columns by its vertex list
    ``vi`` (a sampler's first output) and keeps its first ``graph_sizes[i]`` rows."""
    op = "dgl_graph_compact"
    graph_data = data
    _num_args(op, num_args, len(graph_data))
    ret_map, sizes = return_mapping, graph_sizes
    n_in = len(graph_data)
    ng = n_in // 2
    if ng * 2 != n_in:
        raise MXNetValueError(f"{op}: Check failed: num_g * 2 == in_attrs->size() ({ng * 2} "
                              f"vs. {n_in}) : pass one vertex array per graph")
    graphs, vids = graph_data[:ng], graph_data[ng:]
    for i in range(ng):
        g = _need_nd(graphs[i], op, f"graph_data[{i}]")
        if _stype(g) != "csr":
            raise MXNetError(f"{op}: Check failed: in_attrs->at(i) == kCSRStorage "
                             f"(graph_data[{i}] must be a CSRNDArray, got {_stype(g)})")
        _need_dense(vids[i], op, f"graph_data[{ng + i}]")
    for i, a in enumerate(graph_data):
        _need_dtype(a, _I64, op, f"graph_data[{i}]")
    if len(sizes) < ng:
        raise MXNetValueError(f"{op}: Check failed: i >= 0 && i < ndim(): index = {len(sizes)} "
                              f"must be in range [0, {len(sizes)}) (graph_sizes needs one size "
                              "per graph)")
    for i in range(ng):
        g, v, gs = graphs[i], vids[i], sizes[i]
        _need_1d(v, op, f"graph_data[{ng + i}]")
        if g._t.shape[0] < gs or g._t.shape[1] < gs:
            raise MXNetValueError(f"{op}: Check failed: graph shape {tuple(g._t.shape)} is "
                                  f"smaller than graph_sizes[{i}] = {gs}")
        if v._t.shape[0] < gs:
            raise MXNetValueError(f"{op}: Check failed: graph_data[{ng + i}] has "
                                  f"{v._t.shape[0]} elements, fewer than graph_sizes[{i}] = "
                                  f"{gs}")
    res, maps = [], []
    for i in range(ng):
        g, v, gs = graphs[i], vids[i], sizes[i]
        _, gind, gptr = _np_layout(g)
        row_ids = v._t.detach().cpu().numpy()
        if row_ids.shape[0] != gptr.shape[0]:
            raise MXNetValueError(f"{op}: Check failed: vids.shape()[0] == "
                                  f"in_ptr_data.shape_[0] ({row_ids.shape[0]} vs. "
                                  f"{gptr.shape[0]}): graph_data[{ng + i}] must have one more "
                                  f"element than graph_data[{i}] has rows")
        if int(row_ids[-1]) != gs:
            raise MXNetValueError(f"{op}: Check failed: the vertex count in graph_data[{ng + i}]"
                                  f"[-1] ({int(row_ids[-1])}) must equal graph_sizes[{i}] "
                                  f"({gs})")
        id_map: dict = {}
        for k in range(gs):
            if int(row_ids[k]) == -1:
                raise MXNetValueError(f"{op}: Check failed: row_ids[{k}] != -1 in "
                                      f"graph_data[{ng + i}]")
            id_map.setdefault(int(row_ids[k]), k)
        try:
            cols = [id_map[int(c)] for c in gind]
        except KeyError as e:
            raise MXNetValueError(f"{op}: Check failed: column {e.args[0]} of graph_data[{i}] "
                                  f"is not among the first {gs} vertices of "
                                  f"graph_data[{ng + i}]") from None
        nnz = len(cols)
        ptr = torch.from_numpy(gptr[:gs + 1].copy())
        res.append(_build_csr((gs, gs), torch.arange(nnz, dtype=_I64),
                              torch.tensor(cols, dtype=_I64), ptr, g._t.device, g._ctx))
        if ret_map:
            empty = torch.zeros(0, dtype=_I64)
            maps.append(_build_csr((gs, gs), empty, empty.clone(), empty.clone(),
                                   g._t.device, g._ctx))
    return _write_csr_outs(res + maps, out, op)


# ----------------------------------------------------------------------------------------
# neighbour sampling
def _uniform_pick(deg: int, k: int, gen: torch.Generator) -> List[int]:
    """Positions of k of deg neighbours, uniformly without replacement, in CSR order."""
    if deg <= k:
        return list(range(deg))
    perm = torch.randperm(deg, generator=gen)[:k]
    return sorted(int(p) for p in perm)


def _weighted_pick(w: List[float], k: int, gen: torch.Generator, op: str) -> List[int]:
    """MXNet's ArrayHeap sampling without replacement: each draw takes the first position
    whose cumulative weight exceeds total * (r % 100) / 101; when the remaining weight is 0,
    the heap's last leaf (which exists only when len(w) is a power of two)."""
    n = len(w)
    weights = np.asarray(w, dtype=np.float32).copy()
    limit = 1 << int(np.ceil(np.log2(n))) if n > 1 else 1
    picks = []
    rs = torch.randint(0, 100, (k,), generator=gen).tolist()
    for r in rs:
        total = float(weights.sum(dtype=np.float32))
        if total <= 0.0:
            if limit - 1 >= n:
                raise MXNetValueError(f"{op}: the remaining neighbours all have probability 0 "
                                      "(MXNet reads out of bounds here)")
            i = limit - 1
        else:
            xi = total * (r / 101.0)
            i = int(np.searchsorted(np.cumsum(weights, dtype=np.float64), xi, side="right"))
            i = min(i, n - 1)
        picks.append(i)
        weights[i] = 0.0
    return picks


def _sample_one(op: str, gdata: np.ndarray, gind: np.ndarray, gptr: np.ndarray,
                seeds: np.ndarray, prob: Optional[np.ndarray], num_hops: int,
                num_neighbor: int, max_v: int, gen: torch.Generator) -> tuple:
    nv = gptr.shape[0] - 1
    if seeds.shape[0] > max_v:
        raise MXNetValueError(f"{op}: Check failed: max_num_vertices >= num_seeds ({max_v} vs. "
                              f"{seeds.shape[0]})")
    if ((seeds < 0) | (seeds >= nv)).any():
        raise MXNetValueError(f"{op}: a seed vertex id is outside [0, {nv}) (MXNet reads out "
                              "of bounds here)")
    seen = set()
    queue: List[Tuple[int, int]] = []
    for s in seeds.tolist():
        if s not in seen:
            seen.add(s)
            queue.append((s, 0))
    neigh = {}
    idx = 0
    while idx < len(queue) and len(seen) < max_v:
        vtx, level = queue[idx]
        idx += 1
        if level >= num_hops:
            continue
        lo, hi = int(gptr[vtx]), int(gptr[vtx + 1])
        cols = gind[lo:hi]
        eids = gdata[lo:hi]
        deg = hi - lo
        if prob is None:
            pos = _uniform_pick(deg, num_neighbor, gen)
            vs = [int(cols[p]) for p in pos]
            es = [int(eids[p]) for p in pos]
        elif deg <= num_neighbor:
            vs, es = [int(c) for c in cols], [int(e) for e in eids]
        else:
            if (cols >= prob.shape[0]).any():
                raise MXNetValueError(f"{op}: probability has {prob.shape[0]} elements; vertex "
                                      f"{int(cols.max())} has none (MXNet reads out of bounds)")
            pos = _weighted_pick([float(prob[c]) for c in cols], num_neighbor, gen, op)
            # MXNet sorts the sampled vertices and the edge ids separately
            vs = sorted(int(cols[p]) for p in pos)
            es = sorted(int(eids[p]) for p in pos)
        neigh[vtx] = (vs, es)
        for c in vs:
            if len(seen) >= max_v:
                break
            if c not in seen:
                seen.add(c)
                queue.append((c, level + 1))
    queue.sort(key=lambda p: p[0])
    verts = [p[0] for p in queue]
    layers = [p[1] for p in queue]
    cols_out: List[int] = []
    eids_out: List[int] = []
    ptr = [0]
    for vtx in verts:
        if vtx in neigh:
            cols_out.extend(neigh[vtx][0])
            eids_out.extend(neigh[vtx][1])
        ptr.append(len(cols_out))
    ptr.extend([len(cols_out)] * (max_v + 1 - len(ptr)))
    sub_prob = None
    if prob is not None:
        if verts and max(verts) >= prob.shape[0]:
            raise MXNetValueError(f"{op}: probability has {prob.shape[0]} elements; vertex "
                                  f"{max(verts)} has none (MXNet reads out of bounds)")
        sub_prob = [float(prob[vv]) for vv in verts]
    return verts, layers, cols_out, eids_out, ptr, sub_prob


def _sampler(op: str, args: tuple, num_args: Optional[int], num_hops: int, num_neighbor: int,
             max_v: int, out: Any, non_uniform: bool) -> List[NDArray]:
    if out is not None:
        raise MXNetValueError(f"{op}: out= is not supported (the outputs' sizes depend on the "
                              "sampling)")
    _num_args(op, num_args, len(args))
    if num_neighbor < 0:  # MXNet converts it to size_t: every neighbour
        num_neighbor = 2 ** 62
    g = _need_nd(args[0], op, "csr_matrix")
    if _stype(g) != "csr":
        raise MXNetError(f"{op}: Check failed: in_attrs->at(0) == kCSRStorage ('csr_matrix' "
                         f"must be a CSRNDArray, got {_stype(g)})")
    first = 2 if non_uniform else 1
    prob_nd = None
    if non_uniform:
        prob_nd = _need_dense(args[1], op, "probability")
    seeds = [_need_dense(s, op, f"seed_arrays[{k}]") for k, s in enumerate(args[first:])]
    if g._t.dim() != 2 or g._t.shape[0] != g._t.shape[1]:
        raise MXNetValueError(f"{op}: Check failed: in_attrs->at(0)[0] == in_attrs->at(0)[1] "
                              f"({g._t.shape[0]} vs. {g._t.shape[1]}): the graph must be square")
    if prob_nd is not None:
        _need_1d(prob_nd, op, "probability")
    for k, s in enumerate(seeds):
        _need_1d(s, op, f"seed_arrays[{k}]")
    if max_v < 0:
        raise MXNetValueError(f"{op}: max_num_vertices must be >= 0, got {max_v} (MXNet: "
                              "inferring shapes failed)")
    if prob_nd is not None and prob_nd._t.dtype != torch.float32:
        raise MXNetTypeError(f"{op}: 'probability' must be float32, got "
                             f"{_dtypes.name(prob_nd._t.dtype)} (MXNet: data type do not "
                             "match)")
    _need_dtype(g, _I64, op, "csr_matrix")
    for k, s in enumerate(seeds):
        _need_dtype(s, _I64, op, f"seed_arrays[{k}]")
    gdata, gind, gptr = _np_layout(g)  # type: ignore[arg-type]
    prob = prob_nd._t.detach().cpu().numpy() if prob_nd is not None else None
    from ..random import generator
    gen = generator(torch.device("cpu"))
    dev, ctx = g._t.device, g._ctx
    ncol = g._t.shape[1]
    vs_out, csr_out, prob_out, layer_out = [], [], [], []
    for s in seeds:
        verts, layers, cols, eids, ptr, sprob = _sample_one(
            op, gdata, gind, gptr, s._t.detach().cpu().numpy(), prob, num_hops, num_neighbor,
            max_v, gen)
        n = len(verts)
        v = torch.full((max_v + 1,), -1, dtype=_I64)
        v[:n] = torch.tensor(verts, dtype=_I64)
        v[max_v] = n
        lay = torch.full((max_v,), -1, dtype=_I64)
        lay[:n] = torch.tensor(layers, dtype=_I64)
        vs_out.append(_wrap(v.to(dev), ctx))
        layer_out.append(_wrap(lay.to(dev), ctx))
        csr_out.append(_build_csr((max_v, ncol), torch.tensor(eids, dtype=_I64),
                                  torch.tensor(cols, dtype=_I64),
                                  torch.tensor(ptr, dtype=_I64), dev, ctx))
        if sprob is not None:
            p = torch.zeros(max_v, dtype=torch.float32)
            p[:n] = torch.tensor(sprob, dtype=torch.float32)
            prob_out.append(_wrap(p.to(dev), ctx))
    return vs_out + csr_out + prob_out + layer_out


_SAMPLER = {"num_args": _op.OptInt, "num_hops": _op.Int, "num_neighbor": _op.Int,
            "max_num_vertices": _op.Int}
_SAMPLER_TYPES = {"num_hops": "long", "num_neighbor": "long", "max_num_vertices": "long"}


@_graph_op("dgl_csr_neighbor_uniform_sample", "BFS with torch.randperm neighbour choice",
           "outputs: vertex ids (max_num_vertices+1, the last is the count, padding -1), "
           "sub-CSRs (max_num_vertices x N, parent edge ids), layers (padding -1); random "
           "choice from mx.random's generator", params=_SAMPLER, types=_SAMPLER_TYPES,
           outputs=lambda p: _n_outputs(3 * (p["num_args"] - 1)))
def dgl_csr_neighbor_uniform_sample(*data: Any, num_args: Optional[int] = None,
                                    num_hops: int = 1, num_neighbor: int = 2,
                                    max_num_vertices: int = 100,
                                    out: Any = None) -> List[NDArray]:
    """Sample subgraphs around each seed array by breadth-first search, keeping up to
    ``num_neighbor`` uniformly chosen neighbours per vertex for ``num_hops`` hops and at most
    ``max_num_vertices`` vertices: ``dgl_csr_neighbor_uniform_sample(graph, seeds1, ...)``
    returns [vertices..., sub-CSRs..., layers...]."""
    return _sampler("dgl_csr_neighbor_uniform_sample", data, num_args, num_hops, num_neighbor,
                    max_num_vertices, out, False)


@_graph_op("dgl_csr_neighbor_non_uniform_sample",
           "BFS with weighted choice without replacement",
           "as the uniform sampler, neighbours drawn by probability[vertex]; adds the sampled "
           "vertices' probabilities (padding 0); sampled columns and edge ids sorted separately "
           "(as MXNet)", params=_SAMPLER, types=_SAMPLER_TYPES,
           outputs=lambda p: _n_outputs(4 * (p["num_args"] - 2)))
def dgl_csr_neighbor_non_uniform_sample(*data: Any, num_args: Optional[int] = None,
                                        num_hops: int = 1, num_neighbor: int = 2,
                                        max_num_vertices: int = 100,
                                        out: Any = None) -> List[NDArray]:
    """As dgl_csr_neighbor_uniform_sample, neighbours drawn with weights
    ``probability[vertex]``: ``dgl_csr_neighbor_non_uniform_sample(graph, probability,
    seeds1, ...)`` returns [vertices..., sub-CSRs..., probabilities..., layers...]."""
    return _sampler("dgl_csr_neighbor_non_uniform_sample", data, num_args, num_hops,
                    num_neighbor, max_num_vertices, out, True)
