"""The reading engine: text -> one syllable id (and its probability) per character.

1. code points as a numpy array; traditional characters mapped to simplified (same length);
2. segmentation (``segment.read_arrays``, one pass in C): where a multi-character word covers a
   character, the word's reading wins (a user-dictionary word before all), and every other Han
   character takes its most common reading;
3. where that character is a polyphone, the model (``model.PolyphoneModel``) decides from the
   sentence — only there, batched over the whole text.

>>> r = read("银行行长")
>>> [r.lexicon.syllables[i] for i in r.syl]
['yin2', 'hang2', 'hang2', 'zhang3']
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Any, Sequence

import numpy as np

from .lexicon import TABLE_SIZE, Lexicon, UserDict, default_lexicon
from .segment import SRC_CHAR, SRC_CONT, read_arrays, user_index, word_spans

SRC_MODEL = 4  # the model's choice


def codepoints(text: str) -> np.ndarray:
    """Code points of ``text`` as uint32, one per ``str`` index (lone surrogates kept)."""
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype="<u4")


def han_mask(cps: np.ndarray) -> np.ndarray:
    """True where a code point is a Han character (the same ranges as ../shared/data)."""
    return default_lexicon().han[np.minimum(cps, TABLE_SIZE - 1)]


@dataclass(frozen=True, eq=False)
class Reading:
    """The engine's answer for one text, and what every later stage needs of it: arrays with one
    entry per character, the code points as read, the word spans. Stages take these from here
    rather than recompute them (select, sandhi, render, audit).

    >>> r = read("發展", use_model=False)
    >>> r.syllables(), r.norm_text, r.spans
    (['fa1', 'zhan3'], '发展', [(0, 2)])
    """

    text: str
    lexicon: Lexicon
    syl: np.ndarray    # uint16 syllable id into lexicon.syllables (0: no reading)
    src: np.ndarray    # uint8 where the reading came from (SRC_* flags)
    prob: np.ndarray   # float32 probability of the chosen reading
    han: np.ndarray    # bool, Han character
    norm: np.ndarray   # uint32 code points as read: traditional characters mapped to simplified

    def syllables(self) -> list[str | None]:
        table = self.lexicon.syllables
        return [table[i] if i else None for i in self.syl.tolist()]

    @cached_property
    def norm_text(self) -> str:
        """The text as read (``norm`` as a string): traditional characters simplified."""
        return self.norm.tobytes().decode("utf-32-le", "surrogatepass")

    @cached_property
    def spans(self) -> list[tuple[int, int]]:
        """Word spans (start, end): multi-character words as segmented, every other Han character
        alone, each run of non-Han characters one span (``segment.word_spans``)."""
        return word_spans(self.src, self.han)


@lru_cache(maxsize=1)
def default_model() -> Any:
    """The shipped polyphone model, or None where no weights ship (loaded once; immutable)."""
    try:
        from .model import PolyphoneModel

        return PolyphoneModel.load()
    except (ImportError, FileNotFoundError, OSError):
        return None


def _model_for(model: Any, use_model: bool) -> Any:
    """The model a call uses: the one passed in, else the shipped one; None when turned off."""
    return (model or default_model()) if use_model else None


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
         use_model: bool = True, traditional: bool = True, model: Any = None,
         neutral: str = "lexical") -> Reading:
    """Read ``text``: one syllable id, source and probability per character.

    neutral: "lexical" keeps a word's lexical neutral tones (朋友 péngyou, as dictionaries and
    GB/T 16159 write them); "full" cites those syllables in the character's own full tone
    (péngyǒu), the convention of Wikipedia-derived sets such as CPP, and of pypinyin.
    """
    lex = lexicon or default_lexicon()
    mdl = _model_for(model, use_model)
    ask_table = _model_mask(mdl, lex) if mdl is not None else None
    uix = user_index(user_dict, lex) if user_dict is not None and len(user_dict) else None
    a = read_arrays(lex.index, uix, codepoints(text), lex.tables(traditional, ask_table))
    syl, src, prob = a.syl, a.src, a.prob
    if mdl is not None:
        ask = np.flatnonzero(a.flags & 2)
        if len(ask):
            norm_text = a.norm.tobytes().decode("utf-32-le", "surrogatepass") if a.mapped else text
            # Only characters no word covers are asked; the hint is their most common reading
            # (what the model saw in training: the lexicon pass's reading at each position).
            table = lex.syllables
            hints = [table[i] for i in syl[ask].tolist()] if getattr(mdl, "uses_hints", True) else None
            best, p = mdl.predict(norm_text, ask, hints)
            ids = np.fromiter((lex.syllable_id.get(b, 0) for b in best), dtype=np.uint16, count=len(best))
            ok = ids > 0
            syl[ask[ok]] = ids[ok]
            prob[ask[ok]] = np.asarray(p, dtype=np.float32)[ok]
            src[ask[ok]] = SRC_MODEL
    if mdl is not None and getattr(mdl, "calibration", None) is not None:
        prob = calibrated(prob, src, lex.polyphone[np.minimum(a.norm, TABLE_SIZE - 1)], mdl)
    if neutral == "full":
        full = lex.full_tone[np.minimum(a.norm, TABLE_SIZE - 1)]
        swap = ((src & 0b11) == 2) & lex.is_neutral[syl] & (full > 0)
        syl[swap] = full[swap]
    elif neutral != "lexical":
        raise ValueError(f"neutral must be 'lexical' or 'full', not {neutral!r}")
    return Reading(text, lex, syl, src, prob, (a.flags & 1).view(bool), a.norm)


def calibration_kinds(src: np.ndarray, poly: np.ndarray) -> np.ndarray:
    """Per position, where a polyphone's reading came from (model.CAL_WORD: a lexicon word,
    CAL_DEFAULT: the character's most common reading, CAL_MODEL: the model); CAL_NONE elsewhere
    (a character with one common reading, a user's word: they keep their own certainty)."""
    from .model import CAL_DEFAULT, CAL_MODEL, CAL_NONE, CAL_WORD

    kind = np.full(len(src), CAL_NONE, dtype=np.int64)
    base = src & 0b111
    kind[poly & (base == SRC_MODEL)] = CAL_MODEL
    kind[poly & (base == SRC_CHAR)] = CAL_DEFAULT
    kind[poly & (base == 2)] = CAL_WORD
    return kind


def calibrated(prob: np.ndarray, src: np.ndarray, poly: np.ndarray, mdl: Any) -> np.ndarray:
    """Probabilities that say how often such a reading is right, through the model's calibration
    table (``calibration_kinds``)."""
    return mdl.calibrate(prob, calibration_kinds(src, poly))


def read_many(texts: Sequence[str], *, lexicon: Lexicon | None = None, user_dict: UserDict | None = None,
              use_model: bool = True, traditional: bool = True, model: Any = None,
              neutral: str = "lexical") -> list[Reading]:
    """``[read(t, ...) for t in texts]`` in one engine pass: the model's fixed cost per call
    (~50 µs) is paid once, not once per sentence. Each text still sees only itself: texts are
    joined with separators as wide as the model's context, made of the very padding code points
    the model sees beyond a text's ends (so readings match ``read``; probabilities to float
    rounding).

    >>> [r.syllables() for r in read_many(["银行", "行长"])]
    [['yin2', 'hang2'], ['hang2', 'zhang3']]
    """
    from .model import PAD_BOS, PAD_EOS

    mdl = _model_for(model, use_model)
    k = mdl.context if mdl is not None else 1
    sep = chr(PAD_EOS) * k + chr(PAD_BOS) * k
    r = read(sep.join(texts), lexicon=lexicon, user_dict=user_dict, use_model=use_model,
             traditional=traditional, model=model, neutral=neutral)
    out, a = [], 0
    for t in texts:
        b = a + len(t)
        out.append(Reading(t, r.lexicon, r.syl[a:b], r.src[a:b], r.prob[a:b], r.han[a:b], r.norm[a:b]))
        a = b + len(sep)
    return out


__all__ = ["Reading", "read", "read_many", "lexicon_pass", "codepoints", "han_mask", "SRC_CHAR", "SRC_MODEL", "SRC_CONT"]
