"""The `plan_schedule` activity: a calendar it cannot use fails at once, and the update says so."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta
from uuid import uuid4
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from temporalio.client import WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError
from temporalio.testing import ActivityEnvironment

from dondoc.activities.lifecycle import LifecycleActivities
from dondoc.db.models import Directive
from dondoc.db.session import SessionFactory
from dondoc.db.store import StoreOutcome, store_directive
from dondoc.schemas.actions import PlanScheduleInput
from dondoc.schemas.lifecycle import AckInput, ExtensionDecisionInput, ExtensionRequestInput
from dondoc.schemas.records import ItemRef
from tests.helpers import item_yaml, make_plan
from tests.workflows.scenario import COMMITTEE, DAY, Scenario

VN = ZoneInfo("Asia/Ho_Chi_Minh")
DUE = datetime(2031, 6, 30, 17, 0, tzinfo=VN)
NOW = datetime(2031, 6, 1, 2, 0, tzinfo=UTC)


def days_off_around(day: date, before: int, after: int) -> dict[str, str]:
    """A calendar that leaves no working day for `before` days before `day` (and `after` after)."""
    first = day - timedelta(days=before)
    return {
        (first + timedelta(days=k)).isoformat(): "nghỉ (cấu hình sai)"
        for k in range(before + after + 1)
    }


def break_calendar(sessions: SessionFactory, code: str, days_off: dict[str, str]) -> None:
    with sessions.begin() as s:
        directive = s.scalars(select(Directive).where(Directive.code == code)).one()
        directive.calendar = {"days_off": days_off, "working_days": {}}


def test_a_calendar_without_working_days_fails_the_activity_as_a_non_retryable_invalid_setting(
    sessions: SessionFactory,
) -> None:
    """Retrying cannot fix configuration: the error is final and names what is wrong."""
    code = f"P{uuid4().hex[:6]}-KH/ĐU"
    plan = make_plan(code, [item_yaml("1", DUE)])
    assert store_directive(sessions, plan, NOW) == StoreOutcome.CREATED
    new_due = datetime(2032, 6, 30, 10, 0, tzinfo=UTC)
    break_calendar(sessions, code, days_off_around(new_due.date(), 450, 30))
    life = LifecycleActivities(sessions)

    with pytest.raises(ApplicationError) as err:
        ActivityEnvironment().run(
            life.plan_schedule,
            PlanScheduleInput(item=ItemRef(directive_code=code, number="1"), due=new_due),
        )

    assert (err.value.type, err.value.non_retryable) == ("InvalidSetting", True)
    assert "no working day" in err.value.message
    assert "DONDOC_CALENDAR_FILE" in err.value.message


def test_a_deadline_past_the_calendar_fails_the_activity_at_once(sessions: SessionFactory) -> None:
    code = f"P{uuid4().hex[:6]}-KH/ĐU"
    plan = make_plan(code, [item_yaml("1", DUE)])
    assert store_directive(sessions, plan, NOW) == StoreOutcome.CREATED
    life = LifecycleActivities(sessions)
    inp = PlanScheduleInput(
        item=ItemRef(directive_code=code, number="1"), due=datetime(2101, 3, 1, tzinfo=UTC)
    )

    with pytest.raises(ApplicationError) as err:
        ActivityEnvironment().run(life.plan_schedule, inp)

    assert (err.value.type, err.value.non_retryable) == ("InvalidInput", True)
    assert "no calendar for 2101" in err.value.message


async def test_approving_an_extension_with_an_unusable_calendar_answers_with_the_error(
    scenario: Scenario,
) -> None:
    """Before: the activity retried forever and `extend approve` never answered."""
    due = scenario.now + 10 * DAY
    await scenario.start_item(due)
    await scenario.act("acknowledge", AckInput(unit="KHOI_VAN"))
    new_due = due + 20 * DAY
    request = ExtensionRequestInput(unit="KHOI_VAN", new_due=new_due, reason="chờ kinh phí")
    await scenario.act("request_extension", request)
    local_due = new_due.astimezone(VN).date()
    break_calendar(scenario.sessions, scenario.code, days_off_around(local_due, 450, 30))

    approve = ExtensionDecisionInput(actor=COMMITTEE, approve=True)
    with pytest.raises(WorkflowUpdateFailedError) as err:
        await asyncio.wait_for(scenario.act("decide_extension", approve), timeout=60)

    cause: BaseException | None = err.value
    while cause is not None and not isinstance(cause, ApplicationError):
        cause = cause.__cause__ or getattr(cause, "cause", None)
    assert isinstance(cause, ApplicationError)
    assert (cause.type, cause.non_retryable) == ("InvalidSetting", True)
    assert "no working day" in cause.message
