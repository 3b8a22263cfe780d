"""What each HTTP endpoint does, without HTTP: a *job* takes a request's fields (a dict, already
checked against its schema) and gives the response's status and JSON bytes.

:mod:`pinzhu.server` runs jobs in worker processes, each with a time limit, so the event loop
stays free to answer (``/health`` while a megabyte reads) and a runaway request can be stopped;
nothing here knows about HTTP, processes or time. Every error becomes one shape,
``{"error": {"code", "message", "field"}}``, and no message carries the request's text.

>>> status, body = run("pinyin", {"text": "银行", "tone": "numbers"})
>>> status, json.loads(body)["pinyin"]
(200, ['yin2', 'hang2'])
>>> status, body = run("pinyin", {"text": "银行", "tone": "bogus"})
>>> status, json.loads(body)["error"]["field"]
(422, 'tone')
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import asdict
from typing import Any

from .config import AuditOptions, Config, StripOptions
from .options import OptionError, declared
from .overrides import OverrideError
from .render import AnnotateOptions

MAX_MESSAGE = 300  # characters of an error message (a message may quote a word; never a whole text)
_QUOTED = re.compile(r"(['\"])([^'\"]{24,})\1")

Job = Callable[[Mapping[str, Any]], Any]
JOBS: dict[str, Job] = {}


class Raw(bytes):
    """A job's answer that is JSON already (annotate's JSON format): sent as it is."""


def job(name: str) -> Callable[[Job], Job]:
    def deco(fn: Job) -> Job:
        JOBS[name] = fn
        return fn

    return deco


def error(code: str, message: str, field: str | None = None) -> dict[str, Any]:
    """The one error shape of the API (every 4xx and 5xx)."""
    # A message may quote what it refuses ('行行' has 2 characters…): a long quote is cut short.
    message = _QUOTED.sub(lambda m: f"{m.group(1)}{m.group(2)[:12]}…{m.group(1)}", message)
    if len(message) > MAX_MESSAGE:
        message = message[:MAX_MESSAGE - 1] + "…"
    return {"error": {"code": code, "message": message, "field": field}}


def dumps(obj: Any) -> bytes:
    """JSON as UTF-8. A lone surrogate (``"\\ud800"`` is valid JSON, and text passes through
    exactly) cannot be UTF-8: then the whole answer is written with ASCII escapes instead."""
    if isinstance(obj, Raw):
        return bytes(obj)
    try:
        return json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(obj, ensure_ascii=True, separators=(",", ":"), allow_nan=False).encode("ascii")


def run(name: str, fields: Mapping[str, Any]) -> tuple[int, bytes]:
    """Run job ``name`` on a request's fields: ``(status, JSON bytes)``. A value the options
    refuse is a 422 naming the field; anything else that goes wrong is a 500 (a bug: the
    schema and the options check every input before the work starts)."""
    try:
        return 200, dumps(JOBS[name](fields))
    except OptionError as e:
        return 422, dumps(error("invalid_value", str(e), e.field))
    except IndexError as e:  # a position outside the text
        return 422, dumps(error("invalid_value", str(e), "at"))
    except OverrideError as e:  # a reading override (overrides=true) that cannot apply; says where
        return 422, dumps(error("invalid_value", str(e), "text"))


def warm() -> None:
    """Load the lexicon and the model before the first request needs them (a worker's start)."""
    from .pipeline import pinyin

    pinyin("预热")


def values(fields: Mapping[str, Any], cls: type) -> Any:
    """The ``cls`` options value a request's fields give (OptionError naming a bad field)."""
    return cls(**{o.name: fields[o.name] for o in declared(cls) if "http" in o.surfaces and o.name in fields})


# --- the jobs -----------------------------------------------------------------------------------

def _pinyin_json(out: list[tuple[str, float] | None]) -> dict:
    """``pinyin_with_confidence`` output as the API returns it: two parallel lists."""
    return {"pinyin": [o[0] if o else None for o in out],
            "confidence": [round(o[1], 4) if o else None for o in out]}


def flat(obj: object) -> dict:
    """A record as the API prints it: flat, tuples as lists."""
    d = obj.as_dict() if hasattr(obj, "as_dict") else asdict(obj)  # records that compose flatten themselves
    return {k: (list(v) if isinstance(v, tuple) else v) for k, v in d.items()}


@job("pinyin")
def pinyin(f: Mapping[str, Any]) -> dict:
    from .pipeline import pinyin_with_confidence

    return _pinyin_json(pinyin_with_confidence(f["text"], config=values(f, Config)))


@job("batch/pinyin")
def batch_pinyin(f: Mapping[str, Any]) -> dict:
    from .pipeline import reading_many, with_confidence

    cfg = values(f, Config)
    return {"results": [_pinyin_json(with_confidence(r, cfg.tone)) for r in reading_many(f["texts"], config=cfg)]}


@job("words")
def words(f: Mapping[str, Any]) -> dict:
    from .pipeline import words as words_

    return {"words": [{"word": w, "pinyin": p} for w, p in words_(f["text"], config=values(f, Config))]}


@job("batch/words")
def batch_words(f: Mapping[str, Any]) -> dict:
    from .pipeline import words_many

    return {"results": [{"words": [{"word": w, "pinyin": p} for w, p in ws]}
                        for ws in words_many(f["texts"], config=values(f, Config))]}


def _annotated(out: str, fmt: str) -> Any:
    """annotate's answer: ``{"text": …}``, or for format json the JSON object itself."""
    if fmt != "json":
        return {"text": out}
    try:
        return Raw(out.encode("utf-8"))
    except UnicodeEncodeError:  # a lone surrogate in a word: re-written with escapes
        return json.loads(out)


@job("annotate")
def annotate(f: Mapping[str, Any]) -> Any:
    from .render import annotate as annotate_, check_options

    opts, cfg = values(f, AnnotateOptions), values(f, Config)
    check_options(opts, cfg)  # a combination annotate refuses (zhuyin inline): 422 naming tone
    return _annotated(annotate_(f["text"], spans=f.get("spans"), config=cfg, options=opts), opts.format)


@job("batch/annotate")
def batch_annotate(f: Mapping[str, Any]) -> dict:
    from .render import annotate_many, check_options

    opts, cfg = values(f, AnnotateOptions), values(f, Config)
    check_options(opts, cfg)
    outs = annotate_many(f["texts"], config=cfg, options=opts)
    if opts.format == "json":
        return {"results": [json.loads(o) for o in outs]}
    return {"results": [{"text": o} for o in outs]}


@job("strip")
def strip(f: Mapping[str, Any]) -> dict:
    from .strip import explain, strip as strip_

    cfg, opts = values(f, Config), values(f, StripOptions)
    return {"text": strip_(f["text"], config=cfg, options=opts),
            "changes": [flat(c) for c in explain(f["text"], config=cfg, options=opts)]}


@job("audit")
def audit(f: Mapping[str, Any]) -> dict:
    from .audit import audit as audit_

    findings = audit_(f["text"], config=values(f, Config), options=values(f, AuditOptions))
    return {"ok": all(x.ok for x in findings), "findings": [flat(x) for x in findings]}


@job("fix")
def fix(f: Mapping[str, Any]) -> dict:
    from .fix import apply, explain

    changes = explain(f["text"], config=values(f, Config), options=values(f, AuditOptions))
    return {"text": apply(f["text"], changes), "fixed": sum(c.action == "fixed" for c in changes),
            "left": sum(c.action == "left" for c in changes), "changes": [flat(c) for c in changes]}


@job("scan")
def scan(f: Mapping[str, Any]) -> dict:
    from .audit import scan as scan_

    return flat(scan_(f["text"], config=values(f, Config)))


@job("readings")
def readings(f: Mapping[str, Any]) -> dict:
    from .pipeline import readings_at

    return asdict(readings_at(f["text"], f["at"], config=values(f, Config)))


@job("alternatives")
def alternatives(f: Mapping[str, Any]) -> dict:
    from .ranking import alternatives as alternatives_, heteronyms

    cfg = values(f, Config)
    alts = alternatives_(f["text"], config=cfg)
    return {"alternatives": [None if a is None else [{"syllable": x.syllable, "prob": x.prob, "rare": x.rare} for x in a]
                             for a in alts],
            "heteronyms": heteronyms(f["text"], config=cfg)}


@job("match")
def match(f: Mapping[str, Any]) -> dict:
    from .search import Matcher

    hits = Matcher(f["texts"]).search(f["query"], fuzzy=f["fuzzy"])
    return {"matches": [{"index": i, "start": a, "end": b} for i, (a, b) in hits]}


@job("sort")
def sort(f: Mapping[str, Any]) -> dict:
    from .search import sort_keys

    keys = sort_keys(f["texts"], config=values(f, Config))
    order = sorted(range(len(keys)), key=keys.__getitem__)
    return {"order": order, "texts": [f["texts"][i] for i in order]}


__all__ = ["JOBS", "Raw", "dumps", "error", "flat", "job", "run", "values", "warm"]
