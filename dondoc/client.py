"""The one Temporal client factory: pydantic data converter, and a clear error when unreachable."""

from __future__ import annotations

from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter

from dondoc.config import Settings
from dondoc.errors import DondocError


async def connect(settings: Settings) -> Client:
    try:
        return await Client.connect(
            settings.temporal_address,
            namespace=settings.temporal_namespace,
            data_converter=pydantic_data_converter,
        )
    except RuntimeError as exc:
        raise DondocError(
            f"cannot reach the Temporal server at {settings.temporal_address}"
            f" (namespace {settings.temporal_namespace}): start it with `dondoc server`"
            " or set TEMPORAL_ADDRESS"
        ) from exc
