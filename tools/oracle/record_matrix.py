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


def record_case(mx, case, meta, arrays, problems):
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
                    if dtype in case.dtypes and not case.extension and draw == 0:
                        problems.append(f"{case.id} {dtype} sample {si}: MXNet raised "
                                        f"{rec['error']['message'][:120]!r} (declared dtype; "
                                        "expected an error? fine if the case says so)")
                    continue
                rec["kind"] = kind
                if kind == "py":
                    rec["value"] = val if isinstance(val, (bool, int, float, str)) or \
                        val is None else repr(val)
                else:
                    rec["out"] = [{"dtype": str(a.dtype), "shape": list(a.shape)} for a in val]
                    if case.values:
                        for k, a in enumerate(val):
                            arrays[f"{key}|out{k}"] = a
                    if case.ref is not None and case.values and draw == 0 and not case.note:
                        _check_ref(case, ins, dtype, val, problems, si)
                if case.grad:
                    _record_grad(mx, case, dtype, si, sample, draw, ins, rec, arrays, key)
                if dtype in case.rejects and draw == 0:
                    problems.append(f"{case.id} {dtype}: listed in rejects= but MXNet "
                                    "accepted it")
                meta[key] = rec
    probe = {}
    if not case.mx_crash and case.samples:
        for dtype in spec.ALL_DTYPES:
            if dtype in dtypes:
                continue
            ins = spec.make_inputs(case, dtype, 0, case.samples[0], 0)
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    spec.outputs(spec.run_call(mx, case, [_nd(mx, a) for a in ins], dtype,
                                               mx.cpu()))
                probe[dtype] = "ok"
            except Exception:  # noqa: BLE001
                probe[dtype] = "error"
        missing = [d for d, r in probe.items() if r == "ok"]
        if missing and not any(case.input_spec(i).dtype for i in range(len(case.samples[0]))):
            problems.append(f"{case.id}: MXNet also accepts {missing} (not declared)")
    return probe


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
    opts = ap.parse_args(argv)
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
        meta, arrays, problems, probes = {}, {}, [], {}
        for case in cases:
            probes[case.id] = record_case(mx, case, meta, arrays, problems)
        doc = {"mxnet_version": mx.__version__, "numpy_version": np.__version__,
               "recorded_by": "tools/oracle/record_matrix.py", "cells": meta,
               "probe": probes}
        jp, npp = golden.write(fam, doc, arrays)
        print(f"{fam}: {len(cases)} cases, {len(meta)} cell samples, {len(arrays)} arrays "
              f"-> {jp.relative_to(ROOT)}, {npp.relative_to(ROOT)}")
        for p in problems:
            print(f"  warning: {p}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
