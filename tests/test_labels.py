"""`labels`: every kind a person is shown has a Vietnamese label, in one table."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any

import pytest

from dondoc.db.timeline import EventKind
from dondoc.labels import DIRECTIVE_STATUS_VN, ITEM_STATUS_VN, ROLE_VN, kind_label
from dondoc.schemas.lifecycle import ActionKind
from dondoc.schemas.status import DirectiveStatus, ItemStatus, Role

TABLES: list[tuple[type[StrEnum], Mapping[Any, str]]] = [
    (ItemStatus, ITEM_STATUS_VN),
    (DirectiveStatus, DIRECTIVE_STATUS_VN),
    (Role, ROLE_VN),
]
KINDS: list[StrEnum] = [*ActionKind, *EventKind]


class TestLabels:
    @pytest.mark.parametrize(("enum", "table"), TABLES, ids=lambda v: getattr(v, "__name__", ""))
    def test_every_status_and_role_has_a_vietnamese_label(
        self, enum: type[StrEnum], table: Mapping[Any, str]
    ) -> None:
        missing = [m.value for m in enum if not table.get(m) or table[m] == m.value]
        assert missing == []

    @pytest.mark.parametrize("kind", KINDS, ids=str)
    def test_every_action_notification_and_timeline_kind_has_a_vietnamese_label(
        self, kind: StrEnum
    ) -> None:
        """`status` and the demo showed `milestone_reached (dondoc)`: no kind shows as its code."""
        label = kind_label(kind)
        assert (label != kind.value, "_" in label) == (True, False)

    def test_a_kind_given_as_text_finds_the_same_label(self) -> None:
        """Kinds come back from the database as plain strings."""
        assert [kind_label(str(k)) for k in KINDS] == [kind_label(k) for k in KINDS]
