"""Corpus mode: the batch transforms, shard planning and reading, the sharded runner (jobs, resume,
SIGKILL), and the CLI. Small corpora are made here, never read from ../shared."""

from __future__ import annotations

import gzip
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import pinzhu
from pinzhu.cli import main
from pinzhu.corpus import CorpusOptions, RunOptions, batch_transform, plan, resolve_inputs, run_corpus
from pinzhu.corpus.sources import Bad, file_kind, records
from pinzhu.corpus.transforms import process_text, transform_record
from pinzhu.io import InputError

# Simplified and traditional sentences (traditional written out: tests don't need OpenCC).
SENTENCES = [
    "这与寻根节主题高度一致。", "5月23日在随州举行了开幕式。", "银行行长说我们明天去长城。",
    "他的头发长得很长，还喜欢唱歌。", "今年的重点工作是发展经济和保护环境。", "音乐会在北京的大剧院举行。",
    "炎帝神農氏是中華民族的始祖之一。", "發展經濟是當前的重要任務。", "尋根節吸引了海內外的華人。",
    "我們在銀行門口見面吧。", "湖北(Hubei)是一个省。", "价格是(100元)左右，见附表(二)。",
]
POLICIES = [dict(select="all"), dict(select="polyphones"), dict(select="all", brackets="full"),
            dict(select="all", tone="numbers"), dict(select="sample", fraction=0.5, seed=3),
            dict(select="all", orthography=True)]


def make_docs(n: int, seed: int = 0, annotated_share: float = 0.3) -> list[dict]:
    """Documents with ids: some annotated (varied styles) with their clean text in ``clean``."""
    rng = random.Random(seed)
    docs = []
    for i in range(n):
        clean = "".join(rng.choice(SENTENCES) for _ in range(rng.randint(1, 4)))
        text = clean
        if rng.random() < annotated_share:
            text = pinzhu.annotate(clean, **rng.choice(POLICIES))
        docs.append({"id": i, "text": text, "clean": clean, "annotated": text != clean})
    return docs


def write_jsonl(path: Path, docs: list[dict], bad_lines: dict[int, bytes] | None = None) -> None:
    """Docs as JSONL; ``bad_lines``: raw lines inserted before the doc at that position."""
    out = bytearray()
    for i, d in enumerate(docs):
        if bad_lines and i in bad_lines:
            out += bad_lines[i] + b"\n"
        out += json.dumps(d, ensure_ascii=False).encode() + b"\n"
    path.write_bytes(bytes(out))


def read_parts(out: Path) -> list[dict]:
    return [json.loads(line) for p in sorted(out.glob("part-*.jsonl"))
            for line in p.read_text(encoding="utf-8").splitlines()]


def parts_bytes(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.glob("part-*.jsonl"))}


QUIET = RunOptions(progress=False)


# --- transforms ----------------------------------------------------------------------------------

def test_batch_transform_strip_isolates_bad_records():
    batch = {"id": [1, 2, 3, 4, 5], "text": ["这(zhè)是", None, 42, "\ud800坏", "發(fā)展"]}
    out = batch_transform(batch, CorpusOptions(job="strip"))
    assert out["text"] == ["这是", None, 42, "\ud800坏", "發展"]
    assert out["id"] == [1, 2, 3, 4, 5]
    errs = out["pinzhu_error"]
    assert errs[0] is None and errs[4] is None
    assert "NoneType" in errs[1] and "int" in errs[2] and "lone surrogate U+D800" in errs[3]
    assert batch["text"][0] == "这(zhè)是"  # the input batch is not mutated


def test_batch_transform_missing_field_and_output_field():
    out = batch_transform({"body": ["行(xíng)"]}, CorpusOptions())
    assert out["pinzhu_error"] == ["no field 'text'"]
    out = batch_transform({"text": ["行(xíng)"]}, CorpusOptions(output_field="clean"))
    assert out == {"text": ["行(xíng)"], "clean": ["行"], "pinzhu_error": [None]}


def test_every_job_sets_its_fields():
    text = "刘诗(shī)诗说这(zhè)是银行(yínxíng)。"
    scan = process_text(text, CorpusOptions(job="scan"))[0]
    assert scan["pinzhu_annotations"] == 3 and scan["pinzhu_verdict"] == "machine"
    audit = process_text(text, CorpusOptions(job="audit"))[0]
    assert audit["pinzhu_wrong"] == 1 and [a["written"] for a in audit["pinzhu_audit"]] == ["shī", "zhè", "yínxíng"]
    read = process_text("银行\n长城", CorpusOptions(job="read", config=pinzhu.Config(tone="numbers")))[0]
    assert read == {"pinzhu_pinyin": "yin2hang2\nchang2cheng2"}
    ann = process_text("行长", CorpusOptions(job="annotate"))[0]
    assert pinzhu.strip(ann["text"]) == "行长" and ann["text"] != "行长"


def test_transform_record_keeps_shape_and_reports_change():
    assert transform_record({"text": "中文", "x": 1}, CorpusOptions()) == ({"text": "中文", "x": 1}, False)
    rec, changed = transform_record({"text": None}, CorpusOptions())
    assert rec["text"] is None and "pinzhu_error" in rec and not changed
    rec, changed = transform_record({"t": "行(xíng)"}, CorpusOptions(text_field="t"))
    assert rec == {"t": "行"} and changed


@pytest.mark.parametrize("o", [
    CorpusOptions(job="read", keep=True, config=pinzhu.Config(tone="numbers")),
    CorpusOptions(job="annotate", annotate=pinzhu.AnnotateOptions(select="polyphones")),
    CorpusOptions(job="annotate", output_field="ann", config=pinzhu.Config(spoken=True)),
], ids=["read", "annotate", "annotate-spoken"])
def test_jobs_in_batches_equal_record_by_record(o, monkeypatch):
    """read and annotate read a batch in one engine pass, with the same fields and errors as one
    record at a time; when the batch pass itself fails, the records are redone one by one."""
    from pinzhu.corpus import transforms

    values = ["银行\n行长说：好！", None, "我们去银行。", "", "\ud800坏", "ok 中文", 7, "一点儿\n\n还得",
              "行(xíng)长"]
    alone = [process_text(v, o) for v in values]
    assert transforms.process_texts(values, o) == alone
    recs = [{"id": i, "text": v} for i, v in enumerate(values)] + [{"id": 99}]
    assert transforms.transform_records(recs, o) == [transform_record(r, o) for r in recs]

    def broken(texts, o):
        raise RuntimeError("batch pass failed")
    monkeypatch.setitem(transforms._BATCH_FNS, o.job, broken)
    assert transforms.process_texts(values, o) == alone


def test_unknown_job_is_refused():
    with pytest.raises(ValueError, match="unknown job"):
        CorpusOptions(job="translate")


# --- sources -------------------------------------------------------------------------------------

def test_plan_cuts_shards_by_bytes_at_line_ends(tmp_path):
    """A shard is about shard_size bytes of whole lines, however long the lines: the first line
    that starts at or after shard_size bytes into a shard starts the next one."""
    p = tmp_path / "a.jsonl"
    rng = random.Random(5)
    lines = [json.dumps({"id": i, "text": "中" * rng.choice([0, 1, 3, 40, 200])}).encode() for i in range(60)]
    p.write_bytes(b"\n".join(lines))  # no final newline: the last line still counts
    starts = [sum(len(x) + 1 for x in lines[:k]) for k in range(len(lines))]
    shards = plan([str(p)], 500)
    assert sum(s.count for s in shards) == 60 and shards[0].first == 1
    for a, b in zip(shards, shards[1:]):
        assert b.first == a.first + a.count and b.offset == starts[b.first - 1]
        assert b.offset - a.offset >= 500 > starts[b.first - 2] - a.offset  # cut at the first line start past 500
    assert [r["id"] for s in shards for r in records(s)] == list(range(60))
    # short and long lines alike: a shard of long lines holds fewer of them
    assert len({s.count for s in shards}) > 1


def test_plan_exact_multiple_has_no_empty_shard(tmp_path):
    p = tmp_path / "a.jsonl"
    p.write_text("".join(f'{{"id": {i}}}\n' for i in range(10)))  # 10 bytes a line
    assert [s.count for s in plan([str(p)], 50)] == [5, 5]


@pytest.mark.parametrize("suffix", [".jsonl.gz", ".jsonl.zst"])
def test_compressed_shards_read_like_plain(tmp_path, suffix):
    raw = "".join(json.dumps({"id": i, "text": "中文"}, ensure_ascii=False) + "\n" for i in range(50)).encode()
    p = tmp_path / f"a{suffix}"
    if suffix.endswith(".gz"):
        p.write_bytes(gzip.compress(raw))
    else:
        zstd = pytest.importorskip("zstandard", reason="zstandard (pinzhu[corpus]) reads .zst")
        p.write_bytes(zstd.ZstdCompressor().compress(raw))
    (tmp_path / "plain.jsonl").write_bytes(raw)
    shards = plan([str(p)], 200)
    plain = plan([str(tmp_path / "plain.jsonl")], 200)
    assert len(shards) == 7 and file_kind(str(p))[1] in ("gz", "zst")
    assert [(s.first, s.offset, s.count) for s in shards] == [(s.first, s.offset, s.count) for s in plain]
    assert [r["id"] for s in shards for r in records(s)] == list(range(50))


def test_parquet_shards_are_row_groups(tmp_path):
    pa = pytest.importorskip("pyarrow", reason="pyarrow (pinzhu[corpus]) reads Parquet")
    import pyarrow.parquet as pq

    t = pa.table({"id": list(range(25)), "text": ["这(zhè)是"] * 24 + [None]})
    pq.write_table(t, tmp_path / "a.parquet", row_group_size=10)
    shards = plan(resolve_inputs(str(tmp_path)), 1000)
    assert [(s.kind, s.offset, s.count) for s in shards] == [("parquet", 0, 10), ("parquet", 1, 10), ("parquet", 2, 5)]
    s = run_corpus(str(tmp_path / "a.parquet"), str(tmp_path / "out"), CorpusOptions(), QUIET)
    recs = read_parts(tmp_path / "out")
    assert [r["id"] for r in recs] == list(range(25))
    assert recs[0]["text"] == "这是" and "pinzhu_error" in recs[-1]
    assert (s.documents, s.changed, s.errors) == (25, 24, 1)


def test_bad_lines_carry_line_and_offset(tmp_path):
    p = tmp_path / "a.jsonl"
    data = b'{"id": 0, "text": "ok"}\n{"id": 1, "text": \n\n[1, 2]\n{"id": 3, "text": "\xff"}\n'
    p.write_bytes(data)
    got = list(records(plan([str(p)], 100)[0]))
    assert got[0] == {"id": 0, "text": "ok"}
    bad = [r for r in got if isinstance(r, Bad)]
    starts = [24, data.index(b"[1, 2]"), data.index(b'{"id": 3')]
    assert [(b.line, b.offset) for b in bad] == [(2, starts[0]), (4, starts[1]), (5, starts[2])]
    assert bad[0].error.startswith("malformed JSON") and "list" in bad[1].error
    assert bad[2].error == f"invalid UTF-8 at byte offset {data.index(0xff)} (invalid start byte)"


def test_resolve_inputs_folder_glob_and_nothing(tmp_path):
    for name in ["b.jsonl", "a.jsonl.gz", "c.parquet", "notes.txt", "_pinzhu/manifest.jsonl"]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(b"")
    assert [Path(f).name for f in resolve_inputs(str(tmp_path))] == ["a.jsonl.gz", "b.jsonl", "c.parquet"]
    assert [Path(f).name for f in resolve_inputs(str(tmp_path / "*.jsonl"))] == ["b.jsonl"]
    with pytest.raises(InputError, match="no input files"):
        resolve_inputs(str(tmp_path / "missing*.jsonl"))


# --- the runner ----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    d = tmp_path_factory.mktemp("corpus")
    docs = make_docs(300, seed=1)
    write_jsonl(d / "a.jsonl", docs[:200], bad_lines={5: b'{"id": "x", "text": ', 50: b'{"id": "y", "text": null}',
                                                      120: b'{"id": "z", "text": "\\udc00"}', 130: b""})
    with gzip.open(d / "b.jsonl.gz", "wb") as f:
        for doc in docs[200:]:
            f.write(json.dumps(doc, ensure_ascii=False).encode() + b"\n")
    return d, docs


def test_read_job_chunks_keep_order_and_bad_lines(tmp_path):
    """Records go through the engine in chunks; bad lines between them keep their place."""
    from pinzhu.corpus.shard import CHUNK

    texts = ["银行行长说：好！", "他还没有回来。", "一点儿", "", "中文 abc"]
    docs = [{"id": i, "text": texts[i % len(texts)]} for i in range(2 * CHUNK + 10)]
    write_jsonl(tmp_path / "a.jsonl", docs, bad_lines={3: b"{", CHUNK: b"[1]", 2 * CHUNK + 9: b'{"id": -1}'})
    o = CorpusOptions(job="read", config=pinzhu.Config(tone="numbers"))
    s = run_corpus(str(tmp_path / "a.jsonl"), str(tmp_path / "out"), o, RunOptions(shard_size=1 << 20, progress=False))
    recs = read_parts(tmp_path / "out")
    assert s.documents == len(docs) + 3 and s.errors == 3
    assert [r["id"] for r in recs if "id" in r and r["id"] >= 0] == [d["id"] for d in docs]
    lines = [i for i, r in enumerate(recs) if "pinzhu_source" in r or r.get("id") == -1]
    assert lines == [3, CHUNK + 1, 2 * CHUNK + 11]  # each after the docs and bad lines before it
    for r in recs:
        if "id" in r and r["id"] >= 0:
            assert r["pinzhu_pinyin"] == process_text(r["text"], o)[0]["pinzhu_pinyin"]


def test_strip_restores_every_annotated_document(corpus, tmp_path):
    d, docs = corpus
    s = run_corpus(str(d), str(tmp_path / "out"), CorpusOptions(), RunOptions(shard_size=12_000, progress=False))
    recs = read_parts(tmp_path / "out")
    by_id = {r["id"]: r for r in recs if "id" in r}
    for doc in docs:
        if doc["annotated"]:
            assert by_id[doc["id"]]["text"] == doc["clean"], doc["text"]
    assert s.documents == 300 + 3 and s.errors == 3
    assert s.changed >= sum(doc["annotated"] for doc in docs)
    bad = [r for r in recs if "pinzhu_source" in r]
    assert len(bad) == 1 and bad[0]["pinzhu_source"]["line"] == 6 and bad[0]["pinzhu_raw"].startswith('{"id": "x"')


def test_output_is_the_same_for_any_number_of_jobs(corpus, tmp_path):
    d, _ = corpus
    opts = CorpusOptions()
    run_corpus(str(d), str(tmp_path / "j1"), opts, RunOptions(shard_size=12_000, jobs=1, progress=False))
    run_corpus(str(d), str(tmp_path / "j2"), opts, RunOptions(shard_size=12_000, jobs=2, progress=False))
    one = parts_bytes(tmp_path / "j1")
    assert len(one) == 8 and one == parts_bytes(tmp_path / "j2")  # 60 KB / 12 KB + 30 KB / 12 KB


def test_resume_skips_done_shards_and_refuses_another_job(corpus, tmp_path):
    d, _ = corpus
    out = tmp_path / "out"
    run = RunOptions(shard_size=12_000, progress=False)
    run_corpus(str(d), str(out), CorpusOptions(), run)
    first = parts_bytes(out)
    (out / "_pinzhu" / "part-00002.done").unlink()
    (out / "part-00002.jsonl").write_text("half a shard")  # a part without a marker is redone
    (out / ".part-00003.jsonl.abc.tmp").write_text("left by a kill")
    with pytest.raises(InputError, match="--resume"):
        run_corpus(str(d), str(out), CorpusOptions(), run)
    s = run_corpus(str(d), str(out), CorpusOptions(), RunOptions(shard_size=12_000, resume=True, progress=False))
    assert s.skipped == s.shards - 1 and parts_bytes(out) == first
    assert not list(out.glob(".*.tmp"))
    with pytest.raises(InputError, match="different job"):
        run_corpus(str(d), str(out), CorpusOptions(job="scan"), RunOptions(shard_size=12_000, resume=True, progress=False))


def _tagged_pids(tag: str) -> list[int]:
    """Processes whose environment holds ``tag`` (the killed run and any worker it left)."""
    pids = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                if tag.encode() in (d / "environ").read_bytes():
                    pids.append(int(d.name))
            except OSError:
                pass
    return pids


@pytest.mark.parametrize("jobs", [1, 2])
def test_sigkill_then_resume_equals_uninterrupted_run(tmp_path, jobs):
    docs = make_docs(900, seed=7, annotated_share=1.0)
    write_jsonl(tmp_path / "in.jsonl", docs)
    cmd = [sys.executable, "-m", "pinzhu", "corpus", "strip", str(tmp_path / "in.jsonl"), str(tmp_path / "out"),
           "--shard-size", "8K", "--no-progress", "--jobs", str(jobs)]
    assert main(["corpus", "strip", str(tmp_path / "in.jsonl"), str(tmp_path / "ref"), "--shard-size", "8K",
                 "--no-progress"]) == 0
    shards = len(list((tmp_path / "ref").glob("part-*.jsonl")))
    tag = f"PINZHU_KILL_TEST={tmp_path.name}"
    env = {**os.environ, "PINZHU_KILL_TEST": tmp_path.name}
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    markers = tmp_path / "out" / "_pinzhu"
    deadline = time.monotonic() + 60
    while not list(markers.glob("part-*.done")) and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    done_at_kill = len(list(markers.glob("part-*.done")))
    assert proc.returncode == -signal.SIGKILL and 1 <= done_at_kill < shards, "the kill must land mid-run"
    if jobs > 1 and Path("/proc/self/environ").exists():
        # Pool workers notice their parent is gone and leave, rather than wait on their queue forever.
        deadline = time.monotonic() + 10
        while _tagged_pids(tag) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _tagged_pids(tag) == []
    assert subprocess.run([*cmd, "--resume"], capture_output=True).returncode == 0
    assert parts_bytes(tmp_path / "out") == parts_bytes(tmp_path / "ref")
    summary = json.loads((markers / "summary").read_text())
    assert summary["skipped"] >= done_at_kill and summary["documents"] == 900


# --- the CLI -------------------------------------------------------------------------------------

def test_cli_jobs_summary_and_annotate(corpus, tmp_path, capsys):
    d, _ = corpus
    assert main(["corpus", "strip", str(d / "a.jsonl"), str(tmp_path / "s"), "--no-progress"]) == 0
    out = capsys.readouterr()
    summary = json.loads(out.out)
    assert summary["documents"] == 203 and summary["errors"] == 3
    assert "203 documents" in out.err
    src = tmp_path / "clean.jsonl"
    write_jsonl(src, [{"id": 0, "text": "银行行长在长城唱歌。"}])
    assert main(["corpus", "annotate", str(src), str(tmp_path / "a"), "--select", "polyphones",
                 "--brackets", "full", "--tone", "numbers", "--no-progress"]) == 0
    text = read_parts(tmp_path / "a")[0]["text"]
    assert "（" in text and pinzhu.strip(text) == "银行行长在长城唱歌。"
    assert main(["corpus", "scan", str(src), str(tmp_path / "c"), "--no-progress"]) == 0
    assert read_parts(tmp_path / "c")[0]["pinzhu_verdict"] == "clean"


def test_cli_bad_input_is_exit_2(tmp_path, capsys):
    assert main(["corpus", "strip", str(tmp_path / "nothing*.jsonl"), str(tmp_path / "o")]) == 2
    assert "no input files" in capsys.readouterr().err


def test_progress_log_lines_when_not_a_terminal(corpus, tmp_path, capsys):
    d, _ = corpus
    run_corpus(str(d / "a.jsonl"), str(tmp_path / "o"), CorpusOptions(), RunOptions(shard_size=15_000, progress=None))
    err = capsys.readouterr().err
    assert "documents" in err and "chars/s" in err and "ETA" in err


def test_part_files_are_readable_by_others(corpus, tmp_path):
    d, _ = corpus
    run_corpus(str(d / "b.jsonl.gz"), str(tmp_path / "o"), CorpusOptions(), QUIET)
    mode = os.stat(tmp_path / "o" / "part-00000.jsonl").st_mode & 0o777
    umask = os.umask(0)
    os.umask(umask)
    assert mode == 0o666 & ~umask
