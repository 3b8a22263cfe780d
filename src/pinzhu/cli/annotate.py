"""``pinzhu annotate [FILE...]``: write the pinyin of chosen words into the text.

Inline (``寻根(xúngēn)``, the default), HTML ruby (``--format ruby``) or JSON (``--format json``:
one JSON object per input file, one per line). Each input's text comes out whole and in order;
with several files the outputs follow one another.

Example: ``pinzhu annotate --select rare+polyphones --brackets full news.txt -o news.annotated.txt``
"""

from __future__ import annotations

import argparse
import sys

from ..config import Config
from ..io import InputError, atomic_write, read_text
from ..options import OptionError
from ..render import AnnotateOptions, annotate, check_options
from . import documents as run_documents
from .documents import add_document_options, document_inputs
from .options import add_options, flag_of, values_from
from .read import add_reading_options, config_from


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("annotate", help="write pinyin after chosen words: inline, ruby or JSON (stdin when no FILE)")
    p.add_argument("files", nargs="*", metavar="FILE")
    p.add_argument("-o", "--output", metavar="FILE", help="write here (atomically) instead of stdout")
    add_reading_options(p)
    add_annotate_options(p)
    p.add_argument("--spans", metavar="FILE", help="annotate exactly these spans instead of where --select "
                                                   "chooses: a JSON file, the json format's output or a list of "
                                                   "[start, end] (one input file)")
    add_document_options(p.add_argument_group("documents (HTML, EPUB, subtitles, Markdown: pinzhu.documents)"))
    p.set_defaults(handler=run)


def add_annotate_options(p: argparse.ArgumentParser | argparse._ArgumentGroup) -> None:
    """The options that make an AnnotateOptions (shared with ``pinzhu corpus annotate``)."""
    add_options(p, AnnotateOptions)
    p.add_argument("--words", dest="words_file", metavar="FILE",
                   help="words policy: a file of words, one per line (# comments)")


def _word_list(args: argparse.Namespace) -> frozenset[str]:
    words = set(getattr(args, "words", None) or ())
    if args.words_file:
        for line in read_text(args.words_file).splitlines():
            w = line.split("#", 1)[0].strip()
            if w:
                words.add(w)
    return frozenset(words)


def options_from(args: argparse.Namespace) -> AnnotateOptions:
    return values_from(args, AnnotateOptions, words=_word_list(args))


def checked(args: argparse.Namespace) -> tuple[AnnotateOptions, Config]:
    """The annotate options and reading config the flags give, checked together before any input
    is read (an InputError naming the flag)."""
    opts, cfg = options_from(args), config_from(args)
    try:
        check_options(opts, cfg)
    except OptionError as e:
        raise InputError(f"{flag_of(Config, e.field)}: {e}") from None
    return opts, cfg


def run(args: argparse.Namespace) -> int:
    opts, cfg = checked(args)
    docs = document_inputs(args)
    if docs:
        if args.spans:
            raise InputError("--spans is for a text file: a document's offsets are its blocks'")
        return run_documents.annotate(args, docs, opts, cfg)
    # Decode every input before writing anything, so bad input leaves no half output.
    texts = [read_text(f) for f in (args.files or ["-"])]
    spans = None
    if args.spans:
        if len(texts) != 1:
            raise InputError(f"--spans: {len(texts)} inputs; spans are offsets into one text")
        spans = read_text(args.spans)
    try:
        out = [annotate(t, spans=spans, config=cfg, options=opts) + ("\n" if opts.format == "json" else "")
               for t in texts]
    except OptionError as e:
        if e.field != "spans":
            raise
        raise InputError(f"--spans {args.spans}: {e}") from None
    if args.output:
        with atomic_write(args.output) as f:
            f.write("".join(out))
    else:
        sys.stdout.write("".join(out))
        sys.stdout.flush()
    return 0
