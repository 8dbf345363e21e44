"""The draft a published directive's text becomes: plain data, every guess with its reason."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from dondoc.errors import DondocError


class ImportTextError(DondocError):
    """The input cannot be read as a directive's text; the message says why and what to do."""


@dataclass
class DraftUnit:
    code: str
    name: str
    note: str = ""  # why it is here: from the registry, or new (to review)
    members: list[str] = field(default_factory=list)  # a group when not empty


@dataclass
class DraftMilestone:
    day: date
    title: str
    note: str = ""


@dataclass
class DraftItem:
    number: str
    title: str
    description: str
    lead: list[str] = field(default_factory=list)
    lead_note: str = ""
    support: list[str] = field(default_factory=list)
    support_note: str = ""
    due: date | None = None
    due_note: str = ""  # the text the deadline comes from, or why there is none
    reporting: dict[str, int | str] | None = None
    reporting_note: str = ""
    milestones: list[DraftMilestone] = field(default_factory=list)
    note: str = ""  # how the item was found (a split paragraph, a closing paragraph…)


@dataclass
class Draft:
    code: str
    code_note: str
    title: str
    title_note: str
    committee: str
    committee_note: str
    issued_on: date | None
    issued_note: str
    note: str | None
    units: list[DraftUnit]
    items: list[DraftItem]
    source: str = "<text>"
    remarks: list[str] = field(default_factory=list)  # what was left out, and why

    def item(self, number: str) -> DraftItem:
        for it in self.items:
            if it.number == number:
                return it
        raise KeyError(number)
