"""An escalation storm with email configured: the time until the last email reaches a local SMTP
server, beside the storm's own time without delivery (issue 10's target: at most 1.5 times).

    .venv/bin/python -m bench.notify_storm --items 200      # the full figure: --items 5000

Each run: a dev server (SQLite, WAL), an in-process worker, N items of one directive due at one
instant (remind_at = due, so only the escalations fire: N emails to the committee). Phase A has no
sender running (the storm alone: deadline → the last escalation recorded); phase B runs the Outbox
workflow with the SMTP channel against aiosmtpd on loopback (deadline → the last email received,
and the storm's own time again, which delivery must not slow down).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import socket
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from sqlalchemy import func, select
from temporalio.testing import WorkflowEnvironment

from bench import plans
from dondoc.client import data_converter
from dondoc.config import Settings
from dondoc.db.models import Directive, Escalation, Item
from dondoc.db.session import SessionFactory, open_database
from dondoc.local.devserver import binary
from dondoc.logs import configure_logging
from dondoc.notify.channels.smtp import SmtpChannel, SmtpConfig
from dondoc.notify.contacts import ContactSpec, set_contacts
from dondoc.notify.dispatch import Policy
from dondoc.schemas.notify import OutboxWorkflowInput
from dondoc.starter import start_plan
from dondoc.worker import build_worker, ensure_search_attributes, start_delivery
from dondoc.workflows.directive import DIRECTIVE_KEY

STARTS_PER_S = 40.0  # assumed, to place the deadline after the setup
SLACK_S = 5.0


class Inbox:
    def __init__(self) -> None:
        self.received: list[float] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.received.append(time.time())
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def escalations(db: SessionFactory, code: str) -> int:
    with db() as s:
        stmt = (
            select(func.count())
            .select_from(Escalation)
            .join(Item, Item.id == Escalation.item_id)
            .join(Directive, Directive.id == Item.directive_id)
            .where(Directive.code == code)
        )
        return int(s.scalar(stmt) or 0)


async def until(check: Any, limit_s: float) -> float:
    """Seconds until `check()` holds (polled every 50 ms), or raise after `limit_s`."""
    t0 = time.time()
    while not check():
        if time.time() - t0 > limit_s:
            raise RuntimeError("stalled")
        await asyncio.sleep(0.05)
    return time.time()


async def phase(
    env: WorkflowEnvironment, folder: Path, n: int, smtp_port: int | None, inbox: Inbox
) -> dict[str, float]:
    db = open_database(f"sqlite:///{folder / 'dondoc.sqlite'}")
    queue = f"bench-{folder.name}"
    settings = Settings(task_queue=queue)
    channels = None
    if smtp_port is not None:
        set_contacts(db, [ContactSpec(unit=plans.COMMITTEE, email=["vanphong@phuong.vn"])])
        config = SmtpConfig(host="127.0.0.1", port=smtp_port, starttls=False, timeout_s=10)
        channels = {"email": SmtpChannel(config)}
    deadline = datetime.now(UTC) + timedelta(seconds=n / STARTS_PER_S + SLACK_S)
    plan = plans.plan(n, deadline, remind_at=deadline, escalate_every=timedelta(days=1))
    async with build_worker(env.client, db, queue, channels=channels, policy=Policy(senders=8)):
        if smtp_port is not None:
            await start_delivery(env.client, settings, OutboxWorkflowInput(run_s=30, poll_s=0.5))
        await start_plan(env.client, db, settings, plan)
        await asyncio.sleep(max(0.0, (deadline - datetime.now(UTC)).total_seconds()))
        t0 = deadline.timestamp()
        recorded = await until(lambda: escalations(db, plan.code) >= n, 600) - t0
        result = {"storm_s": round(recorded, 2)}
        if smtp_port is not None:
            delivered = await until(lambda: len(inbox.received) >= n, 600) - t0
            result["last_email_s"] = round(delivered, 2)
    return result


async def main(n: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="dondoc-notify-bench-") as tmp:
        root = Path(tmp)
        env = await WorkflowEnvironment.start_local(
            dev_server_existing_path=binary("temporal"),
            dev_server_database_filename=str(root / "temporal.sqlite"),
            dev_server_extra_args=["--sqlite-pragma", "journal_mode=wal"],
            search_attributes=[DIRECTIVE_KEY],
            data_converter=data_converter,
        )
        inbox, port = Inbox(), free_port()
        controller = Controller(inbox, hostname="127.0.0.1", port=port)
        controller.start()
        try:
            await ensure_search_attributes(env.client, "default")
            (root / "a").mkdir()
            (root / "b").mkdir()
            alone = await phase(env, root / "a", n, None, inbox)
            with_email = await phase(env, root / "b", n, port, inbox)
        finally:
            controller.stop()
            await env.shutdown()
    ratio = with_email["last_email_s"] / alone["storm_s"] if alone["storm_s"] > 0 else None
    return {
        "items": n,
        "storm_without_delivery_s": alone["storm_s"],
        "storm_with_email_s": with_email["storm_s"],
        "last_email_s": with_email["last_email_s"],
        "last_email_over_storm": round(ratio, 2) if ratio else None,
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=200)
    args = parser.parse_args()
    configure_logging("console", "WARNING")
    print(json.dumps(asyncio.run(main(args.items)), indent=2))
