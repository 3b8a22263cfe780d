"""Annotate: write the pinyin of chosen words into the text — inline, as HTML ruby, or as JSON.

>>> annotate("这与寻根节主题高度一致", select="words", words=("寻根",))
'这与寻根(xúngēn)节主题高度一致'
>>> annotate("行(xíng)", select="words")  # a guard: strip takes the first bracket only
'行(xíng)(xíng)'

How it stays cheap: one :func:`pinzhu.reading`, then policies are numpy masks over its arrays
(:mod:`pinzhu.select`); Python touches only the selected words, and the output is one join.

The round trip ``strip(annotate(x)) == x`` (docs/annotate.md): strip removes only the first
bracketed annotation directly after a Han character, and everything annotate writes is one. Where
``x`` already has a bracket strip could take right after a Han character, annotate writes its own
annotation there first (a *guard*), selected or not, so strip takes annotate's and leaves ``x``'s.
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from . import orthography, styles
from .config import DEFAULT, Config
from .lexicon import UserDict
from .select import WordView, parse_select, select

# What strip's detector accepts in one bracket (parse._CANDIDATE, parse.MAX_SYLLABLES): a longer
# annotation is written in pieces of at most CHUNK characters, so strip still finds every one.
MAX_WRITTEN, MAX_SYLLABLES, CHUNK = 80, 32, 8
BRACKETS = {"half": ("(", ")"), "full": ("（", "）")}
SENTENCE_END = "。！？!?…\n"
INLINE_TONES = ("marks", "numbers", "none")


@dataclass(frozen=True)
class AnnotateOptions:
    """What to annotate and how to write it (how to *read* is :class:`pinzhu.Config`).

    select: policy names (:mod:`pinzhu.select`), ``"rare+polyphones"`` or a tuple; format:
    ``inline``, ``ruby`` or ``json``; brackets: ``half`` ``()`` or ``full`` ``（）``;
    orthography: GB/T 16159 word division, apostrophes and capitals instead of the plain shape
    (lowercase, joined); ruby: ``word`` (one ``<rt>`` per word) or ``char`` (one per character);
    page: ruby as a whole HTML page, not a fragment; level / top / words / fraction / seed: the
    ``level``, ``words`` and ``sample`` policies' settings.

    >>> AnnotateOptions(select="rare+polyphones", words=["寻根"]).words
    frozenset({'寻根'})
    """

    select: str | tuple[str, ...] = "all"
    format: str = "inline"
    brackets: str = "half"
    orthography: bool = False
    ruby: str = "word"
    page: bool = False
    level: int = 4
    top: int | None = None
    words: frozenset[str] = field(default_factory=frozenset)
    fraction: float = 0.2
    seed: int = 0

    def __post_init__(self) -> None:
        if not isinstance(self.words, frozenset):
            words = (self.words,) if isinstance(self.words, str) else self.words
            object.__setattr__(self, "words", frozenset(words))
        if not isinstance(self.select, str):
            object.__setattr__(self, "select", tuple(self.select))
        parse_select(self.select)
        if self.format not in _FORMATS:
            raise ValueError(f"unknown format {self.format!r}; choose one of {', '.join(_FORMATS)}")
        if self.brackets not in BRACKETS:
            raise ValueError(f"brackets must be one of {', '.join(BRACKETS)}, got {self.brackets!r}")
        if self.ruby not in ("word", "char"):
            raise ValueError(f"ruby must be 'word' or 'char', got {self.ruby!r}")
        if not 0.0 <= self.fraction <= 1.0:
            raise ValueError(f"fraction must be between 0 and 1, got {self.fraction}")

    def but(self, **changes: Any) -> "AnnotateOptions":
        """A copy with some options changed (None values are ignored)."""
        changes = {k: v for k, v in changes.items() if v is not None}
        return replace(self, **changes) if changes else self


@dataclass(frozen=True)
class Unit:
    """One annotated span: ``text[start:end]``, its syllables as written and the separators
    between them, and the probability of each reading."""

    start: int
    end: int
    forms: tuple[str, ...]
    seps: tuple[str, ...]
    confidence: tuple[float, ...]
    syllables: tuple[str, ...]  # numbers form

    @property
    def written(self) -> str:
        return "".join(f + s for f, s in zip(self.forms, self.seps + ("",)))


@dataclass(frozen=True)
class Plan:
    """What annotate writes, before a format lays it out."""

    text: str
    units: tuple[Unit, ...]
    options: AnnotateOptions
    config: Config


FormatFn = Callable[[Plan], str]
_FORMATS: dict[str, FormatFn] = {}


def register(name: str) -> Callable[[FormatFn], FormatFn]:
    """Decorator: make ``fn`` available as ``format=name``."""

    def deco(fn: FormatFn) -> FormatFn:
        _FORMATS[name] = fn
        return fn

    return deco


def formats() -> tuple[str, ...]:
    return tuple(_FORMATS)


# --- planning -----------------------------------------------------------------------------------

def guard_positions(text: str, user_dict: UserDict | None = None) -> list[int]:
    """Where ``text`` has a bracket that strip could remove (any strip options): annotate must
    write its own annotation right before each."""
    if "(" not in text and "（" not in text:
        return []
    from .parse import find_annotations

    return [a.open for a in find_annotations(text, names=True, toneless=True, user_dict=user_dict)]


def _sentence_starts(v: WordView) -> np.ndarray:
    """Per character: a Han character that is the sentence's first word character (no Han
    character, letter or digit since the last sentence end; quotes and spaces don't count)."""
    r, c = v.reading, v.cps
    n = len(v.text)
    if not n:
        return np.zeros(0, dtype=bool)
    idx = np.arange(n)
    ends = np.isin(c, [ord(ch) for ch in SENTENCE_END])
    wordy = r.han | ((c >= 0x30) & (c <= 0x39)) | ((c | 0x20) >= 0x61) & ((c | 0x20) <= 0x7A) \
        | ((c >= 0xFF10) & (c <= 0xFF19)) | ((c >= 0xC0) & (c < 0x2000))
    last_end = np.maximum.accumulate(np.where(ends, idx, -1))
    last_word = np.r_[-1, np.maximum.accumulate(np.where(wordy, idx, -1))[:-1]]
    return r.han & (last_word <= last_end)


def plan(text: str, options: AnnotateOptions, config: Config = DEFAULT) -> Plan:
    """Read ``text``, choose the words, and write each one's pinyin."""
    from . import reading

    if options.format == "inline" and config.tone not in INLINE_TONES:
        raise ValueError(f"inline annotations are pinyin strip can find: tone must be one of "
                         f"{', '.join(INLINE_TONES)} (use format='ruby' or 'json' for {config.tone})")
    r = reading(text, config=config)
    v = WordView(r)
    readable = r.syl > 0
    mask = select(v, options)
    if options.format == "inline":
        for p in guard_positions(text, config.user_dict):
            a, _ = v.spans[v.word_id[p - 1]]
            mask[a:p] = True
    units = v.selected_words(mask & readable)
    if not units:
        return Plan(text, (), options, config)

    style = styles.get(config.tone)
    table = styles.table(r.lexicon.syllables, config.tone)
    numbers = r.lexicon.syllables
    latin = config.tone in INLINE_TONES
    # Capitals on toneless pinyin would read to strip as a writer's name gloss (湖北(Hubei)), kept.
    capitals = latin and not (options.format == "inline" and config.tone == "none")
    starts = _sentence_starts(v) if options.orthography else None

    def unit(a: int, b: int) -> Unit:
        ids = r.syl[a:b].tolist()
        syls = tuple(numbers[i] for i in ids)
        conf = tuple(round(float(p), 4) for p in r.prob[a:b].tolist())
        if options.orthography and latin:
            forms, seps = orthography.syllable_forms(
                v.norm_text[a:b], syls, style, sentence_start=bool(starts[a]), capitals=capitals,
                apostrophes=config.tone != "numbers")
            return Unit(a, b, tuple(forms), tuple(seps), conf, syls)
        return Unit(a, b, tuple(table[i] for i in ids), ("",) * (b - a - 1), conf, syls)

    out = []
    for a, b in units:
        u = unit(a, b)
        if options.format == "inline" and (len(u.written) > MAX_WRITTEN or b - a > MAX_SYLLABLES):
            # Beyond what strip's detector reads in one bracket (a very long user-dictionary
            # word): write it in pieces, each an annotation strip finds.
            out.extend(unit(i, min(i + CHUNK, b)) for i in range(a, b, CHUNK))
        else:
            out.append(u)
    return Plan(text, tuple(out), options, config)


# --- formats ------------------------------------------------------------------------------------

@register("inline")
def inline(p: Plan) -> str:
    """``寻根(xúngēn)``: each unit's pinyin in brackets right after it; all else byte for byte."""
    op, cl = BRACKETS[p.options.brackets]
    parts, pos = [], 0
    for u in p.units:
        parts += (p.text[pos:u.end], op, u.written, cl)
        pos = u.end
    parts.append(p.text[pos:])
    return "".join(parts)


@register("ruby")
def ruby(p: Plan) -> str:
    """``<ruby>寻根<rp>(</rp><rt>xúngēn</rt><rp>)</rp></ruby>``; every piece of text escaped."""
    op, cl = (html.escape(b) for b in BRACKETS[p.options.brackets])
    esc = html.escape
    parts, pos = [], 0
    for u in p.units:
        parts.append(esc(p.text[pos:u.start]))
        if p.options.ruby == "char":
            parts += (f"<ruby>{esc(c)}<rp>{op}</rp><rt>{esc(f)}</rt><rp>{cl}</rp></ruby>"
                      for c, f in zip(p.text[u.start:u.end], u.forms))
        else:
            parts.append(f"<ruby>{esc(p.text[u.start:u.end])}<rp>{op}</rp><rt>{esc(u.written)}</rt>"
                         f"<rp>{cl}</rp></ruby>")
        pos = u.end
    parts.append(esc(p.text[pos:]))
    body = "".join(parts)
    if not p.options.page:
        return body
    return ('<!DOCTYPE html>\n<html lang="zh-CN">\n<head><meta charset="utf-8"><title>pinzhu</title>\n'
            '<style>body{white-space:pre-wrap;font-size:24px;line-height:2.4}rt{font-size:0.55em}</style>\n'
            f'</head>\n<body>{body}</body>\n</html>\n')


@register("json")
def as_json(p: Plan) -> str:
    """``{"tokens": [{"start", "end", "word", "pinyin", "syllables", "confidence"}]}``: offsets
    are ``str`` indices (code points); ``confidence`` is each syllable's probability."""
    tokens = [{"start": u.start, "end": u.end, "word": p.text[u.start:u.end], "pinyin": u.written,
               "syllables": list(u.forms), "confidence": list(u.confidence)} for u in p.units]
    return json.dumps({"length": len(p.text), "tone": p.config.tone, "tokens": tokens}, ensure_ascii=False)


# --- the entry point ----------------------------------------------------------------------------

def annotate(text: str, select: str | Iterable[str] | None = None, format: str | None = None, *,
             tone: str | None = None, config: Config | None = None, user_dict: UserDict | None = None,
             options: AnnotateOptions | None = None, **changes: Any) -> str:
    """``text`` with the pinyin of the chosen words written in (inline, ruby or JSON).

    select / format / any :class:`AnnotateOptions` field override ``options``; tone / user_dict
    override ``config`` (reading options: tone, model, spoken, user_dict).

    >>> annotate("5月23日在随州举行", select="polyphones")
    '5月23日在随州举行(jǔxíng)'
    >>> annotate("这与西安", select="all", orthography=True, tone="marks")
    "这(Zhè)与(yǔ)西安(Xī'ān)"
    """
    opts = (options or AnnotateOptions()).but(select=select, format=format, **changes)
    cfg = (config or DEFAULT).but(tone=tone, user_dict=user_dict)
    return _FORMATS[opts.format](plan(text, opts, cfg))


__all__ = ["AnnotateOptions", "Plan", "Unit", "annotate", "formats", "plan", "register"]
