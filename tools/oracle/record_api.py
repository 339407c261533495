"""Record MXNet 1.9.1's public API surface (mx.nd and its submodules, NDArray's methods,
mx.autograd, mx.random, mx.test_utils, the top level) into compat_matrix/data/mxnet_api.json.

Run under real MXNet (`tox -e oracle`). Deterministic: sorted keys, same MXNet -> same file.
"""
from __future__ import annotations

import inspect
import json
import sys
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "compat_matrix" / "data" / "mxnet_api.json"

# families by name (a guide for the docs; the conformance matrix refines it per case)
_FAMILY_PREFIXES = (
    ("linalg_", "linalg"), ("random_", "random"), ("sample_", "random"), ("broadcast_", "elemwise"),
    ("elemwise_", "elemwise"), ("_contrib", "contrib"), ("Sequence", "nn"), ("multi_", "optimizer"),
    ("mp_", "optimizer"), ("lamb_", "optimizer"), ("preloaded_multi", "optimizer"),
)
_FAMILY = {
    "creation": "array zeros ones full empty arange eye linspace zeros_like ones_like empty_like "
                "full_like concatenate".split(),
    "reduce": "sum mean prod nansum nanprod max min norm argmax argmin argmax_channel moments "
              "sum_axis max_axis min_axis cumsum".split(),
    "sorting": "sort argsort topk pick histogram".split(),
    "shape": "reshape Reshape reshape_like flatten Flatten expand_dims squeeze transpose swapaxes "
             "SwapAxis moveaxis concat Concat stack split SliceChannel split_v2 slice slice_axis "
             "slice_like crop tile repeat pad Pad flip reverse broadcast_to broadcast_axis "
             "broadcast_axes broadcast_like depth_to_space space_to_depth diag shape_array "
             "size_array".split(),
    "indexing": "take batch_take gather_nd scatter_nd one_hot onehot_encode ravel_multi_index "
                "unravel_index boolean_mask choose_element_0index fill_element_0index".split(),
    "linalg": "dot batch_dot khatri_rao".split(),
    "serialization": "save load load_frombuffer".split(),
    "autograd": "stop_gradient BlockGrad".split(),
    "optimizer": "sgd_update sgd_mom_update nag_mom_update adam_update rmsprop_update "
                 "rmspropalex_update ftrl_update ftml_update signsgd_update signum_update "
                 "all_finite reset_arrays adagrad_update adamw_update".split(),
    "nn": "FullyConnected Convolution Deconvolution Pooling Activation LeakyReLU softmax "
          "log_softmax softmin SoftmaxActivation Dropout Embedding UpSampling BilinearSampler "
          "GridGenerator SpatialTransformer ROIPooling Correlation LRN L2Normalization im2col "
          "col2im BatchNorm BatchNorm_v1 LayerNorm InstanceNorm GroupNorm SoftmaxOutput Softmax "
          "LinearRegressionOutput LogisticRegressionOutput MAERegressionOutput SVMOutput MakeLoss "
          "make_loss softmax_cross_entropy CTCLoss ctc_loss RNN Custom Convolution_v1 "
          "Pooling_v1 IdentityAttachKLSparseReg Crop".split(),
    "random": "uniform normal randn randint exponential gamma poisson negative_binomial "
              "generalized_negative_binomial multinomial shuffle".split(),
    "misc": "waitall imdecode NDArray CachedOp".split(),
}
_BY_NAME = {n: fam for fam, names in _FAMILY.items() for n in names}


def family(name: str) -> str:
    if name in _BY_NAME:
        return _BY_NAME[name]
    for prefix, fam in _FAMILY_PREFIXES:
        if name.startswith(prefix):
            return fam
    return "elemwise"


def sig(obj) -> str:
    try:
        return str(inspect.signature(obj))
    except (TypeError, ValueError):
        return ""


def kind(obj) -> str:
    if isinstance(obj, types.ModuleType):
        return "module"
    if inspect.isclass(obj):
        return "class"
    if callable(obj):
        return "function"
    return "other"


def describe(mod, with_family: bool = False) -> dict:
    out = {}
    for name in sorted(dir(mod)):
        if name.startswith("_"):
            continue
        obj = getattr(mod, name)
        rec = {"kind": kind(obj)}
        if rec["kind"] in ("function", "class"):
            rec["module"] = getattr(obj, "__module__", "") or ""
            rec["signature"] = sig(obj)
            m = getattr(obj, "__module__", "") or ""
            rec["generated"] = m.endswith(("gen_op", "gen__internal", "gen_random",
                                          "gen_linalg", "gen_contrib", "gen_sparse",
                                          "gen_image")) or m.startswith("mxnet.ndarray.gen")
        if with_family and rec["kind"] != "module":
            rec["family"] = family(name)
        out[name] = rec
    return out


def main(argv) -> int:
    try:
        import mxnet as mx
    except ImportError:
        print("record_api: `import mxnet` failed: run under real MXNet 1.9.1 "
              "(tox -e oracle)", file=sys.stderr)
        return 2
    import numpy as np
    out_path = Path(argv[0]) if argv else OUT
    nd = describe(mx.nd, with_family=True)
    subs = {}
    for sub in ("random", "linalg", "contrib", "sparse", "image", "op"):
        mod = getattr(mx.nd, sub, None)
        if isinstance(mod, types.ModuleType) and sub != "op":
            subs[sub] = describe(mod)
    methods = {}
    for name in sorted(dir(mx.nd.NDArray)):
        if name.startswith("_"):
            continue
        attr = inspect.getattr_static(mx.nd.NDArray, name)
        k = "property" if isinstance(attr, property) else "method"
        methods[name] = {"kind": k, "signature": sig(getattr(mx.nd.NDArray, name))
                         if k == "method" else ""}
    dunders = sorted(n for n, v in vars(mx.nd.NDArray).items()
                     if n.startswith("__") and n.endswith("__") and callable(v))
    data = {
        "header": {"mxnet_version": mx.__version__, "numpy_version": np.__version__,
                   "recorded_by": "tools/oracle/record_api.py"},
        "nd": nd, "nd_submodules": subs, "ndarray_methods": methods,
        "ndarray_dunders": dunders,
        "top_level": {n: {"kind": kind(getattr(mx, n))} for n in sorted(dir(mx))
                      if not n.startswith("_")},
        "autograd": describe(mx.autograd), "random": describe(mx.random),
        "test_utils": {n: r for n, r in describe(mx.test_utils).items()
                       if r["kind"] == "function"},
        "context": describe(mx.context),
    }
    out_path.parent.mkdir(parents=True, exist_ok=True)
    out_path.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n")
    print(f"wrote {out_path}: {len(nd)} mx.nd names, {len(methods)} NDArray attributes")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
