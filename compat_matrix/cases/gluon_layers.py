"""Gluon layers (``gluon.nn`` / ``gluon.contrib.nn``) as matrix rows (op ``gluon.nn.<Layer>``).

Each case builds the layer with explicit input sizes (no deferred initialization), casts it
to the cell's dtype, and runs it on the cell's arrays: the first is the layer's input, the
others are its parameters in sorted structural-name order (``bias`` before ``weight``; they
replace the initialized data, so gradient cells differentiate the weights too). Running
statistics (BatchNorm) are copied, so the inputs stay unmodified. Forward cells run in
predict mode, gradient cells in training mode (``autograd.record()``), as a training step
does.

Max pooling has forward cells only: MXNet 1.9.1's CPU backward scatters a non-uniform head
gradient to shifted positions (tests/test_gluon_golden.py checks mxcompat's against finite
differences). SELU's gradient cells are absent for the same reason (MXNet's backward
computes ``lambda * (y + alpha)`` below 0).
"""
import numpy as np

from compat_matrix.spec import Case, In

FG = ("float32", "float64")


def _layer(name, ctor_kwargs, contrib=False, n_params=None):
    """A call running ``gluon.nn.<name>(**ctor_kwargs)`` on the cell's arrays."""
    def call(mx, arrays, args, kwargs):
        mod = mx.gluon.contrib.nn if contrib else mx.gluon.nn
        with mx.name.NameManager():
            net = getattr(mod, name)(**ctor_kwargs)
        x = arrays[0]
        net.initialize(mx.init.Zero(), ctx=x.context)
        net.cast(x.dtype)
        params = sorted(net._collect_params_with_prefix().items())
        for (_, p), arr in zip(params, arrays[1:]):
            if p.grad_req == "null":
                arr = arr.copy()  # running statistics: updated in place by a training step
            p._data = [arr]
        return net(x)
    return call


def _case(layer, variant, kwargs, shapes, dtypes=FG, grad=True, contrib=False, inputs=None,
          note="", tol=None, fd=True):
    op = f"gluon.{'contrib.' if contrib else ''}nn.{layer}"
    return Case(op, variant, samples=[shapes], call=_layer(layer, kwargs, contrib),
                dtypes=dtypes, grad=grad, inputs=inputs or [], note=note, tol=tol or {},
                fd=fd)


_POS = In(domain=(0.5, 1.5))
_STAT = In(grad=False)             # running mean: not differentiated (MXNet has no gradient)
_STAT_POS = In(domain=(0.5, 1.5), grad=False)
_IDX = In(dtype="int32", gen=lambda rng, shape, dt: rng.integers(0, 5, shape).astype(dt),
          grad=False)

CASES = [
    _case("Dense", "gl_basic", {"units": 4, "in_units": 6}, ((3, 6), (4,), (4, 6))),
    _case("Dense", "gl_flatten", {"units": 3, "in_units": 6, "activation": "tanh"},
          ((2, 2, 3), (3,), (3, 6))),
    _case("Dense", "gl_noflatten", {"units": 2, "in_units": 3, "flatten": False,
                                    "use_bias": False}, ((2, 4, 3), (2, 3))),
    _case("Conv1D", "gl_basic", {"channels": 3, "kernel_size": 3, "strides": 2, "padding": 1,
                                 "in_channels": 2}, ((2, 2, 7), (3,), (3, 2, 3))),
    _case("Conv2D", "gl_groups", {"channels": 4, "kernel_size": (3, 2), "padding": (1, 0),
                                  "groups": 2, "in_channels": 2, "activation": "relu"},
          ((1, 2, 4, 5), (4,), (4, 1, 3, 2))),
    _case("Conv3D", "gl_basic", {"channels": 2, "kernel_size": 2, "in_channels": 1},
          ((1, 1, 3, 3, 3), (2,), (2, 1, 2, 2, 2))),
    _case("Conv2DTranspose", "gl_basic", {"channels": 2, "kernel_size": 3, "strides": 2,
                                          "padding": 1, "output_padding": 1,
                                          "in_channels": 3},
          ((1, 3, 3, 3), (2,), (3, 2, 3, 3))),
    _case("BatchNorm", "gl_basic", {"in_channels": 3},
          ((4, 3, 2), (3,), (3,), (3,), (3,)),
          inputs=[In(), In(), _POS, _STAT, _STAT_POS], fd=False,
          note="gradient cells use batch statistics (training), the finite differences of a "
               "forward pass outside record() would use the running ones"),
    _case("InstanceNorm", "gl_basic", {"in_channels": 3, "scale": True},
          ((2, 3, 4), (3,), (3,)), inputs=[In(), In(), _POS],
          dtypes=("float32",), note="MXNet's InstanceNorm has float32 kernels only"),
    _case("LayerNorm", "gl_basic", {"in_channels": 5}, ((3, 5), (5,), (5,)),
          inputs=[In(), In(), _POS]),
    _case("GroupNorm", "gl_basic", {"num_groups": 2}, ((2, 4, 3), (2,), (2,)),
          inputs=[In(), In(), _POS]),
    _case("Embedding", "gl_basic", {"input_dim": 5, "output_dim": 3},
          ((2, 4), (5, 3)), inputs=[_IDX, In()]),
    _case("Activation", "gl_softrelu", {"activation": "softrelu"}, ((2, 5),)),
    _case("LeakyReLU", "gl_basic", {"alpha": 0.1}, ((2, 5),)),
    _case("PReLU", "gl_basic", {"in_channels": 3}, ((2, 3, 4), (3,))),
    _case("ELU", "gl_basic", {"alpha": 0.7}, ((2, 5),)),
    _case("SELU", "gl_basic", {}, ((2, 5),), grad=False),
    _case("GELU", "gl_basic", {}, ((2, 5),)),
    _case("Swish", "gl_basic", {"beta": 1.5}, ((2, 5),)),
    _case("MaxPool2D", "gl_basic", {"pool_size": 2}, ((1, 2, 4, 4),), grad=False),
    _case("AvgPool2D", "gl_pad", {"pool_size": 3, "strides": 1, "padding": 1,
                                  "count_include_pad": False}, ((1, 2, 4, 4),)),
    _case("GlobalAvgPool2D", "gl_basic", {}, ((2, 3, 2, 3),)),
    _case("GlobalMaxPool1D", "gl_basic", {}, ((2, 3, 4),), grad=False),
    _case("Flatten", "gl_basic", {}, ((2, 3, 4),)),
    _case("Dropout", "gl_predict", {"rate": 0.5}, ((2, 5),), grad=False),
    _case("ReflectionPad2D", "gl_basic", {"padding": 1}, ((1, 2, 3, 4),)),
    _case("PixelShuffle2D", "gl_basic", {"factor": 2}, ((1, 8, 2, 3),), contrib=True),
    _case("Identity", "gl_basic", {}, ((2, 3),), contrib=True),
]

__all__ = ["CASES", "np"]
