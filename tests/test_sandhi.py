"""Spoken mode (issue #3, item 4): 一/不, third tone, neutral tones, erhua — and citation untouched."""

import doctest
import importlib.util
from pathlib import Path

import numpy as np
import pytest

import pinzhu
from pinzhu import Config, sandhi
from pinzhu.read import read

SPOKEN = Config(spoken=True, model=False)
CITATION = Config(model=False)
NUM = SPOKEN.but(tone="numbers")


@pytest.mark.parametrize("text,spoken,citation", [
    ("一样", "yí yàng", "yī yàng"),
    ("一天", "yì tiān", "yī tiān"),
    ("不对", "bú duì", "bù duì"),
    ("你好", "ní hǎo", "nǐ hǎo"),
    ("展览馆", "zhán lán guǎn", "zhǎn lǎn guǎn"),
])
def test_textbook_examples(text, spoken, citation):
    assert " ".join(pinzhu.pinyin(text, config=SPOKEN)) == spoken
    assert " ".join(pinzhu.pinyin(text, config=CITATION)) == citation
    assert " ".join(pinzhu.pinyin(text)) == citation  # the default is citation


YI_BU = Config(yi_bu=True, model=False, tone="numbers")


@pytest.mark.parametrize("text,yi_bu", [
    ("一样", "yi2 yang4"),
    ("一天", "yi4 tian1"),
    ("不对", "bu2 dui4"),
    ("第一", "di4 yi1"),
    ("看一看", "kan4 yi5 kan4"),
    ("你好", "ni3 hao3"),            # third tones stay cited
    ("展览馆", "zhan3 lan3 guan3"),
    ("我的朋友", "wo3 de5 peng2 you5"),  # lexical neutral tones as in citation mode
    ("一点儿", "yi4 dian3 er5"),     # no erhua merge
])
def test_yi_bu_only_changes_yi_and_bu(text, yi_bu):
    assert " ".join(pinzhu.pinyin(text, config=YI_BU)) == yi_bu
    citation = pinzhu.pinyin(text, config=CITATION.but(tone="numbers"))
    changed = [c for c, a, b in zip(text, yi_bu.split(), citation) if a != b]
    assert set(changed) <= {"一", "不"}
    # spoken mode includes the same 一/不 changes, whatever yi_bu says
    assert pinzhu.pinyin(text, config=NUM) == pinzhu.pinyin(text, config=NUM.but(yi_bu=True))


@pytest.mark.parametrize("text,expected", [
    ("一个", ["yi2", "ge4"]),           # before a 4th tone
    ("一般", ["yi4", "ban1"]),          # before 1st
    ("一起", ["yi4", "qi3"]),           # before 3rd
    ("第一", ["di4", "yi1"]),           # ordinal
    ("统一", ["tong3", "yi1"]),         # last in its word
    ("一九九八", ["yi1", "jiu2", "jiu3", "ba1"]),  # digits read one by one
    ("一月", ["yi1", "yue4"]),          # a date
    ("十一", ["shi2", "yi1"]),
    ("看一看", ["kan4", "yi5", "kan4"]),  # between a doubled verb
    ("二〇一〇年", ["er4", "ling2", "yi1", "ling2", "nian2"]),  # between two digits: not V一V
    ("零一零", ["ling2", "yi1", "ling2"]),
])
def test_yi(text, expected):
    assert pinzhu.pinyin(text, config=NUM) == expected


@pytest.mark.parametrize("text,expected", [
    ("不要", ["bu2", "yao4"]),
    ("不好", ["bu4", "hao3"]),
    ("是不是", ["shi4", "bu5", "shi4"]),
    ("看不见", ["kan4", "bu2", "jian4"]),   # read speech says bú here (docs/spoken.md)
])
def test_bu(text, expected):
    assert pinzhu.pinyin(text, config=NUM) == expected


def test_third_tone_follows_prosodic_structure():
    assert pinzhu.pinyin("我很好", config=NUM) == ["wo2", "hen2", "hao3"]      # one foot, left to right
    ctx = sandhi._context("展览馆")
    assert sandhi.pieces(ctx, 0, 3) == [(0, 2), (2, 3)]                       # 展览|馆
    # Two polysyllabic words meet at a foot boundary: 美好|理想 keeps 好's 3rd tone.
    assert pinzhu.pinyin("美好理想", config=NUM)[:2] == ["mei2", "hao3"]
    # Punctuation ends a foot.
    assert pinzhu.pinyin("好，好", config=NUM) == ["hao3", None, "hao3"]


def test_neutral_particles_and_suffixes():
    assert pinzhu.pinyin("高兴地说了", config=NUM) == ["gao1", "xing4", "de5", "shuo1", "le5"]
    assert pinzhu.pinyin("在地上", config=NUM)[1] == "di4"          # the noun 地
    assert pinzhu.pinyin("他看着我", config=NUM)[2] == "zhe5"
    assert pinzhu.pinyin("睡不着", config=NUM)[2] != "zhe5"          # a complement, not aspect
    assert pinzhu.pinyin("桌子", config=NUM) == ["zhuo1", "zi5"]
    assert pinzhu.pinyin("子女", config=NUM)[0].startswith("zi") and pinzhu.pinyin("子女", config=NUM)[0] != "zi5"
    assert pinzhu.pinyin("头发", config=NUM)[0] == "tou2"
    assert pinzhu.pinyin("妈妈", config=NUM) == ["ma1", "ma5"]
    assert pinzhu.pinyin("站起来", config=NUM)[2] == "lai5"


def test_erhua_keeps_one_entry_per_character():
    assert pinzhu.pinyin("一点儿", config=SPOKEN) == ["yì", "diǎnr", ""]
    assert pinzhu.pinyin("一点儿", config=NUM) == ["yi4", "dianr3", ""]
    assert pinzhu.pinyin("一点儿", tone="none", config=SPOKEN) == ["yi", "dianr", ""]
    assert "".join(pinzhu.pinyin("玩儿", config=SPOKEN)) == "wánr"
    assert pinzhu.pinyin("门儿", config=NUM) == ["menr2", ""]       # 儿 alone after a syllable
    assert pinzhu.words("一点儿水", config=NUM)[0] == ("一点儿", "yi4dianr3")


@pytest.mark.parametrize("text", ["女儿", "儿子", "婴儿"])
def test_erhua_not_in_words_where_er_is_a_syllable(text):
    syls = pinzhu.pinyin(text, config=NUM)
    assert syls[text.index("儿")] == "er2"


def test_citation_reading_untouched_and_apply_spoken_pure():
    r = read("一点儿不对，你好", use_model=False)
    before = r.syl.copy()
    s = sandhi.apply_spoken(r)
    assert np.array_equal(r.syl, before)
    assert s is not r and s.lexicon is not r.lexicon
    assert sandhi.apply_spoken(s).syllables() == s.syllables()      # idempotent
    # Ids of the citation table keep their meaning in the extended one.
    assert s.lexicon.syllables[: len(r.lexicon.syllables)] == r.lexicon.syllables
    assert pinzhu.reading("一点儿不对", config=CITATION).lexicon is r.lexicon


def test_non_han_and_empty_text():
    assert pinzhu.pinyin("", config=SPOKEN) == []
    assert pinzhu.pinyin("a一b", config=NUM) == [None, "yi1", None]  # 一 alone: a number
    assert len(pinzhu.pinyin("Hi，一点儿！", config=SPOKEN)) == len("Hi，一点儿！")


def test_traditional_characters():
    assert pinzhu.pinyin("一點兒", config=NUM) == ["yi4", "dianr3", ""]


def test_rule_docstring_examples():
    result = doctest.testmod(sandhi)
    assert result.attempted > 10 and result.failed == 0


def test_benchmark_scorer_splits_erhua():
    path = Path(__file__).resolve().parent.parent / "benchmarks" / "spoken_eval.py"
    spec = importlib.util.spec_from_file_location("spoken_eval", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    assert mod.split_erhua(["yi4", "dianr3", ""]) == ["yi4", "dian3", "er5"]
    assert mod.split_erhua(["nv3", "er2"]) == ["nv3", "er2"]
    assert [mod.normalize(s) for s in ("de0", "lü4", "ma", None)] == ["de5", "lv4", "ma5", ""]
    assert mod.score([["a1", "b2"]], [["a1", "b3"]]) == {"n": 2, "ser": 0.5, "ser_base": 0.0}
