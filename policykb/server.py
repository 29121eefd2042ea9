"""``policykb serve``: the read-only JSON HTTP API over the current KB (FastAPI on uvicorn).

Each endpoint is one call of the ``kb`` read API that the CLI's ``--json`` output
makes, with the same parameter names and the same JSON (``kb.contract``,
``KB.show``/``trace``/``coverage``/``search``); nothing is computed here. This
module only maps errors to status codes, caps what a request may ask for, and
describes itself (``/openapi.json``, a self-contained page at ``/api-docs``).

Every request reads the KB of the data directory's *current* build
(``kb.api.current_kb``: one ``readlink`` per request), so a rebuild or ingest is
served from the next request on, while requests in flight finish on the build
they started with (it is held until they end, ``kb.paths.hold``).

Errors are JSON ``{"error": "<one line>", "parameter": <name or null>}``:
404 for an unknown id (the CLI's ``Error:`` line), 422 for a bad parameter
(naming it), 503 while no KB is built or it cannot be read (with the fix), 500
for a bug (the details go to the server log, never into the response).

Settings for ``uvicorn policykb.server:create_app --factory`` (``policykb serve``
sets them for its workers): ``POLICYKB_HOME`` (the data directory) and
``POLICYKB_CORS_ORIGINS`` (comma-separated origins; unset = no CORS headers).
"""

from __future__ import annotations

import html
import json
import logging
import os
import re
from typing import Any, Literal

from fastapi import Depends, FastAPI, Path, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse
from pydantic import BaseModel, ConfigDict
from starlette.exceptions import HTTPException
from uvicorn.protocols.http.h11_impl import H11Protocol

from kb import contract
from kb.api import KB, current_kb
from kb.errors import NotFoundError, PolicyKBError, QueryError
from kb.models import LEVELS, PARTY_ROLES
from kb.search.engine import build_engine
from kb.search.service import LEVEL_NAMES, YEAR_MAX, YEAR_MIN

CORS_ENV = "POLICYKB_CORS_ORIGINS"
MAX_QUERY_CHARS = 200  # a search query; longer ones are refused (422), not truncated
MAX_PARAM_CHARS = 200  # any other text parameter (ids, party names …)
MAX_LIMIT = 200  # search hits per request (the CLI allows 1000; a service bounds each request's work)

log = logging.getLogger("policykb.server")


# ---------------------------------------------------------------------------
# The JSON shapes, for /openapi.json (the CLI contract's fields; more may come)
# ---------------------------------------------------------------------------


class Shape(BaseModel):
    model_config = ConfigDict(extra="allow")


class ErrorBody(BaseModel):
    error: str
    parameter: str | None = None


class CiteRef(Shape):
    title: str | None
    doc_number: str | None
    resolved_id: str | None


class Document(Shape):
    id: str
    title: str
    doc_number: str | None
    issuer: str | None
    date: str | None
    level: str
    status: str
    source: str | None
    parts: int
    articles: int
    clauses: int
    cites: list[CiteRef]


class Provision(Shape):
    id: str
    kind: str
    parent: str | None
    part_no: int | None
    article_no: int | None
    item_no: int | None
    heading: str | None
    text: str
    start: int
    end: int


class Show(Shape):
    document: Document
    provision: Provision | None = None  # present when the id is a provision id
    provisions: list[Provision]


class Hit(Shape):
    id: str
    doc_id: str
    level: str
    kind: str
    part_no: int | None
    article_no: int | None
    heading: str | None
    text: str
    highlight: str
    score: float


class Search(Shape):
    query: str
    total: int
    hits: list[Hit]


class TraceEntry(Shape):
    id: str
    doc_id: str
    level: str
    article_no: int | None
    kind: str
    score: float
    evidence: list[str]


class Trace(Shape):
    provision: dict[str, Any]
    upstream: list[TraceEntry]
    downstream: list[TraceEntry]


class Target(Shape):
    doc_id: str
    clause_id: str
    article_no: int | None
    year: int | None
    indicator: str | None
    value: float | str | None
    unit: str | None
    qualifier: str | None
    text: str | None


class TargetComparison(Shape):
    indicator: str
    upstream: dict[str, Any]
    downstream: dict[str, Any]
    match: float
    difference: float | None


class Party(Shape):
    name: str
    role: str
    source: str
    evidence: str | None


class Deadline(Shape):
    year: int | None
    month: int | None
    text: str | None
    source: str
    year_source: str | None = None


class Task(Shape):
    id: str
    clause_id: str
    doc_id: str
    article_no: int | None
    item_no: int | None
    text: str
    parties: list[Party]
    deadline: Deadline | None
    targets: list[Target]


class CoverageRow(Shape):
    article_no: int | None
    heading: str | None
    status: str
    covered_by: list[str]
    score: float


class Coverage(Shape):
    doc_id: str
    against: str
    rows: list[CoverageRow]


class Health(Shape):
    status: str
    build: str
    built_at: str | None
    engine: str


ERRORS = {422: {"model": ErrorBody, "description": "a parameter is malformed (named in `parameter`)"},
          503: {"model": ErrorBody,
                "description": "no KB is built yet, or it cannot be read (the message says how to fix it)"}}
NOT_FOUND = {404: {"model": ErrorBody, "description": "no document or provision has this id"}}


# ---------------------------------------------------------------------------
# Errors → status codes
# ---------------------------------------------------------------------------


def _error(status: int, message: str, parameter: str | None = None) -> JSONResponse:
    return JSONResponse({"error": message, "parameter": parameter}, status_code=status)


def _policykb_error(request: Request, e: PolicyKBError) -> JSONResponse:
    if isinstance(e, NotFoundError):
        return _error(404, str(e))
    if isinstance(e, QueryError):
        return _error(422, str(e), e.param)
    # No KB, a bad setting, a damaged KB file …: the service cannot answer until its operator
    # fixes what the message names.
    log.error("%s %s: %s", request.method, request.url.path, e)
    return _error(503, str(e))


def _validation_error(request: Request, e: RequestValidationError) -> JSONResponse:
    first = e.errors()[0]
    loc = [str(x) for x in first.get("loc", ()) if x not in ("query", "path")]
    name = loc[0] if loc else None
    got = first.get("input")
    shown = "" if got is None or isinstance(got, dict) else f" (got {str(got)[:40]!r})"
    return _error(422, f"{name or 'request'}: {first.get('msg', 'invalid')}{shown}", name)


def _http_error(request: Request, e: HTTPException) -> JSONResponse:
    message = {404: f"no endpoint {request.url.path}; the endpoints are listed at /api-docs",
               405: f"{request.method} is not allowed here; the API is read-only (GET)"}
    response = _error(e.status_code, message.get(e.status_code, str(e.detail)))
    response.headers.update(e.headers or {})  # Allow: GET on a 405
    return response


def _internal_error(request: Request, e: Exception) -> JSONResponse:
    # A bug: Starlette re-raises it after this response, and uvicorn logs the traceback.
    return _error(500, f"internal error {type(e).__name__}; the server log has the details, please report it")


# ---------------------------------------------------------------------------
# The app
# ---------------------------------------------------------------------------

BUILD_HEADER = "X-PolicyKB-Build"


def _answer(kb: KB, data) -> JSONResponse:
    """The JSON, with the build that answered in a header (a client can see when a rebuild lands)."""
    return JSONResponse(data, headers={BUILD_HEADER: kb.build_dir.name})


def text_param(description: str):
    return Query(None, description=description, max_length=MAX_PARAM_CHARS)


def year_param(description: str):
    return Query(None, ge=YEAR_MIN, le=YEAR_MAX, description=description)


# Values the kb accepts, so that /openapi.json lists them (the kb checks them again).
Level = Literal[tuple(LEVELS) + tuple(LEVEL_NAMES)]
Role = Literal[PARTY_ROLES]


def create_app(home: str | None = None, cors_origins: list[str] | None = None) -> FastAPI:
    """The API over the current build of ``home`` (default ``$POLICYKB_HOME`` or ./.policykb);
    ``cors_origins`` default ``$POLICYKB_CORS_ORIGINS`` (none: no CORS headers)."""
    if cors_origins is None:
        cors_origins = [o.strip() for o in os.environ.get(CORS_ENV, "").split(",") if o.strip()]

    app = FastAPI(title="policykb 政策知识库 API", version="1", docs_url=None, redoc_url=None,
                  openapi_url="/openapi.json",
                  description="只读 JSON 接口，与命令行 policykb … --json 的输出与参数一一对应（见 docs/deploy.md）。"
                              "条款编号含 #，在路径中须写作 %23，例如 /show/yangzhou-2024-118%23part_3__art_6__cl_4。")
    app.add_exception_handler(PolicyKBError, _policykb_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(Exception, _internal_error)
    if cors_origins:
        from fastapi.middleware.cors import CORSMiddleware

        app.add_middleware(CORSMiddleware, allow_origins=cors_origins, allow_methods=["GET"],
                           expose_headers=[BUILD_HEADER])

    def kb() -> KB:
        return current_kb(home)

    ident = Path(description="文件编号，或条款编号（其中的 # 写作 %23）", max_length=MAX_PARAM_CHARS)

    @app.get("/docs", response_model=None, responses={200: {"model": list[Document]}, **ERRORS},
             summary="列出文件（policykb docs --json）")
    def docs(kb: KB = Depends(kb)):
        return _answer(kb, contract.docs(kb))

    @app.get("/show/{id}", response_model=None, responses={200: {"model": Show}, **NOT_FOUND, **ERRORS},
             summary="一个文件及其全部条款，或一个条款及其下级条款（policykb show ID --json）")
    def show(id: str = ident, kb: KB = Depends(kb)):
        return _answer(kb, kb.show(id))

    @app.get("/search", response_model=None, responses={200: {"model": Search}, **NOT_FOUND, **ERRORS},
             summary="条款级中文全文检索（policykb search QUERY --json）")
    def search(q: str = Query(..., min_length=1, max_length=MAX_QUERY_CHARS,
                              description='词、"短语"、AND/OR/NOT、(分组)；见 docs/search.md'),
               doc: str | None = text_param("只看这个文件（文件编号；不存在时 404）"),
               level: Level | None = Query(None, description="层级：central、provincial、municipal、county（也可写 中央、省级、市级、县级）"),
               year: int | None = year_param("目标年份或完成时限，如 2027"),
               party: str | None = text_param("责任单位，或其名称的一部分"),
               limit: int = Query(20, ge=1, le=MAX_LIMIT, description=f"最多返回多少条（1–{MAX_LIMIT}）"),
               kb: KB = Depends(kb)):
        return _answer(kb, kb.search(q, doc=doc, level=level, year=year, party=party, limit=limit).to_dict())

    @app.get("/trace/{id}", response_model=None, responses={200: {"model": Trace}, **NOT_FOUND, **ERRORS},
             summary="一个条款的上级对应与下级落实（policykb trace ID --json）")
    def trace(id: str = ident, kb: KB = Depends(kb)):
        return _answer(kb, kb.trace(id))

    @app.get("/tasks", response_model=None, responses={200: {"model": list[Task]}, **NOT_FOUND, **ERRORS},
             summary="任务 → 责任单位 → 时限（policykb tasks --json）")
    def tasks(doc: str | None = text_param("只看这个文件（文件编号；不存在时 404）"),
              party: str | None = text_param("只看写明该单位的任务（简称如 发改委 亦可）"),
              year: int | None = year_param("只看完成时限或目标年份为该年的任务"),
              role: Role | None = Query(None, description="与 party 同用：只看该角色；单独使用：有该角色单位的任务"),
              kb: KB = Depends(kb)):
        return _answer(kb, contract.tasks(kb, doc=doc, party=party, year=year, role=role))

    @app.get("/targets", response_model=None,
             responses={200: {"model": list[Target] | list[TargetComparison]}, **NOT_FOUND, **ERRORS},
             summary="量化目标；compare=true 时与上级同一指标并列（policykb targets [--compare] --json）")
    def targets(doc: str | None = text_param("只看这个文件（文件编号；不存在时 404）"),
                year: int | None = year_param("只看该年的目标（compare 时上下级任一方）"),
                compare: bool = Query(False, description="每项目标与上级文件的同一指标并列"),
                indicator: str | None = text_param("与 compare 同用：只看该指标（如 细颗粒物）"),
                kb: KB = Depends(kb)):
        return _answer(kb, contract.targets(kb, doc=doc, year=year, compare=compare, indicator=indicator))

    @app.get("/coverage", response_model=None, responses={200: {"model": Coverage}, **NOT_FOUND, **ERRORS},
             summary="对标对表：上级文件每一条是否被本文件覆盖（policykb coverage --doc ID --against ID --json）")
    def coverage(doc: str = Query(..., max_length=MAX_PARAM_CHARS, description="本级文件编号"),
                 against: str = Query(..., max_length=MAX_PARAM_CHARS, description="上级文件编号"),
                 kb: KB = Depends(kb)):
        return _answer(kb, kb.coverage(doc, against))

    @app.get("/healthz", response_model=None, responses={200: {"model": Health}, 503: ERRORS[503]},
             summary="服务与知识库是否可用（负载均衡健康检查）")
    def healthz(kb: KB = Depends(kb)):
        built_at = kb.reader.meta().get("built_at")  # values are stored as JSON
        return _answer(kb, {"status": "ok", "build": kb.build_dir.name,
                            "built_at": built_at and json.loads(built_at), "engine": build_engine(kb.build_dir)})

    @app.get("/api-docs", include_in_schema=False, response_class=HTMLResponse)
    def api_docs():
        return HTMLResponse(docs_page(app.openapi()))

    return app


def docs_page(spec: dict) -> str:
    """The API's description as one self-contained page (no scripts, no outside assets: it
    works on an intranet without internet access); every string is escaped."""
    e = html.escape
    rows = []
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            params = "".join(
                f"<tr><td><code>{e(p['name'])}</code></td><td>{e(p['in'])}</td>"
                f"<td>{'是' if p.get('required') else '否'}</td><td>{e(p.get('description', ''))}</td></tr>"
                for p in op.get("parameters", ()))
            codes = "、".join(e(c) for c in op.get("responses", {}))
            rows.append(f"<h2><code>{e(method.upper())} {e(path)}</code></h2><p>{e(op.get('summary', ''))}</p>"
                        + (f"<table><tr><th>参数</th><th>位置</th><th>必填</th><th>说明</th></tr>{params}</table>"
                           if params else "")
                        + f"<p>状态码：{codes}</p>")
    return ("<!doctype html><html lang='zh-CN'><head><meta charset='utf-8'>"
            f"<title>{e(spec['info']['title'])}</title><style>body{{font-family:sans-serif;max-width:60em;"
            "margin:2em auto;padding:0 1em}table{border-collapse:collapse}td,th{border:1px solid #ccc;"
            "padding:.2em .5em;text-align:left}</style></head><body>"
            f"<h1>{e(spec['info']['title'])}</h1><p>{e(spec['info'].get('description', ''))}</p>"
            "<p>机器可读的描述：<a href='/openapi.json'>/openapi.json</a>（OpenAPI 3）。出错时返回 "
            "<code>{\"error\": \"…\", \"parameter\": …}</code>。</p>" + "".join(rows) + "</body></html>")


# ---------------------------------------------------------------------------
# Serving
# ---------------------------------------------------------------------------

_RAW_BYTE = re.compile(rb"[\x80-\xff]")


class Protocol(H11Protocol):
    """uvicorn's HTTP/1.1 protocol (h11), also taking request lines with raw UTF-8.

    ``curl 'http://127.0.0.1:8000/search?q=高邮湖'`` sends the Chinese as raw bytes,
    which HTTP does not allow in a request line and h11 refuses (400). Bytes ≥ 0x80
    are percent-encoded before parsing, as a browser would have sent them. The API
    reads no request body, and no header value with such bytes (Origin is ASCII).
    """

    def data_received(self, data: bytes) -> None:
        super().data_received(_RAW_BYTE.sub(lambda m: b"%%%02X" % m[0][0], data))


def serve(host: str = "127.0.0.1", port: int = 8000, workers: int = 1, cors_origins: list[str] | None = None,
          access_log: bool = True) -> None:
    """Run the API with uvicorn (``policykb serve``); workers are separate processes."""
    import uvicorn

    if cors_origins:
        os.environ[CORS_ENV] = ",".join(cors_origins)
    uvicorn.run("policykb.server:create_app", factory=True, host=host, port=port, workers=workers,
                http="policykb.server:Protocol", access_log=access_log, proxy_headers=False,
                server_header=False)
