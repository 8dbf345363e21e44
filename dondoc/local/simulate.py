"""`dondoc simulate`: play a directive on the time-skipping server; list what happens, when."""

from __future__ import annotations

import tempfile
import uuid
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo

import yaml
from pydantic import BeforeValidator, Field, RootModel, ValidationError
from sqlalchemy import select
from temporalio.runtime import LoggingConfig, Runtime, TelemetryConfig, TelemetryFilter
from temporalio.testing import WorkflowEnvironment

from dondoc.client import data_converter
from dondoc.config import Settings
from dondoc.db.models import Action, Directive, Item, Notification, Report
from dondoc.db.session import SessionFactory, open_database
from dondoc.errors import DondocError
from dondoc.local.devserver import binary
from dondoc.schemas import Frozen
from dondoc.schemas.dates import parse_date
from dondoc.schemas.messages import ReportInput
from dondoc.starter import read_plan, send_report, start_plan
from dondoc.worker import build_worker, ensure_search_attributes

REPORT_HOUR = time(9, 0)
# Events told from the actions table, whose data says more than the notification would.
FROM_ACTIONS = {
    "period_cutoff": "kỳ {period}: {progress}",
    "period_missed": "kỳ {period}: {units}",
    "milestone_reached": "{title}; {progress}",
}  # a scripted report arrives at 09:00 local on its day


class ScriptedReport(Frozen):
    date: Annotated[date, BeforeValidator(parse_date)]
    item: Annotated[str, BeforeValidator(str)]
    unit: str
    progress: int = 0
    done: bool = False
    note: str | None = None


class ReportScript(RootModel[list[ScriptedReport]]):
    pass


class TimelineEvent(Frozen):
    at: datetime
    item: str | None = None
    kind: str
    units: list[str] = Field(default_factory=list)
    detail: str = ""


class Timeline(Frozen):
    directive: str
    start: date
    until: date
    events: list[TimelineEvent]


def read_script(path: Path) -> list[ScriptedReport]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
        return sorted(ReportScript.model_validate(data).root, key=lambda r: r.date)
    except OSError as exc:
        raise DondocError(f"{path}: {exc.strerror or exc}") from None
    except yaml.YAMLError as exc:
        raise DondocError(f"{path}: YAML error: {exc}") from None
    except ValidationError as exc:
        problems = "; ".join(
            f"entry {e['loc'][0] + 1 if e['loc'] and isinstance(e['loc'][0], int) else '?'}"
            f" {'.'.join(str(p) for p in e['loc'][1:])}: {e['msg']}"
            for e in exc.errors()
        )
        raise DondocError(f"{path}: {problems}") from None


async def simulate(
    path: Path,
    script: list[ScriptedReport],
    until: date | None = None,
    start: date | None = None,
) -> Timeline:
    """Start the directive at `start` (default: its issue date, else the first scripted report)."""
    plan = read_plan(path)
    tz = ZoneInfo(plan.timezone)
    start = start or plan.issued_on or (script[0].date if script else datetime.now(tz).date())
    plan = read_plan_from(path, start)
    latest = max(i.schedule.due for i in plan.items)
    last = until or latest.astimezone(tz).date() + timedelta(days=30)
    origin = datetime.combine(start, time(0, 0), tzinfo=tz)
    env = await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=binary("temporal-test-server"),
        data_converter=data_converter,
        runtime=_quiet_runtime(),
    )
    try:
        await ensure_search_attributes(env.client, "default")
        now = await env.get_current_time()
        if now < origin:
            await env.sleep(origin - now)
        # The test server's clock cannot go back: replay the directive's dates from its "now".
        delta = await env.get_current_time() - origin
        shifted = plan.model_copy(update={"items": [i.shifted(delta) for i in plan.items]})
        with tempfile.TemporaryDirectory() as tmp:
            settings = Settings(
                database_url=f"sqlite:///{tmp}/simulation.sqlite",
                task_queue=f"simulate-{uuid.uuid4().hex[:8]}",
            )
            sessions = open_database(settings.database_url)
            async with build_worker(env.client, sessions, settings.task_queue):
                await start_plan(env.client, sessions, settings, shifted)
                rejected = await _play(env, plan.code, script, tz, delta)
                await _advance_to(env, datetime.combine(last, time(23, 59), tzinfo=tz) + delta)
            events = _timeline(sessions, plan.code, delta, tz) + rejected
    finally:
        await env.shutdown()
    events.sort(key=lambda e: (e.at, e.item or "", e.kind))
    return Timeline(directive=plan.code, start=start, until=last, events=events)


def _quiet_runtime() -> Runtime:
    """The SDK core's own log lines (about the test server's capabilities) are not for users."""
    quiet = TelemetryFilter(core_level="ERROR", other_level="ERROR")
    return Runtime(telemetry=TelemetryConfig(logging=LoggingConfig(filter=quiet)))


def read_plan_from(path: Path, start: date) -> Any:
    from dondoc.importer.yaml_file import DirectiveFileError, load_directive

    try:
        return load_directive(path, today=start)
    except DirectiveFileError as exc:
        raise DondocError(exc.render()) from None


async def _advance_to(env: WorkflowEnvironment, target: datetime) -> None:
    # Skip in steps: one long skip firing hundreds of timers can outlast the server's RPC deadline.
    while (left := target - await env.get_current_time()) > timedelta(0):
        await env.sleep(min(left, timedelta(days=14)))


async def _play(
    env: WorkflowEnvironment,
    code: str,
    script: list[ScriptedReport],
    tz: ZoneInfo,
    delta: timedelta,
) -> list[TimelineEvent]:
    rejected = []
    for r in script:
        at = datetime.combine(r.date, REPORT_HOUR, tzinfo=tz)
        await _advance_to(env, at + delta)
        inp = ReportInput(
            unit=r.unit, progress=100 if r.done else r.progress, done=r.done, note=r.note
        )
        try:
            await send_report(env.client, code, r.item, inp)
        except DondocError as exc:
            rejected.append(
                TimelineEvent(
                    at=at, item=r.item, kind="report_rejected", units=[r.unit], detail=str(exc)
                )
            )
    return rejected


def _timeline(
    sessions: SessionFactory, code: str, delta: timedelta, tz: ZoneInfo
) -> list[TimelineEvent]:
    def local(t: datetime) -> datetime:
        return (t - delta).astimezone(tz)

    events: dict[tuple[datetime, str | None, str, str], TimelineEvent] = {}
    with sessions() as s:
        directive = s.scalars(select(Directive).where(Directive.code == code)).one()
        items = {i.id: i for i in s.scalars(select(Item).where(Item.directive_id == directive.id))}
        for n in s.scalars(
            select(Notification).where(
                Notification.directive_code == code, Notification.kind.not_in(FROM_ACTIONS)
            )
        ):
            level = n.data.get("level") if n.data else None
            detail = f"lần {level}" if level else ""
            key = (local(n.created_at), n.item_number, n.kind, detail)
            ev = events.get(key) or TimelineEvent(
                at=key[0], item=n.item_number, kind=n.kind, detail=detail
            )
            events[key] = ev.model_copy(update={"units": [*ev.units, n.unit_code]})
        for r in s.scalars(select(Report).where(Report.item_id.in_(items))):
            what = "xong" if r.done else f"{r.progress}%"
            events[(local(r.reported_at), items[r.item_id].number, "report", r.unit_code)] = (
                TimelineEvent(
                    at=local(r.reported_at),
                    item=items[r.item_id].number,
                    kind="report",
                    units=[r.unit_code],
                    detail=what,
                )
            )
        for a in s.scalars(
            select(Action).where(Action.item_id.in_(items), Action.kind.in_(FROM_ACTIONS))
        ):
            at = local(a.at)
            events[(at, items[a.item_id].number, a.kind, "")] = TimelineEvent(
                at=at,
                item=items[a.item_id].number,
                kind=a.kind,
                units=[directive.committee] if a.kind != "period_cutoff" else [],
                detail=FROM_ACTIONS[a.kind].format_map(a.data),
            )
        for i in items.values():
            if i.completed_at is not None:
                at = local(i.completed_at)
                events[(at, i.number, "status", i.status)] = TimelineEvent(
                    at=at, item=i.number, kind="status", detail=i.status
                )
    return list(events.values())
