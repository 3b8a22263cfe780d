"""Finding pinyin annotations: what counts, what doesn't, and where it points."""

import pytest

from pinzhu.parse import find_annotations, find_pinyin, is_strippable, match, split


def found(text, **kw):
    return [(a.chars, a.written, a.syllables) for a in find_annotations(text, **kw)]


@pytest.mark.parametrize("text, chars, syllables", [
    ("5月(yuè)23日", "月", ("yue4",)),
    ("刘诗(shī)诗", "诗", ("shi1",)),
    ("的(de)", "的", ("de5",)),
    ("炎帝神農(nóng)氏", "農", ("nong2",)),
    ("發(fā)展", "發", ("fa1",)),
    ("尋根節(jié)", "節", ("jie2",)),
    ("行(hang2)", "行", ("hang2",)),
    ("行（háng）", "行", ("hang2",)),
    ("行(háng）", "行", ("hang2",)),          # mixed widths, as scraped pages have them
    ("西安(Xī'ān)", "西安", ("xi1", "an1")),
    ("西安(xi'an)", "西安", ("xi5", "an5")),
    ("西安(xian)", "西安", ("xi5", "an5")),    # the characters decide the split
    ("先(xian)", "先", ("xian5",)),
    ("银行(yín háng)", "银行", ("yin2", "hang2")),
    ("银行(YínHáng)", "银行", ("yin2", "hang2")),
    ("绿(lǜ)", "绿", ("lv4",)),
    ("绿(lv4)", "绿", ("lv4",)),
    ("绿(lu:4)", "绿", ("lv4",)),
    ("女(nu)", "女", ("nv5",)),
    ("哪儿(nǎr)", "哪儿", ("na3", "er5")),
    ("嗯(ń)", "嗯", ("n2",)),
    ("好(hǎo)", "好", ("hao3",)),
    ("好(hăo)", "好", ("hao3",)),               # breve for caron: a common typo, still pinyin
    ("银行(yínxíng)", "银行", ("yin2", "xing2")),  # wrong polyphone reading: still found
    ("这(zhé)", "这", ("zhe2",)),                 # wrong tone: still found
])
def test_found(text, chars, syllables):
    (a,) = find_annotations(text)
    assert (a.chars, a.syllables) == (chars, syllables)
    assert text[a.start:a.end] == chars and text[a.end] == a.open or a.open == a.end
    assert text[a.open:a.close] == a.brackets[0] + a.written + a.brackets[1]


@pytest.mark.parametrize("text", [
    "苹果公司(Apple)发布了", "首席执行官(CEO)", "成立于(2009)", "见图(图片中间)", "参见(see p. 3)",
    "他(He)说", "2(èr)", "A(a)", "(xíng)", "中国(zhōng)", "行长(hángzhǎngzhǎng)",
    "纸(A4)", "微信(WeChat)",
])
def test_not_an_annotation(text):
    assert find_annotations(text, names=True) == []


def test_only_first_bracket_after_han():
    # The round-trip rule: a bracket right after another's ")" is never an annotation.
    assert found("行(xíng)(xíng)") == [("行", "xíng", ("xing2",))]
    assert found("行(CEO)(xíng)") == []


def test_offsets_point_at_the_text():
    text = "他说这(zhè)是發展(fāzhǎn)。"
    a, b = find_annotations(text)
    assert (a.start, a.end, a.open, a.close) == (2, 3, 3, 8)
    assert text[b.start:b.end] == "發展" and text[b.open:b.close] == "(fāzhǎn)"


def test_name_glosses_kept_unless_asked():
    assert found("湖北(Hubei)") == []
    assert found("湖北(Hubei)", names=True) == [("湖北", "Hubei", ("hu5", "bei5"))]
    assert found("湖北(Húběi)") == [("湖北", "Húběi", ("hu2", "bei3"))]  # tones: an annotation
    assert found("行(xing)", toneless=False) == []
    assert found("的(de)", toneless=False) == [("的", "de", ("de5",))]  # neutral: pinyin in marks
    assert found("的(De)") == [("的", "De", ("de5",))]


def test_annotation_at_start_and_astral_han():
    assert found("𪚥(zhé)") == [("𪚥", "zhé", ("zhe2",))]
    assert found("一(yī)") == [("一", "yī", ("yi1",))]


def test_unmatched_toned_pinyin_is_audits_business():
    (a,) = find_pinyin("中国(zhōng)")
    assert not a.matches and a.syllables == ("zhong1",)
    assert find_pinyin("纸(A4)") == []


def test_match_and_split():
    assert match("西安", "xian") == (2, ("xi5", "an5"), False)
    assert match("安", "xian") is None
    assert split("xian") == ("xian5",) and split("xi'an") == ("xi5", "an5")
    assert split("see p. 3") is None


def test_is_strippable():
    assert is_strippable("西安", "Xī'ān") and is_strippable("行", "xing2")
    assert is_strippable("西安 ", "Xī'ān")  # a space before the bracket: learner pages write it so
    assert not is_strippable("西安-", "Xī'ān") and not is_strippable("湖北", "Hubei")
    assert is_strippable("湖北", "Hubei", names=True)
