"""Subtitles — SRT, WebVTT, ASS/SSA: the text of each cue read whole, timing and styling untouched.

A cue is one block (its lines read together: a sentence often runs over two); tags (``<i>``,
``<font>``, ``<c.x>``, ``<v Name>``, timestamps), ASS override blocks (``{\\an8}``) and escapes
(``\\N``, ``\\h``, ``&amp;``) are markup, never text; WebVTT's ``<ruby>``/``<rt>`` and ``<lang xx>``
in another language are skipped. Headers, styles, NOTE/STYLE/REGION blocks, cue identifiers and
timing lines pass through byte for byte, as do BOMs and CRLF line ends.

Modes (``subtitles=``): ``inline`` — ``银行(yínháng)`` in the text; ``above`` / ``below`` — a
pinyin line over or under each Chinese line of a cue (in the cue's own line ends; ``\\N`` in ASS);
``track`` — a separate subtitle file of the same cues, each Chinese line replaced by its pinyin.

Why the parsers are ours: pysubs2, srt and webvtt-py rebuild the file when they write it (times
reformatted, tags and blank lines normalised), and none says where a cue's text sits in the file;
the cue structure itself is a few lines of grammar.

strip takes inline annotations and *pinyin lines*: a line of pinyin alone whose syllables fit, one
by one, the Chinese characters of the line just above or below it. So annotate refuses a file that
already has pinyin lines (strip would take them too): strip them first, or write a track.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from .base import SEPARATOR, Block, BlockBuilder, DocumentError, Edit, Source, apply_edits

_LINES = re.compile(r"([^\r\n]*)(\r\n|\n|\r|$)")
_TIMING = re.compile(r"[ \t]*(?:\d+:)?\d{1,2}:\d{2}[,.]\d{1,3}\s*-->\s*(?:\d+:)?\d{1,2}:\d{2}[,.]\d{1,3}")
_INDEX = re.compile(r"[ \t]*\d+[ \t]*(?:\r\n|\n|\r|$)")
_SRT_MARKUP = re.compile(r"</?[A-Za-z][^<>]*>|\{\\[^{}]*\}")
_VTT_TOKEN = re.compile(r"<(/?)([A-Za-z]+)?([^<>]*)>|&(?:#[0-9]+|#x[0-9A-Fa-f]+|[A-Za-z]+);")
_ASS_TOKEN = re.compile(r"\{[^{}]*\}|\\[Nnh]")
_HAN = None


def _han():
    global _HAN
    if _HAN is None:
        from ..parse import HAN

        _HAN = re.compile(f"[{HAN}]")
    return _HAN


@dataclass
class Line:
    """One line of a cue: its source span (without its line end) and its range in the block text."""

    start: int
    end: int
    lo: int
    hi: int
    plain: str = ""   # its text with every tag taken out, read or not (what a player shows)


@dataclass
class Cue:
    label: str                 # "cue at line 12", for messages
    start: int                 # the payload's source span (an ASS event's Text field)
    end: int
    nl: str                    # what separates its lines: the file's line end, or \N in ASS
    lines: list[Line] = field(default_factory=list)
    block: Block | None = None
    lead: str = ""             # ASS: override blocks at the start of the text (kept in a track)
    whole: tuple[int, int] | None = None   # SRT/VTT: the whole cue with its blank line (dropped in a track)


@dataclass
class Subtitles:
    kind: str
    source: Source
    cues: list[Cue]


def _lines(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int, str]]:
    """(start, end of content, line end) of every line."""
    end = len(text) if end is None else end
    out = []
    for m in _LINES.finditer(text, start, end):
        if m.start() == m.end() and m.start() >= end:
            break
        out.append((m.start(1), m.end(1), m.group(2)))
        if not m.group(2):
            break
    return out


def _blank(text: str, ln: tuple[int, int, str]) -> bool:
    return not text[ln[0]:ln[1]].strip()


# --- SRT and WebVTT --------------------------------------------------------------------------------

def _cues_srt_vtt(src: Source, vtt: bool) -> list[Cue]:
    text = src.text
    lines = _lines(text)
    if vtt:
        first = text[lines[0][0]:lines[0][1]] if lines else ""
        if not first.startswith("WEBVTT"):
            raise DocumentError(f"{src.name}:1: not WebVTT (the first line must start with WEBVTT)")
    cues = []
    i, n = 0, len(lines)
    while i < n:
        if _blank(text, lines[i]):
            i += 1
            continue
        j = i
        if not _TIMING.match(text, lines[j][0]) and j + 1 < n and _TIMING.match(text, lines[j + 1][0]):
            j += 1  # an index (SRT) or identifier (VTT) line
        if not _TIMING.match(text, lines[j][0]):
            # Not a cue: a WebVTT header, NOTE, STYLE or REGION block, or stray text. Skip the block.
            while i < n and not _blank(text, lines[i]):
                i += 1
            continue
        k = j + 1
        # The text runs to a blank line, or to the next cue's index and timing lines.
        while k < n and not _blank(text, lines[k]) and not _TIMING.match(text, lines[k][0]) \
                and not (k + 1 < n and _TIMING.match(text, lines[k + 1][0]) and _INDEX.match(text, lines[k][0])):
            k += 1
        payload = lines[j + 1:k]
        nl = next((ln[2] for ln in [lines[j], *payload] if ln[2]), "\n")
        nxt = k
        while nxt < n and _blank(text, lines[nxt]):
            nxt += 1
        end_whole = lines[nxt][0] if nxt < n else len(text)
        cue = Cue(f"{src.name}:{text.count(chr(10), 0, lines[j][0]) + 1}", payload[0][0] if payload else lines[j][1],
                  payload[-1][1] if payload else lines[j][1], nl, whole=(lines[i][0], end_whole))
        _read_payload(src, cue, payload, vtt)
        cues.append(cue)
        i = k
    return cues


def _read_payload(src: Source, cue: Cue, payload: list[tuple[int, int, str]], vtt: bool) -> None:
    import html

    text = src.text
    b = BlockBuilder(src)
    skip: list[str] = []   # VTT: open <ruby>/<rt>/<lang xx> that are not read ("": a Chinese <lang>)
    for k, (s, e, _) in enumerate(payload):
        if k:
            b.context("\n")
        lo = len(b)
        p = s
        tokens = _VTT_TOKEN.finditer(text, s, e) if vtt else _SRT_MARKUP.finditer(text, s, e)
        for m in tokens:
            if m.start() > p and not any(skip):
                b.text(p, m.start())
            tok = m.group()
            if vtt and tok.startswith("&"):
                if not any(skip):
                    ch = html.unescape(tok)
                    b.decoded(ch, [m.start()] * len(ch), [m.end()] * len(ch))
            elif vtt and m.group(2):
                name, closing = m.group(2).lower(), bool(m.group(1))
                if closing:
                    if skip and name in ("ruby", "rt", "lang") and skip[-1] in (name, ""):
                        skip.pop()
                elif name in ("ruby", "rt") or name == "lang":
                    entry = "" if name == "lang" and _zh(m.group(3)) else name
                    if entry and not any(skip):
                        b.context(SEPARATOR)
                    skip.append(entry)
            p = m.end()
        if e > p and not any(skip):
            b.text(p, e)
        cue.lines.append(Line(s, e, lo, len(b), _plain(text[s:e], vtt)))
    cue.block = b.finish()


def _plain(line: str, vtt: bool) -> str:
    """A line as a player shows it: tags (and ASS override blocks) out, entities decoded."""
    import html

    if vtt:
        return _VTT_TOKEN.sub(lambda m: html.unescape(m.group()) if m.group().startswith("&") else "", line)
    return _SRT_MARKUP.sub("", line)


def _zh(annotation: str) -> bool:
    tag = annotation.strip().split("-")[0].lower()
    return tag in ("zh", "cmn", "lzh", "")


# --- ASS / SSA -----------------------------------------------------------------------------------

def _cues_ass(src: Source) -> list[Cue]:
    text = src.text
    section = ""
    fields: list[str] | None = None
    cues = []
    for s, e, _ in _lines(text):
        line = text[s:e]
        stripped = line.strip()
        if stripped.startswith("[") and stripped.endswith("]"):
            section = stripped.lower()
            continue
        if section != "[events]":
            continue
        key, sep, rest = line.partition(":")
        if not sep:
            continue
        key = key.strip().lower()
        if key == "format":
            fields = [f.strip().lower() for f in rest.split(",")]
            continue
        if key != "dialogue":
            continue  # Comment:, Picture:, Sound:, Movie:, Command: lines are not shown text
        if not fields or fields[-1] != "text":
            raise DocumentError(f"{src.name}:{text.count(chr(10), 0, s) + 1}: Dialogue before a Format line "
                                "ending in Text")
        at = s + line.index(":") + 1
        for _ in range(len(fields) - 1):
            c = text.find(",", at, e)
            if c < 0:
                raise DocumentError(f"{src.name}:{text.count(chr(10), 0, s) + 1}: Dialogue with fewer than "
                                    f"{len(fields)} fields")
            at = c + 1
        cue = Cue(f"{src.name}:{text.count(chr(10), 0, s) + 1}", at, e, "\\N")
        _read_ass_text(src, cue)
        cues.append(cue)
    return cues


def _read_ass_text(src: Source, cue: Cue) -> None:
    text = src.text
    b = BlockBuilder(src)
    lo, p = 0, cue.start
    line_start = lead_end = cue.start
    for m in _ASS_TOKEN.finditer(text, cue.start, cue.end):
        if m.start() > p:
            b.text(p, m.start())
        tok = m.group()
        if tok == "\\N":
            cue.lines.append(Line(line_start, m.start(), lo, len(b), _ass_plain(text[line_start:m.start()])))
            b.context("\n")
            lo = len(b)
            line_start = m.end()
        elif tok in ("\\n", "\\h"):
            b.context(" ")
        elif m.start() == lead_end:
            lead_end = m.end()
        p = m.end()
    if cue.end > p:
        b.text(p, cue.end)
    cue.lines.append(Line(line_start, cue.end, lo, len(b), _ass_plain(text[line_start:cue.end])))
    cue.lead = text[cue.start:lead_end]
    cue.block = b.finish()


def _ass_plain(line: str) -> str:
    return _ASS_TOKEN.sub(lambda m: " " if m.group() in ("\\n", "\\h") else "", line)


# --- pinyin lines ----------------------------------------------------------------------------------

def _han_chars(block_text: str, line: Line) -> str:
    return "".join(_han().findall(block_text, line.lo, line.hi))


def _line_text(block: Block, line: Line) -> str:
    return block.text[line.lo:line.hi]


@lru_cache(maxsize=4096)
def _fits(hans: str, tokens: tuple[str, ...], user_dict=None) -> bool:
    """Do the tokens, in order, each fit the next one or more of ``hans``, using all of them?"""
    from ..parse import find_annotations

    @lru_cache(maxsize=None)
    def go(t: int, c: int) -> bool:
        if t == len(tokens):
            return c == len(hans)
        for k in range(1, min(len(hans) - c, 32) + 1):
            text = f"{hans[c:c + k]}({tokens[t]})"
            if any(a.start == 0 and a.close == len(text)
                   for a in find_annotations(text, names=True, toneless=True, user_dict=user_dict)) \
                    and go(t + 1, c + k):
                return True
        return False

    return bool(hans) and bool(tokens) and go(0, 0)


def is_pinyin_line(line: str, chinese: str, user_dict=None) -> bool:
    """Is ``line`` pinyin alone whose syllables fit the Chinese characters of ``chinese``?

    >>> is_pinyin_line("yínháng hángzhǎng", "银行行长。"), is_pinyin_line("Bank", "银行")
    (True, False)
    """
    if not line.strip() or _han().search(line):
        return False
    tokens = tuple(t for t in re.split(r"[\s.,!?;:。，！？；：、…“”\"]+", line) if t)
    return _fits("".join(_han().findall(chinese)), tokens, user_dict)


def _pinyin_lines(subs: Subtitles, user_dict=None) -> list[tuple[Cue, int]]:
    """(cue, line index) of every line strip takes as a pinyin line: shown as pinyin alone (its
    tags out, whatever scope they open), and fitting the Chinese read in the line above or below."""
    out = []
    for cue in subs.cues:
        if cue.block is None or len(cue.lines) < 2:
            continue
        read = [_line_text(cue.block, ln) for ln in cue.lines]
        for k, ln in enumerate(cue.lines):
            if _han().search(ln.plain) or not ln.plain.strip():
                continue
            near = [read[j] for j in (k - 1, k + 1) if 0 <= j < len(read) and _han().search(read[j])]
            if any(is_pinyin_line(ln.plain, h, user_dict) for h in near):
                out.append((cue, k))
    return out


def _remove_line(cue: Cue, k: int) -> Edit:
    ln = cue.lines[k]
    if k + 1 < len(cue.lines):
        return Edit(ln.start, cue.lines[k + 1].start)
    return Edit(cue.lines[k - 1].end, ln.end)


# --- the handler -----------------------------------------------------------------------------------

def load(data: bytes, kind: str, *, name: str, encoding: str | None = None, limits=None):
    from .base import Part, Single

    # WebVTT is UTF-8 by definition; SRT and ASS files made in China are often GBK, undeclared.
    src = Source.decode(data, name, encoding if kind != "vtt" else (encoding or "utf-8"),
                        fallback=() if kind == "vtt" else ("gb18030",))
    cues = _cues_ass(src) if kind == "ass" else _cues_srt_vtt(src, kind == "vtt")
    subs = Subtitles(kind, src, cues)
    import sys

    return Single(Part(name, src, [c.block for c in cues if c.block is not None], sys.modules[__name__], subs))


def annotate(p, options, config, *, subtitles: str = "inline", reading=None) -> str:
    from .jobs import inline_edits, plan_of

    subs: Subtitles = p.state
    if options.format != "inline":
        raise DocumentError(f"{subs.source.name}: subtitles are annotated inline (ruby is for HTML and EPUB)")
    existing = _pinyin_lines(subs, config.user_dict)
    if existing and subtitles != "track":
        cue, k = existing[0]
        raise DocumentError(f"{cue.label}: this cue already has a pinyin line ({cue.lines[k].start - cue.start} "
                            "characters into it), which strip would take too: strip the file first, or write "
                            "a separate track (subtitles='track')")
    block, offsets = p.joined
    cues = [c for c in subs.cues if c.block is not None]   # in the order of p.blocks
    if subtitles == "inline":
        return apply_edits(subs.source.text, inline_edits(block, plan_of(block, options, config, reading)))
    every = plan_of(block, options.but(select="all"), config, reading, guard=False)
    lines = _line_pinyin(cues, offsets, every)
    if subtitles == "track":
        return _track(subs, lines)
    # Inline guards: a bracket strip could take must stay the text's own.
    edits = inline_edits(block, plan_of(block, options.but(select="words", words=frozenset()), config, reading))
    for c in cues:
        for ln, py in zip(c.lines, lines[id(c)]):
            if not py:
                continue
            if subtitles == "above":
                edits.append(Edit(ln.start, ln.start, py + c.nl, 1))
            else:
                edits.append(Edit(ln.end, ln.end, c.nl + py, 0))
    return apply_edits(subs.source.text, edits)


def _line_pinyin(cues: list[Cue], offsets, pl) -> dict[int, list[str]]:
    """Each cue's lines' pinyin: the words of the line, space-separated (from the part's plan)."""
    import numpy as np

    starts = pl.start
    written = pl.written.tolist()
    out = {}
    for c, off in zip(cues, offsets.tolist()):
        row = []
        for ln in c.lines:
            a, b = np.searchsorted(starts, [off + ln.lo, off + ln.hi])
            row.append(" ".join(written[a:b]))
        out[id(c)] = row
    return out


def _track(subs: Subtitles, lines: dict[int, list[str]]) -> str:
    edits = []
    for c in subs.cues:
        mine = [py for py in lines.get(id(c), []) if py]
        if mine:
            edits.append(Edit(c.start, c.end, c.lead + c.nl.join(mine) if subs.kind == "ass" else c.nl.join(mine)))
        elif subs.kind == "ass":
            edits.append(Edit(c.start, c.end, c.lead))
        elif c.whole:
            edits.append(Edit(*c.whole))
    return apply_edits(subs.source.text, edits)


def strip(p, *, names: bool = False, toneless: bool = True, user_dict=None) -> str:
    from .jobs import strip_edits

    subs: Subtitles = p.state
    edits = [e for c in subs.cues if c.block is not None
             for e in strip_edits(c.block, names=names, toneless=toneless, user_dict=user_dict)]
    edits += [_remove_line(c, k) for c, k in _pinyin_lines(subs, user_dict)]
    return apply_edits(subs.source.text, edits)
