"""The directive loader on broken files: every problem reported at once, each with its place."""

from __future__ import annotations

import textwrap

import pytest

from dondoc.importer.yaml_file import DirectiveFileError, parse_directive
from tests.importer.directive_texts import VALID, edit, problems_of, where

ITEM_1 = 'item "1" (#1)'

# Thirteen problems of eleven kinds; the comment on each line is what must be reported there.
MANY = textwrap.dedent(
    """\
    code: "CT-01/ĐU"
    title: "Chỉ thị có nhiều lỗi"
    committee: BAN_CHI_HUY
    timezone: Asia/Sai_Gon
    units:
      - {code: DANG_UY, name: "Đảng ủy phường"}
      - {code: UBND, name: "Ủy ban nhân dân phường"}
      - {code: MTTQ, name: "Ủy ban Mặt trận Tổ quốc phường"}
    groups:
      DOAN_THE: [MTTQ, HOI_ND]
    defaults: {remind_before: P3X}
    items:
      - number: "1"
        title: "Việc một"
        lead: [UBND, KHOI_VAN]
        due: 31/02/2024
      - number: "1"
        title: "Việc hai"
        support: [UBND]
        due: 2024-06-30T17:00:00
        mau: do
      - number: 6.1
        title: "Việc ba"
        lead: [MTTQ]
        support: [DOAN_THE]
        due: 2024-06-30
        escalate_every: -P7D
    """
)
MANY_EXPECTED = [
    (3, "committee", "'BAN_CHI_HUY' is not one of the units"),
    (4, "timezone", "unknown timezone 'Asia/Sai_Gon'"),
    (10, "groups.DOAN_THE[2]", "'HOI_ND' in group 'DOAN_THE' is not a unit"),
    (11, "defaults.remind_before", "ISO 8601 duration"),
    (15, 'item "1" (#1).lead[2]', "unknown unit or group code 'KHOI_VAN'"),
    (16, 'item "1" (#1).due', "'31/02/2024' is not a real date"),
    (17, 'item "1" (#2).number', "used twice (first as item #1)"),
    (17, 'item "1" (#2).lead', "no lead unit"),
    (20, 'item "1" (#2).due', "no UTC offset"),
    (21, 'item "1" (#2).mau', "unknown field"),
    (22, 'item "6.1" (#3).number', 'quotes ("6.1")'),
    (25, 'item "6.1" (#3).support', "'MTTQ' is both lead and support"),
    (27, 'item "6.1" (#3).escalate_every', "must be a positive duration"),
]


def rendered(text: str) -> str:
    with pytest.raises(DirectiveFileError) as info:
        parse_directive(text, "chi-thi.yaml")
    return info.value.render()


def test_many_problems_are_all_reported_with_line_and_place() -> None:
    """A file with thirteen problems reports all thirteen, each at its line and field."""
    head, *body = rendered(MANY).splitlines()
    expected = "chi-thi.yaml: 13 problem(s); nothing was started"
    assert expected == head
    actual = []
    for row in body:
        place, location, message = row.strip().split(": ", 2)
        actual.append((int(place.removeprefix("chi-thi.yaml:")), location, message))
    assert sorted(e[:2] for e in MANY_EXPECTED) == sorted(a[:2] for a in actual)
    for (line, location, words), (_, _, message) in zip(
        sorted(MANY_EXPECTED), sorted(actual), strict=True
    ):
        assert words in message, f"line {line} {location}: {message!r}"


def test_render_shows_source_line_item_and_list_position() -> None:
    """One rendered problem reads `source:line: item "N" (#pos).field[k]: message`."""
    text = edit("lead: [UBND]", "lead: [UBND, KHOI_VAN]")
    assert (
        "chi-thi.yaml: 1 problem(s); nothing was started\n"
        f"  chi-thi.yaml:15: {ITEM_1}.lead[2]: unknown unit or group code 'KHOI_VAN'"
    ) == rendered(text)


def test_error_message_is_the_rendered_text() -> None:
    """`str(error)` is the same user-facing text as `render()`, so a CLI can just print it."""
    with pytest.raises(DirectiveFileError) as info:
        parse_directive(edit("committee: DANG_UY", "committee: KHOI_VAN"), "x.yaml")
    assert info.value.render() == str(info.value)


# --- each kind of problem on its own ------------------------------------------------------------


def test_unknown_unit_code_in_lead() -> None:
    """A lead code that is neither a unit nor a group is one problem at that list position."""
    problems = problems_of(edit("lead: [UBND]", "lead: [UBND, KHOI_VAN]"))
    expected = [(15, (ITEM_1, "lead", 1))]
    assert expected == where(problems)
    assert "'KHOI_VAN'" in problems[0].message


def test_unknown_group_code_in_support() -> None:
    """A support code naming no unit or group is one problem at that list position."""
    problems = problems_of(edit("support: [MTTQ]", "support: [DOAN_THE_XA]"))
    expected = [(16, (ITEM_1, "support", 0))]
    assert expected == where(problems)
    assert "'DOAN_THE_XA'" in problems[0].message


def test_unit_both_lead_and_support_after_group_expansion() -> None:
    """A unit reached through a lead group and named in support is one problem on support."""
    problems = problems_of(
        edit("lead: [UBND]\n    support: [MTTQ]", "lead: [DOAN_THE]\n    support: [HOI_PN]")
    )
    expected = [(16, (ITEM_1, "support"))]
    assert expected == where(problems)
    expected_message = "unit 'HOI_PN' is both lead and support"
    assert expected_message == problems[0].message


def test_duplicate_item_number() -> None:
    """Two items with the same number: one problem on the second, naming the first."""
    second = '  - number: "1"\n    title: "Việc hai"\n    lead: [MTTQ]\n    due: 2024-06-30\n'
    problems = problems_of(VALID + second)
    expected = [(18, ('item "1" (#2)', "number"))]
    assert expected == where(problems)
    expected_message = "item number '1' is used twice (first as item #1)"
    assert expected_message == problems[0].message


def test_int_and_text_item_numbers_collide() -> None:
    """`number: 1` and `number: "1"` are the same item number, so they are duplicates."""
    second = "  - number: 1\n    title: Việc hai\n    lead: [MTTQ]\n    due: 2024-06-30\n"
    problems = problems_of(VALID + second)
    expected = [(18, ('item "1" (#2)', "number"))]
    assert expected == where(problems)


def test_missing_lead() -> None:
    """An item without `lead` is one problem, at the item's first line."""
    problems = problems_of(edit("    lead: [UBND]\n", ""))
    expected = [(13, (ITEM_1, "lead"))]
    assert expected == where(problems)
    assert "no lead unit" in problems[0].message


def test_empty_lead() -> None:
    """`lead: []` is the same problem as a missing lead, at the lead line."""
    problems = problems_of(edit("lead: [UBND]", "lead: []"))
    expected = [(15, (ITEM_1, "lead"))]
    assert expected == where(problems)


@pytest.mark.parametrize("value", ["3 ngày", "P3X", "tuần"])
def test_unparsable_duration(value: str) -> None:
    """A remind_before that is no duration is one problem asking for ISO 8601."""
    problems = problems_of(
        edit("due: 2024-05-19\n", f"due: 2024-05-19\n    remind_before: {value}\n")
    )
    expected = [(18, (ITEM_1, "remind_before"))]
    assert expected == where(problems)
    assert "ISO 8601 duration such as P3D" in problems[0].message


@pytest.mark.parametrize("value", ["-P7D", "P0D", "PT0S"])
def test_non_positive_duration(value: str) -> None:
    """A negative or zero escalate_every is one problem: it must be positive."""
    problems = problems_of(
        edit("due: 2024-05-19\n", f"due: 2024-05-19\n    escalate_every: {value}\n")
    )
    expected = [(18, (ITEM_1, "escalate_every"))]
    assert expected == where(problems)
    expected_message = "must be a positive duration"
    assert expected_message == problems[0].message


def test_bad_default_duration() -> None:
    """A bad duration in `defaults` is one problem at `defaults.<field>`."""
    problems = problems_of(edit("items:\n", "defaults:\n  escalate_every: P7Z\nitems:\n"))
    expected = [(13, ("defaults", "escalate_every"))]
    assert expected == where(problems)


@pytest.mark.parametrize("due", ["31/02/2024", "29/02/2023", "00/05/2024"])
def test_impossible_vn_date(due: str) -> None:
    """A dd/mm/yyyy date that does not exist is one problem saying so."""
    problems = problems_of(edit("due: 2024-05-19", f"due: {due}"))
    expected = [(17, (ITEM_1, "due"))]
    assert expected == where(problems)
    assert f"'{due}' is not a real date" in problems[0].message


def test_unreadable_due() -> None:
    """A due that is no date at all is one problem showing both accepted forms."""
    problems = problems_of(edit("due: 2024-05-19", "due: cuối năm"))
    expected = [(17, (ITEM_1, "due"))]
    assert expected == where(problems)
    assert "dd/mm/yyyy" in problems[0].message
    assert "YYYY-MM-DD" in problems[0].message


@pytest.mark.parametrize("due", ["2024-05-19T17:00:00", '"2024-05-19T17:00:00"'])
def test_naive_datetime_is_rejected(due: str) -> None:
    """A datetime without a UTC offset is one problem asking for an offset."""
    problems = problems_of(edit("due: 2024-05-19", f"due: {due}"))
    expected = [(17, (ITEM_1, "due"))]
    assert expected == where(problems)
    assert "no UTC offset" in problems[0].message
    assert "+07:00" in problems[0].message


def test_impossible_issued_on() -> None:
    """`issued_on: 31/02/2024` is one problem at issued_on."""
    problems = problems_of(
        edit("committee: DANG_UY\n", "committee: DANG_UY\nissued_on: 31/02/2024\n")
    )
    expected = [(4, ("issued_on",))]
    assert expected == where(problems)


def test_float_item_number_must_be_quoted() -> None:
    """`number: 6.1` (a YAML float) is one problem telling the writer to quote it."""
    problems = problems_of(edit('number: "1"', "number: 6.1"))
    expected = [(13, ('item "6.1" (#1)', "number"))]
    assert expected == where(problems)
    assert 'write the item number in quotes ("6.1")' in problems[0].message


def test_unknown_item_field() -> None:
    """A misspelt item field is one problem at that field."""
    problems = problems_of(edit("due: 2024-05-19", "due: 2024-05-19\n    ho_tro: [MTTQ]"))
    expected = [(18, (ITEM_1, "ho_tro"))]
    assert expected == where(problems)
    assert "unknown field" in problems[0].message


def test_unknown_top_level_field() -> None:
    """A misspelt top-level field is one problem at that field."""
    problems = problems_of(
        edit("committee: DANG_UY\n", "committee: DANG_UY\nhan_chot: 2024-05-19\n")
    )
    expected = [(4, ("han_chot",))]
    assert expected == where(problems)
    assert "unknown field" in problems[0].message


def test_missing_required_field() -> None:
    """A directive without a title is one problem: required field missing."""
    problems = problems_of(edit('title: "Chỉ thị thử về công tác dân vận"\n', ""))
    expected = [("title",)]
    assert expected == [p.loc for p in problems]
    expected_message = "required field is missing: add `title:`, a short name for it"
    assert expected_message == problems[0].message


def test_committee_not_a_unit() -> None:
    """A committee code that is not among the units is one problem at committee."""
    problems = problems_of(edit("committee: DANG_UY", "committee: KHOI_VAN"))
    expected = [(3, ("committee",))]
    assert expected == where(problems)
    expected_message = "committee 'KHOI_VAN' is not one of the units"
    assert expected_message == problems[0].message


def test_committee_that_is_a_group() -> None:
    """A group is not a unit, so it cannot be the committee escalations go to."""
    problems = problems_of(edit("committee: DANG_UY", "committee: DOAN_THE"))
    expected = [(3, ("committee",))]
    assert expected == where(problems)


def test_unknown_timezone() -> None:
    """A timezone name the tz database does not know is one problem at timezone."""
    problems = problems_of(
        edit("committee: DANG_UY\n", "committee: DANG_UY\ntimezone: Asia/Ha_Noi\n")
    )
    expected = [(4, ("timezone",))]
    assert expected == where(problems)
    expected_message = "unknown timezone 'Asia/Ha_Noi'"
    assert expected_message == problems[0].message


def test_group_member_not_a_unit() -> None:
    """A group member that is not a unit is one problem at that member."""
    problems = problems_of(edit("[DOAN_TN, HOI_PN]", "[DOAN_TN, HOI_ND]"))
    expected = [(11, ("groups", "DOAN_THE", 1))]
    assert expected == where(problems)
    expected_message = "'HOI_ND' in group 'DOAN_THE' is not a unit"
    assert expected_message == problems[0].message


def test_unit_listed_twice() -> None:
    """Two units with the same code are one problem at the later one (the third unit here)."""
    problems = problems_of(edit("units:\n", 'units:\n  - {code: UBND, name: "UBND (2)"}\n'))
    expected = [(7, ("units", 2, "code"))]
    assert expected == where(problems)


# --- YAML itself -------------------------------------------------------------------------------


def test_yaml_syntax_error_reports_its_line() -> None:
    """A mis-indented line is one YAML syntax problem at that line."""
    problems = problems_of(edit("    title: ", "   title: "))
    expected = [(14, ())]
    assert expected == where(problems)
    assert problems[0].message.startswith("YAML syntax error")


def test_yaml_tab_indentation_reports_its_line() -> None:
    """A tab used for indentation is a YAML syntax problem at its line."""
    problems = problems_of(edit("    due: 2024-05-19", "\tdue: 2024-05-19"))
    expected = [17]
    assert expected == [p.line for p in problems]


@pytest.mark.parametrize("text", ["", "# chỉ có chú thích\n", "- một\n- hai\n"])
def test_not_a_mapping(text: str) -> None:
    """An empty file or a YAML list is one problem: a mapping was expected."""
    problems = problems_of(text)
    expected = [(None, ())]
    assert expected == where(problems)
    assert "expected a mapping" in problems[0].message


# --- bugs: each test states the required behaviour and fails today ------------------------------


@pytest.mark.parametrize(
    ("old", "new", "line"),
    [("due: 2024-05-19", "due: 2024-02-31", 17), ("due: 2024-05-19", "due: 2024-13-01", 17)],
)
def test_impossible_iso_date_is_a_problem(old: str, new: str, line: int) -> None:
    """An unquoted impossible ISO date (2024-02-31) is a reported problem at its line."""
    problems = problems_of(edit(old, new))
    expected = [line]
    assert expected == [p.line for p in problems]


@pytest.mark.parametrize("tz", ["Asia", "America"])
def test_timezone_that_is_a_region_folder_is_a_problem(tz: str) -> None:
    """`timezone: Asia` (a region, not a zone) is one unknown-timezone problem."""
    problems = problems_of(edit("committee: DANG_UY\n", f"committee: DANG_UY\ntimezone: {tz}\n"))
    expected = [(4, ("timezone",))]
    assert expected == where(problems)


def test_mapping_in_lead_is_a_problem() -> None:
    """`lead: [{code: UBND}]` (written like a unit) is a reported problem, not a crash."""
    problems = problems_of(edit("lead: [UBND]", "lead: [{code: UBND}]"))
    expected = [15]
    assert expected == [p.line for p in problems]


def test_mapping_in_group_is_a_problem() -> None:
    """A group member written as a mapping is a reported problem, not a crash."""
    problems = problems_of(edit("[DOAN_TN, HOI_PN]", "[DOAN_TN, {code: HOI_PN}]"))
    expected = [11]
    assert expected == [p.line for p in problems]


@pytest.mark.parametrize("value", ["PT0M", "P0DT0H", "P0W", '"00:00:00"'])
def test_every_zero_duration_is_rejected(value: str) -> None:
    """Any zero escalate_every (PT0M, P0DT0H, P0W, 00:00:00) is one 'must be positive' problem."""
    problems = problems_of(edit("items:\n", f"defaults: {{escalate_every: {value}}}\nitems:\n"))
    expected = [(12, ("defaults", "escalate_every"))]
    assert expected == where(problems)


@pytest.mark.parametrize("value", ["3", "1.5"])
def test_bare_number_duration_is_rejected(value: str) -> None:
    """`remind_before: 3` is a problem asking for an ISO 8601 duration (P3D), not 3 seconds."""
    problems = problems_of(
        edit("due: 2024-05-19\n", f"due: 2024-05-19\n    remind_before: {value}\n")
    )
    expected = [(18, (ITEM_1, "remind_before"))]
    assert expected == where(problems)


@pytest.mark.parametrize("due", ["cuối tháng 5", "30/06/2024 trước 17h"])
def test_due_in_words_with_a_t_is_told_the_date_forms(due: str) -> None:
    """A due in words that happens to contain a `t` still gets the dd/mm/yyyy hint."""
    problems = problems_of(edit("due: 2024-05-19", f"due: {due}"))
    assert "dd/mm/yyyy" in problems[0].message
