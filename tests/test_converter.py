"""The payload converter: pydantic models round-trip, and every workflow run shares one JSON
converter (the SDK builds a converter per cached run; each used to build its own adapters)."""

from __future__ import annotations

from datetime import UTC, datetime

from temporalio.converter import (
    EncodingPayloadConverter,
    PayloadConverter,
    WithSerializationContext,
    WorkflowSerializationContext,
)

from dondoc.client import SharedPydanticPayloadConverter, data_converter
from dondoc.schemas.messages import ReportInput
from dondoc.schemas.records import ItemRef, RecordEscalationInput


def test_models_round_trip_through_the_converter() -> None:
    values = [
        ReportInput(unit="KHOI_VAN", progress=40, note="Đã triển khai tới các tổ dân phố"),
        RecordEscalationInput(
            item=ItemRef(directive_code="12-KH/ĐU", number="6.1"),
            level=2,
            at=datetime(2024, 12, 31, 10, 0, tzinfo=UTC),
        ),
    ]
    payloads = data_converter.payload_converter.to_payloads(values)
    back = data_converter.payload_converter.from_payloads(
        payloads, [ReportInput, RecordEscalationInput]
    )
    assert back == values


def _json_converter(payload_converter: PayloadConverter) -> EncodingPayloadConverter:
    """The json/plain converter inside a payload converter as the SDK builds it (it wraps ours)."""
    inner = getattr(payload_converter, "_inner_payload_converter", payload_converter)
    assert isinstance(inner, SharedPydanticPayloadConverter)
    return inner.converters[b"json/plain"]


def _run_converter(workflow_id: str) -> PayloadConverter:
    """A payload converter built as the worker builds one for each workflow run (its factory is
    the data converter's `_new_payload_converter`; then the run's context is set)."""
    converter = data_converter._new_payload_converter()
    if isinstance(converter, WithSerializationContext):
        converter = converter.with_context(WorkflowSerializationContext("default", workflow_id))
    return converter


def test_every_workflow_run_gets_the_one_json_converter() -> None:
    """Each run's payload converter holds the process's one JSON converter (and adapter cache),
    and values written by one run read back in another."""
    runs = [_run_converter(f"item-12-KH/ĐU-{n}") for n in range(3)]
    shared = _json_converter(data_converter.payload_converter)

    assert [id(shared)] * len(runs) == [id(_json_converter(run)) for run in runs]
    report = ReportInput(unit="MTTQ", progress=100, done=True)
    assert [report] == runs[-1].from_payloads(runs[0].to_payloads([report]), [ReportInput])
