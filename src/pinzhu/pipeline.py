"""The pipeline: reading a text under a :class:`~pinzhu.config.Config`, in one place.

text → read (:mod:`pinzhu.read`: lexicon, segmentation, the model where context decides) →
names (:mod:`pinzhu.names`: surnames read as surnames) → spoken rules (:mod:`pinzhu.sandhi`, when ``spoken`` or ``yi_bu``) → a :class:`~pinzhu.read.Reading`;
and the views of a reading in an output style: :func:`pinyin`, :func:`words`,
:func:`pinyin_with_confidence`. This is the only module where a Config becomes the engine's
arguments; every stage and edge that reads (render, audit, strip, corpus, CLI, server) comes
here, never to the package's ``__init__``.

Every function takes the options as one value (``config=``) or as keywords, merged into it as
ftfy merges its ``TextFixerConfig``: ``pinyin(text, spoken=True)`` is
``pinyin(text, config=Config(spoken=True))``.

>>> pinyin("一点儿", spoken=True)
['yì', 'diǎnr', '']
>>> words("我们去银行", tone="numbers")
[('我们', 'wo3men5'), ('去', 'qu4'), ('银行', 'yin2hang2')]
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache, partial
from typing import Any

import numpy as np

from . import names, styles
from .config import DEFAULT, Config
from .lexicon import default_lexicon
from .options import merged, resolve
from .read import SRC_MODEL, Engine, Reading, default_model, engine, read, read_many_with
from .segment import SRC_CONT, SRC_USER


def configured(config: Config | None, changes: dict[str, Any], where: str = "") -> Config:
    """The Config a call runs under: ``config`` (default :data:`~pinzhu.config.DEFAULT`) with
    the keyword ``changes`` merged in; no copy when there are none."""
    if not changes:
        return config or DEFAULT
    return resolve(changes, (config or DEFAULT, Config), where=where)[0]


def engine_under(cfg: Config) -> Engine:
    """The bound reading engine for ``cfg``'s reading options (made once per combination)."""
    return engine(user_dict=cfg.user_dict, use_model=cfg.model, traditional=cfg.traditional, neutral=cfg.neutral)


def read_under(text: str, cfg: Config) -> Reading:
    """The engine, the names stage and the spoken rules for one text, under ``cfg``. With
    ``cfg.overrides`` the text read is ``text`` without its override markers (``Reading.text``)."""
    if cfg.overrides:
        return read_many_under([text], cfg)[0]
    return _spoken(cfg, _names(cfg, engine_under(cfg).read(text)))


def read_many_under(texts: Sequence[str], cfg: Config) -> list[Reading]:
    """:func:`read_under` for many texts in one engine pass."""
    forced: list[tuple[tuple[int, str], ...]] = []
    if cfg.overrides:
        from .overrides import parse

        parsed = [parse(t) for t in texts]
        texts, forced = [t for t, _ in parsed], [f for _, f in parsed]
    rs = read_many_with(engine_under(cfg), texts)
    if cfg.person_names != "off":
        rs = [_names(cfg, r) for r in rs]
    if any(forced):
        rs = [_force(r, f) for r, f in zip(rs, forced)]
    if cfg.spoken or cfg.yi_bu:
        rs = [_spoken(cfg, r) for r in rs]
        if any(forced):  # the spoken rules saw the forced readings; they stay as forced
            rs = [_force(r, f) for r, f in zip(rs, forced)]
    return rs


def _force(r: Reading, forced: tuple[tuple[int, str], ...]) -> Reading:
    """``r`` with the override readings in place (probability 1, decided like a user word)."""
    if not forced:
        return r
    syl, prob, src = r.syl.copy(), r.prob.copy(), r.src.copy()
    ids = r.lexicon.syllable_id
    for i, s in forced:
        syl[i], prob[i] = ids[s], 1.0
        src[i] = (src[i] & SRC_CONT) | SRC_USER
    return Reading(r.text, r.lexicon, syl, src, prob, r.han, r.norm)


def _names(cfg: Config, r: Reading) -> Reading:
    """Surnames read as surnames (:mod:`pinzhu.names`), as ``cfg.person_names`` says."""
    return r if cfg.person_names == "off" else names.apply(r, cfg.person_names)


def _spoken(cfg: Config, r: Reading) -> Reading:
    if cfg.spoken or cfg.yi_bu:
        # Imported here: citation reading (the default) never loads the spoken rules.
        from .sandhi import RULES, YI_BU_RULES, apply_spoken

        return apply_spoken(r, RULES if cfg.spoken else YI_BU_RULES)
    return r


# --- the reading --------------------------------------------------------------------------------

def reading(text: str, *, config: Config | None = None, **changes: Any) -> Reading:
    """The engine's full answer (syllable ids, sources, probabilities, word spans) for ``text``.

    >>> reading("银行", model=False).syllables()
    ['yin2', 'hang2']
    """
    return read_under(text, configured(config, changes, "reading"))


def reading_many(texts: Sequence[str], *, config: Config | None = None, **changes: Any) -> list[Reading]:
    """:func:`reading` for many texts in one engine pass (faster for many short texts; each text
    reads as it does alone).

    >>> [r.syllables() for r in reading_many(["银行", "行长"])]
    [['yin2', 'hang2'], ['hang2', 'zhang3']]
    """
    return read_many_under(texts, configured(config, changes, "reading_many"))


# --- views of a reading -------------------------------------------------------------------------

def syllables_of(r: Reading, tone: str) -> list[str | None]:
    """One entry per character of the reading: its syllable in style ``tone``, None for non-Han."""
    return styles.table(r.lexicon.syllables, tone)[r.syl].tolist()


def with_confidence(r: Reading, tone: str) -> list[tuple[str, float] | None]:
    """:func:`syllables_of`, each Han entry paired with the probability of its reading."""
    out = syllables_of(r, tone)
    return [None if s is None else (s, p) for s, p in zip(out, r.prob.tolist())]


def words_of(r: Reading, tone: str) -> list[tuple[str, str | None]]:
    """The reading's words with their joined pinyin in style ``tone`` (None for non-Han runs)."""
    rendered = syllables_of(r, tone)
    text, out = r.text, []
    for a, b in r.spans:
        if b - a == 1:  # most words: no join
            out.append((text[a], rendered[a]))
            continue
        syls = rendered[a:b]
        # `None in`, not truthiness: in spoken mode a merged erhua 儿 has the syllable "".
        out.append((text[a:b], None if None in syls else "".join(syls)))
    return out


# --- the public views ---------------------------------------------------------------------------

def _with_tone(config: Config | None, tone: str | None, changes: dict[str, Any], where: str) -> Config:
    if tone is not None:
        changes["tone"] = tone
    return configured(config, changes, where)


# The lean path of pinyin() and pinyin_many(): per (config, tone) as passed, a function that
# reads under the Config they resolve to (Engine.styled). A call without other keywords then
# costs a dict lookup and one C call: no Config merged, no Reading built.
_LEAN: dict[tuple[int, str | None], tuple[Config | None, Any]] = {}
_LEAN_MAX = 256


def _lean(cfg: Config) -> Any:
    """``f(text)`` and ``f.many(texts)``: one syllable per character in ``cfg.tone`` (None for non-Han)."""
    # A user dictionary's engine lives in the dictionary's own memo (no cache here holds one).
    return _make_lean(cfg) if cfg.user_dict is not None else _lean_cached(cfg)


@lru_cache(maxsize=64)
def _lean_cached(cfg: Config) -> Any:
    return _make_lean(cfg)


# The options the one-call engine reads under itself; any other option that is not at its
# default (spoken rules, declared name modes, overrides, one added later) reads the whole Reading.
_LEAN_OPTIONS = ("tone", "model", "traditional", "neutral", "user_dict", "person_names")


def _make_lean(cfg: Config) -> Any:
    plain = dataclasses.replace(cfg, **{k: getattr(DEFAULT, k) for k in _LEAN_OPTIONS})
    if plain != DEFAULT or cfg.person_names not in ("off", "auto"):
        def f(text: str) -> list[str | None]:
            return syllables_of(read_under(text, cfg), cfg.tone)

        f.many = lambda texts: [syllables_of(r, cfg.tone) for r in read_many_under(texts, cfg)]  # type: ignore
        return f
    e = engine_under(cfg)
    style = styles.table(e.lexicon.syllables, cfg.tone).tolist()
    if cfg.person_names == "off":
        return e.styled(style)
    # "auto": the names stage as a hook the engine calls where a name may start
    return e.styled(style, names.hook_table(e.lexicon), partial(names.auto_syllables, e.lexicon))


def _forget_lean() -> None:  # a style registered anew: the tables in the kept functions may be stale
    _LEAN.clear()
    _lean_cached.cache_clear()


styles.on_register(_forget_lean)


def _lean_for(config: Config | None, tone: str | None, changes: dict[str, Any], where: str) -> Any:
    plain = not changes
    if plain:
        hit = _LEAN.get((id(config), tone))
        if hit is not None and hit[0] is config:
            return hit[1]
    cfg = _with_tone(config, tone, changes, where)
    fn = _lean(cfg)
    if plain and cfg.user_dict is None:
        if len(_LEAN) >= _LEAN_MAX:
            _LEAN.clear()
        _LEAN[(id(config), tone)] = (config, fn)  # holding config keeps its id from being reused
    return fn


def pinyin(text: str, tone: str | None = None, *, config: Config | None = None, **changes: Any) -> list[str | None]:
    """One entry per character of ``text``: its pinyin if it is Han, else None.

    >>> pinyin("为了", tone="numbers")
    ['wei4', 'le5']
    """
    if not changes:
        hit = _LEAN.get((id(config), tone))
        if hit is not None and hit[0] is config:
            return hit[1](text)
    return _lean_for(config, tone, changes, "pinyin")(text)


def pinyin_many(texts: Sequence[str], tone: str | None = None, *, config: Config | None = None,
                **changes: Any) -> list[list[str | None]]:
    """:func:`pinyin` for many texts in one call (each text reads as it does alone).

    >>> pinyin_many(["银行", "行长"], tone="numbers")
    [['yin2', 'hang2'], ['hang2', 'zhang3']]
    """
    return _lean_for(config, tone, changes, "pinyin_many").many(texts)


def pinyin_with_confidence(text: str, tone: str | None = None, *, config: Config | None = None,
                           **changes: Any) -> list[tuple[str, float] | None]:
    """Like :func:`pinyin`, each Han entry paired with the probability of its reading.

    >>> pinyin_with_confidence("行", tone="numbers")[0][0]
    'xing2'
    """
    cfg = _with_tone(config, tone, changes, "pinyin_with_confidence")
    return with_confidence(read_under(text, cfg), cfg.tone)


def words(text: str, tone: str | None = None, *, config: Config | None = None,
          **changes: Any) -> list[tuple[str, str | None]]:
    """Segmented words with their joined pinyin (None for non-Han runs).

    >>> words("我们去银行", tone="numbers")
    [('我们', 'wo3men5'), ('去', 'qu4'), ('银行', 'yin2hang2')]
    """
    cfg = _with_tone(config, tone, changes, "words")
    return words_of(read_under(text, cfg), cfg.tone)


def words_many(texts: Sequence[str], tone: str | None = None, *, config: Config | None = None,
               **changes: Any) -> list[list[tuple[str, str | None]]]:
    """:func:`words` for many texts in one engine pass (:func:`reading_many`; each text reads as
    it does alone).

    >>> words_many(["银行", "行长"], tone="numbers")
    [[('银行', 'yin2hang2')], [('行长', 'hang2zhang3')]]
    """
    cfg = _with_tone(config, tone, changes, "words_many")
    return words_of_many(read_many_under(texts, cfg), cfg.tone)


def words_of_many(rs: Sequence[Reading], tone: str) -> list[list[tuple[str, str | None]]]:
    """``[words_of(r, tone) for r in rs]`` with the per-reading array work done once for all of
    them (one style lookup, one pass for the word spans): what makes many short lines cheap."""
    if len(rs) < 2:
        return [words_of(r, tone) for r in rs]
    lens = [len(r.text) for r in rs]
    src = np.concatenate([r.src for r in rs])
    han = np.concatenate([r.han for r in rs])
    rendered = styles.table(rs[0].lexicon.syllables, tone)[np.concatenate([r.syl for r in rs])].tolist()
    text = "".join(r.text for r in rs)
    n = len(text)
    # segment.word_spans over all texts at once, with every text starting a span of its own
    starts = np.ones(n + 1, dtype=bool)
    starts[1:n] = (src[1:] & SRC_CONT) == 0
    nonhan = ~han
    starts[1:n] &= ~(nonhan[1:] & nonhan[:-1])
    offsets = np.cumsum([0, *lens])
    starts[offsets] = True
    bounds = np.flatnonzero(starts).tolist()
    cut = np.searchsorted(bounds, offsets).tolist()
    out = []
    for k in range(len(rs)):
        ws = []
        edges = bounds[cut[k]: cut[k + 1] + 1]
        for a, b in zip(edges[:-1], edges[1:]):
            if b - a == 1:  # most words: no join
                ws.append((text[a], rendered[a]))
                continue
            syls = rendered[a:b]
            # `None in`, not truthiness: in spoken mode a merged erhua 儿 has the syllable "".
            ws.append((text[a:b], None if None in syls else "".join(syls)))
        out.append(ws)
    return out


def readings(char: str, tone: str | None = None, *, rare: bool = False) -> list[str]:
    """Every common reading of one character, most common first (rare ones with ``rare=True``).

    >>> readings("长", tone="numbers")
    ['chang2', 'zhang3']
    """
    if len(char) != 1:
        raise ValueError(f"readings() takes one character, got {len(char)}: {char!r}")
    fn = styles.get(merged(DEFAULT, {"tone": tone}).tone)
    return [fn(s) for s in default_lexicon().readings(char, rare=rare)]


# --- why a reading: the evidence at one position ------------------------------------------------

SOURCES = {1: "character", 2: "word", 3: "user dictionary", SRC_MODEL: "model"}


@dataclass(frozen=True)
class Candidate:
    """One reading a character can have: ``reading`` in the output style, ``syllable`` in
    numbers form; ``share``: its share of the character's uses in the lexicon's words (how
    common it is anywhere); ``probability``: the model's probability for it in this context
    (None where the model did not read this character); ``rare``: rare in modern use."""

    reading: str
    syllable: str
    share: float
    probability: float | None
    rare: bool
    chosen: bool


@dataclass(frozen=True)
class CharChoice:
    """Why one character reads as it does: the reading chosen (``citation``: before the spoken
    rules, when they changed it), where it came from (``source``: ``user dictionary``, ``word``,
    ``character`` — its most common reading, nothing in context decided — or ``model``), every
    reading it can have, and ``context``: the span of the text the model read to decide
    (``None`` when no model decided)."""

    index: int
    char: str
    reading: str
    syllable: str
    probability: float
    source: str
    citation: str | None
    candidates: tuple[Candidate, ...]
    context: tuple[int, int] | None


@dataclass(frozen=True)
class WordChoice:
    """The word (as segmented) holding a position, its reading, and each character's choice."""

    start: int
    end: int
    word: str
    reading: str | None
    chars: tuple[CharChoice, ...]


def readings_at(text: str, at: int, *, config: Config | None = None, **changes: Any) -> WordChoice:
    """The word of ``text`` that holds position ``at`` (a ``str`` index) and, per character,
    the reading chosen, why, and every reading it could have had with its probability (the
    model's, where it read the context) and how common it is.

    >>> w = readings_at("他还没有回来", 1, tone="numbers")
    >>> w.word, w.chars[0].source, [(c.syllable, c.rare) for c in w.chars[0].candidates]
    ('还', 'model', [('hai2', False), ('huan2', False), ('fu2', True)])
    """
    cfg = configured(config, changes, "readings_at")
    if not 0 <= at < len(text):
        raise IndexError(f"position {at} is outside the text (0 to {len(text) - 1})")
    citation = _names(cfg, read(text, user_dict=cfg.user_dict, use_model=cfg.model, traditional=cfg.traditional,
                                neutral=cfg.neutral))
    final = _spoken(cfg, citation)
    start, end = next((a, b) for a, b in final.spans if a <= at < b)
    lex = citation.lexicon
    style = styles.get(cfg.tone)
    table = lex.syllables
    mdl = default_model() if cfg.model else None
    chars = []
    for i in range(start, end):
        if not final.han[i]:  # a run of other text: nothing to choose (and it may be long)
            continue
        sid, fid = int(citation.syl[i]), int(final.syl[i])
        src = int(citation.src[i])
        source = SOURCES.get(src if src == SRC_MODEL else src & 0b11, "none")
        probs: dict[str, float] = {}
        context = None
        if source == "model" and mdl is not None:
            probs, context = _model_view(mdl, citation, i)
        chosen = table[sid] if sid else ""
        shares = dict(lex.reading_shares(text[i]))
        for s in (*lex.own_readings(text[i]), *probs, chosen):
            if s:
                shares.setdefault(s, 0.0)
        order = sorted(shares, key=lambda s: (-(probs.get(s, -1.0)), -shares[s], s))
        cands = tuple(Candidate(style(s), s, round(shares[s], 4),
                                round(probs[s], 4) if s in probs else None,
                                shares[s] < lex.rare_share, s == chosen) for s in order)
        said = final.lexicon.syllables[fid] if fid else ""  # spoken readings have a table of their own
        chars.append(CharChoice(i, text[i], style(said) if said else "", said,
                                round(float(final.prob[i]), 4), source,
                                style(chosen) if chosen and said != chosen else None, cands, context))
    reading = "".join(c.reading for c in chars) if chars else None
    return WordChoice(start, end, text[start:end], reading, tuple(chars))


def _model_view(mdl: Any, r: Reading, i: int) -> tuple[dict[str, float], tuple[int, int]]:
    """The model's distribution over the readings of character ``i`` of ``r``, and the span of
    the text it read, as :func:`pinzhu.read.read` asked it (the lexicon's reading as the hint)."""
    lex = r.lexicon
    cp = int(r.norm[i])
    hint = lex.syllables[int(lex.default_syl[cp])] if cp < len(lex.default_syl) else None
    p, ci = mdl.proba(r.norm_text, np.array([i]), [hint or None] if mdl.uses_hints else None)
    row = int(ci[0])
    probs = {}
    if row >= 0:
        readings = mdl.readings(r.norm_text[i])
        probs = {s: float(p[0, k]) for k, s in enumerate(readings)}
    k = mdl.context
    return probs, (max(0, i - k), min(len(r.text), i + k + 1))


__all__ = ["Candidate", "CharChoice", "WordChoice", "readings_at", "configured", "engine_under", "pinyin", "pinyin_many",
           "pinyin_with_confidence", "read_many_under", "read_under", "reading",
           "reading_many", "readings", "syllables_of", "with_confidence", "words", "words_many", "words_of",
           "words_of_many"]
