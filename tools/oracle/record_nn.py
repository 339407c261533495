"""Record NN / loss / sequence / optimizer-update cases from real MXNet 1.9.1 into
tests/golden/nn.json (run under the oracle environment; deterministic: same MXNet, same file).
tests/test_nn.py and tests/test_optim.py replay CASES on mxcompat and compare.

Each case is Python code run with ``mx``, ``np``, ``R`` (fixed-seed uniform inputs) and
``GRAD`` in scope; it leaves its result (an NDArray or a list of them) in ``result``.
``GRAD(f, *arrays, head=None)`` runs ``f(*arrays)`` under ``autograd.record()``, back-propagates
``head`` (ones by default) and returns ``[output(s)..., grad of each array]``. Under MXNet it
uses ``attach_grad``; replayed on mxcompat it uses mx.autograd when that exists and torch
autograd on the underlying tensors otherwise (so the op gradients are tested either way).
"""
from __future__ import annotations

import json
import math
import re
import sys
import warnings
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]

_R_SRC = '''
def R(*shape, seed=0, dtype="float32", lo=-1.0, hi=1.0):
    a = np.random.RandomState(seed).uniform(lo, hi, size=shape)
    return mx.nd.array(a, dtype=dtype)

def I(values, dtype="float32"):
    return mx.nd.array(np.array(values), dtype=dtype)
'''

_GRAD_MX = '''
def GRAD(f, *arrays, head=None, train=True):
    for a in arrays:
        a.attach_grad()
    with mx.autograd.record(train_mode=train):
        out = f(*arrays)
    outs = out if isinstance(out, (list, tuple)) else [out]
    if head is None:
        outs[0].backward()
    else:
        outs[0].backward(head)
    return list(outs) + [a.grad for a in arrays]
'''

# replaying on mxcompat: mx.autograd when it has attach_grad, else torch autograd directly
GRAD_MXCOMPAT = '''
import torch as _torch
if hasattr(mx.nd.NDArray, "attach_grad"):
    exec(_GRAD_MX_SRC)
else:
    def GRAD(f, *arrays, head=None, train=True):
        for a in arrays:
            a._t.requires_grad_(True)
        with mx.autograd.record(train_mode=train):
            out = f(*arrays)
        outs = out if isinstance(out, (list, tuple)) else [out]
        h = _torch.ones_like(outs[0]._t) if head is None else head._t
        _torch.autograd.backward(outs[0]._t, h)
        return list(outs) + [mx.nd.from_torch(a._t.grad.detach().clone()) for a in arrays]
'''

_DT = ("float32", "float64")
CASES = []


def _c(cid, code):
    CASES.append((cid, code))


# ---------------------------------------------------------------------------------------
# FullyConnected
for dt in _DT:
    d = f"dtype='{dt}'"
    _c(f"nn:FullyConnected:basic:{dt}",
       f"result = mx.nd.FullyConnected(R(2, 3, {d}), R(4, 3, seed=1, {d}), R(4, seed=2, {d}), "
       "num_hidden=4)")
    _c(f"nn:FullyConnected:flatten:{dt}",
       f"result = mx.nd.FullyConnected(R(2, 2, 3, {d}), R(4, 6, seed=1, {d}), R(4, seed=2, {d}),"
       " num_hidden=4)")
    _c(f"nn:FullyConnected:noflatten:{dt}",
       f"result = mx.nd.FullyConnected(R(2, 2, 3, {d}), R(4, 3, seed=1, {d}), R(4, seed=2, {d}),"
       " num_hidden=4, flatten=False)")
    _c(f"nn:FullyConnected:grad:{dt}",
       f"result = GRAD(lambda x, w, b: mx.nd.FullyConnected(x, w, b, num_hidden=4), "
       f"R(2, 3, {d}), R(4, 3, seed=1, {d}), R(4, seed=2, {d}), head=R(2, 4, seed=3, {d}))")
_c("nn:FullyConnected:nobias", "result = mx.nd.FullyConnected(R(2, 3), R(4, 3, seed=1), "
   "num_hidden=4, no_bias=True)")
_c("nn:FullyConnected:err_missing_bias", "result = mx.nd.FullyConnected(R(2, 3), R(4, 3), "
   "num_hidden=4)")
_c("nn:FullyConnected:err_extra_bias", "result = mx.nd.FullyConnected(R(2, 3), R(4, 3), R(4), "
   "num_hidden=4, no_bias=True)")
_c("nn:FullyConnected:err_num_hidden", "result = mx.nd.FullyConnected(R(2, 3), R(4, 3), R(4))")
_c("nn:FullyConnected:err_shape", "result = mx.nd.FullyConnected(R(2, 3), R(4, 3), R(4), "
   "num_hidden=3)")
_c("nn:FullyConnected:err_int", "result = mx.nd.FullyConnected(R(2, 3, dtype='int32'), "
   "R(4, 3, dtype='int32'), R(4, dtype='int32'), num_hidden=4)")

# ---------------------------------------------------------------------------------------
# Activations
for act in ("relu", "sigmoid", "softrelu", "softsign", "tanh"):
    for dt in _DT:
        _c(f"nn:Activation:{act}:{dt}",
           f"result = mx.nd.Activation(R(3, 4, lo=-3, hi=3, dtype='{dt}'), act_type='{act}')")
_c("nn:Activation:grad:tanh", "result = GRAD(lambda x: mx.nd.Activation(x, act_type='tanh'), "
   "R(3, 4, lo=-2, hi=2))")
_c("nn:Activation:err_gelu", "result = mx.nd.Activation(R(3), act_type='gelu')")
_c("nn:Activation:err_missing", "result = mx.nd.Activation(R(3))")
for act, extra in (("leaky", ""), ("leaky", ", slope=0.1"), ("elu", ""), ("elu", ", slope=1.0"),
                   ("selu", ""), ("gelu", "")):
    for dt in _DT:
        _c(f"nn:LeakyReLU:{act}{extra.replace(', ', ':')}:{dt}",
           f"result = mx.nd.LeakyReLU(R(3, 4, lo=-3, hi=3, dtype='{dt}'), "
           f"act_type='{act}'{extra})")
_c("nn:LeakyReLU:default", "result = mx.nd.LeakyReLU(R(3, 4, lo=-3, hi=3))")
_c("nn:LeakyReLU:prelu", "result = mx.nd.LeakyReLU(R(2, 3, 4, lo=-3, hi=3), R(3, seed=1), "
   "act_type='prelu')")
_c("nn:LeakyReLU:prelu:scalar", "result = mx.nd.LeakyReLU(R(2, 3, 4, lo=-3, hi=3), "
   "I([0.3]), act_type='prelu')")
# (the second output, the mask, is uninitialised memory in MXNet outside training)
_c("nn:LeakyReLU:rrelu:predict", "result = mx.nd.LeakyReLU(R(2, 3, lo=-3, hi=3), "
   "act_type='rrelu')[0]")
_c("nn:LeakyReLU:grad:prelu", "result = GRAD(lambda x, g: mx.nd.LeakyReLU(x, g, "
   "act_type='prelu'), R(2, 3, 4, lo=-3, hi=3), R(3, seed=1))")
_c("nn:LeakyReLU:grad:elu", "result = GRAD(lambda x: mx.nd.LeakyReLU(x, act_type='elu'), "
   "R(3, 4, lo=-3, hi=3))")

# ---------------------------------------------------------------------------------------
# softmax family
for dt in _DT:
    d = f"dtype='{dt}'"
    _c(f"nn:softmax:basic:{dt}", f"result = mx.nd.softmax(R(3, 4, lo=-3, hi=3, {d}))")
    _c(f"nn:softmax:axis0:{dt}", f"result = mx.nd.softmax(R(3, 4, 2, lo=-3, hi=3, {d}), axis=0)")
    _c(f"nn:softmax:temp:{dt}", f"result = mx.nd.softmax(R(3, 4, lo=-3, hi=3, {d}), "
       "temperature=2.5)")
    _c(f"nn:log_softmax:basic:{dt}", f"result = mx.nd.log_softmax(R(3, 4, lo=-3, hi=3, {d}))")
    _c(f"nn:log_softmax:axis1:{dt}", f"result = mx.nd.log_softmax(R(2, 3, 4, lo=-3, hi=3, {d}),"
       " axis=1, temperature=0.5)")
    _c(f"nn:softmin:basic:{dt}", f"result = mx.nd.softmin(R(3, 4, lo=-3, hi=3, {d}))")
_c("nn:softmax:dtype64", "result = mx.nd.softmax(R(3, 4), dtype='float64')")
_c("nn:softmax:length", "result = mx.nd.softmax(R(3, 4), I([1, 4, 2], dtype='int32'), "
   "use_length=True)")
_c("nn:softmax:length_axis0", "result = mx.nd.softmax(R(4, 3), I([1, 4, 2], dtype='int32'), "
   "axis=0, use_length=True)")
_c("nn:softmax:err_int", "result = mx.nd.softmax(R(3, 4, dtype='int32'))")
_c("nn:softmax:err_length_float", "result = mx.nd.softmax(R(3, 4), I([1, 4, 2]), "
   "use_length=True)")
_c("nn:log_softmax:err_use_length", "result = mx.nd.log_softmax(R(3, 4), use_length=True)")
_c("nn:softmax:grad", "result = GRAD(lambda x: mx.nd.softmax(x), R(3, 4), head=R(3, 4, seed=5))")
_c("nn:log_softmax:grad", "result = GRAD(lambda x: mx.nd.log_softmax(x), R(3, 4), "
   "head=R(3, 4, seed=5))")
_c("nn:SoftmaxActivation:instance", "result = mx.nd.SoftmaxActivation(R(2, 3, 2))")
_c("nn:SoftmaxActivation:channel", "result = mx.nd.SoftmaxActivation(R(2, 3, 2), "
   "mode='channel')")
_c("nn:softmax_cross_entropy", "result = mx.nd.softmax_cross_entropy(R(4, 5, lo=-2, hi=2), "
   "I([0, 4, 2, 1]))")
_c("nn:softmax_cross_entropy:f64", "result = mx.nd.softmax_cross_entropy(R(4, 5, lo=-2, hi=2, "
   "dtype='float64'), I([0, 4, 2, 1], dtype='float64'))")

# ---------------------------------------------------------------------------------------
# Dropout (deterministic parts)
_c("nn:Dropout:predict", "result = mx.nd.Dropout(R(3, 4))")
_c("nn:Dropout:train_p0", "with mx.autograd.train_mode():\n"
   "    result = mx.nd.Dropout(R(3, 4), p=0.0)")
_c("nn:Dropout:train_p1", "with mx.autograd.train_mode():\n"
   "    result = mx.nd.Dropout(R(3, 4), p=1.0)")
_c("nn:Dropout:always_p1", "result = mx.nd.Dropout(R(3, 4), p=1.0, mode='always')")

# ---------------------------------------------------------------------------------------
# Convolution / Deconvolution
for dt in _DT:
    d = f"dtype='{dt}'"
    _c(f"nn:Convolution:2d:{dt}", f"result = mx.nd.Convolution(R(2, 3, 5, 5, {d}), "
       f"R(4, 3, 3, 3, seed=1, {d}), R(4, seed=2, {d}), kernel=(3, 3), num_filter=4)")
    _c(f"nn:Convolution:2d_sdp:{dt}", f"result = mx.nd.Convolution(R(1, 2, 7, 6, {d}), "
       f"R(3, 2, 3, 2, seed=1, {d}), R(3, seed=2, {d}), kernel=(3, 2), stride=(2, 1), "
       "dilate=(1, 2), pad=(1, 2), num_filter=3)")
    _c(f"nn:Convolution:1d:{dt}", f"result = mx.nd.Convolution(R(2, 2, 8, {d}), "
       f"R(3, 2, 3, seed=1, {d}), R(3, seed=2, {d}), kernel=(3,), stride=(2,), pad=(1,), "
       "num_filter=3)")
    _c(f"nn:Convolution:3d:{dt}", f"result = mx.nd.Convolution(R(1, 2, 4, 4, 4, {d}), "
       f"R(2, 2, 2, 2, 2, seed=1, {d}), kernel=(2, 2, 2), num_filter=2, no_bias=True)")
    _c(f"nn:Convolution:group:{dt}", f"result = mx.nd.Convolution(R(1, 4, 5, 5, {d}), "
       f"R(6, 2, 3, 3, seed=1, {d}), R(6, seed=2, {d}), kernel=(3, 3), num_filter=6, "
       "num_group=2)")
    _c(f"nn:Convolution:grad:{dt}", "result = GRAD(lambda x, w, b: mx.nd.Convolution(x, w, b, "
       f"kernel=(3, 3), pad=(1, 1), stride=(2, 2), num_filter=3), R(2, 2, 5, 5, {d}), "
       f"R(3, 2, 3, 3, seed=1, {d}), R(3, seed=2, {d}), head=R(2, 3, 3, 3, seed=3, {d}))")
    _c(f"nn:Deconvolution:2d:{dt}", f"result = mx.nd.Deconvolution(R(1, 2, 3, 3, {d}), "
       f"R(2, 3, 3, 3, seed=1, {d}), kernel=(3, 3), num_filter=3)")
    _c(f"nn:Deconvolution:sdpa:{dt}", f"result = mx.nd.Deconvolution(R(2, 2, 3, 4, {d}), "
       f"R(2, 3, 3, 2, seed=1, {d}), R(3, seed=2, {d}), kernel=(3, 2), stride=(2, 2), "
       "pad=(1, 0), adj=(1, 1), num_filter=3, no_bias=False)")
# (MXNet's float64 deconvolution kernel gives different values with dilate > 1 than its
# float32 MKLDNN one; the float32 result is the correct transposed convolution)
_c("nn:Deconvolution:dilate", "result = mx.nd.Deconvolution(R(2, 2, 3, 4), "
   "R(2, 3, 3, 2, seed=1), R(3, seed=2), kernel=(3, 2), stride=(2, 2), "
   "pad=(1, 0), adj=(1, 1), dilate=(1, 2), num_filter=3, no_bias=False)")
_c("nn:Deconvolution:ones", "result = mx.nd.Deconvolution(mx.nd.ones((1, 1, 2, 2)), "
   "mx.nd.ones((1, 1, 3, 3)), kernel=(3, 3), num_filter=1)")
_c("nn:Deconvolution:target", "result = mx.nd.Deconvolution(R(1, 2, 4, 4), R(2, 2, 3, 3), "
   "kernel=(3, 3), stride=(2, 2), target_shape=(8, 8), num_filter=2)")
_c("nn:Deconvolution:target_odd", "result = mx.nd.Deconvolution(R(1, 2, 4, 4), R(2, 2, 4, 4), "
   "kernel=(4, 4), stride=(2, 2), target_shape=(9, 7), num_filter=2)")
_c("nn:Deconvolution:1d_group", "result = mx.nd.Deconvolution(R(1, 4, 5), R(4, 1, 3), "
   "kernel=(3,), num_filter=2, num_group=2, stride=(2,))")
_c("nn:Deconvolution:grad", "result = GRAD(lambda x, w: mx.nd.Deconvolution(x, w, "
   "kernel=(3, 3), stride=(2, 2), num_filter=2), R(1, 2, 3, 3), R(2, 2, 3, 3, seed=1), "
   "head=R(1, 2, 7, 7, seed=3))")
_c("nn:Convolution:err_kernel", "result = mx.nd.Convolution(R(1, 1, 4, 4), R(1, 1, 3, 3), R(1),"
   " num_filter=1)")
_c("nn:Convolution:err_num_filter", "result = mx.nd.Convolution(R(1, 1, 4, 4), R(1, 1, 3, 3), "
   "R(1), kernel=(3, 3))")
_c("nn:Convolution:err_wshape", "result = mx.nd.Convolution(R(1, 2, 4, 4), R(1, 1, 3, 3), R(1),"
   " kernel=(3, 3), num_filter=1)")

# ---------------------------------------------------------------------------------------
# Pooling
X44 = "mx.nd.arange(16).reshape((1, 1, 4, 4))"
X55 = "R(2, 2, 5, 5, lo=-2, hi=2)"
for pt in ("max", "avg", "sum"):
    _c(f"nn:Pooling:{pt}:default_stride", f"result = mx.nd.Pooling({X44}, kernel=(2, 2), "
       f"pool_type='{pt}')")
    _c(f"nn:Pooling:{pt}:s2_full", f"result = mx.nd.Pooling({X55}, kernel=(2, 2), stride=(2, 2),"
       f" pool_type='{pt}', pooling_convention='full')")
    _c(f"nn:Pooling:{pt}:s2_valid", f"result = mx.nd.Pooling({X55}, kernel=(2, 2), "
       f"stride=(2, 2), pool_type='{pt}')")
    _c(f"nn:Pooling:{pt}:pad", f"result = mx.nd.Pooling({X55}, kernel=(3, 3), stride=(2, 2), "
       f"pad=(1, 1), pool_type='{pt}')")
    _c(f"nn:Pooling:{pt}:pad_full", f"result = mx.nd.Pooling(R(1, 1, 6, 6), kernel=(3, 3), "
       f"stride=(2, 2), pad=(1, 1), pool_type='{pt}', pooling_convention='full')")
    _c(f"nn:Pooling:{pt}:global", f"result = mx.nd.Pooling({X55}, pool_type='{pt}', "
       "global_pool=True)")
    _c(f"nn:Pooling:{pt}:1d", f"result = mx.nd.Pooling(R(2, 3, 7), kernel=(3,), stride=(2,), "
       f"pool_type='{pt}')")
    _c(f"nn:Pooling:{pt}:3d", f"result = mx.nd.Pooling(R(1, 2, 4, 4, 4), kernel=(2, 2, 2), "
       f"stride=(2, 1, 2), pool_type='{pt}')")
_c("nn:Pooling:avg:nocount", "result = mx.nd.Pooling(mx.nd.ones((1, 1, 4, 4)), kernel=(2, 2), "
   "stride=(2, 2), pad=(1, 1), pool_type='avg', count_include_pad=False)")
_c("nn:Pooling:avg:count", "result = mx.nd.Pooling(mx.nd.ones((1, 1, 4, 4)), kernel=(2, 2), "
   "stride=(2, 2), pad=(1, 1), pool_type='avg')")
_c("nn:Pooling:avg:nocount_full", "result = mx.nd.Pooling(R(1, 1, 5, 5), kernel=(2, 2), "
   "stride=(2, 2), pad=(1, 1), pool_type='avg', count_include_pad=False, "
   "pooling_convention='full')")
for p in (1, 2, 3):
    _c(f"nn:Pooling:lp{p}", f"result = mx.nd.Pooling(R(1, 2, 5, 5, lo=-2, hi=2), kernel=(2, 2), "
       f"pool_type='lp', p_value={p})")
_c("nn:Pooling:f64", "result = mx.nd.Pooling(R(1, 2, 5, 5, dtype='float64'), kernel=(3, 3), "
   "stride=(2, 2), pad=(1, 1), pool_type='avg')")
_c("nn:Pooling:grad:max", f"result = GRAD(lambda x: mx.nd.Pooling(x, kernel=(2, 2), "
   f"stride=(2, 2)), {X55}, head=R(2, 2, 2, 2, seed=4))")
_c("nn:Pooling:grad:avg", f"result = GRAD(lambda x: mx.nd.Pooling(x, kernel=(3, 3), "
   f"stride=(2, 2), pad=(1, 1), pool_type='avg'), {X55}, head=R(2, 2, 3, 3, seed=4))")
_c("nn:Pooling:err_kernel", f"result = mx.nd.Pooling({X44})")
_c("nn:Pooling:err_same", "result = mx.nd.Pooling(R(1, 1, 7), kernel=(3,), stride=(2,), "
   "pooling_convention='same')")

# ---------------------------------------------------------------------------------------
# BatchNorm and the other norms
BN_ARGS = "R(4, 3, 2, seed=1, lo=-2, hi=2, {d}), R(3, seed=2, lo=0.5, hi=1.5, {d}), " \
          "R(3, seed=3, {d}), R(3, seed=4, {d}), R(3, seed=5, lo=0.5, hi=2, {d})"
for dt in _DT:
    d = f"dtype='{dt}'"
    args = BN_ARGS.format(d=d)
    _c(f"nn:BatchNorm:predict:{dt}", f"a = [{args}]\n"
       "result = [mx.nd.BatchNorm(*a)] + a")
    _c(f"nn:BatchNorm:predict_nofix:{dt}", f"a = [{args}]\n"
       "result = [mx.nd.BatchNorm(*a, fix_gamma=False, eps=1e-5)] + a")
    _c(f"nn:BatchNorm:train_fwd:{dt}", f"a = [{args}]\n"
       "with mx.autograd.train_mode():\n"
       "    y = mx.nd.BatchNorm(*a, fix_gamma=False, output_mean_var=True)\n"
       "result = y + a")
    _c(f"nn:BatchNorm:train_grad:{dt}", f"a = [{args}]\n"
       "mm, mv = a[3], a[4]\n"
       "r = GRAD(lambda x, g, b: mx.nd.BatchNorm(x, g, b, mm, mv, fix_gamma=False), a[0], a[1],"
       f" a[2], head=R(4, 3, 2, seed=9, {d}))\n"
       "result = r + [mm, mv]")
    _c(f"nn:BatchNorm:train_grad_fix:{dt}", f"a = [{args}]\n"
       "mm, mv = a[3], a[4]\n"
       "r = GRAD(lambda x, g, b: mx.nd.BatchNorm(x, g, b, mm, mv), a[0], a[1], a[2], "
       f"head=R(4, 3, 2, seed=9, {d}))\n"
       "result = r + [mm, mv]")
BN32 = BN_ARGS.format(d="dtype='float32'")
_c("nn:BatchNorm:axis_last", f"a = [{BN32}]\n"
   "a[0] = R(4, 2, 3, seed=1, lo=-2, hi=2)\n"
   "with mx.autograd.train_mode():\n"
   "    result = mx.nd.BatchNorm(*a, axis=-1, fix_gamma=False)")
_c("nn:BatchNorm:global_stats", f"a = [{BN32}]\n"
   "with mx.autograd.train_mode():\n"
   "    result = mx.nd.BatchNorm(*a, use_global_stats=True, fix_gamma=False)")
_c("nn:BatchNorm:predict_mean_var", f"a = [{BN32}]\n"
   "result = mx.nd.BatchNorm(*a, output_mean_var=True)")
_c("nn:BatchNorm:4d", "a = [R(2, 3, 2, 2), R(3, seed=2), R(3, seed=3), mx.nd.zeros(3), "
   "mx.nd.ones(3)]\n"
   "with mx.autograd.train_mode():\n"
   "    y = mx.nd.BatchNorm(*a, fix_gamma=False)\n"
   "result = [y] + a")
_c("nn:BatchNorm:record_predict", "a = [R(4, 3), R(3, seed=2), R(3, seed=3), mx.nd.zeros(3), "
   "mx.nd.ones(3)]\n"
   "r = GRAD(lambda x: mx.nd.BatchNorm(x, *a[1:], fix_gamma=False), a[0], train=False)\n"
   "result = r + a[1:]")
for dt in _DT:
    d = f"dtype='{dt}'"
    _c(f"nn:LayerNorm:basic:{dt}", f"result = mx.nd.LayerNorm(R(2, 3, 4, {d}), "
       f"R(4, seed=1, {d}), R(4, seed=2, {d}))")
    _c(f"nn:LayerNorm:axis1_mv:{dt}", f"result = mx.nd.LayerNorm(R(2, 3, 4, {d}), "
       f"R(3, seed=1, {d}), R(3, seed=2, {d}), axis=1, eps=1e-3, output_mean_var=True)")
    _c(f"nn:InstanceNorm:{dt}", f"result = mx.nd.InstanceNorm(R(2, 3, 4, 2, {d}), "
       f"R(3, seed=1, {d}), R(3, seed=2, {d}))")
    _c(f"nn:GroupNorm:{dt}", f"result = mx.nd.GroupNorm(R(2, 4, 3, {d}), R(2, seed=1, {d}), "
       f"R(2, seed=2, {d}), num_groups=2, output_mean_var=True)")
    for mode in ("instance", "channel", "spatial"):
        _c(f"nn:L2Normalization:{mode}:{dt}", f"result = mx.nd.L2Normalization("
           f"R(2, 3, 4, {d}), mode='{mode}')")
    _c(f"nn:LRN:{dt}", f"result = mx.nd.LRN(R(2, 5, 3, 3, lo=0, hi=3, {d}), nsize=3)")
_c("nn:LRN:params", "result = mx.nd.LRN(R(1, 6, 2, 2, lo=0, hi=5), nsize=5, alpha=0.01, "
   "beta=0.5, knorm=1.0)")
_c("nn:LayerNorm:grad", "result = GRAD(lambda x, g, b: mx.nd.LayerNorm(x, g, b), R(2, 3, 4), "
   "R(4, seed=1), R(4, seed=2), head=R(2, 3, 4, seed=3))")
_c("nn:GroupNorm:err_gamma", "result = mx.nd.GroupNorm(R(2, 4, 3), R(4), R(4), num_groups=2)")

# ---------------------------------------------------------------------------------------
# Embedding, UpSampling
_c("nn:Embedding:basic", "result = mx.nd.Embedding(I([[0, 2], [1, 3]]), R(4, 3), input_dim=4, "
   "output_dim=3)")
_c("nn:Embedding:clip", "result = mx.nd.Embedding(I([5, -1, 2.7, 1]), R(4, 3), input_dim=4, "
   "output_dim=3)")
_c("nn:Embedding:f64", "result = mx.nd.Embedding(I([3, 0]), R(4, 3, dtype='float64'), "
   "input_dim=4, output_dim=3, dtype='float64')")
_c("nn:Embedding:grad", "w = R(4, 3)\n"
   "result = GRAD(lambda w: mx.nd.Embedding(I([0, 2, 2, 3]), w, input_dim=4, output_dim=3), w,"
   " head=R(4, 3, seed=4))")
_c("nn:Embedding:err_dim", "result = mx.nd.Embedding(I([0]), R(4, 3), input_dim=5, "
   "output_dim=3)")
_c("nn:UpSampling:nearest", "result = mx.nd.UpSampling(R(1, 2, 2, 3), scale=2, "
   "sample_type='nearest')")
_c("nn:UpSampling:nearest_multi", "result = mx.nd.UpSampling(R(1, 2, 2, 2), R(1, 1, 4, 4, "
   "seed=1), scale=2, sample_type='nearest', num_args=2)")
_c("nn:UpSampling:nearest_sum", "result = mx.nd.UpSampling(R(1, 2, 2, 2), R(1, 2, 4, 4, "
   "seed=1), scale=2, sample_type='nearest', multi_input_mode='sum', num_args=2)")
_c("nn:UpSampling:bilinear", "result = mx.nd.UpSampling(R(1, 2, 3, 3), R(2, 1, 4, 4, seed=1), "
   "scale=2, sample_type='bilinear', num_filter=2, num_args=2)")

# ---------------------------------------------------------------------------------------
# Loss heads
for dt in _DT:
    d = f"dtype='{dt}'"
    _c(f"nn:SoftmaxOutput:grad:{dt}", "result = GRAD(lambda x: mx.nd.SoftmaxOutput(x, "
       f"I([0, 2, 1, 2], {d})), R(4, 3, lo=-2, hi=2, {d}), head=R(4, 3, seed=7, {d}))")
for kw in ("normalization='batch'", "normalization='valid', use_ignore=True, ignore_label=1",
           "use_ignore=True, ignore_label=2, grad_scale=3", "normalization='valid'",
           "smooth_alpha=0.1", "out_grad=True"):
    key = re.sub(r"[^a-z0-9=]+", "_", kw)
    _c(f"nn:SoftmaxOutput:grad:{key}", "result = GRAD(lambda x: mx.nd.SoftmaxOutput(x, "
       f"I([0, 2, 1, 2]), {kw}), R(4, 3, lo=-2, hi=2), head=R(4, 3, seed=7))")
_c("nn:SoftmaxOutput:multi_output", "result = GRAD(lambda x: mx.nd.SoftmaxOutput(x, "
   "I([[0, 2], [1, 1]]), multi_output=True, normalization='valid'), R(2, 3, 2, lo=-2, hi=2))")
_c("nn:SoftmaxOutput:preserve_shape", "result = GRAD(lambda x: mx.nd.SoftmaxOutput(x, "
   "I([[0, 2], [1, 1]]), preserve_shape=True), R(2, 2, 3, lo=-2, hi=2))")
_c("nn:SoftmaxOutput:soft_label", "result = GRAD(lambda x: mx.nd.SoftmaxOutput(x, "
   "R(2, 3, seed=3, lo=0, hi=1)), R(2, 3, lo=-2, hi=2))")
_c("nn:SoftmaxOutput:3d_flat", "result = mx.nd.SoftmaxOutput(R(2, 3, 2, lo=-2, hi=2), "
   "I([[0, 1, 2], [1, 1, 0]]))")
_c("nn:Softmax:alias", "result = mx.nd.Softmax(R(3, 4), I([0, 1, 3]))")
_c("nn:SoftmaxOutput:err_int", "result = mx.nd.SoftmaxOutput(R(3, 4, dtype='int32'), "
   "I([0, 1, 3], dtype='int32'))")
for name in ("LinearRegressionOutput", "LogisticRegressionOutput", "MAERegressionOutput"):
    for dt in _DT:
        d = f"dtype='{dt}'"
        _c(f"nn:{name}:{dt}", f"result = GRAD(lambda x: mx.nd.{name}(x, R(2, 3, seed=3, {d}), "
           f"grad_scale=2), R(2, 3, {d}), head=R(2, 3, seed=7, {d}))")
    _c(f"nn:{name}:1d_label", f"result = GRAD(lambda x: mx.nd.{name}(x, R(4, seed=3)), "
       "R(4, 1))")
_c("nn:SVMOutput:l2", "result = GRAD(lambda x: mx.nd.SVMOutput(x, I([2, 0, 1])), "
   "R(3, 3, lo=-2, hi=2))")
_c("nn:SVMOutput:l1", "result = GRAD(lambda x: mx.nd.SVMOutput(x, I([2, 0, 1]), "
   "use_linear=True, margin=0.5, regularization_coefficient=2), R(3, 3, lo=-2, hi=2))")
for norm in ("null", "batch", "valid"):
    _c(f"nn:MakeLoss:{norm}", "result = GRAD(lambda x: mx.nd.MakeLoss(x * 2, "
       f"normalization='{norm}', grad_scale=3, valid_thresh=0.2), R(3, 4), "
       "head=R(3, 4, seed=2))")
_c("nn:make_loss", "result = GRAD(lambda x: mx.nd.make_loss(x * x), R(3, 4), "
   "head=R(3, 4, seed=2))")

# ---------------------------------------------------------------------------------------
# Sequence ops
SL = "I([2, 4, 1], dtype='{t}')"
for ax in (0, 1):
    shape = "4, 3, 2" if ax == 0 else "3, 4, 2"
    _c(f"nn:SequenceMask:ax{ax}", f"result = mx.nd.SequenceMask(R({shape}), "
       f"{SL.format(t='float32')}, use_sequence_length=True, value=-7, axis={ax})")
    _c(f"nn:SequenceLast:ax{ax}", f"result = mx.nd.SequenceLast(R({shape}), "
       f"{SL.format(t='float32')}, use_sequence_length=True, axis={ax})")
    _c(f"nn:SequenceLast:nolen:ax{ax}", f"result = mx.nd.SequenceLast(R({shape}), axis={ax})")
_c("nn:SequenceMask:nolen", "result = mx.nd.SequenceMask(R(4, 3, 2))")
_c("nn:SequenceMask:int_len", f"result = mx.nd.SequenceMask(R(4, 3), {SL.format(t='int32')}, "
   "use_sequence_length=True)")
_c("nn:SequenceReverse:len", f"result = mx.nd.SequenceReverse(R(4, 3, 2), "
   f"{SL.format(t='float32')}, use_sequence_length=True)")
_c("nn:SequenceReverse:nolen", "result = mx.nd.SequenceReverse(R(4, 3, 2))")
_c("nn:SequenceMask:grad", "result = GRAD(lambda x: mx.nd.SequenceMask(x, I([2, 4, 1]), "
   "use_sequence_length=True), R(4, 3, 2))")
_c("nn:SequenceLast:grad", "result = GRAD(lambda x: mx.nd.SequenceLast(x, I([2, 4, 1]), "
   "use_sequence_length=True), R(4, 3, 2))")
_c("nn:SequenceReverse:grad", "result = GRAD(lambda x: mx.nd.SequenceReverse(x, I([2, 4, 1]), "
   "use_sequence_length=True), R(4, 3, 2), head=R(4, 3, 2, seed=3))")

# ---------------------------------------------------------------------------------------
# RNN: parameters packed as MXNet does (sizes: see mxcompat.ndarray.nn._rnn_param_size)
def _rnn_psize(mode, layers, dirs, inp, hid):
    g = {"rnn_relu": 1, "rnn_tanh": 1, "lstm": 4, "gru": 3}[mode]
    return sum(dirs * (g * hid * ((inp if i == 0 else hid * dirs) + hid) + 2 * g * hid)
               for i in range(layers))


for mode in ("lstm", "gru", "rnn_tanh", "rnn_relu"):
    for layers, bi in ((1, False), (2, True)):
        dirs = 2 if bi else 1
        ps = _rnn_psize(mode, layers, dirs, 3, 4)
        cell = f", R({layers * dirs}, 2, 4, seed=3)" if mode == "lstm" else ""
        _c(f"nn:RNN:{mode}:L{layers}:bi{int(bi)}",
           f"result = mx.nd.RNN(R(5, 2, 3), R({ps}, seed=1, lo=-0.5, hi=0.5), "
           f"R({layers * dirs}, 2, 4, seed=2){cell}, state_size=4, num_layers={layers}, "
           f"bidirectional={bi}, mode='{mode}', state_outputs=True)")
_c("nn:RNN:lstm:grad", "ps = R(%d, seed=1, lo=-0.5, hi=0.5)\n"
   "result = GRAD(lambda x, p: mx.nd.RNN(x, p, R(1, 2, 4, seed=2), R(1, 2, 4, seed=3), "
   "state_size=4, num_layers=1, mode='lstm'), R(5, 2, 3), ps, head=R(5, 2, 4, seed=4))"
   % _rnn_psize("lstm", 1, 1, 3, 4))
_c("nn:RNN:gru:f64", "result = mx.nd.RNN(R(4, 2, 3, dtype='float64'), R(%d, seed=1, "
   "dtype='float64'), R(1, 2, 5, seed=2, dtype='float64'), state_size=5, num_layers=1, "
   "mode='gru')" % _rnn_psize("gru", 1, 1, 3, 5))
_c("nn:RNN:err_psize", "result = mx.nd.RNN(R(5, 2, 3), R(10), R(1, 2, 4), state_size=4, "
   "num_layers=1, mode='rnn_tanh')")

# ---------------------------------------------------------------------------------------
# CTC, im2col / col2im
_c("nn:CTCLoss:first", "result = mx.nd.CTCLoss(R(6, 2, 4, lo=-2, hi=2), I([[1, 2, 0], "
   "[3, 3, 1]]))")
_c("nn:CTCLoss:last", "result = mx.nd.CTCLoss(R(6, 2, 4, lo=-2, hi=2), I([[0, 1, -1], "
   "[2, 2, 0]]), blank_label='last')")
_c("nn:CTCLoss:lengths", "result = mx.nd.ctc_loss(R(6, 2, 4, lo=-2, hi=2), I([[1, 2, 0], "
   "[3, 3, 1]]), I([5, 6]), I([1, 3]), use_data_lengths=True, use_label_lengths=True)")
_c("nn:CTCLoss:grad", "result = GRAD(lambda x: mx.nd.CTCLoss(x, I([[1, 2, 0], [3, 1, 1]])), "
   "R(6, 2, 4, lo=-2, hi=2))")
_c("nn:im2col", "result = mx.nd.im2col(R(2, 2, 5, 4), kernel=(3, 2), stride=(2, 1), "
   "pad=(1, 0), dilate=(1, 2))")
_c("nn:col2im", "result = mx.nd.col2im(R(1, 8, 9), output_size=(4, 4), kernel=(2, 2), "
   "stride=(1, 1), pad=(0, 0))")

# ---------------------------------------------------------------------------------------
# Optimizer updates: result = [returned, weight, states...] after the call
OPT = []


def _o(cid, code):
    OPT.append((cid, code))
    CASES.append((cid, code))


def _st(n, dt, lo=-1.0, hi=1.0):
    return [f"R(5, seed={10 + i}, lo={lo}, hi={hi}, dtype='{dt}')" for i in range(n)]


_OPTS = [
    ("sgd_update", 0, "lr=0.1, wd=0.01"),
    ("sgd_update", 0, "lr=0.1, rescale_grad=2, clip_gradient=0.5"),
    ("sgd_mom_update", 1, "lr=0.1, momentum=0.9, wd=0.01"),
    ("sgd_mom_update", 1, "lr=0.1, momentum=0.9, clip_gradient=0.3, rescale_grad=0.5"),
    ("nag_mom_update", 1, "lr=0.1, momentum=0.9, wd=0.01"),
    ("nag_mom_update", 1, "lr=0.1, momentum=0.9, clip_gradient=0.3"),
    ("adam_update", 2, "lr=0.01, wd=0.1"),
    ("adam_update", 2, "lr=0.01, beta1=0.8, beta2=0.9, epsilon=1e-3, clip_gradient=0.2"),
    ("rmsprop_update", 1, "lr=0.01, wd=0.1"),
    ("rmsprop_update", 1, "lr=0.01, gamma1=0.8, clip_weights=0.5, clip_gradient=0.2"),
    ("rmspropalex_update", 3, "lr=0.01, wd=0.1"),
    ("ftrl_update", 2, "lr=0.1, wd=0.1"),
    ("ftrl_update", 2, "lr=0.1, lamda1=0.5, beta=2, clip_gradient=0.5"),
    ("ftml_update", 3, "lr=0.1, t=3, wd=0.1"),
    ("signsgd_update", 0, "lr=0.1, wd=0.1"),
    ("signum_update", 1, "lr=0.1, momentum=0.9, wd=0.1, wd_lh=0.05"),
    ("lamb_update_phase1", 2, "t=3, wd=0.1"),
    ("lamb_update_phase1", 2, "t=2, wd=0.0, bias_correction=False, clip_gradient=0.3"),
]
for i, (name, nstate, kw) in enumerate(_OPTS):
    for dt in _DT:
        lo = "0.1" if name in ("rmsprop_update", "rmspropalex_update", "ftrl_update",
                               "ftml_update", "adam_update", "lamb_update_phase1") else "-1"
        states = _st(nstate, dt, lo=lo, hi="1")
        if name == "rmspropalex_update":
            states = [states[0].replace("lo=0.1", "lo=0.5"), states[1].replace(
                "lo=0.1, hi=1", "lo=-0.1, hi=0.1"), states[2]]
        _o(f"opt:{name}:{i}:{dt}",
           f"w = R(5, dtype='{dt}')\ng = R(5, seed=1, lo=-2, hi=2, dtype='{dt}')\n"
           f"s = [{', '.join(states)}]\n"
           f"r = mx.nd.{name}(w, g, *s, {kw})\nresult = [r, w] + s")
    # out=w: the weight itself is updated and returned
    _o(f"opt:{name}:{i}:out",
       f"w = R(5)\ng = R(5, seed=1, lo=-2, hi=2)\n"
       f"s = [{', '.join(_st(nstate, 'float32', lo='0.1', hi='1'))}]\n"
       f"r = mx.nd.{name}(w, g, *s, {kw}, out=w)\nresult = [r, w, I([float(r is w)])] + s")
_o("opt:lamb_update_phase2", "w = R(5)\ng = R(5, seed=1)\n"
   "result = [mx.nd.lamb_update_phase2(w, g, I([0.5]), I([2.0]), lr=0.1), w]")
_o("opt:lamb_update_phase2:bounds", "w = R(5)\ng = R(5, seed=1)\n"
   "result = [mx.nd.lamb_update_phase2(w, g, I([0.5]), I([2.0]), lr=0.1, lower_bound=0.7, "
   "upper_bound=0.9)]")
_o("opt:lamb_update_phase2:zero", "w = R(5)\ng = R(5, seed=1)\n"
   "result = [mx.nd.lamb_update_phase2(w, g, I([0.5]), I([0.0]), lr=0.1)]")
_o("opt:mp_sgd_update", "w32 = R(5)\nw = w32.astype('float16')\n"
   "g = R(5, seed=1, lo=-2, hi=2).astype('float16')\n"
   "r = mx.nd.mp_sgd_update(w, g, w32, lr=0.1, wd=0.01)\nresult = [r, w, w32]")
_o("opt:mp_sgd_mom_update", "w32 = R(5)\nw = w32.astype('float16')\n"
   "g = R(5, seed=1, lo=-2, hi=2).astype('float16')\nm = R(5, seed=2)\n"
   "r = mx.nd.mp_sgd_mom_update(w, g, m, w32, lr=0.1, momentum=0.9, wd=0.01)\n"
   "result = [r, w, m, w32]")
_o("opt:mp_nag_mom_update", "w32 = R(5)\nw = w32.astype('float16')\n"
   "g = R(5, seed=1, lo=-2, hi=2).astype('float16')\nm = R(5, seed=2)\n"
   "r = mx.nd.mp_nag_mom_update(w, g, m, w32, lr=0.1, momentum=0.9, wd=0.01)\n"
   "result = [r, w, m, w32]")
_o("opt:multi_sgd_update", "w0, w1 = R(3), R(2, seed=2)\n"
   "g0, g1 = R(3, seed=1), R(2, seed=3)\n"
   "r = mx.nd.multi_sgd_update(w0, g0, w1, g1, lrs=(0.1, 0.2), wds=(0.0, 0.1), "
   "num_weights=2, out=[w0, w1])\nresult = list(r) + [w0, w1]")
_o("opt:multi_sgd_mom_update", "w0, w1 = R(3), R(2, seed=2)\n"
   "g0, g1 = R(3, seed=1), R(2, seed=3)\nm0, m1 = R(3, seed=4), R(2, seed=5)\n"
   "r = mx.nd.multi_sgd_mom_update(w0, g0, m0, w1, g1, m1, lrs=(0.1, 0.2), wds=(0.0, 0.1), "
   "momentum=0.9, num_weights=2, clip_gradient=0.5, out=[w0, w1])\n"
   "result = list(r) + [m0, m1]")
_o("opt:multi_mp_sgd_update", "a, b = R(3), R(2, seed=2)\n"
   "w0, w1 = a.astype('float16'), b.astype('float16')\n"
   "g0, g1 = R(3, seed=1).astype('float16'), R(2, seed=3).astype('float16')\n"
   "r = mx.nd.multi_mp_sgd_update(w0, g0, a, w1, g1, b, lrs=(0.1, 0.2), wds=(0.0, 0.1), "
   "num_weights=2, out=[w0, w1])\nresult = list(r) + [a, b]")
_o("opt:multi_mp_sgd_mom_update", "a, b = R(3), R(2, seed=2)\n"
   "w0, w1 = a.astype('float16'), b.astype('float16')\n"
   "g0, g1 = R(3, seed=1).astype('float16'), R(2, seed=3).astype('float16')\n"
   "m0, m1 = R(3, seed=4), R(2, seed=5)\n"
   "r = mx.nd.multi_mp_sgd_mom_update(w0, g0, m0, a, w1, g1, m1, b, lrs=(0.1, 0.2), "
   "wds=(0.0, 0.1), momentum=0.9, num_weights=2, out=[w0, w1])\n"
   "result = list(r) + [m0, m1, a, b]")
_o("opt:multi_sgd_update:single", "w = R(3)\n"
   "r = mx.nd.multi_sgd_update(w, R(3, seed=1), lrs=(0.1,), wds=(0.0,), out=w)\n"
   "result = [r, I([float(r is w)])]")
_o("opt:all_finite", "result = [mx.nd.all_finite(R(3)), mx.nd.all_finite(I([1, np.inf])), "
   "mx.nd.all_finite(I([np.nan, 1])), mx.nd.all_finite(R(3, dtype='float16'))]")
_o("opt:all_finite:init_output", "o = I([5.0])\n"
   "mx.nd.all_finite(R(3), init_output=False, out=o)\n"
   "p = I([5.0])\nmx.nd.all_finite(I([np.inf]), init_output=False, out=p)\nresult = [o, p]")
_o("opt:all_finite:err_int", "result = mx.nd.all_finite(R(3, dtype='int32'))")
_o("opt:multi_all_finite", "result = [mx.nd.multi_all_finite(R(3), R(2), num_arrays=2), "
   "mx.nd.multi_all_finite(R(3), I([np.nan]), num_arrays=2)]")
_o("opt:multi_sum_sq", "result = mx.nd.multi_sum_sq(R(3), R(4, seed=2), R(2, seed=3, "
   "dtype='float64'), num_arrays=3)")
_o("opt:reset_arrays", "a, b = R(3), R(2, 2, dtype='float64')\n"
   "r = mx.nd.reset_arrays(a, b, num_arrays=2)\nresult = [a, b, I([len(r)])]")
_o("opt:sgd_update:err_lr", "result = mx.nd.sgd_update(R(3), R(3))")
_o("opt:sgd_update:err_int", "result = mx.nd.sgd_update(R(3, dtype='int32'), "
   "R(3, dtype='int32'), lr=0.1)")
_o("opt:sgd_update:err_shape", "result = mx.nd.sgd_update(R(3), R(4), lr=0.1)")


def encode(v):
    """A JSON-able description of a result (shared by the recorder and the tests)."""
    if isinstance(v, (list, tuple)):
        return {"seq": [encode(x) for x in v]}
    a = v.asnumpy()
    return {"dtype": str(a.dtype), "shape": list(a.shape),
            "values": [_f(x) for x in a.astype(np.float64).reshape(-1).tolist()]}


def _f(x):
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return float(np.float64(x))


def run_case(mx, code, grad_src=_GRAD_MX):
    ns = {"mx": mx, "np": np}
    exec(_R_SRC, ns)
    ns["_GRAD_MX_SRC"] = _GRAD_MX
    exec(grad_src, ns)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        exec(code, ns)
    return ns["result"]


def compare(got, exp, cid, rtol=None, atol=None):
    """Assert an encoded mxcompat result matches an encoded MXNet one."""
    if "seq" in exp:
        assert "seq" in got and len(got["seq"]) == len(exp["seq"]), (cid, got, exp)
        for g, e in zip(got["seq"], exp["seq"]):
            compare(g, e, cid, rtol, atol)
        return
    assert "seq" not in got, (cid, got)
    assert got["dtype"] == exp["dtype"], (cid, got["dtype"], exp["dtype"])
    assert got["shape"] == exp["shape"], (cid, got["shape"], exp["shape"])
    if exp["dtype"] == "float16":
        tol = 2e-3
    elif exp["dtype"] == "float64":
        # MXNet's float parameters (slope, eps, grad_scale) are float32 and some float64
        # kernels compute in float32
        tol = 1e-6
    else:
        tol = 2e-5
    v = lambda r: np.array([float(x) for x in r["values"]], dtype=np.float64)  # noqa: E731
    np.testing.assert_allclose(v(got), v(exp), rtol=rtol or tol, atol=atol or tol,
                               err_msg=cid, equal_nan=True)


def main() -> int:
    import mxnet as mx
    out = {"mxnet_version": mx.__version__, "recorded_by": "tools/oracle/record_nn.py",
           "cases": {}}
    for cid, code in CASES:
        try:
            rec = {"result": encode(run_case(mx, code))}
        except Exception as e:  # noqa: BLE001 - recording what MXNet raises is the point
            msg = str(e).strip().splitlines()
            msg = [re.sub(r"^\[\d\d:\d\d:\d\d\] ", "", m) for m in msg]
            rec = {"error": type(e).__name__, "mxnet_error": isinstance(e, mx.base.MXNetError),
                   "message": msg[-1] if msg else ""}
        out["cases"][cid] = rec
    path = ROOT / "tests" / "golden" / "nn.json"
    path.write_text(json.dumps(out, indent=0, sort_keys=True) + "\n")
    print(f"wrote {len(out['cases'])} cases to {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
