"""The ``pinzhu`` command. Each subcommand lives in its own module here and registers itself
with ``add_parser(subparsers)``; its handler returns the exit code.

Exit codes: 0 success, 1 a finding (e.g. audit found wrong annotations), 2 bad input or usage.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from ..io import InputError

# Subcommand modules, in --help order. Each defines add_parser(subparsers).
SUBCOMMANDS = ["pinzhu.cli.read", "pinzhu.cli.annotate", "pinzhu.cli.strip", "pinzhu.cli.corpus",
               "pinzhu.cli.serve"]


def build_parser() -> argparse.ArgumentParser:
    from .._version import __version__

    ap = argparse.ArgumentParser(prog="pinzhu", description="Chinese text to pinyin in context.")
    ap.add_argument("--version", action="version", version=f"pinzhu {__version__}")
    sub = ap.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in SUBCOMMANDS:
        try:
            mod = importlib.import_module(name)
        except ModuleNotFoundError as e:
            if e.name == name:  # not written yet in this checkout
                continue
            raise
        mod.add_parser(sub)
    return ap


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.handler(args) or 0)
    except InputError as e:
        print(f"pinzhu: error: {e}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # e.g. `pinzhu pinyin big.txt | head`
        sys.stderr.close()
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
