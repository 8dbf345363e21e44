"""`dondoc simulate` plays the seed directive with the sample script to 31/12/2024."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from dondoc.db.timeline import Timeline
from dondoc.errors import DondocError
from dondoc.local.simulate import last_day, read_directive, read_script, simulate

EXAMPLES = Path(__file__).parents[1] / "examples"
VN = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture(scope="module")
async def timeline() -> Timeline:
    script = read_script(EXAMPLES / "dan-van-kheo-2024-reports.yaml")
    plan, first = read_directive(EXAMPLES / "dan-van-kheo-2024.yaml", date(2024, 4, 15), script)
    return await simulate(plan, first, last_day(plan, first, date(2024, 12, 31)), script)


def at(day: str, hm: str = "23:59") -> datetime:
    return datetime.strptime(f"{day} {hm}", "%d/%m/%Y %H:%M").replace(tzinfo=VN)


def find(t: Timeline, item: str, kind: str) -> list[tuple[datetime, str, list[str]]]:
    return [
        (e.at.replace(second=0, microsecond=0), e.detail, e.units)
        for e in t.events
        if e.item == item and e.kind == kind
    ]


async def test_timeline_is_in_order_within_the_simulated_range(timeline: Timeline) -> None:
    times = [e.at for e in timeline.events]
    assert times == sorted(times)
    assert times[0].date() == date(2024, 4, 15)
    assert times[-1].date() <= date(2024, 12, 31)


async def test_peak_emulation_19_5_is_reminded_a_week_before_and_finished_on_time(
    timeline: Timeline,
) -> None:
    """6.1 is due 19/05/2024 with remind_before P7D; UBND reports done on 17/05 (the script)."""
    reminders = find(timeline, "6.1", "reminder")
    assert [r[0] for r in reminders] == [at("12/05/2024")]
    assert [s[:2] for s in find(timeline, "6.1", "status")] == [
        (at("17/05/2024", "09:00"), "completed_on_time")
    ]
    assert find(timeline, "6.1", "escalation") == []


async def test_unfinished_item_escalates_weekly_from_its_deadline(timeline: Timeline) -> None:
    """TCTH is due 31/05/2024 and never finished: level 1 at the deadline, then every P7D."""
    esc = find(timeline, "TCTH", "escalation")
    assert [(e[0], e[1]) for e in esc[:3]] == [
        (at("31/05/2024"), "lần 1"),
        (at("07/06/2024"), "lần 2"),
        (at("14/06/2024"), "lần 3"),
    ]
    assert all(e[2] == ["DANG_UY"] for e in esc)


async def test_late_completion_and_rejected_report_are_in_the_timeline(timeline: Timeline) -> None:
    assert [s[:2] for s in find(timeline, "3", "status")] == [
        (at("05/11/2024", "09:00"), "completed_late")
    ]
    rejected = find(timeline, "4", "report_rejected")
    assert [(r[0], r[2]) for r in rejected] == [(at("20/05/2024", "09:00"), ["DAI_TRUYEN_THANH"])]
    assert "not assigned" in rejected[0][1]


async def test_item_6_milestones_reached_while_open_and_not_after(timeline: Timeline) -> None:
    """30/4, 19/5 and 2/9 pass with item 6 open; it completes on 10/10, so 15/10 is quiet."""
    reached = [m[0].date() for m in find(timeline, "6", "milestone_reached")]
    assert reached == [date(2024, 4, 30), date(2024, 5, 19), date(2024, 9, 2)]


def test_bad_script_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("- {date: 31/02/2024, item: '1', unit: A}\n", encoding="utf-8")
    with pytest.raises(DondocError, match=r"entry 1 date: .*not a real date"):
        read_script(bad)
