"""One measurement of one Python system, in a fresh process (started by benchmarks/run.py).

    python benchmarks/worker.py speed   --system KEY --text FILE [--mode text|lines|batch] [--repeat 5]
    python benchmarks/worker.py startup --system KEY [--sentence TEXT]
    python benchmarks/worker.py rss     --system KEY --text FILE [--mode text|lines]

Prints one JSON object.  speed: {"times_s": [...]} (conversion call only, after a warm-up on the
first --warmup-chars characters); startup: {"inproc_s"} (import + first call on a short sentence);
rss: converts the text once so the parent can read the process's peak RSS.
"""

from __future__ import annotations

import os
import sys
import time

T0 = time.perf_counter()
SHORT_SENTENCE = "今天我们去银行办事，顺便看看长江大桥。"
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))


def startup_main(argv: list[str]) -> None:
    """``startup --system KEY [--sentence S]``, parsed by hand: start-up time counts from T0, and
    argparse, hashlib and pathlib (~15 ms) are the harness's, not the system's (pinyin_pro.js
    loads only node's built-ins before its first call)."""
    opts = dict(zip(argv[::2], argv[1::2]))
    if len(argv) % 2 or "--system" not in opts or set(opts) - {"--system", "--sentence"}:
        raise SystemExit("usage: worker.py startup --system KEY [--sentence TEXT]")
    from harness.systems import make_system

    sentence = opts.get("--sentence") or SHORT_SENTENCE
    system = make_system(opts["--system"])
    result = system.convert(sentence)
    inproc = time.perf_counter() - T0
    assert len(result) == len(sentence)
    print('{"inproc_s": %r}' % inproc)


if __name__ == "__main__" and sys.argv[1:2] == ["startup"]:
    startup_main(sys.argv[2:])
    raise SystemExit(0)

import argparse  # noqa: E402
import hashlib  # noqa: E402
import json  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any, Callable  # noqa: E402

from harness.systems import PySystem, make_system  # noqa: E402


def prepared(system: PySystem, mode: str, text: str) -> tuple[Callable[[Any], Any], Any]:
    """The timed call and its input, prepared outside the timing: the whole text at once, a
    list of its lines converted one by one, or that list in one batch call."""
    if mode == "text":
        return system.convert, text
    if mode == "batch":
        if system.convert_many is None:
            raise SystemExit(f"{system.key} has no batch call")
        return system.convert_many, text.split("\n")

    def per_line(lines: list[str]) -> list[Any]:
        return [system.convert(line) for line in lines]
    return per_line, text.split("\n")


def cmd_speed(args: argparse.Namespace) -> dict:
    text = Path(args.text).read_text(encoding="utf-8")
    system = make_system(args.system)
    warm_text = text[: args.warmup_chars]
    warm_text = warm_text[: warm_text.rfind("\n")] if "\n" in warm_text else warm_text
    convert, warm_input = prepared(system, args.mode, warm_text)
    convert(warm_input)
    convert, timed_input = prepared(system, args.mode, text)
    times = []
    digest = ""
    for k in range(args.repeat):
        start = time.perf_counter()
        result = convert(timed_input)
        times.append(time.perf_counter() - start)
        if k == 0:  # what the call gave, so the harness can check two shapes agree
            flat = result if args.mode == "text" else [x for one in result for x in [*one, "\n"]]
            digest = hashlib.sha256(json.dumps(flat, ensure_ascii=False).encode()).hexdigest()
        del result
    return {"times_s": times, "digest": digest}


def cmd_rss(args: argparse.Namespace) -> dict:
    text = Path(args.text).read_text(encoding="utf-8")
    system = make_system(args.system)
    convert, data = prepared(system, args.mode, text)
    result = convert(data)
    return {"entries": len(result)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("command", choices=["speed", "rss"])  # startup: startup_main
    parser.add_argument("--system", required=True)
    parser.add_argument("--text")
    parser.add_argument("--mode", choices=["text", "lines", "batch"], default="text")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--warmup-chars", type=int, default=50_000)
    args = parser.parse_args()
    commands = {"speed": cmd_speed, "rss": cmd_rss}
    print(json.dumps(commands[args.command](args)))


if __name__ == "__main__":
    main()
