"""The Ray engine (plain actors) on a real local Ray instance (pip install '.[ray]'): its output equals the local
runner's. One Ray start for the module (about 10 s on 2 cores); the corpora are small."""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from pathlib import Path

import pytest

ray = pytest.importorskip("ray", reason="Ray is optional: pip install 'pinzhu[ray]'")
pytest.importorskip("ray.data", reason="Ray Data is optional: pip install 'pinzhu[ray]'")

from pinzhu.corpus import CorpusOptions, RunOptions, run_corpus  # noqa: E402
from pinzhu.corpus.ray_engine import BatchTransform, actor_resources  # noqa: E402
from test_corpus import make_docs, parts_bytes, read_parts, write_jsonl  # noqa: E402

pytestmark = pytest.mark.ray


@pytest.fixture(scope="module")
def local_ray():
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    ray.data.DataContext.get_current().enable_progress_bars = False
    yield
    ray.shutdown()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    d = tmp_path_factory.mktemp("ray-corpus")
    docs = make_docs(240, seed=11)
    write_jsonl(d / "a.jsonl", docs[:150], bad_lines={3: b'{"id": "broken", ', 70: b'{"id": "n", "text": null}'})
    write_jsonl(d / "b.jsonl", docs[150:])
    return d, docs


def test_actor_pool_leaves_cpu_for_ray_tasks():
    # 2 CPUs: two actors at 0.75 each, so Ray's own tasks still get half a CPU and can't starve.
    assert actor_resources(2, None, 10) == (2, 0.75)
    assert actor_resources(2, 4, 10) == (4, 0.375)
    assert actor_resources(16, None, 3) == (3, 1.0)


def test_ray_engine_writes_the_same_parts_as_local_jobs(local_ray, corpus, tmp_path):
    d, docs = corpus
    run = dict(shard_size=8_000, progress=False)
    local = run_corpus(str(d), str(tmp_path / "local"), CorpusOptions(), RunOptions(jobs=2, **run))
    dist = run_corpus(str(d), str(tmp_path / "ray"), CorpusOptions(), RunOptions(engine="ray", jobs=2, **run))
    assert parts_bytes(tmp_path / "ray") == parts_bytes(tmp_path / "local")
    assert (dist.documents, dist.changed, dist.errors) == (local.documents, local.changed, local.errors)
    assert dist.errors == 2
    by_id = {r["id"]: r for r in read_parts(tmp_path / "ray") if "id" in r}
    assert all(by_id[doc["id"]]["text"] == doc["clean"] for doc in docs if doc["annotated"])


def test_read_json_map_batches_write_json_matches_cli(local_ray, corpus, tmp_path):
    d, _ = corpus
    # read_json (pyarrow) can't take malformed lines: give it the clean file.
    src = d / "b.jsonl"
    run_corpus(str(src), str(tmp_path / "cli"), CorpusOptions(), RunOptions(progress=False))
    ds = ray.data.read_json(str(src))
    ds = ds.map_batches(BatchTransform, fn_constructor_kwargs={"options": CorpusOptions()},
                        concurrency=1, num_cpus=0.5, batch_format="numpy")
    ds.write_json(str(tmp_path / "rayjson"), force_ascii=False)
    files = sorted(Path(tmp_path / "rayjson").glob("*.json*"))
    raw = "".join(f.read_text(encoding="utf-8") for f in files)
    assert "\\u" not in raw and any("\u4e00" <= c <= "\u9fff" for c in raw)  # Chinese kept as UTF-8
    got = [json.loads(line) for line in raw.splitlines()]
    got = sorted(({k: v for k, v in r.items() if not (k == "pinzhu_error" and v is None)} for r in got),
                 key=lambda r: r["id"])
    assert got == sorted(read_parts(tmp_path / "cli"), key=lambda r: r["id"])


def _shard_worker_pids() -> list[int]:
    """Ray's actor processes running ShardWorker (Ray names the process after the actor's class)."""
    pids = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                if b"ShardWorker" in (d / "cmdline").read_bytes():
                    pids.append(int(d.name))
            except OSError:
                pass
    return pids


@pytest.mark.skipif(not Path("/proc/self/cmdline").exists(), reason="finds the actors through /proc")
def test_a_ray_worker_killed_mid_shard_still_gives_every_record_once(local_ray, tmp_path):
    """kill -9 of a ShardWorker actor while it writes a part: Ray restarts the actor and retries
    the shard, which rewrites its part atomically; the job ends with every record once (the same
    bytes as the local runner) and no temporary file."""
    src = tmp_path / "in.jsonl"
    write_jsonl(src, make_docs(3000, seed=13, annotated_share=1.0))
    run = dict(shard_size=40_000, progress=False)
    run_corpus(str(src), str(tmp_path / "local"), CorpusOptions(), RunOptions(**run))
    out = tmp_path / "ray"
    killed: list[int] = []

    def killer() -> None:
        deadline = time.monotonic() + 120
        while not killed and time.monotonic() < deadline:
            if list(out.glob(".part-*.tmp")):  # a shard is being written: kill its actor mid-shard
                for pid in _shard_worker_pids()[:1]:
                    os.kill(pid, signal.SIGKILL)
                    killed.append(pid)
            time.sleep(0.005)

    t = threading.Thread(target=killer)
    t.start()
    s = run_corpus(str(src), str(out), CorpusOptions(), RunOptions(engine="ray", jobs=2, **run))
    t.join()
    assert killed, "no actor was killed mid-shard"
    assert parts_bytes(out) == parts_bytes(tmp_path / "local")
    ids = [r["id"] for r in read_parts(out)]
    assert sorted(ids) == list(range(3000)) and s.documents == 3000
    assert not list(out.glob(".*.tmp"))


_LEAN_HEAD = r"""
import json, os, sys
from pinzhu.corpus.ray_engine import init_ray

def tree():
    kids = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open(f"/proc/{d}/stat", "rb") as f:
                    ppid = int(f.read().rsplit(b")", 1)[1].split()[1])
                with open(f"/proc/{d}/cmdline", "rb") as f:
                    cmd = f.read().replace(b"\0", b" ").decode(errors="replace")
            except (OSError, ValueError, IndexError):
                continue
            kids.setdefault(ppid, []).append((int(d), cmd))
    todo, out = [os.getpid()], []
    while todo:
        for pid, cmd in kids.get(todo.pop(), []):
            todo.append(pid)
            out.append(cmd)
    return out

stop = init_ray(None, 1)
import ray
during = tree()
ok = ray.get(ray.remote(lambda: 21 * 2).remote())
nice = ray.get(ray.remote(lambda: os.nice(0)).remote())
stop()
print(json.dumps({"during": during, "after": tree(), "ok": ok, "initialized": ray.is_initialized(),
                  "nice": [os.nice(0), nice]}))
"""


def test_a_ray_it_starts_itself_runs_without_the_monitors_and_stops_whole():
    # Its own Ray (not the module's: a process of its own): GCS and raylet, no autoscaler monitor,
    # no log monitor and no dashboard API server, tasks run at the driver's nice value, and stop()
    # leaves no process behind.
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-c", _LEAN_HEAD], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    got = json.loads(out.stdout.strip().splitlines()[-1])
    assert got["ok"] == 42 and not got["initialized"]
    during = " ".join(got["during"])
    assert "gcs_server" in during and "raylet" in during
    assert "log_monitor" not in during and "autoscaler" not in during and "monitor.py" not in during
    assert "dashboard/dashboard.py" not in during  # the API server, which include_dashboard=False still starts
    driver, worker = got["nice"]
    assert worker == driver  # Ray's default raises a worker's nice value (up to 19)
    assert not [c for c in got["after"] if "ray" in c], got["after"]


def test_the_cli_on_a_ray_of_its_own_writes_what_local_jobs_write(corpus, tmp_path):
    # --engine ray without a running Ray: it starts its own (no monitors), writes the local
    # runner's parts, and leaves no Ray process behind.
    import subprocess
    import sys

    d, _ = corpus
    outs = {}
    for name, extra in (("local", []), ("ray", ["--engine", "ray", "--jobs", "2"])):
        out = tmp_path / name
        got = subprocess.run([sys.executable, "-m", "pinzhu", "corpus", "strip", str(d), str(out), "--no-progress",
                              "--shard-size", "8000", *extra], capture_output=True, text=True, timeout=180)
        assert got.returncode == 0, got.stderr[-2000:]
        outs[name] = parts_bytes(out)
    assert outs["ray"] == outs["local"] and outs["local"]
