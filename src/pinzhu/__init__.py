"""pinzhu (拼注): Chinese text to pinyin in context.

>>> import pinzhu
>>> pinzhu.pinyin("银行行长")
['yín', 'háng', 'háng', 'zhǎng']
>>> pinzhu.pinyin("绿A", tone="numbers")
['lv4', None]
"""

from __future__ import annotations

from .config import DEFAULT, Config
from .lexicon import Lexicon, LexiconError, UserDict, default_lexicon
from typing import Sequence

from .read import Reading, read as _read, read_many as _read_many

from ._version import __version__


def _config(config: Config | None, **changes: object) -> Config:
    return (config or DEFAULT).but(**changes)


def reading(text: str, *, config: Config | None = None, user_dict: UserDict | None = None) -> Reading:
    """The engine's full answer (syllable ids, sources, probabilities) for ``text``."""
    cfg = _config(config, user_dict=user_dict)
    return _spoken(cfg, _read(text, user_dict=cfg.user_dict, use_model=cfg.model,
                              traditional=cfg.traditional, neutral=cfg.neutral))


def reading_many(texts: Sequence[str], *, config: Config | None = None,
                 user_dict: UserDict | None = None) -> list[Reading]:
    """:func:`reading` for many texts in one engine pass (faster for many short texts; each text
    reads as it does alone).

    >>> [r.syllables() for r in reading_many(["银行", "行长"])]
    [['yin2', 'hang2'], ['hang2', 'zhang3']]
    """
    cfg = _config(config, user_dict=user_dict)
    rs = _read_many(texts, user_dict=cfg.user_dict, use_model=cfg.model, traditional=cfg.traditional,
                    neutral=cfg.neutral)
    return [_spoken(cfg, r) for r in rs]


def _spoken(cfg: Config, r: Reading) -> Reading:
    if cfg.spoken or cfg.yi_bu:
        from .sandhi import RULES, YI_BU_RULES, apply_spoken

        return apply_spoken(r, RULES if cfg.spoken else YI_BU_RULES)
    return r


def pinyin(text: str, tone: str | None = None, *, config: Config | None = None,
           user_dict: UserDict | None = None) -> list[str | None]:
    """One entry per character of ``text``: its pinyin if it is Han, else None.

    >>> pinyin("为了", tone="numbers")
    ['wei4', 'le5']
    """
    from . import styles

    cfg = _config(config, tone=tone, user_dict=user_dict)
    r = reading(text, config=cfg)
    return styles.table(r.lexicon.syllables, cfg.tone)[r.syl].tolist()


def pinyin_with_confidence(text: str, tone: str | None = None, *, config: Config | None = None,
                           user_dict: UserDict | None = None) -> list[tuple[str, float] | None]:
    """Like :func:`pinyin`, each Han entry paired with the probability of its reading.

    >>> pinyin_with_confidence("行", tone="numbers")[0][0]
    'xing2'
    """
    cfg = _config(config, tone=tone, user_dict=user_dict)
    return _with_confidence(reading(text, config=cfg), cfg.tone)


def _with_confidence(r: Reading, tone: str) -> list[tuple[str, float] | None]:
    from . import styles

    out = styles.table(r.lexicon.syllables, tone)[r.syl].tolist()
    return [None if s is None else (s, p) for s, p in zip(out, r.prob.tolist())]


def words(text: str, tone: str | None = None, *, config: Config | None = None,
          user_dict: UserDict | None = None) -> list[tuple[str, str | None]]:
    """Segmented words with their joined pinyin (None for non-Han runs).

    >>> words("我们去银行", tone="numbers")
    [('我们', 'wo3men5'), ('去', 'qu4'), ('银行', 'yin2hang2')]
    """
    cfg = _config(config, tone=tone, user_dict=user_dict)
    return _words_of(reading(text, config=cfg), cfg.tone)


def words_many(texts: Sequence[str], tone: str | None = None, *, config: Config | None = None,
               user_dict: UserDict | None = None) -> list[list[tuple[str, str | None]]]:
    """:func:`words` for many texts in one engine pass (:func:`reading_many`; each text reads as
    it does alone).

    >>> words_many(["银行", "行长"], tone="numbers")
    [[('银行', 'yin2hang2')], [('行长', 'hang2zhang3')]]
    """
    cfg = _config(config, tone=tone, user_dict=user_dict)
    return [_words_of(r, cfg.tone) for r in reading_many(texts, config=cfg)]


def _words_of(r: Reading, tone: str) -> list[tuple[str, str | None]]:
    from . import styles
    from .read import word_readings

    rendered = styles.table(r.lexicon.syllables, tone)[r.syl].tolist()
    text, out = r.text, []
    for a, b in word_readings(r):
        if b - a == 1:  # most words: no join
            out.append((text[a], rendered[a]))
            continue
        syls = rendered[a:b]
        # `None in`, not truthiness: in spoken mode a merged erhua 儿 has the syllable "".
        out.append((text[a:b], None if None in syls else "".join(syls)))
    return out


def readings(char: str, tone: str | None = None, *, rare: bool = False) -> list[str]:
    """Every common reading of one character, most common first (rare ones with ``rare=True``).

    >>> readings("长", tone="numbers")
    ['chang2', 'zhang3']
    """
    from . import styles

    if len(char) != 1:
        raise ValueError(f"readings() takes one character, got {len(char)}: {char!r}")
    fn = styles.get((DEFAULT.but(tone=tone)).tone)
    return [fn(s) for s in default_lexicon().readings(char, rare=rare)]


__all__ = [
    "Config", "Lexicon", "LexiconError", "Reading", "UserDict", "default_lexicon",
    "pinyin", "pinyin_with_confidence", "reading", "reading_many", "readings", "words", "words_many",
    "__version__",
]

# Strip, audit and scan pinyin annotations (issue #5). Imported last: ``pinzhu.strip`` is the function.
from .audit import Finding, ScanResult, audit, scan  # noqa: E402
from .strip import explain_strip, strip  # noqa: E402

__all__ += ["Finding", "ScanResult", "audit", "explain_strip", "scan", "strip"]
from .render import AnnotateOptions, annotate, annotate_many  # noqa: E402,F401  (issue #4; pinzhu.select stays the module)
