"""How much would more labelled text buy? The shipped model retrained on a share of the training
sentences, read on the natural dev sets (errata applied, lenient errors as ``train_model.natural_eval``).

The lexicon stays the shipped one (built from every training sentence), so the curve measures the
model alone: the part that decides where a polyphone stands alone, where the remaining errors are
(为 wèi/wéi before a noun phrase, 当 dàng "treat as", 长 zhǎng/cháng). Shares are taken by a hash of
each sentence's text, so a smaller share is a subset of a larger one and reruns pick the same
sentences. Writes ``reports/learning_curve.md``.

    python scripts/learning_curve.py                  # shares 0.25, 0.5, 0.75 and the shipped model
    python scripts/learning_curve.py --shares 0.5

>>> keep_share("为人民服务。", 1.0)
True
"""
from __future__ import annotations

import argparse
import os
import sys
import zlib
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

sys.path.insert(0, str(Path(__file__).resolve().parent))
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

import model_data  # noqa: E402
import train_model  # noqa: E402
from pinzhu.lexicon import Lexicon  # noqa: E402


def keep_share(text: str, share: float) -> bool:
    """Whether a sentence belongs to the first ``share`` of the training text (stable across runs)."""
    return zlib.crc32(text.encode("utf-8")) % 1000 < share * 1000


def run(share: float) -> dict:
    lex = Lexicon(model_data.SHIPPED_LEXICON)
    exclude = model_data.never_train_texts()
    sentences = model_data.labelled_sentences(model_data.training_paths(), exclude)
    keep = [d for d in sentences if keep_share(d["text"], share)]
    if share >= 1.0:  # the shipped weights: trained on every sentence with these settings
        from pinzhu.model import load_default
        model, n = load_default(), None
    else:
        model, _, stats = train_model.train(lex, keep, dict(train_model.DEFAULTS), False, exclude)
        n = stats["n"]
    ev = train_model.natural_eval(lex, model, model_data.load_dev(errata=True))
    return dict(share=share, sentences=len(keep), examples=n, eval=ev)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shares", default="0.25,0.5,0.75,1.0")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--report", type=Path, default=ROOT / "reports" / "learning_curve.md")
    args = ap.parse_args(argv)
    shares = [float(x) for x in args.shares.split(",")]
    with ProcessPoolExecutor(args.jobs) as ex:
        rows = list(ex.map(run, shares))
    lines = ["# Learning curve of the polyphone model", "",
             "Written by `scripts/learning_curve.py` (do not edit by hand). The shipped settings and lexicon; "
             "the model trained on a share of the training sentences (by a hash of the text); lenient errors on "
             "the natural dev sets with their errata, g2pL dev's own label scored exactly.", "",
             "| share of training sentences | sentences | examples | tatoeba_dev+errata | g2pl_dev_full+errata | g2pL dev target |",
             "| --- | --- | --- | --- | --- | --- |"]
    for r in rows:
        t, g = r["eval"]["tatoeba_dev"], r["eval"]["g2pl_dev_full"]
        name = f"{r['share']:.0%}" + (" (shipped model)" if r["share"] >= 1.0 else "")
        examples = f"{r['examples']:,}" if r["examples"] else "(all)"
        lines.append(f"| {name} | {r['sentences']:,} | {examples} | {t['errors'] / t['total']:.3%} ({t['errors']}) | "
                     f"{g['errors'] / g['total']:.3%} ({g['errors']}) | {g['target_ok'] / g['target_n']:.2%} |")
    top = rows[-1]["eval"]["g2pl_dev_full"]["worst"]
    lines += ["", "Most frequent remaining errors on g2pl_dev_full (last row): "
              + ", ".join(f"{c} {n}" for c, n in top) + "."]
    args.report.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
