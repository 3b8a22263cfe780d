"""NeMo Curator: :class:`PinzhuStage`, a stage over whole ``DocumentBatch``es (1.x), and
:class:`PinzhuModifier`, a ``DocumentModifier`` for a ``Modify`` stage (1.x and 0.x).

    pipeline.add_stage(PinzhuStage())                     # strip; PinzhuStage("annotate", select=...)
    pipeline.add_stage(Modify(PinzhuModifier(), input_fields="text"))   # the same, document by document

The stage hands each batch's text column to :func:`pinzhu.corpus.transforms.batch_transform` in
one call (annotate and read then read the batch in one engine pass); ``Modify`` calls the
modifier once per document.

>>> PinzhuModifier().modify_document("炎帝神農(nóng)氏")
'炎帝神農氏'
"""

from __future__ import annotations

from typing import Any

try:  # NeMo Curator 1.x (Ray stages)
    from nemo_curator.stages.text.modifiers.doc_modifier import DocumentModifier
except ImportError:  # 0.x (Dask)
    from nemo_curator.modifiers import DocumentModifier  # type: ignore[no-redef]

try:  # NeMo Curator 1.x: stages over DocumentBatch (0.x has no such stages)
    from nemo_curator.stages.base import ProcessingStage
    from nemo_curator.tasks import DocumentBatch
except ImportError:  # pragma: no cover - 0.x
    ProcessingStage = DocumentBatch = None  # type: ignore[assignment,misc]

from pinzhu.corpus.adapters import options_for
from pinzhu.corpus.transforms import batch_transform, output_fields, process_text, warm_up


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


if ProcessingStage is not None:
    class PinzhuStage(ProcessingStage[DocumentBatch, DocumentBatch]):  # type: ignore[misc,valid-type]
        """A pinzhu corpus job (``strip`` by default; ``annotate``, ``scan``, ``audit``, ``read``,
        ``fix``) over each whole ``DocumentBatch``: the text column through
        :func:`~pinzhu.corpus.transforms.batch_transform`, the job's columns set, every other
        column kept. A bad value (None, NaN, lone surrogates) keeps its text; the reason is in
        ``pinzhu_error`` (None on good records). Other keywords as :func:`options_for`."""

        name = "pinzhu"

        def __init__(self, job: str = "strip", text_field: str = "text", **options: Any) -> None:
            self.options = options_for(job, text_field, **options)
            self.name = f"pinzhu_{job}"

        def inputs(self) -> tuple[list[str], list[str]]:
            return ["data"], [self.options.text_field]

        def outputs(self) -> tuple[list[str], list[str]]:
            return ["data"], sorted({*output_fields(self.options), self.options.error_field})

        def setup(self, worker_metadata: Any = None) -> None:
            warm_up()  # the lexicon and model, once per worker

        def process(self, batch: Any) -> Any:
            df = batch.to_pandas().copy()
            o = self.options
            out = batch_transform({o.text_field: df[o.text_field].tolist()}, o)
            for col in (*output_fields(o), o.error_field):
                df[col] = out[col]
            return DocumentBatch(task_id=f"{batch.task_id}_{self.name}", dataset_name=batch.dataset_name, data=df,
                                 _metadata=batch._metadata, _stage_perf=batch._stage_perf)

    __all__ = ["PinzhuModifier", "PinzhuStage"]
else:  # pragma: no cover - 0.x
    __all__ = ["PinzhuModifier"]
