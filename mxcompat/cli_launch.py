"""``mxcompat launch -n N [options] COMMAND...``: start N local workers for the distributed
KVStore kinds (MXNet's ``tools/launch.py --launcher local``); see :mod:`mxcompat.launch`."""
from __future__ import annotations

import argparse


def add_parser(subparsers: "argparse._SubParsersAction") -> argparse.ArgumentParser:
    p = subparsers.add_parser(
        "launch", help="start N local workers for mx.kv.create('dist_sync') (MXNet's "
        "tools/launch.py --launcher local)",
        description="Run COMMAND as N worker processes on this machine with MXNet's launcher "
        "variables (DMLC_ROLE, DMLC_NUM_WORKER, DMLC_PS_ROOT_URI, DMLC_PS_ROOT_PORT, "
        "DMLC_WORKER_ID). A Python script runs through 'mxcompat run' so that 'import mxnet' "
        "works. Output lines are prefixed with the worker's rank.")
    p.add_argument("-n", "--num-workers", type=int, required=True, help="number of workers")
    p.add_argument("-s", "--num-servers", type=int, default=None,
                   help="accepted for tools/launch.py compatibility and ignored (no servers)")
    p.add_argument("--launcher", default="local", choices=["local"],
                   help="only 'local' (this machine); use torchrun for several machines")
    p.add_argument("--host", default="127.0.0.1", help="rendezvous address (DMLC_PS_ROOT_URI)")
    p.add_argument("--port", type=int, default=None,
                   help="rendezvous port (DMLC_PS_ROOT_PORT; default: a free one)")
    p.add_argument("--timeout", type=float, default=None,
                   help="kill every worker after this many seconds (exit status 124)")
    p.add_argument("--no-redirect", action="store_true",
                   help="run COMMAND as given (no 'mxcompat run' for Python scripts)")
    p.add_argument("--no-prefix", action="store_true", help="do not prefix output with rank")
    p.add_argument("command", nargs=argparse.REMAINDER, help="the command every worker runs")
    p.set_defaults(func=run)
    return p


def run(args: argparse.Namespace) -> int:
    from .launch import launch
    cmd = list(args.command)
    if cmd and cmd[0] == "--":
        cmd = cmd[1:]
    return launch(cmd, args.num_workers, host=args.host, port=args.port,
                  timeout=args.timeout, redirect=not args.no_redirect,
                  prefix=not args.no_prefix)
