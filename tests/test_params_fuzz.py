"""Fuzz the .params reader with mutated bytes of real MXNet files (tests/fixtures/params/):
every input either loads into well-formed NDArrays or raises MXNetError; nothing else escapes,
nothing crashes, nothing allocates from an unchecked size. The default run is bounded and
derandomized; ``-m slow`` (``tox -e fuzz``) runs a long random search."""
from __future__ import annotations

import contextlib
import pathlib
import struct

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import mxcompat as mx
from mxcompat.base import MXNetError
from mxcompat.ndarray import serialization as ser

FIX = pathlib.Path(__file__).parent / "fixtures" / "params"
SEEDS = [(FIX / f).read_bytes() for f in sorted(p.name for p in FIX.glob("*.params"))]
SEEDS = [s for s in SEEDS if len(s) > 32]
_LEGACY = pathlib.Path("/work/shared/fixtures/legacy_ndarray.v0")
if _LEGACY.exists():
    SEEDS.append(_LEGACY.read_bytes())

INTERESTING_32 = [0, 1, 2, 7, 8, 12, 31, 32, 33, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF,
                  0xF993FAC8, 0xF993FAC9, 0xF993FACA]
INTERESTING_64 = [0, 1, 2, 3, 0x112, 1 << 31, 1 << 32, 1 << 60, (1 << 63) - 1, 1 << 63,
                  (1 << 64) - 1]


@st.composite
def mutated(draw):
    data = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["flip", "byte", "u32", "u64", "cut", "insert", "delete",
                                     "dup"]))
        n = len(data)
        if n == 0:
            break
        pos = draw(st.integers(0, n - 1))
        if kind == "flip":
            data[pos] ^= 1 << draw(st.integers(0, 7))
        elif kind == "byte":
            data[pos] = draw(st.integers(0, 255))
        elif kind == "u32" and pos + 4 <= n:
            struct.pack_into("<I", data, pos, draw(st.sampled_from(INTERESTING_32)))
        elif kind == "u64" and pos + 8 <= n:
            struct.pack_into("<Q", data, pos, draw(st.sampled_from(INTERESTING_64)))
        elif kind == "cut":
            del data[pos:]
        elif kind == "insert":
            data[pos:pos] = draw(st.binary(min_size=1, max_size=16))
        elif kind == "delete":
            del data[pos:pos + draw(st.integers(1, 16))]
        elif kind == "dup":
            data[pos:pos] = data[pos:pos + draw(st.integers(1, 64))]
    return bytes(data)


@contextlib.contextmanager
def _small_sparse_limit():
    old = ser.SPARSE_DENSE_LIMIT
    ser.SPARSE_DENSE_LIMIT = 1 << 20
    try:
        yield
    finally:
        ser.SPARSE_DENSE_LIMIT = old


def _check(raw: bytes) -> None:
    with _small_sparse_limit():
        try:
            got = mx.nd.load_frombuffer(raw)
        except MXNetError as e:
            assert "load_frombuffer" in str(e)
            return
    arrays = list(got.values()) if isinstance(got, dict) else got
    assert isinstance(got, (list, dict))
    dense_limit = max(len(raw), 1 << 20)
    for a in arrays:
        assert isinstance(a, mx.nd.NDArray)
        t = a.tensor
        assert a.dtype in (np.float32, np.float64, np.float16, np.uint8, np.int8, np.int32,
                           np.int64, np.bool_)
        assert t.numel() * t.element_size() <= dense_limit
        a.asnumpy()  # readable
    if isinstance(got, dict):
        assert all(isinstance(k, str) for k in got)


def _check_record(raw: bytes) -> None:
    try:
        a = ser.loads_record(raw)
    except MXNetError:
        return
    assert isinstance(a, mx.nd.NDArray)
    assert a.tensor.numel() * a.tensor.element_size() <= max(len(raw), 1 << 20) or \
        a.tensor.numel() == 0
    a.asnumpy()


RECORD_SEEDS = [bytes(ser.dumps_record(mx.nd.array(np.arange(6).reshape(2, 3), dtype=dt)))
                for dt in ("float32", "float64", "float16", "int64", "bool", "uint8")]


@settings(max_examples=200, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_fuzz_load_frombuffer(raw):
    _check(raw)


@settings(max_examples=100, deadline=None, derandomize=True, database=None)
@given(st.sampled_from(RECORD_SEEDS), st.integers(0, 63), st.integers(0, 255),
       st.integers(0, 80))
def test_fuzz_loads_record(seed, pos, value, cut):
    b = bytearray(seed)
    b[pos % len(b)] = value
    _check_record(bytes(b[:len(b) - cut % len(b)]))


_DTS = ["float32", "float64", "float16", "uint8", "int8", "int32", "int64", "bool"]


@st.composite
def contents(draw):
    n = draw(st.integers(0, 4))
    arrays = []
    for _ in range(n):
        dt = draw(st.sampled_from(_DTS))
        shape = tuple(draw(st.lists(st.integers(0, 3), min_size=0, max_size=3)))
        a = np.arange(int(np.prod(shape)), dtype=np.int64).reshape(shape) % 5 - 2
        arrays.append(mx.nd.array(a.astype(dt), dtype=dt))
    if draw(st.booleans()):
        names = draw(st.lists(st.text(min_size=0, max_size=6).filter(lambda s: "\0" not in s),
                              min_size=n, max_size=n, unique=True))
        return dict(zip(names, arrays))
    return arrays


@settings(max_examples=60, deadline=None, derandomize=True, database=None)
@given(contents())
def test_roundtrip_property(data):
    raw = _save_bytes(data)
    got = mx.nd.load_frombuffer(raw)
    if isinstance(data, dict) and data:
        assert list(got) == list(data)
        pairs = zip(data.values(), got.values())
    else:
        assert isinstance(got, list)
        pairs = zip(data if isinstance(data, list) else [], got)
    for a, b in pairs:
        assert a.dtype == b.dtype and a.shape == b.shape
        assert a.asnumpy().tobytes() == b.asnumpy().tobytes()
    assert _save_bytes(got) == raw


def _save_bytes(data) -> bytes:
    import io
    bio = io.BytesIO()
    arrays, names = ser._check_data(data)
    ser._write_params(bio, arrays, names)
    return bio.getvalue()


@pytest.mark.slow
@settings(max_examples=20000, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_fuzz_load_frombuffer_long(raw):
    _check(raw)


@pytest.mark.slow
@settings(max_examples=5000, deadline=None, database=None)
@given(st.sampled_from(RECORD_SEEDS), st.binary(min_size=0, max_size=8), st.integers(0, 63),
       st.integers(0, 80))
def test_fuzz_loads_record_long(seed, junk, pos, cut):
    b = bytearray(seed)
    b[pos % len(b):pos % len(b) + len(junk)] = junk
    _check_record(bytes(b[:len(b) - cut % len(b)]))
