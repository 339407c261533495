"""Record RecordIO / mx.io / mx.image golden data from real MXNet 1.9.1.

Run with the oracle venv:  /work/oracle-venv/bin/python tools/oracle/record_io.py [part ...]
(parts: recordio, io, image; default all). Deterministic.

What is recorded:
- ``recordio`` -> tests/fixtures/recordio/{plain,indexed,str_keys}.rec/.idx written by MXNet's
  own writer (records of every length mod 4, payloads holding the RecordIO magic at aligned
  and unaligned offsets, ``pack`` headers with one label and with several, a JPEG record)
  and tests/golden/recordio.json (the records as hex, the writer's ``tell()`` after each one,
  MXNet's error text for truncated / garbage files). Before writing, the reverse direction is
  checked live when a mxcompat interpreter is given in $MXCOMPAT_PYTHON: mxcompat writes the
  same records in a subprocess and this MXNet reads them back.
"""
from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path

import numpy as np

warnings.filterwarnings("ignore")
ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "tests" / "golden"
FIX = ROOT / "tests" / "fixtures"

MAGIC = b"\x0a\x23\xd7\xce"

# A fixed 8x6 JPEG (the one record_imdecode.py uses).
JPEG_B64 = ("/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAMCAgMCAgMDAwMEAwMEBQgFBQQEBQoHBwYIDAoMDAsKCwsNDhIQDQ4R"
            "DgsLEBYQERMUFRUVDA8XGBYUGBIUFRT/2wBDAQMEBAUEBQkFBQkUDQsNFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQU"
            "FBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBT/wAARCAAGAAgDASIAAhEBAxEB/8QAHwAAAQUBAQEBAQEAAAAAAAAA"
            "AAECAwQFBgcICQoL/8QAtRAAAgEDAwIEAwUFBAQAAAF9AQIDAAQRBRIhMUEGE1FhByJxFDKBkaEII0KxwRVS0fAk"
            "M2JyggkKFhcYGRolJicoKSo0NTY3ODk6Q0RFRkdISUpTVFVWV1hZWmNkZWZnaGlqc3R1dnd4eXqDhIWGh4iJipKT"
            "lJWWl5iZmqKjpKWmp6ipqrKztLW2t7i5usLDxMXGx8jJytLT1NXW19jZ2uHi4+Tl5ufo6erx8vP09fb3+Pn6/8QA"
            "HwEAAwEBAQEBAQEBAQAAAAAAAAECAwQFBgcICQoL/8QAtREAAgECBAQDBAcFBAQAAQJ3AAECAxEEBSExBhJBUQdh"
            "cRMiMoEIFEKRobHBCSMzUvAVYnLRChYkNOEl8RcYGRomJygpKjU2Nzg5OkNERUZHSElKU1RVVldYWVpjZGVmZ2hp"
            "anN0dXZ3eHl6goOEhYaHiImKkpOUlZaXmJmaoqOkpaanqKmqsrO0tba3uLm6wsPExcbHyMnK0tPU1dbX2Nna4uPk"
            "5ebn6Onq8vP09fb3+Pn6/9oADAMBAAIRAxEAPwDz79jUsr2DFVZVB8s5IbjaOTnnqBgk8DHvRRRX4ln0Iyx03JXP"
            "3nJ4r6hS06fqz//Z")


def raw_records():
    """Payloads covering the format's corners (plain bytes, no header)."""
    recs = [b"", b"a", b"ab", b"abc", b"abcd", b"abcde", b"record_%d" % 7]
    recs += [MAGIC, MAGIC + b"xyz1" + MAGIC, b"a" + MAGIC + b"xyz", b"ab" + MAGIC,
             b"0123" + MAGIC + MAGIC + b"tail!", MAGIC * 3, b"xy" + MAGIC + b"zw" + MAGIC]
    rng = np.random.RandomState(0)
    recs.append(rng.randint(0, 256, size=1001).astype(np.uint8).tobytes())
    recs.append(bytes(range(256)) * 5)
    return recs


def packed_records(recordio):
    """Records built with recordio.pack (single and multi-label headers, a JPEG payload)."""
    jpeg = base64.b64decode(JPEG_B64)
    IR = recordio.IRHeader
    return [
        recordio.pack(IR(0, 3.0, 7, 0), b"payload"),
        recordio.pack(IR(0, -1.5, 2 ** 40 + 3, 5), b""),
        recordio.pack(IR(0, [1.0, 2.5, -3.0], 11, 0), b"multi"),
        recordio.pack(IR(9, np.arange(4, dtype=np.float64) / 3, 12, 1), b"xyz"),
        recordio.pack(IR(0, 4, 13, 0), jpeg),
        recordio.pack(IR(0, [7.0], 14, 0), jpeg),
    ]


WRITE_SNIPPET = r"""
import sys, json
sys.path.insert(0, {tools!r})
import record_io as R
import mxcompat as mx
out = {out!r}
recs = R.raw_records() + R.packed_records(mx.recordio)
w = mx.recordio.MXIndexedRecordIO(out + '.idx', out + '.rec', 'w')
for i, r in enumerate(recs):
    w.write_idx(i, r)
w.close()
"""


def record_recordio():
    import mxnet as mx
    d = FIX / "recordio"
    d.mkdir(parents=True, exist_ok=True)
    recs = raw_records() + packed_records(mx.recordio)
    golden = {"records": [r.hex() for r in recs]}

    # plain sequential file
    w = mx.recordio.MXRecordIO(str(d / "plain.rec"), "w")
    for r in recs:
        w.write(r)
    w.close()
    # indexed file: int keys, tell() after each record
    w = mx.recordio.MXIndexedRecordIO(str(d / "indexed.idx"), str(d / "indexed.rec"), "w")
    tells = [w.tell()]
    for i, r in enumerate(recs):
        w.write_idx(i, r)
        tells.append(w.tell())
    w.close()
    golden["tells"] = tells
    # string keys, out of order
    w = mx.recordio.MXIndexedRecordIO(str(d / "str_keys.idx"), str(d / "str_keys.rec"), "w",
                                      key_type=str)
    skeys = ["img_%03d" % (7 * i % 11) for i in range(6)]
    for k, r in zip(skeys, recs[:6]):
        w.write_idx(k, r)
    w.close()
    golden["str_keys"] = skeys

    # read back with MXNet: sequential, indexed, sticky end of file, unpack
    r = mx.recordio.MXRecordIO(str(d / "plain.rec"), "r")
    got = [r.read() for _ in range(len(recs))]
    assert got == recs, "MXNet does not read back its own records"
    assert r.read() is None
    r.close()
    r = mx.recordio.MXIndexedRecordIO(str(d / "indexed.idx"), str(d / "indexed.rec"), "r")
    assert [r.read_idx(k) for k in reversed(r.keys)] == recs[::-1]
    while r.read() is not None:
        pass
    golden["read_idx_after_eof"] = None if r.read_idx(0) is None else r.read_idx(0).hex()
    r.reset()
    golden["read_after_reset"] = r.read().hex()
    r.close()
    unpacked = []
    for rec in packed_records(mx.recordio):
        h, s = mx.recordio.unpack(rec)
        lab = h.label.tolist() if isinstance(h.label, np.ndarray) else h.label
        unpacked.append({"flag": h.flag, "label": lab, "id": h.id, "id2": h.id2,
                         "payload": s.hex()})
    golden["unpacked"] = unpacked

    # corrupt files: MXNet's messages
    data = (d / "plain.rec").read_bytes()
    errors = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, blob in (("truncated_header", data[:-3]), ("truncated_body", data[:14]),
                           ("bad_magic", b"x" * 12), ("bad_magic_later", data[:12] + b"y" * 8)):
            p = os.path.join(tmp, name + ".rec")
            with open(p, "wb") as f:
                f.write(blob)
            rr = mx.recordio.MXRecordIO(p, "r")
            n = 0
            try:
                while rr.read() is not None:
                    n += 1
                errors[name] = {"ok": n}
            except mx.base.MXNetError as e:
                errors[name] = {"read_before": n, "error": str(e).strip().splitlines()[-1]}
    golden["errors"] = errors

    # reverse direction: what mxcompat writes, MXNet reads (and the bytes are identical)
    py = os.environ.get("MXCOMPAT_PYTHON")
    if py:
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "mxc")
            code = WRITE_SNIPPET.format(tools=str(Path(__file__).parent), out=out)
            subprocess.run([py, "-c", code], check=True, cwd=str(ROOT))
            rr = mx.recordio.MXIndexedRecordIO(out + ".idx", out + ".rec", "r")
            assert [rr.read_idx(k) for k in rr.keys] == recs
            rr.close()
            assert Path(out + ".rec").read_bytes() == (d / "indexed.rec").read_bytes()
            assert Path(out + ".idx").read_text() == (d / "indexed.idx").read_text()
        print("record_io: mxcompat-written .rec/.idx read by MXNet, byte-identical: ok")
    (GOLDEN / "recordio.json").write_text(json.dumps(golden, indent=1, sort_keys=True) + "\n")
    print(f"record_io: recordio: {len(recs)} records -> {d}")


PARTS = {"recordio": record_recordio}

if __name__ == "__main__":
    for part in sys.argv[1:] or list(PARTS):
        PARTS[part]()
