"""Training-time data helpers for the lexicon and the polyphone model (build_lexicon.py, train_model.py).

Not used at run time. Loads the labelled sets from ``../shared/data`` and the project's own labelled
sets (``data/labels/``), keeps every dev and test sentence out of training, splits CPP dev into the
cross-validation folds, and builds (once, cached) a lexicon per fold from every training source
minus that fold's sentences, so that no held-out label reaches the lexicon's standalone defaults
or word corrections.

Sources for training (every Han character labelled; see docs/DATA.md):
  * ``natural/tatoeba_train.jsonl`` (everyday speech), ``natural/g2pl_full.jsonl`` (web and news;
    g2pL's own balanced label at ``g2pl_index``), ``natural/cpp_dev_full.jsonl`` (Wikipedia; CPP's
    label at ``cpp_index``);
  * ``data/labels/*.jsonl.gz``: sets labelled by this project's own scripts (same shape).
Never trained on: ``natural/tatoeba_dev``, ``natural/g2pl_dev_full`` (tuning), CPP test and g2pL
test (reporting), and g2pL dev (the polyphone view of g2pl_dev_full).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"
NATURAL = DATA / "natural"
LABELS = ROOT / "data" / "labels"
SHIPPED_LEXICON = ROOT / "src" / "pinzhu" / "data" / "lexicon.npz"
CACHE = Path(os.environ.get("PINZHU_CV_CACHE", "/tmp/pz_cv"))
PINYIN_PRO_JSON = Path(os.environ.get("PINYIN_PRO_JSON",
                                      "/tmp/ppd/node_modules/@pinyin-pro/data/json/complete.json"))
SEED = 20240601
FOLDS = 5
HAN = re.compile("[〇\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")

NATURAL_TRAIN = ("tatoeba_train", "g2pl_full", "cpp_dev_full")
NEVER_TRAIN = (NATURAL / "tatoeba_dev.jsonl", NATURAL / "g2pl_dev_full.jsonl", DATA / "cpp" / "test.jsonl",
               DATA / "g2pl" / "test.jsonl", DATA / "g2pl" / "dev.jsonl")
# A label taken from a balanced polyphone set (g2pL over-samples rare readings): it teaches
# context, but it is not evidence of how common a reading is.
BALANCED_KEYS = ("g2pl_index",)


def load_jsonl(path: Path) -> list[dict]:
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def training_paths() -> list[Path]:
    """Every fully labelled training set: the shared natural sets, then the project's own."""
    return [NATURAL / f"{name}.jsonl" for name in NATURAL_TRAIN] + sorted(LABELS.glob("*.jsonl.gz"))


def never_train_texts() -> frozenset[str]:
    return frozenset(d["text"] for p in NEVER_TRAIN for d in load_jsonl(p))


CORRECTIONS = LABELS / "corrections" / "natural.jsonl.gz"


def corrections() -> dict[tuple[str, int], str]:
    """(sentence id, index) -> label: shared labels that blind re-review corrected
    (scripts/label_text.py requeue natural; 还得 děi where all three systems had read dé)."""
    if not CORRECTIONS.exists():
        return {}
    return {(d["id"], d["index"]): d["pinyin"] for d in load_jsonl(CORRECTIONS)}


def labelled_sentences(paths: list[Path], exclude: frozenset[str] = frozenset()) -> list[dict]:
    """Fully labelled sentences as {text, source, labels: [(index, syllable)], balanced: set of
    indexes, target: index of the set's own polyphone label or None}; sentences whose text is in
    ``exclude`` (or seen before) are left out. Re-reviewed labels replace the shared ones."""
    fixes = corrections()
    out, seen = [], set(exclude)
    for path in paths:
        source = path.name.split(".")[0]
        rows = load_jsonl(path)
        if rows and "text" not in rows[0]:  # a labels-only set: its text comes from its package
            import text_sources

            texts = text_sources.texts_by_id(source)
            rows = [dict(r, text=texts[r["id"]]) for r in rows]
        for row in rows:
            text = row["text"]
            if text in seen:
                continue
            seen.add(text)
            pos = [m.start() for m in HAN.finditer(text)]
            if len(pos) != len(row["pinyin"]):
                raise SystemExit(f"{path}: {row.get('id')}: {len(row['pinyin'])} labels for {len(pos)} Han characters")
            target = next((row[k] for k in ("cpp_index", "g2pl_index") if k in row), None)
            labels = [(i, fixes.get((row.get("id"), i), s)) for i, s in zip(pos, row["pinyin"])]
            out.append(dict(text=text, source=source, labels=labels,
                            balanced={row[k] for k in BALANCED_KEYS if k in row}, target=target))
    return out


ERRATA = ROOT / "benchmarks" / "data" / "natural_dev_errata.jsonl.gz"


def load_dev(errata: bool = False) -> dict[str, list[dict]]:
    """The tuning sets: everyday speech, web and news (every character), g2pL dev (its polyphone).
    ``errata``: with the labels that blind re-review corrected (benchmarks/data/natural_dev_errata,
    scripts/label_text.py requeue natural_dev)."""
    sets = {"tatoeba_dev": load_jsonl(NATURAL / "tatoeba_dev.jsonl"),
            "g2pl_dev_full": load_jsonl(NATURAL / "g2pl_dev_full.jsonl")}
    if errata and ERRATA.exists():
        fix = {(d["id"], d["index"]): d["pinyin"] for d in load_jsonl(ERRATA)}
        for rows in sets.values():
            for r in rows:
                pos = [m.start() for m in HAN.finditer(r["text"])]
                r["pinyin"] = [fix.get((r["id"], i), s) for i, s in zip(pos, r["pinyin"])]
    return sets


def cpp_dev() -> list[dict]:
    return load_jsonl(DATA / "cpp" / "dev.jsonl")


def fold_of_text(dev: list[dict]) -> dict[str, int]:
    """Fold of each CPP dev sentence: split by text (a sentence labelled twice stays in one fold)."""
    texts = sorted({d["text"] for d in dev})
    perm = np.random.default_rng(SEED).permutation(len(texts))
    return {t: int(perm[i] % FOLDS) for i, t in enumerate(texts)}


def fold_split(k: int) -> tuple[frozenset[str], list[dict]]:
    """(texts held out in fold k, CPP dev items of fold k)."""
    dev = cpp_dev()
    fold = fold_of_text(dev)
    held = [d for d in dev if fold[d["text"]] == k]
    return frozenset(d["text"] for d in held), held


def exclusion_file(k: int | None) -> Path:
    """A JSONL of the texts build_lexicon.py must leave out: dev and test sets, and fold k."""
    texts = set(never_train_texts())
    if k is not None:
        texts |= fold_split(k)[0]
    body = "".join(json.dumps({"text": t}, ensure_ascii=False) + "\n" for t in sorted(texts))
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"exclude_{'all' if k is None else k}_{hashlib.sha1(body.encode()).hexdigest()[:10]}.jsonl"
    if not path.exists():
        path.write_text(body, encoding="utf-8")
    return path


def lexicon_command(out: Path, k: int | None = None) -> list[str]:
    """The build_lexicon.py call for the shipped lexicon (k None) or fold k's."""
    return [sys.executable, str(ROOT / "scripts" / "build_lexicon.py"), "--pinyin-pro-json", str(PINYIN_PRO_JSON),
            "--natural", *map(str, training_paths()), "--exclude-texts", str(exclusion_file(k)), "--out", str(out)]


def fold_lexicon(k: int) -> Path:
    """A lexicon built like the shipped one but without fold k's sentences (cached; keyed by the
    build script, its inputs and the fold)."""
    h = hashlib.sha1()
    for p in (ROOT / "scripts" / "build_lexicon.py", ROOT / "scripts" / "model_data.py", ROOT / "data" / "overrides.tsv",
              exclusion_file(k), *training_paths(), *([CORRECTIONS] if CORRECTIONS.exists() else [])):
        h.update(p.read_bytes() if p.stat().st_size < 50_000_000 else str(p.stat()).encode())
    out = CACHE / f"lex_{k}_{h.hexdigest()[:10]}.npz"
    if not out.exists():
        tmp = out.with_suffix(".tmp.npz")
        subprocess.run(lexicon_command(tmp, k), check=True, stdout=subprocess.DEVNULL)
        tmp.replace(out)
    return out
