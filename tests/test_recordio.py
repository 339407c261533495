"""mx.recordio against files and values recorded from MXNet 1.9.1 (tools/oracle/record_io.py):
MXNet's .rec/.idx files read back record for record, and the same records written by
mxcompat are byte-identical to MXNet's files."""
import json
import multiprocessing
import os
import pickle
import sys
from pathlib import Path

import numpy as np
import pytest

import mxcompat as mx
from mxcompat.base import MXNetError

HERE = Path(__file__).parent
FIX = HERE / "fixtures" / "recordio"
GOLDEN = json.loads((HERE / "golden" / "recordio.json").read_text())
RECS = [bytes.fromhex(h) for h in GOLDEN["records"]]
rio = mx.recordio


def test_reads_mxnet_sequential_file():
    r = rio.MXRecordIO(str(FIX / "plain.rec"), "r")
    got = [r.read() for _ in RECS]
    assert got == RECS
    assert r.read() is None and r.read() is None
    r.reset()
    assert r.read() == RECS[0]
    r.close()
    assert not r.is_open


def test_reads_mxnet_indexed_file_random_access():
    r = rio.MXIndexedRecordIO(str(FIX / "indexed.idx"), str(FIX / "indexed.rec"), "r")
    assert r.keys == list(range(len(RECS)))
    assert r.idx == dict(zip(range(len(RECS)), GOLDEN["tells"][:-1]))
    for k in reversed(r.keys):
        assert r.read_idx(k) == RECS[k]
    r.seek(3)
    assert r.read() == RECS[3] and r.read() == RECS[4]
    with pytest.raises(KeyError):
        r.read_idx(len(RECS))
    r.close()


def test_end_of_file_is_sticky_until_reset_as_in_mxnet():
    r = rio.MXIndexedRecordIO(str(FIX / "indexed.idx"), str(FIX / "indexed.rec"), "r")
    while r.read() is not None:
        pass
    assert GOLDEN["read_idx_after_eof"] is None
    assert r.read_idx(0) is None
    r.reset()
    assert r.read().hex() == GOLDEN["read_after_reset"]


def test_string_keys():
    r = rio.MXIndexedRecordIO(str(FIX / "str_keys.idx"), str(FIX / "str_keys.rec"), "r",
                              key_type=str)
    assert r.keys == GOLDEN["str_keys"]
    for k, rec in zip(GOLDEN["str_keys"], RECS):
        assert r.read_idx(k) == rec


def test_writes_byte_identical_files(tmp_path):
    w = rio.MXIndexedRecordIO(str(tmp_path / "x.idx"), str(tmp_path / "x.rec"), "w")
    tells = [w.tell()]
    for i, rec in enumerate(RECS):
        w.write_idx(i, rec)
        tells.append(w.tell())
    w.close()
    assert tells == GOLDEN["tells"]
    assert (tmp_path / "x.rec").read_bytes() == (FIX / "indexed.rec").read_bytes()
    assert (tmp_path / "x.idx").read_text() == (FIX / "indexed.idx").read_text()
    w = rio.MXRecordIO(tmp_path / "p.rec", "w")  # a pathlib path works too
    for rec in RECS:
        w.write(rec)
    del w  # garbage collection closes (and publishes) like MXNet's destructor
    assert (tmp_path / "p.rec").read_bytes() == (FIX / "plain.rec").read_bytes()
    w = rio.MXIndexedRecordIO(str(tmp_path / "s.idx"), str(tmp_path / "s.rec"), "w",
                              key_type=str)
    for k, rec in zip(GOLDEN["str_keys"], RECS):
        w.write_idx(k, rec)
    w.close()
    assert (tmp_path / "s.rec").read_bytes() == (FIX / "str_keys.rec").read_bytes()
    assert (tmp_path / "s.idx").read_text() == (FIX / "str_keys.idx").read_text()


def test_unpack_matches_mxnet():
    packed = RECS[-6:]
    for rec, want in zip(packed, GOLDEN["unpacked"]):
        h, s = rio.unpack(rec)
        assert s.hex() == want["payload"]
        assert (h.flag, h.id, h.id2) == (want["flag"], want["id"], want["id2"])
        if h.flag > 0:
            assert h.label.dtype == np.float32
            np.testing.assert_array_equal(h.label, np.float32(want["label"]))
        else:
            assert h.label == want["label"]
    assert type(rio.IRHeader(0, 1.0, 2, 3)).__name__ == "HEADER"


def test_pack_round_trip_and_flags():
    h = rio.IRHeader(5, 2.0, 1, 0)
    assert rio.unpack(rio.pack(h, b"z"))[0] == rio.IRHeader(0, 2.0, 1, 0)  # flag reset
    h2, s = rio.unpack(rio.pack(rio.IRHeader(0, np.array([1, 2]), 3, 4), b"pay"))
    assert h2.flag == 2 and s == b"pay" and h2.label.tolist() == [1.0, 2.0]


def test_unpack_short_record_errors():
    with pytest.raises(MXNetError, match="24-byte IRHeader"):
        rio.unpack(b"short")
    bad = rio.pack(rio.IRHeader(0, [1.0, 2.0, 3.0], 0, 0), b"")[:-4]
    with pytest.raises(MXNetError, match="3 float32 labels"):
        rio.unpack(bad)


@pytest.mark.parametrize("name", sorted(GOLDEN["errors"]))
def test_corrupt_files_name_file_and_offset(tmp_path, name):
    data = (FIX / "plain.rec").read_bytes()
    blob = {"truncated_header": data[:-3], "truncated_body": data[:14],
            "bad_magic": b"x" * 12, "bad_magic_later": data[:12] + b"y" * 8}[name]
    p = tmp_path / (name + ".rec")
    p.write_bytes(blob)
    want = GOLDEN["errors"][name]
    r = rio.MXRecordIO(str(p), "r")
    n = 0
    with pytest.raises(MXNetError) as ei:
        while r.read() is not None:
            n += 1
    assert n == want["read_before"]
    msg = str(ei.value)
    assert str(p) in msg and "byte offset" in msg and "Invalid RecordIO file".lower() in msg.lower()


def test_missing_files_and_bad_index(tmp_path):
    with pytest.raises(MXNetError, match="nope.rec"):
        rio.MXRecordIO(str(tmp_path / "nope.rec"), "r")
    with pytest.raises(MXNetError, match="nope.idx"):
        rio.MXIndexedRecordIO(str(tmp_path / "nope.idx"), str(FIX / "indexed.rec"), "r")
    (tmp_path / "bad.idx").write_text("0\t0\nzero\t12\n")
    with pytest.raises(ValueError, match=r"bad.idx.*line 2"):
        rio.MXIndexedRecordIO(str(tmp_path / "bad.idx"), str(FIX / "indexed.rec"), "r")
    with pytest.raises(ValueError, match="Invalid flag"):
        rio.MXRecordIO(str(tmp_path / "x.rec"), "a")
    with pytest.raises(MXNetError, match="cannot open"):
        rio.MXRecordIO(str(tmp_path / "no_dir" / "x.rec"), "w")


def test_write_rejects_str_and_huge_records(tmp_path, monkeypatch):
    w = rio.MXRecordIO(str(tmp_path / "x.rec"), "w")
    with pytest.raises(TypeError):
        w.write("text")
    monkeypatch.setattr(rio, "_MAX_RECORD", 16)
    with pytest.raises(MXNetError, match="2\\*\\*29"):
        w.write(b"x" * 16)
    w.write(b"x" * 15)
    w.close()
    assert rio.MXRecordIO(str(tmp_path / "x.rec"), "r").read() == b"x" * 15


def test_writes_are_atomic(tmp_path):
    p = tmp_path / "a.rec"
    p.write_bytes(b"old contents")
    w = rio.MXRecordIO(str(p), "w")
    w.write(b"new")
    # until close, the previous file is intact and no partial file replaces it
    assert p.read_bytes() == b"old contents"
    w.close()
    assert rio.MXRecordIO(str(p), "r").read() == b"new"
    assert sorted(os.listdir(tmp_path)) == ["a.rec"]  # no temporary file left behind


def test_pickle_reopens(tmp_path):
    r = rio.MXIndexedRecordIO(str(FIX / "indexed.idx"), str(FIX / "indexed.rec"), "r")
    r.read_idx(2)
    r2 = pickle.loads(pickle.dumps(r))
    assert r2.is_open and r2.read_idx(5) == RECS[5] and r2.keys == r.keys
    assert not r.is_open  # MXNet closes the pickled object (its __getstate__ calls close)
    closed = pickle.loads(pickle.dumps(r))
    assert not closed.is_open


def _child_read(r, q):
    try:
        r.read()
        q.put("read ok")
    except RuntimeError as e:
        q.put("RuntimeError: " + str(e))
    q.put(r.read_idx(4))  # seek resets in a new process
    r.close()


@pytest.mark.skipif(sys.platform == "win32", reason="fork")
def test_fork_read_forbidden_seek_resets():
    ctx = multiprocessing.get_context("fork")
    r = rio.MXIndexedRecordIO(str(FIX / "indexed.idx"), str(FIX / "indexed.rec"), "r")
    q = ctx.Queue()
    p = ctx.Process(target=_child_read, args=(r, q))
    p.start()
    first, rec = q.get(timeout=30), q.get(timeout=30)
    p.join(30)
    assert first == "RuntimeError: Forbidden operation in multiple processes"
    assert rec == RECS[4]
    assert r.read_idx(6) == RECS[6]  # the parent's reader is unaffected


def _child_close(w):
    w.close()


@pytest.mark.skipif(sys.platform == "win32", reason="fork")
def test_forked_writer_copy_does_not_publish(tmp_path):
    ctx = multiprocessing.get_context("fork")
    w = rio.MXRecordIO(str(tmp_path / "w.rec"), "w")
    w.write(b"parent")
    p = ctx.Process(target=_child_close, args=(w,))
    p.start()
    p.join(30)
    assert not (tmp_path / "w.rec").exists()
    w.write(b"more")
    w.close()
    r = rio.MXRecordIO(str(tmp_path / "w.rec"), "r")
    assert [r.read(), r.read(), r.read()] == [b"parent", b"more", None]


def test_pack_img_unpack_img_png_is_lossless():
    rng = np.random.RandomState(1)
    bgr = rng.randint(0, 256, size=(5, 7, 3)).astype(np.uint8)
    h = rio.IRHeader(0, 1.0, 9, 0)
    s = rio.pack_img(h, bgr, quality=3, img_fmt=".png")
    h2, img = rio.unpack_img(s)
    assert h2 == h
    np.testing.assert_array_equal(img, bgr)
    # iscolor=0: grey 2-D (libpng's conversion of the stored RGB), iscolor=1: 3 channels
    assert rio.unpack_img(s, 0)[1].shape == (5, 7)
    gray = rng.randint(0, 256, size=(4, 6)).astype(np.uint8)
    s = rio.pack_img(h, gray, img_fmt=".png")
    np.testing.assert_array_equal(rio.unpack_img(s)[1], gray)
    np.testing.assert_array_equal(rio.unpack_img(s, 1)[1], np.repeat(gray[:, :, None], 3, 2))


def test_pack_img_jpeg_is_close_and_channel_order_kept():
    bgr = np.zeros((16, 16, 3), np.uint8)
    bgr[..., 0] = 200  # blue
    _, img = rio.unpack_img(rio.pack_img(rio.IRHeader(0, 0, 0, 0), bgr, quality=95))
    assert img.shape == (16, 16, 3)
    assert np.abs(img.astype(int) - bgr).max() <= 3


def test_unpack_img_bad_payload():
    with pytest.raises(MXNetError, match="record id 3"):
        rio.unpack_img(rio.pack(rio.IRHeader(0, 0, 3, 0), b"not an image"))
