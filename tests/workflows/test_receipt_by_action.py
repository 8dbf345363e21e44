"""Any action of an assigned unit is proof of receipt (tiếp nhận), as a report already was."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from pydantic import BaseModel

from dondoc.schemas.lifecycle import (
    ExplanationInput,
    ExplanationRequestInput,
    ExtensionDecisionInput,
    ExtensionRequestInput,
    RefuseInput,
)
from dondoc.schemas.messages import ItemStatus
from tests.workflows.scenario import COMMITTEE, Scenario

DAY = timedelta(days=1)


async def test_an_extension_request_before_any_receipt_counts_as_receipt(
    scenario: Scenario,
) -> None:
    """Defect 5: after `extend request` + `approve` on a never-acknowledged item the status
    read `not_received`; the request was itself the lead's proof of receipt."""
    await scenario.start_item(scenario.now + 20 * DAY, support="[]")
    assert (await scenario.state()).status == ItemStatus.NOT_RECEIVED
    request = ExtensionRequestInput(
        unit="KHOI_VAN", new_due=scenario.now + 30 * DAY, reason="chờ số liệu"
    )
    await scenario.act("request_extension", request)
    await scenario.act("decide_extension", ExtensionDecisionInput(actor=COMMITTEE, approve=True))

    state = await scenario.state()
    lead = state.unit("KHOI_VAN")
    assert lead is not None
    assert (state.status, lead.received_at is not None) == (ItemStatus.IN_PROGRESS, True)
    assert scenario.assignments()["KHOI_VAN"].received_at is not None


@pytest.mark.parametrize(
    ("name", "inp"),
    [
        ("refuse", RefuseInput(unit="KHOI_VAN", reason="không đúng chức năng")),
        (
            "request_extension",
            ExtensionRequestInput(
                unit="KHOI_VAN", new_due=datetime(2099, 12, 31, tzinfo=UTC), reason="chờ số liệu"
            ),
        ),
    ],
)
async def test_a_units_first_action_records_its_receipt_in_the_database(
    scenario: Scenario, name: str, inp: BaseModel
) -> None:
    await scenario.start_item(scenario.now + 20 * DAY, support="[]")
    assert scenario.assignments()["KHOI_VAN"].received_at is None
    await scenario.act(name, inp)
    assert scenario.assignments()["KHOI_VAN"].received_at is not None
    assert "receipt" not in scenario.action_kinds()  # no separate acknowledgement was sent


async def test_an_explanation_from_a_lead_that_never_acknowledged_counts_as_receipt(
    scenario: Scenario,
) -> None:
    when = await scenario.start_overdue()
    request = ExplanationRequestInput(actor=COMMITTEE, due=when + 3 * DAY, reason="vì sao chậm")
    await scenario.act("request_explanation", request)
    await scenario.act("explain", ExplanationInput(unit="KHOI_VAN", text="thiếu kinh phí"))
    lead = (await scenario.state()).unit("KHOI_VAN")
    assert lead is not None
    assert lead.received_at is not None
    assert scenario.assignments()["KHOI_VAN"].received_at is not None
