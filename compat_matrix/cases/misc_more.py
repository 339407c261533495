"""NDArray methods without cases elsewhere (__div__ family, pickling, autograd methods,
handle/writable/tostype), linalg.gelqf/potri/syevd, histogram, BlockGrad, waitall,
save/load, and the misc names of mxcompat/ndarray/misc.py (fill_element_0index,
onehot_encode, identity, amp_cast, amp_multicast, from_numpy, DLPack, slice_assign, the
indexing helpers). Variant names start with `mm_`."""
import os
import pickle
import tempfile

import numpy as np

from compat_matrix.spec import ALL_DTYPES, FLOATS, INTS, NUMERIC, Case, In

F32 = ("float32",)
FG = ("float32", "float64")
NB = NUMERIC  # every dtype but bool
POS = In(domain=(0.5, 3.0))


def _inplace(meth):
    def call(mx, a, args, kw):
        x = a[0].copy()
        r = getattr(x, meth)(a[1])
        return [x, r]
    return call


def _backward(mx, a, args, kw):
    x = a[0].copy()
    x.attach_grad()
    with mx.autograd.record():
        y = x * x + 2 * x
    y.backward()
    return x.grad


def _attach(mx, a, args, kw):
    x = a[0].copy()
    x.attach_grad()
    return x.grad


def _grad_add(mx, a, args, kw):
    x = a[0].copy()
    x.attach_grad(grad_req="add")
    for _ in range(2):
        with mx.autograd.record():
            y = (x * x).sum()
        y.backward()
    return x.grad


def _detach(mx, a, args, kw):
    x = a[0].copy()
    x.attach_grad()
    with mx.autograd.record():
        y = (x * 3).detach() * x
    y.backward()
    return [y, x.grad]


def _blockgrad_grad(name):
    def call(mx, a, args, kw):
        x = a[0].copy()
        x.attach_grad()
        with mx.autograd.record():
            y = getattr(mx.nd, name)(x * 2) + x
        y.backward()
        return [y, x.grad]
    return call


def _setstate(mx, a, args, kw):
    s = a[0].__getstate__()
    y = mx.nd.zeros((1,))
    y.__setstate__(s)
    return y


def _tmp():
    fd, path = tempfile.mkstemp(suffix=".params")
    os.close(fd)
    return path


def _save_load(form):
    def call(mx, a, args, kw):
        path = _tmp()
        try:
            if form == "dict":
                mx.nd.save(path, {"w": a[0], "b": a[1]})
                r = mx.nd.load(path)
                return [r["w"], r["b"]]
            if form == "list":
                mx.nd.save(path, [a[0], a[1]])
                return mx.nd.load(path)
            if form == "single":
                mx.nd.save(path, a[0])
                return mx.nd.load(path)
            mx.nd.save(path, {"w": a[0], "b": a[1]})
            with open(path, "rb") as f:
                buf = f.read()
            r = mx.nd.load_frombuffer(buf)
            return [r["b"], r["w"]]
        finally:
            os.remove(path)
    return call


def _keys(mx, a, args, kw):
    path = _tmp()
    try:
        mx.nd.save(path, {"w": a[0], "bias": a[0]})
        return sorted(mx.nd.load(path))
    finally:
        os.remove(path)


def _lower(rng, shape, dt):
    a = np.tril(rng.random(shape) * 0.5)
    i = np.arange(shape[-1])
    a[..., i, i] = 1.0 + rng.random(shape[:-1])
    return a.astype(dt)


def _sym(rng, shape, dt):
    a = rng.random(shape) * 2 - 1
    return ((a + np.swapaxes(a, -1, -2)) / 2).astype(dt)


def _rowidx(rng, shape, dt):
    return rng.integers(-1, 5, shape).astype(dt)  # -1 and 4: out of range for 4 columns


def _onehot(mx, a, args, kw):
    out = mx.nd.zeros((a[0].shape[0], 4), dtype=kw.get("odt", "float32"))
    r = mx.nd.onehot_encode(a[0], out)
    return [r, out]


def _from_numpy(zero_copy, transpose=False):
    def call(mx, a, args, kw):
        n = a[0].asnumpy()
        if transpose:
            n = n.T
        return mx.nd.from_numpy(n, zero_copy=zero_copy)
    return call


def _dlpack(kind):
    def call(mx, a, args, kw):
        if kind == "read":
            return mx.nd.from_dlpack(mx.nd.to_dlpack_for_read(a[0]))
        if kind == "write":
            return mx.nd.from_dlpack(mx.nd.to_dlpack_for_write(a[0]))
        if kind == "mread":
            return mx.nd.from_dlpack(a[0].to_dlpack_for_read())
        if kind == "mwrite":
            x = a[0].copy()
            y = mx.nd.from_dlpack(x.to_dlpack_for_write())
            y[:] = 7
            return x
        cap = mx.nd.to_dlpack_for_read(a[0])
        mx.nd.from_dlpack(cap)
        return mx.nd.from_dlpack(cap)   # consumed twice: MXNet raises
    return call


def _sa(begin, end, step):
    def call(mx, a, args, kw):
        x = a[0].copy()
        r = x.slice_assign(a[1], begin, end, step)
        return [r, x]
    return call


def _sas(value, begin, end, step):
    def call(mx, a, args, kw):
        x = a[0].copy()
        r = x.slice_assign_scalar(value, begin, end, step)
        return [r, x]
    return call


def _dispatch(key):
    return lambda mx, a, args, kw: mx.nd.get_indexing_dispatch_code(key)


def _gather_shape(d, i):
    return lambda mx, a, args, kw: mx.nd.get_oshape_of_gather_nd_op(d, i)


def _expand(key, shape=(3, 4, 5)):
    return lambda mx, a, args, kw: repr(mx.nd.indexing_key_expand_implicit_axes(key, shape))


def _hist(bins_arr=False, **hk):
    def call(mx, a, args, kw):
        if bins_arr:
            b = mx.nd.array([-3.0, -1.0, 0.0, 0.5, 3.0], dtype=a[0].dtype)
            return list(mx.nd.histogram(a[0], bins=b))
        return list(mx.nd.histogram(a[0], **hk))
    return call


S0 = [()]

CASES = [
    # ---- NDArray operator methods
    Case("NDArray.__div__", "mm_arr", samples=[((2, 3), (2, 3))], inputs=[In(), POS],
         dtypes=FLOATS, call=lambda mx, a, args, kw: a[0].__div__(a[1]),
         ref=lambda x, y: x / y),
    Case("NDArray.__div__", "mm_scalar", samples=[((2, 3),)], args=(2.5,), dtypes=FLOATS,
         ref=lambda x, s: x / np.array(s, x.dtype)),
    Case("NDArray.__rdiv__", "mm_scalar", samples=[((2, 3),)], inputs=[POS], args=(2.5,),
         dtypes=FLOATS, ref=lambda x, s: np.array(s, x.dtype) / x),
    Case("NDArray.__rdiv__", "mm_arr", samples=[((2, 3), (2, 3))], inputs=[POS, In()],
         dtypes=FLOATS, call=lambda mx, a, args, kw: a[0].__rdiv__(a[1]),
         ref=lambda x, y: y / x),
    Case("NDArray.__idiv__", "mm_arr", samples=[((2, 3), (2, 3))], inputs=[In(), POS],
         dtypes=FLOATS, call=_inplace("__idiv__")),
    Case("NDArray.__imod__", "mm_arr", samples=[((2, 3), (2, 3))], inputs=[In(), POS],
         dtypes=FG, call=_inplace("__imod__")),
    Case("NDArray.__imod__", "mm_int", samples=[((2, 3), (2, 3))],
         inputs=[In(domain=(0, 20)), In(domain=(1, 5))], dtypes=("int32", "int64"),
         call=_inplace("__imod__")),
    # ---- hashing, pickling
    Case("NDArray.__hash__", "mm_int", call=lambda mx, a, args, kw: type(hash(a[0])).__name__,
         dtypes=F32),
    Case("NDArray.__getstate__", "mm_keys", dtypes=F32,
         call=lambda mx, a, args, kw: sorted(a[0].__getstate__())),
    Case("NDArray.__setstate__", "mm_roundtrip", dtypes=ALL_DTYPES, call=_setstate),
    Case("NDArray.__reduce__", "mm_pickle", dtypes=ALL_DTYPES, samples=[((2, 3),), ((4,),)],
         call=lambda mx, a, args, kw: pickle.loads(pickle.dumps(a[0]))),
    # ---- conversions and attributes
    Case("NDArray.as_nd_ndarray", "mm_same", dtypes=ALL_DTYPES,
         call=lambda mx, a, args, kw: a[0].as_nd_ndarray()),
    Case("NDArray.as_np_ndarray", "mm_np", dtypes=F32,
         call=lambda mx, a, args, kw: a[0].as_np_ndarray(),
         note="MXNet returns an mx.np array; mxcompat has no mx.np and raises MXNetError"),
    Case("NDArray.tostype", "mm_default", args=("default",), dtypes=ALL_DTYPES),
    Case("NDArray.wait_to_read", "mm_none", dtypes=F32,
         call=lambda mx, a, args, kw: a[0].wait_to_read()),
    Case("NDArray.writable", "mm_true", dtypes=F32,
         call=lambda mx, a, args, kw: a[0].writable),
    Case("NDArray.handle", "mm_has", dtypes=F32,
         call=lambda mx, a, args, kw: a[0].handle is not None,
         note="MXNet's C handle (ctypes.c_void_p); mxcompat arrays have none"),
    # ---- autograd methods
    Case("NDArray.attach_grad", "mm_zeros", dtypes=FLOATS, call=_attach),
    Case("NDArray.backward", "mm_poly", dtypes=FG, call=_backward),
    Case("NDArray.grad", "mm_add", dtypes=FG, call=_grad_add),
    Case("NDArray.detach", "mm_const", dtypes=FG, call=_detach),
    Case("BlockGrad", "mm_fwd", dtypes=ALL_DTYPES, ref=lambda x: x.copy()),
    # (no float64: the finite-difference check of float64 gradient cells would expect the
    # identity's gradient, not BlockGrad's zero)
    Case("BlockGrad", "mm_grad", dtypes=("float32", "float16"), grad=True,
         samples=[((2, 3),), ((4,),)], ref=lambda x: x.copy(),
         note="gradient cells: MXNet's gradient is zero"),
    Case("BlockGrad", "mm_mixed", dtypes=FG, call=_blockgrad_grad("BlockGrad")),
    Case("stop_gradient", "mm_fwd", dtypes=NB, ref=lambda x: x.copy()),
    Case("stop_gradient", "mm_mixed", dtypes=FG, call=_blockgrad_grad("stop_gradient")),
    Case("waitall", "mm_none", samples=S0, dtypes=F32,
         call=lambda mx, a, args, kw: mx.nd.waitall()),
    # ---- save / load
    Case("save", "mm_dict", samples=[((2, 3), (3,))], dtypes=ALL_DTYPES,
         call=_save_load("dict")),
    Case("save", "mm_single", samples=[((2, 2),)], dtypes=FG, call=_save_load("single")),
    Case("load", "mm_list", samples=[((2, 3), (1,))], dtypes=ALL_DTYPES,
         call=_save_load("list")),
    Case("load", "mm_keys", dtypes=F32, call=_keys),
    Case("load_frombuffer", "mm_dict", samples=[((3,), (2, 2))], dtypes=ALL_DTYPES,
         call=_save_load("buffer")),
    # ---- linalg
    Case("linalg.gelqf", "mm_2x3", samples=[((2, 3),), ((2, 2, 4),)], dtypes=FG),
    Case("linalg_gelqf", "mm_2x3", samples=[((3, 4),)], dtypes=FG),
    Case("linalg.gelqf", "mm_tall", samples=[((3, 2),)], dtypes=F32, raises=True),
    Case("linalg.potri", "mm_lower", samples=[((3, 3),), ((2, 2, 2),)], dtypes=FG,
         inputs=[In(gen=_lower)], tol={"float32": (1e-3, 1e-3)}),
    Case("linalg_potri", "mm_lower", samples=[((3, 3),)], dtypes=FG, inputs=[In(gen=_lower)],
         tol={"float32": (1e-3, 1e-3)}),
    Case("linalg.syevd", "mm_sym", samples=[((3, 3),), ((2, 2, 2),)], dtypes=FG,
         inputs=[In(gen=_sym)], tol={"float32": (1e-3, 1e-3)}),
    # ---- histogram
    Case("histogram", "mm_range", samples=[((10,),), ((2, 5),)], dtypes=FG,
         call=_hist(bins=4, range=(-3.0, 3.0))),
    Case("histogram", "mm_bins_arr", samples=[((12,),)], dtypes=FG, call=_hist(True)),
    # ---- misc.py names
    Case("fill_element_0index", "mm_rows", samples=[((3, 4), (3,), (3,))],
         inputs=[In(), In(), In(gen=_rowidx)], dtypes=F32,
         rejects=("float64", "float16", "int32")),
    Case("fill_element_0index", "mm_frac", samples=[((2, 4), (2,), (2,))],
         inputs=[In(), In(), In(domain=(0.0, 3.9))], dtypes=F32),
    Case("fill_element_0index", "mm_bad_rows", samples=[((3, 4), (2,), (3,))], dtypes=F32,
         inputs=[In(), In(), In(gen=_rowidx)], raises=True),
    Case("fill_element_0index", "mm_3d", samples=[((3, 4, 2), (3,), (3,))], dtypes=F32,
         inputs=[In(), In(), In(gen=_rowidx)], raises=True),
    Case("onehot_encode", "mm_out", samples=[((5,),)], inputs=[In(gen=_rowidx)], dtypes=F32,
         rejects=("int32", "float64"), call=_onehot),
    Case("onehot_encode", "mm_out_int", samples=[((3,),)], inputs=[In(gen=_rowidx)],
         dtypes=F32, kwargs={"odt": "int32"}, call=_onehot, raises=True),
    Case("identity", "mm_copy", samples=[((2, 3),), ((4,),)], dtypes=ALL_DTYPES,
         ref=lambda x: x.copy()),
    Case("identity", "mm_grad", dtypes=FLOATS, grad=True, ref=lambda x: x.copy()),
    Case("amp_cast", "mm_to_f16", kwargs={"dtype": "float16"}, dtypes=("float32", "float16"),
         inputs=[In(domain=(-100, 100))], ref=lambda x, dtype: x.astype(np.float16)),
    Case("amp_cast", "mm_to_f32", kwargs={"dtype": "float32"}, dtypes=("float16", "float32"),
         ref=lambda x, dtype: x.astype(np.float32)),
    Case("amp_cast", "mm_to_int32", kwargs={"dtype": "int32"}, dtypes=F32,
         inputs=[In(gen=lambda rng, shape, dt: (rng.integers(-8, 8, shape) / 2 +
                                                (rng.random(shape) - 0.5) * 0.2 *
                                                rng.integers(0, 2, shape)).astype(dt))],
         note="float32 -> int goes through MKLDNN on CPU: round half to even, saturate"),
    Case("amp_cast", "mm_f16_to_int8", kwargs={"dtype": "int8"}, dtypes=("float16",),
         inputs=[In(domain=(-300, 300))], note="static_cast: truncate, then wrap"),
    Case("amp_cast", "mm_int_passthrough", kwargs={"dtype": "float16"},
         dtypes=("int32", "uint8", "int8"), ref=lambda x, dtype: x.copy()),
    Case("amp_cast", "mm_f64", kwargs={"dtype": "float32"}, dtypes=("float64",),
         ref=lambda x, dtype: x.copy(),
         extension="float64 inputs pass through unchanged (the operator's definition; "
                   "MXNet's MKLDNN CPU build raises 'unknown type for MKLDNN')"),
    Case("amp_cast", "mm_no_dtype", dtypes=F32, raises=True),
    Case("amp_multicast", "mm_f32_int", samples=[((2, 3), (3,))],
         inputs=[In(), In(dtype="int32")], kwargs={"num_outputs": 2}, dtypes=F32),
    Case("amp_multicast", "mm_narrow", samples=[((2, 3), (3,))],
         inputs=[In(), In(dtype="int32")], kwargs={"num_outputs": 2, "cast_narrow": True},
         dtypes=F32),
    Case("amp_multicast", "mm_same", samples=[((2,), (2, 2))], kwargs={"num_outputs": 2},
         dtypes=("float32", "int32")),
    Case("amp_multicast", "mm_f16_f32", samples=[((2,), (3,))],
         inputs=[In(dtype="float16"), In(dtype="float32")], kwargs={"num_outputs": 2},
         dtypes=F32, ref=lambda a, b, num_outputs: [a.astype(np.float32), b],
         extension="float16 inputs are cast to the widest type (the operator's definition; "
                   "MXNet's MKLDNN CPU build raises 'unknown type for MKLDNN')"),
    Case("amp_multicast", "mm_count", samples=[((2,), (2,))], kwargs={"num_outputs": 3},
         dtypes=F32, raises=True),
    Case("amp_multicast", "mm_missing", samples=[((2,), (2,))], dtypes=F32, raises=True),
    Case("from_numpy", "mm_zero_copy", dtypes=tuple(d for d in ALL_DTYPES if d != "int8"),
         rejects=("int8",), call=_from_numpy(True)),
    Case("from_numpy", "mm_copy", dtypes=ALL_DTYPES, call=_from_numpy(False)),
    Case("from_numpy", "mm_noncontig", dtypes=F32, call=_from_numpy(True, True), raises=True),
    Case("from_numpy", "mm_noncontig_copy", dtypes=FG, call=_from_numpy(False, True)),
    Case("from_numpy", "mm_not_numpy", samples=S0, dtypes=F32,
         call=lambda mx, a, args, kw: mx.nd.from_numpy([1.0, 2.0]), raises=True),
    Case("to_dlpack_for_read", "mm_roundtrip", dtypes=ALL_DTYPES, call=_dlpack("read")),
    Case("to_dlpack_for_write", "mm_roundtrip", dtypes=NB, call=_dlpack("write")),
    Case("from_dlpack", "mm_twice", dtypes=F32, call=_dlpack("twice"), raises=True),
    Case("from_dlpack", "mm_not_capsule", samples=S0, dtypes=F32,
         call=lambda mx, a, args, kw: mx.nd.from_dlpack(3), raises=True),
    Case("NDArray.to_dlpack_for_read", "mm_roundtrip", dtypes=FG + INTS, call=_dlpack("mread")),
    Case("NDArray.to_dlpack_for_write", "mm_shared", dtypes=FG + INTS, call=_dlpack("mwrite")),
    Case("NDArray.slice_assign", "mm_2d", samples=[((3, 4), (2, 2))], dtypes=NB,
         call=_sa((0, 1), (2, 3), (1, 1))),
    Case("NDArray.slice_assign", "mm_step", samples=[((4, 5), (2, 3))], dtypes=FG,
         call=_sa((None, 0), (None, None), (2, 2))),
    Case("NDArray.slice_assign", "mm_negstep", samples=[((3, 4), (3, 2))], dtypes=FG,
         call=_sa((None, 3), (None, 0), (-1, -2))),
    Case("NDArray.slice_assign", "mm_leading", samples=[((2, 3, 2), (1, 3, 2))], dtypes=FG,
         call=_sa((1,), (2,), (None,))),
    Case("NDArray.slice_assign", "mm_bad_shape", samples=[((3, 4), (2, 3))], dtypes=F32,
         call=_sa((0, 1), (2, 3), (1, 1)), raises=True),
    Case("NDArray.slice_assign", "mm_bad_dtype", samples=[((3, 4), (2, 2))], dtypes=F32,
         inputs=[In(), In(dtype="int32")], call=_sa((0, 1), (2, 3), (1, 1)), raises=True),
    Case("NDArray.slice_assign_scalar", "mm_2d", samples=[((3, 4),)], dtypes=ALL_DTYPES,
         call=_sas(5, (0, 1), (2, 3), (1, 1))),
    Case("NDArray.slice_assign_scalar", "mm_frac", samples=[((3, 4),)], dtypes=NB,
         call=_sas(-2.7, (1,), (3,), ())),
    Case("NDArray.slice_assign_scalar", "mm_negstep", samples=[((3, 4),)], dtypes=FG,
         call=_sas(9.0, (None, -1), (None, None), (None, -2))),
    Case("NDArray.slice_assign_scalar", "mm_too_many", samples=[((3, 4),)], dtypes=F32,
         call=_sas(1, (0, 0, 0), (1, 1, 1), ()), raises=True),
    Case("NDArray.slice_assign_scalar", "mm_step0", samples=[((3, 4),)], dtypes=F32,
         call=_sas(1, (0,), (1,), (0,)), raises=True),
    # ---- indexing helpers (pure Python)
    Case("get_indexing_dispatch_code", "mm_basic", samples=S0, dtypes=F32,
         call=_dispatch((0, slice(1, 2), None))),
    Case("get_indexing_dispatch_code", "mm_advanced", samples=S0, dtypes=F32,
         call=_dispatch((0, [1, 2]))),
    Case("get_indexing_dispatch_code", "mm_range", samples=S0, dtypes=F32,
         call=_dispatch((range(2),))),
    Case("get_indexing_dispatch_code", "mm_empty_tuple", samples=S0, dtypes=F32,
         call=_dispatch(((),))),
    Case("get_indexing_dispatch_code", "mm_float", samples=S0, dtypes=F32,
         call=_dispatch((1.5,)), raises=True),
    Case("get_indexing_dispatch_code", "mm_not_tuple", samples=S0, dtypes=F32,
         call=_dispatch(0), raises=True),
    Case("get_oshape_of_gather_nd_op", "mm_partial", samples=S0, dtypes=F32,
         call=_gather_shape((3, 4, 5), (2, 6))),
    Case("get_oshape_of_gather_nd_op", "mm_full", samples=S0, dtypes=F32,
         call=_gather_shape((3, 4), (2, 6, 7))),
    Case("get_oshape_of_gather_nd_op", "mm_over", samples=S0, dtypes=F32,
         call=_gather_shape((3, 4), (3, 6))),
    Case("get_oshape_of_gather_nd_op", "mm_empty", samples=S0, dtypes=F32,
         call=_gather_shape((), (3, 6)), raises=True),
    Case("indexing_key_expand_implicit_axes", "mm_int", samples=S0, dtypes=F32,
         call=_expand(0)),
    Case("indexing_key_expand_implicit_axes", "mm_full", samples=S0, dtypes=F32,
         call=_expand((2, 1, 1))),
    Case("indexing_key_expand_implicit_axes", "mm_ellipsis", samples=S0, dtypes=F32,
         call=_expand((slice(None, 2), None, 0, Ellipsis))),
    Case("indexing_key_expand_implicit_axes", "mm_ellipsis_first", samples=S0, dtypes=F32,
         call=_expand((Ellipsis, 1))),
    Case("indexing_key_expand_implicit_axes", "mm_none", samples=S0, dtypes=F32,
         call=_expand(None)),
    Case("indexing_key_expand_implicit_axes", "mm_list", samples=S0, dtypes=F32,
         call=_expand(([0, 1], 2))),
    Case("indexing_key_expand_implicit_axes", "mm_bool_true", samples=S0, dtypes=F32,
         call=_expand((True,))),
    Case("indexing_key_expand_implicit_axes", "mm_bool_false", samples=S0, dtypes=F32,
         call=_expand((False, 1))),
    Case("indexing_key_expand_implicit_axes", "mm_two_ellipses", samples=S0, dtypes=F32,
         call=_expand((Ellipsis, None, Ellipsis)), raises=True),
]
