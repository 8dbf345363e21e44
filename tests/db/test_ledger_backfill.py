"""Migration 0004 back-fills the ledger of a database made by the previous head, with data."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, select

from dondoc.db.asof import fold
from dondoc.db.migrate import alembic_config
from dondoc.db.models import Action, Assignment, Directive, Escalation, Item, LedgerEntry, Report
from dondoc.db.session import make_engine, session_factory
from dondoc.schemas.status import ItemStatus as S
from tests.conftest import scratch_pg_schema

T0 = datetime(2024, 5, 2, 1, 0, tzinfo=UTC)
DAY, HOUR = timedelta(days=1), timedelta(hours=1)


def previous_head(engine: Engine) -> str:
    script = ScriptDirectory.from_config(alembic_config(engine))
    down = script.get_revision("0004_ledger").down_revision
    assert isinstance(down, str)
    return down


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def old_engine(request: pytest.FixtureRequest, tmp_path: object) -> Iterator[Engine]:
    """An empty database on SQLite or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path}/old.sqlite")
        yield engine
        engine.dispose()
        return
    with scratch_pg_schema("dondoc_old") as url:
        engine = make_engine(url)
        yield engine
        engine.dispose()


def migrate(engine: Engine, to: str) -> None:
    cfg = alembic_config(engine)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, to)


def seed(engine: Engine) -> None:
    """A late completion (A), an extension approved after the first escalation then a review
    accepted after its due (B), a recall (C), and an item never assigned (D)."""
    with session_factory(engine).begin() as s:
        d = Directive(
            code="01-KH/ĐU",
            title="Kế hoạch",
            committee="DANG_UY",
            timezone="Asia/Ho_Chi_Minh",
            content_hash="x",
            workflow_id="dondoc/01",
            created_at=T0,
        )
        s.add(d)
        s.flush()

        def item(n: str, due: datetime, status: str, done: datetime | None, seq: int = 0) -> Item:
            i = Item(
                directive_id=d.id,
                number=n,
                position=ord(n),
                title=f"Việc {n}",
                workflow_id=f"wf/{n}",
                due=due,
                remind_at=due - DAY,
                escalate_every_s=604800,
                status=status,
                assigned_at=None if n == "D" else T0,
                completed_at=done,
                deadline_seq=seq,
                extensions_used=seq,
            )
            i.assignments = [
                Assignment(unit_code="KV", role="lead", received_at=T0 + HOUR),
                Assignment(unit_code="MT", role="support"),
            ]
            s.add(i)
            s.flush()
            return i

        a = item("A", T0 + 2 * DAY, "completed_late", T0 + 3 * DAY)
        b = item("B", T0 + 9 * DAY, "completed_on_time", T0 + 8 * DAY, seq=1)
        c = item("C", T0 + 20 * DAY, "recalled", T0 + 4 * DAY)
        item("D", T0 + 20 * DAY, "in_progress", None)
        for n, (at, progress, done) in enumerate(
            [(T0 + DAY, 40, False), (T0 + 3 * DAY, 100, True)]
        ):
            s.add(
                Report(
                    item_id=a.id,
                    report_id=f"r{n}",
                    unit_code="KV",
                    progress=progress,
                    done=done,
                    reported_at=at,
                )
            )
        s.add(
            Report(
                item_id=b.id,
                report_id="rb",
                unit_code="KV",
                progress=100,
                done=True,
                reported_at=T0 + 8 * DAY,
            )
        )
        s.add(
            Escalation(
                key="wf/B:escalate:0:1", item_id=b.id, level=1, to_unit="DANG_UY", at=T0 + 5 * DAY
            )
        )
        acts = [
            (
                b,
                "extension_approved",
                T0 + 5 * DAY + 2 * HOUR,
                {"new_due": (T0 + 9 * DAY).isoformat()},
            ),
            (b, "review_submitted", T0 + 8 * DAY, {}),
            (b, "review_accepted", T0 + 10 * DAY, {}),
            (c, "recalled", T0 + 4 * DAY, {}),
        ]
        for n, (i, kind, at, data) in enumerate(acts):
            s.add(
                Action(
                    key=f"{i.workflow_id}:{kind}:{n}",
                    item_id=i.id,
                    kind=kind,
                    actor="DANG_UY",
                    data=data,
                    at=at,
                )
            )


# (item, hours after T0): status, deadline sequence, due (days after T0), lead progress
EXPECTED = [
    ("A", 25, S.IN_PROGRESS, 0, 2, 40),
    ("A", 49, S.OVERDUE, 0, 2, 40),
    ("A", 73, S.COMPLETED_LATE, 0, 2, 100),
    ("B", 5 * 24 + 1, S.OVERDUE, 0, 5, 0),
    ("B", 6 * 24, S.IN_PROGRESS, 1, 9, 0),
    ("B", 9 * 24, S.AWAITING_REVIEW, 1, 9, 100),
    ("B", 10 * 24 + 1, S.COMPLETED_ON_TIME, 1, 9, 100),
    ("C", 3 * 24, S.IN_PROGRESS, 0, 20, 0),
    ("C", 4 * 24 + 1, S.RECALLED, 0, 20, 0),
]


def test_upgrade_back_fills_a_ledger_that_gives_each_past_status(old_engine: Engine) -> None:
    """Upgraded from the previous head, the ledger says at each cut-off what the old tables
    imply: an extension approved after the escalation moves the deadline only from then on, a
    review accepted after its due completes on time from the acceptance; the unassigned item
    has no entries."""
    migrate(old_engine, previous_head(old_engine))
    seed(old_engine)
    migrate(old_engine, "head")
    sessions = session_factory(old_engine)
    with sessions() as s:
        ids = {i.number: i.id for i in s.scalars(select(Item))}
        assert s.scalar(select(LedgerEntry.id).where(LedgerEntry.item_id == ids["D"])) is None
        for number, hours, status, seq, due_days, progress in EXPECTED:
            at = T0 + hours * HOUR
            st = fold(s, select(Item.id).where(Item.id == ids[number]), at)[ids[number]]
            actual = (st.status(at), st.seq, st.due, st.units["KV"].progress)
            assert (status, seq, T0 + due_days * DAY, progress) == actual, (number, hours)


def test_upgrade_builds_the_standing_the_summary_counts(old_engine: Engine) -> None:
    """Migration 0007 fills the standing from the back-filled ledger: the summary by item gives,
    at each cut-off, the category of the status the ledger gives then."""
    from dondoc.db.summary import summarize
    from dondoc.schemas.summary import Cutoff, category_of

    migrate(old_engine, previous_head(old_engine))
    seed(old_engine)
    migrate(old_engine, "head")
    sessions = session_factory(old_engine)
    for number, hours, status, _seq, due_days, _progress in EXPECTED:
        at = T0 + hours * HOUR
        summary = summarize(sessions, now=at, cutoff=Cutoff(instant=at), by="item")
        shown = {r.key.split("/")[-1]: next(c for c, n in r.counts if n == 1) for r in summary.rows}
        assert shown[number] == category_of(status, at, T0 + due_days * DAY).value, (number, hours)
        assert "D" not in shown  # never assigned: not counted
