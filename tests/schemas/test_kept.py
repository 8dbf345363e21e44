"""Models an item run keeps share their `model_fields_set` (issue 13's memory per cached item),
and nothing a caller can see of them changes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from dondoc.client import data_converter
from dondoc.schemas.messages import ItemInput, ItemSpec, Role, UnitProgress

DUE = datetime(2026, 12, 31, 10, tzinfo=UTC)


def spec(number: str) -> ItemSpec:
    return ItemSpec(
        directive_code="12-CT/ĐU",
        number=number,
        title=f"Nhiệm vụ {number}",
        committee="DANG_UY",
        lead=["KHOI_VAN"],
        due=DUE,
        remind_at=DUE - timedelta(days=3),
        escalate_every=timedelta(days=7),
    )


def decoded(inp: ItemInput) -> ItemInput:
    conv = data_converter.payload_converter
    [payload] = conv.to_payloads([inp])
    [back] = conv.from_payloads([payload], [ItemInput])
    assert isinstance(back, ItemInput)
    return back


def test_items_read_from_payloads_share_one_fields_set() -> None:
    one, two = (decoded(ItemInput(spec=spec(n), assigned=True)) for n in ("1", "2"))

    assert one.spec.__pydantic_fields_set__ is two.spec.__pydantic_fields_set__
    assert set(ItemSpec.model_fields) == one.spec.model_fields_set
    assert one.__pydantic_fields_set__ is two.__pydantic_fields_set__


def test_a_copy_names_its_own_fields_and_leaves_the_original_as_it_was() -> None:
    unit = UnitProgress(code="KHOI_VAN", role=Role.LEAD)
    other = UnitProgress(code="MTTQ", role=Role.SUPPORT)

    reported = unit.model_copy(update={"progress": 50})

    assert {"code", "role"} == unit.model_fields_set == other.model_fields_set
    assert {"code", "role", "progress"} == reported.model_fields_set
    assert unit.__pydantic_fields_set__ is other.__pydantic_fields_set__
    assert (unit.progress, reported.progress) == (0, 50)
    again = other.model_copy(update={"progress": 10})
    assert reported.__pydantic_fields_set__ is again.__pydantic_fields_set__


def test_the_payload_and_the_unset_fields_are_as_before() -> None:
    inp = ItemInput(spec=spec("1"))
    back = decoded(inp)

    assert inp.model_dump_json() == back.model_dump_json()
    assert {"spec"} == set(inp.model_dump(exclude_unset=True))
    assert {"directive_code", "number", "title", "committee", "lead"} < set(
        inp.spec.model_dump(exclude_unset=True)
    )
    assert "support" not in inp.spec.model_dump(exclude_unset=True)
