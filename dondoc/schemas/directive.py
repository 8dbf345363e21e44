"""The directive file (YAML) as written by an office, and the resolved plan that gets started."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import date, datetime, timedelta
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BeforeValidator,
    Discriminator,
    Field,
    StringConstraints,
    Tag,
    model_validator,
)

from dondoc.schemas import Frozen
from dondoc.schemas.dates import parse_date, parse_due
from dondoc.schemas.messages import ItemSpec, Milestone, Period, Schedule
from dondoc.schemas.overrides import CalendarOverrides
from dondoc.schemas.timing import Offset, Reporting, Rules, SupportDue, WorkingDays, by_shape

# Sizes: every item's workflow input (ItemSpec) carries its title, its units and the directive's
# unit codes, and Temporal refuses a payload over 2 MB (a 2.5 MiB title retried for ever); the
# directive's workflow carries every item's status (5,000 items: ~200 KB, under the 256 KB warning).
MAX_TITLE, MAX_TEXT = 500, 20_000
MAX_UNITS, MAX_ITEMS, MAX_MILESTONES = 1_000, 5_000, 100

# PostgreSQL refuses NUL; no other control character belongs in a directive's text either.
# Tabs and line breaks stay (descriptions are quoted verbatim); lone surrogates are no text.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def printable(value: str) -> str:
    """Refuse text with a control character, naming the first one and where it is."""
    found = _CONTROL.search(value)
    if found:
        char = f"U+{ord(found.group()):04X}"
        raise ValueError(f"contains a control character ({char}) at character {found.start() + 1}")
    return value


def _one_line(value: str) -> str:
    printable(value)
    if not value.isprintable():
        raise ValueError("the code must be one line of printable text")
    return value


Code = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.\-]+$"
    ),
]
Text = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_TITLE),
    AfterValidator(printable),
]
LongText = Annotated[str, StringConstraints(max_length=MAX_TEXT), AfterValidator(printable)]
VnDate = Annotated[date, BeforeValidator(parse_date)]
Email = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$"),
]
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
    AfterValidator(printable),
]


class UnitDef(Frozen):
    code: Code
    name: Text
    # This directive's own addresses for the unit, on top of its site contact (notifications).
    email: list[Email] = Field(default_factory=list, max_length=20)


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
    date: VnDate
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
    description: LongText | None = None
    lead: list[Code] = Field(default_factory=list, max_length=MAX_UNITS)
    support: list[Code] = Field(default_factory=list, max_length=MAX_UNITS)
    due: DueField
    remind_before: Offset | None = None
    escalate_every: Offset | None = None
    support_due: SupportDueField | None = None
    review: bool | None = None
    max_extensions: int | None = Field(default=None, ge=0, le=20)
    milestones: list[MilestoneDef] = Field(default_factory=list, max_length=MAX_MILESTONES)
    reporting: Reporting | None = None


class DirectiveFile(Frozen):
    """A directive as written in its YAML file; `importer.yaml_file` checks it as a whole."""

    code: Annotated[
        str,
        StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
        AfterValidator(_one_line),
    ]
    title: Text
    committee: Code
    issued_on: VnDate | None = None
    timezone: Annotated[str, StringConstraints(max_length=64)] = "Asia/Ho_Chi_Minh"
    note: LongText | None = None
    units: list[UnitDef] = Field(min_length=1, max_length=MAX_UNITS)
    groups: dict[Code, Annotated[list[Code], Field(max_length=MAX_UNITS)]] = Field(
        default_factory=dict, max_length=MAX_UNITS
    )
    calendar: CalendarOverrides | None = None
    defaults: Defaults = Defaults()
    items: list[ItemDef] = Field(min_length=1, max_length=MAX_ITEMS)


# ItemSpec fields an item's database row keeps as columns (or its directive's); the rest of its
# spec is the row's `extras`, read back as they are when the item's workflow is started.
ROW_FIELDS = frozenset(
    {"directive_code", "committee", "known_units", "number", "title", "lead", "support"}
    | {"due", "remind_at", "escalate_every"}
)


class ItemPlan(Frozen):
    """One task item, resolved: groups expanded, deadlines as UTC instants."""

    number: str
    position: int
    title: str
    description: str | None = None
    lead: list[str]
    support: list[str] = Field(default_factory=list)
    schedule: Schedule
    escalate_every: timedelta
    rules: Rules = Rules()
    due_explanation: list[str] = Field(default_factory=list)
    review: bool = False
    max_extensions: int = 2
    receipt_remind_at: datetime | None = None
    receipt_escalate_at: datetime | None = None
    milestones: list[Milestone] = Field(default_factory=list)
    periods: list[Period] = Field(default_factory=list)

    def spec(self, directive_code: str, committee: str, known_units: list[str]) -> ItemSpec:
        """What the item's workflow is started with: the one ItemPlan -> ItemSpec mapping."""
        return ItemSpec.model_validate(
            {
                **self.schedule.model_dump(),
                **self.model_dump(include=ItemSpec.model_fields.keys() - {"schedule"}),
                "directive_code": directive_code,
                "committee": committee,
                "known_units": known_units,
            }
        )

    def shifted(self, delta: timedelta) -> ItemPlan:
        """The same item with its deadline-derived instants moved by `delta` (replays, demos)."""

        def move(t: datetime | None) -> datetime | None:
            return None if t is None else t + delta

        s = self.schedule
        return self.model_copy(
            update={
                "schedule": Schedule(
                    due=s.due + delta,
                    remind_at=s.remind_at + delta,
                    due_soon_at=move(s.due_soon_at),
                    support_due=move(s.support_due),
                    support_remind_at=move(s.support_remind_at),
                    escalation_ladder=[t + delta for t in s.escalation_ladder],
                ),
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

    def spec(self, item: ItemPlan) -> ItemSpec:
        return item.spec(self.code, self.committee, [u.code for u in self.units])

    def extras(self, item: ItemPlan) -> dict[str, Any]:
        """The item's spec beyond its row's columns, as JSON (the row's `extras`)."""
        return self.spec(item).model_dump(mode="json", exclude=set(ROW_FIELDS))

    def content_hash(self) -> str:
        """The plan's digest; an item's schedule is hashed flat, as the plan held it before it
        was one model, so a directive stored then is still the same content now."""
        data = self.model_dump(mode="json")
        data["items"] = [{**i.pop("schedule"), **i} for i in data["items"]]
        # A unit without its own addresses hashes as before they existed.
        data["units"] = [{k: v for k, v in u.items() if k != "email" or v} for u in data["units"]]
        canonical = json.dumps(data, sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(canonical.encode()).hexdigest()
