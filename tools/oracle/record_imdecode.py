"""Record mx.nd.imdecode goldens from real MXNet 1.9.1 -> tests/golden/imdecode.json.

Run with the oracle venv: /work/venvs/oracle/bin/python tools/oracle/record_imdecode.py

MXNet 1.9.1's mx.nd.imdecode cannot decode anything under Python 3: it passes str_img
through str() (bytes become their repr) and fails with "OpenCV Failed to decode image"
("Shape is unknown" when mean is None). This script records those errors, and records the
pixels MXNet's C++ Imdecode works on: cv::imdecode(buf, -1 / 0) of the same bytes,
obtained from MXNet's OpenCV through _cvimdecode (flag=1, to_rgb=False: B, G, R planes of
an RGB(A) image; flag=0: grey), then laid out as Imdecode does (CHW, clip_rect, first
channels planes, float32 / mean's dtype, minus mean; src/ndarray/ndarray.cc).

The images are written here with zlib/struct (PNG, BMP); the JPEG is a fixed 8x6 file
encoded once by Pillow 13 (quality 90), embedded below.
"""
import base64
import json
import os
import struct
import sys
import zlib

import numpy as np
import mxnet as mx

JPEG_B64 = "/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAMCAgMCAgMDAwMEAwMEBQgFBQQEBQoHBwYIDAoMDAsKCwsNDhIQDQ4RDgsLEBYQERMUFRUVDA8XGBYUGBIUFRT/2wBDAQMEBAUEBQkFBQkUDQsNFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBT/wAARCAAGAAgDASIAAhEBAxEB/8QAHwAAAQUBAQEBAQEAAAAAAAAAAAECAwQFBgcICQoL/8QAtRAAAgEDAwIEAwUFBAQAAAF9AQIDAAQRBRIhMUEGE1FhByJxFDKBkaEII0KxwRVS0fAkM2JyggkKFhcYGRolJicoKSo0NTY3ODk6Q0RFRkdISUpTVFVWV1hZWmNkZWZnaGlqc3R1dnd4eXqDhIWGh4iJipKTlJWWl5iZmqKjpKWmp6ipqrKztLW2t7i5usLDxMXGx8jJytLT1NXW19jZ2uHi4+Tl5ufo6erx8vP09fb3+Pn6/8QAHwEAAwEBAQEBAQEBAQAAAAAAAAECAwQFBgcICQoL/8QAtREAAgECBAQDBAcFBAQAAQJ3AAECAxEEBSExBhJBUQdhcRMiMoEIFEKRobHBCSMzUvAVYnLRChYkNOEl8RcYGRomJygpKjU2Nzg5OkNERUZHSElKU1RVVldYWVpjZGVmZ2hpanN0dXZ3eHl6goOEhYaHiImKkpOUlZaXmJmaoqOkpaanqKmqsrO0tba3uLm6wsPExcbHyMnK0tPU1dbX2Nna4uPk5ebn6Onq8vP09fb3+Pn6/9oADAMBAAIRAxEAPwDz79jUsr2DFVZVB8s5IbjaOTnnqBgk8DHvRRRX4ln0Iyx03JXP3nJ4r6hS06fqz//Z"

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "tests", "golden", "imdecode.json")


def _chunk(t, d):
    return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xffffffff)


def png(arr):
    """(H, W[, C]) uint8, C in 1..4 -> 8-bit PNG bytes."""
    arr = np.asarray(arr, np.uint8)
    if arr.ndim == 2:
        arr = arr[:, :, None]
    h, w, c = arr.shape
    ctype = {1: 0, 2: 4, 3: 2, 4: 6}[c]
    raw = b"".join(b"\x00" + arr[i].tobytes() for i in range(h))
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, ctype, 0, 0, 0))
            + _chunk(b"IDAT", zlib.compress(raw)) + _chunk(b"IEND", b""))


def png_palette(idx, palette):
    idx = np.asarray(idx, np.uint8)
    h, w = idx.shape
    raw = b"".join(b"\x00" + idx[i].tobytes() for i in range(h))
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 3, 0, 0, 0))
            + _chunk(b"PLTE", np.asarray(palette, np.uint8).tobytes())
            + _chunk(b"IDAT", zlib.compress(raw)) + _chunk(b"IEND", b""))


def bmp(arr):
    """(H, W, 3) RGB uint8 -> 24-bit bottom-up BMP bytes."""
    arr = np.asarray(arr, np.uint8)
    h, w, _ = arr.shape
    stride = (w * 3 + 3) // 4 * 4
    rows = b"".join(arr[i, :, ::-1].tobytes().ljust(stride, b"\x00") for i in range(h - 1, -1, -1))
    return (struct.pack("<2sIHHI", b"BM", 54 + len(rows), 0, 0, 54)
            + struct.pack("<IiiHHIIiiII", 40, w, h, 1, 24, 0, len(rows), 2835, 2835, 0, 0) + rows)


def images():
    rng = np.random.RandomState(0)
    rgb = rng.randint(0, 256, (5, 7, 3)).astype(np.uint8)
    rgb[0, :3] = rgb[0, :3, :1]  # a few grey pixels
    rgba = rng.randint(0, 256, (4, 5, 4)).astype(np.uint8)
    return {
        "png_rgb": png(rgb),
        "png_rgba": png(rgba),
        "png_gray": png(rng.randint(0, 256, (4, 6)).astype(np.uint8)),
        "png_palette": png_palette(rng.randint(0, 4, (3, 5)),
                                   [[255, 0, 0], [0, 255, 0], [0, 0, 255], [10, 200, 30]]),
        "bmp_rgb": bmp(rng.randint(0, 256, (5, 6, 3)).astype(np.uint8)),
        "jpeg_rgb": base64.b64decode(JPEG_B64),
    }


def cv_decode(buf, gray):
    nd = mx.nd.array(np.frombuffer(buf, np.uint8), dtype="uint8")
    return mx.nd._internal._cvimdecode(nd, flag=0 if gray else 1, to_rgb=False).asnumpy()


def layout(px, clip_rect, channels, mean):
    """src/ndarray/ndarray.cc Imdecode on cv::imdecode's pixels px (H, W, C)."""
    x0, y0, x1, y1 = clip_rect
    if y1 - y0 == 0:
        x0, y0, x1, y1 = 0, 0, px.shape[1], px.shape[0]
    sub = px[y0:y1, x0:x1, :channels].transpose(2, 0, 1)
    if mean is None:
        return sub.astype(np.float32)
    return (sub.astype(mean.dtype) - mean).astype(mean.dtype)


CONFIGS = [  # (image, channels, clip_rect, mean dtype or None)
    ("png_rgb", 3, (0, 0, 0, 0), None), ("png_rgb", 1, (0, 0, 0, 0), None),
    ("png_rgb", 3, (1, 2, 6, 5), None), ("png_rgb", 2, (2, 0, 5, 3), None),
    ("png_rgb", 3, (0, 0, 0, 0), "float64"), ("png_rgb", 3, (0, 0, 0, 0), "int32"),
    ("png_rgb", 1, (1, 1, 4, 3), "uint8"),
    ("png_rgba", 3, (0, 0, 0, 0), None), ("png_rgba", 1, (0, 0, 0, 0), None),
    ("png_gray", 1, (0, 0, 0, 0), None), ("png_gray", 1, (2, 1, 5, 4), "float32"),
    ("png_palette", 3, (0, 0, 0, 0), None), ("png_palette", 1, (0, 0, 0, 0), None),
    ("bmp_rgb", 3, (0, 0, 0, 0), None), ("bmp_rgb", 1, (0, 0, 0, 0), None),
    ("jpeg_rgb", 3, (0, 0, 0, 0), None), ("jpeg_rgb", 1, (0, 0, 0, 0), None),
]


def err(f):
    try:
        f()
    except mx.base.MXNetError as e:
        lines = [ln for ln in str(e).splitlines() if "MXNetError" in ln]
        return lines[-1] if lines else str(e).splitlines()[0]
    return None


def main():
    imgs = images()
    out = {"mxnet_version": mx.__version__, "numpy_version": np.__version__,
           "images": {k: base64.b64encode(v).decode() for k, v in imgs.items()}, "cases": [],
           "mx_nd_imdecode_errors": {}}
    rng = np.random.RandomState(1)
    for name, ch, clip, mdt in CONFIGS:
        px = cv_decode(imgs[name], ch == 1)
        x0, y0, x1, y1 = clip
        hh, ww = (px.shape[0], px.shape[1]) if y1 - y0 == 0 else (y1 - y0, x1 - x0)
        mean = None
        if mdt is not None:
            mean = rng.randint(0, 60, (ch, hh, ww)).astype(mdt)
            if mdt.startswith("float"):
                mean = mean + 0.25
        want = layout(px, clip, ch, mean)
        out["cases"].append({
            "image": name, "channels": ch, "clip_rect": list(clip),
            "mean": None if mean is None else {"dtype": mdt, "values": mean.ravel().tolist()},
            "dtype": str(want.dtype), "shape": list(want.shape),
            "values": want.ravel().tolist()})
    # what mx.nd.imdecode itself does with those bytes (Python 3)
    b = imgs["png_rgb"]
    out["mx_nd_imdecode_errors"] = {
        "no_mean": err(lambda: mx.nd.imdecode(b).asnumpy()),
        "with_mean": err(lambda: mx.nd.imdecode(b, mean=mx.nd.zeros((3, 5, 7))).asnumpy()),
    }
    with open(OUT, "w") as f:
        # one case per line: readable diffs when re-recorded
        cases = out.pop("cases")
        head = json.dumps(out, sort_keys=True)
        f.write(head[:-1] + ', "cases": [\n')
        f.write(",\n".join(json.dumps(c, sort_keys=True) for c in cases))
        f.write("\n]}\n")
    print(f"{len(cases)} cases -> {os.path.normpath(OUT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
