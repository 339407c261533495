"""Module attributes MXNet's mx.nd submodules expose because they import them (the context
helper, and mx.nd.sparse's ctypes/builtin helpers). Variant names start with `ma_`."""
from compat_matrix.spec import Case

F32 = ("float32",)


def _ctx(ns):
    return lambda mx, a, args, kw: str(getattr(mx.nd, ns).current_context())


def _ctx_scoped(ns):
    def call(mx, a, args, kw):
        with mx.Context("cpu", 1):
            return str(getattr(mx.nd, ns).current_context())
    return call


def _c_array(mx, a, args, kw):
    import array
    import ctypes
    return list(mx.nd.sparse.c_array_buf(ctypes.c_float, array.array("f", [1.5, 2.0, -3.0])))


CASES = [
    Case("random.current_context", "ma_default", samples=[()], dtypes=F32, call=_ctx("random")),
    Case("random.current_context", "ma_scoped", samples=[()], dtypes=F32,
         call=_ctx_scoped("random")),
    Case("sparse.current_context", "ma_default", samples=[()], dtypes=F32, call=_ctx("sparse")),
    Case("sparse.current_context", "ma_scoped", samples=[()], dtypes=F32,
         call=_ctx_scoped("sparse")),
    Case("sparse.py_sum", "ma_list", samples=[()], dtypes=F32,
         call=lambda mx, a, args, kw: mx.nd.sparse.py_sum([1, 2, 3.5])),
    Case("sparse.py_sum", "ma_start", samples=[()], dtypes=F32,
         call=lambda mx, a, args, kw: mx.nd.sparse.py_sum([1, 2], 10)),
    Case("sparse.check_call", "ma_ok", samples=[()], dtypes=F32,
         call=lambda mx, a, args, kw: str(mx.nd.sparse.check_call(0))),
    Case("sparse.check_call", "ma_fail", samples=[()], dtypes=F32, raises=True,
         call=lambda mx, a, args, kw: mx.nd.sparse.check_call(-1)),
    Case("sparse.c_array_buf", "ma_float", samples=[()], dtypes=F32, call=_c_array),
]
