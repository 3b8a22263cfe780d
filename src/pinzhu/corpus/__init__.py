"""Corpus mode: strip, scan, audit, annotate or read every record of JSONL/Parquet corpora.

The core (:mod:`.transforms`) is engine-free: a pure batch transform ``dict[str, list] ->
dict[str, list]`` per job, with per-record error isolation. Around it: :mod:`.sources` (files to
deterministic shards, streamed), :mod:`.runner` (resumable sharded output on local processes),
:mod:`.ray_engine` (the same shards on Ray actors), and :mod:`.adapters` (data-juicer, datatrove,
NeMo Curator). docs/corpus.md has recipes.

>>> from pinzhu.corpus import CorpusOptions, batch_transform
>>> batch_transform({"text": ["炎帝神農(nóng)氏"]}, CorpusOptions(job="strip"))["text"]
['炎帝神農氏']
"""

from __future__ import annotations

from .runner import RunOptions, ShardStats, Summary, run_corpus
from .sources import Shard, plan, resolve_inputs
from .transforms import (JOBS, CorpusOptions, RecordError, batch_transform, make_transform, output_fields,
                         process_text, transform_record)

__all__ = ["JOBS", "CorpusOptions", "RecordError", "RunOptions", "Shard", "ShardStats", "Summary",
           "batch_transform", "make_transform", "output_fields", "plan", "process_text", "resolve_inputs",
           "run_corpus", "transform_record"]
