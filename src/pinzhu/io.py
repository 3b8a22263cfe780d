"""I/O at the edges: decoding input with exact error positions, and atomic output.

>>> decode_utf8(b"ok", "stdin")
'ok'
"""

from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Iterator


class InputError(ValueError):
    """Bad input; the message names where (file, line, byte offset) and what."""


def decode_utf8(data: bytes, name: str) -> str:
    """Decode UTF-8 or raise InputError naming the line and byte offset of the first bad byte."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        raise InputError(f"{name}: invalid UTF-8 at byte offset {e.start} (line {line}): "
                         f"{data[e.start:e.start + 4]!r} ({e.reason})") from None


def read_text(path: str | os.PathLike[str] | None) -> str:
    """Read a whole file ('-' or None: stdin) as UTF-8, strictly."""
    import sys

    if path is None or str(path) == "-":
        return decode_utf8(sys.stdin.buffer.read(), "<stdin>")
    try:
        data = Path(path).read_bytes()
    except OSError as e:
        raise InputError(f"{path}: cannot read: {e.strerror}") from None
    return decode_utf8(data, str(path))


@contextmanager
def atomic_write(path: str | os.PathLike[str], mode: str = "w", encoding: str | None = "utf-8") -> Iterator[IO]:
    """Write to a temporary file beside ``path`` and rename it into place only on success, so a
    failure never leaves a half-written or clobbered file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, mode, encoding=encoding if "b" not in mode else None, newline="" if "b" not in mode else None) as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        # mkstemp makes 0600 files; the result gets the permissions a plain open() would give.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
