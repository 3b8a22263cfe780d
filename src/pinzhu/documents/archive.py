"""ZIP containers (EPUB) read with caps and written back entry for entry.

Reading refuses what a hostile archive does: entry names that would escape a folder (``..``,
absolute paths, drive letters, backslashes: *zip slip*), duplicate or encrypted entries, more
entries than :class:`Limits` allows, and *zip bombs* — an entry, or all of them, expanding past the
size caps, or an entry expanding more than ``max_ratio`` times. Sizes are counted as the data is
inflated, never taken from the headers, which a bomb can fake.

Writing keeps every entry's name, order, timestamp, compression method and attributes; only the
entries given new bytes change (a ZIP's compressed bytes can differ: the deflate level is not
recorded). ``mimetype`` goes first and uncompressed, as EPUB requires.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass

from .base import DocumentError, Limits

_DRIVE = re.compile(r"^[A-Za-z]:")


@dataclass(frozen=True)
class Entry:
    info: zipfile.ZipInfo
    data: bytes

    @property
    def name(self) -> str:
        return self.info.filename


def check_name(name: str, archive: str) -> None:
    """Refuse an entry name that is not a plain relative path inside the archive."""
    parts = name.split("/")
    if (not name or name.startswith("/") or "\\" in name or "\x00" in name or _DRIVE.match(name)
            or any(p == ".." for p in parts)):
        raise DocumentError(f"{archive}: unsafe entry name {name!r} (absolute, '..', or a drive or "
                            "backslash path: refused)")


def read_zip(data: bytes, archive: str, limits: Limits) -> list[Entry]:
    """Every entry of a ZIP, checked and inflated within the caps."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError, struct.error,
            NotImplementedError, RuntimeError) as e:   # a damaged central directory says many things
        raise DocumentError(f"{archive}: not a ZIP archive we can read ({e})") from None
    infos = zf.infolist()
    if len(infos) > limits.max_entries:
        raise DocumentError(f"{archive}: {len(infos)} entries; at most {limits.max_entries}")
    seen: set[str] = set()
    total = 0
    out = []
    for info in infos:
        name = info.filename
        check_name(name, archive)
        if name in seen:
            raise DocumentError(f"{archive}: entry {name!r} appears twice")
        seen.add(name)
        if info.flag_bits & 0x1:
            raise DocumentError(f"{archive}: entry {name!r} is encrypted")
        if info.file_size > limits.max_bytes:
            raise DocumentError(f"{archive}: entry {name!r} is {info.file_size} bytes uncompressed; "
                                f"at most {limits.max_bytes} per entry")
        chunks, size = [], 0
        try:
            with zf.open(info) as f:
                while True:
                    chunk = f.read(1 << 16)
                    if not chunk:
                        break
                    size += len(chunk)
                    if size > limits.max_bytes:
                        raise DocumentError(f"{archive}: entry {name!r} expands past {limits.max_bytes} bytes "
                                            "(a zip bomb?): refused")
                    if total + size > limits.max_total:
                        raise DocumentError(f"{archive}: entries expand past {limits.max_total} bytes in all "
                                            "(a zip bomb?): refused")
                    if size > limits.ratio_floor and size > limits.max_ratio * max(info.compress_size, 1):
                        raise DocumentError(f"{archive}: entry {name!r} expands more than {limits.max_ratio:g} "
                                            "times (a zip bomb?): refused")
                    chunks.append(chunk)
        except (zipfile.BadZipFile, EOFError, OSError, NotImplementedError, RuntimeError, ValueError, zlib.error,
                struct.error) as e:
            raise DocumentError(f"{archive}: entry {name!r} cannot be read ({e})") from None
        total += size
        out.append(Entry(info, b"".join(chunks)))
    return out


def write_zip(entries: list[Entry], *, first: str | None = None) -> bytes:
    """A ZIP of ``entries`` in order, each with its own timestamp, method and attributes;
    ``first`` (EPUB's ``mimetype``) goes first, stored, with no extra field."""
    buf = io.BytesIO()
    ordered = sorted(entries, key=lambda e: e.name != first) if first else entries
    with zipfile.ZipFile(buf, "w", allowZip64=True) as zf:
        for e in ordered:
            src = e.info
            info = zipfile.ZipInfo(src.filename, date_time=src.date_time)
            info.compress_type = zipfile.ZIP_STORED if src.filename == first else src.compress_type
            info.comment = src.comment
            info.create_system = src.create_system
            info.external_attr = src.external_attr
            info.internal_attr = src.internal_attr
            zf.writestr(info, e.data)
    return buf.getvalue()
