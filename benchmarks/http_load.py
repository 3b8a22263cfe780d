"""Load test of ``pinzhu serve`` on loopback: N concurrent clients, each with its own keep-alive
connection, send a mix of short requests (pinyin, annotate as ruby, words, strip, audit) until
M requests are done. Reports errors (any status but 200), throughput and latency percentiles.

    python benchmarks/http_load.py                        # 50 clients, 5,000 requests, --workers 2
    python benchmarks/http_load.py --clients 50 --requests 5000 --workers 2 --write
    python benchmarks/http_load.py --page    # the reading room's load time in headless Chromium

``--write`` records the numbers in benchmarks/HTTP.md. The unit suite runs the same load
(tests/test_http_faults.py) and asserts only that no request failed; latency is measured here.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
SENTENCES = [
    "银行行长说：我们要重视长期发展。", "他还没有回来，大家都很着急。", "5月23日，寻根节在随州举行。",
    "这个问题我们明天再讨论吧。", "长城很长，我们走了一整天。", "为了了解情况，他去了一趟银行。",
    "一点儿也不难，你试试看。", "我去银行(yínxíng)取钱，行长(hángzhǎng)说好。",
]
MIX = [("/v1/pinyin", {}), ("/v1/pinyin", {"tone": "numbers"}), ("/v1/annotate", {"format": "ruby"}),
       ("/v1/words", {}), ("/v1/annotate", {"select": "polyphones"}), ("/v1/strip", {}), ("/v1/audit", {}),
       ("/v1/pinyin", {"spoken": True})]


def load(base: str, clients: int = 50, requests: int = 5000) -> dict:
    """Run the load against ``base``: errors, seconds, requests/s, latency percentiles (ms)."""
    url = urlsplit(base)
    counter = iter(range(requests))
    lock = threading.Lock()
    latencies: list[float] = []
    errors: list[str] = []

    def client() -> None:
        conn = http.client.HTTPConnection(url.hostname, url.port, timeout=60)
        mine: list[float] = []
        while True:
            with lock:
                k = next(counter, None)
            if k is None:
                break
            path, opts = MIX[k % len(MIX)]
            body = json.dumps({"text": SENTENCES[k % len(SENTENCES)], **opts}).encode()
            t = time.perf_counter()
            try:
                conn.request("POST", path, body, {"Content-Type": "application/json"})
                r = conn.getresponse()
                data = r.read()
                if r.status != 200:
                    errors.append(f"{path}: {r.status} {data[:200]!r}")
            except (OSError, http.client.HTTPException) as e:
                errors.append(f"{path}: {type(e).__name__}: {e}")
                conn.close()
                conn = http.client.HTTPConnection(url.hostname, url.port, timeout=60)
                continue
            mine.append(time.perf_counter() - t)
        conn.close()
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds = time.perf_counter() - start
    lat = sorted(latencies)

    def pct(p: float) -> float:
        return round(1000 * lat[min(len(lat) - 1, int(p * len(lat)))], 1) if lat else float("nan")

    return {"clients": clients, "requests": requests, "errors": len(errors), "error_samples": errors[:5],
            "seconds": round(seconds, 2), "per_second": round(requests / seconds, 1),
            "p50_ms": pct(0.50), "p90_ms": pct(0.90), "p99_ms": pct(0.99), "max_ms": pct(1.0)}


def page_load(base: str, runs: int = 5) -> dict:
    """The reading room in headless Chromium (Playwright, Debian's chromium): ms until the load
    event, and until the first annotated text is on screen (the page's first round trip)."""
    from playwright.sync_api import sync_playwright

    args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--no-first-run"]
    loads, firsts, sizes = [], [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=os.environ.get("PINZHU_CHROMIUM", "/usr/bin/chromium"), args=args)
        for _ in range(runs):
            page = browser.new_page()   # a fresh page each time: nothing cached
            t = time.perf_counter()
            page.goto(base + "/")
            loads.append(1000 * (time.perf_counter() - t))
            page.wait_for_selector("#output ruby.pz")
            firsts.append(1000 * (time.perf_counter() - t))
            sizes.append(page.evaluate("performance.getEntriesByType('resource').reduce((n, r) => n + "
                                       "r.transferSize, performance.getEntriesByType('navigation')[0].transferSize)"))
            page.close()
        browser.close()
    return {"load_ms": round(sorted(loads)[len(loads) // 2], 1), "first_ruby_ms": round(sorted(firsts)[len(firsts) // 2], 1),
            "bytes": sizes[-1]}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--requests", type=int, default=5000)
    ap.add_argument("--workers", type=int, default=2, help="pinzhu serve --workers")
    ap.add_argument("--write", action="store_true", help="record the numbers in benchmarks/HTTP.md")
    ap.add_argument("--page", action="store_true", help="measure the reading room's load time instead")
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT / "tests"))
    from servers import start_server, stop_server

    proc, base = start_server("--workers", str(args.workers))
    if args.page:
        try:
            print(json.dumps(page_load(base)))
        finally:
            stop_server(proc)
        return 0
    try:
        load(base, clients=5, requests=200)  # warm: connections, the workers' first calls
        out = load(base, args.clients, args.requests)
    finally:
        stop_server(proc)
    out["workers"] = args.workers
    print(json.dumps(out, ensure_ascii=False))
    if args.write:
        line = (f"| {time.strftime('%Y-%m-%d')} | {args.clients} | {args.requests} | {args.workers} | "
                f"{out['errors']} | {out['per_second']} | {out['p50_ms']} | {out['p90_ms']} | {out['p99_ms']} | "
                f"{out['max_ms']} | {os.cpu_count()} CPUs, Python {platform.python_version()} |")
        md = ROOT / "benchmarks" / "HTTP.md"
        text = md.read_text(encoding="utf-8") if md.exists() else ""
        md.write_text(text.rstrip("\n") + "\n" + line + "\n", encoding="utf-8")
    return 1 if out["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
