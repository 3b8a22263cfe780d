"""Speed, start-up and peak memory, each measured in fresh child processes pinned to one core.

A job is one command line that measures one system; Python systems go through
benchmarks/worker.py, pinyin-pro through benchmarks/pinyin_pro.js.
"""

from __future__ import annotations

import json
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
REFERENCE = "pinzhu/text"  # the row every speed ratio is taken against


@dataclass(frozen=True)
class Job:
    key: str
    label: str
    cmd: tuple[str, ...]
    system: str = ""  # Python system key, checked for availability first; "" for node/baselines
    chars: int = 0  # characters per conversion (speed, memory)
    ref: str = REFERENCE  # the pinzhu row this row's speed ratio is paired with


@dataclass(frozen=True)
class Texts:
    full: Path  # the long speed text
    full_chars: int
    small: Path  # the slice for slow systems (g2pM)
    small_chars: int


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
    rep = ("--repeat", str(repeat))
    full, small = ("--text", str(t.full)), ("--text", str(t.small))
    jobs = [
        Job("pinzhu/text", "pinzhu, whole text", _py("speed", "pinzhu", *full, *rep), "pinzhu", t.full_chars),
        Job("pinzhu/lines", "pinzhu, line by line", _py("speed", "pinzhu", *full, "--mode", "lines", *rep),
            "pinzhu", t.full_chars),
        Job("pinzhu/batch", "pinzhu, all lines in one reading_many call",
            _py("speed", "pinzhu", *full, "--mode", "batch", *rep), "pinzhu", t.full_chars),
        Job("pinzhu-model/text", "pinzhu model=True, whole text",
            _py("speed", "pinzhu-model", *full, *rep), "pinzhu-model", t.full_chars),
        Job("pinzhu-nomodel/text", "pinzhu model=False, whole text",
            _py("speed", "pinzhu-nomodel", *full, *rep), "pinzhu-nomodel", t.full_chars),
        Job("pypinyin/text", "pypinyin lazy_pinyin, whole text", _py("speed", "pypinyin", *full, *rep),
            "pypinyin", t.full_chars),
        Job("g2pm/lines", "g2pM, line by line (slice)", _py("speed", "g2pm", *small, "--mode", "lines", *rep),
            "g2pm", t.small_chars),
    ]
    for key, dict_name, label in (("pinyin-pro", "default", "pinyin-pro"),
                                  ("pinyin-pro-full", "full", "pinyin-pro + complete dict")):
        jobs += [
            Job(f"{key}/array", f"{label}, array num", _node("speed", dict_name, *full, "--mode", "array", *rep),
                chars=t.full_chars),
            Job(f"{key}/string", f"{label}, default string mode",
                _node("speed", dict_name, *full, "--mode", "string", *rep), chars=t.full_chars),
        ]
    # One call per line (an app or a TTS front end converting sentence by sentence): paired with
    # pinzhu line by line, so the ratio compares the same way of calling.
    jobs += [Job(f"pinyin-pro/lines-{m}", f"pinyin-pro, line by line, {label} (÷: pinzhu line by line)",
                 _node("speed", "default", *full, "--mode", f"lines-{m}", *rep), chars=t.full_chars,
                 ref="pinzhu/lines")
             for m, label in (("array", "array num"), ("string", "default string mode"))]
    return jobs


def _baselines() -> list[Job]:
    return [Job("python-bare", "python (empty interpreter)", (sys.executable, "-c", "pass")),
            Job("node-bare", "node (empty interpreter)", ("node", "-e", ""))]


def startup_jobs() -> list[Job]:
    py = [Job(k, PY_SYSTEMS[k][0], _py("startup", k), k)
          for k in ("pinzhu", "pinzhu-model", "pinzhu-nomodel", "pypinyin", "g2pm")]
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


def _timed_runs(job: Job) -> list[float]:
    return json.loads(check(run_process(list(job.cmd), pin=True), job.key).stdout)["times_s"]


def _speed_row(job: Job, times: list[float]) -> dict:
    best = min(times)
    return {"label": job.label, "chars": job.chars, "times_s": times, "best_s": best,
            "median_s": statistics.median(times), "chars_per_s": job.chars / best}


def run_speed(t: Texts, repeat: int) -> dict:
    """Every row, each paired with a run of the pinzhu reference just before it.

    "pinzhu ÷ row" divides the reference's chars/s from its paired run by the row's, so a
    noisy stretch on the machine hits both sides of a ratio.  The reference row itself reports
    the best over all its runs.
    """
    jobs = speed_jobs(t, repeat)
    by_key = {j.key: j for j in jobs}
    ref = by_key[REFERENCE]
    ref_times: list[float] | None = [] if _na(ref) is None else None
    out: dict[str, dict] = {REFERENCE: _na(ref) or {}}
    for job in jobs:
        if job is ref:
            continue
        if (na := _na(job)) is not None:
            out[job.key] = na
            continue
        try:
            paired = None
            pair = by_key[job.ref]
            if _na(pair) is None:
                pair_run = _timed_runs(pair)
                if pair is ref and ref_times is not None:
                    ref_times += pair_run
                paired = pair.chars / min(pair_run)
            row = _speed_row(job, _timed_runs(job))
        except ProcError as exc:
            out[job.key] = {"label": job.label, "na": f"failed: {exc}"}
            _log(str(exc))
            continue
        row["pinzhu_paired_chars_per_s"] = paired
        row["pinzhu_ratio"] = paired / row["chars_per_s"] if paired else None
        out[job.key] = row
        _log(f"speed {job.key}: {row['chars_per_s']:,.0f} chars/s (best of {repeat}); "
             f"paired pinzhu {paired or 0:,.0f}")
    if ref_times:
        out[REFERENCE] = {**_speed_row(ref, ref_times), "pinzhu_ratio": 1.0}
    elif ref_times is not None:
        out[REFERENCE] = {"label": ref.label, "na": "no run completed"}
    return out


def run_startup(repeat: int) -> dict:
    """Each job `repeat` times, round-robin so slow drift on a noisy machine hits all rows alike."""
    jobs = startup_jobs()
    out: dict[str, dict] = {j.key: (_na(j) or {"label": j.label, "process_s": [], "inproc_s": []})
                            for j in jobs}
    live = [j for j in jobs if "na" not in out[j.key]]
    for _ in range(repeat):
        for job in list(live):
            try:
                res = check(run_process(list(job.cmd), pin=True), job.key)
            except ProcError as exc:
                out[job.key] = {"label": job.label, "na": f"failed: {exc}"}
                live.remove(job)
                continue
            out[job.key]["process_s"].append(res.wall_s)
            if res.stdout.strip():
                out[job.key]["inproc_s"].append(json.loads(res.stdout)["inproc_s"])
    for job in live:
        row = out[job.key]
        row["median_process_s"] = statistics.median(row["process_s"])
        row["median_inproc_s"] = statistics.median(row["inproc_s"]) if row["inproc_s"] else None
        _log(f"startup {job.key}: {row['median_process_s'] * 1000:.0f} ms")
    return out


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
