"""The reading room in a real browser: Playwright for Python driving Debian's Chromium (no browser
download) against a real ``pinzhu serve`` on loopback. Needs ``chromium`` (scripts/test.sh
installs it, and a CJK font for the screenshot)."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from servers import start_server, stop_server

import pinzhu

pytest.importorskip("fastapi")
sync_api = pytest.importorskip("playwright.sync_api")

CHROMIUM = next((b for b in (os.environ.get("PINZHU_CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium"))
                 if b and os.path.exists(b)), None)
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no chromium (apt-get install -y chromium, or set "
                                                         "PINZHU_CHROMIUM)")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]


@pytest.fixture(scope="module")
def server():
    proc, base = start_server("--workers", "1")
    yield base
    stop_server(proc)


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, server):
    """A fresh page on the reading room; every request it makes must go to the server (offline:
    anything else is refused, and the test fails if one was tried)."""
    ctx = browser.new_context(viewport={"width": 1200, "height": 900}, accept_downloads=True)
    outside: list[str] = []

    def route(r):
        if r.request.url.startswith(server) or r.request.url.startswith(("data:", "blob:")):
            r.continue_()
        else:
            outside.append(r.request.url)
            r.abort()

    ctx.route("**/*", route)
    pg = ctx.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.goto(server + "/")
    pg.wait_for_selector("body[data-ready]")
    yield pg
    ctx.close()
    assert not outside, f"the page asked the network: {outside}"
    assert not errors, errors


SHOWN = """() => { const o = document.querySelector('#output').cloneNode(true);
    o.querySelectorAll('rt, rp').forEach(e => e.remove());
    return [...o.querySelectorAll('.para')].map(p => p.textContent).join('\\n'); }"""


def typed(page, text: str) -> None:
    """Type into the text box and wait until the output shows that text, annotated."""
    page.fill("#text", text)
    page.wait_for_function(f"t => ({SHOWN})() === t && !document.querySelector('#output .pending')"
                           " && document.querySelector('#progress-row').hidden", arg=text)


def rts(page) -> list[str]:
    return page.eval_on_selector_all("#output rt", "els => els.map(e => e.textContent)")


def bases(page) -> str:
    """The output's text without its readings: the input, as the reader sees it."""
    return page.evaluate(SHOWN)


def test_type_text_and_see_ruby_per_character(page):
    text = "银行行长说：“我们要重视长期发展。”\n\n他还没有回来。<b>&amp;"
    typed(page, text)
    want = [f for line in text.split("\n")        # a paragraph per text
            for u in pinzhu.render.plan(line, pinzhu.AnnotateOptions(format="ruby")).units for f in u.forms]
    assert rts(page) == want                                          # one reading over each character
    assert bases(page) == text                                        # every character shown, as text
    assert page.eval_on_selector_all("#output b", "e => e.length") == 0   # markup typed stays text
    # ruby per word is one option away
    page.select_option("#view", "ruby:word")
    words = [u.written for line in text.split("\n")
             for u in pinzhu.render.plan(line, pinzhu.AnnotateOptions(format="ruby", ruby="word")).units]
    page.wait_for_function("w => [...document.querySelectorAll('#output rt')].map(e => e.textContent).join(' ') === w",
                           arg=" ".join(words))
    assert words[0] == "yínhánghángzhǎng"   # 银行行长, one word of the lexicon


def test_options_come_from_the_declarations(page):
    """Every declared reading and annotate option has a control (none copied into the page by hand)."""
    from pinzhu.config import Config
    from pinzhu.options import declared
    from pinzhu.render import AnnotateOptions

    shown = set(page.eval_on_selector_all("#read-options [data-option]", "els => els.map(e => e.dataset.option)"))
    own = {"format", "ruby", "page", "user_dict"}   # the view control, and the dictionary panel
    want = {o.name for cls in (Config, AnnotateOptions) for o in declared(cls) if "http" in o.surfaces} - own
    assert want <= shown, want - shown


def test_an_option_changes_the_output_and_a_bad_one_is_named(page):
    typed(page, "银行")
    page.select_option("#read-tone", label="numbers")
    page.wait_for_function("() => document.querySelector('#output rt')?.textContent === 'yin2'")
    page.select_option("#view", "inline:")
    page.select_option("#read-tone", label="zhuyin")   # inline zhuyin: refused, naming the tone
    page.wait_for_selector("#read-options .field.invalid[data-option='tone'] .problem")
    assert "tone" in page.inner_text("#status")


def test_click_a_word_shows_its_readings_and_context(page):
    text = "他还没有回来，长城很长。"
    typed(page, text)
    page.click("#output ruby.pz >> nth=1")   # 还: the model decides it from the context
    page.wait_for_selector("#readings .char")
    panel = page.inner_text("#readings")
    assert "还" in panel and "hái" in panel and "huán" in panel and "model" in panel
    assert page.inner_text("#readings .context mark") == "还"
    assert text[:3] in page.inner_text("#readings .context")
    # the readings with their probabilities in this context, pinzhu's choice pressed
    pressed = page.eval_on_selector_all("#readings button[aria-pressed='true']", "b => b.map(x => x.innerText)")
    assert len(pressed) == 1 and "hái" in pressed[0] and "%" in pressed[0]
    assert page.eval_on_selector_all("#output .picked", "e => e.length") == 1


def test_override_a_reading_export_and_import_the_dictionary(page, tmp_path):
    typed(page, "行长来了。")
    page.click("#output ruby.pz >> nth=1")   # 长 of 行长 (háng zhǎng)
    page.wait_for_selector("#readings .char")
    page.click("#readings li button:has-text('cháng')")
    page.wait_for_function("() => [...document.querySelectorAll('#output rt')].map(e => e.textContent)"
                           ".slice(0, 2).join(' ') === 'háng cháng'")
    assert page.inner_text("#dict-table tbody").split() == ["行长", "hang2", "chang2", "Remove"]

    with page.expect_download() as d:
        page.click("#export-tsv")
    tsv = tmp_path / "dict.tsv"
    d.value.save_as(tsv)
    assert "行长\thang2 chang2" in tsv.read_text(encoding="utf-8").splitlines()
    with page.expect_download() as d:
        page.click("#export-json")
    js = tmp_path / "dict.json"
    d.value.save_as(js)
    assert json.loads(js.read_text(encoding="utf-8")) == {"行长": "hang2 chang2"}
    # The exported files are what the CLI and the API take.
    assert pinzhu.pinyin("行长", user_dict=pinzhu.UserDict.from_file(tsv)) == ["háng", "cháng"]

    page.click("#clear-dict")
    page.wait_for_function("() => [...document.querySelectorAll('#output rt')][1]?.textContent === 'zhǎng'")
    for f in (js, tsv):
        page.set_input_files("#import-dict", str(f))
        page.wait_for_function("() => [...document.querySelectorAll('#output rt')][1]?.textContent === 'cháng'")
        assert page.inner_text("#dict-table tbody").split()[:3] == ["行长", "hang2", "chang2"]
        page.click("#clear-dict")
        page.wait_for_function("() => [...document.querySelectorAll('#output rt')][1]?.textContent === 'zhǎng'")
    bad = tmp_path / "bad.tsv"
    bad.write_text("行长\thang2\n", encoding="utf-8")   # one syllable for two characters
    page.set_input_files("#import-dict", str(bad))
    page.wait_for_selector("#status.error")
    assert "2 characters but 1 syllables" in page.inner_text("#status")
    assert page.is_hidden("#dict-table")


def test_check_tab_flags_a_planted_wrong_annotation(page):
    page.click("#tab-check")
    page.fill("#check-text", "我去银行(yínxíng)取钱，行长(hángzhǎng)说好(hǎo)。")
    page.wait_for_function("() => document.querySelector('#clean').value === '我去银行取钱，行长说好。'")
    states = page.eval_on_selector_all("#check-marked mark", "m => m.map(x => [x.textContent, x.dataset.state])")
    assert states == [["银行(yínxíng) (wrong)", "wrong"], ["行长(hángzhǎng) (ok)", "ok"], ["好(hǎo) (ok)", "ok"]]
    assert page.input_value("#clean") == "我去银行取钱，行长说好。"
    assert "Scan:" in page.inner_text("#scan")
    row = page.inner_text("#findings tbody tr >> nth=0")
    assert "yínháng" in row and "wrong" in row
    assert page.is_visible("#check-actions")   # where more actions (fix) go


def test_check_tab_shows_unsure(page):
    # 还(huán) in 他还没有回来: another real reading of 还, where pinzhu reads hái at about 0.98. With
    # the audit option min_confidence at 1, pinzhu counts as unsure of it: unsure, not wrong.
    page.click("#tab-check")
    page.fill("#check-min_confidence", "1")
    page.fill("#check-text", "他还(huán)没有回来，行长(hángzhǎng)说。")
    page.wait_for_function("() => document.querySelector('#clean').value === '他还没有回来，行长说。'")
    page.wait_for_function("() => document.querySelectorAll('#check-marked mark').length === 2")
    finding = pinzhu.audit("他还(huán)没有回来，行长(hángzhǎng)说。", min_confidence=1)[0]
    assert finding.reason == "uncertain"
    page.wait_for_function("() => document.querySelector('#check-marked mark').dataset.state === 'unsure'")
    assert "unsure" in page.inner_text("#findings tbody tr >> nth=0")
    page.fill("#check-min_confidence", "0")   # trust pinzhu always: now it is wrong
    page.dispatch_event("#check-min_confidence", "change")
    page.wait_for_function("() => document.querySelector('#check-marked mark').dataset.state === 'wrong'")


def test_api_docs_render_offline(page, server):
    """/docs: Swagger UI from the package draws every operation, with the network refused."""
    page.goto(server + "/docs")
    page.wait_for_selector(".opblock-summary-path", timeout=30_000)
    paths = page.eval_on_selector_all(".opblock-summary-path", "e => e.map(x => x.textContent)")
    assert "/v1/annotate" in paths and "/v1/readings" in paths


def test_reader_view_prints_and_saves(page, tmp_path):
    typed(page, "5月23日，世界华人炎帝故里寻根节在随州举行。")
    page.click("#tab-reader")
    page.fill("#reader-title", "炎帝故里寻根节")
    page.fill("#reader-source", "随州日报 2025-05-23")
    page.check("#reader-colors")
    page.wait_for_selector("#article-body ruby.pz.t2")   # the library's tone classes
    assert page.inner_text("#article-title") == "炎帝故里寻根节"
    page.emulate_media(media="print")
    assert page.is_hidden("#tabs") and page.is_hidden("#reader-form") and page.is_visible("#article-body")
    pdf = page.pdf(format="A4")
    assert pdf[:5] == b"%PDF-" and len(pdf) > 10_000
    page.emulate_media(media="screen")
    with page.expect_download() as d:
        page.click("#save-html")
    saved = tmp_path / "article.html"
    d.value.save_as(saved)
    html = saved.read_text(encoding="utf-8")
    assert "<script" not in html and "http" not in html.split("<body>")[0]   # standalone: nothing to fetch
    view = page.context.new_page()
    view.set_content(html)
    assert view.inner_text("h1") == "炎帝故里寻根节"
    assert view.eval_on_selector_all("ruby.pz", "r => r.length") == sum(1 for c in "月日世界华人炎帝故里寻根节在随州举行")
    view.close()


def test_keyboard_alone(page):
    typed(page, "银行行长")
    page.focus("#text")
    page.keyboard.press("Tab")   # into the annotated text: one tab stop
    assert page.evaluate("document.activeElement.matches('#output ruby.pz')")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Enter")
    page.wait_for_selector("#readings .char")
    assert "行长" in page.inner_text("#readings .word")   # the word holding the third character
    assert page.inner_text("#readings .char >> nth=2").startswith("行")
    page.focus("#tab-read")
    page.keyboard.press("ArrowRight")
    assert page.get_attribute("#tab-check", "aria-selected") == "true" and page.is_visible("#panel-check")


@pytest.mark.parametrize("width,scale", [(375, 1), (640, 2)])   # a phone; 1280 px at 200 % zoom
def test_narrow_screens_and_zoom(browser, server, width, scale):
    ctx = browser.new_context(viewport={"width": width, "height": 800}, device_scale_factor=scale)
    pg = ctx.new_page()
    pg.goto(server + "/")
    pg.wait_for_selector("#output ruby.pz")
    # no sideways scrolling, and one column: the options come below the text
    assert pg.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    out, opts = pg.locator("#output").bounding_box(), pg.locator("#read-options").bounding_box()
    assert opts["y"] >= out["y"] + out["height"] and out["width"] <= width
    ctx.close()


def test_long_text_streams_in_parts(page):
    para = "银行行长说：我们要重视长期发展，他还没有回来。"
    text = "\n".join(f"{k} {para * 20}" for k in range(200))    # ~ 93,000 characters
    posts: list[str] = []
    page.on("request", lambda r: posts.append(r.url) if r.url.endswith("/v1/batch/annotate") else None)
    typed(page, text)
    assert len(posts) >= 2                                      # sent in parts, shown as they came
    assert page.eval_on_selector_all("#output .para", "p => p.length") == 200
    assert bases(page) == text
    # typing in one paragraph re-reads only that one
    posts.clear()
    page.evaluate("t => { const a = document.querySelector('#text'); a.value = t; "
                  "a.dispatchEvent(new Event('input')); }", text.replace("199 ", "199 好", 1))
    page.wait_for_function("() => document.querySelector('#output .para:last-child').textContent.includes('好')")
    assert len(posts) == 1


def test_open_files(page, tmp_path):
    gbk = tmp_path / "old.txt"
    gbk.write_bytes("银行行长".encode("gb18030"))
    page.set_input_files("#file", str(gbk))
    page.wait_for_function("() => document.querySelector('#text').value === '银行行长'")
    documents = page.evaluate("fetch('/openapi.json').then(r => r.json()).then(s => '/v1/documents/{job}' in s.paths)")
    if not documents:
        pytest.skip("the server has no document endpoint (pip install 'pinzhu[documents]')")
    srt = tmp_path / "film.srt"
    srt.write_text("1\n00:00:01,000 --> 00:00:02,000\n银行行长说\n\n2\n00:00:03,000 --> 00:00:04,000\n他还没回来\n",
                   encoding="utf-8")
    page.set_input_files("#file", str(srt))
    page.wait_for_function("() => document.querySelector('#text').value === '银行行长说\\n他还没回来'")
    with page.expect_download() as d:
        page.click("#download-doc")
    out = tmp_path / "annotated.srt"
    d.value.save_as(out)
    assert "00:00:01,000 --> 00:00:02,000" in out.read_text(encoding="utf-8")
    from pinzhu import documents

    assert documents.strip(out.read_bytes(), "srt") == srt.read_bytes()


def test_screenshot(page, tmp_path):
    """A screenshot a person has looked at (PINZHU_KEEP_SCREENSHOT=FILE keeps it): the readings sit
    over their characters, apart, in a CJK font."""
    typed(page, "5月23日，乙巳年世界华人炎帝故里寻根节在随州举行。银行行长说：“我们要重视长期发展。”")
    page.check("#read-options input[data-option='tone_colors']")
    page.wait_for_selector("#output ruby.pz.t2")
    page.click("#output ruby.pz >> nth=12")
    page.wait_for_selector("#readings .char")
    # every reading is drawn above its own character, and no two on a line touch
    boxes = page.eval_on_selector_all("#output ruby.pz", """rs => rs.map(r => {
        const t = document.createRange(); t.selectNodeContents(r.querySelector('rt'));
        const rt = t.getBoundingClientRect();   // the reading's text (its box has padding)
        const g = document.createRange(); g.selectNodeContents(r.firstChild);
        const b = g.getBoundingClientRect();
        return [rt.left, rt.right, rt.bottom, b.top, b.left, b.right, b.bottom]; })""")
    for left, right, bottom, top, bl, br, bb in boxes:
        # the reading ends in the top quarter of its character's box at most (the glyph's leading)
        assert bottom <= top + 0.25 * (bb - top) and left < br and right > bl
    same_line = [(a, b) for a, b in zip(boxes, boxes[1:]) if abs(a[2] - b[2]) < 1]
    assert same_line and all(b[0] - a[1] >= 2 for a, b in same_line)
    png = tmp_path / "reading-room.png"
    page.screenshot(path=str(png), full_page=False)
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 30_000
    if os.environ.get("PINZHU_KEEP_SCREENSHOT"):
        shutil.copy(png, os.environ["PINZHU_KEEP_SCREENSHOT"])
    Path(png).unlink()
