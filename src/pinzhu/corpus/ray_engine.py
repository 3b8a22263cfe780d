"""Ray Data as the distributed engine (``pip install 'pinzhu[ray]'``, ``--engine ray``).

Two ways in:

- :func:`run_ray` (what ``pinzhu corpus --engine ray`` uses): a dataset of the job's *shards*
  (:mod:`.sources`), ``map_batches`` with :class:`ShardWorker`, an actor that loads the lexicon
  and model once and writes each shard's ``part-NNNNN.jsonl`` as the local runner does. So the
  output is byte-identical to ``--jobs N``, ``--resume`` works, and a malformed line becomes an
  error record with its line number. (``ray.data.read_json`` parses with pyarrow, which fails the
  whole read on one malformed line and knows no line numbers.) OUT must be a path every node sees.
- :class:`BatchTransform`, for a dataset you already have:
  ``ds.map_batches(BatchTransform, fn_constructor_kwargs={"options": opts}, concurrency=1)``,
  then ``write_json(out, force_ascii=False)`` (docs/corpus.md).

Sizing on a small machine: the actor pool must leave CPU for Ray's own tasks, or they starve and
the job hangs, so each actor asks for a fractional CPU (:func:`actor_resources`).

>>> actor_resources(cpus=2, jobs=None, shards=10)
(2, 0.75)
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, fields
from typing import Any

from ..io import InputError, RunFailed
from .shard import RunOptions, ShardStats, run_shard
from .sources import Shard
from .transforms import CorpusOptions, batch_transform, warm_up

# Headroom kept free for Ray's own tasks (object transfers, the input operator).
HEADROOM_CPUS = 0.5


def actor_resources(cpus: float, jobs: int | None, shards: int) -> tuple[int, float]:
    """(actors, CPUs per actor) for ``cpus`` CPUs: ``jobs`` actors (default: one per CPU), never
    more than shards, together asking for at most ``cpus - HEADROOM_CPUS`` so the pool can't take
    every CPU."""
    actors = max(1, min(jobs or int(cpus), shards))
    per = min(1.0, max(0.05, (cpus - HEADROOM_CPUS) / actors))
    return actors, round(per, 3)


class ShardWorker:
    """A Ray actor: processes whole shards into OUT; returns one row per shard (its index, and its
    counts as JSON)."""

    def __init__(self, options: CorpusOptions, out: str, run: RunOptions = RunOptions()) -> None:
        warm_up()  # once per actor, not per batch
        self.options, self.out, self.run = options, out, run

    def __call__(self, batch: Mapping[str, Any]) -> dict[str, list]:
        names = [f.name for f in fields(Shard)]
        rows: dict[str, list] = {"index": [], "stats": []}
        for i in range(len(batch["index"])):
            shard = Shard(**{k: _plain(batch[k][i]) for k in names})
            stats = run_shard(shard, self.options, self.out, self.run)
            rows["index"].append(shard.index)
            rows["stats"].append(json.dumps(stats.as_json()))
        return rows


def _plain(x: Any) -> Any:
    return x.item() if hasattr(x, "item") else x  # numpy scalar -> int / str


class BatchTransform:
    """``map_batches`` callable class over :func:`batch_transform`: one pinzhu load per actor.

    Takes Ray's numpy batches (object arrays of str) and returns lists, None kept as null.
    """

    def __init__(self, options: CorpusOptions) -> None:
        warm_up()
        self.options = options

    def __call__(self, batch: Mapping[str, Sequence[Any]]) -> dict[str, list]:
        plain = {k: [_plain(x) for x in v] for k, v in batch.items()}
        return batch_transform(plain, self.options)


def init_ray(address: str | None, cpus: int | None) -> bool:
    """Connect to ``address`` or start a local Ray; True if this call started it (so it stops it)."""
    import ray

    if ray.is_initialized():
        return False
    kw: dict[str, Any] = dict(include_dashboard=False, logging_level=logging.WARNING, log_to_driver=True)
    if address:
        ray.init(address=address, **kw)
    else:
        ray.init(num_cpus=cpus, **kw)
    return True


# A shard whose actor dies (killed, out of memory) is retried on a new actor this many times; Ray
# Data's own default is to retry forever, which a shard that crashes its worker every time would.
TASK_RETRIES = 3


def _cause(e: BaseException) -> BaseException:
    """The error a Ray task raised, out of Ray's wrappers (an OSError keeps its errno and file)."""
    seen = set()
    while id(e) not in seen:
        seen.add(id(e))
        if isinstance(e, (OSError, InputError)) and type(e).__module__.split(".")[0] != "ray":
            return e
        nxt = getattr(e, "cause", None) or e.__cause__
        if nxt is None:
            break
        e = nxt
    return e


def run_ray(todo: list[Shard], options: CorpusOptions, out: str, run: RunOptions,
            done: Callable[[Shard, ShardStats], None]) -> None:
    """The shards on Ray Data: an actor pool of :class:`ShardWorker`, one shard per batch."""
    try:
        import ray
        import ray.data
    except ImportError:
        raise InputError("--engine ray needs Ray Data: pip install 'pinzhu[ray]'") from None
    started = init_ray(run.address, run.jobs)
    try:
        ctx = ray.data.DataContext.get_current()
        ctx.enable_progress_bars = False  # ours reports documents, not blocks
        logging.getLogger("ray.data").setLevel(logging.WARNING)
        cpus = float(ray.cluster_resources().get("CPU", 1))
        actors, per = actor_resources(cpus, run.jobs, len(todo))
        by_index = {s.index: s for s in todo}
        ds = ray.data.from_items([asdict(s) for s in todo], override_num_blocks=len(todo))
        ds = ds.map_batches(ShardWorker, fn_constructor_kwargs={"options": options, "out": out, "run": run},
                            batch_size=1, concurrency=actors, num_cpus=per, batch_format="numpy",
                            max_restarts=-1, max_task_retries=TASK_RETRIES)
        try:
            for row in ds.iter_rows():
                done(by_index[int(row["index"])], ShardStats.from_json(json.loads(str(row["stats"]))))
        except Exception as e:
            cause = _cause(e)
            if cause is not e:
                raise cause from None
            raise RunFailed(f"{out}: the Ray job failed ({type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}); "
                            f"the shards done are kept: rerun with --resume") from e
    finally:
        if started:
            ray.shutdown()


__all__ = ["BatchTransform", "ShardWorker", "actor_resources", "init_ray", "run_ray"]
