"""The rich rendering every terminal face shares: status and list tables, timelines, one-liners."""

from __future__ import annotations

import sys
from datetime import date, datetime
from typing import TYPE_CHECKING, Protocol
from zoneinfo import ZoneInfo

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from dondoc.labels import DIRECTIVE_STATUS_VN, ITEM_STATUS_VN, kind_label, level_label
from dondoc.schemas.directive import DirectivePlan
from dondoc.schemas.lifecycle import ActionResult
from dondoc.schemas.messages import ItemStatus, ReportResult, Role
from dondoc.schemas.views import DirectiveView, ItemRow, UnitView

if TYPE_CHECKING:  # the database's modules load only for the commands that read it
    from dondoc.db.timeline import Timeline
    from dondoc.schemas.summary import Summary

TIME_FORMAT = "%d/%m/%Y %H:%M"
STATUS_STYLE = {
    ItemStatus.NOT_RECEIVED: "magenta",
    ItemStatus.IN_PROGRESS: "green",
    ItemStatus.DUE_SOON: "yellow",
    ItemStatus.OVERDUE: "bold red",
    ItemStatus.AWAITING_REVIEW: "cyan",
    ItemStatus.REFUSED: "bold magenta",
    ItemStatus.COMPLETED_ON_TIME: "grey62",
    ItemStatus.COMPLETED_LATE: "grey62",
    ItemStatus.RECALLED: "grey50",
}
KIND_STYLE = {"reminder": "yellow", "escalation": "bold red", "completion": "green"}


class Counted(Protocol):
    """A computed deadline and how it was counted (`deadlines.vn_calendar.Deadline`)."""

    @property
    def deadline(self) -> date: ...
    @property
    def explanation(self) -> list[str]: ...


def make_console() -> Console:
    # Off a terminal (pipes, CI logs) rich assumes 80 columns; tables need more.
    return Console(highlight=False, width=None if sys.stdout.isatty() else 140)


class Renderer:
    """Prints dondoc's read models for people, in Vietnamese, on one console."""

    def __init__(self, console: Console | None = None, time_format: str = TIME_FORMAT) -> None:
        self.console = console or make_console()
        self.time_format = time_format

    def when(self, value: datetime | None) -> str:
        return value.strftime(self.time_format) if value else "—"

    def status_label(self, status: ItemStatus) -> str:
        return f"[{STATUS_STYLE[status]}]{ITEM_STATUS_VN[status]}[/]"

    # -- dondoc status / list ----------------------------------------------------------------

    def directive(self, view: DirectiveView) -> None:
        """A directive's header, its items' table, then each item's latest actions."""
        d, out = view.directive, self.console
        out.print(f"[bold]{escape(d.code)}[/bold] — {escape(d.title)}")
        out.print(
            f"Trạng thái: {DIRECTIVE_STATUS_VN[d.status]} ({d.status.value}) · cấp ủy"
            f" {d.committee} · workflow {escape(d.workflow_id)}"
        )
        table = Table()
        table.add_column("Số", no_wrap=True)
        table.add_column("Nhiệm vụ", max_width=30, overflow="ellipsis", no_wrap=True)
        table.add_column("Trạng thái", min_width=19, no_wrap=True)
        table.add_column("Hạn", min_width=8, no_wrap=True)
        table.add_column("Chủ trì", max_width=20, overflow="ellipsis", no_wrap=True)
        table.add_column("Phối hợp", max_width=20, overflow="ellipsis", no_wrap=True)
        table.add_column("Nhắc", min_width=4, no_wrap=True)
        table.add_column("Vượt hạn", min_width=8, no_wrap=True)
        for i in view.items:
            esc = i.escalations
            table.add_row(
                escape(i.number),
                escape(i.title),
                self.status_label(i.status),
                self.when(i.due),
                _units([u for u in i.units if u.role == Role.LEAD]),
                _units([u for u in i.units if u.role == Role.SUPPORT]),
                str(len(i.reminders)) if i.reminders else "—",
                level_label(esc[-1].level) if esc else "—",
            )
        out.print(table)
        out.print("✓ đã hoàn thành · thời gian theo múi giờ " + d.timezone)
        for i in view.items:
            if not i.actions:
                continue
            used = f" · đã gia hạn {i.extensions_used} lần" if i.extensions_used else ""
            out.print(f"[bold]Nhiệm vụ {escape(i.number)}[/bold]{used}")
            for a in i.actions[-8:]:
                why = f": {escape(a.reason)}" if a.reason else ""
                by = a.unit or a.actor
                if a.by:  # the signed-in person who acted (the web)
                    by = f"{by}, {a.by}"
                out.print(f"  {self.when(a.at)} {kind_label(a.kind)} ({escape(by)}){why}")

    def summary(self, s: Summary) -> None:
        """`dondoc summary`: counts per category and on-time rates, one row per group."""
        from dondoc.exports.figures import summary_table

        head, rows = summary_table(s, short=True)
        table = Table(title=head[0], caption=head[1])
        table.add_column(head[2], max_width=40, overflow="ellipsis", no_wrap=True)
        for name in head[3:]:
            table.add_column(name, justify="right")
        for row in rows:
            table.add_row(*row)
        self.console.print(table)

    def rows(self, rows: list[ItemRow], total: int, page: int, limit: int) -> None:
        """One page of items across directives, and where the page sits in the whole."""
        table = Table()
        for col in ("Chỉ thị", "Số", "Nhiệm vụ", "Trạng thái", "Hạn", "Chủ trì"):
            table.add_column(col)
        for r in rows:
            table.add_row(
                escape(r.directive_code),
                escape(r.number),
                escape(r.title),
                self.status_label(r.status),
                self.when(r.due),
                ", ".join(r.lead),
            )
        self.console.print(table)
        if limit and total > len(rows):
            first = (page - 1) * limit + 1
            last = first + len(rows) - 1
            self.console.print(
                f"{first}–{last} / {total} nhiệm vụ (trang {page}; xem tiếp: --page {page + 1})"
            )
        else:
            self.console.print(f"{total} nhiệm vụ")

    # -- one-line answers --------------------------------------------------------------------

    def plan(self, plan: DirectivePlan) -> None:
        """A validated directive as it would start (`dondoc start --dry-run`): nothing started."""
        tz, out = ZoneInfo(plan.timezone), self.console
        issued = f" · ban hành {plan.issued_on:%d/%m/%Y}" if plan.issued_on else ""
        out.print(f"[bold]{escape(plan.code)}[/bold] — {escape(plan.title)}")
        out.print(f"Cấp ủy {plan.committee}{issued} · {len(plan.items)} nhiệm vụ · {plan.timezone}")
        table = Table()
        for name in ("Số", "Nhiệm vụ", "Hạn", "Nhắc", "Chủ trì", "Phối hợp", "Mốc", "Kỳ báo cáo"):
            table.add_column(name, no_wrap=name in ("Số", "Hạn", "Nhắc"))
        for item in plan.items:
            table.add_row(
                escape(item.number),
                escape(item.title),
                self.when(item.schedule.due.astimezone(tz)),
                self.when(item.schedule.remind_at.astimezone(tz)),
                ", ".join(item.lead),
                ", ".join(item.support) or "—",
                str(len(item.milestones)) if item.milestones else "—",
                str(len(item.periods)) if item.periods else "—",
            )
        out.print(table)
        out.print("Hợp lệ; chưa khởi chạy (--dry-run).")

    def report_result(self, item: str, result: ReportResult) -> None:
        again = " (đã ghi nhận trước đó)" if result.duplicate else ""
        done = " — hoàn thành" if result.done else ""
        self.console.print(
            f"Đã ghi nhận{again}: {result.unit} {result.progress}%{done}; nhiệm vụ {escape(item)}:"
            f" {ITEM_STATUS_VN[result.item_status]} ({result.item_status.value})"
            f" (report id {escape(result.report_id)})"
        )

    def action_result(self, item: str, result: ActionResult) -> None:
        self.console.print(
            f"{escape(result.message)}; nhiệm vụ {escape(item)}:"
            f" {ITEM_STATUS_VN[result.item_status]} ({result.item_status.value})"
        )

    def deadline(self, result: Counted) -> None:
        day = result.deadline
        self.console.print(f"Hạn: [bold]{day:%d/%m/%Y}[/bold] ({day.isoformat()})")
        for line in result.explanation:
            self.console.print(f"  · {escape(line)}")

    def notice(self, text: str) -> None:
        """Something the user should know that is not the answer (printed in yellow)."""
        self.console.print(f"[yellow]{escape(text)}[/]")

    # -- the demo's running commentary --------------------------------------------------------

    def notification(
        self, at: datetime, kind: str, unit: str, item: str | None, level: int | None = None
    ) -> None:
        label = kind_label(kind)
        style = KIND_STYLE.get(kind)
        shown = f"[{style}]{label}[/]" if style else label
        lvl = f" {level_label(level)}" if level else ""
        self.console.print(
            f"  {at:%H:%M:%S} {shown}{lvl} → {unit} · nhiệm vụ {escape(item or '—')}"
        )

    def report_line(self, item: str, unit: str, result: ReportResult) -> None:
        self.console.print(
            f"  báo cáo: nhiệm vụ {escape(item)} {unit} {result.progress}%"
            f" → {ITEM_STATUS_VN[result.item_status]}"
        )

    # -- dondoc simulate -----------------------------------------------------------------------

    def timeline(self, t: Timeline) -> None:
        from dondoc.db.timeline import EventKind

        out = self.console
        out.print(
            f"[bold]{escape(t.directive)}[/bold]: {t.start:%d/%m/%Y} → {t.until:%d/%m/%Y},"
            f" {len(t.events)} sự kiện"
        )
        for e in t.events:
            units = e.units if len(e.units) <= 4 else [*e.units[:3], f"+{len(e.units) - 3}"]
            who = f" → {', '.join(units)}" if units else ""
            label, detail = kind_label(e.kind), f" ({escape(e.detail)})" if e.detail else ""
            if e.kind == EventKind.STATUS:
                label, detail = ITEM_STATUS_VN[ItemStatus(e.detail)], ""
            where = escape(f"[{e.item or '—'}]")
            out.print(f"{e.at:%d/%m/%Y %H:%M}  {where} {label}{detail}{who}")


def _units(units: list[UnitView]) -> str:
    if len(units) > 2:
        late = sum(u.late for u in units)
        return f"{sum(u.done for u in units)}/{len(units)} xong" + (f", {late} trễ" if late else "")
    return (
        ", ".join(
            f"{u.code} {u.progress}%{' ✓' if u.done else ''}{' [red](trễ)[/]' if u.late else ''}"
            for u in units
        )
        or "—"
    )
