"""Syllables: the numbers form used inside pinzhu, and conversions to the other forms.

Inside pinzhu a syllable is ASCII *numbers* form: ``zhong1``, neutral ``de5``, ü as ``v``
(``lv4``). This module turns it into tone marks, toneless, or zhuyin, and back from marks.

>>> to_marks("lv4"), to_marks("zhuang1"), to_marks("de5"), to_zhuyin("zhong1")
('lǜ', 'zhuāng', 'de', 'ㄓㄨㄥ')

pypinyin has these conversions too, but importing it loads its ~40k-entry dictionaries
(≈0.2 s), more than pinzhu's whole start-up budget; the rules below are the standard ones.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

_MARKS = {"a": "āáǎà", "e": "ēéěè", "i": "īíǐì", "o": "ōóǒò", "u": "ūúǔù", "ü": "ǖǘǚǜ"}
_COMBINING = {1: "\u0304", 2: "\u0301", 3: "\u030c", 4: "\u0300"}
_TONE_OF_COMBINING = {v: k for k, v in _COMBINING.items()}


def split_tone(syllable: str) -> tuple[str, int]:
    """'zhong1' -> ('zhong', 1); a syllable without a digit is neutral (5)."""
    if syllable and syllable[-1].isdigit():
        return syllable[:-1], int(syllable[-1])
    return syllable, 5


@lru_cache(maxsize=4096)
def to_marks(syllable: str) -> str:
    """Numbers form to tone marks: 'lv4' -> 'lǜ', 'er2' -> 'ér', 'm2' -> 'ḿ'."""
    base, tone = split_tone(syllable)
    base = base.replace("v", "ü")
    if tone not in _COMBINING:
        return base
    # Standard placement: a or e take the mark; in 'ou' the o; otherwise the last vowel.
    for vowel in ("a", "e", "ê"):
        if vowel in base:
            i = base.index(vowel)
            break
    else:
        if "ou" in base:
            i = base.index("o")
        else:
            idx = [k for k, c in enumerate(base) if c in "iouü"]
            if not idx:  # syllabic m, n, ng
                return unicodedata.normalize("NFC", base[0] + _COMBINING[tone] + base[1:])
            i = idx[-1]
    v = base[i]
    marked = _MARKS[v][tone - 1] if v in _MARKS else v + _COMBINING[tone]
    return unicodedata.normalize("NFC", base[:i] + marked + base[i + 1 :])


def to_plain(syllable: str) -> str:
    """Numbers form without the tone: 'lv4' -> 'lü' (ü kept, as written pinyin does)."""
    return split_tone(syllable)[0].replace("v", "ü")


@lru_cache(maxsize=8192)
def from_marks(syllable: str) -> str:
    """Tone marks (or numbers, or no tone) to numbers form: 'lǜ' -> 'lv4', 'de' -> 'de5'.

    Case is folded; a trailing digit is kept as the tone.
    """
    s = syllable.strip().lower()
    if s and s[-1].isdigit():
        return s[:-1].replace("ü", "v").replace("u:", "v") + s[-1]
    tone = 5
    out = []
    for ch in unicodedata.normalize("NFD", s):
        if ch in _TONE_OF_COMBINING:
            tone = _TONE_OF_COMBINING[ch]
        elif ch == "\u0308":  # diaeresis: u + ¨ = ü
            if out and out[-1] == "u":
                out[-1] = "v"
        elif ch == "\u0302":  # circumflex: e + ^ = ê
            if out and out[-1] == "e":
                out[-1] = "ê"
        else:
            out.append(ch)
    return "".join(out).replace("ü", "v") + str(tone)


_INITIALS = ["zh", "ch", "sh", "b", "p", "m", "f", "d", "t", "n", "l", "g", "k", "h", "j", "q", "x", "r", "z", "c", "s"]
_ZHUYIN_INITIAL = dict(zip(_INITIALS, "ㄓㄔㄕㄅㄆㄇㄈㄉㄊㄋㄌㄍㄎㄏㄐㄑㄒㄖㄗㄘㄙ"))
_ZHUYIN_FINAL = {
    "a": "ㄚ", "o": "ㄛ", "e": "ㄜ", "ê": "ㄝ", "ai": "ㄞ", "ei": "ㄟ", "ao": "ㄠ", "ou": "ㄡ",
    "an": "ㄢ", "en": "ㄣ", "ang": "ㄤ", "eng": "ㄥ", "ong": "ㄨㄥ", "er": "ㄦ",
    "i": "ㄧ", "ia": "ㄧㄚ", "ie": "ㄧㄝ", "iao": "ㄧㄠ", "iu": "ㄧㄡ", "iou": "ㄧㄡ", "ian": "ㄧㄢ",
    "in": "ㄧㄣ", "iang": "ㄧㄤ", "ing": "ㄧㄥ", "iong": "ㄩㄥ", "io": "ㄧㄛ",
    "u": "ㄨ", "ua": "ㄨㄚ", "uo": "ㄨㄛ", "uai": "ㄨㄞ", "ui": "ㄨㄟ", "uei": "ㄨㄟ", "uan": "ㄨㄢ",
    "un": "ㄨㄣ", "uen": "ㄨㄣ", "uang": "ㄨㄤ", "ueng": "ㄨㄥ",
    "v": "ㄩ", "ve": "ㄩㄝ", "van": "ㄩㄢ", "vn": "ㄩㄣ",
    "m": "ㄇ", "n": "ㄋ", "ng": "ㄫ", "hm": "ㄏㄇ", "hng": "ㄏㄫ",
}
_Y_W = {
    "yi": "i", "ya": "ia", "ye": "ie", "yao": "iao", "you": "iu", "yan": "ian", "yin": "in",
    "yang": "iang", "ying": "ing", "yong": "iong", "yo": "io", "yu": "v", "yue": "ve", "yuan": "van",
    "yun": "vn", "wu": "u", "wa": "ua", "wo": "uo", "wai": "uai", "wei": "uei", "wan": "uan",
    "wen": "uen", "wang": "uang", "weng": "ueng", "wong": "ueng",
}
_ZHUYIN_TONE = {1: "", 2: "ˊ", 3: "ˇ", 4: "ˋ"}


@lru_cache(maxsize=4096)
def to_zhuyin(syllable: str) -> str:
    """Numbers form to zhuyin (bopomofo): 'zhong1' -> 'ㄓㄨㄥ', 'de5' -> '˙ㄉㄜ', 'shi4' -> 'ㄕˋ',
    erhua 'dianr3' -> 'ㄉㄧㄢˇㄦ'."""
    base, tone = split_tone(syllable)
    if base.endswith("r") and base not in ("er", "r") and len(base) > 1:  # erhua: diǎnr -> ㄉㄧㄢˇㄦ
        inner = to_zhuyin(f"{base[:-1]}{tone}")
        return syllable if inner == f"{base[:-1]}{tone}" else inner + "ㄦ"
    if base in _Y_W:
        initial, final = "", _Y_W[base]
    elif base in ("m", "n", "ng", "hm", "hng"):
        initial, final = "", base
    else:
        initial = next((i for i in _INITIALS if base.startswith(i) and base != i), "")
        final = base[len(initial):]
        if initial in ("j", "q", "x") and final.startswith("u"):
            final = "v" + final[1:]
    if initial in ("zh", "ch", "sh", "r", "z", "c", "s") and final == "i":
        body = _ZHUYIN_INITIAL[initial]  # zhi, chi, shi, ri, zi, ci, si: the initial alone
    elif final in _ZHUYIN_FINAL:
        body = _ZHUYIN_INITIAL.get(initial, "") + _ZHUYIN_FINAL[final]
    else:
        return syllable
    return "˙" + body if tone == 5 else body + _ZHUYIN_TONE[tone]


def initial_final(syllable: str) -> tuple[str, str]:
    """A numbers-form syllable's initial and final (tone dropped), as 《汉语拼音方案》 writes them
    in its tables: y and w are not initials (you -> iou, wei -> uei), contracted finals restored
    (liu -> iou, gui -> uei, lun -> uen), ü after j, q, x (ju -> ü); ü stays v.

    >>> [initial_final(s) for s in ("zhong1", "you3", "liu2", "ju4", "zhi1", "er2", "a1")]
    [('zh', 'ong'), ('', 'iou'), ('l', 'iou'), ('j', 'v'), ('zh', 'i'), ('', 'er'), ('', 'a')]
    """
    base, _ = split_tone(syllable)
    if base in _Y_W:
        final = _Y_W[base]
        return "", "iou" if final == "iu" else final
    if base in ("m", "n", "ng", "hm", "hng", "r"):
        return "", base
    initial = next((i for i in _INITIALS if base.startswith(i) and base != i), "")
    final = base[len(initial):]
    if initial in ("j", "q", "x") and final.startswith("u"):
        final = "v" + final[1:]
    if initial:
        final = {"iu": "iou", "ui": "uei", "un": "uen", "iur": "iour", "uir": "ueir", "unr": "uenr"}.get(final, final)
    return initial, final
