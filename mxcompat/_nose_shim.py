"""A minimal stand-in for ``nose`` (``nose.tools``, ``nose.SkipTest``, ``nose.runmodule``),
installed by :func:`install` only where the real nose cannot be imported: nose 1.3.7 uses the
``imp`` module, which Python 3.12 removed, and MXNet-era test files import
``from nose.tools import assert_raises, raises, ok_``. Under pytest the tests themselves run
as plain functions; this module only provides the helpers they import."""
from __future__ import annotations

import functools
import re
import sys
import types
import unittest
from typing import Any, Callable

__all__ = ["install"]


class _Case(unittest.TestCase):
    maxDiff = None

    def runTest(self) -> None:  # pragma: no cover - never run
        pass


_CASE = _Case()


def _pep8(name: str) -> str:
    return re.sub(r"([A-Z])", lambda m: "_" + m.group(1).lower(), name)


def ok_(expr: Any, msg: Any = None) -> None:
    """Assert ``expr`` is true."""
    if not expr:
        raise AssertionError(msg)


def eq_(a: Any, b: Any, msg: Any = None) -> None:
    """Assert ``a == b``."""
    if not a == b:
        raise AssertionError(msg or "%r != %r" % (a, b))


def make_decorator(func: Callable) -> Callable:
    """Wraps a test decorator so that the decorated test keeps its name and attributes."""
    def decorate(newfunc: Callable) -> Callable:
        newfunc = functools.wraps(func)(newfunc)
        newfunc.compat_func_name = getattr(func, "__name__", "")  # type: ignore[attr-defined]
        return newfunc
    return decorate


def raises(*exceptions: "type[BaseException]") -> Callable:
    """Decorator: the test passes only if it raises one of ``exceptions``."""
    valid = " or ".join(e.__name__ for e in exceptions)

    def decorate(func: Callable) -> Callable:
        @functools.wraps(func)
        def newfunc(*args: Any, **kw: Any) -> None:
            try:
                func(*args, **kw)
            except exceptions:
                return
            raise AssertionError("%s() did not raise %s" % (func.__name__, valid))
        return newfunc
    return decorate


def timed(limit: float) -> Callable:
    """Decorator: fail the test if it takes longer than ``limit`` seconds."""
    import time

    def decorate(func: Callable) -> Callable:
        @functools.wraps(func)
        def newfunc(*args: Any, **kw: Any) -> Any:
            start = time.time()
            result = func(*args, **kw)
            if time.time() - start > limit:
                raise AssertionError("Time limit (%s) exceeded" % limit)
            return result
        return newfunc
    return decorate


def with_setup(setup: Any = None, teardown: Any = None) -> Callable:
    """Decorator running ``setup`` before and ``teardown`` after the test."""
    def decorate(func: Callable) -> Callable:
        @functools.wraps(func)
        def newfunc(*args: Any, **kw: Any) -> Any:
            if setup:
                setup()
            try:
                return func(*args, **kw)
            finally:
                if teardown:
                    teardown()
        return newfunc
    return decorate


def _runmodule(*args: Any, **kwargs: Any) -> None:
    """``nose.runmodule()``: runs the calling module's tests with pytest instead."""
    import pytest
    main = sys.modules.get("__main__")
    path = getattr(main, "__file__", None)
    raise SystemExit(pytest.main([path] if path else []))


def _build() -> types.ModuleType:
    nose = types.ModuleType("nose")
    nose.__doc__ = __doc__
    nose.__path__ = []  # a package, so that ``import nose.tools`` works
    tools = types.ModuleType("nose.tools")
    tools.__doc__ = "unittest's assertions under nose's names, and nose's test decorators"
    for name in dir(unittest.TestCase):
        if name.startswith("assert") and "_" not in name:
            setattr(tools, _pep8(name), getattr(_CASE, name))
    for f in (ok_, eq_, make_decorator, raises, timed, with_setup):
        setattr(tools, f.__name__, f)
    tools.set_trace = lambda: __import__("pdb").set_trace()  # type: ignore[attr-defined]
    nose.tools = tools  # type: ignore[attr-defined]
    nose.SkipTest = unittest.SkipTest  # type: ignore[attr-defined]
    nose.runmodule = _runmodule  # type: ignore[attr-defined]
    nose.__mxcompat_shim__ = True  # type: ignore[attr-defined]
    return nose


def install() -> bool:
    """Put the shim in ``sys.modules`` as ``nose``/``nose.tools`` unless the real nose
    imports; returns whether the shim was installed."""
    if "nose" in sys.modules:
        return bool(getattr(sys.modules["nose"], "__mxcompat_shim__", False))
    try:
        import nose  # noqa: F401
        import nose.tools  # noqa: F401
        return False
    except Exception:  # ImportError, or nose's own import of the removed imp module
        for name in [n for n in sys.modules if n == "nose" or n.startswith("nose.")]:
            del sys.modules[name]
    nose = _build()
    sys.modules["nose"] = nose
    sys.modules["nose.tools"] = nose.tools  # type: ignore[attr-defined]
    return True
