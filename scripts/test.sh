#!/usr/bin/env bash
# The test command (README, .ci/run): installs what the tests need on a fresh machine, then runs them.
set -euo pipefail
cd "$(dirname "$0")/.."

# Headless Chromium for the ruby rendering test (Debian's package; skipped where apt is absent).
if ! command -v chromium >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
    || echo "warning: chromium not installed; the browser test will be skipped" >&2
fi
# A CJK font, so the reading room's screenshot shows characters, not boxes (the browser tests
# drive this Chromium through Playwright: no browser download).
if ! fc-list 2>/dev/null | grep -qi -e "wenquanyi" -e "noto sans cjk" && command -v apt-get >/dev/null 2>&1 \
   && [ "$(id -u)" = 0 ]; then
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-wqy-zenhei >/dev/null) \
    || echo "warning: no CJK font installed; the screenshot will show boxes for characters" >&2
fi
# Debian's epubcheck validates the EPUBs the document tests write (skipped where apt is absent).
if ! command -v epubcheck >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq epubcheck >/dev/null) \
    || echo "warning: epubcheck not installed; the EPUB validation tests will be skipped" >&2
fi
# Public-domain classics for the document tests and benchmark — the Analects (论语), the Four Books,
# the Book of Songs, the Songs of Chu, 古文观止, some Song ci — from npm's chinese-poetry (MIT, LICENSE
# kept beside them); only those files are kept.
TEXTS=.cache/chinese-poetry
if [ ! -f "$TEXTS/songci/ci.song.1000.json" ] && command -v npm >/dev/null 2>&1; then
  (rm -rf "$TEXTS.tmp" && mkdir -p "$TEXTS.tmp" && cd "$TEXTS.tmp" \
    && npm pack --silent chinese-poetry@2.0.1 >/dev/null \
    && tar xzf chinese-poetry-2.0.1.tgz --strip-components=2 package/dist/lunyu package/dist/sishuwujing \
         package/dist/mengxue/guwenguanzhi.json package/dist/shijing package/dist/chuci \
         package/dist/songci/ci.song.0.json package/dist/songci/ci.song.1000.json \
    && tar xzf chinese-poetry-2.0.1.tgz --strip-components=1 package/LICENSE \
    && rm chinese-poetry-2.0.1.tgz && cd - >/dev/null && rm -rf "$TEXTS" && mv "$TEXTS.tmp" "$TEXTS") \
    || echo "warning: npm chinese-poetry not fetched; the tests on real books will be skipped" >&2
fi

python3 -m venv .venv
. .venv/bin/activate
python -m pip install -q --upgrade pip
PINZHU_REQUIRE_EXTENSION=1 python -m pip install -q -e '.[test,server,ray,adapters,documents]'
python -m pytest "$@"
