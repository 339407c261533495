"""Record MXNet 1.9.1's op schema (what its own registry says about every op) into
mxcompat/symbol/_opschema.json. Run under the oracle environment; deterministic.

For every registered op name (aliases included): the canonical name, the input names (the
arguments typed NDArray-or-Symbol, in order), the parameter names, ``key_var_num_args`` for
variadic ops; for each canonical op, what a symbol composed with its default parameters
reports: auxiliary-state input names, output names and the total number of outputs
(hidden ones included, from ``node_row_ptr``). The Symbol front-end reads it through
mxcompat/symbol/_opinfo.py until the op registry carries the same facts.
"""
from __future__ import annotations

import ctypes
import json
import os
import re
import warnings
from pathlib import Path

import mxnet as mx
from mxnet.base import _LIB, check_call, py_str, c_str, mx_uint

warnings.filterwarnings("ignore")
ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "mxcompat" / "symbol" / "_opschema.json"


#: internal ops that are not composable from Python
SKIP = {"_CachedOp", "_CachedOpThreadSafe", "_CustomFunction", "_NDArray", "_Native"}


def op_names():
    plist = ctypes.POINTER(ctypes.c_char_p)()
    size = ctypes.c_uint()
    check_call(_LIB.MXListAllOpNames(ctypes.byref(size), ctypes.byref(plist)))
    return sorted(py_str(plist[i]) for i in range(size.value))


def info(name):
    hdl = ctypes.c_void_p()
    check_call(_LIB.NNGetOpHandle(c_str(name), ctypes.byref(hdl)))
    real_name = ctypes.c_char_p()
    desc = ctypes.c_char_p()
    num_args = mx_uint()
    arg_names = ctypes.POINTER(ctypes.c_char_p)()
    arg_types = ctypes.POINTER(ctypes.c_char_p)()
    arg_descs = ctypes.POINTER(ctypes.c_char_p)()
    kv = ctypes.c_char_p()
    ret_type = ctypes.c_char_p()
    check_call(_LIB.MXSymbolGetAtomicSymbolInfo(
        hdl, ctypes.byref(real_name), ctypes.byref(desc), ctypes.byref(num_args),
        ctypes.byref(arg_names), ctypes.byref(arg_types), ctypes.byref(arg_descs),
        ctypes.byref(kv), ctypes.byref(ret_type)))
    args = [(py_str(arg_names[i]), py_str(arg_types[i])) for i in range(num_args.value)]
    inputs = [a for a, t in args if t.startswith("NDArray") or t.startswith("Symbol")]
    params = [[a, t] for a, t in args if a not in inputs]
    return py_str(real_name.value), inputs, params, py_str(kv.value) if kv.value else ""


def _dummy(typ):
    """A value for a required parameter of MXNet type ``typ``."""
    if typ.startswith("{"):
        return re.findall(r"'([^']*)'", typ)[0]
    if typ.startswith("Shape"):
        return "(1, 1)"
    if typ.startswith(("int", "long")):
        return "1"
    if typ.startswith(("float", "double")):
        return "1.0"
    if typ.startswith("boolean"):
        return "False"
    return "1"


def probe(name, inputs, params, kv):
    """In a child process (some ops crash when composed bare): compose the op with default
    parameters (dummy values for required ones) and report what the symbol says."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        try:
            res = _probe(name, params, kv)
        except BaseException as e:  # noqa: BLE001
            res = {"error": str(e).splitlines()[0][:120]}
        os.write(w, json.dumps(res).encode())
        os._exit(0)
    os.close(w)
    data = b""
    while True:
        chunk = os.read(r, 65536)
        if not chunk:
            break
        data += chunk
    os.close(r)
    os.waitpid(pid, 0)
    return json.loads(data) if data else {"error": "crashed"}


def _probe(name, params, kv):
    kwargs = {p: _dummy(t) for p, t in params if "required" in t}
    if kv:
        kwargs[kv] = 1
    handle = ctypes.c_void_p()
    check_call(_LIB.NNGetOpHandle(c_str(name), ctypes.byref(handle)))
    keys = [k for k in kwargs]
    vals = [str(v) for v in kwargs.values()]
    sh = ctypes.c_void_p()
    check_call(_LIB.MXSymbolCreateAtomicSymbol(
        handle, mx_uint(len(keys)), mx.base.c_str_array(keys), mx.base.c_str_array(vals),
        ctypes.byref(sh)))
    s = mx.sym.Symbol(sh)
    if kv:
        s._compose(*[mx.sym.var("in%d" % i) for i in range(1)], name="x")
    else:
        s._compose(name="x")
    js = json.loads(s.tojson())
    ptr = js["node_row_ptr"]
    return {"arguments": [a[2:] if a.startswith("x_") else a for a in s.list_arguments()],
            "aux": [a[2:] for a in s.list_auxiliary_states()],
            "outputs": [o[2:] for o in s.list_outputs()],
            "num_outputs": ptr[-1] - ptr[-2]}


def main():
    schema = {}
    for name in op_names():
        if name.startswith("_backward") or name in SKIP:
            continue
        real, inputs, params, kv = info(name)
        entry = {"op": real, "inputs": inputs, "params": params}
        if kv:
            entry["key_var_num_args"] = kv
        if real == name:
            entry.update(probe(name, inputs, params, kv))
            if "required" in str(params):
                entry["probed_with"] = {p: _dummy(t) for p, t in params if "required" in t}
        schema[name] = entry
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(schema, indent=0, sort_keys=True) + "\n")
    print(f"{len(schema)} op names -> {OUT}")


if __name__ == "__main__":
    main()
