"""DOCX: the text of a Word document's paragraphs (body, headers, footers, footnotes, endnotes)
annotated inline, in place; every other part of the package and of the XML keeps its bytes.

A paragraph (``w:p``) is one block however Word cut it into runs (``<w:r><w:t>银</w:t></w:r>
<w:r><w:rPr><w:b/></w:rPr><w:t>行</w:t></w:r>`` is 银行), and an annotation goes into the ``w:t`` of
its word's last character. Field codes, deleted text and Word's own phonetic guides are not read.
The XML is read with expat as EPUB's XHTML is (entities refused), through the same walker with
WordprocessingML's rules (:data:`pinzhu.documents.markup.DOCX_POLICY`); the archive with the same
caps. Why not python-docx: it edits runs well, but saving re-serialises every XML part (namespace
declarations, attribute order, whitespace), so the document could not come back byte for byte.
Ruby is not written (Word's phonetic guide is a structure of its own): inline only.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field

from .archive import Entry, read_zip, write_zip
from .base import DocumentError, Limits

# The parts of a document that hold its text (WordprocessingML stories).
_STORIES = re.compile(r"^word/(document|header\d*|footer\d*|footnotes|endnotes)\.xml$")


@dataclass
class Docx:
    name: str
    entries: list[Entry]
    parts: list = field(default_factory=list)

    def write(self, texts: dict[str, str]) -> bytes:
        by_name = {p.name: p for p in self.parts}
        return write_zip([Entry(e.info, by_name[e.name].source.encode(texts[e.name])) if e.name in texts else e
                          for e in self.entries])


def load(data: bytes, kind: str, *, name: str, encoding: str | None = None, limits: Limits | None = None) -> Docx:
    from .base import DEFAULT_LIMITS
    from .markup import DOCX_POLICY, decode_xhtml, part

    entries = read_zip(data, name, limits or DEFAULT_LIMITS)
    names = {e.name for e in entries}
    if "word/document.xml" not in names or "[Content_Types].xml" not in names:
        raise DocumentError(f"{name}: not a Word document (no word/document.xml and [Content_Types].xml)")
    doc = Docx(name, entries)
    for e in entries:
        if _STORIES.match(e.name):
            src = decode_xhtml(e.data, f"{name}!{e.name}")
            p = part(src, xml_doc=True, name=e.name, policy=DOCX_POLICY)
            p.handler = sys.modules[__name__]
            doc.parts.append(p)
    return doc


def annotate(p, options, config, *, subtitles: str = "inline", reading=None) -> str:
    from .base import apply_edits
    from .jobs import inline_edits, plan_of

    if options.format != "inline":
        raise DocumentError(f"{p.source.name}: Word documents are annotated inline (ruby is for HTML and EPUB)")
    block, _ = p.joined
    return apply_edits(p.source.text, inline_edits(block, plan_of(block, options, config, reading), escape=_text))


def strip(p, *, names: bool = False, toneless: bool = True, user_dict=None) -> str:
    from .base import apply_edits
    from .jobs import strip_edits

    return apply_edits(p.source.text, [e for b in p.blocks
                                       for e in strip_edits(b, names=names, toneless=toneless, user_dict=user_dict)])


def _text(s: str) -> str:
    from html import escape

    return escape(s, quote=False)
