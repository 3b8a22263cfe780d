"""pinzhu's benchmark harness: accuracy, speed, start-up and memory against its peers.

Run from the repository root (takes ~10-15 min on 2 cores; writes benchmarks/RESULTS.md and
benchmarks/results.json):

    python benchmarks/run.py                       # everything
    python benchmarks/run.py --only accuracy --sets cpp,story
    python benchmarks/run.py --only speed,startup,memory --repeat 5
    python benchmarks/run.py --data /path/to/shared/data

Peers (installed on first run when missing): pinyin-pro 3.29.4 + @pinyin-pro/data 1.3.1 via npm
into benchmarks/node_modules (benchmarks/package.json), pypinyin and g2pM via pip into the current
environment (benchmarks/requirements.txt).  pinzhu is imported as installed, else from src/.  Rows
for a pinzhu feature that does not exist yet (e.g. `Config(model=...)`) show "n/a" with the reason.

The numbers:
- accuracy: share of labelled characters whose syllable matches the label exactly (tone numbers,
  neutral 5, ü as v) — CPP test and g2pL test (one polyphone per sentence), the pinyin-pro story
  and hard phrases (every Han character); plus toneless accuracy; plus syllable error rate on
  ../shared/data/spoken/*.jsonl (what speakers said, sandhi included), with and without tones; plus
  per-character accuracy for the 30 most frequent CPP test target characters.  Test data is only
  ever scored here: nothing is tuned on it.
- speed: chars/s on a long text already in memory (CPP test + g2pL test sentences, topped up
  with their dev splits to >= 1M chars; g2pM gets a smaller slice) in each call shape a system
  has: the whole text in one call, one call per line, all lines in one batch call; each peer in
  its fastest sensible mode (pinyin-pro: string and array mode, whole and per line).  Every row
  runs once per round (--rounds), each time in a fresh process pinned to core 0 with taskset,
  --repeat timed conversions after a warm-up: every row, pinzhu's too, gets the same number of
  timings, and chars/s is their median.  Ratios "pinzhu ÷ peer" are taken round by round (the
  rows of one shape run next to each other, the rounds' order alternates) and reported as the
  median over rounds with their range: compare those, not absolute numbers, on a noisy machine.
- start-up: wall time of a fresh process that imports the system and converts one short sentence
  (median of --rounds, round-robin, after one untimed run per row; Python may write bytecode
  caches, as after an install, whatever PYTHONDONTWRITEBYTECODE says here), and the import +
  first call time measured inside it; pinzhu ÷ pinyin-pro round by round.
- memory: peak RSS (ru_maxrss via wait4) of a fresh process that imports the system and converts
  the long text once.

A partial run (--only / --sets) updates only its sections of results.json; the others are kept
with their own date and command, and RESULTS.md is re-rendered from the merged results.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import subprocess
import sys
from importlib import metadata
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(BENCH))

from harness import accuracy, data, history, install, perf, report  # noqa: E402
from harness.proc import pin_prefix  # noqa: E402
from harness.systems import Unavailable, import_pinzhu, pinzhu_version  # noqa: E402

SECTIONS = ("accuracy", "speed", "startup", "memory")
SPEED_MIN_CHARS = 1_000_000
SLOW_SLICE_CHARS = 60_000
CACHE = BENCH / ".cache"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data",
                        help="shared data folder (default: ../shared/data from the repo root)")
    parser.add_argument("--only", default=",".join(SECTIONS),
                        help=f"comma-separated sections to run, of {', '.join(SECTIONS)}")
    parser.add_argument("--sets", default="",
                        help="comma-separated accuracy sets (default: all: cpp, g2pl, story, "
                             "phrases and one per spoken/*.jsonl)")
    parser.add_argument("--rounds", type=int, default=5,
                        help="speed rounds (every row once per round, a fresh process each) and start-up "
                             "processes per row")
    parser.add_argument("--repeat", type=int, default=3,
                        help="timed conversions per speed process (after a warm-up); each row gets "
                             "rounds x repeat timings")
    parser.add_argument("--g2pm-max-items", type=int, default=0,
                        help="score g2pM on an evenly spread subsample of at most N sentences "
                             "per set (0 = all; g2pM runs at ~28k chars/s)")
    parser.add_argument("--speed-chars", type=int, default=SPEED_MIN_CHARS,
                        help="minimum length of the speed text")
    parser.add_argument("--no-install", action="store_true", help="do not install missing peers")
    parser.add_argument("--out", type=Path, default=BENCH,
                        help="folder for RESULTS.md and results.json")
    args = parser.parse_args(argv)
    args.only = [s.strip() for s in args.only.split(",") if s.strip()]
    unknown = set(args.only) - set(SECTIONS)
    if unknown:
        parser.error(f"unknown section(s) {sorted(unknown)}; choose from {SECTIONS}")
    return args


def log(msg: str) -> None:
    print(f"[run] {msg}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------- environment facts

def _output(cmd: list[str]) -> str:
    try:
        return subprocess.run(cmd, capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def machine_info() -> dict:
    return {"nproc": _output(["nproc"]), "cpu": _cpu_model(), "platform": platform.platform(),
            "python": platform.python_version(), "node": _output(["node", "--version"]),
            "pin": " ".join(pin_prefix())}


def _npm_version(name: str) -> str:
    path = BENCH / "node_modules" / name / "package.json"
    return json.loads(path.read_text())["version"] if path.exists() else "not installed"


def _pip_version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def versions() -> dict:
    try:
        pinzhu = pinzhu_version(import_pinzhu())
    except Unavailable as exc:
        pinzhu = f"n/a ({exc})"
    git = _output(["git", "-C", str(REPO), "describe", "--always", "--dirty"])
    return {"pinzhu": f"{pinzhu}, git {git}", "pypinyin": _pip_version("pypinyin"),
            "g2pM": _pip_version("g2pM"), "numpy": _pip_version("numpy"),
            "pinyin-pro": _npm_version("pinyin-pro"),
            "@pinyin-pro/data": _npm_version("@pinyin-pro/data")}


def command_line() -> str:
    return " ".join(["python", "benchmarks/run.py", *map(shlex.quote, sys.argv[1:])])


# ---------------------------------------------------------------- sections

def prepare_texts(data_dir: Path, min_chars: int) -> tuple[perf.Texts, dict]:
    """Write the speed text (and the slice for slow systems) to benchmarks/.cache/."""
    lines = data.speed_lines(data_dir, min_chars)
    small = data.spread_lines(lines, SLOW_SLICE_CHARS)
    CACHE.mkdir(exist_ok=True)
    full_path, small_path = CACHE / "speed_text.txt", CACHE / "speed_text_small.txt"
    full_text, small_text = "\n".join(lines), "\n".join(small)
    full_path.write_text(full_text, encoding="utf-8")
    small_path.write_text(small_text, encoding="utf-8")
    texts = perf.Texts(full_path, len(full_text), small_path, len(small_text))
    info = {"chars": len(full_text), "lines": len(lines), "small_chars": len(small_text),
            "sources": "CPP test + g2pL test, topped up with CPP dev / g2pL dev; "
                       "the slow-system slice is every k-th line"}
    return texts, info


def run_sections(args: argparse.Namespace, stamp: dict) -> tuple[dict, dict]:
    out: dict = {}
    text_info: dict = {}
    if "accuracy" in args.only:
        available = data.available_set_keys(args.data)
        keys = [k.strip() for k in args.sets.split(",") if k.strip()] or available
        unknown = [k for k in keys if k not in available]
        if unknown:
            sys.exit(f"unknown set(s) {unknown}; available in {args.data}: {', '.join(available)}")
        sets = data.load_sets(args.data, keys)
        out["accuracy"] = {"run": stamp, **accuracy.run_accuracy(sets, args.g2pm_max_items)}
        for info in out["accuracy"]["sets"].values():
            info["run"] = stamp
    if {"speed", "memory"} & set(args.only):
        texts, text_info = prepare_texts(args.data, args.speed_chars)
        if "speed" in args.only:
            load = perf.load_now()
            out["speed"] = {"run": stamp, **perf.run_speed(texts, args.rounds, args.repeat),
                            "load": [load, perf.load_now()]}
        if "memory" in args.only:
            out["memory"] = {"run": stamp, "rows": perf.run_memory(texts)}
    if "startup" in args.only:
        load = perf.load_now()
        out["startup"] = {"run": stamp, **perf.run_startup(args.rounds), "load": [load, perf.load_now()]}
    return out, text_info


def merge_accuracy(old: dict, new: dict) -> dict:
    """Per-set merge, so `--sets story` refreshes the story rows and keeps the other sets."""
    merged = dict(new)
    for field in ("sets", "scores", "labels"):
        merged[field] = {**old.get(field, {}), **new.get(field, {})}
    if not new.get("polyphones"):
        merged["polyphones"] = old.get("polyphones", {})
    return merged


def merge_previous(path: Path, new: dict) -> dict:
    """Sections this run did not measure are carried over from the previous results.json."""
    previous: dict = {}
    if path.exists():
        try:
            previous = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError:
            log(f"ignoring unreadable {path}")
    merged = {**previous, **new}
    if "history" not in previous and previous.get("meta"):
        merged["history"] = [history.entry_from_results(previous)]  # the run before the history began
    if "accuracy" in new and "accuracy" in previous:
        merged["accuracy"] = merge_accuracy(previous["accuracy"], new["accuracy"])
    old_text = previous.get("meta", {}).get("speed_text")
    if "speed_text" not in new["meta"] and old_text:
        merged["meta"]["speed_text"] = old_text
    return merged


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    if not args.data.is_dir():
        sys.exit(f"data folder {args.data} not found; pass --data")
    if not args.no_install:
        install.ensure_peers()
    date = _output(["date", "-u"])
    stamp = {"date": date, "command": command_line()}
    meta = {"date": date, "command": stamp["command"], "machine": machine_info(),
            "versions": versions(), "data_dir": str(args.data)}
    log(f"sections: {', '.join(args.only)}")
    sections, text_info = run_sections(args, stamp)
    if text_info:
        meta["speed_text"] = text_info
    args.out.mkdir(parents=True, exist_ok=True)
    json_path = args.out / "results.json"
    results = merge_previous(json_path, {"meta": meta, **sections})
    results["history"] = history.updated(results.get("history"), results, sections, meta)
    json_path.write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    (args.out / "RESULTS.md").write_text(report.render(results), encoding="utf-8")
    log(f"wrote {args.out / 'RESULTS.md'} and {json_path}")


if __name__ == "__main__":
    main()
