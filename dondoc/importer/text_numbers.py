"""How a drafted item is numbered and titled."""

from __future__ import annotations

import re

from dondoc.importer.text_model import DraftItem
from dondoc.importer.text_structure import Block


def item_label(block: Block, n: int) -> str:
    if block.kind in ("num", "num2", "num3", "dieu", "row") and block.label:
        return block.label
    return str(n)


def item_title(text: str, number: str) -> str:
    first = re.split(r"(?<=[.;:])\s", text.strip(), maxsplit=1)[0].strip(" .;:-")
    if len(first) > 90:
        first = first[:90].rsplit(" ", 1)[0] + "…"
    return first or f"Mục {number}"


def unique_numbers(items: list[DraftItem]) -> None:
    """Numbers the loader accepts, no two alike: spaces and slashes become dashes, a repeat
    gets -2, -3, …"""
    seen: set[str] = set()
    for it in items:
        number = re.sub(r"[\s/]+", "-", it.number)[:30] or "X"
        base, n = number, 2
        while number in seen:
            number, n = f"{base}-{n}", n + 1
        it.number = number
        seen.add(number)
