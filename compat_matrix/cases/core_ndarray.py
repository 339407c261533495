"""NDArray's own methods and attributes: astype, copy, T, asnumpy, asscalar, shape/dtype/
size/ndim/context, len, bool, printing, __setitem__, copyto, as_in_context."""
import numpy as np

from compat_matrix.refs import c_cast
from compat_matrix.spec import ALL_DTYPES, NUMERIC, Case, In

CPU_ONLY = ()   # gpu_dtypes for cases whose result names the device


def _attr(name):
    return lambda mx, a, args, kw: getattr(a[0], name)


def _set(key, value_input=False, value=None):
    """x[key] = value (a scalar, or the second input); returns x."""
    def call(mx, a, args, kw):
        a[0][key] = a[1] if value_input else value
        return a[0]
    return call


CASES = [
    Case("NDArray.astype", samples=[((2, 3),)], args=("float32",), dtypes=ALL_DTYPES,
         inputs=[In(domain=(-4, 4))], ref=lambda x, d: x.astype(d)),
    Case("NDArray.astype", "to_int32", samples=[((2, 3),)], args=("int32",),
         inputs=[In(special=True, domain=(-300, 300))], dtypes=NUMERIC,
         ref=lambda x, d: c_cast(x, d), note="float -> int truncates; nan/inf give INT_MIN"),
    Case("NDArray.astype", "to_uint8", samples=[((2, 3),)], args=("uint8",),
         inputs=[In(domain=(-300, 300))], dtypes=("float32", "int32", "int64"),
         ref=lambda x, d: c_cast(x, d)),
    Case("NDArray.astype", "to_bool", samples=[((2, 3),)], args=("bool",),
         inputs=[In(domain=(-1, 1))], dtypes=("float32", "int32"),
         ref=lambda x, d: x.astype(bool)),
    Case("NDArray.astype", "to_float16", samples=[((2, 3),)], args=("float16",),
         inputs=[In(domain=(-70000, 70000))], dtypes=("float32", "float64", "int32"),
         ref=lambda x, d: x.astype(np.float16)),
    Case("NDArray.copy", samples=[((2, 3),), ((1,),)], dtypes=ALL_DTYPES,
         ref=lambda x: x.copy()),
    Case("NDArray.T", samples=[((2, 3),), ((2, 3, 4),), ((5,),)], call=_attr("T"),
         dtypes=NUMERIC, ref=lambda x: x.T),
    Case("NDArray.asnumpy", samples=[((2, 3),)], dtypes=ALL_DTYPES,
         ref=lambda x: x),
    Case("NDArray.asscalar", samples=[((1,),)], dtypes=ALL_DTYPES, noncontig=False),
    Case("NDArray.asscalar", "not_one", samples=[((2,),)], dtypes=("float32",), raises=True),
    Case("NDArray.shape", samples=[((2, 3),), ((1,),)], call=_attr("shape"),
         dtypes=ALL_DTYPES),
    Case("NDArray.dtype", samples=[((2,),)], call=lambda mx, a, args, kw: (
        f"{np.dtype(a[0].dtype).name} type={isinstance(a[0].dtype, type)} "
        f"eq_str={a[0].dtype == np.dtype(a[0].dtype).name}"),
         dtypes=ALL_DTYPES, note="the NumPy type class, not a np.dtype"),
    Case("NDArray.size", samples=[((2, 3),)], call=_attr("size"), dtypes=ALL_DTYPES),
    Case("NDArray.ndim", samples=[((2, 3, 1),)], call=_attr("ndim"), dtypes=ALL_DTYPES),
    Case("NDArray.context", samples=[((2,),)], dtypes=ALL_DTYPES, gpu_dtypes=CPU_ONLY,
         call=lambda mx, a, args, kw: repr(a[0].context)),
    Case("NDArray.stype", samples=[((2,),)], call=_attr("stype"), dtypes=ALL_DTYPES),
    Case("NDArray.__len__", samples=[((4, 3),)], call=lambda mx, a, args, kw: len(a[0]),
         dtypes=ALL_DTYPES),
    Case("NDArray.__bool__", samples=[((1,),)], inputs=[In(domain=(1, 2))],
         call=lambda mx, a, args, kw: bool(a[0]), dtypes=ALL_DTYPES),
    Case("NDArray.__bool__", "many", samples=[((2,),)],
         call=lambda mx, a, args, kw: bool(a[0]), dtypes=("float32",), raises=True),
    Case("NDArray.__repr__", samples=[((2, 3),), ((1,),), ((2, 1, 2),)],
         inputs=[In(domain=(-100, 100))], call=lambda mx, a, args, kw: repr(a[0]),
         dtypes=ALL_DTYPES, gpu_dtypes=CPU_ONLY, noncontig=False),
    Case("NDArray.__setitem__", "int", samples=[((4, 3),)], call=_set(1, value=7.5),
         dtypes=NUMERIC),
    Case("NDArray.__setitem__", "slice", samples=[((4, 3), (2, 3))],
         call=_set(slice(1, 3), value_input=True), dtypes=NUMERIC),
    Case("NDArray.__setitem__", "broadcast", samples=[((4, 3), (3,))],
         call=_set(slice(None), value_input=True), dtypes=NUMERIC),
    Case("NDArray.__setitem__", "inner", samples=[((4, 3),)],
         call=_set((slice(None), 1), value=-2.0), dtypes=NUMERIC),
    Case("NDArray.__setitem__", "advanced", samples=[((4, 3),)],
         call=_set(([0, 2], [1, 2]), value=5.0), dtypes=("float32", "int32")),
    Case("NDArray.__setitem__", "all", samples=[((4, 3),)], call=_set(slice(None), value=3),
         dtypes=NUMERIC),
    Case("NDArray.copyto", samples=[((2, 3), (2, 3))],
         call=lambda mx, a, args, kw: a[0].copyto(a[1]), dtypes=ALL_DTYPES),
    Case("NDArray.copyto", "shape_mismatch", samples=[((2, 3), (3, 2))],
         call=lambda mx, a, args, kw: a[0].copyto(a[1]), dtypes=("float32",), raises=True),
    Case("NDArray.as_in_context", samples=[((2, 3),)],
         call=lambda mx, a, args, kw: a[0].as_in_context(mx.cpu()), dtypes=ALL_DTYPES,
         gpu_dtypes=CPU_ONLY),
]
