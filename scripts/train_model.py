"""Train pinzhu's polyphone model (src/pinzhu/data/model.npz) and write reports/model.md.

Model: hashed-feature softmax per character (see src/pinzhu/model.py), trained by full-batch
L-BFGS (scipy) on
  * CPP dev (../shared/data/cpp/dev.jsonl), one labelled polyphone per sentence;
  * g2pL train + dev, reweighted per character so its artificially balanced readings follow a
    prior (CPP-dev counts mixed with the lexicon's reading shares) instead of being uniform;
  * optionally, polyphones inside multi-character lexicon words of those same texts, labelled by
    the word's reading (weak labels from the lexicon).
Hint features come from the lexicon pass (pinzhu.read.lexicon_pass when it exists, else the
stand-in segmentation in scripts/model_data.py): the reading a multi-character word gives, or none.

CPP test is never read.

Usage:
  python scripts/train_model.py            # 5-fold CV on CPP dev, then the final model + report
  python scripts/train_model.py --cv-only  # just the cross-validation numbers
Deterministic: fixed seed, fixed fold split, full-batch optimiser.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np
import scipy.optimize
import scipy.sparse as sp

sys.path.insert(0, str(Path(__file__).resolve().parent))
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from model_data import Lex, lexicon_pass_fn, load_sets  # noqa: E402
from pinzhu.model import PolyphoneModel, codepoints, feature_rows  # noqa: E402

SEED = 20240601
FOLDS = 5

DEFAULTS = dict(
    bits=19,
    templates=[
        [],                               # per-character bias
        [-1], [1], [-2], [2], [-3], [3],  # unigrams
        [-2, -1], [-1, 1], [1, 2], [-3, -2], [2, 3],  # bigrams
        [-3, -2, -1], [-2, -1, 1], [-1, 1, 2], [1, 2, 3],  # trigrams
        ["h"], ["h", -1], ["h", 1],       # lexicon hint, alone and with a neighbour
    ],
    l2=0.5,
    g2pl_weight=0.3,
    derived_weight=0.0,
    derived_hint=False,
    share_floor=0.01,
    prior_floor=0.001,
    iters=300,
)


# ---------------------------------------------------------------------------------------
# label spaces and examples


def label_spaces(lex: Lex, labelled: list[dict], share_floor: float, max_slots: int = 8):
    seen: dict[str, Counter] = defaultdict(Counter)
    for d in labelled:
        seen[d["char"]][d["pinyin"]] += 1
    spaces = {}
    for ch, cnt in seen.items():
        lr = lex.char_readings.get(ch, [])
        ls = lex.char_share.get(ch, [])
        rs = [r for r, s in zip(lr, ls) if s >= share_floor or r in cnt]
        rs += [r for r, _ in cnt.most_common() if r not in rs]
        rs = rs[:max_slots]
        if len(rs) >= 2:
            spaces[ch] = tuple(rs)
    return spaces


class Examples:
    def __init__(self):
        self.text_id, self.pos, self.label, self.hint, self.weight, self.src = [], [], [], [], [], []
        self.texts: list[str] = []
        self.text_index: dict[str, int] = {}

    def tid(self, text):
        i = self.text_index.get(text)
        if i is None:
            i = self.text_index[text] = len(self.texts)
            self.texts.append(text)
        return i

    def add(self, text, pos, label, hint, weight, src):
        self.text_id.append(self.tid(text))
        self.pos.append(pos)
        self.label.append(label)
        self.hint.append(hint)
        self.weight.append(weight)
        self.src.append(src)


def build_features(ex: Examples, idx: np.ndarray, spaces, cfg, char_order):
    """Rows (n, F) hashed features, char row (n,), label slot (n,)."""
    slots = cfg["slots"]
    span = max(abs(o) for t in cfg["templates"] for o in t if o != "h")
    sep = chr(2) * span + chr(1) * span
    # concatenate the needed texts with separators that look like EOS...BOS to each window
    tids = sorted({ex.text_id[i] for i in idx})
    start = {}
    parts, off = [], 0
    for t in tids:
        start[t] = off
        parts.append(ex.texts[t])
        off += len(ex.texts[t]) + len(sep)
    big = sep.join(parts)
    cp = codepoints(big)
    gpos = np.array([start[ex.text_id[i]] + ex.pos[i] for i in idx], dtype=np.int64)
    slot_of = {(ch, r): s for ch, rs in spaces.items() for s, r in enumerate(rs)}
    chars = [ex.texts[ex.text_id[i]][ex.pos[i]] for i in idx]
    hs = np.array([slots + 1 if ex.hint[i] is None else slot_of.get((c, ex.hint[i]), slots)
                   for c, i in zip(chars, idx)], dtype=np.int64)
    rows = feature_rows(cp, gpos, hs, cfg["templates"], cfg["bits"])
    ci = np.array([char_order[c] for c in chars], dtype=np.int64)
    y = np.array([slot_of[(c, ex.label[i])] for c, i in zip(chars, idx)], dtype=np.int64)
    return rows, ci, y, hs


REL_KINDS = 4


def relations(spaces, char_list, S):
    """rel[c, h, s, k]: how slot s relates to hint slot h (S: outside the space, S+1: none)."""
    rel = np.zeros((len(char_list), S + 2, S, REL_KINDS))
    for j, c in enumerate(char_list):
        rs = spaces[c]
        for h, hr in enumerate(rs):
            for s_, r in enumerate(rs):
                if s_ == h:
                    rel[j, h, s_, 0] = 1
                elif hr[:-1] == r[:-1]:
                    if hr[-1] == "5":
                        rel[j, h, s_, 1] = 1
                    elif r[-1] == "5":
                        rel[j, h, s_, 3] = 1
                    else:
                        rel[j, h, s_, 2] = 1
    return rel


def fit(rows, ci, y, hs, w, nchars_mask, prior, rel, cfg, verbose=False):
    n, F = rows.shape
    M, S = 1 << cfg["bits"], cfg["slots"]
    X = sp.csr_matrix((np.ones(n * F, dtype=np.float64), rows.ravel(), np.arange(0, n * F + 1, F)),
                      shape=(n, M))
    X.sum_duplicates()
    used = np.unique(rows)  # optimise only rows that occur (others stay 0)
    remap = np.full(M, -1, dtype=np.int64)
    remap[used] = np.arange(len(used))
    Xu = sp.csr_matrix((X.data, remap[X.indices], X.indptr), shape=(n, len(used)))
    XuT = Xu.T.tocsr()
    mask = nchars_mask[ci]
    Y = np.zeros((n, S))
    Y[np.arange(n), y] = 1.0
    R = rel[ci, np.minimum(hs, S + 1)]  # (n, S, K) relation of each slot to the hint
    K = R.shape[2]
    PR = prior[ci]
    l2 = cfg["l2"]
    wsum = 1.0  # losses are sums; l2 is per unit of example weight

    def f(theta):
        Wu = theta[:-1 - K].reshape(len(used), S)
        g, b = theta[-1 - K:-1], theta[-1]
        z = Xu @ Wu + mask + R @ g + b * PR
        z -= z.max(axis=1, keepdims=True)
        e = np.exp(z)
        Z = e.sum(axis=1, keepdims=True)
        logp = z - np.log(Z)
        loss = -(w * (logp * Y).sum(axis=1)).sum() / wsum + 0.5 * l2 * (Wu * Wu).sum() / wsum
        G = (e / Z - Y) * (w[:, None] / wsum)
        gW = XuT @ G + l2 * Wu / wsum
        gg = np.einsum("ns,nsk->k", G, R)
        gb = (G * PR).sum()
        return loss, np.concatenate([gW.ravel(), gg, [gb]])

    theta0 = np.zeros(len(used) * S + K + 1)
    res = scipy.optimize.minimize(f, theta0, jac=True, method="L-BFGS-B",
                                  options={"maxiter": cfg["iters"], "maxcor": 20, "ftol": 1e-12, "gtol": 1e-9})
    if verbose:
        print(f"  fit: n={n} rows={len(used)} loss={res.fun:.4f} it={res.nit}", flush=True)
    W = np.zeros((M, S), dtype=np.float32)
    W[used] = res.x[:-1 - K].reshape(len(used), S)
    return W, (res.x[-1 - K:-1].copy(), float(res.x[-1]))


def make_model(W, gb, prior, rel, spaces, cfg, char_list, quant="int8"):
    gamma, beta = gb
    hint_table = (rel @ gamma).astype(np.float16)  # (chars, S+2, S)
    S = cfg["slots"]
    if quant == "int8":
        scale = float(np.abs(W).max() / 127.0) or 1.0
        Wq = np.clip(np.round(W / scale), -127, 127).astype(np.int8)
    else:
        scale, Wq = 1.0, W.astype(np.float16)
    cps = np.array([ord(c) for c in char_list], dtype=np.uint32)
    config = {"bits": cfg["bits"], "slots": S, "templates": cfg["templates"]}
    pr16 = (beta * prior).astype(np.float16)
    return (PolyphoneModel(cps, [spaces[c] for c in char_list], Wq, scale, config, hint_table, pr16),
            Wq, scale, cps, config, pr16, hint_table)


# ---------------------------------------------------------------------------------------


def prepare(cfg, lex, lp, sets, verbose=True):
    dev = sets["cpp_dev"]
    g2pl = sets["g2pl_train"] + sets["g2pl_dev"]
    spaces = label_spaces(lex, dev + g2pl, cfg["share_floor"])
    cfg["slots"] = max(len(v) for v in spaces.values())
    char_list = sorted(spaces, key=ord)
    char_order = {c: i for i, c in enumerate(char_list)}

    # lexicon pass per text (cached)
    lp_cache = {}

    def lpass(text):
        r = lp_cache.get(text)
        if r is None:
            r = lp_cache[text] = lp(text)
        return r

    ex = Examples()
    rng = np.random.default_rng(SEED)
    fold_of_dev = rng.permutation(len(dev)) % FOLDS
    fold = []
    for k, d in enumerate(dev):
        hints, mask = lpass(d["text"])
        h = hints[d["index"]]
        if d["char"] in spaces and d["pinyin"] in spaces[d["char"]]:
            ex.add(d["text"], d["index"], d["pinyin"], h, 1.0, "cpp")
            fold.append(int(fold_of_dev[k]))
    # g2pL reweighting toward a prior
    cpp_cnt: dict[str, Counter] = defaultdict(Counter)
    for d in dev:
        cpp_cnt[d["char"]][d["pinyin"]] += 1
    g_cnt: dict[str, Counter] = defaultdict(Counter)
    for d in g2pl:
        g_cnt[d["char"]][d["pinyin"]] += 1
    for d in g2pl:
        ch, r = d["char"], d["pinyin"]
        if ch not in spaces or r not in spaces[ch]:
            continue
        rs = spaces[ch]
        share = dict(zip(lex.char_readings.get(ch, []), lex.char_share.get(ch, [])))
        cc = cpp_cnt.get(ch, Counter())
        tot = sum(cc.values())
        prior = {x: 0.5 * share.get(x, 0.0) + (0.5 * cc[x] / tot if tot else 0.5 * share.get(x, 0.0)) for x in rs}
        prior = {x: max(v, 0.02) for x, v in prior.items()}
        zs = sum(prior.values())
        gt = sum(g_cnt[ch].values())
        wgt = (prior[r] / zs) / (g_cnt[ch][r] / gt)
        wgt = min(wgt, 5.0)
        hints, mask = lpass(d["text"])
        h = hints[d["index"]]
        ex.add(d["text"], d["index"], r, h, cfg["g2pl_weight"] * wgt, "g2pl")
        fold.append(-1)
    # derived (weak) labels: polyphones inside multi-char words of the labelled texts
    if cfg["derived_weight"] > 0:
        dev_text_fold = {}
        for k, d in enumerate(dev):
            dev_text_fold.setdefault(d["text"], int(fold_of_dev[k]))
        for text in list(dict.fromkeys([d["text"] for d in dev] + [d["text"] for d in g2pl])):
            hints, mask = lpass(text)
            fk = dev_text_fold.get(text, -1)
            for i, ch in enumerate(text):
                if mask[i] and ch in spaces and hints[i] in spaces[ch]:
                    ex.add(text, i, hints[i], hints[i] if cfg["derived_hint"] else None,
                           cfg["derived_weight"], "derived")
                    fold.append(-2 - fk if fk >= 0 else -1)  # -2-k: derived from dev fold k's text
    fold = np.array(fold)
    rows, ci, y, hs = build_features(ex, np.arange(len(ex.pos)), spaces, cfg, char_order)
    w = np.array(ex.weight)
    S = cfg["slots"]
    nchars_mask = np.where(np.arange(S)[None, :] < np.array([len(spaces[c]) for c in char_list])[:, None],
                           0.0, -1e9)
    prior = np.zeros((len(char_list), S))
    for j, c in enumerate(char_list):
        share = dict(zip(lex.char_readings.get(c, []), lex.char_share.get(c, [])))
        for s_, r in enumerate(spaces[c]):
            prior[j, s_] = np.log(max(share.get(r, 0.0), cfg["prior_floor"]))
    rel = relations(spaces, char_list, S)
    if verbose:
        print(f"examples: {Counter(ex.src)}; chars {len(char_list)}; slots {S}", flush=True)
    return dict(ex=ex, fold=fold, rows=rows, ci=ci, y=y, hs=hs, w=w, spaces=spaces, char_list=char_list,
                nchars_mask=nchars_mask, prior=prior, rel=rel, lpass=lpass, dev=dev)


def evaluate(model, lex, lpass, items):
    """End-to-end accuracy on CPP-style items: model where it has the char, lexicon pass elsewhere."""
    n_ok = n_lex = 0
    per_char = defaultdict(lambda: [0, 0])
    for d in items:
        hints, mask = lpass(d["text"])
        i = d["index"]
        lex_r = hints[i] if hints[i] is not None else lex.default(d["char"])
        if d["char"] in model.chars:
            r, _ = model.predict(d["text"], np.array([i]), [hints[i]])
            pred = r[0]
        else:
            pred = lex_r
        ok = pred == d["pinyin"]
        n_ok += ok
        n_lex += lex_r == d["pinyin"]
        per_char[d["char"]][0] += ok
        per_char[d["char"]][1] += 1
    return n_ok / len(items), n_lex / len(items), per_char


def run_cv(cfg, P, lex, folds=range(FOLDS), verbose=True):
    accs, laccs, per_char = [], [], defaultdict(lambda: [0, 0])
    dev = P["dev"]
    rng = np.random.default_rng(SEED)
    fold_of_dev = rng.permutation(len(dev)) % FOLDS
    for k in folds:
        t = time.time()
        tr = (P["fold"] != k) & (P["fold"] != -2 - k)
        W, g = fit(P["rows"][tr], P["ci"][tr], P["y"][tr], P["hs"][tr], P["w"][tr], P["nchars_mask"], P["prior"], P["rel"], cfg,
                   verbose)
        model = make_model(W, g, P["prior"], P["rel"], P["spaces"], cfg, P["char_list"])[0]
        held = [d for j, d in enumerate(dev) if fold_of_dev[j] == k]
        acc, lacc, pc = evaluate(model, lex, P["lpass"], held)
        for c, v in pc.items():
            per_char[c][0] += v[0]
            per_char[c][1] += v[1]
        accs.append(acc)
        laccs.append(lacc)
        if verbose:
            print(f"fold {k}: acc {acc:.4f} (lexicon only {lacc:.4f}) gamma={np.round(g[0], 2).tolist()},beta={g[1]:.2f} {time.time() - t:.0f}s",
                  flush=True)
    return accs, laccs, per_char


def speed(model, texts, repeat=3):
    """µs per queried position, batched over each text's polyphone positions."""
    batches = []
    for t in texts:
        pos = np.array([i for i, c in enumerate(t) if c in model.chars], dtype=np.int64)
        if len(pos):
            batches.append((t, pos))
    npos = sum(len(p) for _, p in batches)
    best = 1e9
    for _ in range(repeat):
        t0 = time.perf_counter()
        for t, p in batches:
            model.predict(t, p, None)
        best = min(best, time.perf_counter() - t0)
    # one big text (a document): concatenated sentences
    big = "".join(t for t, _ in batches)
    pos = np.array([i for i, c in enumerate(big) if c in model.chars], dtype=np.int64)
    t0 = time.perf_counter()
    model.predict(big, pos, None)
    doc = time.perf_counter() - t0
    return best / npos * 1e6, doc / len(pos) * 1e6, npos


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cv-only", action="store_true")
    ap.add_argument("--no-cv", action="store_true")
    ap.add_argument("--set", action="append", default=[], help="override a setting, KEY=JSON")
    ap.add_argument("--folds", type=int, default=FOLDS)
    ap.add_argument("--out", type=Path, default=ROOT / "src" / "pinzhu" / "data" / "model.npz")
    ap.add_argument("--report", type=Path, default=ROOT / "reports" / "model.md")
    args = ap.parse_args(argv)
    cfg = dict(DEFAULTS)
    for kv in args.set:
        k, v = kv.split("=", 1)
        cfg[k] = json.loads(v)
    t_start = time.time()
    lex = Lex()
    lp, lp_name = lexicon_pass_fn(lex)
    sets = load_sets()
    P = prepare(cfg, lex, lp, sets)
    print(f"lexicon pass: {lp_name}; prepared in {time.time() - t_start:.0f}s", flush=True)
    cv = None
    if not args.no_cv:
        accs, laccs, per_char = run_cv(cfg, P, lex, range(args.folds))
        print(f"CV mean acc {np.mean(accs):.4f} (lexicon only {np.mean(laccs):.4f})", flush=True)
        cv = (accs, laccs, per_char)
    if args.cv_only:
        return 0
    t = time.time()
    sel = P["fold"] > -1000  # everything
    W, g = fit(P["rows"][sel], P["ci"][sel], P["y"][sel], P["hs"][sel], P["w"][sel], P["nchars_mask"], P["prior"], P["rel"], cfg,
               True)
    model, Wq, scale, cps, config, pr16, htab = make_model(W, g, P["prior"], P["rel"], P["spaces"], cfg, P["char_list"])
    fit_s = time.time() - t
    args.out.parent.mkdir(parents=True, exist_ok=True)
    readings_blob = "\n".join(" ".join(P["spaces"][c]) for c in P["char_list"]).encode("utf-8")
    tmp = args.out.with_suffix(".tmp.npz")
    np.savez_compressed(tmp, W=Wq, scale=np.array(scale, np.float32), chars=cps,
                        readings=np.frombuffer(readings_blob, np.uint8),
                        config=np.frombuffer(json.dumps(config).encode("utf-8"), np.uint8),
                        hint_table=htab, prior=pr16)
    tmp.replace(args.out)
    size = args.out.stat().st_size
    model = PolyphoneModel.load(args.out)
    us_sent, us_doc, npos = speed(model, [d["text"] for d in P["dev"]])
    total_s = time.time() - t_start
    print(f"wrote {args.out} ({size / 1e6:.2f} MB); {us_sent:.2f} µs/position per sentence, "
          f"{us_doc:.3f} µs/position in one document; total {total_s:.0f}s", flush=True)
    write_report(args.report, cfg, P, cv, size, us_sent, us_doc, npos, fit_s, total_s, lp_name, g)
    return 0


def write_report(path, cfg, P, cv, size, us_sent, us_doc, npos, fit_s, total_s, lp_name, gamma):
    src = Counter(P["ex"].src)
    L = ["# Polyphone model", "",
         "Written by `scripts/train_model.py` (do not edit by hand).", "",
         "## Design",
         "Hashed-feature softmax per character (multinomial logistic regression, L2, full-batch L-BFGS). "
         "Features: the target character hashed with each of "
         f"{len(cfg['templates'])} templates (bias, unigrams at ±1..3, bigrams, trigrams around the target, "
         "the lexicon hint alone and crossed with each neighbour) into "
         f"2^{cfg['bits']} rows × {cfg['slots']} reading slots, int8-quantised. "
         "Run time: one gather + sum per position, vectorised over all queried positions of a text.", "",
         f"Hints: from {lp_name}; the lexicon pass's reading at every queried position (a multi-character word's reading, else the character's default). The CV numbers query the model at every position whose character it covers, word-decided or not; most of its gain is correcting word-decided readings (e.g. neutral-tone words that CPP cites with a full tone). "
         f"Hint relation weights γ (same reading, neutral hint→full tone, other tone, full hint→neutral) = {np.round(gamma[0], 2).tolist()}, lexicon log-share prior weight β = {gamma[1]:.2f}.", "",
         "## Data", "",
         f"- CPP dev: {src['cpp']} examples (CV: 5 folds, held-out fold never trained on, "
         "including weak labels derived from its texts).",
         f"- g2pL train + dev: {src['g2pl']} examples, reweighted per character from the balanced "
         "label distribution to a prior (½ CPP-dev frequency + ½ lexicon reading share), capped at 5×; "
         f"overall weight {cfg['g2pl_weight']}.",
         f"- Weak labels (polyphones inside multi-character lexicon words of those texts): {src['derived']} "
         f"examples, weight {cfg['derived_weight']}.",
         "- CPP test: never read.", "",
         f"Characters with a classifier: {len(P['char_list'])}.", "",
         "Settings: `" + json.dumps({k: v for k, v in cfg.items() if k != 'templates'}) + "`", ""]
    if cv:
        accs, laccs, per_char = cv
        L += ["## Held-out CPP dev (5-fold CV, end to end: lexicon pass + model)", "",
              "| fold | lexicon only | lexicon + model |", "| --- | --- | --- |"]
        for k, (a, la) in enumerate(zip(accs, laccs)):
            L.append(f"| {k} | {la:.2%} | {a:.2%} |")
        L.append(f"| mean | {np.mean(laccs):.2%} | {np.mean(accs):.2%} |")
        L += ["", "Per character (most frequent polyphones in CPP dev, CV predictions):", "",
              "| char | n | accuracy |", "| --- | --- | --- |"]
        amb = sorted(per_char.items(), key=lambda kv: (-kv[1][1], kv[0]))
        amb = [kv for kv in amb if kv[0] in P["spaces"]][:40]
        for c, (ok, n) in amb:
            L.append(f"| {c} | {n} | {ok / n:.0%} |")
        worst = sorted(per_char.items(), key=lambda kv: kv[1][0] - kv[1][1])[:15]
        L += ["", "Most errors: " + ", ".join(f"{c} {n - ok}/{n}" for c, (ok, n) in worst), ""]
    L += ["## Cost", "",
          f"- Weights: {size / 1e6:.2f} MB (`src/pinzhu/data/model.npz`).",
          f"- Inference: {us_sent:.2f} µs per position batched per sentence (CPP dev, {npos} positions, "
          f"1 core), {us_doc:.3f} µs per position batched over one long document.",
          f"- Training: final fit {fit_s:.0f} s, whole script {total_s:.0f} s (2 cores).", ""]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(L), encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
