"""Every run's headline numbers, kept in results.json ("history") and shown in RESULTS.md, so a
change of method or a regression stays readable next to the runs before it.

An entry holds what that run measured (sections it skipped are absent): speed per row (chars/s)
and the pinzhu ÷ peer ratios, start-up per system and its ratio to pinyin-pro, peak RSS, toned
accuracy per set and system, and the machine load while it ran. Runs from before the history
began (one results.json, ratios from one paired best-of run) are converted with their method
named, so old and new rows read side by side.
"""

from __future__ import annotations

from typing import Any

MAX_ENTRIES = 50  # oldest dropped beyond this


def _git(meta: dict) -> str:
    pinzhu = meta.get("versions", {}).get("pinzhu", "")
    return pinzhu.rsplit("git ", 1)[-1] if "git " in pinzhu else "?"


def _speed(section: dict) -> dict:
    rows = section.get("rows", {})
    if "ratios" in section:  # rounds of interleaved runs (this harness)
        return {"method": f"median of {section.get('rounds', '?')} interleaved rounds x {section.get('repeat', '?')}",
                "chars_per_s": {k: r["chars_per_s"] for k, r in rows.items() if "chars_per_s" in r},
                "ratios": {k: r["median"] for k, r in section["ratios"].items()},
                "load": section.get("load")}
    # the earlier harness: best of the runs, each row's ratio from one pinzhu run paired with it
    speed = {k: r["chars_per_s"] for k, r in rows.items() if "chars_per_s" in r}
    ratios = {}
    for key, row in rows.items():
        ratio = row.get("pinzhu_ratio")
        if ratio and key != "pinzhu/text":
            ref = "pinzhu/lines" if key.startswith("pinyin-pro/lines-") else "pinzhu/text"
            ratios[f"{ref} / {key}"] = ratio
    if "pinzhu/batch" in speed and "pinyin-pro/lines-string" in speed:  # not paired in that harness
        ratios["pinzhu/batch / pinyin-pro/lines-string"] = speed["pinzhu/batch"] / speed["pinyin-pro/lines-string"]
    return {"method": "best of runs; one paired run per ratio (earlier harness)", "chars_per_s": speed,
            "ratios": ratios, "load": section.get("load")}


def _startup(section: dict) -> dict:
    rows = section.get("rows", {})
    out: dict[str, Any] = {"ms": {k: round(r["median_process_s"] * 1000, 1) for k, r in rows.items()
                                  if r.get("median_process_s") is not None}}
    if "ratios" in section:
        out["ratios"] = {k: r["median"] for k, r in section["ratios"].items()}
    elif "pinzhu" in out["ms"] and "pinyin-pro" in out["ms"]:
        out["ratios"] = {"pinzhu / pinyin-pro": out["ms"]["pinzhu"] / out["ms"]["pinyin-pro"]}
    out["load"] = section.get("load")
    return out


def _accuracy(section: dict) -> dict:
    out: dict[str, dict] = {}
    for set_key, systems in section.get("scores", {}).items():
        out[set_key] = {s: [r["toned"], r["items"]] for s, r in systems.items() if "toned" in r}
    return out


def entry(results: dict, sections: set[str]) -> dict:
    """The history entry of ``results`` for the sections this run measured."""
    meta = results.get("meta", {})
    e: dict[str, Any] = {"date": meta.get("date", "?"), "git": _git(meta), "command": meta.get("command", "?")}
    if "speed" in sections and "speed" in results:
        e["speed"] = _speed(results["speed"])
    if "startup" in sections and "startup" in results:
        e["startup"] = _startup(results["startup"])
    if "memory" in sections and "memory" in results:
        e["rss_mib"] = {k: round(r["max_rss_kib"] / 1024, 1) for k, r in results["memory"].get("rows", {}).items()
                        if "max_rss_kib" in r}
    if "accuracy" in sections and "accuracy" in results:
        e["accuracy"] = _accuracy(results["accuracy"])
    return e


def entry_from_results(previous: dict) -> dict:
    """A results.json from before the history began, as one entry (each section with its date)."""
    return entry(previous, {"speed", "startup", "memory", "accuracy"})


def updated(old: list | None, results: dict, sections: dict, meta: dict) -> list:
    """``old`` with this run's entry appended (only the sections it measured)."""
    history = list(old or [])
    new = entry({**results, "meta": meta}, set(sections))
    if len(new) > 3:  # something was measured
        history.append(new)
    return history[-MAX_ENTRIES:]
