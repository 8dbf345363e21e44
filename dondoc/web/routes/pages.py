"""The Vietnamese pages: sign-in, a unit's inbox, a directive, an item with its forms, the
supervisor lists, a directive upload. Plain forms with a CSRF token; no JavaScript needed."""

# No `from __future__ import annotations`: the action routes are built in a loop (see api.py).

import secrets
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from dondoc.db.accounts import close_session, open_session
from dondoc.errors import DondocError, InvalidFile, UnknownItem
from dondoc.schemas.messages import ItemStatus
from dondoc.schemas.words import in_words
from dondoc.starter import status_view
from dondoc.web import reads, service
from dondoc.web.actions import ACTIONS, Action, from_form, widgets
from dondoc.web.auth.policy import COMMITTEE_ACTS, UNIT_ACTS, Op, Target, allowed
from dondoc.web.deps import (
    LOGIN_CSRF_COOKIE,
    SESSION_COOKIE,
    Caller,
    Services,
    caller,
    now,
    optional_caller,
    permit,
    services,
)
from dondoc.web.errors import Unauthenticated
from dondoc.web.pages import item_timeline, item_url, path_code, render
from dondoc.web.routes.api import form_report, visible

router = APIRouter(include_in_schema=False)
Svc = Annotated[Services, Depends(services)]
PAGE = 50
CLOSED = {ItemStatus.COMPLETED_ON_TIME, ItemStatus.COMPLETED_LATE, ItemStatus.RECALLED}
ITEM = "/d/{code:path}/items/{number}"


def _cookie_args(svc: Services) -> dict[str, Any]:
    return {"httponly": True, "samesite": "lax", "secure": svc.settings.web.secure_cookies}


def _safe_next(value: str | None) -> str:
    return value if value and value.startswith("/") and not value.startswith("//") else "/"


def _login_page(
    request: Request, svc: Services, next_url: str, error: str | None = None, status: int = 200
) -> Response:
    token = secrets.token_urlsafe(32)
    response = render(
        request, "login.html", {"login_csrf": token, "next": next_url, "error": error}, status
    )
    response.set_cookie(LOGIN_CSRF_COOKIE, token, max_age=3600, **_cookie_args(svc))
    return response


@router.get("/login")
async def login_form(svc: Svc, request: Request, next: str = "/") -> Response:
    return _login_page(request, svc, _safe_next(next))


@router.post("/login")
async def login(
    svc: Svc,
    request: Request,
    username: Annotated[str, Form(max_length=64)] = "",
    password: Annotated[str, Form(max_length=256)] = "",
    csrf: Annotated[str, Form(max_length=100)] = "",
    next: Annotated[str, Form(max_length=500)] = "/",
) -> Response:
    expected = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not csrf or not secrets.compare_digest(csrf, expected):
        return _login_page(
            request, svc, _safe_next(next), "Phiên đăng nhập đã cũ, hãy thử lại.", 403
        )
    try:
        account = await service.sign_in(
            svc, request, service.Credentials(username=username or "?", password=password or "?")
        )
    except Unauthenticated:
        return _login_page(request, svc, _safe_next(next), "Sai tên đăng nhập hoặc mật khẩu.", 401)
    lifetime = svc.settings.web.session_hours
    from datetime import timedelta

    opened = await run_in_threadpool(
        open_session, svc.sessions, account, now(), timedelta(hours=lifetime)
    )
    response = RedirectResponse(_safe_next(next), status_code=303)
    response.set_cookie(
        SESSION_COOKIE, opened.key, max_age=int(lifetime * 3600), **_cookie_args(svc)
    )
    response.delete_cookie(LOGIN_CSRF_COOKIE)
    return response


@router.get("/logout")
async def logout_form(request: Request) -> Response:
    who = await optional_caller(request)
    if who is None:
        return RedirectResponse("/login", status_code=303)
    request.state.account, request.state.csrf = who.account, who.csrf
    return render(request, "logout.html", {})


@router.post("/logout")
async def logout(svc: Svc, who: Annotated[Caller, Depends(caller)]) -> Response:
    if who.session_key:
        await run_in_threadpool(close_session, svc.sessions, who.session_key, now())
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.get("/")
async def inbox(svc: Svc, request: Request, who: Annotated[Caller, Depends(caller)]) -> Response:
    rows = await run_in_threadpool(reads.inbox, svc.sessions, who.account.unit, now())
    can_ack = allowed(who.account, Op.ACK, Target(units=frozenset({who.account.unit})))
    return render(request, "inbox.html", {"rows": rows, "can_ack": can_ack})


@router.get("/lists")
async def lists(
    svc: Svc,
    request: Request,
    who: Annotated[Caller, Depends(permit(Op.LIST))],
    kind: reads.ListKind = reads.ListKind.OVERDUE,
    unit: Annotated[str | None, Query(max_length=64)] = None,
    directive: Annotated[str | None, Query(max_length=200)] = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    rows, total = await run_in_threadpool(
        reads.item_page,
        svc.sessions,
        now(),
        kind,
        unit=unit or None,
        directive=directive or None,
        limit=PAGE,
        page=page,
    )
    pages = max(1, -(-total // PAGE))
    query = f"kind={kind.value}&unit={quote(unit or '')}&directive={quote(directive or '')}"
    return render(
        request,
        "lists.html",
        {
            "rows": rows,
            "total": total,
            "page": page,
            "pages": pages,
            "kind": kind.value,
            "unit": unit or "",
            "directive": directive or "",
            "query": query,
        },
    )


@router.get("/directives/new")
async def new_directive(
    request: Request, who: Annotated[Caller, Depends(permit(Op.START))]
) -> Response:
    return render(request, "new.html", {})


@router.post("/directives/new")
async def upload_directive(
    svc: Svc, request: Request, who: Annotated[Caller, Depends(permit(Op.START))]
) -> Response:
    form = await request.form(max_files=1, max_fields=5)
    upload = form.get("file")
    data = b"" if upload is None or isinstance(upload, str) else await upload.read()
    try:
        started = await service.start_directive(svc, data)
    except InvalidFile as exc:
        return render(request, "new.html", {"error": exc.message, "problems": exc.problems}, 422)
    except DondocError as exc:
        return render(request, "new.html", {"error": exc.message}, exc.http_status)
    code = started.workflow_id.removeprefix("dondoc/")
    return RedirectResponse(f"/d/{path_code(code)}", status_code=303)


async def _item_page(
    svc: Services,
    request: Request,
    who: Caller,
    code: str,
    number: str,
    error: str | None = None,
    status: int = 200,
) -> Response:
    view = await run_in_threadpool(status_view, svc.sessions, code)
    item = next((i for i in view.items if i.number == number), None)
    if item is None:
        raise UnknownItem(code, number)
    tz = view.directive.timezone
    from zoneinfo import ZoneInfo

    reports = await run_in_threadpool(reads.item_reports, svc.sessions, code, number, ZoneInfo(tz))
    files = await run_in_threadpool(reads.item_evidence, svc.sessions, code, number, ZoneInfo(tz))
    target = Target(committee=view.directive.committee, units=frozenset(u.code for u in item.units))
    mine = next((u for u in item.units if u.code == who.account.unit), None)
    shown = [] if item.status in CLOSED else [*UNIT_ACTS[1:], *COMMITTEE_ACTS]
    if mine is not None and (mine.received_at or mine.refused_at):
        shown = [op for op in shown if op not in (Op.ACK, Op.REFUSE)]
    forms = [
        (ACTIONS[op], widgets(ACTIONS[op])) for op in shown if allowed(who.account, op, target)
    ]
    context = {
        "d": view.directive,
        "item": item,
        "timeline": item_timeline(item, reports),
        "files": files,
        "forms": forms,
        "can_report": item.status not in CLOSED and allowed(who.account, Op.REPORT, target),
        "error": error,
        "done": request.query_params.get("done"),
    }
    return render(request, "item.html", context, status)


@router.get(ITEM)
async def item_page(
    svc: Svc,
    request: Request,
    code: str,
    number: str,
    who: Annotated[Caller, Depends(permit(Op.READ))],
) -> Response:
    return await _item_page(svc, request, who, code, number)


@router.post(ITEM + "/report")
async def report_form(
    svc: Svc,
    request: Request,
    code: str,
    number: str,
    who: Annotated[Caller, Depends(permit(Op.REPORT))],
) -> Response:
    form = await request.form(max_files=10, max_fields=20)
    try:
        body = form_report(form)
        files = [f for f in form.getlist("files") if not isinstance(f, str)]
        uploads = await service.read_uploads(svc, files)
        await service.report(svc, who.account, code, number, body, uploads)
    except ValidationError as exc:
        return await _item_page(svc, request, who, code, number, in_words(exc), 422)
    except DondocError as exc:
        return await _item_page(svc, request, who, code, number, exc.message, exc.http_status)
    return RedirectResponse(item_url(code, number) + "?done=report", status_code=303)


def _action_form(action: Action) -> None:
    async def run(
        svc: Svc,
        request: Request,
        code: str,
        number: str,
        who: Annotated[Caller, Depends(permit(action.op))],
    ) -> Response:
        form = await request.form(max_files=0, max_fields=20)
        back = form.get("back")
        try:
            body = from_form(action, {k: v for k, v in form.items() if isinstance(v, str)})
            await service.send(svc, who.account, code, number, action, body)
        except ValidationError as exc:
            return await _item_page(svc, request, who, code, number, in_words(exc), 422)
        except DondocError as exc:
            return await _item_page(svc, request, who, code, number, exc.message, exc.http_status)
        if back == "inbox":
            return RedirectResponse("/", status_code=303)
        return RedirectResponse(item_url(code, number) + f"?done={action.op.value}", 303)

    router.add_api_route(ITEM + f"/act/{action.op.value}", run, methods=["POST"])


for _action in ACTIONS.values():
    _action_form(_action)


@router.get("/d/{code:path}")
async def directive_page(
    svc: Svc, request: Request, code: str, who: Annotated[Caller, Depends(permit(Op.READ))]
) -> Response:
    view = visible(await run_in_threadpool(status_view, svc.sessions, code), who.account)
    return render(request, "directive.html", {"view": view, "d": view.directive})
