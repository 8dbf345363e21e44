"""Filling a draft item: its dates from its text, its partners without doubling its leads."""

from __future__ import annotations

from dondoc.importer import text_dates as dates
from dondoc.importer.text_book import UnitBook
from dondoc.importer.text_model import DraftItem, DraftMilestone
from dondoc.importer.text_roles import Roles


def add_dates(item: DraftItem, text: str, year: int | None) -> None:
    """The item's deadline, reporting rule and milestones from its text, each with its quote."""
    found, remark = dates.deadlines(text, year)
    if found:
        last = max(found, key=lambda f: f.day)
        item.due = last.day
        others = [f'"{f.quote}"' for f in found if f is not last][:2]
        item.due_note = f'hạn: "{last.quote}"' + (f" ({last.how})" if last.how else "")
        if others:
            item.due_note += "; cũng có " + ", ".join(others)
    elif item.due is None:
        item.due_note = (
            f"TODO: {remark}: cần chọn hạn"
            if remark
            else ("TODO: không có hạn trong văn bản: cần bổ sung (dd/mm/yyyy)")
        )
    rule, quote = dates.reporting(text)
    if rule:
        item.reporting, item.reporting_note = rule, f"báo cáo: {quote}"
    elif quote and not item.reporting_note:
        item.reporting_note = quote
    seen = {m.day for m in item.milestones}
    for f in dates.milestones(text, year):
        if f.day not in seen:
            item.milestones.append(DraftMilestone(f.day, f.quote, f.how))


def merge_support(item: DraftItem, roles: Roles, book: UnitBook) -> None:
    """Add partners, except units already (or through a group) among the leads."""
    leads = book.expand(item.lead)
    kept = [c for c in roles.support if c not in item.support and not (book.expand([c]) & leads)]
    if kept:
        item.support += kept
        quotes = "; ".join(roles.support_quotes[:2])
        item.support_note = (
            f"{item.support_note}; {quotes}" if item.support_note else f"phối hợp: {quotes}"
        )
