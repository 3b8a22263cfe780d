"""The check tab's "fix" button in a real browser: Playwright for Python driving Debian's Chromium
against a real ``pinzhu serve`` on loopback (issue #19). Needs ``chromium`` (scripts/test.sh installs it)."""

from __future__ import annotations

import os
import shutil

import pytest

import pinzhu
from servers import start_server, stop_server
from test_fix import planted

pytest.importorskip("fastapi")
sync_api = pytest.importorskip("playwright.sync_api")

CHROMIUM = next((b for b in (os.environ.get("PINZHU_CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium"))
                 if b and os.path.exists(b)), None)
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no chromium (apt-get install -y chromium, or set "
                                                         "PINZHU_CHROMIUM)")


@pytest.fixture(scope="module")
def server():
    proc, url = start_server("--workers", "1")
    yield url
    stop_server(proc)  # and its reading workers; never left running, even if it hangs


@pytest.fixture
def page(server):
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"])
        ctx = browser.new_context()
        outside: list[str] = []

        def route(r):
            if r.request.url.startswith(server):
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
        browser.close()
        assert not outside and not errors, (outside, errors)


def test_fix_button_rewrites_the_planted_errors_and_undo_restores(page):
    _, wrong, right = planted()[0]
    page.click("#tab-check")
    page.fill("#check-text", wrong)
    wrong_rows = "n => document.querySelectorAll('#findings tbody tr[data-state=wrong]').length === n"
    page.wait_for_function(wrong_rows, arg=10)  # the ten plants, checked
    page.click("#check-fix")
    page.wait_for_function("() => document.querySelector('#status').textContent.startsWith('Fixed')")
    assert page.input_value("#check-text") == right
    assert page.text_content("#status") == "Fixed 10 annotations."
    page.wait_for_function(wrong_rows, arg=0)
    assert page.locator("#findings tbody tr[data-state=ok]").count() == len(pinzhu.audit(right))
    page.click("#check-undo")
    page.wait_for_function("t => document.querySelector('#check-text').value === t", arg=wrong)
    assert page.locator("#check-undo").is_hidden()


def test_fix_button_reports_what_it_leaves(page):
    page.click("#tab-check")
    page.fill("#check-text", "中国(zhōng)人说：银行(yínháng)。")
    page.click("#check-fix")
    page.wait_for_function("() => document.querySelector('#status').textContent.startsWith('Nothing to fix')")
    assert "国(zhōng) unclear characters" in page.text_content("#status")
    assert page.input_value("#check-text") == "中国(zhōng)人说：银行(yínháng)。"
    assert page.locator("#check-undo").is_hidden()
