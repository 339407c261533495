"""Core behaviour cases, run under real MXNet 1.9.1 (tools/oracle/record_core.py records the
results into tests/golden/core.json) and under mxcompat (tests/test_core_golden.py compares).

Each case is (id, code). The code runs with ``mx`` and ``np`` in scope and leaves its answer
in ``result``: an NDArray (dtype, shape, values and printed form are compared), or a plain
value (compared with ==), or a tuple/list of those. A case where MXNet raises records the
exception; mxcompat must then raise MXNetError (which is also the same Python error class).
Cases that crash real MXNet (SIGFPE) do not belong here.
"""

CASES = []


def case(cid, code):
    CASES.append((cid, code))


# ---- creation ----------------------------------------------------------------------------
for src in ["[1, 2, 3]", "[[1, 2], [3, 4]]", "[True, False]", "np.arange(6, dtype=np.int64)",
            "np.array([1.5, 2.5])", "np.array([1, 2], dtype=np.uint8)", "range(4)",
            "(1.5, 2.5)", "[16777217]", "np.zeros((2, 0))", "[]", "[[]]"]:
    case(f"array:{src}", f"result = mx.nd.array({src})")
for dt in ["'int32'", "'int64'", "'uint8'", "'int8'", "'float16'", "'float64'", "'bool'",
           "np.int32", "np.float64", "int", "float", "bool", "'f4'", "'i4'", "'half'",
           "'double'", "None", "'int16'", "'uint16'"]:
    case(f"array:dtype={dt}", f"result = mx.nd.array([1.7, 2.2, -1.7, 0, 300, -1], dtype={dt})")
case("array:copy-of-ndarray", "a = mx.nd.array([1, 2], dtype='int32'); b = mx.nd.array(a); "
     "b[0] = 5; result = (a, b)")
case("array:ragged", "result = mx.nd.array([[1, 2], [3]])")
case("array:string", "result = mx.nd.array('abc')")
case("array:scalar", "result = mx.nd.array(5).shape")
for shape in ["(2, 3)", "3", "[2, 2]", "(np.int64(2), 3)"]:
    case(f"zeros:{shape}", f"result = mx.nd.zeros({shape})")
    case(f"ones:{shape}", f"result = mx.nd.ones({shape}, dtype='int32')")
case("zeros:ctx-positional", "result = mx.nd.zeros((2,), mx.cpu(1))")
case("zeros:dtype-positional", "result = mx.nd.zeros((2,), None, 'int32')")
case("zeros:float-shape", "result = mx.nd.zeros((2.0, 3))")
case("zeros:bad-dtype", "result = mx.nd.zeros((2,), dtype='int16')")
case("full:int", "result = mx.nd.full((2,), 7.5, dtype='int32')")
case("full:neg", "result = mx.nd.full((2,), -7.5, dtype='int32')")
case("full:scalar-shape", "result = mx.nd.full(3, 1)")
case("full:out", "o = mx.nd.zeros((2, 2)); r = mx.nd.full((2, 2), 3, out=o); "
     "result = (r, r is o)")
case("empty:shape", "e = mx.nd.empty((2, 3), dtype='int64'); result = (e.shape, e.dtype)")
for args in ["5", "0, 5", "0, 5, 2", "0, 1, 0.3", "2, 11, 3", "0, 5, repeat=2",
             "0, 5, 2, repeat=3", "5, 0, -1", "0, 3, 0.5, dtype='int32'",
             "0, 2.5, dtype='int32'", "start=2", "1.5, 4", "0, 6, dtype='int64'", "5, 0",
             "-3, 3, 1.5", "0, 10, 3, dtype='float64'"]:
    case(f"arange:{args}", f"result = mx.nd.arange({args})")
for args in ["0, 1, 5", "0, 1, 5, endpoint=False", "0, 10, 4, dtype='int32'", "2, 3, 1",
             "-1, 1, 7", "0, 1, 0", "0, 1, 3, dtype='float64'"]:
    case(f"linspace:{args}", f"result = mx.nd.linspace({args})")
for args in ["3", "2, 3", "2, 3, 1", "3, k=-1", "3, dtype='int32'", "4, 2, -1"]:
    case(f"eye:{args}", f"result = mx.nd.eye({args})")
case("zeros_like", "x = mx.nd.array([1, 2], dtype='int32'); result = mx.nd.zeros_like(x)")
case("ones_like:dtype-ignored", "x = mx.nd.array([1, 2], dtype='int32'); "
     "result = mx.nd.ones_like(x, dtype='float32')")
case("ones_like:method", "result = mx.nd.array([[1, 2]], dtype='uint8').ones_like()")

# ---- attributes and conversion -----------------------------------------------------------
case("attrs", "a = mx.nd.array([[1, 2, 3], [4, 5, 6]]); "
     "result = (a.shape, a.size, a.ndim, str(a.dtype), str(a.context), str(a.ctx), a.stype)")
case("dtype:identity", "a = mx.nd.zeros((1,), dtype='int32'); "
     "result = (a.dtype is np.int32, a.dtype == np.dtype('int32'), a.dtype == 'int32')")
case("asnumpy", "a = mx.nd.array([[1, 2]], dtype='int64').asnumpy(); "
     "result = (str(a.dtype), a.tolist(), a.flags['C_CONTIGUOUS'], type(a).__name__)")
case("asscalar:1", "v = mx.nd.array([3.5]).asscalar(); result = (type(v).__name__, float(v))")
case("asscalar:int", "v = mx.nd.array([3], dtype='int32').asscalar(); "
     "result = (type(v).__name__, int(v))")
case("asscalar:11", "v = mx.nd.array([[3.5]]).asscalar(); result = (type(v).__name__, "
     "getattr(v, 'shape', None))")
case("asscalar:not-scalar", "result = mx.nd.array([1, 2]).asscalar()")
for dt in ["'int32'", "'float64'", "'uint8'", "'bool'", "int", "float", "'float16'", "'int8'"]:
    case(f"astype:{dt}", f"result = mx.nd.array([-1.7, 1.7, 2.5, 256, 300.7]).astype({dt})")
case("astype:nan-int", "result = mx.nd.array([np.nan, np.inf, -np.inf, 3e9]).astype('int32')")
case("astype:copy-false", "a = mx.nd.ones((2,)); result = (a.astype('float32', copy=False) is a,"
     " a.astype('float32') is a, a.astype('int32', copy=False) is a)")
case("astype:bad", "result = mx.nd.ones((2,)).astype('int16')")
case("copy", "a = mx.nd.ones((2,)); b = a.copy(); b[0] = 5; result = (a, b, a is b)")
case("copyto:ndarray", "a = mx.nd.array([1.5, 2.5]); o = mx.nd.zeros((2,), dtype='int32'); "
     "r = a.copyto(o); result = (r is o, o)")
case("copyto:ctx", "a = mx.nd.array([1, 2]); r = a.copyto(mx.cpu(1)); "
     "result = (str(r.context), r, r is a)")
case("copyto:shape", "a = mx.nd.ones((2, 2)); result = a.copyto(mx.nd.zeros((4,)))")
case("copyto:type", "result = mx.nd.ones((2,)).copyto('cpu')")
case("as_in_context:same", "a = mx.nd.ones((2,)); result = (a.as_in_context(mx.cpu()) is a, "
     "a.as_in_context(mx.cpu(0)) is a, a.as_in_context(mx.cpu(2)) is a)")
case("bool:empty", "result = bool(mx.nd.array([]))")
case("bool:one", "result = (bool(mx.nd.array([0])), bool(mx.nd.array([2])))")
case("bool:many", "result = bool(mx.nd.array([1, 2]))")
case("len", "result = (len(mx.nd.zeros((3, 2))), len(mx.nd.zeros((1,))))")
case("iter", "x = mx.nd.array([[1, 2], [3, 4]]); rows = [r for r in x]; rows[0][:] = 0; "
     "result = (len(rows), rows[1], x)")
case("builtin-sum", "result = sum(mx.nd.array([1, 2, 3]))")
case("T:2d", "a = mx.nd.array([[1, 2, 3], [4, 5, 6]]); result = a.T")
case("T:1d", "a = mx.nd.array([1, 2]); result = a.T is a")
case("wait_to_read", "result = mx.nd.ones((2,)).wait_to_read()")
case("waitall", "result = mx.nd.waitall()")

# ---- printing ----------------------------------------------------------------------------
for src in ["mx.nd.array([[1, 2], [3, 4]])", "mx.nd.array([1, 2, 3], dtype='int32')",
            "mx.nd.array([1, -2], dtype='int64')", "mx.nd.array([1, 255], dtype='uint8')",
            "mx.nd.array([1, -128], dtype='int8')", "mx.nd.array([1, 0, 1], dtype='bool')",
            "mx.nd.array([1.5, 2.25], dtype='float16')",
            "mx.nd.array([1.5, 2.25], dtype='float64')", "mx.nd.array([1e-05, 1e+05])",
            "mx.nd.array([0.1, 1 / 3])", "mx.nd.array([np.nan, np.inf, -np.inf])",
            "mx.nd.array([-0.0, 1])", "mx.nd.arange(8).reshape((2, 2, 2))",
            "mx.nd.arange(1000)", "mx.nd.arange(1001)", "mx.nd.arange(2000)",
            "mx.nd.arange(24).reshape((2, 3, 4)) / 7", "mx.nd.array([])",
            "mx.nd.array(np.zeros((1, 0)))", "mx.nd.array(5)", "mx.nd.ones((2,), mx.cpu(1))",
            "mx.nd.ones((2,), mx.cpu_pinned())", "mx.nd.ones((40, 40))",
            "mx.nd.array([123456789.0, 1])", "mx.nd.array([1e16, 1])"]:
    case(f"repr:{src}", f"result = repr({src})")
case("repr:list", "result = repr([mx.nd.ones((1,))])")
case("str", "result = str(mx.nd.array([[1, 2]]))")

# ---- contexts ----------------------------------------------------------------------------
case("ctx:str", "result = (str(mx.cpu()), repr(mx.gpu(1)), str(mx.cpu_pinned(1)), "
     "str(mx.Context('cpu', 3)), str(mx.Context(mx.gpu(2))))")
case("ctx:eq", "result = (mx.cpu() == mx.cpu(0), mx.cpu() == mx.cpu(1), mx.cpu() == mx.gpu(0), "
     "mx.cpu() == 'cpu(0)', mx.cpu() is mx.cpu(), hash(mx.cpu()) == hash(mx.cpu(0)))")
case("ctx:attrs", "c = mx.gpu(3); result = (c.device_type, c.device_id, c.device_typeid, "
     "mx.cpu_pinned().device_typeid)")
case("ctx:bad", "result = mx.Context('tpu')")
case("ctx:current", "result = str(mx.current_context())")
case("ctx:with", "c0 = str(mx.current_context())\nwith mx.cpu(2):\n    inner = "
     "(str(mx.current_context()), str(mx.nd.zeros((1,)).context))\n"
     "result = (c0, inner, str(mx.current_context()))")
case("ctx:num_gpus", "result = mx.context.num_gpus()")
case("ctx:mixed-ids", "result = str((mx.nd.ones((1,), mx.cpu(1)) + mx.nd.ones((1,))).context)")

# ---- arithmetic --------------------------------------------------------------------------
_ops = ["+", "-", "*", "/", "%", "**", "==", "!=", "<", "<=", ">", ">="]
_arrs = {"f32": "mx.nd.array([1.5, -2.5, 3, 0.5])",
         "i32": "mx.nd.array([7, -7, 3, 2], dtype='int32')",
         "u8": "mx.nd.array([7, 250, 3, 2], dtype='uint8')",
         "f16": "mx.nd.array([1, 2.5, -3, 0.1], dtype='float16')",
         "f64": "mx.nd.array([1.5, -2.5, 3, 0.5], dtype='float64')",
         "i64": "mx.nd.array([7, -7, 3, 2], dtype='int64')"}
for name, src in _arrs.items():
    for op in _ops:
        for s in ["2", "2.5", "-3", "0.5", "True"]:
            if op in ("/",) and name in ("i32", "u8", "i64") and s == "0.5":
                continue  # SIGFPE in MXNet
            case(f"scalar:{name}{op}{s}", f"result = {src} {op} {s}")
        if name in ("f32", "i32", "u8"):
            case(f"rscalar:{s}{op}{name}", f"result = 3 {op} {src}") if op not in ("/", "%") \
                or name == "f32" else None
    case(f"nd:{name}", f"a = {src}; b = {src.replace('[', '[[').replace(']', ']]')} * 0 + 2; "
         f"result = (a + b, a - b, a * b, a / b, a % b, a ** b, a == b, a < b)")
case("rscalar:int-rdiv", "result = 7 / mx.nd.array([2, -2], dtype='int32')")
case("rscalar:int-rmod", "result = 5 % mx.nd.array([3, -3], dtype='int32')")
case("scalar:mod-zero", "result = (mx.nd.array([1.5, -2], dtype='float32') % 0, "
     "mx.nd.array([3, -3], dtype='int32') % 0)")
case("scalar:float-div-zero", "result = mx.nd.array([1.5, -2.5, 0]) / 0")
case("scalar:int-neg-pow", "result = (mx.nd.array([1, 2, -1], dtype='int32') ** -1, "
     "2 ** mx.nd.array([7, -7, 3], dtype='int32'))")
case("scalar:wrap", "result = (mx.nd.array([7, 250], dtype='uint8') + 300, "
     "mx.nd.array([7], dtype='uint8') * -1, mx.nd.array([1], dtype='int32') + 2 ** 31)")
case("scalar:nan-to-int", "result = mx.nd.array([1, 2], dtype='int32') * float('nan')")
case("scalar:np-types", "a = mx.nd.array([1, 2]); result = (a + np.float64(2), "
     "np.float64(2) + a, a * np.int32(3))")
case("scalar:bool-array", "b = mx.nd.array([1, 0, 1], dtype='bool'); result = (b + 1, b * 2.5, "
     "b == 1, -b)")
case("nd:bool+bool", "b = mx.nd.array([1, 0], dtype='bool'); result = b + b")
case("nd:mixed-dtype", "result = mx.nd.ones((2,)) + mx.nd.ones((2,), dtype='int32')")
case("nd:mixed-f16", "result = mx.nd.ones((2,)) * mx.nd.ones((2,), dtype='float16')")
case("nd:broadcast", "a = mx.nd.arange(6).reshape((2, 3)); result = (a + mx.nd.array([1, 2, 3]),"
     " a * mx.nd.array([[2], [3]]), a - mx.nd.ones((1, 3)))")
case("nd:broadcast-bad", "result = mx.nd.ones((2, 3)) + mx.nd.ones((3, 2))")
case("nd:int-div", "result = mx.nd.array([7, -7], dtype='int32') / "
     "mx.nd.array([-2, -2], dtype='int32')")
case("operand:numpy", "result = mx.nd.ones((2,)) + np.ones(2)")
case("operand:numpy-left", "result = np.ones(2) + mx.nd.ones((2,))")
case("operand:list", "result = mx.nd.ones((2,)) + [1, 2]")
case("operand:none-eq", "result = mx.nd.ones((2,)) == None")
case("neg", "result = (-mx.nd.array([1, -2]), -mx.nd.array([7, 250, 3], dtype='uint8'))")
case("inplace:same-object", "y = mx.nd.ones((2,)); z = y; y += 2.7; y -= 1; y *= 3; y /= 2; "
     "result = (y is z, y)")
case("inplace:int", "y = mx.nd.array([1, 2], dtype='int32'); y += 2.7; result = y")
case("inplace:broadcast", "y = mx.nd.zeros((2, 3)); y += mx.nd.array([1, 2, 3]); result = y")
case("inplace:grow", "y = mx.nd.zeros((1, 3)); y += mx.nd.ones((2, 3)); result = y")
case("inplace:view", "y = mx.nd.zeros((2, 2)); v = y[1]; v += 1; result = y")
case("inplace:pow-rebinds", "y = mx.nd.ones((2,)) * 3; z = y; y **= 2; result = (z, y, y is z)")
case("inplace:dtype", "y = mx.nd.zeros((2,)); y += mx.nd.ones((2,), dtype='int32'); result = y")
case("fn:add-scalars", "result = (mx.nd.add(2, 3), mx.nd.maximum(2, 3), mx.nd.equal(2, 2))")
case("fn:maximum", "result = (mx.nd.maximum(mx.nd.array([1, 5], dtype='int32'), 2.9), "
     "mx.nd.minimum(3, mx.nd.array([1, 5])))")
case("fn:nan", "result = mx.nd.maximum(mx.nd.array([1, np.nan]), mx.nd.array([np.nan, 0]))")
case("fn:logical", "a = mx.nd.array([0, 1, 2]); b = mx.nd.array([1, 0, 3]); "
     "result = (mx.nd.logical_and(a, b), mx.nd.logical_or(a, 0), mx.nd.logical_xor(a, b))")
case("fn:broadcast_add", "result = mx.nd.broadcast_add(mx.nd.ones((2, 1)), mx.nd.ones((1, 3)))")
case("fn:elemwise_add-shape", "result = mx.nd.elemwise_add(mx.nd.ones((2, 3)), "
     "mx.nd.ones((2, 1)))")
case("fn:elemwise_mul", "result = mx.nd.elemwise_mul(mx.nd.array([1, 2]), mx.nd.array([3, 4]))")
case("fn:unary-out", "x = mx.nd.array([0.0, 1.0]); r = mx.nd.exp(x, x); result = (r is x, x)")
case("fn:unary-int", "result = (mx.nd.sqrt(mx.nd.array([4, 5], dtype='int32')), "
     "mx.nd.exp(mx.nd.array([1, 2], dtype='int32')))")
case("fn:unknown-kwarg", "result = mx.nd.sum(mx.nd.ones((2,)), foo=1)")
case("fn:string-params", "result = mx.nd.sum(mx.nd.ones((2, 3)), axis='1', keepdims='True')")

# ---- dot / batch_dot ---------------------------------------------------------------------
case("dot:2d", "a = mx.nd.arange(6).reshape((2, 3)); result = mx.nd.dot(a, a.T)")
case("dot:1d", "a = mx.nd.array([1, 2, 3]); result = mx.nd.dot(a, a)")
case("dot:2d1d", "result = mx.nd.dot(mx.nd.arange(6).reshape((2, 3)), mx.nd.array([1, 2, 3]))")
case("dot:1d2d", "result = mx.nd.dot(mx.nd.array([1, 2]), mx.nd.arange(6).reshape((2, 3)))")
case("dot:nd", "result = mx.nd.dot(mx.nd.arange(24).reshape((2, 3, 4)), "
     "mx.nd.arange(60).reshape((4, 5, 3)))")
case("dot:ta", "a = mx.nd.arange(6).reshape((3, 2)); result = mx.nd.dot(a, a, transpose_a=True)")
case("dot:tb", "a = mx.nd.arange(6).reshape((2, 3)); result = mx.nd.dot(a, a, transpose_b=True)")
case("dot:ta-nd", "result = mx.nd.dot(mx.nd.arange(24).reshape((4, 3, 2)), "
     "mx.nd.arange(8).reshape((4, 2)), transpose_a=True)")
case("dot:tb-nd", "result = mx.nd.dot(mx.nd.arange(6).reshape((2, 3)), "
     "mx.nd.arange(24).reshape((4, 2, 3)), transpose_b=True)")
case("dot:int", "a = mx.nd.ones((2, 2), dtype='int32'); result = mx.nd.dot(a, a)")
case("dot:f64", "a = mx.nd.arange(4, dtype='float64').reshape((2, 2)); result = mx.nd.dot(a, a)")
case("dot:mismatch", "result = mx.nd.dot(mx.nd.ones((2, 3)), mx.nd.ones((2, 3)))")
case("batch_dot", "a = mx.nd.arange(12).reshape((2, 2, 3)); "
     "result = (mx.nd.batch_dot(a, a, transpose_b=True), mx.nd.batch_dot(a, a, transpose_a=True))")
case("batch_dot:4d", "a = mx.nd.arange(24).reshape((2, 2, 2, 3)); "
     "result = mx.nd.batch_dot(a, a, transpose_b=True)")
case("batch_dot:2d", "result = mx.nd.batch_dot(mx.nd.ones((2, 2)), mx.nd.ones((2, 2)))")

# ---- reshape -----------------------------------------------------------------------------
for shp in ["(0, -1)", "(4, 0, 2)", "(-2,)", "(2, -2)", "(-3, 4)", "(0, -3)", "(-3, -2)",
            "(-4, 1, 2, -2)", "(-4, -1, 2, -2)", "(2, -4, -1, 3, -2)", "(-1,)", "(6, -1)",
            "(-5,)", "(-1, -1)", "(5, 5)", "(2, 2)", "(24,)", "(3, 8)"]:
    case(f"reshape:{shp}", f"result = mx.nd.arange(24).reshape((2, 3, 4)).reshape({shp}).shape")
case("reshape:reverse", "x = mx.nd.arange(24).reshape((2, 3, 4)); "
     "result = (x.reshape((-1, 0)).shape, x.reshape((-1, 0), reverse=True).shape, "
     "mx.nd.zeros((10, 5, 4)).reshape((-1, 0), reverse=True).shape)")
case("reshape:forms", "x = mx.nd.arange(24); result = (x.reshape(2, 12).shape, "
     "x.reshape([2, 12]).shape, x.reshape(shape=(2, 12)).shape, x.reshape(-1, 4).shape)")
case("reshape:bad-kw", "result = mx.nd.arange(24).reshape((2, 12), foo=1)")
case("reshape:view", "x = mx.nd.zeros((2, 3)); v = x.reshape((6,)); v[0] = 5; result = x")
case("reshape:op-copy", "x = mx.nd.zeros((2, 3)); v = mx.nd.reshape(x, shape=(6,)); v[0] = 5; "
     "result = (x, v)")
case("reshape:op-positional", "result = mx.nd.reshape(mx.nd.arange(6), (3, 2))")
case("reshape:op-reverse", "result = mx.nd.reshape(mx.nd.zeros((2, 3, 4)), shape=(-1, 0), "
     "reverse=True).shape")
case("reshape:grow", "result = mx.nd.arange(6).reshape((7,))")

# ---- indexing ----------------------------------------------------------------------------
_x = "x = mx.nd.arange(24).reshape((2, 3, 4)); "
_v = "v = mx.nd.arange(4); "
for key in ["0", "1", "-1", "(0, 1)", "(0, 1, 2)", "(-1, -1, -1)", "slice(1, 2)",
            "(1, slice(1, 3))", "(slice(None), 1)", "(slice(None), slice(None), 1)",
            "slice(None, None, 2)", "slice(None, None, -1)", "(slice(None), slice(None, None, -1))",
            "(0, Ellipsis, None)", "None", "Ellipsis", "(Ellipsis, 1)", "([0, 1], [0, 2])",
            "([0, 1], slice(None), [0, 2])", "(slice(None), [0, 1], [0, 2])", "[[0, 1]]",
            "(1, [0, 2])", "np.array([1, 0])", "mx.nd.array([1, 0])", "5", "-3",
            "(0, 1, 2, 3)", "1.0", "'a'", "slice(1, 1)", "(slice(None), slice(1, 1))"]:
    case(f"getitem:x[{key}]", f"{_x}result = x[{key}]")
for key in ["0", "-1", "slice(5, 10)", "slice(-10, 2)", "slice(3, 1)", "slice(None, None, -2)",
            "np.array([True, False, True, False])", "mx.nd.array([0.7, 2.2])",
            "mx.nd.array([[0, 1], [2, 3]])", "mx.nd.array([1, 0], dtype='bool')", "None",
            "range(1, 3)", "[True, False, True]", "4", "slice(None, None, 0)",
            "slice(-1, -3)", "slice(-3, -1)", "slice(3, -3)", "slice(-1, 2)", "slice(6, 9)",
            "slice(9, 6)", "slice(2, 2)", "slice(0, -5)", "slice(-5, 0)"]:
    case(f"getitem:v[{key}]", f"{_v}result = v[{key}]")
case("getitem:same-object", f"{_x}result = (x[:] is x, x[()] is x, x[...] is x)")
case("getitem:v-of-v", f"{_v}result = v[0][0][0]")
for key in ["1", "slice(1, 2)", "(1, 1)", "(1, slice(1, 3))", "(slice(None), 1)",
            "slice(None, None, 2)", "slice(None, None, -1)", "(0, slice(None), 1)",
            "(Ellipsis, 1)", "(slice(0, 1), slice(0, 1))", "[0]"]:
    case(f"view:x[{key}]", f"{_x}r = x[{key}]; r[:] = -1; result = x")
case("view:size1", "x = mx.nd.zeros((1, 3)); r = x[:, 0:2]; r[:] = 5; result = x")
case("view:size1b", "x = mx.nd.zeros((3, 1)); r = x[:, 0]; r[:] = 5; result = x")
for key, val in [("0", "5"), ("(0, 1)", "7.9"), ("1", "-2.5"), ("slice(None)", "(1, 2, 3, 4)"),
                 ("(slice(None), 1)", "9"), ("(1, slice(None), slice(None, None, 2))", "4"),
                 ("(slice(None, None, -1), 0)", "mx.nd.array([[1, 2, 3]])"),
                 ("[0, 1]", "1"), ("mx.nd.array([1])", "mx.nd.arange(12).reshape((3, 4))"),
                 ("None", "1"), ("Ellipsis", "2"), ("0", "np.ones((3, 4))"),
                 ("0", "mx.nd.ones((3, 4), dtype='int32')"), ("0", "mx.nd.ones((2, 4))"),
                 ("0", "'a'"), ("(0, 0)", "[1, 2, 3, 4]"), ("(slice(None), 0, 0)", "[5, 6]")]:
    case(f"setitem:x[{key}]={val}", f"x = mx.nd.arange(24).reshape((2, 3, 4)).astype('int32'); "
         f"x[{key}] = {val}; result = x")
case("setitem:float-target", "x = mx.nd.zeros((2, 2)); x[0] = mx.nd.array([1, 2], "
     "dtype='int32'); x[1] = np.array([3.5, 4.5]); result = x")
case("setitem:self", "x = mx.nd.arange(4); x[:] = x; result = x")
case("setitem:oob", "x = mx.nd.zeros((2,)); x[5] = 1")
