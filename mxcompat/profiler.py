"""``mx.profiler``: MXNet 1.9.1's profiler API, recording on torch.

``set_config(...)`` then ``set_state('run')`` starts recording; ``set_state('stop')`` stops;
``dump()`` writes a Chrome-trace JSON file (``chrome://tracing``, Perfetto) to the configured
``filename``; ``dumps()`` returns the aggregate statistics (with ``aggregate_stats=True``) as
MXNet's table or JSON. What is recorded:

- the Python-level objects: ``Domain``, ``Task``, ``Frame`` and ``Event`` durations,
  ``Counter`` values and ``Marker`` instants, in MXNet's event layout;
- with ``profile_imperative``/``profile_all`` (or ``profile_symbolic``, on by default), the
  operators torch ran, from a ``torch.profiler`` session (``aten::...`` names, category
  ``operator``), and, with ``profile_memory``, their memory use.

``pause()``/``resume()`` suspend recording without ending it. Operators are named by torch's
kernels, not MXNet's operator names (``aten::sqrt``, not ``sqrt``), see docs/sharp-edges.md.
"""
from __future__ import annotations

import json
import os
import threading
import time
import warnings
from typing import Any, Dict, List, Optional

from .base import MXNetError

__all__ = ["set_config", "profiler_set_config", "set_state", "profiler_set_state", "dump",
           "dump_profile", "dumps", "pause", "resume", "Domain", "Task", "Frame", "Event",
           "Counter", "Marker", "set_kvstore_handle"]

#: the configuration keys MXNet's profiler accepts, with their defaults
_CONFIG_DEFAULTS: Dict[str, Any] = {
    "filename": "profile.json", "profile_all": False, "profile_symbolic": True,
    "profile_imperative": False, "profile_memory": False, "profile_api": False,
    "continuous_dump": False, "dump_period": 1.0, "aggregate_stats": False,
    "profile_process": "worker",
}

_lock = threading.RLock()


class _State:
    config: Dict[str, Any] = dict(_CONFIG_DEFAULTS)
    running = False
    paused = False
    ever_ran = False
    events: List[Dict[str, Any]] = []
    dumped = 0                   # how many events the file already holds (continuous dump)
    torch_prof: Any = None
    torch_t0 = 0.0
    pid = os.getpid()
    t0_us = time.time() * 1e6 - time.perf_counter() * 1e6


def _now_us() -> float:
    return _State.t0_us + time.perf_counter() * 1e6


def _to_bool(value: Any) -> bool:
    if isinstance(value, str):
        if value.lower() in ("true", "1"):
            return True
        if value.lower() in ("false", "0"):
            return False
        raise MXNetError(f"profiler.set_config: invalid boolean value {value!r}")
    return bool(value)


def set_kvstore_handle(handle: Any) -> None:
    """Kept for MXNet compatibility (the distributed KVStore's profiler handle)."""


def set_config(**kwargs: Any) -> None:
    """Configure the profiler: ``filename``, ``profile_all``, ``profile_symbolic``,
    ``profile_imperative``, ``profile_memory``, ``profile_api``, ``continuous_dump``,
    ``dump_period``, ``aggregate_stats``, ``profile_process``."""
    unknown = sorted(k for k in kwargs if k not in _CONFIG_DEFAULTS)
    if unknown:
        raise MXNetError(f"profiler.set_config: unknown option(s) {unknown}; the options are "
                         f"{sorted(_CONFIG_DEFAULTS)}")
    cfg = dict(_CONFIG_DEFAULTS)
    for key, value in kwargs.items():
        if key == "filename":
            cfg[key] = os.fspath(value)
        elif key == "dump_period":
            cfg[key] = float(value)
        elif key == "profile_process":
            if value not in ("worker", "server"):
                raise MXNetError(f"profiler.set_config: profile_process must be 'worker' or "
                                 f"'server', got {value!r}")
            cfg[key] = value
        else:
            cfg[key] = _to_bool(value)
    with _lock:
        _State.config = cfg


def profiler_set_config(mode: str = "symbolic", filename: str = "profile.json") -> None:
    """Deprecated: ``set_config(profile_<mode>=True, filename=filename)``."""
    warnings.warn("profiler.profiler_set_config() is deprecated. Please use "
                  "profiler.set_config() instead", stacklevel=2)
    set_config(**{"profile_" + mode: True, "filename": filename})


def _ops_wanted() -> bool:
    c = _State.config
    return bool(c["profile_all"] or c["profile_imperative"] or c["profile_symbolic"])


def _start_torch() -> None:
    if _State.torch_prof is not None or not _ops_wanted():
        return
    import torch
    from torch.profiler import ProfilerActivity, profile
    activities = [ProfilerActivity.CPU]
    if torch.cuda.is_available():
        activities.append(ProfilerActivity.CUDA)
    memory = bool(_State.config["profile_memory"] or _State.config["profile_all"])
    prof = profile(activities=activities, profile_memory=memory, record_shapes=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        prof.__enter__()
    _State.torch_prof = prof
    _State.torch_t0 = _now_us()


def _stop_torch() -> None:
    prof = _State.torch_prof
    if prof is None:
        return
    _State.torch_prof = None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        prof.__exit__(None, None, None)
        try:
            events = prof.events()
        except Exception:  # nothing was recorded
            events = []
    device_memory: Dict[str, int] = {}
    for ev in events or []:
        if getattr(ev, "time_range", None) is None or ev.name.startswith("["):
            continue  # "[memory]" and other pseudo-events
        ts = _State.torch_t0 + ev.time_range.start  # torch's clock starts with its session
        dur = max(0.0, float(ev.time_range.end - ev.time_range.start))
        _State.events.append({"name": ev.name, "cat": "operator", "ph": "X", "ts": ts,
                              "dur": dur, "pid": _State.pid, "tid": int(ev.thread or 0)})
        mem = int(getattr(ev, "cpu_memory_usage", 0) or 0)
        if mem and (_State.config["profile_memory"] or _State.config["profile_all"]):
            key = "Memory: cpu/0"
            device_memory[key] = device_memory.get(key, 0) + mem
            _State.events.append({"name": key, "cat": "Device Storage", "ph": "C",
                                  "ts": ts + dur, "args": {key: max(0, device_memory[key])},
                                  "pid": _State.pid, "tid": 0})


def set_state(state: str = "stop", profile_process: str = "worker") -> None:
    """``'run'`` starts recording, ``'stop'`` stops it."""
    state2int = {"stop": 0, "run": 1}
    profile_process2int = {"worker": 0, "server": 1}
    state2int[state]  # KeyError for anything else, as in MXNet
    profile_process2int[profile_process]
    with _lock:
        if state == "run" and not _State.running:
            _State.running = True
            _State.ever_ran = True
            _State.paused = False
            _start_torch()
        elif state == "stop" and _State.running:
            _stop_torch()
            _State.running = False


def profiler_set_state(state: str = "stop") -> None:
    """Deprecated name of :func:`set_state`."""
    warnings.warn("profiler.profiler_set_state() is deprecated. Please use "
                  "profiler.set_state() instead", stacklevel=2)
    set_state(state)


def _recording() -> bool:
    return _State.running and not _State.paused


def _record(event: Dict[str, Any]) -> None:
    with _lock:
        if _recording():
            event.setdefault("pid", _State.pid)
            event.setdefault("tid", threading.get_ident())
            _State.events.append(event)


def _write_trace(path: str, events: List[Dict[str, Any]]) -> None:
    directory = os.path.dirname(os.path.abspath(path))
    tmp = os.path.join(directory, f".{os.path.basename(path)}.{os.getpid()}.tmp")
    with open(tmp, "w") as f:
        json.dump({"traceEvents": events, "displayTimeUnit": "ms"}, f, indent=0)
    os.replace(tmp, path)


def dump(finished: bool = True, profile_process: str = "worker") -> None:
    """Write the events recorded so far to the configured file (Chrome trace format).
    ``finished=True`` ends this profile: later events start a new one."""
    {"worker": 0, "server": 1}[profile_process]
    with _lock:
        if not _State.ever_ran:
            raise MXNetError("Check failed: profiler->IsEnableOutput(): Profiler hasn't been "
                             "run. Config and start profiler first")
        if _State.running and _State.torch_prof is not None:
            _stop_torch()  # collect what torch recorded so far, then keep recording
            if not _State.paused:
                _start_torch()
        _write_trace(_State.config["filename"], list(_State.events))
        if finished:
            _State.events = []


def dump_profile() -> None:
    """Deprecated name of ``dump(True)``."""
    warnings.warn("profiler.dump_profile() is deprecated. Please use profiler.dump() instead",
                  stacklevel=2)
    dump(True)


def _aggregate() -> Dict[str, Any]:
    time_stats: Dict[str, Dict[str, List[float]]] = {}
    mem_stats: Dict[str, Dict[str, List[float]]] = {}
    open_b: Dict[Any, float] = {}
    for ev in _State.events:
        ph, cat, name = ev.get("ph"), ev.get("cat", ""), ev.get("name", "")
        if ph == "X":
            time_stats.setdefault(cat, {}).setdefault(name, []).append(ev["dur"] / 1000.0)
        elif ph in ("b", "B"):
            open_b[(cat, name, ev.get("id"))] = ev["ts"]
        elif ph in ("e", "E"):
            start = open_b.pop((cat, name, ev.get("id")), None)
            if start is not None:
                time_stats.setdefault(cat, {}).setdefault(name, []).append(
                    (ev["ts"] - start) / 1000.0)
        elif ph == "i":
            time_stats.setdefault(cat, {})
        elif ph == "C":
            value = float(next(iter(ev.get("args", {0: 0}).values())))
            if cat == "Device Storage":
                mem_stats.setdefault(cat, {}).setdefault(name, []).append(value / 1000.0)
            else:
                time_stats.setdefault(cat, {}).setdefault(name, []).append(value)
    return {"Time": time_stats, "Memory": mem_stats}


def _stats(values: List[float], memory: bool = False) -> Dict[str, Any]:
    d: Dict[str, Any] = {"Count": len(values)}
    if not memory:
        d["Total"] = round(sum(values), 4)
    d["Min"] = round(min(values), 4) if values else 0
    d["Max"] = round(max(values), 4) if values else 0
    d["Avg"] = round(sum(values) / len(values), 4) if values else 0
    return d


def dumps(reset: bool = False, format: str = "table", sort_by: str = "total",
          ascending: bool = False) -> str:
    """The aggregate statistics (``aggregate_stats=True``; '' otherwise) as MXNet's text
    table (``format='table'``) or JSON (``'json'``: ``{"Time": ..., "Memory": ...,
    "Unit": ...}``), each domain's entries sorted by ``sort_by`` ('total', 'avg', 'min',
    'max', 'count'). ``reset=True`` clears the statistics after reading them."""
    format_to_int = {"table": 0, "json": 1}
    sort_by_to_int = {"total": 0, "avg": 1, "min": 2, "max": 3, "count": 4}
    assert format in format_to_int, \
        "Invalid value provided for format: {0}. Support: 'table', 'json'".format(format)
    assert sort_by in sort_by_to_int, ("Invalid value provided for sort_by: {0}. Support: "
                                       "'total', 'avg', 'min', 'max', 'count'".format(sort_by))
    assert ascending in (False, True), \
        "Invalid value provided for ascending: {0}. Support: False, True".format(ascending)
    assert reset in (False, True), \
        "Invalid value provided for reset: {0}. Support: False, True".format(reset)
    with _lock:
        if not _State.config["aggregate_stats"]:
            return ""
        if _State.running and _State.torch_prof is not None:
            _stop_torch()
            if not _State.paused:
                _start_torch()
        agg = _aggregate()
        if reset:
            _State.events = []
    key = {"total": "Total", "avg": "Avg", "min": "Min", "max": "Max", "count": "Count"}[sort_by]

    def ordered(domain: Dict[str, List[float]], memory: bool) -> List[tuple]:
        items = [(n, _stats(v, memory)) for n, v in domain.items()]
        k = "Min" if (memory and key == "Total") else key
        return sorted(items, key=lambda it: it[1][k], reverse=not ascending)

    if format == "json":
        out = {"Time": {d: dict(ordered(v, False)) for d, v in sorted(agg["Time"].items())},
               "Memory": {d: dict(ordered(v, True))
                          for d, v in sorted(agg["Memory"].items())},
               "Unit": {"Time": "ms", "Memory": "kB"}}
        return json.dumps(out, indent=4)
    lines = ["", "Profile Statistics:", "\tNote the difference in units for different entries."]
    for domain, entries in sorted(agg["Time"].items()):
        lines += [domain, "=================",
                  "%-30s%11s%17s%17s%17s%17s" % ("Name", "Total Count", "Time (ms)",
                                                 "Min Time (ms)", "Max Time (ms)",
                                                 "Avg Time (ms)"),
                  "%-30s%11s%17s%17s%17s%17s" % ("----", "-----------", "---------",
                                                 "-------------", "-------------",
                                                 "-------------")]
        for name, s in ordered(entries, False):
            lines.append("%-30s%11d%17.4f%17.4f%17.4f%17.4f" % (
                name[:29] if len(name) > 29 else name, s["Count"], s["Total"], s["Min"],
                s["Max"], s["Avg"]))
        lines.append("")
    for domain, entries in sorted(agg["Memory"].items()):
        lines += [domain, "=================",
                  "%-30s%11s%17s%17s%17s" % ("Name", "Total Count", "Min Use  (kB)",
                                             "Max Use  (kB)", "Avg Use  (kB)"),
                  "%-30s%11s%17s%17s%17s" % ("----", "-----------", "-------------",
                                             "-------------", "-------------")]
        for name, s in ordered(entries, True):
            lines.append("%-30s%11d%17.4f%17.4f%17.4f" % (name[:29], s["Count"], s["Min"],
                                                          s["Max"], s["Avg"]))
        lines.append("")
    return "\n".join(lines) + "\n"


def pause(profile_process: str = "worker") -> None:
    """Suspend recording (``resume()`` continues it)."""
    {"worker": 0, "server": 1}[profile_process]
    with _lock:
        if _State.running and not _State.paused:
            _stop_torch()
        _State.paused = True


def resume(profile_process: str = "worker") -> None:
    """Continue recording after :func:`pause`."""
    {"worker": 0, "server": 1}[profile_process]
    with _lock:
        if _State.paused and _State.running:
            _State.paused = False
            _start_torch()
        _State.paused = False


_ids = iter(range(1, 1 << 62))


class Domain:
    """A named group of profiling objects (a row group in the trace)."""

    def __init__(self, name: str):
        self.name = name

    def __str__(self) -> str:
        return self.name

    def new_task(self, name: str) -> "Task":
        return Task(self, name)

    def new_frame(self, name: str) -> "Frame":
        return Frame(self, name)

    def new_counter(self, name: str, value: Optional[int] = None) -> "Counter":
        return Counter(self, name, value)

    def new_marker(self, name: str) -> "Marker":
        return Marker(self, name)


class _Duration:
    _category = ""

    def __init__(self, name: str):
        self.name = name
        self._id = next(_ids)

    def _cat(self) -> str:
        return self._category

    def start(self) -> None:
        """Start timing."""
        _record({"name": self.name, "cat": self._cat(), "ph": "b", "ts": _now_us(),
                 "id": self._id})

    def stop(self) -> None:
        """Stop timing."""
        _record({"name": self.name, "cat": self._cat(), "ph": "e", "ts": _now_us(),
                 "id": self._id})

    def __str__(self) -> str:
        return self.name


class Task(_Duration):
    """A timed task of a :class:`Domain` (``start()``/``stop()``)."""

    def __init__(self, domain: Domain, name: str):
        super().__init__(name)
        self.domain = domain

    def _cat(self) -> str:
        return self.domain.name


class Frame(Task):
    """A timed frame of a :class:`Domain` (``start()``/``stop()``)."""


class Event(_Duration):
    """A timed event outside any domain (``start()``/``stop()``)."""

    _category = "event"


class Counter:
    """A named integer of a :class:`Domain`, recorded whenever it changes."""

    def __init__(self, domain: Domain, name: str, value: Optional[int] = None):
        self.name = name
        self.domain = domain
        self._value = 0
        if value is not None:
            self.set_value(value)

    def _emit(self) -> None:
        _record({"name": self.name, "cat": self.domain.name, "ph": "C", "ts": _now_us(),
                 "args": {self.name: self._value}})

    def set_value(self, value: int) -> None:
        """Set the value."""
        self._value = int(value)
        self._emit()

    def increment(self, delta: int = 1) -> None:
        """Add ``delta``."""
        self._value += int(delta)
        self._emit()

    def decrement(self, delta: int = 1) -> None:
        """Subtract ``delta``."""
        self._value -= int(delta)
        self._emit()

    def __iadd__(self, delta: int) -> "Counter":
        self.increment(delta)
        return self

    def __isub__(self, delta: int) -> "Counter":
        self.decrement(delta)
        return self

    def __str__(self) -> str:
        return self.name


class Marker:
    """An instant marker of a :class:`Domain`: ``mark(scope)`` with scope 'global',
    'process', 'thread', 'task' or 'marker'."""

    _SCOPES = {"global": "g", "process": "p", "thread": "t", "task": "t", "marker": "t"}

    def __init__(self, domain: Domain, name: str):
        self.name = name
        self.domain = domain

    def mark(self, scope: str = "process") -> None:
        """Record the instant."""
        if scope not in self._SCOPES:
            raise MXNetError(f"Marker.mark: unknown scope {scope!r}; use one of "
                             f"{sorted(self._SCOPES)}")
        _record({"name": self.name, "cat": self.domain.name + ",instant_marker", "ph": "i",
                 "ts": _now_us(), "s": self._SCOPES[scope]})
