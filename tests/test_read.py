"""The reading engine and its public API (issue #2)."""

from functools import partial

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import pinzhu
from pinzhu import Config, UserDict
from pinzhu.lexicon import LexiconError, default_lexicon
from pinzhu.read import codepoints, han_mask, read
from pinzhu.segment import PyWordIndex, _segcore, read_arrays

NUM = Config(tone="numbers", model=False)


def test_styles():
    assert pinzhu.pinyin("绿色的", tone="numbers", config=NUM) == ["lv4", "se4", "de5"]
    assert pinzhu.pinyin("绿色的", tone="marks") == ["lǜ", "sè", "de"]
    assert pinzhu.pinyin("绿色的", tone="none") == ["lü", "se", "de"]
    assert pinzhu.pinyin("中文", tone="zhuyin") == ["ㄓㄨㄥ", "ㄨㄣˊ"]
    assert pinzhu.pinyin("一点儿", tone="zhuyin", config=Config(spoken=True)) == ["ㄧˋ", "ㄉㄧㄢˇㄦ", ""]
    with pytest.raises(ValueError, match="tone must be one of"):
        pinzhu.pinyin("中", tone="bogus")


def test_words_and_lexical_neutral_tone():
    assert pinzhu.words("朋友的东西", tone="numbers", config=NUM) == [
        ("朋友", "peng2you5"), ("的", "de5"), ("东西", "dong1xi5")]


def test_segmentation_is_max_probability_not_greedy():
    # pypinyin #302: greedy forward max-match takes 着重 and reads zhuó.
    assert pinzhu.pinyin("试着重复", config=NUM)[1:3] == ["zhe5", "chong2"]


@pytest.mark.parametrize("text,expected", [
    ("银行", ["yin2", "hang2"]), ("行走", ["xing2", "zou3"]), ("长大", ["zhang3", "da4"]),
    ("长度", ["chang2", "du4"]), ("干净", ["gan1", "jing4"]), ("干活", ["gan4", "huo2"]),
])
def test_polyphones_in_words(text, expected):
    assert pinzhu.pinyin(text, config=NUM) == expected


def test_citation_tones_by_default():
    assert pinzhu.pinyin("这一天不对", config=NUM) == ["zhe4", "yi1", "tian1", "bu4", "dui4"]


def test_traditional_reads_like_simplified():
    assert pinzhu.pinyin("發展尋根節", config=NUM) == pinzhu.pinyin("发展寻根节", config=NUM)
    assert pinzhu.pinyin("銀行", config=NUM) == ["yin2", "hang2"]


def test_mixed_text_and_alignment():
    text = "5月23日，iPhone 15在北京发布😀!"
    out = pinzhu.pinyin(text, config=NUM)
    assert len(out) == len(text)
    assert [o for o, c in zip(out, text) if c in "月日在北京发布"] == \
        ["yue4", "ri4", "zai4", "bei3", "jing1", "fa1", "bu4"]
    assert all(o is None for o, c in zip(out, text) if c not in "月日在北京发布")


def test_empty_input():
    assert pinzhu.pinyin("") == []
    assert pinzhu.words("") == []


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",))))
def test_one_entry_per_character_for_any_string(text):
    out = pinzhu.pinyin(text)
    assert len(out) == len(text)
    for o, c in zip(out, text):
        if o is not None:
            assert han_mask(codepoints(c))[0]


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=st.sampled_from("中文银行行长重复试着为了还得和的一不 a1，😀\u0301")))
def test_alignment_with_han_heavy_text(text):
    assert len(pinzhu.pinyin(text)) == len(text)
    assert "".join(w for w, _ in pinzhu.words(text)) == text


def test_user_dict_wins_and_is_a_value():
    ud = UserDict.from_mapping({"行长": "hang2 chang2", "重": "zhong4"})
    assert pinzhu.pinyin("行长", config=NUM, user_dict=ud) == ["hang2", "chang2"]
    # passing it did not change anything global
    assert pinzhu.pinyin("行长", config=NUM) == ["hang2", "zhang3"]
    # a one-character user word wins over the word 重复
    assert pinzhu.pinyin("重复", config=NUM.but(user_dict=ud))[0] == "zhong4"


def test_user_dict_from_file_and_errors(tmp_path):
    p = tmp_path / "ud.tsv"
    p.write_text("# mine\n行行\tháng háng\n", encoding="utf-8")
    ud = UserDict.from_file(p)
    assert ud.get("行行") == ("hang2", "hang2")
    p.write_text("行行\thang2\n", encoding="utf-8")
    with pytest.raises(LexiconError, match=r"ud.tsv:1: '行行' has 2 characters but 1 syllables"):
        UserDict.from_file(p)
    with pytest.raises(LexiconError, match="not a pinyin syllable"):
        UserDict.from_mapping({"行": "xyz9"})


def test_readings_rare_hidden_by_default():
    assert "yu4" not in pinzhu.readings("王", tone="numbers")
    assert "yu4" in pinzhu.readings("王", tone="numbers", rare=True)
    assert pinzhu.readings("长", tone="numbers")[:2] == ["chang2", "zhang3"]


def test_confidence_in_unit_interval():
    out = pinzhu.pinyin_with_confidence("为了还得和行")
    assert all(o is not None and 0.0 <= o[1] <= 1.0 for o in out)
    assert pinzhu.pinyin_with_confidence("银行")[1][1] == 1.0


@pytest.mark.skipif(_segcore is None, reason="C extension not built")
@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from("中文银行銀行行长重复試着为了还得和的一不我们去长大人民共和国 ab1😀"),
               max_size=40), st.booleans())
def test_c_core_equals_python_twin(text, with_user):
    lex = default_lexicon()
    cps = codepoints(text)
    ask = lex.polyphone.copy()
    tables = lex.tables(True, ask)
    user = UserDict.from_mapping({"行长": "hang2 chang2", "重": "zhong4", "a行": "a1 hang2"})
    c_user = py_user = None
    if with_user:
        from pinzhu.segment import user_index
        c_user = user_index(user, lex)
        py_user = PyWordIndex(c_user_cps(user), *_user_arrays(user))
    c = read_arrays(lex.index, c_user, cps, tables)
    p = read_arrays(_python_index(), py_user, cps, tables)
    for name in ("syl", "src", "prob", "flags", "norm", "mapped"):
        assert np.array_equal(getattr(c, name), getattr(p, name)), name


def c_user_cps(user):
    return np.frombuffer("".join(sorted(w for w, _ in user.entries)).encode("utf-32-le"), dtype="<u4")


def _user_arrays(user):
    lex = default_lexicon()
    entries = sorted(user.entries)
    lens = [len(w) for w, _ in entries]
    offsets = np.concatenate([[0], np.cumsum(lens)]).astype(np.int32)
    syl = np.array([lex.syllable_id[s] for _, ss in entries for s in ss], dtype=np.uint16)
    return offsets, np.zeros(len(entries), np.float32), syl


_PY_INDEX = []


def _python_index():
    if not _PY_INDEX:
        lex = default_lexicon()
        cps = np.frombuffer("".join(lex.words).encode("utf-32-le"), dtype="<u4")
        _PY_INDEX.append(PyWordIndex(cps, lex.word_offsets, lex.word_logp, lex.word_syl))
    return _PY_INDEX[0]


def test_reading_is_deterministic():
    a = read("他为了还钱得去银行", use_model=True)
    b = read("他为了还钱得去银行", use_model=True)
    assert np.array_equal(a.syl, b.syl) and np.array_equal(a.prob, b.prob)


def test_neutral_full_cites_lexical_neutral_tones_in_full():
    full = NUM.but(neutral="full")
    assert pinzhu.pinyin("朋友认识衣服", config=NUM) == ["peng2", "you5", "ren4", "shi5", "yi1", "fu5"]
    assert pinzhu.pinyin("朋友认识衣服", config=full) == ["peng2", "you3", "ren4", "shi2", "yi1", "fu2"]
    # grammatical neutral tones stay
    assert pinzhu.pinyin("觉得桌子我们", config=full) == ["jue2", "de5", "zhuo1", "zi5", "wo3", "men5"]
    with pytest.raises(ValueError, match="neutral must be"):
        pinzhu.pinyin("中", config=NUM.but(neutral="bogus"))


def test_model_only_sees_standalone_polyphones():
    seen = []

    class Spy:
        chars = frozenset("行为了长重")

        def predict(self, text, positions, hints):
            seen.append((text, positions.tolist(), list(hints)))
            return ["xing2"] * len(positions), np.full(len(positions), 0.5)

    from pinzhu.read import SRC_MODEL

    r = read("银行为了他行", model=Spy())
    # 银行 and 为了 are words: only the last 行 (alone) and nothing else reaches the model
    assert seen == [("银行为了他行", [5], ["xing2"])]
    assert r.src[5] == SRC_MODEL and r.prob[5] == 0.5
    # a user-dictionary word is never asked either
    seen.clear()
    read("他行", model=Spy(), user_dict=UserDict.from_mapping({"行": "hang2"}))
    assert seen == []


def test_traditional_spellings_of_words():
    # 於 and 瞭 are their own simplified forms too, so their words need their own entries
    assert pinzhu.pinyin("於是瞭解", config=NUM) == ["yu2", "shi4", "liao3", "jie3"]


_SENTENCES = [
    "若事态发展到警区重案组无法处理，则会交由总区重案组接手进行。",
    "残留低气压在南加州和亚利桑那州西部上空减弱，最终于8月30日消散。",
    "这些结果于1927年发表，很快在天文学界引起了轰动。",
    "他还没有回来，为家乡的发展做了很多事情。",
    "銀行行長說：還錢！",   # traditional: mapped before the model sees it
    "",
    "A股\x01\x02混排",       # the separator code points inside a text
    "长",
]


def test_read_many_equals_read_one_by_one():
    """One engine pass over many texts gives each text the reading it gets alone."""
    from pinzhu.read import read_many

    texts = _SENTENCES * 3
    for r, t in zip(read_many(texts), texts):
        q = read(t)
        assert r.text == t
        assert r.syllables() == q.syllables() and (r.src == q.src).all(), t
        assert np.allclose(r.prob, q.prob, atol=1e-6)


def test_segmentation_does_not_drift_on_long_texts():
    """A sentence deep inside a long document segments as it does alone: the segmenter's
    best-route sums run in doubles (float32 sums of ~ -10 per character lost the differences
    between word scores after ~100k characters)."""
    alone = [read(s, use_model=False) for s in _SENTENCES[:4]]
    doc = "\n".join(_SENTENCES[:4] * 4000)   # ~470k characters
    r = read(doc, use_model=False)
    at = 0
    for k in range(4 * 4000):
        q = alone[k % 4]
        n = len(q.text)
        assert (r.src[at:at + n] == q.src).all() and (r.syl[at:at + n] == q.syl).all(), (k, q.text)
        at += n + 1


def test_words_many_equals_words_one_by_one():
    import pinzhu

    texts = _SENTENCES + ["", "abc", "一点儿", "银行\n行长"]
    for cfg in (pinzhu.Config(tone="numbers"), pinzhu.Config(spoken=True)):
        assert pinzhu.words_many(texts, config=cfg) == [pinzhu.words(t, config=cfg) for t in texts]


def test_reading_many_applies_the_config_like_reading():
    """The public batch call honours the frozen config (spoken mode here) text by text."""
    import pinzhu

    cfg = pinzhu.Config(spoken=True, tone="numbers")
    texts = ["一天", "不对", "你好", "展览馆", "他还没有回来。"]
    got = [r.syllables() for r in pinzhu.reading_many(texts, config=cfg)]
    assert got == [pinzhu.reading(t, config=cfg).syllables() for t in texts]
    assert got[0] == ["yi4", "tian1"] and got[1] == ["bu2", "dui4"] and got[2] == ["ni2", "hao3"]


def _tiny_lexicon(path):
    """A two-character lexicon whose syllable table is ordered unlike the shipped one."""
    syllables = ["zhong1", "guo2", "ka1", "yin2", "hang2"]
    np.savez(path, syllables=np.frombuffer("\n".join(syllables).encode(), dtype=np.uint8),
             char_cps=np.array([ord("国"), ord("中")], dtype=np.uint32), char_off=np.array([0, 1, 2], np.int32),
             char_syl=np.array([2, 1], np.uint16), char_share=np.ones(2, np.float16),
             char_logp=np.full(2, -5, np.float32), word_cps=np.zeros(0, np.uint32),
             word_off=np.zeros(1, np.int32), word_syl=np.zeros(0, np.uint16), word_logp=np.zeros(0, np.float32),
             t2s=np.zeros((0, 2), np.uint32), rare_share=np.float32(0.05))
    from pinzhu.lexicon import Lexicon

    return Lexicon(path)


def test_user_dict_reads_through_the_lexicon_it_is_given(tmp_path):
    # The user dictionary's syllables were mapped through the shipped lexicon's table even when
    # read() was given another lexicon: its ids then named other syllables there.
    lex = _tiny_lexicon(tmp_path / "tiny.npz")
    assert read("中国", lexicon=lex, use_model=False).syllables() == ["zhong1", "guo2"]
    ud = UserDict.from_mapping({"中国": "ka1 ka1"})
    assert read("中国", lexicon=lex, user_dict=ud, use_model=False).syllables() == ["ka1", "ka1"]
    assert read("中国", user_dict=ud, use_model=False).syllables() == ["ka1", "ka1"]  # the shipped one too


# --- the one-call engine (pinzhu.read.Engine) --------------------------------------------------

_ENGINE_ALPHABET = "中文银行銀行行长長重复試着为了还得和的一不我们去长大人民共和国朋友认识衣服觉得 ab1😀。，\x01\x02"
_ENGINE_UD = UserDict.from_mapping({"行长": "hang2 chang2", "重": "zhong4", "a行": "a1 hang2"})


@pytest.mark.skipif(_segcore is None, reason="C extension not built")
@settings(max_examples=120, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from(_ENGINE_ALPHABET), max_size=60), max_size=6),
       st.booleans(), st.booleans(), st.sampled_from(["lexical", "full"]), st.booleans())
def test_one_call_engine_equals_the_composed_reading(texts, use_model, traditional, neutral, with_user):
    """Engine.pinyin (segmentation, the model's choice and the neutral-tone swap in one C call)
    gives exactly the syllables of Engine.read (segmentation in C, the model's predict and the
    swap composed in Python), text by text and in one batch."""
    from pinzhu.read import engine

    e = engine(use_model=use_model, traditional=traditional, neutral=neutral,
               user_dict=_ENGINE_UD if with_user else None)
    assert e.one_call
    style = tuple(e.lexicon.syllables)
    composed = [[style[i] for i in e.read(t).syl.tolist()] for t in texts]
    assert [e.pinyin(t, style) for t in texts] == composed
    assert e.pinyin_many(texts, style) == composed
    f = e.styled(style)
    assert [f(t) for t in texts] == composed and f.many(texts) == composed


@pytest.mark.skipif(_segcore is None, reason="C extension not built")
def test_one_call_engine_on_sentences_the_model_decides():
    """Real sentences with standalone polyphones (the model's positions) and long texts (the
    heap scratch): the one-call path equals the composed one, and the model did decide."""
    from pinzhu.read import SRC_MODEL, engine

    e = engine()
    style = tuple(e.lexicon.syllables)
    texts = _SENTENCES + ["他还没有回来。", "他跑得很快。", "为家乡的发展", "\n".join(_SENTENCES * 40)]
    asked = 0
    for t in texts:
        r = e.read(t)
        asked += int((r.src == SRC_MODEL).sum())
        assert e.pinyin(t, style) == [style[i] for i in r.syl.tolist()], t
    assert asked > 40
    assert e.pinyin_many(texts, style) == [e.pinyin(t, style) for t in texts]


@pytest.mark.skipif(_segcore is None, reason="C extension not built")
@pytest.mark.parametrize("options", [{}, {"neutral": "full", "traditional": False},
                                     {"user_dict": _ENGINE_UD}, {"use_model": False}])
def test_batch_runs_read_each_text_alone(options):
    """pinyin_many reads its texts in runs (RUN_CHARS code points, RUN_TEXTS texts, or one
    longer text alone: _segcore.c), each step over the whole run; every text still reads as
    it does alone, at the runs' edges too, with the names stage's hook where names are."""
    from pinzhu import names
    from pinzhu.read import engine

    e = engine(**options)
    style = tuple(e.lexicon.syllables)
    long_text = "".join(_SENTENCES) * 400  # > RUN_CHARS
    texts = (_SENTENCES * 60 + [long_text] + ["记者曾小明说", "单晓红昨天去了杭州。", ""] * 300
             + [long_text[:8191], long_text[:8193]] + _SENTENCES * 700)
    assert len(texts) > 2 * 512 and sum(map(len, texts)) > 4 * 8192
    assert e.pinyin_many(texts, style) == [e.pinyin(t, style) for t in texts]
    hooked = e.styled(style, names.hook_table(e.lexicon), partial(names.auto_syllables, e.lexicon))
    want = [hooked(t) for t in texts]
    assert hooked.many(texts) == want and hooked.many(tuple(texts)) == want
    if not options:
        assert want[len(_SENTENCES) * 60 + 1][2] == "zeng1"  # the hook did fire in the batch


@pytest.mark.skipif(_segcore is None, reason="C extension not built")
@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from(_ENGINE_ALPHABET + "司令部中华人民共和国成立"), max_size=40),
                min_size=1, max_size=8), st.booleans())
def test_index_reads_the_same_before_and_after_its_tables_are_built(texts, with_user):
    """An Index reads its first ~1000 characters without the prefix table and key arrays (they
    are built on first need: start-up), finding each prefix by search instead: the same
    segmentation as once they are built (Index.build), and they do get built."""
    from pinzhu.segment import WordIndex

    lex = default_lexicon()
    fresh = WordIndex(lex.word_cps, lex.word_offsets, lex.word_logp, lex.word_syl)
    built = WordIndex(lex.word_cps, lex.word_offsets, lex.word_logp, lex.word_syl)
    built.build()
    assert not fresh.built and built.built
    from pinzhu.segment import user_index

    user = user_index(_ENGINE_UD, lex) if with_user else None
    tables = lex.tables(True)
    for t in texts:
        cps = codepoints(t)
        a, b = read_arrays(fresh, user, cps, tables), read_arrays(built, user, cps, tables)
        for x, y in zip(a[:5], b[:5]):
            assert np.array_equal(x, y), t
    assert not fresh.built  # fewer than a thousand characters: still without them
    read_arrays(fresh, None, codepoints("中华人民共和国" * 200), tables)
    assert fresh.built


def test_engine_without_the_c_core_reads_the_same():
    """Where the extension is missing, Engine.pinyin goes through Engine.read: same answer."""
    from pinzhu.read import Engine

    e = Engine(default_lexicon(), None, True, None, "lexical")
    e.core = None  # as on an install without a compiler
    style = tuple(e.lexicon.syllables)
    assert not e.one_call
    for t in _SENTENCES:
        assert e.pinyin(t, style) == [style[i] for i in read(t, use_model=False).syl.tolist()]
    assert e.styled(style).many(_SENTENCES) == [e.pinyin(t, style) for t in _SENTENCES]


@pytest.mark.skipif(_segcore is None, reason="C extension not built")
def test_engine_checks_its_arguments():
    from pinzhu.segment import bound_engine

    lex = default_lexicon()
    t = lex.tables()
    with pytest.raises(ValueError, match="one entry per code point"):
        _segcore.Engine(lex.index, None, t.char_score[:10], t.default_syl, t.default_share, t.cflags, None,
                        None, None, None, 0, None, None)
    with pytest.raises(TypeError, match="Scorer"):
        _segcore.Engine(lex.index, None, *t[:4], None, object(), np.zeros(4, np.uint16), None, 0, None, None)
    e = bound_engine(lex.index, None, t, True)
    with pytest.raises(TypeError):
        e.pinyin(b"bytes", ())
    with pytest.raises(TypeError, match=r"texts\[1\]"):
        e.pinyin_many(["ok", 3], ())
    assert e.pinyin("", ()) == [] and e.pinyin_many([], ()) == []


@pytest.mark.skipif(_segcore is None, reason="C extension not built")
def test_result_lists_of_strings_leave_the_cycle_collector_alone():
    """Issue #18: the lists the one-call engine returns hold only str and None, so they are not
    tracked by the cycle collector (a batch of 30,000 tracked lists set off collections that
    walked every object of the process); a style table holding a tracked object keeps them
    tracked, since such a list could then be part of a cycle."""
    import gc

    from pinzhu.segment import bound_engine

    lex = default_lexicon()
    e = bound_engine(lex.index, None, lex.tables(), True)
    plain = tuple(lex.syllables)
    many = pinzhu.pinyin_many(["银行", "abc 行长"])
    assert many == [["yín", "háng"], [None, None, None, None, "háng", "zhǎng"]]
    assert not any(gc.is_tracked(x) for x in many) and not gc.is_tracked(pinzhu.pinyin("银行"))
    assert not gc.is_tracked(e.styled(plain)("银行")) and not gc.is_tracked(e.pinyin_many(["银行"], plain)[0])
    boxed = tuple([s] for s in lex.syllables)  # tracked entries: a list of them may hold a cycle
    assert gc.is_tracked(e.styled(boxed)("银行")) and gc.is_tracked(e.pinyin_many(["银行"], boxed)[0])
    assert e.styled(boxed)("银行") == [boxed[i] for i in read("银行", use_model=False).syl.tolist()]


def test_the_shipped_model_loads_its_weights_when_a_text_first_needs_them():
    """Start-up (issue #18): the engine binds the model's characters at once and reads its
    weights only when a text first asks the model; the answers are the eager model's."""
    import subprocess
    import sys

    code = (
        "import pinzhu\n"
        "from pinzhu.read import default_model\n"
        "a = pinzhu.pinyin('今天我们去银行办事', tone='numbers')\n"
        "m = default_model()\n"
        "print(m is None or not m.loaded)\n"
        "b = pinzhu.pinyin_many(['他还没有回来。', '为家乡的发展'], tone='numbers')\n"
        "print(m is None or m.loaded)\n"
        "from pinzhu.model import PolyphoneModel\n"
        "from pinzhu.read import engine\n"
        "e = engine(model=PolyphoneModel.load())\n"
        "style = (None, *e.lexicon.syllables[1:])\n"
        "print([e.pinyin(t, style) for t in ['今天我们去银行办事', '他还没有回来。', '为家乡的发展']] == [a, *b])\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["True", "True", "True"]


@pytest.mark.skipif(_segcore is None, reason="C extension not built")
def test_a_failing_model_loader_fails_the_call_and_a_later_call_loads_it():
    """The engine's lazy model: a loader that raises makes the call that needed the model raise
    (no half-bound model); texts that never ask the model read without it; the next text that
    asks calls the loader again, and then reads as the eagerly bound engine does."""
    from pinzhu.model import PolyphoneModel
    from pinzhu.read import Engine, ShippedModel
    from pinzhu.segment import bound_engine

    lex = default_lexicon()
    eager = Engine(lex, PolyphoneModel.load(), True, None, "lexical")
    lazy_model = ShippedModel()
    lazy = Engine(lex, lazy_model, True, None, "lexical")
    parts = lazy._model_parts
    calls = []

    def loader():
        calls.append(1)
        if len(calls) == 1:
            raise OSError("weights unreadable")
        return parts()

    core = bound_engine(lex.index, None, lazy.tables, True, loader=loader, slots=lazy_model.slots)
    style = tuple(lex.syllables)
    assert core.has_model and not core.model_loaded
    with pytest.raises(OSError, match="weights unreadable"):
        core.pinyin("他还没有回来。", style)
    assert core.pinyin("银行", style) == eager.pinyin("银行", style) and len(calls) == 1
    texts = ["他还没有回来。", "为家乡的发展", "他跑得很快。"]
    assert core.pinyin_many(texts, style) == eager.pinyin_many(texts, style)
    assert core.model_loaded and len(calls) == 2
    with pytest.raises(TypeError, match="loader"):
        bound_engine(lex.index, None, lazy.tables, True, loader=loader, slots=0)


_SMALL_WORDS = ["ab", "abc", "abd", "ac", "b", "ba", "\U000323afa", "\U000323af\U000323af", "\U00032400b",
                "\U00032400bc", "\U00032400c", "中国", "中国人", "中文", "国人", "人"]


@pytest.mark.skipif(_segcore is None, reason="C extension not built")
@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from("abcd中国人文\U000323af\U00032400"), max_size=30))
def test_c_index_lookups_equal_the_python_twin_on_a_small_index(text):
    """The C index (a first-character table, a hash of two-character prefixes, then binary
    search) finds the words the twin finds, for first characters inside the per-code-point
    tables, at their last entry (U+323AF) and beyond them (U+32400)."""
    from pinzhu.segment import WordIndex

    lex = default_lexicon()
    words = sorted(_SMALL_WORDS)
    cps = np.frombuffer("".join(words).encode("utf-32-le"), dtype="<u4")
    offsets = np.concatenate([[0], np.cumsum([len(w) for w in words])]).astype(np.int32)
    scores = -np.arange(1, len(words) + 1, dtype=np.float32) / 4
    syls = np.arange(1, len(cps) + 1, dtype=np.uint16)
    c_index, py_index = WordIndex(cps, offsets, scores, syls), PyWordIndex(cps, offsets, scores, syls)
    assert [c_index.lookup(w) for w in words] == list(range(len(words)))
    assert c_index.lookup("abx") is None and c_index.lookup("\U00032400x") is None
    tables = lex.tables(False, None)
    c = read_arrays(c_index, None, codepoints(text), tables)
    p = read_arrays(py_index, None, codepoints(text), tables)
    for name in ("syl", "src", "prob", "flags"):
        assert np.array_equal(getattr(c, name), getattr(p, name)), name


@pytest.mark.skipif(_segcore is None, reason="C extension not built")
@pytest.mark.parametrize("words, message", [
    (["ab", "aa"], r"unique and sorted \(word 1\)"),
    (["ab", "ab"], r"unique and sorted \(word 1\)"),
    (["abc", "ab"], r"unique and sorted \(word 1\)"),
    (["a", "", "b"], r"word 1 is empty"),
])
def test_c_index_refuses_words_that_are_not_sorted_and_unique(words, message):
    """The index checks its words in the same pass that builds it (its lookups rely on the order)."""
    cps = np.frombuffer("".join(words).encode("utf-32-le"), dtype="<u4")
    offsets = np.concatenate([[0], np.cumsum([len(w) for w in words])]).astype(np.int32)
    with pytest.raises(ValueError, match=message):
        _segcore.Index(cps, offsets, np.zeros(len(words), np.float32), np.ones(len(cps), np.uint16))
