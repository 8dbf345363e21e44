"""The `dondoc` command line: server, worker, start, report, status, list, demo."""

from __future__ import annotations

import asyncio
import functools
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.table import Table

from dondoc.config import DEFAULT_STATE_DIR, get_settings
from dondoc.errors import DondocError
from dondoc.labels import DIRECTIVE_STATUS_VN, ITEM_STATUS_VN
from dondoc.logs import configure_logging
from dondoc.schemas.lifecycle import (
    AckInput,
    ExplanationDecisionInput,
    ExplanationInput,
    ExplanationRequestInput,
    ExtensionDecisionInput,
    ExtensionRequestInput,
    ReassignInput,
    RecallInput,
    RefusalDecisionInput,
    RefuseInput,
    ReviewInput,
)
from dondoc.schemas.messages import ItemStatus, ReportInput, Role
from dondoc.schemas.views import DirectiveView, ItemList, ItemRow

app = typer.Typer(
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    help="dondoc — đôn đốc thực hiện nhiệm vụ: directives as durable Temporal workflows.",
)
# Off a terminal (pipes, CI logs) rich assumes 80 columns; tables need more.
out = Console(highlight=False, width=None if sys.stdout.isatty() else 140)
F = TypeVar("F", bound=Callable[..., Any])

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


def expected_errors(fn: F) -> F:
    """Expected errors become one clear message on stderr and exit code 2, never a traceback."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except DondocError as exc:
            typer.echo(f"dondoc: {exc}", err=True)
            raise typer.Exit(2) from None
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in e['loc']) or 'input'}: {e['msg']}" for e in exc.errors()
            )
            typer.echo(f"dondoc: invalid input: {problems}", err=True)
            raise typer.Exit(2) from None

    return wrapper  # type: ignore[return-value]


@app.command()
@expected_errors
def server(
    port: Annotated[int, typer.Option(help="gRPC port")] = 7233,
    ui_port: Annotated[int, typer.Option(help="Web UI port")] = 8233,
    db_file: Annotated[Path, typer.Option(help="SQLite file keeping the server's state")] = (
        DEFAULT_STATE_DIR / "temporal.sqlite"
    ),
) -> None:
    """Run the embedded Temporal server (SQLite, WAL) until Ctrl-C; its state survives restarts."""
    from dondoc.local.devserver import run_foreground

    typer.echo(
        f"Temporal server on 127.0.0.1:{port}, Web UI http://127.0.0.1:{ui_port}, state {db_file}",
        err=True,
    )
    raise typer.Exit(run_foreground(port, ui_port, db_file))


@app.command()
@expected_errors
def worker() -> None:
    """Run the worker (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, DONDOC_DATABASE_URL) until Ctrl-C."""
    from dondoc.worker import run_worker

    settings = get_settings()
    configure_logging(settings.log_format, settings.log_level)
    asyncio.run(run_worker(settings))


@app.command()
@expected_errors
def start(file: Annotated[Path, typer.Argument(help="directive YAML file")]) -> None:
    """Validate, store and start a directive; prints the directive workflow id."""
    from dondoc.client import connect
    from dondoc.db.session import open_database
    from dondoc.starter import read_plan, start_plan

    settings = get_settings()
    plan = read_plan(file)

    async def go() -> None:
        client = await connect(settings)
        started = await start_plan(client, open_database(settings.database_url), settings, plan)
        if started.past_due:
            typer.echo(
                f"dondoc: warning: item(s) {', '.join(started.past_due)} are already past due;"
                " they escalate at once",
                err=True,
            )
        typer.echo(started.workflow_id)

    asyncio.run(go())


@app.command()
@expected_errors
def report(
    code: Annotated[str, typer.Argument(help="directive code, e.g. 127-KH/ĐU")],
    item: Annotated[str, typer.Argument(help="item number, e.g. 1 or 6.2")],
    unit: Annotated[str, typer.Option(help="the reporting unit's code")],
    progress: Annotated[int | None, typer.Option(help="progress 0–100")] = None,
    done: Annotated[bool, typer.Option("--done", help="the unit has finished")] = False,
    note: Annotated[str | None, typer.Option(help="what was done")] = None,
    report_id: Annotated[str | None, typer.Option(help="idempotency key")] = None,
) -> None:
    """A unit reports progress (or completion) on an item."""
    from dondoc.client import connect
    from dondoc.starter import send_report

    if (progress is None) == (not done):
        raise DondocError("give exactly one of --progress N or --done")
    inp = ReportInput(
        unit=unit,
        progress=100 if done else (progress or 0),
        done=done,
        note=note,
        report_id=report_id,
    )

    async def go() -> None:
        client = await connect(get_settings())
        result = await send_report(client, code, item, inp)
        again = " (đã ghi nhận trước đó)" if result.duplicate else ""
        out.print(
            f"Đã ghi nhận{again}: {result.unit} {result.progress}%"
            f"{' — hoàn thành' if result.done else ''}; nhiệm vụ {item}:"
            f" {ITEM_STATUS_VN[result.item_status]} ({result.item_status.value})"
            f" (report id {result.report_id})"
        )

    asyncio.run(go())


# -- lifecycle actions (QĐ 42/2014/QĐ-TTg): each one an Update on the item workflow --------------

extend_app = typer.Typer(help="Gia hạn: request, approve or reject a new deadline.")
review_app = typer.Typer(help="Đánh giá: accept (đạt) or return (chưa đạt) a submitted item.")
explain_app = typer.Typer(help="Giải trình: request, answer and decide on an explanation.")
app.add_typer(extend_app, name="extend")
app.add_typer(review_app, name="review")
app.add_typer(explain_app, name="explain")

Code = Annotated[str, typer.Argument(help="directive code")]
Item = Annotated[str, typer.Argument(help="item number")]
As = Annotated[
    str, typer.Option("--as", help="the acting unit's code (the committee for decisions)")
]
Reason = Annotated[str, typer.Option(help="the reason, in words")]
OptReason = Annotated[str | None, typer.Option(help="the reason, in words")]


def _act(code: str, item: str, build: Callable[[Any], Any]) -> None:
    """Send one action; `build` gets the database (to read deadlines in the directive's zone)."""
    from dondoc.client import connect
    from dondoc.db.session import open_database
    from dondoc.starter import send_action

    settings = get_settings()
    arg = build(open_database(settings.database_url))

    async def go() -> None:
        result = await send_action(await connect(settings), code, item, arg)
        out.print(
            f"{result.message}; nhiệm vụ {item}: {ITEM_STATUS_VN[result.item_status]}"
            f" ({result.item_status.value})"
        )

    asyncio.run(go())


def _due(code: str, text: str | None) -> Callable[[Any], Any]:
    from dondoc.starter import deadline_instant

    return lambda sessions: deadline_instant(sessions, code, text) if text else None


@app.command()
@expected_errors
def ack(code: Code, item: Item, unit: As) -> None:
    """Tiếp nhận: a unit acknowledges its assignment."""
    _act(code, item, lambda _: AckInput(unit=unit))


@app.command()
@expected_errors
def refuse(code: Code, item: Item, unit: As, reason: Reason) -> None:
    """Từ chối: a unit declines its assignment; the committee then decides."""
    _act(code, item, lambda _: RefuseInput(unit=unit, reason=reason))


@app.command("decide-refusal")
@expected_errors
def decide_refusal(
    code: Code,
    item: Item,
    actor: As,
    unit: Annotated[str, typer.Option(help="the unit that refused")],
    reassign_to: Annotated[str | None, typer.Option(help="give its role to this unit")] = None,
    reason: OptReason = None,
) -> None:
    """The committee overrules a refusal, or reassigns with --reassign-to."""
    decision = "reassign" if reassign_to else "overrule"
    _act(
        code,
        item,
        lambda _: RefusalDecisionInput(
            actor=actor, unit=unit, decision=decision, new_unit=reassign_to, reason=reason
        ),
    )


@extend_app.command("request")
@expected_errors
def extend_request(
    code: Code,
    item: Item,
    unit: As,
    to: Annotated[str, typer.Option(help="the new deadline, dd/mm/yyyy")],
    reason: Reason,
) -> None:
    """A lead unit asks for a later deadline."""
    due = _due(code, to)
    _act(
        code,
        item,
        lambda s: ExtensionRequestInput(unit=unit, new_due=due(s), reason=reason),
    )


@extend_app.command("approve")
@expected_errors
def extend_approve(
    code: Code,
    item: Item,
    actor: As,
    to: Annotated[str | None, typer.Option(help="another date than the one asked")] = None,
    reason: OptReason = None,
) -> None:
    """The committee approves the pending request (every timer is re-armed)."""
    due = _due(code, to)
    _act(
        code,
        item,
        lambda s: ExtensionDecisionInput(actor=actor, approve=True, new_due=due(s), reason=reason),
    )


@extend_app.command("reject")
@expected_errors
def extend_reject(code: Code, item: Item, actor: As, reason: Reason) -> None:
    """The committee rejects the pending request."""
    _act(
        code,
        item,
        lambda _: ExtensionDecisionInput(actor=actor, approve=False, reason=reason),
    )


def _codes(text: str | None) -> list[str] | None:
    return None if text is None else [c.strip() for c in text.split(",") if c.strip()]


@app.command()
@expected_errors
def reassign(
    code: Code,
    item: Item,
    actor: As,
    reason: Reason,
    lead: Annotated[str | None, typer.Option(help="new lead units, comma-separated")] = None,
    support: Annotated[str | None, typer.Option(help="new support units, comma-separated")] = None,
) -> None:
    """The committee changes the lead and/or support units."""
    _act(
        code,
        item,
        lambda _: ReassignInput(
            actor=actor, lead=_codes(lead), support=_codes(support), reason=reason
        ),
    )


@app.command()
@expected_errors
def recall(code: Code, item: Item, actor: As, reason: Reason) -> None:
    """Thu hồi: the committee withdraws the item; it stops for good."""
    _act(code, item, lambda _: RecallInput(actor=actor, reason=reason))


@review_app.command("accept")
@expected_errors
def review_accept(code: Code, item: Item, actor: As, reason: OptReason = None) -> None:
    """Đạt: on time or late is fixed by when the leads submitted, not by this review."""
    _act(code, item, lambda _: ReviewInput(actor=actor, accepted=True, reason=reason))


@review_app.command("return")
@expected_errors
def review_return(
    code: Code,
    item: Item,
    actor: As,
    reason: Reason,
    due: Annotated[str, typer.Option(help="the new deadline for the rework, dd/mm/yyyy")],
) -> None:
    """Chưa đạt: back to the leads with a reason and a new deadline."""
    new_due = _due(code, due)
    _act(
        code,
        item,
        lambda s: ReviewInput(actor=actor, accepted=False, reason=reason, new_due=new_due(s)),
    )


@explain_app.command("request")
@expected_errors
def explain_request(
    code: Code,
    item: Item,
    actor: As,
    due: Annotated[str, typer.Option(help="answer by, dd/mm/yyyy")],
    reason: OptReason = None,
) -> None:
    """The committee asks the leads of an overdue item to explain."""
    by = _due(code, due)
    _act(
        code,
        item,
        lambda s: ExplanationRequestInput(actor=actor, due=by(s), reason=reason),
    )


@explain_app.command("answer")
@expected_errors
def explain_answer(
    code: Code, item: Item, unit: As, text: Annotated[str, typer.Option(help="the explanation")]
) -> None:
    """A lead unit explains."""
    _act(code, item, lambda _: ExplanationInput(unit=unit, text=text))


@explain_app.command("decide")
@expected_errors
def explain_decide(
    code: Code,
    item: Item,
    actor: As,
    decision: Annotated[str, typer.Option(help="extend | reassign | recall | note")],
    due: Annotated[str | None, typer.Option(help="with extend: the new deadline")] = None,
    lead: Annotated[str | None, typer.Option(help="with reassign: new lead units")] = None,
    reason: OptReason = None,
) -> None:
    """The committee's decision after an explanation."""
    if decision not in ("extend", "reassign", "recall", "note"):
        raise DondocError("--decision must be one of extend, reassign, recall, note")
    new_due = _due(code, due)
    _act(
        code,
        item,
        lambda s: ExplanationDecisionInput(
            actor=actor, decision=decision, new_due=new_due(s), lead=_codes(lead), reason=reason
        ),
    )


@app.command()
@expected_errors
def deadline(
    start: Annotated[str, typer.Argument(help="the event's date, dd/mm/yyyy")],
    working_days: Annotated[int | None, typer.Option(help="count N working days")] = None,
    days: Annotated[int | None, typer.Option(help="count N days (BLDS 2015 Art. 147–148)")] = None,
    json_out: Annotated[bool, typer.Option("--json", help="JSON instead of text")] = False,
) -> None:
    """Compute a deadline with the Vietnamese calendar, and say how it was counted."""
    from dondoc.deadlines.planner import site_calendar
    from dondoc.schemas.dates import parse_date

    if (working_days is None) == (days is None):
        raise DondocError("give exactly one of --working-days N or --days N")
    try:
        day = parse_date(start)
    except ValueError as exc:
        raise DondocError(str(exc)) from None
    cal = site_calendar()
    try:
        result = (
            cal.add_working_days(day, working_days)
            if working_days is not None
            else cal.add_days(day, days or 0)
        )
    except ValueError as exc:
        raise DondocError(str(exc)) from None
    if json_out:
        sys.stdout.write(result.model_dump_json(indent=2) + "\n")
        return
    out.print(
        f"Hạn: [bold]{result.deadline.strftime('%d/%m/%Y')}[/bold] ({result.deadline.isoformat()})"
    )
    for line in result.explanation:
        out.print(f"  · {line}")


SIM_KIND = {
    "assignment": "giao việc",
    "reminder": "nhắc việc",
    "escalation": "báo cáo vượt hạn",
    "completion": "báo cáo hoàn thành",
    "report": "báo cáo",
    "report_rejected": "báo cáo bị từ chối",
    "status": "trạng thái",
    "period_cutoff": "chốt số liệu",
    "period_missed": "thiếu báo cáo kỳ",
    "milestone_reached": "đến mốc",
    "receipt_reminder": "nhắc tiếp nhận",
    "receipt_escalation": "báo cáo chưa tiếp nhận",
}


@app.command()
@expected_errors
def simulate(
    file: Annotated[Path, typer.Argument(help="directive YAML file")],
    reports: Annotated[
        Path | None, typer.Option(help="YAML list of {date, item, unit, progress|done}")
    ] = None,
    until: Annotated[str | None, typer.Option(help="simulate up to this date, dd/mm/yyyy")] = None,
    start: Annotated[
        str | None, typer.Option(help="start on this date (default: issued_on, else first report)")
    ] = None,
    json_out: Annotated[bool, typer.Option("--json", help="JSON instead of text")] = False,
) -> None:
    """Play a directive on the time-skipping server: every reminder, escalation, cut-off,
    milestone and status change, in order, before issuing it."""
    from dondoc.local.simulate import read_script
    from dondoc.local.simulate import simulate as run
    from dondoc.schemas.dates import parse_date

    # The timeline is the output; the worker's own log lines would only bury it.
    configure_logging(get_settings().log_format, "WARNING")
    try:
        last = parse_date(until) if until else None
        first = parse_date(start) if start else None
    except ValueError as exc:
        raise DondocError(f"--until/--start: {exc}") from None
    script = read_script(reports) if reports else []
    timeline = asyncio.run(run(file, script, last, first))
    if json_out:
        sys.stdout.write(timeline.model_dump_json(indent=2) + "\n")
        return
    out.print(
        f"[bold]{timeline.directive}[/bold]: {timeline.start:%d/%m/%Y} → {timeline.until:%d/%m/%Y},"
        f" {len(timeline.events)} sự kiện"
    )
    for e in timeline.events:
        units = e.units if len(e.units) <= 4 else [*e.units[:3], f"+{len(e.units) - 3}"]
        who = f" → {', '.join(units)}" if units else ""
        detail = f" ({e.detail})" if e.detail else ""
        label = SIM_KIND.get(e.kind, e.kind)
        if e.kind == "status":
            label, detail = ITEM_STATUS_VN[ItemStatus(e.detail)], ""
        out.print(f"{e.at:%d/%m/%Y %H:%M}  [{e.item or '—'}] {label}{detail}{who}")


@app.command()
@expected_errors
def status(
    code: Annotated[str, typer.Argument(help="directive code")],
    json_out: Annotated[bool, typer.Option("--json", help="JSON instead of a table")] = False,
) -> None:
    """A directive's items, their units' progress, reminders and escalations."""
    from dondoc.db.session import open_database
    from dondoc.starter import status_view

    view = status_view(open_database(get_settings().database_url), code)
    if json_out:
        sys.stdout.write(view.model_dump_json(indent=2) + "\n")
    else:
        print_status(view)


@app.command("list")
@expected_errors
def list_items(
    overdue: Annotated[bool, typer.Option("--overdue", help="only open items past due")] = False,
    unit: Annotated[str | None, typer.Option(help="only items assigned to this unit")] = None,
    limit: Annotated[int, typer.Option(min=0, help="rows per page; 0 for all")] = 50,
    page: Annotated[int, typer.Option(min=1, help="which page")] = 1,
    json_out: Annotated[bool, typer.Option("--json", help="JSON instead of a table")] = False,
) -> None:
    """Items across all directives, from the database, most urgent first, a page at a time."""
    from dondoc.db.session import open_database
    from dondoc.starter import item_rows

    rows, total = item_rows(
        open_database(get_settings().database_url),
        overdue=overdue,
        unit=unit,
        limit=limit or None,
        page=page,
    )
    if json_out:
        out_json = ItemList(items=rows, total=total, page=page, limit=limit or None)
        sys.stdout.write(out_json.model_dump_json(indent=2) + "\n")
    else:
        print_rows(rows, total, page, limit)


@app.command()
@expected_errors
def demo(
    seconds: Annotated[int, typer.Option(help="how long the compressed timeline runs")] = 40,
) -> None:
    """Run the seed directive on a throw-away embedded server, compressed into under a minute."""
    from dondoc.local.demo import run_demo

    settings = get_settings()
    configure_logging(settings.log_format, settings.log_level)
    asyncio.run(run_demo(seconds))


TIME_FORMAT = "%d/%m/%Y %H:%M"


def _when(value: Any) -> str:
    return value.strftime(TIME_FORMAT) if value else "—"


ACTION_LABEL = {
    "receipt": "tiếp nhận",
    "refusal": "từ chối",
    "refusal_overruled": "giữ nguyên phân công",
    "extension_requested": "đề nghị gia hạn",
    "extension_approved": "đồng ý gia hạn",
    "extension_rejected": "không đồng ý gia hạn",
    "reassigned": "điều chỉnh phân công",
    "recalled": "thu hồi",
    "review_submitted": "báo cáo hoàn thành, chờ đánh giá",
    "review_accepted": "đánh giá đạt",
    "review_returned": "đánh giá chưa đạt",
    "explanation_requested": "yêu cầu giải trình",
    "explanation_answered": "giải trình",
    "explanation_decided": "kết luận sau giải trình",
    "explanation_overdue": "quá hạn giải trình",
    "receipt_reminder": "nhắc tiếp nhận",
    "receipt_escalation": "báo cáo chưa tiếp nhận",
}


def _units(units: list[Any]) -> str:
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


def print_status(view: DirectiveView) -> None:
    d = view.directive
    out.print(f"[bold]{d.code}[/bold] — {d.title}")
    out.print(
        f"Trạng thái: {DIRECTIVE_STATUS_VN[d.status]} ({d.status.value}) · cấp ủy {d.committee}"
        f" · workflow {d.workflow_id}"
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
        lead = [u for u in i.units if u.role == Role.LEAD]
        support = [u for u in i.units if u.role == Role.SUPPORT]
        esc = i.escalations
        table.add_row(
            i.number,
            i.title,
            f"[{STATUS_STYLE[i.status]}]{ITEM_STATUS_VN[i.status]}[/]",
            _when(i.due),
            _units(lead),
            _units(support),
            str(len(i.reminders)) if i.reminders else "—",
            f"lần {esc[-1].level}" if esc else "—",
        )
    out.print(table)
    out.print("✓ đã hoàn thành · thời gian theo múi giờ " + d.timezone)
    for i in view.items:
        if i.actions:
            out.print(
                f"[bold]Nhiệm vụ {i.number}[/bold]"
                + (f" · đã gia hạn {i.extensions_used} lần" if i.extensions_used else "")
            )
            for a in i.actions[-8:]:
                by = a.unit or a.actor
                why = f": {a.reason}" if a.reason else ""
                out.print(f"  {_when(a.at)} {ACTION_LABEL.get(a.kind, a.kind)} ({by}){why}")


def print_rows(rows: list[ItemRow], total: int, page: int, limit: int) -> None:
    table = Table()
    for col in ("Chỉ thị", "Số", "Nhiệm vụ", "Trạng thái", "Hạn", "Chủ trì"):
        table.add_column(col)
    for r in rows:
        table.add_row(
            r.directive_code,
            r.number,
            r.title,
            f"[{STATUS_STYLE[r.status]}]{ITEM_STATUS_VN[r.status]}[/]",
            _when(r.due),
            ", ".join(r.lead),
        )
    out.print(table)
    if limit and total > len(rows):
        first = (page - 1) * limit + 1
        last = first + len(rows) - 1
        out.print(f"{first}–{last} / {total} nhiệm vụ (trang {page}; xem tiếp: --page {page + 1})")
    else:
        out.print(f"{total} nhiệm vụ")


def main() -> None:
    settings = get_settings()
    if len(sys.argv) < 2 or sys.argv[1] not in ("worker", "demo", "simulate"):
        # Client commands print results, not logs: only warnings and errors go to stderr.
        configure_logging(settings.log_format, "WARNING")
    try:
        app()
    except SystemExit as done:
        code = done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
    else:
        code = 0
    # Leave at once: a Temporal core thread still winding down (after a failed connect, say)
    # can abort a normal interpreter shutdown, turning a clean exit 2 into a crash.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
