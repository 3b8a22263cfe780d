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

Formats (:data:`KINDS`): ``html``, ``xhtml``, ``epub``, ``srt``, ``vtt``, ``ass``, ``md``; the
kind comes from the file name (:func:`kind_of`) or is named. Every function takes the document's
bytes and returns bytes (annotate, strip) or values (audit, scan, read); bad input raises
:class:`DocumentError` naming the file and where.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from ..config import DEFAULT, Config
from ..render import AnnotateOptions
from .base import DEFAULT_LIMITS, Block, DocumentError, Edit, Limits, Part, Single, Source, apply_edits
from .jobs import DocFinding, Progress

KINDS = ("html", "xhtml", "epub", "srt", "vtt", "ass", "md")
_EXTENSIONS = {".html": "html", ".htm": "html", ".xhtml": "xhtml", ".xht": "xhtml", ".epub": "epub",
               ".srt": "srt", ".vtt": "vtt", ".ass": "ass", ".ssa": "ass", ".md": "md",
               ".markdown": "md", ".mdown": "md", ".mkd": "md"}
SUBTITLE_MODES = ("inline", "above", "below", "track")


def kind_of(name: str) -> str | None:
    """The document kind a file name says (``book.epub`` → ``epub``), or None (plain text).

    >>> kind_of("lesson.MD"), kind_of("notes.txt")
    ('md', None)
    """
    return _EXTENSIONS.get(os.path.splitext(name)[1].lower())


def _options(options: AnnotateOptions | None, changes: dict[str, Any]) -> AnnotateOptions:
    opts = (options or AnnotateOptions()).but(**changes)
    if opts.format not in ("inline", "ruby"):
        raise DocumentError(f"format {opts.format!r} is for text; documents are annotated inline or as ruby "
                            "(read() gives each block's pinyin as data)")
    if opts.page:
        raise DocumentError("page=True is for text: a document keeps its own page")
    return opts


def _handler(kind: str):
    if kind in ("html", "xhtml"):
        from . import markup as h
    elif kind == "epub":
        from . import epub as h
    elif kind in ("srt", "vtt", "ass"):
        from . import subtitles as h
    elif kind == "md":
        from . import markdown as h
    else:
        raise DocumentError(f"unknown document kind {kind!r}; choose one of {', '.join(KINDS)}")
    return h


def load(data: bytes, kind: str, *, name: str = "<document>", encoding: str | None = None,
         limits: Limits = DEFAULT_LIMITS) -> "Document":
    """Read a document's bytes into parts and blocks (nothing is changed)."""
    if len(data) > limits.max_bytes:
        raise DocumentError(f"{name}: {len(data)} bytes; at most {limits.max_bytes} per document")
    return Document(kind, name, data, _handler(kind).load(data, kind, name=name, encoding=encoding, limits=limits))


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


def annotate(data: bytes, kind: str, select: str | Iterable[str] | None = None, format: str | None = None, *,
             config: Config | None = None, options: AnnotateOptions | None = None, user_dict=None,
             tone: str | None = None, subtitles: str = "inline", name: str = "<document>",
             encoding: str | None = None, limits: Limits = DEFAULT_LIMITS, progress: Progress | None = None,
             **changes: Any) -> bytes:
    """The document with pinyin written in: inline (``银行(yínháng)``), or as ruby (HTML, EPUB);
    subtitles also with a pinyin line ``above`` or ``below`` each Chinese line, or as a separate
    pinyin ``track`` (``subtitles=``). Options as :func:`pinzhu.annotate`."""
    opts = _options(options, dict(select=select, format=format, **changes))
    cfg = (config or DEFAULT).but(tone=tone, user_dict=user_dict)
    if subtitles not in SUBTITLE_MODES:
        raise DocumentError(f"subtitles must be one of {', '.join(SUBTITLE_MODES)}, got {subtitles!r}")
    doc = load(data, kind, name=name, encoding=encoding, limits=limits)
    texts = {}
    total = sum(len(p.blocks) for p in doc.parts)
    done = 0
    for part in doc.parts:
        def step(k: int, n: int, base: int = done) -> None:
            if progress:
                progress(base + k, total)
        texts[part.name] = part.handler.annotate(part, opts, cfg, subtitles=subtitles, progress=step)
        done += len(part.blocks)
    return doc.write(texts)


def strip(data: bytes, kind: str, *, names: bool = False, toneless: bool = True, user_dict=None,
          name: str = "<document>", encoding: str | None = None, limits: Limits = DEFAULT_LIMITS) -> bytes:
    """The document without pinyin annotations: inline ones (as :func:`pinzhu.strip`), pinyin
    ruby (HTML, EPUB), pinyin lines (subtitles)."""
    doc = load(data, kind, name=name, encoding=encoding, limits=limits)
    texts = {p.name: p.handler.strip(p, names=names, toneless=toneless, user_dict=user_dict) for p in doc.parts}
    return doc.write(texts)


def audit(data: bytes, kind: str, *, config: Config | None = None, user_dict=None, min_confidence: float = 0.95,
          name: str = "<document>", encoding: str | None = None, limits: Limits = DEFAULT_LIMITS) -> list[DocFinding]:
    """Every inline annotation checked against pinzhu's reading (:func:`pinzhu.audit`), with
    where it is (``file:line:column``)."""
    from .jobs import audit_blocks

    cfg = (config or DEFAULT).but(user_dict=user_dict)
    doc = load(data, kind, name=name, encoding=encoding, limits=limits)
    return [f for p in doc.parts
            for f in audit_blocks(p.blocks, p.where, cfg, cfg.user_dict, min_confidence)]


def scan(data: bytes, kind: str, *, config: Config | None = None, user_dict=None, name: str = "<document>",
         encoding: str | None = None, limits: Limits = DEFAULT_LIMITS):
    """:func:`pinzhu.scan` of the document's text (its blocks, one per line)."""
    from ..audit import scan as scan_text

    cfg = (config or DEFAULT).but(user_dict=user_dict)
    doc = load(data, kind, name=name, encoding=encoding, limits=limits)
    return scan_text("\n".join(b.text for b in doc.blocks), config=cfg, user_dict=cfg.user_dict)


def read(data: bytes, kind: str, *, config: Config | None = None, user_dict=None, tone: str | None = None,
         name: str = "<document>", encoding: str | None = None, limits: Limits = DEFAULT_LIMITS) -> list[dict]:
    """Each block's words with their pinyin, and where the block starts."""
    from .jobs import read_blocks

    cfg = (config or DEFAULT).but(tone=tone, user_dict=user_dict)
    doc = load(data, kind, name=name, encoding=encoding, limits=limits)
    return [r for p in doc.parts for r in read_blocks(p.blocks, p.where, cfg)]


__all__ = ["DEFAULT_LIMITS", "Block", "DocFinding", "Document", "DocumentError", "Edit", "KINDS", "Limits", "Part",
           "SUBTITLE_MODES", "Source", "annotate", "apply_edits", "audit", "kind_of", "load", "read", "scan", "strip"]
