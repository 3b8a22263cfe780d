"""Documents: DOCX — paragraphs read across Word's runs, annotated in the runs' w:t, read back by
python-docx; strip gives every entry back byte for byte; field codes, deleted text and hostile XML."""

from __future__ import annotations

import io
import zipfile

import pytest

from pinzhu import documents as D
from pinzhu.cli import main

docx = pytest.importorskip("docx")


def entries(data: bytes) -> list[tuple]:
    z = zipfile.ZipFile(io.BytesIO(data))
    return [(i.filename, i.compress_type, i.date_time, z.read(i)) for i in z.infolist()]


def word_document() -> bytes:
    d = docx.Document()
    d.add_heading("第一课 长大", level=1)
    p = d.add_paragraph("我们去")
    p.add_run("银").bold = True          # a word cut by Word's runs
    p.add_run("行办事。行(xíng)走。")
    t = d.add_table(rows=1, cols=2)
    t.cell(0, 0).text = "行长"
    t.cell(0, 1).text = "English"
    d.sections[0].header.paragraphs[0].text = "银行内部资料"
    d.sections[0].footer.paragraphs[0].text = "长城出版社"
    buf = io.BytesIO()
    d.save(buf)
    return _with_xml(buf.getvalue(), "word/document.xml", lambda x: x.replace(
        b"<w:t>English</w:t></w:r>",
        b'<w:t>English</w:t></w:r><w:r><w:instrText xml:space="preserve"> PAGE \\* MERGEFORMAT </w:instrText></w:r>'
        b"<w:del w:id=\"1\" w:author=\"x\"><w:r><w:delText>\xe9\x93\xb6\xe8\xa1\x8c</w:delText></w:r></w:del>"))


def _with_xml(data: bytes, name: str, change) -> bytes:
    z = zipfile.ZipFile(io.BytesIO(data))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as out:
        for i in z.infolist():
            out.writestr(i, change(z.read(i)) if i.filename == name else z.read(i))
    return buf.getvalue()


DOC = word_document()


def test_paragraphs_are_read_across_runs():
    assert [b.text for b in D.load(DOC, "docx").blocks] == [
        "第一课 长大", "我们去银行办事。行(xíng)走。", "行长", "English\ufffc", "银行内部资料", "长城出版社"]


def test_annotate_reads_back_in_word_and_strips_back_exactly(tmp_path):
    out = D.annotate(DOC, "docx", select="polyphones")
    d = docx.Document(io.BytesIO(out))
    # (办事 carries no polyphone: 事 reads only shì)
    assert [p.text for p in d.paragraphs] == ["第一课 长大(zhǎngdà)", "我们去银行(yínháng)办事。行(xíng)(xíng)走。"]
    assert d.tables[0].cell(0, 0).text == "行长(hángzhǎng)"
    assert d.sections[0].header.paragraphs[0].text == "银行(yínháng)内部资料"
    assert d.sections[0].footer.paragraphs[0].text == "长城(chángchéng)出版社"
    # The bold run keeps its one character; the annotation went into the next run, after 行.
    runs = d.paragraphs[1].runs
    assert (runs[1].text, runs[1].bold, runs[2].text[:10]) == ("银", True, "行(yínháng)")
    assert b"<w:delText>\xe9\x93\xb6\xe8\xa1\x8c</w:delText>" in zipfile.ZipFile(io.BytesIO(out)).read("word/document.xml")
    assert entries(D.strip(out, "docx")) == entries(DOC)
    src, dst = tmp_path / "lesson.docx", tmp_path / "lesson.pinyin.docx"
    src.write_bytes(DOC)
    assert main(["annotate", str(src), "-o", str(dst), "--select", "polyphones"]) == 0
    assert dst.read_bytes() == out


def test_word_refusals():
    with pytest.raises(D.DocumentError, match="annotated inline"):
        D.annotate(DOC, "docx", format="ruby")
    with pytest.raises(D.DocumentError, match="not a Word document"):
        D.load(_with_xml(DOC, "word/document.xml", lambda x: x).replace(b"word/document.xml", b"word/documenx.xml"),
               "docx")
    xxe = _with_xml(DOC, "word/document.xml", lambda x: x.replace(
        b"<w:document ", b'<!DOCTYPE w [<!ENTITY x SYSTEM "file:///etc/passwd">]><w:document ', 1))
    with pytest.raises(D.DocumentError, match=r"word/document.xml: an entity declaration"):
        D.annotate(xxe, "docx")
