"""Records histories that take each newer `workflow.patched` branch of the item workflow:
`python -m tests.histories.record_patches LABEL` (e.g. v5).

- `LABEL_item_race.json`: the closing report is applied while the first escalation is being
  recorded (ESCALATION_AFTER_CLOSE);
- `LABEL_item_receipt.json`: a lead asks for an extension before acknowledging receipt, the
  committee approves, the lead reports done (ACTION_IS_RECEIPT).
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import uuid
from datetime import timedelta
from pathlib import Path

from temporalio.testing import WorkflowEnvironment

from dondoc.activities.client import ClientActivities
from dondoc.activities.records import RecordActivities
from dondoc.client import data_converter
from dondoc.config import Settings, item_workflow_id
from dondoc.db.session import open_database
from dondoc.local.devserver import binary
from dondoc.schemas.lifecycle import ExtensionDecisionInput, ExtensionRequestInput
from dondoc.schemas.messages import ReportInput
from dondoc.starter import send_action, send_report
from dondoc.worker import build_worker, ensure_search_attributes
from tests.faults import HeldEscalation
from tests.helpers import item_yaml, make_plan, start

HERE = Path(__file__).parent


async def record(label: str) -> None:
    env = await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=binary("temporal-test-server"), data_converter=data_converter
    )
    await ensure_search_attributes(env.client, "default")
    client = env.client
    with tempfile.TemporaryDirectory() as tmp:
        sessions = open_database(f"sqlite:///{tmp}/db.sqlite")
        queue = f"record-{uuid.uuid4().hex[:6]}"
        settings = Settings(task_queue=queue)
        code = f"REC-{label}-{uuid.uuid4().hex[:4]}/ĐU"
        held = HeldEscalation(ClientActivities(client, RecordActivities(sessions)))
        worker = build_worker(
            client,
            sessions,
            queue,
            fail_fast=True,
            replace_activities=[held.record_escalation_and_tell],
        )
        async with worker:
            now = await env.get_current_time()
            items = [
                item_yaml("1", now + timedelta(seconds=2), support="[]"),
                item_yaml("2", now + timedelta(days=10), support="[]"),
            ]
            await start(client, sessions, settings, make_plan(code, items))
            # Item 2 first (its deadline is days away): extension before receipt.
            new_due = now + timedelta(days=20)
            request = ExtensionRequestInput(unit="KHOI_VAN", new_due=new_due, reason="chờ số liệu")
            await send_action(client, code, "2", request)
            await send_action(
                client, code, "2", ExtensionDecisionInput(actor="DANG_UY", approve=True)
            )
            await send_report(client, code, "2", ReportInput(unit="KHOI_VAN", done=True))
            # Item 1: the closing report lands while its escalation is held.
            await asyncio.wait_for(held.started.wait(), timeout=30)
            await send_report(client, code, "1", ReportInput(unit="KHOI_VAN", done=True))
            held.release.set()
            for number in ("1", "2"):
                await client.get_workflow_handle(item_workflow_id(code, number)).result()
            for name, number in (("item_race", "1"), ("item_receipt", "2")):
                handle = client.get_workflow_handle(item_workflow_id(code, number))
                history = await handle.fetch_history()
                (HERE / f"{label}_{name}.json").write_text(history.to_json(), encoding="utf-8")
    await env.shutdown()


if __name__ == "__main__":
    asyncio.run(record(sys.argv[1] if len(sys.argv) > 1 else "v5"))
