"""One pipeline in one place (issue #15): pinzhu.pipeline reads under a Config, every public
function takes the options as one value or as keywords, and the package re-exports without
shadowing its modules."""

import importlib
import inspect
import types

import numpy as np
import pytest

import pinzhu
from pinzhu import Config
from pinzhu.lexicon import UserDict
from pinzhu.render import AnnotateOptions

UD = UserDict.from_mapping({"行长": "hang2 chang2"})
# (function, text, keyword options, the same as values)
CASES = [
    (pinzhu.pinyin, "一点儿行长", {"spoken": True, "user_dict": UD}, {"config": Config(spoken=True, user_dict=UD)}),
    (pinzhu.pinyin_with_confidence, "朋友", {"neutral": "full"}, {"config": Config(neutral="full")}),
    (pinzhu.words, "一样的銀行", {"yi_bu": True, "traditional": False},
     {"config": Config(yi_bu=True, traditional=False)}),
    (pinzhu.words_many, ["一点儿", "行长"], {"spoken": True, "user_dict": UD},
     {"config": Config(spoken=True, user_dict=UD)}),
    (pinzhu.annotate, "行长在银行", {"tone": "numbers", "user_dict": UD, "select": "polyphones"},
     {"config": Config(tone="numbers", user_dict=UD), "options": AnnotateOptions(select="polyphones")}),
    (pinzhu.annotate_many, ["行长", "一点儿"], {"spoken": True, "format": "json"},
     {"config": Config(spoken=True), "options": AnnotateOptions(format="json")}),
    (pinzhu.strip, "湖北(Hubei)行长(hángcháng)", {"names": True, "user_dict": UD},
     {"config": Config(user_dict=UD), "options": pinzhu.StripOptions(names=True)}),
    (pinzhu.explain_strip, "行长(hángcháng)", {"user_dict": UD}, {"config": Config(user_dict=UD)}),
    (pinzhu.audit, "行长(hángcháng)的(de)", {"user_dict": UD, "min_confidence": 0.0},
     {"config": Config(user_dict=UD), "options": pinzhu.AuditOptions(min_confidence=0.0)}),
    (pinzhu.scan, "行长(hángcháng)说", {"user_dict": UD}, {"config": Config(user_dict=UD)}),
]


@pytest.mark.parametrize("fn,text,keywords,values", CASES, ids=[c[0].__name__ for c in CASES])
def test_options_as_keywords_equal_options_as_values(fn, text, keywords, values):
    def plain(x):  # readings compare by their syllables
        return [r.syllables() for r in x] if isinstance(x, list) and x and hasattr(x[0], "syl") else x

    by_keyword = plain(fn(text, **keywords))
    assert by_keyword == plain(fn(text, **values))
    assert by_keyword != plain(fn(text))  # the options did something


def test_pinyin_takes_the_readme_options_as_keywords():
    assert pinzhu.pinyin("一点儿", spoken=True) == pinzhu.pinyin("一点儿", config=Config(spoken=True)) \
        == ["yì", "diǎnr", ""]
    assert pinzhu.reading("一样", yi_bu=True).syllables() == ["yi2", "yang4"]
    assert [r.syllables() for r in pinzhu.reading_many(["一样"], spoken=True)] == [["yi2", "yang4"]]


def test_unknown_keyword_is_a_type_error_naming_it():
    with pytest.raises(TypeError, match="spokn"):
        pinzhu.pinyin("一点儿", spokn=True)
    with pytest.raises(TypeError, match="nams"):
        pinzhu.strip("湖北(Hubei)", nams=True)


@pytest.mark.parametrize("name", ["audit", "strip", "select", "render", "config", "pipeline", "read"])
def test_package_does_not_shadow_its_modules(name):
    m = importlib.import_module(f"pinzhu.{name}")
    assert isinstance(m, types.ModuleType)
    assert getattr(pinzhu, name, m) is m
    exec(f"import pinzhu.{name} as alias", globals())
    assert alias is m  # noqa: F821


def test_strip_and_audit_modules_are_callable_as_their_functions():
    import pinzhu.audit as audit_module
    import pinzhu.strip as strip_module

    assert pinzhu.strip("这(zhè)是") == strip_module.strip("这(zhè)是") == "这是"
    assert pinzhu.audit("银行(yínxíng)") == audit_module.audit("银行(yínxíng)")
    assert audit_module.scan is pinzhu.scan and audit_module.Finding is pinzhu.Finding
    assert inspect.signature(pinzhu.strip) == inspect.signature(strip_module.strip)


def test_reading_carries_what_later_stages_need():
    r = pinzhu.reading("發展了abc", model=False)
    assert r.norm_text == "发展了abc" and r.text == "發展了abc"
    assert r.spans == [(0, 2), (2, 3), (3, 6)]
    assert r.norm.dtype == np.uint32 and len(r.norm) == len(r.text)
    many = pinzhu.reading_many(["發展", "银行"], model=False)
    assert [m.norm_text for m in many] == ["发展", "银行"] and many[0].spans == [(0, 2)]
    spoken = pinzhu.reading("一点儿", spoken=True)
    assert spoken.spans == pinzhu.reading("一点儿").spans and spoken.norm_text == "一点儿"


def test_pinyin_many_and_the_lean_path_read_as_reading_does():
    """pinyin()/pinyin_many() keep a function per (config, tone) (the lean path); whatever the
    options, they give what the Reading gives, text by text."""
    from pinzhu.pipeline import configured, read_under, syllables_of

    texts = ["一点儿行长", "銀行行長", "朋友认识", "", "abc 中文", "他还没有回来。",
             # names ("auto" runs as the engine's hook where a surname may start a name)
             "单先生来了", "记者曾小明报道", "老单说", "曾庆红出席会议", "單先生說", "单位领导", "他姓单",
             "单先生和区小姐", "A单先生", "单", "行长单先生说" * 30]
    for kw in ({}, {"tone": "numbers"}, {"spoken": True}, {"yi_bu": True, "tone": "zhuyin"},
               {"neutral": "full", "model": False}, {"traditional": False}, {"user_dict": UD},
               {"person_names": "off"}, {"person_names": "surname"}, {"person_names": "head", "model": False},
               {"user_dict": UserDict.from_mapping({"单先生": "dan1 xian1 sheng1"})}):
        cfg = configured(None, dict(kw))
        want = [syllables_of(read_under(t, cfg), cfg.tone) for t in texts]
        for _ in range(2):  # the second call comes from the kept function
            assert [pinzhu.pinyin(t, **kw) for t in texts] == want, kw
            assert [pinzhu.pinyin(t, config=cfg) for t in texts] == want, kw
            assert pinzhu.pinyin_many(texts, **kw) == want, kw


def test_a_style_registered_later_reaches_the_lean_path():
    from pinzhu import styles

    assert pinzhu.pinyin("中", tone="numbers") == ["zhong1"]
    original = styles.get("numbers")
    try:
        styles.register("numbers")(lambda s: s.upper())
        assert pinzhu.pinyin("中", tone="numbers") == ["ZHONG1"]
        assert pinzhu.pinyin_many(["中"], tone="numbers") == [["ZHONG1"]]
    finally:
        styles.register("numbers")(original)
    assert pinzhu.pinyin("中", tone="numbers") == ["zhong1"]
