"""Corpus input at the edge: finding files, cutting them into shards, streaming a shard's records.

A *shard* is a deterministic slice of the input: the lines of one JSONL file from line ``first``
(byte ``offset``), about ``shard_size`` bytes of them, cut at a line end; or one row group of a
Parquet file. Shards are numbered in the sorted order of the files, so ``part-00007`` is the
same records whatever the engine or number of workers, and a shard can be read by any worker on
its own (plain JSONL: a seek; compressed: the stream is decompressed up to its start; Parquet:
the row group). Cutting by bytes, not lines, keeps shards the same amount of work whatever the
length of the records.

Nothing reads a whole file or a whole line into memory: planning counts newlines block by block,
reading goes a line (at most ``max_record_bytes``) or a Parquet batch at a time. Compressed input
is checked as it is read: a truncated or corrupt ``.gz``/``.zst`` (a failed CRC or checksum
included) or a file that expands more than ``max_ratio`` times is *damaged input*: the records
before the damage are read, and the damage becomes one error record that names the file and the
byte offsets.

>>> [s.name for s in plan([], 10)]
[]
"""

from __future__ import annotations

import glob
import io
import json
import os
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, NamedTuple

from ..io import InputError

JSONL_SUFFIXES = (".jsonl", ".json", ".ndjson")
COMPRESSIONS = {".gz": "gz", ".zst": "zst", ".zstd": "zst"}
BLOCK = 1 << 20
PARQUET_BATCH = 1024
# Where a folder walk stops: the marker folder every pinzhu corpus output holds.
OUTPUT_MARKER = "_pinzhu"

# Safe defaults for untrusted input (RunOptions and the CLI can change them).
MAX_RECORD_BYTES = 16 << 20   # one JSONL line; longer ones become error records, not copies
MAX_RATIO = 1000.0            # decompressed / compressed size; gzip's own ceiling is ~1032
RATIO_FLOOR = 64 << 10        # small files may expand to MAX_RATIO * 64 KiB before the ratio counts
RAW_HEAD = 1000               # bytes of an over-long line kept in its error record


@dataclass(frozen=True)
class Shard:
    """One slice of the input; ``name`` is its output part (``part-00007``).

    index: global shard number; path: the input file; kind: ``jsonl`` or ``parquet``;
    compression: ``""``, ``gz`` or ``zst``; first: 1-based line number (JSONL) or row number
    (Parquet) of its first record; offset: byte offset of its first line in the (decompressed)
    stream, or the row group (Parquet); count: lines (JSONL) or rows (Parquet); damage: for the
    last shard of a damaged file, what is wrong with it (the reader adds it as an error record
    after the shard's lines).
    """

    index: int
    path: str
    kind: str
    compression: str
    first: int
    offset: int
    count: int
    damage: str = ""

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


# --- finding the input -----------------------------------------------------------------------------

class Found(NamedTuple):
    """The input files of a spec, and the symlinks left out of a folder walk."""

    files: list[str]
    skipped_links: list[str]


def _inside(path: str, folder: str) -> bool:
    return os.path.commonpath([path, folder]) == folder


def _is_output(folder: str) -> bool:
    return os.path.isfile(os.path.join(folder, OUTPUT_MARKER, "manifest"))


def find_inputs(spec: str, out: str | None = None, follow_symlinks: bool = False) -> Found:
    """The input files for ``spec`` (a file, a folder walked recursively, or a glob), sorted so
    shard numbering is deterministic; InputError when nothing matches.

    Never input: the folder ``out`` (OUT inside IN is left out of IN), any folder that holds a
    pinzhu corpus output (``_pinzhu/manifest``), and ``.``/``_``-prefixed entries of a folder.
    Symlinks inside a folder are not followed unless ``follow_symlinks`` (a link in a crawl
    folder could otherwise copy ``/etc/passwd`` into the output); a named file or a glob is read
    as given.
    """
    outr = os.path.realpath(out) if out else None
    p = Path(spec)
    if p.is_file():
        if outr and _inside(os.path.realpath(p), outr):
            raise InputError(f"{spec}: is inside OUT {out}: a run must not read its own output")
        return Found([str(p)], [])
    skipped: list[str] = []
    if p.is_dir():
        root = os.path.realpath(p)
        if outr and (_inside(root, outr) or root == outr):
            raise InputError(f"{out}: OUT holds IN {spec}: choose an OUT outside the input")
        files = []
        for d, dirs, names in os.walk(p, followlinks=follow_symlinks):
            keep = []
            for name in sorted(dirs):
                full = os.path.join(d, name)
                if name.startswith((".", "_")) or (outr and os.path.realpath(full) == outr) or _is_output(full):
                    continue
                if os.path.islink(full) and not follow_symlinks:
                    skipped.append(full)
                    continue
                keep.append(name)
            dirs[:] = keep
            for name in names:
                full = os.path.join(d, name)
                if name.startswith((".", "_")) or not file_kind(full):
                    continue
                if os.path.islink(full) and not follow_symlinks:
                    skipped.append(full)
                    continue
                if os.path.isfile(full):
                    files.append(full)
        files.sort()
    else:
        files = sorted(f for f in glob.glob(spec, recursive=True) if os.path.isfile(f)
                       and not (outr and _inside(os.path.realpath(f), outr)))
    if not files:
        raise InputError(f"{spec}: no input files (JSONL, .jsonl.gz, .jsonl.zst or Parquet)")
    return Found(files, sorted(skipped))


def resolve_inputs(spec: str) -> list[str]:
    """The input files for ``spec``: a file, a folder (its JSONL and Parquet files, recursively)
    or a glob; sorted, so shard numbering is deterministic. InputError when nothing matches
    (:func:`find_inputs` says what it leaves out)."""
    return find_inputs(spec).files


# --- reading bytes, checked ------------------------------------------------------------------------

class DamagedInput(OSError):
    """A compressed file that can't be read to its end: truncated, corrupt, a failed checksum, or
    a decompression bomb. ``good``: how many decompressed bytes before the damage can be trusted."""

    def __init__(self, path: str, what: str, good: int) -> None:
        super().__init__(f"{path}: {what}")
        self.path, self.what, self.good = path, what, good


class _Decoded(io.RawIOBase):
    """The decompressed bytes of a ``.gz`` or ``.zst`` file, one member/frame after another.

    Output per call is bounded (a bomb can't fill memory between two checks), and every way a
    file can be broken is a :class:`DamagedInput` raised only once the good bytes before it have
    been read: the end of the file inside a frame (truncated), a decoder error (corrupt data, a
    CRC or checksum that fails), bytes after the last frame that are no frame, or more than
    ``max_ratio`` times the file's size.
    """

    IN_GZ, OUT_GZ = 64 << 10, 1 << 20
    # zstd's decompressobj has no output bound: small input steps bound it instead (an RLE block
    # turns 4 bytes into 128 KiB, so 1 KiB in is at most 32 MiB out).
    IN_ZST = 1 << 10

    def __init__(self, path: str, compression: str, max_ratio: float = MAX_RATIO) -> None:
        super().__init__()
        self.path, self.kind = path, {"gz": "gzip", "zst": "zstd"}[compression]
        self.raw = open(path, "rb")
        self.size = os.fstat(self.raw.fileno()).st_size
        self.limit = max_ratio * max(self.size, RATIO_FLOOR)
        self.max_ratio = max_ratio
        self.pos_in = 0         # compressed bytes taken from the file
        self.out = 0            # decompressed bytes produced
        self.frame_in = 0       # where the current member/frame starts (compressed, decompressed)
        self.frame_out = 0
        self.fed = False        # the current frame has been given input
        self.pending = b""      # compressed bytes read but not yet given to a decoder
        self.buf = memoryview(b"")
        self.error: DamagedInput | None = None
        self.done = False
        self.dec = self._decoder()

    def _decoder(self) -> Any:
        if self.kind == "gzip":
            return zlib.decompressobj(31)
        try:
            import zstandard
        except ImportError:
            raise InputError(f"{self.path}: reading .zst needs zstandard (pip install 'pinzhu[corpus]')") from None
        self._zstd_error = zstandard.ZstdError
        return zstandard.ZstdDecompressor().decompressobj()

    def readable(self) -> bool:
        return True

    def close(self) -> None:
        self.raw.close()
        super().close()

    def readinto(self, b: Any) -> int:
        while not self.buf:
            if self.error is not None:
                raise self.error
            if self.done:
                return 0
            self._step()
        n = min(len(b), len(self.buf))
        b[:n] = self.buf[:n]
        self.buf = self.buf[n:]
        return n

    def _damage(self, what: str, good: int) -> None:
        self.error = DamagedInput(self.path, what, good)

    def _frame(self) -> str:
        return "member" if self.kind == "gzip" else "frame"

    def _step(self) -> None:
        """Decode a little more into ``buf`` (or set ``done``/``error``)."""
        if self.kind == "gzip" and self.dec.unconsumed_tail:
            data, start_in = self.dec.unconsumed_tail, None
        else:
            if not self.pending:
                self.pending = self.raw.read(self.IN_GZ if self.kind == "gzip" else self.IN_ZST)
            data, self.pending = self.pending, b""
            if not data and not self.fed:
                self.done = True
                return
            if data and not self.fed:
                if self.kind == "gzip":  # gzip allows zero padding after the last member
                    stripped = data.lstrip(b"\0")
                    self.pos_in += len(data) - len(stripped)
                    data = stripped
                    if not data:
                        return
                self.frame_in, self.frame_out, self.fed = self.pos_in, self.out, True
            start_in = self.pos_in
            self.pos_in += len(data)
        try:
            chunk = self.dec.decompress(data, self.OUT_GZ) if self.kind == "gzip" else self.dec.decompress(data)
        except (zlib.error, getattr(self, "_zstd_error", zlib.error)) as e:
            where = f"in compressed bytes {start_in}-{self.pos_in}" if start_in is not None else f"before byte {self.pos_in}"
            self._damage(f"corrupt {self.kind} data {where}, in the {self._frame()} that starts at byte "
                         f"{self.frame_in} ({e}); its decompressed bytes from {self.frame_out} on are not trusted",
                         self.frame_out)
            return
        if self.out + len(chunk) > self.limit:
            self._damage(f"expands more than {self.max_ratio:g} times its {self.size} bytes (at decompressed byte "
                         f"{self.out}): a decompression bomb? (--max-ratio)", self.out)
            return
        self.out += len(chunk)
        self.buf = memoryview(chunk)
        if self.dec.eof:  # the member/frame ended (its CRC or checksum checked): the next one, if any
            rest = self.dec.unused_data
            self.pos_in -= len(rest)
            self.pending = rest
            self.fed = False
            self.dec = self._decoder()
        elif not data and not chunk:  # the file ended inside a member/frame
            self._damage(f"truncated {self.kind} file: it ends at byte {self.size} inside the {self._frame()} that "
                         f"starts at byte {self.frame_in} (after decompressed byte {self.out})", self.out)


def open_binary(path: str, compression: str, max_ratio: float = MAX_RATIO) -> IO[bytes]:
    """A buffered binary stream of the file's (decompressed, checked) bytes."""
    try:
        if compression in ("gz", "zst"):
            return io.BufferedReader(_Decoded(path, compression, max_ratio), BLOCK)
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


# --- planning --------------------------------------------------------------------------------------

def _scan(path: str, compression: str, shard_size: int, max_ratio: float,
          stop: int | None = None) -> tuple[list[tuple[int, int]], int, int, bytes, DamagedInput | None]:
    """One pass over the (decompressed) bytes, up to ``stop``: the shard cuts as (byte offset,
    lines before it), the number of complete lines, the bytes read, the last byte, and the damage."""
    cuts = [(0, 0)]
    lines = pos = 0
    target = shard_size  # the next cut is at the first line start at or after this offset
    last = b"\n"
    damage = None
    with open_binary(path, compression, max_ratio) as f:
        try:
            while block := f.read(BLOCK if stop is None else min(BLOCK, stop - pos)):
                i = 0
                while target - 1 < pos + len(block):
                    j = block.find(b"\n", max(i, target - 1 - pos))
                    if j < 0:
                        break
                    lines += block.count(b"\n", i, j + 1)
                    i = j + 1
                    cuts.append((pos + i, lines))
                    target = pos + i + shard_size
                lines += block.count(b"\n", i)
                pos += len(block)
                last = block[-1:]
        except DamagedInput as e:
            damage = e
    return cuts, lines, pos, last, damage


def plan_jsonl(path: str, compression: str, shard_size: int, start_index: int,
               max_ratio: float = MAX_RATIO) -> list[Shard]:
    """Shards of about ``shard_size`` bytes, cut at line ends: one pass counting newlines, block
    by block. A damaged file is planned up to the last line before the damage."""
    cuts, lines, pos, last, damage = _scan(path, compression, shard_size, max_ratio)
    if damage is not None:  # count again, up to the last good byte (what the failed read held is lost)
        cuts, lines, pos, last, _ = _scan(path, compression, shard_size, max_ratio, stop=damage.good)
    if damage is None:
        total = lines + (last != b"\n")  # a last line without a newline still counts
    else:
        total = lines  # a part of a line before the damage is no record: the damage record says so
    cuts = [(off, n) for off, n in cuts if n < total or (off, n) == (0, 0)]
    out = []
    for k, (off, n) in enumerate(cuts):
        end = cuts[k + 1][1] if k + 1 < len(cuts) else total
        last_shard = k + 1 == len(cuts)
        if end == n and not (last_shard and damage is not None):
            continue  # an empty file
        out.append(Shard(start_index + len(out), path, "jsonl", compression, n + 1, off, end - n,
                         damage.what if damage is not None and last_shard else ""))
    return out


def _parquet_file(path: str) -> Any:
    import pyarrow.parquet as pq

    # Page checksums, where the writer stored them, are checked: a corrupt page is an error.
    return pq.ParquetFile(path, page_checksum_verification=True)


def plan_parquet(path: str, start_index: int) -> list[Shard]:
    """One shard per row group (a Parquet file's own unit of independent reading). A file whose
    footer can't be read is one shard that holds only its damage."""
    try:
        md = _parquet_file(path).metadata
    except Exception as e:
        size = os.path.getsize(path)
        return [Shard(start_index, path, "parquet", "", 1, -1, 0,
                      f"not a readable Parquet file ({size} bytes; its footer, at the end, is damaged or missing): {e}")]
    out, row = [], 1
    for g in range(md.num_row_groups):
        n = md.row_group(g).num_rows
        if n:
            out.append(Shard(start_index + len(out), path, "parquet", "", row, g, n))
        row += n
    return out


def plan(files: list[str], shard_size: int, max_ratio: float = MAX_RATIO) -> list[Shard]:
    """Every shard of ``files``, numbered in order; ``shard_size`` in (decompressed) bytes.

    Files that are neither JSONL nor Parquet by name are read as JSONL (a named file is meant).
    """
    if shard_size < 1:
        raise InputError(f"shard size must be at least 1 byte, got {shard_size}")
    out: list[Shard] = []
    for f in files:
        kind, comp = file_kind(f) or ("jsonl", "")
        out += (plan_parquet(f, len(out)) if kind == "parquet"
                else plan_jsonl(f, comp, shard_size, len(out), max_ratio))
    return out


# --- reading a shard -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Bad:
    """A line that is not a record: where it is and why (becomes an error record). ``damage``:
    the input itself is broken here (the rest of the file is lost), not just this line."""

    line: int
    offset: int
    error: str
    raw: str
    damage: bool = False


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


# NaN and Infinity are not JSON (json would take them, and write lines no strict reader can). One
# decoder for every line: json.loads(..., parse_constant=...) would build a new one per call.
_DECODE = json.JSONDecoder(parse_constant=_no_constant).decode


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
        obj = _DECODE(text)
    except json.JSONDecodeError as e:
        return Bad(line, offset, f"malformed JSON: {e.msg} at column {e.colno}", text.rstrip("\r\n"))
    except RecursionError:
        return Bad(line, offset, "malformed JSON: nested too deeply", text.rstrip("\r\n"))
    except ValueError as e:  # an integer of more than 4300 digits, NaN, Infinity: whatever json raises
        return Bad(line, offset, f"malformed JSON: {str(e).split(';')[0]}", text.rstrip("\r\n"))
    if not isinstance(obj, dict):
        return Bad(line, offset, f"not a JSON object but {type(obj).__name__}", text.rstrip("\r\n"))
    return obj


def _over_long(f: IO[bytes], head: bytes, line: int, offset: int, max_bytes: int) -> tuple[Bad, int]:
    """Read past the rest of an over-long line (block by block); its error record and its length."""
    n, tail = len(head), head
    while not tail.endswith(b"\n"):
        tail = f.readline(BLOCK)
        if not tail:
            break
        n += len(tail)
    return Bad(line, offset, f"record of {n} bytes is over the limit of {max_bytes} bytes (--max-record-bytes); "
                             f"its first {RAW_HEAD} bytes are in the raw field",
               head[:RAW_HEAD].decode("utf-8", "replace")), n


def records(shard: Shard, max_record_bytes: int = MAX_RECORD_BYTES,
            max_ratio: float = MAX_RATIO) -> Iterator[dict[str, Any] | Bad]:
    """The shard's records in order (dicts), with a :class:`Bad` for each line that is not one,
    and a last ``Bad(damage=True)`` where the file is damaged.

    Lines are streamed, at most ``max_record_bytes`` of one in memory; line numbers and byte
    offsets are those of the (decompressed) file.
    """
    if shard.kind == "parquet":
        yield from _parquet_records(shard)
        return
    offset, line = shard.offset, shard.first
    try:
        with open_binary(shard.path, shard.compression, max_ratio) as f:
            _skip(f, shard.offset)
            for _ in range(shard.count):
                raw = f.readline(max_record_bytes + 1)
                if not raw:
                    break
                if len(raw) > max_record_bytes:
                    bad, n = _over_long(f, raw, line, offset, max_record_bytes)
                    yield bad
                    offset += n
                else:
                    rec = _parse(raw, line, offset)
                    offset += len(raw)
                    if rec is not None:
                        yield rec
                line += 1
    except (DamagedInput, InputError, OSError) as e:  # broken since it was planned, or unreadable
        what = e.what if isinstance(e, DamagedInput) else str(e)
        yield Bad(line, offset, f"damaged input: {what}; the rest of the file is not read", "", True)
        return
    if shard.damage:
        yield Bad(line, offset, f"damaged input: {shard.damage}; the rest of the file is not read", "", True)


def _parquet_records(shard: Shard) -> Iterator[dict[str, Any] | Bad]:
    if shard.offset < 0:  # planned as unreadable
        yield Bad(shard.first, 0, f"damaged input: {shard.damage}", "", True)
        return
    row = shard.first
    start = 0
    try:
        pf = _parquet_file(shard.path)
        rg = pf.metadata.row_group(shard.offset)
        start = min((c.dictionary_page_offset or c.data_page_offset) for c in
                    (rg.column(i) for i in range(rg.num_columns)))
        for batch in pf.iter_batches(batch_size=PARQUET_BATCH, row_groups=[shard.offset]):
            for rec in batch.to_pylist():
                yield rec
                row += 1
    except Exception as e:  # pyarrow's errors: OSError, ArrowInvalid, ... whatever a damaged page raises
        yield Bad(row, start, f"damaged input: row group {shard.offset} (at byte {start}) can't be read from "
                              f"row {row} on: {e}", "", True)


__all__ = ["Bad", "DamagedInput", "Found", "Shard", "file_kind", "find_inputs", "open_binary", "plan", "records",
           "resolve_inputs"]
