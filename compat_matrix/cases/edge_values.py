"""Edge values (NaN, inf, -0.0, values beyond int32, the int type limits) in index-like,
size-like and arithmetic inputs, recorded from MXNet 1.9.1 (variant prefix ``ev_``).

Found by a differential probe of mxcompat against MXNet; each case pins one disagreement
that was fixed. MXNet reads index-like inputs through a C cast to int32: floats truncate,
NaN/inf/out-of-range floats become INT_MIN, int64 wraps (2**32 + 1 is 1).
The matrix does not compare the sign of zeros: tests/test_edge_values.py checks those.
"""
from __future__ import annotations

import numpy as np

from compat_matrix.spec import FLOATS, Case, In

NAN, INF = np.nan, np.inf
F32 = ("float32",)


def _fix(vals, dtype=None):
    """An input with fixed values (the sample shape must match)."""
    return In(dtype=dtype, grad=False, gen=lambda rng, s, dt: np.array(vals, dtype or dt)
              .reshape(s))


_SEQ = [((4, 2, 3), (2,))]
_SEQ_DATA = In(gen=lambda rng, s, dt: np.arange(24).reshape(s).astype(dt))
_GARBAGE = "MXNet 1.9.1 reads/writes outside the array: garbage values or heap corruption"

CASES = [
    # ------------------------------------------------------------- int64 indices wrap
    Case("one_hot", "ev_int64_wrap", samples=[((4,),)], dtypes=("int64",),
         inputs=[_fix([2 ** 32 + 1, -1, 3, 2 ** 62])], kwargs={"depth": 4},
         note="int64 indices wrap to int32: 2**32+1 selects 1, 2**62 selects 0"),
    Case("one_hot", "ev_float_special", samples=[((8,),)], dtypes=F32,
         inputs=[_fix([NAN, INF, -1, 3e9, 2.5, -0.5, 3.9, 1e30])], kwargs={"depth": 4}),
    Case("scatter_nd", "ev_int64_wrap", samples=[((3,), (1, 3))], dtypes=F32,
         inputs=[_fix([1, 2, 3]), _fix([[2 ** 32 + 1, 0, 3]], "int64")],
         kwargs={"shape": (4,)}, note="the index 2**32+1 wraps to 1"),
    Case("ravel_multi_index", "ev_nan", samples=[((2, 4),)], dtypes=F32,
         inputs=[_fix([[1, 5, 2.7, NAN], [2, -1, 3.9, 0]])], kwargs={"shape": (3, 4)},
         note="int32 arithmetic that wraps: a NaN index (INT_MIN) times 4 gives 0"),
    Case("ravel_multi_index", "ev_int64_wrap", samples=[((2, 2),)], dtypes=("int64",),
         inputs=[_fix([[2 ** 32 + 1, 0], [0, 2 ** 40]])], kwargs={"shape": (3, 4)}),
    Case("unravel_index", "ev_float_special", samples=[((7,),)], dtypes=F32,
         inputs=[_fix([100, -1, 11, 2.7, NAN, 3e9, -13])], kwargs={"shape": (3, 4)},
         note="NaN and 3e9 become INT_MIN: (-536870912, 0)"),
    Case("unravel_index", "ev_int64_wrap", samples=[((3,),)], dtypes=("int64",),
         inputs=[_fix([2 ** 40 + 1, -1, 5])], kwargs={"shape": (3, 4)}),
    # ------------------------------------------------------------- sequence lengths
    Case("SequenceReverse", "ev_int64_len", samples=_SEQ, dtypes=F32,
         inputs=[_SEQ_DATA, _fix([2 ** 32 + 1, 3], "int64")],
         kwargs={"use_sequence_length": True}, note="the length 2**32+1 wraps to 1"),
    Case("SequenceMask", "ev_frac_big", samples=_SEQ, dtypes=F32,
         inputs=[_SEQ_DATA, _fix([1.9, 100])], kwargs={"use_sequence_length": True}),
    Case("SequenceLast", "ev_frac", samples=_SEQ, dtypes=F32,
         inputs=[_SEQ_DATA, _fix([1.5, 4.9])], kwargs={"use_sequence_length": True}),
    Case("SequenceMask", "ev_neg_len", samples=_SEQ, dtypes=F32,
         inputs=[_SEQ_DATA, _fix([-1, 2])], kwargs={"use_sequence_length": True},
         mx_crash=_GARBAGE),
    Case("SequenceMask", "ev_nan_len", samples=_SEQ, dtypes=F32,
         inputs=[_SEQ_DATA, _fix([NAN, 1])], kwargs={"use_sequence_length": True},
         mx_crash="SIGSEGV (NaN is INT_MIN: writes far outside the array)"),
    Case("SequenceLast", "ev_zero_len", samples=_SEQ, dtypes=F32,
         inputs=[_SEQ_DATA, _fix([0, 4])], kwargs={"use_sequence_length": True},
         mx_crash=_GARBAGE),
    Case("SequenceLast", "ev_big_len", samples=_SEQ, dtypes=F32,
         inputs=[_SEQ_DATA, _fix([5, 1])], kwargs={"use_sequence_length": True},
         mx_crash=_GARBAGE),
    Case("SequenceLast", "ev_nan_len", samples=_SEQ, dtypes=F32,
         inputs=[_SEQ_DATA, _fix([NAN, 1])], kwargs={"use_sequence_length": True},
         mx_crash=_GARBAGE),
    Case("SequenceReverse", "ev_big_len", samples=_SEQ, dtypes=F32,
         inputs=[_SEQ_DATA, _fix([5, 100])], kwargs={"use_sequence_length": True},
         mx_crash=_GARBAGE),
    Case("SequenceReverse", "ev_neg_len", samples=_SEQ, dtypes=F32,
         inputs=[_SEQ_DATA, _fix([-1, 2])], kwargs={"use_sequence_length": True},
         mx_crash=_GARBAGE),
    Case("softmax", "ev_int64_length", samples=[((2, 3), (2,))], dtypes=F32,
         inputs=[In(grad=False, gen=lambda rng, s, dt: np.array([[1, 2, 3], [1, 2, 3]], dt)),
                 _fix([2 ** 32 + 1, 2], "int64")], kwargs={"use_length": True},
         note="the length 2**32+1 wraps to 1"),
    Case("contrib.index_copy", "ev_int64_wrap", samples=[((5,), (1,), (1,))], dtypes=F32,
         inputs=[_fix([0, 1, 2, 3, 4]), _fix([2 ** 32 + 1], "int64"), _fix([9])],
         note="the index 2**32+1 wraps to 1"),
    # ------------------------------------------------------------- mx.nd.array of a list:
    # NumPy 1.23's np.array(list, dtype) (a Python int per float, then wrapped)
    Case("array", "ev_list_beyond_int32", samples=[()], dtypes=("int32",),
         call=lambda mx, a, args, kw: mx.nd.array([3e9, -3e9, 2.5, -1.5], dtype="int32"),
         note="3e9 wraps to -1294967296 (a C cast would give INT_MIN)"),
    Case("array", "ev_list_uint8", samples=[()], dtypes=("uint8",),
         call=lambda mx, a, args, kw: mx.nd.array([-1.0, 300.7, 2.5], dtype="uint8")),
    Case("array", "ev_list_nan_to_int", samples=[()], dtypes=("int32",),
         call=lambda mx, a, args, kw: mx.nd.array([np.nan, 1.0], dtype="int32"), raises=True),
    Case("array", "ev_list_inf_to_int", samples=[()], dtypes=("int64",),
         call=lambda mx, a, args, kw: mx.nd.array([np.inf], dtype="int64"), raises=True),
    Case("array", "ev_list_beyond_int64", samples=[()], dtypes=("int64",),
         call=lambda mx, a, args, kw: mx.nd.array([9.3e18], dtype="int64"), raises=True),
    # ------------------------------------------------------------- reductions
    Case("norm", "ev_l1_inf", samples=[((3,),), ((2, 2),)], dtypes=FLOATS,
         inputs=[In(grad=False, gen=lambda rng, s, dt: (np.array([INF, 1, 2], dt) if s == (3,)
                                                        else np.array([[1, INF], [3, 4]], dt)))],
         kwargs={"ord": 1}, note="Kahan summation: a value after an infinity gives NaN"),
    Case("norm", "ev_l1_inf_axis", samples=[((2, 2),)], dtypes=F32,
         inputs=[_fix([[INF, 1], [1, INF]])], kwargs={"ord": 1, "axis": 1}),
    # ------------------------------------------------------------- slice parameters
    Case("slice", "ev_end_beyond_int32", samples=[((5,),)], dtypes=F32,
         kwargs={"begin": (0,), "end": (3000000000,)}, raises=True),
    Case("crop", "ev_begin_beyond_int32", samples=[((5,),)], dtypes=F32,
         kwargs={"begin": (-3000000000,), "end": (2,)}, raises=True),
    Case("slice", "ev_int32_max", samples=[((5,),)], dtypes=F32,
         kwargs={"begin": (1,), "end": (2 ** 31 - 1,)}),
    # ------------------------------------------------------------- arithmetic
    Case("broadcast_mod", "ev_special", samples=[((12,), (12,))], dtypes=FLOATS,
         inputs=[_fix([5.5, -5.5, 5.5, -5.5, 1, 0, -0.0, INF, 3, -3, NAN, 7]),
                 _fix([2, 2, -2, -2, 0, 0, 2, 2, INF, INF, 1, -0.0])]),
    Case("broadcast_mod", "ev_int8_min", samples=[((5,), (5,))], dtypes=("int8",),
         inputs=[_fix([5, -5, 5, -5, -128]), _fix([2, 2, -2, -2, 3])],
         note="-128 % 3 is 1 (MXNet computes in double)"),
    Case("NDArray.__rmod__", "ev_negzero", samples=[((6,),)], dtypes=FLOATS,
         inputs=[_fix([5.5, -5.5, 1, -3, INF, 0])], args=(-0.0,)),
    Case("NDArray.__pow__", "ev_half", samples=[((8,),)], dtypes=FLOATS,
         inputs=[_fix([-2, -0.0, 0, 4, -INF, INF, NAN, 0.25])], args=(0.5,),
         note="C's pow: pow(-inf, 0.5) is inf (torch's sqrt shortcut gives nan)"),
    Case("NDArray.__pow__", "ev_neg_half", samples=[((8,),)], dtypes=FLOATS,
         inputs=[_fix([-2, -0.0, 0, 4, -INF, INF, NAN, 0.25])], args=(-0.5,)),
    Case("broadcast_maximum", "ev_nan_zero", samples=[((7,), (7,))], dtypes=FLOATS,
         inputs=[_fix([NAN, 1, NAN, -0.0, 0.0, INF, -INF]),
                 _fix([1, NAN, NAN, 0.0, -0.0, NAN, 1])]),
    Case("broadcast_minimum", "ev_nan_zero", samples=[((7,), (7,))], dtypes=FLOATS,
         inputs=[_fix([NAN, 1, NAN, -0.0, 0.0, INF, -INF]),
                 _fix([1, NAN, NAN, 0.0, -0.0, NAN, 1])]),
]
