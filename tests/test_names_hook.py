"""The names stage's fast paths (issue #18): the C check that decides where "auto" detection
runs (pinzhu.names.hook_table, _segcore) never hides a name the full detection finds."""

import pytest
from hypothesis import example, given, settings, strategies as st

import pinzhu
from pinzhu import names
from pinzhu.read import read
from pinzhu.segment import _segcore

# Surnames (those with a reading of their own, compound ones, everyday ones), given-name
# characters, titles, speech verbs, cues before names, address prefixes, persons jieba lists,
# words holding surnames, punctuation and Latin; lists, quotations, by-lines, roles, words before
# a clause's subject, given names of two words, a rare character, a place; 某, words after a subject,
# a place's last character, a post after 任, a transliteration, the given name of a name before.
ALPHABET = list("单曾区仇查解朴盖万俟尉迟长孙诸葛欧阳王李张毛泽东庆红晓东田芳小明英燕") + \
    ["先生", "老师", "小姐", "说", "表示", "记者", "姓", "名叫", "老", "小", "阿", "同学", "总", "的", "是"] + \
    list("位经长纯理人家，。 ab1") + ["曾庆红", "单位", "区长", "查尔斯", "长孙无忌", "万俟卨"] + \
    ["、", "和", "”", "：", "／", "航天员", "责任编辑", "由", "国栋", "立新", "思雨", "昨天", "去了", "主管", "脲", "云南", "都", "过", "种", "要", "林老师", "春林"] + \
    ["某", "而", "被", "在", "秘书", "站", "庄", "镇", "村", "桥镇", "繁", "召", "荫", "妻子", "夫妇", "与", "妹子", "任", "将军", "盖", "伦", "佩华", "燕", "洗", "三人"]
TEXTS = st.lists(st.sampled_from(ALPHABET), max_size=14).map("".join)


@pytest.mark.skipif(_segcore is None, reason="C extension not built")
@settings(max_examples=300, deadline=None)
@given(TEXTS, st.booleans())
@example("姓单曾", False)  # named so, whatever follows (a bare surname before a Han character)
@example("记者单田芳说", False)
@example("老单说", False)  # after a bare surname, a title it takes, or speech after an address
@example("单先生，", False)
def test_the_c_check_never_hides_a_name(text, traditional):
    """Every name the detection finds starts where the engine's check would call its hook."""
    from pinzhu.segment import hook_positions

    r = read(text, traditional=traditional)
    where = set(hook_positions(names.hook_table(r.lexicon), r.norm, r.src))
    assert {i for i, _ in names.detect(r)} <= where


@pytest.mark.skipif(_segcore is None, reason="C extension not built")
@settings(max_examples=150, deadline=None)
@given(st.lists(TEXTS, max_size=5), st.sampled_from(["auto", "off"]))
def test_the_engines_hook_reads_as_the_names_stage(texts, mode):
    """pinyin()/pinyin_many() run the names stage as the engine's hook; the Reading path runs
    names.apply. Same syllables."""
    want = [pinzhu.reading(t, person_names=mode).syllables() for t in texts]
    assert [pinzhu.pinyin(t, tone="numbers", person_names=mode) for t in texts] == want
    assert pinzhu.pinyin_many(texts, tone="numbers", person_names=mode) == want
