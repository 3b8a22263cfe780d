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


def _pieces_by_definition(sp):
    """parse._pieces as first written: every (i, j) tried, each condition checked directly."""
    from pinzhu.parse import _bases, _known, _max_len

    n, bases, longest = len(sp.letters), _bases(), _max_len()
    ends = [[] for _ in range(n + 1)]
    for j in range(1, n + 1):
        if j < n and j not in sp.hard and sp.digit_at[j]:
            continue
        for i in range(max(0, j - longest), j):
            if any(b in sp.hard for b in range(i + 1, j)):
                continue
            base = sp.letters[i:j]
            if not (_known(base, bases) or (j - i >= 2 and base[-1] == "r" and _known(base[:-1], bases))):
                continue
            marks = [t for t in sp.mark_at[i:j] if t]
            if len(marks) > 1 or (marks and sp.digit_at[j]):
                continue
            ends[j].append((i, base, marks[0] if marks else (sp.digit_at[j] or 5)))
    return tuple(map(tuple, ends))


def test_pieces_are_what_their_definition_says():
    """The fast _pieces (one set lookup per candidate, boundaries precomputed) gives what
    checking every condition directly gives, on written pinyin of every shape: marks, digits,
    separators, erhua, lu/nu for lü/nü, two marks in one piece, letters that spell nothing."""
    import random

    from pinzhu.lexicon import default_lexicon
    from pinzhu.parse import _pieces, _spell
    from pinzhu.syllables import to_marks

    rng = random.Random(18)
    syls = list(default_lexicon().syllables[1:])
    seps = ["", "", "", " ", "'", "-"]
    written = ["xian", "xi'an", "nǎr", "lu4", "nüèr", "lv3", "zhōngguó", "ar", "hǎo3", "ǎǒ", "abcxyz", "er2hua4"]
    for _ in range(3000):
        parts = []
        for s in rng.sample(syls, rng.randint(1, 5)):
            form = rng.choice([s, to_marks(s), s[:-1], to_marks(s).replace("ü", "u"), s[:-1] + "r"])
            parts.append(form + rng.choice(seps))
        written.append("".join(parts).strip(" '-"))
    checked = 0
    for w in written:
        sp = _spell(w)
        if sp is not None:
            assert _pieces(sp) == _pieces_by_definition(sp), w
            checked += 1
    assert checked > 2500


# The fit search runs from the characters' readings (parse._fit_guided) and remembers answers by
# the characters it read (parse._SuffixMemo); both must give what the search over every
# spellable syllable (parse._fit_pieces) gives, ties included, whatever came before.
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from pinzhu import parse as _parse_mod  # noqa: E402

_CHARS = "西安先行银长绿女吕了的地得一不为和着看重朝差儿哪那阿哦嗯呣你好中国发展發學"
_WRITTEN = ["xian", "xi'an", "Xī'ān", "xīān", "yínháng", "yin2hang2", "hang2", "zhǎng", "chang", "lv4", "lü",
            "lu:4", "nǚ", "nu3", "le", "liǎo", "de", "dì", "děi", "yī", "bù", "wèi", "he", "hè", "huó", "zhe",
            "zháo", "kàn", "zhòng", "chóng", "cháo", "zhāo", "chà", "chāi", "ér", "nǎr", "nà", "na", "ā", "ó",
            "ng", "ǹg", "m", "n2", "nǐhǎo", "ni3 hao3", "zhōngguó", "fāzhǎn", "xué", "xue2", "a", "e", "o"]


@settings(max_examples=300, deadline=None)
@given(run=st.text(alphabet=_CHARS, max_size=8), written=st.sampled_from(_WRITTEN))
def test_guided_fit_and_its_memo_equal_the_full_search(run, written):
    sp = _parse_mod._spell(written)
    want = _parse_mod._fit_pieces(run, sp, None, False)
    assert _parse_mod._match(run, written, None) == want
    assert _parse_mod._match(run, written, None) == want          # the remembered answer
    assert _parse_mod._match("中" + run, written, None) == _parse_mod._fit_pieces("中" + run, sp, None, False)


def test_memo_knows_where_the_run_began():
    # 安 alone can't take xi'an; after 西 it can: an answer found at the run's start is not
    # reused for a longer run.
    assert _parse_mod._match("安", "xi'an", None) is None
    assert _parse_mod._match("西安", "xi'an", None) == (2, ("xi5", "an5"), False, False)
