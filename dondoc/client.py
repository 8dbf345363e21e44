"""The one Temporal client factory: pydantic data converter, and a clear error when unreachable."""

from __future__ import annotations

from temporalio.client import Client
from temporalio.contrib.pydantic import PydanticJSONPlainPayloadConverter
from temporalio.converter import (
    CompositePayloadConverter,
    DataConverter,
    DefaultPayloadConverter,
    JSONPlainPayloadConverter,
)

from dondoc.config import Settings
from dondoc.errors import ServerUnreachable

# The SDK builds a payload converter for every workflow run it holds. The stock pydantic one
# carries its own serializer and TypeAdapter cache, so each run rebuilt (CPU) and kept (~2 KiB)
# adapters for ItemInput, ReportInput, … The JSON converter is stateless apart from that cache
# and thread-safe, so one instance serves every run of the process.
_SHARED_JSON = PydanticJSONPlainPayloadConverter()


class SharedPydanticPayloadConverter(CompositePayloadConverter):
    """The pydantic payload converter, with one JSON converter (and adapter cache) per process."""

    def __init__(self) -> None:
        super().__init__(
            *(
                _SHARED_JSON if isinstance(c, JSONPlainPayloadConverter) else c
                for c in DefaultPayloadConverter.default_encoding_payload_converters
            )
        )


data_converter = DataConverter(payload_converter_class=SharedPydanticPayloadConverter)


async def connect(settings: Settings) -> Client:
    try:
        return await Client.connect(
            settings.temporal_address,
            namespace=settings.temporal_namespace,
            data_converter=data_converter,
        )
    except RuntimeError as exc:
        raise ServerUnreachable(
            f"cannot reach the Temporal server at {settings.temporal_address}"
            f" (namespace {settings.temporal_namespace}): start it with `dondoc server`"
            " or set TEMPORAL_ADDRESS"
        ) from exc
