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
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from . import orthography, styles
from .config import DEFAULT, Config
from .lexicon import UserDict
from .options import OptionError, Options, option, resolve
from .pipeline import read_many_under, read_under
from .read import Reading
from .select import WordView, parse_select, select

# What strip's detector accepts in one bracket (parse._CANDIDATE, parse.MAX_SYLLABLES): a longer
# annotation is written in pieces of at most CHUNK characters, so strip still finds every one.
MAX_WRITTEN, MAX_SYLLABLES, CHUNK = 80, 32, 8
BRACKETS = {"half": ("(", ")"), "full": ("（", "）")}
SENTENCE_END = "。！？!?…\n"
INLINE_TONES = ("marks", "numbers", "none")


FormatFn = Callable[["Plan"], str]
_FORMATS: dict[str, FormatFn] = {}


def register(name: str) -> Callable[[FormatFn], FormatFn]:
    """Decorator: make ``fn`` available as ``format=name``."""

    def deco(fn: FormatFn) -> FormatFn:
        _FORMATS[name] = fn
        return fn

    return deco


def formats() -> tuple[str, ...]:
    return tuple(_FORMATS)


def _select(value: str | Iterable[str]) -> str | tuple[str, ...]:
    return value if isinstance(value, str) else tuple(value)


def _select_problem(value: str | tuple[str, ...]) -> str | None:
    try:
        parse_select(value)
    except ValueError as e:
        return str(e)
    return None


def _words(value: str | Iterable[str]) -> frozenset[str]:
    return frozenset((value,) if isinstance(value, str) else value)


@dataclass(frozen=True)
class AnnotateOptions(Options):
    """What to annotate and how to write it (how to *read* is :class:`pinzhu.Config`).

    select: policy names (:mod:`pinzhu.select`), ``"rare+polyphones"`` or a tuple; format:
    ``inline``, ``ruby`` or ``json``; brackets: ``half`` ``()`` or ``full`` ``（）``;
    orthography: GB/T 16159 word division, apostrophes and capitals instead of the plain shape
    (lowercase, joined); ruby: ``char`` (one ``<ruby>`` per character, the default: each syllable
    over its character) or ``word`` (one per word); tone_colors: ruby carries tone classes
    ``t1``…``t5`` (``assets/ruby.css`` colours them); page: ruby as a whole HTML page, not a
    fragment; level / top / words / fraction / seed: the ``level``, ``words`` and ``sample``
    policies' settings. Each field is declared once (:func:`pinzhu.options.option`): CLI flags,
    HTTP fields and adapter keywords come from here.

    >>> AnnotateOptions(select="rare+polyphones", words=["寻根"]).words
    frozenset({'寻根'})
    """

    select: str | tuple[str, ...] = option(
        "all", "which words: all, polyphones, level, rare, words, sample (pinzhu.select); combine with '+'",
        coerce=_select, check=_select_problem, wire=str, metavar="POLICY")
    format: str = option("inline", "output format: inline, ruby or json", choices=formats)
    brackets: str = option("half", "half: (), full: （）", choices=tuple(BRACKETS))
    orthography: bool = option(False, "GB/T 16159: word division, apostrophes (Xī'ān), capitals (Suízhōu)")
    ruby: str = option("char", "ruby: one <ruby> per character (each syllable over its character) or per word",
                       choices=("char", "word"))
    tone_colors: bool = option(False, "ruby: tone classes t1…t5 on each reading (assets/ruby.css colours them)")
    page: bool = option(False, "ruby: a whole HTML page, not a fragment")
    level: int = option(4, "level policy: annotate words above this HSK 3.0 level")
    top: int | None = option(None, "level policy: annotate words outside the N most frequent instead",
                             low=1, metavar="N")
    words: frozenset[str] = option(frozenset(), "words policy: the words to annotate", coerce=_words,
                                   wire=list[str], multiple=True, flag="--word", metavar="WORD")
    fraction: float = option(0.2, "sample policy: share of words", low=0.0, high=1.0)
    seed: int = option(0, "sample policy: random seed", low=0)


def check_options(options: AnnotateOptions, config: Config) -> None:
    """The one check across annotate's and reading's options: inline annotations are pinyin
    strip can find, so they need a Latin tone style (OptionError naming ``tone`` otherwise)."""
    if options.format == "inline" and config.tone not in INLINE_TONES:
        raise OptionError("tone", f"inline annotations are pinyin strip can find: tone must be one of "
                                  f"{', '.join(INLINE_TONES)} (use format ruby or json for {config.tone})")


def values(config: Config | None, options: AnnotateOptions | None, changes: dict[str, Any],
           where: str = "annotate") -> tuple[AnnotateOptions, Config]:
    """The options and config a call runs under: keyword changes (any field of either) merged in."""
    cfg, opts = resolve(changes, (config or DEFAULT, Config), (options or ANNOTATE, AnnotateOptions), where=where)
    return opts, cfg


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


@dataclass(frozen=True, eq=False)
class Plan:
    """What annotate writes, before a format lays it out: arrays, one entry per unit
    (``start``, ``end``, ``written``) or per character (``forms``: the syllable as written,
    ``seps``: what follows it inside its unit), so formats join them without a Python loop."""

    text: str
    start: np.ndarray     # int64, per unit
    end: np.ndarray       # int64, per unit
    written: np.ndarray   # object (str), per unit
    forms: np.ndarray     # object (str), per character
    seps: np.ndarray      # object (str), per character
    reading: Any
    options: AnnotateOptions
    config: Config

    @property
    def units(self) -> tuple[Unit, ...]:
        """The units as values (for JSON and for inspection)."""
        syl, prob, table = self.reading.syl, self.reading.prob, self.reading.lexicon.syllables
        out = []
        for a, b in zip(self.start.tolist(), self.end.tolist()):
            out.append(Unit(a, b, tuple(self.forms[a:b].tolist()), tuple(self.seps[a:b - 1].tolist()),
                            tuple(round(p, 4) for p in prob[a:b].tolist()),
                            tuple(table[i] for i in syl[a:b].tolist())))
        return tuple(out)


# --- planning -----------------------------------------------------------------------------------

def guard_positions(text: str, user_dict: UserDict | None = None) -> list[int]:
    """Where ``text`` has an annotation that strip could remove (any strip options): annotate
    must write its own annotation right after each one's last character (parse.guard_positions)."""
    from .parse import guard_positions as guards

    return guards(text, user_dict)


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


def plan(text: str, options: AnnotateOptions, config: Config = DEFAULT, *, read: Reading | None = None,
         guard: bool | None = None, spans: Spans | None = None) -> Plan:
    """Read ``text`` (or take ``read``, its reading under ``config``), choose the words, and
    write each one's pinyin. ``guard``: also choose the word before every bracket strip could
    remove (default: for inline output; a document's ruby needs it too, since strip reads the
    text the ruby sits in). ``spans``: annotate exactly these instead (:func:`parse_spans`; no
    policy, no guards)."""
    check_options(options, config)
    r = read if read is not None else read_under(text, config)
    text = r.text  # with reading overrides, the text without their markers
    v = WordView(r)
    readable = r.syl > 0
    table = styles.table(r.lexicon.syllables, config.tone)
    forms = table[r.syl]
    # Spoken mode merges an erhua 儿 into the syllable before it (哪儿 nǎr, 儿 = ""): such a 儿
    # goes with the character before it, never alone (strip reads nǎr over 哪儿).
    glue = readable & (styles.table(r.lexicon.syllables, "numbers")[r.syl] == "")  # not an initials ""
    if spans is not None:
        st, en = _span_units(text, parse_spans(spans), readable, glue, options.format)
    else:
        st, en = _selected(text, v, options, config, readable, glue, guard)
    seps = np.full(len(text), "", dtype=object)
    latin = config.tone in INLINE_TONES
    if options.orthography and latin and len(st):
        _orthography(v, st, en, forms, seps, options, config)
    written = _join(forms, seps, st, en)
    if options.format == "inline" and len(st):
        lengths = np.fromiter(map(len, written), dtype=np.int64, count=len(written))
        long = (lengths > MAX_WRITTEN) | (en - st > MAX_SYLLABLES)
        if long.any():
            # Beyond what strip's detector reads in one bracket (a very long user-dictionary
            # word): write it in CHUNK-character pieces, each an annotation strip finds.
            pieces = [[(a, b)] if not lg else [(i, min(i + CHUNK, b)) for i in range(a, b, CHUNK)]
                      for a, b, lg in zip(st.tolist(), en.tolist(), long.tolist())]
            flat = np.array([ab for ps in pieces for ab in ps], dtype=np.int64)
            st, en = flat[:, 0], flat[:, 1]
            written = _join(forms, seps, st, en)
    return Plan(text, st, en, written, forms, seps, r, options, config)


def _selected(text: str, v: WordView, options: AnnotateOptions, config: Config, readable: np.ndarray,
              glue: np.ndarray, guard: bool | None) -> tuple[np.ndarray, np.ndarray]:
    """The units a selection policy chooses (and the guards), as start and end arrays."""
    mask = select(v, options)
    if options.format == "inline" if guard is None else guard:
        for p in guard_positions(text, config.user_dict):
            q = p - 1
            while q > 0 and glue[q]:  # a guard after a merged 儿 takes the character it merged into
                q -= 1
            a, _ = v.spans[v.word_id[q]]
            mask[a:p] = True
    mask &= readable
    if glue.any():
        at = np.flatnonzero(glue)
        at = at[at > 0]
        mask[at] = mask[at - 1] & readable[at - 1]
        if glue[0]:
            mask[0] = False
    return v.selected_words(mask, arrays=True, glue=glue)


Spans = Any  # (start, end) pairs, {"start", "end"} objects, or the json format's output (also as JSON text)


def parse_spans(value: Spans) -> tuple[tuple[int, int], ...]:
    """Where to annotate, as ``(start, end)`` code-point offsets: pairs, objects with ``start``
    and ``end``, or the json format's output (its ``tokens``), as values or as JSON text. A bad
    value is an OptionError naming ``spans``.

    >>> parse_spans('{"length": 4, "tokens": [{"start": 2, "end": 4, "word": "银行"}]}'), parse_spans([[0, 1]])
    (((2, 4),), ((0, 1),))
    """
    from collections.abc import Mapping
    from operator import index

    if isinstance(value, (str, bytes)):
        try:
            value = json.loads(value)
        except ValueError as e:
            raise OptionError("spans", f"spans: not JSON ({e})") from None
    if isinstance(value, Mapping):
        if "tokens" not in value:
            raise OptionError("spans", "spans: an object must be the json format's output (with 'tokens')")
        value = value["tokens"]
    if not isinstance(value, (list, tuple)):
        raise OptionError("spans", f"spans: expected a list of [start, end], got {type(value).__name__}")
    out = []
    for k, item in enumerate(value):
        pair = (item.get("start"), item.get("end")) if isinstance(item, Mapping) else item
        try:
            a, b = pair
            if isinstance(a, bool) or isinstance(b, bool):
                raise TypeError
            out.append((index(a), index(b)))
        except (TypeError, ValueError):
            raise OptionError("spans", f"spans[{k}]: expected [start, end] or {{\"start\", \"end\"}} "
                                       f"(integers), got {str(item)[:60]}") from None
    return tuple(out)


def _span_units(text: str, spans: tuple[tuple[int, int], ...], readable: np.ndarray, glue: np.ndarray,
                fmt: str) -> tuple[np.ndarray, np.ndarray]:
    """Units exactly at ``spans``: each from its first to its last Han character (with a merged
    erhua 儿 after it), which must be one run of characters pinzhu reads; sorted by end."""
    n = len(text)
    units = set()
    for k, (a, b) in enumerate(spans):
        if not 0 <= a < b <= n:
            raise OptionError("spans", f"spans[{k}] ({a}, {b}) is not a span of the text (length {n}): "
                                       "0 <= start < end <= length")
        idx = np.flatnonzero(readable[a:b]) + a
        if not len(idx) or glue[idx[0]]:
            raise OptionError("spans", f"spans[{k}] ({a}, {b}) {text[a:b][:20]!r} holds no Han character to annotate")
        first, last = int(idx[0]), int(idx[-1]) + 1
        gap = next((i for i in range(first, last) if not readable[i]), None)
        if gap is not None:
            raise OptionError("spans", f"spans[{k}] ({a}, {b}): {text[gap]!r} at {gap} is not a Han character; "
                                       "an annotation covers one run of them")
        while last < n and glue[last]:
            last += 1
        units.add((first, last))
    order = sorted(units, key=lambda u: (u[1], -u[0]))
    if fmt == "ruby" and any(p[1] > q[0] for p, q in zip(order, order[1:])):
        raise OptionError("spans", "spans overlap: ruby cannot nest one annotation in another (inline and json can)")
    st = np.array([u[0] for u in order], dtype=np.int64)
    en = np.array([u[1] for u in order], dtype=np.int64)
    return st, en


def _ranges(st: np.ndarray, en: np.ndarray) -> np.ndarray:
    """The character indices of every unit, concatenated."""
    lengths = en - st
    if not len(lengths):
        return np.zeros(0, dtype=np.int64)
    return np.arange(lengths.sum()) - np.repeat(np.cumsum(lengths) - lengths, lengths) + np.repeat(st, lengths)


def _join(forms: np.ndarray, seps: np.ndarray, st: np.ndarray, en: np.ndarray) -> np.ndarray:
    """Per unit: its forms and the separators between them, joined (numpy's object add)."""
    if not len(st):
        return np.zeros(0, dtype=object)
    idx = _ranges(st, en)
    offsets = np.r_[0, np.cumsum(en - st)[:-1]]
    sep = seps[idx]
    sep[np.cumsum(en - st) - 1] = ""  # nothing after a unit's last syllable
    return np.add.reduceat(forms[idx] + sep, offsets).astype(object)


def _orthography(v: WordView, st: np.ndarray, en: np.ndarray, forms: np.ndarray, seps: np.ndarray,
                 options: AnnotateOptions, config: Config) -> None:
    """GB/T 16159 forms and separators, in place. Vectorised for the common case (a plain word of
    up to three syllables: only apostrophes); orthography.py for the rest."""
    r = v.reading
    style = styles.get(config.tone)
    apostrophes = config.tone != "numbers"
    # Capitals on toneless pinyin would read to strip as a writer's name gloss (湖北(Hubei)), kept.
    capitals = not (options.format == "inline" and config.tone == "none")
    if apostrophes:
        vowel = _vowel_start(r.lexicon.syllables, config.tone)[r.syl]
        inner = np.zeros(len(forms), dtype=bool)
        inner[_ranges(st, en)] = True
        inner[st] = False
        at = np.flatnonzero(inner & vowel)
        seps[at - 1] = "'"
    sentence = _sentence_starts(v)[st]
    kinds = orthography.kinds()
    numbers = r.lexicon.syllables
    for a, b, first in zip(st.tolist(), en.tolist(), sentence.tolist()):
        word = v.norm_text[a:b]
        if b - a >= 4 or first or word in kinds:
            syls = [numbers[i] for i in r.syl[a:b].tolist()]
            # All neutral tones in marks (的 De) would read to strip as a toneless name gloss.
            caps = capitals and not (options.format == "inline" and config.tone == "marks"
                                     and all(x.endswith("5") or not x for x in syls))
            f, s = orthography.syllable_forms(word, syls, style, sentence_start=first, capitals=caps,
                                              apostrophes=apostrophes)
            forms[a:b] = f
            seps[a:b - 1] = s


@lru_cache(maxsize=16)
def _vowel_start(syllables: tuple[str, ...], tone: str) -> np.ndarray:
    table = styles.table(syllables, tone)
    return np.array([bool(t) and t.startswith(orthography.VOWEL_START) for t in table.tolist()], dtype=bool)


# --- formats ------------------------------------------------------------------------------------

def _interleave(*columns: Any) -> str:
    """Join columns row by row: ``a0 b0 c0 a1 b1 c1 …`` (each an object array or a constant)."""
    n = max(len(c) for c in columns if isinstance(c, np.ndarray))
    grid = np.empty((n, len(columns)), dtype=object)
    for k, c in enumerate(columns):
        grid[:, k] = c
    return "".join(grid.ravel().tolist())


def _gaps(text: str, st: np.ndarray, en: np.ndarray, escape: bool = False) -> tuple[np.ndarray, str]:
    """The text before each unit (from the previous unit's end), and the text after the last."""
    ends = [0] + en.tolist()
    gaps = [text[p:q] for p, q in zip(ends, st.tolist())]
    tail = text[ends[-1]:]
    if escape:
        gaps, tail = [html.escape(g) for g in gaps], html.escape(tail)
    return np.array(gaps, dtype=object), tail


_SELECTOR = re.compile("[\ufe00-\ufe0f\U000e0100-\U000e01ef]+")


def _past_selectors(text: str, ends: np.ndarray) -> np.ndarray:
    """Unit ends moved past the variation selectors that follow them: 葛\U000E0100 is one
    character as written, and its annotation goes after both (strip reads across them)."""
    if not _SELECTOR.search(text):
        return ends
    out = ends.copy()
    for k, e in enumerate(ends.tolist()):
        m = _SELECTOR.match(text, e)
        if m:
            out[k] = m.end()
    return out


@register("inline")
def inline(p: Plan) -> str:
    """``寻根(xúngēn)``: each unit's pinyin in brackets right after it; all else byte for byte."""
    if not len(p.start):
        return p.text
    op, cl = BRACKETS[p.options.brackets]
    # Each chunk runs from the previous unit's end to this unit's end: gap and word in one slice.
    ends = _past_selectors(p.text, p.end)
    chunks, tail = _gaps(p.text, ends, ends)
    return _interleave(chunks, op, p.written, cl) + tail


RUBY_CLASS = "pz"  # every <ruby> annotate writes: the stylesheet's scope, and how strip knows ours


@lru_cache(maxsize=1)
def stylesheet() -> str:
    """The ruby stylesheet (``pinzhu/assets/ruby.css``): spacing between readings, tone colours.
    The page format, HTML and EPUB documents and the web page all use this one file."""
    from importlib.resources import files

    return files("pinzhu").joinpath("assets/ruby.css").read_text(encoding="utf-8")


@lru_cache(maxsize=16)
def _tone_digits(syllables: tuple[str, ...]) -> np.ndarray:
    """Per syllable id: its tone as a digit string ('1'…'5'; '' for id 0, no syllable)."""
    return np.array([s[-1] if s and s[-1].isdigit() else "" for s in syllables], dtype=object)


def ruby_markup(p: Plan, starts: np.ndarray, ends: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per span ``text[a:b]`` (a unit, a character, or any piece of a unit): the markup that goes
    before its characters and the markup after them — ``<ruby class="pz">`` and
    ``<rp>(</rp><rt>xúngēn</rt><rp>)</rp></ruby>``. The characters themselves stay where they
    are, so documents (pinzhu.documents) wrap them in place; :func:`ruby` joins them with the text.

    With ``tone_colors``, a one-character span's ``<ruby>`` gets its tone class (``pz t2``: the
    character and its reading take the colour); a longer span's syllables get one ``<span>`` each.
    """
    op, cl = (html.escape(b) for b in BRACKETS[p.options.brackets])
    n = len(starts)
    opens = np.full(n, f'<ruby class="{RUBY_CLASS}">', dtype=object)
    tail = f"</rt><rp>{cl}</rp></ruby>"
    if not n:
        return opens, np.zeros(0, dtype=object)
    if not p.options.tone_colors:
        rts = _escaped(_join(p.forms, p.seps, starts, ends))
        return opens, f"<rp>{op}</rp><rt>" + rts + tail
    tones = _tone_digits(p.reading.lexicon.syllables)[p.reading.syl]
    single = (ends - starts) == 1
    opens[single] = f'<ruby class="{RUBY_CLASS} t' + tones[starts[single]] + '">'
    # Longer spans: <span class="tN">syllable</span> per character, separators between them.
    idx = _ranges(starts, ends)
    syl = '<span class="t' + tones[idx] + '">' + _escaped(p.forms[idx]) + "</span>"
    sep = _escaped(p.seps[idx])
    sep[np.cumsum(ends - starts) - 1] = ""
    rts = np.add.reduceat(syl + sep, np.r_[0, np.cumsum(ends - starts)[:-1]]).astype(object)
    rts[single] = _escaped(p.forms[starts[single]])
    return opens, f"<rp>{op}</rp><rt>" + rts + tail


@register("ruby")
def ruby(p: Plan) -> str:
    """``<ruby class="pz">寻<rp>(</rp><rt>xún</rt><rp>)</rp></ruby>…`` per character (or per
    word); every piece of text escaped; ``page=True``: a whole page with :func:`stylesheet`."""
    if not len(p.start):
        body = html.escape(p.text)
    else:
        if p.options.ruby == "char":
            # One span per character, so the gaps fall between them.
            st = _ranges(p.start, p.end)
            en = st + 1
        else:
            st, en = p.start, p.end
        opens, closes = ruby_markup(p, st, en)
        gaps, tail = _gaps(p.text, st, en, escape=True)
        # Han characters: nothing to escape.
        bases = np.array([p.text[a:b] for a, b in zip(st.tolist(), en.tolist())], dtype=object)
        body = _interleave(gaps, opens, bases, closes) + tail
    if not p.options.page:
        return body
    return ('<!DOCTYPE html>\n<html lang="zh-CN">\n<head><meta charset="utf-8"><title>pinzhu</title>\n'
            '<style>body{white-space:pre-wrap;font-size:24px;line-height:2.4}\n'
            f'{stylesheet()}</style>\n</head>\n<body>{body}</body>\n</html>\n')


def _escaped(a: np.ndarray) -> np.ndarray:
    """HTML-escape an object array of strings (pinyin holds at most an apostrophe)."""
    return np.array([html.escape(x) if "'" in x or "&" in x or "<" in x else x for x in a.tolist()], dtype=object)


@register("json")
def as_json(p: Plan) -> str:
    """``{"tokens": [{"start", "end", "word", "pinyin", "syllables", "confidence"}]}``: offsets
    are ``str`` indices (code points); ``confidence`` is each syllable's probability."""
    prob = np.round(p.reading.prob.astype(np.float64), 4).tolist()
    forms = p.forms.tolist()
    tokens = [{"start": a, "end": b, "word": p.text[a:b], "pinyin": w, "syllables": forms[a:b],
               "confidence": prob[a:b]}
              for a, b, w in zip(p.start.tolist(), p.end.tolist(), p.written.tolist())]
    return json.dumps({"length": len(p.text), "tone": p.config.tone, "tokens": tokens}, ensure_ascii=False)


ANNOTATE = AnnotateOptions()  # the defaults (after the formats are registered: it checks its format)


# --- the entry point ----------------------------------------------------------------------------

def annotate(text: str, select: str | Iterable[str] | None = None, format: str | None = None, *,
             spans: Spans | None = None, config: Config | None = None, options: AnnotateOptions | None = None,
             **changes: Any) -> str:
    """``text`` with the pinyin of the chosen words written in (inline, ruby or JSON).

    select / format / any other :class:`AnnotateOptions` field override ``options``; any
    :class:`pinzhu.Config` field (tone, spoken, user_dict, ...) overrides ``config``.
    spans: annotate exactly there instead of where a policy chooses — ``(start, end)`` pairs of
    code-point offsets, or the json format's output (:func:`parse_spans`); an editor's choice, or
    an annotated page's layout (:func:`pinzhu.places`). Spans may nest inline (``發(fā)展(fāzhǎn)``);
    no guards are written: what strip of the result gives back is up to the spans.

    >>> annotate("5月23日在随州举行", select="polyphones")
    '5月23日在随州举行(jǔxíng)'
    >>> annotate("这与西安", select="all", orthography=True, tone="marks")
    "这(Zhè)与(yǔ)西安(Xī'ān)"
    >>> annotate("发展银行", spans=[(0, 1), (0, 2), (3, 4)])
    '发(fā)展(fāzhǎn)银行(háng)'
    """
    opts, cfg = values(config, options, _given(changes, select, format))
    return _FORMATS[opts.format](plan(text, opts, cfg, spans=spans))


def _given(changes: dict[str, Any], select: Any, format: Any) -> dict[str, Any]:
    if select is not None:
        changes["select"] = select
    if format is not None:
        changes["format"] = format
    return changes


def pinyin_line(words: Iterable[tuple[str, str | None]], keep: bool = False) -> str:
    """One line as ``pinzhu pinyin`` prints it: the Han words' pinyin, space-separated (with
    ``keep``, other words too, stripped of spaces).

    >>> pinyin_line([("我们", "wǒmen"), ("去", "qù"), (" ABC", None), ("。", None)], keep=True)
    'wǒmen qù ABC 。'
    """
    return " ".join(py if py is not None else w.strip() for w, py in words
                    if py is not None or (keep and w.strip()))


def annotate_many(texts: Sequence[str], select: str | Iterable[str] | None = None, format: str | None = None, *,
                  config: Config | None = None, options: AnnotateOptions | None = None,
                  **changes: Any) -> list[str]:
    """:func:`annotate` for many texts, read in one engine pass (:func:`pinzhu.reading_many`);
    each comes out as it does alone.

    >>> annotate_many(["在随州举行", "银行"], select="polyphones")
    ['在随州举行(jǔxíng)', '银行(yínháng)']
    """
    opts, cfg = values(config, options, _given(changes, select, format), where="annotate_many")
    fmt = _FORMATS[opts.format]
    return [fmt(plan(t, opts, cfg, read=r)) for t, r in zip(texts, read_many_under(texts, cfg))]


__all__ = ["ANNOTATE", "AnnotateOptions", "Plan", "Unit", "annotate", "annotate_many", "check_options", "formats",
           "parse_spans", "pinyin_line", "plan", "register", "ruby_markup", "stylesheet", "values"]
