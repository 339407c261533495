"""Run this test suite against real MXNet or against mxcompat, and compare with a reference
recorded once under real MXNet.

    pytest --backend mxnet --record     # once, where mxnet==1.9.1 is installed
    pytest --backend mxcompat           # every CI run (or MXCOMPAT_BACKEND=mxcompat)
"""
import json
import os
import sys
from pathlib import Path

import numpy as np
import pytest

HERE = Path(__file__).resolve().parent
REFERENCE = HERE / "tests" / "reference.json"
sys.path.insert(0, str(HERE))  # teamlib


def pytest_addoption(parser):
    parser.addoption("--backend", choices=("mxnet", "mxcompat"),
                     default=os.environ.get("MXCOMPAT_BACKEND", "mxcompat"),
                     help="which library `import mxnet` gives (default: $MXCOMPAT_BACKEND "
                     "or mxcompat)")
    parser.addoption("--record", action="store_true",
                     help="write tests/reference.json from this run (use with real MXNet)")


def pytest_configure(config):
    if config.getoption("--backend") == "mxcompat":
        import mxcompat
        mxcompat.install()  # from here on, `import mxnet` is mxcompat
    try:
        import mxnet
    except ImportError:
        mxnet = None
    real = mxnet is not None and not hasattr(mxnet, "__mxcompat_version__")
    if config.getoption("--backend") == "mxnet" and not real:
        raise pytest.UsageError("--backend mxnet needs real MXNet installed "
                                "(pip install mxnet==1.9.1 'numpy<1.24')")


def pytest_report_header(config):
    import mxnet
    return f"backend: {config.getoption('--backend')} (mxnet {mxnet.__version__} from " \
           f"{os.path.dirname(mxnet.__file__)})"


@pytest.fixture(scope="session")
def _reference(request):
    record = request.config.getoption("--record")
    data = {} if record or not REFERENCE.exists() else json.loads(REFERENCE.read_text())
    yield data
    if record:
        REFERENCE.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n")


@pytest.fixture
def same_as_reference(_reference, request):
    """``same_as_reference(name, ndarray)``: with --record, store the result; otherwise
    require the same dtype and shape and values within MXNet's default tolerance for the
    dtype (mx.test_utils.assert_almost_equal)."""
    import mxnet as mx

    def check(name, arr):
        key = f"{request.node.name}:{name}"
        got = arr.asnumpy()
        if request.config.getoption("--record"):
            _reference[key] = {"dtype": str(got.dtype), "shape": list(got.shape),
                               "values": got.tolist()}
            return
        if key not in _reference:
            pytest.fail(f"no reference for {key}: record one with --backend mxnet --record")
        ref = _reference[key]
        assert str(got.dtype) == ref["dtype"], (key, got.dtype)
        assert list(got.shape) == ref["shape"], (key, got.shape)
        mx.test_utils.assert_almost_equal(got, np.array(ref["values"], dtype=ref["dtype"]),
                                          names=("this_backend", "mxnet_reference"))
    return check
