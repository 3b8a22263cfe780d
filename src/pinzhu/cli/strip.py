"""``pinzhu strip``, ``pinzhu audit`` and ``pinzhu scan``: remove, check and score pinyin annotations.

strip writes the text back without annotations (``--explain``: one JSON line per span instead);
audit prints one JSON line per annotation and exits 1 when any is wrong (for a publisher's CI);
scan prints one JSON line per file with its annotation density and machine-inserted share.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict

from ..config import AuditOptions, StripOptions
from ..io import atomic_write, read_text
from . import documents as run_documents
from .documents import add_document_options, document_inputs
from .options import add_options, values_from
from .read import add_reading_options, config_from


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("strip", help="remove pinyin annotations like 这(zhè) (stdin when no FILE)")
    _common(p)
    add_options(p, StripOptions)
    p.add_argument("--explain", action="store_true", help="instead of the text, one JSON line per removed or kept span")
    p.set_defaults(handler=run_strip)

    p = sub.add_parser("audit", help="check every pinyin annotation; exit 1 if any is wrong")
    _common(p)
    add_options(p, AuditOptions)
    p.add_argument("--all", action="store_true", help="list right annotations too (default: wrong ones)")
    p.set_defaults(handler=run_audit)

    p = sub.add_parser("scan", help="score files for machine-inserted pinyin (one JSON line per file)")
    _common(p)
    p.set_defaults(handler=run_scan)


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("files", nargs="*", metavar="FILE")
    p.add_argument("-o", "--output", metavar="FILE", help="write here (atomically) instead of stdout")
    add_reading_options(p)
    add_document_options(p.add_argument_group("documents (HTML, EPUB, subtitles, Markdown: pinzhu.documents)"))


def _inputs(args: argparse.Namespace) -> list[tuple[str, str]]:
    # Decode every input before writing anything, so bad input leaves no half output.
    names = args.files or ["-"]
    return [("<stdin>" if f == "-" else f, read_text(f)) for f in names]


def _emit(args: argparse.Namespace, text: str) -> None:
    if args.output:
        with atomic_write(args.output) as f:
            f.write(text)
    else:
        sys.stdout.write(text)
        sys.stdout.flush()


def _line(obj: dict[str, object]) -> str:
    return json.dumps(obj, ensure_ascii=False) + "\n"


def run_strip(args: argparse.Namespace) -> int:
    from ..strip import explain, strip

    cfg, opts = config_from(args), values_from(args, StripOptions)
    docs = document_inputs(args)
    if docs:
        return run_documents.strip(args, docs, opts, cfg)
    out = []
    for name, text in _inputs(args):
        if args.explain:
            out += [_line({"file": name, **c.as_dict()}) for c in explain(text, config=cfg, options=opts)]
        else:
            out.append(strip(text, config=cfg, options=opts))
    _emit(args, "".join(out))
    return 0


def run_audit(args: argparse.Namespace) -> int:
    from ..audit import audit

    cfg, opts = config_from(args), values_from(args, AuditOptions)
    docs = document_inputs(args)
    if docs:
        return run_documents.audit(args, docs, opts, cfg)
    out, wrong = [], 0
    for name, text in _inputs(args):
        for f in audit(text, config=cfg, options=opts):
            wrong += not f.ok
            if args.all or not f.ok:
                out.append(_line({"file": name, **f.as_dict()}))
    _emit(args, "".join(out))
    return 1 if wrong else 0


def run_scan(args: argparse.Namespace) -> int:
    from ..audit import scan

    cfg = config_from(args)
    docs = document_inputs(args)
    if docs:
        return run_documents.scan(args, docs, cfg)
    out = []
    for name, text in _inputs(args):
        r = scan(text, config=cfg)
        d = asdict(r)
        d["signals"] = dict(r.signals)
        out.append(_line({"file": name, **d}))
    _emit(args, "".join(out))
    return 0
