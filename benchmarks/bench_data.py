"""One epoch of a DataLoader over an in-memory ArrayDataset (4096 images 3x32x32 float32 and
int64 labels, batch 64), with 0 and with 2 worker processes: mxcompat's
``gluon.data.DataLoader`` against ``torch.utils.data.DataLoader`` over the same arrays
(``TensorDataset``), and, where installed, real MXNet 1.9.1's ``gluon.data.DataLoader``.
Then the same over a RecordIO file of 512 JPEGs (64x64): ``ImageRecordDataset`` +
``transforms.ToTensor`` against a torch Dataset reading the same records by offset and
decoding with Pillow (needs ``mx.recordio``).

    python benchmarks/bench_data.py [--quick] [--mxnet-python PATH]

The Gluon loaders read ``ArrayDataset(mx.nd.array(X), mx.nd.array(y))`` as legacy scripts
build it; every batch is touched (its first element read) so lazy work is paid for. Workers
stay up between epochs on all three sides (MXNet's pool always does; torch gets
``persistent_workers=True``); the first epoch is a warm-up. torch and mxcompat run
alternately in one process; the table shows medians and ratios to torch from that run.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

WORKERS = (0, 2)


def _data(quick: bool):
    import numpy as np
    rs = np.random.RandomState(0)
    n = 512 if quick else 4096
    return rs.rand(n, 3, 32, 32).astype(np.float32), rs.randint(0, 10, n).astype(np.int64)


def torch_epoch(workers: int, quick: bool):
    import torch
    from torch.utils.data import DataLoader, TensorDataset
    torch.set_num_threads(int(os.environ.get("BENCH_THREADS", "2")))
    X, y = _data(quick)
    ds = TensorDataset(torch.from_numpy(X), torch.from_numpy(y))
    loader = DataLoader(ds, batch_size=64, num_workers=workers,
                        persistent_workers=workers > 0)

    def epoch():
        for xb, _yb in loader:
            xb[0, 0, 0, 0].item()
    return epoch


def gluon_epoch(workers: int, quick: bool, lib: str):
    if lib == "mxnet":
        import mxnet as mx
    else:
        import mxcompat as mx
        import torch
        torch.set_num_threads(int(os.environ.get("BENCH_THREADS", "2")))
    X, y = _data(quick)
    ds = mx.gluon.data.ArrayDataset(mx.nd.array(X), mx.nd.array(y, dtype="int64"))
    loader = mx.gluon.data.DataLoader(ds, batch_size=64, num_workers=workers)

    def epoch():
        for xb, _yb in loader:
            xb[0, 0, 0, 0].asscalar()
    return epoch


def _write_rec(prefix: str, n: int) -> None:
    """n 64x64 JPEGs in MXNet's RecordIO layout (magic, length, IRHeader, image, padding)."""
    import io
    import struct
    import numpy as np
    from PIL import Image
    rs = np.random.RandomState(1)
    base = rs.randint(0, 256, (64, 64, 3)).astype(np.uint8)
    offsets = []
    with open(prefix + ".rec", "wb") as f:
        for i in range(n):
            buf = io.BytesIO()
            Image.fromarray(np.roll(base, i, axis=1)).save(buf, format="JPEG", quality=90)
            rec = struct.pack("<IfQQ", 0, float(i % 10), i, 0) + buf.getvalue()
            offsets.append(f.tell())
            f.write(struct.pack("<II", 0xCED7230A, len(rec)) + rec + b"\0" * (-len(rec) % 4))
    with open(prefix + ".idx", "w") as f:
        f.writelines(f"{i}\t{o}\n" for i, o in enumerate(offsets))


class _TorchRec:
    """The torch side of the .rec case: records read by offset, decoded with Pillow."""

    def __init__(self, prefix: str):
        with open(prefix + ".idx") as f:
            self.offsets = [int(line.split("\t")[1]) for line in f]
        self.path = prefix + ".rec"
        self.f = None

    def __len__(self):
        return len(self.offsets)

    def __getitem__(self, i):
        import io
        import struct
        import numpy as np
        import torch
        from PIL import Image
        if self.f is None:
            self.f = open(self.path, "rb")
        self.f.seek(self.offsets[i])
        _, length = struct.unpack("<II", self.f.read(8))
        rec = self.f.read(length)
        label = struct.unpack("<f", rec[4:8])[0]
        img = np.asarray(Image.open(io.BytesIO(rec[24:])).convert("RGB"))
        return torch.from_numpy(img).permute(2, 0, 1).float().div(255), label


def rec_epochs(prefix: str, workers: int, quick: bool, lib: str):
    import numpy as np  # noqa: F401
    if lib == "torch":
        import torch
        from torch.utils.data import DataLoader
        torch.set_num_threads(int(os.environ.get("BENCH_THREADS", "2")))
        loader = DataLoader(_TorchRec(prefix), batch_size=32, num_workers=workers,
                            persistent_workers=workers > 0)

        def epoch():
            for xb, _yb in loader:
                xb[0, 0, 0, 0].item()
        return epoch
    if lib == "mxnet":
        import mxnet as mx
    else:
        import mxcompat as mx
    T = mx.gluon.data.vision.transforms
    ds = mx.gluon.data.vision.ImageRecordDataset(prefix + ".rec").transform_first(T.ToTensor())
    loader = mx.gluon.data.DataLoader(ds, batch_size=32, num_workers=workers)

    def epoch():
        for xb, _yb in loader:
            xb[0, 0, 0, 0].asscalar()
    return epoch


def rec_pair_worker(prefix: str, workers: int, quick: bool) -> list:
    fns = [rec_epochs(prefix, workers, quick, "torch"),
           rec_epochs(prefix, workers, quick, "mxcompat")]
    for f in fns:
        f()
    times: list = [[] for _ in fns]
    for _ in range(1 if quick else 5):
        for i, f in enumerate(fns):
            times[i].append(_time(f))
    return [statistics.median(t) for t in times]


def rec_mxnet_worker(prefix: str, workers: int, quick: bool) -> float:
    f = rec_epochs(prefix, workers, quick, "mxnet")
    f()
    return statistics.median(_time(f) for _ in range(1 if quick else 5))


def _time(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def pair_worker(workers: int, quick: bool) -> list:
    fns = [torch_epoch(workers, quick), gluon_epoch(workers, quick, "mxcompat")]
    for f in fns:
        f()  # warm-up epoch (starts the workers)
    times: list = [[] for _ in fns]
    for _ in range(1 if quick else 7):
        for i, f in enumerate(fns):
            times[i].append(_time(f))
    return [statistics.median(t) for t in times]


def mxnet_worker(workers: int, quick: bool) -> float:
    f = gluon_epoch(workers, quick, "mxnet")
    f()
    return statistics.median(_time(f) for _ in range(1 if quick else 7))


def _spawn(python: str, args: list):
    env = dict(os.environ)
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env["PYTHONPATH"] = root + os.pathsep + env.get("PYTHONPATH", "")
    r = subprocess.run([python, os.path.abspath(__file__)] + args, capture_output=True,
                       text=True, env=env)
    if r.returncode:
        raise SystemExit(f"worker {args} failed:\n{r.stderr}")
    return json.loads(r.stdout.strip().splitlines()[-1])


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--worker", help=argparse.SUPPRESS)
    p.add_argument("--workers", type=int, help=argparse.SUPPRESS)
    p.add_argument("--rec", help=argparse.SUPPRESS)
    p.add_argument("--quick", action="store_true")
    p.add_argument("--mxnet-python", default=None)
    args = p.parse_args(argv)
    if args.worker == "pair":
        print(json.dumps(pair_worker(args.workers, args.quick)))
        return 0
    if args.worker == "mxnet":
        print(json.dumps(mxnet_worker(args.workers, args.quick)))
        return 0
    if args.worker == "rec_pair":
        print(json.dumps(rec_pair_worker(args.rec, args.workers, args.quick)))
        return 0
    if args.worker == "rec_mxnet":
        print(json.dumps(rec_mxnet_worker(args.rec, args.workers, args.quick)))
        return 0
    q = ["--quick"] if args.quick else []
    n = 512 if args.quick else 4096
    print(f"{'DataLoader epoch, ' + str(n) + ' x 3x32x32, batch 64':40} {'median':>10} "
          f"{'vs torch':>9}")
    for w in WORKERS:
        t, m = _spawn(sys.executable, ["--worker", "pair", "--workers", str(w)] + q)
        print(f"-- num_workers={w}")
        print(f"{'  torch.utils.data.DataLoader':40} {t * 1e3:8.2f} ms {1.0:8.2f}x")
        print(f"{'  mxcompat gluon.data.DataLoader':40} {m * 1e3:8.2f} ms {m / t:8.2f}x")
        if args.mxnet_python:
            x = _spawn(args.mxnet_python, ["--worker", "mxnet", "--workers", str(w)] + q)
            print(f"{'  MXNet 1.9.1 gluon.data.DataLoader':40} {x * 1e3:8.2f} ms "
                  f"{x / t:8.2f}x   (mxcompat {m / x:.2f}x MXNet)")
    import importlib.util
    if importlib.util.find_spec("mxcompat.recordio") is None:
        print("-- .rec of JPEGs: skipped (this build has no mx.recordio)")
        return 0
    import tempfile
    n = 64 if args.quick else 512
    with tempfile.TemporaryDirectory() as tmp:
        prefix = os.path.join(tmp, "images")
        _write_rec(prefix, n)
        print(f"{'ImageRecordDataset epoch, ' + str(n) + ' JPEGs 64x64, batch 32':40}")
        for w in WORKERS:
            t, m = _spawn(sys.executable, ["--worker", "rec_pair", "--rec", prefix,
                                           "--workers", str(w)] + q)
            print(f"-- num_workers={w}")
            print(f"{'  torch DataLoader, Pillow decode':40} {t * 1e3:8.2f} ms {1.0:8.2f}x")
            print(f"{'  mxcompat ImageRecordDataset':40} {m * 1e3:8.2f} ms {m / t:8.2f}x")
            if args.mxnet_python:
                x = _spawn(args.mxnet_python, ["--worker", "rec_mxnet", "--rec", prefix,
                                               "--workers", str(w)] + q)
                print(f"{'  MXNet 1.9.1 ImageRecordDataset':40} {x * 1e3:8.2f} ms "
                      f"{x / t:8.2f}x   (mxcompat {m / x:.2f}x MXNet)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
