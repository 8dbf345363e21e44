"""Client side of the CLI: start directives, send reports, read status and lists."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import select
from temporalio.client import Client, WorkflowExecutionStatus, WorkflowUpdateFailedError
from temporalio.common import SearchAttributePair, TypedSearchAttributes, WorkflowIDReusePolicy
from temporalio.exceptions import ApplicationError, WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode

from dondoc.config import Settings, directive_workflow_id, item_workflow_id
from dondoc.db.migrate import upgrade
from dondoc.db.models import Directive
from dondoc.db.queries import UnknownDirectiveError, count_items, directive_view, list_items
from dondoc.db.session import SessionFactory, make_engine, session_factory
from dondoc.db.store import StoreOutcome, store_directive
from dondoc.errors import DondocError
from dondoc.importer.yaml_file import DirectiveFileError, load_directive
from dondoc.schemas import Frozen
from dondoc.schemas.dates import end_of_day, parse_due, to_utc
from dondoc.schemas.directive import DirectivePlan
from dondoc.schemas.lifecycle import ActionResult
from dondoc.schemas.messages import DirectiveInput, ReportInput, ReportResult
from dondoc.schemas.views import DirectiveView, ItemRow
from dondoc.workflows.directive import DIRECTIVE_KEY, DirectiveWorkflow

UPDATE_WAIT_S = 30.0
UPDATE_ATTEMPTS = 5
TRANSIENT_UPDATE_FAILURE = "unexpected workflow task failure"
R = TypeVar("R")


def open_database(settings: Settings) -> SessionFactory:
    engine = make_engine(settings.database_url)
    upgrade(engine)
    return session_factory(engine)


def read_plan(path: Path) -> DirectivePlan:
    try:
        return load_directive(path)
    except DirectiveFileError as exc:
        raise DondocError(exc.render()) from None


@dataclass(frozen=True)
class Started:
    workflow_id: str
    past_due: list[str]


async def start_plan(
    client: Client, sessions: SessionFactory, settings: Settings, plan: DirectivePlan
) -> Started:
    """Store the plan, then start its workflow; a directive code runs at most once."""
    wf_id = directive_workflow_id(plan.code)
    try:
        desc = await client.get_workflow_handle(wf_id).describe()
    except RPCError as err:
        if err.status != RPCStatusCode.NOT_FOUND:
            raise
    else:
        raise DondocError(
            f"directive '{plan.code}' was already started (workflow {wf_id},"
            f" {desc.status.name.lower() if desc.status else 'unknown'}); it is never started twice"
        )
    now = datetime.now(UTC)
    if store_directive(sessions, plan, now) == StoreOutcome.CONFLICT:
        raise DondocError(
            f"directive code '{plan.code}' is already stored with different content;"
            " give the new directive its own code"
        )
    try:
        await client.start_workflow(
            DirectiveWorkflow.run,
            DirectiveInput(code=plan.code, item_count=len(plan.items)),
            id=wf_id,
            task_queue=settings.task_queue,
            id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
            search_attributes=TypedSearchAttributes(
                [SearchAttributePair(DIRECTIVE_KEY, plan.code)]
            ),
        )
    except WorkflowAlreadyStartedError:
        raise DondocError(f"directive '{plan.code}' was already started ({wf_id})") from None
    past = [i.number for i in plan.items if i.due <= now]
    return Started(workflow_id=wf_id, past_due=past)


async def send_report(client: Client, code: str, number: str, report: ReportInput) -> ReportResult:
    # The report id doubles as the update id: the server answers a retry with the first result,
    # and the workflow and the database recognise it; so every report gets one before sending.
    if report.report_id is None:
        report = report.model_copy(update={"report_id": str(uuid.uuid4())})
    return await item_update(
        client, code, number, "report", report, ReportResult, update_id=report.report_id
    )


async def send_action(
    client: Client, code: str, number: str, name: str, arg: Frozen
) -> ActionResult:
    """One lifecycle action (an Update named `name`) on an item."""
    return await item_update(client, code, number, name, arg, ActionResult)


async def item_update(
    client: Client,
    code: str,
    number: str,
    name: str,
    arg: Frozen,
    result_type: type[R],
    update_id: str | None = None,
) -> R:
    """Run an Update on an item workflow, turning every refusal into one plain message.

    An update caught in a workflow task the server turned back (new events arrived meanwhile)
    fails without having happened; it is sent again under the same update id, so it counts once.
    """
    handle = client.get_workflow_handle(item_workflow_id(code, number))
    what = name.replace("_", " ")
    update_id = update_id or str(uuid.uuid4())
    try:
        for attempt in range(UPDATE_ATTEMPTS):
            try:
                return await asyncio.wait_for(
                    handle.execute_update(name, arg, id=update_id, result_type=result_type),
                    timeout=UPDATE_WAIT_S,
                )
            except RPCError as err:
                if TRANSIENT_UPDATE_FAILURE not in err.message or attempt + 1 == UPDATE_ATTEMPTS:
                    raise
                await asyncio.sleep(0.2 * 2**attempt)
        raise AssertionError("unreachable")
    except WorkflowUpdateFailedError as err:
        cause = err.cause
        reason = cause.message if isinstance(cause, ApplicationError) else str(cause or err)
        raise DondocError(f"{what} rejected: {reason}") from None
    except TimeoutError:
        raise DondocError(
            f"no worker answered within {UPDATE_WAIT_S:.0f} s: is `dondoc worker` running?"
        ) from None
    except RPCError as err:
        raise DondocError(await _why_not_running(client, code, number, err)) from None


async def _why_not_running(client: Client, code: str, number: str, err: RPCError) -> str:
    """Turn the server's answer to an update on a missing or closed workflow into plain words."""
    try:
        desc = await client.get_workflow_handle(item_workflow_id(code, number)).describe()
    except RPCError:
        try:
            await client.get_workflow_handle(directive_workflow_id(code)).describe()
        except RPCError:
            return f"unknown directive '{code}': no such directive has been started"
        return f"directive '{code}' has no item '{number}'"
    if desc.status != WorkflowExecutionStatus.RUNNING:
        return f"rejected: item {number} of '{code}' is already closed; nothing more can be done"
    return f"report not delivered: {err.message}"


def deadline_instant(sessions: SessionFactory, code: str, text: str) -> datetime:
    """A deadline typed by a person (dd/mm/yyyy, or ISO with offset) in the directive's timezone."""
    with sessions() as s:
        tz = s.scalars(select(Directive.timezone).where(Directive.code == code)).one_or_none()
    if tz is None:
        raise DondocError(f"no directive with code '{code}' has been started")
    try:
        value = parse_due(text)
    except ValueError as exc:
        raise DondocError(str(exc)) from None
    if isinstance(value, datetime):
        return to_utc(value)
    return to_utc(end_of_day(value, ZoneInfo(tz)))


def status_view(sessions: SessionFactory, code: str) -> DirectiveView:
    try:
        return directive_view(sessions, code, datetime.now(UTC))
    except UnknownDirectiveError as exc:
        raise DondocError(str(exc)) from None


def item_rows(
    sessions: SessionFactory,
    *,
    overdue: bool = False,
    unit: str | None = None,
    limit: int | None = None,
    page: int = 1,
) -> tuple[list[ItemRow], int]:
    """One page of the list (all rows with `limit=None`), and how many rows there are in all."""
    now = datetime.now(UTC)
    offset = (page - 1) * limit if limit else 0
    rows = list_items(sessions, now, overdue=overdue, unit=unit, limit=limit, offset=offset)
    total = count_items(sessions, now, overdue=overdue, unit=unit) if limit else len(rows)
    return rows, total


__all__ = [
    "Path",
    "Started",
    "item_rows",
    "open_database",
    "read_plan",
    "send_report",
    "start_plan",
]
