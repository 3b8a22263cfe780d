"""Would a recurrent reader of the context beat the shipped linear model where it still errs?

A probe, not a shipped component: a bidirectional GRU over ±W characters around each standalone
occurrence of the hardest polyphones (为 地 得 长 当 场 干 只 还 应), its character table started from
the same PPMI-SVD embeddings the shipped model uses (``train_model.char_embeddings``), one output
per reading of each character, trained on every labelled standalone occurrence in the training
sentences (g2pL's balanced own label left out) and read on the natural dev sets (errata applied,
lenient errors, g2pL dev's own label left out as in ``train_model.natural_eval``). It reports the
GRU alone, the GRU averaged with the shipped model, and what it costs per position.

Needs PyTorch (``pip install torch``; training-time only, not a dependency of pinzhu). Writes
``reports/context_net.md``.

    python scripts/context_net_probe.py
    python scripts/context_net_probe.py --window 20 --hidden 96 --epochs 8

>>> window_ids("为人民", 0, 1, {"人": 2}.get)
[0, 1, 2]
"""
from __future__ import annotations

import argparse
import random
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

import model_data  # noqa: E402
import train_model  # noqa: E402
from model_data import HAN  # noqa: E402
from pinzhu.lexicon import Lexicon  # noqa: E402
from pinzhu.read import SRC_CHAR, read_many  # noqa: E402

CHARS = "为地得长当场干只还应"


def window_ids(text: str, i: int, w: int, lookup) -> list[int]:
    """Ids of text[i-w .. i+w]: 0 outside the text, 1 for a character without an id."""
    return [lookup(text[j]) or 1 if 0 <= j < len(text) else 0 for j in range(i - w, i + w + 1)]


def collect(lex: Lexicon, chars: str):
    """(train items, dev items): (text, index, label) at every standalone labelled occurrence; dev
    items also carry the set's name and the shipped reader's (reading, probability)."""
    exclude = model_data.never_train_texts()
    train = model_data.labelled_sentences(model_data.training_paths(), exclude)
    tr = []
    for d, src in zip(train, train_model.sentence_sources(lex, train)):
        for i, lab in d["labels"]:
            if d["text"][i] in chars and src[i] == SRC_CHAR and i not in d["balanced"]:
                tr.append((d["text"], i, lab))
    dv = []
    for name, rows in model_data.load_dev(errata=True).items():
        shipped = read_many([d["text"] for d in rows], lexicon=lex)
        for d, src, r in zip(rows, train_model.sentence_sources(lex, rows), shipped):
            syl = r.syllables()
            for i, lab in zip((h.start() for h in HAN.finditer(d["text"])), d["pinyin"]):
                if i != d.get("g2pl_index") and d["text"][i] in chars and src[i] == SRC_CHAR:
                    dv.append((d["text"], i, lab, name, syl[i], float(r.prob[i])))
    return tr, dv


def main(argv: list[str] | None = None) -> int:
    import torch
    from torch import nn

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--chars", default=CHARS)
    ap.add_argument("--window", type=int, default=20)
    ap.add_argument("--hidden", type=int, default=96)
    ap.add_argument("--epochs", type=int, default=8)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--report", type=Path, default=ROOT / "reports" / "context_net.md")
    args = ap.parse_args(argv)
    torch.manual_seed(args.seed)
    random.seed(args.seed)
    np.random.seed(args.seed)
    sys.path.insert(0, str(model_data.NATURAL))
    import score  # the natural sets' own lenient scorer

    def wrong(ch, gold, got):
        return not score.lenient_equal(ch, score.norm(gold), score.norm(got) if got else None)

    lex = Lexicon(model_data.SHIPPED_LEXICON)
    tr, dv = collect(lex, args.chars)
    cps, vec = train_model.char_embeddings(48)
    ids = {chr(c): k + 2 for k, c in enumerate(cps.tolist())}
    seen = Counter((t[i], lab) for t, i, lab in tr)
    labels = sorted(k for k, n in seen.items() if n >= 2)
    lab_id = {k: n for n, k in enumerate(labels)}
    chars = sorted({c for c, _ in labels})
    mask = torch.full((len(chars), len(labels)), -1e9)
    for (c, _), k in lab_id.items():
        mask[chars.index(c), k] = 0.0
    W = args.window

    def encode(rows):
        X = torch.tensor([window_ids(r[0], r[1], W, ids.get) for r in rows])
        C = torch.tensor([chars.index(r[0][r[1]]) for r in rows])
        return X, C

    tr = [r for r in tr if (r[0][r[1]], r[2]) in lab_id]
    Xt, Ct = encode(tr)
    Yt = torch.tensor([lab_id[(r[0][r[1]], r[2])] for r in tr])
    Xd, Cd = encode(dv)

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            E = np.zeros((len(cps) + 2, vec.shape[1]), dtype=np.float32)
            E[2:] = vec / (np.linalg.norm(vec, axis=1, keepdims=True) + 1e-9)
            self.emb = nn.Embedding.from_pretrained(torch.tensor(E), freeze=False, padding_idx=0)
            self.rnn = nn.GRU(E.shape[1], args.hidden, batch_first=True, bidirectional=True)
            self.drop = nn.Dropout(0.3)
            self.out = nn.Linear(2 * args.hidden, len(labels))

        def forward(self, X, C):
            h, _ = self.rnn(self.drop(self.emb(X)))
            return self.out(self.drop(h[:, W])) + mask[C]

    net = Net()
    opt = torch.optim.Adam(net.parameters(), lr=2e-3)
    base = sum(wrong(t[i], lab, got) for t, i, lab, _, got, _ in dv)
    log = []
    for ep in range(args.epochs):
        perm = torch.randperm(len(Yt))
        for a in range(0, len(perm), 128):
            b = perm[a:a + 128]
            loss = nn.functional.cross_entropy(net(Xt[b], Ct[b]), Yt[b])
            opt.zero_grad()
            loss.backward()
            opt.step()
        net.eval()
        with torch.no_grad():
            t0 = time.perf_counter()
            P = torch.softmax(net(Xd, Cd), 1).numpy()
            us = (time.perf_counter() - t0) / len(dv) * 1e6
        net.train()
        errs = sum(wrong(t[i], lab, labels[int(p.argmax())][1]) for (t, i, lab, *_), p in zip(dv, P))
        log.append((ep + 1, errs))
        print(f"epoch {ep + 1}: {errs} errors (shipped model {base})", flush=True)
    mixes = []
    # (GRU share, asked only where the shipped model's probability is below this; None: everywhere)
    for a, gate in ((0.3, None), (0.5, None), (0.7, None), (0.5, 0.9), (0.5, 0.8)):
        errs = Counter()
        for (t, i, lab, name, got, prob), p in zip(dv, P):
            if gate is not None and prob >= gate:
                errs[name] += wrong(t[i], lab, got)
                continue
            errs["asked"] += 1
            sc: Counter = Counter()
            for k, (c, reading) in enumerate(labels):
                if c == t[i]:
                    sc[reading] += a * float(p[k])
            sc[got] += (1 - a) * prob  # the shipped reader exposes its chosen reading's probability
            errs[name] += wrong(t[i], lab, sc.most_common(1)[0][0])
        mixes.append((a, gate, errs))
    base_by = Counter(name for t, i, lab, name, got, _ in dv if wrong(t[i], lab, got))
    lines = ["# A recurrent context reader, probed", "",
             "Written by `scripts/context_net_probe.py` (do not edit by hand; PyTorch "
             f"{torch.__version__}, seed {args.seed}, {torch.get_num_threads()} threads).", "",
             f"Standalone occurrences of {' '.join(args.chars)}: {len(tr):,} labelled in training, {len(dv):,} in the "
             f"natural dev sets (errata applied). BiGRU over ±{W} characters, {args.hidden} units each way, "
             f"{args.epochs} epochs.", "",
             "| reader | tatoeba_dev errors | g2pl_dev_full errors | all |", "| --- | --- | --- | --- |",
             f"| shipped linear model | {base_by['tatoeba_dev']} | {base_by['g2pl_dev_full']} | {base} |"]
    lines += [f"| BiGRU after epoch {ep} | | | {e} |" for ep, e in log]
    lines += [f"| {a:.1f} × BiGRU + {1 - a:.1f} × shipped"
              + (f", only where the shipped model is below {gate} ({e['asked']:,} positions)" if gate else "")
              + f" | {e['tatoeba_dev']} | {e['g2pl_dev_full']} | {e['tatoeba_dev'] + e['g2pl_dev_full']} |"
              for a, gate, e in mixes]
    lines += ["", f"Cost: {us:.1f} µs per position (the dev positions in one batch, forward pass only), against "
              "0.86 µs per position for the shipped model read over a document (`reports/model.md`)."]
    args.report.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
