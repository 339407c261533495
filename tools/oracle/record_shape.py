"""Record the shape/layout and indexing cases from real MXNet 1.9.1 into
tests/golden/shape.json and tests/golden/indexing.json (run under the oracle environment;
deterministic: same MXNet, same files). tests/test_shape.py and tests/test_indexing_ops.py
replay the same CASES on mxcompat and compare.

Each case is Python code run with ``mx`` and ``np`` in scope, plus ``x`` (arange(24) as
(2, 3, 4) float32), ``v`` (arange(4)), ``m`` (arange(6) as (2, 3)) and ``R(*shape, seed=0,
dtype='float32')`` (seeded uniform values in [-2, 2)); it leaves its result in ``result``.
Results are encoded by record_core.encode (NDArrays with dtype, shape, values and repr).
"""
from __future__ import annotations

import json
import re
import sys
import warnings
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(Path(__file__).resolve().parent))
from record_core import encode  # noqa: E402

PRELUDE = '''
def R(*shape, seed=0, dtype="float32"):
    a = np.random.RandomState(seed).uniform(-2, 2, size=shape)
    return mx.nd.array(a, dtype=dtype)
x = mx.nd.arange(24).reshape((2, 3, 4))
v = mx.nd.arange(4)
m = mx.nd.arange(6).reshape((2, 3))
'''

SHAPE: list = []
INDEXING: list = []


def s(cid: str, code: str) -> None:
    SHAPE.append((cid, code))


def i(cid: str, code: str) -> None:
    INDEXING.append((cid, code))


# ======================================================================= shape / layout
# ---- reshape (op and method; codes, reverse, errors) ----
for shp in ["(0, -1)", "(4, 0, 2)", "(-2,)", "(2, -2)", "(-3, 4)", "(0, -3)", "(-3, -2)",
            "(-4, 1, 2, -2)", "(-4, -1, 2, -2)", "(2, -4, -1, 3, -2)", "(-4, 2, -1, 0, 0)",
            "(0, 0, -4, 2, 2)", "(-3, -3)", "(0, 0, 0, 1)", "(1, -1, 1)", "(-1,)",
            "(0, -2)", "(-2, 1, 1)", "(-3, -1)", "(-5,)", "(-1, -1)", "(5, 5)", "(2, 2)",
            "(-4, 3, -1, -2)", "(-4, -1, -1, -2)", "(0, 0, 0, 0)", "(-3, -3, -3)"]:
    if shp in ("(-3, -1)", "(2, 2)"):
        continue  # these corrupt MXNet's heap (abort); tested by hand in test_shape.py
    s(f"reshape:op:{shp}", f"result = mx.nd.reshape(x, shape={shp})")
    s(f"reshape:op-rev:{shp}", f"result = mx.nd.reshape(x, shape={shp}, reverse=True)")
s("reshape:rev:10.5.4", "result = mx.nd.zeros((10, 5, 4)).reshape((-1, 0), reverse=True).shape")
s("reshape:rev:-3", "result = mx.nd.reshape(mx.nd.zeros((2, 3, 4, 5)), shape=(-1, -3), "
  "reverse=True).shape")
s("reshape:rev:-4", "result = mx.nd.reshape(mx.nd.zeros((2, 3, 4)), shape=(-2, -4, 2, -1), "
  "reverse=True).shape")
s("reshape:op:string", "result = mx.nd.reshape(x, shape='(0, -1)', reverse='False')")
s("reshape:op:Reshape", "result = mx.nd.Reshape(x, shape=(4, -1))")
s("reshape:op:target_shape", "result = mx.nd.reshape(x, target_shape=(4, 6))")
s("reshape:op:copy", "y = mx.nd.reshape(x, shape=(-1,)); y[0] = 100; result = (x[0, 0, 0], y[0])")
s("reshape:method:view", "y = x.reshape((-1,)); y[0] = 100; result = x[0, 0, 0]")
s("reshape:method:int", "result = v.reshape(4).shape")
s("reshape:method:list", "result = x.reshape([4, -1]).shape")
s("reshape:op:int32", "result = mx.nd.reshape(x.astype('int32'), shape=(3, 8))")
s("reshape:op:unknown-kw", "result = mx.nd.reshape(x, shape=(24,), foo=1)")
s("reshape:op:no-shape", "result = mx.nd.reshape(x)")

# ---- reshape_like ----
s("reshape_like:basic", "result = mx.nd.reshape_like(x, mx.nd.zeros((6, 4)))")
s("reshape_like:lhs_rhs", "result = mx.nd.reshape_like(mx.nd.zeros((30, 7)), "
  "mx.nd.zeros((15, 2, 4)), lhs_begin=0, lhs_end=1, rhs_begin=0, rhs_end=2).shape")
s("reshape_like:neg", "result = mx.nd.reshape_like(x, mx.nd.zeros((3, 2, 12)), lhs_begin=-2, "
  "rhs_begin=1).shape")
s("reshape_like:neg-end", "result = mx.nd.reshape_like(x, mx.nd.zeros((6, 1)), lhs_end=-1, "
  "rhs_end=1).shape")
s("reshape_like:none", "result = mx.nd.reshape_like(x, mx.nd.zeros((4, 6)), lhs_begin=None, "
  "lhs_end=None).shape")
s("reshape_like:rhs-only", "result = mx.nd.reshape_like(x, mx.nd.zeros((5, 6, 2)), "
  "lhs_begin=1, rhs_begin=1).shape")
s("reshape_like:size-mismatch", "result = mx.nd.reshape_like(x, mx.nd.zeros((5, 5)))")
s("reshape_like:method", "result = x.reshape_like(mx.nd.zeros((12, 2)))")
s("reshape_like:copy", "y = mx.nd.reshape_like(x, mx.nd.zeros((24,))); y[0] = 7; "
  "result = x[0, 0, 0]")

# ---- flatten ----
for shp in ["(2, 3, 4)", "(2, 3, 4, 5)", "(3,)", "(2, 3)", "(1, 1)"]:
    s(f"flatten:{shp}", f"result = mx.nd.flatten(mx.nd.arange(np.prod({shp})).reshape({shp}))")
s("Flatten", "result = mx.nd.Flatten(x)")
s("flatten:method-copy", "y = x.flatten(); y[0] = -1; result = (y.shape, x[0, 0, 0])")
s("flatten:method-inplace", "y = x.flatten(inplace=True); y[0] = -1; result = (y.shape, x)")
s("flatten:int8", "result = mx.nd.flatten(x.astype('int8'))")

# ---- expand_dims ----
for ax in [0, 1, 3, -1, -4, 4, -5]:
    s(f"expand_dims:{ax}", f"result = mx.nd.expand_dims(x, axis={ax}).shape")
s("expand_dims:missing", "result = mx.nd.expand_dims(x)")
s("expand_dims:values", "result = mx.nd.expand_dims(m, 1)")
s("expand_dims:method-copy", "y = m.expand_dims(1); y[0] = -1; result = (y.shape, m)")
s("expand_dims:method-inplace", "y = m.expand_dims(-1, inplace=True); y[0] = -1; "
  "result = (y.shape, m)")
s("expand_dims:method-inplace-oob", "result = m.expand_dims(4, inplace=True)")

# ---- squeeze ----
_sq = "q = mx.nd.arange(6).reshape((1, 2, 1, 3, 1)); "
for ax in ["None", "0", "(0, 2)", "-1", "(0, -1)", "1", "()", "(2, 2)", "5"]:
    s(f"squeeze:{ax}", f"{_sq}result = mx.nd.squeeze(q, axis={ax})")
s("squeeze:all-ones", "result = mx.nd.squeeze(mx.nd.ones((1, 1)))")
s("squeeze:shape1", "result = mx.nd.squeeze(mx.nd.ones((1,)))")
s("squeeze:default", f"{_sq}result = mx.nd.squeeze(q).shape")
s("squeeze:method-copy", f"{_sq}y = q.squeeze(); y[0] = -1; result = (y.shape, q[0, 0, 0, 0, 0])")
s("squeeze:method-inplace", f"{_sq}y = q.squeeze(inplace=True); y[0] = -1; "
  "result = (y.shape, q[0, 0, 0, 0, 0])")
s("squeeze:method-inplace-axis", f"{_sq}y = q.squeeze(axis=(0, 2), inplace=True); "
  "result = y.shape")
s("squeeze:method-inplace-all", "y = mx.nd.ones((1, 1)).squeeze(inplace=True); result = y.shape")
s("squeeze:method-inplace-bad", f"{_sq}result = q.squeeze(axis=1, inplace=True)")
s("squeeze:method-inplace-dup", f"{_sq}result = q.squeeze(axis=(0, 0), inplace=True)")
s("squeeze:method-inplace-oob", f"{_sq}result = q.squeeze(axis=7, inplace=True)")

# ---- transpose / swapaxes / moveaxis ----
s("transpose:default", "result = mx.nd.transpose(x)")
s("transpose:axes", "result = mx.nd.transpose(x, axes=(1, 0, 2))")
s("transpose:axes-list", "result = mx.nd.transpose(x, axes=[2, 0, 1])")
s("transpose:axes-neg", "result = mx.nd.transpose(x, axes=(-1, 0, 1))")
s("transpose:axes-str", "result = mx.nd.transpose(x, axes='(2, 1, 0)')")
s("transpose:axes-positional", "result = mx.nd.transpose(x, (0, 2, 1))")
s("transpose:bad-len", "result = mx.nd.transpose(x, axes=(1, 0))")
s("transpose:dup", "result = mx.nd.transpose(x, axes=(0, 0, 1))")
s("transpose:oob", "result = mx.nd.transpose(x, axes=(0, 1, 3))")
s("transpose:method-tuple", "result = x.transpose((2, 0, 1))")
s("transpose:method-kw", "result = x.transpose(axes=(2, 0, 1))")
s("transpose:method-none", "result = x.transpose()")
s("transpose:method-varargs", "result = x.transpose(2, 0, 1)")
s("transpose:1d", "result = mx.nd.transpose(v)")
s("transpose:int64", "result = mx.nd.transpose(m.astype('int64'))")
for d1, d2 in [(0, 2), (2, 0), (1, 1), (-1, 0), (0, 3)]:
    s(f"swapaxes:{d1},{d2}", f"result = mx.nd.swapaxes(x, dim1={d1}, dim2={d2})")
s("swapaxes:default", "result = mx.nd.swapaxes(x)")
s("swapaxes:positional", "result = mx.nd.swapaxes(x, 0, 1)")
s("SwapAxis", "result = mx.nd.SwapAxis(m, dim1=0, dim2=1)")
s("swapaxes:method", "result = x.swapaxes(1, 2)")
for src, dst in [("0", "1"), ("[0, 1]", "[-1, -2]"), ("-1", "0"), ("(0, 2)", "(2, 0)"),
                 ("3", "0"), ("0", "3"), ("[0, 1]", "[0]"), ("[0, 0]", "[1, 2]")]:
    s(f"moveaxis:{src}->{dst}", f"result = mx.nd.moveaxis(x, {src}, {dst})")

# ---- concat / concatenate / stack ----
_ab = "a = mx.nd.array([[1, 2], [3, 4]]); b = mx.nd.array([[5, 6], [7, 8]]); "
s("concat:default", f"{_ab}result = mx.nd.concat(a, b)")
s("concat:dim0", f"{_ab}result = mx.nd.concat(a, b, dim=0)")
s("concat:dim-1", f"{_ab}result = mx.nd.concat(a, b, a, dim=-1)")
s("concat:num_args", f"{_ab}result = mx.nd.concat(a, b, dim=0, num_args=2)")
s("concat:num_args-bad", f"{_ab}result = mx.nd.concat(a, b, dim=0, num_args=3)")
s("concat:list", f"{_ab}result = mx.nd.concat([a, b])")
s("concat:axis-kw", f"{_ab}result = mx.nd.concat(a, b, axis=0)")
s("concat:dtype", f"{_ab}result = mx.nd.concat(a, b.astype('int32'))")
s("concat:1d", "result = mx.nd.concat(v, v)")
s("concat:1d-dim0", "result = mx.nd.concat(v, v, dim=0)")
s("concat:shape", "result = mx.nd.concat(m, mx.nd.ones((3, 3)))")
s("concat:uneven", "result = mx.nd.concat(m, mx.nd.ones((2, 1)), mx.nd.zeros((2, 2)))")
s("concat:single", "result = mx.nd.concat(m)")
s("concat:oob", f"{_ab}result = mx.nd.concat(a, b, dim=2)")
s("Concat", f"{_ab}result = mx.nd.Concat(a, b, dim=0)")
s("concat:3d", "result = mx.nd.concat(x, x * 2, dim=2)")
s("concat:int32", f"{_ab}result = mx.nd.concat(a.astype('int32'), b.astype('int32'))")
s("concatenate:default", f"{_ab}result = mx.nd.concatenate([a, b])")
s("concatenate:axis1", f"{_ab}result = mx.nd.concatenate([a, b, a], axis=1)")
s("concatenate:nocopy", f"{_ab}result = mx.nd.concatenate([a], always_copy=False) is a")
s("concatenate:copy", f"{_ab}result = mx.nd.concatenate([a]) is a")
s("concatenate:tuple", f"{_ab}result = mx.nd.concatenate((a, b))")
s("concatenate:int", f"{_ab}result = mx.nd.concatenate([a.astype('int32'), b.astype('int32')])")
s("stack:default", f"{_ab}result = mx.nd.stack(a, b)")
s("stack:axis1", f"{_ab}result = mx.nd.stack(a, b, axis=1)")
s("stack:axis-1", f"{_ab}result = mx.nd.stack(a, b, a, axis=-1)")
s("stack:axis2", f"{_ab}result = mx.nd.stack(a, b, axis=2)")
s("stack:axis3", f"{_ab}result = mx.nd.stack(a, b, axis=3)")
s("stack:list", f"{_ab}result = mx.nd.stack([a, b])")
s("stack:shape", "result = mx.nd.stack(m, mx.nd.ones((3, 2)))")
s("stack:num_args", f"{_ab}result = mx.nd.stack(a, b, num_args=2)")
s("stack:dtype", f"{_ab}result = mx.nd.stack(a, b.astype('int32'))")

# ---- split / SliceChannel / split_v2 ----
_sp = "y = mx.nd.arange(24).reshape((2, 6, 2)); "
s("split:default", f"{_sp}result = mx.nd.split(y, num_outputs=3)")
s("split:axis0", f"{_sp}result = mx.nd.split(y, num_outputs=2, axis=0)")
s("split:axis-1", f"{_sp}result = mx.nd.split(y, 2, axis=-1)")
s("split:squeeze", f"{_sp}result = mx.nd.split(y, num_outputs=2, axis=0, squeeze_axis=True)")
s("split:squeeze-notone", f"{_sp}result = mx.nd.split(y, num_outputs=3, squeeze_axis=1)")
s("split:one", f"{_sp}result = mx.nd.split(y, num_outputs=1)")
s("split:uneven", f"{_sp}result = mx.nd.split(y, num_outputs=4)")
s("split:missing", f"{_sp}result = mx.nd.split(y)")
s("split:oob", f"{_sp}result = mx.nd.split(y, num_outputs=2, axis=3)")
s("SliceChannel", f"{_sp}result = mx.nd.SliceChannel(y, num_outputs=2)")
s("split:method", f"{_sp}result = y.split(num_outputs=2, axis=2, squeeze_axis=True)")
s("split:all-squeeze", f"{_sp}result = mx.nd.split(y, num_outputs=6, squeeze_axis=True)")
s("split:copy", f"{_sp}p = mx.nd.split(y, num_outputs=2, axis=0); p[0][:] = -1; result = y")
s("split_v2:int", f"{_sp}result = mx.nd.split_v2(y, 2)")
s("split_v2:tuple", f"{_sp}result = mx.nd.split_v2(y, (1, 4), axis=1)")
s("split_v2:tuple-beyond", f"{_sp}result = mx.nd.split_v2(y, (2, 8), axis=1)")
s("split_v2:list", f"{_sp}result = mx.nd.split_v2(y, [1, 4], axis=1)")
s("split_v2:one", f"{_sp}result = mx.nd.split_v2(y, 1)")
s("split_v2:squeeze", f"{_sp}result = mx.nd.split_v2(y, 2, axis=0, squeeze_axis=True)")
s("split_v2:uneven", f"{_sp}result = mx.nd.split_v2(y, 4, axis=1)")
s("split_v2:neg-axis", f"{_sp}result = mx.nd.split_v2(y, 2, axis=-1)")
s("split_v2:method", f"{_sp}result = y.split_v2((3,), axis=1)")
s("split_v2:empty-tuple", f"{_sp}result = mx.nd.split_v2(y, (), axis=1)")
s("split_v2:unsorted", f"{_sp}result = mx.nd.split_v2(y, (4, 1), axis=1)")
s("split_v2:np-int", f"{_sp}result = mx.nd.split_v2(y, np.int64(2))")

# ---- slice / crop / slice_axis / slice_like ----
for b, e, st in [("(0, 1)", "(2, 3)", None), ("(None, 1)", "(None, None)", None),
                 ("(1,)", "(2,)", None), ("(-1, -2)", "(None, None)", None),
                 ("(0, 0, 0)", "(2, 3, 4)", "(1, 2, 2)"), ("(None, None, None)",
                                                           "(None, None, None)", "(-1, -1, -2)"),
                 ("(1, 2)", "(None, 0)", "(-1, -1)"), ("(0, 0)", "(10, 10)", None),
                 ("(0,)", "(2,)", "(None,)"), ("(1, 1)", "(None, 3)", "(1, 2)"),
                 ("(-5,)", "(5,)", None), ("(2,)", "(1,)", None), ("(0,)", "(0,)", None),
                 ("(0, 0)", "(1,)", None), ("(0, 0, 0, 0)", "(1, 1, 1, 1)", None),
                 ("(0,)", "(2,)", "(0,)"), ("(None,)", "(None,)", "(-1,)"),
                 ("(-1,)", "(None,)", "(-1,)"), ("(0, -1)", "(1, -4)", "(1, -1)")]:
    kw = f", step={st}" if st else ""
    s(f"slice:{b}:{e}:{st}", f"result = mx.nd.slice(x, begin={b}, end={e}{kw})")
s("slice:positional", "result = mx.nd.slice(x, (0, 1), (1, 3))")
s("slice:missing", "result = mx.nd.slice(x, begin=(0,))")
s("crop", "result = mx.nd.crop(x, begin=(0, 1), end=(1, 3))")
s("slice:method", "result = x.slice(begin=(1,), end=(2,))")
s("slice:method-positional", "result = x.slice((0, 0), (1, 2), (1, 1))")
s("slice:copy", "y = mx.nd.slice(x, begin=(0,), end=(1,)); y[:] = -1; result = x[0, 0, 0]")
s("slice:str", "result = mx.nd.slice(x, begin='(0, None)', end='(1, None)', step='(1, -1)')")
for ax, b, e in [(0, 0, 1), (1, 1, None), (2, -3, -1), (-1, 0, 4), (2, 0, 10), (2, 2, 1),
                 (3, 0, 1), (1, -4, 2), (1, 0, -3), (0, 1, 1)]:
    s(f"slice_axis:{ax}:{b}:{e}", f"result = mx.nd.slice_axis(x, axis={ax}, begin={b}, "
      f"end={e})")
s("slice_axis:method", "result = x.slice_axis(axis=1, begin=0, end=2)")
s("slice_axis:missing", "result = mx.nd.slice_axis(x, axis=1, begin=0)")
s("slice_axis:positional", "result = mx.nd.slice_axis(x, 2, 1, 3)")
for axes in ["()", "(0,)", "(1, 2)", "(-1,)", "(0, -2)", "(3,)"]:
    s(f"slice_like:{axes}", f"result = mx.nd.slice_like(x, mx.nd.zeros((1, 2, 3)), axes={axes})")
s("slice_like:default", "result = mx.nd.slice_like(x, mx.nd.zeros((1, 2)))")
s("slice_like:bigger", "result = mx.nd.slice_like(x, mx.nd.zeros((3, 2, 3)))")
s("slice_like:method", "result = x.slice_like(mx.nd.zeros((1, 1, 1)))")
s("slice_like:ndim", "result = mx.nd.slice_like(x, mx.nd.zeros((1, 1, 1, 1)))")

# ---- tile / repeat ----
for reps in ["(2,)", "(1, 2)", "(2, 1, 1)", "(2, 1, 1, 2)", "2", "()", "(0, 1)", "(1, 1, 3)"]:
    s(f"tile:{reps}", f"result = mx.nd.tile(m, reps={reps})")
s("tile:method", "result = v.tile((2, 2))")
s("tile:int32", "result = mx.nd.tile(m.astype('int32'), (2, 2))")
s("tile:missing", "result = mx.nd.tile(m)")
for rep, ax in [(2, None), (2, 0), (3, 1), (2, -1), (1, 0), (0, 0), (2, 2), (-1, 0)]:
    s(f"repeat:{rep}:{ax}", f"result = mx.nd.repeat(m, repeats={rep}, axis={ax})")
s("repeat:default", "result = mx.nd.repeat(m, 2)")
s("repeat:method", "result = m.repeat(2, axis=1)")
s("repeat:missing", "result = mx.nd.repeat(m)")

# ---- pad ----
_p4 = "p = mx.nd.arange(2 * 1 * 3 * 3).reshape((2, 1, 3, 3)); "
_p5 = "p = mx.nd.arange(1 * 2 * 2 * 2 * 3).reshape((1, 2, 2, 2, 3)); "
for mode in ["constant", "edge", "reflect"]:
    s(f"pad:4d:{mode}", f"{_p4}result = mx.nd.pad(p, mode='{mode}', "
      "pad_width=(0, 0, 0, 0, 1, 2, 2, 1))")
    s(f"pad:5d:{mode}", f"{_p5}result = mx.nd.pad(p, mode='{mode}', "
      "pad_width=(0, 0, 0, 0, 1, 1, 0, 1, 2, 1))")
s("pad:constant_value", f"{_p4}result = mx.nd.pad(p, mode='constant', constant_value=-2.5, "
  "pad_width=(0, 0, 0, 0, 1, 1, 1, 1))")
s("pad:default-mode", f"{_p4}result = mx.nd.pad(p, pad_width=(0, 0, 0, 0, 1, 1, 1, 1))")
s("pad:int32", f"{_p4}result = mx.nd.pad(p.astype('int32'), mode='constant', constant_value=7.9, "
  "pad_width=(0, 0, 0, 0, 0, 1, 0, 1))")
s("pad:Pad", f"{_p4}result = mx.nd.Pad(p, mode='edge', pad_width=(0, 0, 0, 0, 0, 0, 1, 1))")
s("pad:method", f"{_p4}result = p.pad(mode='reflect', pad_width=(0, 0, 0, 0, 2, 2, 2, 2))")
s("pad:3d", "result = mx.nd.pad(x, mode='constant', pad_width=(0, 0, 1, 1, 1, 1))")
s("pad:2d", "result = mx.nd.pad(m, mode='constant', pad_width=(0, 0, 1, 1))")
s("pad:first-axes", f"{_p4}result = mx.nd.pad(p, mode='constant', "
  "pad_width=(1, 0, 0, 0, 1, 1, 1, 1))")
s("pad:short", f"{_p4}result = mx.nd.pad(p, mode='constant', pad_width=(0, 0, 1, 1))")
s("pad:reflect-too-big", f"{_p4}result = mx.nd.pad(p, mode='reflect', "
  "pad_width=(0, 0, 0, 0, 3, 3, 1, 1))")
s("pad:bad-mode", f"{_p4}result = mx.nd.pad(p, mode='wrap', pad_width=(0, 0, 0, 0, 1, 1, 1, 1))")
s("pad:missing", f"{_p4}result = mx.nd.pad(p, mode='constant')")
s("pad:reflect-edge-size", f"{_p4}result = mx.nd.pad(p, mode='reflect', "
  "pad_width=(0, 0, 0, 0, 2, 2, 2, 2))")

# ---- flip / reverse ----
for ax in ["0", "1", "-1", "(0, 2)", "(1, 1)", "3", "()"]:
    s(f"flip:{ax}", f"result = mx.nd.flip(x, axis={ax})")
s("flip:missing", "result = mx.nd.flip(x)")
s("reverse", "result = mx.nd.reverse(m, axis=1)")
s("flip:method", "result = m.flip(0)")
s("flip:int32", "result = mx.nd.flip(m.astype('int32'), axis=(0, 1))")

# ---- broadcast_to / broadcast_axis / broadcast_like ----
_b = "b = mx.nd.array([[1], [2]]); "
s("broadcast_to:basic", f"{_b}result = mx.nd.broadcast_to(b, shape=(2, 3))")
s("broadcast_to:zero-keeps", f"{_b}result = mx.nd.broadcast_to(b, shape=(0, 3))")
s("broadcast_to:rank", "result = mx.nd.broadcast_to(mx.nd.array([1, 2]), shape=(3, 2))")
s("broadcast_to:bad", f"{_b}result = mx.nd.broadcast_to(b, shape=(3, 3))")
s("broadcast_to:same", f"{_b}result = mx.nd.broadcast_to(b, shape=(2, 1))")
s("broadcast_to:missing", f"{_b}result = mx.nd.broadcast_to(b)")
s("broadcast_to:method-rank", "result = mx.nd.array([1, 2]).broadcast_to((3, 2))")
s("broadcast_to:method-bad", "result = mx.nd.array([1, 2]).broadcast_to((3, 3))")
s("broadcast_to:method-shorter", "result = m.broadcast_to((3,))")
s("broadcast_to:method-list", f"{_b}result = b.broadcast_to([2, 2])")
s("broadcast_to:method-zero", f"{_b}result = b.broadcast_to((0, 3))")
s("broadcast_to:method-copy", f"{_b}y = b.broadcast_to((2, 1)); y[:] = 9; result = (y is b, b)")
s("broadcast_to:int32", f"{_b}result = mx.nd.broadcast_to(b.astype('int32'), shape=(2, 2))")
_c = "c = mx.nd.arange(3).reshape((1, 3, 1)); "
s("broadcast_axis:int", f"{_c}result = mx.nd.broadcast_axis(c, axis=0, size=2)")
s("broadcast_axis:tuple", f"{_c}result = mx.nd.broadcast_axis(c, axis=(0, 2), size=(2, 3))")
s("broadcast_axis:neg", f"{_c}result = mx.nd.broadcast_axis(c, axis=-1, size=4)")
s("broadcast_axis:notone", f"{_c}result = mx.nd.broadcast_axis(c, axis=1, size=4)")
s("broadcast_axis:oob", f"{_c}result = mx.nd.broadcast_axis(c, axis=3, size=4)")
s("broadcast_axis:len", f"{_c}result = mx.nd.broadcast_axis(c, axis=(0, 2), size=(2,))")
s("broadcast_axis:default", f"{_c}result = mx.nd.broadcast_axis(c)")
s("broadcast_axes", f"{_c}result = mx.nd.broadcast_axes(c, axis=2, size=2)")
s("broadcast_axes:method", f"{_c}result = c.broadcast_axes(axis=0, size=3)")
s("broadcast_like:basic", f"{_c}result = mx.nd.broadcast_like(c, mx.nd.zeros((2, 3, 2)))")
s("broadcast_like:axes", f"{_c}result = mx.nd.broadcast_like(c, mx.nd.zeros((5, 4)), "
  "lhs_axes=(0, 2), rhs_axes=(1, 0))")
s("broadcast_like:neg-axes", f"{_c}result = mx.nd.broadcast_like(c, mx.nd.zeros((5, 4)), "
  "lhs_axes=(-1,), rhs_axes=(-2,))")
s("broadcast_like:rank", "result = mx.nd.broadcast_like(mx.nd.array([1, 2]), mx.nd.zeros((3, 2)))")
s("broadcast_like:bad", f"{_c}result = mx.nd.broadcast_like(c, mx.nd.zeros((2, 4, 2)))")
s("broadcast_like:axes-len", f"{_c}result = mx.nd.broadcast_like(c, mx.nd.zeros((5, 4)), "
  "lhs_axes=(0,), rhs_axes=(1, 0))")
s("broadcast_like:method", f"{_c}result = c.broadcast_like(mx.nd.zeros((2, 3, 2)))")
s("broadcast_like:method-rank", "result = mx.nd.array([1, 2]).broadcast_like(mx.nd.zeros((3, 2)))")

# ---- depth_to_space / space_to_depth ----
_d = "d = mx.nd.arange(2 * 8 * 2 * 3).reshape((2, 8, 2, 3)); "
s("depth_to_space:2", f"{_d}result = mx.nd.depth_to_space(d, block_size=2)")
s("depth_to_space:bad", f"{_d}result = mx.nd.depth_to_space(d, block_size=3)")
s("depth_to_space:3d", "result = mx.nd.depth_to_space(x, block_size=2)")
s("depth_to_space:method", f"{_d}result = d.depth_to_space(2)")
s("depth_to_space:missing", f"{_d}result = mx.nd.depth_to_space(d)")
_e = "e = mx.nd.arange(2 * 2 * 4 * 6).reshape((2, 2, 4, 6)); "
s("space_to_depth:2", f"{_e}result = mx.nd.space_to_depth(e, block_size=2)")
s("space_to_depth:bad", f"{_e}result = mx.nd.space_to_depth(e, block_size=3)")
s("space_to_depth:method", f"{_e}result = e.space_to_depth(block_size=2)")
s("space_to_depth:roundtrip", f"{_e}result = mx.nd.depth_to_space("
  "mx.nd.space_to_depth(e, 2), 2)")
s("space_to_depth:1", f"{_e}result = mx.nd.space_to_depth(e, 1)")

# ---- diag ----
for k in [0, 1, -1, 2, -3, 5]:
    s(f"diag:1d:{k}", f"result = mx.nd.diag(mx.nd.array([1, 2, 3]), k={k})")
    s(f"diag:2d:{k}", f"result = mx.nd.diag(mx.nd.arange(12).reshape((3, 4)), k={k})")
for k, a1, a2 in [(0, 0, 1), (1, 1, 2), (-1, 2, 0), (0, -1, -2), (0, 1, 1), (0, 0, 3)]:
    s(f"diag:3d:{k}:{a1}:{a2}", f"result = mx.nd.diag(x, k={k}, axis1={a1}, axis2={a2})")
s("diag:4d", "result = mx.nd.diag(mx.nd.arange(36).reshape((2, 3, 2, 3)), axis1=1, axis2=3)")
s("diag:method", "result = m.diag(1)")
s("diag:method-kw", "result = x.diag(k=0, axis1=1, axis2=2)")
s("diag:int32", "result = mx.nd.diag(mx.nd.array([1, 2], dtype='int32'))")

# ---- shape_array / size_array ----
s("shape_array", "result = mx.nd.shape_array(x)")
s("size_array", "result = mx.nd.size_array(x)")
s("shape_array:method", "result = m.shape_array()")
s("size_array:method", "result = v.size_array()")
s("shape_array:int8", "result = mx.nd.shape_array(m.astype('int8'))")

# ---- misc out= ----
s("out:transpose", "o = mx.nd.zeros((3, 2)); r = mx.nd.transpose(m, out=o); result = (r is o, o)")
s("out:concat", "o = mx.nd.zeros((2, 6)); r = mx.nd.concat(m, m, out=o); result = (r is o, o)")
s("out:bad-shape", "o = mx.nd.zeros((2, 3)); result = mx.nd.transpose(m, out=o)")


# ======================================================================= indexing ops
# ---- take ----
for idx, kw in [("[0, 2]", ""), ("[5, -1]", ""), ("[5, -1]", ", mode='wrap'"),
                ("[0.7, 2.2, -0.5]", ""), ("[[0, 1], [2, 0]]", ""), ("[1]", ", axis=1"),
                ("[0, 3, -1]", ", axis=1"), ("[0, 3, -1]", ", axis=2, mode='wrap'"),
                ("[[0, 3], [1, -5]]", ", axis=-1, mode='clip'"), ("[4, -4]", ", axis=-2, mode='wrap'"),
                ("[1, 0]", ", axis=0, mode='raise'"), ("[5]", ", mode='raise'"),
                ("[0]", ", axis=3"), ("[0]", ", mode='bogus'"), ("[-7]", ", mode='wrap'"),
                ("[2.9, -2.9]", ", mode='wrap'")]:
    i(f"take:x:{idx}{kw}", f"result = mx.nd.take(x, mx.nd.array({idx}){kw})")
i("take:1d", "result = mx.nd.take(v, mx.nd.array([[3, 0], [1, 1]]))")
i("take:int32-data", "result = mx.nd.take(v.astype('int32'), mx.nd.array([1, 2]))")
i("take:int-indices", "result = mx.nd.take(m, mx.nd.array([1, 0], dtype='int32'))")
i("take:int64-indices", "result = mx.nd.take(m, mx.nd.array([1, 5], dtype='int64'), axis=1)")
i("take:method", "result = m.take(mx.nd.array([1]), axis=1)")
i("take:positional", "result = mx.nd.take(m, mx.nd.array([1]), 1, 'wrap')")
i("take:missing-indices", "result = mx.nd.take(m)")
i("take:f64-data", "result = mx.nd.take(m.astype('float64'), mx.nd.array([1, 0]))")
i("take:f16-indices", "result = mx.nd.take(m, mx.nd.array([1, 0], dtype='float16'))")
# ---- batch_take ----
i("batch_take", "result = mx.nd.batch_take(m, mx.nd.array([2, 0], dtype='int32'))")
i("batch_take:float-idx", "result = mx.nd.batch_take(m, mx.nd.array([1.7, 0.2]))")
i("batch_take:oob", "result = mx.nd.batch_take(m, mx.nd.array([5, -1], dtype='int32'))")
i("batch_take:len", "result = mx.nd.batch_take(m, mx.nd.array([1, 1, 1], dtype='int32'))")
# ---- gather_nd / scatter_nd ----
i("gather_nd:2d", "result = mx.nd.gather_nd(m, mx.nd.array([[1, 0], [2, 1]]))")
i("gather_nd:partial", "result = mx.nd.gather_nd(x, mx.nd.array([[1, 0], [2, 0]]))")
i("gather_nd:1row", "result = mx.nd.gather_nd(x, mx.nd.array([[1, 0]]))")
i("gather_nd:3d-idx", "result = mx.nd.gather_nd(x, mx.nd.array([[[1, 0], [0, 1]], "
  "[[2, 0], [1, 3]]]))")
i("gather_nd:neg", "result = mx.nd.gather_nd(m, mx.nd.array([[-1, 0], [-1, 1]]))")
i("gather_nd:float-idx", "result = mx.nd.gather_nd(m, mx.nd.array([[1.7, 0.2], [2.9, 1.1]]))")
i("gather_nd:int32", "result = mx.nd.gather_nd(m.astype('int32'), mx.nd.array([[1], [2]], "
  "dtype='int32'))")
i("gather_nd:too-many", "result = mx.nd.gather_nd(m, mx.nd.array([[0], [1], [2]]))")
i("gather_nd:oob", "result = mx.nd.gather_nd(m, mx.nd.array([[5], [0]]))")
i("scatter_nd:2d", "result = mx.nd.scatter_nd(mx.nd.array([2, 3, 0]), mx.nd.array([[1, 1, 0], "
  "[0, 1, 0]]), shape=(2, 2))")
i("scatter_nd:rows", "result = mx.nd.scatter_nd(mx.nd.array([[1, 2, 3], [4, 5, 6]]), "
  "mx.nd.array([[2, 0]]), shape=(3, 3))")
i("scatter_nd:3d", "result = mx.nd.scatter_nd(mx.nd.ones((2, 4)), mx.nd.array([[1, 0], "
  "[0, 2]]), shape=(2, 3, 4))")
i("scatter_nd:int32", "result = mx.nd.scatter_nd(mx.nd.array([5, 6], dtype='int32'), "
  "mx.nd.array([[0, 2]], dtype='int32'), shape=(4,))")
i("scatter_nd:missing", "result = mx.nd.scatter_nd(mx.nd.array([5, 6]), mx.nd.array([[0, 2]]))")
i("scatter_nd:bad-shape", "result = mx.nd.scatter_nd(mx.nd.array([5, 6, 7]), "
  "mx.nd.array([[0, 2]]), shape=(4,))")
# ---- one_hot ----
for idx, kw in [("[1, 0, 2]", ", 3"), ("[1, 0, 5, -1]", ", 3"), ("[[1, 0], [2, 2]]", ", 4"),
                ("[0.7, 2.2]", ", 3"), ("[1, 0]", ", 3, on_value=5, off_value=-1"),
                ("[1, 0]", ", 3, dtype='int32'"), ("[1, 0]", ", 3, on_value=2.5, dtype='int32'"),
                ("[1, 0]", ", 3, dtype='float16'"), ("[1, 0]", ", 3, dtype='uint8'"),
                ("[1, 0]", ", 3, dtype='int16'"), ("[1, 0]", ""), ("[1, 0]", ", 0"),
                ("[1, 0]", ", depth=3, dtype='float64', off_value=0.5")]:
    i(f"one_hot:{idx}{kw}", f"result = mx.nd.one_hot(mx.nd.array({idx}){kw})")
i("one_hot:int-idx", "result = mx.nd.one_hot(mx.nd.array([1, 3], dtype='int32'), 3)")
i("one_hot:method", "result = mx.nd.array([1, 2]).one_hot(3)")
# ---- ravel / unravel ----
i("ravel_multi_index", "result = mx.nd.ravel_multi_index(mx.nd.array([[3, 6, 6], [4, 5, 1]]), "
  "shape=(7, 6))")
i("ravel_multi_index:3d", "result = mx.nd.ravel_multi_index(mx.nd.array([[1, 0], [2, 1], "
  "[3, 0]]), shape=(2, 3, 4))")
i("ravel_multi_index:int32", "result = mx.nd.ravel_multi_index(mx.nd.array([[1, 0], [2, 1]], "
  "dtype='int32'), shape=(3, 4))")
i("ravel_multi_index:oob", "result = mx.nd.ravel_multi_index(mx.nd.array([[9], [9]]), "
  "shape=(3, 4))")
i("ravel_multi_index:missing", "result = mx.nd.ravel_multi_index(mx.nd.array([[1], [1]]))")
i("unravel_index", "result = mx.nd.unravel_index(mx.nd.array([22, 41, 37]), shape=(7, 6))")
i("unravel_index:3d", "result = mx.nd.unravel_index(mx.nd.array([5, 23]), shape=(2, 3, 4))")
i("unravel_index:int32", "result = mx.nd.unravel_index(mx.nd.array([5, 7], dtype='int32'), "
  "shape=(3, 4))")
i("unravel_index:oob", "result = mx.nd.unravel_index(mx.nd.array([50]), shape=(3, 4))")
i("unravel_index:2d-input", "result = mx.nd.unravel_index(mx.nd.array([[1, 5], [7, 2]]), "
  "shape=(3, 4))")
# ---- contrib.boolean_mask ----
i("boolean_mask:rows", "result = mx.nd.contrib.boolean_mask(m, mx.nd.array([0, 1]))")
i("boolean_mask:3d", "result = mx.nd.contrib.boolean_mask(x, mx.nd.array([1, 1]))")
i("boolean_mask:int-mask", "result = mx.nd.contrib.boolean_mask(mx.nd.arange(5), "
  "mx.nd.array([1, 0, 2, 0, 1], dtype='int32'))")
i("boolean_mask:axis1", "result = mx.nd.contrib.boolean_mask(m, mx.nd.array([1, 0, 1]), axis=1)")
i("boolean_mask:len", "result = mx.nd.contrib.boolean_mask(m, mx.nd.array([1, 0, 1]))")
i("boolean_mask:bool", "result = mx.nd.contrib.boolean_mask(m, mx.nd.array([1, 0], "
  "dtype='bool'))")
i("boolean_mask:none", "result = mx.nd.contrib.boolean_mask(m, mx.nd.array([0, 0]))")

# ---- __getitem__: more forms ----
for key in ["(1, 2)", "(1, slice(None), 3)", "(slice(None, None, -1), 0)",
            "(slice(1, None), slice(None, None, -2))", "(slice(None, None, 2), Ellipsis, 1)",
            "(None, 1, None)", "(Ellipsis, None)", "(Ellipsis, None, slice(1, 3))",
            "(1, Ellipsis)", "(Ellipsis, 1, Ellipsis)", "(slice(-2, None), -1)",
            "np.int32(1)", "np.int64(-1)", "(np.int64(1), np.int32(2))", "np.uint8(1)",
            "(slice(None), None, 1)", "[1, 0, 1]", "[-1]", "(1, [2, 0])", "([1], [2], [3])",
            "([[0], [1]], [[0, 1, 2]])", "(slice(None), [2, 0], slice(1, 3))",
            "([0, 1], 1)", "([0, 1], slice(None), 2)", "(0, [0, 1], [1, 2])",
            "(Ellipsis, [0, 3])", "(None, [0, 1])", "np.array([1, 0], dtype=np.int32)",
            "np.array([[1], [0]])", "np.array([1.7, 0.2])", "mx.nd.array([1.9, 0])",
            "mx.nd.array([1, 0], dtype='int64')", "mx.nd.array([-1])",
            "(mx.nd.array([1, 0]), mx.nd.array([2, 2]))", "np.array([True, False])",
            "[True, False]", "(slice(None), np.array([True, False, True]))",
            "range(0, 2)", "(range(2), 0)", "[5]", "([0, 1], [0, 5])", "(2, 0)",
            "(0, 3)", "(0, 0, 4)", "(0, 0, -5)", "(slice(None), -4)", "True", "slice(0, 1.5)",
            "(1.0, 0)", "(slice(None), slice(None), slice(None), None, 0)",
            "(slice(2, 0, -1),)", "(slice(None), slice(3, 1))", "slice(None, None, None)",
            "(slice(None),)", "(Ellipsis,)", "(slice(0, 2), slice(0, 3), slice(0, 4))",
            "(slice(None), slice(None, None, 3))", "mx.nd.array(1)", "(0, slice(None, None, -1))",
            "mx.nd.array([[1, 0]])", "mx.nd.array([0, 1, 0, 1], dtype='uint8')", "[]",
            "(slice(None), [])", "np.array([], dtype=np.int64)", "{1: 2}", "(0, 'a')",
            "[0, [1]]", "[[0, 1], [1]]", "(Ellipsis, Ellipsis)", "(slice(None), None, None, 0)"]:
    i(f"getitem:x[{key}]", f"result = x[{key}]")
i("getitem:int-apart", "result = (x[0, :, [3, 1]], x[1, [0, 2], :], x[:, 1, [0, 3]])")
i("getitem:int-apart-nd", "result = x[0, :, mx.nd.array([[3], [1]])]")
i("getitem:shape-1", "y = mx.nd.zeros((1, 3)); result = (y[0].shape, y[:, 0].shape, "
  "y[0, 0].shape, y[:, 0:1].shape)")
i("getitem:float16", "result = x.astype('float16')[1, 2]")
i("getitem:int", "result = x.astype('int64')[:, 1]")
i("getitem:bool", "result = (x > 10).astype('bool')[1, 1:3]")
i("getitem:ellipsis-new", "result = (x[...] is x, x[...].shape)")
i("getitem:tuple-list", "result = x[(0, 1)]")
i("getitem:tuple-of-tuple", "result = x[((0, 1), (1, 2))]")
i("getitem:mask-nd-float", "result = v[v > 1]")
i("getitem:mask-nd-bool-len", "result = v[mx.nd.array([1, 0, 1], dtype='bool')]")
i("getitem:1d-neg-step", "result = v[3:0:-1]")
i("getitem:1d-neg-step-empty", "result = v[0:3:-1]")
i("getitem:1d-neg-clamp", "result = v[10:-10:-2]")
i("getitem:1d-empty-pos", "result = v[2:2]")
i("getitem:1d-beyond", "result = v[4:]")
i("getitem:1d-neg-range", "result = v[-1:-3]")
i("getitem:1d-neg-ok", "result = v[-3:-1]")
i("getitem:2d-col-neg", "result = m[:, ::-1]")

# ---- views vs copies (write through or not) ----
_z = "x = mx.nd.zeros((2, 3, 4)); "
for key in ["0", "(1, 2)", "(1, 2, 3)", "slice(0, 1)", "(0, slice(1, 3))", "(0, 1, slice(1, 3))",
            "(slice(0, 2), slice(0, 3))", "(slice(None), slice(0, 3), slice(0, 4))",
            "(0, slice(None), 0)", "(slice(None), 1)", "slice(None, None, -1)",
            "(0, slice(0, 3, 2))", "(slice(0, 1), slice(1, 2))", "(0, slice(1, 2), slice(0, 2))",
            "(0, slice(1, 2), slice(None))", "Ellipsis", "(Ellipsis, 0)", "(0, Ellipsis)",
            "None", "(None, 0)", "(0, None)", "(slice(None), None)", "[0]", "(0, [1])",
            "np.int64(1)", "(slice(1, 2), slice(None), slice(None))", "(1, slice(None, None, 1))",
            "(slice(0, 2, 1), slice(0, 3, 1))", "(-1, -1, slice(-2, None))"]:
    i(f"view:x[{key}]", f"{_z}r = x[{key}]; r[:] = 7; result = x")
    i(f"view-iadd:x[{key}]", f"{_z}r = x[{key}]; r += 1; result = x")
for shape, key in [("(1, 3)", "(slice(None), slice(0, 1))"), ("(1, 3)", "(slice(None), 1)"),
                   ("(3, 1)", "(slice(None), 0)"), ("(3, 1)", "(slice(0, 2), 0)"),
                   ("(1, 1, 4)", "(0, slice(None), slice(1, 3))"),
                   ("(1, 3, 4)", "(slice(None), 1)"), ("(2, 1, 4)", "(slice(None), 0)"),
                   ("(2, 1, 4)", "(slice(None), slice(None), slice(0, 2))"),
                   ("(2, 3, 1)", "(slice(None), slice(0, 2))"), ("(4,)", "slice(1, 3)"),
                   ("(4,)", "slice(None, None, 2)"), ("(1, 4)", "(0, slice(None, None, 2))"),
                   ("(1, 1)", "(slice(None), slice(None))"), ("(1, 4)", "(slice(None), 2)"),
                   ("(2, 1)", "(slice(1, 2), slice(None))")]:
    i(f"view:{shape}[{key}]", f"x = mx.nd.zeros({shape}); r = x[{key}]; r[:] = 7; "
      "result = x")
i("view:chain", f"{_z}r = x[1][2]; r[:] = 3; result = x")
i("view:iter", f"{_z}\nfor row in x:\n    row[0] = 1\nresult = x")
i("view:nested-slice", f"{_z}r = x[0:2][1]; r[:] = 5; result = x")
i("view:reshape-of-view", f"{_z}r = x[1].reshape((12,)); r[:] = 5; result = x")

# ---- __setitem__ ----
_w = "w = mx.nd.zeros((2, 3, 4)); "
for key, val in [("0", "1.5"), ("(1, 2)", "np.arange(4)"), ("(slice(None), 1)", "[1, 2, 3, 4]"),
                 ("(slice(None), slice(None), 0)", "mx.nd.array([[1], [2]])"),
                 ("(slice(None), slice(None), 0)", "mx.nd.array([1, 2, 3])"),
                 ("(slice(None, None, -1), 0)", "mx.nd.array([[1, 2, 3, 4], [5, 6, 7, 8]])"),
                 ("(slice(None, None, -1), slice(None, None, -1), slice(None, None, -1))",
                  "mx.nd.arange(24).reshape((2, 3, 4))"),
                 ("(0, slice(None, None, 2))", "mx.nd.array([[1], [2]])"),
                 ("(1, slice(None), slice(1, None, 2))", "np.ones((3, 1))"),
                 ("[1, 0]", "mx.nd.ones((3, 4))"), ("([1, 0], [2, 0])", "mx.nd.array([1, 2])"),
                 ("([1, 0], slice(None), [2, 0])", "mx.nd.array([[1], [2]])"),
                 ("(slice(None), [0, 2])", "5"), ("(0, [0, 2], [1, 3])", "[8, 9]"),
                 ("mx.nd.array([1])", "3"), ("np.array([0, 1])", "mx.nd.arange(12).reshape((3, 4))"),
                 ("np.array([True, False])", "4"), ("(None, 0)", "2"), ("(Ellipsis, 3)", "9"),
                 ("(0, Ellipsis, 3)", "(1, 2, 3)"), ("0", "mx.nd.ones((1, 3, 4))"),
                 ("0", "mx.nd.ones((1, 1, 3, 4))"), ("0", "mx.nd.ones((4, 3))"),
                 ("0", "mx.nd.ones((3,))"), ("0", "np.ones((2, 3, 4))"), ("0", "None"),
                 ("0", "'a'"), ("0", "[[1, 2], [3]]"), ("5", "1"), ("(0, 0, 0, 0)", "1"),
                 ("slice(2, 1)", "1"), ("1.0", "1"), ("(0, 0, 0)", "mx.nd.array([5])"),
                 ("(0, 0, 0)", "mx.nd.array([5, 6])"),
                 ("slice(None)", "mx.nd.ones((3, 4))"), ("slice(None)", "mx.nd.ones((2, 1, 4))"),
                 ("slice(None)", "mx.nd.ones((2, 3, 4), dtype='float64') * 2"),
                 ("slice(None)", "np.float64(3.5)"), ("slice(None)", "True"),
                 ("(slice(None), slice(None), slice(None, None, 3))", "mx.nd.array([1, 2])"),
                 ("[[0, 1], [1, 0]]", "3"), ("(slice(None), np.array([True, False, True]))", "6"),
                 ("(0, slice(None), mx.nd.array([3, 1]))", "mx.nd.array([[1, 2], [3, 4], [5, 6]])"),
                 ("([0, 0], [1, 1], [2, 2])", "mx.nd.array([5, 6])"), ("[]", "1"),
                 ("(slice(0, 1), 0, slice(None))", "[[1, 2, 3, 4]]")]:
    i(f"setitem:w[{key}]={val}", f"{_w}w[{key}] = {val}; result = w")
for dt in ["int32", "uint8", "float16", "int64", "bool"]:
    i(f"setitem:{dt}-scalar", f"w = mx.nd.zeros((2, 3), dtype='{dt}'); w[0] = 2.7; w[1, 1] = -1; "
      "result = w")
    i(f"setitem:{dt}-nd", f"w = mx.nd.zeros((2, 3), dtype='{dt}'); w[0] = mx.nd.array([1.5, -2.5, "
      "300]); result = w")
i("setitem:i32-from-f64-np", "w = mx.nd.zeros((3,), dtype='int32'); w[:] = np.array([1.9, -1.9, "
  "2.5]); result = w")
i("setitem:view-of-copy", "w = mx.nd.zeros((2, 3)); c = w[:, 1]; c[0] = 5; result = (w, c)")
i("setitem:self-slice", "w = mx.nd.arange(4); w[1:] = w[:3]; result = w")
i("setitem:self-rev", "w = mx.nd.arange(4); w[:] = w[::-1]; result = w")
i("setitem:tuple-value", "w = mx.nd.zeros((2, 2)); w[:] = (1, 2); result = w")
i("setitem:nd-ctx", "w = mx.nd.zeros((2, 2)); w[0] = mx.nd.ones((2,), ctx=mx.cpu(1)); result = w")


CASES = SHAPE + INDEXING


def run_case(mx, code):
    ns = {"mx": mx, "np": np}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        exec(PRELUDE, ns)
        exec(code, ns)
    return ns.get("result")


def record(mx, cases) -> dict:
    out = {}
    for cid, code in cases:
        try:
            rec = {"result": encode(run_case(mx, code))}
            mx.nd.waitall()
        except Exception as e:  # noqa: BLE001 - recording what MXNet raises is the point
            msg = str(e).strip().splitlines()
            msg = [re.sub(r"^\[\d\d:\d\d:\d\d\] ", "", ln) for ln in msg]
            rec = {"error": type(e).__name__, "mxnet_error": isinstance(e, mx.base.MXNetError),
                   "message": msg[-1] if msg else ""}
        out[cid] = rec
    return out


_BUILTIN = {"ValueError": ValueError, "TypeError": TypeError, "IndexError": IndexError,
            "KeyError": KeyError}
#: MXNet op names as they appear in mxcompat's messages, for case-id prefixes that differ
_OP_IN_MESSAGE = {"Concat": "concat", "SliceChannel": "split", "crop": "slice",
                  "Flatten": "flatten", "SwapAxis": "swapaxes", "Reshape": "reshape",
                  "reverse": "flip", "broadcast_axes": "broadcast_axis", "Pad": "pad"}


def check_case(mx, cid: str, code: str, exp: dict, extensions: dict = None,
               name_op: bool = True, deviations: dict = None) -> None:
    """Replay one case on ``mx`` (mxcompat) and assert it matches the MXNet record ``exp``.

    Where MXNet raised (or crashed), mxcompat must raise an MXNetError that is also the
    Python error MXNet raised (ValueError, TypeError, IndexError); with ``name_op`` the
    message must name the op (the case id's first field). ``extensions`` lists cases where
    mxcompat deliberately succeeds; ``deviations`` lists cases where MXNet returns memory it
    does not own (undefined results) and mxcompat raises an MXNetError instead."""
    from mxcompat.base import MXNetError
    if deviations and cid in deviations:
        try:
            run_case(mx, code)
        except MXNetError:
            return
        raise AssertionError(f"{cid}: mxcompat should raise ({deviations[cid]})")
    if "error" in exp:
        if extensions and cid in extensions:
            run_case(mx, code)
            return
        try:
            run_case(mx, code)
        except MXNetError as e:
            builtin = _BUILTIN.get(exp["error"])
            assert builtin is None or isinstance(e, builtin), (
                f"{cid}: MXNet raised {exp['error']}, mxcompat raised {type(e).__name__}: {e}")
            if name_op and exp["error"] == "MXNetError":
                op = cid.split(":")[0]
                op = _OP_IN_MESSAGE.get(op, op)
                assert op.lower() in str(e).lower(), f"{cid}: message does not name {op}: {e}"
            return
        raise AssertionError(f"{cid}: MXNet raised {exp['error']}: {exp['message']!r}; "
                             "mxcompat did not raise")
    got = encode(run_case(mx, code))
    _same(exp["result"], got, cid)


def _num(vals):
    return np.array([np.nan if v == "nan" else np.inf if v == "inf" else -np.inf
                     if v == "-inf" else v for v in vals], dtype=np.float64)


def _same(exp: dict, got: dict, path: str) -> None:
    if "seq" in exp:
        assert "seq" in got, f"{path}: expected a {exp['seq']}, got {got}"
        assert exp["seq"] == got["seq"], f"{path}: {got['seq']} != {exp['seq']}"
        assert len(exp["items"]) == len(got["items"]), f"{path}: length differs"
        for k, (e, g) in enumerate(zip(exp["items"], got["items"])):
            _same(e, g, f"{path}[{k}]")
        return
    if exp.get("nd"):
        assert got.get("nd"), f"{path}: expected an NDArray, got {got}"
        assert got["dtype"] == exp["dtype"], f"{path}: dtype {got['dtype']} != {exp['dtype']}"
        assert got["shape"] == exp["shape"], f"{path}: shape {got['shape']} != {exp['shape']}"
        tol = 1e-3 if exp["dtype"] == "float16" else 1e-6
        np.testing.assert_allclose(_num(got["values"]), _num(exp["values"]), rtol=tol, atol=tol,
                                   equal_nan=True, err_msg=f"{path}: values differ")
        assert got["repr"] == exp["repr"], f"{path}: printed form differs"
        return
    assert got == exp, f"{path}: {got} != {exp}"


def _worker(start: int) -> None:
    """Record CASES[start:] one JSON line each (run in a child: some cases crash MXNet)."""
    import mxnet as mx
    for cid, code in CASES[start:]:
        print(json.dumps([cid, record(mx, [(cid, code)])[cid]]), flush=True)


def record_all() -> dict:
    """Every case's record; a case that kills the process is recorded as a crash."""
    import subprocess
    got: dict = {}
    start = 0
    while start < len(CASES):
        p = subprocess.run([sys.executable, __file__, "--worker", str(start)],
                           capture_output=True, text=True)
        for line in p.stdout.splitlines():
            if line.startswith("["):
                cid, rec = json.loads(line)
                got[cid] = rec
        first = start
        start = len(got)
        # a case that corrupted the heap may kill a later one: only a case that dies first
        # thing in a fresh process is recorded as a crash
        if p.returncode != 0 and start < len(CASES) and start == first:
            cid = CASES[start][0]
            got[cid] = {"error": "crash", "mxnet_error": False,
                        "message": f"MXNet 1.9.1 killed the process (exit status "
                                   f"{p.returncode})"}
            start += 1
    return got


def main() -> int:
    if len(sys.argv) == 3 and sys.argv[1] == "--worker":
        _worker(int(sys.argv[2]))
        return 0
    import mxnet as mx
    assert len(set(c for c, _ in CASES)) == len(CASES), "duplicate case ids"
    got = record_all()
    for name, cases in (("shape", SHAPE), ("indexing", INDEXING)):
        out = {"mxnet_version": mx.__version__, "numpy_version": np.__version__,
               "recorded_by": "tools/oracle/record_shape.py",
               "cases": {cid: got[cid] for cid, _ in cases}}
        path = ROOT / "tests" / "golden" / f"{name}.json"
        path.write_text(json.dumps(out, indent=1, sort_keys=True) + "\n")
        print(f"wrote {len(out['cases'])} cases to {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
