"""Make a web-like JSONL corpus for corpus-mode benchmarks, deterministic from a seed.

Documents are real sentences from ../shared/data (cpp, g2pl ``text`` fields, read at generation
time, never copied into the repo), 3–12 per document. A share of them get pinyin inserted by
``pinzhu.annotate`` in varied styles (policies, half/full brackets, marks/numbers/toneless,
GB/T 16159 orthography); a share are converted to traditional characters (OpenCC s2t, before
annotating, like the re-posted 炎帝神農(nóng) pages); a few lines are malformed (truncated JSON,
null or numeric text, a lone surrogate, invalid UTF-8, an array, no text field).

Writes OUT/corpus/part-NN.jsonl (the input) and OUT/truth.jsonl.gz: per document its id, clean
text, and what was done to it, to check strip against.

    python scripts/make_corpus.py --out /tmp/pinzhu-corpus --size-mb 200 --seed 0

Needs opencc-python-reimplemented (pip install '.[build]'). Big corpora go under /tmp.
"""

from __future__ import annotations

import argparse
import glob
import gzip
import json
import multiprocessing as mp
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCES = [str(ROOT.parent / "shared" / "data" / d / "*.jsonl") for d in ("cpp", "g2pl")]
CHUNK = 2000  # documents per generation task; each chunk has its own RNG, so workers don't matter

# Annotation styles seen in the wild; orthography only with toned pinyin (a capitalised toneless
# gloss, 西安(Xi'an), is a name gloss that strip deliberately keeps).
STYLES = [
    dict(select="all"), dict(select="all", brackets="full"), dict(select="polyphones"),
    dict(select="rare+polyphones", brackets="full"), dict(select="all", tone="numbers"),
    dict(select="all", tone="none"), dict(select="sample", fraction=0.3),
    dict(select="level", level=3), dict(select="all", orthography=True),
    dict(select="polyphones", tone="numbers", brackets="full"),
]
MALFORMED = ["truncated", "null_text", "number_text", "lone_surrogate", "invalid_utf8", "array", "no_text"]


def load_sentences(patterns: list[str]) -> list[str]:
    seen: dict[str, None] = {}
    for pat in patterns:
        for f in sorted(glob.glob(pat)):
            with open(f, encoding="utf-8") as fh:
                for line in fh:
                    t = json.loads(line).get("text")
                    if isinstance(t, str) and t.strip():
                        seen.setdefault(t.strip(), None)
    return list(seen)


_SENTENCES: list[str] = []
_T2: dict[str, str] = {}
_CC = None


def _init(sentences: list[str]) -> None:
    global _SENTENCES, _CC
    import opencc

    _SENTENCES, _CC = sentences, opencc.OpenCC("s2t")


def _trad(s: str) -> str:
    if s not in _T2:
        _T2[s] = _CC.convert(s)
    return _T2[s]


def make_chunk(args: tuple[int, int, float, float, float]) -> tuple[bytes, list[dict]]:
    """Chunk ``index``: its JSONL bytes and its truth rows. Deterministic from (seed, index)."""
    import pinzhu

    index, seed, annotated, traditional, malformed = args
    rng = random.Random(f"{seed}:{index}")
    out, truth = bytearray(), []
    for k in range(CHUNK):
        doc_id = f"doc-{index * CHUNK + k:09d}"
        trad = rng.random() < traditional
        sents = [rng.choice(_SENTENCES) for _ in range(rng.randint(3, 12))]
        if trad:
            sents = [_trad(s) for s in sents]
        sep = rng.choice(["", "", "\n"])
        clean = sep.join(sents)
        style = None
        text = clean
        if rng.random() < annotated:
            style = rng.choice(STYLES)
            text = pinzhu.annotate(clean, **style)
        bad = rng.choice(MALFORMED) if rng.random() < malformed else None
        rec = {"id": doc_id, "url": f"https://example.org/{index}/{k}", "text": text}
        line = json.dumps(rec, ensure_ascii=False).encode()
        if bad == "truncated":
            line = line[: len(line) // 2]
        elif bad == "null_text":
            line = json.dumps({**rec, "text": None}).encode()
        elif bad == "number_text":
            line = json.dumps({**rec, "text": 12345}).encode()
        elif bad == "lone_surrogate":
            line = json.dumps({**rec, "text": text[:5] + "\ud83d" + text[5:]}).encode()  # escaped: \ud83d
        elif bad == "invalid_utf8":
            line = line[:40] + b"\xff\xfe" + line[40:]
        elif bad == "array":
            line = json.dumps([doc_id, text], ensure_ascii=False).encode()
        elif bad == "no_text":
            line = json.dumps({"id": doc_id, "body": text}, ensure_ascii=False).encode()
        out += line + b"\n"
        truth.append({"id": doc_id, "clean": clean, "annotated": text != clean, "style": style,
                      "traditional": trad, "malformed": bad})
    return bytes(out), truth


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", default="/tmp/pinzhu-corpus")
    ap.add_argument("--size-mb", type=float, default=200.0, help="stop once the corpus has this many MB")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--files", type=int, default=4, help="spread over this many part files")
    ap.add_argument("--annotated", type=float, default=0.12, help="share of documents with pinyin inserted")
    ap.add_argument("--traditional", type=float, default=0.2, help="share converted to traditional")
    ap.add_argument("--malformed", type=float, default=0.001, help="share of malformed lines")
    ap.add_argument("--jobs", type=int, default=mp.cpu_count())
    ap.add_argument("--sources", nargs="*", default=SOURCES, help="JSONL globs with a text field")
    args = ap.parse_args(argv)

    t0 = time.time()
    sentences = load_sentences(args.sources)
    if not sentences:
        print(f"no sentences in {args.sources}", file=sys.stderr)
        return 2
    out = Path(args.out)
    (out / "corpus").mkdir(parents=True, exist_ok=True)
    files = [open(out / "corpus" / f"part-{i:02d}.jsonl", "wb") for i in range(args.files)]
    truth = gzip.open(out / "truth.jsonl.gz", "wt", encoding="utf-8", compresslevel=3)
    target = int(args.size_mb * 1e6)
    size = docs = ann = 0
    i = 0
    with mp.get_context("forkserver").Pool(args.jobs, initializer=_init, initargs=(sentences,)) as pool:
        while size < target:  # a few chunks per round: Pool.imap would run ahead of the target
            batch = [(j, args.seed, args.annotated, args.traditional, args.malformed)
                     for j in range(i, i + 2 * args.jobs)]
            for data, rows in pool.imap(make_chunk, batch):  # imap keeps chunk order
                if size >= target:
                    break
                files[i % args.files].write(data)
                for r in rows:
                    truth.write(json.dumps(r, ensure_ascii=False) + "\n")
                size += len(data)
                docs += len(rows)
                ann += sum(r["annotated"] for r in rows)
                i += 1
    for f in files:
        f.close()
    truth.close()
    print(json.dumps({"out": str(out), "bytes": size, "documents": docs, "annotated": ann,
                      "sentences": len(sentences), "seconds": round(time.time() - t0, 1)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
