"""``mx.autograd`` on torch autograd.

MXNet's model: arrays that need gradients are marked with ``x.attach_grad()``, which gives them
a gradient buffer ``x.grad``; only operations run inside ``with autograd.record():`` are
recorded; ``y.backward()`` writes (``grad_req='write'``), accumulates (``'add'``) or skips
(``'null'``) each attached array's gradient *in place*, so ``x.grad`` is the same NDArray from
one step to the next and ``w[:] = w - lr * w.grad`` outside ``record()`` builds no graph.

How it maps onto torch: an attached array's tensor becomes a torch leaf with
``requires_grad=True``; ops run with torch's grad mode on only while recording (see
``ndarray._op.call``), so nothing is recorded outside ``record()``; ``backward`` asks torch for
the gradients of the attached arrays (``torch.autograd.grad``) and copies them into the
buffers. Recording and training state are thread-local, as in MXNet.
"""
from __future__ import annotations

import sys
import weakref
from contextlib import contextmanager
from typing import Any, Dict, Iterator, List, Optional, Sequence

import torch

from ._state import STATE
from .base import MXNetError, MXNetTypeError, MXNetValueError, unsupported

__all__ = ["record", "pause", "train_mode", "predict_mode", "is_recording", "is_training",
           "set_recording", "set_training", "mark_variables", "backward", "grad", "Function",
           "get_symbol", "NDArray", "array", "string_types"]  # noqa: F822
# MXNet's module has no __all__, so ``from mxnet.autograd import *`` (which MXNet's own tests
# do) also brings the NDArray class, ``array`` and ``string_types``; the first two come from
# the ndarray package, which imports this module, so they resolve on first use (below).

from .base import string_types  # noqa: E402

_NOT_IN_GRAPH = (
    "Cannot differentiate node because it is not in a computational graph. You need to set "
    "is_recording to true or use autograd.record() to save computational graphs for backward. "
    "If you want to differentiate the same graph twice, you need to pass retain_graph=True to "
    "backward.")
_NO_INPUTS = ("There are no inputs in computation graph that require gradients.")
_INPLACE = (
    "Assigning to NDArrays that are already in a computational graph will cause undefined "
    "behavior when evaluating gradients. Please call backward first to clear the graph or do "
    "this out side of a record section. Also note that you cannot use inplace operations like "
    "+=, *=, relu(x, out=x), y[idx]=x, etc inside a record section.")
_REQS = ("write", "add", "null")


# ---- recording and training state ---------------------------------------------------------
def is_recording() -> bool:
    return STATE.recording


def is_training() -> bool:
    return STATE.training


def set_recording(is_recording: bool) -> bool:  # noqa: A002 - MXNet's parameter name
    """Set recording on or off; returns the previous state."""
    prev = STATE.recording
    STATE.recording = bool(is_recording)
    if is_recording:
        # ops record through torch autograd; switching recording off needs nothing here
        # (ops then keep torch from building a graph themselves)
        torch._C._set_grad_enabled(True)
    return prev


def set_training(train_mode: bool) -> bool:
    """Set training mode on or off; returns the previous state."""
    prev = STATE.training
    STATE.training = bool(train_mode)
    return prev


class _Scope:
    """The context manager behind record / pause / train_mode / predict_mode."""

    __slots__ = ("_rec", "_train", "_prev")

    def __init__(self, recording: Optional[bool], training: Optional[bool]):
        self._rec = recording
        self._train = training
        self._prev: Any = None

    def __enter__(self) -> "_Scope":
        self._prev = (STATE.recording, STATE.training, torch.is_grad_enabled())
        if self._rec is not None:
            STATE.recording = self._rec
            torch._C._set_grad_enabled(self._rec)
        if self._train is not None:
            STATE.training = self._train
        return self

    def __exit__(self, *exc: Any) -> None:
        STATE.recording, STATE.training, grad_on = self._prev
        torch._C._set_grad_enabled(grad_on)


def record(train_mode: bool = True) -> _Scope:  # noqa: F811 - MXNet's parameter name
    """Record operations for differentiation (and set training mode, by default)."""
    return _Scope(True, bool(train_mode))


def pause(train_mode: bool = False) -> _Scope:  # noqa: F811
    """Stop recording inside a ``record()`` block."""
    return _Scope(False, bool(train_mode))


def train_mode() -> _Scope:
    """Training mode (Dropout, BatchNorm) without recording."""
    return _Scope(None, True)


def predict_mode() -> _Scope:
    """Prediction mode, also inside ``record()``."""
    return _Scope(None, False)


# ---- attached arrays ------------------------------------------------------------------------
class _Grad:
    """What an attached NDArray carries: its gradient buffer and grad_req."""

    __slots__ = ("buf", "req", "fresh")

    def __init__(self, buf: Any, req: str):
        self.buf = buf
        self.req = req
        self.fresh = False  # set by backward, cleared by Trainer.step (NDArray._fresh_grad)


#: id -> weak reference of every live attached NDArray (backward looks for its leaves among
#: them). Not a WeakSet: that compares members with ==, which is element-wise on NDArrays.
_ATTACHED: Dict[int, "weakref.ref[Any]"] = {}


def _register(arr: Any) -> None:
    key = id(arr)
    old = _ATTACHED.get(key)
    if old is not None and old() is arr:
        return

    def _gone(ref: Any, key: int = key) -> None:
        if _ATTACHED.get(key) is ref:
            del _ATTACHED[key]
    _ATTACHED[key] = weakref.ref(arr, _gone)


def _attached() -> list:
    return [a for a in (r() for r in list(_ATTACHED.values())) if a is not None]


class _ZeroGrad(torch.autograd.Function):
    """Connects a result torch cannot differentiate (BlockGrad, argmax, comparisons, ...) to
    its recorded inputs. MXNet records every op that has a recorded input, and backward
    through such a node gives those inputs zero gradients (not "not in the graph")."""

    @staticmethod
    def forward(ctx: Any, r: torch.Tensor, *ins: torch.Tensor) -> torch.Tensor:  # type: ignore[override]
        ctx.metas = [(t.shape, t.dtype, t.device) for t in ins]
        return r.view_as(r)

    @staticmethod
    def backward(ctx: Any, *grads: Any) -> Any:  # type: ignore[override]
        return (None, *(torch.zeros(s, dtype=d, device=v) for s, d, v in ctx.metas))


def link(r: Any, ins: Sequence[Any]) -> Any:
    """While recording: ``r`` (a tensor, or a list/tuple of them) with every floating result
    that does not require grad connected to the inputs in ``ins`` that do, with a zero
    gradient (see ``_ZeroGrad``). Other results are returned as they are."""
    if isinstance(r, (list, tuple)):
        return type(r)(link(x, ins) for x in r)
    if type(r) is not torch.Tensor or r.requires_grad or not r.is_floating_point():
        return r
    req = [t for t in ins if type(t) is torch.Tensor and t.requires_grad]
    return _ZeroGrad.apply(r, *req) if req else r


_ND: List[Any] = []


def _nd() -> Any:
    """(NDArray, _wrap), imported on first use (the ndarray package imports this module)."""
    if not _ND:
        from .ndarray.ndarray import NDArray, _wrap
        _ND[:] = [NDArray, _wrap]
    return _ND[0], _ND[1]


def _attach(arr: Any, req: str, buf: Any = None) -> None:
    if req not in _REQS:
        raise MXNetValueError(f"attach_grad: grad_req must be one of {_REQS}, got {req!r}")
    NDArray, _wrap = _nd()
    t = arr._t.detach()  # a fresh leaf sharing memory (cuts any recorded history)
    floating = t.is_floating_point()
    if req != "null" and floating:
        t.requires_grad_(True)
    arr._t = t
    if buf is None:
        buf = _wrap(torch.zeros_like(t, requires_grad=False), arr._ctx)
    elif not isinstance(buf, NDArray):
        raise MXNetTypeError(f"mark_variables: gradients must be NDArrays, got "
                             f"{type(buf).__name__}")
    arr._ag = _Grad(buf, req)
    _register(arr)


def attach_grad(self: Any, grad_req: str = "write", stype: Optional[str] = None) -> None:
    """Attach a gradient buffer (zeros) to this array, making it a variable to
    differentiate with respect to. Calling it again resets the gradient."""
    if stype not in (None, "default"):
        raise unsupported(f"attach_grad(stype={stype!r}) (sparse gradients)")
    _attach(self, grad_req)


def _grad_of(self: Any) -> Any:
    """The gradient buffer: as in MXNet, a new NDArray on each access sharing the one buffer
    that backward updates in place (references kept from earlier steps see new values);
    None when nothing is attached or grad_req is 'null'."""
    ag = self._ag
    if not isinstance(ag, _Grad) or ag.req == "null":
        return None
    buf = ag.buf
    _, _wrap = _nd()
    return _wrap(buf._t, buf._ctx)


def detach(self: Any) -> Any:
    """A new NDArray sharing this one's memory, outside any recorded graph."""
    _, _wrap = _nd()
    return _wrap(self._t.detach(), self._ctx)


def mark_variables(variables: Any, gradients: Any, grad_reqs: Any = "write") -> None:
    """Attach user-given gradient buffers to arrays (``attach_grad`` with your own buffers)."""
    NDArray, _ = _nd()
    if isinstance(variables, NDArray):
        variables, gradients = [variables], [gradients]
    variables, gradients = list(variables), list(gradients)
    if len(variables) != len(gradients):
        raise MXNetValueError("mark_variables: variables and gradients must have the same "
                              "length")
    reqs = [grad_reqs] * len(variables) if isinstance(grad_reqs, str) else list(grad_reqs)
    for v, g, r in zip(variables, gradients, reqs):
        _attach(v, r, g)


def _check_inplace(arr: Any) -> None:
    """In-place writes to arrays already in the recorded graph are errors, as in MXNet."""
    if STATE.recording and arr._t.requires_grad:
        raise MXNetError(_INPLACE)


# ---- backward and grad ----------------------------------------------------------------------
def _as_list(x: Any) -> list:
    NDArray, _ = _nd()
    if x is None:
        return []
    if isinstance(x, NDArray):
        return [x]
    return list(x)


def _head_grads(heads: list, head_grads: Any) -> List[torch.Tensor]:
    NDArray, _ = _nd()
    if head_grads is None:
        return [torch.ones_like(h._t) for h in heads]
    hg = _as_list(head_grads)
    if len(hg) != len(heads):
        raise MXNetValueError(f"backward: {len(heads)} heads but {len(hg)} head gradients")
    out = []
    for h, g in zip(heads, hg):
        if g is None:
            out.append(torch.ones_like(h._t))
        elif isinstance(g, NDArray):
            out.append(g._t.detach().to(h._t.dtype).expand_as(h._t))
        else:
            raise MXNetTypeError(f"backward: head gradients must be NDArrays, got "
                                 f"{type(g).__name__}")
    return out


def _run_grad(heads: list, inputs: List[torch.Tensor], head_grads: Any, retain_graph: bool,
              create_graph: bool, train_mode: bool) -> Sequence[Optional[torch.Tensor]]:
    outs = [h._t for h in heads]
    for h, t in zip(heads, outs):
        if not t.requires_grad or getattr(h._ag, "freed", False):
            raise MXNetError(_NOT_IN_GRAPH)
    hg = _head_grads(heads, head_grads)
    prev_train = STATE.training
    STATE.training = bool(train_mode)
    try:
        with torch.enable_grad():
            return torch.autograd.grad(outs, inputs, hg, retain_graph=retain_graph,
                                       create_graph=create_graph, allow_unused=True)
    except RuntimeError as e:
        if "second time" in str(e) or "freed" in str(e):
            raise MXNetError(_NOT_IN_GRAPH) from None
        raise MXNetError(f"backward: {str(e).splitlines()[0]}") from None
    finally:
        STATE.training = prev_train


class _Freed:
    """Marks a head whose graph a backward without retain_graph has freed."""

    __slots__ = ()
    freed = True


_FREED = _Freed()


# The reference counts below are CPython's up to 3.13 (3.14 may borrow stack references,
# which would make a shared buffer look unshared): elsewhere backward always copies.
_use_count = getattr(torch._C, "_storage_Use_Count", None) \
    if sys.implementation.name == "cpython" and sys.version_info < (3, 14) else None


def _sole_owner(t: torch.Tensor, refs: int) -> bool:
    """Whether ``t`` (a tensor object with ``refs`` Python references known to the caller,
    its own local names included) is the only tensor on its storage and nothing else holds
    it: no NDArray from an earlier ``x.grad``, no view, no NumPy array."""
    if _use_count is None:
        return False
    # +2: this function's parameter and getrefcount's argument; the storage: t's TensorImpl
    # + the temporary untyped_storage() object
    return sys.getrefcount(t) <= refs + 2 and \
        _use_count(t.untyped_storage()._cdata) <= 2


def _can_adopt(holder: Any, g: torch.Tensor, adopted: set) -> bool:
    """A 'write' gradient buffer can become the freshly computed gradient ``g`` itself (saving
    a copy per variable per step) when no one can observe the swap: the old buffer has no
    other reference (so MXNet's "an x.grad kept from an earlier step sees the new values"
    cannot be broken), and ``g`` is a plain dense tensor owned by nobody else."""
    old = holder._t
    if g.dtype is not old.dtype or g.shape != old.shape or g.device != old.device or \
            g._base is not None or not g.is_contiguous() or g.requires_grad:
        return False
    ptr = g.data_ptr()
    # old: holder._t and the local name; g: backward's name and ours
    if ptr in adopted or not _sole_owner(old, 2) or not _sole_owner(g, 2):
        return False
    adopted.add(ptr)
    return True


# ---- graphs freed by backward ----------------------------------------------------------------
# MXNet frees the graph of the heads at backward() (unless retain_graph=True): every array
# computed in it becomes a constant. An array carried out of one record() block into the next
# (the hidden state of a from-scratch RNN loop) then starts the new graph afresh, and a second
# backward through the old graph raises. torch keeps the old nodes attached to such arrays
# instead, so backward here (1) marks every node of the freed graph (in its metadata, with the
# sequence number torch had reached: nodes recorded later are newer), (2) gives each attached
# array in that graph a fresh leaf tensor (same memory), so that old nodes lead only to the old
# leaves, and (3) before differentiating, walks the heads' graph without entering marked nodes:
# only the leaves found so (current or older ones of an attached array) are asked for, so torch
# never runs an old node, and a marked node reached counts as a constant.
_MARK = "mxcompat_freed_at"

#: id of an older leaf tensor of an attached array -> (weak ref to that tensor, weak ref to the
#: NDArray): graphs recorded before the array got a fresh leaf still lead to the old one
_OLD_LEAVES: Dict[int, tuple] = {}
_EVER_FREED = [False]


def _next_seq() -> int:
    """The sequence number the next recorded torch node gets (in this thread)."""
    with torch.enable_grad():
        return (_SEQ_PROBE * 1).grad_fn._sequence_nr()  # type: ignore[union-attr]


_SEQ_PROBE = torch.zeros((), requires_grad=True)


def _mark_freed(heads: list) -> None:
    """Mark the nodes of the heads' graph as freed and give the attached arrays reached fresh
    leaves."""
    stamp = _next_seq()
    stack = [h._t.grad_fn for h in heads]
    leaves: Dict[int, torch.Tensor] = {}
    seen: set = set()
    while stack:
        n = stack.pop()
        if n is None or n in seen:
            continue
        seen.add(n)
        var = getattr(n, "variable", None)
        if var is not None:          # AccumulateGrad: a leaf
            leaves[id(var)] = var
            continue
        md = n.metadata
        if _MARK in md:
            continue                 # freed earlier, with everything below it
        md[_MARK] = stamp
        stack.extend(nx for nx, _ in n.next_functions)
    if not leaves:
        return
    _EVER_FREED[0] = True
    for a in _attached():
        old = a._t
        if id(old) in leaves and old is leaves[id(old)]:
            a._t = old.detach().requires_grad_(True)
            key = id(old)

            def _gone(ref: Any, key: int = key) -> None:
                entry = _OLD_LEAVES.get(key)
                if entry is not None and entry[0] is ref:
                    del _OLD_LEAVES[key]
            _OLD_LEAVES[key] = (weakref.ref(old, _gone), weakref.ref(a))


def _reachable(heads: list) -> tuple:
    """Walk the heads' graph without entering freed nodes: (the leaf tensors reached, by id;
    whether a freed node was reached; the oldest mark among the freed nodes reached)."""
    stack = [h._t.grad_fn for h in heads]
    leaves: Dict[int, torch.Tensor] = {id(h._t): h._t for h in heads
                                       if h._t.grad_fn is None and h._t.requires_grad}
    seen: set = set()
    hit = None
    while stack:
        n = stack.pop()
        if n is None or n in seen:
            continue
        seen.add(n)
        var = getattr(n, "variable", None)
        if var is not None:
            leaves[id(var)] = var
            continue
        stamp = n.metadata.get(_MARK)
        if stamp is not None:
            hit = stamp if hit is None else min(hit, stamp)
            continue
        stack.extend(nx for nx, _ in n.next_functions)
    return leaves, hit


def _check_heads_live(hs: list) -> None:
    for h in hs:
        gf = h._t.grad_fn
        if getattr(h._ag, "freed", False) or (gf is not None and _MARK in gf.metadata):
            raise MXNetError(_NOT_IN_GRAPH)


def _targets(hs: list, variables: list) -> tuple:
    """The tensors to differentiate for: each variable's current leaf, or, after a graph was
    freed, the leaves (current or older) the heads reach without passing a freed node, with
    the NDArray each belongs to."""
    if not _EVER_FREED[0]:
        return [v._t for v in variables], variables
    leaves, hit = _reachable(hs)
    tensors, owners = [], []
    wanted = {id(v) for v in variables}
    for v in variables:
        if id(v._t) in leaves:
            tensors.append(v._t)
            owners.append(v)
    for key, t in leaves.items():
        entry = _OLD_LEAVES.get(key)
        if entry is None:
            continue
        old, arr = entry[0](), entry[1]()
        if old is t and arr is not None and id(arr) in wanted:
            tensors.append(t)
            owners.append(arr)
    if not tensors and hit is not None:
        # everything the heads depend on is constant now: a head recorded after the freeing
        # was never recorded in MXNet (all its inputs were constants)
        newest = max((h._t.grad_fn._sequence_nr() for h in hs if h._t.grad_fn is not None),
                     default=-1)
        raise MXNetError(_NOT_IN_GRAPH if newest >= hit else _NO_INPUTS)
    return tensors, owners


def backward(heads: Any, head_grads: Any = None, retain_graph: bool = False,
             train_mode: bool = True) -> None:
    """Compute the gradients of ``heads`` with respect to every attached array and write
    (or add) them into the arrays' ``.grad`` buffers, per their ``grad_req``."""
    hs = _as_list(heads)
    if not hs:
        raise MXNetValueError("backward: no heads given")
    variables = [a for a in _attached()
                 if isinstance(a._ag, _Grad) and a._ag.req != "null" and a._t.requires_grad]
    if not variables:
        for h in hs:
            if not h._t.requires_grad:
                raise MXNetError(_NOT_IN_GRAPH)
        raise MXNetError(_NO_INPUTS)
    _check_heads_live(hs)
    tensors, owners = _targets(hs, variables)
    grads = list(_run_grad(hs, tensors, head_grads, retain_graph, False, train_mode))
    if len(set(map(id, owners))) != len(owners):  # an array reached by current and old leaf
        summed: Dict[int, Any] = {}
        for v, g in zip(owners, grads):
            if g is not None:
                summed[id(v)] = g if id(v) not in summed else summed[id(v)] + g
        owners = list({id(v): v for v in owners}.values())
        grads = [summed.get(id(v)) for v in owners]
    variables = owners
    adopted: set = set()
    with torch.no_grad():
        for i, v in enumerate(variables):
            g, grads[i] = grads[i], None  # only the name g refers to the gradient now
            if g is None:
                continue  # not on the path: keeps its old gradient, as in MXNet
            v._ag.fresh = True
            holder = v._ag.buf
            if v._ag.req == "add":
                holder._t.add_(g)
            elif _can_adopt(holder, g, adopted):
                holder._t = g  # nothing else sees the old buffer: take the result, no copy
            else:
                holder._t.copy_(g)
    if not retain_graph:
        _mark_freed(hs)
        for h in hs:
            if not isinstance(h._ag, _Grad):
                h._ag = _FREED


def _backward_method(self: Any, out_grad: Any = None, retain_graph: bool = False,
                     train_mode: bool = True) -> None:
    """Compute the gradients of this array with respect to the attached arrays."""
    backward([self], None if out_grad is None else [out_grad], retain_graph, train_mode)


def grad(heads: Any, variables: Any, head_grads: Any = None, retain_graph: Optional[bool] = None,
         create_graph: bool = False, train_mode: bool = True) -> List[Any]:
    """Gradients of ``heads`` with respect to ``variables``, returned as a list of new arrays
    (``.grad`` buffers are left untouched). With ``create_graph=True`` the gradients can be
    differentiated again."""
    NDArray, _wrap = _nd()
    hs = _as_list(heads)
    vs = _as_list(variables)
    for v in vs:
        if not isinstance(v, NDArray):
            raise MXNetTypeError(f"grad: variables must be NDArrays, got {type(v).__name__}")
        if not v._t.requires_grad:
            raise MXNetError(_NOT_IN_GRAPH)
    if retain_graph is None:
        retain_graph = create_graph
    _check_heads_live(hs)
    if _EVER_FREED[0]:
        tensors, owners = _targets(hs, vs)
        got = _run_grad(hs, tensors, head_grads, bool(retain_graph), create_graph, train_mode)
        gs: List[Any] = [None] * len(vs)
        for i, v in enumerate(vs):
            for j, o in enumerate(owners):
                if o is v and got[j] is not None:
                    gs[i] = got[j] if gs[i] is None else gs[i] + got[j]
    else:
        gs = list(_run_grad(hs, [v._t for v in vs], head_grads, bool(retain_graph),
                            create_graph, train_mode))
    if not retain_graph:
        _mark_freed(hs)
    out = []
    for v, g in zip(vs, gs):
        if g is None:
            g = torch.zeros_like(v._t)
        out.append(_wrap(g if create_graph else g.detach(), v._ctx))
    return out


def get_symbol(x: Any) -> Any:
    raise unsupported("mx.autograd.get_symbol", "mxcompat has no Symbol API")


# ---- custom functions -----------------------------------------------------------------------
class Function:
    """A user-defined differentiable function, as in MXNet::

        class Sigmoid(mx.autograd.Function):
            def forward(self, x):
                y = 1 / (1 + mx.nd.exp(-x))
                self.save_for_backward(y)
                return y

            def backward(self, dy):
                y, = self.saved_tensors
                return dy * y * (1 - y)

    ``forward`` runs with recording paused; ``backward`` returns one gradient per input.
    Each instance can be called once.
    """

    def __init__(self) -> None:
        self._used = False
        self.saved_tensors: tuple = ()

    def save_for_backward(self, *args: Any) -> None:
        self.saved_tensors = args

    def forward(self, *inputs: Any) -> Any:
        raise NotImplementedError

    def backward(self, *output_grads: Any) -> Any:
        raise NotImplementedError

    def __call__(self, *inputs: Any) -> Any:
        if self._used:
            raise MXNetValueError("Each Function instance can only be called once. Please "
                                  "create another instance.")
        self._used = True
        NDArray, _wrap = _nd()
        for x in inputs:
            if not isinstance(x, NDArray):
                raise MXNetTypeError(f"Function: inputs must be NDArrays, got "
                                     f"{type(x).__name__}")
        if not STATE.recording or not any(x._t.requires_grad for x in inputs):
            with pause(train_mode=STATE.training):
                return self.forward(*inputs)
        fn = self
        ctxs = [x._ctx for x in inputs]
        single = [True]

        class _TorchFn(torch.autograd.Function):
            @staticmethod
            def forward(ctx: Any, *tensors: torch.Tensor) -> Any:
                with pause(train_mode=STATE.training):
                    outs = fn.forward(*[_wrap(t, c) for t, c in zip(tensors, ctxs)])
                single[0] = isinstance(outs, NDArray)
                outs = [outs] if single[0] else list(outs)
                return tuple(o._t for o in outs)

            @staticmethod
            def backward(ctx: Any, *gs: torch.Tensor) -> Any:
                with pause(train_mode=STATE.training):
                    res = fn.backward(*[_wrap(g, c) for g, c in zip(gs, ctxs)])
                res = [res] if isinstance(res, NDArray) else list(res)
                if len(res) != len(inputs):
                    raise MXNetValueError(f"Function.backward must return {len(inputs)} "
                                          f"gradients (one per input), got {len(res)}")
                return tuple(r._t for r in res)

        outs = _TorchFn.apply(*[x._t for x in inputs])
        wrapped = [_wrap(o, ctxs[0]) for o in outs]
        return wrapped[0] if single[0] else wrapped


@contextmanager
def _noop() -> Iterator[None]:
    yield


def _install() -> None:
    from .ndarray.ndarray import NDArray
    setattr(NDArray, "attach_grad", attach_grad)  # noqa: B010
    setattr(NDArray, "grad", property(_grad_of))  # noqa: B010
    setattr(NDArray, "backward", _backward_method)  # noqa: B010
    setattr(NDArray, "detach", detach)  # noqa: B010
    setattr(NDArray, "_fresh_grad", property(_get_fresh, _set_fresh))  # noqa: B010


def _get_fresh(self: Any) -> bool:
    """MXNet's NDArray._fresh_grad: whether backward wrote this array's gradient since the
    flag was last cleared (Gluon's Trainer checks it for stale gradients)."""
    ag = self._ag
    return bool(ag.fresh) if isinstance(ag, _Grad) else False


def _set_fresh(self: Any, value: bool) -> None:
    ag = self._ag
    if isinstance(ag, _Grad):
        ag.fresh = bool(value)


_install()


def __getattr__(name: str) -> Any:
    if name in ("NDArray", "array"):
        from . import ndarray
        return getattr(ndarray, name)
    raise AttributeError(f"module 'mxcompat.autograd' has no attribute {name!r}")
