"""dondoc's workflow runner: the payload passes ask the sandbox nothing when no codec or external
storage would read the answer; a codec still gets every payload's context; workflows still run
inside the sandbox, with its restrictions."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Self

import pytest
from temporalio import activity, workflow
from temporalio.api.common.v1 import Payload
from temporalio.client import Client, WorkflowFailureError, WorkflowHistory
from temporalio.converter import (
    ActivitySerializationContext,
    DataConverter,
    PayloadCodec,
    SerializationContext,
    WithSerializationContext,
)
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Replayer, Worker, WorkflowRunner
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner, _runner

from dondoc.client import data_converter
from dondoc.sandbox import ContextFreeRunner, context_free, passthrough, workflow_runner
from dondoc.worker import WORKFLOWS


@activity.defn(name="echo")
async def echo(text: str) -> str:
    return text


@workflow.defn(name="EchoThroughActivity")
class EchoThroughActivity:
    @workflow.run
    async def run(self, text: str) -> str:
        return await workflow.execute_activity(
            echo, text, start_to_close_timeout=timedelta(seconds=10)
        )


@workflow.defn(name="ScheduleElsewhere")
class ScheduleElsewhere:
    """Schedules `echo` on a queue no worker polls and completes: only the workflow's own
    payload passes can have bound a codec to that activity's context."""

    @workflow.run
    async def run(self, text: str) -> str:
        workflow.start_activity(
            echo, text, task_queue="nobody-polls", start_to_close_timeout=timedelta(seconds=10)
        )
        return text


@workflow.defn(name="StrayClock")
class StrayClock:
    @workflow.run
    async def run(self) -> str:
        return datetime.now(UTC).isoformat()  # what the sandbox exists to refuse


class RecordingCodec(PayloadCodec, WithSerializationContext):
    """Leaves payloads as they are; writes down every context the SDK binds it to."""

    def __init__(self, seen: list[SerializationContext]) -> None:
        self.seen = seen

    def with_context(self, context: SerializationContext) -> Self:
        self.seen.append(context)
        return self

    async def encode(self, payloads: Sequence[Payload]) -> list[Payload]:
        return list(payloads)

    async def decode(self, payloads: Sequence[Payload]) -> list[Payload]:
        return list(payloads)


async def _run(
    env: WorkflowEnvironment, client: Client, runner: WorkflowRunner, wf: type, *args: object
) -> object:
    queue = f"sandbox-{uuid.uuid4().hex[:8]}"
    async with Worker(
        client,
        task_queue=queue,
        workflows=[wf],
        activities=[echo],
        workflow_runner=runner,
        workflow_failure_exception_types=[Exception],  # fail the run, not retry the task
    ):
        return await client.execute_workflow(
            wf, args=list(args), id=f"{wf.__name__}-{uuid.uuid4().hex[:8]}", task_queue=queue
        )


@pytest.fixture
def entries(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Each time the SDK enters a run's sandbox to ask a payload's context, its kind."""
    seen: list[str] = []
    for name in ("get_serialization_context", "get_external_store_context"):
        original = getattr(_runner._Instance, name)

        def counted(self: object, info: object, _o: object = original, _n: str = name) -> object:
            seen.append(_n)
            return _o(self, info)  # type: ignore[operator]

        monkeypatch.setattr(_runner._Instance, name, counted)
    return seen


def test_dondocs_converter_has_nothing_that_reads_a_context() -> None:
    assert context_free(data_converter)
    with_codec = dataclasses.replace(data_converter, payload_codec=RecordingCodec([]))
    assert not context_free(with_codec)


async def test_without_a_codec_no_payload_pass_enters_the_sandbox(
    skipping_env: WorkflowEnvironment, entries: list[str]
) -> None:
    client = skipping_env.client
    result = await _run(
        skipping_env, client, workflow_runner(client.data_converter), EchoThroughActivity, "Tổ 3"
    )
    assert result == "Tổ 3"
    assert entries == []
    # The SDK's own runner, same workflow: the entries this runner saves.
    stock = SandboxedWorkflowRunner(restrictions=passthrough("dondoc", "pydantic"))
    assert await _run(skipping_env, client, stock, EchoThroughActivity, "Tổ 3") == "Tổ 3"
    assert entries.count("get_serialization_context") >= 4


async def test_a_codec_still_gets_the_activitys_context_from_the_sandbox(
    skipping_env: WorkflowEnvironment,
) -> None:
    seen: list[SerializationContext] = []
    converter: DataConverter = dataclasses.replace(
        data_converter, payload_codec=RecordingCodec(seen)
    )
    client = Client(**{**skipping_env.client.config(), "data_converter": converter})
    runner = ContextFreeRunner.for_converter(converter, passthrough("dondoc", "pydantic"))
    assert await _run(skipping_env, client, runner, ScheduleElsewhere, "Khối vận") == "Khối vận"
    activities = [c for c in seen if isinstance(c, ActivitySerializationContext)]
    assert activities, seen
    assert {c.activity_type for c in activities} == {"echo"}


async def test_a_workflow_on_the_runner_is_still_held_to_the_sandboxs_rules(
    skipping_env: WorkflowEnvironment,
) -> None:
    client = skipping_env.client
    with pytest.raises(WorkflowFailureError) as failed:
        await _run(skipping_env, client, workflow_runner(client.data_converter), StrayClock)
    assert "datetime.datetime.now" in str(failed.value.cause)


def test_the_worker_runs_its_workflows_on_this_runner(monkeypatch: pytest.MonkeyPatch) -> None:
    """`build_worker` (what `dondoc worker` runs) hands the SDK this runner, for its converter."""
    # Here, not at the top: this module's workflows re-import it in the sandbox, and that
    # module reads files when imported.
    from tests.workflows.test_calls import built_worker

    with built_worker(monkeypatch) as kwargs:
        runner = kwargs["workflow_runner"]
    assert isinstance(runner, ContextFreeRunner)
    assert runner.context_free_converter


def test_the_sdks_copy_of_the_runner_keeps_its_class_and_flag() -> None:
    """Debug mode (`TEMPORAL_DEBUG`) and the OpenTelemetry plugin copy a sandboxed runner with
    `dataclasses.replace`: the copy must still be this runner, still context-free."""
    runner = workflow_runner(data_converter)
    copy = dataclasses.replace(runner, restrictions=passthrough("dondoc", "pydantic", "tests"))
    assert isinstance(copy, ContextFreeRunner)
    assert copy.context_free_converter


async def test_recorded_histories_replay_on_the_runner_in_debug_mode() -> None:
    """The SDK's debug mode relaxes the sandbox by copying the runner (it crashed on a runner
    with an `__init__` of its own)."""
    history = Path(__file__).parents[1] / "histories" / "v6_item_support_late.json"
    replayer = Replayer(
        workflows=WORKFLOWS,
        data_converter=data_converter,
        workflow_runner=workflow_runner(data_converter),
        debug_mode=True,
    )
    result = await replayer.replay_workflow(
        WorkflowHistory.from_json(history.stem, history.read_text(encoding="utf-8")),
        raise_on_replay_failure=False,
    )
    assert result.replay_failure is None
