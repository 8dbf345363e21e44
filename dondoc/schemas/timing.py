"""Deadline rules as a directive file writes them: offsets, working days, reporting periods."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BeforeValidator, Discriminator, Field, Tag, model_validator

from dondoc.schemas import Frozen


def _iso_only(value: Any) -> Any:
    if isinstance(value, timedelta | dict):
        return value
    if not isinstance(value, str):
        raise ValueError(
            f"'{value}' is not a duration: write ISO 8601 (P3D, PT12H) or {{working_days: N}}"
        )
    return value


MAX_DAYS = 3650  # ~10 years: any offset from a date in 2000–2100 stays a valid datetime


def _whole_seconds_in_range(value: timedelta) -> timedelta:
    """Timers count whole seconds: PT0.5S was stored as 0 s (a busy loop), PT1.5S as 1 s."""
    if value <= timedelta(0):
        raise ValueError("must be a positive duration")
    if value < timedelta(seconds=1):
        raise ValueError("must be at least one second (PT1S)")
    if value.microseconds:
        raise ValueError("must be whole seconds: write PT1S or PT2S, not a fraction of a second")
    if value > timedelta(days=MAX_DAYS):
        raise ValueError(f"must be at most {MAX_DAYS} days (about ten years)")
    return value


class WorkingDays(Frozen):
    working_days: int = Field(ge=1, le=MAX_DAYS)


Duration = Annotated[timedelta, BeforeValidator(_iso_only), AfterValidator(_whole_seconds_in_range)]


def by_shape(value: Any) -> str:
    """Union tag: a mapping is one of our small models, anything else a scalar form."""
    return "mapping" if isinstance(value, dict | Frozen) else "scalar"


Offset = Annotated[
    Annotated[WorkingDays, Tag("mapping")] | Annotated[Duration, Tag("scalar")],
    Discriminator(by_shape),
]
"""An offset: an ISO 8601 duration (`P3D`) or a count of working days (`{working_days: 3}`)."""
UNION_TAGS = frozenset({"mapping", "scalar"})


class SupportDue(Frozen):
    working_days_before_lead: int = Field(ge=0, le=365)


class Rules(Frozen):
    """One item's deadline rules, kept with it so a moved deadline is re-planned the same way."""

    remind_before: Offset = timedelta(days=3)
    escalate_every: Offset = timedelta(days=7)
    due_soon: WorkingDays = WorkingDays(working_days=3)
    support_due: SupportDue | None = None
    support_due_fixed: datetime | None = None  # a support deadline given as a date stays put

    @model_validator(mode="before")
    @classmethod
    def _drop_none(cls, data: Any) -> Any:
        return {k: v for k, v in data.items() if v is not None} if isinstance(data, dict) else data


class Reporting(Frozen):
    """Periodic reports: `{every: month, cutoff_day: 20, submit_within: {working_days: 1}}`.

    cutoff_day is the day of the month (month, quarter: of the quarter's last month) or the ISO
    weekday 1–7 (week) whose end closes the period's data; the report is due `submit_within`
    working days later.
    """

    every: Literal["week", "month", "quarter"]
    cutoff_day: int = Field(ge=1, le=31)
    submit_within: WorkingDays = WorkingDays(working_days=1)

    @model_validator(mode="after")
    def _weekday(self) -> Reporting:
        if self.every == "week" and self.cutoff_day > 7:
            raise ValueError("for weekly reports cutoff_day is an ISO weekday, 1 (Mon) to 7 (Sun)")
        return self
