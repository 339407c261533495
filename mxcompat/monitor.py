"""``mx.monitor.Monitor``: statistics of every op output (and, at ``toc``, of every
argument and auxiliary state) of the installed executors, every ``interval`` batches."""
from __future__ import annotations

import logging
import re
from math import sqrt
from typing import Any, Callable, List, Optional, Tuple

from . import ndarray
from .ndarray import NDArray

__all__ = ["Monitor"]


def _default_stat(x: NDArray) -> NDArray:
    """``norm(x) / sqrt(x.size)``, MXNet's default statistic."""
    return ndarray.norm(x) / sqrt(x.size)


class Monitor:
    """Collects ``stat_func`` of the arrays whose names match ``pattern``.

    ``install(exe)`` hooks an executor; ``tic()`` before a batch turns collection on every
    ``interval`` batches; ``toc()`` returns ``[(step, name, text)]``; ``toc_print()`` logs
    them as MXNet does (``Batch: <step> <name> <value>``).
    """

    def __init__(self, interval: int, stat_func: Optional[Callable] = None,
                 pattern: str = ".*", sort: bool = False, monitor_all: bool = False):
        self.stat_func = stat_func if stat_func is not None else _default_stat
        self.interval = interval
        self.activated = False
        self.queue: List[Tuple[int, str, Any]] = []
        self.step = 0
        self.exes: List[Any] = []
        self.re_prog = re.compile(pattern)
        self.sort = sort
        self.monitor_all = monitor_all

        def stat_helper(name: Any, array: Any) -> None:
            if isinstance(name, bytes):
                name = name.decode()
            if not self.activated or not self.re_prog.match(name):
                return
            self.queue.append((self.step, name, self.stat_func(array)))
        self.stat_helper = stat_helper

    def install(self, exe: Any) -> None:
        exe.set_monitor_callback(self.stat_helper, self.monitor_all)
        self.exes.append(exe)

    def tic(self) -> None:
        if self.step % self.interval == 0:
            self.queue = []
            self.activated = True
        self.step += 1

    def toc(self) -> List[Tuple[int, str, str]]:
        if not self.activated:
            return []
        for exe in self.exes:
            for name, array in zip(exe._symbol.list_arguments(), exe.arg_arrays):
                if self.re_prog.match(name):
                    self.queue.append((self.step, name, self.stat_func(array)))
            for name, array in zip(exe._symbol.list_auxiliary_states(), exe.aux_arrays):
                if self.re_prog.match(name):
                    self.queue.append((self.step, name, self.stat_func(array)))
        self.activated = False
        if self.sort:
            self.queue.sort(key=lambda x: x[1])
        res = []
        for n, k, values in self.queue:
            if isinstance(values, NDArray):
                values = [values]
            if not isinstance(values, list):
                raise TypeError("Monitor: stat_func must return an NDArray or a list of "
                                f"NDArrays, got {type(values).__name__}")
            s = ""
            for v in values:
                if not isinstance(v, NDArray):
                    raise TypeError("Monitor: stat_func must return NDArrays, got "
                                    f"{type(v).__name__}")
                s += (str(v.asscalar()) if v.shape == (1,) else str(v.asnumpy())) + "\t"
            res.append((n, k, s))
        self.queue = []
        return res

    def toc_print(self) -> None:
        for n, k, v in self.toc():
            logging.info("Batch: {:7d} {:30s} {:s}".format(n, k, v))
