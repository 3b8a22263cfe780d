"""Segmentation: maximum-probability segmentation of a text over the lexicon's words.

Each word scores its log probability; a character no word covers scores its own. The best path
wins (jieba's DAG + dynamic programming), so 试着重复 splits 试着|重复, not greedy 试|着重|复.
User-dictionary words score far above any lexicon path, so they always win where they match.

The loop runs in the C extension ``pinzhu._segcore`` when it was built; :class:`PyWordIndex` and
:func:`_read_python` are its pure-Python twin (same results, used where no compiler was
available and in the tests that hold the two equal).

>>> from pinzhu.lexicon import default_lexicon
>>> [w for w, _ in words_of("试着重复", default_lexicon())]
['试着', '重复']
"""

from __future__ import annotations

from typing import Any

import numpy as np

try:  # the compiled core, built by setup.py when a C compiler is present
    from . import _segcore
except ImportError:  # pragma: no cover - exercised where the build had no compiler
    _segcore = None

SRC_NONE, SRC_WORD, SRC_USER, SRC_CONT = 0, 2, 3, 8
USER_BONUS = 1000.0
UNKNOWN_SCORE = -30.0  # a code point beyond the character table


class PyWordIndex:
    """Pure-Python twin of ``_segcore.Index``: words -> (id), with their prefixes."""

    def __init__(self, cps: np.ndarray, offsets: np.ndarray, scores: np.ndarray, syls: np.ndarray) -> None:
        self.offsets = np.asarray(offsets, dtype=np.int32)
        self.scores = np.asarray(scores, dtype=np.float32).tolist()
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
            for k in range(2, len(word)):
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


def read_words(index: Any, user: Any, cps: np.ndarray, char_score: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Segment ``cps`` (uint32 code points) and return (syllable id, source) per code point.

    Source is SRC_NONE where no multi-character word covers the character (its reading is then
    the engine's to decide), SRC_WORD / SRC_USER otherwise, with SRC_CONT added on every
    character of a word but the first.
    """
    cps = np.ascontiguousarray(cps, dtype="<u4")
    syl = np.zeros(len(cps), dtype=np.uint16)
    src = np.zeros(len(cps), dtype=np.uint8)
    if len(cps) == 0:
        return syl, src
    if _segcore is not None and not isinstance(index, PyWordIndex):
        _segcore.read(index, user, cps, np.ascontiguousarray(char_score, dtype=np.float32), syl, src)
        return syl, src
    return _read_python(index, user, cps, char_score, syl, src)


def _read_python(index: PyWordIndex, user: PyWordIndex | None, cps: np.ndarray, char_score: np.ndarray,
                 syl: np.ndarray, src: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    text = cps.tobytes().decode("utf-32-le", "surrogatepass")
    n = len(text)
    table = len(char_score)
    cs = [float(char_score[c]) if c < table else UNKNOWN_SCORE for c in cps.tolist()]
    route = [0.0] * (n + 1)
    choice: list[tuple[int, int] | None] = [None] * (n + 1)
    for i in range(n - 1, -1, -1):
        best = cs[i] + route[i + 1]
        bc = None
        for which, ix in ((0, index), (1, user)):
            if ix is None:
                continue
            for length in range(2, min(n - i, ix.max_len) + 1):
                piece = text[i: i + length]
                wid = ix.ids.get(piece)
                if wid is None:
                    if piece not in ix.prefixes:
                        break
                    continue
                sc = (ix.scores[wid] if which == 0 else USER_BONUS) + route[i + length]
                if sc > best:
                    best, bc = sc, (which, wid)
            if which == 1:
                wid = ix.ids.get(text[i])
                if wid is not None and USER_BONUS + route[i + 1] > best:
                    best, bc = USER_BONUS + route[i + 1], (1, wid)
        route[i], choice[i] = best, bc
    i = 0
    while i < n:
        c = choice[i]
        if c is None:
            i += 1
            continue
        ix = index if c[0] == 0 else user
        start, end = int(ix.offsets[c[1]]), int(ix.offsets[c[1] + 1])
        syl[i: i + end - start] = ix.syls[start:end]
        src[i: i + end - start] = SRC_WORD if c[0] == 0 else SRC_USER
        src[i + 1: i + end - start] |= SRC_CONT
        i += end - start
    return syl, src


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


def words_of(text: str, lexicon: Any, user_dict: Any = None) -> list[tuple[str, tuple[int, int]]]:
    """Segment ``text``: (word, span) pairs covering it exactly."""
    from .read import read

    r = read(text, lexicon=lexicon, user_dict=user_dict, use_model=False)
    return [(text[a:b], (a, b)) for a, b in word_spans(r.src, r.han)]
