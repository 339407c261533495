"""Core shape ops: reshape with MXNet's special codes (0, -1, -2, -3, -4, reverse)."""
from compat_matrix.spec import ALL_DTYPES, Case


def _rs(shape):
    return lambda x, **kw: x.reshape(shape)


CASES = [
    Case("reshape", "plain", samples=[((2, 3),)], kwargs={"shape": (3, 2)},
         dtypes=ALL_DTYPES, ref=_rs((3, 2)), grad=True),
    Case("reshape", "minus1", samples=[((2, 3, 4),)], kwargs={"shape": (-1,)},
         dtypes=ALL_DTYPES, ref=_rs((24,))),
    Case("reshape", "zero", samples=[((2, 3, 4),)], kwargs={"shape": (0, -1)},
         dtypes=ALL_DTYPES, ref=_rs((2, 12)), note="0 copies the input dimension"),
    Case("reshape", "minus2", samples=[((2, 3, 4),)], kwargs={"shape": (-2,)},
         dtypes=ALL_DTYPES,
         ref=_rs((2, 3, 4)), note="-2 copies all remaining dimensions"),
    Case("reshape", "minus2_tail", samples=[((2, 3, 4),)], kwargs={"shape": (6, -2)},
         dtypes=("float32",), mx_crash="MXNet returns (6, 3, 4), reading past the input",
         noncontig=False),
    Case("reshape", "minus3", samples=[((2, 3, 4),)], kwargs={"shape": (-3, -2)},
         dtypes=ALL_DTYPES,
         ref=_rs((6, 4)), note="-3 merges two dimensions"),
    Case("reshape", "minus4", samples=[((2, 3, 4),)], kwargs={"shape": (-4, 1, 2, -2)},
         dtypes=ALL_DTYPES,
         ref=_rs((1, 2, 3, 4)), note="-4 splits a dimension"),
    Case("reshape", "minus4_infer", samples=[((6, 4),)], kwargs={"shape": (-4, -1, 3, 0)},
         dtypes=ALL_DTYPES,
         ref=_rs((2, 3, 4))),
    Case("reshape", "reverse", samples=[((10, 5, 4),)],
         kwargs={"shape": (-1, 0), "reverse": True}, dtypes=ALL_DTYPES,
         ref=_rs((50, 4)),
         note="reverse=True reads the codes right to left"),
    Case("reshape", "bad", samples=[((2, 3),)], kwargs={"shape": (4, 2)},
         dtypes=("float32",), noncontig=False,
         mx_crash="mx.nd.reshape to a larger size returns memory past the input"),
    Case("NDArray.reshape", "bad", samples=[((2, 3),)], args=((4, 2),), dtypes=("float32",),
         raises=True),
    Case("reshape", "string_shape", samples=[((2, 3),)], kwargs={"shape": "(3, 2)"},
         dtypes=ALL_DTYPES, ref=_rs((3, 2))),
    Case("NDArray.reshape", "tuple", samples=[((2, 3, 4),)], args=((4, -1),), dtypes=ALL_DTYPES,
         ref=lambda x, s: x.reshape(4, 6)),
    Case("NDArray.reshape", "varargs", samples=[((2, 3, 4),)], args=(0, -1),
         dtypes=ALL_DTYPES,
         ref=lambda x, a, b: x.reshape(2, 12)),
    Case("NDArray.reshape", "codes", samples=[((2, 3, 4),)], kwargs={"shape": (-3, 0)},
         dtypes=ALL_DTYPES,
         ref=lambda x, shape: x.reshape(6, 4)),
]
