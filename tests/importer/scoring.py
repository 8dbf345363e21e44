"""Scores a draft against a hand-made expected result (tests/importer/texts/*.expected.yaml)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from dondoc.importer.text import Draft, import_text
from dondoc.importer.text_model import DraftItem
from dondoc.importer.text_units import fold

TEXTS = Path(__file__).parent / "texts"


@dataclass
class Score:
    expected: int = 0
    found: int = 0
    extra: int = 0
    lead: int = 0
    support: int = 0
    due: int = 0
    reporting: int = 0
    reporting_expected: int = 0
    misses: list[str] = field(default_factory=list)

    def add(self, other: Score) -> None:
        for name in ("expected", "found", "extra", "lead", "support", "due"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.reporting += other.reporting
        self.reporting_expected += other.reporting_expected
        self.misses += other.misses

    def rate(self, name: str) -> float:
        total = self.reporting_expected if name == "reporting" else self.expected
        return getattr(self, name) / total if total else 1.0


def corpus() -> list[str]:
    return sorted(p.name.removesuffix(".expected.yaml") for p in TEXTS.glob("*.expected.yaml"))


def draft_of(name: str) -> tuple[Draft, dict[str, Any]]:
    expected = yaml.safe_load((TEXTS / f"{name}.expected.yaml").read_text(encoding="utf-8"))
    units = TEXTS / expected["units"] if expected.get("units") else None
    source = (TEXTS / f"{name}.txt").read_bytes()
    return import_text(source, filename=f"{name}.txt", fmt="auto", units=units), expected


def score(name: str) -> Score:
    draft, expected = draft_of(name)
    out = Score()
    matched: set[int] = set()
    for want in expected["items"]:
        out.expected += 1
        got = _match(draft.items, want["starts"])
        if got is None:
            out.misses.append(f"{name}: item not found: {want['starts']!r}")
            continue
        out.found += 1
        matched.add(id(got))
        _compare(name, want, got, expected.get("reporting"), out)
    out.extra = sum(id(it) not in matched for it in draft.items)
    return out


def _match(items: list[DraftItem], starts: str) -> DraftItem | None:
    key = " ".join(fold(starts).split())
    return next(
        (it for it in items if " ".join(fold(it.description).split()).startswith(key)), None
    )


def _compare(name: str, want: dict[str, Any], got: DraftItem, reporting: Any, out: Score) -> None:
    where = f"{name} {got.number}"
    if set(want["lead"]) == set(got.lead):
        out.lead += 1
    else:
        out.misses.append(f"{where}: lead {got.lead}, expected {want['lead']}")
    if set(want["support"]) == set(got.support):
        out.support += 1
    else:
        out.misses.append(f"{where}: support {got.support}, expected {want['support']}")
    due = want["due"]
    if (due if isinstance(due, date) or due is None else date.fromisoformat(due)) == got.due:
        out.due += 1
    else:
        out.misses.append(f"{where}: due {got.due}, expected {due}")
    rule = want.get("reporting", reporting)
    if rule is not None:
        out.reporting_expected += 1
        if got.reporting == rule:
            out.reporting += 1
        else:
            out.misses.append(f"{where}: reporting {got.reporting}, expected {rule}")
