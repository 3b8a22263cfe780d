"""CLI flags generated from the option declarations (:mod:`pinzhu.options`): one flag per
declared field, with its help, default and allowed values; :func:`values_from` builds the
options value back from the parsed arguments.

>>> import argparse
>>> from pinzhu.config import Config
>>> p = argparse.ArgumentParser()
>>> add_options(p, Config)
>>> values_from(p.parse_args(["--tone", "numbers", "--no-model"]), Config)
Config(tone='numbers', model=False, spoken=False, yi_bu=False, traditional=True, neutral='lexical', ...)
"""

from __future__ import annotations

import argparse
import types
import typing
from typing import Any, TypeVar

from ..io import InputError
from ..options import Option, OptionError, declared

T = TypeVar("T")


def _scalar(o: Option) -> Any:
    """The argparse ``type`` of an option: int, float or str (``int | None`` is int)."""
    t = o.type
    if typing.get_origin(t) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(t) if a is not type(None)]
        t = args[0] if len(args) == 1 else str
    if o.multiple:
        t = typing.get_args(t)[0] if typing.get_args(t) else str
    return t if t in (int, float) else str


def add_options(p: argparse.ArgumentParser | argparse._ArgumentGroup, cls: type,
                exclude: tuple[str, ...] = ()) -> None:
    """Add a flag for every declared option of ``cls`` (an options class) offered on the CLI."""
    for o in declared(cls):
        if "cli" not in o.surfaces or o.name in exclude:
            continue
        # SUPPRESS: a flag not given leaves no attribute, so the declared default applies.
        kw: dict[str, Any] = dict(dest=o.name, default=argparse.SUPPRESS)
        if o.type is bool:
            kw["action"] = "store_false" if o.default else "store_true"
            kw["help"] = f"turn off: {o.help}" if o.default else o.help
        else:
            if o.multiple:
                kw["action"] = "append"
            if o.from_text is None:
                kw["type"] = _scalar(o)
            allowed = o.allowed
            if allowed is not None:
                kw["choices"] = allowed
            if o.metavar:
                kw["metavar"] = o.metavar
            shown = "" if o.multiple or o.default is None else f" (default: {o.default})"
            kw["help"] = o.help + (" (repeatable)" if o.multiple else "") + shown
        p.add_argument(o.flag, **kw)


def values_from(args: argparse.Namespace, cls: type[T], **extra: Any) -> T:
    """The ``cls`` value the flags in ``args`` give (``extra``: fields a command computed itself).
    A bad value is an InputError naming the flag."""
    given: dict[str, Any] = {}
    flags = {}
    for o in declared(cls):
        flags[o.name] = o.flag
        if not hasattr(args, o.name):
            continue
        value = getattr(args, o.name)
        if o.from_text is not None and isinstance(value, str):
            try:
                value = o.from_text(value)
            except (OSError, ValueError) as e:
                raise InputError(f"{o.flag}: {e}") from None
        given[o.name] = value
    given.update(extra)
    try:
        return cls(**given)
    except OptionError as e:
        raise InputError(f"{flags.get(e.field, e.field)}: {e}") from None


def flag_of(cls: type, name: str) -> str:
    """The CLI flag of option ``name`` of ``cls`` (for messages)."""
    return next(o.flag for o in declared(cls) if o.name == name)


__all__ = ["add_options", "flag_of", "values_from"]
