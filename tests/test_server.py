"""The HTTP API, started for real on a loopback port and called over HTTP."""

import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("uvicorn")


@pytest.fixture(scope="module")
def server():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "pinzhu", "serve", "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(base + "/health", timeout=2) as r:
                assert json.load(r)["status"] == "ok"
                break
        except (urllib.error.URLError, ConnectionError):
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise RuntimeError(f"server did not start: {proc.stderr.read().decode()}")
            time.sleep(0.2)
    yield base
    proc.terminate()
    proc.wait(timeout=10)


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
    ({"texts": "银行"}, ["body", "texts"]),
    ({"texts": ["银行", 5]}, ["body", "texts", 1]),
    ({"texts": ["中" * 600_000, "中" * 400_001]}, ["body", "texts"]),   # over a million characters in all
])
def test_batch_bad_fields_are_422_naming_the_field(server, body, where):
    status, out = post(server, "/v1/batch/pinyin", body)
    assert status == 422 and out["detail"][0]["loc"] == where


def test_user_dict_and_words(server):
    status, out = post(server, "/v1/words", {"text": "行长好", "tone": "numbers", "user_dict": {"行长": "hang2 chang2"}})
    assert status == 200 and out["words"][0] == {"word": "行长", "pinyin": "hang2chang2"}


def test_strip_and_audit(server):
    status, out = post(server, "/v1/strip", {"text": "5月(yuè)23日，银行(yínxíng)"})
    assert status == 200 and out["text"] == "5月23日，银行"
    assert [c["chars"] for c in out["changes"]] == ["月", "银行"]
    status, out = post(server, "/v1/audit", {"text": "银行(yínxíng)"})
    assert status == 200 and out["ok"] is False and out["findings"][0]["expected"] == "yínháng"


@pytest.mark.parametrize("body,where", [
    ({"text": 5}, ["body", "text"]),
    ({"text": "中", "tone": "bogus"}, ["body", "tone"]),
    ({}, ["body", "text"]),
])
def test_bad_fields_are_422_naming_the_field(server, body, where):
    status, out = post(server, "/v1/pinyin", body)
    assert status == 422 and out["detail"][0]["loc"] == where


def test_bad_json_and_bad_user_dict(server):
    status, out = post(server, "/v1/pinyin", None, raw=b'{"text": "\xe4\xb8\xad",')
    assert status == 422 and out["detail"][0]["type"] == "json_invalid"
    status, out = post(server, "/v1/pinyin", {"text": "行", "user_dict": {"行行": "hang2"}})
    assert status == 422 and out["detail"][0]["loc"] == ["body", "user_dict"]
    assert "2 characters but 1 syllables" in out["detail"][0]["msg"]


def test_body_too_large_is_413(server):
    import http.client

    host, port = server.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=30)
    conn.putrequest("POST", "/v1/pinyin")
    conn.putheader("Content-Type", "application/json")
    conn.putheader("Content-Length", str(9_000_001))
    conn.endheaders()  # the body is refused before it is sent
    r = conn.getresponse()
    assert r.status == 413 and "over" in json.load(r)["detail"]
    conn.close()


def test_annotate_endpoint(server):
    status, out = post(server, "/v1/annotate", {"text": "寻根节在随州举行", "select": "words",
                                                "words": ["寻根"], "model": False})
    assert status == 200 and out["text"] == "寻根(xúngēn)节在随州举行"
    status, out = post(server, "/v1/annotate", {"text": "银行", "format": "ruby"})
    assert status == 200 and "<rt>" in out["text"]
    status, out = post(server, "/v1/annotate", {"text": "银行", "select": "bogus"})
    assert status == 422 and out["detail"][0]["loc"] == ["body", "select"]


def test_unknown_field_is_422_naming_it(server):
    status, out = post(server, "/v1/pinyin", {"text": "行", "spokn": True})
    assert status == 422 and out["detail"][0]["loc"] == ["body", "spokn"]
    status, out = post(server, "/v1/annotate", {"text": "行", "fracton": 0.5})
    assert status == 422 and out["detail"][0]["loc"] == ["body", "fracton"]


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
    assert status == 422 and out["detail"][0]["loc"] == ["body", "neutral"]


def test_audit_and_strip_use_the_requests_user_dict(server):
    body = {"text": "中国(kākā)人", "user_dict": {"中国": "ka1 ka1"}}
    status, out = post(server, "/v1/audit", body)
    assert status == 200 and out["ok"] is True
    status, out = post(server, "/v1/strip", body)
    assert status == 200 and out["text"] == "中国人"


def test_annotate_option_errors_name_the_field(server):
    status, out = post(server, "/v1/annotate", {"text": "银行", "tone": "zhuyin"})
    assert status == 422 and out["detail"][0]["loc"] == ["body", "tone"]
    status, out = post(server, "/v1/annotate", {"text": "银行", "fraction": 2})
    assert status == 422 and out["detail"][0]["loc"] == ["body", "fraction"]
