"""Segmentation: maximum-probability segmentation of a text over the lexicon's words.

Each word scores its log probability; a character no word covers scores its own. The best path
wins (jieba's DAG + dynamic programming), so 试着重复 splits 试着|重复, not greedy 试|着重|复.
User-dictionary words score far above any lexicon path, so they always win where they match.

The loop runs in the C extension ``pinzhu._segcore`` when it was built; :class:`PyWordIndex` and
:func:`_read_python` are its pure-Python twin (same results, used where no compiler was
available and in the tests that hold the two equal).

This module holds the engine's data structures and its one loop; it imports nothing of pinzhu
(the lexicon builds its tables and index from here, the reading engine runs the loop).

>>> from pinzhu.lexicon import default_lexicon
>>> from pinzhu.read import codepoints
>>> lex = default_lexicon()
>>> a = read_arrays(lex.index, None, codepoints("试着重复"), lex.tables())
>>> word_spans(a.src, (a.flags & 1).view(bool))  # 试|着|重复, never 着重
[(0, 1), (1, 2), (2, 4)]
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

try:  # the compiled core, built by setup.py when a C compiler is present
    from . import _segcore
except ImportError:  # pragma: no cover - exercised where the build had no compiler
    _segcore = None

SRC_NONE, SRC_CHAR, SRC_WORD, SRC_USER, SRC_CONT = 0, 1, 2, 3, 8
USER_BONUS = 1000.0


class PyWordIndex:
    """Pure-Python twin of ``_segcore.Index``: words -> (id), with their prefixes."""

    def __init__(self, cps: np.ndarray, offsets: np.ndarray, scores: np.ndarray, syls: np.ndarray) -> None:
        self.offsets = np.asarray(offsets, dtype=np.int32)
        self.scores = list(np.asarray(scores, dtype=np.float32))
        self.syls = np.asarray(syls, dtype=np.uint16)
        text = np.asarray(cps, dtype="<u4").tobytes().decode("utf-32-le")
        offs = self.offsets.tolist()
        self.ids: dict[str, int] = {}
        self.prefixes: set[str] = set()
        self.max_len = 0
        for w in range(len(offs) - 1):
            word = text[offs[w]: offs[w + 1]]
            self.ids.setdefault(word, w)
            self.max_len = max(self.max_len, len(word))
            for k in range(1, len(word)):
                self.prefixes.add(word[:k])

    def lookup(self, word: str) -> int | None:
        return self.ids.get(word)


def WordIndex(cps: np.ndarray, offsets: np.ndarray, scores: np.ndarray, syls: np.ndarray) -> Any:
    """A word index: the compiled one when available, else the pure-Python twin."""
    cps = np.ascontiguousarray(cps, dtype="<u4")
    offsets = np.ascontiguousarray(offsets, dtype=np.int32)
    scores = np.ascontiguousarray(scores, dtype=np.float32)
    syls = np.ascontiguousarray(syls, dtype=np.uint16)
    if _segcore is not None:
        return _segcore.Index(cps, offsets, scores, syls)
    return PyWordIndex(cps, offsets, scores, syls)


class Tables(NamedTuple):
    """Per-code-point tables the engine reads through (see ``Lexicon.tables``)."""

    char_score: np.ndarray     # float32 log probability of a standalone character
    default_syl: np.ndarray    # uint16 its most common reading
    default_share: np.ndarray  # float32 that reading's share
    cflags: np.ndarray         # uint8: 1 Han, 2 polyphone, 4 ask the model
    t2s: np.ndarray            # uint32 traditional -> simplified (identity elsewhere)


class Arrays(NamedTuple):
    syl: np.ndarray    # uint16 syllable id
    src: np.ndarray    # uint8 SRC_* (| SRC_CONT)
    prob: np.ndarray   # float32
    flags: np.ndarray  # uint8: 1 Han, 2 the model should decide
    norm: np.ndarray   # uint32 the text with traditional characters mapped
    mapped: int        # how many were mapped


def read_arrays(index: Any, user: Any, cps: np.ndarray, tables: Tables) -> Arrays:
    """Segment ``cps`` (uint32 code points) and read every character from the words that cover
    it, or else its most common reading. One pass, in C when the extension is built."""
    cps = np.ascontiguousarray(cps, dtype="<u4")
    n = len(cps)
    out = Arrays(np.empty(n, np.uint16), np.empty(n, np.uint8), np.empty(n, np.float32),
                 np.empty(n, np.uint8), np.empty(n, np.uint32), 0)
    if _segcore is not None and not isinstance(index, PyWordIndex):
        mapped = _segcore.read(index, user, cps, *tables, *out[:5])
        return out._replace(mapped=mapped)
    return _read_python(index, user, cps, tables, out)


def bound_engine(index: Any, user: Any, tables: Tables, traditional: bool, scorer: Any = None,
                 model_syl: np.ndarray | None = None, hint_slot: np.ndarray | None = None, hint_none: int = 0,
                 full_tone: np.ndarray | None = None, is_neutral: np.ndarray | None = None, *,
                 loader: Any = None, slots: int = 0) -> Any:
    """The C engine (``_segcore.Engine``) with these tables, indexes and model bound once, or None
    where the extension was not built (or the index is the pure-Python twin). See
    ``pinzhu.read.Engine`` for what it reads and the path it must equal. ``loader`` (with the
    model's ``slots``) instead of a scorer: the model comes when a text first needs it."""
    if _segcore is None or isinstance(index, PyWordIndex) or isinstance(user, PyWordIndex):
        return None
    args = (index, user, tables.char_score, tables.default_syl, tables.default_share, tables.cflags,
            tables.t2s if traditional else None, scorer, model_syl, hint_slot, hint_none, full_tone, is_neutral)
    return _segcore.Engine(*args, loader, slots) if loader is not None else _segcore.Engine(*args)


def hook_positions(first: np.ndarray, norm: np.ndarray, src: np.ndarray) -> list[int] | None:
    """Where a stage after the engine could change something, by the bits of ``first`` (see
    ``pinzhu.names.hook_table``): the same check the one-call engine makes before it calls its
    hook. None without the extension (then every position is a candidate)."""
    if _segcore is None:
        return None
    return _segcore.hook_positions(first, np.ascontiguousarray(norm, dtype="<u4"),
                                   np.ascontiguousarray(src, dtype=np.uint8))


def _read_python(index: PyWordIndex, user: PyWordIndex | None, cps: np.ndarray, tables: Tables,
                 out: Arrays) -> Arrays:
    nt = len(tables.char_score)
    k = np.minimum(cps, nt - 1)
    norm = np.where(k == nt - 1, cps, tables.t2s[k]).astype(np.uint32)
    out.norm[:] = norm
    k = np.minimum(norm, nt - 1)
    text = norm.tobytes().decode("utf-32-le", "surrogatepass")
    n = len(text)
    # float32 scores summed in doubles, as in C: the same sums, so the same ties (float32 sums
    # drifted on long texts).
    cs = tables.char_score[k].astype(np.float32).astype(np.float64).tolist()
    bonus = float(np.float32(USER_BONUS))
    route = [0.0] * (n + 1)
    choice: list[tuple[int, int] | None] = [None] * (n + 1)
    for i in range(n - 1, -1, -1):
        best = cs[i] + route[i + 1]
        bc = None
        for which, ix in ((0, index), (1, user)):
            if ix is None:
                continue
            for length in range(1 if which else 2, min(n - i, ix.max_len) + 1):
                piece = text[i: i + length]
                wid = ix.ids.get(piece)
                if wid is None:
                    if length > 1 and piece not in ix.prefixes:
                        break
                    continue
                sc = (float(ix.scores[wid]) if which == 0 else bonus) + route[i + length]
                if sc > best:
                    best, bc = sc, (which, wid)
        route[i], choice[i] = best, bc
    f = tables.cflags[k]
    han = (f & 1) > 0
    syl = np.where(han, tables.default_syl[k], 0).astype(np.uint16)
    src = np.where(syl > 0, SRC_CHAR, SRC_NONE).astype(np.uint8)
    prob = np.where(syl > 0, np.where(f & 2, tables.default_share[k], 1.0), 0.0).astype(np.float32)
    ask = (syl > 0) & ((f & 4) > 0)
    i = 0
    while i < n:
        c = choice[i]
        if c is None:
            i += 1
            continue
        ix = index if c[0] == 0 else user
        start, end = int(ix.offsets[c[1]]), int(ix.offsets[c[1] + 1])
        j = i + end - start
        syl[i:j] = np.where(han[i:j], ix.syls[start:end], 0)
        src[i:j] = SRC_WORD if c[0] == 0 else SRC_USER
        src[i + 1: j] |= SRC_CONT
        prob[i:j] = 1.0
        ask[i:j] = False
        i = j
    out.syl[:], out.src[:], out.prob[:] = syl, src, prob
    out.flags[:] = han.astype(np.uint8) | (ask.astype(np.uint8) << 1)
    return out._replace(mapped=int((norm != cps).sum()))


def word_spans(src: np.ndarray, han: np.ndarray) -> list[tuple[int, int]]:
    """Word spans (start, end) from a source array: multi-character words as segmented, every
    other Han character alone, and each maximal run of non-Han characters as one span."""
    n = len(src)
    if n == 0:
        return []
    starts = np.ones(n, dtype=bool)
    starts[1:] = (src[1:] & SRC_CONT) == 0
    # Non-Han runs: a start only where the run begins.
    nonhan = ~han
    starts[1:] &= ~(nonhan[1:] & nonhan[:-1])
    idx = np.flatnonzero(starts).tolist()
    idx.append(n)
    return list(zip(idx[:-1], idx[1:]))


def user_index(user_dict: Any, lexicon: Any) -> Any:
    """The segmentation index of a user dictionary (its ``entries``), its syllables as ids of
    ``lexicon``'s syllable table (None for an empty dictionary). Kept in the dictionary's own
    ``memo``, so it lives as long as the dictionary: a cache here would hold every dictionary a
    server was ever sent.

    >>> from pinzhu.lexicon import UserDict, default_lexicon
    >>> ix = user_index(UserDict.from_mapping({"行长": "hang2 chang2"}), default_lexicon())
    >>> ix.lookup("行长")
    0
    """
    if not user_dict.entries:
        return None
    hit = user_dict.memo.get("segment.index")
    if hit is not None and hit[0] is lexicon:
        return hit[1]
    index = _user_index(user_dict, lexicon)
    user_dict.memo["segment.index"] = (lexicon, index)
    return index


def _user_index(user_dict: Any, lexicon: Any) -> Any:
    entries = sorted(dict(user_dict.entries).items())  # unique (last wins), sorted by code points
    words = [w for w, _ in entries]
    ids = lexicon.syllable_id
    missing = sorted({s for _, ss in entries for s in ss if s not in ids})
    if missing:
        raise ValueError(f"user dictionary syllables not in this lexicon: {', '.join(missing)}")
    cps = np.frombuffer("".join(words).encode("utf-32-le"), dtype="<u4")
    lens = np.array([len(w) for w in words], dtype=np.int32)
    offsets = np.concatenate([[0], np.cumsum(lens)]).astype(np.int32)
    syl = np.array([ids[s] for _, ss in entries for s in ss], dtype=np.uint16)
    return WordIndex(cps, offsets, np.zeros(len(words), dtype=np.float32), syl)
