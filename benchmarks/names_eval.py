"""Names benchmark (issue #17): surnames read as surnames, and no cost elsewhere.

    python benchmarks/names_eval.py regress     # person_names off vs auto on tatoeba_dev, CPP test, g2pL test
    python benchmarks/names_eval.py names       # the labelled names set beside pinyin-pro's surname modes
    python benchmarks/names_eval.py all         # both; writes benchmarks/NAMES.md

``regress`` reads every labelled position of ``../shared/data/natural/tatoeba_dev.jsonl`` and
``g2pl_dev_full.jsonl`` (every Han character; everyday speech, and web and news text) and ``../shared/data/{cpp,g2pl}/test.jsonl`` (one polyphone per sentence) twice, with
``person_names="off"`` and ``"auto"`` (same lexicon and model), and counts the positions "auto"
changed, and how many of those it made right or wrong. Scoring is the natural-text sets' lenient
rule (``../shared/data/natural/score.py``).

``names`` reads ``benchmarks/data/names.jsonl`` (``{"id", "text", "pinyin": [one syllable per Han
character], "reviewed"}``, person names in sentences, labelled and reviewed blind) with pinzhu
(``person_names`` auto and off) and pinyin-pro 3.29.4 (``surname`` off, ``'head'`` and ``'all'``),
and scores every Han character, and separately the *surname characters*: positions whose character
is a surname with a reading of its own in either system's surname table (单, 曾, 解, 区, 仇, 查,
朴, 万俟 …), name or not (智能's 能 too). Nothing here is tuned on that set.
"""

from __future__ import annotations

import argparse
import datetime
import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SHARED = HERE.parent.parent / "shared" / "data"
NAMES = HERE / "data" / "names.jsonl"
HAN = re.compile("[〇\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")


def scorer():
    spec = importlib.util.spec_from_file_location("score", SHARED / "natural" / "score.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def load_all_han(path: Path) -> list[tuple[str, list[tuple[int, str]]]]:
    out = []
    for line in path.open(encoding="utf-8"):
        if line.strip():
            row = json.loads(line)
            pos = [m.start() for m in HAN.finditer(row["text"])]
            assert len(pos) == len(row["pinyin"]), row["id"]
            out.append((row["text"], list(zip(pos, row["pinyin"]))))
    return out


def load_polyphone(path: Path) -> list[tuple[str, list[tuple[int, str]]]]:
    out = []
    for line in path.open(encoding="utf-8"):
        if line.strip():
            row = json.loads(line)
            out.append((row["text"], [(row["index"], row["pinyin"])]))
    return out


def pinzhu_read(texts: list[str], mode: str) -> list[list[str | None]]:
    import pinzhu

    out = []
    for a in range(0, len(texts), 2000):
        out += [r.syllables() for r in pinzhu.reading_many(texts[a:a + 2000], person_names=mode)]
    return out


def regress() -> list[str]:
    sc = scorer()
    sets = [("tatoeba_dev", load_all_han(SHARED / "natural" / "tatoeba_dev.jsonl")),
            ("g2pl_dev_full", load_all_han(SHARED / "natural" / "g2pl_dev_full.jsonl")),
            ("CPP test", load_polyphone(SHARED / "cpp" / "test.jsonl")),
            ("g2pL test", load_polyphone(SHARED / "g2pl" / "test.jsonl"))]
    lines = ["| set | labelled | errors, names off | errors, names auto | changed | made right | made wrong |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    examples = []
    for name, rows in sets:
        texts = [t for t, _ in rows]
        off, auto = pinzhu_read(texts, "off"), pinzhu_read(texts, "auto")
        n = e_off = e_auto = changed = right = wrong = 0
        for (text, labels), a, b in zip(rows, off, auto):
            for i, gold in labels:
                n += 1
                ok_a = sc.lenient_equal(text[i], sc.norm(gold), sc.norm(a[i]))
                ok_b = sc.lenient_equal(text[i], sc.norm(gold), sc.norm(b[i]))
                e_off += not ok_a
                e_auto += not ok_b
                if a[i] != b[i]:
                    changed += 1
                    right += ok_b and not ok_a
                    wrong += ok_a and not ok_b
                    examples.append(f"{name}: {text[max(0, i - 8):i + 8]} [{text[i]}] {a[i]} -> {b[i]} (gold {gold})")
        lines.append(f"| {name} | {n} | {e_off} | {e_auto} | {changed} | {right} | {wrong} |")
    return lines + [""] + [f"    {x}" for x in examples[:60]]


def pinyin_pro(texts: list[str]) -> dict[str, list[list[str | None]]]:
    script = HERE / "pinyin_pro_names.js"
    out = subprocess.run(["node", str(script), "convert"], input="\n".join(json.dumps({"text": t}) for t in texts),
                         capture_output=True, text=True, check=True, cwd=HERE)
    return json.loads(out.stdout)["results"]


def surname_chars() -> set[str]:
    """Characters that start a surname with a reading of its own, in pinzhu's table or pinyin-pro's."""
    from pinzhu import names
    from pinzhu.lexicon import default_lexicon

    lex = default_lexicon()
    out = set()
    for k, (syls, _) in names.data().surnames.items():
        if syls[0] != lex.syllables[int(lex.default_syl[ord(k[0])])]:
            out.add(k[0])
    return out


def names_set(path: Path = NAMES) -> list[str]:
    if not path.exists():
        return [f"(no {path} yet)"]
    sc = scorer()
    rows = load_all_han(path)
    texts = [t for t, _ in rows]
    systems = {"pinzhu (person_names=auto)": pinzhu_read(texts, "auto"),
               "pinzhu (person_names=off)": pinzhu_read(texts, "off")}
    pp = pinyin_pro(texts)
    systems.update({f"pinyin-pro 3.29.4 (surname: '{k}')": v for k, v in pp.items()})
    chars = surname_chars()
    lines = [f"{len(rows)} sentences, {sum(len(x) for _, x in rows)} Han characters, "
             f"{sum(1 for t, x in rows for i, _ in x if t[i] in chars)} surname characters.", "",
             "| system | surname characters right | every Han character right | sentences all right |",
             "| --- | ---: | ---: | ---: |"]
    for label, preds in systems.items():
        n = ok = sn = sok = sent = 0
        for (text, labels), pred in zip(rows, preds):
            all_ok = True
            for i, gold in labels:
                good = sc.lenient_equal(text[i], sc.norm(gold), sc.norm(pred[i]))
                n += 1
                ok += good
                all_ok &= good
                if text[i] in chars:
                    sn += 1
                    sok += good
            sent += all_ok
        lines.append(f"| {label} | {sok}/{sn} = {sok / max(sn, 1):.1%} | {ok / max(n, 1):.2%} | "
                     f"{sent}/{len(rows)} = {sent / max(len(rows), 1):.1%} |")
    return lines


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("what", choices=("regress", "names", "all"))
    ap.add_argument("--set", type=Path, default=NAMES, help="the labelled names set (default: %(default)s)")
    args = ap.parse_args()
    out = []
    if args.what in ("names", "all"):
        out += ["## Names set", ""] + names_set(args.set) + [""]
    if args.what in ("regress", "all"):
        out += ["## No regression elsewhere (person_names off vs auto)", ""] + regress() + [""]
    text = "\n".join(out)
    print(text)
    if args.what == "all":
        import pinzhu

        head = (f"# Names benchmark\n\n`python benchmarks/names_eval.py all` — pinzhu {pinzhu.__version__}, "
                f"{datetime.date.today().isoformat()}. {sys.modules['__main__'].__doc__.split(chr(10))[0]}\n\n")
        (HERE / "NAMES.md").write_text(head + text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
