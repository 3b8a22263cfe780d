"""pinzhu (拼注): Chinese text to pinyin in context.

This file only re-exports (annotate, strip, audit, fix, search and ranking on first use): the
pipeline lives in :mod:`pinzhu.pipeline`, options in
:mod:`pinzhu.config`, annotate in :mod:`pinzhu.render`, strip, audit and fix in :mod:`pinzhu.strip`,
:mod:`pinzhu.audit` and :mod:`pinzhu.fix` (modules that can be called as their functions).

>>> import pinzhu
>>> pinzhu.pinyin("银行行长")
['yín', 'háng', 'háng', 'zhǎng']
>>> pinzhu.pinyin("绿A", tone="numbers")
['lv4', None]
>>> pinzhu.pinyin("一点儿", spoken=True)
['yì', 'diǎnr', '']
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._version import __version__
from .config import AuditOptions, Config, StripOptions
from .lexicon import Lexicon, LexiconError, UserDict, default_lexicon
from .pipeline import (pinyin, pinyin_many, pinyin_with_confidence, reading, reading_many, readings, words,
                       words_many)
from .read import Reading

# Loaded on first use (PEP 562), so that ``import pinzhu; pinzhu.pinyin(...)`` never pays for
# annotate, strip, audit, fix, search or ranking (issue #18: start-up). name -> (module, attribute;
# None: the module itself — audit, strip and fix are callable as their functions).
_LAZY: dict[str, tuple[str, str | None]] = {
    "audit": ("audit", None), "strip": ("strip", None), "fix": ("fix", None),
    "Finding": ("audit", "Finding"), "ScanResult": ("audit", "ScanResult"), "scan": ("audit", "scan"),
    "Correction": ("fix", "Correction"), "explain_fix": ("fix", "explain_fix"), "places": ("fix", "places"),
    "Alternative": ("ranking", "Alternative"), "alternatives": ("ranking", "alternatives"),
    "heteronyms": ("ranking", "heteronyms"),
    "Matcher": ("search", "Matcher"), "match": ("search", "match"), "sort_key": ("search", "sort_key"),
    "sort_keys": ("search", "sort_keys"),
    "AnnotateOptions": ("render", "AnnotateOptions"), "annotate": ("render", "annotate"),
    "annotate_many": ("render", "annotate_many"),
    "explain_strip": ("strip", "explain_strip"),
}


def __getattr__(name: str) -> Any:
    spec = _LAZY.get(name)
    if spec is None:
        raise AttributeError(f"module 'pinzhu' has no attribute {name!r}")
    module = importlib.import_module(f".{spec[0]}", __name__)
    value = module if spec[1] is None else getattr(module, spec[1])
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


if TYPE_CHECKING:  # what type checkers should see: the names above, and the functions the modules call
    from .audit import Finding, ScanResult, audit, scan  # noqa: F401
    from .fix import Correction, explain_fix, fix, places  # noqa: F401
    from .ranking import Alternative, alternatives, heteronyms  # noqa: F401
    from .render import AnnotateOptions, annotate, annotate_many  # noqa: F401
    from .search import Matcher, match, sort_key, sort_keys  # noqa: F401
    from .strip import explain_strip, strip  # noqa: F401

__all__ = [
    "Alternative", "alternatives", "heteronyms", "Matcher", "match", "sort_key", "sort_keys",
    "AnnotateOptions", "AuditOptions", "Config", "Correction", "Finding", "Lexicon", "LexiconError", "Reading", "ScanResult",
    "StripOptions", "UserDict", "__version__", "annotate", "annotate_many", "audit", "default_lexicon",
    "explain_fix", "explain_strip", "fix", "pinyin", "pinyin_many", "pinyin_with_confidence", "places", "reading",
    "reading_many", "readings", "scan", "strip",
    "words", "words_many",
]
