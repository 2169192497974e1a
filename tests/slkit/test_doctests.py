"""The examples in the core's docstrings run, and say what they show (python -m doctest)."""

import doctest
import importlib
import pkgutil

import pytest

import slkit

MODULES = sorted(m.name for m in pkgutil.iter_modules(slkit.__path__, "slkit.") if not m.ispkg and m.name not in ("slkit.__main__",))


@pytest.mark.parametrize("name", MODULES)
def test_the_examples_in_the_docstrings(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
