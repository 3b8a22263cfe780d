"""Documents: HTML and XHTML — text runs with their places, context across inline markup, and
strip(annotate(doc)) == doc byte for byte (hand-picked pages and generated ones)."""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import pinzhu
from pinzhu import documents as D
from pinzhu.documents.base import SEPARATOR, Source
from pinzhu.documents.markup import parse_markup


def blocks(page: str, xml: bool = False) -> list[str]:
    return [b.text for b in parse_markup(Source.decode(page.encode(), "t"), xml_doc=xml).blocks]


def roundtrip(page: bytes, kind: str = "html", **kw) -> bytes:
    out = D.annotate(page, kind, **kw)
    assert D.strip(out, kind) == page
    return out


# --- what is read ------------------------------------------------------------------------------

def test_inline_markup_is_one_context():
    # <b>银</b>行 is one word: 银行 yínháng, not 银 yín + 行 xíng.
    out = roundtrip("<p>我们去<b>银</b>行办事</p>".encode(), select="words", words=["银行"])
    assert out.decode() == "<p>我们去<b>银</b>行(yínháng)办事</p>"
    out = roundtrip("<p><i>长</i><span class=x>大</span>了</p>".encode(), select="all")
    assert out.decode() == "<p><i>长</i><span class=x>大(zhǎngdà)</span>了(le)</p>"


def test_what_is_never_read():
    page = ('<!DOCTYPE html><html><head><title>银行</title><style>p{}/*银行*/</style>'
            '<script>var s = "银行";</script></head><body>'
            '<p title="银行" data-x="银行">甲<!-- 银行 --><code>银行</code><kbd>银行</kbd>乙</p>'
            '<p lang="en">银行 <span lang="zh-CN">长江</span></p><p lang="ja">漢字</p>'
            '<p><ruby>漢<rt>かん</rt></ruby><textarea>银行</textarea><svg><text>银行</text></svg></p>'
            '</body></html>')
    assert blocks(page) == [f"甲{SEPARATOR}乙", f"{SEPARATOR}长江{SEPARATOR}"]
    assert blocks('<p lang="en">a<b lang="zh">银</b>b<b lang="zh">行</b></p>') == [f"{SEPARATOR}银{SEPARATOR}行{SEPARATOR}"]
    out = roundtrip(page.encode(), select="all").decode()
    assert out.count("(") == page.count("(") + 3   # 甲, 乙, 长江 (one word)
    assert "长江(chángjiāng)" in out and '"银行";' in out and 'title="银行"' in out


def test_blocks_and_breaks():
    assert blocks("<div>银<p>行</p>长<br>大</div><ul><li>一<li>二</ul>") == ["银", "行", "长\n大", "一", "二"]
    # A <p> whose end tag is left out ends where the next block starts; its lang with it.
    assert blocks('<p lang="en">hi<p>银行') == ["银行"]
    # A head whose end tag is left out ends at the first body content.
    assert blocks("<html><head><title>x</title><p>银行") == ["银行"]


def test_entities_and_encodings():
    page = "<p>&#38134;&#x884C;&amp;银行&nbsp;</p>"
    out = roundtrip(page.encode(), select="all").decode()
    assert out == "<p>&#38134;&#x884C;(yínháng)&amp;银行(yínháng)&nbsp;</p>"
    # GB18030 (declared gb2312): written back in its own encoding, pinyin included.
    gb = '<meta charset="gb2312"><p>银行的行长</p>'.encode("gb18030")
    out = roundtrip(gb, select="all")
    assert out.decode("gb18030") == '<meta charset="gb2312"><p>银行(yínháng)的(de)行长(hángzhǎng)</p>'
    # Big5 has no tone marks: they go in as character references.
    big5 = '<meta charset="big5"><p>銀行</p>'.encode("big5")
    out = roundtrip(big5, select="all")
    assert b"(y&#237;nh&#225;ng)" in out
    # A byte-order mark and CRLF stay.
    bom = b"\xef\xbb\xbf<p>\r\n\xe9\x93\xb6\xe8\xa1\x8c</p>\r\n"
    assert roundtrip(bom, select="all").startswith(b"\xef\xbb\xbf<p>\r\n")


def test_bad_encoding_is_a_clear_error():
    with pytest.raises(D.DocumentError, match=r"page.html: invalid utf-8 at byte offset 3"):
        D.annotate(b"<p>\xff\xfe</p>", "html", name="page.html")


# --- ruby ----------------------------------------------------------------------------------------

def test_ruby_in_place_with_stylesheet():
    page = "<!DOCTYPE html><html><head><title>t</title></head><body><p>我去<b>银</b>行</p></body></html>"
    out = roundtrip(page.encode(), format="ruby", ruby="word").decode()
    head, body = out.split("</head>")
    assert head.endswith("</style>") and pinzhu.render.stylesheet() in head
    # The word cut by <b> gets a ruby per piece: no element is ever split.
    assert body == ('<body><p><ruby class="pz">我<rp>(</rp><rt>wǒ</rt><rp>)</rp></ruby>'
                    '<ruby class="pz">去<rp>(</rp><rt>qù</rt><rp>)</rp></ruby>'
                    '<b><ruby class="pz">银<rp>(</rp><rt>yín</rt><rp>)</rp></ruby></b>'
                    '<ruby class="pz">行<rp>(</rp><rt>háng</rt><rp>)</rp></ruby></p></body></html>')


def test_strip_takes_pinyin_ruby_of_any_shape_and_keeps_others():
    page = ('<p><ruby>银行<rp>(</rp><rt>yínháng</rt><rp>)</rp></ruby>，<ruby>长<rt>zhǎng</rt>大<rt>dà</rt></ruby>'
            '<ruby class="pz t3">我<rt>ㄨㄛˇ</rt></ruby><ruby>漢<rt>かん</rt></ruby><ruby>X<rt>Y</rt></ruby></p>')
    assert D.strip(page.encode(), "html").decode() == (
        '<p>银行，长大我<ruby>漢<rt>かん</rt></ruby><ruby>X<rt>Y</rt></ruby></p>')


def test_existing_pinyin_ruby_survives_the_round_trip():
    # strip takes pinyin ruby whoever wrote it, so annotate guards the ones already there.
    page = '<p><ruby>银行<rt>yínháng</rt></ruby>行长</p>'
    for kw in (dict(), dict(format="ruby")):
        out = roundtrip(page.encode(), **kw).decode()
        assert "<!--pinzhu:keep--><ruby>银行" in out
    # ... and a guard already there is guarded again.
    roundtrip(b'<p><!--pinzhu:keep--><ruby>\xe9\x93\xb6<rt>yin</rt></ruby></p>')


def test_ruby_guards_inline_brackets_in_the_text():
    # 行(xíng) in the page: ruby must cover 行, or strip would take the page's own bracket.
    out = roundtrip("<p>行(xíng)走</p>".encode(), format="ruby", select="rare").decode()
    assert '<ruby class="pz">行<rp>' in out


def test_xhtml_is_xml():
    page = ('<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>\n<html xmlns="http://www.w3.org/1999/xhtml" '
            'xml:lang="zh"><head><title>x</title></head><body><p>银<br/>行<![CDATA[长]]>&amp;</p>'
            '<p xml:lang="en">银行</p></body></html>')
    assert blocks(page, xml=True) == [f"银\n行{SEPARATOR}&"]
    out = roundtrip(page.encode(), "xhtml", format="ruby").decode()
    assert out.count('<ruby class="pz">') == 2 and '<style type="text/css">' in out
    with pytest.raises(D.DocumentError, match=r"x.xhtml:1:\d+: not well-formed"):
        D.annotate(b"<p>a</q>", "xhtml", name="x.xhtml")


# --- hostile XML -------------------------------------------------------------------------------

BILLION_LAUGHS = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
                  '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
                  '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
                  '<html xmlns="http://www.w3.org/1999/xhtml"><body><p>&lol3;</p></body></html>')
XXE = ('<?xml version="1.0"?><!DOCTYPE html [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
       '<html xmlns="http://www.w3.org/1999/xhtml"><body><p>&xxe;</p></body></html>')


@pytest.mark.parametrize("page", [BILLION_LAUGHS, XXE], ids=["billion-laughs", "xxe"])
def test_entities_are_refused(page):
    with pytest.raises(D.DocumentError, match="entity declaration"):
        D.annotate(page.encode(), "xhtml", name="evil.xhtml")


# --- the round trip on generated pages ------------------------------------------------------------

HAN = "银行长大了为得重要我们去发展行好乐说"
PIECES = ["银行", "行(xíng)", "长(zhǎng)大", "乐(yuè)", "<b>", "</b>", "<i>", "</i>", "<span class=x>", "</span>",
          "<a href='银行'>", "</a>", "<p>", "</p>", "<br>", "<code>行</code>", "<!-- 行 -->", "&amp;", "&#38134;",
          "&lt;", "<ruby>银<rt>yín</rt></ruby>", "<ruby>行<rp>(</rp><rt>xíng</rt><rp>)</rp></ruby>",
          "<ruby>漢<rt>かん</rt></ruby>", "<!--pinzhu:keep-->", '<span lang="en">', "<script>x('行')</script>",
          "(", ")", "（", "）", "xíng", "Hubei", " ", "\n", "\r\n", "。", "<", ">", "&", "<rt>", "</ruby>",
          "<style>/* pinzhu ruby */</style>", "</head>", "<head>", "<body>"]
piece = st.one_of(st.sampled_from(PIECES), st.text(st.sampled_from(HAN), min_size=1, max_size=4))
pages = st.lists(piece, max_size=30).map("".join)
CASES = int(os.environ.get("PINZHU_DOC_CASES", "300"))


@settings(max_examples=CASES, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(pages, st.sampled_from(["inline", "ruby"]), st.sampled_from(["char", "word"]),
       st.sampled_from(["all", "polyphones", "rare"]))
def test_roundtrip_generated_html(page, fmt, per, select):
    data = page.encode()
    out = D.annotate(data, "html", format=fmt, ruby=per, select=select)
    assert D.strip(out, "html") == data
