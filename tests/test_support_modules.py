"""mx.runtime, mx.util, mx.engine, mx.profiler, mx.attribute, mx.library, mx.libinfo, mx.log,
mx.error and mx.base's helpers: the behaviour MXNet 1.9.1 shows (values checked against
MXNet 1.9.1 when these were written: feature names and order, return values of the setters,
error classes and texts)."""
from __future__ import annotations

import json
import logging
import os
import pickle
import threading

import numpy as np
import pytest

import mxcompat as mx

MXNET_FEATURES = [
    "CUDA", "CUDNN", "NCCL", "CUDA_RTC", "TENSORRT", "CPU_SSE", "CPU_SSE2", "CPU_SSE3",
    "CPU_SSE4_1", "CPU_SSE4_2", "CPU_SSE4A", "CPU_AVX", "CPU_AVX2", "OPENMP", "SSE", "F16C",
    "JEMALLOC", "BLAS_OPEN", "BLAS_ATLAS", "BLAS_MKL", "BLAS_APPLE", "LAPACK", "MKLDNN",
    "OPENCV", "CAFFE", "PROFILER", "DIST_KVSTORE", "CXX14", "INT64_TENSOR_SIZE",
    "SIGNAL_HANDLER", "DEBUG", "TVM_OP",
]


# ---- mx.runtime
def test_features_names_order_and_singleton():
    from mxcompat.runtime import Feature, Features, feature_list
    f = Features()
    assert f is Features() and list(f) == MXNET_FEATURES
    assert all(isinstance(v, Feature) for v in feature_list())
    assert repr(f).startswith("[") and ("✖ CUDA" in repr(f) or "✔ CUDA" in repr(f))
    assert f.is_enabled("cuda") == f["CUDA"].enabled  # case-insensitive, as in MXNet
    with pytest.raises(RuntimeError, match="Feature 'THIS GIRL IS ON FIRE' is unknown"):
        f.is_enabled("this girl is on fire")


def test_features_answer_for_this_installation():
    import torch
    f = mx.runtime.Features()
    assert f.is_enabled("CUDA") == torch.backends.cuda.is_built()
    assert not f.is_enabled("MKLDNN") and not f.is_enabled("TVM_OP")
    assert f.is_enabled("PROFILER")
    assert f.is_enabled("OPENMP") == torch.backends.openmp.is_available()


# ---- mx.util
def test_np_shape_flag_returns_previous_state_and_is_per_thread():
    assert mx.util.set_np_shape(True) is False
    try:
        assert mx.is_np_shape()
        seen = []
        t = threading.Thread(target=lambda: seen.append(mx.is_np_shape()))
        t.start()
        t.join()
        assert seen == [False]                 # thread-local unless set globally
        assert mx.util.set_np_shape(2) is True  # 2: every thread
        t = threading.Thread(target=lambda: seen.append(mx.is_np_shape()))
        t.start()
        t.join()
        assert seen == [False, True]
    finally:
        assert mx.util.set_np_shape(False) is True
    assert not mx.is_np_shape()


def test_np_shape_scope_and_decorator():
    @mx.use_np_shape
    def f():
        """doc"""
        return mx.is_np_shape()
    assert f.__name__ == "f" and f.__doc__ == "doc"
    assert f() is True and not mx.is_np_shape()
    with mx.np_shape():
        assert mx.is_np_shape()
        with mx.np_shape(False):
            assert not mx.is_np_shape()
        assert mx.is_np_shape()
    assert not mx.is_np_shape()
    with pytest.raises(TypeError, match="use_np_shape can only decorate"):
        mx.use_np_shape(3)


def test_np_array_scope_is_thread_local_and_set_np_rules():
    from mxcompat.util import _NumpyArrayScope
    status = []
    event = threading.Event()

    def g():
        with mx.np_array(False):
            event.wait()
            status.append(mx.is_np_array())
    t = threading.Thread(target=g)
    t.start()
    with mx.np_array(True):
        event.set()
        t.join()
        assert mx.is_np_array()
        with pytest.raises(ValueError, match="Deactivating NumPy shape semantics"):
            mx.util.set_np_shape(False)
    assert status == [False] and not mx.is_np_array()
    with pytest.raises(ValueError, match="NumPy Shape semantics is required"):
        mx.util.set_np(shape=False, array=True)
    mx.util.set_np()
    assert mx.is_np_array() and mx.is_np_shape()
    mx.util.reset_np()
    assert not mx.is_np_array() and not mx.is_np_shape()
    assert isinstance(_NumpyArrayScope._current.value, _NumpyArrayScope)


def test_use_np_on_a_class_scopes_its_methods():
    @mx.use_np
    class C:
        def m(self):
            return mx.is_np_array(), mx.is_np_shape()

        @property
        def p(self):
            return mx.is_np_array()
    assert C().m() == (True, True) and C().p is True and not mx.is_np_array()


def test_getenv_setenv():
    mx.util.setenv("MXCOMPAT_T_ENV", "42")
    assert mx.util.getenv("MXCOMPAT_T_ENV") == "42" == os.environ["MXCOMPAT_T_ENV"]
    mx.util.setenv("MXCOMPAT_T_ENV", None)
    assert mx.util.getenv("MXCOMPAT_T_ENV") is None


def test_ufunc_wrappers_reject_unsupported_keywords():
    f = mx.util.wrap_np_binary_func(lambda a, b, out=None: a + b)
    assert f(1, 2, casting="same_kind") == 3
    with pytest.raises(TypeError, match="is an invalid keyword"):
        f(1, 2, foo=1)
    with pytest.raises(NotImplementedError, match="casting=safe is not implemented yet"):
        f(1, 2, casting="safe")


# ---- mx.engine
def test_bulk_size_returns_previous_and_scope_restores():
    assert mx.engine.set_bulk_size(5) == 0
    assert mx.engine.set_bulk_size(0) == 5
    with mx.engine.bulk(10):
        assert mx.engine.set_bulk_size(10) == 10
        x = mx.nd.ones((3,))
        x += 1
    assert mx.engine.set_bulk_size(0) == 0
    assert (x.asnumpy() == 2).all()
    with pytest.raises(mx.base.MXNetError, match="set_bulk_size"):
        mx.engine.set_bulk_size(-1)
    with pytest.raises(TypeError):
        mx.engine.set_bulk_size("a")


# ---- mx.profiler
@pytest.fixture
def prof(tmp_path):
    from mxcompat import profiler
    path = tmp_path / "trace.json"
    profiler.set_config(profile_all=True, filename=str(path), aggregate_stats=True)
    yield profiler, path
    profiler.set_state("stop")
    profiler.dumps(reset=True)
    profiler.set_config()


def test_profiler_config_errors():
    from mxcompat import profiler
    with pytest.raises(mx.base.MXNetError, match="unknown option"):
        profiler.set_config(foo=1)
    with pytest.raises(KeyError):
        profiler.set_state("bad")
    with pytest.raises(AssertionError, match="Invalid value provided for format"):
        profiler.dumps(format="x")


def test_profiler_records_tasks_counters_markers_and_ops(prof):
    profiler, path = prof
    profiler.set_state("run")
    d = profiler.Domain("D")
    task = profiler.Task(d, "T")
    task.start()
    y = mx.nd.sqrt(mx.nd.ones((10, 10))) + 1
    y.wait_to_read()
    task.stop()
    c = profiler.Counter(d, "C", 3)
    c += 2
    c -= 1
    profiler.Marker(d, "M").mark("process")
    e = profiler.Event("E")
    e.start()
    e.stop()
    profiler.set_state("stop")
    stats = json.loads(profiler.dumps(format="json"))
    assert set(stats) == {"Time", "Memory", "Unit"}
    assert stats["Unit"] == {"Time": "ms", "Memory": "kB"}
    assert stats["Time"]["D"]["T"]["Count"] == 1 and stats["Time"]["event"]["E"]["Count"] == 1
    assert stats["Time"]["D"]["C"]["Count"] == 3   # the counter's three values
    assert "D,instant_marker" in stats["Time"]
    assert any("sqrt" in name for name in stats["Time"]["operator"])
    assert "Profile Statistics" in profiler.dumps()
    profiler.dump()
    trace = json.loads(path.read_text())
    names = {(ev["name"], ev["ph"]) for ev in trace["traceEvents"]}
    assert {("T", "b"), ("T", "e"), ("C", "C"), ("M", "i"), ("E", "b")} <= names
    counters = [ev["args"]["C"] for ev in trace["traceEvents"] if ev["name"] == "C"]
    assert counters == [3, 5, 4]


def test_profiler_sorting_pause_and_reset(prof):
    profiler, path = prof
    profiler.set_state("run")
    d = profiler.Domain("S")
    for i, n in enumerate(("a", "b", "c")):
        t = profiler.Task(d, n)
        for _ in range(i + 1):
            t.start()
            t.stop()
    profiler.pause()
    hidden = profiler.Task(d, "hidden")
    hidden.start()
    hidden.stop()
    profiler.resume()
    for asc in (False, True):
        stats = json.loads(profiler.dumps(format="json", sort_by="count", ascending=asc))
        counts = [v["Count"] for v in stats["Time"]["S"].values()]
        assert counts == sorted(counts, reverse=not asc) and "hidden" not in stats["Time"]["S"]
    profiler.dumps(reset=True)
    assert "S" not in json.loads(profiler.dumps(format="json"))["Time"]


def test_profiler_dump_needs_a_run_and_dumps_needs_aggregate(tmp_path):
    import subprocess
    import sys
    code = ("import mxcompat as mx\n"
            "from mxcompat import profiler\n"
            f"profiler.set_config(filename={str(tmp_path / 'p.json')!r})\n"
            "print(repr(profiler.dumps()))\n"
            "try:\n"
            "    profiler.dump()\n"
            "except mx.base.MXNetError as e:\n"
            "    print('MXNetError', 'hasn\\'t been run' in str(e))\n")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert r.stdout.split("\n")[:2] == ["''", "MXNetError True"], r.stderr


# ---- mx.attribute, mx.library, mx.libinfo, mx.log, mx.error
def test_attr_scope_nests_and_is_per_thread():
    from mxcompat.attribute import AttrScope
    assert mx.AttrScope is AttrScope
    with AttrScope(group="4", data="great"):
        with AttrScope(group="5") as inner:
            assert inner.get({"x": "1"}) == {"group": "5", "data": "great", "x": "1"}
        seen = []
        t = threading.Thread(target=lambda: seen.append(getattr(AttrScope._current, "value", None)))
        t.start()
        t.join()
        assert seen == [None]  # a new thread starts without a scope
    assert AttrScope._current.value.get(None) == {}
    with pytest.raises(ValueError, match="Attributes need to be string"):
        AttrScope(x=1)
    with pytest.warns(DeprecationWarning):
        assert isinstance(AttrScope.current, AttrScope)


def test_library_load_refuses_clearly(tmp_path):
    with pytest.raises(mx.base.MXNetError, match="does NOT exist"):
        mx.library.load(str(tmp_path / "nope.so"))
    lib = tmp_path / "libop.so"
    lib.write_bytes(b"\x7fELF")
    with pytest.raises(mx.base.MXNetError, match="is not an absolute path"):
        mx.library.load(os.path.relpath(lib))
    with pytest.raises(mx.base.MXNetError, match="cannot load MXNet C\\+\\+ extension"):
        mx.library.load(str(lib))


def test_libinfo_has_no_library(monkeypatch):
    assert mx.libinfo.__version__ == "1.9.1"
    monkeypatch.delenv("MXNET_LIBRARY_PATH", raising=False)
    with pytest.raises(RuntimeError, match="Cannot find the MXNet library"):
        mx.libinfo.find_lib_path()


def test_log_get_logger_adds_one_handler(tmp_path):
    logger = mx.log.get_logger("mxcompat_test_logger", level=mx.log.INFO)
    assert mx.log.get_logger("mxcompat_test_logger") is logger
    assert len(logger.handlers) == 1 and logger.level == logging.INFO
    record = logging.LogRecord("n", logging.WARNING, "/p.py", 3, "hello", None, None, "fn")
    text = logger.handlers[0].format(record)
    assert text.startswith("\x1b[31mW") and text.endswith("]\x1b[0m hello")
    f = tmp_path / "log.txt"
    flog = mx.log.get_logger("mxcompat_test_file_logger", filename=str(f), level=mx.log.INFO)
    flog.info("to the file")
    flog.handlers[0].flush()
    assert "to the file" in f.read_text()
    with pytest.warns(DeprecationWarning):
        mx.log.getLogger("mxcompat_test_logger")


def test_error_module_registers_error_types():
    assert mx.error.InternalError is mx.base.InternalError
    assert mx.base.error_types["ValueError"] is ValueError

    @mx.error.register
    class MyTestError(mx.base.MXNetError):
        pass
    assert mx.base.error_types["MyTestError"] is MyTestError


# ---- mx.base
def test_base_helpers():
    b = mx.base
    assert b.integer_types == (int, int, np.int32, np.int64)
    assert b.numeric_types == (float, int, int, np.generic)
    assert b.string_types == (str,) and b.mx_real_t is np.float32
    assert b._as_list(1) == [1] and b._as_list((1,)) == (1,)
    assert b.py_str(b"abc") == "abc" and b.c_str("x").value == b"x"
    assert list(b.c_array(b.mx_uint, [1, 2])) == [1, 2]
    assert [s for s in b.c_str_array(["a", "b"])] == [b"a", b"b"]
    b.check_call(0)
    with pytest.raises(mx.base.MXNetError):
        b.check_call(-1)
    assert not hasattr(b._LIB, "MXGetVersion")
    with pytest.raises(mx.base.MXNetError, match="no libmxnet"):
        b._LIB.MXGetVersion()


def test_data_dir(monkeypatch, tmp_path):
    monkeypatch.delenv("MXNET_HOME", raising=False)
    assert mx.base.data_dir() == mx.base.data_dir_default()
    monkeypatch.setenv("MXNET_HOME", str(tmp_path))
    assert mx.base.data_dir() == str(tmp_path)


def test_python_named_errors_keep_mxneterror_and_pickle():
    for cls, name, py in ((mx.base.MXNetValueError, "ValueError", ValueError),
                          (mx.base.MXNetTypeError, "TypeError", TypeError),
                          (mx.base.MXNetIndexError, "IndexError", IndexError),
                          (mx.base.MXNetKeyError, "KeyError", KeyError)):
        e = cls("bad thing")
        assert type(e).__name__ == name and isinstance(e, (py, mx.base.MXNetError))
        for proto in range(2, pickle.HIGHEST_PROTOCOL + 1):
            back = pickle.loads(pickle.dumps(e, proto))
            assert type(back) is cls and str(back) == "bad thing"
    # the classic script: print the class name of what a bad slice key raises
    with pytest.raises(IndexError) as info:
        mx.nd.ones((2, 3))[1, 2, 3]
    assert type(info.value).__name__ == "IndexError"
    assert isinstance(info.value, mx.base.MXNetError)
