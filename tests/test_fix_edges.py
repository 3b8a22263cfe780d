"""pinzhu fix everywhere the other jobs are: the CLI (exit codes, atomic output, --diff,
--explain, documents), POST /v1/fix, pinzhu corpus fix, pinzhu.documents (issue #19)."""

import difflib
import importlib.util
import json
import subprocess
import sys

import pytest

import pinzhu
from pinzhu.cli import main
from servers import start_server, stop_server
from test_fix import planted, plant_spans


def run(args, stdin=b""):
    return subprocess.run([sys.executable, "-m", "pinzhu", *args], input=stdin, capture_output=True)


def test_cli_diff_shows_exactly_the_planted_changes(tmp_path):
    paragraphs = planted()
    wrong = "\n\n".join(w for _, w, _ in paragraphs) + "\n"
    right = "\n\n".join(r for _, _, r in paragraphs) + "\n"
    f = tmp_path / "news.txt"
    f.write_text(wrong, encoding="utf-8")
    r = subprocess.run([sys.executable, "-m", "pinzhu", "fix", "--diff", str(f)], capture_output=True)
    assert r.returncode == 1, r.stderr.decode()
    diff = r.stdout.decode()
    removed = [line[1:] for line in diff.splitlines() if line.startswith("-") and not line.startswith("---")]
    added = [line[1:] for line in diff.splitlines() if line.startswith("+") and not line.startswith("+++")]
    assert removed == [w for _, w, _ in paragraphs] and added == [r for _, _, r in paragraphs]
    # Line by line, the characters that differ are the plants and nothing else.
    for (marked, w, rt), old, new in zip(paragraphs, removed, added):
        changed = [(a1, a2) for op, a1, a2, _, _ in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes()
                   if op != "equal"]
        spans = plant_spans(marked)
        assert all(any(s <= a2 and a1 <= e for s, e in spans) for a1, a2 in changed)
        assert all(any(s <= a2 and a1 <= e for a1, a2 in changed) for s, e in spans)
    # and the diff applies: the fixed file is the right text
    out = tmp_path / "fixed.txt"
    assert main(["fix", str(f), "-o", str(out)]) == 1
    assert out.read_text(encoding="utf-8") == right


def test_cli_exit_codes_and_report(tmp_path):
    r = run(["fix"], "银行(yínháng)".encode())
    assert (r.returncode, r.stdout.decode(), r.stderr) == (0, "银行(yínháng)", b"")
    r = run(["fix"], "银行(yínxíng)".encode())
    assert (r.returncode, r.stdout.decode()) == (1, "银行(yínháng)")
    r = run(["fix", "--min-confidence", "1"], "还书(huánshū)\n".encode())
    assert r.returncode == 0 and r.stdout.decode() == "还书(huánshū)\n"
    assert "<stdin>:1:1: left 还书(huánshū): pinzhu is unsure" in r.stderr.decode()
    r = run(["fix"], "在银行(YINXING)".encode())  # wrong, and left: still exit 1
    assert r.returncode == 1 and "name gloss" in r.stderr.decode()
    r = run(["fix"], b"\xff")
    assert r.returncode == 2 and "invalid UTF-8 at byte offset 0" in r.stderr.decode()
    r = run(["fix", "--diff", "--explain"], b"x")
    assert r.returncode == 2 and "choose one" in r.stderr.decode()


def test_cli_output_is_atomic_and_may_be_the_input(tmp_path):
    f = tmp_path / "page.txt"
    f.write_text("我去银行(yínxíng)。\n", encoding="utf-8")
    assert main(["fix", str(f), "-o", str(f)]) == 1
    assert f.read_text(encoding="utf-8") == "我去银行(yínháng)。\n"
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\xff")
    out = tmp_path / "out.txt"
    out.write_text("before", encoding="utf-8")
    r = run(["fix", str(f), str(bad), "-o", str(out)])
    assert r.returncode == 2 and out.read_text(encoding="utf-8") == "before"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_cli_explain_and_diff(tmp_path, capsys):
    f = tmp_path / "a.txt"
    f.write_text("好\n我去银行(yínxíng)\n", encoding="utf-8")
    assert main(["fix", "--explain", str(f)]) == 1
    [rec] = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert rec["where"] == f"{f}:2:3" and (rec["written"], rec["new"], rec["action"]) == ("yínxíng", "yínháng", "fixed")
    out = tmp_path / "o.txt"
    assert main(["fix", "--diff", str(f), "-o", str(out)]) == 1
    assert capsys.readouterr().out == (f"--- {f}\n+++ {f}\n@@ -1,2 +1,2 @@\n 好\n-我去银行(yínxíng)\n"
                                       "+我去银行(yínháng)\n")
    assert out.read_text(encoding="utf-8") == "好\n我去银行(yínháng)\n"


def test_cli_fixes_documents_in_place(tmp_path, capsys):
    page = tmp_path / "page.html"
    page.write_bytes("<p>我们去<b>银行</b>(yínxíng)。</p>\n<p>还书(huánshū)</p>\n".encode())
    assert main(["fix", "--min-confidence", "1", str(page), "-o", str(page)]) == 1
    assert page.read_bytes().decode() == "<p>我们去<b>银行</b>(yínháng)。</p>\n<p>还书(huánshū)</p>\n"
    assert f"{page}:2:4: left 还书(huánshū): pinzhu is unsure" in capsys.readouterr().err
    assert main(["fix", "--min-confidence", "1", "--explain", str(page)]) == 0
    [rec] = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert (rec["where"], rec["action"], rec["why"]) == (f"{page}:2:4", "left", "uncertain")
    sub = tmp_path / "a.srt"
    sub.write_bytes("1\n00:00:01,000 --> 00:00:02,000\n我们去银行(yínxíng)\n".encode())
    assert main(["fix", "--diff", str(sub)]) == 1
    assert "+我们去银行(yínháng)" in capsys.readouterr().out


def test_documents_fix_keeps_every_other_byte():
    from pinzhu import documents

    md = "# 新闻\n\n我们去**银行**(yínxíng)。`代码(xíng)`\n\n> 行长(hángcháng)说\n".encode()
    out, found = documents.fixed(md, "md")
    assert out.decode() == "# 新闻\n\n我们去**银行**(yínháng)。`代码(xíng)`\n\n> 行长(hángzhǎng)说\n"
    assert [(d.where, d.correction.new) for d in found] == [("<document>:3:6", "yínháng"), ("<document>:5:3", "hángzhǎng")]
    html = "<p>银行(y&iacute;nx&iacute;ng)</p>".encode()
    assert documents.fix(html, "html") == "<p>银行(y&iacute;nháng)</p>".encode()
    from pinzhu.documents.epub import build_epub
    import io
    import zipfile

    book = build_epub("测试", [("第一章", ["银行(yínxíng)行长说：我们要重视发展(fāzhǎn)。"])])
    out, found = documents.fixed(book, "epub", name="b.epub")
    assert [(d.where, d.correction.new) for d in found] == [("b.epub!OEBPS/chapter001.xhtml:12:4", "yínháng")]
    old_z, new_z = zipfile.ZipFile(io.BytesIO(book)), zipfile.ZipFile(io.BytesIO(out))
    changed = [i.filename for i in old_z.infolist() if old_z.read(i.filename) != new_z.read(i.filename)]
    assert changed == ["OEBPS/chapter001.xhtml"]
    assert new_z.read(changed[0]) == old_z.read(changed[0]).replace("(yínxíng)".encode(), "(yínháng)".encode())
    clean = "<p>银行(yínháng)</p>".encode()
    assert documents.fix(clean, "html") is clean or documents.fix(clean, "html") == clean


def test_documents_fix_docx_across_runs():
    import io
    import zipfile

    docx = pytest.importorskip("docx")
    from pinzhu import documents

    d = docx.Document()
    p = d.add_paragraph()
    p.add_run("我们去银行(yín")  # Word cuts the annotation into runs
    p.add_run("xíng)取钱。")
    d.add_paragraph("行长(hángcháng)说")
    buf = io.BytesIO()
    d.save(buf)
    data = buf.getvalue()
    out, found = documents.fixed(data, "docx", name="a.docx")
    assert [(c.correction.action, c.correction.new) for c in found] == [("fixed", "yínháng"), ("fixed", "hángzhǎng")]
    assert [b.text for b in documents.load(out, "docx").blocks] == ["我们去银行(yínháng)取钱。", "行长(hángzhǎng)说"]
    old_z, new_z = zipfile.ZipFile(io.BytesIO(data)), zipfile.ZipFile(io.BytesIO(out))
    assert [i.filename for i in old_z.infolist() if old_z.read(i.filename) != new_z.read(i.filename)] == [
        "word/document.xml"]


def test_corpus_fix_job(tmp_path):
    from pinzhu.corpus import CorpusOptions, RunOptions, run_corpus

    src = tmp_path / "in.jsonl"
    recs = [{"id": 0, "text": "银行(yínxíng)"}, {"id": 1, "text": None}, {"id": 2, "text": "还书(huánshū)"},
            {"id": 3, "text": "好"}]
    src.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in recs), encoding="utf-8")
    s = run_corpus(str(src), str(tmp_path / "out"), CorpusOptions(job="fix", audit=pinzhu.AuditOptions(min_confidence=1.0)),
                   RunOptions(progress=False))
    got = [json.loads(line) for line in (tmp_path / "out" / "part-00000.jsonl").read_text(encoding="utf-8").splitlines()]
    assert got[0] == {"id": 0, "text": "银行(yínháng)", "pinzhu_fixed": 1, "pinzhu_left": 0}
    assert "pinzhu_error" in got[1]
    assert got[2] == {"id": 2, "text": "还书(huánshū)", "pinzhu_fixed": 0, "pinzhu_left": 1}
    assert got[3] == {"id": 3, "text": "好", "pinzhu_fixed": 0, "pinzhu_left": 0}
    assert (s.changed, s.errors) == (1, 1)
    r = run(["corpus", "fix", str(src), str(tmp_path / "cli"), "--no-progress", "--max-error-share", "0.5"])
    assert r.returncode == 0, r.stderr.decode()
    assert (tmp_path / "cli" / "part-00000.jsonl").read_text(encoding="utf-8").splitlines()[0] == json.dumps(
        got[0], ensure_ascii=False)


def test_http_fix_and_spans():
    pytest.importorskip("fastapi")
    pytest.importorskip("uvicorn")
    import urllib.error
    import urllib.request

    # pinzhu serve as a user runs it; the URL is the line it prints once it serves.
    proc, base = start_server("--workers", "1")

    def post(path, body):
        req = urllib.request.Request(base + path, json.dumps(body).encode(), {"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=120) as r:
                return r.status, json.load(r)
        except urllib.error.HTTPError as e:
            return e.code, json.load(e)

    try:
        code, body = post("/v1/fix", {"text": "银行(yínxíng)还书(huánshū)", "min_confidence": 1.0})
        assert code == 200 and body["text"] == "银行(yínháng)还书(huánshū)"
        assert (body["fixed"], body["left"]) == (1, 1)
        assert [(c["action"], c["why"]) for c in body["changes"]] == [("fixed", "reading"), ("left", "uncertain")]
        code, body = post("/v1/fix", {"text": "x", "names": True})
        assert code == 422 and body["error"]["field"] == "names"
        code, body = post("/v1/fix", {"text": "x", "min_confidence": 2})
        assert code == 422 and body["error"]["field"] == "min_confidence"
        code, body = post("/v1/annotate", {"text": "发展银行", "spans": [[0, 2], {"start": 2, "end": 4}]})
        assert code == 200 and body["text"] == "发展(fāzhǎn)银行(yínháng)"
        code, body = post("/v1/annotate", {"text": "发展银行", "spans": [[0, 9]]})
        assert code == 422 and body["error"]["field"] == "spans" and "(0, 9)" in body["error"]["message"]
        code, body = post("/v1/annotate", {"text": "发展银行", "spans": "x"})
        assert code == 422 and body["error"]["field"].startswith("spans")
        if importlib.util.find_spec("python_multipart") and importlib.util.find_spec("defusedxml"):
            md = "# 课\n\n银行(yínxíng)，还书(huánshū)\n".encode()
            boundary = "pinzhu-fix-test"
            payload = (f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="course.md"\r\n\r\n'
                       .encode() + md + f'\r\n--{boundary}\r\nContent-Disposition: form-data; name="options"\r\n\r\n'
                       f'{{"min_confidence": 1}}\r\n--{boundary}--\r\n'.encode())
            req = urllib.request.Request(base + "/v1/documents/fix", payload,
                                         {"Content-Type": f"multipart/form-data; boundary={boundary}"})
            with urllib.request.urlopen(req, timeout=120) as r:
                assert r.read().decode() == "# 课\n\n银行(yínháng)，还书(huánshū)\n"
                assert (r.headers["X-Pinzhu-Fixed"], r.headers["X-Pinzhu-Left"]) == ("1", "1")
    finally:
        stop_server(proc)  # and its reading workers; never left running, even if it hangs
