"""``mxcompat im2rec PREFIX ROOT``: MXNet's ``tools/im2rec.py`` without MXNet or OpenCV.

With ``--list``: walk ROOT and write PREFIX.lst (``index<TAB>label(s)<TAB>relative path``;
``--recursive`` gives each sub-folder its own label; shuffled with Python's ``random.seed(100)``
like MXNet's tool, so the lists are identical; ``--train-ratio`` / ``--test-ratio`` /
``--chunks`` split them). Without it: pack every PREFIX*.lst into .rec/.idx beside it,
decoding with Pillow, optionally center-cropping to a square and resizing the shorter edge,
re-encoding as JPEG (``--quality``) or PNG, or storing the file bytes (``--pass-through``),
in ``--num-thread`` threads; the records keep the list's order. Progress lines
(``time: ...  count: ...``) every 1000 images, as MXNet's tool prints them.
"""
from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
import traceback
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Iterator, List

from .base import MXNetError


def list_image(root: str, recursive: bool, exts: List[str]) -> Iterator[tuple]:
    """(index, relative path, label) of the images under ``root``, in sorted order."""
    i = 0
    if recursive:
        cat: dict = {}
        for path, dirs, files in os.walk(root, followlinks=True):
            dirs.sort()
            files.sort()
            for fname in files:
                fpath = os.path.join(path, fname)
                suffix = os.path.splitext(fname)[1].lower()
                if os.path.isfile(fpath) and suffix in exts:
                    if path not in cat:
                        cat[path] = len(cat)
                    yield i, os.path.relpath(fpath, root), cat[path]
                    i += 1
        for k, v in sorted(cat.items(), key=lambda x: x[1]):
            print(os.path.relpath(k, root), v)
    else:
        for fname in sorted(os.listdir(root)):
            fpath = os.path.join(root, fname)
            suffix = os.path.splitext(fname)[1].lower()
            if os.path.isfile(fpath) and suffix in exts:
                yield i, os.path.relpath(fpath, root), 0
                i += 1


def write_list(path_out: str, image_list: list) -> None:
    """Writes a .lst file atomically."""
    d = os.path.dirname(os.path.abspath(path_out))
    fd, tmp = tempfile.mkstemp(prefix="." + os.path.basename(path_out) + ".", dir=d)
    try:
        with os.fdopen(fd, "w") as fout:
            for item in image_list:
                line = "%d\t" % item[0]
                for j in item[2:]:
                    line += "%f\t" % j
                line += "%s\n" % item[1]
                fout.write(line)
        os.replace(tmp, path_out)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def make_list(args: argparse.Namespace) -> None:
    image_list = list(list_image(args.root, args.recursive, args.exts))
    if args.shuffle is True:
        random.seed(100)
        random.shuffle(image_list)
    n = len(image_list)
    chunk_size = (n + args.chunks - 1) // args.chunks
    for i in range(args.chunks):
        chunk = image_list[i * chunk_size:(i + 1) * chunk_size]
        str_chunk = "_%d" % i if args.chunks > 1 else ""
        sep = int(chunk_size * args.train_ratio)
        sep_test = int(chunk_size * args.test_ratio)
        if args.train_ratio == 1.0:
            write_list(args.prefix + str_chunk + ".lst", chunk)
        else:
            if args.test_ratio:
                write_list(args.prefix + str_chunk + "_test.lst", chunk[:sep_test])
            if args.train_ratio + args.test_ratio < 1.0:
                write_list(args.prefix + str_chunk + "_val.lst", chunk[sep_test + sep:])
            write_list(args.prefix + str_chunk + "_train.lst", chunk[sep_test:sep_test + sep])


def read_list(path_in: str) -> Iterator[list]:
    """[index, path, label, ...] items of a .lst file (bad lines are reported and skipped,
    as MXNet's tool does)."""
    with open(path_in) as fin:
        for line in fin:
            parts = [i.strip() for i in line.strip().split("\t")]
            if len(parts) < 3:
                print("lst should have at least has three parts, but only has %s parts for %s"
                      % (len(parts), parts))
                continue
            try:
                item = [int(parts[0])] + [parts[-1]] + [float(i) for i in parts[1:-1]]
            except ValueError as e:
                print("Parsing lst met error for %s, detail: %s" % (parts, e))
                continue
            yield item


def image_encode(args: argparse.Namespace, item: list) -> Any:
    """The packed record of one list item, or None (after printing why) on failure."""
    from . import recordio
    from .image import _cv
    fullpath = os.path.join(args.root, item[1])
    if len(item) > 3 and args.pack_label:
        header = recordio.IRHeader(0, item[2:], item[0], 0)
    else:
        header = recordio.IRHeader(0, item[2], item[0], 0)
    try:
        with open(fullpath, "rb") as fin:
            raw = fin.read()
    except OSError as e:
        print("imread error trying to load file: %s (%s)" % (fullpath, e.strerror or e))
        return None
    if args.pass_through:
        return recordio.pack(header, raw)
    try:
        img = _cv.decode(raw, args.color, to_rgb=False)  # OpenCV's B, G, R order
    except MXNetError as e:
        print("imread read blank (None) image for file: %s (%s)" % (fullpath, e))
        return None
    if img.shape[2] == 1:
        img = img[:, :, 0]
    if args.center_crop:
        if img.shape[0] > img.shape[1]:
            margin = (img.shape[0] - img.shape[1]) // 2
            img = img[margin:margin + img.shape[1], :]
        else:
            margin = (img.shape[1] - img.shape[0]) // 2
            img = img[:, margin:margin + img.shape[0]]
    if args.resize:
        if img.shape[0] > img.shape[1]:
            newsize = (args.resize, img.shape[0] * args.resize // img.shape[1])
        else:
            newsize = (img.shape[1] * args.resize // img.shape[0], args.resize)
        img = _cv.resize(img, newsize[0], newsize[1], 1)
    try:
        return recordio.pack_img(header, img, quality=args.quality, img_fmt=args.encoding)
    except Exception as e:  # noqa: BLE001 - reported per file, as MXNet's tool does
        traceback.print_exc()
        print("pack_img error on file: %s" % fullpath, e)
        return None


def pack_list(args: argparse.Namespace, fname: str, working_dir: str) -> int:
    from . import recordio
    base = os.path.splitext(os.path.basename(fname))[0]
    record = recordio.MXIndexedRecordIO(os.path.join(working_dir, base + ".idx"),
                                        os.path.join(working_dir, base + ".rec"), "w")
    items = list(read_list(fname))
    pre_time = time.time()
    count = written = 0
    pool = ThreadPoolExecutor(args.num_thread) if args.num_thread > 1 else None
    try:
        results = pool.map(lambda it: image_encode(args, it), items) if pool else \
            (image_encode(args, it) for it in items)
        for item, s in zip(items, results):
            if s is not None:
                record.write_idx(item[0], s)
                written += 1
            if count % 1000 == 0:
                cur_time = time.time()
                print("time:", cur_time - pre_time, " count:", count)
                sys.stdout.flush()
                pre_time = cur_time
            count += 1
    finally:
        if pool is not None:
            pool.shutdown()
        record.close()
    return written


def add_parser(sub: Any) -> None:
    p = sub.add_parser("im2rec", help="make an image list / pack images into .rec/.idx "
                       "(MXNet's tools/im2rec.py)",
                       formatter_class=argparse.ArgumentDefaultsHelpFormatter,
                       description="Create an image list or make a record database by reading "
                       "from an image list (MXNet's im2rec.py, with Pillow instead of OpenCV).")
    p.add_argument("prefix", help="prefix of input/output lst and rec files.")
    p.add_argument("root", help="path to folder containing images.")
    c = p.add_argument_group("Options for creating image lists")
    c.add_argument("--list", action="store_true",
                   help="create image list(s) by traversing root and write <prefix>.lst; "
                        "otherwise read <prefix>*.lst and create <prefix>.rec")
    c.add_argument("--exts", nargs="+", default=[".jpeg", ".jpg", ".png"],
                   help="list of acceptable image extensions.")
    c.add_argument("--chunks", type=int, default=1, help="number of chunks.")
    c.add_argument("--train-ratio", type=float, default=1.0,
                   help="Ratio of images to use for training.")
    c.add_argument("--test-ratio", type=float, default=0, help="Ratio of images to use for "
                   "testing.")
    c.add_argument("--recursive", action="store_true",
                   help="walk sub-folders, one label per folder (otherwise root's images, "
                        "label 0)")
    c.add_argument("--no-shuffle", dest="shuffle", action="store_false",
                   help="keep the sorted order in <prefix>.lst")
    r = p.add_argument_group("Options for creating database")
    r.add_argument("--pass-through", action="store_true",
                   help="store the image files' bytes unchanged")
    r.add_argument("--resize", type=int, default=0,
                   help="resize the shorter edge to this size (0: keep)")
    r.add_argument("--center-crop", action="store_true",
                   help="crop the center square first")
    r.add_argument("--quality", type=int, default=95,
                   help="JPEG quality 1-100, or PNG compression 1-9")
    r.add_argument("--num-thread", type=int, default=1,
                   help="encoding threads (the records keep the list order)")
    r.add_argument("--color", type=int, default=1, choices=[-1, 0, 1],
                   help="1: color, 0: grayscale, -1: unchanged (with alpha)")
    r.add_argument("--encoding", type=str, default=".jpg", choices=[".jpg", ".png"],
                   help="encoding of the stored images")
    r.add_argument("--pack-label", action="store_true",
                   help="also pack multi-dimensional labels into the records")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    args.prefix = os.path.abspath(args.prefix)
    args.root = os.path.abspath(args.root)
    if not os.path.isdir(args.root):
        raise MXNetError(f"im2rec: image root {args.root!r} is not a directory")
    if args.list:
        make_list(args)
        return 0
    working_dir = args.prefix if os.path.isdir(args.prefix) else os.path.dirname(args.prefix)
    files = sorted(os.path.join(working_dir, f) for f in os.listdir(working_dir)
                   if os.path.isfile(os.path.join(working_dir, f)))
    count = 0
    for fname in files:
        if fname.startswith(args.prefix) and fname.endswith(".lst"):
            print("Creating .rec file from", fname, "in", working_dir)
            sys.stdout.flush()
            count += 1
            pack_list(args, fname, working_dir)
    if not count:
        print("Did not find and list file with prefix %s" % args.prefix)
        return 1
    return 0
