"""Strip: exactly the annotations go, nothing else; explain; the CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import pinzhu
from pinzhu.strip import Change, explain

FIXTURES = Path(__file__).parent / "fixtures"


def not_pinyin_lines() -> list[str]:
    return [l for l in (FIXTURES / "not_pinyin.txt").read_text(encoding="utf-8").splitlines()
            if l and not l.startswith("#")]


def test_not_pinyin_is_left_untouched():
    lines = not_pinyin_lines()
    assert len(lines) >= 200
    changed = [l for l in lines if pinzhu.strip(l) != l]
    print(f"\nfalse strips: {len(changed)} of {len(lines)} lines")
    assert changed == []


@pytest.mark.parametrize("text, clean", [
    ("5月(yuè)23日", "5月23日"),
    ("这(zhè)是刘诗(shī)诗的(de)家", "这是刘诗诗的家"),
    ("炎帝神農(nóng)氏發(fā)展尋根節(jié)", "炎帝神農氏發展尋根節"),
    ("银行（yínháng）行长(hang2 zhang3)", "银行行长"),
    ("西安(Xī'ān)和西安(xian)", "西安和西安"),
    ("行(xíng)(xíng)", "行(xíng)"),               # only the first bracket after Han
    ("银行(yínxíng)", "银行"),                     # wrong reading: still an annotation
    ("湖北(Hubei)省", "湖北(Hubei)省"),            # name gloss kept by default
    ("湖北(Húběi)省", "湖北省"),                   # with tones it is an annotation
    ("成龙(Jackie Chan)", "成龙(Jackie Chan)"),
    ("中国(zhōng)", "中国(zhōng)"),                # fits no characters: kept (audit flags it)
    ("我(wǒ)\n你(nǐ)\r\n", "我\n你\r\n"),
    ("", ""),
])
def test_strip(text, clean):
    assert pinzhu.strip(text) == clean


def test_options():
    assert pinzhu.strip("湖北(Hubei)省", names=True) == "湖北省"
    assert pinzhu.strip("好(hao)的(de)", toneless=False) == "好(hao)的"
    ud = pinzhu.UserDict.from_mapping({"好": "hu1"})  # a reading the lexicon doesn't have
    assert pinzhu.strip("好(hū)") == "好(hū)" and pinzhu.strip("好(hū)", user_dict=ud) == "好"


def test_explain_lists_removed_and_kept_spans():
    text = "銀行(yínxíng)在湖北(Hubei)，中国(zhōng)"
    got = explain(text)
    assert pinzhu.strip.explain is explain and pinzhu.explain_strip is explain
    assert [(c.chars, c.action, c.why, c.ok) for c in got] == [
        ("銀行", "removed", "annotation", False), ("湖北", "kept", "name gloss", True),
        ("国", "kept", "fits no characters", False)]
    c = got[0]
    assert isinstance(c, Change) and text[c.open:c.close] == "(yínxíng)" and c.expected == "yínháng"
    assert json.dumps(c.as_dict(), ensure_ascii=False)


def run(args, stdin=b""):
    return subprocess.run([sys.executable, "-m", "pinzhu.cli", *args], input=stdin, capture_output=True)


def test_cli_strip_stdin_files_and_output(tmp_path):
    r = run(["strip"], "这(zhè)是\n".encode())
    assert r.returncode == 0 and r.stdout.decode() == "这是\n"
    f = tmp_path / "in.txt"
    f.write_text("湖北(Hubei)的(de)\n", encoding="utf-8")
    out = tmp_path / "out" / "clean.txt"
    r = run(["strip", "--names", "-o", str(out), str(f)])
    assert r.returncode == 0 and r.stdout == b"" and out.read_text(encoding="utf-8") == "湖北的\n"


def test_cli_strip_explain_json_lines():
    r = run(["strip", "--explain"], "银行(yínxíng)".encode())
    (line,) = r.stdout.decode().splitlines()
    d = json.loads(line)
    assert (d["file"], d["action"], d["expected"], d["ok"], d["reason"]) == (
        "<stdin>", "removed", "yínháng", False, "reading")


def test_cli_invalid_utf8_exit_2_with_offset(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes("这(zhè)".encode() + b"\xfe")
    out = tmp_path / "out.txt"
    for cmd in ("strip", "audit", "scan"):
        r = run([cmd, "-o", str(out), str(bad)])
        assert r.returncode == 2 and "byte offset 9" in r.stderr.decode() and not out.exists()


# --- every insertion style real pages use (issue #20) ----------------------------------------------

@pytest.mark.parametrize("text, clean", [
    # a space before the bracket: the spacing the insertion brought goes with it
    ("学习 (xuéxí) 新课文 (kèwén)。", "学习新课文。"),
    ("我们今天复习 (fùxí)，明天考试。", "我们今天复习，明天考试。"),
    ("I love 中国 (Zhōngguó) very much.", "I love 中国 very much."),   # spacing that was there stays
    ("他会说汉语\u3000(hànyǔ)\u3000和英语", "他会说汉语和英语"),          # ideographic spaces
    # script g (U+0261) and script a (U+0251), as textbooks print pinyin
    ("朋友(pénɡyou)来了", "朋友来了"),
    ("妈妈(mɑ̄mɑ)在家", "妈妈在家"),
    # syllables apart, per word or per line; after a closing quote
    ("“重量”(zhòng liàng)是物理量", "“重量”是物理量"),
    ("春眠不觉晓（chūn mián bù jué xiǎo）", "春眠不觉晓"),
    ("床前明月光，疑是地上霜（chuáng qián míng yuè guāng，yí shì dì shàng shuāng）", "床前明月光，疑是地上霜"),
    # a sentence reading after the full stop, numbers or marks, capitalised, with its punctuation
    ("我在听音乐。(wo3 zai4 ting1 yin1 yue4)", "我在听音乐。"),
    ("你好吗？(Nǐ hǎo ma?)我很好。(Wǒ hěn hǎo.)", "你好吗？我很好。"),
    ("你好吗？ (Nǐ hǎo ma) 我很好。 (Wǒ hěn hǎo)", "你好吗？我很好。"),
    ("他说：“我饿了。”(Tā shuō: “Wǒ è le.”)", "他说：“我饿了。”"),
    ("我有3个苹果。(Wǒ yǒu 3 gè píngguǒ.)", "我有3个苹果。"),
    # footnote marks stay, zero-width spaces go, variation selectors stay
    ("蒹葭①(jiān jiā)苍苍", "蒹葭①苍苍"),
    ("随州\u200b(suízhōu)的炎帝", "随州的炎帝"),
    ("中\u200b(zhōng)文", "中文"),
    ("葛\U000E0100(gé)洪", "葛\U000E0100洪"),
    ("中\u200b文(zhōngwén)", "中\u200b文"),                         # zero-width inside the word
    # per character, then per word
    ("發(fā)展(fāzhǎn)", "發展"),
    ("经(jīng)济(jì)经济(jīngjì)", "经济经济"),
    # square brackets, either width, and 【】
    ("老师[lǎoshī]说", "老师说"),
    ("老师［lǎoshī］说", "老师说"),
    ("老师【lǎoshī】说", "老师说"),
    # glued, in lists of hard readings (a tone is required)
    ("易读错的字：戏谑xuè、恣睢zìsuī、酩酊mǐngdǐng。", "易读错的字：戏谑、恣睢、酩酊。"),
    ("行háng业", "行业"),
    # zhuyin in brackets
    ("老师(ㄌㄠˇ ㄕ)好", "老师好"),
    ("的(˙ㄉㄜ)书", "的书"),
])
def test_every_style(text, clean):
    assert pinzhu.strip(text) == clean


@pytest.mark.parametrize("text", [
    "“长”读 cháng，不读 zhǎng。",            # pinyin quoted as a word: content
    "他用iPhone拍照", "我们用Python写代码", "打call", "数组a[i]和矩阵[n]", "点击[这里](https://example.com)",
    "函数f(x)的值", "他说 (he said) 不要去", "这条路很长 (long)", "姓杭 (Hang) 的人", "垃圾桶 (bin)",
    "平底锅 (pan)", "她 (she) 是老师", "你好。(Hello.)", "我爱你。(I love you.)", "这是第一点。(a)",
    "见第三章。(see chapter 3)", "结果显著。(P < 0.05)", "李的研究。(Li, 2019)", "广州话(wu4 bak1)",
    "湖北(wu4 bak1)", "行(xíng, háng)", "去Café喝咖啡", "写résumé很难", "北京。(Beijing)", "好。(hǎo)",
    "胡椒(Piper nigrum)", "出租车 (taxi)", "温习(wēnxí, review)",
])
def test_content_stays(text):
    assert pinzhu.strip(text) == text


def test_glosses_option_removes_only_the_pinyin():
    assert pinzhu.strip("温习(wēnxí, review)课文") == "温习(wēnxí, review)课文"
    assert pinzhu.strip("温习(wēnxí, review)课文", glosses=True) == "温习(review)课文"
    assert pinzhu.strip("好(hǎo；good)", glosses=True) == "好(good)"
    [c] = explain("温习(wēnxí, review)")
    assert (c.action, c.why, c.chars, c.written) == ("kept", "gloss", "温习", "wēnxí")


# --- issue #13: strip precision -------------------------------------------------------------------

def test_capitalised_surname_gloss_stays_even_with_a_neutral_reading():
    text = "我姓李(Li)，他姓王(Wang)。"   # 李 has li5 (行李), but is mostly li3
    assert pinzhu.strip(text) == text
    assert pinzhu.strip(text, names=True) == "我姓李，他姓王。"
    assert pinzhu.strip("我的(De)书") == "我的书"     # 的 is mostly de5: pinyin in tone marks


def test_spoken_erhua_of_one_letter_syllables_round_trips():
    cfg = pinzhu.Config(spoken=True)
    for x in ["阿儿", "啊儿", "哦儿", "阿儿(ār)"]:
        y = pinzhu.annotate(x, config=cfg)
        assert y != x and pinzhu.strip(y) == x, (x, y)


def test_selector_and_zero_width_between_character_and_annotation():
    assert pinzhu.strip("葛\U000E0100(gé)") == "葛\U000E0100"
    assert pinzhu.strip("中\u200b(zhōng)") == "中"
    y = pinzhu.annotate("葛\U000E0100", select="all")
    assert y.startswith("葛\U000E0100(") and pinzhu.strip(y) == "葛\U000E0100"   # not split around it


# --- issue #18 item 7 -----------------------------------------------------------------------------

def test_doubly_annotated_text():
    assert pinzhu.strip("發(fā)展(fāzhǎn)") == "發展"
    assert pinzhu.strip("炎帝神農(nóng)氏發(fā)展(fāzhǎn)") == "炎帝神農氏發展"
    for x in ["發(fā)展(fāzhǎn)", "發展(fāzhǎn)", "發(fā)展"]:
        y = pinzhu.annotate(x, select="all")
        assert pinzhu.strip(y) == x, (x, y)


# --- issue #15: one parse, records that compose ---------------------------------------------------

def test_explain_parses_once(monkeypatch):
    from pinzhu import parse

    calls = []
    real = parse._candidates
    monkeypatch.setattr(parse, "_candidates", lambda text: calls.append(1) or real(text))
    explain("银行(yínxíng)在湖北(Hubei)，中国(zhōng)")
    assert len(calls) == 1


def test_change_holds_a_finding_which_holds_an_annotation():
    from pinzhu.audit import Finding
    from pinzhu.parse import Annotation

    [c] = explain("银行(yínxíng)")
    assert isinstance(c.finding, Finding) and isinstance(c.finding.annotation, Annotation)
    assert (c.open, c.start, c.written, c.expected) == (2, 0, "yínxíng", "yínháng")
    assert list(c.as_dict()) == ["open", "close", "start", "end", "chars", "written", "action", "why",
                                 "expected", "confidence", "ok", "reason"]
    assert list(c.finding.as_dict()) == ["start", "end", "open", "close", "chars", "written", "syllables",
                                         "expected", "expected_syllables", "confidence", "ok", "status",
                                         "reason", "stripped"]


def test_sentence_readings_may_read_numbers_out():
    for text in ["我有3个苹果。(Wǒ yǒu sān gè píngguǒ.)", "他今年23岁。(Tā jīnnián èrshísān suì.)",
                 "今年是2025年。(Jīnnián shì èr líng èr wǔ nián.)", "我有2000块钱。(Wǒ yǒu liǎngqiān kuài qián.)"]:
        assert pinzhu.strip(text) == text[:text.index("(")], text
    # A number read as another number is not this sentence's reading.
    assert pinzhu.strip("我有3个苹果。(Wǒ yǒu sì gè píngguǒ.)") == "我有3个苹果。(Wǒ yǒu sì gè píngguǒ.)"
