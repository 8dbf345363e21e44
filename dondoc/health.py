"""`dondoc health`: is the Temporal server up, the database migrated, a worker polling?"""

from __future__ import annotations

import time
from dataclasses import dataclass

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.exc import SQLAlchemyError
from temporalio.api.enums.v1 import TaskQueueType
from temporalio.api.taskqueue.v1 import TaskQueue
from temporalio.api.workflowservice.v1 import DescribeTaskQueueRequest, GetSystemInfoRequest
from temporalio.client import Client
from temporalio.service import RPCError

from dondoc.client import connect
from dondoc.config import Settings
from dondoc.db.migrate import alembic_config
from dondoc.db.session import make_engine
from dondoc.errors import DondocError

# The server lists a poller for some minutes after its last poll; a worker polls at least every
# minute (long polls), so one unseen for longer than this has gone.
POLLER_FRESH_S = 90.0


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str

    def line(self) -> str:
        return f"{'ok' if self.ok else 'FAIL':<5}{self.name:<10}{self.detail}"


async def check_all(settings: Settings) -> list[Check]:
    """Every check, each on its own: a down server does not hide the database's state."""
    checks = [check_database(settings.database_url)]
    try:
        client = await connect(settings)
    except DondocError as exc:
        checks.insert(0, Check("server", False, str(exc)))
        checks.append(Check("worker", False, "not checked: no server"))
        return checks
    checks.insert(0, await check_server(client))
    checks.append(await check_worker(client, settings))
    return checks


async def check_server(client: Client) -> Check:
    where = f"{client.service_client.config.target_host} (namespace {client.namespace})"
    try:
        info = await client.workflow_service.get_system_info(GetSystemInfoRequest())
    except RPCError as exc:
        return Check("server", False, f"{where}: {exc.message}")
    return Check("server", True, f"{where}, Temporal {info.server_version}")


def check_database(url: str) -> Check:
    engine = make_engine(url)
    where = engine.url.render_as_string(hide_password=True)
    try:
        head = ScriptDirectory.from_config(alembic_config(engine)).get_current_head()
        with engine.connect() as conn:
            current = MigrationContext.configure(conn).get_current_revision()
    except SQLAlchemyError as exc:
        return Check("database", False, f"{where}: {type(exc).__name__}: {exc.args[0]}")
    finally:
        engine.dispose()
    if current != head:
        return Check(
            "database",
            False,
            f"{where}: schema at {current or 'nothing'}, code needs {head}:"
            " start the worker once (it migrates), or run the migrations",
        )
    return Check("database", True, f"{where}, schema {current}")


async def check_worker(client: Client, settings: Settings) -> Check:
    """Workers poll both the workflow and the activity side of the queue: both must be seen."""
    seen: dict[str, int] = {}
    now = time.time()
    try:
        for kind, name in (
            (TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW, "workflow"),
            (TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY, "activity"),
        ):
            found = await client.workflow_service.describe_task_queue(
                DescribeTaskQueueRequest(
                    namespace=client.namespace,
                    task_queue=TaskQueue(name=settings.task_queue),
                    task_queue_type=kind,
                )
            )
            seen[name] = sum(
                1 for p in found.pollers if now - p.last_access_time.ToSeconds() <= POLLER_FRESH_S
            )
    except RPCError as exc:
        return Check("worker", False, f"task queue {settings.task_queue}: {exc.message}")
    if not all(seen.values()):
        return Check(
            "worker",
            False,
            f"no worker polls task queue {settings.task_queue}: start `dondoc worker`",
        )
    return Check(
        "worker",
        True,
        f"task queue {settings.task_queue}: {seen['workflow']} workflow and"
        f" {seen['activity']} activity pollers",
    )
