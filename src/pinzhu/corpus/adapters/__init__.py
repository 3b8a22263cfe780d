"""Thin shims over :mod:`pinzhu.corpus.transforms` for the pipelines corpus builders already run.

Each module imports its framework, so import only the one you use:

- :mod:`.data_juicer_ops`: data-juicer Mappers ``pinzhu_strip_mapper`` and ``pinzhu_annotate_mapper``
  (``custom_operator_paths`` in a recipe);
- :mod:`.datatrove_steps`: a datatrove formatter, :class:`~.datatrove_steps.PinzhuFormatter`;
- :mod:`.nemo_curator_modifiers`: a NeMo Curator ``DocumentModifier``, :class:`~.nemo_curator_modifiers.PinzhuModifier`.

Bad records (not a string, lone surrogates) keep their text unchanged in every adapter: a
pipeline step must not drop or fail a document for pinzhu's sake.

>>> from pinzhu.corpus.adapters import ADAPTERS
>>> sorted(ADAPTERS)
['data_juicer', 'datatrove', 'nemo_curator']
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...config import AuditOptions, Config, StripOptions
from ...options import declared, split
from ...render import AnnotateOptions
from ..transforms import CorpusOptions

# framework -> (pip package, pinzhu module)
ADAPTERS = {
    "data_juicer": ("py-data-juicer", "pinzhu.corpus.adapters.data_juicer_ops"),
    "datatrove": ("datatrove", "pinzhu.corpus.adapters.datatrove_steps"),
    "nemo_curator": ("nemo-curator", "pinzhu.corpus.adapters.nemo_curator_modifiers"),
}
# CorpusOptions field -> the options class whose declared fields it takes, as flat keywords.
_VALUES = {"config": Config, "strip": StripOptions, "audit": AuditOptions, "annotate": AnnotateOptions}


def keywords() -> tuple[str, ...]:
    """Every option an adapter takes as a keyword: each declared option of reading, strip, audit
    and annotate (generated from the declarations, so a new option reaches recipes by itself).

    >>> {"tone", "neutral", "user_dict", "names", "select", "fraction"} <= set(keywords())
    True
    """
    return tuple(o.name for cls in _VALUES.values() for o in declared(cls) if "adapters" in o.surfaces)


def _value(cls: type, given: Mapping[str, Any]) -> Any:
    """``cls`` from recipe values: a string for an option that reads text (a user dictionary's
    path) goes through its ``from_text``."""
    opts = {o.name: o for o in declared(cls)}
    fields = {}
    for k, v in given.items():
        o = opts[k]
        if "adapters" not in o.surfaces:
            raise TypeError(f"option {k!r} is not offered to adapters")
        fields[k] = o.from_text(v) if o.from_text is not None and isinstance(v, str) else v
    return cls(**fields)


def options_for(job: str, text_field: str = "text", *, annotate: Mapping[str, Any] | None = None,
                **options: Any) -> CorpusOptions:
    """CorpusOptions from the flat keyword arguments a recipe can give (YAML has no dataclasses):
    any declared option of :class:`pinzhu.Config`, :class:`pinzhu.config.StripOptions`,
    :class:`pinzhu.config.AuditOptions` or :class:`pinzhu.AnnotateOptions` (``annotate``: annotate's
    as one mapping, as older recipes give them). An unknown keyword is a TypeError naming it.

    >>> o = options_for("annotate", select="polyphones", brackets="full", neutral="full", names=True)
    >>> o.annotate.brackets, o.config.neutral, o.strip.names
    ('full', 'full', True)
    """
    parts = split({**(annotate or {}), **options}, *_VALUES.values(), where="options_for")
    values = {name: _value(cls, part) for (name, cls), part in zip(_VALUES.items(), parts)}
    return CorpusOptions(job=job, text_field=text_field, **values)


__all__ = ["ADAPTERS", "keywords", "options_for"]
