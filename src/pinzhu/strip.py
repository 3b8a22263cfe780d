"""Removing pinyin annotations: ``这(zhè)是5月(yuè)23日`` → ``这是5月23日``, exactly.

Only the annotations go, with the spacing an insertion brought (``学习 (xuéxí) 新课文`` →
``学习新课文``), nothing else; what counts as an annotation is
:func:`pinzhu.parse.find_annotations`, every style real pages use (docs/strip.md). :func:`explain`
says what was removed or left and why, with pinzhu's own reading of each annotated span (like
ftfy's ``explain_unicode``).

The round-trip rule (docs/strip.md): a bracket right after another bracket's ``)`` is never an
annotation, and annotate writes its own annotation in front of any the text already has, so
``strip(annotate(x)) == x`` for every ``x``.

>>> strip("炎帝神農(nóng)氏發(fā)展，湖北(Hubei)的(de)人")
'炎帝神農氏發展，湖北(Hubei)的人'
>>> strip("湖北(Hubei)", names=True)
'湖北'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .audit import Finding, ReadsFinding, _check
from .config import DEFAULT, STRIP, Config, StripOptions
from ._callable import make_callable
from .options import resolve
from .parse import cut, find_annotations, find_pinyin, stripped


def strip(text: str, *, config: Config | None = None, options: StripOptions | None = None, **changes: Any) -> str:
    """``text`` without its pinyin annotations (and the spacing they brought).

    Options (:class:`pinzhu.config.StripOptions`, also as keywords): names: also remove
    capitalised toneless glosses (``湖北(Hubei)``), kept by default as a writer's deliberate gloss;
    toneless: remove lowercase toneless ones (``行(xing)``, the default); glosses: remove the
    pinyin of a pinyin-and-English bracket (``温习(wēnxí, review)`` → ``温习(review)``; kept whole
    by default). Of the reading :class:`pinzhu.Config` (also as keywords): user_dict: readings it
    gives count as readings of
    their characters.

    >>> strip("刘诗(shī)诗说：行(xíng)(xíng)")
    '刘诗诗说：行(xíng)'
    >>> strip("学习 (xuéxí) 新课文 (kèwén)。你好吗？(Nǐ hǎo ma?)")
    '学习新课文。你好吗？'
    """
    cfg, opts = resolve(changes, (config or DEFAULT, Config), (options or STRIP, StripOptions), where="strip")
    if not opts.names and opts.toneless and not opts.glosses and (cfg.user_dict is None or not cfg.user_dict.entries):
        return stripped(text)  # the defaults: the common annotations cut in one scan (the corpus path)
    found = find_annotations(text, names=opts.names, toneless=opts.toneless, glosses=opts.glosses,
                             user_dict=cfg.user_dict)
    return cut(text, [(a.cut_start, a.cut_end) for a in found])


@dataclass(frozen=True)
class Change(ReadsFinding):
    """One span of pinyin, what strip did with it, and what pinzhu reads there.

    ``finding``: the :class:`pinzhu.audit.Finding` (its annotation's offsets — ``open``/``close``,
    the annotation as written; ``start``/``end``, the characters it annotates — and pinzhu's
    ``expected``, ``confidence``, ``ok`` and ``reason`` read through: ``change.expected``);
    ``action``: ``removed`` or ``kept``; ``why``: ``annotation``, ``name gloss`` (kept unless
    names=True), ``toneless`` (kept with toneless=False), ``gloss`` (pinyin with an English gloss:
    kept unless glosses=True) or ``fits no characters`` (toned pinyin of the wrong length or
    readings: kept, audit flags it).
    """

    finding: Finding
    action: str
    why: str

    def as_dict(self) -> dict[str, object]:
        """The flat record ``pinzhu strip --explain`` and ``/v1/strip`` print."""
        f = self.finding
        return {"open": f.open, "close": f.close, "start": f.start, "end": f.end, "chars": f.chars,
                "written": f.written, "action": self.action, "why": self.why, "expected": f.expected,
                "confidence": f.confidence, "ok": f.ok, "reason": f.reason}


def explain(text: str, *, config: Config | None = None, options: StripOptions | None = None,
            **changes: Any) -> list[Change]:
    """Each span :func:`strip` removes or flags, in order, with pinzhu's reading and a verdict
    (the same options as :func:`strip`). One parse of the text and one reading of it.

    >>> [(c.chars, c.action, c.why, c.expected, c.ok) for c in explain("银行(yínxíng)在湖北(Hubei)")]
    [('银行', 'removed', 'annotation', 'yínháng', False), ('湖北', 'kept', 'name gloss', 'Hubei', True)]
    """
    cfg, opts = resolve(changes, (config or DEFAULT, Config), (options or STRIP, StripOptions), where="explain")
    found = find_pinyin(text, user_dict=cfg.user_dict)
    if not found:
        return []
    out = []
    for f in _check(text, found, config=cfg)[0]:
        kept = f.annotation.why_kept(names=opts.names, toneless=opts.toneless, glosses=opts.glosses)
        out.append(Change(f, "kept" if kept else "removed", kept or "annotation"))
    return out


explain_strip = explain

# ``pinzhu.strip`` is this module, callable as its function: pinzhu.strip(text), pinzhu.strip.explain(text).
make_callable(__name__, strip)
