"""Pydantic models for everything that crosses a boundary (files, workflows, activities, CLI)."""

from collections.abc import Mapping
from typing import Any, Self

from pydantic import BaseModel, ConfigDict


class Frozen(BaseModel):
    """Base of every boundary model: immutable, and unknown fields are an error."""

    model_config = ConfigDict(frozen=True, extra="forbid")


# Each model instance keeps the names of the fields it was given (`model_fields_set`) in a set
# of its own, and a set is large: 2.2 KiB for the 20 names of an ItemSpec read from a payload,
# five times the dict of its values. Frozen instances never change theirs (model_copy copies it
# before adding to it), so instances given the same names share one set: ~3 KiB less per cached
# item run (bench.item_memory). Same names, so the same `model_fields_set` and the same dumps.
_FIELDS_SETS: dict[frozenset[str], set[str]] = {}
_MAX_FIELDS_SETS = 4096  # kinds of instance, not instances: a bound that is never reached


def _share_fields_set(m: BaseModel) -> None:
    names = m.__pydantic_fields_set__
    shared = _FIELDS_SETS.get(frozenset(names))
    if shared is None:
        if len(_FIELDS_SETS) >= _MAX_FIELDS_SETS:
            return
        shared = _FIELDS_SETS.setdefault(frozenset(names), names)
    object.__setattr__(m, "__pydantic_fields_set__", shared)


class Kept(Frozen):
    """A frozen model the item workflow keeps for its whole run (in its state or its input):
    its instances share their `model_fields_set` with every instance given the same fields."""

    def model_post_init(self, context: Any, /) -> None:
        _share_fields_set(self)

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Self:
        copied = super().model_copy(update=update, deep=deep)
        _share_fields_set(copied)
        return copied
