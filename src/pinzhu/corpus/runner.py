"""Running a corpus job: shards in, ``part-NNNNN.jsonl`` out, resumable, on one or many processes.

OUT holds one JSONL part per input shard, and ``_pinzhu/``: ``manifest`` (the job and its
inputs, so ``--resume`` refuses to mix two different jobs), a ``part-NNNNN.done`` marker per
finished shard (its counts, and its part's size and SHA-256), ``lock`` (held while a run writes
here: a second run is refused) and ``summary`` at the end. A part is written atomically, then its
marker; so after a kill every part is whole, and resume redoes exactly the shards whose part is
not there whole. The output depends only on the input, the options and the shard size: not on
the engine or the number of workers. The work on one shard, shared by every engine, is
:mod:`.shard`.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import signal
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ..io import InputError, RunFailed, atomic_write, fsync_dir
from .shard import META, RunOptions, ShardStats, part_matches, run_shard, run_shard_task, worker_init
from .sources import Shard, find_inputs, plan
from .transforms import CorpusOptions, warm_up

MANIFEST_VERSION = 2  # 2: shards cut by bytes, read limits, markers with size and SHA-256


# --- the manifest: one job per OUT ---------------------------------------------------------------

def _jsonable(x: Any) -> Any:
    if isinstance(x, (set, frozenset)):
        return sorted(x)
    if isinstance(x, tuple):
        return list(x)
    return str(x)


def manifest(files: list[str], shards: list[Shard], options: CorpusOptions, run: RunOptions) -> dict[str, Any]:
    """What identifies a job's output: options, shard size, read limits and inputs (size, mtime)."""
    inputs = []
    for f in files:
        st = os.stat(f)
        inputs.append({"path": f, "size": st.st_size, "mtime_ns": st.st_mtime_ns})
    opts = json.loads(json.dumps(asdict(options), default=_jsonable))
    return {"version": MANIFEST_VERSION, "options": opts, "shard_size": run.shard_size,
            "max_record_bytes": run.max_record_bytes, "max_ratio": run.max_ratio,
            "inputs": inputs, "shards": len(shards)}


@contextmanager
def locked(out: Path) -> Iterator[None]:
    """Hold ``OUT/_pinzhu/lock`` for a run: a second run into the same OUT is refused rather than
    let the two delete each other's temporary files and mix their parts. The lock is the kernel's
    (flock), so a killed run's lock goes with it."""
    meta = out / META
    try:
        meta.mkdir(parents=True, exist_ok=True)
        fd = os.open(meta / "lock", os.O_RDWR | os.O_CREAT, 0o666)
    except (FileExistsError, NotADirectoryError):
        raise NotADirectoryError(errno.ENOTDIR, "OUT must be a folder, and this is (or is under) a file",
                                 str(out)) from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            other = os.pread(fd, 64, 0).decode("ascii", "replace").strip()
            raise InputError(f"{out}: another pinzhu corpus run is writing here"
                             f"{f' (pid {other})' if other else ''}; wait for it, or choose another OUT") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield
    finally:
        os.close(fd)  # releases the lock


def _clean_temps(out: Path) -> None:
    """Temporary files in OUT: never renamed into place, so never output (the caller holds the lock)."""
    for tmp in [*out.glob(".part-*.tmp"), *(out / META).glob(".*.tmp")]:
        tmp.unlink(missing_ok=True)


def _prepare_out(out: Path, man: dict[str, Any], resume: bool) -> dict[str, ShardStats]:
    """Check OUT against the manifest (the caller holds OUT's lock); the shards already done,
    with their counts: those whose part is there whole (size and hash as its marker says)."""
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
            raise InputError(f"{out}: holds output of a different job (options, shard size, read limits or "
                             f"inputs changed); choose an empty folder")
    _clean_temps(out)
    with atomic_write(meta / "manifest") as f:
        json.dump(man, f, ensure_ascii=False, indent=1)
    done = {}
    for marker in sorted(meta.glob("part-*.done")):
        name = marker.name.removesuffix(".done")
        stats = part_matches(out, name)
        if stats is None:  # its part is missing, cut short or changed: the shard is redone
            marker.unlink()
        else:
            done[name] = stats
    return done


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
            eta = max(0, self.total - self.done) / rate if rate > 0 else float("inf")
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

# A pool whose worker died (killed, out of memory) is started again for the shards not done, this
# many times; a shard that kills its worker every time then stops the run with a message.
WORKER_RESTARTS = 2


def _stop(ex: Any) -> None:
    """Cancel the shards not started and end the workers now, not after their shards (Ctrl-C, an
    error): a worker's unfinished part stays a temporary file, which the runner removes."""
    import threading

    main = threading.current_thread() is threading.main_thread()
    old = signal.signal(signal.SIGINT, signal.SIG_IGN) if main else None  # a second Ctrl-C can't cut this short
    try:
        procs = list((getattr(ex, "_processes", None) or {}).values())  # Python 3.14: ex.terminate_workers()
        ex.shutdown(wait=False, cancel_futures=True)
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.join(5)
            if proc.is_alive():
                proc.kill()
                proc.join(1)
    finally:
        if main:
            signal.signal(signal.SIGINT, old)


def run_local(todo: list[Shard], options: CorpusOptions, out: str, run: RunOptions,
              done: Callable[[Shard, ShardStats], None]) -> None:
    """Shards on this machine: in this process (jobs 1) or a pool of ``jobs`` processes."""
    jobs = run.jobs or 1
    if jobs <= 1 or len(todo) <= 1:
        warm_up()
        for s in todo:
            done(s, run_shard(s, options, out, run))
        return
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor, as_completed
    from concurrent.futures.process import BrokenProcessPool

    # forkserver: workers start from a clean process (no copied threads or locks), and each loads
    # the lexicon and model once, in warm_up, not per shard.
    ctx = mp.get_context("forkserver" if "forkserver" in mp.get_all_start_methods() else "spawn")
    left = {s.index: s for s in todo}
    for attempt in range(WORKER_RESTARTS + 1):
        ex = ProcessPoolExecutor(max_workers=min(jobs, len(left)), mp_context=ctx, initializer=worker_init,
                                 initargs=(os.getpid(),))
        futs = []
        try:
            futs = [ex.submit(run_shard_task, (s, options, out, run)) for s in left.values()]
            for fut in as_completed(futs):
                index, stats = fut.result()
                done(left.pop(index), stats)
        except BrokenProcessPool:
            _stop(ex)
            for fut in futs:  # shards that finished before the pool broke stay done
                if fut.done() and not fut.cancelled() and fut.exception() is None:
                    index, stats = fut.result()
                    if index in left:
                        done(left.pop(index), stats)
            if attempt == WORKER_RESTARTS:
                names = ", ".join(s.name for s in list(left.values())[:5])
                raise RunFailed(f"{out}: a worker process died {attempt + 1} times (killed, or out of memory?); "
                                f"{len(left)} shards not done ({names}{', ...' if len(left) > 5 else ''}); "
                                f"rerun with --resume") from None
            continue
        except BaseException:
            _stop(ex)
            raise
        ex.shutdown()
        return


def _engine(name: str) -> Engine:
    if name == "local":
        return run_local
    if name == "ray":
        from .ray_engine import run_ray

        return run_ray
    raise InputError(f"unknown engine {name!r}; choose local or ray")


@dataclass(frozen=True)
class Summary:
    """A run's result: totals over every shard of OUT, and this run's throughput.

    error_kinds: how many records failed for each reason, most first; damaged: input files that
    are broken (truncated, corrupt, a bomb), each with where; skipped_links: symlinks left out of
    an input folder; problems: what makes the run a failure (damaged input, or more errors than
    ``max_error_share``): the CLI prints each and exits 2.
    """

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
    error_share: float = 0.0
    error_kinds: dict[str, int] = field(default_factory=dict)
    damaged: list[str] = field(default_factory=list)
    skipped_links: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def line(self) -> str:
        return (f"pinzhu corpus: {self.documents:,} documents ({self.changed:,} changed, {self.errors:,} errors) "
                f"in {self.shards} shards ({self.skipped} already done), {self.seconds:.1f}s, "
                f"{self.docs_per_s:,.0f} docs/s, {self.chars_per_s / 1e6:.2f}M chars/s -> {self.out}")


def _problems(out: str, total: ShardStats, run: RunOptions) -> list[str]:
    problems = list(total.damaged)
    share = total.errors / total.documents if total.documents else 0.0
    if share > run.max_error_share:
        kinds = sorted(total.error_kinds.items(), key=lambda kv: (-kv[1], kv[0]))[:3]
        problems.append(f"{out}: {total.errors:,} of {total.documents:,} records ({share:.1%}) are errors, more than "
                        f"--max-error-share {run.max_error_share:g}; most: "
                        + ", ".join(f"{k} ({n:,})" for k, n in kinds))
    return problems


def run_corpus(inputs: str | Iterable[str], out: str, options: CorpusOptions,
               run: RunOptions = RunOptions()) -> Summary:
    """Run ``options.job`` over every record of ``inputs`` into the folder ``out``.

    The run holds OUT's lock; Ctrl-C (KeyboardInterrupt) stops the workers and leaves whole parts
    only, for ``--resume``. Damaged input and too many failed records don't stop the run: they are
    the summary's ``problems``.

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
    found = [find_inputs(spec, out, run.follow_symlinks) for spec in specs]
    files = sorted({f for fd in found for f in fd.files})
    links = sorted({link for fd in found for link in fd.skipped_links})
    outp = Path(out)
    with locked(outp):
        shards = plan(files, run.shard_size, run.max_ratio)
        man = manifest(files, shards, options, run)
        stats = _prepare_out(outp, man, run.resume)
        todo = [s for s in shards if s.name not in stats]
        progress = Progress(sum(s.count + bool(s.damage) for s in todo), run.progress)  # + the damage records
        this_run = ShardStats()

        def done(shard: Shard, shard_stats: ShardStats) -> None:
            nonlocal this_run
            this_run = this_run.plus(shard_stats)
            stats[shard.name] = shard_stats
            progress.update(shard_stats)

        try:
            if todo:
                _engine(run.engine)(todo, options, str(outp), run, done)
        finally:
            progress.close()
            _clean_temps(outp)  # a stopped worker's unfinished part
            fsync_dir(outp)
        total = ShardStats()
        for s in shards:
            total = total.plus(stats[s.name])
        wall = time.perf_counter() - t0
        kinds = dict(sorted(total.error_kinds.items(), key=lambda kv: (-kv[1], kv[0])))
        summary = Summary(str(outp), len(shards), len(shards) - len(todo), total.documents, total.changed,
                          total.errors, total.chars, round(wall, 3), round(this_run.documents / wall, 1),
                          round(this_run.chars / wall, 1),
                          round(total.errors / total.documents, 4) if total.documents else 0.0,
                          kinds, list(total.damaged), links, _problems(str(outp), total, run))
        with atomic_write(outp / META / "summary") as f:
            json.dump(asdict(summary), f, indent=1, ensure_ascii=False)
    return summary


__all__ = ["RunFailed", "RunOptions", "ShardStats", "Summary", "locked", "run_corpus", "run_local", "run_shard"]
