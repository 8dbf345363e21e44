"""What pages and API share once the caller is allowed: sign-in, reports with files, actions,
directive uploads. Each step calls `starter` and `db`, never another face."""

from __future__ import annotations

import uuid
from collections.abc import Coroutine
from datetime import datetime, timedelta
from typing import Any, TypeVar

from fastapi import Request
from pydantic import BaseModel, Field, StrictBool, StrictInt
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from temporalio.api.workflowservice.v1 import GetSystemInfoRequest
from temporalio.service import RPCError

from dondoc.db.accounts import authenticate, create_token
from dondoc.errors import InvalidFile, InvalidInput, NotFound, ServerUnreachable
from dondoc.importer.calendar_file import read_site_overrides
from dondoc.importer.problems import DirectiveFileError
from dondoc.importer.yaml_file import parse_directive
from dondoc.schemas import Frozen
from dondoc.schemas.accounts import Account
from dondoc.schemas.directive import DirectivePlan
from dondoc.schemas.lifecycle import ActionResult
from dondoc.schemas.messages import Note, ReportId, ReportInput, ReportResult
from dondoc.starter import Started, send_action, send_report, start_plan
from dondoc.web import evidence
from dondoc.web.actions import Action, is_action_input
from dondoc.web.auth.limits import login_keys
from dondoc.web.deps import Services, now
from dondoc.web.errors import Unauthenticated

MAX_DIRECTIVE_BYTES = 2_000_000  # the loader's own limit
R = TypeVar("R")


class ReportBody(Frozen):
    """`POST …/reports`: the unit is the caller's; `report_id` makes a retry count once."""

    progress: StrictInt = Field(default=0, ge=0, le=100)
    note: Note | None = None
    done: StrictBool = False
    report_id: ReportId | None = None


class Credentials(Frozen):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)


class TokenOut(Frozen):
    token: str
    expires_at: datetime


class StartedOut(Frozen):
    workflow_id: str
    past_due: list[str]


async def sign_in(svc: Services, request: Request, creds: Credentials) -> Account:
    """The account, or 401 (the same words for a wrong name and a wrong password); 429 once
    the name or the address has failed too often."""
    keys = login_keys(creds.username, request.client.host if request.client else "?")
    svc.limiter.check(keys)
    account = await run_in_threadpool(authenticate, svc.sessions, creds.username, creds.password)
    if account is None:
        svc.limiter.failed(keys)
        raise Unauthenticated("wrong username or password (sai tên đăng nhập hoặc mật khẩu)")
    return account


async def short_token(svc: Services, account: Account) -> TokenOut:
    at = now()
    expires = at + timedelta(minutes=svc.settings.web.api_session_minutes)
    token, _ = await run_in_threadpool(
        create_token, svc.sessions, account.username, at, "session", expires
    )
    return TokenOut(token=token, expires_at=expires)


async def read_uploads(svc: Services, files: list[UploadFile]) -> list[evidence.Upload]:
    limit = int(svc.settings.web.evidence_max_mb * 1_000_000)
    found = []
    for f in files:
        data = await f.read(limit + 1)
        if not f.filename and not data:
            continue  # an empty file field of a form
        found.append(evidence.Upload(f.filename or "tep", data))
    return found


async def report(
    svc: Services,
    who: Account,
    code: str,
    number: str,
    body: ReportBody,
    uploads: list[evidence.Upload],
) -> ReportResult:
    """Send the report as the caller's unit; once accepted, keep its files (checked first)."""
    kinds = evidence.check(uploads, int(svc.settings.web.evidence_max_mb * 1_000_000))
    values = body.model_dump(exclude_none=True)
    values.setdefault("report_id", str(uuid.uuid4()))
    inp = ReportInput(**values, unit=who.unit, by=who.username)
    result = await reachable(svc, send_report(svc.client, code, number, inp))
    if uploads:
        folder = svc.settings.web.evidence_dir
        stored = [
            (up, kind, await run_in_threadpool(evidence.store, folder, up.data))
            for up, kind in zip(uploads, kinds, strict=True)
        ]
        await run_in_threadpool(
            evidence.record,
            svc.sessions,
            code,
            number,
            result.report_id,
            stored,
            who.unit,
            who.username,
            now(),
        )
    return result


async def send(
    svc: Services, who: Account, code: str, number: str, action: Action, body: BaseModel
) -> ActionResult:
    """One lifecycle action as the caller (its unit as `unit` or `actor`, its name as `by`)."""
    inp = await run_in_threadpool(action.build, svc.sessions, code, who, body)
    if not is_action_input(inp):
        raise InvalidInput(f"not an action: {action.op}")
    return await reachable(svc, send_action(svc.client, code, number, inp))


async def reachable(svc: Services, call: Coroutine[Any, Any, R]) -> R:
    """The call's answer; a "no such workflow" for an item the database has is a Temporal
    server that cannot be reached (503), when the server does not answer a health probe."""
    try:
        return await call
    except NotFound:
        try:
            await svc.client.workflow_service.get_system_info(
                GetSystemInfoRequest(), timeout=timedelta(seconds=5)
            )
        except RPCError:
            raise ServerUnreachable(
                f"the Temporal server at {svc.settings.temporal_address} does not answer;"
                " nothing was sent: try again once it is back"
            ) from None
        raise


async def start_directive(svc: Services, data: bytes) -> Started:
    """A directive YAML: every problem with its line (422), nothing started until it is valid."""
    if len(data) > MAX_DIRECTIVE_BYTES:
        raise InvalidInput(f"a directive file is at most {MAX_DIRECTIVE_BYTES // 1_000_000} MB")

    def plan_of() -> DirectivePlan:
        site = read_site_overrides(svc.settings.calendar_file)
        try:
            return parse_directive(data, "directive.yaml", None, site)
        except DirectiveFileError as exc:
            raise InvalidFile(exc.render(), exc.problems) from None

    plan = await run_in_threadpool(plan_of)
    return await start_plan(svc.client, svc.sessions, svc.settings, plan)
