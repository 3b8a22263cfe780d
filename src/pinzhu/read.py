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
from typing import Any, Callable, Sequence

import numpy as np

from .lexicon import TABLE_SIZE, Lexicon, UserDict, default_lexicon
from .segment import SRC_CHAR, SRC_CONT, Arrays, bound_engine, read_arrays, user_index, word_spans

try:  # the model's C scorer; without it the model runs in numpy, outside the C engine
    from . import _modelcore
except ImportError:  # pragma: no cover - exercised only on installs without the extension
    _modelcore = None

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


class ShippedModel:
    """The shipped polyphone model, its weights read on first use (issue #18: start-up): its
    characters and reading slots are known at once, so the engine binds them; the weights (the
    bulk of the file) load when a text first asks the model, or anything else of it is used.
    Every attribute but ``chars``, ``slots`` and ``loaded`` is the loaded model's."""

    def __init__(self) -> None:
        from .model import shipped_outline

        self.chars, self.slots = shipped_outline()
        self._model: Any = None

    @property
    def loaded(self) -> bool:
        return self._model is not None

    def load(self) -> Any:
        """The model itself (``pinzhu.model.PolyphoneModel``), loaded once."""
        if self._model is None:
            from .model import PolyphoneModel

            self._model = PolyphoneModel.load()
        return self._model

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(self.load(), name)


@lru_cache(maxsize=1)
def default_model() -> Any:
    """The shipped polyphone model (:class:`ShippedModel`: weights read on first use), or None
    where no weights ship (made once; immutable)."""
    try:
        return ShippedModel()
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


class Engine:
    """The reading engine with everything a call needs bound once: the lexicon's tables and word
    index, the user dictionary's index, the model and its C scorer, the neutral-tone tables.
    :func:`engine_for` makes one per combination and keeps it; reading a text is then one C call
    (``_segcore.Engine``) instead of a dozen buffer hand-overs.

    Two ways to read, one answer: :meth:`read` composes the engine in Python (segmentation in C,
    the model's ``predict``, the neutral-tone swap in numpy) and returns the whole
    :class:`Reading`; :meth:`pinyin` runs the same steps in one C call and returns only one
    entry of a style table per character (no probabilities). ``tests/test_read.py`` holds the
    two equal; a step added to one must be added to the other.

    >>> e = engine_for(default_lexicon(), None, True, None, "lexical")
    >>> e.pinyin("银行", e.lexicon.syllables)
    ['yin2', 'hang2']
    """

    def __init__(self, lexicon: Lexicon, model: Any, traditional: bool, user_dict: UserDict | None,
                 neutral: str) -> None:
        if neutral not in ("lexical", "full"):
            raise ValueError(f"neutral must be 'lexical' or 'full', not {neutral!r}")
        self.lexicon, self.model, self.neutral = lexicon, model, neutral
        self.ask_table = _model_mask(model, lexicon) if model is not None else None
        self.tables = lexicon.tables(traditional, self.ask_table)
        self.user = user_index(user_dict, lexicon) if user_dict is not None and len(user_dict) else None
        self.core = self._core(traditional)

    def _core(self, traditional: bool) -> Any:
        lex, mdl = self.lexicon, self.model
        full = (lex.full_tone, lex.is_neutral.astype(np.uint8)) if self.neutral == "full" else (None, None)
        if isinstance(mdl, ShippedModel) and not mdl.loaded and _modelcore is not None:
            # the weights come when a text first asks the model (the C engine calls the loader)
            return bound_engine(lex.index, self.user, self.tables, traditional, None, None, None, 0, *full,
                                loader=self._model_parts, slots=mdl.slots)
        scorer = getattr(mdl, "scorer", None) if mdl is not None else None
        model_syl = hint_slot = None
        hint_none = 0
        if scorer is not None:
            model_syl, hint_slot, hint_none = _model_tables(mdl, lex)
        return bound_engine(lex.index, self.user, self.tables, traditional, scorer, model_syl, hint_slot,
                            hint_none, *full)

    def _model_parts(self) -> tuple[Any, np.ndarray, np.ndarray | None, int]:
        """What the C engine needs of the model, loading its weights: (scorer, model_syl, hint_slot, hint_none)."""
        mdl = self.model.load()
        if mdl.scorer is None:
            raise RuntimeError("the shipped model has no C scorer (weights the C scorer cannot read)")
        return (mdl.scorer, *_model_tables(mdl, self.lexicon))

    def read(self, text: str) -> Reading:
        """The whole reading of ``text``: syllable ids, sources, probabilities (see :func:`read`)."""
        lex, mdl = self.lexicon, self.model
        if self.core is not None:
            n = len(text)
            a = Arrays(np.empty(n, np.uint16), np.empty(n, np.uint8), np.empty(n, np.float32),
                       np.empty(n, np.uint8), np.empty(n, np.uint32), 0)
            a = a._replace(mapped=self.core.read(text, *a[:5]))
        else:
            a = read_arrays(lex.index, self.user, codepoints(text), self.tables)
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
        if self.neutral == "full":
            full = lex.full_tone[np.minimum(a.norm, TABLE_SIZE - 1)]
            swap = ((src & 0b11) == 2) & lex.is_neutral[syl] & (full > 0)
            syl[swap] = full[swap]
        return Reading(text, lex, syl, src, prob, (a.flags & 1).view(bool), a.norm)

    @property
    def one_call(self) -> bool:
        """Whether :meth:`pinyin` reads in one C call (else it goes through :meth:`read`)."""
        return self.core is not None and (self.model is None or self.core.has_model)

    def pinyin(self, text: str, style: Sequence[Any]) -> list[Any]:
        """``[style[syllable id] for each character of text]`` (``style[0]``: what non-Han gets);
        ``style`` a tuple, e.g. ``tuple(styles.table(lexicon.syllables, tone))``."""
        if self.one_call:
            return self.core.pinyin(text, tuple(style))
        return [style[i] for i in self.read(text).syl.tolist()]

    def pinyin_many(self, texts: Sequence[str], style: Sequence[Any]) -> list[list[Any]]:
        """:meth:`pinyin` for each text (each read alone), in one C call."""
        if self.one_call:
            return self.core.pinyin_many(texts, tuple(style))
        return [[style[i] for i in r.syl.tolist()] for r in read_many_with(self, texts)]

    def styled(self, style: Sequence[Any], first: np.ndarray | None = None,
               hook: Callable[[str, bytes, Any], list[tuple[int, int]]] | None = None) -> Callable[[str], list[Any]]:
        """``f`` with ``f(text) == self.pinyin(text, style)`` and ``f.many(texts) ==
        self.pinyin_many(texts, style)``: in C when :attr:`one_call`, so a call costs one C call.

        ``first`` and ``hook``: a stage after the engine that changes a few syllables (the names
        stage). ``hook(text as read, sources as bytes, positions or None)`` returns (position,
        syllable id) pairs;
        the C engine calls it only where ``first`` (bits per code point, see
        ``pinzhu.names.hook_table``) says it could change something, so most texts never leave
        C. (Without the C engine the hook runs on every text: same answer.)

        Where every entry of ``style`` is a str or None, the C engine's lists are not tracked by
        the cycle collector (they cannot be part of a cycle), as CPython does for tuples of
        such objects: many tracked lists set off collections that walk the whole process."""
        style = tuple(style)
        if self.one_call:
            return self.core.styled(style) if hook is None else self.core.styled(style, first, hook)

        def one(r: Reading) -> list[Any]:
            syl = r.syl
            if hook is not None:
                syl = syl.copy()
                for at, sid in hook(r.norm_text, r.src.tobytes(), None):
                    syl[at] = sid
            return [style[i] for i in syl.tolist()]

        def f(text: str) -> list[Any]:
            return one(self.read(text))

        f.many = lambda texts: [one(r) for r in read_many_with(self, texts)]  # type: ignore[attr-defined]
        return f


def _model_tables(model: Any, lexicon: Lexicon) -> tuple[np.ndarray, np.ndarray | None, int]:
    """What the C engine needs of the model besides its scorer: the lexicon's syllable id of each
    classifier row's reading slots (0: none), per code point the hint slot of the character's
    most common reading (None when the model reads no hints), and the slot meaning "no hint"."""
    chars = sorted(model.chars)
    text = "".join(chars)
    _, rows = model.logits(text, np.arange(len(chars), dtype=np.int64), [None] * len(chars))
    slots = model.slots
    model_syl = np.zeros(max(int(rows.max(initial=-1)) + 1, 1) * slots, dtype=np.uint16)
    for ch, row in zip(chars, rows.tolist()):
        if row >= 0:
            for k, r in enumerate(model.readings(ch)[:slots]):
                model_syl[row * slots + k] = lexicon.syllable_id.get(r, 0)
    if not getattr(model, "uses_hints", True):
        return model_syl, None, slots + 1
    hint_slot = np.full(TABLE_SIZE, slots, dtype=np.int64)
    table = lexicon.syllables
    cps = np.array([ord(c) for c in chars if ord(c) < TABLE_SIZE], dtype=np.int64)
    defaults = [table[i] if i else None for i in lexicon.default_syl[cps].tolist()]
    sub = "".join(chr(c) for c in cps.tolist())
    hint_slot[cps] = model.hint_slots(sub, np.arange(len(cps), dtype=np.int64), defaults)
    return model_syl, hint_slot, slots + 1


@lru_cache(maxsize=32)
def engine_for(lexicon: Lexicon, model: Any, traditional: bool, user_dict: None, neutral: str) -> Engine:
    """The :class:`Engine` for this combination without a user dictionary, made once (all its
    parts are immutable); :func:`engine` keeps one with a dictionary in the dictionary's memo."""
    return Engine(lexicon, model, traditional, user_dict, neutral)


def engine(*, lexicon: Lexicon | None = None, user_dict: UserDict | None = None, use_model: bool = True,
           traditional: bool = True, model: Any = None, neutral: str = "lexical") -> Engine:
    """The bound :class:`Engine` that :func:`read` reads through with these arguments (made once:
    kept here, or with a user dictionary in that dictionary's ``memo``, so that no cache holds a
    dictionary made per request)."""
    lex, mdl = lexicon or default_lexicon(), _model_for(model, use_model)
    if user_dict is None or not len(user_dict):
        return engine_for(lex, mdl, traditional, None, neutral)
    key = ("read.engine", id(lex), id(mdl), traditional, neutral)
    hit = user_dict.memo.get(key)
    if hit is not None and hit[0] is lex and hit[1] is mdl:
        return hit[2]
    e = Engine(lex, mdl, traditional, user_dict, neutral)
    user_dict.memo[key] = (lex, mdl, e)  # holding lex and model keeps their ids from being reused
    return e


def read(text: str, *, lexicon: Lexicon | None = None, user_dict: UserDict | None = None,
         use_model: bool = True, traditional: bool = True, model: Any = None,
         neutral: str = "lexical") -> Reading:
    """Read ``text``: one syllable id, source and probability per character.

    neutral: "lexical" keeps a word's lexical neutral tones (朋友 péngyou, as dictionaries and
    GB/T 16159 write them); "full" cites those syllables in the character's own full tone
    (péngyǒu), the convention of Wikipedia-derived sets such as CPP, and of pypinyin.
    """
    return engine(lexicon=lexicon, user_dict=user_dict, use_model=use_model, traditional=traditional,
                  model=model, neutral=neutral).read(text)


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
    e = engine(lexicon=lexicon, user_dict=user_dict, use_model=use_model, traditional=traditional, model=model,
               neutral=neutral)
    return read_many_with(e, texts)


def read_many_with(engine: Engine, texts: Sequence[str]) -> list[Reading]:
    """:func:`read_many` through a bound :class:`Engine`."""
    from .model import PAD_BOS, PAD_EOS

    k = engine.model.context if engine.model is not None else 1
    sep = chr(PAD_EOS) * k + chr(PAD_BOS) * k
    r = engine.read(sep.join(texts))
    out, a = [], 0
    for t in texts:
        b = a + len(t)
        out.append(Reading(t, r.lexicon, r.syl[a:b], r.src[a:b], r.prob[a:b], r.han[a:b], r.norm[a:b]))
        a = b + len(sep)
    return out


__all__ = ["Engine", "Reading", "engine", "engine_for", "read", "read_many", "lexicon_pass", "codepoints", "han_mask", "SRC_CHAR", "SRC_MODEL", "SRC_CONT"]
