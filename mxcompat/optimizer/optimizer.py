"""MXNet 1.9.1's optimizers (``mx.optimizer``) on mxcompat's ``mx.nd`` update operators.

Every optimizer computes what MXNet 1.9.1's does, step for step: the same update operator
(``nd.sgd_mom_update``, ``nd.adam_update``, ...) or the same NDArray arithmetic, the same
learning-rate / weight-decay multipliers, update counting and state layout. The attribute names
are MXNet's, so an optimizer pickled into a states file (``Updater.get_states``,
``Trainer.save_states``) loads in MXNet, and MXNet's load here (see :func:`_dumps`).

PyTorch counterparts: SGD -> ``torch.optim.SGD`` (MXNet's momentum form folds the learning
rate into the momentum buffer), NAG -> ``SGD(nesterov=True)``, Adam -> ``torch.optim.Adam``
(MXNet's weight decay is L2 on the gradient, like torch's ``weight_decay``), AdaGrad ->
``Adagrad``, RMSProp -> ``RMSprop`` (``centered=True`` is MXNet's RMSPropAlex), AdaDelta ->
``Adadelta``, Adamax -> ``Adamax``, Nadam -> ``NAdam``; the others have no torch.optim class.
"""
from __future__ import annotations

import io
import logging
import math
import numbers
import os
import pickle
import warnings
from typing import Any, Dict, List, Optional

import numpy

from ..base import MXNetAssertionError, MXNetError, MXNetTypeError, MXNetValueError, py_str
from ..ndarray import (NDArray, abs as NDabs, array, cast, clip, maximum, multiply,  # noqa: F401
                       norm as NDnorm, sqrt, square, zeros)
from .. import ndarray as _nd
from . import _fast

__all__ = [
    "AdaDelta", "AdaGrad", "Adam", "Adamax", "DCASGD", "FTML", "Ftrl", "LARS", "LBSGD",
    "NAG", "NDabs", "Nadam", "Optimizer", "RMSProp", "SGD", "SGLD", "Signum", "LAMB",
    "Test", "Updater", "ccSGD", "create", "get_updater", "register",
]


def _flatten_list(nested: Any) -> list:
    return [item for group in nested for item in group]


def _number(who: str, name: str, value: Any, optional: bool = False) -> None:
    """A hyper-parameter must be a real number (None where MXNet allows it)."""
    if value is None and optional:
        return
    if isinstance(value, numbers.Real) or (isinstance(value, numpy.ndarray) and value.ndim == 0
                                           and value.dtype.kind in "biuf"):
        return
    raise MXNetValueError(f"{who}: hyper-parameter {name} must be a number"
                          f"{' or None' if optional else ''}, got {value!r}")


def _check_weight(who: str, weight: Any, grad: Any) -> None:
    if not isinstance(weight, NDArray):
        raise MXNetAssertionError(f"{who}.update: weight must be an NDArray, got "
                                  f"{type(weight).__name__}")
    if not isinstance(grad, NDArray):
        raise MXNetAssertionError(f"{who}.update: grad must be an NDArray, got "
                                  f"{type(grad).__name__}")


class Optimizer:
    """Base class of the optimizers.

    ``rescale_grad`` multiplies every gradient (a Trainer sets it to ``1/batch_size``),
    ``clip_gradient`` clips the rescaled gradient to ``[-c, c]``, ``wd`` is the L2 weight decay,
    ``learning_rate`` / ``lr_scheduler`` the rate (a scheduler is called with ``num_update``),
    ``multi_precision`` keeps a float32 master copy of float16 weights, ``param_idx2name``
    maps indices to names (names not ending in ``_weight``/``_gamma`` get ``wd_mult`` 0) and
    ``param_dict`` maps indices to Gluon Parameters (their ``lr_mult``/``wd_mult`` win).
    """

    #: name (lower case) -> optimizer class, filled by :func:`register`
    opt_registry: Dict[str, type] = {}

    def __init__(self, rescale_grad: float = 1., param_idx2name: Optional[dict] = None,
                 wd: float = 0., clip_gradient: Optional[float] = None,
                 learning_rate: Optional[float] = None, lr_scheduler: Any = None,
                 sym: Any = None, begin_num_update: int = 0, multi_precision: bool = False,
                 param_dict: Optional[dict] = None):
        who = type(self).__name__
        _number(who, "rescale_grad", rescale_grad)
        _number(who, "wd", wd)
        _number(who, "clip_gradient", clip_gradient, optional=True)
        _number(who, "learning_rate", learning_rate, optional=True)
        _number(who, "begin_num_update", begin_num_update)
        if lr_scheduler is not None and not callable(lr_scheduler):
            raise MXNetValueError(f"{who}: lr_scheduler must be an LRScheduler (callable), got "
                                  f"{lr_scheduler!r}")
        self.rescale_grad = rescale_grad
        self.lr_scheduler = lr_scheduler
        if self.lr_scheduler is None and learning_rate is None:
            learning_rate = 0.01
        self.lr = learning_rate
        if self.lr_scheduler is not None and learning_rate is not None:
            if self.lr_scheduler.base_lr != learning_rate:
                print(UserWarning("learning rate from ``lr_scheduler`` has been "
                                  "overwritten by ``learning_rate`` in optimizer."))
                self.lr_scheduler.base_lr = learning_rate
        self.wd = wd
        self.lr_mult: Dict[Any, float] = {}
        self.wd_mult: Dict[Any, float] = {}
        self.begin_num_update = begin_num_update
        self.num_update = begin_num_update
        self._all_index_update_counts: Dict[int, Dict[Any, int]] = {0: {}}
        self._index_update_count = self._all_index_update_counts[0]
        self.clip_gradient = clip_gradient
        self.multi_precision = multi_precision
        self.aggregate_num = 0
        if param_idx2name is None:
            param_idx2name = {}
        if not isinstance(param_idx2name, dict):
            raise MXNetAssertionError("param_idx2name should be a dict of param indexes to "
                                      "names.")
        self.idx2name = param_idx2name.copy()
        # a Symbol's __lr_mult__ / __wd_mult__ attributes (Module passes sym=)
        self.sym_info: tuple = ((sym.attr_dict(), sym.list_arguments())
                                if sym is not None else ())
        self.param_dict = param_dict if param_dict else {}
        self.allow_np_array = False
        self.set_lr_mult({})
        self.set_wd_mult({})

    # ---- registry ------------------------------------------------------------------------
    @staticmethod
    def register(klass: type) -> type:
        """Register an optimizer class under its lower-case name (for :func:`create`)."""
        if not isinstance(klass, type):
            raise MXNetAssertionError(f"register: expected a class, got {klass!r}")
        name = klass.__name__.lower()
        if name in Optimizer.opt_registry:
            old = Optimizer.opt_registry[name]
            warnings.warn(f"WARNING: New optimizer {klass.__module__}.{klass.__name__} is "
                          f"overriding existing optimizer {old.__module__}.{old.__name__}",
                          stacklevel=2)
        Optimizer.opt_registry[name] = klass
        return klass

    @staticmethod
    def create_optimizer(name: str, **kwargs: Any) -> "Optimizer":
        """An instance of the optimizer registered as ``name`` (case-insensitive)."""
        if not isinstance(name, str):
            raise MXNetValueError(f"create_optimizer: the optimizer name must be a str, got "
                                  f"{name!r}")
        if name.lower() in Optimizer.opt_registry:
            return Optimizer.opt_registry[name.lower()](**kwargs)
        raise MXNetValueError(f"Cannot find optimizer {name}")

    # ---- learning rate -------------------------------------------------------------------
    @property
    def learning_rate(self) -> float:
        if self.lr_scheduler is not None:
            return self.lr_scheduler(self.num_update)
        return self.lr

    def set_learning_rate(self, lr: float) -> None:
        """Set the learning rate (not allowed when an lr_scheduler drives it)."""
        if self.lr_scheduler is not None:
            raise UserWarning("LRScheduler of the optimizer has already been "
                              "defined. Note that set_learning_rate can mutate "
                              "the value of the learning rate of the optimizer "
                              "only when the LRScheduler of the optimizer is "
                              "undefined.")
        _number(type(self).__name__, "learning_rate", lr)
        self.lr = lr

    def set_lr_scale(self, args_lrscale: Any) -> None:
        """[DEPRECATED] Use set_lr_mult."""
        raise DeprecationWarning

    def set_lr_mult(self, args_lr_mult: dict) -> None:
        """Per-parameter learning-rate multipliers, keyed by index or name."""
        self.lr_mult = {}
        self.lr_mult.update(self._sym_mults("__lr_mult__"))
        self.lr_mult.update(args_lr_mult)

    def _sym_mults(self, key: str) -> dict:
        """``{name: float}`` of the ``key`` attribute of the symbol's arguments."""
        if not self.sym_info:
            return {}
        attr, arg_names = self.sym_info
        return {n: float(attr[n][key]) for n in arg_names if key in attr.get(n, {})}

    def set_wd_mult(self, args_wd_mult: dict) -> None:
        """Per-parameter weight-decay multipliers, keyed by index or name; parameters named
        in ``param_idx2name`` that do not end in ``_weight`` or ``_gamma`` default to 0."""
        self.wd_mult = {}
        for n in self.idx2name.values():
            if not (n.endswith("_weight") or n.endswith("_gamma")):
                self.wd_mult[n] = 0.0
        self.wd_mult.update(self._sym_mults("__wd_mult__"))
        self.wd_mult.update(args_wd_mult)

    # ---- states --------------------------------------------------------------------------
    def create_state(self, index: Any, weight: NDArray) -> Any:
        """The auxiliary state (momentum, moments, ...) for one weight; None if none."""

    def create_state_multi_precision(self, index: Any, weight: NDArray) -> Any:
        """create_state, plus a float32 master copy for float16 weights when
        ``multi_precision``: ``(weight32, state)``."""
        if self.multi_precision and weight.dtype == numpy.float16:
            master = weight.astype(numpy.float32)
            return (master,) + (self.create_state(index, master),)
        if weight.dtype == numpy.float16 and not self.multi_precision:
            warnings.warn("Accumulating with float16 in optimizer can lead to "
                          "poor accuracy or slow convergence. "
                          "Consider using multi_precision=True option of the "
                          "optimizer", stacklevel=2)
        return self.create_state(index, weight)

    def update(self, index: Any, weight: NDArray, grad: NDArray, state: Any) -> None:
        """Update ``weight`` in place from ``grad`` and ``state``."""
        raise NotImplementedError()

    def update_multi_precision(self, index: Any, weight: NDArray, grad: NDArray,
                               state: Any) -> None:
        """update, on the float32 master copy for float16 weights with multi_precision."""
        if self.multi_precision and weight.dtype == numpy.float16:
            master, original = state[0], state[1]
            grad32 = grad.astype(numpy.float32)
            self.update(index, master, grad32, original)
            cast(master, dtype=weight.dtype, out=weight)
        else:
            self.update(index, weight, grad, state)

    # ---- bookkeeping ---------------------------------------------------------------------
    def _set_current_context(self, device_id: int) -> None:
        if device_id not in self._all_index_update_counts:
            self._all_index_update_counts[device_id] = {}
        self._index_update_count = self._all_index_update_counts[device_id]

    def _update_count(self, index: Any) -> None:
        if not isinstance(index, (list, tuple)):
            index = [index]
        for idx in index:
            if idx not in self._index_update_count:
                self._index_update_count[idx] = self.begin_num_update
            self._index_update_count[idx] += 1
            self.num_update = max(self._index_update_count[idx], self.num_update)

    def _base_lr(self) -> float:
        if self.lr_scheduler is not None:
            return self.lr_scheduler(self.num_update)
        return self.lr

    def _mults(self, indices: Any, base: float, mults: dict, attr: str) -> List[float]:
        out = [base for _ in indices]
        for i, index in enumerate(indices):
            if index in self.param_dict:
                out[i] *= getattr(self.param_dict[index], attr)
            elif index in mults:
                out[i] *= mults[index]
            elif index in self.idx2name:
                out[i] *= mults.get(self.idx2name[index], 1.0)
        return out

    def _get_lrs(self, indices: Any) -> List[float]:
        return self._mults(indices, self._base_lr(), self.lr_mult, "lr_mult")

    def _get_lr(self, index: Any) -> float:
        return self._get_lrs([index])[0]

    def _get_wds(self, indices: Any) -> List[float]:
        return self._mults(indices, self.wd, self.wd_mult, "wd_mult")

    def _get_wd(self, index: Any) -> float:
        return self._get_wds([index])[0]

    def __getstate__(self) -> dict:
        state = self.__dict__.copy()
        state.pop("param_dict", None)
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__ = state
        self.param_dict = {}


register = Optimizer.register


def _mp_state(opt: Optimizer, index: Any, weight: NDArray, name: str) -> Any:
    """SGD/NAG/LARS layout of multi-precision states: ``(state, weight32)``."""
    if opt.multi_precision and weight.dtype == numpy.float16:
        master = weight.astype(numpy.float32)
        return (opt.create_state(index, master), master)
    if weight.dtype == numpy.float16 and not opt.multi_precision:
        warnings.warn("Accumulating with float16 in optimizer can lead to "
                      "poor accuracy or slow convergence. "
                      f"Consider using multi_precision=True option of the {name} optimizer",
                      stacklevel=2)
    return opt.create_state(index, weight)


def _as_lists(indices: Any, weights: Any, grads: Any, states: Any) -> tuple:
    if not isinstance(indices, (tuple, list)):
        return [indices], [weights], [grads], [states]
    return indices, weights, grads, states


def _use_mp(opt: Optimizer, index: Any, weight: Any) -> bool:
    w = weight[0] if isinstance(index, (tuple, list)) else weight
    return bool(opt.multi_precision and w.dtype == numpy.float16)


def _aggregation_size(default: str) -> int:
    return int(os.getenv("MXNET_OPTIMIZER_AGGREGATION_SIZE", default))


@register
class SGD(Optimizer):
    """SGD with optional momentum: ``state = momentum * state - lr * (rescale_grad * grad +
    wd * weight); weight += state`` (``weight -= lr * (...)`` without momentum).
    torch: ``torch.optim.SGD`` (torch keeps ``lr`` out of the buffer; equal for a fixed lr)."""

    def __init__(self, momentum: float = 0.0, lazy_update: bool = True, **kwargs: Any):
        super().__init__(**kwargs)
        _number("SGD", "momentum", momentum)
        self.momentum = momentum
        self.lazy_update = lazy_update
        self.aggregate_num = _aggregation_size("4")

    def create_state_multi_precision(self, index: Any, weight: NDArray) -> Any:
        return _mp_state(self, index, weight, "SGD")

    def create_state(self, index: Any, weight: NDArray) -> Any:
        if self.momentum != 0.0:
            stype = weight.stype if self.lazy_update else "default"
            return zeros(weight.shape, weight.context, dtype=weight.dtype, stype=stype)
        return None

    def _update_impl(self, indices: Any, weights: Any, grads: Any, states: Any,
                     multi_precision: bool = False) -> None:
        indices, weights, grads, states = _as_lists(indices, weights, grads, states)
        aggregate = True
        for weight, grad in zip(weights, grads):
            _check_weight("SGD", weight, grad)
            aggregate = aggregate and weight.stype == "default" and grad.stype == "default"
        self._update_count(indices)
        lrs = self._get_lrs(indices)
        wds = self._get_wds(indices)
        kwargs: Dict[str, Any] = {"rescale_grad": self.rescale_grad}
        if self.momentum > 0:
            kwargs["momentum"] = self.momentum
        if self.clip_gradient:
            kwargs["clip_gradient"] = self.clip_gradient
        n = len(weights)
        if aggregate:
            if not multi_precision:
                if self.momentum > 0:
                    _nd.multi_sgd_mom_update(*_flatten_list(zip(weights, grads, states)),
                                             out=weights, num_weights=n, lrs=lrs, wds=wds,
                                             **kwargs)
                else:
                    _nd.multi_sgd_update(*_flatten_list(zip(weights, grads)), out=weights,
                                         num_weights=n, lrs=lrs, wds=wds, **kwargs)
            elif self.momentum > 0:
                _nd.multi_mp_sgd_mom_update(*_flatten_list(zip(weights, grads, *zip(*states))),
                                            out=weights, num_weights=n, lrs=lrs, wds=wds,
                                            **kwargs)
            else:
                _nd.multi_mp_sgd_update(*_flatten_list(zip(weights, grads,
                                                           list(zip(*states))[1])),
                                        out=weights, num_weights=n, lrs=lrs, wds=wds, **kwargs)
            return
        for weight, grad, state, lr, wd in zip(weights, grads, states, lrs, wds):
            _sgd_one(weight, grad, state, lr, wd, multi_precision, self.lazy_update, kwargs)

    def update(self, index: Any, weight: Any, grad: Any, state: Any) -> None:
        self._update_impl(index, weight, grad, state, multi_precision=False)

    def update_multi_precision(self, index: Any, weight: Any, grad: Any, state: Any) -> None:
        self._update_impl(index, weight, grad, state,
                          multi_precision=_use_mp(self, index, weight))


def _sgd_one(weight: NDArray, grad: NDArray, state: Any, lr: float, wd: float, mp: bool,
             lazy: bool, kwargs: dict) -> None:
    if not mp:
        if state is not None:
            _nd.sgd_mom_update(weight, grad, state, out=weight, lazy_update=lazy, lr=lr, wd=wd,
                               **kwargs)
        else:
            _nd.sgd_update(weight, grad, out=weight, lazy_update=lazy, lr=lr, wd=wd, **kwargs)
    elif state[0] is not None:
        _nd.mp_sgd_mom_update(weight, grad, state[0], state[1], out=weight, lr=lr, wd=wd,
                              **kwargs)
    else:
        _nd.mp_sgd_update(weight, grad, state[1], out=weight, lr=lr, wd=wd, **kwargs)


@register
class Signum(Optimizer):
    """signSGD / Signum: ``weight -= lr * sign(momentum-averaged gradient)`` (``wd_lh`` is
    decoupled weight decay). No torch.optim counterpart."""

    def __init__(self, learning_rate: float = 0.01, momentum: float = 0.9,
                 wd_lh: float = 0.0, **kwargs: Any):
        super().__init__(learning_rate=learning_rate, **kwargs)
        _number("Signum", "momentum", momentum)
        _number("Signum", "wd_lh", wd_lh)
        self.momentum = momentum
        self.wd_lh = wd_lh

    def create_state(self, index: Any, weight: NDArray) -> Any:
        if self.momentum != 0.0:
            return zeros(weight.shape, weight.context, dtype=weight.dtype, stype=weight.stype)
        return None

    def _update_impl(self, index: Any, weight: NDArray, grad: NDArray, state: Any) -> None:
        _check_weight("Signum", weight, grad)
        self._update_count(index)
        lr = self._get_lr(index)
        wd = self._get_wd(index)
        kwargs: Dict[str, Any] = {"rescale_grad": self.rescale_grad}
        if self.momentum > 0:
            kwargs["momentum"] = self.momentum
        if self.clip_gradient:
            kwargs["clip_gradient"] = self.clip_gradient
        if self.wd_lh:
            kwargs["wd_lh"] = self.wd_lh
        if state is not None:
            _nd.signum_update(weight, grad, state, out=weight, lr=lr, wd=wd, **kwargs)
        else:
            _nd.signsgd_update(weight, grad, out=weight, lr=lr, wd=wd, **kwargs)

    def update(self, index: Any, weight: NDArray, grad: NDArray, state: Any) -> None:
        self._update_impl(index, weight, grad, state)


@register
class FTML(Optimizer):
    """FTML (Follow The Moving Leader); states ``(d, v, z)``. No torch.optim counterpart."""

    def __init__(self, beta1: float = 0.6, beta2: float = 0.999, epsilon: float = 1e-8,
                 **kwargs: Any):
        super().__init__(**kwargs)
        for k, v in (("beta1", beta1), ("beta2", beta2), ("epsilon", epsilon)):
            _number("FTML", k, v)
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon

    def create_state(self, index: Any, weight: NDArray) -> Any:
        return tuple(zeros(weight.shape, weight.context, dtype=weight.dtype) for _ in range(3))

    def update(self, index: Any, weight: NDArray, grad: NDArray, state: Any) -> None:
        _check_weight("FTML", weight, grad)
        self._update_count(index)
        lr = self._get_lr(index)
        wd = self._get_wd(index)
        t = self._index_update_count[index]
        kwargs: Dict[str, Any] = {"beta1": self.beta1, "beta2": self.beta2,
                                  "epsilon": self.epsilon, "rescale_grad": self.rescale_grad,
                                  "t": t}
        if self.clip_gradient:
            kwargs["clip_grad"] = self.clip_gradient
        d, v, z = state
        _nd.ftml_update(weight, grad, d, v, z, out=weight, lr=lr, wd=wd, **kwargs)


_NO_LARS = ("gamma", "beta", "bias")


@register
class LARS(Optimizer):
    """SGD with layer-wise adaptive rate scaling: the rate of each weight (names not ending in
    gamma/beta/bias) is scaled by ``eta * |w| / (|g| + wd * |w| + eps)``."""

    def __init__(self, momentum: float = 0.0, lazy_update: bool = True, eta: float = 0.001,
                 eps: float = 0, momentum_correction: bool = True, **kwargs: Any):
        super().__init__(**kwargs)
        for k, v in (("momentum", momentum), ("eta", eta), ("eps", eps)):
            _number("LARS", k, v)
        self.momentum = momentum
        self.momentum_correction = momentum_correction
        self.lazy_update = lazy_update
        self.aggregate_num = _aggregation_size("4")
        self.eta = eta
        self.eps = eps
        self.skip = 0
        self.last_lr: Optional[float] = None
        self.cur_lr: Optional[float] = None

    def _get_lrs(self, indices: Any) -> List[float]:
        if self.cur_lr is not None:
            self.last_lr = self.cur_lr
        lr = self._base_lr()
        if self.cur_lr is None:
            self.last_lr = lr
        self.cur_lr = lr
        return self._mults(indices, lr, self.lr_mult, "lr_mult")

    def set_wd_mult(self, args_wd_mult: dict) -> None:
        self.wd_mult = {}
        for n in self.idx2name.values():
            if not n.endswith("_weight"):
                self.wd_mult[n] = 0.0
        self.wd_mult.update(self._sym_mults("__wd_mult__"))
        self.wd_mult.update(args_wd_mult)

    def create_state_multi_precision(self, index: Any, weight: NDArray) -> Any:
        return _mp_state(self, index, weight, "SGD")

    def create_state(self, index: Any, weight: NDArray) -> Any:
        if self.momentum != 0.0:
            stype = weight.stype if self.lazy_update else "default"
            return zeros(weight.shape, weight.context, dtype=weight.dtype, stype=stype)
        return None

    def _l2norm(self, v: NDArray, rescale: bool = False) -> float:
        v = v.astype("float32")
        if rescale:
            v *= self.rescale_grad
        return NDnorm(v).asnumpy()[0]

    def _get_lars(self, i: Any, weight: NDArray, g: NDArray, lr: float, wd: float) -> float:
        name = self.idx2name[i] if i in self.idx2name else str(i)
        if name.endswith(_NO_LARS):
            return lr
        w_norm = self._l2norm(weight)
        g_norm = self._l2norm(g, rescale=True)
        if w_norm > 0.0 and g_norm > 0.0:
            lars = self.eta * w_norm / (g_norm + wd * w_norm + self.eps)
        else:
            lars = 1.0
        return lars * lr

    def _update_impl(self, indices: Any, weights: Any, grads: Any, states: Any,
                     multi_precision: bool = False) -> None:
        indices, weights, grads, states = _as_lists(indices, weights, grads, states)
        aggregate = True
        for weight, grad in zip(weights, grads):
            _check_weight("LARS", weight, grad)
            aggregate = aggregate and weight.stype == "default" and grad.stype == "default"
        self._update_count(indices)
        lrs = self._get_lrs(indices)
        wds = self._get_wds(indices)
        kwargs: Dict[str, Any] = {"rescale_grad": self.rescale_grad}
        if self.momentum > 0:
            kwargs["momentum"] = (self.momentum * (self.cur_lr / self.last_lr)) \
                if (self.momentum_correction and self.last_lr != 0) else self.momentum
        if self.clip_gradient:
            kwargs["clip_gradient"] = self.clip_gradient
        if not aggregate:
            lrs = [self._get_lars(i, w, g, lr, wd)
                   for i, w, g, lr, wd in zip(indices, weights, grads, lrs, wds)]
            for weight, grad, state, lr, wd in zip(weights, grads, states, lrs, wds):
                _sgd_one(weight, grad, state, lr, wd, multi_precision, self.lazy_update,
                         kwargs)
            return
        names = [self.idx2name[i] if i in self.idx2name else str(i) for i in indices]
        lars_idx = [i for i, n in enumerate(names) if not n.endswith(_NO_LARS)]
        plain_idx = [i for i, n in enumerate(names) if n.endswith(_NO_LARS)]
        order = lars_idx + plain_idx
        nb_lars = len(lars_idx)
        ctx = weights[0].context
        new_lrs = array([lrs[i] for i in order], ctx=ctx, dtype="float32")
        new_wds = array([wds[i] for i in order], ctx=ctx, dtype="float32")
        ws = [weights[i] for i in order]
        gs = [grads[i] for i in order]
        ss = [states[i] for i in order]
        if nb_lars > 0:
            w_sum_sq = _nd.multi_sum_sq(*ws[:nb_lars], num_arrays=nb_lars)
            g_sum_sq = _nd.multi_sum_sq(*gs[:nb_lars], num_arrays=nb_lars)
            _nd.multi_lars(new_lrs[:nb_lars], w_sum_sq, g_sum_sq, new_wds[:nb_lars],
                           eta=self.eta, eps=self.eps, rescale_grad=self.rescale_grad,
                           out=new_lrs[:nb_lars])
        start = 0
        while start < len(indices):
            end = start + len(ws[start:start + self.aggregate_num])
            w, g, s = ws[start:end], gs[start:end], ss[start:end]
            tail = [new_lrs[start:end], new_wds[start:end]]
            if not multi_precision:
                if self.momentum > 0:
                    _nd.preloaded_multi_sgd_mom_update(*(_flatten_list(zip(w, g, s)) + tail),
                                                       out=w, num_weights=len(w), **kwargs)
                else:
                    _nd.preloaded_multi_sgd_update(*(_flatten_list(zip(w, g)) + tail),
                                                   out=w, num_weights=len(w), **kwargs)
            elif self.momentum > 0:
                _nd.preloaded_multi_mp_sgd_mom_update(
                    *(_flatten_list(zip(w, g, *zip(*s))) + tail), out=w, num_weights=len(w),
                    **kwargs)
            else:
                _nd.preloaded_multi_mp_sgd_update(
                    *(_flatten_list(zip(w, g, list(zip(*s))[1])) + tail), out=w,
                    num_weights=len(w), **kwargs)
            start += self.aggregate_num

    def update(self, index: Any, weight: Any, grad: Any, state: Any) -> None:
        self._update_impl(index, weight, grad, state, multi_precision=False)

    def update_multi_precision(self, index: Any, weight: Any, grad: Any, state: Any) -> None:
        self._update_impl(index, weight, grad, state,
                          multi_precision=_use_mp(self, index, weight))


@register
class LBSGD(Optimizer):
    """Large-batch SGD: accumulates ``batch_scale`` gradients and updates with a warmed-up
    rate multiplier (``linear``/``power2``/``sqrt``/``lars``)."""

    def __init__(self, momentum: float = 0.0, multi_precision: bool = False,
                 warmup_strategy: str = "linear", warmup_epochs: int = 5,
                 batch_scale: int = 1, updates_per_epoch: int = 32, begin_epoch: int = 0,
                 num_epochs: int = 60, **kwargs: Any):
        super().__init__(**kwargs)
        for k, v in (("momentum", momentum), ("warmup_epochs", warmup_epochs),
                     ("batch_scale", batch_scale), ("updates_per_epoch", updates_per_epoch),
                     ("begin_epoch", begin_epoch), ("num_epochs", num_epochs)):
            _number("LBSGD", k, v)
        logging.info("Running Large-Batch SGD Algorithm")
        logging.info("(Batch_scale=%f, warmup_epochs=%d, warmup_strategy=%s, "
                     "updates_per_epoch=%d)", batch_scale, warmup_epochs, warmup_strategy,
                     updates_per_epoch)
        self.momentum = momentum
        self.multi_precision = multi_precision
        self.warmup_strategy = warmup_strategy
        self.warmup_epochs = warmup_epochs
        self.batch_scale = batch_scale
        self.updates_per_epoch = updates_per_epoch
        self.init_updates = begin_epoch * updates_per_epoch
        self.num_epochs = num_epochs
        self.lbmult = 1
        self.cumgrads: Dict[Any, dict] = {}
        self.adaptive = False
        self.admult = 1

    def create_state(self, index: Any, weight: NDArray) -> Any:
        if self.multi_precision and weight.dtype == numpy.float16:
            master = array(weight, ctx=weight.context, dtype=numpy.float32)
            mom = None
            if self.momentum != 0.0:
                mom = zeros(weight.shape, weight.context, dtype=numpy.float32,
                            stype=weight.stype)
            return (mom, master)
        if weight.dtype == numpy.float16 and not self.multi_precision:
            warnings.warn("Accumulating with float16 in optimizer can lead to "
                          "poor accuracy or slow convergence. "
                          "Consider using multi_precision=True option of the "
                          "SGD optimizer", stacklevel=2)
        if self.momentum != 0.0:
            return zeros(weight.shape, weight.context, dtype=weight.dtype, stype=weight.stype)
        return None

    def _get_lbmult(self, nup: int) -> float:
        nwup = self.warmup_epochs * self.updates_per_epoch
        maxmult = float(self.batch_scale)
        if nup >= nwup:
            return maxmult
        if nwup <= 1:
            return 1.0
        strategy = self.warmup_strategy
        if strategy == "linear":
            return 1.0 + (maxmult - 1) * nup / nwup
        if strategy == "power2":
            return 1.0 + (maxmult - 1) * (nup * nup) / (nwup * nwup)
        if strategy == "sqrt":
            return 1.0 + (maxmult - 1) * math.sqrt(float(nup) / nwup)
        return 1.0

    def _get_lars(self, weight: NDArray, g: NDArray, wd: float) -> float:
        w2 = self._l2norm(weight)
        g2 = self._l2norm(g)
        lars = math.sqrt(w2 / (g2 + wd * w2 + 1e-18))
        return min(max(lars, 0.01), 100)

    def _l2norm(self, v: NDArray) -> float:
        return multiply(v, v).asnumpy().sum()

    def _reset_cum_gradient(self, index: Any) -> None:
        self.cumgrads[index]["cum_grad"] = 0

    def _get_cum_gradient(self, index: Any) -> dict:
        return self.cumgrads.get(index, {})

    def _put_cum_gradient(self, index: Any, cgrad: dict) -> None:
        self.cumgrads[index] = cgrad

    def _cumulate_gradient(self, grad: NDArray, index: Any) -> dict:
        cgrad = self._get_cum_gradient(index)
        if cgrad and cgrad["num_cums"] > 0:
            cum_grad = cgrad["cum_grad"] + grad
            num_cums = cgrad["num_cums"] + 1
        else:
            cum_grad = grad
            num_cums = self.init_updates + 1
        cgrad = {"cum_grad": cum_grad, "num_cums": num_cums}
        self._put_cum_gradient(index, cgrad)
        return cgrad

    def update(self, index: Any, weight: NDArray, grad: NDArray, state: Any) -> None:
        _check_weight("LBSGD", weight, grad)
        lr = self._get_lr(index)
        wd = self._get_wd(index)
        self._update_count(index)
        cgrad = self._cumulate_gradient(grad, index)
        if (cgrad["num_cums"] % self.batch_scale) == 0:
            grad = cgrad["cum_grad"] / self.batch_scale
            if self.warmup_strategy == "lars":
                lbmult = self._get_lars(weight, grad, wd)
            else:
                lbmult = self._get_lbmult(cgrad["num_cums"])
            lr = lr * lbmult
            kwargs: Dict[str, Any] = {"rescale_grad": self.rescale_grad}
            if self.momentum > 0:
                kwargs["momentum"] = self.momentum
            if self.clip_gradient:
                kwargs["clip_gradient"] = self.clip_gradient
            mp = isinstance(state, (list, tuple))
            _sgd_one(weight, grad, state, lr, wd, mp, True, kwargs)
            self._reset_cum_gradient(index)
        else:
            _nd.sgd_update(weight, grad, out=weight, lr=0.0, wd=wd)


@register
class LAMB(Optimizer):
    """LAMB: Adam moments with a layer-wise trust ratio ``|w| / |update|``; aggregated
    through ``multi_lamb_update`` like MXNet (up to 45 weights per call)."""

    def __init__(self, learning_rate: float = 0.001, beta1: float = 0.9, beta2: float = 0.999,
                 epsilon: float = 1e-6, lower_bound: Optional[float] = None,
                 upper_bound: Optional[float] = None, bias_correction: bool = True,
                 **kwargs: Any):
        super().__init__(learning_rate=learning_rate, **kwargs)
        for k, v in (("beta1", beta1), ("beta2", beta2), ("epsilon", epsilon)):
            _number("LAMB", k, v)
        _number("LAMB", "lower_bound", lower_bound, optional=True)
        _number("LAMB", "upper_bound", upper_bound, optional=True)
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.lower_bound = lower_bound
        self.upper_bound = upper_bound
        self.bias_correction = bias_correction
        self.aggregate_num = max(1, min(45, _aggregation_size("45")))

    def create_state(self, index: Any, weight: NDArray) -> Any:
        return (zeros(weight.shape, weight.context, dtype=weight.dtype, stype=weight.stype),
                zeros(weight.shape, weight.context, dtype=weight.dtype, stype=weight.stype))

    def _bounds(self, kwargs: dict) -> dict:
        if self.lower_bound:
            kwargs["lower_bound"] = self.lower_bound
        if self.upper_bound:
            kwargs["upper_bound"] = self.upper_bound
        return kwargs

    def _update_impl(self, index: Any, weight: Any, grad: Any, state: Any,
                     multi_precision: bool = False) -> None:
        kwargs: Dict[str, Any] = {"beta1": self.beta1, "beta2": self.beta2,
                                  "epsilon": self.epsilon,
                                  "bias_correction": self.bias_correction,
                                  "rescale_grad": self.rescale_grad}
        if self.aggregate_num <= 1 or not isinstance(index, (tuple, list)):
            if isinstance(index, (tuple, list)):
                if len(index) != self.aggregate_num:
                    raise MXNetAssertionError("LAMB.update: got a list of "
                                              f"{len(index)} indices, expected "
                                              f"{self.aggregate_num}")
                index, weight, grad, state = index[0], weight[0], grad[0], state[0]
            _check_weight("LAMB", weight, grad)
            self._update_count(index)
            lr = self._get_lr(index)
            wd = self._get_wd(index)
            kwargs["t"] = self._index_update_count[index]
            if self.clip_gradient:
                kwargs["clip_gradient"] = self.clip_gradient
            if multi_precision:
                mean, var = state[1]
                weight32 = state[0]
                g = _nd.mp_lamb_update_phase1(weight, grad, mean, var, weight32, wd=wd,
                                              **kwargs)
                r_1, r_2 = weight32.norm(), g.norm()
                _nd.mp_lamb_update_phase2(weight, g, r_1, r_2, weight32, lr=lr, out=weight,
                                          **self._bounds({}))
            else:
                mean, var = state
                g = _nd.lamb_update_phase1(weight, grad, mean, var, wd=wd, **kwargs)
                r_1, r_2 = weight.norm(), g.norm()
                _nd.lamb_update_phase2(weight, g, r_1, r_2, lr=lr, out=weight,
                                       **self._bounds({}))
            return
        if self.clip_gradient:
            kwargs["clip_gradient"] = self.clip_gradient
        self._bounds(kwargs)
        step_count, lrs, wds = [], [], []
        for i, w_i, g_i in zip(index, weight, grad):
            _check_weight("LAMB", w_i, g_i)
            self._update_count(i)
            step_count.append(self._index_update_count[i])
            lrs.append(self._get_lr(i))
            wds.append(self._get_wd(i))
        done = 0
        while done < len(weight):
            s, e = done, min(done + self.aggregate_num, len(weight))
            if not multi_precision:
                mean, var = list(zip(*state[s:e]))
                _nd.contrib.multi_lamb_update(weight[s:e], grad[s:e], mean, var,
                                              out=weight[s:e], step_count=step_count[s:e],
                                              lrs=lrs[s:e], wds=wds[s:e], **kwargs)
            else:
                mean_var = list(zip(*state[s:e]))[1]
                mean, var = list(zip(*mean_var))
                _nd.contrib.multi_mp_lamb_update(weight[s:e], grad[s:e], mean, var,
                                                 list(zip(*state[s:e]))[0], out=weight[s:e],
                                                 step_count=step_count[s:e], lrs=lrs[s:e],
                                                 wds=wds[s:e], **kwargs)
            done += self.aggregate_num

    def update(self, index: Any, weight: Any, grad: Any, state: Any) -> None:
        self._update_impl(index, weight, grad, state, multi_precision=False)

    def update_multi_precision(self, index: Any, weight: Any, grad: Any, state: Any) -> None:
        self._update_impl(index, weight, grad, state,
                          multi_precision=_use_mp(self, index, weight))


@register
class DCASGD(Optimizer):
    """Delay-compensated asynchronous SGD; states ``(momentum or None, previous weight)``."""

    def __init__(self, momentum: float = 0.0, lamda: float = 0.04, **kwargs: Any):
        super().__init__(**kwargs)
        _number("DCASGD", "momentum", momentum)
        _number("DCASGD", "lamda", lamda)
        self.momentum = momentum
        self.weight_previous: dict = {}
        self.lamda = lamda

    def create_state(self, index: Any, weight: NDArray) -> Any:
        if self.momentum == 0.0:
            return (None, weight.copy())
        return (zeros(weight.shape, weight.context, dtype=weight.dtype), weight.copy())

    def update(self, index: Any, weight: NDArray, grad: NDArray, state: Any) -> None:
        _check_weight("DCASGD", weight, grad)
        self._update_count(index)
        lr = self._get_lr(index)
        wd = self._get_wd(index)
        grad = grad * self.rescale_grad
        if self.clip_gradient is not None:
            grad = clip(grad, -self.clip_gradient, self.clip_gradient)
        mom, previous_weight = state
        step = grad + wd * weight + self.lamda * grad * grad * (weight - previous_weight)
        # as MXNet 1.9.1: the momentum branch is chosen by the truth value of the momentum
        # array (an error for arrays of more than one element, and a zero array is false)
        if mom:
            mom[:] *= self.momentum
            mom[:] += -lr * step
        else:
            if self.momentum != 0.0:
                raise MXNetAssertionError("DCASGD.update: the momentum state is zero while "
                                          f"momentum={self.momentum} (MXNet 1.9.1 fails here "
                                          "too)")
            mom = -lr * step
        previous_weight[:] = weight
        weight[:] += mom


@register
class NAG(Optimizer):
    """Nesterov accelerated SGD. torch: ``torch.optim.SGD(nesterov=True)``."""

    def __init__(self, momentum: float = 0.0, **kwargs: Any):
        super().__init__(**kwargs)
        _number("NAG", "momentum", momentum)
        self.momentum = momentum

    def create_state_multi_precision(self, index: Any, weight: NDArray) -> Any:
        return _mp_state(self, index, weight, "NAG")

    def create_state(self, index: Any, weight: NDArray) -> Any:
        if self.momentum != 0.0:
            return zeros(weight.shape, weight.context, dtype=weight.dtype)
        return None

    def _update_impl(self, index: Any, weight: NDArray, grad: NDArray, state: Any,
                     multi_precision: bool = False) -> None:
        _check_weight("NAG", weight, grad)
        self._update_count(index)
        lr = self._get_lr(index)
        wd = self._get_wd(index)
        kwargs: Dict[str, Any] = {"rescale_grad": self.rescale_grad}
        if self.momentum > 0:
            kwargs["momentum"] = self.momentum
        if self.clip_gradient:
            kwargs["clip_gradient"] = self.clip_gradient
        if not multi_precision:
            if state is not None:
                _nd.nag_mom_update(weight, grad, state, out=weight, lr=lr, wd=wd, **kwargs)
            else:
                _nd.sgd_update(weight, grad, out=weight, lr=lr, wd=wd, **kwargs)
        elif state[0] is not None:
            _nd.mp_nag_mom_update(weight, grad, state[0], state[1], out=weight, lr=lr, wd=wd,
                                  **kwargs)
        else:
            _nd.mp_sgd_update(weight, grad, state[1], out=weight, lr=lr, wd=wd, **kwargs)

    def update(self, index: Any, weight: NDArray, grad: NDArray, state: Any) -> None:
        self._update_impl(index, weight, grad, state, multi_precision=False)

    def update_multi_precision(self, index: Any, weight: NDArray, grad: NDArray,
                               state: Any) -> None:
        mp = bool(self.multi_precision and weight.dtype == numpy.float16
                  and isinstance(state, (tuple, list)))
        self._update_impl(index, weight, grad, state, multi_precision=mp)


@register
class SGLD(Optimizer):
    """Stochastic gradient Langevin dynamics: a half SGD step plus N(0, lr) noise (drawn from
    mxcompat's generator, so the noise differs from MXNet's)."""

    def create_state(self, index: Any, weight: NDArray) -> Any:
        return None

    def update(self, index: Any, weight: NDArray, grad: NDArray, state: Any) -> None:
        _check_weight("SGLD", weight, grad)
        self._update_count(index)
        lr = self._get_lr(index)
        wd = self._get_wd(index)
        grad = grad * self.rescale_grad
        if self.clip_gradient is not None:
            grad = clip(grad, -self.clip_gradient, self.clip_gradient)
        weight[:] += - lr / 2 * (grad + wd * weight)
        weight[:] += _nd.random.normal(0, math.sqrt(lr), shape=weight.shape,
                                       dtype=weight.dtype, ctx=weight.context)


@register
class ccSGD(SGD):  # noqa: N801 (MXNet's name)
    """Deprecated alias of SGD."""


@register
class Adam(Optimizer):
    """Adam with L2 weight decay; the bias correction is folded into the rate:
    ``lr * sqrt(1 - beta2**t) / (1 - beta1**t)``. torch: ``torch.optim.Adam``."""

    def __init__(self, learning_rate: float = 0.001, beta1: float = 0.9, beta2: float = 0.999,
                 epsilon: float = 1e-8, lazy_update: bool = True, **kwargs: Any):
        super().__init__(learning_rate=learning_rate, **kwargs)
        for k, v in (("beta1", beta1), ("beta2", beta2), ("epsilon", epsilon)):
            _number("Adam", k, v)
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.lazy_update = lazy_update

    def create_state(self, index: Any, weight: NDArray) -> Any:
        stype = weight.stype if self.lazy_update else "default"
        return (zeros(weight.shape, weight.context, dtype=weight.dtype, stype=stype),
                zeros(weight.shape, weight.context, dtype=weight.dtype, stype=stype))

    def update(self, index: Any, weight: NDArray, grad: NDArray, state: Any) -> None:
        _check_weight("Adam", weight, grad)
        self._update_count(index)
        lr = self._get_lr(index)
        wd = self._get_wd(index)
        t = self._index_update_count[index]
        lr *= math.sqrt(1. - self.beta2 ** t) / (1. - self.beta1 ** t)
        kwargs: Dict[str, Any] = {"beta1": self.beta1, "beta2": self.beta2,
                                  "epsilon": self.epsilon, "rescale_grad": self.rescale_grad}
        if self.clip_gradient:
            kwargs["clip_gradient"] = self.clip_gradient
        mean, var = state
        _nd.adam_update(weight, grad, mean, var, out=weight, lazy_update=self.lazy_update,
                        lr=lr, wd=wd, **kwargs)


@register
class AdaGrad(Optimizer):
    """AdaGrad: ``history += g**2; weight -= lr * (g / sqrt(history + eps) + wd * weight)``.
    torch: ``torch.optim.Adagrad`` (eps outside the square root there)."""

    def __init__(self, eps: float = 1e-7, **kwargs: Any):
        super().__init__(**kwargs)
        _number("AdaGrad", "eps", eps)
        self.float_stable_eps = eps

    def create_state(self, index: Any, weight: NDArray) -> Any:
        return zeros(weight.shape, weight.context, stype=weight.stype)

    def update(self, index: Any, weight: NDArray, grad: NDArray, state: Any) -> None:
        _check_weight("AdaGrad", weight, grad)
        self._update_count(index)
        lr = self._get_lr(index)
        wd = self._get_wd(index)
        history = state
        if grad.stype == "row_sparse":
            kwargs: Dict[str, Any] = {"epsilon": self.float_stable_eps,
                                      "rescale_grad": self.rescale_grad}
            if self.clip_gradient:
                kwargs["clip_gradient"] = self.clip_gradient
            _nd.sparse.adagrad_update(weight, grad, history, out=weight, lr=lr, wd=wd,
                                      **kwargs)
            return
        grad = grad * self.rescale_grad
        if self.clip_gradient is not None:
            grad = clip(grad, -self.clip_gradient, self.clip_gradient)
        history[:] += square(grad)
        div = grad / sqrt(history + self.float_stable_eps)
        weight[:] += (div + weight * wd) * -lr


@register
class RMSProp(Optimizer):
    """RMSProp (Tieleman & Hinton), or with ``centered=True`` Graves' variant
    (``rmspropalex_update``); ``clip_weights`` clips the weights after the step.
    torch: ``torch.optim.RMSprop`` (``centered=True`` differs: MXNet adds a momentum
    ``gamma2`` on the step)."""

    def __init__(self, learning_rate: float = 0.001, gamma1: float = 0.9, gamma2: float = 0.9,
                 epsilon: float = 1e-8, centered: bool = False,
                 clip_weights: Optional[float] = None, **kwargs: Any):
        super().__init__(learning_rate=learning_rate, **kwargs)
        for k, v in (("gamma1", gamma1), ("gamma2", gamma2), ("epsilon", epsilon)):
            _number("RMSProp", k, v)
        _number("RMSProp", "clip_weights", clip_weights, optional=True)
        self.gamma1 = gamma1
        self.gamma2 = gamma2
        self.centered = centered
        self.epsilon = epsilon
        self.clip_weights = clip_weights

    def create_state(self, index: Any, weight: NDArray) -> Any:
        n = 3 if self.centered else 1
        return tuple(zeros(weight.shape, weight.context, stype=weight.stype) for _ in range(n))

    def update(self, index: Any, weight: NDArray, grad: NDArray, state: Any) -> None:
        _check_weight("RMSProp", weight, grad)
        self._update_count(index)
        lr = self._get_lr(index)
        wd = self._get_wd(index)
        kwargs: Dict[str, Any] = {"gamma1": self.gamma1, "epsilon": self.epsilon,
                                  "rescale_grad": self.rescale_grad}
        if self.centered:
            kwargs["gamma2"] = self.gamma2
        if self.clip_gradient:
            kwargs["clip_gradient"] = self.clip_gradient
        if self.clip_weights:
            kwargs["clip_weights"] = self.clip_weights
        if not self.centered:
            (n,) = state
            _nd.rmsprop_update(weight, grad, n, out=weight, lr=lr, wd=wd, **kwargs)
        else:
            n, g, delta = state
            _nd.rmspropalex_update(weight, grad, n, g, delta, out=weight, lr=lr, wd=wd,
                                   **kwargs)


@register
class AdaDelta(Optimizer):
    """AdaDelta (no learning rate). As in MXNet, the gradient array is rescaled in place.
    torch: ``torch.optim.Adadelta`` with ``lr=1``."""

    def __init__(self, rho: float = 0.90, epsilon: float = 1e-5, **kwargs: Any):
        super().__init__(**kwargs)
        _number("AdaDelta", "rho", rho)
        _number("AdaDelta", "epsilon", epsilon)
        self.rho = rho
        self.epsilon = epsilon

    def create_state(self, index: Any, weight: NDArray) -> Any:
        return (zeros(weight.shape, weight.context), zeros(weight.shape, weight.context))

    def update(self, index: Any, weight: NDArray, grad: NDArray, state: Any) -> None:
        _check_weight("AdaDelta", weight, grad)
        wd = self._get_wd(index)
        self._update_count(index)
        grad *= self.rescale_grad
        if self.clip_gradient is not None:
            grad = clip(grad, -self.clip_gradient, self.clip_gradient)
        acc_g, acc_delta = state
        acc_g[:] *= self.rho
        acc_g[:] += (1. - self.rho) * grad * grad
        delta = sqrt(acc_delta + self.epsilon) / sqrt(acc_g + self.epsilon) * grad
        acc_delta[:] *= self.rho
        acc_delta[:] += (1. - self.rho) * delta * delta
        weight[:] -= delta + wd * weight


@register
class Ftrl(Optimizer):
    """FTRL-proximal (``ftrl_update``); states ``(z, n)``. No torch.optim counterpart."""

    def __init__(self, lamda1: float = 0.01, learning_rate: float = 0.1, beta: float = 1,
                 **kwargs: Any):
        super().__init__(**kwargs)
        _number("Ftrl", "lamda1", lamda1)
        _number("Ftrl", "beta", beta)
        _number("Ftrl", "learning_rate", learning_rate)
        self.lamda1 = lamda1
        self.beta = beta
        self.lr = learning_rate

    def create_state(self, index: Any, weight: NDArray) -> Any:
        return (zeros(weight.shape, weight.context, stype=weight.stype),
                zeros(weight.shape, weight.context, stype=weight.stype))

    def update(self, index: Any, weight: NDArray, grad: NDArray, state: Any) -> None:
        _check_weight("Ftrl", weight, grad)
        self._update_count(index)
        wd = self._get_wd(index)
        lr = self._get_lr(index)
        kwargs: Dict[str, Any] = {"lamda1": self.lamda1, "beta": self.beta,
                                  "rescale_grad": self.rescale_grad}
        if self.clip_gradient:
            kwargs["clip_gradient"] = self.clip_gradient
        z, n = state
        _nd.ftrl_update(weight, grad, z, n, out=weight, lr=lr, wd=wd, **kwargs)


@register
class Adamax(Optimizer):
    """AdaMax (Adam with the infinity norm). torch: ``torch.optim.Adamax``."""

    def __init__(self, learning_rate: float = 0.002, beta1: float = 0.9, beta2: float = 0.999,
                 **kwargs: Any):
        super().__init__(learning_rate=learning_rate, **kwargs)
        _number("Adamax", "beta1", beta1)
        _number("Adamax", "beta2", beta2)
        self.beta1 = beta1
        self.beta2 = beta2

    def create_state(self, index: Any, weight: NDArray) -> Any:
        return (zeros(weight.shape, weight.context, dtype=weight.dtype),
                zeros(weight.shape, weight.context, dtype=weight.dtype))

    def update(self, index: Any, weight: NDArray, grad: NDArray, state: Any) -> None:
        _check_weight("Adamax", weight, grad)
        self._update_count(index)
        lr = self._get_lr(index)
        wd = self._get_wd(index)
        t = self._index_update_count[index]
        lr /= (1. - self.beta1 ** t)
        grad = grad * self.rescale_grad + wd * weight
        if self.clip_gradient is not None:
            grad = clip(grad, -self.clip_gradient, self.clip_gradient)
        m_t, u_t = state
        m_t[:] *= self.beta1
        m_t[:] += (1. - self.beta1) * grad
        u_t[:] = maximum(self.beta2 * u_t, NDabs(grad))
        weight[:] -= lr * m_t / u_t


@register
class Nadam(Optimizer):
    """Nesterov Adam with the momentum schedule of Dozat. torch: ``torch.optim.NAdam``."""

    def __init__(self, learning_rate: float = 0.001, beta1: float = 0.9, beta2: float = 0.999,
                 epsilon: float = 1e-8, schedule_decay: float = 0.004, **kwargs: Any):
        super().__init__(learning_rate=learning_rate, **kwargs)
        for k, v in (("beta1", beta1), ("beta2", beta2), ("epsilon", epsilon),
                     ("schedule_decay", schedule_decay)):
            _number("Nadam", k, v)
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.schedule_decay = schedule_decay
        self.m_schedule = 1.

    def create_state(self, index: Any, weight: NDArray) -> Any:
        return (zeros(weight.shape, weight.context, dtype=weight.dtype),
                zeros(weight.shape, weight.context, dtype=weight.dtype))

    def update(self, index: Any, weight: NDArray, grad: NDArray, state: Any) -> None:
        _check_weight("Nadam", weight, grad)
        self._update_count(index)
        lr = self._get_lr(index)
        wd = self._get_wd(index)
        t = self._index_update_count[index]
        grad = grad * self.rescale_grad + wd * weight
        if self.clip_gradient is not None:
            grad = clip(grad, -self.clip_gradient, self.clip_gradient)
        mom_t = self.beta1 * (1. - 0.5 * (pow(0.96, t * self.schedule_decay)))
        mom_t1 = self.beta1 * (1. - 0.5 * (pow(0.96, (t + 1) * self.schedule_decay)))
        self.m_schedule = self.m_schedule * mom_t
        m_schedule_next = self.m_schedule * mom_t1
        m_t, v_t = state
        m_t[:] *= self.beta1
        m_t[:] += (1. - self.beta1) * grad
        v_t[:] *= self.beta2
        v_t[:] += (1. - self.beta2) * grad * grad
        grad_prime = grad / (1. - self.m_schedule)
        m_t_prime = m_t / (1. - m_schedule_next)
        v_t_prime = v_t / (1. - pow(self.beta2, t))
        m_t_bar = (1. - mom_t) * grad_prime + mom_t1 * m_t_prime
        weight[:] -= lr * m_t_bar / (sqrt(v_t_prime) + self.epsilon)


@register
class Test(Optimizer):
    """The test optimizer of MXNet: ``weight += rescale_grad * grad; state = weight``."""

    def create_state(self, index: Any, weight: NDArray) -> Any:
        return zeros(weight.shape, weight.context)

    def update(self, index: Any, weight: NDArray, grad: NDArray, state: Any) -> None:
        weight[:] += grad * self.rescale_grad
        state[:] = weight


create = Optimizer.create_optimizer


# ---- states files: MXNet's pickle format ---------------------------------------------------
# An Updater's states are pickled exactly as MXNet pickles them: a dict index -> state (NDArrays,
# None, tuples), or (states, optimizer) with dump_optimizer. Classes are written under MXNet's
# module paths (mxnet.ndarray.ndarray.NDArray, mxnet.optimizer.optimizer.SGD,
# mxnet.lr_scheduler.FactorScheduler), so MXNet 1.9.1 loads mxcompat's files; loading maps them
# back and only allows the classes a states file can hold (no arbitrary code from a file).
class _MXPickler(pickle._Pickler):  # type: ignore[misc,name-defined]
    def save_global(self, obj: Any, name: Optional[str] = None) -> None:
        module = getattr(obj, "__module__", "") or ""
        if module == "mxcompat" or module.startswith("mxcompat."):
            qual = name or obj.__qualname__
            mx_module = "mxnet" + module[len("mxcompat"):]
            self.save(mx_module)
            self.save(qual)
            self.write(pickle.STACK_GLOBAL)
            self.memoize(obj)
            return
        super().save_global(obj, name)


def _dumps(obj: Any) -> bytes:
    buf = io.BytesIO()
    _MXPickler(buf, protocol=4).dump(obj)
    return buf.getvalue()


_SAFE_BUILTINS = {("builtins", n) for n in ("bytearray", "set", "frozenset", "complex",
                                             "slice", "range", "object", "float", "int",
                                             "list", "dict", "tuple", "bytes", "str", "bool")}
_SAFE_OTHER = {("copyreg", "_reconstructor"), ("collections", "OrderedDict"),
               ("numpy", "dtype"), ("numpy.core.multiarray", "scalar"),
               ("numpy._core.multiarray", "scalar"), ("numpy", "float32"), ("numpy", "float64"),
               ("numpy", "float16"), ("numpy", "int32"), ("numpy", "int64")}


class _MXUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in _SAFE_BUILTINS or (module, name) in _SAFE_OTHER:
            return super().find_class(module, name)
        if module == "mxnet" or module.startswith("mxnet.") or module.startswith("mxcompat"):
            target = "mxcompat" + module[module.index(".") if "." in module else len(module):]
            if target == "mxcompat.ndarray.ndarray" or target == "mxcompat.ndarray.sparse" or \
                    target == "mxcompat.context" or target.startswith("mxcompat.optimizer") or \
                    target == "mxcompat.lr_scheduler":
                import importlib
                try:
                    mod = importlib.import_module(target)
                    cls = getattr(mod, name)
                except (ImportError, AttributeError):
                    raise MXNetValueError(f"states file: class {module}.{name} is not "
                                          "available in mxcompat") from None
                return cls
        # a user's own optimizer class registered with mx.optimizer.register
        reg = Optimizer.opt_registry.get(name.lower())
        if reg is not None and reg.__module__ == module and reg.__name__ == name:
            return reg
        from ..lr_scheduler import LRScheduler
        obj = _lookup(module, name)
        if isinstance(obj, type) and issubclass(obj, LRScheduler):
            return obj
        raise MXNetValueError(f"states file: refusing to load {module}.{name}; an optimizer "
                              "states file holds only NDArrays, optimizers and learning-rate "
                              "schedulers")


def _lookup(module: str, name: str) -> Any:
    import sys
    mod = sys.modules.get(module)
    return getattr(mod, name, None) if mod is not None else None


def _loads(data: Any, what: str = "states") -> Any:
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise MXNetTypeError(f"set_states: expected the bytes of a states file, got "
                             f"{type(data).__name__}")
    try:
        return _MXUnpickler(io.BytesIO(bytes(data))).load()
    except MXNetError:
        raise
    except Exception as e:  # noqa: BLE001 (a corrupt file: any unpickling error)
        raise MXNetValueError(f"{what}: not an optimizer states file, or a corrupt one "
                              f"({type(e).__name__}: {e})") from None


def _check_states(states: Any, what: str) -> None:
    if not isinstance(states, dict):
        raise MXNetValueError(f"{what}: the states file holds a {type(states).__name__}, not a "
                              "dict of optimizer states")

    def ok(s: Any) -> bool:
        if s is None or isinstance(s, NDArray):
            return True
        return isinstance(s, (tuple, list)) and all(ok(x) for x in s)
    for k, v in states.items():
        if not ok(v):
            raise MXNetValueError(f"{what}: the state of parameter {k!r} is a "
                                  f"{type(v).__name__}, not NDArrays")


class Updater:
    """Applies an optimizer to (index, grad, weight) triples, keeping one state per index
    (``get_updater(opt)``; KVStore and Trainer call it). ``get_states``/``set_states`` use
    MXNet's pickle format."""

    def __init__(self, optimizer: Optimizer):
        self.optimizer = optimizer
        self.states: Dict[Any, Any] = {}
        self.states_synced: Dict[Any, bool] = {}
        self.aggregate_updates = optimizer.aggregate_num > 0

    def __call__(self, index: Any, grad: Any, weight: Any) -> None:
        if not isinstance(index, (list, tuple)):
            indices, grads, weights = [index], [grad], [weight]
        else:
            indices, grads, weights = list(index), list(grad), list(weight)
        if weights:
            self.optimizer._set_current_context(weights[0].context.device_id)
        if not all(map(self.states_synced.get, indices)):
            self._prepare_states(indices, weights)
        if len(indices) > 1 and _fast.run(self, indices, weights, grads):
            return
        self._apply(indices, weights, grads)

    def _prepare_states(self, indices: list, weights: list) -> None:
        for i, idx in enumerate(indices):
            if isinstance(idx, bytes):
                indices[i] = idx = py_str(idx)
            if idx not in self.states:
                self.states[idx] = self.optimizer.create_state_multi_precision(idx, weights[i])
                self.states_synced[idx] = True
            elif not self.states_synced.get(idx, False):
                self.states[idx] = self.sync_state_context(self.states[idx],
                                                           weights[i].context)
                self.states_synced[idx] = True

    def _apply(self, indices: list, weights: list, grads: list) -> None:
        if not self.aggregate_updates:
            for i, w, g in zip(indices, weights, grads):
                self.optimizer.update_multi_precision(i, w, g, self.states[i])
            return
        by_dtype: Dict[Any, list] = {}
        for i, w, g in zip(indices, weights, grads):
            by_dtype.setdefault(w.dtype, []).append((i, w, g))
        n = self.optimizer.aggregate_num
        for group in by_dtype.values():
            idxs, ws, gs = zip(*group)
            cur = 0
            while cur < len(idxs):
                states = [self.states[idxs[cur + j]] for j in range(min(n, len(idxs) - cur))]
                self.optimizer.update_multi_precision(idxs[cur:cur + n], ws[cur:cur + n],
                                                      gs[cur:cur + n], states)
                cur += n

    def sync_state_context(self, state: Any, context: Any) -> Any:
        """The state moved to ``context`` (states loaded from a file start on cpu)."""
        if isinstance(state, NDArray):
            return state.as_in_context(context)
        if isinstance(state, (tuple, list)):
            synced = [self.sync_state_context(s, context) for s in state]
            return tuple(synced) if isinstance(state, tuple) else synced
        return state

    def set_states(self, states: Any) -> None:
        """Load states (and the optimizer, when dumped with it) from ``get_states`` bytes or
        an MXNet states file's content. A file from another optimizer class is an error."""
        loaded = _loads(states, "Updater.set_states")
        if isinstance(loaded, tuple) and len(loaded) == 2:
            st, opt = loaded
            if not isinstance(opt, Optimizer):
                raise MXNetValueError("Updater.set_states: the states file holds a "
                                      f"{type(opt).__name__} where the optimizer should be")
            if type(opt) is not type(self.optimizer):
                raise MXNetValueError(
                    f"Updater.set_states: the states file was saved by optimizer "
                    f"{type(opt).__name__}, but this updater runs {type(self.optimizer).__name__}"
                    "; create the Trainer/optimizer with the same optimizer to load it")
            _check_states(st, "Updater.set_states")
            self.states, self.optimizer = st, opt
        else:
            _check_states(loaded, "Updater.set_states")
            self.states = loaded
        self.states_synced = dict.fromkeys(self.states.keys(), False)

    def get_states(self, dump_optimizer: bool = False) -> bytes:
        """The states (and the optimizer with ``dump_optimizer``) as MXNet-format pickle
        bytes."""
        return _dumps((self.states, self.optimizer) if dump_optimizer else self.states)


def get_updater(optimizer: Optimizer) -> Updater:
    """An :class:`Updater` running ``optimizer``."""
    return Updater(optimizer)
