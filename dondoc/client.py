"""The one Temporal client factory: pydantic data converter, and a clear error when unreachable."""

from __future__ import annotations

from pydantic import ValidationError
from temporalio.api.failure.v1 import Failure
from temporalio.client import Client
from temporalio.contrib.pydantic import PydanticJSONPlainPayloadConverter
from temporalio.converter import (
    CompositePayloadConverter,
    DataConverter,
    DefaultFailureConverter,
    DefaultPayloadConverter,
    JSONPlainPayloadConverter,
    PayloadConverter,
)
from temporalio.exceptions import ApplicationError

from dondoc.config import Settings
from dondoc.errors import ServerUnreachable
from dondoc.schemas.words import in_words

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


class PayloadFailureConverter(DefaultFailureConverter):
    """Tells a payload that does not decode as what it is: a permanent, explained refusal.

    The SDK decodes an update's payload before its validator runs; when pydantic refuses it,
    the SDK raises RuntimeError("Failed decoding arguments") and the caller (the stock CLI too)
    read "type: RuntimeError, retryable: true" with the reason hidden in the cause. Only the
    wording changes here: an update is rejected as before, a signal still dropped, a workflow
    task still retried.
    """

    def to_failure(
        self, exception: BaseException, payload_converter: PayloadConverter, failure: Failure
    ) -> None:
        cause = exception.__cause__
        decoding = isinstance(exception, RuntimeError) and str(exception) == DECODING_FAILED
        if decoding and isinstance(cause, ValidationError):
            exception = ApplicationError(
                f"invalid input: {in_words(cause)}",
                type="InvalidPayload",
                non_retryable=True,
            )
        super().to_failure(exception, payload_converter, failure)


DECODING_FAILED = "Failed decoding arguments"  # temporalio/worker/_workflow_instance.py

data_converter = DataConverter(
    payload_converter_class=SharedPydanticPayloadConverter,
    failure_converter_class=PayloadFailureConverter,
)


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
