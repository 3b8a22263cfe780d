"""The engine-free core of corpus mode: one pure batch transform per job.

A batch is the columnar shape data-juicer, HF ``datasets`` and Ray pass around,
``dict[str, list]``; a transform returns a new batch (the input is never mutated). Every record
is isolated: one that is not a string, is None, or holds lone surrogates gets an error in
``options.error_field`` and keeps its text, and the batch goes on.

Jobs (what each writes):

- ``strip``: the text without its pinyin annotations (in place, or into ``output_field``);
- ``annotate``: the text with pinyin written in (same place);
- ``scan``: ``pinzhu_annotations``, ``pinzhu_per_1000``, ``pinzhu_machine_share``, ``pinzhu_verdict``;
- ``audit``: ``pinzhu_audit`` (one dict per annotation) and ``pinzhu_wrong`` (how many are wrong);
- ``read``: ``pinzhu_pinyin``, each line's pinyin, word-joined and space-separated;
- ``fix``: the text with wrong annotations rewritten (same place as strip), ``pinzhu_fixed`` and
  ``pinzhu_left`` (how many were fixed, how many left: unsure ones, name glosses).

>>> batch_transform({"text": ["这(zhè)是", None]}, CorpusOptions(job="strip"))
{'text': ['这是', None], 'pinzhu_error': [None, 'text is NoneType, not a string']}
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from ..config import AUDIT, DEFAULT, STRIP, AuditOptions, Config, StripOptions
from ..render import AnnotateOptions

JOBS = ("strip", "scan", "audit", "annotate", "read", "fix")
# Jobs that rewrite the text; the others add fields beside it.
REWRITES = ("strip", "annotate", "fix")


@dataclass(frozen=True)
class CorpusOptions:
    """What a corpus job does to each record.

    job: one of :data:`JOBS`; text_field: where the text is; output_field: where strip/annotate
    write (default: over ``text_field``); error_field: set on a record that could not be processed;
    prefix: of the fields scan/audit/read add; strip: what strip removes (and, its ``toneless``,
    what audit checks) (:class:`pinzhu.config.StripOptions`); audit: how audit judges
    (:class:`pinzhu.config.AuditOptions`); config: how to read (:class:`pinzhu.Config`); annotate:
    annotate's options (:class:`pinzhu.AnnotateOptions`); keep: read keeps non-Han words.

    >>> CorpusOptions(job="annotate", annotate=AnnotateOptions(select="polyphones")).target
    'text'
    """

    job: str = "strip"
    text_field: str = "text"
    output_field: str | None = None
    error_field: str = "pinzhu_error"
    prefix: str = "pinzhu_"
    strip: StripOptions = STRIP
    audit: AuditOptions = AUDIT
    config: Config = DEFAULT
    annotate: AnnotateOptions = field(default_factory=AnnotateOptions)
    keep: bool = False

    def __post_init__(self) -> None:
        if self.job not in JOBS:
            raise ValueError(f"unknown job {self.job!r}; choose one of {', '.join(JOBS)}")

    @property
    def target(self) -> str:
        """The field strip/annotate write to."""
        return self.output_field or self.text_field


class RecordError(ValueError):
    """A record that cannot be processed; the message says why (it becomes the error field)."""


def checked_text(value: object) -> str:
    """``value`` if it is a processable string, else RecordError saying what is wrong.

    >>> checked_text("\\ud800x")
    Traceback (most recent call last):
    ...
    pinzhu.corpus.transforms.RecordError: lone surrogate U+D800 at index 0
    """
    if not isinstance(value, str):
        raise RecordError(f"text is {type(value).__name__}, not a string")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as e:  # from JSON "\ud800" escapes: not text, can't be written as UTF-8
        raise RecordError(f"lone surrogate U+{ord(value[e.start]):04X} at index {e.start}") from None
    return value


# --- one record ----------------------------------------------------------------------------------
# Each job: text -> the fields it sets. Pure; pinzhu's loaded data is cached per process.

def _strip(text: str, o: CorpusOptions) -> dict[str, Any]:
    from ..strip import strip

    return {o.target: strip(text, config=o.config, options=o.strip)}


def _annotate_many(texts: Sequence[str], o: CorpusOptions) -> list[dict[str, Any]]:
    from ..render import annotate_many

    return [{o.target: t} for t in annotate_many(texts, options=o.annotate, config=o.config)]


def _annotate(text: str, o: CorpusOptions) -> dict[str, Any]:
    return _annotate_many([text], o)[0]


def _scan(text: str, o: CorpusOptions) -> dict[str, Any]:
    from ..audit import scan

    r = scan(text, config=o.config)
    p = o.prefix
    return {p + "annotations": r.annotations, p + "per_1000": round(r.per_1000, 3),
            p + "machine_share": round(r.machine_share, 3), p + "verdict": r.verdict}


def _audit(text: str, o: CorpusOptions) -> dict[str, Any]:
    from ..audit import audit

    found = audit(text, toneless=o.strip.toneless, config=o.config, options=o.audit)  # names: checked too
    rows = [{"start": f.start, "end": f.end, "chars": f.chars, "written": f.written,
             "expected": f.expected, "ok": f.ok, "reason": f.reason} for f in found]
    return {o.prefix + "audit": rows, o.prefix + "wrong": sum(not f.ok for f in found)}


def _fix(text: str, o: CorpusOptions) -> dict[str, Any]:
    from ..fix import apply, explain

    changes = explain(text, config=o.config, options=o.audit)
    p = o.prefix
    return {o.target: apply(text, changes), p + "fixed": sum(c.action == "fixed" for c in changes),
            p + "left": sum(c.action == "left" for c in changes)}


def _read_many(texts: Sequence[str], o: CorpusOptions) -> list[dict[str, Any]]:
    """The read job for many texts: every line of every text in one engine pass
    (:func:`pinzhu.words_many`; each line reads as it does alone, as in ``pinzhu pinyin``)."""
    from ..pipeline import words_many
    from ..render import pinyin_line

    lines = [text.split("\n") for text in texts]
    found = iter(words_many([line for ls in lines for line in ls], config=o.config))
    return [{o.prefix + "pinyin": "\n".join(pinyin_line(next(found), o.keep) for _ in ls)} for ls in lines]


def _read(text: str, o: CorpusOptions) -> dict[str, Any]:
    return _read_many([text], o)[0]


_JOB_FNS: dict[str, Callable[[str, CorpusOptions], dict[str, Any]]] = {
    "strip": _strip, "annotate": _annotate, "scan": _scan, "audit": _audit, "read": _read, "fix": _fix}
# Jobs with a form for many texts at once: short records (one sentence each) would otherwise pay
# the engine's per-call cost once per record.
_BATCH_FNS: dict[str, Callable[[Sequence[str], CorpusOptions], list[dict[str, Any]]]] = {
    "read": _read_many, "annotate": _annotate_many}


def output_fields(o: CorpusOptions) -> tuple[str, ...]:
    """The fields ``o.job`` sets on a good record (besides ``o.error_field`` on a bad one).

    >>> output_fields(CorpusOptions(job="audit"))
    ('pinzhu_audit', 'pinzhu_wrong')
    """
    p = o.prefix
    return {"strip": (o.target,), "annotate": (o.target,),
            "scan": (p + "annotations", p + "per_1000", p + "machine_share", p + "verdict"),
            "audit": (p + "audit", p + "wrong"), "read": (p + "pinyin",),
            "fix": (o.target, p + "fixed", p + "left")}[o.job]


def process_text(value: object, o: CorpusOptions) -> tuple[dict[str, Any], str | None]:
    """The fields to set for one text value, and the error (None when it went well).

    A bad record sets nothing: it keeps its text, and the error says why.

    >>> process_text("行(xíng)", CorpusOptions())
    ({'text': '行'}, None)
    """
    try:
        return _JOB_FNS[o.job](checked_text(value), o), None
    except RecordError as e:
        return {}, str(e)
    except Exception as e:  # a bug or an edge case in pinzhu must cost one record, not the job
        return {}, f"{type(e).__name__}: {e}"


def process_texts(values: Sequence[object], o: CorpusOptions) -> list[tuple[dict[str, Any], str | None]]:
    """:func:`process_text` for many values, the same results; a job with a batch form runs it
    once over the good ones. If that fails, they are redone one by one, so a record that breaks
    pinzhu still costs only itself.

    >>> process_texts(["银行", 5], CorpusOptions(job="read", config=Config(tone="numbers")))
    [({'pinzhu_pinyin': 'yin2hang2'}, None), ({}, 'text is int, not a string')]
    """
    many = _BATCH_FNS.get(o.job)
    if many is None or len(values) < 2:
        return [process_text(v, o) for v in values]
    out: list[tuple[dict[str, Any], str | None]] = [({}, None)] * len(values)
    good: list[tuple[int, str]] = []
    for i, v in enumerate(values):
        try:
            good.append((i, checked_text(v)))
        except RecordError as e:
            out[i] = ({}, str(e))
    try:
        results = many([t for _, t in good], o)
    except Exception:  # find the record that breaks it: one by one
        results = None
    for k, (i, _) in enumerate(good):
        out[i] = (results[k], None) if results is not None else process_text(values[i], o)
    return out


# --- batches -------------------------------------------------------------------------------------

def batch_transform(batch: Mapping[str, Sequence[Any]], options: CorpusOptions) -> dict[str, list]:
    """Apply ``options.job`` to every record of a columnar batch; a new batch comes back.

    Columns it does not set are passed through (as lists). ``error_field`` is always a column:
    None for records that went well; an error a record already carries (from an earlier job) is
    kept. A batch without ``text_field`` is an error for every record.

    >>> batch_transform({"text": ["行(xíng)"], "id": [7]}, CorpusOptions())
    {'text': ['行'], 'id': [7], 'pinzhu_error': [None]}
    """
    n = len(next(iter(batch.values()))) if batch else 0
    out: dict[str, list] = {k: list(v) for k, v in batch.items()}
    texts = out.get(options.text_field)
    new_cols = [c for c in output_fields(options) if c not in out]
    for c in new_cols:
        out[c] = [None] * n
    # An error from an earlier step stays: the first error is the one that says what went wrong.
    earlier = out.get(options.error_field) or [None] * n
    if texts is None:
        out[options.error_field] = [e if e is not None else f"no field {options.text_field!r}" for e in earlier]
        return out
    errors: list[str | None] = [None] * n
    for i, (fields, errors[i]) in enumerate(process_texts(texts, options)):
        for k, v in fields.items():
            out[k][i] = v
    out[options.error_field] = [e if e is not None else mine for e, mine in zip(earlier, errors)]
    return out


def transform_record(record: dict[str, Any], options: CorpusOptions) -> tuple[dict[str, Any], bool]:
    """Row-wise twin of :func:`batch_transform` for the JSONL runner: a new record, and whether
    strip/annotate changed its text. Keys are only added where they have a value, so a record's
    shape survives (``error_field`` appears on bad records only, and an error it already carries
    from an earlier job is kept, not overwritten).

    >>> transform_record({"id": 1, "text": "行(xíng)"}, CorpusOptions())
    ({'id': 1, 'text': '行'}, True)
    """
    return transform_records([record], options)[0]


def transform_records(records: Sequence[dict[str, Any]], options: CorpusOptions) -> list[tuple[dict[str, Any], bool]]:
    """:func:`transform_record` for many records, in one batch where the job has a batch form.

    >>> transform_records([{"text": "行(xíng)"}, {"id": 2}], CorpusOptions())
    [({'text': '行'}, True), ({'id': 2, 'pinzhu_error': "no field 'text'"}, False)]
    """
    has = [options.text_field in rec for rec in records]
    done = iter(process_texts([rec[options.text_field] for rec, h in zip(records, has) if h], options))
    out = []
    err = options.error_field
    for rec, h in zip(records, has):
        if not h:
            out.append(({**rec, err: rec[err] if rec.get(err) is not None else f"no field {options.text_field!r}"},
                        False))
            continue
        value = rec[options.text_field]
        fields, error = next(done)
        new = {**rec, **fields}
        if error is not None and rec.get(err) is None:
            new[err] = error
        out.append((new, options.job in REWRITES and error is None and fields[options.target] != value))
    return out


@lru_cache(maxsize=1)
def warm_up() -> None:
    """Load the lexicon and model now (once per process), so the first record doesn't pay for it."""
    from ..pipeline import pinyin
    from ..strip import strip

    pinyin("中文")
    strip("中(zhōng)")


def make_transform(options: CorpusOptions) -> Callable[[Mapping[str, Sequence[Any]]], dict[str, list]]:
    """``batch_transform`` bound to ``options``: the one-argument function engines want.

    >>> make_transform(CorpusOptions(job="scan"))({"text": ["中文"]})["pinzhu_verdict"]
    ['clean']
    """
    def fn(batch: Mapping[str, Sequence[Any]]) -> dict[str, list]:
        return batch_transform(batch, options)

    return fn


__all__ = ["JOBS", "CorpusOptions", "RecordError", "batch_transform", "checked_text", "make_transform",
           "output_fields", "process_text", "process_texts", "transform_record", "transform_records", "warm_up"]
