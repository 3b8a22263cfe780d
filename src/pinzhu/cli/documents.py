"""Documents on the command line: ``pinzhu annotate book.epub -o book.pinyin.epub``,
``pinzhu strip page.html``, ``pinzhu audit course.md``, ``pinzhu scan``, ``pinzhu pinyin``.

The kind comes from each file's extension (``.html .xhtml .epub .srt .vtt .ass .md``) or
``--format-in``; plain text files keep their own path through the commands. The work is
:mod:`pinzhu.documents`; this module only reads the bytes, writes them back atomically, and turns
a bad option into an error naming its flag. A long document shows progress on a terminal.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from ..io import InputError, atomic_write
from ..options import OptionError
from .options import add_options, flag_of, values_from


def add_document_options(p: argparse.ArgumentParser | argparse._ArgumentGroup) -> None:
    from ..documents.base import DocumentOptions

    add_options(p, DocumentOptions)


def document_inputs(args: argparse.Namespace) -> list[tuple[str, str]] | None:
    """``(file, kind)`` for each input when they are documents; None when they are plain text."""
    from ..documents import kind_of
    from ..documents.base import DocumentOptions

    doc = values_from(args, DocumentOptions)
    names = args.files or ["-"]
    kinds = [doc.format_in or (kind_of(f) if f != "-" else None) for f in names]
    if not any(kinds):
        return None
    if not all(kinds):
        plain = names[kinds.index(None)]
        raise InputError(f"{plain}: a plain text file among documents; run documents and text files apart "
                         "(or name the kind with --format-in)")
    return list(zip(names, kinds))


def read_document(name: str) -> bytes:
    """The document's bytes (``-``: stdin); one over the size cap is refused before it is read into memory."""
    from ..documents import DEFAULT_LIMITS

    cap = DEFAULT_LIMITS.max_bytes
    if name == "-":
        data = sys.stdin.buffer.read(cap + 1)
    else:
        try:
            size = Path(name).stat().st_size
            if size > cap:
                raise InputError(f"{name}: {size} bytes; at most {cap} per document")
            data = Path(name).read_bytes()
        except OSError as e:
            raise InputError(f"{name}: cannot read: {e.strerror}") from None
    if len(data) > cap:
        raise InputError(f"{'<stdin>' if name == '-' else name}: over {cap} bytes; at most {cap} per document")
    return data


def _flag(e: OptionError) -> str:
    from ..config import AuditOptions, Config, StripOptions
    from ..documents.base import DocumentOptions
    from ..render import AnnotateOptions

    for cls in (AnnotateOptions, Config, StripOptions, AuditOptions, DocumentOptions):
        try:
            return flag_of(cls, e.field)
        except StopIteration:
            continue
    return e.field


def _progress(name: str):
    if not sys.stderr.isatty():
        return None

    def show(done: int, total: int) -> None:
        print(f"\r{name}: {done}/{total} blocks", end="\n" if done >= total else "", file=sys.stderr, flush=True)
    return show


def _one(args: argparse.Namespace, inputs: list[tuple[str, str]]) -> tuple[str, str]:
    if len(inputs) != 1:
        raise InputError(f"{len(inputs)} documents: annotate or strip one document at a time (each is a file of its own)")
    return inputs[0]


def write_document(path: str | None, kind: str, data: bytes) -> None:
    """A document's bytes to ``path`` (atomically) or stdout; an EPUB never to a terminal."""
    if path:
        with atomic_write(path, "wb") as f:
            f.write(data)
        return
    if kind == "epub" and sys.stdout.isatty():
        raise InputError("an EPUB is binary: write it to a file with -o FILE")
    sys.stdout.buffer.write(data)
    sys.stdout.flush()


def _run(job: str, args: argparse.Namespace, inputs: list[tuple[str, str]], **kw: Any) -> Any:
    """Run a documents job on each input (all read first, so bad input leaves no half output)."""
    from .. import documents

    from ..documents.base import DocumentOptions

    doc = values_from(args, DocumentOptions)
    data = [(name, kind, read_document(name)) for name, kind in inputs]
    out = []
    try:
        for name, kind, raw in data:
            shown = "<stdin>" if name == "-" else name
            extra = dict(progress=_progress(shown)) if job == "annotate" else {}
            out.append((shown, getattr(documents, job)(raw, kind, name=shown, document=doc, **kw, **extra)))
    except OptionError as e:
        raise InputError(f"{_flag(e)}: {e}") from None
    return out


def annotate(args: argparse.Namespace, inputs: list[tuple[str, str]], options, config) -> int:
    name, kind = _one(args, inputs)
    [(_, data)] = _run("annotate", args, [(name, kind)], options=options, config=config)
    write_document(args.output, kind, data)
    return 0


def strip(args: argparse.Namespace, inputs: list[tuple[str, str]], options, config) -> int:
    if getattr(args, "explain", False):
        raise InputError("--explain is for text files; for a document, pinzhu audit --all lists every annotation")
    name, kind = _one(args, inputs)
    [(_, data)] = _run("strip", args, [(name, kind)], options=options, config=config)
    write_document(args.output, kind, data)
    return 0


def _emit(args: argparse.Namespace, text: str) -> None:
    if args.output:
        with atomic_write(args.output) as f:
            f.write(text)
    else:
        sys.stdout.write(text)
        sys.stdout.flush()


def _line(obj: dict) -> str:
    return json.dumps(obj, ensure_ascii=False) + "\n"


def audit(args: argparse.Namespace, inputs: list[tuple[str, str]], options, config) -> int:
    out, wrong = [], 0
    for name, findings in _run("audit", args, inputs, options=options, config=config):
        for f in findings:
            wrong += not f.finding.ok
            if args.all or not f.finding.ok:
                out.append(_line({"file": name, **f.as_dict()}))
    _emit(args, "".join(out))
    return 1 if wrong else 0


def scan(args: argparse.Namespace, inputs: list[tuple[str, str]], config) -> int:
    from dataclasses import asdict

    out = []
    for name, r in _run("scan", args, inputs, config=config):
        d = asdict(r)
        d["signals"] = dict(r.signals)
        out.append(_line({"file": name, **d}))
    _emit(args, "".join(out))
    return 0


def pinyin(args: argparse.Namespace, inputs: list[tuple[str, str]], config) -> int:
    """Each block's pinyin on a line of its own, as ``pinzhu pinyin`` prints a text's lines."""
    from ..render import pinyin_line

    out = []
    for _, blocks in _run("read", args, inputs, config=config):
        out += [pinyin_line([tuple(w) for w in b["words"]], args.keep) + "\n" for b in blocks]
    sys.stdout.write("".join(out))
    sys.stdout.flush()
    return 0
