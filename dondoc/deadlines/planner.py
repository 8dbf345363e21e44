"""Deadline rules to UTC instants with the Vietnamese calendar, for the loader and `plan_schedule`.

One place for it, used at the edge and by an activity when a deadline moves; never in workflows.
"""

from __future__ import annotations

from calendar import monthrange
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dondoc.deadlines.vn_calendar import VnCalendar
from dondoc.schemas.dates import to_utc
from dondoc.schemas.messages import Period, Schedule
from dondoc.schemas.overrides import CalendarOverrides
from dondoc.schemas.timing import Offset, Reporting, Rules, WorkingDays

OFFICE_OPENS = time(8, 0)  # reminders and working-day escalations go out when offices open
LADDER_LEVELS = 26  # precomputed escalation instants; later levels repeat the last spacing

MAX_PERIODS = 160


class Planner:
    """Computes schedules in one directive's timezone and calendar."""

    def __init__(self, timezone: str, overrides: CalendarOverrides | None) -> None:
        """`overrides`: the site's and the directive's days, merged by the caller
        (`schemas.overrides.combined`); the planner reads no setting or file itself."""
        self.tz = ZoneInfo(timezone)
        self.calendar = VnCalendar(overrides)

    def local_date(self, instant: datetime) -> date:
        return instant.astimezone(self.tz).date()

    def at(self, day: date, t: time) -> datetime:
        return to_utc(datetime.combine(day, t, tzinfo=self.tz))

    def before(self, instant: datetime, offset: Offset) -> datetime:
        if isinstance(offset, WorkingDays):
            day = self.calendar.subtract_working_days(self.local_date(instant), offset.working_days)
            return self.at(day.deadline, OFFICE_OPENS)
        return instant - offset

    def after(self, instant: datetime, offset: Offset) -> datetime:
        if isinstance(offset, WorkingDays):
            day = self.calendar.add_working_days(self.local_date(instant), offset.working_days)
            return self.at(day.deadline, OFFICE_OPENS)
        return instant + offset

    def ladder(self, due: datetime, every: Offset) -> list[datetime]:
        """Escalation instants: level 1 at `due`, each next one `every` later."""
        if not isinstance(every, WorkingDays):
            return []  # a fixed spacing needs no list: the workflow adds it
        out = [due]
        for _ in range(LADDER_LEVELS - 1):
            out.append(self.after(out[-1], every))
        return out

    def schedule(self, due: datetime, rules: Rules) -> Schedule:
        due_soon_day = self.calendar.subtract_working_days(
            self.local_date(due), rules.due_soon.working_days
        )
        support_due = support_remind_at = None
        if rules.support_due_fixed is not None:
            support_due = rules.support_due_fixed
            support_remind_at = self.before(support_due, rules.remind_before)
        elif rules.support_due is not None:
            n = rules.support_due.working_days_before_lead
            day = self.local_date(due)
            if n:
                day = self.calendar.subtract_working_days(day, n).deadline
            support_due = self.at(day, time(23, 59, 59))
            support_remind_at = self.before(support_due, rules.remind_before)
        return Schedule(
            due=due,
            remind_at=self.before(due, rules.remind_before),
            due_soon_at=self.at(due_soon_day.deadline, time(0, 0)),
            support_due=support_due,
            support_remind_at=support_remind_at,
            escalation_ladder=self.ladder(due, rules.escalate_every),
        )

    def periods(self, start: date, until: datetime, r: Reporting) -> list[Period]:
        """The reporting periods whose data cut-off falls after `start` and up to `until`."""
        last = self.local_date(until)
        out: list[Period] = []
        for cut in self._cutoffs(start, r):
            if cut > last or len(out) >= MAX_PERIODS:
                break
            due = self.calendar.add_working_days(cut, r.submit_within.working_days).deadline
            out.append(
                Period(
                    n=len(out) + 1,
                    cutoff=self.at(cut, time(23, 59, 59)),
                    due=self.at(due, time(23, 59, 59)),
                )
            )
        return out

    @staticmethod
    def _cutoffs(start: date, r: Reporting) -> Iterator[date]:
        if r.every == "week":
            day = start + timedelta(days=1)
            while day.isoweekday() != r.cutoff_day:
                day += timedelta(days=1)
            while True:
                yield day
                day += timedelta(days=7)
        step = 1 if r.every == "month" else 3
        year, month = start.year, start.month
        if r.every == "quarter":
            month = ((month - 1) // 3) * 3 + 3
        while True:
            day = date(year, month, min(r.cutoff_day, monthrange(year, month)[1]))
            if day > start:
                yield day
            month += step
            if month > 12:
                year, month = year + 1, month - 12

    def receipt(self, assigned_on: date, within: WorkingDays) -> tuple[datetime, datetime]:
        """When an unacknowledged assignment is reminded, and when it is escalated."""
        remind = self.calendar.add_working_days(assigned_on, within.working_days).deadline
        escalate = self.calendar.add_working_days(remind, within.working_days).deadline
        return self.at(remind, OFFICE_OPENS), self.at(escalate, OFFICE_OPENS)
