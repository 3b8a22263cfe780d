"""The data files that ship inside the package (``pinzhu/data``), read at start-up cost.

Start-up counts (issue #18): ``importlib.resources`` pulls in pathlib, tempfile, shutil and
zipfile (~8 ms), and ``numpy.load`` reads an ``.npz`` through ``zipfile``, which copies each
member and checks its CRC (~10 ms for the 9.5 MB lexicon). Here a stored (uncompressed) member
becomes a read-only array straight over a memory map of the file: no copy, nothing read that is
not used, and processes on one machine (corpus workers, Ray actors) share the pages. A deflated
member is inflated with zlib. ``importlib.resources`` is the fallback where the package is not
on a file system (a zip import).

>>> sorted(load("lexicon.npz"))[:3]
['char_cps', 'char_logp', 'char_off']
"""

from __future__ import annotations

import ast
import mmap
import os
import struct
import zlib
from typing import Any

import numpy as np

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")


def load(name: str, only: tuple[str, ...] | None = None) -> dict[str, np.ndarray]:
    """The arrays of a shipped ``.npz`` (``pinzhu/data/name``), as :func:`load_npz` reads them.
    Where the package is not on a file system (a zip import), its bytes are read whole."""
    p = os.path.join(DATA, name)
    if os.path.exists(p):
        return load_npz(p, only)
    from importlib import resources

    raw = (resources.files("pinzhu") / "data" / name).read_bytes()
    return _members(memoryview(raw), f"pinzhu/data/{name}", only)


def read_text(name: str) -> str:
    """A shipped text file, decoded as UTF-8."""
    p = os.path.join(DATA, name)
    if os.path.exists(p):
        with open(p, encoding="utf-8") as f:
            return f.read()
    from importlib import resources

    return (resources.files("pinzhu") / "data" / name).read_text(encoding="utf-8")


class NpzError(ValueError):
    """An .npz file this reader cannot use; the message says what and where."""


_EOCD = b"PK\x05\x06"
_CENTRAL = b"PK\x01\x02"
_LOCAL = b"PK\x03\x04"


def load_npz(file: str | os.PathLike[str], only: tuple[str, ...] | None = None) -> dict[str, np.ndarray]:
    """Every array of an ``.npz`` (as ``numpy.savez`` or ``savez_compressed`` writes it), or
    the ``only`` ones: stored members as read-only arrays over a memory map of the file,
    deflated ones inflated. Object arrays (pickles) are refused, as ``numpy.load(allow_pickle=
    False)`` does."""
    with open(file, "rb") as f:
        size = os.fstat(f.fileno()).st_size
        if size < 22:
            raise NpzError(f"{file}: not a zip file ({size} bytes)")
        mm = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
    return _members(memoryview(mm), str(file), only)


def _members(view: memoryview, file: str, only: tuple[str, ...] | None) -> dict[str, np.ndarray]:
    """The members of the zip file in ``view`` (see :func:`load_npz`)."""
    size = len(view)
    raw = view.obj if isinstance(view.obj, (bytes, mmap.mmap)) else bytes(view)
    at = raw.rfind(_EOCD, max(0, size - 65557))
    if at < 0 or at + 22 > size:
        raise NpzError(f"{file}: no zip directory (not an .npz, or a zip64 one)")
    count, dir_size, dir_at = struct.unpack_from("<HII", view, at + 10)
    out: dict[str, np.ndarray] = {}
    pos = dir_at
    for _ in range(count):
        if bytes(view[pos:pos + 4]) != _CENTRAL:
            raise NpzError(f"{file}: damaged zip directory at byte {pos}")
        method, = struct.unpack_from("<H", view, pos + 10)
        csize, usize, nlen, xlen, clen = struct.unpack_from("<IIHHH", view, pos + 20)
        local, = struct.unpack_from("<I", view, pos + 42)
        name = bytes(view[pos + 46:pos + 46 + nlen]).decode("utf-8")
        pos += 46 + nlen + xlen + clen
        if bytes(view[local:local + 4]) != _LOCAL:
            raise NpzError(f"{file}: damaged zip entry {name!r} at byte {local}")
        lnlen, lxlen = struct.unpack_from("<HH", view, local + 26)
        start = local + 30 + lnlen + lxlen
        if only is not None and _key(name) not in only:
            continue
        if start + csize > size:
            raise NpzError(f"{file}: zip entry {name!r} runs past the end of the file")
        if method == 0:
            out[_key(name)] = _npy(view[start:start + usize], f"{file}:{name}")
        elif method == 8:
            data = zlib.decompress(view[start:start + csize], -15)
            out[_key(name)] = _npy(memoryview(data), f"{file}:{name}")
        else:
            raise NpzError(f"{file}: {name!r} uses zip method {method}, not stored or deflated")
    return out


def _key(name: str) -> str:
    return name[:-4] if name.endswith(".npy") else name


def _npy(buf: memoryview, where: str) -> np.ndarray:
    """An array over ``buf``, a ``.npy`` file's bytes (format 1.0, 2.0 or 3.0)."""
    if bytes(buf[:6]) != b"\x93NUMPY":
        raise NpzError(f"{where}: not a .npy member")
    major = buf[6]
    if major == 1:
        hlen, hstart = struct.unpack_from("<H", buf, 8)[0], 10
    elif major in (2, 3):
        hlen, hstart = struct.unpack_from("<I", buf, 8)[0], 12
    else:
        raise NpzError(f"{where}: .npy format {major} unknown")
    header: dict[str, Any] = ast.literal_eval(bytes(buf[hstart:hstart + hlen]).decode("latin1"))
    dtype = np.dtype(header["descr"])
    if dtype.hasobject:
        raise NpzError(f"{where}: holds Python objects (a pickle): refused")
    shape = tuple(header["shape"])
    count = int(np.prod(shape, dtype=np.int64)) if shape else 1
    arr = np.frombuffer(buf, dtype=dtype, count=count, offset=hstart + hlen)
    return arr.reshape(shape, order="F" if header["fortran_order"] else "C")


__all__ = ["DATA", "NpzError", "load", "load_npz", "read_text"]
