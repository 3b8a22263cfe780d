"""Text jobs over a document's blocks: each block is read whole (one engine pass for many blocks),
and what the job writes or finds is mapped back to the source.

The round trip holds block by block: annotate writes into the source exactly what
``pinzhu.annotate`` writes into the block text (an annotation right after its word's last
character, in the same text node), so the annotated document's block reads as the annotated block
text, and strip finds there exactly those annotations and removes their source spans. Two rules
keep it exact where a block has characters that only give context (a reference link's label, a
line break): annotate writes nothing after such a character, and strip takes no annotation that
follows one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass

import numpy as np

from ..config import Config
from ..render import BRACKETS, AnnotateOptions, Plan, ruby_markup
from .base import Block, Edit

# Characters per engine pass: a book's documents are read many at a time (one pass for short
# ones), and a huge one in bounded pieces.
PASS_CHARS = 1_000_000

Progress = Callable[[int, int], None]


def in_passes(parts: Sequence, config: Config) -> Iterator[tuple[object, object]]:
    """``(part, its reading)`` for each part, the parts' joined text read many at a time
    (:func:`pinzhu.pipeline.reading_many`, passes of about PASS_CHARS characters)."""
    from ..pipeline import reading_many

    batch: list = []
    size = 0
    for k, part in enumerate(parts):
        batch.append(part)
        size += len(part.joined[0].text)
        if size >= PASS_CHARS or k == len(parts) - 1:
            yield from zip(batch, reading_many([p.joined[0].text for p in batch], config=config))
            batch, size = [], 0


def plan_of(block: Block, options: AnnotateOptions, config: Config, reading, guard: bool | None = None) -> Plan:
    """The annotation plan (:func:`pinzhu.render.plan`) of a part's joined block."""
    from ..render import plan

    return plan(block.text, options, config, read=reading, guard=guard)


Place = Callable[[Block, int, int], int]


def inline_edit_list(block: Block, p: Plan, escape: Callable[[str], str] = str,
                     place: Place | None = None) -> list[tuple[int, Edit]]:
    """``(unit, edit)``: ``(xúngēn)`` after each unit's last character, in that character's text
    node. ``place`` may move the insertion point (Markdown: past a closing ``*``, which an
    annotation before it would stop from closing)."""
    op, cl = BRACKETS[p.options.brackets]
    if not len(p.end):
        return []
    last = p.end - 1
    keep = np.flatnonzero(block.starts[last] >= 0)
    pos = block.ends[last[keep]].tolist()
    written = (op + p.written[keep] + cl).tolist()
    if escape is not str:
        joined = "".join(written)   # one check for all (pinyin never needs escaping in practice)
        if escape(joined) != joined:
            written = [escape(w) for w in written]
    if place is not None:
        lasts = last[keep].tolist()
        pos = [place(block, i, q) for i, q in zip(lasts, pos)]
    return list(zip(keep.tolist(), map(Edit._make, zip(pos, pos, written, [0] * len(pos)))))


def inline_edits(block: Block, p: Plan, escape: Callable[[str], str] = str, place: Place | None = None) -> list[Edit]:
    return [e for _, e in inline_edit_list(block, p, escape, place)]


def ruby_edits(block: Block, p: Plan, move: dict[int, int] | None = None) -> list[Edit]:
    """``<ruby class="pz">`` before and ``<rp>(</rp><rt>…</rt><rp>)</rp></ruby>`` after each
    character (or word) in place. A word that markup cuts (``<b>银</b>行``) gets one ruby per
    piece, so no element is ever split. ``move``: source offsets where a ruby may not start, and
    where its start tag goes instead."""
    from ..render import _ranges

    if not len(p.start):
        return []
    if p.options.ruby == "char":
        st = _ranges(p.start, p.end)
        en = st + 1
    else:
        idx = _ranges(p.start, p.end)
        # A unit's pieces: it breaks where the next character is not where this one ends in the source.
        inside = np.ones(len(idx), dtype=bool)
        inside[np.cumsum(p.end - p.start) - 1] = False
        nxt = np.minimum(idx + 1, len(block.text) - 1)
        last = ~inside | (block.starts[nxt] != block.ends[idx])
        st = idx[np.r_[True, last[:-1]]]
        en = idx[last] + 1
    keep = (block.starts[st] >= 0) & (block.starts[en - 1] >= 0)
    st, en = st[keep], en[keep]
    opens, closes = ruby_markup(p, st, en)
    out = []
    for a, b, o, c in zip(st.tolist(), en.tolist(), opens.tolist(), closes.tolist()):
        at = int(block.starts[a])
        at = move.get(at, at) if move else at
        out.append(Edit(at, at, o, 1))
        out.append(Edit(int(block.ends[b - 1]), int(block.ends[b - 1]), c, 0))
    return out


def strip_edits(block: Block, *, names: bool = False, toneless: bool = True, user_dict=None) -> list[Edit]:
    """Remove the source spans of every annotation strip finds in the block text (one that follows
    a context-only character excepted: annotate never writes there)."""
    from ..parse import find_annotations

    t = block.text
    if "(" not in t and "（" not in t:
        return []
    out = []
    for a in find_annotations(t, names=names, toneless=toneless, user_dict=user_dict):
        if block.starts[a.open - 1] < 0:
            continue
        out += [Edit(s, e) for s, e in block.spans(a.open, a.close)]
    return out


@dataclass(frozen=True)
class DocFinding:
    """An audit finding in a document: ``where`` is ``file:line:column`` of the annotated
    characters (for an EPUB, ``book.epub!OEBPS/ch1.xhtml:12:5``), ``finding`` the text finding."""

    where: str
    finding: object

    def as_dict(self) -> dict:
        d = {"where": self.where}
        fields = self.finding.as_dict() if hasattr(self.finding, "as_dict") else asdict(self.finding)  # type: ignore[attr-defined]
        d.update({k: (list(v) if isinstance(v, tuple) else v) for k, v in fields.items()})
        return d


def audit_blocks(blocks: Sequence[Block], where: Callable[[int], str], config: Config, options=None) -> list[DocFinding]:
    from ..audit import audit

    out = []
    for b in blocks:
        if "(" not in b.text and "（" not in b.text:
            continue
        for f in audit(b.text, config=config, options=options):
            at = next((int(b.starts[i]) for i in range(f.start, len(b.text)) if b.starts[i] >= 0), b.where)
            out.append(DocFinding(where(at), f))
    return out


@dataclass(frozen=True)
class DocCorrection:
    """What fix did with an annotation in a document: ``where`` is ``file:line:column`` of the
    annotated characters, ``correction`` the text's :class:`pinzhu.fix.Correction` (offsets in
    the block's text)."""

    where: str
    correction: object

    def as_dict(self) -> dict:
        d = {"where": self.where}
        d.update({k: (list(v) if isinstance(v, tuple) else v) for k, v in self.correction.as_dict().items()})  # type: ignore[attr-defined]
        return d


def fix_blocks(blocks: Sequence[Block], where: Callable[[int], str], config: Config,
               options=None) -> tuple[list[Edit], list[DocCorrection]]:
    """Every block's wrong annotations rewritten in the source (:func:`pinzhu.fix.explain` of its
    text). A rewrite whose piece is not one stretch of the source (markup inside the pinyin) or
    follows a context-only character is left, as ``split by markup``."""
    from dataclasses import replace

    from ..fix import explain

    edits: list[Edit] = []
    out: list[DocCorrection] = []
    for b in blocks:
        for c in explain(b.text, config=config, options=options):
            mine = []
            for s, e, text in c.edits:
                spans = b.spans(s, e)
                if len(spans) != 1 or any(b.starts[i] < 0 for i in range(s, e)) or b.starts[c.open - 1] < 0:
                    mine = None
                    break
                mine.append(Edit(spans[0][0], spans[0][1], text))
            if c.action == "fixed" and mine is None:
                c = replace(c, action="left", new=c.written, why="split by markup", edits=())
            edits += mine or []
            at = next((int(b.starts[i]) for i in range(c.start, len(b.text)) if b.starts[i] >= 0), b.where)
            out.append(DocCorrection(where(at), c))
    return edits, out


def read_blocks(blocks: Sequence[Block], where: Callable[[int], str], config: Config) -> list[dict]:
    """Each block's words and their pinyin (as :func:`pinzhu.words`: None for a non-Han word),
    with where the block starts."""
    from ..pipeline import words_many

    out = []
    step = 512
    for a in range(0, len(blocks), step):
        chunk = blocks[a:a + step]
        for b, ws in zip(chunk, words_many([x.text for x in chunk], config=config)):
            out.append({"where": where(b.where), "text": b.text, "words": [[w, p] for w, p in ws]})
    return out
