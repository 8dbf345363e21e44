"""The directive file (YAML) as written by an office, and the resolved plan that gets started."""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime, timedelta
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field, StringConstraints, field_validator

from dondoc.schemas import Frozen
from dondoc.schemas.dates import parse_date, parse_due

Code = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.\-]+$"
    ),
]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
VnDate = Annotated[date, BeforeValidator(parse_date)]
Due = Annotated[date | datetime, BeforeValidator(parse_due)]


def _item_number(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        raise ValueError(f'write the item number in quotes ("{value}"), so that 6.10 stays 6.10')
    return value


def _iso_duration(value: Any) -> Any:
    if isinstance(value, timedelta):
        return value
    if not isinstance(value, str):
        raise ValueError(f"'{value}' is not a duration: write ISO 8601, e.g. P3D, PT12H or PT30S")
    return value


def _positive(value: timedelta) -> timedelta:
    if value <= timedelta(0):
        raise ValueError("must be a positive duration")
    return value


Duration = Annotated[timedelta, BeforeValidator(_iso_duration), AfterValidator(_positive)]

ItemNumber = Annotated[
    str,
    BeforeValidator(_item_number),
    StringConstraints(strip_whitespace=True, min_length=1, max_length=32, pattern=r"^[^\s/]+$"),
]


class UnitDef(Frozen):
    code: Code
    name: Text


class Defaults(Frozen):
    remind_before: Duration = timedelta(days=3)
    escalate_every: Duration = timedelta(days=7)


class ItemDef(Frozen):
    number: ItemNumber
    title: Text
    description: str | None = None
    lead: list[Code] = Field(default_factory=list)
    support: list[Code] = Field(default_factory=list)
    due: Due
    remind_before: Duration | None = None
    escalate_every: Duration | None = None


class DirectiveFile(Frozen):
    """A directive as written in its YAML file; `loader.load_directive` checks it as a whole."""

    code: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    title: Text
    committee: Code
    issued_on: VnDate | None = None
    timezone: str = "Asia/Ho_Chi_Minh"
    note: str | None = None
    units: list[UnitDef] = Field(min_length=1)
    groups: dict[Code, list[Code]] = Field(default_factory=dict)
    defaults: Defaults = Defaults()
    items: list[ItemDef] = Field(min_length=1)

    @field_validator("code")
    @classmethod
    def _printable_code(cls, value: str) -> str:
        if any(not ch.isprintable() for ch in value):
            raise ValueError("the code must be one line of printable text")
        return value


class ItemPlan(Frozen):
    """One task item, resolved: groups expanded, deadlines as UTC instants."""

    number: str
    position: int
    title: str
    description: str | None = None
    lead: list[str]
    support: list[str] = Field(default_factory=list)
    due: datetime
    remind_at: datetime
    escalate_every: timedelta


class DirectivePlan(Frozen):
    """A validated directive ready to store and start."""

    code: str
    title: str
    committee: str
    issued_on: date | None = None
    timezone: str
    note: str | None = None
    units: list[UnitDef]
    items: list[ItemPlan]

    def content_hash(self) -> str:
        canonical = json.dumps(self.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(canonical.encode()).hexdigest()
