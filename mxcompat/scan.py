"""``mxcompat scan``: find every use of the MXNet API in a code base, statically.

The scanner parses each ``.py`` file and each code cell of each ``.ipynb`` notebook with
Python's :mod:`ast` (nothing is imported or executed), follows the MXNet import styles
(``import mxnet as mx``, ``from mxnet import nd``, ``from mxnet.ndarray import dot``,
``import mxnet.ndarray as F``, aliases such as ``F = mx.nd``), resolves attribute chains
(``mx.nd.random.uniform``, ``mx.gluon.nn.Dense``) and infers which names hold NDArrays (assigned
from ``mx.nd`` calls, NDArray methods and arithmetic on NDArrays) to find method uses
(``x.asnumpy()``, ``x.attach_grad()``).

Each API found gets its status under mxcompat from ``mxcompat/data/api_status.json`` (built
by ``tools/gen_api_status.py`` from MXNet 1.9.1's recorded API surface, the op registry and
the conformance-matrix report; shipped in the package). Without that file the op registry
alone is used.

Statuses: ``supported``, ``partial`` (some matrix cells fail; the reason says which),
``failing``, ``untested`` (implemented, no conformance cases), ``unsupported`` (raises
MXNetError under mxcompat), ``out-of-scope`` (Gluon, Symbol, Module, io, ...: outside
mxcompat), ``unknown`` (not a name of MXNet 1.9.1's API).
"""
from __future__ import annotations

import ast
import importlib.util
import json
import os
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Dict, Iterable, Iterator, List, Optional, Sequence, Tuple

SCHEMA = "mxcompat-scan/1"
STATUS_SCHEMA = "mxcompat-api-status/1"
STATUS_FILE = Path(__file__).resolve().parent / "data" / "api_status.json"

#: statuses, most severe first (the report's sort order)
STATUSES = ("unknown", "out-of-scope", "unsupported", "failing", "partial", "untested",
            "supported")
#: ``--fail-on`` choices and the statuses each one selects
FAIL_ON = {
    "unknown": ("unknown",),
    "unsupported": ("unsupported", "out-of-scope"),
    "out-of-scope": ("out-of-scope",),
    "partial": ("partial", "failing"),
    "failing": ("failing",),
    "untested": ("untested",),
}

#: directories never scanned
SKIP_DIRS = frozenset({".git", ".hg", ".svn", "__pycache__", ".tox", ".nox", "venv", ".venv",
                       "node_modules", ".ipynb_checkpoints", ".mypy_cache", ".pytest_cache",
                       ".ruff_cache", "site-packages", ".eggs"})

#: mx.nd submodules (namespaces of ops)
ND_SUBMODULES = ("random", "linalg", "contrib", "sparse", "image")
#: in-scope top-level modules whose public names are listed individually
MODULES = ("autograd", "random", "context", "test_utils", "base")
#: mxcompat additions (not in MXNet 1.9.1): reported as supported, with a note
EXTENSIONS = {
    "NDArray.tensor": "mxcompat extension: the torch.Tensor underneath (not in MXNet)",
    "NDArray.to_torch": "mxcompat extension: the torch.Tensor underneath (not in MXNet)",
    "mx.nd.from_torch": "mxcompat extension: wrap a torch.Tensor (not in MXNet)",
    "mx.install": "mxcompat extension: make `import mxnet` resolve to mxcompat",
    "mx.uninstall": "mxcompat extension: undo mx.install()",
}
#: names of mx.nd whose result is not an NDArray (everything else is assumed to return one)
_ND_NOT_ARRAY = frozenset({"save", "load", "load_frombuffer", "waitall", "NDArray", "CachedOp",
                           "ndarray", "op", "utils", "register", "Context", "cpu", "gpu",
                           "current_context", "is_np_array", "imdecode"})
#: NDArray attributes whose value is not an NDArray
_METHOD_NOT_ARRAY = frozenset({"asnumpy", "asscalar", "shape", "size", "ndim", "dtype",
                               "context", "ctx", "stype", "attach_grad", "backward",
                               "wait_to_read", "handle", "writable", "to_dlpack_for_read",
                               "to_dlpack_for_write", "as_np_ndarray", "tolist", "tensor",
                               "to_torch", "item"})


# =========================================================================================
# the status data
def _names_of(section: Any) -> List[str]:
    return sorted(section) if isinstance(section, (dict, list)) else []


def build_status(api: Optional[Dict[str, Any]] = None,
                 rows: Optional[Dict[str, Dict[str, Any]]] = None) -> Dict[str, Any]:
    """The status of every public name of MXNet 1.9.1's API under this mxcompat.

    ``api``: ``compat_matrix/data/mxnet_api.json`` (MXNet's recorded API surface); without it,
    mx.nd's names come from ``mxcompat.ndarray._api_names`` and the other modules from what
    mxcompat itself defines. ``rows``: the conformance matrix's op rows (``op`` name ->
    ``{"status", "notes", ...}``, from ``compat_matrix.report.build_rows``); without them the
    op registry decides (implemented: ``untested``; stub: ``unsupported``).
    """
    import mxcompat
    from mxcompat import ndarray as nd
    from mxcompat.ndarray import _api_names, _methods
    from mxcompat.ndarray.ndarray import NDArray

    names: Dict[str, Dict[str, str]] = {}
    out_of_scope: Dict[str, str] = dict(sorted(mxcompat._OUT_OF_SCOPE.items()))

    def put(key: str, status: str, reason: str = "") -> None:
        names[key] = {"status": status, "reason": reason} if reason else {"status": status}

    def is_stub(fn: Any) -> bool:
        return fn is None or bool(getattr(fn, "_mx_stub", False))

    def op_status(row_key: str, fn: Any, kind: str = "function") -> Tuple[str, str]:
        if is_stub(fn):
            return "unsupported", "not implemented in mxcompat yet (raises MXNetError)"
        row = (rows or {}).get(row_key)
        if kind == "class":
            return "supported", ""
        if row is None:
            return "untested", "implemented; no conformance-matrix cases yet"
        st = row.get("status", "untested")
        if st == "unsupported":  # a stale report: the op was implemented since
            st = "untested"
        if st == "untested":
            return st, "implemented; no conformance-matrix cases yet"
        if st in ("partial", "failing"):
            why = row.get("fail_reasons") or [n for n in row.get("notes", []) if n]
            return st, "; ".join(why)
        return st, ""

    def safe_get(obj: Any, name: str) -> Any:
        try:
            return getattr(obj, name)
        except Exception:  # stubs raise MXNetError (also AttributeError) on lookup
            return None

    # ---- mx.nd and its submodules
    nd_api = (api or {}).get("nd") or {n: {"kind": "function"} for n in _api_names.ND_NAMES}
    for name, rec in sorted(nd_api.items()):
        if name.startswith("_"):
            continue
        kind = rec.get("kind", "function") if isinstance(rec, dict) else "function"
        if kind == "module":
            continue
        st, why = op_status(name, safe_get(nd, name), kind)
        put(f"mx.nd.{name}", st, why)
    subs = (api or {}).get("nd_submodules") or {
        s: {n: {"kind": "function"} for n in ns} for s, ns in _api_names.SUBMODULE_NAMES.items()}
    for sub, entries in sorted(subs.items()):
        if sub not in ND_SUBMODULES:
            continue  # mx.nd.op: the same functions as mx.nd
        mod = safe_get(nd, sub)
        for name, rec in sorted(entries.items()):
            if name.startswith("_"):
                continue
            kind = rec.get("kind", "function") if isinstance(rec, dict) else "function"
            if kind == "module":
                continue
            if kind == "class" and name in nd_api:
                continue  # re-exports (NDArray, Context) are listed under mx.nd
            fn = safe_get(mod, name) if mod is not None else None
            st, why = op_status(f"{sub}.{name}", fn, kind)
            put(f"mx.nd.{sub}.{name}", st, why)

    # ---- NDArray methods and properties
    methods = (api or {}).get("ndarray_methods") or {
        n: {} for n in dir(NDArray) if not n.startswith("_")}
    fluent = set(_methods.FLUENT)
    for name in sorted(methods):
        if name.startswith("_"):
            continue
        if name in fluent:
            fn = safe_get(nd, name)
            st, why = op_status(f"NDArray.{name}", fn if hasattr(NDArray, name) else None)
        elif not hasattr(NDArray, name):
            st, why = "unsupported", "not provided by mxcompat's NDArray yet"
        else:
            row = (rows or {}).get(f"NDArray.{name}")
            st = row.get("status", "supported") if row else "supported"
            if st in ("untested", "unsupported"):
                st = "supported"  # attributes of the array object, covered by unit tests
            why = "; ".join(row.get("notes", [])) if row and st in ("partial", "failing") \
                else ""
        put(f"NDArray.{name}", st, why)

    # ---- in-scope modules: implemented or not
    for modname in MODULES:
        mod = safe_get(mxcompat, modname) if modname != "base" else mxcompat.base
        if modname == "base":
            entries = [n for n in ("MXNetError", "NotImplementedForSymbol",
                                   "NotSupportedForSparseNDArray") if hasattr(mod, n)]
        else:
            sec = (api or {}).get(modname)
            if isinstance(sec, dict):
                entries = [n for n, r in sec.items()
                           if not n.startswith("_") and r.get("kind") != "module"
                           and str(r.get("module", "mxnet")).startswith("mxnet")]
            else:
                entries = [n for n in dir(mod) if not n.startswith("_")]
        for name in sorted(entries):
            ok = mod is not None and (name in vars(mod) or safe_get(mod, name) is not None)
            if modname == "random" and ok and f"mx.nd.random.{name}" in names:
                ent = names[f"mx.nd.random.{name}"]  # mx.random.uniform is mx.nd.random's
                put(f"mx.random.{name}", ent["status"], ent.get("reason", ""))
            elif ok:
                put(f"mx.{modname}.{name}", "supported")
            else:
                put(f"mx.{modname}.{name}", "unsupported",
                    f"mx.{modname}.{name} is not provided by mxcompat")

    # ---- the top level
    top = (api or {}).get("top_level") or {n: {"kind": "function"} for n in mxcompat.__all__}
    modules = ["nd", "ndarray"] + list(MODULES)
    other_modules: Dict[str, str] = {}
    provided_modules: Dict[str, str] = {}
    for name, rec in sorted(top.items()):
        if name.startswith("_") or name in out_of_scope:
            continue
        if rec.get("kind") == "module":
            if name not in modules:
                real = getattr(mxcompat, "_MODULE_ALIASES", {}).get(name, name)
                if importlib.util.find_spec(f"mxcompat.{real}") is not None:
                    # a front-end mxcompat provides, whose names are not listed one by one
                    provided_modules[name] = f"mx.{name} is provided by mxcompat (its names " \
                        "are not checked one by one yet)"
                else:
                    other_modules[name] = "not provided by mxcompat"
            continue
        ok = safe_get(mxcompat, name) is not None
        put(f"mx.{name}", "supported" if ok else "unsupported",
            "" if ok else f"mx.{name} is not provided by mxcompat")
    for key, why in EXTENSIONS.items():
        put(key, "supported", why)
    return {
        "schema": STATUS_SCHEMA,
        "mxnet_version": "1.9.1",
        "source": "matrix" if rows else "registry",
        "modules": sorted(set(modules)),
        "nd_submodules": list(ND_SUBMODULES),
        "out_of_scope": out_of_scope,
        "missing_modules": other_modules,
        "provided_modules": provided_modules,
        "names": dict(sorted(names.items())),
    }


def render_status(data: Dict[str, Any]) -> str:
    return json.dumps(data, indent=1, sort_keys=True) + "\n"


_STATUS_CACHE: Dict[str, Any] = {}


def load_status() -> Dict[str, Any]:
    """The packaged status data, or (no file) data built from the op registry now."""
    if "data" not in _STATUS_CACHE:
        try:
            data = json.loads(STATUS_FILE.read_text(encoding="utf-8"))
            if data.get("schema") != STATUS_SCHEMA:
                raise ValueError(data.get("schema"))
        except (OSError, ValueError):
            data = build_status()
        _STATUS_CACHE["data"] = data
    return _STATUS_CACHE["data"]


# =========================================================================================
# classification of a resolved MXNet path
@dataclass
class Api:
    """What one referenced path is: ``name`` (None for a namespace), ``status``,
    ``reason``, ``returns_array``."""
    name: Optional[str]
    status: str = ""
    reason: str = ""
    returns_array: bool = False


class Classifier:
    def __init__(self, status: Dict[str, Any]):
        self.names: Dict[str, Dict[str, str]] = status["names"]
        self.out_of_scope: Dict[str, str] = status["out_of_scope"]
        self.missing_modules: Dict[str, str] = status.get("missing_modules", {})
        self.provided_modules: Dict[str, str] = status.get("provided_modules", {})
        self.modules = set(status["modules"])
        self.nd_subs = set(status["nd_submodules"])
        self._cache: Dict[Tuple[str, ...], Api] = {}

    def _lookup(self, key: str, returns_array: bool = False) -> Api:
        ent = self.names.get(key)
        if ent is None:
            return Api(key, "unknown", "not part of MXNet 1.9.1's API")
        return Api(key, ent["status"], ent.get("reason", ""), returns_array)

    def path(self, parts: Tuple[str, ...]) -> Api:
        """``parts``: the path after ``mxnet`` (``("nd", "random", "uniform")``)."""
        got = self._cache.get(parts)
        if got is None:
            got = self._cache[parts] = self._path(parts)
        return got

    def _path(self, parts: Tuple[str, ...]) -> Api:
        if not parts or parts[0].startswith("__"):
            return Api(None)  # the package itself, mx.__version__ (mxcompat has it: 1.9.1)
        first = "nd" if parts[0] == "ndarray" else parts[0]
        rest = parts[1:]
        if first == "nd":
            if not rest:
                return Api(None)
            if rest[0] in ("ndarray", "op", "utils") and len(rest) > 1:
                rest = rest[1:]  # mx.nd.ndarray.NDArray, mx.nd.op.dot: the same names
            if rest[0] in self.nd_subs:
                if len(rest) == 1:
                    return Api(None)
                return self._lookup(f"mx.nd.{rest[0]}.{rest[1]}", returns_array=True)
            if rest[0] == "NDArray" and len(rest) > 1:
                return self.method(rest[1])
            return self._lookup(f"mx.nd.{rest[0]}", returns_array=rest[0] not in _ND_NOT_ARRAY)
        if first in self.out_of_scope:
            name = "mx." + ".".join((first,) + rest)
            return Api(name, "out-of-scope", f"{self.out_of_scope[first]} is outside "
                       "mxcompat's scope (see docs/migration.md)")
        if first in self.modules:
            if not rest:
                return Api(None)
            arr = (first == "random" and rest[0] != "seed") or \
                (first == "test_utils" and rest[0] in ("rand_ndarray", "create_vector",
                                                        "create_2d_tensor"))
            return self._lookup(f"mx.{first}.{rest[0]}", returns_array=arr)
        if first in self.provided_modules:
            if not rest:
                return Api(None)
            if f"mx.{first}.{rest[0]}" in self.names:
                return self._lookup(f"mx.{first}.{rest[0]}")
            return Api("mx." + ".".join((first,) + rest), "untested",
                       self.provided_modules[first])
        if first in self.missing_modules:
            return Api("mx." + ".".join((first,) + rest), "unsupported",
                       f"mx.{first} is not provided by mxcompat")
        return self._lookup(f"mx.{first}")

    def method(self, attr: str) -> Api:
        key = ("NDArray", attr)
        got = self._cache.get(key)
        if got is None:
            if attr.startswith("__") and attr.endswith("__"):
                got = Api(None)
            else:
                got = self._lookup(f"NDArray.{attr}", returns_array=attr not in
                                   _METHOD_NOT_ARRAY)
            self._cache[key] = got
        return got


# =========================================================================================
# the AST walk
@dataclass
class Use:
    api: str
    status: str
    reason: str
    location: str


_ARRAY = ("array",)
_ARRAYS = ("arrays",)  # a list/tuple of NDArrays


def _is_mxnet_module(name: str) -> Optional[Tuple[str, ...]]:
    parts = tuple(name.split("."))
    if parts[0] in ("mxnet", "mxcompat"):
        return parts[1:]
    return None


def _dotted(node: ast.AST) -> Optional[str]:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = _dotted(node.value)
        return f"{base}.{node.attr}" if base else None
    return None


class _Scanner(ast.NodeVisitor):
    """Walks one module (or the cells of one notebook, in order). Bindings: a name maps to
    ``("path", parts)`` (an MXNet object), ``_ARRAY`` (an NDArray) or ``None`` (something
    else, shadowing outer bindings)."""

    def __init__(self, classifier: Classifier, emit: Callable[[Api, int], None]):
        self.cls = classifier
        self.emit = emit
        self.scopes: List[Dict[str, Any]] = [{}]
        self.attr_arrays: Dict[str, bool] = {}

    # ---- bindings
    def lookup(self, name: str) -> Any:
        for scope in reversed(self.scopes):
            if name in scope:
                return scope[name]
        return None

    def bind(self, name: str, value: Any) -> None:
        self.scopes[-1][name] = value

    def resolve(self, node: ast.AST) -> Optional[Tuple[str, ...]]:
        """The MXNet path an expression names (``mx.nd.dot`` -> ("nd", "dot"))."""
        if isinstance(node, ast.Name):
            b = self.lookup(node.id)
            return b[1] if isinstance(b, tuple) and b[0] == "path" else None
        if isinstance(node, ast.Attribute):
            base = self.resolve(node.value)
            return base + (node.attr,) if base is not None else None
        return None

    def is_array(self, node: ast.AST) -> bool:
        if isinstance(node, ast.Name):
            return self.lookup(node.id) == _ARRAY
        if isinstance(node, ast.Attribute):
            key = _dotted(node)
            if key is not None and self.attr_arrays.get(key):
                return True
            if self.resolve(node) is None and node.attr in ("T", "grad"):
                return self.is_array(node.value)
            return False
        if isinstance(node, ast.Call):
            path = self.resolve(node.func)
            if path is not None:
                return self.cls.path(path).returns_array
            f = node.func
            if isinstance(f, ast.Attribute) and self.is_array(f.value):
                return self.cls.method(f.attr).returns_array
            return False
        if isinstance(node, ast.BinOp):
            return self.is_array(node.left) or self.is_array(node.right)
        if isinstance(node, ast.Compare):  # MXNet comparisons give NDArrays of 0/1
            return len(node.ops) == 1 and (self.is_array(node.left) or
                                           self.is_array(node.comparators[0]))
        if isinstance(node, ast.UnaryOp):
            return self.is_array(node.operand)
        if isinstance(node, ast.Subscript):
            return self.is_array(node.value) or self.is_arrays(node.value)
        if isinstance(node, ast.IfExp):
            return self.is_array(node.body) and self.is_array(node.orelse)
        return False

    def is_arrays(self, node: ast.AST) -> bool:
        """A list/tuple of NDArrays: a literal of arrays, or a name bound to one."""
        if isinstance(node, (ast.List, ast.Tuple)):
            return bool(node.elts) and all(self.is_array(e) for e in node.elts)
        if isinstance(node, ast.Name):
            return self.lookup(node.id) == _ARRAYS
        return False

    def record_path(self, parts: Tuple[str, ...], node: ast.AST) -> None:
        api = self.cls.path(parts)
        if api.name is not None:
            self.emit(api, getattr(node, "lineno", 0))

    # ---- imports
    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            parts = _is_mxnet_module(alias.name)
            if parts is None:
                if alias.asname:
                    self.bind(alias.asname, None)
                else:
                    self.bind(alias.name.split(".")[0], None)
                continue
            if alias.asname:
                self.bind(alias.asname, ("path", parts))
            else:
                self.bind(alias.name.split(".")[0], ("path", ()))
            self.record_path(parts, node)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        parts = _is_mxnet_module(node.module or "") if node.level == 0 else None
        for alias in node.names:
            name = alias.asname or alias.name
            if parts is None:
                if alias.name != "*":
                    self.bind(name, None)
                continue
            if alias.name == "*":
                continue
            path = parts + (alias.name,)
            self.bind(name, ("path", path))
            self.record_path(path, node)

    # ---- references
    def visit_Name(self, node: ast.Name) -> None:
        if isinstance(node.ctx, ast.Load):
            path = self.resolve(node)
            if path is not None:
                self.record_path(path, node)

    def visit_Attribute(self, node: ast.Attribute) -> None:
        path = self.resolve(node)
        if path is not None:
            self.record_path(path, node)
            return
        if self.is_array(node.value):
            api = self.cls.method(node.attr)
            if api.name is not None:
                self.emit(api, node.lineno)
        self.visit(node.value)

    # ---- assignments
    def _value_binding(self, value: Optional[ast.AST]) -> Any:
        if value is None:
            return None
        path = self.resolve(value)
        if path is not None:
            return ("path", path)
        if self.is_array(value):
            return _ARRAY
        return _ARRAYS if self.is_arrays(value) else None

    def _bind_target(self, target: ast.AST, binding: Any, value: Optional[ast.AST]) -> None:
        if isinstance(target, ast.Name):
            self.bind(target.id, binding)
        elif isinstance(target, (ast.Tuple, ast.List)):
            values = value.elts if isinstance(value, (ast.Tuple, ast.List)) and \
                len(value.elts) == len(target.elts) else None
            for i, t in enumerate(target.elts):
                if values is not None:
                    self._bind_target(t, self._value_binding(values[i]), values[i])
                else:  # a, b = mx.nd.split(...) / a, b = arrays: each is an NDArray
                    self._bind_target(t, _ARRAY if binding in (_ARRAY, _ARRAYS) else None,
                                      None)
        elif isinstance(target, ast.Starred):
            self._bind_target(target.value, None, None)
        elif isinstance(target, ast.Attribute):
            key = _dotted(target)
            if key is not None:
                if binding == _ARRAY:
                    self.attr_arrays[key] = True
                else:
                    self.attr_arrays.pop(key, None)
            self.visit(target.value)
        else:
            self.visit(target)

    def visit_Assign(self, node: ast.Assign) -> None:
        self.visit(node.value)
        binding = self._value_binding(node.value)
        for t in node.targets:
            self._bind_target(t, binding, node.value)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        if node.value is not None:
            self.visit(node.value)
        self.visit(node.annotation)
        binding = self._value_binding(node.value) if node.value is not None else \
            self._annotation_binding(node.annotation)
        self._bind_target(node.target, binding, node.value)

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        self.visit(node.value)
        if not isinstance(node.target, ast.Name):
            self.visit(node.target)

    def visit_NamedExpr(self, node: Any) -> None:
        self.visit(node.value)
        self.bind(node.target.id, self._value_binding(node.value))

    def visit_For(self, node: Any) -> None:
        self.visit(node.iter)
        each = self.is_array(node.iter) or self.is_arrays(node.iter)  # rows / elements
        self._bind_target(node.target, _ARRAY if each else None, None)
        for stmt in node.body + node.orelse:
            self.visit(stmt)

    visit_AsyncFor = visit_For

    def visit_With(self, node: Any) -> None:
        for item in node.items:
            self.visit(item.context_expr)
            if item.optional_vars is not None:
                self._bind_target(item.optional_vars, None, None)
        for stmt in node.body:
            self.visit(stmt)

    visit_AsyncWith = visit_With

    # ---- scopes
    def _annotation_binding(self, ann: Optional[ast.AST]) -> Any:
        if ann is None:
            return None
        path = self.resolve(ann)
        if path is not None and self.cls.path(path).name == "mx.nd.NDArray":
            return _ARRAY
        return None

    def visit_FunctionDef(self, node: Any) -> None:
        for d in node.decorator_list:
            self.visit(d)
        self.visit(node.args)
        if node.returns is not None:
            self.visit(node.returns)
        self.bind(node.name, None)
        scope: Dict[str, Any] = {}
        a = node.args
        for arg in a.posonlyargs + a.args + a.kwonlyargs:
            scope[arg.arg] = self._annotation_binding(arg.annotation)
        for arg in (a.vararg, a.kwarg):
            if arg is not None:
                scope[arg.arg] = None
        self.scopes.append(scope)
        for stmt in node.body:
            self.visit(stmt)
        self.scopes.pop()

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_arguments(self, node: ast.arguments) -> None:
        for d in node.defaults + [d for d in node.kw_defaults if d is not None]:
            self.visit(d)
        for arg in node.posonlyargs + node.args + node.kwonlyargs:
            if arg.annotation is not None:
                self.visit(arg.annotation)

    def visit_Lambda(self, node: ast.Lambda) -> None:
        self.visit(node.args)
        scope = {arg.arg: None for arg in node.args.posonlyargs + node.args.args +
                 node.args.kwonlyargs}
        self.scopes.append(scope)
        self.visit(node.body)
        self.scopes.pop()

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        for d in node.decorator_list + node.bases + [k.value for k in node.keywords]:
            self.visit(d)
        self.bind(node.name, None)
        self.scopes.append({})
        for stmt in node.body:
            self.visit(stmt)
        self.scopes.pop()


# =========================================================================================
# files, notebooks, the report
@dataclass
class Report:
    paths: List[str]
    files: int = 0
    lines: int = 0
    seconds: float = 0.0
    errors: List[Dict[str, Any]] = field(default_factory=list)
    uses: Dict[str, Dict[str, Any]] = field(default_factory=dict)
    source: str = ""

    def add(self, api: Api, location: str) -> None:
        ent = self.uses.get(api.name or "")
        if ent is None:
            ent = self.uses[api.name or ""] = {"api": api.name, "status": api.status,
                                               "reason": api.reason, "count": 0,
                                               "locations": []}
        ent["count"] += 1
        if not ent["locations"] or ent["locations"][-1] != location:
            if location not in ent["locations"]:
                ent["locations"].append(location)

    def apis(self) -> List[Dict[str, Any]]:
        order = {s: i for i, s in enumerate(STATUSES)}
        return sorted(self.uses.values(), key=lambda e: (order.get(e["status"], 99),
                                                         e["api"]))

    def summary(self) -> Dict[str, Any]:
        by: Dict[str, Dict[str, int]] = {}
        for e in self.uses.values():
            s = by.setdefault(e["status"], {"apis": 0, "uses": 0})
            s["apis"] += 1
            s["uses"] += e["count"]
        return {"files": self.files, "lines": self.lines, "apis": len(self.uses),
                "uses": sum(e["count"] for e in self.uses.values()),
                "errors": len(self.errors),
                "by_status": {k: by[k] for k in STATUSES if k in by}}

    def to_json(self) -> Dict[str, Any]:
        from . import __mxcompat_version__
        return {"schema": SCHEMA, "mxcompat_version": __mxcompat_version__,
                "mxnet_version": "1.9.1", "status_source": self.source,
                "paths": list(self.paths), "summary": self.summary(), "apis": self.apis(),
                "errors": list(self.errors)}

    def matching(self, statuses: Iterable[str]) -> List[Dict[str, Any]]:
        want = set(statuses)
        return [e for e in self.apis() if e["status"] in want]


def iter_files(paths: Sequence[str]) -> Iterator[Tuple[str, str]]:
    """(path to open, path to show) for every .py/.ipynb file under ``paths``, sorted,
    skipping VCS, virtual-environment and cache directories."""
    for p in paths:
        if os.path.isfile(p):
            yield p, os.path.normpath(p)
            continue
        found = []
        for root, dirs, files in os.walk(p):
            dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not
                             os.path.exists(os.path.join(root, d, "pyvenv.cfg")))
            for f in files:
                if f.endswith((".py", ".ipynb")):
                    full = os.path.join(root, f)
                    found.append(full)
        for full in sorted(found):
            yield full, os.path.normpath(full)


_HELP = re.compile(r"^[\w.]+\?\??\s*$")  # IPython's `obj?` / `obj??` help lines
_PY_CELL_MAGICS = ("%%time", "%%timeit", "%%capture", "%%prun", "%%python", "%%debug")


def notebook_cells(text: str) -> List[Tuple[int, str]]:
    """(1-based cell number among all cells, Python source with IPython magics and shell
    escapes blanked) for each code cell."""
    nb = json.loads(text)
    out = []
    for i, cell in enumerate(nb.get("cells", []), 1):
        if cell.get("cell_type") != "code":
            continue
        src = cell.get("source", "")
        src = "".join(src) if isinstance(src, list) else str(src)
        lines = src.split("\n")
        first = lines[0].strip() if lines else ""
        if first.startswith("%%") and not first.startswith(_PY_CELL_MAGICS):
            continue  # %%bash, %%html, ...: not Python
        clean = []
        for ln in lines:
            s = ln.lstrip()
            clean.append("" if s.startswith(("%", "!")) or _HELP.match(s) else ln)
        out.append((i, "\n".join(clean)))
    return out


class Scan:
    """``Scan(paths).run()`` -> :class:`Report`."""

    def __init__(self, paths: Sequence[str], status: Optional[Dict[str, Any]] = None,
                 progress: Optional[Callable[[int, int, str], None]] = None):
        self.paths = list(paths)
        self.status = status if status is not None else load_status()
        self.classifier = Classifier(self.status)
        self.progress = progress

    def run(self) -> Report:
        t0 = time.perf_counter()
        rep = Report(paths=self.paths, source=self.status.get("source", ""))
        files = list(iter_files(self.paths))
        for n, (full, shown) in enumerate(files, 1):
            if self.progress is not None:
                self.progress(n, len(files), shown)
            self.scan_file(full, shown, rep)
        rep.seconds = time.perf_counter() - t0
        return rep

    def scan_file(self, full: str, shown: str, rep: Report) -> None:
        rep.files += 1
        try:
            data = Path(full).read_bytes()
        except OSError as e:
            rep.errors.append({"file": shown, "line": None,
                               "message": f"cannot read: {e.strerror or e}"})
            return
        if full.endswith(".ipynb"):
            try:
                cells = notebook_cells(data.decode("utf-8"))
            except (ValueError, UnicodeDecodeError, AttributeError) as e:
                rep.errors.append({"file": shown, "line": None,
                                   "message": f"not a readable notebook: {e}"})
                return
            scanner = None
            for num, src in cells:
                rep.lines += src.count("\n") + 1
                where = f"{shown}:cell {num}"
                scanner = self._scan_source(src, where, rep, scanner)
            return
        rep.lines += data.count(b"\n") + (0 if data.endswith(b"\n") or not data else 1)
        self._scan_source(data, shown, rep, None)

    def _scan_source(self, src: Any, where: str, rep: Report,
                     scanner: Optional[_Scanner]) -> Optional[_Scanner]:
        try:
            tree = ast.parse(src, filename=where)
        except SyntaxError as e:
            rep.errors.append({"file": where, "line": e.lineno,
                               "message": f"SyntaxError: {e.msg}"})
            return scanner
        except ValueError as e:  # null bytes, bad encoding declarations
            rep.errors.append({"file": where, "line": None, "message": f"cannot parse: {e}"})
            return scanner
        if scanner is None:
            scanner = _Scanner(self.classifier, lambda api, line: None)
        scanner.emit = lambda api, line: rep.add(api, f"{where}:{line}")
        scanner.visit(tree)
        return scanner


def scan(paths: Sequence[str], **kwargs: Any) -> Report:
    """Scan files/directories; see :class:`Report` and :func:`Report.to_json`."""
    return Scan(paths, **kwargs).run()


# =========================================================================================
# output formats
def _where(ent: Dict[str, Any], n: int = 3) -> str:
    locs = ent["locations"]
    more = f" (+{len(locs) - n} more)" if len(locs) > n else ""
    return ", ".join(locs[:n]) + more


def format_table(rep: Report) -> str:
    s = rep.summary()
    lines = [f"mxcompat scan: {s['files']} files, {s['lines']} lines: {s['apis']} MXNet APIs, "
             f"{s['uses']} uses"]
    apis = rep.apis()
    if apis:
        wa = max(len("api"), max(len(e["api"]) for e in apis))
        ws = max(len(e["status"]) for e in apis)
        lines.append("")
        lines.append(f"{'status':<{ws}}  {'api':<{wa}}  {'uses':>4}  where")
        lines.append(f"{'-' * ws}  {'-' * wa}  {'-' * 4}  {'-' * 5}")
        for e in apis:
            lines.append(f"{e['status']:<{ws}}  {e['api']:<{wa}}  {e['count']:>4}  "
                         f"{_where(e)}")
            if e["reason"] and e["status"] != "supported":
                lines.append(f"{'':<{ws}}  {'':<{wa}}        {e['reason']}")
    lines.append("")
    parts = [f"{k} {v['apis']} ({v['uses']} uses)" for k, v in s["by_status"].items()]
    lines.append("by status: " + (", ".join(parts) if parts else "no MXNet use found"))
    for err in rep.errors:
        loc = err["file"] + (f":{err['line']}" if err.get("line") else "")
        what = "cell" if ":cell " in err["file"] else "file"
        lines.append(f"error: {loc}: {err['message']} ({what} skipped)")
    return "\n".join(lines) + "\n"


def _md(text: str) -> str:
    return text.replace("|", "\\|")


def format_markdown(rep: Report) -> str:
    s = rep.summary()
    lines = ["# mxcompat scan", "",
             f"{s['files']} files, {s['lines']} lines: {s['apis']} MXNet APIs, {s['uses']} "
             "uses.", "", "| status | APIs | uses |", "|---|---|---|"]
    for k, v in s["by_status"].items():
        lines.append(f"| {k} | {v['apis']} | {v['uses']} |")
    lines += ["", "| API | status | uses | where | notes |", "|---|---|---|---|---|"]
    for e in rep.apis():
        lines.append(f"| `{e['api']}` | {e['status']} | {e['count']} | "
                     f"{_md(_where(e, 5))} | {_md(e['reason'])} |")
    if rep.errors:
        lines += ["", "Files that could not be parsed:", ""]
        for err in rep.errors:
            loc = err["file"] + (f":{err['line']}" if err.get("line") else "")
            lines.append(f"- `{loc}`: {_md(err['message'])}")
    return "\n".join(lines) + "\n"


def format_json(rep: Report) -> str:
    return json.dumps(rep.to_json(), indent=1) + "\n"


FORMATS = {"table": format_table, "json": format_json, "markdown": format_markdown}


def progress_bar(stream: Any = None) -> Callable[[int, int, str], None]:
    """A one-line progress bar on ``stream`` (stderr), redrawn at most ~20 times a second."""
    stream = stream or sys.stderr
    state = {"t": 0.0}

    def show(n: int, total: int, name: str) -> None:
        now = time.perf_counter()
        if n != total and now - state["t"] < 0.05:
            return
        state["t"] = now
        width = 30
        done = int(width * n / max(total, 1))
        stream.write(f"\rscanning [{'#' * done}{'.' * (width - done)}] {n}/{total} files")
        if n == total:
            stream.write("\n")
        stream.flush()
    return show
