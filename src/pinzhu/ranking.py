"""All readings of each character, ranked by how likely each is in this context.

:func:`ranked` turns one :class:`~pinzhu.read.Reading` into, per character, every reading the
lexicon lists with its probability here, most likely first, each flagged ``rare`` when it is
not in modern use (受 dào, 王 yù: classical or dialect readings, kept but marked):

* where the polyphone model decided, its distribution over the character's readings;
* where a word (or the user dictionary, or a detected name) decided, that reading with the
  engine's probability, and the rest of the mass shared out by how common each other reading is;
* elsewhere, how common each reading of the character is (the lexicon's shares).

A reading is *rare* when it takes under 0.5 % of the character's uses in the word list and no
word of the lexicon above a frequency floor (``CURRENT_LOGP``) has it — so 的 dì (目的) and 了
liǎo (了解) are current though their shares are small — unless it is a surname reading
(单 shàn).

>>> [(a.syllable, a.rare) for a in alternatives("受", tone="numbers")[0]]
[('shou4', False), ('dao4', True)]
>>> [a.syllable for a in alternatives("长大", tone="numbers")[0]]
['zhang3', 'chang2']
>>> heteronyms("中心", tone="numbers")
[['zhong1', 'zhong4'], ['xin1']]
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from . import styles
from .config import Config
from .lexicon import Lexicon
from .pipeline import configured, read_under
from .read import SRC_MODEL, Reading, default_model

CURRENT_LOGP = -14.0  # a word at least this probable keeps its readings current (的士 dī: -13.8)


@dataclass(frozen=True)
class Alternative:
    """One reading of a character: the syllable (in the asked style), its probability in this
    context, and whether it is rare in modern use."""

    syllable: str
    prob: float
    rare: bool


@lru_cache(maxsize=4)
def _word_best(lex: Lexicon) -> dict[int, float]:
    """(code point * 4096 + syllable id) -> the log probability of the most probable word that
    reads that character that way."""
    lens = np.diff(lex.word_offsets)
    logp = np.repeat(lex.word_logp, lens)
    key = lex.word_cps.astype(np.int64) * 4096 + lex.word_syl.astype(np.int64)
    order = np.lexsort((-logp, key))
    k = key[order]
    first = np.r_[True, k[1:] != k[:-1]]
    return dict(zip(k[first].tolist(), logp[order][first].tolist()))


@lru_cache(maxsize=1)
def _surname_readings() -> frozenset[tuple[str, str]]:
    from .names import data

    return frozenset((k[i], s) for k, (syls, _) in data().surnames.items() for i, s in enumerate(syls))


def is_rare(lex: Lexicon, ch: str, syllable: str, share: float) -> bool:
    """Whether ``syllable`` is a reading of ``ch`` that modern use has dropped (see the module)."""
    if share >= lex.rare_share or (ch, syllable) in _surname_readings():
        return False
    best = _word_best(lex).get(ord(ch) * 4096 + lex.syllable_id.get(syllable, 0))
    return best is None or best < CURRENT_LOGP


def ranked(r: Reading, tone: str, *, use_model: bool = True) -> list[list[Alternative] | None]:
    """Per character of ``r``: its readings, most likely first (None for non-Han)."""
    lex = r.lexicon
    fn = styles.get(tone)
    text = r.norm_text
    model_dist = _model_distributions(r) if use_model else {}
    out: list[list[Alternative] | None] = []
    table = lex.syllables
    for i, ch in enumerate(text):
        sid = int(r.syl[i])
        if not r.han[i] or not sid:
            out.append(None)
            continue
        chosen = table[sid]
        shares = dict(lex.reading_shares(ch))
        if chosen not in shares and chosen:  # a spoken or neutral form the list lacks
            shares[chosen] = 0.0
        dist = model_dist.get(i)
        if dist is not None and max(dist, key=dist.get) != chosen:
            dist = None  # a later stage (names) chose another reading than the model's
        if dist is None:
            p = float(r.prob[i])
            rest = {s: w for s, w in shares.items() if s != chosen}
            total = sum(rest.values())
            dist = {chosen: p}
            for s, w in rest.items():
                dist[s] = (1.0 - p) * (w / total if total > 0 else 1.0 / len(rest))
        else:
            dist = {**{s: 0.0 for s in shares}, **dist}
        items = sorted(dist.items(), key=lambda kv: (-kv[1], -shares.get(kv[0], 0.0)))
        out.append([Alternative(fn(s) if s else s, round(float(pr), 4), is_rare(lex, ch, s, shares.get(s, 0.0)))
                    for s, pr in items])
    return out


def _model_distributions(r: Reading) -> dict[int, dict[str, float]]:
    """Where the model chose the reading: its whole distribution over the character's readings."""
    at = np.flatnonzero((r.src & 0b111) == SRC_MODEL)
    model = default_model()
    if not len(at) or model is None:
        return {}
    lex = r.lexicon
    text = r.norm_text
    hints = [lex.syllables[int(lex.default_syl[ord(text[i])])] for i in at.tolist()]
    probs, rows = model.proba(text, at, hints if model.uses_hints else None)
    out = {}
    for k, i in enumerate(at.tolist()):
        if rows[k] < 0:
            continue
        readings = model.readings(text[i])
        out[i] = {s: float(probs[k, j]) for j, s in enumerate(readings)}
    return out


def alternatives(text: str, tone: str | None = None, *, config: Config | None = None,
                 **changes: Any) -> list[list[Alternative] | None]:
    """Per character of ``text``: every reading with its probability in this context, most
    likely first, rare ones flagged (None for non-Han). Options as for :func:`pinzhu.pinyin`.

    >>> [(a.syllable, a.prob) for a in alternatives("银行", tone="numbers")[1]][:2]
    [('hang2', 1.0), ('xing2', 0.0)]
    """
    if tone is not None:
        changes["tone"] = tone
    cfg = configured(config, changes, "alternatives")
    return ranked(read_under(text, cfg), cfg.tone, use_model=cfg.model)


def heteronyms(text: str, tone: str | None = None, *, rare: bool = False, config: Config | None = None,
               **changes: Any) -> list[list[str] | None]:
    """pypinyin's ``heteronym=True`` shape: per character, its readings most likely first in this
    context, without the rare ones unless ``rare=True`` and without a neutral tone that repeats a
    full reading (心 xin beside xīn); None for non-Han.

    >>> heteronyms("王", tone="numbers"), heteronyms("王", tone="numbers", rare=True)
    ([['wang2']], [['wang2', 'wang4', 'yu4']])
    """
    if tone is not None:
        changes["tone"] = tone
    cfg = configured(config, changes, "heteronyms")
    r = read_under(text, cfg)
    alts = ranked(r, "numbers", use_model=cfg.model)
    fn = styles.get(cfg.tone)
    out: list[list[str] | None] = []
    for a in alts:
        if a is None:
            out.append(None)
            continue
        # A word's neutral tone (点心 diǎnxin) is the same reading as the full one, not another.
        full = {x.syllable[:-1] for x in a if not x.syllable.endswith("5")}
        out.append([fn(x.syllable) for k, x in enumerate(a) if (rare or not x.rare)
                    and (k == 0 or not (x.syllable.endswith("5") and x.syllable[:-1] in full))])
    return out


__all__ = ["Alternative", "CURRENT_LOGP", "alternatives", "heteronyms", "is_rare", "ranked"]
