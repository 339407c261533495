"""mx.nd.contrib graph ops and hawkesll: behaviour the matrix can't express, checked against
values recorded from MXNet 1.9.1 (or computed by hand)."""
import numpy as np
import pytest

import mxcompat as mx
from mxcompat.base import MXNetError

C = mx.nd.contrib


def _i64(x):
    return mx.nd.array(np.array(x), dtype="int64")


def _g(data, indices, indptr, shape, dtype="int64"):
    return mx.nd.sparse.csr_matrix((np.array(data, dtype=dtype), np.array(indices),
                                    np.array(indptr)), shape=shape)


FULL5 = _g(np.arange(1, 21), [1, 2, 3, 4, 0, 2, 3, 4, 0, 1, 3, 4, 0, 1, 2, 4, 0, 1, 2, 3],
           [0, 4, 8, 12, 16, 20], (5, 5))


def test_edge_id_reads_the_layout_edge_zero_and_uint8():
    g = _g([1, 2, 3, 0], [0, 1, 2, 1], [0, 1, 3, 4], (3, 3))
    u, v = _i64([0, 0, 1, 1, 2, 2]), _i64([0, 1, 1, 2, 0, 1])
    assert C.edge_id(g, u, v).asnumpy().tolist() == [1, -1, 2, 3, -1, 0]   # MXNet
    g8 = _g([1, 2, 3, 0], [0, 1, 2, 1], [0, 1, 3, 4], (3, 3), "uint8")
    assert C.edge_id(g8, u, v).asnumpy().tolist() == [1, 255, 2, 3, 255, 0]
    # float ids truncate (MXNet: [2, 1])
    r = C.edge_id(g, mx.nd.array([1.7, -0.5]), mx.nd.array([1.2, 0.9]))
    assert r.asnumpy().tolist() == [2, 1]
    o = mx.nd.zeros((6,), dtype="int64")
    assert C.edge_id(g, u, v, out=o) is o and o.asnumpy()[-1] == 0


def test_getnnz_counts_explicit_zeros_and_axis0_only_when_empty():
    b = mx.nd.sparse.csr_matrix((np.array([0., 1, 0]), np.array([0, 1, 2]),
                                 np.array([0, 2, 3, 3])), shape=(3, 3))
    assert C.getnnz(b).asnumpy().tolist() == [3]
    assert C.getnnz(b, axis=1).asnumpy().tolist() == [2, 1, 0]
    assert C.getnnz(b, axis="1").dtype == np.int64
    with pytest.raises(MXNetError, match="getnnz.*axis = 0"):
        C.getnnz(b, axis=0)
    e = mx.nd.sparse.zeros("csr", (3, 4))
    assert C.getnnz(e, axis=0).asnumpy().tolist() == [0, 0, 0, 0]
    with pytest.raises(MXNetError, match="getnnz.*axis"):
        C.getnnz(b, axis=-1)
    with pytest.raises(MXNetError, match="getnnz"):
        C.getnnz(b.tostype("default"))


def test_subgraph_keeps_row_order_of_columns_and_maps_repeats_to_last():
    g = _g([5, 6, 7], [2, 0, 1], [0, 2, 2, 3], (3, 5))
    s, m = C.dgl_subgraph(g, _i64([0, 1, 2]), return_mapping=True)
    assert s.shape == (3, 3)
    assert s.indices.asnumpy().tolist() == [2, 0, 1] and s.data.asnumpy().tolist() == [0, 1, 2]
    assert m.data.asnumpy().tolist() == [5, 6, 7]
    x = mx.nd.array([[1, 0, 0, 2], [3, 0, 4, 0], [0, 5, 0, 0], [0, 6, 7, 0]],
                    dtype="int64").tostype("csr")
    r = C.dgl_subgraph(x, _i64([1, 1]), return_mapping=False)   # one output: not a list
    assert isinstance(r, mx.nd.sparse.CSRNDArray) and r.indptr.asnumpy().tolist() == [0, 0, 0]
    for bad, what in (([2, 1], "sorted"), ([1, 4], "isn't in a graph"), ([-1, 2], "isn't")):
        with pytest.raises(MXNetError, match=f"dgl_subgraph.*{what}"):
            C.dgl_subgraph(x, _i64(bad), return_mapping=False)
    with pytest.raises(MXNetError, match="dgl_subgraph.*return_mapping"):
        C.dgl_subgraph(x, _i64([0, 1]))


def test_uniform_sample_layout_padding_and_truncation():
    ch = _g(np.arange(5), [1, 2, 3, 4, 5], [0, 1, 2, 3, 4, 5, 5], (6, 6))
    v, sub, lay = C.dgl_csr_neighbor_uniform_sample(ch, _i64([0]), num_hops=10,
                                                    num_neighbor=2, max_num_vertices=4)
    # MXNet: [0 1 2 3 4], edges 0->1, 1->2, 2->3, layers [0 1 2 3] (truncated at 4 vertices)
    assert v.asnumpy().tolist() == [0, 1, 2, 3, 4]
    assert sub.shape == (4, 6) and sub.indptr.asnumpy().tolist() == [0, 1, 2, 3, 3]
    assert sub.data.asnumpy().tolist() == [0, 1, 2]
    assert lay.asnumpy().tolist() == [0, 1, 2, 3]
    v, sub, lay = C.dgl_csr_neighbor_uniform_sample(ch, _i64([0]), num_hops=2,
                                                    num_neighbor=2, max_num_vertices=6)
    assert v.asnumpy().tolist() == [0, 1, 2, -1, -1, -1, 3]   # MXNet leaves garbage there
    assert lay.asnumpy().tolist()[:3] == [0, 1, 2]
    # num_neighbor < 0 is every neighbour (MXNet casts to size_t)
    v, sub, _ = C.dgl_csr_neighbor_uniform_sample(ch, _i64([0]), num_hops=1,
                                                  num_neighbor=-1, max_num_vertices=3)
    assert v.asnumpy()[-1] == 2 and sub.indices.asnumpy().tolist() == [1]


def test_uniform_sample_is_reproducible_under_mx_random_seed():
    outs = []
    for _ in range(2):
        mx.random.seed(7)
        r = C.dgl_csr_neighbor_uniform_sample(FULL5, _i64([0, 1]), num_hops=1,
                                              num_neighbor=2, max_num_vertices=5)
        outs.append([x.asnumpy().tolist() for x in (r[0], r[1].indices, r[1].data)])
    assert outs[0] == outs[1]
    ind, ptr = r[1].indices.asnumpy(), r[1].indptr.asnumpy()
    assert (np.diff(ptr)[:2] == 2).all()
    for row in range(2):
        cols = ind[ptr[row]:ptr[row + 1]]
        assert (np.diff(cols) > 0).all()    # kept in CSR order


def test_non_uniform_zero_probabilities_take_the_heaps_last_leaf():
    # MXNet 1.9.1: neighbours [1 2 3 4] with weights [1 1 0 0], 3 draws -> 1, 2, then 4
    r = C.dgl_csr_neighbor_non_uniform_sample(
        FULL5, mx.nd.array([0, 1, 1, 0, 0]), _i64([0]), num_hops=1, num_neighbor=3,
        max_num_vertices=5)
    assert r[1].indices.asnumpy().tolist() == [1, 2, 4]
    assert r[0].asnumpy().tolist()[:4] == [0, 1, 2, 4] and r[0].asnumpy()[-1] == 4
    assert r[2].asnumpy().tolist()[:4] == [0, 1, 1, 0]
    assert r[3].asnumpy().tolist()[:4] == [0, 1, 1, 1]
    # all zero: the last leaf twice (4 neighbours: a power of two)
    r = C.dgl_csr_neighbor_non_uniform_sample(
        FULL5, mx.nd.zeros((5,)), _i64([0]), num_hops=1, num_neighbor=2, max_num_vertices=5)
    assert r[1].indices.asnumpy().tolist() == [4, 4]
    with pytest.raises(MXNetError, match="non_uniform.*probability.*float32"):
        C.dgl_csr_neighbor_non_uniform_sample(FULL5, mx.nd.ones((5,), dtype="float64"),
                                              _i64([0]))
    assert C.dgl_csr_neighbor_non_uniform_sample(FULL5, mx.nd.ones((5,))) == []


def test_compact_mapping_outputs_are_empty_as_in_mxnet():
    ch = _g(np.arange(5), [1, 2, 3, 4, 5], [0, 1, 2, 3, 4, 5, 5], (6, 6))
    v, sub, _ = C.dgl_csr_neighbor_uniform_sample(ch, _i64([0]), num_hops=2,
                                                  num_neighbor=2, max_num_vertices=6)
    c, m = C.dgl_graph_compact(sub, v, graph_sizes=(3,), return_mapping=True)
    assert c.shape == (3, 3) and c.indices.asnumpy().tolist() == [1, 2]
    assert c.indptr.asnumpy().tolist() == [0, 1, 2, 2] and c.data.asnumpy().tolist() == [0, 1]
    assert m.shape == (3, 3) and m.indptr.asnumpy().tolist() == []
    with pytest.raises(MXNetError, match="dgl_graph_compact.*graph_sizes"):
        C.dgl_graph_compact(sub, v, graph_sizes=(2,), return_mapping=False)
    with pytest.raises(MXNetError, match="dgl_graph_compact.*graph_sizes"):
        C.dgl_graph_compact(sub, v, return_mapping=False)


def test_adjacency_is_float32_ones_on_the_pattern():
    g = _g([1, 2, 3, 0], [0, 1, 2, 1], [0, 1, 3, 4], (3, 5))
    a = C.dgl_adjacency(g)
    assert a.stype == "csr" and a.dtype == np.float32 and a.shape == (3, 5)
    assert a.data.asnumpy().tolist() == [1, 1, 1, 1]
    with pytest.raises(MXNetError, match="dgl_adjacency.*int64"):
        C.dgl_adjacency(g.astype("float32"))


# ---- hawkesll: the example recorded from MXNet 1.9.1
def _hawkes_inputs(dtype="float32"):
    return [mx.nd.array([[1.5, 2.0, 3.0], [1.0, 0.5, 2.0]], dtype=dtype),
            mx.nd.array([0.2, 0.3, 0.4], dtype=dtype), mx.nd.array([1.0, 2.0, 3.0], dtype=dtype),
            mx.nd.array([[0.1, 0.0, 0.2], [0.0, 0.3, 0.0]], dtype=dtype),
            mx.nd.array([[0.5, 0.7, 0.2, 1.0], [0.1, 0.3, 0.4, 0.9]], dtype=dtype),
            mx.nd.array([[0, 1, 0, 2], [2, 2, 1, 0]], dtype="int32"),
            mx.nd.array([3, 4], dtype=dtype), mx.nd.array([5.0, 4.0], dtype=dtype)]


def test_hawkesll_values_and_fractional_valid_length():
    ll, st = C.hawkesll(*_hawkes_inputs())
    np.testing.assert_allclose(ll.asnumpy(), [-31.72399139404297, -14.387813568115234],
                               rtol=1e-6)
    np.testing.assert_allclose(st.asnumpy()[1], [0.10025884956121445, 0.0017621958395466208,
                                                 2.869334457500372e-05], rtol=1e-5)
    a = _hawkes_inputs()
    a[6] = mx.nd.array([2.5, 0.2])   # MXNet counts points j < valid_length: 3 and 1
    ll, _ = C.hawkesll(*a)
    np.testing.assert_allclose(ll.asnumpy(), [-31.72399139404297, -13.796819686889648],
                               rtol=1e-6)


def test_hawkesll_gradients_use_the_loglik_head_only():
    a = _hawkes_inputs()
    for x in a[:4]:
        x.attach_grad()
    with mx.autograd.record():
        ll, st = C.hawkesll(*a)
        z = ll.sum() + (st * st).sum()
    z.backward()
    # MXNet 1.9.1 (the state head is ignored, the state gets 0)
    np.testing.assert_allclose(a[0].grad.asnumpy(), [[-3.7082622, -4.5, -5.0],
                                                     [-3.0, -2.1355159, -3.0980518]], rtol=1e-5)
    np.testing.assert_allclose(a[1].grad.asnumpy(), [-2.6486685, -2.0718775, -1.7097117],
                               rtol=1e-5)
    np.testing.assert_allclose(a[2].grad.asnumpy(), [-0.06857044, -0.02261375, 0.00649435],
                               rtol=1e-4)
    assert (a[3].grad.asnumpy() == 0).all()
    b = _hawkes_inputs()
    b[4].attach_grad()
    with mx.autograd.record():
        ll, _ = C.hawkesll(*b)
    with pytest.raises(MXNetError, match="hawkesll"):
        ll.backward()


def test_hawkesll_errors_name_the_op_and_argument():
    a = _hawkes_inputs()
    with pytest.raises(MXNetError, match="hawkesll.*marks"):
        C.hawkesll(*(a[:5] + [a[5].astype("float32")] + a[6:]))
    with pytest.raises(MXNetError, match="hawkesll.*max_time"):
        C.hawkesll(*a[:7])
    bad = _hawkes_inputs()
    bad[5] = mx.nd.array([[0, 3, 0, 3], [2, 2, 1, 0]], dtype="int32")  # [0, 3] is valid
    with pytest.raises(MXNetError, match="hawkesll.*mark"):
        C.hawkesll(*bad)
    with pytest.raises(MXNetError, match="hawkesll.*int32"):
        C.hawkesll(*[x.astype("int32") for x in a])
