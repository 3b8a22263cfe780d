"""Ruby output in a real browser: headless Chromium parses it into ruby/rt elements, and hostile
input stays inert text. Needs a ``chromium`` binary (Debian: ``apt-get install -y chromium``)."""

from __future__ import annotations

import os
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

import pinzhu

BROWSER = next((b for b in (os.environ.get("PINZHU_CHROMIUM"), "chromium", "chromium-browser",
                            "google-chrome", "google-chrome-stable") if b and shutil.which(b)), None)
pytestmark = pytest.mark.skipif(BROWSER is None, reason="no chromium binary on PATH "
                                "(apt-get install -y chromium, or set PINZHU_CHROMIUM)")

HOSTILE = "<script>document.title='XSS'</script><img src=x onerror=\"document.title='XSS'\">&amp; \"引号\" 'single'"
TEXT = "活动请示递交到上级主管部门。银行行长说：“我们要重视长期发展。”" + HOSTILE + "行(xíng)"


def chromium(tmp: Path, page: Path, *extra: str) -> str:
    args = [BROWSER, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-dev-shm-usage", f"--user-data-dir={tmp / 'profile'}", *extra, page.as_uri()]
    done = subprocess.run(args, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


class Dom(HTMLParser):
    """Counts elements and collects the text of <rt>, <title> and the body outside <rt>/<rp>."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: dict[str, int] = {}
        self.stack: list[str] = []
        self.rt: list[str] = []
        self.title = ""
        self.body_text: list[str] = []
        self.attrs: dict[str, dict[str, str | None]] = {}

    def handle_starttag(self, tag, attrs):
        self.tags[tag] = self.tags.get(tag, 0) + 1
        self.attrs.setdefault(tag, dict(attrs))
        self.stack.append(tag)
        if tag == "rt":
            self.rt.append("")

    def handle_endtag(self, tag):
        while self.stack and self.stack.pop() != tag:
            pass

    def handle_data(self, data):
        if "rt" in self.stack:
            self.rt[-1] += data
        elif "title" in self.stack:
            self.title += data
        elif "body" in self.stack and "rp" not in self.stack and "script" not in self.stack:
            self.body_text.append(data)


def page_for(text: str, **opts: object) -> str:
    # annotate's ruby fragment in a page with one script of our own, run last: it proves scripts
    # do run in this browser, so a hostile one that stayed silent really was inert text.
    frag = pinzhu.annotate(text, format="ruby", **opts)
    return ('<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>pinzhu</title>'
            '<style>body{font-size:28px;line-height:2.6;white-space:pre-wrap}</style></head>'
            f'<body>{frag}<script>document.body.setAttribute("data-js", "ran")</script></body></html>')


@pytest.mark.parametrize("per", ["word", "char"])
def test_ruby_renders_and_hostile_input_is_inert(tmp_path, per):
    html_file = tmp_path / "page.html"
    html_file.write_text(page_for(TEXT, ruby=per), encoding="utf-8")
    dom = Dom()
    dom.feed(chromium(tmp_path, html_file, "--dump-dom"))
    plan = pinzhu.render.plan(TEXT, pinzhu.AnnotateOptions(format="ruby", ruby=per))
    want_rt = [f for u in plan.units for f in u.forms] if per == "char" else [u.written for u in plan.units]
    assert dom.tags.get("ruby") == len(want_rt) and dom.tags.get("rt") == len(want_rt)
    assert dom.rt == want_rt
    assert dom.attrs["body"].get("data-js") == "ran"      # our script ran ...
    assert dom.title == "pinzhu"                          # ... the hostile ones did not
    assert "img" not in dom.tags and dom.tags.get("script") == 1
    assert "".join(dom.body_text) == TEXT                 # every character shown, as text


def test_ruby_screenshot(tmp_path):
    html_file = tmp_path / "page.html"
    html_file.write_text(page_for("5月23日，世界华人炎帝故里寻根节在随州举行。" + HOSTILE, select="all"),
                         encoding="utf-8")
    png = tmp_path / "ruby.png"
    chromium(tmp_path, html_file, f"--screenshot={png}", "--window-size=1000,400", "--hide-scrollbars")
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 5000
    if os.environ.get("PINZHU_KEEP_SCREENSHOT"):  # for a human to look at
        shutil.copy(png, os.environ["PINZHU_KEEP_SCREENSHOT"])


def _reading_gaps(tmp: Path, frag: str, css: str) -> list[float]:
    """Pixels between the text of neighbouring <rt>s on one line, as Chromium lays them out."""
    page = tmp / "gaps.html"
    page.write_text(
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><style>body{font-size:28px;'
        f'line-height:2.6}}{css}</style></head><body><p>{frag}</p><script>'
        'const r=[...document.querySelectorAll("rt")].map(e=>{const g=document.createRange();'
        'g.selectNodeContents(e);const b=g.getBoundingClientRect();return [b.left,b.right,b.top]});'
        'document.body.setAttribute("data-r", JSON.stringify(r));</script></body></html>', encoding="utf-8")
    dom = Dom()
    dom.feed(chromium(tmp, page, "--dump-dom", "--window-size=2000,400"))
    import json

    rects = json.loads(dom.attrs["body"]["data-r"])
    assert len(rects) >= 10
    return [b[0] - a[1] for a, b in zip(rects, rects[1:]) if abs(a[2] - b[2]) < 1]


@pytest.mark.parametrize("per", ["char", "word"])
def test_neighbouring_readings_never_run_together(tmp_path, per):
    # Syllables wider than their characters (shuāng, chuáng, zhuāng): without the stylesheet
    # Chromium sets the readings edge to edge ("shuāngchuángzhuāng"); with it, every pair has a gap.
    frag = pinzhu.annotate("双床装窗闯庄，银行行长说：“我们要重视长期发展。”", format="ruby", ruby=per)
    bare = _reading_gaps(tmp_path, frag, "")
    styled = _reading_gaps(tmp_path, frag, pinzhu.render.stylesheet())
    assert min(bare) < 0.5                 # the problem is real in this browser
    assert min(styled) >= 4.0              # 0.2em of padding each side of a 14px reading
