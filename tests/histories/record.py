"""Records workflow histories as replay fixtures: `python -m tests.histories.record NAME`.

Run it before a change that alters workflow code, commit the JSON files, and the replay test
proves that histories written by the old code still replay (behind `workflow.patched`).
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import uuid
from datetime import timedelta
from pathlib import Path

from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from dondoc.client import data_converter
from dondoc.config import Settings, directive_workflow_id, item_workflow_id
from dondoc.db.migrate import upgrade
from dondoc.db.session import make_engine, session_factory
from dondoc.local.devserver import binary
from dondoc.schemas.messages import ReportInput, ReportResult
from dondoc.worker import build_worker, ensure_search_attributes
from tests.helpers import item_yaml, make_plan, start

HERE = Path(__file__).parent


async def _report(client: Client, code: str, number: str, **kw: object) -> None:
    await client.get_workflow_handle(item_workflow_id(code, number)).execute_update(
        "report", ReportInput.model_validate(kw), result_type=ReportResult
    )


async def record(label: str) -> None:
    env = await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=binary("temporal-test-server"),
        data_converter=data_converter,
    )
    await ensure_search_attributes(env.client, "default")
    client = env.client
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{tmp}/db.sqlite")
        upgrade(engine)
        sessions = session_factory(engine)
        queue = f"record-{uuid.uuid4().hex[:6]}"
        code = f"REC-{label}/ĐU"
        async with build_worker(client, sessions, queue, fail_fast=True):
            now = await env.get_current_time()
            plan = make_plan(
                code,
                [
                    item_yaml("1", now + timedelta(days=10), lead="[KHOI_VAN, UBND]"),
                    item_yaml("2", now + timedelta(days=5), support="[DOAN_THE]"),
                ],
            )
            await start(client, sessions, Settings(task_queue=queue), plan)
            # Item 1: progress, a duplicate report id, a complete signal, on time.
            await _report(client, code, "1", unit="KHOI_VAN", progress=40, report_id="r1")
            await _report(client, code, "1", unit="KHOI_VAN", progress=40, report_id="r1")
            await _report(client, code, "1", unit="MTTQ", progress=20)
            await env.sleep(timedelta(days=1))
            await client.get_workflow_handle(item_workflow_id(code, "1")).signal(
                "complete", {"unit": "UBND"}
            )
            await _report(client, code, "1", unit="KHOI_VAN", done=True)
            # Item 2: reminded, escalated three times, completed late.
            await env.sleep(timedelta(days=4, hours=12))
            await env.sleep(timedelta(days=14, hours=12))
            await _report(client, code, "2", unit="KHOI_VAN", done=True)
            await client.get_workflow_handle(directive_workflow_id(code)).result()
        for name, wf_id in [
            ("directive", directive_workflow_id(code)),
            ("item_on_time", item_workflow_id(code, "1")),
            ("item_escalated", item_workflow_id(code, "2")),
        ]:
            history = await client.get_workflow_handle(wf_id).fetch_history()
            (HERE / f"{label}_{name}.json").write_text(history.to_json(), encoding="utf-8")
    await env.shutdown()


if __name__ == "__main__":
    asyncio.run(record(sys.argv[1] if len(sys.argv) > 1 else "v1"))
