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


# ---- mx.io -----------------------------------------------------------------------------------
def io_fixture_files(d):
    """Deterministic CSV / LibSVM / MNIST / image .rec inputs (also built by the tests)."""
    d.mkdir(parents=True, exist_ok=True)
    data = (np.arange(30).reshape(10, 3) * 1.5 - 7).astype(np.float32)
    np.savetxt(d / "data.csv", data, delimiter=",", fmt="%g")
    np.savetxt(d / "label.csv", np.arange(10) % 3, delimiter=",", fmt="%d")
    np.savetxt(d / "label2.csv", np.arange(20).reshape(10, 2), delimiter=",", fmt="%d")
    (d / "data.libsvm").write_text("1.0 0:0.5 2:1.2\n-2.0\n-3.0 0:0.6 1:2.4 2:1.2\n"
                                   "4 2:-1.2\n0 1:7\n")
    (d / "label.libsvm").write_text("1.0\n-2.0 0:0.125\n-3.0 2:1.2\n4 1:1.0 2:-1.2\n1 0:1\n")
    import struct as st
    imgs = (np.arange(7 * 28 * 28) % 251).astype(np.uint8).reshape(7, 28, 28)
    (d / "mnist-images-idx3-ubyte").write_bytes(st.pack(">IIII", 2051, 7, 28, 28) + imgs.tobytes())
    (d / "mnist-labels-idx1-ubyte").write_bytes(st.pack(">II", 2049, 7)
                                                + (np.arange(7) % 10).astype(np.uint8).tobytes())


def image_fixture_images():
    """Small RGB images of assorted sizes (HWC uint8), fixed."""
    rng = np.random.RandomState(42)
    out = []
    for h, w in [(10, 12), (11, 14), (16, 9), (12, 12), (7, 10), (20, 18)]:
        yy, xx = np.mgrid[0:h, 0:w]
        base = np.stack([(xx * 255 // max(w - 1, 1)), (yy * 255 // max(h - 1, 1)),
                         ((xx + yy) * 20) % 256], axis=2)
        noise = rng.randint(-20, 21, (h, w, 3))
        out.append(np.clip(base + noise, 0, 255).astype(np.uint8))
    return out


def png_bytes(rgb):
    import io as _io
    from PIL import Image
    b = _io.BytesIO()
    Image.fromarray(rgb).save(b, "PNG")
    return b.getvalue()


def write_image_rec(recordio, d, multi=False):
    name = "images_multi" if multi else "images"
    w = recordio.MXIndexedRecordIO(str(d / (name + ".idx")), str(d / (name + ".rec")), "w")
    for i, a in enumerate(image_fixture_images()):
        label = [float(i), float(i) / 2, -1.0] if multi else float(i % 4)
        w.write_idx(i, recordio.pack(recordio.IRHeader(0, label, i, 0), png_bytes(a)))
    w.close()


def _batches(it, n_epochs=3, limit=20):
    out = []
    for _ in range(n_epochs):
        ep = []
        for b in it:
            ep.append({"data": [x.asnumpy().tolist() if not hasattr(x, "stype") or
                                x.stype == "default" else x.asnumpy().tolist()
                                for x in b.data],
                       "label": [x.asnumpy().tolist() for x in (b.label or [])],
                       "pad": b.pad,
                       "index": None if b.index is None else [int(v) for v in b.index]})
            if len(ep) >= limit:
                break
        out.append(ep)
        it.reset()
    return out


NDITER_CASES = [
    # (name, data expression, label expression, kwargs); evaluated with np / mx in scope
    ("pad", "np.arange(20).reshape(10, 2)", "np.arange(10)", dict(batch_size=4)),
    ("discard", "np.arange(20).reshape(10, 2)", "np.arange(10)",
     dict(batch_size=4, last_batch_handle="discard")),
    ("roll_over", "np.arange(20).reshape(10, 2)", "np.arange(10)",
     dict(batch_size=4, last_batch_handle="roll_over")),
    ("roll_over_3", "np.arange(7)", None, dict(batch_size=3, last_batch_handle="roll_over")),
    ("pad_big", "np.arange(10)", None, dict(batch_size=25)),
    ("shuffle_pad", "np.arange(24).reshape(8, 3)", "np.arange(8) * 10",
     dict(batch_size=3, shuffle=True)),
    ("shuffle_roll", "np.arange(16).reshape(8, 2)", "np.arange(8)",
     dict(batch_size=3, shuffle=True, last_batch_handle="roll_over")),
    ("dict", "{'b': np.arange(12).reshape(6, 2), 'a': np.ones((6, 1, 2))}",
     "{'lab': np.arange(6)}", dict(batch_size=4)),
    ("list", "[np.arange(6), np.arange(6) * 2.5]", "[np.arange(6) % 2]",
     dict(batch_size=4, data_name="x", label_name="y")),
    ("nd_float64", "mx.nd.array(np.arange(10), dtype='float64')", None, dict(batch_size=4)),
    ("int32", "np.arange(10, dtype=np.int32)", "np.arange(10, dtype=np.int64)",
     dict(batch_size=4)),
    ("layout_ntc", "np.arange(24).reshape(2, 6, 2)", None, dict(batch_size=4, layout="TNC")),
]


def record_io_part():
    import mxnet as mx
    d = FIX / "io"
    io_fixture_files(d)
    write_image_rec(mx.recordio, d)
    write_image_rec(mx.recordio, d, multi=True)
    g = {"nditer": {}, "native": {}}
    for name, dexp, lexp, kw in NDITER_CASES:
        np.random.seed(7)
        data = eval(dexp)
        label = eval(lexp) if lexp else None
        it = mx.io.NDArrayIter(data, label, **kw)
        g["nditer"][name] = {"provide_data": [repr(x) for x in it.provide_data],
                             "provide_label": [repr(x) for x in it.provide_label],
                             "epochs": _batches(it),
                             "dtypes": [str(v.dtype) for _, v in it.data + it.label]}
    g["datadesc"] = {"repr": repr(mx.io.DataDesc("x", (2, 3))),
                     "axis": [mx.io.DataDesc.get_batch_axis(x) for x in (None, "NCHW", "TNC",
                                                                         "CHW")],
                     "list": [repr(x) for x in mx.io.DataDesc.get_list(
                         [("a", (1, 2)), ("b", (3,))], [("a", np.int32), ("b", np.float16)])]}
    b = mx.io.DataBatch([mx.nd.ones((2, 3))], [mx.nd.ones((2,))], pad=1)
    g["databatch_str"] = str(b)
    g["databatch_str_nolabel"] = str(mx.io.DataBatch([mx.nd.ones((2, 3))]))
    native = {
        "csv": ("CSVIter", dict(data_csv="data.csv", data_shape=(3,), batch_size=4)),
        "csv_label": ("CSVIter", dict(data_csv="data.csv", data_shape=(3,),
                                      label_csv="label.csv", batch_size=3)),
        "csv_norb": ("CSVIter", dict(data_csv="data.csv", data_shape=(3,),
                                     label_csv="label2.csv", label_shape=(2,), batch_size=4,
                                     round_batch=False)),
        "csv_int": ("CSVIter", dict(data_csv="data.csv", data_shape=(1, 3), batch_size=6,
                                    dtype="int32")),
        "libsvm": ("LibSVMIter", dict(data_libsvm="data.libsvm", data_shape=(3,),
                                      batch_size=3)),
        "libsvm_label": ("LibSVMIter", dict(data_libsvm="data.libsvm", data_shape=(3,),
                                            label_libsvm="label.libsvm", label_shape=(3,),
                                            batch_size=2)),
        "mnist": ("MNISTIter", dict(image="mnist-images-idx3-ubyte",
                                    label="mnist-labels-idx1-ubyte", batch_size=3,
                                    shuffle=False, silent=True)),
        "mnist_shuffle": ("MNISTIter", dict(image="mnist-images-idx3-ubyte",
                                            label="mnist-labels-idx1-ubyte", batch_size=2,
                                            shuffle=True, seed=10, silent=True)),
        "mnist_flat": ("MNISTIter", dict(image="mnist-images-idx3-ubyte",
                                         label="mnist-labels-idx1-ubyte", batch_size=2,
                                         shuffle=False, flat=True, silent=True)),
        "imgrec": ("ImageRecordIter", dict(path_imgrec="images.rec", data_shape=(3, 8, 8),
                                           batch_size=4)),
        "imgrec_norm": ("ImageRecordIter", dict(path_imgrec="images.rec",
                                                data_shape=(3, 6, 7), batch_size=3,
                                                mean_r=120, mean_g=110.5, mean_b=100,
                                                std_r=60, std_g=50, std_b=40, scale=0.5,
                                                mirror=True, preprocess_threads=2)),
        "imgrec_resize": ("ImageRecordIter", dict(path_imgrec="images.rec",
                                                  path_imgidx="images.idx",
                                                  data_shape=(3, 9, 9), batch_size=5,
                                                  resize=11)),
        "imgrec_enlarge": ("ImageRecordIter", dict(path_imgrec="images.rec",
                                                   data_shape=(3, 15, 13), batch_size=6)),
        "imgrec_u8": ("ImageRecordUInt8Iter", dict(path_imgrec="images.rec",
                                                   data_shape=(3, 7, 7), batch_size=4,
                                                   resize=8, inter_method=2)),
        "imgrec_shuffle": ("ImageRecordIter", dict(path_imgrec="images.rec",
                                                   data_shape=(3, 7, 7), batch_size=4,
                                                   shuffle=True, seed=3)),
        "imgrec_rand": ("ImageRecordIter", dict(path_imgrec="images.rec", data_shape=(3, 6, 6),
                                                batch_size=4, rand_crop=True, rand_mirror=True,
                                                preprocess_threads=1)),
        "imgrec_randmirror": ("ImageRecordIter", dict(path_imgrec="images.rec",
                                                      data_shape=(3, 5, 5), batch_size=4,
                                                      rand_mirror=True, shuffle=True,
                                                      preprocess_threads=1)),
        "imgrec_gray": ("ImageRecordIter", dict(path_imgrec="images.rec",
                                                data_shape=(1, 7, 7), batch_size=6)),
        "imgrec_multilabel": ("ImageRecordIter", dict(path_imgrec="images_multi.rec",
                                                      data_shape=(3, 7, 7), batch_size=4,
                                                      label_width=3)),
    }
    cwd = os.getcwd()
    os.chdir(d)
    try:
        for name, (cls, kw) in native.items():
            it = getattr(mx.io, cls)(**kw)
            g["native"][name] = {"cls": cls, "kwargs": kw,
                                 "provide_data": [repr(x) for x in it.provide_data],
                                 "provide_label": [repr(x) for x in it.provide_label],
                                 "epochs": _batches(it, 3)}
    finally:
        os.chdir(cwd)
    (GOLDEN / "io.json").write_text(json.dumps(g, sort_keys=True) + "\n")
    print(f"record_io: io: {len(g['nditer'])} NDArrayIter cases, {len(g['native'])} file "
          "iterators")


# ---- mx.image --------------------------------------------------------------------------------
def record_image_part():
    import random
    import mxnet as mx
    imgs = image_fixture_images()
    g = {"resize": [], "ops": {}}
    for k, a in enumerate(imgs[:3]):
        x = mx.nd.array(a, dtype="uint8")
        for (w, h) in [(5, 4), (24, 20), (a.shape[1] // 2, a.shape[0] // 2), (13, 7)]:
            for interp in range(5):
                g["resize"].append({"img": k, "w": w, "h": h, "interp": interp,
                                    "u8": mx.image.imresize(x, w, h, interp=interp)
                                    .asnumpy().tolist(),
                                    "f32": mx.image.imresize(x.astype("float32"), w, h,
                                                             interp=interp)
                                    .asnumpy().tolist()})
    # mx.nd.image.resize (the op behind gluon's Resize / CropResize): the same cv::resize,
    # (width, height) or a short edge with keep_ratio, HWC and NHWC
    g["nd_resize"] = []
    for k, a in enumerate(imgs[:3]):
        x = mx.nd.array(a, dtype="uint8")
        for size, keep in [((5, 4), False), ((24, 20), False), ((31, 29), False),
                           ((a.shape[1] // 2, a.shape[0] // 2), False), ((13, 7), False),
                           ((25,), True), ((6,), False)]:
            for interp in range(5):
                g["nd_resize"].append({
                    "img": k, "size": list(size), "keep_ratio": keep, "interp": interp,
                    "u8": mx.nd.image.resize(x, size=size, keep_ratio=keep, interp=interp)
                    .asnumpy().tolist(),
                    "f32": mx.nd.image.resize(x.astype("float32"), size=size, keep_ratio=keep,
                                              interp=interp).asnumpy().tolist()})
    batch = mx.nd.array(np.stack([imgs[3], imgs[3][::-1]]), dtype="uint8")
    g["nd_resize_batch"] = {str(i): mx.nd.image.resize(batch, size=(17, 23), interp=i)
                            .asnumpy().tolist() for i in range(5)}
    a = mx.nd.array(imgs[1], dtype="uint8")
    ops = g["ops"]
    ops["resize_short"] = mx.image.resize_short(a, 6).asnumpy().tolist()
    ops["resize_short_9"] = mx.image.resize_short(a, 20, interp=9).asnumpy().tolist()
    ops["center_crop"] = [mx.image.center_crop(a, (5, 4))[0].asnumpy().tolist(),
                          list(mx.image.center_crop(a, (5, 4))[1])]
    ops["center_crop_up"] = [mx.image.center_crop(a, (30, 8))[0].asnumpy().tolist(),
                             list(mx.image.center_crop(a, (30, 8))[1])]
    ops["fixed_crop"] = mx.image.fixed_crop(a, 2, 1, 6, 5, size=(4, 4)).asnumpy().tolist()
    ops["scale_down"] = [list(mx.image.scale_down(s, z)) for s, z in
                         [((640, 480), (720, 120)), ((640, 480), (480, 640)),
                          ((100, 50), (30, 60))]]
    f = a.astype("float32")
    ops["color_normalize"] = mx.image.color_normalize(
        f.copy(), mx.nd.array([100, 110, 120]), mx.nd.array([50, 60, 70])).asnumpy().tolist()
    ops["border"] = mx.image.copyMakeBorder(a, 1, 2, 3, 0, type=0, value=7).asnumpy().tolist()
    ops["border_rep"] = mx.image.copyMakeBorder(a, 2, 1, 0, 2, type=1).asnumpy().tolist()
    random.seed(5)
    np.random.seed(5)
    ops["random_crop"] = [[r[0].asnumpy().tolist(), list(r[1])] for r in
                          (mx.image.random_crop(a, (5, 6)) for _ in range(3))]
    ops["random_size_crop"] = [[r[0].asnumpy().tolist(), list(r[1])] for r in
                               (mx.image.random_size_crop(a, (6, 6), 0.3, (0.75, 1.33))
                                for _ in range(3))]
    # the augmenter pipeline with every option, seeded
    augs = mx.image.CreateAugmenter((3, 6, 6), resize=8, rand_crop=True, rand_resize=True,
                                    rand_mirror=True, mean=True, std=True, brightness=0.2,
                                    contrast=0.2, saturation=0.2, hue=0.1, pca_noise=0.1,
                                    rand_gray=0.3, inter_method=1)
    g["aug_names"] = [type(x).__name__ for x in augs]
    g["aug_dumps"] = [x.dumps() for x in augs]
    outs = []
    random.seed(11)
    np.random.seed(11)
    for k in range(4):
        y = mx.nd.array(imgs[k], dtype="uint8")
        for aug in augs:
            y = aug(y)
        outs.append(y.asnumpy().tolist())
    g["aug_out"] = outs
    # ImageIter over the .rec fixture (center crop: deterministic) and an imglist
    d = FIX / "io"
    it = mx.image.ImageIter(4, (3, 6, 6), path_imgrec=str(d / "images.rec"),
                            path_imgidx=str(d / "images.idx"), last_batch_handle="roll_over")
    g["imageiter_roll"] = _batches(it, 3)
    it = mx.image.ImageIter(4, (3, 5, 5), path_imgrec=str(d / "images.rec"), resize=7,
                            last_batch_handle="pad")
    g["imageiter_pad"] = _batches(it, 2)
    # decode: the PNGs are lossless; the JPEG bound is measured by the tests against these
    g["decode"] = {}
    jpeg = base64.b64decode(JPEG_B64)
    g["decode"]["jpeg_rgb"] = mx.image.imdecode(jpeg).asnumpy().tolist()
    g["decode"]["jpeg_bgr"] = mx.image.imdecode(jpeg, to_rgb=False).asnumpy().tolist()
    g["decode"]["jpeg_gray"] = mx.image.imdecode(jpeg, flag=0).asnumpy().tolist()
    g["decode"]["png_rgb"] = mx.image.imdecode(png_bytes(imgs[0])).asnumpy().tolist()
    (GOLDEN / "image.json").write_text(json.dumps(g, sort_keys=True) + "\n")
    print(f"record_io: image: {len(g['resize'])} resize cases, {len(g['nd_resize'])} "
          "nd.image.resize cases")


# ---- im2rec --------------------------------------------------------------------------------
def im2rec_tree(root):
    """A small image folder: two classes, PNG and JPEG files, one non-image."""
    from PIL import Image
    imgs = image_fixture_images()
    (root / "cat").mkdir(parents=True, exist_ok=True)
    (root / "dog" / "puppy").mkdir(parents=True, exist_ok=True)
    for k, a in enumerate(imgs):
        sub = ["cat", "dog", "dog/puppy"][k % 3]
        name = root / sub / ("img%d.%s" % (k, "png" if k % 2 else "jpg"))
        if not name.exists():
            Image.fromarray(a).save(name, quality=90) if k % 2 == 0 else \
                name.write_bytes(png_bytes(a))
    (root / "cat" / "notes.txt").write_text("not an image")
    (root / "top.png").write_bytes(png_bytes(imgs[0][:5, :6]))


def _run_mxnet_im2rec(argv):
    """MXNet's own tools/im2rec.py (its list and pass-through paths need no OpenCV)."""
    import runpy
    import types
    saved = sys.argv, sys.modules.get("cv2")
    sys.modules["cv2"] = types.ModuleType("cv2")
    sys.argv = ["im2rec.py"] + argv
    try:
        runpy.run_path("/work/mxnet-1.9.1/tools/im2rec.py", run_name="__main__")
        import gc
        gc.collect()  # the tool never closes its writer: its destructor flushes the file
    finally:
        sys.argv = saved[0]
        if saved[1] is None:
            del sys.modules["cv2"]


def record_im2rec_part():
    import mxnet as mx
    root = FIX / "io" / "im2rec_root"
    im2rec_tree(root)
    g = {}
    with tempfile.TemporaryDirectory() as tmp:
        runs = {"recursive": ["--list", "--recursive"],
                "split": ["--list", "--recursive", "--train-ratio", "0.6", "--test-ratio",
                          "0.2"],
                "flat_noshuffle": ["--list", "--no-shuffle", "--exts", ".png"],
                "chunks": ["--list", "--recursive", "--chunks", "2"]}
        for name, argv in runs.items():
            d = os.path.join(tmp, name)
            os.makedirs(d)
            _run_mxnet_im2rec([os.path.join(d, "data"), str(root)] + argv)
            g[name] = {f: Path(d, f).read_text() for f in sorted(os.listdir(d))}
        d = os.path.join(tmp, "recursive")
        _run_mxnet_im2rec([os.path.join(d, "data"), str(root), "--pass-through"])
        g["pass_through_rec"] = Path(d, "data.rec").read_bytes().hex()
        g["pass_through_idx"] = Path(d, "data.idx").read_text()
        py = os.environ.get("MXCOMPAT_PYTHON")
        if py:
            # mxcompat's packing (decode, crop, resize, JPEG) read by MXNet's ImageRecordIter
            e = os.path.join(tmp, "mxc")
            os.makedirs(e)
            Path(e, "data.lst").write_text(g["recursive"]["data.lst"])
            subprocess.run([py, "-m", "mxcompat", "im2rec", os.path.join(e, "data"), str(root),
                            "--resize", "12", "--center-crop", "--num-thread", "2"], check=True,
                           stdout=subprocess.DEVNULL)
            it = mx.io.ImageRecordIter(path_imgrec=os.path.join(e, "data.rec"),
                                       data_shape=(3, 12, 12), batch_size=2)
            mx_pixels = np.concatenate([b.data[0].asnumpy() for b in it])
            code = ("import mxcompat as mx, numpy as np, sys\n"
                    "it = mx.io.ImageRecordIter(path_imgrec=sys.argv[1], data_shape=(3, 12, 12),"
                    " batch_size=2)\n"
                    "np.save(sys.argv[2], np.concatenate([b.data[0].asnumpy() for b in it]))\n")
            subprocess.run([py, "-c", code, os.path.join(e, "data.rec"),
                            os.path.join(e, "px.npy")], check=True)
            diff = np.abs(np.load(os.path.join(e, "px.npy")) - mx_pixels).max()
            print(f"record_io: im2rec: mxcompat-packed .rec read by MXNet, max pixel diff {diff}")
            assert diff <= 1
    (GOLDEN / "im2rec.json").write_text(json.dumps(g, indent=1, sort_keys=True) + "\n")
    print(f"record_io: im2rec: {len(runs)} list runs, pass-through .rec")


PARTS = {"recordio": record_recordio, "io": record_io_part, "image": record_image_part,
         "im2rec": record_im2rec_part}

if __name__ == "__main__":
    for part in sys.argv[1:] or list(PARTS):
        PARTS[part]()
