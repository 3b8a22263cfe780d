"""strip's scan (pinzhu._parsecore, and its twin parse.scan_py): the cuts it makes are the ones
find_annotations gives, and the C scanner says what its pure-Python twin says, on texts of every
shape the parser has a rule for."""

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pinzhu import parse
from pinzhu.parse import cut, find_annotations, scan_py, stripped

scanner = parse._scanner()
needs_c = pytest.mark.skipif(scanner is None, reason="C extension not built")


def by_annotations(text):
    """strip with its defaults, the long way: every annotation made, then filtered."""
    return cut(text, [(a.cut_start, a.cut_end) for a in find_annotations(text)])


# Pieces of text for every rule: Han (with 儿, traditional, astral, 〇), pinyin in marks, numbers
# and none, capitalised glosses and neutral syllables, English and numbers in brackets, zhuyin,
# every bracket, spacing, zero-width characters, variation selectors, closing quotes, footnote
# marks, sentence ends and readings, glued pinyin, lü written lu, lu: and ü.
_PIECES = [
    "中", "国", "银", "行", "长", "西", "安", "先", "发", "展", "發", "哪", "儿", "兒", "的", "了", "你", "好",
    "绿", "女", "吗", "我", "很", "〇", "\U00020000", "嗯", "湖", "北", "李",
    "zhōng", "guó", "yín", "háng", "xíng", "zhǎng", "Xī'ān", "xi'an", "xian", "fā", "zhǎn", "fāzhǎn", "nǎr",
    "nar", "de", "De", "le", "Li", "Hubei", "CEO", "2009", "zhong1", "guo2", "hang2", "lv4", "lu:4", "lü", "nǚ",
    "nu", "ń", "hăo", "Nǐ hǎo ma?", "wo3 hen3 hao3.", "yín háng", "ㄌㄠˇ", "ㄕ", "ê", "ɡuó", "review",
    "(", ")", "（", "）", "[", "]", "［", "］", "【", "】", "(", ")", "(", ")",
    " ", " ", "\u3000", "\u00a0", "\u200b", "\ufe0f", "\U000e0100", "”", "」", "①", "*",
    "。", "？", "!", "，", "、", "：", "\n", "a", "1", "0", "9", "-", "'", ",", ".", "é", "\u0301",
]
# Words with pinyin that fits them (in several spellings), to be written with a bracket after them.
_WORDS = {
    "银行": ["yínháng", "yin2hang2", "yinhang", "YínHáng", "yín háng", "yínxíng", "Yinhang"], "中国": ["zhōngguó", "Zhōngguó"],
    "西安": ["Xī'ān", "xi'an", "xian", "XIAN"], "哪儿": ["nǎr", "nǎ'ér"], "绿": ["lǜ", "lv4", "lu:4", "lu4", "lü"],
    "女": ["nu", "nǚ", "nü3"], "的": ["de", "De", "dí"], "湖北": ["Hubei", "húběi"], "行": ["xíng", "háng", "hang2", "xing"],
    "长": ["zhǎng", "cháng", "Cháng"], "發": ["fā"], "展": ["zhǎn"], "發展": ["fāzhǎn", "fa1zhan3"], "李": ["Li", "lǐ"],
    "你好吗？": ["Nǐ hǎo ma?", "ni3 hao3 ma5"], "嗯": ["ń", "ng", "ǹg"], "好": ["hǎo", "hăo", "hǎo3"], "了": ["le", "liǎo"],
    "老师": ["ㄌㄠˇ ㄕ", "lǎoshī"], "温习": ["wēnxí, review", "wēnxí"], "一": ["yī", "yi1", "yí"], "〇": ["líng"],
    "\U00020000": ["hē"], "而": ["ér", "Er"], "阿": ["ā", "A"], "二": ["èr", "er4", "ê"],
}
_ALL_PINYIN = [p for ps in _WORDS.values() for p in ps]
_GAPS = ["", "", "", " ", "  ", "\u3000", "\u200b", "\ufe0f", "”", "①", " ”", "\u00a0"]
_BRACKETS = ["()", "()", "()", "（）", "[]", "［］", "【】", "(）", "(]", "【)"]


@st.composite
def _annotated(draw):
    word = draw(st.sampled_from(sorted(_WORDS)))
    pinyin = draw(st.sampled_from(_WORDS[word]) | st.sampled_from(_ALL_PINYIN))
    gap, (ob, cb) = draw(st.sampled_from(_GAPS)), draw(st.sampled_from(_BRACKETS))
    after = draw(st.sampled_from(["", "", " ", "  ", "是", "。", "(", "(xíng)", "xuè", "\n"]))
    return f"{word}{gap}{ob}{pinyin}{cb}{after}"


texts = st.lists(st.sampled_from(_PIECES) | _annotated(), max_size=30).map("".join)
_SETTINGS = settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@_SETTINGS
@given(text=texts)
def test_stripped_cuts_what_find_annotations_finds(text):
    assert stripped(text) == by_annotations(text)


@needs_c
@_SETTINGS
@given(text=texts)
def test_the_c_scanner_equals_its_twin(text):
    assert scanner.strip(text) == scan_py(text)


_ANNOTATED = [
    "这(zhè)是5月(yuè)23日", "银行(yínháng)在湖北(Hubei)，發(fā)展(fāzhǎn)", "学习 (xuéxí) 新课文 (kèwén)。",
    "I love 中国 (Zhōngguó) very much", "刘诗(shī)诗说：行(xíng)(xíng)", "你好吗？(Nǐ hǎo ma?)", "哪儿(nǎr)",
    "的(De)人", "李(Li)", "蒹葭①(jiān jiā)", "“重量”(zhòng liàng)", "葛\U000E0100(gé)", "戏谑xuè", "老师(ㄌㄠˇ ㄕ)",
    "温习(wēnxí, review)", "绿(lu:4)", "女(nu)", "西安(xi'an)", "中国(zhōng)", "行(háng）", "苹果公司(Apple)",
]


@pytest.mark.parametrize("text", _ANNOTATED)
def test_examples(text):
    assert stripped(text) == by_annotations(text)
    if scanner is not None:
        assert scanner.strip(text) == scan_py(text)


def test_what_is_left_to_python_is_listed_in_order():
    # 湖北(Hubei): capitalised and toneless, _neutral decides; 的(de): decided, cut with its bracket.
    assert scan_py("湖北(Hubei)的(de)") == [(2, 9, "Hubei"), (10, 14, 10, 14, True)]
    assert scan_py("这(zhè)是") == "这是"
    assert scan_py("没有括号") == "没有括号"


def test_without_the_extension(monkeypatch):
    monkeypatch.setattr(parse, "_scanner", lambda: None)
    for text in _ANNOTATED:
        assert stripped(text) == by_annotations(text)


@needs_c
def test_character_classes_are_the_expressions():
    """The scanner's table of character classes says what parse.py's expressions say, for every
    BMP code point and for the astral ones the expressions name (Han, variation selectors)."""
    samples = list(range(0x10000)) + [0x1F600, 0x20000, 0x2A6DF, 0x3134F, 0x31350, 0xE0100, 0xE01EF, 0xE01F0,
                                      0xE0001, 0x10FFFF]
    classes = [(bit, re.compile(pattern)) for bit, pattern in parse._classes()]
    for cp in samples:
        ch = chr(cp)
        want = sum(bit for bit, rx in classes if rx.fullmatch(ch))
        assert scanner.flags(cp) == want, hex(cp)


def test_spell_codes_read_as_spell_does():
    """A character the scanner spells alone spells the same inside a word (what _spell gives for
    the word is what its characters' codes give)."""
    import random

    rng = random.Random(18)
    coded = [chr(cp) for cp in range(0x10000) if re.fullmatch(parse._IN_WORD, chr(cp)) and parse._spell_code(chr(cp))]
    assert {"a", "Z", "ā", "Ǘ", "ü", "ń", "ɡ", "1", "0", "'", " "} <= set(coded)
    assert not {"ê", ":", "\u0301", "6", ","} & set(coded)
    for _ in range(3000):
        word = "".join(rng.choice(coded) for _ in range(rng.randint(1, 8)))
        sp = parse._spell(word)
        letters, marks, upper = [], [], False
        digits, hard, ok = {}, set(), True
        for ch in word:
            code = parse._spell_code(ch)
            if code & parse._SP_SEP:
                hard.add(len(letters))
            elif code & parse._SP_DIGIT:
                if not letters or len(letters) in digits:
                    ok = False
                    break
                digits[len(letters)] = code & 0xFF
                hard.add(len(letters))
            else:
                letters.append(chr(code & 0xFF))
                marks.append(code >> 8 & 7)
                upper = upper or bool(code & parse._SP_UPPER)
        if not ok or not letters:
            assert sp is None, word
            continue
        assert sp is not None and sp.letters == "".join(letters) and list(sp.mark_at) == marks, word
        assert sp.hard == frozenset(hard) and sp.capitalised == upper, word
        assert [d for d in sp.digit_at if d] == [digits[k] for k in sorted(digits)], word
