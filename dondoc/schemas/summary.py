"""Cut-offs, the reporting categories and the summary read model (`dondoc summary`, exports)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from pydantic import Field

from dondoc.schemas import Frozen
from dondoc.schemas.status import ItemStatus


class LedgerKind(StrEnum):
    """What one ledger entry says happened to an item (db/models.py `LedgerEntry.kind`)."""

    ASSIGNED = "assigned"  # a unit given the item, with its role (also by a reassignment)
    UNASSIGNED = "unassigned"  # a unit taken off by a reassignment
    DEADLINE = "deadline"  # a deadline in force from `at`: `seq`, `due`; data.cause = why
    RECEIVED = "received"
    REPORT = "report"  # `progress`, `done`
    SUBMITTED = "submitted"  # the leads are done; the committee's review is awaited
    ACCEPTED = "accepted"
    RETURNED = "returned"
    REOPENED = "reopened"  # a lead's done undone (returned review)
    REFUSED = "refused"
    REFUSAL_DECIDED = "refusal_decided"  # a refusal settled (overruled or reassigned)
    REASSIGNED = "reassigned"
    RECALLED = "recalled"
    COMPLETED = "completed"  # `status` on time or late; `done_at` the instant that counts


class Category(StrEnum):
    """Where an item stands at a cut-off, in the Government Office's reporting categories.

    Source: Quy chế theo dõi, đôn đốc, kiểm tra việc thực hiện nhiệm vụ (QĐ 42/2014/QĐ-TTg,
    amended by QĐ 23/2018/QĐ-TTg; consolidated as 01/HNVB-VPCP of 11/07/2018). We could not find
    the text of the article that defines the four categories in the sources we searched; they are
    the ones the Government Office reports in (e.g. its report 1270/BC-TCTTTg of 27/12/2017:
    "đến hạn đã hoàn thành … (đúng hạn …, quá hạn …); chưa hoàn thành … (trong hạn …, quá hạn …)").
    Not received and recalled items are shown apart.
    """

    COMPLETED_ON_TIME = "completed_on_time"
    COMPLETED_LATE = "completed_late"
    IN_PROGRESS_ON_TIME = "in_progress_on_time"
    IN_PROGRESS_OVERDUE = "in_progress_overdue"
    NOT_RECEIVED = "not_received"
    RECALLED = "recalled"

    @property
    def completed(self) -> bool:
        return self in (Category.COMPLETED_ON_TIME, Category.COMPLETED_LATE)


def category_of(
    status: ItemStatus, at: datetime, due: datetime, submitted_at: datetime | None = None
) -> Category:
    """The category of an item whose status at the cut-off `at` is `status`.

    Awaiting review is still being carried out (it is complete only once accepted), overdue only
    if it was submitted after its deadline; a refusal awaiting the committee counts against the
    deadline like any open item.
    """
    if status == ItemStatus.RECALLED:
        return Category.RECALLED
    if status == ItemStatus.COMPLETED_ON_TIME:
        return Category.COMPLETED_ON_TIME
    if status == ItemStatus.COMPLETED_LATE:
        return Category.COMPLETED_LATE
    if status == ItemStatus.NOT_RECEIVED:
        return Category.NOT_RECEIVED
    if status == ItemStatus.AWAITING_REVIEW:
        late = submitted_at is not None and submitted_at > due
        return Category.IN_PROGRESS_OVERDUE if late else Category.IN_PROGRESS_ON_TIME
    if status == ItemStatus.OVERDUE or at > due:
        return Category.IN_PROGRESS_OVERDUE
    return Category.IN_PROGRESS_ON_TIME


class Cutoff(Frozen):
    """A cut-off: a date (the end of that day in each directive's timezone) or an instant."""

    day: date | None = None
    instant: datetime | None = None

    @classmethod
    def parse(cls, text: str) -> Cutoff:
        """`2024-06-14` (or `14/06/2024`), or an ISO datetime with an offset
        (`2024-06-14T17:00+07:00`)."""
        text = text.strip()
        if len(text) == 10 and text[2] == text[5] == "/":
            day, month, year = text.split("/")
            return cls(day=date(int(year), int(month), int(day)))
        if len(text) == 10:
            return cls(day=date.fromisoformat(text))
        instant = datetime.fromisoformat(text)
        if instant.tzinfo is None:
            raise ValueError(f"{text!r}: give a date or a datetime with its offset (+07:00)")
        return cls(instant=instant.astimezone(UTC))

    def resolve(self, timezone: str) -> datetime:
        """The instant, in UTC: a date's last microsecond in `timezone`."""
        if self.instant is not None:
            return self.instant
        assert self.day is not None
        start = datetime.combine(self.day + timedelta(days=1), time(), ZoneInfo(timezone))
        return (start - timedelta(microseconds=1)).astimezone(UTC)

    def label_day(self, timezone: str) -> date:
        """The day the cut-off falls on in `timezone` ("Số liệu tính đến ngày …")."""
        return self.day or self.resolve(timezone).astimezone(ZoneInfo(timezone)).date()


class Period(Frozen):
    """A reporting period [start, end], both days included."""

    start: date
    end: date

    @classmethod
    def parse(cls, text: str) -> Period:
        """`2024`, `2024-Q2` or `2024-05`."""
        text = text.strip().upper()
        year = int(text[:4]) if text[:4].isdigit() else 0
        if year and len(text) == 4:
            return cls(start=date(year, 1, 1), end=date(year, 12, 31))
        if year and text[4:6] == "-Q" and text[6:] in ("1", "2", "3", "4"):
            first = 3 * int(text[6:]) - 2
            return cls(start=date(year, first, 1), end=_month_end(year, first + 2))
        if year and len(text) == 7 and text[4] == "-" and text[5:].isdigit():
            month = int(text[5:])
            if 1 <= month <= 12:
                return cls(start=date(year, month, 1), end=_month_end(year, month))
        raise ValueError(f"{text!r}: a period is 2024, 2024-Q2 or 2024-05")


def _month_end(year: int, month: int) -> date:
    following = date(year + month // 12, month % 12 + 1, 1)
    return following - timedelta(days=1)


class Counts(Frozen):
    """Counts per category of one group (a unit in one role, a directive, everything)."""

    completed_on_time: int = 0
    completed_late: int = 0
    in_progress_on_time: int = 0
    in_progress_overdue: int = 0
    not_received: int = 0
    recalled: int = 0
    due_in_period: int = 0  # items whose deadline in force falls in the period (or by the cut-off)
    overdue_days: int = 0  # days past the deadline, summed over late and overdue items
    max_overdue_days: int = 0

    @property
    def completed(self) -> int:
        return self.completed_on_time + self.completed_late

    @property
    def total(self) -> int:
        return (
            self.completed
            + self.in_progress_on_time
            + self.in_progress_overdue
            + self.not_received
            + self.recalled
        )

    @property
    def rate_of_completed(self) -> float | None:
        """Completed on time ÷ completed."""
        return self.completed_on_time / self.completed if self.completed else None

    @property
    def rate_of_due(self) -> float | None:
        """Completed on time ÷ due in the period."""
        return self.completed_on_time / self.due_in_period if self.due_in_period else None


class SummaryRow(Frozen):
    """One group: `key` is a unit code, a directive code or `directive/item`."""

    key: str
    name: str
    role: str | None = None  # lead or support (`--by unit`)
    counts: Counts
    rate_of_completed: float | None = None
    rate_of_due: float | None = None


class Summary(Frozen):
    as_of: datetime
    timezone: str = "UTC"  # the first directive's, to show the cut-off in
    start: date | None = None
    end: date | None = None
    directive: str | None = None
    by: str = "unit"
    total: SummaryRow
    rows: list[SummaryRow] = Field(default_factory=list)


class GanttRow(Frozen):
    """One item on a directive's timeline: assigned, each deadline in force, closed."""

    number: str
    title: str
    assigned_at: datetime
    deadlines: list[tuple[datetime, datetime]]  # (set at, due), in order
    closed_at: datetime | None = None
    category: Category
