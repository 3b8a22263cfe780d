"""GB/T 16159-2012 details (issue #17): 2+2 idioms hyphenated, proper-noun capitals consistent.
Examples are the standard's own where it gives them (6.1.9 idioms; 6.3.2 names that have become
proper nouns), and the issue's (齐聚一堂, 炎帝 and 神农)."""

import pytest

import pinzhu
from pinzhu import orthography
from pinzhu.styles import marks


def written(word):
    return orthography.write(word, tuple(pinzhu.reading(word).syllables()), marks)


@pytest.mark.parametrize("word,want", [
    ("风平浪静", "fēngpíng-làngjìng"),   # 6.1.9: four-character idioms that read as two halves
    ("光明磊落", "guāngmíng-lěiluò"),
    ("层出不穷", "céngchū-bùqióng"),
    ("齐聚一堂", "qíjù-yītáng"),
    ("爱莫能助", "àimònéngzhù"),         # ... and those that do not: joined
    ("不亦乐乎", "bùyìlèhū"),
    ("一衣带水", "yīyīdàishuǐ"),
])
def test_idioms(word, want):
    assert written(word) == want


@pytest.mark.parametrize("word,want", [
    ("孔子", "Kǒngzǐ"), ("孟尝君", "Mèngchángjūn"), ("西施", "Xīshī"),  # 专名化的称呼: joined, capital
    ("炎帝", "Yándì"), ("神农", "Shénnóng"), ("黄帝", "Huángdì"),
    ("毛泽东", "Máo Zédōng"), ("诸葛亮", "Zhūgě Liàng"),               # surname and given name apart
])
def test_names(word, want):
    assert written(word) == want


def test_capitals_are_consistent_in_running_text():
    out = pinzhu.annotate("世界华人炎帝故里寻根节，炎帝神农齐聚一堂", orthography=True)
    assert "炎帝(Yándì)神农(Shénnóng)" in out and "齐聚一堂(qíjù-yītáng)" in out
    assert pinzhu.strip(out) == "世界华人炎帝故里寻根节，炎帝神农齐聚一堂"


def test_two_plus_two_ignores_lexicon_fragments():
    assert pinzhu.default_lexicon().word_score("平浪") is not None  # a fragment the lexicon lists
    assert orthography.two_plus_two("风平浪静")
