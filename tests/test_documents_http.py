"""POST /v1/documents/{job} on a real server on loopback: multipart upload, size-capped, 4xx naming
the field; and every kind's parser on arbitrary bytes: a clear DocumentError or an exact round trip,
never another exception (so never a 500)."""

from __future__ import annotations

import io
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pinzhu import documents as D
from pinzhu.documents.epub import build_epub

BOOK = build_epub("测试", [("第一章", ["银行行长说：“我们要重视长期发展。”"])])


@pytest.fixture(scope="module")
def server():
    pytest.importorskip("fastapi")
    pytest.importorskip("python_multipart")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "pinzhu", "serve", "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(base + "/health", timeout=2):
                break
        except (urllib.error.URLError, ConnectionError):
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise RuntimeError(f"server did not start: {proc.stderr.read().decode()}")
            time.sleep(0.2)
    yield base
    proc.terminate()
    proc.wait(timeout=10)


def upload(base: str, job: str, name: str, data: bytes, options: dict | None = None, raw_options: str | None = None):
    boundary = uuid.uuid4().hex
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
             "Content-Type: application/octet-stream\r\n\r\n".encode() + data + b"\r\n"]
    if options is not None or raw_options is not None:
        body = raw_options if raw_options is not None else json.dumps(options)
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="options"\r\n\r\n{body}\r\n'.encode())
    payload = b"".join(parts) + f"--{boundary}--\r\n".encode()
    req = urllib.request.Request(f"{base}/v1/documents/{job}", data=payload,
                                 headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return r.status, r.headers.get("Content-Type"), r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Content-Type"), e.read()


def entries(data: bytes) -> list[tuple]:
    z = zipfile.ZipFile(io.BytesIO(data))
    return [(i.filename, z.read(i)) for i in z.infolist()]


def test_annotate_and_strip_a_book(server):
    status, kind, out = upload(server, "annotate", "book.epub", BOOK, {"format": "ruby", "tone_colors": True})
    assert status == 200 and kind == "application/epub+zip"
    assert b'class="pz t2"' in zipfile.ZipFile(io.BytesIO(out)).read("OEBPS/chapter001.xhtml")
    status, _, back = upload(server, "strip", "book.epub", out)
    assert status == 200 and entries(back) == entries(BOOK)


def test_subtitles_markdown_audit_scan_read(server):
    srt = "1\n00:00:01,000 --> 00:00:02,000\n银行行长\n".encode()
    status, _, out = upload(server, "annotate", "film.srt", srt, {"subtitles": "below"})
    assert status == 200 and out.decode() == "1\n00:00:01,000 --> 00:00:02,000\n银行行长\nyínhánghángzhǎng\n"
    status, _, out = upload(server, "audit", "course.md", "# 课\n\n银行(yínxíng)\n".encode())
    found = json.loads(out)
    assert status == 200 and found["ok"] is False and found["findings"][0]["where"] == "course.md:3:1"
    status, _, out = upload(server, "scan", "page.html", "<p>这(zhè)是5月(yuè)</p>".encode())
    assert status == 200 and json.loads(out)["annotations"] == 2
    status, _, out = upload(server, "read", "x.bin", "<p>银行</p>".encode(), {"format_in": "html", "tone": "numbers"})
    assert status == 200 and json.loads(out)["blocks"][0]["words"] == [["银行", "yin2hang2"]]


@pytest.mark.parametrize("name, data, options, status, loc", [
    ("p.html", b"<p>x</p>", {"selec": "all"}, 422, "options.selec"),
    ("p.html", b"<p>x</p>", {"format": "json"}, 422, "options.format"),
    ("p.html", b"<p>x</p>", {"tone": "zhuyin"}, 422, "options.tone"),
    ("p.html", b"<p>x</p>", {"subtitles": "sideways"}, 422, "options.subtitles"),
    ("notes", b"# x", {}, 422, "options.format_in"),
    ("evil.epub", b"PK\x03\x04 junk", {}, 422, "file"),
    ("evil.xhtml", b'<!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>', {}, 422, "file"),
])
def test_bad_requests_name_the_field(server, name, data, options, status, loc):
    got, _, out = upload(server, "annotate", name, data, options)
    error = json.loads(out)["error"]
    assert got == status and error["field"] == loc, error


def test_hostile_and_huge_uploads(server):
    z = zipfile.ZipFile(io.BytesIO(BOOK))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
        for i in z.infolist():
            out.writestr(i, z.read(i))
        out.writestr("../../evil", b"x")
    status, _, out = upload(server, "strip", "evil.epub", buf.getvalue())
    assert status == 422 and "unsafe entry name" in out.decode()
    # Over the cap: refused on its Content-Length, before a byte of it is read.
    import http.client
    from urllib.parse import urlsplit

    host = urlsplit(server)
    conn = http.client.HTTPConnection(host.hostname, host.port, timeout=30)
    conn.putrequest("POST", "/v1/documents/annotate")
    conn.putheader("Content-Type", "multipart/form-data; boundary=x")
    conn.putheader("Content-Length", str(33 * 2**20))
    conn.endheaders()
    r = conn.getresponse()
    assert r.status == 413 and b"over" in r.read()
    conn.close()
    status, _, out = upload(server, "annotate", "p.html", b"<p>x</p>", raw_options="{not json")
    assert status == 422 and json.loads(out)["error"]["field"] == "options"


# --- any bytes: a DocumentError or an exact round trip -------------------------------------------

CASES = int(os.environ.get("PINZHU_DOC_CASES", "300"))
SEEDS = {"html": b"<p>\xe9\x93\xb6\xe8\xa1\x8c</p>", "md": "# 银行\n\n*长*大".encode(),
         "srt": "1\n00:00:01,000 --> 00:00:02,000\n银行\n".encode(), "vtt": "WEBVTT\n\n00:01.000 --> 00:02.000\n银行\n".encode(),
         "ass": "[Events]\nFormat: Layer, Start, End, Text\nDialogue: 0,a,b,银行\n".encode(),
         "xhtml": '<html xmlns="http://www.w3.org/1999/xhtml"><body><p>银行</p></body></html>'.encode()}


@settings(max_examples=CASES, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(st.sampled_from(sorted(SEEDS)), st.binary(max_size=60), st.integers(0, 80), st.booleans())
def test_any_bytes_give_a_document_error_or_a_round_trip(kind, junk, at, ruby):
    seed = SEEDS[kind]
    data = seed[:at] + junk + seed[at:]
    fmt = "ruby" if ruby and kind in ("html", "xhtml") else "inline"
    try:
        out = D.annotate(data, kind, format=fmt)
    except D.DocumentError:
        return
    assert D.strip(out, kind) == data


@settings(max_examples=max(CASES // 6, 20), deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(st.integers(0, len(BOOK) - 1), st.binary(min_size=1, max_size=8))
def test_damaged_books_give_a_document_error_or_a_round_trip(at, junk):
    data = BOOK[:at] + junk + BOOK[at + len(junk):]
    try:
        out = D.annotate(data, "epub")
    except D.DocumentError:
        return
    assert entries(D.strip(out, "epub")) == entries(data)
