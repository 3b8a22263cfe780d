"""The document layer's core: a decoded source, its text runs grouped into blocks, and edits.

A *block* is what a reader reads as one stretch of text — a paragraph, a heading, a subtitle cue —
however much markup runs through it: ``<p><b>银</b>行</p>`` is one block ``银行``. Each character
of a block knows where it sits in the source (``starts``/``ends``, -1 for separators that only give
context, such as a line break or a skipped ``<code>``), so a job that reads the block text can
write back into the source at the right places. Everything a job does is a list of :class:`Edit`
(insert or remove a source span); the rest of the source passes through byte for byte.

>>> src = Source.decode("<p><b>银</b>行</p>".encode(), "x.html")
>>> b = BlockBuilder(src)
>>> b.text(6, 7); b.text(11, 12)
>>> block = b.finish()
>>> block.text, block.starts.tolist(), block.ends.tolist()
('银行', [6, 11], [7, 12])
>>> apply_edits(src.text, [Edit(12, 12, "(yínháng)")])
'<p><b>银</b>行(yínháng)</p>'
"""

from __future__ import annotations

import codecs
import gc
import re
from collections.abc import Iterator
from contextlib import contextmanager
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, NamedTuple, Sequence

import numpy as np

from ..io import InputError
from ..options import Options, option

SEPARATOR = "\ufffc"  # stands in for skipped content (code, another language): words don't join across it


class DocumentError(InputError):
    """A document pinzhu cannot read or write; the message names the file and where in it."""


@dataclass(frozen=True)
class Limits:
    """Caps on what one document may make pinzhu read (zip bombs, huge files).

    max_bytes: the document itself (or one entry of an archive, uncompressed); max_total: all the
    entries of an archive, uncompressed; max_entries: entries in an archive; max_ratio: how much
    an entry may expand (uncompressed / compressed) once it is over ``ratio_floor`` bytes.
    """

    max_bytes: int = 64 * 2**20
    max_total: int = 512 * 2**20
    max_entries: int = 10_000
    max_ratio: float = 100.0
    ratio_floor: int = 1 * 2**20


DEFAULT_LIMITS = Limits()

_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
         (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))


@dataclass(frozen=True)
class Source:
    """A text file decoded, and how to write it back as the same bytes.

    ``text``: the decoded text (without a byte-order mark); ``encoding``: a Python codec name;
    ``bom``: the byte-order mark it had; ``char_refs``: characters the encoding cannot hold are
    written as ``&#N;`` (HTML and XML), not refused.
    """

    text: str
    name: str = "<document>"
    encoding: str = "utf-8"
    bom: bytes = b""
    char_refs: bool = False
    _lines: list[int] = field(default_factory=list, repr=False, compare=False)

    @classmethod
    def decode(cls, data: bytes, name: str, encoding: str | None = None, *, fallback: Sequence[str] = (),
               char_refs: bool = False) -> "Source":
        """Decode ``data``: a byte-order mark wins, then ``encoding`` (declared or asked for), then
        UTF-8, then each of ``fallback``. Only an encoding that gives the same bytes back is used,
        so writing the text unchanged reproduces the file exactly."""
        bom = b""
        for mark, enc in _BOMS:
            if data.startswith(mark):
                bom, encoding, data = mark, enc, data[len(mark):]
                break
        tried = [encoding] if encoding else ["utf-8", *fallback]
        for k, enc in enumerate(tried):
            try:
                codecs.lookup(enc)
            except LookupError:
                raise DocumentError(f"{name}: unknown encoding {enc!r}") from None
            try:
                text = data.decode(enc)
            except UnicodeDecodeError as e:
                if k + 1 < len(tried):
                    continue
                line = data.count(b"\n", 0, e.start) + 1
                raise DocumentError(f"{name}: invalid {enc} at byte offset {len(bom) + e.start} (line {line}): "
                                    f"{data[e.start:e.start + 4]!r}"
                                    + ("" if encoding else "; name the encoding (--encoding)")) from None
            if text.encode(enc) != data:
                raise DocumentError(f"{name}: {enc} does not give these bytes back when re-encoded; "
                                    "convert the file to UTF-8 first")
            return cls(text, name, codecs.lookup(enc).name, bom, char_refs)
        raise AssertionError("unreachable")

    def encode(self, text: str) -> bytes:
        """``text`` in this source's encoding, byte-order mark included."""
        try:
            return self.bom + text.encode(self.encoding, "xmlcharrefreplace" if self.char_refs else "strict")
        except UnicodeEncodeError as e:
            raise DocumentError(f"{self.name}: pinyin {text[e.start:e.end]!r} cannot be written in "
                                f"{self.encoding}; convert the file to UTF-8 first") from None

    def where(self, offset: int) -> str:
        """``name:line:column`` (1-based; column in characters) of a text offset."""
        if not self._lines:
            self._lines.extend([0] + [m.end() for m in re.finditer("\n", self.text)])
        line = bisect_right(self._lines, offset)
        return f"{self.name}:{line}:{offset - self._lines[line - 1] + 1}"


@dataclass(frozen=True, eq=False)
class Block:
    """One stretch of text read as a whole, and where each of its characters is in the source.

    ``starts[i]``/``ends[i]``: the source span of character ``i`` (an entity such as ``&amp;`` is
    one character over several source characters); -1 for a character that only gives context.
    ``where``: the source offset the block starts at (for messages).
    """

    text: str
    starts: np.ndarray
    ends: np.ndarray
    where: int = 0

    def editable(self, i: int) -> bool:
        return bool(self.starts[i] >= 0)

    def spans(self, a: int, b: int) -> list[tuple[int, int]]:
        """The source spans of characters ``a..b-1``: one per stretch that is contiguous in the source."""
        out: list[tuple[int, int]] = []
        for i in range(a, b):
            s, e = int(self.starts[i]), int(self.ends[i])
            if s < 0:
                continue
            if out and out[-1][1] == s:
                out[-1] = (out[-1][0], e)
            else:
                out.append((s, e))
        return out


class BlockBuilder:
    """Collects a block's pieces in source order: text taken from the source as it is, text whose
    source spelling differs (entities, escapes: ``decoded`` with each character's source span), and
    context-only separators."""

    def __init__(self, source: Source) -> None:
        self.source = source
        self._text: list[str] = []
        self._starts: list[np.ndarray] = []
        self._ends: list[np.ndarray] = []
        self._n = 0
        self._content = False   # any editable text that is not whitespace
        self.where = -1

    def __bool__(self) -> bool:
        return self._n > 0

    def __len__(self) -> int:
        """Characters so far: where the next piece starts in the block text."""
        return self._n

    def text(self, start: int, end: int) -> None:
        """Source characters ``start..end-1``, as they are."""
        if end <= start:
            return
        if self.where < 0:
            self.where = start
        piece = self.source.text[start:end]
        self._text.append(piece)
        self._content = self._content or not piece.isspace()
        pos = np.arange(start, end, dtype=np.int64)
        self._starts.append(pos)
        self._ends.append(pos + 1)
        self._n += end - start

    def decoded(self, text: str, starts: Sequence[int], ends: Sequence[int]) -> None:
        """Characters whose source spelling differs (``&amp;`` → ``&``): each one's source span."""
        if not text:
            return
        if self.where < 0:
            self.where = starts[0]
        self._text.append(text)
        self._content = self._content or not text.isspace()
        self._starts.append(np.asarray(starts, dtype=np.int64))
        self._ends.append(np.asarray(ends, dtype=np.int64))
        self._n += len(text)

    def context(self, text: str) -> None:
        """Text that only gives context (a line break, a separator); never edited. Repeated
        separators collapse into one."""
        if not text or (text == SEPARATOR and self._text and self._text[-1].endswith(SEPARATOR)):
            return
        self._text.append(text)
        neg = np.full(len(text), -1, dtype=np.int64)
        self._starts.append(neg)
        self._ends.append(neg)
        self._n += len(text)

    def finish(self) -> Block | None:
        """The block, or None if it has no editable text but whitespace; the builder starts afresh."""
        block = None
        if self._content:
            block = Block("".join(self._text), np.concatenate(self._starts), np.concatenate(self._ends),
                          max(self.where, 0))
        self._text, self._starts, self._ends, self._n, self.where = [], [], [], 0, -1
        self._content = False
        return block


class Edit(NamedTuple):
    """Replace source ``start..end-1`` with ``text`` (an insertion when start == end). Edits at
    the same place apply in ``order`` (-1 first; 0: what closes the text before, such as an
    annotation or ``</ruby>``; 1: what opens the text after, such as ``<ruby>``), then as listed.
    (A named tuple: a ruby-annotated book makes a million of them.)"""

    start: int
    end: int
    text: str = ""
    order: int = 0


def apply_edits(text: str, edits: Sequence[Edit]) -> str:
    """``text`` with every edit made; edits must not overlap (insertions may share a place)."""
    if not edits:
        return text
    # A stable sort: edits at one place keep the order they were listed in, after ``order``.
    ordered = sorted(edits, key=lambda e: (e[0], e[1] > e[0], e[3]))
    out, pos = [], 0
    for start, end, insert, _ in ordered:
        if start < pos:
            raise AssertionError(f"overlapping edits at {start} (previous edit ended at {pos})")
        out.append(text[pos:start])
        out.append(insert)
        pos = end
    out.append(text[pos:])
    return "".join(out)


def join_blocks(blocks: Sequence[Block]) -> tuple[Block, np.ndarray]:
    """All of a part's blocks as one, a context-only line break between each two, and where each
    block starts in it: one engine pass and one plan for a whole part, read as its plain text would be
    (``\\n`` ends a sentence and no word crosses it)."""
    if not blocks:
        empty = np.zeros(0, dtype=np.int64)
        return Block("", empty, empty), empty
    sep = np.full(1, -1, dtype=np.int64)
    starts, ends, offsets, pos = [], [], [], 0
    for k, b in enumerate(blocks):
        if k:
            starts.append(sep)
            ends.append(sep)
            pos += 1
        offsets.append(pos)
        starts.append(b.starts)
        ends.append(b.ends)
        pos += len(b.text)
    return (Block("\n".join(b.text for b in blocks), np.concatenate(starts), np.concatenate(ends), blocks[0].where),
            np.array(offsets, dtype=np.int64))


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for one document job. Reading a ruby-dense book
    makes about a million small containers (parser events, spans, edits), none of them in a cycle;
    the collector's passes over them cost more than the parse itself (measured: stripping 200
    ruby chapters 10.8 s with it, 4.5 s without). Reference counting still frees everything, and
    the collector's state is put back as it was."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def line_starts(text: str) -> list[int]:
    """Offsets where each line starts (after ``\\n``)."""
    return [0] + [m.end() for m in re.finditer("\n", text)]


def byte_to_char(data: bytes) -> np.ndarray:
    """For UTF-8 ``data``: the character offset of every byte offset (0..len), so positions a
    byte-oriented parser reports (expat) become text offsets."""
    lead = (np.frombuffer(data, dtype=np.uint8) & 0xC0) != 0x80
    out = np.zeros(len(data) + 1, dtype=np.int64)
    np.cumsum(lead, out=out[1:])
    return out

@dataclass
class Part:
    """One text file of a document (the file itself, or one XHTML document of an EPUB): its
    source, its blocks, its format's handler (a module with ``annotate`` and ``strip``) and what
    that handler parsed (``state``)."""

    name: str
    source: Source
    blocks: list[Block]
    handler: Any
    state: Any = None

    def where(self, offset: int) -> str:
        return self.source.where(offset)

    @cached_property
    def joined(self) -> tuple[Block, np.ndarray]:
        """The part's blocks as one block, and where each starts in it (:func:`join_blocks`)."""
        return join_blocks(self.blocks)


@dataclass
class Single:
    """A document that is one text file."""

    part: Part

    @property
    def parts(self) -> list[Part]:
        return [self.part]

    def write(self, texts: dict[str, str]) -> bytes:
        return self.part.source.encode(texts[self.part.name])


KINDS = ("html", "xhtml", "epub", "docx", "srt", "vtt", "ass", "md")
SUBTITLE_MODES = ("inline", "above", "below", "track")


def _known_encoding(name: str | None) -> str | None:
    if name is None:
        return None
    try:
        codecs.lookup(name)
    except LookupError:
        return f"unknown encoding {name!r}"
    return None


@dataclass(frozen=True)
class DocumentOptions(Options):
    """How a document is read and written (what to annotate in it is :class:`AnnotateOptions`).

    >>> DocumentOptions(subtitles="above").subtitles
    'above'
    """

    format_in: str | None = option(None, "the document's kind when its file name doesn't say: "
                                         + ", ".join(KINDS) + " (default: from the extension)",
                                   choices=(None, *KINDS), surfaces=("cli", "http"))
    subtitles: str = option("inline", "subtitles: pinyin inline, a line above or below each Chinese line, or a "
                                      "separate pinyin track", choices=SUBTITLE_MODES, surfaces=("cli", "http"))
    encoding: str | None = option(None, "the document's encoding when its own marks don't say (default: a BOM, "
                                        "<meta charset>, else UTF-8; SRT/ASS also GB18030)",
                                  check=_known_encoding, surfaces=("cli", "http"))


DOCUMENT = DocumentOptions()
