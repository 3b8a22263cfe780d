"""The HTTP API: pinzhu's jobs as JSON endpoints (``pip install 'pinzhu[server]'``).

FastAPI validates every request against a schema (a wrong field is a 422 that names it, bad
JSON a 422 with its position), documents itself at ``/docs`` and ``/openapi.json``, and runs
under uvicorn. Run it with ``pinzhu serve --port 8000``.

>>> from fastapi.testclient import TestClient  # doctest: +SKIP
>>> TestClient(create_app()).post("/v1/pinyin", json={"text": "银行"}).json()["pinyin"]  # doctest: +SKIP
['yín', 'háng']
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any, Literal

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, create_model, field_validator

from ._version import __version__
from .config import AuditOptions, Config, StripOptions
from .options import OptionError, declared
from .render import AnnotateOptions

MAX_TEXT = 1_000_000       # characters in one request's text (all texts of a batch together)
MAX_TEXTS = 10_000         # texts in one batch request
MAX_BODY = 8 * MAX_TEXT    # bytes: UTF-8 is at most 4 per character, JSON escapes double it
MAX_ECHO = 200             # a 422 shows the offending input only up to this size (never a big text)


class _Strict(BaseModel):
    # An unknown field is a 422 naming it, not silently ignored (a misspelt option would be).
    model_config = ConfigDict(extra="forbid")


class _Text(_Strict):
    text: str = Field(max_length=MAX_TEXT, description="the text")


class _Texts(_Strict):
    texts: list[str] = Field(max_length=MAX_TEXTS, description="texts read in one engine pass, each as if alone")

    @field_validator("texts")
    @classmethod
    def _total_size(cls, texts: list[str]) -> list[str]:
        total = sum(map(len, texts))
        if total > MAX_TEXT:
            raise ValueError(f"{total} characters in all; at most {MAX_TEXT} per request")
        return texts


def _field(o: Any) -> tuple[Any, Any]:
    """The pydantic field of a declared option: its JSON type, default, bounds and help."""
    allowed = o.allowed
    if allowed is not None:
        kind: Any = Literal[allowed]  # type: ignore[valid-type]
    else:
        kind = o.wire if o.wire is not None else o.type
    default: dict[str, Any] = ({"default_factory": list} if o.multiple else {"default": o.default})
    return kind, Field(**default, ge=o.low, le=o.high, description=o.help)


def request_model(name: str, base: type[BaseModel], *classes: type, doc: str = "") -> type[BaseModel]:
    """A request model: ``base``'s fields and one field per declared option of ``classes``,
    generated from the declarations (so every option reaches HTTP, with the same default)."""
    fields = {o.name: _field(o) for cls in classes for o in declared(cls) if "http" in o.surfaces}
    return create_model(name, __base__=base, __doc__=doc or None, **fields)


def value_of(req: BaseModel, cls: type) -> Any:
    """The ``cls`` options value a request gives (an OptionError, a 422 naming the field, if bad)."""
    return cls(**{o.name: getattr(req, o.name) for o in declared(cls) if "http" in o.surfaces})


ReadOptions = request_model("ReadOptions", _Text, Config, doc="A text and how to read it.")
BatchRequest = request_model("BatchRequest", _Texts, Config, doc="Many texts, each read as if alone.")
AnnotateRequest = request_model("AnnotateRequest", _Text, Config, AnnotateOptions,
                                doc="A text, how to read it, and what to annotate and how.")
StripRequest = request_model("StripRequest", _Text, Config, StripOptions, doc="A text and what to strip from it.")
AuditRequest = request_model("AuditRequest", _Text, Config, AuditOptions, doc="A text and how to audit it.")
ScanRequest = request_model("ScanRequest", _Text, Config, doc="A text to score for machine-inserted pinyin.")


def _short(err: dict[str, Any]) -> dict[str, Any]:
    """A validation error without a large input echoed back (a megabyte text stays with its sender)."""
    out = {k: v for k, v in err.items() if k != "input"}
    if "input" in err and len(repr(err["input"])) <= MAX_ECHO:
        out["input"] = err["input"]
    return out


def create_app(max_body: int = MAX_BODY) -> FastAPI:
    """The application; each endpoint is a thin shim over the library's pure functions."""
    app = FastAPI(title="pinzhu", version=__version__,
                  description="Chinese text to pinyin in context: read, annotate, strip and audit.")

    @app.middleware("http")
    async def limit_body(request: Request, call_next):
        size = request.headers.get("content-length")
        if size is not None and (not size.isdigit() or int(size) > max_body):
            return JSONResponse({"detail": f"request body over {max_body} bytes"}, status_code=413)
        return await call_next(request)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError):
        return JSONResponse({"detail": jsonable_encoder([_short(e) for e in exc.errors()])}, status_code=422)

    @app.exception_handler(OptionError)
    async def bad_option(request: Request, exc: OptionError):
        return JSONResponse({"detail": [{"loc": ["body", exc.field], "msg": str(exc), "type": "value_error"}]},
                            status_code=422)

    @app.get("/health")
    def health() -> dict:
        return {"status": "ok", "version": __version__}

    @app.post("/v1/pinyin")
    def pinyin(req: ReadOptions) -> dict:
        """One entry per character (null for non-Han), with the probability of each reading."""
        from .pipeline import pinyin_with_confidence

        return _pinyin_json(pinyin_with_confidence(req.text, config=value_of(req, Config)))

    @app.post("/v1/batch/pinyin")
    def pinyin_batch(req: BatchRequest) -> dict:
        """``/v1/pinyin`` for many texts in one request and one engine pass (short sentences:
        the per-request and per-call costs are paid once)."""
        from .pipeline import reading_many, with_confidence

        cfg = value_of(req, Config)
        return {"results": [_pinyin_json(with_confidence(r, cfg.tone)) for r in reading_many(req.texts, config=cfg)]}

    @app.post("/v1/batch/words")
    def words_batch(req: BatchRequest) -> dict:
        from .pipeline import words_many

        return {"results": [{"words": [{"word": w, "pinyin": p} for w, p in ws]}
                            for ws in words_many(req.texts, config=value_of(req, Config))]}

    @app.post("/v1/words")
    def words(req: ReadOptions) -> dict:
        from .pipeline import words as words_

        return {"words": [{"word": w, "pinyin": p} for w, p in words_(req.text, config=value_of(req, Config))]}

    @app.post("/v1/annotate")
    def annotate(req: AnnotateRequest) -> dict:
        from .render import annotate as annotate_, check_options

        opts, cfg = value_of(req, AnnotateOptions), value_of(req, Config)
        check_options(opts, cfg)  # an option combination annotate refuses (zhuyin inline): 422 naming tone
        return {"text": annotate_(req.text, config=cfg, options=opts)}

    @app.post("/v1/strip")
    def strip(req: StripRequest) -> dict:
        from .strip import explain, strip as strip_

        cfg, opts = value_of(req, Config), value_of(req, StripOptions)
        return {"text": strip_(req.text, config=cfg, options=opts),
                "changes": [_jsonable(c) for c in explain(req.text, config=cfg, options=opts)]}

    @app.post("/v1/audit")
    def audit(req: AuditRequest) -> dict:
        from .audit import audit as audit_

        findings = audit_(req.text, config=value_of(req, Config), options=value_of(req, AuditOptions))
        return {"ok": all(f.ok for f in findings), "findings": [_jsonable(f) for f in findings]}

    @app.post("/v1/scan")
    def scan(req: ScanRequest) -> dict:
        from .audit import scan as scan_

        return _jsonable(scan_(req.text, config=value_of(req, Config)))

    return app


def _pinyin_json(out: list[tuple[str, float] | None]) -> dict:
    """``pinyin_with_confidence`` output as the API returns it: two parallel lists."""
    return {"pinyin": [o[0] if o else None for o in out],
            "confidence": [round(o[1], 4) if o else None for o in out]}


def _jsonable(obj: object) -> dict:
    d = obj.as_dict() if hasattr(obj, "as_dict") else asdict(obj)  # records that compose flatten themselves
    return {k: (list(v) if isinstance(v, tuple) else v) for k, v in d.items()}
