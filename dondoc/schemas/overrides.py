"""Calendar overrides (a site's or a directive's own days off and make-up days) and their loader."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Annotated

from pydantic import BeforeValidator, Field, StringConstraints, ValidationError, model_validator

from dondoc.schemas import Frozen, words
from dondoc.schemas.dates import parse_date

DateKey = Annotated[date, BeforeValidator(parse_date)]
Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]


class OverridesError(ValueError):
    """Calendar overrides from configuration that cannot be used; `problems` lists each one."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("invalid calendar overrides:\n  " + "\n  ".join(problems))


class CalendarOverrides(Frozen):
    """Days the `holidays` package gets wrong or does not know, with a reason in Vietnamese.

    `days_off`: extra non-working days (a province's own day off, an official swap the package
    lacks). `working_days`: days worked although otherwise off (a make-up Saturday). Keys are
    dates (`date`, `YYYY-MM-DD` or `dd/mm/yyyy`).
    """

    days_off: dict[DateKey, Reason] = Field(default_factory=dict)
    working_days: dict[DateKey, Reason] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _no_day_both_off_and_worked(self) -> CalendarOverrides:
        both = sorted(self.days_off.keys() & self.working_days.keys())
        if both:
            days = ", ".join(_fmt(d) for d in both)
            raise ValueError(f"{days}: listed both in days_off and in working_days")
        return self

    def merged_with(self, other: CalendarOverrides) -> CalendarOverrides:
        """These overrides with `other` on top: a date in `other` replaces the same date here."""
        days_off = {d: r for d, r in self.days_off.items() if d not in other.working_days}
        working = {d: r for d, r in self.working_days.items() if d not in other.days_off}
        return CalendarOverrides(
            days_off=days_off | other.days_off, working_days=working | other.working_days
        )


def load_overrides(data: object) -> CalendarOverrides:
    """Overrides from a plain mapping as read from YAML/JSON; `None` means no overrides.

    Raises `OverridesError` naming each bad entry, e.g. `days_off -> 31/02/2025: ...`.
    """
    if data is None:
        return CalendarOverrides()
    if not isinstance(data, Mapping):
        raise OverridesError(
            [
                f"calendar overrides must be a mapping with 'days_off' and/or 'working_days', "
                f"not {type(data).__name__}"
            ]
        )
    try:
        return CalendarOverrides.model_validate(dict(data))
    except ValidationError as exc:
        raise OverridesError(
            [
                f"{' -> '.join(str(part) for part in loc) or 'overrides'}: {text}"
                for loc, text in words.problems(exc, skip={"[key]"})
            ]
        ) from None


def combined(*layers: CalendarOverrides | None) -> CalendarOverrides:
    """The layers merged in order, each on top of the ones before (site, then directive)."""
    out = CalendarOverrides()
    for layer in layers:
        if layer is not None:
            out = out.merged_with(layer)
    return out


def _fmt(d: date) -> str:
    return d.strftime("%d/%m/%Y")
