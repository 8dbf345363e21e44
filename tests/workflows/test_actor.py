"""Who acted: the signed-in user (`by`) travels with each action into the item's log."""

from __future__ import annotations

from datetime import timedelta

import pytest
from pydantic import ValidationError

from dondoc.schemas.lifecycle import AckInput, ExtensionDecisionInput, ExtensionRequestInput
from tests.workflows.scenario import COMMITTEE, Scenario

DAY = timedelta(days=1)


async def test_each_action_records_the_user_who_acted_and_none_when_no_one_signed_in(
    scenario: Scenario,
) -> None:
    await scenario.start_item(scenario.now + 20 * DAY, support="[]")
    await scenario.act("acknowledge", AckInput(unit="KHOI_VAN", by="vanthu.khoivan"))
    request = ExtensionRequestInput(
        unit="KHOI_VAN", new_due=scenario.now + 30 * DAY, reason="chờ số liệu"
    )
    await scenario.act("request_extension", request)
    decision = ExtensionDecisionInput(actor=COMMITTEE, approve=True, by="chanhvanphong")
    await scenario.act("decide_extension", decision)

    actions = (await scenario.state()).actions
    expected = [
        ("receipt", "KHOI_VAN", "vanthu.khoivan"),
        ("extension_requested", "KHOI_VAN", None),
        ("extension_approved", COMMITTEE, "chanhvanphong"),
    ]
    assert expected == [(a.kind.value, a.actor, a.by) for a in actions]


def test_a_username_with_spaces_or_control_characters_is_refused() -> None:
    for bad in ("van thu", "a\x00b", ""):
        with pytest.raises(ValidationError):
            AckInput(unit="KHOI_VAN", by=bad)
