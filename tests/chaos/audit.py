"""After the storm: what the clients were told against what the database and the workflows hold."""

from __future__ import annotations

import contextlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from temporalio.client import Client
from temporalio.service import RPCError
from temporalio.worker import Replayer

from dondoc.client import data_converter
from dondoc.config import directive_workflow_id, item_workflow_id
from dondoc.db.models import (
    Assignment,
    Directive,
    Escalation,
    Item,
    Notification,
    Reminder,
    Report,
)
from dondoc.db.session import SessionFactory
from dondoc.worker import WORKFLOWS
from tests.chaos.load import Tally
from tests.helpers import directive_state, item_state


@dataclass
class Audit:
    stored: int = 0  # report rows of the directive
    duplicates: int = 0  # rows beyond the first of one (item, report id)
    lost: list[str] = field(default_factory=list)  # accepted, not in the database
    refused_but_stored: list[str] = field(default_factory=list)
    unknown_stored: int = 0  # gave up without an answer, yet recorded (allowed: once)
    disagreements: list[str] = field(default_factory=list)  # `state` query against the database

    @property
    def ok(self) -> bool:
        return not (self.duplicates or self.lost or self.refused_but_stored or self.disagreements)


async def audit(sessions: SessionFactory, client: Client, code: str, tally: Tally) -> Audit:
    with sessions() as s:
        rows = s.execute(
            select(Item.number, Report.report_id)
            .join(Item, Report.item_id == Item.id)
            .join(Directive, Item.directive_id == Directive.id)
            .where(Directive.code == code)
        ).all()
        units = s.execute(
            select(Item.number, Assignment.unit_code, Assignment.progress, Assignment.done)
            .join(Item, Assignment.item_id == Item.id)
            .join(Directive, Item.directive_id == Directive.id)
            .where(Directive.code == code, Assignment.active.is_(True))
        ).all()
        numbers = s.scalars(select(Item.number).join(Directive).where(Directive.code == code)).all()
    counts = Counter((number, report_id) for number, report_id in rows)
    stored_ids = {report_id for _, report_id in counts}
    found = Audit(
        stored=len(rows),
        duplicates=sum(n - 1 for n in counts.values()),
        lost=sorted(tally.accepted - stored_ids),
        refused_but_stored=sorted(set(tally.rejected) & stored_ids),
        unknown_stored=len(tally.unanswered & stored_ids),
    )
    recorded = {(n, u): (p, d) for n, u, p, d in units}
    for number in numbers:
        state = await item_state(client, code, number)
        for unit in state.units:
            db = recorded.get((number, unit.code))
            if db != (unit.progress, unit.done):
                found.disagreements.append(
                    f"item {number} {unit.code}: state {unit.progress}%/{unit.done}, db {db}"
                )
        in_db = {rid for n, rid in counts if n == number}
        if set(state.seen_reports) != in_db:
            only_state = sorted(set(state.seen_reports) - in_db)[:3]
            only_db = sorted(in_db - set(state.seen_reports))[:3]
            found.disagreements.append(
                f"item {number}: reports only in state {only_state}, only in db {only_db}"
            )
    return found


@dataclass
class Timers:
    escalations: dict[str, list[int]] = field(default_factory=dict)  # item -> levels in the db
    reminders: dict[str, int] = field(default_factory=dict)  # item -> reminder rows
    messages: int = 0  # escalation notifications in the outbox
    disagreements: list[str] = field(default_factory=list)


async def timers(sessions: SessionFactory, client: Client, code: str) -> Timers:
    """Escalations and reminders in the database against each item's `state`: each recorded
    once (one row, one outbox message), and the same ones the workflow counts."""
    with sessions() as s:
        base = select(Item.number).join(Directive).where(Directive.code == code)
        numbers = s.scalars(base).all()
        levels = s.execute(
            select(Item.number, Escalation.level)
            .join(Item, Escalation.item_id == Item.id)
            .join(Directive, Item.directive_id == Directive.id)
            .where(Directive.code == code)
            .order_by(Escalation.id)
        ).all()
        reminders = s.execute(
            select(Item.number, Reminder.unit_code, Reminder.kind)
            .join(Item, Reminder.item_id == Item.id)
            .join(Directive, Item.directive_id == Directive.id)
            .where(Directive.code == code)
        ).all()
        messages = s.scalars(
            select(Notification.key).where(
                Notification.directive_code == code, Notification.kind == "escalation"
            )
        ).all()
    found = Timers(messages=len(messages))
    for number, level in levels:
        found.escalations.setdefault(number, []).append(level)
    for number, _unit, _kind in reminders:
        found.reminders[number] = found.reminders.get(number, 0) + 1
    if len(messages) != len(levels):
        found.disagreements.append(f"{len(levels)} escalations, {len(messages)} messages")
    for number in numbers:
        state = await item_state(client, code, number)
        in_state = [e.level for e in state.escalations]
        if in_state != found.escalations.get(number, []):
            found.disagreements.append(
                f"item {number}: state escalations {in_state}, db {found.escalations.get(number)}"
            )
    return found


async def replay_failures(client: Client, code: str, keep: Path) -> list[str]:
    """Every workflow of the directive replayed from its history by today's workflow code
    (scenario 6: histories recorded under chaos). A history that does not replay is kept in
    `keep` for the lead to reproduce with; its workflow id is returned."""
    failed = []
    replayer = Replayer(workflows=WORKFLOWS, data_converter=data_converter)
    ids = [directive_workflow_id(code)]
    with contextlib.suppress(RPCError):
        ids += [item_workflow_id(code, n) for n in (await directive_state(client, code)).items]
    for wf_id in ids:
        history = await client.get_workflow_handle(wf_id).fetch_history()
        result = await replayer.replay_workflow(history, raise_on_replay_failure=False)
        if result.replay_failure is not None:
            failed.append(wf_id)
            (keep / f"{wf_id.replace('/', '_')}.json").write_text(history.to_json())
    return failed
