"""What every recording activity starts from: the rows it records against, the unit names its
messages use, its logger, and the one wording of a record the database refuses."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, NoReturn, Protocol

import structlog
from sqlalchemy import select
from sqlalchemy.orm import Session
from temporalio import activity
from temporalio.exceptions import ApplicationError

from dondoc.db import item_rows
from dondoc.db.item_rows import DirectiveRow, ItemRow
from dondoc.db.models import Directive, Item, Unit
from dondoc.notify.outbox import Message
from dondoc.schemas.records import ItemRef

log = structlog.get_logger("dondoc.activities")


def unstorable(exc: Exception) -> ApplicationError:
    """The database's refusal in one line, as a non-retryable error."""
    cause = getattr(exc, "orig", None) or exc
    first = str(cause).strip().splitlines()[0] if str(cause).strip() else type(cause).__name__
    name = activity.info().activity_type if activity.in_activity() else "record"
    return ApplicationError(
        f"{name}: the database refuses this record ({first[:300]}); retrying cannot help",
        type="UnstorableRecord",
        non_retryable=True,
    )


class ItemFacts(Protocol):
    """What a message reads of an item: the ORM `Item` or the hot path's `ItemRow`."""

    @property
    def workflow_id(self) -> str: ...
    @property
    def number(self) -> str: ...
    @property
    def due(self) -> datetime: ...


class DirectiveFacts(Protocol):
    """What a message and `unit_names` read of a directive: `Directive` or `DirectiveRow`."""

    @property
    def id(self) -> int: ...
    @property
    def code(self) -> str: ...


def log_item(ref: ItemRef, event: str, **fields: Any) -> None:
    """One event about an item: its directive, number and workflow id, then `fields` (the same
    line a logger bound to the item writes, without building a bound logger per call)."""
    workflow_id = activity.info().workflow_id if activity.in_activity() else None
    log.info(
        event, directive=ref.directive_code, item=ref.number, workflow_id=workflow_id, **fields
    )


def find_directive(s: Session, code: str) -> Directive:
    directive = s.scalars(select(Directive).where(Directive.code == code)).one_or_none()
    if directive is None:
        raise ApplicationError(
            f"directive '{code}' is not in the database",
            type="UnknownDirective",
            non_retryable=True,
        )
    return directive


def find_item(s: Session, ref: ItemRef) -> tuple[Item, Directive]:
    """The item and its directive in one query (every recording activity starts here)."""
    row = s.execute(
        select(Item, Directive)
        .join(Directive, Item.directive_id == Directive.id)
        .where(Directive.code == ref.directive_code, Item.number == ref.number)
    ).one_or_none()
    if row is not None:
        return row[0], row[1]
    _missing(s, ref)


def find_item_row(s: Session, ref: ItemRef) -> tuple[ItemRow, DirectiveRow]:
    """`find_item`'s columns that the hot path reads (`db.item_rows`), with its errors."""
    found = item_rows.find(s, ref.directive_code, ref.number)
    if found is not None:
        return found
    _missing(s, ref)


def _missing(s: Session, ref: ItemRef) -> NoReturn:
    find_directive(s, ref.directive_code)  # says which one is missing
    raise ApplicationError(
        f"item '{ref.number}' of directive '{ref.directive_code}' is not in the database",
        type="UnknownItem",
        non_retryable=True,
    )


# A directive's units are written once, with the directive, and never change: their names are
# read once per directive per worker, not once per notification. Keyed by database and id, and
# checked against the code, so a database rebuilt under the same URL is not misread.
_NAMES: dict[tuple[str, int], tuple[str, dict[str, str]]] = {}
_NAMES_KEPT = 1000


def unit_names(s: Session, directive: DirectiveFacts) -> dict[str, str]:
    key = (repr(s.get_bind().engine.url), directive.id)
    kept = _NAMES.get(key)
    if kept is not None and kept[0] == directive.code:
        return kept[1]
    found = s.scalars(select(Unit).where(Unit.directive_id == directive.id))
    names = {u.code: u.name for u in found}
    if len(_NAMES) >= _NAMES_KEPT:
        _NAMES.clear()
    _NAMES[key] = (directive.code, names)
    return names


def message(
    directive: DirectiveFacts,
    item: ItemFacts,
    unit: str,
    kind: str,
    body: str,
    key: str | None = None,
    **data: object,
) -> Message:
    return Message(
        key=key or f"{item.workflow_id}:{kind}:{unit}",
        directive_code=directive.code,
        item_number=item.number,
        unit_code=unit,
        kind=kind,
        body=body,
        data={"due": item.due.astimezone(UTC).isoformat(), **data},
    )
