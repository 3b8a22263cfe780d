"""All readings, ranked in context (issue #17): pinzhu.alternatives and the heteronym view."""

import pytest

import pinzhu
from pinzhu.ranking import CURRENT_LOGP, is_rare


def test_one_entry_per_character_and_none_for_non_han():
    alts = pinzhu.alternatives("银行A，行")
    assert len(alts) == 5 and alts[2] is None and alts[3] is None


@pytest.mark.parametrize("text,i,first", [
    ("银行", 1, "hang2"), ("行走", 0, "xing2"), ("长大", 0, "zhang3"), ("很长", 1, "chang2"),
    ("单先生", 0, "shan4"),  # the names stage decided
])
def test_the_reading_in_context_comes_first(text, i, first):
    alts = pinzhu.alternatives(text, tone="numbers")[i]
    assert alts[0].syllable == first == pinzhu.pinyin(text, tone="numbers")[i]
    assert [a.prob for a in alts] == sorted((a.prob for a in alts), reverse=True)
    assert sum(a.prob for a in alts) == pytest.approx(1.0, abs=1e-3)


def test_every_reading_is_listed():
    got = {a.syllable for a in pinzhu.alternatives("行", tone="numbers")[0]}
    assert got == set(pinzhu.readings("行", tone="numbers", rare=True))


def test_the_model_gives_a_distribution_where_it_decides():
    # 长 alone in a sentence no word decides: the model's probabilities, not 1.0 and 0.0.
    r = pinzhu.reading("他的头发很长")
    alts = pinzhu.alternatives("他的头发很长", tone="numbers")[5]
    assert alts[0].prob == pytest.approx(float(r.prob[5]), abs=1e-3) and 0 < alts[1].prob < alts[0].prob


@pytest.mark.parametrize("ch,syllable,rare", [
    ("受", "dao4", True), ("王", "yu4", True), ("王", "wang4", True),
    ("的", "di4", False),   # 目的: a small share, but a current word
    ("了", "liao3", False),  # 了解
    ("单", "shan4", False),  # a surname reading is current
    ("行", "hang2", False),
])
def test_rare_flags_readings_modern_use_dropped(ch, syllable, rare):
    share = dict(pinzhu.default_lexicon().reading_shares(ch))[syllable]
    assert is_rare(pinzhu.default_lexicon(), ch, syllable, share) is rare
    assert CURRENT_LOGP < 0


def test_heteronym_view_drops_rare_readings_unless_asked():
    assert pinzhu.heteronyms("受", tone="numbers") == [["shou4"]]
    assert pinzhu.heteronyms("受", tone="numbers", rare=True) == [["shou4", "dao4"]]
    assert pinzhu.heteronyms("中心a") == [["zhōng", "zhòng"], ["xīn"], None]


def test_options_apply():
    assert pinzhu.alternatives("单先生", tone="numbers", person_names="off")[0][0].syllable == "dan1"
    assert pinzhu.alternatives("行", config=pinzhu.Config(tone="zhuyin"))[0][0].syllable == "ㄒㄧㄥˊ"
