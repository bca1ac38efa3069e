"""The examples in the docstrings run (doctest), and the package is fully typed."""

from __future__ import annotations

import doctest
import importlib
from pathlib import Path

import pytest

import offblocks

MODULES = {
    "offblocks._decode": 1,
    "offblocks.caip": 2,
    "offblocks.client": 1,
    "offblocks.config": 2,
    "offblocks.enums": 4,
    "offblocks.models": 2,
    "offblocks.observer": 1,
    "offblocks.siwe": 2,
    "offblocks.wallet": 10,
}


@pytest.mark.parametrize("name,at_least", sorted(MODULES.items()))
def test_docstring_examples(name: str, at_least: int) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, globs=dict(vars(module), **{"offblocks": offblocks}))
    assert result.failed == 0
    assert result.attempted >= at_least


def test_py_typed_is_shipped() -> None:
    assert (Path(offblocks.__file__).parent / "py.typed").is_file()


def test_public_names_are_exported() -> None:
    for name in offblocks.__all__:
        assert hasattr(offblocks, name), name


@pytest.mark.skipif(
    not __import__("os").environ.get("OFFBLOCKS_TEST_INSTALLED"), reason="run-tests.sh only"
)
def test_the_installed_package_bundles_its_library() -> None:
    """Under run-tests.sh: the package imported is the installed one, and its library is
    the copy bundled inside it (not a build in the repository)."""
    package = Path(offblocks.__file__).resolve().parent
    assert "site-packages" in package.parts
    if not __import__("os").environ.get("OFFBLOCKS_LIB"):
        assert Path(offblocks.library_path()).resolve().parent == package
