"""Running one measured child process: wall time, exit status and that child's own peak RSS."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from functools import cache


@dataclass(frozen=True)
class ProcResult:
    stdout: str
    stderr: str
    returncode: int
    wall_s: float
    max_rss_kib: int  # peak RSS of the command, KiB (accurate only with rss=True, see run_process)


@cache
def gnu_time() -> str | None:
    """GNU time, if present and able to report peak RSS (`-f %M`)."""
    path = shutil.which("time", path="/usr/bin:/bin") or shutil.which("gtime")
    if path is None:
        return None
    probe = subprocess.run([path, "-f", "%M", "true"], capture_output=True, text=True)
    return path if probe.returncode == 0 and probe.stderr.strip().isdigit() else None


def rss_method() -> str:
    return ("GNU time %M" if gnu_time() else
            "wait4 ru_maxrss (upper bound: Linux counts the harness image forked before exec)")


@cache
def pin_prefix() -> tuple[str, ...]:
    """`taskset -c 0` when it works here, so every timed process gets the same single core."""
    if shutil.which("taskset") is None:
        return ()
    ok = subprocess.run(["taskset", "-c", "0", "true"], capture_output=True).returncode == 0
    return ("taskset", "-c", "0") if ok else ()


def run_process(cmd: list[str], stdin_text: str | None = None, pin: bool = False,
                rss: bool = False, cwd: str | None = None, env: dict[str, str] | None = None) -> ProcResult:
    """Run cmd to completion; output goes through temp files so a big result cannot deadlock.

    Peak RSS comes from GNU time when available: a child forked straight from this (large)
    process inherits its RSS high-water mark across exec, so wait4's ru_maxrss would report at
    least the harness's own size.  GNU time forks the command from a tiny process instead.
    """
    timer = gnu_time() if rss else None
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, \
            tempfile.NamedTemporaryFile(mode="r", suffix=".rss") as rss_file:
        full = [*(pin_prefix() if pin else ()),
                *((timer, "-f", "%M", "-o", rss_file.name) if timer else ()), *cmd]
        start = time.perf_counter()
        proc = subprocess.Popen(full, stdin=subprocess.PIPE if stdin_text is not None else
                                subprocess.DEVNULL, stdout=out, stderr=err, cwd=cwd, env=env)
        if stdin_text is not None:
            assert proc.stdin is not None
            proc.stdin.write(stdin_text.encode("utf-8"))
            proc.stdin.close()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        max_rss = usage.ru_maxrss
        if timer:
            lines = rss_file.read().split()
            max_rss = int(lines[-1]) if lines and lines[-1].isdigit() else max_rss
        return ProcResult(out.read().decode("utf-8"), err.read().decode("utf-8", "replace"),
                          proc.returncode, wall, max_rss)


class ProcError(RuntimeError):
    pass


def check(result: ProcResult, what: str) -> ProcResult:
    if result.returncode != 0:
        tail = result.stderr.strip().splitlines()[-5:]
        raise ProcError(f"{what} exited {result.returncode}: " + " | ".join(tail))
    return result
