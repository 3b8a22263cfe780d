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
from importlib import resources

import numpy as np

from .lexicon import TABLE_SIZE
from .read import Reading
from .segment import SRC_CONT, SRC_USER

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
GIVEN_MIN = 0.5  # a common character's given-name score must reach this


@dataclass(frozen=True)
class NameData:
    """Surnames (``word -> (syllables, auto)``) and given-name character scores."""

    surnames: dict[str, tuple[tuple[str, ...], bool]]
    given: dict[str, float]
    first: np.ndarray  # bool per code point: starts a surname that "auto" may read

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
    text = (resources.files("pinzhu") / "data" / "names.tsv").read_text(encoding="utf-8")
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
    first = np.zeros(TABLE_SIZE, dtype=bool)
    first[[ord(k[0]) for k, (_, auto) in surnames.items() if auto]] = True
    return NameData(surnames, given, first)


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
    ids = r.lexicon.syllable_id
    syl, p = r.syl.copy(), r.prob.copy()
    changed = False
    for i, surname in found:
        for k, s in enumerate(data().surnames[surname][0]):
            sid = ids.get(s, 0)
            if sid and syl[i + k] != sid:
                syl[i + k], p[i + k] = sid, prob
                changed = True
    if not changed:
        return r
    return Reading(r.text, r.lexicon, syl, r.src, p, r.han, r.norm)


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


def _words(r: Reading) -> tuple[np.ndarray, np.ndarray]:
    """Per character: the start and end of the segmented word holding it."""
    n = len(r.text)
    start = np.ones(n, dtype=bool)
    start[1:] = (r.src[1:] & SRC_CONT) == 0
    idx = np.flatnonzero(start)
    word_of = np.cumsum(start) - 1
    ends = np.r_[idx[1:], n]
    return idx[word_of], ends[word_of]


def detect(r: Reading) -> list[tuple[int, str]]:
    """Where ``r``'s text names a person: (position, surname) pairs ("auto" mode)."""
    d = data()
    cps = r.norm
    cand = np.flatnonzero(d.first[np.minimum(cps, TABLE_SIZE - 1)])
    if not len(cand):
        return []
    text = r.norm_text
    ws, we = _words(r)
    out = []
    for i in cand.tolist():
        s = d.surname_at(text, i, auto_only=True)
        if s is None:
            continue
        if _is_name(text, i, s, r, ws, we, d):
            out.append((i, s))
    return out


def _is_name(text: str, i: int, s: str, r: Reading, ws: np.ndarray, we: np.ndarray, d: NameData) -> bool:
    j = i + len(s)
    if (r.src[i:j] & 0b11 == SRC_USER).any():
        return False
    wa, wb = int(ws[i]), int(we[i])
    if wa == i and wb - j == MAX_GIVEN and text[i:wb] in _persons():
        # A person jieba lists (曾庆红), read by the lexicon without its surname reading; only a
        # full two-character given name: jieba tags many two-character words as names (燕麦, 华亭).
        return text[j] != text[j - 1] and _given_ok(text[j:wb], d)  # not a reduplication: 蒙蒙亮
    if wa != i or wb != j:
        return False  # inside a word: 单位, 曾经, 区长
    before = text[:i]
    cue_before = before.endswith(BEFORE)
    address = bool(before) and before[-1] in ADDRESS and (len(before) < 2 or not _han(before[-2]))
    for g in range(MAX_GIVEN, -1, -1):
        k = j + g
        if k > len(text) or not all(_han(c) for c in text[j:k]):
            continue
        if g and (not _whole(j, k, ws, we) or not _given_ok(text[j:k], d)):
            continue  # the given name must be whole words of its own: not 单纯, not 曾经理
        after = text[k:]
        if _cue(after, TITLES if g else ADDRESS_TITLES, k, ws, we):
            return True
        if g and _cue(after, SPEECH, k, ws, we):
            return True
        if g == 0 and (cue_before or address) and (not after or not _han(after[0])):
            return True  # 姓单。 老单，
        if g == 0 and address and _cue(after, SPEECH, k, ws, we):
            return True  # 老单说
        if g and cue_before and not before.endswith("姓"):
            return True  # 记者曾小明
        if g == 0 and before.endswith("姓"):
            return True  # 姓曾的
    return False


def _whole(a: int, b: int, ws: np.ndarray, we: np.ndarray) -> bool:
    """``text[a:b]`` is made of whole segmented words."""
    return int(ws[a]) == a and int(we[b - 1]) == b


def _cue(after: str, words: tuple[str, ...], k: int, ws: np.ndarray, we: np.ndarray) -> bool:
    """``after`` (the text from ``k``) starts with one of ``words``, as whole words (先生, not
    先生产; 说, not 说明)."""
    for w in words:
        if after.startswith(w) and _whole(k, k + len(w), ws, we):
            return True
    return False


def _given_ok(given: str, d: NameData) -> bool:
    """Whether ``given`` reads like a Chinese given name: every character one that given names
    favour (jieba's person names), or a rare one (outside the 3,500 common characters)."""
    if given[0] in NOT_GIVEN or any(c in TRANSLITERATION for c in given):
        return False
    return all(d.given.get(c, 0.0) >= GIVEN_MIN or c not in _common() for c in given)


@lru_cache(maxsize=1)
def _common() -> frozenset[str]:
    text = (resources.files("pinzhu") / "data" / "common_chars.txt").read_text(encoding="utf-8")
    return frozenset(ln for ln in text.splitlines() if ln and not ln.startswith("#"))


def _han(ch: str) -> bool:
    from .lexicon import default_lexicon

    cp = ord(ch)
    return bool(default_lexicon().han[min(cp, TABLE_SIZE - 1)])


__all__ = ["MODES", "apply", "data", "declared", "detect"]
