"""One shard into one part: the work every engine runs (the local runner's processes, Ray's actors).

:func:`run_shard` reads a shard (:mod:`.sources`), transforms its records (:mod:`.transforms`) and
writes ``part-NNNNN.jsonl`` atomically, then its marker. Both engines import it from here, and
the runner imports the engines: no module of corpus mode imports one that imports it back.

>>> ShardStats(documents=2, changed=1).plus(ShardStats(documents=3, errors=1)).documents
5
"""

from __future__ import annotations

import itertools
import json
import os
import time
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

from ..io import atomic_write
from .sources import Bad, Shard, records
from .transforms import CorpusOptions, transform_records, warm_up

META = "_pinzhu"


@dataclass(frozen=True)
class RunOptions:
    """How to run a job (not what it does: that is :class:`CorpusOptions`).

    shard_size: lines per JSONL shard; jobs: worker processes (local) or actors (Ray; default:
    the cluster's CPUs); resume: keep finished shards of an earlier run into the same OUT;
    engine: ``local`` or ``ray``; address: an existing Ray cluster; progress: a bar (None: when
    stderr is a terminal).
    """

    shard_size: int = 10_000
    jobs: int | None = None
    resume: bool = False
    engine: str = "local"
    address: str | None = None
    progress: bool | None = None


@dataclass(frozen=True)
class ShardStats:
    """What one shard (or a whole run, summed) did."""

    documents: int = 0
    changed: int = 0
    errors: int = 0
    chars: int = 0
    seconds: float = 0.0

    def plus(self, other: "ShardStats") -> "ShardStats":
        return ShardStats(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(self)))


def _dumps(record: dict[str, Any]) -> bytes:
    try:
        return (json.dumps(record, ensure_ascii=False, default=str) + "\n").encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate in some field: escaped, the line stays valid JSON
        return (json.dumps(record, ensure_ascii=True, default=str) + "\n").encode("ascii")


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


def run_shard(shard: Shard, options: CorpusOptions, out_dir: str) -> ShardStats:
    """Process one shard into ``out_dir/part-NNNNN.jsonl`` (atomically), then write its marker.

    Idempotent: running a shard twice writes the same bytes, so a retried task (Ray) or a
    resumed run can redo it safely.
    """
    t0 = time.perf_counter()
    docs = changed = errors = chars = 0
    out = Path(out_dir)
    with atomic_write(out / f"{shard.name}.jsonl", "wb") as f:
        # Records go through in chunks (jobs with a batch form read a chunk in one engine pass);
        # lines that are not records keep their place between them.
        for chunk in _chunks(records(shard), CHUNK):
            good = [rec for rec in chunk if not isinstance(rec, Bad)]
            done = iter(transform_records(good, options))
            for rec in chunk:
                docs += 1
                if isinstance(rec, Bad):
                    errors += 1
                    f.write(_dumps(_bad_record(rec, shard, options)))
                    continue
                value = rec.get(options.text_field)
                new, ch = next(done)
                if options.error_field in new and options.error_field not in rec:
                    errors += 1
                elif isinstance(value, str):
                    chars += len(value)
                changed += ch
                f.write(_dumps(new))
    stats = ShardStats(docs, changed, errors, chars, time.perf_counter() - t0)
    with atomic_write(out / META / f"{shard.name}.done") as f:
        json.dump(asdict(stats), f)
    return stats


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
    warm_up()


def run_shard_task(args: tuple[Shard, CorpusOptions, str]) -> tuple[int, ShardStats]:
    shard, options, out_dir = args
    return shard.index, run_shard(shard, options, out_dir)


__all__ = ["CHUNK", "META", "RunOptions", "ShardStats", "run_shard", "run_shard_task", "worker_init"]
