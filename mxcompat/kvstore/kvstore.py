"""``mx.kv.KVStore``: the built-in store for the native kinds.

One class serves every kind ``mx.kv.create`` knows natively:

- single machine (``local``, ``device``, ``nccl``, ``local_allreduce_*`` and any other name):
  the store holds one NDArray per key; a push sums the list of values given for a key (one
  per device), then either assigns the sum or hands it to the updater; a pull copies the
  stored value into every output.
- distributed (every name containing ``dist``): each worker process holds a replica of the
  store. ``init`` broadcasts rank 0's values, ``push`` all-reduces (sums) the per-worker sums
  before the updater runs, so every replica applies the same update to the same values and
  stays equal -- what MXNet's parameter servers computed, without servers. The collectives
  run on ``torch.distributed`` (see :mod:`mxcompat.kvstore.dist`).

Key handling, errors and the 2-bit gradient compression follow MXNet 1.9.1 (recorded by
``tools/oracle/record_kvstore.py``).
"""
from __future__ import annotations

import io
import os
import pickle
import sys
import tempfile
from typing import Any, Dict, List, Optional, Tuple

import torch

from ..base import MXNetError, string_types
from .base import KVStoreBase

__all__ = ["KVStore"]


def _nd():
    from .. import ndarray
    return ndarray


_NDARRAY: Any = None


def _is_nd(x: Any) -> bool:
    global _NDARRAY
    if _NDARRAY is None:
        from ..ndarray import NDArray
        _NDARRAY = NDArray
    return isinstance(x, _NDARRAY)


def _flatten(keys: Any, vals: Any, what: str) -> Tuple[List[Any], List[Any], Optional[bool]]:
    """(keys, values, uses-str-keys) with one entry per array: MXNet's key/value checks
    (AssertionError for malformed arguments, as MXNet's Python layer raises)."""
    if isinstance(keys, (tuple, list)):
        assert len(keys) == len(vals)
        out_k: List[Any] = []
        out_v: List[Any] = []
        use_str = None
        for k, v in zip(keys, vals, strict=False):
            ks, vs, s = _flatten(k, v, what)
            out_k += ks
            out_v += vs
            use_str = s if use_str is None else use_str
            assert use_str == s, "inconsistent types of keys detected."
        return out_k, out_v, use_str
    assert isinstance(keys, (int,) + string_types), \
        "unexpected type for keys: " + str(type(keys))
    use_str = isinstance(keys, string_types)
    if _is_nd(vals):
        return [keys], [vals], use_str
    for v in vals:
        assert _is_nd(v)
    return [keys] * len(vals), list(vals), use_str


class _TwoBit:
    """MXNet's 2-bit gradient compression with error feedback.

    Per (key, sender) a float32 residual accumulates the gradient; each element sends
    +threshold when the residual is >= threshold, -threshold when <= -threshold, else 0, and
    the sent amount is taken off the residual. The receiver sums the dequantized values.
    """

    def __init__(self, threshold: float):
        self.threshold = float(threshold)
        self._residual: Dict[Tuple[Any, int], torch.Tensor] = {}

    def __call__(self, key: Any, sender: int, grad: torch.Tensor) -> torch.Tensor:
        g = grad.to(torch.float32)
        r = self._residual.get((key, sender))
        if r is None or r.shape != g.shape or r.device != g.device:
            r = torch.zeros_like(g)
            self._residual[(key, sender)] = r
        r += g
        th = torch.tensor(self.threshold, dtype=torch.float32, device=g.device)
        pos = r >= th
        neg = r <= -th
        q = torch.zeros_like(r)
        q[pos] = th
        q[neg] = -th
        r -= q
        return q.to(grad.dtype)


class KVStore(KVStoreBase):
    """A key-value store for synchronising values over devices and worker processes."""

    def __init__(self, name: str = "local"):
        self._type = name
        self._store: Dict[Any, Any] = {}
        self._order: Dict[Any, Any] = {}       # key -> sort key (int key, or str init order)
        self._key_type: Optional[bool] = None  # True: str keys, False: int keys
        self._updater: Any = None
        self._compression: Optional[_TwoBit] = None
        self._compression_params: Optional[dict] = None
        self._bufs: Dict[Any, torch.Tensor] = {}  # reusable merge buffers, per key
        self._device_store = "device" in name or "nccl" in name
        self.handle = None
        self._dist = None
        if "nccl" in name and "dist" not in name and not torch.cuda.is_available():
            raise MXNetError(f"mx.kv.create: kvstore type {name!r} needs CUDA (NCCL), and no "
                             "CUDA device is available; use 'device' or 'local'")
        if "dist" in name:
            from . import dist
            self._dist = dist.group(name)

    # ---- properties -------------------------------------------------------------------
    @property
    def type(self) -> str:
        return self._type

    @property
    def rank(self) -> int:
        return self._dist.rank if self._dist is not None else 0

    @property
    def num_workers(self) -> int:
        return self._dist.world_size if self._dist is not None else 1

    def is_capable(self, capability: str) -> bool:
        if capability.lower() == KVStoreBase.OPTIMIZER:
            return True
        raise ValueError(f"Unknown capability: {capability}")

    def __repr__(self) -> str:
        return (f"<mxcompat KVStore type={self._type!r} rank={self.rank} "
                f"num_workers={self.num_workers}>")

    # ---- keys ---------------------------------------------------------------------------
    def _check_key_type(self, use_str: Optional[bool]) -> None:
        if use_str is None:
            return
        if self._key_type is None:
            self._key_type = use_str
        elif self._key_type != use_str:
            # MXNet's key type codes: 0 for str keys, 1 for int keys
            raise MXNetError(f"kvstore: Check failed: key_type_ == key_type "
                             f"({int(not self._key_type)} vs. {int(not use_str)}) : Mixed key "
                             "types are not allowed")

    def _group(self, keys: Any, vals: Any, what: str) -> List[Tuple[Any, List[Any]]]:
        """Unique keys in the store's order, each with the values given for it."""
        ks, vs, use_str = _flatten(keys, vals, what)
        self._check_key_type(use_str)
        grouped: Dict[Any, List[Any]] = {}
        for k, v in zip(ks, vs, strict=False):
            grouped.setdefault(k, []).append(v)
        if len(grouped) > 1:
            # MXNet's order: int keys ascending; str keys by the id they got at init (ids are
            # given in call order), keys not seen yet after them in call order
            pos = {k: i for i, k in enumerate(grouped)}

            def order(k: Any) -> Any:
                o = self._order.get(k)
                if o is not None:
                    return o
                return (0, k, 0) if isinstance(k, int) else (1, len(self._order) + pos[k], k)
            return sorted(grouped.items(), key=lambda kv: order(kv[0]))
        return list(grouped.items())

    def _stored(self, key: Any, what: str) -> Any:
        try:
            return self._store[key]
        except KeyError:
            if isinstance(key, string_types):
                raise MXNetError(f"kvstore.{what}: Check failed: str_key_dict_.find(str_key) != "
                                 f"str_key_dict_.end(): key {key} doesn't exist. Did you "
                                 "init?") from None
            raise MXNetError(f"kvstore.{what}: Check failed: !local.is_none(): key {key} has "
                             "not been inited") from None

    def _check_shape(self, key: Any, stored: Any, arrays: List[Any], what: str) -> None:
        for a in arrays:
            if tuple(a.shape) != tuple(stored.shape):
                raise MXNetError(f"kvstore.{what}: shape mismatch for key {key!r}: the store "
                                 f"holds {tuple(stored.shape)}, got {tuple(a.shape)}")

    # ---- init / push / pull -------------------------------------------------------------
    def _store_ctx(self, value: Any) -> Any:
        from ..context import cpu
        if self._device_store:
            return value.context
        return cpu()

    def init(self, key: Any, value: Any) -> None:
        """Initialise one key or a list of keys (in a distributed store: rank 0's values)."""
        items = self._group(key, value, "init")
        for k, _vs in items:
            if k in self._store:
                raise MXNetError(f"kvstore.init: Check failed: local_.find(keys[i]) == "
                                 f"local_.end(): duplicate init of key {k}. Please double "
                                 "check if you called kv.init or kv.broadcast with this key "
                                 "multiple times")
        new = []
        for k, vs in items:
            v = vs[0]
            stored = v.copyto(self._store_ctx(v))
            new.append((k, stored))
        if self._dist is not None:
            self._dist.broadcast([s._t for _, s in new], "init")
            from ..ndarray.ndarray import _wrap
            # sparse values changed under their pattern: rebuild the pattern from the values
            new = [(k, s if s.stype == "default" else _wrap(s._t, s._ctx).tostype(s.stype))
                   for k, s in new]
        for k, s in new:
            self._store[k] = s
            if k not in self._order:
                self._order[k] = (0, k, "") if isinstance(k, int) else (1, len(self._order), k)

    def _buffer(self, key: Any, like: torch.Tensor, device: torch.device) -> torch.Tensor:
        """This key's reusable merge buffer (fresh memory for every push would cost page
        faults on large arrays)."""
        buf = self._bufs.get(key)
        if buf is None or buf.shape != like.shape or buf.dtype != like.dtype or \
                buf.device != device:
            buf = torch.empty(like.shape, dtype=like.dtype, device=device)
            self._bufs[key] = buf
        return buf

    def _merge(self, key: Any, vals: List[Any], stored: Any) -> torch.Tensor:
        """The sum of the values pushed for ``key`` on this worker, on the store's device
        (compressed per sender when gradient compression is on and the store is
        single-machine)."""
        ts = [v._t.detach() for v in vals]
        dev = stored._t.device
        if self._compression is not None and self._dist is None:
            ts = [self._compression(key, i, t) for i, t in enumerate(ts)]
        if any(v.stype != "default" for v in vals) or stored.stype != "default":
            total = ts[0].to(dev, copy=True)
            for t in ts[1:]:
                total += t.to(dev)
            return total
        buf = self._buffer(key, ts[0], dev)
        if len(ts) == 1:
            buf.copy_(ts[0])
        else:
            torch.add(ts[0].to(dev), ts[1].to(dev), out=buf)
            for t in ts[2:]:
                buf.add_(t.to(dev))
        return buf

    def _prepare(self, key: Any, value: Any, what: str) -> List[Tuple[Any, List[Any], Any]]:
        items = self._group(key, value, what)
        work = []
        for k, vs in items:
            if not vs:
                continue
            stored = self._stored(k, what)
            self._check_shape(k, stored, vs, what)
            work.append((k, vs, stored))
        return work

    def push(self, key: Any, value: Any, priority: int = 0) -> None:
        """Push values: per key, the values (one per device) are summed -- and over workers
        in a distributed store -- then assigned to the stored value, or given to the updater
        as ``updater(key, summed, stored)``."""
        work = self._prepare(key, value, "push")
        merged = [self._merge(k, vs, stored) for k, vs, stored in work]
        if self._dist is not None and merged:
            if self._compression is not None:
                merged = [self._compression(k, 0, m)
                          for (k, _, _), m in zip(work, merged, strict=True)]
            self._dist.all_reduce(merged, "push")
        for (k, vs, stored), m in zip(work, merged, strict=False):
            self._apply(k, vs, stored, m)

    def _apply(self, key: Any, vals: List[Any], stored: Any, merged: torch.Tensor) -> None:
        from ..ndarray.ndarray import _wrap
        recv = _wrap(merged, stored._ctx)
        if all(v.stype == "row_sparse" for v in vals):
            recv = recv.tostype("row_sparse")
        if self._updater is None:
            # MXNet replaces the stored array by the merged one (its dtype, its layout)
            if recv.stype == "default" and stored.stype == "default":
                if self._bufs.get(key) is merged:
                    # the merge buffer becomes the stored value; the old one the next buffer
                    self._bufs[key] = stored._t
                self._store[key] = recv
            else:
                self._store[key] = recv if recv.stype == stored.stype else \
                    recv.tostype(stored.stype)
            return
        ukey = key.encode() if isinstance(key, str) else key
        self._updater(ukey, recv, stored)

    def pull(self, key: Any, out: Any = None, priority: int = 0,
             ignore_sparse: bool = True) -> None:
        """Copy the stored values into ``out`` (one array, or a list per key). Row-sparse
        outputs are skipped (with MXNet's warning) unless ``ignore_sparse=False``."""
        assert out is not None
        items = self._group(key, out, "pull")
        for k, outs in items:
            stored = self._stored(k, "pull")
            self._check_shape(k, stored, outs, "pull")
            for o in outs:
                if o.stype != "default" and ignore_sparse:
                    # MXNet logs this (LOG(WARNING)) rather than raising a Python warning
                    sys.stderr.write("kvstore.pull: Warning: non-default weights detected "
                                     "during kvstore pull. This call has been ignored. Please "
                                     "make sure to use kv.row_sparse_pull() or "
                                     "module.prepare() with row_ids.\n")
                    continue
                _copy_into(stored, o)

    def pushpull(self, key: Any, value: Any, out: Any = None, priority: int = 0) -> None:
        """``push(key, value)`` then ``pull(key, out)`` (``out`` defaults to ``value``)."""
        if self._dist is not None and self._dist.world_size > 1 and \
                self._compression is None and (out is None or out is value):
            work = self._prepare(key, value, "pushpull")
            if all(len(vs) == 1 and vs[0].stype == "default" and stored.stype == "default"
                   and vs[0]._t.is_contiguous() for _, vs, stored in work):
                self._pushpull_inplace(work)
                return
        self.push(key, value, priority)
        self.pull(key, value if out is None else out, priority)

    def _pushpull_inplace(self, work: List[Tuple[Any, List[Any], Any]]) -> None:
        """A distributed in-place pushpull (one array per key, what Trainer does): the
        arrays are all-reduced where they are, then become (or update) the stored values."""
        from ..ndarray.ndarray import _wrap
        ts = [vs[0]._t.detach() for _, vs, _ in work]
        self._dist.all_reduce(ts, "pushpull")
        for (k, vs, stored), t in zip(work, ts, strict=False):
            if self._updater is None:
                st = stored._t
                if st.dtype == t.dtype and st.device == t.device:
                    st.copy_(t)
                else:
                    self._store[k] = _wrap(t.to(st.device, copy=True), stored._ctx)
            else:
                ukey = k.encode() if isinstance(k, str) else k
                self._updater(ukey, _wrap(t, stored._ctx), stored)
                _copy_into(self._store[k], vs[0])

    def broadcast(self, key: Any, value: Any, out: Any, priority: int = 0) -> None:
        """``init(key, value)`` (rank 0's value in a distributed store) then
        ``pull(key, out)``."""
        self.init(key, value)
        self.pull(key, out, priority)

    def row_sparse_pull(self, key: Any, out: Any = None, priority: int = 0,
                        row_ids: Any = None) -> None:
        """Pull the rows ``row_ids`` of a row_sparse stored value into row_sparse ``out``."""
        assert out is not None
        assert row_ids is not None
        nd = _nd()
        if isinstance(row_ids, nd.NDArray):
            row_ids = [row_ids]
        assert isinstance(row_ids, list), \
            "row_ids should be NDArray or list of NDArray"
        if len(row_ids) == 1 and isinstance(out, list):
            row_ids = row_ids * len(out)
        ks, outs, use_str = _flatten(key, out, "row_sparse_pull")
        self._check_key_type(use_str)
        assert isinstance(key, list) or len(row_ids) == len(outs), \
            "the number of row_ids doesn't match the number of values"
        _, rids, _ = _flatten(key, row_ids if isinstance(out, list) else row_ids[0],
                              "row_sparse_pull")
        assert len(rids) == len(outs), \
            "the number of row_ids doesn't match the number of values"
        jobs = list(zip(ks, outs, rids, strict=False))
        for k, o, rid in jobs:
            stored = self._stored(k, "row_sparse_pull")
            if o.stype != "row_sparse":
                raise MXNetError("kvstore.row_sparse_pull: Check failed: val_stype == "
                                 "kRowSparseStorage (0 vs. 1) : Expected row_sparse storage "
                                 "type for row_sparse_pull values, but detected storage type "
                                 f"{0 if o.stype == 'default' else 2} (key {k!r})")
            if stored.stype != "row_sparse":
                raise MXNetError("kvstore.row_sparse_pull: Check failed: "
                                 "local.storage_type() == kRowSparseStorage (0 vs. 1) : "
                                 f"PullRowSparse expects row_sparse src NDArray (key {k!r})")
            self._check_shape(k, stored, [o], "row_sparse_pull")
            ids = torch.unique(rid._t.reshape(-1).to(torch.int64))
            retained = nd.sparse.retain(stored, nd.array(ids.numpy(), dtype="int64"))
            retained.copyto(o)

    # ---- updater / optimizer ------------------------------------------------------------
    def _set_updater(self, updater: Any) -> None:
        """Set a push updater ``updater(key, received, stored)`` (str keys arrive as bytes,
        as in MXNet). In a distributed store it runs on every worker's replica."""
        self._updater = updater

    def set_optimizer(self, optimizer: Any) -> None:
        """Update on the store with ``optimizer`` (any object with MXNet's Optimizer
        interface: ``create_state``/``update``, or ``*_multi_precision``)."""
        self._set_updater(get_updater(optimizer))

    def save_optimizer_states(self, fname: str, dump_optimizer: bool = False) -> None:
        """Save the updater's states to ``fname`` (atomically)."""
        assert self._updater is not None, "Cannot save states for distributed training"
        data = self._updater.get_states(dump_optimizer)
        d = os.path.dirname(os.path.abspath(fname))
        fd, tmp = tempfile.mkstemp(prefix=".kvstates.", dir=d)
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            os.replace(tmp, fname)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise

    def load_optimizer_states(self, fname: str) -> None:
        """Load the updater's states from ``fname`` (a file made by
        :meth:`save_optimizer_states`; it is unpickled, so load only trusted files). A file
        that does not load changes nothing."""
        assert self._updater is not None, "Cannot load states for distributed training"
        with open(fname, "rb") as f:
            data = f.read()
        try:
            pickle.loads(data)
        except ModuleNotFoundError:
            # saved by real MXNet (class paths under mxnet.*): load those as mxcompat's classes
            # and hand the updater the same states pickled with mxcompat's paths
            try:
                data = pickle.dumps(_MXNetUnpickler(io.BytesIO(data)).load())
            except Exception as e:
                raise MXNetError(f"kvstore.load_optimizer_states: {fname!r} is not an "
                                 f"optimizer states file ({type(e).__name__}: {e})") from None
        except Exception as e:
            raise MXNetError(f"kvstore.load_optimizer_states: {fname!r} is not an optimizer "
                             f"states file ({type(e).__name__}: {e})") from None
        self._updater.set_states(data)

    def set_gradient_compression(self, compression_params: dict) -> None:
        """2-bit gradient compression (``{'type': '2bit', 'threshold': 0.5}``) for the
        device and distributed kinds, with MXNet's error-feedback residuals."""
        if "device" not in self._type and "dist" not in self._type:
            raise Exception("Gradient compression is not supported for this type of kvstore")
        assert isinstance(compression_params, dict), \
            "unexpected type for param_dict: " + str(type(compression_params))
        params = {str(k): str(v) for k, v in compression_params.items()}
        if "type" not in params:
            raise MXNetError("set_gradient_compression: Required parameter type of string is "
                             "not presented")
        try:
            threshold = float(params.get("threshold", 0.5))
        except ValueError:
            raise MXNetError("set_gradient_compression: Invalid Parameter format for threshold "
                             f"expect float but value='{params['threshold']}'") from None
        if params["type"] != "2bit":
            raise MXNetError("set_gradient_compression: Unknown type for gradient compression "
                             f"{params['type']}")
        if not threshold > 0:
            raise MXNetError("set_gradient_compression: Check failed: params.threshold > 0 "
                             f"({threshold:g} vs. 0) : threshold must be greater than 0")
        self._compression = _TwoBit(threshold)
        self._compression_params = dict(compression_params)

    # ---- synchronisation ----------------------------------------------------------------
    def _barrier(self) -> None:
        """Wait until every worker reaches this point (a no-op on one machine)."""
        if self._dist is not None:
            self._dist.barrier()

    barrier = _barrier

    def _send_command_to_servers(self, head: int, body: str) -> None:
        """Accepted and ignored: there are no servers (each worker updates its replica)."""
        return None


class _MXNetUnpickler(pickle.Unpickler):
    """Reads pickles made by real MXNet: ``mxnet.x.y`` classes come from ``mxcompat.x.y``."""

    def find_class(self, module: str, name: str) -> Any:
        if module == "mxnet" or module.startswith("mxnet."):
            from .._redirect import _target
            module = _target(module)
        return super().find_class(module, name)


def _copy_into(stored: Any, o: Any) -> None:
    """Write the stored value into output ``o`` (cast to its dtype, on its device). Like
    MXNet's engine copies, a pull is not part of an autograd recording."""
    src = stored._t.detach()
    if o.stype == "default":
        # through .data: an array already used in a recorded graph (a Trainer broadcasting
        # a weight that a forward pass used) stays valid for backward, as with MXNet's engine
        o._t.data.copy_(src)
        return
    from ..autograd import pause
    with pause():
        o._assign(src)
        if stored.stype == o.stype:
            stored.copyto(o)  # keep the stored pattern


class _Updater:
    """MXNet's ``optimizer.Updater`` for optimizers given before ``mx.optimizer`` exists:
    states per key, created on first use; ``get_states``/``set_states`` pickle them."""

    def __init__(self, optimizer: Any):
        self.optimizer = optimizer
        self.states: Dict[Any, Any] = {}
        self.states_synced: Dict[Any, bool] = {}

    def __call__(self, index: Any, grad: Any, weight: Any) -> None:
        if isinstance(index, bytes):
            index = index.decode()
        opt = self.optimizer
        create = getattr(opt, "create_state_multi_precision", None) or opt.create_state
        update = getattr(opt, "update_multi_precision", None) or opt.update
        if index not in self.states:
            self.states[index] = create(index, weight)
            self.states_synced[index] = True
        elif not self.states_synced[index]:
            self.states[index] = _sync_state(self.states[index], weight.context)
            self.states_synced[index] = True
        update(index, weight, grad, self.states[index])

    def get_states(self, dump_optimizer: bool = False) -> bytes:
        return pickle.dumps((self.states, self.optimizer) if dump_optimizer else self.states)

    def set_states(self, states: bytes) -> None:
        states = pickle.loads(states)
        if isinstance(states, tuple) and len(states) == 2:
            self.states, self.optimizer = states
        else:
            self.states = states
        self.states_synced = dict.fromkeys(self.states.keys(), False)


def _sync_state(state: Any, ctx: Any) -> Any:
    if _is_nd(state):
        return state.as_in_context(ctx)
    if isinstance(state, (tuple, list)):
        synced = [_sync_state(s, ctx) for s in state]
        return tuple(synced) if isinstance(state, tuple) else synced
    return state


def get_updater(optimizer: Any) -> Any:
    """``mx.optimizer.get_updater(optimizer)`` when mxcompat has ``mx.optimizer``, else an
    updater with the same behaviour and states format."""
    try:
        from ..optimizer import get_updater as _get  # type: ignore[attr-defined]
    except ImportError:
        return _Updater(optimizer)
    return _get(optimizer)
