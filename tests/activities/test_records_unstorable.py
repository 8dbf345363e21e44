"""A value the database can never take fails the recording activity at once, never for ever."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy.exc import OperationalError
from temporalio.exceptions import ApplicationError

from dondoc.activities.records import RecordActivities
from dondoc.db.models import Report
from dondoc.db.session import SessionFactory, make_engine, session_factory
from dondoc.db.store import store_directive
from dondoc.local.devserver import free_port
from dondoc.notify.outbox import Notifier
from dondoc.schemas.records import RecordEscalationInput, RecordReportInput
from tests.activities.test_records import (  # the fixtures and helpers of the activities' tests
    DUE,
    NOW,
    RecordingChannel,
    acts,
    channel,
    code,
    plan,
    ref,
    rows,
    run,
)
from tests.helpers import item_yaml, make_plan

__all__ = ["acts", "channel", "code", "plan"]
HUGE = 2**70  # beyond every integer column (SQLite and PostgreSQL alike)


def report(code: str, **fields: Any) -> RecordReportInput:
    values: dict[str, Any] = {"report_id": "r-1", "unit": "KHOI_VAN", "progress": 40, "at": NOW}
    return RecordReportInput(item=ref(code), done=False, **{**values, **fields})


CASES: dict[str, Callable[[RecordActivities, str], tuple[Callable[[Any], Any], Any]]] = {
    "report_progress_too_large": lambda a, c: (a.record_report, report(c, progress=HUGE)),
    "escalation_level_too_large": lambda a, c: (
        a.record_escalation,
        RecordEscalationInput(item=ref(c), level=HUGE, at=DUE),
    ),
}


@pytest.mark.usefixtures("plan")
@pytest.mark.parametrize("case", list(CASES))
def test_a_value_no_column_can_hold_fails_without_retry(
    acts: RecordActivities,
    channel: RecordingChannel,
    sessions: SessionFactory,
    code: str,
    case: str,
) -> None:
    """Retrying cannot store it: a non-retryable error that says so, and nothing written or sent."""
    fn, inp = CASES[case](acts, code)

    with pytest.raises(ApplicationError) as caught:
        run(fn, inp)
    expected = ("UnstorableRecord", True, True, [], [])
    actual = (
        caught.value.type,
        caught.value.non_retryable,
        "refuses" in caught.value.message,
        rows(sessions, Report, code),
        channel.sent,
    )
    assert expected == actual


@pytest.mark.postgres
def test_a_nul_byte_that_reached_postgresql_fails_without_retry(
    pg_sessions: SessionFactory, code: str
) -> None:
    """The NUL byte the issue found in a note (update inputs now refuse it; this is the net under
    any other path): PostgreSQL refuses it, and the activity says so once."""
    store_directive(pg_sessions, make_plan(code, [item_yaml("1", DUE)]), NOW)
    acts = RecordActivities(pg_sessions, Notifier(channel=RecordingChannel()))

    with pytest.raises(ApplicationError) as caught:
        run(acts.record_report, report(code, note="a\x00b"))
    expected = ("UnstorableRecord", True, True)
    actual = (caught.value.type, caught.value.non_retryable, "NUL" in caught.value.message)
    assert expected == actual


def test_a_database_that_does_not_answer_is_still_retried(code: str) -> None:
    """An outage is transient: its error propagates as it is, and the retry policy retries it."""
    url = f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/none?connect_timeout=1"
    acts = RecordActivities(session_factory(make_engine(url)), Notifier(RecordingChannel()))

    with pytest.raises(OperationalError):
        run(acts.record_report, report(code))
