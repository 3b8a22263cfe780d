"""The round-trip contract: strip(annotate(x)) == x for every string x (docs/strip.md).

Until ``pinzhu.annotate`` lands, ``insert`` below plays annotate by the same rules: annotations
only after Han characters, from pinzhu's readings, in any of the written forms annotate may use
(marks, numbers, toneless lowercase; half or full width; capitals and apostrophes with tones;
per character or per word), plus the guard — wherever x already has a strippable annotation,
an annotation goes in front of it.
"""

from __future__ import annotations

import os
import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import pinzhu
from pinzhu.parse import HAN, guard_positions
from pinzhu.syllables import to_marks, to_plain

import re

N_CASES = int(os.environ.get("PINZHU_ROUNDTRIP_CASES", "10000"))
_HAN_RE = re.compile(f"[{HAN}]")

NEWS = ("5月23日，乙巳年世界华人炎帝故里寻根节在随州举行。银行行长说，长大以后要为家乡的发展多干实事，"
        "还得把重复的工作做好。炎帝神農氏發展尋根節，西安长安重庆了着的地得一不哪儿女儿绿林犛牛嗯呣")
PIECES = [
    # Already-annotated text, name glosses, and brackets that are not pinyin.
    "行(xíng)", "行(xíng)(xíng)", "西安(Xī'ān)", "西安(xian)", "湖北(Hubei)", "的(de)", "刘诗(shī)诗",
    "長（cháng）", "行(hang2)", "哪儿(nǎr)", "公司(CEO)", "成立(2009)", "参见(see p. 3)", "他(He)说",
    "银行(yínxíng)", "中国(zhōng)", "(xíng)", "（háng）", "行 (xíng)", "行(", ")", "（", "）", "(x", "行(xíng",
    # Pinyin-like words, Latin, digits, emoji, whitespace.
    "xíng", "hang2", "Xī'ān", "de", "lü", "lu:4", "Apple", "iPhone 15", "25°C", "😀", "👩‍💻", " ", "\n", "\t",
    "\u3000", "é", "ń", "'", "-", "2", "a",
    # Every style real pages use (issue #20), and their pieces: spaced, sentence readings, gaps
    # (zero-width, variation selector, footnote mark, closing quote), doubled, square, glued,
    # zhuyin, gloss mixes, script g; and #13's cases (surname glosses, one-letter erhua).
    "学习 (xuéxí) ", " (xuéxí) 新", "我在听音乐。(wo3 zai4 ting1 yin1 yue4)", "你好吗？(Nǐ hǎo ma?)",
    "(Wǒ hěn hǎo)", "我很好。", "蒹葭①(jiān jiā)", "随州\u200b(suízhōu)", "發(fā)展(fāzhǎn)", "老师[lǎoshī]",
    "戏谑xuè", "xuè", "老师(ㄌㄠˇ ㄕ)", "温习(wēnxí, review)", "朋友(pénɡyou)", "葛\U000E0100(gé)",
    "\U000E0100", "\u200b", "阿儿(ār)", "我姓李(Li)", "“重量”(zhòng liàng)", "①", "”", "。", "？", "[", "]",
    "【", "】", "，", "行(xíng, háng)",
]
han = st.sampled_from(sorted(set(NEWS) - set("，。")))
piece = st.one_of(han, st.text(st.sampled_from(NEWS), min_size=1, max_size=8), st.sampled_from(PIECES),
                  st.text(max_size=3))
texts = st.lists(piece, max_size=25).map("".join)


def _written(syls: list[str], tone: str, caps: bool, spaced: bool) -> str:
    if tone == "numbers":
        parts = syls
    elif tone == "marks":
        parts = [to_marks(s) for s in syls]
    else:
        parts = [to_plain(s) for s in syls]
    sep = " " if spaced else ""
    out = parts[0]
    for p in parts[1:]:
        out += (sep or ("'" if caps and p[:1] in "aoeāáǎàōóǒòēéěè" else "")) + p
    # Capitals only with tones: a capitalised toneless gloss is a name, which strip keeps (and all
    # neutral syllables in marks have no tone mark either: annotate writes those lowercase too).
    neutral = tone == "marks" and all(s.endswith("5") for s in syls)
    return out[:1].upper() + out[1:] if caps and tone != "none" and not neutral else out


def insert(x: str, rnd: random.Random) -> str:
    """Annotate a random selection of x's Han characters or words, with the guard."""
    tone = rnd.choice(["marks", "numbers", "none"])
    half = rnd.random() < 0.5
    caps = rnd.random() < 0.3
    spaced = rnd.random() < 0.3
    by_word = rnd.random() < 0.5
    share = rnd.choice([0.0, 0.2, 0.5, 1.0])
    syl = pinzhu.pinyin(x, tone="numbers")
    # Units: (start, end) of a word or character with a reading for every character.
    units, pos = [], 0
    for w, _ in (pinzhu.words(x) if by_word else [(c, None) for c in x]):
        if all(syl[i] for i in range(pos, pos + len(w))) and _HAN_RE.match(w or " "):
            units.append((pos, pos + len(w)))
        pos += len(w)
    guards = set(guard_positions(x))
    chosen = {e: s for s, e in units if e in guards or rnd.random() < share}
    out, pos = [], 0
    for end in sorted(chosen):
        start = chosen[end]
        text = _written([syl[i] for i in range(start, end)], tone, caps, spaced)
        out += [x[pos:end], "(" if half else "（", text, ")" if half else "）"]
        pos = end
    out.append(x[pos:])
    return "".join(out)


REAL = hasattr(pinzhu, "annotate")


def annotate(x: str, rnd: random.Random) -> str:
    """pinzhu.annotate with a random policy, format and bracket width once it exists; else insert."""
    if not REAL:
        return insert(x, rnd)
    return pinzhu.annotate(
        x, select=rnd.choice(["all", "polyphones", "rare", "sample", "rare+polyphones"]), format="inline",
        brackets=rnd.choice(["half", "full"]), tone=rnd.choice(["marks", "numbers", "none"]),
        orthography=rnd.random() < 0.5, seed=rnd.randrange(1000), fraction=rnd.choice([0.2, 0.5, 1.0]),
        config=rnd.choice(CONFIGS))


# citation (default), textbook 一/不 and spoken tones: each writes other syllables, all must strip
CONFIGS = [None, pinzhu.Config(yi_bu=True), pinzhu.Config(spoken=True)]


SETTINGS = dict(derandomize=True, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


@settings(max_examples=N_CASES, **SETTINGS)
@given(x=texts, seed=st.integers(0, 2**32 - 1))
def test_strip_undoes_annotate(x, seed):
    y = annotate(x, random.Random(seed))
    assert pinzhu.strip(y) == x, (x, y)


@settings(max_examples=N_CASES // 5, **SETTINGS)
@given(x=texts, seed=st.integers(0, 2**32 - 1))
def test_strip_undoes_insert(x, seed):
    # Forms annotate may not write (spaces between syllables, any mix), by the same rules.
    y = insert(x, random.Random(seed))
    assert pinzhu.strip(y) == x, (x, y)


def test_guard_examples():
    rnd = random.Random(0)
    for x in ["行(xíng)", "西安(Xī'ān)是", "的(de)(de)", "長(cháng)", "哪儿(nǎr)"]:
        y = insert(x, rnd)
        assert y != x and pinzhu.strip(y) == x


STYLED = ["学习 (xuéxí) 新课文 (kèwén)", "我在听音乐。(wo3 zai4 ting1 yin1 yue4)",
          "你好吗？(Nǐ hǎo ma?)我很好。(Wǒ hěn hǎo.)", "你好吗？(Nǐ hǎo ma)我很好。(Wǒ hěn hǎo)",
          "蒹葭①(jiān jiā)", "随州\u200b(suízhōu)", "發(fā)展(fāzhǎn)", "老师[lǎoshī]", "戏谑xuè、恣睢zìsuī",
          "老师(ㄌㄠˇ ㄕ)", "温习(wēnxí, review)", "“重量”(zhòng liàng)", "葛\U000E0100(gé)",
          "春眠不觉晓，处处闻啼鸟（chūn mián bù jué xiǎo，chù chù wén tí niǎo）"]


def test_every_style_is_guarded():
    # Text that already carries pinyin in each style: annotate guards it, strip gives it back.
    for x in STYLED:
        for select in ("words", "all", "polyphones"):
            for cfg in CONFIGS:
                y = pinzhu.annotate(x, select=select, config=cfg)
                assert y != x and pinzhu.strip(y) == x, (x, y)
                assert pinzhu.strip(y, names=True, glosses=True) == x, (x, y)


def test_every_reading_in_every_form_is_strippable():
    # Every character reading annotate could write, in each form, is found after its character.
    lex = pinzhu.default_lexicon()
    sample = NEWS + "".join(chr(c) for c in range(0x4E00, 0x9FA5, 37))
    for ch in sorted(set(sample) - set("，。")):
        for s in lex.readings(ch, rare=True):
            for tone in ("marks", "numbers", "none"):
                for caps in (False, True):
                    w = _written([s], tone, caps, False)
                    assert pinzhu.strip(f"{ch}({w})") == ch, (ch, w)
