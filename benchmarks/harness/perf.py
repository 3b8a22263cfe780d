"""Speed, start-up and peak memory, each measured in fresh child processes pinned to one core.

A job is one command line that measures one system; Python systems go through
benchmarks/worker.py, pinyin-pro through benchmarks/pinyin_pro.js.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .proc import ProcError, check, rss_method, run_process
from .systems import PY_SYSTEMS, Unavailable, make_system

BENCH = Path(__file__).resolve().parents[1]
WORKER = str(BENCH / "worker.py")
NODE_SCRIPT = str(BENCH / "pinyin_pro.js")


@dataclass(frozen=True)
class Job:
    key: str
    label: str
    cmd: tuple[str, ...]
    system: str = ""  # Python system key, checked for availability first; "" for node/baselines
    chars: int = 0  # characters per conversion (speed, memory)
    shape: str = ""  # the call shape (SHAPES) of a speed row


@dataclass(frozen=True)
class Texts:
    full: Path  # the long speed text
    full_chars: int
    small: Path  # the slice for slow systems (g2pM)
    small_chars: int


# The call shapes every system is timed in, where it has them.
SHAPES = {
    "text": "whole text, one call",
    "lines": "one call per line",
    "batch": "all lines in one batch call",
}
# Speed ratios, each (pinzhu row, other row): pinzhu's chars/s over the other's, taken per round
# (the two ran in the same round, next to each other where the order allows) and reported as
# the median over rounds. pinyin-pro has no batch call: pinzhu's batch is set against its
# fastest way through many lines, one call per line.
RATIOS = [
    ("pinzhu/text", "pinyin-pro/string"), ("pinzhu/text", "pinyin-pro/array"),
    ("pinzhu/text", "pinyin-pro-full/string"), ("pinzhu/text", "pinyin-pro-full/array"),
    ("pinzhu/text", "pypinyin/text"),
    ("pinzhu/lines", "pinyin-pro/lines-string"), ("pinzhu/lines", "pinyin-pro/lines-array"),
    ("pinzhu/lines", "g2pm/lines"),
    ("pinzhu/batch", "pinyin-pro/lines-string"), ("pinzhu/batch", "pinyin-pro/lines-array"),
    ("pinzhu/text", "pinzhu-model/text"), ("pinzhu/text", "pinzhu-nomodel/text"),
]


def _log(msg: str) -> None:
    print(f"[perf] {msg}", file=sys.stderr, flush=True)


@cache
def unavailable_reason(system: str) -> str | None:
    if not system:
        return None
    try:
        make_system(system)
    except Unavailable as exc:
        return str(exc)
    return None


def _py(command: str, system: str, *extra: str) -> tuple[str, ...]:
    return (sys.executable, WORKER, command, "--system", system, *extra)


def _node(command: str, dict_name: str, *extra: str) -> tuple[str, ...]:
    return ("node", NODE_SCRIPT, command, "--dict", dict_name, *extra)


# ---------------------------------------------------------------- job lists

def speed_jobs(t: Texts, repeat: int) -> list[Job]:
    """Every speed row, in the order a round runs them: each pinzhu shape next to pinyin-pro's
    rows of that shape (pinyin-pro's per-line string mode between pinzhu's per-line and batch
    rows, which are both set against it), the slow peers and pinzhu's variants after."""
    rep = ("--repeat", str(repeat))
    full, small = ("--text", str(t.full)), ("--text", str(t.small))
    n = t.full_chars

    def pz(key: str, label: str, system: str, shape: str) -> Job:
        return Job(key, label, _py("speed", system, *full, "--mode", shape, *rep), system, n, shape)

    def pp(key: str, label: str, dict_name: str, mode: str, shape: str) -> Job:
        return Job(key, label, _node("speed", dict_name, *full, "--mode", mode, *rep), chars=n, shape=shape)

    return [
        pz("pinzhu/text", "pinzhu, whole text (pinyin)", "pinzhu", "text"),
        pp("pinyin-pro/string", "pinyin-pro, whole text, string mode", "default", "string", "text"),
        pp("pinyin-pro/array", "pinyin-pro, whole text, array num", "default", "array", "text"),
        pz("pinzhu/lines", "pinzhu, one call per line (pinyin)", "pinzhu", "lines"),
        pp("pinyin-pro/lines-string", "pinyin-pro, one call per line, string mode", "default", "lines-string",
           "lines"),
        pz("pinzhu/batch", "pinzhu, all lines in one batch call (pinyin_many)", "pinzhu", "batch"),
        pp("pinyin-pro/lines-array", "pinyin-pro, one call per line, array num", "default", "lines-array", "lines"),
        Job("pypinyin/text", "pypinyin lazy_pinyin, whole text", _py("speed", "pypinyin", *full, *rep), "pypinyin",
            n, "text"),
        pp("pinyin-pro-full/string", "pinyin-pro + complete dict, whole text, string mode", "full", "string", "text"),
        pp("pinyin-pro-full/array", "pinyin-pro + complete dict, whole text, array num", "full", "array", "text"),
        Job("g2pm/lines", "g2pM, one call per line (slice)", _py("speed", "g2pm", *small, "--mode", "lines", *rep),
            "g2pm", t.small_chars, "lines"),
        pz("pinzhu-model/text", "pinzhu model=True, whole text", "pinzhu-model", "text"),
        pz("pinzhu-nomodel/text", "pinzhu model=False, whole text", "pinzhu-nomodel", "text"),
    ]


def _baselines() -> list[Job]:
    return [Job("python-bare", "python (empty interpreter)", (sys.executable, "-c", "pass")),
            Job("node-bare", "node (empty interpreter)", ("node", "-e", ""))]


# A first sentence that the polyphone model must read (还 hái/huán outside a word): pinzhu loads
# the model's weights only when a text first asks it, and this row shows that cost.
MODEL_SENTENCE = "他还没有回来，我们再等等。"


def startup_jobs() -> list[Job]:
    py = [Job(k, PY_SYSTEMS[k][0], _py("startup", k), k)
          for k in ("pinzhu", "pinzhu-model", "pinzhu-nomodel", "pypinyin", "g2pm")]
    py.insert(1, Job("pinzhu-asks-model", "pinzhu, a first sentence the model reads (还)",
                     _py("startup", "pinzhu", "--sentence", MODEL_SENTENCE), "pinzhu"))
    py.append(Job("python-numpy", "python importing numpy (what pinzhu needs first)",
                  (sys.executable, "-c", "import numpy")))
    node = [Job("pinyin-pro", "pinyin-pro", _node("startup", "default")),
            Job("pinyin-pro-full", "pinyin-pro + complete dict", _node("startup", "full"))]
    return py + node + _baselines()


def memory_jobs(t: Texts) -> list[Job]:
    full, small = ("--text", str(t.full)), ("--text", str(t.small))
    py = [Job(k, PY_SYSTEMS[k][0], _py("rss", k, *full), k, t.full_chars)
          for k in ("pinzhu", "pinzhu-model", "pinzhu-nomodel", "pypinyin")]
    py.append(Job("g2pm", "g2pM (slice, line by line)", _py("rss", "g2pm", *small, "--mode", "lines"),
                  "g2pm", t.small_chars))
    node = [Job("pinyin-pro", "pinyin-pro", _node("rss", "default", *full), chars=t.full_chars),
            Job("pinyin-pro-full", "pinyin-pro + complete dict", _node("rss", "full", *full),
                chars=t.full_chars)]
    return py + node + _baselines()


# ---------------------------------------------------------------- running

def _na(job: Job) -> dict | None:
    reason = unavailable_reason(job.system)
    return {"label": job.label, "na": reason} if reason else None


def _timed_runs(job: Job) -> tuple[list[float], str]:
    out = json.loads(check(run_process(list(job.cmd), pin=True), job.key).stdout)
    return out["times_s"], out.get("digest", "")


def load_now() -> float:
    """The machine's 1-minute load average (other processes compete for the cores)."""
    return round(os.getloadavg()[0], 2)


def _spread(values: list[float]) -> dict:
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


def run_speed(t: Texts, rounds: int, repeat: int) -> dict:
    """Every row in every round, the rounds' order alternating (forward, then backward) so a slow
    drift on the machine hits both sides of a pair alike. A round runs each row once: a fresh
    process, a warm-up, then ``repeat`` timed conversions; the round's sample is their median.
    So every row, pinzhu's included, has ``rounds * repeat`` timings. Ratios (RATIOS) are taken
    round by round from the two rows' samples and reported as the median over rounds, with the
    lowest and highest."""
    jobs = speed_jobs(t, repeat)
    out: dict[str, dict] = {}
    live = []
    for job in jobs:
        na = _na(job)
        if na is not None:
            out[job.key] = na
        else:
            out[job.key] = {"label": job.label, "chars": job.chars, "shape": job.shape, "times_s": [],
                            "round_s": [], "load": []}
            live.append(job)
    for r in range(rounds):
        order = live if r % 2 == 0 else live[::-1]
        for job in order:
            row = out[job.key]
            if "na" in row:
                row["round_s"].append(None)
                continue
            row["load"].append(load_now())
            try:
                times, digest = _timed_runs(job)
            except ProcError as exc:
                out[job.key] = {"label": job.label, "na": f"failed: {exc}"}
                _log(str(exc))
                continue
            row["times_s"] += times
            if digest:
                row.setdefault("digests", []).append(digest)
            row["round_s"].append(statistics.median(times))
        _log(f"speed round {r + 1}/{rounds} done (load {load_now()})")
    for job in live:
        row = out[job.key]
        if "na" in row:
            continue
        rates = [job.chars / s for s in row["times_s"]]
        row.update(best_s=min(row["times_s"]), median_s=statistics.median(row["times_s"]),
                   chars_per_s=statistics.median(rates), best_chars_per_s=max(rates), samples=len(rates))
        _log(f"speed {job.key}: {row['chars_per_s']:,.0f} chars/s (median of {len(rates)})")
    ratios = {}
    for a, b in RATIOS:
        ra, rb = out.get(a, {}), out.get(b, {})
        if "round_s" not in ra or "round_s" not in rb:
            continue
        per_round = [(rb["chars"] and (ra["chars"] / sa) / (rb["chars"] / sb))
                     for sa, sb in zip(ra["round_s"], rb["round_s"]) if sa and sb]
        if per_round:
            ratios[f"{a} / {b}"] = {"pinzhu": a, "other": b, "rounds": per_round, **_spread(per_round)}
    lines, batch = out.get("pinzhu/lines", {}), out.get("pinzhu/batch", {})
    same = None
    if lines.get("digests") and batch.get("digests"):
        same = set(lines["digests"]) == set(batch["digests"]) and len(set(lines["digests"])) == 1
    return {"rows": out, "ratios": ratios, "rounds": rounds, "repeat": repeat, "lines_equal_batch": same}


def run_startup(repeat: int) -> dict:
    """Each job ``repeat`` times, round-robin (alternating direction), so slow drift on a noisy
    machine hits all rows alike; pinzhu ÷ pinyin-pro is taken round by round (median)."""
    jobs = startup_jobs()
    out: dict[str, dict] = {j.key: (_na(j) or {"label": j.label, "process_s": [], "inproc_s": []})
                            for j in jobs}
    live = [j for j in jobs if "na" not in out[j.key]]
    # As after an install: Python may write its bytecode caches (a PYTHONDONTWRITEBYTECODE in
    # this shell would make every run compile the system's modules anew), and one untimed run
    # per row writes them before the timed rounds.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    for job in live:
        run_process(list(job.cmd), pin=True, env=env)
    for r in range(repeat):
        for job in (live if r % 2 == 0 else live[::-1]):
            if "na" in out[job.key]:
                continue
            try:
                res = check(run_process(list(job.cmd), pin=True, env=env), job.key)
            except ProcError as exc:
                out[job.key] = {"label": job.label, "na": f"failed: {exc}"}
                continue
            out[job.key]["process_s"].append(res.wall_s)
            if res.stdout.strip():
                out[job.key]["inproc_s"].append(json.loads(res.stdout)["inproc_s"])
    for job in live:
        row = out[job.key]
        if "na" in row:
            continue
        row["median_process_s"] = statistics.median(row["process_s"])
        row["median_inproc_s"] = statistics.median(row["inproc_s"]) if row["inproc_s"] else None
        _log(f"startup {job.key}: {row['median_process_s'] * 1000:.0f} ms")
    ratios = {}
    for key in ("pinzhu", "pinzhu-asks-model", "pinzhu-model", "pinzhu-nomodel", "python-numpy"):
        a, b = out.get(key, {}), out.get("pinyin-pro", {})
        if "median_process_s" in a and "median_process_s" in b:
            per_round = [x / y for x, y in zip(a["process_s"], b["process_s"])]
            ratios[f"{key} / pinyin-pro"] = {"pinzhu": key, "other": "pinyin-pro", "rounds": per_round,
                                             **_spread(per_round)}
    return {"rows": out, "ratios": ratios}


def run_memory(t: Texts) -> dict:
    """Peak RSS of a fresh process that imports the system and converts the text once."""
    out: dict[str, dict] = {}
    for job in memory_jobs(t):
        if (na := _na(job)) is not None:
            out[job.key] = na
            continue
        try:
            res = check(run_process(list(job.cmd), pin=True, rss=True), job.key)
        except ProcError as exc:
            out[job.key] = {"label": job.label, "na": f"failed: {exc}"}
            continue
        out[job.key] = {"label": job.label, "chars": job.chars, "max_rss_kib": res.max_rss_kib,
                        "wall_s": res.wall_s, "method": rss_method()}
        _log(f"memory {job.key}: {res.max_rss_kib / 1024:.0f} MiB")
    return out
