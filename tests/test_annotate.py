"""annotate: inline, ruby and JSON output, orthography, the round-trip guard, the CLI."""

from __future__ import annotations

import dataclasses
import json
import re

import pytest

import pinzhu
from pinzhu import strip
from pinzhu.cli import main
from pinzhu.render import AnnotateOptions, plan

SEED = [
    "5月23日，乙巳年世界华人炎帝故里寻根节在随州举行",
    "活动请示递交到上级主管部门",
    "这与“寻根节”主题高度一致",
]
# A news paragraph of our own: numbers, Latin, quotes, a polyphone-heavy sentence, full-width marks.
PARAGRAPH = (
    "新华社武汉5月23日电（记者 李华）23日上午，2025年世界华人炎帝故里寻根节在湖北随州开幕。"
    "来自海内外的3000余名嘉宾参加了活动，其中包括港澳台同胞和“一带一路”沿线国家的代表。"
    "银行行长说：“我们要重视长期发展，不能只看眼前的得失。”\n"
    "据了解，本届寻根节为期三天，将举行拜祖大典、经贸洽谈会等12项活动。"
)


def removed_by_offsets(text: str, p) -> str:
    """The annotated output with each inserted bracket cut out by its computed offset."""
    out = pinzhu.render.inline(p)
    shift, pieces, pos = 0, [], 0
    for u in p.units:
        at = u.end + shift  # where the bracket starts in the output
        pieces.append(out[pos:at])
        pos = at + len(u.written) + 2
        shift += len(u.written) + 2
    pieces.append(out[pos:])
    return "".join(pieces)


@pytest.mark.parametrize("text", SEED + [PARAGRAPH])
def test_all_annotates_every_han_word_with_pinzhus_reading(text):
    p = plan(text, AnnotateOptions(select="all"))
    covered = set()
    for u in p.units:
        covered.update(range(u.start, u.end))
        # The same reading pinzhu.pinyin gives (reading the whole text, in context).
        assert list(u.forms) == pinzhu.pinyin(text)[u.start:u.end]
    han = {i for i, ch in enumerate(text) if re.match(r"[\u4e00-\u9fff]", ch)}
    assert covered == han
    # Units are the words pinzhu.words gives.
    assert [(text[u.start:u.end], u.written) for u in p.units] == [
        (w, py) for w, py in pinzhu.words(text) if py is not None]
    # No non-Han character moves, appears or disappears.
    assert removed_by_offsets(text, p) == text
    assert strip(pinzhu.annotate(text)) == text


@pytest.mark.parametrize("kw", [dict(select="polyphones"), dict(select="all", format="ruby"),
                                dict(select="sample", fraction=0.5, seed=3, config=pinzhu.Config(spoken=True))])
def test_annotate_many_equals_annotate_one_by_one(kw):
    texts = ["5月23日，寻根节在随州举行。", "", "银行行长说：好！", "行(xíng)长", "abc", "一点儿\n还得"]
    assert pinzhu.annotate_many(texts, **kw) == [pinzhu.annotate(t, **kw) for t in texts]


def test_seed_shape_exactly():
    words = ("月", "寻根", "主管部门", "这")
    got = [pinzhu.annotate(t, select="words", words=words) for t in SEED]
    assert got == [
        "5月(yuè)23日，乙巳年世界华人炎帝故里寻根(xúngēn)节在随州举行",
        "活动请示递交到上级主管部门(zhǔguǎnbùmén)",
        "这(zhè)与“寻根(xúngēn)节”主题高度一致",
    ]


def test_brackets_and_tones():
    assert pinzhu.annotate("银行", brackets="full") == "银行（yínháng）"
    assert pinzhu.annotate("绿色", tone="numbers") == "绿色(lv4se4)"
    assert pinzhu.annotate("绿色", tone="none") == "绿色(lüse)"


def test_inline_refuses_zhuyin_which_strip_cannot_find():
    with pytest.raises(ValueError, match="tone must be one of"):
        pinzhu.annotate("银行", tone="zhuyin")
    assert "ㄧㄣˊ" in pinzhu.annotate("银行", tone="zhuyin", format="ruby")


# --- the round-trip guard ---------------------------------------------------------------------

@pytest.mark.parametrize("x, want", [
    ("行(xíng)", "行(xíng)(xíng)"),
    ("这（zhè）是", "这(zhè)（zhè）是"),
    ("湖北(Hubei)", "湖北(húběi)(Hubei)"),           # strip(names=True) could take it: guarded too
    ("银行(yínháng)(yínháng)", "银行(yínháng)(yínháng)(yínháng)"),
])
def test_guard_where_x_already_has_an_annotation(x, want):
    got = pinzhu.annotate(x, select="words")  # the policy selects nothing; guards still write
    assert got == want
    assert strip(got) == x and strip(got, names=True) == x


@pytest.mark.parametrize("x", [
    "刘诗(shī)诗说：行(xíng)(xíng)，湖北(Hubei)的(de)人",
    "中国(zhōng)(guó)", "公司(CEO)与A4(纸)", "的(", "行xíng)", "（）()", "", "\ud800行(háng)",
    "𠀀(a)中(zhōng)国", "2025年5月23日（星期五）", "重(chóng)庆(qìng)",
    "的。了吗",  # a sentence starting on a neutral tone: "De" would read as a name gloss
])
@pytest.mark.parametrize("opts", [
    dict(select="all"), dict(select="rare+polyphones"), dict(select="all", orthography=True),
    dict(select="all", tone="numbers", brackets="full"), dict(select="all", tone="none", orthography=True),
    dict(select="sample", fraction=0.5, seed=3),
])
def test_round_trip(x, opts):
    assert strip(pinzhu.annotate(x, **opts)) == x


def test_round_trip_of_a_very_long_user_word():
    poem = "床前明月光疑是地上霜举头望明月低头思故乡春眠不觉晓处处闻啼鸟"
    ud = pinzhu.UserDict.from_mapping({poem: [s for s in pinzhu.pinyin(poem, tone="numbers")]})
    text = f"他说：{poem}。"
    out = pinzhu.annotate(text, user_dict=ud, tone="numbers")
    assert out.count("(") > 3  # written in pieces strip can each find
    assert strip(out, user_dict=ud) == text


# --- orthography ------------------------------------------------------------------------------

@pytest.mark.parametrize("word, want", [
    ("西安", "Xī'ān"), ("天安门", "Tiān'ānmén"), ("港澳", "Gǎng'ào"), ("随州", "Suízhōu"),
    ("香港", "Xiānggǎng"), ("北京市", "Běijīng Shì"), ("诸葛亮", "Zhūgě Liàng"), ("毛泽东", "Máo Zédōng"),
    ("中华人民共和国", "Zhōnghuá Rénmín Gònghéguó"), ("一如既往", "Yīrú-jìwǎng"),
])
def test_orthography_words(word, want):
    assert pinzhu.annotate(word, orthography=True) == f"{word}({want})"


def test_orthography_in_a_sentence():
    got = pinzhu.annotate("活动请示递交到上级主管部门。这与西安", orthography=True)
    assert got == ("活动(Huódòng)请示(qǐngshì)递交(dìjiāo)到(dào)上级(shàngjí)主管部门(zhǔguǎn bùmén)。"
                   "这(Zhè)与(yǔ)西安(Xī'ān)")
    # Not a sentence start: a digit begins the sentence.
    assert pinzhu.annotate("5月", orthography=True) == "5月(yuè)"


def test_orthography_default_shape_stays_plain():
    assert pinzhu.annotate("西安") == "西安(xīān)"
    # Tone numbers need no apostrophe; toneless inline drops capitals (strip keeps 湖北(Hubei)).
    assert pinzhu.annotate("西安", orthography=True, tone="numbers") == "西安(Xi1an1)"
    assert pinzhu.annotate("西安", orthography=True, tone="none") == "西安(xi'an)"


# --- ruby and JSON ----------------------------------------------------------------------------

def test_ruby_per_char_by_default_and_per_word():
    assert pinzhu.annotate("寻根", format="ruby") == (
        '<ruby class="pz">寻<rp>(</rp><rt>xún</rt><rp>)</rp></ruby>'
        '<ruby class="pz">根<rp>(</rp><rt>gēn</rt><rp>)</rp></ruby>')
    assert pinzhu.annotate("寻根", format="ruby", ruby="word") == (
        '<ruby class="pz">寻根<rp>(</rp><rt>xúngēn</rt><rp>)</rp></ruby>')


def test_ruby_tone_classes():
    # Per character: the class on the <ruby>, so the stylesheet colours character and reading.
    assert pinzhu.annotate("银行了", format="ruby", tone_colors=True) == (
        '<ruby class="pz t2">银<rp>(</rp><rt>yín</rt><rp>)</rp></ruby>'
        '<ruby class="pz t2">行<rp>(</rp><rt>háng</rt><rp>)</rp></ruby>'
        '<ruby class="pz t5">了<rp>(</rp><rt>le</rt><rp>)</rp></ruby>')
    # Per word: one span per syllable; separators (the apostrophe) between them, escaped.
    assert pinzhu.annotate("西安", format="ruby", ruby="word", tone_colors=True, orthography=True) == (
        '<ruby class="pz">西安<rp>(</rp><rt><span class="t1">Xī</span>&#x27;<span class="t1">ān</span>'
        '</rt><rp>)</rp></ruby>')
    # Spoken mode: the class follows the tone read (一 before a fourth tone is second).
    assert 'class="pz t2">一' in pinzhu.annotate("一样", format="ruby", tone_colors=True,
                                                   config=pinzhu.Config(spoken=True))


def test_ruby_page_carries_the_stylesheet():
    page = pinzhu.annotate("寻根", format="ruby", page=True)
    assert pinzhu.render.stylesheet() in page and "ruby.pz > rt" in page


def test_ruby_escapes_everything():
    hostile = "<script>alert(1)</script>&amp;\"'银行<b>"
    out = pinzhu.annotate(hostile, format="ruby", ruby="word")
    assert "<script>" not in out and "<b>" not in out
    assert out == ("&lt;script&gt;alert(1)&lt;/script&gt;&amp;amp;&quot;&#x27;"
                   '<ruby class="pz">银行<rp>(</rp><rt>yínháng</rt><rp>)</rp></ruby>&lt;b&gt;')


def test_json_tokens():
    text = "在随州举行"
    doc = json.loads(pinzhu.annotate(text, format="json", select="polyphones"))
    assert doc["length"] == len(text)
    [tok] = doc["tokens"]
    assert (tok["start"], tok["end"], tok["word"], tok["pinyin"]) == (3, 5, "举行", "jǔxíng")
    assert tok["syllables"] == ["jǔ", "xíng"] and len(tok["confidence"]) == 2
    assert all(0 < c <= 1 for c in tok["confidence"])
    # A lone polyphone carries the engine's probability, as pinyin_with_confidence gives it.
    [tok] = json.loads(pinzhu.annotate("行", format="json"))["tokens"]
    assert tok["confidence"][0] == pytest.approx(pinzhu.pinyin_with_confidence("行")[0][1], abs=1e-4)


# --- options and CLI --------------------------------------------------------------------------

def test_options_are_frozen_values():
    o = AnnotateOptions(words=["寻根"])
    with pytest.raises(dataclasses.FrozenInstanceError):
        o.format = "ruby"  # type: ignore[misc]
    assert o.but(format="ruby").format == "ruby" and o.format == "inline"
    with pytest.raises(ValueError):
        AnnotateOptions(format="pdf")
    with pytest.raises(ValueError):
        AnnotateOptions(fraction=1.5)


def test_cli_annotate(tmp_path, capsys):
    src = tmp_path / "in.txt"
    src.write_text("活动请示递交到上级主管部门\n行(xíng)\n", encoding="utf-8")
    assert main(["annotate", "--select", "words", "--word", "主管部门", str(src)]) == 0
    assert capsys.readouterr().out == "活动请示递交到上级主管部门(zhǔguǎnbùmén)\n行(xíng)(xíng)\n"
    out = tmp_path / "o" / "out.html"
    assert main(["annotate", "--format", "ruby", "--select", "polyphones", str(src), "-o", str(out)]) == 0
    assert "上<rp>(</rp><rt>shàng</rt>" in out.read_text(encoding="utf-8")   # per character by default
    assert main(["annotate", "--format", "ruby", "--ruby", "word", "--tone-colors", "--select", "polyphones",
                 str(src), "-o", str(out)]) == 0
    assert '<rt><span class="t4">shàng</span><span class="t2">jí</span></rt>' in out.read_text(encoding="utf-8")
    words = tmp_path / "words.txt"
    words.write_text("# list\n寻根\n", encoding="utf-8")
    src.write_text("寻根节", encoding="utf-8")
    assert main(["annotate", "--format", "json", "--select", "words", "--words", str(words), str(src)]) == 0
    assert json.loads(capsys.readouterr().out)["tokens"][0]["word"] == "寻根"


def test_cli_errors(tmp_path, capsys):
    bad = tmp_path / "bad.txt"
    bad.write_bytes("行行".encode() + b"\xff")
    assert main(["annotate", str(bad)]) == 2
    assert "byte offset 6" in capsys.readouterr().err
    assert main(["annotate", "--tone", "zhuyin", str(bad)]) == 2
    assert main(["annotate", "--select", "nope", str(bad)]) == 2


def test_spoken_erhua_stays_with_its_syllable():
    # Spoken mode reads 公园儿 gōngyuánr with 儿 = "": the 儿 joins the unit before it, never "儿()".
    cfg = pinzhu.Config(spoken=True)
    text = "老头儿在公园儿里玩儿"
    out = pinzhu.annotate(text, config=cfg)
    assert out == "老头儿(lǎotóur)在(zài)公园儿(gōngyuánr)里(lǐ)玩儿(wánr)"
    assert "()" not in pinzhu.annotate(text, config=cfg, select="words", words=["园"])
    assert strip(out) == text
