"""pytest plugin: run an MXNet-era test suite against mxcompat unchanged.

``pytest -p mxcompat.pytest_plugin tests/`` (or ``mxcompat test tests/``) makes
``import mxnet`` resolve to mxcompat before the test files are collected, prints NumPy
scalars the NumPy 1.x way (as those suites expect), and, where the real ``nose`` cannot be
imported (Python 3.12+ removed the ``imp`` module nose uses), installs a minimal
``nose.tools`` stand-in so that ``from nose.tools import assert_raises`` keeps working.
With ``--mxcompat-off`` the plugin does nothing (to run the same suite on real MXNet).
"""
from __future__ import annotations

from typing import Any


def pytest_addoption(parser: Any) -> None:
    group = parser.getgroup("mxcompat")
    group.addoption("--mxcompat-off", action="store_true", default=False,
                    help="do not redirect 'import mxnet' to mxcompat (run on real MXNet)")


def pytest_configure(config: Any) -> None:
    if config.getoption("--mxcompat-off", default=False):
        return
    from . import _nose_shim
    from ._redirect import install
    install()
    _nose_shim.install()
    import numpy as np
    if int(np.__version__.split(".")[0]) >= 2:
        np.set_printoptions(legacy="1.25")
    config.addinivalue_line("markers", "gpu: needs a CUDA device")


def pytest_report_header(config: Any) -> str:
    if config.getoption("--mxcompat-off", default=False):
        return "mxcompat: off (import mxnet is not redirected)"
    import mxcompat
    return (f"mxcompat {mxcompat.__mxcompat_version__}: import mxnet -> mxcompat "
            f"(MXNet {mxcompat.__version__} API on torch)")
