"""Search and sort (issue #17): styles first_letter / initials / finals, match, Matcher, sort_key."""

import random

import pytest

import pinzhu
from pinzhu.search import FUZZY_PAIRS, normalize_query, spellings, variants
from pinzhu.syllables import initial_final


@pytest.mark.parametrize("tone,want", [
    ("first_letter", ["z", "g", "l", "y", "a"]),
    ("initials", ["zh", "g", "l", "", ""]),
    ("finals", ["ong", "uo", "ü", "iou", "a"]),
    ("finals_marks", ["ōng", "uó", "ǜ", "iǒu", "ā"]),
    ("finals_numbers", ["ong1", "uo2", "v4", "iou3", "a1"]),
])
def test_search_styles(tone, want):
    assert pinzhu.pinyin("中国绿有阿", tone=tone) == want


@pytest.mark.parametrize("syllable,want", [
    ("zhi1", ("zh", "i")), ("si4", ("s", "i")), ("ju4", ("j", "v")), ("xue2", ("x", "ve")), ("yuan2", ("", "van")),
    ("liu2", ("l", "iou")), ("gui4", ("g", "uei")), ("lun4", ("l", "uen")), ("wei4", ("", "uei")),
    ("yi1", ("", "i")), ("wu3", ("", "u")), ("er2", ("", "er")), ("ng2", ("", "ng")), ("lv4", ("l", "v")),
])
def test_initials_and_finals_as_the_scheme_writes_them(syllable, want):
    assert initial_final(syllable) == want


def test_search_styles_reach_the_cli_and_other_formats():
    assert pinzhu.words("中国", tone="first_letter") == [("中国", "zg")]
    # a syllable without an initial writes "" and is still a character of its own in ruby
    ruby = pinzhu.annotate("阿姨", format="ruby", tone="initials")
    assert ruby.count("<ruby") == 2
    with pytest.raises(pinzhu.options.OptionError):
        pinzhu.annotate("中国", tone="initials")  # inline: strip could not find it


@pytest.mark.parametrize("query,text,span", [
    ("zg", "我爱中国", (2, 4)), ("zhongguo", "中国", (0, 2)), ("zhongg", "中国", (0, 2)),
    ("zhong guo", "中国", (0, 2)), ("zhguo", "中国", (0, 2)), ("ZhōngGuó", "中国", (0, 2)),
    ("zhong1guo2", "中国", (0, 2)), ("yh", "银行", (0, 2)), ("yx", "银行", (0, 2)),  # every reading of 行
    ("shan", "单田芳", (0, 1)), ("dan", "单田芳", (0, 1)),  # a surname reading too
    ("lv", "绿色", (0, 1)), ("lu", "绿色", (0, 1)), ("lü", "绿色", (0, 1)),
    ("xian", "西安", (0, 2)), ("xian", "先", (0, 1)),
    ("annal", "Anna 李", (0, 6)), ("中g", "中国", (0, 2)), ("長c", "長城", (0, 2)),
    ("zg", "中文", None), ("zgr", "中国", None), ("", "中国", None),
])
def test_match(query, text, span):
    assert pinzhu.match(query, text) == span


def test_match_takes_the_earliest_start_then_the_shortest_span():
    assert pinzhu.match("z", "中中") == (0, 1)
    assert pinzhu.match("zz", "a中中中") == (1, 3)


def test_fuzzy_pairs():
    for query, text in [("zongguo", "中国"), ("canjiang", "长江"), ("lan", "男"), ("cheng", "陈"), ("xing", "新")]:
        assert pinzhu.match(query, text) is None, query
        assert pinzhu.match(query, text, fuzzy=True) == (0, len(text)), query
    assert pinzhu.match("lan", "男", fuzzy=[("l", "n")]) == (0, 1)
    assert pinzhu.match("zongguo", "中国", fuzzy=[("l", "n")]) is None
    with pytest.raises(ValueError, match="unknown fuzzy pair"):
        pinzhu.match("a", "阿", fuzzy=[("x", "y")])
    assert variants("zhang", frozenset(FUZZY_PAIRS) | {p[::-1] for p in FUZZY_PAIRS}) == \
        {"zhang", "zang", "zhan", "zan"}


def test_matcher_agrees_with_match():
    rnd = random.Random(5)
    chars = "中国银行长江张三李四王五单解曾区仇的了绿女安娜"
    texts = ["".join(rnd.choice(chars) for _ in range(rnd.randint(1, 5))) for _ in range(400)] + ["Anna 李", "", "a b"]
    m = pinzhu.Matcher(texts)
    for q in ["zg", "zhang", "yx", "ls", "dan", "shan", "lv", "an", "nv", "zhongguoyinhang", "a", "ab", "al"]:
        for fuzzy in (False, True):
            want = [(i, pinzhu.match(q, t, fuzzy=fuzzy)) for i, t in enumerate(texts)]
            want = [(i, s) for i, s in want if s is not None]
            assert m.search(q, fuzzy=fuzzy) == want, (q, fuzzy)
    assert m.search("zg", limit=2) == m.search("zg")[:2]


def test_spellings_and_query_normalisation():
    assert spellings("单")[:3] == ("chan", "dan", "shan") and spellings("A") == ("a",)
    assert normalize_query("Zhōng Guó") == "zhongguo" and normalize_query("xi'an") == "xian"


def test_sort_key_orders_by_syllable_then_tone_then_code_point():
    names = ["张三", "李四", "Zoe", "王五", "阿明", "Anna", "西安", "先", "妈", "马", "骂", "麻"]
    got = sorted(names, key=pinzhu.sort_key)
    assert got == ["Anna", "阿明", "李四", "妈", "麻", "马", "骂", "王五", "西安", "先", "Zoe", "张三"]
    assert [pinzhu.sort_key(n) for n in names] == pinzhu.sort_keys(names)


def test_sort_key_reads_in_context_and_takes_options():
    assert sorted(["长大", "长度"], key=pinzhu.sort_key) == ["长度", "长大"]  # cháng before zhǎng
    assert pinzhu.sort_key("单田芳", person_names="surname")[0][0] == ("shan", 1)
    assert sorted(["绿", "路", "吕"], key=pinzhu.sort_key) == ["路", "吕", "绿"]  # lu before lü, then tones: lǚ before lǜ


def test_http_match_sort_and_alternatives():
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from pinzhu.server import create_app

    with TestClient(create_app()) as client:
        got = client.post("/v1/match", json={"query": "zg", "texts": ["我爱中国", "美国", "中国银行"]})
        assert got.status_code == 200
        assert got.json()["matches"] == [{"index": 0, "start": 2, "end": 4}, {"index": 2, "start": 0, "end": 2}]
        fuzzy = client.post("/v1/match", json={"query": "zongguo", "texts": ["中国"], "fuzzy": True})
        assert fuzzy.json()["matches"] == [{"index": 0, "start": 0, "end": 2}]
        srt = client.post("/v1/sort", json={"texts": ["张三", "阿明", "李四"]})
        assert srt.json() == {"order": [1, 2, 0], "texts": ["阿明", "李四", "张三"]}
        alt = client.post("/v1/alternatives", json={"text": "受a", "tone": "numbers"}).json()
        assert alt["alternatives"][0][0] == {"syllable": "shou4", "prob": 1.0, "rare": False}
        assert alt["alternatives"][1] is None and alt["heteronyms"] == [["shou4"], None]
        bad = client.post("/v1/match", json={"query": "zg", "texts": ["中国"], "bogus": 1})
        assert bad.status_code == 422


def test_cli_sort_and_match(tmp_path):
    import subprocess
    import sys

    f = tmp_path / "names.txt"
    f.write_text("张三\n阿明\n中国银行\n李四\n", encoding="utf-8")
    out = subprocess.run([sys.executable, "-m", "pinzhu", "sort", str(f)], capture_output=True)
    assert out.returncode == 0 and out.stdout.decode() == "阿明\n李四\n张三\n中国银行\n"
    out = subprocess.run([sys.executable, "-m", "pinzhu", "match", "zs", str(f), "--spans"], capture_output=True)
    assert out.returncode == 0 and out.stdout.decode() == "1\t0\t2\t张三\n"
    out = subprocess.run([sys.executable, "-m", "pinzhu", "match", "qq", str(f)], capture_output=True)
    assert out.returncode == 1 and out.stdout == b""
    out = subprocess.run([sys.executable, "-m", "pinzhu", "sort", "--person-names", "surname"], input="单田芳\n陈明\n".encode(),
                         capture_output=True)
    assert out.stdout.decode() == "陈明\n单田芳\n"
