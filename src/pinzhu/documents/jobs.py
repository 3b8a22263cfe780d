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

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass

import numpy as np

from ..config import Config
from ..render import BRACKETS, AnnotateOptions, Plan, ruby_markup
from .base import Block, Edit

# Blocks per engine pass: short blocks share the per-call cost; a long book goes in bounded pieces.
BLOCKS_PER_PASS = 512

Progress = Callable[[int, int], None]


def plans(blocks: Sequence[Block], options: AnnotateOptions, config: Config, *, guard: bool | None = None,
          progress: Progress | None = None) -> list[Plan]:
    """Each block's annotation plan (:func:`pinzhu.render.plan`), read in passes of many blocks."""
    from ..pipeline import reading_many
    from ..render import plan

    out: list[Plan] = []
    for a in range(0, len(blocks), BLOCKS_PER_PASS):
        chunk = [b.text for b in blocks[a:a + BLOCKS_PER_PASS]]
        out += [plan(t, options, config, read=r, guard=guard) for t, r in zip(chunk, reading_many(chunk, config=config))]
        if progress:
            progress(len(out), len(blocks))
    return out


Place = Callable[[Block, int, int], int]


def inline_edits(block: Block, p: Plan, escape: Callable[[str], str] = str, place: Place | None = None) -> list[Edit]:
    """``(xúngēn)`` after each unit's last character, in that character's text node. ``place``
    may move the insertion point (Markdown: past a closing ``*``, which an annotation before it
    would stop from closing)."""
    op, cl = BRACKETS[p.options.brackets]
    out = []
    for b, w in zip(p.end.tolist(), p.written.tolist()):
        i = b - 1
        if block.starts[i] < 0:
            continue
        pos = int(block.ends[i])
        if place is not None:
            pos = place(block, i, pos)
        out.append(Edit(pos, pos, escape(op + w + cl), 0))
    return out


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


def read_blocks(blocks: Sequence[Block], where: Callable[[int], str], config: Config) -> list[dict]:
    """Each block's words and their pinyin (as :func:`pinzhu.words`: None for a non-Han word),
    with where the block starts."""
    from ..pipeline import words_many

    out = []
    for a in range(0, len(blocks), BLOCKS_PER_PASS):
        chunk = blocks[a:a + BLOCKS_PER_PASS]
        for b, ws in zip(chunk, words_many([x.text for x in chunk], config=config)):
            out.append({"where": where(b.where), "text": b.text, "words": [[w, p] for w, p in ws]})
    return out
