"""The JSON API under /api/v1: the same models as the CLI's `--json`, problem+json errors."""

# No `from __future__ import annotations`: the action routes are built in a loop, and FastAPI
# reads their annotations (closures) as objects.
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import FileResponse
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from dondoc.errors import NotFound
from dondoc.schemas.accounts import Account
from dondoc.schemas.lifecycle import ActionResult
from dondoc.schemas.messages import ReportResult
from dondoc.schemas.views import DirectiveView, ItemList
from dondoc.starter import status_view
from dondoc.web import evidence, reads, service
from dondoc.web.actions import ACTIONS, Action
from dondoc.web.auth.policy import Op, Scope, scope_of
from dondoc.web.deps import Caller, Services, caller, now, permit, services
from dondoc.web.errors import PROBLEM
from dondoc.web.service import Credentials, ReportBody, StartedOut, TokenOut

router = APIRouter(prefix="/api/v1")
Svc = Annotated[Services, Depends(services)]
ITEM = "/directives/{code:path}/items/{number}"
ERRORS: dict[int | str, dict[str, Any]] = {
    s: {"description": d, "content": {PROBLEM: {}}}
    for s, d in {
        401: "not signed in",
        403: "not allowed for this role or unit",
        404: "unknown directive or item",
        409: "a business rule refused it",
        422: "invalid input",
        503: "Temporal or the database unreachable",
    }.items()
}
MAX_FORM_FILES = evidence.MAX_FILES


@router.post("/session", responses={401: ERRORS[401], 429: {"description": "too many failures"}})
async def open_session(svc: Svc, request: Request, creds: Credentials) -> TokenOut:
    """A short-lived bearer token for a username and password."""
    account = await service.sign_in(svc, request, creds)
    return await service.short_token(svc, account)


@router.get("/me", responses={401: ERRORS[401]})
async def me(who: Annotated[Caller, Depends(caller)]) -> Account:
    return who.account


@router.get("/items", responses=ERRORS)
async def items(
    svc: Svc,
    who: Annotated[Caller, Depends(permit(Op.LIST))],
    status: reads.ListKind = reads.ListKind.OPEN,
    unit: Annotated[str | None, Query(min_length=1, max_length=64)] = None,
    directive: Annotated[str | None, Query(min_length=1, max_length=200)] = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> ItemList:
    """The rows of `dondoc list --json`, most urgent deadline first (a unit: `unit=` its own)."""
    rows, total = await run_in_threadpool(
        reads.item_page,
        svc.sessions,
        now(),
        status,
        unit=unit,
        directive=directive,
        limit=limit,
        page=page,
    )
    return ItemList(items=rows, total=total, page=page, limit=limit)


@router.post("/directives", status_code=201, responses=ERRORS)
async def start(
    svc: Svc, request: Request, who: Annotated[Caller, Depends(permit(Op.START))]
) -> StartedOut:
    """Start a directive from its YAML (the body); 422 lists every problem with its line."""
    started = await service.start_directive(svc, await request.body())
    return StartedOut(workflow_id=started.workflow_id, past_due=started.past_due)


REPORT_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": ReportBody.model_json_schema()},
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "progress": {"type": "integer", "minimum": 0, "maximum": 100},
                        "note": {"type": "string", "maxLength": 4000},
                        "done": {"type": "boolean"},
                        "report_id": {"type": "string", "minLength": 1, "maxLength": 200},
                        "files": {"type": "array", "items": {"type": "string", "format": "binary"}},
                    },
                }
            },
        },
    }
}


@router.post(ITEM + "/reports", responses=ERRORS, openapi_extra=REPORT_BODY)
async def report(
    svc: Svc,
    request: Request,
    code: str,
    number: str,
    who: Annotated[Caller, Depends(permit(Op.REPORT))],
) -> ReportResult:
    """A progress report as the caller's unit (JSON, or multipart with evidence files)."""
    uploads: list[evidence.Upload] = []
    if request.headers.get("content-type", "").startswith("multipart/form-data"):
        form = await request.form(max_files=MAX_FORM_FILES, max_fields=20)
        body = form_report(form)
        files = [f for f in form.getlist("files") if not isinstance(f, str)]
        uploads = await service.read_uploads(svc, files)
    else:
        body = ReportBody.model_validate_json(await request.body())
    return await service.report(svc, who.account, code, number, body, uploads)


def form_report(form: Any) -> ReportBody:
    """A report from form fields: numbers and check boxes as a browser sends them."""
    values: dict[str, Any] = {}
    progress = (form.get("progress") or "").strip()
    if progress:
        try:
            values["progress"] = int(progress)
        except ValueError:
            values["progress"] = progress  # refused by the model, in its words
    values["done"] = (form.get("done") or "") in ("1", "true", "on", "yes")
    for name in ("note", "report_id"):
        value = form.get(name)
        if isinstance(value, str) and value.strip():
            values[name] = value
    return ReportBody.model_validate(values)


def _action_route(action: Action) -> None:
    async def run(
        svc: Svc,
        code: str,
        number: str,
        body: BaseModel,
        who: Annotated[Caller, Depends(permit(action.op))],
    ) -> ActionResult:
        return await service.send(svc, who.account, code, number, action, body)

    run.__annotations__["body"] = action.body  # this action's own model, in the schema too
    run.__doc__ = action.input.__doc__
    router.add_api_route(
        ITEM + f"/actions/{action.op.value}",
        run,
        methods=["POST"],
        name=f"action_{action.op.value}",
        responses=ERRORS,
    )


for _action in ACTIONS.values():
    _action_route(_action)


@router.get("/evidence/{evidence_id}", responses=ERRORS)
async def evidence_file(
    svc: Svc, evidence_id: int, who: Annotated[Caller, Depends(permit(Op.READ))]
) -> FileResponse:
    """An evidence file, to those who may read its item; always a download, never rendered."""
    found = await run_in_threadpool(
        evidence.locate, svc.sessions, svc.settings.web.evidence_dir, evidence_id
    )
    if not found.path.exists():
        raise NotFound(f"evidence file {evidence_id} is missing from the evidence folder")
    return FileResponse(
        found.path,
        media_type=found.content_type,
        filename=found.filename,
        headers={"X-Content-Type-Options": "nosniff", "Cache-Control": "private, no-store"},
    )


@router.get("/directives/{code:path}", responses=ERRORS)
async def directive(
    svc: Svc, code: str, who: Annotated[Caller, Depends(permit(Op.READ))]
) -> DirectiveView:
    """The model of `dondoc status --json`; a unit sees only the items it is assigned."""
    view = await run_in_threadpool(status_view, svc.sessions, code)
    return visible(view, who.account)


def visible(view: DirectiveView, account: Account) -> DirectiveView:
    if scope_of(account, Op.READ) == Scope.ANY:
        return view
    mine = [i for i in view.items if any(u.code == account.unit for u in i.units)]
    return view.model_copy(update={"items": mine})
