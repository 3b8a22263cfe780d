"""One shard into one part: the work every engine runs (the local runner's processes, Ray's actors).

:func:`run_shard` reads a shard (:mod:`.sources`), transforms its records (:mod:`.transforms`) and
writes ``part-NNNNN.jsonl`` atomically, then its marker. Both engines import it from here, and
the runner imports the engines: no module of corpus mode imports one that imports it back.

>>> ShardStats(documents=2, changed=1).plus(ShardStats(documents=3, errors=1)).documents
5
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import signal
import time
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from ..io import atomic_write
from ..options import Options, option
from .sources import MAX_RATIO, MAX_RECORD_BYTES, OUTPUT_MARKER, Bad, Shard, records
from .transforms import CorpusOptions, transform_records, warm_up

META = OUTPUT_MARKER
SHARD_SIZE = 32 << 20       # decompressed bytes of JSONL per shard
MAX_ERROR_SHARE = 0.1       # more records than this failing is a problem (a wrong --text-field: ~100 %)


def parse_size(text: str) -> int:
    """Bytes from ``123``, ``64K``, ``32M``, ``1G`` (powers of 1024); ValueError when it isn't one.

    >>> parse_size("32M"), parse_size("1000")
    (33554432, 1000)
    """
    t = text.strip().upper().removesuffix("B").removesuffix("I")
    scale = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}.get(t[-1:], 1)
    number = t[:-1] if scale > 1 else t
    try:
        value = float(number)
    except ValueError:
        raise ValueError(f"not a size: {text!r} (bytes, or a number with K, M, G)") from None
    if value != value or value < 0:
        raise ValueError(f"not a size: {text!r}")
    return int(value * scale)


def _size(value: int | str) -> int:
    return parse_size(value) if isinstance(value, str) else value


_CLI = ("cli",)  # how to run is the CLI's business (and run_corpus's), not an HTTP field's


@dataclass(frozen=True)
class RunOptions(Options):
    """How to run a job (not what it does: that is :class:`CorpusOptions`). Each field is declared
    once (:func:`pinzhu.options.option`); ``pinzhu corpus``'s flags come from here.

    progress: a bar (None: when stderr is a terminal; the CLI's ``--no-progress`` is False).

    >>> RunOptions(shard_size="64M", jobs=2).shard_size
    67108864
    """

    shard_size: int = option(SHARD_SIZE, "(decompressed) JSONL bytes per shard, cut at a line end: 32M, 500K, ...",
                             low=1, coerce=_size, from_text=parse_size, metavar="SIZE", surfaces=_CLI)
    jobs: int | None = option(None, "worker processes (local, default 1) or actors (ray, default: the CPUs)",
                              low=1, metavar="N", surfaces=_CLI)
    resume: bool = option(False, "keep the finished shards of an earlier run into OUT, redo the rest",
                          surfaces=_CLI)
    engine: str = option("local", "local processes or Ray actors", choices=("local", "ray"), surfaces=_CLI)
    address: str | None = option(None, "ray: address of an existing cluster (default: start a local one)",
                                 metavar="ADDR", surfaces=_CLI)
    progress: bool | None = option(None, "a progress bar (None: when stderr is a terminal)", surfaces=())
    max_record_bytes: int = option(MAX_RECORD_BYTES, "a longer JSONL line is an error record, never held whole",
                                   low=1, coerce=_size, from_text=parse_size, metavar="SIZE", surfaces=_CLI)
    max_ratio: float = option(MAX_RATIO, "a .gz/.zst that expands more than N times its size is damaged input "
                                         "(a decompression bomb)", low=1.0, metavar="N", surfaces=_CLI)
    max_error_share: float = option(MAX_ERROR_SHARE, "exit 2 when a larger share of the records are errors "
                                                     "(a wrong --text-field; 1: never)",
                                    low=0.0, high=1.0, metavar="F", surfaces=_CLI)
    follow_symlinks: bool = option(False, "read symlinks inside an input folder (default: left out, with a note)",
                                   surfaces=_CLI)


def _error_kind(message: str) -> str:
    """What a record's error says without where: ``malformed JSON: ... at column 7`` is
    ``malformed JSON``, so the summary can count kinds."""
    return message.split(":", 1)[0][:80]


@dataclass(frozen=True)
class ShardStats:
    """What one shard (or a whole run, summed) did.

    errors: records in the output that carry an error (one from an earlier job included);
    error_kinds: how many of each kind; damaged: what is wrong with damaged input files.
    """

    documents: int = 0
    changed: int = 0
    errors: int = 0
    chars: int = 0
    seconds: float = 0.0
    error_kinds: dict[str, int] = field(default_factory=dict)
    damaged: tuple[str, ...] = ()

    def plus(self, other: "ShardStats") -> "ShardStats":
        kinds = dict(self.error_kinds)
        for k, n in other.error_kinds.items():
            kinds[k] = kinds.get(k, 0) + n
        return ShardStats(self.documents + other.documents, self.changed + other.changed,
                          self.errors + other.errors, self.chars + other.chars, self.seconds + other.seconds,
                          kinds, self.damaged + other.damaged)

    def as_json(self) -> dict[str, Any]:
        return {**asdict(self), "damaged": list(self.damaged)}

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> "ShardStats":
        names = {f.name for f in fields(cls)}
        d = {k: v for k, v in d.items() if k in names}
        return cls(**{**d, "damaged": tuple(d.get("damaged", ()))})


def _finite(x: Any) -> Any:
    """``x`` with NaN and infinities as null, in lists and dicts too (JSON has none of them)."""
    if isinstance(x, float) and (x != x or x in (float("inf"), float("-inf"))):
        return None
    if isinstance(x, dict):
        return {k: _finite(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_finite(v) for v in x]
    return x


def _dumps(record: dict[str, Any]) -> bytes:
    """One strict JSON line: UTF-8 (escaped only where a lone surrogate forces it), no NaN."""
    try:
        text = json.dumps(record, ensure_ascii=False, default=str, allow_nan=False)
    except ValueError:  # NaN or infinity, from a Parquet float column: null, as pandas' to_json writes them
        record = _finite(record)
        text = json.dumps(record, ensure_ascii=False, default=str, allow_nan=False)
    try:
        return (text + "\n").encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate in some field: escaped, the line stays valid JSON
        return (json.dumps(record, ensure_ascii=True, default=str, allow_nan=False) + "\n").encode("ascii")


def _bad_record(bad: Bad, shard: Shard, o: CorpusOptions) -> dict[str, Any]:
    return {o.error_field: bad.error,
            o.prefix + "source": {"file": shard.path, "line": bad.line, "offset": bad.offset},
            o.prefix + "raw": bad.raw}


# Records per engine pass: enough to amortise the per-call cost on one-sentence records, few
# enough that a chunk of long documents stays small in memory.
CHUNK = 256


def _chunks(items: Iterable[Any], n: int) -> Iterator[list[Any]]:
    it = iter(items)
    while chunk := list(itertools.islice(it, n)):
        yield chunk


def run_shard(shard: Shard, options: CorpusOptions, out_dir: str, run: RunOptions = RunOptions()) -> ShardStats:
    """Process one shard into ``out_dir/part-NNNNN.jsonl`` (atomically), then write its marker:
    the shard's counts and the part's size and SHA-256, so a resumed run can tell a whole part
    from a damaged one.

    Idempotent: running a shard twice writes the same bytes, so a retried task (Ray) or a
    resumed run can redo it safely.
    """
    t0 = time.perf_counter()
    docs = changed = errors = chars = size = 0
    kinds: dict[str, int] = {}
    damaged: list[str] = []
    digest = hashlib.sha256()
    out = Path(out_dir)
    err = options.error_field

    def write(line: bytes) -> None:
        nonlocal size
        f.write(line)
        digest.update(line)
        size += len(line)

    # OUT's temporary files are the runner's to clean, once, under OUT's lock (not a folder
    # listing per part).
    with atomic_write(out / f"{shard.name}.jsonl", "wb", clean=False) as f:
        # Records go through in chunks (jobs with a batch form read a chunk in one engine pass);
        # lines that are not records keep their place between them.
        for chunk in _chunks(records(shard, run.max_record_bytes, run.max_ratio), CHUNK):
            good = [rec for rec in chunk if not isinstance(rec, Bad)]
            done = iter(transform_records(good, options))
            for rec in chunk:
                docs += 1
                if isinstance(rec, Bad):
                    new: dict[str, Any] = _bad_record(rec, shard, options)
                    if rec.damage:
                        unit = "row" if shard.kind == "parquet" else "line"
                        damaged.append(f"{shard.path}: {unit} {rec.line}, byte {rec.offset}: {rec.error}")
                else:
                    value = rec.get(options.text_field)
                    new, ch = next(done)
                    changed += ch
                    if new.get(err) is None and isinstance(value, str):
                        chars += len(value)
                if new.get(err) is not None:
                    errors += 1
                    kind = _error_kind(str(new[err]))
                    kinds[kind] = kinds.get(kind, 0) + 1
                write(_dumps(new))
    stats = ShardStats(docs, changed, errors, chars, time.perf_counter() - t0, kinds, tuple(damaged))
    with atomic_write(out / META / f"{shard.name}.done", clean=False) as m:
        json.dump({**stats.as_json(), "part": {"bytes": size, "sha256": digest.hexdigest()}}, m)
    return stats


def part_matches(out_dir: str | Path, name: str) -> ShardStats | None:
    """The counts in ``name``'s marker if its part is there whole (size and SHA-256 as the marker
    says), else None: the shard is to be redone."""
    out = Path(out_dir)
    try:
        marker = json.loads((out / META / f"{name}.done").read_text(encoding="utf-8"))
        want = marker["part"]
        part = out / f"{name}.jsonl"
        if part.stat().st_size != want["bytes"]:
            return None
        digest = hashlib.sha256()
        with open(part, "rb") as f:
            while block := f.read(1 << 20):
                digest.update(block)
        if digest.hexdigest() != want["sha256"]:
            return None
        return ShardStats.from_json(marker)
    except (OSError, ValueError, KeyError, TypeError):
        return None


def worker_init(parent: int) -> None:
    """Load pinzhu once, and leave when the parent is gone: after a SIGKILL a pool worker would
    otherwise wait on its task queue forever (the unfinished part stays a .tmp file; resume cleans it)."""
    import threading

    def watch() -> None:
        while True:
            time.sleep(1.0)
            try:
                os.kill(parent, 0)
            except ProcessLookupError:
                os._exit(1)
            except PermissionError:  # the pid was reused by another user's process: ours is gone
                os._exit(1)

    threading.Thread(target=watch, daemon=True, name="pinzhu-parent-watch").start()
    # Ctrl-C in a terminal reaches the whole process group: the parent alone decides (it cancels
    # the pending shards and stops the workers), so a worker never prints a traceback of its own.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    warm_up()


def run_shard_task(args: tuple[Shard, CorpusOptions, str, RunOptions]) -> tuple[int, ShardStats]:
    shard, options, out_dir, run = args
    return shard.index, run_shard(shard, options, out_dir, run)


__all__ = ["CHUNK", "META", "RunOptions", "ShardStats", "parse_size", "part_matches", "run_shard",
           "run_shard_task", "worker_init"]
