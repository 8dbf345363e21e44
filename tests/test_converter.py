"""The payload converter: pydantic models round-trip, and every workflow run shares one JSON
converter (the SDK builds a converter per cached run; each used to build its own adapters)."""

from __future__ import annotations

from datetime import UTC, datetime

from temporalio.converter import JSONPlainPayloadConverter

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


def test_every_run_converter_shares_one_json_converter() -> None:
    def json_of(converter: SharedPydanticPayloadConverter) -> JSONPlainPayloadConverter:
        (found,) = [c for c in converter.converters.values() if c.encoding == "json/plain"]
        return found  # type: ignore[return-value]

    first, second = SharedPydanticPayloadConverter(), SharedPydanticPayloadConverter()
    assert first is not second
    assert json_of(first) is json_of(second)
