"""``pinzhu pinyin [FILE...]``: the pinyin of each line, word-joined and space-separated."""

from __future__ import annotations

import argparse
import sys

from ..config import Config
from ..io import read_text
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


def run(args: argparse.Namespace) -> int:
    from ..pipeline import words_many
    from ..render import pinyin_line

    from . import documents

    cfg = config_from(args)
    docs = documents.document_inputs(args)
    if docs:
        return documents.pinyin(args, docs, cfg)
    # Decode every input before writing anything, so bad input leaves no half output.
    texts = [read_text(f) for f in (args.files or ["-"])]
    lines = [line for text in texts for line in text.splitlines()]
    out = []
    for a in range(0, len(lines), LINES_PER_PASS):
        out += [pinyin_line(ws, args.keep) + "\n" for ws in words_many(lines[a:a + LINES_PER_PASS], config=cfg)]
    sys.stdout.write("".join(out))
    sys.stdout.flush()
    return 0
