"""Shape and layout ops (reshape codes, flatten, squeeze, concat/split, slice, pad, tile,
broadcast_*, diag, ...): replayed against real MXNet 1.9.1 (tests/golden/shape.json, recorded
by tools/oracle/record_shape.py), checked against NumPy, and differentiated through torch
autograd while recording."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest

import mxcompat as mx
from mxcompat.base import MXNetError

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tools" / "oracle"))
from record_shape import SHAPE, check_case  # noqa: E402

GOLDEN = json.loads((HERE / "golden" / "shape.json").read_text())["cases"]
nd = mx.nd

#: cases where MXNet 1.9.1 raises but mxcompat deliberately succeeds
EXTENSIONS: dict = {}
#: cases where MXNet 1.9.1 reads past the input (garbage or zeros) and mxcompat raises
_OOB = "the op's element count differs from the input's; MXNet reads past the input"
DEVIATIONS = {"reshape:op-rev:(2, -2)": _OOB, "reshape:op-rev:(-2, 1, 1)": _OOB,
              "reshape:op:(5, 5)": _OOB, "reshape:op-rev:(5, 5)": _OOB}


@pytest.mark.parametrize("cid,code", SHAPE, ids=[c[0] for c in SHAPE])
def test_golden(cid, code):
    check_case(mx, cid, code, GOLDEN[cid], EXTENSIONS, deviations=DEVIATIONS)


def test_golden_covers_every_case():
    assert set(GOLDEN) == {c[0] for c in SHAPE}
