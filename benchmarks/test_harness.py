"""Checks of the harness's own logic (alignment, normalization, scoring); nothing is timed.

    python -m pytest benchmarks/test_harness.py

Not part of the package's test suite (pyproject's testpaths is tests/): it needs the peers that
benchmarks/run.py installs, and skips the checks whose peer is missing.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from harness.accuracy import score, stride_sample  # noqa: E402
from harness.data import EvalSet, Sentence, han_positions, slice_lines  # noqa: E402
from harness.systems import Unavailable, convert_all, make_system, normalize  # noqa: E402

# Non-Han runs, digits, an astral Han char (U+20000) and 〇 would shift indices if mishandled.
MIXED = "女儿ab12 他，𠀀好〇我x"
HAN_AT = {0: "nv3", 1: "er2", 7: "ta1", 10: "hao3", 12: "wo3"}


@pytest.mark.parametrize("raw, expected", [
    ("nü3", "nv3"), ("lu:4", "lv4"), ("de0", "de5"), ("Zhong1", "zhong1"), ("le5", "le5"),
    ("a", None), ("1", None), ("，", None), (None, None), ("\x00", None),
])
def test_normalize(raw: object, expected: str | None) -> None:
    assert normalize(raw) == expected


def test_han_positions_count_code_points() -> None:
    assert han_positions(MIXED) == [0, 1, 7, 9, 10, 11, 12]


@pytest.mark.parametrize("key", ["pinzhu", "pypinyin", "g2pm"])
def test_python_system_alignment(key: str) -> None:
    try:
        system = make_system(key)
    except Unavailable as exc:
        pytest.skip(str(exc))
    [out], misaligned = convert_all(system, [MIXED])
    assert misaligned == 0 and len(out) == len(MIXED)
    for i, syllable in HAN_AT.items():
        assert out[i] == syllable, (i, out)
    assert out[2] is None and out[6] is None and out[8] is None


@pytest.mark.skipif(shutil.which("node") is None or not (BENCH / "node_modules" / "pinyin-pro").exists(),
                    reason="node or benchmarks/node_modules missing (run benchmarks/run.py once)")
def test_pinyin_pro_alignment() -> None:
    from harness.accuracy import convert_node
    results, raw = convert_node([MIXED], ["default"])
    out = results["default"][0]
    assert len(out) == len(MIXED) and raw["fallbacks"]["default"] == 0
    for i, syllable in HAN_AT.items():
        assert out[i] == syllable, (i, out)


def test_score_counts_only_labelled_positions() -> None:
    sentences = (Sentence("银行行长", ((1, "hang2"),)), Sentence("长江", ((0, "chang2"),)))
    eval_set = EvalSet("t", "t", "t.jsonl", "polyphone", sentences)
    preds = [["yin2", "hang2", "xing2", "zhang3"], ["zhang3", "jiang1"]]
    result = score(eval_set, preds, misaligned=0)
    assert (result.items, result.toned, result.toneless) == (2, 1, 1)
    assert score(eval_set, [preds[0], None], 0).items == 1  # not run: not scored


def test_stride_sample_spreads_over_the_set() -> None:
    assert stride_sample(10, 0) == list(range(10))
    assert stride_sample(10, 5) == [0, 2, 4, 6, 8]


def test_slice_lines_reaches_min_chars() -> None:
    lines = ["ab", "cde", "f"]
    assert slice_lines(lines, 4) == ["ab", "cde"]
    assert json.dumps(slice_lines(lines, 100)) == json.dumps(lines)


def test_spread_lines_samples_across_the_text() -> None:
    from harness.data import spread_lines
    lines = [f"{i:03d}" for i in range(100)]  # 4 chars each with the newline
    picked = spread_lines(lines, 40)
    assert picked[0] == "000" and int(picked[-1]) > 50 and sum(len(x) + 1 for x in picked) >= 40


def _speed_row(label: str, chars: int, times: list[float], shape: str) -> dict:
    import statistics
    return {"label": label, "chars": chars, "shape": shape, "times_s": times, "round_s": times,
            "best_s": min(times), "median_s": statistics.median(times),
            "chars_per_s": chars / statistics.median(times), "samples": len(times)}


def test_report_renders_every_shape_and_the_old_harness_rows() -> None:
    """The summary shows every call shape with pinyin-pro's modes; a results.json from the earlier
    harness (best of runs, one paired ratio per row) still renders, and both go into the history."""
    from harness import history, report

    meta = {"date": "d1", "command": "c", "machine": {"nproc": "2", "cpu": "x", "platform": "p", "python": "3",
                                                      "node": "v", "pin": ""},
            "versions": {"pinzhu": "0.1 (from src), git abc1234"}, "data_dir": "/d"}
    old = {"meta": meta, "speed": {"run": {"date": "d0", "command": "old"}, "rows": {
        "pinzhu/text": {"label": "pinzhu, whole text", "chars": 100, "times_s": [1.0], "best_s": 1.0, "median_s": 1.0,
                        "chars_per_s": 100.0, "pinzhu_ratio": 1.0},
        "pinyin-pro/string": {"label": "pinyin-pro, default string mode", "chars": 100, "times_s": [4.0],
                              "best_s": 4.0, "median_s": 4.0, "chars_per_s": 25.0, "pinzhu_ratio": 4.0}}}}
    assert "pinzhu ÷ row (paired)" in report.render(old)
    rows = {"pinzhu/text": _speed_row("pinzhu, whole text", 100, [1.0, 1.0], "text"),
            "pinzhu/lines": _speed_row("pinzhu, one call per line", 100, [2.0, 2.0], "lines"),
            "pinzhu/batch": _speed_row("pinzhu, batch", 100, [1.0, 1.0], "batch"),
            "pinyin-pro/string": _speed_row("pinyin-pro string", 100, [5.0, 6.0], "text"),
            "pinyin-pro/lines-string": _speed_row("pinyin-pro per line, string", 100, [3.0, 3.0], "lines")}
    ratios = {"pinzhu/text / pinyin-pro/string": {"pinzhu": "pinzhu/text", "other": "pinyin-pro/string",
                                                  "rounds": [5.0, 6.0], "median": 5.5, "min": 5.0, "max": 6.0},
              "pinzhu/lines / pinyin-pro/lines-string": {"pinzhu": "pinzhu/lines", "other": "pinyin-pro/lines-string",
                                                         "rounds": [1.5, 1.5], "median": 1.5, "min": 1.5, "max": 1.5},
              "pinzhu/batch / pinyin-pro/lines-string": {"pinzhu": "pinzhu/batch", "other": "pinyin-pro/lines-string",
                                                         "rounds": [3.0, 3.0], "median": 3.0, "min": 3.0, "max": 3.0}}
    new = {"meta": meta, "speed": {"run": {"date": "d1", "command": "c"}, "rows": rows, "ratios": ratios,
                                   "rounds": 2, "repeat": 1, "load": [1.0, 1.2], "lines_equal_batch": True},
           "history": [history.entry_from_results(old)]}
    new["history"] = history.updated(new["history"], new, {"speed": 1}, meta)
    page = report.render(new)
    assert "| whole text | **5.50×** (5.00–6.00)" in page
    assert "| one call per line | **1.50×**" in page and "| batch (pinyin-pro: one call per line) | **3.00×**" in page
    assert "every round: yes" in page
    assert [e["speed"]["ratios"]["pinzhu/text / pinyin-pro/string"] for e in new["history"]] == [4.0, 5.5]
    assert "earlier harness" in page and "median of 2 interleaved rounds" in page
