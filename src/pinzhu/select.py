"""Selection policies: which words of a text get an annotation.

Each policy is a small registered function ``(view, options) -> bool array`` over the Han
*characters* of the text (True: annotate this character's word). Most decide per word and spread
the answer over the word's characters; ``words`` marks the characters of each listed word
wherever it occurs, so a listed word inside a longer segmented word still gets its own
annotation. Policies combine by union: ``"rare+polyphones"`` or ``("rare", "polyphones")``.

=============  =============================================================================
all            every Han word
polyphones     words holding a polyphone (a character whose reading the context decides)
level          words above HSK 3.0 level ``options.level`` (GF0025-2021 lists); or, with
               ``options.top = N``, words outside the N most frequent words of the lexicon
rare           words holding a character outside the 3,500 常用字 (通用规范汉字表, level 1)
words          the words in ``options.words`` (an explicit list; the CLI reads a file)
sample         ``options.fraction`` of the Han words, chosen from ``options.seed``
=============  =============================================================================

Policies see the options through :class:`SelectOptions` (what :class:`pinzhu.AnnotateOptions`
holds), so this module needs nothing of render.

>>> from pinzhu.pipeline import reading
>>> from pinzhu.render import AnnotateOptions
>>> v = view(reading("银行在随州"))
>>> [v.text[a:b] for a, b in v.selected_words(select(v, AnnotateOptions(select="polyphones")))]
['银行']
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cached_property, lru_cache
from importlib import resources
from typing import Any, Protocol

import numpy as np

from .lexicon import TABLE_SIZE, Lexicon
from .read import Reading
from .segment import SRC_CONT


class SelectOptions(Protocol):
    """What the policies read of the options (:class:`pinzhu.AnnotateOptions` has it all)."""

    @property
    def select(self) -> str | tuple[str, ...]: ...
    @property
    def level(self) -> int: ...
    @property
    def top(self) -> int | None: ...
    @property
    def words(self) -> frozenset[str]: ...
    @property
    def fraction(self) -> float: ...
    @property
    def seed(self) -> int: ...


Policy = Callable[["WordView", SelectOptions], np.ndarray]
_POLICIES: dict[str, Policy] = {}
BEYOND = 10  # the HSK "level" of a word or character outside the lists


def register(name: str) -> Callable[[Policy], Policy]:
    """Decorator: make ``fn`` available as ``select=name``."""

    def deco(fn: Policy) -> Policy:
        _POLICIES[name] = fn
        return fn

    return deco


def names() -> tuple[str, ...]:
    return tuple(_POLICIES)


def parse_select(select: str | Iterable[str]) -> tuple[str, ...]:
    """``"rare+polyphones"``, ``"rare,polyphones"`` or ``("rare", "polyphones")`` -> names.

    >>> parse_select("rare+polyphones")
    ('rare', 'polyphones')
    """
    parts = re.split(r"[+,\s]+", select) if isinstance(select, str) else list(select)
    out = tuple(p for p in (x.strip() for x in parts) if p)
    bad = [p for p in out if p not in _POLICIES]
    if bad or not out:
        raise ValueError(f"unknown selection policy {', '.join(bad) or repr(select)}; "
                         f"choose from {', '.join(_POLICIES)} (combine with '+')")
    return out


# --- the view policies see ----------------------------------------------------------------------

@dataclass(frozen=True)
class WordView:
    """A reading cut into words: what every policy looks at. Arrays are per character."""

    reading: Reading

    @property
    def text(self) -> str:
        return self.reading.text

    @property
    def lexicon(self) -> Lexicon:
        return self.reading.lexicon

    @cached_property
    def cps(self) -> np.ndarray:
        """Code points as read (traditional -> simplified: what the lists are keyed by), clipped
        to the tables."""
        return np.minimum(self.reading.norm, TABLE_SIZE - 1).astype(np.int64)

    @property
    def norm_text(self) -> str:
        return self.reading.norm_text

    @cached_property
    def starts(self) -> np.ndarray:
        """True where a word starts (every Han character not continuing a multi-character word)."""
        r = self.reading
        s = (r.src & SRC_CONT) == 0
        s[1:] |= r.han[1:] != r.han[:-1]
        return s

    @cached_property
    def word_id(self) -> np.ndarray:
        """Per character: the index of its word (counting every word, Han or not)."""
        return np.cumsum(self.starts) - 1

    @cached_property
    def spans(self) -> np.ndarray:
        """(n_words, 2) start/end of every word (non-Han characters are words of their own here)."""
        st = np.flatnonzero(self.starts)
        return np.stack([st, np.append(st[1:], len(self.text))], axis=1) if len(st) else np.zeros((0, 2), int)

    @cached_property
    def han_words(self) -> np.ndarray:
        """Indices (into ``spans``) of the Han words."""
        if not len(self.spans):
            return np.zeros(0, dtype=np.int64)
        return np.flatnonzero(self.reading.han[self.spans[:, 0]])

    def words_text(self, idx: np.ndarray, normalised: bool = True) -> list[str]:
        t = self.norm_text if normalised else self.text
        return [t[a:b] for a, b in self.spans[idx].tolist()]

    def spread(self, word_mask: np.ndarray) -> np.ndarray:
        """A per-Han-word bool array as a per-character mask."""
        full = np.zeros(len(self.spans), dtype=bool)
        full[self.han_words] = word_mask
        return full[self.word_id] & self.reading.han if len(self.text) else np.zeros(0, bool)

    def any_char(self, char_mask: np.ndarray) -> np.ndarray:
        """Per Han word: does any of its characters satisfy ``char_mask``?"""
        if not len(self.han_words):
            return np.zeros(0, dtype=bool)
        return np.logical_or.reduceat(char_mask, self.spans[:, 0])[self.han_words]

    def selected_words(self, mask: np.ndarray, arrays: bool = False, glue: np.ndarray | None = None) -> Any:
        """Spans of the runs of ``mask`` cut at word starts: the units annotate writes after
        (a list of (start, end), or with ``arrays=True`` two int arrays). ``glue``: characters
        that never start a unit (a spoken-mode erhua 儿 whose sound merged into the syllable before)."""
        if not mask.any():
            z = np.zeros(0, dtype=np.int64)
            return (z, z) if arrays else []
        cut = self.starts | np.r_[True, mask[1:] != mask[:-1]]
        if glue is not None:
            cut[1:] &= ~glue[1:]
        st = np.flatnonzero(cut)
        en = np.append(st[1:], len(mask))
        keep = mask[st]
        if arrays:
            return st[keep].astype(np.int64), en[keep].astype(np.int64)
        return list(zip(st[keep].tolist(), en[keep].tolist()))


def view(reading: Reading) -> WordView:
    return WordView(reading)


def select(v: WordView, options: SelectOptions) -> np.ndarray:
    """Union of the chosen policies, as a per-character mask (Han characters only)."""
    mask = np.zeros(len(v.text), dtype=bool)
    for name in parse_select(options.select):
        mask |= _POLICIES[name](v, options)
    return mask & v.reading.han


# --- the policies -------------------------------------------------------------------------------

@register("all")
def select_all(v: WordView, options: SelectOptions) -> np.ndarray:
    """Every Han word."""
    return v.reading.han.copy()


@register("polyphones")
def select_polyphones(v: WordView, options: SelectOptions) -> np.ndarray:
    """Words holding a polyphone (``Lexicon.polyphone``): where a reading is a choice."""
    return v.spread(v.any_char(v.lexicon.polyphone[v.cps]))


@register("rare")
def select_rare(v: WordView, options: SelectOptions) -> np.ndarray:
    """Words holding a character outside the 3,500 常用字 (traditional ones by their simplified form)."""
    return v.spread(v.any_char(~common_table()[v.cps] & v.reading.han))


@register("level")
def select_level(v: WordView, options: SelectOptions) -> np.ndarray:
    """Words above HSK level ``options.level``, or (``options.top``) outside the N most frequent."""
    if options.top is not None:
        return v.spread(word_logp(v) < frequency_threshold(v.lexicon, options.top))
    words = v.words_text(v.han_words)
    return v.spread(np.fromiter((hsk_level(w) > options.level for w in words), dtype=bool, count=len(words)))


@register("words")
def select_words(v: WordView, options: SelectOptions) -> np.ndarray:
    """Every occurrence of a listed word (as written, or by its simplified form)."""
    listed = sorted({w for w in options.words if w}, key=len, reverse=True)
    mask = np.zeros(len(v.text), dtype=bool)
    if not listed:
        return mask
    pattern = _alternation(tuple(listed))
    for t in {v.text, v.norm_text}:
        for m in pattern.finditer(t):
            mask[m.start(): m.end()] = True
    return mask


@register("sample")
def select_sample(v: WordView, options: SelectOptions) -> np.ndarray:
    """``round(fraction × Han words)`` words, the same ones for the same text and seed.

    PCG64's raw stream is fixed by NumPy for every version (unlike Generator methods), so the
    choice reproduces byte for byte across machines and releases.
    """
    n = len(v.han_words)
    k = int(round(min(max(options.fraction, 0.0), 1.0) * n))
    keys = np.random.PCG64(options.seed).random_raw(n) if n else np.zeros(0, np.uint64)
    chosen = np.zeros(n, dtype=bool)
    chosen[np.argsort(keys, kind="stable")[:k]] = True
    return v.spread(chosen)


@lru_cache(maxsize=64)
def _alternation(words: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("|".join(map(re.escape, words)))


# --- the lists ----------------------------------------------------------------------------------

def _data_lines(name: str) -> list[str]:
    text = (resources.files("pinzhu") / "data" / name).read_text(encoding="utf-8")
    return [ln for ln in text.splitlines() if ln and not ln.startswith("#")]


@lru_cache(maxsize=1)
def common_table() -> np.ndarray:
    """Bool per code point: one of the 3,500 first-level 通用规范汉字 (data/common_chars.txt)."""
    t = np.zeros(TABLE_SIZE, dtype=bool)
    t[[ord(c) for c in _data_lines("common_chars.txt")]] = True
    return t


@lru_cache(maxsize=1)
def hsk_words() -> dict[str, int]:
    """HSK 3.0 (GF0025-2021) word -> level 1–7 (7: the 7–9 band), from data/hsk_words.tsv."""
    out: dict[str, int] = {}
    for ln in _data_lines("hsk_words.tsv"):
        w, lv = ln.split("\t")
        out[w] = min(out.get(w, BEYOND), int(lv))
    return out


@lru_cache(maxsize=1)
def hsk_chars() -> dict[str, int]:
    """HSK 3.0 (GF0025-2021) character -> level, from data/hsk_chars.tsv."""
    return {c: int(lv) for c, lv in (ln.split("\t") for ln in _data_lines("hsk_chars.tsv"))}


@lru_cache(maxsize=65536)
def hsk_level(word: str) -> int:
    """The HSK level a learner needs for ``word``: its own level when listed; else the best cut
    into listed words and graded characters, scored by its hardest piece (世界华人 -> 世界 + 华人);
    ``BEYOND`` (10) when a character is in no list.

    >>> hsk_level("学生"), hsk_level("世界华人") <= 4, hsk_level("乙巳") == BEYOND
    (1, True, True)
    """
    words, chars = hsk_words(), hsk_chars()
    if word in words:
        return words[word]
    n = len(word)
    best = [0] + [BEYOND + 1] * n  # best[j]: the least "hardest piece" for word[:j]
    for j in range(1, n + 1):
        for i in range(max(0, j - 8), j):
            piece = word[i:j]
            lv = words.get(piece, chars.get(piece, BEYOND) if j - i == 1 else None)
            if lv is not None:
                best[j] = min(best[j], max(best[i], lv))
    return min(best[n], BEYOND)


def word_logp(v: WordView) -> np.ndarray:
    """Log probability of each Han word: the lexicon's word score, or its character's score for a
    single character; a word the lexicon lacks (a user-dictionary word) scores -inf."""
    lex = v.lexicon
    spans = v.spans[v.han_words]
    out = lex.char_score[v.cps[spans[:, 0]]].astype(np.float64)
    multi = np.flatnonzero(spans[:, 1] - spans[:, 0] > 1)
    for k, w in zip(multi.tolist(), v.words_text(v.han_words[multi])):
        score = lex.word_score(w)
        out[k] = score if score is not None else -np.inf
    return out


@lru_cache(maxsize=16)
def frequency_threshold(lex: Lexicon, top: int) -> float:
    """The log probability of the ``top``-th most frequent entry, words and characters together
    (they share one scale: segmentation compares them)."""
    if top <= 0:
        return np.inf
    scores = np.concatenate([lex.word_logp, lex.char_score[lex.char_score > lex.char_score.min()]])
    if top >= len(scores):
        return -np.inf
    return float(np.partition(scores, len(scores) - top)[len(scores) - top])
