"""``mxcompat convert FILE OUT``: an MXNet .params file to a torch state dict (.pt or
.safetensors)."""
from __future__ import annotations

import argparse
import sys
import time
from typing import Any, Callable, Optional

#: files at least this large get a progress bar when stderr is a terminal
PROGRESS_MIN_BYTES = 64 << 20


class ProgressBar:
    """A one-line progress bar on a stream: ``label [#####-----]  45%  12.0/26.0 MiB``."""

    def __init__(self, label: str, stream: Any = None, width: int = 30) -> None:
        self.label, self.stream, self.width = label, stream or sys.stderr, width
        self._last = -1.0

    def __call__(self, done: int, total: int) -> None:
        from .cli_inspect import human
        frac = done / total if total else 1.0
        now = time.monotonic()
        if frac < 1.0 and now - self._last < 0.1:
            return
        self._last = now
        n = int(frac * self.width)
        self.stream.write(f"\r{self.label} [{'#' * n}{'-' * (self.width - n)}] "
                          f"{frac * 100:5.1f}%  {human(done)}/{human(total)}")
        if frac >= 1.0:
            self.stream.write("\n")
        self.stream.flush()


def _progress(args: argparse.Namespace) -> Optional[Callable[[int, int], None]]:
    import os
    if args.progress:
        return ProgressBar(f"reading {args.file}")
    try:
        big = os.path.getsize(args.file) >= PROGRESS_MIN_BYTES
    except OSError:
        return None
    if big and sys.stderr.isatty():
        return ProgressBar(f"reading {args.file}")
    return None


def _run(args: argparse.Namespace) -> int:
    from .cli_inspect import human
    from .params import save_torch, to_torch
    fmt = args.format or ("safetensors" if args.out.endswith(".safetensors") else "pt")
    if fmt == "safetensors":  # fail before reading a large file
        try:
            import safetensors  # noqa: F401
        except ImportError:
            from .base import MXNetError
            raise MXNetError("format 'safetensors' needs the safetensors package (pip install "
                             "safetensors); or use --format pt") from None
    state = to_torch(args.file, strip_prefix=args.strip_prefix,
                     strip_arg_aux=args.strip_arg_aux, progress=_progress(args))
    save_torch(args.out, state, format=fmt)
    nbytes = sum(t.numel() * t.element_size() for t in state.values())
    if not args.quiet:
        print(f"{args.file}: {len(state)} arrays ({human(nbytes)}) -> {args.out} [{fmt}]",
              file=sys.stderr)
    return 0


def add_parser(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "convert", help="convert an MXNet .params file to a torch state dict (.pt or "
        ".safetensors)", description="Convert an MXNet .params file into a torch state dict "
        "(name -> tensor), written with torch.save (load it with torch.load(OUT, "
        "weights_only=True)) or as safetensors.")
    p.add_argument("file", help="the .params file")
    p.add_argument("out", help="the output file")
    p.add_argument("--strip-arg-aux", action="store_true",
                   help="drop the 'arg:' / 'aux:' prefixes of Module and export checkpoints")
    p.add_argument("--strip-prefix", metavar="P", default=None,
                   help="drop the prefix P from names that start with it (after arg:/aux:)")
    p.add_argument("--format", choices=("pt", "safetensors"), default=None,
                   help="output format (default: safetensors for *.safetensors, else pt)")
    p.add_argument("--progress", action="store_true",
                   help="show a progress bar (shown anyway for large files on a terminal)")
    p.add_argument("-q", "--quiet", action="store_true", help="no summary line")
    p.set_defaults(func=_run)
