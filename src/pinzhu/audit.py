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

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from .config import AUDIT, DEFAULT, AuditOptions, Config
from .lexicon import TABLE_SIZE, UserDict, default_lexicon
from ._callable import make_callable
from .options import resolve
from .parse import HAN, Annotation, find_pinyin
from .syllables import split_tone, to_marks

_YI_BU = {"一": {1, 2, 4, 5}, "不": {2, 4, 5}}  # citation and sandhi forms (and 看一看's neutral)


@dataclass(frozen=True)
class Finding:
    """One annotation and what pinzhu reads there.

    ``start``/``end``: the annotated characters in the input; ``open``/``close``: the bracket span;
    ``written``: what the annotation says; ``syllables``: it in numbers form, one per character;
    ``expected``: pinzhu's reading in the annotation's own style (marks, numbers or none);
    ``expected_syllables``: the same in numbers form; ``confidence``: pinzhu's probability for
    it (the lowest over the characters); ``ok``: the annotation is right; ``reason``: ``ok``,
    a convention that made it right (``neutral tone``, ``yi/bu sandhi``, ``erhua``), ``uncertain``
    (another reading the character has, where pinzhu is unsure of its own), or what is wrong
    (``tone``, ``reading``, ``mismatch`` — syllables that fit no characters before them: the
    wrong number of syllables, or readings the characters cannot have);
    ``stripped``: whether default :func:`pinzhu.strip` removes it.
    """

    start: int
    end: int
    open: int
    close: int
    chars: str
    written: str
    syllables: tuple[str, ...]
    expected: str
    expected_syllables: tuple[str, ...]
    confidence: float
    ok: bool
    reason: str
    stripped: bool


def _style(written: str) -> str:
    if any(c.isdigit() for c in written):
        return "numbers"
    from .parse import spelled

    toned, _ = spelled(written) or (False, False)
    return "marks" if toned else "none"


def render(syllables: tuple[str, ...], like: str) -> str:
    """Syllables (numbers form) written the way ``like`` is: its tone style, spaces, capital.

    >>> render(("xi1", "an1"), "Xī'ān"), render(("hang2",), "xing2"), render(("de5",), "de")
    ("Xī'ān", 'hang2', 'de')
    """
    style = _style(like)
    parts = []
    for s in syllables:
        base, tone = split_tone(s)
        parts.append(s if style == "numbers" else to_marks(s) if style == "marks" else base.replace("v", "ü"))
    sep = " " if " " in like.strip() else ""
    out = parts[0] if parts else ""
    for p in parts[1:]:
        out += sep or ("'" if p[:1] in "aoeāáǎàōóǒòēéěè" else "")
        out += p
    return out[:1].upper() + out[1:] if like[:1].isupper() else out


def _compare(ch: str, w: str, e: str, toned: bool, erhua_er: bool) -> str:
    """'ok', a convention, or what is wrong, for one character."""
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
    from .pipeline import pinyin_with_confidence

    cfg, opts = resolve(changes, (config or DEFAULT, Config), (options or AUDIT, AuditOptions), where="audit")
    user_dict, min_confidence = cfg.user_dict, opts.min_confidence
    found = [a for a in find_pinyin(text, user_dict=user_dict)
             if not a.untoned or (names if a.capitalised else toneless)]
    if not found:
        return []
    clean, where = _removed_map(text, [(a.open, a.close) for a in found])
    read = pinyin_with_confidence(clean, tone="numbers", config=cfg)
    out = []
    for a in found:
        exp = [read[where[i]] for i in range(a.start, a.end)]
        syls = tuple(e[0] if e else "" for e in exp)
        conf = min((e[1] for e in exp if e), default=0.0)
        if not a.matches:
            reason = "mismatch"
        else:
            reasons = [_compare(ch, w, e, a.toned, a.erhua and ch in "儿兒" and k > 0)
                       for k, (ch, w, e) in enumerate(zip(a.chars, a.syllables, syls))]
            bad = [k for k, r in enumerate(reasons) if r in ("reading", "tone")]
            if bad and all(_possible(a.chars[k], a.syllables[k], a.toned, user_dict)
                           and exp[k] is not None and exp[k][1] < min_confidence for k in bad):
                reason = "uncertain"  # another real reading, where pinzhu itself is unsure
            elif bad:
                reason = "reading" if any(reasons[k] == "reading" for k in bad) else "tone"
            else:
                reason = next((r for r in reasons if r != "ok"), "ok")
        ok = reason not in ("reading", "tone", "mismatch")
        shown = _erhua_joined(a, syls) if a.erhua else syls
        expected = render(shown, a.written) if all(shown) else ""
        out.append(Finding(a.start, a.end, a.open, a.close, a.chars, a.written, a.syllables, expected,
                           syls, float(conf), ok, reason, a.matches and not a.name_gloss))
    return out


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


def scan(text: str, *, config: Config | None = None, **changes: Any) -> ScanResult:
    """Score a document: how densely annotated, and how much of it looks machine-inserted.

    >>> r = scan("刘诗(shī)诗说这(zhè)是5月(yuè)23日的事。")
    >>> r.annotations, r.machine_share, r.verdict
    (3, 1.0, 'machine')
    """
    import re

    from .pipeline import words

    (cfg,) = resolve(changes, (config or DEFAULT, Config), where="scan")
    findings = audit(text, names=False, config=cfg)  # a name gloss is deliberate
    clean, where = _removed_map(text, [(f.open, f.close) for f in findings])
    han = len(re.findall(f"[{HAN}]", clean))
    if not findings:
        return ScanResult(han, 0, 0.0, 0, 0.0, (), "clean")
    bounds = {0}
    pos = 0
    for w, _ in words(clean, config=cfg):
        pos += len(w)
        bounds.add(pos)
    counts = {"common": 0, "inside_word": 0, "not_first": 0, "wrong": 0}
    machine = 0
    for f in findings:
        a, b = where[f.start], where[f.end - 1] + 1
        hit = {
            "common": all(_common(c) for c in f.chars),
            "inside_word": a not in bounds or b not in bounds,
            "not_first": f.chars in clean[:a],
            "wrong": not f.ok,
        }
        for k, v in hit.items():
            counts[k] += v
        machine += any(hit.values())
    styles = {(text[f.open] == "(", _style(f.written)) for f in findings}
    counts["mixed_style"] = int(len(styles) > 1)
    n = len(findings)
    share = machine / n
    verdict = "machine" if share >= MACHINE_SHARE or counts["mixed_style"] else "annotated"
    return ScanResult(han, n, 1000.0 * n / max(han, 1), machine, share, tuple(counts.items()), verdict)


# ``pinzhu.audit`` is this module, callable as its function: pinzhu.audit(text), pinzhu.audit.scan(text).
make_callable(__name__, audit)
