"""The examples in the README and in every module's docstrings run and say what they show."""

import doctest
import importlib
import pkgutil
from pathlib import Path

import pytest

import pinzhu

ROOT = Path(__file__).resolve().parent.parent
# Adapters import their pipeline packages at module level (tested in test_adapters.py).
SKIP = {"pinzhu.corpus.adapters", "pinzhu.__main__", "pinzhu.cli.__main__"}
MODULES = sorted(m.name for m in pkgutil.walk_packages(pinzhu.__path__, "pinzhu.")
                 if not any(m.name == s or m.name.startswith(s + ".") for s in SKIP))


def test_readme_examples():
    result = doctest.testfile(str(ROOT / "README.md"), module_relative=False, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 5 and result.failed == 0


@pytest.mark.parametrize("path", sorted(p.name for p in (ROOT / "docs").glob("*.md") if ">>>" in p.read_text(encoding="utf-8")))
def test_docs_examples(path):
    result = doctest.testfile(str(ROOT / "docs" / path), module_relative=False, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0


@pytest.mark.parametrize("name", MODULES)
def test_module_examples(name):
    try:
        mod = importlib.import_module(name)
    except ImportError as e:  # an optional extra (server, ray) not installed
        pytest.skip(f"{name}: {e}")
    result = doctest.testmod(mod, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
