"""Record MXNet 1.9.1's public API surface into compat_matrix/data/mxnet_api.json.

Run under real MXNet (`tox -e oracle`, or /work/venvs/oracle/bin/python):

    python tools/oracle/record_api.py [OUTPUT.json]

OUTPUT defaults to compat_matrix/data/mxnet_api.json beside this repository's tools/.
The file holds, with sorted keys (indent=1, trailing newline; same MXNet -> same bytes):

  header           mxnet_version, numpy_version, recorded_by
  nd               every public name of mx.nd except its submodules:
                   {kind, module, in_all, family, and for callables signature, generated}
  nd_submodules    mx.nd.{random,linalg,contrib,sparse,image,op}: same record shape
  ndarray_methods  public attributes of mx.nd.NDArray: {kind: method|property, signature}
  ndarray_dunders  the dunder methods NDArray defines in its own class body
  top_level        public names of `mxnet`: {kind}
  autograd, random, context
                   public names of mx.autograd / mx.random / mx.context (records as for nd,
                   without family)
  test_utils       public functions of mx.test_utils (records as for nd, without family)

"Public" means "name does not start with an underscore" (dir() order, then sorted), so a
module's records include what it merely imported; `module` and `in_all` (the name is in the
module's __all__) tell those apart.

`generated` is True for functions MXNet builds from its C++ operator registry at import
time: mxnet/ndarray/register.py exec()s generated source for each op (so the function's
code object comes from "<string>") and mxnet/base.py:_init_op_module sets its __module__ to
"ndarray" or "mxnet.ndarray.<prefix-submodule>" (or "mxnet.contrib.ndarray" for the old
contrib copy). Functions taken from the static signature files mxnet/ndarray/gen_*.py count
as generated too.
"""
from __future__ import annotations

import argparse
import inspect
import json
import sys
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_OUT = ROOT / "compat_matrix" / "data" / "mxnet_api.json"
EXPECTED_VERSION = "1.9.1"
ND_SUBMODULES = ("random", "linalg", "contrib", "sparse", "image", "op")

# --------------------------------------------------------------------------------------
# families: a best guess for docs and grouping; the conformance matrix refines per case.
FAMILIES = ("creation", "elemwise", "reduce", "sorting", "shape", "indexing", "linalg",
            "random", "nn", "optimizer", "serialization", "sparse", "contrib", "image",
            "autograd", "misc")

_FAMILY_NAMES = {
    "creation": """array zeros ones full empty arange eye linspace zeros_like ones_like
        from_numpy from_dlpack""",
    "elemwise": """abs sign negative reciprocal square sqrt rsqrt cbrt rcbrt exp expm1 log
        log10 log2 log1p sin cos tan arcsin arccos arctan sinh cosh tanh arcsinh arccosh
        arctanh degrees radians round rint fix floor ceil trunc erf erfinv gamma gammaln
        clip identity cast Cast amp_cast amp_multicast add_n ElementWiseSum
        add subtract multiply divide true_divide modulo power maximum minimum
        equal not_equal greater greater_equal lesser lesser_equal
        logical_and logical_or logical_xor logical_not""",
    "reduce": """sum mean prod nansum nanprod max min norm argmax argmin argmax_channel
        moments sum_axis max_axis min_axis cumsum histogram""",
    "sorting": "sort argsort topk",
    "shape": """reshape Reshape reshape_like flatten Flatten expand_dims squeeze transpose
        swapaxes SwapAxis moveaxis concat Concat concatenate stack split SliceChannel
        split_v2 slice slice_axis slice_like crop tile repeat pad Pad flip reverse
        broadcast_to broadcast_axis broadcast_axes broadcast_like depth_to_space
        space_to_depth diag shape_array size_array""",
    "indexing": """take batch_take pick gather_nd scatter_nd one_hot onehot_encode where
        ravel_multi_index unravel_index choose_element_0index fill_element_0index
        get_indexing_dispatch_code get_oshape_of_gather_nd_op
        indexing_key_expand_implicit_axes""",
    "linalg": "dot batch_dot khatri_rao",
    "random": """uniform normal shuffle""",
    "nn": """FullyConnected Convolution Convolution_v1 Deconvolution Pooling Pooling_v1
        Activation LeakyReLU relu sigmoid hard_sigmoid softsign smooth_l1 softmax
        log_softmax softmin SoftmaxActivation Softmax SoftmaxOutput softmax_cross_entropy
        Dropout Embedding UpSampling BilinearSampler GridGenerator SpatialTransformer
        ROIPooling Correlation LRN L2Normalization im2col col2im BatchNorm BatchNorm_v1
        LayerNorm InstanceNorm GroupNorm LinearRegressionOutput LogisticRegressionOutput
        MAERegressionOutput SVMOutput MakeLoss make_loss CTCLoss ctc_loss RNN Crop
        IdentityAttachKLSparseReg SequenceLast SequenceMask SequenceReverse""",
    "optimizer": """sgd_update sgd_mom_update nag_mom_update adam_update rmsprop_update
        rmspropalex_update ftrl_update ftml_update signsgd_update signum_update
        all_finite reset_arrays""",
    "serialization": "save load load_frombuffer",
    "sparse": "cast_storage",
    "image": "imdecode",
    "autograd": "stop_gradient BlockGrad",
    "misc": "waitall NDArray CachedOp Custom to_dlpack_for_read to_dlpack_for_write",
}
_FAMILY_BY_NAME = {name: fam for fam, names in _FAMILY_NAMES.items()
                   for name in names.split()}
_FAMILY_PREFIXES = (
    ("linalg_", "linalg"), ("random_", "random"), ("sample_", "random"),
    ("broadcast_", "elemwise"), ("elemwise_", "elemwise"), ("multi_", "optimizer"),
    ("preloaded_multi_", "optimizer"), ("mp_", "optimizer"), ("lamb_", "optimizer"),
)
# every name of these submodules takes the submodule's family ("op" goes by name)
_SUBMODULE_FAMILY = {"random": "random", "linalg": "linalg", "contrib": "contrib",
                     "sparse": "sparse", "image": "image"}
assert set(_FAMILY_NAMES) <= set(FAMILIES)
assert {f for _, f in _FAMILY_PREFIXES} | set(_SUBMODULE_FAMILY.values()) <= set(FAMILIES)

_unclassified = set()   # names that fell through to "misc" (reported on stderr)
_uninspectable = []     # "section.name" whose signature inspect could not render


def family(name: str, submodule: str = "") -> str:
    if submodule in _SUBMODULE_FAMILY:
        return _SUBMODULE_FAMILY[submodule]
    if name in _FAMILY_BY_NAME:
        return _FAMILY_BY_NAME[name]
    for prefix, fam in _FAMILY_PREFIXES:
        if name.startswith(prefix):
            return fam
    _unclassified.add(name)
    return "misc"


# --------------------------------------------------------------------------------------
def kind_of(obj) -> str:
    if isinstance(obj, types.ModuleType):
        return "module"
    if inspect.isclass(obj):
        return "class"
    if callable(obj):
        return "function"
    return "other"


def signature_of(obj, where: str) -> str:
    try:
        return str(inspect.signature(obj))
    except Exception:  # TypeError/ValueError for builtins, ctypes types, ...
        _uninspectable.append(where)
        return ""


_REGISTER_MODULES = {"ndarray", "mxnet.ndarray", "mxnet.contrib.ndarray"} | {
    f"mxnet.ndarray.{sub}" for sub in ("contrib", "linalg", "sparse", "image", "random")}


def is_generated(obj) -> bool:
    module = getattr(obj, "__module__", None) or ""
    if module.startswith("mxnet.ndarray.gen_"):
        return True
    if not inspect.isfunction(obj):
        return False
    return obj.__code__.co_filename == "<string>" and module in _REGISTER_MODULES


def public_names(namespace) -> list:
    return sorted(n for n in dir(namespace) if not n.startswith("_"))


def record(obj, where: str, exported: set, fam=None) -> dict:
    kind = kind_of(obj)
    rec = {"kind": kind, "in_all": where.rsplit(".", 1)[-1] in exported}
    if kind in ("function", "class"):
        rec["module"] = getattr(obj, "__module__", None) or ""
        rec["signature"] = signature_of(obj, where)
        rec["generated"] = is_generated(obj)
    if fam is not None:
        rec["family"] = fam
    return rec


def describe(module, label: str, submodule=None, skip_modules: bool = False,
             only_functions: bool = False) -> dict:
    """Records for the public names of `module`; family only when submodule is given
    ("" for mx.nd itself)."""
    exported = set(getattr(module, "__all__", ()) or ())
    out = {}
    for name in public_names(module):
        obj = getattr(module, name)
        if skip_modules and isinstance(obj, types.ModuleType):
            continue
        if only_functions and kind_of(obj) != "function":
            continue
        fam = family(name, submodule) if submodule is not None else None
        out[name] = record(obj, f"{label}.{name}", exported, fam)
    return out


def describe_ndarray(cls) -> dict:
    out = {}
    for name in public_names(cls):
        static = inspect.getattr_static(cls, name)
        if isinstance(static, (property, types.MemberDescriptorType,
                               types.GetSetDescriptorType)):
            # properties, and __slots__ members (handle, writable) which read like them
            out[name] = {"kind": "property", "signature": ""}
        else:
            out[name] = {"kind": "method",
                         "signature": signature_of(getattr(cls, name), f"NDArray.{name}")}
    return out


def own_dunders(cls) -> list:
    return sorted(n for n, v in vars(cls).items()
                  if n.startswith("__") and n.endswith("__") and callable(v))


# --------------------------------------------------------------------------------------
def import_real_mxnet():
    """The real mxnet module, or an error message."""
    try:
        import mxnet
    except Exception as exc:  # ImportError, OSError from libmxnet.so, ...
        return None, f"`import mxnet` failed ({type(exc).__name__}: {exc})"
    base = getattr(mxnet, "base", None)
    if "mxcompat" in (getattr(mxnet, "__file__", "") or "") or not hasattr(base, "_LIB"):
        return None, ("`import mxnet` gave a module that is not real MXNet (no "
                      "mxnet.base._LIB: mxcompat's redirect?)")
    version = getattr(mxnet, "__version__", "?")
    if version != EXPECTED_VERSION:
        return None, f"`import mxnet` gave MXNet {version}, not {EXPECTED_VERSION}"
    return mxnet, None


def build(mx) -> dict:
    import numpy as np

    subs = {}
    for sub in ND_SUBMODULES:
        mod = getattr(mx.nd, sub, None)
        if isinstance(mod, types.ModuleType):
            subs[sub] = describe(mod, f"nd.{sub}", submodule=sub)
    top_level = {name: {"kind": kind_of(getattr(mx, name))} for name in public_names(mx)}
    return {
        "header": {"mxnet_version": mx.__version__, "numpy_version": np.__version__,
                   "recorded_by": "tools/oracle/record_api.py"},
        "nd": describe(mx.nd, "nd", submodule="", skip_modules=True),
        "nd_submodules": subs,
        "ndarray_methods": describe_ndarray(mx.nd.NDArray),
        "ndarray_dunders": own_dunders(mx.nd.NDArray),
        "top_level": top_level,
        "autograd": describe(mx.autograd, "autograd"),
        "random": describe(mx.random, "random"),
        "context": describe(mx.context, "context"),
        "test_utils": describe(mx.test_utils, "test_utils", only_functions=True),
    }


def main(argv) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("output", nargs="?", default=str(DEFAULT_OUT),
                        help=f"where to write the JSON (default: {DEFAULT_OUT})")
    args = parser.parse_args(argv)

    mx, error = import_real_mxnet()
    if mx is None:
        print(f"record_api: {error}.\nRun this under real MXNet {EXPECTED_VERSION} "
              "(`tox -e oracle`, or /work/venvs/oracle/bin/python).", file=sys.stderr)
        return 2

    data = build(mx)
    out = Path(args.output)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes((json.dumps(data, indent=1, sort_keys=True) + "\n").encode("utf-8"))

    print(f"record_api: wrote {out}: {len(data['nd'])} mx.nd names, "
          + ", ".join(f"nd.{k} {len(v)}" for k, v in data["nd_submodules"].items())
          + f", {len(data['ndarray_methods'])} NDArray attributes")
    if _unclassified:
        print("record_api: no family for (filed under misc): "
              + " ".join(sorted(_unclassified)), file=sys.stderr)
    if _uninspectable:
        print(f"record_api: {len(_uninspectable)} callables without an inspectable "
              "signature (recorded as \"\"): " + " ".join(_uninspectable), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
