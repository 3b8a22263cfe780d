"""The reading engine: text -> one syllable id (and its probability) per character.

1. code points as a numpy array; traditional characters mapped to simplified (same length);
2. segmentation (``segment.read_words``): where a multi-character word covers a character, the
   word's reading wins (a user-dictionary word before all);
3. every other Han character takes its most common reading;
4. where that character is a polyphone, the model (``model.PolyphoneModel``) decides from the
   sentence — only there, batched over the whole text.

>>> r = read("银行行长")
>>> [r.lexicon.syllables[i] for i in r.syl]
['yin2', 'hang2', 'hang2', 'zhang3']
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from .lexicon import TABLE_SIZE, Lexicon, UserDict, default_lexicon, user_index
from .segment import SRC_CONT, SRC_NONE, read_words

SRC_CHAR = 1   # a single character's most common reading
SRC_MODEL = 4  # the model's choice

_HAN_RANGES = ((0x3007, 0x3007), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x3134F))


def codepoints(text: str) -> np.ndarray:
    """Code points of ``text`` as uint32, one per ``str`` index (lone surrogates kept)."""
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype="<u4")


def han_mask(cps: np.ndarray) -> np.ndarray:
    """True where a code point is a Han character (the same ranges as ../shared/data)."""
    m = np.zeros(len(cps), dtype=bool)
    for lo, hi in _HAN_RANGES:
        m |= (cps >= lo) & (cps <= hi)
    return m


@dataclass(frozen=True)
class Reading:
    """The engine's answer for one text: arrays with one entry per character."""

    text: str
    lexicon: Lexicon
    syl: np.ndarray    # uint16 syllable id into lexicon.syllables (0: no reading)
    src: np.ndarray    # uint8 where the reading came from (SRC_* flags)
    prob: np.ndarray   # float32 probability of the chosen reading
    han: np.ndarray    # bool, Han character

    def syllables(self) -> list[str | None]:
        table = self.lexicon.syllables
        return [table[i] if i else None for i in self.syl.tolist()]


@lru_cache(maxsize=1)
def default_model() -> Any:
    """The shipped polyphone model, or None where no weights ship (loaded once; immutable)."""
    try:
        from .model import PolyphoneModel

        return PolyphoneModel.load()
    except (ImportError, FileNotFoundError, OSError):
        return None


@lru_cache(maxsize=4)
def _model_mask(model: Any, lexicon: Lexicon) -> np.ndarray:
    mask = np.zeros(TABLE_SIZE, dtype=bool)
    cps = [ord(c) for c in model.chars if ord(c) < TABLE_SIZE]
    mask[cps] = True
    return mask & lexicon.polyphone


def lexicon_pass(text: str, lexicon: Lexicon | None = None,
                 user_dict: UserDict | None = None) -> tuple[list[str | None], np.ndarray]:
    """Readings from the lexicon and segmentation alone, and a mask "decided by a multi-character
    word". The model's training uses this to see what the lexicon would say."""
    r = read(text, lexicon=lexicon, user_dict=user_dict, use_model=False)
    return r.syllables(), (r.src & 0b11) >= 2


def read(text: str, *, lexicon: Lexicon | None = None, user_dict: UserDict | None = None,
         use_model: bool = True, traditional: bool = True, model: Any = None) -> Reading:
    """Read ``text``: one syllable id, source and probability per character."""
    lex = lexicon or default_lexicon()
    cps = codepoints(text)
    clipped = np.minimum(cps, TABLE_SIZE - 1)
    norm_text = text
    if traditional:
        mapped = lex.has_t2s[clipped]
        if mapped.any():
            cps = np.where(mapped, lex.t2s[clipped], cps).astype("<u4")
            clipped = np.minimum(cps, TABLE_SIZE - 1)
            norm_text = cps.tobytes().decode("utf-32-le", "surrogatepass")
    uix = user_index(user_dict) if user_dict is not None and len(user_dict) else None
    syl, src = read_words(lex.index, uix, cps, lex.char_score)
    han = han_mask(cps)
    prob = np.ones(len(cps), dtype=np.float32)

    single = src == SRC_NONE
    syl = np.where(single, lex.default_syl[clipped], syl)
    prob = np.where(single, lex.default_share[clipped], prob)
    src = np.where(single & (syl > 0), SRC_CHAR, src).astype(np.uint8)
    syl[~han] = 0
    prob[~han | (syl == 0)] = 0.0
    # Characters with one common reading are certain; only polyphones keep their share.
    sure = single & ~lex.polyphone[clipped] & (syl > 0)
    prob[sure] = 1.0

    mdl = (model or default_model()) if use_model else None
    if mdl is not None:
        ask = np.flatnonzero(single & han & _model_mask(mdl, lex)[clipped])
        if len(ask):
            # Only characters no word covers are asked, so there is no word reading to hint.
            best, p = mdl.predict(norm_text, ask, None)
            ids = np.fromiter((lex.syllable_id.get(b, 0) for b in best), dtype=np.uint16, count=len(best))
            ok = ids > 0
            syl[ask[ok]] = ids[ok]
            prob[ask[ok]] = np.asarray(p, dtype=np.float32)[ok]
            src[ask[ok]] = SRC_MODEL
    return Reading(text, lex, syl, src, prob, han)


def word_readings(r: Reading) -> list[tuple[int, int]]:
    """Word spans of a reading (see ``segment.word_spans``)."""
    from .segment import word_spans

    return word_spans(r.src, r.han)


__all__ = ["Reading", "read", "lexicon_pass", "codepoints", "han_mask", "SRC_CHAR", "SRC_MODEL", "SRC_CONT"]
