"""Inline reading overrides (issue #17): 长<cháng> forces a reading; markers removed; bad ones say where."""

import subprocess
import sys

import pytest

import pinzhu
from pinzhu.overrides import OverrideError, parse, split_syllables


def test_off_by_default_the_markers_are_text():
    got = pinzhu.pinyin("长<cháng>")
    assert len(got) == len("长<cháng>") and got[1:] == [None] * 7


def test_an_override_forces_the_reading_and_the_markers_go():
    text = "这把剑长<cháng>三十公分"
    got = pinzhu.pinyin(text, tone="numbers", overrides=True)
    assert len(got) == len("这把剑长三十公分") and got[3] == "chang2"
    assert pinzhu.reading(text, overrides=True).text == "这把剑长三十公分"


@pytest.mark.parametrize("written,want", [
    ("<cháng>", ["chang2"]), ("<chang2>", ["chang2"]), ("<CHÁNG>", ["chang2"]), ("<chang>", ["chang2"]),
])
def test_syllable_spellings(written, want):
    assert pinzhu.pinyin("长" + written, tone="numbers", overrides=True) == want


def test_several_characters_one_syllable_each():
    assert pinzhu.pinyin("银行<yin2 xing2>", tone="numbers", overrides=True) == ["yin2", "xing2"]
    assert pinzhu.pinyin("银行<yín xíng>", tone="numbers", overrides=True) == ["yin2", "xing2"]
    assert pinzhu.pinyin("我们银行<xing2>", tone="numbers", overrides=True)[-1] == "xing2"  # the last ones
    assert split_syllables("yin2hang2") == ["yin2", "hang2"]


def test_overrides_win_over_words_names_and_the_user_dict():
    ud = pinzhu.UserDict.from_mapping({"行长": "hang2 zhang3"})
    assert pinzhu.pinyin("行长<chang2>", tone="numbers", overrides=True, user_dict=ud) == ["hang2", "chang2"]
    assert pinzhu.pinyin("单<dan1>先生", tone="numbers", overrides=True)[0] == "dan1"


def test_spoken_rules_see_the_forced_reading_and_keep_it():
    assert pinzhu.pinyin("一<yi1>个", tone="numbers", overrides=True, spoken=True)[0] == "yi1"
    assert pinzhu.pinyin("一个", tone="numbers", spoken=True)[0] == "yi2"


def test_a_neutral_tone_is_allowed():
    assert pinzhu.pinyin("我们<wo3 men5>", tone="numbers", overrides=True) == ["wo3", "men5"]


@pytest.mark.parametrize("text,offset,words", [
    ("长<zhong1>", 1, ["zhong1 is not a reading of 长", "cháng, zhǎng"]),
    ("第一行\n长<zhong1>", 5, ["line 2"]),
    ("长<chang2 chang2>", 1, ["2 syllables for 1 characters"]),
    ("行<xing>", 1, ["xing5 is not a reading of 行"]),  # toneless is the neutral tone, which 行 has not
])
def test_a_bad_override_says_where(text, offset, words):
    with pytest.raises(OverrideError) as e:
        pinzhu.pinyin(text, overrides=True)
    assert e.value.offset == offset and all(w in str(e.value) for w in words)


def test_the_error_survives_pickling():
    import pickle

    e = pickle.loads(pickle.dumps(OverrideError("override at offset 3", 3)))
    assert isinstance(e, OverrideError) and e.offset == 3 and str(e) == "override at offset 3"


def test_other_angle_brackets_are_text():
    assert parse("a<b> <p>的<>") == ("a<b> <p>的<>", ())
    assert parse("x<中>") == ("x<中>", ())


def test_annotate_writes_the_clean_text():
    out = pinzhu.annotate("剑长<cháng>", overrides=True, select="words", words=["长"])
    assert out == "剑长(cháng)" and pinzhu.strip(out) == "剑长"


def test_batch_reads_as_alone():
    texts = ["长<cháng>大", "银行", "行<hang2>"]
    cfg = pinzhu.Config(overrides=True)
    assert [r.syllables() for r in pinzhu.reading_many(texts, config=cfg)] == \
        [pinzhu.reading(t, config=cfg).syllables() for t in texts]


def test_cli_exit_2_and_http_422_name_the_problem():
    out = subprocess.run([sys.executable, "-m", "pinzhu", "pinyin", "--overrides", "--tone", "numbers"],
                         input="长<cháng>".encode(), capture_output=True)
    assert out.returncode == 0 and out.stdout.decode() == "chang2\n"
    bad = subprocess.run([sys.executable, "-m", "pinzhu", "pinyin", "--overrides"], input="长<zhong1>".encode(),
                         capture_output=True)
    assert bad.returncode == 2 and "offset 1" in bad.stderr.decode() and bad.stdout == b""
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from pinzhu.server import create_app

    client = TestClient(create_app())
    r = client.post("/v1/pinyin", json={"text": "长<zhong1>", "overrides": True})
    err = r.json()["error"]
    assert r.status_code == 422 and err["field"] == "text" and "offset 1" in err["message"]
    ok = client.post("/v1/pinyin", json={"text": "长<cháng>", "overrides": True, "tone": "numbers"})
    assert ok.json()["pinyin"] == ["chang2"]
