"""Running a corpus job: shards in, ``part-NNNNN.jsonl`` out, resumable, on one or many processes.

OUT holds one JSONL part per input shard, and ``_pinzhu/``: ``manifest`` (the job and its
inputs, so ``--resume`` refuses to mix two different jobs), a ``part-NNNNN.done`` marker per
finished shard (its counts), and ``summary`` at the end. A part is written atomically, then its
marker; so after a kill every part is whole, and resume redoes exactly the shards without a marker.
The output depends only on the input, the options and the shard size: not on the engine or the
number of workers. The work on one shard, shared by every engine, is :mod:`.shard`.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from ..io import InputError, atomic_write
from .shard import META, RunOptions, ShardStats, run_shard, run_shard_task, worker_init
from .sources import Shard, plan, resolve_inputs
from .transforms import CorpusOptions, warm_up

MANIFEST_VERSION = 1


# --- the manifest: one job per OUT ---------------------------------------------------------------

def _jsonable(x: Any) -> Any:
    if isinstance(x, (set, frozenset)):
        return sorted(x)
    if isinstance(x, tuple):
        return list(x)
    return str(x)


def manifest(files: list[str], shards: list[Shard], options: CorpusOptions, shard_size: int) -> dict[str, Any]:
    """What identifies a job's output: options, shard size and inputs (size, mtime)."""
    inputs = []
    for f in files:
        st = os.stat(f)
        inputs.append({"path": f, "size": st.st_size, "mtime_ns": st.st_mtime_ns})
    opts = json.loads(json.dumps(asdict(options), default=_jsonable))
    return {"version": MANIFEST_VERSION, "options": opts, "shard_size": shard_size,
            "inputs": inputs, "shards": len(shards)}


def _prepare_out(out: Path, man: dict[str, Any], resume: bool) -> set[str]:
    """Check OUT against the manifest; the names of the shards already done."""
    meta = out / META
    old = meta / "manifest"
    has_output = out.is_dir() and any(out.glob("part-*.jsonl"))
    if old.exists() or has_output:
        if not resume:
            raise InputError(f"{out}: already holds corpus output; add --resume to finish that job, "
                             f"or choose an empty folder")
        try:
            prev = json.loads(old.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            prev = None
        if prev != man:
            raise InputError(f"{out}: holds output of a different job (options, shard size or inputs "
                             f"changed); choose an empty folder")
    # Temporary files of a killed run: never renamed into place, so never output.
    for tmp in [*out.glob(".part-*.tmp"), *meta.glob(".*.tmp")]:
        tmp.unlink(missing_ok=True)
    with atomic_write(meta / "manifest") as f:
        json.dump(man, f, ensure_ascii=False, indent=1)
    return {p.name.removesuffix(".done") for p in meta.glob("part-*.done")}


def _read_stats(out: Path, shard: Shard) -> ShardStats:
    try:
        d = json.loads((out / META / f"{shard.name}.done").read_text(encoding="utf-8"))
        return ShardStats(**d)
    except (OSError, ValueError, TypeError):
        return ShardStats()


# --- progress -----------------------------------------------------------------------------------

class Progress:
    """Documents, chars/s and ETA: a tqdm bar on a terminal, else a log line every few seconds."""

    def __init__(self, total_docs: int, enabled: bool | None, every: float = 5.0) -> None:
        self.total, self.done, self.chars = total_docs, 0, 0
        self.t0 = self.last = time.monotonic()
        self.every, self.printed = every, 0
        tty = sys.stderr.isatty() if enabled is None else enabled
        self.bar = None
        if tty:
            try:
                from tqdm import tqdm

                self.bar = tqdm(total=total_docs, unit="doc", unit_scale=True, file=sys.stderr,
                                desc="pinzhu corpus", dynamic_ncols=True)
            except ImportError:
                self.bar = None

    def update(self, stats: ShardStats) -> None:
        self.done += stats.documents
        self.chars += stats.chars
        elapsed = max(time.monotonic() - self.t0, 1e-9)
        cps = self.chars / elapsed
        if self.bar is not None:
            self.bar.update(stats.documents)
            self.bar.set_postfix_str(f"{cps / 1e6:.2f}M chars/s")
            return
        now = time.monotonic()
        if now - self.last >= self.every or self.done >= self.total:
            self.last, self.printed = now, self.done
            rate = self.done / elapsed
            eta = (self.total - self.done) / rate if rate > 0 else float("inf")
            eta_s = "?" if eta == float("inf") else time.strftime("%H:%M:%S", time.gmtime(eta))
            print(f"pinzhu corpus: {self.done:,}/{self.total:,} documents, {cps / 1e6:.2f}M chars/s, "
                  f"ETA {eta_s}", file=sys.stderr, flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
        elif self.done != self.printed:  # blank lines count in the total, so the last line may be due
            self.every = 0.0
            self.update(ShardStats())


# --- engines -------------------------------------------------------------------------------------

Engine = Callable[[list[Shard], CorpusOptions, str, RunOptions, Callable[[Shard, ShardStats], None]], None]


def run_local(todo: list[Shard], options: CorpusOptions, out: str, run: RunOptions,
              done: Callable[[Shard, ShardStats], None]) -> None:
    """Shards on this machine: in this process (jobs 1) or a pool of ``jobs`` processes."""
    jobs = run.jobs or 1
    if jobs <= 1 or len(todo) <= 1:
        warm_up()
        for s in todo:
            done(s, run_shard(s, options, out))
        return
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor, as_completed

    # forkserver: workers start from a clean process (no copied threads or locks), and each loads
    # the lexicon and model once, in warm_up, not per shard.
    ctx = mp.get_context("forkserver" if "forkserver" in mp.get_all_start_methods() else "spawn")
    by_index = {s.index: s for s in todo}
    with ProcessPoolExecutor(max_workers=min(jobs, len(todo)), mp_context=ctx, initializer=worker_init,
                             initargs=(os.getpid(),)) as ex:
        futs = [ex.submit(run_shard_task, (s, options, out)) for s in todo]
        for fut in as_completed(futs):
            index, stats = fut.result()
            done(by_index[index], stats)


def _engine(name: str) -> Engine:
    if name == "local":
        return run_local
    if name == "ray":
        from .ray_engine import run_ray

        return run_ray
    raise InputError(f"unknown engine {name!r}; choose local or ray")


@dataclass(frozen=True)
class Summary:
    """A run's result: totals over every shard of OUT, and this run's throughput."""

    out: str
    shards: int
    skipped: int
    documents: int
    changed: int
    errors: int
    chars: int
    seconds: float
    docs_per_s: float
    chars_per_s: float

    def line(self) -> str:
        return (f"pinzhu corpus: {self.documents:,} documents ({self.changed:,} changed, {self.errors:,} errors) "
                f"in {self.shards} shards ({self.skipped} already done), {self.seconds:.1f}s, "
                f"{self.docs_per_s:,.0f} docs/s, {self.chars_per_s / 1e6:.2f}M chars/s -> {self.out}")


def run_corpus(inputs: str | Iterable[str], out: str, options: CorpusOptions,
               run: RunOptions = RunOptions()) -> Summary:
    """Run ``options.job`` over every record of ``inputs`` into the folder ``out``.

    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "in.jsonl").write_text('{"text": "行(xíng)"}\\n', encoding="utf-8")
    >>> run_corpus(str(d / "in.jsonl"), str(d / "out"), CorpusOptions(), RunOptions(progress=False)).changed
    1
    >>> (d / "out" / "part-00000.jsonl").read_text(encoding="utf-8")
    '{"text": "行"}\\n'
    """
    t0 = time.perf_counter()
    specs = [inputs] if isinstance(inputs, str) else list(inputs)
    files = sorted({f for spec in specs for f in resolve_inputs(spec)})
    shards = plan(files, run.shard_size)
    outp = Path(out)
    man = manifest(files, shards, options, run.shard_size)
    finished = _prepare_out(outp, man, run.resume)
    todo = [s for s in shards if s.name not in finished]
    progress = Progress(sum(s.count for s in todo), run.progress)
    this_run = ShardStats()

    def done(shard: Shard, stats: ShardStats) -> None:
        nonlocal this_run
        this_run = this_run.plus(stats)
        progress.update(stats)

    try:
        if todo:
            _engine(run.engine)(todo, options, str(outp), run, done)
    finally:
        progress.close()
    total = ShardStats()
    for s in shards:
        total = total.plus(_read_stats(outp, s))
    wall = time.perf_counter() - t0
    summary = Summary(str(outp), len(shards), len(shards) - len(todo), total.documents, total.changed,
                      total.errors, total.chars, round(wall, 3), round(this_run.documents / wall, 1),
                      round(this_run.chars / wall, 1))
    with atomic_write(outp / META / "summary") as f:
        json.dump(asdict(summary), f, indent=1)
    return summary


__all__ = ["RunOptions", "ShardStats", "Summary", "run_corpus", "run_local", "run_shard"]
