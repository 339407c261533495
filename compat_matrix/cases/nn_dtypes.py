"""CPU-only dtype rejections of nn ops not covered by the other nn case modules. Variant
names start with `nd_`."""
from compat_matrix.spec import Case


def _fc(x, w, b, num_hidden):
    return (x.reshape(x.shape[0], -1) @ w.T + b).astype(x.dtype)


CASES = [
    # MXNet 1.9.1 on CPU: "float16 fully connected layer is currently only supported by CuDNN
    # version"; its GPU kernels take float16 (checked there against the NumPy reference)
    Case("FullyConnected", "nd_f16", samples=[((4, 3), (5, 3), (5,))],
         dtypes=("float32",), rejects=("float16",),
         gpu_dtypes=("float32", "float64", "float16"),
         kwargs={"num_hidden": 5}, ref=_fc),
]
