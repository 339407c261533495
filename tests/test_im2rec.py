"""``mxcompat im2rec`` against MXNet's own tools/im2rec.py (tools/oracle/record_io.py im2rec):
identical .lst files (recursive labels, seeded shuffle, train/test/val splits, chunks) and a
byte-identical pass-through .rec/.idx; packing with decode / crop / resize / re-encode
checked against the source pixels."""
import json
from pathlib import Path

import numpy as np
import pytest

import mxcompat as mx
from mxcompat.cli import main

HERE = Path(__file__).parent
ROOT = HERE / "fixtures" / "io" / "im2rec_root"
G = json.loads((HERE / "golden" / "im2rec.json").read_text())
ARGS = {"recursive": ["--list", "--recursive"],
        "split": ["--list", "--recursive", "--train-ratio", "0.6", "--test-ratio", "0.2"],
        "flat_noshuffle": ["--list", "--no-shuffle", "--exts", ".png"],
        "chunks": ["--list", "--recursive", "--chunks", "2"]}


@pytest.mark.parametrize("name", sorted(ARGS))
def test_lists_match_mxnet_tool(tmp_path, name, capsys):
    assert main(["im2rec", str(tmp_path / "data"), str(ROOT)] + ARGS[name]) == 0
    got = {p.name: p.read_text() for p in sorted(tmp_path.iterdir())}
    assert got == G[name]
    if "--recursive" in ARGS[name]:
        assert "dog/puppy 3" in capsys.readouterr().out


def test_pass_through_rec_is_byte_identical(tmp_path, capsys):
    (tmp_path / "data.lst").write_text(G["recursive"]["data.lst"])
    assert main(["im2rec", str(tmp_path / "data"), str(ROOT), "--pass-through"]) == 0
    out = capsys.readouterr().out
    assert "Creating .rec file from" in out and "count: 0" in out
    assert (tmp_path / "data.rec").read_bytes().hex() == G["pass_through_rec"]
    assert (tmp_path / "data.idx").read_text() == G["pass_through_idx"]


@pytest.mark.parametrize("threads", ["1", "3"])
def test_pack_resize_center_crop(tmp_path, threads):
    (tmp_path / "data.lst").write_text(G["recursive"]["data.lst"])
    assert main(["im2rec", str(tmp_path / "data"), str(ROOT), "--resize", "6",
                 "--center-crop", "--encoding", ".png", "--num-thread", threads]) == 0
    r = mx.recordio.MXIndexedRecordIO(str(tmp_path / "data.idx"), str(tmp_path / "data.rec"),
                                      "r")
    lst = [ln.split("\t") for ln in G["recursive"]["data.lst"].splitlines()]
    assert r.keys == [int(x[0]) for x in lst]  # list order kept with threads
    for key, label, rel in lst:
        h, img = mx.recordio.unpack_img(r.read_idx(int(key)))
        assert h.label == float(label) and h.id == int(key)
        assert img.shape == (6, 6, 3)  # a square crop, shorter edge 6
        src = mx.image.imread(str(ROOT / rel.strip()), to_rgb=False).asnumpy()
        side = min(src.shape[:2])
        y0, x0 = (src.shape[0] - side) // 2, (src.shape[1] - side) // 2
        ref = mx.image.imresize(mx.nd.array(src[y0:y0 + side, x0:x0 + side], dtype="uint8"),
                                6, 6, interp=1).asnumpy()
        np.testing.assert_array_equal(img, ref)  # PNG: lossless


def test_pack_jpeg_and_gray_and_multilabel(tmp_path):
    lines = ["0\t1.5\t2.0\tcat/img0.jpg", "1\t3.0\t4.0\tdog/img1.png"]
    (tmp_path / "m.lst").write_text("\n".join(lines) + "\n")
    assert main(["im2rec", str(tmp_path / "m"), str(ROOT), "--pack-label", "--color", "0",
                 "--quality", "90"]) == 0
    r = mx.recordio.MXIndexedRecordIO(str(tmp_path / "m.idx"), str(tmp_path / "m.rec"), "r")
    h, img = mx.recordio.unpack_img(r.read_idx(1), iscolor=-1)
    assert h.flag == 2 and h.label.tolist() == [3.0, 4.0]
    assert img.ndim == 2  # grey JPEG


def test_missing_and_broken_files_are_reported_and_skipped(tmp_path, capsys):
    (tmp_path / "b.lst").write_text("0\t0\tnope.jpg\n1\t1\tcat/notes.txt\n2\t2\ttop.png\n"
                                    "bad line\n")
    assert main(["im2rec", str(tmp_path / "b"), str(ROOT)]) == 0
    out = capsys.readouterr().out
    assert "nope.jpg" in out and "notes.txt" in out and "at least has three parts" in out
    r = mx.recordio.MXIndexedRecordIO(str(tmp_path / "b.idx"), str(tmp_path / "b.rec"), "r")
    assert r.keys == [2]


def test_no_list_found(tmp_path, capsys):
    assert main(["im2rec", str(tmp_path / "none"), str(ROOT)]) == 1
    assert "Did not find and list file" in capsys.readouterr().out
    assert main(["im2rec", str(tmp_path / "x"), str(tmp_path / "no_root"), "--list"]) == 1
