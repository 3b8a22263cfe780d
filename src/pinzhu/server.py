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
from typing import Literal

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field, field_validator

from . import Config, UserDict, __version__
from .lexicon import LexiconError

MAX_TEXT = 1_000_000       # characters in one request's text (all texts of a batch together)
MAX_TEXTS = 10_000         # texts in one batch request
MAX_BODY = 8 * MAX_TEXT    # bytes: UTF-8 is at most 4 per character, JSON escapes double it

Tone = Literal["marks", "numbers", "none", "zhuyin"]


class ReadConfig(BaseModel):
    tone: Tone = "marks"
    spoken: bool = False
    yi_bu: bool = Field(False, description="only the tone changes of 一 and 不 (yíyàng, búduì), as textbooks write them")
    model: bool = True
    user_dict: dict[str, str] | None = Field(None, description='words that always win: {"行长": "hang2 zhang3"}')

    def config(self) -> Config:
        ud = UserDict.from_mapping(self.user_dict) if self.user_dict else None
        return Config(tone=self.tone, spoken=self.spoken, yi_bu=self.yi_bu, model=self.model, user_dict=ud)


class ReadOptions(ReadConfig):
    text: str = Field(max_length=MAX_TEXT, description="the text to read")


class BatchRequest(ReadConfig):
    texts: list[str] = Field(max_length=MAX_TEXTS, description="texts read in one engine pass, each as if alone")

    @field_validator("texts")
    @classmethod
    def _total_size(cls, texts: list[str]) -> list[str]:
        total = sum(map(len, texts))
        if total > MAX_TEXT:
            raise ValueError(f"{total} characters in all; at most {MAX_TEXT} per request")
        return texts


class AnnotateRequest(ReadOptions):
    select: str = Field("all", description="policy or policies joined by '+': all, polyphones, rare, level, sample, words")
    format: Literal["inline", "ruby", "json"] = "inline"
    brackets: Literal["half", "full"] = "half"
    words: list[str] | None = Field(None, description="for select=words")
    seed: int = 0
    fraction: float = Field(0.5, ge=0.0, le=1.0, description="for select=sample")


class StripRequest(BaseModel):
    text: str = Field(max_length=MAX_TEXT)
    names: bool = Field(False, description="also strip capitalised toneless glosses after names (湖北(Hubei))")


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

    @app.exception_handler(LexiconError)
    async def bad_user_dict(request: Request, exc: LexiconError):
        return JSONResponse({"detail": [{"loc": ["body", "user_dict"], "msg": str(exc)}]}, status_code=422)

    @app.get("/health")
    def health() -> dict:
        return {"status": "ok", "version": __version__}

    @app.post("/v1/pinyin")
    def pinyin(req: ReadOptions) -> dict:
        """One entry per character (null for non-Han), with the probability of each reading."""
        from . import pinyin_with_confidence

        return _pinyin_json(pinyin_with_confidence(req.text, config=req.config()))

    @app.post("/v1/batch/pinyin")
    def pinyin_batch(req: BatchRequest) -> dict:
        """``/v1/pinyin`` for many texts in one request and one engine pass (short sentences:
        the per-request and per-call costs are paid once)."""
        from . import _with_confidence, reading_many

        cfg = req.config()
        return {"results": [_pinyin_json(_with_confidence(r, cfg.tone)) for r in reading_many(req.texts, config=cfg)]}

    @app.post("/v1/batch/words")
    def words_batch(req: BatchRequest) -> dict:
        from . import words_many

        return {"results": [{"words": [{"word": w, "pinyin": p} for w, p in ws]}
                            for ws in words_many(req.texts, config=req.config())]}

    @app.post("/v1/words")
    def words(req: ReadOptions) -> dict:
        from . import words as words_

        return {"words": [{"word": w, "pinyin": p} for w, p in words_(req.text, config=req.config())]}

    @app.post("/v1/annotate")
    def annotate(req: AnnotateRequest):
        from . import annotate as annotate_
        from .select import parse_select

        try:
            parse_select(req.select)
        except ValueError as e:
            return JSONResponse({"detail": [{"loc": ["body", "select"], "msg": str(e)}]}, status_code=422)
        kwargs = dict(select=req.select, format=req.format, brackets=req.brackets, seed=req.seed,
                      fraction=req.fraction, config=req.config())
        if req.words is not None:
            kwargs["words"] = req.words
        try:
            return {"text": annotate_(req.text, **kwargs)}
        except ValueError as e:  # an option combination annotate refuses (e.g. zhuyin inline)
            return JSONResponse({"detail": [{"loc": ["body"], "msg": str(e)}]}, status_code=422)

    @app.post("/v1/strip")
    def strip(req: StripRequest) -> dict:
        from .strip import explain, strip as strip_

        return {"text": strip_(req.text, names=req.names),
                "changes": [_jsonable(c) for c in explain(req.text, names=req.names)]}

    @app.post("/v1/audit")
    def audit(req: ReadOptions) -> dict:
        from .audit import audit as audit_

        findings = audit_(req.text, config=req.config())
        return {"ok": all(f.ok for f in findings), "findings": [_jsonable(f) for f in findings]}

    @app.post("/v1/scan")
    def scan(req: StripRequest) -> dict:
        from .audit import scan as scan_

        return _jsonable(scan_(req.text))

    return app


def _pinyin_json(out: list[tuple[str, float] | None]) -> dict:
    """``pinyin_with_confidence`` output as the API returns it: two parallel lists."""
    return {"pinyin": [o[0] if o else None for o in out],
            "confidence": [round(o[1], 4) if o else None for o in out]}


def _jsonable(obj: object) -> dict:
    return {k: (list(v) if isinstance(v, tuple) else v) for k, v in asdict(obj).items()}
