"""Search benchmark (issue #17): pinyin queries against a generated contact list of 10^5 names,
pinzhu beside pinyin-pro's ``match`` in the same run.

    python benchmarks/match_bench.py            # prints the table, writes benchmarks/MATCH.md
    python benchmarks/match_bench.py --n 20000 --repeat 1

The contact list is made here (seed 17): a common surname (with 单, 解, 查, 仇, 区 among them)
and one or two given-name characters from the 2,500 most common characters; one in twenty is a
Latin name (``Anna``) or a mix (``Tom 王``). The queries are what a search box sees: first
letters (``zs``), a full syllable (``zhang``), a mix (``wangx``), three first letters (``lmh``),
two full syllables (``chenjie``), one letter (``s``).

Systems, each answering "which contacts match, where":

* **pinzhu Matcher**: ``pinzhu.Matcher(contacts)`` built once (its time is reported apart), then
  ``.search(query)`` per query — the API for a list;
* **pinzhu match**: ``pinzhu.match(query, contact)`` called per contact — the one-text API;
* **pinyin-pro match**: ``match(contact, query)`` per contact (pinyin-pro 3.29.4, node), with its
  defaults (characters may be skipped: ``zs`` finds 张X三) and with ``continuous: true`` (a
  contiguous span, as pinzhu's).

Times are the whole query set, best of ``--repeat`` runs, taken interleaved (pinzhu, pinyin-pro,
pinzhu, …) so the machine's load falls on both alike; the ratio is pinyin-pro's time over pinzhu's.
"""

from __future__ import annotations

import argparse
import datetime
import json
import random
import subprocess
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任"
            "沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
            "单解查仇区")
LATIN = ("Anna", "Tom", "Lily", "Jack", "Mia", "Leo", "Emma", "Max", "Zoe", "Sam")
QUERIES = ("zs", "zhang", "wangx", "lmh", "chenjie", "s")


def contacts(n: int) -> list[str]:
    from importlib import resources

    common = [ln for ln in (resources.files("pinzhu") / "data" / "common_chars.txt").read_text(encoding="utf-8")
              .splitlines() if ln and not ln.startswith("#")][:2500]
    rnd = random.Random(17)
    out = []
    for _ in range(n):
        name = rnd.choice(SURNAMES) + "".join(rnd.choice(common) for _ in range(rnd.choice((1, 2, 2))))
        k = rnd.random()
        if k < 0.03:
            name = rnd.choice(LATIN)
        elif k < 0.05:
            name = f"{rnd.choice(LATIN)} {name[0]}"
        out.append(name)
    return out


def run_pinzhu_matcher(matcher) -> tuple[float, list[int]]:
    t = time.perf_counter()
    hits = [len(matcher.search(q)) for q in QUERIES]
    return time.perf_counter() - t, hits


def run_pinzhu_match(names: list[str]) -> tuple[float, list[int]]:
    import pinzhu

    t = time.perf_counter()
    hits = [sum(pinzhu.match(q, c) is not None for c in names) for q in QUERIES]
    return time.perf_counter() - t, hits


def run_pinyin_pro(cfile: Path, qfile: Path, continuous: bool) -> tuple[float, list[int], str]:
    cmd = ["node", str(HERE / "pinyin_pro_names.js"), "match", "--contacts", str(cfile), "--queries", str(qfile),
           "--repeat", "1"] + (["--continuous", "1"] if continuous else [])
    out = json.loads(subprocess.run(cmd, capture_output=True, text=True, check=True, cwd=HERE).stdout)
    return out["times_s"][0], out["hits"], out["version"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()
    import pinzhu

    names = contacts(args.n)
    with tempfile.TemporaryDirectory() as tmp:
        cfile, qfile = Path(tmp) / "contacts.txt", Path(tmp) / "queries.txt"
        cfile.write_text("\n".join(names) + "\n", encoding="utf-8")
        qfile.write_text("\n".join(QUERIES) + "\n", encoding="utf-8")
        t = time.perf_counter()
        matcher = pinzhu.Matcher(names)
        build = time.perf_counter() - t
        best: dict[str, float] = {}
        hits: dict[str, list[int]] = {}
        version = ""
        for _ in range(args.repeat):
            for key, fn in (("pinzhu Matcher.search", lambda: run_pinzhu_matcher(matcher)),
                            ("pinyin-pro match (defaults)", lambda: run_pinyin_pro(cfile, qfile, False)),
                            ("pinyin-pro match (continuous: true)", lambda: run_pinyin_pro(cfile, qfile, True)),
                            ("pinzhu.match per contact", lambda: run_pinzhu_match(names))):
                got = fn()
                best[key] = min(best.get(key, float("inf")), got[0])
                hits[key] = got[1]
                if len(got) > 2:
                    version = got[2]
    ref = best["pinyin-pro match (continuous: true)"]
    lines = [f"{args.n:,} contacts, {len(QUERIES)} queries ({', '.join(QUERIES)}); best of {args.repeat}, "
             f"interleaved. pinzhu {pinzhu.__version__}, pinyin-pro {version}. Matcher built once in "
             f"{build:.2f} s (not in its row).", "",
             "| system | time, all queries (s) | per query (ms) | pinyin-pro continuous ÷ this | contacts found per query |",
             "| --- | ---: | ---: | ---: | --- |"]
    for key, t in best.items():
        lines.append(f"| {key} | {t:.3f} | {1000 * t / len(QUERIES):.1f} | {ref / t:.1f}× | "
                     f"{', '.join(map(str, hits[key]))} |")
    text = "\n".join(lines)
    print(text)
    if not args.no_write:
        head = (f"# Search benchmark\n\n`python benchmarks/match_bench.py` ({datetime.date.today().isoformat()}, "
                "2 shared cores): pinyin queries against a generated contact list, pinzhu beside pinyin-pro's "
                "`match` in the same run (how the list and the queries are made: the script's docstring).\n\n")
        notes = ("\n\npinyin-pro's defaults let a query skip characters (`zs` finds 张X三), and it considers every "
                 "reading, rare ones too (甸 shèng), so it finds more contacts; with `continuous: true` it asks "
                 "for a contiguous span, as pinzhu does. pinzhu considers every common reading and the "
                 "surname reading (docs/search.md).\n")
        (HERE / "MATCH.md").write_text(head + text + notes, encoding="utf-8")


if __name__ == "__main__":
    main()
