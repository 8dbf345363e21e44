"""The one Temporal client factory: pydantic data converter, and a clear error when unreachable."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

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
from temporalio.envconfig import ClientConfigProfile, ClientConnectConfig
from temporalio.exceptions import ApplicationError
from temporalio.runtime import Runtime

from dondoc.config import Settings
from dondoc.errors import InvalidSetting, ServerUnreachable
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


def connect_options(
    settings: Settings, environ: Mapping[str, str] | None = None
) -> ClientConnectConfig:
    """Temporal's standard client configuration (`temporalio.envconfig`), as the `temporal` CLI
    reads it: the TOML file (`TEMPORAL_CONFIG_FILE`, else ~/.config/temporalio/temporal.toml) and
    its profile (`TEMPORAL_PROFILE`, else "default"), overridden by `TEMPORAL_ADDRESS`,
    `TEMPORAL_NAMESPACE`, `TEMPORAL_API_KEY`, `TEMPORAL_TLS*` and `TEMPORAL_GRPC_META_*`. An
    address or namespace given to the settings (in code, or as `DONDOC_TEMPORAL_*`) wins over a
    profile's; the settings' defaults fill what neither gives. `environ`: tests only."""
    env = os.environ if environ is None else environ
    named = env.get("TEMPORAL_CONFIG_FILE")
    if named and not Path(named).is_file():
        # The SDK would silently fall back to no file at all: a typo must not mean "no TLS".
        raise InvalidSetting(f"TEMPORAL_CONFIG_FILE: no such file {named!r}")
    try:
        profile = ClientConfigProfile.load(override_env_vars=dict(env))
    except (RuntimeError, OSError) as exc:  # the SDK's ConfigError is a RuntimeError
        raise InvalidSetting(f"Temporal client configuration: {exc}") from None
    options = profile.to_client_connect_config()
    given = settings.model_fields_set
    if "temporal_address" in given or "target_host" not in options:
        options["target_host"] = settings.temporal_address
    if "temporal_namespace" in given or "namespace" not in options:
        options["namespace"] = settings.temporal_namespace
    return options


async def connect(settings: Settings, runtime: Runtime | None = None) -> Client:
    """The client; `runtime`: a worker's own, with its metrics endpoint (`dondoc.metrics`)."""
    options = connect_options(settings)
    try:
        return await Client.connect(**options, data_converter=data_converter, runtime=runtime)
    except RuntimeError as exc:
        raise ServerUnreachable(
            f"cannot reach the Temporal server at {options['target_host']}"
            f" (namespace {options['namespace']}): start it with `dondoc server`"
            " or set TEMPORAL_ADDRESS (or a TEMPORAL_PROFILE)"
        ) from exc
