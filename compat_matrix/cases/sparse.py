"""mx.nd.sparse: CSRNDArray / RowSparseNDArray and the sparse.* ops (variants ``sp_*``).

Each call builds sparse inputs from the generated dense arrays (every entry whose
(row + col) % 3 == 0, resp. every odd row, is zeroed first) and returns a list of NDArrays:
the result's dense values, a one-element stype code (0 default, 1 csr, 2 row_sparse) and,
where MXNet's layout is well defined, the layout arrays (csr: data, indices, indptr;
row_sparse: data, indices). csr (+, -, *) csr results are compared by value and stype only:
MXNet 1.9.1 returns unsorted indices and uninitialised slack in ``.data`` there.
"""
import dataclasses

import numpy as np

from compat_matrix.spec import ALL_DTYPES, Case, In

F = ("float32", "float64")
CODES = {"default": 0, "csr": 1, "row_sparse": 2}


def _mask(shape, kind):
    if kind == "row_sparse":
        m = np.ones(shape)
        m[1::2] = 0
        return m
    idx = np.indices(shape).sum(axis=0)
    return (idx % 3 != 0).astype(np.float64)


def _sparse(mx, x, stype):
    if stype == "default":
        return x
    m = mx.nd.array(_mask(x.shape, stype), dtype=x.dtype)
    return (x * m).tostype(stype)


def _res(mx, r, layout=True):
    out = [r, mx.nd.array([CODES[r.stype]], dtype="int32")]
    if layout and r.stype == "csr":
        out += [r.data, r.indices, r.indptr]
    elif layout and r.stype == "row_sparse":
        out += [r.data, r.indices]
    return out


def _unary(name, st, **kw):
    def call(mx, a, args, kwargs):
        return _res(mx, getattr(mx.nd.sparse, name)(_sparse(mx, a[0], st), **kwargs))
    return call


def _binary(name, s1, s2, layout=True):
    def call(mx, a, args, kwargs):
        r = getattr(mx.nd.sparse, name)(_sparse(mx, a[0], s1), _sparse(mx, a[1], s2),
                                        **kwargs)
        return _res(mx, r, layout)
    return call


S = {"csr": "c", "row_sparse": "r", "default": "d"}

UNARY_KEEP = {
    "abs": None, "arcsin": (-0.9, 0.9), "arcsinh": None, "arctan": None,
    "arctanh": (-0.9, 0.9), "cbrt": None, "ceil": None, "degrees": None, "expm1": None,
    "fix": None, "floor": None, "log1p": (-0.9, 3.0), "negative": None, "radians": None,
    "relu": None, "rint": None, "round": None, "sign": None, "sin": None, "sinh": None,
    "sqrt": (0.0, 3.0), "square": None, "tan": (-1.2, 1.2), "tanh": None, "trunc": None,
    "make_loss": None, "stop_gradient": None, "zeros_like": None,
}
UNARY_DENSE = {"cos": None, "cosh": None, "exp": None, "log": (0.1, 3.0),
               "log10": (0.1, 3.0), "log2": (0.1, 3.0), "sigmoid": None,
               "rsqrt": (0.1, 3.0), "arccos": (-0.9, 0.9), "gammaln": (0.1, 3.0),
               "arccosh": (1.1, 3.0), "gamma": (0.1, 3.0),
               "sum": None, "mean": None, "norm": None}

# integer inputs of the unary ops: small values where MXNet's float64-then-truncate result
# is finite and fits the dtype (int8 included); uint8 gets the non-negative half
INT_DOMAIN = {"arcsin": (-1, 1), "arccos": (-1, 1), "arctanh": (0, 0), "arccosh": (1, 4),
              "sqrt": (0, 4), "log": (1, 4), "log10": (1, 4), "log2": (1, 4),
              "log1p": (0, 4), "rsqrt": (1, 4), "gamma": (1, 4), "gammaln": (1, 4),
              "degrees": (-1, 2)}


def _gen(fdom, idom=(-3, 3)):
    """Float inputs exactly as the default generator draws them; integers in ``idom``."""
    def gen(rng, shape, dt):
        u = rng.random(size=shape)
        if dt.startswith("float"):
            lo, hi = fdom if fdom is not None else (-3.0, 3.0)
            return lo + u * (hi - lo)
        lo, hi = idom
        if dt == "uint8":
            lo = max(lo, 0)
            hi = max(hi, 5) if idom == (-3, 3) else hi
        return np.floor(lo + u * (hi - lo + 1)).astype(np.int64)
    return gen


# divisors: (0.5, 2.0) for floats, nonzero small integers
_DIV = In(gen=_gen((0.5, 2.0), (1, 3)))

CASES = []
for _n, _dom in list(UNARY_KEEP.items()) + list(UNARY_DENSE.items()):
    for _st in ("csr", "row_sparse"):
        CASES.append(Case(f"sparse.{_n}", f"sp_{S[_st]}", samples=[((3, 4),)], dtypes=F,
                          inputs=[In(gen=_gen(_dom, INT_DOMAIN.get(_n, (-3, 3))))],
                          call=_unary(_n, _st)))
for _n in ("abs", "exp"):
    CASES.append(Case(f"sparse.{_n}", "sp_d", samples=[((3, 4),)], dtypes=F,
                      inputs=[In(gen=_gen(None))], call=_unary(_n, "default")))

for _n, _pairs in {
        "elemwise_add": ("cc", "rr", "cd", "dr"), "elemwise_sub": ("cc", "rr", "dc"),
        "elemwise_mul": ("cc", "rr", "cd", "dc", "rd", "dr"), "elemwise_div": ("cd", "rr"),
        "add": ("cc", "rr", "cd"), "subtract": ("cc", "rr", "rd"),
        "multiply": ("cc", "cd", "dr", "rr"), "divide": ("cd", "rd")}.items():
    for _p in _pairs:
        _s1 = {"c": "csr", "r": "row_sparse", "d": "default"}[_p[0]]
        _s2 = {"c": "csr", "r": "row_sparse", "d": "default"}[_p[1]]
        CASES.append(Case(f"sparse.{_n}", f"sp_{_p}", samples=[((3, 4), (3, 4))], dtypes=F,
                          inputs=[In(), _DIV],
                          call=_binary(_n, _s1, _s2, layout=_p != "cc")))

for _n in ("broadcast_mul", "broadcast_div", "broadcast_add", "broadcast_sub",
           "broadcast_plus", "broadcast_minus"):
    CASES.append(Case(f"sparse.{_n}", "sp_c_row", samples=[((3, 4), (1, 4))], dtypes=F,
                      inputs=[In(), _DIV], call=_binary(_n, "csr", "default")))
    CASES.append(Case(f"sparse.{_n}", "sp_c_col", samples=[((3, 4), (3, 1))], dtypes=F,
                      inputs=[In(), _DIV], call=_binary(_n, "csr", "default")))
CASES.append(Case("sparse.broadcast_div", "sp_c_same", samples=[((3, 4), (3, 4))], dtypes=F,
                  inputs=[In(), _DIV], call=_binary("broadcast_div", "csr", "default"),
                  raises=True))
CASES.append(Case("sparse.add", "sp_c_bcast", samples=[((3, 4), (1, 4))], dtypes=F,
                  call=_binary("add", "csr", "default")))
CASES.append(Case("sparse.multiply", "sp_c_bcast", samples=[((3, 4), (1, 4))], dtypes=F,
                  call=_binary("multiply", "csr", "default")))


def _scalar(fn):
    def call(mx, a, args, kwargs):
        return _res(mx, fn(mx, _sparse(mx, a[0], args[0])))
    return call


for _v, _fn in {"mul2": lambda mx, x: x * 2, "div2": lambda mx, x: x / 2,
                "neg": lambda mx, x: -x, "plus1": lambda mx, x: x + 1,
                "rmul": lambda mx, x: 3 * x}.items():
    for _st in ("csr", "row_sparse"):
        CASES.append(Case("sparse.multiply" if _v in ("mul2", "rmul", "neg") else
                          "sparse.divide" if _v == "div2" else "sparse.add",
                          f"sp_{_v}_{S[_st]}", samples=[((3, 4),)], dtypes=F, args=(_st,),
                          call=_scalar(_fn)))
CASES.append(Case("sparse.divide", "sp_rdiv_c", samples=[((3, 4),)], dtypes=F,
                  args=("csr",), call=_scalar(lambda mx, x: mx.nd.sparse.divide(2.0, x))))


def _dot(s1, s2, **kw):
    def call(mx, a, args, kwargs):
        r = mx.nd.sparse.dot(_sparse(mx, a[0], s1), _sparse(mx, a[1], s2), **kw)
        return _res(mx, r, layout=r.stype != "csr")
    return call


CASES += [
    Case("sparse.dot", "sp_cd", samples=[((3, 4), (4, 2))], dtypes=F, call=_dot("csr", "default")),
    Case("sparse.dot", "sp_cTd", samples=[((4, 3), (4, 2))], dtypes=F,
         call=_dot("csr", "default", transpose_a=True)),
    Case("sparse.dot", "sp_cTvec", samples=[((4, 3), (4,))], dtypes=F, raises=True,
         call=_dot("csr", "default", transpose_a=True)),
    Case("sparse.dot", "sp_dc", samples=[((2, 3), (3, 4))], dtypes=F,
         call=_dot("default", "csr")),
    Case("sparse.dot", "sp_dcT", samples=[((2, 4), (3, 4))], dtypes=F,
         call=_dot("default", "csr", transpose_b=True)),
    Case("sparse.dot", "sp_rd", samples=[((3, 4), (4, 2))], dtypes=F,
         call=_dot("row_sparse", "default")),
    Case("sparse.dot", "sp_cc", samples=[((3, 4), (4, 2))], dtypes=F, call=_dot("csr", "csr")),
    Case("sparse.clip", "sp_c", samples=[((3, 4),)], dtypes=F,
         kwargs={"a_min": -1.0, "a_max": 1.0}, call=_unary("clip", "csr")),
    Case("sparse.clip", "sp_r", samples=[((3, 4),)], dtypes=F,
         kwargs={"a_min": -1.0, "a_max": 1.0}, call=_unary("clip", "row_sparse")),
    Case("sparse.clip", "sp_c_positive", samples=[((3, 4),)], dtypes=F,
         kwargs={"a_min": 0.5, "a_max": 1.0}, call=_unary("clip", "csr"), raises=True),
    Case("sparse.slice", "sp_c_rows", samples=[((4, 5),)], dtypes=F,
         kwargs={"begin": (1,), "end": (3,)}, call=_unary("slice", "csr")),
    Case("sparse.slice", "sp_c_box", samples=[((4, 5),)], dtypes=F,
         kwargs={"begin": (0, 1), "end": (3, 4)}, call=_unary("slice", "csr")),
    Case("sparse.slice", "sp_r", samples=[((4, 5),)], dtypes=F,
         kwargs={"begin": (0,), "end": (3,)}, call=_unary("slice", "row_sparse")),
    Case("sparse.where", "sp_c", samples=[((3, 4), (3, 4), (3, 4))], dtypes=F,
         call=lambda mx, a, args, kw: _res(mx, mx.nd.sparse.where(
             _sparse(mx, a[0], "csr"), a[1], a[2]))),
    Case("sparse.concat", "sp_cc_dim0", samples=[((2, 3), (3, 3))], dtypes=F,
         call=lambda mx, a, args, kw: _res(mx, mx.nd.sparse.concat(
             _sparse(mx, a[0], "csr"), _sparse(mx, a[1], "csr"), dim=0))),
    Case("sparse.concat", "sp_cc_dim1", samples=[((2, 3), (2, 2))], dtypes=F,
         call=lambda mx, a, args, kw: _res(mx, mx.nd.sparse.concat(
             _sparse(mx, a[0], "csr"), _sparse(mx, a[1], "csr"), dim=1))),
    Case("sparse.add_n", "sp_rrr", samples=[((4, 3), (4, 3), (4, 3))], dtypes=F,
         call=lambda mx, a, args, kw: _res(mx, mx.nd.sparse.add_n(
             *[_sparse(mx, x, "row_sparse") for x in a]))),
    Case("sparse.add_n", "sp_rd", samples=[((4, 3), (4, 3))], dtypes=F,
         call=lambda mx, a, args, kw: _res(mx, mx.nd.sparse.add_n(
             _sparse(mx, a[0], "row_sparse"), a[1]))),
    Case("sparse.ElementWiseSum", "sp_rr", samples=[((4, 3), (4, 3))], dtypes=F,
         call=lambda mx, a, args, kw: _res(mx, mx.nd.sparse.ElementWiseSum(
             _sparse(mx, a[0], "row_sparse"), _sparse(mx, a[1], "row_sparse")))),
    Case("sparse.retain", "sp_r", samples=[((5, 3),)], dtypes=F,
         call=lambda mx, a, args, kw: _res(mx, mx.nd.sparse.retain(
             _sparse(mx, a[0], "row_sparse"), mx.nd.array([0, 1, 4])))),
    Case("sparse.retain", "sp_d", samples=[((5, 3),)], dtypes=F, raises=True,
         call=lambda mx, a, args, kw: _res(mx, mx.nd.sparse.retain(a[0], mx.nd.array([0])))),
]


def _cast(src, dst):
    def call(mx, a, args, kw):
        return _res(mx, mx.nd.sparse.cast_storage(_sparse(mx, a[0], src), stype=dst))
    return call


for _src, _dst in (("default", "csr"), ("default", "row_sparse"), ("csr", "default"),
                   ("row_sparse", "default"), ("csr", "csr"), ("row_sparse", "row_sparse")):
    CASES.append(Case("sparse.cast_storage", f"sp_{S[_src]}{S[_dst]}", samples=[((3, 4),)],
                      dtypes=F + ("float16", "int32", "int64"), call=_cast(_src, _dst)))
CASES += [
    Case("sparse.cast_storage", "sp_cr", samples=[((3, 4),)], dtypes=F,
         call=_cast("csr", "row_sparse"), raises=True),
    Case("sparse.cast_storage", "sp_d3_csr", samples=[((2, 2, 2),)], dtypes=F,
         call=_cast("default", "csr"), raises=True),
    Case("sparse.cast_storage", "sp_d3_rsp", samples=[((2, 3, 2),)], dtypes=F,
         call=_cast("default", "row_sparse")),
    Case("cast_storage", "sp_dc", samples=[((3, 4),)], dtypes=F,
         call=lambda mx, a, args, kw: _res(mx, mx.nd.cast_storage(
             _sparse(mx, a[0], "default") * mx.nd.array(_mask((3, 4), "csr"),
                                                         dtype=a[0].dtype), stype="csr"))),
    Case("NDArray.tostype", "sp_csr", samples=[((3, 4),)], dtypes=F,
         call=lambda mx, a, args, kw: _res(mx, _sparse(mx, a[0], "csr").tostype("csr"))),
    Case("NDArray.tostype", "sp_rsp_default", samples=[((3, 4),)], dtypes=F,
         call=lambda mx, a, args, kw: _res(mx, _sparse(mx, a[0], "row_sparse")
                                           .tostype("default"))),
]


# constructors
def _csr_def(mx, a, args, kw):
    return _res(mx, mx.nd.sparse.csr_matrix((a[0], [0, 2, 1, 3, 0], [0, 2, 2, 4, 5]),
                                            shape=(4, 4), **kw))


def _rsp_def(mx, a, args, kw):
    return _res(mx, mx.nd.sparse.row_sparse_array((a[0], [1, 3]), shape=(5, 3), **kw))


CASES += [
    Case("sparse.csr_matrix", "sp_tuple_nd", samples=[((5,),)], dtypes=F + ("int32",),
         call=_csr_def),
    Case("sparse.csr_matrix", "sp_tuple_np", samples=[((5,),)], dtypes=F,
         call=lambda mx, a, args, kw: _res(mx, mx.nd.sparse.csr_matrix(
             (a[0].asnumpy(), np.array([0, 2, 1, 3, 0]), np.array([0, 2, 2, 4, 5])),
             shape=(4, 4)))),
    Case("sparse.csr_matrix", "sp_tuple_noshape", samples=[((5,),)], dtypes=F,
         call=lambda mx, a, args, kw: _res(mx, mx.nd.sparse.csr_matrix(
             (a[0], [0, 2, 1, 3, 0], [0, 2, 2, 4, 5])))),
    Case("sparse.csr_matrix", "sp_dtype", samples=[((5,),)], dtypes=("float32",),
         kwargs={"dtype": "float64"}, call=_csr_def),
    Case("sparse.csr_matrix", "sp_dense_np", samples=[((3, 4),)], dtypes=F + ("int64",),
         call=lambda mx, a, args, kw: _res(mx, mx.nd.sparse.csr_matrix(
             a[0].asnumpy() * _mask((3, 4), "csr").astype(a[0].dtype)))),
    Case("sparse.csr_matrix", "sp_dense_list", samples=[((2,),)], dtypes=("float32",),
         call=lambda mx, a, args, kw: _res(mx, mx.nd.sparse.csr_matrix([[0, 1], [2, 0]]))),
    Case("sparse.csr_matrix", "sp_shape", samples=[((2,),)], dtypes=F,
         call=lambda mx, a, args, kw: _res(mx, mx.nd.sparse.csr_matrix((3, 4),
                                                                       dtype=a[0].dtype))),
    Case("sparse.csr_matrix", "sp_from_csr", samples=[((3, 4),)], dtypes=F,
         call=lambda mx, a, args, kw: _res(mx, mx.nd.sparse.csr_matrix(
             _sparse(mx, a[0], "csr")))),
    Case("sparse.csr_matrix", "sp_from_rsp", samples=[((3, 4),)], dtypes=F, raises=True,
         call=lambda mx, a, args, kw: _res(mx, mx.nd.sparse.csr_matrix(
             _sparse(mx, a[0], "row_sparse")))),
    Case("sparse.csr_matrix", "sp_3d", samples=[((2, 2, 2),)], dtypes=F, raises=True,
         call=lambda mx, a, args, kw: _res(mx, mx.nd.sparse.csr_matrix(a[0].asnumpy()))),
    Case("sparse.row_sparse_array", "sp_tuple_nd", samples=[((2, 3),)], dtypes=F + ("int32",),
         call=_rsp_def),
    Case("sparse.row_sparse_array", "sp_tuple_noshape", samples=[((2, 3),)], dtypes=F,
         call=lambda mx, a, args, kw: _res(mx, mx.nd.sparse.row_sparse_array(
             (a[0].asnumpy(), [1, 3])))),
    Case("sparse.row_sparse_array", "sp_dense", samples=[((4, 3),)], dtypes=F,
         call=lambda mx, a, args, kw: _res(mx, mx.nd.sparse.row_sparse_array(
             a[0] * mx.nd.array(_mask((4, 3), "row_sparse"), dtype=a[0].dtype)))),
    Case("sparse.row_sparse_array", "sp_shape", samples=[((2,),)], dtypes=F,
         call=lambda mx, a, args, kw: _res(mx, mx.nd.sparse.row_sparse_array(
             (4, 3), dtype=a[0].dtype))),
    Case("sparse.row_sparse_array", "sp_from_csr", samples=[((3, 4),)], dtypes=F,
         raises=True, call=lambda mx, a, args, kw: _res(mx, mx.nd.sparse.row_sparse_array(
             _sparse(mx, a[0], "csr")))),
    Case("sparse.array", "sp_csr", samples=[((3, 4),)], dtypes=F,
         call=lambda mx, a, args, kw: _res(mx, mx.nd.sparse.array(_sparse(mx, a[0], "csr")))),
    Case("sparse.array", "sp_rsp_dtype", samples=[((3, 4),)], dtypes=F,
         call=lambda mx, a, args, kw: _res(mx, mx.nd.sparse.array(
             _sparse(mx, a[0], "row_sparse"), dtype="float16"))),
    Case("sparse.array", "sp_numpy", samples=[((3, 4),)], dtypes=F, raises=True,
         call=lambda mx, a, args, kw: mx.nd.sparse.array(a[0].asnumpy())),
    Case("sparse.zeros", "sp_csr", samples=[((2,),)], dtypes=F + ("int32",),
         call=lambda mx, a, args, kw: _res(mx, mx.nd.sparse.zeros("csr", (3, 4),
                                                                  dtype=a[0].dtype))),
    Case("sparse.zeros", "sp_rsp", samples=[((2,),)], dtypes=F,
         call=lambda mx, a, args, kw: _res(mx, mx.nd.sparse.zeros("row_sparse", (3, 4, 2),
                                                                  dtype=a[0].dtype))),
    Case("sparse.zeros", "sp_default", samples=[((2,),)], dtypes=F,
         call=lambda mx, a, args, kw: _res(mx, mx.nd.sparse.zeros("default", (3, 4),
                                                                  dtype=a[0].dtype))),
    Case("sparse.empty", "sp_csr", samples=[((2,),)], dtypes=F,
         call=lambda mx, a, args, kw: _res(mx, mx.nd.sparse.empty("csr", (3, 4),
                                                                  dtype=a[0].dtype))),
    Case("sparse.empty", "sp_rsp", samples=[((2,),)], dtypes=F,
         call=lambda mx, a, args, kw: _res(mx, mx.nd.sparse.empty("row_sparse", 5))),
]


# methods of the sparse classes
def _meth(fn, st="csr"):
    def call(mx, a, args, kw):
        return fn(mx, _sparse(mx, a[0], st))
    return call


CASES += [
    Case("NDArray.__getitem__", "sp_csr_int", samples=[((4, 3),)], dtypes=F,
         call=_meth(lambda mx, x: _res(mx, x[1]))),
    Case("NDArray.__getitem__", "sp_csr_slice", samples=[((4, 3),)], dtypes=F,
         call=_meth(lambda mx, x: _res(mx, x[1:3]))),
    Case("NDArray.__getitem__", "sp_csr_step", samples=[((4, 3),)], dtypes=F, raises=True,
         call=_meth(lambda mx, x: _res(mx, x[::2]))),
    Case("NDArray.__getitem__", "sp_rsp_all", samples=[((4, 3),)], dtypes=F,
         call=_meth(lambda mx, x: _res(mx, x[:]), "row_sparse")),
    Case("NDArray.__getitem__", "sp_rsp_slice", samples=[((4, 3),)], dtypes=F, raises=True,
         call=_meth(lambda mx, x: _res(mx, x[0:2]), "row_sparse")),
    Case("NDArray.astype", "sp_csr", samples=[((3, 4),)], dtypes=F,
         call=_meth(lambda mx, x: _res(mx, x.astype("float16")))),
    Case("NDArray.astype", "sp_rsp", samples=[((3, 4),)], dtypes=F,
         call=_meth(lambda mx, x: _res(mx, x.astype("int32")), "row_sparse")),
    Case("NDArray.copy", "sp_csr", samples=[((3, 4),)], dtypes=F,
         call=_meth(lambda mx, x: _res(mx, x.copy()))),
    Case("NDArray.abs", "sp_csr", samples=[((3, 4),)], dtypes=F,
         call=_meth(lambda mx, x: _res(mx, x.abs()))),
    Case("NDArray.sum", "sp_csr", samples=[((3, 4),)], dtypes=F,
         call=_meth(lambda mx, x: _res(mx, x.sum(axis=0)))),
    Case("NDArray.T", "sp_csr", samples=[((3, 4),)], dtypes=F,
         call=_meth(lambda mx, x: _res(mx, x.T))),
    Case("NDArray.copyto", "sp_csr_dense", samples=[((3, 4),)], dtypes=F,
         call=_meth(lambda mx, x: _res(mx, x.copyto(mx.nd.zeros((3, 4), dtype=x.dtype))))),
    Case("NDArray.__setitem__", "sp_rsp_scalar", samples=[((3, 4),)], dtypes=F,
         call=_meth(lambda mx, x: (x.__setitem__(slice(None), 2.0), _res(mx, x))[1],
                    "row_sparse")),
    Case("NDArray.__setitem__", "sp_csr_nd", samples=[((3, 4), (3, 4))], dtypes=F,
         call=lambda mx, a, args, kw: (lambda x: (x.__setitem__(slice(None), a[1]),
                                                  _res(mx, x))[1])(_sparse(mx, a[0], "csr"))),
    Case("NDArray.__setitem__", "sp_csr_scalar", samples=[((3, 4),)], dtypes=F, raises=True,
         call=_meth(lambda mx, x: x.__setitem__(slice(None), 2.0))),
]


# nn ops and optimizer updates
def _emb(mx, a, args, kw):
    idx = mx.nd.array([0, 3, 2])
    return _res(mx, mx.nd.sparse.Embedding(idx, _sparse(mx, a[0], "row_sparse"), input_dim=4,
                                           output_dim=3))


def _fc(mx, a, args, kw):
    return _res(mx, mx.nd.sparse.FullyConnected(_sparse(mx, a[0], "csr"), a[1], a[2],
                                                num_hidden=2))


def _reg(name):
    def call(mx, a, args, kw):
        return _res(mx, getattr(mx.nd.sparse, name)(a[0], _sparse(mx, a[1], "csr")))
    return call


def _upd(name, n_states, **kw):
    def call(mx, a, args, kwargs):
        w = a[0].copy()
        g = _sparse(mx, a[1], "row_sparse")
        states = [mx.nd.zeros(w.shape, dtype=w.dtype) + 0.5 for _ in range(n_states)]
        getattr(mx.nd.sparse, name)(w, g, *states, out=w, **kw)
        return [w] + states
    return call


CASES += [
    Case("sparse.Embedding", "sp_rsp_weight", samples=[((4, 3),)], dtypes=F, call=_emb),
    Case("sparse.FullyConnected", "sp_csr_data", samples=[((3, 4), (2, 4), (2,))], dtypes=F,
         call=_fc),
    Case("sparse.LinearRegressionOutput", "sp_csr_label", samples=[((2, 3), (2, 3))],
         dtypes=F, call=_reg("LinearRegressionOutput")),
    Case("sparse.LogisticRegressionOutput", "sp_csr_label", samples=[((2, 3), (2, 3))],
         dtypes=F, call=_reg("LogisticRegressionOutput")),
    Case("sparse.MAERegressionOutput", "sp_csr_label", samples=[((2, 3), (2, 3))],
         dtypes=F, call=_reg("MAERegressionOutput")),
    Case("sparse.sgd_update", "sp_lazy", samples=[((4, 3), (4, 3))], dtypes=F,
         call=_upd("sgd_update", 0, lr=0.1, wd=0.1)),
    Case("sparse.sgd_update", "sp_not_lazy", samples=[((4, 3), (4, 3))], dtypes=F,
         call=_upd("sgd_update", 0, lr=0.1, wd=0.1, lazy_update=False)),
    Case("sparse.sgd_update", "sp_no_out", samples=[((4, 3), (4, 3))], dtypes=F, raises=True,
         call=lambda mx, a, args, kw: mx.nd.sparse.sgd_update(
             a[0].copy(), _sparse(mx, a[1], "row_sparse"), lr=0.1).asnumpy()),
    Case("sparse.sgd_mom_update", "sp_lazy", samples=[((4, 3), (4, 3))], dtypes=F,
         call=_upd("sgd_mom_update", 1, lr=0.1, momentum=0.9, wd=0.1)),
    Case("sparse.adam_update", "sp_lazy", samples=[((4, 3), (4, 3))], dtypes=F,
         call=_upd("adam_update", 2, lr=0.1, wd=0.1)),
    Case("sparse.ftrl_update", "sp_rsp", samples=[((4, 3), (4, 3))], dtypes=F,
         call=_upd("ftrl_update", 2, lr=0.1, wd=0.1)),
    Case("sparse.adagrad_update", "sp_rsp", samples=[((4, 3), (4, 3))], dtypes=F,
         call=lambda mx, a, args, kw: (lambda w, h: (mx.nd.sparse.adagrad_update(
             w, _sparse(mx, a[1], "row_sparse"), h, lr=0.1, out=w), [w, h])[1])(
             a[0].copy(), mx.nd.zeros(a[0].shape, dtype=a[0].dtype) + 0.5)),
    Case("sparse.adagrad_update", "sp_rsp_history", samples=[((4, 3), (4, 3))], dtypes=F,
         raises=True,
         call=lambda mx, a, args, kw: (lambda w, h: (mx.nd.sparse.adagrad_update(
             w, _sparse(mx, a[1], "row_sparse"), h, lr=0.1, out=w), [w, h])[1])(
             a[0].copy(), mx.nd.sparse.zeros("row_sparse", a[0].shape, dtype=a[0].dtype))),
    Case("sparse.adagrad_update", "sp_wd", samples=[((4, 3), (4, 3))], dtypes=F, raises=True,
         call=lambda mx, a, args, kw: (lambda w, h: (mx.nd.sparse.adagrad_update(
             w, _sparse(mx, a[1], "row_sparse"), h, lr=0.1, wd=0.1, out=w), [w, h])[1])(
             a[0].copy(), mx.nd.zeros(a[0].shape, dtype=a[0].dtype))),
]


# dtype coverage: every variant also runs float16 and the integer dtypes (MXNet 1.9.1
# accepts them for most sparse ops; integer math is computed in float64 and truncated);
# the dtypes MXNet rejects per variant, and the variants that also accept bool:
_BOOL = ("sparse.csr_matrix[sp_dense_list]", "sparse.csr_matrix[sp_dtype]",
         "sparse.empty[sp_rsp]", "sparse.zeros[sp_default]")
_REJECTS = {}
for _id in (
        "sparse.norm[sp_c]",
        "sparse.norm[sp_r]",
        "sparse.elemwise_add[sp_cd]",
        "sparse.elemwise_sub[sp_dc]",
        "sparse.elemwise_mul[sp_cd]",
        "sparse.elemwise_mul[sp_dc]",
        "sparse.add[sp_cd]",
        "sparse.multiply[sp_cd]",
        "sparse.dot[sp_cd]",
        "sparse.dot[sp_cTd]",
        "sparse.dot[sp_dc]",
        "sparse.dot[sp_dcT]",
        "sparse.dot[sp_rd]",
        "sparse.dot[sp_cc]",
        "sparse.FullyConnected[sp_csr_data]",
):
    _REJECTS[_id] = ('float16', 'uint8', 'int32', 'int8', 'int64')
for _id in (
        "sparse.LinearRegressionOutput[sp_csr_label]",
        "sparse.LogisticRegressionOutput[sp_csr_label]",
        "sparse.MAERegressionOutput[sp_csr_label]",
        "sparse.sgd_update[sp_lazy]",
        "sparse.sgd_update[sp_not_lazy]",
        "sparse.sgd_mom_update[sp_lazy]",
        "sparse.adam_update[sp_lazy]",
        "sparse.ftrl_update[sp_rsp]",
        "sparse.adagrad_update[sp_rsp]",
):
    _REJECTS[_id] = ('uint8', 'int32', 'int8', 'int64')


def _with_dtypes(case):
    if case.raises:
        return case
    rej = _REJECTS.get(case.id, ())
    extra = ("float16", "uint8", "int32", "int8", "int64") + (
        ("bool",) if case.id in _BOOL else ())
    dts = tuple(case.dtypes) + tuple(d for d in ALL_DTYPES
                                     if d in extra and d not in case.dtypes and d not in rej)
    return dataclasses.replace(case, dtypes=dts, rejects=rej)


CASES = [_with_dtypes(_c) for _c in CASES]
