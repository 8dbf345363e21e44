"""The client-side service every face calls: start directives, send reports and actions, read.

Each Temporal call is made through the workflow's own typed method (no update named by a string
at a call site) and each refusal comes back as a typed error from `dondoc.errors`.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Coroutine
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar, cast
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.exc import OperationalError
from temporalio.client import (
    Client,
    WorkflowUpdateFailedError,
    WorkflowUpdateRPCTimeoutOrCancelledError,
)
from temporalio.common import SearchAttributePair, TypedSearchAttributes, WorkflowIDReusePolicy
from temporalio.exceptions import ApplicationError, WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode
from temporalio.workflow import UpdateMethodMultiParam

from dondoc import outcomes
from dondoc.config import Settings, directive_workflow_id, item_workflow_id
from dondoc.db.models import Directive
from dondoc.db.queries import count_items, directive_view, list_items
from dondoc.db.session import SessionFactory
from dondoc.db.store import StoreOutcome, store_directive
from dondoc.errors import (
    ActionRejected,
    AlreadyStarted,
    InvalidFile,
    InvalidInput,
    NoWorker,
    OutcomeUnknown,
    UnknownDirective,
)
from dondoc.importer.calendar_file import read_site_overrides
from dondoc.importer.yaml_file import DirectiveFileError, load_directive
from dondoc.schemas.dates import end_of_day, parse_due, to_utc
from dondoc.schemas.directive import DirectivePlan
from dondoc.schemas.lifecycle import (
    AckInput,
    ActionInput,
    ActionResult,
    ExplanationDecisionInput,
    ExplanationInput,
    ExplanationRequestInput,
    ExtensionDecisionInput,
    ExtensionRequestInput,
    ReassignInput,
    RecallInput,
    RefusalDecisionInput,
    RefuseInput,
    ReviewInput,
)
from dondoc.schemas.messages import DirectiveInput, ReportInput, ReportResult
from dondoc.schemas.views import DirectiveView, ItemRow
from dondoc.workflows.directive import DIRECTIVE_KEY, DirectiveWorkflow
from dondoc.workflows.item import TaskItemWorkflow

UPDATE_WAIT_S = 30.0
UPDATE_ATTEMPTS = 5
TRANSIENT_UPDATE_FAILURE = "unexpected workflow task failure"
R = TypeVar("R")
P = TypeVar("P")

# Each lifecycle action's input model and the item workflow's update that takes it.
ACTION_UPDATES: dict[
    type[Any], UpdateMethodMultiParam[[Any, Any], Coroutine[Any, Any, ActionResult]]
] = {
    AckInput: TaskItemWorkflow.acknowledge,
    RefuseInput: TaskItemWorkflow.refuse,
    RefusalDecisionInput: TaskItemWorkflow.decide_refusal,
    ExtensionRequestInput: TaskItemWorkflow.request_extension,
    ExtensionDecisionInput: TaskItemWorkflow.decide_extension,
    ReassignInput: TaskItemWorkflow.reassign,
    RecallInput: TaskItemWorkflow.recall,
    ReviewInput: TaskItemWorkflow.review,
    ExplanationRequestInput: TaskItemWorkflow.request_explanation,
    ExplanationInput: TaskItemWorkflow.explain,
    ExplanationDecisionInput: TaskItemWorkflow.decide_explanation,
}


def read_plan(path: Path, calendar_file: Path | None = None) -> DirectivePlan:
    """A directive file, validated and resolved with the site's calendar (`calendar_file`,
    DONDOC_CALENDAR_FILE) under the directive's own days."""
    site = read_site_overrides(calendar_file)
    try:
        return load_directive(path, site=site)
    except DirectiveFileError as exc:
        raise InvalidFile(exc.render(), exc.problems) from None


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
        await client.get_workflow_handle(wf_id).describe()
    except RPCError as err:
        if err.status != RPCStatusCode.NOT_FOUND:
            raise
    else:
        raise AlreadyStarted(plan.code, wf_id)
    now = datetime.now(UTC)
    if store_directive(sessions, plan, now) == StoreOutcome.CONFLICT:
        raise InvalidInput(
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
        raise AlreadyStarted(plan.code, wf_id) from None
    past = [i.number for i in plan.items if i.schedule.due <= now]
    return Started(workflow_id=wf_id, past_due=past)


async def send_report(client: Client, code: str, number: str, report: ReportInput) -> ReportResult:
    # The report id doubles as the update id: the server answers a retry with the first result,
    # and the workflow and the database recognise it; so every report gets one before sending.
    if report.report_id is None:
        report = report.model_copy(update={"report_id": str(uuid.uuid4())})
    return await _update(
        client, code, number, TaskItemWorkflow.report, report, update_id=report.report_id
    )


async def send_action(client: Client, code: str, number: str, arg: ActionInput) -> ActionResult:
    """One lifecycle action on an item: the update is chosen by the input's type."""
    return await _update(client, code, number, ACTION_UPDATES[type(arg)], arg)


async def _update(
    client: Client,
    code: str,
    number: str,
    update: UpdateMethodMultiParam[[Any, P], Coroutine[Any, Any, R]],
    arg: P,
    update_id: str | None = None,
) -> R:
    """Run an Update on an item workflow, turning every refusal into one typed error.

    An update caught in a workflow task the server turned back (new events arrived meanwhile)
    fails without having happened; it is sent again under the same update id, so it counts once.
    """
    handle = client.get_workflow_handle(item_workflow_id(code, number))
    what = getattr(update, "__name__", "action").strip("_").replace("_", " ")
    update_id = update_id or str(uuid.uuid4())
    # The SDK types an async update's result as the coroutine's; the call awaits it to R.
    method = cast(UpdateMethodMultiParam[[Any, P], R], update)
    unknown = (
        f"no answer from the item's workflow within {UPDATE_WAIT_S:.0f} s: the {what} may or may"
        f" not have been applied; check with `dondoc status {code}` (sending it again with the"
        " same report id is safe)"
    )
    try:
        for attempt in range(UPDATE_ATTEMPTS):
            try:
                return await asyncio.wait_for(
                    handle.execute_update(method, arg, id=update_id),
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
        raise ActionRejected(what, reason) from None
    except WorkflowUpdateRPCTimeoutOrCancelledError:
        raise OutcomeUnknown(unknown) from None
    except TimeoutError:
        if await outcomes.is_running(client, code, number):
            raise NoWorker(
                f"no worker answered within {UPDATE_WAIT_S:.0f} s: is `dondoc worker` running?"
                f" The {what} may be applied once a worker runs; check with `dondoc status {code}`"
            ) from None
        raise OutcomeUnknown(unknown) from None
    except RPCError as err:
        if err.status == RPCStatusCode.UNAVAILABLE:
            raise outcomes.server_down(err) from None
        raise await outcomes.why_not_running(client, code, number, what, err) from None


def deadline_instant(sessions: SessionFactory, code: str, text: str) -> datetime:
    """A deadline typed by a person (dd/mm/yyyy, or ISO with offset) in the directive's timezone."""
    with outcomes.reading(sessions) as s:
        tz = s.scalars(select(Directive.timezone).where(Directive.code == code)).one_or_none()
    if tz is None:
        raise UnknownDirective(code)
    try:
        value = parse_due(text)
    except ValueError as exc:
        raise InvalidInput(str(exc)) from None
    if isinstance(value, datetime):
        return to_utc(value)
    return to_utc(end_of_day(value, ZoneInfo(tz)))


def status_view(
    sessions: SessionFactory, code: str, *, limit: int | None = None, page: int = 1
) -> DirectiveView:
    """`limit`: one page of items, most urgent first, with counts over all (`dondoc status`)."""
    offset = (page - 1) * limit if limit else 0
    try:
        return directive_view(sessions, code, datetime.now(UTC), limit=limit, offset=offset)
    except OperationalError as exc:
        raise outcomes.db_down(exc) from None


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
    try:
        rows = list_items(sessions, now, overdue=overdue, unit=unit, limit=limit, offset=offset)
        total = count_items(sessions, now, overdue=overdue, unit=unit) if limit else len(rows)
    except OperationalError as exc:
        raise outcomes.db_down(exc) from None
    return rows, total
