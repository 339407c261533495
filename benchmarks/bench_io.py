"""Data input speed: mx.recordio reads, ImageRecordIter over a .rec of JPEGs, and NDArrayIter
over in-memory arrays; mxcompat against torch's own pipeline (torch.utils.data.DataLoader,
Pillow decode) and, when available, real MXNet 1.9.1.

    python benchmarks/bench_io.py                 # 512 JPEGs of 256x256 -> 224x224 batches
    python benchmarks/bench_io.py --quick         # tiny sizes (a smoke run)
    python benchmarks/bench_io.py --mxnet-python /path/to/python   # MXNet elsewhere

Each library runs in its own fresh process; the figures are medians over repeated epochs
(after one warm-up epoch), from a warm page cache. ``recordio`` reads every record of the
.rec; ``imagerec`` decodes, center-crops and normalizes to (32, 3, 224, 224) float32
batches with 4 decoding threads (torch: a DataLoader with a Pillow dataset, no workers,
then the same with 4 worker processes); ``nditer`` iterates 50 000 x 784 float32 in
batches of 128 (torch: TensorDataset + DataLoader).
"""
from __future__ import annotations

import argparse
import io as _io
import json
import os
import statistics
import struct
import subprocess
import sys
import tempfile
import time
from typing import Callable, Dict, List

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

_MAGIC = 0xCED7230A


def make_rec(folder: str, n: int, size: int) -> str:
    """A .rec/.idx of ``n`` JPEG records (quality 90), written with the RecordIO format
    directly so that every library reads the same bytes."""
    import numpy as np
    from PIL import Image
    path = os.path.join(folder, "bench.rec")
    if os.path.exists(path):
        return path
    rs = np.random.RandomState(0)
    yy, xx = np.mgrid[0:size, 0:size]
    with open(path, "wb") as f, open(os.path.join(folder, "bench.idx"), "w") as fi:
        for i in range(n):
            base = np.stack([(xx * (i % 7 + 1)) % 256, (yy * (i % 5 + 1)) % 256,
                             ((xx + yy) * 3 + i) % 256], axis=2)
            img = np.clip(base + rs.randint(-12, 13, base.shape), 0, 255).astype(np.uint8)
            b = _io.BytesIO()
            Image.fromarray(img).save(b, "JPEG", quality=90)
            rec = struct.pack("<IfQQ", 0, float(i % 10), i, 0) + b.getvalue()
            fi.write("%d\t%d\n" % (i, f.tell()))
            f.write(struct.pack("<II", _MAGIC, len(rec)) + rec + b"\0" * ((-len(rec)) % 4))
    return path


def _median_ms(fn: Callable[[], object], repeats: int) -> float:
    fn()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1e3


def bench(lib: str, folder: str, quick: bool, repeats: int) -> Dict[str, float]:
    import numpy as np
    n_img = 32 if quick else 512
    rec = make_rec(folder, n_img, 64 if quick else 256)
    crop = 56 if quick else 224
    n_rows = 2000 if quick else 50000
    x = np.random.RandomState(1).standard_normal((n_rows, 784)).astype(np.float32)
    y = np.arange(n_rows, dtype=np.float32) % 10
    res: Dict[str, float] = {}
    mean = dict(mean_r=123.68, mean_g=116.28, mean_b=103.53, std_r=58.4, std_g=57.1,
                std_b=57.4)
    if lib in ("mxcompat", "mxnet"):
        if lib == "mxnet":
            import mxnet as mx
        else:
            import mxcompat as mx

        def read_all() -> None:
            r = mx.recordio.MXRecordIO(rec, "r")
            while r.read() is not None:
                pass
            r.close()

        res["recordio_ms"] = _median_ms(read_all, repeats)
        it = mx.io.ImageRecordIter(path_imgrec=rec, data_shape=(3, crop, crop), batch_size=32,
                                   preprocess_threads=4, **mean)

        def epoch() -> None:
            it.reset()
            for b in it:
                b.data[0].wait_to_read()

        res["imagerec_ms"] = _median_ms(epoch, repeats)
        nd_it = mx.io.NDArrayIter(x, y, batch_size=128)

        def nd_epoch() -> None:
            nd_it.reset()
            for b in nd_it:
                b.data[0].wait_to_read()

        res["nditer_ms"] = _median_ms(nd_epoch, repeats)
    elif lib.startswith("torch"):
        import torch
        # one intra-op thread, as in DataLoader workers (torch's pool of 2 threads made the
        # per-image normalization 10x slower on the busy machine the figures come from)
        torch.set_num_threads(1)
        from PIL import Image
        workers = 4 if lib == "torch-4workers" else 0
        offsets = []
        with open(rec.replace(".rec", ".idx")) as f:
            offsets = [int(line.split("\t")[1]) for line in f]

        def read_all() -> None:
            with open(rec, "rb") as f:
                while True:
                    h = f.read(8)
                    if not h:
                        break
                    n = struct.unpack("<II", h)[1] & ((1 << 29) - 1)
                    f.read((n + 3) & ~3)

        res["recordio_ms"] = _median_ms(read_all, repeats)
        m = torch.tensor([123.68, 116.28, 103.53]).view(3, 1, 1)
        s = torch.tensor([58.4, 57.1, 57.4]).view(3, 1, 1)

        class Rec(torch.utils.data.Dataset):
            def __len__(self) -> int:
                return len(offsets)

            def __getitem__(self, i: int):
                with open(rec, "rb") as f:
                    f.seek(offsets[i])
                    n = struct.unpack("<II", f.read(8))[1] & ((1 << 29) - 1)
                    buf = f.read(n)
                label = struct.unpack("<f", buf[4:8])[0]
                im = Image.open(_io.BytesIO(buf[24:])).convert("RGB")
                w, h = im.size
                im = im.crop(((w - crop) // 2, (h - crop) // 2, (w - crop) // 2 + crop,
                              (h - crop) // 2 + crop))
                t = torch.from_numpy(np.array(im)).permute(2, 0, 1).float()
                return (t - m) / s, label

        dl = torch.utils.data.DataLoader(Rec(), batch_size=32, num_workers=workers,
                                         persistent_workers=workers > 0)
        res["imagerec_ms"] = _median_ms(lambda: [b for b in dl], repeats)
        tdl = torch.utils.data.DataLoader(
            torch.utils.data.TensorDataset(torch.from_numpy(x), torch.from_numpy(y)),
            batch_size=128)
        res["nditer_ms"] = _median_ms(lambda: [b for b in tdl], repeats)
    else:
        raise SystemExit(f"unknown library {lib}")
    return res


def _real_mxnet_here() -> bool:
    try:
        import mxnet.base
    except Exception:
        return False
    return hasattr(mxnet.base, "_LIB")


def main(argv: List[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--repeats", type=int, default=None)
    ap.add_argument("--dir", default=None)
    ap.add_argument("--mxnet-python", default=None)
    ap.add_argument("--worker", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args(argv)
    repeats = a.repeats or (1 if a.quick else 5)
    folder = a.dir or tempfile.mkdtemp(prefix="bench_io_")
    if a.worker:
        print(json.dumps(bench(a.worker, folder, a.quick, repeats)))
        return 0
    make_rec(folder, 32 if a.quick else 512, 64 if a.quick else 256)
    libs = ["mxcompat", "torch"] + ([] if a.quick else ["torch-4workers"])
    pythons = {lib: sys.executable for lib in libs}
    if _real_mxnet_here():
        pythons["mxnet"] = sys.executable
    elif a.mxnet_python:
        pythons["mxnet"] = a.mxnet_python
    results: Dict[str, Dict[str, float]] = {}
    for lib, py in pythons.items():
        if a.quick:
            results[lib] = bench(lib, folder, True, repeats)
            continue
        r = subprocess.run([py, os.path.abspath(__file__), "--worker", lib, "--dir", folder,
                            "--repeats", str(repeats)], capture_output=True, text=True,
                           env=dict(os.environ, PYTHONPATH=ROOT))
        if r.returncode:
            print(f"{lib}: failed\n{r.stderr[-1500:]}", file=sys.stderr)
            continue
        results[lib] = json.loads(r.stdout.strip().splitlines()[-1])
    if a.json:
        print(json.dumps(results, indent=1))
        return 0
    keys = ["recordio_ms", "imagerec_ms", "nditer_ms"]
    print(f"{'library':16s}" + "".join(f"{k:>14s}" for k in keys))
    for lib, r in results.items():
        print(f"{lib:16s}" + "".join(f"{r[k]:14.1f}" for k in keys))
    base = results.get("mxcompat")
    for other in ("torch", "torch-4workers", "mxnet"):
        if base and other in results:
            print(f"mxcompat / {other:14s}" + "".join(
                f"{base[k] / results[other][k]:14.2f}" for k in keys))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
