"""Spoken-mode benchmark: syllable error rate against what speakers said (../shared/data/spoken).

    python benchmarks/spoken_eval.py                  # prints the table and writes benchmarks/SPOKEN.md
    python benchmarks/spoken_eval.py --no-pinyin-pro  # without the node peer
    python benchmarks/spoken_eval.py --errors spoken  # also print spoken mode's commonest errors

Sets: bznsyp (Databaker; evaluation only — nothing derived from it may ship, and no rule is fitted
to its sentences) and thchs30 (Apache-2.0). Both label one syllable per Han character.

Scoring: one syllable per Han character, substitutions only (the alignment is given). "tones" is
the exact numbers-form syllable (neutral 5, ü as v); "no tones" drops the digit. Erhua: bznsyp
labels an erhua 儿 as the base syllable plus ``er5`` for 儿 (positions in its ``erhua`` field);
pinzhu's spoken mode gives the base character ``wanr2`` and 儿 the empty syllable, so its answer
is split back the same way (``wanr2``, ``""`` → ``wan2``, ``er5``) before comparing — a merged 儿
the reference did not merge, or the other way round, is then an error on 儿's tone only.
"""

from __future__ import annotations

import argparse
import collections
import datetime
import json
import re
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
SHARED = HERE.parent.parent / "shared" / "data" / "spoken"
SETS = ("bznsyp", "thchs30")
HAN = re.compile("[〇\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")
HAN_RUN = re.compile(f"{HAN.pattern}+")

System = Callable[[list[str]], list[list[str]]]  # texts -> per Han character syllables


def load(name: str) -> list[dict]:
    with open(SHARED / f"{name}.jsonl", encoding="utf-8") as f:
        rows = [json.loads(line) for line in f if line.strip()]
    for r in rows:
        assert len(HAN.findall(r["text"])) == len(r["pinyin"]), r["id"]
    return rows


def normalize(syllable: str | None) -> str:
    """Numbers form with an explicit neutral 5 and ü as v; '' for no answer."""
    if not syllable:
        return ""
    s = syllable.strip().lower().replace("ü", "v").replace("u:", "v")
    if s.endswith("0"):  # pinyin-pro writes the neutral tone as 0
        s = s[:-1] + "5"
    return s if s[-1].isdigit() else s + "5"


def split_erhua(syls: list[str]) -> list[str]:
    """pinzhu's merged erhua back into base + er5: ['wanr2', ''] -> ['wan2', 'er5']."""
    out = list(syls)
    for i in range(1, len(out)):
        if out[i] == "" and re.fullmatch(r"[a-z]+r[1-5]", out[i - 1] or "") and not out[i - 1].startswith("er"):
            out[i - 1] = out[i - 1][:-2] + out[i - 1][-1]
            out[i] = "er5"
    return out


def han_only(text: str, per_char: list[str | None]) -> list[str]:
    return [normalize(s) if s is not None else "" for ch, s in zip(text, per_char) if HAN.fullmatch(ch)]


def pinzhu_system(spoken: bool, yi_bu: bool = False) -> System:
    import pinzhu

    cfg = pinzhu.Config(tone="numbers", spoken=spoken, yi_bu=yi_bu)

    def run(texts: list[str]) -> list[list[str]]:
        return [split_erhua(han_only(t, pinzhu.pinyin(t, config=cfg))) for t in texts]

    return run


def ablated_system(drop: str) -> System:
    """pinzhu spoken without one rule (by function name): what each rule is worth."""
    import pinzhu
    from pinzhu import sandhi

    rules = [r for r in sandhi.RULES if r.__name__ != drop]

    def run(texts: list[str]) -> list[list[str]]:
        out = []
        for t in texts:
            syls = sandhi.spoken_syllables(sandhi.context(pinzhu.reading(t)), rules)
            out.append(split_erhua(han_only(t, [s if h else None for s, h in zip(syls, han_mask(t))])))
        return out

    return run


def han_mask(text: str) -> list[bool]:
    return [bool(HAN.fullmatch(ch)) for ch in text]


def pypinyin_system(sandhi: bool) -> System:
    from pypinyin import Style, lazy_pinyin

    def run(texts: list[str]) -> list[list[str]]:
        out = []
        for t in texts:
            syls: list[str] = []
            for run_ in HAN_RUN.findall(t):  # per Han run, so entries line up with characters
                got = lazy_pinyin(run_, style=Style.TONE3, neutral_tone_with_five=True, tone_sandhi=sandhi)
                got = (got + [""] * len(run_))[: len(run_)]
                syls += [normalize(s) for s in got]
            out.append(syls)
        return out

    return run


def pinyin_pro_system() -> System:
    """pinyin-pro through the benchmark harness's node runner (its defaults: toneSandhi on)."""

    def run(texts: list[str]) -> list[list[str]]:
        stdin = "".join(json.dumps({"text": t}, ensure_ascii=False) + "\n" for t in texts)
        res = subprocess.run(["node", str(HERE / "pinyin_pro.js"), "convert", "--dicts", "default"],
                             input=stdin, capture_output=True, text=True, check=True)
        entries = json.loads(res.stdout)["results"]["default"]
        return [han_only(t, e) for t, e in zip(texts, entries)]

    return run


def score(gold: list[list[str]], hyp: list[list[str]]) -> dict[str, float]:
    n = err = err_base = 0
    for g, h in zip(gold, hyp):
        for gs, hs in zip(g, h):
            n += 1
            err += gs != hs
            err_base += gs[:-1] != hs[:-1]
    return {"n": n, "ser": err / n, "ser_base": err_base / n}


def commonest_errors(texts: list[str], gold: list[list[str]], hyp: list[list[str]], k: int = 25) -> list[str]:
    """Tone-only errors by character and (reference, answer): where to look next."""
    c: collections.Counter[str] = collections.Counter()
    for t, g, h in zip(texts, gold, hyp):
        for ch, gs, hs in zip(HAN.findall(t), g, h):
            if gs != hs and gs[:-1] == hs[:-1]:
                c[f"{ch} {gs}->{hs}"] += 1
    return [f"{n:5d}  {e}" for e, n in c.most_common(k)]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--no-pinyin-pro", action="store_true", help="skip the node peer")
    ap.add_argument("--ablate", action="store_true", help="also run spoken mode without each rule")
    ap.add_argument("--errors", metavar="SYSTEM", help="print that system's commonest tone errors")
    ap.add_argument("--out", default=str(HERE / "SPOKEN.md"), help="markdown report ('' for none)")
    args = ap.parse_args(argv)

    systems: dict[str, System] = {
        "pinzhu citation": pinzhu_system(False),
        "pinzhu yi_bu": pinzhu_system(False, yi_bu=True),
        "pinzhu spoken": pinzhu_system(True),
        "pypinyin": pypinyin_system(False),
        "pypinyin tone_sandhi": pypinyin_system(True),
    }
    if not args.no_pinyin_pro:
        systems["pinyin-pro"] = pinyin_pro_system()
    if args.ablate:
        from pinzhu.sandhi import RULES

        systems.update({f"spoken without {r.__name__}": ablated_system(r.__name__) for r in RULES})

    results: dict[str, dict[str, dict[str, float]]] = {}
    for name in SETS:
        rows = load(name)
        texts = [r["text"] for r in rows]
        gold = [[normalize(s) for s in r["pinyin"]] for r in rows]
        for sysname, fn in systems.items():
            t0 = time.perf_counter()
            try:
                hyp = fn(texts)
            except (OSError, subprocess.CalledProcessError) as e:
                print(f"{sysname}: skipped ({e})", file=sys.stderr)
                continue
            res = score(gold, hyp)
            res["seconds"] = time.perf_counter() - t0
            results.setdefault(sysname, {})[name] = res
            print(f"{name:8s} {sysname:22s} SER {100 * res['ser']:6.2f} %   no tones {100 * res['ser_base']:5.2f} %")
            if args.errors and args.errors.lower() in sysname:
                print("\n".join(commonest_errors(texts, gold, hyp)))

    if args.out:
        Path(args.out).write_text(report(results, argv), encoding="utf-8")
        print(f"wrote {args.out}")
    return 0


def report(results: dict[str, dict[str, dict[str, float]]], argv: list[str] | None) -> str:
    import pinzhu
    import pypinyin

    cmd = " ".join(["python benchmarks/spoken_eval.py", *(argv if argv is not None else sys.argv[1:])])
    lines = [
        "# Spoken mode: syllable error rate against spoken references",
        "",
        f"Command: `{cmd}` — {datetime.date.today().isoformat()}; pinzhu {pinzhu.__version__}, "
        f"pypinyin {pypinyin.__version__}.",
        "",
        "SER = wrong syllables / Han characters (the alignment is given: one syllable per character).",
        "*tones*: exact numbers form (neutral 5); *no tones*: the syllable without its tone.",
        "Erhua counts as base syllable + `er5` on 儿, the references' convention (see the script).",
        "",
        "| system | bznsyp SER tones | bznsyp no tones | thchs30 SER tones | thchs30 no tones |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for sysname, per in results.items():
        cells = []
        for name in SETS:
            r = per.get(name)
            cells += [f"{100 * r['ser']:.2f} %", f"{100 * r['ser_base']:.2f} %"] if r else ["—", "—"]
        lines.append(f"| {sysname} | " + " | ".join(cells) + " |")
    n = {name: next((per[name]["n"] for per in results.values() if name in per), 0) for name in SETS}
    lines += [
        "",
        f"Syllables: bznsyp {n['bznsyp']:,}, thchs30 {n['thchs30']:,}.",
        "",
        "- *pinzhu citation*: `Config(tone='numbers')`; *pinzhu yi_bu*: `Config(tone='numbers', yi_bu=True)` (only",
        "  一/不 change, as textbooks write); *pinzhu spoken*: `Config(tone='numbers', spoken=True)`.",
        "- *pypinyin*: `lazy_pinyin(run, style=Style.TONE3, neutral_tone_with_five=True)` per Han run;",
        "  *tone_sandhi*: the same with `tone_sandhi=True` (pypinyin ≥ 0.48).",
        "- *pinyin-pro*: `pinyin(text, {type: 'array', toneType: 'num'})` (toneSandhi on by default),",
        "  via `benchmarks/pinyin_pro.js`; neutral 0 scored as 5.",
        "- *spoken without R* (with `--ablate`): spoken mode with the one rule R of `pinzhu.sandhi.RULES`",
        "  removed — what each rule is worth. Rules and choices: `docs/spoken.md`.",
        "- bznsyp is Databaker's corpus: evaluation only; no rule was fitted to its sentences.",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
