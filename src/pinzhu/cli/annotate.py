"""``pinzhu annotate [FILE...]``: write the pinyin of chosen words into the text.

Inline (``寻根(xúngēn)``, the default), HTML ruby (``--format ruby``) or JSON (``--format json``:
one JSON object per input file, one per line). Each input's text comes out whole and in order;
with several files the outputs follow one another.

Example: ``pinzhu annotate --select rare+polyphones --brackets full news.txt -o news.annotated.txt``
"""

from __future__ import annotations

import argparse
import sys

from .. import select as policies
from ..io import InputError, atomic_write, read_text
from ..render import BRACKETS, INLINE_TONES, AnnotateOptions, annotate, formats
from .read import add_reading_options, config_from


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("annotate", help="write pinyin after chosen words: inline, ruby or JSON (stdin when no FILE)")
    p.add_argument("files", nargs="*", metavar="FILE")
    p.add_argument("-o", "--output", metavar="FILE", help="write here (atomically) instead of stdout")
    add_reading_options(p)
    add_annotate_options(p)
    p.set_defaults(handler=run)


def add_annotate_options(p: argparse.ArgumentParser | argparse._ArgumentGroup) -> None:
    """The options that make an AnnotateOptions (shared with ``pinzhu corpus annotate``)."""
    p.add_argument("--select", default="all", metavar="POLICY",
                   help=f"which words: {', '.join(policies.names())}; combine with '+' (default: all)")
    p.add_argument("--format", default="inline", choices=formats(), help="output format (default: inline)")
    p.add_argument("--brackets", default="half", choices=tuple(BRACKETS), help="() or （） (default: half)")
    p.add_argument("--orthography", action="store_true",
                   help="GB/T 16159: word division, apostrophes (Xī'ān), capitals (Suízhōu)")
    p.add_argument("--ruby", default="char", choices=("char", "word"),
                   help="one <ruby> per character (default: each syllable over its character) or per word")
    p.add_argument("--tone-colors", action="store_true", help="ruby: tone classes t1-t5, coloured by the stylesheet")
    p.add_argument("--page", action="store_true", help="ruby: a whole HTML page, not a fragment")
    p.add_argument("--level", type=int, default=4, help="level policy: annotate words above this HSK 3.0 level (default: 4)")
    p.add_argument("--top", type=int, metavar="N", help="level policy: annotate words outside the N most frequent instead")
    p.add_argument("--words", metavar="FILE", help="words policy: a file of words, one per line (# comments)")
    p.add_argument("--word", action="append", default=[], metavar="WORD", help="words policy: a word (repeatable)")
    p.add_argument("--fraction", type=float, default=0.2, help="sample policy: share of words (default: 0.2)")
    p.add_argument("--seed", type=int, default=0, help="sample policy: random seed (default: 0)")


def _word_list(args: argparse.Namespace) -> frozenset[str]:
    words = set(args.word)
    if args.words:
        for line in read_text(args.words).splitlines():
            w = line.split("#", 1)[0].strip()
            if w:
                words.add(w)
    return frozenset(words)


def options_from(args: argparse.Namespace) -> AnnotateOptions:
    try:
        return AnnotateOptions(select=args.select, format=args.format, brackets=args.brackets,
                               orthography=args.orthography, ruby=args.ruby,
                               tone_colors=args.tone_colors, page=args.page,
                               level=args.level, top=args.top, words=_word_list(args),
                               fraction=args.fraction, seed=args.seed)
    except ValueError as e:
        raise InputError(str(e)) from None


def run(args: argparse.Namespace) -> int:
    cfg = config_from(args)
    opts = options_from(args)
    # Decode every input before writing anything, so bad input leaves no half output.
    texts = [read_text(f) for f in (args.files or ["-"])]
    if opts.format == "inline" and cfg.tone not in INLINE_TONES:
        raise InputError(f"--format inline writes pinyin strip can find: --tone must be one of "
                         f"{', '.join(INLINE_TONES)} (use --format ruby or json for {cfg.tone})")
    out = [annotate(t, config=cfg, options=opts) + ("\n" if opts.format == "json" else "") for t in texts]
    if args.output:
        with atomic_write(args.output) as f:
            f.write("".join(out))
    else:
        sys.stdout.write("".join(out))
        sys.stdout.flush()
    return 0
