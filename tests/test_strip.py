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
