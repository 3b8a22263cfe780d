"""Fixing pinyin annotations in place: every annotation :func:`pinzhu.audit` finds wrong is
rewritten to pinzhu's reading, in the annotation's own style; every other byte stays as it was.

>>> fix("我去银行(yínxíng)取钱，学习 (xué xì) 新课文")
'我去银行(yínháng)取钱，学习 (xué xí) 新课文'
>>> [(c.written, c.new, c.action, c.why) for c in explain("还书(huánshū)给银行(yin2xing2)", min_confidence=1)]
[('huánshū', 'huánshū', 'left', 'uncertain'), ('yin2xing2', 'yin2hang2', 'fixed', 'reading')]

Only the syllables that are wrong change, each written the way its neighbours are: tone marks or
numbers (``5``, ``0`` or nothing for a neutral tone), ``ü``/``v``/``u:``, capitals, script ``ɡ``
and ``ɑ``, decomposed marks; brackets, spacing, separators and the syllables that were right stay
byte for byte. An apostrophe goes in where a new syllable starts with a, o or e inside a word, and
one that only stood before the old syllable's vowel goes with it. Conventions audit accepts (一/不
sandhi, a neutral tone written in full, erhua) are never touched. What fix leaves and reports:
``uncertain`` (pinzhu is not sure enough of its own reading: audit's verdict), ``name gloss``
(``湖北(Hubei)``: a writer's name, and names are where pinzhu's reading is weakest), ``unclear
characters`` (toned pinyin that fits no characters, where the characters it means are not clear),
``no reading`` and ``rewrite failed`` (the rewrite would not read back as the right annotation).

Every fix is checked before it is kept: the fixed text is audited again, and a rewrite whose
annotation does not come back right, or that changes how any annotation is found, is dropped
(``rewrite failed``). So ``fix(fix(x)) == fix(x)``, and the text outside the annotations never
changes (property-tested). Cost: one audit (one parse, one engine pass), and a second one when
something was fixed.

:func:`places` gives where a text's annotations are, as spans of its stripped text, so
``annotate(strip(x), spans=places(x)) == x`` reproduces an annotated page's layout.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass
from typing import Any, NamedTuple

from ._callable import make_callable
from .audit import Finding, ReadsFinding, audit, compare, style_of
from .config import AUDIT, DEFAULT, STRIP, AuditOptions, Config, StripOptions
from .options import resolve
from .parse import find_annotations, match
from .syllables import split_tone, to_marks, to_zhuyin

_WRONG = ("reading", "tone")           # a character compare() calls wrong
_LOOKALIKE = {"ɡ": "g", "ɑ": "a"}      # script g and a, as textbooks print pinyin
_APOSTROPHES = "'’"
_VOWELS = "aoeê"


def decision(f: Finding) -> str:
    """What fix does with a finding, from audit's verdict: ``fix`` (wrong), ``leave`` (right, or
    a convention) or ``unsure`` (pinzhu is not sure enough of its own reading: left and reported).
    The one place fix reads audit's decision.

    >>> [decision(f) for f in audit("银行(yínxíng)还书(huánshū)的(de)", min_confidence=1)]
    ['fix', 'unsure', 'leave']
    """
    return {"wrong": "fix", "unsure": "unsure", "ok": "leave"}[f.status]


@dataclass(frozen=True)
class Correction(ReadsFinding):
    """What fix did with one annotation audit did not pass as right.

    ``finding``: audit's :class:`pinzhu.Finding` (its annotation's offsets in the input —
    ``open``/``close`` the annotation as written, ``start``/``end`` its characters — and
    ``written``, ``expected``, ``confidence``, ``reason`` read through); ``action``: ``fixed`` or
    ``left``; ``new``: the annotation's pinyin as fix writes it (as written, when left); ``why``:
    for a fix, audit's reason (``reading``, ``tone``, ``mismatch``); for one left, why (see the
    module); ``edits``: ``(start, end, text)`` in the input, the pieces rewritten.
    """

    finding: Finding
    action: str
    new: str
    why: str
    edits: tuple[tuple[int, int, str], ...] = ()

    def as_dict(self) -> dict[str, object]:
        """The flat record ``pinzhu fix --explain`` and ``/v1/fix`` print."""
        f = self.finding
        return {"open": f.open, "close": f.close, "start": f.start, "end": f.end, "chars": f.chars,
                "written": f.written, "new": self.new, "action": self.action, "why": self.why,
                "expected": f.expected, "confidence": f.confidence, "reason": f.reason}


def fix(text: str, *, config: Config | None = None, options: AuditOptions | None = None, **changes: Any) -> str:
    """``text`` with every annotation audit finds wrong rewritten to pinzhu's reading, in its own
    style; unsure ones (and name glosses) left as they are (:func:`explain` says which and why).

    Options: those of :func:`pinzhu.audit` (:class:`pinzhu.config.AuditOptions`: ``min_confidence``;
    0 fixes whatever pinzhu reads otherwise) and of reading (:class:`pinzhu.Config`: annotations
    written in spoken tones need ``spoken=True``), also as keywords.

    >>> fix("发(fà)展(fāzhǎn)，西安(Xī'àn)。我在听音乐。(wo3 zai4 ting1 yin1 yue3)")
    "发(fā)展(fāzhǎn)，西安(Xī'ān)。我在听音乐。(wo3 zai4 ting1 yin1 yue4)"
    """
    cfg, opts = resolve(changes, (config or DEFAULT, Config), (options or AUDIT, AuditOptions), where="fix")
    return apply(text, _corrections(text, cfg, opts))


def explain(text: str, *, config: Config | None = None, options: AuditOptions | None = None,
            **changes: Any) -> list[Correction]:
    """One :class:`Correction` per annotation :func:`fix` rewrites or leaves although audit did not
    pass it as right, in order (the same options as :func:`fix`). ``apply(text, explain(text))``
    is ``fix(text)``.

    >>> [(c.chars, c.written, c.new, c.action, c.why) for c in explain("中国(zhōng)的银行(yin2xing2)")]
    [('国', 'zhōng', 'zhōng', 'left', 'unclear characters'), ('银行', 'yin2xing2', 'yin2hang2', 'fixed', 'reading')]
    """
    cfg, opts = resolve(changes, (config or DEFAULT, Config), (options or AUDIT, AuditOptions), where="fix.explain")
    return _corrections(text, cfg, opts)


def apply(text: str, corrections: list[Correction]) -> str:
    """``text`` with the fixed corrections' edits made (the rest byte for byte)."""
    edits = [e for c in corrections if c.action == "fixed" for e in c.edits]
    return _spliced(text, edits) if edits else text


def _corrections(text: str, cfg: Config, opts: AuditOptions) -> list[Correction]:
    findings = audit(text, config=cfg, options=opts)  # name glosses and toneless ones too
    if all(decision(f) == "leave" for f in findings):
        return []
    page = _Page.of(findings)
    out = {i: _correct(text, f, page) for i, f in enumerate(findings) if decision(f) != "leave"}
    # Keep only fixes that read back right: each round drops at least one that does not.
    for _ in range(len(out)):
        bad = _unverified(text, findings, out, cfg, opts)
        if not bad:
            break
        for i in bad:
            out[i] = _left(findings[i], "rewrite failed")
    return list(out.values())


def _unverified(text: str, findings: list[Finding], out: dict[int, Correction], cfg: Config,
                opts: AuditOptions) -> list[int]:
    """The fixes to drop: those whose annotation does not audit as right in the fixed text (or
    that strip would treat otherwise), or, where the fixed text's annotations are not the input's
    (one found or lost), the fix nearest before the first difference."""
    fixed = sorted(i for i, c in out.items() if c.action == "fixed")
    if not fixed:
        return []
    again = audit(apply(text, list(out.values())), config=cfg, options=opts)
    for i, f in enumerate(findings):
        g = again[i] if i < len(again) else None
        if g is None or (g.chars, g.annotation.kind) != (f.chars, f.annotation.kind) or (
                i not in fixed and g.written != f.written):
            return [max((k for k in fixed if k <= i), default=fixed[0])]
    if len(again) != len(findings):
        return [fixed[-1]]
    # A rewrite must audit right, and what strip removed it must still remove (a capitalised
    # syllable written without its tone mark would turn into a name gloss, which strip keeps).
    return [i for i in fixed if decision(again[i]) != "leave" or (findings[i].stripped and not again[i].stripped)]


def _left(f: Finding, why: str) -> Correction:
    return Correction(f, "left", f.written, why)


def _correct(text: str, f: Finding, page: "_Page") -> Correction:
    a = f.annotation
    if decision(f) == "unsure":
        return _left(f, "uncertain")
    if a.name_gloss:
        return _left(f, "name gloss")
    if not all(f.expected_syllables):
        return _left(f, "no reading")
    if not a.matches and not _clear(a):
        return _left(f, "unclear characters")
    w0 = _written_at(a)
    edits = _rewrite(f, page) if text[w0:w0 + len(a.written)] == a.written else None
    if not edits:
        return _left(f, "rewrite failed")
    new = _spliced(a.written, edits)
    return Correction(f, "fixed", new, f.reason, tuple((w0 + s, w0 + e, t) for s, e, t in edits))


def _spliced(text: str, edits: Any) -> str:
    out, pos = [], 0
    for a, b, s in sorted(edits):
        out += [text[pos:a], s]
        pos = b
    return "".join(out) + text[pos:]


def _clear(a: Any) -> bool:
    """Toned pinyin that fits no characters (audit's ``mismatch``) is fixed only where the
    characters it means are clear: a syllable for each, at least two, and at least half of them
    readings of their character (``考生(kǎoshēn)``; not ``中国(zhōng)``: 中 or 国?)."""
    n = len(a.syllables)
    if n < 2 or n != len(a.chars):
        return False
    fits = sum(match(ch, split_tone(s)[0]) is not None for ch, s in zip(a.chars, a.syllables))
    return 2 * fits >= n


def _written_at(a: Any) -> int:
    """Where the annotation's written pinyin starts in the text."""
    if a.gloss:
        return a.cut_start
    return a.open if a.kind == "glued" else a.open + 1


class _Unit(NamedTuple):
    old: str      # the written syllable's base (numbers form, no tone; erhua joined: nar)
    new: str      # pinzhu's syllable, numbers form
    wrong: bool


def _units(f: Finding) -> list[_Unit]:
    """One unit per written syllable: an erhua syllable (哪儿 nǎr) covers two characters."""
    a = f.annotation
    out: list[_Unit] = []
    for k, ch in enumerate(a.chars):
        w, e = a.syllables[k], f.expected_syllables[k]
        if a.erhua and k > 0 and ch in "儿兒" and out:
            u = out[-1]
            base, tone = split_tone(u.new)
            out[-1] = _Unit(u.old + "r", f"{base}r{tone}", u.wrong)
            continue
        out.append(_Unit(split_tone(w)[0], e, compare(ch, w, e, a.toned, False) in _WRONG))
    return out


def _rewrite(f: Finding, page: "_Page") -> list[tuple[int, int, str]] | None:
    """The edits (offsets into ``written``) that rewrite ``f``'s wrong syllables in its own
    style, or None if its written pinyin cannot be taken apart into its syllables."""
    a = f.annotation
    written = a.written
    units = _units(f)
    if not any(u.wrong for u in units):
        return None
    style = style_of(a)
    pieces = (_zhuyin_pieces(written, len(units)) if style == "zhuyin"
              else _pinyin_pieces(written, [u.old for u in units], a.kind == "sentence"))
    if pieces is None:
        return None
    conv = _Conventions.of(written, pieces, style, page)
    edits = []
    for (s, e), u in zip(pieces, units):
        if not u.wrong:
            continue
        new = _write(u.new, written[s:e], style, conv)
        if style in ("marks", "none"):
            inside = s > 0 and written[s - 1] not in _APOSTROPHES and _is_letterish(written[s - 1])
            if split_tone(u.new)[0][:1] in _VOWELS and inside:
                new = conv.apostrophe + new  # xi'an: a new syllable starting with a vowel, inside a word
            elif (split_tone(u.new)[0][:1] not in _VOWELS and s > 0 and written[s - 1] in _APOSTROPHES
                  and u.old[:1] in _VOWELS and not conv.apostrophe_always):
                s -= 1  # the apostrophe stood there for the old syllable's vowel
        edits.append((s, e, new))
    return edits


def _is_letterish(ch: str) -> bool:
    """Part of a written syllable: a letter (any accent), a combining mark, a tone digit, ``:``."""
    return ch.isalpha() or unicodedata.combining(ch) > 0 or ch in "012345:"


def _pinyin_pieces(written: str, bases: list[str], sentence: bool) -> list[tuple[int, int]] | None:
    """Where each syllable is written: ``(start, end)`` in ``written``, from its first letter to
    the next syllable's (its tone digit and marks with it). Words (runs of letters, marks and
    digits) must spell the bases in order; a sentence reading may hold words that read no Han
    character (a number read out, a Latin word), skipped."""
    out: list[tuple[int, int]] = []
    u = 0
    for start, end, letters in _words(written):
        spelled = "".join(c for _, c in letters)
        k, acc = u, ""
        while k < len(bases) and len(acc) < len(spelled):
            acc += bases[k]
            k += 1
        if not _same(spelled, acc):
            if sentence:
                continue
            return None
        p = 0
        for j in range(u, k):
            first = letters[p][0]
            p += len(bases[j])
            out.append((first, letters[p][0] if p < len(letters) else end))
        u = k
    return out if u == len(bases) else None


def _same(spelled: str, bases: str) -> bool:
    """Written letters against syllable bases: ``lu``/``nu`` may stand for ``lü``/``nü``."""
    return len(spelled) == len(bases) and all(
        s == b or (s == "u" and b == "v" and k > 0 and bases[k - 1] in "ln") for k, (s, b) in enumerate(zip(spelled, bases)))


def _words(written: str) -> list[tuple[int, int, list[tuple[int, str]]]]:
    """Runs of letters (with their marks, ``:`` and tone digits): ``(start, end, [(index, letter)])``,
    letters lowercase, ü as v, ɡ/ɑ as g/a."""
    out: list[tuple[int, int, list[tuple[int, str]]]] = []
    cur: list | None = None
    for i, ch in enumerate(written):
        d = unicodedata.normalize("NFD", _LOOKALIKE.get(ch, ch))
        head = d[0]
        if head.isascii() and head.isalpha():
            letter = "v" if "\u0308" in d else "ê" if "\u0302" in d else head.lower()
            if cur is None:
                cur = [i, i + 1, []]
                out.append(cur)
            cur[2].append((i, letter))
            cur[1] = i + 1
        elif cur is not None and (unicodedata.combining(ch) or ch in "012345" or ch == ":"):
            if (ch == "\u0308" or ch == ":") and cur[2][-1][1] == "u":
                cur[2][-1] = (cur[2][-1][0], "v")
            elif ch == "\u0302" and cur[2][-1][1] == "e":
                cur[2][-1] = (cur[2][-1][0], "ê")
            cur[1] = i + 1
        else:
            cur = None
    return [(s, e, letters) for s, e, letters in out]


def _zhuyin_pieces(written: str, n: int) -> list[tuple[int, int]] | None:
    """Zhuyin syllables are written apart: one run between spaces per syllable."""
    out, start = [], None
    for i, ch in enumerate(written + " "):
        if ch in " \u3000":
            if start is not None:
                out.append((start, i))
            start = None
        elif start is None:
            start = i
    return out if len(out) == n else None


class _Page(NamedTuple):
    """What the text's annotations say about how it writes pinyin, for an annotation that does
    not show it itself (a neutral tone, ü): the first convention found, else None."""

    u: str | None
    neutral: str | None

    @classmethod
    def of(cls, findings: list[Finding]) -> "_Page":
        u = neutral = None
        for f in findings:
            w = f.written
            if style_of(f.annotation) not in ("marks", "numbers", "none"):
                continue
            if style_of(f.annotation) != "marks":  # marks write ü whatever tone numbers do
                u = u or _u_of(w)
            if neutral is None and any(c.isdigit() for c in w):
                neutral = "0" if "0" in w else "" if re.search(f"[{_LETTERS}](?=[ '’-]|$)", w) else None
        return cls(u, neutral)


_LETTERS = "a-zA-Zü:ɡɑ"


def _u_of(written: str) -> str | None:
    """How ``written`` writes ü, if it shows: ``ü``, ``v`` or ``u:``."""
    if "v" in written.lower():
        return "v"
    if re.search("[lnLN][uU]:", written):
        return "u:"
    return "ü" if "\u0308" in unicodedata.normalize("NFD", written) else None


@dataclass(frozen=True)
class _Conventions:
    """How an annotation writes what a new syllable may need."""

    u: str                  # ü as "ü", "v" or "u:"
    neutral: str            # tone numbers: "5", "0" or "" for a neutral syllable
    nfd: bool               # tone marks as combining characters
    breve: bool             # ă for ǎ
    script_g: bool
    script_a: bool
    apostrophe: str
    apostrophe_always: bool  # apostrophes between syllables that don't start with a vowel too
    macron: bool            # zhuyin: first tone written ˉ
    dot_after: bool         # zhuyin: neutral ˙ after the syllable

    @classmethod
    def of(cls, written: str, pieces: list[tuple[int, int]], style: str, page: _Page) -> "_Conventions":
        nfd = unicodedata.normalize("NFD", written)
        u = _u_of(written) or (page.u if style != "marks" else None) or ("v" if style == "numbers" else "ü")
        neutral = "0" if "0" in written else "" if any(
            not written[s:e][-1:].isdigit() for s, e in pieces) else page.neutral if page.neutral is not None else "5"
        always = any(s > 0 and written[s - 1] in _APOSTROPHES and _base_start(written[s:e]) not in _VOWELS
                     for s, e in pieces)
        return cls(u, neutral, any(unicodedata.combining(c) for c in written), "\u0306" in nfd,
                   "ɡ" in written, "ɑ" in written, "’" if "’" in written else "'", always,
                   "ˉ" in written, any(written[s:e].endswith("˙") for s, e in pieces))


def _base_start(piece: str) -> str:
    return unicodedata.normalize("NFD", _LOOKALIKE.get(piece[:1], piece[:1]))[:1].lower()


def _write(syllable: str, old: str, style: str, conv: _Conventions) -> str:
    """``syllable`` (numbers form) written as ``old`` was: tone style, ü, case, script letters."""
    base, tone = split_tone(syllable)
    if style == "zhuyin":
        z = to_zhuyin(syllable)
        if tone == 1 and conv.macron:
            z += "ˉ"
        if tone == 5 and conv.dot_after and z.startswith("˙"):
            z = z[1:] + "˙"
        return z
    if style == "numbers":
        s = base + (str(tone) if tone != 5 else conv.neutral)
    elif style == "marks":
        s = to_marks(syllable)
    else:
        s = base
    s = unicodedata.normalize("NFD", s.replace("v", "ü")).replace("u\u0308", {"ü": "u\u0308", "v": "v"}.get(conv.u, "u:"))
    if conv.breve:
        s = s.replace("\u030c", "\u0306")
    if conv.script_a:
        s = s.replace("a", "ɑ")
    if conv.script_g:
        s = s.replace("g", "ɡ")
    letters = [c for c in old if c.isalpha()]
    if len(letters) > 1 and all(c.isupper() for c in letters):
        s = s.upper()
    elif letters and letters[0].isupper():
        s = s[:1].upper() + s[1:]
    return s if conv.nfd else unicodedata.normalize("NFC", s)


# ---------------------------------------------------------------------------------------------
# Places: where a text's annotations are, in its stripped text.

def places(text: str, *, config: Config | None = None, options: StripOptions | None = None,
           **changes: Any) -> list[tuple[int, int]]:
    """The ``(start, end)`` of the characters of every annotation :func:`pinzhu.strip` removes
    (with the same options), as offsets into ``strip(text)``: what
    ``pinzhu.annotate(strip(text), spans=...)`` needs to write annotations exactly there again.
    ``annotate(strip(x), spans=places(x)) == x`` when every reading in ``x`` is the engine's and
    written as annotate writes it (pass the same tone, brackets and orthography).

    >>> places("5月(yuè)23日，寻根(xúngēn)节")
    [(1, 2), (6, 8)]
    """
    cfg, opts = resolve(changes, (config or DEFAULT, Config), (options or STRIP, StripOptions), where="places")
    found = find_annotations(text, names=opts.names, toneless=opts.toneless, glosses=opts.glosses,
                             user_dict=cfg.user_dict)
    cuts: list[tuple[int, int]] = []
    kept = []
    pos = 0
    for a in found:
        if a.cut_start < pos:
            continue  # strip never cuts twice
        cuts.append((a.cut_start, a.cut_end))
        kept.append(a)
        pos = a.cut_end
    starts = [s for s, _ in cuts]
    removed = [0]
    for s, e in cuts:
        removed.append(removed[-1] + e - s)

    def where(p: int) -> int:
        return p - removed[bisect_right(starts, p)]

    return [(where(a.positions[0]), where(a.positions[-1]) + 1) for a in kept]


explain_fix = explain

__all__ = ["Correction", "apply", "decision", "explain", "explain_fix", "fix", "places"]

# ``pinzhu.fix`` is this module, callable as its function: pinzhu.fix(text), pinzhu.fix.explain(text).
make_callable(__name__, fix)
