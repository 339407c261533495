"""Gluon's symbolic side: a HybridBlock traced with ``F = mx.sym`` (``export``, blocks
called on Symbols) and :class:`SymbolBlock`, a block that runs a Symbol graph (``imports``
loads an exported ``-symbol.json`` + ``.params`` pair)."""
from __future__ import annotations

import os
import warnings
from typing import Any, Dict, List, Optional, Tuple

from .. import ndarray as nd
from ..base import MXNetError, MXNetValueError
from ..ndarray.ndarray import NDArray
from .block import HybridBlock, _find_arrays
from .parameter import ParameterDict

__all__ = ["SymbolBlock", "trace", "export_block", "forward_symbol"]


def _sym() -> Any:
    from .. import symbol
    return symbol


def _flatten(args: Any, what: str) -> Tuple[list, Any]:
    """MXNet's flattening of (nested) inputs/outputs: (flat list, format)."""
    Symbol = _sym().Symbol
    if isinstance(args, (NDArray, Symbol)):
        if isinstance(args, Symbol) and len(args) > 1:
            return list(args), int(len(args))
        return [args], 0
    if args is None:
        return [None], -1
    if not isinstance(args, (list, tuple)):
        raise MXNetValueError(f"HybridBlock {what} must be (nested) list of Symbol or "
                              f"NDArray, but got {args} of type {type(args)}")
    flat, fmts = [], []
    for a in args:
        f, fmt = _flatten(a, what)
        flat.extend(f)
        fmts.append(fmt)
    return flat, fmts


def _regroup(args: list, fmt: Any) -> Tuple[Any, list]:
    if isinstance(fmt, int):
        if fmt == 0:
            return args[0], args[1:]
        if fmt == -1:
            return None, args[1:]
        return args[:fmt], args[fmt:]
    ret = []
    for f in fmt:
        r, args = _regroup(args, f)
        ret.append(r)
    return ret, args


def forward_symbol(block: HybridBlock, x: Any, args: tuple) -> Any:
    """``block`` called on Symbols: its ``hybrid_forward`` with ``F = mx.sym`` and its
    parameters as variables, names prefixed by the block's prefix."""
    params = {k: v.var() for k, v in block._reg_params.items()}
    with block.name_scope():
        return block.hybrid_forward(_sym(), x, *args, **params)


def trace(block: HybridBlock, in_format: Any) -> Tuple[list, Any]:
    """(input variables, output symbol) of ``block`` for inputs of ``in_format``."""
    sym = _sym()
    fmt = in_format if isinstance(in_format, list) else [in_format]

    def count(f: Any) -> int:
        if isinstance(f, list):
            return sum(count(x) for x in f)
        return 1 if f == 0 else 0
    n = count(fmt)
    if n == 0:
        raise ValueError("All args are None and we do not support such a case.")
    inputs: List[Any] = []

    def build(f: Any) -> Any:
        if isinstance(f, list):
            return [build(x) for x in f]
        if f == -1:
            return None
        v = sym.var("data" if n == 1 else f"data{len(inputs)}")
        inputs.append(v)
        return v
    grouped = build(fmt)
    params = {k: v.var() for k, v in block._reg_params.items()}
    with block.name_scope():
        out = block.hybrid_forward(sym, *grouped, **params)
    flat, _ = _flatten(out, "output")
    return inputs, sym.Group(flat)


def _save_params(block: HybridBlock, out: Any, fname: str) -> None:
    arg_names = set(out.list_arguments())
    aux_names = set(out.list_auxiliary_states())
    arg_dict: Dict[str, NDArray] = {}
    for name, param in block.collect_params().items():
        if name in arg_names:
            arg_dict[f"arg:{name}"] = param._reduce()
        elif name in aux_names:
            arg_dict[f"aux:{name}"] = param._reduce()
        else:
            warnings.warn(f'Parameter "{name}" is not found in the graph. ', stacklevel=3)
    nd.save(fname, arg_dict)


def export_block(block: HybridBlock, path: str, epoch: int, remove_amp_cast: bool) -> Any:
    _, out = block._symbolic_graph()
    out.save(f"{path}-symbol.json", remove_amp_cast=remove_amp_cast)
    _save_params(block, out, f"{path}-{epoch:04d}.params")
    return None


def _common_prefix(names: List[str]) -> str:
    if not names:
        return ""
    prefix = names[0]
    for n in names:
        i = 0
        while i < min(len(prefix), len(n)) and prefix[i] == n[i]:
            i += 1
        prefix = prefix[:i]
    return prefix


class SymbolBlock(HybridBlock):
    """A block that runs a Symbol graph: ``outputs`` computed from the variables ``inputs``;
    every other argument and auxiliary state of the graph becomes a Parameter."""

    def __init__(self, outputs: Any, inputs: Any, params: Optional[ParameterDict] = None):
        super().__init__(prefix=None, params=None)
        sym = _sym()
        object.__setattr__(self, "_prefix", "")
        object.__setattr__(self, "_params", ParameterDict("", params))
        if isinstance(inputs, sym.Symbol) and len(inputs) == 1:
            inputs = [inputs]
        if isinstance(outputs, (list, tuple)) and len(outputs) == 1:
            outputs = outputs[0]
        syms, in_format = _flatten(inputs, "input")
        out, out_format = _flatten(outputs, "output")
        out = sym.Group(out)
        input_names = []
        for i in syms:
            if not isinstance(i, sym.Symbol) or len(i.get_internals().list_outputs()) != 1:
                raise MXNetError(f"Input symbols must be variable, but {i} is an output of "
                                 "operators")
            input_names.append(i.name)
        arg_types, _, aux_types = out.infer_type_partial(
            **{n: "float32" for n in input_names if n in out.list_arguments()})
        args = out.list_arguments()
        auxs = out.list_auxiliary_states()
        arg_types = arg_types or [None] * len(args)
        aux_types = aux_types or [None] * len(auxs)
        for name, t in zip(args, arg_types, strict=False):
            if name not in input_names:
                self._params.get(name, allow_deferred_init=True, dtype=t or "float32")
        for name, t in zip(auxs, aux_types, strict=False):
            if name not in input_names:
                self._params.get(name, grad_req="null", allow_deferred_init=True,
                                 dtype=t or "float32")
        object.__setattr__(self, "_sym_inputs", syms)
        object.__setattr__(self, "_sym_out", out)
        object.__setattr__(self, "_sym_in_format", in_format)
        object.__setattr__(self, "_out_format", out_format)
        object.__setattr__(self, "_input_names", input_names)
        object.__setattr__(self, "_plan", None)
        object.__setattr__(self, "_in_format", in_format)
        plen = len(_common_prefix(list(self._params.keys())))
        object.__setattr__(self, "_reg_params",
                           {k[plen:]: v for k, v in self._params.items()})

    @staticmethod
    def imports(symbol_file: str, input_names: Any, param_file: Optional[str] = None,
                ctx: Any = None, allow_missing: bool = False,
                ignore_extra: bool = False) -> "SymbolBlock":
        """Load an exported model: ``symbol_file`` (``-symbol.json``), the names of its
        inputs, and optionally its ``.params`` file."""
        sym = _sym()
        out = sym.load(symbol_file)
        if isinstance(input_names, str):
            input_names = [input_names]
        if param_file is None:
            inputs = [sym.var(i, dtype="float32") for i in input_names]
        else:
            inputs = [sym.var(i) for i in input_names]
        ret = SymbolBlock(out, inputs)
        if param_file is not None:
            if not os.path.exists(param_file):
                raise MXNetError(f"SymbolBlock.imports: no such file {param_file!r}")
            ret.collect_params().load(param_file, ctx, allow_missing, ignore_extra,
                                      cast_dtype=True, dtype_source="saved")
        return ret

    def _symbolic_graph(self) -> Tuple[list, Any]:
        return self._sym_inputs, self._sym_out

    def _clear_cached_op(self) -> None:
        super()._clear_cached_op()
        if hasattr(self, "_sym_in_format"):
            object.__setattr__(self, "_in_format", self._sym_in_format)

    def hybrid_forward(self, F: Any, x: Any, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError

    def forward(self, x: Any, *args: Any) -> Any:
        sym = _sym()
        if isinstance(x, sym.Symbol):
            flat, fmt = _flatten([x] + list(args), "input")
            if fmt != self._sym_in_format and [fmt] != [self._sym_in_format]:
                pass
            ret = self._sym_out._deepcopy()
            ret._compose(**{k.name: v for k, v in zip(self._sym_inputs, flat, strict=False)})
            return _regroup(list(ret), self._out_format)[0]
        flat, _ = _flatten([x] + list(args), "input")
        found: List[NDArray] = []
        _find_arrays(flat, found)
        if not found:
            raise MXNetValueError("In HybridBlock, there must be one NDArray or one Symbol in "
                                  "the input. Please check the type of the args.\n")
        ctx = found[0].context
        env: Dict[str, Any] = {}
        for v, a in zip(self._sym_inputs, flat, strict=False):
            if a is not None:
                env[v.name] = a
        self._ensure_init(env)
        for name, p in self._params.items():
            env[name] = p.data(ctx)
        plan = self._plan
        if plan is None:
            from ..symbol.executor import _Plan
            plan = _Plan(self._sym_out)
            object.__setattr__(self, "_plan", plan)
        outs = plan.run(env)
        return _regroup(outs, self._out_format)[0]

    def _ensure_init(self, env: Dict[str, Any]) -> None:
        pending = [p for p in self._params.values() if p._data is None and p._deferred_init]
        if not pending:
            return
        shapes = {k: v.shape for k, v in env.items()}
        for name, p in self._params.items():
            if p._data is not None:
                shapes[name] = p.data().shape
        arg_shapes, _, aux_shapes = self._sym_out.infer_shape_partial(**shapes)
        known = dict(zip(self._sym_out.list_arguments(), arg_shapes, strict=False))
        known.update(zip(self._sym_out.list_auxiliary_states(), aux_shapes, strict=False))
        for p in pending:
            s = known.get(p.name)
            if not s:
                raise MXNetValueError(f"Deferred initialization failed because shape cannot "
                                      f"be inferred for Parameter '{p.name}'")
            p.shape = tuple(s)
            p._finish_deferred_init()

    def cast(self, dtype: Any) -> None:
        object.__setattr__(self, "_plan", None)
        super().cast(dtype)
