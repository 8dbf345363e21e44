"""What the starter says when the Temporal server has gone away."""

from __future__ import annotations

import pytest
from temporalio.testing import WorkflowEnvironment

from dondoc.client import data_converter
from dondoc.errors import ServerUnreachable
from dondoc.local.devserver import binary
from dondoc.schemas.messages import ReportInput
from dondoc.starter import send_report


@pytest.mark.devserver
async def test_a_report_to_a_server_that_went_away_says_the_server_is_unreachable() -> None:
    """Not "unknown directive" (it said so, after ~30 s, before): the server is the problem."""
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=binary("temporal"), data_converter=data_converter
    )
    client = env.client
    await env.shutdown()
    with pytest.raises(ServerUnreachable, match="cannot be reached"):
        await send_report(client, "X-KH/ĐU", "1", ReportInput(unit="KHOI_VAN", progress=1))
