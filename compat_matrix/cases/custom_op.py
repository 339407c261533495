"""mx.nd.Custom: Python custom operators (mx.operator.CustomOp / CustomOpProp). Variant names
start with `cu_`.

Each call defines its op classes against the `mx` it is given (mxnet in the recorder,
mxcompat in the matrix) and registers them once per module under a `cu_` name.
"""
import numpy as np

from compat_matrix.spec import FLOATS, NUMERIC, Case, In

FG = ("float32", "float64")

#: mx module name -> registered
_DONE = {}


def _register(mx):
    if _DONE.get(mx.__name__):
        return
    _DONE[mx.__name__] = True

    # elementwise x*x + 1 (any dtype)
    class Square(mx.operator.CustomOp):
        def forward(self, is_train, req, in_data, out_data, aux):
            x = in_data[0]
            self.assign(out_data[0], req[0], x * x + 1)

        def backward(self, req, out_grad, in_data, out_data, in_grad, aux):
            self.assign(in_grad[0], req[0], 2 * in_data[0] * out_grad[0])

    @mx.operator.register("cu_square")
    class SquareProp(mx.operator.CustomOpProp):
        def create_operator(self, ctx, shapes, dtypes):
            return Square()

    # MXNet's tutorial softmax with loss (need_top_grad=False; backward ignores out_grad)
    class Softmax(mx.operator.CustomOp):
        def forward(self, is_train, req, in_data, out_data, aux):
            x = in_data[0].asnumpy().astype(np.float64)
            y = np.exp(x - x.max(axis=1).reshape((x.shape[0], 1)))
            y /= y.sum(axis=1).reshape((x.shape[0], 1))
            self.assign(out_data[0], req[0], mx.nd.array(y, dtype=in_data[0].dtype))

        def backward(self, req, out_grad, in_data, out_data, in_grad, aux):
            lab = in_data[1].asnumpy().ravel().astype(np.int64)
            y = out_data[0].asnumpy()
            y[np.arange(lab.shape[0]), lab] -= 1.0
            self.assign(in_grad[0], req[0], mx.nd.array(y, dtype=in_data[0].dtype))

    @mx.operator.register("cu_softmax_loss")
    class SoftmaxProp(mx.operator.CustomOpProp):
        def __init__(self):
            super().__init__(need_top_grad=False)

        def list_arguments(self):
            return ["data", "label"]

        def infer_shape(self, in_shape):
            return [in_shape[0], (in_shape[0][0],)], [in_shape[0]], []

        def create_operator(self, ctx, shapes, dtypes):
            return Softmax()

    # two outputs
    class SumProd(mx.operator.CustomOp):
        def forward(self, is_train, req, in_data, out_data, aux):
            self.assign(out_data[0], req[0], in_data[0] + in_data[1])
            self.assign(out_data[1], req[1], in_data[0] * in_data[1])

        def backward(self, req, out_grad, in_data, out_data, in_grad, aux):
            a, b = in_data
            self.assign(in_grad[0], req[0], out_grad[0] + out_grad[1] * b)
            self.assign(in_grad[1], req[1], out_grad[0] + out_grad[1] * a)

    @mx.operator.register("cu_sumprod")
    class SumProdProp(mx.operator.CustomOpProp):
        def list_arguments(self):
            return ["a", "b"]

        def list_outputs(self):
            return ["sum", "prod"]

        def infer_shape(self, in_shape):
            return in_shape, [in_shape[0], in_shape[0]], []

        def create_operator(self, ctx, shapes, dtypes):
            return SumProd()

    # an aux state (running column mean) updated in place by forward; kwargs as strings
    class RunMean(mx.operator.CustomOp):
        def __init__(self, momentum):
            super().__init__()
            self.momentum = momentum

        def forward(self, is_train, req, in_data, out_data, aux):
            x = in_data[0]
            aux[0][:] = self.momentum * aux[0] + (1 - self.momentum) * x.mean(axis=0)
            self.assign(out_data[0], req[0], x - aux[0].reshape((1, -1)))

        def backward(self, req, out_grad, in_data, out_data, in_grad, aux):
            self.assign(in_grad[0], req[0], out_grad[0])

    @mx.operator.register("cu_runmean")
    class RunMeanProp(mx.operator.CustomOpProp):
        def __init__(self, momentum="0.9"):
            super().__init__()
            self.momentum = float(momentum)

        def list_auxiliary_states(self):
            return ["mean"]

        def infer_shape(self, in_shape):
            return in_shape, [in_shape[0]], [[in_shape[0][1]]]

        def create_operator(self, ctx, shapes, dtypes):
            return RunMean(self.momentum)

    # shape and dtype from infer_shape / infer_type: row sums as float64
    class RowSum(mx.operator.CustomOp):
        def forward(self, is_train, req, in_data, out_data, aux):
            self.assign(out_data[0], req[0], in_data[0].astype("float64").sum(axis=1))

        def backward(self, req, out_grad, in_data, out_data, in_grad, aux):
            g = out_grad[0].astype(in_data[0].dtype).reshape((-1, 1))
            self.assign(in_grad[0], req[0], mx.nd.broadcast_to(g, in_data[0].shape))

    @mx.operator.register("cu_rowsum")
    class RowSumProp(mx.operator.CustomOpProp):
        def infer_shape(self, in_shape):
            return in_shape, [[in_shape[0][0]]]

        def infer_type(self, in_type):
            return in_type, [np.float64], []

        def create_operator(self, ctx, shapes, dtypes):
            return RowSum()


def _custom(op_type, **extra):
    def call(mx, a, args, kw):
        _register(mx)
        return mx.nd.Custom(*a, op_type=op_type, **extra)
    return call


def _aux_call(mx, a, args, kw):
    _register(mx)
    mean = a[1].copy()  # the aux state is updated in place: keep the matrix's input intact
    out = mx.nd.Custom(a[0], mean, op_type="cu_runmean", momentum=0.75)
    return [out, mean]


def _labels(rng, shape, dt):
    return rng.integers(0, 3, shape).astype(dt)


def _softmax_ref(x, lab):
    e = np.exp(x - x.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


CASES = [
    Case("Custom", "cu_square", samples=[((2, 3),), ((4,),), ((2, 1, 3),)], dtypes=FLOATS,
         grad=True, call=_custom("cu_square"), ref=lambda x: x * x + 1),
    Case("Custom", "cu_square_ints", samples=[((2, 3),)], dtypes=NUMERIC,
         inputs=[In(domain=(-5, 5))], call=_custom("cu_square"),
         ref=lambda x: x * x + 1),
    Case("Custom", "cu_softmax_loss", samples=[((3, 3), (3,)), ((2, 3), (2,))], dtypes=FG,
         inputs=[In(), In(gen=_labels, grad=False)], grad=True, fd=False,
         call=_custom("cu_softmax_loss"), ref=_softmax_ref,
         note="need_top_grad=False: backward is softmax - onehot(label), whatever the head "
              "gradient"),
    Case("Custom", "cu_sumprod", samples=[((2, 3), (2, 3)), ((5,), (5,))], dtypes=FLOATS,
         grad=True, call=_custom("cu_sumprod"), ref=lambda a, b: [a + b, a * b]),
    Case("Custom", "cu_aux_state", samples=[((3, 2), (2,))], dtypes=FG,
         call=_aux_call),
    Case("Custom", "cu_rowsum_f64", samples=[((2, 3),), ((4, 1),)], dtypes=FLOATS,
         grad=True, call=_custom("cu_rowsum"),
         ref=lambda x: x.astype(np.float64).sum(axis=1)),
    Case("Custom", "cu_unknown_op_type", samples=[((2,),)], raises=True,
         call=_custom("cu_no_such_op")),
    Case("Custom", "cu_wrong_num_inputs", samples=[((2,), (2,))], raises=True,
         call=_custom("cu_square")),
    Case("Custom", "cu_label_shape", samples=[((2, 3), (3,))], raises=True,
         inputs=[In(), In(gen=_labels)], call=_custom("cu_softmax_loss")),
]
