"""Documents: EPUB — a public-domain book (the Analects, from npm's chinese-poetry, MIT; built into
an EPUB here) annotated, validated with Debian's epubcheck, stripped back entry for entry; and
hostile archives and XML refused with a clear error."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from pinzhu import documents as D
from pinzhu.parse import _HAN_RE as HAN
from pinzhu.documents.base import Limits
from pinzhu.documents.epub import build_epub

ROOT = Path(__file__).resolve().parent.parent
TEXTS = Path(os.environ.get("PINZHU_TEXTS", ROOT / ".cache" / "chinese-poetry"))


def _epubcheck() -> list[str] | None:
    exe = shutil.which("epubcheck")
    if exe is None or shutil.which("java") is None:
        return None
    jar = os.path.realpath(exe)
    return ["java", "-jar", jar] if jar.endswith(".jar") else [exe]


EPUBCHECK = _epubcheck()
needs_epubcheck = pytest.mark.skipif(EPUBCHECK is None, reason="no epubcheck (Debian: apt-get install -y epubcheck)")


def epubcheck(tmp: Path, data: bytes) -> None:
    path = tmp / "book.epub"
    path.write_bytes(data)
    done = subprocess.run([*EPUBCHECK, str(path)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "No errors or warnings detected" in done.stdout


def entries(data: bytes) -> list[tuple]:
    z = zipfile.ZipFile(io.BytesIO(data))
    return [(i.filename, i.compress_type, i.date_time, i.external_attr, z.read(i)) for i in z.infolist()]


@pytest.fixture(scope="module")
def lunyu() -> list[dict]:
    path = TEXTS / "lunyu" / "lunyu.json"
    if not path.exists():
        pytest.skip(f"no {path}: scripts/test.sh fetches npm chinese-poetry (or set PINZHU_TEXTS)")
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def analects(lunyu) -> bytes:
    return build_epub("论语", [(c["chapter"], c["paragraphs"]) for c in lunyu], author="孔子弟子")


SMALL = build_epub("测试", [("第一章", ["银行行长说：“我们要重视长期发展。”", "行(xíng)走<不>&"]),
                          ("第二章", ["长大了，为了得到快乐。"])])


@pytest.mark.parametrize("kw", [dict(format="ruby"), dict(format="ruby", ruby="word", tone_colors=True),
                                dict(select="polyphones"), dict(select="all", brackets="full")])
def test_small_book_round_trip(kw):
    out = D.annotate(SMALL, "epub", **kw)
    assert entries(D.strip(out, "epub")) == entries(SMALL)
    z = zipfile.ZipFile(io.BytesIO(out))
    first = z.infolist()[0]
    assert first.filename == "mimetype" and first.compress_type == zipfile.ZIP_STORED and not first.extra
    assert out[30:38] == b"mimetype"
    # Only spine documents change; package document, navigation and stylesheet keep their bytes.
    before = dict((e[0], e[4]) for e in entries(SMALL))
    after = dict((e[0], e[4]) for e in entries(out))
    changed = {k for k in before if before[k] != after[k]}
    assert changed == {"OEBPS/chapter001.xhtml", "OEBPS/chapter002.xhtml"}


def test_the_analects_round_trip_and_epubcheck(analects, lunyu, tmp_path):
    if EPUBCHECK:
        epubcheck(tmp_path, analects)
    for kw in (dict(format="ruby"), dict(select="polyphones")):
        out = D.annotate(analects, "epub", name="lunyu.epub", **kw)
        assert entries(D.strip(out, "epub")) == entries(analects)
        if EPUBCHECK:
            epubcheck(tmp_path, out)
    # Every Han character of the first chapter got its reading (ruby per character).
    text = zipfile.ZipFile(io.BytesIO(D.annotate(analects, "epub", format="ruby"))).read("OEBPS/chapter001.xhtml")
    han = sum(bool(HAN.match(c)) for c in lunyu[0]["chapter"] + "".join(lunyu[0]["paragraphs"]))
    assert text.count(b'<ruby class="pz">') == han > 400


@needs_epubcheck
def test_built_and_annotated_books_pass_epubcheck(tmp_path):
    epubcheck(tmp_path, SMALL)
    epubcheck(tmp_path, D.annotate(SMALL, "epub", format="ruby", tone_colors=True))


def test_book_language_is_the_default_lang():
    ja = build_epub("日本", [("一", ["漢字"])], lang="ja")
    assert D.annotate(ja, "epub") == D.strip(ja, "epub") and D.load(ja, "epub").blocks == []


def test_audit_scan_read_say_where():
    out = D.annotate(SMALL, "epub", select="all")
    z = zipfile.ZipFile(io.BytesIO(out))
    bad = zip_of([(i.filename, z.read(i).replace("(yínhánghángzhǎng)".encode(), "(yínxínghángzhǎng)".encode()))
                  for i in z.infolist()])
    [f] = [f for f in D.audit(bad, "epub", name="b.epub") if not f.finding.ok]
    assert f.where == "b.epub!OEBPS/chapter001.xhtml:12:4" and f.finding.expected == "yínhánghángzhǎng"
    assert D.scan(out, "epub").annotations > 10
    first = D.read(SMALL, "epub")[0]
    assert first["text"] == "第一章" and first["words"] == [["第一章", "dìyīzhāng"]]


# --- hostile archives --------------------------------------------------------------------------

def zip_of(files: list[tuple[str, bytes]], method=zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as z:
        for name, data in files:
            z.writestr(name, data)
    return buf.getvalue()


def with_entries(extra: list[tuple[str, bytes]]) -> bytes:
    z = zipfile.ZipFile(io.BytesIO(SMALL))
    return zip_of([(i.filename, z.read(i)) for i in z.infolist()] + extra)


@pytest.mark.parametrize("name", ["../evil.xhtml", "OEBPS/../../evil", "/etc/passwd", "C:/evil", "a\\..\\b"])
def test_zip_slip_is_refused(name):
    with pytest.raises(D.DocumentError, match="unsafe entry name"):
        D.annotate(with_entries([(name, b"x")]), "epub", name="evil.epub")


def test_zip_bombs_are_refused():
    bomb = with_entries([("OEBPS/zeros.bin", bytes(20 * 2**20))])   # 20 MiB of zeros in ~20 KiB
    with pytest.raises(D.DocumentError, match="expands more than 100 times"):
        D.annotate(bomb, "epub", name="bomb.epub")
    with pytest.raises(D.DocumentError, match="'x' is 5000 bytes uncompressed; at most 3000"):
        D.load(with_entries([("x", bytes(5000))]), "epub", limits=Limits(max_bytes=3000))
    with pytest.raises(D.DocumentError, match="in all"):
        D.load(with_entries([(f"f{i}", bytes(4000)) for i in range(5)]), "epub",
               limits=Limits(max_total=15000, max_ratio=1e9))
    with pytest.raises(D.DocumentError, match="entries; at most 3"):
        D.load(SMALL, "epub", limits=Limits(max_entries=3))


def test_lying_sizes_are_counted_not_trusted():
    # The central directory says 10 bytes; the entry inflates to 3 MiB.
    data = bytearray(with_entries([("OEBPS/big.bin", bytes(3 * 2**20))]))
    cd = bytes(data).rfind(b"OEBPS/big.bin") - 46       # its central directory record
    assert data[cd:cd + 4] == b"PK\x01\x02"
    data[cd + 24:cd + 28] = (10).to_bytes(4, "little")  # uncompressed size: 10
    assert zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo("OEBPS/big.bin").file_size == 10
    with pytest.raises(D.DocumentError, match="big.bin' (expands past|cannot be read)"):
        D.load(bytes(data), "epub", limits=Limits(max_bytes=2 * 2**20, max_ratio=1e9))


def test_broken_and_hostile_books():
    with pytest.raises(D.DocumentError, match="not a ZIP"):
        D.load(b"PK\x03\x04 nothing", "epub", name="x.epub")
    with pytest.raises(D.DocumentError, match="not an EPUB"):
        D.load(zip_of([("a.txt", b"x")]), "epub")
    z = zipfile.ZipFile(io.BytesIO(SMALL))
    files = [(i.filename, z.read(i)) for i in z.infolist()]
    lol = (b'<?xml version="1.0"?><!DOCTYPE p [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>'
           b'<package xmlns="http://www.idpf.org/2007/opf">&b;</package>')
    evil = [(n, lol if n.endswith(".opf") else d) for n, d in files]
    with pytest.raises(D.DocumentError, match="content.opf: refused"):
        D.load(zip_of(evil), "epub", name="lol.epub")
    xxe = b'<?xml version="1.0"?><!DOCTYPE c [<!ENTITY x SYSTEM "file:///etc/passwd">]><container>&x;</container>'
    evil = [(n, xxe if n.endswith("container.xml") else d) for n, d in files]
    with pytest.raises(D.DocumentError, match="container.xml: refused"):
        D.load(zip_of(evil), "epub")
    chapter = (b'<?xml version="1.0"?><!DOCTYPE html [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
               b'<html xmlns="http://www.w3.org/1999/xhtml"><body><p>&x;</p></body></html>')
    evil = [(n, chapter if n.endswith("001.xhtml") else d) for n, d in files]
    with pytest.raises(D.DocumentError, match=r"chapter001.xhtml: an entity declaration"):
        D.load(zip_of(evil), "epub")
    missing = [(n, d) for n, d in files if not n.endswith("002.xhtml")]
    with pytest.raises(D.DocumentError, match="'chapter002.xhtml' is missing"):
        D.load(zip_of(missing), "epub")
