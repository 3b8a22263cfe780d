"""pinzhu (拼注): Chinese text to pinyin in context.

This file only re-exports: the pipeline lives in :mod:`pinzhu.pipeline`, options in
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

from typing import TYPE_CHECKING

from . import audit, fix, strip  # the modules, callable: pinzhu.audit(text), pinzhu.strip(text), pinzhu.fix(text)
from ._version import __version__
from .audit import Finding, ScanResult, scan
from .config import AuditOptions, Config, StripOptions
from .fix import Correction, explain_fix, places
from .lexicon import Lexicon, LexiconError, UserDict, default_lexicon
from .pipeline import (pinyin, pinyin_many, pinyin_with_confidence, reading, reading_many, readings, words,
                       words_many)
from .ranking import Alternative, alternatives, heteronyms
from .read import Reading
from .search import Matcher, match, sort_key, sort_keys
from .render import AnnotateOptions, annotate, annotate_many
from .strip import explain_strip

if TYPE_CHECKING:  # what type checkers should see: the functions the modules call
    from .audit import audit  # noqa: F811
    from .fix import fix  # noqa: F811
    from .strip import strip  # noqa: F811

__all__ = [
    "Alternative", "alternatives", "heteronyms", "Matcher", "match", "sort_key", "sort_keys",
    "AnnotateOptions", "AuditOptions", "Config", "Correction", "Finding", "Lexicon", "LexiconError", "Reading", "ScanResult",
    "StripOptions", "UserDict", "__version__", "annotate", "annotate_many", "audit", "default_lexicon",
    "explain_fix", "explain_strip", "fix", "pinyin", "pinyin_many", "pinyin_with_confidence", "places", "reading",
    "reading_many", "readings", "scan", "strip",
    "words", "words_many",
]
