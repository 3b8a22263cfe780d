"""RESULTS.md from the results dict (the same dict that is saved as results.json)."""

from __future__ import annotations

from typing import Iterable

CITATION_SETS = ("cpp", "g2pl", "story", "phrases")
SET_NAMES = {"cpp": "CPP test", "g2pl": "g2pL test", "story": "pinyin-pro story",
             "phrases": "pinyin-pro phrases"}
SYSTEM_NOTES = {
    "pinyin-pro": "pinyin-pro runs with its defaults (`toneSandhi` on: 一/不 change tone, as the "
                  "story and phrase labels do); + complete dict = `addDict(@pinyin-pro/data/complete)`",
    "pypinyin": "pypinyin: `lazy_pinyin(style=TONE3, neutral_tone_with_five=True)`, one entry per "
                "character (non-Han runs split), no 一/不 sandhi unless `tone_sandhi=True`",
}
POLYPHONE_COLUMNS = ("pinzhu", "g2pm", "pypinyin", "pinyin-pro", "pinyin-pro-full")


def table(header: list[str], rows: Iterable[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(" --- " for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def pct(num: int, den: int) -> str:
    return f"{100 * num / den:.2f} %" if den else "–"


class Notes:
    """Collects the reasons behind n/a cells, printed once under each table."""

    def __init__(self) -> None:
        self.lines: dict[str, None] = {}

    def na(self, label: str, row: dict) -> str:
        self.lines[f"{label}: {row['na']}"] = None
        return "n/a"

    def add(self, text: str) -> None:
        self.lines[text] = None

    def render(self) -> str:
        return "\n".join(f"- {line}" for line in self.lines) + "\n" if self.lines else ""


def section_stamp(section: dict) -> str:
    run = section.get("run", {})
    text = f"_Measured {run.get('date', '?')} by `{run.get('command', '?')}`"
    older = [f"{key} on {info['run']['date']} by `{info['run']['command']}`"
             for key, info in section.get("sets", {}).items()
             if info.get("run", run) != run]
    if older:
        text += "; kept from earlier runs: " + "; ".join(older)
    return text + "._\n"


# ---------------------------------------------------------------- accuracy

def accuracy_cell(row: dict | None, label: str, notes: Notes, field: str) -> str:
    if row is None:
        return "–"
    if "na" in row:
        return notes.na(label, row)
    if row.get("misaligned"):
        notes.add(f"{label}: {row['misaligned']} sentences came back misaligned (scored wrong)")
    if row.get("realigned"):
        notes.add(f"{label}: {row['realigned']} sentences re-aligned through `type: 'all'` "
                  "(array result had another length)")
    if row.get("subsample"):
        notes.add(f"{label}: scored on {row['items']:,} items ({row['subsample']})")
    return pct(row[field], row["items"])


def accuracy_tables(acc: dict) -> str:
    sets, scores, labels = acc["sets"], acc["scores"], acc["labels"]
    citation = [k for k in CITATION_SETS if k in scores]
    spoken = [k for k in scores if sets[k]["kind"] == "spoken"]
    out = []
    if citation:
        systems = list(dict.fromkeys(s for k in citation for s in scores[k]))
        for field, title in (("toned", "toned: syllable and tone must match"),
                             ("toneless", "toneless: syllable only")):
            notes = Notes()
            header = ["system"] + [f"{SET_NAMES.get(k, k)} ({sets[k]['items']:,})" for k in citation]
            rows = [[labels[s]] + [accuracy_cell(scores[k].get(s), labels[s], notes, field)
                                   for k in citation] for s in systems]
            if field == "toned":
                for note in SYSTEM_NOTES.values():
                    notes.add(note)
            out.append(f"### Accuracy, {title} (items in brackets)\n\n{table(header, rows)}\n\n"
                       + notes.render())
    natural = [k for k in scores if sets[k]["kind"] == "natural"]
    if natural:
        systems = list(dict.fromkeys(s for k in natural for s in scores[k]))
        notes = Notes()
        header = ["system"] + [f"{k} ({sets[k]['items']:,})" for k in natural]
        rows = []
        for s in systems:
            row = [labels[s]]
            for k in natural:
                r = scores[k].get(s)
                if r is None or "na" in r:
                    row.append(accuracy_cell(r, labels[s], notes, "toned"))
                else:
                    err = r["items"] - r["lenient"]
                    row.append(f"{100 * err / r['items']:.3f} % ({err:,})")
            rows.append(row)
        out.append("### Every character of natural text: lenient error rate (lower is better)\n\n"
                   "The natural sets' own rule (`../shared/data/natural/score.py`: neutral vs full tone of "
                   "the same syllable, 一/不 tone changes, 儿 as er/r are not errors). `+errata`: the same sets "
                   "with the labels that blind re-review corrected (`benchmarks/data/natural_dev_errata.jsonl.gz`: "
                   "地 dì→de, 得 dé→děi where all three labelling systems had agreed on the wrong reading). "
                   f"`drills`: 多音字 drill sentences written for pinzhu (`benchmarks/data/drills.jsonl`).\n\n"
                   f"{table(header, rows)}\n\n" + notes.render())
    if spoken:
        systems = list(dict.fromkeys(s for k in spoken for s in scores[k]))
        notes = Notes()
        header = ["system"] + [f"{k} {kind}" for k in spoken for kind in ("SER", "SER toneless")]
        rows = []
        for s in systems:
            row = [labels[s]]
            for k in spoken:
                r = scores[k].get(s)
                for field in ("toned", "toneless"):
                    if r is None or "na" in r:
                        row.append(accuracy_cell(r, labels[s], notes, field))
                    else:
                        row.append(pct(r["items"] - r[field], r["items"]))
            rows.append(row)
        counts = ", ".join(f"{k} {sets[k]['items']:,} syllables" for k in spoken)
        out.append("### Spoken sets: syllable error rate (lower is better)\n\n"
                   f"Every Han character is an item ({counts}).\n\n{table(header, rows)}\n\n"
                   + notes.render())
    if acc.get("polyphones"):
        out.append(polyphone_table(acc["polyphones"], labels))
    return "\n".join(out)


def polyphone_table(poly: dict, labels: dict) -> str:
    cols = [c for c in POLYPHONE_COLUMNS if any(c in e for e in poly.values())]
    header = ["char", "in CPP test text", "items"] + [labels[c] for c in cols]
    rows = []
    for ch, entry in poly.items():
        items = next((entry[c][1] for c in cols if c in entry), 0)
        rows.append([ch, f"{entry['occurrences']:,}", str(items)]
                    + [f"{entry[c][0]}/{entry[c][1]}" if c in entry else "n/a" for c in cols])
    missing = [labels[c] for c in POLYPHONE_COLUMNS if c not in cols]
    note = f"\nNo results for: {', '.join(missing)}.\n" if missing else ""
    return ("### The 30 most frequent target characters of CPP test\n\n"
            "Ranked by occurrences in the CPP test sentences; cells are correct/labelled items "
            "of that character (at most 21 each).\n\n" + table(header, rows) + "\n" + note)


# ---------------------------------------------------------------- perf

SHAPE_NAMES = {"text": "whole text, one call", "lines": "one call per line", "batch": "all lines, one batch call"}


def _x(value: float | None) -> str:
    return f"{value:.2f}×" if value else "n/a"


def speed_table(section: dict) -> str:
    rows_in = section["rows"]
    if "ratios" not in section:
        return old_speed_table(rows_in)
    notes = Notes()
    ratios = section["ratios"]
    # each row's ratio against the pinzhu row of its own shape (batch: set against per-line peers)
    against: dict[str, dict] = {}
    for r in ratios.values():
        if r["other"] not in against or r["pinzhu"].endswith("/lines"):
            against[r["other"]] = r
    rows = []
    for key, r in rows_in.items():
        if "na" in r:
            rows.append([r["label"], notes.na(r["label"], r)] + ["n/a"] * 5)
            continue
        ratio = against.get(key)
        cell = (f"{_x(ratio['median'])} ({ratio['min']:.2f}–{ratio['max']:.2f})" if ratio else
                "1.00× (reference)" if key in {x["pinzhu"] for x in ratios.values()} else "–")
        rows.append([r["label"], SHAPE_NAMES.get(r.get("shape", ""), "?"), f"{r['chars']:,}",
                     f"{r['median_s']:.3f}", f"{r['chars_per_s']:,.0f}", cell])
    header = ["system and call", "shape", "chars", "median s", "chars/s (median)",
              "pinzhu ÷ row, same shape (median of rounds, range)"]
    same = section.get("lines_equal_batch")
    if same is not None:
        notes.add("pinzhu's batch call gave the same syllables as one call per line, every round: "
                  + ("yes" if same else "**NO**"))
    notes.add(f"{section.get('rounds', '?')} rounds × {section.get('repeat', '?')} timed conversions per row "
              f"(each round a fresh process per row, after a warm-up); machine load "
              f"{_load(section.get('load'))} (1-minute average at start and end)")
    return table(header, rows) + "\n\n" + notes.render()


def _load(load: list | None) -> str:
    return " → ".join(f"{x:.1f}" for x in load) if load else "not recorded"


def old_speed_table(speed: dict) -> str:
    """The earlier harness's rows (best of runs, one paired run per ratio), kept readable."""
    notes = Notes()
    rows = []
    for r in speed.values():
        if "na" in r:
            rows.append([r["label"], notes.na(r["label"], r)] + ["n/a"] * 4)
            continue
        ratio = r.get("pinzhu_ratio")
        rows.append([r["label"], f"{r['chars']:,}", f"{r['best_s']:.3f}", f"{r['median_s']:.3f}",
                     f"{r['chars_per_s']:,.0f}", f"{ratio:.2f}×" if ratio else "n/a"])
    header = ["system", "chars", "best s", "median s", "chars/s (best)", "pinzhu ÷ row (paired)"]
    return table(header, rows) + "\n\n" + notes.render()


def startup_table(section: dict) -> str:
    startup = section["rows"]
    notes = Notes()
    rows = []
    for r in startup.values():
        if "na" in r:
            rows.append([r["label"], notes.na(r["label"], r), "n/a", "0"])
            continue
        inproc = r.get("median_inproc_s")
        rows.append([r["label"], f"{r['median_process_s'] * 1000:.0f}",
                     f"{inproc * 1000:.0f}" if inproc is not None else "–", str(len(r["process_s"]))])
    header = ["system", "process wall, median ms", "import + first call, median ms", "runs"]
    for name, r in section.get("ratios", {}).items():
        notes.add(f"{name.replace(' / ', ' ÷ ')}, process wall, round by round: median {r['median']:.2f} "
                  f"(range {r['min']:.2f}–{r['max']:.2f}; below 1: pinzhu starts faster)")
    if section.get("load"):
        notes.add(f"machine load {_load(section['load'])} (1-minute average at start and end)")
    return table(header, rows) + "\n\n" + notes.render()


def memory_table(memory: dict) -> str:
    notes = Notes()
    rows = []
    for r in memory.values():
        if "na" in r:
            rows.append([r["label"], notes.na(r["label"], r), "n/a"])
            continue
        rows.append([r["label"], f"{r['max_rss_kib'] / 1024:.0f}",
                     f"{r['chars']:,}" if r.get("chars") else "– (nothing converted)"])
    for method in sorted({r["method"] for r in memory.values() if "method" in r}):
        notes.add(f"measured with {method}")
    return table(["system", "peak RSS MiB", "chars converted"], rows) + "\n\n" + notes.render()


# ---------------------------------------------------------------- summary

# system -> its speed row per shape; pinyin-pro in both of its modes
SUMMARY_ROWS = {
    "pinzhu": ("pinzhu", {"text": "pinzhu/text", "lines": "pinzhu/lines", "batch": "pinzhu/batch"}),
    "pinyin-pro/string": ("pinyin-pro", {"text": "pinyin-pro/string", "lines": "pinyin-pro/lines-string"}),
    "pinyin-pro/array": ("pinyin-pro", {"text": "pinyin-pro/array", "lines": "pinyin-pro/lines-array"}),
    "pinyin-pro-full/string": ("pinyin-pro-full", {"text": "pinyin-pro-full/string"}),
    "pinyin-pro-full/array": ("pinyin-pro-full", {"text": "pinyin-pro-full/array"}),
    "pypinyin": ("pypinyin", {"text": "pypinyin/text"}),
    "g2pm": ("g2pm", {"lines": "g2pm/lines"}),
}
MODE = {"pinyin-pro/string": " (string mode)", "pinyin-pro/array": " (array mode)",
        "pinyin-pro-full/string": " (string mode)", "pinyin-pro-full/array": " (array mode)"}
# the headline ratios: pinzhu in each shape against pinyin-pro's fastest mode for it
HEADLINE = [("whole text", "pinzhu/text / pinyin-pro/string", "pinzhu/text / pinyin-pro/array"),
            ("one call per line", "pinzhu/lines / pinyin-pro/lines-string", "pinzhu/lines / pinyin-pro/lines-array"),
            ("batch (pinyin-pro: one call per line)", "pinzhu/batch / pinyin-pro/lines-string",
             "pinzhu/batch / pinyin-pro/lines-array")]


def summary_table(results: dict) -> str:
    acc = results.get("accuracy", {})
    scores, labels = acc.get("scores", {}), acc.get("labels", {})
    sets = [k for k in ("cpp", "g2pl", "story") if k in scores]
    speed_section = results.get("speed", {})
    speed = speed_section.get("rows", {})
    startup = results.get("startup", {}).get("rows", {})
    memory = results.get("memory", {}).get("rows", {})

    def acc_cell(system: str, key: str) -> str:
        row = scores[key].get(system) or {"na": ""}
        return "n/a" if "na" in row else pct(row["toned"], row["items"])

    def num(row: dict | None, field: str, fmt: str, scale: float = 1.0) -> str:
        value = (row or {}).get(field)
        return format(value * scale, fmt) if isinstance(value, (int, float)) else "n/a"

    rows = []
    for name, (system, shapes) in SUMMARY_ROWS.items():
        speed_cells = [num(speed.get(shapes[s]), "chars_per_s", ",.0f") if s in shapes else "–"
                       for s in ("text", "lines", "batch")]
        rows.append([labels.get(system, system) + MODE.get(name, "")] + [acc_cell(system, k) for k in sets]
                    + speed_cells + [num(startup.get(system), "median_process_s", ".0f", 1000),
                                     num(memory.get(system), "max_rss_kib", ".0f", 1 / 1024)])
    header = (["system"] + [f"{SET_NAMES[k]} acc." for k in sets]
              + ["chars/s, whole text", "chars/s, one call per line", "chars/s, batch call", "start-up ms",
                 "peak RSS MiB"])
    out = ("## Summary\n\nToned accuracy; speed in each call shape (chars/s, median; – where the system has no "
           "such call; g2pM on a slice); details and all variants below.\n\n" + table(header, rows) + "\n")
    ratios = speed_section.get("ratios")
    if ratios:
        def cell(name: str) -> str:
            r = ratios.get(name)
            return f"**{r['median']:.2f}×** ({r['min']:.2f}–{r['max']:.2f})" if r else "n/a"

        hrows = [[shape, cell(a), cell(b)] for shape, a, b in HEADLINE]
        st = results.get("startup", {}).get("ratios", {}).get("pinzhu / pinyin-pro")
        out += ("\npinzhu ÷ pinyin-pro by call shape (chars/s; median of the rounds' ratios, range in brackets; "
                "above 1: pinzhu is faster):\n\n"
                + table(["shape", "÷ pinyin-pro string mode", "÷ pinyin-pro array mode"], hrows) + "\n")
        if st:
            out += (f"\nStart-up, pinzhu ÷ pinyin-pro (process wall time, round by round): median "
                    f"{st['median']:.2f} (range {st['min']:.2f}–{st['max']:.2f}; below 1: pinzhu starts faster).\n")
    return out


# ---------------------------------------------------------------- history

HISTORY_RATIOS = [("whole ÷ pp string", "pinzhu/text / pinyin-pro/string"),
                  ("line ÷ pp line string", "pinzhu/lines / pinyin-pro/lines-string"),
                  ("batch ÷ pp line string", "pinzhu/batch / pinyin-pro/lines-string")]


def history_table(history: list) -> str:
    rows = []
    for e in history:
        sp, st, acc = e.get("speed", {}), e.get("startup", {}), e.get("accuracy", {})
        ratios = sp.get("ratios", {})
        cells = [_x(ratios.get(k)) if sp else "–" for _, k in HISTORY_RATIOS]
        st_ratio = st.get("ratios", {}).get("pinzhu / pinyin-pro")
        accs = []
        for key in ("cpp", "g2pl", "story"):
            r = acc.get(key, {}).get("pinzhu")
            accs.append(pct(*r) if r else "–")
        load = sp.get("load") or st.get("load")
        rows.append([e.get("date", "?"), f"`{e.get('git', '?')}`", *cells,
                     f"{st_ratio:.2f}" if st_ratio else "–", *accs,
                     _load(load) if load else "–", sp.get("method", "–")])
    header = ["date", "git", *[h for h, _ in HISTORY_RATIOS], "start-up pinzhu ÷ pp", "CPP acc.", "g2pL acc.",
              "story acc.", "load", "speed method"]
    return ("## History\n\nEvery run of this harness, oldest first (`results.json`, \"history\"); a run "
            "shows only what it measured.\n\n" + table(header, rows) + "\n")


# ---------------------------------------------------------------- page

def meta_block(meta: dict) -> str:
    m, v = meta["machine"], meta["versions"]
    lines = [
        f"- Command: `{meta['command']}`",
        f"- Date: {meta['date']}",
        f"- Machine: {m['nproc']} cores ({m['cpu']}), {m['platform']}; timed processes pinned "
        f"with `{m['pin'] or 'no pinning (taskset unavailable)'}`",
        f"- Python {m['python']}, node {m['node']}",
        "- Versions: " + ", ".join(f"{k} {val}" for k, val in v.items()),
        f"- Data: `{meta['data_dir']}`",
    ]
    text = meta.get("speed_text")
    if text:
        lines.append(f"- Speed text: {text['chars']:,} chars in {text['lines']:,} lines "
                     f"({text['sources']}); slow systems: {text['small_chars']:,} chars")
    return "\n".join(lines) + "\n"


EXPLAIN = """\
What the numbers mean:
- **Accuracy** (citation sets): share of labelled characters whose output syllable equals the label
  exactly (`zhong1`; neutral tone `5`; ü as `v`). CPP and g2pL label one polyphone per sentence;
  the pinyin-pro story and phrases label every Han character (their labels apply 一/不 sandhi and
  neutral tones, as pinyin-pro's default and `pinzhu yi_bu=True` do; pinzhu's default cites 一/不).
  "Toneless" compares the syllable without its tone digit.
- **Spoken sets**: syllable error rate over every Han character against what speakers said
  (third-tone, 一/不 sandhi, neutral tones, 儿 as `er5` after erhua). Citation systems are expected
  to lose on tones; the toneless column is the fair comparison for them.
- **Speed**: characters (code points, punctuation and digits included) per second on text already
  in memory, in each call shape: the whole text in one call; one call per line (an app or a TTS
  front end converting sentence by sentence); all lines in one batch call (pinzhu's `pinyin_many`;
  pinyin-pro has no batch call, so that row is set against its per-line modes). Each peer runs in
  its fastest sensible mode for the shape: pinyin-pro in string mode (its default, one string)
  and in array mode (one entry per character, like pinzhu's list), whole and per line. Every row
  runs once per round in a fresh process pinned to one core, a few timed conversions after a
  warm-up, so every row gets the same number of timings; chars/s is their median. The
  **pinzhu ÷ row** ratio (above 1: pinzhu is that many times faster) is taken round by round
  between rows of the same shape that ran next to each other (the rounds' order alternates) and
  reported as the median over rounds with its range: compare ratios, not absolute numbers, on
  this shared machine.
- **Start-up**: a fresh process importing the system and converting one short sentence; wall time
  of the whole process (interpreter start included) and, measured inside it, import + first call;
  the systems take turns, and pinzhu ÷ pinyin-pro is taken turn by turn.
- **Peak RSS**: maximum resident set size of a fresh process that imports the system and converts
  the speed text once (g2pM: the slice, sentence by sentence).
"""


def render(results: dict) -> str:
    parts = ["# pinzhu benchmarks\n", "Regenerate with `python benchmarks/run.py` "
             "(see its docstring for flags). Raw numbers: `benchmarks/results.json`.\n",
             meta_block(results["meta"]), EXPLAIN, summary_table(results)]
    if "accuracy" in results:
        parts += ["## Accuracy\n", section_stamp(results["accuracy"]), accuracy_tables(results["accuracy"])]
    for key, title, render_fn in (("speed", "Speed", speed_table),
                                  ("startup", "Start-up", startup_table),
                                  ("memory", "Peak memory", lambda section: memory_table(section["rows"]))):
        if key in results:
            parts += [f"## {title}\n", section_stamp(results[key]), render_fn(results[key])]
    if results.get("history"):
        parts.append(history_table(results["history"]))
    return "\n".join(parts)
