"""Record the conformance matrix's golden outputs from real MXNet 1.9.1.

    /work/venvs/oracle/bin/python tools/oracle/record_matrix.py [--family F ...]

(or ``tox -e oracle -- matrix``). For every case in compat_matrix/cases/<F>.py, every
declared dtype (and ``rejects`` dtype), every sample (the full run's too) and every value draw,
it builds the inputs from their seeds, calls the op through real ``mxnet`` and stores what came
back (dtype, shape, values) or what was raised (type, message), plus input gradients for
``grad=True`` cases, in compat_matrix/golden/<F>.json + .npz. It also probes the dtypes a case
does not declare (first sample) and warns where the declared set looks wrong, and warns where
the case's NumPy reference disagrees with MXNet (fix the reference, or say why in ``note=``).
Deterministic: the same cases and MXNet give byte-identical files.

Undeclared dtypes are probed (and the results stored) for ``default`` variants only;
``--probe-all`` also probes every other variant and only prints what it finds (single-purpose
variants, e.g. one that tests integer overflow, are expected to show up there).
"""
from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from compat_matrix import cases as case_modules  # noqa: E402
from compat_matrix import golden, spec  # noqa: E402


def _nd(mx, a):
    return mx.nd.array(a, dtype=a.dtype)


def record_case(mx, case, meta, arrays, problems, probe_all=False):
    dtypes = list(dict.fromkeys(list(case.dtypes) + list(case.rejects)))
    for dtype in dtypes:
        for si, sample in enumerate(case.all_samples(full=True)):
            for draw in range(spec.FULL_DRAWS):
                key = spec.cell_key(case.id, dtype, si, draw)
                ins = spec.make_inputs(case, dtype, si, sample, draw)
                rec = {"crc": spec.inputs_crc(ins)}
                if case.mx_crash:
                    rec["crash"] = case.mx_crash
                    meta[key] = rec
                    continue
                try:
                    with warnings.catch_warnings():
                        warnings.simplefilter("ignore")
                        res = spec.run_call(mx, case, [_nd(mx, a) for a in ins], dtype,
                                            mx.cpu())
                        kind, val = spec.outputs(res)
                except Exception as e:  # noqa: BLE001 - what MXNet raises is the record
                    rec["error"] = spec.error_record(e, mx.base.MXNetError)
                    meta[key] = rec
                    if dtype in case.dtypes and not (case.extension or case.raises) \
                            and draw == 0:
                        problems.append(f"{case.id} {dtype} sample {si}: MXNet raised "
                                        f"{rec['error']['message'][:120]!r} (declared dtype; "
                                        "expected an error? fine if the case says so)")
                    continue
                rec["kind"] = kind
                if kind in ("py", "npscalar"):
                    rec["value"] = val if isinstance(val, (bool, int, float, str)) or \
                        val is None else repr(val)
                else:
                    rec["out"] = [{"dtype": str(a.dtype), "shape": list(a.shape)} for a in val]
                    if case.stat is not None and draw == 0:
                        try:
                            for a in val:
                                case.stat(a, dtype, {k: spec.subst(v, dtype, None)
                                                     for k, v in case.kwargs.items()})
                        except AssertionError as e:
                            problems.append(f"{case.id} {dtype}: MXNet's output fails the "
                                            f"case's stat check: {e}")
                    if case.values:
                        for k, a in enumerate(val):
                            arrays[f"{key}|out{k}"] = a
                    if case.ref is not None and case.values and draw == 0 and not case.note:
                        _check_ref(case, ins, dtype, val, problems, si)
                if case.grad:
                    _record_grad(mx, case, dtype, si, sample, draw, ins, rec, arrays, key)
                if case.raises and draw == 0:
                    problems.append(f"{case.id} {dtype} sample {si}: raises=True but MXNet "
                                    "returned a result")
                if dtype in case.rejects and draw == 0:
                    problems.append(f"{case.id} {dtype}: listed in rejects= but MXNet "
                                    "accepted it")
                meta[key] = rec
    if (case.variant != "default" and not probe_all) or case.mx_crash or not case.samples or any(
            case.input_spec(i).dtype for i in range(len(case.samples[0]))):
        return []
    if not case.samples[0] and spec.DT not in list(case.kwargs.values()) + list(case.args):
        return []
    return [d for d in spec.ALL_DTYPES if d not in dtypes]


def _probe_one(mx, case, dtype):
    ins = spec.make_inputs(case, dtype, 0, case.samples[0], 0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            spec.outputs(spec.run_call(mx, case, [_nd(mx, a) for a in ins], dtype, mx.cpu()))
        return "ok"
    except Exception:  # noqa: BLE001
        return "error"


def probe_worker(family):
    """--probe mode: read 'case_id<TAB>dtype' lines, answer ok/error per line (a separate
    process, since a probe may crash MXNet, e.g. integer division by zero)."""
    import mxnet as mx
    cases = {c.id: c for c in case_modules.load()[family]}
    for line in sys.stdin:
        cid, dtype = line.rstrip("\n").split("\t")
        print(_probe_one(mx, cases[cid], dtype), flush=True)
    return 0


def run_probes(family, todo):
    """{case id: {dtype: ok|error|crash}} for the undeclared dtypes, crash-tolerant."""
    import subprocess
    out = {}
    todo = list(todo)
    while todo:
        p = subprocess.Popen([sys.executable, __file__, "--probe", family],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                             cwd=str(ROOT))
        done = 0
        for cid, dt in todo:
            p.stdin.write(f"{cid}\t{dt}\n")
            p.stdin.flush()
            r = p.stdout.readline().strip()
            if not r:
                out.setdefault(cid, {})[dt] = "crash"
                done += 1
                break
            out.setdefault(cid, {})[dt] = r
            done += 1
        p.stdin.close()
        p.wait()
        todo = todo[done:]
    return out


def _check_ref(case, ins, dtype, val, problems, si):
    try:
        r = case.ref(*ins, *case.args, **{k: spec.subst(v, dtype, None)
                                          for k, v in case.kwargs.items()})
    except Exception as e:  # noqa: BLE001
        problems.append(f"{case.id} {dtype} sample {si}: reference raised {e!r}")
        return
    refs = list(r) if isinstance(r, (list, tuple)) else [r]
    rtol, atol = case.tolerance(dtype)
    for a, b in zip(val, refs):
        b = np.asarray(b)
        ok = a.shape == b.shape
        if ok:
            try:
                np.testing.assert_allclose(a.astype(np.float64), b.astype(np.float64),
                                           rtol=rtol, atol=atol, equal_nan=True)
            except AssertionError:
                ok = False
        if not ok:
            problems.append(f"{case.id} {dtype} sample {si}: NumPy reference disagrees with "
                            "MXNet (MXNet wins: fix ref or add note=)")
            return


def _record_grad(mx, case, dtype, si, sample, draw, ins, rec, arrays, key):
    gidx = spec.grad_inputs(case, sample, dtype)
    if not gidx:
        return
    xs = [_nd(mx, a) for a in ins]
    for i in gidx:
        xs[i].attach_grad()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with mx.autograd.record():
                res = spec.run_call(mx, case, xs, dtype, mx.cpu())
            outs = list(res) if isinstance(res, (list, tuple)) else [res]
            heads = [_nd(mx, spec.make_head(case, dtype, si, draw, o.shape, k))
                     for k, o in enumerate(outs)]
            mx.autograd.backward(outs, head_grads=heads)
            grads = [xs[i].grad.asnumpy() for i in gidx]
    except Exception as e:  # noqa: BLE001
        rec["grad_error"] = spec.error_record(e, mx.base.MXNetError)
        return
    rec["grad"] = [{"input": i, "dtype": str(g.dtype), "shape": list(g.shape)}
                   for i, g in zip(gidx, grads)]
    for i, g in zip(gidx, grads):
        arrays[f"{key}|grad{i}"] = g


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--family", action="append", default=[],
                    help="case module(s) to record (default: all)")
    ap.add_argument("--probe", help=argparse.SUPPRESS)
    ap.add_argument("--probe-all", action="store_true",
                    help="also probe undeclared dtypes of non-default variants (printed only)")
    opts = ap.parse_args(argv)
    if opts.probe:
        return probe_worker(opts.probe)
    try:
        import mxnet as mx
    except ImportError:
        print("record_matrix: real MXNet 1.9.1 is not importable; run it with the oracle "
              "Python (tox -e oracle)", file=sys.stderr)
        return 2
    mods = case_modules.modules()
    for f in opts.family:
        if f not in mods:
            print(f"record_matrix: no case module compat_matrix/cases/{f}.py", file=sys.stderr)
            return 2
    for fam in opts.family or mods:
        cases = case_modules.load()[fam]
        meta, arrays, problems, todo = {}, {}, [], []
        for case in cases:
            if sys.stderr.isatty():  # which case was running if MXNet crashes
                print(f"  {case.id:70}", end="\r", file=sys.stderr, flush=True)
            todo += [(case.id, d) for d in record_case(mx, case, meta, arrays, problems,
                                                       opts.probe_all)]
        probes = run_probes(fam, todo)
        by_id = {c.id: c for c in cases}
        for cid, res in sorted(probes.items()):
            case = by_id[cid]
            ok = [d for d, r in res.items() if r == "ok"]
            if ok:
                problems.append(f"{cid}: MXNet also accepts {ok} (not declared)")
        stored = {cid: res for cid, res in probes.items() if by_id[cid].variant == "default"}
        doc = {"mxnet_version": mx.__version__, "numpy_version": np.__version__,
               "recorded_by": "tools/oracle/record_matrix.py", "cells": meta,
               "probe": stored}
        jp, npp = golden.write(fam, doc, arrays)
        print(f"{fam}: {len(cases)} cases, {len(meta)} cell samples, {len(arrays)} arrays "
              f"-> {jp.relative_to(ROOT)}, {npp.relative_to(ROOT)}")
        for p in problems:
            print(f"  warning: {p}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
