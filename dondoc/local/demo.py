"""`dondoc demo` / `make demo`: the seed directive on a throw-away embedded server, in a minute."""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from temporalio.client import Client

from dondoc.config import Settings, WebSettings
from dondoc.console import Renderer
from dondoc.db.session import open_database
from dondoc.db.summary import summarize
from dondoc.errors import DondocError, InvalidInput
from dondoc.local import devserver
from dondoc.notify.outbox import Notifier
from dondoc.schemas.directive import DirectivePlan
from dondoc.schemas.messages import ReportInput, Schedule
from dondoc.schemas.notify import OutboxMessage, Recipient
from dondoc.schemas.views import DirectiveView
from dondoc.starter import read_plan, send_report, start_plan, status_view
from dondoc.worker import build_worker, ensure_search_attributes, start_delivery

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "dan-van-kheo-2024.yaml"


class DemoChannel:
    """Prints each delivered message as one short line, so the timeline can be followed."""

    name = "log"

    def __init__(self, out: Renderer, timezone: str) -> None:
        self.out, self.tz = out, ZoneInfo(timezone)
        self.quiet = False  # `--serve`: once the story is told, the web is the place to look

    def send(self, row: OutboxMessage, to: Recipient) -> str:
        if row.kind == "assignment" or self.quiet:
            return "hidden"  # ~100 lines of "assigned" would hide the story; the table has them
        at = datetime.now(self.tz)  # the clock the status table's times are in
        self.out.notification(at, row.kind, row.unit_code, row.item_number, row.level)
        return "printed"


@dataclass(frozen=True)
class Step:
    at_s: float
    item: str
    unit: str
    progress: int
    done: bool = False
    note: str | None = None


def compress(plan: DirectivePlan, t0: datetime, seconds: int) -> DirectivePlan:
    """The same directive with its deadlines moved into the next `seconds` (3 waves of items)."""
    first = seconds * 0.35
    items = []
    for i, item in enumerate(plan.items):
        due = t0 + timedelta(seconds=first + (i % 3) * seconds * 0.1)
        step = timedelta(seconds=seconds * 0.15)
        items.append(
            item.model_copy(
                update={
                    "schedule": Schedule(due=due, remind_at=due - step, due_soon_at=due - step),
                    "escalate_every": step,
                    "receipt_remind_at": t0 + step,
                    "receipt_escalate_at": t0 + 2 * step,
                }
            )
        )
    return plan.model_copy(update={"items": items})


def script(plan: DirectivePlan, seconds: int) -> list[Step]:
    """Some units report; items 1, 3 and 4 finish on time, item 2 late, the rest stay overdue."""
    by_number = {i.number: i for i in plan.items}
    s = seconds / 40
    steps = [Step(2 * s, "1", by_number["1"].lead[0], 40, note="Đã xây dựng kế hoạch")]
    if by_number["1"].support:
        steps.append(Step(4 * s, "1", by_number["1"].support[0], 50))
    steps += [Step(6 * s, "1", u, 100, True, "Hoàn thành") for u in by_number["1"].lead]
    steps += [Step(3 * s, "3", u, 100, True) for u in by_number["3"].lead]
    steps += [Step(8 * s, "4", u, 100, True) for u in by_number["4"].lead]
    steps.append(Step(5 * s, "2", by_number["2"].lead[0], 70, note="Đã đối thoại 3 khu phố"))
    steps += [Step(30 * s, "2", u, 100, True) for u in by_number["2"].lead]
    return sorted(steps, key=lambda st: st.at_s)


async def run_demo(
    seconds: int = 40, out: Renderer | None = None, serve: bool = False
) -> DirectiveView:
    """The demo, start to finish; the directive's status table is the last thing it prints.
    With `serve`, the engine, the worker and the web then keep running until Ctrl-C."""
    out = out or Renderer(time_format="%H:%M:%S")  # the whole demo fits in a minute
    if seconds < 20:
        raise InvalidInput("--seconds must be at least 20")
    if not EXAMPLE.exists():
        raise DondocError(f"{EXAMPLE} not found: run the demo from a dondoc checkout")
    workdir = Path(tempfile.mkdtemp(prefix="dondoc-demo-"))
    port, ui_port = devserver.free_port(), devserver.free_port()
    out.console.print(f"Starting the embedded Temporal server (state in {workdir}) …")
    proc = devserver.spawn(port, ui_port, workdir / "temporal.sqlite")
    try:
        settings = Settings(
            temporal_address=f"127.0.0.1:{port}",
            database_url=f"sqlite:///{workdir / 'dondoc.sqlite'}",
            web=WebSettings(evidence_dir=workdir / "evidence", port=_web_port()),
        )
        view = await _play(settings, seconds, ui_port, out, serve)
    finally:
        devserver.stop(proc)
        shutil.rmtree(workdir, ignore_errors=True)
    out.console.print(
        "\nEverything the demo started is stopped. To keep the engine running, in two terminals:\n"
        "  .venv/bin/dondoc server      # Temporal + Web UI at http://127.0.0.1:8233\n"
        "  .venv/bin/dondoc worker\n"
        "then: .venv/bin/dondoc start examples/dan-van-kheo-2024.yaml\n"
        "To look at the same story in a browser: .venv/bin/dondoc demo --serve\n"
    )
    out.directive(view)
    return view


def _web_port() -> int:
    """DONDOC_WEB_PORT (8000) when it is free, else any free port."""
    wanted = WebSettings().port
    return devserver.free_port() if devserver.port_open(wanted) else wanted


async def _play(
    settings: Settings, seconds: int, ui_port: int, out: Renderer, serve: bool = False
) -> DirectiveView:
    """Run the compressed directive; once the worker has stopped (nothing more is sent), read it."""
    sessions = open_database(settings.database_url)
    client = await devserver.connect_when_up(settings)
    await ensure_search_attributes(client, settings.temporal_namespace)
    t0 = datetime.now(UTC)
    plan = compress(read_plan(EXAMPLE), t0, seconds)
    channel = DemoChannel(out, plan.timezone)
    async with build_worker(client, sessions, settings.task_queue, notifier=Notifier(channel)):
        await start_delivery(client, settings)
        started = await start_plan(client, sessions, settings, plan)
        out.console.print(
            f"Started {started.workflow_id}: {len(plan.items)} items, deadlines compressed into"
            f" {seconds} s.\nWeb UI (while the demo runs):"
            f" http://127.0.0.1:{ui_port}/namespaces/default/workflows"
        )
        await asyncio.sleep(1)
        for step in script(plan, seconds):
            await asyncio.sleep(max(0.0, step.at_s - (datetime.now(UTC) - t0).total_seconds()))
            await _report(client, plan.code, step, out)
        # A unit not assigned to item 5 tries to report on it: the validator turns it away.
        await _report(client, plan.code, Step(0, "5", "DAI_TRUYEN_THANH", 10), out)
        await asyncio.sleep(max(0.0, seconds - (datetime.now(UTC) - t0).total_seconds()))
        if serve:  # the table first, then the web on the same engine until Ctrl-C
            from dondoc.local.serve import demo_accounts, serve_web

            channel.quiet = True
            out.directive(status_view(sessions, plan.code))
            lead = next(i for i in plan.items if i.number == "2").lead[0]
            accounts = demo_accounts(sessions, lead, plan.committee)
            await serve_web(settings, sessions, client, accounts, out)
    # The report an office files at the cut-off (`dondoc summary --directive … --by item`).
    out.summary(summarize(sessions, now=datetime.now(UTC), directive=plan.code, by="item"))
    return status_view(sessions, plan.code)


async def _report(client: Client, code: str, step: Step, out: Renderer) -> None:
    inp = ReportInput(unit=step.unit, progress=step.progress, done=step.done, note=step.note)
    try:
        result = await send_report(client, code, step.item, inp)
    except DondocError as exc:
        out.notice(f"  {exc}")
        return
    out.report_line(step.item, step.unit, result)
