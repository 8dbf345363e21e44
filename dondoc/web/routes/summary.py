"""The summaries at a cut-off: /summary, /d/{code}/summary with the directive's timeline, the
report as XLSX or PDF, and the same figures as JSON at /api/v1/summary.

Who sees what follows the authorization table (auth/policy.py), which has no rule of its own
for summaries: a summary across directives is a list across units (`Op.LIST`), a directive's is
a read of it (`Op.READ`). A supervisor sees everything (or one unit with `unit=`); a unit sees
only its own rows, since it may read only the items it is assigned; and the report, which has
every item of the directive, is for those who may read every item (`Scope.ANY`).
"""

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from dondoc.errors import Forbidden
from dondoc.schemas.summary import Cutoff, Summary
from dondoc.web.auth.policy import SITE, Op, Scope, Target, authorize, scope_of
from dondoc.web.deps import Caller, Services, caller, now, permit, services
from dondoc.web.errors import problem
from dondoc.web.pages import path_code, render
from dondoc.web.routes.api import ERRORS
from dondoc.web.summary_form import (
    BY_VN,
    FIELD_VN,
    By,
    SummaryForm,
    SummaryInputError,
    parse_cutoff,
    parse_form,
)
from dondoc.web.summary_view import (
    CONTENT_TYPE,
    ExportFormat,
    compute,
    directive_page,
    disposition,
    export_file,
    summary_page,
)

router = APIRouter(include_in_schema=False)
api_router = APIRouter(prefix="/api/v1")
Svc = Annotated[Services, Depends(services)]
Text = Annotated[str | None, Query(max_length=200)]
Start = Annotated[str | None, Query(alias="from", max_length=200)]
End = Annotated[str | None, Query(alias="to", max_length=200)]
DIRECTIVE = "/d/{code:path}"


@dataclass(frozen=True)
class Reader:
    who: Caller
    unit: str | None  # only this unit's rows
    own: bool  # the unit is the caller's own, and cannot be changed


async def summary_reader(request: Request, who: Annotated[Caller, Depends(caller)]) -> Reader:
    """The caller, once the table lets it list what the summary covers: a supervisor any unit
    or all; a unit its own (without `unit=`, its own is meant)."""
    asked = (request.query_params.get("unit") or "").strip() or None
    own = scope_of(who.account, Op.LIST) == Scope.ASSIGNED
    unit = asked or (who.account.unit if own else None)
    authorize(who.account, Op.LIST, Target(units=frozenset({unit})) if unit else SITE)
    return Reader(who, unit, own)


def _context(form: SummaryForm, action: str, **extra: Any) -> dict[str, Any]:
    values = {
        "as_of": form.as_of,
        "period": form.period,
        "from": form.start,
        "to": form.end,
        "directive": form.directive,
        "unit": form.unit,
    }
    words = {"FIELD": FIELD_VN, "BY": BY_VN}
    return {"form": form, "values": values, "action": action, **words, **extra}


@router.get("/summary")
async def summary(
    svc: Svc,
    request: Request,
    reader: Annotated[Reader, Depends(summary_reader)],
    as_of: Text = None,
    period: Text = None,
    start: Start = None,
    end: End = None,
    directive: Annotated[str | None, Query(max_length=200)] = None,
    by: Text = None,
) -> Response:
    form = SummaryForm.of(
        as_of=as_of,
        period=period,
        start=start,
        end=end,
        directive=directive,
        by=by,
        unit=reader.unit,
    )
    context = _context(form, "/summary", unit_locked=reader.own)
    try:
        page = await run_in_threadpool(summary_page, svc.sessions, parse_form(form), now())
    except SummaryInputError as exc:
        context |= {"error": exc.message, "field": exc.field}
        return render(request, "summary.html", context, exc.http_status)
    return render(request, "summary.html", {**context, "page": page})


@router.get(DIRECTIVE + "/summary")
async def directive_summary(
    svc: Svc,
    request: Request,
    code: str,
    who: Annotated[Caller, Depends(permit(Op.READ))],
    as_of: Text = None,
    period: Text = None,
    start: Start = None,
    end: End = None,
    by: Text = None,
) -> Response:
    everything = scope_of(who.account, Op.READ) == Scope.ANY
    form = SummaryForm.of(
        as_of=as_of,
        period=period,
        start=start,
        end=end,
        directive=code,
        by=by,
        unit=None if everything else who.account.unit,
    )
    action = f"/d/{path_code(code)}/summary"
    context = _context(form, action, code=code, downloads=everything)
    try:
        query = parse_form(form)
        page = await run_in_threadpool(directive_page, svc.sessions, query, now())
    except SummaryInputError as exc:
        context |= {"error": exc.message, "field": exc.field}
        return render(request, "directive_summary.html", context, exc.http_status)
    context |= {"page": page, "download_as_of": query.download_as_of}
    return render(request, "directive_summary.html", context)


@router.get(DIRECTIVE + "/export.{fmt}")
async def export(
    svc: Svc,
    code: str,
    fmt: ExportFormat,
    who: Annotated[Caller, Depends(permit(Op.READ))],
    as_of: Text = None,
) -> Response:
    """The report `dondoc export` writes, at the cut-off (default now), as a download."""
    if scope_of(who.account, Op.READ) != Scope.ANY:
        raise Forbidden(
            "Báo cáo gồm mọi nhiệm vụ của văn bản, kể cả của đơn vị khác: chỉ người được xem"
            " mọi nhiệm vụ mới tải được. Số liệu của đơn vị có ở trang Tổng hợp."
        )
    cutoff = parse_cutoff((as_of or "").strip()) or Cutoff(instant=now())
    data, name = await run_in_threadpool(export_file, svc.sessions, code, cutoff, fmt)
    headers = {"Content-Disposition": disposition(name), "Cache-Control": "private, no-store"}
    return Response(data, media_type=CONTENT_TYPE[fmt], headers=headers)


@api_router.get("/summary", response_model=Summary, responses=ERRORS)
async def summary_json(
    svc: Svc,
    reader: Annotated[Reader, Depends(summary_reader)],
    as_of: Annotated[
        str | None,
        Query(max_length=100, description="cut-off: 2024-06-14, 14/06/2024 or an ISO instant"),
    ] = None,
    period: Annotated[
        str | None, Query(max_length=100, description="2024, 2024-Q2 or 2024-05")
    ] = None,
    start: Annotated[str | None, Query(alias="from", max_length=100)] = None,
    end: Annotated[str | None, Query(alias="to", max_length=100)] = None,
    directive: Annotated[str | None, Query(max_length=200)] = None,
    by: By = "unit",
    unit: Annotated[str | None, Query(max_length=64, description="only this unit's rows")] = None,
) -> Summary | JSONResponse:
    """The model of `dondoc summary --json`; a unit gets its own rows only (and their total).
    A field that cannot be used is a problem+json naming it in `field`."""
    form = SummaryForm.of(
        as_of=as_of,
        period=period,
        start=start,
        end=end,
        directive=directive,
        by=by,
        unit=reader.unit,
    )
    try:
        return await run_in_threadpool(compute, svc.sessions, parse_form(form), now())
    except SummaryInputError as exc:
        return problem(exc.http_status, exc.kind, exc.message, field=exc.field)
