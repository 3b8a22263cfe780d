"""Accuracy: convert every set with every system, then score the labelled positions.

Python systems run in this process; pinyin-pro runs as one node process per set that converts
the whole set with its default dictionary and then with the complete one.
"""

from __future__ import annotations

import json
import sys
import time
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path

from .data import EvalSet
from .proc import check, run_process
from .systems import (PY_SYSTEMS, PySystem, Syllables, Unavailable, convert_all, make_system,
                      normalize)

BENCH = Path(__file__).resolve().parents[1]
NODE_SYSTEMS = {"pinyin-pro": ("pinyin-pro", "default"),
                "pinyin-pro-full": ("pinyin-pro + complete dict", "full")}

CITATION_ROWS = ["pinzhu", "pinzhu-model", "pinzhu-nomodel", "pinzhu-full", "pinzhu-full-nomodel", "pinzhu-yibu",
                 "pypinyin", "pinyin-pro", "pinyin-pro-full", "g2pm"]
SPOKEN_ROWS = ["pinzhu", "pinzhu-spoken", "pypinyin", "pypinyin-sandhi", "pinyin-pro",
               "pinyin-pro-full", "g2pm"]
POLYPHONE_ROWS = ["pinzhu", "pinzhu-full", "g2pm", "pypinyin", "pinyin-pro", "pinyin-pro-full"]
N_POLYPHONES = 30


def label_of(key: str) -> str:
    return PY_SYSTEMS[key][0] if key in PY_SYSTEMS else NODE_SYSTEMS[key][0]


NATURAL_ROWS = ["pinzhu", "pinzhu-nomodel", "pypinyin", "pinyin-pro", "pinyin-pro-full", "g2pm"]


def rows_for(eval_set: EvalSet) -> list[str]:
    return {"spoken": SPOKEN_ROWS, "natural": NATURAL_ROWS}.get(eval_set.kind, CITATION_ROWS)


def _log(msg: str) -> None:
    print(f"[accuracy] {msg}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------- scoring

@dataclass(frozen=True)
class Score:
    items: int
    toned: int  # exact match, tone included
    toneless: int  # syllable match ignoring the tone digit
    misaligned: int  # sentences whose result had the wrong length (scored wrong)
    lenient: int = 0  # the natural sets' rule (natural/score.py): neutral vs full tone, 一/不 sandhi... agree


_LENIENT = None


def lenient_equal(char: str, gold: str, got: str | None) -> bool:
    """../shared/data/natural/score.py's rule, loaded from the data folder it ships in."""
    global _LENIENT
    if _LENIENT is None:
        import importlib.util

        from .data import REPO

        spec = importlib.util.spec_from_file_location("natural_score", REPO.parent / "shared" / "data" / "natural" / "score.py")
        _LENIENT = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(_LENIENT)
    sc = _LENIENT
    return got is not None and sc.lenient_equal(char, sc.norm(gold), sc.norm(got))


def toneless(syllable: str | None) -> str | None:
    return syllable[:-1] if syllable else None


def score(eval_set: EvalSet, preds: list[Syllables | None], misaligned: int) -> Score:
    """Score the sentences that have predictions (None = not run, e.g. subsampled)."""
    items = toned = plain = lenient = 0
    natural = eval_set.kind == "natural"
    for sentence, pred in zip(eval_set.sentences, preds):
        if pred is None:
            continue
        for index, label in sentence.labels:
            gold, got = normalize(label), pred[index]
            items += 1
            toned += got == gold
            plain += got is not None and toneless(got) == toneless(gold)
            lenient += natural and lenient_equal(sentence.text[index], gold, got)
    return Score(items, toned, plain, misaligned, lenient)


def stride_sample(n: int, max_items: int) -> list[int]:
    """Evenly spread sentence indices (the sets are grouped by character, so no prefix)."""
    if max_items <= 0 or n <= max_items:
        return list(range(n))
    return [i * n // max_items for i in range(max_items)]


# ---------------------------------------------------------------- converting

def convert_node(texts: list[str], dicts: list[str]) -> tuple[dict[str, list[Syllables]], dict]:
    stdin = "".join(json.dumps({"text": t}, ensure_ascii=False) + "\n" for t in texts)
    cmd = ["node", str(BENCH / "pinyin_pro.js"), "convert", "--dicts", ",".join(dicts)]
    out = json.loads(check(run_process(cmd, stdin_text=stdin), "pinyin_pro.js convert").stdout)
    results = {}
    for dict_name, rows in out["results"].items():
        results[dict_name] = [[normalize(x) for x in row] for row in rows]
    return results, out


@dataclass
class NodeRun:
    preds: list[Syllables]
    misaligned: int  # results of the wrong length even after the 'all'-mode fallback
    fallbacks: int  # sentences whose 'array' result needed re-aligning through 'all' mode
    convert_s: float  # the whole node process, both dictionaries


def _node_predictions(texts: list[str]) -> dict[str, NodeRun]:
    start = time.perf_counter()
    results, raw = convert_node(texts, [d for _, d in NODE_SYSTEMS.values()])
    elapsed = time.perf_counter() - start
    runs = {}
    for key, (_, dict_name) in NODE_SYSTEMS.items():
        rows = results[dict_name]
        bad = [i for i, (t, r) in enumerate(zip(texts, rows)) if len(r) != len(t)]
        for i in bad:
            rows[i] = [None] * len(texts[i])
        runs[key] = NodeRun(rows, len(bad), raw["fallbacks"][dict_name], elapsed)
    return runs


class SystemPool:
    """Python systems, built once; a system that cannot be built is remembered with its reason."""

    def __init__(self) -> None:
        self.systems: dict[str, PySystem] = {}
        self.unavailable: dict[str, str] = {}

    def get(self, key: str) -> PySystem | None:
        if key not in self.systems and key not in self.unavailable:
            try:
                self.systems[key] = make_system(key)
            except Unavailable as exc:
                self.unavailable[key] = str(exc)
                _log(f"{key}: n/a ({exc})")
        return self.systems.get(key)


def evaluate_set(eval_set: EvalSet, pool: SystemPool, g2pm_max_items: int) -> dict:
    texts = [s.text for s in eval_set.sentences]
    rows = rows_for(eval_set)
    result: dict[str, dict] = {}
    node_preds = _node_predictions(texts) if any(k in NODE_SYSTEMS for k in rows) else {}
    for key in rows:
        if key in NODE_SYSTEMS:
            run = node_preds[key]
            result[key] = {**asdict(score(eval_set, run.preds, run.misaligned)),
                           "convert_s": run.convert_s, "realigned": run.fallbacks}
            _log(f"{eval_set.key} {key}: {result[key]['toned']}/{result[key]['items']}")
            continue
        system = pool.get(key)
        if system is None:
            result[key] = {"na": pool.unavailable[key]}
            continue
        chosen = stride_sample(len(texts), g2pm_max_items if key == "g2pm" else 0)
        start = time.perf_counter()
        try:
            converted, misaligned = convert_all(system, [texts[i] for i in chosen])
        except Exception as exc:  # a system still being written may fail on some input
            result[key] = {"na": f"failed: {type(exc).__name__}: {exc}"}
            _log(f"{eval_set.key} {key}: {result[key]['na']}")
            continue
        elapsed = time.perf_counter() - start
        preds: list[Syllables | None] = [None] * len(texts)
        for i, pred in zip(chosen, converted):
            preds[i] = pred
        result[key] = {**asdict(score(eval_set, preds, misaligned)), "convert_s": elapsed}
        if key == "g2pm" and len(chosen) < len(texts):
            result[key]["subsample"] = f"every {len(texts) / len(chosen):.1f}th sentence"
        if eval_set.key == "cpp":
            result[key]["_preds"] = preds  # kept in memory for the polyphone table only
        _log(f"{eval_set.key} {key}: {result[key]['toned']}/{result[key]['items']} in {elapsed:.1f}s")
    if eval_set.key == "cpp":
        for key in NODE_SYSTEMS:
            result[key]["_preds"] = node_preds[key].preds
    return result


def polyphone_table(eval_set: EvalSet, set_result: dict) -> dict:
    """Per-character accuracy for the N most frequent target characters of the set.

    "Most frequent" = most occurrences in the set's texts (a proxy for how often a reader meets
    the character); accuracy is over that character's labelled items.
    """
    targets = {label_index_char(s) for s in eval_set.sentences}
    occurrences = Counter(ch for s in eval_set.sentences for ch in s.text if ch in targets)
    top = [ch for ch, _ in occurrences.most_common(N_POLYPHONES)]
    table: dict[str, dict] = {}
    for ch in top:
        entry: dict = {"occurrences": occurrences[ch]}
        for key in POLYPHONE_ROWS:
            preds = set_result.get(key, {}).get("_preds")
            if preds is None:
                continue
            items = correct = 0
            for sentence, pred in zip(eval_set.sentences, preds):
                index, label = sentence.labels[0]
                if sentence.text[index] != ch or pred is None:
                    continue
                items += 1
                correct += pred[index] == normalize(label)
            entry[key] = [correct, items]
        table[ch] = entry
    return table


def label_index_char(sentence) -> str:
    index, _ = sentence.labels[0]
    return sentence.text[index]


def run_accuracy(sets: list[EvalSet], g2pm_max_items: int) -> dict:
    pool = SystemPool()
    scores: dict[str, dict] = {}
    polyphones: dict = {}
    for eval_set in sets:
        _log(f"{eval_set.key}: {len(eval_set.sentences)} sentences, {eval_set.n_items} items")
        set_result = evaluate_set(eval_set, pool, g2pm_max_items)
        if eval_set.key == "cpp":
            polyphones = polyphone_table(eval_set, set_result)
            for entry in set_result.values():
                entry.pop("_preds", None)
        scores[eval_set.key] = set_result
    return {
        "sets": {s.key: {"title": s.title, "path": s.path, "kind": s.kind,
                         "sentences": len(s.sentences), "items": s.n_items} for s in sets},
        "labels": {k: label_of(k) for k in dict.fromkeys(CITATION_ROWS + SPOKEN_ROWS)},
        "scores": scores,
        "polyphones": polyphones,
    }
