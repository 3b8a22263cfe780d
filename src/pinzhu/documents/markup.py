"""HTML and XHTML: the text a reader sees, in blocks, with every character's place in the source.

Parsers. The job needs the exact source span of every tag, text and entity, so that everything
outside the text passes through byte for byte: a parser that builds a tree and serialises it again
(html5lib, lxml, selectolax) rewrites quoting, entities, whitespace and implied tags, and none of
them reports where a text node was. So HTML goes through the standard library's tokenizer
(``html.parser``, the one BeautifulSoup uses by default: every token with its position; script and
style content as raw text) and XHTML — EPUB's documents, which must be well-formed XML — through
expat (``xml.parsers.expat``: byte offsets of every event, entities declared in a DTD refused, no
external entity ever loaded). The element nesting that decides what is skipped is kept here, with
the HTML end tags that may be left out (``<p>``, ``<li>``, ``<rt>``, table cells) closed where the
HTML standard closes them.

What is read: text nodes only — never attributes, comments, ``<script>``, ``<style>``, ``<code>``,
``<head>``, form fields, embedded SVG/MathML, existing ``<ruby>`` (nor its ``<rt>``/``<rp>``), or
an element whose ``lang`` is another language (``lang="en"``, ``ja``); ``lang="zh"`` inside it reads
again. Block elements (``<p>``, ``<li>``, ``<h1>``, ``<td>``, …) end a block; inline ones
(``<b>``, ``<a>``, ``<span>``) don't: ``<b>银</b>行`` is one word.

>>> m = parse_markup(Source.decode('<p lang="zh"><b>银</b>行<code>x</code><span lang="en">yes</span></p>'.encode(), "a.html"))
>>> [b.text for b in m.blocks]
['银行\\ufffc']
"""

from __future__ import annotations

import html
import re
import xml.parsers.expat

import numpy as np
from dataclasses import dataclass, field
from html.parser import HTMLParser

from .base import SEPARATOR, Block, BlockBuilder, DocumentError, Edit, Source, apply_edits, byte_to_char, line_starts

# Elements whose start or end ends a block (a reader reads their text apart from what is around).
BLOCK = frozenset("""address article aside blockquote body caption center dd details dialog dir div dl dt
fieldset figcaption figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr html li legend main menu nav ol
p pre section summary table tbody td tfoot th thead tr ul""".split())
# Elements whose text is never read (and that act as a word separator where they stand).
SKIP = frozenset("""script style template textarea title head code kbd samp var svg math object iframe
select option optgroup canvas audio video noembed noframes xmp plaintext rt rp ruby button""".split())
VOID = frozenset("area base br col embed hr img input link meta param source track wbr keygen".split())
CHINESE = frozenset({"zh", "cmn", "lzh"})  # lang primary subtags read as Mandarin (lzh: classical Chinese)

# HTML end tags that may be omitted: a start tag closes these open elements (up to a boundary).
_P_CLOSERS = frozenset("""address article aside blockquote center details dialog dir div dl fieldset figcaption
figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr main menu nav ol p pre section summary table ul li dd dt""".split())
_IMPLIED = {
    "li": ({"li"}, {"ul", "ol", "menu"}),
    "dt": ({"dt", "dd"}, {"dl"}), "dd": ({"dt", "dd"}, {"dl"}),
    "rt": ({"rt", "rp"}, {"ruby"}), "rp": ({"rt", "rp"}, {"ruby"}),
    "option": ({"option"}, {"select", "datalist", "optgroup"}), "optgroup": ({"optgroup", "option"}, {"select"}),
    "tr": ({"tr", "td", "th"}, {"table", "tbody", "thead", "tfoot"}),
    "td": ({"td", "th"}, {"tr", "table"}), "th": ({"td", "th"}, {"tr", "table"}),
    "tbody": ({"tbody", "thead", "tfoot", "tr", "td", "th"}, {"table"}),
    "thead": ({"tbody", "thead", "tfoot", "tr", "td", "th"}, {"table"}),
    "tfoot": ({"tbody", "thead", "tfoot", "tr", "td", "th"}, {"table"}),
    "body": ({"head"}, {"html"}),
}
_P_SCOPE = frozenset("html table td th caption marquee object applet template button".split())
# What may stand in an HTML <head>; any other start tag (or text) ends a head whose end tag was left out.
_HEAD_CONTENT = frozenset("title meta link style script base noscript template basefont bgsound".split())

@dataclass(frozen=True)
class Policy:
    """Which elements a markup vocabulary reads and how: ``block`` elements end a block, ``skip``
    ones are never read (and separate words), ``breaks`` stand for a character of context (``<br>``
    a line break); ``text_in``: text is read only inside these (a DOCX's ``w:t``), None: anywhere;
    ``lang``: ``lang``/``xml:lang`` attributes decide; ``prefixed_foreign``: a prefixed element
    (``svg:svg``, ``m:math``) is another vocabulary, not read."""

    block: frozenset[str]
    skip: frozenset[str]
    breaks: dict[str, str]
    text_in: frozenset[str] | None = None
    lang: bool = True
    prefixed_foreign: bool = True
    separators: frozenset[str] = frozenset()   # empty elements that separate words (<img>)


HTML_POLICY = Policy(BLOCK, SKIP, {"br": "\n"}, separators=VOID - {"br", "wbr"})
# WordprocessingML: text lives in w:t; paragraphs are w:p. Field codes, deleted text, phonetic
# guides (w:ruby, Word's own ruby) and the fallback copy of alternate content are not read.
DOCX_POLICY = Policy(frozenset({"w:p"}), frozenset({"w:instrText", "w:delText", "w:ruby", "w:fldData",
                                                    "mc:Fallback"}),
                     {"w:br": "\n", "w:cr": "\n", "w:tab": "\t"}, text_in=frozenset({"w:t"}), lang=False,
                     prefixed_foreign=False, separators=frozenset({"w:sym", "w:footnoteReference",
                                                                  "w:endnoteReference", "w:drawing"}))

GUARD = "<!--pinzhu:keep-->"  # before a ruby that strip must leave: annotate's mark, strip takes it out
STYLE_MARK = "/* pinzhu ruby"


@dataclass(slots=True)
class Ruby:
    """A ``<ruby>`` element already in the document: where it is, what it reads, how to take it out."""

    start: int
    end: int = -1
    classes: tuple[str, ...] = ()
    bases: list[str] = field(default_factory=lambda: [""])   # base text before each <rt>
    rts: list[str] = field(default_factory=list)
    markup: list[tuple[int, int]] = field(default_factory=list)  # tags, <rt> and <rp> elements (merged)
    guard: tuple[int, int] | None = None                          # a GUARD comment right before it
    ours: bool = False                                            # class pz: pinzhu wrote it
    _open: tuple[str, int] | None = None                          # an <rt>/<rp> not yet closed

    def cut(self, s: int, e: int) -> None:
        """Note a span strip takes out (joined to the last one where they touch)."""
        if self.markup and self.markup[-1][1] == s:
            self.markup[-1] = (self.markup[-1][0], e)
        else:
            self.markup.append((s, e))

    def removable(self, user_dict=None) -> bool:
        """pinzhu's (class ``pz``), or pinyin over Han characters that it fits, whoever wrote it."""
        if self.ours:
            return True
        from ..parse import HAN, find_annotations

        if not self.rts or "".join(self.bases[len(self.rts):]).strip():
            return False
        bases = [b.strip() for b in self.bases[:len(self.rts)]]
        if len(bases) != len(self.rts):
            return False
        han = re.compile(f"[{HAN}]+")
        for base, rt in zip(bases, self.rts):
            rt = rt.strip()
            if not han.fullmatch(base) or not rt:
                return False
            text = f"{base}({rt})"
            if not any(a.start == 0 and a.close == len(text)
                       for a in find_annotations(text, names=True, toneless=True, user_dict=user_dict)):
                return False
        return True


@dataclass
class Markup:
    """An HTML or XHTML document read into blocks; rubies and pinzhu's stylesheet, for strip."""

    source: Source
    xml: bool
    blocks: list[Block]
    rubies: list[Ruby]
    styles: list[tuple[int, int]]   # <style> elements holding pinzhu's stylesheet
    slot: int                        # where annotate puts its stylesheet: before </head>, else before
    slot_before: bool                # <body>, else (slot_before False) at the start, after a doctype
    guards: dict[int, int]           # guard comments: where a run of them ends -> where it starts

    def style_at_slot(self) -> tuple[int, int] | None:
        for s, e in self.styles:
            if (e == self.slot) if self.slot_before else (s == self.slot):
                return s, e
        return None


# --- tokenizers: (kind, start, name, attrs, data) events; ends are where the next event starts ---

class _HTMLEvents(HTMLParser):
    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=False)
        self.events: list[tuple] = []
        self._lines = line_starts(text)

    def _pos(self) -> int:
        line, col = self.getpos()
        return self._lines[line - 1] + col

    def handle_starttag(self, tag, attrs):
        self.events.append(("start", self._pos(), tag, dict(attrs), None))

    def handle_startendtag(self, tag, attrs):
        p = self._pos()
        self.events.append(("start", p, tag, dict(attrs), None))
        if tag not in VOID:
            self.events.append(("end", p, tag, None, None))

    def handle_endtag(self, tag):
        self.events.append(("end", self._pos(), tag, None, None))

    def handle_data(self, data):
        self.events.append(("text", self._pos(), None, None, None))

    def handle_entityref(self, name):
        self.events.append(("ref", self._pos(), None, None, None))

    def handle_charref(self, name):
        self.events.append(("ref", self._pos(), None, None, None))

    def handle_comment(self, data):
        self.events.append(("comment", self._pos(), None, None, data))

    def handle_decl(self, decl):
        self.events.append(("decl", self._pos(), None, None, decl))

    def handle_pi(self, data):
        self.events.append(("other", self._pos(), None, None, None))

    def unknown_decl(self, data):
        self.events.append(("other", self._pos(), None, None, None))


def _html_events(src: Source) -> list[tuple]:
    p = _HTMLEvents(src.text)
    p.feed(src.text)
    p.close()
    return p.events


class _Forbidden(Exception):
    pass


def _xml_events(src: Source) -> list[tuple]:
    """expat's events, with entity declarations and external entities refused (billion laughs,
    XXE): an XHTML document needs neither."""
    data = src.text.encode("utf-8")
    chars = byte_to_char(data)
    p = xml.parsers.expat.ParserCreate()
    p.SetParamEntityParsing(xml.parsers.expat.XML_PARAM_ENTITY_PARSING_NEVER)
    events: list[tuple] = []
    add = events.append

    def forbid(what):
        def handler(*args):
            raise _Forbidden(f"{what} at line {p.CurrentLineNumber}, column {p.CurrentColumnNumber + 1}")
        return handler

    p.EntityDeclHandler = forbid("an entity declaration (refused: entity expansion and external entities)")
    p.UnparsedEntityDeclHandler = forbid("an unparsed entity declaration")
    p.ExternalEntityRefHandler = forbid("an external entity reference")
    p.StartElementHandler = lambda name, attrs: add(("start", p.CurrentByteIndex, name, attrs, None))
    p.EndElementHandler = lambda name: add(("end", p.CurrentByteIndex, name, None, None))
    p.CharacterDataHandler = lambda d: add(("xtext", p.CurrentByteIndex, None, None, d))
    p.CommentHandler = lambda d: add(("comment", p.CurrentByteIndex, None, None, d))
    p.StartCdataSectionHandler = lambda: add(("cdata", p.CurrentByteIndex, None, None, None))
    p.EndCdataSectionHandler = lambda: add(("cdata_end", p.CurrentByteIndex, None, None, None))
    p.ProcessingInstructionHandler = lambda t, d: add(("other", p.CurrentByteIndex, None, None, None))
    p.StartDoctypeDeclHandler = lambda *a: add(("decl", p.CurrentByteIndex, None, None, None))
    p.SkippedEntityHandler = lambda name, is_param: add(("other", p.CurrentByteIndex, None, None, None))
    p.DefaultHandler = lambda d: add(("other", p.CurrentByteIndex, None, None, None))
    try:
        p.Parse(data, True)
    except _Forbidden as e:
        raise DocumentError(f"{src.name}: {e}") from None
    except xml.parsers.expat.ExpatError as e:
        raise DocumentError(f"{src.name}:{e.lineno}:{e.offset + 1}: not well-formed XML "
                            f"({xml.parsers.expat.errors.messages[e.code]})") from None
    finally:
        # The handlers refer to the parser and the parser to them: break the cycle, so the parser
        # and its event list go with reference counting (the collector may be paused).
        for h in _HANDLERS:
            setattr(p, h, None)
    if len(data) == len(src.text):   # ASCII: byte offsets are character offsets
        return events
    at = chars[np.fromiter((e[1] for e in events), dtype=np.int64, count=len(events))].tolist()
    return [(e[0], c, e[2], e[3], e[4]) for e, c in zip(events, at)]


_HANDLERS = ("EntityDeclHandler", "UnparsedEntityDeclHandler", "ExternalEntityRefHandler", "StartElementHandler",
             "EndElementHandler", "CharacterDataHandler", "CommentHandler", "StartCdataSectionHandler",
             "EndCdataSectionHandler", "ProcessingInstructionHandler", "StartDoctypeDeclHandler",
             "SkippedEntityHandler", "DefaultHandler")
_XML_REF = re.compile(r"&(#[0-9]+|#x[0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);|\r\n?|.", re.S)


def _aligned(raw: str, data: str, start: int) -> tuple[list[int], list[int]] | None:
    """Each decoded character's source span, where the source spells it otherwise (``&amp;``,
    ``&#38134;``, a CRLF read as one newline). None if they don't line up."""
    starts, ends, out = [], [], []
    for m in _XML_REF.finditer(raw):
        tok = m.group()
        ch = "\n" if tok[0] == "\r" else html.unescape(tok) if tok[0] == "&" and len(tok) > 1 else tok
        for c in ch:
            out.append(c)
            starts.append(start + m.start())
            ends.append(start + m.end())
    return (starts, ends) if "".join(out) == data else None


# --- the walker ----------------------------------------------------------------------------------

@dataclass(slots=True)
class _Frame:
    name: str
    hard: bool        # inside an element that is never read
    lang_ok: bool     # the nearest lang says Chinese (or none says anything)
    text_ok: bool = True   # inside an element whose text is read (Policy.text_in)


def _lang_ok(attrs: dict, xml_doc: bool, inherited: bool) -> bool:
    value = attrs.get("xml:lang") if xml_doc and "xml:lang" in attrs else attrs.get("lang")
    if value is None or not value.strip():
        return inherited
    primary = value.strip().split("-")[0].split("_")[0].lower()
    return primary in CHINESE or primary == "und"


def parse_markup(src: Source, *, xml_doc: bool = False, default_lang: str | None = None,
                 policy: Policy = HTML_POLICY) -> Markup:
    """Read an HTML (or, with ``xml_doc``, XHTML) source into blocks. ``default_lang``: the
    language when no element says (an EPUB's ``dc:language``); ``policy``: the vocabulary's rules
    (HTML's, or a DOCX's)."""
    pol = policy
    events = _xml_events(src) if xml_doc else _html_events(src)
    text = src.text
    n = len(events)
    ends = [events[i + 1][1] for i in range(n - 1)] + [len(text)] if n else []
    # expat reports an empty element's start and end at one place: its end is the next later event.
    for i in range(n - 2, -1, -1):
        if ends[i] <= events[i][1]:
            ends[i] = ends[i + 1]
    root_ok = _lang_ok({"lang": default_lang} if default_lang else {}, False, True)
    stack: list[_Frame] = [_Frame("#root", False, root_ok, pol.text_in is None)]
    blocks: list[Block] = []
    b = BlockBuilder(src)
    rubies: list[Ruby] = []
    ruby: Ruby | None = None
    ruby_depth = 0
    styles: list[tuple[int, int]] = []
    style_start, style_text = -1, ""
    head_end = body_start = -1
    last_comment: tuple[int, int, str] | None = None
    guards: dict[int, int] = {}  # where a run of guard comments ends -> where it starts
    cdata = False

    def flush() -> None:
        blk = b.finish()
        if blk is not None:
            blocks.append(blk)

    def skipping() -> bool:
        top = stack[-1]
        return top.hard or not top.lang_ok

    def close_ruby_child(at: int) -> None:
        if ruby is not None and ruby._open is not None:
            kind, s = ruby._open
            ruby.cut(s, at)
            ruby._open = None

    def pop_to(k: int, at: int) -> None:
        """Close the elements from the top of the stack down to index k (inclusive)."""
        nonlocal ruby
        while len(stack) > k:
            f = stack.pop()
            if ruby is not None:
                if f.name in ("rt", "rp") and ruby._open is not None:
                    close_ruby_child(at)
                if f.name == "ruby" and len(stack) == ruby_depth:
                    ruby.end = at
                    rubies.append(ruby)
                    ruby = None

    for i, (kind, start, name, attrs, data) in enumerate(events):
        end = ends[i]
        if kind == "start":
            tag = name if xml_doc else name.lower()
            local = tag
            foreign = xml_doc and pol.prefixed_foreign and ":" in tag
            if tag == "body" and body_start < 0:
                body_start = start
            if not xml_doc:
                if local not in _HEAD_CONTENT and local != "head":
                    for k in range(len(stack) - 1, 0, -1):
                        if stack[k].name == "head":
                            pop_to(k, start)
                            break
                if local in _P_CLOSERS:
                    for k in range(len(stack) - 1, 0, -1):
                        if stack[k].name in _P_SCOPE:
                            break
                        if stack[k].name == "p":
                            pop_to(k, start)
                            break
                if local in _IMPLIED:
                    targets, boundary = _IMPLIED[local]
                    for k in range(len(stack) - 1, 0, -1):
                        if stack[k].name in boundary:
                            break
                        if stack[k].name in targets:
                            pop_to(k, start)
                            break
            if local in pol.block:
                flush()
            was = skipping()
            parent = stack[-1]
            if local == "ruby" and ruby is None and not parent.hard:
                ruby = Ruby(start, classes=tuple((attrs.get("class") or "").split()), markup=[(start, end)])
                ruby.ours = "pz" in ruby.classes
                if last_comment and last_comment[1] == start and last_comment[2] == GUARD[4:-3]:
                    ruby.guard = (last_comment[0], last_comment[1])
                ruby_depth = len(stack)
            elif ruby is not None and local in ("rt", "rp") and len(stack) == ruby_depth + 1:
                close_ruby_child(start)
                ruby._open = (local, start)
                if local == "rt":
                    ruby.rts.append("")
            if local == "style":
                style_start = start
                style_text = text[end:end + len(STYLE_MARK)]
            if local in pol.breaks and not was:
                b.context(pol.breaks[local])
            elif local in pol.separators and not was:
                b.context(SEPARATOR)
            if local not in VOID or xml_doc:
                hard = parent.hard or local in pol.skip or foreign
                lang_ok = parent.lang_ok if not pol.lang or not attrs or \
                    ("lang" not in attrs and "xml:lang" not in attrs) else _lang_ok(attrs, xml_doc, parent.lang_ok)
                text_ok = parent.text_ok or (pol.text_in is not None and local in pol.text_in)
                stack.append(_Frame(local, hard, lang_ok, text_ok))
                if skipping() and not was:
                    b.context(SEPARATOR)
        elif kind == "end":
            tag = name if xml_doc else name.lower()
            if tag == "head" and head_end < 0:
                head_end = start
            if tag == "style" and style_start >= 0:
                if style_text == STYLE_MARK:
                    styles.append((style_start, end))
                style_start = -1
            if tag in pol.block:
                flush()
            was = skipping()
            for k in range(len(stack) - 1, 0, -1):
                if stack[k].name == tag:
                    if ruby is not None and tag == "ruby" and k == ruby_depth:
                        close_ruby_child(start)
                        ruby.cut(start, end)
                    elif ruby is not None and tag in ("rt", "rp") and k == ruby_depth + 1 and ruby._open:
                        ruby.cut(ruby._open[1], end)
                        ruby._open = None
                    pop_to(k, end)
                    break
            if skipping() and not was:
                b.context(SEPARATOR)  # back into text that is not read (<p lang="en">…<span lang="zh">…</span>)
            if tag in pol.block:
                flush()
        elif kind in ("text", "ref", "xtext"):
            if cdata:
                continue
            if kind == "text":
                decoded, spans = text[start:end], None
            elif kind == "ref":
                decoded = html.unescape(text[start:end])
                spans = ([start] * len(decoded), [end] * len(decoded))
            else:
                raw = text[start:end]
                decoded, spans = data, None
                if raw != data:
                    spans = _aligned(raw, data, start)
                    if spans is None:  # not expected from expat; keep it as context, never edit it
                        if not skipping():
                            b.context(data)
                        continue
            if not xml_doc and stack[-1].name == "head" and decoded.strip():
                pop_to(len(stack) - 1, start)  # text ends a head whose end tag was left out
            if ruby is not None and not ruby.ours:   # pinzhu's own is taken out whatever it reads
                if ruby._open is not None:
                    if ruby._open[0] == "rt":
                        ruby.rts[-1] += decoded
                else:
                    if len(ruby.bases) <= len(ruby.rts):
                        ruby.bases.append("")
                    ruby.bases[-1] += decoded
            if skipping() or not stack[-1].text_ok:
                continue
            if spans is None:
                b.text(start, end)
            else:
                b.decoded(decoded, *spans)
        elif kind == "comment":
            last_comment = (start, end, data)
            if data == GUARD[4:-3]:
                guards[end] = guards.get(start, start)
            continue
        elif kind == "cdata":
            cdata = True
            if not skipping():
                b.context(SEPARATOR)
        elif kind == "cdata_end":
            cdata = False
        if kind != "comment":
            last_comment = None
    pop_to(1, len(text))
    flush()
    if head_end >= 0:
        slot, before = head_end, True
    elif body_start >= 0:
        slot, before = body_start, True
    else:
        slot = next((ends[i] for i in range(n) if events[i][0] == "decl"), 0)
        before = False
    return Markup(src, xml_doc, blocks, rubies, styles, slot, before, guards)


def style_element(xml_doc: bool) -> str:
    """pinzhu's stylesheet as a ``<style>`` element (``type`` for XHTML 1.1 / EPUB 2)."""
    from ..render import stylesheet

    css = stylesheet()
    assert css.startswith(STYLE_MARK) and "<" not in css and "&" not in css
    return f'<style type="text/css">{css}</style>'


def extra_annotate_edits(m: Markup, *, wrote_ruby: bool, user_dict=None) -> list[Edit]:
    """What annotate adds besides the annotations: a guard before every ruby strip would take out,
    and the stylesheet where ruby was written (or where one already stands, as its guard)."""
    edits = [Edit(r.start, r.start, GUARD, 1) for r in m.rubies if r.guard or r.removable(user_dict)]
    if wrote_ruby or m.style_at_slot():
        # Before </head> or <body>: after anything that closes text there. At the start: first of all.
        edits.append(Edit(m.slot, m.slot, style_element(m.xml), 0 if m.slot_before else -1))
    return edits


def extra_strip_edits(m: Markup, user_dict=None) -> list[Edit]:
    """What strip takes out besides inline annotations: pinyin ruby (its tags, ``<rt>`` and ``<rp>``;
    the base text stays), the guard of a ruby it must keep, and the stylesheet at the slot."""
    edits: list[Edit] = []
    for r in m.rubies:
        if r.guard:
            edits.append(Edit(*r.guard))
        elif r.removable(user_dict):
            edits += [Edit(s, e) for s, e in r.markup]
    style = m.style_at_slot()
    if style:
        edits.append(Edit(*style))
    return edits


# --- the handler: HTML and XHTML files, and EPUB's XHTML parts ---------------------------------

_META_CHARSET = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_XML_DECL = re.compile(rb"""^<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9_.:-]+)["']""")
# Labels browsers read as GBK, whose decoder is GB18030's (WHATWG Encoding): GB18030 holds every
# tone mark, so pinyin written into such a page stays in its encoding.
_LABELS = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "gb_2312-80": "gb18030",
           "csgb2312": "gb18030", "chinese": "gb18030", "iso-ir-58": "gb18030"}


def decode_html(data: bytes, name: str, encoding: str | None = None) -> Source:
    """An HTML file's text: a byte-order mark, else ``encoding``, else the ``<meta charset>`` in
    its first 1024 bytes, else UTF-8. Characters the encoding lacks are written as ``&#N;``."""
    if encoding is None:
        m = _META_CHARSET.search(data[:1024])
        if m:
            label = m.group(1).decode("ascii").lower()
            encoding = _LABELS.get(label, label)
    return Source.decode(data, name, encoding, char_refs=True)


def decode_xhtml(data: bytes, name: str) -> Source:
    """An XHTML file's text: UTF-8 (with or without a byte-order mark), as EPUB requires."""
    m = _XML_DECL.match(data.lstrip(b"\xef\xbb\xbf"))
    if m and m.group(1).decode("ascii").lower().replace("_", "-") not in ("utf-8", "utf8"):
        raise DocumentError(f"{name}: XHTML in {m.group(1).decode('ascii')}; only UTF-8 is supported")
    src = Source.decode(data, name, "utf-8" if not data.startswith(b"\xef\xbb\xbf") else None, char_refs=True)
    if src.encoding != "utf-8":
        raise DocumentError(f"{name}: XHTML in {src.encoding}; only UTF-8 is supported")
    return src


def part(src: Source, *, xml_doc: bool, name: str | None = None, default_lang: str | None = None,
         policy: Policy = HTML_POLICY):
    """A document part for an HTML or XHTML source (or another XML vocabulary's, by ``policy``)."""
    from .base import Part

    m = parse_markup(src, xml_doc=xml_doc, default_lang=default_lang, policy=policy)
    return Part(name or src.name, src, m.blocks, __import__(__name__, fromlist=["_"]), m)


def load(data: bytes, kind: str, *, name: str, encoding: str | None = None, limits=None):
    from .base import Single

    xml_doc = kind == "xhtml"
    src = decode_xhtml(data, name) if xml_doc else decode_html(data, name, encoding)
    return Single(part(src, xml_doc=xml_doc))


def annotate(p, options, config, *, subtitles: str = "inline", reading=None) -> str:
    from .jobs import inline_edits, plan_of, ruby_edits

    m: Markup = p.state
    ruby = options.format == "ruby"
    block, _ = p.joined
    pl = plan_of(block, options, config, reading, guard=True if ruby else None)
    # A ruby never starts right after a guard comment (strip would read the guard as its own):
    # its start tag goes before the comment, which then sits inside it, before its text.
    edits = ruby_edits(block, pl, move=m.guards) if ruby else inline_edits(block, pl, escape=_text)
    edits += extra_annotate_edits(m, wrote_ruby=ruby, user_dict=config.user_dict)
    return apply_edits(m.source.text, edits)


def strip(p, *, names: bool = False, toneless: bool = True, user_dict=None) -> str:
    from .jobs import strip_edits

    m: Markup = p.state
    edits = [e for b in m.blocks for e in strip_edits(b, names=names, toneless=toneless, user_dict=user_dict)]
    edits += extra_strip_edits(m, user_dict)
    return apply_edits(m.source.text, edits)


def _text(s: str) -> str:
    return html.escape(s, quote=False)
