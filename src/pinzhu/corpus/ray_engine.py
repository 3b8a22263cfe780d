"""Ray as the distributed engine (``pip install 'pinzhu[ray]'``, ``--engine ray``).

Two ways in:

- :func:`run_ray` (what ``pinzhu corpus --engine ray`` uses): plain Ray actors, no Ray Data. Each
  :class:`ShardWorker` actor loads the lexicon and model once and writes whole shards (cut by
  bytes, :mod:`.sources`) into ``part-NNNNN.jsonl`` as the local runner does. So the output is
  byte-identical to ``--jobs N``, ``--resume`` works, and a malformed line becomes an error record
  with its line number. The driver hands each actor its next shard as soon as one finishes
  (largest first); only a shard's description goes
  out and its counts come back: records never pass through Ray's object store. (Ray Data cost
  1.4-1.5x the wall time of ``--jobs 2`` and 3.4x its memory on 2 cores: its executor, helper
  actors and per-block tasks; ``ray.data.read_json`` also fails a whole read on one malformed
  line and knows no line numbers.) OUT must be a path every node sees.
- :class:`BatchTransform`, for a Ray Data dataset you already have:
  ``ds.map_batches(BatchTransform, fn_constructor_kwargs={"options": opts}, concurrency=1)``,
  then ``write_json(out, force_ascii=False)`` (docs/corpus.md).

Sizing: ``--jobs`` actors (default: one per CPU), together asking for at most ``cpus - 0.5`` CPUs
(:func:`actor_resources`), so a pool can't starve the Ray tasks of a pipeline it shares a node
with.

>>> actor_resources(cpus=2, jobs=None, shards=10)
(2, 0.75)
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable, Mapping, Sequence
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
    """A Ray actor: loads pinzhu once, then processes whole shards into OUT, one call each; a call
    returns the shard's index and its counts (as JSON, so nothing of pinzhu's crosses back)."""

    def __init__(self, options: CorpusOptions, out: str, run: RunOptions = RunOptions()) -> None:
        warm_up()  # once per actor, not per shard
        self.options, self.out, self.run = options, out, run

    def process(self, shard: Shard) -> tuple[int, dict[str, Any]]:
        return shard.index, run_shard(shard, self.options, self.out, self.run).as_json()


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


def init_ray(address: str | None, cpus: int | None) -> Callable[[], None] | None:
    """Connect to ``address`` or start a local Ray; how to stop what this call started (None when
    Ray was running already or is a cluster of someone else's).

    A local Ray's workers keep this process's nice value, and it starts no idle workers ahead of
    the actors (they would sit beside them, each a Python process of its own), neither the
    autoscaler's monitor nor the log monitor, and no dashboard API server (:func:`_lean_head`): a run on one machine scales nothing, an actor's
    error comes back with its task, and nothing asks the API server anything (it serves jobs
    submitted over HTTP, the state API and usage stats). Together they were about 150 MB of PSS,
    and the start waited about a second for the API server to come up."""
    import ray

    if ray.is_initialized():
        return None
    kw: dict[str, Any] = dict(include_dashboard=False, logging_level=logging.WARNING)
    if address:
        ray.init(address=address, log_to_driver=True, **kw)
        return ray.shutdown
    # worker_niceness 0: the actors run at the command's own priority, as the local runner's
    # workers do (Ray raises its workers' nice value by default, up to 19: on a shared machine
    # `nice -n 10 pinzhu corpus --engine ray` would strip at the lowest priority there is).
    system = {"enable_worker_prestart": False, "prestart_worker_first_driver": False, "worker_niceness": 0}
    node = _lean_head(cpus, system)
    if node is None:  # a Ray whose private node API moved: its own start, monitors included
        ray.init(num_cpus=cpus, _system_config=system, log_to_driver=True, **kw)
        return ray.shutdown
    try:
        ray.init(address=node.address, logging_level=logging.WARNING, log_to_driver=False)
    except BaseException:
        node.kill_all_processes(check_alive=False, allow_graceful=True)
        raise

    def stop() -> None:
        ray.shutdown()
        node.destroy_external_storage()
        node.kill_all_processes(check_alive=False, allow_graceful=True, wait=True)

    return stop


def _lean_head(cpus: int | None, system: dict[str, Any]) -> Any:
    """A local head node without the two monitors, as ``ray start --head --no-monitor
    --include-log-monitor=False`` starts one (``ray.init`` has no such options), and without the
    dashboard's API server, which Ray starts even with ``include_dashboard=False`` (then only to
    serve usage stats) and whose start ``ray.init`` waits for. Ray's node API (``ray._private``,
    so None where it changed; the caller then starts Ray the usual way). The raylet's two agents
    (dashboard agent, runtime-env agent) stay: the raylet starts them itself and no option
    leaves them out."""
    try:
        from ray._private.node import Node
        from ray._private.parameter import RayParams

        params = RayParams(num_cpus=cpus, include_dashboard=False, no_monitor=True, include_log_monitor=False,
                           _system_config=system)
    except (ImportError, TypeError):
        return None
    if not callable(getattr(Node, "start_api_server", None)):
        return None

    class LeanNode(Node):
        def start_api_server(self, **_: Any) -> None:
            pass  # no API server: nothing in a run of ours talks to it

    return LeanNode(params, head=True, shutdown_at_exit=False, spawn_reaper=True)


# A shard whose actor dies (killed, out of memory) is retried on the restarted actor this many
# times; then the run stops (a shard that crashes its worker every time would otherwise loop).
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
    """The shards on a pool of :class:`ShardWorker` actors, each fed its next shard as one ends."""
    try:
        import ray
    except ImportError:
        raise InputError("--engine ray needs Ray: pip install 'pinzhu[ray]'") from None
    stop = init_ray(run.address, run.jobs)
    pool: list[Any] = []
    try:
        cpus = float(ray.cluster_resources().get("CPU", 1))
        actors, per = actor_resources(cpus, run.jobs, len(todo))
        worker = ray.remote(ShardWorker).options(num_cpus=per, max_restarts=-1, max_task_retries=TASK_RETRIES)
        pool = [worker.remote(options, out, run) for _ in range(actors)]
        # Largest shards first (the last shard of a file is mostly smaller), and an actor gets its
        # next shard only when it is free: a shard queued behind a busy actor while another
        # stands idle would lengthen the run's tail by up to a shard.
        queue = deque(sorted(todo, key=lambda s: -s.count))
        running: dict[Any, tuple[Any, Shard]] = {}

        def feed(actor: Any) -> None:
            shard = queue.popleft()
            running[actor.process.remote(shard)] = (actor, shard)

        for actor in pool:
            if queue:
                feed(actor)
        try:
            while running:
                ready, _ = ray.wait(list(running), num_returns=1)
                actor, shard = running.pop(ready[0])
                _, stats = ray.get(ready[0])
                done(shard, ShardStats.from_json(stats))
                if queue:
                    feed(actor)
        except Exception as e:
            cause = _cause(e)
            if cause is not e:
                raise cause from None
            raise RunFailed(f"{out}: the Ray job failed ({type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}); "
                            f"the shards done are kept: rerun with --resume") from e
    finally:
        for actor in pool:  # now, not when Ray gets round to it: an actor may be mid-shard
            try:
                ray.kill(actor)
            except Exception:
                pass
        if stop is not None:
            stop()


__all__ = ["BatchTransform", "ShardWorker", "actor_resources", "init_ray", "run_ray"]
