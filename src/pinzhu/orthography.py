"""Pinyin orthography (GB/T 16159-2012, 汉语拼音正词法基本规则) for one annotated word.

What it does, rule by rule:

* words of up to three syllables are written joined (4.2: 全国 quánguó, 阅览室 yuèlǎnshì);
  longer ones are written as their words with spaces where they divide into words of two or more
  characters (4.3: 主管部门 zhǔguǎn bùmén), joined where they don't (红十字会 hóngshízìhuì);
* a four-character idiom or set phrase that reads as two halves takes a hyphen (6.1.9: 风平浪静
  fēngpíng-làngjìng, 齐聚一堂 qíjù-yītáng); one that does not is joined (爱莫能助 àimònéngzhù);
* an apostrophe before a syllable starting with a, o or e inside a written word (5.5: Xī'ān,
  tiān'ānmén, Gǎng'ào);
* capitals: the first letter of a sentence (5.1), and of each part of a proper noun — a person's
  surname and given name written apart (6.3.2: Wáng Jiànguó, Zhūgě Kǒngmíng), a name that has
  become a proper noun joined (Kǒngzǐ, Bāogōng, Huángdì, Shénnóng), a place's name and
  its category apart (6.3.5: Héběi Shěng, Suízhōu), an organisation's each word (6.3.7).

Proper nouns and idioms come from ``data/common_names.tsv`` (jieba's POS tags, filtered; built
by ``scripts/build_wordlists.py``); where that list is silent a word is a common word.

>>> from pinzhu.styles import marks
>>> write("西安", ("xi1", "an1"), marks), write("主管部门", ("zhu3", "guan3", "bu4", "men2"), marks)
("Xī'ān", 'zhǔguǎn bùmén')
>>> write("这", ("zhe4",), marks, sentence_start=True)
'Zhè'
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache
from importlib import resources

from .lexicon import default_lexicon

# Surnames of two characters (6.3.2); a person's name otherwise splits after its first character.
COMPOUND_SURNAMES = frozenset(
    "欧阳 司马 诸葛 上官 东方 皇甫 尉迟 公孙 慕容 令狐 长孙 宇文 司徒 夏侯 端木 独孤 轩辕 西门 "
    "南宫 万俟 闻人 澹台 公冶 宗政 濮阳 淳于 单于 太叔 申屠 仲孙 钟离 呼延 赫连 拓跋".split())
# The last character of a name that has become a proper noun (专名化的称呼, written joined:
# Kǒngzǐ, Bāogōng, Mèngchángjūn, Huángdì), not a given name.
HONORIFIC = frozenset("子公帝君氏王侯后妃")
# Classical function characters: an idiom holding one inside does not read as two halves
# (爱莫能助 àimònéngzhù, 不亦乐乎 bùyìlèhū, 总而言之).
FUNCTION_CHARS = frozenset("之乎者也而以其所亦莫于与则乃焉哉矣兮")
# The lexicon's lowest word scores are fragments of longer words (平浪), not words.
FRAGMENT_LOGP = -17.0
# Category words of place names (通名), written apart from the name (专名) before them.
PLACE_CATEGORIES = frozenset("省市县区州镇乡村江河湖山海岛峰岭港湾街路")
VOWEL_START = ("a", "o", "e", "ā", "á", "ǎ", "à", "ō", "ó", "ǒ", "ò", "ē", "é", "ě", "è", "ê", "ế", "ề")


@lru_cache(maxsize=1)
def kinds() -> dict[str, str]:
    """word -> person | name | place | org | idiom (data/common_names.tsv)."""
    text = (resources.files("pinzhu") / "data" / "common_names.tsv").read_text(encoding="utf-8")
    return dict(ln.split("\t") for ln in text.splitlines() if ln and not ln.startswith("#"))


def pieces(word: str) -> tuple[tuple[tuple[int, int], ...], str, str | None]:
    """How ``word`` is written: its parts (character spans), the separator between them, and its
    kind (a proper noun's or idiom's, else None).

    >>> pieces("北京市"), pieces("诸葛亮")[0], pieces("一如既往")[1]
    ((((0, 2), (2, 3)), ' ', 'place'), ((0, 2), (2, 3)), '-')
    """
    kind = kinds().get(word)
    n = len(word)
    whole = ((0, n),)
    if kind == "person" and n >= 2:
        if word[-1] in HONORIFIC:
            return whole, "", kind
        cut = 2 if word[:2] in COMPOUND_SURNAMES and n > 2 else 1
        return ((0, cut), (cut, n)), " ", kind
    if kind == "idiom" and n == 4:
        return (((0, 2), (2, 4)), "-", kind) if two_plus_two(word) else (whole, "", kind)
    if kind == "place" and n >= 3 and word[-1] in PLACE_CATEGORIES:
        return ((0, n - 1), (n - 1, n)), " ", kind
    if n >= 4 and kind != "name":
        return (_divide(word) or whole), " ", kind
    return whole, "", kind


@lru_cache(maxsize=16384)
def two_plus_two(idiom: str) -> bool:
    """Whether a four-character idiom reads as two halves (6.1.9: hyphenated, 风平浪静
    fēngpíng-làngjìng, 齐聚一堂 qíjù-yītáng) rather than joined (爱莫能助 àimònéngzhù): both halves are
    words; or no word of the lexicon spans the middle (一衣带水: 衣带) or three of its characters,
    and no classical function character stands inside. The lexicon's fragments (its lowest
    score, 平浪 in 风平浪静) are not words here.

    >>> [two_plus_two(w) for w in ("光明磊落", "风平浪静", "一衣带水", "不亦乐乎", "爱莫能助")]
    [True, True, False, False, False]
    """
    def word(w: str) -> bool:
        score = default_lexicon().word_score(w)
        return score is not None and score > FRAGMENT_LOGP

    if word(idiom[:2]) and word(idiom[2:]):
        return True
    if word(idiom[1:3]) or word(idiom[:3]) or word(idiom[1:]):
        return False
    return idiom[1] not in FUNCTION_CHARS and idiom[2] not in FUNCTION_CHARS


@lru_cache(maxsize=16384)
def _divide(word: str) -> tuple[tuple[int, int], ...] | None:
    """``word`` cut into words, long parts cut again (人民共和国 -> 人民 共和国), or None."""
    parts = _subwords(word)
    if parts is None:
        return None
    out: list[tuple[int, int]] = []
    for a, b in parts:
        sub = _divide(word[a:b]) if b - a >= 4 and kinds().get(word[a:b]) not in ("idiom", "name") else None
        out.extend((a + i, a + j) for i, j in sub) if sub else out.append((a, b))
    return tuple(out)


@lru_cache(maxsize=16384)
def _subwords(word: str) -> tuple[tuple[int, int], ...] | None:
    """The most probable cut of ``word`` into shorter words of two or more characters, or None."""
    lex = default_lexicon()
    n = len(word)
    best: list[tuple[float, tuple[tuple[int, int], ...]] | None] = [None] * (n + 1)
    best[0] = (0.0, ())
    for j in range(2, n + 1):
        for i in range(0, j - 1):
            prev = best[i]
            if prev is None or (i, j) == (0, n):
                continue
            listed = lex.word_score(word[i:j])
            if listed is None and word[i:j] not in kinds():
                continue
            score = prev[0] + (listed if listed is not None else -20.0)
            if best[j] is None or score > best[j][0]:  # type: ignore[index]
                best[j] = (score, prev[1] + ((i, j),))
    return None if best[n] is None else best[n][1]  # type: ignore[index]


def capitalise(s: str) -> str:
    return s[:1].upper() + s[1:]


def syllable_forms(word: str, syllables: Sequence[str], style: Callable[[str], str], *,
                   sentence_start: bool = False, capitals: bool = True,
                   apostrophes: bool = True) -> tuple[list[str], list[str]]:
    """Each syllable as written (capitals applied) and the separator after each but the last
    (``''``, ``"'"``, ``' '`` or ``'-'``)."""
    parts, sep, kind = pieces(word)
    forms = [style(s) for s in syllables]
    seps = [""] * max(len(forms) - 1, 0)
    proper = kind in ("person", "name", "place", "org")
    for k, (a, b) in enumerate(parts):
        if capitals and (proper or (k == 0 and sentence_start)):
            forms[a] = capitalise(forms[a])
        if a > 0:
            seps[a - 1] = sep
        if apostrophes:
            for i in range(a + 1, b):
                if forms[i].startswith(VOWEL_START):
                    seps[i - 1] = "'"
    return forms, seps


def write(word: str, syllables: Sequence[str], style: Callable[[str], str], *,
          sentence_start: bool = False, capitals: bool = True, apostrophes: bool = True) -> str:
    """``word``'s pinyin written by GB/T 16159 (``syllables`` in numbers form, ``style`` renders
    one syllable). ``capitals=False`` keeps it lowercase; ``apostrophes=False`` for tone numbers,
    whose digits already mark where a syllable ends."""
    forms, seps = syllable_forms(word, syllables, style, sentence_start=sentence_start,
                                 capitals=capitals, apostrophes=apostrophes)
    return "".join(f + s for f, s in zip(forms, seps + [""]))
