"""Spoken mode: the tones speakers actually say, from a citation-tone :class:`~pinzhu.read.Reading`.

``pinzhu.Config(spoken=True)`` runs :func:`apply_spoken` after the reading engine. Citation mode
(the default) never comes here. The rules, in the order they run (each a small function below):

1. neutral tones — particles and suffixes (的 地 了 着 过 们, 子/头 after a bare root),
   reduplicated kinship terms (妈妈), 来 of directional complements (站起来), 一 in V一V, 不 in
   V不V (是不是). Not 不 in potential complements (看不见): both spoken references read it bù/bú
   there (thchs30: 看不到 bú, 拿不住 bú), so it takes the 一/不 rule below;
2. 一 and 不 — 一 yí before a 4th tone, yì before 1st/2nd/3rd, yī final or in numbers and
   ordinals; 不 bú before a 4th tone. "Before" uses the next syllable's *citation* tone, so
   一个 (gè → ge) is still yí ge;
3. third tone — 3+3 → 2+3, cyclically over prosodic feet (see :func:`third_tone`);
4. erhua — 儿 after a syllable merges into it: 一点儿 yì diǎnr.

How erhua shows in the per-character API (which keeps one entry per character): the base
character gets the r-syllable, numbers form ``dianr3`` (tone digit last, as every syllable; marks
render ``diǎnr``, toneless ``dianr``), and 儿 gets the empty syllable ``""`` — a string, not
None, because 儿 is still a Han character; it just has no syllable of its own. So
``"".join(pinyin("一点儿", config=Config(spoken=True)))`` is ``"yìdiǎnr"``.

Syllables the lexicon never lists (``dianr3``, a tone a sandhi rule makes, the empty marker) get
ids in :func:`spoken_lexicon`: the same lexicon with its syllable table extended at the end, so
every id of the citation reading keeps its meaning and rendering through ``r.lexicon.syllables``
works unchanged.

>>> import pinzhu
>>> pinzhu.pinyin("一样不对你好", config=pinzhu.Config(spoken=True, model=False))
['yí', 'yàng', 'bú', 'duì', 'ní', 'hǎo']
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

import numpy as np

from .lexicon import TABLE_SIZE, Lexicon
from .read import Reading
from .syllables import split_tone

ERHUA_MARK = ""
MAX_FOOT = 4  # syllables in a prosodic foot: third-tone sandhi crosses word boundaries only inside one  # the syllable of a 儿 merged into the syllable before it

# Function words that lean on the word before them (they never start a prosodic foot).
_CLITICS = frozenset("的地得了着过们吗呢吧啊呀嘛么")
# Particles and the syllable they take as one (their own word only; see particles()).
_PARTICLE = {"的": "de5", "地": "de5", "了": "le5", "着": "zhe5", "们": "men5"}
# Kinship terms said with a neutral second syllable when doubled (妈妈 māma).
_KINSHIP = frozenset("妈爸哥姐弟妹爷奶叔婶舅姑姥公婆伯")
# Digits whose neighbour 一 is read yī (一九九八, 十一, 一〇一); 百千万亿 are units (一百 yìbǎi).
_DIGITS = frozenset("〇零一二三四五六七八九十两")
# After these, 一 is a number, not "one of": 第一, 初一, 周一 (yī).
_ORDINAL_BEFORE = frozenset("第初周")
# After 一, these make it a date or a label: 一月 yīyuè, 一号 yīhào.
_ORDINAL_AFTER = frozenset("月号")


@dataclass(frozen=True)
class Context:
    """What the rules look at: one entry per character of the text."""

    chars: str                        # the text, traditional characters mapped to simplified
    han: tuple[bool, ...]
    words: tuple[tuple[int, int], ...]  # word spans (Reading.spans)
    word_at: tuple[int, ...]          # index into words of each character
    citation: tuple[str, ...]         # the citation reading ("" where there is none)
    lexicon: Lexicon

    def word(self, i: int) -> tuple[int, int]:
        return self.words[self.word_at[i]]

    def single(self, i: int) -> bool:
        """True where character ``i`` is a word on its own (no multi-character word covers it)."""
        a, b = self.word(i)
        return b - a == 1

    def cited_tone(self, i: int) -> int:
        """The citation tone of character ``i``; for a lexical neutral tone, the tone of the
        character's own most common reading (个 ge5 in a word → 4), so 一个 is still yí ge."""
        tone = tone_of(self.citation[i])
        if tone == 5:
            cp = min(ord(self.chars[i]), TABLE_SIZE - 1)
            tone = tone_of(self.lexicon.syllables[int(self.lexicon.default_syl[cp])]) or 5
        return tone


Syllables = list[str]
Rule = Callable[[Context, Syllables], Syllables]


def tone_of(syllable: str) -> int:
    """1-5 for a syllable, 0 for none: 'hao3' -> 3, 'de5' -> 5, '' -> 0."""
    return split_tone(syllable)[1] if syllable else 0


def with_tone(syllable: str, tone: int) -> str:
    """'hao3', 2 -> 'hao2' (an empty syllable stays empty)."""
    return f"{split_tone(syllable)[0]}{tone}" if syllable else syllable


def _set(syls: Syllables, i: int, tone: int) -> None:
    syls[i] = with_tone(syls[i], tone)


# --- 1. neutral tones -------------------------------------------------------------------------

def particles(ctx: Context, syls: Syllables) -> Syllables:
    """Structural and aspect particles standing as words of their own are neutral, in their
    particle syllable (not just the tone: 地 dì → de, 着 zháo → zhe): 的 de, 了 le, 着 zhe,
    们 men; 地 after a word of two or more characters (认真地 de) or a doubled one (慢慢地).
    Aspect 过 keeps guò: both spoken references say guo4 (thchs30: 61 of 62).

    >>> _demo(particles, "高兴地说了")
    ['gao1', 'xing4', 'de5', 'shuo1', 'le5']
    """
    out = list(syls)
    n = len(ctx.chars)
    for i, ch in enumerate(ctx.chars):
        if ch not in _PARTICLE or not out[i] or i == 0 or not ctx.han[i - 1]:
            continue
        a, _ = ctx.word(i - 1)
        doubled = i >= 2 and ctx.chars[i - 1] == ctx.chars[i - 2]
        if not ctx.single(i) and not (ch == "地" and doubled and ctx.word(i)[0] == i):
            continue  # inside a listed word (目的, 了解, 着急) the lexicon decides
        if ch in "了着" and ctx.chars[i - 1] in "不得":
            continue  # 受不了 liǎo, 睡不着 zháo: complements, not particles
        if ch == "地" and not ((i - a >= 2 or doubled) and ctx.chars[i - 1] != "的"
                               and i + 1 < n and ctx.han[i + 1]):
            continue  # 地 the noun: 在地上, 一块地
        out[i] = _PARTICLE[ch]
    return out


def suffixes(ctx: Context, syls: Syllables) -> Syllables:
    """子 and 头 right after a one-character root that forms no word with them are noun suffixes,
    neutral (a 凳子 the lexicon doesn't list: dèngzi). Inside listed words the lexicon already
    decides, which keeps 子女, 头发, 孔子 (zǐ) as they are.

    >>> _demo(suffixes, "凳子")[1]
    'zi5'
    """
    out = list(syls)
    for i, ch in enumerate(ctx.chars):
        if ch in "子头" and out[i] and i > 0 and ctx.single(i) and ctx.single(i - 1) and ctx.han[i - 1]:
            nxt_single = i + 1 >= len(ctx.chars) or not ctx.han[i + 1] or ctx.single(i + 1)
            if nxt_single and ctx.chars[i - 1] not in _CLITICS:
                _set(out, i, 5)
    return out


def directional_lai(ctx: Context, syls: Syllables) -> Syllables:
    """来 ending a directional complement after a verb is neutral: 站起来 zhàn qǐlai, 带回来.
    Not after 不/得 (看不出来 keeps lái), and not 去, which both references keep as qù.

    >>> _demo(directional_lai, "站起来")[2]
    'lai5'
    """
    out = list(syls)
    for i in range(2, len(ctx.chars)):
        if (ctx.chars[i] == "来" and out[i] and ctx.chars[i - 1] in "起上下回进过出开"
                and ctx.han[i - 2] and ctx.chars[i - 2] not in "不得"):
            _set(out, i, 5)
    return out


def kinship(ctx: Context, syls: Syllables) -> Syllables:
    """The second syllable of a doubled kinship term is neutral: 妈妈 māma, 姐姐 jiějie.

    >>> _demo(kinship, "爸爸")
    ['ba4', 'ba5']
    """
    out = list(syls)
    for i in range(1, len(ctx.chars)):
        ch = ctx.chars[i]
        if ch in _KINSHIP and ctx.chars[i - 1] == ch and out[i] and (i < 2 or ctx.chars[i - 2] != ch):
            _set(out, i, 5)
    return out


def reduplicated_yi_bu(ctx: Context, syls: Syllables) -> Syllables:
    """一 and 不 between two copies of a verb are neutral: 看一看 kàn yi kàn, 是不是 shì bu shì.
    Not between two digits: 二〇一〇 is read digit by digit, 一 yī.

    >>> _demo(reduplicated_yi_bu, "好不好")[1], _demo(reduplicated_yi_bu, "二〇一〇")[2]
    ('bu5', 'yi1')
    """
    out = list(syls)
    for i in range(1, len(ctx.chars) - 1):
        if (ctx.chars[i] in "一不" and ctx.han[i - 1] and ctx.chars[i - 1] == ctx.chars[i + 1]
                and ctx.chars[i - 1] not in _DIGITS):
            _set(out, i, 5)
    return out


# --- 2. 一 and 不 -----------------------------------------------------------------------------

def _next_han(ctx: Context, i: int) -> int | None:
    """The index of the character after ``i`` if it is Han, else None (punctuation ends a phrase)."""
    return i + 1 if i + 1 < len(ctx.chars) and ctx.han[i + 1] else None


def yi_number(ctx: Context, i: int) -> bool:
    """True where 一 is a number said yī: last in its word or phrase (统一, 十一), in a digit
    string (一九九八), an ordinal or a date (第一, 一月).

    >>> yi_number(_context("第一次"), 1), yi_number(_context("一次"), 0)
    (True, False)
    """
    j = _next_han(ctx, i)
    prev = ctx.chars[i - 1] if i > 0 and ctx.han[i - 1] else ""
    a, b = ctx.word(i)
    if j is None or (b - a > 1 and i == b - 1):
        return True
    return (prev in _DIGITS or prev in _ORDINAL_BEFORE or ctx.chars[j] in _DIGITS
            or ctx.chars[j] in _ORDINAL_AFTER)


def yi_bu(ctx: Context, syls: Syllables) -> Syllables:
    """一 and 不 change with the next syllable: yí/bú before a 4th tone, yì before 1st/2nd/3rd
    (不 keeps bù); 一 stays yī as a number. Neutral ones (看一看, 是不是) are left alone.

    >>> _demo(yi_bu, "一天一样不对")
    ['yi4', 'tian1', 'yi2', 'yang4', 'bu2', 'dui4']
    """
    out = list(syls)
    for i, ch in enumerate(ctx.chars):
        if ch not in "一不" or tone_of(out[i]) in (0, 5):
            continue
        if ch == "一" and yi_number(ctx, i):
            _set(out, i, 1)
            continue
        j = _next_han(ctx, i)
        if j is None:
            continue
        nxt = ctx.cited_tone(j)
        if nxt == 4:
            _set(out, i, 2)
        elif ch == "一" and nxt in (1, 2, 3):
            _set(out, i, 4)
        elif ch == "不":
            _set(out, i, 4)
    return out


# --- 3. third tone ----------------------------------------------------------------------------

def pieces(ctx: Context, a: int, b: int) -> list[tuple[int, int]]:
    """A word's prosodic pieces, in which 3+3 resolves first: a 3-character word splits where
    the lexicon has its first two or last two characters as a word (展览|馆, 小|老虎; 2+1 when
    neither), longer words into pairs (idioms: 岂有|此理).

    >>> ctx = _context("展览馆")
    >>> pieces(ctx, 0, 3)
    [(0, 2), (2, 3)]
    """
    n = b - a
    if n <= 2:
        return [(a, b)]
    if n == 3:
        head, tail = ctx.chars[a:a + 2], ctx.chars[a + 1:b]
        if ctx.lexicon.word(tail) is not None and ctx.lexicon.word(head) is None:
            return [(a, a + 1), (a + 1, b)]
        return [(a, a + 2), (a + 2, b)]
    return [(k, min(k + 2, b)) for k in range(a, b, 2)]


def feet(ctx: Context) -> list[list[tuple[int, int]]]:
    """Prosodic feet: each a list of pieces (see :func:`pieces`) over which third-tone sandhi
    runs. A monosyllabic word is never a foot of its own: it joins the foot before it, and a
    word after a monosyllable joins its foot, while the foot stays within :data:`MAX_FOOT`
    syllables (你|好, 我|很|好 → wó hén hǎo). Two polysyllabic words
    meet at a foot boundary, where no sandhi applies; clitics (了, 的, 吗) always join; a
    non-Han character (punctuation) ends a foot.

    >>> ctx = _context("我很好，你呢")
    >>> [[ctx.chars[a:b] for a, b in f] for f in feet(ctx)]
    [['我', '很', '好'], ['你', '呢']]
    """
    out: list[list[tuple[int, int]]] = []
    size = 0
    open_foot = False
    for a, b in ctx.words:
        if not ctx.han[a]:
            open_foot = False
            continue
        single = b - a == 1
        clitic = single and ctx.chars[a] in _CLITICS
        # A monosyllable leans on its neighbour: it joins the foot before it, or a word joins a
        # foot that ends in one, while the foot stays within MAX_FOOT syllables.
        leans = single or (out and out[-1][-1][1] - out[-1][-1][0] == 1)
        joins = open_foot and (clitic or (size + (b - a) <= MAX_FOOT and leans))
        if joins:
            out[-1].extend(pieces(ctx, a, b))
            size += b - a
        else:
            out.append(pieces(ctx, a, b))
            size = b - a
        open_foot = True
    return out


def third_tone(ctx: Context, syls: Syllables) -> Syllables:
    """3+3 → 2+3, cyclically: within each piece first, then at each join inside a foot from left
    to right, looking at the right side's tone as already changed. So 展览|馆 → 2 2 3
    (zhánlánguǎn), 小|老虎 → 3 2 3 (xiǎo láohǔ), 你好 → 2 3. Also a 3rd tone before a neutral
    syllable that is a 3rd tone in citation turns 2 inside a word (小姐 xiáojie, 哪里 náli),
    except before the suffix 子 and in kinship terms (饺子 jiǎozi, 姐姐 jiějie).

    >>> _demo(third_tone, "展览馆")
    ['zhan2', 'lan2', 'guan3']
    """
    out = list(syls)
    for foot in feet(ctx):
        for a, b in foot:
            for i in range(a, b - 1):
                if tone_of(out[i]) == 3 and tone_of(out[i + 1]) == 3:
                    _set(out, i, 2)
        for (_, b1), (a2, _) in zip(foot, foot[1:]):
            if tone_of(out[b1 - 1]) == 3 and tone_of(out[a2]) == 3:
                _set(out, b1 - 1, 2)
    for a, b in ctx.words:
        for i in range(a, b - 1):
            light = tone_of(out[i + 1]) == 5 and ctx.cited_tone(i + 1) == 3
            # 饺子 jiǎozi and 姐姐 jiějie keep the 3rd tone: the suffix 子 and kinship terms.
            keep = ctx.chars[i + 1] == "子" or ctx.chars[i] in _KINSHIP
            if tone_of(out[i]) == 3 and light and not keep:
                _set(out, i, 2)
    return out


# --- 4. erhua ---------------------------------------------------------------------------------

def is_erhua(ctx: Context, syls: Syllables, i: int) -> bool:
    """True where 儿 at ``i`` is the erhua suffix: the lexicon reads it neutral (一点儿 er5), or it
    stands alone right after a syllable (门儿). 儿 in a listed word (女儿, 儿子) is a syllable.

    >>> is_erhua(_context("门儿"), ["men2", "er2"], 1), is_erhua(_context("女儿"), ["nv3", "er2"], 1)
    (True, False)
    """
    if ctx.chars[i] != "儿" or i == 0 or not ctx.han[i - 1] or not syls[i - 1]:
        return False
    if split_tone(syls[i - 1])[0] in ("er", "") or syls[i - 1].endswith(("r1", "r2", "r3", "r4", "r5")):
        return False
    return tone_of(ctx.citation[i]) == 5 or ctx.single(i)


def erhua(ctx: Context, syls: Syllables) -> Syllables:
    """Merge an erhua 儿 into the syllable before it: dian3 er5 → dianr3 and the empty marker.

    >>> _demo(erhua, "一点儿")
    ['yi1', 'dianr3', '']
    """
    out = list(syls)
    for i in range(1, len(ctx.chars)):
        if is_erhua(ctx, out, i):
            base, tone = split_tone(out[i - 1])
            out[i - 1] = f"{base}r{tone}"
            out[i] = ERHUA_MARK
    return out


RULES: tuple[Rule, ...] = (
    particles, suffixes, directional_lai, kinship, reduplicated_yi_bu, yi_bu, third_tone, erhua,
)
# ``Config(yi_bu=True)``: only the tone changes of 一 and 不, as school textbooks (and pinyin-pro's
# default) write them; every other syllable keeps its citation tone.
YI_BU_RULES: tuple[Rule, ...] = (reduplicated_yi_bu, yi_bu)


# --- the extended syllable table and the entry point ------------------------------------------

@lru_cache(maxsize=4)
def spoken_lexicon(lex: Lexicon) -> Lexicon:
    """``lex`` with a syllable table that also lists every tone of every syllable, every
    r-syllable (``dianr3``) and the erhua marker, appended so the citation ids keep their
    meaning. A shallow copy: the arrays are shared (all immutable). Idempotent.

    >>> ext = spoken_lexicon(_lex())
    >>> ext.syllables[:len(_lex().syllables)] == _lex().syllables, "dianr3" in ext.syllable_id
    (True, True)
    """
    if getattr(lex, "_citation", None) is not None:
        return lex
    bases = sorted({split_tone(s)[0] for s in lex.syllables[1:]})
    known = set(lex.syllables)
    extra = [f"{b}{t}" for b in bases for t in range(1, 6) if f"{b}{t}" not in known]
    extra += [f"{b}r{t}" for b in bases if b != "er" for t in range(1, 6)]
    ext = copy.copy(lex)
    ext.syllables = lex.syllables + tuple(extra) + (ERHUA_MARK,)
    ids = {s: i for i, s in enumerate(ext.syllables) if s}
    ids[ERHUA_MARK] = len(ext.syllables) - 1
    ext.syllable_id = ids
    ext._citation = lex  # type: ignore[attr-defined]  # marks the copy (and keeps the original)
    return ext


def context(r: Reading) -> Context:
    """The rules' view of a reading."""
    lex = getattr(r.lexicon, "_citation", None) or r.lexicon
    words = tuple(r.spans)
    word_at = np.repeat(np.arange(len(words)), [b - a for a, b in words]).tolist()
    table = r.lexicon.syllables
    return Context(
        chars=r.norm_text,
        han=tuple(r.han.tolist()),
        words=words,
        word_at=tuple(word_at),
        citation=tuple(table[i] for i in r.syl.tolist()),
        lexicon=lex,
    )


def spoken_syllables(ctx: Context, rules: Sequence[Rule] = RULES) -> Syllables:
    """The spoken syllables (numbers form; "" where there is none) after every rule."""
    syls = list(ctx.citation)
    for rule in rules:
        syls = rule(ctx, syls)
    return syls


def apply_spoken(r: Reading, rules: Sequence[Rule] = RULES) -> Reading:
    """A new :class:`Reading` with spoken tones (after ``rules``); ``r`` is untouched. Its
    ``lexicon`` is :func:`spoken_lexicon` of ``r``'s, whose table holds the new syllables.

    >>> from pinzhu.read import read
    >>> apply_spoken(read("展览馆", use_model=False)).syllables()
    ['zhan2', 'lan2', 'guan3']
    >>> apply_spoken(read("一样好展览", use_model=False), YI_BU_RULES).syllables()
    ['yi2', 'yang4', 'hao3', 'zhan3', 'lan3']
    """
    if not len(r.syl):
        return r
    ctx = context(r)
    ext = spoken_lexicon(ctx.lexicon)
    syls = spoken_syllables(ctx, rules)
    ids = np.fromiter((ext.syllable_id[s] if s else 0 for s in syls), dtype=np.uint16, count=len(syls))
    # "" is both "no reading" (id 0) and the erhua marker: a character that had a syllable has the marker.
    ids[(ids == 0) & (r.syl != 0)] = ext.syllable_id[ERHUA_MARK]
    return replace(r, lexicon=ext, syl=ids)


# --- doctest helpers --------------------------------------------------------------------------

def _lex() -> Lexicon:
    from .lexicon import default_lexicon

    return default_lexicon()


def _context(text: str) -> Context:
    from .read import read

    return context(read(text, use_model=False))


def _demo(rule: Rule, text: str) -> Syllables:
    ctx = _context(text)
    return rule(ctx, list(ctx.citation))


__all__ = ["ERHUA_MARK", "Context", "RULES", "YI_BU_RULES", "apply_spoken", "context", "spoken_lexicon", "spoken_syllables"]
