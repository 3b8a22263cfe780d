"""The HTTP API and the reading room (``pip install 'pinzhu[server]'``; ``pinzhu serve``).

FastAPI validates every request against a schema generated from the option declarations (an
unknown or bad field is a 422 that names it), documents itself at ``/docs`` (Swagger UI served
from the package: no CDN) and ``/openapi.json``; ``/`` is the reading room, a page whose assets
all ship in ``pinzhu/web``. The reading itself runs in worker processes (:mod:`pinzhu.service`
holds what each endpoint does), each request with a time limit, so the event loop only parses,
checks and answers: ``/health`` answers while a megabyte of text is read.

Every error has one shape, ``{"error": {"code", "message", "field"}}``, and none repeats the
request's text. Limits hold while reading: a body over the limit is refused as it streams in
(a chunked body too), a user dictionary has at most :data:`MAX_USER_DICT` entries.

>>> from fastapi.testclient import TestClient  # doctest: +SKIP
>>> TestClient(create_app(workers=0)).post("/v1/pinyin", json={"text": "银行"}).json()["pinyin"]  # doctest: +SKIP
['yín', 'háng']
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import re
from collections.abc import Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

from fastapi import FastAPI, File, Form, Request, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model, field_validator, model_validator
from starlette.exceptions import HTTPException

from . import service
from ._version import __version__
from .config import AuditOptions, Config, StripOptions
from .options import OptionError, declared
from .render import AnnotateOptions

MAX_TEXT = 1_000_000       # characters in one request's text (all texts of a batch together)
MAX_TEXTS = 10_000         # texts in one batch request
MAX_BODY = 8 * MAX_TEXT    # bytes: UTF-8 is at most 4 per character, JSON escapes double it
MAX_USER_DICT = 20_000     # entries of one request's user dictionary (a bigger one: the library or CLI)
MAX_WORDS = 20_000         # words of the words policy in one request
MAX_DOCUMENT = 32 * 2**20  # bytes of one uploaded document (pinzhu.documents caps what it expands to)
TIMEOUT = 60.0             # seconds one request may read before it is stopped
PENDING_PER_WORKER = 64    # requests waiting for a worker, per worker, before new ones get a 503

log = logging.getLogger("pinzhu.server")

# Limits that belong to the HTTP surface, not to the options themselves (the library takes any size).
_HTTP_LIMITS: dict[str, dict[str, Any]] = {"user_dict": {"max_length": MAX_USER_DICT},
                                           "words": {"max_length": MAX_WORDS}}


_SURROGATE = re.compile("[\ud800-\udfff]")


class LoneSurrogate(Exception):
    """A string with a lone surrogate (``"\\ud800"`` is valid JSON, but no Unicode text): a 422
    naming ``field``. Not a ValueError, so it passes through pydantic with its field intact."""

    def __init__(self, field: str) -> None:
        super().__init__(field)
        self.field = field


def _lone_surrogate(value: Any, path: str = "") -> str | None:
    """Where in a request's fields a string holds a lone surrogate (``texts[3]``, ``user_dict``)."""
    if isinstance(value, str):
        return path if _SURROGATE.search(value) else None
    if isinstance(value, dict):
        for k, v in value.items():
            if isinstance(k, str) and _SURROGATE.search(k):
                return path or "body"
            clean = isinstance(k, str) and len(k) <= 40
            found = _lone_surrogate(v, (f"{path}.{k}" if path else k) if clean else path)
            if found is not None:
                return found
    elif isinstance(value, list):
        for i, v in enumerate(value):
            found = _lone_surrogate(v, f"{path}[{i}]")
            if found is not None:
                return found
    return None


class _Strict(BaseModel):
    # An unknown field is a 422 naming it, not silently ignored (a misspelt option would be);
    # NaN and Infinity (which Python's JSON reader accepts) are no number any option takes.
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    @model_validator(mode="before")
    @classmethod
    def _unicode(cls, data: Any) -> Any:
        # Every string field is text: refused the same way wherever a lone surrogate sits.
        where = _lone_surrogate(data)
        if where is not None:
            raise LoneSurrogate(where)
        return data


def _within_total(texts: list[str]) -> list[str]:
    """A request's texts together hold at most MAX_TEXT characters (a field validator)."""
    total = sum(map(len, texts))
    if total > MAX_TEXT:
        raise ValueError(f"{total} characters in all; at most {MAX_TEXT} per request")
    return texts


class _Text(_Strict):
    text: str = Field(max_length=MAX_TEXT, description="the text")


class _TextAt(_Text):
    at: int = Field(ge=0, description="a position in the text (a code point index, as Python's str)")


class _Match(_Strict):
    query: str = Field(max_length=200, description="pinyin: full (zhongguo), initials (zhg), first letters (zg) or a mix")
    texts: list[str] = Field(max_length=MAX_TEXTS, description="the texts to search (a contact list)")
    fuzzy: bool = Field(False, description="zh/z, ch/c, sh/s, an/ang, en/eng, in/ing, l/n as one sound")

    _match_size = field_validator("texts")(_within_total)


class _Texts(_Strict):
    texts: list[str] = Field(max_length=MAX_TEXTS, description="texts read in one engine pass, each as if alone")

    _total_size = field_validator("texts")(_within_total)


def _field(o: Any) -> tuple[Any, Any]:
    """The pydantic field of a declared option: its JSON type, default, bounds and help."""
    allowed = o.allowed
    if allowed is not None:
        kind: Any = Literal[allowed]  # type: ignore[valid-type]
    else:
        kind = o.wire if o.wire is not None else o.type
    default: dict[str, Any] = ({"default_factory": list} if o.multiple else {"default": o.default})
    return kind, Field(**default, ge=o.low, le=o.high, description=o.help, **_HTTP_LIMITS.get(o.name, {}))


def request_model(name: str, base: type[BaseModel], *classes: type, doc: str = "") -> type[BaseModel]:
    """A request model: ``base``'s fields and one field per declared option of ``classes``,
    generated from the declarations (so every option reaches HTTP, with the same default)."""
    fields = {o.name: _field(o) for cls in classes for o in declared(cls) if "http" in o.surfaces}
    return create_model(name, __base__=base, __doc__=doc or None, **fields)


def value_of(req: BaseModel, cls: type) -> Any:
    """The ``cls`` options value a request gives (an OptionError, a 422 naming the field, if bad)."""
    return service.values(fields_of(req), cls)


def fields_of(req: BaseModel) -> dict[str, Any]:
    """A request's fields as the jobs take them (plain values: they travel to a worker)."""
    return {name: getattr(req, name) for name in type(req).model_fields}


class _AnnotateText(_Text):
    spans: list[tuple[int, int] | dict[str, Any]] | dict[str, Any] | None = Field(
        None, description="annotate exactly these (start, end) code-point spans instead of where select chooses: "
                          "[[0, 2], ...], [{\"start\": 0, \"end\": 2}, ...], or the json format's output")


ReadOptions = request_model("ReadOptions", _Text, Config, doc="A text and how to read it.")
BatchRequest = request_model("BatchRequest", _Texts, Config, doc="Many texts, each read as if alone.")
AnnotateRequest = request_model("AnnotateRequest", _AnnotateText, Config, AnnotateOptions,
                                doc="A text, how to read it, and what to annotate and how.")
BatchAnnotateRequest = request_model("BatchAnnotateRequest", _Texts, Config, AnnotateOptions,
                                     doc="Many texts annotated in one engine pass, each as if alone.")
StripRequest = request_model("StripRequest", _Text, Config, StripOptions, doc="A text and what to strip from it.")
AuditRequest = request_model("AuditRequest", _Text, Config, AuditOptions, doc="A text and how to audit it.")
FixRequest = request_model("FixRequest", _Text, Config, AuditOptions,
                           doc="An annotated text whose wrong annotations to rewrite, and how to audit it.")
ScanRequest = request_model("ScanRequest", _Text, Config, doc="A text to score for machine-inserted pinyin.")
ReadingsRequest = request_model("ReadingsRequest", _TextAt, Config,
                                doc="A text, a position in it, and how to read it.")

# POST /v1/documents/{job}: a multipart upload (field ``file``) and the job's options as one JSON
# form field (``options``), validated against models generated like the ones above.
DOCUMENT_MODELS: dict[str, type[BaseModel]] = {}


def _document_models() -> dict[str, type[BaseModel]]:
    if not DOCUMENT_MODELS:
        from .documents.base import DocumentOptions

        DOCUMENT_MODELS.update(
            annotate=request_model("DocumentAnnotate", _Strict, Config, AnnotateOptions, DocumentOptions),
            strip=request_model("DocumentStrip", _Strict, Config, StripOptions, DocumentOptions),
            audit=request_model("DocumentAudit", _Strict, Config, AuditOptions, DocumentOptions),
            fix=request_model("DocumentFix", _Strict, Config, AuditOptions, DocumentOptions),
            scan=request_model("DocumentScan", _Strict, Config, DocumentOptions),
            read=request_model("DocumentRead", _Strict, Config, DocumentOptions))
    return DOCUMENT_MODELS


class ErrorBody(BaseModel):
    code: str = Field(description="what went wrong, for programs: unknown_field, missing_field, invalid_value, "
                                  "invalid_json, body_too_large, not_found, method_not_allowed, busy, timeout, internal")
    message: str = Field(description="what went wrong, for people (never the request's text)")
    field: str | None = Field(description="the request field at fault (texts[1], user_dict, ...), if one is")


class ErrorResponse(BaseModel):
    error: ErrorBody


ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorResponse, "description": what} for code, what in (
        (413, "the body is over the size limit"), (422, "a field is unknown, missing or has a bad value"),
        (503, "every worker is busy; retry later"), (504, "the request took longer than the time limit"))}


# --- errors -------------------------------------------------------------------------------------

class JSON(Response):
    """JSON responses that survive lone surrogates (``service.dumps``) and refuse NaN."""

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return service.dumps(content)


def _error(status: int, code: str, message: str, field: str | None = None,
           headers: dict[str, str] | None = None) -> JSON:
    return JSON(service.error(code, message, field), status_code=status, headers=headers)


_CODES = {"extra_forbidden": "unknown_field", "missing": "missing_field", "json_invalid": "invalid_json"}
_STATUS_CODES = {400: "bad_request", 404: "not_found", 405: "method_not_allowed", 411: "length_required",
                 413: "body_too_large", 415: "unsupported_media_type"}


def _where(loc: tuple[Any, ...] | list[Any]) -> str | None:
    """A validation error's location as a field path: ``texts[1]``, ``user_dict.行长``."""
    parts = list(loc)
    if parts and parts[0] == "body":
        parts = parts[1:]
    out = ""
    for p in parts:
        if isinstance(p, int):
            out += f"[{p}]"
        else:
            out += ("." if out else "") + str(p)
    return out or None


def _validation_error(e: dict[str, Any]) -> dict[str, Any]:
    """One pydantic error as the API's error (its input is never repeated)."""
    kind = e.get("type", "")
    code = _CODES.get(kind, "invalid_value")
    if kind == "json_invalid":
        loc = e.get("loc", ())
        at = loc[-1] if loc and isinstance(loc[-1], int) else None
        why = (e.get("ctx") or {}).get("error", "not JSON")
        field = _where([p for p in loc if not isinstance(p, int)])  # a form field that holds JSON (documents)
        return service.error(code, f"{field or 'the body'} is not valid JSON"
                                   f"{f' at character {at}' if at is not None else ''}: {why}", field)["error"]
    field = _where(e.get("loc", ()))
    if kind == "extra_forbidden":
        message = f"{field}: no such field"
    elif kind == "missing":
        message = f"{field}: required"
    elif kind == "string_unicode":  # "\ud800" is valid JSON, but no Unicode text
        message = f"{field}: not Unicode text (a lone surrogate, such as \\ud800)"
    else:
        message = f"{field}: {e.get('msg', 'invalid')}" if field else e.get("msg", "invalid body")
    return service.error(code, message, field)["error"]


# --- running jobs -------------------------------------------------------------------------------

class Jobs:
    """Runs :mod:`pinzhu.service` jobs: in ``workers`` processes, each request stopped after
    ``timeout`` seconds (its worker is replaced), or with ``workers=0`` in this process's
    thread pool (no time limit; for tests and embedding)."""

    def __init__(self, workers: int, timeout: float, max_pending: int | None = None) -> None:
        self.workers = workers
        self.timeout = timeout
        self.max_pending = max_pending or PENDING_PER_WORKER * max(workers, 1)
        self.pending = 0
        self.pool: Any = None

    def start(self) -> None:
        if self.workers <= 0:
            service.warm()
            return
        import multiprocessing

        from pebble import ProcessPool

        # forkserver: workers start from a clean process, never a copy of this one's threads and
        # event loop; each loads the lexicon and model once (service.warm).
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["pinzhu.service"])
        self.pool = ProcessPool(max_workers=self.workers, initializer=service.warm, context=ctx)
        # Wait until every worker has loaded: the first requests don't pay for it.
        for f in [self.pool.schedule(service.warm) for _ in range(self.workers)]:
            f.result()

    def stop(self) -> None:
        if self.pool is not None:
            self.pool.stop()
            self.pool.join(timeout=10)
            self.pool = None

    async def __call__(self, name: str, fields: dict[str, Any]) -> Response:
        """Run service job ``name`` on a request's fields: its JSON answer, or an error."""
        status, body = await self.call(service.run, name, fields)
        return Response(body, status_code=status, media_type="application/json")

    async def call(self, fn: Callable[..., Any], *args: Any) -> Any:
        """``fn(*args)`` in a worker (``fn`` and its arguments travel there by pickle): its
        result, or :class:`Refused` carrying the error response (busy, timeout, worker died)."""
        if self.pending >= self.max_pending:
            raise Refused(_error(503, "busy", f"{self.pending} requests are waiting for a worker; retry shortly",
                                 headers={"Retry-After": "1"}))
        self.pending += 1
        try:
            if self.pool is None:
                from starlette.concurrency import run_in_threadpool

                return await run_in_threadpool(fn, *args)
            return await self._in_worker(fn, args)
        finally:
            self.pending -= 1

    async def _in_worker(self, fn: Callable[..., Any], args: tuple[Any, ...]) -> Any:
        from pebble import ProcessExpired

        future = self.pool.schedule(fn, args=args, timeout=self.timeout)
        try:
            return await asyncio.wrap_future(future)
        except asyncio.CancelledError:  # the client went away: stop the work too
            future.cancel()
            raise
        except TimeoutError:
            raise Refused(_error(504, "timeout", f"reading took longer than {self.timeout:g} s and was stopped; "
                                                 "send less text")) from None
        except ProcessExpired as e:  # a worker died (killed, out of memory): a fresh one replaces it
            log.error("worker running %s died: %s", getattr(fn, "__name__", fn), e)
            raise Refused(_error(500, "internal", "the worker reading this request stopped; retry")) from None


class Refused(Exception):
    """A request the workers could not answer; ``response`` says why (503, 504, 500)."""

    def __init__(self, response: Response) -> None:
        super().__init__(response.status_code)
        self.response = response


class BodyLimit:
    """ASGI middleware: a request body over ``limit`` bytes is refused (413) as it arrives —
    by its Content-Length before anything is read, or, chunked, as soon as the count passes the
    limit — so no more than the limit is ever held. ``limits``: other limits per path prefix."""

    def __init__(self, app: Any, limit: int, limits: dict[str, int] | None = None,
                 need_length: tuple[str, ...] = ()) -> None:
        self.app, self.limit, self.limits, self.need_length = app, limit, limits or {}, need_length

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        path = scope.get("path", "")
        limit = next((n for p, n in self.limits.items() if path.startswith(p)), self.limit)
        size = dict(scope.get("headers") or ()).get(b"content-length")
        if size is None and scope.get("method") == "POST" and path.startswith(self.need_length or ("\0",)):
            # an upload of unknown size is refused unread (a document's size is known to its sender)
            return await _error(411, "length_required", "an upload needs a Content-Length")(scope, receive, send)
        if size is not None and (not size.isdigit() or int(size) > limit):
            return await _error(413, "body_too_large", f"the body is over {limit} bytes")(scope, receive, send)
        seen = 0

        async def counted() -> dict:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    # FastAPI passes an HTTPException from reading the body through to its handler.
                    raise HTTPException(413, f"the body is over {limit} bytes")
            return message

        await self.app(scope, counted, send)


# --- the page -----------------------------------------------------------------------------------

_PAGE_HEADERS = {
    # The page inserts the server's ruby markup (every text escaped by the library); the policy
    # is a second wall: scripts and styles only from this server, nothing from anywhere else.
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: "
                               "blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
                               "frame-ancestors 'none'; form-action 'none'",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-cache",
}
_ASSET_TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8",
                ".html": "text/html; charset=utf-8", ".svg": "image/svg+xml"}


@lru_cache(maxsize=None)
def _asset(name: str) -> bytes | None:
    """A file of the page (``pinzhu/web``), or the ruby stylesheet the library writes with."""
    from importlib.resources import files

    if name == "ruby.css":
        from .render import stylesheet

        return stylesheet().encode("utf-8")
    if "/" in name or name.startswith(".") or os.path.splitext(name)[1] not in _ASSET_TYPES:
        return None
    f = files("pinzhu").joinpath("web", name)
    return f.read_bytes() if f.is_file() else None


@lru_cache(maxsize=1)
def option_list() -> dict[str, Any]:
    """Every option each endpoint takes, from the declarations (what the page builds its
    controls from, so a new option shows up there with no edit to the page)."""
    from . import select, styles
    from .lexicon import HAN_RANGES

    def kind(o: Any) -> str:
        t = o.wire if o.wire is not None else o.type
        text = str(t)
        if o.multiple or "list" in text:
            return "array"
        if "dict" in text or "UserDict" in text:
            return "object"
        return {bool: "boolean", int: "integer", float: "number", str: "string"}.get(t, "integer" if "int" in text
                                                                                    else "string")

    groups = {"read": Config, "annotate": AnnotateOptions, "strip": StripOptions, "audit": AuditOptions}
    options = []
    for group, cls in groups.items():
        for o in declared(cls):
            if "http" not in o.surfaces:
                continue
            default = sorted(o.default) if isinstance(o.default, frozenset) else o.default
            options.append({"name": o.name, "group": group, "type": kind(o), "default": default, "help": o.help,
                            "choices": list(o.allowed) if o.allowed is not None else None,
                            "low": o.low, "high": o.high})
    return {"version": __version__, "options": options,
            "policies": list(select.names()), "styles": list(styles.names()),
            "endpoints": {"annotate": ["read", "annotate"], "pinyin": ["read"], "strip": ["read", "strip"],
                          "audit": ["read", "audit"], "fix": ["read", "audit"], "scan": ["read"],
                          "readings": ["read"]},
            "han_ranges": [list(r) for r in HAN_RANGES],
            "limits": {"text": MAX_TEXT, "texts": MAX_TEXTS, "body": MAX_BODY, "user_dict": MAX_USER_DICT,
                       "words": MAX_WORDS}}


# --- the application ----------------------------------------------------------------------------

def create_app(max_body: int = MAX_BODY, max_document: int = MAX_DOCUMENT, *, workers: int = 0,
               timeout: float = TIMEOUT, on_ready: Callable[[], None] | None = None) -> FastAPI:
    """The application. ``workers``: processes that read (0: this process's threads, no time
    limit); ``timeout``: seconds a request may read; ``on_ready``: called once it serves."""
    from fastapi_offline import FastAPIOffline

    jobs = Jobs(workers, timeout)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        await asyncio.get_running_loop().run_in_executor(None, jobs.start)
        if on_ready is not None:
            on_ready()
        try:
            yield
        finally:
            await asyncio.get_running_loop().run_in_executor(None, jobs.stop)

    # FastAPIOffline: /docs and /redoc with Swagger UI and ReDoc from its package, not a CDN.
    app = FastAPIOffline(title="pinzhu", version=__version__, lifespan=lifespan, default_response_class=JSON,
                         description="Chinese text to pinyin in context: read, annotate, strip and audit. "
                                     "The reading room is at /. Every error is "
                                     '{"error": {"code", "message", "field"}}.')
    app.state.jobs = jobs
    app.add_middleware(BodyLimit, limit=max_body, limits={"/v1/documents/": max_document},
                       need_length=("/v1/documents/",))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSON:
        errors = [_validation_error(e) for e in exc.errors()]
        if not errors:
            return _error(422, "invalid_value", "invalid request")
        return JSON({"error": errors[0], "errors": errors[:20]}, status_code=422)

    @app.exception_handler(LoneSurrogate)
    async def not_unicode(request: Request, exc: LoneSurrogate) -> JSON:
        return _error(422, "invalid_value", f"{exc.field}: not Unicode text (a lone surrogate, such as \\ud800)",
                      exc.field)

    @app.exception_handler(OptionError)
    async def bad_option(request: Request, exc: OptionError) -> JSON:
        return _error(422, "invalid_value", str(exc), exc.field)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> JSON:
        code = _STATUS_CODES.get(exc.status_code, "error")
        message = exc.detail if isinstance(exc.detail, str) else code.replace("_", " ")
        if exc.status_code == 404:
            message = f"no such page or endpoint: {request.url.path[:100]}"
        return _error(exc.status_code, code, message, headers=getattr(exc, "headers", None))

    @app.exception_handler(Refused)
    async def refused(request: Request, exc: Refused) -> Response:
        return exc.response

    @app.exception_handler(Exception)
    async def internal(request: Request, exc: Exception) -> JSON:
        log.exception("internal error on %s", request.url.path)
        return _error(500, "internal", "internal error; the server log has the details")

    @app.get("/health")
    async def health() -> dict:
        """Answers at once, whatever the workers are doing."""
        return {"status": "ok", "version": __version__, "workers": jobs.workers, "pending": jobs.pending}

    @app.get("/v1/options")
    async def options() -> dict:
        """Every option, by group (read, annotate, strip, audit), with its type, default, help and
        allowed values: the declarations as data. Also the selection policies, tone styles, the
        Han ranges and the request limits."""
        return option_list()

    @app.post("/v1/pinyin", responses=ERRORS)
    async def pinyin(req: ReadOptions) -> Response:
        """One entry per character (null for non-Han), with the probability of each reading."""
        return await jobs("pinyin", fields_of(req))

    @app.post("/v1/batch/pinyin", responses=ERRORS)
    async def pinyin_batch(req: BatchRequest) -> Response:
        """``/v1/pinyin`` for many texts in one request and one engine pass (short sentences:
        the per-request and per-call costs are paid once)."""
        return await jobs("batch/pinyin", fields_of(req))

    @app.post("/v1/words", responses=ERRORS)
    async def words(req: ReadOptions) -> Response:
        """The text's words, each with its pinyin (null for non-Han runs)."""
        return await jobs("words", fields_of(req))

    @app.post("/v1/batch/words", responses=ERRORS)
    async def words_batch(req: BatchRequest) -> Response:
        return await jobs("batch/words", fields_of(req))

    @app.post("/v1/annotate", responses=ERRORS)
    async def annotate(req: AnnotateRequest) -> Response:
        """``{"text": …}`` with the pinyin written in (inline or ruby); with ``format: "json"``
        the JSON itself: ``{"length", "tone", "tokens": [{"start", "end", "word", "pinyin",
        "syllables", "confidence"}]}``."""
        return await jobs("annotate", fields_of(req))

    @app.post("/v1/batch/annotate", responses=ERRORS)
    async def annotate_batch(req: BatchAnnotateRequest) -> Response:
        """``/v1/annotate`` for many texts in one engine pass: ``{"results": [...]}``, one per
        text, each as ``/v1/annotate`` answers it."""
        return await jobs("batch/annotate", fields_of(req))

    @app.post("/v1/strip", responses=ERRORS)
    async def strip(req: StripRequest) -> Response:
        """The text without its pinyin annotations, and every span removed or kept, and why."""
        return await jobs("strip", fields_of(req))

    @app.post("/v1/audit", responses=ERRORS)
    async def audit(req: AuditRequest) -> Response:
        """Every annotation checked: ``ok``, or ``reason`` (``reading``, ``tone``, ``mismatch``:
        wrong; ``uncertain``: another real reading where pinzhu is unsure of its own)."""
        return await jobs("audit", fields_of(req))

    @app.post("/v1/fix", responses=ERRORS)
    async def fix(req: FixRequest) -> Response:
        """Every annotation audit finds wrong rewritten to pinzhu's reading in its own style:
        ``{"text", "fixed", "left", "changes"}``, ``changes`` each annotation fixed or left
        (unsure ones are left), as ``pinzhu fix --explain`` prints them."""
        return await jobs("fix", fields_of(req))

    @app.post("/v1/scan", responses=ERRORS)
    async def scan(req: ScanRequest) -> Response:
        """How much of the text's pinyin looks machine-inserted (``verdict``: clean, annotated, machine)."""
        return await jobs("scan", fields_of(req))

    @app.post("/v1/alternatives", responses=ERRORS)
    async def alternatives(req: ReadOptions) -> Response:
        """Per character: every reading with its probability in this context, most likely first,
        ``rare`` for readings modern use dropped (null for non-Han); and ``heteronyms``, the same
        readings without the rare ones (pypinyin's ``heteronym=True`` shape)."""
        return await jobs("alternatives", fields_of(req))

    @app.post("/v1/match", responses=ERRORS)
    async def match(req: _Match) -> Response:
        """Which texts the pinyin ``query`` finds, and where: ``{"matches": [{"index", "start", "end"}]}``."""
        return await jobs("match", req.model_dump())

    @app.post("/v1/sort", responses=ERRORS)
    async def sort(req: BatchRequest) -> Response:
        """The texts sorted by pinyin (then tone, then code point): ``{"order": [indices], "texts": [...]}``."""
        return await jobs("sort", fields_of(req))

    @app.post("/v1/readings", responses=ERRORS)
    async def readings(req: ReadingsRequest) -> Response:
        """The word holding position ``at``: its reading, and per character the reading chosen,
        where it came from (user dictionary, word, character, model), every reading it could have
        had with the model's probability in this context and its share in the lexicon, and the
        span of text the model read."""
        return await jobs("readings", fields_of(req))

    @app.get("/", include_in_schema=False)
    async def page() -> HTMLResponse:
        return HTMLResponse(_asset("index.html") or b"", headers=_PAGE_HEADERS)

    @app.get("/web/{name}", include_in_schema=False)
    async def asset(name: str) -> Response:
        data = _asset(name)
        if data is None:
            raise HTTPException(404)
        kind = _ASSET_TYPES[os.path.splitext(name)[1]]
        return Response(data, media_type=kind, headers=_PAGE_HEADERS)

    try:
        import defusedxml  # noqa: F401
        import python_multipart  # noqa: F401  (FastAPI's form parser, in the 'documents' extra)
    except ImportError:
        return app  # without pinzhu[documents] the document endpoint is not offered

    @app.post("/v1/documents/{job}", responses=ERRORS)
    async def document(job: Literal["annotate", "strip", "audit", "fix", "scan", "read"],
                       file: UploadFile = File(description="the document: .html .xhtml .epub .srt .vtt .ass .md"),
                       options: str = Form("{}", description="the job's options as a JSON object (the fields of "
                                                             "/v1/annotate, /v1/strip or /v1/audit, less text, plus "
                                                             "format_in, subtitles, encoding)")):
        """A document annotated, stripped or fixed (the document comes back, same kind; a fix
        says how many annotations it fixed and left in ``X-Pinzhu-Fixed``/``X-Pinzhu-Left``) or
        audited, scanned or read (JSON); see docs/documents.md and docs/fix.md."""
        from . import documents

        data = await file.read(max_document + 1)
        if len(data) > max_document:
            return _error(413, "body_too_large", f"the document is over {max_document} bytes", "file")
        try:
            req = _document_models()[job].model_validate_json(options or "{}")
        except ValidationError as e:
            errors = [_validation_error({**x, "loc": ("options", *x.get("loc", ()))}) for x in e.errors()]
            return JSON({"error": errors[0], "errors": errors[:20]}, status_code=422)
        name = file.filename or "document"
        try:
            values = {cls.__name__: value_of(req, cls) for cls in _document_classes(job)}
        except OptionError as e:
            return _error(422, "invalid_value", str(e), f"options.{e.field}")
        doc = values.pop("DocumentOptions")
        kind = doc.format_in or documents.kind_of(name)
        if kind is None:
            return _error(422, "invalid_value", f"{name[:100]}: the file name does not say the kind of document; "
                                                "give format_in", "options.format_in")
        out = await jobs.call(_document_job, job, data, kind, name, doc, values)
        if isinstance(out, _Problem):
            return _error(422, "invalid_value", out.message, out.field)
        if job in ("annotate", "strip", "fix"):
            safe = "".join(c if c.isalnum() or c in "._-" else "_" for c in name)[-100:]
            headers = {"Content-Disposition": f'attachment; filename="{safe}"'}
            if job == "fix":
                out, headers["X-Pinzhu-Fixed"], headers["X-Pinzhu-Left"] = out
            return Response(out, media_type=_MEDIA.get(kind, "application/octet-stream"), headers=headers)
        return JSON(out)

    return app


_MEDIA = {"html": "text/html", "xhtml": "application/xhtml+xml", "epub": "application/epub+zip",
          "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
          "srt": "application/x-subrip", "vtt": "text/vtt", "ass": "text/x-ssa", "md": "text/markdown"}


def _document_classes(job: str) -> tuple[type, ...]:
    from .documents.base import DocumentOptions

    own = {"annotate": (AnnotateOptions,), "strip": (StripOptions,), "audit": (AuditOptions,),
           "fix": (AuditOptions,)}.get(job, ())
    return (Config, *own, DocumentOptions)


@dataclass(frozen=True)
class _Problem:
    """A document job's refusal, as a value (exceptions with fields do not travel back from a worker)."""

    field: str
    message: str


def _document_job(job: str, data: bytes, kind: str, name: str, doc: Any, values: dict[str, Any]) -> Any:
    """Run one documents job (in a worker): bytes back, JSON, or the :class:`_Problem`."""
    from .documents import DocumentError

    try:
        return _run_document_job(job, data, kind, name, doc, values)
    except DocumentError as e:
        return _Problem("file", str(e))
    except OptionError as e:
        return _Problem(f"options.{e.field}", str(e))


def _run_document_job(job: str, data: bytes, kind: str, name: str, doc: Any, values: dict[str, Any]) -> Any:
    from . import documents
    from .service import flat

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
    if job == "fix":
        out, found = documents.fixed(data, kind, options=options, **kw)
        return (out, str(sum(d.correction.action == "fixed" for d in found)),
                str(sum(d.correction.action == "left" for d in found)))
    if job == "scan":
        return flat(documents.scan(data, kind, **kw))
    return {"blocks": documents.read(data, kind, **kw)}


__all__ = ["MAX_DOCUMENT", "Refused", "AnnotateRequest", "AuditRequest", "BatchAnnotateRequest", "BatchRequest", "BodyLimit", "FixRequest", "Jobs",
           "MAX_BODY", "MAX_TEXT", "MAX_USER_DICT", "ReadOptions", "ReadingsRequest", "ScanRequest", "StripRequest",
           "create_app", "option_list", "request_model", "value_of"]
