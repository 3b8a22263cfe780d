"""Python systems under test, each reduced to `convert(text) -> one raw entry per code point`.

Peers are imported lazily inside the factories, so importing this module costs nothing and a
start-up measurement of one system never pays for another.  `normalize` turns every system's raw
entry into the project's syllable form (`zhong1`, neutral `de5`, ü as `v`) or None.
"""

from __future__ import annotations

import dataclasses
import importlib
import os
import re
import sys
from dataclasses import dataclass
from functools import partial
from typing import Any, Callable

# (os.path, not pathlib: a start-up run imports this module and should pay for the system only)
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SYLLABLE = re.compile(r"[a-z]+[1-5]")

Raw = list[Any]  # one entry per code point, as the system returns it
Syllables = list["str | None"]


class Unavailable(Exception):
    """The system cannot run here (not installed, or an option it does not have yet)."""


@dataclass(frozen=True)
class PySystem:
    key: str
    label: str
    version: str
    convert: Callable[[str], Raw]
    # many texts in one call, where the system has such an API (pinzhu.reading_many)
    convert_many: Callable[[list[str]], list[Raw]] | None = None


def normalize(raw: Any) -> str | None:
    """A system's entry for one character -> `zhong1`-style syllable, or None if not a syllable."""
    if not isinstance(raw, str):
        return None
    s = raw.strip().lower().replace("u:", "v").replace("ü", "v")
    if s.endswith("0"):  # pinyin-pro writes the neutral tone as 0
        s = s[:-1] + "5"
    return s if SYLLABLE.fullmatch(s) else None


def _dist_version(name: str) -> str:
    import importlib.metadata  # here, not at the top: a start-up run must not pay ~20 ms for it

    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


# ---------------------------------------------------------------- pinzhu

def import_pinzhu() -> Any:
    """Import pinzhu; if it is not installed, fall back to the checkout's src/ folder."""
    try:
        return importlib.import_module("pinzhu")
    except ImportError:
        src = os.path.join(REPO, "src")
        if src not in sys.path:
            sys.path.insert(0, src)
        try:
            return importlib.import_module("pinzhu")
        except Exception as exc:  # an unfinished package can fail in many ways
            raise Unavailable(f"pinzhu does not import: {type(exc).__name__}: {exc}") from exc
    except Exception as exc:
        raise Unavailable(f"pinzhu does not import: {type(exc).__name__}: {exc}") from exc


def pinzhu_version(mod: Any) -> str:
    version = getattr(mod, "__version__", None) or _dist_version("pinzhu")
    return f"{version} (from {os.path.dirname(mod.__file__)})"


def _pinzhu_config(mod: Any, **options: object) -> Any:
    config_cls = getattr(mod, "Config", None)
    if config_cls is None:
        raise Unavailable("pinzhu.Config does not exist yet")
    fields = {f.name for f in dataclasses.fields(config_cls)}
    missing = sorted(set(options) - fields)
    if missing:
        raise Unavailable(f"pinzhu.Config has no {', '.join(missing)} option yet")
    return config_cls(**options)


def make_pinzhu(key: str, label: str, **options: object) -> PySystem:
    mod = import_pinzhu()
    if not hasattr(mod, "pinyin"):
        raise Unavailable("pinzhu.pinyin does not exist yet")
    if options:
        config = _pinzhu_config(mod, **options)

        def convert(text: str) -> Raw:
            return mod.pinyin(text, tone="numbers", config=config)
    else:
        def convert(text: str) -> Raw:
            return mod.pinyin(text, tone="numbers")
    convert_many = None
    cfg = config if options else None
    if hasattr(mod, "pinyin_many"):  # the batch call (one C call over all texts)
        def convert_many(texts: list[str]) -> list[Raw]:
            return mod.pinyin_many(texts, tone="numbers", config=cfg)
    elif hasattr(mod, "reading_many"):  # older pinzhu: the Reading batch
        def convert_many(texts: list[str]) -> list[Raw]:
            return [r.syllables() for r in mod.reading_many(texts, config=cfg)]
    return PySystem(key, label, pinzhu_version(mod), convert, convert_many)


# ---------------------------------------------------------------- pypinyin

_NO_PINYIN = "\x00"  # what pypinyin emits for each character it has no reading for


def _one_entry_per_char(chars: str) -> list[str]:
    # pypinyin's default keeps a non-Han run as ONE item ('ab12'), which would shift every later
    # index; returning a list makes it emit one item per character.
    return [_NO_PINYIN] * len(chars)


def make_pypinyin(key: str, label: str, tone_sandhi: bool = False) -> PySystem:
    try:
        import pypinyin
    except ImportError as exc:
        raise Unavailable(f"pypinyin not installed: {exc}") from exc

    style = pypinyin.Style.TONE3

    def convert(text: str) -> Raw:
        return pypinyin.lazy_pinyin(
            text, style=style, neutral_tone_with_five=True, errors=_one_entry_per_char,
            tone_sandhi=tone_sandhi,
        )
    return PySystem(key, label, _dist_version("pypinyin"), convert)


# ---------------------------------------------------------------- g2pM

def load_g2pm() -> Any:
    """g2pM's model (numpy bi-LSTM; weights ship inside the wheel, no network needed)."""
    try:
        from g2pM import G2pM
    except ImportError as exc:
        raise Unavailable(f"g2pM not installed: {exc}") from exc
    return G2pM()


def make_g2pm(key: str, label: str) -> PySystem:
    model = load_g2pm()

    def convert(text: str) -> Raw:
        if not text:
            return []
        # char_split=True: one entry per character (the character itself when not in its dict).
        return model(text, char_split=True, tone=True)
    return PySystem(key, label, _dist_version("g2pM"), convert)


# ---------------------------------------------------------------- registry

# key -> (row label, factory).  Rows whose option pinzhu lacks become "n/a" with the reason.
PY_SYSTEMS: dict[str, tuple[str, Callable[[str, str], PySystem]]] = {
    "pinzhu": ("pinzhu", make_pinzhu),
    "pinzhu-model": ("pinzhu model=True", partial(make_pinzhu, model=True)),
    "pinzhu-nomodel": ("pinzhu model=False", partial(make_pinzhu, model=False)),
    "pinzhu-spoken": ("pinzhu spoken=True", partial(make_pinzhu, spoken=True)),
    # the textbook convention of pinyin-pro's story and phrase labels: 一/不 tone changes marked
    "pinzhu-yibu": ("pinzhu yi_bu=True", partial(make_pinzhu, yi_bu=True)),
    # CPP's convention: lexical neutral tones cited in full (认识 rènshí), see pinzhu.Config.neutral
    "pinzhu-full": ("pinzhu neutral=full", partial(make_pinzhu, neutral="full")),
    "pinzhu-full-nomodel": ("pinzhu neutral=full model=False", partial(make_pinzhu, neutral="full", model=False)),
    "pypinyin": ("pypinyin", make_pypinyin),
    "pypinyin-sandhi": ("pypinyin tone_sandhi=True", partial(make_pypinyin, tone_sandhi=True)),
    "g2pm": ("g2pM", make_g2pm),
}


def make_system(key: str) -> PySystem:
    label, factory = PY_SYSTEMS[key]
    return factory(key, label)


def convert_all(system: PySystem, texts: list[str]) -> tuple[list[Syllables], int]:
    """Normalized syllables per text, and how many texts came back with the wrong length.

    A misaligned result is replaced by all-None (scored wrong) rather than guessed at.
    """
    out: list[Syllables] = []
    misaligned = 0
    for text in texts:
        raw = list(system.convert(text))
        if len(raw) != len(text):
            misaligned += 1
            out.append([None] * len(text))
        else:
            out.append([normalize(x) for x in raw])
    return out, misaligned
