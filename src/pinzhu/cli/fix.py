"""``pinzhu fix FILE [-o OUT] [--diff]``: rewrite the annotations audit finds wrong, in place.

The fixed text goes to stdout, or atomically to ``-o OUT`` (which may be FILE itself: everything
is read before anything is written). ``--diff`` prints a unified diff of the changes instead
(with ``-o``, the text still goes to OUT); ``--explain`` one JSON line per annotation fixed or
left. Annotations left although audit did not pass them (pinzhu unsure, a name gloss, ...) are
reported on stderr, ``FILE:LINE:COLUMN``. Exit 0 when nothing was wrong (unsure ones may be left),
1 when something was wrong (fixed, or left because it could not be fixed), 2 on bad input.
Documents (HTML, EPUB, subtitles, Markdown) are fixed in place like text.
"""

from __future__ import annotations

import argparse
import difflib
import json
import sys
from bisect import bisect_right

from ..config import AuditOptions
from ..io import InputError, atomic_write, read_text
from .documents import add_document_options, document_inputs, read_document, write_document
from .options import add_options, values_from
from .read import add_reading_options, config_from


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("fix", help="rewrite wrong pinyin annotations to pinzhu's reading, in their own style; "
                                   "exit 1 if any was wrong", description=__doc__,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("files", nargs="*", metavar="FILE", help="text or documents (stdin when none)")
    p.add_argument("-o", "--output", metavar="OUT", help="write the fixed text here (atomically; may be FILE "
                                                         "itself) instead of stdout")
    p.add_argument("--diff", action="store_true", help="print a unified diff of the changes instead of the text")
    p.add_argument("--explain", action="store_true",
                   help="instead of the text, one JSON line per annotation fixed or left (where, written, new, "
                        "confidence, why)")
    add_reading_options(p)
    add_options(p, AuditOptions)
    add_document_options(p.add_argument_group("documents (HTML, EPUB, subtitles, Markdown: pinzhu.documents)"))
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from ..fix import apply, explain

    if args.diff and args.explain:
        raise InputError("--diff and --explain: choose one")
    cfg, opts = config_from(args), values_from(args, AuditOptions)
    docs = document_inputs(args)
    if docs:
        return _documents(args, docs, cfg, opts)
    # Decode every input before writing anything, so bad input leaves no half output.
    inputs = [("<stdin>" if f == "-" else f, read_text(f)) for f in (args.files or ["-"])]
    texts, diffs, records, wrong = [], [], [], False
    for name, text in inputs:
        corrections = explain(text, config=cfg, options=opts)
        fixed = apply(text, corrections)
        lines = _Lines(text)
        for c in corrections:
            wrong |= c.why != "uncertain"
            where = f"{name}:{lines.where(c.start)}"
            records.append(json.dumps({"file": name, "where": where, **c.as_dict()}, ensure_ascii=False) + "\n")
            if c.action == "left" and not args.explain:
                print(f"{where}: left {c.chars}({c.written}): {_said(c)}", file=sys.stderr)
        texts.append(fixed)
        if args.diff:
            diffs.append(unified_diff(text, fixed, name))
    if args.explain:
        _emit(args.output, "".join(records))
        return 1 if wrong else 0
    if args.output or not args.diff:
        _emit(args.output, "".join(texts))
    if args.diff:
        sys.stdout.write("".join(diffs))
        sys.stdout.flush()
    return 1 if wrong else 0


def _said(c) -> str:
    why = {"uncertain": f"pinzhu is unsure (it reads {c.expected}, confidence {c.confidence:.2f})",
           "name gloss": f"a name gloss (pinzhu reads {c.expected})",
           "unclear characters": "fits no characters, and which it means is unclear",
           "no reading": "pinzhu has no reading for every character",
           "rewrite failed": f"could not be rewritten in its own style (pinzhu reads {c.expected})"}
    return why.get(c.why, c.why)


class _Lines:
    """Offsets to ``LINE:COLUMN`` (1-based, columns in characters)."""

    def __init__(self, text: str) -> None:
        self.starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]

    def where(self, offset: int) -> str:
        line = bisect_right(self.starts, offset)
        return f"{line}:{offset - self.starts[line - 1] + 1}"


def unified_diff(old: str, new: str, name: str) -> str:
    """A unified diff of ``old`` → ``new`` (``patch -p0`` applies it); '' when they are the same.

    >>> print(unified_diff("银行(yínxíng)\\n", "银行(yínháng)\\n", "a.txt"), end="")
    --- a.txt
    +++ a.txt
    @@ -1 +1 @@
    -银行(yínxíng)
    +银行(yínháng)
    """
    if old == new:
        return ""
    out = []
    for line in difflib.unified_diff(old.splitlines(keepends=True), new.splitlines(keepends=True), name, name):
        out.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(out)


def _emit(path: str | None, text: str) -> None:
    if path:
        with atomic_write(path) as f:
            f.write(text)
    else:
        sys.stdout.write(text)
        sys.stdout.flush()


def _documents(args: argparse.Namespace, inputs: list[tuple[str, str]], cfg, opts) -> int:
    """Documents: fixed in place (one at a time), or explained."""
    from .. import documents
    from ..documents.base import DocumentOptions

    doc = values_from(args, DocumentOptions)
    if not args.explain and len(inputs) != 1:
        raise InputError(f"{len(inputs)} documents: fix one document at a time (each is a file of its own)")
    data = [(name, kind, read_document(name)) for name, kind in inputs]
    records, wrong = [], False
    for name, kind, raw in data:
        shown = "<stdin>" if name == "-" else name
        out, found = documents.fixed(raw, kind, name=shown, document=doc, config=cfg, options=opts)
        for d in found:
            c = d.correction
            wrong |= c.why != "uncertain"
            records.append(json.dumps({"file": shown, **d.as_dict()}, ensure_ascii=False) + "\n")
            if c.action == "left" and not args.explain:
                print(f"{d.where}: left {c.chars}({c.written}): {_said(c)}", file=sys.stderr)
        if args.explain:
            continue
        if args.diff:
            if kind == "epub":
                raise InputError(f"{shown}: --diff is for text; an EPUB is a zip (use --explain)")
            encoding = documents.load(raw, kind, name=shown, document=doc).parts[0].source.encoding
            if args.output:
                write_document(args.output, kind, out)
            sys.stdout.write(unified_diff(raw.decode(encoding), out.decode(encoding), shown))
            sys.stdout.flush()
        else:
            write_document(args.output, kind, out)
    if args.explain:
        _emit(args.output, "".join(records))
    return 1 if wrong else 0
