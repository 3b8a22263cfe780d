"""Polyphone model runtime: loading, determinism, shapes and a few clear contexts.

Uses only the shipped weights (src/pinzhu/data/model.npz) and small synthetic models built here;
never ../shared.
"""

from __future__ import annotations

import copy
import json

import numpy as np

import pinzhu
import pytest

from pinzhu.model import (CLAUSE_MAX, PAD_BOS, PAD_EOS, PolyphoneModel, _modelcore, clause_rows, codepoints,
                          dense_features, embedding_index, feature_rows, load_default)

try:
    SHIPPED = load_default()
except (FileNotFoundError, OSError):  # pragma: no cover - weights not built
    SHIPPED = None

needs_weights = pytest.mark.skipif(SHIPPED is None, reason="model.npz not built")


def tiny_model(tmp_path):
    """A hand-made model: 行 reads háng after 银, xíng otherwise."""
    cfg = {"bits": 8, "slots": 2, "templates": [[], [-1]]}
    W = np.zeros((1 << 8, 2), dtype=np.int8)
    cp = codepoints("银行")
    rows = feature_rows(cp, np.array([1]), np.array([3]), cfg["templates"], cfg["bits"])
    W[rows[0, 0]] = [10, 0]    # bias: xing2
    W[rows[0, 1]] = [-40, 40]  # left neighbour 银: hang2
    path = tmp_path / "model.npz"
    np.savez(path, W=W, scale=np.array(0.1, np.float32), chars=np.array([ord("行")], np.uint32),
             readings=np.frombuffer("xing2 hang2".encode(), np.uint8),
             config=np.frombuffer(json.dumps(cfg).encode(), np.uint8))
    return PolyphoneModel.load(path)


def test_tiny_model_roundtrip(tmp_path):
    m = tiny_model(tmp_path)
    assert m.chars == frozenset("行")
    assert m.readings("行") == ("xing2", "hang2")
    assert m.readings("好") == ()
    best, p = m.predict("银行", np.array([1]))
    assert best == ["hang2"] and 0.5 < p[0] <= 1.0
    best, p = m.predict("步行", np.array([1]))
    assert best == ["xing2"]
    # unknown characters: empty reading, probability 0
    best, p = m.predict("好", np.array([0]))
    assert best == [""] and p[0] == 0.0
    best, p = m.predict("好", np.array([], dtype=np.int64))
    assert best == [] and len(p) == 0


def test_feature_rows_deterministic_and_in_range():
    cp = codepoints("我们一起去银行取钱，然后行走回家。abc123")
    pos = np.arange(len(cp))
    hs = np.full(len(pos), 7)
    t = [[], [-1], [1], [-2, -1], ["h"], ["h", 1], [1, 2, 3]]
    a = feature_rows(cp, pos, hs, t, 18)
    b = feature_rows(cp, pos, hs, t, 18)
    assert a.shape == (len(pos), len(t))
    assert (a == b).all() and a.min() >= 0 and a.max() < (1 << 18)
    # digits and Latin letters fold to one class: same features for a1 / b2 targets' neighbours
    c1 = feature_rows(codepoints("x行1"), np.array([1]), hs[:1], t, 18)
    c2 = feature_rows(codepoints("y行9"), np.array([1]), hs[:1], t, 18)
    assert (c1 == c2).all()


def test_dense_features_offsets_bags_and_edges():
    """Embeddings at fixed offsets, a list of offsets = their mean, zeros outside the text or
    for a character without a vector."""
    ecps = np.array(sorted(map(ord, "甲乙丙")), dtype=np.uint32)
    index = embedding_index(ecps)
    emb = np.vstack([np.eye(3, dtype=np.float32), np.zeros((1, 3), np.float32)])  # one-hot + zero row
    vec = {ch: emb[index[ord(ch)]] for ch in "甲乙丙"}
    cp = codepoints("甲为乙丙丁")
    X = dense_features(emb, index, cp, np.array([1]), [-1, 1, [1, 2, 3], -5])
    assert X.shape == (1, 12)
    assert (X[0, 0:3] == vec["甲"]).all() and (X[0, 3:6] == vec["乙"]).all()
    assert np.allclose(X[0, 6:9], (vec["乙"] + vec["丙"]) / 3)  # 丁 has no vector: counts as zeros
    assert (X[0, 9:12] == 0).all()  # before the text


@needs_weights
def test_shipped_dense_part_changes_logits():
    """The shipped model's embedding features are live: an unseen-but-similar neighbour moves
    the logits (removing the dense part changes them)."""
    m = SHIPPED
    if m._dense is None:
        pytest.skip("shipped model has no dense features")
    text = "迫使藏军撤退"
    z, _ = m.logits(text, np.array([2]))
    bare = copy.copy(m)  # the shared model stays untouched
    bare._dense = None
    bare._c_args = bare._core_args() if m._c_args is not None else None
    z0, _ = bare.logits(text, np.array([2]))
    assert not np.allclose(z, z0)


@needs_weights
@pytest.mark.skipif(_modelcore is None, reason="C extension not built")
def test_c_scores_equal_numpy_path():
    """The C scorer and the numpy path (the fallback without a compiler) give the same logits,
    to float32 rounding, and the same readings; unknown characters get row -1 in both."""
    m = SHIPPED
    texts = ["银行行长说，长大以后要为家乡的发展多干实事。", "他还没有回来，还得等。", "行",
             "藏军撤退了ABC，１２３。" * 3, "好好学习天天向上", "😀长", "朝阳区的朝阳很美" * 20]
    for t in texts:
        pos = np.array([i for i, c in enumerate(t) if c in m.chars] + [0], dtype=np.int64)
        z, ci = m.logits(t, pos)
        z0, ci0 = m._logits_numpy(t, pos, np.full(len(pos), m.slots + 1, dtype=np.int64))
        assert (ci == ci0).all()
        ok = z0 > -1e8
        assert np.allclose(z[ok], z0[ok], atol=1e-4) and (z.argmax(1) == z0.argmax(1)).all(), t


def test_bag_features_ignore_offset():
    """A bag (lo, hi, n) gives one shared feature per n-gram, wherever it sits in the window."""
    t, bags = [[-1]], [(2, 4, 1)]
    r1 = feature_rows(codepoints("为甲乙丙"), np.array([0]), np.array([0]), t, 18, bags)
    r2 = feature_rows(codepoints("为甲丙乙"), np.array([0]), np.array([0]), t, 18, bags)
    assert r1.shape == (1, 4)
    assert sorted(r1[0, 1:].tolist()) == sorted(r2[0, 1:].tolist())
    assert r1[0, 1:].tolist() != r2[0, 1:].tolist()


@needs_weights
def test_shipped_model_clear_contexts():
    """The engine asks the model only where a polyphone stands alone; these are such positions
    (verified end to end: the model decides them, src 4) and readings it gets right."""
    from pinzhu.read import SRC_MODEL, read

    m = SHIPPED
    cases = [
        ("他还没有回来。", "还", "hai2"),
        ("他跑得很快。", "得", "de5"),
        ("为家乡的发展", "为", "wei4"),   # news text: the CPP prior alone says wéi
        ("他长得很高。", "长", "zhang3"),
        ("这只猫很可爱。", "只", "zhi1"),   # a measure word, not zhǐ "only"
        ("我们都很好。", "都", "dou1"),
    ]
    for text, ch, want in cases:
        assert ch in m.chars
        i = text.index(ch)
        best, p = m.predict(text, np.array([i]), [None])
        assert best == [want], (text, best)
        assert 0.5 < p[0] <= 1.0
        r = read(text)
        assert r.src[i] == SRC_MODEL and r.syllables()[i] == want, (text, r.syllables()[i])


@needs_weights
def test_shipped_model_batch_probabilities_and_determinism():
    m = SHIPPED
    text = "他还说了，行长得重新考虑中长期的种种便利，都为了和大家相处得好。" * 3
    pos = np.array([i for i, c in enumerate(text) if c in m.chars], dtype=np.int64)
    assert len(pos) > 10
    best, p = m.predict(text, pos)
    assert len(best) == len(pos) == len(p)
    assert ((p >= 0) & (p <= 1)).all() and (p > 0).all()
    for b, i in zip(best, pos.tolist()):
        assert b in m.readings(text[i])
    best2, p2 = m.predict(text, pos)
    assert best == best2 and np.array_equal(p, p2)
    # batched equals one at a time
    one = [m.predict(text, np.array([i]))[0][0] for i in pos[:8].tolist()]
    assert one == best[:8]
    # hints are accepted (None or a reading) and keep probabilities in range
    hints = [m.readings(text[i])[0] for i in pos.tolist()]
    hints[0] = None
    _, p3 = m.predict(text, pos, hints)
    assert ((p3 >= 0) & (p3 <= 1)).all()


@needs_weights
def test_load_is_cached_and_path_loading_matches():
    assert PolyphoneModel.load() is PolyphoneModel.load()


def test_calibration_maps_raw_probabilities_by_kind():
    # A model carries a table: how often a reading is right, by where it came from and its raw
    # probability; positions of CAL_NONE keep their own value; no table is the identity.
    import numpy as np
    from pinzhu.model import CAL_BINS, CAL_DEFAULT, CAL_MODEL, CAL_NONE, CAL_WORD, PolyphoneModel

    m = PolyphoneModel.load()
    table, m.calibration = m.calibration, None
    try:
        prob = np.array([1.0, 0.55, 0.97, 0.3], dtype=np.float32)
        kind = np.array([CAL_WORD, CAL_MODEL, CAL_DEFAULT, CAL_NONE])
        assert (m.calibrate(prob, kind) == prob).all()
        m.calibration = np.tile(np.linspace(0.1, 0.99, CAL_BINS, dtype=np.float32), (3, 1))
        m.calibration[CAL_WORD] = 0.998
        out = m.calibrate(prob, kind)
        assert out[0] == np.float32(0.998) and out[3] == np.float32(0.3)
        assert out[1] == m.calibration[CAL_MODEL, int(0.55 * CAL_BINS)]
    finally:
        m.calibration = table


@needs_weights
@pytest.mark.skipif(_modelcore is None, reason="C extension not built")
def test_bound_scorer_equals_the_one_shot_call():
    """The Scorer (the weights bound once, what the engine scores through) gives the module
    function's logits bit for bit, and the C API capsule the engine imports is there."""
    m = SHIPPED
    t = "银行行长说，长大以后要为家乡的发展多干实事。还得"
    pos = np.array([i for i, c in enumerate(t) if c in m.chars], dtype=np.int64)
    hs = np.full(len(pos), m.slots + 1, dtype=np.int64)
    raw = np.frombuffer(t.encode("utf-32-le"), dtype="<u4")
    arrays, sizes = m._c_args
    z0, ci0 = np.empty((len(pos), m.slots), np.float32), np.empty(len(pos), np.int32)
    _modelcore.scores(raw, pos, hs, *arrays, z0, ci0, *sizes)
    z1, ci1 = np.empty_like(z0), np.empty_like(ci0)
    m.scorer.scores(raw, pos, hs, z1, ci1)
    assert np.array_equal(z0, z1) and np.array_equal(ci0, ci1)
    assert m.scorer is m.scorer and m.scorer.slots == m.slots
    assert type(_modelcore._API).__name__ == "PyCapsule"
    with pytest.raises(ValueError, match="buffer sizes"):
        m.scorer.scores(raw, pos, hs[:1], z1, ci1)


@needs_weights
@pytest.mark.skipif(_modelcore is None, reason="C extension not built")
def test_scores_of_texts_laid_end_to_end_equal_each_text_alone():
    """Scorer.scores_spans (what the engine's batch scores a run of texts with: each position
    in its own text) gives, bit for bit, the logits Scorer.scores gives each text alone, and
    each position scored in a group (four at a time) gives what it gets scored by itself."""
    m = SHIPPED
    texts = ["还", "长大以后还得", "他还没有回来，为家乡的发展做了很多事。", "", "银行行长说：还得还钱",
             "长长长长长", "为了"]
    z_alone, ci_alone, lo, hi, pos = [], [], [], [], []
    at = 0
    for t in texts:
        p = np.array([i for i, c in enumerate(t) if c in m.chars], dtype=np.int64)
        raw = np.frombuffer(t.encode("utf-32-le"), dtype="<u4")
        z, ci = np.empty((len(p), m.slots), np.float32), np.empty(len(p), np.int32)
        m.scorer.scores(raw, p, np.full(len(p), m.slots + 1, np.int64), z, ci)
        for k, q in enumerate(p.tolist()):  # one position at a time: no group
            z1, ci1 = np.empty((1, m.slots), np.float32), np.empty(1, np.int32)
            m.scorer.scores(raw, np.array([q], np.int64), np.array([m.slots + 1], np.int64), z1, ci1)
            assert np.array_equal(z1[0], z[k]) and ci1[0] == ci[k], (t, q)
        z_alone.append(z), ci_alone.append(ci)
        lo += [at] * len(p)
        hi += [at + len(t)] * len(p)
        pos += (p + at).tolist()
        at += len(t)
    assert len(pos) > 8  # several groups, the last one short
    raw = np.frombuffer("".join(texts).encode("utf-32-le"), dtype="<u4")
    lo, hi, pos = (np.array(x, dtype=np.int64) for x in (lo, hi, pos))
    hs = np.full(len(pos), m.slots + 1, dtype=np.int64)
    z, ci = np.empty((len(pos), m.slots), np.float32), np.empty(len(pos), np.int32)
    m.scorer.scores_spans(raw, lo, hi, pos, hs, z, ci)
    assert np.array_equal(z, np.concatenate(z_alone)) and np.array_equal(ci, np.concatenate(ci_alone))
    with pytest.raises(ValueError, match="inside its text"):
        m.scorer.scores_spans(raw, lo, lo, pos, hs, z, ci)
    with pytest.raises(ValueError, match="buffer sizes"):
        m.scorer.scores_spans(raw, lo, hi, pos, hs[:1], z, ci)


@needs_weights
def test_the_readings_a_learner_sees_first():
    # The quick start's own errors before natural text (为 wéi before a noun and verb, 还得 dé) and
    # the complement 得 that the shared labels stored as dé (a neutral tone passes their lenient
    # scorer): the shipped weights read each as a reader would.
    cases = {"也为两岸交流搭建了平台": (1, "wèi"), "要为家乡的发展多干实事": (1, "wèi"),
             "还得把重复的工作做好": (1, "děi"), "他写得很好": (2, "de"), "他高兴地说": (3, "de"),
             "他被选为班长": (3, "wéi"), "我不得不走": (2, "dé")}
    for text, (i, want) in cases.items():
        assert pinzhu.pinyin(text)[i] == want, (text, pinzhu.pinyin(text))


def test_clause_features_read_to_the_clause_end_and_no_further():
    """Clause features see how the clause goes on (为员工提供 vs 为员工宿舍), stop at a pause or
    sentence mark, a space, or the padding between joined texts, and read at most CLAUSE_MAX."""
    def rows(text, i=0):
        return clause_rows(codepoints(text), np.array([i]), 20)[0]

    a, b = rows("为员工提供服务。"), rows("为员工宿舍。")
    assert not np.array_equal(a, b)
    # what follows the clause's end mark is not read; the kind of mark is
    assert np.array_equal(rows("为员工提供服务。他走了"), a)
    assert np.array_equal(rows("为员工提供服务！"), a)  # folded: the same sentence end
    assert not np.array_equal(rows("为员工提供服务，他走了"), a)
    sep = chr(PAD_EOS) * 3 + chr(PAD_BOS) * 3
    assert np.array_equal(rows("为员工提供服务" + sep + "别的文本"), rows("为员工提供服务"))
    assert np.array_equal(rows("他说 为员工提供服务", 3), rows("为员工提供服务"))
    # the bag: one row per character from offset 4 to the clause end, -1 for the rest
    assert (a[6:] >= 0).sum() == len("为员工提供服务") - 4 and (rows("为了")[6:] == -1).all()
    # a clause longer than CLAUSE_MAX reads as one that ends there, but for the mark after it
    cut, ended = rows("为" + "长" * 100), rows("为" + "长" * CLAUSE_MAX + "。")
    assert np.array_equal(cut[:5], ended[:5]) and np.array_equal(cut[6:], ended[6:]) and cut[5] != ended[5]


@needs_weights
@pytest.mark.skipif(_modelcore is None, reason="C extension not built")
def test_c_clause_features_equal_numpy_path():
    """With clause features and without, the C scorer gives the numpy path's logits, including
    clauses cut by CLAUSE_MAX, characters outside the BMP and the padding between texts; and the
    shipped model's clause features are live (switching them off changes its logits)."""
    assert SHIPPED.clause
    off = copy.copy(SHIPPED)
    off.clause = False
    off._c_args, off._scorer = off._core_args(), None
    texts = ["为大家带来了很多新的产品，为员工提供服务。", "宿舍为华人员工宿舍", "为",
             "“为什么”他说 为 " + "长" * 40 + "为", "a为b\U00020000为c。为", "为\x01\x02为"]
    changed = False
    for t in texts:
        pos = np.array([i for i, ch in enumerate(t) if ch in SHIPPED.chars], dtype=np.int64)
        hs = np.full(len(pos), SHIPPED.slots + 1, dtype=np.int64)
        for m in (SHIPPED, off):
            z1, ci1 = m.logits(t, pos)
            z2, ci2 = m._logits_numpy(t, pos, hs)
            assert np.array_equal(ci1, ci2) and np.allclose(z1, z2, atol=1e-4)
        changed |= not np.allclose(SHIPPED.logits(t, pos)[0], off.logits(t, pos)[0])
    assert changed
