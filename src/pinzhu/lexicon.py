"""The lexicon: character readings (with how common each is), word readings and frequencies.

The shipped artifact ``data/lexicon.npz`` is built by ``scripts/build_lexicon.py``. A
:class:`Lexicon` is an immutable value; :func:`default_lexicon` loads the shipped one once.
A :class:`UserDict` is a value too: pass it in (``pinzhu.pinyin(text, user_dict=ud)``); its
words always win over the lexicon's.

>>> lex = default_lexicon()
>>> lex.readings("行")[:2]
('xing2', 'hang2')
>>> lex.word("银行")
('yin2', 'hang2')
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Any

import numpy as np

from .segment import Tables, WordIndex
from .shipped import load, load_npz
from .syllables import from_marks

# Particles and suffixes whose neutral tone is grammar, not the word: neutral="full" keeps them
# (觉得 juéde, 桌子 zhuōzi, 我们 wǒmen).
GRAMMATICAL_NEUTRAL = frozenset("的地得了着过们子头么吗呢吧啊嘛呀啦哩咯么")
# Han characters: the same ranges as ../shared/data use (the one place they are written).
HAN_RANGES = ((0x3007, 0x3007), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x3134F))
# The same ranges as a regular-expression character class body: f"[{HAN_CLASS}]".
HAN_CLASS = "".join(chr(lo) if lo == hi else f"{chr(lo)}-{chr(hi)}" for lo, hi in HAN_RANGES)
# Dense per-code-point tables cover every Han block up to CJK Extension H (U+323AF); the last
# entry stays empty and catches every code point beyond.
TABLE_SIZE = 0x323B1
UNKNOWN_CHAR_SCORE = -25.0  # log probability of a character the lexicon doesn't know


class LexiconError(ValueError):
    """A lexicon or user dictionary that cannot be used; the message says where and why."""


class Lexicon:
    """Character and word readings loaded from a lexicon artifact. Treat as immutable."""

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        # Read-only arrays over a memory map of the file (pinzhu.shipped): no copy, no CRC pass.
        data = load("lexicon.npz") if path is None else load_npz(path)
        self.syllables: tuple[str, ...] = ("",) + tuple(bytes(data["syllables"]).decode("utf-8").split("\n"))
        self.syllable_id: dict[str, int] = {s: i for i, s in enumerate(self.syllables)}
        self._char_cps = data["char_cps"]
        self._char_off = data["char_off"]
        self._char_syl = data["char_syl"]
        self._char_share = data["char_share"].astype(np.float32)
        self.rare_share = float(data["rare_share"])
        # The words, sorted by code points: their code points, offsets into them, syllable ids
        # and log probabilities (what segmentation scores them by).
        self.word_cps: np.ndarray = data["word_cps"]
        self.word_offsets: np.ndarray = data["word_off"]
        self.word_syl: np.ndarray = data["word_syl"]
        self.word_logp: np.ndarray = data["word_logp"].astype(np.float32, copy=False)  # no 1.3 MB copy at start-up
        keep = self._char_cps < TABLE_SIZE - 1
        cps = self._char_cps[keep].astype(np.int64)
        first = self._char_off[:-1][keep]
        # Dense tables indexed by code point (clip to TABLE_SIZE - 1, whose entry is empty).
        self.default_syl = np.zeros(TABLE_SIZE, dtype=np.uint16)
        self.default_syl[cps] = self._char_syl[first]
        self.default_share = np.zeros(TABLE_SIZE, dtype=np.float32)
        self.default_share[cps] = self._char_share[first]
        # A polyphone, for the engine: a second reading that is not rare.
        n_read = np.diff(self._char_off)[keep]
        second = np.where(n_read > 1, self._char_share[np.minimum(first + 1, len(self._char_share) - 1)], 0)
        self.polyphone = np.zeros(TABLE_SIZE, dtype=bool)
        self.polyphone[cps] = second >= self.rare_share
        self.char_score = np.full(TABLE_SIZE, UNKNOWN_CHAR_SCORE, dtype=np.float32)
        self.char_score[cps] = np.maximum(data["char_logp"][keep].astype(np.float32), UNKNOWN_CHAR_SCORE)
        self.t2s = np.arange(TABLE_SIZE, dtype=np.uint32)
        self.t2s[TABLE_SIZE - 1] = 0
        pairs = data["t2s"]
        self.t2s[pairs[:, 0]] = pairs[:, 1]
        self.has_t2s = np.zeros(TABLE_SIZE, dtype=bool)
        self.has_t2s[pairs[:, 0]] = True
        self.han = np.zeros(TABLE_SIZE, dtype=bool)
        for lo, hi in HAN_RANGES:
            self.han[lo: hi + 1] = True
        # Memo of the engine's table sets; filled once per (traditional, model) combination.
        self._tables: dict[tuple[bool, int], tuple[np.ndarray | None, Tables]] = {}

    def tables(self, traditional: bool = True, ask: np.ndarray | None = None) -> Tables:
        """The per-code-point tables ``segment.read_arrays`` reads through. ``ask``: characters
        the model decides when they stand alone (a bool table, or None for no model)."""
        key = (traditional, id(ask))
        hit = self._tables.get(key)
        if hit is not None and hit[0] is ask:
            return hit[1]
        cflags = self.han.astype(np.uint8) | (self.polyphone.astype(np.uint8) << 1)
        if ask is not None:
            cflags |= (ask & self.polyphone & self.han).astype(np.uint8) << 2
        t2s = self.t2s if traditional else np.arange(TABLE_SIZE, dtype=np.uint32)
        t = Tables(self.char_score, self.default_syl, self.default_share, cflags, t2s)
        self._tables[key] = (ask, t)  # holding ask keeps its id from being reused
        return t

    @cached_property
    def is_neutral(self) -> np.ndarray:
        """Syllable id -> whether it is a neutral tone."""
        return np.array([s.endswith("5") for s in self.syllables], dtype=bool)

    @cached_property
    def full_tone(self) -> np.ndarray:
        """For neutral="full": per code point, the character's most common full-tone reading of
        the same syllable as its neutral one (友 you5 -> you3), among its common readings."""
        full = np.zeros(TABLE_SIZE, dtype=np.uint16)
        for cp, a, b in zip(self._char_cps.tolist(), self._char_off[:-1].tolist(), self._char_off[1:].tolist()):
            if cp >= TABLE_SIZE - 1 or b - a < 2 or chr(cp) in GRAMMATICAL_NEUTRAL:
                continue
            syls = [self.syllables[i] for i in self._char_syl[a:b].tolist()]
            neutral = {s[:-1] for s in syls if s.endswith("5")}
            if not neutral:
                continue
            for s, share in zip(syls, self._char_share[a:b].tolist()):  # most common first
                if not s.endswith("5") and s[:-1] in neutral and share >= self.rare_share:
                    full[cp] = self.syllable_id[s]
                    break
        return full

    @cached_property
    def words(self) -> tuple[str, ...]:
        """Every multi-character word, sorted by code points (the order of the word arrays)."""
        text = self.word_cps.tobytes().decode("utf-32-le")
        off = self.word_offsets.tolist()
        return tuple(text[a:b] for a, b in zip(off[:-1], off[1:]))

    @cached_property
    def index(self) -> Any:
        """The words' segmentation index (``segment.WordIndex``)."""
        return WordIndex(self.word_cps, self.word_offsets, self.word_logp, self.word_syl)

    def simplified(self, ch: str) -> str:
        """The simplified form of a traditional character (itself otherwise). The engine maps
        whole texts the same way, in C (``Reading.norm``).

        >>> default_lexicon().simplified("發"), default_lexicon().simplified("a")
        ('发', 'a')
        """
        cp = ord(ch)
        return chr(self.t2s[cp]) if cp < TABLE_SIZE and self.has_t2s[cp] else ch

    def _char_slice(self, ch: str) -> slice | None:
        i = int(np.searchsorted(self._char_cps, ord(ch)))
        if i < len(self._char_cps) and self._char_cps[i] == ord(ch):
            return slice(int(self._char_off[i]), int(self._char_off[i + 1]))
        return None

    def readings(self, ch: str, *, rare: bool = False) -> tuple[str, ...]:
        """Readings of one character, most common first; rare ones only with ``rare=True``.

        >>> default_lexicon().readings("王"), default_lexicon().readings("王", rare=True)
        (('wang2',), ('wang2', 'wang4', 'yu4'))
        """
        return tuple(s for s, share in self.reading_shares(ch) if rare or share >= self.rare_share
                     or s == self.syllables[int(self.default_syl[ord(ch)])])

    def reading_shares(self, ch: str) -> tuple[tuple[str, float], ...]:
        """Every reading of ``ch`` with its share of the character's uses in the word list."""
        sl = self._char_slice(self.simplified(ch))
        if sl is None:
            return ()
        return tuple((self.syllables[int(s)], float(w)) for s, w in zip(self._char_syl[sl], self._char_share[sl]))

    def own_readings(self, ch: str) -> tuple[str, ...]:
        """The readings listed for ``ch`` itself, not through its simplified form (a few mapped
        characters keep readings of their own in words: 犛牛 lí niú, though 犛 maps to 牦)."""
        sl = self._char_slice(ch)
        return () if sl is None else tuple(self.syllables[int(s)] for s in self._char_syl[sl])

    def word(self, word: str) -> tuple[str, ...] | None:
        """The lexicon's reading of a multi-character word, or None if it isn't listed."""
        wid = self.index.lookup(word)
        if wid is None:
            return None
        off = self.word_offsets
        return tuple(self.syllables[int(s)] for s in self.word_syl[off[wid]: off[wid + 1]])

    def word_score(self, word: str) -> float | None:
        """The log probability segmentation gives a listed multi-character word, else None."""
        wid = self.index.lookup(word)
        return None if wid is None else float(self.word_logp[wid])


@lru_cache(maxsize=1)
def default_lexicon() -> Lexicon:
    """The shipped lexicon, loaded once (it is immutable)."""
    return Lexicon()


@dataclass(frozen=True)
class UserDict:
    """Words with their readings that always win over the lexicon. A value: pass it in.

    Readings may be given in numbers (``hang2 hang2``) or tone marks (``hángháng`` is not split:
    separate syllables with spaces).

    >>> ud = UserDict.from_mapping({"行行": "hang2 hang2"})
    >>> ud.entries
    (('行行', ('hang2', 'hang2')),)
    """

    entries: tuple[tuple[str, tuple[str, ...]], ...] = ()
    _lookup: Mapping[str, tuple[str, ...]] = field(default_factory=dict, compare=False, repr=False, hash=False)
    _hash: int = field(default=0, init=False, compare=False, repr=False)
    # What stages derive from the dictionary (its segmentation index, its readings per character),
    # kept here so it lives exactly as long as the dictionary: no module-level cache holds a
    # dictionary, so one made per request (the HTTP API) is freed with its request.
    memo: dict[str, Any] = field(default_factory=dict, init=False, compare=False, repr=False, hash=False)

    def __post_init__(self) -> None:
        # Hashed once: a UserDict is a cache key (per-call caches of its index and readings), and
        # hashing 20,000 entries on every lookup would cost more than the work it saves.
        object.__setattr__(self, "_hash", hash(self.entries))

    def __hash__(self) -> int:
        return self._hash

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, str | Iterable[str]]) -> "UserDict":
        entries = []
        for n, (word, reading) in enumerate(mapping.items(), 1):
            syls = reading.split() if isinstance(reading, str) else list(reading)
            entries.append(_checked_entry(word, syls, f"entry {n} ({word!r})"))
        return cls(tuple(entries), dict(entries))

    @classmethod
    def from_file(cls, path: str | os.PathLike[str]) -> "UserDict":
        """Lines of ``word<TAB>syllables``; ``#`` starts a comment."""
        entries = []
        from .io import read_text  # strict UTF-8: a bad byte is an error naming the file and offset

        for n, line in enumerate(read_text(path).splitlines(), 1):
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            parts = line.split(None, 1)
            if len(parts) != 2:
                raise LexiconError(f"{path}:{n}: expected 'word<TAB>syllables', got {line!r}")
            entries.append(_checked_entry(parts[0], parts[1].split(), f"{path}:{n}"))
        return cls(tuple(entries), dict(entries))

    def get(self, word: str) -> tuple[str, ...] | None:
        return self._lookup.get(word)

    def __len__(self) -> int:
        return len(self.entries)


def _checked_entry(word: str, syls: list[str], where: str) -> tuple[str, tuple[str, ...]]:
    if not word:
        raise LexiconError(f"{where}: empty word")
    if len(syls) != len(word):
        raise LexiconError(f"{where}: {word!r} has {len(word)} characters but {len(syls)} syllables")
    lex = default_lexicon()
    out = []
    for s in syls:
        num = from_marks(s)
        if num not in lex.syllable_id:
            raise LexiconError(f"{where}: {s!r} is not a pinyin syllable")
        out.append(num)
    return word, tuple(out)
