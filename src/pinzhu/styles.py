"""Output styles: each a small registered function from a numbers-form syllable to text.

>>> render_syllable("lv4", "marks"), render_syllable("lv4", "numbers"), render_syllable("lv4", "none")
('lǜ', 'lv4', 'lü')

Register your own with :func:`register`; the engine maps syllable ids through a per-style
table built once, so a style costs nothing per character.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

import numpy as np

from .syllables import initial_final, split_tone, to_marks, to_plain, to_zhuyin

StyleFn = Callable[[str], str]
_STYLES: dict[str, StyleFn] = {}
_HOOKS: list[Callable[[], None]] = []  # called on every registration (callers that keep tables)


def register(name: str) -> Callable[[StyleFn], StyleFn]:
    """Decorator: make ``fn`` available as ``tone=name``."""

    def deco(fn: StyleFn) -> StyleFn:
        _STYLES[name] = fn
        if "_table" in globals():  # a style registered after import: rebuild tables
            _table.cache_clear()
            _BY_ID.clear()
        for hook in _HOOKS:
            hook()
        return fn

    return deco


@register("numbers")
def numbers(syllable: str) -> str:
    """zhong1, de5, lv4 (neutral 5, ü as v)."""
    return syllable


@register("marks")
def marks(syllable: str) -> str:
    """zhōng, de, lǜ."""
    return to_marks(syllable)


@register("none")
def plain(syllable: str) -> str:
    """zhong, de, lü."""
    return to_plain(syllable)


@register("zhuyin")
def zhuyin(syllable: str) -> str:
    """ㄓㄨㄥ, ˙ㄉㄜ, ㄌㄩˋ."""
    return to_zhuyin(syllable)


# Search and sorting styles (pypinyin's FIRST_LETTER, INITIALS, FINALS, FINALS_TONE, FINALS_TONE3).
# Initials and finals as 《汉语拼音方案》 tables write them: y and w are not initials (yǒu: "" and
# iǒu), contracted finals restored (liú: iou), ü after j, q, x (jù: ü).

@register("first_letter")
def first_letter(syllable: str) -> str:
    """z for zhōng, l for lǜ: what a search box's abbreviations use."""
    return syllable[:1]


@register("initials")
def initials(syllable: str) -> str:
    """zh for zhōng; "" for a syllable without an initial (ā, yǒu, wèi)."""
    return initial_final(syllable)[0]


@register("finals")
def finals(syllable: str) -> str:
    """ong for zhōng, ü for lǜ and jù, iou for yǒu and liú, i for zhī."""
    return initial_final(syllable)[1].replace("v", "ü")


@register("finals_marks")
def finals_marks(syllable: str) -> str:
    """ōng for zhōng, ǜ for lǜ, iǒu for yǒu."""
    return to_marks(initial_final(syllable)[1] + str(split_tone(syllable)[1]))


@register("finals_numbers")
def finals_numbers(syllable: str) -> str:
    """ong1 for zhōng, v4 for lǜ (ü as v, as in numbers), iou3 for yǒu."""
    return initial_final(syllable)[1] + str(split_tone(syllable)[1])

def on_register(hook: Callable[[], None]) -> None:
    """Call ``hook()`` whenever a style is registered: a caller that keeps tables drops them."""
    _HOOKS.append(hook)


def names() -> tuple[str, ...]:
    return tuple(_STYLES)


def get(name: str) -> StyleFn:
    try:
        return _STYLES[name]
    except KeyError:
        raise ValueError(f"unknown tone style {name!r}; choose one of {', '.join(_STYLES)}") from None


def render_syllable(syllable: str, style: str) -> str:
    return get(style)(syllable)


@lru_cache(maxsize=32)
def _table(syllables: tuple[str, ...], style: str) -> np.ndarray:
    fn = get(style)
    table = np.empty(len(syllables), dtype=object)
    table[0] = None
    for i, s in enumerate(syllables[1:], 1):
        table[i] = fn(s)
    return table


_BY_ID: dict[tuple[int, str], tuple[tuple[str, ...], np.ndarray]] = {}


def table(syllables: tuple[str, ...], style: str) -> np.ndarray:
    """Object array: syllable id -> rendered string (id 0 -> None)."""
    # Looked up by identity first: hashing a 1,600-syllable tuple on every call costs more
    # than reading a short sentence.
    hit = _BY_ID.get((id(syllables), style))
    if hit is not None and hit[0] is syllables:
        return hit[1]
    t = _table(syllables, style)
    _BY_ID[(id(syllables), style)] = (syllables, t)
    return t
