"""Evaluation sets from ../shared/data and the long text used for speed runs.

Every set is reduced to the same shape: sentences, each with the positions (code-point offsets)
that carry a label.  Polyphone sets (CPP, g2pL) label one character per sentence; the story and
spoken sets label every Han character, in order.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

# Same class as DEVELOPERS.md and shared/data/README.md.
HAN = re.compile("[〇\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")


@dataclass(frozen=True)
class Sentence:
    text: str
    labels: tuple[tuple[int, str], ...]  # (code-point index, syllable in tone numbers)


@dataclass(frozen=True)
class EvalSet:
    key: str
    title: str
    path: str  # relative to the data dir
    kind: str  # "polyphone" (one label per sentence), "all-han" (citation), "spoken", "natural" (lenient)
    sentences: tuple[Sentence, ...]

    @property
    def n_items(self) -> int:
        return sum(len(s.labels) for s in self.sentences)


# key -> (relative path, title, kind)
SET_SPECS: dict[str, tuple[str, str, str]] = {
    "cpp": ("cpp/test.jsonl", "CPP test (one polyphone per sentence)", "polyphone"),
    "g2pl": ("g2pl/test.jsonl", "g2pL test (one polyphone per sentence)", "polyphone"),
    "story": ("pinyin-pro/story.jsonl", "pinyin-pro story (every Han char)", "all-han"),
    "phrases": ("pinyin-pro/test_phrases.jsonl", "pinyin-pro hard phrases (every Han char)", "all-han"),
    # every Han character labelled, scored by the natural sets' lenient rule (natural/score.py)
    "tatoeba_dev": ("natural/tatoeba_dev.jsonl", "tatoeba_dev: everyday speech (every Han char)", "natural"),
    "g2pl_dev_full": ("natural/g2pl_dev_full.jsonl", "g2pl_dev_full: web and news (every Han char but g2pL's own)",
                      "natural"),
    # the same with the labels that blind re-review corrected (benchmarks/data/natural_dev_errata)
    "tatoeba_dev+errata": ("natural/tatoeba_dev.jsonl", "tatoeba_dev with errata", "natural"),
    "g2pl_dev_full+errata": ("natural/g2pl_dev_full.jsonl", "g2pl_dev_full with errata", "natural"),
    # written for pinzhu, every polyphone reviewed blind by three reviewers (docs/DATA.md)
    "drills": ("repo:benchmarks/data/drills.jsonl", "多音字 drill sentences (every Han char)", "natural"),
}
REPO = Path(__file__).resolve().parents[2]
ERRATA = REPO / "benchmarks" / "data" / "natural_dev_errata.jsonl.gz"
SPOKEN_GLOB = "spoken/*.jsonl"


def read_jsonl(path: Path) -> Iterator[dict]:
    import gzip

    with (gzip.open(path, "rt", encoding="utf-8") if path.suffix == ".gz" else path.open(encoding="utf-8")) as f:
        for line in f:
            if line.strip():
                yield json.loads(line)


def han_positions(text: str) -> list[int]:
    return [m.start() for m in HAN.finditer(text)]


def _polyphone_sentence(row: dict) -> Sentence:
    text, index = row["text"], row["index"]
    if text[index] != row["char"]:
        raise ValueError(f"index {index} does not point at {row['char']!r} in {text!r}")
    return Sentence(text, ((index, row["pinyin"]),))


def _all_han_sentence(row: dict) -> Sentence:
    text, labels = row["text"], row["pinyin"]
    positions = han_positions(text)
    if len(positions) != len(labels):
        raise ValueError(f"{len(labels)} labels for {len(positions)} Han chars in {row.get('id')}")
    return Sentence(text, tuple(zip(positions, labels)))


def _natural_sentence(row: dict, errata: dict) -> Sentence:
    s = _all_han_sentence(row)
    skip = row.get("g2pl_index")  # g2pL's own (balanced) label: g2pL test scores it
    return Sentence(s.text, tuple((i, errata.get((row.get("id"), i), lab)) for i, lab in s.labels if i != skip))


def set_path(data_dir: Path, rel_path: str) -> Path:
    return REPO / rel_path[5:] if rel_path.startswith("repo:") else data_dir / rel_path


def load_set(data_dir: Path, key: str, rel_path: str, title: str, kind: str) -> EvalSet:
    rows = read_jsonl(set_path(data_dir, rel_path))
    if kind == "natural":
        errata = ({(d["id"], d["index"]): d["pinyin"] for d in read_jsonl(ERRATA)}
                  if key.endswith("+errata") else {})
        sentences = tuple(_natural_sentence(row, errata) for row in rows)
    else:
        make = _polyphone_sentence if kind == "polyphone" else _all_han_sentence
        sentences = tuple(make(row) for row in rows)
    return EvalSet(key, title, rel_path, kind, sentences)


def available_set_keys(data_dir: Path) -> list[str]:
    """Set keys in report order: the fixed sets, then one per spoken/*.jsonl file."""
    spoken = sorted(p.stem for p in data_dir.glob(SPOKEN_GLOB))
    return list(SET_SPECS) + spoken


def load_sets(data_dir: Path, keys: list[str]) -> list[EvalSet]:
    sets = []
    for key in keys:
        if key in SET_SPECS:
            rel, title, kind = SET_SPECS[key]
        else:
            rel, title, kind = f"spoken/{key}.jsonl", f"spoken: {key} (every Han char)", "spoken"
        if not set_path(data_dir, rel).exists():
            raise FileNotFoundError(f"set {key!r}: {set_path(data_dir, rel)} not found (see --data)")
        sets.append(load_set(data_dir, key, rel, title, kind))
    return sets


def speed_lines(data_dir: Path, min_chars: int) -> list[str]:
    """Sentences for the speed text: CPP test + g2pL test, then their dev splits, stopping once
    the text (newlines included) has min_chars characters.

    Topping up with more distinct sentences (rather than repeating the test sets) keeps a
    sentence-level cache from making the second half of the text free.  Falls back to repeating
    if even that is short.
    """
    sources = ["cpp/test.jsonl", "g2pl/test.jsonl", "cpp/dev.jsonl", "g2pl/dev.jsonl"]
    pool = [row["text"] for rel in sources for row in read_jsonl(data_dir / rel)]
    pool_chars = sum(len(x) + 1 for x in pool)
    return slice_lines(pool * -(-min_chars // pool_chars), min_chars)


def spread_lines(lines: list[str], min_chars: int) -> list[str]:
    """About min_chars worth of lines taken evenly across the text (every k-th line).

    The sets are grouped by target character, so a plain prefix would be a biased sample.
    """
    total = sum(len(x) + 1 for x in lines)
    step = max(1, total // max(min_chars, 1))
    return slice_lines(lines[::step], min_chars)


def slice_lines(lines: list[str], min_chars: int) -> list[str]:
    """The shortest prefix of lines with at least min_chars characters (newlines included)."""
    out, total = [], 0
    for line in lines:
        if total >= min_chars:
            break
        out.append(line)
        total += len(line) + 1
    return out
