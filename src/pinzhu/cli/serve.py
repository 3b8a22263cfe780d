"""``pinzhu serve``: the reading room and the HTTP API (needs ``pip install 'pinzhu[server]'``)."""

from __future__ import annotations

import argparse
import os
import socket
import sys

from ..io import InputError


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("serve", help="run the reading room and the HTTP API (pinzhu[server])")
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default: loopback only)")
    p.add_argument("--port", type=int, default=8000, help="port (0: any free port; the URL says which)")
    p.add_argument("--workers", type=int, default=min(os.cpu_count() or 1, 4),
                   help="processes that read, each loading the lexicon once (default: CPUs, at most 4); "
                        "0 reads in the server's own threads, with no time limit")
    p.add_argument("--timeout", type=float, default=60.0,
                   help="seconds one request may read before it is stopped with a 504 (default 60)")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    try:
        import uvicorn

        from ..server import create_app
    except ImportError:
        raise InputError("the server needs its extra: pip install 'pinzhu[server]'") from None
    if not 0 <= args.port <= 65535:
        raise InputError(f"--port must be between 0 and 65535, got {args.port}")
    if args.workers < 0:
        raise InputError(f"--workers must be 0 or more, got {args.workers}")
    if not 0 < args.timeout < float("inf"):
        raise InputError(f"--timeout must be a number of seconds above 0, got {args.timeout}")
    family = socket.AF_INET6 if ":" in args.host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((args.host, args.port))
    except OSError as e:
        raise InputError(f"{args.host}:{args.port}: cannot listen there: {e.strerror or e}") from None
    sock.listen(2048)
    port = sock.getsockname()[1]
    # Bound to every address: the URL a browser on this machine can open is loopback's.
    shown = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}.get(args.host, args.host)
    host = f"[{shown}]" if ":" in shown else shown
    url = f"http://{host}:{port}/"
    also = f", listening on all addresses ({args.host})" if shown != args.host else ""

    def ready() -> None:
        # The one line a person (or a test) needs: where to point the browser. Printed once the
        # workers have loaded, so the first request is answered at full speed.
        print(f"pinzhu serving on {url}  (reading room {url}, API docs {url}docs{also}; Ctrl-C stops)", flush=True)

    app = create_app(workers=args.workers, timeout=args.timeout, on_ready=ready)
    config = uvicorn.Config(app, log_level="warning", timeout_graceful_shutdown=5)
    uvicorn.Server(config).run(sockets=[sock])
    return 0
