"""Finding pinyin annotations in text: ``这(zhè)``, ``發展(fāzhǎn)``, ``学习 (xuéxí)``, ``老师[lǎoshī]``,
``我在听音乐。(wo3 zai4 ting1 yin1 yue4)``, ``戏谑xuè``.

Every annotation rests on the same evidence: its syllables are readings of the Han characters it
follows (tones aside), or, for a sentence reading, a well-formed pinyin sentence whose syllables
are readings of every Han character of the sentence before it, in order. Where it may stand:

1. **word**: a bracket — ``()`` ``（）`` ``[]`` ``［］`` ``【】`` — after a Han character, directly
   or across a short *gap*: spacing (``学习 (xuéxí)``), zero-width characters, variation selectors,
   closing quotes (``“重量”(zhòng liàng)``) and footnote marks (``蒹葭①(jiān jiā)``). Never after
   another bracket's ``)``: that is the rule that makes ``strip(annotate(x)) == x`` hold (see
   docs/strip.md). The characters it covers run back from that Han character, across an
   annotation already found directly after its own characters (``發(fā)展(fāzhǎn)``), and across
   zero-width characters and variation selectors.
2. **sentence**: a bracket after the end of a sentence (``。！？!?…``) or after its last Han
   character, holding pinyin words and punctuation that read every Han character of the sentence
   (from the previous sentence end, or the previous sentence reading): ``你好吗？(Nǐ hǎo ma?)``.
   The sentence must hold no bracket of its own and at least two Han characters.
3. **glued**: toned pinyin written straight after the characters with no bracket, as lists of
   hard readings do: ``戏谑xuè`` (a tone is required: untoned Latin after Han is English).

The text inside may be pinyin (tone marks, tone numbers or none; ``ü``/``v``/``u:``; script ``ɡ``
and ``ɑ``; syllables joined or apart) or zhuyin (``老师(ㄌㄠˇ ㄕ)``). A word annotation followed by
an English gloss (``温习(wēnxí, review)``) is found with ``gloss`` set. Tones are not checked here
(that is audit's job), so a wrong tone or the wrong reading of a polyphone is still found.

What strip removes of an annotation is its *cut* (``cut_start``/``cut_end``): the bracket, plus the
spacing the insertion added — the spacing before the bracket, and the spacing after it when there
was spacing before it and a Han character or Chinese punctuation follows (``学习 (xuéxí) 新课文``
→ ``学习新课文``). Spacing that was there before stays: ``I love 中国 (Zhōngguó) very much``
→ ``I love 中国 very much``.

Cheap first: one regex finds brackets of pinyin-like text, one finds toned Latin after Han;
only those reach the syllable search.

>>> [(a.chars, a.syllables) for a in find_annotations("刘诗(shī)诗说这(zhè)是西安(Xī'ān)")]
[('诗', ('shi1',)), ('这', ('zhe4',)), ('西安', ('xi1', 'an1'))]
>>> strip_spans = [(a.cut_start, a.cut_end) for a in find_annotations("学习 (xuéxí) 新课文")]
>>> strip_spans
[(2, 11)]
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, NamedTuple

from .lexicon import HAN_CLASS, UserDict, default_lexicon
from .syllables import to_zhuyin

try:  # strip's scan in C (see _parsecore.c); scan_py below is its twin, and the rest runs without it
    from . import _parsecore
except ImportError:  # pragma: no cover - built wherever a compiler was available
    _parsecore = None

HAN = HAN_CLASS  # the Han ranges, written once (lexicon.HAN_RANGES)
_HAN_RE = re.compile(f"[{HAN}]")

# Invisible characters that belong to the text around them: variation selectors (part of the
# character before: 葛\U000E0100) and zero-width characters (often put into scraped pages).
_VS = "\ufe00-\ufe0f\U000e0100-\U000e01ef"
_ZW = "\u200b-\u200d\u2060\ufeff"
_SPACING_RE = re.compile(f"[ \t\u00a0\u3000\u2002-\u200a\u202f\u205f{_ZW}]")
# Between a word and its bracket, and kept there: closing quotes, variation selectors, footnote marks.
_MARK_RE = re.compile(f"[”’\"'」』》〉{_VS}\u2460-\u249b\u2776-\u2793\u00b9\u00b2\u00b3\u2070\u2074-\u2079*\u2020\u2021]")
_INNER_RE = re.compile(f"[{_VS}{_ZW}]")                 # skipped inside a run of annotated characters
_SENTENCE_END = "。！？!?…"
# Chinese punctuation: where spacing after a removed annotation goes with it.
_CJK_PUNCT_RE = re.compile("[\u3001-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65\u2018-\u201f\u2026\u2014\u00b7]")
MAX_GAP = 3                   # spacing characters, and marks, between a word and its bracket (each)

_LETTER = "A-Za-z\u00c0-\u024f\u1e00-\u1eff\u0251\u0261"   # with ɑ and script ɡ, as textbooks print them
_COMB = "\u0300-\u036f"
_WORD_CHARS = f"{_LETTER}{_COMB}0-9'’‘ʼ: \\-"
_SENTENCE_PUNCT = ",.?!;…，。？！；：、\"“”«»"
_BOPOMOFO = "\u3105-\u312f\u31a0-\u31bf\u02c9\u02ca\u02c7\u02cb\u02d9"
MAX_WRITTEN, MAX_SENTENCE = 80, 400       # characters in a word annotation, in a sentence reading
_OPENERS, _CLOSERS = "(（[［【", ")）]］】"
_IN_WORD = f"[{_WORD_CHARS}{_SENTENCE_PUNCT}]"    # what a bracket of pinyin (or a sentence reading) holds
_IN_ZHUYIN = f"[{_BOPOMOFO} \u3000]"             # or of zhuyin
_BRACKET = re.compile(f"[(（\\[［【]({_IN_WORD}{{1,{MAX_SENTENCE}}}|{_IN_ZHUYIN}{{1,{MAX_WRITTEN}}})[)）\\]］】]")
_PAIRS = {"(": ")）", "（": ")）", "[": "]］", "［": "]］", "【": "】"}
_ANY_BRACKET_RE = re.compile("[()（）\\[\\]［］【】]")
_WORD_ONLY = re.compile(f"[{_WORD_CHARS}]+")
_ZHUYIN_ONLY = re.compile(f"[{_BOPOMOFO} \u3000]+")
_TONED_VOWEL = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜĀÁǍÀĒÉĚÈĪÍǏÌŌÓǑÒŪÚǓÙǕǗǙǛḿńňǹăĕĭŏŭ\u0300\u0301\u0304\u030c\u0306"
# Glued: a Han character (and variation selectors), then Latin with a tone written, then no more Latin.
_GLUED = re.compile(f"[{HAN}][{_VS}{_ZW}]*([{_LETTER}{_COMB}'’]*[{_TONED_VOWEL}0-5][{_LETTER}{_COMB}0-5'’]*)"
                    f"(?![{_LETTER}{_COMB}0-9])")
_TONED_RE = re.compile(f"[{_TONED_VOWEL}]")
_LETTER_DIGIT_RE = re.compile(f"[{_LETTER}][0-5]")
_TOKEN = re.compile(f"[{_LETTER}{_COMB}0-9]+(?:['’ʼ\\-][{_LETTER}{_COMB}0-9]+)*")
_GLOSS_SEP = re.compile("[,;，；]")

MAX_SYLLABLES = 32            # longer bracketed runs are prose, not a gloss
MAX_REGION = 200              # characters of a sentence a sentence reading may cover
_SEPARATORS = "'’‘ʼ -"
_TONE_OF_COMBINING = {"\u0304": 1, "\u0301": 2, "\u030c": 3, "\u0306": 3, "\u0300": 4}  # ă: a common ǎ typo
_ERHUA = "儿兒"


class Annotation(NamedTuple):
    """One pinyin annotation.

    ``start``/``end``: from the first annotated Han character to just after the last;
    ``positions``: the index of each annotated Han character (``chars`` is them joined: for a
    sentence reading or a doubly annotated word, ``text[start:end]`` holds more);
    ``open``/``close``: the annotation as written, brackets included (``close`` exclusive; no
    brackets for a glued one); ``cut_start``/``cut_end``: what strip removes — the bracket and the
    spacing the insertion added (for a gloss mix, only the pinyin and its separator);
    ``written``: the pinyin as written (a gloss mix: without the gloss);
    ``syllables``: numbers form, one per annotated character (tone 5 where none is written; the
    ``儿`` of an erhua syllable gets ``er5``);
    ``toned``: any tone is written (marks, numbers, or zhuyin); ``capitalised``: a capital letter
    (for a sentence reading: every word capitalised, as a name is and a sentence is not);
    ``brackets``: the opening and closing bracket as written (``""`` when glued);
    ``erhua``: a syllable like ``nǎr`` covers a character and its ``儿``;
    ``matches``: the syllables fit the characters (False only in :func:`find_pinyin`'s extra
    findings: toned pinyin that fits no characters before it, e.g. the wrong number of syllables);
    ``untoned``: no tone written, and the syllables are not neutral-tone readings of characters
    mostly read neutral — ``湖北(Hubei)`` and ``李(Li)`` are untoned, ``的(De)`` and ``的(de)`` are
    not: that is how tone marks write a neutral syllable. Capitalised and untoned is a name gloss;
    ``kind``: ``word``, ``sentence`` or ``glued``; ``script``: ``pinyin`` or ``zhuyin``;
    ``gloss``: the English gloss after the pinyin in a mix (``温习(wēnxí, review)``), else ``""``.

    >>> a = find_annotations("的(de)")[0]
    >>> a.start, a.end, a.open, a.close, a.written, a.syllables, a.toned
    (0, 1, 1, 5, 'de', ('de5',), False)
    """

    start: int
    end: int
    open: int
    close: int
    chars: str
    written: str
    syllables: tuple[str, ...]
    toned: bool
    capitalised: bool
    brackets: str = "()"
    erhua: bool = False
    matches: bool = True
    untoned: bool = False
    positions: tuple[int, ...] = ()
    cut_start: int = -1
    cut_end: int = -1
    kind: str = "word"
    script: str = "pinyin"
    gloss: str = ""

    @property
    def name_gloss(self) -> bool:
        """Capitalised and untoned (``湖北(Hubei)``): a deliberate gloss, kept unless names=True."""
        return self.capitalised and self.untoned

    @property
    def width(self) -> str:
        """'half' for ``()`` ``[]``, 'full' for ``（）`` ``［］`` ``【】``, 'mixed', or 'none' when glued."""
        if not self.brackets:
            return "none"
        full = [b in "（）［］【】" for b in self.brackets]
        return "full" if all(full) else "half" if not any(full) else "mixed"

    def stripped_by(self, *, names: bool = False, toneless: bool = True, glosses: bool = False) -> bool:
        """Does :func:`pinzhu.strip` with these options remove it?"""
        if not self.matches:
            return False
        if self.gloss and not glosses:
            return False
        return not self.untoned or (names if self.capitalised else toneless)

    def why_kept(self, *, names: bool = False, toneless: bool = True, glosses: bool = False) -> str:
        """Why strip with these options keeps it ('' when it removes it)."""
        if not self.matches:
            return "fits no characters"
        if self.gloss and not glosses:
            return "gloss"
        if self.untoned and not (names if self.capitalised else toneless):
            return "name gloss" if self.capitalised else "toneless"
        return ""


@dataclass(frozen=True)
class _Spelled:
    """A written annotation taken apart: lowercase letters, tones, hard boundaries."""

    letters: str                   # lowercase, ü as v, ê kept (zhuyin: the symbols, tones apart)
    mark_at: tuple[int, ...]       # tone from a mark on letter i (0: none)
    digit_at: tuple[int, ...]      # tone from a digit right after letter i-1, at boundary i (0: none)
    hard: frozenset[int]           # boundaries fixed by an apostrophe, space, hyphen or digit
    toned: bool
    capitalised: bool
    zhuyin: bool = False


_LOOKALIKE = str.maketrans({"\u0261": "g", "\u0251": "a"})  # script ɡ and ɑ, as Chinese textbooks print pinyin


@lru_cache(maxsize=65536)
def _spell(written: str) -> _Spelled | None:
    if _ZHUYIN_ONLY.fullmatch(written):
        return _spell_zhuyin(written)
    if written.isascii():
        if written.isalpha():  # plain letters (toneless pinyin, English): no loop
            low = written.lower()
            n = len(low)
            return _Spelled(low, (0,) * n, (0,) * (n + 1), frozenset(), False, low != written)
        decomposed = written
    else:
        decomposed = unicodedata.normalize("NFD", written).translate(_LOOKALIKE)
    letters: list[str] = []
    marks: list[int] = []
    digits: dict[int, int] = {}
    hard: set[int] = set()
    upper = False
    for ch in decomposed:
        if "a" <= ch <= "z" or "A" <= ch <= "Z":
            upper = upper or ch.isupper()
            letters.append(ch.lower())
            marks.append(0)
        elif ch in _TONE_OF_COMBINING:
            if not letters or marks[-1] or len(letters) in digits:
                return None
            marks[-1] = _TONE_OF_COMBINING[ch]
        elif ch == "\u0308" or ch == ":":  # ü written u + diaeresis, or lu:
            if not letters or letters[-1] != "u":
                return None
            letters[-1] = "v"
        elif ch == "\u0302":  # ê
            if not letters or letters[-1] != "e":
                return None
            letters[-1] = "ê"
        elif ch in "012345":
            n = len(letters)
            if n == 0 or n in digits:
                return None
            digits[n] = 5 if ch == "0" else int(ch)
            hard.add(n)
        elif ch in _SEPARATORS:
            hard.add(len(letters))
        else:
            return None
    if not letters:
        return None
    n = len(letters)
    digit_at = tuple([digits.get(i, 0) for i in range(n + 1)]) if digits else (0,) * (n + 1)
    return _Spelled("".join(letters), tuple(marks), digit_at, frozenset(hard), any(marks) or bool(digits), upper)


def _spell_zhuyin(written: str) -> _Spelled | None:
    symbols, hard = [], set()
    for ch in written:
        if ch in " \u3000":
            hard.add(len(symbols))
        else:
            symbols.append(ch)
    if not symbols:
        return None
    n = len(symbols)
    return _Spelled("".join(symbols), (0,) * n, (0,) * (n + 1), frozenset(hard), True, False, True)


@lru_cache(maxsize=1)
def _zhuyin_table() -> dict[str, tuple[tuple[str, int], ...]]:
    """Zhuyin as written (tone marks included; first tone bare or with ˉ; neutral ˙ before or
    after) -> (pinyin base, tone) for every syllable of the inventory."""
    out: dict[str, set[tuple[str, int]]] = {}
    for s in default_lexicon().syllables[1:]:
        base, tone = s[:-1], int(s[-1])
        z = to_zhuyin(s)
        if z == s:
            continue  # no zhuyin for it (erhua forms and the like)
        forms = [z]
        if tone == 1:
            forms.append(z + "ˉ")
        if tone == 5:
            forms.append(z[1:] + "˙")
        for f in forms:
            out.setdefault(f, set()).add((base, tone))
    return {k: tuple(sorted(v)) for k, v in out.items()}


@lru_cache(maxsize=1)
def _bases() -> frozenset[str]:
    """Every toneless syllable of the inventory, ü as v."""
    return frozenset(s[:-1] for s in default_lexicon().syllables[1:])


@lru_cache(maxsize=1)
def _max_len() -> int:
    return max(map(len, _bases()))


@lru_cache(maxsize=32768)
def _char_readings(ch: str) -> dict[str, frozenset[int]]:
    """base -> tones, over every reading of ``ch`` (rare ones too)."""
    lex = default_lexicon()
    out: dict[str, set[int]] = {}
    # Through the simplified form (發 reads as 发), and the character's own entry too: a few
    # mapped characters keep readings of their own in words (犛牛 lí niú, though 犛 maps to 牦).
    for s in (*lex.readings(ch, rare=True), *lex.own_readings(ch)):
        out.setdefault(s[:-1], set()).add(int(s[-1]))
    return {b: frozenset(t) for b, t in out.items()}


def _user_readings(ud: UserDict) -> dict[str, dict[str, frozenset[int]]]:
    """A user dictionary's readings, per character, so what annotate wrote from it is found too
    (kept in the dictionary's own memo: no cache here outlives a dictionary made per request)."""
    hit = ud.memo.get("parse.readings")
    if hit is None:
        hit = ud.memo["parse.readings"] = _user_readings_of(ud)
    return hit


def _user_readings_of(ud: UserDict) -> dict[str, dict[str, frozenset[int]]]:
    out: dict[str, dict[str, set[int]]] = {}
    for word, syls in ud.entries:
        for ch, s in zip(word, syls):
            out.setdefault(ch, {}).setdefault(s[:-1], set()).add(int(s[-1]))
    return {c: {b: frozenset(t) for b, t in d.items()} for c, d in out.items()}


def _readings(ch: str, ud: UserDict | None) -> dict[str, frozenset[int]]:
    r = _char_readings(ch)
    if ud is not None and ud.entries:
        extra = _user_readings(ud).get(ch)
        if extra:
            r = {**r, **{b: r.get(b, frozenset()) | t for b, t in extra.items()}}
    return r


def _fit(base: str, ch: str, ud: UserDict | None) -> str | None:
    """The character's base that written ``base`` spells, or None. ``lu``/``nu`` may stand for
    ``lü``/``nü`` (a common way to write them without ü)."""
    r = _readings(ch, ud)
    return base if base in r else _fit_lv(base, r)


def _fit_lv(base: str, r: dict[str, frozenset[int]]) -> str | None:
    """``lü``/``nü`` written ``lu``/``nu``, if that is a reading in ``r``; else None."""
    if base[:1] in "ln" and base[1:2] == "u":
        alt = base[0] + "v" + base[2:]
        if alt in r:
            return alt
    return None


def _known(base: str, bases: frozenset[str]) -> bool:
    return base in bases or (base[:1] in "ln" and base[1:2] == "u" and base[0] + "v" + base[2:] in bases)


@lru_cache(maxsize=1)
def _spellable() -> frozenset[str]:
    """Every letter string a syllable may be written as (:func:`_known`), and its erhua form
    (``nar``; ``ar``, ``or``: spoken erhua of one-letter syllables): one set lookup per
    candidate in :func:`_pieces`."""
    bases = _bases()
    known = set(bases) | {b[0] + "u" + b[2:] for b in bases if b[:1] in "ln" and b[1:2] == "v"}
    return frozenset(known | {k + "r" for k in known})


@lru_cache(maxsize=16384)
def _pieces(sp: _Spelled) -> tuple[tuple[tuple[int, str, int], ...], ...]:
    """For each end position j: the syllables (i, base, tone) that can end there.

    A piece letters[i:j] crosses no hard boundary inside it, is a syllable or its erhua form
    (:func:`_spellable`), has at most one tone mark, and not both a mark and a digit after it;
    a digit inside a run of letters (not at a boundary) ends no piece there."""
    n = len(sp.letters)
    if sp.zhuyin:
        return _zhuyin_pieces(sp)
    ok = _spellable()
    longest = _max_len()
    letters, hard, digit_at, mark_at = sp.letters, sp.hard, sp.digit_at, sp.mark_at
    # nxt[i]: the first hard boundary after i (n + 1: none); letters[i:j] crosses one iff nxt[i] < j.
    nxt = [n + 1] * (n + 1)
    for i in range(n - 1, -1, -1):
        nxt[i] = i + 1 if i + 1 in hard else nxt[i + 1]
    # marks before k (count) and the last one's tone: one mark in [i, j) is last[j]
    count, last = [0] * (n + 1), [0] * (n + 1)
    for k, t in enumerate(mark_at):
        count[k + 1], last[k + 1] = count[k] + (t > 0), t or last[k]
    ends: list[tuple[tuple[int, str, int], ...]] = [()]
    for j in range(1, n + 1):
        digit = digit_at[j]
        if j < n and digit and j not in hard:
            ends.append(())
            continue
        here = []
        for i in range(max(0, j - longest), j):
            if nxt[i] < j:
                continue
            base = letters[i:j]
            if base not in ok:
                continue
            m = count[j] - count[i]
            if m > 1 or (m and digit):
                continue
            here.append((i, base, last[j] if m else (digit or 5)))
        ends.append(tuple(here))
    return tuple(ends)


def _zhuyin_pieces(sp: _Spelled) -> tuple[tuple[tuple[int, str, int], ...], ...]:
    table = _zhuyin_table()
    n = len(sp.letters)
    ends: list[list[tuple[int, str, int]]] = [[] for _ in range(n + 1)]
    for j in range(1, n + 1):
        for i in range(max(0, j - 5), j):
            if any(b in sp.hard for b in range(i + 1, j)):
                continue
            for base, tone in table.get(sp.letters[i:j], ()):
                ends[j].append((i, base, tone))
    return tuple(map(tuple, ends))


def _ugly(sp: _Spelled, starts: list[int]) -> int:
    """Syllables after the first that start with a, o or e with no apostrophe before them:
    standard orthography never writes them so (xian is xian, not xi'an)."""
    return sum(1 for i in starts if i > 0 and i not in sp.hard and sp.letters[i] in "aoeê")


def match(run: str, written: str, user_dict: UserDict | None = None) -> tuple[int, tuple[str, ...], bool] | None:
    """Fit ``written`` to the last characters of the Han run ``run`` (the characters directly
    before the bracket). Returns (how many characters it covers, their syllables, erhua) or None.

    Where several splits fit (``xian`` → xian | xi'an), the characters decide; among fits, the
    one whose written tones are readings of the characters, then the standard orthography.

    >>> match("西安", "xian")
    (2, ('xi5', 'an5'), False)
    >>> match("先", "xian"), match("行", "hang2"), match("银行", "yínxíng")
    ((1, ('xian5',), False), (1, ('hang2',), False), (2, ('yin2', 'xing2'), False))
    >>> match("老师", "ㄌㄠˇ ㄕ")
    (2, ('lao3', 'shi1'), False)
    """
    m = _match(run, written, user_dict)
    return None if m is None else m[:3]


MEMO_SIZE = 65536  # fits remembered per user dictionary (then forgotten, as an LRU cache would)


def _match(run: str, written: str, user_dict: UserDict | None,
           whole: bool = False) -> tuple[int, tuple[str, ...], bool, bool] | None:
    """:func:`match`, and whether every written tone (5 where none is written) is a reading.
    whole: the syllables must cover all of ``run``, not just its end. Remembered in a cache
    without a user dictionary, in the dictionary's own memo with one (a cache that held
    dictionaries would keep every one a server was ever sent)."""
    if user_dict is None or not user_dict.entries:
        return _match_plain(run, written, whole) if whole else _match_word(run, written)
    memo = user_dict.memo.setdefault("parse.match", {})
    key = (run, written, whole)
    hit = memo.get(key, memo)
    if hit is memo:
        if len(memo) >= MEMO_SIZE:
            memo.clear()
        hit = memo[key] = _fit_written(run, written, user_dict, whole)
    return hit


class _SuffixMemo:
    """Fits of written pinyin remembered by the characters the search actually read.

    A word annotation's run (the Han characters before its bracket) is mostly new text, so a
    cache keyed on the whole run rarely hits; but the search reads only a few characters at its
    end (``银行`` of ``我们去银行``), and gives the same answer for any run that ends with them.
    So each answer is kept with that suffix (and whether the search also saw the run begin
    there), and a later run that ends with it gets the answer without a search. Only fits
    without a user dictionary: the lexicon never changes. Bounded: forgotten at ``size``.
    """

    def __init__(self, size: int) -> None:
        self.size, self.count = size, 0
        self.seen: dict[str, list[tuple[str, bool, tuple | None]]] = {}

    def put(self, written: str, suffix: str, at_start: bool, result: tuple | None) -> None:
        if self.count >= self.size:
            self.seen.clear()
            self.count = 0
        entries = self.seen.setdefault(written, [])
        if len(entries) < 16:
            entries.append((suffix, at_start, result))
            self.count += 1


_WORD_FITS = _SuffixMemo(1 << 17)


def _match_word(run: str, written: str, sp: _Spelled | None = None) -> tuple[int, tuple[str, ...], bool, bool] | None:
    """:func:`_match` of a word annotation without a user dictionary (not ``whole``)."""
    sp = sp or _spell(written)
    if sp is None:
        return None
    n = len(sp.letters)
    for suffix, at_start, hit in _WORD_FITS.seen.get(written, ()):  # the memo's lookup (kept here: the hot path)
        if run.endswith(suffix) and (not at_start or len(suffix) == n or len(run) == len(suffix)):
            return hit
    tail = run[-n:]
    if sp.zhuyin or "儿" in tail or "兒" in tail:
        return _match_plain(run, written, False)
    result, first, at_start = _fit_guided(tail, sp, None, False)
    _WORD_FITS.put(written, tail[first:], at_start, result)
    return result


@lru_cache(maxsize=65536)
def _match_plain(run: str, written: str, whole: bool) -> tuple[int, tuple[str, ...], bool, bool] | None:
    return _fit_written(run, written, None, whole)


def _fit_written(run: str, written: str, user_dict: UserDict | None,
                 whole: bool) -> tuple[int, tuple[str, ...], bool, bool] | None:
    sp = _spell(written)
    if sp is None:
        return None
    if not sp.zhuyin and "儿" not in run and "兒" not in run:
        return _fit_guided(run, sp, user_dict, whole)[0]
    return _fit_pieces(run, sp, user_dict, whole)


def _fit_guided(run: str, sp: _Spelled, user_dict: UserDict | None, whole: bool) -> tuple[tuple[int, tuple[str, ...], bool, bool] | None, int, bool]:
    """:func:`_fit_pieces` for a run without 儿 (no erhua to try), the same answer found from the
    other side: a character's few readings propose the syllables that can end at a position,
    instead of every syllable the letters could spell being listed first. The search, its order
    (longer syllables first) and its ranking are :func:`_fit_pieces`' own, so ties go the same way.

    Also says what the search read: from which index of the (shortened) run on, and whether it
    reached the run's start (:class:`_SuffixMemo`)."""
    letters, hard, digit_at, mark_at = sp.letters, sp.hard, sp.digit_at, sp.mark_at
    n = len(letters)
    if whole and len(run) > n:
        return None, 0, True
    run = run[-n:]
    longest = _max_len()
    plain = user_dict is None or not user_dict.entries
    best: tuple[tuple[int, int, int], int, tuple[str, ...]] | None = None
    first, at_start = len(run), False

    def walk(j: int, c: int, syls: list[str], ugly: int, exact: int) -> None:
        nonlocal best, first, at_start
        if j == 0:
            if whole and c:
                return
            key = (exact, -ugly, -len(syls))
            if best is None or key > best[0]:
                best = (key, len(run) - c, tuple(reversed(syls)))
            return
        digit = digit_at[j]
        if len(syls) >= MAX_SYLLABLES or (digit and j < n and j not in hard):
            return  # (a digit inside a run of letters ends no syllable)
        if c == 0:
            at_start = True
            return
        if c <= first:
            first = c - 1
        r = _char_readings(run[c - 1]) if plain else _readings(run[c - 1], user_dict)
        found = []
        for b, tones in r.items():
            i = j - len(b)
            if i < 0:
                continue
            if letters.startswith(b, i):
                found.append((i, b, tones))
            elif b[1:2] == "v" and b[:1] in "ln":  # lü written lu (when lu is no reading of its own)
                u = b[0] + "u" + b[2:]
                if u not in r and letters.startswith(u, i):
                    found.append((i, b, tones))
        if len(found) > 1:
            found.sort()  # longer syllables first, as _pieces lists them (one per start)
        for i, fit, tones in found:
            if j - i > longest or (hard and not hard.isdisjoint(range(i + 1, j))):
                continue  # too long, or across an apostrophe, space, hyphen or digit
            marks = mark_at[i:j]
            m = j - i - marks.count(0)
            if m > 1 or (m and digit):
                continue
            tone = max(marks) if m else (digit or 5)
            if i == 0:  # every letter read: a candidate answer (walk(0, ...), inline)
                if whole and c > 1:
                    continue
                key = (exact + (tone in tones), -ugly, -len(syls) - 1)
                if best is None or key > best[0]:
                    best = (key, len(run) - c + 1, (f"{fit}{tone}", *reversed(syls)))
                continue
            walk(i, c - 1, syls + [f"{fit}{tone}"],
                 ugly + (1 if i not in hard and letters[i] in "aoeê" else 0), exact + (tone in tones))

    walk(n, len(run), [], 0, 0)
    if whole:
        first, at_start = 0, True
    return None if best is None else (best[1], best[2], False, best[0][0] == len(best[2])), first, at_start


def _fit_pieces(run: str, sp: _Spelled, user_dict: UserDict | None,
                whole: bool) -> tuple[int, tuple[str, ...], bool, bool] | None:
    ends = _pieces(sp)
    if whole and len(run) > len(sp.letters):
        return None
    run = run[-len(sp.letters):]  # each syllable takes at least one letter
    best: tuple[tuple[int, int, int], int, tuple[str, ...], bool] | None = None

    # Right to left: the last syllable covers the last character.
    def walk(j: int, c: int, syls: list[str], starts: list[int], exact: int, erhua: bool) -> None:
        nonlocal best
        if j == 0:
            if whole and c:
                return
            key = (exact, -_ugly(sp, starts), -len(syls))
            if best is None or key > best[0]:
                best = (key, len(run) - c, tuple(reversed(syls)), erhua)
            return
        if c == 0 or len(syls) >= MAX_SYLLABLES:
            return
        ch = run[c - 1]
        r = _readings(ch, user_dict)  # once per character, not per piece (_fit, inline)
        for i, base, tone in ends[j]:
            fit = base if base in r else _fit_lv(base, r)
            if fit is not None:
                hit = 1 if tone in r[fit] else 0
                walk(i, c - 1, syls + [f"{fit}{tone}"], starts + [i], exact + hit, erhua)
            # Erhua: nǎr over 哪儿.
            if ch in _ERHUA and c >= 2 and len(base) > 1 and base.endswith("r") and base != "er":
                fit = _fit(base[:-1], run[c - 2], user_dict)
                if fit is not None:
                    walk(i, c - 2, syls + ["er5", f"{fit}{tone}"], starts + [i], exact, True)

    walk(len(sp.letters), len(run), [], [], 0, False)
    return None if best is None else (best[1], best[2], best[3], best[0][0] == len(best[2]))


@lru_cache(maxsize=16384)
def split(written: str) -> tuple[str, ...] | None:
    """Split pinyin into syllables (numbers form) without characters to guide it, by standard
    orthography (fewest syllables, none starting with a vowel without an apostrophe).

    >>> split("Xī'ān"), split("xian"), split("hang2de"), split("CEO")
    (('xi1', 'an1'), ('xian5',), ('hang2', 'de5'), ('ce5', 'o5'))
    """
    sp = _spell(written)
    if sp is None or sp.zhuyin:
        return None
    ends = _pieces(sp)
    n = len(sp.letters)
    # best[j]: (cost, syllables) for letters[:j]; cost = (ugly starts, syllable count).
    best: list[tuple[tuple[int, int], tuple[str, ...]] | None] = [None] * (n + 1)
    best[0] = ((0, 0), ())
    for j in range(1, n + 1):
        for i, base, tone in ends[j]:
            prev = best[i]
            if prev is None or not _known(base, _bases()):
                continue
            ugly = 1 if i > 0 and i not in sp.hard and sp.letters[i] in "aoeê" else 0
            cost = (prev[0][0] + ugly, prev[0][1] + 1)
            base = base if base in _bases() else base[0] + "v" + base[2:]
            if best[j] is None or cost < best[j][0]:  # type: ignore[index]
                best[j] = (cost, prev[1] + (f"{base}{tone}",))
    return None if best[n] is None else best[n][1]


def spelled(written: str) -> tuple[bool, bool] | None:
    """(toned, capitalised) of a written annotation, or None if it isn't spelled like pinyin."""
    sp = _spell(written)
    return None if sp is None else (sp.toned, sp.capitalised)


# --- where annotations stand -----------------------------------------------------------------------

def _is_han(ch: str) -> bool:
    return _HAN_RE.match(ch) is not None


def _gap(text: str, op: int) -> tuple[int, int]:
    """Walk back from a bracket at ``op`` over spacing, then marks. Returns (index of the character
    before the gap, start of the spacing that goes with the annotation)."""
    if op and _HAN_RE.match(text, op - 1):
        return op - 1, op  # the common case: right after a Han character
    i = op
    while i > 0 and op - i < MAX_GAP and _SPACING_RE.match(text, i - 1):
        i -= 1
    lead = i
    while i > 0 and lead - i < MAX_GAP and _MARK_RE.match(text, i - 1):
        i -= 1
    return i - 1, lead


def _trail(text: str, close: int, lead: int, op: int) -> int:
    """End of the cut: after the spacing that follows the bracket, when the insertion brought its
    spacing (spacing before the bracket) and the text goes on in Chinese."""
    if lead == op:
        return close
    k = close
    while k < len(text) and k - close < MAX_GAP and _SPACING_RE.match(text, k):
        k += 1
    if k > close and k < len(text) and (_is_han(text[k]) or _CJK_PUNCT_RE.match(text, k)):
        return k
    return close


_HAN_TAIL = re.compile(f"[{HAN}]+\\Z")


def _run(text: str, a: int, limit: int, direct: dict[int, int] | None) -> tuple[str, list[int]]:
    """The Han characters (and their positions, in text order) an annotation anchored at ``a``
    may cover, at most ``limit``: the plain run of Han characters before it; with ``direct``,
    also skipping zero-width characters and variation selectors and crossing an annotation found
    directly after its own characters (``發(fā)展(fāzhǎn)``). :func:`_word` tries the plain run
    first: every run of ``x`` in ``annotate(x)`` is shorter or the same (the round trip)."""
    lo = max(a + 1 - limit, 0)
    m = _HAN_TAIL.search(text, lo, a + 1)
    i = (m.start() if m else a + 1) - 1
    if direct is None or i < lo or not (_INNER_RE.match(text, i) or i + 1 in direct):
        return text[i + 1:a + 1], list(range(i + 1, a + 1))
    out = list(range(a, i, -1))
    while i >= 0 and len(out) < limit:
        if _is_han(text[i]):
            out.append(i)
            i -= 1
        elif _INNER_RE.match(text, i):
            i -= 1
        elif i + 1 in direct:
            i = direct[i + 1] - 1  # (direct: close -> open)
        else:
            break
    out.reverse()
    return "".join(text[p] for p in out), out


@lru_cache(maxsize=32768)
def _first_reading(ch: str) -> str | None:
    r = default_lexicon().readings(ch)
    return r[0] if r else None


def _neutral(text: str, pos: tuple[int, ...], syls: tuple[str, ...], all_read: bool) -> bool:
    """No tone written, but every syllable a neutral reading, and the first character is mostly
    read neutral (的 de): tone marks' way to write de5, so pinyin, not a gloss — 的(De), not 李(Li)."""
    return all_read and all(s.endswith("5") for s in syls) and _first_reading(text[pos[0]]) == syls[0]


def _word(text: str, op: int, cl: int, written: str, run: tuple[str, list[int]], lead: int,
          user_dict: UserDict | None, brackets: str, kind: str = "word",
          sp: _Spelled | None = None, extend: Callable[[], tuple[str, list[int]]] | None = None) -> Annotation | None:
    sp = sp or _spell(written)
    if sp is None:
        return None
    chars, where = run
    plain = user_dict is None or not user_dict.entries
    n = len(sp.letters)
    m = _match_word(chars[-n:], written, sp) if plain else _match(chars[-n:], written, user_dict)
    if m is None and extend is not None:
        chars, where = extend()
        m = _match_word(chars[-n:], written, sp) if plain else _match(chars[-n:], written, user_dict)
    if m is None:
        return None
    n, syls, erhua, all_read = m
    pos = tuple(where[len(where) - n:])
    untoned = not sp.toned and not _neutral(text, pos, syls, all_read)
    return Annotation(pos[0], pos[-1] + 1, op, cl, chars[len(chars) - n:], written, syls, sp.toned,
                      sp.capitalised, brackets, erhua, True, untoned, pos, lead,
                      cl if lead == op else _trail(text, cl, lead, op), kind, "zhuyin" if sp.zhuyin else "pinyin")


def _mismatch(text: str, op: int, cl: int, written: str, run: tuple[str, list[int]], lead: int,
              brackets: str) -> Annotation | None:
    """Toned pinyin right after Han that fits no characters there: audit's ``mismatch``."""
    sp = _spell(written)
    if sp is None or sp.zhuyin or not sp.toned or not (any(sp.mark_at) or not sp.capitalised):
        return None  # (A4) is a paper size
    syls = split(written)
    if syls is None:
        return None
    chars, where = run
    k = min(len(syls), len(where))
    if not k:
        return None
    pos = tuple(where[len(where) - k:])
    return Annotation(pos[0], pos[-1] + 1, op, cl, chars[len(chars) - k:], written, syls, True,
                      sp.capitalised, brackets, False, False, False, pos, lead, _trail(text, cl, lead, op))


def _gloss_mix(text: str, op: int, cl: int, content: str, run: tuple[str, list[int]], lead: int,
               user_dict: UserDict | None, brackets: str) -> Annotation | None:
    """``温习(wēnxí, review)``: pinyin of the characters, a separator, then an English gloss. The
    cut is the pinyin and the separator: ``温习(review)``. Two readings (``行(xíng, háng)``) are a
    list of readings, not a gloss: not found."""
    sep = _GLOSS_SEP.search(content)
    if sep is None:
        return None
    left, right = content[:sep.start()], content[sep.end():]
    py, gloss = left.strip(), right.strip()
    if not py or not gloss or not _WORD_ONLY.fullmatch(py) or not re.search(f"[{_LETTER}]", gloss):
        return None
    if _WORD_ONLY.fullmatch(gloss) and _match(run[0][-len(gloss):], gloss, user_dict) is not None:
        return None
    a = _word(text, op, cl, py, run, lead, user_dict, brackets)
    if a is None:
        return None
    py_start = op + 1 + left.index(py)
    gloss_start = op + 1 + sep.end() + (len(right) - len(right.lstrip()))
    # The cut keeps the brackets: 温习(review).
    return a._replace(gloss=gloss, cut_start=py_start, cut_end=gloss_start)


def _sentence(text: str, op: int, cl: int, content: str, end: int, lead: int, user_dict: UserDict | None,
              brackets: str, readings: dict[int, Annotation]) -> Annotation | None:
    """A sentence reading: the sentence ending at ``end`` (exclusive) read in full by ``content``."""
    start = _sentence_start(text, end, readings)
    if start is None:
        return None
    region = text[start:end]
    if _ANY_BRACKET_RE.search(region):
        return None
    items: list[tuple[str, int]] = []  # ("h", position) or ("w", index into words)
    words: list[str] = []
    for m in re.finditer(f"[{HAN}]|[{_LETTER}{_COMB}0-9]+", region):
        if len(m.group()) == 1 and _is_han(m.group()):
            items.append(("h", start + m.start()))
        else:
            items.append(("w", len(words)))
            words.append(m.group().lower())
    hans = [p for k, p in items if k == "h"]
    tokens = _TOKEN.findall(content)
    if len(hans) < 2 or not tokens or len(tokens) > 2 * MAX_SYLLABLES:
        return None
    memo: dict[tuple[int, int], tuple | None] = {}

    def solve(t: int, s: int) -> tuple | None:
        if (t, s) in memo:
            return memo[(t, s)]
        res: tuple | None = None
        if t == len(tokens):
            res = () if all(k == "w" for k, _ in items[s:]) else None
        elif s < len(items):
            kind, v = items[s]
            if kind == "w":
                if tokens[t].lower() == words[v]:
                    res = solve(t + 1, s + 1)
                if res is None and words[v].isdigit():  # a number read out: 3 -> sān, 23 -> èrshísān
                    for form in _numerals(words[v]):
                        for u in _cover(tokens, t, form, user_dict):
                            res = solve(u, s + 1)
                            if res is not None:
                                break
                        if res is not None:
                            break
                if res is None:
                    res = solve(t, s + 1)  # a number or a Latin word the reading leaves out
            elif not tokens[t].isdigit():
                run = ""
                for k in range(s, min(len(items), s + MAX_SYLLABLES)):
                    if items[k][0] != "h":
                        break
                    run += text[items[k][1]]
                    m = _match(run, tokens[t], user_dict, True)
                    if m is not None:
                        rest = solve(t + 1, k + 1)
                        if rest is not None:
                            res = ((tokens[t], tuple(p for _, p in items[s:k + 1]), m),) + rest
                            break
        memo[(t, s)] = res
        return res

    parts = solve(0, 0)
    if parts is None:
        return None
    pos = tuple(p for _, ps, _ in parts for p in ps)
    syls = tuple(s for _, _, m in parts for s in m[1])
    spelt = [_spell(w) for w, _, _ in parts]
    toned = any(sp.toned for sp in spelt if sp is not None)
    caps = all(w[:1].isupper() for w, _, _ in parts)
    all_read = all(m[3] for _, _, m in parts)
    untoned = not toned and not _neutral(text, pos, syls, all_read)
    return Annotation(pos[0], pos[-1] + 1, op, cl, "".join(text[p] for p in pos), content, syls, toned, caps,
                      brackets, any(m[2] for _, _, m in parts), True, untoned, pos, lead,
                      _trail(text, cl, lead, op), "sentence")


_DIGITS = "〇一二三四五六七八九"


@lru_cache(maxsize=4096)
def _numerals(digits: str) -> tuple[str, ...]:
    """How a number may be read out, as Han numerals: digit by digit (2025 二〇二五, 110 幺幺〇),
    and by place value up to 99,999 (23 二十三, 105 一百零五, 2000 两千 or 二千).

    >>> _numerals("23")
    ('二三', '二十三')
    """
    forms = [digits.translate(str.maketrans("0123456789", _DIGITS))]
    if "1" in digits:
        forms.append(forms[0].replace("一", "幺"))
    n = int(digits)
    if digits[0] != "0" and 10 <= n < 100000:
        out, zero = "", False
        for k, d in enumerate(digits):
            place = len(digits) - 1 - k
            if d == "0":
                zero = True
                continue
            if zero and out:
                out += "零"
            zero = False
            out += _DIGITS[int(d)] + ("", "十", "百", "千", "万")[place]
        if out.startswith("一十"):
            out = out[1:]
        forms.append(out)
        if out.startswith("二") and len(digits) >= 3:
            forms.append("两" + out[1:])
    return tuple(dict.fromkeys(forms))


def _cover(tokens: list[str], t: int, han: str, user_dict: UserDict | None) -> list[int]:
    """Where the tokens from ``t`` on can end after reading ``han`` in full (each token a whole
    number of its characters)."""
    ends: list[int] = []
    stack = [(t, 0)]
    seen = set()
    while stack:
        u, i = stack.pop()
        if i == len(han):
            ends.append(u)
            continue
        if u >= len(tokens) or (u, i) in seen or tokens[u].isdigit():
            continue
        seen.add((u, i))
        for j in range(i + 1, min(len(han), i + MAX_SYLLABLES) + 1):
            if _match(han[i:j], tokens[u], user_dict, True) is not None:
                stack.append((u + 1, j))
    return sorted(set(ends))


def _sentence_start(text: str, end: int, readings: dict[int, Annotation]) -> int | None:
    """Where the sentence ending at ``end`` starts: after the previous sentence end (and the
    closing quotes or brackets and spacing after it), or after the previous sentence reading."""
    i = end
    while i > 0 and text[i - 1] in _SENTENCE_END:
        i -= 1
    lo = max(0, end - MAX_REGION)
    k = i - 1
    while k >= lo and text[k] not in _SENTENCE_END and text[k] != "\n":
        k -= 1
    if k < lo and lo > 0:
        return None  # too long for a sentence
    start = k + 1
    while start < end and (text[start] in ")）]］】”’」』\"'" or _SPACING_RE.match(text, start)):
        start += 1
    while start in readings:  # the previous sentence's reading: 你好吗？(Nǐ hǎo ma)我很好。(Wǒ hěn hǎo)
        start = readings[start].cut_end
        while start < end and _SPACING_RE.match(text, start):
            start += 1
    return start


def _candidates(text: str) -> list[tuple[int, int, str]]:
    """(start, end, content) of every bracket of pinyin-like text, and of toned Latin right after
    Han (content without brackets: start..end is the Latin), in text order."""
    out = []
    if _ANY_BRACKET_RE.search(text):
        out = [(m.start(), m.end(), m.group(1)) for m in _BRACKET.finditer(text)
               if text[m.end() - 1] in _PAIRS[text[m.start()]]]
    if not (_TONED_RE.search(text) or _LETTER_DIGIT_RE.search(text)):
        return out  # no tone written anywhere: nothing glued (most of a corpus: two scans in C)
    glued = [(m.start(1), m.end(1), "") for m in _GLUED.finditer(text)]
    if glued:
        out = sorted(out + glued)
    return out


def _parse(text: str, user_dict: UserDict | None) -> list[Annotation]:
    """Every annotation in ``text``, in order, whatever strip's options: one pass, left to right
    (an annotation found directly after its characters lets the next one read across it)."""
    out: list[Annotation] = []
    direct: dict[int, int] = {}            # close -> open of an annotation right after its characters
    readings: dict[int, Annotation] = {}   # open -> sentence reading
    plain = user_dict is None or not user_dict.entries
    for op, cl, content in _candidates(text):
        a = _at(text, op, cl, content, user_dict, plain, direct, readings)
        if a is not None:
            out.append(a)
    return out


def _at(text: str, op: int, cl: int, content: str, user_dict: UserDict | None, plain: bool,
        direct: dict[int, int], readings: dict[int, Annotation]) -> Annotation | None:
    """The annotation at one candidate of :func:`_candidates` (content "": glued), or None; notes
    it in ``direct`` or ``readings`` for the candidates after it."""
    a: Annotation | None = None
    if not content:  # glued: 戏谑xuè
        written = text[op:cl]
        sp = _spell(written)
        if sp is None or not sp.toned:
            return None
        anchor = op - 1
        while anchor >= 0 and _INNER_RE.match(text, anchor):
            anchor -= 1
        n = len(sp.letters)
        a = _word(text, op, cl, written, _run(text, anchor, n, None), op, user_dict, "", "glued", sp,
                  lambda: _run(text, anchor, n, direct))
        if a is not None:
            direct[cl] = a.open
        return a
    before, lead = _gap(text, op)
    if before < 0:
        return None
    brackets = text[op] + text[cl - 1]
    anchor_char = text[before]
    if _HAN_RE.match(anchor_char):
        sp = _spell(content) if len(content) <= MAX_WRITTEN else None  # None: not one word's pinyin
        n = len(sp.letters) if sp else len(content)
        if sp is not None and plain:
            # The common case, inline (_run, _word): the Han run before the bracket fits.
            lo = before + 1 - n
            tail = _HAN_TAIL.search(text, lo if lo > 0 else 0, before + 1)
            first = tail.start() if tail else before + 1
            chars = text[first:before + 1]
            m = _match_word(chars, content, sp)
            if m is not None:
                k, syls, erhua, all_read = m
                pos = tuple(range(before + 1 - k, before + 1))
                a = Annotation(pos[0], before + 1, op, cl, chars[len(chars) - k:], content, syls, sp.toned,
                               sp.capitalised, brackets, erhua, True,
                               not sp.toned and not _neutral(text, pos, syls, all_read), pos, lead,
                               cl if lead == op else _trail(text, cl, lead, op), "word",
                               "zhuyin" if sp.zhuyin else "pinyin")
                if before + 1 == op or all(_INNER_RE.match(text, k) for k in range(before + 1, op)):
                    direct[cl] = op
                return a
            run = (chars, range(first, before + 1))
        else:
            run = _run(text, before, n, None)
        if sp is not None:
            a = _word(text, op, cl, content, run, lead, user_dict, brackets, "word", sp,
                      lambda: _run(text, before, n, direct))
        if a is None:
            a = _sentence(text, op, cl, content, before + 1, lead, user_dict, brackets, readings)
        if a is None and sp is None:
            a = _gloss_mix(text, op, cl, content, run, lead, user_dict, brackets)
        if a is None and sp is not None:
            a = _mismatch(text, op, cl, content, run, lead, brackets)
    elif anchor_char in _SENTENCE_END:
        a = _sentence(text, op, cl, content, before + 1, lead, user_dict, brackets, readings)
    if a is None:
        return None
    if a.kind == "word":
        if a.matches and not a.gloss and (a.end == op or all(
                _INNER_RE.match(text, k) for k in range(a.end, op))):
            direct[cl] = a.open
    elif a.kind == "sentence":
        readings[a.open] = a
    return a


def find_pinyin(text: str, *, user_dict: UserDict | None = None) -> list[Annotation]:
    """Every annotation (name glosses, toneless ones and gloss mixes included), plus toned pinyin
    right after a Han character that fits no characters there (``matches=False``: the wrong
    number of syllables, or readings the characters cannot have) — audit's view of the text.

    >>> [(a.chars, a.written, a.matches) for a in find_pinyin("中国(zhōng)和湖北(Hubei)")]
    [('国', 'zhōng', False), ('湖北', 'Hubei', True)]
    """
    return _parse(text, user_dict)


def find_annotations(text: str, *, names: bool = False, toneless: bool = True, glosses: bool = False,
                     user_dict: UserDict | None = None) -> list[Annotation]:
    """The annotations :func:`pinzhu.strip` removes with the same options, in text order.

    names: also capitalised untoned glosses (``湖北(Hubei)``, kept by default).
    toneless: lowercase untoned annotations (``行(xing)``) too (the default).
    glosses: the pinyin of a pinyin-and-English bracket (``温习(wēnxí, review)`` → ``温习(review)``).
    user_dict: readings from it count as readings of their characters (pass the one annotate used).

    >>> [a.written for a in find_annotations("湖北(Hubei)省的(de)人(rén)(rén)")]
    ['de', 'rén']
    """
    found = _parse(text, user_dict)
    if not names and toneless and not glosses:  # the defaults, inline: the corpus path
        return [a for a in found if a.matches and not a.gloss and (not a.untoned or not a.capitalised)]
    return [a for a in found if a.stripped_by(names=names, toneless=toneless, glosses=glosses)]


# --- strip's fast path: the common annotation decided in one scan -----------------------------------

# Character classes of the expressions above, as bits of _parsecore's table.
_F_HAN, _F_SPACING, _F_MARK, _F_INNER, _F_CJKP, _F_WORD, _F_ZHUYIN, _F_OPEN, _F_CLOSE, _F_END = (1 << k for k in range(10))
_SP_UPPER, _SP_DIGIT, _SP_SEP = 0x800, 0x1000, 0x2000


def _classes() -> tuple[tuple[int, str], ...]:
    return ((_F_HAN, f"[{HAN}]"), (_F_SPACING, _SPACING_RE.pattern), (_F_MARK, _MARK_RE.pattern),
            (_F_INNER, _INNER_RE.pattern), (_F_CJKP, _CJK_PUNCT_RE.pattern), (_F_WORD, _IN_WORD),
            (_F_ZHUYIN, _IN_ZHUYIN), (_F_OPEN, f"[{re.escape(_OPENERS)}]"), (_F_CLOSE, f"[{re.escape(_CLOSERS)}]"),
            (_F_END, f"[{re.escape(_SENTENCE_END)}]"))


def _spell_code(ch: str) -> int:
    """How :func:`_spell` reads ``ch`` inside a written annotation, when that doesn't depend on
    the characters around it: a letter a-z (its tone mark, capitalised), a digit 0-5, a
    separator; 0 for anything else (zhuyin, ``ê``, ``:``, a combining mark alone: Python decides)."""
    if ch in "012345":
        return _SP_DIGIT | (5 if ch == "0" else int(ch))
    if ch in _SEPARATORS:
        return _SP_SEP
    sp = _spell.__wrapped__(ch)
    if sp is None or len(sp.letters) != 1 or not "a" <= sp.letters <= "z" or sp.hard or any(sp.digit_at):
        return 0
    return ord(sp.letters) | sp.mark_at[0] << 8 | (_SP_UPPER if sp.capitalised else 0)


@lru_cache(maxsize=1)
def _tables() -> tuple[bytes, bytes]:
    """The scanner's per-code-point tables over the BMP: character classes, and spellings."""
    import numpy as np

    bmp = "".join(map(chr, range(0x10000)))
    flags = np.zeros(0x10000, dtype=np.uint16)
    for bit, pattern in _classes():
        for m in re.finditer(pattern + "+", bmp):
            flags[m.start():m.end()] |= bit
    spell = np.zeros(0x10000, dtype=np.uint16)
    for m in re.finditer(_IN_WORD, bmp):
        spell[m.start()] = _spell_code(m.group())
    return flags.tobytes(), spell.tobytes()


def _reading_bases(ch: str) -> tuple[str, ...]:
    return tuple(_char_readings(ch))


@lru_cache(maxsize=1)
def _scanner() -> object | None:
    """The C scanner with its tables bound (None without the extension)."""
    if _parsecore is None:
        return None
    return _parsecore.Scanner(*_tables(), _reading_bases, _max_len(), MAX_SYLLABLES, MAX_WRITTEN, MAX_GAP,
                              MAX_SENTENCE)


def _decide(text: str, op: int, cl: int, content: str) -> tuple | None | bool:
    """The twin of _parsecore's ``decide``: (cut_start, cut_end, open, close, direct) for an
    annotation :func:`_at` finds on its inline path and strip removes, None where it finds none
    for sure, True where Python must decide (:func:`_at`)."""
    before, lead = _gap(text, op)
    if before < 0:
        return None
    anchor = text[before]
    if not _HAN_RE.match(anchor):
        return True if anchor in _SENTENCE_END else None
    if len(content) > MAX_WRITTEN or not all(_spell_code(ch) for ch in content):
        return True
    sp = _spell(content)
    if sp is None or sp.zhuyin or (sp.capitalised and not sp.toned):
        return True  # (capitalised and untoned: a name gloss, or a neutral syllable: _neutral decides)
    lo = before + 1 - len(sp.letters)
    tail = _HAN_TAIL.search(text, lo if lo > 0 else 0, before + 1)
    chars = text[tail.start():before + 1]  # type: ignore[union-attr]  (text[before] is Han)
    if "儿" in chars or "兒" in chars or _match_word(chars, content, sp) is None:
        return True
    direct = all(_INNER_RE.match(text, k) for k in range(before + 1, op))
    return lead, cl if lead == op else _trail(text, cl, lead, op), op, cl, direct


def scan_py(text: str) -> str | list[tuple]:
    """Pure-Python twin of ``_parsecore.Scanner.strip``: ``text`` stripped (strip's defaults, no
    user dictionary) when every bracket is decided on the common path, else each bracket in order,
    as (cut_start, cut_end, open, close, direct) when decided, (open, close, content) when not.
    Glued pinyin is not looked for (:func:`stripped` does that first).

    >>> scan_py("这(zhè)是"), scan_py("湖北(Hubei)的(de)")
    ('这是', [(2, 9, 'Hubei'), (10, 14, 10, 14, True)])
    """
    items: list[tuple] = []
    undecided = False
    for m in _BRACKET.finditer(text):
        op, cl = m.start(), m.end()
        if text[cl - 1] not in _PAIRS[text[op]]:
            continue
        got = _decide(text, op, cl, m.group(1))
        if got is True:
            undecided = True
            items.append((op, cl, m.group(1)))
        elif got is not None:
            items.append(got)
    return items if undecided else cut(text, [(item[0], item[1]) for item in items])


def _glued(text: str) -> bool:
    return bool((_TONED_RE.search(text) or _LETTER_DIGIT_RE.search(text)) and _GLUED.search(text))


def stripped(text: str) -> str:
    """``strip(text)`` with strip's default options and no user dictionary: the corpus path. The
    brackets the scanner decides (in C where built, else :func:`scan_py`) are cut without an
    Annotation made; the rest, and any text with glued pinyin, go through :func:`_at` as in
    :func:`find_annotations` — the same cuts (tests/test_parse.py holds them equal).

    >>> stripped("银行(yínháng)在湖北(Hubei)，發(fā)展(fāzhǎn)")
    '银行在湖北(Hubei)，發展'
    """
    if _glued(text):
        return cut(text, [(a.cut_start, a.cut_end) for a in find_annotations(text)])
    scanner = _scanner()
    got = scanner.strip(text) if scanner is not None else scan_py(text)  # type: ignore[attr-defined]
    if isinstance(got, str):
        return got
    cuts: list[tuple[int, int]] = []
    direct: dict[int, int] = {}
    readings: dict[int, Annotation] = {}
    for item in got:
        if len(item) == 5:
            cut_start, cut_end, op, cl, is_direct = item
            cuts.append((cut_start, cut_end))
            if is_direct:
                direct[cl] = op
            continue
        a = _at(text, item[0], item[1], item[2], None, True, direct, readings)
        if a is not None and a.stripped_by():  # strip's defaults
            cuts.append((a.cut_start, a.cut_end))
    return cut(text, cuts)


def cut(text: str, cuts: list[tuple[int, int]]) -> str:
    """``text`` without the spans, in order; a span that starts inside one already cut is left
    (strip and the corpus path both cut this way).

    >>> cut("银行(yínháng)好", [(2, 11), (5, 8)])
    '银行好'
    """
    if not cuts:
        return text
    out, pos = [], 0
    for cut_start, cut_end in cuts:
        if cut_start < pos:
            continue  # never cut twice
        out.append(text[pos:cut_start])
        pos = cut_end
    out.append(text[pos:])
    return "".join(out)


def guard_positions(text: str, user_dict: UserDict | None = None) -> list[int]:
    """Where annotate must write its own annotation so that strip, with any options, takes it and
    leaves ``text``'s: right after the last character of every annotation ``text`` already has
    (docs/strip.md, the round-trip contract).

    >>> guard_positions("学习 (xuéxí)。你好。(Nǐ hǎo.)")
    [2, 13]
    """
    return sorted({a.end for a in _parse(text, user_dict) if a.matches})


def is_strippable(chars: str, written: str, *, names: bool = False, toneless: bool = True,
                  user_dict: UserDict | None = None) -> bool:
    """Would ``(written)`` right after ``chars`` be stripped (with these options)?

    ``chars`` is the text before the bracket; only its final Han run matters.

    >>> is_strippable("西安", "Xī'ān"), is_strippable("湖北", "Hubei"), is_strippable("公司", "CEO")
    (True, False, False)
    """
    text = f"{chars}({written})"
    return any(a.open == len(chars) and a.close == len(text)
               for a in find_annotations(text, names=names, toneless=toneless, user_dict=user_dict))
