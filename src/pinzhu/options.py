"""Options declared once: every field of an options value (:class:`pinzhu.Config`,
:class:`pinzhu.AnnotateOptions`, :class:`pinzhu.config.StripOptions`, ...) says its type, default,
help and allowed values in one :func:`option` declaration. The CLI flags (``pinzhu.cli.options``),
the HTTP request models (``pinzhu.server``) and the corpus adapters' keywords
(``pinzhu.corpus.adapters``) are generated from these declarations, so a new option is one edit.

Values are frozen dataclasses checked on construction (a bad value is an :class:`OptionError`
naming the field); :func:`merged` applies keyword changes the way ftfy merges keyword arguments
into its ``TextFixerConfig``: ``pinzhu.pinyin(text, spoken=True)`` is
``pinzhu.pinyin(text, config=Config(spoken=True))``.

>>> from dataclasses import dataclass
>>> @dataclass(frozen=True)
... class Demo(Options):
...     size: int = option(3, "how big", low=1)
...     style: str = option("a", "which style", choices=("a", "b"))
>>> [(o.name, o.default, o.flag) for o in declared(Demo)]
[('size', 3, '--size'), ('style', 'a', '--style')]
>>> merged(Demo(), {"style": "b"})
Demo(size=3, style='b')
>>> Demo(style="c")
Traceback (most recent call last):
...
pinzhu.options.OptionError: style must be one of 'a', 'b', not 'c'
"""

from __future__ import annotations

import dataclasses
import typing
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import lru_cache
from typing import Any, TypeVar

T = TypeVar("T")


class OptionError(ValueError):
    """An option value that cannot be used; ``field`` names the option (for a CLI flag or an
    HTTP 422's ``loc``)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclasses.dataclass(frozen=True)
class Option:
    """One declared option: what every surface needs to offer it.

    ``choices``: the allowed values, or a function giving them (a registry such as the styles);
    ``low``/``high``: bounds for numbers; ``check``: a further test, returning the problem or None;
    ``coerce``: turns an accepted wire value into the field's value (a list of words into a
    frozenset, a JSON mapping into a UserDict); ``from_text``: a CLI argument (or an adapter's
    string) into the value (a path into a UserDict); ``wire``: the JSON type over HTTP when not the
    field's own; ``flag``: the CLI flag when not derived from the name (``--no-x`` for a bool whose
    default is True); ``surfaces``: where it is offered.
    """

    name: str
    type: Any
    default: Any
    help: str
    choices: Sequence[Any] | Callable[[], Sequence[Any]] | None = None
    low: float | None = None
    high: float | None = None
    check: Callable[[Any], str | None] | None = None
    coerce: Callable[[Any], Any] | None = None
    from_text: Callable[[str], Any] | None = None
    wire: Any = None
    metavar: str | None = None
    multiple: bool = False
    cli_flag: str | None = None
    surfaces: frozenset[str] = frozenset({"cli", "http", "adapters"})

    @property
    def allowed(self) -> tuple[Any, ...] | None:
        """The allowed values now (a registry's current names), or None when any value goes."""
        if self.choices is None:
            return None
        return tuple(self.choices() if callable(self.choices) else self.choices)

    @property
    def flag(self) -> str:
        """The CLI flag: ``--yi-bu`` for ``yi_bu``; ``--no-model`` for a bool that defaults to True."""
        if self.cli_flag:
            return self.cli_flag
        dashed = self.name.replace("_", "-")
        return f"--no-{dashed}" if self.type is bool and self.default is True else f"--{dashed}"

    def validate(self, value: Any) -> None:
        """Raise OptionError naming this option if ``value`` is not allowed."""
        allowed = self.allowed
        if allowed is not None and value not in allowed:
            raise OptionError(self.name, f"{self.name} must be one of {', '.join(map(repr, allowed))}, "
                                         f"not {value!r}")
        if value is not None and ((self.low is not None and value < self.low)
                                  or (self.high is not None and value > self.high)):
            bound = (f"between {self.low} and {self.high}" if self.low is not None and self.high is not None
                     else f"at least {self.low}" if self.low is not None else f"at most {self.high}")
            raise OptionError(self.name, f"{self.name} must be {bound}, got {value!r}")
        if self.check is not None:
            problem = self.check(value)
            if problem:
                raise OptionError(self.name, f"{self.name}: {problem}")


_KEY = "pinzhu.option"


def option(default: Any, help: str, *, choices: Sequence[Any] | Callable[[], Sequence[Any]] | None = None,
           low: float | None = None, high: float | None = None, check: Callable[[Any], str | None] | None = None,
           coerce: Callable[[Any], Any] | None = None, from_text: Callable[[str], Any] | None = None,
           wire: Any = None, metavar: str | None = None, multiple: bool = False, flag: str | None = None,
           surfaces: Iterable[str] = ("cli", "http", "adapters")) -> Any:
    """Declare a field of an :class:`Options` dataclass (see :class:`Option` for the keywords)."""
    spec = dict(default=default, help=help, choices=choices, low=low, high=high, check=check, coerce=coerce,
                from_text=from_text, wire=wire, metavar=metavar, multiple=multiple, cli_flag=flag,
                surfaces=frozenset(surfaces))
    return dataclasses.field(default=default, metadata={_KEY: spec})


@lru_cache(maxsize=None)
def declared(cls: type) -> tuple[Option, ...]:
    """The declared options of an options class, in field order."""
    hints = typing.get_type_hints(cls)
    out = []
    for f in dataclasses.fields(cls):
        spec = f.metadata.get(_KEY)
        if spec is not None:
            out.append(Option(name=f.name, type=hints[f.name], **spec))
    return tuple(out)


class Options:
    """Base of the frozen options values: coerces and checks every declared field on construction."""

    def __post_init__(self) -> None:
        for o in declared(type(self)):
            value = getattr(self, o.name)
            if o.coerce is not None and value is not None:
                try:
                    value = o.coerce(value)
                except OptionError:
                    raise
                except (TypeError, ValueError) as e:
                    raise OptionError(o.name, f"{o.name}: {e}") from None
                object.__setattr__(self, o.name, value)
            o.validate(value)

    def but(self: T, **changes: Any) -> T:
        """A copy with some options changed (None values are ignored).

        >>> from pinzhu.config import Config
        >>> Config().but(tone="numbers", spoken=None).tone
        'numbers'
        """
        return merged(self, changes)


def merged(base: T, changes: Mapping[str, Any]) -> T:
    """``base`` with ``changes`` applied (None values ignored); ``base`` itself when nothing
    changes, so a call without options costs nothing. Unknown names are a TypeError, as for any
    unexpected keyword argument."""
    items = tuple((k, v) for k, v in changes.items() if v is not None)
    if not items:
        return base
    if not (all(_small(v) for _, v in items) and all(_small(v) for v in vars(base).values())):
        # A user dictionary, a list of words: values made per call (per HTTP request) that a
        # cache would keep alive long after the call.
        return _merged(base, items)
    return _merged_cached(base, items)


def _small(value: Any) -> bool:
    """A value a cache may hold: a scalar, or a few names (a select policy tuple)."""
    if value is None or isinstance(value, (str, int, float)):
        return True
    return isinstance(value, (tuple, frozenset)) and len(value) <= 8 and all(isinstance(x, str) for x in value)


@lru_cache(maxsize=256)
def _merged_cached(base: Any, items: tuple[tuple[str, Any], ...]) -> Any:
    return _merged(base, items)


def _merged(base: Any, items: tuple[tuple[str, Any], ...]) -> Any:
    names = {f.name for f in dataclasses.fields(base)}
    unknown = [k for k, _ in items if k not in names]
    if unknown:
        raise TypeError(f"unexpected option {unknown[0]!r} for {type(base).__name__}; "
                        f"options are {', '.join(sorted(names))}")
    return dataclasses.replace(base, **dict(items))


def split(changes: Mapping[str, Any], *classes: type, where: str = "") -> list[dict[str, Any]]:
    """Sort keyword options by the options class that declares them (the first that has the name).

    >>> from pinzhu.config import Config, StripOptions
    >>> split({"tone": "numbers", "names": True}, Config, StripOptions)
    [{'tone': 'numbers'}, {'names': True}]
    """
    out: list[dict[str, Any]] = [{} for _ in classes]
    for k, v in changes.items():
        for i, cls in enumerate(classes):
            if k in _field_names(cls):
                out[i][k] = v
                break
        else:
            known = sorted(n for cls in classes for n in _field_names(cls))
            raise TypeError(f"{where or 'pinzhu'}() got an unexpected keyword argument {k!r}; "
                            f"options are {', '.join(known)}")
    return out


def resolve(changes: Mapping[str, Any], *values: tuple[Any, type], where: str = "") -> tuple[Any, ...]:
    """The option values a call runs under: each ``(value, its class)`` with the keyword
    ``changes`` that its class declares merged in (one route in for every public function).

    >>> from pinzhu.config import DEFAULT, STRIP, Config, StripOptions
    >>> cfg, opts = resolve({"tone": "numbers", "names": True}, (DEFAULT, Config), (STRIP, StripOptions))
    >>> cfg.tone, opts.names
    ('numbers', True)
    """
    if not changes:
        return tuple(v for v, _ in values)
    parts = split(changes, *(cls for _, cls in values), where=where)
    return tuple(merged(v, part) for (v, _), part in zip(values, parts))


@lru_cache(maxsize=None)
def _field_names(cls: type) -> frozenset[str]:
    return frozenset(f.name for f in dataclasses.fields(cls))


__all__ = ["Option", "OptionError", "Options", "declared", "merged", "option", "resolve", "split"]
