"""Finding pinyin annotations in text: ``这(zhè)``, ``發展(fāzhǎn)``, ``行(xing2)``, ``西安(Xī'ān)``.

A bracketed run of Latin letters is an annotation only when all of these hold:

1. its opening bracket — ``(`` or ``（`` (closed by ``)`` or ``）``) — directly follows a Han
   character (so a bracket right after another bracket's ``)`` never is: that is the rule that
   makes ``strip(annotate(x)) == x`` hold, see docs/strip.md);
2. its text splits into pinyin syllables (tone marks, tone numbers or no tones; any case;
   apostrophes, spaces or hyphens between syllables or none; ``ü``/``v``/``u:``);
3. there are as many syllables as the Han characters just before the bracket that they cover,
   and each syllable, tones aside, is a reading that character can have (rare ones included;
   traditional characters through their simplified form). An erhua syllable (``nǎr``) may cover
   a character and the ``儿``/``兒`` after it.

Tones are not checked here (that is audit's job), so an annotation with a wrong tone or the wrong
reading of a polyphone is still found. Two kinds are found but not stripped by default: a
capitalised toneless gloss (``湖北(Hubei)``: a name, put there on purpose; ``names=True`` takes
it) and, only if asked, a lowercase toneless one (``toneless=False`` keeps ``行(xing)``; a
toneless syllable that is a neutral reading, ``的(de)``, is pinyin in tone marks and always goes).

Cheap first: one regex finds Han-then-bracketed-Latin; only those reach the syllable search.

>>> [(a.chars, a.syllables) for a in find_annotations("刘诗(shī)诗说这(zhè)是西安(Xī'ān)")]
[('诗', ('shi1',)), ('这', ('zhe4',)), ('西安', ('xi1', 'an1'))]
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from .lexicon import HAN_CLASS, UserDict, default_lexicon

HAN = HAN_CLASS  # the Han ranges, written once (lexicon.HAN_RANGES)
_HAN_RE = re.compile(f"[{HAN}]")
# The prefilter: a Han character, then a bracket holding only what pinyin can be written with.
_LATIN = "A-Za-z\u00c0-\u024f\u0300-\u036f\u1e00-\u1eff"
_CANDIDATE = re.compile(f"(?<=[{HAN}])[(（]([{_LATIN}0-9'’‘ʼ: \\-]{{1,80}})[)）]")

MAX_SYLLABLES = 32            # longer bracketed runs are prose, not a gloss
_SEPARATORS = "'’‘ʼ -"
_TONE_OF_COMBINING = {"\u0304": 1, "\u0301": 2, "\u030c": 3, "\u0306": 3, "\u0300": 4}  # ă: a common ǎ typo
_ERHUA = "儿兒"


@dataclass(frozen=True)
class Annotation:
    """One bracketed pinyin annotation.

    ``start``/``end``: the annotated Han characters (``text[start:end] == chars``);
    ``open``/``close``: the bracket span, brackets included (``close`` exclusive);
    ``written``: the text between the brackets, as written;
    ``syllables``: numbers form, one per annotated character (tone 5 where none is written; the
    ``儿`` of an erhua syllable gets ``er5``);
    ``toned``: any tone is written (marks or numbers); ``capitalised``: any capital letter;
    ``brackets``: the opening and closing bracket as written (``()``, ``（）``, or one of each);
    ``erhua``: a syllable like ``nǎr`` covers a character and its ``儿``;
    ``matches``: the syllables fit the characters (False only in :func:`find_pinyin`'s extra
    findings: toned pinyin that fits no characters before it, e.g. the wrong number of syllables);
    ``untoned``: no tone written, and the syllables are not all neutral-tone readings of their
    characters — ``湖北(Hubei)`` is untoned, ``的(De)`` and ``的(de)`` are not: that is how tone
    marks write a neutral syllable. Capitalised and untoned is a name gloss (:attr:`name_gloss`).

    >>> a = find_annotations("的(de)")[0]
    >>> a.start, a.end, a.open, a.close, a.written, a.syllables, a.toned
    (0, 1, 1, 5, 'de', ('de5',), False)
    """

    start: int
    end: int
    open: int
    close: int
    chars: str
    written: str
    syllables: tuple[str, ...]
    toned: bool
    capitalised: bool
    brackets: str = "()"
    erhua: bool = False
    matches: bool = True
    untoned: bool = False

    @property
    def name_gloss(self) -> bool:
        """Capitalised and untoned (``湖北(Hubei)``): a deliberate gloss, kept unless names=True."""
        return self.capitalised and self.untoned

    @property
    def width(self) -> str:
        """'half' for ``()``, 'full' for ``（）``, 'mixed' for one of each."""
        return {"()": "half", "（）": "full"}.get(self.brackets, "mixed")


@dataclass(frozen=True)
class _Spelled:
    """A written annotation taken apart: lowercase letters, tones, hard boundaries."""

    letters: str                   # lowercase, ü as v, ê kept
    mark_at: tuple[int, ...]       # tone from a mark on letter i (0: none)
    digit_at: tuple[int, ...]      # tone from a digit right after letter i-1, at boundary i (0: none)
    hard: frozenset[int]           # boundaries fixed by an apostrophe, space, hyphen or digit
    toned: bool
    capitalised: bool


@lru_cache(maxsize=65536)
def _spell(written: str) -> _Spelled | None:
    letters: list[str] = []
    marks: list[int] = []
    digits: dict[int, int] = {}
    hard: set[int] = set()
    upper = False
    for ch in unicodedata.normalize("NFD", written):
        if "a" <= ch <= "z" or "A" <= ch <= "Z":
            upper = upper or ch.isupper()
            letters.append(ch.lower())
            marks.append(0)
        elif ch in _TONE_OF_COMBINING:
            if not letters or marks[-1] or len(letters) in digits:
                return None
            marks[-1] = _TONE_OF_COMBINING[ch]
        elif ch == "\u0308" or ch == ":":  # ü written u + diaeresis, or lu:
            if not letters or letters[-1] != "u":
                return None
            letters[-1] = "v"
        elif ch == "\u0302":  # ê
            if not letters or letters[-1] != "e":
                return None
            letters[-1] = "ê"
        elif ch in "012345":
            n = len(letters)
            if n == 0 or n in digits:
                return None
            digits[n] = 5 if ch == "0" else int(ch)
            hard.add(n)
        elif ch in _SEPARATORS:
            hard.add(len(letters))
        else:
            return None
    if not letters:
        return None
    n = len(letters)
    return _Spelled("".join(letters), tuple(marks), tuple(digits.get(i, 0) for i in range(n + 1)),
                    frozenset(hard), any(marks) or bool(digits), upper)


@lru_cache(maxsize=1)
def _bases() -> frozenset[str]:
    """Every toneless syllable of the inventory, ü as v."""
    return frozenset(s[:-1] for s in default_lexicon().syllables[1:])


@lru_cache(maxsize=1)
def _max_len() -> int:
    return max(map(len, _bases()))


@lru_cache(maxsize=32768)
def _char_readings(ch: str) -> dict[str, frozenset[int]]:
    """base -> tones, over every reading of ``ch`` (rare ones too)."""
    lex = default_lexicon()
    out: dict[str, set[int]] = {}
    # Through the simplified form (發 reads as 发), and the character's own entry too: a few
    # mapped characters keep readings of their own in words (犛牛 lí niú, though 犛 maps to 牦).
    for s in (*lex.readings(ch, rare=True), *lex.own_readings(ch)):
        out.setdefault(s[:-1], set()).add(int(s[-1]))
    return {b: frozenset(t) for b, t in out.items()}


@lru_cache(maxsize=64)
def _user_readings(ud: UserDict) -> dict[str, dict[str, frozenset[int]]]:
    """A user dictionary's readings, per character, so what annotate wrote from it is found too."""
    out: dict[str, dict[str, set[int]]] = {}
    for word, syls in ud.entries:
        for ch, s in zip(word, syls):
            out.setdefault(ch, {}).setdefault(s[:-1], set()).add(int(s[-1]))
    return {c: {b: frozenset(t) for b, t in d.items()} for c, d in out.items()}


def _readings(ch: str, ud: UserDict | None) -> dict[str, frozenset[int]]:
    r = _char_readings(ch)
    if ud is not None and ud.entries:
        extra = _user_readings(ud).get(ch)
        if extra:
            r = {**r, **{b: r.get(b, frozenset()) | t for b, t in extra.items()}}
    return r


def _fit(base: str, ch: str, ud: UserDict | None) -> str | None:
    """The character's base that written ``base`` spells, or None. ``lu``/``nu`` may stand for
    ``lü``/``nü`` (a common way to write them without ü)."""
    r = _readings(ch, ud)
    if base in r:
        return base
    if base[:1] in "ln" and base[1:2] == "u":
        alt = base[0] + "v" + base[2:]
        if alt in r:
            return alt
    return None


def _known(base: str, bases: frozenset[str]) -> bool:
    return base in bases or (base[:1] in "ln" and base[1:2] == "u" and base[0] + "v" + base[2:] in bases)


def _pieces(sp: _Spelled) -> list[list[tuple[int, str, int]]]:
    """For each end position j: the syllables (i, base, tone) that can end there."""
    n = len(sp.letters)
    bases = _bases()
    longest = _max_len()
    ends: list[list[tuple[int, str, int]]] = [[] for _ in range(n + 1)]
    for j in range(1, n + 1):
        if j < n and j not in sp.hard and sp.digit_at[j]:
            continue
        for i in range(max(0, j - longest), j):
            if any(b in sp.hard for b in range(i + 1, j)):
                continue
            base = sp.letters[i:j]
            if not (_known(base, bases) or (j - i > 2 and base[-1] == "r" and _known(base[:-1], bases))):
                continue  # neither a syllable nor an erhua one (nar)
            marks = [t for t in sp.mark_at[i:j] if t]
            if len(marks) > 1 or (marks and sp.digit_at[j]):
                continue
            tone = marks[0] if marks else (sp.digit_at[j] or 5)
            ends[j].append((i, base, tone))
    return ends


def _ugly(sp: _Spelled, starts: list[int]) -> int:
    """Syllables after the first that start with a, o or e with no apostrophe before them:
    standard orthography never writes them so (xian is xian, not xi'an)."""
    return sum(1 for i in starts if i > 0 and i not in sp.hard and sp.letters[i] in "aoeê")


def match(run: str, written: str, user_dict: UserDict | None = None) -> tuple[int, tuple[str, ...], bool] | None:
    """Fit ``written`` to the last characters of the Han run ``run`` (the characters directly
    before the bracket). Returns (how many characters it covers, their syllables, erhua) or None.

    Where several splits fit (``xian`` → xian | xi'an), the characters decide; among fits, the
    one whose written tones are readings of the characters, then the standard orthography.

    >>> match("西安", "xian")
    (2, ('xi5', 'an5'), False)
    >>> match("先", "xian"), match("行", "hang2"), match("银行", "yínxíng")
    ((1, ('xian5',), False), (1, ('hang2',), False), (2, ('yin2', 'xing2'), False))
    """
    m = _match(run, written, user_dict)
    return None if m is None else m[:3]


@lru_cache(maxsize=65536)
def _match(run: str, written: str, user_dict: UserDict | None) -> tuple[int, tuple[str, ...], bool, bool] | None:
    """:func:`match`, and whether every written tone (5 where none is written) is a reading."""
    sp = _spell(written)
    if sp is None:
        return None
    ends = _pieces(sp)
    run = run[-len(sp.letters):]  # each syllable takes at least one letter
    best: tuple[tuple[int, int, int], int, tuple[str, ...], bool] | None = None

    # Right to left: the last syllable covers the last character.
    def walk(j: int, c: int, syls: list[str], starts: list[int], exact: int, erhua: bool) -> None:
        nonlocal best
        if j == 0:
            key = (exact, -_ugly(sp, starts), -len(syls))
            if best is None or key > best[0]:
                best = (key, len(run) - c, tuple(reversed(syls)), erhua)
            return
        if c == 0 or len(syls) >= MAX_SYLLABLES:
            return
        ch = run[c - 1]
        for i, base, tone in ends[j]:
            fit = _fit(base, ch, user_dict)
            if fit is not None:
                hit = 1 if tone in _readings(ch, user_dict)[fit] else 0
                walk(i, c - 1, syls + [f"{fit}{tone}"], starts + [i], exact + hit, erhua)
            # Erhua: nǎr over 哪儿.
            if ch in _ERHUA and c >= 2 and len(base) > 1 and base.endswith("r") and base != "er":
                fit = _fit(base[:-1], run[c - 2], user_dict)
                if fit is not None:
                    walk(i, c - 2, syls + ["er5", f"{fit}{tone}"], starts + [i], exact, True)

    walk(len(sp.letters), len(run), [], [], 0, False)
    return None if best is None else (best[1], best[2], best[3], best[0][0] == len(best[2]))


@lru_cache(maxsize=16384)
def split(written: str) -> tuple[str, ...] | None:
    """Split pinyin into syllables (numbers form) without characters to guide it, by standard
    orthography (fewest syllables, none starting with a vowel without an apostrophe).

    >>> split("Xī'ān"), split("xian"), split("hang2de"), split("CEO")
    (('xi1', 'an1'), ('xian5',), ('hang2', 'de5'), ('ce5', 'o5'))
    """
    sp = _spell(written)
    if sp is None:
        return None
    ends = _pieces(sp)
    n = len(sp.letters)
    # best[j]: (cost, syllables) for letters[:j]; cost = (ugly starts, syllable count).
    best: list[tuple[tuple[int, int], tuple[str, ...]] | None] = [None] * (n + 1)
    best[0] = ((0, 0), ())
    for j in range(1, n + 1):
        for i, base, tone in ends[j]:
            prev = best[i]
            if prev is None or not _known(base, _bases()):
                continue
            ugly = 1 if i > 0 and i not in sp.hard and sp.letters[i] in "aoeê" else 0
            cost = (prev[0][0] + ugly, prev[0][1] + 1)
            base = base if base in _bases() else base[0] + "v" + base[2:]
            if best[j] is None or cost < best[j][0]:  # type: ignore[index]
                best[j] = (cost, prev[1] + (f"{base}{tone}",))
    return None if best[n] is None else best[n][1]


def spelled(written: str) -> tuple[bool, bool] | None:
    """(toned, capitalised) of a written annotation, or None if it isn't spelled like pinyin."""
    sp = _spell(written)
    return None if sp is None else (sp.toned, sp.capitalised)


def _run_before(text: str, pos: int, limit: int) -> str:
    i = pos
    while i > 0 and pos - i < limit and _HAN_RE.match(text, i - 1):
        i -= 1
    return text[i:pos]


def _candidates(text: str):
    for m in _CANDIDATE.finditer(text):
        yield m.start(), m.end(), m.group(1)


def find_pinyin(text: str, *, user_dict: UserDict | None = None) -> list[Annotation]:
    """Every annotation (name glosses and toneless ones included), plus toned pinyin right after a
    Han character that fits no characters there (``matches=False``: the wrong number of
    syllables, or readings the characters cannot have) — audit's view of the text.

    >>> [(a.chars, a.written, a.matches) for a in find_pinyin("中国(zhōng)和湖北(Hubei)")]
    [('国', 'zhōng', False), ('湖北', 'Hubei', True)]
    """
    out = []
    for op, cl, written in _candidates(text):
        sp = _spell(written)
        if sp is None:
            continue
        run = _run_before(text, op, len(sp.letters))
        m = _match(run, written, user_dict)
        if m is not None:
            out.append(_annotation(text, op, cl, written, sp, m))
        elif sp.toned and (any(sp.mark_at) or not sp.capitalised):  # (A4) is a paper size
            syls = split(written)
            if syls is None:
                continue
            n = min(len(syls), len(run))
            out.append(Annotation(op - n, op, op, cl, text[op - n:op], written, syls, True,
                                  sp.capitalised, text[op] + text[cl - 1], False, False))
    return out


def find_annotations(text: str, *, names: bool = False, toneless: bool = True,
                     user_dict: UserDict | None = None) -> list[Annotation]:
    """The annotations :func:`pinzhu.strip` removes with the same options, in text order.

    names: also capitalised untoned glosses (``湖北(Hubei)``, kept by default).
    toneless: lowercase untoned annotations (``行(xing)``) too (the default).
    user_dict: readings from it count as readings of their characters (pass the one annotate used).

    >>> [a.written for a in find_annotations("湖北(Hubei)省的(de)人(rén)(rén)")]
    ['de', 'rén']
    """
    out = []
    for op, cl, written in _candidates(text):
        sp = _spell(written)
        if sp is None:
            continue
        m = _match(_run_before(text, op, len(sp.letters)), written, user_dict)
        if m is not None:
            a = _annotation(text, op, cl, written, sp, m)
            if not a.untoned or (names if a.capitalised else toneless):
                out.append(a)
    return out


def _annotation(text: str, op: int, cl: int, written: str, sp: _Spelled,
                m: tuple[int, tuple[str, ...], bool, bool]) -> Annotation:
    n, syls, erhua, all_read = m
    # No tone written but every syllable a neutral reading: tone marks' way to write de5, so
    # pinyin, not a gloss (的(De)), whatever the case. Several syllables only where the first
    # character is mostly neutral (着着): a name's first syllable never is (阿里巴巴(Alibaba)).
    neutral = all_read and (len(syls) == 1 or default_lexicon().readings(text[op - n])[:1] == (syls[0],))
    untoned = not sp.toned and not neutral
    return Annotation(op - n, op, op, cl, text[op - n:op], written, syls, sp.toned, sp.capitalised,
                      text[op] + text[cl - 1], erhua, True, untoned)


def is_strippable(chars: str, written: str, *, names: bool = False, toneless: bool = True,
                  user_dict: UserDict | None = None) -> bool:
    """Would ``(written)`` right after ``chars`` be stripped (with these options)?

    ``chars`` is the text before the bracket; only its final Han run matters.

    >>> is_strippable("西安", "Xī'ān"), is_strippable("湖北", "Hubei"), is_strippable("公司", "CEO")
    (True, False, False)
    """
    text = f"{chars}({written})"
    return any(a.open == len(chars) and a.close == len(text)
               for a in find_annotations(text, names=names, toneless=toneless, user_dict=user_dict))
