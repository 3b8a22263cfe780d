"""Strip throughput: characters per second on a long, densely annotated text, and on clean text.

    python benchmarks/strip_bench.py [--repeat N]

The annotated text is examples/news.txt repeated, with every third Han character annotated in
tone marks (far denser than a content-farm page); the clean text has no brackets at all, which is
most of a corpus: there the regex prefilter is all the work.
"""

from __future__ import annotations

import argparse
import random
import re
import time
from pathlib import Path

import pinzhu
from pinzhu.parse import HAN

ROOT = Path(__file__).resolve().parent.parent


def annotated(text: str, every: int = 3, seed: int = 0) -> str:
    rnd = random.Random(seed)
    marks = pinzhu.pinyin(text)
    out = []
    for ch, py in zip(text, marks):
        out.append(ch)
        if py and rnd.randrange(every) == 0:
            out.append(f"({py})")
    return "".join(out)


def rate(fn, text: str, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        fn(text)
        best = min(best, time.perf_counter() - t)
    return len(text) / best


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--copies", type=int, default=400)
    args = ap.parse_args()
    base = (ROOT / "examples" / "news.txt").read_text(encoding="utf-8")
    clean = base * args.copies
    # Vary the annotation per copy so the per-annotation caches do not make every copy free.
    noisy = "".join(annotated(base, seed=i) for i in range(args.copies))
    assert pinzhu.strip(noisy) == clean
    n_ann = len(pinzhu.parse.find_annotations(noisy))
    han = len(re.findall(f"[{HAN}]", clean))
    pinzhu.strip(noisy)  # warm: lexicon and syllable tables
    print(f"annotated text: {len(noisy):,} chars, {n_ann:,} annotations ({1000 * n_ann / han:.0f} per 1,000 Han)")
    from pinzhu import parse

    parse._match.cache_clear()
    parse._spell.cache_clear()
    print(f"  strip, cold caches: {rate(pinzhu.strip, noisy, 1):,.0f} chars/s")
    print(f"  strip, warm (best of {args.repeat}): {rate(pinzhu.strip, noisy, args.repeat):,.0f} chars/s")
    print(f"clean text: {len(clean):,} chars")
    print(f"  strip: {rate(pinzhu.strip, clean, args.repeat):,.0f} chars/s")
    small = noisy[: 20000]
    print(f"  audit (reads the text with pinzhu): {rate(pinzhu.audit, small, 1):,.0f} chars/s")


if __name__ == "__main__":
    main()
