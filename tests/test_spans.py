"""annotate(text, spans=...): annotations written exactly at given places (issue #19)."""

import json
import re
import subprocess
import sys

import pytest

import pinzhu
from pinzhu.cli import main
from pinzhu.options import OptionError


def run(args, stdin=b""):
    return subprocess.run([sys.executable, "-m", "pinzhu", *args], input=stdin, capture_output=True)


def test_spans_annotate_exactly_there():
    text = "我们去银行，行长说好"
    assert pinzhu.annotate(text, spans=[(3, 5)]) == "我们去银行(yínháng)，行长说好"
    assert pinzhu.annotate(text, spans=[(4, 5), (7, 8)]) == "我们去银行(háng)，行长(zhǎng)说好"  # inside words
    assert pinzhu.annotate(text, spans=[(3, 4), (3, 5)]) == "我们去银(yín)行(yínháng)，行长说好"   # nested
    assert pinzhu.annotate(text, spans=[(2, 6)]) == "我们去银行(qùyínháng)，行长说好"              # trimmed to Han
    assert pinzhu.annotate(text, spans=[]) == text
    # the json format's own output as input
    js = pinzhu.annotate(text, select="polyphones", format="json")
    assert pinzhu.annotate(text, spans=js) == pinzhu.annotate(text, select="polyphones")
    assert pinzhu.annotate(text, spans=json.loads(js)["tokens"]) == pinzhu.annotate(text, select="polyphones")
    assert (pinzhu.annotate(text, spans=[(3, 5)], format="ruby", ruby="word")
            == pinzhu.annotate(text, select="words", words=["银行"], format="ruby", ruby="word"))
    # spoken erhua: the merged 儿 goes with its character
    assert pinzhu.annotate("一点儿", spans=[(1, 2)], spoken=True) == "一点儿(diǎnr)"


@pytest.mark.parametrize("spans,says", [
    ([(0, 99)], "not a span of the text"), ([(2, 2)], "not a span"), ([(-1, 2)], "not a span"),
    ([(5, 6)], "holds no Han character"), ([(3, 7)], "'，' at 5 is not a Han character"),
    ("[1, 2", "not JSON"), ({"x": 1}, "json format's output"), (7, "expected a list"),
    ([(0, "a")], "spans[0]"), ([[0, True]], "integers"), ([{"start": 1}], "spans[0]"),
])
def test_bad_spans_name_the_problem(spans, says):
    with pytest.raises(OptionError, match=re.escape(says)) as e:
        pinzhu.annotate("我们去银行，行长说好", spans=spans)
    assert e.value.field == "spans"


def test_cli_annotate_spans(tmp_path, capsys):
    text = tmp_path / "t.txt"
    text.write_text("我们去银行", encoding="utf-8")
    js = tmp_path / "s.json"
    js.write_text(pinzhu.annotate("我们去银行", select="polyphones", format="json"), encoding="utf-8")
    assert main(["annotate", "--spans", str(js), str(text)]) == 0
    assert capsys.readouterr().out == "我们去银行(yínháng)"
    js.write_text("[[0, 2]]", encoding="utf-8")
    assert main(["annotate", "--spans", str(js), "--tone", "numbers", str(text)]) == 0
    assert capsys.readouterr().out == "我们(wo3men5)去银行"
    js.write_text("[[0, 99]]", encoding="utf-8")
    r = run(["annotate", "--spans", str(js), str(text)])
    assert r.returncode == 2 and f"--spans {js}: spans[0] (0, 99)" in r.stderr.decode() and r.stdout == b""
    r = run(["annotate", "--spans", str(js), str(text), str(text)])
    assert r.returncode == 2 and "one text" in r.stderr.decode()


def test_overlapping_spans_are_not_ruby():
    with pytest.raises(OptionError, match="overlap"):
        pinzhu.annotate("银行", spans=[(0, 1), (0, 2)], format="ruby")
