"""The CLI under faults (issue #13, "CLI output paths"): every output-side failure is one
``pinzhu: error: PATH: ...`` line and exit 2 (1 is audit's "findings"), never a traceback; outputs
are atomic, written through symlinks, streamed into devices and FIFOs (never replaced), and a
killed writer's temporary file is removed by the next write.

The full disk is a 256 KiB tmpfs, mounted where the tests run as root and skipped elsewhere."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import threading

import pytest

PY = [sys.executable, "-m", "pinzhu"]


def cli(*args: str, stdin: bytes = b"", timeout: float = 120) -> subprocess.CompletedProcess:
    """``pinzhu ARGS`` in a fresh process: exit code, stdout and stderr as they really come out."""
    return subprocess.run([*PY, *args], input=stdin, capture_output=True, timeout=timeout)


@pytest.fixture
def text_file(tmp_path):
    f = tmp_path / "in.txt"
    f.write_text("银行行长说我们明天去长城。\n", encoding="utf-8")
    return f


def _usage_error(r: subprocess.CompletedProcess, *wanted: str) -> None:
    err = r.stderr.decode()
    assert r.returncode == 2, err
    assert any(line.startswith("pinzhu: error: ") for line in err.splitlines()) and "Traceback" not in err, err
    for w in wanted:
        assert w in err, err


def test_output_path_errors_are_exit_2_naming_the_path(tmp_path, text_file):
    (tmp_path / "adir").mkdir()
    _usage_error(cli("annotate", str(text_file), "-o", str(tmp_path / "adir")), f"{tmp_path / 'adir'}: ")
    _usage_error(cli("strip", str(text_file), "-o", str(text_file / "x.txt")), f"{text_file / 'x.txt'}: ")
    _usage_error(cli("corpus", "strip", str(text_file), str(text_file), "--no-progress"), str(text_file))
    (tmp_path / "afile").write_text("x")
    _usage_error(cli("corpus", "strip", str(text_file), str(tmp_path / "afile" / "out"), "--no-progress"),
                 f"{tmp_path / 'afile' / 'out'}: OUT must be a folder")


def test_option_errors_are_exit_2(tmp_path, text_file):
    ud = tmp_path / "ud.tsv"
    ud.write_bytes("行长\thang2 zhang3\n".encode("utf-16"))
    _usage_error(cli("pinyin", "--user-dict", str(ud), str(text_file)), str(ud))
    _usage_error(cli("annotate", "--select", "sample", "--seed", "-1", str(text_file)), "seed")
    _usage_error(cli("annotate", "--select", "level", "--top", "-5", str(text_file)), "top")


def test_full_disk_is_exit_2_and_keeps_the_old_output(tmp_path, small_disk):
    big = tmp_path / "big.txt"
    big.write_text("银行行长说我们明天去长城。\n" * 20_000, encoding="utf-8")  # ~800 KB in, more out
    target = small_disk / "out.txt"
    target.write_text("the old output", encoding="utf-8")
    _usage_error(cli("annotate", str(big), "-o", str(target)), f"{target}: No space left on device")
    assert target.read_text(encoding="utf-8") == "the old output"
    assert [p.name for p in small_disk.iterdir()] == ["out.txt"]  # no temporary file left


def test_read_only_output_is_exit_2(tmp_path, text_file):
    ro = tmp_path / "ro"
    ro.mkdir()
    if os.geteuid() == 0:  # root writes through permissions: a read-only mount instead
        r = subprocess.run(["mount", "-t", "tmpfs", "-o", "ro,size=64k", "tmpfs", str(ro)], capture_output=True)
        if r.returncode != 0:
            pytest.skip(f"can't mount a read-only tmpfs here: {r.stderr.decode().strip()}")
    else:
        ro.chmod(0o555)
    try:
        _usage_error(cli("annotate", str(text_file), "-o", str(ro / "out.txt")), f"{ro / 'out.txt'}: ")
        _usage_error(cli("corpus", "strip", str(text_file), str(ro / "out"), "--no-progress"), str(ro / "out"))
    finally:
        if os.geteuid() == 0:
            subprocess.run(["umount", "-l", str(ro)], capture_output=True)
        else:
            ro.chmod(0o755)


def test_output_through_a_symlink_writes_its_target(tmp_path, text_file):
    real = tmp_path / "real.txt"
    real.write_text("old", encoding="utf-8")
    link = tmp_path / "link.txt"
    link.symlink_to(real)
    assert cli("annotate", str(text_file), "-o", str(link)).returncode == 0
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert "yínháng" in real.read_text(encoding="utf-8")


def test_output_to_a_fifo_or_a_device_is_streamed_not_replaced(tmp_path, text_file):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()), daemon=True)
    reader.start()
    r = cli("annotate", str(text_file), "-o", str(fifo))
    reader.join(5)
    if reader.is_alive() and stat.S_ISFIFO(os.stat(fifo).st_mode):  # no writer came: let the reader go
        try:
            os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        except OSError:
            pass
    reader.join(10)
    assert r.returncode == 0 and stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert "yínháng" in got[0].decode()
    null = tmp_path / "null"
    try:
        os.mknod(null, stat.S_IFCHR | 0o666, os.makedev(1, 3))  # a /dev/null of our own
    except (PermissionError, OSError) as e:
        pytest.skip(f"can't make a device node here: {e}")
    assert cli("strip", str(text_file), "-o", str(null)).returncode == 0
    assert stat.S_ISCHR(os.stat(null).st_mode)


def test_stale_temp_files_of_a_killed_write_are_removed(tmp_path, text_file):
    target = tmp_path / "out.txt"
    kill = ("import os, signal\nfrom pinzhu.io import atomic_write\n"
            f"with atomic_write({str(target)!r}) as f:\n"
            "    f.write('half'); f.flush(); os.kill(os.getpid(), signal.SIGKILL)\n")
    assert subprocess.run([sys.executable, "-c", kill]).returncode == -signal.SIGKILL
    assert len(list(tmp_path.glob(".out.txt.*.tmp"))) == 1  # what kill -9 leaves behind
    live = tmp_path / f".out.txt.keep.{os.getpid()}.tmp"     # a write still running: not ours to remove
    live.write_text("busy")
    assert cli("annotate", str(text_file), "-o", str(target)).returncode == 0
    assert sorted(p.name for p in tmp_path.glob(".out.txt.*")) == [live.name]
