"""Test helpers: directive plans built from YAML text, and starting them."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from temporalio.client import Client, WorkflowHandle

from dondoc.config import Settings, directive_workflow_id, item_workflow_id
from dondoc.db.session import SessionFactory
from dondoc.importer.yaml_file import parse_directive
from dondoc.schemas.directive import DirectivePlan
from dondoc.schemas.messages import DirectiveResult, DirectiveState, ItemState
from dondoc.starter import Started, start_plan

UNITS = """
units:
  - {code: DANG_UY, name: "Đảng ủy phường"}
  - {code: KHOI_VAN, name: "Khối vận"}
  - {code: UBND, name: "Ủy ban nhân dân phường"}
  - {code: MTTQ, name: "Ủy ban MTTQ Việt Nam phường"}
  - {code: DOAN_TN, name: "Đoàn Thanh niên"}
  - {code: HOI_PN, name: "Hội Phụ nữ"}
groups:
  DOAN_THE: [DOAN_TN, HOI_PN]
"""


def item_yaml(
    number: str, due: datetime, lead: str = "[KHOI_VAN]", support: str = "[MTTQ]", **extra: Any
) -> str:
    lines = [
        f'  - number: "{number}"',
        f'    title: "Nhiệm vụ {number}"',
        f"    lead: {lead}",
        f"    support: {support}",
        f"    due: {due.isoformat()}",
    ]
    lines += [f"    {k}: {v}" for k, v in extra.items()]
    return "\n".join(lines)


def make_plan(
    code: str, items: list[str], defaults: str = "{remind_before: P3D, escalate_every: P7D}"
) -> DirectivePlan:
    text = (
        f'code: "{code}"\ntitle: "Chỉ thị thử {code}"\ncommittee: DANG_UY\n'
        f"{UNITS}\ndefaults: {defaults}\nitems:\n" + "\n".join(items) + "\n"
    )
    return parse_directive(text, "<test>")


async def start(
    client: Client, sessions: SessionFactory, settings: Settings, plan: DirectivePlan
) -> Started:
    """Start the directive and wait until its workflow has started every item's workflow."""
    started = await start_plan(client, sessions, settings, plan)

    async def all_items_started() -> bool:
        state = await directive_state(client, plan.code)
        return state.started == len(plan.items)

    await eventually(all_items_started)
    return started


def item_handle(client: Client, code: str, number: str) -> WorkflowHandle[Any, Any]:
    return client.get_workflow_handle(item_workflow_id(code, number))


def directive_handle(client: Client, code: str) -> WorkflowHandle[Any, Any]:
    return client.get_workflow_handle(directive_workflow_id(code), result_type=DirectiveResult)


async def item_state(client: Client, code: str, number: str) -> ItemState:
    state: ItemState = await item_handle(client, code, number).query("state", result_type=ItemState)
    return state


async def directive_state(client: Client, code: str) -> DirectiveState:
    state: DirectiveState = await directive_handle(client, code).query(
        "state", result_type=DirectiveState
    )
    return state


async def advance(env: Any, delta: timedelta, step: timedelta = timedelta(days=14)) -> None:
    """Move the time-skipping clock in steps: one long skip that fires hundreds of timers can
    outlast the test server's RPC deadline on a loaded machine."""
    while delta > timedelta(0):
        chunk = min(delta, step)
        await env.sleep(chunk)
        delta -= chunk


async def eventually(check: Callable[[], Any], within: float = 10.0) -> Any:
    """Poll an async predicate until it returns a truthy value (workers run concurrently)."""
    deadline = asyncio.get_running_loop().time() + within
    last: Any = None
    while asyncio.get_running_loop().time() < deadline:
        last = await check()
        if last:
            return last
        await asyncio.sleep(0.05)
    raise AssertionError(f"condition not met within {within} s; last value {last!r}")


__all__ = ["timedelta"]
