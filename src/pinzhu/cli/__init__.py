"""The ``pinzhu`` command. Each subcommand lives in its own module here and registers itself
with ``add_parser(subparsers)``; its handler returns the exit code.

Exit codes: 0 success, 1 a finding (e.g. audit found wrong annotations), 2 bad input, usage or an
I/O error (every one a ``pinzhu: error: PATH: ...`` line, never a traceback; a bug in pinzhu also
exits 2, with its traceback), 130 interrupted (Ctrl-C).
"""

from __future__ import annotations

import argparse
import importlib
import sys

from ..io import InputError, RunFailed

# Subcommand modules, in --help order. Each defines add_parser(subparsers).
SUBCOMMANDS = ["pinzhu.cli.read", "pinzhu.cli.annotate", "pinzhu.cli.strip", "pinzhu.cli.fix", "pinzhu.cli.search",
               "pinzhu.cli.corpus", "pinzhu.cli.serve"]


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


def _oserror(e: OSError) -> str:
    """``PATH: what`` for an OSError (the file it names, else what it says)."""
    what = e.strerror or str(e)
    if e.filename is not None:
        return f"{e.filename}: {what}"
    return what


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.handler(args) or 0)
    except BrokenPipeError:  # e.g. `pinzhu pinyin big.txt | head`
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        print("pinzhu: interrupted", file=sys.stderr)
        return 130
    except (InputError, RunFailed) as e:
        print(f"pinzhu: error: {e}", file=sys.stderr)
        return 2
    except OSError as e:  # the output side: a folder, a full or read-only disk, no permission, ...
        print(f"pinzhu: error: {_oserror(e)}", file=sys.stderr)
        return 2
    except ValueError as e:  # an option value the library refuses (it names the option)
        field = getattr(e, "field", None)
        print(f"pinzhu: error: {'--' + field.replace('_', '-') + ': ' if field else ''}{e}", file=sys.stderr)
        return 2
    except Exception:  # a bug: say so, with the traceback to report; never exit 1, which means findings
        import traceback

        traceback.print_exc()
        print("pinzhu: internal error (a bug in pinzhu: please report it with the traceback above)", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
