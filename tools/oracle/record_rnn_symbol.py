"""Record golden data for ``gluon.rnn`` cells used on Symbols, from real MXNet 1.9.1, into
tests/golden/rnn_symbol.json. Run under the oracle environment; deterministic.

For each case (a cell construction snippet and an unroll call on ``mx.sym`` variables):
``list_arguments``, ``list_outputs``, the internal output names, ``infer_shape`` for fixed
input shapes, and the outputs of binding the graph to fixed inputs and weights (values from a
seeded NumPy generator, so the test can rebuild them) and running it forward.
"""
from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np

warnings.filterwarnings("ignore")

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "tests" / "golden" / "rnn_symbol.json"

# (case id, cell snippet, unroll snippet, input shapes); ``cell``, ``x`` (one variable 'data'
# or a list of per-step variables 't0'...), ``vl`` (a variable 'valid_length') in scope
CASES = [
    ("rnn_list", "gluon.rnn.RNNCell(6, prefix='rnn_')",
     "cell.unroll(3, [mx.sym.var('t%d' % i) for i in range(3)])",
     {"t0": (2, 4), "t1": (2, 4), "t2": (2, 4)}),
    ("lstm_ntc_merge", "gluon.rnn.LSTMCell(5, prefix='lstm_')",
     "cell.unroll(3, mx.sym.var('data'), layout='NTC', merge_outputs=True)",
     {"data": (2, 3, 4)}),
    ("gru_tnc", "gluon.rnn.GRUCell(5, prefix='gru_')",
     "cell.unroll(3, mx.sym.var('data'), layout='TNC', merge_outputs=False)",
     {"data": (3, 2, 4)}),
    ("residual", "gluon.rnn.ResidualCell(gluon.rnn.GRUCell(4, prefix='rnn_'))",
     "cell.unroll(2, [mx.sym.var('t%d' % i) for i in range(2)])",
     {"t0": (2, 4), "t1": (2, 4)}),
    ("bidirectional", "gluon.rnn.BidirectionalCell(gluon.rnn.LSTMCell(3, prefix='l_'), "
     "gluon.rnn.LSTMCell(3, prefix='r_'))",
     "cell.unroll(3, mx.sym.var('data'), merge_outputs=True)",
     {"data": (2, 3, 4)}),
    ("stack", "_stack()",
     "cell.unroll(3, mx.sym.var('data'), merge_outputs=False)",
     {"data": (2, 3, 4)}),
    ("valid_length", "gluon.rnn.RNNCell(5, prefix='rnn_')",
     "cell.unroll(4, mx.sym.var('data'), valid_length=mx.sym.var('valid_length'), "
     "merge_outputs=True)",
     {"data": (3, 4, 2), "valid_length": (3,)}),
    ("bi_valid_length", "gluon.rnn.BidirectionalCell(gluon.rnn.GRUCell(3, prefix='l_'), "
     "gluon.rnn.GRUCell(3, prefix='r_'))",
     "cell.unroll(4, mx.sym.var('data'), valid_length=mx.sym.var('valid_length'), "
     "merge_outputs=True)",
     {"data": (3, 4, 2), "valid_length": (3,)}),
    ("step", "gluon.rnn.LSTMCell(4, prefix='lstm_')",
     "cell(mx.sym.var('data'), cell.begin_state(func=mx.sym.zeros))",
     {"data": (2, 3)}),
]


def arg_values(names, shapes, seed):
    """Fixed values for every argument (valid lengths: 1..T)."""
    rng = np.random.RandomState(seed)
    out = {}
    for n, s in zip(names, shapes):
        if n == "valid_length":
            out[n] = np.array([2, 4, 1][:s[0]], dtype="float32")
        else:
            out[n] = rng.uniform(-0.5, 0.5, size=s).astype("float32")
    return out


def flatten(res):
    outs, states = res
    outs = list(outs) if isinstance(outs, (list, tuple)) else [outs]
    return outs + list(states)


def run_case(mx, gluon, case):
    cid, cell_code, unroll_code, shapes = case

    def _stack():
        s = gluon.rnn.SequentialRNNCell(prefix="stack_")
        with s.name_scope():
            s.add(gluon.rnn.LSTMCell(3, prefix="l0_"))
            s.add(gluon.rnn.GRUCell(3, prefix="l1_"))
        return s
    with mx.name.NameManager():  # auto names (sequencemask0...) counted from 0 per case
        cell = eval(cell_code, {"gluon": gluon, "_stack": _stack})  # noqa: S307
        res = eval(unroll_code, {"cell": cell, "mx": mx})  # noqa: S307
        out = mx.sym.Group(flatten(res))
    arg_shapes, out_shapes, aux_shapes = out.infer_shape(**shapes)
    args = out.list_arguments()
    vals = arg_values(args, arg_shapes, 7)
    ex = out.bind(mx.cpu(), {k: mx.nd.array(v) for k, v in vals.items()})
    results = [o.asnumpy().tolist() for o in ex.forward()]
    return {"id": cid, "cell": cell_code, "unroll": unroll_code,
            "shapes": {k: list(v) for k, v in shapes.items()},
            "arguments": args, "outputs": out.list_outputs(),
            "internals": out.get_internals().list_outputs(),
            "arg_shapes": [list(s) for s in arg_shapes],
            "out_shapes": [list(s) for s in out_shapes],
            "values": results}


def main():
    import mxnet as mx
    from mxnet import gluon
    data = {"mxnet": mx.__version__, "cases": [run_case(mx, gluon, c) for c in CASES]}
    tmp = GOLDEN.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=1) + "\n")
    tmp.replace(GOLDEN)
    print(f"wrote {GOLDEN} ({len(data['cases'])} cases)")


if __name__ == "__main__":
    main()
