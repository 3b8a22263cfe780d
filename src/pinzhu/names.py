"""Names: a surname reads as a surname (单 Shàn, 解 Xiè, 曾 Zēng, 万俟 Mòqí), in context or on request.

The stage after the engine (:mod:`pinzhu.read`) and before the spoken rules, run by
:mod:`pinzhu.pipeline` under the option ``person_names``:

* ``"auto"`` (default): where the text names a person, the surname at the start of the name
  takes its surname reading. A name is a surname followed by a given name of up to two
  characters, found from context: a title after it (单先生, 曾老师, 区小姐), a verb of speech after
  the full name (单田芳说), a cue before it (姓单, 名叫解缙, 记者曾小明), or a name jieba lists as a
  person (曾庆红) whose given name reads like one. A surname inside a word of the lexicon (单位,
  曾经, 区长) is never touched, nor a word of the user dictionary.
* ``"surname"``: the text is a name, or names (a form field): every run of Han characters
  starts with a surname.
* ``"head"``: only the text's first character (or compound surname) is a surname.
* ``"off"``: the engine's readings as they are.

Only the surname changes: a given name reads as the engine reads it in context (孙燕姿 Sūn Yànzī:
燕 keeps yàn; the surname table's 燕 Yān is a surname reading, never a given name's).

>>> from pinzhu.pipeline import pinyin
>>> pinyin("单先生说", tone="numbers")[:1], pinyin("单位", tone="numbers")[:1]
(['shan4'], ['dan1'])
>>> pinyin("单田芳", tone="numbers", person_names="surname")
['shan4', 'tian2', 'fang1']
>>> pinyin("万俟卨", tone="numbers", person_names="head")[:2]
['mo4', 'qi2']

The data (``data/names.tsv``, built by ``scripts/build_names.py``): surname readings from
pinyin-pro's surname table and 《现代汉语词典》; how name-like each character is, from jieba's
person names.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from .lexicon import HAN_RANGES, TABLE_SIZE
from .read import Reading
from .segment import SRC_CONT, SRC_USER
from .shipped import read_text

MODES = ("auto", "surname", "head", "off")
# How sure an "auto" detection is (the probability a reading it sets carries); a name the
# caller declared ("surname", "head") is certain.
AUTO_PROB = 0.9

# Context cues, as short lists of rules (not data): words that follow a name or a bare surname.
TITLES = tuple(sorted(set(
    "先生 女士 小姐 老师 教授 同志 师傅 大夫 医生 护士 经理 主任 书记 局长 部长 院长 校长 主席 总理 省长 市长 "
    "县长 镇长 村长 厂长 处长 科长 所长 站长 社长 会长 司令 总统 董事长 总经理 总裁 老板 队长 班长 连长 团长 师长 "
    "军长 博士 律师 记者 编辑 导演 将军 太太 夫人 阿姨 叔叔 伯伯 大爷 大妈 大娘 大哥 大姐 爷爷 奶奶 姥姥 老先生 "
    "工程师 会计 掌柜 先生们 警官 法官 委员 议员 大使 教练 主编 代表 老爷 少爷 姑娘 同学 师兄 师姐 师弟 师妹 "
    "兄 姐 哥 嫂 婶 叔 伯 总 董 工 老".split()), key=len, reverse=True))
# Titles a bare surname takes (曾老师, 单先生): personal address only — a post after a bare
# surname is as often the object of a verb (任总统 "served as president", 第16任总统).
ADDRESS_TITLES = tuple(sorted(set(
    "先生 女士 小姐 老师 师傅 大夫 太太 夫人 阿姨 叔叔 伯伯 大爷 大妈 大娘 大哥 大姐 爷爷 奶奶 老板 同学 老先生 "
    "同志 总 董 老 姐 哥 嫂 婶 叔 伯 兄 工".split()), key=len, reverse=True))
# Verbs of speech and report after a full name (单田芳说); never after a bare surname (曾说 céng).
SPEECH = tuple(sorted(set(
    "说 表示 指出 认为 介绍 告诉 回忆 强调 透露 称 说道 笑道 问道 答道 道 问 答 曰 回答 解释 补充 坦言 直言 "
    "感慨 提到 谈到 写道 主持 宣布 说过 讲 讲述 回应 呼吁 建议 承认 否认 发言 表态 告诉记者 对记者说".split()),
    key=len, reverse=True))
# Words right before a name or bare surname that say a person follows.
BEFORE = tuple(sorted(set(
    "姓 名叫 叫做 叫 记者 教授 老师 同学 主任 书记 院士 作家 演员 歌手 导演 总统 总理 主席 先生 女士 画家 诗人 "
    "学者 专家 朋友 同事 队员 球员 选手 编辑 校长 院长 局长 部长 市长 省长 通讯员 委员 代表 明星 大师".split()),
    key=len, reverse=True))
# Prefixes of address before a bare surname (老单, 小曾, 阿查): only with a cue after.
ADDRESS = "老小阿"
# Characters that spell foreign names (查尔斯 Charles, 乌拉尔): a given name holding one is a
# transliteration, not a Chinese given name.
TRANSLITERATION = frozenset("尔斯克特姆夫拉亚娜维罗伊贝莱奥德普曼顿森里利丁士韦兹西卡塔巴尼格蒂茨诺布萨")
# Characters that never start a given name: function words and pronouns.
NOT_GIVEN = frozenset("的了是在和与及或就也都而把被给对向从为着过吗呢吧啊我你他她它们这那哪谁什么个人不没有很说")
MAX_GIVEN = 2
AFTER = TITLES + SPEECH  # any cue that can follow a name
GIVEN_MIN = 0.5  # a common character's given-name score must reach this


@dataclass(frozen=True)
class NameData:
    """Surnames (``word -> (syllables, auto)``) and given-name character scores."""

    surnames: dict[str, tuple[tuple[str, ...], bool]]
    given: dict[str, float]

    def surname_at(self, text: str, i: int, *, auto_only: bool) -> str | None:
        """The surname starting at ``text[i]`` (a compound one first), or None."""
        for k in (2, 1):
            s = text[i:i + k]
            hit = self.surnames.get(s) if len(s) == k else None
            if hit is not None and (hit[1] or not auto_only):
                return s
        return None


@lru_cache(maxsize=1)
def data() -> NameData:
    """The shipped names data (``data/names.tsv``), loaded once."""
    text = read_text("names.tsv")
    surnames: dict[str, tuple[tuple[str, ...], bool]] = {}
    given: dict[str, float] = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        kind, *rest = line.split("\t")
        if kind == "surname":
            surnames[rest[0]] = (tuple(rest[1].split()), rest[2] == "auto")
        elif kind == "given":
            given[rest[0]] = float(rest[1])
    return NameData(surnames, given)


@lru_cache(maxsize=1)
def _persons() -> frozenset[str]:
    from .orthography import kinds  # common_names.tsv: jieba's person names, filtered

    return frozenset(w for w, k in kinds().items() if k == "person")


def apply(r: Reading, mode: str) -> Reading:
    """``r`` with surnames read as surnames under ``mode`` (see the module docstring); ``r``
    itself when nothing changes."""
    if mode == "off" or not len(r.text):
        return r
    if mode == "auto":
        found = detect(r)
        prob = AUTO_PROB
    elif mode in ("head", "surname"):
        found = declared(r, every_run=mode == "surname")
        prob = 1.0
    else:
        raise ValueError(f"person_names must be one of {', '.join(map(repr, MODES))}, not {mode!r}")
    if not found:
        return r
    syl, p = r.syl.copy(), r.prob.copy()
    changed = False
    for at, sid in surname_syllables(found, r.lexicon.syllable_id):
        if syl[at] != sid:
            syl[at], p[at] = sid, prob
            changed = True
    if not changed:
        return r
    return Reading(r.text, r.lexicon, syl, r.src, p, r.han, r.norm)


def surname_syllables(found: list[tuple[int, str]], syllable_id: dict[str, int]) -> list[tuple[int, int]]:
    """(position, syllable id) of every syllable of the surnames ``found`` (syllables the
    lexicon lacks left out)."""
    out = []
    for i, surname in found:
        for k, s in enumerate(data().surnames[surname][0]):
            sid = syllable_id.get(s, 0)
            if sid:
                out.append((i + k, sid))
    return out


def auto_syllables(lexicon: Any, text: str, src: bytes, where: list[int]) -> list[tuple[int, int]]:
    """What "auto" changes, from the text as read, its sources (one byte per character) and the
    positions where a name may start: the hook the one-call engine (``pinzhu.read.Engine.styled``)
    calls only where :func:`hook_table` says a rule could fire; the detection of :func:`apply`."""
    return surname_syllables(_detect(text, src, None, lexicon, where), lexicon.syllable_id)


def declared(r: Reading, *, every_run: bool) -> list[tuple[int, str]]:
    """Surnames where the caller says names start: the text's first Han character, or (with
    ``every_run``) the first of every run of Han characters. A user-dictionary word wins."""
    text, han, d = r.norm_text, r.han, data()
    starts = np.flatnonzero(han & np.r_[True, ~han[:-1]]) if every_run else np.flatnonzero(han)[:1]
    out = []
    for i in starts.tolist():
        s = d.surname_at(text, i, auto_only=False)
        if s is not None and not (r.src[i:i + len(s)] & 0b11 == SRC_USER).any():
            out.append((i, s))
    return out


class _Words:
    """Where segmented words start, read from the source array only where asked (a few
    positions per text: cheaper than arrays over the whole text)."""

    def __init__(self, src: Any) -> None:  # the source array, or it as a list
        self.src, self.n = src, len(src)

    def starts(self, i: int) -> bool:
        """A word starts at ``i`` (the text's end counts as a start)."""
        return i >= self.n or not int(self.src[i]) & SRC_CONT

    def span(self, i: int) -> tuple[int, int]:
        a = i
        while a > 0 and not self.starts(a):
            a -= 1
        b = i + 1
        while not self.starts(b):
            b += 1
        return a, b


def detect(r: Reading) -> list[tuple[int, str]]:
    """Where ``r``'s text names a person: (position, surname) pairs ("auto" mode)."""
    return _detect(r.norm_text, r.src, r.syl, r.lexicon)


def _detect(text: str, src: Any, syl: Any, lex: Any, at: list[int] | None = None) -> list[tuple[int, str]]:
    """:func:`detect` from the text as read, the sources and syllables (arrays, lists or bytes;
    ``syl`` None: not known, so none is skipped for being read so already) and, where a caller
    found them (the one-call engine), the only positions that may start a name."""
    singles, compounds = _triggers()
    single, compound, any_ = _tables(lex)
    if at is None:
        # Most texts hold no character whose surname reading is its own: a set test, no arrays.
        if not singles.intersection(text) and not any(c in text for c in compounds):
            return []
        firsts = compounds_first(compounds)
        if len(text) < 256:  # a sentence: positions found in Python, cheaper than array calls
            at = [i for i, c in enumerate(text) if c in singles or c in firsts]
            src, syl = src.tolist(), syl.tolist()
        else:
            cps = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype="<u4")
            at = np.flatnonzero(any_[np.minimum(cps, TABLE_SIZE - 1)]).tolist()
    d = data()
    words = _Words(src)
    out = []
    for i in at:
        if int(src[i]) & SRC_CONT:
            continue  # inside a word
        cp = min(ord(text[i]), TABLE_SIZE - 1)
        want = int(single[cp])
        if not compound[cp] and (not want or (syl is not None and want == int(syl[i]))):
            continue  # no surname reading of its own, or the engine already reads it so
        s = d.surname_at(text, i, auto_only=True)
        if s is not None and _is_name(text, i, s, src, words, d):
            out.append((i, s))
    return out


def hook_table(lex: Any) -> np.ndarray:
    """Per code point, what the one-call engine checks before it calls :func:`auto_syllables`
    (uint8 bits): 1 a character :func:`_detect` examines that may be a one-character surname,
    2 the first character of a compound surname it examines, 64 the second of one, 4 the first
    character of a cue after a name (TITLES, ADDRESS_TITLES, SPEECH), 8 the last character of a
    cue before one (BEFORE, 姓, an address prefix), 16 a character a given name may hold
    (:func:`_given_ok`), 32 one a given name may start with.

    The engine calls the hook only where :func:`_is_name` could say yes: a surname starting a
    word two characters longer than itself whose last two may be a given name (a listed
    person, not a reduplication), or a word of its own length with a cue ending right before
    it, or a cue starting right after it or after one or two given-name characters. A rule that
    looks at other characters must mark them here (tests/test_names_hook.py holds the hooked
    path equal to the Reading's)."""
    return _hook_table(lex)


@lru_cache(maxsize=4)
def _hook_table(lex: Any) -> np.ndarray:
    d = data()
    single, compound, _ = _tables(lex)
    t = np.zeros(TABLE_SIZE, dtype=np.uint8)
    t[single > 0] |= 1
    t[compound] |= 2
    for k, (_, auto) in d.surnames.items():
        if auto and len(k) == 1 and compound[ord(k)]:
            t[ord(k)] |= 1  # a compound's first character that is a surname alone too (长 of 长孙)
        if auto and len(k) == 2 and compound[ord(k[0])]:
            t[ord(k[1])] |= 64
    for w in TITLES + ADDRESS_TITLES + SPEECH:
        t[ord(w[0])] |= 4
    for w in (*BEFORE, "姓", *ADDRESS):
        t[ord(w[-1])] |= 8
    common = _common()
    for lo, hi in HAN_RANGES:
        t[lo:min(hi, TABLE_SIZE - 2) + 1] |= 48  # any Han character may be in a given name, but
    for c in TRANSLITERATION | {c for c in common if d.given.get(c, 0.0) < GIVEN_MIN}:
        t[ord(c)] &= ~np.uint8(48)  # ... transliteration and common unnamely ones
    for c in NOT_GIVEN:
        t[ord(c)] &= ~np.uint8(32)  # and these never start one
    t.setflags(write=False)
    return t


@lru_cache(maxsize=1)
def _triggers() -> tuple[frozenset[str], tuple[str, ...]]:
    """The "auto" surnames whose surname reading is not their characters' everyday one: single
    characters (单, 曾, 解), and compounds (万俟, 尉迟, 长孙)."""
    from .lexicon import default_lexicon

    lex = default_lexicon()
    singles, compounds = set(), []
    for k, (syls, auto) in data().surnames.items():
        if auto and any(lex.syllables[int(lex.default_syl[ord(c)])] != x for c, x in zip(k, syls)):
            (singles.add(k) if len(k) == 1 else compounds.append(k))
    return frozenset(singles), tuple(compounds)


@lru_cache(maxsize=1)
def compounds_first(compounds: tuple[str, ...]) -> frozenset[str]:
    return frozenset(k[0] for k in compounds)


@lru_cache(maxsize=4)
def _tables(lex: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per code point, for the "auto" surnames whose surname reading is not the character's
    everyday one (单 shàn, not 王 wáng): the syllable id of that reading (0 for none); whether
    it starts such a compound surname (万俟, 尉迟, 长孙); and either."""
    single = np.zeros(TABLE_SIZE, dtype=np.uint16)
    compound = np.zeros(TABLE_SIZE, dtype=bool)
    for k, (syls, auto) in data().surnames.items():
        if not auto or all(lex.syllables[int(lex.default_syl[ord(c)])] == x for c, x in zip(k, syls)):
            continue
        if len(k) == 1:
            single[ord(k)] = lex.syllable_id.get(syls[0], 0)
        else:
            compound[ord(k[0])] = True
    return single, compound, (single > 0) | compound


def _is_name(text: str, i: int, s: str, src, words: _Words, d: NameData) -> bool:
    j = i + len(s)
    if any(int(src[x]) & 0b11 == SRC_USER for x in range(i, j)):
        return False
    wa, wb = words.span(i)
    if wa == i and wb - j == MAX_GIVEN and text[i:wb] in _persons():
        # A person jieba lists (曾庆红), read by the lexicon without its surname reading; only a
        # full two-character given name: jieba tags many two-character words as names (燕麦, 华亭).
        return text[j] != text[j - 1] and _given_ok(text[j:wb], d)  # not a reduplication: 蒙蒙亮
    if wa != i or wb != j:
        return False  # inside a word: 单位, 曾经, 区长
    cue_before = text.endswith(BEFORE, 0, i)
    named_by = text.endswith("姓", 0, i)
    address = i > 0 and text[i - 1] in ADDRESS and (i < 2 or not _han(text[i - 2]))
    if not (cue_before or address or any(text.startswith(AFTER, k) for k in range(j, j + MAX_GIVEN + 1))):
        return False  # no cue anywhere near: most surname characters in running text
    n = len(text)
    for g in range(MAX_GIVEN, -1, -1):
        k = j + g
        if k > n or not all(_han(c) for c in text[j:k]):
            continue
        if g and (not _whole(j, k, words) or not _given_ok(text[j:k], d)):
            continue  # the given name must be whole words of its own: not 单纯, not 曾经理
        if _cue(text, TITLES if g else ADDRESS_TITLES, k, words):
            return True
        if g and _cue(text, SPEECH, k, words):
            return True
        if g == 0 and (cue_before or address) and (k == n or not _han(text[k])):
            return True  # 姓单。 老单，
        if g == 0 and address and _cue(text, SPEECH, k, words):
            return True  # 老单说
        if g and cue_before and not named_by:
            return True  # 记者曾小明
        if g == 0 and named_by:
            return True  # 姓曾的
    return False


def _whole(a: int, b: int, words: _Words) -> bool:
    """``text[a:b]`` is made of whole segmented words."""
    return words.starts(a) and words.starts(b)


def _cue(text: str, cues: tuple[str, ...], k: int, words: _Words) -> bool:
    """``text`` has one of ``cues`` at ``k``, as whole words (先生, not 先生产; 说, not 说明)."""
    if k >= len(text) or not text.startswith(cues, k):
        return False
    return any(text.startswith(w, k) and _whole(k, k + len(w), words) for w in _by_first(cues)[text[k]])


@lru_cache(maxsize=8)
def _by_first(cues: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    out: dict[str, list[str]] = {}
    for w in cues:
        out.setdefault(w[0], []).append(w)
    return {k: tuple(v) for k, v in out.items()}


def _given_ok(given: str, d: NameData) -> bool:
    """Whether ``given`` reads like a Chinese given name: every character one that given names
    favour (jieba's person names), or a rare one (outside the 3,500 common characters)."""
    if given[0] in NOT_GIVEN or any(c in TRANSLITERATION for c in given):
        return False
    return all(d.given.get(c, 0.0) >= GIVEN_MIN or c not in _common() for c in given)


@lru_cache(maxsize=1)
def _common() -> frozenset[str]:
    text = read_text("common_chars.txt")
    return frozenset(ln for ln in text.splitlines() if ln and not ln.startswith("#"))


def _han(ch: str) -> bool:
    cp = ord(ch)
    return any(lo <= cp <= hi for lo, hi in HAN_RANGES)


__all__ = ["MODES", "apply", "auto_syllables", "data", "declared", "detect", "hook_table", "surname_syllables"]
