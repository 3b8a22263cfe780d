"""A datatrove formatter: strip (or annotate) pinyin in each Document's text.

>>> from datatrove.data import Document
>>> [d.text for d in PinzhuFormatter().run([Document(text="這(zhè)是", id="0")])]
['這是']
"""

from __future__ import annotations

from typing import Any

from datatrove.data import DocumentsPipeline
from datatrove.pipeline.formatters.base import BaseFormatter

from pinzhu.corpus.adapters import options_for
from pinzhu.corpus.transforms import process_text, warm_up


class PinzhuFormatter(BaseFormatter):
    """``job``: ``strip`` (default) or ``annotate``; other keywords as :func:`options_for`.

    Counts ``changed`` and ``pinzhu_errors`` in datatrove's stats; a bad document keeps its text
    and gets ``metadata["pinzhu_error"]``.
    """

    name = "🈶 pinzhu"

    def __init__(self, job: str = "strip", **options: Any) -> None:
        super().__init__()
        if job not in ("strip", "annotate"):
            raise ValueError(f"PinzhuFormatter rewrites text: job must be strip or annotate, got {job!r}")
        self.options = options_for(job, **options)

    def format(self, text: str) -> str:
        fields, _ = process_text(text, self.options)
        return fields.get(self.options.target, text)

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        warm_up()
        for doc in data:
            self.stat_update("total")
            with self.track_time():
                fields, error = process_text(doc.text, self.options)
            if error is not None:
                doc.metadata[self.options.error_field] = error
                self.stat_update("pinzhu_errors")
            else:
                new = fields[self.options.target]
                if new != doc.text:
                    self.stat_update("changed")
                doc.text = new
            yield doc


__all__ = ["PinzhuFormatter"]
