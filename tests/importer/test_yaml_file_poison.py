"""Hostile directive files (issue 14's fuzzing findings): one located problem each, no crash.

Each test names the finding it proves fixed; before the fix the file crashed the loader, was
refused without a place, or loaded and broke `dondoc start` later.
"""

from __future__ import annotations

import time
import tracemalloc
from pathlib import Path

import pytest

from dondoc.importer.yaml_file import DirectiveFileError, Problem, load_directive, parse_directive
from tests.importer.directive_texts import VALID, edit, problems_of, where

ITEM_1 = 'item "1" (#1)'
DUE = "due: 2024-05-19"


def with_item_field(line: str) -> str:
    """VALID with one more line in item "1", right after its due (line 18)."""
    return edit(f"{DUE}\n", f"{DUE}\n    {line}\n")


def problems_of_bytes(data: bytes, tmp_path: Path) -> list[Problem]:
    path = tmp_path / "chi-thi.yaml"
    path.write_bytes(data)
    with pytest.raises(DirectiveFileError) as info:
        load_directive(path)
    return info.value.problems


class TestNesting:
    @pytest.mark.parametrize("depth", [500, 5000])
    def test_deep_flow_nesting_is_one_problem_at_its_line(self, depth: int) -> None:
        """`title: [[[…]]]` 500 levels deep was a RecursionError; it is one problem at line 14."""
        problems = problems_of(edit('title: "Việc một"', "title: " + "[" * depth + "]" * depth))
        expected = [14]
        assert expected == [p.line for p in problems]
        assert "nest" in problems[0].message  # ours at 32 levels, or libyaml's own limit

    def test_deep_block_nesting_is_one_problem(self) -> None:
        """Mappings nested 600 levels by indentation are refused, not a RecursionError."""
        deep = "".join(f"{'  ' * n}k:\n" for n in range(600)) + "  " * 600 + "v: 1\n"
        problems = problems_of(
            VALID + "x:\n" + "".join("  " + row + "\n" for row in deep.split("\n"))
        )
        expected = 1
        assert expected == len(problems)
        assert "nested deeper than" in problems[0].message
        assert problems[0].line is not None


class TestDatesAndDurations:
    @pytest.mark.parametrize("due", ["01/01/0001", "0001-01-01", "31/12/9999", "01/01/2101"])
    def test_due_outside_the_calendar_years_is_a_problem(self, due: str) -> None:
        """`due: 01/01/0001` was an OverflowError; any year outside 2000–2100 is a problem."""
        problems = problems_of(edit(DUE, f"due: {due}"))
        expected = [(17, (ITEM_1, "due"))]
        assert expected == where(problems)
        assert "2000" in problems[0].message
        assert "2100" in problems[0].message

    def test_datetime_due_outside_the_calendar_years_is_a_problem(self) -> None:
        """An ISO datetime due in year 1 is a problem, not an overflow when turned to UTC."""
        problems = problems_of(edit(DUE, "due: 0001-01-01T00:00:00+07:00"))
        expected = [(17, (ITEM_1, "due"))]
        assert expected == where(problems)

    def test_issued_on_and_milestone_outside_the_calendar_years_are_problems(self) -> None:
        """issued_on and a milestone date are held to the same years as a due."""
        text = edit("committee: DANG_UY\n", "committee: DANG_UY\nissued_on: 01/01/1900\n")
        text = edit(
            f"{DUE}\n",
            f"{DUE}\n    milestones:\n      - {{date: 01/01/3000, title: Mốc}}\n",
            text,
        )
        expected = [(4, ("issued_on",)), (20, (ITEM_1, "milestones", 0, "date"))]
        assert expected == where(problems_of(text))

    def test_relative_due_beyond_the_calendar_is_a_problem_at_the_due(self) -> None:
        """3650 days from issued_on 01/12/2100 falls after 2100: a problem at the item's due."""
        text = edit("committee: DANG_UY\n", "committee: DANG_UY\nissued_on: 01/12/2100\n")
        problems = problems_of(edit(DUE, "due: {days: 3650}", text))
        expected = [(18, (ITEM_1, "due"))]
        assert expected == where(problems)
        assert "2100" in problems[0].message

    @pytest.mark.parametrize("value", ["P1000000D", "P99999999D", "P3660D", "PT100000H"])
    def test_offset_over_ten_years_is_a_problem(self, value: str) -> None:
        """`remind_before: P1000000D` was an OverflowError, P99999999D crashed `dondoc start`."""
        problems = problems_of(with_item_field(f"remind_before: {value}"))
        expected = [(18, (ITEM_1, "remind_before"))]
        assert expected == where(problems)
        assert "at most 3650 days" in problems[0].message

    def test_escalate_every_over_ten_years_in_defaults_is_a_problem(self) -> None:
        """The same limit holds in `defaults`."""
        problems = problems_of(edit("items:\n", "defaults: {escalate_every: P99999999D}\nitems:\n"))
        expected = [(12, ("defaults", "escalate_every"))]
        assert expected == where(problems)

    @pytest.mark.parametrize("value", ["PT0.5S", "PT0.000001S"])
    def test_duration_under_a_second_is_a_problem(self, value: str) -> None:
        """`escalate_every: PT0.5S` was stored as 0 s and looped the workflow."""
        problems = problems_of(with_item_field(f"escalate_every: {value}"))
        expected = [(18, (ITEM_1, "escalate_every"))]
        assert expected == where(problems)
        assert "at least one second" in problems[0].message

    @pytest.mark.parametrize("value", ["PT1.5S", "P1DT0.25S"])
    def test_fractional_seconds_are_a_problem(self, value: str) -> None:
        """`PT1.5S` was silently 1 s; a fraction of a second is refused."""
        problems = problems_of(with_item_field(f"remind_before: {value}"))
        expected = [(18, (ITEM_1, "remind_before"))]
        assert expected == where(problems)
        assert "whole seconds" in problems[0].message

    def test_one_second_and_ten_years_are_accepted(self) -> None:
        """The limits are inclusive: PT1S and P3650D load."""
        plan = parse_directive(
            with_item_field("escalate_every: PT1S\n    remind_before: P3650D"), today=None
        )
        expected = 1.0
        assert expected == plan.items[0].escalate_every.total_seconds()


class TestText:
    @pytest.mark.parametrize(
        ("old", "new", "line", "loc"),
        [
            ('title: "Việc một"', 'title: "Việc\\0một"', 14, (ITEM_1, "title")),
            ('title: "Việc một"', 'title: "Việc\\x07một"', 14, (ITEM_1, "title")),
            ('number: "1"', 'number: "1\\0"', 13, ('item "1\\x00" (#1)', "number")),
            ('name: "Hội Phụ nữ"', 'name: "Hội\\x1bPhụ nữ"', 9, ("units", 4, "name")),
            ('code: "127-KH/ĐU"', 'code: "127\\0"', 1, ("code",)),
        ],
    )
    def test_control_character_in_text_is_a_problem(
        self, old: str, new: str, line: int, loc: tuple[str | int, ...]
    ) -> None:
        """A NUL in a title passed the loader and crashed `dondoc start` on PostgreSQL."""
        problems = problems_of(edit(old, new))
        expected = [(line, loc)]
        assert expected == where(problems)
        assert "control character" in problems[0].message

    def test_control_character_in_description_and_note_is_a_problem(self) -> None:
        """Multi-line text keeps its newlines and tabs, but not a NUL."""
        text = edit("committee: DANG_UY\n", 'committee: DANG_UY\nnote: "a\\nb\\tc\\0"\n')
        text = edit(f"{DUE}\n", f'{DUE}\n    description: "một\\0hai"\n', text)
        expected = [(4, ("note",)), (19, (ITEM_1, "description"))]
        assert expected == where(problems_of(text))

    def test_newlines_and_tabs_in_description_are_kept(self) -> None:
        """A description with a newline and a tab loads as written."""
        plan = parse_directive(with_item_field('description: "một\\nhai\\tba"'))
        expected = "một\nhai\tba"
        assert expected == plan.items[0].description

    def test_control_character_in_a_calendar_reason_is_a_problem(self) -> None:
        """The directive's own calendar reasons are text too."""
        text = edit("items:\n", 'calendar:\n  days_off: {2024-05-02: "Nghỉ\\0bù"}\nitems:\n')
        problems = problems_of(text)
        expected = [13]
        assert expected == [p.line for p in problems]
        assert "control character" in problems[0].message

    def test_title_of_2_5_mib_is_a_problem(self) -> None:
        """A 2.5 MiB title exceeded Temporal's 2 MiB payload limit; titles stop at 500 chars."""
        problems = problems_of(edit('title: "Việc một"', f'title: "{"ư" * 1_300_000}"'))
        expected = [(14, (ITEM_1, "title"))]
        assert expected == where(problems)
        assert "at most 500 characters" in problems[0].message

    def test_description_over_its_limit_is_a_problem(self) -> None:
        """An item's description stops at 20,000 characters."""
        problems = problems_of(with_item_field(f"description: {'a' * 20_001}"))
        expected = [(18, (ITEM_1, "description"))]
        assert expected == where(problems)
        assert "at most 20000 characters" in problems[0].message

    def test_note_over_its_limit_is_a_problem(self) -> None:
        """The directive's note stops at 20,000 characters."""
        problems = problems_of(
            edit("committee: DANG_UY\n", f"committee: DANG_UY\nnote: {'a' * 20_001}\n")
        )
        expected = [(4, ("note",))]
        assert expected == where(problems)

    def test_a_huge_value_is_not_quoted_back_whole(self) -> None:
        """A 1 MB timezone is named in the problem, cut short, not copied into the message."""
        problems = problems_of(
            edit("committee: DANG_UY\n", f"committee: DANG_UY\ntimezone: {'x' * 1_000_000}\n")
        )
        assert all(len(p.message) < 300 for p in problems)


class TestManyProblems:
    def test_a_hundred_problems_then_how_many_more(self) -> None:
        """5,000 unknown lead codes, and a lead over 1,000 units: 100 problems, then one line
        saying that 4,901 more follow."""
        codes = ", ".join(f"X{n}" for n in range(5000))
        problems = problems_of(edit("lead: [UBND]", f"lead: [{codes}]"))
        expected = (101, "and 4,901 more problem(s)", 15)
        assert expected == (len(problems), problems[-1].message, problems[-1].line)


class TestDuplicateKeys:
    @pytest.mark.parametrize(
        ("old", "new", "line", "loc", "first"),
        [
            (f"{DUE}\n", f"{DUE}\n    due: 2024-06-30\n", 18, (ITEM_1, "due"), 17),
            ("committee: DANG_UY\n", 'committee: DANG_UY\ncode: "KHAC"\n', 4, ("code",), 1),
            (
                "{code: DANG_UY, name:",
                "{code: DANG_UY, code: UBND, name:",
                5,
                ("units", 0, "code"),
                5,
            ),
        ],
    )
    def test_duplicate_key_is_a_problem_at_the_second(
        self, old: str, new: str, line: int, loc: tuple[str | int, ...], first: int
    ) -> None:
        """Two `due:` (or two `code:`) in one mapping: last value won silently; now a problem."""
        problems = problems_of(edit(old, new))
        expected = [(line, loc)]
        assert expected == where(problems)
        assert f"first on line {first}" in problems[0].message

    def test_merge_key_may_be_overridden(self) -> None:
        """`<<: *base` then an explicit key is YAML's merge, not a duplicate."""
        text = edit("items:\n", "base: &base {lead: [UBND]}\nitems:\n")
        problems = problems_of(
            edit("    lead: [UBND]\n", "    <<: *base\n    lead: [HOI_PN]\n", text)
        )
        expected = [(12, ("base",))]
        assert expected == where(problems)  # only the unknown top-level field


LOL = '"lol"'


class TestAliases:
    LAUGHS = "".join(
        f"  l{n}: &l{n} [{', '.join([f'*l{n - 1}' if n else LOL] * 9)}]\n" for n in range(10)
    )

    def test_billion_laughs_is_refused_fast_and_small(self) -> None:
        """An alias bomb in a valid directive is refused before it is expanded."""
        text = edit("items:\n", "x-bomb:\n" + self.LAUGHS + "items:\n")
        text = edit("support: [MTTQ]", "support: *l9", text)
        tracemalloc.start()
        started = time.perf_counter()
        problems = problems_of(text)
        elapsed = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        assert elapsed < 1.0
        assert peak < 20 * 2**20
        assert any("alias" in p.message for p in problems)
        assert all(p.line is not None for p in problems)

    def test_many_aliases_are_refused(self) -> None:
        """More than 100 aliases in one file is refused, whatever they point to."""
        rows = "".join("  - *u\n" for _ in range(101))
        text = edit("items:\n", f"x-units: &u UBND\nx-more:\n{rows}items:\n")
        problems = problems_of(text)
        assert any("aliases" in p.message for p in problems)

    def test_alias_into_itself_is_refused(self) -> None:
        """`lead: &a [*a]` (a list that contains itself) is a problem at its line."""
        problems = problems_of(edit("lead: [UBND]", "lead: &a [*a]"))
        expected = [15]
        assert expected == [p.line for p in problems]
        assert "contains it" in problems[0].message

    def test_a_few_aliases_still_work(self) -> None:
        """Anchors and aliases used sparingly (a shared lead list) load as before."""
        text = edit("items:\n", "x: &leads [UBND]\nitems:\n")
        problems = problems_of(edit("lead: [UBND]", "lead: *leads", text))
        expected = [(12, ("x",))]
        assert expected == where(problems)  # only the unknown top-level field


class TestEncoding:
    def test_invalid_utf8_is_a_problem_at_its_line_and_column(self, tmp_path: Path) -> None:
        """A stray 0xFF byte was refused without a place; it is named at line 14, column 15."""
        data = edit('title: "Việc một"', 'title: "Vi\udcffệc"').encode("utf-8", "surrogateescape")
        problems = problems_of_bytes(data, tmp_path)
        expected = [(14, 15)]
        assert expected == [(p.line, p.column) for p in problems]
        assert "0xff" in problems[0].message

    def test_each_invalid_utf8_line_is_named(self, tmp_path: Path) -> None:
        """A file in cp1258 is reported at each line with non-UTF-8 bytes (at most ten)."""
        data = VALID.encode("cp1258", errors="replace")
        problems = problems_of_bytes(data, tmp_path)
        rows = data.split(b"\n")
        expected = [n for n, row in enumerate(rows, 1) if any(b >= 0x80 for b in row)]
        assert expected == [p.line for p in problems]
        assert all("not UTF-8" in p.message for p in problems)

    def test_invalid_utf8_through_parse_directive_bytes(self) -> None:
        """parse_directive takes bytes too, and names the place of a bad byte."""
        with pytest.raises(DirectiveFileError) as info:
            parse_directive(VALID.encode() + b"x: \xc3\x28\n", "d.yaml")
        expected = [(18, 4)]
        assert expected == [(p.line, p.column) for p in info.value.problems]

    @pytest.mark.parametrize("char", ["\0", "\x01", "\x7f", "\ud800"])
    def test_raw_control_character_is_a_problem_at_its_line_and_column(self, char: str) -> None:
        """A raw NUL byte in the file was refused without a place; now line 14, column 17."""
        problems = problems_of(edit('title: "Việc một"', f'title: "Việc{char}một"'))
        expected = [(14, 17)]
        assert expected == [(p.line, p.column) for p in problems]
        assert "d.yaml:14:17:" in DirectiveFileError("d.yaml", problems).render()

    def test_rendered_problem_shows_no_raw_control_characters(self) -> None:
        """A control character in a key is shown escaped, so a terminal prints it safely."""
        with pytest.raises(DirectiveFileError) as info:
            parse_directive(edit(f"{DUE}\n", f'{DUE}\n    "x\\0y": 1\n'), "d.yaml")
        rendered = info.value.render()
        assert "\0" not in rendered
        assert "\\x00" in rendered
