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

from typing import Any

from ...config import DEFAULT
from ...render import AnnotateOptions
from ..transforms import CorpusOptions

# framework -> (pip package, pinzhu module)
ADAPTERS = {
    "data_juicer": ("py-data-juicer", "pinzhu.corpus.adapters.data_juicer_ops"),
    "datatrove": ("datatrove", "pinzhu.corpus.adapters.datatrove_steps"),
    "nemo_curator": ("nemo-curator", "pinzhu.corpus.adapters.nemo_curator_modifiers"),
}


def options_for(job: str, text_field: str = "text", *, tone: str | None = None, names: bool = False,
                toneless: bool = True, **annotate: Any) -> CorpusOptions:
    """CorpusOptions from the flat keyword arguments a recipe can give (YAML has no dataclasses).

    >>> options_for("annotate", select="polyphones", brackets="full").annotate.brackets
    'full'
    """
    return CorpusOptions(job=job, text_field=text_field, names=names, toneless=toneless,
                         config=DEFAULT.but(tone=tone), annotate=AnnotateOptions(**annotate))


__all__ = ["ADAPTERS", "options_for"]
