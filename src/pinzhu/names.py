"""Names: a surname reads as a surname (单 Shàn, 解 Xiè, 曾 Zēng, 万俟 Mòqí), in context or on request.

The stage after the engine (:mod:`pinzhu.read`) and before the spoken rules, run by
:mod:`pinzhu.pipeline` under the option ``person_names``:

* ``"auto"`` (default): where the text names a person, the surname at the start of the name
  takes its surname reading. A name is a surname followed by a given name of up to two
  characters, found from context: a title after it (单先生, 曾老师, 区小姐), a verb of speech after
  the full name (单田芳说), kin joined to it (单立新和妻子, 区振华夫妇), a cue before it (姓单, 名叫解缙, 记者曾小明), or a name jieba lists as a
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
    "工程师 会计 秘书 掌柜 先生们 警官 法官 委员 议员 大使 教练 主编 代表 老爷 少爷 姑娘 同学 师兄 师姐 师弟 师妹 主管 组长 助理 "
    "兄 姐 哥 嫂 婶 叔 伯 总 董 工 老".split()), key=len, reverse=True))
# Titles a bare surname takes (曾老师, 单先生): personal address only — a post after a bare
# surname is as often the object of a verb (任总统 "served as president", 第16任总统).
ADDRESS_TITLES = tuple(sorted(set(
    "先生 女士 小姐 老师 师傅 大夫 太太 夫人 阿姨 叔叔 伯伯 大爷 大妈 大娘 大哥 大姐 爷爷 奶奶 老板 同学 老先生 "
    "同志 总 董 老 姐 哥 嫂 婶 叔 伯 兄 工 某 某某".split()), key=len, reverse=True))  # 曾某: a person named by surname only
# Verbs of speech and report after a full name (单田芳说); never after a bare surname (曾说 céng).
SPEECH = tuple(sorted(set(
    "说 表示 指出 认为 介绍 告诉 回忆 强调 透露 称 说道 笑道 问道 答道 道 问 答 曰 回答 解释 补充 坦言 直言 "
    "感慨 提到 谈到 写道 主持 宣布 说过 讲 讲述 回应 呼吁 建议 承认 否认 发言 表态 告诉记者 对记者说 "
    "报道 摄 供图 整理".split()),  # and the by-line's 报道, 摄 (记者高远、仇晓报道; 覃雪梅、能磊摄)
    key=len, reverse=True))
# Words right before a name or bare surname that say a person follows.
BEFORE = tuple(sorted(set(
    "姓 名叫 叫做 叫 记者 教授 老师 同学 主任 书记 院士 作家 演员 歌手 导演 总统 总理 主席 先生 女士 画家 诗人 "
    "学者 专家 朋友 同事 队员 球员 选手 编辑 校长 院长 局长 部长 市长 省长 通讯员 委员 代表 明星 大师 "
    "主编 校对 监制 执笔 统稿 审核 主持 嘉宾 编剧 作者 摄影 策划 撰文 支书 实习生 研究生 医生 "
    "农民 村民 市民 居民 网友 司机 工人 志愿者 患者 游客 区长 县长 镇长 村长 厂长 处长 科长 所长 站长 社长 "
    "会长 队长 团长 船长 机长 馆长 行长 主帅 政委 教练 法官 警官 律师 医师 技师 教师 店员 职员 演员 学员 "
    "文字 图片 摄像 撰稿 "
    "委员 雇员 官员 专员 科员 画家 作曲家".split()),
    key=len, reverse=True))
# Prefixes of address before a bare surname (老单, 小曾, 阿查): only with a cue after.
ADDRESS = "老小阿"
# Last characters of a role word right before a name (航天员, 研究员, 作曲家, 副局长, 总工程师):
# a word of three or more characters ending so is a post or trade (two-character ones are
# listed in BEFORE: 大家, 国家 are none; nor is 生: 男生, 学生 are no titles).
ROLE_END = frozenset("员家长师帅委官手")
# Characters between a role and the name in by-lines (责任编辑：仇立新, 文／解冰).
BYLINE = frozenset("：:／/")
# Words that join names in a list (查思雨、刘凯; 张立和覃思敏).
JOIN = ("、", "和", "与", "及", "同")
# Words after which a clause's subject or a verb's object often starts (由盖文杰负责, 等区伟回来):
# a name there needs the name-like given name of a name at a clause's start.
LEFT_WEAK = ("由", "等", "让", "请", "叫", "给", "跟", "对", "向", "被", "把", "有", "是", "而")
# Words that follow a clause's subject (被, 把, 在, 已经): a name at a clause's start followed by one
# needs only the name-likeness a cue asks for (任立刚被任命, 解建帮忙 is not, 查东这小子).
SUBJECT_NEXT = ("被", "把", "在", "正在", "将", "已", "已经", "也", "又", "还", "就", "便", "才", "一直", "从", "向",
                "对", "给", "让", "这", "会", "要", "能", "正", "却", "刚", "曾经", "一边", "不", "没", "没有")
# Closing quotation marks: after a sentence's last punctuation, a name there is who spoke.
QUOTE_END = frozenset("”」』’")
# By-line roles that stand before a colon or slash only (文／解冰, 图／罗平).
BYLINE_ROLES = ("文", "图", "摄", "编")
# What stands before the start of a sentence or clause, or around an item of a list: punctuation
# and spaces.
EDGE = frozenset(" \t\n\r\u3000，。、：；！？“”‘’「」『』（）《》〈〉【】〔〕…—·,.;:!?()[]\"'／/|")
# Characters that spell foreign names (查尔斯 Charles, 乌拉尔): a given name holding one is a
# transliteration, not a Chinese given name.
TRANSLITERATION = frozenset("尔斯克特姆夫拉亚娜维罗伊贝莱奥德普曼顿森里利丁士韦兹西卡塔巴尼格蒂茨诺布萨")
# Characters that never start a given name: function words and pronouns.
NOT_GIVEN = frozenset("的了是在和与及或就也都而把被给对向从为着过吗呢吧啊我你他她它们这那哪谁什么个人不没有很说")
MAX_GIVEN = 2
# Characters a one-character word before a surname may be without making the surname part of a
# name that starts before it (宣华夫人: 华 is 宣's given name): prepositions, verbs and the words
# of the rules above, some of which are surnames too (于, 向, 从, 经).
NOT_BEFORE_NAME = frozenset(ADDRESS) | frozenset(NOT_GIVEN) | frozenset("".join(LEFT_WEAK + JOIN)) | frozenset(
    "于从经以自随替陪找见问带送帮选派称推邀将当令使")
# Surnames whose surname reading is their reading in a given name too (范曾 Fàn Zēng: céng is only
# the adverb "once"): read so after another name's surname as well.
GIVEN_AS_SURNAME = frozenset("曾")
# Last characters of places and facilities: a name followed by one is a place (莘庄站, 徐闵线).
PLACE_END = frozenset("站线路街镇村县市乡桥港岛寺庙塔庄屯湾峰岭州省宫殿府城阁亭洲坡")
# Last characters of places that end a two-character "given name" (金垭镇, 温梁村, 黄梅县): the rest
# of a place's name (a town, village, county… of three characters), not a given name.
PLACE_SUFFIX = frozenset("镇村县乡区市省港街巷站")
# Villages named after a clan: a surname and one of these (李庄, 卢村, 张屯, 刘寨, 赵营; 莘庄): a
# one-character "given name" that is one of these names a village (蒋镇 is a name: towns take two).
CLAN_PLACE = frozenset("庄村屯寨营")
# Surnames that are verbs taking a post as object: 任 "served as" (任宁远将军): a post after the full
# name is no cue, only personal address (任杰先生) or speech.
POST_VERBS = frozenset("任")
# A surname whose character starts foreign names about as often as Chinese ones (盖伦 Galen, 盖瑞
# Gary, 盖茨 Gates; jieba 0.42.1 tags 24 names starting with 盖 as transliterations against 74 as
# Chinese, at most one for most surnames "auto" reads at a clause's start): a one-character given
# name after it, with only its place to go on, is as likely a transliteration. So for a rare surname
# (``NameData.rare``) unless a word that follows a subject follows it (召伟在…): 繁荫数亩 is 繁 "lush".
FOREIGN_START = frozenset("盖")
# A two-character word this common (log probability in segmentation) is no given name for a
# surname that is an everyday word itself (要妹子回答; 妹子 -11.1, 海燕 -13.4).
EVERYDAY = -12.0
# Kin after a full name, joined to it (曾国雄和妻子…, 单晓东与儿子) or as a couple (仇立新夫妇): a person.
KIN = tuple(sorted(set(
    "妻子 丈夫 儿子 女儿 父亲 母亲 爸爸 妈妈 夫人 太太 老伴 家人 孩子 女友 男友 未婚妻 未婚夫".split()), key=len, reverse=True))
COUPLE = ("夫妇", "夫妻")
AFTER = TITLES + SPEECH + COUPLE  # any cue that can follow a name (and JOIN, before kin or a name)
# How name-like a given name must be (the mean of its characters' scores, data/names.tsv: the
# log of how much likelier in given names than in running text; a rare character counts RARE):
# with a cue (a title, a role, a verb of speech), GIVEN_MIN (two characters: no less likely in
# names than in text; one character, on which all rests: more); with only its place to go on
# (the start of a sentence or clause, an item of a list), EDGE_MIN. In a two-character given
# name, each character must reach CHAR_MIN (国栋: 国 -0.34, 栋 2.95).
GIVEN_MIN = {1: 0.5, 2: 0.0}
EDGE_MIN = 1.0
LISTED_MIN = 0.5  # each character of a person jieba lists (曾庆红), with no cue at all
CHAR_MIN = -0.5
RARE = 0.5


@dataclass(frozen=True)
class NameData:
    """Surnames (``word -> (syllables, auto)``), given-name character scores, the surnames
    "auto" reads only with a cue around a full name (everyday words: 都, 要, 能, 过, 种), and the
    rare ones (繁, 召, 员: names start with them ten times more rarely than text holds them)."""

    surnames: dict[str, tuple[tuple[str, ...], bool]]
    given: dict[str, float]
    cue_only: frozenset[str] = frozenset()
    rare: frozenset[str] = frozenset()

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
    cue_only, rare = set(), set()
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        kind, *rest = line.split("\t")
        if kind == "surname":
            surnames[rest[0]] = (tuple(rest[1].split()), rest[2] in ("auto", "cue", "rare"))
            if rest[2] == "cue":
                cue_only.add(rest[0])
            elif rest[2] == "rare":
                rare.add(rest[0])
        elif kind == "given":
            given[rest[0]] = float(rest[1])
    return NameData(surnames, given, frozenset(cue_only), frozenset(rare))


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


def detect(r: Reading, *, every: bool = False) -> list[tuple[int, str]]:
    """Where ``r``'s text names a person: (position, surname) pairs ("auto" mode): the names
    whose surname reads otherwise in everyday words (单, 曾, 万俟), where the engine has not read
    it so already. With ``every``, every name "auto" would find, whatever its surname (王, 李).

    >>> from pinzhu.read import read
    >>> detect(read("记者单晓东和李静")), detect(read("记者单晓东和李静"), every=True)
    ([(2, '单')], [(2, '单'), (6, '李')])
    """
    if not every:
        return _detect(r.norm_text, r.src, r.syl, r.lexicon)
    text, src, d = r.norm_text, r.src.tolist(), data()
    words = _Words(src)
    out: list[tuple[int, str]] = []
    for i in range(len(text)):
        if out and i < out[-1][0] + len(out[-1][1]) + MAX_GIVEN and all(map(_han, text[out[-1][0]:i + 1])):
            continue  # inside the name just found (单国栋: not 国 as a surname)
        s = d.surname_at(text, i, auto_only=True)
        if not src[i] & SRC_CONT and s is not None and _is_name(text, i, s, src, words, d, r.lexicon):
            out.append((i, s))
    return out


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
        if s is not None and _is_name(text, i, s, src, words, d, lex):
            out.append((i, s))
    return out


def hook_table(lex: Any) -> np.ndarray:
    """Per code point, what the one-call engine checks before it calls :func:`auto_syllables`
    (uint16 bits): 1 a character :func:`_detect` examines that may be a one-character surname,
    2 the first character of a compound surname it examines, 64 the second of one, 4 the first
    character of a cue after a name (TITLES, ADDRESS_TITLES, SPEECH, JOIN), 8 the last character
    of a cue before one or of an edge (BEFORE, 姓, an address prefix, a role's last character, a
    joining word, punctuation: EDGE, LEFT_WEAK), 512 the same but for edges (what makes
    ``cue_before``, ``address``, ``named_by`` or a list before), 16 a character a given name may
    hold (:func:`_given_score`), 32 one it may start with, 128 a character that may be a given
    name of one character or of a listed person (its score reaches GIVEN_MIN[1] and LISTED_MIN), 256 a one-character surname that is
    ``cue_only`` (都, 要: a full name with a cue, nothing less), 1024 姓 (``named_by``), 2048 the
    first character of a title a bare surname takes (ADDRESS_TITLES), 4096 that of a verb of speech,
    8192 a prefix of address (ADDRESS): after a bare surname, only these make a cue.

    The engine calls the hook only where :func:`_is_name` could say yes: a surname starting a
    word two characters longer than itself whose last two may be a listed person's given name
    (not a reduplication), or a word of its own length with a cue right after it or after a given
    name of one or two whole words, a cue before it (followed by a given name, or by none), or
    the text's start or an edge before it and a given name after it. A rule that looks at other
    characters must mark them here (tests/test_names_hook.py holds the hooked path equal to the
    Reading's)."""
    return _hook_table(lex)


@lru_cache(maxsize=4)
def _hook_table(lex: Any) -> np.ndarray:
    d = data()
    single, compound, _ = _tables(lex)
    t = np.zeros(TABLE_SIZE, dtype=np.uint16)
    t[single > 0] |= 1
    t[compound] |= 2
    for k, (_, auto) in d.surnames.items():
        if auto and len(k) == 1 and compound[ord(k)]:
            t[ord(k)] |= 1  # a compound's first character that is a surname alone too (长 of 长孙)
        if auto and len(k) == 2 and compound[ord(k[0])]:
            t[ord(k[1])] |= 64
        if len(k) == 1 and k in d.cue_only:
            t[ord(k)] |= 256
    # (each rule one array operation: start-up builds this table, issue #18)
    t[_cps(w[0] for w in TITLES + ADDRESS_TITLES + SPEECH + JOIN + COUPLE)] |= 4
    t[_cps(w[-1] for w in (*BEFORE, *BYLINE_ROLES, "姓", *ADDRESS, *JOIN, *ROLE_END, *EDGE, *BYLINE, *LEFT_WEAK,
                           *QUOTE_END))] |= 8  # (the start of the text counts too: _segcore)
    # _role_before, named_by, address, _listed_with's word before
    t[_cps(w[-1] for w in (*BEFORE, "姓", *ADDRESS, *JOIN, *ROLE_END, *BYLINE, *QUOTE_END))] |= 512
    t[ord("姓")] |= 1024  # named_by: a bare surname after it is one, whatever follows
    t[_cps(w[0] for w in ADDRESS_TITLES)] |= 2048  # what a bare surname takes after it: 单先生,
    t[_cps(w[0] for w in SPEECH)] |= 4096  # or speech after an address (老单说)
    t[_cps(ADDRESS)] |= 8192
    common = _common()
    han = np.zeros(TABLE_SIZE, dtype=bool)
    for lo, hi in HAN_RANGES:
        han[lo:min(hi, TABLE_SIZE - 2) + 1] = True
    t[han] |= 48 | 128  # any Han character may be in a given name, but
    given = d.given.get
    inf = float("-inf")
    # ... transliteration and common unnamely ones
    t[_cps(TRANSLITERATION | {c for c in common if given(c, inf) < CHAR_MIN})] &= ~np.uint16(48 | 128)
    alone = min(GIVEN_MIN[1], LISTED_MIN)  # a given name of one character, or each of a listed person's
    if RARE < alone:
        t[han] &= ~np.uint16(128)
    t[_cps(c for c in common if given(c, inf) < alone)] &= ~np.uint16(128)
    t[_cps(NOT_GIVEN)] &= ~np.uint16(32)  # and these never start one
    t.setflags(write=False)
    return t


def _cps(chars: Any) -> np.ndarray:
    """The code points of ``chars`` (an iterable of characters), as an index array."""
    return np.array([ord(c) for c in chars], dtype=np.int64)


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


def _is_name(text: str, i: int, s: str, src, words: _Words, d: NameData, lex: Any) -> bool:
    j = i + len(s)
    if any(int(src[x]) & 0b11 == SRC_USER for x in range(i, j)):
        return False
    wa, wb = words.span(i)
    cue_only = s in d.cue_only  # 都, 要, 能, 过: a full name with a cue, nothing less
    if wa == i and wb - j == MAX_GIVEN and text[i:wb] in _persons() and not cue_only:
        # A person jieba lists (曾庆红), read by the lexicon without its surname reading; only a
        # full two-character given name: jieba tags many two-character words as names (燕麦, 华亭).
        return text[j] != text[j - 1] and _given_score(text[j:wb], d, each=LISTED_MIN) >= LISTED_MIN \
            and not _place(text, j, wb) and not _inside_name(text, i, words, d)  # not 蒙蒙亮
    if wa != i or wb != j:
        return False  # inside a word: 单位, 曾经, 区长
    if _inside_name(text, i, words, d):
        return False  # 宣华夫人, 黄佩华先生: the given name of the name before
    if s in JOIN and i > 0 and _han(text[i - 1]):
        return False  # 和 joining two names (单晓东和王丽), not the surname 和
    n = len(text)
    named_by = text.endswith("姓", 0, i)
    cue_before = named_by or _role_before(text, i, words)
    address = i > 0 and text[i - 1] in ADDRESS and (i < 2 or not _han(text[i - 2]))
    # The start of a sentence or clause (not an item after 、: lists of firms, places, books
    # too; an item counts when a neighbour is a name): only a very name-like given name.
    edge = i == 0 or (text[i - 1] in EDGE and text[i - 1] != "、") or (
        text.endswith(LEFT_WEAK, 0, i) and words.starts(i - 1) and (i < 2 or words.starts(i - 2) or not _han(text[i - 2])))
    if not (cue_before or address or edge or text.endswith(JOIN, 0, i)
            or any(text.startswith(AFTER + JOIN, k) for k in range(j, j + MAX_GIVEN + 1))):
        return False  # no cue anywhere near: most surname characters in running text
    for g in range(MAX_GIVEN, -1, -1):
        k = j + g
        if k > n or not all(_han(c) for c in text[j:k]):
            continue
        score = 0.0
        if g:
            if not _whole(j, k, words):
                continue  # the given name must be whole words of its own: not 单纯, not 曾经理
            score = _given_score(text[j:k], d)
            titled = cue_only and (_cue(text, TITLES, k, words) or _cue(text, SPEECH, k, words))
            if score < (EDGE_MIN if cue_only and not titled else GIVEN_MIN[g]):
                continue  # 都, 要, 过: very name-like, unless a title or speech follows (洗国华介绍)
            if cue_only and g == 1 and d.surnames.get(text[j], (0, False))[1] and titled:
                continue  # 问过林老师: a verb's 过 before 林老师, not Guō Lín
            if g == MAX_GIVEN and (text[j:k] in _vocabulary() or cue_only and _everyday(text[j:k], lex)):
                if cue_before and not named_by and not cue_only:
                    return True  # 名叫郭和平: a learner's word as a given name, after a cue
                continue  # 任仓库主管 "served as warehouse manager", 任天堂
        if g == 0 and cue_only:
            continue  # 那先生 "that man", 要说 "if one says"
        if _cue(text, TITLES if g and s not in POST_VERBS else ADDRESS_TITLES, k, words):
            return True
        if g and _cue(text, SPEECH, k, words):
            return True
        if g and not cue_only and (_cue(text, COUPLE, k, words) or _kin_after(text, k, words)):
            return True
        if g == 0 and (cue_before or address) and (k == n or not _han(text[k])):
            return True  # 姓单。 老单，
        if g == 0 and address and _cue(text, SPEECH, k, words):
            return True  # 老单说
        if g and cue_before and not named_by and (not cue_only or k == n or not _han(text[k])
                                                  or text.startswith(JOIN, k) or g == 2 and score >= EDGE_MIN
                                                  and _name_ends(text, k, words)):
            return True  # 记者曾小明, 航天员解晓明, 责任编辑：仇立新; 记者相文， (not 同学都挺纳闷)
        if g == 0 and named_by:
            return True  # 姓曾的
        if g and _kinds().get(text[j:k]) not in ("place", "org", "name") \
                and (k == n or text[k] not in TRANSLITERATION) and not _place(text, j, k) \
                and not (s in POST_VERBS and _cue(text, TITLES, k, words)):
            # Its place alone: 单晓红昨天去了杭州, 任立刚被任命; 查思雨、刘凯; not 任云南…校长,
            # 盖雷布伦森林, 莘庄站, 任宁远将军, 盖伦的
            if edge and not cue_only and not (g == 1 and (s in FOREIGN_START or s in d.rare and not _cue(
                    text, SUBJECT_NEXT, k, words))) and \
                    (score >= EDGE_MIN or _cue(text, SUBJECT_NEXT, k, words)
                     and _given_score(text[j:k], d, each=0.0) >= GIVEN_MIN[g]):  # (no unnamely character: 莘庄站就)
                return True
            if score >= EDGE_MIN and _listed_with(text, i, k, words, d, whole=cue_only):
                return True
    return False


def _kin_after(text: str, k: int, words: _Words) -> bool:
    """A joining word and a kin word follow (和妻子, 与儿子), each a whole word."""
    for w in JOIN[1:]:  # (not 、: a list of roles)
        if text.startswith(w, k) and _whole(k, k + len(w), words):
            return _cue(text, KIN, k + len(w), words)
    return False


def _inside_name(text: str, i: int, words: _Words, d: NameData) -> bool:
    """The character before ``text[i]`` is a word of one character that may start a name or hold a
    given name (宣华夫人, 黄佩华先生, 翁覃溪先生): ``text[i]`` is a given name's, not a surname."""
    if i == 0 or not words.starts(i - 1):
        return False
    p = text[i - 1]
    if text[i] in GIVEN_AS_SURNAME or p in NOT_BEFORE_NAME or not _han(p) or _role_before(text, i, words):
        return False  # (所长召建军: a role's last character)
    return d.surnames.get(p, (0, False))[1] or d.given.get(p, float("-inf")) >= EDGE_MIN


def _place(text: str, j: int, k: int) -> bool:
    """The given name ``text[j:k]`` is the rest of a place's or facility's name: a place's last
    character follows it (莘庄站, 徐闵线) or ends it (金垭镇, 莘庄)."""
    if k < len(text) and text[k] in PLACE_END:
        return True
    return text[j:k] in CLAN_PLACE or (k - j == MAX_GIVEN and text[k - 1] in PLACE_SUFFIX)


def _everyday(word: str, lex: Any) -> bool:
    """A word of the lexicon that running text uses often (妹子, 明亮): no given name for a
    surname that is an everyday word itself (要妹子回答)."""
    score = lex.word_score(word)
    return score is not None and score >= EVERYDAY


def _role_before(text: str, i: int, words: _Words) -> bool:
    """A role or post ends right before ``text[i]`` (记者, 副局长, 航天员, 作曲家), a by-line's
    role and its colon or slash (责任编辑：, 文／), or a quotation that ends a sentence (…，”)."""
    if i > 1 and text[i - 1] in QUOTE_END and text[i - 2] in "，。！？…,.!?":
        return True  # “别急，”仇大山把烟掐灭: who spoke
    t = i - 1 if i > 0 and text[i - 1] in BYLINE else i
    if text.endswith(BEFORE, 0, t) or (t < i and text.endswith(BYLINE_ROLES, 0, t)):
        return True
    if t < 3 or text[t - 1] not in ROLE_END or not words.starts(t):
        return False
    a, _ = words.span(t - 1)
    return t - a >= 3  # a word of three or more characters ending so (not 大家, 国家, 员工)


def _name_ends(text: str, k: int, words: _Words) -> bool:
    """The name ends before ``text[k]``: a function word or a word of two or more characters follows
    (记者燕晓梅在现场; not 行长黑田东彦, a name of four)."""
    return k == len(text) or text[k] in NOT_GIVEN or words.span(k)[1] - k >= 2


def _list_item(text: str, i: int, k: int) -> bool:
    """``text[i:k]`` stands alone between the list's joining words and punctuation (种明、陈思琪)."""
    return (i == 0 or text[i - 1] in EDGE or text.endswith(JOIN, 0, i) or text.endswith(LEFT_WEAK, 0, i)) \
        and (k == len(text) or text[k] in EDGE or text.startswith(JOIN, k))


def _listed_with(text: str, i: int, k: int, words: _Words, d: NameData, whole: bool = False) -> bool:
    """``text[i:k]`` is an item of a list whose next or previous item is a name too: 查思雨、刘凯;
    种明、陈思琪、缪峰; 张立和覃思敏 (the joining word a word of its own: not 和解). ``whole``: the
    item must be the name alone (for a surname that is an everyday word: 相海、赵成)."""
    if whole and not _list_item(text, i, k):
        return False
    for w in JOIN:
        if text.startswith(w, k) and _whole(k, k + len(w), words) and _name_from(text, k + len(w), words, d):
            return True
        if text.endswith(w, 0, i) and _whole(i - len(w), i, words) and _name_to(text, i - len(w), words, d):
            return True
    return False


def _name_from(text: str, a: int, words: _Words, d: NameData) -> bool:
    """A surname and a given name of one or two characters start at ``text[a]``, as words (a
    neighbour in a list: no less likely in names than in text, 马强 as 立国)."""
    s = d.surname_at(text, a, auto_only=False)
    if s is None or not words.starts(a):
        return False
    j = a + len(s)
    for g in (1, MAX_GIVEN):
        b = j + g
        if b <= len(text) and all(_han(c) for c in text[j:b]) and words.starts(b):
            if _given_score(text[j:b], d) >= GIVEN_MIN[MAX_GIVEN] and (
                    words.starts(j) or not _inner_start(a, b, words)):
                return True  # 刘凯 (two words), 王丽华 (one)
    return False


def _inner_start(a: int, b: int, words: _Words) -> bool:
    return any(words.starts(x) for x in range(a + 1, b))


def _name_to(text: str, b: int, words: _Words, d: NameData) -> bool:
    """A name (as :func:`_name_from`) ends right before ``text[b]``."""
    for length in range(2, 2 + MAX_GIVEN + 1):
        a = b - length
        if a < 0 or not words.starts(a):
            continue
        s = d.surname_at(text, a, auto_only=False)
        if s is not None and 1 <= b - a - len(s) <= MAX_GIVEN and _name_from(text, a, words, d) \
                and words.starts(b):
            return True
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


def _given_score(given: str, d: NameData, each: float = CHAR_MIN) -> float:
    """How much ``given`` reads like a Chinese given name: the mean of its characters' scores
    (jieba's person names against running text; a rare character, outside the 3,500 common
    ones, counts RARE); -inf for a function word first, a character that spells foreign names,
    a common character given names shun, or in a two-character name one below ``each``."""
    if given[0] in NOT_GIVEN or any(c in TRANSLITERATION for c in given):
        return float("-inf")
    common = _common()
    scores = [d.given.get(c, float("-inf")) if c in common else RARE for c in given]
    if len(scores) > 1 and min(scores) < each:
        return float("-inf")
    return sum(scores) / len(scores)


@lru_cache(maxsize=1)
def _vocabulary() -> frozenset[str]:
    """Two-character words of HSK 3.0 (data/hsk_words.tsv): everyday vocabulary, rarely a given name."""
    text = read_text("hsk_words.tsv")
    return frozenset(w for ln in text.splitlines() if ln and not ln.startswith("#")
                     and len(w := ln.split("\t")[0]) == MAX_GIVEN)


@lru_cache(maxsize=1)
def _kinds() -> dict[str, str]:
    from .orthography import kinds  # common_names.tsv: jieba's proper nouns, filtered

    return kinds()


@lru_cache(maxsize=1)
def _common() -> frozenset[str]:
    text = read_text("common_chars.txt")
    return frozenset(ln for ln in text.splitlines() if ln and not ln.startswith("#"))


def _han(ch: str) -> bool:
    cp = ord(ch)
    return any(lo <= cp <= hi for lo, hi in HAN_RANGES)


__all__ = ["MODES", "apply", "auto_syllables", "data", "declared", "detect", "hook_table", "surname_syllables"]
