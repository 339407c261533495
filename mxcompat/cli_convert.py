"""``mxcompat convert FILE OUT``: an MXNet .params file to a torch state dict (.pt or
.safetensors); ``mxcompat convert model-symbol.json model-0000.params OUT``: an exported
MXNet model to a torch module (a pickled ``torch.fx.GraphModule``, or with ``--input`` and an
``.pt2`` name a ``torch.export`` program); with ``--zoo MODEL`` the weights of a model-zoo
network become the state dict of the equivalent torch network (torchvision's keys by default)."""
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


def _parse_inputs(specs: Any) -> dict:
    """``--input data:1,3,224,224`` (repeatable) -> {name: shape}."""
    from .base import MXNetError
    out = {}
    for spec in specs or []:
        name, _, dims = spec.partition(":")
        try:
            out[name] = tuple(int(d) for d in dims.split(",") if d.strip())
        except ValueError:
            raise MXNetError(f"--input {spec!r}: expected NAME:D1,D2,...") from None
        if not name or not out[name]:
            raise MXNetError(f"--input {spec!r}: expected NAME:D1,D2,...")
    return out


def _run_symbol(args: argparse.Namespace) -> int:
    import os

    import torch

    from .base import MXNetError
    from .symbol import fx
    if args.extra is None:
        raise MXNetError("convert: a symbol file needs its .params file and an output: "
                         "mxcompat convert model-symbol.json model-0000.params OUT")
    params, out = args.out, args.extra
    inputs = _parse_inputs(args.input)
    gm = fx.load(args.file, params, data_names=list(inputs) or None)
    root, ext = os.path.splitext(out)
    tmp = f"{root}.tmp{os.getpid()}{ext}"
    if out.endswith(".pt2"):
        if not inputs:
            raise MXNetError("convert: a torch.export program (.pt2) needs the input shapes: "
                             "--input data:1,3,224,224")
        example = tuple(torch.zeros(inputs[n]) for n in gm.mx_input_names)
        prog = torch.export.export(gm, example)
        torch.export.save(prog, tmp)
        kind = "torch.export program"
    else:
        torch.save(gm, tmp)
        kind = "torch.fx GraphModule (torch.load(OUT, weights_only=False))"
    os.replace(tmp, out)
    if not args.quiet:
        n = sum(1 for node in gm.graph.nodes if node.op == "call_function")
        print(f"{args.file} + {params}: {n} ops, inputs {', '.join(gm.mx_input_names)} -> "
              f"{out} [{kind}]", file=sys.stderr)
    return 0


def _zoo_state(args: argparse.Namespace) -> Any:
    """The torch state dict of zoo network ``args.zoo`` holding the weights of ``args.file``
    (either .params format), with torchvision's keys or to_torch_module's; and a label."""
    from . import name as _name
    from . import ndarray as nd
    from .gluon.model_zoo import torch_export, vision
    classes = args.classes
    if classes is None:  # the output layer's first dimension
        with _name.NameManager():
            probe = vision.get_model(args.zoo)
        struct = probe._collect_params_with_prefix()
        by_full = {p.name: k for k, p in struct.items()}
        loaded = nd.load(args.file)
        if not isinstance(loaded, dict):
            from .base import MXNetError
            raise MXNetError(f"convert --zoo: {args.file} holds a list of arrays, not named "
                             "parameters")
        for key, value in loaded.items():
            k = key if key in struct else by_full.get(key, "")
            if k.startswith("output") and k.endswith("weight"):
                classes = value.shape[0]
                break
        else:
            classes = 1000
    with _name.NameManager():
        net = vision.get_model(args.zoo, classes=classes)
    from .base import MXNetError
    try:
        net.load_parameters(args.file)
    except (MXNetError, ValueError, AssertionError) as err:
        raise MXNetError(f"--zoo {args.zoo}: {args.file} does not hold the weights of "
                         f"{args.zoo} with {classes} classes ({err})") from None
    if args.zoo_keys == "torchvision":
        arch = torch_export.torchvision_arch(net)
        state = torch_export.torchvision_state_dict(net)
        label = f"torchvision {arch}(num_classes={classes})"
    else:
        state = {k: v.detach() for k, v in torch_export.to_torch_module(net).state_dict().items()}
        label = f"mxcompat to_torch_module({args.zoo}, classes={classes})"
    return state, f"{label}, classes={classes}"


def _run(args: argparse.Namespace) -> int:
    if args.file.endswith(".json"):
        return _run_symbol(args)
    if args.extra is not None:
        from .base import MXNetError
        raise MXNetError("convert: FILE OUT for a .params file (three arguments are for "
                         "model-symbol.json model-0000.params OUT)")
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
    label = ""
    if args.zoo:
        from .base import MXNetError
        try:
            state, label = _zoo_state(args)
        except MXNetError:
            raise
        except (ValueError, AssertionError, KeyError) as err:  # get_model's own errors
            raise MXNetError(f"--zoo {args.zoo}: {err}") from None
        label = f" as {label}"
    else:
        state = to_torch(args.file, strip_prefix=args.strip_prefix,
                         strip_arg_aux=args.strip_arg_aux, progress=_progress(args))
    save_torch(args.out, state, format=fmt)
    nbytes = sum(t.numel() * t.element_size() for t in state.values())
    if not args.quiet:
        print(f"{args.file}: {len(state)} arrays ({human(nbytes)}){label} -> {args.out} "
              f"[{fmt}]", file=sys.stderr)
    return 0


def add_parser(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "convert", help="convert an MXNet .params file to a torch state dict (.pt or "
        ".safetensors), or an exported model (-symbol.json + .params) to a torch module",
        description="Convert an MXNet .params file into a torch state dict "
        "(name -> tensor), written with torch.save (load it with torch.load(OUT, "
        "weights_only=True)) or as safetensors. With a -symbol.json and its .params file, "
        "convert the model into a torch.fx GraphModule (or a torch.export program).")
    p.add_argument("file", help="the .params file, or an exported model's -symbol.json")
    p.add_argument("out", help="the output file (for a symbol file: its .params file)")
    p.add_argument("extra", nargs="?", default=None, metavar="OUT",
                   help="for a symbol file: the output (.pt: a pickled torch.fx "
                   "GraphModule; .pt2: a torch.export program, needs --input)")
    p.add_argument("--input", action="append", metavar="NAME:SHAPE",
                   help="for a symbol file: an input and its shape (data:1,3,224,224); "
                   "repeat for several inputs, in the module's argument order")
    p.add_argument("--strip-arg-aux", action="store_true",
                   help="drop the 'arg:' / 'aux:' prefixes of Module and export checkpoints")
    p.add_argument("--strip-prefix", metavar="P", default=None,
                   help="drop the prefix P from names that start with it (after arg:/aux:)")
    p.add_argument("--format", choices=("pt", "safetensors"), default=None,
                   help="output format (default: safetensors for *.safetensors, else pt)")
    p.add_argument("--progress", action="store_true",
                   help="show a progress bar (shown anyway for large files on a terminal)")
    p.add_argument("--zoo", metavar="MODEL", default=None,
                   help="FILE holds the weights of this gluon.model_zoo.vision network (e.g. "
                        "resnet18_v1, a pretrained or fine-tuned checkpoint in either .params "
                        "format): write the state dict of the equivalent torch network")
    p.add_argument("--zoo-keys", choices=("torchvision", "module"), default="torchvision",
                   help="with --zoo: torchvision's key names, loadable by torchvision.models."
                        "<arch>(num_classes=N) (ResNet-18/34 V1, VGG, AlexNet, SqueezeNet, "
                        "DenseNet; the default), or the keys of mxcompat's to_torch_module "
                        "(every zoo network)")
    p.add_argument("--classes", type=int, default=None,
                   help="with --zoo: the number of classes (default: read from the file)")
    p.add_argument("-q", "--quiet", action="store_true", help="no summary line")
    p.set_defaults(func=_run)
