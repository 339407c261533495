"""Record MXNet 1.9.1's operator schemas into tests/golden/op_schema.json.

Run with the oracle interpreter from the repository root:

    /work/oracle-venv/bin/python tools/oracle/record_op_schema.py

For every operator of MXNet's registry (``MXListAllOpNames``, backward and NumPy ops left
out) it records what ``MXSymbolGetAtomicSymbolInfo`` says: the arguments in order, each with
MXNet's type string (``'NDArray-or-Symbol'`` for an array input, ``'Shape(tuple), required'``
or ``'boolean, optional, default=0'`` for a parameter) and the name of the variadic count
parameter (``num_args``). Then it builds the op as a symbol named ``op`` (required parameters
filled with a plain value of their type, variadic ops with two inputs) and records its
argument, output and auxiliary-state names; and again once for each boolean parameter flipped
and each choice of an enumerated parameter, where that changes those names (``no_bias``,
``output_mean_var``, ``ret_typ``, ...). tests/test_registry.py compares mxcompat's op
declarations with this file.
"""
from __future__ import annotations

import ctypes
import json
import os
import re
import sys
from typing import Any, Dict, List, Optional

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
GOLDEN = os.path.join(ROOT, "tests", "golden", "op_schema.json")


#: ops whose symbol creation crashes MXNet (Python-callback ops) or that are not public ops
_SKIP = frozenset({"_NDArray", "_Native", "Custom", "_CustomFunction", "_foreach", "_while_loop",
                   "_cond", "_subgraph_op"})


def _names(mx: Any) -> List[str]:
    from mxnet.base import _LIB, check_call, py_str
    plist = ctypes.POINTER(ctypes.c_char_p)()
    size = ctypes.c_uint()
    check_call(_LIB.MXListAllOpNames(ctypes.byref(size), ctypes.byref(plist)))
    out = []
    for i in range(size.value):
        n = py_str(plist[i])
        if n.startswith(("_backward", "_np", "_npi", "_npx", "_mp_", "_onnx", "_sg_",
                         "_TensorRT", "_FusedOp", "_CachedOp", "_NoGradient")) or n in _SKIP:
            continue
        out.append(n)
    return sorted(out)


def _handle(name: str) -> Any:
    from mxnet.base import _LIB, c_str, check_call
    h = ctypes.c_void_p()
    check_call(_LIB.NNGetOpHandle(c_str(name), ctypes.byref(h)))
    return h


def _info(name: str) -> Dict[str, Any]:
    from mxnet.base import _LIB, check_call, py_str
    real = ctypes.c_char_p()
    desc = ctypes.c_char_p()
    n = ctypes.c_uint()
    anames = ctypes.POINTER(ctypes.c_char_p)()
    atypes = ctypes.POINTER(ctypes.c_char_p)()
    adescs = ctypes.POINTER(ctypes.c_char_p)()
    key_var = ctypes.c_char_p()
    ret = ctypes.c_char_p()
    check_call(_LIB.MXSymbolGetAtomicSymbolInfo(
        _handle(name), ctypes.byref(real), ctypes.byref(desc), ctypes.byref(n),
        ctypes.byref(anames), ctypes.byref(atypes), ctypes.byref(adescs),
        ctypes.byref(key_var), ctypes.byref(ret)))
    args = [[py_str(anames[i]), py_str(atypes[i])] for i in range(n.value)]
    return {"args": args, "key_var_num_args": py_str(key_var.value) if key_var.value else None}


def _plain_value(tstr: str) -> str:
    """A valid value of MXNet's parameter type string, for a required parameter."""
    t = tstr.split(", required")[0].strip()
    if t.startswith("{"):
        return re.findall(r"'([^']*)'", t)[0]
    if t.startswith("Shape"):
        return "(1, 1)"
    if t.startswith("tuple of <float>") or t.startswith("tuple of <double>"):
        return "(1.0,)"
    if t.startswith("tuple of"):
        return "(1,)"
    if t.startswith(("int", "long", "Shape or None")):
        return "1"
    if t.startswith(("float", "double")):
        return "1.0"
    if t.startswith("boolean"):
        return "False"
    return "1"


def _build(mx: Any, name: str, attrs: Dict[str, str], n_var: int,
           explicit: Optional[List[str]] = None) -> Dict[str, Any]:
    from mxnet.base import _LIB, SymbolHandle, c_str_array, check_call, mx_uint
    keys = list(attrs)
    vals = [attrs[k] for k in keys]
    h = SymbolHandle()
    check_call(_LIB.MXSymbolCreateAtomicSymbol(_handle(name), mx_uint(len(keys)),
                                               c_str_array(keys), c_str_array(vals),
                                               ctypes.byref(h)))
    s = mx.sym.Symbol(h)
    if explicit is not None:  # ops that do not create their input variables themselves
        s._compose(*[mx.sym.var(f"op_{a}") for a in explicit], name="op")
    else:
        s._compose(*[mx.sym.var(f"arg{i}") for i in range(n_var)], name="op")
    strip = (lambda xs: [x[3:] if x.startswith("op_") else x for x in xs])
    return {"arguments": strip(s.list_arguments()), "outputs": strip(s.list_outputs()),
            "aux": strip(s.list_auxiliary_states())}


def _message(e: BaseException) -> str:
    # without MXNet's "[hh:mm:ss] file:line:" prefix (the file is recorded deterministically)
    lines = [re.sub(r"^\[\d\d:\d\d:\d\d\] ", "", x.strip())
             for x in str(e).strip().splitlines() if x.strip()]
    errs = [x for x in lines if "Error" in x or "Check failed" in x]
    return (errs or lines or [type(e).__name__])[-1][:200]


def _probe(mx: Any, name: str, info: Dict[str, Any]) -> Dict[str, Any]:
    params = [(a, t) for a, t in info["args"] if not t.startswith("NDArray-or-Symbol")]
    key_var = info["key_var_num_args"]
    n_var = 2 if key_var else 0
    base: Dict[str, str] = {}
    if key_var:
        base[key_var] = "2"
    for a, t in params:
        if a != key_var and ("required" in t or a == "kernel"):
            base[a] = _plain_value(t)
    rec: Dict[str, Any] = {"attrs": base}
    explicit = None
    try:
        b = _build(mx, name, base, n_var)
    except Exception as e:  # noqa: BLE001
        # ops that do not create their inputs (the optimizer updates, add_n): named inputs
        explicit = [a for a, t in info["args"] if t == "NDArray-or-Symbol"]
        explicit += [f"arg{i}" for i in range(n_var)]
        try:
            b = _build(mx, name, base, n_var, explicit)
            rec["explicit_inputs"] = True
        except Exception:  # noqa: BLE001  (recorded: the op cannot be built this way)
            rec["error"] = _message(e)
            return rec
    rec.update(b)
    variants = []
    for a, t in params:
        if a == key_var or ("required" in t and a != "num_outputs"):
            continue
        choices: List[str] = []
        if t.startswith("boolean"):
            choices = ["False" if t.endswith("default=1") else "True"]
        elif t.startswith("{"):
            choices = re.findall(r"'([^']*)'", t.split("}")[0])
        elif a in ("num_outputs",):
            choices = ["3"]
        for c in choices:
            attrs = dict(base, **{a: c})
            try:
                v = _build(mx, name, attrs, n_var, explicit)
            except Exception:  # noqa: BLE001  (an invalid combination: not a variant)
                continue
            if v != b:
                variants.append(dict(v, attrs={a: c}))
    if variants:
        rec["variants"] = variants
    return rec


def _worker(start: int) -> None:
    """Probe the ops from index ``start`` on, one JSON line each (run in a child process: a
    few ops crash MXNet when built as a symbol without their callbacks)."""
    import mxnet as mx
    for name in _names(mx)[start:]:
        info = _info(name)
        info["symbol"] = _probe(mx, name, info)
        print(json.dumps([name, info]), flush=True)


def record() -> Dict[str, Any]:
    import subprocess
    import mxnet as mx
    names = _names(mx)
    ops: Dict[str, Any] = {}
    i = 0
    while i < len(names):
        p = subprocess.run([sys.executable, __file__, "--worker", str(i)], capture_output=True,
                           text=True)
        for line in p.stdout.splitlines():
            name, info = json.loads(line)
            ops[name] = info
            i += 1
        if p.returncode != 0 and i < len(names):  # this op crashed MXNet: schema only
            info = _info(names[i])
            info["symbol"] = {"error": "crashes MXNet when built without its callbacks"}
            ops[names[i]] = info
            i += 1
    return {"mxnet_version": mx.__version__, "ops": ops, "scalar_ops": _scalar_ops(mx, names)}


#: inputs of the internal scalar ops' recorded results
SCALAR_DATA = [-2.5, -1.0, 0.0, 1.5, 3.0]
SCALARS = ["2", "-1.5", "0"]


def _scalar_ops(mx: Any, names: List[str]) -> Dict[str, Any]:
    """What MXNet's internal ``_<op>_scalar`` ops (symbol JSON's ``x + 1``) give on a float32
    and an int32 array, with the scalar passed as symbol JSON passes it (a string)."""
    import numpy as np
    out: Dict[str, Any] = {}
    for name in names:
        if not name.endswith("_scalar") or name.startswith(("_scatter", "_slice", "_crop")):
            continue
        fn = getattr(mx.nd._internal, name)
        rec: Dict[str, Any] = {}
        for dt in ("float32", "int32"):
            data = SCALAR_DATA
            if dt == "int32" and name in ("_rdiv_scalar", "_rmod_scalar"):
                data = [v for v in data if int(v) != 0]  # an integer division by 0 kills MXNet
            x = mx.nd.array(np.array(data).astype(dt), dtype=dt)
            for sc in SCALARS:
                if dt == "int32" and sc == "0" and name in ("_div_scalar", "_mod_scalar"):
                    continue
                try:
                    r = fn(x, scalar=sc)
                    rec[f"{dt}|{sc}"] = {"dtype": str(r.dtype.__name__ if hasattr(r.dtype,
                                         "__name__") else r.dtype),
                                         "values": [float(v) for v in r.asnumpy().ravel()]}
                except Exception as e:  # noqa: BLE001  (recorded: MXNet raises)
                    rec[f"{dt}|{sc}"] = {"error": _message(e)}
        out[name] = rec
    return out


def main(argv: Optional[List[str]] = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--worker"]:
        _worker(int(argv[1]))
        return 0
    data = record()
    tmp = GOLDEN + ".tmp"
    with open(tmp, "w") as f:
        json.dump(data, f, indent=1, sort_keys=True)
        f.write("\n")
    os.replace(tmp, GOLDEN)
    print(f"wrote {GOLDEN}: {len(data['ops'])} ops")
    return 0


if __name__ == "__main__":
    sys.exit(main())
