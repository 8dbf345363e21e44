"""Resolving a checked directive file into its plan: `today` handed in, one ItemPlan -> ItemSpec."""

from __future__ import annotations

from datetime import UTC, date, datetime, tzinfo
from zoneinfo import ZoneInfo

import pytest

from dondoc.importer import yaml_file
from dondoc.importer.resolve import resolve
from dondoc.importer.yaml_file import parse_directive, read_directive_file
from dondoc.schemas.directive import ROW_FIELDS, DirectiveFile
from dondoc.schemas.messages import ItemSpec
from dondoc.schemas.overrides import CalendarOverrides
from tests.importer.directive_texts import VALID, edit

VN = ZoneInfo("Asia/Ho_Chi_Minh")
# Item "1" due 5 working days after the day the directive is started (no issued_on).
RELATIVE = edit("due: 2024-05-19", "due: {working_days: 5}")


def relative() -> DirectiveFile:
    return read_directive_file(RELATIVE, "d.yaml")


def local_due(file: DirectiveFile, today: date, **kw: CalendarOverrides) -> date:
    return resolve(file, today, **kw).items[0].schedule.due.astimezone(VN).date()


class TestToday:
    def test_relative_due_counts_from_the_today_handed_in(self) -> None:
        """Mon 06/05/2024 + 5 working days = Mon 13/05; from Mon 13/05 it is Mon 20/05."""
        expected = [date(2024, 5, 13), date(2024, 5, 20)]
        actual = [local_due(relative(), date(2024, 5, 6)), local_due(relative(), date(2024, 5, 13))]
        assert expected == actual

    def test_the_same_file_and_today_give_the_same_plan(self) -> None:
        """resolve reads no clock: two resolutions on one day are identical, receipt included."""
        first, second = (resolve(relative(), date(2024, 5, 6)) for _ in range(2))
        assert first.content_hash() == second.content_hash()
        assert first.items[0].receipt_remind_at is not None
        expected = date(2024, 5, 7)  # one working day after the start, at 08:00
        assert expected == first.items[0].receipt_remind_at.astimezone(VN).date()

    def test_parse_directive_takes_today_in_the_directives_timezone(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """At 23:30 UTC on Sun 05/05 it is already Mon 06/05 in Việt Nam: the count starts there."""

        class Clock(datetime):
            @classmethod
            def now(cls, tz: tzinfo | None = None) -> Clock:
                instant = datetime(2024, 5, 5, 23, 30, tzinfo=UTC)
                moved = instant.astimezone(tz) if tz else instant
                return cls.fromtimestamp(moved.timestamp(), moved.tzinfo)

        monkeypatch.setattr(yaml_file, "datetime", Clock)
        plan = parse_directive(RELATIVE, "d.yaml")
        expected = date(2024, 5, 13)
        assert expected == plan.items[0].schedule.due.astimezone(VN).date()

    def test_issued_on_wins_over_today(self) -> None:
        """With issued_on, today only dates the receipt reminder, not the deadline."""
        text = edit("committee: DANG_UY\n", "committee: DANG_UY\nissued_on: 06/05/2024\n", RELATIVE)
        file = read_directive_file(text, "d.yaml")
        expected = date(2024, 5, 13)
        assert expected == local_due(file, date(2024, 9, 2))


class TestSiteCalendar:
    def test_site_day_off_moves_a_working_day_deadline(self) -> None:
        """A site day off on Wed 08/05/2024 pushes 5 working days from 06/05 to Tue 14/05."""
        site = CalendarOverrides(days_off={date(2024, 5, 8): "Ngày nghỉ riêng của phường"})
        expected = date(2024, 5, 14)
        assert expected == local_due(relative(), date(2024, 5, 6), site=site)

    def test_directive_working_day_overrides_the_site_day_off(self) -> None:
        """The directive's own calendar lies on top of the site's: its make-up day counts."""
        site = CalendarOverrides(days_off={date(2024, 5, 8): "Ngày nghỉ riêng của phường"})
        text = edit("items:\n", 'calendar:\n  working_days: {2024-05-08: "Làm bù"}\nitems:\n')
        file = read_directive_file(edit("due: 2024-05-19", "due: {working_days: 5}", text))
        expected = date(2024, 5, 13)
        assert expected == local_due(file, date(2024, 5, 6), site=site)


class TestItemSpec:
    def test_spec_carries_the_plan_and_its_schedule(self) -> None:
        """The one mapping: identity, units, schedule and lifecycle fields, plus the directive's."""
        plan = parse_directive(VALID, "d.yaml", today=date(2024, 5, 6))
        item = plan.items[0]
        spec = plan.spec(item)
        expected = (
            "127-KH/ĐU",
            "DANG_UY",
            ["DANG_UY", "UBND", "MTTQ", "DOAN_TN", "HOI_PN"],
            "1",
            "Việc một",
            ["UBND"],
            ["MTTQ"],
            item.schedule.model_dump(),
            item.receipt_remind_at,
        )
        actual = (
            spec.directive_code,
            spec.committee,
            spec.known_units,
            spec.number,
            spec.title,
            spec.lead,
            spec.support,
            {k: getattr(spec, k) for k in item.schedule.model_dump()},
            spec.receipt_remind_at,
        )
        assert expected == actual

    def test_row_columns_and_extras_give_back_the_spec(self) -> None:
        """What the database keeps (columns + `extras`) reads back as the same ItemSpec."""
        plan = parse_directive(VALID, "d.yaml", today=date(2024, 5, 6))
        spec = plan.spec(plan.items[0])
        columns = spec.model_dump(include=set(ROW_FIELDS))
        assert spec == ItemSpec.model_validate({**plan.extras(plan.items[0]), **columns})
        assert set() == ROW_FIELDS & plan.extras(plan.items[0]).keys()
