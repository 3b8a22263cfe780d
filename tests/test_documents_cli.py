"""Documents on the command line: the kind from the extension (or --format-in), output written
atomically, bad or hostile input an exit 2 that names the file, with nothing written."""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from pinzhu import documents as D
from pinzhu.cli import main
from pinzhu.documents.epub import build_epub

BOOK = build_epub("测试", [("第一章", ["银行行长说：“我们要重视长期发展。”"]), ("第二章", ["长大了，为了快乐。"])])


def entries(data: bytes) -> list[tuple]:
    z = zipfile.ZipFile(io.BytesIO(data))
    return [(i.filename, i.compress_type, z.read(i)) for i in z.infolist()]


def test_annotate_and_strip_an_epub(tmp_path):
    book = tmp_path / "book.epub"
    book.write_bytes(BOOK)
    out = tmp_path / "book.pinyin.epub"
    assert main(["annotate", str(book), "-o", str(out), "--format", "ruby", "--tone-colors"]) == 0
    assert b'<ruby class="pz t2">' in zipfile.ZipFile(out).read("OEBPS/chapter001.xhtml")
    back = tmp_path / "back.epub"
    assert main(["strip", str(out), "-o", str(back)]) == 0
    assert entries(back.read_bytes()) == entries(BOOK)


def test_html_markdown_and_subtitles_by_extension(tmp_path, capsysbinary):
    page = tmp_path / "page.html"
    page.write_bytes("<p>我们去<b>银</b>行</p>".encode())
    assert main(["annotate", str(page), "--select", "polyphones"]) == 0
    assert capsysbinary.readouterr().out.decode() == "<p>我们去<b>银</b>行(yínháng)</p>"
    srt = tmp_path / "film.srt"
    srt.write_bytes(b"1\r\n00:00:01,000 --> 00:00:02,000\r\n\xe9\x93\xb6\xe8\xa1\x8c\r\n")
    assert main(["annotate", str(srt), "--subtitles", "below"]) == 0
    assert capsysbinary.readouterr().out.decode() == "1\r\n00:00:01,000 --> 00:00:02,000\r\n银行\r\nyínháng\r\n"
    md = tmp_path / "notes.md"
    md.write_bytes("# 银行\n\n`银行` **长**大\n".encode())
    assert main(["strip", str(md)]) == 0 and capsysbinary.readouterr().out == md.read_bytes()
    assert main(["pinyin", str(md)]) == 0
    assert capsysbinary.readouterr().out.decode() == "yínháng\nzhǎngdà\n"


def test_stdin_needs_format_in(monkeypatch, capsysbinary):
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO("<p>银行</p>".encode())))
    assert main(["annotate", "--format-in", "html"]) == 0
    assert capsysbinary.readouterr().out.decode() == "<p>银行(yínháng)</p>"


def test_audit_a_course_exits_1_on_a_wrong_reading(tmp_path, capsys):
    md = tmp_path / "course.md"
    md.write_bytes("# 第一课\n\n我去银行(yínxíng)，*长大*(zhǎngdà)了。\n".encode())
    assert main(["audit", str(md)]) == 1
    [line] = capsys.readouterr().out.splitlines()
    f = json.loads(line)
    assert (f["file"], f["where"], f["written"], f["expected"]) == (str(md), f"{md}:3:3", "yínxíng", "yínháng")
    md.write_bytes("# 第一课\n\n我去银行(yínháng)。\n".encode())
    assert main(["audit", str(md)]) == 0
    assert main(["scan", str(md)]) == 0
    assert json.loads(capsys.readouterr().out)["annotations"] == 1


def zip_with(name: str, data: bytes) -> bytes:
    z = zipfile.ZipFile(io.BytesIO(BOOK))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as out:
        for i in z.infolist():
            out.writestr(i, z.read(i))
        out.writestr(name, data, compress_type=zipfile.ZIP_DEFLATED)
    return buf.getvalue()


@pytest.mark.parametrize("evil, message", [
    (zip_with("../../etc/evil.xhtml", b"x"), "unsafe entry name '../../etc/evil.xhtml'"),
    (zip_with("OEBPS/zeros.bin", bytes(8 * 2**20)), "expands more than 100 times"),
    (b"PK\x03\x04 not really", "not a ZIP archive"),
])
def test_hostile_books_exit_2_and_write_nothing(tmp_path, capsys, evil, message):
    book = tmp_path / "evil.epub"
    book.write_bytes(evil)
    out = tmp_path / "out.epub"
    out.write_bytes(b"an earlier result")
    assert main(["annotate", str(book), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert "evil.epub: " in err and message in err
    assert out.read_bytes() == b"an earlier result"       # nothing half-written, nothing clobbered
    assert sorted(p.name for p in tmp_path.iterdir()) == ["evil.epub", "out.epub"]


def test_billion_laughs_and_xxe_exit_2(tmp_path, capsys):
    page = tmp_path / "evil.xhtml"
    page.write_bytes(b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
                     b'<html xmlns="http://www.w3.org/1999/xhtml"><body><p>&b;</p></body></html>')
    assert main(["strip", str(page), "-o", str(tmp_path / "out.xhtml")]) == 2
    assert "evil.xhtml: an entity declaration" in capsys.readouterr().err
    assert not (tmp_path / "out.xhtml").exists()


def test_usage_errors_name_the_flag(tmp_path, capsys):
    page = tmp_path / "p.html"
    page.write_bytes(b"<p>x</p>")
    assert main(["annotate", str(page), "--format", "json"]) == 2
    assert "--format: format 'json' is for text" in capsys.readouterr().err
    txt = tmp_path / "t.txt"
    txt.write_text("银行", encoding="utf-8")
    assert main(["annotate", str(page), str(txt)]) == 2
    assert "t.txt: a plain text file among documents" in capsys.readouterr().err
    assert main(["annotate", str(page), str(page)]) == 2
    assert "one document at a time" in capsys.readouterr().err
    assert main(["strip", "--explain", str(page)]) == 2
    with pytest.raises(SystemExit):
        main(["annotate", str(page), "--subtitles", "sideways"])
    assert D.kind_of(str(page)) == "html"
