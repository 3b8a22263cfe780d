"""EPUB: every XHTML document of the spine annotated or stripped in place; the rest untouched.

The container (``META-INF/container.xml``) and the package document (OPF) are read with
defusedxml (entity declarations and external entities refused) to find the spine; its XHTML
documents — not the navigation document, not the NCX — go through :mod:`pinzhu.documents.markup`
as XML. The manifest, metadata, navigation and every other entry keep their bytes. Ruby output
carries pinzhu's stylesheet in each document's ``<head>`` (a ``<style>`` element), so the package
document stays byte for byte as it was; strip takes it out again. The book's ``dc:language`` is
the language of a document whose ``<html>`` names none.

The archive is read with the caps of :mod:`pinzhu.documents.archive` (zip slip, zip bombs) and
written back entry for entry, ``mimetype`` first and uncompressed.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from urllib.parse import unquote

from .archive import Entry, read_zip, write_zip
from .base import DocumentError, Limits

MIMETYPE = b"application/epub+zip"
_NS = {"c": "urn:oasis:names:tc:opendocument:xmlns:container", "opf": "http://www.idpf.org/2007/opf",
       "dc": "http://purl.org/dc/elements/1.1/"}


def _xml(data: bytes, where: str):
    import defusedxml.ElementTree as ET
    from defusedxml import DefusedXmlException

    try:
        return ET.fromstring(data)
    except DefusedXmlException as e:
        raise DocumentError(f"{where}: refused ({e}): entity declarations and external entities are not read") from None
    except ET.ParseError as e:
        raise DocumentError(f"{where}: not well-formed XML ({e})") from None


@dataclass
class Epub:
    name: str
    entries: list[Entry]
    parts: list = field(default_factory=list)
    spine: list[str] = field(default_factory=list)

    def write(self, texts: dict[str, str]) -> bytes:
        by_name = {p.name: p for p in self.parts}
        out = []
        for e in self.entries:
            if e.name in texts:
                e = Entry(e.info, by_name[e.name].source.encode(texts[e.name]))
            out.append(e)
        return write_zip(out, first="mimetype")


def load(data: bytes, kind: str, *, name: str, encoding: str | None = None, limits: Limits | None = None) -> Epub:
    from .base import DEFAULT_LIMITS
    from .markup import decode_xhtml, part

    entries = read_zip(data, name, limits or DEFAULT_LIMITS)
    files = {e.name: e.data for e in entries}
    if files.get("mimetype", b"").strip() != MIMETYPE:
        raise DocumentError(f"{name}: not an EPUB (no 'mimetype' entry saying {MIMETYPE.decode()})")
    container = files.get("META-INF/container.xml")
    if container is None:
        raise DocumentError(f"{name}: no META-INF/container.xml")
    root = _xml(container, f"{name}!META-INF/container.xml")
    rootfiles = [r.get("full-path") for r in root.iter(f"{{{_NS['c']}}}rootfile")
                 if r.get("media-type", "application/oebps-package+xml") == "application/oebps-package+xml"]
    if not rootfiles or not rootfiles[0]:
        raise DocumentError(f"{name}!META-INF/container.xml: no rootfile")
    opf_path = rootfiles[0]
    if opf_path not in files:
        raise DocumentError(f"{name}: the package document {opf_path!r} is missing")
    opf = _xml(files[opf_path], f"{name}!{opf_path}")
    lang = opf.find(f"{{{_NS['opf']}}}metadata/{{{_NS['dc']}}}language")
    default_lang = lang.text.strip() if lang is not None and lang.text else None
    items = {}
    for it in opf.iter(f"{{{_NS['opf']}}}item"):
        items[it.get("id")] = it
    base = posixpath.dirname(opf_path)
    book = Epub(name, entries)
    seen: set[str] = set()
    for ref in opf.iter(f"{{{_NS['opf']}}}itemref"):
        it = items.get(ref.get("idref"))
        if it is None:
            raise DocumentError(f"{name}!{opf_path}: spine item {ref.get('idref')!r} is not in the manifest")
        if it.get("media-type") != "application/xhtml+xml" or "nav" in (it.get("properties") or "").split():
            continue
        href = it.get("href") or ""
        path = posixpath.normpath(posixpath.join(base, unquote(href.split("#")[0])))
        if path.startswith("../") or path == ".." or path.startswith("/"):
            raise DocumentError(f"{name}!{opf_path}: spine item {href!r} points outside the book: refused")
        if path not in files:
            raise DocumentError(f"{name}!{opf_path}: spine item {href!r} is missing from the book")
        if path in seen:
            continue
        seen.add(path)
        src = decode_xhtml(files[path], f"{name}!{path}")
        book.parts.append(part(src, xml_doc=True, name=path, default_lang=default_lang))
        book.spine.append(path)
    return book


def build_epub(title: str, chapters: list[tuple[str, list[str]]], *, lang: str = "zh", identifier: str | None = None,
               author: str | None = None, modified: str = "2000-01-01T00:00:00Z") -> bytes:
    """A plain EPUB 3 of ``chapters`` (a title and its paragraphs each): one XHTML document per
    chapter and a navigation document. Text is escaped; the same input gives the same bytes.

    >>> data = build_epub("论语", [("学而篇", ["子曰：“学而时习之，不亦说乎？”"])])
    >>> data[30:38], data[38:58]
    (b'mimetype', b'application/epub+zip')
    """
    import hashlib
    import zipfile
    from html import escape

    ident = identifier or "urn:uuid:" + _uuid(hashlib.sha1(repr((title, chapters)).encode()).hexdigest())
    lang_attr = escape(lang, quote=True)

    def page(heading: str, body: str) -> str:
        return ('<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>\n'
                f'<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" '
                f'lang="{lang_attr}" xml:lang="{lang_attr}">\n<head>\n<meta charset="utf-8"/>\n'
                f'<title>{escape(heading)}</title>\n<link rel="stylesheet" type="text/css" href="book.css"/>\n'
                f'</head>\n<body>\n{body}</body>\n</html>\n')

    files: list[tuple[str, bytes]] = [("mimetype", MIMETYPE), ("META-INF/container.xml", (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">\n'
        '  <rootfiles>\n    <rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/>\n'
        '  </rootfiles>\n</container>\n').encode())]
    manifest, spine, nav = [], [], []
    for k, (heading, paragraphs) in enumerate(chapters, 1):
        href = f"chapter{k:03d}.xhtml"
        body = f'<section epub:type="chapter">\n<h1>{escape(heading)}</h1>\n' + "".join(
            f"<p>{escape(p)}</p>\n" for p in paragraphs) + "</section>\n"
        files.append((f"OEBPS/{href}", page(heading, body).encode()))
        manifest.append(f'    <item id="c{k}" href="{href}" media-type="application/xhtml+xml"/>\n')
        spine.append(f'    <itemref idref="c{k}"/>\n')
        nav.append(f'<li><a href="{href}">{escape(heading)}</a></li>\n')
    files.append(("OEBPS/nav.xhtml", page(title, '<nav epub:type="toc" id="toc">\n<h1>目录</h1>\n<ol>\n'
                                             + "".join(nav) + "</ol>\n</nav>\n").encode()))
    files.append(("OEBPS/book.css", b"body { line-height: 2.2; }\np { text-indent: 2em; }\n"))
    creator = f"    <dc:creator>{escape(author)}</dc:creator>\n" if author else ""
    opf = ('<?xml version="1.0" encoding="utf-8"?>\n'
           '<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="id">\n'
           '  <metadata xmlns:dc="http://purl.org/dc/elements/1.1/">\n'
           f'    <dc:identifier id="id">{escape(ident)}</dc:identifier>\n    <dc:title>{escape(title)}</dc:title>\n'
           f'{creator}    <dc:language>{escape(lang)}</dc:language>\n'
           f'    <meta property="dcterms:modified">{modified}</meta>\n  </metadata>\n  <manifest>\n'
           '    <item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>\n'
           '    <item id="css" href="book.css" media-type="text/css"/>\n'
           + "".join(manifest) + '  </manifest>\n  <spine>\n' + "".join(spine) + '  </spine>\n</package>\n')
    files.insert(2, ("OEBPS/content.opf", opf.encode()))
    entries = []
    for path, data in files:
        info = zipfile.ZipInfo(path, date_time=(2000, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_STORED if path == "mimetype" else zipfile.ZIP_DEFLATED
        entries.append(Entry(info, data))
    return write_zip(entries, first="mimetype")


def _uuid(hexdigest: str) -> str:
    h = hexdigest[:32]
    return f"{h[:8]}-{h[8:12]}-5{h[13:16]}-8{h[17:20]}-{h[20:32]}"
