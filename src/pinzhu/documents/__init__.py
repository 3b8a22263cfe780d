"""Documents: annotate, strip, audit, scan and read HTML, EPUB, subtitles and Markdown in place.

A document is read into *blocks* — the text a reader reads as one stretch, with the place of each
character in the source (:mod:`pinzhu.documents.base`). A text job runs over the blocks with their
whole context (``<b>银</b>行`` is one word), and what it writes goes back into the source at those
places; everything else passes through byte for byte, and ``strip(annotate(doc)) == doc``.

>>> from pinzhu import documents
>>> page = "<p>我们去<b>银</b>行。</p>".encode()
>>> documents.annotate(page, "html", select="words", words=["银行"]).decode()
'<p>我们去<b>银</b>行(yínháng)。</p>'
>>> documents.strip(documents.annotate(page, "html", select="words", words=["银行"]), "html") == page
True

Formats (:data:`KINDS`): ``html``, ``xhtml``, ``epub``, ``docx``, ``srt``, ``vtt``, ``ass``, ``md``; the
kind comes from the file name (:func:`kind_of`) or is named. Every function takes the document's
bytes and returns bytes (annotate, strip) or values (audit, scan, read); bad input raises
:class:`DocumentError` naming the file and where.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ..config import AUDIT, DEFAULT, STRIP, AuditOptions, Config, StripOptions
from ..options import OptionError, resolve
from ..render import ANNOTATE, AnnotateOptions
from .base import (DEFAULT_LIMITS, DOCUMENT, KINDS, SUBTITLE_MODES, Block, DocumentError, DocumentOptions, Edit,
                   Limits, Part, Single, Source, apply_edits, collector_paused)
from .jobs import DocCorrection, DocFinding, Progress

_EXTENSIONS = {".html": "html", ".htm": "html", ".xhtml": "xhtml", ".xht": "xhtml", ".epub": "epub", ".docx": "docx",
               ".srt": "srt", ".vtt": "vtt", ".ass": "ass", ".ssa": "ass", ".md": "md",
               ".markdown": "md", ".mdown": "md", ".mkd": "md"}


def kind_of(name: str) -> str | None:
    """The document kind a file name says (``book.epub`` → ``epub``), or None (plain text).

    >>> kind_of("lesson.MD"), kind_of("notes.txt")
    ('md', None)
    """
    return _EXTENSIONS.get(os.path.splitext(name)[1].lower())


def _handler(kind: str):
    if kind in ("html", "xhtml"):
        from . import markup as h
    elif kind == "epub":
        from . import epub as h
    elif kind == "docx":
        from . import docx as h
    elif kind in ("srt", "vtt", "ass"):
        from . import subtitles as h
    elif kind == "md":
        from . import markdown as h
    else:
        raise DocumentError(f"unknown document kind {kind!r}; choose one of {', '.join(KINDS)}")
    return h


def _kind(kind: str | None, doc: DocumentOptions, name: str) -> str:
    kind = kind or doc.format_in or kind_of(name)
    if kind is None:
        raise DocumentError(f"{name}: which kind of document? The name does not say (.html, .epub, .srt, .md, ...); "
                            "name it (format_in, --format-in)")
    return kind


def load(data: bytes, kind: str | None = None, *, name: str = "<document>", document: DocumentOptions | None = None,
         limits: Limits = DEFAULT_LIMITS, **changes: Any) -> "Document":
    """Read a document's bytes into parts and blocks (nothing is changed)."""
    (doc,) = resolve(changes, (document or DOCUMENT, DocumentOptions), where="load")
    kind = _kind(kind, doc, name)
    if len(data) > limits.max_bytes:
        raise DocumentError(f"{name}: {len(data)} bytes; at most {limits.max_bytes} per document")
    return Document(kind, name, data, _handler(kind).load(data, kind, name=name, encoding=doc.encoding, limits=limits))


@dataclass
class Document:
    """A document read into parts; jobs return new bytes or findings and leave it unchanged."""

    kind: str
    name: str
    data: bytes
    container: Any   # the format's own value: parts plus what it needs to write itself back

    @property
    def parts(self) -> list[Part]:
        return self.container.parts

    @property
    def blocks(self) -> list[Block]:
        return [b for p in self.parts for b in p.blocks]

    def write(self, texts: dict[str, str]) -> bytes:
        """The document with the named parts' text replaced (the rest as it was)."""
        return self.container.write(texts)


def annotate(data: bytes, kind: str | None = None, select: str | Iterable[str] | None = None,
             format: str | None = None, *, config: Config | None = None, options: AnnotateOptions | None = None,
             document: DocumentOptions | None = None, name: str = "<document>", limits: Limits = DEFAULT_LIMITS,
             progress: Progress | None = None, **changes: Any) -> bytes:
    """The document with pinyin written in: inline (``银行(yínháng)``), or as ruby (HTML, EPUB);
    subtitles also with a pinyin line ``above`` or ``below`` each Chinese line, or as a separate
    pinyin ``track`` (``subtitles=``). Any field of :class:`pinzhu.Config`,
    :class:`pinzhu.AnnotateOptions` or :class:`DocumentOptions` is also a keyword.
    ``progress(blocks_done, blocks)`` is called as the work goes."""
    from ..render import check_options

    if select is not None:
        changes["select"] = select
    if format is not None:
        changes["format"] = format
    cfg, opts, doc = resolve(changes, (config or DEFAULT, Config), (options or ANNOTATE, AnnotateOptions),
                             (document or DOCUMENT, DocumentOptions), where="documents.annotate")
    if opts.format not in ("inline", "ruby"):
        raise OptionError("format", f"format {opts.format!r} is for text; documents are annotated inline or as "
                                    "ruby (read() gives each block's pinyin as data)")
    if opts.page:
        raise OptionError("page", "page is for text: a document keeps its own page")
    check_options(opts, cfg)
    from .jobs import in_passes

    with collector_paused():
        d = load(data, kind, name=name, document=doc, limits=limits)
        texts = {}
        total = sum(len(p.blocks) for p in d.parts)
        done = 0
        for part, reading in in_passes(d.parts, cfg):
            texts[part.name] = part.handler.annotate(part, opts, cfg, subtitles=doc.subtitles, reading=reading)
            done += len(part.blocks)
            if progress:
                progress(done, total)
        return d.write(texts)


def strip(data: bytes, kind: str | None = None, *, config: Config | None = None, options: StripOptions | None = None,
          document: DocumentOptions | None = None, name: str = "<document>", limits: Limits = DEFAULT_LIMITS,
          **changes: Any) -> bytes:
    """The document without pinyin annotations: inline ones (as :func:`pinzhu.strip`, with its
    :class:`StripOptions`), pinyin ruby (HTML, EPUB), pinyin lines (subtitles)."""
    cfg, opts, doc = resolve(changes, (config or DEFAULT, Config), (options or STRIP, StripOptions),
                             (document or DOCUMENT, DocumentOptions), where="documents.strip")
    with collector_paused():
        d = load(data, kind, name=name, document=doc, limits=limits)
        texts = {p.name: p.handler.strip(p, names=opts.names, toneless=opts.toneless, user_dict=cfg.user_dict)
                 for p in d.parts}
        return d.write(texts)


def audit(data: bytes, kind: str | None = None, *, config: Config | None = None, options: AuditOptions | None = None,
          document: DocumentOptions | None = None, name: str = "<document>", limits: Limits = DEFAULT_LIMITS,
          **changes: Any) -> list[DocFinding]:
    """Every inline annotation checked against pinzhu's reading (:func:`pinzhu.audit`), with
    where it is (``file:line:column``)."""
    from .jobs import audit_blocks

    cfg, opts, doc = resolve(changes, (config or DEFAULT, Config), (options or AUDIT, AuditOptions),
                             (document or DOCUMENT, DocumentOptions), where="documents.audit")
    d = load(data, kind, name=name, document=doc, limits=limits)
    return [f for p in d.parts for f in audit_blocks(p.blocks, p.where, cfg, opts)]


def fixed(data: bytes, kind: str | None = None, *, config: Config | None = None, options: AuditOptions | None = None,
          document: DocumentOptions | None = None, name: str = "<document>", limits: Limits = DEFAULT_LIMITS,
          **changes: Any) -> tuple[bytes, list[DocCorrection]]:
    """The document with every inline annotation audit finds wrong rewritten in place
    (:func:`pinzhu.fix`), and what was fixed or left, with where (``file:line:column``)."""
    from .jobs import fix_blocks

    cfg, opts, doc = resolve(changes, (config or DEFAULT, Config), (options or AUDIT, AuditOptions),
                             (document or DOCUMENT, DocumentOptions), where="documents.fix")
    with collector_paused():
        d = load(data, kind, name=name, document=doc, limits=limits)
        texts, found = {}, []
        for p in d.parts:
            edits, cs = fix_blocks(p.blocks, p.where, cfg, opts)
            found += cs
            if edits:
                texts[p.name] = apply_edits(p.source.text, edits)
        return (d.write(texts) if texts else data), found


def fix(data: bytes, kind: str | None = None, **kw: Any) -> bytes:
    """:func:`fixed`'s document alone: wrong inline annotations rewritten, every other byte kept.

    >>> fix("<p>我们去<b>银行</b>(yínxíng)。</p>".encode(), "html").decode()
    '<p>我们去<b>银行</b>(yínháng)。</p>'
    """
    return fixed(data, kind, **kw)[0]


def scan(data: bytes, kind: str | None = None, *, config: Config | None = None, document: DocumentOptions | None = None,
         name: str = "<document>", limits: Limits = DEFAULT_LIMITS, **changes: Any):
    """:func:`pinzhu.scan` of the document's text (its blocks, one per line)."""
    from ..audit import scan as scan_text

    cfg, doc = resolve(changes, (config or DEFAULT, Config), (document or DOCUMENT, DocumentOptions),
                       where="documents.scan")
    d = load(data, kind, name=name, document=doc, limits=limits)
    return scan_text("\n".join(b.text for b in d.blocks), config=cfg)


def read(data: bytes, kind: str | None = None, *, config: Config | None = None, document: DocumentOptions | None = None,
         name: str = "<document>", limits: Limits = DEFAULT_LIMITS, **changes: Any) -> list[dict]:
    """Each block's words with their pinyin, and where the block starts."""
    from .jobs import read_blocks

    cfg, doc = resolve(changes, (config or DEFAULT, Config), (document or DOCUMENT, DocumentOptions),
                       where="documents.read")
    d = load(data, kind, name=name, document=doc, limits=limits)
    return [r for p in d.parts for r in read_blocks(p.blocks, p.where, cfg)]


__all__ = ["DEFAULT_LIMITS", "Block", "DocCorrection", "DocFinding", "Document", "DocumentError", "DocumentOptions", "Edit", "KINDS", "Limits", "Part",
           "SUBTITLE_MODES", "Source", "annotate", "apply_edits", "audit", "fix", "fixed", "kind_of", "load", "read", "scan", "strip"]
