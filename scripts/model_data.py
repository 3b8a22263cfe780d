"""Training-time data helpers for the polyphone model (scripts/train_model.py).

Not used at run time. Loads the labelled sets from ``../shared/data`` and the project's lexicon
artifact (``src/pinzhu/data/lexicon.npz``), and provides a stand-in lexicon pass (maximum
probability segmentation over the lexicon's words) used for hint features and for labelling
polyphones inside multi-character words of unlabelled text.  When the engine's own
``pinzhu.read.lexicon_pass`` exists it is preferred (see ``lexicon_pass``).
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"


def load_jsonl(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def load_sets() -> dict[str, list[dict]]:
    return {
        "cpp_dev": load_jsonl(DATA / "cpp" / "dev.jsonl"),
        "g2pl_train": load_jsonl(DATA / "g2pl" / "train.jsonl"),
        "g2pl_dev": load_jsonl(DATA / "g2pl" / "dev.jsonl"),
    }


class Lex:
    """The project's lexicon artifact, decoded into Python dicts (training only)."""

    def __init__(self, path: Path | None = None):
        z = np.load(path or ROOT / "src" / "pinzhu" / "data" / "lexicon.npz")
        syl = bytes(z["syllables"]).decode("utf-8").split("\n")
        syl = [""] + syl  # ids start at 1
        cps, off, csyl, share = z["char_cps"], z["char_off"], z["char_syl"], z["char_share"]
        clogp = z["char_logp"].astype(np.float64)
        self.char_readings: dict[str, list[str]] = {}
        self.char_share: dict[str, list[float]] = {}
        self.char_logp: dict[str, float] = {}
        for i, cp in enumerate(cps.tolist()):
            ch = chr(cp)
            a, b = int(off[i]), int(off[i + 1])
            self.char_readings[ch] = [syl[j] for j in csyl[a:b].tolist()]
            self.char_share[ch] = share[a:b].astype(float).tolist()
            self.char_logp[ch] = float(clogp[i])
        wcps, woff = z["word_cps"], z["word_off"]
        wsyl = z["word_syl"].tolist()
        wlogp = z["word_logp"].astype(np.float64).tolist()
        blob = wcps.astype("<u4").tobytes().decode("utf-32-le")
        self.words: dict[str, tuple[tuple[str, ...], float]] = {}
        offs = woff.tolist()
        for k, lp in enumerate(wlogp):
            a, b = offs[k], offs[k + 1]
            self.words[blob[a:b]] = (tuple(syl[j] for j in wsyl[a:b]), lp)
        words = self.words
        self.maxlen = max(len(w) for w in words)
        self.unknown_logp = min(self.char_logp.values()) - 2.0

    def default(self, ch: str) -> str | None:
        rs = self.char_readings.get(ch)
        return rs[0] if rs else None

    def segment(self, text: str) -> tuple[list[str | None], np.ndarray]:
        """Max-probability segmentation; returns (hint per char, mask: inside a multi-char word)."""
        n = len(text)
        best = [0.0] + [-math.inf] * n
        back = [0] * (n + 1)
        words, clp, unk, maxlen = self.words, self.char_logp, self.unknown_logp, self.maxlen
        for i in range(1, n + 1):
            # single char
            b = best[i - 1] + clp.get(text[i - 1], unk)
            k = 1
            for j in range(max(0, i - maxlen), i - 1):
                e = words.get(text[j:i])
                if e is not None:
                    s = best[j] + e[1]
                    if s > b:
                        b, k = s, i - j
            best[i], back[i] = b, k
        hints: list[str | None] = [None] * n
        mask = np.zeros(n, dtype=bool)
        i = n
        while i > 0:
            k = back[i]
            if k == 1:
                hints[i - 1] = self.default(text[i - 1])
            else:
                syls = words[text[i - k:i]][0]
                for t in range(k):
                    hints[i - k + t] = syls[t]
                mask[i - k:i] = True
            i -= k
        return hints, mask


def lexicon_pass_fn(lex: Lex):
    """The engine's lexicon pass if it exists, else the stand-in above."""
    try:
        from pinzhu.read import lexicon_pass  # type: ignore

        def f(text):
            hints, mask = lexicon_pass(text)
            return list(hints), np.asarray(mask, dtype=bool)

        f("测试")
        return f, "pinzhu.read.lexicon_pass"
    except Exception:
        return lex.segment, "stand-in max-probability segmentation (scripts/model_data.py)"
