"""Write .params / pickle fixture files with real MXNet 1.9.1 into tests/fixtures/params/,
plus manifest.json describing each file's content (as MXNet reads it back, or as it was
saved where MXNet cannot read its own file back). Run under the oracle environment;
deterministic: same MXNet, same bytes.

tests/test_serialization.py loads every fixture with mxcompat and compares with the manifest,
and saves the same content with mxcompat and compares the bytes.

Before writing anything, this script also checks the reverse direction live: a pickle and a
.params file written by mxcompat (in a subprocess, with ``mxcompat.install()``) load in this
real MXNet with the same values.
"""
from __future__ import annotations

import hashlib
import json
import os
import pickle
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path

import numpy as np

warnings.filterwarnings("ignore")
import mxnet as mx  # noqa: E402
from mxnet import gluon  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "tests" / "fixtures" / "params"


def vals(n: int, dtype: str, shape: tuple, seed: int = 0) -> np.ndarray:
    """Deterministic, interesting values of a dtype (negatives, -0.0, inf for floats)."""
    rs = np.random.RandomState(seed)
    size = int(np.prod(shape))
    if dtype == "bool":
        return (rs.randint(0, 2, size=size) == 1).reshape(shape)
    if dtype.startswith("float"):
        a = (rs.uniform(-100, 100, size=size)).astype(dtype)
        if size >= 4:
            a[0], a[1], a[2] = -0.0, np.inf, -np.inf
        return a.reshape(shape)
    info = np.iinfo(dtype)
    a = rs.randint(max(info.min, -1000), min(info.max, 1000) + 1, size=size).astype(dtype)
    if size >= 2:
        a[0], a[1] = info.min, info.max
    return a.reshape(shape)


DTYPES = ["float32", "float64", "float16", "uint8", "int8", "int32", "int64", "bool"]
SHAPES = [(2, 3), (5,), (2, 2, 2), (7,), (3, 1), (1, 2, 1, 3), (4,), (9,)]


def nd(a: np.ndarray, ctx=None) -> "mx.nd.NDArray":
    return mx.nd.array(a, dtype=a.dtype, ctx=ctx or mx.cpu())


def describe(arrays, names, ctxs=None, stypes=None) -> list:
    out = []
    for i, a in enumerate(arrays):
        x = a.tostype("default") if a.stype != "default" else a
        v = x.asnumpy()
        e = {"name": None if names is None else names[i], "dtype": np.dtype(v.dtype).name,
             "shape": list(v.shape), "values": v.tolist()}
        e["ctx"] = ctxs[i] if ctxs else "cpu(0)"
        e["stype"] = stypes[i] if stypes else "default"
        out.append(e)
    return out


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.iterdir():
        if old.suffix in (".params", ".pkl", ".json"):
            old.unlink()
    manifest: dict = {"mxnet_version": mx.__version__, "files": {}}

    def record(fname: str, data, *, how: str, loadable: bool = True, resave: bool = True,
               ctxs=None, stypes=None, content=None, np_shape: bool = False) -> None:
        path = OUT / fname
        if how == "nd.save":
            if np_shape:
                with mx.util.np_shape(True):
                    mx.nd.save(str(path), data)
            else:
                mx.nd.save(str(path), data)
        if loadable:
            if np_shape:
                with mx.util.np_shape(True):
                    back = mx.nd.load(str(path))
            else:
                back = mx.nd.load(str(path))
            if isinstance(back, dict):
                names, arrays = list(back.keys()), list(back.values())
            else:
                names, arrays = None, back
            entries = describe(arrays, names, ctxs, stypes)
            kind = "dict" if isinstance(back, dict) else "list"
        else:
            entries, kind = content
        raw = path.read_bytes()
        manifest["files"][fname] = {
            "kind": kind, "written_by": how, "mxnet_can_load": loadable, "np_shape": np_shape,
            "resave_identical": resave, "size": len(raw),
            "sha256": hashlib.sha256(raw).hexdigest(), "arrays": entries}

    # every dtype: list and dict
    lst = [vals(0, dt, sh, seed=i) for i, (dt, sh) in enumerate(zip(DTYPES, SHAPES))]
    record("dtypes_list.params", [nd(a) for a in lst], how="nd.save")
    dct = {dt: nd(vals(0, dt, (3, 2), seed=10 + i)) for i, dt in enumerate(DTYPES)}
    record("dtypes_dict.params", dct, how="nd.save")
    # a single NDArray (saved as a one-element list), empty list and empty dict
    record("single.params", nd(vals(0, "float32", (2, 3, 4), seed=3)), how="nd.save")
    record("empty_list.params", [], how="nd.save")
    record("empty_dict.params", {}, how="nd.save")
    # zero-size arrays
    zs = {"a": mx.nd.array(np.zeros((0,), "float32")),
          "b": mx.nd.array(np.zeros((0, 3), "float16"), dtype="float16"),
          "c": mx.nd.array(np.zeros((2, 0, 1), "int8"), dtype="int8"),
          "d": nd(np.array([1.5, 2.5], "float32"))}
    record("zero_size.params", zs, how="nd.save")
    # names with any characters
    uni = {"héllo": nd(np.array([1.0], "float32")), "权重": nd(np.array([2.0], "float32")),
           "emoji 🎉": nd(np.array([3], "int32")), "": nd(np.array([4.0], "float64")),
           "a/b.c:d\te\nf": nd(np.array([5], "uint8")), "x" * 300: nd(np.array([True]))}
    record("unicode_names.params", uni, how="nd.save")
    # MXNet hands names to C as NUL-terminated strings: 'a\0b' is written (and read) as 'a'
    record("nul_name.params", {"a\x00b": nd(np.array([1.0], "float32"))}, how="nd.save",
           resave=True, content=None)
    manifest["files"]["nul_name.params"]["saved_names"] = ["a\x00b"]
    # contexts other than cpu(0) are written into the record (and load back on cpu(0))
    cx = [nd(np.array([1.0, 2.0], "float32"), mx.cpu(3)),
          nd(np.array([3, 4], "int64"), mx.cpu_pinned(1)),
          nd(np.array([5.0], "float32"), mx.cpu(0))]
    record("contexts.params", cx, how="nd.save", ctxs=["cpu(3)", "cpu_pinned(1)", "cpu(0)"])
    # 0-d arrays in legacy mode: MXNet writes them but cannot read the file back
    zd = [mx.nd.array(np.array(5.0, "float32")), nd(np.array([1.0, 2.0], "float32")),
          mx.nd.array(np.array(-7, "int64"), dtype="int64")]
    assert zd[0].shape == () and zd[2].shape == ()
    mx.nd.save(str(OUT / "legacy_0d.params"), zd)
    try:
        mx.nd.load(str(OUT / "legacy_0d.params"))
        zd_loadable = True
    except mx.base.MXNetError:
        zd_loadable = False
    assert not zd_loadable
    record("legacy_0d.params", None, how="nd.save (already written)", loadable=False,
           content=(describe(zd, None), "list"))
    # np-shape mode: V3 records (true 0-d arrays, zero-size arrays)
    with mx.util.np_shape(True):
        v3 = {"scalar": mx.nd.array(np.array(7.25, "float32")),
              "empty": mx.nd.array(np.zeros((0, 2), "float32")),
              "w": mx.nd.array(vals(0, "float64", (2, 2), seed=5), dtype="float64")}
    record("npshape_v3.params", v3, how="nd.save", np_shape=True, resave=False)
    # sparse records
    csr = mx.nd.array([[0, 1, 0], [2, 0, 3]]).tostype("csr")
    rsp = mx.nd.array([[0, 0], [2, 3], [0, 0], [4, 5]]).tostype("row_sparse")
    sp = {"csr": csr, "rsp": rsp, "csr_empty": mx.nd.sparse.zeros("csr", (3, 4)),
          "rsp_empty": mx.nd.sparse.zeros("row_sparse", (2, 3)),
          "csr_f64": mx.nd.array([[0, 0], [0, 1.5]], dtype="float64").tostype("csr"),
          "dense": nd(np.array([9.0], "float32"))}
    record("sparse.params", sp, how="nd.save",
           stypes=["csr", "row_sparse", "csr", "row_sparse", "csr", "default"])

    # Gluon and Module parameter files (names as Gluon / Module write them)
    net = gluon.nn.HybridSequential()
    with net.name_scope():
        net.add(gluon.nn.Dense(3, in_units=4), gluon.nn.BatchNorm(in_channels=3))
    net.initialize()
    for i, p in enumerate(net.collect_params().values()):
        # plain weights (a usable model: tests run it in torch); variances positive
        w = np.random.RandomState(20 + i).uniform(-1, 1, size=p.shape).astype("float32")
        p.set_data(mx.nd.array(np.abs(w) + 0.5 if p.name.endswith("_var") else w))
    net.save_parameters(str(OUT / "gluon_save_parameters.params"))
    record("gluon_save_parameters.params", None, how="Block.save_parameters", resave=True)
    net.collect_params().save(str(OUT / "gluon_collect_params.params"))
    record("gluon_collect_params.params", None, how="ParameterDict.save", resave=True)
    with tempfile.TemporaryDirectory() as td:
        net.hybridize()
        net(mx.nd.ones((2, 4)))
        net.export(os.path.join(td, "net"), 0)
        (OUT / "gluon_export-0000.params").write_bytes(
            Path(td, "net-0000.params").read_bytes())
    record("gluon_export-0000.params", None, how="HybridBlock.export", resave=True)
    data = mx.sym.var("data")
    sym = mx.sym.BatchNorm(mx.sym.FullyConnected(data, num_hidden=2, name="fc1"), name="bn1")
    arg = {"fc1_weight": nd(vals(0, "float32", (2, 3), seed=30)),
           "fc1_bias": nd(vals(0, "float32", (2,), seed=31)),
           "bn1_gamma": nd(vals(0, "float32", (2,), seed=32)),
           "bn1_beta": nd(vals(0, "float32", (2,), seed=33))}
    aux = {"bn1_moving_mean": nd(vals(0, "float32", (2,), seed=34)),
           "bn1_moving_var": nd(np.abs(vals(0, "float32", (2,), seed=35)))}
    with tempfile.TemporaryDirectory() as td:
        mx.model.save_checkpoint(os.path.join(td, "model"), 2, sym, arg, aux)
        (OUT / "module_checkpoint-0002.params").write_bytes(
            Path(td, "model-0002.params").read_bytes())
    record("module_checkpoint-0002.params", None, how="mx.model.save_checkpoint",
           resave=True)

    # pickles of NDArrays written by MXNet (protocol 2 and 4)
    pk = [nd(vals(0, dt, sh, seed=40 + i)) for i, (dt, sh) in enumerate(zip(DTYPES, SHAPES))]
    for proto in (2, 4):
        fname = f"ndarrays_p{proto}.pkl"
        raw = pickle.dumps(pk, protocol=proto)
        (OUT / fname).write_bytes(raw)
        manifest["files"][fname] = {
            "kind": "pickle", "written_by": f"pickle.dumps(list of NDArray, protocol={proto})",
            "mxnet_can_load": True, "np_shape": False, "resave_identical": False,
            "size": len(raw), "sha256": hashlib.sha256(raw).hexdigest(),
            "arrays": describe(pickle.loads(raw), None)}

    # a pickle of sparse arrays written by MXNet (its raw-bytes csr record has a 0-row
    # storage shape, unlike the .params form)
    sp_pk = [mx.nd.array([[0, 1, 0], [2, 0, 3]]).tostype("csr"),
             mx.nd.array([[0, 0], [2, 3], [0, 0], [4, 5]]).tostype("row_sparse"),
             mx.nd.array([[0, 0], [0, 1.5]], dtype="float64").tostype("csr")]
    raw = pickle.dumps(sp_pk, protocol=2)
    (OUT / "sparse_p2.pkl").write_bytes(raw)
    manifest["files"]["sparse_p2.pkl"] = {
        "kind": "pickle", "written_by": "pickle.dumps(list of sparse NDArray, protocol=2)",
        "mxnet_can_load": True, "np_shape": False, "resave_identical": False,
        "size": len(raw), "sha256": hashlib.sha256(raw).hexdigest(),
        "arrays": describe(pickle.loads(raw), None,
                           stypes=["csr", "row_sparse", "csr"])}

    check_mxcompat_output()
    (OUT / "manifest.json").write_text(json.dumps(manifest, indent=1, ensure_ascii=False,
                                                  sort_keys=True) + "\n", encoding="utf-8")
    total = sum(p.stat().st_size for p in OUT.iterdir())
    print(f"record_params_fixtures: {len(manifest['files'])} fixtures, {total} bytes in {OUT}")
    return 0


_MXCOMPAT_SIDE = r'''
import pickle, sys, numpy as np
import mxcompat
mxcompat.install()
import mxnet as mx
assert mx is mxcompat
arrays = [mx.nd.array(np.arange(6).reshape(2, 3) * 1.5), mx.nd.array([1, -2, 3], dtype="int64"),
          mx.nd.array([True, False], dtype="bool"), mx.nd.array([0.5, 2], dtype="float16")]
sys.stdout.buffer.write(pickle.dumps(arrays + [arrays[0].tostype("csr"),
                                                arrays[1].tostype("row_sparse")], protocol=2))
mx.nd.save(sys.argv[1], {"a": arrays[0], "b": arrays[1], "c": arrays[2], "d": arrays[3]})
'''


def check_mxcompat_output() -> None:
    """A pickle and a .params file written by mxcompat load in real MXNet."""
    with tempfile.TemporaryDirectory() as td:
        f = os.path.join(td, "from_mxcompat.params")
        env = dict(os.environ, PYTHONPATH=str(ROOT))
        raw = subprocess.run([sys.executable, "-c", _MXCOMPAT_SIDE, f], env=env, check=True,
                             stdout=subprocess.PIPE).stdout
        got = pickle.loads(raw)
        csr, rsp = got[4:]
        got = got[:4]
        assert all(type(a) is mx.nd.NDArray for a in got), [type(a) for a in got]
        assert isinstance(csr, mx.nd.sparse.CSRNDArray), type(csr)
        assert isinstance(rsp, mx.nd.sparse.RowSparseNDArray), type(rsp)
        assert csr.asnumpy().tolist() == (np.arange(6).reshape(2, 3) * 1.5).tolist()
        assert rsp.asnumpy().tolist() == [1, -2, 3]
        want = [np.arange(6).reshape(2, 3) * 1.5, np.array([1, -2, 3]), np.array([True, False]),
                np.array([0.5, 2])]
        dts = ["float32", "int64", "bool", "float16"]
        for a, w, dt in zip(got, want, dts):
            assert a.dtype == np.dtype(dt) and a.asnumpy().tolist() == w.tolist(), (a, w)
        back = mx.nd.load(f)
        assert list(back) == ["a", "b", "c", "d"]
        for a, w, dt in zip(back.values(), want, dts):
            assert a.dtype == np.dtype(dt) and a.asnumpy().tolist() == w.tolist(), (a, w)
    print("record_params_fixtures: mxcompat pickle and .params load in MXNet: ok")


if __name__ == "__main__":
    sys.exit(main())
