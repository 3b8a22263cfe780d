"""Training-time data helpers for the polyphone model (scripts/train_model.py).

Not used at run time. Loads the labelled sets from ``../shared/data``, splits CPP dev into the
cross-validation folds, and builds (once, cached) a lexicon per fold from the *other* folds'
labels, so that no held-out label reaches the lexicon's standalone defaults or word corrections.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"
SHIPPED_LEXICON = ROOT / "src" / "pinzhu" / "data" / "lexicon.npz"
CACHE = Path(os.environ.get("PINZHU_CV_CACHE", "/tmp/pz_cv"))
PINYIN_PRO_JSON = Path(os.environ.get("PINYIN_PRO_JSON",
                                      "/tmp/ppd/node_modules/@pinyin-pro/data/json/complete.json"))
SEED = 20240601
FOLDS = 5


def load_jsonl(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def load_sets() -> dict[str, list[dict]]:
    return {
        "cpp_dev": load_jsonl(DATA / "cpp" / "dev.jsonl"),
        "g2pl_train": load_jsonl(DATA / "g2pl" / "train.jsonl"),
        "g2pl_dev": load_jsonl(DATA / "g2pl" / "dev.jsonl"),
    }


def fold_of_text(dev: list[dict]) -> dict[str, int]:
    """Fold of each CPP dev sentence: split by text (a sentence labelled twice stays in one fold)."""
    texts = sorted({d["text"] for d in dev})
    perm = np.random.default_rng(SEED).permutation(len(texts))
    return {t: int(perm[i] % FOLDS) for i, t in enumerate(texts)}


def _split_paths(k: int) -> tuple[Path, Path]:
    return CACHE / f"train_{k}.jsonl", CACHE / f"held_{k}.jsonl"


def fold_files(k: int) -> tuple[list[dict], list[dict]]:
    """(CPP dev minus fold k, fold k), also written as JSONL under the cache (for build_lexicon)."""
    dev_path = DATA / "cpp" / "dev.jsonl"
    lines = [line for line in dev_path.read_text(encoding="utf-8").splitlines() if line.strip()]
    rows = [json.loads(line) for line in lines]
    fold = fold_of_text(rows)
    tr = [line for line, d in zip(lines, rows) if fold[d["text"]] != k]
    he = [line for line, d in zip(lines, rows) if fold[d["text"]] == k]
    CACHE.mkdir(parents=True, exist_ok=True)
    for path, part in zip(_split_paths(k), (tr, he)):
        text = "\n".join(part) + "\n"
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
    return [json.loads(x) for x in tr], [json.loads(x) for x in he]


def fold_lexicon(k: int) -> Path:
    """A lexicon built like the shipped one but labelled with CPP dev minus fold k (cached; keyed
    by the build script, its overrides and the fold's labels)."""
    fold_files(k)
    train_path = _split_paths(k)[0]
    h = hashlib.sha1()
    for p in (ROOT / "scripts" / "build_lexicon.py", ROOT / "data" / "overrides.tsv", train_path):
        h.update(p.read_bytes())
    out = CACHE / f"lex_{k}_{h.hexdigest()[:10]}.npz"
    if not out.exists():
        tmp = out.with_suffix(".tmp.npz")
        subprocess.run([sys.executable, str(ROOT / "scripts" / "build_lexicon.py"), "--pinyin-pro-json",
                        str(PINYIN_PRO_JSON), "--labelled", str(train_path), "--out", str(tmp)],
                       check=True, stdout=subprocess.DEVNULL)
        tmp.replace(out)
    return out
