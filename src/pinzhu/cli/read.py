"""``pinzhu pinyin [FILE...]``: the pinyin of each line, word-joined and space-separated."""

from __future__ import annotations

import argparse
import sys

from .. import Config, UserDict, styles
from ..io import InputError, read_text


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("pinyin", help="print the pinyin of each line (stdin when no FILE)")
    p.add_argument("files", nargs="*", metavar="FILE")
    add_reading_options(p)
    p.add_argument("--keep", action="store_true", help="keep non-Han text (default: Han words only)")
    p.set_defaults(handler=run)


def add_reading_options(p: argparse.ArgumentParser) -> None:
    """Options shared by every command that reads text."""
    p.add_argument("--tone", default="marks", choices=styles.names(), help="output style (default: marks)")
    p.add_argument("--spoken", action="store_true", help="spoken tone sandhi instead of citation tones")
    p.add_argument("--yi-bu", action="store_true",
                   help="mark only the tone changes of 一 and 不 (yíyàng, búduì), as textbooks do")
    p.add_argument("--no-model", action="store_true", help="lexicon and segmentation only")
    p.add_argument("--user-dict", metavar="FILE", help="word<TAB>syllables lines that always win")


def config_from(args: argparse.Namespace) -> Config:
    from ..lexicon import LexiconError

    ud = None
    if getattr(args, "user_dict", None):
        try:
            ud = UserDict.from_file(args.user_dict)
        except (LexiconError, OSError) as e:
            raise InputError(f"--user-dict: {e}") from None
    return Config(tone=args.tone, spoken=args.spoken, yi_bu=args.yi_bu, model=not args.no_model, user_dict=ud)


# Lines per engine pass (pinzhu.words_many): many short lines share the per-call cost, and a
# huge file still goes through in bounded pieces.
LINES_PER_PASS = 4096


def run(args: argparse.Namespace) -> int:
    from .. import words_many
    from ..render import pinyin_line

    cfg = config_from(args)
    # Decode every input before writing anything, so bad input leaves no half output.
    texts = [read_text(f) for f in (args.files or ["-"])]
    lines = [line for text in texts for line in text.splitlines()]
    out = []
    for a in range(0, len(lines), LINES_PER_PASS):
        out += [pinyin_line(ws, args.keep) + "\n" for ws in words_many(lines[a:a + LINES_PER_PASS], config=cfg)]
    sys.stdout.write("".join(out))
    sys.stdout.flush()
    return 0
