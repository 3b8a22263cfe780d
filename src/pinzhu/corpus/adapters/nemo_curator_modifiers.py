"""A NeMo Curator ``DocumentModifier``: use it in a ``Modify`` stage.

    from nemo_curator.stages.text.modifiers import Modify
    pipeline.add_stage(Modify(PinzhuModifier(), input_fields="text"))

>>> PinzhuModifier().modify_document("炎帝神農(nóng)氏")
'炎帝神農氏'
"""

from __future__ import annotations

from typing import Any

try:  # NeMo Curator 1.x (Ray stages)
    from nemo_curator.stages.text.modifiers.doc_modifier import DocumentModifier
except ImportError:  # 0.x (Dask)
    from nemo_curator.modifiers import DocumentModifier  # type: ignore[no-redef]

from pinzhu.corpus.adapters import options_for
from pinzhu.corpus.transforms import process_text, warm_up


class PinzhuModifier(DocumentModifier):
    """``job``: ``strip`` (default) or ``annotate``; other keywords as :func:`options_for`.
    A value that is not text (None, NaN, lone surrogates) comes back unchanged."""

    def __init__(self, job: str = "strip", **options: Any) -> None:
        super().__init__()
        if job not in ("strip", "annotate"):
            raise ValueError(f"PinzhuModifier rewrites text: job must be strip or annotate, got {job!r}")
        self.options = options_for(job, **options)
        self._warm = False

    def modify_document(self, text: Any) -> Any:
        if not self._warm:  # once per worker process, after unpickling
            warm_up()
            self._warm = True
        fields, _ = process_text(text, self.options)
        return fields.get(self.options.target, text)


__all__ = ["PinzhuModifier"]
