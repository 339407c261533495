"""Shape/layout and indexing ops (mxcompat/ndarray/shape.py and the ops at the bottom of
mxcompat/ndarray/indexing.py): variants beyond the lead's shape_lead.py cases (other axes,
kwargs and ranks), the index ops without lead cases (scatter_nd, ravel_multi_index,
unravel_index, contrib.boolean_mask) and error cases. Variant names start with `si_`."""
import numpy as np

from compat_matrix.spec import FLOATS, INTS, Case, In

D = ("float32", "float64", "float16", "int32", "int64", "uint8", "int8")
DB = D + ("bool",)
RB = ("bool",)  # MXNet: "Unknown type enum 7"
FG = ("float32", "float64")
F3 = ("float32", "float64", "int32")


def _idx(lo, hi, dtype="int32"):
    return In(dtype=dtype, gen=lambda rng, shape, dt, lo=lo, hi=hi:
              rng.integers(lo, hi + 1, shape).astype(dt))


def _cat(mx, a, args, kw):
    return mx.nd.concat(*a, **kw)


def _stack(mx, a, args, kw):
    return mx.nd.stack(*a, **kw)


def _scatter_idx(target):
    """Index rows (M, N) naming N distinct positions of `target` (duplicates are undefined)."""
    def gen(rng, shape, dt):
        flat = rng.permutation(int(np.prod(target)))[:shape[1]]
        return np.stack(np.unravel_index(flat, target)).astype(dt)
    return In(dtype="int32", grad=False, gen=gen)


def _multi_idx(target):
    def gen(rng, shape, dt):
        return np.stack([rng.integers(0, s, shape[1]) for s in target]).astype(dt)
    return In(gen=gen)


def _scatter_ref(d, i, shape):
    out = np.zeros(shape, d.dtype)
    out[tuple(i)] = d
    return out


def _bmask_gen(rng, shape, dt):
    m = rng.integers(0, 2, shape)
    m[0] = 1  # never empty
    return m.astype(dt)


CASES = [
    # ---- layout
    Case("flatten", "si_4d", samples=[((2, 2, 1, 3),), ((3, 1),)], dtypes=DB, grad=True,
         ref=lambda x: x.reshape(x.shape[0], -1)),
    Case("expand_dims", "si_neg", samples=[((2, 3),)], dtypes=DB, kwargs={"axis": -1},
         grad=True, ref=lambda x, axis: np.expand_dims(x, -1)),
    Case("expand_dims", "si_ax0", samples=[((3,),)], dtypes=D, kwargs={"axis": 0},
         ref=lambda x, axis: np.expand_dims(x, 0)),
    Case("squeeze", "si_axis", samples=[((2, 1, 3, 1),)], dtypes=DB, kwargs={"axis": 1},
         grad=True, ref=lambda x, axis: np.squeeze(x, 1)),
    Case("squeeze", "si_axes", samples=[((1, 2, 1, 3),)], dtypes=D, kwargs={"axis": (0, 2)},
         ref=lambda x, axis: np.squeeze(x, (0, 2))),
    Case("squeeze", "si_bad_axis", samples=[((2, 1, 3),)], dtypes=("float32",),
         kwargs={"axis": 0}, raises=True),
    Case("transpose", "si_4d", samples=[((2, 3, 1, 2),)], dtypes=D, rejects=RB,
         kwargs={"axes": (3, 0, 2, 1)}, grad=True, ref=lambda x, axes: np.transpose(x, axes)),
    Case("transpose", "si_2d", samples=[((3, 4),)], dtypes=D, grad=True,
         ref=lambda x: x.T),
    Case("transpose", "si_bad_axes", samples=[((2, 3),)], dtypes=("float32",),
         kwargs={"axes": (0, 0)}, raises=True),
    Case("swapaxes", "si_neg", samples=[((2, 3, 4),)], dtypes=D, rejects=RB,
         kwargs={"dim1": -1, "dim2": 1},
         grad=True, ref=lambda x, dim1, dim2: np.swapaxes(x, -1, 1)),
    Case("swapaxes", "si_default", samples=[((2, 3),)], dtypes=D,
         ref=lambda x: x.copy()),
    Case("moveaxis", "si_neg", samples=[((2, 3, 4),)], dtypes=D, rejects=RB,
         call=lambda mx, a, args, kw: mx.nd.moveaxis(a[0], -1, 0),
         ref=lambda x: np.moveaxis(x, -1, 0)),
    # ---- join / split
    Case("concat", "si_three", samples=[((2, 3), (2, 1), (2, 2))], dtypes=D, rejects=RB, call=_cat,
         grad=True, ref=lambda a, b, c: np.concatenate([a, b, c], axis=1)),
    Case("concat", "si_neg_dim", samples=[((2, 2, 3), (2, 2, 1))], dtypes=D, call=_cat,
         kwargs={"dim": -1}, grad=True, ref=lambda a, b, dim: np.concatenate([a, b], -1)),
    Case("concat", "si_mismatch", samples=[((2, 3), (3, 2))], dtypes=("float32",), call=_cat,
         kwargs={"dim": 1}, raises=True),
    Case("stack", "si_default", samples=[((2, 3), (2, 3), (2, 3))], dtypes=DB, call=_stack,
         grad=True, ref=lambda a, b, c: np.stack([a, b, c])),
    Case("stack", "si_neg", samples=[((2, 3), (2, 3))], dtypes=D, call=_stack,
         kwargs={"axis": -1}, grad=True, ref=lambda a, b, axis: np.stack([a, b], -1)),
    Case("split", "si_ax0", samples=[((4, 3),)], dtypes=D, rejects=RB,
         kwargs={"num_outputs": 2, "axis": 0},
         grad=True, ref=lambda x, num_outputs, axis: np.split(x, 2, axis=0)),
    Case("split", "si_uneven", samples=[((2, 5),)], dtypes=("float32",),
         kwargs={"num_outputs": 2}, raises=True),
    Case("split_v2", "si_sections", samples=[((2, 6),)], dtypes=D, rejects=RB,
         kwargs={"indices_or_sections": 3, "axis": 1},
         ref=lambda x, indices_or_sections, axis: np.split(x, 3, axis=1)),
    Case("split_v2", "si_squeeze", samples=[((3, 2),)], dtypes=D,
         kwargs={"indices_or_sections": 3, "axis": 0, "squeeze_axis": True},
         ref=lambda x, indices_or_sections, axis, squeeze_axis: [r[0] for r in
                                                                 np.split(x, 3, 0)]),
    # ---- slicing
    Case("slice", "si_neg", samples=[((4, 5),)], dtypes=DB,
         kwargs={"begin": (-3, -4), "end": (-1, None)}, grad=True,
         ref=lambda x, begin, end: x[-3:-1, -4:]),
    Case("slice", "si_partial", samples=[((3, 4, 2),)], dtypes=D,
         kwargs={"begin": (1,), "end": (3,)}, grad=True, ref=lambda x, begin, end: x[1:3]),
    Case("slice_axis", "si_neg", samples=[((3, 5),)], dtypes=D, rejects=RB,
         kwargs={"axis": -1, "begin": -3, "end": None}, grad=True,
         ref=lambda x, axis, begin, end: x[:, -3:]),
    Case("slice_axis", "si_ax0", samples=[((4, 2),)], dtypes=D,
         kwargs={"axis": 0, "begin": 1, "end": -1}, ref=lambda x, axis, begin, end: x[1:-1]),
    Case("slice_like", "si_all", samples=[((4, 5), (2, 3))], dtypes=D, rejects=RB,
         inputs=[In(), In(grad=False)], grad=True, ref=lambda a, b: a[:2, :3]),
    Case("slice_like", "si_neg_axes", samples=[((3, 4, 5), (3, 2, 2))], dtypes=D,
         inputs=[In(), In(grad=False)], kwargs={"axes": (-1,)},
         ref=lambda a, b, axes: a[:, :, :2]),
    # ---- repetition / broadcast
    Case("tile", "si_reps2", samples=[((2, 3),)], dtypes=DB, kwargs={"reps": (2, 3)},
         grad=True, ref=lambda x, reps: np.tile(x, reps)),
    Case("tile", "si_short", samples=[((2, 1, 3),)], dtypes=D, kwargs={"reps": (2,)},
         grad=True, ref=lambda x, reps: np.tile(x, reps)),
    Case("repeat", "si_neg", samples=[((2, 3),)], dtypes=DB, kwargs={"repeats": 3, "axis": -1},
         grad=True, ref=lambda x, repeats, axis: np.repeat(x, 3, -1)),
    Case("flip", "si_axes", samples=[((2, 3, 4),)], dtypes=D, rejects=RB, kwargs={"axis": (0, 2)},
         grad=True, ref=lambda x, axis: np.flip(x, (0, 2))),
    Case("reverse", "si_ax0", samples=[((3, 2),)], dtypes=D, kwargs={"axis": 0},
         ref=lambda x, axis: x[::-1]),
    Case("broadcast_to", "si_zero_keep", samples=[((2, 1, 3),)], dtypes=DB,
         kwargs={"shape": (0, 4, 0)}, grad=True,
         ref=lambda x, shape: np.broadcast_to(x, (2, 4, 3))),
    Case("broadcast_to", "si_bad", samples=[((2, 3),)], dtypes=("float32",),
         kwargs={"shape": (4, 3)}, raises=True),
    Case("broadcast_axis", "si_two", samples=[((1, 3, 1),)], dtypes=DB,
         kwargs={"axis": (0, 2), "size": (2, 4)}, grad=True,
         ref=lambda x, axis, size: np.broadcast_to(x, (2, 3, 4))),
    Case("broadcast_axis", "si_ax2", samples=[((1, 3, 1),)], dtypes=D, rejects=RB,
         kwargs={"axis": 2, "size": 2}, grad=True,
         ref=lambda x, axis, size: np.broadcast_to(x, (1, 3, 2)),
         note="bool: MXNet rejects one broadcast axis but accepts several (si_two)"),
    Case("broadcast_like", "si_axes", samples=[((1, 3), (2, 5, 4))], dtypes=D,
         inputs=[In(), In(grad=False)], kwargs={"lhs_axes": (0,), "rhs_axes": (2,)},
         grad=True, ref=lambda a, b, lhs_axes, rhs_axes: np.broadcast_to(a, (4, 3))),
    Case("broadcast_like", "si_full", samples=[((2, 1), (2, 3))], dtypes=DB,
         inputs=[In(), In(grad=False)], grad=True,
         ref=lambda a, b: np.broadcast_to(a, (2, 3))),
    Case("reshape_like", "si_range", samples=[((2, 6, 2), (3, 4))], dtypes=D,
         inputs=[In(), In(grad=False)],
         kwargs={"lhs_begin": 0, "lhs_end": 2, "rhs_begin": 0, "rhs_end": 2}, grad=True,
         ref=lambda a, b, lhs_begin, lhs_end, rhs_begin, rhs_end: a.reshape(3, 4, 2)),
    Case("reshape_like", "si_full", samples=[((4, 3), (2, 6))], dtypes=DB,
         inputs=[In(), In(grad=False)], grad=True, ref=lambda a, b: a.reshape(2, 6)),
    Case("reshape_like", "si_bad", samples=[((2, 3), (2, 2))], dtypes=("float32",),
         inputs=[In(), In(grad=False)], raises=True),
    # ---- depth/space
    Case("depth_to_space", "si_b2_int", samples=[((2, 4, 1, 2),)], dtypes=D, rejects=RB,
         kwargs={"block_size": 2},
         ref=lambda x, block_size: x.reshape(2, 2, 2, 1, 1, 2).transpose(0, 3, 4, 1, 5, 2)
         .reshape(2, 1, 2, 4)),
    Case("space_to_depth", "si_b2_int", samples=[((2, 1, 2, 4),)], dtypes=D, rejects=RB,
         kwargs={"block_size": 2},
         ref=lambda x, block_size: x.reshape(2, 1, 1, 2, 2, 2).transpose(0, 3, 5, 1, 2, 4)
         .reshape(2, 4, 1, 2)),
    Case("depth_to_space", "si_bad", samples=[((1, 3, 2, 2),)], dtypes=("float32",),
         kwargs={"block_size": 2}, raises=True),
    # ---- diag
    Case("diag", "si_k1", samples=[((3, 4),)], dtypes=D, rejects=RB, kwargs={"k": 1}, grad=True,
         ref=lambda x, k: np.diag(x, 1)),
    Case("diag", "si_kneg", samples=[((4, 3),)], dtypes=D, kwargs={"k": -1}, grad=True,
         ref=lambda x, k: np.diag(x, -1)),
    Case("diag", "si_1d_k", samples=[((3,),)], dtypes=D, kwargs={"k": -2}, grad=True,
         ref=lambda x, k: np.diag(x, -2)),
    Case("diag", "si_3d", samples=[((2, 3, 4),)], dtypes=D,
         kwargs={"k": 1, "axis1": 0, "axis2": 2}, grad=True,
         ref=lambda x, k, axis1, axis2: np.diagonal(x, 1, 0, 2).copy()),
    # ---- shape / size
    Case("shape_array", "si_ints", samples=[((2, 3),), ((4,),)], dtypes=DB,
         ref=lambda x: np.array(x.shape, dtype=np.int64)),
    Case("size_array", "si_ints", samples=[((2, 3),), ((5,),)], dtypes=DB,
         ref=lambda x: np.array([x.size], dtype=np.int64)),
    # ---- take / gather / scatter
    Case("take", "si_axis1", samples=[((3, 4), (2, 2))], dtypes=DB, kwargs={"axis": 1},
         inputs=[In(), _idx(-2, 5)], grad=True,
         ref=lambda a, i, axis: np.take(a, np.clip(i, 0, 3), axis=1)),
    Case("take", "si_wrap_ax1", samples=[((3, 4), (5,))], dtypes=D,
         kwargs={"axis": -1, "mode": "wrap"}, inputs=[In(), _idx(-6, 9)], grad=True,
         ref=lambda a, i, axis, mode: np.take(a, np.mod(i, 4), axis=1)),
    Case("take", "si_float_idx", samples=[((4, 3), (3,))], dtypes=D,
         inputs=[In(), In(dtype="float32", grad=False,
                          gen=lambda rng, s, dt: rng.uniform(-1, 4.9, s).astype(dt))],
         note="float indices: MXNet truncates/rounds them (golden is MXNet's)"),
    Case("batch_take", "si_3cols", samples=[((3, 5), (3,))], dtypes=D,
         inputs=[In(), _idx(0, 4)], ref=lambda a, i: a[np.arange(3), i]),
    Case("gather_nd", "si_3d", samples=[((2, 3, 4), (2, 3))], dtypes=DB,
         inputs=[In(), _idx(0, 1)], grad=True, ref=lambda a, i: a[i[0], i[1]]),
    Case("gather_nd", "si_full", samples=[((3, 4), (2, 2, 2))], dtypes=D,
         inputs=[In(), _idx(0, 2)], grad=True, ref=lambda a, i: a[i[0], i[1]]),
    Case("scatter_nd", "si_2d", samples=[((4,), (2, 4))], dtypes=D,
         inputs=[In(), _scatter_idx((3, 4))], kwargs={"shape": (3, 4)}, grad=True,
         ref=_scatter_ref),
    Case("scatter_nd", "si_rows", samples=[((2, 3), (1, 2))], dtypes=D,
         inputs=[In(), _scatter_idx((4,))], kwargs={"shape": (4, 3)}, grad=True,
         ref=_scatter_ref),
    Case("one_hot", "si_onoff", samples=[((2, 3),)], dtypes=("float32",),
         inputs=[_idx(-1, 4, "float32")],
         kwargs={"depth": 4, "on_value": 2.5, "off_value": -1.0},
         ref=lambda i, depth, on_value, off_value: np.where(
             np.arange(4) == i[..., None], 2.5, -1.0).astype(np.float32)),
    Case("one_hot", "si_dtype", samples=[((4,),)], dtypes=("int32", "float64"),
         inputs=[In(gen=lambda rng, s, dt: rng.integers(0, 3, s).astype(dt))],
         kwargs={"depth": 3, "dtype": "int32"},
         ref=lambda i, depth, dtype: np.eye(3, dtype=np.int32)[i.astype(int)]),
    # ---- pad
    Case("pad", "si_const0", samples=[((2, 1, 2, 3),)], dtypes=FLOATS, rejects=INTS + RB,
         kwargs={"mode": "constant", "pad_width": (0, 0, 0, 0, 2, 1, 0, 1)}, grad=True,
         ref=lambda x, mode, pad_width: np.pad(x, ((0, 0), (0, 0), (2, 1), (0, 1)))),
    Case("pad", "si_reflect", samples=[((1, 1, 3, 4),)], dtypes=FLOATS, rejects=INTS,
         kwargs={"mode": "reflect", "pad_width": (0, 0, 0, 0, 1, 2, 2, 1)}, grad=True,
         ref=lambda x, mode, pad_width: np.pad(x, ((0, 0), (0, 0), (1, 2), (2, 1)),
                                                "reflect")),
    # ---- index arithmetic
    Case("ravel_multi_index", "si_2d", samples=[((2, 5),)], dtypes=D,
         inputs=[_multi_idx((3, 4))], kwargs={"shape": (3, 4)},
         ref=lambda x, shape: np.ravel_multi_index(x.astype(int), (3, 4)).astype(x.dtype)),
    Case("unravel_index", "si_2d", samples=[((5,),)], dtypes=D,
         inputs=[In(gen=lambda rng, s, dt: rng.integers(0, 12, s).astype(dt))],
         kwargs={"shape": (3, 4)},
         ref=lambda x, shape: np.stack(np.unravel_index(x.astype(int), (3, 4)))
         .astype(x.dtype)),
    Case("contrib.boolean_mask", "si_rows", samples=[((4, 3), (4,))], dtypes=DB,
         inputs=[In(), In(grad=False, gen=_bmask_gen)], grad=True,
         ref=lambda a, m: a[m != 0]),
    # ---- more variants, bool inputs, error cases
    Case("moveaxis", "si_grad", samples=[((2, 3, 4),)], dtypes=D, grad=True,
         call=lambda mx, a, args, kw: mx.nd.moveaxis(a[0], 1, -1),
         ref=lambda x: np.moveaxis(x, 1, -1)),
    Case("split_v2", "si_grad", samples=[((5, 2),)], dtypes=D, grad=True,
         kwargs={"indices_or_sections": (2,)},
         ref=lambda x, indices_or_sections: np.split(x, [2], axis=0)),
    Case("take", "si_raise", samples=[((4, 3), (2, 3))], dtypes=D,
         kwargs={"mode": "raise"}, inputs=[In(), _idx(0, 3)], ref=lambda a, i, mode: a[i]),
    Case("gather_nd", "si_negidx", samples=[((3, 4), (2, 3))], dtypes=D,
         inputs=[In(), _idx(-3, 2)], ref=lambda a, i: a[i[0], i[1]]),
    Case("contrib.boolean_mask", "si_int_mask", samples=[((3, 2, 2), (3,))], dtypes=D,
         inputs=[In(), In(dtype="int32", grad=False, gen=_bmask_gen)],
         ref=lambda a, m: a[m != 0]),
    Case("reshape_like", "si_bool", samples=[((2, 3), (3, 2))], dtypes=("bool",),
         ref=lambda a, b: a.reshape(3, 2)),
    Case("slice_axis", "si_bad_begin", samples=[((3, 4),)], dtypes=("float32",),
         kwargs={"axis": 1, "begin": 5, "end": None}, raises=True),
    Case("expand_dims", "si_bad_axis", samples=[((2, 3),)], dtypes=("float32",),
         kwargs={"axis": 4}, raises=True),
    Case("stack", "si_mismatch", samples=[((2, 3), (2, 2))], dtypes=("float32",),
         call=_stack, raises=True),
    Case("stack", "si_same_size", samples=[((2, 3), (3, 2))], dtypes=D, call=_stack,
         ref=lambda a, b: np.stack([a, b.reshape(a.shape)]),
         note="MXNet checks only the sizes: later inputs are read in the first's shape"),
    Case("space_to_depth", "si_bad", samples=[((1, 1, 3, 4),)], dtypes=("float32",),
         kwargs={"block_size": 2}, raises=True),
    Case("tile", "si_3d", samples=[((2, 1, 2),)], dtypes=D, kwargs={"reps": (1, 3, 2)},
         ref=lambda x, reps: np.tile(x, reps)),
    Case("one_hot", "si_bad_depth", samples=[((3,),)], dtypes=("float32",),
         inputs=[_idx(0, 2, "float32")], kwargs={"depth": -1}, raises=True),
    # ---- edge semantics
    Case("squeeze", "si_to_1d", samples=[((1, 1),)], dtypes=D, grad=True,
         ref=lambda x: x.reshape(1), note="MXNet keeps one axis when all are squeezed out"),
    Case("squeeze", "si_neg_axis", samples=[((2, 3, 1),)], dtypes=D, kwargs={"axis": -1},
         ref=lambda x, axis: x[..., 0]),
    Case("transpose", "si_neg_axes", samples=[((2, 3, 4),)], dtypes=D,
         kwargs={"axes": (-1, 0, 1)}, raises=True),
    Case("slice", "si_end_over", samples=[((3, 4),)], dtypes=D,
         kwargs={"begin": (1, 0), "end": (5, 2)}, ref=lambda x, begin, end: x[1:5, 0:2]),
    Case("slice_axis", "si_empty", samples=[((3, 4),)], dtypes=("float32",),
         kwargs={"axis": 1, "begin": 2, "end": 2}, raises=True),
    Case("repeat", "si_zero", samples=[((2, 3),)], dtypes=("float32",),
         kwargs={"repeats": 0, "axis": 0}, ref=lambda x, repeats, axis: x.reshape(-1)[:0],
         note="MXNet's repeats=0 result is 1-D (0,), whatever the axis"),
    Case("split", "si_one_squeeze", samples=[((1, 3),)], dtypes=D,
         kwargs={"num_outputs": 1, "axis": 0, "squeeze_axis": True},
         ref=lambda x, num_outputs, axis, squeeze_axis: x[0]),
    Case("diag", "si_k_big", samples=[((3, 3),)], dtypes=("float32",), kwargs={"k": 4},
         raises=True),
    Case("flip", "si_bad_axis", samples=[((2, 3),)], dtypes=("float32",), kwargs={"axis": 2},
         raises=True),
    Case("ravel_multi_index", "si_oob", samples=[((2, 3),)], dtypes=("float32",),
         inputs=[In(gen=lambda rng, s, dt: np.array([[0, 3, -1], [1, 0, 5]], dt))],
         kwargs={"shape": (3, 4)},  # out-of-range values are not checked
         ref=lambda x, shape: (x[0] * 4 + x[1]).astype(x.dtype)),
    Case("unravel_index", "si_oob", samples=[((3,),)], dtypes=("float32",),
         inputs=[In(gen=lambda rng, s, dt: np.array([13, -1, 5], dt))],
         kwargs={"shape": (3, 4)},  # out-of-range values unchecked: C division/remainder
         ref=lambda x, shape: np.stack([np.trunc(x / 4), np.fmod(x, 4)]).astype(x.dtype)),
    Case("contrib.boolean_mask", "si_none", samples=[((3, 2), (3,))], dtypes=("float32",),
         inputs=[In(), In(grad=False, gen=lambda rng, s, dt: np.zeros(s, dt))],
         ref=lambda a, m: a[:0]),
    Case("take", "si_raise_oob", samples=[((4, 3), (2,))], dtypes=("float32",),
         kwargs={"mode": "raise"}, inputs=[In(), In(dtype="int32",
                                                   gen=lambda rng, s, dt: np.array([1, 7]))],
         raises=True),
    Case("one_hot", "si_depth0", samples=[((3,),)], dtypes=("float32",),
         inputs=[_idx(0, 2, "float32")], kwargs={"depth": 0},
         ref=lambda i, depth: np.zeros((3, 0), np.float32)),
    Case("tile", "si_rep0", samples=[((2, 3),)], dtypes=("float32",), kwargs={"reps": (0, 2)},
         raises=True),
    Case("swapaxes", "si_same", samples=[((2, 3),)], dtypes=("float32",),
         kwargs={"dim1": 1, "dim2": 1}, ref=lambda x, dim1, dim2: x.copy()),
    Case("stack", "si_one", samples=[((2, 3),)], dtypes=D, call=_stack, grad=True,
         ref=lambda a: a[None]),
    Case("pad", "si_bad_width", samples=[((1, 1, 2, 2),)], dtypes=("float32",),
         kwargs={"mode": "constant", "pad_width": (0, 0, 1, 1)},
         raises=True),
    # ---- fluent methods (positional forms)
    Case("NDArray.flatten", "si_m", samples=[((2, 3, 2),)], dtypes=F3,
         ref=lambda x: x.reshape(2, 6)),
    Case("NDArray.expand_dims", "si_m", samples=[((2, 3),)], dtypes=F3, args=(1,),
         ref=lambda x, a: np.expand_dims(x, 1)),
    Case("NDArray.squeeze", "si_m", samples=[((2, 1, 3),)], dtypes=F3, args=(1,),
         ref=lambda x, a: x[:, 0]),
    Case("NDArray.transpose", "si_m", samples=[((2, 3, 4),)], dtypes=F3,
         kwargs={"axes": (2, 0, 1)}, ref=lambda x, axes: np.transpose(x, axes)),
    Case("NDArray.T", "si_m", samples=[((2, 3),)], dtypes=F3,
         call=lambda mx, a, args, kw: a[0].T, ref=lambda x: x.T.copy()),
    Case("NDArray.swapaxes", "si_m", samples=[((2, 3, 4),)], dtypes=F3, args=(0, 2),
         ref=lambda x, a, b: np.swapaxes(x, 0, 2)),
    Case("NDArray.tile", "si_m", samples=[((2, 3),)], dtypes=F3, kwargs={"reps": (2, 2)},
         ref=lambda x, reps: np.tile(x, reps)),
    Case("NDArray.repeat", "si_m", samples=[((2, 3),)], dtypes=F3,
         kwargs={"repeats": 2, "axis": 1}, ref=lambda x, repeats, axis: np.repeat(x, 2, 1)),
    Case("NDArray.flip", "si_m", samples=[((2, 3),)], dtypes=F3, kwargs={"axis": 1},
         ref=lambda x, axis: x[:, ::-1]),
    Case("NDArray.broadcast_to", "si_m", samples=[((1, 3),)], dtypes=F3, args=((2, 3),),
         ref=lambda x, shape: np.broadcast_to(x, shape)),
    Case("NDArray.broadcast_axes", "si_m", samples=[((1, 3),)], dtypes=F3,
         kwargs={"axis": 0, "size": 2}, ref=lambda x, axis, size: np.broadcast_to(x, (2, 3))),
    Case("NDArray.broadcast_like", "si_m", samples=[((1, 3), (2, 3))], dtypes=F3,
         ref=lambda a, b: np.broadcast_to(a, b.shape)),
    Case("NDArray.reshape_like", "si_m", samples=[((2, 3), (3, 2))], dtypes=F3,
         ref=lambda a, b: a.reshape(3, 2)),
    Case("NDArray.split", "si_m", samples=[((2, 4),)], dtypes=F3,
         kwargs={"num_outputs": 2, "axis": 1}, ref=lambda x, num_outputs, axis:
         np.split(x, 2, 1)),
    Case("NDArray.split_v2", "si_m", samples=[((2, 4),)], dtypes=F3, args=((1, 3), 1),
         ref=lambda x, i, axis: np.split(x, [1, 3], 1)),
    Case("NDArray.slice", "si_m", samples=[((3, 4),)], dtypes=F3,
         kwargs={"begin": (0, 1), "end": (2, 3)}, ref=lambda x, begin, end: x[0:2, 1:3]),
    Case("NDArray.slice_axis", "si_m", samples=[((3, 4),)], dtypes=F3,
         kwargs={"axis": 0, "begin": 1, "end": 3}, ref=lambda x, axis, begin, end: x[1:3]),
    Case("NDArray.take", "si_m", samples=[((4, 3), (2,))], dtypes=F3,
         inputs=[In(), _idx(0, 3)], ref=lambda a, i: a[i]),
    Case("NDArray.one_hot", "si_m", samples=[((3,),)], dtypes=("float32",),
         inputs=[_idx(0, 3, "float32")], args=(4,),
         ref=lambda i, d: np.eye(4, dtype=np.float32)[i.astype(int)]),
    Case("NDArray.diag", "si_m", samples=[((3, 3),)], dtypes=F3, kwargs={"k": 1},
         ref=lambda x, k: np.diag(x, 1)),
    Case("NDArray.depth_to_space", "si_m", samples=[((1, 4, 1, 1),)], dtypes=F3, args=(2,),
         ref=lambda x, b: x.reshape(1, 1, 2, 2)),
    Case("NDArray.space_to_depth", "si_m", samples=[((1, 1, 2, 2),)], dtypes=F3, args=(2,),
         ref=lambda x, b: x.reshape(1, 4, 1, 1)),
    Case("NDArray.shape_array", "si_m", samples=[((2, 3),)], dtypes=F3,
         ref=lambda x: np.array([2, 3], np.int64)),
    Case("NDArray.size_array", "si_m", samples=[((2, 3),)], dtypes=F3,
         ref=lambda x: np.array([6], np.int64)),
    Case("NDArray.pad", "si_m", samples=[((1, 1, 2, 2),)], dtypes=FG,
         kwargs={"mode": "constant", "pad_width": (0, 0, 0, 0, 1, 0, 0, 1)},
         ref=lambda x, mode, pad_width: np.pad(x, ((0, 0), (0, 0), (1, 0), (0, 1)))),
]
