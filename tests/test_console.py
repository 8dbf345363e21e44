"""`console.Renderer`: the one rendering of status, lists and timelines, in Vietnamese."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from rich.console import Console

from dondoc.console import Renderer
from dondoc.db.timeline import Timeline, TimelineEvent
from dondoc.schemas.lifecycle import ActionKind, ActionLog
from dondoc.schemas.messages import DirectiveStatus, ItemStatus, Role
from dondoc.schemas.views import (
    DirectiveHeader,
    DirectiveView,
    EscalationView,
    ItemRow,
    ItemView,
    UnitView,
)

AT = datetime(2024, 5, 19, 16, 59, tzinfo=UTC)


def renderer(time_format: str = "%d/%m/%Y %H:%M") -> tuple[Renderer, io.StringIO]:
    text = io.StringIO()
    return Renderer(Console(file=text, width=160, color_system=None), time_format), text


def view() -> DirectiveView:
    units = [
        UnitView(code="UBND", name="UBND", role=Role.LEAD, progress=60, done=False),
        UnitView(code="MTTQ", name="MTTQ", role=Role.SUPPORT, progress=100, done=True),
    ]
    return DirectiveView(
        directive=DirectiveHeader(
            code="127-KH/ĐU",
            title="Dân vận khéo [đợt 2]",
            workflow_id="dondoc/127-KH/ĐU",
            status=DirectiveStatus.IN_PROGRESS,
            committee="DANG_UY",
            timezone="Asia/Ho_Chi_Minh",
        ),
        items=[
            ItemView(
                number="6",
                title="Thi đua [cao điểm]",
                workflow_id="dondoc/127-KH/ĐU/item/6",
                status=ItemStatus.OVERDUE,
                due=AT,
                units=units,
                escalations=[EscalationView(level=2, at=AT, to="DANG_UY")],
                actions=[
                    ActionLog(
                        kind=ActionKind.MILESTONE_REACHED,
                        at=AT,
                        actor="dondoc",
                        data={"title": "19/5"},
                    ),
                    ActionLog(kind=ActionKind.RECEIPT, at=AT, actor="UBND", unit="UBND"),
                ],
            )
        ],
    )


class TestDirective:
    def test_actions_are_told_in_vietnamese(self) -> None:
        """`status` printed `milestone_reached (dondoc)`."""
        out, text = renderer()
        out.directive(view())
        history = text.getvalue().split("Nhiệm vụ 6")[-1].splitlines()[1:]
        assert history == [
            "  19/05/2024 16:59 đến mốc (dondoc)",
            "  19/05/2024 16:59 tiếp nhận (UBND)",
        ]

    def test_the_table_shows_labels_levels_and_units(self) -> None:
        out, text = renderer()
        out.directive(view())
        printed = text.getvalue()
        assert "Trạng thái: đang thực hiện (in_progress) · cấp ủy DANG_UY" in printed
        row = next(line for line in printed.splitlines() if line.startswith("│ 6 "))
        assert [p for p in ("quá hạn", "UBND 60%", "MTTQ 100% ✓", "lần 2") if p not in row] == []

    def test_brackets_in_titles_are_text_not_markup(self) -> None:
        out, text = renderer()
        out.directive(view())
        assert "Dân vận khéo [đợt 2]" in text.getvalue()
        assert "Thi đua [cao điểm]" in text.getvalue()

    def test_the_time_format_is_the_renderers(self) -> None:
        """The demo's whole timeline fits in a minute: it shows seconds, not dates."""
        out, text = renderer("%H:%M:%S")
        out.directive(view())
        assert "  16:59:00 đến mốc (dondoc)" in text.getvalue()


class TestRows:
    def row(self, number: str) -> ItemRow:
        return ItemRow(
            directive_code="127-KH/ĐU",
            number=number,
            title=f"Nhiệm vụ {number}",
            status=ItemStatus.DUE_SOON,
            due=AT,
            lead=["UBND", "MTTQ"],
            workflow_id=f"dondoc/127-KH/ĐU/item/{number}",
        )

    def test_a_page_says_where_it_sits_and_how_to_go_on(self) -> None:
        out, text = renderer()
        out.rows([self.row("3"), self.row("4")], total=7, page=2, limit=2)
        lines = text.getvalue().splitlines()
        assert "sắp đến hạn" in lines[3]
        assert lines[-1] == "3–4 / 7 nhiệm vụ (trang 2; xem tiếp: --page 3)"

    def test_everything_on_one_page_is_counted(self) -> None:
        out, text = renderer()
        out.rows([self.row("1")], total=1, page=1, limit=50)
        assert text.getvalue().splitlines()[-1] == "1 nhiệm vụ"


class TestTimeline:
    def test_each_event_is_one_line_with_its_label_detail_and_units(self) -> None:
        vn = datetime(2024, 5, 12, 8, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
        events = [
            TimelineEvent(at=vn, item="6.1", kind="reminder", units=["A", "B", "C", "D", "E"]),
            TimelineEvent(at=vn, item="6", kind="milestone_reached", units=["DANG_UY"], detail="x"),
            TimelineEvent(at=vn, item="3", kind="status", detail="completed_late"),
        ]
        out, text = renderer()
        out.timeline(
            Timeline(
                directive="127", start=date(2024, 4, 15), until=date(2024, 12, 31), events=events
            )
        )
        assert text.getvalue().splitlines() == [
            "127: 15/04/2024 → 31/12/2024, 3 sự kiện",
            "12/05/2024 08:00  [6.1] nhắc việc → A, B, C, +2",
            "12/05/2024 08:00  [6] đến mốc (x) → DANG_UY",
            "12/05/2024 08:00  [3] hoàn thành quá hạn",
        ]


class TestNotification:
    def test_the_demo_line_names_kind_level_unit_and_item(self) -> None:
        out, text = renderer()
        out.notification(
            datetime(2024, 1, 1, 9, 30, 5, tzinfo=UTC), "escalation", "DANG_UY", "2", level=3
        )
        assert text.getvalue() == "  09:30:05 báo cáo vượt hạn lần 3 → DANG_UY · nhiệm vụ 2\n"
