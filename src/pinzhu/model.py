"""Polyphone model runtime: which reading a polyphonic character takes in its sentence.

A hashed-feature softmax per character (multinomial logistic regression), evaluated with numpy
over every queried position of a text at once:

* features are character n-grams around the target (code points at fixed offsets, digits and
  Latin letters folded into one class each), plus the lexicon's hint (the reading a
  multi-character word gives the position, or none) alone and crossed with the neighbours;
* where the config says ``clause``, features of the target's clause beyond that window (how it
  ends, its length, how it starts, the characters up to its end: :func:`clause_rows`);
* every feature is hashed together with the target character into one of ``2**bits`` rows of a
  weight table ``W`` whose columns are the target's reading slots, so one gather + sum gives the
  logits for all positions; slots a character does not have are masked out.

Weights live in ``data/model.npz`` (written by ``scripts/train_model.py``), loaded lazily once.

Hints: pass, per position, the lexicon pass's reading (``pinzhu.read.lexicon_pass``: a
multi-character word's reading where one decides the position, else the character's default
reading). Query every position whose character is in ``chars``, word-decided ones included: the
model learned when to override the lexicon (e.g. neutral-tone words that CPP cites with a full
tone). ``None`` means "no hint" (the model then leans on context and its prior alone).
"""

from __future__ import annotations

import functools
import os
from typing import Sequence

import numpy as np

from . import shipped
from .shipped import load_npz

__all__ = ["PolyphoneModel", "clause_rows", "load_default", "shipped_outline"]

try:  # the same scores in C (see _modelcore.c); numpy below where no compiler was available
    from . import _modelcore
except ImportError:  # pragma: no cover - exercised only on installs without the extension
    _modelcore = None

# Calibration: kinds of position (where a polyphone's reading came from) and bins of raw probability.
CAL_NONE, CAL_WORD, CAL_DEFAULT, CAL_MODEL = -1, 0, 1, 2
CAL_BINS = 20

# Sentinels for the padded code-point array (never valid text code points as used here).
PAD_BOS = 1
PAD_EOS = 2
DIGIT = 0x30
LATIN = 0x61
_MUL = np.uint64(0x9E3779B97F4A7C15)
_MUL2 = np.uint64(0xBF58476D1CE4E5B9)


def _fold_table() -> np.ndarray:
    t = np.arange(0x10000, dtype=np.uint64)
    t[0x30:0x3A] = DIGIT
    t[0xFF10:0xFF1A] = DIGIT
    t[0x41:0x5B] = LATIN
    t[0x61:0x7B] = LATIN
    # punctuation folded by role: what ends a sentence, what pauses, what opens, what closes
    for chars, rep in (("。！？!?…", "。"), ("，、；：,;:", "，"), ("“《（「『【‘(\"[", "“"), ("”》）」』】’)]", "”")):
        for c in chars:
            t[ord(c)] = ord(rep)
    return t


_FOLD = _fold_table()


def codepoints(text: str) -> np.ndarray:
    """Code points of ``text`` (uint64), digits and Latin letters folded to one class each."""
    cp = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype="<u4")
    return np.where(cp < 0x10000, _FOLD[np.minimum(cp, 0xFFFF)], cp.astype(np.uint64))


@functools.lru_cache(maxsize=16)
def _plan(templates: tuple[tuple, ...], bags: tuple[tuple[int, int, int], ...] = ()
          ) -> tuple[int, np.ndarray, np.ndarray, tuple[np.ndarray, np.ndarray]]:
    """(span, column offsets, column table (F, K), (seeds (F,), column salts)) for a template list
    and a bag list.

    A template is a list of offsets (``"h"``: the hint slot); each is one feature. A bag
    ``(lo, hi, n)`` is one feature per n-gram starting at each offset in ``lo..hi`` (n-grams that
    would cover the target are skipped), all hashed with the bag's own seed and salts, so the
    same n-gram anywhere in the window gives the same feature (a bag of n-grams).
    """
    exp: list[tuple[int, list]] = []
    for j, t in enumerate(templates):
        exp.append((j + 1, [("h", 0) if o == "h" else (o, o) for o in t]))
    for b, (lo, hi, n) in enumerate(bags):
        for o in range(lo, hi + 1):
            offs = [o + i for i in range(n)]
            if 0 in offs:
                continue
            exp.append((1001 + b, [(oo, 200 + 8 * b + i) for i, oo in enumerate(offs)]))
    colkeys = sorted({c for _, t in exp for c in t if c[0] != "h"})
    span = max([1] + [abs(o) for o, _ in colkeys])
    col = {c: i for i, c in enumerate(colkeys)}
    hcol, zcol = len(colkeys), len(colkeys) + 1
    K = max([1] + [len(t) for _, t in exp])
    cols = np.full((len(exp), K), zcol, dtype=np.int64)
    for j, (_, t) in enumerate(exp):
        for k, c in enumerate(t):
            cols[j, k] = hcol if c[0] == "h" else col[c]
    with np.errstate(over="ignore"):
        seeds = (np.array([s for s, _ in exp], dtype=np.uint64) * np.uint64(0x51ED27)) * _MUL2
        salt = np.array([0x200000 * (1 + (key + 64)) for _, key in colkeys] + [0x7F00000, 0], dtype=np.uint64)
    offs = np.array([o for o, _ in colkeys], dtype=np.int64)
    return span, offs, cols, (seeds, salt)


def feature_rows(cp: np.ndarray, positions: np.ndarray, hint_slot: np.ndarray,
                 templates: Sequence[Sequence], bits: int, bags: Sequence[Sequence[int]] = ()) -> np.ndarray:
    """Hashed feature rows, shape (len(positions), number of features), int64 in [0, 2**bits).

    ``templates`` is a list of offset lists (code points at those offsets from the target); the
    special offset ``"h"`` stands for the hint slot. Every feature also hashes the target itself.
    All templates are hashed at once: one (n, F) array per step, a fixed number of numpy calls.
    """
    return _rows(_plan(tuple(tuple(t) for t in templates), tuple(tuple(b) for b in bags)),
                 cp, positions, hint_slot, bits)


def _rows(plan, cp, positions, hint_slot, bits) -> np.ndarray:
    span, offs, cols, (seeds, salt) = plan
    pos = positions.astype(np.int64) + span
    padded = np.concatenate([_BOS[:span], cp.astype(np.uint64, copy=False), _EOS[:span]])
    no = len(offs)
    V = np.empty((len(pos), no + 2), dtype=np.uint64)
    V[:, :no] = padded[pos[:, None] + offs[None, :]]
    V[:, no] = hint_slot
    V[:, no + 1] = 0
    V += salt
    # uint64 arithmetic wraps silently (numpy does not warn on integer array overflow)
    H = ((padded[pos] + np.uint64(0x1000)) * _MUL)[:, None] ^ seeds[None, :]
    for k in range(cols.shape[1]):
        H ^= V[:, cols[:, k]]
        H *= _MUL
    H ^= H >> np.uint64(31)
    H *= _MUL2
    return (H >> np.uint64(64 - bits)).astype(np.int64)


_BOS = np.full(64, PAD_BOS, np.uint64)
_EOS = np.full(64, PAD_EOS, np.uint64)


# Clause features (config "clause": true): what decides 为 wèi ("for": 为员工提供…) against wéi ("be,
# as": 宿舍为华人员工宿舍。) is how its clause goes on, past the n-gram window: the clause's last
# characters, its length, the mark that ends it, how it starts, and the characters between.
# A clause ends at a folded sentence or pause mark, a quote or bracket, a space, or the padding
# beyond a text (so texts joined by read_many's separators never see each other), and is read
# at most CLAUSE_MAX characters each way. The C scorer (_modelcore.c: clause_rows) hashes the same.
CLAUSE_MAX = 24
CLAUSE_BAG_FROM = 4  # the bag starts past the trigram templates (offsets 1..3)
CLAUSE_NONE = 3      # "no character here" (inside the clause there is none)
_STOPS = np.array([0x3002, 0xFF0C, 0x201C, 0x201D, 0x20, 0x3000, PAD_BOS, PAD_EOS], dtype=np.uint64)
CLAUSE_FEATURES = 6 + CLAUSE_MAX - CLAUSE_BAG_FROM + 1  # six fixed, then the bag (-1: empty)
with np.errstate(over="ignore"):
    _CSEEDS = (np.arange(2001, 2008, dtype=np.uint64) * np.uint64(0x51ED27)) * _MUL2
_CSALT_A, _CSALT_B = np.uint64(0x9000000), np.uint64(0xA000000)


def clause_rows(cp: np.ndarray, positions: np.ndarray, bits: int) -> np.ndarray:
    """Hashed clause features, shape (len(positions), CLAUSE_FEATURES), int64 in [0, 2**bits), -1
    where a bag entry is empty. ``cp``: folded code points (:func:`codepoints`)."""
    n, pos = len(cp), positions.astype(np.int64)
    idx = np.arange(n, dtype=np.int64)
    stop = np.isin(cp, _STOPS)
    nxt = np.append(np.minimum.accumulate(np.where(stop, idx, n)[::-1])[::-1], n)  # first stop >= i
    prv = np.insert(np.maximum.accumulate(np.where(stop, idx, -1)), 0, -1)          # last stop <= i - 1
    e = np.minimum(nxt[np.minimum(pos + 1, n)], pos + 1 + CLAUSE_MAX)
    s = np.maximum(prv[pos], pos - 1 - CLAUSE_MAX) + 1
    padded = np.concatenate([cp.astype(np.uint64, copy=False), _EOS[:1]])

    def at(q, inside):  # the folded character at q where ``inside``, else CLAUSE_NONE
        return np.where(inside, padded[np.clip(q, 0, n)], np.uint64(CLAUSE_NONE))

    zero = np.zeros(len(pos), np.uint64)
    e1, e2 = at(e - 1, e - 1 > pos), at(e - 2, e - 2 > pos)
    vals = [(e1, zero), (e2, e1), ((e - pos - 1).astype(np.uint64), zero),
            (at(s, s < pos), at(s + 1, s + 1 < pos)), ((pos - s).astype(np.uint64), zero), (padded[e], zero)]
    K = CLAUSE_MAX - CLAUSE_BAG_FROM + 1
    q = pos[:, None] + CLAUSE_BAG_FROM + np.arange(K)[None, :]
    bag_ok = q < e[:, None]
    bag = at(q, bag_ok)
    h0 = (padded[pos] + np.uint64(0x1000)) * _MUL
    out = np.empty((len(pos), 6 + K), dtype=np.int64)
    for t in range(6 + K):
        a, b = vals[t] if t < 6 else (bag[:, t - 6], zero)
        h = h0 ^ _CSEEDS[min(t, 6)]
        h = (h ^ (a + _CSALT_A)) * _MUL
        h = (h ^ (b + _CSALT_B)) * _MUL
        h ^= h >> np.uint64(31)
        h *= _MUL2
        out[:, t] = (h >> np.uint64(64 - bits)).astype(np.int64)
    out[:, 6:][~bag_ok] = -1
    return out


def embedding_index(emb_cps: np.ndarray) -> np.ndarray:
    """Code point (BMP, folded) -> row of the embedding table; the last row (zeros) for none."""
    idx = np.full(0x10001, len(emb_cps), dtype=np.int32)
    bmp = emb_cps < 0x10000
    idx[emb_cps[bmp].astype(np.int64)] = np.flatnonzero(bmp).astype(np.int32)
    return idx


@functools.lru_cache(maxsize=16)
def _dense_plan(offsets: tuple) -> tuple[np.ndarray, np.ndarray]:
    """(every offset, flattened (F,); averaging matrix (entries, F): 1/m over the m offsets an
    entry covers) for an offsets spec (lists as tuples). Built once per spec, not per call."""
    flat = [o for x in offsets for o in (x if isinstance(x, tuple) else (x,))]
    avg = np.zeros((len(offsets), len(flat)), dtype=np.float32)
    k = 0
    for j, x in enumerate(offsets):
        m = len(x) if isinstance(x, tuple) else 1
        avg[j, k:k + m] = 1.0 / m
        k += m
    flat_a = np.asarray(flat, dtype=np.int64)
    for a in (flat_a, avg):  # shared by every call: read-only
        a.setflags(write=False)
    return flat_a, avg


def _as_key(offsets: Sequence) -> tuple:
    return tuple(tuple(x) if isinstance(x, (list, tuple)) else x for x in offsets)


def dense_features(emb: np.ndarray, index: np.ndarray, cp: np.ndarray, positions: np.ndarray,
                   offsets: Sequence) -> np.ndarray:
    """The embeddings of the characters at ``offsets`` around each position, concatenated:
    (n, len(offsets) * dim). An offset given as a list stands for the mean of the embeddings at
    those offsets (a bag: the topic of a wider window). Outside the text, or a character without
    a vector: zeros."""
    flat, avg = _dense_plan(_as_key(offsets))
    at = positions.astype(np.int64)[:, None] + flat[None, :]
    inside = (at >= 0) & (at < len(cp))
    c = cp[np.clip(at, 0, max(len(cp) - 1, 0))]
    rows = np.where(inside & (c < 0x10000), index[np.minimum(c, 0x10000).astype(np.int64)], len(emb) - 1)
    # callers pass blocks of positions (PolyphoneModel.logits: 4096) to bound this (n, F, dim) gather
    return np.matmul(avg, np.take(emb, rows, axis=0)).reshape(len(positions), -1)


class PolyphoneModel:
    """Per-character reading classifier; see the module docstring."""

    def __init__(self, chars_cp: np.ndarray, readings: list[tuple[str, ...]], W: np.ndarray,
                 scale: float, config: dict, hint_table: np.ndarray | None = None, prior: np.ndarray | None = None,
                 dense: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
                 calibration: np.ndarray | None = None):
        self._cps = np.asarray(chars_cp, dtype=np.uint64)  # sorted
        self._readings = readings
        self._W = W
        self._scale = float(scale)
        self.config = config
        self.templates = [list(t) for t in config["templates"]]
        self.bits = int(config["bits"])
        self.slots = int(config["slots"])
        self.bags = [tuple(b) for b in config.get("bags", [])]
        self.clause = bool(config.get("clause", False))
        self._plan = _plan(tuple(tuple(t) for t in self.templates), tuple(self.bags))
        # hint_table[c, hint slot, slot]: learned logit bonus of each slot given the hint's slot
        # (slots + 0: hint outside the label space, slots + 1: no hint)
        self._hint_table = None if hint_table is None else np.asarray(hint_table, dtype=np.float32)
        self.chars = frozenset(chr(int(c)) for c in self._cps)
        self._index = {chr(int(c)): i for i, c in enumerate(self._cps)}
        # code point -> classifier row (-1: none), for the Basic Multilingual Plane
        self._row = np.full(0x10001, -1, dtype=np.int32)
        bmp = self._cps < 0x10000
        self._row[self._cps[bmp].astype(np.int64)] = np.flatnonzero(bmp).astype(np.int32)
        # slot lookup for hints: (char, reading) -> slot
        self._slot = {(chr(int(c)), r): s for c, rs in zip(self._cps, readings) for s, r in enumerate(rs)}
        nr = np.array([len(rs) for rs in readings], dtype=np.int64)
        self._mask = np.where(np.arange(self.slots)[None, :] < nr[:, None], 0.0, -1e9).astype(np.float32)
        if prior is not None:  # the lexicon's (scaled) log reading shares, folded into the mask
            self._mask = self._mask + np.asarray(prior, dtype=np.float32)
        # dense context: (embedding code points, embedding table (+ a zero row), per-character
        # weights (chars, offsets * dim, slots)) — see scripts/embeddings.py
        self._dense = None
        if dense is not None:
            ecps, emb, V = dense
            # C order: np.take on a non-contiguous table copies the whole table on every call
            emb = np.ascontiguousarray(np.vstack([np.asarray(emb, dtype=np.float32),
                                                  np.zeros((1, emb.shape[1]), np.float32)]))
            self._dense = (embedding_index(np.asarray(ecps)), emb, np.ascontiguousarray(V, dtype=np.float32),
                           _as_key(config["dense_offsets"]))
        # calibration[kind, bin]: how often a reading is right, by where it came from (CAL_WORD:
        # a word, CAL_DEFAULT: a polyphone's most common reading, CAL_MODEL: this model) and its
        # raw probability in CAL_BINS bins — fitted on a dev set (scripts/train_model.py)
        self.calibration = None if calibration is None else np.asarray(calibration, dtype=np.float32)
        # hint features only matter where a template or the hint table reads them
        self.uses_hints = self._hint_table is not None or any("h" in t for t in self.templates)
        # the C scorer reads int8 weights (as shipped); anything else takes the numpy path
        use_c = _modelcore is not None and self._hint_table is None and np.asarray(W).dtype == np.int8
        self._c_args = self._core_args() if use_c else None
        self._scorer: tuple | None = None  # (the _c_args it was made from, the bound C scorer)

    @property
    def scorer(self) -> object | None:
        """The C scorer with these weights bound once (``_modelcore.Scorer``), or None where the
        numpy path runs. The reading engine (``pinzhu.read``) scores through it from C."""
        if self._c_args is None:
            return None
        if self._scorer is None or self._scorer[0] is not self._c_args:
            arrays, sizes = self._c_args
            self._scorer = (self._c_args, _modelcore.Scorer(*arrays, *sizes))
        return self._scorer[1]

    def _core_args(self) -> tuple:
        """The model's arrays as the C scorer reads them (contiguous, fixed dtypes), made once."""
        span, offs, cols, (seeds, salt) = self._plan
        c = np.ascontiguousarray
        if self._dense is not None:
            index, emb, V, key = self._dense
            flat, avg = _dense_plan(key)
            dense = (c(index, np.int32), c(emb, np.float32), c(V, np.float32), c(flat, np.int64), c(avg, np.float32))
            dim = emb.shape[1]
        else:
            e = np.zeros(0)
            dense, dim = (e.astype(np.int32), e.astype(np.float32), e.astype(np.float32), e.astype(np.int64),
                          e.astype(np.float32)), 1
        arrays = (c(_FOLD, np.uint64), c(offs, np.int64), c(cols, np.int64), c(seeds, np.uint64), c(salt, np.uint64),
                  c(self._W, np.int8), c(self._mask, np.float32), c(self._row, np.int32), *dense)
        return arrays, (int(span), self.bits, self.slots, int(dim), float(self._scale), int(self.clause))

    # -- loading -------------------------------------------------------------------------
    @classmethod
    def load(cls, path: str | os.PathLike | None = None) -> "PolyphoneModel":
        if path is None:
            return load_default()
        return cls._from_npz(path)

    @classmethod
    def _from_npz(cls, source) -> "PolyphoneModel":
        # a path, or its arrays already read: stored members memory-mapped, deflated ones
        # inflated (pinzhu.shipped)
        z = source if isinstance(source, dict) else load_npz(source)
        import json  # here: the first call needs only shipped_outline (start-up, issue #18)

        config = json.loads(bytes(z["config"]).decode("utf-8"))
        rd = bytes(z["readings"]).decode("utf-8").split("\n")
        readings = [tuple(line.split(" ")) for line in rd]
        W = z["W"]
        scale = float(z["scale"])
        chars_cp = z["chars"]
        hw = z["hint_table"] if "hint_table" in z else None
        prior = z["prior"] if "prior" in z else None
        dense = (z["emb_cps"], z["emb"], z["V"]) if "V" in z else None
        cal = z["calibration"] if "calibration" in z else None
        return cls(chars_cp, readings, W, scale, config, hw, prior, dense, cal)

    # -- queries -------------------------------------------------------------------------
    @property
    def context(self) -> int:
        """How many characters on each side of a position its n-gram and embedding features can
        see (clause features read further, but stop at the padding that separates joined texts)."""
        if self._dense is None:
            return self._plan[0]
        flat = _dense_plan(self._dense[3])[0]
        return max(self._plan[0], int(np.abs(flat).max()))

    def calibrate(self, prob: np.ndarray, kind: np.ndarray) -> np.ndarray:
        """Calibrated probabilities: ``prob`` (raw, float32) looked up in the calibration table of
        each position's ``kind`` (CAL_WORD, CAL_DEFAULT, CAL_MODEL; CAL_NONE keeps the raw value).
        The identity where the model ships without a table."""
        if self.calibration is None:
            return prob
        b = np.minimum((prob * CAL_BINS).astype(np.int64), CAL_BINS - 1)
        out = self.calibration[np.maximum(kind, 0), b]
        return np.where(kind >= 0, out, prob).astype(np.float32)

    def readings(self, ch: str) -> tuple[str, ...]:
        i = self._index.get(ch)
        return self._readings[i] if i is not None else ()

    def hint_slots(self, text: str, positions: np.ndarray, hints) -> np.ndarray:
        """Slot of each hint: 0..slots-1, ``slots`` for a reading outside the label space,
        ``slots + 1`` for no hint."""
        n = len(positions)
        if hints is None:
            return np.full(n, self.slots + 1, dtype=np.int64)
        none, other, get = self.slots + 1, self.slots, self._slot.get
        return np.fromiter(
            (none if h is None else get((text[p], h), other) for p, h in zip(positions.tolist(), hints)),
            dtype=np.int64, count=n)

    def logits(self, text: str, positions: np.ndarray, hints=None) -> tuple[np.ndarray, np.ndarray]:
        """(logits (n, slots) float32 with invalid slots at -1e9, char row index (n,), -1 if unknown)."""
        positions = np.ascontiguousarray(positions, dtype=np.int64)
        hs = (self.hint_slots(text, positions, hints) if self.uses_hints
              else np.full(len(positions), self.slots + 1, dtype=np.int64))
        if self._c_args is None:
            return self._logits_numpy(text, positions, hs)
        z = np.empty((len(positions), self.slots), dtype=np.float32)
        ci = np.empty(len(positions), dtype=np.int32)
        raw = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype="<u4")
        self.scorer.scores(raw, positions, hs, z, ci)
        return z, ci

    def _logits_numpy(self, text: str, positions: np.ndarray, hs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`logits` in numpy: the fallback without the C extension, and its reference."""
        cp = codepoints(text)
        ci = self._row[np.minimum(cp[positions], 0x10000)]
        rows = _rows(self._plan, cp, positions, hs, self.bits)
        z = self._W[rows].sum(axis=1, dtype=np.float32)
        if self.clause:
            crows = clause_rows(cp, positions, self.bits)
            z += (self._W[np.maximum(crows, 0)] * (crows >= 0)[:, :, None]).sum(axis=1, dtype=np.float32)
        z *= np.float32(self._scale)
        cr = np.maximum(ci, 0)
        z += self._mask[cr]
        if self._dense is not None:
            index, emb, V, offs = self._dense
            for a in range(0, len(positions), 4096):  # bounded memory on long documents
                X = dense_features(emb, index, cp, positions[a:a + 4096], offs)
                zs, cs = z[a:a + 4096], cr[a:a + 4096]
                if len(cs) <= 32:
                    zs += np.einsum("nd,nds->ns", X, V[cs])
                    continue
                # one matrix product per character: no (n, dim, slots) gather
                order = np.argsort(cs, kind="stable")
                chars, starts = np.unique(cs[order], return_index=True)
                ends = np.append(starts[1:], len(order))
                for c, i, j in zip(chars.tolist(), starts.tolist(), ends.tolist()):
                    g = order[i:j]
                    zs[g] += X[g] @ V[c]
        if self._hint_table is not None:
            z += self._hint_table[cr, hs]
        return z, ci

    def predict(self, text: str, positions, hints: Sequence[str | None] | None = None
                ) -> tuple[list[str], np.ndarray]:
        """Best reading (numbers form) and its probability for each position (code-point index).

        Positions whose character the model has no classifier for get ``""`` and probability 0.
        """
        positions = np.asarray(positions, dtype=np.int64)
        if len(positions) == 0:
            return [], np.zeros(0, dtype=np.float32)
        z, ci = self.logits(text, positions, hints)
        best = z.argmax(axis=1)
        zmax = z[np.arange(len(z)), best]
        prob = 1.0 / np.exp(z - zmax[:, None]).sum(axis=1)
        prob = np.where(ci >= 0, prob, 0.0).astype(np.float32)
        rd = self._readings
        out = [rd[c][b] if c >= 0 else "" for c, b in zip(ci.tolist(), best.tolist())]
        return out, prob

    def proba(self, text: str, positions, hints=None) -> tuple[np.ndarray, np.ndarray]:
        """Full distribution over reading slots (n, slots) and char row index (for evaluation)."""
        z, ci = self.logits(text, positions, hints)
        z = z - z.max(axis=1, keepdims=True)
        p = np.exp(z)
        p /= p.sum(axis=1, keepdims=True)
        return p, ci


@functools.lru_cache(maxsize=1)
def load_default() -> PolyphoneModel:
    """The shipped weights (``pinzhu/data/model.npz``), loaded once."""
    return PolyphoneModel._from_npz(shipped.load("model.npz"))


@functools.lru_cache(maxsize=1)
def shipped_outline() -> tuple[frozenset[str], int]:
    """The characters the shipped model decides and its reading slots, read without its weights
    (the reading engine binds them at once and loads the weights when a text first needs them)."""
    z = shipped.load("model.npz", only=("chars", "prior", "config"))
    chars = frozenset(chr(int(c)) for c in z["chars"])
    if "prior" in z:  # (characters, slots): the slots without parsing the config (and importing json)
        return chars, int(z["prior"].shape[1])
    import json

    return chars, int(json.loads(bytes(z["config"]).decode("utf-8"))["slots"])
