"""Selection policies (pinzhu.select): which words annotate writes after."""

from __future__ import annotations

import pytest

import pinzhu
from pinzhu.render import AnnotateOptions, plan
from pinzhu.select import BEYOND, hsk_level, hsk_words, parse_select

NEWS = "活动请示递交到上级主管部门。这与寻根节主题高度一致。"


def chosen(text: str, **opts: object) -> list[str]:
    p = plan(text, AnnotateOptions(**opts))
    return [text[u.start:u.end] for u in p.units]


def test_all_takes_every_han_word():
    assert chosen("5月23日在随州举行", select="all") == ["月", "日", "在", "随州", "举行"]


def test_polyphones_takes_words_holding_a_polyphone():
    assert pinzhu.default_lexicon().polyphone[ord("行")]
    assert not pinzhu.default_lexicon().polyphone[ord("随")]
    assert chosen("我们去银行，在随州", select="polyphones") == ["银行"]


def test_level_uses_hsk_levels():
    # Official GF0025-2021 levels: 学生 1, 活动 2, 经济 3, 主题 4, 高度 5, 递交 7 (the 7–9 band).
    words = hsk_words()
    assert (words["学生"], words["活动"], words["经济"], words["主题"], words["高度"], words["递交"]) == (1, 2, 3, 4, 5, 7)
    text = "学生活动经济主题高度递交"
    assert chosen(text, select="level", level=3) == ["主题", "高度", "递交"]
    assert chosen(text, select="level", level=4) == ["高度", "递交"]
    assert chosen(text, select="level", level=7) == []


def test_level_of_an_unlisted_word_is_its_hardest_piece():
    assert "世界华人" not in hsk_words()
    assert hsk_level("世界华人") == max(hsk_level("世界"), hsk_level("华人"))
    assert hsk_level("乙巳") == BEYOND  # 巳 is in no HSK list


def test_level_by_frequency_rank():
    # 的 is among the most frequent entries; 乙巳 (a year name) is not among the first 2,000.
    assert chosen("的银行乙巳", select="level", top=2000) == ["乙巳"]
    assert chosen("的银行乙巳", select="level", top=10**7) == []


def test_rare_is_outside_the_3500_common_characters():
    # 森 is character 2569 of 通用规范汉字表 level 1; 犇 is level 2/3; 們 reads as 们 (common).
    assert chosen("三木成森，三牛成犇，我們", select="rare") == ["犇"]


def test_words_policy_cuts_a_longer_word():
    assert chosen(NEWS, select="words", words=["主管", "寻根"]) == ["主管", "寻根"]
    assert pinzhu.annotate("上级主管部门", select="words", words=["主管"]) == "上级主管(zhǔguǎn)部门"


def test_words_policy_matches_traditional_text_by_simplified_form():
    assert chosen("銀行", select="words", words=["银行"]) == ["銀行"]


def test_policies_combine_as_a_union():
    rare = set(chosen(NEWS + "犇", select="rare"))
    poly = set(chosen(NEWS + "犇", select="polyphones"))
    assert rare and poly and not rare <= poly
    assert set(chosen(NEWS + "犇", select="rare+polyphones")) == rare | poly
    assert chosen(NEWS, select=("rare", "polyphones")) == chosen(NEWS, select="rare+polyphones")
    assert parse_select("rare + polyphones") == ("rare", "polyphones")


def test_unknown_policy_is_an_error():
    with pytest.raises(ValueError, match="unknown selection policy"):
        AnnotateOptions(select="rare+nope")


def test_sample_reproduces_byte_for_byte():
    a = pinzhu.annotate(NEWS, select="sample", fraction=0.3, seed=7)
    assert a == pinzhu.annotate(NEWS, select="sample", fraction=0.3, seed=7)
    # Pinned: PCG64's raw stream is fixed across NumPy versions, so this string never changes.
    assert a == "活动请示递交到(dào)上级(shàngjí)主管部门。这(zhè)与寻根节主题高度一致(gāodùyīzhì)。"
    assert a != pinzhu.annotate(NEWS, select="sample", fraction=0.3, seed=8)


def test_sample_takes_the_asked_fraction():
    n = len(chosen(NEWS, select="all"))
    assert len(chosen(NEWS, select="sample", fraction=0.5, seed=1)) == round(0.5 * n)
    assert chosen(NEWS, select="sample", fraction=0.0) == []
    assert len(chosen(NEWS, select="sample", fraction=1.0)) == n


def test_user_dict_words_are_units_for_selection():
    ud = pinzhu.UserDict.from_mapping({"寻根节": "xun2 gen1 jie2"})
    p = plan("寻根节", AnnotateOptions(select="all"), pinzhu.Config(user_dict=ud))
    assert [(u.start, u.end) for u in p.units] == [(0, 3)]
