"""``pinzhu pinyin [FILE...]``: the pinyin of each line, word-joined and space-separated.

Input streams through in blocks of whole lines, so memory stays bounded whatever the input's
size (a line is the unit: one very long line is held whole). Every input is checked to be
UTF-8 before anything is written, so bad input leaves no half output; stdin is spooled to a
temporary file for that.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from collections.abc import Iterator
from typing import IO

from ..config import Config
from ..io import InputError
from .options import add_options, values_from


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("pinyin", help="print the pinyin of each line (stdin when no FILE)")
    p.add_argument("files", nargs="*", metavar="FILE")
    add_reading_options(p)
    p.add_argument("--keep", action="store_true", help="keep non-Han text (default: Han words only)")
    from .documents import add_document_options

    add_document_options(p.add_argument_group("documents (HTML, EPUB, subtitles, Markdown: a line per block)"))
    p.set_defaults(handler=run)


def add_reading_options(p: argparse.ArgumentParser | argparse._ArgumentGroup) -> None:
    """The reading options (every field of :class:`pinzhu.Config`), shared by every command that reads."""
    add_options(p, Config)


def config_from(args: argparse.Namespace) -> Config:
    return values_from(args, Config)


# Lines per engine pass (pinzhu.words_many): many short lines share the per-call cost, and a
# huge file still goes through in bounded pieces.
LINES_PER_PASS = 4096
CHARS_PER_PASS = 1 << 18
BLOCK_BYTES = 1 << 20  # bytes read at a time (then cut after the last newline)


def blocks(f: IO[bytes], size: int = BLOCK_BYTES) -> Iterator[bytes]:
    """``f``'s bytes in blocks of whole lines: each ends with ``\\n`` but the last, so a block
    never cuts a line, a ``\\r\\n`` or a UTF-8 sequence; a line longer than ``size`` is one block.

    >>> import io
    >>> list(blocks(io.BytesIO(b"ab\\ncd\\r\\nef"), size=4))
    [b'ab\\n', b'cd\\r\\n', b'ef']
    """
    rest = b""
    while True:
        data = f.read(size)
        if not data:
            if rest:
                yield rest
            return
        data = rest + data
        cut = data.rfind(b"\n") + 1
        if cut == 0:  # no line ends yet: keep reading
            rest = data
            continue
        yield data[:cut]
        rest = data[cut:]


def check_utf8(f: IO[bytes], name: str) -> None:
    """Raise InputError naming the byte offset and line of ``f``'s first invalid UTF-8 (the
    message :func:`pinzhu.io.decode_utf8` gives for the whole file), reading it in blocks."""
    offset = line = 0
    for block in blocks(f):
        try:
            block.decode("utf-8")
        except UnicodeDecodeError as e:
            at, where = offset + e.start, line + block.count(b"\n", 0, e.start) + 1
            f.seek(at)
            raise InputError(f"{name}: invalid UTF-8 at byte offset {at} (line {where}): {f.read(4)!r} "
                             f"({e.reason})") from None
        offset += len(block)
        line += block.count(b"\n")
    f.seek(0)


def open_checked(path: str) -> tuple[IO[bytes], str]:
    """The input as a seekable binary file, checked to be UTF-8 (stdin spooled to a temporary file)."""
    if path == "-":
        spool = tempfile.TemporaryFile()
        shutil.copyfileobj(sys.stdin.buffer, spool, BLOCK_BYTES)
        spool.seek(0)
        f, name = spool, "<stdin>"
    else:
        try:
            f = open(path, "rb")  # noqa: SIM115 - closed by the caller
        except OSError as e:
            raise InputError(f"{path}: cannot read: {e.strerror}") from None
        name = path
    try:
        check_utf8(f, name)
    except BaseException:
        f.close()
        raise
    return f, name


def line_batches(f: IO[bytes]) -> Iterator[list[str]]:
    """``f``'s lines (``str.splitlines`` of its text), in batches for one engine pass each."""
    batch: list[str] = []
    chars = 0
    for block in blocks(f):
        for line in block.decode("utf-8").splitlines():
            batch.append(line)
            chars += len(line)
            if len(batch) >= LINES_PER_PASS or chars >= CHARS_PER_PASS:
                yield batch
                batch, chars = [], 0
    if batch:
        yield batch


def run(args: argparse.Namespace) -> int:
    from ..pipeline import words_many
    from ..render import pinyin_line

    from . import documents

    cfg = config_from(args)
    docs = documents.document_inputs(args)
    if docs:
        return documents.pinyin(args, docs, cfg)
    inputs = []
    try:
        # Check every input before writing anything, so bad input leaves no half output.
        for path in args.files or ["-"]:
            inputs.append(open_checked(str(path)))
        write, keep = sys.stdout.write, args.keep
        for f, _ in inputs:
            for lines in line_batches(f):
                write("".join([pinyin_line(ws, keep) + "\n" for ws in words_many(lines, config=cfg)]))
        sys.stdout.flush()
    finally:
        for f, _ in inputs:
            f.close()
    return 0
