"""The directive file (YAML) as written by an office, and the resolved plan that gets started."""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime, timedelta
from typing import Annotated, Any

from pydantic import (
    BeforeValidator,
    Discriminator,
    Field,
    StringConstraints,
    Tag,
    field_validator,
    model_validator,
)

from dondoc.schemas import Frozen
from dondoc.schemas.dates import parse_date, parse_due
from dondoc.schemas.messages import Milestone, Period
from dondoc.schemas.overrides import CalendarOverrides
from dondoc.schemas.timing import Offset, Reporting, Rules, SupportDue, WorkingDays, by_shape

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


ItemNumber = Annotated[
    str,
    BeforeValidator(_item_number),
    StringConstraints(strip_whitespace=True, min_length=1, max_length=32, pattern=r"^[^\s/]+$"),
]


class UnitDef(Frozen):
    code: Code
    name: Text


class RelativeDue(Frozen):
    """`{working_days: 10}` or `{days: 30}`, counted from the directive's issue date (or start)."""

    working_days: int | None = Field(default=None, ge=1, le=3650)
    days: int | None = Field(default=None, ge=1, le=3650)

    @model_validator(mode="after")
    def _exactly_one(self) -> RelativeDue:
        if (self.working_days is None) == (self.days is None):
            raise ValueError("give exactly one of working_days or days")
        return self


DueField = Annotated[
    Annotated[RelativeDue, Tag("mapping")] | Annotated[Due, Tag("scalar")],
    Discriminator(by_shape),
]
SupportDueField = Annotated[
    Annotated[SupportDue, Tag("mapping")] | Annotated[Due, Tag("scalar")],
    Discriminator(by_shape),
]


class MilestoneDef(Frozen):
    date: Annotated[date, BeforeValidator(parse_date)]
    title: Text
    remind_before: Offset | None = None


class Defaults(Frozen):
    remind_before: Offset = timedelta(days=3)
    escalate_every: Offset = timedelta(days=7)
    due_soon: WorkingDays = WorkingDays(working_days=3)
    receipt_within: WorkingDays = WorkingDays(working_days=1)
    support_due: SupportDue | None = None
    review: bool = False
    max_extensions: int = Field(default=2, ge=0, le=20)


class ItemDef(Frozen):
    number: ItemNumber
    title: Text
    description: str | None = None
    lead: list[Code] = Field(default_factory=list)
    support: list[Code] = Field(default_factory=list)
    due: DueField
    remind_before: Offset | None = None
    escalate_every: Offset | None = None
    support_due: SupportDueField | None = None
    review: bool | None = None
    max_extensions: int | None = Field(default=None, ge=0, le=20)
    milestones: list[MilestoneDef] = Field(default_factory=list)
    reporting: Reporting | None = None


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
    calendar: CalendarOverrides | None = None
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
    rules: Rules = Rules()
    due_explanation: list[str] = Field(default_factory=list)
    review: bool = False
    max_extensions: int = 2
    support_due: datetime | None = None
    support_remind_at: datetime | None = None
    due_soon_at: datetime | None = None
    escalation_ladder: list[datetime] = Field(default_factory=list)
    receipt_remind_at: datetime | None = None
    receipt_escalate_at: datetime | None = None
    milestones: list[Milestone] = Field(default_factory=list)
    periods: list[Period] = Field(default_factory=list)

    def shifted(self, delta: timedelta) -> ItemPlan:
        """The same item with its deadline-derived instants moved by `delta` (replays, demos)."""

        def move(t: datetime | None) -> datetime | None:
            return None if t is None else t + delta

        return self.model_copy(
            update={
                "due": self.due + delta,
                "remind_at": self.remind_at + delta,
                "due_soon_at": move(self.due_soon_at),
                "support_due": move(self.support_due),
                "support_remind_at": move(self.support_remind_at),
                "escalation_ladder": [t + delta for t in self.escalation_ladder],
                "receipt_remind_at": move(self.receipt_remind_at),
                "receipt_escalate_at": move(self.receipt_escalate_at),
                "milestones": [
                    m.model_copy(update={"due": m.due + delta, "remind_at": m.remind_at + delta})
                    for m in self.milestones
                ],
                "periods": [
                    p.model_copy(update={"cutoff": p.cutoff + delta, "due": p.due + delta})
                    for p in self.periods
                ],
            }
        )

    def lifecycle(self) -> dict[str, Any]:
        """The fields an ItemSpec takes beyond the basics (stored as the item's `extras`)."""
        return self.model_dump(
            mode="json",
            include={
                "review",
                "max_extensions",
                "support_due",
                "support_remind_at",
                "due_soon_at",
                "escalation_ladder",
                "receipt_remind_at",
                "receipt_escalate_at",
                "milestones",
                "periods",
            },
        )


class DirectivePlan(Frozen):
    """A validated directive ready to store and start."""

    code: str
    title: str
    committee: str
    issued_on: date | None = None
    timezone: str
    note: str | None = None
    calendar: CalendarOverrides | None = None
    units: list[UnitDef]
    items: list[ItemPlan]

    def content_hash(self) -> str:
        canonical = json.dumps(self.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(canonical.encode()).hexdigest()
