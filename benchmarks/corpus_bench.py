"""Corpus-mode benchmark: strip a generated web corpus by every path and check the output.

Paths: ``pinzhu corpus strip`` with ``--jobs 1``, ``--jobs 2`` and ``--engine ray``; each its
own process, timed, peak RSS from wait4. Checks: the parts are byte-identical across paths, every
annotated document comes back as its exact clean text (scripts/make_corpus.py's truth), malformed
lines become error records, and how far strip moves dedup similarity (character 5-gram Jaccard to
the clean text, before and after). Memory: peak RSS of ``--jobs 1`` on one ~50 MB file and on
the whole ~200 MB corpus, and for every path the peak PSS of its whole process tree (Ray's own
processes included). Writes benchmarks/CORPUS.md.

    python benchmarks/corpus_bench.py --corpus /tmp/pinzhu-corpus   # made if missing
    python benchmarks/corpus_bench.py --rounds 3 --baseline /tmp/base/src   # paired, against an earlier pinzhu
    python benchmarks/corpus_bench.py --ray-vs-jobs2 --times 1,5 --rounds 3  # Ray's cost, at two sizes
        # (Ray started by pinzhu, and a Ray cluster already running: --address)
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import hashlib
import json
import os
import platform
import random
import shutil
import signal
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAGES, BASE_PAGES = "local --jobs 1, annotated pages only", "baseline --jobs 1, annotated pages only"


def _children() -> tuple[dict[int, list[int]], dict[int, int]]:
    """Each process's children, and each process's CPU time so far (clock ticks, user + system)."""
    kids: dict[int, list[int]] = {}
    ticks: dict[int, int] = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open(f"/proc/{d}/stat", "rb") as f:
                    fields = f.read().rsplit(b")", 1)[1].split()
                ppid = int(fields[1])
                ticks[int(d)] = int(fields[11]) + int(fields[12])
            except (OSError, ValueError, IndexError):
                continue
            kids.setdefault(ppid, []).append(int(d))
    return kids, ticks


def _tree(kids: dict[int, list[int]], root: int) -> list[int]:
    """``root`` and all its descendants."""
    todo, out = [root], []
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo += kids.get(pid, [])
    return out


def _pss_kb(pid: int) -> int | None:
    """A process's PSS (kB), None when it is gone."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as f:
            for line in f:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def tree_pss_kb(root: int, cpu: dict[int, int] | None = None,
                each: dict[int, int] | None = None) -> tuple[int, int]:
    """PSS (kB) summed over ``root`` and all its descendants (Ray's raylet, GCS, agents and
    workers included: they are the driver's descendants), and how many processes that is.
    ``cpu``: each process's CPU ticks so far are recorded in it; ``each``: each process's PSS."""
    kids, ticks = _children()
    return _sum_pss(_tree(kids, root), ticks, cpu, each)


def _sum_pss(pids: list[int], ticks: dict[int, int], cpu: dict[int, int] | None = None,
             each: dict[int, int] | None = None, since: dict[int, int] | None = None) -> tuple[int, int]:
    """PSS (kB) summed over ``pids``, and how many of them are alive; as :func:`tree_pss_kb`.
    ``since``: CPU ticks a process had before the run, left out of ``cpu``."""
    total = n = 0
    for pid in pids:
        if cpu is not None and pid in ticks:
            cpu[pid] = max(cpu.get(pid, 0), ticks[pid] - (since or {}).get(pid, 0))
        pss = _pss_kb(pid)
        if pss is not None:
            total += pss
            n += 1
            if each is not None:
                each[pid] = pss
    return total, n


def process_name(pid: int) -> str | None:
    """What a process of the run is, for the per-process table (Ray retitles its Python processes
    ``ray::Name``; its binaries keep their path)."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            cmd = f.read().replace(b"\0", b" ").decode(errors="replace").strip()
    except OSError:
        return None
    if cmd.startswith("ray::"):
        title = cmd.split()[0]
        return "Ray actor ShardWorker" if title.startswith("ray::ShardWorker") else title
    for key, name in (("gcs_server", "Ray GCS server"), ("raylet/raylet", "Ray raylet"),
                      ("dashboard/dashboard.py", "Ray dashboard API server"), ("dashboard/agent.py", "ray::DashboardAgent"),
                      ("runtime_env/agent", "ray::RuntimeEnvAgent"), ("log_monitor", "Ray log monitor"),
                      ("monitor.py", "Ray autoscaler monitor"), ("default_worker.py", "Ray worker"),
                      ("ray_process_reaper", "Ray process reaper"),
                      ("forkserver import main", "forkserver, or a worker it forked"),
                      ("resource_tracker", "multiprocessing resource tracker"), ("-m pinzhu corpus", "driver")):
        if key in cmd:
            return name
    return cmd.split()[0] if cmd else None


def run_cli(args: list[str], env: dict[str, str] | None = None, cluster: int | None = None) -> dict:
    """Run ``pinzhu corpus ...`` in a fresh process; its summary, wall time, CPU time (user + sys of
    the process and the children it waited for), peak RSS of the largest process (wait4), and
    peak PSS of the whole process tree (sampled every 0.2 s).

    ``cluster``: the pid of a running Ray cluster's ``ray start --block`` (:func:`ray_cluster`).
    Its processes from before the run (GCS, raylet, agents, idle workers) are the cluster's, not
    the run's: their PSS is apart (``cluster_pss_mb``, at the run's peak); the processes that
    appear under it during the run (the run's Ray workers and actors), and any of the earlier
    ones that becomes an actor of the run, count as the run's. CPU: the run's processes and the
    cluster's CPU seconds during the run (``cluster_cpu`` of them). The ``ray start`` process itself
    (only there because of ``--block``) is neither."""
    import threading

    before: dict[int, int] = {}  # the cluster's processes before the run: their CPU ticks so far
    if cluster is not None:
        kids, ticks0 = _children()
        before = {pid: ticks0.get(pid, 0) for pid in _tree(kids, cluster) if pid != cluster}
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "pinzhu", "corpus", *args, "--no-progress"],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
    peak = [0, 0, 0]  # the run's PSS, its processes, the cluster's PSS then
    ticks: dict[int, int] = {}
    at_peak: dict[int, int] = {}
    cluster_at_peak: dict[int, int] = {}
    names: dict[int, str] = {}
    ran: set[int] = set()  # the run's processes
    stop = threading.Event()

    def name(pid: int) -> None:
        what = process_name(pid)
        if what and (pid not in names or what.startswith("Ray actor")):  # the actor's title once it has one
            names[pid] = what

    def sample() -> None:
        while not stop.wait(0.2):
            kids, now = _children()
            mine = _tree(kids, proc.pid)
            if cluster is not None:
                theirs = [pid for pid in _tree(kids, cluster) if pid != cluster]
                for pid in theirs:
                    name(pid)
                mine += [pid for pid in theirs if pid not in before or names.get(pid) == "Ray actor ShardWorker"]
            ran.update(mine)
            each: dict[int, int] = {}
            pss, n = _sum_pss(mine, now, ticks, each, before)
            old: dict[int, int] = {}
            cluster_pss, _ = _sum_pss([pid for pid in before if pid not in ran], now, ticks, old, before)
            for pid in each:
                name(pid)
            if pss > peak[0]:
                peak[:] = [pss, n, cluster_pss]
                at_peak.clear()
                at_peak.update(each)
                cluster_at_peak.clear()
                cluster_at_peak.update(old)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    stop.set()
    sampler.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"pinzhu corpus {' '.join(args)} failed with {proc.returncode}")
    summary = json.loads(out.decode().strip().splitlines()[-1])
    # CPU: the process tree's, sampled (a pool's workers are not the command's to wait for), or
    # wait4's where that is more (it counts the last 0.2 s too).
    tck = os.sysconf("SC_CLK_TCK")
    tree_cpu = sum(ticks.values()) / tck

    def rows(pids: set[int], pss: dict[int, int]) -> list[tuple[str, float, float]]:
        # each process: what it is, its PSS when the tree's PSS peaked, its CPU seconds (sampled)
        return [(names.get(pid, "?"), round(pss.get(pid, 0) / 1024, 1), round(ticks.get(pid, 0) / tck, 2))
                for pid in sorted(pids, key=lambda p: -pss.get(p, 0))]

    res = {**summary, "wall": round(time.perf_counter() - t0, 2),
           "cpu": round(max(usage.ru_utime + usage.ru_stime, tree_cpu), 2),
           "peak_rss_mb": round(usage.ru_maxrss / 1024, 1), "peak_pss_mb": round(peak[0] / 1024, 1),
           "processes": peak[1], "per_process": rows(ran | set(at_peak), at_peak)}
    if cluster is not None:
        res["cluster_pss_mb"] = round(peak[2] / 1024, 1)
        res["cluster_cpu"] = round(sum(ticks.get(pid, 0) for pid in before if pid not in ran) / tck, 2)
        res["cluster_per_process"] = rows(set(before) - ran, cluster_at_peak)
    return res


@contextlib.contextmanager
def ray_cluster(cpus: int = 2) -> Iterator[tuple[int, str, dict[str, str]]]:
    """A Ray head started as a cluster's is, before the run and apart from it (``ray start --head
    --block``, its session files in a temporary folder, its ports free ones): (the ``ray start``
    process's pid, the address to give ``--address``, the environment a driver connects with).
    Token authentication on, with a token of its own (Ray 2.60 turns it on for a new cluster
    where ~/.ray/auth_token exists, and a driver given an address then needs ``RAY_AUTH_MODE=token``
    and the token). Its workers keep their nice value, as pinzhu's own Ray's and ``--jobs``' do
    (Ray's default raises it by 15: on a shared machine the actors would wait behind every other
    job). Stopped, and every process of it ended, on exit."""
    import secrets
    import socket
    import tempfile

    def free_port() -> int:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            return s.getsockname()[1]

    tmp = Path(tempfile.mkdtemp(prefix="pzray-"))  # short: Ray's socket paths live under it
    ray_cli = Path(sys.executable).with_name("ray")
    log = open(tmp / "ray-start.log", "wb")
    env = {**os.environ, "RAY_AUTH_MODE": "token", "RAY_AUTH_TOKEN": secrets.token_hex(32)}
    proc = subprocess.Popen([str(ray_cli) if ray_cli.exists() else "ray", "start", "--head", "--block",
                             f"--num-cpus={cpus}", "--include-dashboard=false", "--disable-usage-stats",
                             f"--port={free_port()}", f"--dashboard-agent-listen-port={free_port()}",
                             f"--temp-dir={tmp}", '--system-config={"worker_niceness": 0}'],
                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True, env=env)
    pids: set[int] = set()
    try:
        deadline, last = time.monotonic() + 120, None
        while True:  # up, then settled: the same processes two samples running
            if proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("ray start failed:\n" + (tmp / "ray-start.log").read_text(errors="replace")[-3000:])
            if (tmp / "ray_current_cluster").exists() and b"Ray runtime started" in (tmp / "ray-start.log").read_bytes():
                now = set(_tree(_children()[0], proc.pid))
                if now == last:
                    break
                last = now
            time.sleep(1.0)
        pids |= last
        yield proc.pid, (tmp / "ray_current_cluster").read_text().strip(), env
    finally:
        pids |= set(_tree(_children()[0], proc.pid))
        proc.terminate()  # ray start --block stops the node's processes on SIGTERM
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        time.sleep(1.0)
        for pid in pids - {proc.pid}:  # any that outlived it: ours, by pid
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        log.close()
        shutil.rmtree(tmp, ignore_errors=True)


def digest(out: Path) -> str:
    """SHA-256 of the parts concatenated in order: the output stream, wherever shards were cut (an
    earlier pinzhu cut them by lines, not bytes)."""
    h = hashlib.sha256()
    for p in sorted(out.glob("part-*.jsonl")):
        with open(p, "rb") as f:
            while block := f.read(1 << 20):
                h.update(block)
    return h.hexdigest()


def ngrams(s: str, n: int = 5) -> set[str]:
    return {s[i:i + n] for i in range(max(len(s) - n + 1, 1))}


def jaccard(a: str, b: str) -> float:
    x, y = ngrams(a), ngrams(b)
    return len(x & y) / max(len(x | y), 1)


def check(out: Path, corpus: Path, truth_path: Path, seed: int = 0) -> dict:
    """Compare strip's output with the truth: exact clean text, errors, similarity before/after."""
    truth = {}
    with gzip.open(truth_path, "rt", encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            truth[r["id"]] = r
    original = {}
    for p in sorted((corpus / "corpus").glob("*.jsonl")):
        with open(p, "rb") as f:
            for line in f:
                try:
                    r = json.loads(line)
                    if isinstance(r, dict) and isinstance(r.get("text"), str) and truth.get(r.get("id"), {}).get("annotated"):
                        original[r["id"]] = r["text"]
                except ValueError:
                    pass
    c = dict(records=0, errors=0, annotated=0, exact=0, clean_docs=0, clean_changed=0)
    sims = []
    rng = random.Random(seed)
    for p in sorted(out.glob("part-*.jsonl")):
        with open(p, encoding="utf-8") as f:
            for line in f:
                r = json.loads(line)
                c["records"] += 1
                if "pinzhu_error" in r:
                    c["errors"] += 1
                    continue
                t = truth[r["id"]]
                if t["malformed"]:
                    continue
                if t["annotated"]:
                    c["annotated"] += 1
                    c["exact"] += r["text"] == t["clean"]
                    if rng.random() < 0.05:
                        style = " ".join(f"{k}={v}" for k, v in t["style"].items())
                        sims.append((style, jaccard(original[r["id"]], t["clean"]), jaccard(r["text"], t["clean"])))
                else:
                    c["clean_docs"] += 1
                    c["clean_changed"] += r["text"] != t["clean"]
    c["malformed"] = sum(1 for t in truth.values() if t["malformed"])
    c["traditional_annotated"] = sum(1 for t in truth.values() if t["annotated"] and t["traditional"] and not t["malformed"])
    before = [b for _, b, _ in sims]
    c["jaccard_before"] = {"median": round(statistics.median(before), 3), "p10": round(sorted(before)[len(before) // 10], 3),
                           "max": round(max(before), 3), "n": len(before)}
    c["jaccard_after_min"] = round(min(a for _, _, a in sims), 3)
    by_style: dict[str, list[float]] = {}
    for style, b, _ in sims:
        by_style.setdefault(style, []).append(b)
    c["jaccard_by_style"] = {k: (round(statistics.median(v), 3), len(v)) for k, v in sorted(by_style.items())}
    return c


def annotated_only(corpus: Path) -> Path:
    """The corpus's pages with pinyin inserted, alone (their lines as they are, in order), made
    once: the issue's measure is strip's MB/s per core on such pages, which the whole corpus
    (mostly pages without pinyin) dilutes."""
    out = corpus / "annotated-only"
    if (out / "part-00.jsonl").exists():
        return out
    keep = set()
    with gzip.open(corpus / "truth.jsonl.gz", "rt", encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            if r["annotated"] and not r["malformed"]:
                keep.add(r["id"])
    out.mkdir(exist_ok=True)
    with open(out / "part-00.jsonl.tmp", "wb") as w:
        for p in sorted((corpus / "corpus").glob("*.jsonl")):
            with open(p, "rb") as f:
                for line in f:
                    try:
                        r = json.loads(line)
                    except ValueError:
                        continue
                    if isinstance(r, dict) and r.get("id") in keep:
                        w.write(line)
    os.replace(out / "part-00.jsonl.tmp", out / "part-00.jsonl")
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", default="/tmp/pinzhu-corpus")
    ap.add_argument("--work", default="/tmp/pinzhu-corpus-bench")
    ap.add_argument("--size-mb", type=float, default=200.0)
    ap.add_argument("--no-ray", action="store_true")
    ap.add_argument("--rounds", type=int, default=1,
                    help="run every path this many times, interleaved (others share the machine): medians, "
                         "and ratios as the median of each round's ratio")
    ap.add_argument("--baseline", metavar="SRC",
                    help="the src folder of an earlier pinzhu (git archive REV src | tar -x -C DIR, and its built "
                         ".so files copied in): its --jobs 1 runs in every round too, for the before/after ratio")
    ap.add_argument("--baseline-label", default="an earlier pinzhu",
                    help="what the baseline is, for the report (e.g. 'main at 23ecba7, before the #18 corpus work')")
    ap.add_argument("--ray-vs-jobs2", action="store_true",
                    help="only --engine ray against --jobs 2, on the corpus repeated --times times each (hard links), "
                         "and connecting to a Ray head started before the run (--address), with a table of every "
                         "process of each run; writes benchmarks/CORPUS_RAY.md")
    ap.add_argument("--times", default="1,5", help="with --ray-vs-jobs2: corpus sizes, as multiples of the corpus")
    ap.add_argument("--report")
    args = ap.parse_args(argv)
    corpus, work = Path(args.corpus), Path(args.work)
    if not (corpus / "truth.jsonl.gz").exists():
        subprocess.run([sys.executable, str(ROOT / "scripts" / "make_corpus.py"), "--out", str(corpus),
                        "--size-mb", str(args.size_mb)], check=True)
    shutil.rmtree(work, ignore_errors=True)
    if args.ray_vs_jobs2:
        times = [int(t) for t in args.times.split(",")]
        return ray_vs_jobs2(corpus, work, times, args.rounds,
                            Path(args.report or ROOT / "benchmarks" / "CORPUS_RAY.md"))
    args.report = args.report or str(ROOT / "benchmarks" / "CORPUS.md")
    files = sorted((corpus / "corpus").glob("*.jsonl"))
    size_mb = sum(f.stat().st_size for f in files) / 1e6
    whole, pages = corpus / "corpus", annotated_only(corpus)
    sizes = {whole: size_mb, pages: sum(f.stat().st_size for f in pages.glob("*.jsonl")) / 1e6}
    base_env = {**os.environ, "PYTHONPATH": str(Path(args.baseline).resolve())} if args.baseline else None
    paths: list[tuple[str, Path, list[str], dict[str, str] | None]] = [("local --jobs 1", whole, [], None)]
    if args.baseline:
        paths.append(("baseline --jobs 1", whole, [], base_env))
    paths.append(("local --jobs 2", whole, ["--jobs", "2"], None))
    if not args.no_ray:
        paths.append(("ray (2 actors)", whole, ["--engine", "ray", "--jobs", "2"], None))
    paths.append((PAGES, pages, [], None))
    if args.baseline:
        paths.append((BASE_PAGES, pages, [], base_env))
    samples: dict[str, list[dict]] = {name: [] for name, *_ in paths}
    digests: dict[str, list[str]] = {name: [] for name, *_ in paths}
    for r in range(args.rounds):
        for name, src, extra, env in paths:
            out = work / name.replace(" ", "_").replace("(", "").replace(")", "").replace(",", "")
            shutil.rmtree(out, ignore_errors=True)
            res = run_cli(["strip", str(src), str(out), *extra], env)
            res["mb"] = sizes[src]
            samples[name].append(res)
            digests[name].append(digest(out))
            print(f"round {r + 1}", name, res, file=sys.stderr)
    one = files[0]
    mem_small = run_cli(["strip", str(one), str(work / "mem-small")])
    # Each path against the current code's --jobs 1 on the same input.
    refs = {name: digests["local --jobs 1" if src == whole else PAGES][0] for name, src, *_ in paths}
    identical = {name: all(d == refs[name] for d in ds) for name, ds in digests.items()}
    c = check(work / "local_--jobs_1", corpus, corpus / "truth.jsonl.gz")
    runs = {name: _median_run(rs) for name, rs in samples.items()}
    write_report(Path(args.report), size_mb, one.stat().st_size / 1e6, runs, samples, identical, mem_small, c,
                 args.rounds, args.baseline and args.baseline_label)
    print(Path(args.report).read_text(encoding="utf-8"))
    return 0 if all(identical.values()) and c["exact"] == c["annotated"] else 1


RAY_PATHS = (("local --jobs 2", ["--jobs", "2"]), ("ray (2 actors)", ["--engine", "ray", "--jobs", "2"]),
             ("ray (running cluster)", ["--engine", "ray", "--jobs", "2", "--address"]))  # + the cluster's address


def _ratios(a: list[dict], b: list[dict], key: str, op=lambda x, y: y / x) -> list[float]:
    return [op(x[key], y[key]) for x, y in zip(a, b)]


def ray_vs_jobs2(corpus: Path, work: Path, times: list[int], rounds: int, report: Path) -> int:
    """``--engine ray`` against ``--jobs 2`` on the corpus and on the corpus repeated (hard links
    to the same files: more work for the same fixed costs), rounds interleaved, the paths' order
    alternating by round; each run's processes with their PSS and CPU. Ray twice: as pinzhu starts
    it itself, and connecting to a Ray cluster already running (:func:`ray_cluster`, started
    before each such run and stopped after it, outside its time), whose own processes are
    measured apart from the run's (:func:`run_cli`)."""
    files = sorted((corpus / "corpus").glob("*.jsonl"))
    inputs: dict[int, Path] = {}
    for n in times:
        if n == 1:
            inputs[n] = corpus / "corpus"
            continue
        d = inputs[n] = work / f"corpus-x{n}"
        d.mkdir(parents=True, exist_ok=True)
        for k in range(n):
            for f in files:
                os.link(f, d / f"copy{k}-{f.name}")
    mb = {n: sum(f.stat().st_size for f in inputs[n].glob("*.jsonl")) / 1e6 for n in times}
    samples: dict[tuple[int, str], list[dict]] = {(n, name): [] for n in times for name, _ in RAY_PATHS}
    digests: dict[tuple[int, str], set[str]] = {key: set() for key in samples}
    for r in range(rounds):
        for n in times:
            for name, extra in (RAY_PATHS if r % 2 == 0 else RAY_PATHS[::-1]):
                out = work / f"{name.replace(' ', '').replace('(', '-').replace(')', '')}-x{n}"
                shutil.rmtree(out, ignore_errors=True)
                if extra[-1] == "--address":
                    with ray_cluster(2) as (pid, address, env):
                        res = run_cli(["strip", str(inputs[n]), str(out), *extra, address], env, cluster=pid)
                else:
                    res = run_cli(["strip", str(inputs[n]), str(out), *extra])
                samples[(n, name)].append(res)
                digests[(n, name)].add(digest(out))
                shutil.rmtree(out, ignore_errors=True)
                print(f"round {r + 1}", f"x{n}", name,
                      {k: res[k] for k in ("wall", "cpu", "peak_pss_mb", "cluster_pss_mb") if k in res}, file=sys.stderr)
    jobs2, ray, cluster = (name for name, _ in RAY_PATHS)
    same = {n: len(set().union(*(digests[(n, name)] for name, _ in RAY_PATHS))) == 1 for n in times}
    med = statistics.median
    cmd = f"python benchmarks/corpus_bench.py --ray-vs-jobs2 --times {','.join(map(str, times))} --rounds {rounds}"
    def row(n: int, path: str, cluster_column: bool = False) -> str:
        """One size's row: --jobs 2 against ``path`` (with the running cluster's PSS where asked)."""
        a, b = samples[(n, jobs2)], samples[(n, path)]
        wall, pss = _ratios(a, b, "wall"), _ratios(a, b, "peak_pss_mb")
        extra_cpu = _ratios(a, b, "cpu", lambda x, y: y - x)
        cells = [f"corpus ×{n}", f"{mb[n]:.0f}", f"{med(x['wall'] for x in a):.1f}", f"{med(x['wall'] for x in b):.1f}",
                 f"**{med(wall):.2f}×** ({min(wall):.2f}–{max(wall):.2f})", f"{med(x['cpu'] for x in a):.1f}",
                 f"{med(x['cpu'] for x in b):.1f}", f"{med(extra_cpu):.1f}", f"{med(x['peak_pss_mb'] for x in a):.0f} MB",
                 f"{med(x['peak_pss_mb'] for x in b):.0f} MB", f"**{med(pss):.2f}×** ({min(pss):.2f}–{max(pss):.2f})"]
        if cluster_column:
            cells.append(f"{med(x['cluster_pss_mb'] for x in b):.0f} MB")
        cells.append("identical" if same[n] else "DIFFERENT")
        return "| " + " | ".join(cells) + " |"

    lines = [
        "# Corpus mode: `--engine ray` against `--jobs 2` on one machine",
        "",
        f"Generated by `{cmd}` on {time.strftime('%Y-%m-%d')}, {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}. Corpus: `python scripts/make_corpus.py --size-mb 200 --seed 0`; "
        "×N is the same 4 files N times over (hard links): N times the work for the same fixed costs. "
        f"{rounds} rounds, interleaved, the order of the paths alternating; ratios are the median of each "
        "round's ratio (min–max). The machine is shared: wall times move with the load, CPU seconds less.",
        "",
        "## Ray that pinzhu starts itself",
        "",
        "| input | MB | `--jobs 2` wall s | Ray wall s | Ray ÷ jobs 2, wall | `--jobs 2` CPU s | Ray CPU s | "
        "Ray − jobs 2, CPU s | `--jobs 2` peak PSS | Ray peak PSS | Ray ÷ jobs 2, PSS | output |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    lines += [row(n, ray) for n in times]
    lines += [
        "",
        "Goal (#18): wall ≤ 1.2×, PSS ≤ 2×. Wall time is the whole command (Ray's start and stop included); "
        "CPU s is user + system time of the command's whole process tree (Ray's own processes included, sampled "
        "every 0.2 s); PSS is summed over that tree, sampled every 0.2 s. Output: the parts of every path, "
        "concatenated, byte for byte the same in every round.",
        "",
        "## Ray already running (`--address`)",
        "",
        "| input | MB | `--jobs 2` wall s | Ray wall s | Ray ÷ jobs 2, wall | `--jobs 2` CPU s | Ray CPU s | "
        "Ray − jobs 2, CPU s | `--jobs 2` peak PSS | Ray peak PSS, the run's | Ray ÷ jobs 2, PSS | "
        "cluster, already running | output |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    lines += [row(n, cluster, cluster_column=True) for n in times]
    lines += [
        "",
        "`pinzhu corpus strip --engine ray --jobs 2 --address ADDR` against a Ray head already up, as a cluster "
        "where data-juicer or NeMo Curator runs keeps one: `ray start --head --num-cpus 2 --include-dashboard=false "
        "--disable-usage-stats` (workers at nice 0, as pinzhu's own Ray and `--jobs` have them), started before "
        "each such run, outside its time, and stopped after it. Counted as the run's: the command's process tree "
        "(the driver) and the Ray processes that appear during the run (the actors' workers, any other worker "
        "Ray starts for the job), and an idle worker from before the run where it becomes an actor. Not counted "
        "in its PSS: what ran before the run and stays after it (GCS, raylet, its agents, monitors; their PSS at "
        "the run's peak is *cluster, already running*). CPU s: the run's processes and the cluster's CPU seconds "
        "during the run (the raylet scheduling the actors, the log monitor passing on their output). Wall time "
        "is the command's (connecting to Ray, the actors' start and the job's end included).",
        "",
        "## Every process of a run",
        "",
        "The run of the median wall time. PSS: each process's when the whole tree's peaked; CPU s: its own "
        "(during the run).",
        "",
    ]
    for n in times:
        for name, _ in RAY_PATHS:
            rs = sorted(samples[(n, name)], key=lambda x: x["wall"])
            run = rs[(len(rs) - 1) // 2]
            lines += [f"### {name}, corpus ×{n} ({run['wall']:.1f} s, {run['peak_pss_mb']:.0f} MB, "
                      f"{run['cpu']:.1f} CPU s)", "", "| process | PSS at the peak, MB | CPU s |", "| --- | ---: | ---: |"]
            lines += [f"| {what} | {p:.0f} | {c:.1f} |" for what, p, c in run["per_process"] if p or c >= 0.05]
            if "cluster_per_process" in run:
                lines += [f"| *cluster, already running:* {what} | {p:.0f} | {c:.1f} |"
                          for what, p, c in run["cluster_per_process"] if p or c >= 0.05]
                lines.append(f"| *cluster, already running, in all* | {run['cluster_pss_mb']:.0f} | "
                             f"{run['cluster_cpu']:.1f} |")
            lines.append("")
    report.write_text("\n".join(lines), encoding="utf-8")
    print(report.read_text(encoding="utf-8"))
    return 0 if all(same.values()) else 1


def _median_run(rs: list[dict]) -> dict:
    out = dict(rs[0])
    for k in ("wall", "cpu", "peak_rss_mb", "peak_pss_mb"):
        out[k] = statistics.median(r[k] for r in rs)
    out["wall_range"] = (min(r["wall"] for r in rs), max(r["wall"] for r in rs))
    return out


def _ratio(samples: dict[str, list[dict]], a: str, b: str, key: str) -> tuple[float, float, float]:
    """Median, min and max over the rounds of a's ``key`` / b's, round by round (paired)."""
    rs = [x[key] / y[key] for x, y in zip(samples[a], samples[b])]
    return statistics.median(rs), min(rs), max(rs)


def write_report(path: Path, size_mb: float, small_mb: float, runs: dict, samples: dict, identical: dict,
                 mem_small: dict, c: dict, rounds: int, baseline: str | None) -> None:
    r1 = runs["local --jobs 1"]
    cmd = "python benchmarks/corpus_bench.py" + (f" --rounds {rounds}" if rounds > 1 else "") + (
        " --baseline SRC --baseline-label LABEL" if baseline else "")
    lines = [
        "# Corpus mode: strip at corpus scale",
        "",
        f"Generated by `{cmd}` on {time.strftime('%Y-%m-%d')}, "
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}. Corpus: "
        f"`python scripts/make_corpus.py --size-mb 200 --seed 0` ({size_mb:.0f} MB of JSONL in 4 files, "
        f"{r1['documents']:,} lines; {c['annotated']:,} documents with pinyin inserted in 10 styles, "
        f"{c['traditional_annotated']:,} of them traditional; {c['malformed']} malformed lines).",
        "",
        f"Each path ran {rounds} time{'s' if rounds > 1 else ''}, interleaved (the machine is shared: wall times move "
        "with the load); the table gives medians.",
        "",
        "| path | wall s | CPU s | MB/s | MB per CPU s | docs/s | peak PSS, all processes | speed-up | output = jobs 1 |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for name, r in runs.items():
        lo, hi = r["wall_range"]
        span = f" ({lo:.1f}–{hi:.1f})" if rounds > 1 else ""
        cpu = f"{r['cpu']:.1f}"
        per_cpu = f"{r['mb'] / r['cpu']:.2f}"
        speed = f"{r1['wall'] / r['wall']:.2f}×" if r["mb"] == r1["mb"] else ""
        lines.append(f"| {name} | {r['wall']:.1f}{span} | {cpu} | {r['mb'] / r['wall']:.2f} | {per_cpu} | "
                     f"{r['documents'] / r['wall']:,.0f} | {r['peak_pss_mb']:.0f} MB ({r['processes']} processes) | "
                     f"{speed} | {'identical' if identical[name] else 'DIFFERENT'} |")
    lines += [
        "",
        "Wall time is the whole command (start-up, planning, Ray's start included); CPU s is user + system time "
        "of the command's whole process tree (sampled every 0.2 s; Ray's own processes included); MB per CPU s "
        "is the throughput per core, whatever else ran on the machine. The last rows strip only the "
        f"corpus's {runs[PAGES]['documents']:,} pages with pinyin inserted ({runs[PAGES]['mb']:.0f} MB, one file; "
        "`annotated-only/` beside the corpus), the issue's measure; their output is compared with "
        "`--jobs 1` on the same pages. Output = jobs 1: the parts, concatenated in order, are byte for byte the same. PSS (proportional set size: shared pages split between "
        "the processes that share them) is summed over the command's whole process tree, Ray's raylet, GCS, "
        "agents and workers included, sampled every 0.2 s.",
        "",
    ]
    if "ray (2 actors)" in runs:
        w = _ratio(samples, "ray (2 actors)", "local --jobs 2", "wall")
        m = _ratio(samples, "ray (2 actors)", "local --jobs 2", "peak_pss_mb")
        lines += [f"- Ray ÷ `--jobs 2`: wall **{w[0]:.2f}×** ({w[1]:.2f}–{w[2]:.2f} over {rounds} paired rounds; "
                  f"goal ≤ 1.2×), peak PSS **{m[0]:.2f}×** ({m[1]:.2f}–{m[2]:.2f}; goal ≤ 2×). Ray alone against "
                  "`--jobs 2`, at two corpus sizes and with every process of each run: "
                  "[CORPUS_RAY.md](CORPUS_RAY.md) (`--ray-vs-jobs2`).", ""]
    if baseline:
        cpu = _ratio(samples, "baseline --jobs 1", "local --jobs 1", "cpu")
        wall = _ratio(samples, "baseline --jobs 1", "local --jobs 1", "wall")
        lines += [f"- `--jobs 1` against the baseline ({baseline}; same corpus, same rounds): "
                  f"**{cpu[0]:.2f}×** less CPU ({cpu[1]:.2f}–{cpu[2]:.2f}), {wall[0]:.2f}× less wall time "
                  f"({wall[1]:.2f}–{wall[2]:.2f}).", ""]
        cpu = _ratio(samples, BASE_PAGES, PAGES, "cpu")
        lines += [f"- On the annotated pages alone: **{cpu[0]:.2f}×** less CPU than the baseline "
                  f"({cpu[1]:.2f}–{cpu[2]:.2f}; {runs[BASE_PAGES]['mb'] / runs[BASE_PAGES]['cpu']:.2f} → "
                  f"{runs[PAGES]['mb'] / runs[PAGES]['cpu']:.2f} MB per CPU s; goal ≥ 4× the issue's code).", ""]
    lines += [
        "## Correctness",
        "",
        f"- Annotated documents restored to their exact clean text: **{c['exact']:,} / {c['annotated']:,}**.",
        f"- Documents without inserted pinyin that strip changed anyway: {c['clean_changed']:,} / {c['clean_docs']:,} "
        "(brackets in the source sentences that look like annotations).",
        f"- Error records: {c['errors']} for {c['malformed']} malformed lines (every one kept, with file, line and "
        "byte offset where the line isn't JSON); the job went on.",
        f"- Dedup: character 5-gram Jaccard of an annotated page to its clean text, before strip: median "
        f"{c['jaccard_before']['median']}, 10th percentile {c['jaccard_before']['p10']}, max "
        f"{c['jaccard_before']['max']} (sample of {c['jaccard_before']['n']}); after strip: min {c['jaccard_after_min']}.",
        "",
        "| annotation style (pinzhu annotate) | median 5-gram Jaccard to clean, before strip | sample |",
        "| --- | ---: | ---: |",
        *(f"| `{k}` | {m} | {n} |" for k, (m, n) in c["jaccard_by_style"].items()),
        "",
        "Every style is far under MinHash thresholds (0.7–0.8) before strip, and exactly 1.0 after.",
        "",
        "## Memory (streaming)",
        "",
        "| input | peak RSS | peak PSS |",
        "| --- | ---: | ---: |",
        f"| one file, {small_mb:.0f} MB | {mem_small['peak_rss_mb']:.0f} MB | {mem_small['peak_pss_mb']:.0f} MB |",
        f"| whole corpus, {size_mb:.0f} MB | {r1['peak_rss_mb']:.0f} MB | {r1['peak_pss_mb']:.0f} MB |",
        "",
        "`--jobs 1`, one process. Records are streamed a line at a time and written through; memory "
        "is the lexicon and model (and bounded caches of fits), not the input.",
        "",
    ]
    path.write_text("\n".join(lines), encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
