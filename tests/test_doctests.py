"""Docstring examples of sigint.channels and sigint.kernels, run under their installed names.

(``--doctest-modules`` over the source folders would import them as top-level ``channels.*``,
a second copy of every class; ``sigint/`` itself is collected directly.)
"""

import doctest
import importlib
import pkgutil

import pytest

import sigint.channels
import sigint.kernels


def _modules():
    for package in (sigint.channels, sigint.kernels):
        for info in pkgutil.iter_modules(package.__path__):
            yield f"{package.__name__}.{info.name}"


@pytest.mark.parametrize("name", list(_modules()))
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0, f"{result.failed} doctest(s) failed in {name}"
