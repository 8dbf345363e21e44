"""One directive on the time-skipping server, driven and read back the way its units and
committee would: the `scenario` fixture the lifecycle tests share."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session
from temporalio.client import Client, WorkflowHandle, WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError
from temporalio.testing import WorkflowEnvironment

from dondoc.config import Settings, item_workflow_id
from dondoc.db.models import Action, Assignment, Directive, Escalation, Item, Notification, Reminder
from dondoc.db.session import SessionFactory
from dondoc.deadlines.planner import Planner
from dondoc.schemas.lifecycle import ActionKind, ActionResult
from dondoc.schemas.messages import DirectiveState, ItemResult, ItemState, ReportInput, ReportResult
from dondoc.schemas.timing import WorkingDays
from dondoc.workflows.item import TaskItemWorkflow
from tests.helpers import advance, directive_state, item_handle, item_state, item_yaml, make_plan
from tests.helpers import start as start_plan

DAY = timedelta(days=1)
HOUR = timedelta(hours=1)
COMMITTEE = "DANG_UY"


@dataclass
class Scenario:
    """A fresh directive `code` with a running worker; `now` is the server's time at the start."""

    env: WorkflowEnvironment
    client: Client
    sessions: SessionFactory
    settings: Settings
    code: str
    now: datetime

    # -- driving ------------------------------------------------------------------------------

    async def start(self, *items: str) -> None:
        """Start the directive, its receipt deadlines counted from the test server's today.

        The loader counts them from the real today, but the shared time-skipping clock runs
        ahead of it once earlier tests have skipped weeks.
        """
        plan = make_plan(self.code, list(items))
        today = (await self.env.get_current_time()).astimezone(ZoneInfo(plan.timezone)).date()
        planner = Planner(plan.timezone, plan.calendar)
        remind, escalate = planner.receipt(today, WorkingDays(working_days=1))
        shifted = [
            i.model_copy(update={"receipt_remind_at": remind, "receipt_escalate_at": escalate})
            for i in plan.items
        ]
        await start_plan(
            self.client, self.sessions, self.settings, plan.model_copy(update={"items": shifted})
        )

    async def start_item(self, due: datetime, **fields: str) -> None:
        """Start a directive of one item, "1" (lead KHOI_VAN, support MTTQ unless given)."""
        await self.start(item_yaml("1", due, **fields))

    async def start_overdue(self, lead: str = "[KHOI_VAN]") -> datetime:
        """Start item 1 due in a day, let it go one hour overdue, and return the time then."""
        await self.start_item(self.now + DAY, lead=lead)
        await self.until(self.now + DAY + HOUR)
        return await self.env.get_current_time()

    async def act(self, name: str, inp: BaseModel, number: str = "1") -> Any:
        result_type = ReportResult if name == "report" else ActionResult
        return await self.handle(number).execute_update(name, inp, result_type=result_type)

    async def report(self, number: str = "1", **fields: Any) -> ReportResult:
        result: ReportResult = await self.act("report", ReportInput.model_validate(fields), number)
        return result

    async def rejected(self, name: str, inp: BaseModel, number: str = "1") -> str:
        """The update is rejected: its message, after checking that state and database are
        unchanged."""
        before = (await self.state(number), self.snapshot(number))
        with pytest.raises(WorkflowUpdateFailedError) as err:
            await self.act(name, inp, number)
        cause = err.value.cause
        assert isinstance(cause, ApplicationError)
        assert before == (await self.state(number), self.snapshot(number))
        return cause.message

    async def until(self, instant: datetime) -> None:
        """Move the clock to `instant` (in steps, as `advance` does)."""
        await advance(self.env, instant - await self.env.get_current_time())

    async def advance(self, delta: timedelta) -> None:
        await advance(self.env, delta)

    async def sleep(self, delta: timedelta) -> None:
        """Move the clock by `delta` in one skip."""
        await self.env.sleep(delta)

    # -- reading the workflows ----------------------------------------------------------------

    def handle(self, number: str = "1") -> WorkflowHandle[Any, Any]:
        return item_handle(self.client, self.code, number)

    async def state(self, number: str = "1") -> ItemState:
        return await item_state(self.client, self.code, number)

    async def directive(self) -> DirectiveState:
        return await directive_state(self.client, self.code)

    async def result(self, number: str = "1") -> ItemResult:
        handle = self.client.get_workflow_handle_for(
            TaskItemWorkflow.run, item_workflow_id(self.code, number)
        )
        return await handle.result()

    # -- reading the database -----------------------------------------------------------------

    def _item(self, s: Session, number: str) -> Item:
        item: Item = s.scalars(
            select(Item).join(Directive).where(Directive.code == self.code, Item.number == number)
        ).one()
        return item

    def snapshot(self, number: str = "1") -> tuple[Any, ...]:
        """What an update may change in the database, to compare before and after."""
        with self.sessions() as s:
            item = self._item(s, number)
            actions = s.scalars(select(Action.key).where(Action.item_id == item.id)).all()
            units = [
                (a.unit_code, a.role, a.progress, a.done, a.received_at, a.refused_at, a.active)
                for a in item.assignments
            ]
            notes = s.scalars(
                select(Notification.key).where(Notification.directive_code == self.code)
            )
            return (
                item.status,
                item.due,
                item.deadline_seq,
                item.extensions_used,
                sorted(actions),
                units,
                sorted(notes.all()),
            )

    def db_item(self, number: str = "1") -> dict[str, Any]:
        with self.sessions() as s:
            item = self._item(s, number)
            return {
                "status": item.status,
                "due": item.due,
                "remind_at": item.remind_at,
                "deadline_seq": item.deadline_seq,
                "extensions_used": item.extensions_used,
                "completed_at": item.completed_at,
            }

    def assignments(self, number: str = "1") -> dict[str, Assignment]:
        with self.sessions() as s:
            item = self._item(s, number)
            rows = s.scalars(select(Assignment).where(Assignment.item_id == item.id)).all()
            return {a.unit_code: a for a in rows}  # loaded, so readable once detached

    def action_kinds(self, number: str = "1") -> list[str]:
        with self.sessions() as s:
            item = self._item(s, number)
            rows = s.scalars(select(Action).where(Action.item_id == item.id).order_by(Action.id))
            return [a.kind for a in rows]

    def notified(self, kind: str) -> list[tuple[str, datetime]]:
        """(unit, created_at) of each notification of `kind` on the directive, in order."""
        with self.sessions() as s:
            rows = s.scalars(
                select(Notification)
                .where(Notification.directive_code == self.code, Notification.kind == kind)
                .order_by(Notification.id)
            )
            return [(n.unit_code, n.created_at) for n in rows]

    def notices_to(self, unit: str) -> list[str]:
        """The kind of each notification sent to `unit` on the directive, in order."""
        with self.sessions() as s:
            return list(
                s.scalars(
                    select(Notification.kind)
                    .where(Notification.directive_code == self.code, Notification.unit_code == unit)
                    .order_by(Notification.id)
                )
            )

    def notice_body(self, kind: str) -> str:
        """The body of the one notification of `kind` on the directive."""
        with self.sessions() as s:
            body: str = s.scalars(
                select(Notification.body).where(
                    Notification.directive_code == self.code, Notification.kind == kind
                )
            ).one()
            return body

    def escalations(self, number: str = "1") -> list[int]:
        with self.sessions() as s:
            item = self._item(s, number)
            rows = s.scalars(
                select(Escalation).where(Escalation.item_id == item.id).order_by(Escalation.id)
            )
            return [e.level for e in rows]

    def reminders(self, number: str = "1") -> list[tuple[str, str]]:
        with self.sessions() as s:
            item = self._item(s, number)
            rows = s.scalars(
                select(Reminder).where(Reminder.item_id == item.id).order_by(Reminder.id)
            )
            return [(r.unit_code, r.kind) for r in rows]


def kinds(state: ItemState, prefix: str = "") -> list[ActionKind]:
    return [a.kind for a in state.actions if a.kind.startswith(prefix)]


def close(a: datetime | None, b: datetime) -> bool:
    return a is not None and abs(a - b) < timedelta(seconds=5)
