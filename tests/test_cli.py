"""The CLI's reading command and its errors."""

import subprocess
import sys

from pinzhu.cli import main


def run(args, stdin=b""):
    return subprocess.run([sys.executable, "-m", "pinzhu.cli", *args], input=stdin, capture_output=True)


def test_pinyin_lines_word_joined(capsys, tmp_path):
    f = tmp_path / "in.txt"
    f.write_text("我们去银行。\n行长说：好！\n", encoding="utf-8")
    assert main(["pinyin", "--tone", "numbers", "--no-model", str(f)]) == 0
    assert capsys.readouterr().out == "wo3men5 qu4 yin2hang2\nhang2zhang3 shuo1 hao3\n"


def test_lines_in_passes_read_as_each_line_alone(capsys, tmp_path, monkeypatch):
    import pinzhu
    from pinzhu.cli import read as cli_read

    lines = ["我们去银行。", "", "行长说：好！", "abc 中文", "他还没有回来", "一点儿", "银行", "长大"]
    f = tmp_path / "in.txt"
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    monkeypatch.setattr(cli_read, "LINES_PER_PASS", 3)  # several passes, one cut mid-file
    assert main(["pinyin", "--keep", str(f)]) == 0
    alone = [" ".join(py if py is not None else w.strip() for w, py in pinzhu.words(line)
                      if py is not None or w.strip()) for line in lines]
    assert capsys.readouterr().out.splitlines() == alone


def test_yi_bu_flag():
    r = run(["pinyin", "--yi-bu", "--tone", "numbers", "--no-model"], "一样不对你好".encode())
    assert r.returncode == 0 and r.stdout.decode() == "yi2yang4 bu2dui4 ni3hao3\n"


def test_stdin_and_tone_marks():
    r = run(["pinyin"], "朋友".encode())
    assert r.returncode == 0 and r.stdout.decode() == "péngyou\n"


def test_invalid_utf8_names_byte_offset_and_writes_nothing(tmp_path):
    good = tmp_path / "good.txt"
    good.write_text("中文\n", encoding="utf-8")
    bad = tmp_path / "bad.txt"
    bad.write_bytes("中文\n好".encode() + b"\xff\n")
    r = run(["pinyin", str(good), str(bad)])
    assert r.returncode == 2
    assert r.stdout == b""  # nothing half-written
    assert f"{bad}: invalid UTF-8 at byte offset 10 (line 2)" in r.stderr.decode()


def test_missing_file_is_a_clear_error(tmp_path):
    r = run(["pinyin", str(tmp_path / "nope.txt")])
    assert r.returncode == 2 and "cannot read" in r.stderr.decode()


def test_bad_user_dict(tmp_path):
    ud = tmp_path / "ud.tsv"
    ud.write_text("行行\thang2\n", encoding="utf-8")
    r = run(["pinyin", "--user-dict", str(ud)], "行行".encode())
    assert r.returncode == 2 and "ud.tsv:1" in r.stderr.decode()


def test_atomic_write_leaves_normal_permissions(tmp_path):
    import os

    from pinzhu.io import atomic_write

    umask = os.umask(0o022)
    try:
        with atomic_write(tmp_path / "out.txt") as f:
            f.write("好")
    finally:
        os.umask(umask)
    assert (tmp_path / "out.txt").read_text(encoding="utf-8") == "好"
    assert (tmp_path / "out.txt").stat().st_mode & 0o777 == 0o644
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]  # no temporary file left


def test_atomic_write_keeps_old_file_on_failure(tmp_path):
    from pinzhu.io import atomic_write

    target = tmp_path / "out.txt"
    target.write_text("old", encoding="utf-8")
    try:
        with atomic_write(target) as f:
            f.write("half")
            raise RuntimeError("boom")
    except RuntimeError:
        pass
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_pinyin_streams_blocks_with_the_whole_files_output(capsys, tmp_path, monkeypatch):
    """Small blocks and passes (a line, a \\r\\n and a UTF-8 sequence never cut): the output is
    what reading each whole file gives; a bad byte deep in a later block still names its offset
    and line, and nothing is written."""
    import pinzhu
    from pinzhu.cli import read as cli_read

    lines = ["我们去银行。", "", "行长说：好！\r", "abc 中文", "單先生說", "a\u2028b银行", "x\x0cy", "一点儿"] * 7
    text = "\n".join(lines) + "\r\n最后一行"
    f = tmp_path / "in.txt"
    f.write_text(text, encoding="utf-8", newline="")
    monkeypatch.setattr(cli_read, "BLOCK_BYTES", 16)
    monkeypatch.setattr(cli_read, "LINES_PER_PASS", 5)
    assert main(["pinyin", "--keep", str(f), str(f)]) == 0
    one = [" ".join(py if py is not None else w.strip() for w, py in pinzhu.words(line)
                    if py is not None or w.strip()) for line in text.splitlines()]
    assert capsys.readouterr().out.splitlines() == one + one
    bad = tmp_path / "bad.txt"
    data = (text + "\n").encode() * 3
    bad.write_bytes(data + "好".encode()[:2] + b"\n")
    assert main(["pinyin", str(f), str(bad)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    line = data.count(b"\n") + 1
    assert f"invalid UTF-8 at byte offset {len(data)} (line {line})" in captured.err


def test_pinyin_reads_stdin_through_a_spool():
    r = run(["pinyin", "--tone", "numbers"], ("银行\n" * 50_000).encode())
    assert r.returncode == 0 and r.stdout.decode().splitlines() == ["yin2hang2"] * 50_000
