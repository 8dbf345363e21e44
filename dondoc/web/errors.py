"""dondoc's typed errors as HTTP: problem+json (RFC 9457) for the API, a page for people."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from pydantic import ValidationError
from starlette.exceptions import HTTPException

from dondoc.errors import DondocError, Unavailable
from dondoc.importer.problems import Problem, describe
from dondoc.schemas import Frozen
from dondoc.schemas.words import in_words
from dondoc.web.auth.limits import TooManyAttempts

log = structlog.get_logger("dondoc.web")
PROBLEM = "application/problem+json"


class Unauthenticated(DondocError):
    kind = "unauthenticated"
    http_status = 401

    def __init__(
        self, message: str = "sign in first: a session or `Authorization: Bearer`"
    ) -> None:
        super().__init__(message)


class CsrfFailed(DondocError):
    kind = "csrf_failed"
    http_status = 403

    def __init__(self) -> None:
        super().__init__("the form's CSRF token is missing or wrong; reload the page and try again")


def problem(status: int, kind: str, detail: str, **extra: Any) -> JSONResponse:
    body = {"type": f"urn:dondoc:error:{kind}", "title": kind.replace("_", " "), "status": status}
    body |= {"detail": detail, "kind": kind, **extra}
    return JSONResponse(body, status_code=status, media_type=PROBLEM)


def wants_page(request: Request) -> bool:
    return not request.url.path.startswith("/api/")


def install(app: FastAPI) -> None:
    app.add_exception_handler(DondocError, _dondoc)
    app.add_exception_handler(RequestValidationError, _invalid_request)
    app.add_exception_handler(ValidationError, _invalid_model)
    app.add_exception_handler(HTTPException, _http)


async def _dondoc(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, DondocError)
    if isinstance(exc, Unavailable):
        log.warning("web_unavailable", kind=exc.kind, path=request.url.path)
    headers = {}
    if isinstance(exc, TooManyAttempts):
        headers["Retry-After"] = str(max(1, round(exc.retry_after_s)))
    if wants_page(request):
        if isinstance(exc, Unauthenticated):
            return RedirectResponse(f"/login?next={quote(request.url.path)}", status_code=303)
        return _page(request, exc.http_status, exc.message, headers)
    extra: dict[str, Any] = {}
    problems = getattr(exc, "problems", None)
    if problems:
        extra["problems"] = [_plain(p) for p in problems]
    response = problem(exc.http_status, exc.kind, exc.message, **extra)
    response.headers.update(headers)
    return response


class ProblemOut(Frozen):
    """One problem of a directive file: its line, the item (its number), the field, the words."""

    line: int | None = None
    column: int | None = None
    item: str | None = None
    field: str
    message: str


ITEM_LOC = re.compile(r'^item "(?P<number>.*)" \(#\d+\)$')  # how the loader names an item


def _plain(p: object) -> object:
    if not isinstance(p, Problem):
        return str(p)
    loc, item = p.loc, None
    found = ITEM_LOC.match(str(loc[0])) if loc else None
    if found is not None:
        loc, item = loc[1:], found.group("number")
    out = ProblemOut(
        line=p.line, column=p.column, item=item, field=describe(loc), message=p.message
    )
    return out.model_dump(mode="json")


async def _invalid_request(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    errors = [
        {"loc": [str(x) for x in e.get("loc", ())], "message": str(e.get("msg", ""))}
        for e in exc.errors()
    ]
    detail = "; ".join(f"{'.'.join(e['loc'])}: {e['message']}" for e in errors)
    if wants_page(request):
        return _page(request, 422, detail)
    return problem(422, "invalid_input", detail, errors=errors)


async def _invalid_model(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ValidationError)
    detail = f"invalid input: {in_words(exc)}"
    if wants_page(request):
        return _page(request, 422, detail)
    return problem(422, "invalid_input", detail)


async def _http(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    kind = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
    if wants_page(request):
        return _page(request, exc.status_code, str(exc.detail), exc.headers)
    response = problem(exc.status_code, kind, str(exc.detail))
    response.headers.update(exc.headers or {})
    return response


def _page(request: Request, status: int, message: str, headers: Any = None) -> Response:
    from dondoc.web.pages import render

    return render(
        request,
        "error.html",
        {"status": status, "message": message},
        status=status,
        headers=headers,
    )
