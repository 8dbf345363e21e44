"""The daily digest: working days only at the digest time (Vietnamese calendar), most urgent
first; on the time-skipping server across Tết 2027 and a make-up Saturday."""

from __future__ import annotations

import contextlib
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from temporalio.service import RPCError
from temporalio.testing import WorkflowEnvironment
from typer.testing import CliRunner

from dondoc.cli import app
from dondoc.config import digest_workflow_id, get_settings
from dondoc.db.models import Notification
from dondoc.db.session import SessionFactory
from dondoc.db.store import store_directive
from dondoc.deadlines.vn_calendar import VnCalendar
from dondoc.notify.digest import build_digests, next_digest
from dondoc.schemas.notify import DigestWorkflowInput
from dondoc.schemas.overrides import CalendarOverrides
from dondoc.worker import build_worker
from dondoc.workflows.digest import DigestWorkflow
from tests.helpers import item_yaml, make_plan
from tests.notify.conftest import rows

VN = ZoneInfo("Asia/Ho_Chi_Minh")
MAKE_UP = date(2027, 1, 16)  # a Saturday worked (a site's make-up day, for the test)
SITE = CalendarOverrides(working_days={MAKE_UP: "làm bù (thử)"})
TET_2027 = {date(2027, 2, 5), date(2027, 2, 8), date(2027, 2, 9), date(2027, 2, 10)}
TET_2027 |= {date(2027, 2, 11)}


def local(d: date, hh: int = 7, mm: int = 30) -> datetime:
    return datetime(d.year, d.month, d.day, hh, mm, tzinfo=VN)


class TestNextDigest:
    calendar = VnCalendar(SITE)

    def at(self, after: datetime) -> datetime:
        return next_digest(after, "07:30", "Asia/Ho_Chi_Minh", self.calendar).at

    def test_before_the_time_it_is_today(self) -> None:
        assert local(date(2027, 1, 14)) == self.at(local(date(2027, 1, 14), 6, 0))

    def test_a_friday_digest_is_followed_by_mondays(self) -> None:
        assert local(date(2027, 1, 25)) == self.at(local(date(2027, 1, 22)))

    def test_a_make_up_saturday_gets_its_digest(self) -> None:
        assert local(MAKE_UP) == self.at(local(date(2027, 1, 15)))

    def test_tet_is_skipped(self) -> None:
        """Thursday 4 Feb 2027, then nothing until Friday 12 Feb (Tết Đinh Mùi)."""
        assert local(date(2027, 2, 12)) == self.at(local(date(2027, 2, 4)))

    def test_the_instant_is_utc(self) -> None:
        found = next_digest(local(date(2027, 1, 14), 6), "07:30", "Asia/Ho_Chi_Minh", self.calendar)
        assert (date(2027, 1, 14), datetime(2027, 1, 14, 0, 30, tzinfo=UTC)) == (
            found.day,
            found.at,
        )


def seed(db: SessionFactory, code: str) -> None:
    """Three items of KHOI_VAN: one overdue since Nov 2026, one due soon, one not yet near."""
    items = [
        item_yaml("1", datetime(2026, 11, 20, 17, tzinfo=VN)),
        item_yaml("2", datetime(2031, 6, 30, 17, tzinfo=VN)),
        item_yaml("3", datetime(2026, 11, 10, 17, tzinfo=VN)),
    ]
    store_directive(db, make_plan(code, items), datetime(2026, 11, 1, tzinfo=UTC))


def test_the_digest_lists_overdue_items_oldest_first(sqlite_sessions: SessionFactory) -> None:
    code = "DG-" + datetime.now(UTC).strftime("%H%M%S%f") + "-KH/ĐU"
    seed(sqlite_sessions, code)
    at = local(date(2027, 1, 14)).astimezone(UTC)
    with sqlite_sessions() as s:
        digests = {d.unit_code: d for d in build_digests(s, at.date(), at, "Asia/Ho_Chi_Minh")}
    body = digests["KHOI_VAN"].body
    mine = [line for line in body.splitlines() if code in line]
    assert [
        f"[quá hạn] {code} — nhiệm vụ 3 «Nhiệm vụ 3»: hạn 10/11/2026 17:00, quá 64 ngày.",
        f"[quá hạn] {code} — nhiệm vụ 1 «Nhiệm vụ 1»: hạn 20/11/2026 17:00, quá 54 ngày.",
    ] == [line.split(". ", 1)[1] for line in mine]
    assert digests["KHOI_VAN"].subject.startswith("Tổng hợp nhiệm vụ ngày 14/01/2027 — Khối vận")


async def test_digests_go_out_on_working_days_only_across_tet_and_a_make_up_saturday(
    own_skipping_env: WorkflowEnvironment, db: SessionFactory, task_queue: str
) -> None:
    env = own_skipping_env
    code = "DG-TET-KH/ĐU"
    seed(db, code)
    began = (await env.get_current_time()).astimezone(VN)
    start = began.date() if began < local(began.date()) else began.date() + timedelta(days=1)
    until = date(2027, 2, 20)
    wf_id = digest_workflow_id(task_queue)
    async with build_worker(env.client, db, task_queue, fail_fast=True, site_calendar=SITE):
        await env.client.start_workflow(
            DigestWorkflow.run,
            DigestWorkflowInput(days_per_history=20),  # continued as new on the way
            id=wf_id,
            task_queue=task_queue,
        )
        now = await env.get_current_time()
        await env.sleep(local(until, 12).astimezone(UTC) - now)
        with contextlib.suppress(RPCError):
            await env.client.get_workflow_handle(wf_id).terminate("test finished")

    with db() as s:
        sent = s.execute(
            select(Notification.key, Notification.created_at).where(
                Notification.unit_code == "KHOI_VAN", Notification.kind == "digest"
            )
        ).all()
    days = sorted(date.fromisoformat(key.rsplit(":", 1)[1]) for key, _ in sent)
    expected = []
    day = start
    while day <= until:
        worked = day.weekday() < 5 and day not in TET_2027 and day != date(2027, 1, 1)
        if worked or day == MAKE_UP:
            expected.append(day)
        day += timedelta(days=1)
    assert expected == days
    assert {(0, 30)} == {(at.hour, at.minute) for _, at in sent}  # 07:30 in Vietnam


def test_digest_send_shows_it_and_dry_run_records_nothing(
    db: SessionFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed(db, "CLI-KH/ĐU")
    with db() as s:
        monkeypatch.setenv("DONDOC_DATABASE_URL", s.get_bind().engine.url.render_as_string())
    get_settings.cache_clear()
    runner = CliRunner()

    shown = runner.invoke(app, ["digest", "send", "--unit", "KHOI_VAN", "--dry-run"])
    assert (
        shown.exit_code,
        "[quá hạn] CLI-KH/ĐU — nhiệm vụ 3 «Nhiệm vụ 3»" in shown.output,
        [r.kind for r in rows(db)],
    ) == (0, True, [])
    sent = runner.invoke(app, ["digest", "send", "--unit", "KHOI_VAN"])
    assert sent.exit_code == 0, sent.output
    assert [(r.kind, r.unit_code) for r in rows(db)] == [("digest", "KHOI_VAN")]
