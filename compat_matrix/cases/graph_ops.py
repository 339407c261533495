"""mx.nd.contrib graph ops on CSR graphs and hawkesll (variants ``gr_*``).

Graphs are built in the call from a generated 0/1 matrix: its non-zeros become stored
entries whose values are the edge ids 0, 1, ... in row order (edge id 0 is stored), via
``mx.nd.sparse.csr_matrix((data, indices, indptr))``. CSR results are returned as
[dense values, data, indices, indptr]. The samplers are compared on the valid prefix of their
padded outputs (MXNet leaves the padding uninitialised); random draws (num_neighbor below a
degree) are compared through invariants computed in the call.
"""
import numpy as np

from compat_matrix.spec import DT, Case, In

I64 = ("int64",)
F = ("float32", "float64", "float16")


def _mask(density):
    def gen(rng, shape, dt):
        return (rng.random(shape) < density).astype(dt)
    return gen


def _ids(lo, hi):
    def gen(rng, shape, dt):
        return np.sort(rng.choice(np.arange(lo, hi), size=shape, replace=False)).astype(dt)
    return gen


def _graph(mx, m, dtype="int64", explicit_zero=True):
    """A CSR graph from a 0/1 NDArray: values = edge ids 0..nnz-1 in row order."""
    a = m.asnumpy() != 0
    cols = np.nonzero(a)[1].astype(np.int64)
    indptr = np.concatenate([[0], np.cumsum(a.sum(1))]).astype(np.int64)
    data = np.arange(cols.shape[0]) + (0 if explicit_zero else 1)
    return mx.nd.sparse.csr_matrix((data.astype(dtype), cols, indptr), shape=a.shape)


def _csr(r):
    return [r, r.data, r.indices, r.indptr]


def _flat(rs):
    out = []
    for r in (rs if isinstance(rs, (list, tuple)) else [rs]):
        out += _csr(r) if r.stype == "csr" else [r]
    return out


# ---- getnnz
def _getnnz(axis, explicit_zero=False):
    def call(mx, a, args, kw):
        x = a[0]
        if explicit_zero:   # every (row + col) % 3 == 0 entry stored as an explicit 0
            v = x.asnumpy()
            idx = np.indices(v.shape).sum(0)
            v = np.where(idx % 3 == 0, 0, v)
            keep = (v != 0) | (idx % 3 == 0)
            cols = np.nonzero(keep)[1].astype(np.int64)
            ptr = np.concatenate([[0], np.cumsum(keep.sum(1))]).astype(np.int64)
            g = mx.nd.sparse.csr_matrix((v[keep], cols, ptr), shape=v.shape)
        else:
            g = x.tostype("csr")
        return mx.nd.contrib.getnnz(g) if axis == "none" else \
            mx.nd.contrib.getnnz(g, axis=axis)
    return call


def _getnnz_empty(axis):
    def call(mx, a, args, kw):
        return mx.nd.contrib.getnnz(mx.nd.sparse.zeros("csr", a[0].shape, dtype=a[0].dtype),
                                    axis=axis)
    return call


NNZ_IN = [In(gen=lambda rng, shape, dt: (rng.random(shape) < 0.5) *
             np.floor(1 + rng.random(shape) * 5))]

# ---- edge_id
def _edge_id(mx, a, args, kw):
    g = _graph(mx, a[0], kw.get("gdt", "int64"))
    return mx.nd.contrib.edge_id(g, a[1], a[2])


def _edge_id_dt(dt):
    def call(mx, a, args, kw):
        g = _graph(mx, a[0], dt)
        return mx.nd.contrib.edge_id(g, a[1], a[2])
    return call


EID_IN = [In(dtype="int64", gen=_mask(0.5)),
          In(gen=lambda rng, shape, dt: np.floor(rng.random(shape) * 4).astype(dt)),
          In(gen=lambda rng, shape, dt: np.floor(rng.random(shape) * 4).astype(dt))]


# ---- dgl_adjacency / dgl_subgraph
def _adj(mx, a, args, kw):
    return _csr(mx.nd.contrib.dgl_adjacency(_graph(mx, a[0])))


def _subgraph(ret_map, nsets=1):
    def call(mx, a, args, kw):
        g = _graph(mx, a[0])
        return _flat(mx.nd.contrib.dgl_subgraph(g, *a[1:1 + nsets], return_mapping=ret_map))
    return call


SUB_IN = [In(dtype="int64", gen=_mask(0.5)), In(dtype="int64", gen=_ids(0, 6)),
          In(dtype="int64", gen=_ids(0, 6))]


# ---- samplers
def _chain(mx, n):
    m = np.zeros((n, n), dtype=np.int64)
    for i in range(n - 1):
        m[i, i + 1] = 1
    return _graph(mx, mx.nd.array(m, dtype="int64"))


def _valid(mx, res, n_sets, nonuni):
    """Valid prefixes of a sampler's outputs."""
    out = []
    k = 4 if nonuni else 3
    assert len(res) == k * n_sets
    for i in range(n_sets):
        v = res[i]
        n = int(v.asnumpy()[-1])
        out += [v[:n] if n else mx.nd.zeros((0,), dtype="int64"), v[-1:]]
        out += [res[n_sets + i].data, res[n_sets + i].indices, res[n_sets + i].indptr]
        if nonuni:
            out.append(res[2 * n_sets + i][:n])
        out.append(res[(k - 1) * n_sets + i][:n])
    return out


def _sample(nonuni, hops, nbr, maxv, n_sets=1):
    def call(mx, a, args, kw):
        g = _graph(mx, a[0])
        seeds = list(a[1:1 + n_sets])
        extra = [mx.nd.arange(1, g.shape[0] + 1, dtype="float32") / 10] if nonuni else []
        f = mx.nd.contrib.dgl_csr_neighbor_non_uniform_sample if nonuni else \
            mx.nd.contrib.dgl_csr_neighbor_uniform_sample
        res = f(g, *extra, *seeds, num_hops=hops, num_neighbor=nbr, max_num_vertices=maxv)
        return _valid(mx, res, n_sets, nonuni)
    return call


def _sample_invariants(nonuni, hops, nbr, maxv):
    """A random draw (num_neighbor < degree): 1s where the output's invariants hold."""
    def call(mx, a, args, kw):
        g = _graph(mx, a[0])
        seeds = a[1]
        extra = [mx.nd.arange(1, g.shape[0] + 1, dtype="float32") / 10] if nonuni else []
        f = mx.nd.contrib.dgl_csr_neighbor_non_uniform_sample if nonuni else \
            mx.nd.contrib.dgl_csr_neighbor_uniform_sample
        res = f(g, *extra, seeds, num_hops=hops, num_neighbor=nbr, max_num_vertices=maxv)
        v = res[0].asnumpy()
        n = int(v[-1])
        verts = v[:n]
        sub = res[1]
        ptr, ind, dat = sub.indptr.asnumpy(), sub.indices.asnumpy(), sub.data.asnumpy()
        gi, gp, gd = g.indices.asnumpy(), g.indptr.asnumpy(), g.data.asnumpy()
        layers = res[-1].asnumpy()[:n]
        s = set(seeds.asnumpy().tolist())
        ok = [
            n <= maxv and n >= len(s),
            bool((np.diff(verts) > 0).all()),                      # sorted, unique
            s <= set(verts.tolist()),                              # seeds kept
            all((layers[i] == 0) == (verts[i] in s) for i in range(n)),
            ptr.shape[0] == maxv + 1 and ptr[0] == 0 and bool((np.diff(ptr) >= 0).all()),
            bool((np.diff(ptr)[:n] <= nbr).all()) and bool((np.diff(ptr)[n:] == 0).all()),
            # every sampled edge is an edge of the graph (columns: parent vertex ids)
            all(ind[j] in gi[gp[verts[r]]:gp[verts[r] + 1]]
                for r in range(n) for j in range(ptr[r], ptr[r + 1])),
            all(dat[j] in gd[gp[verts[r]]:gp[verts[r] + 1]]
                for r in range(n) for j in range(ptr[r], ptr[r + 1])),
            # a processed vertex keeps min(degree, num_neighbor) edges
            all(ptr[r + 1] - ptr[r] in (0, min(nbr, int(gp[verts[r] + 1] - gp[verts[r]])))
                for r in range(n)),
        ]
        return mx.nd.array(np.array(ok, dtype=np.int32), dtype="int32")
    return call


def _compact(ret_map):
    def call(mx, a, args, kw):
        g = _graph(mx, a[0])
        res = mx.nd.contrib.dgl_csr_neighbor_uniform_sample(
            g, a[1], num_hops=2, num_neighbor=8, max_num_vertices=7)
        v, sub = res[0], res[1]
        n = int(v.asnumpy()[-1])
        return _flat(mx.nd.contrib.dgl_graph_compact(sub, v, graph_sizes=(n,),
                                                     return_mapping=ret_map))
    return call


def _compact2(mx, a, args, kw):
    g = _graph(mx, a[0])
    res = mx.nd.contrib.dgl_csr_neighbor_uniform_sample(
        g, a[1], a[2], num_hops=1, num_neighbor=8, max_num_vertices=7)
    n0, n1 = int(res[0].asnumpy()[-1]), int(res[1].asnumpy()[-1])
    return _flat(mx.nd.contrib.dgl_graph_compact(res[2], res[3], res[0], res[1],
                                                 graph_sizes=(n0, n1), return_mapping=False))


SAMPLE_IN = [In(dtype="int64", gen=_mask(0.35)), In(dtype="int64", gen=_ids(0, 6)),
             In(dtype="int64", gen=_ids(0, 6))]
DENSE_IN = [In(dtype="int64", gen=_mask(0.8)), In(dtype="int64", gen=_ids(0, 8))]


# ---- error forms
def _err(fn):
    def call(mx, a, args, kw):
        return fn(mx, a)
    return call


def _i64(mx, xs):
    return mx.nd.array(np.array(xs), dtype="int64")


ERRS = [
    ("getnnz", "gr_err_dense", lambda mx, a: mx.nd.contrib.getnnz(a[0])),
    ("getnnz", "gr_err_axis2", lambda mx, a: mx.nd.contrib.getnnz(a[0].tostype("csr"),
                                                                  axis=2)),
    ("getnnz", "gr_err_axis_neg", lambda mx, a: mx.nd.contrib.getnnz(a[0].tostype("csr"),
                                                                     axis=-1)),
    ("getnnz", "gr_err_axis_str", lambda mx, a: mx.nd.contrib.getnnz(a[0].tostype("csr"),
                                                                     axis="x")),
    ("getnnz", "gr_err_kw", lambda mx, a: mx.nd.contrib.getnnz(a[0].tostype("csr"), foo=1)),
    ("getnnz", "gr_err_out_dtype", lambda mx, a: mx.nd.contrib.getnnz(
        a[0].tostype("csr"), axis=1, out=mx.nd.zeros((a[0].shape[0],)))),
    ("edge_id", "gr_err_dense", lambda mx, a: mx.nd.contrib.edge_id(
        a[0], _i64(mx, [0]), _i64(mx, [0]))),
    ("edge_id", "gr_err_len", lambda mx, a: mx.nd.contrib.edge_id(
        a[0].tostype("csr"), _i64(mx, [0, 1]), _i64(mx, [0]))),
    ("edge_id", "gr_err_2d", lambda mx, a: mx.nd.contrib.edge_id(
        a[0].tostype("csr"), _i64(mx, [[0]]), _i64(mx, [[0]]))),
    ("edge_id", "gr_err_uv_dtype", lambda mx, a: mx.nd.contrib.edge_id(
        _graph(mx, a[0]), _i64(mx, [0, 1]), mx.nd.array([0, 1], dtype="int32")).asnumpy()),
    ("edge_id", "gr_err_missing", lambda mx, a: mx.nd.contrib.edge_id(
        a[0].tostype("csr"), _i64(mx, [0]))),
    ("dgl_adjacency", "gr_err_float", lambda mx, a: mx.nd.contrib.dgl_adjacency(
        _graph(mx, a[0], "float32"))),
    ("dgl_adjacency", "gr_err_dense", lambda mx, a: mx.nd.contrib.dgl_adjacency(a[0])),
    ("dgl_subgraph", "gr_err_no_flag", lambda mx, a: mx.nd.contrib.dgl_subgraph(
        _graph(mx, a[0]), _i64(mx, [0, 1]))),
    ("dgl_subgraph", "gr_err_no_sets", lambda mx, a: mx.nd.contrib.dgl_subgraph(
        _graph(mx, a[0]), return_mapping=True)),
    ("dgl_subgraph", "gr_err_int32", lambda mx, a: mx.nd.contrib.dgl_subgraph(
        _graph(mx, a[0]), mx.nd.array([0, 1], dtype="int32"), return_mapping=False)),
    ("dgl_subgraph", "gr_err_dense", lambda mx, a: mx.nd.contrib.dgl_subgraph(
        a[0], _i64(mx, [0, 1]), return_mapping=False)),
    ("dgl_subgraph", "gr_err_2d", lambda mx, a: mx.nd.contrib.dgl_subgraph(
        _graph(mx, a[0]), _i64(mx, [[0, 1]]), return_mapping=False)),
    ("dgl_subgraph", "gr_err_num_args", lambda mx, a: mx.nd.contrib.dgl_subgraph(
        _graph(mx, a[0]), _i64(mx, [0, 1]), return_mapping=False, num_args=3)),
    ("dgl_subgraph", "gr_err_flag", lambda mx, a: mx.nd.contrib.dgl_subgraph(
        _graph(mx, a[0]), _i64(mx, [0, 1]), return_mapping="maybe")),
    ("dgl_subgraph", "gr_err_kw", lambda mx, a: mx.nd.contrib.dgl_subgraph(
        _graph(mx, a[0]), _i64(mx, [0, 1]), return_mapping=True, foo=1)),
    ("dgl_graph_compact", "gr_err_no_sizes", lambda mx, a: mx.nd.contrib.dgl_graph_compact(
        _graph(mx, a[0]), _i64(mx, [0] * 7), return_mapping=False)),
    ("dgl_graph_compact", "gr_err_odd", lambda mx, a: mx.nd.contrib.dgl_graph_compact(
        _graph(mx, a[0]), _i64(mx, [0] * 7), _i64(mx, [0] * 7), graph_sizes=(1,),
        return_mapping=False)),
    ("dgl_graph_compact", "gr_err_big", lambda mx, a: mx.nd.contrib.dgl_graph_compact(
        _graph(mx, a[0]), _i64(mx, [0] * 7), graph_sizes=(9,), return_mapping=False)),
    ("dgl_graph_compact", "gr_err_short_sizes", lambda mx, a: mx.nd.contrib.dgl_graph_compact(
        _graph(mx, a[0]), _graph(mx, a[0]), _i64(mx, [0] * 7), _i64(mx, [0] * 7),
        graph_sizes=(1,), return_mapping=False)),
    ("dgl_graph_compact", "gr_err_int32", lambda mx, a: mx.nd.contrib.dgl_graph_compact(
        _graph(mx, a[0]), mx.nd.array([0] * 7, dtype="int32"), graph_sizes=(1,),
        return_mapping=False)),
    ("dgl_csr_neighbor_uniform_sample", "gr_err_2d", lambda mx, a:
        mx.nd.contrib.dgl_csr_neighbor_uniform_sample(_graph(mx, a[0]), _i64(mx, [[0]]))),
    ("dgl_csr_neighbor_uniform_sample", "gr_err_dense", lambda mx, a:
        mx.nd.contrib.dgl_csr_neighbor_uniform_sample(a[0], _i64(mx, [0]))),
    ("dgl_csr_neighbor_uniform_sample", "gr_err_nonsquare", lambda mx, a:
        mx.nd.contrib.dgl_csr_neighbor_uniform_sample(_graph(mx, a[0])[0:4], _i64(mx, [0]))),
    ("dgl_csr_neighbor_uniform_sample", "gr_err_no_seeds", lambda mx, a:
        mx.nd.contrib.dgl_csr_neighbor_uniform_sample(_graph(mx, a[0]))),
    ("dgl_csr_neighbor_uniform_sample", "gr_err_hops", lambda mx, a:
        mx.nd.contrib.dgl_csr_neighbor_uniform_sample(_graph(mx, a[0]), _i64(mx, [0]),
                                                      num_hops=1.5)),
    ("dgl_csr_neighbor_uniform_sample", "gr_err_maxv", lambda mx, a:
        mx.nd.contrib.dgl_csr_neighbor_uniform_sample(_graph(mx, a[0]), _i64(mx, [0]),
                                                      max_num_vertices=-1)),
    ("dgl_csr_neighbor_uniform_sample", "gr_err_kw", lambda mx, a:
        mx.nd.contrib.dgl_csr_neighbor_uniform_sample(_graph(mx, a[0]), _i64(mx, [0]),
                                                      foo=1)),
    ("dgl_csr_neighbor_non_uniform_sample", "gr_err_prob64", lambda mx, a:
        mx.nd.contrib.dgl_csr_neighbor_non_uniform_sample(
            _graph(mx, a[0]), mx.nd.ones((6,), dtype="float64"), _i64(mx, [0]))[0].asnumpy()),
    ("dgl_csr_neighbor_non_uniform_sample", "gr_err_prob2d", lambda mx, a:
        mx.nd.contrib.dgl_csr_neighbor_non_uniform_sample(
            _graph(mx, a[0]), mx.nd.ones((1, 6)), _i64(mx, [0]))),
]

# where MXNet aborts or crashes the process (mxcompat raises MXNetError)
CRASHES = [
    ("dgl_subgraph", "gr_crash_unsorted", "abort", lambda mx, a: mx.nd.contrib.dgl_subgraph(
        _graph(mx, a[0]), _i64(mx, [2, 1]), return_mapping=False)),
    ("dgl_subgraph", "gr_crash_range", "abort", lambda mx, a: mx.nd.contrib.dgl_subgraph(
        _graph(mx, a[0]), _i64(mx, [1, 6]), return_mapping=False)),
    ("dgl_subgraph", "gr_crash_negative", "SIGSEGV", lambda mx, a: mx.nd.contrib.dgl_subgraph(
        _graph(mx, a[0]), _i64(mx, [-1, 2]), return_mapping=False)),
    ("dgl_subgraph", "gr_crash_float", "abort", lambda mx, a: mx.nd.contrib.dgl_subgraph(
        _graph(mx, a[0], "float32"), _i64(mx, [0, 1]), return_mapping=False)),
    ("dgl_graph_compact", "gr_crash_size", "abort", lambda mx, a:
        mx.nd.contrib.dgl_graph_compact(_graph(mx, a[0]), _i64(mx, [0, 1, 2, 3, 4, 5, 6]),
                                        graph_sizes=(2,), return_mapping=False)),
    ("dgl_csr_neighbor_uniform_sample", "gr_crash_seeds", "abort", lambda mx, a:
        mx.nd.contrib.dgl_csr_neighbor_uniform_sample(
            _graph(mx, a[0]), _i64(mx, [0, 1, 2]), max_num_vertices=2)),
    ("dgl_csr_neighbor_uniform_sample", "gr_crash_range", "SIGSEGV", lambda mx, a:
        mx.nd.contrib.dgl_csr_neighbor_uniform_sample(_graph(mx, a[0]), _i64(mx, [7]))),
    ("dgl_csr_neighbor_uniform_sample", "gr_crash_int32", "abort", lambda mx, a:
        mx.nd.contrib.dgl_csr_neighbor_uniform_sample(
            _graph(mx, a[0]), mx.nd.array([0], dtype="int32"))),
    ("dgl_csr_neighbor_uniform_sample", "gr_crash_float", "abort", lambda mx, a:
        mx.nd.contrib.dgl_csr_neighbor_uniform_sample(_graph(mx, a[0], "float32"),
                                                      _i64(mx, [0]))),
]

G6 = [In(dtype="int64", gen=_mask(0.5))]

CASES = [
    Case("contrib.getnnz", "gr_all", samples=[((3, 4),), ((1, 5),)], inputs=NNZ_IN,
         dtypes=("float32", "float64", "float16", "int32", "int64", "uint8", "int8"),
         call=_getnnz("none")),
    Case("contrib.getnnz", "gr_rows", samples=[((3, 4),), ((5, 2),)], inputs=NNZ_IN,
         dtypes=("float32", "float64", "int64"), call=_getnnz(1)),
    Case("contrib.getnnz", "gr_explicit_zero", samples=[((3, 4),)], inputs=NNZ_IN,
         dtypes=("float32",), call=_getnnz(1, explicit_zero=True)),
    Case("contrib.getnnz", "gr_explicit_zero_all", samples=[((3, 4),)], inputs=NNZ_IN,
         dtypes=("float32",), call=_getnnz("none", explicit_zero=True)),
    Case("contrib.getnnz", "gr_axis0", samples=[((3, 4),)], inputs=NNZ_IN,
         dtypes=("float32",), call=_getnnz(0), raises=True),
    Case("contrib.getnnz", "gr_axis0_empty", samples=[((3, 4),)], dtypes=("float32",),
         call=_getnnz_empty(0)),
    Case("contrib.getnnz", "gr_axis1_empty", samples=[((3, 4),)], dtypes=("float32",),
         call=_getnnz_empty(1)),
    Case("contrib.edge_id", "gr_ids", samples=[((4, 4), (6,), (6,)), ((4, 4), (9,), (9,))],
         inputs=EID_IN, dtypes=("int64", "int32", "float32", "float64"), call=_edge_id),
    Case("contrib.edge_id", "gr_graph_dtypes", samples=[((4, 4), (6,), (6,))],
         inputs=[EID_IN[0], In(dtype="int64", gen=EID_IN[1].gen),
                 In(dtype="int64", gen=EID_IN[2].gen)],
         dtypes=("int64",), call=lambda mx, a, args, kw: [
             _edge_id_dt(d)(mx, a, args, kw) for d in
             ("float32", "float64", "float16", "int32", "uint8", "int8")]),
    Case("contrib.edge_id", "gr_nonsquare", samples=[((4, 6), (6,), (6,))],
         inputs=EID_IN, dtypes=("int64",), call=_edge_id),
    Case("contrib.edge_id", "gr_empty_graph", samples=[((3, 3), (4,), (4,))],
         inputs=[In(dtype="int64", gen=_mask(0.0)), EID_IN[1], EID_IN[2]],
         dtypes=("int64",), call=_edge_id),
    Case("contrib.dgl_adjacency", "gr_adj", samples=[((4, 4),), ((3, 5),), ((3, 3),)],
         inputs=[In(gen=_mask(0.5))], dtypes=I64, call=_adj),
    Case("contrib.dgl_subgraph", "gr_one", samples=[((6, 6), (3,)), ((6, 6), (5,))],
         inputs=SUB_IN, dtypes=I64, call=_subgraph(False)),
    Case("contrib.dgl_subgraph", "gr_mapping", samples=[((6, 6), (3,)), ((6, 6), (4,))],
         inputs=SUB_IN, dtypes=I64, call=_subgraph(True)),
    Case("contrib.dgl_subgraph", "gr_two_sets", samples=[((6, 6), (3,), (2,))],
         inputs=SUB_IN, dtypes=I64, call=_subgraph(True, nsets=2)),
    Case("contrib.dgl_subgraph", "gr_repeated", samples=[((6, 6), (3,))],
         inputs=[SUB_IN[0], In(dtype="int64", gen=lambda rng, s, dt: np.array([1, 1, 3]))],
         dtypes=I64, call=_subgraph(False)),
    Case("contrib.dgl_csr_neighbor_uniform_sample", "gr_all_nbrs",
         samples=[((6, 6), (2,)), ((6, 6), (1,))], inputs=SAMPLE_IN, dtypes=I64,
         call=_sample(False, 2, 8, 6)),
    Case("contrib.dgl_csr_neighbor_uniform_sample", "gr_truncated",
         samples=[((6, 6), (2,))], inputs=SAMPLE_IN, dtypes=I64,
         call=_sample(False, 3, 8, 3)),
    Case("contrib.dgl_csr_neighbor_uniform_sample", "gr_two_sets",
         samples=[((6, 6), (2,), (1,))], inputs=SAMPLE_IN, dtypes=I64,
         call=_sample(False, 1, 8, 5, n_sets=2)),
    Case("contrib.dgl_csr_neighbor_uniform_sample", "gr_zero_hops",
         samples=[((6, 6), (2,))], inputs=SAMPLE_IN, dtypes=I64,
         call=_sample(False, 0, 8, 4)),
    Case("contrib.dgl_csr_neighbor_uniform_sample", "gr_chain",
         samples=[((6, 6), (1,))], dtypes=I64,
         inputs=[In(dtype="int64", gen=lambda rng, s, dt: np.eye(6, k=1)),
                 In(dtype="int64", gen=lambda rng, s, dt: np.array([0]))],
         call=_sample(False, 10, 2, 4)),
    Case("contrib.dgl_csr_neighbor_uniform_sample", "gr_random",
         samples=[((8, 8), (2,))], inputs=DENSE_IN, dtypes=I64,
         call=_sample_invariants(False, 2, 2, 8)),
    Case("contrib.dgl_csr_neighbor_non_uniform_sample", "gr_all_nbrs",
         samples=[((6, 6), (2,)), ((6, 6), (1,))], inputs=SAMPLE_IN, dtypes=I64,
         call=_sample(True, 2, 8, 6)),
    Case("contrib.dgl_csr_neighbor_non_uniform_sample", "gr_two_sets",
         samples=[((6, 6), (2,), (1,))], inputs=SAMPLE_IN, dtypes=I64,
         call=_sample(True, 1, 8, 5, n_sets=2)),
    Case("contrib.dgl_csr_neighbor_non_uniform_sample", "gr_random",
         samples=[((8, 8), (2,))], inputs=DENSE_IN, dtypes=I64,
         call=_sample_invariants(True, 2, 2, 8)),
    Case("contrib.dgl_graph_compact", "gr_compact", samples=[((7, 7), (2,))],
         inputs=[In(dtype="int64", gen=_mask(0.35)), In(dtype="int64", gen=_ids(0, 7))],
         dtypes=I64, call=_compact(False)),
    Case("contrib.dgl_graph_compact", "gr_mapping", samples=[((7, 7), (2,))],
         inputs=[In(dtype="int64", gen=_mask(0.35)), In(dtype="int64", gen=_ids(0, 7))],
         dtypes=I64, call=_compact(True)),
    Case("contrib.dgl_graph_compact", "gr_two", samples=[((7, 7), (2,), (1,))],
         inputs=[In(dtype="int64", gen=_mask(0.35)), In(dtype="int64", gen=_ids(0, 7)),
                 In(dtype="int64", gen=_ids(0, 7))],
         dtypes=I64, call=_compact2),
]

CASES += [Case(f"contrib.{op}", var, samples=[((6, 6),)], inputs=G6, dtypes=I64, raises=True,
               call=_err(fn)) for op, var, fn in ERRS]
CASES += [Case(f"contrib.{op}", var, samples=[((6, 6),)], inputs=G6, dtypes=I64,
               mx_crash=crash, call=_err(fn)) for op, var, crash, fn in CRASHES]
_unused = DT


# ---- hawkesll (lda, alpha, beta, state, lags, marks, valid_length, max_time)
def _hk_in(vl_gen=None, T=4, K=3):
    return [In(domain=(0.5, 2.0)), In(domain=(0.1, 0.5)), In(domain=(0.5, 2.0)),
            In(domain=(0.0, 0.5)), In(domain=(0.1, 1.0), grad=False),
            In(dtype="int32", gen=lambda rng, s, dt: np.floor(rng.random(s) * K)),
            In(grad=False, gen=vl_gen or (lambda rng, s, dt: np.floor(rng.random(s) * (T + 1)))),
            In(grad=False, domain=(T + 0.5, T + 2.0))]


HK = [((2, 3), (3,), (3,), (2, 3), (2, 4), (2, 4), (2,), (2,))]
HK2 = [((3, 2), (2,), (2,), (3, 2), (3, 4), (3, 4), (3,), (3,))]


def _hk_call(mx, a, args, kw):
    return mx.nd.contrib.hawkesll(*a)


def _hk_bad(fn):
    def call(mx, a, args, kw):
        return fn(mx, list(a))
    return call


CASES += [
    Case("contrib.hawkesll", "gr_hawkes", samples=HK,
        inputs=_hk_in(), dtypes=F, grad=True, fd=False, call=_hk_call,
        note="MXNet's backward uses the loglik head only and gives the state a zero gradient"),
    Case("contrib.hawkesll", "gr_hawkes_k2", samples=HK2, inputs=_hk_in(K=2), dtypes=F,
         grad=True, fd=False, call=_hk_call),
    Case("contrib.hawkesll", "gr_hawkes_frac_len", samples=HK,
         inputs=_hk_in(vl_gen=lambda rng, s, dt: rng.random(s) * 4), dtypes=("float32",),
         grad=True, fd=False, call=_hk_call),
    Case("contrib.hawkesll", "gr_hawkes_int", samples=HK,
         inputs=_hk_in(), dtypes=("int32",), call=_hk_call),
    Case("contrib.hawkesll", "gr_err_marks_float", samples=HK, inputs=_hk_in(),
         dtypes=("float32",), raises=True,
         call=_hk_bad(lambda mx, a: mx.nd.contrib.hawkesll(*(a[:5] + [a[5].astype("float32")]
                                                            + a[6:])))),
    Case("contrib.hawkesll", "gr_err_mixed", samples=HK, inputs=_hk_in(),
         dtypes=("float32",), raises=True,
         call=_hk_bad(lambda mx, a: mx.nd.contrib.hawkesll(*(a[:6] + [a[6].astype("int32")]
                                                            + a[7:])))),
    Case("contrib.hawkesll", "gr_err_missing", samples=HK, inputs=_hk_in(),
         dtypes=("float32",), raises=True,
         call=_hk_bad(lambda mx, a: mx.nd.contrib.hawkesll(*a[:7]))),
    Case("contrib.hawkesll", "gr_err_alpha", samples=HK, inputs=_hk_in(),
         dtypes=("float32",), raises=True,
         call=_hk_bad(lambda mx, a: mx.nd.contrib.hawkesll(*(a[:1] + [a[1][:2]] + a[2:])))),
    Case("contrib.hawkesll", "gr_err_maxtime_2d", samples=HK, inputs=_hk_in(),
         dtypes=("float32",), raises=True,
         call=_hk_bad(lambda mx, a: mx.nd.contrib.hawkesll(*(a[:7] + [a[7].reshape((2, 1))])))),
]
