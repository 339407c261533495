"""Stand-in ``mxnet`` package, reached only through the ``PYTHONPATH`` entry that
``mxcompat run`` sets for its child processes: it installs the redirect
(:func:`mxcompat.install`) and hands the import over to mxcompat."""
import sys

__mxcompat_shim__ = True

import mxcompat as _mxcompat  # noqa: E402

_mxcompat.install()
_mxcompat._legacy_printing()
# The import system returns sys.modules["mxnet"] after this module runs: mxcompat itself.
sys.modules[__name__] = _mxcompat
