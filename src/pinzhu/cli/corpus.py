"""``pinzhu corpus JOB IN OUT``: strip, scan, audit, annotate, read or fix every record of a corpus.

IN is a JSONL file (plain, .gz or .zst), a Parquet file, a folder of them or a glob; OUT is a
folder of ``part-NNNNN.jsonl`` shards, each written atomically. ``--resume`` finishes a killed
job; ``--jobs N`` runs N processes; ``--engine ray`` runs the same shards on Ray actors. A JSON
summary line goes to stdout, progress to stderr. Bad records become error records, not failures.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
from dataclasses import asdict

from ..config import AuditOptions, StripOptions
from ..corpus.shard import RunOptions
from ..options import declared
from .annotate import add_annotate_options
from .options import add_options, values_from
from .read import add_reading_options, config_from


# The run options that guard against hostile input, in a group of their own.
UNTRUSTED = ("max_record_bytes", "max_ratio", "max_error_share", "follow_symlinks")


def add_parser(sub: argparse._SubParsersAction) -> None:
    from ..corpus.transforms import JOBS

    p = sub.add_parser("corpus", help="run strip/scan/audit/annotate/read/fix over JSONL or Parquet corpora, sharded",
                       description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("job", choices=JOBS, help="what to do to each record")
    p.add_argument("input", metavar="IN", help="a JSONL/Parquet file, a folder of them, or a glob (quote it)")
    p.add_argument("output", metavar="OUT", help="output folder: part-00000.jsonl, ...")
    g = p.add_argument_group("records")
    g.add_argument("--text-field", default="text", help="field holding the text (default: text)")
    g.add_argument("--output-field", help="strip/annotate/fix: write here instead of over the text field")
    g.add_argument("--error-field", default="pinzhu_error", help="set on records that could not be processed")
    g = p.add_argument_group("running")
    add_options(g, RunOptions, exclude=UNTRUSTED)
    g.add_argument("--no-progress", action="store_true", help="log lines instead of a progress bar")
    g = p.add_argument_group("untrusted input")
    add_options(g, RunOptions, exclude=tuple(o.name for o in declared(RunOptions) if o.name not in UNTRUSTED))
    add_reading_options(p)
    g = p.add_argument_group("strip / audit / fix")
    add_options(g, StripOptions)
    add_options(g, AuditOptions)
    g = p.add_argument_group("annotate (as pinzhu annotate)")
    add_annotate_options(g)
    g = p.add_argument_group("read")
    g.add_argument("--keep", action="store_true", help="keep non-Han words in pinzhu_pinyin")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from ..corpus import CorpusOptions, run_corpus
    from .annotate import checked, options_from

    cfg = config_from(args)
    ann = checked(args)[0] if args.job == "annotate" else options_from(args)
    options = CorpusOptions(job=args.job, text_field=args.text_field, output_field=args.output_field,
                            error_field=args.error_field, strip=values_from(args, StripOptions),
                            audit=values_from(args, AuditOptions), config=cfg, annotate=ann, keep=args.keep)
    runopts = values_from(args, RunOptions, progress=False if args.no_progress else None)
    try:
        summary = run_corpus(args.input, args.output, options, runopts)
    except KeyboardInterrupt:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C can't cut the message short
        print(f"pinzhu: interrupted; rerun with --resume to finish {args.output}", file=sys.stderr)
        return 130
    if summary.skipped_links:
        print(f"pinzhu: note: {len(summary.skipped_links)} symlinks in {args.input} left out (--follow-symlinks "
              f"reads them): {', '.join(summary.skipped_links[:3])}{', ...' if len(summary.skipped_links) > 3 else ''}",
              file=sys.stderr)
    print(summary.line(), file=sys.stderr)
    print(json.dumps(asdict(summary), ensure_ascii=False))
    for problem in summary.problems:
        print(f"pinzhu: error: {problem}", file=sys.stderr)
    return 2 if summary.problems else 0
