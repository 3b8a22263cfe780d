"""Search and sort Chinese by pinyin: :func:`match` for a search box, :func:`sort_key` for collation.

**match**: a query in full pinyin, initials, first letters or a mix (``zhongguo``, ``zhongg``,
``zg``, ``zhong guo``, ``zhguo``) finds the characters it spells. Each Han character consumes a
non-empty prefix of one of its readings — every common reading of a polyphone, and its surname
reading (单: dan, shan, chan) — so a first letter, an initial, a partial or a whole syllable all
work; other characters match themselves (case-insensitive). Spaces and apostrophes in the query
are ignored, tones too (``zhōng`` = ``zhong``), and ``v`` or ``u`` stands for ü. With
``fuzzy=True`` (or a list of pairs) the input-method fuzzy pairs zh/z, ch/c, sh/s, an/ang,
en/eng, in/ing, l/n are one sound.

>>> match("zg", "我爱中国")
(2, 4)
>>> match("zhongg", "中国"), match("zhong guo", "中国"), match("zhguo", "中国")
((0, 2), (0, 2), (0, 2))
>>> match("yh", "银行"), match("yx", "银行")   # every reading of 行: háng and xíng
((0, 2), (0, 2))
>>> match("zongguo", "中国"), match("zongguo", "中国", fuzzy=True)
(None, (0, 2))

For many texts (a contact list) build a :class:`Matcher` once: it reads every text's characters
into arrays, and each :meth:`Matcher.search` runs over all texts at once in numpy.

**sort_key**: collation by pinyin, syllable by syllable (西安 xī'ān before 先 xiān, as dictionaries
order them; ü after u), then by tones, then by code point (for CJK characters, close to
radical-and-stroke order). Characters read in context (长大 zhǎng, 长度 cháng); non-Han characters
sort as themselves, lowercased, before pinyin of the same letters. For a list of names, pass
``person_names="surname"`` (单 sorts under S).

>>> sorted(["张三", "李四", "Zoe", "王五", "阿明", "Anna"], key=sort_key)
['Anna', '阿明', '李四', '王五', 'Zoe', '张三']
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any

import numpy as np

from .config import Config
from .lexicon import default_lexicon
from .pipeline import configured, read_many_under, read_under
from .syllables import split_tone

FUZZY_PAIRS = (("zh", "z"), ("ch", "c"), ("sh", "s"), ("an", "ang"), ("en", "eng"), ("in", "ing"), ("l", "n"))
_INITIAL_PAIRS = {"zh": "z", "z": "zh", "ch": "c", "c": "ch", "sh": "s", "s": "sh", "l": "n", "n": "l"}
_FINAL_PAIRS = {"an": "ang", "ang": "an", "en": "eng", "eng": "en", "in": "ing", "ing": "in"}
_SEPARATORS = str.maketrans("", "", " '’\t-")
_TONE_MARKS = "\u0304\u0301\u030c\u0300"


def _pairs(fuzzy: bool | Iterable[tuple[str, str]]) -> frozenset[tuple[str, str]]:
    if fuzzy is True:
        chosen = FUZZY_PAIRS
    elif not fuzzy:
        return frozenset()
    else:
        chosen = tuple(tuple(p) for p in fuzzy)  # type: ignore[misc]
        unknown = [p for p in chosen if p not in FUZZY_PAIRS and p[::-1] not in FUZZY_PAIRS]
        if unknown:
            raise ValueError(f"unknown fuzzy pair {unknown[0]!r}; pairs are "
                             f"{', '.join('/'.join(p) for p in FUZZY_PAIRS)}")
    return frozenset(chosen) | frozenset(p[::-1] for p in chosen)


def _split(s: str) -> tuple[str, str]:
    for ini in ("zh", "ch", "sh"):
        if s.startswith(ini):
            return ini, s[2:]
    if s and s[0] in "bpmfdtnlgkhjqxrzcsyw" and len(s) > 1:
        return s[0], s[1:]
    return "", s


def variants(syllable: str, pairs: frozenset[tuple[str, str]]) -> frozenset[str]:
    """A toneless syllable and its fuzzy variants (``zhang`` with zh/z and an/ang: zhang, zang,
    zhan, zan)."""
    out = {syllable}
    if not pairs:
        return frozenset(out)
    ini, fin = _split(syllable)
    inis = {ini} | {b for a, b in pairs if a == ini}
    fins = {fin}
    for a, b in pairs:
        if fin.endswith(a) and (a, b) in pairs and a in _FINAL_PAIRS and _FINAL_PAIRS[a] == b:
            fins.add(fin[: len(fin) - len(a)] + b)
    return frozenset(i + f for i in inis for f in fins)


@lru_cache(maxsize=1)
def _surname_readings() -> dict[str, tuple[str, ...]]:
    from .names import data

    out: dict[str, set[str]] = {}
    for k, (syls, _) in data().surnames.items():
        for ch, s in zip(k, syls):
            out.setdefault(ch, set()).add(s)
    return {k: tuple(sorted(v)) for k, v in out.items()}


def _is_han(ch: str) -> bool:
    han = default_lexicon().han
    return ord(ch) < len(han) and bool(han[ord(ch)])


@lru_cache(maxsize=65536)
def spellings(ch: str) -> tuple[str, ...]:
    """What a character can be typed as, toneless with ü as v: every common reading and its
    surname reading (单: dan, shan, chan), and a Han character itself (a query may mix 中g); a
    non-Han character is itself, lowercased.

    >>> spellings("单"), spellings("A")
    (('chan', 'dan', 'shan', '单'), ('a',))
    """
    if not _is_han(ch):
        return (ch.lower(),)
    lex = default_lexicon()
    syls = set(lex.readings(ch)) | set(_surname_readings().get(lex.simplified(ch), ()))
    return tuple(sorted({split_tone(s)[0] for s in syls if s})) + (ch,)


def normalize_query(query: str) -> str:
    """Lowercase, no spaces or apostrophes, no tones (marks or digits), ü as v.

    >>> normalize_query("Zhōng Guó"), normalize_query("lü4 xi'an"), normalize_query("nu:")
    ('zhongguo', 'lvxian', 'nv')
    """
    q = unicodedata.normalize("NFD", query.translate(_SEPARATORS).lower())
    q = "".join(c for c in q if c not in _TONE_MARKS and not c.isdigit())
    return unicodedata.normalize("NFC", q).replace("ü", "v").replace("u:", "v")


def _steps(cands: Iterable[str], q: str, p: int) -> set[int]:
    """Query positions reachable from ``p`` by consuming a non-empty prefix of one candidate
    (``u`` also stands for ``v``: lü typed lu)."""
    out = set()
    m = len(q)
    for c in cands:
        k = 0
        while k < len(c) and p + k < m and (q[p + k] == c[k] or (c[k] == "v" and q[p + k] == "u")):
            k += 1
            out.add(p + k)
    return out


def match(query: str, text: str, *, fuzzy: bool | Iterable[tuple[str, str]] = False) -> tuple[int, int] | None:
    """The first span of ``text`` (start, end) that the pinyin ``query`` spells, or None (see
    the module docstring). The earliest start wins, then the shortest span."""
    q = normalize_query(query)
    return _span(q, text, _pairs(fuzzy)) if q else None


def _span(q: str, text: str, pairs: frozenset[tuple[str, str]]) -> tuple[int, int] | None:
    """:func:`match` for a normalized query."""
    n = len(text)
    cand = [_candidates(ch, pairs) for ch in text]
    for s in range(n):
        reach = {0}
        for j in range(s, n):
            if text[j].isspace() and j > s:
                continue
            nxt: set[int] = set()
            for p in reach:
                nxt |= _steps(cand[j], q, p)
            if len(q) in nxt:
                return s, j + 1
            if not nxt:
                break
            reach = nxt
    return None


@lru_cache(maxsize=65536)
def _candidates(ch: str, pairs: frozenset[tuple[str, str]]) -> tuple[str, ...]:
    if not pairs or not _is_han(ch):
        return spellings(ch)
    out: set[str] = set()
    for s in spellings(ch):
        out |= variants(s, pairs) if s.isascii() else {s}
    return tuple(sorted(out))


class Matcher:
    """Many texts (a contact list) prepared once for fast :meth:`search`.

    >>> m = Matcher(["张三", "李四", "中国银行", "Anna 安娜"])
    >>> m.search("zs"), m.search("yh"), m.search("an")
    ([(0, (0, 2))], [(2, (2, 4))], [(3, (0, 2))])
    """

    def __init__(self, texts: Sequence[str]) -> None:
        self.texts = list(texts)
        strings: dict[str, int] = {}
        cells = []
        width = 1
        for t in self.texts:
            row = []
            for ch in t:
                if ch.isspace():
                    row.append(())
                    continue
                sp = spellings(ch)
                width = max(width, len(sp))
                row.append(tuple(strings.setdefault(s, len(strings)) for s in sp))
            cells.append(row)
        self._strings = list(strings)
        # fuzzy pairs apply to pinyin spellings only, never to a Latin letter of the text
        pinyin = {s for t in self.texts for ch in t if _is_han(ch) for s in spellings(ch) if s.isascii()}
        self._pinyin = [s in pinyin for s in self._strings]
        length = max((len(r) for r in cells), default=0)
        # rows[text, char, k]: the k-th spelling of a character (len(strings): none); space[text,
        # char]: a space, which a match passes over
        self._rows = np.full((len(cells), length, width), len(strings), dtype=np.int32)
        self._space = np.zeros((len(cells), length), dtype=bool)
        for i, row in enumerate(cells):
            for j, sp in enumerate(row):
                if sp:
                    self._rows[i, j, : len(sp)] = sp
                else:
                    self._space[i, j] = True

    def search(self, query: str, *, fuzzy: bool | Iterable[tuple[str, str]] = False,
               limit: int | None = None) -> list[tuple[int, tuple[int, int]]]:
        """Every text the query matches, in order: (index, span)."""
        q = normalize_query(query)
        if not q or not self.texts:
            return []
        pairs = _pairs(fuzzy)
        if len(q) > 62:  # past a 64-bit state: text by text
            hits = [i for i, t in enumerate(self.texts) if _span(q, t, pairs) is not None]
        else:
            hits = self._vector_search(q, pairs)
        out = []
        for i in hits:
            span = _span(q, self.texts[i], pairs)
            if span is not None:
                out.append((i, span))
                if limit is not None and len(out) >= limit:
                    break
        return out

    def _vector_search(self, q: str, pairs: frozenset[tuple[str, str]]) -> list[int]:
        """The texts ``q`` matches: an automaton over query positions run on every text at once.
        Each text's state is a bit set of the query positions it can have reached; every text
        may start afresh at each character (one table lookup for all), and only the few texts
        that got somewhere carry the rest of their state along."""
        m = len(q)
        size = len(self._strings)
        # trans[s, p]: bit set of the query positions reachable from p through spelling s (row
        # ``size``: no character; all zero)
        trans = np.zeros((size + 1, m), dtype=np.uint64)
        letters = set(q)
        for sid, s in enumerate(self._strings):
            cands = variants(s, pairs) if self._pinyin[sid] else (s,)
            if not any(c[:1] in letters for c in cands):
                continue
            for p in range(m):
                bits = 0
                for r in _steps(cands, q, p):
                    bits |= 1 << r
                trans[sid, p] = bits
        rows, space = self._rows, self._space
        n, length, width = rows.shape
        done = np.uint64(1 << m)
        found = np.zeros(n, dtype=bool)
        start = trans[:, 0]
        active = np.zeros(0, dtype=np.int64)
        state = np.zeros(0, dtype=np.uint64)
        one = np.uint64(1)
        for j in range(length):
            sids = rows[:, j, :]
            new = np.bitwise_or.reduce(start[sids], axis=1)  # a match may start at every character
            if len(active):
                sub = sids[active]
                add = np.zeros(len(active), dtype=np.uint64)
                for p in range(1, m):
                    on = np.flatnonzero((state >> np.uint64(p)) & one)
                    if len(on):
                        add[on] |= np.bitwise_or.reduce(trans[sub[on], p], axis=1)
                gap = space[active, j]
                add[gap] = state[gap]  # a space passes the state on
                new[active] |= add
            hit = (new & done) > 0
            found |= hit
            new &= ~done
            active = np.flatnonzero(new)
            state = new[active]
        return np.flatnonzero(found).tolist()


# --- sort ---------------------------------------------------------------------------------------

def _key_of(r: Any) -> tuple:
    letters, tones = [], []
    for ch, s in zip(r.text, r.syllables()):
        if s:
            base, tone = split_tone(s)
            letters.append((base, 1))  # a syllable after the same letters written in Latin
            tones.append(tone)
        else:
            letters.append((ch.lower(), 0))
            tones.append(0)
    return tuple(letters), tuple(tones), tuple(map(ord, r.text))


def sort_key(text: str, *, config: Config | None = None, **changes: Any) -> tuple:
    """A key that sorts Chinese by pinyin (syllable by syllable), then tone, then code point.

    >>> sorted(["长度", "长大", "厂"], key=sort_key)
    ['厂', '长度', '长大']
    """
    return _key_of(read_under(text, configured(config, changes, "sort_key")))


def sort_keys(texts: Sequence[str], *, config: Config | None = None, **changes: Any) -> list[tuple]:
    """:func:`sort_key` for many texts in one engine pass: ``[k for k in sort_keys(names)]``."""
    return [_key_of(r) for r in read_many_under(texts, configured(config, changes, "sort_keys"))]


__all__ = ["FUZZY_PAIRS", "Matcher", "match", "normalize_query", "sort_key", "sort_keys", "spellings", "variants"]
