"""I/O at the edges: decoding input with exact error positions, and atomic output.

>>> decode_utf8(b"ok", "stdin")
'ok'
"""

from __future__ import annotations

import errno
import glob
import os
import stat
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Iterator


class InputError(ValueError):
    """Bad input; the message names where (file, line, byte offset) and what."""


class RunFailed(RuntimeError):
    """A run that could not finish (its workers keep dying, ...); the message says what to do."""


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


# --- atomic output ---------------------------------------------------------------------------------

TMP_SUFFIX = ".tmp"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


def clean_stale_temps(folder: str | os.PathLike[str], name: str) -> list[Path]:
    """Remove the temporary files that a killed :func:`atomic_write` of ``name`` left in
    ``folder`` (their names carry the writer's pid; a file whose writer still runs is kept)."""
    removed = []
    for tmp in Path(folder).glob(f".{glob.escape(name)}.*{TMP_SUFFIX}"):
        pid = tmp.name.removesuffix(TMP_SUFFIX).rsplit(".", 1)[-1]
        if pid.isdigit() and not _alive(int(pid)):
            try:
                tmp.unlink()
                removed.append(tmp)
            except FileNotFoundError:
                pass
    return removed


def fsync_dir(folder: str | os.PathLike[str]) -> None:
    """Make a rename in ``folder`` durable (a crash after it can't bring the old entry back)."""
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:  # some filesystems can't fsync a directory; the rename is all they offer
        pass
    finally:
        os.close(fd)


def _named(e: OSError, path: str | os.PathLike[str], always: bool = False) -> OSError:
    """``e`` with ``path`` as its file name when it has none (a write() that fails with ENOSPC
    names no file) or, ``always``, instead of a temporary file's, so the CLI's message names the
    output the user asked for."""
    if e.filename is not None and not always:
        return e
    new = type(e)(e.errno, e.strerror or str(e), str(path))
    new.__cause__ = e
    return new


def output_target(path: str | os.PathLike[str]) -> tuple[Path, bool]:
    """Where writing ``path`` goes, and whether it is streamed rather than replaced.

    A symlink is written through (its target is replaced, the link stays); a character device
    or a FIFO (``/dev/null``, ``/dev/stdout``, a named pipe) is written to as it is, never replaced
    by a regular file; a directory, block device or socket is refused (OSError naming ``path``).
    """
    p = Path(path)
    target = Path(os.path.realpath(p)) if p.is_symlink() else p
    try:
        st = os.stat(target)
    except FileNotFoundError:
        return target, False
    except NotADirectoryError:
        raise NotADirectoryError(errno.ENOTDIR, "a path under a file, not a folder", str(path)) from None
    if stat.S_ISREG(st.st_mode):
        return target, False
    if stat.S_ISDIR(st.st_mode):
        raise IsADirectoryError(errno.EISDIR, "is a directory", str(path))
    if stat.S_ISCHR(st.st_mode) or stat.S_ISFIFO(st.st_mode):
        return target, True
    kind = "a block device" if stat.S_ISBLK(st.st_mode) else "a socket" if stat.S_ISSOCK(st.st_mode) else "not a file"
    raise OSError(errno.EINVAL, f"{kind}: refusing to write to it", str(path))


@contextmanager
def atomic_write(path: str | os.PathLike[str], mode: str = "w", encoding: str | None = "utf-8",
                 clean: bool = True) -> Iterator[IO]:
    """Write to a temporary file beside ``path`` and rename it into place only on success, so a
    failure never leaves a half-written or clobbered file.

    Through a symlink, the link's target is written; a device or FIFO is written to directly
    (:func:`output_target`). The temporary file's name carries this process's pid, so the next
    write of ``path`` removes one that a killed run left behind (``clean=False``: the caller
    cleans, as the corpus runner does once for a folder of thousands of parts). After the rename
    the folder is fsynced. Every OSError names ``path``.
    """
    text = "b" not in mode
    target, stream = output_target(path)
    if stream:
        try:
            with open(target, mode, encoding=encoding if text else None, newline="" if text else None) as f:
                yield f
        except OSError as e:
            raise _named(e, path) from None
        return
    folder = target.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except FileExistsError:  # some folder on the way is a file
        raise NotADirectoryError(errno.ENOTDIR, "a path under a file, not a folder", str(path)) from None
    except OSError as e:
        raise _named(e, path, always=True) from None
    if clean:
        clean_stale_temps(folder, target.name)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=f".{os.getpid()}{TMP_SUFFIX}", dir=folder)
    except OSError as e:
        raise _named(e, path, always=True) from None
    written = False
    try:
        with os.fdopen(fd, mode, encoding=encoding if text else None, newline="" if text else None) as f:
            yield f
            written = True
            f.flush()
            os.fsync(f.fileno())
        try:  # a replaced file keeps its permissions; a new one gets those a plain open() would give
            perms = stat.S_IMODE(os.stat(target).st_mode)
        except FileNotFoundError:
            umask = os.umask(0)
            os.umask(umask)
            perms = 0o666 & ~umask
        os.chmod(tmp, perms)
        os.replace(tmp, target)
        fsync_dir(folder)
    except BaseException as e:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        if isinstance(e, OSError):  # the caller's own errors keep their names; ours name the output
            raise _named(e, path, always=written or e.filename == tmp) from None
        raise
