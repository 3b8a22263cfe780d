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

from fastapi import FastAPI, File, Form, Request, UploadFile
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

# POST /v1/documents/{job}: a multipart upload (field ``file``) and the job's options as one JSON
# form field (``options``), validated against models generated like the ones above.
MAX_DOCUMENT = 32 * 2**20  # bytes of one uploaded document (pinzhu.documents caps what it expands to)
DOCUMENT_MODELS: dict[str, type[BaseModel]] = {}


def _document_models() -> dict[str, type[BaseModel]]:
    if not DOCUMENT_MODELS:
        from .documents.base import DocumentOptions

        DOCUMENT_MODELS.update(
            annotate=request_model("DocumentAnnotate", _Strict, Config, AnnotateOptions, DocumentOptions),
            strip=request_model("DocumentStrip", _Strict, Config, StripOptions, DocumentOptions),
            audit=request_model("DocumentAudit", _Strict, Config, AuditOptions, DocumentOptions),
            scan=request_model("DocumentScan", _Strict, Config, DocumentOptions),
            read=request_model("DocumentRead", _Strict, Config, DocumentOptions))
    return DOCUMENT_MODELS


def _short(err: dict[str, Any]) -> dict[str, Any]:
    """A validation error without a large input echoed back (a megabyte text stays with its sender)."""
    out = {k: v for k, v in err.items() if k != "input"}
    if "input" in err and len(repr(err["input"])) <= MAX_ECHO:
        out["input"] = err["input"]
    return out


def create_app(max_body: int = MAX_BODY, max_document: int = MAX_DOCUMENT) -> FastAPI:
    """The application; each endpoint is a thin shim over the library's pure functions."""
    app = FastAPI(title="pinzhu", version=__version__,
                  description="Chinese text to pinyin in context: read, annotate, strip and audit.")

    @app.middleware("http")
    async def limit_body(request: Request, call_next):
        size = request.headers.get("content-length")
        limit = max_body
        if request.url.path.startswith("/v1/documents/"):
            limit = max_document
            if size is None and request.method == "POST":  # an upload of unknown size is refused unread
                return JSONResponse({"detail": "a document upload needs a Content-Length"}, status_code=411)
        if size is not None and (not size.isdigit() or int(size) > limit):
            return JSONResponse({"detail": f"request body over {limit} bytes"}, status_code=413)
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

    try:
        import python_multipart  # noqa: F401  (FastAPI's form parser, in the 'documents' extra)
        import defusedxml  # noqa: F401
    except ImportError:
        return app  # without pinzhu[documents] the document endpoint is not offered


    @app.post("/v1/documents/{job}")
    async def document(job: Literal["annotate", "strip", "audit", "scan", "read"],
                       file: UploadFile = File(description="the document: .html .xhtml .epub .srt .vtt .ass .md"),
                       options: str = Form("{}", description="the job's options as a JSON object (the fields of "
                                                             "/v1/annotate, /v1/strip or /v1/audit, less text, plus "
                                                             "format_in, subtitles, encoding)")):
        """A document annotated or stripped (the document comes back, same kind) or audited,
        scanned or read (JSON); see docs/documents.md."""
        from fastapi.concurrency import run_in_threadpool

        from . import documents

        data = await file.read(max_document + 1)
        if len(data) > max_document:
            return _field_error(413, ["body", "file"], f"the document is over {max_document} bytes")
        try:
            req = _document_models()[job].model_validate_json(options or "{}")
        except ValueError as e:
            errors = getattr(e, "errors", lambda: [{"loc": [], "msg": str(e)}])()
            return JSONResponse({"detail": jsonable_encoder(
                [{**_short(x), "loc": ["body", "options", *x.get("loc", [])]} for x in errors])}, status_code=422)
        name = file.filename or "document"
        try:
            values = {cls.__name__: value_of(req, cls) for cls in _document_classes(job)}
        except OptionError as e:
            return _field_error(422, ["body", "options", e.field], str(e))
        doc = values.pop("DocumentOptions")
        kind = doc.format_in or documents.kind_of(name)
        if kind is None:
            return _field_error(422, ["body", "options", "format_in"],
                                f"{name}: the file name does not say the kind of document; give format_in")
        try:
            out = await run_in_threadpool(_document_job, job, data, kind, name, doc, values)
        except documents.DocumentError as e:
            return _field_error(422, ["body", "file"], str(e))
        except OptionError as e:
            return _field_error(422, ["body", "options", e.field], str(e))
        if job in ("annotate", "strip"):
            from fastapi.responses import Response

            safe = "".join(c if c.isalnum() or c in "._-" else "_" for c in name)[-100:]
            return Response(out, media_type=_MEDIA.get(kind, "application/octet-stream"),
                            headers={"Content-Disposition": f'attachment; filename="{safe}"'})
        return out

    return app


_MEDIA = {"html": "text/html", "xhtml": "application/xhtml+xml", "epub": "application/epub+zip",
          "srt": "application/x-subrip", "vtt": "text/vtt", "ass": "text/x-ssa", "md": "text/markdown"}


def _document_classes(job: str) -> tuple[type, ...]:
    from .documents.base import DocumentOptions

    own = {"annotate": (AnnotateOptions,), "strip": (StripOptions,), "audit": (AuditOptions,)}.get(job, ())
    return (Config, *own, DocumentOptions)


def _document_job(job: str, data: bytes, kind: str, name: str, doc: Any, values: dict[str, Any]) -> Any:
    """Run one documents job (in a worker thread): bytes back, or JSON."""
    from . import documents

    cfg = values.pop("Config")
    options = next(iter(values.values()), None)
    kw = dict(name=name, document=doc, config=cfg)
    if job == "annotate":
        from .render import check_options

        check_options(options, cfg)
        return documents.annotate(data, kind, options=options, **kw)
    if job == "strip":
        return documents.strip(data, kind, options=options, **kw)
    if job == "audit":
        findings = documents.audit(data, kind, options=options, **kw)
        return {"ok": all(f.finding.ok for f in findings), "findings": [f.as_dict() for f in findings]}
    if job == "scan":
        return _jsonable(documents.scan(data, kind, **kw))
    return {"blocks": documents.read(data, kind, **kw)}


def _field_error(status: int, loc: list[Any], msg: str) -> JSONResponse:
    return JSONResponse({"detail": [{"loc": loc, "msg": msg, "type": "value_error"}]}, status_code=status)


def _pinyin_json(out: list[tuple[str, float] | None]) -> dict:
    """``pinyin_with_confidence`` output as the API returns it: two parallel lists."""
    return {"pinyin": [o[0] if o else None for o in out],
            "confidence": [round(o[1], 4) if o else None for o in out]}


def _jsonable(obj: object) -> dict:
    d = obj.as_dict() if hasattr(obj, "as_dict") else asdict(obj)  # records that compose flatten themselves
    return {k: (list(v) if isinstance(v, tuple) else v) for k, v in d.items()}
