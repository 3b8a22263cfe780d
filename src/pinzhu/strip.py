"""Removing pinyin annotations: ``这(zhè)是5月(yuè)23日`` → ``这是5月23日``, exactly.

Only the brackets go, nothing around them; what counts as an annotation is
:func:`pinzhu.parse.find_annotations`. :func:`explain` says what was removed or left and why,
with pinzhu's own reading of each annotated span (like ftfy's ``explain_unicode``).

The round-trip rule (docs/strip.md): only the first bracket directly after a Han character can be
an annotation, so ``strip(annotate(x)) == x`` for every ``x``.

>>> strip("炎帝神農(nóng)氏發(fā)展，湖北(Hubei)的(de)人")
'炎帝神農氏發展，湖北(Hubei)的人'
>>> strip("湖北(Hubei)", names=True)
'湖北'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .config import DEFAULT, STRIP, Config, StripOptions
from ._callable import make_callable
from .options import resolve
from .parse import find_annotations


def strip(text: str, *, config: Config | None = None, options: StripOptions | None = None, **changes: Any) -> str:
    """``text`` without its pinyin annotations.

    Options (:class:`pinzhu.config.StripOptions`, also as keywords): names: also remove
    capitalised toneless glosses (``湖北(Hubei)``), kept by default as a writer's deliberate gloss;
    toneless: remove lowercase toneless ones (``行(xing)``, the default). Of the reading
    :class:`pinzhu.Config` (also as keywords): user_dict: readings it gives count as readings of
    their characters.

    >>> strip("刘诗(shī)诗说：行(xíng)(xíng)")
    '刘诗诗说：行(xíng)'
    """
    cfg, opts = resolve(changes, (config or DEFAULT, Config), (options or STRIP, StripOptions), where="strip")
    spans = [(a.open, a.close) for a in find_annotations(text, names=opts.names, toneless=opts.toneless,
                                                         user_dict=cfg.user_dict)]
    if not spans:
        return text
    out, pos = [], 0
    for a, b in spans:
        out.append(text[pos:a])
        pos = b
    out.append(text[pos:])
    return "".join(out)


@dataclass(frozen=True)
class Change:
    """One bracketed pinyin span, what strip did with it, and what pinzhu reads there.

    ``open``/``close``: the bracket span in the input (``close`` exclusive); ``start``/``end``: the
    characters it annotates; ``action``: ``removed`` or ``kept``; ``why``: ``annotation``,
    ``name gloss`` (kept unless names=True), ``toneless`` (kept with toneless=False) or
    ``fits no characters`` (toned pinyin of the wrong length or readings: kept, audit flags it);
    ``expected``/``ok``/``reason``: as in :class:`pinzhu.audit.Finding`.
    """

    open: int
    close: int
    start: int
    end: int
    chars: str
    written: str
    action: str
    why: str
    expected: str
    confidence: float
    ok: bool
    reason: str

    def as_dict(self) -> dict[str, object]:
        from dataclasses import asdict

        return asdict(self)


def explain(text: str, *, config: Config | None = None, options: StripOptions | None = None,
            **changes: Any) -> list[Change]:
    """Each span :func:`strip` removes or flags, in order, with pinzhu's reading and a verdict
    (the same options as :func:`strip`).

    >>> [(c.chars, c.action, c.why, c.expected, c.ok) for c in explain("银行(yínxíng)在湖北(Hubei)")]
    [('银行', 'removed', 'annotation', 'yínháng', False), ('湖北', 'kept', 'name gloss', 'Hubei', True)]
    """
    from .audit import audit
    from .parse import find_pinyin

    cfg, opts = resolve(changes, (config or DEFAULT, Config), (options or STRIP, StripOptions), where="explain")
    removed = {a.open for a in find_annotations(text, names=opts.names, toneless=opts.toneless,
                                                user_dict=cfg.user_dict)}
    kind = {a.open: a for a in find_pinyin(text, user_dict=cfg.user_dict)}
    out = []
    for f in audit(text, names=True, toneless=True, config=cfg):
        a = kind[f.open]
        action = "removed" if f.open in removed else "kept"
        why = ("annotation" if f.open in removed else "fits no characters" if not a.matches
               else "name gloss" if a.name_gloss else "toneless")
        out.append(Change(f.open, f.close, f.start, f.end, f.chars, f.written, action, why,
                          f.expected, f.confidence, f.ok, f.reason))
    return out


explain_strip = explain

# ``pinzhu.strip`` is this module, callable as its function: pinzhu.strip(text), pinzhu.strip.explain(text).
make_callable(__name__, strip)
