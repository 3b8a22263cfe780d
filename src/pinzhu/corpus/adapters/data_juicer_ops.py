"""data-juicer operators: ``pinzhu_strip_mapper`` (remove pinyin annotations before dedup) and
``pinzhu_annotate_mapper``. Registered on import; in a recipe::

    custom_operator_paths: ['<site-packages>/pinzhu/corpus/adapters/data_juicer_ops.py']
    process:
      - pinzhu_strip_mapper: {}

Absolute imports only: data-juicer loads this file by path, as a top-level module.

>>> PinzhuStripMapper().process_batched({"text": ["这(zhè)是"]})["text"]
['这是']
"""

from __future__ import annotations

from typing import Any

from data_juicer.ops.base_op import OPERATORS, Mapper

from pinzhu.corpus.adapters import keywords, options_for
from pinzhu.corpus.transforms import batch_transform, warm_up


class _PinzhuMapper(Mapper):
    _batched_op = True
    job = "strip"

    def __init__(self, *args: Any, annotate: dict[str, Any] | None = None, **kwargs: Any) -> None:
        # pinzhu's options (every declared one, as flat keywords) for us; the rest for data-juicer.
        ours = {k: kwargs.pop(k) for k in keywords() if k in kwargs}
        super().__init__(*args, **kwargs)
        self.options = options_for(self.job, self.text_key, annotate=annotate, **ours)
        warm_up()

    def process_batched(self, samples: dict[str, list]) -> dict[str, list]:
        out = batch_transform({self.text_key: samples[self.text_key]}, self.options)
        # A bad record keeps its text; no error column, so the dataset's schema stays the recipe's.
        samples[self.text_key] = out[self.text_key]
        return samples


# force=True: loading by path (recipe) and by import (tests, notebooks) must not clash.
@OPERATORS.register_module("pinzhu_strip_mapper", force=True)
class PinzhuStripMapper(_PinzhuMapper):
    """Remove pinyin annotations (``这(zhè)是`` -> ``这是``), traditional text too.

    names: also remove capitalised glosses (``湖北(Hubei)``); toneless: remove ``行(xing)``; any
    :class:`pinzhu.Config` field too (``user_dict``: a mapping or a file of word<TAB>syllables).
    """

    job = "strip"


@OPERATORS.register_module("pinzhu_annotate_mapper", force=True)
class PinzhuAnnotateMapper(_PinzhuMapper):
    """Write pinyin into the text; any :class:`pinzhu.AnnotateOptions` or :class:`pinzhu.Config`
    field as a keyword (``select: polyphones``, ``brackets: full``, ``tone: numbers``), or the
    annotate ones as one ``annotate`` mapping."""

    job = "annotate"


__all__ = ["PinzhuAnnotateMapper", "PinzhuStripMapper"]
