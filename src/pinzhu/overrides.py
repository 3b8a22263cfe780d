"""Inline reading overrides: ``这把剑长<cháng>三十公分`` forces 长 to read cháng.

With the option ``overrides=True`` (off by default), a ``<…>`` right after a Han character whose
content is pinyin forces the reading of the characters before it, one syllable per character:
``长<cháng>``, ``长<chang2>``, ``银行<yín háng>``, ``银行<yin2hang2>``. The markers are removed: every
function reads, and answers for, the text without them. A syllable that is not a reading of its
character is an :class:`OverrideError` that says where (offset and line in the text as given).
Anything else in angle brackets (``a<b``, ``<p>``, ``的<>``) is text and stays.

>>> parse("这把剑长<cháng>三十公分")
('这把剑长三十公分', ((3, 'chang2'),))
>>> parse("银行<yin2hang2>")
('银行', ((0, 'yin2'), (1, 'hang2')))
>>> parse("长<zhong1>")
Traceback (most recent call last):
...
pinzhu.overrides.OverrideError: override at offset 1 (line 1): zhong1 is not a reading of 长 (readings: cháng, zhǎng)
"""

from __future__ import annotations

import re

from .io import InputError
from .lexicon import HAN_CLASS, default_lexicon
from .syllables import from_marks, to_marks

# A marker: one or more Han characters, then <pinyin>: letters (with tone marks or ü), digits
# 1-5, spaces and apostrophes; at most 32 syllables' worth.
_MARKER = re.compile(rf"(?P<han>[{HAN_CLASS}]+)<(?P<py>[a-züāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ:1-5 ']{{1,200}})>", re.IGNORECASE)
_SYLLABLE = re.compile(r"[a-zü:āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ]+[1-5]?")


class OverrideError(InputError):
    """An override that cannot apply; ``offset`` is where its marker starts in the text given."""

    def __init__(self, message: str, offset: int = 0) -> None:
        super().__init__(message)
        self.offset = offset

    def __reduce__(self) -> tuple:  # crosses process boundaries (the HTTP workers) whole
        return (type(self), (str(self), self.offset))


def split_syllables(written: str) -> list[str]:
    """``"yín háng"``, ``"yin2hang2"``, ``"xi'an"`` -> the syllables, lowercase."""
    out = []
    for part in re.split(r"[\s']+", written.strip().lower()):
        out += _SYLLABLE.findall(part) if re.search(r"[1-5]", part) else ([part] if part else [])
    return out


def parse(text: str) -> tuple[str, tuple[tuple[int, str], ...]]:
    """The text without its override markers, and the forced readings: (position in that text,
    syllable in numbers form). Raises :class:`OverrideError` for a marker that cannot apply."""
    if "<" not in text:
        return text, ()
    lex = default_lexicon()
    out: list[str] = []
    forced: list[tuple[int, str]] = []
    last = removed = 0
    for m in _MARKER.finditer(text):
        syllables = split_syllables(m.group("py"))
        if not syllables:
            continue
        han = m.group("han")
        where = m.start("py") - 1
        line = text.count("\n", 0, where) + 1
        if len(syllables) > len(han):
            raise OverrideError(f"override at offset {where} (line {line}): {len(syllables)} syllables "
                                f"for {len(han)} characters before it ({han!r})", where)
        chars = han[len(han) - len(syllables):]
        at = m.end("han") - len(syllables) - removed
        for k, (ch, written) in enumerate(zip(chars, syllables)):
            num = _reading_of(lex, ch, written)
            if num is None:
                known = ", ".join(to_marks(s) for s in lex.readings(ch, rare=True)) or "none known"
                shown = written if written[-1].isdigit() else from_marks(written)
                raise OverrideError(f"override at offset {where} (line {line}): {shown} is not a reading of "
                                    f"{ch} (readings: {known})", where)
            forced.append((at + k, num))
        out.append(text[last:m.end("han")])
        last = m.end()
        removed += m.end() - m.end("han")
    out.append(text[last:])
    return "".join(out), tuple(forced)


def _reading_of(lex, ch: str, written: str) -> str | None:
    """``written`` as a numbers-form reading of ``ch``, or None. Without a tone (``chang``) it
    is the one reading of that spelling (长: cháng; none if the character has two); a neutral
    tone (``5``) of any reading counts (的 de, 我们 men)."""
    num = from_marks(written)
    readings = set(lex.readings(ch, rare=True)) | set(lex.own_readings(ch))
    if num in readings:
        return num
    toneless = not written[-1].isdigit() and from_marks(written) == written.replace("ü", "v") + "5"
    same = sorted(r for r in readings if r[:-1] == num[:-1])
    if toneless:
        return same[0] if len(same) == 1 else None
    if num.endswith("5") and same:
        return num if num in lex.syllable_id else None
    return None


__all__ = ["OverrideError", "parse", "split_syllables"]
