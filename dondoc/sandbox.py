"""The workflow sandbox, without entering it for every payload when nothing would use the answer.

Around every activation the SDK walks its payloads three times on the way in and three on the
way out (codec decode, external storage, codec encode) and, for each payload field, asks the
workflow instance for that payload's serialization context. Under the sandbox each question is
a sandbox entry: `exec` of a code string (compiled each time) with the sandbox's importer applied
and taken off again. `bench` profiles of the report round trip: ~25 % of the worker's Python
time went there, twice bare's share, since an item's update carries twice the payload fields
(the update's input and result, the recording local activity's arguments and result).

The context and the store context are read by two things only: a payload codec and external
payload storage. A data converter with neither gives the same bytes whatever the context (every
pass is a copy of the list), so `ContextFreeRunner` answers "no context" outside the sandbox for
such a converter, and asks the sandbox as before for any other. Activations themselves still
run inside the sandbox, with its restrictions: nothing a workflow does escapes it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import temporalio.workflow
from temporalio.bridge.proto.workflow_activation import WorkflowActivation
from temporalio.bridge.proto.workflow_completion import WorkflowActivationCompletion
from temporalio.converter import DataConverter, SerializationContext, StorageDriverStoreContext
from temporalio.worker import WorkflowInstance, WorkflowInstanceDetails
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner, SandboxRestrictions

if TYPE_CHECKING:  # the SDK's own type for what it passes; nothing of it is used at run time
    from temporalio.worker._command_aware_visitor import CommandInfo

NO_STORE = StorageDriverStoreContext(target=None)


def context_free(converter: DataConverter) -> bool:
    """True when no payload pass would read a serialization or store context."""
    return converter.payload_codec is None and converter.external_storage is None


@dataclass(frozen=True)
class ContextFreeRunner(SandboxedWorkflowRunner):
    """`SandboxedWorkflowRunner` whose instances answer the payload passes' context outside the
    sandbox when `context_free_converter` (otherwise it is the SDK's runner unchanged).

    Build it with `for_converter` from the converter the worker itself uses (the client's): a
    codec added to another converter later would get no context. A dataclass like its base, so
    the SDK's copies of a runner (`dataclasses.replace` in debug mode, `TEMPORAL_DEBUG`, the
    OpenTelemetry plugin) keep its class and its flag.
    """

    context_free_converter: bool = False

    @classmethod
    def for_converter(
        cls, converter: DataConverter, restrictions: SandboxRestrictions
    ) -> ContextFreeRunner:
        return cls(restrictions=restrictions, context_free_converter=context_free(converter))

    def create_instance(self, det: WorkflowInstanceDetails) -> WorkflowInstance:
        instance = super().create_instance(det)
        return _NoContext(instance) if self.context_free_converter else instance


class _NoContext(WorkflowInstance):
    """A sandboxed instance; its payloads' contexts are answered without a sandbox entry."""

    __slots__ = ("inner",)

    def __init__(self, inner: WorkflowInstance) -> None:
        self.inner = inner

    def activate(self, act: WorkflowActivation) -> WorkflowActivationCompletion:
        return self.inner.activate(act)

    def get_serialization_context(
        self, command_info: CommandInfo | None
    ) -> SerializationContext | None:
        # None: the worker's context-free converter, which encodes exactly as any other would.
        return None

    def get_external_store_context(
        self, command_info: CommandInfo | None
    ) -> StorageDriverStoreContext:
        return NO_STORE

    def get_info(self) -> temporalio.workflow.Info:
        return self.inner.get_info()

    def get_thread_id(self) -> int | None:
        return self.inner.get_thread_id()


def unwrapped(instance: WorkflowInstance) -> WorkflowInstance:
    """The SDK's own instance of a run (for tools that look inside it: bench.heap_graph)."""
    return instance.inner if isinstance(instance, _NoContext) else instance


def passthrough(*modules: str) -> SandboxRestrictions:
    """The default restrictions with `modules` passed through (imported once, not per run)."""
    return SandboxRestrictions.default.with_passthrough_modules(*modules)


def workflow_runner(converter: DataConverter) -> ContextFreeRunner:
    """dondoc's runner, for the worker and the replayer alike: our schemas are pure pydantic
    models, passed through instead of re-imported for every run (ms per activation and memory
    per cached run)."""
    return ContextFreeRunner.for_converter(converter, passthrough("dondoc", "pydantic"))
