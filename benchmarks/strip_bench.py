"""Strip benchmarks: precision and recall per insertion style, and throughput.

    python benchmarks/strip_bench.py --styles [--write]   # precision/recall per style (benchmarks/STRIP.md)
    python benchmarks/strip_bench.py [--repeat N]         # throughput

**Styles** (``benchmarks/strip_cases.txt``, sentences written for it in each style real pages use,
none copied from the web): each annotation is marked with ⟦…⟧ — exactly the span strip must
remove, spacing included. A removal counts as right only when it is exactly a marked span. The
``content`` sections (abbreviations, English glosses including words that spell toneless pinyin,
surname glosses, numbers, references, code, formulas, Latin names, jyutping, translations) and
``tests/fixtures/not_pinyin.txt`` must come through untouched: any removal there is a false one.

**Throughput**: examples/news.txt repeated, every third Han character annotated in tone marks
(far denser than a content-farm page); and the clean text, which has no brackets at all (most of a
corpus: there the regex prefilters are all the work).
"""

from __future__ import annotations

import argparse
import random
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

import pinzhu
from pinzhu.parse import HAN, find_annotations

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "benchmarks" / "strip_cases.txt"
NOT_PINYIN = ROOT / "tests" / "fixtures" / "not_pinyin.txt"
_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})|\\U([0-9a-fA-F]{8})")


@dataclass
class Case:
    section: str              # "style" or "content"
    name: str
    text: str                 # the input
    spans: list[tuple[int, int]]  # what strip must remove
    options: dict[str, bool] = field(default_factory=dict)

    @property
    def clean(self) -> str:
        out, pos = [], 0
        for a, b in self.spans:
            out.append(self.text[pos:a])
            pos = b
        return "".join(out) + self.text[pos:]


def _unmark(line: str) -> tuple[str, list[tuple[int, int]]]:
    out: list[str] = []
    spans: list[tuple[int, int]] = []
    n, start = 0, None
    for ch in line:
        if ch == "⟦":
            start = n
        elif ch == "⟧":
            spans.append((start, n))  # type: ignore[arg-type]
            start = None
        else:
            out.append(ch)
            n += 1
    return "".join(out), spans


def load_cases(path: Path = CASES) -> list[Case]:
    cases, section, name, options = [], "", "", {}
    for raw in path.read_text(encoding="utf-8").splitlines():
        if raw.startswith("## "):
            words = raw[3:].split()
            section = words[0]
            name = " ".join(w for w in words[1:] if "=" not in w) if section == "content" else words[1]
            options = {k: v == "True" for k, v in (w.split("=") for w in words[2:] if "=" in w)}
            continue
        if not raw or raw.startswith("#"):
            continue
        line = _ESCAPE.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), raw)
        text, spans = _unmark(line)
        cases.append(Case(section, name, text, spans, options))
    for line in NOT_PINYIN.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            cases.append(Case("content", "tests/fixtures/not_pinyin.txt", line, []))
    return cases


@dataclass
class Score:
    annotations: int = 0
    found: int = 0          # removals strip made
    right: int = 0          # removals that are exactly a marked span
    lines: int = 0
    exact: int = 0          # lines whose strip() is exactly the clean text

    @property
    def precision(self) -> float:
        return self.right / self.found if self.found else 1.0

    @property
    def recall(self) -> float:
        return self.right / self.annotations if self.annotations else 1.0


def evaluate(cases: list[Case]) -> dict[tuple[str, str], Score]:
    scores: dict[tuple[str, str], Score] = {}
    for c in cases:
        s = scores.setdefault((c.section, c.name), Score())
        got = {(a.cut_start, a.cut_end) for a in find_annotations(c.text, **c.options)}
        s.annotations += len(c.spans)
        s.found += len(got)
        s.right += len(got & set(c.spans))
        s.lines += 1
        s.exact += pinzhu.strip(c.text, **c.options) == c.clean
    return scores


def misses(cases: list[Case]) -> list[str]:
    """Each line strip gets wrong, for reading."""
    out = []
    for c in cases:
        got = pinzhu.strip(c.text, **c.options)
        if got != c.clean:
            out.append(f"[{c.section} {c.name}] {c.text!r}\n    want {c.clean!r}\n    got  {got!r}")
    return out


def table(scores: dict[tuple[str, str], Score]) -> str:
    rows = ["| set | lines | annotations | removed | right | precision | recall | lines exact |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    total_style, total_all = Score(), Score()
    for (section, name), s in scores.items():
        label = f"style: {name}" if section == "style" else f"content: {name}"
        rec = f"{100 * s.recall:.1f} %" if section == "style" else "—"
        rows.append(f"| {label} | {s.lines} | {s.annotations} | {s.found} | {s.right} | "
                    f"{100 * s.precision:.1f} % | {rec} | {s.exact}/{s.lines} |")
        for t in ([total_style] if section == "style" else []) + [total_all]:
            t.annotations += s.annotations
            t.found += s.found
            t.right += s.right
            t.lines += s.lines
            t.exact += s.exact
    rows.append(f"| **all styles** | {total_style.lines} | {total_style.annotations} | {total_style.found} | "
                f"{total_style.right} | {100 * total_style.precision:.1f} % | {100 * total_style.recall:.1f} % | "
                f"{total_style.exact}/{total_style.lines} |")
    rows.append(f"| **everything** (styles + content) | {total_all.lines} | {total_all.annotations} | "
                f"{total_all.found} | {total_all.right} | **{100 * total_all.precision:.1f} %** | "
                f"**{100 * total_all.recall:.1f} %** | {total_all.exact}/{total_all.lines} |")
    return "\n".join(rows)


def styles_report(write: bool) -> None:
    cases = load_cases()
    scores = evaluate(cases)
    body = table(scores)
    print(body)
    bad = misses(cases)
    if bad:
        print("\nlines strip gets wrong:\n" + "\n".join(bad))
    if write:
        md = ROOT / "benchmarks" / "STRIP.md"
        md.write_text(
            "# Strip: precision and recall per insertion style\n\n"
            "`python benchmarks/strip_bench.py --styles --write` (cases: `benchmarks/strip_cases.txt`, "
            "written for it, none copied from the web; content: its `content` sections and "
            "`tests/fixtures/not_pinyin.txt`). A removal is right only when it is exactly a marked span, "
            "spacing included; precision counts every removal, in content lines too. "
            "The `gloss` style runs with `glosses=True`; by default those brackets are kept whole "
            "(the content row of mixes checks that).\n\n" + body + "\n", encoding="utf-8")
        print(f"\nwrote {md.relative_to(ROOT)}")


# --- throughput ----------------------------------------------------------------------------------

def annotated(text: str, every: int = 3, seed: int = 0) -> str:
    rnd = random.Random(seed)
    marks = pinzhu.pinyin(text)
    out = []
    for ch, py in zip(text, marks):
        out.append(ch)
        if py and rnd.randrange(every) == 0:
            out.append(f"({py})")
    return "".join(out)


def rate(fn, text: str, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        fn(text)
        best = min(best, time.perf_counter() - t)
    return len(text) / best


def throughput(repeat: int, copies: int) -> None:
    base = (ROOT / "examples" / "news.txt").read_text(encoding="utf-8")
    clean = base * copies
    # Vary the annotation per copy so the per-annotation caches do not make every copy free.
    noisy = "".join(annotated(base, seed=i) for i in range(copies))
    assert pinzhu.strip(noisy) == clean
    n_ann = len(find_annotations(noisy))
    han = len(re.findall(f"[{HAN}]", clean))
    pinzhu.strip(noisy)  # warm: lexicon and syllable tables
    print(f"annotated text: {len(noisy):,} chars, {n_ann:,} annotations ({1000 * n_ann / han:.0f} per 1,000 Han)")
    from pinzhu import parse

    parse._match.cache_clear()
    parse._spell.cache_clear()
    print(f"  strip, cold caches: {rate(pinzhu.strip, noisy, 1):,.0f} chars/s")
    print(f"  strip, warm (best of {repeat}): {rate(pinzhu.strip, noisy, repeat):,.0f} chars/s")
    print(f"clean text: {len(clean):,} chars")
    print(f"  strip: {rate(pinzhu.strip, clean, repeat):,.0f} chars/s")
    small = noisy[: 20000]
    print(f"  audit (reads the text with pinzhu): {rate(pinzhu.audit, small, 1):,.0f} chars/s")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--styles", action="store_true", help="precision and recall per insertion style")
    ap.add_argument("--write", action="store_true", help="with --styles: write benchmarks/STRIP.md")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--copies", type=int, default=400)
    args = ap.parse_args()
    if args.styles:
        styles_report(args.write)
    else:
        throughput(args.repeat, args.copies)


if __name__ == "__main__":
    main()
