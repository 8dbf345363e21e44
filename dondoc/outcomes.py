"""What a failed call means, as a typed error: an update the item's workflow did not take,
a Temporal server that does not answer, a database that cannot be reached."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from temporalio.client import Client, WorkflowExecutionStatus
from temporalio.service import RPCError, RPCStatusCode

from dondoc.config import directive_workflow_id, item_workflow_id
from dondoc.db.session import SessionFactory
from dondoc.errors import (
    DatabaseUnavailable,
    ItemClosed,
    OutcomeUnknown,
    ServerUnreachable,
    UnknownDirective,
    UnknownItem,
)


async def is_running(client: Client, code: str, number: str) -> bool:
    try:
        desc = await client.get_workflow_handle(item_workflow_id(code, number)).describe()
    except RPCError:
        return False
    return desc.status == WorkflowExecutionStatus.RUNNING


async def why_not_running(
    client: Client, code: str, number: str, what: str, err: RPCError
) -> Exception:
    """Turn the server's answer to an update on a missing or closed workflow into a typed error."""
    try:
        desc = await client.get_workflow_handle(item_workflow_id(code, number)).describe()
    except RPCError as missing:
        if missing.status == RPCStatusCode.UNAVAILABLE:
            return server_down(missing)
        try:
            await client.get_workflow_handle(directive_workflow_id(code)).describe()
        except RPCError as gone:
            if gone.status == RPCStatusCode.UNAVAILABLE:
                return server_down(gone)
            return UnknownDirective(code)
        return UnknownItem(code, number)
    if desc.status != WorkflowExecutionStatus.RUNNING:
        return ItemClosed(
            what, f"item {number} of '{code}' is already closed; nothing more can be done"
        )
    return OutcomeUnknown(f"{what} not delivered: {err.message}")


def server_down(err: RPCError) -> ServerUnreachable:
    return ServerUnreachable(
        f"the Temporal server cannot be reached ({err.message}); try again once it is back"
        " (`dondoc health` checks it); a report sent again with its report id counts once"
    )


@contextmanager
def reading(sessions: SessionFactory) -> Iterator[Session]:
    """A session whose connection failures become `DatabaseUnavailable`."""
    try:
        with sessions() as s:
            yield s
    except OperationalError as exc:
        raise db_down(exc) from None


def db_down(exc: OperationalError) -> DatabaseUnavailable:
    first = str(exc.orig or exc).strip().splitlines()[0][:200]
    return DatabaseUnavailable(
        f"dondoc's database cannot be reached ({first}); check DONDOC_DATABASE_URL and that the"
        " database server is running"
    )
