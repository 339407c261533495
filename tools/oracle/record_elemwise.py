"""Record element-wise, reduction and sorting cases from real MXNet 1.9.1 into
tests/golden/elemwise.json (run under the oracle environment; deterministic: the same MXNet
gives a byte-identical file):

    /work/venvs/oracle/bin/python tools/oracle/record_elemwise.py

tests/test_elemwise.py, tests/test_reduce.py and tests/test_sorting.py replay the same cases
on mxcompat (``check_case``) and compare.

Each case is Python code run with ``mx`` and ``np`` in scope plus the prelude below (``V``:
a value vector with halves and signs, ``S``: special floats, ``M``: a 2x3 matrix, ``R(...)``:
seeded values); it leaves its result in ``result``. Gradient cases (``GRADS``) record
``x.grad`` after ``op(*inputs, **kwargs)`` -> backward with a seeded head gradient; the
tests replay them through torch autograd on mxcompat's kernels.
"""
from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]

PRELUDE = '''
V = [-2.5, -1.5, -0.5, -0.3, 0.0, 0.3, 0.5, 1.5, 2.5, 2.7, 7.0, -7.0, 100.0, 254.0]
S = [float("nan"), float("inf"), float("-inf"), -0.0, 1e30, -1e30, 1.0]
def A(v, dt="float32"):
    return mx.nd.array(v, dtype="float64").astype(dt)
def R(*shape, seed=0, dt="float32", lo=-3.0, hi=3.0):
    a = np.random.RandomState(seed).uniform(lo, hi, size=shape)
    return mx.nd.array(a, dtype="float64").astype(dt)
M = A([[1, 5, 3], [4, 2, 6]])
'''

DTYPES = ("float16", "float32", "float64", "int32", "int64", "uint8", "int8")
FLOATS = ("float16", "float32", "float64")
UNARY = ("abs", "sign", "ceil", "floor", "trunc", "fix", "rint", "round", "sqrt", "rsqrt",
         "cbrt", "rcbrt", "square", "reciprocal", "exp", "expm1", "log", "log10", "log2",
         "log1p", "sin", "cos", "tan", "arcsin", "arccos", "arctan", "sinh", "cosh", "tanh",
         "arcsinh", "arccosh", "arctanh", "degrees", "radians", "erf", "erfinv", "gamma",
         "gammaln", "relu", "sigmoid", "softsign", "negative", "logical_not")

ELEMWISE: list = []
REDUCE: list = []
SORTING: list = []
#: (group, case id, op, input expressions, kwargs source, output index or None)
GRADS: list = []


def e(cid: str, code: str) -> None:
    ELEMWISE.append((cid, code))


def r(cid: str, code: str) -> None:
    REDUCE.append((cid, code))


def s(cid: str, code: str) -> None:
    SORTING.append((cid, code))


def g(group: str, cid: str, op: str, inputs: list, kwargs: str = "", out: int = None) -> None:
    GRADS.append((group, cid, op, inputs, kwargs, out))


# ============================================================================= elemwise
for op in UNARY:
    for dt in DTYPES:
        e(f"{op}:{dt}", f"result = mx.nd.{op}(A(V, '{dt}'))")
    e(f"{op}:special", f"result = mx.nd.{op}(A(S))")
    e(f"{op}:special-f64", f"result = mx.nd.{op}(A(S, 'float64'))")
    e(f"{op}:bool", f"result = mx.nd.{op}(A([1, 0, 1]).astype('bool'))")
    e(f"{op}:method-or-kw", f"result = mx.nd.{op}(data=R(2, 3, seed=1).abs() + 0.5)")
for op in ("abs", "sign", "ceil", "floor", "trunc", "fix", "rint", "round", "sqrt", "rsqrt",
           "cbrt", "rcbrt", "square", "reciprocal", "exp", "expm1", "log", "log10", "log2",
           "log1p", "sin", "cos", "tan", "arcsin", "arccos", "arctan", "sinh", "cosh", "tanh",
           "arcsinh", "arccosh", "arctanh", "degrees", "radians", "relu", "sigmoid"):
    e(f"{op}:fluent", f"result = getattr(R(3, 2, seed=2).abs() + 0.25, '{op}')()")
for op in ("tanh", "sigmoid", "exp", "expm1", "sinh", "degrees", "radians", "sqrt", "log",
           "cbrt", "erf"):
    for dt in ("int64", "int32", "uint8"):
        e(f"{op}:int-wide-{dt}", f"result = mx.nd.{op}(A([123456789, 987654321, 5, 19, 29, -3, "
          f"0], 'int64').astype('{dt}'))")
e("rint:ties", "result = mx.nd.rint(A([-3.5, -2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 3.5, 8388609.0]))")
e("round:ties", "result = mx.nd.round(A([-3.5, -2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 3.5, "
  "0.49999997]))")
e("gamma:poles", "result = mx.nd.gamma(A([-3, -2, -1, 0, 1, 2, 3, 171, 172, -2.5, -0.5], "
  "'float64'))")
e("gamma:random", "result = mx.nd.gamma(R(10, seed=3, lo=-4, hi=6, dt='float64'))")
e("gammaln:random", "result = mx.nd.gammaln(R(10, seed=3, lo=-4, hi=6, dt='float64'))")
e("erfinv:random", "result = mx.nd.erfinv(R(10, seed=4, lo=-1, hi=1))")
e("abs:builtin", "result = abs(A([-1, 2, -128], 'int8'))")
e("abs:builtin-f", "result = abs(A([-1.5, 2, -0.0]))")
e("neg:dunder-u8", "result = -A([7, 250, 3], 'uint8')")
# hard_sigmoid
for dt in DTYPES + ("bool",):
    e(f"hard_sigmoid:{dt}", f"result = mx.nd.hard_sigmoid(A([-3, -1.5, -0.1, 0.2, 2, 3], "
      f"'{dt}'))")
e("hard_sigmoid:alpha-beta", "result = mx.nd.hard_sigmoid(A([-2, -.1, .2, 2]), alpha=0.3, "
  "beta=0.4)")
e("hard_sigmoid:positional", "result = mx.nd.hard_sigmoid(A([-2, -.1, .2, 2]), 0.3, 0.4)")
e("hard_sigmoid:string", "result = mx.nd.hard_sigmoid(A([-2, -.1, .2, 2]), alpha='0.3')")
e("hard_sigmoid:f64", "result = mx.nd.hard_sigmoid(A([-2, -1.5, .2, 2], 'float64'))")
# smooth_l1
for dt in DTYPES:
    e(f"smooth_l1:{dt}", f"result = mx.nd.smooth_l1(A([-2, -1, -0.5, 0, 0.5, 1, 2], '{dt}'))")
e("smooth_l1:scalar2", "result = mx.nd.smooth_l1(A([-2, -.2, .2, 2]), scalar=2)")
e("smooth_l1:positional", "result = mx.nd.smooth_l1(A([-2, -.2, .2, 2]), 2)")
e("smooth_l1:f64", "result = mx.nd.smooth_l1(A([-2, -.1, .2, 2], 'float64'), scalar=1.1)")
e("smooth_l1:special", "result = mx.nd.smooth_l1(A(S), scalar=0.5)")
# clip
for dt in DTYPES + ("bool",):
    e(f"clip:{dt}", f"result = mx.nd.clip(A(V, '{dt}'), 0.5, 3.7)")
    e(f"clip:neg-{dt}", f"result = mx.nd.clip(A(V, '{dt}'), -1.5, 2.5)")
e("clip:inverted", "result = mx.nd.clip(A([-2, 0, 2, 5, 3]), 3, 1)")
e("clip:inverted-int", "result = mx.nd.clip(A([-2, 0, 2, 5, 3], 'int32'), 3, 1)")
e("clip:special", "result = mx.nd.clip(A(S), -1, 1)")
e("clip:u8-wide", "result = mx.nd.clip(A([0, 5, 200, 255], 'uint8'), -300, 300)")
e("clip:none", "result = mx.nd.clip(A([-2, 5, 3]), None, 1)")
e("clip:missing", "result = mx.nd.clip(A([-2, 5, 3]), a_min=1)")
e("clip:strings", "result = mx.nd.clip(A([-2, 5, 3]), a_min='-1', a_max='2.5')")
e("clip:fluent", "result = A([-2, 5, 3]).clip(0, 4)")
# where
e("where:same", "result = mx.nd.where(A([1, 0, 2]), A([1, 2, 3]), A([4, 5, 6]))")
e("where:rows", "result = mx.nd.where(A([1, 0]), M, M * 10)")
e("where:rows-3d", "result = mx.nd.where(A([0, 3]), R(2, 3, 2), R(2, 3, 2, seed=1))")
e("where:int-cond", "result = mx.nd.where(A([1, 0], 'int32'), M, M * 10)")
e("where:nan-cond", "result = mx.nd.where(A([float('nan'), 0]), M, M * 10)")
e("where:f16-cond", "result = mx.nd.where(A([1, 0], 'float16'), M, M * 10)")
e("where:int-xy", "result = mx.nd.where(A([1, 0]), M.astype('int32'), M.astype('int32') * 10)")
e("where:full-int-cond", "result = mx.nd.where(A([[1, 0, 5], [0, 0, -1]], 'int64'), "
  "M.astype('uint8'), M.astype('uint8') * 2)")
e("where:bcast", "result = mx.nd.where(A([[1], [0]]), M, M * 10)")
e("where:rows-wrong", "result = mx.nd.where(A([1, 0, 1]), M, M * 10)")
e("where:scalar", "result = mx.nd.where(A([1, 0]), 1.0, 2.0)")
e("where:dtype-mix", "result = mx.nd.where(A([1, 0]), M, M.astype('int32'))")
e("where:shape-mix", "result = mx.nd.where(A([1, 0]), M, A([1, 2]))")
e("where:2d-cond-3d", "result = mx.nd.where(A([[1, 0, 1], [0, 1, 0]]), R(2, 3, 2), "
  "R(2, 3, 2))")
e("where:bool", "result = mx.nd.where(A([1, 0]).astype('bool'), M, M * 10)")
# cast
for src in ("float16", "float32", "float64", "int32", "int64", "uint8", "int8"):
    for dst in DTYPES + ("bool",):
        e(f"cast:{src}->{dst}", f"result = mx.nd.cast(A(V, '{src}'), dtype='{dst}')")
e("cast:special-int32", "result = mx.nd.cast(A(S), dtype='int32')")
e("cast:special-uint8", "result = mx.nd.cast(A(S), dtype='uint8')")
e("cast:special-int64", "result = mx.nd.cast(A(S, 'float64'), dtype='int64')")
e("cast:Cast-np", "result = mx.nd.Cast(A([-2.7, 300]), dtype=np.float16)")
e("cast:positional", "result = mx.nd.cast(A([-2.7, 300]), 'int8')")
e("cast:bad", "result = mx.nd.cast(A([-2.7, 0]), dtype='complex64')")
e("cast:missing", "result = mx.nd.cast(A([-2.7, 0]))")
e("cast:from-bool", "result = mx.nd.cast(A([1, 0]).astype('bool'), dtype='float32')")
# add_n
e("add_n:three", "result = mx.nd.add_n(M, M * 2, M)")
e("add_n:one", "result = mx.nd.add_n(M)")
e("add_n:int", "result = mx.nd.add_n(M.astype('int32'), M.astype('int32'))")
e("add_n:u8", "result = mx.nd.add_n(A([200, 3], 'uint8'), A([100, 4], 'uint8'))")
e("add_n:f16", "result = mx.nd.add_n(A([1, 2e4], 'float16'), A([1e-3, 5e4], 'float16'))")
e("add_n:shape", "result = mx.nd.add_n(M, A([1, 2, 3]))")
e("add_n:dtype", "result = mx.nd.add_n(M, M.astype('int32'))")
e("add_n:bool", "result = mx.nd.add_n(A([1]).astype('bool'), A([1]).astype('bool'))")
e("add_n:out", "o = mx.nd.zeros((2, 3)); r = mx.nd.add_n(M, M, out=o); result = (r is o, o)")
e("ElementWiseSum:num_args", "result = mx.nd.ElementWiseSum(M, M, num_args=2)")
# binary functions and operators (a few MXNet quirks beyond the matrix's coverage)
e("power:base-exp", "result = mx.nd.power(base=A([2, 3]), exp=A([2, 2]))")
e("power:base-exp-scalar", "result = mx.nd.power(base=A([2, 3]), exp=2)")
e("power:scalars", "result = mx.nd.power(2, 3)")
e("power:int8", "result = mx.nd.power(A([3, -2, 2], 'int8'), A([5, 3, -1], 'int8'))")
e("power:f16", "result = mx.nd.power(A([3, -2, 2], 'float16'), A([5, 3, 0.5], 'float16'))")
e("power:rscalar-int", "result = mx.nd.power(2, A([3, -1, 0], 'int32'))")
e("hypot:u8", "result = mx.nd.broadcast_hypot(A([200, 5], 'uint8'), A([200, 13], 'uint8'))")
e("hypot:int32", "result = mx.nd.broadcast_hypot(A([3, 5], 'int32'), A([4, 13], 'int32'))")
e("hypot:scalar", "result = mx.nd.broadcast_hypot(A([3]), 4)")
e("modulo:f16", "result = mx.nd.modulo(A([7, -7, 3.5], 'float16'), A([2, 2, -1.5], 'float16'))")
e("modulo:int8", "result = mx.nd.modulo(A([7, -7, 3, -128], 'int8'), A([2, 2, -2, -1], 'int8'))")
e("modulo:zero", "result = mx.nd.modulo(A([7, -7]), A([0, 0]))")
e("modulo:rscalar", "result = mx.nd.modulo(7.5, A([2, -2, 0]))")
e("divide:int8", "result = mx.nd.divide(A([7, -7, 3, -128], 'int8'), A([2, 2, -2, -1], 'int8'))")
e("maximum:u8-neg", "result = mx.nd.maximum(A([3, 200], 'uint8'), -1)")
e("maximum:int-nan", "result = mx.nd.maximum(A([3, -2], 'int32'), float('nan'))")
e("maximum:nan", "result = mx.nd.maximum(A([3, float('nan')]), float('nan'))")
e("minimum:nan", "result = mx.nd.minimum(A([3, float('nan')]), 1.0)")
e("logical_and:scalar", "result = mx.nd.logical_and(A([3, 0, 2]), 0.5)")
e("logical_and:int-scalar", "result = mx.nd.logical_and(A([3, 0, 2], 'int32'), 0.5)")
e("logical_xor:nan", "result = mx.nd.logical_xor(A([float('nan'), 0, 2]), "
  "A([float('nan'), float('nan'), 0]))")
e("equal:nan", "result = mx.nd.equal(A([float('nan'), 0, 2]), A([float('nan'), float('nan'), 2]))")
e("equal:bool-scalar", "result = mx.nd.equal(A([1, 0]).astype('bool'), 1)")
e("equal:bool", "result = mx.nd.equal(A([1, 0]).astype('bool'), A([1, 1]).astype('bool'))")
e("subtract:u8", "result = mx.nd.subtract(A([3], 'uint8'), A([5], 'uint8'))")
e("elemwise_add:int8", "result = mx.nd.elemwise_add(A([100], 'int8'), A([100], 'int8'))")

# ============================================================================= reductions
for dt in DTYPES + ("bool",):
    r(f"argmax:{dt}", f"result = mx.nd.argmax(M.astype('{dt}'))")
    r(f"argmax:axis-keep-{dt}", f"result = mx.nd.argmax(M.astype('{dt}'), axis=1, "
      "keepdims=True)")
    r(f"argmin:{dt}", f"result = mx.nd.argmin(M.astype('{dt}'), axis=0)")
for op in ("argmax", "argmin"):
    r(f"{op}:ties", f"result = mx.nd.{op}(A([1, 3, 3, 0, 0, 1]), axis=0)")
    r(f"{op}:nan", f"result = mx.nd.{op}(A([1, float('nan'), 3, float('nan')]), axis=0)")
    r(f"{op}:keep-none", f"result = mx.nd.{op}(M, keepdims=True)")
    r(f"{op}:axis-tuple", f"result = mx.nd.{op}(M, axis=(0,))")
    r(f"{op}:axis-neg", f"result = mx.nd.{op}(M, axis=-1)")
    r(f"{op}:axis-out", f"result = mx.nd.{op}(M, axis=2)")
    r(f"{op}:3d", f"result = mx.nd.{op}(R(2, 3, 4, seed=5), axis=1)")
    r(f"{op}:3d-none", f"result = mx.nd.{op}(R(2, 3, 4, seed=5))")
    r(f"{op}:positional", f"result = mx.nd.{op}(M, 1, True)")
    r(f"{op}:fluent", f"result = M.{op}(0)")
    r(f"{op}:string-axis", f"result = mx.nd.{op}(M, axis='1')")
r("argmax:f16-big", "result = mx.nd.argmax(R(3000, seed=6, dt='float16'), axis=0)")
r("argmax:u8-big", "result = mx.nd.argmax(R(300, seed=6, lo=0, hi=255).astype('uint8'), axis=0)")
r("argmax_channel:2d", "result = mx.nd.argmax_channel(M)")
r("argmax_channel:3d", "result = mx.nd.argmax_channel(R(2, 3, 4, seed=5))")
r("argmax_channel:1d", "result = mx.nd.argmax_channel(A([1, 3, 2]))")
r("argmax_channel:int", "result = mx.nd.argmax_channel(M.astype('int32'))")
r("argmax_channel:fluent", "result = M.argmax_channel()")
# norm
for dt in DTYPES + ("bool",):
    r(f"norm:{dt}", f"result = mx.nd.norm(M.astype('{dt}'))")
    r(f"norm:ord1-{dt}", f"result = mx.nd.norm((M - 3).astype('{dt}'), ord=1, axis=0)")
    r(f"norm:axis-{dt}", f"result = mx.nd.norm((M - 3).astype('{dt}'), axis=1)")
for od in DTYPES:
    r(f"norm:out_dtype-{od}", f"result = mx.nd.norm(M, out_dtype='{od}')")
r("norm:int-count", "result = mx.nd.norm(A([[6, -6, 1], [2, 6, 3]], 'int32'), axis=(0, 1))")
r("norm:int-zeros", "result = mx.nd.norm(A([[0, 0], [3, 0]], 'int32'), axis=1)")
r("norm:keepdims", "result = mx.nd.norm(M, axis=1, keepdims=True)")
r("norm:keepdims-all", "result = mx.nd.norm(M, keepdims=True)")
r("norm:tuple", "result = mx.nd.norm(R(2, 3, 4, seed=7), axis=(0, 2))")
r("norm:4d-3axes", "result = mx.nd.norm(R(2, 2, 2, 2, seed=7), axis=(0, 1, 2))")
r("norm:neg-axis", "result = mx.nd.norm(M, axis=-1)")
r("norm:ord3", "result = mx.nd.norm(M, ord=3)")
r("norm:ord0", "result = mx.nd.norm(M, ord=0)")
r("norm:ord-string", "result = mx.nd.norm(M, ord='1')")
r("norm:positional", "result = mx.nd.norm(M, 1, 0)")
r("norm:axis-out", "result = mx.nd.norm(M, axis=2)")
r("norm:axis-neg-out", "result = mx.nd.norm(M, axis=-3)")
r("norm:axis-dup", "result = mx.nd.norm(M, axis=(0, 0))")
r("norm:special", "result = mx.nd.norm(A([[float('nan'), 1], [float('inf'), 1], "
  "[float('inf'), float('inf')], [1e30, 1e30]]), axis=1)")
r("norm:special-f64", "result = mx.nd.norm(A([[1e200, 1e200], [float('inf'), 2], "
  "[0, 0]], 'float64'), axis=1)")
r("norm:fluent", "result = M.norm()")
# moments
r("moments:axis1", "result = mx.nd.moments(M, axes=(1,))")
r("moments:keepdims", "result = mx.nd.moments(M, axes=(0,), keepdims=True)")
r("moments:none", "result = mx.nd.moments(M)")
r("moments:all", "result = mx.nd.moments(M, axes=(0, 1))")
r("moments:int-axis", "result = mx.nd.moments(M, axes=1)")
r("moments:neg", "result = mx.nd.moments(M, axes=(-1,))")
r("moments:bad", "result = mx.nd.moments(M, axes=(2,))")
r("moments:3d", "result = mx.nd.moments(R(2, 3, 4, seed=8), axes=(0, 2))")
for dt in DTYPES + ("bool",):
    r(f"moments:{dt}", f"result = mx.nd.moments((M * 3).astype('{dt}'), axes=(0,))")
# cumsum
r("cumsum:flat", "result = mx.nd.cumsum(M)")
r("cumsum:axis1", "result = mx.nd.cumsum(M, axis=1)")
r("cumsum:axis0", "result = mx.nd.cumsum(R(3, 2, 2, seed=9), axis=0)")
r("cumsum:dtype", "result = mx.nd.cumsum(M.astype('int32'), axis=0, dtype='float64')")
r("cumsum:float-to-int", "result = mx.nd.cumsum(A([1.5, 2.7, -0.5, 3.9]), dtype='int32')")
r("cumsum:neg-axis", "result = mx.nd.cumsum(M, axis=-1)")
r("cumsum:axis-out", "result = mx.nd.cumsum(M, axis=2)")
r("cumsum:a-kw", "result = mx.nd.cumsum(a=M, axis=1)")
r("cumsum:data-kw", "result = mx.nd.cumsum(data=M, axis=1)")
for dt in DTYPES + ("bool",):
    r(f"cumsum:{dt}", f"result = mx.nd.cumsum(A([200, 100, 1, 0, 7], '{dt}'))")
# sum & co: dtype behaviour, axes checks, positional forms
for op in ("sum", "mean", "prod", "max", "min", "nansum", "nanprod"):
    r(f"{op}:bool", f"result = mx.nd.{op}(A([1, 1, 0]).astype('bool'))")
    r(f"{op}:dup-axes", f"result = mx.nd.{op}(M, axis=(0, 0))")
    r(f"{op}:neg-out", f"result = mx.nd.{op}(M, axis=-3)")
    r(f"{op}:axis-out", f"result = mx.nd.{op}(M, axis=2)")
    r(f"{op}:exclude-all", f"result = mx.nd.{op}(M, axis=(0, 1), exclude=True)")
    r(f"{op}:exclude-empty", f"result = mx.nd.{op}(M, axis=(), exclude=True)")
    r(f"{op}:positional", f"result = mx.nd.{op}(M, 1, True)")
    r(f"{op}:fluent-positional", f"result = M.{op}(0, True)")
    for dt in ("uint8", "int8", "int32"):
        r(f"{op}:{dt}", f"result = mx.nd.{op}(A([[100, 200, 7], [120, 3, 9]], '{dt}'), axis=1)")
r("sum:f16-many", "result = mx.nd.ones((10000,), dtype='float16').sum()")
r("sum:f16-rows", "result = mx.nd.ones((2, 3000), dtype='float16').sum(axis=1)")
r("mean:f16-many", "result = mx.nd.ones((10000,), dtype='float16').mean()")
r("sum:int32-wrap", "result = A([2 ** 30, 2 ** 30, 2 ** 30], 'int32').sum()")
r("mean:int32-wrap", "result = A([2 ** 30, 2 ** 30, 2 ** 30], 'int32').mean()")
r("mean:int8-neg", "result = A([-7, 0], 'int8').mean()")
r("keepdims:empty-axes", "result = M.sum(axis=(), keepdims=True)")
r("sum_axis", "result = mx.nd.sum_axis(M, axis=1)")
for k, v in enumerate(("[1, -inf]", "[nan, -inf]", "[nan, inf]", "[inf, 2, nan]", "[inf, inf]",
                       "[nan, 1, inf, 2]", "[1, 2, inf]", "[inf, -inf]", "[inf, nan, nan]")):
    vv = v.replace("nan", "float('nan')").replace("inf", "float('inf')")
    r(f"nansum:kahan{k}", f"result = mx.nd.nansum(A({vv}))")
    r(f"nanprod:inf{k}", f"result = mx.nd.nanprod(A({vv}))")
    r(f"sum:inf{k}", f"result = mx.nd.sum(A({vv}))")
r("nansum:kahan-axes", "z = np.zeros((2, 3, 4)); z[..., 3] = np.inf; "
  "result = mx.nd.nansum(mx.nd.array(z), axis=(0, 2))")
r("nansum:kahan-axes-first", "z = np.zeros((2, 3, 4)); z[1, :, 3] = np.inf; "
  "result = mx.nd.nansum(mx.nd.array(z), axis=(0, 2))")
r("nansum:kahan-axis0", "result = mx.nd.nansum(A([[float('inf'), 1], [2, 3], "
  "[float('nan'), 4]]), axis=0)")

# ============================================================================= sorting
for dt in DTYPES + ("bool",):
    s(f"sort:{dt}", f"result = mx.nd.sort(M.astype('{dt}'))")
    s(f"argsort:{dt}", f"result = mx.nd.argsort(M.astype('{dt}'), axis=0)")
    s(f"topk:{dt}", f"result = mx.nd.topk(M.astype('{dt}'), k=2, ret_typ='both')")
    s(f"topk:mask-{dt}", f"result = mx.nd.topk(M.astype('{dt}'), k=2, ret_typ='mask')")
    s(f"pick:{dt}", f"result = mx.nd.pick(M.astype('{dt}'), A([0, 2]))")
for dt in ("float16", "float32", "float64", "int32", "int64", "uint8", "int8", "bool"):
    s(f"argsort:dtype-{dt}", f"result = mx.nd.argsort(M, dtype='{dt}')")
    s(f"topk:dtype-{dt}", f"result = mx.nd.topk(M, dtype='{dt}')")
s("sort:desc", "result = mx.nd.sort(M, is_ascend=False)")
s("sort:axis0", "result = mx.nd.sort(M, axis=0)")
s("sort:none", "result = mx.nd.sort(M, axis=None)")
s("sort:int-desc", "result = mx.nd.sort(M.astype('int32'), is_ascend=0)")
s("sort:axis-out", "result = mx.nd.sort(M, axis=2)")
s("sort:axis-tuple", "result = mx.nd.sort(M, axis=(1,))")
s("sort:random", "result = mx.nd.sort(R(3, 4, 5, seed=10), axis=1)")
s("sort:fluent", "result = M.sort(axis=0, is_ascend=False)")
s("argsort:default", "result = mx.nd.argsort(M)")
s("argsort:none-desc", "result = mx.nd.argsort(M, axis=None, is_ascend=False)")
s("argsort:ties-short", "result = mx.nd.argsort(A([2, 1, 2, 1, 1]))")
s("argsort:ties-short-desc", "result = mx.nd.argsort(A([2, 1, 2, 1, 1]), is_ascend=False)")
s("argsort:random", "result = mx.nd.argsort(R(3, 4, 5, seed=10), axis=-1, dtype='int64')")
s("argsort:fluent", "result = M.argsort()")
s("topk:default", "result = mx.nd.topk(M)")
s("topk:k2", "result = mx.nd.topk(M, k=2)")
s("topk:value", "result = mx.nd.topk(M, k=2, ret_typ='value')")
s("topk:both-int32", "result = mx.nd.topk(M, k=2, ret_typ='both', dtype='int32')")
s("topk:mask-asc-axis0", "result = mx.nd.topk(M, k=1, ret_typ='mask', is_ascend=True, axis=0)")
s("topk:asc", "result = mx.nd.topk(M, k=2, is_ascend=True)")
s("topk:none", "result = mx.nd.topk(M, axis=None, k=3)")
s("topk:none-value", "result = mx.nd.topk(M, axis=None, k=3, ret_typ='value')")
s("topk:none-mask", "result = mx.nd.topk(M, axis=None, k=3, ret_typ='mask')")
s("topk:k0", "result = mx.nd.topk(M, k=0)")
s("topk:k0-none", "result = mx.nd.topk(M, k=0, axis=None)")
s("topk:k-all", "result = mx.nd.topk(M, k=3, ret_typ='value')")
s("topk:k-too-big", "result = mx.nd.topk(M, k=5)")
s("topk:k-neg", "result = mx.nd.topk(M, k=-1)")
s("topk:axis0", "result = mx.nd.topk(M, axis=0)")
s("topk:axis-neg2", "result = mx.nd.topk(M, axis=-2)")
s("topk:axis-out", "result = mx.nd.topk(M, axis=2)")
s("topk:ties", "result = mx.nd.topk(A([1, 3, 3, 2, 3]), k=2)")
s("topk:ties-asc", "result = mx.nd.topk(A([1, 3, 1, 2, 1]), k=2, is_ascend=True)")
s("topk:bad-ret", "result = mx.nd.topk(M, ret_typ='foo')")
s("topk:3d", "result = mx.nd.topk(R(2, 3, 4, seed=11), axis=1, k=2, ret_typ='both')")
s("topk:3d-mask", "result = mx.nd.topk(R(2, 3, 4, seed=11), axis=1, k=2, ret_typ='mask')")
s("topk:fluent", "result = M.topk(k=2, ret_typ='value')")
s("pick:default", "result = mx.nd.pick(M, A([0, 2]))")
s("pick:axis0", "result = mx.nd.pick(M, A([0, 1, 1]), axis=0)")
s("pick:keepdims", "result = mx.nd.pick(M, A([0, 2]), keepdims=True)")
s("pick:clip", "result = mx.nd.pick(M, A([5, -1]))")
s("pick:wrap", "result = mx.nd.pick(M, A([5, -1]), mode='wrap')")
s("pick:wrap-big", "result = mx.nd.pick(M, A([-7, -4]), mode='wrap')")
s("pick:float-index", "result = mx.nd.pick(M, A([1.7, -0.5]))")
s("pick:nan-index", "result = mx.nd.pick(M, A([float('nan'), 1]))")
s("pick:int-index", "result = mx.nd.pick(M, A([1, 2], 'int32'))")
s("pick:int-both", "result = mx.nd.pick(M.astype('int32'), A([1, 2], 'int64'))")
s("pick:index-kept-shape", "result = mx.nd.pick(M, A([[1], [2]]))")
s("pick:index-wrong", "result = mx.nd.pick(M, A([1, 2, 0]))")
s("pick:none", "result = mx.nd.pick(M, A([1]), axis=None)")
s("pick:3d", "result = mx.nd.pick(R(2, 3, 4, seed=12), A([[0, 1, 2, 0], [2, 2, 1, 0]]), "
  "axis=1)")
s("pick:bad-mode", "result = mx.nd.pick(M, A([0, 1]), mode='raise')")
s("pick:axis-out", "result = mx.nd.pick(M, A([0, 1]), axis=2)")
s("pick:fluent", "result = M.pick(A([0, 1, 0]), 0)")
s("choose_element_0index", "result = mx.nd.choose_element_0index(M, A([2, 1]))")
s("histogram:range", "result = mx.nd.histogram(A([0, 1, 2, 3, 4, 5, 5.5, 10]), bins=4, "
  "range=(0, 8))")
s("histogram:array-bins", "result = mx.nd.histogram(A([0, 1, 2, 3, 4, 5, 5.5, 10]), "
  "bins=A([0, 2, 5, 10]))")
s("histogram:numpy", "result = mx.nd.histogram(A([0, 1, 2, 3, 4, 5, 5.5, 10]), bins=3)")
s("histogram:numpy-int", "result = mx.nd.histogram(A([0, 1, 2, 3, 4, 5, 5, 10], 'int32'), "
  "bins=3)")
s("histogram:default-bins", "result = mx.nd.histogram(M)")
s("histogram:int-array-bins", "result = mx.nd.histogram(M.astype('int32'), "
  "bins=A([0, 2, 5, 10], 'int32'))")
s("histogram:bins-dtype", "result = mx.nd.histogram(M.astype('int32'), bins=A([0, 2, 5, 10]))")
s("histogram:bad-bins", "result = mx.nd.histogram(M, bins='a')")
s("histogram:range-2d", "result = mx.nd.histogram(M, bins=3, range=(2, 4))")
s("histogram:range-random", "result = mx.nd.histogram(R(50, seed=13), bins=7, range=(-2, 2.5))")
s("histogram:range-f64", "result = mx.nd.histogram(R(50, seed=13, dt='float64'), bins=5, "
  "range=(-3, 3))")

# ============================================================================= gradients
for op in ("abs", "sign", "ceil", "floor", "trunc", "fix", "rint", "round", "sqrt", "rsqrt",
           "cbrt", "rcbrt", "square", "reciprocal", "exp", "expm1", "log", "log10", "log2",
           "log1p", "sin", "cos", "tan", "arctan", "sinh", "cosh", "tanh", "arcsinh", "degrees",
           "radians", "erf", "gamma", "gammaln", "relu", "sigmoid", "softsign", "negative",
           "logical_not"):
    g("elemwise", f"grad:{op}", op, ["R(2, 3, seed=20, lo=0.2, hi=2.5)"])
for op in ("arcsin", "arccos", "arctanh", "erfinv"):
    g("elemwise", f"grad:{op}", op, ["R(2, 3, seed=21, lo=-0.9, hi=0.9)"])
g("elemwise", "grad:arccosh", "arccosh", ["R(2, 3, seed=22, lo=1.1, hi=4)"])
g("elemwise", "grad:kinks", "relu", ["A([-1, 0, 1])"])
g("elemwise", "grad:abs-kink", "abs", ["A([-1, 0, 1])"])
g("elemwise", "grad:gamma-neg", "gamma", ["A([-2.5, -0.5, 0.5, 3.5], 'float64')"])
g("elemwise", "grad:hard_sigmoid", "hard_sigmoid", ["A([-3, -2.5, -1, 0, 1, 2.5, 3])"])
g("elemwise", "grad:hard_sigmoid-ab", "hard_sigmoid", ["A([-3, -1, 0, 1, 3])"],
  "alpha=0.4, beta=0.3")
g("elemwise", "grad:smooth_l1", "smooth_l1", ["A([-2, -1, -0.5, 0, 0.5, 1, 2])"])
g("elemwise", "grad:smooth_l1-s2", "smooth_l1", ["A([-2, -0.25, -0.1, 0.1, 0.25, 2])"],
  "scalar=2")
g("elemwise", "grad:clip", "clip", ["A([-2, -1, 0, 0.5, 1, 2])"], "a_min=-1, a_max=1")
g("elemwise", "grad:where", "where", ["A([1, 0, 3])", "R(3, seed=23)", "R(3, seed=24)"])
g("elemwise", "grad:where-rows", "where", ["A([0, 1])", "R(2, 3, seed=23)",
                                            "R(2, 3, seed=24)"])
g("elemwise", "grad:add_n", "add_n", ["R(2, 3, seed=25)", "R(2, 3, seed=26)",
                                      "R(2, 3, seed=27)"])
g("elemwise", "grad:cast", "cast", ["R(2, 3, seed=25)"], "dtype='float64'")
g("elemwise", "grad:maximum-ties", "broadcast_maximum", ["A([1, 2, 3, 4])", "A([1, 3, 3, 0])"])
g("elemwise", "grad:minimum-ties", "broadcast_minimum", ["A([1, 2, 3, 4])", "A([1, 3, 3, 0])"])
g("elemwise", "grad:hypot", "broadcast_hypot", ["R(2, 3, seed=28)", "R(1, 3, seed=29)"])
g("elemwise", "grad:power", "broadcast_power", ["R(2, 3, seed=28, lo=0.5, hi=2)",
                                                "R(2, 3, seed=29, lo=-1, hi=2)"])
g("reduce", "grad:max-ties", "max", ["A([[1, 3, 3], [2, 2, 0]])"], "axis=1")
g("reduce", "grad:min-ties", "min", ["A([[1, 3, 1], [2, 2, 0]])"], "axis=1")
g("reduce", "grad:max-all", "max", ["A([[1, 3, 3], [2, 2, 0]])"])
g("reduce", "grad:sum", "sum", ["R(2, 3, 4, seed=30)"], "axis=(0, 2)")
g("reduce", "grad:mean", "mean", ["R(2, 3, 4, seed=30)"], "axis=1, keepdims=True")
g("reduce", "grad:prod", "prod", ["R(2, 3, seed=31, lo=0.5, hi=2)"], "axis=0")
g("reduce", "grad:nansum", "nansum", ["A([1, float('nan'), 3])"])
g("reduce", "grad:nanprod", "nanprod", ["A([2, float('nan'), 3])"])
g("reduce", "grad:norm", "norm", ["R(2, 3, seed=32)"])
g("reduce", "grad:norm-axis", "norm", ["R(2, 3, seed=32)"], "axis=1")
g("reduce", "grad:norm-ord1", "norm", ["R(2, 3, seed=32)"], "ord=1, axis=0")
g("reduce", "grad:norm-f64", "norm", ["R(2, 3, seed=32, dt='float64')"], "axis=1")
g("reduce", "grad:moments-mean", "moments", ["R(2, 3, seed=33)"], "axes=(1,)", 0)
g("reduce", "grad:moments-var", "moments", ["R(2, 3, seed=33)"], "axes=(1,)", 1)
g("reduce", "grad:cumsum", "cumsum", ["R(2, 3, seed=34)"], "axis=1")
g("reduce", "grad:argmax", "argmax", ["R(2, 3, seed=35)"], "axis=1")
g("sorting", "grad:sort", "sort", ["R(2, 4, seed=36)"], "axis=1")
g("sorting", "grad:sort-desc", "sort", ["R(2, 4, seed=36)"], "axis=0, is_ascend=False")
g("sorting", "grad:topk-value", "topk", ["R(2, 4, seed=37)"], "k=2, ret_typ='value'")
g("sorting", "grad:topk-both", "topk", ["R(2, 4, seed=37)"], "k=2, ret_typ='both'", 0)
g("sorting", "grad:pick", "pick", ["R(2, 3, seed=38)", "A([2, 0])"])
g("sorting", "grad:pick-axis0", "pick", ["R(2, 3, seed=38)", "A([1, 0, 5])"], "axis=0")


def grad_code(op: str, inputs: list, kwargs: str, out) -> str:
    """MXNet code for one gradient case: d(sum(out * head))/d(each float input)."""
    ins = ", ".join(f"x{i}" for i in range(len(inputs)))
    lines = [f"x{i} = {src}" for i, src in enumerate(inputs)]
    lines += [f"x{i}.attach_grad()" for i in range(len(inputs))]
    call = f"mx.nd.{op}({ins}{', ' + kwargs if kwargs else ''})"
    sel = f"[{out}]" if out is not None else ""
    lines += ["with mx.autograd.record():", f"    y = {call}{sel}",
              "    h = R(*y.shape, seed=99, lo=0.5, hi=1.5, dt=np.dtype(y.dtype).name)",
              "    z = (y * h).sum()",
              "z.backward()", f"result = [{', '.join(f'x{i}.grad' for i in range(len(inputs)))}]"]
    return "\n".join(lines)


# ============================================================================= encoding
def _f(x):
    if isinstance(x, float):
        if math.isnan(x):
            return "nan"
        if math.isinf(x):
            return "inf" if x > 0 else "-inf"
    return x


def encode(v):
    """A JSON-able description of a result (shared by the recorder and the tests)."""
    if hasattr(v, "asnumpy") and hasattr(v, "context"):
        a = v.asnumpy()
        return {"nd": True, "dtype": str(a.dtype), "shape": list(a.shape),
                "values": [_f(x) for x in a.reshape(-1).tolist()]}
    if isinstance(v, (list, tuple)):
        return {"seq": type(v).__name__, "items": [encode(x) for x in v]}
    if isinstance(v, np.generic):
        v = v.item()
    if v is None or isinstance(v, (bool, int, float, str)):
        return {"value": _f(v)}
    return {"value": repr(v)}


def run_case(mx, code: str):
    import warnings
    ns = {"mx": mx, "np": np}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        exec(PRELUDE, ns)
        exec(code, ns)
    return ns.get("result")


def record_one(mx, code: str) -> dict:
    try:
        return {"result": encode(run_case(mx, code))}
    except Exception as e:  # noqa: BLE001 - recording what MXNet raises is the point
        msg = str(e).strip().splitlines()
        return {"error": type(e).__name__, "mxnet_error": isinstance(e, mx.base.MXNetError),
                "message": msg[-1][:300] if msg else ""}


# ============================================================================= replay
#: tolerances per dtype (rtol, atol): our kernels may round differently in the last bits
TOL = {"float16": (2e-3, 2e-3), "float32": (2e-6, 1e-6), "float64": (1e-12, 1e-14)}
_BUILTIN = {"ValueError": ValueError, "TypeError": TypeError, "IndexError": IndexError,
            "KeyError": KeyError, "AssertionError": None}


def _num(vals):
    return np.array([np.nan if v == "nan" else np.inf if v == "inf" else -np.inf
                     if v == "-inf" else v for v in vals], dtype=np.float64)


def same(exp: dict, got: dict, path: str, tol: dict = None) -> None:
    """Assert ``got`` (encoded mxcompat result) matches ``exp`` (encoded MXNet result)."""
    if "seq" in exp:
        assert "seq" in got, f"{path}: expected a {exp['seq']}, got {got}"
        assert exp["seq"] == got["seq"], f"{path}: {got['seq']} != {exp['seq']}"
        assert len(exp["items"]) == len(got["items"]), f"{path}: length differs"
        for k, (a, b) in enumerate(zip(exp["items"], got["items"])):
            same(a, b, f"{path}[{k}]", tol)
        return
    if exp.get("nd"):
        assert got.get("nd"), f"{path}: expected an NDArray, got {got}"
        assert got["dtype"] == exp["dtype"], f"{path}: dtype {got['dtype']} != {exp['dtype']}"
        assert got["shape"] == exp["shape"], f"{path}: shape {got['shape']} != {exp['shape']}"
        rt, at = (tol or TOL).get(exp["dtype"], (0, 0))
        w, gg = _num(exp["values"]), _num(got["values"])
        if exp["dtype"] in ("int64",):  # exact, beyond float64's 53 bits
            assert got["values"] == exp["values"], f"{path}: {got['values']} != {exp['values']}"
            return
        np.testing.assert_allclose(gg, w, rtol=rt, atol=at, equal_nan=True,
                                   err_msg=f"{path}: values differ")
        return
    assert got == exp, f"{path}: {got} != {exp}"


def check_case(mx, cid: str, code: str, exp: dict, tol: dict = None) -> None:
    """Replay one case on mxcompat and compare it with MXNet's record. Where MXNet raised,
    mxcompat must raise an MXNetError (that is also the builtin error MXNet raised) whose
    message names the op (the case id's first field)."""
    from mxcompat.base import MXNetError
    if "error" in exp:
        try:
            run_case(mx, code)
        except MXNetError as e:
            builtin = _BUILTIN.get(exp["error"])
            assert builtin is None or isinstance(e, builtin), (
                f"{cid}: MXNet raised {exp['error']}, mxcompat raised {type(e).__name__}: {e}")
            op = cid.split(":")[0]
            if exp["error"] == "MXNetError" and op.isidentifier():
                assert op.lower() in str(e).lower(), f"{cid}: message does not name {op}: {e}"
            return
        raise AssertionError(f"{cid}: MXNet raised {exp['error']}: {exp['message']!r}; "
                             "mxcompat did not raise")
    got = encode(run_case(mx, code))
    same(exp["result"], got, cid, tol)


def cases(group: str) -> list:
    return {"elemwise": ELEMWISE, "reduce": REDUCE, "sorting": SORTING}[group]


def grads(group: str) -> list:
    return [c for c in GRADS if c[0] == group]


def main() -> int:
    import mxnet as mx
    out = {"mxnet_version": mx.__version__, "numpy_version": np.__version__,
           "recorded_by": "tools/oracle/record_elemwise.py", "cases": {}, "grads": {}}
    for group in ("elemwise", "reduce", "sorting"):
        ids = [c for c, _ in cases(group)]
        assert len(set(ids)) == len(ids), f"duplicate case ids in {group}"
        out["cases"][group] = {cid: record_one(mx, code) for cid, code in cases(group)}
        out["grads"][group] = {cid: record_one(mx, grad_code(op, ins, kw, o))
                               for _, cid, op, ins, kw, o in grads(group)}
    path = ROOT / "tests" / "golden" / "elemwise.json"
    path.write_text(json.dumps(out, indent=0, sort_keys=True) + "\n")
    n = sum(len(v) for v in out["cases"].values()) + sum(len(v) for v in out["grads"].values())
    print(f"wrote {n} cases to {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
