"""`dondoc simulate`: play a directive on the time-skipping server; list what happens, when."""

from __future__ import annotations

import tempfile
import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo

import yaml
from pydantic import BeforeValidator, RootModel, ValidationError
from temporalio.client import Client
from temporalio.runtime import LoggingConfig, Runtime, TelemetryConfig, TelemetryFilter
from temporalio.testing import WorkflowEnvironment

from dondoc.client import data_converter
from dondoc.config import Settings
from dondoc.db.session import open_database
from dondoc.db.timeline import EventKind, Timeline, TimelineEvent, timeline_events
from dondoc.errors import DondocError, InvalidFile, InvalidInput
from dondoc.importer.problems import DirectiveFileError, Problem
from dondoc.importer.resolve import resolve
from dondoc.importer.yaml_file import read_directive_file
from dondoc.local.devserver import binary
from dondoc.schemas import Frozen
from dondoc.schemas.dates import parse_date
from dondoc.schemas.directive import DirectivePlan
from dondoc.schemas.messages import ReportInput
from dondoc.schemas.overrides import CalendarOverrides
from dondoc.schemas.words import Loc, in_words, place
from dondoc.starter import send_report, start_plan
from dondoc.worker import build_worker, ensure_search_attributes

REPORT_HOUR = time(9, 0)  # a scripted report arrives at 09:00 local on its day


class ScriptedReport(Frozen):
    date: Annotated[date, BeforeValidator(parse_date)]
    item: Annotated[str, BeforeValidator(str)]
    unit: str
    progress: int = 0
    done: bool = False
    note: str | None = None


class ReportScript(RootModel[list[ScriptedReport]]):
    pass


@dataclass(frozen=True)
class Start:
    """The simulation's first day, and where it came from (said to the user when not asked)."""

    day: date
    source: str  # "--start", "issued_on", "the first scripted report" or "today"

    @property
    def guessed(self) -> bool:
        """Neither asked for nor written in the directive."""
        return self.source not in ("--start", "issued_on")

    def said(self) -> str:
        """`dd/mm/yyyy (why)`: `01/12/2026 (today: no --start, and no issued_on in the file)`."""
        why = self.source + (": no --start, and no issued_on in the file" if self.guessed else "")
        return f"{self.day:%d/%m/%Y} ({why})"


def read_script(path: Path) -> list[ScriptedReport]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
        return sorted(ReportScript.model_validate(data).root, key=lambda r: r.date)
    except OSError as exc:
        raise InvalidFile(f"{path}: {exc.strerror or exc}") from None
    except yaml.YAMLError as exc:
        raise InvalidFile(f"{path}: YAML error: {exc}") from None
    except ValidationError as exc:
        raise InvalidFile(f"{path}: {in_words(exc, name=_entry)}") from None


def _entry(loc: Loc) -> str:
    if not loc or not isinstance(loc[0], int):
        return place(loc)
    return f"entry {loc[0] + 1}" + (f" {place(loc[1:])}" if loc[1:] else "")


def read_directive(
    path: Path,
    start: date | None,
    script: list[ScriptedReport],
    today: date | None = None,
    site: CalendarOverrides | None = None,
) -> tuple[DirectivePlan, Start]:
    """The directive, read and checked once, resolved from the day its simulation starts:
    `start`, else its issue date, else the first scripted report, else `today` (by default the
    wall clock's, in the directive's timezone). `site`: the site's calendar overrides."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        why = "no such file" if isinstance(exc, FileNotFoundError) else exc.strerror or str(exc)
        raise InvalidFile(DirectiveFileError(str(path), [Problem((), why)]).render()) from None
    try:
        file = read_directive_file(data, str(path))
        if start is not None:
            first = Start(start, "--start")
        elif file.issued_on is not None:
            first = Start(file.issued_on, "issued_on")
        elif script:
            first = Start(script[0].date, "the first scripted report")
        else:
            first = Start(today or datetime.now(ZoneInfo(file.timezone)).date(), "today")
        return resolve(file, first.day, site, str(path)), first
    except DirectiveFileError as exc:
        raise InvalidFile(exc.render(), exc.problems) from None


def last_day(plan: DirectivePlan, first: Start, until: date | None) -> date:
    """`until`, else 30 days after the last deadline; never before the start."""
    tz = ZoneInfo(plan.timezone)
    latest = max(i.schedule.due for i in plan.items)
    last = until or latest.astimezone(tz).date() + timedelta(days=30)
    if last < first.day:
        raise InvalidInput(
            f"--until {last:%d/%m/%Y} is before the simulation's start, {first.said()};"
            " give --start DATE or a later --until"
        )
    return last


async def simulate(
    plan: DirectivePlan, first: Start, last: date, script: list[ScriptedReport]
) -> Timeline:
    """Play `plan` from `first` to the end of `last`, sending the scripted reports on their days."""
    tz = ZoneInfo(plan.timezone)
    origin = datetime.combine(first.day, time(0, 0), tzinfo=tz)
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
            events = timeline_events(sessions, plan.code, tz, delta) + rejected
    finally:
        await env.shutdown()
    events.sort(key=lambda e: (e.at, e.item or "", e.kind))
    return Timeline(directive=plan.code, start=first.day, until=last, events=events)


def _quiet_runtime() -> Runtime:
    """The SDK core's own log lines (about the test server's capabilities) are not for users."""
    quiet = TelemetryFilter(core_level="ERROR", other_level="ERROR")
    return Runtime(telemetry=TelemetryConfig(logging=LoggingConfig(filter=quiet)))


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
        try:
            await _send(env.client, code, r)
        except DondocError as exc:
            rejected.append(
                TimelineEvent(
                    at=at,
                    item=r.item,
                    kind=EventKind.REPORT_REJECTED,
                    units=[r.unit],
                    detail=str(exc),
                )
            )
    return rejected


async def _send(client: Client, code: str, r: ScriptedReport) -> None:
    inp = ReportInput(unit=r.unit, progress=100 if r.done else r.progress, done=r.done, note=r.note)
    await send_report(client, code, r.item, inp)
