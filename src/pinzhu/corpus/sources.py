"""Corpus input at the edge: finding files, cutting them into shards, streaming a shard's records.

A *shard* is a deterministic slice of the input: ``count`` lines of one JSONL file starting at
line ``first`` (byte ``offset``), or one row group of a Parquet file. Shards are numbered in the
sorted order of the files, so ``part-00007`` is the same records whatever the engine or number of
workers, and a shard can be read by any worker on its own (plain JSONL: a seek; compressed: the
stream is decompressed up to its start; Parquet: the row group).

Nothing reads a whole file into memory: planning counts newlines block by block, reading goes a
line (or a Parquet batch) at a time.

>>> [s.name for s in plan([], 10)]
[]
"""

from __future__ import annotations

import glob
import gzip
import io
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from ..io import InputError

JSONL_SUFFIXES = (".jsonl", ".json", ".ndjson")
COMPRESSIONS = {".gz": "gz", ".zst": "zst", ".zstd": "zst"}
BLOCK = 1 << 20
PARQUET_BATCH = 1024


@dataclass(frozen=True)
class Shard:
    """One slice of the input; ``name`` is its output part (``part-00007``).

    index: global shard number; path: the input file; kind: ``jsonl`` or ``parquet``;
    compression: ``""``, ``gz`` or ``zst``; first: 1-based line number (JSONL) or row number
    (Parquet) of its first record; offset: byte offset of its first line in the (decompressed)
    stream, or the row group (Parquet); count: lines (JSONL) or rows (Parquet).
    """

    index: int
    path: str
    kind: str
    compression: str
    first: int
    offset: int
    count: int

    @property
    def name(self) -> str:
        return f"part-{self.index:05d}"


def file_kind(path: str) -> tuple[str, str] | None:
    """(kind, compression) from the file name, None if it is neither JSONL nor Parquet.

    >>> file_kind("a/b.jsonl.zst"), file_kind("c.parquet"), file_kind("notes.txt")
    (('jsonl', 'zst'), ('parquet', ''), None)
    """
    p = Path(path)
    suffixes = [s.lower() for s in p.suffixes]
    if suffixes and suffixes[-1] == ".parquet":
        return "parquet", ""
    comp = ""
    if suffixes and suffixes[-1] in COMPRESSIONS:
        comp = COMPRESSIONS[suffixes.pop()]
    if suffixes and suffixes[-1] in JSONL_SUFFIXES:
        return "jsonl", comp
    return None


def resolve_inputs(spec: str) -> list[str]:
    """The input files for ``spec``: a file, a folder (its JSONL and Parquet files, recursively)
    or a glob; sorted, so shard numbering is deterministic. InputError when nothing matches."""
    p = Path(spec)
    if p.is_file():
        return [str(p)]
    if p.is_dir():
        files = [str(f) for f in sorted(p.rglob("*")) if f.is_file() and file_kind(str(f))
                 and not any(part.startswith((".", "_")) for part in f.relative_to(p).parts)]
    else:
        files = sorted(f for f in glob.glob(spec, recursive=True) if os.path.isfile(f))
    if not files:
        raise InputError(f"{spec}: no input files (JSONL, .jsonl.gz, .jsonl.zst or Parquet)")
    return files


def open_binary(path: str, compression: str) -> IO[bytes]:
    """A buffered binary stream of the file's (decompressed) bytes."""
    try:
        if compression == "gz":
            return gzip.open(path, "rb")
        if compression == "zst":
            try:
                import zstandard
            except ImportError:
                raise InputError(f"{path}: reading .zst needs zstandard (pip install 'pinzhu[corpus]')") from None
            return io.BufferedReader(zstandard.ZstdDecompressor().stream_reader(open(path, "rb"), closefd=True),
                                     BLOCK)
        return open(path, "rb", buffering=BLOCK)
    except OSError as e:
        raise InputError(f"{path}: cannot read: {e.strerror}") from None


def _skip(f: IO[bytes], n: int) -> None:
    # Compressed streams can't seek: decompress and drop up to the shard's start.
    if f.seekable():
        f.seek(n)
        return
    while n > 0:
        got = len(f.read(min(n, BLOCK)))
        if not got:
            break
        n -= got


def plan_jsonl(path: str, compression: str, shard_size: int, start_index: int) -> list[Shard]:
    """Shards of ``shard_size`` lines: one pass counting newlines, block by block."""
    starts = [0]  # byte offset of line k * shard_size
    lines = pos = 0
    boundary = shard_size
    last = b"\n"
    with open_binary(path, compression) as f:
        while block := f.read(BLOCK):
            nl = block.count(b"\n")
            if lines + nl < boundary:
                lines += nl
            else:  # a shard starts inside this block: find exactly where
                i = 0
                while (j := block.find(b"\n", i)) >= 0:
                    lines += 1
                    i = j + 1
                    if lines == boundary:
                        starts.append(pos + i)
                        boundary += shard_size
            pos += len(block)
            last = block[-1:]
    total = lines + (last != b"\n")  # a last line without a newline still counts
    starts = [s for s in starts if s < pos]
    return [Shard(start_index + k, path, "jsonl", compression, k * shard_size + 1, off,
                  min(shard_size, total - k * shard_size)) for k, off in enumerate(starts)]


def plan_parquet(path: str, start_index: int) -> list[Shard]:
    """One shard per row group (a Parquet file's own unit of independent reading)."""
    import pyarrow.parquet as pq

    try:
        md = pq.ParquetFile(path).metadata
    except Exception as e:
        raise InputError(f"{path}: not a readable Parquet file: {e}") from None
    out, row = [], 1
    for g in range(md.num_row_groups):
        n = md.row_group(g).num_rows
        if n:
            out.append(Shard(start_index + len(out), path, "parquet", "", row, g, n))
        row += n
    return out


def plan(files: list[str], shard_size: int) -> list[Shard]:
    """Every shard of ``files``, numbered in order.

    Files that are neither JSONL nor Parquet by name are read as JSONL (a named file is meant).
    """
    if shard_size < 1:
        raise InputError(f"shard size must be at least 1, got {shard_size}")
    out: list[Shard] = []
    for f in files:
        kind, comp = file_kind(f) or ("jsonl", "")
        out += plan_parquet(f, len(out)) if kind == "parquet" else plan_jsonl(f, comp, shard_size, len(out))
    return out


# --- reading a shard -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Bad:
    """A line that is not a record: where it is and why (becomes an error record)."""

    line: int
    offset: int
    error: str
    raw: str


def _parse(raw: bytes, line: int, offset: int) -> dict[str, Any] | Bad | None:
    if not raw.strip():
        return None  # blank lines carry no record
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        return Bad(line, offset, f"invalid UTF-8 at byte offset {offset + e.start} ({e.reason})",
                   raw.decode("utf-8", "replace").rstrip("\r\n"))
    if line == 1:
        text = text.removeprefix("\ufeff")
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as e:
        return Bad(line, offset, f"malformed JSON: {e.msg} at column {e.colno}", text.rstrip("\r\n"))
    except RecursionError:
        return Bad(line, offset, "malformed JSON: nested too deeply", text.rstrip("\r\n"))
    if not isinstance(obj, dict):
        return Bad(line, offset, f"not a JSON object but {type(obj).__name__}", text.rstrip("\r\n"))
    return obj


def records(shard: Shard) -> Iterator[dict[str, Any] | Bad]:
    """The shard's records in order (dicts), with a :class:`Bad` for each line that is not one.

    Lines are streamed; line numbers and byte offsets are those of the (decompressed) file.
    """
    if shard.kind == "parquet":
        yield from _parquet_records(shard)
        return
    with open_binary(shard.path, shard.compression) as f:
        _skip(f, shard.offset)
        offset = shard.offset
        for k in range(shard.count):
            raw = f.readline()
            if not raw:
                break
            rec = _parse(raw, shard.first + k, offset)
            offset += len(raw)
            if rec is not None:
                yield rec


def _parquet_records(shard: Shard) -> Iterator[dict[str, Any]]:
    import pyarrow.parquet as pq

    pf = pq.ParquetFile(shard.path)
    for batch in pf.iter_batches(batch_size=PARQUET_BATCH, row_groups=[shard.offset]):
        yield from batch.to_pylist()


__all__ = ["Bad", "Shard", "file_kind", "open_binary", "plan", "records", "resolve_inputs"]
