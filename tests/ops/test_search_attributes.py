"""Registering the search attributes where a client may not (Temporal Cloud) warns, not fails."""

from __future__ import annotations

from typing import Any, cast

import pytest
from temporalio.client import Client
from temporalio.service import RPCError, RPCStatusCode

from dondoc.worker import ensure_search_attributes


class Refusing:
    """A client whose operator service answers `add_search_attributes` with one error."""

    def __init__(self, status: RPCStatusCode, message: str = "no") -> None:
        self.error = RPCError(message, status, b"")
        self.operator_service = self

    async def add_search_attributes(self, request: Any) -> None:
        raise self.error


@pytest.mark.parametrize("status", [RPCStatusCode.PERMISSION_DENIED, RPCStatusCode.UNIMPLEMENTED])
async def test_a_namespace_that_refuses_registration_is_not_fatal(status: RPCStatusCode) -> None:
    await ensure_search_attributes(cast(Client, Refusing(status)), "dondoc.a1b2c")


async def test_an_existing_attribute_is_fine() -> None:
    refusing = Refusing(RPCStatusCode.ALREADY_EXISTS, "Search attribute already exists")
    await ensure_search_attributes(cast(Client, refusing), "default")


async def test_other_errors_still_stop_the_worker() -> None:
    with pytest.raises(RPCError):
        await ensure_search_attributes(cast(Client, Refusing(RPCStatusCode.UNAVAILABLE)), "default")
