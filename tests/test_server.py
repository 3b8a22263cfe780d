"""The HTTP API, started for real on a loopback port and called over HTTP."""

import json
import time
import urllib.error
import urllib.request

import pytest
from servers import start_server, stop_server

pytest.importorskip("fastapi")
pytest.importorskip("uvicorn")


@pytest.fixture(scope="module")
def server():
    proc, base = start_server("--workers", "1")
    with urllib.request.urlopen(base + "/health", timeout=10) as r:
        assert json.load(r)["status"] == "ok"
    yield base
    stop_server(proc)


def post(base, path, body, raw=None):
    data = raw if raw is not None else json.dumps(body).encode()
    req = urllib.request.Request(base + path, data=data, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, json.load(r)
    except urllib.error.HTTPError as e:
        return e.code, json.load(e)


def test_pinyin_endpoint(server):
    status, out = post(server, "/v1/pinyin", {"text": "银行a", "tone": "numbers", "model": False})
    assert status == 200
    assert out["pinyin"] == ["yin2", "hang2", None]
    assert out["confidence"][:2] == [1.0, 1.0] and out["confidence"][2] is None


def test_yi_bu_option(server):
    status, out = post(server, "/v1/pinyin", {"text": "一样你好", "tone": "numbers", "model": False, "yi_bu": True})
    assert status == 200 and out["pinyin"] == ["yi2", "yang4", "ni3", "hao3"]
    status, out = post(server, "/v1/pinyin", {"text": "一样", "yi_bu": "often"})
    assert status == 422


def test_batch_endpoints_equal_one_request_per_text(server):
    texts = ["银行行长说：好！", "", "他还没有回来。abc", "一样"]
    opts = {"tone": "numbers", "yi_bu": True}
    status, out = post(server, "/v1/batch/pinyin", {"texts": texts, **opts})
    assert status == 200
    assert out["results"] == [post(server, "/v1/pinyin", {"text": t, **opts})[1] for t in texts]
    status, out = post(server, "/v1/batch/words", {"texts": texts, **opts})
    assert status == 200
    assert out["results"] == [post(server, "/v1/words", {"text": t, **opts})[1] for t in texts]


@pytest.mark.parametrize("body,where", [
    ({"texts": "银行"}, "texts"),
    ({"texts": ["银行", 5]}, "texts[1]"),
    ({"texts": ["中" * 600_000, "中" * 400_001]}, "texts"),   # over a million characters in all
])
def test_batch_bad_fields_are_422_naming_the_field(server, body, where):
    status, out = post(server, "/v1/batch/pinyin", body)
    assert status == 422 and out["error"]["field"] == where


def test_user_dict_and_words(server):
    status, out = post(server, "/v1/words", {"text": "行长好", "tone": "numbers", "user_dict": {"行长": "hang2 chang2"}})
    assert status == 200 and out["words"][0] == {"word": "行长", "pinyin": "hang2chang2"}


def test_strip_and_audit(server):
    status, out = post(server, "/v1/strip", {"text": "5月(yuè)23日，银行(yínxíng)"})
    assert status == 200 and out["text"] == "5月23日，银行"
    assert [c["chars"] for c in out["changes"]] == ["月", "银行"]
    status, out = post(server, "/v1/audit", {"text": "银行(yínxíng)"})
    assert status == 200 and out["ok"] is False and out["findings"][0]["expected"] == "yínháng"


@pytest.mark.parametrize("body,where,code", [
    ({"text": 5}, "text", "invalid_value"),
    ({"text": "中", "tone": "bogus"}, "tone", "invalid_value"),
    ({}, "text", "missing_field"),
])
def test_bad_fields_are_422_naming_the_field(server, body, where, code):
    status, out = post(server, "/v1/pinyin", body)
    assert status == 422 and out["error"]["field"] == where and out["error"]["code"] == code
    assert set(out["error"]) == {"code", "message", "field"} and where in out["error"]["message"]


def test_bad_json_and_bad_user_dict(server):
    status, out = post(server, "/v1/pinyin", None, raw=b'{"text": "\xe4\xb8\xad",')
    assert status == 422 and out["error"]["code"] == "invalid_json" and "character 13" in out["error"]["message"]
    status, out = post(server, "/v1/pinyin", {"text": "行", "user_dict": {"行行": "hang2"}})
    assert status == 422 and out["error"]["field"] == "user_dict"
    assert "2 characters but 1 syllables" in out["error"]["message"]


def test_body_too_large_is_413(server):
    import http.client

    host, port = server.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=30)
    conn.putrequest("POST", "/v1/pinyin")
    conn.putheader("Content-Type", "application/json")
    conn.putheader("Content-Length", str(9_000_001))
    conn.endheaders()  # the body is refused before it is sent
    r = conn.getresponse()
    assert r.status == 413 and json.load(r)["error"]["code"] == "body_too_large"
    conn.close()


def test_annotate_endpoint(server):
    status, out = post(server, "/v1/annotate", {"text": "寻根节在随州举行", "select": "words",
                                                "words": ["寻根"], "model": False})
    assert status == 200 and out["text"] == "寻根(xúngēn)节在随州举行"
    status, out = post(server, "/v1/annotate", {"text": "银行", "format": "ruby"})
    assert status == 200 and "<rt>" in out["text"]
    status, out = post(server, "/v1/annotate", {"text": "银行", "select": "bogus"})
    assert status == 422 and out["error"]["field"] == "select"


def test_unknown_field_is_422_naming_it(server):
    status, out = post(server, "/v1/pinyin", {"text": "行", "spokn": True})
    assert status == 422 and out["error"] == {"code": "unknown_field", "message": "spokn: no such field",
                                              "field": "spokn"}
    status, out = post(server, "/v1/annotate", {"text": "行", "fracton": 0.5})
    assert status == 422 and out["error"]["field"] == "fracton"


def test_a_422_never_echoes_a_large_input(server):
    big = "中" * 1_000_001
    for path, body in [("/v1/pinyin", {"text": big}), ("/v1/pinyin", {"text": "中", "extra": big}),
                       ("/v1/batch/pinyin", {"texts": [big[:600_000], big[:400_001]]})]:
        data = json.dumps(body).encode()
        req = urllib.request.Request(server + path, data=data, headers={"Content-Type": "application/json"})
        with pytest.raises(urllib.error.HTTPError) as e:
            urllib.request.urlopen(req, timeout=60)
        raw = e.value.read()
        assert e.value.code == 422 and len(raw) < 2000 and "中中中" not in raw.decode()


def test_every_reading_option_reaches_http(server):
    status, out = post(server, "/v1/pinyin", {"text": "朋友", "tone": "numbers", "neutral": "full"})
    assert status == 200 and out["pinyin"] == ["peng2", "you3"]
    status, out = post(server, "/v1/pinyin", {"text": "銀行", "tone": "numbers", "traditional": False})
    assert status == 200 and out["pinyin"] != ["yin2", "hang2"]
    status, out = post(server, "/v1/pinyin", {"text": "朋友", "neutral": "bogus"})
    assert status == 422 and out["error"]["field"] == "neutral"


def test_audit_and_strip_use_the_requests_user_dict(server):
    body = {"text": "中国(kākā)人", "user_dict": {"中国": "ka1 ka1"}}
    status, out = post(server, "/v1/audit", body)
    assert status == 200 and out["ok"] is True
    status, out = post(server, "/v1/strip", body)
    assert status == 200 and out["text"] == "中国人"


def test_annotate_option_errors_name_the_field(server):
    status, out = post(server, "/v1/annotate", {"text": "银行", "tone": "zhuyin"})
    assert status == 422 and out["error"]["field"] == "tone"
    status, out = post(server, "/v1/annotate", {"text": "银行", "fraction": 2})
    assert status == 422 and out["error"]["field"] == "fraction"


def get(base, path):
    try:
        with urllib.request.urlopen(base + path, timeout=30) as r:
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


def test_annotate_json_format_is_json_not_a_string(server):
    status, out = post(server, "/v1/annotate", {"text": "我去银行", "format": "json", "select": "polyphones"})
    assert status == 200 and set(out) == {"length", "tone", "tokens"}
    assert [(t["word"], t["pinyin"], t["start"]) for t in out["tokens"]] == [("银行", "yínháng", 2)]


def test_batch_annotate_equals_one_request_per_text(server):
    texts = ["银行行长", "", "他还没有回来。"]
    opts = {"format": "ruby", "select": "polyphones"}
    status, out = post(server, "/v1/batch/annotate", {"texts": texts, **opts})
    assert status == 200
    assert out["results"] == [post(server, "/v1/annotate", {"text": t, **opts})[1] for t in texts]


def test_every_option_is_settable_over_http(server):
    """Every declared option of every group is a field of the endpoints of its group, with the
    library's default (the page builds its controls from /v1/options: the same list)."""
    from pinzhu.config import AuditOptions, Config, StripOptions
    from pinzhu.options import declared
    from pinzhu.render import AnnotateOptions

    status, _, raw = get(server, "/openapi.json")
    schemas = json.loads(raw)["components"]["schemas"]
    status, _, raw = get(server, "/v1/options")
    listed = {(o["group"], o["name"]): o for o in json.loads(raw)["options"]}
    for model, classes in [("AnnotateRequest", (Config, AnnotateOptions)), ("StripRequest", (Config, StripOptions)),
                           ("AuditRequest", (Config, AuditOptions)), ("ReadOptions", (Config,))]:
        props = schemas[model]["properties"]
        for cls in classes:
            for o in declared(cls):
                assert o.name in props, (model, o.name)
                group = {Config: "read", AnnotateOptions: "annotate", StripOptions: "strip",
                         AuditOptions: "audit"}[cls]
                default = sorted(o.default) if isinstance(o.default, frozenset) else o.default
                assert listed[(group, o.name)]["default"] == default
                if o.default not in (None, frozenset()):
                    assert props[o.name].get("default") == default, (model, o.name)


def test_readings_of_a_position(server):
    status, out = post(server, "/v1/readings", {"text": "他还没有回来", "at": 1, "tone": "numbers"})
    assert status == 200 and (out["start"], out["end"], out["word"]) == (1, 2, "还")
    ch = out["chars"][0]
    assert ch["source"] == "model" and ch["context"][0] == 0 and ch["context"][1] >= 6
    cands = {c["syllable"]: c for c in ch["candidates"]}
    assert cands["hai2"]["chosen"] and cands["hai2"]["probability"] > cands["huan2"]["probability"]
    assert abs(sum(c["probability"] or 0 for c in ch["candidates"]) - 1) < 0.01
    status, out = post(server, "/v1/readings", {"text": "我去银行", "at": 3, "user_dict": {"银行": "yin2 xing2"}})
    assert status == 200 and out["word"] == "银行" and out["reading"] == "yínxíng"
    assert {c["source"] for c in out["chars"]} == {"user dictionary"}
    status, out = post(server, "/v1/readings", {"text": "银行", "at": 2})
    assert status == 422 and out["error"]["field"] == "at"


def test_errors_have_one_shape(server):
    for status, _, raw in (get(server, "/nope"), get(server, "/v1/pinyin"), get(server, "/web/../server.py")):
        out = json.loads(raw)
        assert status in (404, 405) and set(out["error"]) == {"code", "message", "field"}
    assert json.loads(get(server, "/nope")[2])["error"]["code"] == "not_found"


def test_docs_and_page_need_no_network(server):
    """/docs, /redoc and the page load only from this server (no CDN): every script and
    stylesheet they name is a local path that answers 200."""
    import re

    for path in ("/docs", "/redoc", "/"):
        status, _, raw = get(server, path)
        assert status == 200
        html = raw.decode()
        refs = re.findall(r'(?:src|href)\s*=\s*["\']([^"\']+)["\']', html)
        assert refs, path
        for ref in refs:
            assert not re.match(r"(https?:)?//", ref), (path, ref)
            if ref.startswith(("data:", "#")):
                continue
            s, _, body = get(server, ref if ref.startswith("/") else "/" + ref)
            assert s == 200 and body, (path, ref)
    # Swagger UI 5 (OpenAPI 3.1, which FastAPI writes): its bundle is served from the package.
    status, _, raw = get(server, "/docs")
    assert b"swagger-ui-bundle.js" in raw


def test_page_headers_keep_scripts_local(server):
    status, headers, raw = get(server, "/")
    assert status == 200 and "script-src 'self'" in headers["Content-Security-Policy"]
    assert b"<html" in raw and b'lang="zh-CN"' in raw or b'lang="en"' in raw


@pytest.mark.parametrize("args,message", [(["--port", "99999"], "--port must be between 0 and 65535"),
                                          (["--workers", "-1"], "--workers must be 0 or more"),
                                          (["--timeout", "0"], "--timeout must be a number of seconds above 0")])
def test_serve_refuses_bad_flags(args, message):
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "pinzhu", "serve", *args], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and message in done.stderr and "Traceback" not in done.stderr
