"""The directive loader on valid files: how a directive is resolved into a plan."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from dondoc.importer.yaml_file import DirectiveFileError, load_directive, parse_directive
from dondoc.schemas.directive import DirectivePlan, ItemPlan
from tests.importer.directive_texts import VALID, edit

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "dan-van-kheo-2024.yaml"
VN = ZoneInfo("Asia/Ho_Chi_Minh")
TO_DAN_VAN = ["TDV_01", "TDV_02", "TDV_03", "TDV_04", "TDV_05", "TDV_06", "TDV_07"]
TO_CHUC_CT_XH = ["DOAN_TN", "HOI_PHU_NU", "HOI_NONG_DAN", "HOI_CCB"]


@pytest.fixture(scope="module")
def example() -> DirectivePlan:
    return load_directive(EXAMPLE)


def item(plan: DirectivePlan, number: str) -> ItemPlan:
    return next(i for i in plan.items if i.number == number)


def only_item(text: str) -> ItemPlan:
    plan = parse_directive(text, "d.yaml")
    assert len(plan.items) == 1
    return plan.items[0]


# --- the shipped example -------------------------------------------------------------------------


def test_example_has_its_fourteen_items_in_file_order(example: DirectivePlan) -> None:
    """The example directive loads with all 14 items, numbered as written, in file order."""
    expected = ["1", "2", "3", "3.1", "4", "5", "6", "6.1", "6.2", "6.3", "6.4", "6.5", "6.6"]
    assert [*expected, "TCTH"] == [i.number for i in example.items]
    assert list(range(14)) == [i.position for i in example.items]


def test_example_keeps_vietnamese_header_text(example: DirectivePlan) -> None:
    """Code, title and committee come through with their Vietnamese letters and slashes intact."""
    expected = (
        "127-KH/ĐU-DVK-D2",
        "Đảng uỷ phường chỉ đạo triển khai thực hiện một số nhiệm vụ trọng tâm "
        "phong trào thi đua dân vận khéo Đợt 2 năm 2024",
        "DANG_UY",
        "Asia/Ho_Chi_Minh",
        None,
    )
    actual = (example.code, example.title, example.committee, example.timezone, example.issued_on)
    assert expected == actual


def test_example_keeps_vietnamese_item_text(example: DirectivePlan) -> None:
    """Item titles and folded descriptions keep their Vietnamese text and typographic quotes."""
    first = item(example, "1")
    expected = "Khối vận tham mưu cấp ủy, nắm tình hình Nhân dân, nhân rộng mô hình “Dân vận khéo”"
    assert expected == first.title
    assert first.description is not None
    assert first.description.startswith("Khối vận chủ động tham mưu cấp ủy thực hiện")
    assert first.description.endswith("của địa phương năm 2024 .")
    assert "Nguyễn Phú Trọng" in item(example, "6.4").title
    assert example.note is not None
    assert "07 tổ dân vận tập trung thực hiện tốt một số nội dung sau:" in example.note


def test_example_date_due_is_end_of_that_day_in_vietnam(example: DirectivePlan) -> None:
    """Item 6.1 `due: 2024-05-19` is 19/05/2024 23:59:59 +07:00, i.e. 2024-05-19T16:59:59Z."""
    due = item(example, "6.1").schedule.due
    assert datetime(2024, 5, 19, 16, 59, 59, tzinfo=UTC) == due
    assert datetime(2024, 5, 19, 23, 59, 59, tzinfo=VN) == due
    assert timedelta(0) == due.utcoffset()


def test_example_override_remind_before_sets_remind_at(example: DirectivePlan) -> None:
    """Item 6.1 overrides remind_before with P7D, so it is reminded a week before its due."""
    first, six_one = item(example, "1"), item(example, "6.1")
    assert datetime(2024, 5, 12, 16, 59, 59, tzinfo=UTC) == six_one.schedule.remind_at
    assert six_one.schedule.due - timedelta(days=7) == six_one.schedule.remind_at
    assert first.schedule.due - timedelta(days=3) == first.schedule.remind_at
    assert {timedelta(days=7)} == {i.escalate_every for i in example.items}


def test_example_expands_to_dan_van_group_wherever_used(example: DirectivePlan) -> None:
    """TO_DAN_VAN becomes its seven TDV units, in place, in item 1's support and TCTH's lead."""
    assert ["CHI_BO", "UBND", "MTTQ", *TO_CHUC_CT_XH, *TO_DAN_VAN] == item(example, "1").support
    assert ["UBND", "MTTQ", *TO_CHUC_CT_XH, "CHI_BO", *TO_DAN_VAN] == item(example, "TCTH").lead


def test_example_has_no_group_codes_left_in_the_plan(example: DirectivePlan) -> None:
    """Every lead and support code in the plan is a unit: no group name survives resolution."""
    units = {u.code for u in example.units}
    used = {code for i in example.items for code in (*i.lead, *i.support)}
    assert set() == used - units


# --- dates and deadlines -------------------------------------------------------------------------


@pytest.mark.parametrize("due", ["2024-05-19", '"2024-05-19"', "19/05/2024", "19/5/2024"])
def test_date_forms_give_the_same_due(due: str) -> None:
    """An ISO date (YAML or quoted) and a dd/mm/yyyy date all mean 19/05/2024 23:59:59 +07:00."""
    actual = only_item(edit("due: 2024-05-19", f"due: {due}")).schedule.due
    assert datetime(2024, 5, 19, 16, 59, 59, tzinfo=UTC) == actual


@pytest.mark.parametrize("due", ["2024-05-19T17:00:00+07:00", '"2024-05-19T17:00:00+07:00"'])
def test_datetime_with_offset_is_kept_as_that_instant(due: str) -> None:
    """An ISO datetime with +07:00 is that instant (10:00 UTC), not moved to the end of the day."""
    actual = only_item(edit("due: 2024-05-19", f"due: {due}")).schedule.due
    assert datetime(2024, 5, 19, 10, 0, 0, tzinfo=UTC) == actual


def test_midnight_datetime_with_offset_stays_midnight() -> None:
    """A datetime at 00:00 +07:00 is kept as midnight, not taken for a date (end of day)."""
    actual = only_item(edit("due: 2024-05-19", "due: 2024-05-19T00:00:00+07:00")).schedule.due
    assert datetime(2024, 5, 18, 17, 0, 0, tzinfo=UTC) == actual


def test_date_due_uses_the_directive_timezone() -> None:
    """With `timezone: UTC` a date due is 23:59:59 UTC of that day."""
    text = edit("committee: DANG_UY\n", "committee: DANG_UY\ntimezone: UTC\n")
    assert datetime(2024, 5, 19, 23, 59, 59, tzinfo=UTC) == only_item(text).schedule.due


def test_issued_on_accepts_dd_mm_yyyy() -> None:
    """`issued_on: 25/01/2024` is the date 2024-01-25."""
    text = edit("committee: DANG_UY\n", "committee: DANG_UY\nissued_on: 25/01/2024\n")
    assert date(2024, 1, 25) == parse_directive(text).issued_on


# --- numbers, groups, defaults -------------------------------------------------------------------


def test_int_item_number_becomes_text() -> None:
    """An unquoted whole number `number: 1` is the item number "1"."""
    expected = "1"
    assert expected == only_item(edit('number: "1"', "number: 1")).number


def test_groups_expand_in_order_without_duplicates() -> None:
    """Codes expand left to right, each group in its own order, a unit named twice kept once."""
    text = edit(
        "groups:\n  DOAN_THE: [DOAN_TN, HOI_PN]\n",
        "groups:\n  DOAN_THE: [DOAN_TN, HOI_PN]\n  MAT_TRAN: [HOI_PN, MTTQ]\n",
    )
    text = edit(
        "lead: [UBND]\n    support: [MTTQ]", "lead: [DOAN_THE, UBND, MAT_TRAN, DOAN_TN]", text
    )
    expected = ["DOAN_TN", "HOI_PN", "UBND", "MTTQ"]
    assert expected == only_item(text).lead


def test_missing_defaults_are_p3d_and_p7d() -> None:
    """Without a `defaults` block an item is reminded 3 days before and escalated every 7 days."""
    actual = only_item(VALID)
    assert actual.schedule.due - timedelta(days=3) == actual.schedule.remind_at
    assert timedelta(days=7) == actual.escalate_every


def test_directive_defaults_apply_to_items_without_their_own() -> None:
    """`defaults` set remind_before and escalate_every for items that do not override them."""
    text = edit("items:\n", "defaults: {remind_before: P1D, escalate_every: PT12H}\nitems:\n")
    actual = only_item(text)
    assert actual.schedule.due - timedelta(days=1) == actual.schedule.remind_at
    assert timedelta(hours=12) == actual.escalate_every


def test_item_overrides_beat_defaults() -> None:
    """An item's own remind_before and escalate_every win over the directive's defaults."""
    text = edit("items:\n", "defaults: {remind_before: P1D, escalate_every: PT12H}\nitems:\n")
    text = edit(
        "due: 2024-05-19\n",
        "due: 2024-05-19\n    remind_before: P5D\n    escalate_every: P2D\n",
        text,
    )
    actual = only_item(text)
    assert actual.schedule.due - timedelta(days=5) == actual.schedule.remind_at
    assert timedelta(days=2) == actual.escalate_every


# --- content hash --------------------------------------------------------------------------------


def test_content_hash_is_stable_for_the_same_file() -> None:
    """Loading the same file twice gives the same content hash."""
    assert load_directive(EXAMPLE).content_hash() == load_directive(EXAMPLE).content_hash()


def test_content_hash_is_the_one_stored_before_the_schedule_became_one_model() -> None:
    """The example started on 15/04/2024 hashes as it did when an item's schedule was six flat
    fields (commit 389f2c6), so restarting a directive stored then finds the same content."""
    expected = "24252a6c8c2bdf04e1a418aa60caaf6ff67b85f044407315f8362832f849e77c"
    assert expected == load_directive(EXAMPLE, today=date(2024, 4, 15)).content_hash()


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ('title: "Việc một"', 'title: "Việc một (sửa)"'),
        ("due: 2024-05-19", "due: 2024-05-20"),
        ("support: [MTTQ]", "support: [MTTQ, HOI_PN]"),
    ],
)
def test_content_hash_changes_when_an_item_changes(old: str, new: str) -> None:
    """Changing an item's title, due or units changes the content hash."""
    assert parse_directive(VALID).content_hash() != parse_directive(edit(old, new)).content_hash()


# --- reading files -------------------------------------------------------------------------------


def test_load_directive_reads_utf8_with_bom_and_crlf(tmp_path: Path) -> None:
    """A file saved on Windows (UTF-8 with BOM, CRLF line ends) loads with its text intact."""
    path = tmp_path / "chi-thi.yaml"
    path.write_bytes(("\ufeff" + VALID).replace("\n", "\r\n").encode("utf-8"))
    plan = load_directive(path)
    expected = ("127-KH/ĐU", "Việc một")
    assert expected == (plan.code, plan.items[0].title)


def test_load_directive_missing_file_is_a_directive_error(tmp_path: Path) -> None:
    """A path that does not exist raises DirectiveFileError naming the file, not OSError."""
    path = tmp_path / "khong-co.yaml"
    with pytest.raises(DirectiveFileError) as info:
        load_directive(path)
    expected = [(None, ())]
    assert expected == [(p.line, p.loc) for p in info.value.problems]
    assert "no such file" in info.value.problems[0].message
    assert info.value.render().startswith(f"{path}: 1 problem(s); nothing was started")
