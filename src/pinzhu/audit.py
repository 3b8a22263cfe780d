"""Checking pinyin annotations against pinzhu's reading, and scoring whole documents.

:func:`audit` finds every annotation (:func:`pinzhu.parse.find_pinyin`: name glosses, toneless
ones, and toned pinyin that fits no characters), reads the text with all of them removed, and
compares. Conventions are not errors: 一/不 in citation or sandhi form, a neutral tone written or
left unwritten where the character has a neutral reading, erhua (``nǎr``), and toneless
annotations (only the syllables are compared).

:func:`scan` scores a document for corpus filtering: annotations per 1,000 Han characters and the
share that look machine-inserted (docs/strip.md gives the heuristic).

>>> [(f.chars, f.written, f.expected, f.ok, f.reason) for f in audit("银行(yínxíng)的(de)")]
[('银行', 'yínxíng', 'yínháng', False, 'reading'), ('的', 'de', 'de', True, 'ok')]
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from .config import AUDIT, DEFAULT, AuditOptions, Config
from .lexicon import TABLE_SIZE, UserDict, default_lexicon
from ._callable import make_callable
from .options import resolve
from .parse import HAN, Annotation, find_pinyin
from .syllables import split_tone, to_marks, to_zhuyin

_YI_BU = {"一": {1, 2, 4, 5}, "不": {2, 4, 5}}  # citation and sandhi forms (and 看一看's neutral)


@dataclass(frozen=True)
class Finding:
    """One annotation and what pinzhu reads there.

    ``annotation``: the :class:`pinzhu.parse.Annotation` found (its ``start``/``end``, ``open``/
    ``close``, ``chars``, ``written`` and ``syllables`` read through: ``finding.written``);
    ``expected``: pinzhu's reading in the annotation's own style (marks, numbers, none or zhuyin);
    ``expected_syllables``: the same in numbers form; ``confidence``: pinzhu's probability for
    it (the lowest over the characters); ``ok``: the annotation is right; ``reason``: ``ok``,
    a convention that made it right (``neutral tone``, ``yi/bu sandhi``, ``erhua``), ``uncertain``
    (another reading the character has, where pinzhu is unsure of its own), or what is wrong
    (``tone``, ``reading``, ``mismatch`` — syllables that fit no characters before them: the
    wrong number of syllables, or readings the characters cannot have);
    ``stripped``: whether default :func:`pinzhu.strip` removes it; ``status``: ``"ok"``,
    ``"wrong"``, or ``"unsure"`` (the annotation gives another reading the character has, and
    pinzhu's calibrated confidence in its own is under ``min_confidence``: neither called wrong nor
    vouched for).
    """

    annotation: Annotation
    expected: str
    expected_syllables: tuple[str, ...]
    confidence: float
    ok: bool
    reason: str
    stripped: bool

    start = property(lambda self: self.annotation.start)
    end = property(lambda self: self.annotation.end)
    open = property(lambda self: self.annotation.open)
    close = property(lambda self: self.annotation.close)
    chars = property(lambda self: self.annotation.chars)
    written = property(lambda self: self.annotation.written)
    syllables = property(lambda self: self.annotation.syllables)

    @property
    def status(self) -> str:
        return "wrong" if not self.ok else "unsure" if self.reason == "uncertain" else "ok"

    def as_dict(self) -> dict[str, object]:
        """The flat record the CLI and HTTP API print (one level, as before records composed)."""
        a = self.annotation
        return {"start": a.start, "end": a.end, "open": a.open, "close": a.close, "chars": a.chars,
                "written": a.written, "syllables": a.syllables, "expected": self.expected,
                "expected_syllables": self.expected_syllables, "confidence": self.confidence,
                "ok": self.ok, "status": self.status, "reason": self.reason, "stripped": self.stripped}


class ReadsFinding:
    """A decision taken on one :class:`Finding` (strip's ``Change``, fix's ``Correction``), with the
    finding's fields read through: ``change.written`` is ``change.finding.written``."""

    annotation = property(lambda self: self.finding.annotation)
    open = property(lambda self: self.finding.open)
    close = property(lambda self: self.finding.close)
    start = property(lambda self: self.finding.start)
    end = property(lambda self: self.finding.end)
    chars = property(lambda self: self.finding.chars)
    written = property(lambda self: self.finding.written)
    expected = property(lambda self: self.finding.expected)
    confidence = property(lambda self: self.finding.confidence)
    ok = property(lambda self: self.finding.ok)
    reason = property(lambda self: self.finding.reason)


def _style(written: str) -> str:
    from .parse import spelled

    if any(c.isdigit() for c in written):
        return "numbers"
    toned, _ = spelled(written) or (False, False)
    return "marks" if toned else "none"


def style_of(a: Annotation) -> str:
    """The tone style an annotation is written in: marks, numbers, none or zhuyin (fix writes a
    corrected syllable in it)."""
    if a.script == "zhuyin":
        return "zhuyin"
    if not a.toned:
        return "none"
    return "numbers" if any(c.isdigit() for c in a.written) else "marks"


def render(syllables: tuple[str, ...], like: str, style: str | None = None) -> str:
    """Syllables (numbers form) written the way ``like`` is: its tone style, spaces, capital.

    >>> render(("xi1", "an1"), "Xī'ān"), render(("hang2",), "xing2"), render(("de5",), "de")
    ("Xī'ān", 'hang2', 'de')
    >>> render(("lao3", "shi1"), "ㄌㄠˇ ㄕ", "zhuyin")
    'ㄌㄠˇ ㄕ'
    """
    style = style or _style(like)
    parts = []
    for s in syllables:
        base, tone = split_tone(s)
        parts.append(s if style == "numbers" else to_marks(s) if style == "marks" else to_zhuyin(s)
                     if style == "zhuyin" else base.replace("v", "ü"))
    sep = " " if " " in like.strip() else ""
    out = parts[0] if parts else ""
    for p in parts[1:]:
        out += sep or ("'" if p[:1] in "aoeāáǎàōóǒòēéěè" and style != "zhuyin" else "")
        out += p
    return out[:1].upper() + out[1:] if like[:1].isupper() else out


def compare(ch: str, w: str, e: str, toned: bool, erhua_er: bool) -> str:
    """'ok', a convention, or what is wrong (``reading``, ``tone``), for one character: written
    ``w`` against expected ``e`` (numbers form). :mod:`pinzhu.fix` rewrites only the characters
    this calls wrong.

    >>> compare("行", "xing2", "hang2", True, False), compare("一", "yi2", "yi1", True, False)
    ('reading', 'yi/bu sandhi')
    """
    wb, wt = split_tone(w)
    eb, et = split_tone(e)
    if erhua_er:
        return "erhua"
    if wb != eb:
        return "reading"
    if not toned or wt == et:
        return "ok"
    if ch in _YI_BU and wt in _YI_BU[ch] and et in _YI_BU[ch]:
        return "yi/bu sandhi"
    # Neutral written with its full tone (朋友 yǒu) or left unwritten: both must be readings.
    if 5 in (wt, et) and {f"{wb}5", f"{wb}{wt}"} <= set(default_lexicon().readings(ch, rare=True)):
        return "neutral tone"
    return "tone"


def _erhua_joined(a: Annotation, syls: tuple[str, ...]) -> tuple[str, ...]:
    """哪儿 read na3 er5 shown as one erhua syllable, nar3, as it was written."""
    out: list[str] = []
    for k, s in enumerate(syls):
        if k > 0 and a.chars[k] in "儿兒" and out and out[-1]:
            base, tone = split_tone(out[-1])
            out[-1] = f"{base}r{tone}"
        else:
            out.append(s)
    return tuple(out)


def _possible(ch: str, syl: str, toned: bool, user_dict: UserDict | None) -> bool:
    """Is ``syl`` (its base alone when no tone was written) a reading ``ch`` has?"""
    from .parse import _readings

    base, tone = split_tone(syl)
    tones = _readings(ch, user_dict).get(base)
    return tones is not None and (not toned or tone in tones)


def _removed_map(text: str, spans: list[tuple[int, int]]) -> tuple[str, list[int]]:
    """The text without ``spans``, and for each input index its index there (-1: removed)."""
    out, where, pos, j = [], [-1] * len(text), 0, 0
    for a, b in sorted(spans):
        if a < pos:  # overlapping spans: the first one's cut wins
            a = pos
            if b <= a:
                continue
        out.append(text[pos:a])
        for i in range(pos, a):
            where[i] = j
            j += 1
        pos = b
    out.append(text[pos:])
    for i in range(pos, len(text)):
        where[i] = j
        j += 1
    return "".join(out), where


def decide(a: Annotation, reasons: list[str], expected: list[tuple[str, float] | None],
           min_confidence: float, user_dict: UserDict | None) -> str:
    """The wrong-or-unsure decision, in one place: the reason a checked annotation gets, from
    what each of its characters compared to (``reasons``: ``compare``'s verdict per character)
    and pinzhu's own reading with its probability (``expected``).

    A character that differs is ``uncertain`` (not an error) when the annotation gives a reading
    the character really has and pinzhu's probability for its own is under ``min_confidence``;
    otherwise ``reading`` or ``tone``. Calibrated confidence (issue #12) plugs in here.
    """
    bad = [k for k, r in enumerate(reasons) if r in ("reading", "tone")]
    if bad and all(_possible(a.chars[k], a.syllables[k], a.toned, user_dict)
                   and expected[k] is not None and expected[k][1] < min_confidence for k in bad):
        return "uncertain"  # another real reading, where pinzhu itself is unsure
    if bad:
        return "reading" if any(reasons[k] == "reading" for k in bad) else "tone"
    return next((r for r in reasons if r != "ok"), "ok")


WRONG = ("reading", "tone", "mismatch")


def _check(text: str, found: list[Annotation], *, min_confidence: float = AUDIT.min_confidence,
           config: Config = DEFAULT) -> tuple[list[Finding], str, list[int], Any]:
    """Audit ``found`` (annotations of ``text``) with one reading of the text without them.
    Returns the findings, the clean text, the input→clean index map, and the reading (scan
    segments it into words: no second engine pass). ``config`` is resolved (its user_dict is the
    one the annotations were found with)."""
    from .pipeline import read_under
    from .styles import table

    clean, where = _removed_map(text, [(a.cut_start, a.cut_end) for a in found])
    r = read_under(clean, config)
    user_dict = config.user_dict
    numbers = _erhua_apart(clean, table(r.lexicon.syllables, "numbers")[r.syl].tolist())
    prob = r.prob.tolist()
    out = []
    for a in found:
        exp = [None if numbers[where[i]] is None else (numbers[where[i]], prob[where[i]]) for i in a.positions]
        syls = tuple(e[0] if e else "" for e in exp)
        conf = min((e[1] for e in exp if e), default=0.0)
        if not a.matches:
            reason = "mismatch"
        else:
            reasons = [compare(ch, w, e, a.toned, a.erhua and ch in "儿兒" and k > 0)
                       for k, (ch, w, e) in enumerate(zip(a.chars, a.syllables, syls))]
            reason = decide(a, reasons, exp, min_confidence, user_dict)
        shown = _erhua_joined(a, syls) if a.erhua else syls
        expected = render(shown, a.written, style_of(a)) if all(shown) else ""
        out.append(Finding(a, expected, syls, float(conf), reason not in WRONG, reason, a.stripped_by()))
    return out, clean, where, r


def _erhua_apart(text: str, numbers: list[str | None]) -> list[str | None]:
    """Spoken mode reads 哪儿 as one erhua syllable, ``nar3`` over 哪 and ``""`` over 儿; an
    annotation spells it per character (``na3``, ``er5``, as parse gives ``nǎr``): compare it so,
    and a ``nǎr`` written over 哪儿 is shown joined again (``_erhua_joined``)."""
    out = numbers
    for j, s in enumerate(numbers):
        if s == "" and j and text[j] in "儿兒" and out[j - 1]:
            base, tone = split_tone(out[j - 1])
            if len(base) > 1 and base.endswith("r") and base != "er":
                if out is numbers:
                    out = list(numbers)
                out[j - 1], out[j] = f"{base[:-1]}{tone}", "er5"
    return out


def _audited(found: list[Annotation], names: bool, toneless: bool) -> list[Annotation]:
    """The annotations audit checks: name glosses with ``names``, toneless ones with ``toneless``."""
    return [a for a in found if not a.untoned or (names if a.capitalised else toneless)]


def audit(text: str, *, names: bool = True, toneless: bool = True, config: Config | None = None,
          options: AuditOptions | None = None, **changes: Any) -> list[Finding]:
    """One :class:`Finding` per annotation in ``text``, in order.

    names: check capitalised toneless glosses (``湖北(Hubei)``) too; toneless: check lowercase
    toneless ones (``行(xing)``). The reading comes from the text with every annotation removed,
    under ``config`` (any :class:`pinzhu.Config` field also as a keyword: ``user_dict=ud``).
    min_confidence (:class:`pinzhu.config.AuditOptions`, also a keyword): where the annotation
    gives another reading the character really has and pinzhu is less sure than this of its own,
    the finding is ``ok`` with reason ``uncertain`` (a publisher's CI should not fail on pinzhu's
    guess); 0 trusts pinzhu always.

    >>> [(f.written, f.ok, f.reason) for f in audit("这(zhé)是一(yí)个")]
    [('zhé', False, 'tone'), ('yí', True, 'yi/bu sandhi')]
    """
    cfg, opts = resolve(changes, (config or DEFAULT, Config), (options or AUDIT, AuditOptions), where="audit")
    found = _audited(find_pinyin(text, user_dict=cfg.user_dict), names, toneless)
    if not found:
        return []
    return _check(text, found, min_confidence=opts.min_confidence, config=cfg)[0]


# ---------------------------------------------------------------------------------------------
# Scan: is this page full of machine-inserted pinyin?

COMMON_SCORE = -11.0   # log frequency of roughly the 3,000 most common characters
MACHINE_SHARE = 0.5    # a document is machine-annotated when this share of its annotations is


@dataclass(frozen=True)
class ScanResult:
    """A document's annotation profile (docs/strip.md explains each signal).

    ``han``: Han characters outside annotations; ``annotations``: how many; ``per_1000``:
    annotations per 1,000 Han characters; ``machine``: annotations with at least one machine
    signal; ``machine_share``: machine / annotations; ``signals``: (signal, count) pairs —
    ``common`` (only common, unambiguous characters annotated), ``inside_word`` (the annotation
    splits a word: 刘诗(shī)诗), ``not_first`` (the characters appeared unannotated before),
    ``wrong`` (audit says wrong), ``mixed_style`` (the document mixes bracket widths or tone
    styles); ``verdict``: ``clean``, ``annotated`` or ``machine``.
    """

    han: int
    annotations: int
    per_1000: float
    machine: int
    machine_share: float
    signals: tuple[tuple[str, int], ...]
    verdict: str


@lru_cache(maxsize=32768)
def _common(ch: str) -> bool:
    lex = default_lexicon()
    cp = ord(lex.simplified(ch))
    if cp >= TABLE_SIZE:
        return False
    return bool(lex.char_score[cp] >= COMMON_SCORE and not lex.polyphone[cp])


_HAN_RE = re.compile(f"[{HAN}]")


def scan(text: str, *, config: Config | None = None, **changes: Any) -> ScanResult:
    """Score a document: how densely annotated, and how much of it looks machine-inserted.

    Every style counts (word, spaced, sentence readings, glued); a sentence reading is a
    teacher's, so only ``wrong`` can make it machine. One parse, one engine pass.

    >>> r = scan("刘诗(shī)诗说这(zhè)是5月(yuè)23日的事。")
    >>> r.annotations, r.machine_share, r.verdict
    (3, 1.0, 'machine')
    """
    (cfg,) = resolve(changes, (config or DEFAULT, Config), where="scan")
    found = _audited(find_pinyin(text, user_dict=cfg.user_dict), False, True)  # a name gloss is deliberate
    if not found:
        return ScanResult(len(_HAN_RE.findall(text)), 0, 0.0, 0, 0.0, (), "clean")
    findings, clean, where, r = _check(text, found, config=cfg)
    han = len(_HAN_RE.findall(clean))
    bounds = {0}
    for _, b in r.spans:
        bounds.add(b)
    counts = {"common": 0, "inside_word": 0, "not_first": 0, "wrong": 0}
    machine = 0
    for f in findings:
        a = f.annotation
        first, last = where[a.positions[0]], where[a.positions[-1]] + 1
        word = a.kind != "sentence"
        hit = {
            "common": word and all(_common(c) for c in a.chars),
            "inside_word": word and (first not in bounds or last not in bounds),
            "not_first": word and a.chars in clean[:first],
            "wrong": not f.ok,
        }
        for k, v in hit.items():
            counts[k] += v
        machine += any(hit.values())
    styles = {(f.annotation.width, style_of(f.annotation)) for f in findings}
    counts["mixed_style"] = int(len(styles) > 1)
    n = len(findings)
    share = machine / n
    verdict = "machine" if share >= MACHINE_SHARE or counts["mixed_style"] else "annotated"
    return ScanResult(han, n, 1000.0 * n / max(han, 1), machine, share, tuple(counts.items()), verdict)


# ``pinzhu.audit`` is this module, callable as its function: pinzhu.audit(text), pinzhu.audit.scan(text).
make_callable(__name__, audit)
