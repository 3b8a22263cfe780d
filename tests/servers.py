"""Start ``pinzhu serve`` for real, as a user does, for the tests that talk to it over HTTP."""

from __future__ import annotations

import subprocess
import sys


def start_server(*args: str) -> tuple[subprocess.Popen, str]:
    """``pinzhu serve --port 0 ARGS``; the URL is the line it prints once it serves."""
    proc = subprocess.Popen([sys.executable, "-m", "pinzhu", "serve", "--port", "0", *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = proc.stdout.readline()  # blocks until the server serves (or dies: an empty line)
    if not line.startswith("pinzhu serving on http://"):
        proc.kill()
        raise RuntimeError(f"server did not start: {line!r} {proc.stderr.read()[-3000:]}")
    return proc, line.split()[3].rstrip("/")


def stop_server(proc: subprocess.Popen) -> None:
    """Stop it and its reading workers; one that does not stop in 30 s is killed, never left running."""
    proc.terminate()
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def tree_pss_mb(pid: int) -> float:
    """Proportional set size of a process and all its descendants, in MB (shared pages counted
    once across them, unlike RSS)."""
    import os

    todo, total = [pid], 0
    while todo:
        p = todo.pop()
        try:
            for line in open(f"/proc/{p}/smaps_rollup"):
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
            for t in os.listdir(f"/proc/{p}/task"):
                todo += [int(c) for c in open(f"/proc/{p}/task/{t}/children").read().split()]
        except OSError:
            pass
    return total / 1024


def rss_mb(pid: int) -> float:
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0
