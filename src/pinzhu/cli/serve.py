"""``pinzhu serve``: the HTTP API (needs ``pip install 'pinzhu[server]'``)."""

from __future__ import annotations

import argparse

from ..io import InputError


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("serve", help="run the HTTP API (pinzhu[server])")
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default: loopback only)")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--workers", type=int, default=1, help="processes (each loads the lexicon once)")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    try:
        import uvicorn
    except ImportError:
        raise InputError("the server needs its extra: pip install 'pinzhu[server]'") from None
    # Load the lexicon and model before the first request, not during it.
    from ..pipeline import pinyin

    pinyin("预热")
    uvicorn.run("pinzhu.server:create_app", factory=True, host=args.host, port=args.port,
                workers=args.workers, log_level="warning")
    return 0
