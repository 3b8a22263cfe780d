"""Audit: every wrong annotation flagged, no right one; conventions are not errors; scan.

The confusion matrices printed here (``pytest -s tests/test_audit.py``) are the ones recorded in
docs/strip.md.
"""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

import pinzhu
from pinzhu.syllables import split_tone, to_marks

FIXTURES = Path(__file__).parent / "fixtures"
NEWS = Path(__file__).parent.parent / "examples" / "news.txt"


def cases() -> list[tuple[str, str]]:
    out = []
    for line in (FIXTURES / "strip_audit_cases.txt").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            label, text = line.split(" ", 1)
            out.append((label, text))
    return out


def matrix(labelled: list[tuple[bool, bool]]) -> dict[str, int]:
    """(truly wrong, flagged) pairs -> counts."""
    m = {"wrong_flagged": 0, "wrong_missed": 0, "right_flagged": 0, "right_passed": 0}
    for wrong, flagged in labelled:
        m[("wrong_" if wrong else "right_") + (("flagged" if flagged else "missed") if wrong
                                                 else ("flagged" if flagged else "passed"))] += 1
    return m


def test_hand_checked_cases_confusion_matrix():
    strict, reader = [], []
    for label, text in cases():
        findings = pinzhu.audit(text)
        assert findings, f"no annotation found in {text!r}"
        flagged = not all(f.ok for f in findings)
        (reader if label.endswith("E") else strict).append((label.startswith("W"), flagged))
    m = matrix(strict)
    print("\nhand-checked:", m, "reader-dependent:", matrix(reader))
    assert m["wrong_missed"] == 0 and m["right_flagged"] == 0
    assert m["wrong_flagged"] >= 30 and m["right_passed"] >= 30


def _mutations(text: str, rnd: random.Random) -> list[tuple[str, bool, str]]:
    """Annotate each word of ``text`` once, in turn: rightly (pinzhu's reading), or wrongly by a
    swapped tone, another reading of a polyphone, or one syllable too many."""
    lex = pinzhu.default_lexicon()
    out, pos = [], 0
    for word, _ in pinzhu.words(text):
        syls = pinzhu.pinyin(text, tone="numbers")[pos:pos + len(word)]
        end = pos + len(word)
        pos = end
        if not all(syls):
            continue
        kind = rnd.choice(["right", "tone", "reading", "count"])
        new = list(syls)
        k = rnd.randrange(len(new))
        ch, (base, tone) = word[k], split_tone(new[k])
        if kind == "tone":
            # Not a convention: not 一/不, not a neutral syllable, not another tone the
            # character has (that would be the polyphone case).
            tones = {int(r[-1]) for r in lex.readings(ch, rare=True) if r[:-1] == base}
            choices = [t for t in (1, 2, 3, 4) if t not in tones]
            if ch in "一不" or tone == 5 or not choices:
                continue
            new[k] = f"{base}{rnd.choice(choices)}"
        elif kind == "reading":
            others = [r for r in lex.readings(ch, rare=True) if r[:-1] != base]
            if not others:
                continue
            new[k] = others[0]
        elif kind == "count":
            new.append(new[-1])
            if all(x.endswith("5") for x in new):
                continue  # no tone mark: untoned text that fits nothing is not taken for pinyin
            run = text[max(0, end - len(new)):end]
            if len(run) == len(new) and pinzhu.pinyin(text, tone="numbers")[end - len(new):end] == new:
                continue  # happens to be a right annotation of the characters before
        written = "".join(to_marks(s) for s in new)
        out.append((text[:end] + f"({written})" + text[end:], kind != "right", kind))
    return out


def test_generated_mutations_confusion_matrix():
    rnd = random.Random(5)
    labelled, by_kind = [], {}
    for line in NEWS.read_text(encoding="utf-8").splitlines() * 10:
        for sentence in line.split("。"):
            if not sentence:
                continue
            for text, wrong, kind in _mutations(sentence + "。", rnd):
                findings = pinzhu.audit(text, min_confidence=0.0)
                flagged = not all(f.ok for f in findings)
                labelled.append((wrong, flagged))
                by_kind.setdefault(kind, [0, 0])[flagged] += 1
    m = matrix(labelled)
    print("\ngenerated:", m, "by kind [passed, flagged]:", by_kind)
    assert m["wrong_missed"] == 0 and m["right_flagged"] == 0
    assert m["wrong_flagged"] >= 200 and all(by_kind[k][1] >= 30 for k in ("tone", "reading", "count"))


def test_conventions_are_not_errors():
    for text in ["一(yí)个", "一(yì)天", "看一(yi)看", "不(bú)对", "朋友(péngyǒu)", "朋友(péngyou)",
                 "哪儿(nǎr)", "的(de)", "的(De)书", "银行(yinhang)"]:
        (f,) = pinzhu.audit(text)
        assert f.ok, (text, f)


def test_finding_points_at_the_annotated_characters():
    text = "他说：我去银行(yínxíng)。"
    (f,) = pinzhu.audit(text)
    assert text[f.start:f.end] == "银行" and text[f.open:f.close] == "(yínxíng)"
    assert (f.written, f.expected, f.expected_syllables) == ("yínxíng", "yínháng", ("yin2", "hang2"))
    assert not f.ok and f.reason == "reading" and f.stripped and 0 < f.confidence <= 1


def test_not_pinyin_lines_give_no_findings():
    lines = [l for l in (FIXTURES / "not_pinyin.txt").read_text(encoding="utf-8").splitlines()
             if l and not l.startswith("#")]
    wrong = [l for l in lines if not all(f.ok for f in pinzhu.audit(l))]
    assert wrong == []


def test_scan_separates_machine_from_reader_annotation():
    farm = "5月(yuè)23日，世界华人炎帝故里寻根节在随州举行。这(zhè)是刘诗(shī)诗的(de)家乡。"
    reader = "饕餮(tāotiè)是传说中的凶兽，后来用饕餮比喻贪吃的人。"
    assert pinzhu.scan(farm).verdict == "machine"
    assert pinzhu.scan(reader).verdict == "annotated"
    clean = pinzhu.scan("没有任何注音的文本。")
    assert (clean.verdict, clean.annotations, clean.per_1000) == ("clean", 0, 0.0)
    r = pinzhu.scan(farm)
    assert r.annotations == 4 and dict(r.signals)["common"] >= 3 and r.per_1000 > 100


def test_cli_audit_exit_codes(tmp_path):
    good, bad = tmp_path / "good.txt", tmp_path / "bad.txt"
    good.write_text("这(zhè)是银行(yínháng)。\n", encoding="utf-8")
    bad.write_text("这(zhè)是银行(yínxíng)。\n", encoding="utf-8")
    run = lambda *a: subprocess.run([sys.executable, "-m", "pinzhu.cli", *a], capture_output=True)
    assert run("audit", str(good)).returncode == 0
    r = run("audit", str(bad))
    assert r.returncode == 1 and '"reason": "reading"' in r.stdout.decode()
    r = run("scan", str(bad))
    assert r.returncode == 0 and '"annotations": 2' in r.stdout.decode()


def test_scan_reads_the_text_once(monkeypatch):
    # One engine pass: audit's reading gives both the expected syllables and the word spans.
    from pinzhu import read

    calls = []
    real = read.Engine.read
    monkeypatch.setattr(read.Engine, "read", lambda *a, **k: calls.append(1) or real(*a, **k))
    r = pinzhu.scan("刘诗(shī)诗说这(zhè)是5月(yuè)23日的事。")
    assert r.annotations == 3 and len(calls) == 1


def test_scan_counts_every_style():
    # Learner pages: spaced words and sentence readings are annotations, and a teacher's.
    spaced = "学习 (xuéxí) 新课文 (kèwén) 以前，先复习 (fùxí) 一下饕餮 (tāotiè) 这个词。"
    sentences = "你好吗？(Nǐ hǎo ma?) 我很好，谢谢。(Wǒ hěn hǎo, xièxie.) 你叫什么名字？(Nǐ jiào shénme míngzi?)"
    for text, n in [(spaced, 4), (sentences, 3)]:
        r = pinzhu.scan(text)
        assert r.annotations == n and r.verdict != "clean", (text, r)
    assert pinzhu.scan(sentences).verdict == "annotated"
    assert pinzhu.scan("易错字：戏谑xuè、恣睢zìsuī。").annotations == 2
    assert pinzhu.scan("老师(ㄌㄠˇ ㄕ)说").annotations == 1


def test_audit_checks_every_style():
    [f] = pinzhu.audit("我在听音乐。(wo3 zai4 ting1 yin1 yue3)")
    assert (f.chars, f.ok, f.reason, f.expected) == ("我在听音乐", False, "tone", "wo3 zai4 ting1 yin1 yue4")
    [f] = pinzhu.audit("银行[yínxíng]")
    assert (f.ok, f.reason, f.expected) == (False, "reading", "yínháng")
    [f] = pinzhu.audit("老师(ㄌㄠˇ ㄕ)")
    assert f.ok and f.expected == "ㄌㄠˇ ㄕ"
    [a, b] = pinzhu.audit("發(fā)展(fāzhǎn)")
    assert (a.chars, b.chars, a.ok, b.ok) == ("發", "發展", True, True)


def test_document_findings_stay_flat_records():
    # Finding now holds its Annotation; a document finding still prints the flat record.
    documents = __import__("pytest").importorskip("pinzhu.documents")
    [f] = documents.audit("<p>银行(yínxíng)</p>".encode(), kind="html")
    d = f.as_dict()
    assert "annotation" not in d and (d["chars"], d["written"], d["reason"]) == ("银行", "yínxíng", "reading")


def test_status_is_ok_wrong_or_unsure():
    # Three verdicts: wrong; another real reading where pinzhu's confidence in its own is under
    # min_confidence (here 1: every reading the engine is less than certain of); right.
    [w, u, o] = pinzhu.audit("银行(yínxíng)还书(huánshū)的(de)", min_confidence=1)
    assert [(f.status, f.ok) for f in (w, u, o)] == [("wrong", False), ("unsure", True), ("ok", True)]
    assert w.as_dict()["status"] == "wrong"


def test_a_right_reading_of_a_contested_word_is_not_wrong():
    # 一行 reads yìxíng (a party) or yìháng (a line): the labelled text splits between them, so no
    # word decides it and the model reads it in context; a correct annotation must never fail.
    for text in ("我们一行(xíng)人去北京", "他写了一行(háng)字"):
        [f] = pinzhu.audit(text)
        assert f.status in ("ok", "unsure"), (text, f.status)
