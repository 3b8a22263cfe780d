"""``pinzhu sort [FILE...]`` and ``pinzhu match QUERY [FILE...]``: lines sorted by pinyin, and
the lines a pinyin query finds (``zg`` finds 中国), as a search box would."""

from __future__ import annotations

import argparse
import sys

from ..io import read_text
from .read import add_reading_options, config_from


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("sort", help="print the lines sorted by pinyin, then tone, then code point (stdin when no FILE)")
    p.add_argument("files", nargs="*", metavar="FILE")
    add_reading_options(p)
    p.set_defaults(handler=run_sort)
    m = sub.add_parser("match", help="print the lines a pinyin query finds: full pinyin, initials, first letters "
                                     "or a mix (exit 1 when none)")
    m.add_argument("query", help="zhongguo, zhg, zg, zhong guo ...")
    m.add_argument("files", nargs="*", metavar="FILE")
    m.add_argument("--fuzzy", action="store_true", help="zh/z, ch/c, sh/s, an/ang, en/eng, in/ing, l/n as one sound")
    m.add_argument("--spans", action="store_true", help="print line number, start and end of each match before the line")
    m.set_defaults(handler=run_match)


def _lines(files: list[str]) -> list[str]:
    # Decode every input before writing anything, so bad input leaves no half output.
    return [line for f in (files or ["-"]) for line in read_text(f).splitlines()]


def run_sort(args: argparse.Namespace) -> int:
    from ..search import sort_keys

    lines = _lines(args.files)
    keys = sort_keys(lines, config=config_from(args))
    order = sorted(range(len(lines)), key=keys.__getitem__)
    sys.stdout.write("".join(lines[i] + "\n" for i in order))
    return 0


def run_match(args: argparse.Namespace) -> int:
    from ..search import Matcher

    lines = _lines(args.files)
    hits = Matcher(lines).search(args.query, fuzzy=args.fuzzy)
    out = [(f"{i + 1}\t{a}\t{b}\t" if args.spans else "") + lines[i] + "\n" for i, (a, b) in hits]
    sys.stdout.write("".join(out))
    return 0 if hits else 1
