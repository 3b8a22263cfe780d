"""Markdown: the text of paragraphs, headings, list items, quotes and table cells annotated in
place; code spans and blocks, link and image targets, autolinks, HTML, link reference definitions
and front matter untouched.

Parser: markdown-it-py (CommonMark, plus GFM tables and strikethrough, and mdit-py-plugins' front
matter). Its block tokens say which lines each paragraph or heading holds; where each run of text
sits inside them comes from watching its inline rules: every rule is wrapped to note the source
span it consumed, so a text run, an escape (``\\*``), an entity (``&amp;``), a code span or a link
destination is known by where it is, not guessed by searching. Text runs of one paragraph are
one block (``**银**行`` is one word).

Three places need care so that the annotated file parses to the same document:

* a link whose text is its reference label (``[银行]`` or ``[银行][]`` with a definition elsewhere)
  would lose its target if the label changed, so its text is read for context but never written;
* an annotation before a closing ``*``/``_``/``~~`` that a letter follows (``**银行**的``) would
  stop the delimiter from closing (CommonMark's flanking rules), so it goes after the delimiter
  (``**银行**(yínháng)的``);
* any annotation next to a delimiter run can change how runs pair up (``为*yínháng**``: the rule
  of three), so a paragraph with one is parsed again with its annotations, and if its inline
  structure changed, the annotations next to delimiters are left out (never a guard: a guard is
  followed by a bracket, not a delimiter).
"""

from __future__ import annotations

import re
import sys
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import lru_cache

from .base import SEPARATOR, Block, BlockBuilder, DocumentError, Edit, Source, apply_edits

# Raw inline HTML whose content is not read (as in HTML documents).
_SKIP_TAGS = frozenset("code kbd samp var script style ruby rt rp textarea svg math".split())
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)")


@dataclass
class _Record:
    rule: str
    start: int
    end: int
    tokens: list = field(default_factory=list)
    readonly: tuple[int, int] | None = None   # a reference link's label: read, never written


class _Recorder:
    def __init__(self, src: str) -> None:
        self.src = src
        self.records: list[_Record] = []


def _wrap(name: str, rule):
    def wrapped(state, silent):
        rec = state.env.get("pz")
        if silent or rec is None or state.src is not rec.src:
            return rule(state, silent)
        start, n = state.pos, len(state.tokens)
        label_end = state.md.helpers.parseLinkLabel(state, start, True) if name == "link" and \
            state.src[start] == "[" else -1
        ok = rule(state, silent)
        if ok:
            # Each new token with its content length now (emphasis post-processing empties the
            # delimiters it pairs up; what is left is literal text).
            r = _Record(name, start, state.pos, [(t, len(t.content)) for t in state.tokens[n:]])
            if name == "link" and label_end > 0:
                after = state.src[label_end + 1:label_end + 3]
                if state.pos == label_end + 1 or after == "[]":
                    r.readonly = (start + 1, label_end)
            rec.records.append(r)
        return ok
    return wrapped


def _fallback(state, silent):
    """Last rule: a character no other rule takes is literal text (markdown-it's own fallback,
    made a rule so that its place is noted)."""
    if not silent:
        state.pending += state.src[state.pos]
        rec = state.env.get("pz")
        if rec is not None and state.src is rec.src:
            rec.records.append(_Record("text", state.pos, state.pos + 1))
    state.pos += 1
    return True


@lru_cache(maxsize=1)
def parser():
    try:
        from markdown_it import MarkdownIt
        from mdit_py_plugins.front_matter import front_matter_plugin
    except ImportError:
        raise DocumentError("Markdown needs its extra: pip install 'pinzhu[documents]'") from None
    md = MarkdownIt("commonmark").enable(["table", "strikethrough"]).use(front_matter_plugin)
    # Ruler keeps its rules in __rules__ (name, fn, enabled): wrap each one in place.
    for rule in list(md.inline.ruler.__rules__):
        md.inline.ruler.at(rule.name, _wrap(rule.name, rule.fn))
    md.inline.ruler.push("pz_fallback", _fallback)
    md.core.ruler.disable(["inline", "text_join"], ignoreInvalid=True)
    # fragments_join merges neighbouring text tokens into one, content and all, which would hide
    # which delimiter characters stayed literal; nothing here renders tokens, so leave them apart.
    md.inline.ruler2.disable(["fragments_join"], ignoreInvalid=True)
    return md


@dataclass
class MarkdownDoc:
    source: Source
    blocks: list[Block]
    closers: dict[int, int]   # source span of each closing emphasis/strikethrough delimiter run
    env: dict = field(default_factory=dict)                  # the parse's link references
    inline: list[tuple[str, list]] = field(default_factory=list)   # per block: content, line spans
    skipped: int = 0          # inline runs whose lines could not be placed (left as they are)


def _line_map(src_lines: list[tuple[int, int]], text: str, token, cursor: dict[int, int]) -> list[tuple[int, int, int]] | None:
    """For each line of an inline token's content: (content offset, source offset, length)."""
    content = token.content
    first = token.map[0]
    out = []
    c = 0
    for k, cl in enumerate(content.split("\n")):
        li = first + k
        if li >= len(src_lines):
            return None
        s, e = src_lines[li]
        sl = text[s:e]
        at = -1
        for p in (len(sl) - len(cl), len(sl.rstrip()) - len(cl)):
            if p >= cursor.get(li, 0) and sl[p:p + len(cl)] == cl and not sl[p + len(cl):].strip():
                at = p
                break
        if at < 0:
            at = sl.find(cl, cursor.get(li, 0)) if cl else len(sl.rstrip())
        if at < 0:
            return None
        cursor[li] = at + len(cl)
        out.append((c, s + at, len(cl)))
        c += len(cl) + 1
    return out


def parse(src: Source) -> MarkdownDoc:
    md = parser()
    text = src.text
    if "\x00" in text:
        raise DocumentError(f"{src.name}: a NUL character at offset {text.index(chr(0))}; Markdown reads it as U+FFFD")
    lines = [(m.start(1), m.end(1)) for m in re.finditer(r"([^\r\n]*)(?:\r\n|\n|\r|$)", text)]
    env: dict = {}
    tokens = md.parse(text, env)
    doc = MarkdownDoc(src, [], {}, env)
    cursor: dict[int, int] = {}
    for tok in tokens:
        if tok.type != "inline" or tok.map is None:
            continue
        spans = _line_map(lines, text, tok, cursor)
        if spans is None:
            doc.skipped += 1
            continue
        rec = _Recorder(tok.content)
        env["pz"] = rec
        md.inline.parse(tok.content, md, env, [])
        env["pz"] = None
        block = _block(src, tok.content, rec.records, spans, doc)
        if block is not None:
            doc.blocks.append(block)
            doc.inline.append((tok.content, spans))
    return doc


def _block(src: Source, content: str, records: list[_Record], spans, doc: MarkdownDoc) -> Block | None:
    starts = [c for c, _, _ in spans]

    def at(c: int) -> int:
        k = bisect_right(starts, c) - 1
        c0, s0, n = spans[k]
        return s0 + min(c - c0, n)

    readonly = [r.readonly for r in records if r.readonly]
    b = BlockBuilder(src)
    skip: list[str] = []
    for r in sorted(records, key=lambda r: r.start):
        if r.rule == "link":
            continue
        if r.rule in ("emphasis", "strikethrough"):
            # The run's own tokens are the last ones (a flush of pending text may come first).
            delims, total = [], 0
            for t, n in reversed(r.tokens):
                if total >= r.end - r.start:
                    break
                delims.insert(0, (t, n))
                total += n
            pos, closing = r.start, any(t.type.endswith("_close") for t, _ in delims)
            for t, n in delims:
                if t.type == "text" and t.content:   # a delimiter nothing paired: literal text
                    if not skip:
                        b.text(at(pos), at(pos + n))
                elif closing:
                    doc.closers[at(pos)] = at(pos + n)
                pos += n
            continue
        if r.rule == "html_inline":
            m = _TAG.match(content, r.start)
            if m:
                name = m.group(2).lower()
                if name == "br" and not skip:
                    b.context("\n")
                elif name in _SKIP_TAGS and not content[r.start:r.end].endswith("/>"):
                    if m.group(1):
                        if name in skip:
                            del skip[len(skip) - 1 - skip[::-1].index(name):]
                    else:
                        if not skip:
                            b.context(SEPARATOR)
                        skip.append(name)
            continue
        if skip:
            continue
        if r.rule == "text":
            if any(a <= r.start and r.end <= e for a, e in readonly):
                b.context(content[r.start:r.end])
            elif "\n" in content[r.start:r.end]:
                b.context(content[r.start:r.end])
            else:
                b.text(at(r.start), at(r.end))
        elif r.rule in ("escape", "entity"):
            special = [t for t, _ in r.tokens if t.type == "text_special"]
            if special and "\n" not in content[r.start:r.end]:
                ch = special[-1].content
                if any(a <= r.start and r.end <= e for a, e in readonly):
                    b.context(ch)
                else:
                    b.decoded(ch, [at(r.start)] * len(ch), [at(r.end)] * len(ch))
            else:
                b.context("\n")
        elif r.rule == "newline":
            b.context("\n")
        else:   # backticks (code span), image, autolink, anything else: not text
            b.context(SEPARATOR)
    return b.finish()


# --- the handler -----------------------------------------------------------------------------------

def load(data: bytes, kind: str, *, name: str, encoding: str | None = None, limits=None):
    from .base import Part, Single

    src = Source.decode(data, name, encoding)
    doc = parse(src)
    return Single(Part(name, src, doc.blocks, sys.modules[__name__], doc))


def _place(doc: MarkdownDoc):
    def place(block: Block, i: int, pos: int) -> int:
        if i + 1 >= len(block.text) or block.starts[i + 1] < 0:
            return pos
        nxt = int(block.starts[i + 1])
        q = pos
        while q in doc.closers and q < nxt:
            q = doc.closers[q]
        return nxt if q == nxt and q != pos else pos
    return place


def annotate(p, options, config, *, subtitles: str = "inline", reading=None) -> str:
    import numpy as np

    from .jobs import inline_edit_list, plan_of

    doc: MarkdownDoc = p.state
    if options.format != "inline":
        raise DocumentError(f"{doc.source.name}: Markdown is annotated inline (ruby is for HTML and EPUB)")
    block, offsets = p.joined
    pl = plan_of(block, options, config, reading)
    text = doc.source.text
    # Each annotation's paragraph: the block its unit ends in.
    which = np.searchsorted(offsets, pl.end - 1, side="right") - 1
    by_block: dict[int, list[Edit]] = {}
    for k, e in inline_edit_list(block, pl, place=_place(doc)):
        by_block.setdefault(int(which[k]), []).append(e)
    edits = []
    for j, mine in by_block.items():
        near = [e for e in mine if text[e.start:e.start + 1] in _DELIMS or text[e.start - 1:e.start] in _DELIMS]
        content, spans = doc.inline[j]
        if near and _signature(content, doc.env) != _signature(_in_content(content, spans, mine), doc.env):
            mine = [e for e in mine if e not in near]
        edits += mine
    return apply_edits(text, edits)


_DELIMS = frozenset("*_~")


def _signature(content: str, env: dict) -> list[tuple]:
    """A paragraph's inline structure: every token but text, with its markup and attributes."""
    md = parser()
    env = {k: v for k, v in env.items() if k != "pz"}
    return [(t.type, t.tag, t.nesting, t.markup, tuple(sorted((t.attrs or {}).items())))
            for t in md.inline.parse(content, md, env, []) if t.type not in ("text", "text_special")]


def _in_content(content: str, spans, edits: list[Edit]) -> str:
    """A paragraph's content with these source edits made in it."""
    starts = [s0 for _, s0, _ in spans]
    moved = []
    for e in edits:
        k = bisect_right(starts, e.start) - 1
        c0, s0, _ = spans[k]
        moved.append(Edit(c0 + e.start - s0, c0 + e.start - s0, e.text, e.order))
    return apply_edits(content, moved)


def strip(p, *, names: bool = False, toneless: bool = True, user_dict=None) -> str:
    from .jobs import strip_edits

    doc: MarkdownDoc = p.state
    edits = [e for b in doc.blocks for e in strip_edits(b, names=names, toneless=toneless, user_dict=user_dict)]
    return apply_edits(doc.source.text, edits)
