"""Cut-offs, periods, and the status and summary as of a date, on the seed's 2024 story
(tests/exports/seed_history.py), on SQLite and PostgreSQL."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest

from dondoc.db.asof_view import directive_at
from dondoc.db.session import SessionFactory
from dondoc.db.summary import summarize
from dondoc.errors import UnknownDirective
from dondoc.schemas.status import ItemStatus
from dondoc.schemas.summary import Category as C
from dondoc.schemas.summary import Counts, Cutoff, Period, category_of
from tests.exports.seed_history import record_seed

NOW = datetime(2026, 1, 1, tzinfo=UTC)


class TestCutoff:
    def test_a_date_is_the_end_of_that_day_in_the_directives_timezone(self) -> None:
        cut = Cutoff.parse("2024-06-14")
        assert cut == Cutoff.parse("14/06/2024")
        expected = datetime(2024, 6, 14, 16, 59, 59, 999999, tzinfo=UTC)  # 23:59:59.999999 +07
        assert expected == cut.resolve("Asia/Ho_Chi_Minh")
        assert cut.resolve("UTC") - expected == timedelta(hours=7)

    def test_a_datetime_needs_its_offset(self) -> None:
        at = Cutoff.parse("2024-06-14T17:00+07:00")
        assert datetime(2024, 6, 14, 10, 0, tzinfo=UTC) == at.resolve("Europe/Paris")
        with pytest.raises(ValueError, match="offset"):
            Cutoff.parse("2024-06-14T17:00")

    @pytest.mark.parametrize(
        ("text", "start", "end"),
        [
            ("2024", date(2024, 1, 1), date(2024, 12, 31)),
            ("2024-Q2", date(2024, 4, 1), date(2024, 6, 30)),
            ("2024-q4", date(2024, 10, 1), date(2024, 12, 31)),
            ("2024-02", date(2024, 2, 1), date(2024, 2, 29)),
            ("2024-12", date(2024, 12, 1), date(2024, 12, 31)),
        ],
    )
    def test_a_period_is_a_year_a_quarter_or_a_month(
        self, text: str, start: date, end: date
    ) -> None:
        assert Period(start=start, end=end) == Period.parse(text)

    @pytest.mark.parametrize("text", ["2024-Q5", "2024-13", "24-05", "Q2-2024"])
    def test_a_period_in_another_form_is_refused(self, text: str) -> None:
        with pytest.raises(ValueError, match="a period is 2024, 2024-Q2 or 2024-05"):
            Period.parse(text)


@pytest.fixture
def seed(sessions: SessionFactory) -> tuple[SessionFactory, str]:
    code = f"S{uuid.uuid4().hex[:6]}-KH/ĐU"
    return sessions, record_seed(sessions, code)


def counts(c: Counts) -> tuple[int, ...]:
    return (
        c.completed_on_time,
        c.completed_late,
        c.in_progress_on_time,
        c.in_progress_overdue,
        c.not_received,
        c.recalled,
        c.due_in_period,
    )


def test_an_extension_approved_after_the_cutoff_leaves_the_status_at_the_cutoff(
    seed: tuple[SessionFactory, str],
) -> None:
    """Item 3's deadline moved on 20/09 from 15/10 to 31/10: on 19/09 it was still due 15/10
    with no extension; on 20/10 it is within its new deadline, not overdue; on 31/12 it was
    completed late (05/11) all the same."""
    sessions, code = seed

    def item3(day: str) -> tuple[ItemStatus, int, int, date]:
        view = directive_at(sessions, code, Cutoff.parse(day))
        i = next(i for i in view.items if i.number == "3")
        return i.status, i.deadline_seq, i.extensions_used, i.due.date()

    assert item3("2024-09-19")[1:] == (0, 0, date(2024, 10, 15))
    # The Front had not acknowledged (it never did before finishing): not received, not overdue.
    assert item3("2024-10-20") == (ItemStatus.NOT_RECEIVED, 1, 1, date(2024, 10, 31))
    assert item3("2024-12-31") == (ItemStatus.COMPLETED_LATE, 1, 1, date(2024, 10, 31))


def test_summary_counts_at_a_cutoff_and_in_a_period(seed: tuple[SessionFactory, str]) -> None:
    """Hand-counted from the story: on 14/06 two done on time (6.1, 6.3), five overdue (6.2,
    6.4-6.6, TCTH), six never acknowledged, item 1 under way, seven due by then; in Q2 the seven
    items due in it; at the year's end 6 on time, 2 late, 5 overdue, 1 recalled."""
    sessions, code = seed
    june = summarize(sessions, now=NOW, cutoff=Cutoff.parse("2024-06-14"), directive=code)
    assert counts(june.total.counts) == (2, 0, 1, 5, 6, 0, 7)
    assert june.total.rate_of_due == pytest.approx(2 / 7)
    q2 = summarize(
        sessions, now=NOW, period=Period.parse("2024-Q2"), directive=code, by="directive"
    )
    assert counts(q2.total.counts) == (2, 1, 0, 4, 0, 0, 7)
    assert [r.key for r in q2.rows] == [code]
    assert q2.rows[0].rate_of_completed == pytest.approx(2 / 3)
    year = summarize(sessions, now=NOW, cutoff=Cutoff.parse("2024-12-31"), directive=code)
    assert counts(year.total.counts) == (6, 2, 0, 5, 0, 1, 14)
    assert (year.total.counts.overdue_days, year.total.counts.max_overdue_days) == (914, 214)


def test_summary_per_unit_counts_lead_and_support_apart(seed: tuple[SessionFactory, str]) -> None:
    """UBND leads 2, 4, 5, 6, 6.1, 6.2 and TCTH (on time but for 6.2, late, and 5 and TCTH,
    overdue); the items it supports are counted in a row of their own; leads come first."""
    sessions, code = seed
    year = summarize(sessions, now=NOW, cutoff=Cutoff.parse("2024-12-31"), directive=code)
    rows = {(r.key, r.role): r for r in year.rows}
    lead = rows[("UBND", "lead")]
    assert counts(lead.counts) == (4, 1, 0, 2, 0, 0, 7)
    assert lead.rate_of_completed == pytest.approx(0.8)
    assert ("UBND", "support") in rows
    roles = [r.role for r in year.rows]
    assert roles == sorted(roles)  # every lead row before every support row


def test_summary_of_an_unknown_directive_says_so(sessions: SessionFactory) -> None:
    with pytest.raises(UnknownDirective):
        summarize(sessions, now=NOW, directive="KHONG-CO")


class TestCategory:
    DUE = datetime(2024, 6, 11, 16, 59, tzinfo=UTC)

    @pytest.mark.parametrize(
        ("status", "submitted", "expected"),
        [
            (ItemStatus.AWAITING_REVIEW, DUE - timedelta(days=1), C.IN_PROGRESS_ON_TIME),
            (ItemStatus.AWAITING_REVIEW, DUE + timedelta(days=1), C.IN_PROGRESS_OVERDUE),
            (ItemStatus.REFUSED, None, C.IN_PROGRESS_OVERDUE),
            (ItemStatus.DUE_SOON, None, C.IN_PROGRESS_OVERDUE),
            (ItemStatus.NOT_RECEIVED, None, C.NOT_RECEIVED),
            (ItemStatus.COMPLETED_LATE, None, C.COMPLETED_LATE),
        ],
    )
    def test_past_its_deadline_an_item_is_overdue_unless_submitted_in_time_or_closed(
        self, status: ItemStatus, submitted: datetime | None, expected: C
    ) -> None:
        """A week after the deadline: awaiting review counts against the deadline only if it was
        submitted after it; any other open status does."""
        assert expected == category_of(status, self.DUE + timedelta(days=7), self.DUE, submitted)
