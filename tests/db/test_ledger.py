"""The ledger on the time-skipping server: a scripted history of three items (a late completion
after an extension approved past an escalation, a review returned then accepted, a recall), read
back at ten cut-offs against a hand-written table, on SQLite and PostgreSQL."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select
from temporalio.testing import WorkflowEnvironment

from dondoc.config import Settings
from dondoc.db.asof_view import directive_at
from dondoc.db.models import Directive, Item, LedgerEntry, StandingSegment
from dondoc.db.queries import directive_view
from dondoc.db.session import SessionFactory
from dondoc.db.standing import in_force
from dondoc.schemas.lifecycle import (
    AckInput,
    ExtensionDecisionInput,
    ExtensionRequestInput,
    RecallInput,
    ReviewInput,
)
from dondoc.schemas.status import ItemStatus as S
from dondoc.schemas.summary import Category as C
from dondoc.schemas.summary import Cutoff
from dondoc.worker import build_worker
from tests.helpers import item_yaml
from tests.workflows.scenario import COMMITTEE, DAY, HOUR, Scenario

LEAD = "KHOI_VAN"
# At each cut-off (hours after the start), per item: category, deadline in force (sequence and
# due in days after the start), the lead's progress and done.
TABLE: dict[str, dict[str, tuple[C, int, float, int, bool]]] = {
    "C1 nothing received": {
        "1": (C.NOT_RECEIVED, 0, 10, 0, False),
        "2": (C.NOT_RECEIVED, 0, 12, 0, False),
        "3": (C.NOT_RECEIVED, 0, 30, 0, False),
    },
    "C2 received, under way": {
        "1": (C.IN_PROGRESS_ON_TIME, 0, 10, 0, False),
        "2": (C.IN_PROGRESS_ON_TIME, 0, 12, 50, False),
        "3": (C.IN_PROGRESS_ON_TIME, 0, 30, 0, False),
    },
    "C3 item 2 awaits review": {
        "2": (C.IN_PROGRESS_ON_TIME, 0, 12, 100, True),
    },
    "C4 item 2 returned": {
        "2": (C.IN_PROGRESS_ON_TIME, 1, 14, 100, False),
    },
    "C5 item 1 escalated": {
        "1": (C.IN_PROGRESS_OVERDUE, 0, 10, 30, False),
    },
    "C6 extension requested, not yet approved": {
        "1": (C.IN_PROGRESS_OVERDUE, 0, 10, 30, False),
    },
    "C7 extension approved": {
        "1": (C.IN_PROGRESS_ON_TIME, 1, 20, 30, False),
    },
    "C8 item 2 resubmitted, not yet accepted": {
        "2": (C.IN_PROGRESS_ON_TIME, 1, 14, 100, True),
    },
    "C9 item 2 accepted, item 3 recalled, item 1 overdue again": {
        "1": (C.IN_PROGRESS_OVERDUE, 1, 20, 30, False),
        "2": (C.COMPLETED_ON_TIME, 1, 14, 100, True),
        "3": (C.RECALLED, 0, 30, 0, False),
    },
    "C10 item 1 completed late": {
        "1": (C.COMPLETED_LATE, 1, 20, 100, True),
        "2": (C.COMPLETED_ON_TIME, 1, 14, 100, True),
        "3": (C.RECALLED, 0, 30, 0, False),
    },
}
STATUS = {
    "C3 item 2 awaits review": {"2": S.AWAITING_REVIEW},
    "C8 item 2 resubmitted, not yet accepted": {"2": S.AWAITING_REVIEW},
    "C5 item 1 escalated": {"1": S.OVERDUE},
    "C10 item 1 completed late": {"1": S.COMPLETED_LATE, "3": S.RECALLED},
}


@pytest.fixture
async def story(
    sessions: SessionFactory, skipping_env: WorkflowEnvironment, task_queue: str, code: str
) -> AsyncIterator[Scenario]:
    """A scenario whose worker records into `sessions` (SQLite or PostgreSQL)."""
    worker = build_worker(skipping_env.client, sessions, task_queue, fail_fast=True)
    async with worker:
        now = await skipping_env.get_current_time()
        settings = Settings(task_queue=task_queue)
        yield Scenario(skipping_env, skipping_env.client, sessions, settings, code, now)


async def run_story(sc: Scenario) -> dict[str, tuple[datetime, dict[str, S]]]:
    """Play the history; at each cut-off, note the instant and what the live view said then."""
    t0, cuts = sc.now, {}

    async def cut(name: str) -> None:
        at = await sc.env.get_current_time()
        live = directive_view(sc.sessions, sc.code, at)
        cuts[name] = (at, {i.number: i.status for i in live.items})

    await sc.start(
        item_yaml("1", t0 + 10 * DAY),
        item_yaml("2", t0 + 12 * DAY, review="true"),
        item_yaml("3", t0 + 30 * DAY),
    )
    await sc.until(t0 + HOUR)
    await cut("C1 nothing received")
    await sc.until(t0 + 2 * HOUR)
    await sc.act("acknowledge", AckInput(unit=LEAD), "1")
    await sc.report("2", unit=LEAD, progress=50)
    await sc.act("acknowledge", AckInput(unit=LEAD), "3")
    await sc.until(t0 + 3 * HOUR)
    await cut("C2 received, under way")
    await sc.until(t0 + DAY)
    await sc.report("1", unit=LEAD, progress=30)
    await sc.report("2", unit=LEAD, done=True)
    await sc.until(t0 + DAY + HOUR)
    await cut("C3 item 2 awaits review")
    await sc.until(t0 + DAY + 2 * HOUR)
    back = ReviewInput(
        actor=COMMITTEE, accepted=False, new_due=t0 + 14 * DAY, reason="thiếu số liệu"
    )
    await sc.act("review", back, "2")
    await sc.until(t0 + DAY + 3 * HOUR)
    await cut("C4 item 2 returned")
    await sc.until(t0 + 10 * DAY + 2 * HOUR)  # item 1 escalated at its due
    await cut("C5 item 1 escalated")
    ask = ExtensionRequestInput(unit=LEAD, new_due=t0 + 20 * DAY, reason="chờ kinh phí")
    await sc.act("request_extension", ask, "1")
    await sc.until(t0 + 10 * DAY + 3 * HOUR)
    await cut("C6 extension requested, not yet approved")
    await sc.act("decide_extension", ExtensionDecisionInput(actor=COMMITTEE, approve=True), "1")
    await sc.until(t0 + 10 * DAY + 4 * HOUR)
    await cut("C7 extension approved")
    await sc.until(t0 + 13 * DAY)
    await sc.report("2", unit=LEAD, done=True)
    await sc.until(t0 + 13 * DAY + HOUR)
    await cut("C8 item 2 resubmitted, not yet accepted")
    await sc.act("review", ReviewInput(actor=COMMITTEE, accepted=True), "2")
    await sc.act("recall", RecallInput(actor=COMMITTEE, reason="không còn phù hợp"), "3")
    await sc.until(t0 + 21 * DAY)
    await cut("C9 item 2 accepted, item 3 recalled, item 1 overdue again")
    await sc.report("1", unit=LEAD, done=True)
    await sc.until(t0 + 21 * DAY + HOUR)
    await cut("C10 item 1 completed late")
    return cuts


async def test_status_at_ten_cutoffs_matches_the_hand_written_table(story: Scenario) -> None:
    """At each cut-off the ledger gives the category, deadline in force and lead's progress of
    the table, and the status the live view showed at that moment (and the summary's grouped
    reading agrees); a deadline moved after the cut-off (item 1's extension, item 2's return)
    does not change it."""
    cuts = await run_story(story)
    assert list(cuts) == list(TABLE)
    for name, rows in TABLE.items():
        at, live = cuts[name]
        view = directive_at(story.sessions, story.code, Cutoff(instant=at))
        items = {i.number: i for i in view.items}
        for number, (category, seq, due_days, progress, done) in rows.items():
            item = items[number]
            lead = next(u for u in item.units if u.code == LEAD)
            actual = (
                _category(item.status, at, item.due),
                item.deadline_seq,
                item.due - story.now,
                lead.progress,
                lead.done,
            )
            expected = (category, seq, timedelta(days=due_days), progress, done)
            assert expected == actual, f"{name}, item {number}"
            assert STATUS.get(name, {}).get(number, item.status) == item.status
        assert live == {i.number: i.status for i in view.items}, f"{name}: live view"
        shown = {i.number: _category(i.status, at, i.due) for i in view.items}
        assert shown == _grouped(story, at), f"{name}: the summary's reading"


async def test_ledger_entries_are_appended_once_in_time_order(story: Scenario) -> None:
    """Every write the history made is mirrored once: three first deadlines, one return, one
    extension; two completions and a recall."""
    await run_story(story)
    with story.sessions() as s:
        rows = s.execute(
            select(LedgerEntry.key, LedgerEntry.kind, LedgerEntry.at, LedgerEntry.done_at)
            .where(LedgerEntry.key.like(f"%{story.code}%"))
            .order_by(LedgerEntry.id)
        ).all()
    kinds = sorted(r.kind for r in rows)
    assert kinds.count("deadline") == 5  # three first deadlines, one return, one extension
    assert (kinds.count("completed"), kinds.count("recalled")) == (2, 1)


def _grouped(sc: Scenario, at: datetime) -> dict[str, C]:
    """The summary's categories at `at` (from the standing segments in force then), by item."""
    seg = StandingSegment
    with sc.sessions() as s:
        rows = s.execute(
            select(Item.number, seg.due, seg.before, seg.after)
            .join(seg, seg.item_id == Item.id)
            .join(Directive)
            .where(Directive.code == sc.code, in_force(at))
        ).all()
    return {r.number: C(r.after if at > r.due else r.before) for r in rows}


def _category(status: S, at: datetime, due: datetime) -> C:
    from dondoc.schemas.summary import category_of

    return category_of(status, at, due)


def test_recording_the_same_story_again_appends_nothing(sessions: SessionFactory) -> None:
    """A retried activity (same report ids, same action keys, a close recorded again) finds its
    write done and appends no ledger entry."""
    from tests.exports.seed_history import record_seed

    code = f"R{uuid.uuid4().hex[:6]}-KH/ĐU"

    def entries() -> int:
        with sessions() as s:
            ids = select(Item.id).join(Directive).where(Directive.code == code)
            return len(s.scalars(select(LedgerEntry.id).where(LedgerEntry.item_id.in_(ids))).all())

    record_seed(sessions, code)
    first = entries()
    record_seed(sessions, code)
    assert (first > 50, entries()) == (True, first)
