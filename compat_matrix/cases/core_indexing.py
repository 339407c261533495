"""Core indexing: NDArray.__getitem__ with basic (int, slice, step, negative step, Ellipsis,
None) and advanced (integer lists, NumPy and NDArray index arrays) keys."""
import numpy as np

from compat_matrix.refs import indices
from compat_matrix.spec import ALL_DTYPES, Case, In

T = [((4, 5, 3),)]


def _get(key):
    """call: x[key] (key fixed data)."""
    return lambda mx, a, args, kw: a[0][key]


def _ref(key, one=False):
    def ref(x):
        r = np.asarray(x[key])
        return r.reshape(1) if r.ndim == 0 or (one and r.ndim == 0) else r
    return ref


_BASIC = {  # variant: (key, samples)
    "int": (1, T), "int_1d": (2, [((5,),)]), "neg_int": (-1, T), "ints": ((1, 2, 0), T),
    "int_pair": ((1, 2), T), "slice": (slice(1, 3), T),
    "slice_inner": ((slice(None), slice(1, 4)), T),
    "step": (slice(None, None, 2), T), "neg_step": (slice(None, None, -1), T),
    "mixed": ((slice(1, 3), slice(None, None, 2), 0), T), "ellipsis": ((Ellipsis, 0), T),
    "empty_tuple": ((), T), "full_slice": (slice(None), T),
    "slice_clip": (slice(2, 10), T), "neg_slice": (slice(-3, -1), T),
}
CASES = []
for variant, (key, samples) in _BASIC.items():
    CASES.append(Case("NDArray.__getitem__", variant, samples=samples, call=_get(key),
                      dtypes=ALL_DTYPES, ref=_ref(key),
                      grad=variant in ("int", "slice", "step", "mixed")))
CASES += [
    Case("NDArray.__getitem__", "newaxis", samples=T, call=_get((None, 1)), dtypes=ALL_DTYPES,
         ref=_ref((None, 1))),
    Case("NDArray.__getitem__", "out_of_range", samples=T, call=_get(7), dtypes=("float32",),
         raises=True),
    Case("NDArray.__getitem__", "step0", samples=T, call=_get(slice(None, None, 0)),
         dtypes=("float32",), raises=True),
    Case("NDArray.__getitem__", "too_many", samples=[((4, 5),)], call=_get((1, 2, 3)),
         dtypes=("float32",), raises=True),
    # advanced
    Case("NDArray.__getitem__", "list", samples=T, call=_get([0, 2, 1, 2]), dtypes=ALL_DTYPES,
         ref=_ref([0, 2, 1, 2]), grad=True),
    Case("NDArray.__getitem__", "np_index", samples=T, call=_get(np.array([3, 0])),
         dtypes=ALL_DTYPES, ref=_ref(np.array([3, 0]))),
    Case("NDArray.__getitem__", "np_bool", samples=[((4,),)],
         call=_get(np.array([True, False, True, False])), dtypes=ALL_DTYPES,
         ref=lambda x: x[np.array([1, 0, 1, 0])],
         note="a NumPy bool index is used as integer indices (0/1)"),
    Case("NDArray.__getitem__", "lists_pair", samples=T, call=_get(([0, 1, 3], [1, 2, 4])),
         dtypes=ALL_DTYPES, ref=_ref(([0, 1, 3], [1, 2, 4]))),
    Case("NDArray.__getitem__", "slice_list", samples=T, call=_get((slice(None), [0, 4])),
         dtypes=ALL_DTYPES, ref=_ref((slice(None), [0, 4]))),
    Case("NDArray.__getitem__", "nd_index", samples=[((4, 5, 3), (2, 3))],
         inputs=[In(), In(dtype="int32", gen=indices(0, 4))],
         call=lambda mx, a, args, kw: a[0][a[1]], dtypes=ALL_DTYPES,
         ref=lambda x, i: x[i.astype(np.int64)], grad=True),
    Case("NDArray.__getitem__", "nd_float_index", samples=[((5, 2), (3,))],
         inputs=[In(), In(dtype="float32", gen=lambda rng, s, dt: (rng.random(s) * 4.9
                                                                     ).astype(dt))],
         call=lambda mx, a, args, kw: a[0][a[1]], dtypes=ALL_DTYPES,
         ref=lambda x, i: x[i.astype(np.int64)], note="float index arrays are truncated"),
    Case("NDArray.__getitem__", "nd_int64_index", samples=[((5, 2), (3,))],
         inputs=[In(), In(dtype="int64", gen=indices(0, 5))],
         call=lambda mx, a, args, kw: a[0][a[1]], dtypes=ALL_DTYPES,
         ref=lambda x, i: x[i]),
]
