"""Update and signal inputs refuse what no database can store and what is not the type it says."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from dondoc.schemas.lifecycle import (
    AckInput,
    ExplanationDecisionInput,
    ExplanationInput,
    ExplanationRequestInput,
    ExtensionDecisionInput,
    ExtensionRequestInput,
    ReassignInput,
    RecallInput,
    RefusalDecisionInput,
    RefuseInput,
    ReviewInput,
)
from dondoc.schemas.messages import CompleteInput, ReportInput

DUE = "2031-07-30T10:00:00Z"

# Each input with valid values, and the paths of its text fields (a list field as `name[0]`).
VALID: list[tuple[type[BaseModel], dict[str, Any], list[str]]] = [
    (
        ReportInput,
        {"unit": "KHOI_VAN", "progress": 40, "note": "ok", "report_id": "r-1"},
        ["unit", "note", "report_id"],
    ),
    (CompleteInput, {"unit": "KHOI_VAN", "note": "xong"}, ["unit", "note"]),
    (AckInput, {"unit": "KHOI_VAN"}, ["unit"]),
    (RefuseInput, {"unit": "KHOI_VAN", "reason": "không đúng chức năng"}, ["unit", "reason"]),
    (
        RefusalDecisionInput,
        {
            "actor": "DANG_UY",
            "unit": "KHOI_VAN",
            "decision": "reassign",
            "new_unit": "UBND",
            "reason": "r",
        },
        ["actor", "unit", "new_unit", "reason"],
    ),
    (
        ExtensionRequestInput,
        {"unit": "KHOI_VAN", "new_due": DUE, "reason": "chờ số liệu"},
        ["unit", "reason"],
    ),
    (
        ExtensionDecisionInput,
        {"actor": "DANG_UY", "approve": True, "new_due": DUE, "reason": "đồng ý"},
        ["actor", "reason"],
    ),
    (
        ReassignInput,
        {"actor": "DANG_UY", "lead": ["UBND"], "support": ["MTTQ"], "reason": "điều chỉnh"},
        ["actor", "lead[0]", "support[0]", "reason"],
    ),
    (RecallInput, {"actor": "DANG_UY", "reason": "thu hồi"}, ["actor", "reason"]),
    (
        ReviewInput,
        {"actor": "DANG_UY", "accepted": False, "reason": "làm lại", "new_due": DUE},
        ["actor", "reason"],
    ),
    (
        ExplanationRequestInput,
        {"actor": "DANG_UY", "due": DUE, "reason": "giải trình"},
        ["actor", "reason"],
    ),
    (ExplanationInput, {"unit": "KHOI_VAN", "text": "lý do"}, ["unit", "text"]),
    (
        ExplanationDecisionInput,
        {"actor": "DANG_UY", "decision": "extend", "new_due": DUE, "lead": ["UBND"], "reason": "r"},
        ["actor", "lead[0]", "reason"],
    ),
]
TEXT_FIELDS = [(model, fields, path) for model, fields, paths in VALID for path in paths]
CONTROLS = ["\x00", "\x07", "\x1b", "\r", "\x7f", "\x85"]


def decode(model: type[BaseModel], fields: dict[str, Any]) -> BaseModel:
    """As the worker decodes a payload: JSON text into the model."""
    return model.model_validate_json(json.dumps(fields))


def with_value(fields: dict[str, Any], path: str, value: str) -> dict[str, Any]:
    name, _, index = path.partition("[")
    return {**fields, name: [value] if index else value}


@pytest.mark.parametrize(
    ("model", "fields", "_paths"), VALID, ids=lambda v: getattr(v, "__name__", "")
)
def test_valid_inputs_decode(
    model: type[BaseModel], fields: dict[str, Any], _paths: list[str]
) -> None:
    decode(model, fields)


@pytest.mark.parametrize("char", CONTROLS, ids=lambda c: f"U+{ord(c):04X}")
@pytest.mark.parametrize(
    ("model", "fields", "path"),
    TEXT_FIELDS,
    ids=lambda v: getattr(v, "__name__", v if isinstance(v, str) else ""),
)
def test_a_control_character_in_any_text_field_is_refused(
    model: type[BaseModel], fields: dict[str, Any], path: str, char: str
) -> None:
    """NUL (which PostgreSQL refuses), other controls and lone surrogates are refused at decoding,
    and the error names the character."""
    with pytest.raises(ValidationError) as caught:
        decode(model, with_value(fields, path, f"A{char}B"))
    assert f"U+{ord(char):04X}" in str(caught.value)


def test_tabs_and_line_breaks_are_kept_in_notes() -> None:
    expected = "dòng 1\n\tdòng 2"
    inp = decode(ReportInput, {"unit": "KHOI_VAN", "note": expected})
    assert expected == inp.note  # type: ignore[attr-defined]


def test_the_stock_cli_json_still_decodes() -> None:
    """`temporal workflow update execute --input '{"unit": "KHOI_VAN", "progress": 80}'`."""
    expected = ReportInput(unit="KHOI_VAN", progress=80)
    assert expected == ReportInput.model_validate_json('{"unit": "KHOI_VAN", "progress": 80}')
    done = ReportInput.model_validate_json('{"unit": "KHOI_VAN", "done": true}')
    expected_done = (100, True)
    assert expected_done == (done.progress, done.done)


@pytest.mark.parametrize(
    "fields",
    [
        {"unit": "KHOI_VAN", "progress": "5"},
        {"unit": "KHOI_VAN", "progress": 6.0},
        {"unit": "KHOI_VAN", "progress": True},
        {"unit": "KHOI_VAN", "progress": 7, "done": "yes"},
        {"unit": "KHOI_VAN", "progress": 7, "done": 1},
        {"unit": 5, "progress": 7},
        {"unit": "KHOI_VAN", "report_id": 7},
        {"unit": "", "progress": 7},
        {"unit": "K" * 65, "progress": 7},
    ],
    ids=str,
)
def test_report_fields_are_not_coerced(fields: dict[str, Any]) -> None:
    """ "5", 6.0 and true are not a progress; "yes" is not done (it left a unit done at 7 %)."""
    with pytest.raises(ValidationError):
        decode(ReportInput, fields)


@pytest.mark.parametrize(
    ("model", "fields"),
    [
        (ExtensionDecisionInput, {"actor": "DANG_UY", "approve": "yes"}),
        (ReviewInput, {"actor": "DANG_UY", "accepted": 1}),
        (AckInput, {"unit": 5}),
    ],
    ids=lambda v: getattr(v, "__name__", ""),
)
def test_lifecycle_flags_and_codes_are_not_coerced(
    model: type[BaseModel], fields: dict[str, Any]
) -> None:
    with pytest.raises(ValidationError):
        decode(model, fields)
