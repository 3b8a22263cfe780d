"""Build pinzhu's lexicon artifact, ``src/pinzhu/data/lexicon.npz``.

Sources (all shipped by well-kept registry packages; see docs/DATA.md for licences):

* pinyin-pro's ``@pinyin-pro/data`` ``complete.json`` (ISC): ~349k words with pinyin and a
  corpus frequency. It gives word readings, word frequencies for segmentation, and (weighted by
  frequency) how common each reading of a character is.
* pypinyin's ``pinyin_dict`` (MIT): every reading of ~42k characters, from Unihan and others.
  Readings no word uses are kept, but marked rare, so 王 yù never surfaces by default.
* OpenCC's ``TSCharacters.txt`` (Apache-2.0, via opencc-python-reimplemented): traditional →
  simplified characters, so traditional text reads as well as simplified.
* ``data/overrides.tsv`` (ours): corrections, mostly lexical neutral tones (东西 dōngxi).
* Fully labelled training sentences (``scripts/model_data.py``: the natural sets in
  ``../shared/data/natural`` — everyday speech, web and news, Wikipedia — and the project's own
  ``data/labels/``; never a dev or test sentence): where a labelled character stands alone (no
  word covers it), its label counts towards that character's default reading — words decide
  作为 wéi, but 为 alone is mostly wèi; where a word covers it, labels that contradict the word's
  reading correct the word. Labels from a balanced polyphone set (g2pL's own) only correct words.

Run: ``pip install '.[build]' && python scripts/build_lexicon.py`` (npm fetches @pinyin-pro/data
into ``build/npm`` unless ``--pinyin-pro-json`` points at complete.json).

Example: ``python scripts/build_lexicon.py --out /tmp/lexicon.npz``
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import unicodedata
from collections import defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
PINYIN_PRO_DATA = "@pinyin-pro/data@1.3.1"
MAX_WORD_LEN = 12
# A reading whose share of a character's weighted uses is below this is "rare": it is listed by
# readings() but never chosen by default.
RARE_SHARE = 0.005


def to_numbers(syllable: str) -> str:
    """'lǜ' -> 'lv4', 'de' -> 'de5' (ü as v, neutral tone 5)."""
    from pypinyin.contrib.tone_convert import to_tone3

    s = to_tone3(unicodedata.normalize("NFC", syllable.strip()), neutral_tone_with_five=True)
    s = s.replace("ü", "v")
    if not s or not s[-1].isdigit():
        s += "5"
    return s


def fetch_pinyin_pro(cache: Path) -> Path:
    target = cache / "node_modules/@pinyin-pro/data/json/complete.json"
    if not target.exists():
        cache.mkdir(parents=True, exist_ok=True)
        subprocess.run(["npm", "install", "--silent", "--no-audit", "--no-fund", "--prefix", str(cache),
                        PINYIN_PRO_DATA], check=True)
    return target


def citation(word: str, syls: list[str]) -> list[str]:
    """pinyin-pro writes 一/不 with tone sandhi (yí xià); GB/T 16159 cites yī, bù."""
    out = []
    for ch, s in zip(word, syls):
        if ch == "一" and s in ("yi2", "yi4"):
            s = "yi1"
        elif ch == "不" and s == "bu2":
            s = "bu4"
        out.append(s)
    return out


def load_words(path: Path) -> dict[str, tuple[list[str], float]]:
    raw = json.loads(path.read_text(encoding="utf-8"))
    words: dict[str, tuple[list[str], float]] = {}
    skipped = 0
    for word, (pinyin, freq) in raw.items():
        syls = [to_numbers(s) for s in pinyin.split()]
        if len(syls) != len(word) or len(word) > MAX_WORD_LEN:
            skipped += 1
            continue
        words[word] = (citation(word, syls), float(freq))
    print(f"pinyin-pro: {len(words)} words kept, {skipped} skipped (length mismatch or too long)")
    return words


def load_overrides(path: Path) -> dict[str, list[str]]:
    out = {}
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        word, pinyin = line.split("\t")
        syls = pinyin.split()
        if len(syls) != len(word):
            raise SystemExit(f"{path}:{n}: {word!r} has {len(word)} characters but {len(syls)} syllables")
        out[word] = syls
    return out


def load_t2s() -> dict[str, str]:
    import opencc

    path = Path(opencc.__file__).parent / "dictionary" / "TSCharacters.txt"
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        trad, cands = line.split("\t")
        cands = cands.split()
        if len(trad) == 1 and trad not in cands and len(cands[0]) == 1:
            out[trad] = cands[0]
    return out


def label_counts(artifact: Path, natural: list[Path], exclude: frozenset[str]) -> tuple[dict, dict]:
    """Label counts read with ``artifact``: of characters that no multi-character word covers,
    and of (word, offset) where a word covers the labelled character. A label from a balanced
    polyphone set (g2pL's own) corrects words but is no evidence of a standalone default."""
    sys.path.insert(0, str(ROOT / "src"))
    from model_data import labelled_sentences
    from pinzhu.lexicon import Lexicon
    from pinzhu.read import SRC_CHAR, read
    from pinzhu.segment import word_spans

    lex = Lexicon(artifact)
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    in_words: dict[tuple[str, int], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    n = 0
    for sent in labelled_sentences(natural, exclude):
        text = sent["text"]
        r = read(text, lexicon=lex, use_model=False)
        spans = None
        for i, label in sent["labels"]:
            if r.src[i] == SRC_CHAR:
                if i not in sent["balanced"]:
                    counts[text[i]][label] += 1
                    n += 1
            elif r.src[i] & 3 == 2:
                spans = spans or word_spans(r.src, r.han)
                a, b = next(span for span in spans if span[0] <= i < span[1])
                in_words[(text[a:b], i - a)][label] += 1
    print(f"labelled: {n} standalone positions of {len(counts)} characters, {len(in_words)} word positions")
    return counts, in_words


def word_corrections(words: dict[str, tuple[list[str], float]], in_words: dict) -> dict[str, list[str]]:
    """Word readings the training labels contradict at least twice and never confirm.

    Lexical neutral tones stay (the dictionary's 衣服 yīfu, where Wikipedia-based labels write
    fu2): that is a convention, not an error.
    """
    fixes: dict[str, list[str]] = {}
    for (word, k), c in in_words.items():
        if word not in words:  # written in traditional characters: the simplified word decides
            continue
        syls = fixes.get(word, list(words[word][0]))
        have = syls[k]
        best, n = max(c.items(), key=lambda kv: kv[1])
        if best == have or c.get(have, 0) >= n or n < MIN_CORRECTIONS:
            continue
        if have.endswith("5") and best[:-1] == have[:-1]:
            continue
        if "r5" in (have, best):  # erhua (哪儿 nǎr) or not: a convention too, not an error
            continue
        syls[k] = best
        fixes[word] = syls
    print(f"labelled: {len(fixes)} word readings corrected")
    return fixes


MIN_CORRECTIONS = 1

# A word whose labelled uses split between two readings of a character (一行 yìxíng / yìháng, 还给
# huán / hái, 大夫 dàifu / dàfū) is no word at all for reading: it is dropped, so the character
# stands alone and the polyphone model reads it from the sentence. Split: the second reading has
# at least this many labels and this share of them.
CONTESTED_MIN = 2
CONTESTED_SHARE = 0.15


def contested_words(in_words: dict) -> set[str]:
    out = set()
    for (word, k), c in in_words.items():
        # a neutral-tone label counts with the full reading of the same syllable: a convention
        full = {r[:-1]: r for r, _ in sorted(c.items(), key=lambda kv: kv[1]) if not r.endswith("5")}
        merged: dict[str, int] = defaultdict(int)
        for r, n in c.items():
            r = "er5" if r == "r5" else r  # erhua spelled apart or joined: one reading
            merged[full.get(r[:-1], r) if r.endswith("5") else r] += n
        tops = sorted(merged.values(), reverse=True)
        if len(tops) >= 2 and tops[1] >= CONTESTED_MIN and tops[1] >= CONTESTED_SHARE * sum(tops):
            out.add(word)
    print(f"labelled: {len(out)} words dropped as contested: {' '.join(sorted(out)[:60])}")
    return out


# How many labelled standalone uses the word list's shares count for.
PRIOR_WEIGHT = 2.0


def own_readings(t2s: dict[str, str], counts: dict, weight: dict, char_readings: dict) -> set[str]:
    """Drop (in place) the traditional -> simplified mapping of characters whose own labels
    contradict it: OpenCC maps 吒 to 咤 (zhà) and 閤 to 合 (hé), but simplified text writes 哪吒
    (zhā) and 閤 (gé) as themselves. Contradicted: the labels' majority reading is not the
    simplified character's most common one. Returns the characters kept apart."""
    out = set()
    for t, simp in list(t2s.items()):
        c = counts.get(t)
        if not c or sum(c.values()) < 2:
            continue
        best = max(c.items(), key=lambda kv: kv[1])[0]
        w = weight.get(simp)
        default = max(w.items(), key=lambda kv: kv[1])[0] if w else (char_readings.get(simp) or [None])[0]
        if best != default:
            del t2s[t]
            out.add(t)
    return out


def add_traditional_words(words: dict[str, tuple[list[str], float]], t2s: dict[str, str]) -> dict[str, str]:
    """Traditional spellings of listed words (OpenCC's STPhrases), as the engine sees them.

    The engine maps each traditional character to its simplified one, except characters that
    are their own simplified form too (於, 瞭, 乾): those keep their own readings, so 於是 needs
    its own entry to read yúshì, not wūshì. Keys are the phrase after that character mapping.
    Returns {traditional key: simplified word}.
    """
    import opencc

    path = Path(opencc.__file__).parent / "dictionary" / "STPhrases.txt"
    added: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        simp, trads = line.split("\t")
        if simp not in words:
            continue
        for trad in trads.split():
            key = "".join(t2s.get(c, c) for c in trad)
            if len(key) == len(simp) and key != simp and key not in words:
                words[key] = words[simp]
                added[key] = simp
    return added


def build(pinyin_pro_json: Path, out: Path, natural: list[Path], exclude: frozenset[str]) -> None:
    write(pinyin_pro_json, out, {}, {})
    if natural:
        counts, in_words = label_counts(out, natural, exclude)
        write(pinyin_pro_json, out, counts, in_words)


def write(pinyin_pro_json: Path, out: Path, counts: dict[str, dict[str, int]], in_words: dict) -> None:
    from pypinyin.pinyin_dict import pinyin_dict

    words = load_words(pinyin_pro_json)
    for word in contested_words(in_words):
        words.pop(word, None)
    for word, syls in word_corrections(words, in_words).items():
        words[word] = (syls, words[word][1])
    for word, syls in load_overrides(ROOT / "data" / "overrides.tsv").items():
        freq = words.get(word, (None, 1e-9))[1]
        words[word] = (syls, freq)

    t2s = load_t2s()
    trad_words = add_traditional_words(words, t2s)
    print(f"OpenCC: {len(trad_words)} traditional spellings of words added")

    # Every reading of every character: pypinyin's list, plus any reading a word uses.
    char_readings: dict[str, list[str]] = {}
    for cp, readings in pinyin_dict.items():
        char_readings[chr(cp)] = [to_numbers(r) for r in readings.split(",")]
    weight: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for word, (syls, freq) in words.items():
        simp = trad_words.get(word, "")
        for k, (ch, s) in enumerate(zip(word, syls)):
            if simp and simp[k] == ch:  # counted once, in the simplified word
                continue
            weight[ch][s] += freq
            rs = char_readings.setdefault(ch, [])
            if s not in rs:
                rs.append(s)

    kept_apart = own_readings(t2s, counts, weight, char_readings)
    if kept_apart:
        print(f"labelled: {len(kept_apart)} characters read as themselves, not as their simplified form: "
              + "".join(sorted(kept_apart)))
    # A label adds a reading the dictionaries lack only as the neutral tone of a syllable they give
    # (哦 o5, 耶 ye5), or to a character they give none: anything else is a reviewer's slip or an
    # erhua spelling (儿 r5, 得 de4), and as a reading it would change how parse splits 哪儿(nǎr)
    # and what audit accepts.
    dropped = defaultdict(int)
    for ch, c in counts.items():
        known = char_readings.setdefault(ch, [])
        ok = {r for r in c if not known or r in known or (r.endswith("5") and any(k[:-1] == r[:-1] for k in known))}
        for r, n in c.items():
            if r not in ok:
                dropped[f"{ch} {r}"] += n
            elif r not in known:
                known.append(r)
        counts[ch] = {r: n for r, n in c.items() if r in ok}
    if dropped:
        print("labelled: readings no dictionary gives, not added: "
              + ", ".join(f"{k} ×{n}" for k, n in sorted(dropped.items(), key=lambda kv: -kv[1])))
    syllables = sorted({s for rs in char_readings.values() for s in rs})
    syl_id = {s: i + 1 for i, s in enumerate(syllables)}  # 0 = no reading

    cps, offs, csyl, cshare = [], [0], [], []
    for ch in sorted(char_readings, key=ord):
        rs = char_readings[ch]
        w = weight.get(ch, {})
        total = sum(w.values())
        share = {r: (w.get(r, 0.0) / total if total else (1.0 if i == 0 else 0.0)) for i, r in enumerate(rs)}
        c = counts.get(ch)
        if c:  # every labelled reading is among rs (added above, or left out there)
            n = sum(c.values())
            share = {r: (c.get(r, 0) + PRIOR_WEIGHT * share.get(r, 0.0)) / (n + PRIOR_WEIGHT) for r in rs}
        order = {r: i for i, r in enumerate(rs)}
        # Most common first; readings no word uses keep pypinyin's order after them.
        rs = sorted(rs, key=lambda r: (-share[r], order[r]))
        cps.append(ord(ch))
        for r in rs:
            csyl.append(syl_id[r])
            cshare.append(share[r])
        offs.append(len(csyl))

    # Words: multi-character only (single characters live in the character table), with log
    # probabilities for segmentation; single-character log probabilities separately.
    multi = sorted(w for w in words if len(w) >= 2)
    total_freq = sum(f for _, f in words.values())
    # Sorted by code points: the index narrows a range of words one character at a time.
    word_cps = np.frombuffer("".join(multi).encode("utf-32-le"), dtype="<u4")
    word_off = np.concatenate([[0], np.cumsum([len(w) for w in multi])]).astype(np.int32)
    wsyl = np.array([syl_id[s] for w in multi for s in words[w][0]], dtype=np.uint16)
    wlogp = np.array([math.log(max(words[w][1], 1e-13) / total_freq) for w in multi], dtype=np.float32)
    char_logp = np.array([math.log(max(words.get(chr(c), (None, 1e-13))[1], 1e-13) / total_freq)
                          for c in cps], dtype=np.float32)

    t2s_pairs = np.array(sorted((ord(t), ord(s)) for t, s in t2s.items()), dtype=np.uint32)

    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".tmp.npz")
    # Stored uncompressed: loading is then a copy, not a 40 ms inflate (git and wheels compress).
    np.savez(
        tmp,
        syllables=np.frombuffer("\n".join(syllables).encode("utf-8"), dtype=np.uint8),
        char_cps=np.array(cps, dtype=np.uint32),
        char_off=np.array(offs, dtype=np.int32),
        char_syl=np.array(csyl, dtype=np.uint16),
        char_share=np.array(cshare, dtype=np.float16),
        char_logp=char_logp,
        word_cps=word_cps,
        word_off=word_off,
        word_syl=wsyl,
        word_logp=wlogp,
        t2s=t2s_pairs,
        rare_share=np.array(RARE_SHARE, dtype=np.float32),
    )
    os.replace(tmp, out)
    print(f"wrote {out} ({out.stat().st_size / 1e6:.1f} MB): {len(syllables)} syllables, "
          f"{len(cps)} characters, {len(multi)} words, {len(t2s)} traditional characters")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pinyin-pro-json", type=Path, help="path to @pinyin-pro/data json/complete.json")
    ap.add_argument("--out", type=Path, default=ROOT / "src" / "pinzhu" / "data" / "lexicon.npz")
    ap.add_argument("--natural", type=Path, nargs="*", default=None,
                    help="fully labelled JSONL sets (text, pinyin: one label per Han character); "
                         "default: the shared natural training sets and data/labels/*.jsonl.gz; none to skip")
    ap.add_argument("--exclude-texts", type=Path,
                    help="JSONL whose sentences (field text) are left out of every labelled source "
                         "(default: the dev and test sets)")
    args = ap.parse_args(argv)
    src = args.pinyin_pro_json or fetch_pinyin_pro(ROOT / "build" / "npm")
    sys.path.insert(0, str(ROOT / "scripts"))
    import model_data

    natural = model_data.training_paths() if args.natural is None else args.natural
    if args.exclude_texts:
        exclude = frozenset(d["text"] for d in model_data.load_jsonl(args.exclude_texts))
    else:
        exclude = model_data.never_train_texts()
    build(src, args.out, natural, exclude)
    return 0


if __name__ == "__main__":
    sys.exit(main())
