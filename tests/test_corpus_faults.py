"""Corpus mode under faults and hostile input (issue #13): damaged compressed and Parquet input,
damaged parts under --resume, chained jobs, OUT inside IN and locked, huge integers and NaN,
over-long records and decompression bombs, symlinks, a wrong --text-field, a full disk, Ctrl-C in a
terminal, a killed worker.

Inputs are small: a decompression bomb expands past a small configured cap, not to a real GiB."""

from __future__ import annotations

import fcntl
import gzip
import json
import os
import pty
import select
import signal
import sys
import threading
import time
from pathlib import Path

import pytest

from pinzhu.cli import main
from pinzhu.corpus import CorpusOptions, RunOptions, batch_transform, run_corpus
from test_cli_faults import _usage_error, cli
from test_corpus import make_docs, parts_bytes, read_parts, write_jsonl

def jsonl(docs: list[dict]) -> bytes:
    return b"".join(json.dumps(d, ensure_ascii=False).encode() + b"\n" for d in docs)


def strict_json(line: str) -> dict:
    """json.loads that refuses NaN and Infinity, as every strict JSON reader does."""
    def no(name: str):
        raise ValueError(f"{name} in output")
    return json.loads(line, parse_constant=no)


def plain_docs(n: int, start: int = 0) -> list[dict]:
    """Documents without pinyin: strip gives each back unchanged, so an altered record shows."""
    return [{"id": i, "text": f"第{i}条：银行行长说我们明天去长城。"} for i in range(start, start + n)]


def summary_of(out: Path) -> dict:
    return json.loads((out / "_pinzhu" / "summary").read_text(encoding="utf-8"))


def run_cli_main(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    got = capsys.readouterr()
    return code, got.out, got.err


zstandard = pytest.importorskip("zstandard", reason="zstandard (pinzhu[corpus]) reads .zst")


# --- silent data loss: damaged compressed input ---------------------------------------------------

def test_truncated_zst_is_an_error_naming_file_and_offset(tmp_path, capsys):
    """A truncated .zst was accepted (8,216 of 20,000 records, exit 0): now every record before the
    cut is read, once, the cut is an error record, the other files go on, and the run exits 2."""
    src = tmp_path / "in"
    src.mkdir()
    docs = plain_docs(20_000)
    c = zstandard.ZstdCompressor(write_checksum=True).compress(jsonl(docs))
    (src / "a.jsonl.zst").write_bytes(c[: len(c) * 4 // 10])
    (src / "b.jsonl").write_bytes(jsonl(plain_docs(50, start=10_000)))
    code, out, err = run_cli_main(capsys, "corpus", "strip", str(src), str(tmp_path / "out"), "--no-progress")
    assert code == 2
    assert f"pinzhu: error: {src / 'a.jsonl.zst'}: line " in err and "truncated zstd file" in err
    assert f"ends at byte {len(c) * 4 // 10}" in err
    recs = read_parts(tmp_path / "out")
    ids = [r["id"] for r in recs if "id" in r]
    from_a = [i for i in ids if i < 10_000]
    assert 0 < len(from_a) < 20_000 and from_a == list(range(len(from_a)))  # a prefix, each record once
    assert all(r["text"] == docs[r["id"]]["text"] for r in recs if "id" in r and r["id"] < 10_000)
    assert [i for i in ids if i >= 10_000] == list(range(10_000, 10_050))  # the other file is whole
    bad = [r for r in recs if "pinzhu_source" in r]
    assert len(bad) == 1 and bad[0]["pinzhu_error"].startswith("damaged input: truncated zstd file")
    assert bad[0]["pinzhu_source"]["line"] == len(from_a) + 1
    assert len(json.loads(out)["damaged"]) == 1


@pytest.mark.parametrize("kind", ["gz", "zst"])
def test_corrupt_compressed_input_alters_no_record(tmp_path, capsys, kind):
    """A byte flipped mid-stream: the CRC (gzip) or the frame checksum (zstd) fails, and no record
    of the damaged member/frame is written altered; the run exits 2 naming the file."""
    docs = plain_docs(3000)
    raw = jsonl(docs)
    data = gzip.compress(raw) if kind == "gz" else zstandard.ZstdCompressor(write_checksum=True).compress(raw)
    bad = bytearray(data)
    bad[len(bad) // 2] ^= 0x55
    p = tmp_path / f"a.jsonl.{kind}"
    p.write_bytes(bytes(bad))
    code, _, err = run_cli_main(capsys, "corpus", "strip", str(p), str(tmp_path / "out"), "--no-progress")
    assert code == 2 and f"pinzhu: error: {p}: line 1, byte 0: damaged input: corrupt" in err
    recs = read_parts(tmp_path / "out")
    assert all(r["text"] == docs[r["id"]]["text"] for r in recs if "id" in r)  # nothing altered
    assert sum("pinzhu_source" in r for r in recs) == 1


def test_damage_in_a_later_zstd_frame_keeps_the_frames_before_it(tmp_path, capsys):
    docs = plain_docs(2000)
    cctx = zstandard.ZstdCompressor(write_checksum=True)
    frames = [cctx.compress(jsonl(docs[k:k + 500])) for k in range(0, 2000, 500)]
    bad = bytearray(frames[2])
    bad[len(bad) // 2] ^= 0x55
    p = tmp_path / "a.jsonl.zst"
    p.write_bytes(frames[0] + frames[1] + bytes(bad) + frames[3])
    code, _, err = run_cli_main(capsys, "corpus", "strip", str(p), str(tmp_path / "out"), "--no-progress",
                                "--shard-size", "20K")
    assert code == 2 and f"starts at byte {len(frames[0]) + len(frames[1])}" in err
    recs = read_parts(tmp_path / "out")
    assert [r["id"] for r in recs if "id" in r] == list(range(1000))
    assert recs[-1]["pinzhu_source"]["line"] == 1001


def test_truncated_gzip_is_an_error_not_a_traceback(tmp_path):
    raw = jsonl(plain_docs(3000))
    data = gzip.compress(raw)
    p = tmp_path / "a.jsonl.gz"
    p.write_bytes(data[: len(data) // 2])
    r = cli("corpus", "strip", str(p), str(tmp_path / "out"), "--no-progress")
    err = r.stderr.decode()
    assert r.returncode == 2 and "Traceback" not in err
    assert f"{p}: line " in err and "truncated gzip file" in err


pa = pytest.importorskip("pyarrow", reason="pyarrow (pinzhu[corpus]) reads Parquet")


def test_damaged_parquet_row_group_and_footer(tmp_path, capsys):
    """A Parquet page whose checksum fails is an error record for its row group, the other row
    groups are read; a file without its footer is one error record; other files go on; exit 2."""
    import pyarrow.parquet as pq

    src = tmp_path / "in"
    src.mkdir()
    t = pa.table({"id": list(range(400)), "text": [f"第{i}条，这是一段文字。" * 3 for i in range(400)]})
    pq.write_table(t, src / "a.parquet", row_group_size=100, compression="none", write_page_checksum=True)
    group = pq.ParquetFile(src / "a.parquet").metadata.row_group(2)
    start = min(c.dictionary_page_offset or c.data_page_offset for c in map(group.column, range(2)))
    col = group.column(1)
    data = bytearray((src / "a.parquet").read_bytes())
    data[(col.dictionary_page_offset or col.data_page_offset) + col.total_compressed_size // 2] ^= 0x20
    (src / "a.parquet").write_bytes(bytes(data))
    pq.write_table(t.slice(0, 10), src / "b.parquet")
    whole = (src / "b.parquet").read_bytes()
    (src / "b.parquet").write_bytes(whole[: len(whole) // 2])
    (src / "c.jsonl").write_bytes(jsonl(plain_docs(5, start=1000)))
    code, _, err = run_cli_main(capsys, "corpus", "strip", str(src), str(tmp_path / "out"), "--no-progress")
    assert code == 2
    assert f"{src / 'a.parquet'}: row 201, byte {start}: damaged input: row group 2" in err
    assert f"{src / 'b.parquet'}: row 1, byte 0: damaged input: not a readable Parquet file" in err
    ids = [r["id"] for r in read_parts(tmp_path / "out") if "id" in r]
    assert ids == [*range(200), *range(300, 400), *range(1000, 1005)]


# --- silent data loss: damaged output under --resume ----------------------------------------------

def test_resume_redoes_parts_that_do_not_match_their_marker(tmp_path):
    src = tmp_path / "in.jsonl"
    write_jsonl(src, make_docs(400, seed=3))
    run = RunOptions(shard_size=12_000, progress=False)
    ref = run_corpus(str(src), str(tmp_path / "ref"), CorpusOptions(), run)
    assert ref.shards >= 6
    out = tmp_path / "out"
    run_corpus(str(src), str(out), CorpusOptions(), run)
    (out / "part-00003.jsonl").unlink()                      # deleted
    (out / "part-00004.jsonl").write_bytes(b"")              # emptied
    flipped = bytearray((out / "part-00001.jsonl").read_bytes())
    flipped[100] ^= 0x01                                     # same size, one bit changed
    (out / "part-00001.jsonl").write_bytes(bytes(flipped))
    s = run_corpus(str(src), str(out), CorpusOptions(), RunOptions(shard_size=12_000, progress=False, resume=True))
    assert parts_bytes(out) == parts_bytes(tmp_path / "ref")
    assert s.skipped == s.shards - 3 and (s.documents, s.changed, s.errors) == (ref.documents, ref.changed, ref.errors)
    markers = [json.loads(p.read_text()) for p in sorted((out / "_pinzhu").glob("part-*.done"))]
    assert all(set(m["part"]) == {"bytes", "sha256"} for m in markers)


# --- silent data loss: chained jobs, OUT inside IN, two runs into one OUT ------------------------

def test_chained_jobs_keep_the_first_error(tmp_path, capsys):
    src = tmp_path / "in.jsonl"
    write_jsonl(src, plain_docs(30), bad_lines={3: b'{"id": "broken", ', 7: b"[1, 2]"})
    assert main(["corpus", "strip", str(src), str(tmp_path / "one"), "--no-progress"]) == 0
    first = {r["pinzhu_source"]["line"]: r["pinzhu_error"] for r in read_parts(tmp_path / "one") if "pinzhu_source" in r}
    capsys.readouterr()
    assert main(["corpus", "scan", str(tmp_path / "one"), str(tmp_path / "two"), "--no-progress"]) == 0
    second = json.loads(capsys.readouterr().out)
    assert second["errors"] == 2
    kept = {r["pinzhu_source"]["line"]: r["pinzhu_error"] for r in read_parts(tmp_path / "two") if "pinzhu_source" in r}
    assert kept == first and kept[4].startswith("malformed JSON") and kept[9].startswith("not a JSON object")
    # the batch form keeps an earlier error too
    out = batch_transform({"text": ["行(xíng)", None], "pinzhu_error": ["from step one", None]}, CorpusOptions())
    assert out["pinzhu_error"] == ["from step one", "text is NoneType, not a string"]
    out = batch_transform({"body": ["x"], "pinzhu_error": ["from step one"]}, CorpusOptions())
    assert out["pinzhu_error"] == ["from step one"]


def test_out_inside_in_is_never_read_as_input(tmp_path, capsys):
    src = tmp_path / "crawl"
    src.mkdir()
    write_jsonl(src / "a.jsonl", plain_docs(40))
    assert main(["corpus", "strip", str(src), str(src / "clean"), "--no-progress"]) == 0
    assert json.loads(capsys.readouterr().out)["documents"] == 40
    # the same job again finds its own output done, not a changed input
    assert main(["corpus", "strip", str(src), str(src / "clean"), "--no-progress", "--resume"]) == 0
    again = json.loads(capsys.readouterr().out)
    assert again["documents"] == 40 and again["skipped"] == again["shards"]
    # another job into another OUT inside IN doesn't read the first one's parts
    assert main(["corpus", "scan", str(src), str(src / "scanned"), "--no-progress"]) == 0
    assert json.loads(capsys.readouterr().out)["documents"] == 40
    # OUT that holds IN is refused
    assert main(["corpus", "strip", str(src), str(tmp_path), "--no-progress"]) == 2
    assert "OUT holds IN" in capsys.readouterr().err


def test_a_second_run_into_a_locked_out_is_refused(tmp_path, capsys):
    """While a run holds OUT (``OUT/_pinzhu/lock``), a second run is refused and leaves the first
    one's temporary files alone."""
    src = tmp_path / "in.jsonl"
    write_jsonl(src, plain_docs(20))
    out = tmp_path / "out"
    (out / "_pinzhu").mkdir(parents=True)
    theirs = out / ".part-00000.jsonl.abc.4242.tmp"
    theirs.write_text("being written by the other run")
    fd = os.open(out / "_pinzhu" / "lock", os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # as a running pinzhu corpus holds it
        os.write(fd, b"4242\n")
        code, _, err = run_cli_main(capsys, "corpus", "strip", str(src), str(out), "--no-progress", "--resume")
        assert code == 2 and "another pinzhu corpus run is writing here (pid 4242)" in err
        assert theirs.exists() and not list(out.glob("part-*.jsonl"))
    finally:
        os.close(fd)
    assert main(["corpus", "strip", str(src), str(out), "--no-progress"]) == 0  # free again
    assert not theirs.exists()  # a stale temporary file, now the lock is free: removed


# --- one record or one file stops everything -----------------------------------------------------

def test_huge_integers_and_nan_are_error_records(tmp_path, capsys):
    src = tmp_path / "in.jsonl"
    hostile = {3: b'{"text": "x", "n": ' + b"1" * 4301 + b"}", 5: b'{"text": "y", "v": NaN}',
               6: b'{"text": "z", "v": Infinity}', 8: b'{"text": "w", "v": [-Infinity]}'}
    write_jsonl(src, plain_docs(60), bad_lines=hostile)
    code, out, _ = run_cli_main(capsys, "corpus", "strip", str(src), str(tmp_path / "out"), "--no-progress")
    assert code == 0 and json.loads(out)["errors"] == 4
    lines = [line for p in sorted((tmp_path / "out").glob("part-*.jsonl"))
             for line in p.read_text(encoding="utf-8").splitlines()]
    recs = [strict_json(line) for line in lines]  # every line is strict JSON
    bad = {r["pinzhu_source"]["line"]: r["pinzhu_error"] for r in recs if "pinzhu_source" in r}
    assert sorted(bad) == [4, 7, 9, 12]
    assert "4301 digits" in bad[4] and "NaN" in bad[7] and "Infinity" in bad[9] and "-Infinity" in bad[12]
    assert [r["id"] for r in recs if "id" in r] == list(range(60))


def test_nan_in_parquet_is_written_as_null(tmp_path):
    import pyarrow.parquet as pq

    pq.write_table(pa.table({"text": ["中文", "行(xíng)"], "score": [float("nan"), float("inf")]}),
                   tmp_path / "a.parquet")
    run_corpus(str(tmp_path / "a.parquet"), str(tmp_path / "out"), CorpusOptions(), RunOptions(progress=False))
    lines = (tmp_path / "out" / "part-00000.jsonl").read_text(encoding="utf-8").splitlines()
    assert [strict_json(line) for line in lines] == [{"text": "中文", "score": None}, {"text": "行", "score": None}]


def test_an_over_long_record_is_an_error_not_a_copy(tmp_path, capsys):
    """A 17 MiB record (over the default 16 MiB cap) becomes an error record holding its first
    1,000 bytes: neither a copy of itself nor a memory blow-up."""
    huge = b'{"id": -1, "text": "' + b"a" * (17 << 20) + b'"}'
    p = tmp_path / "in.jsonl.gz"
    p.write_bytes(gzip.compress(jsonl(plain_docs(20)) + huge + b"\n" + jsonl(plain_docs(20, start=20)), 1))
    code, out, _ = run_cli_main(capsys, "corpus", "strip", str(p), str(tmp_path / "out"), "--no-progress")
    assert code == 0
    assert sum(f.stat().st_size for f in (tmp_path / "out").glob("part-*.jsonl")) < 20_000
    recs = read_parts(tmp_path / "out")
    assert [r["id"] for r in recs if "id" in r] == list(range(40))
    bad = [r for r in recs if "pinzhu_source" in r]
    assert len(bad) == 1 and f"record of {len(huge) + 1} bytes is over the limit" in bad[0]["pinzhu_error"]
    assert bad[0]["pinzhu_source"]["line"] == 21 and len(bad[0]["pinzhu_raw"]) == 1000


def test_decompression_bomb_stops_at_the_ratio_cap(tmp_path, capsys):
    # 4 MiB of records from ~10 KB of gzip (a ratio of ~400) against a cap of 5 times
    p = tmp_path / "bomb.jsonl.gz"
    p.write_bytes(gzip.compress(b'{"text": "a"}\n' * (300_000), 9))
    code, out, err = run_cli_main(capsys, "corpus", "strip", str(p), str(tmp_path / "out"), "--no-progress",
                                  "--max-ratio", "5", "--max-record-bytes", "1K")
    assert code == 2 and f"{p}: line " in err and "expands more than 5 times" in err
    s = json.loads(out)
    limit = 5 * (64 << 10)  # the cap counts from 64 KiB for small files
    assert s["documents"] <= limit // 14 + 2 and s["errors"] == 1


def test_symlinks_out_of_the_input_folder_are_not_followed(tmp_path, capsys):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.jsonl").write_text('{"text": "root:x:0:0:secret"}\n')
    src = tmp_path / "crawl"
    src.mkdir()
    write_jsonl(src / "a.jsonl", plain_docs(5))
    (src / "passwd.jsonl").symlink_to(outside / "secret.jsonl")
    (src / "more").symlink_to(outside, target_is_directory=True)
    code, _, err = run_cli_main(capsys, "corpus", "strip", str(src), str(tmp_path / "out"), "--no-progress")
    assert code == 0 and "2 symlinks" in err and "--follow-symlinks" in err
    assert "secret" not in "".join(p.read_text() for p in (tmp_path / "out").glob("part-*.jsonl"))
    assert main(["corpus", "strip", str(src), str(tmp_path / "out2"), "--no-progress", "--follow-symlinks"]) == 0
    assert "secret" in "".join(p.read_text() for p in (tmp_path / "out2").glob("part-*.jsonl"))


def test_a_wrong_text_field_fails_the_run_with_a_summary(tmp_path):
    src = tmp_path / "in.jsonl"
    write_jsonl(src, plain_docs(200))
    r = cli("corpus", "strip", str(src), str(tmp_path / "out"), "--text-field", "body", "--no-progress")
    assert r.returncode == 2
    summary = json.loads(r.stdout)
    assert summary["documents"] == 200 and summary["errors"] == 200
    assert "200 of 200 records (100.0%) are errors, more than --max-error-share 0.1; most: no field 'body' (200)" \
        in r.stderr.decode()
    r = cli("corpus", "strip", str(src), str(tmp_path / "out2"), "--text-field", "body", "--no-progress",
            "--max-error-share", "1")
    assert r.returncode == 0


def test_full_disk_in_a_corpus_run_is_exit_2_with_whole_parts(tmp_path, small_disk):
    src = tmp_path / "in.jsonl"
    write_jsonl(src, make_docs(2000, seed=4))  # ~700 KB
    out = small_disk / "out"
    r = cli("corpus", "strip", str(src), str(out), "--shard-size", "40K", "--no-progress", "--jobs", "2")
    _usage_error(r, "No space left on device", str(out / "part-"))
    assert not list(out.glob(".*.tmp"))
    for marker in (out / "_pinzhu").glob("part-*.done"):  # every part with a marker is whole
        part = out / (marker.name.removesuffix(".done") + ".jsonl")
        assert part.stat().st_size == json.loads(marker.read_text())["part"]["bytes"]


# --- Ctrl-C and killed workers ---------------------------------------------------------------------

def _pty_run(argv: list[str]) -> tuple[int, int]:
    """Start ``argv`` as the foreground job of a new pseudo-terminal; (pid, master fd)."""
    pid, fd = pty.fork()
    if pid == 0:  # the child: its own session, the pty its controlling terminal
        try:
            os.execv(sys.executable, [sys.executable, *argv])
        finally:
            os._exit(127)
    return pid, fd


def _drain(fd: int, seconds: float) -> bytes:
    out = b""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        r, _, _ = select.select([fd], [], [], 0.05)
        if r:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            if not chunk:
                break
            out += chunk
    return out


def test_ctrl_c_under_jobs_2_in_a_terminal_stops_within_seconds(tmp_path):
    """^C in a terminal (SIGINT to the whole process group), twice: the pending shards are cancelled,
    the workers stop, "interrupted; rerun with --resume", exit 130, within seconds; no traceback, no
    process left, no temporary file; --resume then finishes byte-identical to an uninterrupted run."""
    src = tmp_path / "in.jsonl"
    write_jsonl(src, make_docs(6000, seed=9, annotated_share=1.0))  # ~2.4 MB: 60 shards
    args = ["strip", str(src), "--shard-size", "40K", "--jobs", "2"]
    pid, fd = _pty_run(["-m", "pinzhu", "corpus", args[0], args[1], str(tmp_path / "out"), *args[2:]])
    markers = tmp_path / "out" / "_pinzhu"
    out = b""
    deadline = time.monotonic() + 120
    while not list(markers.glob("part-*.done")) and time.monotonic() < deadline:
        out += _drain(fd, 0.05)
        if os.waitpid(pid, os.WNOHANG)[0]:
            pytest.fail(f"ended before any shard was done: {out.decode(errors='replace')[-2000:]}")
    assert list(markers.glob("part-*.done")), out.decode(errors="replace")
    os.write(fd, b"\x03")  # ^C, as typed
    t0 = time.monotonic()
    out += _drain(fd, 0.2)
    os.write(fd, b"\x03")  # and again, impatient (two presses used to hang for good)
    status = None
    while time.monotonic() - t0 < 15:
        out += _drain(fd, 0.1)
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
    else:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        pytest.fail(f"still running 15 s after ^C: {out.decode(errors='replace')[-2000:]}")
    elapsed = time.monotonic() - t0
    out += _drain(fd, 0.2)
    os.close(fd)
    text = out.decode(errors="replace")
    assert os.waitstatus_to_exitcode(status) == 130, text[-2000:]
    assert "interrupted; rerun with --resume" in text and "Traceback" not in text
    assert elapsed < 10
    left = _group(pid)
    deadline = time.monotonic() + 5
    while left and time.monotonic() < deadline:  # the forkserver and resource tracker see their parent go
        time.sleep(0.1)
        left = _group(pid)
    assert not left, f"processes of the run still there: {left}"
    done_at_stop = len(list(markers.glob("part-*.done")))
    assert done_at_stop < 60, "the pending shards were cancelled"
    assert not list((tmp_path / "out").glob(".*.tmp"))
    r = cli("corpus", *args[:2], str(tmp_path / "out"), *args[2:], "--resume", "--no-progress")
    assert r.returncode == 0 and json.loads(r.stdout)["skipped"] == done_at_stop
    assert cli("corpus", *args[:2], str(tmp_path / "ref"), *args[2:], "--no-progress").returncode == 0
    assert parts_bytes(tmp_path / "out") == parts_bytes(tmp_path / "ref")


def _group(pgid: int) -> list[str]:
    """The live processes of a process group, with their command lines."""
    found = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                fields = (d / "stat").read_text().rsplit(")", 1)[1].split()
                if int(fields[2]) == pgid and fields[0] != "Z":
                    found.append((d / "cmdline").read_bytes().replace(b"\0", b" ").decode()[:120])
            except OSError:
                continue
    return found


def _children(pid: int) -> list[int]:
    kids = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                fields = (d / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                kids.append(int(d.name))
    return kids


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="finds the workers through /proc")
def test_a_local_worker_killed_mid_shard_is_replaced(tmp_path):
    """kill -9 of a pool worker mid-shard (OOM killer, an operator): a new pool finishes the shards
    not done, and every record is in the output once."""
    src = tmp_path / "in.jsonl"
    write_jsonl(src, make_docs(3000, seed=12, annotated_share=1.0))
    run = RunOptions(shard_size=40_000, progress=False)
    run_corpus(str(src), str(tmp_path / "ref"), CorpusOptions(), run)
    out = tmp_path / "out"
    killed: list[int] = []

    def killer() -> None:
        deadline = time.monotonic() + 60
        while not killed and time.monotonic() < deadline:
            if list(out.glob(".part-*.tmp")):  # a shard is being written: kill its worker mid-shard
                for server in _children(os.getpid()):
                    try:  # multiprocessing's forkserver: the pool's workers are its children
                        if b"forkserver" not in Path(f"/proc/{server}/cmdline").read_bytes():
                            continue
                    except OSError:
                        continue
                    for worker in _children(server):
                        os.kill(worker, signal.SIGKILL)
                        killed.append(worker)
                        return
            time.sleep(0.005)

    t = threading.Thread(target=killer)
    t.start()
    s = run_corpus(str(src), str(out), CorpusOptions(), RunOptions(shard_size=40_000, progress=False, jobs=2))
    t.join()
    assert killed, "no worker was killed mid-shard"
    assert parts_bytes(out) == parts_bytes(tmp_path / "ref") and s.documents == 3000
    assert not list(out.glob(".*.tmp"))
