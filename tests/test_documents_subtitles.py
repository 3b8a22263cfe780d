"""Documents: subtitles (SRT, WebVTT, ASS) — cue text read whole, timing and styling untouched,
the four modes, strip(annotate(x)) == x on real syntax variety and on generated files."""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pinzhu import documents as D
from pinzhu.documents.subtitles import is_pinyin_line

# Real syntax variety: BOM, CRLF, HTML-ish and ASS-style tags, overlapping cues, a cue with no
# blank line before the next, a multi-line cue, an English line, a cue with no text.
SRT = ("\ufeff1\r\n00:00:01,000 --> 00:00:03,500\r\n<i>我们去<b>银</b>行</i>\r\n{\\an8}行长说：“好。”\r\n\r\n"
       "2\r\n00:00:03,000 --> 00:00:05,000\r\n<font color=\"#ffff00\">长大了</font>\r\nHello there\r\n"
       "3\r\n00:00:05,000 --> 00:00:06,000\r\n为了 & <明天> 行(xíng)\r\n\r\n"
       "4\r\n00:00:07,000 --> 00:00:08,000\r\n\r\n\r\n"
       "5\r\n00:00:08,000 --> 00:00:09,500\r\n- 你好吗？\r\n- 我很好。\r\n").encode()
VTT = """WEBVTT - 测试字幕
Kind: captions
Language: zh

STYLE
::cue(.hi) { color: yellow }

NOTE 这是注释，银行
不读

REGION
id:top
width:40%

intro
00:00:01.000 --> 00:00:04.000 line:0 position:20% align:start region:top
<v 老师>我们去<c.hi>银</c>行</v> &amp; <00:00:02.500>长大了
<lang en>Bank</lang> <ruby>行<rt>háng</rt></ruby>

00:00:03.000 --> 00:00:05.000
为了明天&nbsp;努力
""".encode()
ASS = r"""[Script Info]
; 注释 银行
Title: 测试
ScriptType: v4.00+

[V4+ Styles]
Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding
Style: Default,Noto Sans CJK SC,48,&H00FFFFFF,&H000000FF,&H00000000,&H00000000,0,0,0,0,100,100,0,0,1,2,0,2,10,10,10,1

[Events]
Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text
Dialogue: 0,0:00:01.00,0:00:03.50,Default,,0,0,0,,{\an8}我们去{\i1}银{\i0}行\N行长说，好。
Comment: 0,0:00:01.00,0:00:03.50,Default,,0,0,0,,银行
Dialogue: 0,0:00:03.00,0:00:05.00,Default,老师,0,0,0,,长大了\h为了\n明天, Hello
""".replace("\n", "\r\n").encode("utf-8-sig")
FILES = {"srt": SRT, "vtt": VTT, "ass": ASS}


def texts(kind: str) -> list[str]:
    return [b.text for b in D.load(FILES[kind], kind).blocks]


def test_what_is_read():
    assert texts("srt") == ["我们去银行\n行长说：“好。”", "长大了\nHello there", "为了 & <明天> 行(xíng)",
                            "- 你好吗？\n- 我很好。"]
    assert texts("vtt") == ["我们去银行 & 长大了\n\ufffc \ufffc", "为了明天\xa0努力"]
    assert texts("ass") == ["我们去银行\n行长说，好。", "长大了 为了 明天, Hello"]


@pytest.mark.parametrize("kind", ["srt", "vtt", "ass"])
@pytest.mark.parametrize("mode", ["inline", "above", "below"])
def test_modes_round_trip(kind, mode):
    data = FILES[kind]
    out = D.annotate(data, kind, subtitles=mode, select="all")
    assert out != data and D.strip(out, kind) == data


def test_inline_keeps_timing_tags_and_line_ends():
    out = D.annotate(SRT, "srt", select="polyphones").decode("utf-8-sig")
    assert out.startswith("1\r\n00:00:01,000 --> 00:00:03,500\r\n<i>我们去<b>银</b>行(yínháng)</i>\r\n")
    assert "{\\an8}行长(hángzhǎng)说" in out and "行(xíng)(xíng)" in out   # the guard before the file's own
    assert out.count("\r\n") == SRT.decode("utf-8-sig").count("\r\n")


def test_lines_above_and_below():
    above = D.annotate(SRT, "srt", subtitles="above").decode("utf-8-sig")
    assert "00:00:03,500\r\nwǒmen qù yínháng\r\n<i>我们去<b>银</b>行</i>\r\nhángzhǎng shuō hǎo\r\n{\\an8}" in above
    assert "zhǎngdà le\r\n<font" in above and "\r\nHello there" in above
    below = D.annotate(ASS, "ass", subtitles="below").decode("utf-8-sig")
    assert ",,{\\an8}我们去{\\i1}银{\\i0}行\\Nwǒmen qù yínháng\\N行长说，好。\\Nhángzhǎng shuō hǎo\r\n" in below
    assert "Comment: 0,0:00:01.00,0:00:03.50,Default,,0,0,0,,银行\r\n" in below
    vtt = D.annotate(VTT, "vtt", subtitles="below").decode()
    assert "长大了\nwǒmen qù yínháng zhǎngdà le\n<lang en>" in vtt and "NOTE 这是注释，银行\n不读\n" in vtt


def test_track():
    track = D.annotate(SRT, "srt", subtitles="track").decode("utf-8-sig")
    assert track.split("\r\n\r\n")[:2] == [
        "1\r\n00:00:01,000 --> 00:00:03,500\r\nwǒmen qù yínháng\r\nhángzhǎng shuō hǎo",
        "2\r\n00:00:03,000 --> 00:00:05,000\r\nzhǎngdà le\r\n3\r\n00:00:05,000 --> 00:00:06,000\r\nwèile míngtiān xíng"]
    assert "\r\n4\r\n" not in track   # a cue with no Chinese is not in the pinyin track
    ass = D.annotate(ASS, "ass", subtitles="track").decode("utf-8-sig")
    assert ",,{\\an8}wǒmen qù yínháng\\Nhángzhǎng shuō hǎo\r\n" in ass


def test_pinyin_lines_are_recognised_and_refused_twice():
    assert is_pinyin_line("Wǒmen qù yínháng.", "我们去银行。")
    assert is_pinyin_line("xi'an", "西安") and is_pinyin_line("xian", "先")
    assert not is_pinyin_line("wǒmen qù", "我们去银行") and not is_pinyin_line("Hello", "你好")
    out = D.annotate(SRT, "srt", subtitles="below")
    with pytest.raises(D.DocumentError, match=r"already has a pinyin line.*strip the file first"):
        D.annotate(out, "srt", subtitles="above")
    assert D.annotate(out, "srt", subtitles="track")   # a track is a new file: fine


def test_gbk_subtitles_stay_gbk():
    data = "1\n00:00:01,000 --> 00:00:02,000\n银行行长\n".encode("gbk")
    out = D.annotate(data, "srt", subtitles="above")
    assert out.decode("gb18030") == "1\n00:00:01,000 --> 00:00:02,000\nyínhánghángzhǎng\n银行行长\n"
    assert D.strip(out, "srt") == data


def test_bad_subtitles():
    with pytest.raises(D.DocumentError, match="not WebVTT"):
        D.load(b"1\n00:00:01.000 --> 00:00:02.000\nx\n", "vtt", name="x.vtt")
    with pytest.raises(D.DocumentError, match="x.ass:2: Dialogue before a Format line"):
        D.load(b"[Events]\nDialogue: 0,a,b,c\n", "ass", name="x.ass")
    with pytest.raises(D.DocumentError, match="subtitles are annotated inline"):
        D.annotate(SRT, "srt", format="ruby")


# --- generated SRT ---------------------------------------------------------------------------------

HAN = "银行长大了为得重要我们去发展好乐说"
TEXT = st.lists(st.one_of(st.text(st.sampled_from(HAN), min_size=1, max_size=4),
                          st.sampled_from(["<i>", "</i>", "{\\an8}", "<font color=red>", "</font>", "行(xíng)",
                                           "(", ")", " ", "Hello", "yínháng", "xíng", "- ", "&", "<", "。"])),
                min_size=1, max_size=8).map("".join).filter(lambda t: t.strip() and "\n" not in t)
CUE = st.tuples(st.lists(TEXT, min_size=0, max_size=3), st.sampled_from(["\n", "\r\n"]))
CASES = int(os.environ.get("PINZHU_DOC_CASES", "300"))


def srt_of(cues) -> bytes:
    out = []
    for k, (lines, nl) in enumerate(cues, 1):
        out.append(f"{k}{nl}00:00:0{k % 10},000 --> 00:00:0{k % 10},500{nl}" + "".join(l + nl for l in lines) + nl)
    return "".join(out).encode()


@settings(max_examples=CASES, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(st.lists(CUE, min_size=1, max_size=4), st.sampled_from(["inline", "above", "below"]),
       st.sampled_from(["all", "polyphones"]))
def test_roundtrip_generated_srt(cues, mode, select):
    data = srt_of(cues)
    try:
        out = D.annotate(data, "srt", subtitles=mode, select=select)
    except D.DocumentError as e:
        assert "already has a pinyin line" in str(e)
        return
    assert D.strip(out, "srt") == data


# --- generated WebVTT and ASS ------------------------------------------------------------------------

VTT_TEXT = st.lists(st.one_of(st.text(st.sampled_from(HAN), min_size=1, max_size=4),
                              st.sampled_from(["<i>", "</i>", "<c.hi>", "</c>", "<v 老师>", "</v>", "&amp;", "&lt;",
                                               "<lang en>", "</lang>", "<ruby>", "<rt>", "</rt>", "</ruby>",
                                               "<00:00:01.500>", "行(xíng)", "(", " ", "Hello", "xíng", "。"])),
                    min_size=1, max_size=8).map("".join).filter(lambda t: t.strip() and "-->" not in t)
ASS_TEXT = st.lists(st.one_of(st.text(st.sampled_from(HAN), min_size=1, max_size=4),
                              st.sampled_from(["{\\an8}", "{\\i1}", "{\\i0}", "{注释}", "\\N", "\\n", "\\h", ",",
                                               "行(xíng)", "(", " ", "Hello", "xíng", "。", "{", "}", "\\"])),
                    min_size=1, max_size=8).map("".join).filter(lambda t: t.strip())


@settings(max_examples=CASES, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(st.lists(st.lists(VTT_TEXT, min_size=1, max_size=3), min_size=1, max_size=3),
       st.sampled_from(["inline", "above", "below"]))
def test_roundtrip_generated_vtt(cues, mode):
    data = ("WEBVTT\n\nNOTE 银行\n\n" + "".join(
        f"c{k}\n00:00:0{k}.000 --> 00:00:0{k}.900 line:0\n" + "\n".join(lines) + "\n\n"
        for k, lines in enumerate(cues))).encode()
    try:
        out = D.annotate(data, "vtt", subtitles=mode, select="all")
    except D.DocumentError as e:
        assert "already has a pinyin line" in str(e)
        return
    assert D.strip(out, "vtt") == data, (data, out)


@settings(max_examples=CASES, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(st.lists(ASS_TEXT, min_size=1, max_size=4), st.sampled_from(["inline", "above", "below"]))
def test_roundtrip_generated_ass(texts, mode):
    data = ("[Script Info]\nTitle: 银行\n\n[Events]\nFormat: Layer, Start, End, Style, Text\n" + "".join(
        f"Dialogue: 0,0:00:0{k}.00,0:00:0{k}.90,Default,{t}\n" for k, t in enumerate(texts))).encode()
    try:
        out = D.annotate(data, "ass", subtitles=mode, select="all")
    except D.DocumentError as e:
        assert "already has a pinyin line" in str(e)
        return
    assert D.strip(out, "ass") == data
