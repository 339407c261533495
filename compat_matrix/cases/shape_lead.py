"""Shape/layout and indexing ops (flatten ... one_hot), declared by the lead."""
import numpy as np

from compat_matrix.spec import ALL_DTYPES, Case, In

D = ("float32", "float64", "float16", "int32", "int64", "uint8", "int8")
FG = ("float32", "float64")
PAD_REJ = ("uint8", "int32", "int8", "int64", "bool")  # pad: floats only
RB = ("bool",)  # MXNet rejects bool here


def _idx(hi, dtype="int32"):
    return In(dtype=dtype, gen=lambda rng, shape, dt, hi=hi: rng.integers(0, hi, shape))


def _cat(mx, a, args, kw):
    return mx.nd.concat(*a, **kw)


def _stack(mx, a, args, kw):
    return mx.nd.stack(*a, **kw)


CASES = [
    Case("flatten", "lead_3d", samples=[((2, 3, 4),), ((3,),)], dtypes=ALL_DTYPES, grad=True,
         ref=lambda x: x.reshape(x.shape[0], -1)),
    Case("expand_dims", "lead_ax1", samples=[((2, 3),)], dtypes=ALL_DTYPES, kwargs={"axis": 1},
         grad=True, ref=lambda x, axis: np.expand_dims(x, axis)),
    Case("squeeze", "lead_all", samples=[((2, 1, 3, 1),)], dtypes=ALL_DTYPES, grad=True,
         ref=lambda x: np.squeeze(x)),
    Case("transpose", "lead_axes", samples=[((2, 3, 4),)], dtypes=D, rejects=RB,
         kwargs={"axes": (1, 0, 2)},
         grad=True, ref=lambda x, axes: np.transpose(x, axes)),
    Case("transpose", "lead_default", samples=[((2, 3, 4),)], dtypes=D, rejects=RB, grad=True,
         ref=lambda x: np.transpose(x)),
    Case("swapaxes", "lead_02", samples=[((2, 3, 4),)], dtypes=D, rejects=RB,
         kwargs={"dim1": 0, "dim2": 2},
         grad=True, ref=lambda x, dim1, dim2: np.swapaxes(x, dim1, dim2)),
    Case("concat", "lead_dim1", samples=[((2, 3), (2, 2))], dtypes=D, rejects=RB,
         call=_cat, grad=True,
         ref=lambda a, b: np.concatenate([a, b], axis=1)),
    Case("concat", "lead_dim0", samples=[((2, 3), (1, 3))], dtypes=D, rejects=RB, call=_cat,
         kwargs={"dim": 0}, ref=lambda a, b, dim: np.concatenate([a, b], axis=0)),
    Case("stack", "lead_ax1", samples=[((2, 3), (2, 3))], dtypes=ALL_DTYPES, call=_stack,
         kwargs={"axis": 1}, grad=True, ref=lambda a, b, axis: np.stack([a, b], axis=axis)),
    Case("slice", "lead_basic", samples=[((4, 5),)], dtypes=ALL_DTYPES,
         kwargs={"begin": (1, None), "end": (3, 4)}, grad=True,
         ref=lambda x, begin, end: x[1:3, :4]),
    Case("slice", "lead_step", samples=[((4, 5),)], dtypes=ALL_DTYPES,
         kwargs={"begin": (None, 4), "end": (None, 0), "step": (2, -1)},
         ref=lambda x, begin, end, step: x[::2, 4:0:-1]),
    Case("slice_axis", "lead_ax1", samples=[((3, 5),)], dtypes=D, rejects=RB,
         kwargs={"axis": 1, "begin": 1, "end": 4}, grad=True,
         ref=lambda x, axis, begin, end: x[:, 1:4]),
    Case("tile", "lead_reps", samples=[((2, 3),)], dtypes=ALL_DTYPES, kwargs={"reps": (2, 1, 2)},
         grad=True, ref=lambda x, reps: np.tile(x, reps)),
    Case("repeat", "lead_ax0", samples=[((2, 3),)], dtypes=ALL_DTYPES,
         kwargs={"repeats": 2, "axis": 0}, grad=True,
         ref=lambda x, repeats, axis: np.repeat(x, repeats, axis)),
    Case("repeat", "lead_flat", samples=[((2, 3),)], dtypes=ALL_DTYPES, kwargs={"repeats": 2},
         ref=lambda x, repeats: np.repeat(x, repeats)),
    Case("flip", "lead_ax1", samples=[((2, 3, 4),)], dtypes=D, rejects=RB,
         kwargs={"axis": 1}, grad=True,
         ref=lambda x, axis: np.flip(x, axis)),
    Case("broadcast_to", "lead_rows", samples=[((1, 3),)], dtypes=ALL_DTYPES,
         kwargs={"shape": (4, 3)}, grad=True, ref=lambda x, shape: np.broadcast_to(x, shape)),
    Case("broadcast_axis", "lead_ax0", samples=[((1, 3),)], dtypes=D, rejects=RB,
         kwargs={"axis": 0, "size": 3}, grad=True,
         ref=lambda x, axis, size: np.broadcast_to(x, (3, 3))),
    Case("broadcast_like", "lead_like", samples=[((1, 3), (4, 3))], dtypes=ALL_DTYPES,
         inputs=[In(), In(grad=False)], ref=lambda a, b: np.broadcast_to(a, b.shape)),
    Case("reshape_like", "lead_like", samples=[((2, 6), (3, 4))], dtypes=ALL_DTYPES,
         inputs=[In(), In(grad=False)], ref=lambda a, b: a.reshape(b.shape)),
    Case("depth_to_space", "lead_b2", samples=[((1, 8, 2, 3),)], dtypes=D, rejects=RB,
         kwargs={"block_size": 2}, grad=True,
         ref=lambda x, block_size: x.reshape(1, 2, 2, 2, 2, 3).transpose(0, 3, 4, 1, 5, 2)
         .reshape(1, 2, 4, 6)),
    Case("space_to_depth", "lead_b2", samples=[((1, 2, 4, 6),)], dtypes=D, rejects=RB,
         kwargs={"block_size": 2}, grad=True,
         ref=lambda x, block_size: x.reshape(1, 2, 2, 2, 3, 2).transpose(0, 3, 5, 1, 2, 4)
         .reshape(1, 8, 2, 3)),
    Case("diag", "lead_2d", samples=[((3, 4),)], dtypes=D, rejects=RB,
         grad=True, ref=lambda x: np.diag(x)),
    Case("diag", "lead_1d", samples=[((3,),)], dtypes=D, rejects=RB, ref=lambda x: np.diag(x)),
    Case("shape_array", "lead_3d", samples=[((2, 3, 4),)], dtypes=ALL_DTYPES,
         ref=lambda x: np.array(x.shape, dtype=np.int64)),
    Case("size_array", "lead_3d", samples=[((2, 3, 4),)], dtypes=ALL_DTYPES,
         ref=lambda x: np.array([x.size], dtype=np.int64)),
    Case("take", "lead_clip", samples=[((4, 3), (5,))], dtypes=ALL_DTYPES,
         inputs=[In(), In(dtype="int32", gen=lambda rng, shape, dt:
                          rng.integers(-2, 6, shape))],
         ref=lambda a, i: a[np.clip(i, 0, 3)]),
    Case("take", "lead_wrap", samples=[((4, 3), (5,))], dtypes=ALL_DTYPES, kwargs={"mode": "wrap"},
         inputs=[In(), In(dtype="int32", gen=lambda rng, shape, dt:
                          rng.integers(-5, 9, shape))],
         ref=lambda a, i, mode: a[np.mod(i, 4)]),
    Case("one_hot", "lead_depth4", samples=[((5,),)], dtypes=("float32",),
         inputs=[_idx(4, "float32")], kwargs={"depth": 4},
         ref=lambda i, depth: np.eye(4, dtype=np.float32)[i.astype(int)]),
    Case("gather_nd", "lead_2d", samples=[((3, 4), (2, 5))], dtypes=ALL_DTYPES,
         inputs=[In(), _idx(3)], ref=lambda a, i: a[i[0], i[1]]),
    Case("batch_take", "lead_rows", samples=[((4, 3), (4,))], dtypes=D, rejects=RB,
         inputs=[In(), _idx(3)], ref=lambda a, i: a[np.arange(4), i]),
    Case("split", "lead_3", samples=[((2, 6),)], dtypes=D, rejects=RB, kwargs={"num_outputs": 3},
         grad=True, ref=lambda x, num_outputs: np.split(x, 3, axis=1)),
    Case("split", "lead_squeeze", samples=[((3, 2),)], dtypes=D, rejects=RB,
         kwargs={"num_outputs": 3, "axis": 0, "squeeze_axis": True},
         ref=lambda x, num_outputs, axis, squeeze_axis: [r[0] for r in np.split(x, 3, 0)]),
    Case("SliceChannel", "lead_2", samples=[((2, 4),)], dtypes=D, rejects=RB,
         kwargs={"num_outputs": 2},
         ref=lambda x, num_outputs: np.split(x, 2, axis=1)),
    Case("split_v2", "lead_idx", samples=[((6, 2),)], dtypes=D, rejects=RB,
         kwargs={"indices_or_sections": (1, 4)},
         ref=lambda x, indices_or_sections: np.split(x, [1, 4], axis=0)),
    Case("pad", "lead_const", samples=[((1, 2, 3, 3),)], dtypes=FG + ("float16",),
         rejects=PAD_REJ,
         kwargs={"mode": "constant", "pad_width": (0, 0, 0, 0, 1, 1, 2, 0),
                 "constant_value": 1.5}, grad=True,
         ref=lambda x, mode, pad_width, constant_value: np.pad(
             x, ((0, 0), (0, 0), (1, 1), (2, 0)), constant_values=1.5)),
    Case("pad", "lead_edge", samples=[((1, 2, 3, 3),)], dtypes=FG + ("float16",),
         rejects=PAD_REJ,
         kwargs={"mode": "edge", "pad_width": (0, 0, 0, 0, 1, 1, 1, 1)},
         ref=lambda x, mode, pad_width: np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)), "edge")),
    Case("moveaxis", "lead_0to2", samples=[((2, 3, 4),)], dtypes=D, rejects=RB,
         call=lambda mx, a, args, kw: mx.nd.moveaxis(a[0], 0, 2),
         ref=lambda x: np.moveaxis(x, 0, 2)),
    Case("concatenate", "lead_ax0", samples=[((2, 3), (1, 3))], dtypes=D, rejects=RB,
         call=lambda mx, a, args, kw: mx.nd.concatenate(list(a)),
         ref=lambda a, b: np.concatenate([a, b], axis=0)),
    Case("slice_like", "lead_axes", samples=[((4, 5), (2, 3))], dtypes=D, rejects=RB,
         inputs=[In(), In(grad=False)], kwargs={"axes": (0,)},
         ref=lambda a, b, axes: a[:2]),
]
